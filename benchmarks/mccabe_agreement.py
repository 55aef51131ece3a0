"""SL101 against the `mccabe` package (flake8's C901), function by function.

    pip install mccabe
    python benchmarks/mccabe_agreement.py                 # django (fetched by corpus.py) and simplelint/
    python benchmarks/mccabe_agreement.py flask path/to/src

For every file, mccabe's `PathGraphingAstVisitor` measures each function it reports (every graph is kept,
also when two functions share a name); simplelint runs SL101 with `max-complexity = 0` through the real
CLI (JSON lines output), so every outermost function is reported with its value. Functions are matched by
file and `def` line. Prints the totals and every difference, each with its category.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

import mccabe

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PINNED, fetch  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
VALUE = re.compile(r"\((\d+) > -?\d+\)")
COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try)
UNSEEN = (ast.Match, ast.TryStar)  # statements mccabe 0.7 reads as one plain statement


class AllGraphs(dict):
    """mccabe keys graphs by name, so a second `def f` (a property setter) hides the first: keep them all."""

    def __init__(self) -> None:
        super().__init__()
        self.every: list[Any] = []

    def __setitem__(self, key: str, graph: Any) -> None:
        self.every.append(graph)
        super().__setitem__(key, graph)


def mccabe_functions(tree: ast.AST) -> dict[int, int]:
    """`def` line -> complexity, for the graphs mccabe makes of functions (not of `If 12`-like statements)."""
    visitor = mccabe.PathGraphingAstVisitor()
    visitor.graphs = AllGraphs()
    visitor.preorder(tree, visitor)
    return {graph.lineno: graph.complexity() for graph in visitor.graphs.every if graph.entity != graph.name}


def outermost_functions(tree: ast.AST) -> Iterator[tuple[ast.AST, list[tuple[ast.AST, str]]]]:
    """Each function with no function around it, with its (ancestor, field) path from the module."""
    stack: list[tuple[ast.AST, list[tuple[ast.AST, str]]]] = [(tree, [])]
    while stack:
        node, path = stack.pop()
        for name, value in ast.iter_fields(node):
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield child, [*path, (node, name)]
                elif isinstance(child, ast.AST):
                    stack.append((child, [*path, (node, name)]))


def why_unmeasured(path: list[tuple[ast.AST, str]]) -> str:
    """Why mccabe reports no graph for a function simplelint measures, from the statements around it."""
    for node, name in path:
        if isinstance(node, UNSEEN) or (isinstance(node, ast.Try) and name == "finalbody"):
            return f"inside a module/class-level `{type(node).__name__}` ({name}): mccabe never looks there"
    for node, name in path:
        if isinstance(node, COMPOUND):
            return f"inside a module/class-level `{type(node).__name__}`: mccabe graphs the statement instead"
    return "unexplained"


def uses_new_syntax(function: ast.AST) -> bool:
    return any(isinstance(node, UNSEEN) for node in ast.walk(function))


def simplelint_values(files: list[str]) -> tuple[dict[tuple[str, int], int], set[str]]:
    """(file, line) -> SL101 value, and the files simplelint could not parse."""
    command = [
        sys.executable, "-m", "simplelint", "check", "--isolated", "--no-cache", "--exit-zero",
        "--select", "SL101,SL001,SL002,SL004", "--config", "complexity.max-complexity = 0",
        "--output-format", "json-lines", *files,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO).stdout
    values, unparsed = {}, set()
    for line in output.splitlines():
        finding = json.loads(line)
        path = str(Path(REPO, finding["filename"]).resolve())
        if finding["code"] != "SL101":
            unparsed.add(path)
            continue
        values[(path, finding["location"]["row"])] = int(VALUE.search(finding["message"]).group(1))
    return values, unparsed


@dataclass
class Tally:
    compared: int = 0
    equal: int = 0
    different: list[str] = field(default_factory=list)
    only_ours: Counter = field(default_factory=Counter)
    only_mccabe: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)


def compare_file(path: str, ours: dict[tuple[str, int], int], tally: Tally) -> None:
    try:
        tree = ast.parse(Path(path).read_bytes(), path)
    except (SyntaxError, ValueError):
        tally.unparsed.append(path)
        return
    theirs = mccabe_functions(tree)
    for function, ancestors in outermost_functions(tree):
        line = function.lineno
        where = f"{path}:{line} {function.name}"
        mine = ours.get((path, line))
        if line not in theirs:
            reason = why_unmeasured(ancestors)
            tally.only_ours[reason] += 1
            tally.examples.setdefault(reason, where)
            continue
        if mine is None:
            tally.only_mccabe.append(f"{where}: mccabe {theirs[line]}")
            continue
        tally.compared += 1
        if mine == theirs[line]:
            tally.equal += 1
        else:
            note = "deliberate: `match` / `except*` are counted" if uses_new_syntax(function) else "UNEXPLAINED"
            tally.different.append(f"{where}: mccabe {theirs[line]}, SL101 {mine} ({note})")


def python_files(root: Path) -> list[str]:
    return sorted(str(p.resolve()) for p in ([root] if root.is_file() else root.rglob("*.py")))


def report(name: str, tally: Tally, unparsed_by_us: set[str]) -> None:
    share = 100 * tally.equal / tally.compared if tally.compared else 100.0
    print(f"== {name}")
    print(f"functions compared: {tally.compared}, equal: {tally.equal} ({share:.2f}%), different: "
          f"{len(tally.different)}")
    for line in tally.different:
        print(f"  different: {line}")
    print(f"measured by SL101 only: {sum(tally.only_ours.values())}")
    for reason, count in tally.only_ours.most_common():
        print(f"  {count:5}  {reason}  (e.g. {tally.examples[reason]})")
    print(f"reported by mccabe only: {len(tally.only_mccabe)}")
    for line in tally.only_mccabe:
        print(f"  {line}")
    print(f"files that do not parse: ast {len(tally.unparsed)}, LibCST {len(unparsed_by_us)}")
    for path in sorted({*tally.unparsed, *unparsed_by_us}):
        print(f"  {path}")


def run(target: str) -> Tally:
    root = fetch(target) if target in PINNED else Path(target)
    files = python_files(root)
    ours, unparsed_by_us = simplelint_values(files)
    tally = Tally()
    for path in files:
        if path not in unparsed_by_us:
            compare_file(path, ours, tally)
    report(f"{target} ({root}, {len(files)} files)", tally, unparsed_by_us)
    return tally


def main(targets: Optional[list[str]] = None) -> int:
    tallies = [run(target) for target in targets or ["django", str(REPO / "simplelint")]]
    return int(any(t.different or t.only_mccabe or "unexplained" in t.only_ours for t in tallies))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
