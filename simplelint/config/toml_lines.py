"""Where each key of a TOML document is defined, by line: tomllib gives values but no positions, and a config
error should name the line of the key at fault (not the first line that merely mentions a key of that name).

Runs only on text tomllib has already accepted, so it needs to tell apart just what valid TOML holds: table
headers, dotted and quoted keys, and values (strings, possibly multi-line; arrays, possibly multi-line; inline
tables, one line in TOML 1.0) to skip. A key inside an inline table or an array is found at the line of the
key that holds it.

The tables of an array of tables (`[[a.b]]`) are told apart by their index: `("a", "b", 1, "name")` is the
`name` of the second `[[a.b]]`.
"""

from __future__ import annotations

import re
from typing import Optional, Union

Path = tuple[Union[str, int], ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"((?:[^"\\]|\\.)*)"')
_LITERAL = re.compile(r"'([^']*)'")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ESCAPED = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def key_lines(text: str) -> dict[Path, int]:
    """Every table header and key path (from the document's root) -> the 1-based line defining it."""
    found: dict[Path, int] = {}
    arrays: dict[Path, int] = {}  # each array of tables (by its indexed path) -> the index of its last table
    table: Path = ()
    pos = 0
    while pos < len(text):
        pos = _skip_blank(text, pos)
        if pos >= len(text):
            break
        line = text.count("\n", 0, pos) + 1
        if text[pos] == "[":
            table, pos = _header(text, pos, arrays)
            _define(found, table, line)
            pos = text.find("\n", pos)
        else:
            keys, pos = _keys(text, pos)
            _define(found, table + keys, line)
            equals = text.find("=", pos)
            pos = _skip_value(text, equals + 1) if equals >= 0 else -1
        if pos < 0:
            break
    return found


def _header(text: str, pos: int, arrays: dict[Path, int]) -> tuple[Path, int]:
    """The table a header at `pos` opens (`[a.b]`, or the next table of `[[a.b]]`), and the position after it."""
    array = text.startswith("[[", pos)
    keys, pos = _keys(text, pos + (2 if array else 1))
    if not (array and keys):
        return _indexed(keys, arrays), pos
    path = _indexed(keys[:-1], arrays) + keys[-1:]
    arrays[path] = arrays.get(path, -1) + 1
    return (*path, arrays[path]), pos


def _indexed(keys: tuple[str, ...], arrays: dict[Path, int]) -> Path:
    """`keys` with the index of the current table after each array of tables they go through."""
    path: Path = ()
    for key in keys:
        path = (*path, key)
        if path in arrays:
            path = (*path, arrays[path])
    return path


def _define(found: dict[Path, int], path: Path, line: int) -> None:
    """`path` and the tables it implies (`[a.b.c]` and `a.b = 1` define `a` and `a.b`), where first seen."""
    for end in range(1, len(path) + 1):
        found.setdefault(path[:end], line)


def line_of(text: str, path: Path) -> Optional[int]:
    """The line defining `path`, or that of its nearest defined ancestor (an inline table, say)."""
    lines = key_lines(text)
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _skip_blank(text: str, pos: int) -> int:
    while pos < len(text):
        if text[pos] in " \t\r\n":
            pos += 1
        elif text[pos] == "#":
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
        else:
            break
    return pos


def _keys(text: str, pos: int) -> tuple[tuple[str, ...], int]:
    """A dotted key (`a."b.c".d`) starting at `pos`, and the position after it."""
    keys: list[str] = []
    while True:
        key, pos = _key(text, _space(text, pos))
        if key is None:
            return tuple(keys), pos
        keys.append(key)
        pos = _space(text, pos)
        if not text.startswith(".", pos):
            return tuple(keys), pos
        pos += 1


def _key(text: str, pos: int) -> tuple[Optional[str], int]:
    for pattern in (_BASIC, _LITERAL, _BARE):
        match = pattern.match(text, pos)
        if match:
            key = match.group() if pattern is _BARE else match.group(1)
            return (_unescape(key) if pattern is _BASIC else key), match.end()
    return None, pos


def _space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _unescape(key: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ESCAPED.get(match.group(3), match.group())

    return _ESCAPE.sub(one, key)


def _skip_value(text: str, pos: int) -> int:
    """The position of the newline ending the value that starts at `pos` (-1 at the end of the text)."""
    depth = 0
    while pos < len(text):
        char = text[pos]
        if char in "\"'":
            pos = _skip_string(text, pos)
            continue
        if char == "#":
            pos = text.find("\n", pos)
            if pos < 0:
                return -1
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "\n" and depth <= 0:
            return pos
        pos += 1
    return -1


def _skip_string(text: str, pos: int) -> int:
    quote = next(q for q in ('"""', "'''", '"', "'") if text.startswith(q, pos))
    pos += len(quote)
    while pos < len(text):
        if quote[0] == '"' and text[pos] == "\\":
            pos += 2
        elif text.startswith(quote, pos):
            # A multi-line string may end with up to two extra quotes: `""""a"""""`.
            end = pos + len(quote)
            while len(quote) == 3 and end < len(text) and text[end] == quote[0] and end - pos < 5:
                end += 1
            return end
        else:
            pos += 1
    return pos
