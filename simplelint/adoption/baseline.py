"""A baseline: the findings a legacy codebase already has, recorded so `check` reports only new ones.

A finding's identity is its code, file, enclosing function's qualified name and the flagged source (for a
project finding about a function, its qualified name alone), never its line: inserting lines above it,
renaming another function or moving its function keeps it baselined.
Identities are counted (a multiset), so a third copy of a twice-baselined finding is new.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from simplelint.engine.violation import Violation
from simplelint.fileio import write_atomic
from simplelint.output.common import shown_path

DEFAULT_NAME = ".simplelint-baseline.json"
VERSION = 1

LineReader = Callable[[str], list[str]]


class BaselineError(Exception):
    pass


@dataclass
class Entry:
    code: str
    path: str  # relative to the baseline file's folder, POSIX-style
    context: str
    source: str
    count: int = 1

    @cached_property
    def fingerprint(self) -> str:
        text = "\0".join((self.code, self.path, self.context, self.source))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass
class Outcome:
    """What applying the baseline did: findings it hid, and baselined findings no longer present."""

    hidden: int = 0
    fixed: int = 0
    # Fixed entries' fingerprints with how many of each are gone, for --update-baseline.
    gone: Counter[str] = field(default_factory=Counter)


def _normalise(text: str) -> str:
    # Whitespace-free and without a separating comma (a parameter's or element's node owns its comma), so
    # reformatting the flagged code (spacing, line breaks, magic trailing commas) keeps its identity.
    return "".join(text.split()).rstrip(",")


def folder_of(path: Path) -> Path:
    """The folder the baseline's paths are relative to: where it stands (a symlink's own, not its target's)."""
    return Path(os.path.abspath(path)).parent


def _relative(path: str, folder: Path) -> str:
    # Absolute first: the memoised part must not depend on the current directory.
    return _real_relative(os.path.abspath(path), os.path.abspath(folder))


@lru_cache(maxsize=4096)
def _real_relative(path: str, folder: str) -> str:
    relative = PurePosixPath(Path(os.path.relpath(os.path.realpath(path), os.path.realpath(folder)))).as_posix()
    return shown_path(relative)  # written as UTF-8 JSON: a name that is not UTF-8 is kept escaped


def entry_for(violation: Violation, folder: Path, read_lines: LineReader) -> Entry:
    source = violation.snippet
    if not source and not violation.context:
        # File-level findings carry no snippet: their line's text stands in.
        lines = read_lines(violation.path)
        source = lines[violation.line - 1] if 0 < violation.line <= len(lines) else violation.message
    # A finding with a context and no snippet is about the context itself (SL301's function): its qualified
    # name is its identity, not its signature, which the type hints SL2 asks for change.
    return Entry(violation.code, _relative(violation.path, folder), violation.context, _normalise(source))


def _count(entries: Iterable[Entry]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for entry in entries:
        if entry.fingerprint in merged:
            merged[entry.fingerprint].count += entry.count
        else:
            merged[entry.fingerprint] = Entry(entry.code, entry.path, entry.context, entry.source, entry.count)
    return merged


def write(path: Path, entries: Iterable[Entry]) -> int:
    """Write the baseline: one finding a line, grouped by file and sorted, so its diffs review well.

    Each finding is `[code, enclosing function, normalised source]`, plus a count when above 1. Returns
    the number of findings written.
    """
    merged = sorted(_count(entries).values(), key=lambda e: (e.path, e.code, e.context, e.source))
    rows: dict[str, list[str]] = {}
    for e in merged:
        row = [e.code, e.context, e.source] + ([e.count] if e.count > 1 else [])
        rows.setdefault(e.path, []).append(json.dumps(row, ensure_ascii=False))
    files = ",\n".join(f"{json.dumps(p, ensure_ascii=False)}: [\n  " + ",\n  ".join(r) + "\n]" for p, r in rows.items())
    text = f'{{"tool": "simplelint", "version": {VERSION}, "files": {{\n{files}\n}}}}\n'
    # A symlinked baseline (shared by several checkouts) stays a link to the file it names.
    write_atomic(str(path), text.encode("utf-8"), create=True)
    return sum(e.count for e in merged)


def read(path: Path) -> dict[str, Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [_entry(name, row) for name, rows in data["files"].items() for row in rows]
    except FileNotFoundError:
        raise BaselineError(f"baseline file {path} not found; create it with `simplelint baseline`") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        # RecursionError: JSON nested deeper than the parser's stack, which no baseline is.
        raise BaselineError(f"baseline file {path} is not a simplelint baseline: {error!r}"[:500]) from None
    return _count(entries)


def _entry(path: str, row: list[Any]) -> Entry:
    if not isinstance(path, str) or not isinstance(row, list) or not 3 <= len(row) <= 4:
        raise ValueError(f"expected a [code, context, source, count] row for {path!r}, got {row!r}")
    code, context, source = row[:3]
    count = row[3] if len(row) > 3 else 1
    if not all(isinstance(text, str) for text in (code, context, source)):
        raise ValueError(f"code, context and source must be strings in {row!r}")
    if type(count) is not int or count < 1:  # not a bool, not Infinity or 1e400
        raise ValueError(f"count must be a whole number from 1 in {row!r}")
    return Entry(code, path, context, source, count)


def apply(
    violations: list[Violation],
    baseline: dict[str, Entry],
    folder: Path,
    checked: Iterable[str],
    read_lines: LineReader,
) -> tuple[list[Violation], Outcome]:
    """Drop baselined findings; count baselined ones that are gone from the files this run checked."""
    remaining = Counter({fingerprint: entry.count for fingerprint, entry in baseline.items()})
    kept: list[Violation] = []
    outcome = Outcome()
    for violation in violations:
        fingerprint = entry_for(violation, folder, read_lines).fingerprint
        if remaining[fingerprint] > 0:
            remaining[fingerprint] -= 1
            outcome.hidden += 1
        else:
            kept.append(violation)
    # Entries of files this run did not look at are not fixed, just unchecked.
    seen = {_relative(path, folder) for path in checked}
    for fingerprint, left in remaining.items():
        if left > 0 and baseline[fingerprint].path in seen:
            outcome.gone[fingerprint] = left
    outcome.fixed = sum(outcome.gone.values())
    return kept, outcome


def update(path: Path, baseline: dict[str, Entry], outcome: Outcome) -> int:
    """Rewrite the baseline without its fixed findings (never adding any); returns the findings kept."""
    entries = []
    for fingerprint, entry in baseline.items():
        count = entry.count - outcome.gone[fingerprint]
        if count > 0:
            entries.append(Entry(entry.code, entry.path, entry.context, entry.source, count))
    return write(path, entries)


def create(path: Path, violations: list[Violation], checked: Iterable[str], read_lines: LineReader) -> int:
    """Write every finding; an existing baseline's entries for files not checked this time are kept."""
    folder = folder_of(path)
    seen = {_relative(p, folder) for p in checked}
    kept: list[Entry] = []
    if path.is_file():
        with contextlib.suppress(BaselineError):  # not a baseline we can read: replaced whole
            kept = [entry for entry in read(path).values() if entry.path not in seen]
    return write(path, [*kept, *(entry_for(v, folder, read_lines) for v in violations)])
