"""SL503's per-file facts: the file's logical lines, each as the hash of its normalised tokens.

Read from the source text, not from a tree. Three regular-expression passes in C do the normalising: strings
and comments first (a string becomes `$`; a string spanning lines becomes `$` and a backslash continuation
per line it spanned, so that line numbers stay right), then names (`N`, keywords kept) and numbers (`0`).
One Python loop over the physical lines then joins them into logical lines (bracket depth and trailing
backslashes, as Python's tokenizer does) and keeps each one's indentation level. Walking CPython's tree or
LibCST's to rebuild tokens would visit every node in Python; `tokenize` is pure Python on 3.11 and costs
several times more. On Django's 879 files this takes about 0.8 s of CPU (a cold run is about 35 s).

A line's record is 17 bytes, packed with `struct` and kept as base64 text (JSON-able, cached with the file).
Imports, docstrings (and other statements that are only a string), blank lines and comments are left out.
An assertion's hash keeps its strings and numbers (names are still normalised): a run of checks with other
values is a test's table of cases, not a copy.
"""

from __future__ import annotations

import ast
import base64
import keyword
import re
import struct
import zlib
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple, Optional

from simplelint.ruleinfo import AstFactCollector, FileContext

NAME = "duplicates"

# Flags of a logical line.
HEADER = 1  # `def`, `async def` or `class`
DECORATOR = 2
DATA = 4  # no behaviour: binds a constant, a name or a literal, a field of a class, or is `pass` / `...`

# A comment, or a string literal with its prefix (triple-quoted ones spanning lines). The lookahead and the
# unrolled loops (`[^'\\]*(?:\\.[^'\\]*)*`) make it about four times as fast as the plain alternation: most
# positions fail on their first character.
_STRING_OR_COMMENT = re.compile(
    r"(?=[#'\"rRbBuUfF])(?:#[^\r\n]*|[rRbBuUfF]{0,2}"
    r"(?:'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''|\"\"\"[^\"\\]*(?:(?:\\.|\"(?!\"\"))[^\"\\]*)*\"\"\""
    r"|'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'|\"[^\"\\\r\n]*(?:\\.[^\"\\\r\n]*)*\"))",
    re.S,
)
_KEYWORDS = "|".join(sorted(keyword.kwlist, key=len, reverse=True))
_NAME = re.compile(r"\b(?!(?:" + _KEYWORDS + r")\b)[^\W\d]\w*")
# Run after names are `N`: any digit left starts a number (`.5` keeps its dot, as `0.0` would not).
_NUMBER = re.compile(r"\d[\w.]*")
_NOT_BRACKET = re.compile(r"[^()\[\]{}\n]+")
_BRACKETS = str.maketrans("[{]}", "(())")
_TOKEN = re.compile(r"\w+|[^\w\s]")
# Binds something without computing: `N = $`, `N.N: N = [0, $]`, `N = N.N`; no call, no operator.
_BINDS_DATA = re.compile(r"(?:[\w.\[\]$,:]+=)+(?:[\w.$,\[\]{}():]|(?<=[=\[(,:{])-)*\Z")
_CALL = re.compile(r"[\w)\]]\(")
_OPERATOR_WORD = re.compile(r"\b(?:lambda|if|for|not|and|or|in|is|await|yield)\b")
_ASSIGNS = re.compile(r"[\w.\[\]$,]+(?::[^=]*)?=(?!=)")
_EMPTY = frozenset({"pass", "...", "return", "returnN", "continue", "break", "try:", "else:", "finally:"})
_IMPORT = ("import", "from")
_CHECK = re.compile(r"(?:with\s+)?(?:assert\b|self\.assert|self\.fail|pytest\.raises|pytest\.warns)")
_HEADERS = ("def", "asyncdef", "class")

RECORD = struct.Struct("<IIHHHBBB")  # hash, start line, extra lines, column, end column, level, tokens, flags


class Line(NamedTuple):
    """One logical line as the facts keep it (lines and columns 1-based; `end_column` exclusive)."""

    hash: int
    start: int
    end: int
    column: int
    end_column: int
    level: int
    tokens: int
    flags: int


def _without_strings(match: re.Match[str]) -> str:
    text = match.group()
    if text[0] == "#":
        return ""
    spanned = text.count("\n")
    return "$" + "\\\n" * spanned if spanned else "$"


