"""JUnit XML as ruff writes it: a test suite per file, a failed test case per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from simplelint.engine.violation import Violation
from simplelint.output import ReportContext, common

PACKAGE = "org.simplelint"
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(violations: list[Violation], context: ReportContext) -> str:
    count = str(len(violations))
    root = ET.Element("testsuites", name="simplelint", tests=count, failures=count, errors="0")
    if not violations:
        # An empty report still has one passing case, so CI shows that the check ran.
        suite = _suite(root, "simplelint", 1, 0)
        ET.SubElement(suite, "testcase", name="No errors found", classname="simplelint")
    for path, found in sorted(_by_path(violations).items()):
        suite = _suite(root, path, len(found), len(found))
        for violation in found:
            _case(suite, path, violation)
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _by_path(violations: list[Violation]) -> dict[str, list[Violation]]:
    grouped: dict[str, list[Violation]] = {}
    for violation in violations:
        grouped.setdefault(common.portable_path(violation.path), []).append(violation)
    return grouped


def _suite(root: ET.Element, name: str, tests: int, failures: int) -> ET.Element:
    attributes = {"name": name, "tests": str(tests), "disabled": "0", "errors": "0", "failures": str(failures)}
    return ET.SubElement(root, "testsuite", attributes, package=PACKAGE)


def _case(suite: ET.Element, path: str, violation: Violation) -> None:
    message = _NOT_XML.sub("\ufffd", violation.message)
    classname = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    attributes = {"name": f"{PACKAGE}.{violation.code}", "classname": classname}
    line, column = violation.in_file[:2]  # in a notebook, the JSON text's; the text names the cell's
    case = ET.SubElement(suite, "testcase", attributes, line=str(line), column=str(column))
    failure = ET.SubElement(case, "failure", message=message)
    cell = f"cell {violation.cell}, " if violation.cell is not None else ""
    failure.text = f"{cell}line {violation.line}, col {violation.column}, {message}"
