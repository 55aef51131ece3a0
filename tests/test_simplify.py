"""SL110-SL121 beyond their own examples: safe fixes keep behaviour, unsafe ones are unsafe for a reason."""

from __future__ import annotations

import inspect
import itertools
import json
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

import pytest
from click.testing import CliRunner

from simplelint.cli import main
from simplelint.fix import fixer
from simplelint.rule import Invalid
from simplelint.rules import simplify
from simplelint.testing import run_example, settings_for

CODES = frozenset(rule.code for rule in simplify.RULES)


def _fix(tmp_path: Path, source: str, unsafe: bool, codes: frozenset[str] = CODES) -> str:
    path = tmp_path / "cases.py"
    path.write_text(source, encoding="utf-8")
    result = fixer.fix_source(str(path), source.encode(), settings_for(tmp_path, codes), unsafe)
    assert not result.errors, result.errors
    assert result.new_source is not None
    return result.new_source.decode()


NO_FIX = [
    pytest.param(rule, example, id=f"{rule.code}-{i}")
    for rule in simplify.RULES
    for i, example in enumerate(rule.INVALID)
    if isinstance(example, Invalid) and example.fixed is None
]


@pytest.mark.parametrize(("rule", "example"), NO_FIX)
def test_examples_without_fixed_text_are_reported_without_a_fix(rule: type, example: Invalid) -> None:
    found, _ = run_example(rule, example)
    assert found and all(v.fix is None for v in found)


def test_every_fixable_rule_explains_its_fix_safety() -> None:
    for rule in simplify.RULES:
        docs = rule.docs()
        assert "## Use instead" in docs and "## Fix safety" in docs, rule.code
        assert rule.code.startswith("SL1") and 110 <= int(rule.code[2:]) <= 129


def test_the_family_is_listed_and_explained() -> None:
    listed = CliRunner().invoke(main, ["rules"]).stdout
    for rule in simplify.RULES:
        assert f"{rule.code}  {rule.name}" in listed
    explained = CliRunner().invoke(main, ["explain", "superfluous-else"]).stdout
    assert explained.startswith("# superfluous-else (SL113)") and "## Fix safety" in explained


# --- safe fixes keep behaviour for every input, including odd objects ------------------------------------

SAFE = '''
def needless(x):
    if x:
        return True
    return False


def needless_inverted(x, y):
    if x is y:
        return False
    else:
        return True


def needless_not(x):
    if not x:
        return False
    return True


def needless_in(x, y):
    if x in y:
        return True
    return False


def needless_elif(x, y):
    if x:
        return 1
    elif y:
        return True
    else:
        return False


def needless_elif_not(x, y):
    if x:
        raise ValueError(x)
    elif not y:
        return False
    else:
        return True


def else_after_return(x):
    if x:
        return 1
    elif x == 0:
        return 2
    else:
        y = 3
    return y


def collapsible(x, y):
    out = []
    if x:
        if y or x:
            out.append(1)
    return out


def ternaries(x):
    return True if x else False, False if x else True, True if x is None else False


def double(x):
    return not not x, 1 if not not x else 2


def ternary_or(x, y):
    return x if x else y


def dict_keys(x):
    seen = {"a": x, 0: 1}
    return [str(k) for k in seen.keys()], x in seen.keys()


def len_tests(x, *rest):
    found = list(rest)
    if x:
        found = sorted(rest)
    return bool(len(found)), 1 if not len(rest) else 2, [y for y in rest if len(found)]


def loop(xs):
    out = []
    for x in xs:
        if x:
            continue
        else:
            out.append(x)
    return out
'''


class Truth:
    """Counts how often Python asks for its truth."""

    calls = 0

    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        Truth.calls += 1
        return self.value

    def __eq__(self, other: object) -> Any:
        return "equal?"  # a non-bool, as numpy and SQLAlchemy return

    __hash__ = object.__hash__

    def __contains__(self, item: object) -> bool:
        return bool(self.value)

    def __iter__(self) -> Any:
        return iter([self.value, 0])

    def __repr__(self) -> str:
        return f"Truth({self.value})"


