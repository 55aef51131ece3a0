"""Building and reading expressions: precedence, parentheses, negation, bool values."""

from __future__ import annotations

from typing import Optional, TypeVar

import libcst as cst

from simplelint.rule import FileContext
from simplelint.rules.simplify.base import BOOL_BUILTINS, IDENTITY_OPERATORS, bool_literal, code_of, is_not
from simplelint.rules.simplify.names import is_builtin

Expr = TypeVar("Expr", bound=cst.BaseExpression)


# Operator precedence, lowest first, as far as these rules need it.
NAMED, LAMBDA, IF_EXP, OR, AND, NOT, COMPARE, ARITHMETIC, PRIMARY = range(9)


_PRECEDENCE: dict[type, int] = {
    cst.NamedExpr: NAMED,
    cst.Yield: NAMED,
    cst.Lambda: LAMBDA,
    cst.IfExp: IF_EXP,
    cst.Comparison: COMPARE,
    cst.BinaryOperation: ARITHMETIC,
    cst.UnaryOperation: ARITHMETIC,
    cst.Await: ARITHMETIC,
}


# Certainly a bool / a rich comparison (a bool unless `__eq__` and friends say otherwise) / anything.
ANY, RICH, BOOL = range(3)


def precedence(expr: cst.BaseExpression) -> int:
    if expr.lpar:
        return PRIMARY
    if isinstance(expr, cst.BooleanOperation):
        return OR if isinstance(expr.operator, cst.Or) else AND
    if is_not(expr):
        return NOT
    return _PRECEDENCE.get(type(expr), PRIMARY)


def without_parens(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`expr` without its own parentheses; a tuple keeps them (`()` needs them)."""
    if not expr.lpar or isinstance(expr, cst.Tuple):
        return expr
    return expr.with_changes(lpar=[], rpar=[])


def parenthesized(expr: Expr) -> Expr:
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def wrap(expr: Expr, minimum: int) -> Expr:
    """`expr` in parentheses when it binds looser than `minimum` or spans lines outside its old brackets."""
    if expr.lpar:
        return expr
    if precedence(expr) < minimum or "\n" in code_of(expr):
        return parenthesized(expr)
    return expr


def in_place(original: cst.BaseExpression, replacement: Expr) -> Expr:
    """`replacement` keeping the parentheses around `original`."""
    return replacement.with_changes(
        lpar=[*original.lpar, *replacement.lpar], rpar=[*replacement.rpar, *original.rpar]
    )


def call(function: str, expr: cst.BaseExpression) -> cst.Call:
    """`function(expr)`; redundant parentheses around `expr` are dropped (never a tuple's or a yield's)."""
    if expr.lpar and not isinstance(expr, (cst.Tuple, cst.Yield)):
        expr = expr.with_changes(lpar=[], rpar=[])
    return cst.Call(cst.Name(function), [cst.Arg(expr)])


def bool_kind(expr: cst.BaseExpression, context: FileContext) -> int:
    if bool_literal(expr) is not None or is_not(expr):
        return BOOL
    if isinstance(expr, cst.Comparison):
        identity = all(isinstance(t.operator, IDENTITY_OPERATORS) for t in expr.comparisons)
        return BOOL if identity else RICH
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in BOOL_BUILTINS:
        return BOOL if is_builtin(context, expr.func.value) else ANY
    if isinstance(expr, cst.BooleanOperation):
        return min(bool_kind(expr.left, context), bool_kind(expr.right, context))
    return ANY


def opposite_operator(operator: cst.BaseCompOp) -> Optional[cst.BaseCompOp]:
    """`is` <-> `is not`, `in` <-> `not in`: exact inverses by definition (unlike `==` and `!=`)."""
    if not isinstance(operator, (cst.Is, cst.IsNot, cst.In, cst.NotIn)):
        return None
    before, after, between = operator.whitespace_before, operator.whitespace_after, cst.SimpleWhitespace(" ")
    if isinstance(operator, cst.Is):
        return cst.IsNot(whitespace_before=before, whitespace_between=between, whitespace_after=after)
    if isinstance(operator, cst.In):
        return cst.NotIn(whitespace_before=before, whitespace_between=between, whitespace_after=after)
    if isinstance(operator, cst.IsNot):
        return cst.Is(whitespace_before=before, whitespace_after=after)
    return cst.In(whitespace_before=before, whitespace_after=after)


def negate(expr: cst.BaseExpression, context: FileContext) -> cst.BaseExpression:
    """An expression equal to `not expr` (always a bool), as simple as certain."""
    if is_not(expr):
        assert isinstance(expr, cst.UnaryOperation)
        inner = expr.expression
        if bool_kind(inner, context) == BOOL:
            return inner
        if is_builtin(context, "bool"):
            return call("bool", inner)
    if isinstance(expr, cst.Comparison) and len(expr.comparisons) == 1:
        target = expr.comparisons[0]
        swapped = opposite_operator(target.operator)
        if swapped is not None:
            return expr.with_changes(comparisons=[target.with_changes(operator=swapped)])
    return cst.UnaryOperation(cst.Not(), wrap(expr, NOT))


def bool_value(
    test: cst.BaseExpression, positive: bool, context: FileContext
) -> Optional[tuple[cst.BaseExpression, bool]]:
    """(`bool(test)` or `not test`, simplified, and whether that is unsafe); None if `bool` is shadowed."""
    if not positive:
        return negate(test, context), False
    kind = bool_kind(test, context)
    if kind != ANY:
        return test, kind == RICH
    if is_builtin(context, "bool"):
        return call("bool", test), False
    return None


class _Swap(cst.CSTTransformer):
    """Replace nodes by identity inside a subtree."""

    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    # LibCST's annotation wants a node of the original's type back; a replacement may be of another type.
    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        return self.replacements.get(id(original_node), updated_node)
