"""SL113-SL114: an `else` after a branch that cannot fall through, and nested ifs that are one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import libcst as cst

from simplelint.rule import FileContext, Invalid, NodeFix
from simplelint.rules.simplify.base import SimplifyRule, has_comment
from simplelint.rules.simplify.expressions import AND, wrap
from simplelint.rules.simplify.names import is_guard
from simplelint.rules.simplify.suites import bool_branches, keyword_comment, terminator


def dedented(orelse: cst.Else) -> Optional[list[cst.BaseStatement]]:
    """The statements of an `else` body (blank lines above `else:` kept); None if a comment would be lost."""
    body = orelse.body
    if isinstance(body, cst.SimpleStatementSuite):
        statements: list[cst.BaseStatement] = [
            cst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)
        ]
    else:
        assert isinstance(body, cst.IndentedBlock)
        if has_comment(*body.footer):
            return None
        statements = list(body.body)
    first = statements[0]
    assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))  # what a block holds
    statements[0] = first.with_changes(leading_lines=[*orelse.leading_lines, *first.leading_lines])
    return statements


def flattened(node: cst.If) -> Optional[list[cst.BaseStatement]]:
    """The `if` chain as flat statements, as far as each branch ends the flow; None if nothing can be done."""
    statements: list[cst.BaseStatement] = []
    current = node
    while current.orelse is not None and terminator(current.body) is not None:
        orelse = current.orelse
        if keyword_comment(orelse):
            return None
        statements.append(current.with_changes(orelse=None))
        if isinstance(orelse, cst.If):
            current = orelse
            continue
        moved = dedented(orelse)
        if moved is not None:
            return statements + moved
        statements[-1] = current  # this `else` keeps a comment: it stays
        return statements if len(statements) > 1 else None
    return statements + [current]


class SuperfluousElse(SimplifyRule):
    """
    ## What it does
    Flags an `else` or `elif` after an `if` branch that ends in `return`, `raise`, `continue` or `break`
    (flake8-return's RET505-RET508, pylint's no-else-return and friends). The fix removes the `else` and
    dedents its body, or turns the `elif` into a new `if`, for the whole `if`/`elif` chain at once as far
    as each branch ends the flow.

    ## Why is this bad?
    The branch never falls through, so the `else` only adds a level of indentation and makes the reader look
    for a path that does not exist. Early exits read best flat.

    ## Example
    ```python
    def sign(x):
        if x < 0:
            return -1
        else:
            return 1
    ```

    ## Use instead
    ```python
    def sign(x):
        if x < 0:
            return -1
        return 1
    ```

    ## Fix safety
    Safe: the code after the `if` only runs when the branch was not taken, exactly as the `else` did.
    No fix is offered when an `else`/`elif` to remove has a comment on its line or on the lines just above
    it (the comment labels the branch, as in a commented table of cases, and would end up labelling
    something else); when the `else` block ends in a comment that could not keep its place, the chain is
    flattened up to that `else`, which stays.
    """

    code = "SL113"
    name = "superfluous-else"
    silenced_by = ("RET505", "RET506", "RET507", "RET508")
    summary = "`else`/`elif` after `return`, `raise`, `continue` or `break`"
    VALID = [
        "def f(x):\n    if x:\n        return 1\n    return 2\n",
        "def f(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n    return y\n",
        "def f(x, y):\n    if x:\n        a = 1\n    elif y:\n        return 2\n    else:\n        return 3\n",
        "for x in y:\n    try:\n        break\n    except E:\n        continue\n    else:\n        pass\n",
    ]
    INVALID = [
        Invalid(
            "def f(x):\n    if x:\n        return 1\n    else:\n        return 2\n",
            fixed="def f(x):\n    if x:\n        return 1\n    return 2\n",
            count=1,
            message="Unnecessary `else` after `return`",
        ),
        Invalid(
            "for x in xs:\n    if x:\n        continue\n\n    else:\n        f(x)\n"
            "        g(\n            x,\n        )\n",
            fixed="for x in xs:\n    if x:\n        continue\n\n    f(x)\n    g(\n        x,\n    )\n",
        ),
        Invalid(
            "def f(x):\n    if x < 0:\n        raise ValueError(x)\n    elif x == 0:\n        return 0\n"
            "    else:\n        return 1\n",
            fixed="def f(x):\n    if x < 0:\n        raise ValueError(x)\n    if x == 0:\n        return 0\n"
            "    return 1\n",
            message="Unnecessary `elif` after `raise`",
        ),
        Invalid(
            "def f(x):\n    if x < 0:\n        return -1\n    elif x == 0:\n        y = 0\n    else:\n        y = 1\n"
            "    return y\n",
            fixed="def f(x):\n    if x < 0:\n        return -1\n    if x == 0:\n        y = 0\n"
            "    else:\n        y = 1\n    return y\n",
        ),
        Invalid(
            "async def f(q):\n    while True:\n        if await q.empty(): break\n        else: await q.get()\n",
            fixed="async def f(q):\n    while True:\n        if await q.empty(): break\n        await q.get()\n",
        ),
        Invalid(
            'def f(x):\n    if x:\n        return 1\n    else:\n        s = """\n  kept\n"""\n        return s\n',
            fixed='def f(x):\n    if x:\n        return 1\n    s = """\n  kept\n"""\n    return s\n',
        ),
        Invalid(
            "def f(x):\n    if x:\n        return 1\n    else:\n        y = 2\n        # tail\n    return y\n",
            fixed=None,
        ),
        # The comments label the branches: flattening would keep their text, not what they label.
        Invalid(
            "def f(a, b):\n    if a > 0:  # + ?\n        return 1\n    elif b > 0:  # - +\n        return 0\n"
            "    else:  # - -\n        return -1\n",
            fixed=None,
        ),
        Invalid("def f(x):\n    if x:\n        return 1\n    # otherwise\n    else:\n        return 2\n", fixed=None),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self._elifs: set[int] = set()

    def visit_If(self, node: cst.If) -> None:
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            self._elifs.add(id(orelse))
        if orelse is None or id(node) in self._elifs:
            return
        keyword_ = terminator(node.body)
        # An `if`/`else` (or a last `elif`/`else`) returning opposite bools is SL110's, whose fix removes both.
        if keyword_ is None or bool_branches(orelse if isinstance(orelse, cst.If) else node) is not None:
            return
        flat = flattened(node)
        what = "elif" if isinstance(orelse, cst.If) else "else"
        help_ = "Turn the `elif` into an `if`" if what == "elif" else "Remove the `else`"
        fix = None if flat is None else NodeFix(node, cst.FlattenSentinel(flat), help_)
        self.report(orelse, f"Unnecessary `{what}` after `{keyword_}`", fix)


def sole_if(suite: cst.BaseSuite) -> Optional[cst.If]:
    if isinstance(suite, cst.IndentedBlock) and len(suite.body) == 1 and isinstance(suite.body[0], cst.If):
        return suite.body[0]
    return None


def merged(node: cst.If) -> Optional[cst.If]:
    """`node` with the nested `if`s below it (no `else`, no comment in between) joined by `and`."""
    test, current = wrap(node.test, AND), node
    inner = sole_if(current.body)
    while inner is not None and inner.orelse is None:
        body = current.body
        assert isinstance(body, cst.IndentedBlock)
        if has_comment(body.header, *body.footer, *inner.leading_lines):
            break
        test = cst.BooleanOperation(test, cst.And(), wrap(inner.test, AND))
        current, inner = inner, sole_if(inner.body)
    return None if current is node else node.with_changes(test=test, body=current.body)


class CollapsibleIf(SimplifyRule):
    """
    ## What it does
    Flags an `if` (or `elif`) without `else` whose whole body is another `if` without `else`
    (flake8-simplify's SIM102), and offers to merge them into one `if a and b:`.

    Guard blocks are left alone, as ruff's SIM102 leaves them: an outer `if` (or `elif`, or any branch of a
    chain that starts with one) testing `TYPE_CHECKING` (`typing.TYPE_CHECKING`, an alias), anything that
    reads `sys.version_info` or `sys.platform` (through any import alias), `__name__ == "__main__"`, or
    `True`/`False`, and `__debug__` (which ruff's SIM102 merges). Such an `if` marks a section of the file
    (imports for type checkers, code for one Python or one platform, the script's entry point, checks that
    `python -O` drops) that tools and readers look for as a block of its own. An inner guard (`if a:` around
    `if TYPE_CHECKING:`) is still reported, as ruff does.

    ## Why is this bad?
    Each nested `if` costs a level of indentation and makes the reader keep one more condition in mind;
    `and` says the same in one line.

    ## Example
    ```python
    if user:
        if user.is_active:
            greet(user)
    ```

    ## Use instead
    ```python
    if user and user.is_active:
        greet(user)
    ```

    ## Fix safety
    Safe: `and` evaluates the second condition only when the first is true, as the nested `if` did.
    Operands that bind looser than `and` (`or`, `x if c else y`, `:=`, `lambda`) are parenthesised. A nest
    of several `if`s is merged at once, down to the first comment that would be lost; no fix is offered
    when a comment on the outer `if` line or before the inner `if` would be lost.
    """

    code = "SL114"
    name = "collapsible-if"
    silenced_by = ("SIM102",)
    summary = "Nested `if` statements that can be one `if ... and ...`"
    VALID = [
        "if a:\n    if b:\n        f()\n    g()\n",
        "if a:\n    if b:\n        f()\nelse:\n    g()\n",
        "if a:\n    if b:\n        f()\n    else:\n        g()\n",
        "if a:\n    if b:\n        f()\n    elif c:\n        g()\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    if a:\n        import b\n",
        "import sys as s\nif s.platform == 'win32':\n    pass\nelif a:\n    if b:\n        f()\n",
        "if __name__ == '__main__':\n    if a:\n        main()\n",
    ]
    INVALID = [
        Invalid(
            "if a:\n    if b:\n        f()\n", fixed="if a and b:\n    f()\n", count=1, message="single `if`"
        ),
        Invalid(
            "def f():\n    if x or y:\n        if (n := g()):  # n is used below\n            h(n)\n",
            fixed="def f():\n    if (x or y) and (n := g()):  # n is used below\n        h(n)\n",
        ),
        Invalid(
            "if a:\n    pass\nelif b:\n    if c: f()\n",
            fixed="if a:\n    pass\nelif b and c: f()\n",
        ),
        Invalid(
            "if a:\n    if b:\n        if c:\n            f()\n",
            fixed="if a and b and c:\n    f()\n",
            count=2,
        ),
        Invalid(
            "@d\ndef f():\n    if (a and\n            b):\n        if not c:\n            pass\n",
            fixed="@d\ndef f():\n    if (a and\n            b) and not c:\n        pass\n",
        ),
        Invalid("if a:  # when a\n    if b:\n        f()\n", fixed=None),
        Invalid("if a:\n    # when b\n    if b:\n        f()\n", fixed=None),
        Invalid(
            "if a:\n    if b:\n        # when c\n        if c:\n            f()\n",
            fixed="if a and b:\n    # when c\n    if c:\n        f()\n",
            count=2,
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self._heads: dict[int, cst.If] = {}  # each `elif` -> the `if` that starts its chain

    def visit_If(self, node: cst.If) -> None:
        head = self._heads.get(id(node), node)
        if isinstance(node.orelse, cst.If):
            self._heads[id(node.orelse)] = head
        if node.orelse is not None:
            return
        inner = sole_if(node.body)
        if inner is None or inner.orelse is not None:
            return
        # ruff reads `__main__` and literals on the merged `if`, versions and TYPE_CHECKING on the chain's first
        # `if`; both are guards wherever they are.
        if is_guard(node.test, self.context) or is_guard(head.test, self.context):
            return
        joined = merged(node)
        fix = None if joined is None else NodeFix(node, joined, "Merge the conditions with `and`")
        self.report(node, "Use a single `if` instead of nested `if` statements", fix)
