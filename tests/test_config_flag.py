"""`--config FILE`: the file's relative paths and globs are the current directory's, as ruff's are.

ruff's docs (Config file discovery): "If a configuration file is passed directly via `--config`, those settings
are used for all analyzed files, and any relative paths in that configuration file (like `exclude` globs or `src`
paths) are resolved relative to the current working directory." ruff 0.17.6 does the same for the files that
config `extend`s (checked by hand), while `extend` itself is still found from the folder of the file naming it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import write_files

from simplelint.cli import main

# The shared config lives in another folder than the project it is used on.
SHARED = """\
select = ["SL2", "SL4"]
extend-exclude = ["gen/**"]
per-file-ignores = { "legacy/*.py" = ["SL2"] }
src = ["src"]
production = ["src/shop/jobs/*.py"]
cache-dir = "lint-cache"
"""
UNTYPED = "def f(x):\n    return x\n"
FILES = {
    "gen/made.py": UNTYPED,  # excluded by `gen/**` from the current directory
    "legacy/old.py": UNTYPED,  # SL2 ignored there
    "app/new.py": UNTYPED,
    "src/shop/__init__.py": "",
    "src/shop/jobs/__init__.py": "",
    "src/shop/jobs/daily.py": "import pandas\n",  # production: SL401
    "src/shop/tools.py": "import pandas\n",  # not production
}
# What each file gets when the config's paths are the current directory's (the project's root).
EXPECTED = [
    "app/new.py:1:5: SL202",
    "app/new.py:1:7: SL201",
    "src/shop/jobs/daily.py:1:1: SL401",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_files(tmp_path / "project", FILES)
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "lint.toml").write_text(SHARED, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def found(output: str) -> list[str]:
    return sorted(" ".join(line.split()[:2]) for line in output.splitlines() if ": SL" in line)


def test_the_config_files_paths_are_the_current_directorys(project: Path) -> None:
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "--output-format", "concise", "--config", "../shared/lint.toml", "."]
    )
    assert result.exit_code == 1, result.output
    # Rooted at ../shared (before), nothing was excluded or ignored and no module was production.
    assert found(result.stdout) == EXPECTED


def test_through_a_real_process_and_from_a_subfolder(project: Path) -> None:
    command = [sys.executable, "-m", "simplelint", "check", "--no-cache", "--output-format", "concise"]
    done = subprocess.run(
        [*command, "--config", "../shared/lint.toml", "."], capture_output=True, text=True, check=False
    )
    assert (done.returncode, found(done.stdout)) == (1, EXPECTED), done.stderr
    # From src/, the production glob names src/src/shop/jobs/*.py: nothing is production there.
    inside = subprocess.run(
        [*command, "--config", "../../shared/lint.toml", "."], capture_output=True, text=True, check=False, cwd="src"
    )
    assert (inside.returncode, inside.stdout, inside.stderr) == (0, "All checks passed!\n", "")


def test_an_extended_files_paths_are_the_current_directorys_too(project: Path) -> None:
    # `extend` is found from the naming file's folder; what the extended file says is rooted at the current
    # directory, as ruff does with --config.
    (project.parent / "shared" / "base").mkdir()
    (project.parent / "shared" / "base" / "base.toml").write_text(SHARED, encoding="utf-8")
    (project.parent / "shared" / "child.toml").write_text('extend = "base/base.toml"\n', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "--output-format", "concise", "--config", "../shared/child.toml", "."]
    )
    assert found(result.stdout) == EXPECTED, result.output


def test_show_settings_names_the_current_directory_as_root(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--config", "../shared/lint.toml", "--show-settings", "app/new.py"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # Paths are shown relative to the current directory: before, they were `../shared/...`.
    for expected in ('root = "."', 'src = ["src"]', 'cache-dir = "lint-cache"'):
        assert expected in lines
