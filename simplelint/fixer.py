"""Apply fixes as LibCST node replacements, check the result parses, write atomically."""

from __future__ import annotations

import os
import tempfile
from typing import Optional

import libcst as cst

from simplelint.engine import Analysis, FileResult, analyse
from simplelint.positions import LineIndex
from simplelint.rule import NodeFix
from simplelint.settings import Settings
from simplelint.violation import Edit

MAX_PASSES = 10


class _Replace(cst.CSTTransformer):
    def __init__(self, fixes: list[NodeFix]) -> None:
        super().__init__()
        self.replacements = {id(f.original): f.replacement for f in fixes}
        self.originals = {id(f.original): f.original for f in fixes}

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> object:
        key = id(original_node)
        if key in self.replacements and self.originals[key] is original_node:
            # An enclosing fix built from the original children wins; the inner one returns next pass.
            return self.replacements[key]
        return updated_node


def apply_fixes(module: cst.Module, fixes: list[NodeFix]) -> cst.Module:
    return module.visit(_Replace(fixes))


def edit_for(module: cst.Module, fix: NodeFix) -> Optional[Edit]:
    """The fix as one text edit: the span where the fixed code differs from the original."""
    before = module.code
    after = apply_fixes(module, [fix]).code
    if before == after:
        return None
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before -= 1
        end_after -= 1
    index = LineIndex(before)
    line, column = index.position(start)
    end_line, end_column = index.position(end_before)
    return Edit(after[start:end_after], line, column, end_line, end_column)


def _parses(module: cst.Module) -> bool:
    try:
        cst.parse_module(module.bytes)
    except Exception:
        return False
    return True


def fix_source(path: str, data: bytes, settings: Settings, unsafe: bool) -> FileResult:
    """Fix until nothing applicable is left (at most MAX_PASSES); returns the final analysis's result."""
    applied = 0
    dropped: list[str] = []
    rejected: set[tuple[str, str]] = set()
    analysis = analyse(path, data, settings)
    for _ in range(MAX_PASSES):
        fixes = _applicable(analysis, unsafe, rejected)
        if not fixes or analysis.module is None:
            break
        candidate = _try(analysis.module, fixes)
        if candidate is None:
            # One of them breaks the file: keep the ones that are fine on their own.
            good = []
            for fix in fixes:
                if _try(analysis.module, [fix]) is None:
                    rejected.add(_key(analysis.module, fix))
                    dropped.append(fix.message)
                else:
                    good.append(fix)
            candidate = _try(analysis.module, good) if good else None
            if candidate is None:
                break
            fixes = good
        applied += len(fixes)
        data = candidate.bytes
        analysis = analyse(path, data, settings)
    result = analysis.result
    result.fixed = applied
    result.new_source = data
    result.errors.extend(f"{path}: fix dropped, it would not parse: {message}" for message in dropped)
    return result


def _key(module: cst.Module, fix: NodeFix) -> tuple[str, str]:
    return (fix.message, module.code_for_node(fix.original))


def _try(module: cst.Module, fixes: list[NodeFix]) -> Optional[cst.Module]:
    try:
        fixed = apply_fixes(module, fixes)
    except Exception:
        return None
    return fixed if fixed.code != module.code and _parses(fixed) else None


def _applicable(analysis: Analysis, unsafe: bool, rejected: set[tuple[str, str]]) -> list[NodeFix]:
    module = analysis.module
    if module is None:
        return []
    # Reports and their violations come in the same order, after any file-level violations.
    violations = analysis.result.violations[len(analysis.result.violations) - len(analysis.reports) :]
    fixes = []
    for report, violation in zip(analysis.reports, violations):
        fix = report.fix
        if fix is None or (fix.unsafe and not unsafe) or _key(module, fix) in rejected:
            continue
        if any(
            (d.file_level or d.line == violation.line) and d.matches(violation.code) for d in analysis.result.noqa
        ):
            continue  # a suppressed finding is not fixed
        fixes.append(fix)
    return fixes


def write_atomic(path: str, data: bytes) -> None:
    """Write through a temp file in the same folder and rename, keeping the file's permissions."""
    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".simplelint-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
