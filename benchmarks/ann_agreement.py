"""Agreement of SL201/SL202 with ruff's ANN rules on django, and their speed against ruff and flake8-annotations.

    python benchmarks/ann_agreement.py                # findings of both tools, compared (takes minutes: see below)
    python benchmarks/ann_agreement.py --timing       # also time simplelint, ruff and flake8 in this one run
    python benchmarks/ann_agreement.py --timing-only  # only the timing
    python benchmarks/ann_agreement.py --options      # with options on instead, against ruff's equivalents

Both tools run from the unpacked sdist with no config (`--isolated`), on its `django/` folder (or another corpus
project's package with --project), with JSON output.
Findings are keyed by (file, line, param or return, name): ruff's ANN001-ANN003 against SL201 and
ANN201-ANN206 against SL202. Every disagreement is listed, grouped by what the function looks like (an
`@overload` implementation, `__init__`, a method's first parameter, ...). Beyond the findings it compares
columns, ruff's code against the kind our message names (public/private function, special method, ...), and
the fixes offered.

simplelint's JSON carries each fix's text edit, which costs a LibCST transform of the whole file per fix: the
JSON run takes several times longer than a plain run. The timing uses `--output-format concise` for all tools.

Timing needs flake8 and flake8-annotations outside simplelint's environment: benchmarks/compare.py installs them
into benchmarks/.work/peers-venv; otherwise `python -m venv /tmp/flake8-venv && /tmp/flake8-venv/bin/pip install
flake8==7.5.0 flake8-annotations==3.3.0`, or pass --flake8 PATH. A script, not a test (POSIX: os.wait4).
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # corpus.py lives beside this script
from corpus import fetch  # noqa: E402

ANN = "ANN001,ANN002,ANN003,ANN201,ANN202,ANN204,ANN205,ANN206"
# --options: each of our options against ruff's setting of that name or, for the ignore options, against
# dropping the ruff codes they stand for. Each configuration: (ruff's select, ruff's settings, our options).
CONFIGURATIONS = {
    "ruff's settings": (ANN, ("mypy-init-return", "suppress-none-returning", "suppress-dummy-args"), ()),
    "ignore-fully-untyped": (ANN, ("ignore-fully-untyped",), ()),
    "ignore options": (
        "ANN001,ANN201,ANN205,ANN206",
        (),
        ("allow-unannotated-star-args", "ignore-private-functions", "ignore-dunder-methods"),
    ),
}
RUFF_KIND = {
    "ANN201": "public function",
    "ANN202": "private function",
    "ANN204": "special method",
    "ANN205": "staticmethod",
    "ANN206": "classmethod",
}
FLAKE8_CANDIDATES = (HERE / ".work" / "peers-venv" / "bin" / "flake8", Path("/tmp/flake8-venv/bin/flake8"))
Key = tuple[str, int, str, str]
# The folder linted in each project's unpacked sdist (--project); set by main().
TARGETS = {"django": "django/", "flask": "src/flask/", "more-itertools": "more_itertools/", "humanize": "src/",
           "seaborn": "seaborn/", "sqlalchemy": "lib/sqlalchemy/"}
TARGET = "django/"


def ruff_argv(output: str, select: str = ANN, settings: tuple[str, ...] = ()) -> list[str]:
    ruff = shutil.which("ruff") or "ruff"
    extra = [arg for name in settings for arg in ("--config", f"lint.flake8-annotations.{name} = true")]
    return [ruff, "check", "--isolated", "--select", select, *extra, "--output-format", output, "--exit-zero",
            TARGET]


def simplelint_argv(output: str, options: tuple[str, ...] = ()) -> list[str]:
    extra = [arg for name in options for arg in ("--config", f"type-hints.{name} = true")]
    return [sys.executable, "-m", "simplelint", "check", "--isolated", "--no-cache", "--select", "SL2", *extra,
            "--output-format", output, "--exit-zero", TARGET]


def flake8_argv(flake8: str) -> list[str]:
    return [flake8, "--isolated", "--select", ANN, "--exit-zero", TARGET]


def findings(argv: list[str], root: Path) -> list[dict[str, Any]]:
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def key_of(finding: dict[str, Any], root: Path) -> Key:
    path = os.path.relpath(os.path.join(root, finding["filename"]), root)
    name = re.findall(r"`([^`]*)`", finding["message"])[-1]
    kind = "return" if "return type" in finding["message"] else "param"
    return (path, finding["location"]["row"], kind, name)


def by_key(found: list[dict[str, Any]], root: Path, codes: tuple[str, ...]) -> dict[Key, dict[str, Any]]:
    return {key_of(f, root): f for f in found if f["code"].startswith(codes)}


class Shapes:
    """What the function behind a finding looks like, read with `ast`: the cause of a disagreement."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.trees: dict[str, Optional[ast.Module]] = {}

    def tree(self, path: str) -> Optional[ast.Module]:
        if path not in self.trees:
            try:
                self.trees[path] = ast.parse((self.root / path).read_bytes())
            except (SyntaxError, ValueError, OSError):
                self.trees[path] = None
        return self.trees[path]

    def describe(self, key: Key) -> str:
        path, line, kind, name = key
        tree = self.tree(path)
        if tree is None:
            return "file does not parse"
        for parent, node in walk_functions(tree):
            if self.owns(node, line, kind, name):
                return ", ".join(tags(parent, node, kind, name)) or "plain function"
        return "function not found"

    @staticmethod
    def owns(node: ast.FunctionDef | ast.AsyncFunctionDef, line: int, kind: str, name: str) -> bool:
        if kind == "return":
            return node.lineno == line and node.name == name
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        return any(a is not None and a.lineno == line and a.arg == name.lstrip("*") for a in every)


