"""`json` and `json-lines`: ruff-compatible fields, plus the rule's `name`."""

from __future__ import annotations

import json
from typing import Any

from simplelint.engine.violation import Violation
from simplelint.output import ReportContext, common


def as_dict(violation: Violation) -> dict[str, Any]:
    fix = None
    if violation.fix is not None:
        fix = {
            "applicability": violation.fix.applicability,
            "message": violation.fix.message,
            "edits": [
                {
                    "content": e.content,
                    "location": {"row": e.line, "column": e.column},
                    "end_location": {"row": e.end_line, "column": e.end_column},
                }
                for e in violation.fix.edits
            ],
        }
    return {
        "cell": violation.cell,  # in a notebook (1-based, markdown cells counted), as ruff; rows are the cell's
        "code": violation.code,
        "name": violation.name,
        "message": violation.message,
        "filename": common.shown_path(violation.path),
        "location": {"row": violation.line, "column": violation.column},
        "end_location": {"row": violation.end_line, "column": violation.end_column},
        "fix": fix,
        "noqa_row": violation.line,
        "severity": violation.severity,
        "url": common.rule_url(violation.code, violation.name),
        **violation.extra,  # what a rule adds (SL302: the tests that ran the function)
    }


def render_json(violations: list[Violation], context: ReportContext) -> str:
    return json.dumps([as_dict(v) for v in violations], indent=2) + "\n"


def render_json_lines(violations: list[Violation], context: ReportContext) -> str:
    return "".join(json.dumps(as_dict(v)) + "\n" for v in violations)
