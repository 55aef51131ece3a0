"""Adversarial inputs (issue 8) through the command line: huge lines and files, long operator chains, new syntax,
odd whitespace, files that vanish, change or cannot be written during a run, and shared or broken caches.

Nested brackets, FIFOs, folders named x.py, null bytes, BOM, CRLF and symlink loops are in test_cli.py and
test_fixer.py. Figures (peak memory, times) are in benchmarks/results/adversarial.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from simplelint.cli import main
from simplelint.fix import fixer

TRACEBACK = "Traceback"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def findings(*args: str) -> list[tuple[str, int, int]]:
    """(code, line, column) of each finding, through the JSON report."""
    code, out, err = invoke("--output-format", "json", *args)
    assert err == "" and code in (0, 1), err
    return [(f["code"], f["location"]["row"], f["location"]["column"]) for f in json.loads(out)]


# --- 1. 100,000-character lines ----------------------------------------------------------------------------

LONG_PREFIXES = {
    "list": "TABLE = [" + "0.123456789, " * 7700,  # a data table pasted into the code
    "string": 'TEXT = "' + "a" * 100_000 + '" + [',
}


@pytest.mark.parametrize("kind", [pytest.param("list", marks=pytest.mark.slow), "string"])
def test_a_100000_character_line_is_checked_and_fixed_around(here: Path, kind: str) -> None:
    prefix = LONG_PREFIXES[kind]
    long_line = prefix + "x == None]\n"
    source = "def f(x: int) -> bool:\n    return x == None\n" + long_line + "y = 1 == True\n"
    Path("mod.py").write_text(source)
    assert len(long_line) > 100_000
    assert findings("--no-cache", "mod.py") == [
        ("SL111", 2, 12),
        ("SL111", 3, len(prefix) + 1),  # the column is exact at the end of the long line
        ("SL112", 4, 5),
    ]
    code, _, err = invoke("--no-cache", "--select", "SL111,SL112", "--fix", "--unsafe-fixes", "mod.py")
    fixed = source.replace("== None", "is None").replace("1 == True", "1")
    assert (code, err, Path("mod.py").read_text()) == (0, "", fixed)


# --- 2. a 50,000-line file ---------------------------------------------------------------------------------

# About 13 LibCST nodes per line, as in the standard library's argparse.py (10 to 13 in its big modules).
BLOCK = '''def parse_record_{i}(line: str, sep: str = ",") -> dict[str, str]:
    """Split one line into named fields.

    Empty fields are skipped; the names are `field_0`, `field_1`, ...
    """
    # Blank lines and comments carry no fields.
    fields: list[str] = line.strip().split(sep)
    if not len(fields):
        return {{}}
    result = {{}}
    for index, value in enumerate(fields):
        if value == None:
            continue
        result[f"field_{{index}}"] = value
    return result


'''
BLOCKS = 2942  # 50,014 lines
# Runs simplelint as its child, so that RUSAGE_CHILDREN holds simplelint's peak alone (not pytest's other children).
MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "simplelint", *sys.argv[1:]])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(done.returncode)
"""
MAX_RSS_MB = 1000


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in kilobytes on Linux only")
def test_a_50000_line_file_is_checked_in_bounded_memory(here: Path) -> None:
    Path("big.py").write_text("".join(BLOCK.format(i=i) for i in range(BLOCKS)))
    assert Path("big.py").read_text().count("\n") >= 50_000
    args = ["--isolated", "--no-cache", "-j1", "--output-format", "concise", "-q"]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, "check", *args, "big.py"], capture_output=True, text=True, timeout=300
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 1 and TRACEBACK not in done.stderr
    # each block after the first repeats it: SL503 names the first copy once per later one
    assert Counter(line.split()[1] for line in lines) == {"SL111": BLOCKS, "SL118": BLOCKS, "SL503": BLOCKS - 1}
    assert lines[-1] == f"big.py:{17 * BLOCKS - 5}:12: SL111 Comparison to `None` with `==`: use `is`"
    peak_mb = int(done.stderr.split()[-1]) / 1024
    print(f"peak RSS checking a {17 * BLOCKS}-line file: {peak_mb:.0f} MB")
    assert peak_mb < MAX_RSS_MB


