"""Where simplelint's CPU time goes: startup imports, each phase of the per-file engine, each rule, the cache
and the process pool. Writes benchmarks/results/profile.md (keeping its hand-written analysis section).

    python benchmarks/breakdown.py                # flask and django
    python benchmarks/breakdown.py --only flask   # a minute
    python benchmarks/breakdown.py --rules-on django   # per-rule costs on django too (slow: one pass per rule)

A script, not a test. Phases are timed in one fresh process per measurement by wrapping the engine's
functions (CPU time of this process, exclusive of the wrapped functions they call), so the figures add up;
per-rule costs are marginal: the same parsed trees linted with that rule alone, minus the bare walk.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # corpus.py and compare.py live beside this script
from compare import TARGETS, WORK, measure, snapshot  # noqa: E402
from corpus import PINNED, fetch  # noqa: E402

RESULTS = HERE / "results" / "profile.md"
ANALYSIS_START = "<!-- analysis:start -->"
ANALYSIS_END = "<!-- analysis:end -->"
SL_ALL = ["--select", "ALL", "--isolated"]
REPEAT = 3  # per-rule figures are the least CPU of this many passes: small differences drown in noise otherwise

# (module, attribute, phase): the functions wrapped to time each phase. Missing ones are skipped, so the
# script keeps working while the engine changes; whatever is not wrapped shows up in its caller's phase.
PHASES = [
    ("simplelint.cli", "_check", "cli, runner and project stage (rest)"),
    ("simplelint.config.load", "load_settings", "config"),
    ("simplelint.run.discovery", "discover", "discovery"),
    ("simplelint.engine.analysis", "analyse", "engine: rest of analyse"),
    ("simplelint.engine.analysis", "digest", "content hash"),
    ("simplelint.engine.analysis", "context_for", "engine: file context"),
    ("simplelint.engine.analysis", "_parse", "parse (LibCST)"),
    ("simplelint.engine.analysis", "parse_noqa", "noqa: parse comments"),
    ("simplelint.engine.analysis", "_visitors", "rule instances"),
    ("simplelint.engine.analysis", "_resolve_metadata", "metadata providers"),
    ("simplelint.engine.analysis", "traverse", "traversal + rule visit methods"),
    ("simplelint.engine.analysis", "node_ranges", "positions of reported nodes"),
    ("simplelint.engine.analysis", "LineIndex", "positions of reported nodes"),
    ("simplelint.engine.analysis", "_collect", "facts"),
    ("simplelint.engine.analysis", "_violation", "violations (incl. snippets)"),
    ("simplelint.run.cache.Cache", "get", "cache read"),
    ("simplelint.run.cache.Cache", "put", "cache write"),
    ("simplelint.run.runner", "_project_stage", "project stage"),
    ("simplelint.run.runner", "suppress", "noqa: filter"),
    ("simplelint.cli", "_report", "report"),
]


# --- in the worker process -----------------------------------------------------------------------------


class PhaseTimer:
    """Exclusive CPU time per phase: a wrapped call's time minus that of the wrapped calls inside it."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._inner: list[float] = []

    def wrap(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            self._inner.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.process_time() - start
                inner = self._inner.pop()
                self.totals[phase] = self.totals.get(phase, 0.0) + elapsed - inner
                self.calls[phase] = self.calls.get(phase, 0) + 1
                if self._inner:
                    self._inner[-1] += elapsed

        return timed


def resolve(dotted: str) -> Any:
    """A module, or a class inside one ("simplelint.run.cache.Cache")."""
    try:
        return importlib.import_module(dotted)
    except ImportError:
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)


def install(timer: PhaseTimer) -> None:
    """Wrap each phase's function, also where another module imported it by name (`from engine import x`)."""
    for owner_name, attribute, phase in PHASES:
        function = getattr(resolve(owner_name), attribute, None)
        if function is None:
            continue
        timed = timer.wrap(phase, function)
        for holder in [resolve(owner_name), *simplelint_modules()]:
            if getattr(holder, attribute, None) is function:
                setattr(holder, attribute, timed)


def simplelint_modules() -> list[Any]:
    return [module for name, module in list(sys.modules.items()) if name.startswith("simplelint.") and module]


