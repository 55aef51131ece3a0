"""Small truths, through the command line: where a NUL byte is, which noqa codes are unused, what the HTML
report's buckets and families say, and singular/plural in every count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main


@pytest.fixture
def project(in_tmp: Path) -> Path:
    return in_tmp


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def concise(*args: str) -> list[str]:
    return invoke("check", "--no-cache", "--output-format", "concise", "-q", *args).stdout.splitlines()


# ---- a NUL byte is reported where it is ----


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"x = 1\ny = 2\x00\n", "2:6"),
        (b'x = 1\ny = "ab\x00c"\n', "2:8"),  # LibCST accepts it in a string; CPython refuses the file
        (b"x = 1\n# note \x00\n", "2:8"),
        ("\u00e9 = 1\n\u00e9\u00e9 + \x00\n".encode(), "2:6"),  # columns count characters, not bytes
        (b"x = 1\r\ny = 2\rz = \x00\n", "3:5"),  # CR and CRLF end lines too
        (b"\xef\xbb\xbf\x00", "1:1"),  # a BOM is no column
    ],
)
def test_a_nul_byte_is_reported_at_its_line_and_column(project: Path, data: bytes, where: str) -> None:
    (project / "nul.py").write_bytes(data)
    assert concise("nul.py") == [f"nul.py:{where}: SL001 SyntaxError: source code cannot contain null bytes"]


# ---- SL003 names each listed code that suppressed nothing ----

NOQA = """\
def f(x):
    if x == None:  # noqa: SL111,SL2
        return True
    return x == None  # noqa: SL111, SL201
y = 1 == None  # noqa: SL11, E501
z = 2  # noqa: SL201, E501
"""


def test_unused_codes_of_a_used_noqa_are_reported(project: Path) -> None:
    (project / "a.py").write_text(NOQA, encoding="utf-8")
    assert concise("--select", "SL111,SL003", "a.py") == [
        "a.py:2:20: SL003 Unused `noqa` directive (suppresses nothing: `SL2`)",
        "a.py:4:23: SL003 Unused `noqa` directive (suppresses nothing: `SL201`)",
        "a.py:6:8: SL003 Unused `noqa` directive (suppresses nothing: `SL201`)",  # E501 is flake8's to judge
    ]


def test_unused_codes_of_a_file_level_noqa_are_reported(project: Path) -> None:
    (project / "a.py").write_text("# simplelint: noqa: SL111, SL3\nx = 1 == None\n", encoding="utf-8")
    assert concise("--select", "SL111,SL003", "a.py") == [
        "a.py:1:1: SL003 Unused `noqa` directive (suppresses nothing: `SL3`)"
    ]


# ---- the HTML report: cognitive 0 has a true bucket; SL11x/SL12x are Simplification ----

REPORTED = """\
def straight(a: int) -> int:
    return a


def compare(a: int) -> bool:
    return a == None
"""


def _report(project: Path) -> str:
    (project / "pkg").mkdir()
    (project / "pkg" / "mod.py").write_text(REPORTED, encoding="utf-8")
    flags = ["--isolated", "--no-cache", "-j", "1", "--select", "SL1"]
    result = invoke("report", *flags, "--html", "out", "pkg")
    assert result.exit_code == 0, result.output
    return (project / "out" / "index.html").read_text(encoding="utf-8")


def test_cognitive_complexity_0_is_in_a_bucket_whose_label_holds_it(project: Path) -> None:
    html = _report(project)
    assert "<title>cognitive 0–5: 2</title>" in html  # both functions: cognitive complexity 0
    assert "<title>cyclomatic 0–5: 2</title>" in html  # 1 and 2
    assert "cognitive 1–5" not in html and ">1–5<" not in html


def test_simplification_findings_are_not_counted_as_complexity(project: Path) -> None:
    html = _report(project)
    assert "Simplification: 1" in html and "Complexity: " not in html  # the "Findings" card's breakdown
    assert '<td class="code">SL111</td><td>compare-to-none</td><td>Simplification</td>' in html
    code = invoke("rules", "--output-format", "json").stdout
    families = {rule["code"]: rule["family"] for rule in json.loads(code)}
    found = (families["SL101"], families["SL111"], families["SL121"])
    assert found == ("complexity", "simplification", "simplification")


# ---- one thing is singular ----


def test_counts_of_one_are_singular(project: Path) -> None:
    (project / "a.py").write_text("x = 1\nx == None\n", encoding="utf-8")
    flags = ["--no-cache", "--isolated", "--select", "SL111"]
    result = invoke("check", *flags, "-v", "a.py")
    assert result.stdout.endswith(
        "Found 1 error.\n(1 hidden fix can be enabled with the `--unsafe-fixes` option.)\n"
    ), result.stdout
    assert "simplelint: checked 1 file with 1 rule\n" in result.stderr
    result = invoke("check", *flags, "--unsafe-fixes", "--fix", "a.py")
    assert result.stdout == "Found 1 error (1 fixed, 0 remaining).\n"
    (project / "a.py").write_text("x = 1\nx == None\n", encoding="utf-8")
    report = invoke("report", *flags, "--html", "out", "a.py").stdout
    assert report == f"Wrote {Path('out', 'index.html')}: 1 finding in 1 file.\n"
    baseline = invoke("baseline", *flags, "a.py").stdout
    written = project / ".simplelint-baseline.json"
    assert baseline == f"Wrote {written}: 1 finding baselined (1 in the 1 file checked).\n"
    (project / "a.py").write_text("x = 1\n", encoding="utf-8")
    result = invoke("check", *flags, "-v", "a.py")
    assert "simplelint: 1 baselined finding was fixed; run `simplelint check --update-baseline` to drop it" in (
        result.stderr
    )


def test_counts_of_several_stay_plural(project: Path) -> None:
    (project / "a.py").write_text("x = 1\nx == None\nx != None\n", encoding="utf-8")
    result = invoke("check", "--no-cache", "--isolated", "--select", "SL111,SL003", "-v", "a.py")
    assert result.stdout.endswith(
        "Found 2 errors.\n(2 hidden fixes can be enabled with the `--unsafe-fixes` option.)\n"
    ), result.stdout
    assert "simplelint: checked 1 file with 2 rules\n" in result.stderr


def test_type_errors_take_the_right_article(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.simplelint.complexity]\nmax-args = 'x'\n", encoding="utf-8")
    (project / "a.py").write_text("x = 1\n", encoding="utf-8")
    result = invoke("check", "a.py")
    assert result.stderr == (
        "error: pyproject.toml:2: `max-args` in [tool.simplelint.complexity] must be an integer, got 'x'.\n"
    )
