"""`# noqa` comments: parsed per file, applied after the project stage so unused ones can be reported."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Optional

from simplelint.engine.violation import Violation

_CODES = r"[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*"
_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODES}))?", re.I)
_FILE = re.compile(rf"^#\s*(?:simplelint|flake8):\s*noqa(?::\s*(?P<codes>{_CODES}))?\s*$", re.I)
UNSUPPRESSIBLE = frozenset({"SL001"})


@dataclass(frozen=True)
class Noqa:
    line: int
    column: int  # 1-based start of the comment
    end_column: int
    codes: Optional[tuple[str, ...]]  # None: a bare noqa
    file_level: bool = False
    # The first line whose findings it covers (0: its own line only). A noqa after a multi-line string, or
    # after a statement continued by backslashes, covers every line of it, where no comment can go (ruff).
    first_line: int = 0

    def covers(self, line: int) -> bool:
        return (self.first_line or self.line) <= line <= self.line

    def matches(self, code: str, aliases: tuple[str, ...] = ()) -> bool:
        return bool(self.matching(code, aliases))

    def matching(self, code: str, aliases: tuple[str, ...] = ()) -> set[str]:
        """The listed codes or prefixes that suppress `code`, or its other linters' codes `aliases` (for a
        bare noqa: the code itself)."""
        if self.codes is None:
            return {code}
        return {c for c in self.codes if code.startswith(c) or c in aliases}


def _split(codes: Optional[str]) -> Optional[tuple[str, ...]]:
    return tuple(c.upper() for c in re.split(r"[\s,]+", codes.strip()) if c) if codes else None


_STRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+: an f-string is several tokens
_STRING_END = getattr(tokenize, "FSTRING_END", -1)
_LINE_ENDS = (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT)


@dataclass
class _Scan:
    """What one tokenization of a file says about where comments are and where they can go."""

    comments: list[tuple[int, int, str]]  # (line, 0-based column, text) of real comments, not `#` in strings
    spans: list[tuple[int, int]]  # (first, last) lines where only the last can hold a comment


def _scan(text: str) -> _Scan:
    comments: list[tuple[int, int, str]] = []
    spans: list[tuple[int, int]] = []
    lines = text.split("\n")  # as StringIO's readline splits it for tokenize
    previous: Optional[tokenize.TokenInfo] = None
    opened: list[int] = []  # the lines where the f-strings being read start (Python 3.12+)
    for token in _tokens(text):
        if token.type == tokenize.COMMENT:
            comments.append((token.start[0], token.start[1], token.string))
        span = _string_span(token, opened)
        if span is not None:
            spans.append(span)
        if previous is not None and _continued(previous, token, lines):
            spans.append((previous.end[0], token.start[0]))
        if token.type not in (tokenize.INDENT, tokenize.DEDENT):
            previous = token
    return _Scan(comments, _merged(spans))


def _tokens(text: str) -> Iterator[tokenize.TokenInfo]:
    try:
        yield from tokenize.generate_tokens(io.StringIO(text).readline)
    except (tokenize.TokenError, SyntaxError):
        return  # what came before the error was seen


def _string_span(token: tokenize.TokenInfo, opened: list[int]) -> Optional[tuple[int, int]]:
    """The lines of a string that spans several, when `token` ends one."""
    if token.type == _STRING_START:
        opened.append(token.start[0])
        return None
    if token.type == tokenize.STRING:
        first = token.start[0]
    elif token.type == _STRING_END and opened:
        first = opened.pop()
    else:
        return None
    return (first, token.end[0]) if token.end[0] > first else None


def _continued(previous: tokenize.TokenInfo, token: tokenize.TokenInfo, lines: list[str]) -> bool:
    """Whether `token` goes on from a line ended by a backslash (no NEWLINE/NL token in between)."""
    last = previous.end[0]
    if previous.type in _LINE_ENDS or token.start[0] <= last or not 0 < last <= len(lines):
        return False
    return lines[last - 1].rstrip().endswith("\\")


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one: two multi-line strings on one line end where the second does."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def noqa_lines(text: str) -> dict[int, int]:
    """Line -> the line where its `# noqa` goes, for the lines that cannot hold one themselves (inside a
    multi-line string, or continued by a backslash); other lines hold their own."""
    return {line: last for first, last in _scan(text).spans for line in range(first, last)}


def parse_noqa(text: str) -> list[Noqa]:
    if "noqa" not in text and "NOQA" not in text:  # most files: no tokenizing at all
        return []
    found = []
    scan = _scan(text)
    first_lines = {last: first for first, last in scan.spans}
    for line, column, comment in scan.comments:
        file_match = _FILE.match(comment)
        if file_match:
            found.append(Noqa(line, column + 1, column + 1 + len(comment), _split(file_match["codes"]), True))
            continue
        match = _NOQA.search(comment)
        if match:
            start = column + match.start() + 1
            first = first_lines.get(line, 0)
            found.append(Noqa(line, start, start + len(match.group(0)), _split(match["codes"]), first_line=first))
    return found


def apply(
    violations: list[Violation], directives: list[Noqa], aliases: Mapping[str, tuple[str, ...]] = {}
) -> tuple[list[Violation], dict[Noqa, set[str]]]:
    """Drop suppressed violations; return the kept ones and, per directive that suppressed something, which
    of its codes did: `# noqa: SL111,SL2` may use one code and not the other. `aliases` maps a code to the
    codes other linters give the same check (`# noqa: E711` silences SL111)."""
    if not directives:
        return violations, {}
    by_line: dict[int, list[Noqa]] = {}
    file_level = [d for d in directives if d.file_level]
    for directive in directives:
        if not directive.file_level:
            for line in range(directive.first_line or directive.line, directive.line + 1):
                by_line.setdefault(line, []).append(directive)
    kept: list[Violation] = []
    used: dict[Noqa, set[str]] = {}
    for violation in violations:
        if violation.code in UNSUPPRESSIBLE:
            kept.append(violation)
            continue
        other = aliases.get(violation.code, ())
        hits = [d for d in (*by_line.get(violation.line, ()), *file_level) if d.matches(violation.code, other)]
        for hit in hits:
            used.setdefault(hit, set()).update(hit.matching(violation.code, other))
        if not hits:
            kept.append(violation)
    return kept, used


def unused(directives: list[Noqa], used: dict[Noqa, set[str]], path: str) -> list[Violation]:
    """A bare noqa that suppressed nothing, and each code of ours in a noqa that suppressed nothing, as
    ruff's RUF100 lists the unused codes. Codes of other tools (flake8's E501, ...) are theirs to judge."""
    found = []
    for directive in directives:
        if directive.codes is None:
            if directive in used:
                continue
            what = "all codes"
        else:
            idle = [c for c in directive.codes if c.startswith("SL") and c not in used.get(directive, set())]
            if not idle:
                continue
            what = f"`{', '.join(idle)}`"
        found.append(
            Violation(
                "SL003",
                "unused-noqa",
                f"Unused `noqa` directive (suppresses nothing: {what})",
                path,
                directive.line,
                directive.column,
                directive.line,
                directive.end_column,
            )
        )
    return found
