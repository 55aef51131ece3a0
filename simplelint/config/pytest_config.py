"""What pytest's own config says about the test suite: which files it collects, and whether it runs doctests.

Read once with the rest of the settings (so the cache key covers it), from the first pytest config found at
the config root or above it, in pytest's order: `pytest.ini`, `.pytest.ini`, `pyproject.toml`
(`[tool.pytest.ini_options]`, or pytest 9's `[tool.pytest]`), `tox.ini` (`[pytest]`), `setup.cfg`
(`[tool:pytest]`). SL301 uses it to tell the files pytest collects (tests and `conftest.py`) from support
code that merely lives under tests/.
"""

from __future__ import annotations

import configparser
import fnmatch
import os
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Optional

from simplelint.config.toml import tomllib

DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")
# Without any pytest config the project may run unittest (or Django's runner), which loads `test*.py`.
NO_CONFIG_PYTHON_FILES = ("test*.py", "*_test.py")


@dataclass(frozen=True)
class PytestConfig:
    """The parts of a pytest config that decide what runs as a test."""

    source: str = ""  # the file read ("" when none was found: pytest's defaults)
    base: str = ""  # its folder, absolute: testpaths and python_files with a slash are relative to it
    python_files: tuple[str, ...] = DEFAULT_PYTHON_FILES
    testpaths: tuple[str, ...] = ()
    doctest_modules: bool = False  # `--doctest-modules` in addopts: docstrings' examples run as tests
    doctest_globs: tuple[str, ...] = ()  # `--doctest-glob`: text files whose examples run (not read by SL301)
    notebooks: bool = False  # `--nbmake` / `--nbval` / `--nbval-lax` in addopts: notebooks run as tests

    def collects(self, path: str) -> bool:
        """Whether a plain `pytest` run collects `path` as a test module (conftest.py always loads)."""
        name = os.path.basename(path)
        if name == "conftest.py":
            return True
        if name.endswith(".ipynb"):  # collected by a notebook plugin only, wherever testpaths lead
            return self.notebooks and self._in_testpaths(path)
        if not self._in_testpaths(path):
            return False
        relative = self._relative(path)
        for pattern in self.python_files:
            if "/" in pattern or os.sep in pattern:
                if relative is not None and fnmatch.fnmatch(relative, pattern.replace(os.sep, "/")):
                    return True
            elif fnmatch.fnmatch(name, pattern):
                return True
        return False

    def _in_testpaths(self, path: str) -> bool:
        relative = self._relative(path)
        return not self.testpaths or relative is None or any(_under(relative, t) for t in self.testpaths)

    def _relative(self, path: str) -> Optional[str]:
        if not self.base:
            return None
        try:
            return PurePosixPath(Path(os.path.abspath(path)).relative_to(self.base)).as_posix()
        except ValueError:
            return None


def _under(relative: str, testpath: str) -> bool:
    folder = testpath.replace(os.sep, "/").strip("/")
    if folder in ("", "."):
        return True
    parts = relative.split("/")
    depth = folder.count("/") + 1
    return any(fnmatch.fnmatch("/".join(parts[:size]), folder) for size in range(depth, len(parts) + 1))


def find_pytest_config(start: Path, upward: bool = True) -> PytestConfig:
    """The pytest config that applies at `start` (a folder): the first found there or (`upward`) above it."""
    folder = start.resolve()
    while True:
        found = _read_folder(folder)
        if found is not None:
            return found
        if folder.parent == folder or not upward:
            return PytestConfig(python_files=NO_CONFIG_PYTHON_FILES)
        folder = folder.parent


def _read_folder(folder: Path) -> Optional[PytestConfig]:
    for name, section in (("pytest.ini", "pytest"), (".pytest.ini", "pytest")):
        path = folder / name
        if path.is_file():  # pytest.ini counts even without a [pytest] section
            return _from_values(path, _ini_section(path, section) or {})
    path = folder / "pyproject.toml"
    if path.is_file():
        values = _pyproject(path)
        if values is not None:
            return _from_values(path, values)
    for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        path = folder / name
        if path.is_file():
            values = _ini_section(path, section)
            if values is not None:
                return _from_values(path, values)
    return None


def _ini_section(path: Path, section: str) -> Optional[dict[str, Any]]:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"), source=str(path))
    except (configparser.Error, OSError):
        return None
    return dict(parser.items(section)) if parser.has_section(section) else None


def _pyproject(path: Path) -> Optional[dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8", errors="replace"))
    except (ValueError, OSError):
        return None
    tool = data.get("tool", {})
    pytest = tool.get("pytest") if isinstance(tool, dict) else None
    if not isinstance(pytest, dict):
        return None
    options = pytest.get("ini_options")
    return options if isinstance(options, dict) else pytest


def _words(value: Any, shell: bool = False) -> tuple[str, ...]:
    """An ini value (a string of words, or lines) or a TOML one (a string or a list) as a tuple of words."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    if not isinstance(value, str):
        return ()
    if shell:
        try:
            return tuple(shlex.split(value))
        except ValueError:
            pass
    return tuple(value.split())


def _from_values(path: Path, values: dict[str, Any]) -> PytestConfig:
    addopts = _words(values.get("addopts", ()), shell=True)
    globs = []
    for i, word in enumerate(addopts):
        if word == "--doctest-glob" and i + 1 < len(addopts):
            globs.append(addopts[i + 1])
        elif word.startswith("--doctest-glob="):
            globs.append(word.partition("=")[2])
    return PytestConfig(
        source=str(path),
        base=str(path.parent),
        python_files=_words(values.get("python_files")) or DEFAULT_PYTHON_FILES,
        testpaths=_words(values.get("testpaths", ())),
        doctest_modules="--doctest-modules" in addopts,
        notebooks=any(flag in addopts for flag in ("--nbmake", "--nbval", "--nbval-lax")),
        doctest_globs=tuple(globs),
    )
