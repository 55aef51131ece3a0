"""One iterative traversal that drives every rule and fact collector.

LibCST's own `visit` rebuilds every node as it goes; reading the dataclass fields is three times faster on
real code, and an explicit stack means a deeply nested expression cannot raise RecursionError here.
"""

from __future__ import annotations

import dataclasses
import traceback
from typing import Any, Callable

import libcst as cst

VisitorMethod = Callable[[cst.CSTNode], Any]

# Fields visited first and last, so children come in source order where it matters (decorators before the
# function name, the body after the signature).
_FIRST = ("leading_lines", "decorators", "lines_after_decorators")
_LAST = ("body", "handlers", "orelse", "finalbody")
_FIELDS: dict[type, tuple[str, ...]] = {}
_SCOPES = (cst.FunctionDef, cst.ClassDef)


def _field_names(node_type: type) -> tuple[str, ...]:
    names = [f.name for f in dataclasses.fields(node_type)]

    def rank(name: str) -> tuple[int, int]:
        if name in _FIRST:
            return (0, _FIRST.index(name))
        if name in _LAST:
            return (2, _LAST.index(name))
        return (1, names.index(name))

    ordered = tuple(sorted(names, key=rank))
    _FIELDS[node_type] = ordered
    return ordered


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    for name in _FIELDS.get(type(node)) or _field_names(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            found.append(value)
        elif type(value) in (list, tuple):
            found.extend(item for item in value if isinstance(item, cst.CSTNode))
    return found


def _visitor_methods(visitor: cst.BatchableCSTVisitor) -> dict[str, VisitorMethod]:
    # Names are found once per class, not with inspect on every instance.
    cls = type(visitor)
    names = _METHOD_NAMES.get(cls)
    if names is None:
        names = tuple(
            name
            for name in dir(cls)
            if name.startswith(("visit_", "leave_")) and not getattr(getattr(cls, name), "_is_no_op", False)
        )
        _METHOD_NAMES[cls] = names
    return {name: getattr(visitor, name) for name in names}


_METHOD_NAMES: dict[type, tuple[str, ...]] = {}


class _Dispatch:
    """visit_/leave_ methods by name; a visitor that raises is reported once and switched off."""

    def __init__(
        self, visitors: list[cst.BatchableCSTVisitor], on_error: Callable[[cst.BatchableCSTVisitor, str], None]
    ) -> None:
        self.table: dict[str, list[tuple[int, VisitorMethod]]] = {}
        for index, visitor in enumerate(visitors):
            for name, method in _visitor_methods(visitor).items():
                self.table.setdefault(name, []).append((index, method))
        self.visitors = visitors
        self.on_error = on_error
        self.dead: set[int] = set()

    def __call__(self, name: str, node: cst.CSTNode) -> None:
        for index, method in self.table.get(name, ()):
            if index not in self.dead:
                self._guarded(index, method, node)

    def _guarded(self, index: int, method: VisitorMethod, node: cst.CSTNode) -> None:
        try:
            method(node)
        except RecursionError:
            raise
        except Exception:  # a rule must never take the run down with it
            self.dead.add(index)
            self.on_error(self.visitors[index], traceback.format_exc(limit=-3))


def traverse(
    module: cst.Module,
    visitors: list[cst.BatchableCSTVisitor],
    scope: list[str],
    on_error: Callable[[cst.BatchableCSTVisitor, str], None],
) -> None:
    """Run every visitor's visit_/leave_ methods in one pass, keeping `scope` (enclosing defs) up to date."""
    call = _Dispatch(visitors, on_error)
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, leaving = stack.pop()
        is_scope = isinstance(node, _SCOPES)
        if leaving:
            call("leave_" + type(node).__name__, node)
            if is_scope:
                scope.pop()
            continue
        if is_scope:
            scope.append(node.name.value)  # type: ignore[attr-defined]
        call("visit_" + type(node).__name__, node)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)))
