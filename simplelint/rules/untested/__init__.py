"""SL3xx: functions and methods that no test exercises, statically (SL301) or from coverage data (SL302).

`UntestedFacts` (untested_facts.py, from CPython's ast) records, per file, its functions, classes, imports and the
references each function makes, resolved as far as the file alone allows (imports, its own top-level
names, `self`, local variables of a known class). The project stage builds an index of every definition
and walks from what the tests reference, following the source call graph, so a helper that only tested
code calls counts as tested. References are tokens (strings, so the cache can store them):

- `q:pkg.mod.name`  a dotted name, resolved through re-exports and star imports at join time;
- `v:pkg.mod.name`  a dotted name compared (`==`, `is`, `in`): a class it names counts as used, a function
  does not run;
- `t:KIND:TYPE|attr` an attribute of a value whose type is known: `a:` an instance of an annotation,
  `r:` the result of calling something (a class, or a function whose return type is known), `f:` a
  pytest fixture's value;
- `c:pkg.mod.Class|attr` (`self.attr`) and `s:...` (`super().attr`);
- `m:attr`  an attribute of a value of unknown type: it reaches every method of that name in a class
  that reached code uses (the trade-off: a shared name can hide an untested method; see SL301's docs).

The join itself (untested_join.py) is kept in the cache between runs and brought up to date file by file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional
from collections.abc import Iterable, Iterator, Mapping, Sequence

from simplelint.ruleinfo import FileFacts, Invalid, Option, Project, ProjectRule, Valid
from simplelint.rules.untested.facts import (
    ABSTRACT,
    DOCTEST,
    DUNDER,
    LAMBDA,
    NO_CODE,
    ONE_LINER,
    OVERLOAD,
    PRIVATE,
    PROTOCOL,
    TEST_ROOT,
    TYPE_CHECKING_ONLY,
    UntestedFacts,
)
from simplelint.rules.untested.join import Definition, Join
from simplelint.config.settings import Settings
from simplelint.wording import plural
from simplelint.engine.violation import Violation

if TYPE_CHECKING:
    from simplelint.rules.untested.coverage import LineTests  # the module is imported when data is read

OPTIONS: Mapping[str, Option] = {
    "report-private": Option(False, "Also report functions whose name (or class name) starts with `_`."),
    "report-dunder": Option(False, "Also report dunder methods (`__eq__`, `__iter__`, ...)."),
    "report-overload": Option(False, "Also report `@overload` signatures."),
    "report-abstract": Option(
        False, "Also report `@abstractmethod`s, and methods whose body only raises `NotImplementedError`."
    ),
    "report-protocol": Option(False, "Also report members of `Protocol` classes."),
    "report-type-checking": Option(False, "Also report functions defined under `if TYPE_CHECKING:`."),
    "report-test-files": Option(False, "Also report helpers in test files that no test reaches."),
    "doctests": Option(
        False,
        "Count docstrings' examples as tests (as `pytest --doctest-modules` runs them); on without this when "
        "pytest's config has `--doctest-modules` in `addopts`.",
    ),
    "min-tests": Option(
        1,
        "SL302, with per-test contexts in the coverage data: also report functions that fewer tests than this "
        "ran (`--min-tests N`).",
        minimum=1,
    ),
    "protocol-methods": Option(
        [],
        "Methods a library base class calls on its subclasses' behalf, besides the built-in table "
        "(`datetime.tzinfo.utcoffset`, `logging.Handler.emit`, `ast.NodeVisitor.visit_*`, ...): "
        '`"package.module.Base.method"`, the method may be a pattern (`"mylib.Plugin.on_*"`).',
    ),
    "match-methods-by-name": Option(
        True,
        "When the class of `obj` in `obj.name(...)` is unknown, count the call for every method `name` of a "
        "class that tested code uses (fewer false reports; an untested method sharing a name is missed).",
    ),
}
_EXCLUDED_BY = (
    (PRIVATE, "report-private"),
    (DUNDER, "report-dunder"),
    (OVERLOAD, "report-overload"),
    (ABSTRACT, "report-abstract"),
    (PROTOCOL, "report-protocol"),
    (TYPE_CHECKING_ONLY, "report-type-checking"),
)

# Functions whose lines cannot tell that they ran: a body on the `def` line, or none that executes.
UNMEASURABLE = ONE_LINER | NO_CODE
_JOIN = "untested-join"  # the name SL301's join is kept under in the cache


def _unreached(project: Project, match_by_name: bool, protocols: Sequence[str] = ()) -> list[Definition]:
    """The functions no test reaches, from the join kept in the cache (brought up to date) if there is one."""
    cache = project.cache
    memory = project.memory
    kept = memory.pop(_JOIN, None) if memory is not None else None
    same = isinstance(kept, Join) and (kept.match_by_name, kept.extra_protocols) == (match_by_name, tuple(protocols))
    if memory is not None and isinstance(kept, Join) and same:
        kept_unreached = kept.sync(project.files)  # the language server's join: only the files that changed
        memory[_JOIN] = kept  # kept again only once it is up to date (an exception above drops it)
        return kept_unreached
    lines = cache.get_lines(_JOIN) if cache is not None else None
    join = Join.load(lines, match_by_name, protocols) if lines else None
    unreached: Optional[list[Definition]] = None
    if join is not None:
        try:
            unreached = join.sync(project.files)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            join = None  # a saved join that loads but does not hold together (foreign, or damaged): join afresh
    if join is None or unreached is None:
        join = Join(match_by_name, protocols)
        unreached = join.sync(project.files)
    if cache is not None:
        cache.put_lines(_JOIN, join.save())
    if project.memory is not None:
        project.memory[_JOIN] = join
    return unreached


def _definitions(project: Project) -> Iterator[Definition]:
    """Every function of the project, as its facts say (SL302 needs no join)."""
    return definitions_in(project.files)


def definitions_in(files: Iterable[FileFacts]) -> Iterator[Definition]:
    """Every function of these files, as their UntestedFacts say."""
    for file in files:
        if UntestedFacts.name not in file.facts:
            continue
        facts = file.facts[UntestedFacts.name]
        for qualname, flags, line, column, end_line, end_column, start, end, returns, _, _ in facts["d"]:
            position = (line, column, end_line, end_column)
            yield Definition(file.path, qualname, flags, position, (start, end), file.is_test, returns, [], [])


def _dead_code(project: Project) -> Optional[dict[str, Any]]:
    """What SL501/SL502 report (path -> qualified names), when they run: SL301 leaves those to them; under ""
    the (path, qualified name) of what other code mentions, which SL301 says only untested code uses. None
    when they do not run."""
    dead_codes = {"SL501", "SL502"} & project.settings.enabled
    if not dead_codes:
        return None
    from simplelint.rules.dead_code.verdicts import dead_definitions, mentioned

    options = project.settings.options.get("dead-code", {})
    found: dict[str, Any] = {"": mentioned(project, options)}
    for dead in dead_definitions(project, options):
        code = "SL502" if dead.kind == "class" else "SL501"
        if code in project.settings.codes_for(dead.path):
            found.setdefault(dead.path, []).append(dead.qualname)
    return found


def _is_dead(dead: Iterable[str], qualname: str) -> bool:
    """`qualname` is reported as unused, or is a method of a class reported so."""
    return any(qualname == name or qualname.startswith(name + ".") for name in dead)


# --- findings ------------------------------------------------------------------------------------------


def judged(definitions: Iterable[Definition], options: Mapping[str, Any]) -> Iterator[Definition]:
    """The functions SL301/SL302 judge under these options (the `min-tested-share` gate's whole)."""
    return _candidates(definitions, options)


def _candidates(definitions: Iterable[Definition], options: Mapping[str, Any]) -> Iterator[Definition]:
    """Functions the options ask to report on."""
    excluded = LAMBDA | DOCTEST  # not functions: a lambda's name, a docstring's examples
    for flag, option in _EXCLUDED_BY:
        excluded |= 0 if options.get(option, False) else flag
    test_files = bool(options.get("report-test-files", False))
    for info in definitions:
        if info.flags & excluded or (info.in_test and (not test_files or info.flags & TEST_ROOT)):
            continue
        yield info


def _violation(
    rule: type[ProjectRule], info: Definition, message: str, extra: Optional[dict[str, Any]] = None
) -> Violation:
    line, column, end_line, end_column = info.position
    return Violation(rule.code, rule.name, message, info.path, line, column, end_line, end_column,
                     context=info.qualname, extra=extra or {})  # fmt: skip


def _test_folder(project: Project) -> str:
    """Where the tests were looked for, in the message's words: `tests/` or `the 12 test files`."""
    tests = [project.settings.relative(f.path) or f.path for f in project.files if f.is_test]
    tops = {p.split("/")[0] for p in tests}
    if len(tops) == 1 and all("/" in p for p in tests):
        return f"{tops.pop()}/"
    return f"the {plural(len(tests), 'test file')}"


def _project_bases(settings: Settings, files: list[str]) -> list[str]:
    """The nearest project folder (with pyproject.toml, setup.py, setup.cfg or .git) above each checked file,
    within the config root: where the rest of the project, its tests first, is read for facts."""
    root = os.path.abspath(settings.root)
    bases: dict[str, None] = {}
    for start in {os.path.dirname(os.path.abspath(f)) for f in files}:
        folder = start
        while folder != root and _inside(folder, root) and not any(_exists(folder, m) for m in _MARKERS):
            folder = os.path.dirname(folder)
        if _inside(folder, root):  # the config root at the latest
            bases[folder] = None
    return sorted(b for b in bases if not any(_inside(b, o) and b != o for o in bases))


_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def _exists(folder: str, name: str) -> bool:
    return os.path.exists(os.path.join(folder, name))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


# --- coverage data -------------------------------------------------------------------------------------


@dataclass
class _Coverage:
    """Which files the coverage data judges, with their executed lines, and what to warn about."""

    executed: dict[str, frozenset[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # With per-test contexts in the data: for each judged file, which tests ran each line.
    tests: Optional[dict[str, LineTests]] = None


_last_coverage: list[tuple[Project, _Coverage]] = []


def _coverage(project: Project) -> Optional[_Coverage]:
    """The coverage verdicts of this run, read once for both rules; None when no data was given."""
    path = project.settings.coverage_file
    if path is None:
        return None
    if _last_coverage and _last_coverage[0][0] is project:
        return _last_coverage[0][1]
    result = _read_coverage(project, Path(path))
    _last_coverage[:] = [(project, result)]
    return result


def _read_coverage(project: Project, path: Path) -> _Coverage:
    from simplelint.rules.untested.coverage import CoverageDataError, load

    result = _Coverage()
    try:
        data = load(path)
    except CoverageDataError as error:
        result.warnings.append(f"SL302 skipped: {error}; SL301 judges every function statically")
        return result
    stale: list[str] = []
    unmeasured: list[str] = []
    for file, facts in project.facts(UntestedFacts.name):
        if file.is_test or not facts["d"]:
            continue
        lines = data.lines_for(file.path, project.settings.root)
        if lines is None:
            unmeasured.append(file.path)
        elif max(lines, default=0) > facts["n"] or _mtime(file.path) > data.timestamp:
            stale.append(file.path)
        else:
            result.executed[file.path] = lines
    if data.contexts is not None:
        result.tests = {p: data.tests_for(p, project.settings.root) or {} for p in result.executed}
    _warn_unjudged(result, path.name, stale, unmeasured)
    return result


def _warn_unjudged(result: _Coverage, name: str, stale: list[str], unmeasured: list[str]) -> None:
    if stale:
        result.warnings.append(
            f"coverage data {name} is older than {plural(len(stale), 'file')} changed since the run "
            f"({_few(stale)}): SL301 judges {_them(stale)} instead; re-run the tests under coverage"
        )
    if unmeasured:
        are = "is" if len(unmeasured) == 1 else "are"
        result.warnings.append(
            f"{plural(len(unmeasured), 'file')} {are} not in coverage data {name} (not imported by the run, or "
            f"outside its source): {_few(unmeasured)}; SL301 judges {_them(unmeasured)} instead"
        )


def _them(paths: list[str]) -> str:
    return "it" if len(paths) == 1 else "them"


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _few(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _ran(info: Definition, executed: frozenset[int]) -> bool:
    start, end = info.body
    return any(start <= line <= end for line in executed)


def _warn(project: Project, messages: list[str]) -> None:
    project.warnings.extend(m for m in messages if m not in project.warnings)


# --- the rules -----------------------------------------------------------------------------------------

_MONEY = 'def format_amount(cents):\n    return f"{cents / 100:.2f}"\n'
_REPORT = (
    "def format_amount(value):\n    return str(value)\n\n\n"
    'def total_line(value):\n    return "total " + format_amount(value)\n'
)


class UntestedFunction(ProjectRule):
    """
    ## What it does
    Flags functions and methods that no test reaches: no test (or pytest fixture) calls or refers to
    them, and no function that the tests reach calls them. Names are resolved as the code says:
    importing `ledger.money.format_amount` in a test does not make `ledger.report.format_amount` tested.
    A method call `obj.name()` is resolved to the class of `obj` when it is known (a constructor call,
    an annotation, a fixture's return annotation); when it is not, the call counts for every method
    `name` of a class that tested code uses (option `match-methods-by-name`): an untested method that
    shares its name with a tested one is then missed, which is the price of not flagging every method
    reached through an untyped value. A receiver's class is known from a constructor call, an
    annotation (parameters, variables, return types, `-> Self`), a function's or classmethod's return
    (`return cls(...)`), what a class assigns to `self.attr` (in `__init__` or a class-level
    annotation), a local variable assigned from one of those, and `isinstance` checks; a literal (`{}`,
    `"..."`) or a built-in type holds none of the project's methods. Dunders count as called through
    their operators (`==`, `for`, `with`, `len()`, ...) on a class that tested code uses, and methods a
    library base class calls for its subclass (`tzinfo.utcoffset`, `logging.Handler.emit`,
    `ast.NodeVisitor.visit_*`, `Thread.run`, socketserver and HTTP handlers, ...: the table in
    `untested/protocols.py`, extended by option `protocol-methods`) count once the class is used.
    Docstrings' examples are tests when pytest runs them (`--doctest-modules` in its `addopts`, or
    option `doctests`).

    Calls the code makes by name count too: a prefix string (`getattr(self, "visit_" + kind)`,
    `globals()[f"render_{style}"]`) reaches every method of a used class, and every function of the
    module, named so; a dotted string (`"pkg.mod:func"`, as entry points and settings name things)
    reaches what it names; `@main.command()` / `@app.route()` register a function that runs when `main`
    / `app` is reached. Code at module level runs on import; a `__main__` block and the body of a
    module-level lambda (`KEY = lambda x: helper(x)`) do not, until called, nor do functions passed
    uncalled in a module-level assignment (`DEFAULT = pipe(convert, validate)`), until code that uses
    `DEFAULT` runs. A function only compared (`hook is convert`) is not called. The analysis is per
    function: a call inside a branch the tests never take still counts, and so does a definition in an
    `if sys.version_info ...` branch that never runs.

    Test files are those matching `patterns` in `[tool.simplelint.tests]`. Of them, the tests are the
    files pytest collects, as its config says (`python_files` and `testpaths` in `pytest.ini`,
    `pyproject.toml`'s `[tool.pytest.ini_options]`, `tox.ini`'s `[pytest]` or `setup.cfg`'s
    `[tool:pytest]`; by default `test_*.py` and `*_test.py`, and unittest's `test*.py` when the project
    has no pytest config), and every `conftest.py`. The other files there are support code (helpers,
    type-checking examples): their `test_*` functions are no tests, and their import-time code counts
    only once a test reaches one of their functions. When only part of a project is checked, the rest
    of it (tests included) is read for its references. With coverage data
    (`--coverage`, SL302), the data is the authority for the functions it measured.

    ## Why is this bad?
    Code no test exercises can break unnoticed. A helper called only from tested code is exercised
    too, so it is not reported; a function reached only from a `__main__` block is.

    ## Example
    ```python
    # ledger/report.py
    def format_amount(value): ...
    # tests/test_money.py
    from ledger.money import format_amount
    ```

    ## Use instead
    Write a test that calls `ledger.report.format_amount`, or delete it if nothing needs it.
    """

    code = "SL301"
    name = "untested-function"
    summary = "Function or method that no test reaches"
    options = OPTIONS
    FACTS = (UntestedFacts,)
    VALID = [
        Valid(files={"pkg/report.py": _REPORT, "tests/test_report.py":
                       "from pkg.report import total_line\n\ndef test_total():\n    assert total_line(3)\n"},
                path="pkg/report.py"),
        Valid(files={"pkg/box.py": "class Box:\n    def size(self):\n        return 1\n\n    def __len__(self):\n"
                       "        return self.size()\n", "tests/test_box.py":
                       "from pkg.box import Box\n\ndef test_len():\n    assert len(Box()) == 1\n"},
                path="pkg/box.py"),
        Valid(files={"pkg/cli.py": "def main():\n    pass\n", "tests/conftest.py":
                       "import pytest\nfrom pkg import cli\n\n@pytest.fixture\ndef app():\n    return cli.main\n"},
                path="pkg/cli.py"),
        Valid(files={"pkg/api.py": "class Api:\n    def _secret(self):\n        pass\n\n"
                       "    def __repr__(self):\n        return ''\n",
                       "tests/test_api.py": "def test_x():\n    pass\n"},
                path="pkg/api.py"),
    ]  # fmt: skip
    INVALID = [
        Invalid(files={"pkg/money.py": _MONEY, "pkg/report.py": _REPORT, "tests/test_money.py":
                       "from pkg.money import format_amount\n\ndef test_it():\n    assert format_amount(100)\n"},
                path="pkg/report.py", count=2, message="no test in tests/ references it"),
        Invalid(files={"pkg/cli.py": "def run():\n    pass\n\n\ndef main():\n    run()\n\n\n"
                       "if __name__ == '__main__':\n    main()\n", "tests/test_cli.py": "def test_x():\n    pass\n"},
                path="pkg/cli.py", count=2),
        Invalid(files={"pkg/shapes.py": "class Square:\n    def area(self):\n        return 1\n\n\n"
                       "class Circle:\n    def area(self):\n        return 3\n", "tests/test_shapes.py":
                       "from pkg.shapes import Square\n\ndef test_area():\n    assert Square().area() == 1\n"},
                path="pkg/shapes.py", count=1, message="`Circle.area`"),
        Invalid(files={"pkg/api.py": "def _helper():\n    pass\n", "tests/test_api.py": "def test_x():\n    pass\n"},
                path="pkg/api.py", options={"report-private": True}, count=1),
    ]  # fmt: skip

    @classmethod
    def fact_paths(cls, settings: Settings, files: list[str]) -> list[str]:
        from simplelint.run.discovery import DiscoveryError, discover

        bases = _project_bases(settings, [f for f in files if f != "-"])
        try:
            return discover(bases, settings) if bases else []
        except (DiscoveryError, OSError):
            return []

    @classmethod
    def run_note(cls, files: Sequence[FileFacts]) -> str:
        # Like SL4's note: a project without tests is common, so say it under --verbose, not on every run.
        if any(f.is_test for f in files):
            return ""
        return "SL301 skipped: no test files found (see `patterns` in [tool.simplelint.tests])"

    @classmethod
    def check_project(cls, project: Project, options: Mapping[str, Any]) -> list[Violation]:
        if not any(f.is_test for f in project.files):
            return []
        match_by_name = bool(options.get("match-methods-by-name", True))
        unreached = _unreached(project, match_by_name, list(options.get("protocol-methods", ())))
        coverage = _coverage(project) if "SL302" in project.settings.enabled else None
        judged = coverage.executed if coverage else {}
        where = _test_folder(project)
        dead = _dead_code(project)
        found = []
        for info in _candidates(unreached, options):
            if info.path in judged and not info.flags & UNMEASURABLE:
                continue
            if dead is not None and _is_dead(dead.get(info.path, ()), info.qualname):
                continue  # SL501/SL502 report it: delete it rather than test it
            message = (
                f"`{info.qualname}` is not reached by any test: no test in {where} references it, "
                "and no tested function calls it"
            )
            if dead is not None and (info.path, info.qualname) in dead.get("", ()):
                message += "; it is used only by untested code"
            found.append(_violation(cls, info, message))
        return found


_SHOP = "def refund(order):\n    return order.total\n\n\ndef pay(order):\n    return order.total\n"


def _report(executed: dict[str, list[int]]) -> str:
    """A minimal `coverage json` report."""
    import json

    return json.dumps({"files": {path: {"executed_lines": lines} for path, lines in executed.items()}})


class UnexecutedFunction(ProjectRule):
    """
    ## What it does
    With coverage.py's data of a test run (`simplelint check --coverage .coverage`, a `coverage json`
    report, or `coverage-file` in the config), flags functions and methods none of whose body lines
    ran. Without data it does nothing. Files the data does not measure, or that changed after the run
    (newer than the data, or executed lines past their end), are left to SL301, with a warning. A
    function whose body sits on its `def` line cannot be told apart from its definition and is left to
    SL301 too, and so is one whose body is only a docstring, `...` or `pass` (no line of it executes).
    When the data has per-test contexts (coverage's `dynamic_context = test_function`, pytest-cov's
    `--cov-context=test`), only lines run inside a test count: a function that ran only at import or
    collection time (or, with `test_function` contexts, only in fixtures' setup) is reported as running
    only at import time; `min-tests` (`--min-tests N`) also reports functions fewer tests ran. The JSON
    output then names the tests that ran each reported function (`tests`, the first five, and
    `test_count`), and `simplelint explain FILE::FUNCTION --coverage DATA` those of any function.
    Reading a `.coverage` file needs the `simplelint[coverage]` extra; a JSON report does not.

    ## Why is this bad?
    This is the exact answer to "does any test run this function?": SL301 can only estimate it.

    ## Example
    ```python
    def refund(order):        # no test run executed these lines
        order.cancel()
        return order.total
    ```

    ## Use instead
    Write a test that runs `refund`, or delete it if nothing needs it.
    """

    code = "SL302"
    name = "unexecuted-function"
    summary = "Function or method whose body never ran under the tests (from coverage data)"
    options = OPTIONS
    FACTS = (UntestedFacts,)
    # An example's `coverage.json` stands for the report of a test run (tests/test_untested.py runs real ones).
    VALID = [
        "def refund(order):\n    return order.total\n",  # no coverage data given: nothing to judge
        Valid(files={"pkg/shop.py": _SHOP, "coverage.json": _report({"pkg/shop.py": [1, 2, 5, 6]})},
              path="pkg/shop.py"),
        Valid(files={"pkg/shop.py": "def refund(order): return order.total\n", "coverage.json": _report({})},
              path="pkg/shop.py"),  # a one-line function cannot be told from its `def` line: SL301's call
        Valid(files={"pkg/hooks.py": 'def on_start(app):\n    """Nothing to do by default."""\n',
                     "coverage.json": _report({"pkg/hooks.py": [1]})},
              path="pkg/hooks.py"),  # no line of the body executes: SL301's call
    ]  # fmt: skip
    INVALID = [
        Invalid(files={"pkg/shop.py": _SHOP, "coverage.json": _report({"pkg/shop.py": [1, 5, 6]})},
                path="pkg/shop.py", count=1, message="`refund` never ran under the tests"),
        Invalid(files={"pkg/shop.py": _SHOP, "coverage.json": _report({"pkg/shop.py": [1, 5]})},
                path="pkg/shop.py", count=2),
    ]  # fmt: skip

    @classmethod
    def check_project(cls, project: Project, options: Mapping[str, Any]) -> list[Violation]:
        coverage = _coverage(project)
        if coverage is None:
            return []
        _warn(project, coverage.warnings)
        name = Path(project.settings.coverage_file or "").name
        least = int(options.get("min-tests", 1))
        found = []
        for info in _candidates(_definitions(project), options):
            executed = coverage.executed.get(info.path)
            if executed is None or info.flags & UNMEASURABLE:
                continue
            by_line = coverage.tests.get(info.path) if coverage.tests is not None else None
            tests = _tests_of(info, by_line) if by_line is not None else None
            message = _unexecuted(info, _ran(info, executed), tests, least, name)
            if message:
                extra = {"tests": tests[:TESTS_SHOWN], "test_count": len(tests)} if tests is not None else None
                found.append(_violation(cls, info, message, extra))
        return found


def _unexecuted(info: Definition, ran: bool, tests: Optional[list[str]], least: int, data: str) -> str:
    """SL302's message for a function, or "" when the data says enough tests ran it (`tests`: None without
    per-test contexts)."""
    start, end = info.body
    lines = f"line {start}" if start == end else f"lines {start}-{end}"
    if not ran:
        return f"`{info.qualname}` never ran under the tests: no line of its body ({lines}) executed in {data}"
    if tests is None or len(tests) >= least:
        return ""
    if not tests:
        return (
            f"`{info.qualname}` runs only at import time; no test calls it: its body ({lines}) ran only outside "
            f"the tests' contexts in {data} (at import, collection or in fixtures' setup)"
        )
    more = ", ..." if len(tests) > TESTS_SHOWN else ""
    return (
        f"`{info.qualname}` ran under only {plural(len(tests), 'test')} ({', '.join(tests[:TESTS_SHOWN])}{more}); "
        f"`min-tests` asks for {least}"
    )


TESTS_SHOWN = 5  # the tests a finding names, first by name


def _tests_of(info: Definition, by_line: LineTests) -> list[str]:
    """The tests that ran a line of the function's body, by name."""
    start, end = info.body
    names: set[str] = set()
    for line in range(start, end + 1):
        names |= by_line.get(line, frozenset())
    return sorted(names)


RULES = [UntestedFunction, UnexecutedFunction]
