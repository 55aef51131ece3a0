"""JUnit XML as ruff writes it: a test suite per file, a failed test case per finding.

A warning (`[tool.simplelint.severity]`) is a skipped test case rather than a failed one: CI systems show it
apart (Jenkins and GitLab in yellow) and do not fail the build on it, as the exit code does not."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from simplelint.engine.violation import Violation
from simplelint.output import ReportContext, common

PACKAGE = "org.simplelint"
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(violations: list[Violation], context: ReportContext) -> str:
    count, failed = str(len(violations)), str(_failures(violations))
    root = ET.Element("testsuites", name="simplelint", tests=count, failures=failed, errors="0")
    if int(count) > int(failed):
        root.set("skipped", str(int(count) - int(failed)))
    if not violations:
        # An empty report still has one passing case, so CI shows that the check ran.
        suite = _suite(root, "simplelint", [])
        ET.SubElement(suite, "testcase", name="No errors found", classname="simplelint")
    for path, found in sorted(_by_path(violations).items()):
        suite = _suite(root, path, found)
        for violation in found:
            _case(suite, path, violation)
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _by_path(violations: list[Violation]) -> dict[str, list[Violation]]:
    grouped: dict[str, list[Violation]] = {}
    for violation in violations:
        grouped.setdefault(common.portable_path(violation.path), []).append(violation)
    return grouped


def _failures(violations: list[Violation]) -> int:
    return sum(1 for violation in violations if violation.severity != "warning")


def _suite(root: ET.Element, name: str, found: list[Violation]) -> ET.Element:
    """The suite of one file's findings (none: the one passing case of a clean run)."""
    tests, failures = max(len(found), 1), _failures(found)
    attributes = {"name": name, "tests": str(tests), "disabled": "0", "errors": "0", "failures": str(failures)}
    if len(found) > failures:
        attributes["skipped"] = str(len(found) - failures)
    return ET.SubElement(root, "testsuite", attributes, package=PACKAGE)


def _case(suite: ET.Element, path: str, violation: Violation) -> None:
    message = _NOT_XML.sub("\ufffd", violation.message)
    classname = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    attributes = {"name": f"{PACKAGE}.{violation.code}", "classname": classname}
    line, column = violation.in_file[:2]  # in a notebook, the JSON text's; the text names the cell's
    case = ET.SubElement(suite, "testcase", attributes, line=str(line), column=str(column))
    if violation.severity == "warning":
        failure = ET.SubElement(case, "skipped", message=f"warning: {message}")
    else:
        failure = ET.SubElement(case, "failure", message=message)
    cell = f"cell {violation.cell}, " if violation.cell is not None else ""
    failure.text = f"{cell}line {violation.line}, col {violation.column}, {message}"
