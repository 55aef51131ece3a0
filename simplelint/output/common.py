"""What the CI formats share: portable paths, stable fingerprints, links to the docs."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Optional

from simplelint.engine.violation import Violation

# Overrides of where the project and each rule's docs are (a template with {code} and {name}); by default both
# come from the installed package's `[project.urls]` (see `project_url` and `rule_url`).
HOMEPAGE: Optional[str] = None
RULE_DOCS: Optional[str] = None
# `[project.urls]` keys naming the repository, in the order tried.
REPOSITORY_KEYS = ("Repository", "Source", "Homepage")


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


@lru_cache(maxsize=1)
def project_urls() -> dict[str, str]:
    """`[project.urls]` by label: from the checkout's pyproject.toml when simplelint runs from one (an editable
    install's metadata is as old as its install), else from the installed metadata's `Project-URL` lines."""
    checkout = _checkout_urls()
    if checkout is not None:
        return checkout
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        lines = metadata("simplelint").get_all("Project-URL") or []
    except PackageNotFoundError:
        return {}
    labels = (line.partition(",") for line in lines)
    return {label.strip(): url.strip().rstrip("/") for label, _, url in labels}


def _checkout_urls() -> Optional[dict[str, str]]:
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent.parent / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    from simplelint.config.toml import tomllib

    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        return None
    if not isinstance(project, dict) or project.get("name") != "simplelint":
        return None  # another project's file above an installed simplelint
    urls = project.get("urls", {})
    return {str(k): str(v).rstrip("/") for k, v in urls.items()} if isinstance(urls, dict) else {}


def project_url() -> Optional[str]:
    """The project's home (SARIF's `informationUri`)."""
    urls = project_urls()
    return HOMEPAGE or urls.get("Homepage") or next((urls[k] for k in REPOSITORY_KEYS if k in urls), None)


def rule_url(code: str, name: str) -> Optional[str]:
    """A built-in rule's page, `docs/rules/<code>.md` in the repository at this version's tag
    (`<Repository>/blob/v<version>/docs/rules/SL101.md`): the page matches the installed rules. None for a
    plugin's rule or a gate, and when the package names no repository: no link is invented."""
    if RULE_DOCS:
        return RULE_DOCS.format(code=code, name=name)
    from simplelint import __version__, registry

    urls = project_urls()
    repository = next((urls[k] for k in REPOSITORY_KEYS if k in urls), None)
    if repository is None or not registry.is_builtin(code):
        return None
    return f"{repository}/blob/v{__version__}/docs/rules/{code}.md"


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
