"""Gates (`[tool.simplelint.gates]`): measured over the run, a failed one is a finding-like line at its key in
the config, exit 1; the HTML report shows the same numbers. Through click's CliRunner and a real subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main

CODE = '''\
def f(a, b: int) -> int:  # noqa: SL301
    if a:
        return 1
    return b


def g(x: int) -> int:
    return x


def _private(y):
    return y
'''
# Outside the tests: f 2 of 3 annotated, g 2 of 2, _private 0 of 2 -> 4 of 7 = 57.1%. Cyclomatic f 2, g 1,
# _private 1 -> mean 1.33. SL301 judges the public f and g; the test reaches g -> 50% (f's finding is
# suppressed by its noqa, and still counts as untested).
TESTS = "from pkg.a import g\n\n\ndef test_g():\n    assert g(1)\n"
CONFIG = """\
[tool.simplelint]
select = ["SL3"]

[tool.simplelint.gates]
min-type-coverage = {types}
min-tested-share = {tested}
max-average-complexity = {complexity}
"""
PASSING = {"types": 50, "tested": 50, "complexity": 2}
FAILING = {"types": 80, "tested": 100, "complexity": 1.2}
FAILED_LINES = [
    "pyproject.toml:5:1: gate min-type-coverage: 57.1% < 80% (annotate 2 more parameters or returns)",
    "pyproject.toml:6:1: gate min-tested-share: 50% < 100% (test 1 more function)",
    "pyproject.toml:7:1: gate max-average-complexity: 1.33 > 1.20 (remove 1 decision point across 3 functions)",
]


def _project(root: Path, **goals: float) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "a.py").write_text(CODE, encoding="utf-8")
    (root / "tests" / "test_a.py").write_text(TESTS, encoding="utf-8")
    (root / "pyproject.toml").write_text(CONFIG.format(**goals), encoding="utf-8")
    return root


@pytest.fixture
def passing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return _project(tmp_path, **PASSING)


@pytest.fixture
def failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return _project(tmp_path, **FAILING)


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-j", "1", *args], catch_exceptions=False)


def test_passed_gates_print_nothing_and_exit_0(passing: Path) -> None:
    result = check("--no-cache", ".")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_passed_gates_print_their_values_under_verbose(passing: Path) -> None:
    result = check("--no-cache", "-v", ".")
    assert result.exit_code == 0
    gates = [line for line in result.stderr.splitlines() if " gate " in line]
    assert gates == [
        "simplelint: gate min-type-coverage: 57.1% >= 50%",
        "simplelint: gate min-tested-share: 50% >= 50%",
        "simplelint: gate max-average-complexity: 1.33 <= 2",
    ]


def test_failed_gates_are_finding_lines_at_their_keys_and_exit_1(failing: Path) -> None:
    result = check("--no-cache", "--output-format", "concise", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [*FAILED_LINES, "Found 3 errors."]


def test_exit_zero_and_a_partly_met_goal(failing: Path) -> None:
    assert check("--no-cache", "--exit-zero", ".").exit_code == 0
    result = check("--no-cache", "-q", "--output-format", "concise", "--config", "gates.min-type-coverage = 57", ".")
    assert result.stdout.splitlines() == FAILED_LINES[1:]  # 57.1% >= 57


@pytest.mark.parametrize(
    "selection",
    [
        [],  # SL3 only: the collector drives recording copies of SL101 and SL102
        ["--extend-select", "SL1"],  # both run: their own values are read
        ["--extend-select", "SL102"],  # one runs, the other is driven
        ["--extend-select", "SL1", "--per-file-ignores", "pkg/a.py:SL101"],  # ignored in the file measured
    ],
)
def test_complexity_is_measured_alike_whether_the_metric_rules_run_or_not(failing: Path, selection: list[str]) -> None:
    result = check("--no-cache", "-q", "--output-format", "concise", *selection, ".")
    assert [line for line in result.stdout.splitlines() if " gate " in line] == FAILED_LINES


def test_a_warm_run_measures_what_an_uncached_one_does(failing: Path, tmp_path: Path) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache"), "--output-format", "concise"]
    uncached = check("--no-cache", "--output-format", "concise", ".")
    cold, warm = check(*cache, "."), check(*cache, ".")
    assert uncached.stdout == cold.stdout == warm.stdout
    assert uncached.stdout.splitlines()[:3] == FAILED_LINES


def test_json_carries_a_failed_gate_as_a_record_with_code_gate(failing: Path) -> None:
    records = json.loads(check("--no-cache", "--output-format", "json", ".").stdout)
    gates = [r for r in records if r["code"] == "gate"]
    assert [(r["name"], r["filename"], r["location"]["row"], r["url"]) for r in gates] == [
        ("min-type-coverage", "pyproject.toml", 5, None),
        ("min-tested-share", "pyproject.toml", 6, None),
        ("max-average-complexity", "pyproject.toml", 7, None),
    ]
    assert gates[0]["message"] == FAILED_LINES[0].split(": gate ", 1)[1]


def test_sarif_and_github_carry_failed_gates(failing: Path) -> None:
    log = json.loads(check("--no-cache", "--output-format", "sarif", ".").stdout)
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["gate"] * 3
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pyproject.toml"
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert (rule["id"], rule["name"], "helpUri" in rule) == ("gate", "gate", False)
    assert rule["shortDescription"]["text"] == "A goal of [tool.simplelint.gates] is not met"
    github = check("--no-cache", "--output-format", "github", ".").stdout
    assert "::error title=simplelint (gate),file=pyproject.toml,line=5," in github


def test_tested_share_unmeasured_without_sl3_is_a_warning(passing: Path) -> None:
    result = check("--no-cache", "--select", "SL101", ".")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: gate min-tested-share: not measured, neither SL301 nor SL302 is enabled, or no function is "
        "judged (goal 50%)\n"
    )


def test_the_html_report_shows_the_gates_numbers(passing: Path) -> None:
    result = CliRunner().invoke(main, ["report", "--no-cache", "--html", "out", "."], catch_exceptions=False)
    assert result.exit_code == 0
    text = (passing / "out" / "index.html").read_text(encoding="utf-8")

    def card(key: str) -> str:
        found = re.search(rf'id="card-{key}"><div class="label">[^<]*</div><div class="value">([^<]*)<', text)
        assert found, key
        return found.group(1)

    assert (card("annotated"), card("tested"), card("mean-complexity")) == ("57.1%", "50.0%", "1.33")


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('min-type-coverage = "80"', "pyproject.toml:5: `min-type-coverage` in [tool.simplelint.gates] must be a "
         "number, got '80'."),
        ("min-tested-share = 120", "pyproject.toml:5: `min-tested-share` in [tool.simplelint.gates] must be a "
         "number from 0 to 100 (a percentage), got 120."),
        ("max-average-complexity = -1", "pyproject.toml:5: `max-average-complexity` in [tool.simplelint.gates] "
         "must be a number from 0, got -1."),
        ("min-type-coverag = 80", "pyproject.toml:5: unknown key `min-type-coverag` in [tool.simplelint.gates]. "
         "Did you mean `min-type-coverage`?"),
    ],
)  # fmt: skip
def test_config_errors_name_file_line_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str,
                                              error: str) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(f"[tool.simplelint]\nselect = ['SL1']\n\n[tool.simplelint.gates]\n{line}\n")
    result = check("--no-cache", ".")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {error}")


@pytest.mark.slow
def test_gates_in_a_real_subprocess(failing: Path) -> None:
    command = [sys.executable, "-m", "simplelint", "check", "--no-cache", "--output-format", "concise", "."]
    done = subprocess.run(command, cwd=failing, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[:3] == FAILED_LINES
    (failing / "pyproject.toml").write_text(CONFIG.format(**PASSING), encoding="utf-8")
    done = subprocess.run(command, cwd=failing, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "All checks passed!\n")


def test_a_value_just_short_of_its_goal_never_shows_as_the_goal() -> None:
    from simplelint.adoption.gates import Measures, evaluate
    from simplelint.config.settings import Goal

    measures = Measures(typed=79_996, slots=100_000, functions=1000, complexity=2004)
    goals = [Goal("min-type-coverage", 80, "pyproject.toml", 3), Goal("max-average-complexity", 2, "pyproject.toml", 4)]
    assert [verdict.line(measures) for verdict in evaluate(measures, goals)] == [
        "min-type-coverage: 79.996% < 80% (annotate 4 more parameters or returns)",
        "max-average-complexity: 2.004 > 2 (remove 4 decision points across 1000 functions)",
    ]
