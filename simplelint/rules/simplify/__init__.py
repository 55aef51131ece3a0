"""SL11x: simplifications that make code shorter and clearer, each with a fix where one is certain.

Every fix is a node replacement. A fix that would drop a comment is not offered (the finding stays):
`SimplifyRule.report` enforces it for every rule of the family. A fix that can change behaviour for some
input is marked unsafe and its rule says why."""

from __future__ import annotations

from simplelint.rules.simplify.branches import CollapsibleIf, SuperfluousElse
from simplelint.rules.simplify.comparisons import CompareToBool, CompareToNone
from simplelint.rules.simplify.comprehensions import InDictKeys, UnnecessaryComprehension
from simplelint.rules.simplify.loops import RangeLenIndex
from simplelint.rules.simplify.returns import NeedlessBoolReturn
from simplelint.rules.simplify.truthiness import BoolTernary, DoubleNegation, LenTest, TernaryOr

RULES = [
    NeedlessBoolReturn,
    CompareToNone,
    CompareToBool,
    SuperfluousElse,
    CollapsibleIf,
    UnnecessaryComprehension,
    InDictKeys,
    BoolTernary,
    LenTest,
    RangeLenIndex,
    DoubleNegation,
    TernaryOr,
]
