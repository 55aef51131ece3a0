"""SL111-SL112: comparisons to None and to bool literals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional, Union

import libcst as cst

from simplelint.rule import Invalid, NodeFix
from simplelint.rules.simplify.base import SimplifyRule, bool_literal, code_of, is_name, short
from simplelint.rules.simplify.expressions import in_place, negate


def _comparisons(node: cst.Comparison) -> Iterator[tuple[cst.BaseExpression, cst.ComparisonTarget]]:
    """(left operand, target) for each operator of a possibly chained comparison."""
    left = node.left
    for target in node.comparisons:
        yield left, target
        left = target.comparator


def _spaced(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """A keyword operator needs a space where `==` needed none (`x==None` -> `x is None`)."""
    if isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value:
        return cst.SimpleWhitespace(" ")
    return whitespace


def identity_operator(operator: Union[cst.Equal, cst.NotEqual]) -> cst.BaseCompOp:
    before, after = _spaced(operator.whitespace_before), _spaced(operator.whitespace_after)
    if isinstance(operator, cst.Equal):
        return cst.Is(whitespace_before=before, whitespace_after=after)
    return cst.IsNot(whitespace_before=before, whitespace_between=cst.SimpleWhitespace(" "), whitespace_after=after)


class CompareToNone(SimplifyRule):
    """
    ## What it does
    Flags comparisons to `None` with `==` or `!=` (pycodestyle's E711).

    ## Why is this bad?
    `None` is a singleton: `is None` asks the question directly, cannot be fooled by a type's `__eq__`, and is
    what every Python reader expects.

    ## Example
    ```python
    if value == None:
        ...
    ```

    ## Use instead
    ```python
    if value is None:
        ...
    ```

    ## Fix safety
    Unsafe: `==` calls the left operand's `__eq__`, which may mean something else. SQLAlchemy's
    `Column == None` builds an `IS NULL` clause and `column is None` is simply `False`; numpy and pandas
    compare element-wise. Review each fix where such types are compared. No fix is offered when `None` is the
    left operand (`None != x`): the comparison then runs the right operand's `__ne__`, which is usually the
    point (a test of `pytest.approx`'s own `!=`).
    """

    code = "SL111"
    name = "compare-to-none"
    silenced_by = ("E711",)
    summary = "Comparison to `None` with `==`/`!=`"
    VALID = ["if x is None:\n    pass\n", "y = x is not None\n", "if x == 'None':\n    pass\n"]
    INVALID = [
        Invalid("if x == None:\n    pass\n", fixed="if x is None:\n    pass\n", count=1, message="`None`"),
        Invalid("ok = (a !=None) and b\n", fixed="ok = (a is not None) and b\n"),
        Invalid("same = a == None == b\n", fixed="same = a is None == b\n", count=2),  # `None == b`: b's `__eq__`
        Invalid(
            "ok = (value  # the value\n      == None)\n", fixed="ok = (value  # the value\n      is None)\n"
        ),
        Invalid("if (n := f()) != None:\n    pass\n", fixed="if (n := f()) is not None:\n    pass\n"),
        Invalid("assert None != approx(1.0)\n", fixed=None, count=1),  # approx's own `__ne__` is under test
    ]

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for left, target in _comparisons(node):
            operator = target.operator
            if not isinstance(operator, (cst.Equal, cst.NotEqual)):
                continue
            if is_name(left, "None") or is_name(target.comparator, "None"):
                wanted = "is" if isinstance(operator, cst.Equal) else "is not"
                fix: Optional[NodeFix] = NodeFix(operator, identity_operator(operator), f"Use `{wanted}`", unsafe=True)
                if not is_name(target.comparator, "None"):
                    fix = None  # `None != x` asks x's own `__ne__`
                self.report(node, f"Comparison to `None` with `{code_of(operator).strip()}`: use `{wanted}`", fix)


class CompareToBool(SimplifyRule):
    """
    ## What it does
    Flags comparisons to `True` or `False` with `==` or `!=` (pycodestyle's E712), and offers to use the value
    itself or `not` it.

    ## Why is this bad?
    `if ready == True:` says `if ready:` with more words, and it is easy to misread `!= False`.

    ## Example
    ```python
    if ready == True and failed != True:
        ...
    ```

    ## Use instead
    ```python
    if ready and not failed:
        ...
    ```

    ## Fix safety
    Unsafe: `x == True` is `False` for `x = 2` while `x` is truthy, and `x == True` is a bool while `x` may be
    any object (`flag = x == True` changes the value stored). Types that overload `==` (numpy, pandas:
    `df[df.done == False]`) break when given `not`. The fix is only offered for a comparison with a single
    operator, and not when the literal is the left operand (`True == x` asks x's own `__eq__`, which is
    usually the point: a test of `pytest.approx(True)`).
    """

    code = "SL112"
    name = "compare-to-bool"
    silenced_by = ("E712",)
    summary = "Comparison to `True`/`False` with `==`/`!=`"
    VALID = ["if ready:\n    pass\n", "if x is True:\n    pass\n", "if x == 'True':\n    pass\n"]
    INVALID = [
        Invalid("if ready == True:\n    pass\n", fixed="if ready:\n    pass\n", count=1, message="`True`"),
        Invalid("if x != True:\n    pass\n", fixed="if not x:\n    pass\n"),
        Invalid("ok = (a or b) == False\n", fixed="ok = not (a or b)\n"),
        Invalid("ok = (a in b) == False\n", fixed="ok = (a not in b)\n"),
        Invalid("y = f(x != False)\n", fixed="y = f(x)\n"),
        Invalid("assert True == approx(True)\n", fixed=None, count=1),  # approx's own `__eq__` is under test
        Invalid("ok = a == True == b\n", fixed=None),
        Invalid("ok = (x  # a flag\n      == True)\n", fixed=None),
    ]

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for left, target in _comparisons(node):
            if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
                continue
            literal, other = bool_literal(target.comparator), left
            if literal is None:
                literal, other = bool_literal(left), target.comparator
            if literal is None:
                continue
            positive = literal == isinstance(target.operator, cst.Equal)
            message = f"Comparison to `{literal}` with `{code_of(target.operator).strip()}`: "
            message += "use the value itself" if positive else "use `not`"
            fix = self._fix(node, other, positive) if other is left else None  # `True == x` asks x's `__eq__`
            self.report(node, message, fix)

    def _fix(self, node: cst.Comparison, other: cst.BaseExpression, positive: bool) -> Optional[NodeFix]:
        if len(node.comparisons) != 1:
            return None
        replacement = other if positive else negate(other, self.context)
        return NodeFix(node, in_place(node, replacement), f"Replace with `{short(replacement)}`", unsafe=True)
