"""SL503's join: windows of `min-lines` logical lines that occur more than once, merged into pairs of regions.

Each file's lines come from its facts (lines.py), files in path order. A window is the hashes of `min-lines`
consecutive lines and their indentation relative to its first line. It counts only when it could become one
function (`extractable`) and holds enough code (`substantial`). Windows with the same key are copies; each
copy's source is the first occurrence that does not overlap it, preferring the one that continues the
copy's previous window, so that a long duplicate stays one diagonal. Consecutive windows on one diagonal
(both files, same offset, windows touching or overlapping) merge into one region pair, reported at the
later copy. Where two findings' regions overlap in one file, the longer is kept.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Optional

from simplelint.rules.duplicates.lines import DATA, DECORATOR, HEADER, Line

_NOT_CODE = DATA | DECORATOR | HEADER


@dataclass(frozen=True)
class Source:
    """A file's logical lines, in the order of the project's paths."""

    path: str
    lines: Sequence[Line]


@dataclass(frozen=True)
class Duplicate:
    """`count` logical lines of `path` from its line index `start`, copied from `source` from `source_start`."""

    path: str
    start: int
    source: str
    source_start: int
    count: int


@dataclass(frozen=True)
class Limits:
    min_lines: int
    min_tokens: int
    min_code_lines: int  # lines that are neither data (constants, fields), decorators nor headers


def extractable(window: Sequence[Line]) -> bool:
    """Whether the window stays inside the block its first line is in, and holds at most one definition at
    that level, at its start: code that becomes one function, not the end of one and the start of the next."""
    first = window[0].level
    opening = bool(window[0].flags & DECORATOR)  # still in the decorators the window starts with
    for line in window[1:]:
        if line.level < first:
            return False
        if line.level == first:
            if line.flags & (HEADER | DECORATOR) and not opening:
                return False
            opening = bool(line.flags & DECORATOR)
    return True


def substantial(window: Sequence[Line], limits: Limits) -> bool:
    """Enough tokens, enough lines that compute something, and at least half of its lines different: runs
    of constants, fields, stubs, signatures and calls registering one thing after another (`register(A)`,
    `register(B)`, ...) repeat by design and cannot be extracted."""
    code = sum(1 for line in window if not line.flags & _NOT_CODE)
    if code < limits.min_code_lines or sum(line.tokens for line in window) < limits.min_tokens:
        return False
    return 2 * len({line.hash for line in window}) >= len(window)  # not one shape again and again (a table)


def duplicates(files: Sequence[Source], limits: Limits) -> list[Duplicate]:
    """Every region copied from an earlier one (in path order, then line), once, naming the first copy."""
    windows = _Windows(files, limits)
    return [found for number in range(len(files)) for found in windows.copied(number)]


At = tuple[int, int]  # a window: (file number, index of its first line)


class _Windows:
    """Every file's window keys (None: a window that does not count) and where each key occurs, in order."""

    def __init__(self, files: Sequence[Source], limits: Limits) -> None:
        self.files = files
        self.size = size = limits.min_lines
        self.keys: list[list[Optional[int]]] = []
        self.occurrences: dict[int, list[At]] = {}
        # First the windows' lines alone, counted in C: most windows occur once, and only those that repeat
        # are worth the checks below (a window that occurs once is no copy, whatever it holds).
        rough = [_rough_keys(file.lines, size) for file in files]
        repeated = Counter(chain.from_iterable(rough))
        for number, file in enumerate(files):
            lines = file.lines
            file_keys: list[Optional[int]] = []
            for index, lines_key in enumerate(rough[number]):
                window = lines[index : index + size]
                if repeated[lines_key] < 2 or not (extractable(window) and substantial(window, limits)):
                    file_keys.append(None)
                    continue
                base = window[0].level
                key = hash((lines_key, *(line.level - base for line in window)))
                file_keys.append(key)
                self.occurrences.setdefault(key, []).append((number, index))
            self.keys.append(file_keys)

    def copied(self, number: int) -> list[Duplicate]:
        """The file's copied regions: windows on one diagonal that touch or overlap merge into one."""
        runs: list[tuple[int, int, At]] = []  # (first window, last window, source of the first)
        previous: Optional[At] = None
        for index in range(len(self.keys[number])):
            source = previous = self._source((number, index), previous)
            if source is None:
                continue
            if runs:
                first, last, start = runs[-1]
                if start[0] == source[0] and source[1] - start[1] == index - first and index <= last + self.size:
                    runs[-1] = (first, index, start)
                    continue
            runs.append((index, index, source))
        regions = [_region(self.files, number, first, last + self.size - 1, start) for first, last, start in runs]
        return _longest(regions)

    def _source(self, at: At, previous: Optional[At]) -> Optional[At]:
        """The earlier window a window was copied from: the one after the previous window's source when that
        one matches too (a long copy stays on one diagonal), else the first that does not overlap it."""
        key = self.keys[at[0]][at[1]]
        if key is None:
            return None
        if previous is not None:
            following = (previous[0], previous[1] + 1)
            if following < at and self._key(following) == key and self._apart(following, at):
                return following
        for earlier in self.occurrences[key]:
            if earlier >= at:
                return None
            if self._apart(earlier, at):
                return earlier
        return None

    def _key(self, at: At) -> Optional[int]:
        file_keys = self.keys[at[0]]
        return file_keys[at[1]] if at[1] < len(file_keys) else None

    def _apart(self, one: At, other: At) -> bool:
        return one[0] != other[0] or abs(one[1] - other[1]) >= self.size


def _rough_keys(lines: Sequence[Line], size: int) -> list[int]:
    """A key per window of `size` lines: its lines' hashes (not yet their indentation)."""
    hashes = [line.hash for line in lines]
    return [hash(tuple(hashes[index : index + size])) for index in range(len(hashes) - size + 1)]


def _region(files: Sequence[Source], number: int, first: int, last: int, source: tuple[int, int]) -> Duplicate:
    count = last - first + 1
    if source[0] == number:
        count = min(count, first - source[1])  # a repeating pattern: the copy ends where the source began
    return Duplicate(files[number].path, first, files[source[0]].path, source[1], count)


def _longest(regions: list[Duplicate]) -> list[Duplicate]:
    """Of regions of one file that overlap, the longest (the first of equals)."""
    kept: list[Duplicate] = []
    for region in sorted(regions, key=lambda r: (-r.count, r.start)):
        if all(region.start + region.count <= k.start or k.start + k.count <= region.start for k in kept):
            kept.append(region)
    return sorted(kept, key=lambda r: r.start)


def identity(lines: Sequence[Line]) -> str:
    """The region's code, hashed: what stays the same when lines move (baselines, fingerprints)."""
    return f"{zlib.crc32(b''.join(line.hash.to_bytes(4, 'little') for line in lines)):08x}"
