"""`html`: the health report page (see simplelint.report_html); needs the run's facts from the context."""

from __future__ import annotations

from simplelint.report_html import render as render_page
from simplelint.reporters import ReportContext
from simplelint.violation import Violation


def render(violations: list[Violation], context: ReportContext) -> str:
    enabled = context.settings.enabled if context.settings is not None else frozenset()
    return render_page(violations, context.files, enabled, context.read_lines, context.root or "")