def import_everything() -> float:
    """Import what a check run imports (libcst, every rule, the reporters); returns the CPU seconds taken."""
    start = time.process_time()
    for name in ("simplelint.cli", "simplelint.run.runner", "simplelint.engine.analysis", "simplelint.run.cache",
                 "simplelint.run.discovery", "simplelint.config.load", "simplelint.output", "simplelint.output.text"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from simplelint import registry

    registry.all_rules()
    return time.process_time() - start


def run_check(args: list[str]) -> float:
    from simplelint import cli

    start = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli.main(["check", *args])
    return time.process_time() - start


def worker_phases(args: list[str]) -> dict[str, Any]:
    imports = import_everything()
    timer = PhaseTimer()
    install(timer)
    total = run_check(args)
    return {"imports": imports, "total": total, "phases": timer.totals, "calls": timer.calls}


# --- per rule ------------------------------------------------------------------------------------------


def worker_rules(target: str) -> dict[str, Any]:
    """Marginal CPU per rule on already-parsed trees: analyse with that rule alone, minus the bare walk."""
    from simplelint import registry
    from simplelint.engine import analysis as engine
    from simplelint.engine.result import FileResult
    from simplelint.config.load import CliOverrides, load_settings
    from simplelint.run.discovery import discover

    settings = load_settings([target], CliOverrides(select=["ALL"], isolated=True))
    sources = {path: Path(path).read_bytes() for path in discover([target], settings)}
    start = time.process_time()
    trees = {path: engine._parse(path, data, FileResult(path, "")) for path, data in sources.items()}
    parse = time.process_time() - start
    engine._parse = lambda path, data, result: trees[path]  # the trees are immutable: reuse them
    walk = {id(tree): min(cpu_of(bare_walk, tree) for _ in range(REPEAT)) for tree in trees.values() if tree}
    walked = count_walks(engine, walk)

    def once(codes: frozenset[str]) -> float:
        walked.clear()
        cpu = sum(cpu_of(engine.analyse, path, data, settings, codes) for path, data in sources.items())
        return cpu - sum(walked)  # a rule that applies to no file (or is not per-file) skips the walk

    def lint(codes: frozenset[str]) -> float:
        return min(once(codes) for _ in range(REPEAT))

    lint(frozenset(registry.all_rules()))  # warm-up: lazy imports, compiled patterns, per-class tables
    base = lint(frozenset())
    costs = {code: lint(frozenset({code})) - base for code in registry.all_rules()}
    together = lint(frozenset(registry.all_rules())) - base
    return {"parse": parse, "base": base, "walk": sum(walk.values()), "rules": costs, "together": together}


def count_walks(engine: Any, walk: dict[int, float]) -> list[float]:
    """Wrap the engine's traverse so that each walk it does adds the bare walk's cost of that tree."""
    walked: list[float] = []
    traverse = engine.traverse

    def counted(module: Any, *args: Any) -> Any:
        walked.append(walk[id(module)])
        return traverse(module, *args)

    engine.traverse = counted
    return walked


def cpu_of(function: Callable[..., Any], *args: Any) -> float:
    start = time.process_time()
    function(*args)
    return time.process_time() - start


def bare_walk(tree: Any) -> None:
    """The shared traversal with one visitor that does nothing, so the walk itself is what is timed."""
    from simplelint.engine.traversal import traverse

    traverse(tree, [empty_visitor()()], [], lambda visitor, trace: None)


@functools.lru_cache(maxsize=None)
def empty_visitor() -> type:
    import libcst as cst  # not at the top: the phases worker times the imports itself

    class Empty(cst.BatchableCSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            pass

    return Empty


# --- in the parent ------------------------------------------------------------------------------------------


def in_worker(kind: str, cwd: Path, *args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter (so imports and caches start cold) and read its JSON."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", kind, *args], cwd=cwd,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"worker {kind} {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sl(*args: str) -> list[str]:
    return [sys.executable, "-m", "simplelint", *args]


def best_cpu(argv: list[str], cwd: Path, repeat: int = 3, fresh: Optional[Path] = None) -> tuple[float, float]:
    """(wall, CPU) of the fastest of `repeat` runs of a command."""
    log = WORK / "logs" / "profile.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    best = None
    for _ in range(repeat):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        sample = measure(argv, cwd, log, Path(os.environ["PYTHONPATH"]))
        best = sample if best is None or sample.cpu < best.cpu else best
    assert best is not None
    return best.wall, best.cpu


def startup(cwd: Path) -> Iterator[str]:
    yield "## Startup"
    yield ""
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import libcst'", [sys.executable, "-c", "import libcst"]),
        ("python -c 'import simplelint.cli'", [sys.executable, "-c", "import simplelint.cli"]),
        ("simplelint --version", sl("--version")),
    ]
    yield "| command | wall s (best of 5) | CPU s |"
    yield "|---|---:|---:|"
    for label, argv in rows:
        wall, cpu = best_cpu(argv, cwd, repeat=5)
        yield f"| `{label}` | {wall:.3f} | {cpu:.3f} |"
    yield ""
    yield "Slowest imports under `python -X importtime -c 'import simplelint.cli'` (cumulative µs):"
    yield ""
    yield "```"
    yield from importtime(cwd)
    yield "```"


def importtime(cwd: Path, top: int = 12) -> list[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import simplelint.cli"], cwd=cwd,
                          capture_output=True, text=True)
    rows = [line for line in done.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    rows = rows[1:]  # the header
    rows.sort(key=lambda line: int(line.split("|")[1]), reverse=True)
    return rows[:top]


def warm_phases(cwd: Path, target: str) -> dict[str, Any]:
    cache = WORK / "cache" / "profile-warm"
    shutil.rmtree(cache, ignore_errors=True)
    fill = [*SL_ALL, "--cache-dir", str(cache), target]
    subprocess.run(sl("check", *fill), cwd=cwd, capture_output=True)
    return in_worker("phases", cwd, *fill, "--jobs", "1")


def phases_table(result: dict[str, Any], lines: int) -> Iterator[str]:
    phases = dict(sorted(result["phases"].items(), key=lambda item: -item[1]))
    measured = result["imports"] + result["total"]
    yield f"CPU in one process: {measured:.2f} s, {lines / measured:,.0f} lines of the target per CPU-s."
    yield ""
    yield "| phase | CPU s | share | calls |"
    yield "|---|---:|---:|---:|"
    yield f"| imports (libcst, rules, reporters) | {result['imports']:.2f} | {result['imports'] / measured:.0%} | 1 |"
    for phase, seconds in phases.items():
        yield f"| {phase} | {seconds:.2f} | {seconds / measured:.0%} | {result['calls'][phase]} |"
    unaccounted = result["total"] - sum(phases.values())
    yield f"| click, interpreter exit, unwrapped | {unaccounted:.2f} | {unaccounted / measured:.0%} | |"


def rules_table(result: dict[str, Any]) -> Iterator[str]:
    yield (f"Parse alone: {result['parse']:.2f} s. Per file without rules (noqa, context): {result['base']:.2f} s. "
           f"Bare walk (one no-op visitor): {result['walk']:.2f} s. All rules together, beyond the walk: "
           f"{result['together']:.2f} s (sum of the marginals: {sum(result['rules'].values()):.2f} s; the "
           "difference is shared metadata and noise).")
    yield ""
    yield "| rule | marginal CPU s |"
    yield "|---|---:|"
    for code, seconds in sorted(result["rules"].items(), key=lambda item: -item[1]):
        yield f"| {code} | {seconds:.3f} |"


def pool_and_cache(cwd: Path, target: str, lines: int, repeat: int) -> Iterator[str]:
    cache = WORK / "cache" / "profile"
    runs = [
        ("`--jobs 1 --no-cache`", sl("check", *SL_ALL, "--jobs", "1", "--no-cache", target), None),
        ("`--jobs 2 --no-cache`", sl("check", *SL_ALL, "--jobs", "2", "--no-cache", target), None),
        ("`--jobs 1`, cold cache (writes it)", sl("check", *SL_ALL, "--jobs", "1", "--cache-dir", str(cache), target),
         cache),
        ("`--jobs 1`, warm cache", sl("check", *SL_ALL, "--jobs", "1", "--cache-dir", str(cache), target), None),
        ("`--jobs 2`, warm cache", sl("check", *SL_ALL, "--jobs", "2", "--cache-dir", str(cache), target), None),
    ]
    yield f"| run (best of {repeat} by CPU) | wall s | CPU s | lines/CPU-s |"
    yield "|---|---:|---:|---:|"
    for label, argv, fresh in runs:
        wall, cpu = best_cpu(argv, cwd, repeat, fresh)
        yield f"| {label} | {wall:.2f} | {cpu:.2f} | {lines / cpu:,.0f} |"


def cprofile_top(cwd: Path, target: str, top: int = 25) -> Iterator[str]:
    """cProfile of the whole one-process run, for the record (it inflates small Python calls)."""
    out = WORK / "profile.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "simplelint", "check", *SL_ALL,
                    "--jobs", "1", "--no-cache", target], cwd=cwd, capture_output=True)
    text = io.StringIO()
    pstats.Stats(str(out), stream=text).strip_dirs().sort_stats("tottime").print_stats(top)
    body = text.getvalue()
    yield "```"
    yield from body[body.index("ncalls") - 3 if "ncalls" in body else 0:].rstrip().splitlines()
    yield "```"