def normalised(text: str) -> str:
    """The text with comments gone, strings as `$`, names as `N` and numbers as `0`; same lines as before."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NUMBER.sub("0", _NAME.sub("N", _STRING_OR_COMMENT.sub(_without_strings, text)))


def logical_lines(text: str) -> Iterator[tuple[int, int, int, int, str]]:
    """(start line, end line, column, level, tokens joined by spaces) of each logical line of the source."""
    levels = [0]
    code = normalised(text)
    # Each line's brackets, opening ones as `(` and closing ones as `)`: one pass in C for the whole file.
    brackets = _NOT_BRACKET.sub("", code).translate(_BRACKETS).split("\n")
    for start, end, column, tokens in _joined(code.split("\n"), brackets):
        while column < levels[-1]:
            levels.pop()
        if column > levels[-1]:
            levels.append(column)
        yield start, end, column, len(levels) - 1, tokens


def _joined(lines: list[str], brackets: list[str]) -> Iterator[tuple[int, int, int, str]]:
    """(start line, end line, column, text) of each logical line: physical lines joined while brackets are
    open or a line ends with a backslash (strings and comments are gone by now)."""
    depth = 0
    parts: list[str] = []
    start = column = 0
    for number, (line, bracket) in enumerate(zip(lines, brackets), 1):
        stripped = line.strip()
        if not parts:
            if not stripped:
                continue
            start, column = number, len(line) - len(line.lstrip())
        joined = stripped.endswith("\\")
        if joined:
            stripped = stripped[:-1]
        parts.append(stripped)
        if bracket:
            depth += len(bracket) - 2 * bracket.count(")")
        if joined or depth > 0:
            continue
        depth = 0
        text = " ".join(parts).strip()
        parts = []
        if text:
            yield start, number, column, text


def lines_of(text: str) -> list[Line]:
    """The logical lines that count: imports, lone strings (docstrings) and blank lines do not."""
    source_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found: list[Line] = []
    classes: list[int] = []  # levels of the enclosing `class` bodies
    for start, end, column, level, tokens in logical_lines(text):
        while classes and level < classes[-1]:
            classes.pop()
        shape = _shape(tokens, bool(classes) and classes[-1] == level)
        if shape is None:
            continue
        digest, flags, count, opens_class = shape
        if _CHECK.match(source_lines[start - 1], column):
            # An assertion is a test's data: it repeats only when its values do too (not a table of checks).
            digest = zlib.crc32(("!" + _with_values("\n".join(source_lines[start - 1 : end]))).encode())
        elif opens_class:
            classes.append(level + 1)
        end_column = len(source_lines[end - 1].rstrip()) + 1 if end <= len(source_lines) else 1
        found.append(Line(digest, start, min(end, start + 0xFFFF), min(column + 1, 0xFFFF), min(end_column, 0xFFFF),
                          min(level, 255), count, flags))  # fmt: skip
    return found


@lru_cache(maxsize=1 << 16)
def _shape(tokens: str, in_class_body: bool) -> Optional[tuple[int, int, int, bool]]:
    """A normalised logical line's hash, flags, token count and whether it opens a class; None for one that
    does not count (an import, a lone string). Cached: lines such as `return N` repeat across a project."""
    compact = "".join(tokens.split())
    if compact.startswith(_IMPORT) or not compact.strip("$()"):
        return None
    flags = _flags(compact, tokens, in_class_body)
    return zlib.crc32(compact.encode()), flags, min(len(_TOKEN.findall(tokens)), 255), compact.startswith("class")


def _literal_hash(match: re.Match[str]) -> str:
    text = match.group()
    return "" if text[0] == "#" else f"${zlib.crc32(text.encode())}"


def _with_values(text: str) -> str:
    """A logical line's text with names normalised but strings and numbers kept, without spaces."""
    return "".join(_NAME.sub("N", _STRING_OR_COMMENT.sub(_literal_hash, text)).split())


def _flags(compact: str, tokens: str, in_class_body: bool) -> int:
    if compact.startswith("@"):
        return DECORATOR
    if compact.startswith(_HEADERS):
        return HEADER
    if compact in _EMPTY:
        return DATA
    if in_class_body and _ASSIGNS.match(compact):
        return DATA  # a field or constant of the class, whatever it calls
    if _CALL.search(compact) or _OPERATOR_WORD.search(tokens):
        return 0
    return DATA if _BINDS_DATA.match(compact) else 0


def pack(lines: list[Line]) -> str:
    """The lines as base64 text (`lines_of` keeps every field within its record's bounds)."""
    records = b"".join(
        RECORD.pack(line.hash, line.start, line.end - line.start, line.column, line.end_column, line.level,
                    line.tokens, line.flags)
        for line in lines
    )  # fmt: skip
    return base64.b64encode(records).decode("ascii")


def unpack(packed: str) -> list[Line]:
    return [
        Line(hash, start, start + extra, column, end_column, level, tokens, flags)
        for hash, start, extra, column, end_column, level, tokens, flags in RECORD.iter_unpack(
            base64.b64decode(packed)
        )
    ]


class DuplicateFacts(AstFactCollector):
    """A file's logical lines, packed (see `pack`). CPython's tree is not read: only whether the file parses
    (it is parsed once anyway for SL301); a file that does not parse has no facts, as for the other rules."""

    name = NAME

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return not context.path.endswith(".pyi")  # stubs are signatures, duplicated by design

    @classmethod
    def collect(cls, tree: ast.Module, context: FileContext) -> str:
        return pack(lines_of(context.text.removeprefix("\ufeff")))