# --- 3. long binary-operator chains ------------------------------------------------------------------------
# LibCST's parser is superlinear on these (about 0.25 s for 1,000 terms, 5 s for 3,000, 37 s for 6,000) and
# crashes the process at 10,000 (benchmarks/results/adversarial.md). CPython compiles at most 2,993 terms.


@pytest.mark.parametrize("terms", [1000, pytest.param(3000, marks=pytest.mark.slow)])
def test_a_long_operator_chain_is_checked(here: Path, terms: int) -> None:
    Path("chain.py").write_text("a = 1\nx = " + " + ".join(["a"] * terms) + "\ny = a == None\n")
    # No time budget: on a loaded machine 3,000 terms can take LibCST past the default one (then SL006).
    assert findings("--no-cache", "--file-timeout", "0", "chain.py") == [("SL111", 3, 5)]


# LibCST's parse time grows with the cube of a trailer chain (1,000 subscripts: 3 s; 3,000: 34 s; 2,500
# `.add(1)` calls: minutes), issue 14.9. CPython compiles at most about 2,000.
TRAILER_CHAINS = {
    "calls-on-lines": "x = (a" + "\n    .add(1)" * 2500 + ")\n",
    "attributes": "x = a" + ".b" * 30_000 + "\n",
    "calls": "x = f" + "()" * 3000 + "\n",
    "subscripts": "x = a" + "[0]" * 3000 + "\n",
}


@pytest.mark.parametrize("source", TRAILER_CHAINS.values(), ids=TRAILER_CHAINS)
def test_a_long_trailer_chain_is_refused_at_once(here: Path, source: str) -> None:
    Path("chain.py").write_text("a = 1\n" + source)
    Path("other.py").write_text("y = a == None\n")
    # Before the guard LibCST parsed these for minutes; the finding shows the file was refused instead.
    assert findings("--no-cache", "chain.py", "other.py") == [("SL004", 2, 1), ("SL111", 1, 5)]


def test_trailer_chains_in_strings_and_real_chains_below_the_limit_are_checked(here: Path) -> None:
    Path("ok.py").write_text("s = '" + ".b" * 3000 + "'\nx = a" + ".b()[0]" * 300 + "\ny = a == None\n")
    assert findings("--no-cache", "ok.py") == [("SL111", 3, 5)]


# --- 4. match statements -----------------------------------------------------------------------------------

MATCH = '''def describe(value: object, flag: bool) -> str:
    match value:
        case Point(x=0, y=0):
            if flag == True:
                return "origin"
            else:
                return "zero"
        case {"kind": "circle", "radius": radius} if radius == None:
            return "circle"
        case [first, *rest] if rest:
            if first:
                if flag:
                    return "one"
            return "single"
        case int() | float() as number if number != None:
            return "number"
        case _:
            return "other"
'''
MATCH_FIXED = '''def describe(value: object, flag: bool) -> str:
    match value:
        case Point(x=0, y=0):
            if flag:
                return "origin"
            return "zero"
        case {"kind": "circle", "radius": radius} if radius is None:
            return "circle"
        case [first, *rest] if rest:
            if first and flag:
                return "one"
            return "single"
        case int() | float() as number if number is not None:
            return "number"
        case _:
            return "other"
'''


def test_fixes_inside_match_cases_and_guards(here: Path) -> None:
    Path("mod.py").write_text(MATCH)
    assert findings("--no-cache", "--select", "SL11", "mod.py") == [
        ("SL112", 4, 16),
        ("SL113", 6, 13),
        ("SL111", 8, 54),
        ("SL114", 11, 13),
        ("SL111", 15, 43),
    ]
    fix = ("--no-cache", "--select", "SL11", "--fix", "--unsafe-fixes", "mod.py")
    assert invoke(*fix) == (0, "Found 5 errors (5 fixed, 0 remaining).\n", "")
    assert Path("mod.py").read_text() == MATCH_FIXED
    assert invoke(*fix) == (0, "All checks passed!\n", "")


# --- 5. Python 3.12 syntax (PEP 695, PEP 701): CPython 3.11 rejects it, LibCST parses it -----------------

