"""SL503 (duplicate-code) against pylint's duplicate-code (R0801) on the same files of real projects.

    python benchmarks/duplicates_agreement.py [NAME ...] [--out DIR] [--reuse]

For each project (unpacked sdists in ~/.cache/simplelint-corpus, see corpus.py) it runs, from the project's
folder and on the same `.py` files (stubs left out: simplelint does not read them):

    simplelint check --no-cache --isolated --select SL503 --output-format json FILES...
    pylint --disable=all --enable=duplicate-code --min-similarity-lines=6 --output-format=json FILES...

and compares pairs of regions. A simplelint finding is a pair (later copy, first copy). pylint reports
groups of files with a common block; each group gives the pairs (later member, first member) in path
order, as simplelint reports them. A pair is found by both when the other tool has regions overlapping its
two sides in the same two files (for simplelint, also two copies of one source: pylint pairs copies with
each other). pylint never compares a file with itself, so same-file findings are counted apart.

Writes DIR/<name>-sl503.txt (our findings with both copies' code, for checking by hand) and prints the
agreement table in markdown. `--reuse` reads pylint's earlier output from DIR instead of running it again
(it takes minutes on Django and SQLAlchemy).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path.home() / ".cache" / "simplelint-corpus"
# The parts of each project compared (pylint's pairwise comparison is slow on all of Django and SQLAlchemy).
PROJECTS = {
    "more-itertools": ("more-itertools-10.5.0", ["more_itertools", "tests"]),
    "flask": ("flask-3.1.0", ["src", "tests"]),
    "sqlalchemy": (
        "sqlalchemy-2.0.36",
        ["lib/sqlalchemy/orm", "lib/sqlalchemy/engine", "lib/sqlalchemy/dialects", "test/dialect", "test/engine"],
    ),
    "django": (
        "Django-5.1.4",
        ["django/db", "django/forms", "django/contrib/admin", "django/contrib/auth", "tests/forms_tests",
         "tests/model_forms", "tests/admin_views"],
    ),  # fmt: skip
}
_SL503 = re.compile(r"(\d+) lines duplicate (.+):(\d+)-(\d+); extract a function")
_PYLINT_MEMBER = re.compile(r"^==(.+?):\[(\d+):(\d+)\]$", re.M)


@dataclass(frozen=True, order=True)
class Region:
    path: str
    start: int
    end: int  # lines, 1-based, inclusive

    def overlaps(self, other: Region) -> bool:
        return self.path == other.path and self.start <= other.end and other.start <= self.end


Pair = tuple[Region, Region]  # (later copy, first copy)


def python_files(root: Path, parts: list[str]) -> list[str]:
    found: list[str] = []
    for part in parts:
        for folder, _, names in os.walk(root / part):
            found += [os.path.relpath(os.path.join(folder, n), root) for n in names if n.endswith(".py")]
    return sorted(found)


def module_name(path: str, root: Path) -> str:
    """The name pylint gives a file: its folders up to the first one without `__init__.py`."""
    parts = [Path(path).stem]
    folder = (root / path).parent
    while (folder / "__init__.py").exists() and folder != root:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def run_simplelint(root: Path, files: list[str]) -> tuple[list[Pair], float]:
    command = [sys.executable, "-m", "simplelint", "check", "--no-cache", "--isolated", "--select", "SL503",
               "--output-format", "json", *files]  # fmt: skip
    began = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    pairs = []
    for finding in json.loads(done.stdout):
        match = _SL503.search(finding["message"])
        assert match, finding["message"]
        copy = Region(finding["filename"], finding["location"]["row"], finding["end_location"]["row"])
        pairs.append((copy, Region(match.group(2), int(match.group(3)), int(match.group(4)))))
    return pairs, seconds


def run_pylint(root: Path, files: list[str], saved: Path, reuse: bool) -> tuple[list[Pair], float]:
    seconds = 0.0
    if not (reuse and saved.exists()):
        command = [sys.executable, "-m", "pylint", "--disable=all", "--enable=duplicate-code",
                   "--min-similarity-lines=6", "--output-format=json", *files]  # fmt: skip
        began = time.perf_counter()
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - began
        saved.write_text(done.stdout or "[]")
    by_module = {module_name(f, root): f for f in files}
    pairs: list[Pair] = []
    for message in json.loads(saved.read_text()):
        members = sorted(
            Region(by_module[name], int(start) + 1, int(end))  # pylint's [start:end] is 0-based, end exclusive
            for name, start, end in _PYLINT_MEMBER.findall(message["message"])
        )  # fmt: skip
        pairs += [(member, members[0]) for member in members[1:]]
    return pairs, seconds


def found_in(pair: Pair, others: list[Pair]) -> bool:
    """Whether `others` hold regions overlapping both sides of `pair` that they pair with each other."""
    one, two = pair
    for copy, source in others:
        if (copy.overlaps(one) and source.overlaps(two)) or (copy.overlaps(two) and source.overlaps(one)):
            return True
    copies_of_one = [source for copy, source in others if copy.overlaps(one)]
    return any(copy.overlaps(two) and any(source.overlaps(s) for s in copies_of_one) for copy, source in others)


def logical_count(root: Path, region: Region) -> int:
    """The logical lines SL503 counts in a region (imports, docstrings, comments and blank lines do not)."""
    from simplelint.rules.duplicates.lines import lines_of

    text = (root / region.path).read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in lines_of(text) if region.start <= line.start <= region.end)


def show(root: Path, pair: Pair) -> str:
    lines = []
    for label, region in zip(("copy", "first"), pair):
        text = (root / region.path).read_text(encoding="utf-8", errors="replace").splitlines()
        lines.append(f"  {label} {region.path}:{region.start}-{region.end}")
        lines += [f"    | {line}" for line in text[region.start - 1 : min(region.end, region.start + 24)]]
    return "\n".join(lines)


def compare(name: str, out: Path, reuse: bool) -> dict[str, object]:
    folder, parts = PROJECTS[name]
    root = CORPUS / folder
    files = python_files(root, parts)
    ours, our_seconds = run_simplelint(root, files)
    theirs, their_seconds = run_pylint(root, files, out / f"{name}-pylint.json", reuse)
    same_file = [p for p in ours if p[0].path == p[1].path]
    cross = [p for p in ours if p[0].path != p[1].path]
    with open(out / f"{name}-sl503.txt", "w", encoding="utf-8") as listing:
        for number, pair in enumerate(ours, 1):
            agreed = "pylint too" if found_in(pair, theirs) else "only simplelint"
            listing.write(f"#{number} [{agreed}]\n{show(root, pair)}\n\n")
    short = 0  # pylint's pairs that are fewer than 6 logical lines (one long call or literal over many lines)
    with open(out / f"{name}-pylint-only.txt", "w", encoding="utf-8") as listing:
        for pair in theirs:
            if not found_in(pair, ours):
                count = min(logical_count(root, pair[0]), logical_count(root, pair[1]))
                short += count < 6
                listing.write(f"({count} logical lines)\n{show(root, pair)}\n\n")
    return {
        "project": name,
        "files": len(files),
        "lines": sum(len((root / f).read_bytes().splitlines()) for f in files),
        "ours": len(ours),
        "ours same file": len(same_file),
        "ours cross-file": len(cross),
        "cross-file, pylint too": sum(found_in(p, theirs) for p in cross),
        "pylint pairs": len(theirs),
        "pylint, simplelint too": sum(found_in(p, ours) for p in theirs),
        "pylint only, < 6 logical lines": short,
        "simplelint s": round(our_seconds, 1),
        "pylint s": round(their_seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", default=list(PROJECTS))
    parser.add_argument("--out", type=Path, default=Path("/tmp/sl503-agreement"))
    parser.add_argument("--reuse", action="store_true", help="read pylint's saved output instead of running it")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [compare(name, args.out, args.reuse) for name in args.names]
    heads = list(rows[0])
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in heads) + " |")


if __name__ == "__main__":
    main()
