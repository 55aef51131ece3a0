"""SL501/SL502 against vulture 2.x on real projects: the agreement table of benchmarks/results/dead-code.md.

    pip install vulture
    python benchmarks/dead_code_agreement.py django sqlalchemy more-itertools flask
    python benchmarks/dead_code_agreement.py --list flask     # also list every finding, ours and vulture's

Each project (an unpacked sdist from benchmarks/corpus.py, tests included) is checked whole by
`simplelint check --no-cache --select SL5 --config 'dead-code.library = "false"'` (every public name may be
reported, as vulture reports them) and by `vulture . --min-confidence N` for N = 100 and 60. Findings are
matched by file and line; only functions, methods and classes count (vulture's variables, imports,
attributes and unreachable code are no SL5 findings).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import fetch  # noqa: E402

_VULTURE = re.compile(r"(?P<path>.+?):(?P<line>\d+): unused (?P<kind>function|method|class) '(?P<name>[^']+)'")
Finding = tuple[str, int]  # path relative to the project, line


def ours(folder: Path) -> dict[Finding, str]:
    command = [
        sys.executable, "-m", "simplelint", "check", "--no-cache", "-j2", ".", "--select", "SL5",
        "--config", 'dead-code.library = "false"', "--output-format", "json", "--exit-zero",
    ]  # fmt: skip
    output = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True).stdout
    return {
        (item["filename"], item["location"]["row"]): f"{item['code']} {item['message'].split(' is never')[0]}"
        for item in json.loads(output)
        if item["code"] in ("SL501", "SL502")
    }


def vulture(folder: Path, confidence: int) -> dict[Finding, str]:
    command = [sys.executable, "-m", "vulture", ".", "--min-confidence", str(confidence)]
    output = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False).stdout
    found = {}
    for line in output.splitlines():
        match = _VULTURE.match(line)
        if match:
            path = match["path"].removeprefix("./")
            found[(path, int(match["line"]))] = f"{match['kind']} {match['name']} ({line.rsplit('(', 1)[-1]}"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("projects", nargs="+")
    parser.add_argument("--list", action="store_true", help="list the findings of each side")
    args = parser.parse_args()
    rows = ["| project | ours | vulture 100% | both | vulture 60% | both | ours only (not in vulture 60%) |",
            "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name in args.projects:
        folder = fetch(name)
        mine = ours(folder)
        certain, likely = vulture(folder, 100), vulture(folder, 60)
        only = sorted(set(mine) - set(likely))
        rows.append(
            f"| {folder.name} | {len(mine)} | {len(certain)} | {len(set(mine) & set(certain))} | {len(likely)} | "
            f"{len(set(mine) & set(likely))} | {len(only)} |"
        )
        if args.list:
            print_listing(folder.name, mine, likely)
    print("\n".join(rows))


def print_listing(name: str, mine: dict[Finding, str], likely: dict[Finding, str]) -> None:
    """Each finding of either side, with the side that has it."""
    print(f"## {name}")
    for key in sorted(set(mine) | set(likely)):
        side = "both" if key in mine and key in likely else "ours" if key in mine else "vulture"
        print(f"{side:8} {key[0]}:{key[1]}  {mine.get(key) or likely.get(key)}")


if __name__ == "__main__":
    main()
