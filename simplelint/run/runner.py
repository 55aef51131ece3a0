"""Run a check: files in parallel (with the cache), then the project stage, then suppressions."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from simplelint import registry
from simplelint.config.nearest import Configs
from simplelint.config.settings import Settings
from simplelint.engine.notebook import in_cells as cell_position
from simplelint.engine.notebook import is_notebook
from simplelint.engine.result import FileResult, digest, file_violation, is_production, read_source
from simplelint.engine.suppression import apply as apply_noqa
from simplelint.engine.suppression import unused as unused_noqa
from simplelint.engine.violation import Violation
from simplelint.ruleinfo import FileFacts, Project, ProjectRule
from simplelint.run import discovery
from simplelint.rules.core import FILE_LEVEL

if TYPE_CHECKING:
    from simplelint.adoption.gates import Measures
    from simplelint.run.cache import Cache

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 8
AUTO_TIMEOUT = -1.0


@dataclass
class RunOptions:
    jobs: int = 0
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    use_cache: bool = True
    # Seconds one file may take before its worker is stopped (SL006): AUTO_TIMEOUT scales with the file's
    # size; None keeps no budget, and then small runs are checked in this process.
    file_timeout: Optional[float] = None
    # How worker processes start (simplelint.pool.WatchedPool.start_method); None: fork where possible.
    start_method: Optional[str] = None


@dataclass
class RunResult:
    files: list[FileResult]
    violations: list[Violation]
    errors: list[str] = field(default_factory=list)
    fixed: int = 0
    # From project rules, always shown (e.g. coverage data older than the files).
    warnings: list[str] = field(default_factory=list)
    find_notes: Callable[[], list[str]] = list
    # The gates' numbers (simplelint.adoption.gates), measured when the settings have gates or collect metrics.
    measures: Optional[Measures] = None

    @cached_property
    def notes(self) -> list[str]:
        """Said once under --verbose/--statistics, e.g. that no file is marked as production code; found
        only when asked, since rules' notes load their modules."""
        return self.find_notes()


# Per worker: the settings of each config the run uses (a task names its own by index), as plain data.
_scopes: tuple[Settings, ...] = ()
_options: Optional[RunOptions] = None
# (path, the collectors to run when the file is read only for their facts (empty for a checked file), the
# index of the file's settings in the run's scopes)
Task = tuple[str, tuple[str, ...], int]
Scopes = tuple[Settings, ...]


def _use(scopes: Scopes, options: RunOptions) -> None:
    """What checking needs in the process that checks: the settings, and room for deep trees."""
    global _scopes, _options
    _scopes, _options = scopes, options
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


def _init_worker(scopes: Scopes, options: RunOptions) -> None:
    _use(scopes, options)
    # Only in a worker, which ends with the run: a long-lived caller (tests, an editor's server) keeps its
    # collector as it set it. LibCST builds millions of small objects that refcounting frees (its trees hold
    # no cycles): collections scanning them found nothing to free and cost ~16% of a cold run's CPU. What is
    # loaded by now (modules, settings) is never garbage: freezing it keeps it out of every later collection.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _check_file(task: Task) -> FileResult:
    assert _options is not None
    path, facts, scope = task
    return check_one(path, None, _scopes[scope].for_facts(facts), _options)


def check_one(path: str, data: Optional[bytes], settings: Settings, options: RunOptions) -> FileResult:
    """Lint (or fix) one file, through the cache when the file is read from disk."""
    if data is None:
        try:
            data = read_source(path)
        except OSError:
            from simplelint.engine.analysis import lint_file

            return lint_file(path, settings)  # reports the read error as SL002
    cache = _cache(settings) if options.use_cache and path != "-" else None
    key = digest(data)
    result = cache.get(path, key) if cache else None
    if result is None:
        from simplelint.engine.analysis import analyse

        result = analyse(path, data, settings).result
        if cache:
            cache.put(result)
    if _wants_fix(result, options):
        from simplelint.fix.fixer import fix_source

        fixed = fix_source(path, data, settings, options.unsafe_fixes)
        # Its findings and facts describe the fixed bytes: keyed on the read ones, a later run of the
        # unchanged file would take them from the project stage's cache (issue 12.1).
        fixed.digest = digest(fixed.new_source or data)
        fixed.read_digest = key
        return fixed
    return result


def _wants_fix(result: FileResult, options: RunOptions) -> bool:
    return bool(options.fix or options.diff) and any(
        v.fix and (v.fix.safe or options.unsafe_fixes) for v in result.violations
    )