NEW_SYNTAX = {
    "type-alias": ("type Pair[T] = tuple[T, T]\nx = 1 == None\n", ("SL111", 2, 5)),
    "generic-function": ("def first[T: int](items: list[T]) -> T:\n    return items[0] == None\n", ("SL111", 2, 12)),
    "generic-class": ("class Box[T, *Ts, **P]:\n    flag = 1 == None\n", ("SL111", 2, 12)),
    "same-quotes": ('names = ["a"]\nmsg = f"{", ".join(names)}" == None\n', ("SL111", 2, 7)),
    "nested-f-strings": ('msg = f"{f"{f"{1 == None}"}"}"\n', ("SL111", 1, 16)),
    "multi-line-expression": ('value = 1\nmsg = f"{\n    value\n    == None\n}"\n', ("SL111", 3, 5)),
    "comment-inside": ('msg = f"{1 == None  # why\n}"\n', ("SL111", 1, 10)),
    "backslash-inside": ('msg = f"{"\\n".join(["a"]) == None}"\n', ("SL111", 1, 10)),
}


@pytest.mark.parametrize("name", sorted(NEW_SYNTAX))
def test_python_312_syntax_is_linted_normally(here: Path, name: str) -> None:
    source, finding = NEW_SYNTAX[name]
    Path("mod.py").write_text(source)
    with pytest.raises(SyntaxError) if sys.version_info < (3, 12) else contextlib.nullcontext():
        compile(source, "mod.py", "exec")
    assert findings("--no-cache", "--select", "SL1", "mod.py") == [finding]


def test_fixes_inside_python_312_f_strings(here: Path) -> None:
    source = (
        "def show[T](items: list[T], flag: bool) -> str:\n"
        '    return f"{", ".join(str(i == None) for i in items)} {flag == True}"\n'
    )
    Path("mod.py").write_text(source)
    code, _, err = invoke("--no-cache", "--select", "SL11", "--fix", "--unsafe-fixes", "mod.py")
    assert (code, err) == (0, "")
    assert Path("mod.py").read_text() == source.replace("i == None", "i is None").replace("flag == True", "flag")


# --- 6. tabs, form feeds, `\r`-only line endings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("def f(x):\n    if x:\n\treturn 1\n    return 2\n", 3),
        ("def f(x):\n\tif x:\n\t\treturn 1\n        return 2\n", 4),
        ("def f(x):\n    if x:\n    \treturn 1\n\treturn 2\n", 4),
    ],
    ids=["tab-under-spaces", "spaces-under-tabs", "space-tab-then-tab"],
)
def test_tabs_mixed_with_spaces_are_a_syntax_error_at_their_line(here: Path, source: str, line: int) -> None:
    Path("mod.py").write_text(source)
    code, out, err = invoke("--no-cache", "--output-format", "concise", "-q", "mod.py")
    message = "SL001 SyntaxError: inconsistent use of tabs and spaces in indentation"
    assert (code, out, err) == (1, f"mod.py:{line}:1: {message}\n", "")


def test_consistent_tabs_are_fixed_with_tabs(here: Path) -> None:
    Path("mod.py").write_text("def f(x):\n\tif x:\n\t    return 1\n\telse:\n\t    return 2\n")
    assert invoke("--no-cache", "--select", "SL113", "--fix", "mod.py")[0] == 0
    assert Path("mod.py").read_text() == "def f(x):\n\tif x:\n\t    return 1\n\treturn 2\n"


def test_form_feeds_on_their_own_lines_are_kept_by_fixes(here: Path) -> None:
    source = "\x0c\ndef f(x):\n    if x:\n        return 1\n"
    source += "\x0c\n    return x == None\n    \x0c\n\x0c\nclass C:\n    pass\n"
    Path("mod.py").write_text(source)
    code, _, err = invoke("--no-cache", "--select", "SL111", "--fix", "--unsafe-fixes", "mod.py")
    assert (code, err) == (0, "")
    assert Path("mod.py").read_bytes() == source.replace("==", "is").encode()