def walk_functions(tree: ast.AST) -> Iterable[tuple[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield parent, child


def decorators(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "?"))
    return names


def tags(parent: ast.AST, node: ast.FunctionDef | ast.AsyncFunctionDef, kind: str, name: str) -> list[str]:
    found = []
    siblings = getattr(parent, "body", [])
    index = siblings.index(node) if node in siblings else 0
    before = siblings[index - 1] if index else None
    if isinstance(before, (ast.FunctionDef, ast.AsyncFunctionDef)) and "overload" in decorators(before):
        found.append("@overload implementation")
    found.extend(sorted(decorators(node) & {"overload", "staticmethod", "classmethod", "property"}))
    if isinstance(parent, ast.ClassDef):
        found.append("method")
        first = (node.args.posonlyargs + node.args.args)[:1]
        if kind == "param" and first and first[0].arg == name:
            found.append("its first parameter")
    if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        found.append("nested function")
    if node.name == "__init__":
        found.append("__init__")
    return found


def fix_text(finding: dict[str, Any]) -> Optional[str]:
    fix = finding.get("fix")
    if not fix or not fix["edits"]:
        return None
    return " + ".join(edit["content"].strip() for edit in fix["edits"])


def compare(root: Path, label: str, select: str = ANN, settings: tuple[str, ...] = (),
            options: tuple[str, ...] = ()) -> None:
    ruff_run = ruff_argv("json", select, settings)
    ours_run = simplelint_argv("json", (*settings, *options))
    started = time.perf_counter()
    ruff_found = findings(ruff_run, root)
    ruff_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours_found = findings(ours_run, root)
    ours_seconds = time.perf_counter() - started
    ruff = by_key(ruff_found, root, ("ANN",))
    ours = by_key(ours_found, root, ("SL2",))
    print(f"# {root.name}/{TARGET}, {label}: ruff {ruff_seconds:.1f} s, simplelint (JSON with fix edits) "
          f"{ours_seconds:.1f} s")
    print("$ " + " ".join(ruff_run[1:]) + "\n$ simplelint " + " ".join(ours_run[3:]) + "\n")
    print_counts(ruff_found, ours_found)
    matched = ruff.keys() & ours.keys()
    union = ruff.keys() | ours.keys()
    print(f"\nmatches: {len(matched)}; only ruff: {len(ruff.keys() - ours.keys())}; "
          f"only simplelint: {len(ours.keys() - ruff.keys())}")
    if union:
        print(f"agreement: {100 * len(matched) / len(union):.2f}% of the union ({100 * len(matched) / max(1, len(ruff)):.2f}%"
              f" of ruff's, {100 * len(matched) / max(1, len(ours)):.2f}% of ours)")
    else:
        print("agreement: both report nothing")
    shapes = Shapes(root)
    print_disagreements("only ruff", sorted(ruff.keys() - ours.keys()), ruff, shapes)
    print_disagreements("only simplelint", sorted(ours.keys() - ruff.keys()), ours, shapes)
    print_details(sorted(matched), ruff, ours)


def print_counts(ruff_found: list[dict[str, Any]], ours_found: list[dict[str, Any]]) -> None:
    for label, found in (("ruff", ruff_found), ("simplelint", ours_found)):
        counts = collections.Counter(f["code"] for f in found)
        print(f"{label}: {len(found)} findings: " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))


