"""The engine's pieces against LibCST's own: positions, traversal, isolation of failing rules."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any, Callable, ClassVar

import libcst as cst
import pathspec
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from simplelint.config.settings import DEFAULT_EXCLUDE, Matcher
from simplelint.engine import analysis as engine
from simplelint.engine.analysis import analyse
from simplelint.engine.positions import LineIndex, node_ranges
from simplelint.engine.traversal import traverse
from simplelint.rule import FactCollector, Rule, python_ast
from simplelint.testing import settings_for

PACKAGE = Path(__file__).resolve().parent.parent / "simplelint"
TRICKY = [
    "x = 1\r\ny = 'é'\r\n",
    "def f(a,\n      b):  # comment\n\treturn a\n",
    "@decorator\n@other(1)\nasync def g(*, k: int = 1) -> None:\n    pass\n",
    "x = f'{a!r:>{w}}' + \"\"\"multi\nline\"\"\"\nclass C(B, metaclass=M): pass\n",
    "x = 1\ry = 2\r",
    "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n# end without newline",
    "",
]


def _sources() -> list[str]:
    own = [p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))[:12]]
    return TRICKY + own


@pytest.mark.parametrize("source", _sources())
def test_positions_match_libcst_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = wrapper.resolve(PositionProvider)
    nodes = list(expected)
    index = LineIndex(module.code)
    ours = node_ranges(module, nodes, index)
    for node in nodes:
        want = expected[node]
        if want.end.line > len(index.starts):
            continue  # LibCST drops a final lone "\r" from the code, so spans past it cannot exist
        # LibCST columns are 0-based; ours are 1-based like ruff's.
        assert ours[node] == (want.start.line, want.start.column + 1, want.end.line, want.end.column + 1), node


@pytest.mark.parametrize("source", [s for s in _sources() if not s.endswith("\r")] + ["\n", "# only\n", "x = 1"])
def test_positions_take_one_code_generation_pass(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The offsets end where the text ends, so lines are not counted a second time in LibCST's code (issue 21)."""
    module = cst.parse_module(source)
    monkeypatch.setattr(cst.Module, "code", property(lambda self: pytest.fail("a second code generation")))
    assert node_ranges(module, [module.body[0]] if module.body else [module], LineIndex(source))


class _Recorder(cst.BatchableCSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.scopes: list[str] = []
        self.scope: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:  # not used by our traversal
        return True

    def visit_Name(self, node: cst.Name) -> None:
        self.seen.append(node.value)
        self.scopes.append(".".join(self.scope))


def test_traversal_visits_in_source_order_and_tracks_scope() -> None:
    module = cst.parse_module("@deco\ndef outer(a: T) -> R:\n    class Inner:\n        def m(self): x\n")
    recorder = _Recorder()
    scope: list[str] = []
    recorder.scope = scope
    traverse(module, [recorder], scope, lambda v, tb: None)
    assert recorder.seen == ["deco", "outer", "a", "T", "R", "Inner", "m", "self", "x"]
    assert recorder.scopes[-1] == "outer.Inner.m"
    assert scope == []


def test_traversal_reaches_the_same_nodes_as_libcst() -> None:
    source = (PACKAGE / "engine" / "analysis.py").read_text(encoding="utf-8")
    module = cst.parse_module(source)

    class Count(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.names: list[str] = []

        def visit_Name(self, node: cst.Name) -> None:
            self.names.append(node.value)

    theirs = Count()
    module.visit(theirs)
    ours = _Recorder()
    traverse(module, [ours], [], lambda v, tb: None)
    assert sorted(ours.seen) == sorted(theirs.names)


class _Broken(Rule):
    """## What it does\nFails on purpose.\n## Why is this bad?\nIt is a test.\n## Example\n`x`"""

    code = "SL999"
    name = "broken-on-purpose"
    summary = "Raises"
    VALID: ClassVar[list] = []

    def visit_Name(self, node: cst.Name) -> None:
        raise ValueError("boom")


class _Names(Rule):
    """## What it does\nReports names.\n## Why is this bad?\nTest.\n## Example\n`x`"""

    code = "SL998"
    name = "report-names"
    summary = "Reports every name"

    def visit_Name(self, node: cst.Name) -> None:
        self.report(node, f"name {node.value}")


@pytest.fixture
def extra_rules(add_rules: Callable[..., None]) -> None:
    add_rules(_Names, _Broken)


def test_a_failing_rule_is_reported_and_the_others_still_run(extra_rules: None, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, frozenset({"SL998", "SL999"}))
    analysis = analyse("m.py", b"a = b\n", settings)
    assert [v.message for v in analysis.result.violations] == ["name a", "name b"]
    assert len(analysis.result.errors) == 1
    assert "SL999 (broken-on-purpose)" in analysis.result.errors[0] and "boom" in analysis.result.errors[0]


class _SkipsChildren(Rule):
    """Written for LibCST's own traversal: returning False there skips a node's children."""

    code = "SL987"
    name = "skips-children"
    summary = "Returns False"

    def visit_Call(self, node: cst.Call) -> bool:
        return False


def test_a_visit_method_that_returns_a_value_is_reported_and_the_others_still_run(
    add_rules: Callable[..., None], tmp_path: Path
) -> None:
    add_rules(_Names, _SkipsChildren)
    settings = settings_for(tmp_path, frozenset({"SL998", "SL987"}))
    analysis = analyse("m.py", b"f(a)\ng(b)\n", settings)
    assert [v.message for v in analysis.result.violations] == ["name f", "name a", "name g", "name b"]
    [error] = analysis.result.errors  # once: the rule is switched off for the rest of the file
    assert "SL987 (skips-children)" in error
    assert "_SkipsChildren.visit_Call returned False: visit methods must return None" in error


@pytest.mark.parametrize("method", ["visit_If_body", "leave_If_body", "visit_FunctionDef_params"])
@pytest.mark.parametrize("base", [Rule, FactCollector])
def test_attribute_visitors_are_refused_when_the_class_is_created(base: type, method: str) -> None:
    with pytest.raises(TypeError, match=f"Attributes.{method}: attribute visitors .* are not supported"):
        type("Attributes", (base,), {method: lambda self, node: None})


def test_a_helper_named_visit_something_is_no_attribute_visitor() -> None:
    class Helpers(Rule):
        def visit_Name(self, node: cst.Name) -> None:
            self.visit_names_of(node)

        def visit_names_of(self, node: cst.CSTNode) -> None:  # no node type `names`: a plain helper
            pass

    assert Helpers.visit_names_of


def test_violation_positions_and_context(extra_rules: None, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, frozenset({"SL998"}))
    source = "class C:\n    def m(self):\n        return value\n"
    found = analyse("m.py", source.encode(), settings).result.violations
    value = next(v for v in found if v.message == "name value")
    assert (value.line, value.column, value.end_line, value.end_column) == (3, 16, 3, 21)
    assert value.context == "C.m"
    assert value.snippet == "value"


@pytest.mark.parametrize("depth", [1000, 5000])
def test_deep_nesting_never_raises(extra_rules: None, tmp_path: Path, depth: int) -> None:
    settings = settings_for(tmp_path, frozenset({"SL998"}))
    for source in ("x = " + "(" * depth + "1" + ")" * depth + "\n", "x = " + "-" * depth + "1\n"):
        result = analyse("deep.py", source.encode(), settings).result
        codes = {v.code for v in result.violations}
        assert codes & {"SL001", "SL004", "SL998"}, codes
        assert not result.errors


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("x = " + "f(1, " * 300 + "1" + ")" * 300 + "\n", True),
        ("x = " + "{1: " * 300 + "1" + "}" * 300 + "\n", True),
        ("x = " + "not " * 1500 + "1\n", True),
        ('x = f"{' + "(" * 250 + "1" + ")" * 250 + '}"\n', True),
        ("x = '" + "(" * 300 + "'\n", False),  # brackets in strings and comments do not nest
        ("# " + "[" * 300 + "\nx = 1\n", False),
        ("x = '" + "- " * 1500 + "'\n", False),
        ("x = " + "(" * 150 + "1" + ")" * 150 + "\n", False),
        ("x = " + " + ".join(["a"] * 8000) + "\n", True),  # LibCST's parser crashes from about 7,000
        ("x = (" + " or\n ".join(["a"] * 8000) + ")\n", True),
        ("x = [" + ", ".join(["-1"] * 8000) + "]\n", False),  # long, but nothing chains
        ("x = " + " + ".join(["a"] * 2000) + "\n", False),
    ],
)
def test_nesting_guard_counts_code_not_strings(tmp_path: Path, source: str, flagged: bool) -> None:
    settings = settings_for(tmp_path, frozenset({"SL004"}))
    result = analyse("deep.py", source.encode(), settings).result
    assert ({v.code for v in result.violations} == {"SL004"}) is flagged
    assert not result.errors


