"""SL301/SL302 (issue 16): bodies without code, what pytest collects, doctests, per-test contexts, protocol
methods and receiver types; end to end through the CLI, with real coverage runs where SL302 is involved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Mapping

import pytest
from click.testing import CliRunner

from simplelint.cli import main


def write(folder: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def check_json(folder: Path, *args: str) -> list[dict[str, Any]]:
    """`simplelint check` in `folder` (CliRunner), its JSON findings."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "SL3", "--output-format", "json", *args])
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1), result.output
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def found(folder: Path, *args: str) -> set[tuple[str, str]]:
    """(code, function) of each finding."""
    return {(f["code"], f["message"].split("`")[1]) for f in check_json(folder, *args)}


def coverage_run(folder: Path, *pytest_args: str, context: str = "") -> None:
    """The project's tests under a real `coverage run` (data in `.coverage`); `context`: coverage's
    `--context` or a `dynamic_context` written to .coveragerc."""
    pytest.importorskip("coverage")
    command = [sys.executable, "-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    run = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(folder)})  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


# --- SL302: a body with no code of its own ------------------------------------------------------------

HOOKS = {
    "pkg/__init__.py": "",
    "pkg/hooks.py": '''\
        def on_start():
            """Called when the app starts; nothing to do by default."""


        def on_stop():
            ...


        def on_idle():
            pass


        def unused_hook():
            """No test calls it."""


        def ran():
            return 1


        def never():
            return 2
        ''',
    "tests/test_hooks.py": """\
        from pkg.hooks import on_idle, on_start, on_stop, ran


        def test_hooks():
            on_start()
            on_stop()
            on_idle()
            assert ran() == 1
        """,
}


def test_a_body_without_code_is_left_to_sl301(tmp_path: Path) -> None:
    folder = write(tmp_path, HOOKS)
    coverage_run(folder)
    assert found(folder, "--coverage", ".coverage") == {("SL302", "never"), ("SL301", "unused_hook")}
    assert found(folder) == {("SL301", "never"), ("SL301", "unused_hook")}
