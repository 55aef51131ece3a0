"""Positions for the nodes that are reported, in one code-generation pass that tracks character offsets.

LibCST's PositionProvider splits every token on newlines; counting offsets and converting only the few
reported ones to (line, column) is cheaper and gives the same ranges. The same pass, keeping the code, says
where a fix's node starts, for its text edit (`simplelint.engine.edits`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Optional

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")


def _subtypes(base: type) -> set[type]:
    return {base}.union(*map(_subtypes, base.__subclasses__()))


# Nodes no other node's range is hoisted from (LibCST hoists from statements, blocks, handlers, import names
# and parentheses only): their spans are kept only when asked for, not for each of the file's million nodes.
_NEVER_HOISTED = frozenset(
    set().union(*map(_subtypes, (cst.BaseExpression, cst.BaseParenthesizableWhitespace, cst.BaseBinaryOp)))
    | set().union(*map(_subtypes, (cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp)))
    | {cst.EmptyLine, cst.TrailingWhitespace, cst.Newline, cst.Comment, cst.Comma, cst.Dot, cst.Colon}
)


class _OffsetState(CodegenState):
    """One code-generation pass that counts character offsets: the spans of the nodes in `wanted` and of
    those another node's range may be hoisted from (not of the file's million others).

    With `keep_code` it also keeps the code and, for each wanted node, where its code begins (leading lines
    included) and the indentation it is rendered under: what rendering that node alone needs (text edits).
    Without, it stores no tokens, so a large file's positions cost no copy of its text.
    """

    def __init__(self, module: cst.Module, wanted: set[cst.CSTNode], keep_code: bool = False) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.keep_code = keep_code
        self.offset = 0
        # Module._codegen_impl adds a newline when no token was added; without the code this state stores no
        # tokens, so it says whether the module has any (else every offset check would fail and lines be
        # counted twice).
        if not keep_code and (module.header or module.body or module.footer):
            self.tokens = [""]
        self.last = ""
        self.ranges: dict[cst.CSTNode, tuple[int, int]] = {}
        self.starts: dict[cst.CSTNode, tuple[int, tuple[str, ...]]] = {}  # with keep_code
        self._starts: list[int] = []

    def add_indent_tokens(self) -> None:
        if self.keep_code:
            self.tokens.extend(self.indent_tokens)
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        if self.keep_code:
            self.tokens.append(value)
        self.offset += len(value)
        self.last = value

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._starts.pop()
        if not self.keeps(node):
            return
        # Nodes without a syntactic position (whitespace, ...) get their whole span, as in LibCST.
        if node not in self.ranges:
            self.ranges[node] = (start, self.offset)
        if self.keep_code and node in self.wanted:
            # Indentation changes inside a node are undone by its end: this is what it started under.
            self.starts[node] = (start, tuple(self.indent_tokens))

    def keeps(self, node: cst.CSTNode) -> bool:
        return type(node) not in _NEVER_HOISTED or node in self.wanted

    def pop_trailing_newline(self) -> None:
        # As CodegenState does for a file that ends without a newline: the offsets end where the text does.
        if self.last == self.default_newline:
            self.offset -= len(self.last)
        if self.keep_code:
            super().pop_trailing_newline()

    # LibCST's annotation names @contextmanager's class; its callers only need a context manager.
    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: Optional[cst.CSTNode] = None,
        end_node: Optional[cst.CSTNode] = None,
    ) -> _Record:
        return _Record(self, node, start_node, end_node)


class _Record:
    """The span of one node (a class, not @contextmanager: it runs for most nodes of the file)."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(
        self, state: _OffsetState, node: cst.CSTNode, start_node: Optional[cst.CSTNode], end_node: Optional[cst.CSTNode]
    ) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc: object) -> None:
        state = self.state
        start, end = self.start, state.offset
        # Hoisting from children (e.g. a decorated function's range) needs their ranges too.
        if self.start_node is not None:
            start = state.ranges[self.start_node][0]
        if self.end_node is not None:
            end = state.ranges[self.end_node][1]
        if state.keeps(self.node):
            state.ranges[self.node] = (start, end)


class LineIndex:
    """Character offset -> 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        offset = min(offset, self.length)  # the module's own span runs past its popped final newline
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def node_ranges(
    module: cst.Module, nodes: Iterable[cst.CSTNode], index: LineIndex
) -> dict[cst.CSTNode, tuple[int, int, int, int]]:
    """(line, column, end_line, end_column) for each node, 1-based, end exclusive as in ruff."""
    wanted = set(nodes)
    if not wanted:
        return {}
    state = _OffsetState(module, wanted)
    module._codegen(state)
    if state.offset != index.length:
        # LibCST does not reproduce this text byte for byte (it drops a final lone "\r", or the space in
        # `except (A, B) :`): count lines in the code it generated, which the offsets refer to.
        index = LineIndex(module.code)
    result = {}
    for node in wanted:
        span = state.ranges.get(node)
        if span is None:
            continue
        result[node] = (*index.position(span[0]), *index.position(span[1]))
    return result


def code_and_starts(
    module: cst.Module, nodes: Iterable[cst.CSTNode]
) -> tuple[str, dict[cst.CSTNode, tuple[int, tuple[str, ...]]]]:
    """The module's code and, for each of `nodes`, the offset where its code begins (leading lines included)
    and the indentation it is rendered under, in one code-generation pass."""
    state = _OffsetState(module, set(nodes), keep_code=True)
    module._codegen(state)
    return "".join(state.tokens), state.starts
