"""What SL501-SL503 add to a cold run, measured side by side in one process (issue 17's bar: at most 10%).

    python benchmarks/sl5_cost.py [FOLDER] [--repeat N]     # default: Django-5.1.4/django in the corpus, N = 1

A cold `simplelint check FOLDER --no-cache` does three things, and each is timed for the default rules and
for `--ignore SL5`, in CPU seconds:

- per file: every file the run analyses, the checked ones and those read only for project rules' facts
  (Django's tests, for SL301 and dead code), the two variants one after the other, file by file, in an order
  that rotates, with CPython's cached trees dropped before each (the pool's workers tune the garbage
  collector as this script does); with `--repeat N`, each pair N times, the least CPU of each kept (a busy
  spell of the machine then moves a file's figure only when it hits all N tries);
- transfer: each result pickled (by the worker) and unpickled (by the parent);
- project stage: the joins, three times each, alternating; the least is kept.

Whole runs minutes apart differ by 20-30% in CPU on a shared machine; these pairs see the same disturbance.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import sys
import time
from pathlib import Path

from paired_cost import analysed, variants

from simplelint.config.load import CliOverrides
from simplelint.config.nearest import Configs
from simplelint.config.settings import Settings
from simplelint.engine.result import FileResult
from simplelint.run import runner

VARIANTS = {"default": CliOverrides(), "no-SL5": CliOverrides(ignore=["SL5"])}
NAMES = list(VARIANTS)


Sent = dict[str, list[bytes]]


def per_file(
    settings: dict[str, Settings], files: list[str], repeat: int
) -> tuple[dict[str, float], dict[str, float], Sent]:
    """CPU of each variant's analyses and of pickling its results as a worker sends them (held as bytes,
    which the garbage collector never scans: a worker holds no result), and the pickles."""
    extra = {name: runner._fact_paths(files, each, Configs.of(each), set(files)) for name, each in settings.items()}  # noqa: SLF001
    paths = files + sorted(set(extra["default"]) | set(extra["no-SL5"]))
    spent, pickling = dict.fromkeys(NAMES, 0.0), dict.fromkeys(NAMES, 0.0)
    sent: Sent = {name: [] for name in NAMES}
    for name in NAMES:  # imports and first-use caches, paid by whichever variant comes first
        analysed(files[0], Path(files[0]).read_bytes(), settings[name])
    for number, path in enumerate(paths):
        data = Path(path).read_bytes()
        read_by = _variants_of(path, files, settings, extra)
        for name, (result, cpu) in _least(path, data, read_by, number % 2, repeat).items():
            spent[name] += cpu
            began = time.process_time()
            sent[name].append(pickle.dumps(result))
            pickling[name] += time.process_time() - began
    print(f"{len(files)} files checked, {len(extra['default'])} read for facts only; CPU seconds:")
    return spent, pickling, sent


def _variants_of(
    path: str, files: list[str], settings: dict[str, Settings], extra: dict[str, dict[str, tuple[str, ...]]]
) -> dict[str, Settings]:
    """The settings each variant analyses the file with; a variant that does not read it is left out (a file
    read for facts by the other variant only)."""
    found = {}
    for name in NAMES:
        wanted = extra[name].get(path)
        if path in files or wanted is not None:
            found[name] = settings[name].for_facts(wanted) if wanted else settings[name]
    return found


def _least(
    path: str, data: bytes, read_by: dict[str, Settings], first: int, repeat: int
) -> dict[str, tuple[FileResult, float]]:
    """Each variant's analysis of the file and its least CPU over `repeat` tries, the variants taking turns
    (`first` goes first)."""
    found: dict[str, tuple[FileResult, float]] = {}
    for _ in range(repeat):
        for name in NAMES[first:] + NAMES[:first]:
            if name in read_by:
                result, cpu = analysed(path, data, read_by[name])
                found[name] = (result, min(cpu, found[name][1]) if name in found else cpu)
    return found


def project_stage(settings: dict[str, Settings], sent: Sent) -> tuple[dict[str, float], dict[str, float]]:
    """CPU of unpickling the results in the parent, and of the project stage (the least of three)."""
    transfer, stage = dict.fromkeys(NAMES, 0.0), dict.fromkeys(NAMES, float("inf"))
    results: dict[str, list[FileResult]] = {}
    for name in NAMES:
        began = time.process_time()
        results[name] = [pickle.loads(each) for each in sent[name]]
        transfer[name] += time.process_time() - began
    for _ in range(3):
        for name in NAMES:
            project = runner._project(results[name], settings[name], None)  # noqa: SLF001
            began = time.process_time()
            runner._project_stage(project, [], runner.Said())  # noqa: SLF001
            stage[name] = min(stage[name], time.process_time() - began)
    return transfer, stage


def main() -> None:
    parser = argparse.ArgumentParser(description="What SL501-SL503 add to a cold run, in CPU seconds.")
    parser.add_argument("folder", nargs="?", default=str(Path.home() / ".cache/simplelint-corpus/Django-5.1.4/django"))
    parser.add_argument("--repeat", type=int, default=1, help="analyse each file N times per variant, keep the least")
    arguments = parser.parse_args()
    folder, repeat = arguments.folder, arguments.repeat
    settings, files = variants(folder, VARIANTS)
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)  # as runner._init_worker sets it in each worker
    analysed, pickling, sent = per_file(settings, files, repeat)
    transfer, stage = project_stage(settings, sent)
    transfer = {name: transfer[name] + pickling[name] for name in NAMES}
    print(f"{'':10s} {'per file':>9s} {'transfer':>9s} {'project':>9s} {'total':>9s}")
    base = analysed["no-SL5"] + transfer["no-SL5"] + stage["no-SL5"]
    for name in NAMES:
        total = analysed[name] + transfer[name] + stage[name]
        print(f"{name:10s} {analysed[name]:9.2f} {transfer[name]:9.2f} {stage[name]:9.2f} {total:9.2f}"
              f"  {100 * (total / base - 1):+.1f}%")  # fmt: skip


if __name__ == "__main__":
    main()
