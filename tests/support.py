"""Support code of the tests (not a test module): the CLI run from a folder, and small projects on disk."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner, Result

from simplelint.cli import main


def cli_in(folder: Path, *args: str) -> Result:
    """`simplelint ARGS` through click's CliRunner, run from `folder` as a user there would run it."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(cwd)


def check_json(*args: str) -> Result:
    """`simplelint check --no-cache --output-format json ARGS` through click's CliRunner, here."""
    return CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "json", *args])


def json_findings(output: str) -> list[tuple[str, int, int, str, str]]:
    """JSON findings as (path with `/`, line, column, code, message)."""
    return [
        (item["filename"].replace("\\", "/"), item["location"]["row"], item["location"]["column"], item["code"],
         item["message"])
        for item in json.loads(output)
    ]  # fmt: skip


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """`files` (relative path -> text) written under `root`, folders made as needed."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root
