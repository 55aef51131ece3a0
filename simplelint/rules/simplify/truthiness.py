"""Truth tests said the long way: bool ternaries, `len(x)` as a truth value, `not not x`, `x if x else y`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import libcst as cst

from simplelint.rule import FileContext, Invalid, NodeFix
from simplelint.rules.simplify.base import SimplifyRule, bool_literal, is_name, is_not, short
from simplelint.rules.simplify.expressions import (
    BOOL,
    NOT,
    OR,
    PRIMARY,
    bool_kind,
    bool_value,
    call,
    in_place,
    without_parens,
    wrap,
)
from simplelint.rules.simplify.names import Scoped, is_builtin


class BoolTernary(SimplifyRule):
    """
    ## What it does
    Flags `True if c else False` and `False if c else True` (flake8-simplify's SIM210 and SIM211), and offers
    `bool(c)` (or `c` itself when it is certainly a bool) and `not c`.

    ## Why is this bad?
    The conditional expression spells out a conversion that `bool()` or `not` names.

    ## Example
    ```python
    has_items = True if items else False
    is_empty = False if items else True
    ```

    ## Use instead
    ```python
    has_items = bool(items)
    is_empty = not items
    ```

    ## Fix safety
    `bool(c)`, `not c` and `c` for a certain bool (`is`, `in`, `not`, `isinstance(...)`) are safe. Keeping a
    rich comparison (`a == b`) as is is unsafe: a type may overload `==` to return a non-bool (numpy,
    SQLAlchemy). No fix when `bool` is rebound in the file or a comment would be lost.
    """

    code = "SL117"
    name = "bool-ternary"
    silenced_by = ("SIM210", "SIM211")
    summary = "`True if c else False`: use `bool(c)`"
    VALID = ["a = 1 if c else 0\n", "a = True if c else True\n", "a = c or False\n"]
    INVALID = [
        Invalid("a = True if c else False\n", fixed="a = bool(c)\n", count=1, message="`bool(c)`"),
        Invalid("a = False if c else True\n", fixed="a = not c\n", message="`not c`"),
        Invalid("a = True if x in y else False\n", fixed="a = x in y\n"),
        Invalid("a = (False if x is None else True) or z\n", fixed="a = (x is not None) or z\n"),
        Invalid("a = False if x or y else True\n", fixed="a = not (x or y)\n"),
        Invalid("a = f(True if (n := g()) else False)\n", fixed="a = f(bool(n := g()))\n"),
        Invalid("a = True if a == b else False\n", fixed="a = a == b\n"),
    ]

    def visit_IfExp(self, node: cst.IfExp) -> None:
        body, orelse = bool_literal(node.body), bool_literal(node.orelse)
        if body is None or orelse is None or body == orelse:
            return
        made = bool_value(node.test, body, self.context)
        fix = None
        if made is not None:
            value, unsafe = made
            fix = NodeFix(node, in_place(node, value), f"Replace with `{short(value)}`", unsafe)
        message = "Use `bool(c)` instead of `True if c else False`"
        if not body:
            message = "Use `not c` instead of `False if c else True`"
        self.report(node, message, fix)


class _TruthTested(SimplifyRule):
    """Base of rules that need to know which expressions are only tested for truth."""

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.tested: set[int] = set()

    def visit_If(self, node: cst.If) -> None:
        self._mark(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._mark(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._mark(node.test)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._mark(node.test)

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._mark(node.test)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        if node.guard is not None:
            self._mark(node.guard)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if is_not(node):
            self._mark(node.expression)

    def visit_Call(self, node: cst.Call) -> None:
        if is_name(node.func, "bool") and len(node.args) == 1 and is_builtin(self.context, "bool"):
            argument = node.args[0]
            if argument.keyword is None and not argument.star:
                self._mark(argument.value)

    def _mark(self, expr: cst.BaseExpression) -> None:
        # Operands of `and`/`or` in a test are tested too (the whole value is only tested for truth).
        stack = [expr]
        while stack:
            current = stack.pop()
            self.tested.add(id(current))
            if isinstance(current, cst.BooleanOperation):
                stack.extend((current.left, current.right))


def len_argument(node: cst.BaseExpression, context: FileContext) -> Optional[cst.BaseExpression]:
    """`x` for the builtin `len(x)`; not `len(self)`, which `__bool__` and `__iter__` may rely on."""
    if not isinstance(node, cst.Call) or not is_name(node.func, "len") or len(node.args) != 1:
        return None
    argument = node.args[0]
    if argument.keyword is not None or argument.star or not is_builtin(context, "len"):
        return None
    return None if is_name(argument.value, "self") else argument.value


class LenTest(_TruthTested, Scoped):
    """
    ## What it does
    Flags `len(x)` used as a truth value (in `if`, `while`, `assert`, a conditional expression, a
    comprehension's `if`, a `match` guard, under `not` or `bool()`, or as an operand of `and`/`or` there)
    when `x` is certainly a builtin collection (pylint's C1802 use-implicit-booleaness-not-len, ruff's
    PLC1802): a display or comprehension, a string, a call of `list`, `dict`, `set`, `tuple`, `str`,
    `sorted`, ... , a `*args`/`**kwargs`, a parameter or a variable annotated as one (`list[int]`,
    `typing.Dict`, not with a `None` default), or a name every binding of which in its scope (function,
    class body or module) is one of these.

    Comparisons (`len(x) == 0`, `len(x) > 0`) are not flagged: they say "the length is 0" as plainly, and
    they are what works for objects whose truth is not their length (numpy arrays, pandas frames, the
    object under test in `assert len(cache) == 0`). Nor is `len(x)` of anything not known to be a builtin
    collection.

    ## Why is this bad?
    Empty collections are false and others true: `while queue:` says "while there is something queued"
    directly, without counting.

    ## Example
    ```python
    def drain(queue: list[Job]) -> None:
        while len(queue):
            run(queue.pop())
    ```

    ## Use instead
    ```python
    def drain(queue: list[Job]) -> None:
        while queue:
            run(queue.pop())
    ```

    ## Fix safety
    Safe: the truth of a builtin collection is its length being non-zero, and it is evaluated once either
    way. No fix when a comment would be lost. Not reported when `len` is rebound in the file.
    """

    code = "SL118"
    name = "len-test"
    silenced_by = ("PLC1802",)
    summary = "`len(x)` of a builtin collection tested as a condition"
    VALID = [
        "n = len(x)\n",
        "items = [1]\nok = len(items) == 0\n",
        "items = [1]\nif len(items) > 0:\n    pass\n",
        "def f(rows):\n    if len(rows):\n        pass\n",
        "import numpy as np\narr = np.array(x)\nif len(arr):\n    pass\n",
        "def f(items: list = None):\n    if len(items):\n        pass\n",
        "def f(x):\n    items: list[int] = None\n    if len(items):\n        pass\n",
        "def f():\n    found = []\n    found = load()\n    while len(found):\n        found.pop()\n",
        "rows = []\ndef f():\n    return not len(rows)\n",
        "len = str\nif len([1]):\n    pass\n",
        "class C:\n    def __bool__(self):\n        return bool(len(self))\n",
    ]
    INVALID = [
        Invalid("x = [1]\nif len(x):\n    pass\n", fixed="x = [1]\nif x:\n    pass\n", count=1, message="use `x`"),
        Invalid(
            "def f(queue: list[int]):\n    while len(queue):\n        queue.pop()\n",
            fixed="def f(queue: list[int]):\n    while queue:\n        queue.pop()\n",
        ),
        Invalid(
            "def f(a, *b):\n    if a and not len(b):\n        pass\n",
            fixed="def f(a, *b):\n    if a and not b:\n        pass\n",
        ),
        Invalid(
            "from typing import Dict\ndef f(d: Dict[str, int], **kw):\n    return bool(len(d)), 1 if len(kw) else 2\n",
            fixed="from typing import Dict\ndef f(d: Dict[str, int], **kw):\n    return bool(d), 1 if kw else 2\n",
            count=2,
        ),
        Invalid(
            "def f(x):\n    seen = set()\n    if x:\n        seen = {x}\n    assert len(seen) or len(sorted(x))\n",
            fixed="def f(x):\n    seen = set()\n    if x:\n        seen = {x}\n    assert seen or sorted(x)\n",
        ),
        Invalid(
            "def f(line: str):\n    fields: list[str] = line.split()\n    if not len(fields):\n        pass\n",
            fixed="def f(line: str):\n    fields: list[str] = line.split()\n    if not fields:\n        pass\n",
        ),
        Invalid("names = [\n    1,\n]\nif len(names  # all of them\n       ):\n    pass\n", fixed=None),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        if id(node) not in self.tested:
            return
        argument = len_argument(node, self.context)
        if argument is None or self.collection_types(argument) is None:
            return
        replacement = in_place(node, wrap(argument, PRIMARY))
        fix = NodeFix(node, replacement, f"Replace with `{short(replacement)}`")
        self.report(node, f"`{short(node)}` as a condition: use `{short(argument)}`", fix)


class DoubleNegation(_TruthTested):
    """
    ## What it does
    Flags `not not x` (flake8-simplify's SIM208) and offers `x` where only its truth matters (a condition)
    or where it is certainly a bool, and `bool(x)` elsewhere.

    ## Why is this bad?
    Two negations make the reader count; `bool(x)` names the conversion.

    ## Example
    ```python
    has_name = not not user.name
    if not not ready:
        ...
    ```

    ## Use instead
    ```python
    has_name = bool(user.name)
    if ready:
        ...
    ```

    ## Fix safety
    Safe: `not not x`, `bool(x)` and a test of `x` all call `x.__bool__` (or `__len__`) once and agree. No fix
    when `bool` is rebound in the file (outside conditions) or a comment would be lost.
    """

    code = "SL120"
    name = "double-negation"
    silenced_by = ("SIM208",)
    summary = "`not not x`: use `bool(x)`"
    VALID = ["a = not x\n", "a = not (x and not y)\n", "a = -(-x)\n"]
    INVALID = [
        Invalid("a = not not x\n", fixed="a = bool(x)\n", count=1, message="Double negation"),
        Invalid("if not not x:\n    pass\n", fixed="if x:\n    pass\n"),
        Invalid("a = not (not (x or y))\n", fixed="a = bool(x or y)\n"),
        Invalid("a = not not x is y\n", fixed="a = x is y\n"),
        Invalid("a = 1 + (not not x)\n", fixed="a = 1 + (bool(x))\n"),
        Invalid("bool = int\na = not not x\n", fixed=None),
    ]

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        super().visit_UnaryOperation(node)
        inner = node.expression
        if is_not(node) and is_not(inner):
            assert isinstance(inner, cst.UnaryOperation)
            fix = self._fix(node, inner.expression)
            self.report(node, "Double negation: use `bool(x)`, or `x` in a condition", fix)

    def _fix(self, node: cst.UnaryOperation, value: cst.BaseExpression) -> Optional[NodeFix]:
        if id(node) in self.tested or bool_kind(value, self.context) == BOOL:
            replacement: cst.BaseExpression = wrap(value, NOT)
        elif is_builtin(self.context, "bool"):
            replacement = call("bool", value)
        else:
            return None
        return NodeFix(node, in_place(node, replacement), f"Replace with `{short(replacement)}`")


class TernaryOr(SimplifyRule):
    """
    ## What it does
    Flags `x if x else y` (refurb's FURB110) and offers `x or y`.

    ## Why is this bad?
    `or` already returns its left operand when it is true and its right one otherwise; the conditional
    expression repeats `x` to say the same.

    ## Example
    ```python
    name = user.nickname if user.nickname else user.name
    ```

    ## Use instead
    ```python
    name = user.nickname or user.name
    ```

    ## Fix safety
    Safe when `x` is a plain name. Otherwise unsafe: `x if x else y` evaluates `x` twice when it is true and
    `x or y` once, which differs when `x` has side effects or changes (a call, a property, an iterator's
    `next(it)`).
    """

    code = "SL121"
    name = "ternary-or"
    silenced_by = ("FURB110",)
    summary = "`x if x else y`: use `x or y`"
    VALID = ["a = x if y else z\n", "a = x if not x else y\n", "a = x.y if x else z\n", "a = () if y else (y,)\n"]
    INVALID = [
        Invalid("a = x if x else y\n", fixed="a = x or y\n", count=1, message="`x or y`"),
        Invalid("a = f() if f() else y\n", fixed="a = f() or y\n"),
        Invalid("a = x if (x) else y if z else w\n", fixed="a = x or (y if z else w)\n"),
        Invalid("a = (x if x else lambda: 1)()\n", fixed="a = (x or (lambda: 1))()\n"),
        Invalid("a = () if () else z\n", fixed="a = () or z\n"),
        Invalid("a = (x if x  # maybe\n     else y)\n", fixed=None),
    ]

    def visit_IfExp(self, node: cst.IfExp) -> None:
        body = without_parens(node.body)
        if not body.deep_equals(without_parens(node.test)):
            return
        replacement = cst.BooleanOperation(node.body, cst.Or(), wrap(node.orelse, OR))
        unsafe = not isinstance(body, cst.Name)
        fix = NodeFix(node, in_place(node, replacement), f"Replace with `{short(replacement)}`", unsafe)
        self.report(node, "Use `x or y` instead of `x if x else y`", fix)
