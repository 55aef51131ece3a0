"""`check --add-noqa`: a `# noqa: CODE` comment on every line with a reported finding, as ruff's.

The codes join those of a noqa comment already on the line (sorted, each once). A finding on a line that
cannot hold a comment (inside a multi-line string, or continued by a backslash) gets its noqa where the
string or statement ends, the line whose noqa covers it (simplelint.engine.suppression). The file keeps its
encoding, byte order mark and line endings, and is written atomically; a file that could not be checked (a
syntax error, SL001; unreadable, too deep, too slow) is left alone, as is one that changed since it was read.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from typing import Optional

from simplelint.engine.result import FileResult, digest, read_source
from simplelint.engine.suppression import UNSUPPRESSIBLE, Noqa, noqa_lines, parse_noqa
from simplelint.engine.violation import Violation
from simplelint.fileio import write_atomic
from simplelint.rules.core import FILE_LEVEL

# SL003 reports a noqa comment itself, after suppressions: a noqa cannot silence it (ruff leaves out RUF100).
NOT_SUPPRESSIBLE = UNSUPPRESSIBLE | {"SL003"}
# A physical line and its ending, as the tokenizer splits them (a lone `\r` ends a line for Python too).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def add_noqa(violations: Iterable[Violation], files: Iterable[FileResult], errors: list[str]) -> int:
    """Add the comments for `violations` to their files; returns how many lines got one (or more codes).
    Files that cannot be written are added to `errors`."""
    by_path: dict[str, list[Violation]] = {}
    for violation in violations:
        by_path.setdefault(violation.path, []).append(violation)
    added = 0
    for result in files:
        if any(v.code in FILE_LEVEL for v in result.violations):
            continue  # the file was not checked (or not parsed): nothing is known about its lines
        codes_by_line = _codes_by_line(by_path.get(result.path, []))
        if codes_by_line:
            added += _add_to_file(result, codes_by_line, errors)
    return added


def _codes_by_line(violations: list[Violation]) -> dict[int, set[str]]:
    lines: dict[int, set[str]] = {}
    for violation in violations:
        if violation.code not in NOT_SUPPRESSIBLE:
            lines.setdefault(violation.line, set()).add(violation.code)
    return lines


def _add_to_file(result: FileResult, codes_by_line: dict[int, set[str]], errors: list[str]) -> int:
    path = result.path
    try:
        data = read_source(path)
    except OSError as error:
        errors.append(f"{path}: cannot read it to add noqa comments ({error.strerror or error})")
        return 0
    if digest(data) != result.digest:
        errors.append(f"{path}: changed while simplelint was checking it; no noqa comment added")
        return 0
    new, count = with_noqa(data, codes_by_line)
    if new is None or not count:
        if new is None:
            errors.append(f"{path}: cannot add noqa comments: the file does not decode as its encoding says")
        return 0
    try:
        write_atomic(path, new)
    except OSError as error:
        errors.append(f"{path}: cannot write the noqa comments ({error.strerror or error}); the file is unchanged")
        return 0
    return count


def with_noqa(data: bytes, codes_by_line: dict[int, set[str]]) -> tuple[Optional[bytes], int]:
    """The file's bytes with a noqa for each line's codes, and how many lines changed; (None, 0) when the
    bytes do not round-trip through their encoding (so they are left as they are)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)  # "utf-8-sig" takes the byte order mark off and puts it back
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None, 0
    if text.encode(encoding) != data:
        return None, 0
    lines = _LINE.findall(text)
    moved = noqa_lines(text)
    wanted: dict[int, set[str]] = {}
    for line, codes in codes_by_line.items():
        target = moved.get(line, line)
        if 0 < target <= len(lines):
            wanted.setdefault(target, set()).update(codes)
    existing = {d.line: d for d in parse_noqa(text) if not d.file_level}
    count = 0
    for line, codes in wanted.items():
        changed = _with_codes(lines[line - 1], codes, existing.get(line))
        if changed is not None:
            lines[line - 1] = changed
            count += 1
    return "".join(lines).encode(encoding), count


def _with_codes(line: str, codes: set[str], directive: Optional[Noqa]) -> Optional[str]:
    """The line with its noqa naming `codes` too, or None when it needs no change."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    if directive is None:
        code = body.rstrip(" \t")
        return f"{code}  # noqa: {', '.join(sorted(codes))}{ending}"
    if all(directive.matches(code) for code in codes):
        return None  # a bare noqa, or one naming these codes (or their prefixes), already covers them
    merged = ", ".join(sorted({*(directive.codes or ()), *codes}))
    start, end = directive.column - 1, directive.end_column - 1
    return f"{body[:start]}# noqa: {merged}{body[end:]}{ending}"
