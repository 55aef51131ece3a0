"""A cache is invisible: whatever ran before, a cached run prints what a `--no-cache` run prints (issue 12.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from simplelint.cli import main

# The first function shrinks under a fix, so a finding after it moves up in the fixed text.
MODULE = """\
def first(c):
    if c:
        return True
    else:
        return False


def second(x):
    return x + 1


def third(values):
    return [v for v in values]
"""
TESTS = "from pkg.mod import first\n\n\ndef test_first():\n    assert first(1)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.simplelint]\nselect = ["SL1", "SL3"]\n', encoding="utf-8")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "src" / "pkg" / "mod.py").write_text(MODULE, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_mod.py").write_text(TESTS, encoding="utf-8")
    return tmp_path


def run(*args: str, input: bytes | None = None) -> str:
    result = CliRunner().invoke(main, ["check", *args], input=input, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


# Each kind of run that may fill the cache, with the file as it was before (restored after --fix).
BEFORE = [
    ["--output-format", "concise"],
    ["--diff"],
    ["--diff", "--unsafe-fixes"],
    ["--fix"],
    ["--fix", "--unsafe-fixes"],
    ["--select", "SL110"],
    ["--statistics"],
    ["--output-format", "json"],
    ["--stdin-filename", "src/pkg/mod.py", "-"],
    ["--fix", "--stdin-filename", "src/pkg/mod.py", "-"],
]


@pytest.mark.parametrize("before", BEFORE, ids=" ".join)
@pytest.mark.parametrize("target", ["src/pkg/mod.py", "."])
def test_a_cached_run_equals_an_uncached_one_whatever_ran_before(project: Path, before: list[str], target: str) -> None:
    module = project / "src" / "pkg" / "mod.py"
    stdin = MODULE.replace("x + 1", "(x\n        + 1)").encode() if "-" in before else None
    run(*before, *([] if stdin else [target]), input=stdin)
    module.write_text(MODULE, encoding="utf-8")  # what --fix changed is put back
    cached = run("--output-format", "concise", target)
    assert cached == run("--no-cache", "--output-format", "concise", target)
    assert "mod.py:8:5: SL301" in cached  # `second`, where it is on disk


def test_the_fixed_file_is_then_reported_as_it_is_on_disk(project: Path) -> None:
    run("--fix", "--unsafe-fixes", ".")
    cached = run("--output-format", "concise", ".")
    assert cached == run("--no-cache", "--output-format", "concise", ".")
    assert "mod.py:5:5: SL301" in cached


@pytest.mark.parametrize("change", ["python", "libcst"])
def test_another_interpreter_or_libcst_does_not_reuse_entries(
    project: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Issue 14.10: SL301's facts come from CPython's ast, so a CI matrix sharing a cache must not share entries."""
    import sys

    run(".")
    entries = set((project / ".simplelint_cache").rglob("*.json"))
    if change == "python":
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    else:
        from simplelint.config import settings

        monkeypatch.setattr(settings, "_libcst_stamp", lambda: "libcst 0.0.1")
    run(".")
    assert set((project / ".simplelint_cache").rglob("*.json")) > entries


def test_a_whole_tree_run_warms_the_files_later_read_only_for_facts(
    project: Path, analysed: Callable[[], list[str]]
) -> None:
    """Issue 21: after `check .`, pre-commit's `check one.py` reads the tests' facts from the cache."""
    run("--select", "ALL", ".")
    before = analysed()
    cached = run("--select", "ALL", "--output-format", "concise", "src/pkg/mod.py")
    assert analysed() == before
    assert cached == run("--select", "ALL", "--no-cache", "--output-format", "concise", "src/pkg/mod.py")
    assert "SL301" in cached


def test_the_libcst_stamp_follows_its_version_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.machinery
    import importlib.util

    from simplelint.config import settings

    (tmp_path / "__init__.py").write_text("")
    spec = importlib.machinery.ModuleSpec("libcst", None, origin=str(tmp_path / "__init__.py"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    stamps = []
    for version in ("1.8.0", "1.9.0"):
        (tmp_path / "_version.py").write_text(f"__version__ = {version!r}\n")
        stamps.append(settings._libcst_stamp())
    assert stamps[0] != stamps[1]


def test_installing_a_package_is_seen_by_a_cached_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 18: SL403's findings depend on the installed packages, which are part of the project stage's key."""
    import shutil

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "job.py").write_text("# simplelint: production\nimport vizpkg\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\n", encoding="utf-8")
    before = run("--select", "SL4", "--output-format", "concise", ".")
    for name in ("vizpkg", "vizpkg-1.2.dist-info"):
        shutil.copytree(fixtures / "deps_site" / name, site / name)  # `pip install vizpkg`
    cached = run("--select", "SL4", "--output-format", "concise", ".")
    assert cached == run("--select", "SL4", "--no-cache", "--output-format", "concise", ".") != before
    assert "job.py:2:1: SL403 Production code imports pandas through vizpkg 1.2 -> requires pandas>=1.5" in cached
