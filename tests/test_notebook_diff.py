"""A notebook's `--diff` and fix errors, as ruff shows them: per code cell (`--- nb.ipynb:cell 5`), in the
cell's own lines; `--fix` still writes the notebook's JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import libcst as cst
import pytest
from click.testing import CliRunner

from simplelint.cli import main
from simplelint.rule import NodeFix, Rule

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "sales.ipynb"
# The fixture's safe fix (SL116 in cell 5, whose last line is a masked `known?`, put back as it was), then its
# unsafe one (SL112 in cell 10, non-ASCII text kept): what ruff prints for such cells.
SAFE = """\
--- sales.ipynb:cell 5
+++ sales.ipynb:cell 5
@@ -3,6 +3,6 @@
 
 
 regions = {"north": 1, "south": 2}
-for region in regions.keys():
+for region in regions:
     print(region, known(region, regions))
 known?
"""
UNSAFE = """\
--- sales.ipynb:cell 10
+++ sales.ipynb:cell 10
@@ -1,3 +1,3 @@
 ready = len(files) > 0
-if ready == True:
+if ready:
     print("ready — ünïcode")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURE, tmp_path / "sales.ipynb")
    (tmp_path / "a.py").write_text("x = 1\nif x == None:\n    pass\n", encoding="utf-8")
    return tmp_path


def invoke(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--no-cache", "--isolated", *args], input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_diff_is_per_cell_of_code_and_writes_nothing(project: Path) -> None:
    before = (project / "sales.ipynb").read_bytes()
    assert invoke("--diff", "sales.ipynb") == (1, SAFE, "")
    assert invoke("--diff", "--unsafe-fixes", "sales.ipynb") == (1, SAFE + UNSAFE, "")
    assert (project / "sales.ipynb").read_bytes() == before
    # A Python file next to it keeps its diff of the file.
    code, out, _ = invoke("--diff", "--unsafe-fixes", "--select", "SL111", "a.py", "sales.ipynb")
    assert (code, out) == (
        1,
        "--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n x = 1\n-if x == None:\n+if x is None:\n     pass\n",
    )


def test_fix_writes_the_json_the_diff_shows(project: Path) -> None:
    assert invoke("--fix", "--unsafe-fixes", "-q", "sales.ipynb")[0] == 0
    cells = json.loads((project / "sales.ipynb").read_bytes())["cells"]
    assert "for region in regions:\n" in cells[4]["source"] and "if ready:\n" in cells[9]["source"]
    assert invoke("--diff", "--unsafe-fixes", "sales.ipynb") == (0, "", "")


def test_diff_of_a_notebook_on_stdin(project: Path) -> None:
    code, out, _ = invoke("--diff", "--stdin-filename", "sales.ipynb", stdin=(project / "sales.ipynb").read_bytes())
    assert (code, out) == (1, SAFE)


def test_diff_through_a_real_process(project: Path) -> None:
    command = [sys.executable, "-m", "simplelint", "check", "--no-cache", "--isolated", "--diff", "--unsafe-fixes", "."]
    done = subprocess.run(command, capture_output=True, cwd=project, check=False)
    assert done.returncode == 1, done.stderr
    python = "--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n x = 1\n-if x == None:\n+if x is None:\n     pass\n"
    assert done.stdout.decode("utf-8") == python + SAFE + UNSAFE


class _ReturnInstead(Rule):
    """A test-only rule whose fix does not compile: `stop()` becomes `return` outside any function."""

    code = "SL988"
    name = "return-instead"
    summary = "A `stop()` statement"

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if cst.Module([node]).code.strip() == "stop()":
            self.report(node, "`stop()` found", NodeFix(node, cst.parse_statement("return\n"), "Return"))


def _notebook(*cells: tuple[str, str]) -> bytes:
    listed = [{"cell_type": kind, "metadata": {}, "source": source, **({"outputs": []} if kind == "code" else {})}
              for kind, source in cells]  # fmt: skip
    return json.dumps({"cells": listed, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1).encode()


def test_a_dropped_fix_is_reported_at_its_cell(project: Path, add_rules: Callable[..., None]) -> None:
    add_rules(_ReturnInstead)
    book = _notebook(("markdown", "# Title"), ("code", "x = 1\n"), ("code", "y = 2\n\nstop()\n"))
    (project / "stops.ipynb").write_bytes(book)
    code, _, err = invoke("--select", "SL988", "--fix", "--output-format", "concise", "stops.ipynb")
    assert code == 2
    # Before: `stops.ipynb:6:1`, the line of the cells joined into one module (with a separator line per cell).
    assert err == "error: stops.ipynb:cell 3:3:1: SL988 fix dropped, it would not compile: Return. Please report it.\n"
    assert (project / "stops.ipynb").read_bytes() == book
