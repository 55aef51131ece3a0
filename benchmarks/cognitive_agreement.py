"""SL102 against the `cognitive-complexity` package (what flake8-cognitive-complexity runs), with every
difference put in a category.

    pip install cognitive-complexity
    python benchmarks/cognitive_agreement.py            # django (fetched by corpus.py)
    python benchmarks/cognitive_agreement.py flask path/to/src

SL102 runs through the real CLI with `max-cognitive-complexity = -1`, so every outermost function is
reported with its score; the package's `get_cognitive_complexity` runs on the same functions (nested functions
are part of their outermost one in both).

To explain the differences, `Scorer` below re-implements the package on `ast` with each of its departures
from SL102's rules behind a switch (`FIXES`). With no switch on it must give the package's score for every
function, with all of them on SL102's score; switching them on one by one, in order, shows how many functions
each category accounts for (the functions whose score that switch changes).
"""

from __future__ import annotations

import ast
import bisect
import io
import json
import re
import subprocess
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from cognitive_complexity.api import get_cognitive_complexity

sys.path.insert(0, str(Path(__file__).parent))
from corpus import PINNED, fetch  # noqa: E402
from mccabe_agreement import outermost_functions, python_files  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
VALUE = re.compile(r"\((-?\d+) > -?\d+\)")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Each switch replaces one behaviour of the package by SL102's, in the order they are applied.
FIXES = {
    "wrapper": "decorators: the package measures only the inner function of a `def` whose body is exactly "
    "[def, return] (any return, not async); SL102 (as SonarQube) keeps the outer one and only does not nest "
    "the inner one, when the other statements are all `return name`",
    "elif": "`if`/`elif` chains: the package adds no nesting to the bodies of an `if` that has an `elif`, "
    "charges `max(1, nesting)` for that `if` and nesting for `elif`/`else`; SL102: `if` +1+nesting, `elif` "
    "and `else` +1, every body one level deeper",
    "else-if": "`else:` holding only an `if`: the package (on `ast`) reads it as `elif`; SL102 counts the "
    "`else` (+1) and the nested `if` (+1+nesting)",
    "conditions": "headers: the package reads the condition of an `if`/`while`, the target and iterable of a "
    "`for` and the type of an `except` one level deeper than the statement; SL102 at the statement's level",
    "boolean-operands": "the package does not look inside a boolean expression, so conditional expressions, "
    "lambdas and nested functions within `a and ...` are not counted",
    "boolean-sequences": "the package counts `and`/`or` nodes of the `ast`; SL102 counts runs of like "
    "operators as written (`a or b and c or d` is 3 runs, 2 nodes; parentheses end a run)",
    "try-else": "the `else` of a `try`: not counted by the package; SL102 +1 and nests its body",
    "async-for": "`async for`: ignored by the package; SL102 counts it as `for`",
    "match": "`match`: ignored by the package; SL102 +1+nesting, `case` bodies one level deeper",
    "recursion": "recursion: the package adds 1 when the outermost function's name is called anywhere in it "
    "(also from a method, where the bare name is another function); SL102 adds 1 for each function calling "
    "itself, by name, or as `self.name()`/`cls.name()` in a method",
    "signature": "the measured function's own decorators, default values and annotations: not read by the "
    "package, read by SL102 (a `lambda` or conditional expression there counts)",
}


def returns_name(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Return) and isinstance(statement.value, ast.Name)


class Source:
    """A file's lines and significant tokens, to find the brackets around an `ast` node."""

    SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        try:
            readline = io.StringIO(text).readline
            self.tokens = [t for t in tokenize.generate_tokens(readline) if t.type not in self.SKIPPED]
        except (tokenize.TokenError, SyntaxError):
            self.tokens = []
        self.starts = [token.start for token in self.tokens]

    def position(self, line: int, byte_column: int) -> tuple[int, int]:
        """`ast` columns count UTF-8 bytes, `tokenize` columns characters."""
        return line, len(self.lines[line - 1].encode()[:byte_column].decode(errors="replace"))

    def parenthesised(self, node: ast.AST) -> bool:
        before = bisect.bisect_left(self.starts, self.position(node.lineno, node.col_offset)) - 1
        after = bisect.bisect_left(self.starts, self.position(node.end_lineno, node.end_col_offset))
        return (
            before >= 0 and self.tokens[before].string == "("
            and after < len(self.tokens) and self.tokens[after].string == ")"
        )


