"""SL4xx: no pandas (or another banned module) in production code, imported through the project (SL402; the
direct import, SL401, is in direct.py).

Production files are those matched by the `production` globs of `[tool.simplelint]` or marked with a
`# simplelint: production` comment near their top; nothing is production by default.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation
from simplelint.ruleinfo import FileFacts, Invalid, Option, Project, ProjectRule, Valid
from simplelint.rules.production.graph import ModuleGraph, ResolvedImport, path_to_source, shortest_hops, shortest_path

TABLE = "production-imports"
BANNED = Option(
    ["pandas"],
    "Modules production code must not import, with their submodules: `pandas` bans `pandas.io` but not "
    "`pandas_gbq`. Project modules may be listed too.",
)
ADVICE = {"pandas": "do transforms in SQL or DuckDB, or use Polars or PyArrow"}
NO_PRODUCTION_NOTE = (
    "no checked file is production code, so the SL4 rules found nothing to check; mark files with "
    "`production = [globs]` in [tool.simplelint] or a `# simplelint: production` comment"
)


def banned_root(name: str, banned: Sequence[str]) -> Optional[str]:
    """The entry of `banned` that covers module `name`, by whole dotted components."""
    return next((entry for entry in banned if name == entry or name.startswith(entry + ".")), None)


class Banned:
    """The `banned` option; cheap for the many imports it does not cover, decided on the top-level name."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.entries = list(entries)
        self._tops = {entry.partition(".")[0] for entry in entries}

    def root(self, name: str) -> str:
        return banned_root(name, self.entries) or name

    def brought_in(self, kind: str, names: Sequence[str], base: Optional[str]) -> Optional[str]:
        """The banned module an import of `base` brings in (it, or a submodule a from-import takes), if any."""
        if not base or base.partition(".")[0] not in self._tops:
            return None
        taken = [f"{base}.{n}" for n in names if n != "*"] if kind == "from" else []
        return next((name for name in (base, *taken) if banned_root(name, self.entries)), None)

    def resolved(self, found: ResolvedImport) -> Optional[str]:
        return self.brought_in(found.fact["kind"], found.fact["names"], found.base)


def advice(root: str) -> str:
    return ADVICE.get(root, f"`{root}` is listed in `banned` of [tool.simplelint.{TABLE}]")


def note(files: Sequence[FileFacts]) -> str:
    return "" if any(file.is_production for file in files) else NO_PRODUCTION_NOTE


