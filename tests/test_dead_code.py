"""SL501/SL502 end to end on fixtures/dead_project: every kind of entry point is used, every kind of dead code found."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import check_json, cli_in, json_findings, write_files

from simplelint.cli import main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "dead_project"
UNUSED = "is never used: nothing in the project refers to it; delete it"
EXPECTED = [
    ("src/depot/models.py", 24, 9, "SL501", f"Method `Square.perimeter` {UNUSED}"),
    ("src/depot/models.py", 42, 7, "SL502", f"Class `LegacyExporter` {UNUSED}"),
    ("src/depot/models.py", 50, 5, "SL501", f"Function `unused_helper` {UNUSED}"),
    ("src/depot/models.py", 54, 5, "SL501", f"Function `countdown` {UNUSED}"),  # recursion is no use
    ("tests/test_depot.py", 7, 5, "SL501", f"Function `make_rows` {UNUSED}"),
]


@pytest.fixture
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURE)
    return FIXTURE


def test_fixture_project_findings_are_exact(in_fixture: Path) -> None:
    result = check_json(".", "--select", "SL5")
    assert result.exit_code == 1, result.output
    assert json_findings(result.stdout) == EXPECTED


def test_the_default_selection_reports_them_too(in_fixture: Path) -> None:
    result = check_json(".")
    assert [f for f in json_findings(result.stdout) if f[3].startswith("SL5")] == EXPECTED


def test_a_real_process_prints_the_same_findings(in_fixture: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "simplelint", "check", "--no-cache", ".", "--select", "SL5", "--output-format",
         "concise"],
        capture_output=True, text=True, cwd=FIXTURE, check=False,
    )  # fmt: skip
    assert process.returncode == 1, process.stderr
    lines = [line.replace("\\", "/") for line in process.stdout.splitlines() if ": SL5" in line]
    assert lines == [f"{path}:{line}:{column}: {code} {message}" for path, line, column, code, message in EXPECTED]


def test_without_the_whitelist_the_whitelisted_job_is_reported(in_fixture: Path) -> None:
    result = check_json(".", "--select", "SL5", "--config", "dead-code.whitelist = []")
    found = json_findings(result.stdout)
    assert ("src/depot/jobs.py", 1, 5, "SL501", f"Function `nightly_cleanup` {UNUSED}") in found
    assert len(found) == len(EXPECTED) + 1


def test_a_library_keeps_its_public_names_unless_asked(in_fixture: Path) -> None:
    library = json_findings(check_json(".", "--select", "SL5", "--config", 'dead-code.library = "true"').stdout)
    assert library == [EXPECTED[-1]]  # test files are no API
    asked = ["--config", 'dead-code.library = "true"', "--config", "dead-code.report-public = true"]
    assert json_findings(check_json(".", "--select", "SL5", *asked).stdout) == EXPECTED


def test_entry_points_in_pyproject_are_read_and_a_warm_cache_sees_them_change(tmp_path: Path) -> None:
    project = tmp_path / "dead_project"
    shutil.copytree(FIXTURE, project)
    runner = CliRunner()
    args = ["check", str(project / "src"), "--select", "SL5", "--output-format", "json", "--cache-dir",
            str(tmp_path / "cache")]  # fmt: skip
    first = runner.invoke(main, args)
    assert "`main`" not in first.stdout and "`load_csv`" not in first.stdout
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('csv = "depot.plugins:load_csv"', ""))  # a script is left: still an app
    warm = runner.invoke(main, args)
    cold = runner.invoke(main, [*args, "--no-cache"])
    assert warm.stdout == cold.stdout
    assert "Function `load_csv`" in warm.stdout and "Function `main`" not in warm.stdout


@pytest.mark.parametrize("odd", ['project = "x"', "tool = {poetry = []}", "[project]\nscripts = 1"])
def test_a_pyproject_of_test_data_holding_anything_breaks_nothing(tmp_path: Path, odd: str) -> None:
    project = tmp_path / "dead_project"
    shutil.copytree(FIXTURE, project)
    data = project / "tests" / "data"
    data.mkdir()
    (data / "pyproject.toml").write_text(odd + "\n")
    (data / "sample.py").write_text("VALUE = 1\n")
    result = check_json(str(project), "--select", "SL5")
    assert "internal error" not in result.stderr
    assert len(json_findings(result.stdout)) == len(EXPECTED)


CROSS_FILE = {
    "pyproject.toml": '[project]\nname = "shop"\n\n[project.scripts]\nshop = "shop.cli:main"\n',
    "shop/__init__.py": "",
    "shop/base.py": "class Exporter:\n    def export(self):\n        return []\n",
    "shop/csv.py": (
        "from shop.base import Exporter\n\n\nclass CsvExporter(Exporter):\n    def export(self):\n"
        "        return ['a']\n\n    def header(self):\n        return 'a'\n"
    ),
    "shop/cli.py": "from shop.csv import CsvExporter\n\n\ndef main():\n    return CsvExporter().export()\n",
    "tests/__init__.py": "",
    "tests/base.py": "class Case:\n    def check(self):\n        return True\n",
    "tests/test_csv.py": (
        "from tests.base import Case\nfrom shop.cli import main\n\n\nclass TestCsv(Case):\n"
        "    def check(self):\n        return main()\n\n    def unused_helper(self):\n        return 1\n\n"
        "    def test_main(self):\n        assert self.check()\n"
    ),
}  # fmt: skip


@pytest.mark.parametrize("alone", ["shop/csv.py", "tests/test_csv.py"])
def test_a_file_checked_alone_gets_the_whole_runs_findings(tmp_path: Path, alone: str) -> None:
    """The other files are then read for facts only: a checked class's base (and the methods it overrides)
    may be in one of them, so they give their classes, not only the names they mention."""
    write_files(tmp_path, CROSS_FILE)
    whole = json_findings(cli_in(tmp_path, "check", "--no-cache", "--select", "SL5", "--output-format", "json").stdout)
    assert [(path, code, message.split("`")[1]) for path, _, _, code, message in whole] == [
        ("shop/csv.py", "SL501", "CsvExporter.header"),  # `export` overrides the base's: used as one
        ("tests/test_csv.py", "SL501", "TestCsv.unused_helper"),
    ]
    result = cli_in(tmp_path, "check", "--no-cache", "--select", "SL5", "--output-format", "json", alone)
    assert json_findings(result.stdout) == [f for f in whole if f[0] == alone]


def test_a_wrong_library_value_is_said(in_fixture: Path) -> None:
    result = check_json(".", "--select", "SL5", "--config", 'dead-code.library = "maybe"')
    assert 'library = "maybe": expected "auto", "true" or "false"' in result.stderr


def test_the_rules_are_explained_with_their_options() -> None:
    explained = CliRunner().invoke(main, ["explain", "SL501"]).stdout
    assert "[tool.simplelint.dead-code]" in explained
    assert all(option in explained for option in ("whitelist", "library", "report-public"))
    assert "Class `" not in explained and "SL502" in explained
    listed = CliRunner().invoke(main, ["rules"]).stdout
    assert "unused-function" in listed and "unused-class" in listed


def test_sl301_leaves_dead_code_to_sl5_and_says_what_only_untested_code_uses(in_fixture: Path) -> None:
    both = json_findings(check_json(".", "--select", "SL301,SL5").stdout)
    untested = {message.split("`")[1]: message for _, _, _, code, message in both if code == "SL301"}
    dead = {"Square.perimeter", "LegacyExporter", "LegacyExporter.export", "unused_helper", "countdown"}
    assert not dead & untested.keys()
    assert untested["run_directly"].endswith("; it is used only by untested code")  # by the `__main__` block
    assert untested["main"].endswith("no tested function calls it")  # an entry point: nothing mentions it
    alone = json_findings(check_json(".", "--select", "SL301").stdout)
    assert {"unused_helper", "LegacyExporter.export"} <= {message.split("`")[1] for *_, message in alone}
    assert not any("untested code" in message for *_, message in alone)


def test_names_in_templates_are_used_and_a_warm_cache_sees_a_template_go(tmp_path: Path) -> None:
    project = tmp_path / "dead_project"
    shutil.copytree(FIXTURE, project)
    args = ["check", str(project), "--select", "SL5", "--output-format", "concise", "--cache-dir", str(tmp_path / "c")]
    runner = CliRunner()
    assert "Row.is_overdue" not in runner.invoke(main, args).stdout
    (project / "src" / "depot" / "templates" / "row.html").unlink()
    warm = runner.invoke(main, args).stdout
    assert "Method `Row.is_overdue` is never used" in warm
    assert warm == runner.invoke(main, [*args, "--no-cache"]).stdout


def test_a_type_checkers_sample_is_not_reported_but_the_same_code_run_by_nothing_is(tmp_path: Path) -> None:
    project = tmp_path / "dead_project"
    shutil.copytree(FIXTURE, project)
    args = ["check", "--no-cache", str(project), "--select", "SL5", "--output-format", "concise"]
    assert "square_area" not in CliRunner().invoke(main, args).stdout  # it calls reveal_type
    sample = project / "tests" / "test_typing_samples.py"
    sample.write_text("from depot.models import Square\n\n\ndef square_area():\n    print(Square(2).area())\n")
    assert "Function `square_area` is never used" in CliRunner().invoke(main, args).stdout


def test_a_wrapper_offers_what_it_wraps_but_a_class_that_does_not_delegate_does_not(tmp_path: Path) -> None:
    project = tmp_path / "dead_project"
    shutil.copytree(FIXTURE, project)
    args = ["check", "--no-cache", str(project), "--select", "SL5", "--output-format", "concise"]
    assert "Cursor." not in CliRunner().invoke(main, args).stdout  # `self.cursor.execute` in `execute`
    models = project / "src" / "depot" / "models.py"
    models.write_text(models.read_text().replace("return self.cursor.execute(operation)", "return operation"))
    assert "Method `Cursor.setoutputsize` is never used" in CliRunner().invoke(main, args).stdout


def test_the_table_is_strict_naming_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.simplelint.dead-code]\nlibrary = "false"\nwhitelst = []\n')
    (tmp_path / "a.py").write_text("def f():\n    pass\n")
    result = CliRunner().invoke(main, ["check", "--no-cache", str(tmp_path)])
    assert result.exit_code == 2
    assert "pyproject.toml:3" in result.output and "whitelst" in result.output and "whitelist" in result.output


def test_without_a_script_the_project_is_a_library_plugin_entry_points_or_not(tmp_path: Path) -> None:
    project = tmp_path / "dead_project"
    shutil.copytree(FIXTURE, project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('depot = "depot.cli:main"', ""))  # the plugin stays
    result = CliRunner().invoke(main, ["check", "--no-cache", str(project), "--select", "SL5", "--output-format",
                                       "json"])  # fmt: skip
    assert [(f[0].rpartition("dead_project/")[2], *f[1:]) for f in json_findings(result.stdout)] == [EXPECTED[-1]]
