"""The one place rules are registered, and rule selection by code, prefix or name.

Selection, config checks and cache keys read the manifest (`rules/manifest.json`: each built-in rule's
code, name, options and where its class is), so a run whose results all come from the cache never imports
a rule module or LibCST. `python -m simplelint.registry` rewrites the manifest from the rule classes; a
test keeps the two in step.
"""

from __future__ import annotations

import difflib
import importlib
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from simplelint.ruleinfo import GLOB, Option, ProjectRule, RuleInfo, load_collector

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

MANIFEST = Path(__file__).parent / "rules" / "manifest.json"


class UnknownSelector(ValueError):
    pass


@dataclass(frozen=True)
class Family:
    prefixes: tuple[str, ...]
    name: str
    title: str
    table: Optional[str]  # option table in [tool.simplelint.<table>]
    label: Optional[str]  # the HTML report's column (in this order); None: counted under "Other"


FAMILIES = (
    Family(("SL0",), "core", "Files, syntax and suppressions", None, None),
    Family(("SL1",), "complexity", "Needless complexity", "complexity", "Complexity"),
    # SL11x-SL12x sit inside SL1's codes but are their own family, with their own table (no options yet).
    Family(("SL11", "SL12"), "simplification", "Better code is less code", "simplification", "Simplification"),
    Family(("SL2",), "type-hints", "Type hints", "type-hints", "Type hints"),
    Family(("SL3",), "tests", "Untested functions", "tests", "Tests"),
    Family(("SL4",), "production-imports", "No pandas in production code", "production-imports", "Production imports"),
    # SL5, "less code": SL501/SL502 have their own table (SL503, duplicated code, is another family's).
    Family(("SL501", "SL502"), "dead-code", "Less code: code nothing uses", "dead-code", "Dead code"),
    # SL5, "less code": SL503 has its own table (dead code's options are another family's).
    Family(("SL503",), "duplicates", "Less code: duplicated code", "duplicates", "Duplicates"),
    Family(("SL6",), "compute", "Heavy computation in numpy", "compute", "Compute"),
)