class PandasInProductionViaImport(ProjectRule):
    """
    ## What it does
    Flags an import, in a production module, of a module of the same project that imports pandas (or
    another module listed in `banned`), directly or through any number of other project modules. The
    finding is at the import statement and names the whole, shortest chain, e.g.
    `imports pandas through shop.utils.reexport -> shop.utils.frames -> pandas`.

    Absolute and relative imports, `from package import submodule`, package `__init__` modules (they run
    when anything inside the package is imported) and `importlib.import_module("...")` / `__import__`
    calls with a literal name (a leading dot resolves as with `package=__package__`) are followed.
    Imports inside functions count: the module imports pandas as soon as that code runs. Imports under
    `if TYPE_CHECKING:` do not: they never run. Cycles between modules are fine. Not followed: computed
    module names, and the production module's own parent packages (they run before any of its imports;
    mark them as production too to check them).

    When a production file is checked, the other files under the `src` roots are read for their imports
    (and cached), so checking one file still sees the whole chain.

    ## Why is this bad?
    A helper that "just converts to a DataFrame" brings pandas into the pipeline as surely as a direct
    import, and is harder to spot; see `pandas-in-production` (SL401) for why pandas does not belong in
    production code.

    ## Example
    ```python
    # shop/utils/frames.py
    import pandas as pd

    # shop/pipelines/daily.py (production)
    from shop.utils.frames import to_frame
    ```

    ## Use instead
    Keep pandas helpers in analysis code, and give production code helpers built on SQL, DuckDB, Polars or
    PyArrow.
    """

    code = "SL402"
    name = "pandas-in-production-via-import"
    summary = "Production code imports a project module that imports pandas"
    options = {"banned": BANNED}
    # A LibCST collector, named: it is imported only when a file is analysed.
    FACTS = ("simplelint.rules.production.facts:ImportCollector",)
    VALID = [
        Valid(
            files={
                "shop/__init__.py": "",
                "shop/frames.py": "import polars\nimport typing\nif typing.TYPE_CHECKING:\n    import pandas\n",
                "shop/job.py": "# simplelint: production\nfrom shop import frames\n",
            },
            path="shop/job.py",
        ),
        Valid(
            files={
                "shop/__init__.py": "",
                "shop/a.py": "from shop import b\n",
                "shop/b.py": "from shop import a\n",
                "shop/job.py": "# simplelint: production\nimport shop.a\n",
            },
            path="shop/job.py",
        ),
        Valid(
            files={  # the only way back to pandas is through job.py's own (SL401) import
                "shop/__init__.py": "",
                "shop/hooks.py": "from shop import job\n",
                "shop/job.py": "# simplelint: production\nimport pandas\nfrom shop import hooks\n",
            },
            path="shop/job.py",
        ),
    ]
    INVALID = [
        Invalid(
            files={
                "shop/__init__.py": "",
                "shop/utils/__init__.py": "",
                "shop/utils/frames.py": "import pandas as pd\n",
                "shop/utils/reexport.py": "from .frames import pd\n",
                "shop/job.py": "# simplelint: production\nfrom shop.utils import reexport\n",
            },
            path="shop/job.py",
            count=1,
            message="Production code imports pandas through shop.utils.reexport -> shop.utils.frames -> pandas",
        ),
        Invalid(
            files={
                "shop/__init__.py": "",
                "shop/a.py": "from shop import b\ndef load() -> None:\n    import pandas\n",
                "shop/b.py": "from shop import a\n",
                "shop/job.py": "# simplelint: production\nimport importlib\nimportlib.import_module('shop.b')\n",
            },
            path="shop/job.py",
            count=1,
            message="through shop.b -> shop.a -> pandas",
        ),
    ]

    @classmethod
    def run_note(cls, files: Sequence[FileFacts]) -> str:
        return note(files)

    @classmethod
    def fact_paths(cls, settings: Settings, files: list[str]) -> list[str]:
        """All files under the `src` roots, but only when a production file is checked."""
        production = [path for path in files if settings.is_production(path) or _has_marker(path)]
        if not production:
            return []
        from simplelint.run.discovery import discover

        roots = {str(root) for root in settings.src if root.is_dir()} | set(_script_folders(production))
        return discover(sorted(roots), settings)

    @classmethod
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        banned = Banned(config["banned"])
        graph = ModuleGraph(project, scripts=_script_folders(f.path for f in project.files if f.is_production))
        chains = _Chains(graph, banned)
        found: list[Violation] = []
        for file in project.files:
            if file.is_production and not file.path.endswith(".pyi"):
                found.extend(cls._findings(graph.imports(file), file, chains, banned))
        return found

    @classmethod
    def _findings(
        cls, imports: list[ResolvedImport], file: FileFacts, chains: _Chains, banned: Banned
    ) -> list[Violation]:
        """One finding per import statement that leads to a banned module: the shortest of its chains."""
        best: dict[tuple[int, ...], list[str]] = {}
        for found in imports:
            if banned.resolved(found):
                continue  # a direct import: SL401's finding
            at = tuple(found.fact["at"] or (1, 1, 1, 1))
            for target in found.targets:
                chain = chains.chain(target, file.module_name)
                shortest = best.get(at)
                if chain and (shortest is None or len(chain) < len(shortest)):
                    best[at] = chain
        return [cls._violation(file.path, at, chain, banned) for at, chain in best.items()]

    @classmethod
    def _violation(cls, path: str, at: tuple[int, ...], chain: list[str], banned: Banned) -> Violation:
        root = banned.root(chain[-1])
        message = f"Production code imports {root} through {' -> '.join(chain)}: {advice(root)}"
        line, column, end_line, end_column = at
        # Identity (baseline, fingerprints): the project module imported, whatever the statement's wording.
        return Violation(cls.code, cls.name, message, path, line, column, end_line, end_column, snippet=chain[0])


class _Chains:
    """The import graph, where an import of a banned module is an edge to that module as written (the end of
    a chain) rather than to the project packages it runs, and the shortest way from each module to one."""

    def __init__(self, graph: ModuleGraph, banned: Banned) -> None:
        self.edges: dict[str, list[str]] = {}
        self.sources: set[str] = set()
        for module, file in graph.modules.items():
            targets: list[str] = []
            for found in graph.imports(file):
                hit = banned.resolved(found)
                if hit:
                    self.sources.add(hit)
                targets.extend([hit] if hit else found.targets)
            self.edges[module] = list(dict.fromkeys(targets))
        self.hops = shortest_hops(self.edges, sorted(self.sources))

    def chain(self, start: str, importer: Optional[str]) -> Optional[list[str]]:
        """The shortest chain from `start` to a banned module that does not come back through `importer`.

        A way back through the importer is its own (reported) import of pandas, not this statement's.
        """
        if start not in self.hops:
            return None
        chain = path_to_source(self.hops, start)
        if importer in chain:
            return shortest_path(self.edges, start, self.sources, avoid={importer})
        return chain


def _script_folders(production: Iterable[str]) -> set[str]:
    """Production files run as scripts: Python puts their folders first on `sys.path`."""
    return {os.path.dirname(os.path.abspath(path)) for path in production}


def _has_marker(path: str) -> bool:
    from simplelint.engine.result import MARKER_WINDOW, has_production_marker, read_source

    try:
        return has_production_marker(read_source(path, MARKER_WINDOW))
    except OSError:
        return False


RULES = [PandasInProductionViaImport]
