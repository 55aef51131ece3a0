"""GitHub Actions workflow commands: one `::error` line per finding, escaped as the runner expects."""

from __future__ import annotations

from simplelint.reporters import ReportContext
from simplelint.violation import Violation


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(violations: list[Violation], context: ReportContext) -> str:
    return "".join(
        f"::error title={_property(f'simplelint ({v.code})')},file={_property(v.path)},line={v.line},"
        f"col={v.column},endLine={v.end_line},endColumn={v.end_column}::"
        f"{_data(f'{v.path}:{v.line}:{v.column}: {v.code} {v.message}')}\n"
        for v in violations
    )
