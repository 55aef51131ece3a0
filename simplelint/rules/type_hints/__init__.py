"""SL2xx: missing type hints, found as ruff's flake8-annotations rules (ANN001-ANN003, ANN201-ANN206) find them.

Both rules keep the same scope bookkeeping (`FunctionRule`): which functions are methods, which are `@overload`
implementations (skipped, as ruff does), and which are private in ruff's sense (for SL202's wording and
`ignore-private-functions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Optional

import libcst as cst

from simplelint.engine.traversal import children
from simplelint.rule import FileContext, Invalid, NodeFix, Option, Rule, Valid
from simplelint.rules.naming import DUMMY, decorator_names, is_dunder, is_private

ABSTRACT = frozenset({"abstractmethod", "abstractclassmethod", "abstractstaticmethod", "abstractproperty"})
# The return types ruff's fix writes for special methods, whatever their body.
MAGIC_RETURNS = {
    **dict.fromkeys(("__str__", "__repr__", "__format__"), "str"),
    "__bytes__": "bytes",
    **dict.fromkeys(("__len__", "__length_hint__", "__int__", "__index__"), "int"),
    "__float__": "float",
    "__complex__": "complex",
    **dict.fromkeys(("__bool__", "__contains__"), "bool"),
    **dict.fromkeys(
        ("__init__", "__del__", "__setattr__", "__delattr__", "__setitem__", "__delitem__", "__set__"), "None"
    ),
}

SHARED_OPTIONS = {
    "ignore-test-files": Option(False, "Skip every function in the test suite's files (`[tool.simplelint.tests]`)."),
    "ignore-fully-untyped": Option(
        False, "Skip functions with no annotation at all, so only partly typed ones are completed (as ruff's option)."
    ),
}


def is_setter(node: cst.FunctionDef) -> bool:
    """`@name.setter` / `@name.deleter`: ruff counts these property parts as private."""
    for decorator in node.decorators:
        expression = decorator.decorator
        if (
            isinstance(expression, cst.Attribute)
            and expression.attr.value in ("setter", "deleter")
            and isinstance(expression.value, cst.Name)
            and expression.value.value == node.name.value
        ):
            return True
    return False


@dataclass
class Function:
    """A `def` being visited, with what its body showed so far."""

    node: cst.FunctionDef
    in_class: bool
    private: bool
    decorators: tuple[str, ...]
    # The module-level `def` or `class` it belongs to: not listed in `__all__` makes it private for ruff.
    top: str
    returns: bool = False
    returns_value: bool = False
    yields: bool = False

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def takes_self(self) -> bool:
        return self.in_class and "staticmethod" not in self.decorators

    def checked_params(self) -> list[cst.Param]:
        """Named parameters that need a hint: all but the first positional one of a non-static method."""
        params = self.node.params
        positional = [*params.posonly_params, *params.params]
        return positional[self.takes_self :] + list(params.kwonly_params)

    def star_params(self) -> list[tuple[str, cst.Param]]:
        params = self.node.params
        stars = (("*", params.star_arg), ("**", params.star_kwarg))
        return [(star, param) for star, param in stars if isinstance(param, cst.Param)]

    def has_typed_param(self) -> bool:
        params = [*self.checked_params(), *(param for _, param in self.star_params())]
        return any(param.annotation is not None for param in params)

    def is_fully_untyped(self) -> bool:
        """As ruff's `ignore-fully-untyped`: no hint anywhere, an annotated `self` counting as one."""
        params = self.node.params
        first = [*params.posonly_params, *params.params][:1] if self.takes_self else []
        typed_self = any(param.annotation is not None for param in first)
        return not (self.has_typed_param() or self.node.returns is not None or typed_self)


@dataclass
class Frame:
    """A scope being visited: the module, a class body or a function body."""

    kind: str  # "module", "class" or "function"
    private: bool
    top: Optional[str] = None
    # The function whose body this is, when it is checked.
    function: Optional[Function] = None
    # Name of the last `def` in this scope when it was an `@overload` signature.
    overloaded: Optional[str] = None


