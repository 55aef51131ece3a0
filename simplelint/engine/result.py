"""A file's result, and reading files: what a run needs before any file is analysed (no LibCST here).

A warm run reads every result from the cache through this module alone.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass, field
from collections.abc import MutableMapping
from typing import TYPE_CHECKING
from typing import Any, Optional

from simplelint.engine.notebook import is_notebook
from simplelint.engine.suppression import Noqa
from simplelint.engine.violation import Violation

if TYPE_CHECKING:
    from simplelint.config.settings import Settings

# A file marks itself as production code with this comment, on a line of its own, among its first lines.
PRODUCTION_MARKER = re.compile(rb"^[ \t]*#[ \t]*simplelint:[ \t]*production[ \t]*$", re.M)
MARKER_WINDOW = 2048


@dataclass
class FileResult:
    path: str
    digest: str  # of the bytes this result describes: the cache keys per-file and project findings on it
    violations: list[Violation] = field(default_factory=list)
    facts: MutableMapping[str, Any] = field(default_factory=dict)
    noqa: list[Noqa] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    module_name: Optional[str] = None
    is_test: bool = False
    is_production: bool = False
    # Set by --fix/--diff: how many fixes were applied, the resulting bytes (which `digest` then describes)
    # and the digest of the bytes read, which must still be on disk when the fix is written.
    fixed: int = 0
    fixed_codes: dict[str, int] = field(default_factory=dict)  # how many of `fixed` each code's fixes made
    new_source: Optional[bytes] = None
    read_digest: Optional[str] = None
    # A notebook's: per line of the module its code cells make, [cell, line in cell, JSON line, JSON column]
    # (engine.notebook); None for a Python file.
    notebook: Optional[list[list[int]]] = None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_violation(code: str, path: str, message: str, line: int = 1, column: int = 1) -> Violation:
    from simplelint import registry

    name = registry.catalog()[code].name
    return Violation(code, name, message, path, line, column, line, column)


def has_production_marker(data: bytes) -> bool:
    """Whether the file's first MARKER_WINDOW bytes hold the marker as a real comment: the same text inside a
    string (a help text, a docstring) does not mark the file."""
    head = data[:MARKER_WINDOW]
    if b"simplelint" not in head or not PRODUCTION_MARKER.search(head):
        return False  # the common case: no tokenizing
    try:
        for token in tokenize.tokenize(io.BytesIO(head).readline):
            if token.type == tokenize.COMMENT and PRODUCTION_MARKER.fullmatch(token.line.rstrip("\r\n").encode()):
                return True
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        pass  # the window ends inside a token, or the file is not Python: what came before was seen
    return False


def file_has_production_marker(path: str) -> bool:
    """Whether the file at `path` marks itself as production code (False when it cannot be read)."""
    try:
        return has_production_marker(read_source(path, MARKER_WINDOW))
    except OSError:
        return False


def is_production(path: str, data: bytes, settings: Settings) -> bool:
    """Production code: the `production` globs match the file, or its first lines mark it (a notebook is
    production only when the globs name it: papermill runs some)."""
    return settings.is_production(path) or (not is_notebook(path) and has_production_marker(data))


def read_source(path: str, limit: int = -1) -> bytes:
    """The file's bytes (its first `limit` ones if given); a FIFO, socket or device is refused, not read
    (reading one can block forever)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "Not a regular file")
        return handle.read(limit)
