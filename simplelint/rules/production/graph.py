"""The project-wide module graph, joined from every file's `imports` facts without parsing anything again.

- `runs_modules` (with `naming.resolve_relative`): which absolute modules an import statement executes.
- `ModuleGraph`: the project's modules by dotted name and the import edges between them, and
  `shortest_hops` (breadth-first, cycle-safe).

An `imports` fact (collected by `simplelint.rules.production.facts.ImportCollector`) is `{"kind": "import" | "from" |
"dynamic", "module": "a.b", "level": 0, "names": [...], "at": [line, column, end_line, end_column] or None}`:
`module` as written without its leading dots, `level` the number of those dots, `names` the names of a
from-import (`"*"` for a star import), `at` the statement's range (recorded in production files only).
No LibCST here: a run whose facts all come from the cache joins them without loading it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import NamedTuple, Optional, TypedDict

from simplelint.ruleinfo import FileFacts, Project
from simplelint.rules.naming import resolve_relative

IMPORTS = "imports"  # the collector's name, in each file's facts


class ImportFact(TypedDict):
    """An `Import` as the `imports` collector's facts hold it (JSON, cached with the file)."""

    kind: str
    module: str
    level: int
    names: list[str]
    at: Optional[list[int]]  # (line, column, end_line, end_column) when the collector wanted positions


class Import(NamedTuple):
    """One imported module, as written (a named tuple: the join builds many)."""

    kind: str  # "import", "from" or "dynamic"
    module: str  # without leading dots; "" for `from . import x`
    level: int = 0  # leading dots of a relative import
    names: tuple[str, ...] = ()  # what a from-import takes from the module; "*" for a star import

    def as_fact(self, at: Optional[Sequence[int]]) -> ImportFact:
        names = list(self.names)
        where = list(at) if at else None
        return {"kind": self.kind, "module": self.module, "level": self.level, "names": names, "at": where}

    @classmethod
    def from_fact(cls, fact: ImportFact) -> Import:
        return cls(fact["kind"], fact["module"], fact["level"], tuple(fact["names"]))


def is_package(path: str) -> bool:
    """Whether the file is a package's `__init__`: its relative imports start from the package itself."""
    return os.path.basename(path) in ("__init__.py", "__init__.pyi")




def parents_and_self(name: str) -> list[str]:
    """`a.b.c` -> `a`, `a.b`, `a.b.c`: importing a module runs each of its packages' `__init__` first."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def runs_modules(found: Import, base: str) -> list[str]:
    """Every module an import of absolute module `base` may execute, outermost first.

    `from pkg import name` runs `pkg` and, when `name` is a submodule, `pkg.name`: both are listed, and
    the caller keeps those that exist.
    """
    names = [f"{base}.{n}" for n in found.names if n != "*"] if found.kind == "from" else []
    return parents_and_self(base) + names


class ResolvedImport(NamedTuple):
    """One import fact of a file, resolved: `base` is the absolute module (None when unresolvable) and
    `targets` the project modules it runs, outermost first, leaving out the importer's own packages
    (they ran before the importer did)."""

    fact: ImportFact
    base: Optional[str]
    targets: tuple[str, ...]


class ModuleGraph:
    """The project's modules by dotted name, and each file's imports resolved against them.

    Built once from `Project` facts (collector `imports`); stubs (`.pyi`) are left out since they never run,
    and when two files claim one module name the first by path wins.

    `scripts` are folders Python puts first on `sys.path` (those of scripts it runs, as production files
    are): a top-level import in a file below one resolves to the folder's own module when there is one, and
    a file there outside every `src` root is named from the folder (`jobs/helpers.py` is `helpers`).
    """

    def __init__(self, project: Project, collector: str = IMPORTS, scripts: Iterable[str] = ()) -> None:
        self.modules: dict[str, FileFacts] = {}
        # Deepest first: a file belongs to the innermost script folder holding it.
        self._scripts = sorted({os.path.join(os.path.abspath(s), "") for s in scripts}, key=len, reverse=True)
        self._names: dict[str, Optional[str]] = {}  # file path -> module name in the graph
        for file in sorted(project.files, key=lambda f: f.path):
            name = file.module_name or self._script_name(file.path)
            self._names[file.path] = name
            if name and not file.path.endswith(".pyi"):
                self.modules.setdefault(name, file)
        self._tops = {name.partition(".")[0] for name in self.modules}
        self._packages = {part for name in self.modules for part in parents_and_self(name)}
        self._prefixes = {folder: _folder_module(project, folder) for folder in self._scripts}
        self._collector = collector
        self._resolved: dict[str, list[ResolvedImport]] = {}
        # Project modules an import runs, by (module, kind, names...): many files import the same things.
        self._known: dict[tuple[str, ...], list[str]] = {}

    def imports(self, file: FileFacts) -> list[ResolvedImport]:
        """The file's imports in source order, resolved once and remembered."""
        if file.path not in self._resolved:
            package = is_package(file.path)
            facts = file.facts.get(self._collector, [])
            importer = self._names.get(file.path, file.module_name)
            script = self._script_of(file.path)
            prefix = self._prefixes[script] if script else None
            self._resolved[file.path] = [self._resolve(importer, package, fact, prefix) for fact in facts]
        return self._resolved[file.path]

    def _script_of(self, path: str) -> Optional[str]:
        absolute = os.path.abspath(path)
        return next((folder for folder in self._scripts if absolute.startswith(folder)), None)

    def _script_name(self, path: str) -> Optional[str]:
        """The module name of a file outside the `src` roots, from the script folder holding it."""
        folder = self._script_of(path)
        if folder is None:
            return None
        parts = os.path.relpath(os.path.abspath(path), folder).split(os.sep)
        parts[-1] = parts[-1].rsplit(".", 1)[0]
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None

    def _resolve(
        self, importer: Optional[str], package: bool, fact: ImportFact, script_prefix: Optional[str] = None
    ) -> ResolvedImport:
        base = resolve_relative(importer, package, fact["level"], fact["module"])
        if script_prefix and base and fact["level"] == 0:
            sibling = f"{script_prefix}.{base}"
            if _top_of(sibling, script_prefix) in self._packages:
                base = sibling  # the script's folder comes first on sys.path
        if base is None or base.partition(".")[0] not in self._tops:
            return ResolvedImport(fact, base, ())  # unresolvable, or another distribution's module
        key = (base, fact["kind"], *fact["names"])
        known = self._known.get(key)
        if known is None:
            runs = dict.fromkeys(runs_modules(Import.from_fact(fact), base))
            known = self._known[key] = [t for t in runs if t in self.modules]
        return ResolvedImport(fact, base, tuple(t for t in known if not _runs_before(t, importer)))

    def edges(self) -> dict[str, list[str]]:
        """Module -> the project modules it imports, in source order, without repeats."""
        return {
            name: list(dict.fromkeys(t for found in self.imports(file) for t in found.targets))
            for name, file in self.modules.items()
        }


