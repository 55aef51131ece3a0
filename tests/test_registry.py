"""The rule manifest: in step with the rule classes, and enough for a warm run to load no rule module."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simplelint import registry
from simplelint.rule import Rule
from simplelint.testing import rules_added

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_the_manifest_says_what_the_rule_classes_declare() -> None:
    written = json.loads(registry.MANIFEST.read_text(encoding="utf-8"))
    assert written == registry.builtin_manifest(), "rules changed: run `python -m simplelint.registry`"


def test_each_entry_names_its_own_class() -> None:
    for code, entry in registry.catalog().items():
        rule = registry.rule_class(code)
        assert (rule.code, rule.name) == (code, entry.name)


class _Extra(Rule):
    code = "SL997"
    name = "extra-rule"
    summary = "An added rule"


def test_added_rules_are_selectable_until_removed() -> None:
    with rules_added(_Extra):
        assert registry.expand("extra-rule") == {"SL997"}
        assert registry.rule_class("SL997") is _Extra
    assert "SL997" not in registry.catalog()


# Modules a run that reads every result from the cache may not import (in any process it starts).
_HEAVY = ("libcst", "simplelint.engine.analysis", "simplelint.rules.complexity", "simplelint.rules.simplify",
          "simplelint.rules.type_hints", "simplelint.rules.production.direct",
          "simplelint.rules.production.api")  # fmt: skip


def _imported(project: Path) -> set[str]:
    command = [sys.executable, "-X", "importtime", "-m", "simplelint", "check", "-q", "."]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    names = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return {name for name in names if name.startswith(_HEAVY)}


def test_a_warm_run_imports_no_libcst_and_no_per_file_rule(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "pipeline_project", project)
    assert "libcst" in _imported(project)  # cold: the files are analysed
    assert _imported(project) == set()


def test_rule_pages_are_in_step_with_the_docstrings() -> None:
    """docs/rules/ holds exactly what `python -m simplelint.registry` writes (a page per built-in rule and an
    index), as the manifest does."""
    pages = registry.rule_pages()
    written = {path.name: path.read_text(encoding="utf-8") for path in registry.DOCS.glob("*.md")}
    assert written == pages, "rule docs changed: run `python -m simplelint.registry`"
    assert set(pages) == {f"{code}.md" for code in registry.catalog() if registry.is_builtin(code)} | {"README.md"}
    assert pages["SL101.md"].startswith("# too-complex (SL101)\n") and "## Why is this bad?" in pages["SL101.md"]


def test_write_rule_pages_removes_pages_of_rules_that_are_gone(tmp_path: Path) -> None:
    (tmp_path / "SL999.md").write_text("gone\n", encoding="utf-8")
    registry.write_rule_pages(tmp_path)
    assert not (tmp_path / "SL999.md").exists()
    assert (tmp_path / "SL201.md").read_text(encoding="utf-8") == registry.explanation("SL201") + "\n"


def test_json_url_and_sarif_help_uri_point_at_the_rule_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the CLI: each built-in rule's link is docs/rules/<code>.md in pyproject.toml's Repository, at
    the release tag, and that page exists in the checkout."""
    from click.testing import CliRunner

    from simplelint import __version__
    from simplelint.cli import main

    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    repository = re.search(r'^Repository = "([^"]+)"', pyproject, re.M)
    assert repository, "[project.urls] names the Repository"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("def f(x):\n    return x == None\n", encoding="utf-8")
    flags = ["check", "--isolated", "--no-cache", "--select", "SL111,SL201"]
    records = json.loads(CliRunner().invoke(main, [*flags, "--output-format", "json", "."]).stdout)
    base = f"{repository.group(1)}/blob/v{__version__}/docs/rules/"
    assert [(r["code"], r["url"]) for r in records] == [("SL201", base + "SL201.md"), ("SL111", base + "SL111.md")]
    log = json.loads(CliRunner().invoke(main, [*flags, "--output-format", "sarif", "."]).stdout)
    assert [rule["helpUri"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == [
        base + "SL111.md",
        base + "SL201.md",
    ]
    for code in ("SL111", "SL201"):
        assert (registry.DOCS / f"{code}.md").is_file()