class Ambiguous:
    def __bool__(self) -> bool:
        raise ValueError("truth value is ambiguous")

    def __repr__(self) -> str:
        return "Ambiguous()"


INPUTS: list[Callable[[], Any]] = [
    lambda: 0, lambda: 1, lambda: 2, lambda: "", lambda: "a", lambda: [], lambda: [0], lambda: None,
    lambda: True, lambda: False, lambda: Truth(True), lambda: Truth(False), lambda: Ambiguous(),
]


def _behaviour(source: str) -> dict[str, list[tuple[str, int]]]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "cases", "exec"), namespace)
    seen: dict[str, list[tuple[str, int]]] = {}
    for name, function in namespace.items():
        if not inspect.isfunction(function):
            continue
        arity = len(inspect.signature(function).parameters)
        for makers in itertools.product(INPUTS, repeat=arity):
            Truth.calls = 0
            try:
                outcome = repr(function(*(make() for make in makers)))
            except Exception as error:
                outcome = type(error).__name__
            seen.setdefault(name, []).append((outcome, Truth.calls))
    return seen


def test_safe_fixes_keep_behaviour_for_every_input(tmp_path: Path) -> None:
    fixed = _fix(tmp_path, SAFE, unsafe=False)
    remaining = fixer.fix_source("x.py", SAFE.encode(), settings_for(tmp_path, CODES), False).violations
    assert remaining == []
    assert "else:" not in fixed and "not not" not in fixed and "True if" not in fixed and "len(" not in fixed
    assert ".keys()" not in fixed
    assert _behaviour(fixed) == _behaviour(SAFE)


# --- unsafe fixes are unsafe for the reasons their docs give ---------------------------------------------


@pytest.mark.parametrize(
    ("source", "call", "before", "after"),
    [
        ("def f(x):\n    return x == True\n", "f(2)", False, 2),
        ("def f(x):\n    return x == None\n", "f(Truth(True))", "equal?", False),
        ("def f(x):\n    return True if x == 1 else False\n", "f(Truth(True))", True, "equal?"),
        ("def f(d):\n    return 'a' in d.keys()\n", "f(Frame())", True, False),
        ("def f(d):\n    return {k: v for k, v in d}\n", "f({(1, 2): 3})", {1: 2}, {(1, 2): 3}),
        ("def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n", "f({0: 'a', 1: 'b'}) or out", None, None),
        ("def f(it):\n    return next(it) if next(it) else 0\n", "f(iter([1, 2, 3]))", 2, 1),
    ],
    ids=["SL112", "SL111", "SL117", "SL116", "SL115", "SL119", "SL121"],
)
def test_unsafe_fixes_change_behaviour_for_some_input(
    tmp_path: Path, source: str, call: str, before: Any, after: Any
) -> None:
    assert _fix(tmp_path, source, unsafe=False) == source, "an unsafe fix was applied without --unsafe-fixes"
    fixed = _fix(tmp_path, source, unsafe=True)
    assert fixed != source
    results = []
    for text in (source, fixed):
        printed: list[Any] = []
        namespace = {"Truth": Truth, "Frame": _Frame, "print": printed.append, "out": printed}
        exec(compile(text, "case", "exec"), namespace)
        results.append(eval(call, namespace))
    if before is not None:
        assert results == [before, after]
    else:
        assert results[0] != results[1]


class _Frame:
    """Iterates something else than its keys, like a pandas DataFrame's rows vs columns."""

    def keys(self) -> list[str]:
        return ["a"]

    def __iter__(self) -> Any:
        return iter(["column"])


# --- details ---------------------------------------------------------------------------------------------


def test_shadowed_builtins_disable_fixes_or_findings(tmp_path: Path) -> None:
    source = "from x import y as bool\nlist = tuple\na = not not b\nc = [d for d in e]\n"
    assert _fix(tmp_path, source, unsafe=True) == source
    violations = fixer.fix_source("m.py", source.encode(), settings_for(tmp_path, CODES), True).violations
    assert [v.code for v in violations] == ["SL120"]


