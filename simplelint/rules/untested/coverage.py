"""Executed lines per file from coverage.py's results: a `.coverage` data file or a `coverage json` report.

The data file is read with coverage.py's own `CoverageData` (the optional extra `simplelint[coverage]`),
imported only when a data file is given. Paths recorded by the run may come from another checkout (CI, a
container): a file is matched by its absolute path first, then by its path relative to the config root.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Optional

MISSING_EXTRA = (
    "reading a .coverage data file needs coverage.py: `pip install 'simplelint[coverage]'` "
    "(or give a `coverage json` report instead)"
)


class CoverageDataError(Exception):
    """The data cannot be used at all; the message says why and what to do."""


@dataclass
class ExecutedLines:
    """What one coverage run executed: recorded path -> executed line numbers."""

    source: Path
    timestamp: float
    files: dict[str, frozenset[int]]
    _by_name: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def lines_for(self, path: str, root: Path) -> Optional[frozenset[int]]:
        """Executed lines of `path`, or None when the run did not measure that file."""
        absolute = os.path.normcase(os.path.abspath(path))
        if absolute in self.files:
            return self.files[absolute]
        key = self._match_suffix(path, root)
        return self.files[key] if key is not None else None

    def _match_suffix(self, path: str, root: Path) -> Optional[str]:
        if not self._by_name:
            for key in self.files:
                self._by_name.setdefault(os.path.basename(key), []).append(key)
        try:
            relative = PurePosixPath(Path(os.path.abspath(path)).relative_to(os.path.abspath(root))).as_posix()
        except ValueError:
            return None
        for key in sorted(self._by_name.get(os.path.basename(path), [])):
            recorded = key.replace(os.sep, "/")
            if recorded == relative or recorded.endswith("/" + relative):
                return key
        return None


def load(path: Path) -> ExecutedLines:
    """Read a `.coverage` SQLite data file or a `coverage json` report."""
    if path.is_dir():
        inside = [name for name in (".coverage", "coverage.json") if (path / name).is_file()]
        hint = f"did you mean {path / inside[0]}?" if inside else "name the .coverage file or `coverage json` report"
        raise CoverageDataError(f"coverage data {path} is a folder: {hint}")
    if not path.is_file():
        raise CoverageDataError(f"coverage data {path} does not exist{_combine_hint(path)}")
    with open(path, "rb") as handle:
        head = handle.read(16)
    files = _load_json(path) if head.lstrip().startswith(b"{") else _load_data_file(path)
    return ExecutedLines(path, path.stat().st_mtime, files)


def _combine_hint(path: Path) -> str:
    parallel = list(path.parent.glob(path.name + ".*")) if path.parent.is_dir() else []
    return "; run `coverage combine` to merge the parallel data files next to it" if parallel else ""


def _load_json(path: Path) -> dict[str, frozenset[int]]:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        return {_normal(name): _line_numbers(entry["executed_lines"]) for name, entry in report["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise CoverageDataError(f"{path} is not a `coverage json` report ({error!r})") from None


def _line_numbers(value: object) -> frozenset[int]:
    if not isinstance(value, list) or not all(type(line) is int for line in value):
        raise TypeError(f"executed_lines must be a list of line numbers, not {str(value)[:40]!r}")
    return frozenset(value)


def _load_data_file(path: Path) -> dict[str, frozenset[int]]:
    try:
        from coverage import CoverageData
    except ImportError:
        raise CoverageDataError(MISSING_EXTRA) from None
    data = CoverageData(basename=str(path))
    try:
        data.read()
        return {_normal(name): frozenset(data.lines(name) or ()) for name in data.measured_files()}
    except Exception as error:  # coverage raises its own DataError, or sqlite3's errors, for a foreign file
        raise CoverageDataError(f"{path} is not a coverage.py data file ({error})") from None


def _normal(name: str) -> str:
    # Absolute paths are compared as the OS does; relative ones (JSON reports) are kept for suffix matching.
    return os.path.normcase(name) if os.path.isabs(name) else name
