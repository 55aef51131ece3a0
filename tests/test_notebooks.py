"""Jupyter notebooks end to end: discovery, cell positions in every format, noqa, --fix/--diff written back into
the changed cells only (every other byte of the JSON kept), invalid notebooks, the cache, config keys."""

from __future__ import annotations

import difflib
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
from simplelint.engine import notebook as nb
from simplelint.rule import NodeFix, Rule

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks" / "sales.ipynb"
# What the fixture holds: cell 5 iterates `regions.keys()` (a safe fix), cell 6 is a `%%time` cell magic whose
# `flag == True` must not be reported, cell 7's `status == None` has `# noqa: SL111`, cell 10 compares
# `ready == True` (an unsafe fix); cells 1 and 4 are markdown, 8 raw, 9 empty; outputs hold an image.
CONCISE = [
    "sales.ipynb:cell 5:6:15: SL116 [*] Iterate over `regions` directly instead of `regions.keys()`",
    "sales.ipynb:cell 10:2:4: SL112 Comparison to `True` with `==`: use the value itself",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(FIXTURE, tmp_path / "notebooks" / "sales.ipynb")
    (tmp_path / "clean.py").write_text("VALUE = 1\n", encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def concise(*args: str) -> list[str]:
    return [line.removeprefix("notebooks/") for line in invoke("--output-format", "concise", "-q", *args)[1].splitlines()]


def test_notebooks_in_folders_are_checked_with_cell_positions(project: Path) -> None:
    assert concise("--no-cache", ".") == CONCISE


def test_full_output_shows_the_line_of_the_cell(project: Path) -> None:
    code, out, _ = invoke("--no-cache", "notebooks/sales.ipynb")
    assert code == 1
    assert "notebooks/sales.ipynb:cell 5:6:15: SL116 [*] Iterate over" in out
    assert "6 | for region in regions.keys():\n  |               ^^^^^^^^^^^^^^ SL116" in out
    assert "2 | if ready == True:\n  |    ^^^^^^^^^^^^^ SL112" in out


def test_json_has_ruffs_cell_field_and_cell_rows(project: Path) -> None:
    _, out, _ = invoke("--no-cache", "--output-format", "json", ".")
    found = json.loads(out)
    assert [(f["filename"], f["cell"], f["code"], f["location"], f["noqa_row"]) for f in found] == [
        ("notebooks/sales.ipynb", 5, "SL116", {"row": 6, "column": 15}, 6),
        ("notebooks/sales.ipynb", 10, "SL112", {"row": 2, "column": 4}, 2),
    ]
    edit = found[0]["fix"]["edits"][0]
    assert edit["location"]["row"] == 6  # the cell's row, as ruff gives a notebook's edits
    _, out, _ = invoke("--no-cache", "--output-format", "json", "--select", "SL1", "--config", "extend-select = ['SL001']", "clean.py")
    assert json.loads(out) == []


def _json_line(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_ci_formats_point_at_the_notebooks_json_lines(project: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    line = _json_line(text, '"for region in regions.keys():\\n"')
    _, out, _ = invoke("--no-cache", "--output-format", "github", ".")
    first = out.splitlines()[0]
    column = text.splitlines()[line - 1].index("regions.keys") + 1
    assert f"file=notebooks/sales.ipynb,line={line},col={column}," in first
    assert first.endswith("::notebooks/sales.ipynb:cell 5:6:15: SL116 Iterate over `regions` directly instead of `regions.keys()`")
    _, out, _ = invoke("--no-cache", "--output-format", "sarif", ".")
    result = json.loads(out)["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (line, column)
    assert result["properties"] == {"cell": 5, "cellLine": 6, "cellColumn": 15}
    assert "fixes" not in result  # a cell's edit is not an edit of the JSON text
    _, out, _ = invoke("--no-cache", "--output-format", "gitlab", ".")
    assert json.loads(out)[0]["location"]["lines"]["begin"] == line
    _, out, _ = invoke("--no-cache", "--output-format", "junit", ".")
    assert f'line="{line}"' in out and "cell 5, line 6, col 15" in out


def test_noqa_in_a_cell_and_a_cell_magic(project: Path) -> None:
    lines = concise("--no-cache", "--extend-select", "SL003", ".")
    assert lines == CONCISE  # SL111 in cell 7 is suppressed, and that noqa is used; cell 6 (%%time) is skipped
    source = (project / "notebooks" / "sales.ipynb").read_text(encoding="utf-8")
    (project / "notebooks" / "sales.ipynb").write_text(source.replace("  # noqa: SL111", ""), encoding="utf-8")
    assert "sales.ipynb:cell 7:4:4: SL111 Comparison to `None` with `==`: use `is`" in "\n".join(concise("--no-cache", "."))


def _changed_old_lines(before: str, after: str) -> set[int]:
    """1-based lines of `before` that the edit from `before` to `after` touches."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    touched: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            touched.update(range(i1 + 1, max(i2, i1 + 1) + 1))
    return touched


def _source_lines(text: str, first_line: str) -> range:
    """The JSON lines of the `source` list whose first string holds `first_line`."""
    lines = text.splitlines()
    start = _json_line(text, first_line)
    end = next(n for n in range(start, len(lines) + 1) if lines[n - 1].strip() == "]")
    return range(start, end + 1)


def test_fix_rewrites_only_the_fixed_cells_byte_for_byte(project: Path) -> None:
    path = project / "notebooks" / "sales.ipynb"
    before = path.read_bytes()
    code, out, _ = invoke("--no-cache", "--fix", "--output-format", "concise", ".")
    after = path.read_bytes()
    assert out.endswith("Found 2 errors (1 fixed, 1 remaining).\n")
    assert before.endswith(b"}\n") and after.endswith(b"}\n")  # the trailing newline kept
    old, new = before.decode("utf-8"), after.decode("utf-8")
    fixed_cell = _source_lines(old, '"def known(region: str, regions: dict) -> bool:\\n"')
    assert _changed_old_lines(old, new) == {_json_line(old, "for region in regions.keys()")}
    assert _changed_old_lines(old, new) <= set(fixed_cell)
    # outside the fixed line, the bytes are those of the original: prefix and suffix
    changed = _json_line(old, "for region in regions.keys()")
    assert old.splitlines(keepends=True)[: changed - 1] == new.splitlines(keepends=True)[: changed - 1]
    assert old.splitlines(keepends=True)[changed:] == new.splitlines(keepends=True)[changed:]
    assert new.splitlines()[changed - 1] == '    "for region in regions:\\n",'
    document = json.loads(new)
    assert document["cells"][4]["source"][-1] == "known?"  # the masked help line is back as it was
    assert document["cells"][6]["outputs"] == json.loads(old)["cells"][6]["outputs"]  # the image too
    assert code == 1  # SL112's fix is unsafe: still reported
    assert concise("--no-cache", ".") == CONCISE[1:]


def test_unsafe_fix_in_the_last_cell_and_non_ascii_kept(project: Path) -> None:
    path = project / "notebooks" / "sales.ipynb"
    old = path.read_text(encoding="utf-8")
    assert invoke("--no-cache", "--fix", "--unsafe-fixes", "-q", ".")[0] == 0
    new = path.read_text(encoding="utf-8")
    assert _changed_old_lines(old, new) == {_json_line(old, "for region in regions.keys()"), _json_line(old, "if ready == True")}
    assert '"    print(\\"ready — ünïcode\\")"' in new  # written as nbformat writes: not escaped


def test_diff_prints_the_change_and_writes_nothing(project: Path) -> None:
    path = project / "notebooks" / "sales.ipynb"
    before = path.read_bytes()
    code, out, _ = invoke("--no-cache", "--diff", ".")
    assert code == 1 and path.read_bytes() == before
    # Per code cell, as ruff prints it (tests/test_notebook_diff.py has the whole text).
    assert out.startswith("--- notebooks/sales.ipynb:cell 5\n+++ notebooks/sales.ipynb:cell 5\n")
    assert "-for region in regions.keys():\n+for region in regions:\n" in out


def test_invalid_notebooks_are_reported_and_the_rest_checked(project: Path) -> None:
    (project / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (project / "old.ipynb").write_text(json.dumps({"worksheets": [], "cells": [], "nbformat": 3}), encoding="utf-8")
    (project / "bad.py").write_text("x = 1\nif x == None:\n    pass\n", encoding="utf-8")
    lines = concise("--no-cache", ".")
    assert lines == [
        "bad.py:2:4: SL111 Comparison to `None` with `==`: use `is`",
        "broken.ipynb:1:1: SL002 Cannot read notebook: not valid JSON: Expecting value at line 1 column 12",
        *CONCISE,
        "old.ipynb:1:1: SL002 Cannot read notebook: nbformat 3; only nbformat 4 notebooks are read"
        " (`jupyter nbconvert --to notebook` upgrades one)",
    ]


def test_a_warm_cache_prints_what_no_cache_prints(project: Path) -> None:
    for fmt in ("concise", "json", "github"):
        cold = invoke("--no-cache", "--output-format", fmt, ".")
        assert invoke("--output-format", fmt, ".") == cold  # fills the cache
        assert invoke("--output-format", fmt, ".") == cold  # reads it
    invoke("--fix", ".")  # cached results of the fixed notebook are for its new bytes
    assert invoke("--output-format", "concise", ".") == invoke("--no-cache", "--output-format", "concise", ".")


def test_a_subprocess_run(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simplelint", "check", "--output-format", "concise", "-q", "notebooks"],
        capture_output=True, text=True, cwd=project, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == ["notebooks/" + line for line in CONCISE]


def test_exclude_and_extend_include(project: Path) -> None:
    (project / "script.pyw").write_text("y = 2\nif y == None:\n    pass\n", encoding="utf-8")
    config = project / "pyproject.toml"
    config.write_text('[tool.simplelint]\nextend-exclude = ["*.ipynb"]\n', encoding="utf-8")
    assert concise("--no-cache", ".") == []
    config.write_text('[tool.simplelint]\nextend-include = ["*.pyw"]\nextend-exclude = ["notebooks/"]\n', encoding="utf-8")
    assert concise("--no-cache", ".") == ["script.pyw:2:4: SL111 Comparison to `None` with `==`: use `is`"]
    config.write_text('[tool.simplelint]\nextend-include = "*.pyw"\n', encoding="utf-8")
    code, _, err = invoke(".")
    assert code == 2 and "pyproject.toml:2: `extend-include` in [tool.simplelint] must be a list of strings" in err


def test_notebooks_are_production_only_when_globs_name_them(project: Path) -> None:
    job = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                      "source": ["# simplelint: production\n", "import pandas as pd\n"]}],
           "metadata": {}, "nbformat": 4, "nbformat_minor": 4}  # fmt: skip
    (project / "jobs").mkdir()
    (project / "jobs" / "daily.ipynb").write_text(json.dumps(job, indent=1) + "\n", encoding="utf-8")
    assert not [line for line in concise("--no-cache", "--select", "SL4", ".") if "SL401" in line]
    (project / "pyproject.toml").write_text('[tool.simplelint]\nproduction = ["jobs/*.ipynb"]\n', encoding="utf-8")
    lines = concise("--no-cache", "--select", "SL4", ".")
    assert [line.split(" SL401")[0] for line in lines] == ["jobs/daily.ipynb:cell 1:2:1:"]


def test_notebook_functions_are_no_tests_and_not_untested(project: Path) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (project / "pkg" / "calc.py").write_text("def total(x: int) -> int:\n    return x + 1\n", encoding="utf-8")
    (project / "tests").mkdir()
    (project / "tests" / "test_other.py").write_text("def test_nothing() -> None:\n    pass\n", encoding="utf-8")
    source = ["from pkg.calc import total\n", "def helper(y: int) -> int:\n", "    return y\n", "assert total(1) == 2"]
    book = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 4}  # fmt: skip
    (project / "explore.ipynb").write_text(json.dumps(book), encoding="utf-8")
    untested = concise("--no-cache", "--select", "SL301", ".")
    # the notebook's call is no test, and its function is not flagged
    assert [line.split(" ")[0] for line in untested] == ["pkg/calc.py:1:5:"]
    (project / "tests" / "check_calc.ipynb").write_text(json.dumps(book), encoding="utf-8")
    # pytest collects no notebook by itself: one under tests/ is support code
    assert [line.split(" ")[0] for line in concise("--no-cache", "--select", "SL301", ".")] == ["pkg/calc.py:1:5:"]
    (project / "pytest.ini").write_text("[pytest]\naddopts = --nbmake\n", encoding="utf-8")
    assert concise("--no-cache", "--select", "SL301", ".") == []  # nbmake runs it: a test that calls `total`


# ---- the masking, unit by unit -----------------------------------------------------------------------------


def _notebook(*sources: str) -> bytes:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "source": s} for s in sources]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1).encode()


def test_ipython_syntax_is_masked_and_put_back() -> None:
    cell = (
        "files = !ls -la\nif files:\n    %time work()\n    !echo \\\n      more\ntext = '''\n!not a magic\n'''\n"
        "obj.method??\nx = 1  # what?\nprint('?')\n?len\ny = %sx pwd"
    )
    book = nb.load(_notebook(cell))
    masked = book.cells[0].masked.splitlines()
    assert masked[0] == "files = ...  # <simplelint magic 0>"
    assert masked[2] == "    ...  # <simplelint magic 1>"
    assert masked[3:5] == ["    ...  # <simplelint magic 2>", "      # <simplelint magic 3>"]
    assert masked[6] == "!not a magic"  # inside a string
    assert masked[8] == "...  # <simplelint magic 4>"
    assert masked[9:11] == ["x = 1  # what?", "print('?')"]
    assert masked[11:] == ["...  # <simplelint magic 5>", "y = ...  # <simplelint magic 6>"]
    compile(book.python, "<nb>", "exec")  # valid Python
    assert book.with_python(book.python) == book.text
    moved = book.python.replace("    %", "%").replace("    ...  # <simplelint magic 1>", "...  # <simplelint magic 1>")
    expected = cell.replace("x = 1", "x = 2").replace("    %time", "%time")  # the magic follows its marker
    assert json.loads(book.with_python(moved.replace("x = 1", "x = 2")))["cells"][0]["source"] == expected


def test_cells_that_are_not_python_are_skipped() -> None:
    book = nb.load(_notebook("%%bash\necho hi", "pip install numpy", "time = 3", "cd ..", "x = 1\n%%capture"))
    assert [c.number for c in book.cells] == [3]
    r_book = json.loads(_notebook("x <- 1"))
    r_book["metadata"] = {"language_info": {"name": "R"}}
    assert nb.load(json.dumps(r_book).encode()).cells == []


def test_a_fix_that_crosses_cells_is_refused() -> None:
    book = nb.load(_notebook("a = 1", "b = 2"))
    with pytest.raises(nb.NotebookError, match="cell boundary"):
        book.with_python(book.python.replace("# <simplelint notebook cell 2>\n", ""))
    masked = nb.load(_notebook("!ls\nx = 1"))
    with pytest.raises(nb.NotebookError, match="masked IPython"):
        masked.with_python(masked.python.replace("...  # <simplelint magic 0>\n", ""))


def test_sources_written_in_the_files_own_style() -> None:
    as_string = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": "a = 1\nb = 2"}],
                            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=2)  # fmt: skip
    book = nb.load(as_string.encode())
    assert book.with_python(book.python.replace("b = 2", "b = 3")) == as_string.replace("b = 2", "b = 3")
    empty = nb.load(_notebook([]))  # type: ignore[arg-type]
    written = empty.with_python("# <simplelint notebook cell 1>\nx = 1\n")
    assert json.loads(written)["cells"][0]["source"] == ["x = 1"]


def test_html_report_names_the_cell_and_shows_the_json_line(project: Path) -> None:
    assert invoke("--no-cache", "--output-format", "html", "-o", "report.html", ".")[0] == 1
    page = (project / "report.html").read_text(encoding="utf-8")
    assert "notebooks/sales.ipynb:cell 5:6:15" in page
    assert "for region in regions.keys():" in page


class _ReplaceStatement(Rule):
    """A test-only rule whose fix rebuilds a whole statement without its leading lines: at the top of a cell
    it takes the line that starts the cell away, so the fix crosses a cell boundary."""

    code = "SL989"
    name = "replace-statement"
    summary = "A `drop_me()` statement"

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if "drop_me" in cst.Module([node]).code:
            self.report(node, "`drop_me()` found", NodeFix(node, cst.parse_statement("kept()\n"), "Call `kept()`"))


def test_a_fix_across_a_cell_boundary_is_not_applied(project: Path, add_rules: Callable[..., None]) -> None:
    add_rules(_ReplaceStatement)
    path = project / "crossing.ipynb"
    path.write_bytes(_notebook("a = 1\n", "drop_me()\nb = 2\n", "c = 3\nif c:\n    drop_me()\n"))
    before = path.read_bytes()
    code, out, err = invoke("--no-cache", "--select", "SL989", "--fix", "--output-format", "concise", "crossing.ipynb")
    assert (code, err) == (1, "")  # not an error: the finding stays, unfixed
    assert out == "crossing.ipynb:cell 2:1:1: SL989 [*] `drop_me()` found\nFound 2 errors (1 fixed, 1 remaining).\n"
    sources = [cell["source"] for cell in json.loads(path.read_bytes())["cells"]]
    assert sources == ["a = 1\n", "drop_me()\nb = 2\n", "c = 3\nif c:\n    kept()\n"]  # the one inside a cell: fixed
    assert path.read_bytes() != before


def test_project_findings_in_a_notebook_get_cell_positions(project: Path) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (project / "pkg" / "helper.py").write_text("import pandas\n", encoding="utf-8")
    (project / "jobs").mkdir()
    (project / "jobs" / "run.ipynb").write_bytes(_notebook("# setup\n", "%load_ext autoreload\nimport os\nfrom pkg import helper\n"))
    (project / "pyproject.toml").write_text('[tool.simplelint]\nproduction = ["jobs/*.ipynb"]\n', encoding="utf-8")
    expected = ["jobs/run.ipynb:cell 2:3:1: SL402 Production code imports pandas through pkg.helper -> pandas"]
    cold = concise("--no-cache", "--select", "SL4", ".")
    assert [line[: len(expected[0])] for line in cold] == expected
    assert concise("--select", "SL4", ".") == cold == concise("--select", "SL4", ".")  # the project stage's cache
