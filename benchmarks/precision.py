"""SL1's precision review (issue 12): per-rule counts of simplelint and of ruff's equivalent rules on three pinned
sdists, reference values for the metric findings, and a seeded, stratified sample of SL1 findings to check by hand.

    pip install -e . ruff==0.17.6 pylint==4.1.4 mccabe==0.7.0 cognitive-complexity==1.3.0
    python benchmarks/precision.py > sample.md                 # counts, agreement and the sample (with blank verdicts)
    python benchmarks/precision.py --verdicts benchmarks/results/precision.md   # + the shares from the hand verdicts

Every tool reads the whole unpacked sdist (tests included) from its top folder, without the project's config.
ruff runs with simplelint's default limits; pylint, mccabe and cognitive-complexity give each function's value
(limits 0), matched to simplelint's findings by file and `def` line. The sample takes every finding of a rule
with at most FLOOR findings and SHARE of the others (at least FLOOR), drawn with random.Random(f"{seed}-{code}").
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterator, NamedTuple, Optional, Union

from cognitive_complexity.api import get_cognitive_complexity

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PINNED, fetch  # noqa: E402
from mccabe_agreement import mccabe_functions  # noqa: E402

PROJECTS = ("attrs", "requests", "pytest")
LIMITS = {"SL101": 10, "SL102": 15, "SL103": 4, "SL104": 50, "SL105": 5, "SL106": 6, "SL107": 12}
RUFF = {  # ruff's equivalent rules; SL102 and SL119 have none
    "SL101": ("C901",), "SL103": ("PLR1702",), "SL104": ("PLR0915",), "SL105": ("PLR0913",),
    "SL106": ("PLR0911",), "SL107": ("PLR0912",), "SL110": ("SIM103",), "SL111": ("E711",), "SL112": ("E712",),
    "SL113": ("RET505", "RET506", "RET507", "RET508"), "SL114": ("SIM102",), "SL115": ("C416",),
    "SL116": ("SIM118",), "SL117": ("SIM210", "SIM211"), "SL118": ("PLC1802",), "SL120": ("SIM208",),
    "SL121": ("FURB110",),
}
RUFF_PREVIEW = ("PLR1702",)  # needs --preview in ruff 0.17.6
RUFF_LIMITS = {"mccabe.max-complexity": 10, "pylint.max-nested-blocks": 4, "pylint.max-statements": 50,
               "pylint.max-args": 5, "pylint.max-returns": 6, "pylint.max-branches": 12}
PYLINT = {"too-many-nested-blocks": "SL103", "too-many-statements": "SL104", "too-many-arguments": "SL105",
          "too-many-return-statements": "SL106", "too-many-branches": "SL107",
          "use-implicit-booleaness-not-len": "SL118", "consider-using-enumerate": "SL119"}
# The reference value of each metric: the tool that counts as simplelint's docs say it counts.
REFERENCE = {"SL101": "mccabe", "SL102": "cognitive-complexity", "SL103": "ruff", "SL104": "pylint",
             "SL105": "ruff", "SL106": "pylint", "SL107": "pylint"}
# The tool whose own count at the same limits is shown beside ruff's.
COUNTED_BY = {"SL101": "mccabe", "SL102": "cognitive-complexity", "SL103": "pylint", "SL104": "pylint",
              "SL105": "pylint", "SL106": "pylint", "SL107": "pylint", "SL118": "pylint", "SL119": "pylint"}
NUMBER = re.compile(r"\((\d+)(?: > |/)\d+\)")
SHARE, FLOOR = 0.2, 5
Spans = dict[tuple[str, str], list[tuple[int, int, int]]]  # (project, path) -> (first line, last line, def line)
Values = dict[tuple[str, str, str, str, int], int]  # (tool, SL code, project, path, def line) -> value


class Finding(NamedTuple):
    tool: str
    project: str
    path: str  # relative to the sdist's folder
    line: int
    code: str  # simplelint's code (for another tool: the SL rule it stands for)
    rule: str  # the tool's own code
    message: str

    @property
    def value(self) -> Optional[int]:
        found = NUMBER.search(self.message)
        return int(found.group(1)) if found else None


def run_json(command: list[str], root: Path) -> list[dict[str, Any]]:
    output = subprocess.run(command, capture_output=True, text=True, cwd=root).stdout
    items: list[dict[str, Any]] = json.loads(output or "[]")
    return items


def simplelint(project: str, root: Path) -> list[Finding]:
    command = [sys.executable, "-m", "simplelint", "check", "--isolated", "--no-cache", "--exit-zero",
               "--select", "SL1", "--output-format", "json", "."]
    return [Finding("simplelint", project, item["filename"], item["location"]["row"], item["code"], item["code"],
                    item["message"])
            for item in run_json(command, root)]


def ruff(project: str, root: Path, limits: dict[str, int]) -> list[Finding]:
    """ruff's equivalents, the preview ones in a run of their own (--preview changes other rules too)."""
    ours = {rule: code for code, rules in RUFF.items() for rule in rules}
    config = [arg for key, limit in limits.items() for arg in ("--config", f"lint.{key} = {limit}")]
    base = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--exit-zero",
            "--output-format", "json", *config]
    stable = [rule for rule in ours if rule not in RUFF_PREVIEW]
    items = run_json([*base, "--select", ",".join(stable), "."], root)
    items += run_json([*base, "--preview", "--select", ",".join(RUFF_PREVIEW), "."], root)
    return [Finding("ruff", project, str(Path(item["filename"]).relative_to(root)), item["location"]["row"],
                    ours[item["code"]], item["code"], item["message"]) for item in items]


