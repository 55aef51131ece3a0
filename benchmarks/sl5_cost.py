"""What SL501-SL503 add to a cold run, measured side by side in one process (issue 17's bar: at most 10%).

    python benchmarks/sl5_cost.py [FOLDER]     # default: Django-5.1.4/django in the corpus

A cold `simplelint check FOLDER --no-cache` does three things, and each is timed for the default rules and
for `--ignore SL5`, in CPU seconds:

- per file: every file the run analyses, the checked ones and those read only for project rules' facts
  (Django's tests, for SL301 and dead code), the two variants one after the other, file by file, in an order
  that rotates, with CPython's cached trees dropped before each (the pool's workers tune the garbage
  collector as this script does);
- transfer: each result pickled (by the worker) and unpickled (by the parent);
- project stage: the joins, three times each, alternating; the least is kept.

Whole runs minutes apart differ by 20-30% in CPU on a shared machine; these pairs see the same disturbance.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import time
from pathlib import Path

from simplelint.config.load import CliOverrides, load_settings
from simplelint.config.nearest import Configs
from simplelint.engine.analysis import analyse
from simplelint.engine.result import FileResult
from simplelint.ruleinfo import AST_SUMMARIES, python_ast
from simplelint.run import runner
from simplelint.run.discovery import discover

VARIANTS = {"default": CliOverrides(), "no-SL5": CliOverrides(ignore=["SL5"])}


def _analysed(path: str, data: bytes, settings: object) -> tuple[FileResult, float]:
    python_ast.cache_clear()
    for summary in AST_SUMMARIES:
        summary.cache_clear()  # type: ignore[attr-defined]
    began = time.process_time()
    result = analyse(path, data, settings).result  # type: ignore[arg-type]
    return result, time.process_time() - began


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else str(Path.home() / ".cache/simplelint-corpus/Django-5.1.4/django")
    os.chdir(os.path.dirname(os.path.abspath(folder)))
    target = os.path.basename(os.path.abspath(folder))
    settings = {name: load_settings([target], cli) for name, cli in VARIANTS.items()}
    for each in settings.values():
        each.cache_dir = None
    files = discover([target], settings["default"])
    extra = {
        name: runner._fact_paths(files, each, Configs.of(each), set(files))  # noqa: SLF001
        for name, each in settings.items()
    }
    paths = files + sorted(set(extra["default"]) | set(extra["no-SL5"]))
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)  # as runner._init_worker sets it in each worker
    names = list(settings)
    per_file = dict.fromkeys(names, 0.0)
    transfer = dict.fromkeys(names, 0.0)
    # Pickled as a worker sends them: held as bytes, which the garbage collector never scans (a worker
    # holds no result; holding thousands of them here made every collection slower for both variants).
    sent: dict[str, list[bytes]] = {name: [] for name in names}
    for name in names:  # imports and first-use caches, paid by whichever variant comes first
        _analysed(files[0], Path(files[0]).read_bytes(), settings[name])
    for number, path in enumerate(paths):
        data = Path(path).read_bytes()
        for name in names[number % 2 :] + names[: number % 2]:
            wanted = extra[name].get(path)
            if path not in files and wanted is None:
                continue  # read for facts by the other variant only
            result, spent = _analysed(path, data, settings[name].for_facts(wanted) if wanted else settings[name])
            per_file[name] += spent
            began = time.process_time()
            sent[name].append(pickle.dumps(result))
            transfer[name] += time.process_time() - began
    results: dict[str, list[FileResult]] = {}
    for name in names:
        began = time.process_time()
        results[name] = [pickle.loads(each) for each in sent[name]]
        transfer[name] += time.process_time() - began
    stage = dict.fromkeys(names, float("inf"))
    for _ in range(3):
        for name in names:
            project = runner._project(results[name], settings[name], None)  # noqa: SLF001
            began = time.process_time()
            runner._project_stage(project, [], runner.Said())  # noqa: SLF001
            stage[name] = min(stage[name], time.process_time() - began)
    base = per_file["no-SL5"] + transfer["no-SL5"] + stage["no-SL5"]
    print(f"{len(files)} files checked, {len(extra['default'])} read for facts only; CPU seconds:")
    print(f"{'':10s} {'per file':>9s} {'transfer':>9s} {'project':>9s} {'total':>9s}")
    for name in names:
        total = per_file[name] + transfer[name] + stage[name]
        print(f"{name:10s} {per_file[name]:9.2f} {transfer[name]:9.2f} {stage[name]:9.2f} {total:9.2f}"
              f"  {100 * (total / base - 1):+.1f}%")  # fmt: skip


if __name__ == "__main__":
    main()
