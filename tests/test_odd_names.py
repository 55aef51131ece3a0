"""File names that are not text (issue 14.6, 14.13): bytes that are not UTF-8, a newline, control characters.

Every output shows them escaped the same way (`caf\\xe9.py`, `new\\nline.py`) and none crashes, under a strict
UTF-8 stdout too; SARIF's URIs percent-encode the name's own bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from simplelint.output import FORMATS

NAMES = {b"caf\xe9.py": "caf\\xe9.py", b"new\nline.py": "new\\nline.py", b"ctl\x01.py": "ctl\\x01.py"}
SOURCE = b"x = 1\nif x == None:\n    pass\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    for name in NAMES:
        with open(os.path.join(os.fsencode(tmp_path / "pkg"), name), "wb") as out:
            out.write(SOURCE)
    return tmp_path


def simplelint(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # A strict UTF-8 stdout, as in a UTF-8 locale: an unescaped name could not be written at all.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONUTF8": "1"}
    command = [sys.executable, "-m", "simplelint", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "-o"])
def test_every_output_shows_odd_names_escaped(odd: Path, fmt: str, to_file: bool) -> None:
    output = ["-o", "report.out"] if to_file else []
    done = simplelint(odd, "check", "--isolated", "--no-cache", "--output-format", fmt, *output, "pkg")
    assert done.returncode == 1, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    text = (odd / "report.out").read_bytes() if to_file else done.stdout
    report = text.decode("utf-8")  # strict: no lone surrogate, no raw byte
    expected = {f"pkg/{shown}" for shown in NAMES.values()}
    if fmt == "json":
        assert {finding["filename"] for finding in json.loads(report)} == expected
    elif fmt == "json-lines":
        assert {json.loads(line)["filename"] for line in report.splitlines()} == expected
    elif fmt == "gitlab":
        assert {finding["location"]["path"] for finding in json.loads(report)} == expected
    elif fmt != "sarif":
        assert all(name in report for name in expected)
    if fmt == "sarif":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(report)["runs"][0]["results"]}
        assert uris == {"pkg/caf%E9.py", "pkg/new%0Aline.py", "pkg/ctl%01.py"}
    if fmt == "junit":
        ET.fromstring(report)  # valid XML
    if fmt in ("concise", "github"):
        assert len([line for line in report.splitlines() if "SL111" in line]) == 3  # one line each


def test_baseline_and_html_report_take_odd_names(odd: Path) -> None:
    done = simplelint(odd, "baseline", "--isolated", "--no-cache", "pkg")
    assert done.returncode == 0, done.stderr.decode()
    baseline = (odd / ".simplelint-baseline.json").read_text(encoding="utf-8")
    assert all(f"pkg/{shown}".replace("\\", "\\\\") in baseline for shown in NAMES.values())
    assert simplelint(odd, "check", "--isolated", "--no-cache", "pkg").returncode == 0  # all baselined
    done = simplelint(odd, "report", "--isolated", "--no-cache", "--html", "html", "pkg")
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode()
    page = (odd / "html" / "index.html").read_text(encoding="utf-8")
    assert "pkg/caf\\xe9.py" in page and "pkg/new\\nline.py" in page