@pytest.mark.parametrize(
    "patterns",
    [
        list(DEFAULT_EXCLUDE),
        ["tests/**", "*.pyi", "foo", "!foo/keep.py"],
        ["migrations", "docs/", "/top.py", "a/*/b.py", "*_pb2.py"],
        ["# comment", "", "x[ab].py", "build"],
    ],
)
def test_fast_matcher_agrees_with_pathspec(patterns: list[str]) -> None:
    parts = ["a", "venv", "build", "x.egg-info", "tests", "foo", "keep.py", "migrations", "docs", "top.py", "m_pb2.py"]
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    ours = Matcher(patterns)
    for combo in itertools.chain(itertools.product(parts, repeat=2), itertools.product(parts, repeat=3)):
        for path in ("/".join(combo), "/".join(combo) + "/"):
            assert ours.match_file(path) == bool(spec.match_file(path)), (patterns, path)


def test_cache_key_follows_our_code_not_its_modification_times() -> None:
    """A reinstall of the same code (CI restoring a cache folder) keeps the cache; an edit does not."""
    from simplelint.config import settings as settings_module

    before = settings_module._code_stamp()
    module = Path(settings_module.__file__)
    times = module.stat()
    os.utime(module, ns=(times.st_atime_ns, times.st_mtime_ns + 10**9))
    try:
        assert settings_module._code_stamp() == before
    finally:
        os.utime(module, ns=(times.st_atime_ns, times.st_mtime_ns))


def test_a_large_files_python_tree_is_let_go_before_libcst_parses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SL301 reads its facts from CPython's tree; SL118 asks which names the file binds (a summary of it).
    source = b"x = [1]\nif len(x):\n    pass\n\n\ndef f():\n    return x\n"
    settings = settings_for(tmp_path, frozenset({"SL118", "SL301"}))
    small = analyse("m.py", source, settings).result
    trees_at_parse: list[int] = []
    real_parse = engine._parse

    def parse(*args: Any) -> Any:
        trees_at_parse.append(python_ast.cache_info().currsize)
        return real_parse(*args)

    monkeypatch.setattr(engine, "_parse", parse)
    monkeypatch.setattr(engine, "LARGE_FILE", 0)
    python_ast.cache_clear()
    large = analyse("m.py", source, settings).result
    assert trees_at_parse == [0]
    assert (large.violations, large.facts) == (small.violations, small.facts)
    assert [v.code for v in large.violations] == ["SL118"]
