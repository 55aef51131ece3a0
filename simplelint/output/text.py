"""Human formats: `full` (with the source line and a caret) and `concise` (one line each), as ruff prints."""

from __future__ import annotations

from simplelint.engine.violation import Violation
from simplelint.output import ReportContext
from simplelint.output.common import shown_path

BOLD, RED, YELLOW, BLUE, RESET = "\033[1m", "\033[31m", "\033[33m", "\033[34m", "\033[0m"


def _paint(text: str, style: str, context: ReportContext) -> str:
    return f"{style}{text}{RESET}" if context.color else text


def _fixable(violation: Violation, context: ReportContext) -> bool:
    return violation.fix is not None and (violation.fix.safe or context.unsafe_fixes)


def _color(violation: Violation) -> str:
    return YELLOW if violation.severity == "warning" else RED


def _header(violation: Violation, context: ReportContext) -> str:
    """`path:line:col: CODE [*] message`, as ruff; a warning says so after its code: `CODE [warning] ...`,
    so that what reads `path:line:col: CODE` keeps working."""
    where = _paint(shown_path(violation.path), BOLD, context) + f":{violation.where}:"
    level = " " + _paint("[warning]", YELLOW, context) if violation.severity == "warning" else ""
    marker = " [*]" if _fixable(violation, context) else ""
    return f"{where} {_paint(violation.code, _color(violation) + BOLD, context)}{level}{marker} {violation.message}"


def concise(violations: list[Violation], context: ReportContext) -> str:
    return "".join(_header(v, context) + "\n" for v in violations)


def full(violations: list[Violation], context: ReportContext) -> str:
    out = []
    for violation in violations:
        out.append(_header(violation, context))
        lines = context.read_lines(violation.path) if violation.cell is None else context.read_cell(violation)
        if 0 < violation.line <= len(lines):
            text = lines[violation.line - 1].rstrip("\r\n").expandtabs(1)
            number = str(violation.line)
            gutter = " " * len(number)
            same_line = violation.end_line == violation.line
            width = max(1, (violation.end_column if same_line else len(text) + 1) - violation.column)
            caret = " " * (violation.column - 1) + "^" * width
            out.append(f"{gutter} |")
            out.append(f"{_paint(number, BLUE, context)} | {text}")
            out.append(f"{gutter} | {_paint(caret + ' ' + violation.code, _color(violation), context)}")
            out.append(f"{gutter} |")
        if violation.fix is not None:
            out.append(f"  = help: {violation.fix.message}")
        out.append("")
    return "".join(line + "\n" for line in out)


def statistics(violations: list[Violation], context: ReportContext) -> str:
    counts: dict[str, list[Violation]] = {}
    for violation in violations:
        counts.setdefault(violation.code, []).append(violation)
    rows = sorted(counts.items(), key=lambda item: (-len(item[1]), item[0]))
    width = max((len(str(len(v))) for _, v in rows), default=1)
    out = []
    for code, found in rows:
        marker = "[*]" if any(_fixable(v, context) for v in found) else "[ ]"
        out.append(f"{len(found):>{width}}\t{code}\t{marker}\t{found[0].name}\n")
    return "".join(out)
