"""SL301 (static) against the truth of a real test run, beside a naive baseline; and the join's time on django.

    python benchmarks/untested_truth.py                  # more-itertools and humanize: the precision/recall table
    python benchmarks/untested_truth.py --misses         # also list SL301's wrong calls
    python benchmarks/untested_truth.py --django         # time of SL301's project join on django (+ its tests/)

For each project (pinned sdists from benchmarks/corpus.py, which ship their tests) the test suite runs under
coverage.py; the truth of "untested" is "no line of the function's body ran" (SL302's verdict on that data).
The functions compared are the ones SL301 reports on by default (public, not dunder, not @overload, ...)
whose file coverage measured. The naive baseline calls a function tested when its bare name appears as a
word anywhere in a test file. Precision and recall are for the class "untested".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import fetch  # noqa: E402

from simplelint.config.load import CliOverrides, load_settings  # noqa: E402
from simplelint.rules.untested.coverage import load  # noqa: E402
from simplelint.run.discovery import discover  # noqa: E402
from simplelint.rule import FileFacts, Project  # noqa: E402
from simplelint.rules import untested  # noqa: E402
from simplelint.run.runner import RunOptions, _collections_paused, run  # noqa: E402
from simplelint.config.settings import Settings  # noqa: E402

# Where the coverage data of the test runs is kept (reused: delete it to run the suites again), and the
# Python that runs the suites (one with each project's test dependencies installed).
WORK = Path(os.environ.get("UNTESTED_TRUTH_WORK", Path(__file__).resolve().parent / ".work" / "untested"))
PYTHON = os.environ.get("UNTESTED_TRUTH_PYTHON", sys.executable)


@dataclass(frozen=True)
class Subject:
    name: str
    package: str  # the source folder, relative to the sdist
    pythonpath: str = ""


# Which functions are compared: SL301's defaults, and every function (private helpers and dunders too).
SCOPES = (("public", {}), ("all", {"report-private": True, "report-dunder": True}))
SUBJECTS = (
    Subject("more-itertools", "more_itertools"),
    Subject("humanize", "src/humanize", pythonpath="src"),
    Subject("flask", "src/flask", pythonpath="src"),
    Subject("requests", "src/requests", pythonpath="src"),
    Subject("attrs", "src", pythonpath="src"),
)


@dataclass
class Score:
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_pos)

    @property
    def recall(self) -> float:
        return self.true_pos / max(1, self.true_pos + self.false_neg)


def test_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in (folder / "tests").glob("test_*.py"))


def configurations(folder: Path) -> list[tuple[str, list[str]]]:
    """The whole suite, then each test file alone: a smaller suite leaves more functions untested."""
    return [("all tests", ["tests"])] + [(name, [name]) for name in test_files(folder)]


def coverage_run(subject: Subject, folder: Path, tests: list[str]) -> Path:
    """Run (part of) the project's test suite under coverage.py; the data is kept under benchmarks/.work."""
    slug = "all" if tests == ["tests"] else Path(tests[0]).stem
    data = WORK / f"{subject.name}-{slug}.coverage"
    env = {**os.environ, "COVERAGE_FILE": str(data), "PYTHONPATH": subject.pythonpath}
    combine(folder, data, env)
    if data.exists():
        return data
    WORK.mkdir(parents=True, exist_ok=True)
    command = [PYTHON, "-m", "coverage", "run", f"--source={subject.package}", "-m", "pytest", "-q",
               "-p", "no:cacheprovider", *tests]  # fmt: skip
    subprocess.run(command, cwd=folder, env=env, check=False, stdout=subprocess.DEVNULL)
    combine(folder, data, env)
    return data


def combine(folder: Path, data: Path, env: dict[str, str]) -> None:
    """A project whose coverage config says `parallel = true` (attrs) leaves `<data>.<host>.<pid>...` files."""
    parallel = sorted(str(p) for p in data.parent.glob(data.name + ".*"))
    if parallel and not data.exists():
        subprocess.run([PYTHON, "-m", "coverage", "combine", "-q", *parallel], cwd=folder, env=env, check=False)


