"""The package's modules import each other one way only: no import cycle, not even through a function's
lazy import (a cycle makes import order matter and hides which module is the lower layer).

Imports under `if TYPE_CHECKING:` do not count (they never run), nor do modules loaded by name with
`importlib` (rule modules, reporters, collectors: plugins' entry points, chosen at run time).
"""

from __future__ import annotations

import ast
from pathlib import Path

import simplelint

PACKAGE = Path(simplelint.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """Nodes under `if TYPE_CHECKING:`: never imported at run time."""
    blocks = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]
    return {node for block in blocks for statement in block.body for node in ast.walk(statement)}


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules this file imports at run time, wherever the import statement is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and node not in skipped:
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node not in skipped:
            found.update(_imported_from(node, package, modules))
    return {name for name in found if name in modules}


def _imported_from(node: ast.ImportFrom, package: str, modules: set[str]) -> list[str]:
    base = node.module or ""
    if node.level:  # relative to the importing module's package
        parts = package.split(".")
        base = ".".join([*parts[: len(parts) - node.level + 1], *([base] if base else [])])
    # `from simplelint import registry` imports the module `simplelint.registry`.
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(path) for path in paths}
    return {_module_name(path): _imports(path, modules) - {_module_name(path)} for path in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle (its modules, the first one repeated at the end), or [] when there is none."""
    done: set[str] = set()
    for start in sorted(graph):
        path: list[str] = []
        stack = [(start, iter(sorted(graph[start])))]
        on_path = {start}
        path.append(start)
        while stack:
            module, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                stack.pop()
                on_path.discard(path.pop())
                done.add(module)
            elif following in on_path:
                return path[path.index(following) :] + [following]
            elif following not in done:
                stack.append((following, iter(sorted(graph[following]))))
                on_path.add(following)
                path.append(following)
    return []


def test_the_package_has_no_import_cycle() -> None:
    graph = _graph()
    assert "simplelint.fix.fixer" in graph["simplelint.cli"]  # imports inside functions count
    assert _cycle(graph) == [], "import cycle: " + " -> ".join(_cycle(graph))


def test_a_cycle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