_caches: dict[tuple[str, str], Cache] = {}


def _cached(scopes: Scopes, task: Task, options: RunOptions) -> Optional[FileResult]:
    path, facts, scope = task
    settings = scopes[scope]
    try:
        data = read_source(path)
    except OSError:
        return None  # the worker reports it
    key = digest(data)
    if facts:
        return _facts_only(settings, path, data, key, facts)
    hit = _cache(settings).get(path, key)
    return None if hit is None or _wants_fix(hit, options) else hit


def _facts_only(settings: Settings, path: str, data: bytes, key: str, wanted: tuple[str, ...]) -> Optional[FileResult]:
    """A file read only for these collectors' facts, when the cache holds them: they are read from its entry
    when first asked for, and the project stage often needs none (SL301's join knows unchanged files by
    their digest). A run that checked the whole file (`check .` before pre-commit's `check one.py`) left
    them in its entry too."""
    facts_settings = settings.for_facts(wanted)
    entries = [_cache(settings), _cache(facts_settings)]
    if not any(entry.has(path, key) for entry in entries):
        return None  # a worker analyses it
    module_name = None if is_notebook(path) else settings.module_name(path)
    result = FileResult(path, key, module_name=module_name, is_test=settings.is_test(path),
                        is_production=is_production(path, data, settings))  # fmt: skip
    result.facts = _CachedFacts(lambda: _read_facts(entries, path, key, facts_settings), wanted)
    return result


def _read_facts(entries: list[Cache], path: str, key: str, settings: Settings) -> dict[str, Any]:
    """Only the collectors asked for, so the project stage sees what a run without the cache would read."""
    for entry in entries:
        hit = entry.get(path, key)
        if hit is not None:
            return {name: value for name, value in hit.facts.items() if name in settings.facts_only}
    data = read_source(path)  # the entry went since, or does not load: analysed now, as it was then
    if digest(data) != key:
        raise RuntimeError(f"{path} changed during the run; run again")
    from simplelint.engine.analysis import analyse

    return dict(analyse(path, data, settings).result.facts)


class _CachedFacts(MutableMapping[str, Any]):
    """A file's facts, read by `load` when first asked for one of the collectors it was read for (a rule that
    asks for another, as SL402 for every file, reads nothing)."""

    def __init__(self, load: Callable[[], dict[str, Any]], names: tuple[str, ...]) -> None:
        self._load: Optional[Callable[[], dict[str, Any]]] = load
        self._names = names
        self._facts: dict[str, Any] = {}

    def _loaded(self) -> dict[str, Any]:
        if self._load is not None:
            self._facts, self._load = self._load(), None
        return self._facts

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        return self._loaded()[name]

    def __contains__(self, name: object) -> bool:
        return name in self._names and name in self._loaded()

    def __setitem__(self, name: str, value: Any) -> None:
        self._loaded()[name] = value

    def __delitem__(self, name: str) -> None:
        del self._loaded()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def _cache(settings: Settings) -> Cache:
    from simplelint.run.cache import Cache

    assert settings.cache_dir is not None
    key = (str(settings.cache_dir), settings.cache_fingerprint)
    if key not in _caches:
        _caches[key] = Cache(settings.cache_dir, key[1])
    return _caches[key]


def _map(tasks: list[Task], settings: Scopes, options: RunOptions) -> Iterator[FileResult]:
    if options.use_cache:
        # Cache hits are read here: a warm run (or pre-commit's one changed file) then starts no workers.
        misses = []
        for task in tasks:
            hit = _cached(settings, task, options)
            if hit is None:
                misses.append(task)
            else:
                yield hit
        tasks = misses
    # More workers than files or CPUs only cost start-up time and memory (`-j 500` on 9 files started 500).
    cpus = available_cpus()
    jobs = min(options.jobs or cpus, cpus, max(1, len(tasks)))
    if not tasks:
        return
    if options.file_timeout is None and (jobs == 1 or len(tasks) < PARALLEL_THRESHOLD):
        _use(settings, options)  # no budget to keep: no process to watch
        yield from map(_check_file, tasks)
        return
    if len(tasks) < PARALLEL_THRESHOLD:
        jobs = 1  # a watched worker all the same: a budget can only be kept by stopping another process
    tasks.sort(key=_size, reverse=True)  # the largest files first, so that no worker finishes long after the other
    yield from _in_pool(tasks, settings, options, jobs)


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, e.g. in a container or under `taskset`)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def _in_pool(tasks: list[Task], settings: Scopes, options: RunOptions, jobs: int) -> Iterator[FileResult]:
    from simplelint.run.pool import WatchedPool

    name, budget = (lambda task: task[0]), _budget(options)
    pool = WatchedPool(_check_file, jobs, _init_worker, (settings, options), name, budget, options.start_method)
    return pool.run(tasks, lambda task: _crashed(task[0]), lambda task: _timed_out(task[0], options))


