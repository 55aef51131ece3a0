"""SL101-SL107: how hard a function is to follow, measured in the engine's single traversal.

SL101 gives what the `mccabe` package (flake8's C901) gives, graph for graph; SL102 follows SonarSource's
cognitive complexity white paper; SL104 and SL107 count as pylint's design checker does, SL105 and SL106 as
ruff's PLR0913/PLR0911. Every deliberate difference is named in the rule's docs and measured in
benchmarks/results/complexity.md.

Each rule keeps its per-function state on a stack pushed in `visit_FunctionDef` and popped in
`leave_FunctionDef`; classes push a frame too where class-level code must not count for the function
around the class.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Optional, Union

import libcst as cst

from simplelint.rule import FileContext, Invalid, Option, Rule, Valid
from simplelint.rules.naming import DUMMY, decorator_names

AnyTry = Union[cst.Try, cst.TryStar]
# Signatures dictated by someone else: ruff skips them for PLR0913.
IMPOSED = frozenset({"overload", "override"})


def is_lone_if(orelse: cst.Else) -> bool:
    """`else:` holding only an `if`: pylint's `ast` cannot tell it from `elif`, so it counts it as one."""
    body = orelse.body
    return isinstance(body, cst.IndentedBlock) and len(body.body) == 1 and isinstance(body.body[0], cst.If)


def has_else(node: cst.If) -> bool:
    """Whether the `if` ends in an `else` branch of its own, as pylint counts branches."""
    return isinstance(node.orelse, cst.Else) and not is_lone_if(node.orelse)


def try_clauses(node: AnyTry) -> int:
    """`except` clauses plus `else` and `finally`: pylint's branches of a `try`."""
    return len(node.handlers) + (node.orelse is not None) + (node.finalbody is not None)


def is_irrefutable(case: cst.MatchCase) -> bool:
    """`case _:` or `case name:` without a guard: the `else` of a `match`."""
    return case.guard is None and isinstance(case.pattern, cst.MatchAs) and case.pattern.pattern is None


def counted_parameters(node: cst.FunctionDef, in_class: bool) -> int:
    """Named parameters, as ruff's PLR0913: no `*args`/`**kwargs`, no `self`/`cls`, no `_dummy` names."""
    params = node.params
    positional = [*params.posonly_params, *params.params]
    if in_class and "staticmethod" not in decorator_names(node):
        positional = positional[1:]
    return sum(not DUMMY.match(param.name.value) for param in [*positional, *params.kwonly_params])


def operator_sequences(node: cst.BooleanOperation, chained: set[cst.CSTNode]) -> int:
    """Runs of like operators in `a and b or c`, read left to right through unparenthesised operands.

    The operands read here are added to `chained`, so they are not counted again when visited.
    """
    operators: list[type] = []
    stack: list[Union[cst.BaseExpression, type]] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, type):
            operators.append(item)
        elif isinstance(item, cst.BooleanOperation) and (item is node or not item.lpar):
            chained.add(item)
            stack.extend((item.right, type(item.operator), item.left))
    chained.discard(node)
    return sum(index == 0 or kind is not operators[index - 1] for index, kind in enumerate(operators))


def returns_name(statement: cst.BaseStatement) -> bool:
    line = statement.body if isinstance(statement, cst.SimpleStatementLine) else ()
    return len(line) == 1 and isinstance(line[0], cst.Return) and isinstance(line[0].value, cst.Name)


def is_wrapper(outer: cst.FunctionDef, inner: cst.FunctionDef) -> bool:
    """A decorator's body: only the inner `def` and `return name` lines (Sonar adds no nesting for it)."""
    body = outer.body
    return isinstance(body, cst.IndentedBlock) and all(s is inner or returns_name(s) for s in body.body)


class MetricRule(Rule):
    """Shared: compare a function's value with the rule's option and report at the function's name."""

    option: ClassVar[str]
    template: ClassVar[str]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        # Every value, over the limit or not (`FileContext.measured`): a dict store per function.
        self.measured = context.measured.setdefault(self.code, {})

    def check(self, node: cst.FunctionDef, value: int) -> None:
        self.measured[node] = value
        limit = self.config[self.option]
        if value > limit:
            message = self.template.format(name=node.name.value, value=value, limit=limit)
            self.report(node.name, message, extra={"value": value, "limit": limit})


