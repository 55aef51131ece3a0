"""SARIF 2.1.0, as GitHub code scanning reads it: one run, the fired rules with their docs, one result each."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

from simplelint import __version__, registry
from simplelint.engine.violation import Edit, Fix, Violation
from simplelint.output import ReportContext, common

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# Paths are relative to the checkout; code scanning resolves this base to the repository root.
SRCROOT = "%SRCROOT%"
FINGERPRINT = "simplelint/v1"


def render(violations: list[Violation], context: ReportContext) -> str:
    rules = _rules(violations)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    fingerprints = common.unique_fingerprints(violations)
    results = [_result(v, index[v.code], key) for v, key in zip(violations, fingerprints)]
    driver: dict[str, Any] = {"name": "simplelint", "version": __version__, "semanticVersion": __version__}
    homepage = common.project_url()
    if homepage:
        driver["informationUri"] = homepage
    driver["rules"] = rules
    # Columns count characters (code points), not SARIF's default UTF-16 code units.
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rules(violations: list[Violation]) -> list[dict[str, Any]]:
    """The rules that fired, sorted by code, as ruff lists them."""
    first: dict[str, Violation] = {}
    for violation in violations:
        first.setdefault(violation.code, violation)
    return [_rule(code, first[code]) for code in sorted(first)]


# A failed gate (simplelint.adoption.gates) is a result of this pseudo-rule, at the gate's key in the config.
GATE_SUMMARY = "A goal of [tool.simplelint.gates] is not met"


def _rule(code: str, violation: Violation) -> dict[str, Any]:
    info = registry.rule_class(code) if code in registry.catalog() else None
    name = info.name if info else code if code == "gate" else violation.name
    summary = info.summary if info else GATE_SUMMARY if code == "gate" else name
    docs = info.docs() if info else summary
    family = registry.family_of(code)
    rule: dict[str, Any] = {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _section(docs, "What it does") or summary},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": violation.severity},
        "properties": {"tags": [family.name if family else "plugin"]},
    }
    url = common.rule_url(code, name)
    if url:
        rule["helpUri"] = url
    return rule


def _section(docs: str, title: str) -> str:
    """The text of one `## title` section of a rule's docs, or '' if it has none."""
    lines = docs.splitlines()
    heading = f"## {title}"
    if heading not in lines:
        return ""
    body = []
    for line in lines[lines.index(heading) + 1 :]:
        if line.startswith("## "):
            break
        body.append(line)
    return "\n".join(body).strip()


def _result(violation: Violation, rule_index: int, fingerprint: str) -> dict[str, Any]:
    location = {
        "physicalLocation": {
            "artifactLocation": _artifact(violation.path),
            # In a notebook: where the cell's line is in the JSON text, the cell's own place as properties.
            "region": _region(*violation.in_file),
        }
    }
    result: dict[str, Any] = {
        "ruleId": violation.code,
        "ruleIndex": rule_index,
        "level": violation.severity,
        "message": {"text": violation.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if violation.cell is not None:
        result["properties"] = {"cell": violation.cell, "cellLine": violation.line, "cellColumn": violation.column}
    elif violation.fix is not None and violation.fix.edits:  # a cell's edits are not the JSON text's
        result["fixes"] = [_fix(violation.path, violation.fix)]
    return result


def _artifact(path: str) -> dict[str, str]:
    # A URI reference: the name's own bytes, percent-encoded where a URI path cannot hold them (spaces,
    # non-ASCII, controls; a colon, which would read as a scheme in the first segment).
    return {"uri": quote(os.fsencode(common.normal_path(path)), safe="/!$&'()*+,;=@"), "uriBaseId": SRCROOT}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    """1-based; the end column is exclusive in both SARIF and simplelint. Never ends before it starts."""
    start = (max(line, 1), max(column, 1))
    end = max(start, (end_line, end_column))
    return {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]}


def _fix(path: str, fix: Fix) -> dict[str, Any]:
    return {
        "description": {"text": fix.message},
        "artifactChanges": [
            {"artifactLocation": _artifact(path), "replacements": [_replacement(e) for e in fix.edits]}
        ],
        "properties": {"applicability": fix.applicability},
    }


def _replacement(edit: Edit) -> dict[str, Any]:
    return {
        "deletedRegion": _region(edit.line, edit.column, edit.end_line, edit.end_column),
        "insertedContent": {"text": edit.content},
    }