def lint(folder: Path, subject: Subject, tests: list[str]) -> tuple[Project, Settings]:
    """simplelint's per-file stage over the package and `tests`, as `check --isolated --no-cache` runs it;
    the other test files are excluded, so only `tests` count as the test suite."""
    os.chdir(folder)
    settings = load_settings(["."], CliOverrides(select=["SL301"], isolated=True))
    # The truth runs name their test paths (`pytest tests/...`): pytest collects no doctest in the package then.
    settings.pytest = replace(settings.pytest, doctest_modules=False)
    if tests != ["tests"]:
        settings.options["tests"]["patterns"] = [*tests, "conftest.py"]  # pytest loads tests/conftest.py too
        settings.extend_exclude = tuple(t for t in test_files(folder) if t not in tests)
    result = run(discover([subject.package, *tests], settings), settings, RunOptions(use_cache=False))
    files = [FileFacts(r.path, r.module_name, r.is_test, r.is_production, r.facts) for r in result.files]
    return Project(files, settings), settings


Key = tuple[str, int]


def judged_functions(project: Project, subject: Subject, data: Path, options: dict[str, Any]) -> dict[Key, str]:
    """Functions SL301 reports on (with `options`) whose file the data measured: (path, line) -> qualname."""
    executed = load(data)
    functions = {}
    for info in untested._candidates(untested._definitions(project), options):
        measured = executed.lines_for(info.path, project.settings.root) is not None
        if measured and not info.flags & untested.UNMEASURABLE and info.path.startswith(subject.package):
            functions[(info.path, info.position[0])] = info.qualname
    return functions


def findings(rule: Any, project: Project, options: dict[str, Any]) -> set[Key]:
    return {(v.path, v.line) for v in rule.check_project(project, options)}


