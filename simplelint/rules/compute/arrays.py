"""Which names hold numpy arrays, statement by statement, read once per file from LibCST's tree.

No scope metadata (LibCST's ScopeProvider costs more than every SL6 rule together): one walk of the
module in source order keeps, for the function or module body being read, which names certainly hold an
array and which hold the length of one (`n = len(a)`). Branches are merged (a name stays known only when
every branch leaves it known) and a loop forgets, at its head, the names its body rebinds to anything else,
so what a loop or comprehension sees is what holds on every iteration. A nested function starts from what
its enclosing body knew where it was defined, less its own parameters. The result is a snapshot of known
names per `for` loop and comprehension, by node id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union
from collections.abc import Mapping, Sequence

import libcst as cst

from simplelint.rule import FileContext, ast_summary
from simplelint.engine.traversal import children
from simplelint.rules.naming import imported_names

ARRAY, LENGTH, GENERATOR = "array", "length", "generator"
# numpy functions whose result is an array (for the ufuncs: when given one; loops never iterate a scalar).
CONSTRUCTORS = frozenset(
    """array asarray asanyarray ascontiguousarray asfortranarray copy zeros ones empty full zeros_like
    ones_like empty_like full_like arange linspace logspace geomspace eye identity diag diagflat tri tril triu
    vander fromfunction fromiter frombuffer fromfile loadtxt genfromtxt concatenate stack vstack hstack
    dstack column_stack append insert delete repeat tile roll flip fliplr flipud rot90 reshape ravel transpose
    squeeze expand_dims atleast_1d atleast_2d cumsum cumprod diff sort argsort outer convolve
    correlate polyval interp clip abs absolute sqrt square exp exp2 expm1 log log2 log10 log1p sin cos tan
    arcsin arccos arctan arctan2 sinh cosh tanh floor ceil rint round around sign minimum maximum power
    multiply add subtract divide true_divide hypot real imag conj conjugate nan_to_num unique histogram_bin_edges
    bincount cross""".split()
)
RANDOM = frozenset(
    """rand randn random random_sample uniform normal standard_normal randint integers choice permutation
    exponential poisson binomial gamma beta lognormal laplace logistic multivariate_normal""".split()
)
# Random functions whose first positional arguments are the shape (the others take it as `size=`).
RANDOM_SHAPED = frozenset({"rand", "randn"})
GENERATORS = frozenset({"numpy.random.default_rng", "numpy.random.RandomState", "numpy.random.Generator"})
# Methods of an array that return an array whatever their arguments.
ARRAY_METHODS = frozenset(
    """copy reshape ravel flatten astype transpose squeeze cumsum cumprod clip conj conjugate swapaxes view
    round""".split()
)
ARRAY_ATTRIBUTES = frozenset({"T", "real", "imag"})
REDUCTIONS = frozenset({"sum", "mean", "prod", "max", "min", "std", "var"})
# dtypes of numbers: `float`, `np.float64`, `"f8"`, `"int32"`, `"complex128"`, `np.intp`, ...
NUMERIC_DTYPE = re.compile(r"(float|int|uint|complex|bool_?|double|single|half|longdouble|intp|uintp|[fiucb]\d*)\d*")
_STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
ANNOTATIONS = frozenset({"numpy.ndarray", "numpy.typing.NDArray"})
ARITHMETIC = (cst.Add, cst.Subtract, cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.Power)
# Modules whose local names the rules resolve: numpy for arrays, math and cmath for scalar functions.
MODULES = ("numpy", "math", "cmath")

State = dict[str, str]  # name -> ARRAY, LENGTH or GENERATOR; a name not there may hold anything
Scope = Union[cst.FunctionDef, cst.Lambda]


@ast_summary
def module_names(source: bytes) -> Mapping[str, str]:
    """Local name -> what it stands for, for names imported from numpy, math and cmath: `import numpy as xp`
    gives `xp` -> `numpy`, `from numpy import zeros as z` gives `z` -> `numpy.zeros`."""
    return {local: name for local, name in imported_names(source).items() if name.split(".")[0] in MODULES}


def dotted(expr: cst.BaseExpression) -> Optional[str]:
    """`np.random.rand` as text, for a name or an attribute chain; else None."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted(expr.value)
        return None if base is None else f"{base}.{expr.attr.value}"
    return None


