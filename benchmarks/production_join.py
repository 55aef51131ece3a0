"""SL4xx on a real project: what it finds, and how long the transitive join (SL402's check_project) takes.

    python benchmarks/production_join.py ~/.cache/simplelint-corpus/seaborn-0.13.2 \\
        --scenario 'seaborn/_stats/**' --scenario 'seaborn/_marks/**,seaborn/palettes.py' --scale 100

The per-file stage (parse, import facts, SL401) runs once with every file marked as production; each
scenario (comma-separated production globs) then keeps SL401 findings of its own production files, which
is what a run with those globs reports, since SL401 looks at one file at a time. The project stage is
timed on its own, as the median of `--repeat` runs, and with `--scale N` on N renamed copies of the facts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from dataclasses import replace
from typing import Any

from simplelint.config.load import CliOverrides, load_settings
from simplelint.run.discovery import discover
from simplelint.engine.result import FileResult
from simplelint.rule import FileFacts, Project
from simplelint.rules.production import PandasInProductionViaImport
from simplelint.run.runner import RunOptions, _map
from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation


def _timed(project: Project, options: dict[str, Any], repeat: int) -> tuple[list[Violation], float, float]:
    """The findings, and the median wall and CPU seconds of `repeat` joins (CPU time is steadier on a busy box)."""
    wall, cpu = [], []
    found: list[Violation] = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        found = PandasInProductionViaImport.check_project(project, options)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return found, statistics.median(wall), statistics.median(cpu)


def _renamed(file: FileFacts, top: str, copy: int) -> FileFacts:
    """A copy of the file under package `top_<copy>`, its absolute imports of `top` renamed to match."""

    def rename(name: str) -> str:
        return f"{top}_{copy}{name[len(top):]}" if name == top or name.startswith(top + ".") else name

    imports = [{**fact, "module": rename(fact["module"])} for fact in file.facts.get("imports", [])]
    module = rename(file.module_name) if file.module_name else None
    return FileFacts(f"{copy}/{file.path}", module, file.is_test, file.is_production, {"imports": imports})


def _scenario(results: list[FileResult], settings: Settings, globs: list[str], args: argparse.Namespace) -> None:
    marked = replace(settings, production=tuple(globs))
    files = [FileFacts(r.path, r.module_name, r.is_test, marked.is_production(r.path), r.facts) for r in results]
    project = Project(files, marked)
    production = {f.path for f in files if f.is_production}
    direct = [v for r in results if r.path in production for v in r.violations if v.code == "SL401"]
    found, join, join_cpu = _timed(project, {"banned": args.banned}, args.repeat)
    print(f"\n## production = {globs}\nproduction files: {len(production)}; SL401: {len(direct)}, SL402: {len(found)}")
    print(f"project stage (SL402 check_project, median of {args.repeat}): ", end="")
    print(f"{join * 1000:.2f} ms wall, {join_cpu * 1000:.2f} ms CPU")
    lengths = Counter(v.message.split(" through ")[1].count(" -> ") for v in found)
    print("SL402 chain lengths (modules before the banned one -> findings):", dict(sorted(lengths.items())))
    for violation in sorted(found, key=lambda v: -v.message.count(" -> "))[:5]:
        print(f"  {violation.path}:{violation.line}: {violation.message.split(':')[0]}")
    if args.scale:
        top = globs[0].split("/")[0]  # the package the first glob is in
        copies = [_renamed(f, top, k) for k in range(args.scale) for f in files]
        big, big_join, big_cpu = _timed(Project(copies, marked), {"banned": args.banned}, max(3, args.repeat // 10))
        facts = sum(len(f.facts["imports"]) for f in copies)
        print(f"scaled x{args.scale}: {len(copies)} files, {facts} import facts, SL402: {len(big)}, ", end="")
        print(f"join {big_join * 1000:.1f} ms wall, {big_cpu * 1000:.1f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--scenario", action="append", required=True, help="comma-separated production globs")
    parser.add_argument("--banned", action="append", help="banned module (repeatable; default pandas)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--scale", type=int, default=0, help="also time the join on N renamed copies")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    args.banned = args.banned or ["pandas"]
    os.chdir(args.project)
    config = ["production = ['**']", f"production-imports.banned = {args.banned!r}"]
    settings = load_settings(["."], CliOverrides(select=["SL4"], isolated=True, config=config))
    files = discover(["."], settings)
    start = time.perf_counter()
    results = sorted(_map(files, settings, RunOptions(jobs=args.jobs, use_cache=False)), key=lambda r: r.path)
    facts = sum(len(r.facts.get("imports", [])) for r in results)
    print(f"files: {len(files)}, import facts: {facts}, banned: {args.banned}")
    print(f"per-file stage (parse + facts + SL401, all files): {time.perf_counter() - start:.2f} s wall")
    for scenario in args.scenario:
        _scenario(results, settings, scenario.split(","), args)


if __name__ == "__main__":
    main()
