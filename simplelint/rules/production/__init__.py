"""SL4xx: no pandas (or another banned module) in production code, imported through the project (SL402; the
direct import, SL401, is in direct.py; the banned APIs, SL404, in api.py; dependencies, SL403, in deps.py).

Production files are those matched by the `production` globs of `[tool.simplelint]` or marked with a
`# simplelint: production` comment near their top; nothing is production by default. Contracts
(contracts.py) check other files against other lists.

The helpers here (`checked_files`, `module_graph`, `project_paths`, `Chains`) serve SL403 too.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Optional
from collections.abc import Iterable, Mapping, Sequence

from simplelint.rules.production.graph import ModuleGraph, ResolvedImport, path_to_source, shortest_hops, shortest_path
from simplelint.rules.production.contracts import (
    NO_PRODUCTION_NOTE,
    OPTIONS,
    TABLE,
    Banned,
    Contract,
    banned_root,
    contracts,
    note,
)
from simplelint.engine.result import file_has_production_marker
from simplelint.ruleinfo import FileFacts, Invalid, Project, ProjectRule, Valid
from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation

__all__ = [
    "NO_PRODUCTION_NOTE", "TABLE", "Chains", "PandasInProductionViaImport", "ProjectImportRule", "banned_root",
    "checked_files",
]  # fmt: skip


class ProjectImportRule(ProjectRule):
    """What SL402 and SL403 share: the note when nothing is production code, and the files read for facts."""

    @classmethod
    def run_note(cls, files: Sequence[FileFacts]) -> str:
        return note(files)

    @classmethod
    def fact_paths(cls, settings: Settings, files: list[str]) -> list[str]:
        return project_paths(settings, files)


class PandasInProductionViaImport(ProjectImportRule):
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
    options = OPTIONS
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
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        graph = module_graph(project)
        found: list[Violation] = []
        for contract in contracts(config):
            checked = checked_files(project, contract)
            if checked:
                chains = Chains(graph, contract.banned)
                found.extend(v for file in checked for v in cls._findings(graph.imports(file), file, chains, contract))
        return found

    @classmethod
    def _findings(
        cls, imports: list[ResolvedImport], file: FileFacts, chains: Chains, contract: Contract
    ) -> list[Violation]:
        """One finding per import statement that leads to a banned module: the shortest of its chains."""
        best: dict[tuple[int, ...], list[str]] = {}
        for found in imports:
            if contract.banned.resolved(found) or contract.banned.allowed(found.base or ""):
                continue  # a direct import (SL401's finding), or one `allow` exempts
            at = tuple(found.fact["at"] or (1, 1, 1, 1))
            for target in found.targets:
                chain = chains.chain(target, file.module_name)
                shortest = best.get(at)
                if chain and (shortest is None or len(chain) < len(shortest)):
                    best[at] = chain
        return [cls._violation(file.path, at, chain, contract) for at, chain in best.items()]

    @classmethod
    def _violation(cls, path: str, at: tuple[int, ...], chain: list[str], contract: Contract) -> Violation:
        root = contract.banned.root(chain[-1])
        message = f"{contract.subject} imports {root} through {' -> '.join(chain)}: {contract.advice(root)}"
        # Identity (baseline, fingerprints): the project module imported, whatever the statement's wording.
        return finding(cls, path, at, message, contract.identity(chain[0]))


def finding(rule: type[ProjectRule], path: str, at: Sequence[int], message: str, snippet: str) -> Violation:
    """A project rule's finding at an import statement; `snippet` is its identity (baseline, fingerprints)."""
    line, column, end_line, end_column = at
    return Violation(rule.code, rule.name, message, path, line, column, end_line, end_column, snippet=snippet)


def checked_files(project: Project, contract: Contract) -> list[FileFacts]:
    """The files of the run under the contract, stubs left out (they never run)."""
    settings = project.settings
    return [
        file
        for file in project.files
        if not file.path.endswith(".pyi") and contract.applies_to(settings, file.path, file.is_production)
    ]


def module_graph(project: Project) -> ModuleGraph:
    """The project's module graph; files under a contract are run as scripts, so their folders come first."""
    every = contracts(project.settings.options.get(TABLE, {}))
    under = [
        f.path for f in project.files if any(c.applies_to(project.settings, f.path, f.is_production) for c in every)
    ]
    return ModuleGraph(project, scripts=_script_folders(under))


def project_paths(settings: Settings, files: list[str]) -> list[str]:
    """All files under the `src` roots, but only when a file under a contract (production code) is checked."""
    every = contracts(settings.options.get(TABLE, {}))
    named = [contract for contract in every if contract.name]
    under = [
        path
        for path in files
        if settings.is_production(path)
        or any(settings.matches(c.modules, path) for c in named)
        or file_has_production_marker(path)
    ]
    if not under:
        return []
    from simplelint.run.discovery import discover

    roots = {str(root) for root in settings.src if root.is_dir()} | set(_script_folders(under))
    return discover(sorted(roots), settings)


Hit = Callable[[ResolvedImport], Optional[str]]


class Chains:
    """The import graph, where an import of a banned module is an edge to that module as written (the end of
    a chain) rather than to the project packages it runs, and the shortest way from each module to one.

    `hit(found)` names what an import statement brings in that ends a chain (a banned module for SL402);
    modules `allow` exempts are no step of a chain.
    """

    def __init__(self, graph: ModuleGraph, banned: Banned, hit: Optional[Hit] = None) -> None:
        hit = hit or banned.resolved
        self.edges: dict[str, list[str]] = {}
        self.sources: set[str] = set()
        for module, file in graph.modules.items():
            targets: list[str] = []
            for found in graph.imports(file):
                end = hit(found)
                if end:
                    self.sources.add(end)
                    targets.append(end)
                elif not banned.allowed(found.base or ""):
                    targets.extend(t for t in found.targets if not banned.allowed(t))
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




RULES = [PandasInProductionViaImport]