class FunctionRule(Rule):
    """Shared scope bookkeeping; subclasses implement `check` (at the `def`) and/or `finish` (after its body)."""

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        # ruff: everything in a private module or package (`_impl.py`, `pkg/_core/`) is private.
        modules = context.module_name.split(".") if context.module_name else [PurePath(context.path).stem]
        self.frames = [Frame("module", any(is_private(name) for name in modules))]
        self.skip_file = bool(self.config["ignore-test-files"]) and self.context.is_test

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return b"def" in context.source

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        parent = self.frames[-1]
        parent.overloaded = None
        private = parent.private or parent.kind == "function" or is_private(node.name.value)
        self.frames.append(Frame("class", private, parent.top or node.name.value))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.frames.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self.frames[-1]
        private = self.is_private_def(node, parent)
        function = Function(node, parent.kind == "class", private, decorator_names(node), parent.top or node.name.value)
        overload = "overload" in function.decorators
        # The implementation after `@overload` signatures is checked against them, not on its own (as ruff).
        implementation = not overload and parent.overloaded == function.name
        parent.overloaded = function.name if overload else None
        checked = not (implementation or self.skip_file)
        if checked and self.config["ignore-fully-untyped"]:
            checked = not function.is_fully_untyped()
        self.frames.append(Frame("function", private, function.top, function if checked else None))
        if checked:
            self.check(function)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        function = self.frames.pop().function
        if function is not None:
            self.finish(function)

    @staticmethod
    def is_private_def(node: cst.FunctionDef, parent: Frame) -> bool:
        """ruff's visibility: nested functions, members of private scopes, `_name`, property setters."""
        name = node.name.value
        if parent.private or parent.kind == "function":
            return True
        if parent.kind == "class":
            return is_setter(node) or is_private(name)
        return name.startswith("_")

    def check(self, function: Function) -> None:
        pass

    def finish(self, function: Function) -> None:
        pass


