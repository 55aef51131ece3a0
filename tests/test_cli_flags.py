"""Issue 15's everyday flags of ruff users, end to end: severity (`[tool.simplelint.severity]`), the fix
workflow flags (--fix-only, --show-fixes, --exit-non-zero-on-fix), --add-noqa, and `check --help`'s groups."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from simplelint.cli import MISCELLANEOUS, OPTION_GROUPS, GroupedCommand, check, main
from simplelint.engine.suppression import noqa_lines, parse_noqa

# SL113 (superfluous-else) and SL120 (double-negation) have safe fixes; SL112 (compare-to-bool) an unsafe one.
FIXABLE = "def f(x: int) -> int:\n    if x:\n        return 1\n    else:\n        return 2\n"
NEGATED = "def g(x: list[int]) -> bool:\n    return not not x\n"
UNSAFE = "def h(x: bool) -> int:\n    return 1 if x == True else 2\n"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def subprocess_check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "simplelint", "check", "--no-cache", *args]
    return subprocess.run(command, check=False, cwd=cwd, capture_output=True, text=True, timeout=120)


def configure(folder: Path, severity: str) -> None:
    (folder / "pyproject.toml").write_text(f"[tool.simplelint]\n\n[tool.simplelint.severity]\n{severity}", "utf-8")


# --- severity ---------------------------------------------------------------------------------------------


def test_warnings_are_marked_counted_and_do_not_fail(in_tmp: Path) -> None:
    configure(in_tmp, 'SL12 = "warning"\n')
    (in_tmp / "a.py").write_text(NEGATED, encoding="utf-8")
    code, out, _ = invoke("check", "--no-cache", "--output-format", "concise", "a.py")
    assert code == 0
    assert out.splitlines() == [
        "a.py:2:12: SL120 [warning] [*] Double negation: use `bool(x)`, or `x` in a condition",
        "Found 0 errors and 1 warning.",
        "[*] 1 fixable with the `--fix` option.",
    ]
    (in_tmp / "b.py").write_text(FIXABLE, encoding="utf-8")
    code, out, _ = invoke("check", "--no-cache", "a.py", "b.py")
    assert code == 1  # SL113 stays an error
    assert "b.py:4:5: SL113 [*] Unnecessary" in out and "SL120 [warning]" in out
    assert "Found 1 error and 1 warning." in out


def test_most_specific_selector_wins(in_tmp: Path) -> None:
    configure(in_tmp, 'SL1 = "warning"\nSL113 = "error"\ndouble-negation = "error"\nSL12 = "warning"\n')
    (in_tmp / "a.py").write_text(FIXABLE + "\n\n" + NEGATED + "\n\n" + UNSAFE, encoding="utf-8")
    code, out, _ = invoke("check", "--no-cache", "--output-format", "json", "a.py")
    levels = {item["code"]: item["severity"] for item in json.loads(out)}
    assert levels == {"SL113": "error", "SL120": "error", "SL112": "warning"}
    assert code == 1


def test_severity_in_every_machine_format(in_tmp: Path) -> None:
    configure(in_tmp, 'SL120 = "warning"\n')
    (in_tmp / "a.py").write_text(FIXABLE + "\n\n" + NEGATED, encoding="utf-8")

    def run(fmt: str) -> str:
        code, out, _ = invoke("check", "--no-cache", "--output-format", fmt, "a.py")
        assert code == 1  # SL113 is an error
        return out

    github = run("github").splitlines()
    assert [line.split(" ", 1)[0] for line in github] == ["::error", "::warning"]
    sarif = json.loads(run("sarif"))["runs"][0]
    assert [r["level"] for r in sarif["results"]] == ["error", "warning"]
    assert [r["defaultConfiguration"]["level"] for r in sarif["tool"]["driver"]["rules"]] == ["error", "warning"]
    assert [issue["severity"] for issue in json.loads(run("gitlab"))] == ["major", "minor"]
    assert [item["severity"] for item in map(json.loads, run("json-lines").splitlines())] == ["error", "warning"]
    junit = ET.fromstring(run("junit"))
    assert (junit.get("failures"), junit.get("skipped")) == ("1", "1")
    assert [child.tag for child in junit.iter() if child.tag in ("failure", "skipped")] == ["failure", "skipped"]


def test_a_warm_cache_shows_the_severity_configured_now(in_tmp: Path) -> None:
    (in_tmp / "a.py").write_text(NEGATED, encoding="utf-8")
    configure(in_tmp, 'SL120 = "warning"\n')
    assert invoke("check", "a.py")[0] == 0
    configure(in_tmp, 'SL120 = "error"\n')
    warm = invoke("check", "a.py")
    assert warm == invoke("check", "--no-cache", "a.py")
    assert warm[0] == 1 and "[warning]" not in warm[1]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('SL1 = "warning"\nSL99 = "warning"\n', ":5: Unknown rule selector 'SL99' in 'severity'"),
        ('SL1 = "info"\n', ':4: `SL1` in [tool.simplelint.severity] must be "error" or "warning", got \'info\'.'),
        ("SL1 = 1\n", "must be a table of selector"),
    ],
)
def test_a_bad_severity_table_is_a_config_error_at_its_line(in_tmp: Path, table: str, message: str) -> None:
    configure(in_tmp, table)
    (in_tmp / "a.py").write_text("x = 1\n", encoding="utf-8")
    code, out, err = invoke("check", "--no-cache", "a.py")
    assert code == 2 and out == ""
    assert err.startswith("error: pyproject.toml") and message in err


def test_severity_through_a_real_process(tmp_path: Path) -> None:
    configure(tmp_path, '"SL120" = "warning"\n')
    (tmp_path / "a.py").write_text(NEGATED, encoding="utf-8")
    done = subprocess_check("--output-format", "github", "a.py", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("::warning title=simplelint (SL120),file=a.py,line=2")
    (tmp_path / "b.py").write_text(FIXABLE, encoding="utf-8")
    done = subprocess_check("--output-format", "concise", "a.py", "b.py", cwd=tmp_path)
    assert done.returncode == 1 and "Found 1 error and 1 warning." in done.stdout


# --- --fix-only, --exit-non-zero-on-fix, --show-fixes -------------------------------------------------------


def test_exit_non_zero_on_fix(in_tmp: Path) -> None:
    target = in_tmp / "a.py"
    target.write_text(FIXABLE, encoding="utf-8")
    assert invoke("check", "--no-cache", "--fix", "a.py")[0] == 0  # nothing remains: 0 without the flag
    target.write_text(FIXABLE, encoding="utf-8")
    code, out, _ = invoke("check", "--no-cache", "--fix", "--exit-non-zero-on-fix", "a.py")
    assert (code, out) == (1, "Found 1 error (1 fixed, 0 remaining).\n")
    assert "    else:" not in target.read_text(encoding="utf-8")
    assert invoke("check", "--no-cache", "--fix", "--exit-non-zero-on-fix", "a.py") == (0, "All checks passed!\n", "")


def test_fix_only_applies_fixes_and_reports_nothing_that_remains(in_tmp: Path) -> None:
    target = in_tmp / "a.py"
    target.write_text(FIXABLE + "\n\n" + UNSAFE, encoding="utf-8")  # SL112's fix is unsafe: it remains
    assert invoke("check", "--no-cache", "--fix-only", "a.py") == (0, "Fixed 1 error.\n", "")
    assert "    else:" not in target.read_text(encoding="utf-8") and "== True" in target.read_text(encoding="utf-8")
    assert invoke("check", "--no-cache", "--fix-only", "a.py") == (0, "", "")  # nothing to fix: nothing said
    assert invoke("check", "--no-cache", "--fix-only", "--output-format", "json", "a.py") == (0, "[]\n", "")
    target.write_text(FIXABLE, encoding="utf-8")
    assert invoke("check", "--no-cache", "--fix-only", "--exit-non-zero-on-fix", "a.py")[0] == 1


def test_show_fixes_lists_fixes_per_file_and_code(in_tmp: Path) -> None:
    (in_tmp / "a.py").write_text(FIXABLE + "\n\n" + NEGATED + "\n\ndef k(y: int) -> bool:\n    return not not y\n")
    (in_tmp / "b.py").write_text(NEGATED, encoding="utf-8")
    code, out, _ = invoke("check", "--no-cache", "--show-fixes", "--output-format", "concise", ".")
    assert code == 1
    listing = out[out.index("\nWould fix") :]
    assert listing == (
        "\nWould fix 4 errors:\n- a.py:\n    2 × SL120 (double-negation)\n    1 × SL113 (superfluous-else)\n"
        "- b.py:\n    1 × SL120 (double-negation)\n\nFound 4 errors.\n[*] 4 fixable with the `--fix` option.\n"
    )
    code, out, _ = invoke("check", "--no-cache", "--fix", "--show-fixes", ".")
    assert (code, out) == (
        0,
        "\nFixed 4 errors:\n- a.py:\n    2 × SL120 (double-negation)\n    1 × SL113 (superfluous-else)\n"
        "- b.py:\n    1 × SL120 (double-negation)\n\nFound 4 errors (4 fixed, 0 remaining).\n",
    )


def test_fix_flags_through_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\n", encoding="utf-8")
    (tmp_path / "a.py").write_text(FIXABLE + "\n\n" + UNSAFE, encoding="utf-8")
    done = subprocess_check("--fix-only", "--show-fixes", "--exit-non-zero-on-fix", "a.py", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == "\nFixed 1 error:\n- a.py:\n    1 × SL113 (superfluous-else)\n\nFixed 1 error.\n"
    done = subprocess_check("--fix-only", "--exit-non-zero-on-fix", "a.py", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")


# --- --add-noqa --------------------------------------------------------------------------------------------


def add_noqa(*paths: str) -> tuple[int, str, str]:
    return invoke("check", "--no-cache", "--add-noqa", *paths)


def test_add_noqa_then_nothing_is_reported(in_tmp: Path) -> None:
    target = in_tmp / "a.py"
    target.write_text(FIXABLE + "\n\n" + NEGATED, encoding="utf-8")
    assert add_noqa("a.py") == (0, "", "Added 2 noqa directives.\n")
    text = target.read_text(encoding="utf-8")
    assert "    else:  # noqa: SL113\n" in text and "    return not not x  # noqa: SL120\n" in text
    assert invoke("check", "--no-cache", "a.py") == (0, "All checks passed!\n", "")
    assert add_noqa("a.py") == (0, "", "")  # nothing left to add
    assert target.read_text(encoding="utf-8") == text


def test_add_noqa_keeps_crlf_and_bom(in_tmp: Path) -> None:
    target = in_tmp / "a.py"
    source = "\ufeff" + NEGATED.replace("\n", "\r\n")
    target.write_bytes(source.encode("utf-8"))
    assert add_noqa("a.py")[0] == 0
    expected = source.replace("not not x\r\n", "not not x  # noqa: SL120\r\n")
    assert target.read_bytes() == expected.encode("utf-8")


def test_add_noqa_keeps_a_declared_encoding(in_tmp: Path) -> None:
    target = in_tmp / "a.py"
    source = "# -*- coding: latin-1 -*-\nNAME = 'café'\n" + NEGATED
    target.write_bytes(source.encode("latin-1"))
    assert add_noqa("a.py")[0] == 0
    assert target.read_bytes() == source.replace("not not x\n", "not not x  # noqa: SL120\n").encode("latin-1")


def test_add_noqa_merges_with_an_existing_noqa(in_tmp: Path) -> None:
    target = in_tmp / "a.py"
    target.write_text(NEGATED.replace("not not x\n", "not not x  # noqa: E501,ZZ1 - long on purpose\n"))
    assert add_noqa("a.py") == (0, "", "Added 1 noqa directive.\n")
    line = target.read_text(encoding="utf-8").splitlines()[1]
    assert line == "    return not not x  # noqa: E501, SL120, ZZ1 - long on purpose"
    assert invoke("check", "--no-cache", "a.py")[0] == 0


def test_add_noqa_goes_where_a_multi_line_string_ends(in_tmp: Path) -> None:
    target = in_tmp / "a.py"
    source = (
        "def g(x: str) -> bool:\n"
        '    return not not x == """a # not a comment\n'
        '    b"""\n'
        "\n\n"
        "def k(y: int) -> bool:\n"
        "    return not not \\\n"
        "        y\n"
    )
    target.write_text(source, encoding="utf-8")
    assert add_noqa("a.py") == (0, "", "Added 2 noqa directives.\n")
    text = target.read_text(encoding="utf-8")
    expected = source.replace('b"""\n', 'b"""  # noqa: SL120\n')
    assert text == expected.replace("        y\n", "        y  # noqa: SL120\n")
    compile(text, "a.py", "exec")  # still Python, the string unchanged
    assert invoke("check", "--no-cache", "a.py") == (0, "All checks passed!\n", "")