class Scorer:
    """The package's algorithm on `ast`, with SL102's behaviour switched on per category."""

    def __init__(self, source: Source, fixes: frozenset[str]) -> None:
        self.source = source
        self.fixes = fixes
        self.parents: list[Optional[ast.AST]] = []  # enclosing functions (None for a class body)

    def on(self, fix: str) -> bool:
        return fix in self.fixes

    # -- the measured function
    def root(self, function: ast.AST, in_class: bool) -> int:
        if not self.on("wrapper") and self.package_decorator(function):
            return self.root(function.body[0], False)
        self.parents = [None] if in_class else []
        total = self.recursion(function, in_class)
        self.parents.append(function)
        if self.on("signature"):
            total += self.nodes(self.signature(function), 0)
        return total + self.nodes(function.body, 0)

    @staticmethod
    def package_decorator(function: ast.AST) -> bool:
        body = function.body
        return (
            isinstance(function, ast.FunctionDef)
            and len(body) == 2
            and isinstance(body[0], ast.FunctionDef)
            and isinstance(body[1], ast.Return)
        )

    @staticmethod
    def signature(function: ast.AST) -> list[ast.AST]:
        args = function.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        annotations = [a.annotation for a in every if a is not None and a.annotation is not None]
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        return [*function.decorator_list, *defaults, *annotations, *filter(None, [function.returns])]

    def recursion(self, function: ast.AST, in_class: bool) -> int:
        if not self.on("recursion"):
            calls = (n for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))
            return int(any(call.func.id == function.name for call in calls))
        return self.calls_itself(function, in_class) + sum(
            self.calls_itself(inner, isinstance(parent, ast.ClassDef))
            for parent in ast.walk(function)
            for inner in ast.iter_child_nodes(parent)
            if isinstance(inner, FUNCTIONS)
        )

    @staticmethod
    def calls_itself(function: ast.AST, method: bool) -> bool:
        for call in ast.walk(function):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            if isinstance(func, ast.Name) and not method and func.id == function.name:
                return True
            if (
                method
                and isinstance(func, ast.Attribute)
                and func.attr == function.name
                and isinstance(func.value, ast.Name)
                and func.value.id in ("self", "cls")
            ):
                return True
        return False

    # -- walking
    def nodes(self, nodes: list[ast.AST], nesting: int) -> int:
        return sum(self.node(node, nesting) for node in nodes)

    def node(self, node: ast.AST, nesting: int) -> int:
        visit = getattr(self, "visit_" + type(node).__name__, None)
        return visit(node, nesting) if visit else self.children(node, nesting)

    def children(self, node: ast.AST, nesting: int) -> int:
        return self.nodes(list(ast.iter_child_nodes(node)), nesting)

    def header(self, nesting: int) -> int:
        """Nesting at which a statement's condition, target or iterable is read."""
        return nesting if self.on("conditions") else nesting + 1

    def visit_If(self, node: ast.If, nesting: int, is_elif: bool = False) -> int:
        if not self.on("elif"):
            if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
                return max(1, nesting) + self.children(node, nesting)
            deeper = nesting + 1
            score = deeper + bool(node.orelse) + self.node(node.test, self.header(nesting))
            return score + self.nodes(node.body, deeper) + self.nodes(node.orelse, deeper)
        score = (1 if is_elif else 1 + nesting) + self.node(node.test, self.header(nesting))
        score += self.nodes(node.body, nesting + 1)
        if self.is_elif(node.orelse):
            return score + self.visit_If(node.orelse[0], nesting, is_elif=True)
        return score + (1 + self.nodes(node.orelse, nesting + 1) if node.orelse else 0)

    def is_elif(self, orelse: list[ast.stmt]) -> bool:
        if not (len(orelse) == 1 and isinstance(orelse[0], ast.If)):
            return False
        first = orelse[0]
        return not self.on("else-if") or self.source.lines[first.lineno - 1][first.col_offset :].startswith("elif")

    def loop(self, node: ast.AST, nesting: int) -> int:
        headers = [node.test] if isinstance(node, ast.While) else [node.target, node.iter]
        score = 1 + nesting + bool(node.orelse) + self.nodes(headers, self.header(nesting))
        return score + self.nodes(node.body, nesting + 1) + self.nodes(node.orelse, nesting + 1)

    def visit_For(self, node: ast.For, nesting: int) -> int:
        return self.loop(node, nesting)

    def visit_While(self, node: ast.While, nesting: int) -> int:
        return self.loop(node, nesting)

    def visit_AsyncFor(self, node: ast.AsyncFor, nesting: int) -> int:
        return self.loop(node, nesting) if self.on("async-for") else self.children(node, nesting)

    def visit_ExceptHandler(self, node: ast.ExceptHandler, nesting: int) -> int:
        score = 1 + nesting + self.nodes(list(filter(None, [node.type])), self.header(nesting))
        return score + self.nodes(node.body, nesting + 1)

    def visit_Try(self, node: ast.Try, nesting: int) -> int:
        if not (self.on("try-else") and node.orelse):
            return self.children(node, nesting)
        score = self.nodes([*node.body, *node.handlers, *node.finalbody], nesting)
        return score + 1 + self.nodes(node.orelse, nesting + 1)

    visit_TryStar = visit_Try

    def visit_Match(self, node: ast.Match, nesting: int) -> int:
        if not self.on("match"):
            return self.children(node, nesting)
        score = 1 + nesting + self.node(node.subject, nesting)
        for case in node.cases:
            score += self.nodes([case.pattern, *filter(None, [case.guard])], nesting)
            score += self.nodes(case.body, nesting + 1)
        return score

    def visit_IfExp(self, node: ast.IfExp, nesting: int) -> int:
        return 1 + nesting + self.children(node, nesting + 1)

    def visit_Lambda(self, node: ast.Lambda, nesting: int) -> int:
        return self.children(node, nesting + 1)

    def visit_FunctionDef(self, node: ast.AST, nesting: int) -> int:
        parent = self.parents[-1] if self.parents else None
        wrapper = self.on("wrapper") and parent is not None and self.sonar_wrapper(parent, node)
        self.parents.append(node)
        score = self.children(node, nesting + (not wrapper))
        self.parents.pop()
        return score

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef, nesting: int) -> int:
        self.parents.append(None)
        score = self.children(node, nesting)
        self.parents.pop()
        return score

    @staticmethod
    def sonar_wrapper(outer: ast.AST, inner: ast.AST) -> bool:
        return all(statement is inner or returns_name(statement) for statement in outer.body)

    def visit_BoolOp(self, node: ast.BoolOp, nesting: int) -> int:
        if not self.on("boolean-operands"):
            return sum(isinstance(n, ast.BoolOp) for n in ast.walk(node))
        operators, operands = self.sequence(node)
        if self.on("boolean-sequences"):
            runs = sum(i == 0 or op is not operators[i - 1] for i, op in enumerate(operators))
        else:
            runs = self.bool_nodes(node)
        return runs + self.nodes(operands, nesting)

    def bool_nodes(self, node: ast.BoolOp) -> int:
        """BoolOp nodes reachable through operands only (the others are counted where they are reached)."""
        return 1 + sum(self.bool_nodes(v) for v in node.values if isinstance(v, ast.BoolOp))

    def sequence(self, node: ast.BoolOp) -> tuple[list[type], list[ast.AST]]:
        """Operators in source order through unparenthesised BoolOp operands, and the other operands.

        Parenthesised BoolOp operands start their own run (counted when visited): with `boolean-sequences`
        off, all BoolOp operands are inside the run, as the package's node count sees them.
        """
        operators: list[type] = []
        operands: list[ast.AST] = []
        for index, value in enumerate(node.values):
            if index:
                operators.append(type(node.op))
            inside = isinstance(value, ast.BoolOp) and not (
                self.on("boolean-sequences") and self.source.parenthesised(value)
            )
            if inside:
                inner_operators, inner_operands = self.sequence(value)
                operators += inner_operators
                operands += inner_operands
            else:
                operands.append(value)
        return operators, operands


