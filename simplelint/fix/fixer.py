"""Apply fixes as LibCST node replacements, in passes, keeping only fixes that are proven; write atomically.

A pass applies every applicable fix whose node is not inside another one's (the inner ones wait for the next
pass, at most MAX_PASSES). The result must parse, compile (when the original did) and no longer contain the
findings it fixed; otherwise the pass is retried fix by fix and the culprits are dropped and reported.
"""

from __future__ import annotations

import difflib
import io
import tokenize
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst

from simplelint.config.settings import Settings
from simplelint.engine.analysis import Analysis, analyse, analyse_python
from simplelint.engine import notebook as notebooks
from simplelint.engine.edits import Rendered, apply_fixes, edit_for
from simplelint.engine.result import FileResult
from simplelint.engine.traversal import children
from simplelint.engine.violation import Violation
from simplelint.rule import NodeFix

MAX_PASSES = 10

# A finding's identity across edits elsewhere in the file: code, enclosing scope, normalised source.
Key = tuple[str, str, str]


@dataclass
class Candidate:
    fix: NodeFix
    violation: Violation

    @property
    def key(self) -> Key:
        return key_of(self.violation)


def key_of(violation: Violation) -> Key:
    return (violation.code, violation.context, violation.snippet)


@dataclass
class _Fixing:
    """One file being fixed: what every pass needs to know and what it found."""

    path: str
    settings: Settings
    unsafe: bool
    data: bytes
    analysis: Analysis
    compiles: bool = False  # the original compiles, so every fixed version must
    suffix: bytes = b""  # bytes LibCST drops at the very end (a last `\r`), put back on every version
    applied: Counter[str] = field(default_factory=Counter)  # fixes applied, by code
    rejected: set[Key] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    notebook: Optional[notebooks.Notebook] = None  # the notebook whose code cells `data` is


# Why a fix was dropped without it being simplelint's bug: in a notebook, it reached into another cell.
CROSSES_CELLS = "crosses a notebook cell boundary"


def outermost(module: cst.Module, fixes: list[NodeFix]) -> list[NodeFix]:
    """The fixes whose node is not inside another fix's node (one per node); the others wait a pass."""
    by_node: dict[int, NodeFix] = {}
    for each in fixes:
        by_node.setdefault(id(each.original), each)
    chosen = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        fix = by_node.get(id(node))
        if fix is not None and fix.original is node:
            chosen.append(fix)
            continue
        stack.extend(children(node))
    return chosen


