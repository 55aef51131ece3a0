"""The command line end to end through click's CliRunner: exit codes, output, config, bad input."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from simplelint.cli import UsageFailure, main, run

BAD = "def broken(:\n    pass\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.simplelint]\n", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "good.py").write_text("VALUE = 1\n", encoding="utf-8")
    return tmp_path


def invoke(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    assert invoke("--version") == (0, "simplelint 0.1.0\n", "")
    assert invoke("-V")[1] == "simplelint 0.1.0\n"


def test_no_subcommand_prints_help_to_stderr_and_exits_2() -> None:
    code, out, err = invoke()
    assert code == 2 and out == "" and "check" in err and "explain" in err


def test_unknown_option_is_a_usage_error() -> None:
    code, _, err = invoke("check", "--bogus")
    assert code == 2 and "No such option" in err


def test_clean_project_passes(project: Path) -> None:
    (project / ".venv").mkdir()
    (project / ".venv" / "bad.py").write_text(BAD, encoding="utf-8")
    (project / "node_modules").mkdir()
    (project / "node_modules" / "bad.py").write_text(BAD, encoding="utf-8")
    assert invoke("check", ".") == (0, "All checks passed!\n", "")


def test_findings_are_sorted_relative_and_summarised(project: Path) -> None:
    (project / "pkg" / "b.py").write_text(BAD, encoding="utf-8")
    (project / "pkg" / "a.py").write_text("x = (\n", encoding="utf-8")
    code, out, _ = invoke("check", ".", "--output-format", "concise")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"pkg{os.sep}a.py:") and " SL001 " in lines[0]
    assert lines[1].startswith(f"pkg{os.sep}b.py:1:12: SL001 SyntaxError")
    assert lines[-1] == "Found 2 errors."


def test_full_format_shows_the_source_line_and_a_caret(project: Path) -> None:
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    code, out, _ = invoke("check", "bad.py")
    assert code == 1
    assert "1 | def broken(:\n" in out
    assert "  |            ^ SL001" in out


def test_a_missing_path_is_an_error(project: Path) -> None:
    code, out, err = invoke("check", "nope.py")
    assert code == 2 and "nope.py" in err and out == ""


def test_unknown_selector_lints_nothing(project: Path) -> None:
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    code, out, err = invoke("check", "--select", "XYZ999", ".")
    assert code == 2 and out == ""
    assert "Unknown rule selector 'XYZ999' in 'select' from the CLI" in err


def test_selectors_accept_codes_prefixes_and_names(project: Path) -> None:
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    (project / "noqa.py").write_text("x = 1  # noqa: SL201\n", encoding="utf-8")
    for selector in ("SL003", "SL00", "unused-noqa"):
        code, out, _ = invoke("check", "--select", selector, "--output-format", "concise", "-q", ".")
        assert (code, out.count("SL003"), out.count("SL001")) == (1, 1, 1), selector
    code, out, _ = invoke("check", "--ignore", "SL002", "-q", "--output-format", "concise", ".")
    assert "SL003" not in out


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("selct = ['SL1']", ["pyproject.toml:5", "unknown key `selct`", "Did you mean `select`?", "Valid keys:"]),
        ("select = 'SL1'", ["`select` in [tool.simplelint] must be a list of strings"]),
        ("select = ['NOPE1']", ["Unknown rule selector 'NOPE1' in 'select'"]),
        ("[tool.simplelint.type-hints]\nbogus = 1", ["unknown key `bogus` in [tool.simplelint.type-hints]"]),
        ("per-file-ignores = { 'x.py' = ['ZZ9'] }", ["Unknown rule selector 'ZZ9'"]),
    ],
)
def test_config_errors_name_file_key_and_choices(project: Path, config: str, expected: list[str]) -> None:
    (project / "pyproject.toml").write_text(
        f"[project]\nname = 'demo'\n\n[tool.simplelint]\n{config}\n", encoding="utf-8"
    )
    code, out, err = invoke("check", ".")
    assert code == 2 and out == ""
    for text in expected:
        assert text in err


STALE = "x = 1  # noqa: SL201\n"


def test_subfolder_pyproject_without_our_table_is_skipped(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.simplelint]\nextend-select = ['SL003']\n", encoding="utf-8")
    sub = project / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'sub'\n", encoding="utf-8")
    (sub / "stale.py").write_text(STALE, encoding="utf-8")
    assert invoke("check", "sub")[0] == 1


def test_config_file_inline_override_and_isolated(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.simplelint]\nextend-select = ['SL003']\n", encoding="utf-8")
    (project / "stale.py").write_text(STALE, encoding="utf-8")
    assert invoke("check", ".")[0] == 1
    assert invoke("check", "--isolated", ".")[0] == 0
    assert invoke("check", "--config", "extend-select = []", ".")[0] == 0
    other = project / "other.toml"
    other.write_text("select = ['SL002']\n", encoding="utf-8")
    assert invoke("check", "--config", str(other), ".")[0] == 0


def test_per_file_ignores_and_excludes(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.simplelint]\nextend-select = ['SL003']\nper-file-ignores = { 'legacy/*.py' = ['SL003'] }\n"
        "extend-exclude = ['generated/']\n",
        encoding="utf-8",
    )
    for folder in ("legacy", "generated", "app"):
        (project / folder).mkdir()
        (project / folder / "stale.py").write_text(STALE, encoding="utf-8")
    code, out, _ = invoke("check", "--output-format", "concise", "-q", ".")
    assert code == 1 and [line.split(": ")[0] for line in out.strip().splitlines()] == [
        f"app{os.sep}stale.py:1:8"
    ]


def test_syntax_errors_are_reported_whatever_the_selection(project: Path) -> None:
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    assert invoke("check", "--ignore", "SL001", ".")[0] == 1


def test_gitignore_is_respected_and_force_exclude_applies_to_named_files(project: Path) -> None:
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("ignored/\n", encoding="utf-8")
    (project / "pyproject.toml").write_text("[tool.simplelint]\nextend-exclude = ['skip.py']\n", encoding="utf-8")
    (project / "ignored").mkdir()
    (project / "ignored" / "bad.py").write_text(BAD, encoding="utf-8")
    (project / "skip.py").write_text(BAD, encoding="utf-8")
    assert invoke("check", ".")[0] == 0
    # Named explicitly, an excluded file is checked, unless --force-exclude (what pre-commit passes).
    assert invoke("check", "skip.py")[0] == 1
    assert invoke("check", "--force-exclude", "skip.py")[0] == 0
    assert invoke("check", "--force-exclude", "ignored/bad.py")[0] == 0


def test_stdin_uses_the_given_filename(project: Path) -> None:
    code, out, _ = invoke("check", "-", "--output-format", "concise", input=BAD.encode())
    assert code == 1 and out.startswith("-:1:12: SL001")
    code, out, _ = invoke(
        "check", "-", "--stdin-filename", "pkg/mod.py", "--output-format", "concise", input=BAD.encode()
    )
    assert out.startswith("pkg/mod.py:1:12: SL001")


def test_stdin_filename_drives_per_file_ignores(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.simplelint]\nper-file-ignores = { 'legacy/*' = ['SL003'] }\n", encoding="utf-8"
    )
    source = b"x = 1  # noqa: SL201\n"
    args = ("check", "-", "--extend-select", "SL003", "--stdin-filename")
    assert invoke(*args, "legacy/mod.py", input=source)[0] == 0
    assert invoke(*args, "app/mod.py", input=source)[0] == 1


def test_exit_zero_quiet_silent_and_statistics(project: Path) -> None:
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    code, out, _ = invoke("check", "--exit-zero", ".")
    assert code == 0 and "SL001" in out
    code, out, _ = invoke("check", "-q", "--output-format", "concise", ".")
    assert code == 1 and "Found" not in out and "SL001" in out
    assert invoke("check", "-s", ".")[:2] == (1, "")
    code, out, _ = invoke("check", "--statistics", ".")
    assert out.splitlines()[0] == "1\tSL001\t[ ]\tinvalid-syntax"
    assert invoke("check", "--exit-zero", "--select", "NOPE", ".")[0] == 2


def test_noqa_forms(project: Path) -> None:
    (project / "a.py").write_text("x = 1  # noqa: SL201, SL202\ny = 2  # noqa\nz = '# noqa'\n", encoding="utf-8")
    code, out, _ = invoke("check", "--report-unused-noqa", "--output-format", "json", "a.py")
    found = [(f["code"], f["location"]["row"]) for f in json.loads(out)]
    assert code == 1 and found == [("SL003", 1), ("SL003", 2)]


def test_noqa_with_another_linters_code_for_the_same_check_silences_it(project: Path) -> None:
    """Precision review (issue 12): `# noqa: E711`, written for ruff or flake8, means the `==` is meant."""
    (project / "pkg" / "cmp.py").write_text(
        "import pytest\n\n\ndef test_ne_none():\n"
        "    assert None != pytest.approx(1.0)  # noqa: E711\n"
        "    assert True == pytest.approx(True)  # noqa: E712, E501\n"
        "    assert None == pytest.approx(None)  # noqa: E7\n",  # a prefix of another tool's codes: not this check
        encoding="utf-8",
    )
    code, out, _ = invoke("check", "--no-cache", "--select", "SL111,SL112,SL003", "--output-format", "concise", "pkg")
    assert code == 1
    assert [row.split(": ", 1)[1][:5] for row in out.splitlines() if ": SL" in row] == ["SL111"]
    assert "cmp.py:7:" in out
    assert "`E711`" in invoke("explain", "SL111")[1]


def test_file_level_noqa_and_syntax_errors_cannot_be_suppressed(project: Path) -> None:
    (project / "a.py").write_text("# simplelint: noqa\ndef broken(:  # noqa\n", encoding="utf-8")
    code, out, _ = invoke("check", "--output-format", "concise", "a.py")
    assert code == 1 and "SL001" in out


@pytest.mark.parametrize(
    ("name", "data", "codes"),
    [
        ("null.py", b"x = 1\x00\n", ["SL001"]),
        ("latin_no_cookie.py", b"name = 'caf\xe9'\n", ["SL002"]),
        ("latin_cookie.py", b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n", []),
        ("bom.py", b"\xef\xbb\xbfx = 1\n", []),
        ("crlf.py", b"x = 1\r\ny = 2\r\n", []),
        ("empty.py", b"", []),
        ("big.py", b"x = 1\n" * 20_000, []),
        ("deep.py", b"x = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n", ["SL004"]),
        ("deeper.py", b"x = " + b"[" * 50_000 + b"]" * 50_000 + b"\n", ["SL004"]),
        ("unary.py", b"x = " + b"-" * 5000 + b"1\n", ["SL004"]),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_input_is_reported_not_raised(project: Path, name: str, data: bytes, codes: list[str]) -> None:
    (project / name).write_bytes(data)
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    code, out, err = invoke("check", "--output-format", "json", name, "bad.py")
    found = json.loads(out)
    assert [f["code"] for f in found if f["filename"] == name] == codes
    assert any(f["filename"] == "bad.py" for f in found), "the other files are still checked"
    assert err == "" and code == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"# -*- coding: ascii -*-\nx = 'caf\xc3\xa9'\n", "2:1: SL002 Cannot decode file: not valid ascii, the encoding it declares, at byte 32"),
        (b"x = 1\n# coding: latin-1\ny = '\xff'\n", "3:1: SL002 Cannot decode file: not valid UTF-8 at byte 29 and no PEP 263"),
        (b"x = 1\n\ny = 'caf\xe9'\n", "3:1: SL002 Cannot decode file: not valid UTF-8 at byte 15 and no PEP 263"),
        (b"# coding: klingon\nx = 1\n", "1:1: SL002 Cannot decode file: unknown encoding: klingon"),
    ],
    ids=["declared-ascii", "cookie-on-line-2-is-too-late", "no-cookie", "unknown"],
)
def test_undecodable_files_are_reported_where_and_in_the_words_of_their_declaration(
    project: Path, data: bytes, expected: str
) -> None:
    """Issue 14.13: SL002 said "no PEP 263 declaration" for files that declare one."""
    (project / "enc.py").write_bytes(data)
    code, out, _ = invoke("check", "--output-format", "concise", "enc.py")
    assert code == 1 and out.startswith(f"enc.py:{expected}"), out


def test_symlink_loop_and_unreadable_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pkg" / "loop").symlink_to(project / "pkg", target_is_directory=True)
    (project / "pkg" / "locked.py").write_text("x = 1\n", encoding="utf-8")
    real_open = os.open

    def deny(path: str, *args: int) -> int:
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args)

    monkeypatch.setattr("os.open", deny)
    code, out, _ = invoke("check", "--no-cache", "-j1", "--output-format", "concise", "pkg")
    assert code == 1
    assert out.splitlines()[0] == f"pkg{os.sep}locked.py:1:1: SL002 Cannot read file: Permission denied"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_and_folders_named_like_python_files_do_not_hang(project: Path) -> None:
    os.mkfifo(project / "pkg" / "pipe.py")
    (project / "pkg" / "folder.py").mkdir()
    (project / "pkg" / "folder.py" / "inner.py").write_text("x == None\n", encoding="utf-8")
    code, out, _ = invoke("check", "--no-cache", "-j1", "--output-format", "concise", "pkg")
    assert out.splitlines()[0].startswith(f"pkg{os.sep}folder.py{os.sep}inner.py:1:1: SL111")
    code, out, _ = invoke("check", "--no-cache", "-j1", "--output-format", "concise", "pkg/pipe.py")
    assert (code, out.splitlines()[0]) == (1, "pkg/pipe.py:1:1: SL002 Cannot read file: Not a regular file")


def test_color_only_when_asked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    assert "\033[" not in invoke("check", ".")[1]
    assert "\033[" in invoke("check", "--color", "always", ".")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in invoke("check", ".")[1]
    assert "\033[" in invoke("check", "--color", "always", ".")[1]


def test_rules_and_explain() -> None:
    code, out, _ = invoke("rules")
    assert code == 0 and "SL001  invalid-syntax" in out
    code, out, _ = invoke("explain", "SL003")
    assert code == 0 and "# unused-noqa (SL003)" in out and "## What it does" in out
    assert invoke("explain", "unused-noqa")[1] == out
    code, _, err = invoke("explain", "SL9999")
    assert code == 2 and "Unknown rule" in err


def test_cache_reuses_results_and_survives_corruption(project: Path) -> None:
    (project / "bad.py").write_text(BAD, encoding="utf-8")
    first = invoke("check", ".")
    cache = project / ".simplelint_cache"
    assert (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    entries = list(cache.rglob("*.json"))
    assert entries
    for entry in entries:
        entry.write_text("{not json", encoding="utf-8")
    assert invoke("check", ".") == first
    assert invoke("check", ".") == first
    assert invoke("check", "--no-cache", ".") == first


def test_usage_failures_print_error_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    UsageFailure("bad things").show()
    assert capsys.readouterr().err == "error: bad things\n"


def test_console_entry_point(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["simplelint", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == 0 and capsys.readouterr().out == "simplelint 0.1.0\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize(
    "args",
    [["check", "--no-cache", "pkg"], ["check", "--no-cache", "--diff", "pkg"], ["check", "--statistics", "pkg"],
     ["rules"], ["explain", "SL101"], ["--version"], ["check", "--no-cache", "pkg/good.py"]],
    ids=" ".join,
)  # fmt: skip
def test_output_that_cannot_be_written_is_an_error(project: Path, args: list[str]) -> None:
    """Issue 14.7: `> /dev/full` is `error: cannot write output`, exit 2, as `-o /dev/full` is."""
    (project / "pkg" / "bad.py").write_text("def f(x):\n    if x:\n        return 1\n    else:\n        return 2\n")
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "simplelint", *args], stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr.decode().endswith("error: cannot write output: No space left on device\n")  # notes before it
    assert "Traceback" not in done.stderr.decode()


@pytest.mark.parametrize("line", ["!", "foo\\", "[z-a]"])
def test_invalid_gitignore_lines_are_skipped_as_git_skips_them(project: Path, line: str) -> None:
    """Issue 14.5: any .gitignore in the walked tree, even for one file elsewhere when SL301 walks the root."""
    (project / ".git").mkdir()
    (project / "pkg" / "sub").mkdir()
    (project / "pkg" / "sub" / ".gitignore").write_text(f"{line}\nignored.py\n", encoding="utf-8")
    (project / "pkg" / "sub" / "ignored.py").write_text("x == None\n", encoding="utf-8")
    (project / "pkg" / "sub" / "kept.py").write_text("x == None\n", encoding="utf-8")
    code, out, err = invoke("check", "--no-cache", "-v", "--output-format", "concise", ".")
    assert code == 1 and "Traceback" not in err
    assert [row.split(":")[0] for row in out.splitlines() if "SL111" in row] == [f"pkg{os.sep}sub{os.sep}kept.py"]
    assert f"note: pkg{os.sep}sub{os.sep}.gitignore:1: invalid pattern {line!r} skipped, as git skips it" in err
    code, _, err = invoke("check", "--no-cache", "--select", "SL301", "pkg/good.py")
    assert code == 0 and "Traceback" not in err and "invalid pattern" not in err  # a note only under -v


@pytest.mark.parametrize("key", ["exclude", "production", "tests.patterns"])
def test_an_invalid_glob_in_config_is_an_error_at_its_line(project: Path, key: str) -> None:
    table, _, name = key.rpartition(".")
    header = f"[tool.simplelint.{table}]" if table else "[tool.simplelint]"
    (project / "pyproject.toml").write_text(f'{header}\n{name} = ["[z-a]"]\n', encoding="utf-8")
    code, _, err = invoke("check", "--no-cache", ".")
    assert code == 2 and err.startswith("error: pyproject.toml:2: ") and "invalid glob '[z-a]'" in err


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_a_file_reached_under_two_names_is_checked_once(project: Path, link: str) -> None:
    """Issue 14.11: a link to a fixable file in the tree doubled its findings and failed --fix."""
    (project / "pkg" / "mod.py").write_text("def f(x):\n    if x:\n        return 1\n    else:\n        return 2\n")
    (os.symlink if link == "symlink" else os.link)("mod.py" if link == "symlink" else "pkg/mod.py", "pkg/alias.py")
    code, out, _ = invoke("check", "--no-cache", "--select", "SL113", "--output-format", "concise", "pkg")
    assert code == 1 and out.count("SL113") == 1
    if link == "symlink":
        assert f"pkg{os.sep}mod.py:4:5: SL113" in out  # under the file's own name
    code, out, err = invoke("check", "--no-cache", "--select", "SL113", "--fix", "pkg")
    assert (code, err) == (0, "") and "1 fixed" in out
    assert "else" not in (project / "pkg" / "alias.py").read_text()


def test_a_deleted_working_directory_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14.8."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    code, _, err = invoke("check", ".")
    assert code == 2 and err.startswith("error: the current directory no longer exists")


def test_progress_shows_on_a_terminal_only(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: a long run at a terminal says how far it is on stderr, then clears the line."""
    from simplelint import cli

    for index in range(3):
        (project / "pkg" / f"m{index}.py").write_text("x == None\n", encoding="utf-8")
    _, out, err = invoke("check", "--no-cache", "pkg")
    assert "files" not in err  # CliRunner's stderr is no terminal
    monkeypatch.setattr(cli, "_shows_progress", lambda options: options["output_format"] in ("full", "concise"))
    monkeypatch.setattr(cli._Progress, "AFTER", 0.0)
    _, out, err = invoke("check", "--no-cache", "--output-format", "concise", "pkg")
    assert "\rsimplelint: 5/5 files" in err and err.endswith("\r" + " " * len("simplelint: 5/5 files") + "\r")
    assert "simplelint:" not in out
    _, _, err = invoke("check", "--no-cache", "--output-format", "json", "pkg")
    assert "files" not in err