def test_a_form_feed_before_code_is_not_fixed_rather_than_lost(here: Path) -> None:
    # LibCST drops a form feed that starts a line of code: the fixer refuses the file instead of losing it.
    source = b"x = 1\n\x0cy = x == None\n"
    Path("mod.py").write_bytes(source)
    code, _, err = invoke("--no-cache", "--select", "SL111", "--fix", "--unsafe-fixes", "mod.py")
    message = "error: mod.py: not fixed: LibCST does not reproduce this file byte for byte\n"
    assert (code, err, Path("mod.py").read_bytes()) == (2, message, source)


def test_a_form_feed_inside_indentation_resets_it_as_in_cpython(here: Path) -> None:
    # CPython resets the column at a form feed: `if` stands at column 0, outside the function.
    Path("mod.py").write_text("def f(x):\n    \x0cif x:\n        return 1\n")
    code, out, _ = invoke("--no-cache", "--output-format", "concise", "-q", "mod.py")
    message = "SL001 SyntaxError: expected an indented block after function definition on line 1"
    assert (code, out) == (1, f"mod.py:2:6: {message}\n")


def test_a_form_feed_before_an_indented_block_is_not_called_a_syntax_error(here: Path) -> None:
    source = "def f(x):\n\x0c    if x:\n        return 1\n    return 2\n"
    compile(source, "mod.py", "exec")  # valid Python
    Path("mod.py").write_text(source)
    code, out, _ = invoke("--no-cache", "--output-format", "concise", "-q", "mod.py")
    assert "SyntaxError" not in out
    assert (code, out.split(" ")[1]) == (1, "SL005")  # the file is valid, but LibCST cannot parse it


CR_SOURCE = (
    '"""Doc.\r\rMore."""\r\r\rdef f(x, y):\r    if x:\r        if y:\r            return True\r'
    "    if x == None:\r        return True\r    else:\r        return False\r\r\r"
    'TEXT = """a\rb"""\rz = (1,\r     2)  # comment\r'
)
CR_FIXED = (
    '"""Doc.\r\rMore."""\r\r\rdef f(x, y):\r    if x and y:\r        return True\r    return x is None\r\r\r'
    'TEXT = """a\rb"""\rz = (1,\r     2)  # comment\r'
)


@pytest.mark.parametrize("ending", ["\r", ""], ids=["last-cr", "no-last-newline"])
def test_cr_only_line_endings_are_kept_through_multi_line_fixes(here: Path, ending: str) -> None:
    Path("mod.py").write_bytes(CR_SOURCE.removesuffix("\r").encode() + ending.encode())
    assert findings("--no-cache", "--select", "SL11", "mod.py") == [
        ("SL114", 7, 5),
        ("SL110", 10, 5),
        ("SL111", 10, 8),
    ]
    code, _, err = invoke("--no-cache", "--select", "SL11", "--fix", "--unsafe-fixes", "mod.py")
    assert (code, err) == (0, "")
    assert Path("mod.py").read_bytes() == CR_FIXED.removesuffix("\r").encode() + ending.encode()


# --- 7-9. files that vanish, change or cannot be written during a run --------------------------------------

SUPERFLUOUS_ELSE = "def {name}(x):\n    if x:\n        return 1\n    else:\n        return 2\n"
ELSE_REMOVED = "def {name}(x):\n    if x:\n        return 1\n    return 2\n"


def _three_files() -> None:
    for name in ("a", "b", "c"):
        Path(f"{name}.py").write_text(SUPERFLUOUS_ELSE.format(name=name))


def _delete_b_after_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    from simplelint.run import discovery

    real = discovery.discover

    def discover_then_delete(paths: Any, settings: Any, *warnings: Any) -> list[str]:
        found = real(paths, settings, *warnings)
        os.remove("b.py")
        return found

    _three_files()
    monkeypatch.setattr(discovery, "discover", discover_then_delete)


