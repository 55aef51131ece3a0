"""SL101-SL107: the metrics' values on small programs, checked against mccabe, the cognitive complexity white
paper's published examples, and pylint's/ruff's counts (the values noted "pylint" were read from pylint
4.1.4's design checker, with every message of the checker enabled)."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from simplelint import registry
from simplelint.engine.analysis import lint_source
from simplelint.rules import complexity
from simplelint.testing import settings_for

VALUE = re.compile(r"^`(?P<name>[^`]+)`.*\((?P<value>-?\d+) > (?P<limit>-?\d+)\)$")


def measure(code: str, source: str, limit: int = -1) -> dict[str, int]:
    """Function name -> value of rule `code`, for every function it reports with the limit `limit`."""
    rule = registry.all_rules()[code]
    settings = settings_for(Path.cwd(), frozenset({code}), {rule.option: limit})
    result = lint_source("example.py", textwrap.dedent(source).encode(), settings)
    assert not result.errors, result.errors
    found = {}
    for violation in result.violations:
        match = VALUE.match(violation.message)
        assert match, violation.message
        found[match["name"]] = int(match["value"])
    return found


# --- SL101: McCabe, as the mccabe package computes it

MCCABE_CASES = {
    "plain": ("def f(x):\n    assert x\n    return x\n", 1),
    "if-elif-else": ("def f(x):\n    if x:\n        pass\n    elif x > 1:\n        pass\n    else:\n        pass\n", 3),
    "loops-with-else": (
        "def f(x):\n    for i in x:\n        pass\n    else:\n        pass\n    while x:\n        break\n"
        "    else:\n        pass\n",
        3,
    ),
    "try-two-handlers-else-finally": (
        "def f():\n    try:\n        a()\n    except A:\n        pass\n    except B:\n        pass\n    else:\n"
        "        pass\n    finally:\n        if x:\n            pass\n",
        4,
    ),
    "try-finally": ("def f():\n    try:\n        a()\n    finally:\n        b()\n", 2),
    "expressions-are-not-decisions": (
        "def f(x, k=lambda y: y or 1):\n    y = [i for i in x if i and not i > 2]\n"
        "    return y if y else (x and k)\n",
        1,
    ),
    "with-and-async": (
        "async def f(x):\n    async with x:\n        async for i in x:\n            await i\n    with x:\n"
        "        pass\n",
        2,
    ),
    "nested-function-and-class": (
        "def f(x):\n    def g():\n        if x:\n            pass\n    class K:\n        y = 1\n"
        "        def m(self):\n            pass\n        if x:\n            pass\n    return g\n",
        5,
    ),
    "nested-function-in-finally-is-unseen": (
        "def f(x):\n    try:\n        pass\n    finally:\n        def g():\n            if x:\n                pass\n",
        2,
    ),
    "decorated-method": ("class A:\n    @property\n    def f(self):\n        if self.x:\n            return 1\n", 2),
    "walrus-and-comments": (
        "def f(data):\n    while (chunk := data.read()):  # read\n        if chunk:\n            # skip\n"
        "            continue\n",
        3,
    ),
}


@pytest.mark.parametrize("source, expected", list(MCCABE_CASES.values()), ids=list(MCCABE_CASES))
def test_sl101_values(source: str, expected: int) -> None:
    values = measure("SL101", source)
    assert list(values.values()) == [expected]


@pytest.mark.parametrize("source", [s for s, _ in MCCABE_CASES.values()], ids=list(MCCABE_CASES))
def test_sl101_equals_mccabe(source: str) -> None:
    mccabe = pytest.importorskip("mccabe")
    visitor = mccabe.PathGraphingAstVisitor()
    visitor.preorder(ast.parse(source), visitor)
    theirs = sorted(graph.complexity() for graph in visitor.graphs.values())
    assert sorted(measure("SL101", source).values()) == theirs


def test_sl101_counts_match_cases_and_except_star_deliberately() -> None:
    # mccabe 0.7 reads `match` and `try/except*` as one plain statement (1 and 1 here).
    source = """
    def area(shape):
        match shape:
            case Circle():
                return 1
            case Square() if shape.ok:
                return 2
            case _:
                return 0

    def guarded(x):
        match x:
            case 1:
                pass
            case 2 if x:
                pass
            case _ if x:
                pass

    def star():
        try:
            pass
        except* ValueError:
            if x:
                pass
    """
    assert measure("SL101", source) == {"area": 3, "guarded": 4, "star": 4}


def test_sl101_reports_only_the_outermost_function_with_the_message_of_the_issue() -> None:
    source = "def parse(x):\n" + "".join(f"    if x == {i}:\n        def g{i}(): pass\n" for i in range(7))
    result = lint_source(
        "example.py", source.encode(), settings_for(Path.cwd(), frozenset({"SL101"}), {"max-complexity": 10})
    )
    assert [(v.line, v.column, v.message) for v in result.violations] == [
        (1, 5, "`parse` is too complex (15 > 10)")
    ]


def test_sl101_limit_is_inclusive() -> None:
    source = "def f(x):\n    if x:\n        pass\n"
    assert measure("SL101", source, limit=2) == {}
    assert measure("SL101", source, limit=1) == {"f": 2}


def test_sl101_function_under_module_level_if_is_measured_on_its_own() -> None:
    # mccabe measures the whole `if` as one graph ("If 1"); SL101 measures the function.
    source = "if PY3:\n    def f(x):\n        if x:\n            pass\nelse:\n    def g(x):\n        pass\n"
    assert sorted(measure("SL101", source).values()) == [1, 2]


# --- SL102: cognitive complexity, with the white paper's examples and their published scores

WHITE_PAPER = {
    # "An illustration of the problem": 7. Python has no `continue OUT`; `for`/`else` is its idiom and is +1
    # as the labelled jump is.
    "sum_of_primes": (
        """
        def sum_of_primes(limit):
            total = 0
            for i in range(1, limit + 1):   # +1
                for j in range(2, i):       # +2 (nesting = 1)
                    if i % j == 0:          # +3 (nesting = 2)
                        break
                else:                       # +1
                    total += i
            return total
        """,
        7,
    ),
    # A switch is +1 as a whole: 1.
    "get_words": (
        """
        def get_words(number):
            match number:                   # +1
                case 1:
                    return "one"
                case 2:
                    return "a couple"
                case 3:
                    return "a few"
                case _:
                    return "lots"
        """,
        1,
    ),
    # "Increment for nested flow-break structures": 9.
    "my_method": (
        """
        def my_method():
            try:
                if condition1:                      # +1
                    for i in range(10):             # +2 (nesting = 1)
                        while condition2:           # +3 (nesting = 2)
                            pass
            except (ExcepType1, ExcepType2) as e:   # +1
                if condition2:                      # +2 (nesting = 1)
                    pass
        """,
        9,
    ),
    # A lambda / nested method raises the nesting level: 2.
    "my_method2": (
        """
        def my_method2():
            def runnable():             # +0 (but nesting level is now 1)
                if condition1:          # +2 (nesting = 1)
                    pass
            return runnable()
        """,
        2,
    ),
    # "Sequences of logical operators": 4 (`if` +1, then and / or / and).
    "logical_sequence": ("def logical_sequence():\n    if a and b and c or d or e and f:\n        pass\n", 4),
    # ... and 3 (`if` +1, `and` +1, the `and` inside `not (...)` +1).
    "logical_negation": ("def logical_negation():\n    if a and not (b and c):\n        pass\n", 3),
    # Appendix C, `overriddenSymbolFrom`: 19.
    "overridden_symbol_from": (
        """
        def overridden_symbol_from(self, class_type):
            if class_type.is_unknown():                         # +1
                return UNKNOWN_METHOD_SYMBOL
            unknown_found = False
            symbols = class_type.symbol.members().lookup(self.name)
            for override_symbol in symbols:                     # +1
                if (override_symbol.is_kind(MTH)                # +2 (nesting = 1)
                        and not override_symbol.is_static()):   # +1
                    method_symbol = override_symbol
                    if self.can_override(method_symbol):        # +3 (nesting = 2)
                        overriding = self.check_overriding_parameters(method_symbol, class_type)
                        if overriding is None:                  # +4 (nesting = 3)
                            if not unknown_found:               # +5 (nesting = 4)
                                unknown_found = True
                        elif overriding:                        # +1
                            return method_symbol
            if unknown_found:                                   # +1
                return UNKNOWN_METHOD_SYMBOL
            return None
        """,
        19,
    ),
    # Appendix C, `addVersion`: 35 (Java's `synchronized` block is a `with`: no nesting).
    "add_version": (
        """
        def add_version(self, entry, txn):
            ti = self._persistit.get_transaction_index()
            while True:                                             # +1
                try:
                    with self._lock:
                        if self.first is not None:                  # +2 (nesting = 1)
                            if self.first.version > entry.version:  # +3 (nesting = 2)
                                raise RollbackException()
                            if txn.is_active():                     # +3 (nesting = 2)
                                e = self.first
                                while e is not None:                # +4 (nesting = 3)
                                    version = e.version
                                    depends = ti.ww_dependency(version, txn.status, 0)
                                    if depends == TIMED_OUT:        # +5 (nesting = 4)
                                        raise WWRetryException(version)
                                    if (depends != 0                # +5 (nesting = 4)
                                            and depends != ABORTED):  # +1
                                        raise RollbackException()
                                    e = e.previous
                        entry.previous = self.first
                        self.first = entry
                        break
                except WWRetryException as re:                      # +2 (nesting = 1)
                    try:
                        depends = ti.ww_dependency(re.version_handle, txn.status, TIMEOUT)
                        if (depends != 0                            # +3 (nesting = 2)
                                and depends != ABORTED):            # +1
                            raise RollbackException()
                    except InterruptedError as ie:                  # +3 (nesting = 2)
                        raise PersistitInterruptedException(ie)
                except InterruptedError as ie:                      # +2 (nesting = 1)
                    raise PersistitInterruptedException(ie)
        """,
        35,
    ),
    # Appendix C, `toRegexp`: 20.
    "to_regexp": (
        """
        def to_regexp(ant_pattern, directory_separator):
            escaped_separator = "\\\\" + directory_separator
            sb = ["^"]
            i = (1 if ant_pattern.startswith("/")                   # +1
                 or ant_pattern.startswith("\\\\") else 0)          # +1
            while i < len(ant_pattern):                             # +1
                ch = ant_pattern[i]
                if ch in SPECIAL_CHARS:                             # +2 (nesting = 1)
                    sb.append("\\\\" + ch)
                elif ch == "*":                                     # +1
                    if (i + 1 < len(ant_pattern)                    # +3 (nesting = 2)
                            and ant_pattern[i + 1] == "*"):         # +1
                        if (i + 2 < len(ant_pattern)                # +4 (nesting = 3)
                                and is_slash(ant_pattern[i + 2])):  # +1
                            sb.append("(?:.*" + escaped_separator + "|)")
                            i += 2
                        else:                                       # +1
                            sb.append(".*")
                            i += 1
                    else:                                           # +1
                        sb.append("[^" + escaped_separator + "]*?")
                elif ch == "?":                                     # +1
                    sb.append("[^" + escaped_separator + "]")
                elif is_slash(ch):                                  # +1
                    sb.append(escaped_separator)
                else:                                               # +1
                    sb.append(ch)
                i += 1
            sb.append("$")
            return "".join(sb)
        """,
        20,
    ),
}


@pytest.mark.parametrize("source, expected", list(WHITE_PAPER.values()), ids=list(WHITE_PAPER))
def test_sl102_white_paper_examples(source: str, expected: int) -> None:
    assert list(measure("SL102", source).values()) == [expected]


COGNITIVE_CASES = {
    "empty": ("def f():\n    pass\n", 0),
    # `else:` holding an `if` is an `else` (+1) and a nested `if` (+2), unlike `elif` (+1).
    "else-if-is-not-elif": ("def f(x):\n    if x:\n        pass\n    else:\n        if x > 1:\n            pass\n", 4),
    "elif-bodies-are-nested": (
        "def f(x):\n    if x:\n        pass\n    elif x > 1:\n        if x > 2:\n            pass\n", 4
    ),
    # A conditional expression nests what it holds; its condition in an `if` is read at the `if`'s level.
    "conditional-expressions": ("def f(x):\n    if (a if x else b):\n        y = 1 if (2 if x else 3) else 4\n", 7),
    "lambda-nests": ("def f(x):\n    return map(lambda y: y if y else x, x)\n", 2),
    # Parentheses end a run of operators: `a or (b and c) or d` is 2 runs, `a or b and c or d` is 3.
    "parentheses-end-a-run": ("def f(a, b, c, d):\n    return a or (b and c) or d\n", 2),
    "operators-as-written": ("def f(a, b, c, d):\n    return a or b and c or d\n", 3),
    "not-breaks-a-run": ("def f(a, b, c):\n    return a and not b and c\n", 1),
    "recursion-by-name": ("def fact(n):\n    return 1 if n < 2 else n * fact(n - 1)\n", 2),
    # Only one +1 for a function, whatever the number of calls; a nested function can recurse too.
    "recursion-nested": (
        "def walk(t):\n    def visit(n):\n        visit(n.left)\n        visit(n.right)\n    walk(t.next)\n", 2
    ),
    "recursion-in-method": (
        "class T:\n    def depth(self, n):\n        return 1 + self.depth(n.child)\n"
        "    def other(self):\n        depth(1)\n",
        1,
    ),
    "try-else-and-loops-else": (
        "def f(x):\n    try:\n        pass\n    except E:\n        pass\n    else:\n        pass\n"
        "    for i in x:\n        pass\n    else:\n        pass\n",
        4,
    ),
    "async-constructs": (
        "async def f(x):\n    async with x:\n        async for i in x:\n            if i:\n                pass\n", 3
    ),
    "match-nests-its-cases": ("def f(x):\n    match x:\n        case 1:\n            if x:\n                pass\n", 3),
    "comprehensions-are-shorthand": ("def f(x):\n    return [i for i in x if i for j in i if j]\n", 0),
    # The inner function of a decorator is not one level deeper (SonarQube's rule).
    "decorator-wrapper": (
        "def deco(func):\n    @wraps(func)\n    def inner(*a):\n        if a:\n            pass\n    return inner\n", 1
    ),
    "not-a-wrapper": (
        "def deco(func):\n    '''Doc.'''\n    def inner(*a):\n        if a:\n            pass\n    return inner\n", 2
    ),
    "methods-of-a-nested-class": (
        "def f():\n    class K:\n        def m(self):\n            if self:\n                pass\n", 2
    ),
    "signature-is-read": ("def f(x=lambda: 1 if a else 2):\n    pass\n", 2),
}


@pytest.mark.parametrize("source, expected", list(COGNITIVE_CASES.values()), ids=list(COGNITIVE_CASES))
def test_sl102_values(source: str, expected: int) -> None:
    values = measure("SL102", source)
    assert sum(values.values()) == expected and len(values) == (2 if "other" in source else 1)


def test_sl102_long_boolean_chain_does_not_recurse() -> None:
    source = "def f(x):\n    return " + " and ".join(["x"] * 200) + " or " + " or ".join(["x"] * 200) + "\n"
    assert measure("SL102", source) == {"f": 2}


# --- SL103-SL107

PYLINT_SAMPLE = """
def h():
    for x in y:
        pass
    while z:
        pass
    try:
        pass
    except A:
        pass
    except B:
        pass
    except C:
        pass
    finally:
        pass
    class In:
        x = 1
        y = 2
    def n():
        a = 1
        return a
    if a:
        pass
    else:
        if b:
            pass
    return 1

