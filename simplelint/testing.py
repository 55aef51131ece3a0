"""Run a rule's own VALID/INVALID examples; the test suite calls this for every registered rule."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

from simplelint import registry
from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation
from simplelint.rule import Example, Invalid, RuleInfo, Valid


def settings_for(root: Path, codes: frozenset[str], options: Optional[Mapping[str, Any]] = None) -> Settings:
    """Default settings with only `codes` enabled; `options` override the rule's family table."""
    from simplelint.config.load import CliOverrides, RawConfig, _build

    from simplelint.config.pytest_config import find_pytest_config

    settings = _build(RawConfig(), {}, root, CliOverrides(select=sorted(codes)))
    settings.cache_dir = None
    settings.pytest = find_pytest_config(root, upward=False)  # the example's own, not the checkout's around it
    if options:
        table = registry.table_of(next(iter(codes))) or ""
        settings.options = {**settings.options, table: {**settings.options.get(table, {}), **options}}
    return settings


@contextmanager
def rules_added(*rules: type[RuleInfo]) -> Iterator[None]:
    """Run with these rules registered too, as if a plugin declared them (tests of the engine, of a rule)."""
    registry.ADDED.extend(rules)
    registry.forget()
    try:
        yield
    finally:
        for rule in rules:
            registry.ADDED.remove(rule)
        registry.forget()


def as_example(example: Example) -> Valid:
    return Valid(example) if isinstance(example, str) else example


def run_example(rule: type[RuleInfo], example: Example, fix: bool = False) -> tuple[list[Violation], dict[str, str]]:
    """Lint the example's file(s) with only this rule; with fix=True also apply every fix, unsafe included.

    Returns the violations of this rule and the text of each file afterwards.
    """
    from simplelint.run.runner import RunOptions, run

    example = as_example(example)
    files = dict(example.files) or {example.path: example.code}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder).resolve()
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        settings = settings_for(root, frozenset({rule.code}), example.options)
        if "coverage.json" in files:  # an SL302 example brings the `coverage json` report of its test run
            settings.coverage_file = root / "coverage.json"
        paths = sorted(str(root / name) for name in files)
        result = run(paths, settings, RunOptions(jobs=1, fix=fix, unsafe_fixes=fix, use_cache=False))
        after = dict(files)
        for file in result.files:
            if file.new_source is not None and file.fixed:
                after[str(Path(file.path).relative_to(root))] = file.new_source.decode("utf-8")
        found = [v for v in result.violations if v.code == rule.code]
        if result.errors:
            raise AssertionError("\n".join(result.errors))
    return found, after


__all__ = ["Invalid", "Valid", "run_example", "settings_for"]
