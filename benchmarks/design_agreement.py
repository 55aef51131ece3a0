"""SL104-SL107 against ruff's PLR0915/PLR0913/PLR0911/PLR0912 (and, with --pylint, pylint's R0915/R0913/
R0911/R0912), function by function.

    pip install ruff pylint
    python benchmarks/design_agreement.py [--pylint] [PROJECT_OR_PATH ...]    # default: django

Every tool runs with all four limits at 0, so each function with a value above 0 is reported with its value;
findings are matched by file, `def` line and rule. Prints, per rule, how many functions agree, and for the
others the distribution of (simplelint - other) with an example of each.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PINNED, fetch  # noqa: E402
from mccabe_agreement import python_files  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
OURS = {"SL104": "max-statements", "SL105": "max-args", "SL106": "max-returns", "SL107": "max-branches"}
RUFF = {"PLR0915": "SL104", "PLR0913": "SL105", "PLR0911": "SL106", "PLR0912": "SL107"}
PYLINT = {"too-many-statements": "SL104", "too-many-arguments": "SL105", "too-many-return-statements": "SL106",
          "too-many-branches": "SL107"}
NUMBER = re.compile(r"\((\d+)(?: > |/)\d+\)")
Values = dict[tuple[str, str, int], int]  # (rule, file, line) -> value


def simplelint_values(files: list[str]) -> Values:
    limits = ", ".join(f"{option} = 0" for option in OURS.values())
    command = [sys.executable, "-m", "simplelint", "check", "--isolated", "--no-cache", "--exit-zero",
               "--select", ",".join(OURS), "--config", f"complexity = {{{limits}}}",
               "--output-format", "json-lines", *files]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO).stdout
    found = {}
    for line in output.splitlines():
        item = json.loads(line)
        if item["code"] not in OURS:
            continue  # a file that does not parse
        path = str(Path(REPO, item["filename"]).resolve())
        found[(item["code"], path, item["location"]["row"])] = int(NUMBER.search(item["message"]).group(1))
    return found


def ruff_values(files: list[str]) -> Values:
    settings = ["max-statements", "max-args", "max-returns", "max-branches"]
    command = ["ruff", "check", "--isolated", "--exit-zero", "--select", ",".join(RUFF), "--output-format", "json"]
    for name in settings:
        command += ["--config", f"lint.pylint.{name} = 0"]
    # `max-positional-args` defaults to `max-args`; keep it out of the way.
    command += ["--config", "lint.pylint.max-positional-args = 1000", *files]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {
        (RUFF[item["code"]], str(Path(item["filename"]).resolve()), item["location"]["row"]):
            int(NUMBER.search(item["message"]).group(1))
        for item in json.loads(output)
        if item["code"] in RUFF
    }


def pylint_values(root: Path, files: list[str]) -> Values:
    command = ["pylint", "--disable=all", "--enable=design", "--max-statements=0", "--max-args=0",
               "--max-returns=0", "--max-branches=0", "--max-positional-arguments=1000", "--score=n",
               "--output-format=json", "--jobs=2", "--exit-zero", *files]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root).stdout
    return {
        (PYLINT[item["symbol"]], str(Path(root, item["path"]).resolve()), item["line"]):
            int(NUMBER.search(item["message"]).group(1))
        for item in json.loads(output)
        if item["symbol"] in PYLINT
    }


# Each switch replaces one of ruff's ways of counting by pylint's (SL104/SL107's), in this order.
RUFF_TO_PYLINT = {
    "SL104": {
        "def": "pylint counts the `def` line itself, ruff does not (+1 for every function)",
        "docstrings": "ruff counts docstrings, pylint (astroid keeps them out of the body) does not",
        "while": "ruff counts `while` itself, pylint counts neither `while` nor `for`",
        "match": "ruff counts each `case` clause, pylint only the `match`",
        "try": "`try`: ruff counts 1 + 1 per clause + 1 more if several `except` + 2 for `finally`; pylint 2 per "
        "`except`, 1 for `else`, 1 for `finally`",
        "nested-def": "ruff counts a nested `def` line in the outer function, pylint only its body",
        "class": "a class in a function: ruff counts its `class` line and not its body, pylint the reverse",
        "else-if": "`else:` holding only an `if`: ruff counts the `else`, pylint reads it as an `elif`",
    },
    "SL107": {"else-if": "`else:` holding only an `if`: ruff counts the `else` branch, pylint reads it as `elif`"},
}


class Counting:
    """ruff's PLR0915/PLR0912 counting on `ast`, with pylint's way switched on per category."""

    def __init__(self, source: str, fixes: frozenset[str]) -> None:
        self.lines = source.splitlines()
        self.fixes = fixes

    def on(self, fix: str) -> bool:
        return fix in self.fixes

    def is_else_if(self, node: ast.If) -> bool:
        """`else:` holding only an `if` (not an `elif`)."""
        first = node.orelse[0] if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) else None
        return first is not None and not self.lines[first.lineno - 1][first.col_offset :].startswith("elif")

    @staticmethod
    def is_docstring(node: ast.stmt) -> bool:
        return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(
            node.value.value, str
        )

    def statements(self, function: ast.AST) -> int:
        return self.on("def") + self.body(function.body, owner=True)

    def body(self, statements: list[ast.stmt], owner: bool = False) -> int:
        skip = owner and self.on("docstrings") and statements and self.is_docstring(statements[0])
        return sum(self.statement(s) for s in statements[1 if skip else 0 :])

    def statement(self, node: ast.stmt) -> int:
        visit = getattr(self, "count_" + type(node).__name__, None)
        return visit(node) if visit else 1

    def count_If(self, node: ast.If) -> int:
        count = 1 + self.body(node.body)
        if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            return count + (not (self.on("else-if") or not self.is_else_if(node))) + self.count_If(node.orelse[0])
        return count + (1 + self.body(node.orelse) if node.orelse else 0)

    def count_For(self, node: ast.AST) -> int:
        return self.body(node.body) + self.body(node.orelse)

    count_AsyncFor = count_For

    def count_While(self, node: ast.While) -> int:
        return (not self.on("while")) + self.body(node.body) + self.body(node.orelse)

    def count_Match(self, node: ast.Match) -> int:
        return 1 + sum((not self.on("match")) + self.body(case.body) for case in node.cases)

    def count_Try(self, node: ast.Try) -> int:
        handlers = len(node.handlers)
        bodies = self.body(node.body) + sum(self.body(h.body) for h in node.handlers)
        bodies += self.body(node.orelse) + self.body(node.finalbody)
        if self.on("try"):
            return bodies + 2 * handlers + bool(node.orelse) + bool(node.finalbody)
        return bodies + 1 + handlers + (handlers > 1) + bool(node.orelse) + 2 * bool(node.finalbody)

    count_TryStar = count_Try

    def count_FunctionDef(self, node: ast.AST) -> int:
        return (not self.on("nested-def")) + self.body(node.body, owner=True)

    count_AsyncFunctionDef = count_FunctionDef

    def count_ClassDef(self, node: ast.ClassDef) -> int:
        return self.body(node.body, owner=True) if self.on("class") else 1

    def count_With(self, node: ast.AST) -> int:
        return 1 + self.body(node.body)

    count_AsyncWith = count_With

    def count_Return(self, node: ast.Return) -> int:
        return 0

    def branches(self, statements: list[ast.stmt]) -> int:
        return sum(self.branch(s) for s in statements)

    def branch(self, node: ast.stmt) -> int:
        if isinstance(node, ast.If):
            orelse = node.orelse
            lone = len(orelse) == 1 and isinstance(orelse[0], ast.If)
            elif_or_else = bool(orelse) and not (lone and (self.on("else-if") or not self.is_else_if(node)))
            return 1 + elif_or_else + self.branches(node.body) + self.branches(orelse)
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            return 1 + bool(node.orelse) + self.branches(node.body) + self.branches(node.orelse)
        if isinstance(node, (ast.Try, ast.TryStar)):
            clauses = len(node.handlers) + bool(node.orelse) + bool(node.finalbody)
            inner = [*node.body, *node.orelse, *node.finalbody, *(s for h in node.handlers for s in h.body)]
            return clauses + self.branches(inner)
        if isinstance(node, ast.Match):
            return len(node.cases) + self.branches([s for case in node.cases for s in case.body])
        if isinstance(node, (ast.With, ast.AsyncWith)):
            return self.branches(node.body)
        return 0

    def value(self, code: str, function: ast.AST) -> int:
        return self.statements(function) if code == "SL104" else self.branches(function.body)


def explain(files: list[str], ours: Values, theirs: Values) -> None:
    """Switch ruff's counting to pylint's category by category; show how many functions each one moves."""
    for code, fixes in RUFF_TO_PYLINT.items():
        steps = list(fixes)
        moved: Counter = Counter()
        exact = [0, 0, 0]
        for path in files:
            source = Path(path).read_text(encoding="utf-8", errors="replace")
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
                key = (code, path, function.lineno)
                scores = [Counting(source, frozenset(steps[:k])).value(code, function) for k in range(len(steps) + 1)]
                exact[0] += 1
                exact[1] += scores[0] == theirs.get(key, 0)
                exact[2] += scores[-1] == ours.get(key, 0)
                for step, before, after in zip(steps, scores, scores[1:]):
                    moved[step] += before != after
        print(f"{code}: ruff's count re-implemented exactly for {exact[1]} of {exact[0]} functions, "
              f"{code}'s for {exact[2]}; functions whose count each switch changes:")
        for step in steps:
            print(f"  {moved[step]:6}  {step}: {fixes[step]}")


def compare(name: str, ours: Values, theirs: Values) -> None:
    print(f"-- SL104-SL107 against {name}")
    for code in OURS:
        keys = {key[1:] for key in [*ours, *theirs] if key[0] == code}
        deltas: Counter = Counter()
        example: dict[int, str] = {}
        for path, line in sorted(keys):
            mine, other = ours.get((code, path, line), 0), theirs.get((code, path, line), 0)
            deltas[mine - other] += 1
            example.setdefault(mine - other, f"{path}:{line} ({mine} vs {other})")
        equal = deltas[0]
        print(f"{code}: functions with a value above 0 for either tool: {len(keys)}, equal: {equal} "
              f"({100 * equal / max(1, len(keys)):.2f}%)")
        for delta, count in sorted(deltas.items()):
            if delta:
                print(f"  {delta:+d}: {count:6}  e.g. {example[delta]}")


def main(arguments: Optional[list[str]] = None) -> int:
    arguments = list(arguments or [])
    with_pylint = "--pylint" in arguments
    targets = [a for a in arguments if a != "--pylint"] or ["django"]
    for target in targets:
        root = fetch(target) if target in PINNED else Path(target)
        files = python_files(root)
        ours = simplelint_values(files)
        print(f"== {target} ({root}, {len(files)} files)")
        ruff = ruff_values(files)
        compare(subprocess.run(["ruff", "--version"], capture_output=True, text=True).stdout.strip(), ours, ruff)
        explain(files, ours, ruff)
        if with_pylint:
            compare("pylint", ours, pylint_values(root, [str(Path(f).relative_to(root)) for f in files]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