def test_add_noqa_leaves_a_file_with_a_syntax_error_alone(in_tmp: Path) -> None:
    broken, fine = in_tmp / "broken.py", in_tmp / "fine.py"
    broken.write_bytes(b"def broken(:\n    return not not x\n")
    fine.write_text(NEGATED, encoding="utf-8")
    code, _, err = add_noqa(".")
    assert code == 0 and err == "Added 1 noqa directive.\n"
    assert broken.read_bytes() == b"def broken(:\n    return not not x\n"
    assert "# noqa: SL120" in fine.read_text(encoding="utf-8")


def test_add_noqa_refuses_to_combine_with_fixes(in_tmp: Path) -> None:
    (in_tmp / "a.py").write_text(NEGATED, encoding="utf-8")
    for flag in ("--fix", "--diff", "--fix-only"):
        assert invoke("check", "--add-noqa", flag, "a.py") == (2, "", f"error: --add-noqa cannot be used with {flag}\n")
    assert invoke("check", "--add-noqa", "-")[0] == 2
    assert (in_tmp / "a.py").read_text(encoding="utf-8") == NEGATED


def test_add_noqa_through_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\n", encoding="utf-8")
    (tmp_path / "a.py").write_bytes(NEGATED.replace("\n", "\r\n").encode())
    done = subprocess_check("--add-noqa", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "Added 1 noqa directive.\n")
    assert (tmp_path / "a.py").read_bytes().endswith(b"not not x  # noqa: SL120\r\n")
    done = subprocess_check(".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "All checks passed!\n")


# --- noqa lines --------------------------------------------------------------------------------------------


def test_lines_that_cannot_hold_a_comment_map_to_where_it_goes() -> None:
    text = 'x = f("""a\nb""", """c\nd""")\ny = 1 + \\\n    2 + \\\n    3\nz = 1\n'
    assert noqa_lines(text) == {1: 3, 2: 3, 4: 6, 5: 6}
    (directive,) = parse_noqa(text.replace('d""")\n', 'd""")  # noqa: SL120\n'))
    assert (directive.line, directive.first_line) == (3, 1)
    assert directive.covers(1) and directive.covers(3) and not directive.covers(4)


# --- check --help ------------------------------------------------------------------------------------------


def test_every_option_of_check_belongs_to_one_group() -> None:
    grouped = [name for names in OPTION_GROUPS.values() for name in names]
    assert len(grouped) == len(set(grouped))
    options = [p.name for p in check.params if isinstance(p, click.Option)]
    assert sorted(name for name in options if name not in grouped) == []
    assert sorted(set(grouped) - {*options, "help"}) == []


def test_help_lists_the_groups_in_order() -> None:
    code, out, _ = invoke("check", "--help")
    headings = [line[:-1] for line in out.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert code == 0 and headings == list(OPTION_GROUPS)
    assert headings[-1] == MISCELLANEOUS
    fixes = out[out.index("Fixes:") : out.index("File selection:")]
    assert all(flag in fixes for flag in ("--fix-only", "--show-fixes", "--exit-non-zero-on-fix", "--unsafe-fixes"))
    assert "--add-noqa" in out[out.index("Adoption:") :]
    context = click.Context(check, info_name="check")
    formatter = context.make_formatter()
    assert isinstance(check, GroupedCommand)
    GroupedCommand.format_options(check, context, formatter)  # the options part of the help, as printed above
    shown = formatter.getvalue()
    assert shown.startswith("Rule selection:\n  --select TEXT") and "\nMiscellaneous:\n  --config" in shown


def test_the_readme_config_example_is_valid_and_its_severity_applies(in_tmp: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("```toml", readme.index("## Configuration")) + len("```toml")
    example = readme[start : readme.index("```", start)]
    # Its gates would fail on this one-function project (tests/test_gates.py checks them): severity is the point.
    gates = example.index("[tool.simplelint.gates]")
    example = example[:gates] + example[example.index("[tool.simplelint.severity]") :]
    (in_tmp / "pyproject.toml").write_text(example, encoding="utf-8")
    (in_tmp / "a.py").write_text("def f(x: int):\n    return x\n", encoding="utf-8")
    (in_tmp / "b.py").write_text("", encoding="utf-8")
    assert invoke("baseline", "--no-cache", "--baseline", "empty.json", "b.py")[0] == 0  # the file it names
    (in_tmp / ".simplelint-baseline.json").write_bytes((in_tmp / "empty.json").read_bytes())
    code, out, err = invoke("check", "--no-cache", "--output-format", "concise", "a.py")
    assert code == 0 and "error" not in err  # (a warning: the example names coverage data not made here)
    assert out.startswith("a.py:1:5: SL202 [warning] Missing return type annotation")
    assert out.endswith("\nFound 0 errors and 1 warning.\n")


def test_a_finding_covered_by_a_noqa_where_its_string_ends_is_not_fixed(in_tmp: Path) -> None:
    source = 'def g(x: str) -> bool:\n    return not not x == """a\n    b"""  # noqa: SL120\n'
    (in_tmp / "a.py").write_text(source, encoding="utf-8")
    assert invoke("check", "--no-cache", "--fix", "a.py") == (0, "All checks passed!\n", "")
    assert (in_tmp / "a.py").read_text(encoding="utf-8") == source


def test_fix_summary_counts_what_remains_by_severity(in_tmp: Path) -> None:
    configure(in_tmp, 'SL11 = "warning"\n')
    (in_tmp / "a.py").write_text(FIXABLE + "\n\n" + NEGATED + "\n\n" + UNSAFE, encoding="utf-8")
    code, out, _ = invoke("check", "--no-cache", "--fix", "--output-format", "concise", "a.py")
    assert code == 0  # what remains (SL112, its fix unsafe) is a warning
    assert out == (
        "a.py:12:17: SL112 [warning] Comparison to `True` with `==`: use the value itself\n"
        "Fixed 2 errors; 0 errors and 1 warning remaining.\n"
    )


def test_help_groups_through_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simplelint", "check", "--help"], capture_output=True, text=True, check=False
    )
    headings = [line[:-1] for line in done.stdout.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert done.returncode == 0 and headings == list(OPTION_GROUPS)