def print_disagreements(label: str, keys: list[Key], side: dict[Key, dict[str, Any]], shapes: Shapes) -> None:
    groups: dict[str, list[Key]] = collections.defaultdict(list)
    for key in keys:
        groups[f"{key[2]}: {shapes.describe(key)}"].append(key)
    print(f"\n## {label}: {len(keys)}")
    for cause, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        print(f"### {cause}: {len(members)}")
        for key in members:
            print(f"  {key[0]}:{key[1]}: {side[key]['message']}")


def print_details(matched: list[Key], ruff: dict[Key, dict[str, Any]], ours: dict[Key, dict[str, Any]]) -> None:
    """Columns, ruff's code against our message's kind, and the fixes, on the findings both report."""
    same_start = sum(ruff[k]["location"] == ours[k]["location"] for k in matched)
    same_end = sum(ruff[k]["end_location"] == ours[k]["end_location"] for k in matched)
    print(f"\n## on the {len(matched)} matches")
    print(f"same start (line, column): {same_start}; same end: {same_end}")
    kinds: collections.Counter[tuple[str, str]] = collections.Counter()
    fixes: collections.Counter[tuple[Optional[str], Optional[str]]] = collections.Counter()
    examples: dict[tuple[Any, ...], Key] = {}
    for key in matched:
        if key[2] != "return":
            continue
        theirs = RUFF_KIND.get(ruff[key]["code"], "?")
        mine = re.search(r"for (.*) `", ours[key]["message"])
        kinds[(theirs, mine.group(1) if mine else "?")] += 1
        pair = (fix_text(ruff[key]), fix_text(ours[key]))
        fixes[pair] += 1
        examples.setdefault(("kind", theirs, mine.group(1) if mine else "?"), key)
        examples.setdefault(("fix", *pair), key)
    print("\nreturn findings, ruff's code -> our wording:")
    for (theirs, mine), count in kinds.most_common():
        flag = "" if theirs == mine else f"   DIFFERENT, e.g. {examples[('kind', theirs, mine)]}"
        print(f"  {theirs} -> {mine}: {count}{flag}")
    print("\nfixes offered (ruff's edit, ours):")
    for (theirs, mine), count in fixes.most_common():
        flag = "" if theirs == mine else f"   e.g. {examples[('fix', theirs, mine)]}"
        print(f"  {theirs!r:40} {mine!r:14} {count}{flag}")


def measure(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the child and the workers it reaped)."""
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        process = subprocess.Popen(argv, cwd=cwd, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{argv[0]} failed with exit status {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def timing(root: Path, flake8: Optional[str], repeat: int) -> None:
    runs = {
        "simplelint check --select SL2": simplelint_argv("concise"),
        "ruff check --select ANN...": ruff_argv("concise"),
    }
    if flake8:
        runs["flake8 --select ANN... (flake8-annotations)"] = flake8_argv(flake8)
    else:
        print("flake8 not found: see this script's docstring; timing ruff and simplelint only")
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in runs}
    for _ in range(repeat):  # interleaved, so a burst of load hits every tool alike
        for label, argv in runs.items():
            samples[label].append(measure(argv, root))
    load = os.getloadavg()[0]
    print(f"\n# timing on {root.name}/{TARGET} ({os.cpu_count()} cores, load average {load:.1f}), best of {repeat}, "
          "all tools with their default parallelism")
    ours_wall, ours_cpu = min(samples["simplelint check --select SL2"])
    print(f"{'command':48} {'wall s':>8} {'CPU s':>8} {'ours/this wall':>15} {'ours/this CPU':>14}")
    for label, measured in samples.items():
        wall, cpu = min(measured)
        print(f"{label:48} {wall:8.2f} {cpu:8.2f} {ours_wall / wall:15.2f} {ours_cpu / cpu:14.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timing", action="store_true", help="also time the three tools")
    parser.add_argument("--timing-only", action="store_true", help="only time the three tools")
    parser.add_argument("--options", action="store_true", help="compare with options on (not the defaults)")
    parser.add_argument("--repeat", type=int, default=3, help="timing: best of N (default 3)")
    parser.add_argument("--flake8", help="flake8 executable with flake8-annotations installed")
    parser.add_argument("--project", choices=sorted(TARGETS), default="django", help="corpus project (django)")
    options = parser.parse_args()
    global TARGET
    TARGET = TARGETS[options.project]
    root = fetch(options.project)
    if options.options:
        for label, (select, settings, ours) in CONFIGURATIONS.items():
            compare(root, label, select, settings, ours)
    elif not options.timing_only:
        compare(root, "default options")
    if options.timing or options.timing_only:
        flake8 = options.flake8 or next((str(p) for p in FLAKE8_CANDIDATES if p.exists()), None)
        timing(root, flake8, options.repeat)


if __name__ == "__main__":
    main()
