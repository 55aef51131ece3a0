"""One workspace folder's project: its settings, every file's facts in memory, and the project rules' findings.

The facts are collected once, in the background, by the runner's own machinery (the cache, the watched
process pool), as `simplelint check FOLDER` collects them; after that a saved file replaces its own facts and
the project is joined again from memory: no other file is read or parsed.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Union

from simplelint.config.load import CliOverrides, ConfigError, load_configs
from simplelint.config.nearest import Configs
from simplelint.registry import UnknownSelector
from simplelint.run import runner
from simplelint.run.discovery import PYTHON_SUFFIXES, Said, discover, explicitly_excluded
from simplelint.engine.result import FileResult
from simplelint.ruleinfo import FileFacts
from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation

# Saving one of these re-reads the settings of the folders it may configure.
CONFIG_NAMES = ("pyproject.toml", "simplelint.toml", ".simplelint.toml")


@dataclass
class Joined:
    """What a join found: the project rules' findings by path, and what went wrong or is worth saying."""

    by_path: dict[str, list[Violation]]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Join:
    """The seam for project-wide findings: holds every file's facts and joins them into findings by path.

    `findings()` runs the project stage (`runner.project_findings`) over the facts in memory, apart for the
    files of each config (the projects of a monorepo, as `check` joins them); SL301 keeps its join in
    `memory` (one per config) between calls and redoes only what the files that changed since touch (their
    digests say which).
    """

    def __init__(self, settings: Union[Settings, Configs]) -> None:
        self.configs = Configs.of(settings)
        self.settings = self.configs.primary
        self.files: dict[str, FileFacts] = {}
        self.memories: dict[str, dict[str, Any]] = {}

    def update(self, facts: FileFacts) -> bool:
        """Take a file's new facts; False when they are what the join already holds (nothing to recompute)."""
        if self.files.get(facts.path) == facts:
            return False
        self.files[facts.path] = facts
        return True

    def remove(self, path: str) -> bool:
        return self.files.pop(path, None) is not None

    def findings(self) -> Joined:
        errors: list[str] = []
        warnings: list[str] = []
        groups: dict[int, tuple[Settings, list[FileFacts]]] = {}
        for path in sorted(self.files):  # the order `check` joins them in
            settings = settings_for(self.configs, path)
            groups.setdefault(id(settings), (settings, []))[1].append(self.files[path])
        by_path: dict[str, list[Violation]] = {}
        for settings, files in sorted(groups.values(), key=lambda group: str(group[0].root)):
            memory = self.memories.setdefault(str(settings.root), {})
            for violation in runner.project_findings(files, settings, errors, warnings, memory):
                by_path.setdefault(violation.path, []).append(violation)
        return Joined(by_path, errors, warnings)


def new_join(settings: Union[Settings, Configs]) -> Join:
    return Join(settings)


def settings_for(configs: Configs, path: str) -> Settings:
    """The file's nearest config's settings; the folder's own when that config does not load (the error is
    shown when the folder's project is read)."""
    try:
        return configs.for_path(path)
    except (ConfigError, UnknownSelector):
        return configs.primary


@dataclass
class Folder:
    """A workspace folder (or, for a document outside every folder, that document's own folder)."""

    root: Path
    # The settings of the folder itself; `configs` gives each file its nearest config's (issue 15).
    settings: Settings
    # Whether the whole project is read for project-wide findings (not for a lone file's folder).
    whole_project: bool = True
    join: Optional[Join] = None  # None until the background load is done
    findings: dict[str, list[Violation]] = field(default_factory=dict)
    # Bumped by each load: a load that ends after a newer one started is dropped.
    generation: int = 0
    # Facts of files saved (None: deleted) since the current load started: newer than what it reads.
    recent: dict[str, Optional[FileFacts]] = field(default_factory=dict)
    configs: Optional[Configs] = None

    def __post_init__(self) -> None:
        if self.configs is None:
            self.configs = Configs.one(self.settings)

    def settings_for(self, path: str) -> Settings:
        """A document's settings: its nearest config's, as `simplelint check` gives it."""
        assert self.configs is not None
        return settings_for(self.configs, path)

    def in_project(self, path: str) -> bool:
        """Whether the project stage reads this file: Python, under the root, not excluded."""
        inside = os.path.abspath(path).startswith(os.path.join(os.path.abspath(self.root), ""))
        in_tree = self.whole_project and inside and path.endswith(PYTHON_SUFFIXES)
        return in_tree and not excluded(path, self.settings_for(path))


def excluded(path: str, settings: Settings) -> bool:
    """Excluded by the config or `.gitignore`: such a document gets no diagnostics, as in ruff's server."""
    return explicitly_excluded(path, settings)


def read_settings(root: Path) -> Configs:
    """The folder's settings (`primary`) and its files' (their nearest configs), as `simplelint check` run in
    it reads them (raises ConfigError, UnknownSelector for the folder's own config; a nested one's errors
    come when its files are read)."""
    return load_configs([str(root)], CliOverrides(), default_root=root)


def default_settings(root: Path) -> Configs:
    """What a folder whose config cannot be read starts with: the defaults (the error is shown)."""
    return load_configs([str(root)], CliOverrides(isolated=True), default_root=root)


def facts_of(result: FileResult) -> FileFacts:
    path = os.path.abspath(result.path)  # documents are known by absolute paths
    return FileFacts(path, result.module_name, result.is_test, result.is_production, result.facts, result.digest)


class Cancelled(Exception):
    """A load that is no longer wanted (a newer one started, or the server is shutting down)."""


def collect_facts(
    folder: Folder, settings: Union[Settings, Configs], cancelled: Callable[[], bool]
) -> tuple[list[FileFacts], list[str]]:
    """Every file's facts, from the cache where it holds them, as `simplelint check ROOT` reads them (each
    file with its nearest config's settings); and the errors and warnings met. Checks `cancelled()` after
    each file (raising Cancelled)."""
    said = Said()
    try:
        files = discover([str(folder.root)], settings, said)
    except (ConfigError, UnknownSelector) as error:  # a nested config that does not load: said, not a crash
        return [], [str(error)]

    def progress(done: int, total: int) -> None:
        if cancelled():
            raise Cancelled

    # One core is left to the documents being edited; the budget stops a file that would take minutes. The
    # server runs threads: its workers must not be forked from it (simplelint.run.pool).
    methods = multiprocessing.get_all_start_methods()
    options = runner.RunOptions(
        jobs=max(1, runner.available_cpus() - 1),
        file_timeout=runner.AUTO_TIMEOUT,
        start_method="forkserver" if "forkserver" in methods else "spawn",
    )
    results, _ = runner.collect(files, settings, options, progress)
    return [facts_of(result) for result in results], [e for r in results for e in r.errors] + said.warnings