def test_range_len_fix_picks_a_name_the_file_does_not_use(tmp_path: Path) -> None:
    source = "def f(names, name, item):\n    for i in range(len(names)):\n        print(names[i], name, item)\n"
    assert _fix(tmp_path, source, unsafe=True) == (
        "def f(names, name, item):\n    for element in names:\n        print(element, name, item)\n"
    )


def test_range_len_in_a_class_body_is_reported_not_fixed(tmp_path: Path) -> None:
    source = "class C:\n    for i in range(len(xs)):\n        print(xs[i])\n"
    assert _fix(tmp_path, source, unsafe=True) == source


def test_needless_bool_return_keeps_comments_above_the_if(tmp_path: Path) -> None:
    source = "def f(x):\n    # is it set?\n    if x is not None:\n        return True\n    return False\n"
    assert _fix(tmp_path, source, unsafe=False) == "def f(x):\n    # is it set?\n    return x is not None\n"


def test_superfluous_else_in_a_match_case_and_a_decorated_method(tmp_path: Path) -> None:
    source = (
        "class C:\n"
        "    @property\n"
        "    def f(self):\n"
        "        match self.x:\n"
        "            case 1:\n"
        "                if self.y:\n"
        "                    return 1\n"
        "                else:\n"
        "                    return 2\n"
    )
    assert _fix(tmp_path, source, unsafe=False) == source.replace(
        "                else:\n                    return 2\n", "                return 2\n"
    )


# --- issue 12 "every finding true": reproducers through the command line ---------------------------------


class Finding(NamedTuple):
    code: str
    line: int
    message: str
    fix: Optional[str]  # "safe", "unsafe" or None


def _check(path: Path, source: str, select: str = "SL11,SL12") -> list[Finding]:
    """The findings `simplelint check` reports on `source`, and how each one can be fixed."""
    path.write_text(source, encoding="utf-8")
    args = ["check", "--isolated", "--no-cache", "--select", select, "--output-format", "json", str(path)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return [
        Finding(f["code"], f["location"]["row"], f["message"], f["fix"] and f["fix"]["applicability"])
        for f in json.loads(result.stdout)
    ]


def _fixed(path: Path, source: str, select: str = "SL11,SL12") -> str:
    """`source` after `simplelint check --fix --unsafe-fixes`."""
    path.write_text(source, encoding="utf-8")
    args = ["check", "--isolated", "--no-cache", "--select", select, "--fix", "--unsafe-fixes", "-q", str(path)]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code in (0, 1) and not result.stderr, result.output
    return path.read_text(encoding="utf-8")


CASE_TABLE = """\
def sign_of_product(a, b):
    if a > 0 and b > 0:  # + +
        return 1
    elif a < 0 and b > 0:  # - +
        return -1
    elif a > 0 and b < 0:  # + -
        return -1
    else:  # - -
        return 1
"""


@pytest.mark.parametrize(
    "source",
    [
        CASE_TABLE,
        # A comment on its own line above the `else` belongs to the `else` as much as one after its colon.
        "def f(x):\n    if x:\n        return 1\n    # otherwise\n    else:\n        return 2\n",
        "def f(x):\n    if x:\n        return 1\n    else: return 2  # the rest\n",
    ],
    ids=["case-table", "comment-above-else", "comment-on-one-line-else"],
)
def test_superfluous_else_offers_no_fix_when_a_removed_keyword_carries_a_comment(tmp_path: Path, source: str) -> None:
    path = tmp_path / "case.py"
    assert [(f.code, f.fix) for f in _check(path, source, "SL113")] == [("SL113", None)]
    assert _fixed(path, source, "SL113") == source


def test_no_simplify_fix_drops_a_comment(tmp_path: Path) -> None:
    # SL119's fix replaces every `names[i]`: a comment inside one of them would go with it.
    source = "def f(names):\n    for i in range(len(names)):\n        print(names[\n            i  # the i-th\n        ])\n"
    path = tmp_path / "case.py"
    assert [(f.code, f.fix) for f in _check(path, source)] == [("SL119", None)]
    assert _fixed(path, source) == source


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        (
            "def f(x):\n    if x:\n        return True\n    else:\n        return False\n",
            "def f(x):\n    return bool(x)\n",
        ),
        (
            "def f(xs):\n    for x in xs:\n        if x is None:\n            return False\n        else:\n            return True\n",
            "def f(xs):\n    for x in xs:\n        return x is not None\n",
        ),
    ],    ids=["if-else", "inverted-in-a-loop"],
)
def test_an_if_else_returning_bools_is_one_finding_sl110(tmp_path: Path, source: str, fixed: str) -> None:
    path = tmp_path / "case.py"
    assert [(f.code, f.line) for f in _check(path, source)] == [("SL110", source[: source.index("if")].count("\n") + 1)]
    assert _fixed(path, source) == fixed