def project(name: str, per_rule: bool) -> Iterator[str]:
    """Phases, pool and cache for one project; per-rule costs and cProfile only where asked (they are slow)."""
    cwd, target = fetch(name), TARGETS[name]
    files = sorted((cwd / target).rglob("*.py"))
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    print(f"profiling {name} ...", file=sys.stderr)
    yield f"## {name} {PINNED[name]}, {target}/: {len(files)} files, {lines:,} lines"
    yield ""
    yield "### Phases (all rules, one process, no cache)"
    yield ""
    yield from phases_table(in_worker("phases", cwd, *SL_ALL, "--jobs", "1", "--no-cache", target), lines)
    yield ""
    yield "### Phases, warm cache (all rules, one process, every file unchanged since the previous run)"
    yield ""
    yield from phases_table(warm_phases(cwd, target), lines)
    yield ""
    if per_rule:
        yield "### Rules (marginal CPU over the bare walk, on already-parsed trees)"
        yield ""
        yield from rules_table(in_worker("rules", cwd, target))
        yield ""
    yield "### Process pool and cache (whole command, CPU of the process and its workers)"
    yield ""
    yield from pool_and_cache(cwd, target, lines, 3 if per_rule else 1)
    yield ""
    if per_rule:
        yield f"### cProfile of `simplelint check --select ALL --isolated --jobs 1 --no-cache {target}`, by own time"
        yield ""
        yield from cprofile_top(cwd, target)
        yield ""


