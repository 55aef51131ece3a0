"""Changed-lines mode: keep only findings on lines added or changed since a git revision.

`git diff --unified=0 REV` compares REV with the working tree, so staged and unstaged edits both count;
untracked files count as all new. A finding about a function or class (reported at its name, as untested
functions and complexity are) counts as touched when any line of that definition changed.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from simplelint.engine.violation import Violation

_HUNK = re.compile(rb"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_OCTAL = re.compile(rb"\\([0-7]{3})|\\(.)")
_ESCAPES = {b"n": b"\n", b"t": b"\t", b'"': b'"', b"\\": b"\\", b"a": b"\a", b"b": b"\b", b"f": b"\f", b"r": b"\r"}
_DIFF = (
    "-c", "core.quotePath=false", "diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv",
    "--find-renames", "--src-prefix=a/", "--dst-prefix=b/",
)  # fmt: skip


class GitError(Exception):
    pass


@dataclass
class ChangedLines:
    """Changed line numbers (1-based) per file, and the files that are wholly new; keys are real paths."""

    root: str
    lines: dict[str, set[int]] = field(default_factory=dict)
    new_files: set[str] = field(default_factory=set)
    everything: bool = False  # the repository has no commit yet
    _spans: dict[str, dict[int, tuple[str, int, int]]] = field(default_factory=dict)

    def touches(self, violation: Violation) -> bool:
        path = _realpath(os.path.abspath(violation.path))  # the cache key must not depend on the cwd
        if self.everything or path in self.new_files:
            return True
        changed = self.lines.get(path)
        if not changed:
            return False
        # A notebook's finding: the lines of its JSON text that hold the cell's lines, as git's diff counts them.
        first, _, last, _ = violation.in_file
        if any(line in changed for line in range(first, last + 1)):
            return True
        if violation.cell is not None:
            return False
        span = self._definition(path, violation)
        return span is not None and any(line in changed for line in range(span[0], span[1] + 1))

    def _definition(self, path: str, violation: Violation) -> Optional[tuple[int, int]]:
        """The lines of the function or class a finding is about, when it is reported at its name."""
        if path not in self._spans:
            self._spans[path] = _definitions(path)
        found = self._spans[path].get(violation.line)
        if found is None or violation.snippet not in (found[0], ""):
            return None
        return found[1], found[2]


@lru_cache(maxsize=4096)
def _realpath(path: str) -> str:
    return os.path.realpath(path)


def _definitions(path: str) -> dict[int, tuple[str, int, int]]:
    """`def`/`class` line -> (name, first line with decorators, last line)."""
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError, RecursionError):
        return {}
    spans = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            spans[node.lineno] = (node.name, first, node.end_lineno or node.lineno)
    return spans


def _git(folder: str, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", folder, *args], capture_output=True, check=False)
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def changed_since(revision: str, anchor: str) -> ChangedLines:
    """Lines changed in the working tree since `revision`, in the git repository holding `anchor`."""
    folder = anchor if os.path.isdir(anchor) else os.path.dirname(os.path.abspath(anchor))
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    except GitError as error:
        where = os.path.abspath(folder)
        raise GitError(f"--diff-from needs a git repository, and {where} is not in one ({error})") from None
    if revision.startswith("-"):
        raise GitError(f"--diff-from: {revision!r} is not a git revision")
    changed = ChangedLines(os.path.realpath(top))
    try:
        _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except GitError:
        if not _git(top, "rev-list", "-n", "1", "--all").strip():
            # Before the first commit there is nothing to compare with: every line is new (the pre-commit
            # recipe's `--diff-from HEAD` must not fail a new repository's first commit).
            changed.everything = True
            return changed
        raise GitError(f"--diff-from: unknown git revision {revision!r}") from None
    for name, lines in parse_diff(_git(top, *_DIFF, revision, "--")).items():
        changed.lines[_real(top, name)] = lines
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z")
    changed.new_files = {_real(top, os.fsdecode(name)) for name in untracked.split(b"\0") if name}
    return changed


def _real(top: str, name: str) -> str:
    return os.path.realpath(os.path.join(top, name))


def parse_diff(output: bytes) -> dict[str, set[int]]:
    """Added/changed line numbers per new-side path, from `git diff --unified=0` output."""
    changed: dict[str, set[int]] = {}
    current: Optional[set[int]] = None
    pending = 0  # content lines of the current hunk still to skip (they may start with '+++')
    for line in output.split(b"\n"):
        if pending:
            pending -= 1
        elif line.startswith(b"+++ "):
            name = _path(line[4:])
            current = None if name is None else changed.setdefault(name, set())
        else:
            pending = _hunk(line, current)
    return changed


def _hunk(line: bytes, lines: Optional[set[int]]) -> int:
    """Add a hunk header's new-side lines to `lines`; returns how many content lines follow it."""
    match = _HUNK.match(line)
    if match is None:
        return 0
    removed, start, added = (int(g) if g is not None else 1 for g in match.groups())
    if lines is not None:
        lines.update(range(start, start + added))
    return removed + added


def _path(raw: bytes) -> Optional[str]:
    # git ends a name holding a space with a tab, as GNU diff does.
    raw = raw.rstrip(b"\r")
    raw = raw[:-1] if raw.endswith(b"\t") else raw
    if raw.startswith(b'"') and raw.endswith(b'"'):
        raw = _OCTAL.sub(_unescape, raw[1:-1])
    if not raw.startswith(b"b/"):
        return None  # /dev/null: the file was deleted
    return os.fsdecode(raw[2:])


def _unescape(match: re.Match[bytes]) -> bytes:
    if match.group(1):
        return bytes([int(match.group(1), 8)])
    return _ESCAPES.get(match.group(2), match.group(2))


def keep_changed(violations: list[Violation], changed: ChangedLines) -> list[Violation]:
    return [v for v in violations if changed.touches(v)]