ELIF_BOOL = """\
def f(a, b):
    if a:
        return 1
    elif not b:
        return True
    else:
        return False
"""


def test_a_trailing_elif_returning_bools_is_reported_and_fixed_as_ruff_sim103_does(tmp_path: Path) -> None:
    path = tmp_path / "case.py"
    assert [(f.code, f.line, f.fix) for f in _check(path, ELIF_BOOL)] == [("SL110", 4, "safe")]
    assert _fixed(path, ELIF_BOOL) == "def f(a, b):\n    if a:\n        return 1\n    return not b\n"


def test_a_trailing_elif_that_becomes_an_else_keeps_behaviour(tmp_path: Path) -> None:
    source = (
        "def f(x, y):\n    out = 0\n    if x:\n        out = 1\n    elif y is None:\n        return False\n"
        "    else:\n        return True\n    return out\n"
    )
    fixed = _fix(tmp_path, source, unsafe=False)
    assert "elif" not in fixed and _behaviour(fixed) == _behaviour(source)


def test_a_trailing_elif_after_a_branch_that_falls_through_keeps_an_else(tmp_path: Path) -> None:
    # ruff's SIM103 fix would return `b in c` after `log(a)` too; only the `elif` can become `else`.
    source = (
        "def f(a, b, c):\n    if a:\n        log(a)\n    elif b in c:\n        return True\n    else:\n"
        "        return False\n    return None\n"
    )
    path = tmp_path / "case.py"
    assert [(f.code, f.line, f.fix) for f in _check(path, source)] == [("SL110", 4, "safe")]
    assert _fixed(path, source) == (
        "def f(a, b, c):\n    if a:\n        log(a)\n    else:\n        return b in c\n    return None\n"
    )


GUARDED = "    if ready:\n        run()\n"


@pytest.mark.parametrize(
    "guard",
    [
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n",
        "import typing\nif typing.TYPE_CHECKING:\n",
        "import sys\nif sys.version_info >= (3, 11):\n",
        "import sys\nif sys.platform == 'win32':\n",
        "if __name__ == '__main__':\n",
        "from typing import TYPE_CHECKING as TC\nif TC:\n",
        "from sys import version_info as v\nif v[:2] >= (3, 8) and fast:\n",
        "import sys\nif sys.version_info < (3, 9):\n    pass\nelif slow:\n",
        "if x:\n    pass\nelif __name__ == '__main__':\n",
        "if True:\n",
        "if __debug__:\n",  # ruff merges it; issue 12 lists it with the guards
    ],
)
def test_collapsible_if_leaves_guard_blocks_alone_as_ruff_sim102_does(tmp_path: Path, guard: str) -> None:
    assert _check(tmp_path / "case.py", guard + GUARDED, "SL114") == []


@pytest.mark.parametrize(
    "source",
    [
        "if self.platform == 'win32':\n" + GUARDED,
        "if not TYPE_CHECKING:\n" + GUARDED,
        "if ready:\n    if TYPE_CHECKING:\n        run()\n",
    ],
)
def test_collapsible_if_still_merges_what_ruff_sim102_merges(tmp_path: Path, source: str) -> None:
    assert [f.code for f in _check(tmp_path / "case.py", source, "SL114")] == ["SL114"]


