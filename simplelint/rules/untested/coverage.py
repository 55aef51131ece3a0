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


# Per line, the tests that ran it (the empty context, code run outside any test, left out).
LineTests = dict[int, frozenset[str]]


@dataclass
class ExecutedLines:
    """What one coverage run executed: recorded path -> executed line numbers, and, when the run recorded
    per-test contexts (`dynamic_context = test_function`, pytest-cov's `--cov-context=test`), which tests ran
    each line."""

    source: Path
    timestamp: float
    files: dict[str, frozenset[int]]
    contexts: Optional[dict[str, LineTests]] = None  # None: the run recorded no per-test contexts
    _by_name: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def lines_for(self, path: str, root: Path) -> Optional[frozenset[int]]:
        """Executed lines of `path`, or None when the run did not measure that file."""
        key = self._key(path, root)
        return self.files[key] if key is not None else None

    def tests_for(self, path: str, root: Path) -> Optional[LineTests]:
        """Which tests ran each line of `path`; None without per-test contexts (or for an unmeasured file)."""
        key = self._key(path, root) if self.contexts is not None else None
        return self.contexts.get(key, {}) if self.contexts is not None and key is not None else None

    def _key(self, path: str, root: Path) -> Optional[str]:
        absolute = os.path.normcase(os.path.abspath(path))
        if absolute in self.files:
            return absolute
        return self._match_suffix(path, root)

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
    files, contexts = _load_json(path) if head.lstrip().startswith(b"{") else _load_data_file(path)
    return ExecutedLines(path, path.stat().st_mtime, files, contexts)


def context_name(context: str) -> str:
    """A context as the test's name: pytest-cov's `tests/test_a.py::test_x|run` without its phase; ""
    (the static context: import time, collection, code outside any test) stays ""."""
    name, bar, phase = context.rpartition("|")
    return name if bar and phase in ("run", "setup", "teardown") else context


def _tests(by_line: dict[int, list[str]]) -> LineTests:
    found: LineTests = {}
    for line, contexts in by_line.items():
        names = frozenset(filter(None, map(context_name, contexts)))
        if names:
            found[int(line)] = names
    return found


def _combine_hint(path: Path) -> str:
    parallel = list(path.parent.glob(path.name + ".*")) if path.parent.is_dir() else []
    return "; run `coverage combine` to merge the parallel data files next to it" if parallel else ""


Loaded = tuple[dict[str, frozenset[int]], Optional[dict[str, LineTests]]]


def _load_json(path: Path) -> Loaded:
    """A `coverage json` report; `coverage json --show-contexts` adds each line's contexts."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        entries = report["files"].items()
        files = {_normal(name): _line_numbers(entry["executed_lines"]) for name, entry in entries}
        contexts = {_normal(name): _tests({int(k): list(v) for k, v in entry["contexts"].items()})
                    for name, entry in entries if isinstance(entry.get("contexts"), dict)}  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise CoverageDataError(f"{path} is not a `coverage json` report ({error!r})") from None
    return files, contexts if any(contexts.values()) else None


def _line_numbers(value: object) -> frozenset[int]:
    if not isinstance(value, list) or not all(type(line) is int for line in value):
        raise TypeError(f"executed_lines must be a list of line numbers, not {str(value)[:40]!r}")
    return frozenset(value)


def _load_data_file(path: Path) -> Loaded:
    try:
        from coverage import CoverageData
    except ImportError:
        raise CoverageDataError(MISSING_EXTRA) from None
    data = CoverageData(basename=str(path))
    try:
        data.read()
        names = data.measured_files()
        files = {_normal(name): frozenset(data.lines(name) or ()) for name in names}
        if not any(data.measured_contexts()):  # only the static context "": no per-test contexts
            return files, None
        return files, {_normal(name): _tests(data.contexts_by_lineno(name)) for name in names}
    except Exception as error:  # coverage raises its own DataError, or sqlite3's errors, for a foreign file
        raise CoverageDataError(f"{path} is not a coverage.py data file ({error})") from None


def _normal(name: str) -> str:
    # Absolute paths are compared as the OS does; relative ones (JSON reports) are kept for suffix matching.
    return os.path.normcase(name) if os.path.isabs(name) else name