class MissingParameterAnnotation(FunctionRule):
    """
    ## What it does
    Flags each parameter of a `def` or `async def` without a type annotation: positional-only, regular and
    keyword-only parameters, `*args` and `**kwargs`. The first parameter of a method (`self`, `cls`, also in
    `__new__` and metaclass methods) is left alone; a `@staticmethod` has no such parameter. The
    implementation that follows `@overload` signatures is skipped (the signatures describe it). Lambdas are
    not checked.

    Same findings as ruff's ANN001, ANN002 and ANN003.

    ## Why is this bad?
    mypy only checks the body of a function whose signature is annotated, and an unannotated parameter is
    `Any` there: calls with the wrong type pass silently. Complete hints also let mypyc compile the module
    to a fast C extension, and tell readers what a function takes without reading its body.

    ## Example
    ```python
    def scale(values, factor=2, *rest, strict, **extra):
        ...
    ```

    ## Use instead
    ```python
    def scale(values: list[float], factor: float = 2, *rest: float, strict: bool, **extra: str) -> list[float]:
        ...
    ```
    """

    code = "SL201"
    name = "missing-parameter-annotation"
    silenced_by = ("ANN001", "ANN002", "ANN003")
    summary = "Function parameter without a type annotation"
    options = {
        **SHARED_OPTIONS,
        "allow-unannotated-star-args": Option(False, "Do not require hints on `*args` and `**kwargs`."),
        "suppress-dummy-args": Option(
            False, "Do not require hints on dummy parameters (`_`, `_unused`, ruff's dummy pattern), as ruff's option."
        ),
    }
    VALID = [
        "def add(a: int, b: int = 0, *args: int, **kwargs: int) -> int:\n    return a + b\n",
        # Positional-only and keyword-only parameters, annotated.
        "def clip(value: float, /, low: float = 0.0, *, high: float) -> float:\n"
        "    return min(max(value, low), high)\n",
        # `self` and `cls` need no hint, in classmethods too.
        "class Account:\n"
        "    def deposit(self, amount: int) -> None:\n        self.balance += amount\n\n"
        "    @classmethod\n    def empty(cls) -> 'Account':\n        return cls()\n",
        # `__new__` and metaclass methods: their first parameter is the class.
        "class Meta(type):\n"
        "    def __new__(mcs, name: str, bases: tuple, ns: dict) -> 'Meta':\n"
        "        return super().__new__(mcs, name, bases, ns)\n\n"
        "    def __call__(cls, *args: object, **kwargs: object) -> object:\n"
        "        return super().__call__(*args, **kwargs)\n",
        # A bare `*` is not a parameter.
        "def connect(host: str, *, port: int = 5432) -> None:\n    pass\n",
        # The implementation after `@overload` signatures is skipped, also with `typing.overload`.
        "import typing\n\n"
        "@typing.overload\ndef first(x: str) -> str: ...\n"
        "@typing.overload\ndef first(x: bytes) -> bytes: ...\n"
        "def first(x):\n    return x[:1]\n",
        # Lambdas are not checked.
        "key = lambda row: row[0]\n",
        # Options.
        Valid("def log(msg: str, *args, **kwargs) -> None:\n    pass\n", {"allow-unannotated-star-args": True}),
        Valid("def handler(event: str, _, _context) -> None:\n    pass\n", {"suppress-dummy-args": True}),
        Valid("def test_sum(numbers):\n    assert sum(numbers)\n", {"ignore-test-files": True}, "tests/test_sum.py"),
        Valid("def untyped(a, b):\n    return a\n", {"ignore-fully-untyped": True}),
    ]
    INVALID = [
        Invalid("def add(a, b: int = 0):\n    return a + b\n", count=1, message="function argument `a`"),
        # One finding per parameter, of every kind.
        Invalid("def f(a, /, b, *args, c, **kwargs) -> None:\n    pass\n", count=5),
        Invalid("def f(*args: int, **kwargs) -> None:\n    pass\n", count=1, message="`**kwargs`"),
        Invalid("async def fetch(url, *, retries=3) -> bytes:\n    return b''\n", count=2),
        # A staticmethod has no `self`: its first parameter needs a hint.
        Invalid("class Math:\n    @staticmethod\n    def double(x) -> int:\n        return 2 * x\n", count=1),
        Invalid("class Pair:\n    def __init__(self, left, right: int) -> None:\n        pass\n", count=1),
        # Nested functions, properties, decorated functions.
        Invalid(
            "import functools\n\ndef retry(times: int):\n    def wrap(func):\n"
            "        @functools.wraps(func)\n        def call(*args, **kwargs):\n"
            "            return func(*args, **kwargs)\n        return call\n    return wrap\n",
            count=3,
        ),
        # Comments inside the signature do not hide a parameter.
        Invalid("def f(\n    a,  # the first\n    b: int,  # the second\n) -> None:\n    pass\n", count=1),
        # A signature marked `@overload` is itself checked.
        Invalid("from typing import overload\n\n@overload\ndef f(x) -> int: ...\ndef f(x):\n    return x\n", count=1),
        # Outside a class, the first parameter is an ordinary one, whatever its name.
        Invalid("def helper(self):\n    return self\n", count=1),
        Invalid("def f(_, *args) -> None:\n    pass\n", {"suppress-dummy-args": True}, count=1, message="`*args`"),
        Invalid("def f(a, b: int) -> None:\n    pass\n", {"ignore-fully-untyped": True}, count=1),
        Invalid("def f(a, *args) -> None:\n    pass\n", {"allow-unannotated-star-args": True}, count=1),
    ]

    def check(self, function: Function) -> None:
        for param in function.checked_params():
            if param.annotation is None and not self.is_dummy(param):
                self.report(param, f"Missing type annotation for function argument `{param.name.value}`")
        if self.config["allow-unannotated-star-args"]:
            return
        for star, param in function.star_params():
            if param.annotation is None and not self.is_dummy(param):
                self.report(param, f"Missing type annotation for `{star}{param.name.value}`")

    def is_dummy(self, param: cst.Param) -> bool:
        return bool(self.config["suppress-dummy-args"]) and bool(DUMMY.match(param.name.value))


