"""The one place rules are registered, and rule selection by code, prefix or name."""

from __future__ import annotations

import difflib
import importlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Optional, Sequence

from simplelint.rule import GLOB, Option, RuleInfo


class UnknownSelector(ValueError):
    pass


@dataclass(frozen=True)
class Family:
    prefixes: tuple[str, ...]
    name: str
    title: str
    table: Optional[str]  # option table in [tool.simplelint.<table>]


FAMILIES = (
    Family(("SL0",), "core", "Files, syntax and suppressions", None),
    Family(("SL1",), "complexity", "Needless complexity", "complexity"),
    # SL11x-SL12x sit inside SL1's codes but are their own family; their options (none yet) stay in SL1's table.
    Family(("SL11", "SL12"), "simplification", "Better code is less code", "complexity"),
    Family(("SL2",), "type-hints", "Type hints", "type-hints"),
    Family(("SL3",), "tests", "Untested functions", "tests"),
    Family(("SL4",), "production-imports", "No pandas in production code", "production-imports"),
)

RULE_MODULES = (
    "simplelint.rules.core",
    "simplelint.rules.complexity",
    "simplelint.rules.simplify",
    "simplelint.rules.type_hints",
    "simplelint.rules.untested",
    "simplelint.rules.production",
)

ENTRY_POINT_GROUP = "simplelint.rules"

# Options used by the engine itself rather than by one rule.
TABLE_OPTIONS: Mapping[str, Mapping[str, Option]] = {
    "tests": {
        "patterns": Option(
            ["tests/**", "test/**", "test_*.py", "*_test.py", "conftest.py"],
            "Globs (gitignore-style, relative to the config file) of the test suite's files.",
            strings=GLOB,
        ),
    },
}


def family_of(code: str) -> Optional[Family]:
    """The family with the longest prefix of `code`: SL111 is simplification, SL101 complexity."""
    found = [(len(prefix), family) for family in FAMILIES for prefix in family.prefixes if code.startswith(prefix)]
    return max(found, key=lambda item: item[0])[1] if found else None


@lru_cache(maxsize=None)
def all_rules() -> Mapping[str, type[RuleInfo]]:
    """Every rule by code: built-in modules first, then `simplelint.rules` entry points."""
    rules: dict[str, type[RuleInfo]] = {}
    for module_name in RULE_MODULES:
        for rule in importlib.import_module(module_name).RULES:
            rules[rule.code] = rule
    for rule in _plugin_rules():
        if rule.code in rules:
            raise UnknownSelector(f"plugin rule {rule.__qualname__} reuses code {rule.code}")
        rules[rule.code] = rule
    return dict(sorted(rules.items()))


@lru_cache(maxsize=None)
def silenced_by() -> Mapping[str, tuple[str, ...]]:
    """Code -> the codes other linters give the same check, for rules that declare them."""
    return {code: rule.silenced_by for code, rule in all_rules().items() if rule.silenced_by}


def _plugin_rules() -> list[type[RuleInfo]]:
    from importlib.metadata import entry_points

    found: list[type[RuleInfo]] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        loaded = entry.load()
        # An entry point names either one rule class or a module with a RULES list.
        found.extend(getattr(loaded, "RULES", [loaded]))
    return found


@lru_cache(maxsize=None)
def table_options() -> Mapping[str, Mapping[str, Option]]:
    """Option table name -> option name -> Option, merged over all rules of the family."""
    tables: dict[str, dict[str, Option]] = {t: dict(o) for t, o in TABLE_OPTIONS.items()}
    for family in FAMILIES:
        if family.table:
            tables.setdefault(family.table, {})
    for code, rule in all_rules().items():
        owner = family_of(code)
        table = owner.table if owner and owner.table else _plugin_table(rule)
        if table:
            tables.setdefault(table, {}).update(rule.options)
    return tables


def _plugin_table(rule: type[RuleInfo]) -> Optional[str]:
    return getattr(rule, "option_table", None)


def table_of(code: str) -> Optional[str]:
    family = family_of(code)
    if family is not None:
        return family.table
    return _plugin_table(all_rules()[code])


def expand(selector: str) -> frozenset[str]:
    """Codes matched by `ALL`, a code, a code prefix (`SL2`, `SL20`) or a rule name."""
    rules = all_rules()
    text = selector.strip()
    if text.upper() == "ALL":
        return frozenset(rules)
    by_name = {rule.name: code for code, rule in rules.items()}
    if text in by_name:
        return frozenset({by_name[text]})
    codes = frozenset(code for code in rules if code.startswith(text.upper()) and text)
    if not codes:
        raise UnknownSelector(text)
    return codes


def _specificity(selector: str) -> int:
    text = selector.strip()
    if text.upper() == "ALL":
        return 0
    if text in {rule.name for rule in all_rules().values()}:
        return 100
    return len(text)


@dataclass(frozen=True)
class SelectionLayer:
    """One source of selectors (config file, then command line); a later `select` starts afresh."""

    select: Optional[Sequence[str]] = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()


def validate(selectors: Sequence[str], where: str) -> None:
    """Raise for the first selector that matches no rule, naming `where` it came from and the nearest match."""
    for selector in selectors:
        try:
            expand(selector)
        except UnknownSelector:
            close = suggest(selector)
            hint = f" Did you mean `{close}`?" if close else ""
            raise UnknownSelector(f"Unknown rule selector '{selector}' {where}.{hint}") from None


def suggest(selector: str) -> Optional[str]:
    """The code, code prefix, rule name or `ALL` nearest to `selector` (compared ignoring case), or None."""
    rules = all_rules()
    prefixes = {code[:end] for code in rules for end in range(2, len(code) + 1)}
    candidates = {text.lower(): text for text in (*prefixes, "ALL", *(rule.name for rule in rules.values()))}
    close = difflib.get_close_matches(selector.strip().lower(), list(candidates), n=1)
    return candidates[close[0]] if close else None


def resolve(layers: Sequence[SelectionLayer]) -> frozenset[str]:
    enabled = frozenset(code for code, rule in all_rules().items() if rule.default_enabled)
    for layer in layers:  # selectors were validated as config and command line were read
        chosen = set(enabled) if layer.select is None else set()
        # More specific selectors win; at equal specificity `ignore` wins, as in ruff.
        entries = [(_specificity(s), 0, s) for s in (*(layer.select or ()), *layer.extend_select)]
        entries += [(_specificity(s), 1, s) for s in layer.ignore]
        for _, is_ignore, selector in sorted(entries):
            if is_ignore:
                chosen -= expand(selector)
            else:
                chosen |= expand(selector)
        enabled = frozenset(chosen)
    return enabled
