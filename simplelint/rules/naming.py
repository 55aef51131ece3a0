"""What names say, shared by the rule families: dummies, dunders, private names, decorators, imports."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Optional

from simplelint.ruleinfo import ast_summary, python_ast

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


@ast_summary
def imported_names(source: bytes) -> Mapping[str, str]:
    """What each name imported in the file stands for: `import sys as s` gives `s` -> `sys`, `from typing
    import TYPE_CHECKING as TC` gives `TC` -> `typing.TYPE_CHECKING`."""
    tree = python_ast(source)
    return {} if tree is None else dict(pair for node in ast.walk(tree) for pair in _imported(node))


def _imported(node: ast.AST) -> Iterator[tuple[str, str]]:
    """(local name, what it stands for) for each name an import statement binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            yield local, alias.name if alias.asname else local
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        for alias in node.names:
            yield alias.asname or alias.name, f"{node.module}.{alias.name}"


def dotted(node: Optional[ast.AST]) -> str:
    """`a.b.c` for a chain of names, "" for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def resolve_relative(importer: Optional[str], package: bool, level: int, module: str) -> Optional[str]:
    """The absolute name of `module` imported with `level` dots from module `importer`, as Python does.

    `package` tells whether `importer` is a package's `__init__`. None when Python could not resolve it
    either: the importer's name is unknown, or the dots climb above its top-level package.
    """
    if level == 0:
        return module or None
    if importer is None:
        return None
    parts = importer.split(".") if package else importer.split(".")[:-1]
    if level > len(parts):
        return None
    base = parts[: len(parts) - level + 1]
    return ".".join(base + ([module] if module else []))
