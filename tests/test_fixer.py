"""`--fix`, `--unsafe-fixes`, `--diff`: passes, proofs, dropped fixes, bytes kept, atomic writes, stdin."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

import libcst as cst
import pytest
from click.testing import CliRunner

from simplelint.cli import main
from simplelint.fileio import write_atomic
from simplelint.fix import fixer
from simplelint.rule import NodeFix, Rule
from simplelint.rules import simplify
from simplelint.rules.simplify import branches, comparisons
from simplelint.testing import settings_for

NESTED = "if a:\n    if b:\n        if c:\n            f()\n"
MIXED = "def f(x):\n    if x == None:\n        return 1\n    else:\n        return 2\n"


def _cli(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", *args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _fix(tmp_path: Path, source: bytes, codes: frozenset[str], unsafe: bool = True) -> fixer.FileResult:
    path = tmp_path / "mod.py"
    path.write_bytes(source)
    return fixer.fix_source(str(path), source, settings_for(tmp_path, codes), unsafe)


# --- passes and overlapping fixes ------------------------------------------------------------------------


def test_nested_fixes_wait_for_the_next_pass(tmp_path: Path) -> None:
    inner = b"        if y:\n            return 2\n        else:\n            return 3\n"
    source = b"def f(x, y):\n    if x:\n        return 1\n    else:\n" + inner
    result = _fix(tmp_path, source, frozenset({"SL113"}))
    fixed = b"def f(x, y):\n    if x:\n        return 1\n    if y:\n        return 2\n    return 3\n"
    assert result.new_source == fixed
    assert result.fixed == 2 and not result.errors and not result.violations


def test_a_nest_of_ifs_is_merged_by_one_fix(tmp_path: Path) -> None:
    result = _fix(tmp_path, NESTED.encode(), frozenset({"SL114"}))
    assert result.new_source == b"if a and b and c:\n    f()\n"
    assert result.fixed == 1 and not result.errors and not result.violations


def test_fixes_proven_alone_are_applied_together_when_one_makes_a_lookalike_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, add_rules: Callable[..., None]
) -> None:
    class Rename(Rule):
        """`x` -> `y` and `z` -> `x`: fixing `z` makes a finding that looks like the `x` one fixed beside it."""

        code, name, summary = "SL988", "rename", "renames"

        def visit_Name(self, node: cst.Name) -> None:
            wanted = {"x": "y", "z": "x"}.get(node.value)
            if wanted:
                self.report(node, node.value, NodeFix(node, node.with_changes(value=wanted), f"to {wanted}"))

    add_rules(Rename)
    monkeypatch.setattr(fixer, "MAX_PASSES", 1)
    result = _fix(tmp_path, b"a = x, z\n", frozenset({"SL988"}))
    assert result.new_source == b"a = y, x\n"  # both in the one pass, not one of them
    assert result.fixed == 2 and not result.errors


def test_outermost_keeps_one_fix_per_node_and_skips_inner_ones() -> None:
    module = cst.parse_module("x = (a == None) == None\n")
    outer = module.body[0].body[0].value  # type: ignore[attr-defined]
    inner = outer.left
    fixes = [NodeFix(inner, cst.Name("i"), "inner"), NodeFix(outer, cst.Name("o"), "outer")]
    fixes.append(NodeFix(outer, cst.Name("again"), "same node"))
    assert [f.message for f in fixer.outermost(module, fixes)] == ["outer"]


def test_fixes_of_several_rules_on_overlapping_code_reach_a_fixed_point(tmp_path: Path) -> None:
    source = (
        "def f(x, items: dict):\n"
        "    if x:\n"
        "        if not not x == None:\n"
        "            return True\n"
        "        else:\n"
        "            return False\n"
        "    elif not len(items):\n"
        "        return [i for i in items.keys()]\n"
        "    else:\n"
        "        return x if x else None\n"
    )
    result = _fix(tmp_path, source.encode(), frozenset(rule.code for rule in simplify.RULES))
    assert result.new_source == (
        b"def f(x, items: dict):\n"
        b"    if x:\n"
        b"        return bool(x is None)\n"
        b"    if not items:\n"
        b"        return list(items.keys())\n"
        b"    return x or None\n"
    )
    assert not result.errors and not result.violations and result.fixed == 7


def test_passes_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, add_rules: Callable[..., None]) -> None:
    class Grow(Rule):
        """A rule whose fix always makes a new finding: `x` -> `(x)`, forever."""

        code, name, summary = "SL989", "grow", "grows"

        def visit_Name(self, node: cst.Name) -> None:
            if node.value == "x":
                wrapped = node.with_changes(lpar=[cst.LeftParen(), *node.lpar], rpar=[*node.rpar, cst.RightParen()])
                self.report(node, "x", NodeFix(node, wrapped, "wrap"))

    add_rules(Grow)
    result = _fix(tmp_path, b"y = x\n", frozenset({"SL989"}))
    assert result.fixed == fixer.MAX_PASSES
    assert result.new_source == b"y = " + b"(" * fixer.MAX_PASSES + b"x" + b")" * fixer.MAX_PASSES + b"\n"


# --- a fix that cannot be proven is dropped and reported, never written ----------------------------------


def _broken_else(orelse: cst.Else) -> list[cst.BaseStatement]:
    return [cst.SimpleStatementLine([cst.Expr(cst.Name("if"))])]  # a valid node that renders `if` alone


def test_a_fix_that_would_not_compile_is_dropped_and_the_good_ones_kept(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(branches, "dedented", _broken_else)
    Path("mod.py").write_text(MIXED)
    code, _, stderr = _cli("--select", "SL111,SL113", "--fix", "--unsafe-fixes", "mod.py")
    assert code == 2
    assert "error: mod.py:4:5: SL113 fix dropped, it would not compile: Remove the `else`. Please report it." in stderr
    assert Path("mod.py").read_text() == MIXED.replace("==", "is")


def _dropped(folder: Path, source: bytes, code: str, why: str) -> fixer.FileResult:
    """The fix of `code` refused: the source unchanged, and one error saying why."""
    result = _fix(folder, source, frozenset({code}))
    assert result.fixed == 0 and result.new_source == source
    assert [why in error for error in result.errors] == [True]
    return result


def test_a_fix_that_would_not_parse_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(branches, "dedented", _broken_else)
    # `return` outside a function: LibCST parses the file, CPython does not compile it, so LibCST decides.
    source = b"return 0\nfor x in y:\n    if x:\n        break\n    else:\n        f()\n"
    _dropped(tmp_path, source, "SL113", "SL113 fix dropped, it would not parse")


def test_a_fix_that_cannot_be_built_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def glued(operator: cst.BaseCompOp) -> cst.BaseCompOp:
        return cst.Is(whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(""))

    monkeypatch.setattr(comparisons, "identity_operator", glued)  # LibCST refuses `x isNone`
    _dropped(tmp_path, b"a = x == None\n", "SL111", "cannot be applied (CSTValidationError)")


def test_a_fix_that_parses_but_does_not_compile_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def outside(orelse: cst.Else) -> list[cst.BaseStatement]:
        return [cst.SimpleStatementLine([cst.Continue()])]  # `continue` outside the loop: parses, does not compile

    monkeypatch.setattr(branches, "dedented", outside)
    _dropped(tmp_path, b"if x:\n    raise E\nelse:\n    f()\n", "SL113", "would not compile")


def test_a_fix_that_leaves_its_finding_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def same(operator: cst.BaseCompOp) -> cst.BaseCompOp:
        return cst.Equal(whitespace_before=cst.SimpleWhitespace("  "), whitespace_after=cst.SimpleWhitespace(" "))

    monkeypatch.setattr(comparisons, "identity_operator", same)
    result = _dropped(tmp_path, b"a = x == None\n", "SL111", "leaves its finding in place")
    assert [v.code for v in result.violations] == ["SL111"]


def test_a_suppressed_finding_is_not_fixed(tmp_path: Path) -> None:
    result = _fix(tmp_path, b"a = x == None  # noqa: SL111\nb = y == None\n", frozenset({"SL111"}))
    assert result.new_source == b"a = x == None  # noqa: SL111\nb = y is None\n"


# --- safe and unsafe, idempotence ------------------------------------------------------------------------


def test_fix_applies_safe_fixes_only_unless_asked(here: Path) -> None:
    Path("mod.py").write_text(MIXED)
    code, stdout, _ = _cli("--select", "SL11", "--fix", "mod.py")
    assert Path("mod.py").read_text() == "def f(x):\n    if x == None:\n        return 1\n    return 2\n"
    assert code == 1 and "1 fixed" in stdout
    code, stdout, _ = _cli("--select", "SL11", "--fix", "--unsafe-fixes", "mod.py")
    assert Path("mod.py").read_text() == "def f(x):\n    if x is None:\n        return 1\n    return 2\n"
    assert code == 0


def test_fix_twice_changes_nothing_the_second_time(here: Path) -> None:
    Path("mod.py").write_text(MIXED + NESTED)
    _cli("--select", "SL11", "--fix", "--unsafe-fixes", "mod.py")
    once = Path("mod.py").read_bytes()
    code, stdout, _ = _cli("--select", "SL11", "--fix", "--unsafe-fixes", "mod.py")
    assert Path("mod.py").read_bytes() == once and code == 0 and "fixed" not in stdout


# --- bytes, encodings and line endings are kept ----------------------------------------------------------

BODY = "def f(x):{nl}    if x:{nl}        return 1{nl}    else:{nl}        return '{word}'{nl}"
FIXED = "def f(x):{nl}    if x:{nl}        return 1{nl}    return '{word}'{nl}"


@pytest.mark.parametrize(
    ("prefix", "newline", "encoding"),
    [
        ("", "\r\n", "utf-8"),
        ("\ufeff", "\n", "utf-8"),
        ("\ufeff", "\r\n", "utf-8"),
        ("# -*- coding: latin-1 -*-\n", "\n", "latin-1"),
        ("", "\r", "utf-8"),
    ],
    ids=["crlf", "bom", "bom-crlf", "latin-1", "cr-only"],
)
def test_fix_keeps_encoding_bom_and_line_endings(here: Path, prefix: str, newline: str, encoding: str) -> None:
    before = (prefix + BODY.format(nl=newline, word="café")).encode(encoding)
    Path("mod.py").write_bytes(before)
    _cli("--select", "SL113", "--fix", "mod.py")
    assert Path("mod.py").read_bytes() == (prefix + FIXED.format(nl=newline, word="café")).encode(encoding)


def test_diff_shows_text_in_the_files_encoding(here: Path) -> None:
    Path("mod.py").write_bytes(("# -*- coding: latin-1 -*-\n" + BODY.format(nl="\n", word="café")).encode("latin-1"))
    code, stdout, _ = _cli("--select", "SL113", "--diff", "mod.py")
    assert code == 1 and "+    return 'café'\n" in stdout


def test_diff_marks_a_last_line_without_newline() -> None:
    diff = fixer.unified_diff("m.py", b"a = 1\nb = x == None", b"a = 1\nb = x is None")
    assert diff.endswith("-b = x == None\n\\ No newline at end of file\n+b = x is None\n\\ No newline at end of file\n")


# --- atomic writes, --diff and stdin ---------------------------------------------------------------------


def test_atomic_write_keeps_permissions_and_leaves_no_temp_file(here: Path) -> None:
    Path("mod.py").write_text(MIXED)
    os.chmod("mod.py", 0o640)
    _cli("--select", "SL113", "--fix", "mod.py")
    assert stat.S_IMODE(os.stat("mod.py").st_mode) == 0o640
    assert sorted(p.name for p in here.iterdir()) == ["mod.py"]


def test_atomic_write_follows_a_symlink(here: Path) -> None:
    Path("real.py").write_text(MIXED)
    os.symlink("real.py", "link.py")
    write_atomic("link.py", b"x = 1\n")
    assert os.path.islink("link.py") and Path("real.py").read_text() == "x = 1\n"


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="giving a file away needs root")
def test_fix_keeps_the_owner_and_group(here: Path) -> None:
    """Issue 14.3: root in a container fixing a bind-mounted file must not hand the user a root-owned file."""
    Path("mod.py").write_text(MIXED)
    os.chown("mod.py", 65534, 65534)
    os.chmod("mod.py", 0o640)
    _cli("--select", "SL113", "--fix", "mod.py")
    info = os.stat("mod.py")
    assert Path("mod.py").read_text() != MIXED
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)


def test_fix_keeps_hard_links(here: Path) -> None:
    Path("mod.py").write_text(MIXED)
    os.link("mod.py", "twin.py")
    inode = os.stat("mod.py").st_ino
    code, _, err = _cli("--select", "SL113", "--fix", "mod.py")
    assert code == 0, err
    assert os.stat("mod.py").st_ino == inode == os.stat("twin.py").st_ino
    assert Path("twin.py").read_text() == Path("mod.py").read_text() != MIXED


def test_fix_keeps_extended_attributes(here: Path) -> None:
    Path("mod.py").write_text(MIXED)
    try:
        os.setxattr("mod.py", "user.origin", b"review-42")
    except (AttributeError, OSError):
        pytest.skip("no user extended attributes on this file system")
    _cli("--select", "SL113", "--fix", "mod.py")
    assert Path("mod.py").read_text() != MIXED
    assert os.getxattr("mod.py", "user.origin") == b"review-42"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_an_atomic_write_never_replaces_what_is_not_a_regular_file(here: Path) -> None:
    os.mkfifo("pipe.py")
    with pytest.raises(OSError, match="Not a regular file"):
        write_atomic("pipe.py", b"x = 1\n")
    assert stat.S_ISFIFO(os.stat("pipe.py").st_mode)


def test_diff_prints_and_writes_nothing_and_exits_1_only_with_changes(here: Path) -> None:
    Path("mod.py").write_text(MIXED)
    code, stdout, _ = _cli("--select", "SL113", "--diff", "mod.py")
    assert code == 1 and Path("mod.py").read_text() == MIXED
    assert stdout.startswith("--- a/mod.py\n+++ b/mod.py\n@@") and "-    else:\n" in stdout
    code, stdout, _ = _cli("--select", "SL111", "--diff", "mod.py")  # only an unsafe fix: no change
    assert (code, stdout) == (0, "")
    Path("clean.py").write_text("x = 1\n")
    assert _cli("--select", "SL11", "--diff", "clean.py")[:2] == (0, "")


def test_stdin_fix_prints_the_fixed_source_to_stdout(here: Path) -> None:
    code, stdout, stderr = _cli("--select", "SL11", "--fix", "--unsafe-fixes", "-", input=MIXED.encode())
    assert stdout == "def f(x):\n    if x is None:\n        return 1\n    return 2\n"
    assert code == 0 and "(2 fixed, 0 remaining)" in stderr


@pytest.mark.parametrize("excluded_by", ["config", "gitignore"])
def test_an_excluded_stdin_file_is_printed_unchanged_by_fix(here: Path, excluded_by: str) -> None:
    """Issue 14.1: editors replace the buffer with stdout; printing nothing would wipe it."""
    if excluded_by == "config":
        Path("pyproject.toml").write_text('[tool.simplelint]\nextend-exclude = ["migrations"]\n')
    else:
        Path(".git").mkdir()  # .gitignore files apply inside a repository
        Path(".gitignore").write_text("migrations/\n")
    args = ("--force-exclude", "--stdin-filename", "migrations/0001.py", "-")
    result = CliRunner().invoke(main, ["check", "--no-cache", "--fix", "--unsafe-fixes", *args], input=MIXED.encode())
    assert (result.exit_code, result.stdout) == (0, MIXED)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--diff", *args], input=MIXED.encode())
    assert (result.exit_code, result.stdout) == (0, "")


def test_stdin_and_a_file_of_the_same_name_never_mix(here: Path) -> None:
    """Issue 14.2: stdin wins, as in ruff, and the file is named in a warning and left alone."""
    Path("a.py").write_text("x = 1\n")
    code, stdout, stderr = _cli("--select", "SL11", "--fix", "--unsafe-fixes", "--stdin-filename", "a.py", "-", "a.py",
                                input=MIXED.encode())  # fmt: skip
    assert stdout == "def f(x):\n    if x is None:\n        return 1\n    return 2\n"
    assert "warning: Ignoring file a.py in favor of standard input." in stderr
    assert code == 0 and Path("a.py").read_text() == "x = 1\n"
    code, stdout, _ = _cli("--select", "SL11", "--output-format", "concise", "--stdin-filename", "a.py", "-", "a.py",
                           input=MIXED.encode())  # fmt: skip
    assert code == 1 and stdout.count("a.py:") == 2  # stdin's two findings, nothing from the file on disk


def test_stdin_stands_for_its_file_in_project_findings(here: Path) -> None:
    """The disk file of stdin's name is not read for facts too (its findings were dropped with stdin's)."""
    Path("src").mkdir()
    Path("tests").mkdir()
    Path("src/mod.py").write_text("def old():\n    return 1\n")
    Path("tests/test_mod.py").write_text("from mod import used\n\n\ndef test_used():\n    assert used()\n")
    source = b"x = 1\n\n\ndef used():\n    return 1\n\n\ndef unused():\n    return 2\n"
    code, stdout, _ = _cli("--select", "SL301", "--output-format", "concise", "--stdin-filename", "src/mod.py", "-",
                           input=source)  # fmt: skip
    assert code == 1 and stdout.splitlines()[0].startswith("src/mod.py:8:5: SL301 `unused`")


def test_stdin_diff_names_the_stdin_file(here: Path) -> None:
    args = ("--select", "SL113", "--diff", "--stdin-filename", "pkg/mod.py", "-")
    code, stdout, _ = _cli(*args, input=MIXED.encode())
    assert code == 1 and stdout.startswith("--- a/pkg/mod.py\n")


def test_a_fix_that_uncovers_a_twin_finding_is_kept(tmp_path: Path) -> None:
    """Removing the inner `else` makes the outer one needless too, with the same text (found in SQLAlchemy)."""
    source = (
        b"def f(a, b):\n    if a:\n        return 1\n    elif b:\n        if a:\n            return 2\n"
        b"        else:\n            return 3\n    else:\n        return 3\n"
    )
    result = _fix(tmp_path, source, frozenset({"SL113"}))
    assert result.errors == []
    assert result.new_source == (
        b"def f(a, b):\n    if a:\n        return 1\n    if b:\n        if a:\n            return 2\n"
        b"        return 3\n    return 3\n"
    )