def _budget(options: RunOptions) -> Callable[[Task], Optional[float]]:
    """Seconds a file may take: fixed, or 20 plus one for each 20 KB (files usually take milliseconds)."""
    if options.file_timeout is None:
        return lambda task: None
    if options.file_timeout != AUTO_TIMEOUT:
        return lambda task: options.file_timeout
    return lambda task: 20 + _size(task) / 20_000


def _timed_out(path: str, options: RunOptions) -> FileResult:
    seconds = _budget(options)((path, (), 0))
    message = (
        f"Analysing this file took longer than its budget ({seconds:.0f} s) and was stopped; the file was not"
        " checked. Please report it; meanwhile exclude it or raise --file-timeout"
    )
    result = FileResult(path, "")
    result.violations.append(file_violation("SL006", path, message))
    return result


def _crashed(path: str) -> FileResult:
    result = FileResult(path, "")
    result.errors.append(
        f"{path}: the process checking this file crashed (LibCST's native parser overflows on some extreme"
        " code); the file was not checked. Please report it."
    )
    return result


def _size(task: Task) -> int:
    try:
        return os.path.getsize(task[0])
    except OSError:
        return 0


@dataclass
class _Group:
    """The files of one config (one project root): checked with its settings, joined by its project stage."""

    settings: Settings
    files: list[str] = field(default_factory=list)
    # Files checked by other means (stdin's source): not read for facts.
    elsewhere: list[str] = field(default_factory=list)
    # Files read only for the project rules' facts, with the collectors each is read for.
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    results: list[FileResult] = field(default_factory=list)


