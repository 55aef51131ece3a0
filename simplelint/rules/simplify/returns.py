"""SL110: `if c: return True else: return False` says `return c`."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from simplelint.rule import Invalid, NodeFix
from simplelint.rules.simplify.base import SimplifyRule, short
from simplelint.rules.simplify.expressions import LAMBDA, bool_value, wrap
from simplelint.rules.simplify.suites import (
    bool_branches,
    branches_before,
    keyword_comment,
    last_elif,
    returned_bool,
    terminator,
)


class NeedlessBoolReturn(SimplifyRule):
    """
    ## What it does
    Flags an `if` that only returns `True` or `False`, with an `else` returning the opposite or followed by a
    `return` of the opposite, and offers to return the condition directly. A chain's last `elif` returning
    `True` or `False` with an `else` returning the opposite is flagged too (as ruff's SIM103 does): it
    becomes a `return` after the chain when every branch before it ends in `return`, `raise`, `continue`
    or `break`, and an `else` returning the condition otherwise.

    The condition is returned as is when it is certainly a bool (`not ...`, `is`, `in`, `isinstance(...)`,
    `callable(...)`, ...), as `bool(...)` otherwise, and as `not ...` when the branches are inverted
    (`is` becomes `is not`, `in` becomes `not in`).

    ## Why is this bad?
    Four lines say what one says: the reader has to check both branches to see that the function returns
    the condition's truth.

    ## Example
    ```python
    def is_admin(user):
        if user.role == "admin":
            return True
        return False
    ```

    ## Use instead
    ```python
    def is_admin(user):
        return user.role == "admin"
    ```

    ## Fix safety
    `return bool(c)`, `return not c` and `return c` for a certain bool are safe: they return exactly what the
    `if` returned. Returning a rich comparison (`==`, `<`, ...) directly is unsafe: a type may overload it to
    return something else than a bool (numpy arrays, SQLAlchemy columns), which the `if` turned into
    `True`/`False`. No fix is offered when a comment would be lost or would label something else (one on the
    `elif` line or above it), or when `bool` is rebound in the file. SL113 does not report the `else` (or
    `elif`) of an `if` flagged here: this fix removes it too.
    """

    code = "SL110"
    name = "needless-bool-return"
    silenced_by = ("SIM103",)
    summary = "`if` returning `True`/`False`: return the condition"
    VALID = [
        "def f(x):\n    if x:\n        return True\n    return True\n",
        "def f(x):\n    if x:\n        return 1\n    else:\n        return 0\n",
        "def f(x, y):\n    if x:\n        return True\n    elif y:\n        return False\n    return True\n",
        "def f(x):\n    if x:\n        return True\n    log(x)\n    return False\n",
        "def f(x, y):\n    if x:\n        return True\n    elif y:\n        return True\n"
        "    else:\n        return True\n",
    ]
    INVALID = [
        Invalid(
            "def f(x):\n    if x:\n        return True\n    else:\n        return False\n",
            fixed="def f(x):\n    return bool(x)\n",
            count=1,
            message="Return the condition",
        ),
        Invalid(
            "def f(x, y):\n    # why\n    if x is y:\n        return False\n    return True\n",
            fixed="def f(x, y):\n    # why\n    return x is not y\n",
        ),
        Invalid(
            "@cache\nasync def f(s):\n    if (m := await match(s)):\n        return True\n    return False\n",
            fixed="@cache\nasync def f(s):\n    return bool(m := await match(s))\n",
        ),
        Invalid(
            "def f(a, b):\n    if a == b:\n        return True\n    else:\n        return False\n",
            fixed="def f(a, b):\n    return a == b\n",
        ),
        Invalid(
            "def f(x, y):\n    if not (x or y):\n        return False\n    return True\n",
            fixed="def f(x, y):\n    return bool(x or y)\n",
        ),
        Invalid(
            "def f(p):\n    match p:\n        case [x]:\n            if isinstance(x, int):\n"
            "                return True\n            return False\n",
            fixed="def f(p):\n    match p:\n        case [x]:\n            return isinstance(x, int)\n",
        ),
        # A comment would be lost: reported, not fixed.
        Invalid("def f(x):\n    if x:  # cached\n        return True\n    return False\n", fixed=None),
        Invalid("bool = int\ndef f(x):\n    if x:\n        return True\n    return False\n", fixed=None),
        Invalid(
            "def f(x, y):\n    if x:\n        raise E\n    elif y:\n        return True\n"
            "    else:\n        return False\n",
            fixed="def f(x, y):\n    if x:\n        raise E\n    return bool(y)\n",
            count=1,
        ),
        Invalid(
            "def f(x, y):\n    if x:\n        y = g(x)\n    elif y is None:\n        return False\n    else:\n"
            "        return True\n    return y\n",
            fixed="def f(x, y):\n    if x:\n        y = g(x)\n    else:\n        return y is not None\n    return y\n",
        ),
        Invalid(
            "def f(x, y):\n    if x:\n        return 1\n    elif y:  # set\n        return True\n    else:\n"
            "        return False\n",
            fixed=None,
        ),
    ]

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        for index, statement in enumerate(node.body):
            if isinstance(statement, cst.If):
                self._check(node, index, statement)

    def _check(self, block: cst.IndentedBlock, index: int, statement: cst.If) -> None:
        tail = last_elif(statement)
        if tail is not None:
            returned = bool_branches(tail)
            if returned is not None:
                fix = self._elif_fix(statement, tail, returned)
                self.report(tail, "Return the condition directly, not `True`/`False` through `elif`", fix)
            return
        returned = returned_bool(statement.body)
        if returned is None:
            return
        following: Optional[cst.BaseStatement] = None
        if statement.orelse is None:
            following = block.body[index + 1] if index + 1 < len(block.body) else None
            other = returned_bool(following)
        else:
            other = returned_bool(statement.orelse.body)
        if other is None or other == returned:
            return
        fix = self._fix(block, index, statement, following, returned)
        self.report(statement, "Return the condition directly, not `True`/`False` through `if`", fix)

    def _returned(self, test: cst.BaseExpression, returned: bool) -> Optional[tuple[cst.SimpleStatementLine, bool]]:
        """(`return <the condition's truth>`, whether that is unsafe); None if `bool` is shadowed."""
        made = bool_value(test, returned, self.context)
        if made is None:
            return None
        value, unsafe = made
        return cst.SimpleStatementLine([cst.Return(wrap(value, LAMBDA))]), unsafe

    def _elif_fix(self, statement: cst.If, tail: cst.If, returned: bool) -> Optional[NodeFix]:
        made = self._returned(tail.test, returned)
        if made is None or keyword_comment(tail):
            return None
        line, unsafe = made
        message = f"Replace with `{short(line)}`"
        before = branches_before(statement, tail)
        if any(terminator(branch.body) is None for branch in before):
            # A branch falls through to the code after the chain: only the `elif` can go.
            replacement = cst.Else(cst.IndentedBlock([line]), leading_lines=tail.leading_lines)
            return NodeFix(tail, replacement, message, unsafe)
        # No branch falls through: the `return` can follow the chain, which ends before the `elif`.
        chain: Optional[cst.If] = None
        for branch in reversed(before):
            chain = branch.with_changes(orelse=chain)
        assert chain is not None
        line = line.with_changes(leading_lines=tail.leading_lines)
        return NodeFix(statement, cst.FlattenSentinel([chain, line]), message, unsafe)

    def _fix(
        self,
        block: cst.IndentedBlock,
        index: int,
        statement: cst.If,
        following: Optional[cst.BaseStatement],
        returned: bool,
    ) -> Optional[NodeFix]:
        made = self._returned(statement.test, returned)
        if made is None:
            return None
        line, unsafe = made
        line = line.with_changes(leading_lines=statement.leading_lines)
        message = f"Replace with `{short(line)}`"
        if following is None:
            return NodeFix(statement, line, message, unsafe)
        body = [*block.body[:index], line, *block.body[index + 2 :]]
        return NodeFix(block, block.with_changes(body=body), message, unsafe)
