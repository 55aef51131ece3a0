"""Small truths, through the command line: where a NUL byte is, which noqa codes are unused, what the HTML
report's buckets and families say, and singular/plural in every count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\n", encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def concise(*args: str) -> list[str]:
    return invoke("check", "--no-cache", "--output-format", "concise", "-q", *args).stdout.splitlines()


# ---- a NUL byte is reported where it is ----


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"x = 1\ny = 2\x00\n", "2:6"),
        (b'x = 1\ny = "ab\x00c"\n', "2:8"),  # LibCST accepts it in a string; CPython refuses the file
        (b"x = 1\n# note \x00\n", "2:8"),
        ("\u00e9 = 1\n\u00e9\u00e9 + \x00\n".encode(), "2:6"),  # columns count characters, not bytes
        (b"x = 1\r\ny = 2\rz = \x00\n", "3:5"),  # CR and CRLF end lines too
        (b"\xef\xbb\xbf\x00", "1:1"),  # a BOM is no column
    ],
)
def test_a_nul_byte_is_reported_at_its_line_and_column(project: Path, data: bytes, where: str) -> None:
    (project / "nul.py").write_bytes(data)
    assert concise("nul.py") == [f"nul.py:{where}: SL001 SyntaxError: source code cannot contain null bytes"]
