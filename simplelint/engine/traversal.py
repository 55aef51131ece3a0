"""One iterative traversal that drives every rule and fact collector (what it supports: see simplelint.rule).

LibCST's own `visit` rebuilds every node as it goes; reading the dataclass fields is three times faster on
real code, and an explicit stack means a deeply nested expression cannot raise RecursionError here.
"""

from __future__ import annotations

import dataclasses
import traceback
from typing import Callable, Union, cast

import libcst as cst

VisitorMethod = Callable[[cst.CSTNode], object]  # what visit methods return is not used

# Fields visited first and last, so children come in source order where it matters (decorators before the
# function name, the body after the signature).
_FIRST = ("leading_lines", "decorators", "lines_after_decorators")
_LAST = ("body", "handlers", "orelse", "finalbody")
_FIELDS: dict[type, tuple[str, ...]] = {}
_SCOPES = {cst.FunctionDef, cst.ClassDef}


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


def _node_types(base: type[cst.CSTNode] = cst.CSTNode) -> set[type[cst.CSTNode]]:
    found = {base}
    for sub in base.__subclasses__():
        found |= _node_types(sub)
    return found


# Exact-type lookups: `isinstance` against LibCST's abstract base classes dominated the walk.
_NODE_TYPES = _node_types()


# Whitespace, comments, brackets and operator tokens hold nothing but more of the same: when no visitor
# asks for one of them, the walk skips them (about half the nodes of a file).
_TRIVIA = frozenset(
    set().union(
        *map(_node_types, (cst.BaseParenthesizableWhitespace, cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp)),
        *map(_node_types, (cst.BaseUnaryOp, cst.BaseAugOp)),
    )
    | {cst.EmptyLine, cst.TrailingWhitespace, cst.Newline, cst.Comment, cst.Comma, cst.Colon, cst.Dot}
    | {cst.Semicolon, cst.AssignEqual, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket}
    | {cst.LeftCurlyBrace, cst.RightCurlyBrace}
)


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    for name in _FIELDS.get(type(node)) or _field_names(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind in _NODE_TYPES:
            found.append(value)
        elif kind is list or kind is tuple:
            found.extend(item for item in value if type(item) in _NODE_TYPES)
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
        self.by_type: dict[type, tuple[list[tuple[int, VisitorMethod]], list[tuple[int, VisitorMethod]]]] = {}
        self.skipped = frozenset(t for t in _TRIVIA if not any(self.methods(t)))

    def methods(self, node_type: type) -> tuple[list[tuple[int, VisitorMethod]], list[tuple[int, VisitorMethod]]]:
        """The visit_ and leave_ methods for one node type, looked up once per type."""
        found = self.by_type.get(node_type)
        if found is None:
            name = node_type.__name__
            found = self.by_type[node_type] = (self.table.get("visit_" + name, []), self.table.get("leave_" + name, []))
        return found

    def __call__(self, methods: list[tuple[int, VisitorMethod]], node: cst.CSTNode) -> None:
        for index, method in methods:
            if index not in self.dead:
                self._guarded(index, method, node)

    def _guarded(self, index: int, method: VisitorMethod, node: cst.CSTNode) -> None:
        try:
            returned = method(node)
            if returned is not None and method.__name__.startswith("visit_"):
                raise TypeError(
                    f"{method.__qualname__} returned {returned!r}: visit methods must return None, since the"
                    " traversal is shared and always visits the children (returning False does not skip them)"
                )
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
        node_type = type(node)
        visit, leave = call.methods(node_type)
        if leaving:
            if leave:
                call(leave, node)
            if node_type in _SCOPES:
                scope.pop()
            continue
        if node_type in _SCOPES:
            scope.append(cast("Union[cst.FunctionDef, cst.ClassDef]", node).name.value)
        if visit:
            call(visit, node)
        stack.append((node, True))
        skipped = call.skipped
        stack.extend((child, False) for child in reversed(children(node)) if type(child) not in skipped)