def _folder_module(project: Project, folder: str) -> Optional[str]:
    """The dotted name of a folder under a `src` root (None for a root itself or a folder outside them)."""
    return project.settings.module_name(os.path.join(folder, "__init__.py"))


def _top_of(name: str, prefix: str) -> str:
    """`prefix.a.b` -> `prefix.a`: the module an import of `a.b` finds first in the prefix's folder."""
    return name[: len(prefix) + 1 + len(name[len(prefix) + 1 :].partition(".")[0])]


def _runs_before(module: str, importer: Optional[str]) -> bool:
    """Whether `module` is the importer itself or one of its packages."""
    return importer is not None and (importer == module or importer.startswith(module + "."))


def shortest_hops(edges: Mapping[str, Sequence[str]], sources: Iterable[str]) -> dict[str, tuple[int, str]]:
    """For every node that reaches a source: (hops to the nearest source, the next node on the way).

    Breadth-first over the reversed edges, so each node is visited once and cycles cannot loop. Among
    equally short ways the next node is the first one in the node's own edge order: deterministic.
    Sources map to (0, themselves).
    """
    reverse: dict[str, list[str]] = {}
    for node, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, []).append(node)
    distance = {source: 0 for source in sources}
    queue = deque(distance)
    while queue:
        node = queue.popleft()
        for importer in reverse.get(node, ()):
            if importer not in distance:
                distance[importer] = distance[node] + 1
                queue.append(importer)
    hops = {source: (0, source) for source in distance if distance[source] == 0}
    for node, hop_count in distance.items():
        if hop_count:
            following = next(t for t in edges[node] if distance.get(t) == hop_count - 1)
            hops[node] = (hop_count, following)
    return hops


def path_to_source(hops: Mapping[str, tuple[int, str]], start: str) -> list[str]:
    """The nodes from `start` to its nearest source, both included, following `shortest_hops`."""
    path = [start]
    while hops[path[-1]][0]:
        path.append(hops[path[-1]][1])
    return path


def shortest_path(
    edges: Mapping[str, Sequence[str]], start: str, sources: Set[str], avoid: Set[str] = frozenset()
) -> Optional[list[str]]:
    """The nodes from `start` to the nearest source, never through `avoid`; None when there is no way.

    Breadth-first from `start` (for one question; `shortest_hops` answers for all nodes at once), trying
    each node's edges in order: deterministic, and cycles cannot loop.
    """
    came_from = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node in sources:
            path = [node]
            while path[-1] != start:
                path.append(came_from[path[-1]])
            return path[::-1]
        for following in edges.get(node, ()):
            if following not in came_from and following not in avoid:
                came_from[following] = node
                queue.append(following)
    return None