class MissingReturnAnnotation(FunctionRule):
    """
    ## What it does
    Flags each `def` or `async def` without a return annotation (`-> ...`), nested functions, methods,
    properties and decorated functions included, at the function's name. The implementation that follows
    `@overload` signatures is skipped. The message names the kind of function as ruff's ANN201-ANN206 do
    (public or private function, special method, staticmethod, classmethod); one code covers them all, and
    `ignore-private-functions` and `ignore-dunder-methods` drop the kinds ruff reports as ANN202 and ANN204.

    ## Why is this bad?
    mypy only checks the body of a function whose signature is annotated, and callers of a function without
    a return type get `Any` back, so errors downstream go unnoticed. Complete hints also let mypyc compile the
    module to a fast C extension.

    ## Example
    ```python
    def save(record):
        db.write(record)
    ```

    ## Use instead
    ```python
    def save(record: Record) -> None:
        db.write(record)
    ```

    ## Fix safety
    The fix adds `-> None` when the body never returns a value and never yields (a `return` or `yield` in a
    nested function, lambda or class does not count), and for simple special methods the type ruff writes
    (`__str__` -> `str`, `__len__` -> `int`, `__bool__` -> `bool`, ...). There is no fix for a function whose
    body always raises (`raise NotImplementedError`: its overrides decide the type), nor for a stub (`...` or
    `pass` only) marked `@abstractmethod` or `@overload` or in a `.pyi` file. It is unsafe: the annotation is
    a guess that type checkers then enforce on callers and on overriding methods, and it changes
    `__annotations__`, which some libraries read at runtime.
    """

    code = "SL202"
    name = "missing-return-annotation"
    silenced_by = ("ANN201", "ANN202", "ANN204", "ANN205", "ANN206")
    summary = "Function without a return type annotation"
    options = {
        **SHARED_OPTIONS,
        "mypy-init-return": Option(
            False, "Allow `__init__` without `-> None` when one of its parameters is annotated, as mypy does."
        ),
        "suppress-none-returning": Option(
            False, "Allow no return annotation on functions that return only `None` (explicitly or implicitly)."
        ),
        "ignore-private-functions": Option(
            False,
            "Do not require return hints on private functions (`_name`, nested, in private classes or modules, not"
            " in `__all__`): ruff's ANN202.",
        ),
        "ignore-dunder-methods": Option(
            False, "Do not require return hints on special methods (`__eq__`, `__init__`, ...): ruff's ANN204."
        ),
    }
    VALID = [
        "def total(prices: list[float]) -> float:\n    return sum(prices)\n",
        "async def ping() -> None:\n    pass\n",
        # The `@overload` implementation is skipped.
        "from typing import overload\n\n"
        "class Box:\n"
        "    @overload\n    def get(self, key: int) -> int: ...\n"
        "    @overload\n    def get(self, key: str) -> str: ...\n"
        "    def get(self, key):\n        return key\n",
        "square = lambda x: x * x\n",
        # Options.
        Valid("class A:\n    def __init__(self, size: int):\n        self.size = size\n", {"mypy-init-return": True}),
        Valid("def log(msg: str):\n    print(msg)\n    return None\n", {"suppress-none-returning": True}),
        Valid("def _helper(x: int):\n    return x\n", {"ignore-private-functions": True}),
        Valid("def outer() -> None:\n    def inner():\n        return 1\n", {"ignore-private-functions": True}),
        Valid("class A:\n    def __eq__(self, other: object):\n        return True\n", {"ignore-dunder-methods": True}),
        Valid("def test_add():\n    assert 1 + 1 == 2\n", {"ignore-test-files": True}, "test_math.py"),
        Valid("def old(a, b):\n    return a\n", {"ignore-fully-untyped": True}),
    ]
    INVALID = [
        Invalid(
            "def save(record: dict):\n    print(record)\n",
            fixed="def save(record: dict) -> None:\n    print(record)\n",
            count=1,
            message="Missing return type annotation for public function `save`",
        ),
        # Reported at the name, on the `def` line, never at a decorator; properties too.
        Invalid(
            "class Order:\n    @property\n    def total(self):\n        return 1\n",
            count=1,
            message="public function `total`",
        ),
        # `return None` is no value; comments inside the signature are kept.
        Invalid(
            "def close(\n    handle: int,  # an OS handle\n):\n    return None\n",
            fixed="def close(\n    handle: int,  # an OS handle\n) -> None:\n    return None\n",
        ),
        # A returned value in a nested function or a lambda does not count; both functions are reported.
        Invalid(
            "def outer(x: int):\n    def inner():\n        return x\n    f = lambda: x\n",
            fixed="def outer(x: int) -> None:\n    def inner():\n        return x\n    f = lambda: x\n",
            count=2,
        ),
        # Generators, async generators and functions returning a value get no fix.
        Invalid("def count():\n    yield 1\n", fixed="def count():\n    yield 1\n"),
        Invalid("async def ticks():\n    yield 1\n", fixed="async def ticks():\n    yield 1\n"),
        Invalid(
            "def get(x: int):\n    if x:\n        return x\n",
            fixed="def get(x: int):\n    if x:\n        return x\n",
        ),
        # Abstract methods: an always-raising or empty body says nothing about what overrides return.
        Invalid(
            "import abc\n\nclass Base(abc.ABC):\n    @abc.abstractmethod\n    def run(self): ...\n\n"
            "    def stop(self):\n        raise NotImplementedError\n",
            fixed="import abc\n\nclass Base(abc.ABC):\n    @abc.abstractmethod\n    def run(self): ...\n\n"
            "    def stop(self):\n        raise NotImplementedError\n",
            count=2,
        ),
        # Special methods: `__init__` gets `-> None`, simple dunders their known type.
        Invalid(
            "class A:\n    def __init__(self):\n        pass\n\n    def __str__(self):\n        return 'A'\n",
            fixed="class A:\n    def __init__(self) -> None:\n        pass\n\n"
            "    def __str__(self) -> str:\n        return 'A'\n",
            count=2,
            message="special method `__init__`",
        ),
        # `mypy-init-return` needs an annotated parameter.
        Invalid(
            "class A:\n    def __init__(self, size):\n        pass\n",
            {"mypy-init-return": True},
            fixed="class A:\n    def __init__(self, size) -> None:\n        pass\n",
            count=1,
        ),
        Invalid(
            "class A:\n    @staticmethod\n    def make():\n        return A()\n\n"
            "    @classmethod\n    def build(cls):\n        return cls()\n",
            count=2,
            message="staticmethod `make`",
        ),
        Invalid(
            "def outer() -> None:\n    async def _inner():\n        pass\n",
            fixed="def outer() -> None:\n    async def _inner() -> None:\n        pass\n",
            message="private function `_inner`",
        ),
        Invalid("def _helper(x: int):\n    return x\n", {"ignore-dunder-methods": True}, count=1),
        Invalid("def log(msg: str):\n    return msg\n", {"suppress-none-returning": True}, count=1),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.missing: list[Function] = []
        # Names in the module's `__all__`, once it has one: ruff makes every other top-level name private.
        self.exports: Optional[set[str]] = None

    def finish(self, function: Function) -> None:
        if function.node.returns is None and not self.allowed(function):
            self.missing.append(function)

    def leave_Module(self, original_node: cst.Module) -> None:
        ignored = self.ignored_kinds()
        for function in self.missing:
            private = function.private or (self.exports is not None and function.top not in self.exports)
            kind = self.kind(function, private)
            if kind not in ignored:
                message = f"Missing return type annotation for {kind} `{function.name}`"
                self.report(function.node.name, message, self.fix(function))

    def allowed(self, function: Function) -> bool:
        if self.config["suppress-none-returning"] and not function.returns_value:
            return True
        init = function.in_class and function.name == "__init__"
        return init and bool(self.config["mypy-init-return"]) and function.has_typed_param()

    def ignored_kinds(self) -> set[str]:
        kinds = set()
        if self.config["ignore-private-functions"]:
            kinds.add("private function")
        if self.config["ignore-dunder-methods"]:
            kinds.add("special method")
        return kinds

    @staticmethod
    def kind(function: Function, private: bool) -> str:
        """ruff's wording, which is also its code: ANN206, ANN205, ANN204, ANN202, ANN201."""
        if function.in_class:
            if "classmethod" in function.decorators or "abstractclassmethod" in function.decorators:
                return "classmethod"
            if "staticmethod" in function.decorators:
                return "staticmethod"
            if is_dunder(function.name):
                return "special method"
        return "private function" if private else "public function"

    def fix(self, function: Function) -> Optional[NodeFix]:
        annotation = self.guess(function)
        if annotation is None:
            return None
        node = function.node
        replacement = node.with_changes(returns=cst.Annotation(cst.Name(annotation)))
        return NodeFix(node, replacement, f"Add return type annotation: `{annotation}`", unsafe=True)

    def guess(self, function: Function) -> Optional[str]:
        if function.in_class and function.name in MAGIC_RETURNS:
            return MAGIC_RETURNS[function.name]
        body = function.node.body
        if function.returns_value or function.yields or (always_raises(body) and not function.returns):
            return None
        stub = self.context.path.endswith(".pyi") or ABSTRACT.intersection(function.decorators)
        if (stub or "overload" in function.decorators) and is_empty(body):
            return None
        return "None"

    def visit_Return(self, node: cst.Return) -> None:
        function = self.frames[-1].function
        if function is not None:
            function.returns = True
            value = node.value
            function.returns_value |= value is not None and not (isinstance(value, cst.Name) and value.value == "None")

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(is_dunder_all(target.target) for target in node.targets):
            self.export(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if is_dunder_all(node.target):
            self.export(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if is_dunder_all(node.target):
            self.export(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and is_dunder_all(func.value) and func.attr.value in ("append", "extend"):
            self.export(node.args[0].value if node.args else None)

    def export(self, value: Optional[cst.BaseExpression]) -> None:
        if self.frames[-1].kind == "module":
            self.exports = (self.exports or set()) | set(literal_names(value))

    def visit_Yield(self, node: cst.Yield) -> None:
        function = self.frames[-1].function
        if function is not None:
            function.yields = True

    def visit_Lambda(self, node: cst.Lambda) -> None:
        # A lambda's `yield` belongs to the lambda: a frame without a function hides it.
        self.frames.append(Frame("function", True, self.frames[-1].top))

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.frames.pop()


def is_dunder_all(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "__all__"


def literal_names(value: Optional[cst.BaseExpression]) -> list[str]:
    """The strings of `["a", "b"]`, `("a",) + other`, `"a"`: what ruff reads from `__all__`."""
    if isinstance(value, cst.SimpleString):
        evaluated = value.evaluated_value
        return [evaluated] if isinstance(evaluated, str) else []
    if isinstance(value, (cst.List, cst.Tuple)):
        return [name for element in value.elements for name in literal_names(element.value)]
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        return literal_names(value.left) + literal_names(value.right)
    return []


def always_raises(suite: cst.BaseSuite) -> bool:
    """Whether the block ends by raising on every path (ruff then suggests `NoReturn`, not `None`)."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return any(isinstance(small, cst.Raise) for small in suite.body)
    last = suite.body[-1] if suite.body else None
    if isinstance(last, cst.SimpleStatementLine):
        return any(isinstance(small, cst.Raise) for small in last.body)
    return last is not None and compound_raises(last)


def compound_raises(statement: cst.CSTNode) -> bool:
    """`if`/`elif`/`else`, `with`, `try` and loops whose `else` raises, as ruff's terminal analysis reads them."""
    if isinstance(statement, cst.If):
        orelse = statement.orelse
        return orelse is not None and always_raises(statement.body) and compound_raises(orelse)
    if isinstance(statement, (cst.Else, cst.With)):
        return always_raises(statement.body)
    if isinstance(statement, (cst.For, cst.While)):
        # The loop may run zero times: only an `else` that raises, with no `break` to skip it, ends it.
        orelse = statement.orelse
        return orelse is not None and always_raises(orelse.body) and not has_break(statement.body)
    if isinstance(statement, cst.Try):
        final = statement.finalbody is not None and always_raises(statement.finalbody.body)
        handled = all(always_raises(handler.body) for handler in statement.handlers)
        else_raises = statement.orelse is not None and always_raises(statement.orelse.body)
        return final or (handled and (always_raises(statement.body) or else_raises))
    return False


def has_break(body: cst.BaseSuite) -> bool:
    """A `break` of this loop: nested loops, functions and classes have their own."""
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Break):
            return True
        if not isinstance(node, (cst.For, cst.While, cst.FunctionDef, cst.ClassDef)):
            stack.extend(children(node))
    return False


def is_empty(body: cst.BaseSuite) -> bool:
    """Only `pass`, `...` and strings: the body of a stub."""
    if isinstance(body, cst.SimpleStatementSuite):
        smalls = list(body.body)
    else:
        lines = [line for line in body.body if isinstance(line, cst.SimpleStatementLine)]
        if len(lines) < len(body.body):
            return False
        smalls = [small for line in lines for small in line.body]
    return all(isinstance(small, cst.Pass) or is_literal_expr(small) for small in smalls)


def is_literal_expr(small: cst.BaseSmallStatement) -> bool:
    return isinstance(small, cst.Expr) and isinstance(
        small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
    )


RULES: list[type] = [MissingParameterAnnotation, MissingReturnAnnotation]