def pylint(project: str, root: Path) -> list[Finding]:
    """pylint's design checks with every limit at 0 (each function's value), and its two simplifications."""
    limits = [f"--max-{name}=0" for name in ("args", "returns", "branches", "statements", "nested-blocks")]
    command = [sys.executable, "-m", "pylint", "--rcfile=/dev/null", "--disable=all", f"--enable={','.join(PYLINT)}",
               *limits, "--max-positional-arguments=1000", "--output-format=json", "--score=n", "--persistent=n",
               "--recursive=y", "--jobs=2", "."]
    return [Finding("pylint", project, item["path"], item["line"], PYLINT[item["symbol"]], item["symbol"],
                    item["message"])
            for item in run_json(command, root) if item["symbol"] in PYLINT]


Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def functions(tree: ast.AST) -> Iterator[tuple[Function, bool]]:
    """Every function with whether it is outermost (not inside another function)."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, inside = stack.pop()
        for child in ast.iter_child_nodes(node):
            is_function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield child, not inside
            stack.append((child, inside or is_function))


def python_values(project: str, root: Path) -> tuple[list[Finding], Spans]:
    """mccabe's and cognitive-complexity's value of each outermost function, and each file's function spans."""
    found: list[Finding] = []
    spans: Spans = {}
    for file in sorted(root.rglob("*.py*")):
        path = str(file.relative_to(root))
        try:
            tree = ast.parse(file.read_bytes(), path)
        except (SyntaxError, ValueError):
            continue
        every = list(functions(tree))
        spans[project, path] = [(min([f.lineno, *(d.lineno for d in f.decorator_list)]), f.end_lineno or f.lineno,
                                 f.lineno) for f, _ in every]
        if file.suffix != ".py":
            continue
        found += [Finding("mccabe", project, path, line, "SL101", "C901", f"({value} > 0)")
                  for line, value in mccabe_functions(tree).items()]
        found += [Finding("cognitive-complexity", project, path, f.lineno, "SL102", "CCR001",
                          f"({get_cognitive_complexity(f)} > 0)") for f, outermost in every if outermost]
    return found, spans


