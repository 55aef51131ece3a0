"""What SL503 adds to a cold run, measured in one process as CPU time (the machine may be busy: a ratio of CPU
times measured side by side, file by file, is steadier than two wall-clock runs).

    python benchmarks/duplicates_cost.py [FOLDER]     # default: Django-5.1.4/django in the corpus

For every file: the engine's analysis with the default rules but SL503 (what a run without it does per file),
then SL503's collector on the same bytes; then SL503's join over all facts. Prints the totals, the share
SL503 adds and the size of its facts (JSON, as the cache keeps them).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from simplelint.config.load import CliOverrides, load_settings
from simplelint.engine.analysis import analyse, context_for
from simplelint.rule import FileFacts, Project, python_ast
from simplelint.rules.duplicates import OPTIONS, DuplicateCode
from simplelint.rules.duplicates.lines import DuplicateFacts
from simplelint.run.cache import _dump
from simplelint.run.discovery import discover


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else str(Path.home() / ".cache/simplelint-corpus/Django-5.1.4/django")
    os.chdir(os.path.dirname(os.path.abspath(folder)))
    target = os.path.basename(os.path.abspath(folder))
    without = load_settings([target], CliOverrides(ignore=["SL503"]))
    without.cache_dir = None
    files = discover([target], without)
    engine = collector = 0.0
    facts: list[FileFacts] = []
    entries = 0  # the JSON of every file's result (findings and other rules' facts), as the cache keeps it
    for path in files:
        data = Path(path).read_bytes()
        began = time.process_time()
        result = analyse(path, data, without).result
        engine += time.process_time() - began
        entries += len(json.dumps(_dump(result)))
        context = context_for(path, data, without)  # the engine's, made once per file whatever the rules
        began = time.process_time()
        tree = python_ast(data)  # cached: the engine parsed it for SL301 just now
        if tree is not None and DuplicateFacts.applies_to(context):
            packed = DuplicateFacts.collect(tree, context)
            facts.append(FileFacts(path, None, without.is_test(path), False, {DuplicateFacts.name: packed}))
        collector += time.process_time() - began
    began = time.process_time()
    found = DuplicateCode.check_project(Project(facts, without), {k: o.default for k, o in OPTIONS.items()})
    join = time.process_time() - began
    size = sum(len(json.dumps(f.facts[DuplicateFacts.name])) for f in facts)
    added = collector + join
    print(f"{len(files)} files, {len(found)} SL503 findings")
    print(f"engine without SL503: {engine:.2f} s CPU")
    print(f"SL503 collector: {collector:.2f} s, join: {join:.2f} s: +{100 * added / engine:.1f}%")
    print(f"SL503 facts: {size / 1e6:.2f} MB of JSON ({size / len(files) / 1e3:.1f} KB a file); the files' cache "
          f"entries without them: {entries / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