def k():
    for x in y:
        pass
    else:
        pass
    while x:
        pass

def mt(x):
    match x:
        case 1:
            pass
        case 2:
            pass

def m():
    class A:
        def n(self):
            a = 1
        b = 2
    l = lambda: 1
"""


def test_sl104_counts_statements_as_pylint() -> None:
    # pylint: h 22, n 2, k 4, mt 4, m 4, A.n 2.
    assert measure("SL104", PYLINT_SAMPLE, limit=0) == {"h": 22, "n": 2, "k": 4, "mt": 4, "m": 4}


def test_sl107_counts_branches_as_pylint() -> None:
    # pylint: h 8 (`else: if` is an elif), k 3, mt 2; ruff counts h 9.
    assert measure("SL107", PYLINT_SAMPLE, limit=0) == {"h": 8, "k": 3, "mt": 2}


def test_sl104_does_not_count_docstrings() -> None:
    # pylint: f 2, g 2, K.m 1 (astroid keeps docstrings out of the body).
    source = '''
    def f():
        """Doc."""
        x = 1

    def g():
        x = 1
        "not a docstring"

    class K:
        """Doc."""
        def m(self):
            """Doc."""
            return 1

    def outer():
        class Inner:
            "Doc."
            x = 1
    '''
    assert measure("SL104", source, limit=0) == {"f": 2, "g": 3, "m": 1, "outer": 2}


def test_sl104_and_sl107_async_for_and_except_star_count_as_their_plain_forms() -> None:
    # pylint has no visitor for these: it counts `async for` as a plain statement and `try/except*` as
    # no branch. SL104/SL107 count them as `for` and `try/except`.
    source = """
    async def f():
        async for x in y:
            pass
        async with z:
            pass

    def g():
        try:
            pass
        except* E:
            pass
    """
    assert measure("SL104", source, limit=0) == {"f": 4, "g": 5}
    assert measure("SL107", source, limit=0) == {"f": 1, "g": 1}


def test_sl105_counts_parameters_as_ruff() -> None:
    source = """
    def g(a, b, /, c, *args, d, _e, **kw):
        pass

    class K:
        def m(self, a):
            pass
        @staticmethod
        def s(a, b):
            pass
        @classmethod
        def c(cls, a):
            pass
        def __new__(cls, a):
            pass
        @typing.override
        def o(self, a, b):
            pass
    """
    assert measure("SL105", source, limit=0) == {"g": 4, "m": 1, "s": 2, "c": 1, "__new__": 1}


def test_sl106_counts_returns_of_each_function() -> None:
    source = """
    def r():
        if a:
            return 1
        def q():
            return 3
        f = lambda: 4
        return (yield 2)
    """
    assert measure("SL106", source, limit=0) == {"r": 2, "q": 1}


def test_sl103_nesting_depth() -> None:
    source = """
    def f(x):
        with x:
            try:
                for i in x:
                    if i:
                        pass
                    elif i > 1:
                        while i:
                            pass
            finally:
                pass

    class K:
        if X:
            if Y:
                def m(self):
                    if self:
                        pass
    """
    assert measure("SL103", source) == {"f": 5, "m": 1}


def test_every_rule_reports_at_the_function_name() -> None:
    source = "@dec\nasync def  name(a):\n    if a:\n        return 1\n"
    for rule in complexity.RULES:
        settings = settings_for(Path.cwd(), frozenset({rule.code}), {rule.option: 0})
        violations = lint_source("example.py", source.encode(), settings).violations
        assert [(v.line, v.column) for v in violations] == [(2, 12)], rule.code


def test_option_names_are_the_family_s_own() -> None:
    ours = {rule.option for rule in complexity.RULES}
    assert len(ours) == len(complexity.RULES)
    for code, rule in registry.all_rules().items():
        if code.startswith("SL1") and rule not in complexity.RULES:
            assert not ours & set(rule.options), f"{code} reuses an SL101-SL107 option name"


def test_helpers() -> None:
    function = cst.parse_statement("@a.overload\n@b()\ndef f(self, _, x, *, y): pass\n")
    assert isinstance(function, cst.FunctionDef)
    assert complexity.decorator_names(function) == ("overload", "b")
    assert complexity.counted_parameters(function, in_class=True) == 2
    assert complexity.counted_parameters(function, in_class=False) == 3
    chained: set = set()
    expression = cst.parse_expression("a and b or (c or d) and e")
    assert isinstance(expression, cst.BooleanOperation)
    assert complexity.operator_sequences(expression, chained) == 3
