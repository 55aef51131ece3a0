"""`simplelint verify-imports` in a monorepo: each file is judged by its nearest config, as `check` judges it
(its production globs, banned modules, `src` roots and `python`), whatever the order of the paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import write_files

from simplelint.cli import main

# Two packages, each with its own config: pkg_a bans csv, pkg_b bans wave (stdlib modules no interpreter loads
# at start-up); both jobs import both. The root config has no production code at all.
FILES = {
    "pyproject.toml": '[tool.simplelint]\nselect = ["SL4"]\n',
    "pkg_a/simplelint.toml": (
        'select = ["SL4"]\nsrc = ["."]\nproduction = ["a/jobs/*.py"]\n\n[production-imports]\nbanned = ["csv"]\n'
    ),
    "pkg_a/a/__init__.py": "",
    "pkg_a/a/jobs/__init__.py": "",
    "pkg_a/a/jobs/load.py": "import csv\nimport wave\n",
    "pkg_b/simplelint.toml": (
        'select = ["SL4"]\nsrc = ["src"]\nproduction = ["src/b/jobs/*.py"]\n\n'
        '[production-imports]\nbanned = ["wave"]\npython = "bin/python"\n'
    ),
    "pkg_b/src/b/__init__.py": "",
    "pkg_b/src/b/jobs/__init__.py": "",
    "pkg_b/src/b/jobs/run.py": "import csv\nimport wave\n",
}
EXPECTED = [
    "pkg_a/a/jobs/load.py: loads csv through a.jobs.load -> csv (found by SL401)",
    "pkg_b/src/b/jobs/run.py: loads wave through b.jobs.run -> wave (found by SL401)",
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_files(tmp_path / "repo", FILES)
    # pkg_b's own interpreter (its `python`, relative to its config): this one under another name.
    (root / "pkg_b" / "bin").mkdir()
    (root / "pkg_b" / "bin" / "python").symlink_to(sys.executable)
    monkeypatch.chdir(root)
    return root


def summary(repo: Path) -> str:
    pythons = f"{sys.executable} and {repo / 'pkg_b' / 'bin' / 'python'}"
    return (
        f"Imported 4 modules with {pythons}: 2 loaded a banned module (0 missed by the static rules), "
        "0 failed to import, 0 timed out."
    )


@pytest.mark.parametrize("order", [("pkg_a", "pkg_b"), ("pkg_b", "pkg_a"), (".",)])
def test_each_file_is_verified_under_its_own_config(repo: Path, order: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, ["verify-imports", "--no-cache", *order])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    # Before, the config of the folder the paths share applied to every file: for `.` (the root's) nothing was
    # production, and for pkg_a alone its banned list reached pkg_b's job.
    assert lines[:-1] == EXPECTED
    # pkg_b's modules ran with its own `python` (this interpreter under another name), pkg_a's with this one.
    assert lines[-1] == summary(repo)


def test_through_a_real_process_from_inside_a_package(repo: Path) -> None:
    command = [sys.executable, "-m", "simplelint", "verify-imports", "--no-cache", "--output-format", "json", "..", "."]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd="pkg_b", env=dict(os.environ))
    assert done.returncode == 1, done.stderr
    found = {item["path"]: [x["module"] for x in item["loaded"]] for item in json.loads(done.stdout) if item["loaded"]}
    assert found == {f"{repo}/pkg_a/a/jobs/load.py": ["csv"], "src/b/jobs/run.py": ["wave"]}
