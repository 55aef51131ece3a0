"""SL503 (family SL5, "less code"): blocks of code written twice, found across the project.

`lines.py` reads each file's logical lines, normalised and hashed, as facts (cached with the file);
`join.py` finds the windows of `min-lines` lines that repeat and merges them into pairs of regions. The
join reads facts only: no file is parsed or read again. Options live in `[tool.simplelint.duplicates]`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation
from simplelint.output.common import normal_path
from simplelint.ruleinfo import Invalid, Option, Project, ProjectRule, Valid
from simplelint.rules.duplicates.join import Duplicate, Limits, Source, duplicates, identity
from simplelint.rules.duplicates.lines import NAME, DuplicateFacts, Line, unpack

OPTIONS: Mapping[str, Option] = {
    "min-lines": Option(
        6, "Logical lines a block must have to be reported (imports, docstrings, blank lines and comments do "
        "not count).", minimum=2,
    ),
    "min-tokens": Option(
        30, "Tokens (names, operators, literals) a block of `min-lines` lines must have: shorter ones are too "
        "little code to be worth a function.", minimum=0,
    ),
    "min-code-lines": Option(
        3, "Lines of a block of `min-lines` that must compute something: lines that only bind constants, names "
        "or literals, class fields, `pass`, `...`, decorators and `def`/`class` lines do not.", minimum=0,
    ),
    "ignore-tests": Option(False, "Leave test files out (see `patterns` in [tool.simplelint.tests])."),
}  # fmt: skip

_BODY = (
    "    total = 0\n"
    "    for item in items:\n"
    "        if item.price > limit:\n"
    "            total += item.price * item.count\n"
    "        else:\n"
    "            total -= discount(item)\n"
    "    return round(total, 2)\n"
)
_RENAMED = _BODY.replace("total", "amount").replace("item", "row").replace("limit", "cap").replace("2)", "3)")


class DuplicateCode(ProjectRule):
    """
    ## What it does
    Flags a block of at least `min-lines` logical lines that repeats elsewhere in the project, in another
    file or the same one: code is compared with the project's code, tests with its tests (a test that
    repeats the code it checks is no function to extract for both). Files a run does not name are read for
    their facts, as SL301 reads them, so checking one file (pre-commit) finds what checking the project finds
    there. Tokens are compared with names, strings and numbers normalised, so a
    copy whose variables were renamed, or whose literals changed, is still a copy. A duplicate is reported
    once, at the later copy (in path order, then line), naming the first:
    `7 lines duplicate shop/cart.py:3-9; extract a function`. Overlapping repeats merge into one finding
    per pair of regions; a block copied three times gives two findings, both naming the first copy.

    Imports, docstrings, comments and blank lines do not count. A block counts only when it could become
    one function: it stays inside the block where it starts and holds at most one definition, at its
    start (so the end of one method and the start of the next do not count, nor runs of one-line
    methods). It must also be code, not data: at least `min-code-lines` of its lines compute something
    (lines that only bind constants, names or literals, class fields such as model columns, `pass`,
    `...`, decorators and signatures do not), and it must hold `min-tokens` tokens. So settings modules,
    runs of simple assignments, `__init__` field assignments, literal tables, abstract-method stubs and
    `@overload` signatures are not reported. Assertions (`assert`, `self.assert...(...)`,
    `with pytest.raises(...)`) are compared with their values: tests that run the same checks on other
    values are a table of cases (parametrise them if you like), not a copy. Stub files (`.pyi`) are not
    read. pylint's duplicate-code (R0801) compares lines of text between files; this rule also finds copies
    inside one file and copies with renamed variables, and counts logical lines, not physical ones, so one
    long call or literal spread over many lines is not a block.

    ## Why is this bad?
    Code written twice must be read, tested and fixed twice; when one copy gets a bug fix the other
    keeps the bug. The best code is no code: one function called twice is less code.

    ## Example
    ```python
    # shop/cart.py
    def cart_total(items, limit):
        total = 0
        for item in items:
            if item.price > limit:
                total += item.price * item.count
            ...

    # shop/invoice.py: the same loop, renamed
    def invoice_total(rows, cap):
        amount = 0
        for row in rows:
            if row.price > cap:
                amount += row.price * row.count
            ...
    ```

    ## Use instead
    One function, called from both places, with what differed as parameters.
    """

    code = "SL503"
    name = "duplicate-code"
    summary = "Block of code that repeats elsewhere in the project"
    options = OPTIONS
    # SL5 holds two tables ([tool.simplelint.dead-code] is SL501/SL502's): the rule names its own.
    option_table = "duplicates"
    FACTS = (DuplicateFacts,)
    VALID = [
        Valid(files={"shop/cart.py": "def cart_total(items, limit):\n" + _BODY,
                     "shop/invoice.py": "def invoice_total(rows, cap):\n" + _RENAMED},
              path="shop/invoice.py", options={"min-lines": 9}),
        Valid(files={"shop/settings.py": "".join(f"NAME_{n} = 'value {n}'\n" for n in range(8)),
                     "shop/other.py": "".join(f"OTHER_{n} = {n}\n" for n in range(8))},
              path="shop/other.py"),
        Valid(files={"shop/a.py": "def cart_total(items, limit):\n" + _BODY,
                     "shop/b.py": "def cart_total(items, limit):\n" + _BODY.replace(">", "<")},
              path="shop/b.py"),
    ]  # fmt: skip
    INVALID = [
        Invalid(files={"shop/cart.py": "def cart_total(items, limit):\n" + _BODY,
                       "shop/invoice.py": "def invoice_total(rows, cap):\n" + _RENAMED},
                path="shop/invoice.py", count=1, message="8 lines duplicate shop/cart.py:1-8; extract a function"),
        Invalid(files={"shop/cart.py": "def cart_total(items, limit):\n" + _BODY + "\n\n"
                       "def invoice_total(rows, cap):\n" + _RENAMED},
                path="shop/cart.py", count=1, message="8 lines duplicate shop/cart.py:1-8"),
    ]  # fmt: skip

    @classmethod
    def fact_paths(cls, settings: Settings, files: list[str]) -> list[str]:
        """The rest of the project, of the kinds checked (code, tests): a file's findings then do not depend on
        which other files the run names (pre-commit names only the changed ones)."""
        from simplelint.rules.untested import UntestedFunction

        kinds = {settings.is_test(f) for f in files if f != "-"}
        if settings.options.get(cls.option_table, {}).get("ignore-tests", False):
            kinds.discard(True)
        return [path for path in UntestedFunction.fact_paths(settings, files) if settings.is_test(path) in kinds]

    @classmethod
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        limits = Limits(
            int(config.get("min-lines", 6)), int(config.get("min-tokens", 30)), int(config.get("min-code-lines", 3))
        )
        skip_tests = bool(config.get("ignore-tests", False))
        # Code is compared with code and tests with tests: a test that repeats the code it checks is no
        # function to extract for both.
        kinds: dict[bool, list[Source]] = {False: [], True: []}
        for file, packed in sorted(project.facts(NAME), key=lambda item: item[0].path):
            if not (skip_tests and file.is_test):
                kinds[file.is_test].append(Source(file.path, unpack(packed)))
        by_path = {file.path: file.lines for files in kinds.values() for file in files}
        found = [each for files in kinds.values() for each in duplicates(files, limits)]
        return [_violation(cls, each, by_path, project.settings) for each in found]


def _shown(path: str, settings: Settings) -> str:
    """The path as the findings show it: relative as given, or relative to the config's folder."""
    return (os.path.isabs(path) and settings.relative(path)) or normal_path(path)


def _violation(
    rule: type[ProjectRule], found: Duplicate, by_path: Mapping[str, Sequence[Line]], settings: Settings
) -> Violation:
    copy = by_path[found.path][found.start : found.start + found.count]
    source = by_path[found.source][found.source_start : found.source_start + found.count]
    shown = _shown(found.source, settings)
    where = f"{shown}:{source[0].start}-{source[-1].end}"
    message = f"{found.count} lines duplicate {where}; extract a function"
    first, last = copy[0], copy[-1]
    return Violation(rule.code, rule.name, message, found.path, first.start, first.column, last.end,
                     last.end_column, snippet=f"{shown} {identity(copy)}")  # fmt: skip


RULES = [DuplicateCode]
