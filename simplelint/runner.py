"""Run a check: files in parallel (with the cache), then the project stage, then suppressions."""

from __future__ import annotations

import dataclasses
import gc
import os
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, Sequence

from simplelint import registry
from simplelint.result import FileResult, digest, file_violation, read_source
from simplelint.ruleinfo import FileFacts, Project, ProjectRule
from simplelint.rules.core import FILE_LEVEL
from simplelint.settings import Settings
from simplelint.suppression import apply as apply_noqa
from simplelint.suppression import unused as unused_noqa
from simplelint.violation import Violation

if TYPE_CHECKING:
    from simplelint.cache import Cache

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

    @cached_property
    def notes(self) -> list[str]:
        """Said once under --verbose/--statistics, e.g. that no file is marked as production code; found
        only when asked, since rules' notes load their modules."""
        return self.find_notes()


# Per worker: the settings for checked files and for files read only for their facts.
_settings: Optional[Settings] = None
_options: Optional[RunOptions] = None
# (path, the collectors to run when the file is read only for their facts; empty for a checked file)
Task = tuple[str, tuple[str, ...]]


def _use(settings: Settings, options: RunOptions) -> None:
    """What checking needs in the process that checks: the settings, and room for deep trees."""
    global _settings, _options
    _settings, _options = settings, options
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


def _init_worker(settings: Settings, options: RunOptions) -> None:
    _use(settings, options)
    # Only in a worker, which ends with the run: a long-lived caller (tests, an editor's server) keeps its
    # collector as it set it. LibCST builds millions of small objects that refcounting frees (its trees hold
    # no cycles): collections scanning them found nothing to free and cost ~16% of a cold run's CPU. What is
    # loaded by now (modules, settings) is never garbage: freezing it keeps it out of every later collection.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _for(settings: Settings, facts: tuple[str, ...]) -> Settings:
    """The settings for a file read only for these collectors' facts: its findings would be dropped, so no
    rule runs on it and no fix edits are computed."""
    if not facts:
        return settings
    key = (id(settings), facts)
    if key not in _variants:  # the entry keeps `settings` alive, so its id cannot be reused
        _variants[key] = (settings, dataclasses.replace(settings, compute_edits=False, facts_only=facts))
    return _variants[key][1]


_variants: dict[tuple[int, tuple[str, ...]], tuple[Settings, Settings]] = {}


def _check_file(task: Task) -> FileResult:
    assert _settings is not None and _options is not None
    path, facts = task
    return check_one(path, None, _for(_settings, facts), _options)


def check_one(path: str, data: Optional[bytes], settings: Settings, options: RunOptions) -> FileResult:
    """Lint (or fix) one file, through the cache when the file is read from disk."""
    if data is None:
        try:
            data = read_source(path)
        except OSError:
            from simplelint.engine import lint_file

            return lint_file(path, settings)  # reports the read error as SL002
    cache = _cache(settings) if options.use_cache and not path == "-" else None
    key = digest(data)
    result = cache.get(path, key) if cache else None
    if result is None:
        from simplelint.engine import analyse

        result = analyse(path, data, settings).result
        if cache:
            cache.put(result)
    if _wants_fix(result, options):
        from simplelint.fixer import fix_source

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


def _cached(settings: Settings, task: Task, options: RunOptions) -> Optional[FileResult]:
    path, facts = task
    try:
        data = read_source(path)
    except OSError:
        return None  # the worker reports it
    key = digest(data)
    if facts:
        # A file read for facts may have been checked whole by an earlier run (`check .` before pre-commit's
        # `check one.py`): that entry holds its facts too. Only the collectors asked for are kept, so the
        # project stage sees what a run without the cache would read.
        whole = _cache(settings).get(path, key)
        if whole is not None:
            whole.facts = {name: value for name, value in whole.facts.items() if name in facts}
            whole.violations, whole.noqa = [], []
            return whole
    hit = _cache(_for(settings, facts)).get(path, key)
    return None if hit is None or _wants_fix(hit, options) else hit


def _cache(settings: Settings) -> Cache:
    from simplelint.cache import Cache

    assert settings.cache_dir is not None
    key = (str(settings.cache_dir), settings.cache_fingerprint)
    if key not in _caches:
        _caches[key] = Cache(settings.cache_dir, key[1])
    return _caches[key]


def _map(tasks: list[Task], settings: Settings, options: RunOptions) -> Iterator[FileResult]:
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


def _in_pool(tasks: list[Task], settings: Settings, options: RunOptions, jobs: int) -> Iterator[FileResult]:
    from simplelint.pool import WatchedPool

    pool = WatchedPool(
        _check_file, jobs, _init_worker, (settings, options), lambda task: task[0], _budget(options), options.start_method
    )
    return pool.run(tasks, lambda task: _crashed(task[0]), lambda task: _timed_out(task[0], options))


def _budget(options: RunOptions) -> Callable[[Task], Optional[float]]:
    """Seconds a file may take: fixed, or 20 plus one for each 20 KB (files usually take milliseconds)."""
    if options.file_timeout is None:
        return lambda task: None
    if options.file_timeout != AUTO_TIMEOUT:
        return lambda task: options.file_timeout
    return lambda task: 20 + _size(task) / 20_000


