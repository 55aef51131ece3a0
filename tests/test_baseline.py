"""Baseline: `simplelint baseline` records today's findings; `check` reports only new ones.

Runs the real CLI on small files with the type-hint rules (SL201 missing parameter annotation, SL202 missing
return annotation), whose findings sit on a function's parameters and name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from simplelint.adoption.baseline import DEFAULT_NAME, BaselineError, Entry, entry_for, read
from simplelint.cli import main
from simplelint.engine.violation import Violation

FLAGS = ["--isolated", "--no-cache", "--select", "SL201,SL202", "-j", "1"]

LEGACY = '''\
"""A legacy module."""


def load(path, mode="r"):
    with open(path, mode) as handle:
        return handle.read()


def helper() -> int:
    return 1


def save(path: str, data) -> None:
    print(path, data)
'''
# load: SL201 x2 + SL202; save: SL201 for `data`.
LEGACY_FINDINGS = 4


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check(*args: str) -> Result:
    return cli("check", *FLAGS, "--output-format", "concise", *args)


def codes(result: Result) -> list[str]:
    return [line.split()[1] for line in result.stdout.splitlines() if ": SL" in line]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "legacy.py").write_text(LEGACY, encoding="utf-8")
    (tmp_path / "pkg" / "other.py").write_text("def other(a):\n    return a\n", encoding="utf-8")
    before = check("pkg")
    assert before.exit_code == 1 and len(codes(before)) == LEGACY_FINDINGS + 2, before.stdout
    created = cli("baseline", *FLAGS, "pkg")
    assert created.exit_code == 0, created.output
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_baseline_file_lists_every_finding_without_line_numbers(project: Path) -> None:
    data = json.loads((project / DEFAULT_NAME).read_text(encoding="utf-8"))
    assert data["tool"] == "simplelint"
    assert sorted(data["files"]) == ["pkg/legacy.py", "pkg/other.py"]
    assert data["files"]["pkg/other.py"] == [["SL201", "other", "a"], ["SL202", "", "other"]]
    assert sum(row[3] if len(row) > 3 else 1 for rows in data["files"].values() for row in rows) == 6
    # One finding a line: a baseline's diff in review shows exactly the findings added or dropped.
    assert (project / DEFAULT_NAME).read_text(encoding="utf-8").count(
        "\n"
    ) == 1 + 2 * 2 + 6 + 1  # header, file brackets, findings, end


def test_check_after_baseline_reports_nothing(project: Path) -> None:
    result = check("pkg")
    assert result.exit_code == 0, result.output
    assert codes(result) == []


LOAD = 'def load(path, mode="r"):\n    with open(path, mode) as handle:\n        return handle.read()\n\n\n'
UNRELATED_EDITS = {
    "twenty lines inserted at the top": lambda text: "# a comment\nimport os\n" * 10 + text,
    "unrelated function renamed": lambda text: text.replace("def helper() -> int:", "def assistant() -> int:"),
    "function moved within the file": lambda text: text.replace(LOAD, "") + "\n\n" + LOAD,
    "flagged code reformatted": lambda text: text.replace(
        'load(path, mode="r")', 'load(\n    path,\n    mode = "r",\n)'
    ),
}


@pytest.mark.parametrize("change", UNRELATED_EDITS.values(), ids=list(UNRELATED_EDITS))
def test_unrelated_edits_keep_findings_baselined(project: Path, change: Callable[[str], str]) -> None:
    legacy = project / "pkg" / "legacy.py"
    before = legacy.read_text(encoding="utf-8")
    after = change(before)
    assert after != before
    legacy.write_text(after, encoding="utf-8")
    result = check("pkg")
    assert result.exit_code == 0, result.stdout
    assert "fixed" not in result.stderr


def test_changed_flagged_code_comes_back(project: Path) -> None:
    edit(project / "pkg" / "legacy.py", 'def load(path, mode="r"):', 'def load(path, mode="rb"):')
    result = check("pkg")
    assert result.exit_code == 1
    assert codes(result) == ["SL201"]
    assert "legacy.py:4:" in result.stdout
    assert "1 baselined finding was fixed" in result.stderr  # the old `mode="r"` is gone


def test_new_function_is_reported(project: Path) -> None:
    legacy = project / "pkg" / "legacy.py"
    legacy.write_text(
        legacy.read_text(encoding="utf-8") + "\n\ndef fresh(value):\n    return value\n", encoding="utf-8"
    )
    assert sorted(codes(check("pkg"))) == ["SL201", "SL202"]


def test_duplicates_are_counted_so_a_third_copy_is_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    twice = "import sys\n\nif sys.platform == 'win32':\n    def f(x): ...\nelse:\n    def f(x): ...\n"
    Path("mod.py").write_text(twice, encoding="utf-8")
    assert cli("baseline", *FLAGS, "mod.py").exit_code == 0
    entries = read(tmp_path / DEFAULT_NAME)
    assert sorted(e.count for e in entries.values()) == [2, 2]
    assert check("mod.py").exit_code == 0
    Path("mod.py").write_text(twice + "\ndef f(x): ...\n", encoding="utf-8")
    result = check("mod.py")
    assert sorted(codes(result)) == ["SL201", "SL202"]


def test_fixed_findings_are_reported_and_update_drops_them(project: Path) -> None:
    legacy = project / "pkg" / "legacy.py"
    edit(legacy, 'def load(path, mode="r"):', 'def load(path: str, mode: str = "r") -> str:')
    result = check("pkg")
    assert result.exit_code == 0
    assert "3 baselined findings were fixed" in result.stderr
    assert "--update-baseline" in result.stderr
    updated = check("pkg", "--update-baseline")
    assert updated.exit_code == 0
    assert "removed 3 fixed findings" in updated.stderr
    assert sum(e.count for e in read(project / DEFAULT_NAME).values()) == 3
    assert "fixed" not in check("pkg").stderr
    # Dropped for good: the same finding coming back is new.
    edit(legacy, "def load(path: str,", "def load(path,")
    assert codes(check("pkg")) == ["SL201"]


def test_update_never_adds_new_findings(project: Path) -> None:
    before = (project / DEFAULT_NAME).read_text(encoding="utf-8")
    other = project / "pkg" / "other.py"
    other.write_text(other.read_text(encoding="utf-8") + "\n\ndef brand_new(b):\n    return b\n", encoding="utf-8")
    result = check("pkg", "--update-baseline")
    assert result.exit_code == 1
    assert sorted(codes(result)) == ["SL201", "SL202"]
    assert json.loads((project / DEFAULT_NAME).read_text(encoding="utf-8")) == json.loads(before)


def test_checking_some_files_does_not_count_the_others_as_fixed(project: Path) -> None:
    result = check("pkg/other.py")
    assert result.exit_code == 0
    assert "fixed" not in result.stderr
    refreshed = cli("baseline", *FLAGS, "pkg/other.py")
    assert refreshed.exit_code == 0
    assert {e.path for e in read(project / DEFAULT_NAME).values()} == {"pkg/legacy.py", "pkg/other.py"}


def test_baseline_path_from_option_and_config(project: Path) -> None:
    target = project / "lint" / "known.json"
    target.parent.mkdir()
    assert cli("baseline", *FLAGS, "--baseline", str(target), "pkg").exit_code == 0
    (project / DEFAULT_NAME).unlink()
    assert check("pkg", "--baseline", str(target)).exit_code == 0
    (project / "simplelint.toml").write_text('select = ["SL201", "SL202"]\nbaseline = "lint/known.json"\n')
    configured = cli("check", "--no-cache", "-j", "1", "pkg")
    assert configured.exit_code == 0, configured.output


def test_missing_or_broken_baseline_is_a_usage_error(project: Path) -> None:
    missing = check("pkg", "--baseline", "nope.json")
    assert missing.exit_code == 2
    assert "nope.json not found" in missing.stderr
    Path("broken.json").write_text("{not json", encoding="utf-8")
    broken = check("pkg", "--baseline", "broken.json")
    assert broken.exit_code == 2
    assert "not a simplelint baseline" in broken.stderr
    (project / DEFAULT_NAME).unlink()
    assert check("pkg", "--update-baseline").exit_code == 2


def test_fingerprint_ignores_lines_and_whitespace(tmp_path: Path) -> None:
    def violation(line: int, snippet: str) -> Violation:
        return Violation(
            "SL201", "x", "message", str(tmp_path / "a.py"), line, 1, line, 2, context="f", snippet=snippet
        )

    def fingerprint(v: Violation) -> str:
        return entry_for(v, tmp_path, lambda path: []).fingerprint

    assert fingerprint(violation(3, "x = 1")) == fingerprint(violation(40, "x=1"))
    assert fingerprint(violation(3, "x = 1")) != fingerprint(violation(3, "y = 1"))
    assert Entry("SL201", "a.py", "f", "x").fingerprint != Entry("SL202", "a.py", "f", "x").fingerprint


def test_library_api_create_apply_update(tmp_path: Path) -> None:
    from simplelint.adoption.baseline import apply, create, update, write

    def found(line: int, snippet: str) -> Violation:
        return Violation("SL201", "n", "m", str(tmp_path / "a.py"), line, 1, line, 2, context="f", snippet=snippet)

    path = tmp_path / DEFAULT_NAME
    assert create(path, [found(1, "x"), found(2, "x"), found(3, "y")], [str(tmp_path / "a.py")], lambda p: []) == 3
    baseline = read(path)
    kept, outcome = apply([found(9, "x"), found(10, "z")], baseline, tmp_path, [str(tmp_path / "a.py")], lambda p: [])
    assert [v.snippet for v in kept] == ["z"]
    assert (outcome.hidden, outcome.fixed) == (1, 2)  # one `x` and the `y` are gone
    assert update(path, baseline, outcome) == 1
    assert write(path, []) == 0 and read(path) == {}


def test_a_crashing_rule_still_writes_the_baseline_but_exits_2(project: Path, add_rules: Callable[..., None]) -> None:
    import libcst as cst

    from simplelint.rule import Rule

    class Crashing(Rule):
        code = "SL299"
        name = "crashing"
        summary = "Crashes on every name"

        def visit_Name(self, node: cst.Name) -> None:
            raise ValueError("boom")

    add_rules(Crashing)
    (project / DEFAULT_NAME).unlink()
    result = cli("baseline", "--isolated", "--no-cache", "-j", "1", "--select", "SL201,SL202,SL299", "pkg")
    assert result.exit_code == 2
    assert "internal error in rule SL299" in result.stderr
    assert sum(e.count for e in read(project / DEFAULT_NAME).values()) == LEGACY_FINDINGS + 2


PROJECT_WIDE = {
    "pyproject.toml": '[tool.simplelint]\nsrc = ["src"]\nproduction = ["src/app/jobs/*.py"]\n',
    "src/app/__init__.py": "",
    "src/app/core.py": "def used(a):\n    return a\n\n\nclass Store:\n    def keep(self, item):\n        return item\n",
    "src/app/helpers.py": "import pandas\n",
    "src/app/jobs/__init__.py": "",
    "src/app/jobs/nightly.py": "from app import helpers\n",
    "tests/test_core.py": "from app.core import used\n\n\ndef test_used():\n    assert used(1) == 1\n",
}


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        # What SL201/SL202 ask for changes the signature SL301 is reported at.
        ("src/app/core.py", "def keep(self, item):", "def keep(self, item: int) -> int:"),
        ("src/app/core.py", "    def keep(self, item):", "    def keep(\n        self, item: int\n    ) -> int:"),
        # Another wording of the same import keeps SL402's finding.
        ("src/app/jobs/nightly.py", "from app import helpers", "import app.helpers as helpers"),
    ],
)
def test_project_findings_stay_baselined_through_the_changes_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, old: str, new: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in PROJECT_WIDE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    flags = ["--no-cache", "--select", "SL301,SL402"]
    before = cli("check", *flags, "--output-format", "concise", "src")
    assert sorted(codes(before)) == ["SL301", "SL402"], before.stdout
    assert cli("baseline", *flags, "src").exit_code == 0
    edit(tmp_path / path, old, new)
    after = cli("check", *flags, "--output-format", "concise", "src")
    assert after.exit_code == 0, after.stdout
    assert "fixed" not in after.stderr


def test_a_symlinked_baseline_stays_a_link_to_the_updated_file(project: Path) -> None:
    """Issue 14.4: a baseline shared through a symlink: the shared file is updated, the link kept."""
    shared = project / "shared"
    shared.mkdir()
    (project / DEFAULT_NAME).rename(shared / "baseline.json")
    (project / DEFAULT_NAME).symlink_to(shared / "baseline.json")
    edit(project / "pkg" / "legacy.py", 'def load(path, mode="r"):', 'def load(path: str, mode: str = "r") -> str:')
    assert check("pkg", "--update-baseline").exit_code == 0
    assert (project / DEFAULT_NAME).is_symlink()
    assert sum(e.count for e in read(shared / "baseline.json").values()) == 3
    assert cli("baseline", *FLAGS, "pkg").exit_code == 0
    assert (project / DEFAULT_NAME).is_symlink()
    assert sum(e.count for e in read(shared / "baseline.json").values()) == 3
    assert (shared / "baseline.json").is_file() and not (shared / "baseline.json").is_symlink()


def test_a_baseline_that_is_not_a_regular_file_is_never_replaced(project: Path) -> None:
    import os

    (project / DEFAULT_NAME).unlink()
    os.mkfifo(project / DEFAULT_NAME)
    result = cli("baseline", *FLAGS, "pkg")
    assert result.exit_code == 2 and "Not a regular file" in result.stderr
    assert (project / DEFAULT_NAME).is_fifo()


@pytest.mark.parametrize(
    "text",
    [
        '{"files": {"pkg/legacy.py": [["SL201", "load", "path", Infinity]]}}',
        '{"files": {"pkg/legacy.py": [["SL201", "load", "path", 1e400]]}}',
        '{"files": {"pkg/legacy.py": [["SL201", "load", "path", 2.5]]}}',
        '{"files": {"pkg/legacy.py": [["SL201", "load", "path", true]]}}',
        '{"files": {"pkg/legacy.py": [["SL201", ["load"], "path"]]}}',
        '{"files": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "[" * 100_000,
    ],
    ids=["Infinity", "1e400", "2.5", "true", "list", "deep", "deep-unclosed"],
)
def test_a_corrupted_baseline_is_a_clear_error(project: Path, text: str) -> None:
    """Issue 14.8."""
    (project / DEFAULT_NAME).write_text(text, encoding="utf-8")
    result = check("pkg")
    assert result.exit_code == 2
    assert "is not a simplelint baseline" in result.stderr and "Traceback" not in result.output


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    where=st.sampled_from(["top", "files", "file", "row", "code", "count"]),
    value=JSON_VALUES,
)
def test_the_baseline_reader_never_raises_anything_but_its_error(where: str, value: Any) -> None:
    """Every JSON value at every key: read() succeeds or says the file is not a baseline."""
    import tempfile

    row: list[Any] = ["SL201", "load", "path", 2]
    document: Any = {"tool": "simplelint", "version": 1, "files": {"a.py": [row]}}
    if where == "top":
        document = value
    elif where == "files":
        document["files"] = value
    elif where == "file":
        document["files"]["a.py"] = value
    elif where == "row":
        document["files"]["a.py"] = [value]
    else:
        row[0 if where == "code" else 3] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / DEFAULT_NAME
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            read(path)
        except BaselineError:
            pass
