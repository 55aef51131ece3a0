"""What the CI formats share: portable paths, stable fingerprints, links to the docs."""

from __future__ import annotations

import hashlib
from typing import Optional

from simplelint.violation import Violation

# Where the project and each rule's docs are published. None until they are: no link is invented.
HOMEPAGE: Optional[str] = None
RULE_DOCS: Optional[str] = None  # a template with {code} and {name}, e.g. ".../rules/{name}/"


def portable_path(path: str) -> str:
    """The path as CI systems want it: relative as given, with forward slashes and no leading `./`."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


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
