"""A baseline: the findings a legacy codebase already has, recorded so `check` reports only new ones.

A finding's identity is its code, file, enclosing function's qualified name and the flagged source (for a
project finding about a function, its qualified name alone), never its line: inserting lines above it,
renaming another function or moving its function keeps it baselined.
Identities are counted (a multiset), so a third copy of a twice-baselined finding is new.

A ratchet holds the metric rules (SL101-SL107, whose findings carry a `value`): their entries keep the value
measured when baselined (a trailing `{"value": 7}` in the row). A baselined function whose value grew is
reported again ("too complex (4 -> 7 (> 3))"); `--update-baseline` lowers the stored value when the code
improved, and never raises it. Rows without a value (baselines written before) still load; their value is
recorded at the next `--update-baseline`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Optional

from simplelint.engine.violation import Violation
from simplelint.fileio import write_atomic
from simplelint.output.common import shown_path

DEFAULT_NAME = ".simplelint-baseline.json"
VERSION = 2  # 2: rows may end with {"value": N}; version 1 files load as they are

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
    # A metric rule's value when baselined (the largest of its `count` findings); not part of the identity.
    value: Optional[int] = None

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
    # Metric entries' fingerprints -> the largest value their findings have now (the ratchet).
    current: dict[str, int] = field(default_factory=dict)
    grown: int = 0  # baselined findings reported again because their value grew

    def improved(self, baseline: Mapping[str, Entry]) -> int:
        """How many metric entries' values went down (what --update-baseline would lower)."""
        return sum(1 for key, now in self.current.items() if (baseline[key].value or now) > now)


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
    return Entry(violation.code, _relative(violation.path, folder), violation.context, _normalise(source),
                 value=_value(violation))  # fmt: skip


def _value(violation: Violation) -> Optional[int]:
    value = violation.extra.get("value")
    return value if type(value) is int else None


def _count(entries: Iterable[Entry]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for entry in entries:
        if entry.fingerprint in merged:
            kept = merged[entry.fingerprint]
            kept.count += entry.count
            kept.value = _larger(kept.value, entry.value)
        else:
            merged[entry.fingerprint] = Entry(
                entry.code, entry.path, entry.context, entry.source, entry.count, entry.value
            )
    return merged


def _larger(a: Optional[int], b: Optional[int]) -> Optional[int]:
    return b if a is None else a if b is None else max(a, b)


def write(path: Path, entries: Iterable[Entry]) -> int:
    """Write the baseline: one finding a line, grouped by file and sorted, so its diffs review well.

    Each finding is `[code, enclosing function, normalised source]`, plus a count when above 1. Returns
    the number of findings written.
    """
    merged = sorted(_count(entries).values(), key=lambda e: (e.path, e.code, e.context, e.source))
    rows: dict[str, list[str]] = {}
    for e in merged:
        row: list[Any] = [e.code, e.context, e.source] + ([e.count] if e.count > 1 else [])
        if e.value is not None:
            row.append({"value": e.value})
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
    value = None
    if isinstance(row, list) and row and isinstance(row[-1], dict):
        attributes, row = row[-1], row[:-1]
        value = attributes.get("value")
        if type(value) is not int or value < 0 or set(attributes) != {"value"}:
            raise ValueError(f"expected {{\"value\": N}} at the end of {row!r}, got {attributes!r}")
    if not isinstance(path, str) or not isinstance(row, list) or not 3 <= len(row) <= 4:
        raise ValueError(f"expected a [code, context, source, count] row for {path!r}, got {row!r}")
    code, context, source = row[:3]
    count = row[3] if len(row) > 3 else 1
    if not all(isinstance(text, str) for text in (code, context, source)):
        raise ValueError(f"code, context and source must be strings in {row!r}")
    if type(count) is not int or count < 1:  # not a bool, not Infinity or 1e400
        raise ValueError(f"count must be a whole number from 1 in {row!r}")
    return Entry(code, path, context, source, count, value)


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
        entry = entry_for(violation, folder, read_lines)
        fingerprint = entry.fingerprint
        if remaining[fingerprint] <= 0:
            kept.append(violation)
            continue
        remaining[fingerprint] -= 1
        stored = baseline[fingerprint].value
        if entry.value is not None:
            outcome.current[fingerprint] = max(outcome.current.get(fingerprint, entry.value), entry.value)
        if stored is not None and entry.value is not None and entry.value > stored:
            kept.append(_grown(violation, stored))
            outcome.grown += 1
        else:
            outcome.hidden += 1
    # Entries of files this run did not look at are not fixed, just unchecked.
    seen = {_relative(path, folder) for path in checked}
    for fingerprint, left in remaining.items():
        if left > 0 and baseline[fingerprint].path in seen:
            outcome.gone[fingerprint] = left
    outcome.fixed = sum(outcome.gone.values())
    return kept, outcome


def _grown(violation: Violation, stored: int) -> Violation:
    """The finding again, its message saying the value it had: `too complex (4 -> 7 (> 3))`."""
    value, limit = violation.extra.get("value"), violation.extra.get("limit")
    tail = f"({value} > {limit})"
    message = violation.message
    if message.endswith(tail):
        message = f"{message[: -len(tail)]}({stored} -> {value} (> {limit}))"
    else:
        message = f"{message} (baselined at {stored})"
    return replace(violation, message=message)


def update(path: Path, baseline: dict[str, Entry], outcome: Outcome) -> int:
    """Rewrite the baseline without its fixed findings and with metric values lowered where the code improved
    (never adding an entry, never raising a value); returns the findings kept."""
    entries = []
    for fingerprint, entry in baseline.items():
        count = entry.count - outcome.gone[fingerprint]
        if count > 0:
            now = outcome.current.get(fingerprint)
            value = now if entry.value is None else min(entry.value, now) if now is not None else entry.value
            entries.append(Entry(entry.code, entry.path, entry.context, entry.source, count, value))
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
