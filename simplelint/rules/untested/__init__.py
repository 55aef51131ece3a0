"""SL3xx: functions and methods that no test exercises, statically (SL301) or from coverage data (SL302).

`UntestedFacts` (facts.py, from CPython's ast) records, per file, its functions, classes, imports and the
references each function makes, resolved as far as the file alone allows (imports, its own top-level
names, `self`, local variables of a known class). The project stage builds an index of every definition
and walks from what the tests reference, following the source call graph, so a helper that only tested
code calls counts as tested. References are tokens (strings, so the cache can store them):

- `q:pkg.mod.name`  a dotted name, resolved through re-exports and star imports at join time;
- `t:KIND:TYPE|attr` an attribute of a value whose type is known: `a:` an instance of an annotation,
  `r:` the result of calling something (a class, or a function whose return type is known), `f:` a
  pytest fixture's value;
- `c:pkg.mod.Class|attr` (`self.attr`) and `s:...` (`super().attr`);
- `m:attr`  an attribute of a value of unknown type: it reaches every method of that name in a class
  that reached code uses (the trade-off: a shared name can hide an untested method; see SL301's docs).
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Union

from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation
from simplelint.ruleinfo import FileFacts, Invalid, Option, Project, ProjectRule, Valid
from simplelint.rules.naming import is_dunder
from simplelint.rules.untested.facts import (
    ABSTRACT,
    DUNDER,
    FIXTURE,
    LAMBDA,
    ONE_LINER,
    OVERLOAD,
    PRIVATE,
    PROTOCOL,
    TEST_ROOT,
    TYPE_CHECKING_ONLY,
    UntestedFacts,
)
from simplelint.wording import plural

OPTIONS: Mapping[str, Option] = {
    "report-private": Option(False, "Also report functions whose name (or class name) starts with `_`."),
    "report-dunder": Option(False, "Also report dunder methods (`__eq__`, `__iter__`, ...)."),
    "report-overload": Option(False, "Also report `@overload` signatures."),
    "report-abstract": Option(False, "Also report `@abstractmethod`s."),
    "report-protocol": Option(False, "Also report members of `Protocol` classes."),
    "report-type-checking": Option(False, "Also report functions defined under `if TYPE_CHECKING:`."),
    "report-test-files": Option(False, "Also report helpers in test files that no test reaches."),
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

# Dunders that run without a visible operator once a class is used: construction, attribute protocol.
AMBIENT_DUNDERS = frozenset(
    "__init__ __new__ __post_init__ __init_subclass__ __set_name__ __class_getitem__ __getattr__ "
    "__getattribute__ __setattr__ __delattr__ __get__ __set__ __delete__ __del__ __call__ __bool__ "
    "__hash__ __repr__ __missing__".split()
)
# --- the project join ----------------------------------------------------------------------------------

Key = Union[int, str]  # a function (index into _Index.defs) or a class (its qualified name)


@dataclass
class _DefInfo:
    file: FileFacts
    qualname: str  # within its module
    flags: int
    position: tuple[int, int, int, int]
    body: tuple[int, int]  # first and last line of the body
    returns: str
    tokens: list[str]


@dataclass
class _ClassInfo:
    raw_bases: list[str]
    is_test: bool
    bases: list[str] = field(default_factory=list)
    subclasses: list[str] = field(default_factory=list)
    methods: dict[str, list[int]] = field(default_factory=dict)


class _Index:
    """Every definition of the project by qualified name, and how to resolve a dotted reference."""

    def __init__(self, files: Iterable[tuple[FileFacts, dict[str, Any]]]) -> None:
        self.defs: list[_DefInfo] = []
        self.symbols: dict[str, list[Key]] = {}
        self.classes: dict[str, _ClassInfo] = {}
        self.modules: dict[str, tuple[dict[str, str], list[str]]] = {}
        self.by_name: dict[str, list[tuple[str, int]]] = {}
        self.fixtures: dict[str, list[str]] = {}
        self.functions: dict[str, list[tuple[str, int]]] = {}
        self.triggers: dict[Key, list[int]] = {}
        self.module_refs: list[tuple[FileFacts, list[str]]] = []
        self._memo: dict[str, tuple[Key, ...]] = {}
        self._mro: dict[str, list[str]] = {}
        self._descendants: dict[str, tuple[str, ...]] = {}
        files_facts = list(files)
        first: dict[int, int] = {}
        for file, facts in files_facts:
            first[id(facts)] = len(self.defs)
            self._add_file(file, facts)
        self.method_names = sorted(self.by_name)
        for file, facts in files_facts:
            for key, row in zip(range(first[id(facts)], len(self.defs)), facts["d"]):
                for trigger in row[-1]:
                    for owner in self.lookup(trigger):
                        self.triggers.setdefault(owner, []).append(key)
        for name, info in self.classes.items():
            info.bases = [k for b in info.raw_bases for k in self.lookup(b) if isinstance(k, str) and k != name]
            for base in info.bases:
                self.classes[base].subclasses.append(name)

    def _add_file(self, file: FileFacts, facts: dict[str, Any]) -> None:
        module = facts["m"]
        self.modules[module] = (facts["i"], facts["s"])
        self.module_refs.append((file, facts["r"]))
        for qualname, (_, bases, _) in facts["c"].items():
            full = f"{module}.{qualname}"
            if full in self.classes:  # defined twice (`if PY2: class A ... else: class A ...`): one class
                self.classes[full].raw_bases.extend(bases)
                continue
            self.classes[full] = _ClassInfo(list(bases), file.is_test)
            self.symbols[full] = [full]
        for row in facts["d"]:
            qualname, flags, line, column, end_line, end_column, start, end, returns, tokens, _ = row
            key = len(self.defs)
            self.defs.append(
                _DefInfo(file, qualname, flags, (line, column, end_line, end_column), (start, end), returns, tokens)
            )
            full = f"{module}.{qualname}"
            self.symbols.setdefault(full, []).append(key)
            owner, _, name = full.rpartition(".")
            if "." not in qualname:
                self.functions.setdefault(module, []).append((name, key))
            if owner in self.classes:
                self.classes[owner].methods.setdefault(name, []).append(key)
                self.by_name.setdefault(name, []).append((owner, key))
            if flags & FIXTURE:
                self.fixtures.setdefault(name, []).append(returns)
        for qualname, (_, _, aliases) in facts["c"].items():
            methods = self.classes[f"{module}.{qualname}"].methods
            for name, target in aliases.items():
                keys = methods.get(target, [])
                methods.setdefault(name, []).extend(keys)
                self.by_name.setdefault(name, []).extend((f"{module}.{qualname}", k) for k in keys)

    def lookup(self, dotted: str, depth: int = 0) -> tuple[Key, ...]:
        """What `pkg.mod.name` means: through re-exports, star imports and class members."""
        hit = self.symbols.get(dotted)
        if hit:
            return tuple(hit)
        if depth > 12 or "." not in dotted:
            return ()
        if dotted in self._memo:
            return self._memo[dotted]
        self._memo[dotted] = ()  # guards import cycles
        head, _, last = dotted.rpartition(".")
        found = self._member(head, last, depth + 1)
        self._memo[dotted] = found
        return found

    def _member(self, head: str, last: str, depth: int) -> tuple[Key, ...]:
        if head in self.modules:
            imports, stars = self.modules[head]
            if last in imports:
                return self.lookup(imports[last], depth)
            for star in stars:
                starred = self.lookup(f"{star}.{last}", depth)
                if starred:
                    return starred
            return ()
        found: list[Key] = []
        for key in self.lookup(head, depth):
            # An attribute of a function (`cached.cache_clear`) still uses the function.
            found.extend(self.method(key, last) if isinstance(key, str) else [key])
        return tuple(found)

    def mro(self, name: str) -> list[str]:
        if name not in self._mro:
            self._mro[name] = [name]  # guards inheritance cycles
            order = [name]
            for base in self.classes[name].bases:
                order.extend(c for c in self.mro(base) if c not in order)
            self._mro[name] = order
        return self._mro[name]

    def method(self, name: str, attr: str) -> list[Key]:
        """`attr` looked up on class `name` and its bases, as Python finds it."""
        for cls in self.mro(name):
            found = self.classes[cls].methods.get(attr)
            if found:
                return list(found)
            if f"{cls}.{attr}" in self.classes:
                return [f"{cls}.{attr}"]
        return []

    def descendants(self, name: str) -> tuple[str, ...]:
        if name not in self._descendants:
            stack, seen = list(self.classes[name].subclasses), {name}
            while stack:
                cls = stack.pop()
                if cls not in seen:
                    seen.add(cls)
                    stack.extend(self.classes[cls].subclasses)
            self._descendants[name] = tuple(seen - {name})
        return self._descendants[name]

    def type_classes(self, token: str, depth: int = 0) -> list[str]:
        """The classes a typed value (`a:`, `r:` or `f:` token) may be an instance of."""
        kind, _, target = token.partition(":")
        if depth > 4 or not target:
            return []
        if kind == "f":
            return [c for ret in self.fixtures.get(target, ()) for c in self.type_classes(ret, depth + 1)]
        found: list[str] = []
        for key in self.lookup(target):
            if isinstance(key, str):
                found.append(key)
            elif kind == "r" and self.defs[key].returns:
                found.extend(self.type_classes(self.defs[key].returns, depth + 1))
        return found

    def module_of(self, dotted: str) -> int:
        """How many leading parts of `dotted` name one of the project's modules (0: none)."""
        parts = dotted.split(".")
        for size in range(len(parts) - 1, 0, -1):
            if ".".join(parts[:size]) in self.modules:
                return size
        return 0