def _timed_out(path: str, options: RunOptions) -> FileResult:
    seconds = _budget(options)((path, ()))
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


def run(
    files: list[str],
    settings: Settings,
    options: RunOptions,
    stdin: Optional[tuple[str, bytes]] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> RunResult:
    """Check `files` (and stdin's source); `progress(done, total)` is called as each file is done."""
    # Stdin's source stands for the file it is named after: that file is not read for facts as well.
    results, extra = collect(files, settings, options, progress, [stdin[0]] if stdin else [])
    if stdin is not None:
        results.append(check_one(stdin[0], stdin[1], settings, options))
    results.sort(key=lambda r: r.path)
    errors = [e for r in results for e in r.errors]
    violations = [v for r in results for v in reported(r, settings)]
    warnings: list[str] = []
    violations += _project_stage_cached(results, settings, options, errors, warnings)
    # Files read only for their facts: their own findings and fixes are not this run's.
    checked = [r for r in results if r.path not in extra]
    violations = [v for v in violations if v.path not in extra]
    violations = suppress(violations, checked, settings)
    violations.sort(key=lambda v: v.sort_key)
    return RunResult(
        checked,
        violations,
        errors,
        sum(r.fixed for r in checked),
        warnings=warnings,
        find_notes=lambda: _notes(results, settings, set(extra)),
    )


def collect(
    files: list[str],
    settings: Settings,
    options: RunOptions,
    progress: Optional[Callable[[int, int], None]] = None,
    elsewhere: Sequence[str] = (),
) -> tuple[list[FileResult], dict[str, tuple[str, ...]]]:
    """The result of every file the run needs, unsorted: the files checked, then those the project rules read
    only for facts (also returned, with the collectors each is read for). `elsewhere` names files checked by
    other means (stdin's source): they are not read for facts."""
    extra = _fact_paths([*files, *elsewhere], settings)
    tasks: list[Task] = [(f, ()) for f in files] + list(extra.items())
    results = []
    for result in _map(tasks, settings, options):
        results.append(result)
        if progress is not None:
            progress(len(results), len(tasks))
    return results, extra


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
    files = [FileFacts(r.path, r.module_name, r.is_test, r.is_production and r.path not in facts_only, {}) for r in results]
    codes = [code for code, entry in registry.catalog().items() if entry.notes and code in settings.enabled]
    notes = (registry.rule_class(code).run_note(files) for code in codes)
    return sorted({note for note in notes if note})


def _fact_paths(files: list[str], settings: Settings) -> dict[str, tuple[str, ...]]:
    """Files read only for facts, with the collectors each is read for (only the rules that asked for it)."""
    checked = set(files)
    extra: dict[str, set[str]] = {}
    for rule in _project_rules(settings):
        names = set(registry.catalog()[rule.code].facts)
        for path in rule.fact_paths(settings, files):
            if path not in checked:
                extra.setdefault(path, set()).update(names)
    return {path: tuple(sorted(names)) for path, names in extra.items()}


def _project_stage_cached(
    results: list[FileResult], settings: Settings, options: RunOptions, errors: list[str], warnings: list[str]
) -> list[Violation]:
    """The project stage, from the cache when no file changed: a warm run then joins nothing. Coverage data
    is judged against files' modification times, so runs that use it always join."""
    if not options.use_cache or settings.coverage_file is not None or not _project_rules(settings):
        return _project_stage(results, settings, errors, warnings)
    cache = _cache(settings)
    key = cache.project_key([(r.path, r.digest) for r in results])
    hit = cache.get_project(key)
    if hit is not None:
        warnings.extend(hit[1])
        return hit[0]
    said: list[str] = []
    found_errors = len(errors)
    found = _project_stage(results, settings, errors, said)
    warnings.extend(said)
    if len(errors) == found_errors:
        cache.put_project(key, found, said)
    return found


def _project_stage(
    results: list[FileResult], settings: Settings, errors: list[str], warnings: list[str]
) -> list[Violation]:
    files = [FileFacts(r.path, r.module_name, r.is_test, r.is_production, r.facts) for r in results]
    return project_findings(files, settings, errors, warnings)


def project_findings(
    files: list[FileFacts], settings: Settings, errors: list[str], warnings: list[str]
) -> list[Violation]:
    """The project rules' findings over these files' facts (what the language server joins on each save)."""
    rules = _project_rules(settings)
    if not rules:
        return []
    project = Project(files, settings, warnings)
    found: list[Violation] = []
    for rule in rules:
        try:
            table = registry.table_of(rule.code) or ""
            found.extend(rule.check_project(project, settings.options.get(table, {})))
        except Exception as error:  # one rule's bug must not lose the others' findings
            errors.append(f"internal error in project rule {rule.code} ({rule.name}): {error!r}. Please report it.")
    return [v for v in found if v.code in settings.codes_for(v.path)]


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
