"""`html`: the health report page (see simplelint.output.html_page); needs the run's facts from the context."""

from __future__ import annotations

from simplelint.engine.violation import Violation
from simplelint.output import ReportContext
from simplelint.output.html_page import build, page
from simplelint.output.html_page import render as render_page


def render(violations: list[Violation], context: ReportContext) -> str:
    enabled = context.settings.enabled if context.settings is not None else frozenset()
    if context.measures is None:
        return render_page(violations, context.files, enabled, context.read_lines, context.root or "")
    model = build(violations, context.files, enabled, context.measures)
    return page(model, context.read_lines, context.root or "", context.measures)
