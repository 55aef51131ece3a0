"""CPU time (user + sys of the command and its children) of whole `simplelint check` runs, round-robin.

    python benchmarks/cold_cpu.py --runs 3 --cwd DIR NAME='COMMAND' [NAME='COMMAND' ...]

Each command runs `--runs` times, the commands interleaved so that a busy spell on the shared machine hits
them alike; the minimum is the figure to compare (the least disturbed run), the median is printed too.
"""

from __future__ import annotations

import argparse
import resource
import shlex
import statistics
import subprocess
import time


def cpu_of(command: str, cwd: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(shlex.split(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cwd", default=".")
    parser.add_argument("commands", nargs="+", help="NAME=COMMAND")
    args = parser.parse_args()
    named = [c.split("=", 1) for c in args.commands]
    times: dict[str, list[float]] = {name: [] for name, _ in named}
    for run in range(args.runs):
        for name, command in named:
            cpu, wall = cpu_of(command, args.cwd)
            times[name].append(cpu)
            print(f"run {run + 1} {name}: {cpu:.2f} s CPU ({wall:.1f} s wall)", flush=True)
    first = min(times[named[0][0]])
    print(f"\n| run | CPU s, min of {args.runs} | median | vs {named[0][0]} |\n|---|---:|---:|---:|")
    for name, command in named:
        best, median = min(times[name]), statistics.median(times[name])
        print(f"| {name} `{command}` | {best:.2f} | {median:.2f} | {100 * (best / first - 1):+.1f}% |")


if __name__ == "__main__":
    main()
