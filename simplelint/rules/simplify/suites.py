"""Reading if-statements and their blocks: what a branch returns, how a block ends."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from simplelint.rules.simplify.base import bool_literal, has_comment


def returned_bool(suite: Optional[cst.CSTNode]) -> Optional[bool]:
    """True/False when `suite` (a block, or one statement line) is exactly `return True`/`return False`."""
    if isinstance(suite, cst.IndentedBlock):
        if len(suite.body) != 1:
            return None
        suite = suite.body[0]
    if not isinstance(suite, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) or len(suite.body) != 1:
        return None
    statement = suite.body[0]
    if not isinstance(statement, cst.Return) or statement.value is None:
        return None
    return bool_literal(statement.value)


def bool_branches(node: cst.If) -> Optional[bool]:
    """What `node` returns when its body and its `else` only return opposite bool literals; else None."""
    orelse = node.orelse
    if not isinstance(orelse, cst.Else):
        return None
    returned = returned_bool(node.body)
    return returned if returned is not None and returned_bool(orelse.body) == (not returned) else None


def last_elif(node: cst.If) -> Optional[cst.If]:
    """The last `elif` of `node`'s chain, if it has one."""
    tail = None
    while isinstance(node.orelse, cst.If):
        tail = node = node.orelse
    return tail


def branches_before(node: cst.If, branch: cst.If) -> list[cst.If]:
    """The `if` and `elif`s of `node`'s chain that come before `branch`, which is one of them."""
    found = []
    while node is not branch:
        found.append(node)
        assert isinstance(node.orelse, cst.If)
        node = node.orelse
    return found


_TERMINATORS: dict[type, str] = {cst.Return: "return", cst.Raise: "raise", cst.Continue: "continue", cst.Break: "break"}


def terminator(suite: cst.BaseSuite) -> Optional[str]:
    """The keyword that ends `suite` when its last statement is `return`, `raise`, `continue` or `break`."""
    last: cst.CSTNode = suite.body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1]
    return _TERMINATORS.get(type(last))


def keyword_comment(orelse: Union[cst.If, cst.Else]) -> bool:
    """Whether the line of an `elif`/`else`, or the lines LibCST attaches above it, hold a comment.

    Such a comment labels the branch (`else:  # - -` in a table of cases): turning the `elif` into an `if` or
    dedenting the `else` body would keep its text but lose what it labels.
    """
    body = orelse.body
    assert isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite))
    line = body.header if isinstance(body, cst.IndentedBlock) else body.trailing_whitespace
    header = (orelse.test,) if isinstance(orelse, cst.If) else ()
    return has_comment(*orelse.leading_lines, line, *header)
