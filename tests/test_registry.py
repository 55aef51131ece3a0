"""The rule manifest: in step with the rule classes, and enough for a warm run to load no rule module."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

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