@pytest.mark.parametrize(
    "source",
    [
        "def test_clear(cache):\n    cache.clear()\n    assert len(cache) == 0\n",
        "def f(rows):\n    if len(rows) > 0:\n        return rows[0]\n",
        "import numpy as np\n\ndef f(x):\n    arr = np.asarray(x)\n    if len(arr):\n        return arr.sum()\n",
        "def f(items):\n    while len(items):\n        items.pop()\n",
        "def f(self):\n    return not len(self.items)\n",
        "def f():\n    found = []\n    found = lookup()\n    if len(found):\n        return found\n",
        "n = len(xs)\nok = len(xs) and flag\n",
    ],
    ids=["assert-len-eq-0", "len-gt-0", "numpy-array", "unknown-parameter", "attribute", "rebound", "not-a-test"],
)
def test_len_test_leaves_comparisons_and_unknown_objects_alone(tmp_path: Path, source: str) -> None:
    assert _check(tmp_path / "case.py", source, "SL118") == []


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        (
            "def f(names: list[str]):\n    if not len(names):\n        return None\n",
            "def f(names: list[str]):\n    if not names:\n        return None\n",
        ),
        (
            "def f(*args):\n    queue = list(args)\n    while len(queue) and bool(len(args)):\n        queue.pop()\n",
            "def f(*args):\n    queue = list(args)\n    while queue and bool(args):\n        queue.pop()\n",
        ),
        (
            "def f(pairs):\n    seen = {}\n    seen['a'] = 1\n    return 1 if len(seen) else 2\n",
            "def f(pairs):\n    seen = {}\n    seen['a'] = 1\n    return 1 if seen else 2\n",
        ),
    ],
    ids=["annotated-parameter", "built-and-star-args", "dict-literal"],
)
def test_len_test_flags_a_builtin_collection_tested_for_truth(tmp_path: Path, source: str, fixed: str) -> None:
    path = tmp_path / "case.py"
    found = _check(path, source, "SL118")
    assert found and all(f.fix == "safe" for f in found)
    assert _fixed(path, source, "SL118") == fixed


UPDATE = """\
def update(target, other):
    if hasattr(other, "keys"):
        for k in other.keys():
            target[k] = other[k]
    else:
        for k, v in other:
            target[k] = v
"""


@pytest.mark.parametrize(
    "source",
    [
        UPDATE,
        "def has(other, k):\n    return getattr(other, 'keys', None) is not None and k in other.keys()\n",
        "def names(frame):\n    return [name.upper() for name in frame.keys()]\n",
        "class Form:\n    def clean(self):\n        for name in self.fields.keys():\n            check(name)\n",
    ],
    ids=["mapping-protocol", "getattr-keys", "unknown-comprehension", "unknown-attribute"],
)
def test_in_dict_keys_leaves_the_mapping_protocol_and_unknown_loops_alone(tmp_path: Path, source: str) -> None:
    assert _check(tmp_path / "case.py", source, "SL116") == []


def test_in_dict_keys_iterating_a_known_dict_is_fixed_safely_with_a_loop_message(tmp_path: Path) -> None:
    source = (
        "def f(pairs, key, seen: dict[str, int]):\n    counts = {}\n    for k in counts.keys():\n        print(k)\n"
        "    return key in seen.keys(), key in pairs.keys()\n"
    )
    path = tmp_path / "case.py"
    found = _check(path, source, "SL116")
    assert [(f.line, f.fix) for f in found] == [(3, "safe"), (5, "safe"), (5, "unsafe")]
    assert "`key in dict`" not in found[0].message and "Iterate over `counts`" in found[0].message
    assert "`key in dict`" in found[1].message
    assert _fixed(path, source, "SL116") == source.replace(".keys()", "")


@pytest.mark.parametrize(
    "source",
    [
        "def find(xs, target):\n    for i in range(len(xs)):\n        if xs[i] == target:\n            break\n    return i\n",
        "for i in range(len(rows)):\n    print(rows[i])\nprint('stopped at', i)\n",
    ],
    ids=["returned", "module-level"],
)
def test_range_len_index_used_after_the_loop_suggests_enumerate(tmp_path: Path, source: str) -> None:
    [found] = _check(tmp_path / "case.py", source, "SL119")
    assert "use `enumerate(" in found.message and "directly" not in found.message and found.fix is None