def simplelint_values(files: list[str]) -> dict[tuple[str, int], int]:
    command = [
        sys.executable, "-m", "simplelint", "check", "--isolated", "--no-cache", "--exit-zero",
        "--select", "SL102", "--config", "complexity.max-cognitive-complexity = -1",
        "--output-format", "json-lines", *files,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO).stdout
    values = {}
    for line in output.splitlines():
        finding = json.loads(line)
        if finding["code"] != "SL102":
            continue  # a file that does not parse
        path = str(Path(REPO, finding["filename"]).resolve())
        values[(path, finding["location"]["row"])] = int(VALUE.search(finding["message"]).group(1))
    return values


@dataclass
class Comparison:
    """Totals over a corpus: agreement, re-implementation checks, and what each category accounts for."""

    ours: dict[tuple[str, int], int]
    stats: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    residual: list[str] = field(default_factory=list)

    def file(self, path: str) -> None:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text, path)
        except SyntaxError:
            return
        source = Source(text)
        for function, ancestors in outermost_functions(tree):
            mine = self.ours.get((path, function.lineno))
            if mine is None:
                self.stats["not reported by SL102"] += 1
            else:
                self.function(f"{path}:{function.lineno} {function.name}", source, function, ancestors, mine)

    def function(self, where: str, source: Source, function: ast.AST, ancestors: list, mine: int) -> None:
        steps = list(FIXES)
        in_class = isinstance(ancestors[-1][0], ast.ClassDef)
        package = get_cognitive_complexity(function)
        scores = [Scorer(source, frozenset(steps[:k])).root(function, in_class) for k in range(len(steps) + 1)]
        checks = {"equal": package == mine, "package_exact": scores[0] == package, "ours_exact": scores[-1] == mine}
        self.stats.update(compared=1, **{name: int(ok) for name, ok in checks.items()})
        if scores[-1] != mine or scores[0] != package:
            self.residual.append(f"{where}: package {package}/{scores[0]}, SL102 {mine}/{scores[-1]}")
        if package == mine:
            return
        for step, before, after in zip(steps, scores, scores[1:]):
            if before != after:
                self.changed[step] += 1
                self.examples.setdefault(step, f"{where} ({before} -> {after})")

    def report(self) -> None:
        stats = self.stats
        share = 100 * stats["equal"] / max(1, stats["compared"])
        print(f"outermost functions compared: {stats['compared']}, equal: {stats['equal']} ({share:.2f}%), "
              f"different: {stats['compared'] - stats['equal']}")
        print(f"ast re-implementation exact: package {stats['package_exact']}, SL102 {stats['ours_exact']}")
        for line in self.residual:
            print(f"  not re-implemented: {line}")
        print("differing functions whose score each category changes (switches applied in this order):")
        for step, text in FIXES.items():
            print(f"  {self.changed[step]:6}  {step}: {text}")
            if step in self.examples:
                print(f"          e.g. {self.examples[step]}")


def run(target: str) -> bool:
    root = fetch(target) if target in PINNED else Path(target)
    files = python_files(root)
    comparison = Comparison(simplelint_values(files))
    for path in files:
        comparison.file(path)
    print(f"== {target} ({root}, {len(files)} files)")
    comparison.report()
    return not comparison.residual


def main(targets: Optional[list[str]] = None) -> int:
    return int(not all([run(target) for target in targets or ["django"]]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
