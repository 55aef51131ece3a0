"""A fix (a LibCST node replacement) applied to a module, and as the one text edit it makes.

The engine gives json and sarif output each fix's edit; the fixer applies fixes and checks what an edit
touched. Neither imports the other: both import this.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional, Union

import libcst as cst
from libcst._nodes.internal import CodegenState

from simplelint.engine.positions import LineIndex, code_and_starts
from simplelint.engine.traversal import children
from simplelint.engine.violation import Edit
from simplelint.rule import NodeFix


class _Replace(cst.CSTTransformer):
    """Replace fix nodes by identity, descending only into the nodes that contain one."""

    def __init__(self, root: cst.CSTNode, fixes: list[NodeFix]) -> None:
        super().__init__()
        self.fixes = {id(f.original): f for f in fixes}
        self.containing = _containing(root, set(self.fixes))

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.containing

    # LibCST's annotation wants a node of the original's type back; a fix may bring another type, and LibCST
    # checks at run time that the parent accepts it.
    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]:
        fix = self.fixes.get(id(original_node))
        if fix is not None and fix.original is original_node:
            # An enclosing fix built from the original children wins; the inner one returns next pass.
            return fix.replacement
        return updated_node


def _containing(root: cst.CSTNode, targets: set[int]) -> set[int]:
    """Ids of the nodes that have a target node below them."""
    parents: dict[int, list[cst.CSTNode]] = {}
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        for child in children(node):
            parents.setdefault(id(child), []).append(node)
            stack.append(child)
    found: set[int] = set()
    pending = [parent for target in targets for parent in parents.get(target, ())]
    while pending:
        node = pending.pop()
        if id(node) not in found:
            found.add(id(node))
            pending.extend(parents.get(id(node), ()))
    return found


def apply_fixes(module: cst.Module, fixes: list[NodeFix]) -> cst.Module:
    return module.visit(_Replace(module, fixes))


class Rendered:
    """The module's code, with where each fix's original node starts and the indentation it is rendered under:
    made once per module for the edits of all its fixes."""

    def __init__(self, module: cst.Module, fixes: Iterable[NodeFix]) -> None:
        self.module = module
        self.code, self.starts = code_and_starts(module, [fix.original for fix in fixes])
        self.index = LineIndex(self.code)

    def render(self, node: cst.CSTNode, indents: tuple[str, ...]) -> str:
        state = CodegenState(self.module.default_indent, self.module.default_newline, indent_tokens=list(indents))
        node._codegen(state)
        return "".join(state.tokens)


def edit_for(rendered: Rendered, fix: NodeFix) -> Optional[Edit]:
    """The fix as one text edit: the span where the fixed code differs from the original.

    The replaced node is rendered alone under its indentation (rendering the whole module for every finding
    made json/sarif output quadratic); the whole module only when that does not reproduce its text, or the
    replacement is not a single node.
    """
    try:
        offset, indents = rendered.starts.get(fix.original, (0, ()))
        if isinstance(fix.replacement, cst.CSTNode) and offset:
            before = rendered.render(fix.original, indents)
            if rendered.code.startswith(before, offset):
                return _edit(rendered, offset, before, rendered.render(fix.replacement, indents))
        return _edit(rendered, 0, rendered.code, apply_fixes(rendered.module, [fix]).code)
    except Exception:  # a replacement LibCST cannot render: the fixer reports it when applying the fix
        return None


def _edit(rendered: Rendered, offset: int, before: str, after: str) -> Optional[Edit]:
    """The edit turning `before` (at `offset` in the module's code) into `after`."""
    if before == after:
        return None
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before -= 1
        end_after -= 1
    line, column = rendered.index.position(offset + start)
    end_line, end_column = rendered.index.position(offset + end_before)
    return Edit(after[start:end_after], line, column, end_line, end_column)
