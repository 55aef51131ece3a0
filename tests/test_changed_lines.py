"""Changed-lines mode (`check --diff-from REV`) on real throwaway git repositories."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simplelint.adoption.changed_lines import ChangedLines, parse_diff
from simplelint.cli import main
from simplelint.engine.violation import Violation

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FLAGS = ["--isolated", "--no-cache", "--select", "SL201,SL202", "-j", "1", "--output-format", "concise"]

OLD = """\
def load(path):
    text = open(path).read()
    return text


def keep(value):
    return value
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", *FLAGS, *args], catch_exceptions=False)


def findings(result: Result) -> list[str]:
    """`path:line CODE` for each finding."""
    found = []
    for line in result.stdout.splitlines():
        if ": SL" in line:
            where, code = line.split()[:2]
            found.append(f"{where.rsplit(':', 2)[0]} {code}")
    return sorted(found)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{key}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{key}_EMAIL", "test@example.com")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "app.py").write_text(OLD, encoding="utf-8")
    (root / "old_name.py").write_text(OLD.replace("load", "fetch"), encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "legacy")
    monkeypatch.chdir(root)
    return root


def test_only_findings_on_changed_lines_and_new_files(repo: Path) -> None:
    app = repo / "app.py"
    app.write_text(OLD.replace("def keep(value):", "def keep(value, extra):") + "\n\ndef added(x):\n    return x\n")
    git(repo, "mv", "old_name.py", "new_name.py")  # renamed, one line changed
    renamed = repo / "new_name.py"
    renamed.write_text(renamed.read_text().replace("def keep(value):", "def keep(value, flag):"))
    (repo / "untracked.py").write_text("def fresh(a):\n    pass\n")
    everything = check(".")
    assert len(findings(everything)) == 14
    result = check(".", "--diff-from", "HEAD")
    assert findings(result) == [
        "app.py:10 SL201",  # added(x)
        "app.py:10 SL202",
        "app.py:6 SL201",  # keep(value, extra): its line changed, so both parameters
        "app.py:6 SL201",
        "app.py:6 SL202",
        "new_name.py:6 SL201",
        "new_name.py:6 SL201",
        "new_name.py:6 SL202",
        "untracked.py:1 SL201",
        "untracked.py:1 SL202",
    ], result.stdout
    assert result.exit_code == 1


def test_a_change_inside_a_function_touches_findings_about_the_function(repo: Path) -> None:
    app = repo / "app.py"
    app.write_text(OLD.replace("    return text\n", "    return text.strip()\n"))
    # SL202 is reported at the function's name: it is about the function, which changed; the parameter's
    # SL201 sits on a line that did not change.
    assert findings(check(".", "--diff-from", "HEAD")) == ["app.py:1 SL202"]


def test_no_change_means_no_findings(repo: Path) -> None:
    result = check(".", "--diff-from", "HEAD")
    assert result.exit_code == 0
    assert findings(result) == []


def test_staged_changes_count_as_in_a_pre_commit_hook(repo: Path) -> None:
    app = repo / "app.py"
    app.write_text(OLD + "\n\ndef staged(s):\n    return s\n")
    git(repo, "add", "app.py")
    app.write_text(OLD + "\n\ndef staged(s):\n    return s\n\n\ndef unstaged(u):\n    return u\n")
    # Without a hook, `git diff HEAD` sees staged and unstaged edits alike.
    assert len(findings(check("app.py", "--diff-from", "HEAD"))) == 4
    # pre-commit first sets unstaged edits aside (a patch of `git diff`, then a checkout), as done here, so the
    # working tree is the staged state.
    patch = repo.parent / "unstaged.patch"
    patch.write_text(git(repo, "diff", "--binary"))
    git(repo, "checkout", "--", "app.py")
    assert findings(check("app.py", "--diff-from", "HEAD")) == ["app.py:10 SL201", "app.py:10 SL202"]
    git(repo, "apply", str(patch))


def test_diff_from_an_older_revision(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "app.py").write_text(OLD + "\n\ndef second(b):\n    return b\n")
    git(repo, "commit", "-q", "-am", "second")
    assert findings(check(".", "--diff-from", "HEAD")) == []
    assert findings(check(".", "--diff-from", first)) == ["app.py:10 SL201", "app.py:10 SL202"]


def test_unknown_revision_is_a_usage_error(repo: Path) -> None:
    result = check(".", "--diff-from", "no-such-branch")
    assert result.exit_code == 2
    assert "unknown git revision 'no-such-branch'" in result.stderr


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "untracked"])
def test_before_the_first_commit_every_line_is_new(repo: Path, staged: bool) -> None:
    """Issue 14.12: the pre-commit recipe's `--diff-from HEAD` on a new repository's first commit."""
    import shutil

    shutil.rmtree(repo / ".git")
    git(repo, "init", "-q")
    if staged:
        git(repo, "add", "app.py")
    result = check(".", "--diff-from", "HEAD")
    assert result.exit_code == 1, result.output
    assert findings(result) == findings(check("."))
    assert findings(result)


def test_outside_a_repository_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.py").write_text("def f(x): ...\n")
    monkeypatch.chdir(folder)
    result = check(".", "--diff-from", "HEAD")
    assert result.exit_code == 2
    assert "needs a git repository" in result.stderr


def test_parse_diff_handles_content_that_looks_like_headers() -> None:
    output = (
        b"diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n"
        b"@@ -3,0 +4,2 @@ def f():\n+++ not a header\n+@@ -1 +1 @@ neither\n"
        b"@@ -10 +12 @@\n-old\n+new\n"
        b"@@ -20,3 +21,0 @@\n-a\n-b\n-c\n"
        b'diff --git "a/caf\\303\\251 x.py" "b/caf\\303\\251 x.py"\n'
        b'--- "a/caf\\303\\251 x.py"\n+++ "b/caf\\303\\251 x.py"\n@@ -1 +1 @@\n-a\n+b\n'
        b"diff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-+++ b/fake.py\n-x\n"
        b"diff --git a/sp ace.py b/sp ace.py\n--- a/sp ace.py\t\n+++ b/sp ace.py\t\n@@ -0,0 +1 @@\n+x\n"
    )
    assert parse_diff(output) == {"x.py": {4, 5, 12}, "caf\u00e9 x.py": {1}, "sp ace.py": {1}}


def test_project_finding_without_snippet_at_a_def_counts_its_body(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("@decorator\ndef f():\n    a = 1\n    return a\n\n\nx = 1\n")
    changed = ChangedLines(str(tmp_path), lines={str(source.resolve()): {3}})

    def at(line: int, snippet: str = "") -> Violation:
        return Violation("SL301", "untested", "m", str(source), line, 5, line, 6, snippet=snippet)

    assert changed.touches(at(2))
    assert changed.touches(at(2, "f"))
    assert not changed.touches(at(2, "other"))
    assert not changed.touches(at(7))


def test_library_api(repo: Path) -> None:
    from simplelint.adoption.changed_lines import changed_since, keep_changed

    (repo / "app.py").write_text(OLD.replace("return value", "return value * 2"))
    changed = changed_since("HEAD", str(repo / "app.py"))
    assert changed.lines == {str((repo / "app.py").resolve()): {7}}
    on_seven = Violation("SL999", "x", "m", "app.py", 7, 5, 7, 9, snippet="value")
    on_one = Violation("SL999", "x", "m", "app.py", 1, 5, 1, 9, snippet="path")
    assert keep_changed([on_one, on_seven], changed) == [on_seven]