class _Walk:
    """Reachability from the tests over the project's references (a worklist; each function once)."""

    def __init__(self, index: _Index, by_name: bool) -> None:
        self.index = index
        self.by_name = by_name
        self.reached: set[int] = set()
        self.used: set[str] = set()
        self.pending: set[str] = set()
        self.virtual: dict[str, set[str]] = {}
        self.prefixes: set[str] = set()
        self.queue: list[int] = []
        self.seen: set[str] = set()

    def run(self) -> set[int]:
        for _, tokens in self.index.module_refs:
            self.tokens(tokens)
        for key, info in enumerate(self.index.defs):
            if info.flags & TEST_ROOT and info.file.is_test:
                self.reach(key)
        for name, cls in self.index.classes.items():
            if cls.is_test:
                self.use(name)  # the test runner instantiates test classes
        while self.queue:
            self.tokens(self.index.defs[self.queue.pop()].tokens)
        return self.reached

    def tokens(self, tokens: Iterable[str]) -> None:
        seen = self.seen
        for token in tokens:
            if token in seen:
                continue  # following a reference twice reaches nothing new
            seen.add(token)
            kind, _, rest = token.partition(":")
            if kind == "q":
                self.dotted(rest)
            elif kind == "m":
                self.name(rest)
            elif kind == "p":
                self.prefix(*rest.rpartition("|")[::2])
            else:
                self.attribute(kind, *rest.rpartition("|")[::2])

    def reach(self, key: Key) -> None:
        if isinstance(key, str):
            self.use(key)
        elif key not in self.reached:
            self.reached.add(key)
            self.queue.append(key)
            for registered in self.index.triggers.get(key, ()):
                self.reach(registered)

    def dotted(self, dotted: str) -> None:
        found = self.index.lookup(dotted)
        for key in found:
            self.reach(key)
        size = self.index.module_of(dotted) if not found else 0
        if size:  # `module.instance.method`: the instance's class is unknown
            for attr in dotted.split(".")[size + 1 :]:
                self.name(attr)

    def attribute(self, kind: str, target: str, attr: str) -> None:
        classes = self.index.type_classes(target) if kind == "t" else [target]
        classes = [c for c in classes if c in self.index.classes]
        if kind == "s":
            classes = [b for c in classes for b in self.index.classes[c].bases]
            if not classes:
                return  # `super()` of a class whose bases are not the project's
        if not classes:
            self.name(attr)
        for cls in classes:
            self.call(cls, attr)

    def call(self, cls: str, attr: str) -> None:
        """`obj.attr` on an instance of `cls`: its own or inherited method, or an override in a subclass."""
        self.use(cls)
        for key in self.index.method(cls, attr):
            self.reach(key)
        callers = self.virtual.setdefault(attr, set())
        if cls in callers:
            return
        callers.add(cls)
        for sub in self.index.descendants(cls):
            if sub in self.used:
                for key in self.index.classes[sub].methods.get(attr, ()):
                    self.reach(key)

    def prefix(self, module: str, prefix: str) -> None:
        """Dispatch by a built name (`getattr(self, "visit_" + kind)`, `globals()[f"render_{style}"]`):
        every method of a used class, and every function of the same module, whose name starts so."""
        if f"{module}|{prefix}" in self.prefixes:
            return
        self.prefixes.add(f"{module}|{prefix}")
        names = self.index.method_names
        start = bisect.bisect_left(names, prefix)
        for name in names[start : bisect.bisect_left(names, prefix + "\x7f")]:
            self.name(name, forced=True)
        for name, key in self.index.functions.get(module, ()):
            if name.startswith(prefix):
                self.reach(key)

    def name(self, attr: str, forced: bool = False) -> None:
        if attr in self.pending or not (self.by_name or forced or is_dunder(attr)):
            return
        self.pending.add(attr)
        for cls, key in self.index.by_name.get(attr, ()):
            if cls in self.used:
                self.reach(key)

    def use(self, cls: str) -> None:
        if cls in self.used or cls not in self.index.classes:
            return
        self.used.add(cls)
        for registered in self.index.triggers.get(cls, ()):
            self.reach(registered)
        info = self.index.classes[cls]
        for base in info.bases:
            self.use(base)
        ancestors = set(self.index.mro(cls))
        for attr, keys in info.methods.items():
            if attr in AMBIENT_DUNDERS or attr in self.pending or ancestors & self.virtual.get(attr, set()):
                for key in keys:
                    self.reach(key)


