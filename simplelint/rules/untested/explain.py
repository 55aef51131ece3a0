"""`simplelint explain FILE::FUNCTION [--coverage DATA]`: which tests ran one function, from coverage data."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from simplelint.wording import plural

SHOWN = 20  # tests listed by name; the rest are counted


def explain_function(target: str, coverage_file: Optional[str]) -> str:
    """What the coverage data says of `path::qualname`; ValueError with a message for the user."""
    from simplelint.config.load import CliOverrides, load_settings
    from simplelint.ruleinfo import FileContext, python_ast
    from simplelint.rules.untested.facts import DOCTEST, LAMBDA, UntestedFacts

    path, _, qualname = target.partition("::")
    try:
        source = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    settings = load_settings([path], CliOverrides(coverage_file=coverage_file))
    tree = python_ast(source)
    if tree is None:
        raise ValueError(f"{path} is not valid Python")
    context = FileContext(path, source, settings, settings.module_name(path), settings.is_test(path))
    rows = [r for r in UntestedFacts.collect(tree, context)["d"] if not r[1] & (LAMBDA | DOCTEST)]
    row = next((r for r in rows if r[0] == qualname), None)
    if row is None:
        close = [r[0] for r in rows if r[0].rpartition(".")[2] == qualname.rpartition(".")[2]]
        hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
        raise ValueError(f"no function `{qualname}` in {path}{hint}")
    start, end = row[6], row[7]
    lines = f"line {start}" if start == end else f"lines {start}-{end}"
    head = f"{path}:{row[2]}: `{qualname}` (body: {lines})"
    if settings.coverage_file is None:
        return f"{head}\nno coverage data: give --coverage DATA to see the tests that ran it"
    return f"{head}\n{_verdict(path, settings.root, Path(settings.coverage_file), start, end)}"


def _verdict(path: str, root: Path, coverage_file: Path, start: int, end: int) -> str:
    from simplelint.rules.untested.coverage import CoverageDataError, load

    try:
        data = load(coverage_file)
    except CoverageDataError as error:
        raise ValueError(str(error)) from None
    name = coverage_file.name
    executed = data.lines_for(path, root)
    if executed is None:
        return f"not measured: {path} is not in {name}"
    if not any(start <= line <= end for line in executed):
        return f"never ran under the tests: no line of its body executed in {name}"
    by_line = data.tests_for(path, root)
    if by_line is None:
        return (
            f"ran under the tests; {name} has no per-test contexts to say which (record them with "
            "`dynamic_context = test_function` in coverage's config, or pytest-cov's `--cov-context=test`)"
        )
    tests = sorted(set().union(*(by_line.get(line, frozenset()) for line in range(start, end + 1))))
    if not tests:
        return f"runs only at import time; no test calls it (no test's context in {name} ran its body)"
    shown = "\n".join(f"  {test}" for test in tests[:SHOWN])
    more = f"\n  ... and {len(tests) - SHOWN} more" if len(tests) > SHOWN else ""
    return f"ran under {plural(len(tests), 'test')} in {name}:\n{shown}{more}"
