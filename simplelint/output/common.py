"""What the CI formats share: portable paths, stable fingerprints, links to the docs."""

from __future__ import annotations

import hashlib
import re
from typing import Optional

from simplelint.engine.violation import Violation

# Where the project and each rule's docs are published. None until they are: no link is invented.
HOMEPAGE: Optional[str] = None
RULE_DOCS: Optional[str] = None  # a template with {code} and {name}, e.g. ".../rules/{name}/"


# Bytes of a file name that are not UTF-8 (the file system's `\udce9`) and control characters but the tab
# (a newline would split a line-based report, a \x01 makes XML invalid).
_UNSHOWABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f\udc80-\udcff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def shown_path(path: str) -> str:
    """The path as every output shows it: what cannot be shown as text escaped as `\\xe9`, `\\n`."""
    return _UNSHOWABLE.sub(_escape, path)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or f"\\x{code - 0xDC00 if code >= 0xDC80 else code:02x}"


def normal_path(path: str) -> str:
    """Relative as given, with forward slashes and no leading `./`."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def portable_path(path: str) -> str:
    """The path as CI systems want it: `normal_path`, shown as text."""
    return shown_path(normal_path(path))


def rule_url(code: str, name: str) -> Optional[str]:
    return RULE_DOCS.format(code=code, name=name) if RULE_DOCS else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(violation: Violation) -> str:
    """Identity without line numbers: rule, file, enclosing scope and the flagged code survive edits elsewhere."""
    parts = (violation.code, portable_path(violation.path), violation.context, violation.snippet)
    return _digest("\0".join(parts))


def unique_fingerprints(violations: list[Violation]) -> list[str]:
    """One fingerprint per violation; the n-th identical finding gets its own, derived from its rank."""
    seen: dict[str, int] = {}
    found = []
    for violation in violations:
        base = fingerprint(violation)
        rank = seen.get(base, 0)
        seen[base] = rank + 1
        found.append(base if rank == 0 else _digest(f"{base}:{rank}"))
    return found
