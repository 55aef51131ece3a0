"""Per-file analysis CPU of two checkouts of simplelint, file by file side by side (steadier than whole runs
minutes apart on a loaded machine): one worker process per checkout, each analysing the file the other just
did, with the default rules and no cache. Covers the engine (parse, rules, facts); not the runner, the
project stage or the reporters.

    [IGNORE=CODES] python benchmarks/paired_versions.py OLD_CHECKOUT NEW_CHECKOUT [FOLDER]   # default: Django's django/
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WORKER = """
import os, sys, time
from pathlib import Path
from simplelint.config.load import CliOverrides, load_settings
from simplelint.engine.analysis import analyse
from simplelint.ruleinfo import AST_SUMMARIES, python_ast
from simplelint.run.discovery import discover
target = sys.argv[1]
settings = load_settings([target], CliOverrides(ignore=sys.argv[2:]))
settings.cache_dir = None
files = discover([target], settings)
print(len(files), flush=True)
for line in sys.stdin:
    path = files[int(line)]
    data = Path(path).read_bytes()
    python_ast.cache_clear()
    for summary in AST_SUMMARIES:
        summary.cache_clear()
    began = time.process_time()
    analyse(path, data, settings)
    print(time.process_time() - began, flush=True)
"""


def main() -> None:
    old, new = sys.argv[1], sys.argv[2]
    ignore = os.environ.get("IGNORE", "").split()  # e.g. IGNORE=SL503: rules left out of both
    folder = sys.argv[3] if len(sys.argv) > 3 else str(Path.home() / ".cache/simplelint-corpus/Django-5.1.4/django")
    cwd, target = os.path.dirname(os.path.abspath(folder)), os.path.basename(os.path.abspath(folder))
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, target, *ignore], cwd=cwd, text=True,
                         env={**os.environ, "PYTHONPATH": checkout}, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for checkout in (old, new)
    ]  # fmt: skip
    counts = {int(w.stdout.readline()) for w in workers if w.stdout}
    assert len(counts) == 1, counts
    spent = [0.0, 0.0]
    for index in range(counts.pop()):
        order = (0, 1) if index % 2 else (1, 0)
        for which in order:
            worker = workers[which]
            assert worker.stdin and worker.stdout
            worker.stdin.write(f"{index}\n")
            worker.stdin.flush()
            spent[which] += float(worker.stdout.readline())
    for worker in workers:
        if worker.stdin:
            worker.stdin.close()
        worker.wait()
    print(f"{old}: {spent[0]:.2f} s CPU; {new}: {spent[1]:.2f} s CPU ({100 * (spent[1] / spent[0] - 1):+.1f}%)")


if __name__ == "__main__":
    main()