def test_a_closed_pipe_ends_quietly(project: Path) -> None:
    for index in range(200):
        (project / f"bad{index}.py").write_text(BAD, encoding="utf-8")
    pipeline = f"{sys.executable} -m simplelint check --no-cache . | head -1"
    done = subprocess.run(pipeline, shell=True, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.stdout.count("\n") == 1


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the patch reaches workers by fork")
def test_a_crashing_worker_names_its_file_and_the_rest_are_checked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simplelint.run import runner

    for index in range(12):
        (project / "pkg" / f"m{index}.py").write_text("x == None\n", encoding="utf-8")
    real = runner.check_one

    def crash_on_m3(path: str, *args: Any) -> Any:
        if path.endswith("m3.py"):
            os._exit(139)  # dies as on a segfault in LibCST's native parser (without faulthandler's dump)
        return real(path, *args)

    monkeypatch.setattr(runner, "check_one", crash_on_m3)
    code, out, err = invoke("check", "--no-cache", "-j2", "--output-format", "concise", "pkg")
    assert code == 2
    assert f"pkg{os.sep}m3.py: the process checking this file crashed" in err
    flagged = {line.split(":")[0] for line in out.splitlines() if "SL111" in line}
    assert flagged == {f"pkg{os.sep}m{i}.py" for i in range(12) if i != 3}


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the patch reaches workers by fork")
@pytest.mark.parametrize("files", [1, 12])
def test_a_file_over_its_time_budget_is_stopped_and_named(
    project: Path, monkeypatch: pytest.MonkeyPatch, files: int
) -> None:
    """Issue 14.9: LibCST's parser holds the GIL for minutes on some code; its worker is stopped (SL006)."""
    import time

    from simplelint.run import runner

    for index in range(files):
        (project / "pkg" / f"m{index}.py").write_text("x == None\n", encoding="utf-8")
    real = runner.check_one

    def hang_on_m0(path: str, *args: Any) -> Any:
        if path.endswith("m0.py"):
            time.sleep(600)
        return real(path, *args)

    monkeypatch.setattr(runner, "check_one", hang_on_m0)
    code, out, err = invoke("check", "--no-cache", "--file-timeout", "1", "--output-format", "concise", "pkg")
    assert code == 1, err
    lines = out.splitlines()
    assert f"pkg{os.sep}m0.py:1:1: SL006 Analysing this file took longer than its budget (1 s)" in lines[0]
    flagged = {line.split(":")[0] for line in lines if "SL111" in line}
    assert flagged == {f"pkg{os.sep}m{i}.py" for i in range(1, files)}
