"""Check the CI output formats on real projects: validity, agreement, fingerprint stability, render cost.

    python benchmarks/ci_formats.py flask django     # projects fetched by benchmarks/corpus.py

For each project, on a temporary copy: lint once with every default rule (as `check --isolated --no-cache`),
render every machine format from the same findings, validate the SARIF against the vendored OASIS schema,
parse the JUnit, check that all formats carry the same number of findings and that the fingerprints are
unique; then insert 3 blank lines at the top of every file (files with a shebang or coding cookie are left
alone), lint again and check that every fingerprint survived while the line numbers moved.
Prints a Markdown table; render times are CPU seconds (time.process_time), so other load does not count.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from simplelint.config.load import CliOverrides, load_settings  # noqa: E402
from simplelint.run.discovery import discover  # noqa: E402
from simplelint.output import ReportContext, common, renderer  # noqa: E402
from simplelint.run.runner import RunOptions, run  # noqa: E402
from simplelint.engine.violation import Violation  # noqa: E402

FORMATS = ["json", "json-lines", "sarif", "gitlab", "junit", "github"]
SCHEMA = json.loads((HERE.parent / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def lint() -> list[Violation]:
    settings = load_settings(["."], CliOverrides(isolated=True, compute_edits=True))
    files = discover(["."], settings)
    return run(files, settings, RunOptions(use_cache=False)).violations


def counts(texts: dict[str, str]) -> dict[str, int]:
    """Findings per format, each read back with a real parser."""
    sarif = json.loads(texts["sarif"])
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    junit = ET.fromstring(texts["junit"])
    return {
        "json": len(json.loads(texts["json"])),
        "json-lines": len(texts["json-lines"].splitlines()),
        "sarif": len(sarif["runs"][0]["results"]),
        "gitlab": len(json.loads(texts["gitlab"])),
        "junit": int(junit.get("failures", "0")),
        "github": len(texts["github"].splitlines()),
    }


def render_all(violations: list[Violation]) -> tuple[dict[str, str], dict[str, float]]:
    texts, seconds = {}, {}
    for name in FORMATS:
        start = time.process_time()
        texts[name] = renderer(name)(violations, ReportContext())
        seconds[name] = time.process_time() - start
    return texts, seconds


def shift(root: Path) -> set[str]:
    """Insert 3 blank lines at the top of each Python file that has no shebang or cookie; returns their paths."""
    moved = set()
    for path in root.rglob("*.py"):
        data = path.read_bytes()
        head = b"\n".join(data.splitlines()[:2])
        if data.startswith(b"#!") or COOKIE.search(head):
            continue
        path.write_bytes(b"\n\n\n" + data)
        moved.add(common.portable_path(os.path.relpath(path, root)))
    return moved


def stability(before: list[Violation], after: list[Violation], moved: set[str]) -> dict[str, Any]:
    keys_before = Counter(common.unique_fingerprints(before))
    keys_after = Counter(common.unique_fingerprints(after))
    lines_before = {k: v.line for k, v in zip(common.unique_fingerprints(before), before)}
    shifted = [
        v for k, v in zip(common.unique_fingerprints(after), after)
        if common.portable_path(v.path) in moved and lines_before.get(k) == v.line - 3
    ]
    return {
        "kept": sum((keys_before & keys_after).values()),
        "lost": sum((keys_before - keys_after).values()),
        "new": sum((keys_after - keys_before).values()),
        "moved_by_3": len(shifted),
        "in_moved_files": sum(1 for v in after if common.portable_path(v.path) in moved),
    }


def measure(name: str) -> dict[str, Any]:
    source = corpus.fetch(name)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / source.name
        shutil.copytree(source, root, symlinks=True)
        os.chdir(root)
        try:
            before = lint()
            texts, seconds = render_all(before)
            found = counts(texts)
            unique = len(set(common.unique_fingerprints(before))) == len(before)
            moved = shift(root)
            after = lint()
        finally:
            os.chdir(HERE)
    return {
        "project": source.name,
        "findings": len(before),
        "by_format": found,
        "unique": unique,
        # Findings that share rule, file, scope and flagged code with an earlier one: told apart by rank only.
        "rank_derived": len(before) - len({common.fingerprint(v) for v in before}),
        "render_cpu_s": seconds,
        "bytes": {k: len(v.encode("utf-8")) for k, v in texts.items()},
        "files_shifted": len(moved),
        "stability": stability(before, after, moved),
    }


def table(rows: list[dict[str, Any]]) -> str:
    out = [
        "| project | findings | per format (json/jl/sarif/gitlab/junit/github) | fingerprints unique (rank-derived)"
        " | files shifted | kept / lost / new | moved by 3 lines |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        per = "/".join(str(row["by_format"][f]) for f in FORMATS)
        s = row["stability"]
        out.append(
            f"| {row['project']} | {row['findings']} | {per} | {row['unique']} ({row['rank_derived']}) | "
            f"{row['files_shifted']} | "
            f"{s['kept']} / {s['lost']} / {s['new']} | {s['moved_by_3']} of {s['in_moved_files']} |"
        )
    out += ["", "| project | " + " | ".join(f"{f} CPU s (KiB)" for f in FORMATS) + " |"]
    out.append("|---" * (len(FORMATS) + 1) + "|")
    for row in rows:
        cells = [f"{row['render_cpu_s'][f]:.3f} ({row['bytes'][f] / 1024:.0f})" for f in FORMATS]
        out.append(f"| {row['project']} | " + " | ".join(cells) + " |")
    return "\n".join(out)


if __name__ == "__main__":
    results = []
    for project in sys.argv[1:] or ["flask"]:
        results.append(measure(project))
        print(json.dumps(results[-1]), flush=True)
    print(table(results))