RULE_MODULES = (
    "simplelint.rules.core",
    "simplelint.rules.complexity",
    "simplelint.rules.simplify",
    "simplelint.rules.type_hints",
    "simplelint.rules.untested",
    "simplelint.rules.production.direct",
    "simplelint.rules.production.api",
    "simplelint.rules.production",
    "simplelint.rules.production.deps",
    "simplelint.rules.dead_code",
    "simplelint.rules.duplicates",
    "simplelint.rules.compute",
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


@dataclass(frozen=True)
class RuleEntry:
    """What a run knows of a rule before any file is analysed: enough to select it, check its options,
    key the cache and decide whether its class is needed at all."""

    code: str
    name: str
    summary: str
    source: str  # "module:Class"
    default_enabled: bool = True
    silenced_by: tuple[str, ...] = ()
    options: Mapping[str, Option] = field(default_factory=dict)
    fixable: bool = False
    project: bool = False  # a ProjectRule
    facts: tuple[str, ...] = ()  # the collectors a project rule joins, by name
    notes: bool = False  # says something under --verbose (defines run_note)
    table: Optional[str] = None  # a plugin rule's own option table

    @classmethod
    def of(cls, rule: type[RuleInfo]) -> RuleEntry:
        project = issubclass(rule, ProjectRule)
        return cls(
            rule.code,
            rule.name,
            rule.summary,
            f"{rule.__module__}:{rule.__qualname__}",
            rule.default_enabled,
            tuple(rule.silenced_by),
            dict(rule.options),
            rule.fixable,
            project,
            tuple(load_collector(spec).name for spec in rule.FACTS) if issubclass(rule, ProjectRule) else (),
            rule.run_note.__func__ is not RuleInfo.run_note.__func__,  # type: ignore[attr-defined]
            getattr(rule, "option_table", None),
        )

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["options"] = {name: option.to_json() for name, option in self.options.items()}
        return {**data, "silenced_by": list(self.silenced_by), "facts": list(self.facts)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleEntry:
        options = {name: Option.from_json(fields) for name, fields in data["options"].items()}
        tuples = {"silenced_by": tuple(data["silenced_by"]), "facts": tuple(data["facts"])}
        return cls(**{**data, **tuples, "options": options})


def family_of(code: str) -> Optional[Family]:
    """The family with the longest prefix of `code`: SL111 is simplification, SL101 complexity."""
    found = [(len(prefix), family) for family in FAMILIES for prefix in family.prefixes if code.startswith(prefix)]
    return max(found, key=lambda item: item[0])[1] if found else None


@cache
def catalog() -> Mapping[str, RuleEntry]:
    """Every rule by code, as the manifest (built-in rules) and the plugins declare them."""
    entries = {entry["code"]: RuleEntry.from_json(entry) for entry in json.loads(MANIFEST.read_text("utf-8"))}
    for rule in _loaded_rules():
        if rule.code in entries:
            raise UnknownSelector(f"plugin rule {rule.__qualname__} reuses code {rule.code}")
        entries[rule.code] = RuleEntry.of(rule)
    return dict(sorted(entries.items()))


@cache
def all_rules() -> Mapping[str, type[RuleInfo]]:
    """Every rule's class by code (importing every rule module, and with them LibCST)."""
    return {code: rule_class(code) for code in catalog()}


@cache
def rule_class(code: str) -> type[RuleInfo]:
    """One rule's class, importing only its own module."""
    loaded = next((rule for rule in _loaded_rules() if rule.code == code), None)
    if loaded is not None:
        return loaded
    module_name, _, class_name = catalog()[code].source.partition(":")
    rule: type[RuleInfo] = getattr(importlib.import_module(module_name), class_name)
    return rule


def builtin_manifest() -> list[dict[str, Any]]:
    """The manifest as the built-in rule classes declare it today (what `rules/manifest.json` must hold)."""
    rules = [rule for name in RULE_MODULES for rule in importlib.import_module(name).RULES]
    return [RuleEntry.of(rule).to_json() for rule in sorted(rules, key=lambda rule: rule.code)]


@cache
def silenced_by() -> Mapping[str, tuple[str, ...]]:
    """Code -> the codes other linters give the same check, for rules that declare them."""
    return {code: entry.silenced_by for code, entry in catalog().items() if entry.silenced_by}


# Rules registered by code at run time (`simplelint.testing.rules_added`), besides the plugins.
ADDED: list[type[RuleInfo]] = []


def _loaded_rules() -> list[type[RuleInfo]]:
    return [*_plugin_rules(), *ADDED]


def forget() -> None:
    """Drop what was read of the rules, after `ADDED` changed."""
    for cached in (catalog, all_rules, rule_class, silenced_by, table_options):
        cached.cache_clear()


@cache
def _plugin_rules() -> list[type[RuleInfo]]:
    found: list[type[RuleInfo]] = []
    for entry in _entry_points(ENTRY_POINT_GROUP):
        loaded = entry.load()
        # An entry point names either one rule class or a module with a RULES list.
        found.extend(getattr(loaded, "RULES", [loaded]))
    return found


def _entry_points(group: str) -> Sequence[EntryPoint]:
    from importlib.metadata import entry_points

    if sys.version_info >= (3, 10):
        return list(entry_points(group=group))
    return list(entry_points().get(group, []))  # Python 3.9: a dict of groups


@cache
def table_options() -> Mapping[str, Mapping[str, Option]]:
    """Option table name -> option name -> Option, merged over all rules of the family."""
    tables: dict[str, dict[str, Option]] = {t: dict(o) for t, o in TABLE_OPTIONS.items()}
    for family in FAMILIES:
        if family.table:
            tables.setdefault(family.table, {})
    for code, entry in catalog().items():
        table = table_of(code)
        if table:
            tables.setdefault(table, {}).update(entry.options)
    return tables


def table_of(code: str) -> Optional[str]:
    family = family_of(code)
    if family is not None:
        return family.table
    return catalog()[code].table


def expand(selector: str) -> frozenset[str]:
    """Codes matched by `ALL`, a code, a code prefix (`SL2`, `SL20`) or a rule name."""
    rules = catalog()
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
    if text in {rule.name for rule in catalog().values()}:
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
    rules = catalog()
    prefixes = {code[:end] for code in rules for end in range(2, len(code) + 1)}
    candidates = {text.lower(): text for text in (*prefixes, "ALL", *(rule.name for rule in rules.values()))}
    close = difflib.get_close_matches(selector.strip().lower(), list(candidates), n=1)
    return candidates[close[0]] if close else None


def resolve(layers: Sequence[SelectionLayer]) -> frozenset[str]:
    enabled = frozenset(code for code, rule in catalog().items() if rule.default_enabled)
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


def warning_codes(severity: Mapping[str, str]) -> frozenset[str]:
    """The codes `[tool.simplelint.severity]` makes warnings (every other code is an error): the most specific
    selector wins, as in `select`/`ignore`; at equal specificity "error" wins."""
    entries = sorted((_specificity(selector), level == "error", selector) for selector, level in severity.items())
    warnings: set[str] = set()
    for _, is_error, selector in entries:
        if is_error:
            warnings -= expand(selector)
        else:
            warnings |= expand(selector)
    return frozenset(warnings)


def explanation(code: str) -> str:
    """A rule's documentation in markdown, as `explain` prints it (and the language server's hover shows it)."""
    rule = rule_class(code)
    fixable = "Fix is available." if rule.fixable else "No automatic fix."
    default = "On" if rule.default_enabled else "Off"
    parts = [f"# {rule.name} ({rule.code})", f"{rule.summary}.", f"{fixable} {default} by default."]
    if rule.silenced_by:
        others = ", ".join(f"`{code}`" for code in rule.silenced_by)
        parts.append(f"Other linters' codes for this check, which `# noqa` may name instead: {others}.")
    parts.append(rule.docs())
    text = "\n\n".join(parts)
    if rule.options:
        table = table_of(rule.code)
        text += f"\n\n## Options ([tool.simplelint.{table}])"
        for name, option in rule.options.items():
            bound = "" if option.minimum is None else f" >= {option.minimum}"
            text += f"\n- `{name}` ({option.type_name}{bound}, default {option.default!r}): {option.help}"
    return text


# The checkout's rule pages (not part of the installed package): JSON `url` and SARIF `helpUri` link to them.
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def is_builtin(code: str) -> bool:
    entry = catalog().get(code)
    return entry is not None and entry.source.startswith("simplelint.rules.")


def rule_pages() -> dict[str, str]:
    """`docs/rules/<file>` -> its text: one page per built-in rule (`simplelint explain`'s text, from the
    docstring and the declarations) and an index, README.md."""
    entries = [RuleEntry.from_json(entry) for entry in builtin_manifest()]
    pages = {f"{entry.code}.md": explanation(entry.code) + "\n" for entry in entries}
    rows = [f"| [{e.code}]({e.code}.md) | {e.name} | {_family_name(e.code)} | {e.summary} |" for e in entries]
    index = [
        "# Rules",
        "",
        "Generated from the rules' docstrings by `python -m simplelint.registry`; do not edit by hand.",
        "",
        "| code | name | family | summary |",
        "|---|---|---|---|",
        *rows,
    ]
    pages["README.md"] = "\n".join(index) + "\n"
    return pages


def _family_name(code: str) -> str:
    family = family_of(code)
    return family.name if family else "plugin"


def write_rule_pages(folder: Path = DOCS) -> None:
    """Write the pages and remove pages of rules that are gone (a test checks the folder is in step)."""
    from simplelint.fileio import write_atomic

    pages = rule_pages()
    folder.mkdir(parents=True, exist_ok=True)
    for stale in sorted(folder.glob("*.md")):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        write_atomic(str(folder / name), text.encode("utf-8"), create=True)


if __name__ == "__main__":
    MANIFEST.write_text(json.dumps(builtin_manifest(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MANIFEST}")
    if DOCS.parent.is_dir():  # a checkout, not an installed package
        write_rule_pages()
        print(f"wrote {DOCS}")