def kept_analysis() -> str:
    if not RESULTS.exists():
        return f"{ANALYSIS_START}\n(analysis to be written)\n{ANALYSIS_END}\n"
    text = RESULTS.read_text(encoding="utf-8")
    if ANALYSIS_START not in text:
        return f"{ANALYSIS_START}\n(analysis to be written)\n{ANALYSIS_END}\n"
    return ANALYSIS_START + text.split(ANALYSIS_START, 1)[1].split(ANALYSIS_END, 1)[0] + ANALYSIS_END + "\n"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(TARGETS))
    parser.add_argument("--rules-on", choices=sorted(TARGETS), action="append", help="Per-rule costs (default flask).")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.worker:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
        found = worker_phases(rest) if args.worker == "phases" else worker_rules(rest[0])
        print(json.dumps(found))
        return
    names = [args.only] if args.only else list(TARGETS)
    # Every child measures the same copy of the working tree, whatever others edit meanwhile.
    os.environ["PYTHONPATH"] = str(snapshot("snapshot-profile"))
    per_rule = set(args.rules_on or ["flask"])
    command = f"python benchmarks/breakdown.py {' '.join(argv)}".rstrip()
    body = ["# Where simplelint's time goes", "", f"Written by `{command}` on {time.strftime('%Y-%m-%d')}, "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}.", ""]
    body += [*startup(fetch(names[0])), ""]
    for name in names:
        body += project(name, name in per_rule)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(kept_analysis() + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main(sys.argv[1:])
