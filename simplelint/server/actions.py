"""Code actions (quick fixes, `# noqa`, fix all) and hovers, computed from a document's last lint."""

from __future__ import annotations

from typing import Optional
from collections.abc import Sequence

from lsprotocol import types

from simplelint.server.documents import SOURCE, Linted, Shown
from simplelint.server.positions import Lines, lines_of
from simplelint.config.settings import Settings
from simplelint.engine.suppression import UNSUPPRESSIBLE, noqa_lines
from simplelint.engine.violation import Edit, Violation

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.simplelint
FIX_ALL_TITLE = f"{SOURCE}: Fix all auto-fixable problems"


def wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    """Whether the client asked for actions of this kind (`source` covers `source.fixAll.simplelint`)."""
    return only is None or any(kind == asked or kind.startswith(asked + ".") for asked in only)


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def overlaps(a: types.Range, b: types.Range) -> bool:
    return _before(a.start, b.end) and _before(b.start, a.end)


def contains(area: types.Range, position: types.Position) -> bool:
    return _before(area.start, position) and _before(position, area.end)


def workspace_edit(uri: str, version: int, edits: list[types.TextEdit], versioned: bool) -> types.WorkspaceEdit:
    """Edits for one document; versioned where the client takes them, so that it refuses them once stale."""
    if not versioned:
        return types.WorkspaceEdit(changes={uri: edits})
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)])


def quick_fix(
    uri: str, linted: Linted, item: Shown, fix_edits: Sequence[Edit], versioned: bool
) -> Optional[types.CodeAction]:
    fix = item.violation.fix
    if fix is None or not fix_edits:
        return None
    edits = [
        types.TextEdit(range=linted.lines.range(e.line, e.column, e.end_line, e.end_column), new_text=e.content)
        for e in fix_edits
    ]
    label = "" if fix.safe else " (unsafe)"
    return types.CodeAction(
        title=f"{SOURCE} ({item.violation.code}): {fix.message}{label}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[item.diagnostic],
        edit=workspace_edit(uri, linted.version, edits, versioned),
        is_preferred=fix.safe,
    )


def noqa_action(uri: str, linted: Linted, item: Shown, versioned: bool) -> Optional[types.CodeAction]:
    edit = noqa_edit(linted, item.violation)
    if edit is None:
        return None
    code = item.violation.code
    return types.CodeAction(
        title=f"Disable {code} for this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[item.diagnostic],
        edit=workspace_edit(uri, linted.version, [edit], versioned),
    )


def noqa_edit(linted: Linted, violation: Violation) -> Optional[types.TextEdit]:
    """`# noqa: CODE` at the end of the finding's line, or CODE added to the noqa already there.

    When that line ends inside a multi-line string or is continued by a backslash, where no comment can go, the
    noqa goes where the string or statement ends, whose noqa covers it (simplelint.engine.suppression), as
    `check --add-noqa` puts it.
    """
    code = violation.code
    if code in UNSUPPRESSIBLE:
        return None
    number = noqa_lines(linted.text).get(violation.line, violation.line)
    text = linted.lines.lines[number - 1] if 0 < number <= len(linted.lines.lines) else None
    closed = linted.closed_lines
    if text is None or closed is None:
        return None
    for directive in linted.result.noqa:  # as the engine read them: real comments, not `#` in strings
        if directive.file_level or directive.line != number:
            continue
        if directive.codes is None:
            return None  # a bare noqa already suppresses everything on the line
        codes = ", ".join((*directive.codes, code))
        where = linted.lines.range(number, directive.column, number, directive.end_column)
        return types.TextEdit(range=where, new_text=f"# noqa: {codes}")
    if number not in closed:
        return None
    code_end = len(text.rstrip()) + 1
    where = linted.lines.range(number, code_end, number, len(text) + 1)
    return types.TextEdit(range=where, new_text=f"  # noqa: {code}")


def fix_all_edit(path: str, linted: Linted, settings: Settings) -> tuple[Optional[types.TextEdit], list[str]]:
    """The buffer with every safe fix applied (as `check --fix` would), as one edit of the lines that change;
    and the fixer's errors (fixes it dropped)."""
    from simplelint.fix.fixer import fix_source
    from simplelint.server.documents import encode

    data, _ = encode(linted.text)
    result = fix_source(path, data, settings, unsafe=False)
    if not result.fixed or result.new_source is None:
        return None, result.errors
    return whole_edit(linted.text, result.new_source.decode(linted.encoding), linted.lines), result.errors


def whole_edit(before: str, after: str, lines: Lines) -> Optional[types.TextEdit]:
    """One edit turning `before` into `after`, spanning only the lines between their common head and tail."""
    old, new = lines_of(before), lines_of(after)
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    if start == end_old == end_new:
        return None
    end = lines.end() if end_old == len(old) else types.Position(line=end_old, character=0)
    where = types.Range(start=types.Position(line=start, character=0), end=end)
    return types.TextEdit(range=where, new_text="".join(new[start:end_new]))


def hover(linted: Linted, position: types.Position) -> Optional[types.Hover]:
    """The rules of the findings under the cursor, documented as `simplelint explain` prints them."""
    from simplelint.registry import explanation

    hits = [item for item in linted.shown if contains(item.diagnostic.range, position)]
    if not hits:
        return None
    codes = list(dict.fromkeys(item.violation.code for item in hits))
    text = "\n\n---\n\n".join(explanation(code) for code in codes)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=hits[0].diagnostic.range
    )