@pytest.mark.parametrize("fix", [False, True], ids=["check", "fix"])
def test_a_file_deleted_after_discovery_is_reported_and_the_others_checked(
    here: Path, monkeypatch: pytest.MonkeyPatch, fix: bool
) -> None:
    _delete_b_after_discovery(monkeypatch)
    code, out, err = invoke("--select", "SL002,SL113", "--output-format", "concise", "-q", *["--fix"] * fix, ".")
    expected = ["b.py:1:1: SL002 Cannot read file: No such file or directory"]
    if not fix:
        expected = ["a.py:4:5: SL113 [*] Unnecessary `else` after `return`", *expected]
        expected.append("c.py:4:5: SL113 [*] Unnecessary `else` after `return`")
    assert (code, out.splitlines(), err) == (1, expected, "")
    assert Path("a.py").read_text() == (ELSE_REMOVED if fix else SUPERFLUOUS_ELSE).format(name="a")


def test_a_file_deleted_after_discovery_is_mentioned_whatever_the_selection(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _delete_b_after_discovery(monkeypatch)
    _, out, err = invoke("--select", "SL113", "--output-format", "concise", "-q", ".")
    assert "b.py" in out + err


EDITED = "EDITED_DURING_THE_RUN = True\n"


def _edit_a_while_fixing(monkeypatch: pytest.MonkeyPatch) -> None:
    """a.py is edited after simplelint read it and before it writes the fix (an editor saving meanwhile)."""
    real = fixer.fix_source

    def racing(path: str, data: bytes, settings: Any, unsafe: bool) -> Any:
        result = real(path, data, settings, unsafe)
        if path == "a.py":
            Path(path).write_text(EDITED)
        return result

    monkeypatch.setattr(fixer, "fix_source", racing)


def test_a_file_changed_during_fix_keeps_the_change(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _three_files()
    _edit_a_while_fixing(monkeypatch)
    code, _, err = invoke("--no-cache", "--select", "SL113", "--fix", ".")
    assert code == 2 and TRACEBACK not in err
    assert Path("a.py").read_text() == EDITED
    assert [Path(f"{name}.py").read_text() for name in "bc"] == [ELSE_REMOVED.format(name=name) for name in "bc"]


def test_a_file_changed_during_fix_is_reported(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _three_files()
    _edit_a_while_fixing(monkeypatch)
    _, out, err = invoke("--no-cache", "--select", "SL113", "--fix", ".")
    assert "error: a.py: changed while simplelint was fixing it; not overwritten\n" in err
    assert "(2 fixed" in out


def _refuse_writes(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Writes are refused as for a user without root (we run as root: chmod alone does not stop us)."""
    real_access, real_replace, real_mkstemp = os.access, os.replace, tempfile.mkstemp

    def access(path: Any, mode: int) -> bool:  # a.py is read-only
        return not (Path(path).name == "a.py" and mode & os.W_OK) and real_access(path, mode)

    def replace(source: Any, target: Any) -> None:  # the rename onto a.py fails, after the temp file was written
        if Path(target).name == "a.py":
            raise PermissionError(13, "Permission denied", target)
        real_replace(source, target)

    def mkstemp(**options: Any) -> tuple[int, str]:  # the folder is read-only: no temp file can be made in it
        if options.get("prefix") == ".simplelint-":
            raise PermissionError(13, "Permission denied", options["dir"])
        return real_mkstemp(**options)

    if how == "read-only-file":
        os.chmod("a.py", 0o444)
        monkeypatch.setattr(os, "access", access)
    elif how == "rename-fails":
        monkeypatch.setattr(os, "replace", replace)
    else:
        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("how", ["read-only-file", "rename-fails", "read-only-folder"])
def test_an_unwritable_file_is_left_intact(here: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    _three_files()
    _refuse_writes(monkeypatch, how)
    code, _, err = invoke("--no-cache", "--select", "SL113", "--fix", ".")
    assert code == 2 and TRACEBACK not in err
    fixed = [name for name in "abc" if Path(f"{name}.py").read_text() == ELSE_REMOVED.format(name=name)]
    unchanged = [name for name in "abc" if Path(f"{name}.py").read_text() == SUPERFLUOUS_ELSE.format(name=name)]
    assert (fixed, unchanged) == ((["b", "c"], ["a"]) if how != "read-only-folder" else ([], ["a", "b", "c"]))
    assert sorted(os.listdir(".")) == ["a.py", "b.py", "c.py"]  # no temp file left behind


def test_an_unwritable_file_is_reported(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _three_files()
    _refuse_writes(monkeypatch, "rename")
    err = invoke("--no-cache", "--select", "SL113", "--fix", ".")[2]
    assert "error: a.py: cannot write the fix (Permission denied); the file is unchanged\n" in err


# --- 10-11. a shared cache folder, corrupted cache entries -------------------------------------------------

MODULE = "def func_{i}(x: int) -> int:\n    if x == None:\n        return {value}\n    else:\n        return 0\n"
TEST = "from pkg.mod{i} import func_{i}\n\n\ndef test_func_{i}() -> None:\n    assert func_{i}(1) == 0\n"


def _project(modules: int, value: int = 1) -> None:
    Path("pkg").mkdir(exist_ok=True)
    Path("tests").mkdir(exist_ok=True)
    for i in range(modules):
        Path(f"pkg/mod{i}.py").write_text(MODULE.format(i=i, value=value))
        if i % 3 == 0:  # the others are untested: SL301 uses the facts, which go through the cache too
            Path(f"tests/test_mod{i}.py").write_text(TEST.format(i=i))


def _cache_entries(cache: Path) -> list[Path]:
    return sorted(path for path in cache.rglob("*.json") if path.is_file())


def _assert_cache_valid(cache: Path) -> None:
    for entry in _cache_entries(cache):
        # An entry is one line of JSON; a project rule's saved state (SL301's join) is more lines after it.
        assert json.loads(entry.read_text().partition("\n")[0])["key"] == entry.stem
    assert not list(cache.rglob("*.tmp"))


CHECK = ("check", "--isolated", "--extend-select", "SL301", "--output-format", "concise", "--cache-dir", "cache")


@pytest.mark.slow
def test_two_processes_sharing_a_cache_folder(here: Path, analysed: Callable[[], list[str]]) -> None:
    modules = 300
    _project(modules)
    for round_ in range(3):
        if round_:  # a third of the files change: both processes write new entries at once
            for i in range(round_, modules, 3):
                Path(f"pkg/mod{i}.py").write_text(MODULE.format(i=i, value=round_ + 1))
        expected = invoke("--extend-select", "SL301", "--output-format", "concise", "--no-cache", ".")
        command = [sys.executable, "-m", "simplelint", *CHECK, "--jobs", "2", "."]
        both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        outputs = [process.communicate(timeout=120) for process in both]
        for process, (out, err) in zip(both, outputs):
            assert (process.returncode, out.decode(), err.decode()) == expected, f"round {round_}"
        _assert_cache_valid(Path("cache"))
    before = analysed()
    assert invoke(*CHECK[2:], "-j1", ".") == expected
    assert analysed() == before  # all from the cache


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "truncated": lambda entry: entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2]),
    "garbage": lambda entry: entry.write_bytes(os.urandom(64) + b"\x00\xff"),
    "empty": lambda entry: entry.write_bytes(b""),
    "other-key": lambda entry: entry.write_text(entry.read_text().replace('"key": "', '"key": "0')),
    "newer-schema": lambda entry: entry.write_text(entry.read_text().replace('"result": {', '"result": {"new": 1, ')),
    "not-an-object": lambda entry: entry.write_text("[null]"),
    "folder": lambda entry: (entry.unlink(), entry.mkdir()),  # type: ignore[func-returns-value]
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_corrupted_cache_entry_is_ignored_and_rebuilt(
    here: Path, analysed: Callable[[], list[str]], corruption: str
) -> None:
    _project(4)
    expected = invoke(*CHECK[2:], "--no-cache", "-j1", ".")
    assert invoke(*CHECK[2:], "-j1", ".") == expected
    entries = _cache_entries(Path("cache"))
    assert len(entries) == 8  # four modules, two tests, the project stage's findings and SL301's saved join
    for entry in entries:
        CORRUPTIONS[corruption](entry)
    before = len(analysed())
    assert invoke(*CHECK[2:], "-j1", ".") == expected
    assert len(analysed()) - before == 6  # all rebuilt
    _assert_cache_valid(Path("cache"))
    if corruption != "folder":  # a folder in the way is left alone, and the entry is not cached
        assert len(_cache_entries(Path("cache"))) == 8
        assert invoke(*CHECK[2:], "-j1", ".") == expected and len(analysed()) - before == 6
