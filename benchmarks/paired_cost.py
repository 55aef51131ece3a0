"""What a setting adds to the per-file work of a cold run, measured in one process as CPU time, file by file,
the variants side by side (a busy spell on the shared machine hits them alike; two whole runs minutes apart
differ by 20% on a loaded machine).

    python benchmarks/paired_cost.py [FOLDER]     # default: Django-5.1.4/django in the corpus

Variants: the default rules; with a gate (`--config "gates.min-type-coverage = 10"`, which adds the
FunctionMetrics collector); with the HTML report's collectors; without SL503; without SL5 (SL501-SL503). Each file is analysed once per
variant, in an order that rotates from file to file, with CPython's cached trees dropped before each so that
no variant parses for another. The project stage and the reporters are not included (gates add a sum there).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from simplelint.config.load import CliOverrides, load_settings
from simplelint.config.settings import Settings
from simplelint.engine.analysis import analyse
from simplelint.engine.result import FileResult
from simplelint.output.html_page import COLLECTORS
from simplelint.ruleinfo import AST_SUMMARIES, python_ast
from simplelint.run.discovery import discover

VARIANTS = {
    "default": CliOverrides(),
    "gates": CliOverrides(config=["gates.min-type-coverage = 10"]),
    "html": CliOverrides(collectors=COLLECTORS),
    "no-SL503": CliOverrides(ignore=["SL503"]),
    "no-SL5": CliOverrides(ignore=["SL5"]),  # issue 17's bar: dead and duplicated code add at most 10%
}


def variants(folder: str, overrides: dict[str, CliOverrides]) -> tuple[dict[str, Settings], list[str]]:
    """Each variant's settings for `folder` (the cache off), and its files, from the folder above it."""
    folder = os.path.abspath(folder)  # before the chdir: "." names the folder it is run in
    os.chdir(os.path.dirname(folder))
    target = os.path.basename(folder)
    settings = {name: load_settings([target], cli) for name, cli in overrides.items()}
    for each in settings.values():
        each.cache_dir = None
    return settings, discover([target], settings["default"])


def analysed(path: str, data: bytes, settings: Settings) -> tuple[FileResult, float]:
    """The file's analysis and its CPU time, CPython's cached trees dropped first (no variant parses for
    another)."""
    python_ast.cache_clear()
    for summary in AST_SUMMARIES:
        summary.cache_clear()  # type: ignore[attr-defined]
    began = time.process_time()
    result = analyse(path, data, settings).result
    return result, time.process_time() - began


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else str(Path.home() / ".cache/simplelint-corpus/Django-5.1.4/django")
    settings, files = variants(folder, VARIANTS)
    names = list(settings)
    spent = dict.fromkeys(names, 0.0)
    for name in names:  # imports and first-use caches, paid by whichever variant comes first
        analyse(files[0], Path(files[0]).read_bytes(), settings[name])
    for number, path in enumerate(files):
        data = Path(path).read_bytes()
        for name in names[number % len(names) :] + names[: number % len(names)]:
            spent[name] += analysed(path, data, settings[name])[1]
    print(f"{len(files)} files, per-file analysis, CPU s:")
    for name in names:
        print(f"  {name:9s} {spent[name]:7.2f}  {100 * (spent[name] / spent['default'] - 1):+.1f}%")


if __name__ == "__main__":
    main()
