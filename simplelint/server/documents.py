"""Open documents: their buffers, their last lint, and the diagnostics published for them."""

from __future__ import annotations

import asyncio
import codecs
import dataclasses
import difflib
import io
import re
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types

from simplelint.run import runner
from simplelint.output.common import rule_url
from simplelint.engine.result import FileResult
from simplelint.server.positions import Lines, lines_of
from simplelint.server.project import Folder
from simplelint.config.settings import Settings
from simplelint.engine.violation import Edit, Violation

if TYPE_CHECKING:
    from simplelint.engine.analysis import Analysis  # LibCST: imported with the first document

SOURCE = "simplelint"
# As ruff's server: warnings, but errors for what stops the file being checked at all (its E999, E902).
ERRORS = frozenset({"SL001", "SL002"})
_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


@dataclass(frozen=True)
class Shown:
    """A published finding and the diagnostic it was published as."""

    violation: Violation
    diagnostic: types.Diagnostic


@dataclass
class Linted:
    """One version of a document as linted: its text, its file result and what was shown.

    The result's fixes carry no text edits: computing them all costs five times the lint itself (LibCST renders
    code for each), so a fix's edits are computed when a code action asks for them (`fix_edits`), from the
    parsed module while it is kept (`analysis`), else from the text parsed again.
    """

    version: int
    text: str
    encoding: str
    result: FileResult
    lines: Lines
    analysis: Optional[Analysis] = None
    shown: list[Shown] = field(default_factory=list)
    published: bool = False

    @cached_property
    def closed_lines(self) -> Optional[frozenset[int]]:
        """Lines at whose end a comment can go: ended by a NEWLINE or NL token, not inside a multi-line
        string nor continued by a backslash. None when the text does not tokenize."""
        ends: set[int] = set()
        try:
            for token in tokenize.generate_tokens(io.StringIO(self.text).readline):
                if token.type in (tokenize.NEWLINE, tokenize.NL):
                    ends.add(token.start[0])
        except (tokenize.TokenError, SyntaxError):
            return None
        return frozenset(ends)


@dataclass
class Document:
    uri: str
    path: str
    folder: Folder
    # (version, text): replaced as a whole by the event loop, read as a whole by the lint thread.
    buffer: tuple[int, str]
    # Whether the document is a file (an `untitled:` buffer is linted, but is no part of the project).
    is_file: bool = True
    linted: Optional[Linted] = None
    excluded: Optional[bool] = None  # by the config or `.gitignore`; None: not looked at yet
    # The text the project's facts of this file were read from (project findings are positioned in it).
    base_text: Optional[str] = None
    errors_said: set[str] = field(default_factory=set)
    # Debouncing, on the event loop.
    last_change: float = float("-inf")
    timer: Optional[asyncio.TimerHandle] = None


def encode(text: str) -> tuple[bytes, str]:
    """The buffer as the bytes of its file: in the encoding its PEP 263 comment declares, else UTF-8."""
    for line in text.split("\n", 2)[:2]:
        match = _COOKIE.match(line)
        if match:
            try:
                encoding = codecs.lookup(match.group(1)).name
                return text.encode(encoding), encoding
            except (LookupError, UnicodeEncodeError):
                break  # the engine reports an unknown encoding as SL002
    # A lone surrogate (JSON can carry one) makes bytes no codec decodes: the engine reports SL002.
    return text.encode("utf-8", "surrogatepass"), "utf-8"


def lint(document: Document, version: int, text: str, position_encoding: str) -> Linted:
    from simplelint.engine.analysis import analyse  # LibCST: loaded with the first document

    data, encoding = encode(text)
    analysis = analyse(document.path, data, document.folder.settings_for(document.path))
    return Linted(version, text, encoding, analysis.result, Lines(text, position_encoding), analysis)