@dataclass(frozen=True)
class Names:
    """The file's imports of numpy, math and cmath, to resolve names and to word suggestions."""

    imported: Mapping[str, str]

    def resolve(self, expr: cst.BaseExpression) -> Optional[str]:
        """What `expr` stands for when it starts with an imported numpy/math name (`xp.zeros` -> `numpy.zeros`)."""
        text = dotted(expr)
        if text is None:
            return None
        head, dot, rest = text.partition(".")
        full = self.imported.get(head)
        return None if full is None else full + dot + rest

    @property
    def numpy(self) -> str:
        """How the file names numpy, for messages: its alias (`np`, `xp`), else `np`."""
        aliases = sorted(local for local, name in self.imported.items() if name == "numpy")
        return "np" if not aliases or "np" in aliases else aliases[0]


@dataclass(frozen=True)
class Known:
    """What holds at a loop's or comprehension's head."""

    arrays: frozenset[str]
    lengths: frozenset[str]
    # Names the function (or module) uses as containers anywhere (`w[0]`, `len(w)`, `w.shape`, `for v in w`):
    # not scalars, whatever they hold, so `x * w` in a loop is no element-wise arithmetic.
    containers: frozenset[str] = frozenset()


def is_array_annotation(annotation: cst.BaseExpression, names: Names) -> bool:
    """`np.ndarray`, `npt.NDArray[np.float64]`, also written as a string."""
    if isinstance(annotation, cst.SimpleString):
        try:
            annotation = cst.parse_expression(str(annotation.evaluated_value))
        except (cst.ParserSyntaxError, SyntaxError, ValueError, TypeError):
            return False
    if isinstance(annotation, cst.Subscript):
        annotation = annotation.value
    return names.resolve(annotation) in ANNOTATIONS


