"""The HTML report's per-package and per-module "Annotated" and "Tested" columns use the gates' definitions
(simplelint.adoption.gates): the share of parameters and returns annotated, and the share of the functions
SL301 judges that a test reaches; a package's shares add up its modules' counts, and agree with the cards."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from simplelint.cli import main

# half: 2 of 3 annotated, tested; other: 0 of 2, untested; _private: 0 of 2, not judged (private).
MIXED = (
    "def half(a: int, b) -> int:\n    return a\n\n\ndef other(a):\n    return a\n\n\ndef _private(x):\n    return x\n"
)
# full: 2 of 2, untested.
FULL = "def full(a: int) -> int:\n    return a\n"
TESTS = "from lib.mixed import half\n\n\ndef test_half() -> None:\n    assert half(1, 2) == 1\n"
FLAGS = ["--isolated", "--no-cache", "-j", "1", "--select", "SL101,SL201,SL202,SL301"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = {"lib/__init__.py": "", "lib/mixed.py": MIXED, "lib/full.py": FULL, "tests/test_mixed.py": TESTS}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def shares(page: str, table: str, name: str) -> tuple[str, str]:
    """The (Annotated, Tested) cells' text of one row of a table."""
    body = page[page.index(f'id="{table}"') :]
    row = re.search(rf'<tr><td class="path">{re.escape(name)}</td>(.*?)</tr>', body, re.S)
    assert row, name
    cells = re.findall(
        r'<td class="n( pct)?" data-v="[^"]*">(?:<span class="meter">.*?</span></span>)?([^<]*)</td>', row.group(1)
    )
    # Files, Functions, Findings, the families, Other, Annotated, Tested, Worst cyclomatic.
    return cells[-3][1], cells[-2][1]


def card(page: str, key: str) -> str:
    match = re.search(rf'id="card-{key}"><div class="label">[^<]*</div><div class="value">([^<]*)<', page)
    assert match, key
    return match.group(1)


def check(page: str) -> None:
    # Before: 0.0% (no function fully annotated) and 66.7% (2 of 3 functions, _private counted).
    assert shares(page, "modules", "lib/mixed.py") == ("28.6%", "50.0%")  # 2 of 7; 1 of 2 judged
    assert shares(page, "modules", "lib/full.py") == ("100.0%", "0.0%")
    assert shares(page, "modules", "lib/__init__.py") == ("–", "–")  # nothing to count
    assert shares(page, "modules", "tests/test_mixed.py") == ("–", "–")  # the test suite is not measured
    # The package adds up its modules' counts (4 of 9; 1 of 3), which are the whole run's: the cards'.
    assert shares(page, "packages", "lib") == ("44.4%", "33.3%")
    assert (card(page, "annotated"), card(page, "tested")) == ("44.4%", "33.3%")
    # Per function (the hotspots), the same verdicts: a function the gates do not judge is neither.
    hotspots = page[page.index('id="hotspots"') : page.index("</table>", page.index('id="hotspots"'))]
    rows = re.findall(r'<td class="code">([^<]*)</td>.*?<td class="flag[^"]*">([^<]*)</td></tr>', hotspots, re.S)
    assert dict(rows) == {"half": "yes", "other": "no", "_private": "–", "full": "no", "test_half": "–"}


def test_report_columns_use_the_gates_definitions(project: Path) -> None:
    result = CliRunner().invoke(main, ["report", *FLAGS, "--html", "out", "lib", "tests"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    check((project / "out" / "index.html").read_text(encoding="utf-8"))


def test_check_output_format_html_through_a_real_process(project: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "simplelint",
        "check",
        *FLAGS,
        "--output-format",
        "html",
        "-o",
        "c.html",
        "lib",
        "tests",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    check((project / "c.html").read_text(encoding="utf-8"))
