"""GitLab Code Quality: a JSON array of issues with fingerprints that are unique and survive unrelated edits."""

from __future__ import annotations

import json
from typing import Any

from simplelint.engine.violation import Violation
from simplelint.output import ReportContext, common

# A file that cannot be parsed or read hides every other finding in it.
SEVERITY = {"SL001": "critical", "SL002": "critical"}


def render(violations: list[Violation], context: ReportContext) -> str:
    fingerprints = common.unique_fingerprints(violations)
    issues = [_issue(v, key) for v, key in zip(violations, fingerprints)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(violation: Violation, fingerprint: str) -> dict[str, Any]:
    return {
        "description": f"{violation.code} {violation.message}",
        "check_name": violation.code,
        "fingerprint": fingerprint,
        "severity": "minor" if violation.severity == "warning" else SEVERITY.get(violation.code, "major"),
        "location": {
            "path": common.portable_path(violation.path),
            # In a notebook: the lines of its JSON text that hold the flagged cell lines.
            "lines": {"begin": violation.in_file[0], "end": max(violation.in_file[2], violation.in_file[0])},
        },
    }
