"""Prove the SL11x fixes on real code: fix a library's source, then run its own test suite again.

    python benchmarks/fix_real_library.py                     # more-itertools, humanize, flask
    python benchmarks/fix_real_library.py more-itertools --keep
    python benchmarks/fix_real_library.py django              # 12 of Django's test apps (needs asgiref, sqlparse)

For each library: copy its unpacked sdist (benchmarks/corpus.py) to a temp folder, run its tests, apply
`simplelint check --isolated --no-cache --select SL11,SL12 --fix --unsafe-fixes` to the library source (not its
tests), check every changed file compiles and a second `--fix` changes nothing, run the tests again and
compare the passing test ids. With --with-tests the test suite is then fixed too and run a third time.
Prints findings per rule, fixes applied, files changed and tests passed before/after; exits 1 when a test
that passed before fails after, or any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PINNED, fetch  # noqa: E402

# The simplification rules are SL110-SL121: both prefixes.
SIMPLELINT = [sys.executable, "-m", "simplelint", "check", "--isolated", "--no-cache", "--select", "SL11,SL12"]


@dataclass(frozen=True)
class Library:
    name: str
    package: str  # the source folder to fix, relative to the sdist root
    tests: str
    pythonpath: str  # what the tests import the package from
    django_apps: tuple[str, ...] = ()  # Django's own runner on these test apps instead of pytest


# Django's test apps that exercise the code most of its fixes touch (admin checks, auth tokens, requests,
# queries and ordering, templates, forms, utils); about 4,900 tests in 5 minutes on one core.
DJANGO_APPS = (
    "auth_tests", "requests_tests", "httpwrappers", "admin_widgets", "queries", "ordering", "admin_checks",
    "utils_tests", "template_tests", "forms_tests", "model_forms", "contenttypes_tests",
)
LIBRARIES = {
    "more-itertools": Library("more-itertools", "more_itertools", "tests", "."),
    "humanize": Library("humanize", "src/humanize", "tests", "src"),
    "flask": Library("flask", "src/flask", "tests", "src"),
    "django": Library("django", "django", "tests", ".", DJANGO_APPS),
}
DEFAULT = ("more-itertools", "humanize", "flask")  # django takes half an hour: ask for it


def run_tests(root: Path, library: Library, label: str) -> set[str]:
    """Ids of the tests that passed."""
    env = {**os.environ, "PYTHONPATH": str(root / library.pythonpath), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run(
        [sys.executable, "-c", f"import {Path(library.package).name} as m; print(m.__file__)"],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(root.resolve()), f"tests would import {where}, not the copy"
    if library.django_apps:
        return _django_tests(root, library, env)
    report = root / f".junit-{label}.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", f"--junitxml={report}",
         library.tests],
        cwd=root, env=env, capture_output=True, text=True,
    )
    passed = set()
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        if not any(child.tag in ("failure", "error", "skipped") for child in case):
            passed.add(f"{case.get('classname')}::{case.get('name')}")
    return passed


def _django_tests(root: Path, library: Library, env: dict[str, str]) -> set[str]:
    out = subprocess.run(
        [sys.executable, "runtests.py", "--parallel", "1", "-v", "2", *library.django_apps],
        cwd=root / library.tests, env=env, capture_output=True, text=True,
    )
    # "test_x (app.module.Class.test_x) ... ok", the docstring's first line possibly in between.
    return set(re.findall(r"^(\w+ \([\w.]+\))(?:\n[^\n]*)? \.\.\. ok$", out.stderr, re.M))


def findings(source: Path) -> list[dict]:
    out = subprocess.run(
        [*SIMPLELINT, "--output-format", "json", "--exit-zero", str(source)], capture_output=True, text=True
    )
    return json.loads(out.stdout)


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(folder.rglob("*.py"))}


def fix(source: Path) -> tuple[int, str]:
    """Fixes applied by one `--fix --unsafe-fixes` run, and what it printed on stderr."""
    out = subprocess.run([*SIMPLELINT, "--fix", "--unsafe-fixes", str(source)], capture_output=True, text=True)
    match = re.search(r"\((\d+) fixed", out.stdout)
    return (int(match.group(1)) if match else 0), out.stderr.strip()


def changed_files(before: dict[Path, bytes], after: dict[Path, bytes]) -> list[Path]:
    return [path for path, data in after.items() if before.get(path) != data]


def uncompilable(paths: list[Path]) -> list[str]:
    bad = []
    for path in paths:
        try:
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        except SyntaxError as error:
            bad.append(f"{path}: {error}")
    return bad


@dataclass
class Outcome:
    found: list[dict]
    remaining: list[dict]
    applied: int
    changed: list[Path]
    problems: list[str]
    seconds: float  # the first --fix run: wall clock
    cpu: float  # and CPU time of the simplelint process(es)


def fix_and_check(folder: Path) -> Outcome:
    """Fix `folder`; every changed file must compile and a second `--fix` must change nothing."""
    found = findings(folder)
    original = snapshot(folder)
    start, cpu = time.perf_counter(), _children_cpu()
    applied, errors = fix(folder)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    fixed = snapshot(folder)
    changed = changed_files(original, fixed)
    problems = uncompilable(changed) + ([errors] if errors else [])
    again, _ = fix(folder)
    if again or snapshot(folder) != fixed:
        problems.append(f"a second --fix applied {again} more fixes")
    return Outcome(found, findings(folder), applied, changed, problems, seconds, cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prove(library: Library, keep: bool, with_tests: bool) -> bool:
    workdir = Path(tempfile.mkdtemp(prefix=f"simplelint-fix-{library.name}-"))
    root = workdir / library.name
    shutil.copytree(fetch(library.name), root)
    print(f"## {library.name} {PINNED[library.name]}\n")
    passed_before = run_tests(root, library, "before")
    steps = [("library source", root / library.package)]
    if with_tests:
        steps.append(("its tests too", root / library.tests))
    problems = []
    for label, folder in steps:
        outcome = fix_and_check(folder)
        passed_after = run_tests(root, library, label.replace(" ", "-"))
        print(f"### Fixing {label} ({folder.relative_to(root)})\n")
        _print_figures(outcome, root, passed_before, passed_after)
        problems += outcome.problems
        problems += [f"test passed before, fails after: {name}" for name in sorted(passed_before - passed_after)]
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if keep:
        print(f"kept: {workdir}")
    else:
        shutil.rmtree(workdir)
    return not problems


def _print_figures(outcome: Outcome, root: Path, passed_before: set[str], passed_after: set[str]) -> None:
    def rule(v: dict) -> str:
        return f"{v['code']} {v['name']}"

    per_rule = Counter(rule(v) for v in outcome.found)
    left = Counter(rule(v) for v in outcome.remaining)
    print("| rule | findings | with a fix (safe/unsafe) | left after --fix --unsafe-fixes |")
    print("|---|---:|---:|---:|")
    for name in sorted(per_rule):
        fixes = [v["fix"]["applicability"] for v in outcome.found if rule(v) == name and v["fix"]]
        print(f"| {name} | {per_rule[name]} | {fixes.count('safe')}/{fixes.count('unsafe')} | {left[name]} |")
    print(f"\nfindings: {len(outcome.found)}; fixes applied: {outcome.applied}; remaining: {len(outcome.remaining)}")
    names = ", ".join(str(p.relative_to(root)) for p in outcome.changed) if len(outcome.changed) <= 10 else "..."
    print(f"files changed: {len(outcome.changed)} ({names})")
    print(f"--fix run: {outcome.seconds:.0f} s wall clock, {outcome.cpu:.0f} s CPU")
    print(f"tests passed before: {len(passed_before)}; after: {len(passed_after)}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("libraries", nargs="*", default=list(DEFAULT), help=f"Any of {', '.join(LIBRARIES)}.")
    parser.add_argument("--keep", action="store_true", help="Keep the fixed copy to inspect it.")
    parser.add_argument("--with-tests", action="store_true", help="Then fix the test suite too and rerun it.")
    args = parser.parse_args()
    unknown = set(args.libraries) - set(LIBRARIES)
    if unknown:
        parser.error(f"unknown libraries: {', '.join(sorted(unknown))}")
    results = [prove(LIBRARIES[name], args.keep, args.with_tests) for name in args.libraries]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
