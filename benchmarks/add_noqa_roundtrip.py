"""`check --add-noqa` on a copy of real projects, then check again (issue 15).

    python benchmarks/add_noqa_roundtrip.py flask requests     # names as benchmarks/corpus.py knows them

For each project: a copy in a temporary folder (the corpus stays read-only); the findings before; --add-noqa;
then the figures that must hold: no finding left that a noqa can suppress, every file that compiled still
compiles, and the lines changed equal the lines that hold findings (after moving a finding inside a multi-line
string or a backslash continuation to the line where its noqa goes), each changed in place (no line added).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import fetch  # noqa: E402

from simplelint.adoption.add_noqa import NOT_SUPPRESSIBLE  # noqa: E402
from simplelint.engine.suppression import noqa_lines  # noqa: E402
from simplelint.rules.core import FILE_LEVEL  # noqa: E402


def check(folder: Path, *args: str) -> tuple[int, str, str]:
    # No time budget: on a loaded machine a file that times out (SL006) would drop its findings from one run.
    command = [sys.executable, "-m", "simplelint", "check", "--no-cache", "--file-timeout", "0", *args, "."]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def compiles(data: bytes, path: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def expected_lines(folder: Path, findings: list[dict[str, object]]) -> tuple[set[tuple[str, int]], int]:
    """The lines --add-noqa should change, and how many findings move to another line than their own."""
    skipped = {str(f["filename"]) for f in findings if f["code"] in FILE_LEVEL}
    mapping: dict[str, dict[int, int]] = {}
    targets: set[tuple[str, int]] = set()
    moved = 0
    for finding in findings:
        path = str(finding["filename"])
        if path in skipped or finding["code"] in NOT_SUPPRESSIBLE:
            continue
        if path not in mapping:
            mapping[path] = noqa_lines((folder / path).read_bytes().decode("utf-8", "replace"))
        line = int(finding["location"]["row"])  # type: ignore[index]
        target = mapping[path].get(line, line)
        moved += target != line
        targets.add((path, target))
    return targets, moved


def changed_lines(before: dict[Path, bytes], folder: Path) -> tuple[int, int, int]:
    """(lines changed in place, files whose line count changed, files that compiled and no longer do)."""
    changed = grown = broken = 0
    for path, old in before.items():
        new = path.read_bytes()
        if new == old:
            continue
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        if len(old_lines) != len(new_lines):
            grown += 1
        changed += sum(1 for a, b in zip(old_lines, new_lines) if a != b)
        broken += compiles(old, str(path)) and not compiles(new, str(path))
    return changed, grown, broken


def roundtrip(name: str) -> dict[str, object]:
    source = fetch(name)
    with tempfile.TemporaryDirectory(prefix=f"add-noqa-{name}-") as temp:
        folder = Path(temp) / source.name
        shutil.copytree(source, folder)
        before = {path: path.read_bytes() for path in folder.rglob("*.py*") if path.suffix in (".py", ".pyi")}
        _, out, _ = check(folder, "--output-format", "json")
        findings = json.loads(out)
        targets, moved = expected_lines(folder, findings)
        start = time.perf_counter()
        code, _, err = check(folder, "--add-noqa")
        seconds = time.perf_counter() - start
        changed, grown, broken = changed_lines(before, folder)
        unchecked = {str(f["filename"]) for f in findings if f["code"] in FILE_LEVEL}
        touched = sum(1 for path in unchecked if (folder / path).read_bytes() != before.get(folder / path))
        _, out, _ = check(folder, "--output-format", "json")
        left = Counter(str(f["code"]) for f in json.loads(out))
        suppressible = sum(n for code_, n in left.items() if code_ not in NOT_SUPPRESSIBLE | FILE_LEVEL)
        return {
            "project": source.name,
            "files": len(before),
            "findings": len(findings),
            "lines with findings": len(targets),
            "moved to the statement end": moved,
            "exit": code,
            "said": err.strip().splitlines()[-1] if err.strip() else "",
            "lines changed": changed,
            "files with lines added": grown,
            "files that no longer compile": broken,
            "files not checked (SL001, SL002, SL004-SL006)": len(unchecked),
            "of them changed": touched,
            "left after": dict(left),
            "left that noqa can suppress": suppressible,
            "seconds": round(seconds, 1),
        }


def main(names: list[str]) -> None:
    for name in names:
        print(json.dumps(roundtrip(name)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["flask"])