def fix_edits(linted: Linted, path: str, settings: Settings, violation: Violation) -> tuple[Edit, ...]:
    """The text edits of a finding's fix (none when it has no fix, or LibCST cannot render it)."""
    from simplelint.engine.analysis import analyse
    from simplelint.engine.edits import Rendered, edit_for

    if violation.fix is None:
        return ()
    if linted.analysis is None:
        linted.analysis = analyse(path, encode(linted.text)[0], settings)
    analysis = linted.analysis
    if analysis.module is None:
        return ()
    # Reports and their violations come in the same order, after any file-level violations.
    found = analysis.result.violations
    for report, candidate in zip(analysis.reports, found[len(found) - len(analysis.reports) :]):
        if report.fix is not None and _same(candidate, violation):
            edit = edit_for(Rendered(analysis.module, [report.fix]), report.fix)
            return (edit,) if edit else ()
    return ()


def _same(a: Violation, b: Violation) -> bool:
    return (a.code, a.line, a.column, a.end_line, a.end_column, a.message) == (
        b.code, b.line, b.column, b.end_line, b.end_column, b.message
    )


def shown(
    linted: Linted, project: list[Violation], base_text: Optional[str], path: str, settings: Settings
) -> list[Shown]:
    """The document's findings as `check` reports them: its own, the project's (moved to the buffer's lines),
    then `# noqa` applied."""
    codes = settings.codes_for(path)
    found = runner.reported(linted.result, settings)
    found += [v for v in moved(project, base_text, linted.text) if v.code in codes]
    kept = runner.suppress(found, [linted.result], settings)
    kept.sort(key=lambda v: v.sort_key)
    return [Shown(v, diagnostic(v, linted.lines)) for v in kept]


def moved(violations: list[Violation], before: Optional[str], after: str) -> list[Violation]:
    """Findings positioned in `before`, on the same lines of `after` (a buffer edited since it was saved);
    those on edited lines are left out until the next save joins the project again."""
    if not violations or before is None or before == after:
        return violations
    where = _LineMap(lines_of(before), lines_of(after))
    found = []
    for violation in violations:
        line, end_line = where(violation.line), where(violation.end_line)
        if line is not None and end_line is not None:
            found.append(dataclasses.replace(violation, line=line, end_line=end_line))
    return found


class _LineMap:
    """Where each 1-based line of `old` is in `new`, or None where it was edited.

    The common head and tail are found first: an edit is usually in one place, and diffing only what lies
    between keeps this linear in the file's length.
    """

    def __init__(self, old: list[str], new: list[str]) -> None:
        self.head = _same_prefix(old, new)
        tail = _same_prefix(old[self.head :][::-1], new[self.head :][::-1])
        self.tail_start, self.shift = len(old) - tail, len(new) - len(old)
        between = difflib.SequenceMatcher(
            None, old[self.head : self.tail_start], new[self.head : len(new) - tail], autojunk=False
        )
        # (first, last) 1-based lines of `old` kept unchanged, and how far they moved.
        self.equal = [
            (self.head + start, self.head + end, moved_to - start)
            for tag, start, end, moved_to, _ in between.get_opcodes()
            if tag == "equal"
        ]

    def __call__(self, line: int) -> Optional[int]:
        if line <= self.head:
            return line
        if line > self.tail_start:
            return line + self.shift
        return next((line + shift for start, end, shift in self.equal if start < line <= end), None)


def _same_prefix(a: list[str], b: list[str]) -> int:
    count = 0
    while count < min(len(a), len(b)) and a[count] == b[count]:
        count += 1
    return count


def diagnostic(violation: Violation, lines: Lines) -> types.Diagnostic:
    url = rule_url(violation.code, violation.name)
    fix = violation.fix
    data: dict[str, Any] = {"fixable": fix is not None}
    if fix is not None:
        data.update(fix=fix.message, applicability=fix.applicability)
    return types.Diagnostic(
        range=lines.range(violation.line, violation.column, violation.end_line, violation.end_column),
        message=violation.message,
        severity=types.DiagnosticSeverity.Error if violation.code in ERRORS else types.DiagnosticSeverity.Warning,
        code=violation.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        data=data,
    )
