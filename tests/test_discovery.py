"""What the walk passes over is said, as ruff says it: no Python files, unreadable folders, broken symlinks.

An unreadable file is SL002 whether it is named on the command line or met in a folder. Tests run as root
here, where permissions do not deny reads: the CliRunner tests deny at the seams simplelint reads through
(os.access for click, os.open for files, os.scandir for folders), and one test runs the real thing as
`nobody` where setpriv allows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "pkg").mkdir()
    (in_tmp / "pkg" / "good.py").write_text("VALUE = 1\n", encoding="utf-8")
    return in_tmp


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--no-cache", "-j1", "--output-format", "concise", *args])


def test_a_folder_without_python_files_is_warned_about(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# docs\n", encoding="utf-8")
    result = invoke("docs")
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")
    assert result.stderr == "warning: No Python files found under docs\n"


def test_only_the_folder_without_python_files_is_named(project: Path) -> None:
    (project / "empty").mkdir()
    (project / "vendored" / ".venv").mkdir(parents=True)
    (project / "vendored" / ".venv" / "x.py").write_text("x = 1\n", encoding="utf-8")  # excluded: not found
    result = invoke("pkg", "empty", "vendored")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: No Python files found under empty",
        "warning: No Python files found under vendored",
    ]
    assert invoke("-s", "empty").stderr == ""


def test_broken_symlinks_met_in_the_walk_are_named(project: Path) -> None:
    (project / "pkg" / "gone.py").symlink_to(project / "nowhere.py")
    (project / "pkg" / "gone_dir").symlink_to(project / "nowhere", target_is_directory=True)
    (project / "pkg" / "__pycache__").mkdir()
    (project / "pkg" / "__pycache__" / "stale.py").symlink_to(project / "nowhere.py")  # excluded: not said
    result = invoke("pkg")
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")
    assert result.stderr.splitlines() == [
        f"warning: {Path('pkg', 'gone.py')}: broken symbolic link (its target does not exist); skipped",
        f"warning: {Path('pkg', 'gone_dir')}: broken symbolic link (its target does not exist); skipped",
    ]


@pytest.fixture
def locked(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pkg/closed/ cannot be listed and locked.py cannot be read, as for a user without permission."""
    (project / "pkg" / "closed").mkdir()
    (project / "pkg" / "closed" / "hidden.py").write_text("x == None\n", encoding="utf-8")
    (project / "locked.py").write_text("x = 1\n", encoding="utf-8")
    real_scandir, real_open, real_access = os.scandir, os.open, os.access

    def scandir(path: Any = ".") -> Any:
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def open_(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        return not str(path).endswith(("locked.py", "closed")) and real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "access", access)
    return project


def test_an_unreadable_folder_met_in_the_walk_is_named(locked: Path) -> None:
    result = invoke("pkg")
    assert (result.exit_code, result.stdout) == (0, "All checks passed!\n")
    closed = Path("pkg", "closed")
    assert result.stderr == f"warning: {closed}: cannot read folder (Permission denied); skipped\n"


def test_an_unreadable_file_is_sl002_named_or_walked(locked: Path) -> None:
    named = invoke("locked.py")
    assert named.exit_code == 1, named.output
    assert named.stdout.splitlines()[0] == "locked.py:1:1: SL002 Cannot read file: Permission denied"
    walked = invoke(".")
    assert walked.stdout.splitlines()[0] == "locked.py:1:1: SL002 Cannot read file: Permission denied"


def test_an_unreadable_folder_named_is_warned_about(locked: Path) -> None:
    result = invoke("pkg/closed")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"warning: {Path('pkg', 'closed')}: cannot read folder (Permission denied); skipped",
        "warning: No Python files found under pkg/closed",
    ]


def test_a_missing_path_stays_an_error(project: Path) -> None:
    result = invoke("pkg", "nope.py")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: nope.py: No such file or directory (os error 2)\n"


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can enter (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="simplelint-perm-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o755)
    shutil.rmtree(folder)


def _as_unprivileged() -> list[str]:
    """A command prefix that runs without the permission to read others' private files, or skip."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot deny a read")
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import simplelint; print(simplelint.__file__)"],
        capture_output=True, text=True, cwd=tempfile.gettempdir(), env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    if probe.returncode != 0 or not probe.stdout.startswith(str(REPO)):
        pytest.skip(f"nobody cannot run this interpreter with this checkout: {probe.stderr.strip()[-200:]}")
    return prefix


@pytest.mark.slow
def test_real_permissions_as_an_unprivileged_user(shared_folder: Path) -> None:
    prefix = _as_unprivileged()
    (shared_folder / "locked.py").write_text("x = 1\n", encoding="utf-8")
    (shared_folder / "closed").mkdir()
    (shared_folder / "closed" / "hidden.py").write_text("x = 1\n", encoding="utf-8")
    (shared_folder / "locked.py").chmod(0)
    (shared_folder / "closed").chmod(0)
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "simplelint", "check", "--no-cache", "--isolated", ".", "locked.py"],
        capture_output=True, text=True, cwd=shared_folder, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0] == "locked.py:1:1: SL002 Cannot read file: Permission denied"
    assert done.stderr == "warning: closed: cannot read folder (Permission denied); skipped\n"


# --- one walk of the project per run ----------------------------------------------------------------------


def test_the_project_is_walked_once_however_many_rules_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SL301, SL501, SL502 and SL503 each ask for the whole project's files: one walk serves them all (four
    walks cost a warm run of Django 0.5 s of its 1.9 s)."""
    from simplelint.run import discovery

    project = tmp_path / "dead_project"
    shutil.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "dead_project", project)
    walked: list[str] = []
    real_walk = discovery._walk
    monkeypatch.setattr(discovery, "_walk", lambda top, *rest: walked.append(top) or real_walk(top, *rest))
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--no-cache", "src", "--output-format", "concise"])
    assert result.exit_code == 1, result.output
    assert "SL501" in result.stdout and "SL301" in result.stdout  # the rules that read the project ran
    assert sorted(walked) == sorted(["src", os.path.abspath(".")])  # the named folder, then the project once


def test_a_remembered_walk_is_forgotten_when_its_block_ends(project: Path) -> None:
    from simplelint.run.discovery import discover, remembered
    from simplelint.testing import settings_for

    settings = settings_for(project, frozenset({"SL101"}))
    with remembered():
        first = discover([str(project)], settings)
        (project / "late.py").write_text("x = 1\n")
        assert discover([str(project)], settings) == first  # the walk of this run, not the disk of now
    assert any(path.endswith("late.py") for path in discover([str(project)], settings))