@dataclass
class Frame:
    """A function (or, with `node` None, a class body) being visited."""

    node: Optional[cst.FunctionDef]
    value: int = 0
    depth: int = 0


class FunctionMetric(MetricRule):
    """Shared: one frame per function, and per class so that class-level code counts for no function."""

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.frames: list[Frame] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.append(Frame(None))

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.frames.append(Frame(node))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.check(node, self.frames.pop().value)

    def add(self, amount: int) -> None:
        if self.frames:
            self.frames[-1].value += amount


class TooComplex(MetricRule):
    """
    ## What it does
    Flags functions whose McCabe cyclomatic complexity (the number of independent paths through them) is
    above `max-complexity`. The value is the one the `mccabe` package (flake8's C901) gives:
    1, plus 1 for each `if`, `elif`, `for`, `while` (an `else` adds nothing), plus, for each `try`, 1 and 1
    per `except` clause. `and`/`or`, conditional expressions, comprehensions, lambdas, `with` and `assert`
    add nothing. As in mccabe, a function nested in another one (also as a method of a nested class) is not
    measured on its own: it adds 1 plus its own decisions to the outermost function, and the statements of a
    `finally:` block are not looked at.

    Two deliberate differences from mccabe 0.7, which predates these statements and reads each as one plain
    statement, ignoring everything inside: a `match` adds 1 per `case` (a final `case _:` is its `else` and
    adds nothing), and `try`/`except*` counts like `try`/`except`. A function defined inside a module- or
    class-level `if`, loop or `try` is measured here on its own; mccabe measures the whole statement instead
    (as `If 12`).

    ## Why is this bad?
    Each path is a case to understand and to test; past about ten, a function is doing several jobs.

    ## Example
    ```python
    def shipping(order):
        if order.express:
            if order.weight > 20:
                return 30
            return 15
        elif order.country != "NL":
            for item in order.items:
                if item.fragile:
                    return 12
            return 8
        return 5
    ```

    ## Use instead
    Split the decisions into named helpers, or replace a chain of cases by a lookup table:
    ```python
    def shipping(order):
        if order.express:
            return express_rate(order.weight)
        return ABROAD_RATE if order.country != "NL" else HOME_RATE
    ```
    """

    code = "SL101"
    name = "too-complex"
    silenced_by = ("C901",)
    summary = "Function's McCabe complexity is above the limit"
    option = "max-complexity"
    # Every function's complexity is at least 1: a limit of 0 would only flag them all.
    options = {option: Option(10, "Highest McCabe complexity allowed for a function.", minimum=1)}
    template = "`{name}` is too complex ({value} > {limit})"
    VALID = [
        "def add(a, b):\n    return a + b\n",
        # Boolean operators, conditional expressions, comprehensions and lambdas are not decisions for mccabe.
        Valid(
            "def pick(items, key=lambda x: x):\n"
            "    if items and key or not items:  # one decision\n"
            "        return [key(i) for i in items if i if i > 0]\n"
            "    return items[0] if items else None\n",
            options={"max-complexity": 2},
        ),
        # A `finally:` block is not looked at, as in mccabe.
        Valid(
            "async def close(conn):\n    try:\n        await conn.flush()\n    finally:\n"
            "        if conn.open:\n            await conn.close()\n",
            options={"max-complexity": 2},
        ),
        # `with` adds no path; a final `case _:` is the `else` of the `match`.
        Valid(
            "def area(shape):\n    with lock:\n        match shape:\n            case Circle(r=r):\n"
            "                return 3.14 * r * r\n            case _:\n                return 0\n",
            options={"max-complexity": 2},
        ),
    ]
    INVALID = [
        Invalid(
            "def parse(text):\n    if not text:\n        return None\n    elif text.isdigit():\n"
            "        return int(text)\n    for sep in ',;':\n        if sep in text:\n"
            "            return text.split(sep)\n    return text\n",
            options={"max-complexity": 3},
            count=1,
            message="`parse` is too complex (5 > 3)",
        ),
        # The nested function is not reported on its own: it adds 1 and its `if` to the outer one.
        Invalid(
            "@cache\ndef make(kind):\n    def build(x):\n        if x:\n            return kind(x)\n"
            "    return build\n",
            options={"max-complexity": 2},
            count=1,
            message="`make` is too complex (3 > 2)",
        ),
        # Each `except` is a path, and so is the `try` itself.
        Invalid(
            "class Loader:\n    async def load(self, path):\n        try:\n            return await read(path)\n"
            "        except OSError:\n            return None\n",
            options={"max-complexity": 2},
            count=1,
            message="`load` is too complex (3 > 2)",
        ),
        Invalid(
            "def walrus(data):\n    while (chunk := data.read()):\n        if chunk == b'x':  # comment\n"
            "            break\n    else:\n        return None\n",
            options={"max-complexity": 2},
            message="(3 > 2)",
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.open = 0  # functions being visited: the outermost one collects every decision
        self.value = 0
        self.skipped = 0  # `finally:` blocks being visited inside it, which mccabe does not look into

    def add(self, amount: int) -> None:
        if self.open and not self.skipped:
            self.value += amount

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.open:
            self.add(1)  # in mccabe's graph a nested function is one more path through its parent
        else:
            self.value, self.skipped = 1, 0
        self.open += 1

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.open -= 1
        if not self.open:
            self.check(node, self.value)

    def visit_If(self, node: cst.If) -> None:
        self.add(1)

    def visit_For(self, node: cst.For) -> None:
        self.add(1)

    def visit_While(self, node: cst.While) -> None:
        self.add(1)

    def visit_Try(self, node: cst.Try) -> None:
        self.add(1 + len(node.handlers))

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self.add(1 + len(node.handlers))

    def visit_Match(self, node: cst.Match) -> None:
        self.add(len(node.cases) - is_irrefutable(node.cases[-1]))

    def visit_Finally(self, node: cst.Finally) -> None:
        if self.open:
            self.skipped += 1

    def leave_Finally(self, node: cst.Finally) -> None:
        if self.open:
            self.skipped -= 1


@dataclass
class Function:
    """A function inside the one being measured, for recursion and nesting."""

    node: cst.FunctionDef
    method: bool
    nests: int  # 1 when its body is one level deeper, 0 for a decorator's wrapper
    recursive: bool = False

    def is_called_by(self, func: cst.BaseExpression) -> bool:
        """`name(...)` in a function, `self.name(...)` or `cls.name(...)` in a method."""
        name = self.node.name.value
        if isinstance(func, cst.Name):
            return not self.method and func.value == name
        return (
            self.method
            and isinstance(func, cst.Attribute)
            and func.attr.value == name
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
        )


class CognitiveComplexity(MetricRule):
    """
    ## What it does
    Flags functions whose cognitive complexity (SonarSource's white paper, G. Ann Campbell) is above
    `max-cognitive-complexity`. The score grows with each break in the linear reading of the code, and more
    the deeper the break is nested:
    - +1, plus 1 per nesting level: `if`, conditional expression (`a if c else b`), `match`, `for`, `while`,
      `except`;
    - +1: `elif`, `else` (of an `if`, a loop or a `try`), each run of like boolean operators (`a and b and c`
      is +1, `a and b or c` is +2; parentheses start a new run), and a function that calls itself (by name,
      or as `self.name(...)`/`cls.name(...)` in a method);
    - the nesting level rises inside the bodies of those statements, inside a conditional expression, a
      `lambda` and a nested function; `try`, `finally`, `with` and class bodies do not nest. The inner
      function of a decorator (a function whose body is only that `def` and `return name`) does not nest.

    Nested functions are not measured on their own: their score counts in the outermost function, as in
    SonarQube. Comprehensions are not counted (the white paper ignores shorthand).

    ## Why is this bad?
    Nested conditions and loops, and mixed boolean operators, are what make code hard to read; unlike the
    McCabe number this score does not punish a flat `match` or a guard clause.

    ## Example
    ```python
    def total(orders):
        result = 0
        for order in orders:                      # +1
            if order.paid:                        # +2 (nesting 1)
                for line in order.lines:          # +3 (nesting 2)
                    if line.qty and not line.gift:  # +4 (nesting 3), +1 for `and`
                        result += line.price
        return result                             # 11
    ```

    ## Use instead
    Return early and name the inner steps:
    ```python
    def total(orders):
        return sum(order_total(order) for order in orders if order.paid)

    def order_total(order):
        return sum(line.price for line in order.lines if line.qty and not line.gift)
    ```
    """

    code = "SL102"
    name = "cognitive-complexity"
    summary = "Function's cognitive complexity is above the limit"
    option = "max-cognitive-complexity"
    options = {option: Option(15, "Highest cognitive complexity allowed for a function.", minimum=0)}
    template = "`{name}` is too hard to follow: cognitive complexity ({value} > {limit})"
    VALID = [
        "def add(a, b):\n    return a + b\n",
        # A flat `match` is +1 whatever the number of cases; `with` and `try` do not nest.
        Valid(
            "def word(n):\n    with lock:\n        try:\n            match n:\n                case 1:\n"
            "                    return 'one'\n                case 2:\n                    return 'two'\n"
            "                case _:\n                    return 'lots'\n        finally:\n            done()\n",
            options={"max-cognitive-complexity": 1},
        ),
        # Parentheses end a run of operators: two runs here, however many brackets.
        Valid("def f(a, b, c):\n    return ((a and b)) and (c)\n", options={"max-cognitive-complexity": 2}),
        # The wrapper of a decorator does not add a nesting level.
        Valid(
            "def logged(func):\n    @wraps(func)\n    def wrapper(*args):\n        if args:  # +1\n"
            "            log(args)\n        return func(*args)\n    return wrapper\n",
            options={"max-cognitive-complexity": 1},
        ),
    ]
    INVALID = [
        Invalid(
            "def total(orders):\n    result = 0\n    for order in orders:\n        if order.paid:\n"
            "            for line in order.lines:\n                if line.qty and not line.gift:\n"
            "                    result += line.price\n    return result\n",
            options={"max-cognitive-complexity": 10},
            count=1,
            message="`total` is too hard to follow: cognitive complexity (11 > 10)",
        ),
        # A lambda nests what it holds: the conditional expression is +2; `and`/`or` are two runs.
        Invalid(
            "async def choose(a, b, c):\n    key = lambda x: x if x else a\n    return a and b or c\n",
            options={"max-cognitive-complexity": 3},
            count=1,
            message="(4 > 3)",
        ),
        # Recursion through `self` is +1; the `elif` and the `else` are +1 each.
        Invalid(
            "class Tree:\n    def depth(self, node):\n        if node is None:\n            return 0\n"
            "        elif node.leaf:\n            return 1\n        else:\n"
            "            return 1 + max(self.depth(c) for c in node.children)\n",
            options={"max-cognitive-complexity": 3},
            count=1,
            message="(4 > 3)",
        ),
        # The nested function is not reported on its own; its `if` is nested twice (+3).
        Invalid(
            "def outer(items):\n    for item in items:\n        def check(x):\n            if x:\n"
            "                return x\n        check(item)\n",
            options={"max-cognitive-complexity": 3},
            count=1,
            message="`outer` is too hard to follow: cognitive complexity (4 > 3)",
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.frames: list[Optional[Function]] = []  # None for a class body
        self.open = 0  # functions being visited: the outermost one collects the score
        self.value = 0
        self.nesting = 0
        self.blocks: set[cst.CSTNode] = set()  # bodies read one nesting level deeper
        self.elifs: set[cst.CSTNode] = set()
        self.chained: set[cst.CSTNode] = set()  # boolean operands already counted with their sequence

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.append(None)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.frames.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.frames[-1] if self.frames else None
        in_class = bool(self.frames) and parent is None
        if not self.open:
            self.value = 0
        nests = int(self.open > 0 and not (parent and is_wrapper(parent.node, node)))
        self.nesting += nests
        self.frames.append(Function(node, in_class, nests))
        self.open += 1

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        frame = self.frames.pop()
        self.nesting -= frame.nests if frame else 0
        self.open -= 1
        if not self.open:
            self.check(node, self.value)

    def structure(self, body: Optional[cst.CSTNode]) -> None:
        """+1 and +1 per nesting level; `body` is read one level deeper."""
        if self.open:
            self.value += 1 + self.nesting
            if body is not None:
                self.blocks.add(body)

    def hybrid(self, body: cst.CSTNode) -> None:
        """`elif` and `else`: +1 whatever the nesting; the body is still one level deeper."""
        if self.open:
            self.value += 1
            self.blocks.add(body)

    def visit_If(self, node: cst.If) -> None:
        if node in self.elifs:
            self.elifs.discard(node)
            self.hybrid(node.body)
        else:
            self.structure(node.body)
        if isinstance(node.orelse, cst.If):
            self.elifs.add(node.orelse)

    def visit_Else(self, node: cst.Else) -> None:
        self.hybrid(node.body)

    def visit_For(self, node: cst.For) -> None:
        self.structure(node.body)

    def visit_While(self, node: cst.While) -> None:
        self.structure(node.body)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.structure(node.body)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self.structure(node.body)

    def visit_Match(self, node: cst.Match) -> None:
        self.structure(None)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        if self.open:
            self.blocks.add(node.body)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self.structure(None)
        self.nesting += self.open > 0

    def leave_IfExp(self, node: cst.IfExp) -> None:
        self.nesting -= self.open > 0

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.nesting += self.open > 0

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.nesting -= self.open > 0

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.nesting += node in self.blocks

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.leave_block(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.nesting += node in self.blocks

    def leave_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.leave_block(node)

    def leave_block(self, node: cst.CSTNode) -> None:
        if node in self.blocks:
            self.blocks.discard(node)
            self.nesting -= 1

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        if node in self.chained:
            self.chained.discard(node)
        elif self.open:
            self.value += operator_sequences(node, self.chained)

    def visit_Call(self, node: cst.Call) -> None:
        for frame in self.frames:
            if frame is not None and not frame.recursive and frame.is_called_by(node.func):
                frame.recursive = True
                self.value += 1


class TooDeeplyNested(FunctionMetric):
    """
    ## What it does
    Flags functions where blocks are nested more than `max-nested-blocks` deep. Each `if`, `for`, `while`,
    `try`, `with` and `match` (async ones too) is one level; its `elif`, `else`, `except`, `finally` and
    `case` clauses are on the same level. A nested function is measured on its own, from zero; lambdas and
    comprehensions are not blocks.

    ## Why is this bad?
    Each level is one more condition the reader has to keep in mind to know when a line runs.

    ## Example
    ```python
    def sync(folders):
        for folder in folders:
            with folder.lock():
                for path in folder.files():
                    if path.changed():
                        try:
                            upload(path)
                        except OSError:
                            retry(path)
    ```

    ## Use instead
    Move the inner levels to a helper, and return or `continue` early:
    ```python
    def sync(folders):
        for folder in folders:
            with folder.lock():
                sync_files(folder.files())
    ```
    """

    code = "SL103"
    name = "too-deeply-nested"
    silenced_by = ("PLR1702",)
    summary = "Blocks nested deeper than the limit"
    option = "max-nested-blocks"
    options = {option: Option(4, "Deepest nesting of blocks allowed in a function.", minimum=0)}
    template = "`{name}` is nested too deeply ({value} > {limit})"
    VALID = [
        # `elif` and `else` are on the level of their `if`; a nested function starts again from zero.
        Valid(
            "def f(x):\n    if x:\n        pass\n    elif x > 1:\n        def g():\n            if x:\n"
            "                pass\n    else:\n        pass\n",
            options={"max-nested-blocks": 1},
        ),
        Valid("def f(xs):\n    return [y for x in xs for y in x if y]\n", options={"max-nested-blocks": 0}),
    ]
    INVALID = [
        Invalid(
            "def sync(folders):\n    for folder in folders:\n        with folder.lock():\n"
            "            for path in folder.files():\n                if path.changed():\n"
            "                    try:\n                        upload(path)\n                    except OSError:\n"
            "                        retry(path)\n",
            count=1,
            message="`sync` is nested too deeply (5 > 4)",
        ),
        # `else:` holding an `if` is one level deeper than `elif` would be.
        Invalid(
            "async def f(x):\n    async with x:\n        if x:\n            pass\n        else:\n"
            "            if x > 1:\n                pass\n",
            options={"max-nested-blocks": 2},
            count=1,
            message="(3 > 2)",
        ),
        Invalid(
            "def f(x):\n    match x:\n        case [y]:\n            if y: return y\n",
            options={"max-nested-blocks": 1},
            message="(2 > 1)",
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.blocks: set[cst.CSTNode] = set()  # bodies one level deeper than the statement they belong to

    def enter(self, body: cst.CSTNode) -> None:
        if self.frames:
            self.blocks.add(body)

    def visit_If(self, node: cst.If) -> None:
        self.enter(node.body)

    def visit_For(self, node: cst.For) -> None:
        self.enter(node.body)

    def visit_While(self, node: cst.While) -> None:
        self.enter(node.body)

    def visit_Try(self, node: cst.Try) -> None:
        self.enter(node.body)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self.enter(node.body)

    def visit_With(self, node: cst.With) -> None:
        self.enter(node.body)

    def visit_Else(self, node: cst.Else) -> None:
        self.enter(node.body)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.enter(node.body)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self.enter(node.body)

    def visit_Finally(self, node: cst.Finally) -> None:
        self.enter(node.body)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        self.enter(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.deeper(node, 1)

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.deeper(node, -1)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.deeper(node, 1)

    def leave_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.deeper(node, -1)

    def deeper(self, node: cst.CSTNode, step: int) -> None:
        if node not in self.blocks:
            return
        if step < 0:
            self.blocks.discard(node)
        frame = self.frames[-1]
        frame.depth += step
        frame.value = max(frame.value, frame.depth)


class FunctionTooLong(MetricRule):
    """
    ## What it does
    Flags functions with more than `max-statements` statements, counted as pylint's `too-many-statements`
    (R0915) counts them:
    - the `def` itself counts 1, and each simple statement 1, except `return` and docstrings;
    - `if` and `elif` count 1 each, and a final `else` 1 more (an `else:` holding only an `if` counts as an
      `elif`); `with` and `match` count 1; `for` and `while` count nothing (their bodies count);
    - a `try` counts 2 per `except` clause, and 1 each for `else` and `finally`;
    - the statements of nested functions and classes also count for the enclosing function (their `def`
      and `class` lines do not).

    Deliberate differences from pylint, which has no visitor for these nodes: `async for` counts as `for`
    (pylint counts it 1) and `try`/`except*` as `try`/`except` (pylint counts 1 plus 1 per clause).

    ## Why is this bad?
    A long function does several things; each is easier to read, name and test on its own.

    ## Example
    A 120-line `handle_request` that parses, validates, saves and renders.

    ## Use instead
    One function per step, and a short one that calls them in order.
    """

    code = "SL104"
    name = "function-too-long"
    silenced_by = ("PLR0915",)
    summary = "Function has more statements than the limit"
    option = "max-statements"
    # The `def` itself counts 1: a limit of 0 would only flag every function.
    options = {
        option: Option(50, "Most statements allowed in a function (counted as pylint counts them).", minimum=1)
    }
    template = "`{name}` has too many statements ({value} > {limit})"
    VALID = [
        # `return` is not counted, nor are `for`/`while` themselves: def + 3 statements.
        Valid(
            "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    log(total)\n    return total\n",
            options={"max-statements": 4},
        ),
    ]
    INVALID = [
        # def, `if`, `else`, two calls: 5 (neither the docstring nor `return` counts).
        Invalid(
            'def f(x):\n    """Doc."""\n    if x:\n        a(); b()\n    else:\n        return\n',
            options={"max-statements": 4},
            count=1,
            message="`f` has too many statements (5 > 4)",
        ),
        # The nested function's statements also count for its parent: outer 1 + 3, inner 1 + 3.
        Invalid(
            "def outer():\n    @wraps(f)\n    def inner():\n        a = 1\n        b = 2\n        c = 3\n",
            options={"max-statements": 3},
            count=2,
        ),
        # try 1 handler (2) + else (1) + finally (1) + 4 bodies + def (1): 9.
        Invalid(
            "async def f():\n    try:\n        await a()\n    except E:\n        b()\n    else:\n        c()\n"
            "    finally:\n        d()\n",
            options={"max-statements": 8},
            message="(9 > 8)",
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        # Every statement counts for all enclosing functions (pylint's `_inc_all_stmts`): one running
        # count, and each function's value is the difference over its body.
        self.count = 0
        self.starts: list[int] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.starts.append(self.count)
        self.count -= node.get_docstring(clean=False) is not None  # counted below; pylint does not

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.check(node, 1 + self.count - self.starts.pop())

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.count -= node.get_docstring(clean=False) is not None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.count += sum(not isinstance(statement, cst.Return) for statement in node.body)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self.count += sum(not isinstance(statement, cst.Return) for statement in node.body)

    def visit_If(self, node: cst.If) -> None:
        self.count += 1 + has_else(node)

    def visit_Try(self, node: cst.Try) -> None:
        self.count += len(node.handlers) + try_clauses(node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self.count += len(node.handlers) + try_clauses(node)

    def visit_With(self, node: cst.With) -> None:
        self.count += 1

    def visit_Match(self, node: cst.Match) -> None:
        self.count += 1


class TooManyParameters(MetricRule):
    """
    ## What it does
    Flags functions with more than `max-args` parameters, counted as ruff's PLR0913: positional-only,
    ordinary and keyword-only parameters, but not `*args` and `**kwargs`, not the `self`/`cls` of a method
    or class method, and not dummy names like `_` or `_unused`. Functions marked `@overload` or `@override`
    are skipped: their signature is imposed by another one; so are stub files (`.pyi`), whose signatures
    repeat the implementation's (as ruff skips them).

    ## Why is this bad?
    Callers must get many arguments right, and the function probably does several things; related values
    often belong in one object.

    ## Example
    ```python
    def send(host, port, user, password, subject, body):
        ...
    ```

    ## Use instead
    ```python
    def send(server: Server, message: Message):
        ...
    ```
    """

    code = "SL105"
    name = "too-many-parameters"
    silenced_by = ("PLR0913",)
    summary = "Function has more parameters than the limit"
    option = "max-args"
    options = {option: Option(5, "Most parameters allowed (not counting *args, **kwargs, self, cls).", minimum=0)}
    template = "`{name}` has too many parameters ({value} > {limit})"

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return not context.path.endswith(".pyi")
    VALID = [
        "def f(a, b, c, d, e, *args, **kwargs):\n    pass\n",
        # `self` is not counted, nor are dummy names.
        "class A:\n    def f(self, a, b, c, d, e, _unused=None):\n        pass\n",
        "@overload\ndef f(a, b, c, d, e, f): ...\n",
        Valid(
            "def make(name: str, *, a: int = ..., b: int = ..., c: int = ..., d: int = ..., e: int = ...) -> type: ..."
            "\n",
            path="attrs.pyi",
        ),
    ]
    INVALID = [
        Invalid(
            "def send(host, port, user, password, subject, body):\n    pass\n",
            count=1,
            message="`send` has too many parameters (6 > 5)",
        ),
        # A static method has no `self`; keyword-only and positional-only parameters count.
        Invalid(
            "class A:\n    @staticmethod\n    def f(a, /, b, *, c):\n        pass\n",
            options={"max-args": 2},
            count=1,
            message="(3 > 2)",
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.in_class: list[bool] = []  # per enclosing scope: is it a class body?

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.in_class.append(True)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.in_class.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        method = bool(self.in_class) and self.in_class[-1]
        self.in_class.append(False)
        if not IMPOSED.intersection(decorator_names(node)):
            self.check(node, counted_parameters(node, method))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.in_class.pop()


class TooManyReturns(FunctionMetric):
    """
    ## What it does
    Flags functions with more than `max-returns` `return` statements, as pylint's R0911 and ruff's PLR0911
    count them: those of nested functions count for the nested function only, and lambdas have none.

    ## Why is this bad?
    Many exits make it hard to see what a function gives back and when; often a lookup table or splitting
    the function says it better.

    ## Example
    ```python
    def color(name):
        if name == "red":
            return 1
        if name == "green":
            return 2
        ...
        return 0
    ```

    ## Use instead
    ```python
    COLORS = {"red": 1, "green": 2}

    def color(name):
        return COLORS.get(name, 0)
    ```
    """

    code = "SL106"
    name = "too-many-returns"
    silenced_by = ("PLR0911",)
    summary = "Function has more return statements than the limit"
    option = "max-returns"
    options = {option: Option(6, "Most `return` statements allowed in a function.", minimum=0)}
    template = "`{name}` has too many return statements ({value} > {limit})"
    VALID = [
        Valid(
            "def f(x):\n    def g():\n        return 1\n    if x:\n        return g\n    return lambda: x\n",
            options={"max-returns": 2},
        ),
    ]
    INVALID = [
        Invalid(
            "def f(x):\n    if x: return 1\n    elif x > 2: return 2\n    match x:\n        case 3:\n"
            "            return 3\n    return None\n",
            options={"max-returns": 3},
            count=1,
            message="`f` has too many return statements (4 > 3)",
        ),
    ]

    def visit_Return(self, node: cst.Return) -> None:
        self.add(1)


class TooManyBranches(FunctionMetric):
    """
    ## What it does
    Flags functions with more than `max-branches` branches, counted as pylint's R0912 and ruff's PLR0912:
    `if`, `elif`, `else`, `for`, `while` (and their `else`), each `except`, a `try`'s `else` and `finally`,
    and each `case` of a `match`. An `else:` holding only an `if` counts as an `elif`, as in pylint. Nested
    functions and classes are counted on their own. Deliberate differences from pylint (which has no visitor
    for them): `async for` counts as `for`, `try`/`except*` as `try`/`except`.

    ## Why is this bad?
    Every branch is one more case to read and to test.

    ## Example
    A `dispatch(event)` with a dozen `elif event.kind == ...` arms.

    ## Use instead
    A dictionary from kind to handler, or one method per kind.
    """

    code = "SL107"
    name = "too-many-branches"
    silenced_by = ("PLR0912",)
    summary = "Function has more branches than the limit"
    option = "max-branches"
    options = {option: Option(12, "Most branches allowed in a function.", minimum=0)}
    template = "`{name}` has too many branches ({value} > {limit})"
    VALID = [
        # `with` is no branch; the `try` itself is not one, its `except` is.
        Valid(
            "def f(x):\n    with x:\n        try:\n            pass\n        except E:\n            pass\n",
            options={"max-branches": 1},
        ),
    ]
    INVALID = [
        Invalid(
            "def f(x):\n    if x:\n        pass\n    elif x > 1:\n        pass\n    else:\n        pass\n"
            "    async for y in x:\n        pass\n",
            options={"max-branches": 3},
            count=1,
            message="`f` has too many branches (4 > 3)",
        ),
        Invalid(
            "def f(x):\n    match x:\n        case 1: pass\n        case _: pass\n    try:\n        pass\n"
            "    except* E:\n        pass\n    finally:\n        pass\n",
            options={"max-branches": 3},
            message="(4 > 3)",
        ),
    ]

    def visit_If(self, node: cst.If) -> None:
        self.add(1 + has_else(node))

    def visit_For(self, node: cst.For) -> None:
        self.add(1 + (node.orelse is not None))

    def visit_While(self, node: cst.While) -> None:
        self.add(1 + (node.orelse is not None))

    def visit_Try(self, node: cst.Try) -> None:
        self.add(try_clauses(node))

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self.add(try_clauses(node))

    def visit_Match(self, node: cst.Match) -> None:
        self.add(len(node.cases))


RULES = [
    TooComplex,
    CognitiveComplexity,
    TooDeeplyNested,
    FunctionTooLong,
    TooManyParameters,
    TooManyReturns,
    TooManyBranches,
]