def naive_untested(folder: Path, tests: list[str], functions: dict[Key, str]) -> set[Key]:
    paths = [p for t in tests for p in ([folder / t] if t.endswith(".py") else (folder / t).rglob("*.py"))]
    words = set(re.findall(r"\w+", "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)))
    return {key for key, qualname in functions.items() if qualname.rpartition(".")[2] not in words}


def score(flagged: set[Key], truth: set[Key]) -> Score:
    return Score(len(flagged & truth), len(flagged - truth), len(truth - flagged))


@dataclass
class Tally:
    functions: int = 0
    untested: int = 0
    naive: Score = field(default_factory=lambda: Score(0, 0, 0))
    static: Score = field(default_factory=lambda: Score(0, 0, 0))

    def add(self, other: Tally) -> None:
        self.functions += other.functions
        self.untested += other.untested
        for mine, theirs in ((self.naive, other.naive), (self.static, other.static)):
            mine.true_pos += theirs.true_pos
            mine.false_pos += theirs.false_pos
            mine.false_neg += theirs.false_neg


def measure_one(subject: Subject, folder: Path, tests: list[str], show_misses: bool) -> dict[str, Tally]:
    """Per scope: the truth from coverage (SL302's verdict), SL301's calls and the naive baseline's."""
    data = coverage_run(subject, folder, tests)
    project, settings = lint(folder, subject, tests)
    covered = Project(project.files, replace(settings, coverage_file=data))
    tallies = {}
    for scope, extra in SCOPES:
        options = {**settings.options["tests"], **extra}
        functions = judged_functions(project, subject, data, options)
        truth = findings(untested.UnexecutedFunction, covered, options) & set(functions)
        static = findings(untested.UntestedFunction, project, options) & set(functions)
        naive = naive_untested(folder, tests, functions)
        tallies[scope] = Tally(len(functions), len(truth), score(naive, truth), score(static, truth))
        for title, keys in (("flagged but ran", static - truth), ("never ran, not flagged", truth - static)):
            for key in sorted(keys) if show_misses else ():
                print(f"{subject.name} [{' '.join(tests)}] ({scope}) {title}: {key[0]}:{key[1]} {functions[key]}",
                      file=sys.stderr)  # fmt: skip
    return tallies


def rows(subject: Subject, label: str, scope: str, tally: Tally) -> list[str]:
    lines = []
    for method, s in (("naive: bare name in a test file", tally.naive), ("SL301", tally.static)):
        lines.append(f"| {subject.name} | {label} | {scope} | {tally.functions} | {tally.untested} | {method} | "
                     f"{s.true_pos} | {s.false_pos} | {s.false_neg} | {s.precision:.1%} | {s.recall:.1%} |")  # fmt: skip
    return lines


def measure(subject: Subject, show_misses: bool, total: dict[str, Tally]) -> list[str]:
    folder = fetch(subject.name)
    (_, everything), *alone = configurations(folder)
    whole = measure_one(subject, folder, everything, show_misses)
    pooled = {scope: Tally() for scope, _ in SCOPES}
    for _, tests in alone:
        for scope, tally in measure_one(subject, folder, tests, show_misses).items():
            pooled[scope].add(tally)
    out = []
    for scope, _ in SCOPES:
        out += rows(subject, "whole suite", scope, whole[scope])
        out += rows(subject, f"each of its {len(alone)} test files alone", scope, pooled[scope])
        total[scope].add(whole[scope])
        total[scope].add(pooled[scope])
    return out


def time_django() -> None:
    """Seconds of SL301's join (index + reachability + findings) over django/ and tests/; parse time apart."""
    folder = fetch("django")
    os.chdir(folder)
    settings = load_settings(["."], CliOverrides(select=["SL301"], isolated=True))
    settings.cache_dir = WORK / "django-cache"
    files = discover(["django", "tests"], settings)
    start = time.perf_counter()
    result = run(files, settings, RunOptions())
    total = time.perf_counter() - start
    project = Project([FileFacts(r.path, r.module_name, r.is_test, r.is_production, r.facts) for r in result.files],
                      settings)  # fmt: skip
    # As the runner's project stage runs it: with the garbage collector paused (runner._collections_paused).
    # Timed with the collector on as well, for figures from before that pause: collections then scan every
    # object this process holds (all the files' facts) again and again, and take over half of the time.
    timed = {}
    for paused in (True, False):
        wall, cpu = [], []
        for _ in range(3):  # the best of three: the machine is shared
            start, start_cpu = time.perf_counter(), time.process_time()
            with _collections_paused() if paused else contextlib.nullcontext():
                found = untested.UntestedFunction.check_project(project, settings.options["tests"])
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        timed[paused] = min(wall), min(cpu)
    functions = sum(len(f.facts.get("untested", {}).get("d", ())) for f in project.files)
    print(f"django: {len(files)} files, {functions} functions; whole run {total:.1f}s (cache as found); "
          f"SL301 join {timed[True][0]:.2f}s wall, {timed[True][1]:.2f}s CPU (collector paused, as the runner "
          f"runs it; {timed[False][1]:.2f}s CPU with it on); {len(found)} findings")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list SL301's wrong calls on stderr")
    parser.add_argument("--django", action="store_true", help="time the join on django instead")
    parser.add_argument("--project", action="append", help="measure only these projects (repeatable)")
    parser.add_argument("--truth-only", action="store_true", help="only run the test suites under coverage")
    args = parser.parse_args()
    if args.django:
        time_django()
        return
    subjects = [s for s in SUBJECTS if not args.project or s.name in args.project]
    if args.truth_only:
        for subject in subjects:
            folder = fetch(subject.name)
            for label, tests in configurations(folder):
                print(subject.name, label, coverage_run(subject, folder, tests), flush=True)
        return
    print("| project | test suite | scope | functions | untested (truth) | method | TP | FP | FN | precision | recall |")
    print("|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|")
    total = {scope: Tally() for scope, _ in SCOPES}
    for subject in subjects:
        print("\n".join(measure(subject, args.misses, total)), flush=True)
    for scope, _ in SCOPES:
        print("\n".join(rows(Subject("**all runs pooled**", ""), "", scope, total[scope])))


if __name__ == "__main__":
    main()