class ArrayScan:
    """Walks a module once, in source order, and keeps what is known at each loop and comprehension."""

    def __init__(self, module: cst.Module, names: Names) -> None:
        self.names = names
        self.at: dict[int, Known] = {}
        self.containers = [containers(module.body, names)]
        self.block(module.body, {})

    # Expressions

    def kind(self, expr: cst.BaseExpression, state: State) -> Optional[str]:
        """ARRAY, LENGTH or GENERATOR when `expr` certainly evaluates to one; else None."""
        if isinstance(expr, cst.Name):
            return state.get(expr.value)
        if isinstance(expr, cst.Call):
            return self.call_kind(expr, state)
        if isinstance(expr, cst.Attribute):
            return self.attribute_kind(expr, state)
        if isinstance(expr, cst.Subscript):
            return self.subscript_kind(expr, state)
        return self.operation_kind(expr, state)

    def is_array(self, expr: cst.BaseExpression, state: State) -> bool:
        return self.kind(expr, state) == ARRAY

    def operation_kind(self, expr: cst.BaseExpression, state: State) -> Optional[str]:
        """Arithmetic with an array, `-a`, `a if c else b`: arrays."""
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, ARITHMETIC):
            array = self.is_array(expr.left, state) or self.is_array(expr.right, state)
        elif isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
            array = self.is_array(expr.expression, state)
        elif isinstance(expr, cst.IfExp):
            array = self.is_array(expr.body, state) and self.is_array(expr.orelse, state)
        else:
            array = False
        return ARRAY if array else None

    def attribute_kind(self, expr: cst.Attribute, state: State) -> Optional[str]:
        """`a.T`, `a.real` are arrays, `a.size` a length."""
        if not self.is_array(expr.value, state):
            return None
        if expr.attr.value in ARRAY_ATTRIBUTES:
            return ARRAY
        return LENGTH if expr.attr.value == "size" else None

    def subscript_kind(self, expr: cst.Subscript, state: State) -> Optional[str]:
        """`a.shape[0]` is a length; a slice of an array (`a[1:]`, `a[:, 0]`) is an array."""
        value = expr.value
        if isinstance(value, cst.Attribute) and value.attr.value == "shape" and self.is_array(value.value, state):
            return LENGTH
        sliced = any(isinstance(element.slice, cst.Slice) for element in expr.slice)
        return ARRAY if sliced and self.is_array(value, state) else None

    def call_kind(self, call: cst.Call, state: State) -> Optional[str]:
        func = call.func
        if isinstance(func, cst.Name) and func.value == "len" and len(call.args) == 1:
            return LENGTH if self.is_array(call.args[0].value, state) else None
        if isinstance(func, cst.Attribute) and self.method_gives_array(call, func, state):
            return ARRAY
        name = self.names.resolve(func)
        if name is None or not name.startswith("numpy."):
            return None
        if name in GENERATORS:
            return GENERATOR
        # `np.unique(x, return_counts=True)`, `np.linspace(..., retstep=True)` give tuples.
        keywords = [arg.keyword.value for arg in call.args if arg.keyword is not None]
        tuples = any(keyword.startswith(("return", "retstep")) for keyword in keywords)
        return None if tuples or not self.numeric(call) else self.numpy_kind(call, name[len("numpy.") :], state)

    def numeric(self, call: cst.Call) -> bool:
        """Whether the array a call makes holds numbers as far as the call shows: no `dtype=` other than a
        numeric one, no string among literal elements (`np.array(["a", "b"])`, `dtype="T"` hold text)."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "dtype" and not self.numeric_dtype(arg.value):
                return False
        first = call.args[0].value if call.args and call.args[0].keyword is None else None
        if isinstance(first, (cst.List, cst.Tuple)):
            return not any(isinstance(element.value, _STRINGS) for element in first.elements)
        return True

    def numeric_dtype(self, dtype: cst.BaseExpression) -> bool:
        """A dtype of numbers, or one the code does not spell out (`dtype=dtype`, `dtype=x.dtype`: numbers in
        scientific code, nearly always); text and objects (`str`, `"U10"`, `object`, `np.str_`) are not."""
        if isinstance(dtype, cst.SimpleString):
            text = str(dtype.evaluated_value)
        elif isinstance(dtype, cst.Name) and dtype.value not in self.names.imported:
            return dtype.value not in ("str", "bytes", "object")
        elif isinstance(dtype, cst.Attribute) and dtype.attr.value == "dtype":
            return True
        else:
            text = (self.names.resolve(dtype) or "").rpartition("numpy.")[2]
        return bool(NUMERIC_DTYPE.fullmatch(text.lstrip("<>=|")))

    def method_gives_array(self, call: cst.Call, func: cst.Attribute, state: State) -> bool:
        """`a.reshape(...)`, `a.sum(axis=0)`, `rng.normal(size=n)`."""
        owner = self.kind(func.value, state)
        method = func.attr.value
        if owner == ARRAY:
            return method in ARRAY_METHODS or (method in REDUCTIONS and _has_keyword(call, "axis"))
        return owner == GENERATOR and method in RANDOM and _has_keyword(call, "size")

    def numpy_kind(self, call: cst.Call, function: str, state: State) -> Optional[str]:
        """What `numpy.<function>(...)` gives."""
        if function.startswith("random."):
            function = function[len("random.") :]
            shaped = function in RANDOM_SHAPED and bool(call.args)
            return ARRAY if shaped or (function in RANDOM and _has_keyword(call, "size")) else None
        if function == "where":  # `np.where(cond)` gives a tuple of index arrays; three arguments an array
            return ARRAY if len(call.args) == 3 else None
        if function == "size" and len(call.args) == 1:
            return LENGTH if self.is_array(call.args[0].value, state) else None
        return ARRAY if function in CONSTRUCTORS else None

    def expression(self, expr: cst.CSTNode, state: State) -> None:
        """Record comprehensions inside `expr` and apply its walrus bindings, in evaluation order (roughly)."""
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
                self.comprehension(node, state)
            elif isinstance(node, cst.Lambda):
                inner = _without(state, _parameter_names(node.params))
                self.expression(node.body, inner)
            elif isinstance(node, cst.NamedExpr):
                self.expression(node.value, state)
                self.bind(node.target, node.value, state)
            else:
                stack.extend(reversed(children(node)))

    def comprehension(
        self, node: Union[cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp], state: State
    ) -> None:
        targets: list[str] = []
        clause: Optional[cst.CompFor] = node.for_in
        while clause is not None:
            targets.extend(_target_names(clause.target))
            clause = clause.inner_for_in
        self.expression(node.for_in.iter, state)
        inner = _without(state, targets)
        self.at[id(node)] = self.known(inner)
        parts: list[cst.CSTNode] = [node.key, node.value] if isinstance(node, cst.DictComp) else [node.elt]
        clause = node.for_in
        while clause is not None:
            parts.extend(clause.ifs)
            if clause.inner_for_in is not None:
                parts.append(clause.inner_for_in.iter)
            clause = clause.inner_for_in
        for part in parts:
            self.expression(part, inner)

    def known(self, state: State) -> Known:
        arrays = frozenset(name for name, kind in state.items() if kind == ARRAY)
        lengths = frozenset(name for name, kind in state.items() if kind == LENGTH)
        return Known(arrays, lengths, self.containers[-1])

    # Bindings

    def bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression], state: State) -> None:
        """Bind `target` to `value` (None: to something unknown)."""
        if isinstance(target, cst.Name):
            kind = None if value is None else self.kind(value, state)
            if kind is None:
                state.pop(target.value, None)
            else:
                state[target.value] = kind
        elif isinstance(target, (cst.Tuple, cst.List)):
            self.bind_tuple(target, value is not None and self.is_shape(value, state), state)

    def bind_tuple(self, target: Union[cst.Tuple, cst.List], shape: bool, state: State) -> None:
        """`n, d = a.shape` binds lengths; any other unpacking, unknown values."""
        for element in target.elements:
            inner = element.value
            if shape and isinstance(inner, cst.Name):
                state[inner.value] = LENGTH
            else:
                self.bind(inner.value if isinstance(inner, cst.StarredElement) else inner, None, state)

    def is_shape(self, value: cst.BaseExpression, state: State) -> bool:
        if not (isinstance(value, cst.Attribute) and value.attr.value == "shape"):
            return False
        return self.kind(value.value, state) == ARRAY

    def annotated(self, name: str, annotation: Optional[cst.Annotation], state: State) -> None:
        if annotation is not None and is_array_annotation(annotation.annotation, self.names):
            state[name] = ARRAY
        else:
            state.pop(name, None)

    # Statements

    def block(self, statements: Sequence[cst.CSTNode], state: State) -> State:
        for statement in statements:
            self.statement(statement, state)
        return state

    def body(self, suite: cst.BaseSuite, state: State) -> State:
        if isinstance(suite, cst.IndentedBlock):
            return self.block(suite.body, state)
        return self.block(suite.body, state)  # SimpleStatementSuite: small statements on the header's line

    def statement(self, node: cst.CSTNode, state: State) -> None:
        handler = getattr(self, "on_" + type(node).__name__, None)
        if handler is not None:
            handler(node, state)
        else:  # expressions, return, raise, assert, del, imports, ...: only walrus and comprehensions matter
            self.expression(node, state)
            for name in _names_bound_by_small(node):
                state.pop(name, None)

    def on_SimpleStatementLine(self, node: cst.SimpleStatementLine, state: State) -> None:
        self.block(node.body, state)

    def on_Assign(self, node: cst.Assign, state: State) -> None:
        self.expression(node.value, state)
        for target in node.targets:
            self.bind(target.target, node.value, state)

    def on_AnnAssign(self, node: cst.AnnAssign, state: State) -> None:
        if node.value is not None:
            self.expression(node.value, state)
        if not isinstance(node.target, cst.Name):
            return
        if is_array_annotation(node.annotation.annotation, self.names):
            if node.value is None or not (isinstance(node.value, cst.Name) and node.value.value == "None"):
                state[node.target.value] = ARRAY  # `x: np.ndarray = None` promises nothing yet
            return
        if node.value is not None:
            self.bind(node.target, node.value, state)

    def on_AugAssign(self, node: cst.AugAssign, state: State) -> None:
        self.expression(node.value, state)
        target = node.target
        if isinstance(target, cst.Name) and not (state.get(target.value) == ARRAY and isinstance(node.operator, _AUG)):
            state.pop(target.value, None)  # `a *= 2` keeps an array one; anything else is unknown after

    def on_If(self, node: cst.If, state: State) -> None:
        self.expression(node.test, state)
        taken = self.body(node.body, dict(state))
        other = dict(state)
        if isinstance(node.orelse, cst.If):
            self.on_If(node.orelse, other)
        elif isinstance(node.orelse, cst.Else):
            self.body(node.orelse.body, other)
        _replace(state, _merge(taken, other))

    def on_For(self, node: cst.For, state: State) -> None:
        self.expression(node.iter, state)
        head = self.loop_head([node.body], state, _target_names(node.target))
        self.at[id(node)] = self.known(head)
        after = _merge(head, self.body(node.body, dict(head)))
        if node.orelse is not None:
            self.body(node.orelse.body, after)
        _replace(state, after)

    def on_While(self, node: cst.While, state: State) -> None:
        head = self.loop_head([node.body], state, [])
        self.expression(node.test, head)
        after = _merge(head, self.body(node.body, dict(head)))
        if node.orelse is not None:
            self.body(node.orelse.body, after)
        _replace(state, after)

    def loop_head(self, bodies: Sequence[cst.CSTNode], state: State, targets: Sequence[str]) -> State:
        """What holds on every iteration: names the body rebinds stay known only if every such binding, read
        with what holds before the loop, gives the same kind."""
        head = _without(state, targets)
        for name, value in _bindings(bodies):
            kind = None if value is None else self.kind(value, head)
            if name in head and kind != head[name]:
                del head[name]
        return head

    def on_Try(self, node: Union[cst.Try, cst.TryStar], state: State) -> None:
        # The handlers may run after any part of the body: they start from what holds before and after it.
        after_body = self.body(node.body, dict(state))
        start = _merge(state, after_body)
        ends = [after_body if node.orelse is None else self.body(node.orelse.body, dict(after_body))]
        ends.extend(self.body(handler.body, _without(start, _handler_names(handler))) for handler in node.handlers)
        merged = ends[0]
        for end in ends[1:]:
            merged = _merge(merged, end)
        if node.finalbody is not None:
            self.body(node.finalbody.body, merged)
        _replace(state, merged)

    on_TryStar = on_Try

    def on_With(self, node: cst.With, state: State) -> None:
        for item in node.items:
            self.expression(item.item, state)
            if item.asname is not None:
                self.bind(item.asname.name, None, state)
        self.body(node.body, state)

    def on_Match(self, node: cst.Match, state: State) -> None:
        self.expression(node.subject, state)
        ends = [self.body(case.body, _without(state, _bindings_of_pattern(case.pattern))) for case in node.cases]
        merged = dict(state)
        for end in ends:
            merged = _merge(merged, end)
        _replace(state, merged)

    def on_FunctionDef(self, node: cst.FunctionDef, state: State) -> None:
        for decorator in node.decorators:
            self.expression(decorator.decorator, state)
        if any(is_compiled(decorator.decorator) for decorator in node.decorators):
            state.pop(node.name.value, None)
            return  # numba or Cython compiles its loops: nothing is known there, so nothing is flagged
        params = node.params
        inner = dict(state)
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                self.expression(param.default, state)
            self.annotated(param.name.value, param.annotation, inner)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                inner.pop(star.name.value, None)
        self.containers.append(self.containers[-1] | containers([node.body], self.names))
        self.body(node.body, inner)
        self.containers.pop()
        state.pop(node.name.value, None)

    def on_ClassDef(self, node: cst.ClassDef, state: State) -> None:
        self.body(node.body, dict(state))
        state.pop(node.name.value, None)


_AUG = (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign, cst.DivideAssign, cst.PowerAssign)


# Decorators that compile a function's loops to machine code (numba's, Cython's pure-Python mode).
COMPILERS = frozenset({"jit", "njit", "vectorize", "guvectorize", "stencil", "cfunc", "generated_jit", "overload"})


def is_compiled(decorator: cst.BaseExpression) -> bool:
    """`@njit`, `@numba.jit(...)`, `@nb.njit(cache=True)`, `@cuda.jit`, `@cython.boundscheck(False)`."""
    name = dotted(decorator.func if isinstance(decorator, cst.Call) else decorator) or ""
    head, _, last = name.rpartition(".")
    return last in COMPILERS and (last != "overload" or "numba" in head) or name.split(".")[0] == "cython"


def _has_keyword(call: cst.Call, name: str) -> bool:
    return any(arg.keyword is not None and arg.keyword.value == name for arg in call.args)


def _without(state: State, names: Sequence[str]) -> State:
    return {name: kind for name, kind in state.items() if name not in names}


def _merge(first: State, second: State) -> State:
    return {name: kind for name, kind in first.items() if second.get(name) == kind}


def _replace(state: State, new: State) -> None:
    state.clear()
    state.update(new)


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [name for element in target.elements for name in _target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []


def _parameter_names(params: cst.Parameters) -> list[str]:
    found = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    return found + [p.name.value for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]


def _handler_names(handler: Union[cst.ExceptHandler, cst.ExceptStarHandler]) -> list[str]:
    return _target_names(handler.name.name) if handler.name is not None else []


def _bindings_of_pattern(pattern: cst.MatchPattern) -> list[str]:
    found = []
    for node in _walk(pattern):
        if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            found.append(node.name.value)
    return found


def _names_bound_by_small(node: cst.CSTNode) -> list[str]:
    """Names an import, `del`, `global` or the like rebinds (forgotten: they may hold anything now)."""
    if isinstance(node, cst.Del):
        return _target_names(node.target)
    if isinstance(node, cst.Import):
        return [_import_name(alias) for alias in node.names]
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        return [_import_name(alias) for alias in node.names]
    if isinstance(node, (cst.Global, cst.Nonlocal)):
        return [item.name.value for item in node.names]
    return []


def _import_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return (dotted(alias.name) or "").split(".")[0]


def _walk(root: cst.CSTNode) -> list[cst.CSTNode]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children(node))
    return found


Binding = tuple[str, Optional[cst.BaseExpression]]


def _bindings(roots: Sequence[cst.CSTNode]) -> list[Binding]:
    """(name, value or None) for every name bound under `roots`, not looking into nested defs and classes."""
    found: list[Binding] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            found.append((node.name.value, None))
        elif not isinstance(node, cst.Lambda):
            found.extend(_bound_by(node))
            stack.extend(children(node))
    return found


def _bound_by(node: cst.CSTNode) -> list[Binding]:
    """The names one node binds, with their values where it gives one."""
    if isinstance(node, cst.Assign):
        return [
            (name, node.value if isinstance(target.target, cst.Name) else None)
            for target in node.targets
            for name in _target_names(target.target)
        ]
    if isinstance(node, (cst.AnnAssign, cst.NamedExpr)) and isinstance(node.target, cst.Name):
        return [(node.target.value, node.value)]
    if isinstance(node, cst.AugAssign) and isinstance(node.target, cst.Name):
        # `a *= 2` keeps an array an array: bound to "itself times something", which `kind` reads as such.
        same = isinstance(node.operator, _AUG)
        return [(node.target.value, cst.BinaryOperation(node.target, cst.Multiply(), node.value) if same else None)]
    if isinstance(node, (cst.For, cst.CompFor)):
        return [(name, None) for name in _target_names(node.target)]
    if isinstance(node, cst.AsName) and isinstance(node.name, cst.BaseExpression):
        return [(name, None) for name in _target_names(node.name)]
    return [(name, None) for name in _names_bound_by_small(node)]


_CONTAINER_ATTRIBUTES = frozenset({"shape", "ndim", "size", "dtype", "T"})


# numpy functions whose arguments are sizes or scalars, not arrays.
SCALAR_ARGUMENTS = frozenset(
    {"zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "geomspace", "eye", "identity"}
)


def containers(roots: Sequence[cst.CSTNode], names: Names) -> frozenset[str]:
    """Names subscripted, measured with `len`, asked for `.shape`/`.ndim`/`.size`/`.dtype`/`.T`, iterated,
    or passed to a numpy function that takes arrays (`np.unique(labels)`)."""
    found: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        container = _container(node)
        if isinstance(container, cst.Name):
            found.add(container.value)
        elif isinstance(node, cst.Call):
            found.update(_numpy_arguments(node, names))
        stack.extend(children(node))
    return frozenset(found)


def _numpy_arguments(call: cst.Call, names: Names) -> list[str]:
    function = names.resolve(call.func)
    if function is None or not function.startswith("numpy.") or function.startswith("numpy.random."):
        return []
    if function[len("numpy.") :] in SCALAR_ARGUMENTS:
        return []
    return [arg.value.value for arg in call.args if isinstance(arg.value, cst.Name)]


def _container(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """The expression `node` uses as a container, if any."""
    if isinstance(node, cst.Subscript):
        return node.value
    if isinstance(node, cst.Attribute) and node.attr.value in _CONTAINER_ATTRIBUTES:
        return node.value
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "len" and node.args:
        return node.args[0].value
    if isinstance(node, (cst.For, cst.CompFor)):
        return node.iter
    return None


@dataclass
class _Cache:
    module: Optional[cst.Module] = None
    scan: Optional[ArrayScan] = None
    memo: dict[int, object] = field(default_factory=dict)


_LAST = _Cache()


def scan_of(context: FileContext) -> ArrayScan:
    """The file's scan, computed once for all SL6 rules (they run in one traversal of the same tree)."""
    module = context.module
    assert module is not None
    if _LAST.module is not module or _LAST.scan is None:
        _LAST.module = module
        _LAST.scan = ArrayScan(module, Names(module_names(context.source)))
        _LAST.memo = {}
    return _LAST.scan


def memo(context: FileContext) -> dict[int, object]:
    """Per-file results the rules share (a loop's analysis, by node id), dropped with the file's scan."""
    scan_of(context)
    return _LAST.memo
