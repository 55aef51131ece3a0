"""The baseline's ratchet for metric rules (SL101-SL107): a baselined function whose value grew is reported again,
one that stayed is hidden, and `--update-baseline` lowers a value that went down (never raises it, never adds)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simplelint.adoption.baseline import DEFAULT_NAME, read
from simplelint.cli import main

FLAGS = ["--isolated", "--no-cache", "-j", "1", "--select", "SL101,SL105", "--config", "complexity.max-complexity = 3",
         "--config", "complexity.max-args = 2"]  # fmt: skip


def source(branches: int, params: int = 3) -> str:
    """`route` with `branches` ifs (cyclomatic complexity branches + 1) and `params` parameters."""
    names = [f"p{i}" for i in range(params)]
    body = "".join(f"    if p0 == {i}:\n        return {i}\n" for i in range(branches))
    return f"def route({', '.join(names)}):\n{body}    return -1\n\n\ndef ok(a):\n    return a\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(source(4), encoding="utf-8")  # complexity 5 > 3, 3 parameters > 2
    return tmp_path


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check(*args: str) -> Result:
    return cli("check", *FLAGS, "--output-format", "concise", *args)


def rows(project: Path) -> list[list[object]]:
    return json.loads((project / DEFAULT_NAME).read_text(encoding="utf-8"))["files"]["a.py"]  # type: ignore[no-any-return]


def test_baseline_keeps_each_metric_value(project: Path) -> None:
    assert cli("baseline", *FLAGS, ".").exit_code == 0
    assert rows(project) == [["SL101", "route", "route", {"value": 5}], ["SL105", "route", "route", {"value": 3}]]


def test_same_value_stays_hidden(project: Path) -> None:
    cli("baseline", *FLAGS, ".")
    result = check(".")
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")


def test_grown_value_is_reported_again_with_both_values(project: Path) -> None:
    cli("baseline", *FLAGS, ".")
    (project / "a.py").write_text(source(6), encoding="utf-8")  # 5 -> 7; parameters unchanged
    result = check(".")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["a.py:1:5: SL101 `route` is too complex (5 -> 7 (> 3))", "Found 1 error."]
    # --update-baseline never raises the stored value: the finding stays reported.
    assert check("--update-baseline", ".").exit_code == 1
    assert rows(project)[0] == ["SL101", "route", "route", {"value": 5}]
    assert check(".").exit_code == 1


def test_improved_value_is_hidden_and_lowered_by_update_baseline(project: Path) -> None:
    cli("baseline", *FLAGS, ".")
    (project / "a.py").write_text(source(3), encoding="utf-8")  # 5 -> 4, still over 3
    result = check(".")
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")
    assert "1 baselined metric finding improved; run `simplelint check --update-baseline` to lower its value" in (
        result.stderr
    )
    updated = check("--update-baseline", ".")
    assert "Lowered 1 value of metric findings that improved." in updated.stderr
    assert rows(project)[0] == ["SL101", "route", "route", {"value": 4}]
    # Back to 5: above the lowered value, so reported again.
    (project / "a.py").write_text(source(4), encoding="utf-8")
    assert check(".").stdout.splitlines()[0] == "a.py:1:5: SL101 `route` is too complex (4 -> 5 (> 3))"


def test_update_baseline_adds_no_entry(project: Path) -> None:
    cli("baseline", *FLAGS, ".")
    (project / "a.py").write_text(source(4) + "\n\n" + source(5).replace("route", "other"), encoding="utf-8")
    assert check("--update-baseline", ".").exit_code == 1  # `other` is new
    assert [row[1] for row in rows(project)] == ["route", "route"]


def test_old_baseline_without_values_loads_and_gets_them_on_update(project: Path) -> None:
    old = '{"tool": "simplelint", "version": 1, "files": {\n"a.py": [\n  ["SL101", "route", "route"],\n' \
          '  ["SL105", "route", "route"]\n]\n}}\n'  # fmt: skip
    (project / DEFAULT_NAME).write_text(old, encoding="utf-8")
    assert [entry.value for entry in read(project / DEFAULT_NAME).values()] == [None, None]
    (project / "a.py").write_text(source(6), encoding="utf-8")
    result = check(".")  # nothing stored to compare with: hidden, as before
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")
    check("--update-baseline", ".")
    assert rows(project) == [["SL101", "route", "route", {"value": 7}], ["SL105", "route", "route", {"value": 3}]]


@pytest.mark.parametrize("row", ['["SL101", "f", "f", {"value": "7"}]', '["SL101", "f", "f", {"valu": 7}]'])
def test_a_malformed_value_is_a_usage_error(project: Path, row: str) -> None:
    (project / DEFAULT_NAME).write_text(f'{{"files": {{"a.py": [{row}]}}}}', encoding="utf-8")
    result = check(".")
    assert result.exit_code == 2
    assert "is not a simplelint baseline" in result.stderr


@pytest.mark.slow
def test_ratchet_in_a_real_subprocess(project: Path) -> None:
    command = [sys.executable, "-m", "simplelint"]
    assert subprocess.run([*command, "baseline", *FLAGS, "."], cwd=project, timeout=120).returncode == 0
    (project / "a.py").write_text(source(5), encoding="utf-8")
    done = subprocess.run([*command, "check", *FLAGS, "--output-format", "concise", "."], cwd=project,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == "a.py:1:5: SL101 `route` is too complex (5 -> 6 (> 3))"


def test_a_warm_run_reports_growth_as_an_uncached_one(project: Path, tmp_path: Path) -> None:
    cli("baseline", *FLAGS, ".")
    (project / "a.py").write_text(source(6), encoding="utf-8")
    cached = [flag for flag in FLAGS if flag != "--no-cache"] + ["--cache-dir", str(tmp_path / "cache")]
    runs = [cli("check", *flags, "--output-format", "concise", ".") for flags in (FLAGS, cached, cached)]
    assert [r.stdout for r in runs] == [runs[0].stdout] * 3
    assert "(5 -> 7 (> 3))" in runs[0].stdout