def def_line(spans: list[tuple[int, int, int]], line: int) -> int:
    """The `def` line of the innermost function around `line` (a `def` line is its own)."""
    around = [(end - start, at) for start, end, at in spans if start <= line <= end]
    return line if any(at == line for _, at in around) or not around else min(around)[1]


def reference_values(findings: list[Finding], spans: Spans) -> Values:
    """The largest value each tool reports for each function (ruff and pylint report blocks for SL103)."""
    values: Values = {}
    for item in findings:
        if item.value is not None:
            line = def_line(spans.get((item.project, item.path), []), item.line)
            key = (item.tool, item.code, item.project, item.path, line)
            values[key] = max(values.get(key, 0), item.value)
    return values


def draw(findings: list[Finding], seed: int) -> list[Finding]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for item in sorted(findings):
        by_rule[item.code].append(item)
    picked: list[Finding] = []
    for code, group in sorted(by_rule.items()):
        size = min(len(group), max(FLOOR, round(SHARE * len(group))))
        picked += random.Random(f"{seed}-{code}").sample(group, size)
    return sorted(picked, key=lambda f: (f.code, f.project, f.path, f.line))


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def tally_verdicts(path: Path, sample: list[Finding], population: Counter[str]) -> None:
    """Per-rule shares from the verdict column of the sample table (n, project, path:line, code, message,
    reference, verdict, reason)."""
    verdicts: dict[tuple[str, str, str], str] = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) >= 7 and cells[0].isdigit() and cells[6] in ("true", "debatable", "false"):
            verdicts[(cells[1], cells[2], cells[3])] = cells[6]
    keys = [(f.project, f"{f.path}:{f.line}", f.code) for f in sample]
    missing = [k for k in keys if k not in verdicts]
    if missing:
        sys.exit(f"{len(missing)} sampled findings have no verdict in {path}, e.g. {missing[0]}")
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for key in keys:
        rows[key[2]][verdicts[key]] += 1
        rows["SL10x (metrics)" if key[2] < "SL110" else "SL11x (simplifications)"][verdicts[key]] += 1
        rows["all"][verdicts[key]] += 1
    print("\n| rule | sampled | true | debatable | false | precision (true) | true + debatable |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    groups = ["SL10x (metrics)", "SL11x (simplifications)", "all"]
    for name in sorted(set(rows) - set(groups)) + [g for g in groups if g in rows]:
        counts = rows[name]
        total = sum(counts.values())
        share = [f"{counts[v]} ({100 * counts[v] / total:.0f}%)" for v in ("true", "debatable", "false")]
        print(f"| {name} | {total} | {' | '.join(share)} | {100 * counts['true'] / total:.0f}% | "
              f"{100 * (counts['true'] + counts['debatable']) / total:.0f}% |")
    # Each rule's shares applied to all its findings: the sample takes a larger part of the smaller rules.
    print("\nWeighted by each rule's number of findings (an estimate for all findings, not only the sample):\n")
    for name, codes in zip(groups, ([c for c in population if c < "SL110"], [c for c in population if c >= "SL110"],
                                    list(population))):
        size = sum(population[code] for code in codes)
        shares = [sum(population[c] * rows[c][v] / sum(rows[c].values()) for c in codes) / size
                  for v in ("true", "debatable", "false")]
        print(f"- {name}, {size} findings: true {100 * shares[0]:.0f}%, debatable {100 * shares[1]:.0f}%, "
              f"false {100 * shares[2]:.0f}%")


def collect() -> tuple[list[Finding], list[Finding], list[Finding], Spans]:
    """simplelint's findings, ruff's at the default limits, the other tools' (limits 0) and the function spans."""
    ours: list[Finding] = []
    theirs: list[Finding] = []
    references: list[Finding] = []
    spans: Spans = {}
    for project in PROJECTS:
        root = fetch(project)
        print(f"{project} {PINNED[project]}: {root}")
        ours += simplelint(project, root)
        theirs += ruff(project, root, RUFF_LIMITS)
        references += ruff(project, root, {key: 0 for key in RUFF_LIMITS})
        references += pylint(project, root)
        measured, project_spans = python_values(project, root)
        references += measured
        spans.update(project_spans)
    return ours, theirs, references, spans


def print_counts(ours: list[Finding], theirs: list[Finding], references: list[Finding], values: Values) -> None:
    counted = Counter((f.code, f.project) for f in ours)
    ruffs = Counter((f.code, f.project) for f in theirs)
    over = Counter((code, project) for (tool, code, project, _, _), value in values.items()
                   if tool == COUNTED_BY.get(code) and value > LIMITS[code])
    over.update((f.code, f.project) for f in references if f.code not in LIMITS and f.tool == COUNTED_BY.get(f.code))
    print("\n| rule | ruff's | " + " | ".join(f"{p} SL / ruff" for p in PROJECTS) + " | all SL / ruff | other tool |")
    print("|---|---|" + "---:|" * (len(PROJECTS) + 1) + "---|")
    for code in sorted({f.code for f in ours} | set(RUFF) | set(COUNTED_BY)):
        each = [f"{counted[code, p]} / {ruffs[code, p]}" for p in PROJECTS]
        total = f"{sum(counted[code, p] for p in PROJECTS)} / {sum(ruffs[code, p] for p in PROJECTS)}"
        other = f"{sum(over[code, p] for p in PROJECTS)} ({COUNTED_BY[code]})" if code in COUNTED_BY else ""
        print(f"| {code} | {', '.join(RUFF.get(code, ('-',)))} | {' | '.join(each)} | {total} | {other} |")
    each = [f"{sum(f.project == p for f in ours)} / {sum(f.project == p for f in theirs)}" for p in PROJECTS]
    print(f"| all SL1 | | {' | '.join(each)} | {len(ours)} / {len(theirs)} | |")
    metric = {(f.project, f.path, f.line) for f in ours if f.code in LIMITS}
    print(f"\nThe {sum(f.code in LIMITS for f in ours)} metric findings are on {len(metric)} functions.")


def print_agreement(ours: list[Finding], values: Values) -> None:
    print("\n| metric | reference | SL findings | same value | different | not measured by the reference |")
    print("|---|---|---:|---:|---:|---:|")
    differences = []
    for code, tool in REFERENCE.items():
        found = [f for f in ours if f.code == code]
        ref = [values.get((tool, code, f.project, f.path, f.line)) for f in found]
        same = sum(r == f.value for r, f in zip(ref, found))
        missing = sum(r is None for r in ref)
        print(f"| {code} | {tool} | {len(found)} | {same} | {len(found) - same - missing} | {missing} |")
        differences += [f"- {code} {f.project} {f.path}:{f.line}: SL {f.value}, {tool} {r}"
                        for f, r in zip(found, ref) if r != f.value]
    print("\n" + "\n".join(differences))


def print_sample(sample: list[Finding], total: int, seed: int, values: Values) -> None:
    print(f"\nSample (seed {seed}): {len(sample)} of {total} findings\n")
    print("| n | project | location | code | message | reference | verdict | reason |")
    print("|---:|---|---|---|---|---|---|---|")
    for number, f in enumerate(sample, 1):
        tool = REFERENCE.get(f.code, "")
        reference = f"{tool} {values.get((tool, f.code, f.project, f.path, f.line))}" if tool else ""
        print(f"| {number} | {f.project} | {f.path}:{f.line} | {f.code} | {cell(f.message)} | {reference} |  |  |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--verdicts", type=Path, help="a markdown file holding the sample table with verdicts")
    args = parser.parse_args()
    ours, theirs, references, spans = collect()
    values = reference_values(references, spans)
    print_counts(ours, theirs, references, values)
    print_agreement(ours, values)
    sample = draw(ours, args.seed)
    print_sample(sample, len(ours), args.seed, values)
    if args.verdicts:
        tally_verdicts(args.verdicts, sample, Counter(f.code for f in ours))


if __name__ == "__main__":
    main()
