"""Run a check: files in parallel (with the cache), then the project stage, then suppressions."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from simplelint import registry
from simplelint.engine import FileResult, analyse, digest, lint_file, read_source
from simplelint.rule import FileFacts, Project, ProjectRule
from simplelint.rules.core import FILE_LEVEL
from simplelint.settings import Settings
from simplelint.suppression import apply as apply_noqa
from simplelint.suppression import unused as unused_noqa
from simplelint.violation import Violation

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from simplelint.cache import Cache

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 8


@dataclass
class RunOptions:
    jobs: int = 0
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    use_cache: bool = True


@dataclass
class RunResult:
    files: list[FileResult]
    violations: list[Violation]
    errors: list[str] = field(default_factory=list)
    fixed: int = 0
    # Said once under --verbose/--statistics, e.g. that no file is marked as production code.
    notes: list[str] = field(default_factory=list)
    # From project rules, always shown (e.g. coverage data older than the files).
    warnings: list[str] = field(default_factory=list)


# Per worker: the settings for checked files and for files read only for their facts.
_settings: Optional[Settings] = None
_options: Optional[RunOptions] = None
# (path, the collectors to run when the file is read only for their facts; empty for a checked file)
Task = tuple[str, tuple[str, ...]]


def _init_worker(settings: Settings, options: RunOptions) -> None:
    global _settings, _options
    _settings, _options = settings, options
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


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
            return lint_file(path, settings)  # reports the read error as SL002
    cache = _cache(settings) if options.use_cache and not path == "-" else None
    key = digest(data)
    result = cache.get(path, key) if cache else None
    if result is None:
        result = analyse(path, data, settings).result
        if cache:
            cache.put(result)
    if _wants_fix(result, options):
        from simplelint.fixer import fix_source

        fixed = fix_source(path, data, settings, options.unsafe_fixes)
        fixed.digest = key  # the caller compares it with the file on disk before writing
        return fixed
    return result


def _wants_fix(result: FileResult, options: RunOptions) -> bool:
    return bool(options.fix or options.diff) and any(
        v.fix and (v.fix.safe or options.unsafe_fixes) for v in result.violations
    )


_caches: dict[tuple[str, str], Cache] = {}


def _cached(cache: Cache, path: str, options: RunOptions) -> Optional[FileResult]:
    try:
        data = read_source(path)
    except OSError:
        return None  # the worker reports it
    hit = cache.get(path, digest(data))
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
        for path, facts in tasks:
            hit = _cached(_cache(_for(settings, facts)), path, options)
            if hit is None:
                misses.append((path, facts))
            else:
                yield hit
        tasks = misses
    # More workers than files or CPUs only cost start-up time and memory (`-j 500` on 9 files started 500).
    cpus = available_cpus()
    jobs = min(options.jobs or cpus, cpus, max(1, len(tasks)))
    if jobs == 1 or len(tasks) < PARALLEL_THRESHOLD:
        _init_worker(settings, options)
        yield from map(_check_file, tasks)
        return
    tasks.sort(key=_size, reverse=True)  # the largest files first, so that no worker finishes long after the other
    yield from _in_pool(tasks, settings, options, jobs)


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, e.g. in a container or under `taskset`)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def _in_pool(tasks: list[Task], settings: Settings, options: RunOptions, jobs: int) -> Iterator[FileResult]:
    """Tasks on `jobs` processes. A worker that dies (LibCST's native parser can crash the process) does not
    hang or end the run: the files not done yet are checked again one at a time, to name the one at fault."""
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    chunk = max(1, min(16, len(tasks) // (jobs * 8)))
    try:
        with _executor(jobs, settings, options) as pool:
            for result in pool.map(_check_file, tasks, chunksize=chunk):
                done += 1
                yield result
    except BrokenProcessPool:
        yield from _one_by_one(tasks[done:], settings, options)


def _one_by_one(tasks: list[Task], settings: Settings, options: RunOptions) -> Iterator[FileResult]:
    from concurrent.futures.process import BrokenProcessPool

    pool = _executor(1, settings, options)
    try:
        for task in tasks:
            try:
                yield pool.submit(_check_file, task).result()
            except BrokenProcessPool:
                pool.shutdown()
                pool = _executor(1, settings, options)
                yield _crashed(task[0])
    finally:
        pool.shutdown()


def _executor(jobs: int, settings: Settings, options: RunOptions) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(settings, options))


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
) -> RunResult:
    extra = _fact_paths(files, settings)
    tasks: list[Task] = [(f, ()) for f in files] + list(extra.items())
    results = list(_map(tasks, settings, options))
    if stdin is not None:
        results.append(check_one(stdin[0], stdin[1], settings, options))
    results.sort(key=lambda r: r.path)
    errors = [e for r in results for e in r.errors]
    violations = [v for r in results for v in r.violations if v.code in settings.codes_for(r.path) or v.code in FILE_LEVEL]
    warnings: list[str] = []
    violations += _project_stage_cached(results, settings, options, errors, warnings)
    notes = _notes(results, settings, set(extra))
    if extra:
        # Files read only for their facts: their own findings and fixes are not this run's.
        facts_only = set(extra)
        violations = [v for v in violations if v.path not in facts_only]
        results = [r for r in results if r.path not in facts_only]
    violations = _suppress(violations, results, settings)
    violations.sort(key=lambda v: v.sort_key)
    return RunResult(
        results, violations, errors, sum(r.fixed for r in results), notes=notes, warnings=warnings
    )


def _project_rules(settings: Settings) -> list[type[ProjectRule]]:
    return [
        r
        for code, r in registry.all_rules().items()
        if code in settings.enabled and isinstance(r, type) and issubclass(r, ProjectRule)
    ]


def _notes(results: list[FileResult], settings: Settings, facts_only: set[str]) -> list[str]:
    # Files read for facts count as tests (SL301 looks for some) but not as checked production code.
    files = [FileFacts(r.path, r.module_name, r.is_test, r.is_production and r.path not in facts_only, {}) for r in results]
    notes = (rule.run_note(files) for code, rule in registry.all_rules().items() if code in settings.enabled)
    return sorted({note for note in notes if note})


def _fact_paths(files: list[str], settings: Settings) -> dict[str, tuple[str, ...]]:
    """Files read only for facts, with the collectors each is read for (only the rules that asked for it)."""
    checked = set(files)
    extra: dict[str, set[str]] = {}
    for rule in _project_rules(settings):
        names = {collector.name for collector in rule.FACTS}
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
    rules = _project_rules(settings)
    if not rules:
        return []
    project = Project(
        [FileFacts(r.path, r.module_name, r.is_test, r.is_production, r.facts) for r in results], settings, warnings
    )
    found: list[Violation] = []
    for rule in rules:
        try:
            table = registry.table_of(rule.code) or ""
            found.extend(rule.check_project(project, settings.options.get(table, {})))
        except Exception as error:  # one rule's bug must not lose the others' findings
            errors.append(f"internal error in project rule {rule.code} ({rule.name}): {error!r}. Please report it.")
    return [v for v in found if v.code in settings.codes_for(v.path)]


def _suppress(violations: list[Violation], results: Iterable[FileResult], settings: Settings) -> list[Violation]:
    by_path: dict[str, list[Violation]] = {}
    for violation in violations:
        by_path.setdefault(violation.path, []).append(violation)
    kept: list[Violation] = []
    for result in results:
        mine = by_path.pop(result.path, [])
        remaining, used = apply_noqa(mine, result.noqa)
        kept.extend(remaining)
        if "SL003" in settings.codes_for(result.path):
            kept.extend(unused_noqa(result.noqa, used, result.path))
    for rest in by_path.values():
        kept.extend(rest)
    return kept