def run(
    files: list[str],
    settings: Union[Settings, Configs],
    options: RunOptions,
    stdin: Optional[tuple[str, bytes]] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> RunResult:
    """Check `files` (and stdin's source), each with the settings of its nearest config when `settings` is a
    `Configs`; `progress(done, total)` is called as each file is done. Project rules join the files of each
    config apart, as the projects they are."""
    configs = Configs.of(settings)
    groups = _grouped(files, configs, options, progress, [stdin[0]] if stdin else [])
    if stdin is not None:
        group = next(g for g in groups if stdin[0] in g.elsewhere)
        group.results.append(check_one(stdin[0], stdin[1], group.settings, options))
    everything = sorted((r for g in groups for r in g.results), key=lambda r: r.path)
    errors = [e for r in everything for e in r.errors]
    said = Said()
    violations: list[Violation] = []
    checked: list[FileResult] = []
    project_found: list[Violation] = []
    for group in groups:
        violations += _group_findings(group, options, errors, said, project_found)
        checked += [r for r in group.results if r.path not in group.extra]
    violations.sort(key=lambda v: v.sort_key)
    checked.sort(key=lambda r: r.path)
    # Gates measure the whole run, against the config of the folder all paths share (as the baseline does).
    measures = _measures(checked, project_found, configs.primary)

    def notes() -> list[str]:
        found = {note for g in groups for note in _notes(g.results, g.settings, set(g.extra))}
        return sorted({*found, *said.notes})

    return RunResult(checked, violations, errors, sum(r.fixed for r in checked), said.warnings, notes, measures)


def _group_findings(
    group: _Group, options: RunOptions, errors: list[str], said: Said, project_found: list[Violation]
) -> list[Violation]:
    """One config's findings: its files' own, then its project stage's (also added to `project_found`, before
    `# noqa`, for the gates), then what `# noqa` leaves."""
    settings = group.settings
    # Stdin's source stands for the file it is named after: that file is not read for facts as well.
    results = sorted(group.results, key=lambda r: r.path)
    violations = [v for r in results for v in reported(r, settings)]
    found = _project_stage_cached(results, group, options, errors, said)
    project_found += found
    violations += found
    # Files read only for their facts: their own findings and fixes are not this run's.
    checked = [r for r in results if r.path not in group.extra]
    violations = [v for v in violations if v.path not in group.extra]
    violations = in_cells(suppress(violations, checked, settings), checked)
    for violation in violations:
        violation.severity = settings.severity_of(violation.code)
    return violations


def _measures(checked: list[FileResult], project_found: list[Violation], settings: Settings) -> Optional[Measures]:
    """The gates' numbers (and the HTML report's), when this run has gates or writes that report."""
    from simplelint.adoption import gates

    return gates.measure(checked, project_found, settings) if gates.wanted(settings) else None


def collect(
    files: list[str],
    settings: Union[Settings, Configs],
    options: RunOptions,
    progress: Optional[Callable[[int, int], None]] = None,
    elsewhere: Sequence[str] = (),
) -> tuple[list[FileResult], dict[str, tuple[str, ...]]]:
    """The result of every file the run needs, unsorted: the files checked, then those the project rules read
    only for facts (also returned, with the collectors each is read for). `elsewhere` names files checked by
    other means (stdin's source): they are not read for facts."""
    groups = _grouped(files, Configs.of(settings), options, progress, elsewhere)
    return [r for g in groups for r in g.results], {p: c for g in groups for p, c in g.extra.items()}


def _grouped(
    files: list[str],
    configs: Configs,
    options: RunOptions,
    progress: Optional[Callable[[int, int], None]],
    elsewhere: Sequence[str],
) -> list[_Group]:
    """The files by config (ordered by root), each group with its facts-only files, every file's result in
    its group: one pool (and one pass through the cache) for all of them."""
    by_settings: dict[int, _Group] = {}
    for path, named in [*((f, False) for f in files), *((e, True) for e in elsewhere)]:
        own = configs.for_path(path)
        group = by_settings.setdefault(id(own), _Group(own))
        (group.elsewhere if named else group.files).append(path)
    groups = sorted(by_settings.values(), key=lambda g: str(g.settings.root))
    tasks: list[Task] = []
    for index, group in enumerate(groups):
        group.extra = _fact_paths([*group.files, *group.elsewhere], group.settings, configs, set(files))
        tasks += [(f, (), index) for f in group.files] + [(p, c, index) for p, c in group.extra.items()]
    # A path is one group's: checked there, or read for facts only by the project that owns it.
    scope_of = {path: scope for path, _, scope in tasks}
    for done, result in enumerate(_map(list(tasks), tuple(g.settings for g in groups), options), 1):
        groups[scope_of.get(result.path, 0)].results.append(result)
        if progress is not None:
            progress(done, len(tasks))
    return groups


def reported(result: FileResult, settings: Settings) -> list[Violation]:
    """The file's own findings that its settings report (file-level ones always)."""
    codes = settings.codes_for(result.path)
    return [v for v in result.violations if v.code in codes or v.code in FILE_LEVEL]


def _project_rules(settings: Settings) -> list[type[ProjectRule]]:
    # Only these rule modules load: a run that takes every result from the cache needs nothing else.
    codes = [code for code, entry in registry.catalog().items() if entry.project and code in settings.enabled]
    return [rule for rule in map(registry.rule_class, codes) if issubclass(rule, ProjectRule)]


def _notes(results: list[FileResult], settings: Settings, facts_only: set[str]) -> list[str]:
    # Files read for facts count as tests (SL301 looks for some) but not as checked production code.
    files = [
        FileFacts(r.path, r.module_name, r.is_test, r.is_production and r.path not in facts_only, {}) for r in results
    ]
    codes = [code for code, entry in registry.catalog().items() if entry.notes and code in settings.enabled]
    notes = (registry.rule_class(code).run_note(files) for code in codes)
    return sorted({note for note in notes if note})


def _fact_paths(
    files: list[str], settings: Settings, configs: Configs, checked: set[str]
) -> dict[str, tuple[str, ...]]:
    """Files read only for facts, with the collectors each is read for (only the rules that asked for it):
    only files of this config's project (a nested config's files are another project's). The settings learn
    whether the run checks a test file, which decides how much of a test file is read for facts."""
    settings.tests_checked = any(settings.is_test(path) for path in files)
    checked = checked | set(files)
    extra: dict[str, set[str]] = {}
    with discovery.remembered():  # most rules ask for the same walk of the project
        for rule in _project_rules(settings):
            names = set(registry.catalog()[rule.code].facts)
            for path in rule.fact_paths(settings, files):
                if path not in checked and configs.owns(settings, path):
                    extra.setdefault(path, set()).update(names)
    return {path: tuple(sorted(names)) for path, names in extra.items()}


def _project_stage_cached(
    results: list[FileResult], group: _Group, options: RunOptions, errors: list[str], said: Said
) -> list[Violation]:
    """The project stage, from the cache when no file changed (nor what rules' stamps say, such as the installed
    packages), nor what each file was read for: a warm run then joins nothing. Coverage data is judged against
    files' modification times, so runs that use it always join."""
    settings = group.settings
    project = _project(results, settings, _cache(settings) if options.use_cache else None)
    if not options.use_cache or settings.coverage_file is not None or not _project_rules(settings):
        return _project_stage(project, errors, said)
    cache = _cache(settings)
    try:
        stamps = [rule.cache_stamp(project, _config(rule, settings)) for rule in _project_rules(settings)]
    except Exception:  # the rule's bug, which its check says again: this run joins without the cache
        return _project_stage(project, errors, said)
    key = cache.project_key([(r.path, r.digest, group.extra.get(r.path, ())) for r in results], stamps)
    hit = cache.get_project(key)
    if hit is not None:
        said.warnings.extend(hit[1])
        said.notes.extend(hit[2])
        return hit[0]
    fresh = Said()
    found_errors = len(errors)
    found = _project_stage(project, errors, fresh)
    said.warnings.extend(fresh.warnings)
    said.notes.extend(fresh.notes)
    if len(errors) == found_errors:
        cache.put_project(key, (found, fresh.warnings, fresh.notes))
    return found


@dataclass
class Said:
    """What the project stage says besides findings: warnings (always shown) and notes (under --verbose)."""

    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _project(results: list[FileResult], settings: Settings, cache: Optional[Cache]) -> Project:
    files = [FileFacts(r.path, r.module_name, r.is_test, r.is_production, r.facts, r.digest) for r in results]
    return Project(files, settings, use_cache=cache is not None, cache=cache)


def _config(rule: type[ProjectRule], settings: Settings) -> Mapping[str, Any]:
    config: Mapping[str, Any] = settings.options.get(registry.table_of(rule.code) or "", {})
    return config


def project_findings(
    files: list[FileFacts],
    settings: Settings,
    errors: list[str],
    warnings: list[str],
    memory: Optional[dict[str, Any]] = None,
) -> list[Violation]:
    """The project rules' findings over these files' facts (what the language server joins on each save);
    `memory` is kept by the caller between calls, for rules that update what they joined (SL301)."""
    return _project_stage(Project(files, settings, memory=memory), errors, Said(warnings))


def _project_stage(project: Project, errors: list[str], said: Said) -> list[Violation]:
    rules = _project_rules(project.settings)
    if not rules:
        return []
    project.warnings, project.notes = said.warnings, said.notes
    found: list[Violation] = []
    with _collections_paused():
        for rule in rules:
            try:
                found.extend(rule.check_project(project, _config(rule, project.settings)))
            except Exception as error:  # one rule's bug must not lose the others' findings
                message = f"internal error in project rule {rule.code} ({rule.name}): {error!r}. Please report it."
                errors.append(message)
    return [v for v in found if v.code in project.settings.codes_for(v.path)]


@contextmanager
def _collections_paused() -> Iterator[None]:
    """No garbage collection while project rules join: they build (and load from JSON) hundreds of thousands
    of small objects without cycles, and collections scanning them, again and again, found nothing to free
    and took half of SL301's time on Django. The collector is left as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def in_cells(violations: list[Violation], results: Iterable[FileResult]) -> list[Violation]:
    """Notebooks' findings with cells' positions: the engine, noqa and the project stage work in the module
    their code cells make; what is shown is the cell and the line in it (engine.notebook)."""
    tables = {result.path: result.notebook for result in results if result.notebook}
    if not tables:
        return violations
    return [cell_position(v, tables[v.path]) if v.path in tables else v for v in violations]


def suppress(violations: list[Violation], results: Iterable[FileResult], settings: Settings) -> list[Violation]:
    """The violations that no `# noqa` of their file suppresses, and SL003's findings where it is enabled."""
    by_path: dict[str, list[Violation]] = {}
    for violation in violations:
        by_path.setdefault(violation.path, []).append(violation)
    kept: list[Violation] = []
    for result in results:
        mine = by_path.pop(result.path, [])
        remaining, used = apply_noqa(mine, result.noqa, registry.silenced_by() if result.noqa else {})
        kept.extend(remaining)
        if "SL003" in settings.codes_for(result.path):
            kept.extend(unused_noqa(result.noqa, used, result.path))
    for rest in by_path.values():
        kept.extend(rest)
    return kept
