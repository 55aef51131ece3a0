"""What names say, shared by the rule families: dummies, dunders, private names, decorators."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import libcst as cst

# ruff's default `dummy-variable-rgx`: `_`, `__`, `_unused`, but not dunders.
DUMMY = re.compile(r"^(_+|(_+[a-zA-Z0-9_]*[a-zA-Z0-9]+?))$")


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def is_private(name: str) -> bool:
    return name.startswith("_") and not is_dunder(name)


def decorator_names(node: cst.FunctionDef) -> tuple[str, ...]:
    """Each decorator's last dotted name, call or not: `@typing.overload` -> `overload`."""
    import libcst as cst  # here, not at the top: SL3 imports this module and needs no LibCST

    names = []
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        if isinstance(expression, cst.Attribute):
            expression = expression.attr
        if isinstance(expression, cst.Name):
            names.append(expression.value)
    return tuple(names)
