"""Positions between simplelint and the editor.

simplelint counts lines from 1 and columns from 1 in characters (code points). LSP counts both from 0, and
columns in the code units of the encoding negotiated at `initialize`: UTF-32 units are characters, so that is
preferred; UTF-16, which every client must support, is the fallback (a character outside the BMP counts two).
"""

from __future__ import annotations

import re
from typing import Optional
from collections.abc import Sequence

from lsprotocol import types

UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

# The line breaks of LSP (and of CPython's and LibCST's line numbers): not str.splitlines', which also breaks
# on form feeds and other separators.
_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def negotiate(offered: Optional[Sequence[str]]) -> types.PositionEncodingKind:
    """UTF-32 when the client offers it, else UTF-16."""
    return UTF32 if offered and UTF32 in offered else UTF16


def utf16_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def lines_of(text: str) -> list[str]:
    """The lines with their line breaks (the last one may have none)."""
    return _LINE.findall(text)


class Lines:
    """One version of a document's text, to convert positions both ways."""

    def __init__(self, text: str, encoding: str) -> None:
        self.lines = _BREAK.split(text)
        self.utf16 = encoding != UTF32

    def _text(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of a 1-based line and character column (clamped to the document)."""
        index = line - 1
        if index >= len(self.lines):
            return self.end()
        index = max(index, 0)
        chars = min(max(column - 1, 0), len(self.lines[index]))
        units = utf16_units(self.lines[index][:chars]) if self.utf16 else chars
        return types.Position(line=index, character=units)

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(line, column), end=self.position(end_line, end_column))

    def end(self) -> types.Position:
        last = self.lines[-1]
        return types.Position(line=len(self.lines) - 1, character=utf16_units(last) if self.utf16 else len(last))

    def column(self, position: types.Position) -> tuple[int, int]:
        """The 1-based line and character column of an LSP position."""
        text = self._text(position.line)
        if not self.utf16 or text.isascii():
            return position.line + 1, min(position.character, len(text)) + 1
        units = chars = 0
        while chars < len(text) and units < position.character:
            units += 2 if ord(text[chars]) > 0xFFFF else 1
            chars += 1
        return position.line + 1, chars + 1
