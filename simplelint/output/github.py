"""GitHub Actions workflow commands: one `::error` line per finding, escaped as the runner expects."""

from __future__ import annotations

from simplelint.engine.violation import Violation
from simplelint.output import ReportContext, common


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(violations: list[Violation], context: ReportContext) -> str:
    return "".join(_command(v) + "\n" for v in violations)


def _command(violation: Violation) -> str:
    path = common.portable_path(violation.path)
    # In a notebook the annotation goes on the JSON line that holds the cell's line; the text names the cell.
    line, column, end_line, end_column = violation.in_file
    title = _property(f"simplelint ({violation.code})")
    properties = (
        f"title={title},file={_property(path)},line={line},col={column},endLine={end_line},endColumn={end_column}"
    )
    # `::warning` annotations are shown in yellow and do not fail the check, as the severity table means.
    command = "warning" if violation.severity == "warning" else "error"
    return f"::{command} {properties}::{_data(f'{path}:{violation.where}: {violation.code} {violation.message}')}"
