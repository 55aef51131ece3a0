"""Riders: one collector's facts gathered in another's walk of CPython's tree (dead code's mentions of a file
read for facts only, in SL301's walk). A rider sees every node of the types it asks for, once, parents first,
whichever walk carries it; its facts equal what its collector gathers alone."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import simplelint
from simplelint.engine.analysis import _ast_facts, context_for
from simplelint.engine.result import FileResult
from simplelint.ruleinfo import AstFactCollector, FileContext, Rider, walk_riders
from simplelint.rules.dead_code.facts import DeadCodeFacts
from simplelint.rules.untested.facts import _NOT_CARRIED, UntestedFacts
from simplelint.testing import settings_for

# Every kind of node that Python 3.11's grammar makes, most of them in odd places.
EVERYTHING = '''\
"""Module docstring.

>>> shown(1)
"""
import os.path as osp, sys
from . import sibling
from .pkg.mod import name as alias, other
from typing import *


@decorator(arg=1, *rest, **options)
class Box(Base, metaclass=Meta):
    """A box."""

    field: "Annotated[int, 0]" = 1

    async def run(self, a, /, b=2, *args, c: int = 3, **kwargs) -> None:
        global counter
        async with open(a) as handle, other():
            async for item in handle:
                await item
        x = lambda y, z=1: y.attr.deep(z)
        del self.attribute[0], x
        return {k: v for k, v in kwargs.items() if k} | {*args} or [i async for i in b]


def shown(value):
    nonlocal_value = 1

    def inner():
        nonlocal nonlocal_value
        nonlocal_value += value @ value
    match value:
        case Box(field=1, other=[first, *rest]) | {"key": _, **extra} as whole if whole:
            pass
        case None | 1.5 | -2j:
            raise ValueError(f"{value!r:>{width}} and {value.name=}") from None
    try:
        yield (yield from range(3))
    except* (TypeError, KeyError) as group:
        print(group, sep=getattr(sys, "stdout"), end=b"\\n")
    finally:
        assert not value < 1 <= 2 is not None in (1, 2), "message"
    while (walrus := next(value, None)) is not None:
        value.attr[1:2:3], *unpacked = walrus if walrus else ~walrus, -walrus
    else:
        for index in range(10): continue
    with open("x") as one:
        break_ = [one, *(one,), {one: one, **{}}]
    return globals()[dir(sys)[0]]
'''


class _Recorder(Rider):
    def __init__(self, kinds: set[type]) -> None:
        self.seen: list[ast.AST] = []
        self.handlers = dict.fromkeys(kinds, self.seen.append)

    def facts(self) -> list[ast.AST]:
        return self.seen


def _carried() -> set[type]:
    return {kind for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.AST)} - _NOT_CARRIED


def _context(
    source: str, path: str = "pkg/mod.py", facts_only: tuple[str, ...] = (), doctests: bool = False
) -> FileContext:
    settings = settings_for(Path(__file__).parent, frozenset({"SL301", "SL501"}))
    settings.tests_checked = False  # as in a run that checks the package: a test file read for facts rides
    if doctests:
        settings.options = {**settings.options, "tests": {**settings.options.get("tests", {}), "doctests": True}}
    return context_for(path, source.encode(), settings.for_facts(facts_only) if facts_only else settings)


def _sources() -> list[str]:
    """The snippet above, and simplelint's own modules (real code, every construct it uses)."""
    package = Path(simplelint.__file__).parent
    return [EVERYTHING] + [path.read_text(encoding="utf-8") for path in sorted(package.rglob("*.py"))[:40]]


@pytest.mark.parametrize("carried_by", ["SL301's walk", "a walk of its own"])
def test_a_rider_sees_every_node_of_its_types_once_parents_first(carried_by: str) -> None:
    for source in _sources():
        tree = ast.parse(source)
        recorder = _Recorder(_carried())
        if carried_by == "a walk of its own":
            walk_riders(tree, [recorder])
        else:
            UntestedFacts.collect_carrying(tree, _context(source), [recorder])
        expected = [node for node in ast.walk(tree) if type(node) not in _NOT_CARRIED]
        assert sorted(map(id, recorder.seen)) == sorted(map(id, expected))
        order = {id(node): number for number, node in enumerate(recorder.seen)}
        for parent in expected:
            for child in ast.iter_child_nodes(parent):
                if type(child) not in _NOT_CARRIED:
                    assert order[id(parent)] < order[id(child)]


def test_two_riders_of_one_walk_each_see_their_nodes() -> None:
    tree = ast.parse(EVERYTHING)
    names, calls_and_names = _Recorder({ast.Name}), _Recorder({ast.Call, ast.Name})
    walk_riders(tree, [names, calls_and_names])
    assert len(names.seen) == sum(isinstance(n, ast.Name) for n in ast.walk(tree))
    expected = [node for node in ast.walk(tree) if type(node) in (ast.Call, ast.Name)]
    assert sorted(map(id, calls_and_names.seen)) == sorted(map(id, expected))


def test_riding_changes_nothing_of_sl301s_facts() -> None:
    for source in _sources():
        context = _context(source, doctests=True)
        alone = UntestedFacts.collect(ast.parse(source), context)
        assert UntestedFacts.collect_carrying(ast.parse(source), context, [_Recorder(_carried())]) == alone


@pytest.mark.parametrize("kind", sorted(_NOT_CARRIED, key=lambda kind: kind.__name__))
def test_a_rider_cannot_ask_for_nodes_the_walk_reads_itself(kind: type) -> None:
    with pytest.raises(ValueError, match=kind.__name__):
        UntestedFacts.collect_carrying(ast.parse("f(*a, k=1) in (1, 2)\n"), _context(""), [_Recorder({kind})])


def test_dead_codes_mentions_are_the_same_ridden_or_alone() -> None:
    mentions = 0
    for source in _sources():
        context = _context(source, path="tests/test_mod.py", facts_only=("untested", "dead-code"))
        rider = DeadCodeFacts.rider(context)
        assert rider is not None
        UntestedFacts.collect_carrying(ast.parse(source), context, [rider])
        assert rider.facts() == DeadCodeFacts.collect(ast.parse(source), context)
        mentions += len(rider.facts()["n"])
    assert mentions > 1000  # names found, not empty walks compared


def test_a_file_read_whole_mentions_what_it_mentions_read_for_mentions_only() -> None:
    """`_Facts._scan` inlines `_Mentions`' handlers for names, attributes and strings: the same mentions."""
    for source in _sources():
        mentions_only = _context(source, path="tests/test_mod.py", facts_only=("dead-code",))
        checked = _context(source, path="tests/test_mod.py")
        alone, full = (DeadCodeFacts.collect(ast.parse(source), c) for c in (mentions_only, checked))
        assert not alone["d"] and (full["d"] or "def " not in source)
        assert {key: full[key] for key in "npgs"} == {key: alone[key] for key in "npgs"}


class _Broken(AstFactCollector):
    name = "broken"
    carries_riders = True

    @classmethod
    def collect_carrying(cls, tree: ast.Module, context: FileContext, riders: Any) -> Any:
        raise RuntimeError("a bug in the walk")


def test_riders_of_a_walk_that_breaks_walk_on_their_own() -> None:
    context = _context(EVERYTHING, path="tests/test_mod.py", facts_only=("broken", "dead-code"))
    result = FileResult("tests/test_mod.py", "")
    _ast_facts(context, [_Broken, DeadCodeFacts], result)
    assert result.facts == {"dead-code": DeadCodeFacts.collect(ast.parse(EVERYTHING), context)}
    assert len(result.errors) == 1 and "a bug in the walk" in result.errors[0]
