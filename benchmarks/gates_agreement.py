"""Cross-check two of the gates' numbers with tools that share no code with simplelint.

- type coverage: CPython's `ast`, counting each parameter (but the first of a method that is not a
  `@staticmethod`) and each return, annotated or not;
- average complexity: mccabe's `PathGraphingAstVisitor` (a closure folded into its function, as flake8's C901
  reports it, and as SL101 measures), and radon's `cc_visit` for reference (it also counts boolean operators
  and measures closures on their own, so its mean is expected to differ).

Usage: python benchmarks/gates_agreement.py PATH...   (the files simplelint's gates measure: .py files outside
the test suite's default patterns). Prints one line per measure.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

SKIP_DIRS = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".tox", "node_modules", "tests"}
TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")


def files(paths: list[str]) -> Iterator[Path]:
    for top in paths:
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
            for name in sorted(names):
                if name.endswith(".py") and not any(fnmatch.fnmatch(name, p) for p in TEST_FILES):
                    yield Path(folder) / name


def annotations(tree: ast.Module) -> tuple[int, int]:
    """(annotated, annotatable) parameters and returns."""
    typed = slots = 0

    def visit(node: ast.AST, in_class: bool) -> None:
        nonlocal typed, slots
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = child.args
                positional = [*args.posonlyargs, *args.args]
                static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in child.decorator_list)
                if in_class and not static:
                    positional = positional[1:]
                every = [*positional, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a is not None)]
                typed += sum(a.annotation is not None for a in every) + (child.returns is not None)
                slots += len(every) + 1
                visit(child, False)
            else:  # a class body, or a statement inside one (`if TYPE_CHECKING:` in a class), holds methods
                visit(child, isinstance(child, ast.ClassDef) or in_class)

    visit(tree, False)
    return typed, slots


def radon_complexities(source: str) -> list[int]:
    from radon.complexity import cc_visit
    from radon.visitors import Class, Function

    found: list[int] = []

    def walk(blocks: list[object]) -> None:
        for block in blocks:
            if isinstance(block, Function):
                found.append(block.complexity)
                walk(block.closures)
            elif isinstance(block, Class):
                walk(block.methods)
                walk(block.inner_classes)

    walk([b for b in cc_visit(source) if isinstance(b, Class) or not getattr(b, "is_method", False)])
    return found


class _EveryGraph(dict):  # type: ignore[type-arg]
    """mccabe keys its graphs by name: a property's setter, an `@overload` or a redefinition would replace the
    function of the same name. Each is kept here under its own key."""

    def __setitem__(self, key: object, value: object) -> None:
        super().__setitem__((key, len(self)), value)


def mccabe_complexities(tree: ast.Module) -> list[int]:
    from mccabe import PathGraphingAstVisitor

    visitor = PathGraphingAstVisitor()
    visitor.graphs = _EveryGraph()
    visitor.preorder(tree, visitor)
    # mccabe also graphs module-level statements ("If 12", "Loop 30"): only functions and methods count here.
    statement = re.compile(r"(If|Loop|TryExcept|With) \d+$")
    return [graph.complexity() for graph in visitor.graphs.values() if not statement.match(graph.entity)]


def main(paths: list[str]) -> None:
    typed = slots = 0
    radon: list[int] = []
    mccabe: list[int] = []
    count = 0
    for path in files(paths):
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        count += 1
        t, s = annotations(tree)
        typed, slots = typed + t, slots + s
        radon += radon_complexities(source)
        mccabe += mccabe_complexities(tree)
    print(f"files: {count}")
    print(f"type coverage (ast): {typed} of {slots} = {100 * typed / slots:.1f}%")
    print(f"average complexity (radon cc, functions+methods+closures): {sum(radon)} / {len(radon)} = "
          f"{sum(radon) / len(radon):.2f}")
    print(f"average complexity (mccabe graphs, closures folded in): {sum(mccabe)} / {len(mccabe)} = "
          f"{sum(mccabe) / len(mccabe):.2f}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["."])
