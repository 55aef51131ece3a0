"""SL403: production code imports an installed package whose requirements bring in pandas (or another banned
module). No LibCST here: the rule joins the `imports` facts (the ones SL402 reads) with the environment's
packages, and loads in a warm run to compute its cache stamp."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional
from collections.abc import Mapping, Sequence

from simplelint.rules.production.env_query import normalise
from simplelint.rules.production.graph import ModuleGraph, ResolvedImport
from simplelint.rules.production import Chains, ProjectImportRule, checked_files, finding, module_graph
from simplelint.rules.production.contracts import OPTIONS, PYTHON, TABLE, Contract, contracts
from simplelint.ruleinfo import FileFacts, Invalid, Project, Valid
from simplelint.engine.violation import Violation

if TYPE_CHECKING:
    from simplelint.rules.production.dependencies import Hop, Requirements
    from simplelint.rules.production.environment import Environment


class PandasInProductionViaDependency(ProjectImportRule):
    """
    ## What it does
    Flags an import, in a production module, of a third-party package whose installed metadata requires
    pandas (or another top-level module listed in `banned`), directly or through further requirements; or an
    import of a project module that leads to such a package. The finding names the chain with the versions
    installed, e.g. `imports pandas through vizpkg 1.2 -> requires pandas>=1.5 (2.2.3 installed)`.

    Requirements count when their markers hold for the environment's interpreter (`; python_version < "3.9"`
    does not on 3.12) and an `extra == "..."` requirement only when the chain asked for that extra
    (`vizpkg[frames]`). Import names are mapped to distributions as `importlib.metadata.packages_distributions()`
    does (`import sklearn` is scikit-learn's).

    The environment is the interpreter running simplelint, or the one the `python` option names (e.g.
    `.venv/bin/python`). What it has installed is read once and cached under a key of its state (the names
    and times of its `*.dist-info` folders), so installing or removing a package is seen on the next run.
    A production import of a package that is not installed there is a note under `--verbose`, not a finding.

    ## Why is this bad?
    `import seaborn`, `import statsmodels.api` or `import pandera` loads pandas as surely as `import pandas`
    does, with its import time and memory, and makes pandas a production dependency that nobody chose; see
    `pandas-in-production` (SL401).

    ## Example
    ```python
    # simplelint: production
    import seaborn as sns  # seaborn requires pandas
    ```

    ## Use instead
    Plot in analysis code; in production, use a package whose requirements stay clear of pandas (e.g.
    matplotlib alone), or list the package in `allow` when loading pandas there is accepted.
    """

    code = "SL403"
    name = "pandas-in-production-via-dependency"
    summary = "Production code imports an installed package that requires pandas"
    options = {**OPTIONS, "python": PYTHON}
    FACTS = ("simplelint.rules.production.facts:ImportCollector",)  # the same facts as SL402's: no new parse
    # simplelint itself requires click, in whatever environment runs these examples.
    VALID = [
        Valid(files={"job.py": "# simplelint: production\nimport simplelint\n"}, path="job.py"),
        Valid(
            files={"job.py": "# simplelint: production\nimport simplelint\n"},
            path="job.py",
            options={"banned": ["click"], "allow": ["simplelint"]},
        ),
    ]
    INVALID = [
        Invalid(
            files={"job.py": "# simplelint: production\nimport simplelint.cli\n"},
            path="job.py",
            options={"banned": {"click": "no command lines in the service"}},
            count=1,
            message="Production code imports click through simplelint ",
        ),
    ]

    @classmethod
    def cache_stamp(cls, project: Project, config: Mapping[str, Any]) -> str:
        """The environment's state, when any file of the run is under a contract."""
        if not any(checked_files(project, contract) for contract in contracts(config)):
            return ""
        from simplelint.rules.production import environment

        python = environment.interpreter(config.get("python", ""), project.settings.root)
        return environment.stamp(python, project.settings.cache_dir if project.use_cache else None)

    @classmethod
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        under = [(c, checked_files(project, c)) for c in contracts(config) if c.banned.modules]
        under = [(contract, files) for contract, files in under if files]
        if not under:
            return []
        from simplelint.rules.production import environment

        python = environment.interpreter(config.get("python", ""), project.settings.root)
        try:
            env = environment.load(python, project.settings.cache_dir if project.use_cache else None)
        except environment.EnvironmentUnavailable as error:
            project.warnings.append(f"SL403 skipped: {error}; set `python` in [tool.simplelint.{TABLE}]")
            return []
        graph = module_graph(project)
        found: list[Violation] = []
        for contract, files in under:
            joined = _Join(env, graph, contract)
            for file in files:
                found.extend(cls._findings(file, graph, joined, project.notes))
        return found

    @classmethod
    def _findings(cls, file: FileFacts, graph: ModuleGraph, joined: _Join, notes: list[str]) -> list[Violation]:
        """One finding per import statement that leads to such a package: the shortest of its chains."""
        best: dict[tuple[int, ...], list[str]] = {}
        banned = joined.contract.banned
        for found in graph.imports(file):
            if banned.resolved(found) or banned.allowed(found.base or ""):
                continue  # a direct import of a banned module (SL401's), or one `allow` exempts
            at = tuple(found.fact["at"] or (1, 1, 1, 1))
            for chain in joined.candidates(found, file, at, notes):
                if chain and (at not in best or len(chain) < len(best[at])):
                    best[at] = chain
        return [cls._violation(file.path, at, chain, joined) for at, chain in best.items()]

    @classmethod
    def _violation(cls, path: str, at: tuple[int, ...], chain: list[str], joined: _Join) -> Violation:
        contract = joined.contract
        root, described = joined.described[chain[-1]]
        through = " -> ".join([*chain[:-1], described])
        message = f"{contract.subject} imports {root} through {through}: {contract.advice(root)}"
        return finding(cls, path, at, message, contract.identity(chain[0]))


class _Join:
    """One contract's banned modules against the environment: which third-party imports lead to one (`hit`),
    and the project's import graph ending at those imports (`chains`)."""

    def __init__(self, env: Environment, graph: ModuleGraph, contract: Contract) -> None:
        from simplelint.rules.production.dependencies import Requirements

        self.env = env
        self.contract = contract
        self.requirements: Requirements = Requirements(env, contract.banned.modules, contract.banned.allow)
        self.project_tops = {name.partition(".")[0] for name in graph.modules}
        self.described: dict[str, tuple[str, str]] = {}  # module imported -> (banned entry, the chain's text)
        self._missing: set[str] = set()
        self.chains = Chains(graph, contract.banned, hit=self.hit)

    def candidates(
        self, found: ResolvedImport, file: FileFacts, at: Sequence[int], notes: list[str]
    ) -> list[Optional[list[str]]]:
        """The chains an import statement of a checked file starts: the package it imports, or the project
        modules it runs, each to such a package."""
        direct = self.hit(found)
        if direct:
            return [[direct]]
        self.note_missing(found, file, at, notes)
        return [self.chains.chain(target, file.module_name) for target in found.targets]

    def hit(self, found: ResolvedImport) -> Optional[str]:
        """The third-party module an import names, when its distribution's requirements reach a banned module."""
        base = found.base
        if base is None or found.targets or base.partition(".")[0] in self.project_tops:
            return None
        if base not in self.described:
            described = self._describe(base)
            if described is None:
                return None
            self.described[base] = described
        return base

    def _describe(self, module: str) -> Optional[tuple[str, str]]:
        if self.contract.banned.covers(module) or self.contract.banned.allowed(module):
            return None
        best: Optional[tuple[str, list[Hop]]] = None
        for key in self.env.distributions(module):
            hops = self.requirements.chain(key)
            if hops and (best is None or len(hops) < len(best[1])):
                best = (key, hops)
        if best is None:
            return None
        key, hops = best
        dist = self.env.dist(key) or {"name": key, "version": "?"}
        top = module.partition(".")[0]
        label = f"{dist['name']} {dist['version']}"
        if normalise(top) != key:
            label = f"{top} ({label})"  # `import sklearn` is scikit-learn's
        root = self.requirements.banned_module(hops[-1].key) or hops[-1].key
        return root, " -> ".join([label, *map(str, hops)])

    def note_missing(self, found: ResolvedImport, file: FileFacts, at: Sequence[int], notes: list[str]) -> None:
        """A production import of a package the environment does not have: its requirements are unknown."""
        top = (found.base or "").partition(".")[0]
        if not top or found.targets or top in self.project_tops or top in self._missing or self.env.knows(top):
            return
        self._missing.add(top)
        notes.append(
            f"SL403: `{top}` (imported by {file.path}:{at[0]}) is not installed for {self.env.label}, so its "
            f"requirements were not checked; set `python` in [tool.simplelint.{TABLE}] to the project's interpreter"
        )


RULES = [PandasInProductionViaDependency]
