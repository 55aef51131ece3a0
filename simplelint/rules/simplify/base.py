"""What every simplification rule shares: the base class, comments kept by fixes, code of nodes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, Optional

import libcst as cst

from simplelint.engine.traversal import children
from simplelint.rule import NodeFix, Rule

BOOL_BUILTINS = frozenset({"isinstance", "issubclass", "callable", "hasattr", "bool", "all", "any"})


IDENTITY_OPERATORS = (cst.Is, cst.IsNot, cst.In, cst.NotIn)


_EMPTY_MODULE = cst.Module(body=[])


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def walk(*roots: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under `roots` (roots included), without recursion."""
    stack = list(roots)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(children(node))


def has_comment(*nodes: Optional[cst.CSTNode]) -> bool:
    return any(isinstance(node, cst.Comment) for node in walk(*(n for n in nodes if n is not None)))


def comments(nodes: Iterable[cst.CSTNode]) -> Counter[str]:
    return Counter(node.value for node in walk(*nodes) if isinstance(node, cst.Comment))


def drops_comment(fix: NodeFix) -> bool:
    """Whether a comment under the replaced node is missing from its replacement (moving it is fine)."""
    replacement = fix.replacement
    if isinstance(replacement, cst.FlattenSentinel):
        kept: list[cst.CSTNode] = list(replacement.nodes)
    else:
        kept = [replacement] if isinstance(replacement, cst.CSTNode) else []
    return bool(comments([fix.original]) - comments(kept))


class SimplifyRule(Rule):
    """An SL11x rule: its fixes never drop a comment; where one would, the finding comes without a fix."""

    def report(
        self, node: cst.CSTNode, message: str, fix: Optional[NodeFix] = None, *, extra: Optional[dict[str, Any]] = None
    ) -> None:
        super().report(node, message, None if fix is not None and drops_comment(fix) else fix, extra=extra)


def bool_literal(node: cst.BaseExpression) -> Optional[bool]:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def is_not(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)


def is_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def short(node: cst.CSTNode, limit: int = 40) -> str:
    text = " ".join(code_of(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