def compiles(data: bytes, path: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. invalid escape sequences: the file's own business
        try:
            compile(data, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def lost_suffix(module: cst.Module, data: bytes) -> Optional[bytes]:
    """What LibCST does not give back at the end of the file (b"" normally); None if it loses more."""
    rendered = module.bytes
    if rendered == data:
        return b""
    if data.startswith(rendered) and not data[len(rendered) :].strip():
        return data[len(rendered) :]
    return None


def without_footer(data: bytes) -> bytes:
    """The file without its last lines that hold only blanks or comments (a noqa among them keeps them)."""
    lines = data.splitlines(keepends=True)
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(b"#")):
        end -= 1
    body = b"".join(lines[:end])
    return data if b"noqa" in data[len(body) :].lower() else body


def _round_trip(path: str, data: bytes, settings: Settings) -> tuple[Analysis, bytes, Optional[bytes]]:
    """The analysis of what the fixer works on, the footer it leaves aside, and what LibCST drops at the end.

    LibCST loses blank lines before an indented blank or comment line at the end of a file: such a footer
    is set aside and put back after fixing. The dropped suffix is None when LibCST loses anything else.
    """
    analysis = analyse_python(path, data, settings)
    if analysis.module is None:
        return analysis, b"", b""
    suffix = lost_suffix(analysis.module, data)
    body = without_footer(data) if suffix is None else data
    if body == data:
        return analysis, b"", suffix
    trimmed = analyse_python(path, body, settings)
    suffix = lost_suffix(trimmed.module, body) if trimmed.module is not None else None
    if suffix is None:
        return analysis, b"", None
    return trimmed, data[len(body) :], suffix


def fix_source(path: str, data: bytes, settings: Settings, unsafe: bool) -> FileResult:
    """Fix until nothing applicable is left (at most MAX_PASSES); returns the final analysis's result."""
    if notebooks.is_notebook(path):
        return _fix_notebook(path, data, settings, unsafe)
    return _fix_python(path, data, settings, unsafe)


def _fix_notebook(path: str, data: bytes, settings: Settings, unsafe: bool) -> FileResult:
    """Fix a notebook's code cells as one module; only the changed cells' sources are written back."""
    try:
        notebook = notebooks.load(data)
    except notebooks.NotebookError:
        return analyse(path, data, settings).result  # its SL002 says why; nothing to fix
    result = _fix_python(path, notebook.python.encode("utf-8"), settings, unsafe, notebook)
    fixed = notebook.with_python((result.new_source or b"").decode("utf-8")).encode("utf-8")
    result.new_source = fixed
    result.notebook = notebooks.load(fixed).table()
    return result


def _fix_python(
    path: str, data: bytes, settings: Settings, unsafe: bool, notebook: Optional[notebooks.Notebook] = None
) -> FileResult:
    analysis, footer, suffix = _round_trip(path, data, settings)
    state = _Fixing(path, settings, unsafe, data[: len(data) - len(footer)], analysis, notebook=notebook)
    if suffix is None:
        state.errors.append(f"{path}: not fixed: LibCST does not reproduce this file byte for byte")
    else:
        state.suffix = suffix
        state.compiles = compiles(data, path)
        for _ in range(MAX_PASSES):
            if not _fix_pass(state):
                break
    result = state.analysis.result
    result.fixed = sum(state.applied.values())
    result.fixed_codes = dict(state.applied)
    result.new_source = state.data + footer
    result.errors.extend(state.errors)
    return result


def _fix_pass(state: _Fixing) -> bool:
    """Apply one pass of fixes; False when there is nothing left to do."""
    module = state.analysis.module
    candidates = _applicable(state)
    if module is None or not candidates:
        return False
    by_fix = {id(c.fix): c for c in candidates}
    chosen = [by_fix[id(fix)] for fix in outermost(module, [c.fix for c in candidates])]
    outcome = _attempt(state, chosen)
    if isinstance(outcome, str):
        chosen = _good_ones(state, chosen)
        # Each one alone removes its finding: a finding left that looks the same was made by another one
        # (an `elif` turned into an `if` has an `else` like the one removed next to it).
        outcome = _attempt(state, chosen, proven=True) if chosen else "nothing left"
        if isinstance(outcome, str) and chosen:
            chosen = chosen[:1]  # each is fine alone but not together: one per pass
            outcome = _attempt(state, chosen)
    if isinstance(outcome, tuple):
        state.data, state.analysis = outcome
        state.applied.update(c.violation.code for c in chosen)
    return True


def _good_ones(state: _Fixing, chosen: list[Candidate]) -> list[Candidate]:
    """The fixes that are fine alone; the others are dropped and reported."""
    good = []
    for candidate in chosen:
        outcome = _attempt(state, [candidate])
        if not isinstance(outcome, str):
            good.append(candidate)
            continue
        state.rejected.add(candidate.key)
        if outcome == CROSSES_CELLS:
            continue  # not applied, as ruff leaves such a fix; the finding is still reported
        violation = candidate.violation
        state.errors.append(
            f"{state.path}:{_where(state, violation)}: {violation.code} fix dropped, it {outcome}: "
            f"{candidate.fix.message}. Please report it."
        )
    return good


def _where(state: _Fixing, violation: Violation) -> str:
    """`line:column`, or in a notebook `cell N:line:column` (as its findings show), the line being the cell's."""
    if state.notebook is None:
        return f"{violation.line}:{violation.column}"
    cell, line = notebooks.cell_of(state.data.decode("utf-8", "replace"), violation.line)
    return f"cell {cell}:{line}:{violation.column}"


def _attempt(state: _Fixing, chosen: list[Candidate], proven: bool = False) -> Union[str, tuple[bytes, Analysis]]:
    """The fixed bytes and their analysis, or why the fixes cannot be kept."""
    assert state.analysis.module is not None
    try:
        data = apply_fixes(state.analysis.module, [c.fix for c in chosen]).bytes + state.suffix
    except Exception as error:  # a replacement LibCST cannot render, or text the encoding cannot hold
        return f"cannot be applied ({type(error).__name__})"
    if data == state.data:
        return "changes nothing"
    if state.compiles and not compiles(data, state.path):
        return "would not compile"
    after = analyse_python(state.path, data, state.settings)
    if after.module is None:
        return "would not parse"
    if not proven and not _findings_gone(state.analysis, after, chosen):
        return "leaves its finding in place"
    return _within_cells(state, data) or (data, after)


def _within_cells(state: _Fixing, data: bytes) -> Optional[str]:
    """CROSSES_CELLS when fixed notebook code no longer cuts back into its cells (or lost a masked magic)."""
    if state.notebook is None:
        return None
    try:
        state.notebook.with_python(data.decode("utf-8"))
    except (notebooks.NotebookError, UnicodeDecodeError):
        return CROSSES_CELLS
    return None


def _findings_gone(before: Analysis, after: Analysis, chosen: list[Candidate]) -> bool:
    had = Counter(key_of(v) for v in before.result.violations)
    has = Counter(key_of(v) for v in after.result.violations)
    fixed = Counter(c.key for c in chosen)
    if all(has[key] <= had[key] - count for key, count in fixed.items()):
        return True
    # One fix may uncover a twin of its finding elsewhere (removing an inner `else` makes the outer `else`
    # after it needless too): what counts is that none overlaps what the fix wrote.
    return len(chosen) == 1 and before.module is not None and not _left_inside(before.module, after, chosen[0])


def _left_inside(module: cst.Module, after: Analysis, candidate: Candidate) -> bool:
    edit = edit_for(Rendered(module, [candidate.fix]), candidate.fix)
    if edit is None:
        return True
    lines = edit.content.split("\n")
    if len(lines) == 1:
        end = (edit.line, edit.column + len(lines[0]))
    else:
        end = (edit.line + len(lines) - 1, len(lines[-1]) + 1)
    start = (edit.line, edit.column)
    return any(
        key_of(v) == candidate.key and (v.line, v.column) <= end and (v.end_line, v.end_column) >= start
        for v in after.result.violations
    )


def _applicable(state: _Fixing) -> list[Candidate]:
    analysis = state.analysis
    if analysis.module is None:
        return []
    # Reports and their violations come in the same order, after any file-level violations.
    violations = analysis.result.violations[len(analysis.result.violations) - len(analysis.reports) :]
    found = []
    for report, violation in zip(analysis.reports, violations):
        fix = report.fix
        if fix is None or (fix.unsafe and not state.unsafe) or key_of(violation) in state.rejected:
            continue
        if any(
            (d.file_level or d.covers(violation.line)) and d.matches(violation.code) for d in analysis.result.noqa
        ):
            continue  # a suppressed finding is not fixed
        found.append(Candidate(fix, violation))
    return found


def decoded(data: bytes) -> str:
    """Source bytes as text in their declared encoding (BOM and coding cookie honoured)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return data.decode(encoding, "replace")


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """A unified diff of a fix, marking a last line without newline as `diff -u` does; a notebook's, as ruff's,
    per code cell (`--fix` writes its JSON)."""
    if notebooks.is_notebook(path):
        cells = notebooks.cells_diff(path, before, after)
        if cells is not None:
            return cells
    old = decoded(before).splitlines(keepends=True)
    new = decoded(after).splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"):
        lines.append(line)
        if not line.endswith(("\n", "\r")):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)