# --- findings ------------------------------------------------------------------------------------------


def _candidates(index: _Index, config: Mapping[str, Any]) -> Iterator[tuple[int, _DefInfo]]:
    """Functions the options ask to report on."""
    excluded = LAMBDA
    for flag, option in _EXCLUDED_BY:
        excluded |= 0 if config.get(option, False) else flag
    test_files = bool(config.get("report-test-files", False))
    for key, info in enumerate(index.defs):
        if info.flags & excluded or (info.file.is_test and (not test_files or info.flags & TEST_ROOT)):
            continue
        yield key, info


def _violation(rule: type[ProjectRule], info: _DefInfo, message: str) -> Violation:
    line, column, end_line, end_column = info.position
    return Violation(rule.code, rule.name, message, info.file.path, line, column, end_line, end_column,
                     context=info.qualname)  # fmt: skip


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
    for folder in {os.path.dirname(os.path.abspath(f)) for f in files}:
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
    name = path.name
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
    return result


def _them(paths: list[str]) -> str:
    return "it" if len(paths) == 1 else "them"


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _few(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _ran(info: _DefInfo, executed: frozenset[int]) -> bool:
    start, end = info.body
    return any(start <= line <= end for line in executed)


def _warn(project: Project, messages: list[str]) -> None:
    project.warnings.extend(m for m in messages if m not in project.warnings)


# --- the rules -----------------------------------------------------------------------------------------

_MONEY = 'def format_amount(cents):\n    return f"{cents / 100:.2f}"\n'
_REPORT = 'def format_amount(value):\n    return str(value)\n\n\ndef total_line(value):\n    return "total " + format_amount(value)\n'


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
    reached through an untyped value. Dunders count as called through their operators (`==`, `for`,
    `with`, `len()`, ...) on a class that tested code uses.

    Calls the code makes by name count too: a prefix string (`getattr(self, "visit_" + kind)`,
    `globals()[f"render_{style}"]`) reaches every method of a used class, and every function of the
    module, named so; a dotted string (`"pkg.mod:func"`, as entry points and settings name things)
    reaches what it names; `@main.command()` / `@app.route()` register a function that runs when `main`
    / `app` is reached. Code at module level runs on import; a `__main__` block and the body of a
    module-level lambda (`KEY = lambda x: helper(x)`) do not, until called. The analysis is per
    function: a call inside a branch the tests never take still counts, and so does a definition in an
    `if sys.version_info ...` branch that never runs.

    Test files are those matching `patterns` in `[tool.simplelint.tests]`; when only part of a project
    is checked, the rest of it (tests included) is read for its references. With coverage data
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
                       "    def __repr__(self):\n        return ''\n", "tests/test_api.py": "def test_x():\n    pass\n"},
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
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        if not any(f.is_test for f in project.files):
            return []
        index = _Index(project.facts(UntestedFacts.name))
        reached = _Walk(index, bool(config.get("match-methods-by-name", True))).run()
        coverage = _coverage(project) if "SL302" in project.settings.enabled else None
        judged = coverage.executed if coverage else {}
        where = _test_folder(project)
        found = []
        for key, info in _candidates(index, config):
            if key in reached or (info.file.path in judged and not info.flags & ONE_LINER):
                continue
            message = (
                f"`{info.qualname}` is not reached by any test: no test in {where} references it, "
                "and no tested function calls it"
            )
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
    SL301 too. Reading a `.coverage` file needs the `simplelint[coverage]` extra; a JSON report does not.

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
        Valid(files={"pkg/shop.py": _SHOP, "coverage.json": _report({"pkg/shop.py": [1, 2, 5, 6]})}, path="pkg/shop.py"),
        Valid(files={"pkg/shop.py": "def refund(order): return order.total\n", "coverage.json": _report({})},
              path="pkg/shop.py"),  # a one-line function cannot be told from its `def` line: SL301's call
    ]  # fmt: skip
    INVALID = [
        Invalid(files={"pkg/shop.py": _SHOP, "coverage.json": _report({"pkg/shop.py": [1, 5, 6]})},
                path="pkg/shop.py", count=1, message="`refund` never ran under the tests"),
        Invalid(files={"pkg/shop.py": _SHOP, "coverage.json": _report({"pkg/shop.py": [1, 5]})},
                path="pkg/shop.py", count=2),
    ]  # fmt: skip

    @classmethod
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        coverage = _coverage(project)
        if coverage is None:
            return []
        _warn(project, coverage.warnings)
        name = Path(project.settings.coverage_file or "").name
        index = _Index(project.facts(UntestedFacts.name))
        found = []
        for _, info in _candidates(index, config):
            executed = coverage.executed.get(info.file.path)
            if executed is None or info.flags & ONE_LINER or _ran(info, executed):
                continue
            start, end = info.body
            lines = f"line {start}" if start == end else f"lines {start}-{end}"
            message = f"`{info.qualname}` never ran under the tests: no line of its body ({lines}) executed in {name}"
            found.append(_violation(cls, info, message))
        return found


RULES = [UntestedFunction, UnexecutedFunction]
