"""Every registered rule's own VALID and INVALID examples, run through the real engine."""

from __future__ import annotations

import pytest

from simplelint import registry
from simplelint.rule import Invalid, RuleInfo
from simplelint.testing import as_example, run_example

# SL001/SL002/SL004 are raised by the engine for whole files; their examples run like any other.
CASES_VALID = [
    pytest.param(rule, example, id=f"{code}-valid-{i}")
    for code, rule in registry.all_rules().items()
    for i, example in enumerate(rule.VALID)
]
CASES_INVALID = [
    pytest.param(rule, example, id=f"{code}-invalid-{i}")
    for code, rule in registry.all_rules().items()
    for i, example in enumerate(rule.INVALID)
]


@pytest.mark.parametrize(("rule", "example"), CASES_VALID)
def test_valid_example_has_no_finding(rule: type, example: object) -> None:
    found, _ = run_example(rule, example)
    assert found == [], [f"{v.line}:{v.column} {v.message}" for v in found]


@pytest.mark.parametrize(("rule", "example"), CASES_INVALID)
def test_invalid_example_is_reported_and_fixed(rule: type, example: object) -> None:
    case = as_example(example)
    assert isinstance(case, Invalid)
    found, _ = run_example(rule, case)
    assert found, "expected at least one finding"
    # So that every fix a rule offers is tested, and the rule is listed as fixable (`RuleInfo.fixable`).
    assert case.fixed is not None or all(v.fix is None for v in found), "its findings offer a fix: show `fixed=`"
    if case.count:
        assert len(found) == case.count, [f"{v.line}:{v.column} {v.message}" for v in found]
    if case.message:
        assert case.message in found[0].message
    if case.fixed is not None:
        _, after = run_example(rule, case, fix=True)
        assert after[case.path] == case.fixed
        remaining, again = run_example(rule, Invalid(case.fixed, case.options, case.path), fix=True)
        assert again[case.path] == case.fixed, "a second --fix must change nothing"


def test_every_rule_is_documented() -> None:
    for code, rule in registry.all_rules().items():
        assert rule.name and rule.summary, code
        docs = rule.docs()
        for section in ("## What it does", "## Why is this bad?", "## Example"):
            assert section in docs, f"{code} docs lack {section!r}"
        if code >= "SL100":
            assert rule.VALID and rule.INVALID, f"{code} needs its own valid and invalid examples"


def test_fixable_is_derived_from_the_examples() -> None:
    class Fixes(RuleInfo):
        code, name, summary = "SL996", "fixes", "Fixes"
        INVALID = ["x = 1\n", Invalid("x == None\n", fixed="x is None\n")]

    class Reports(RuleInfo):
        code, name, summary = "SL995", "reports", "Reports"
        INVALID = [Invalid("x == None\n")]

    class Declared(RuleInfo):  # as a plugin written before `fixable` was derived
        code, name, summary, fixable = "SL994", "declared", "Declared", True

    assert Fixes.fixable and not Reports.fixable and Declared.fixable
    assert registry.RuleEntry.of(Fixes).fixable
    for code, rule in registry.all_rules().items():  # built-in rules declare no `fixable` of their own
        assert rule.fixable == any(isinstance(e, Invalid) and e.fixed is not None for e in rule.INVALID), code
