"""Whether a loop (or comprehension) over numpy arrays does whole-array arithmetic one element at a time,
and what to write instead.

A body qualifies only when every statement in it is one numpy does on whole arrays: an element written
from arithmetic of elements (`out[i] = a[i] * k`), a reduction into a scalar (`s += a[i] * b[i]`,
`m = max(m, x)`), a list built by `append`, an `if` on a comparison of elements around those (`np.where`,
`np.clip`, a masked sum), and temporaries computed from elements. Anything else makes the loop Python's
business: calls other than arithmetic ones (`abs`, `math.sqrt`, numpy ufuncs), I/O, `break`/`return`,
strings, indexes computed another way (`h[idx[i]] += 1`), and recurrences, where an iteration reads what an
earlier one wrote (`y[i] = y[i - 1] * r + x[i]`, `acc = acc * 0.9 + x`, `prev = x`): those need
`scipy.signal.lfilter`, `np.cumsum` or numba rather than one vectorised call, and are not flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Optional, Union
from collections.abc import Sequence

import libcst as cst

from simplelint.rules.compute.arrays import ARITHMETIC, Known, Names
from simplelint.engine.traversal import children

# Scalar functions with a numpy ufunc doing the same on a whole array.
MATH = frozenset(
    """sqrt exp expm1 log log2 log10 log1p sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh
    floor ceil trunc fabs hypot pow degrees radians copysign erf erfc gamma lgamma isnan isinf isfinite""".split()
)
UFUNCS = frozenset(
    """sqrt exp exp2 expm1 log log2 log10 log1p sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh
    arcsinh arccosh arctanh floor ceil trunc rint round around fix abs absolute fabs square power sign
    minimum maximum fmin fmax hypot deg2rad rad2deg degrees radians real imag conj conjugate isnan isinf
    isfinite sinc exp2 cbrt reciprocal heaviside logaddexp""".split()
)
BUILTINS = frozenset({"abs", "min", "max", "round", "float", "int", "pow", "complex"})
CONVERSIONS = frozenset({"float", "int", "complex"})
# math's names for numpy's ufuncs, where they differ.
MATH_TO_NUMPY = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2", "asinh": "arcsinh",
                 "acosh": "arccosh", "atanh": "arctanh", "pow": "power"}  # fmt: skip
COMPARISONS = (cst.LessThan, cst.GreaterThan, cst.LessThanEqual, cst.GreaterThanEqual, cst.Equal, cst.NotEqual)
STRINGS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
GENERIC = "use whole-array arithmetic (`a * k`), `{np}.where`/`{np}.clip` and reductions (`.sum()`, `a @ b`)"
_EMPTY = cst.Module(body=[])


class NotVectorisable(Exception):
    """The loop does something numpy cannot do on the whole array in one go."""


def code(node: cst.CSTNode) -> str:
    """The node's code on one line (it goes into a message)."""
    return " ".join(_EMPTY.code_for_node(node).split())


def key(node: cst.CSTNode) -> str:
    """Code without spaces: `a[i, j]` and `a[i,j]` are the same element."""
    return "".join(code(node).split())


@dataclass
class Head:
    """What a loop's or comprehension's header says: index variables, element variables, the array(s)."""

    indices: dict[str, str] = field(default_factory=dict)  # index name -> array it runs along ("" if unknown)
    elements: dict[str, str] = field(default_factory=dict)  # element name -> array it takes elements from
    whole: bool = True  # from 0 to the full length: dropping `[i]` keeps the same elements
    bound: Optional[cst.BaseExpression] = None  # a range's end

    @property
    def array(self) -> str:
        named = [name for name in (*self.indices.values(), *self.elements.values()) if name]
        return named[0] if named else ""


def length_of(expr: cst.BaseExpression, known: Known, names: Names) -> Optional[str]:
    """For a length of an array (`len(a)`, `a.shape[0]`, `a.size`, a name bound to one): the array's name
    ("" when unknown); else None."""
    if isinstance(expr, cst.Name) and expr.value in known.lengths:
        return ""
    if isinstance(expr, cst.Call) and len(expr.args) == 1 and not expr.args[0].keyword:
        name = "len" if isinstance(expr.func, cst.Name) and expr.func.value == "len" else names.resolve(expr.func)
        if name in ("len", "numpy.size"):
            return _array_name(expr.args[0].value, known)
    if isinstance(expr, cst.Attribute) and expr.attr.value == "size":
        return _array_name(expr.value, known)
    if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Attribute) and expr.value.attr.value == "shape":
        return _array_name(expr.value.value, known)
    return None


def _array_name(expr: cst.BaseExpression, known: Known) -> Optional[str]:
    return expr.value if isinstance(expr, cst.Name) and expr.value in known.arrays else None


def _int(expr: cst.BaseExpression) -> Optional[int]:
    if isinstance(expr, cst.Integer):
        return int(expr.evaluated_value)
    return None


def head_of(target: cst.BaseExpression, iterable: cst.BaseExpression, known: Known, names: Names) -> Optional[Head]:
    """The header's variables when it runs over an array: `range(len(a))` and the like, `enumerate(a)`,
    `a` itself or `zip(a, b)`; else None."""
    if isinstance(iterable, cst.Name) and iterable.value in known.arrays and isinstance(target, cst.Name):
        return Head(elements={target.value: iterable.value})
    plain = isinstance(iterable, cst.Call) and not any(arg.keyword or arg.star for arg in iterable.args)
    if plain and isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name):
        return _call_head(target, iterable, known, names)
    return None


def _call_head(target: cst.BaseExpression, iterable: cst.Call, known: Known, names: Names) -> Optional[Head]:
    """`range(...)`, `enumerate(a)`, `zip(a, b)`."""
    assert isinstance(iterable.func, cst.Name)
    values = [arg.value for arg in iterable.args]
    function = iterable.func.value
    if function == "range" and isinstance(target, cst.Name) and values:
        return _range_head(target.value, values, known, names)
    variables = _names(target)
    if not variables or len(variables) != len(values) + (function == "enumerate"):
        return None
    arrays = [_array_name(value, known) for value in values]
    if function == "enumerate" and len(arrays) == 1 and arrays[0]:
        return Head({variables[0]: arrays[0]}, {variables[1]: arrays[0]})
    if function == "zip" and all(arrays):
        return Head(elements={variable: str(array) for variable, array in zip(variables, arrays)})
    return None


def _range_head(index: str, values: list[cst.BaseExpression], known: Known, names: Names) -> Optional[Head]:
    """`range(len(a))`, `range(1, a.shape[0] - 1)`, `range(n)`: any range from an integer; the body decides
    whether it indexes arrays. `whole` when it runs over a known array's full length."""
    start = _int(values[0]) if len(values) >= 2 else 0
    if start is None or len(values) > 2:
        return None
    stop = values[-1]
    shortened = isinstance(stop, cst.BinaryOperation) and isinstance(stop.operator, cst.Subtract)
    if shortened and isinstance(stop, cst.BinaryOperation) and _int(stop.right) is not None:
        stop = stop.left
    array = length_of(stop, known, names)
    return Head({index: array or ""}, whole=array is not None and start == 0 and not shortened, bound=values[-1])


def _names(target: cst.BaseExpression) -> Optional[list[str]]:
    """The names of a flat tuple target (`i, x`), else None."""
    if not isinstance(target, (cst.Tuple, cst.List)):
        return None
    found = [element.value for element in target.elements]
    if not all(isinstance(n, cst.Name) for n in found):
        return None
    return [name.value for name in found if isinstance(name, cst.Name)]


@dataclass
class Action:
    """One thing the body does per element, for the suggestion."""

    kind: str  # "write", "update" (`t[i] += ...`), "sum", "prod", "max", "min", "append"
    target: cst.BaseExpression
    value: cst.BaseExpression
    condition: Optional[cst.BaseExpression]
    orelse: Optional[cst.BaseExpression] = None  # the value an `else:` writes to the same element
    depends: bool = True
    level: int = 0
    subtracts: bool = False  # `s -= e`, `s = s - e`
    operator: str = "+="  # an update's own operator (`t[i] *= k`)


@dataclass
class Bind:
    """A plain assignment to a name in the body."""

    level: int
    position: int
    conditional: bool
    constant: bool


class Body:
    """Reads a loop body statement by statement; raises NotVectorisable at the first thing numpy would not
    do on whole arrays, and checks at the end that no iteration reads what another one wrote."""

    def __init__(self, known: Known, names: Names, head: Head, nested: bool = False) -> None:
        self.known = known
        self.names = names
        self.heads = [head]
        self.indices = dict(head.indices)
        self.elements = dict(head.elements)
        self.nested = nested  # whether inner index loops may be part of it
        self.level = 0
        self.position = 0
        self.reads: list[tuple[str, int, int]] = []  # (name, level, position)
        self.binds: dict[str, list[Bind]] = {}
        self.accumulated: dict[str, list[tuple[int, int]]] = {}  # name -> (level, position)
        self.derived: set[str] = set()  # temporaries computed from elements
        self.writes: dict[str, set[str]] = {}  # array -> elements written, as keys
        self.element_reads: dict[str, set[str]] = {}  # array -> elements read
        self.actions: list[Action] = []
        self.arithmetic = False
        self.touched = False  # some element is read
        self.offsets = False  # `a[i + 1]`: suggestions need slices
        self.bare_index = False  # `i` in arithmetic: suggestions need `arange`
        self.loops = 1
        self.conditions: list[cst.BaseExpression] = []
        self.appended: set[str] = set()

    # Statements

    def block(self, statements: Sequence[cst.BaseStatement]) -> None:
        for statement in statements:
            self.statement(statement)

    def statement(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleStatementLine):
            for small in node.body:
                self.small(small)
        elif isinstance(node, cst.If):
            self.branch(node)
        elif isinstance(node, cst.For) and self.nested and node.orelse is None and not node.asynchronous:
            self.inner_loop(node)
        else:
            raise NotVectorisable

    def suite(self, suite: cst.BaseSuite) -> None:
        if isinstance(suite, cst.IndentedBlock):
            self.block(suite.body)
        elif isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                self.small(small)

    def branch(self, node: cst.If) -> None:
        self.position += 1
        self.test(node.test)
        self.conditions.append(node.test)
        start = len(self.actions)
        self.suite(node.body)
        middle = len(self.actions)
        self.conditions[-1] = cst.UnaryOperation(cst.Not(), node.test)
        if isinstance(node.orelse, cst.If):
            self.branch(node.orelse)
        elif isinstance(node.orelse, cst.Else):
            self.suite(node.orelse.body)
        self.conditions.pop()
        taken, other = self.actions[start:middle], self.actions[middle:]
        if isinstance(node.orelse, cst.Else) and _same_write(taken, other):
            taken[0].orelse = other[0].value  # `if c: t[i] = v` / `else: t[i] = w`: one `np.where`
            del self.actions[middle:]

    def inner_loop(self, node: cst.For) -> None:
        head = head_of(node.target, node.iter, self.known, self.names)
        if head is None or head.elements or set(head.indices) & set(self.indices):
            raise NotVectorisable
        if head.bound is not None and any(_mentions(head.bound, index) for index in self.indices):
            raise NotVectorisable  # a triangular loop, `range(i)`: no plain whole-array form
        self.heads.append(head)
        self.indices.update(head.indices)
        self.level += 1
        self.loops += 1
        self.suite(node.body)
        self.level -= 1
        for index in head.indices:
            del self.indices[index]

    def small(self, node: cst.BaseSmallStatement) -> None:
        self.position += 1
        if isinstance(node, cst.Pass):
            return
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            self.assign(node.targets[0].target, node.value)
        elif isinstance(node, cst.AugAssign):
            self.augment(node)
        elif isinstance(node, cst.Expr) and self.is_append(node.value):
            self.append(node.value)
        else:
            raise NotVectorisable

    @property
    def condition(self) -> Optional[cst.BaseExpression]:
        return self.conditions[-1] if len(self.conditions) == 1 else None

    def assign(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Subscript):
            self.write(target, value, "write")
            return
        if not isinstance(target, cst.Name):
            raise NotVectorisable
        name = target.value
        reduced = _reduction(name, value)
        if reduced is not None:
            subtracts = isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Subtract)
            self.accumulate(name, reduced[0], reduced[1], subtracts)
            return
        if name in self.indices or name in self.elements or name in self.known.arrays or _mentions(value, name):
            raise NotVectorisable
        depends = self.value(value)
        constant = isinstance(value, (cst.Integer, cst.Float)) or (
            isinstance(value, cst.UnaryOperation) and isinstance(value.expression, (cst.Integer, cst.Float))
        )
        self.binds.setdefault(name, []).append(Bind(self.level, self.position, bool(self.conditions), constant))
        if depends:
            self.derived.add(name)

    def augment(self, node: cst.AugAssign) -> None:
        kind = {cst.AddAssign: "sum", cst.SubtractAssign: "sum", cst.MultiplyAssign: "prod"}.get(type(node.operator))
        if isinstance(node.target, cst.Subscript) and isinstance(node.operator, _AUGMENTED):
            self.write(node.target, node.value, "update")
            self.actions[-1].operator = code(node.operator).strip()
        elif isinstance(node.target, cst.Name) and kind is not None:
            self.accumulate(node.target.value, kind, node.value, isinstance(node.operator, cst.SubtractAssign))
        else:
            raise NotVectorisable

    def accumulate(self, name: str, kind: str, value: cst.BaseExpression, subtracts: bool = False) -> None:
        if name in self.indices or name in self.elements or _mentions(value, name):
            raise NotVectorisable
        depends = self.value(value) or bool(self.conditions)
        self.arithmetic = True
        self.accumulated.setdefault(name, []).append((self.level, self.position))
        action = Action(kind, cst.Name(name), value, self.condition, depends=depends, level=self.level)
        action.subtracts = subtracts
        self.actions.append(action)

    def write(self, target: cst.Subscript, value: cst.BaseExpression, kind: str) -> None:
        root = self.element_root(target, writing=True)
        if root is None:
            raise NotVectorisable
        depends = self.value(value)
        self.writes.setdefault(root, set()).add(key(target))
        if kind == "update":
            self.arithmetic = True
        depends = depends or bool(self.conditions)
        self.actions.append(Action(kind, target, value, self.condition, depends=depends, level=self.level))

    def is_append(self, call: cst.BaseExpression) -> bool:
        return (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "append"
            and isinstance(call.func.value, cst.Name)
            and len(call.args) == 1
            and not call.args[0].keyword
            and not call.args[0].star
        )

    def append(self, call: cst.BaseExpression) -> None:
        assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
        owner = call.func.value
        assert isinstance(owner, cst.Name)
        if owner.value in self.indices or owner.value in self.elements or owner.value in self.known.arrays:
            raise NotVectorisable
        value = call.args[0].value
        depends = self.value(value)
        self.appended.add(owner.value)
        self.actions.append(Action("append", owner, value, self.condition, depends=depends, level=self.level))

    # Expressions

    def test(self, expr: cst.BaseExpression) -> None:
        """An `if` on elements: comparisons joined by `and`/`or`/`not`, or a ufunc like `isnan`."""
        if isinstance(expr, cst.BooleanOperation):
            self.test(expr.left)
            self.test(expr.right)
            return
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
            self.test(expr.expression)
            return
        if not self.value(expr):
            raise NotVectorisable  # a condition that is the same for every element is not a mask

    def value(self, expr: cst.BaseExpression) -> bool:
        """Check an expression computed per element; True when it depends on the element."""
        if isinstance(expr, (cst.Integer, cst.Float, cst.Imaginary)):
            return False
        if isinstance(expr, cst.Name):
            return self.name(expr.value)
        if isinstance(expr, cst.Subscript):
            return self.subscript(expr)
        if isinstance(expr, cst.Attribute):
            return self.attribute(expr)
        if isinstance(expr, cst.Call):
            return self.call(expr)
        return self.computed(self.operation(expr))

    def operation(self, expr: cst.BaseExpression) -> bool:
        """Arithmetic, comparisons and `x if c else y` of per-element values."""
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, ARITHMETIC):
            if isinstance(expr.left, STRINGS) or isinstance(expr.right, STRINGS):
                raise NotVectorisable  # `"%d" % x` formats a string
            return self.value(expr.left) | self.value(expr.right)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
            return self.value(expr.expression)
        if isinstance(expr, cst.Comparison):
            if not all(isinstance(target.operator, COMPARISONS) for target in expr.comparisons):
                raise NotVectorisable  # `is`, `in`
            operands = [expr.left, *(target.comparator for target in expr.comparisons)]
            return any([self.value(operand) for operand in operands])  # a list: every operand is checked
        if isinstance(expr, cst.IfExp):
            self.test(expr.test)
            self.value(expr.body)
            self.value(expr.orelse)
            return True
        raise NotVectorisable

    def computed(self, depends: bool) -> bool:
        self.arithmetic |= depends
        return depends

    def name(self, name: str) -> bool:
        if name in self.indices:
            self.bare_index = True
            return True
        if name in self.elements:
            self.touched = True
            return True
        if name in self.known.arrays or (name in self.known.containers and name not in self.binds):
            raise NotVectorisable  # a whole array or sequence in per-element arithmetic: a broadcast, not this loop
        return self.read(name)

    def read(self, name: str) -> bool:
        self.reads.append((name, self.level, self.position))
        return name in self.derived or name in self.accumulated

    def attribute(self, expr: cst.Attribute) -> bool:
        base = expr.value
        if expr.attr.value in ("real", "imag") and (isinstance(base, cst.Subscript) or _is_name(base, self.elements)):
            return self.value(base)
        while isinstance(base, cst.Attribute):
            base = base.value
        if not isinstance(base, cst.Name):
            raise NotVectorisable
        if base.value in self.indices or base.value in self.elements or base.value in self.binds:
            raise NotVectorisable  # `x.value` of an element: an object, not a number
        if base.value in self.accumulated or base.value in self.appended:
            raise NotVectorisable
        return False  # `self.scale`, `np.pi`, `a.size`: the same for every element

    def call(self, call: cst.Call) -> bool:
        func = call.func
        name = self.names.resolve(func)
        if isinstance(func, cst.Name) and name is None:
            allowed = func.value in BUILTINS and (func.value not in ("min", "max") or len(call.args) >= 2)
        elif name is not None:
            module, _, short = name.rpartition(".")
            allowed = (module == "numpy" and short in UFUNCS) or (module in ("math", "cmath") and short in MATH)
        else:
            allowed = False
        if not allowed or any(arg.keyword or arg.star for arg in call.args):
            raise NotVectorisable  # any other function may do anything per element
        depends = False
        for arg in call.args:
            depends |= self.value(arg.value)
        if isinstance(func, cst.Name) and func.value in CONVERSIONS:
            return depends  # `float(x)` converts, it computes nothing
        return self.computed(depends)

    def subscript(self, expr: cst.Subscript) -> bool:
        root = self.element_root(expr, writing=False)
        if root is not None:
            self.touched = True
            self.element_reads.setdefault(root, set()).add(key(expr))
            return True
        base = expr.value  # a subscript the same for every element: `a[0]`, `params["k"]`, `x[0]` of a row
        for element in expr.slice:
            if isinstance(element.slice, cst.Index):
                self.invariant(element.slice.value)
            elif isinstance(element.slice, cst.Slice):
                self.slice(element.slice)
        if isinstance(base, cst.Name) and base.value in self.known.arrays:
            self.element_reads.setdefault(base.value, set()).add(key(expr))
            return False
        if isinstance(base, cst.Name) and base.value not in self.indices and base.value not in self.elements:
            return self.read(base.value)  # `w[0]`, `params["k"]`
        return self.value(base)

    def element_root(self, expr: cst.Subscript, writing: bool) -> Optional[str]:
        """The array whose element `expr` is, when an index of it follows the loop (`a[i]`, `a[i, 0]`,
        `a[i][j]`, `a[i + 1]` when reading); None when no index depends on the loop."""
        indexed = self.follows_loop(expr, writing)
        base = expr.value
        if isinstance(base, cst.Subscript):
            inner = self.element_root(base, writing)
            if inner is not None or not indexed:
                return inner
            base = base.value
        if not indexed:
            return None
        if not (isinstance(base, cst.Name) and base.value in self.known.arrays):
            raise NotVectorisable  # indexing a list or an unknown object element by element
        return base.value

    def follows_loop(self, expr: cst.Subscript, writing: bool) -> bool:
        """Whether an index of this subscript is a loop index (or, read, one plus or minus a number)."""
        indexed = sliced = False
        for element in expr.slice:
            part = element.slice
            if isinstance(part, cst.Slice):
                self.slice(part)
                sliced = True
            elif isinstance(part, cst.Index):
                index = part.value
                if _is_name(index, self.indices):
                    indexed = True
                elif not writing and _offset(index, self.indices) is not None:
                    indexed = self.offsets = True
                else:
                    self.invariant(index)
        if indexed and sliced:
            raise NotVectorisable  # `a[:, i]`: each iteration already works on a whole row or column
        return indexed

    def invariant(self, index: cst.BaseExpression) -> None:
        if self.value(index):
            raise NotVectorisable  # an index computed from the loop (`h[idx[i]]`, `a[i * 2]`)

    def slice(self, part: cst.Slice) -> None:
        for bound in (part.lower, part.upper, part.step):
            if bound is not None:
                self.invariant(bound)

    # The whole

    def finish(self) -> None:
        """Raise NotVectorisable unless the loop does arithmetic per element and no iteration depends on
        another: accumulators and lists are only written, temporaries read after they are set, arrays
        read only at the elements the same iteration writes."""
        self.check_reads()
        read = {name for name, _, _ in self.reads}
        for name, binds in self.binds.items():
            if any(bind.conditional for bind in binds) and name in read:
                raise NotVectorisable
            if name in self.accumulated:
                self.check_reset(name, binds)
        for array, written in self.writes.items():
            if self.element_reads.get(array, set()) - written:
                raise NotVectorisable  # a recurrence: `y[i] = y[i - 1] + x[i]`
        if not (self.touched and any(action.depends for action in self.actions)):
            raise NotVectorisable
        if not (self.arithmetic or self.conditions_used):
            raise NotVectorisable  # a plain copy (`b[i] = a[i]`) or `append(x)`: not arithmetic

    def check_reads(self) -> None:
        for name, level, position in self.reads:
            if name in self.accumulated:
                self.check_partial_result(name, level, position)
            elif name in self.appended:
                raise NotVectorisable
            elif name in self.binds:
                self.check_temporary(name, level, position)

    def check_reset(self, name: str, binds: list[Bind]) -> None:
        """An accumulator is assigned only to reset it to a number, outside and before its sums."""
        first = min(position for _, position in self.accumulated[name])
        shallowest = min(level for level, _ in self.accumulated[name])
        for bind in binds:
            if not bind.constant or bind.conditional or bind.level >= shallowest or bind.position > first:
                raise NotVectorisable

    @property
    def conditions_used(self) -> bool:
        return any(action.condition is not None or action.orelse is not None for action in self.actions)

    def check_partial_result(self, name: str, level: int, position: int) -> None:
        """An accumulator may be read only once its inner loop is done, where it is reset every time
        (`s = 0`, inner loop `s += ...`, then `c[i, j] = s`)."""
        for acc_level, acc_position in self.accumulated[name]:
            if not (level < acc_level and position > acc_position):
                raise NotVectorisable
        resets = [b for b in self.binds.get(name, []) if b.level == level and b.position < position and b.constant]
        if not resets:
            raise NotVectorisable

    def check_temporary(self, name: str, level: int, position: int) -> None:
        """A temporary must be set before it is read, in the same iteration (`prev = x` carries a value over)."""
        binds = self.binds[name]
        if not any(b.level <= level and b.position < position and not b.conditional for b in binds):
            raise NotVectorisable
        if any(b.level > level for b in binds):
            raise NotVectorisable  # set in an inner loop, read after it: its last value


def _same_write(taken: list[Action], other: list[Action]) -> bool:
    """One write to the same element in each branch (and no `else` merged into the second yet)."""
    if not (len(taken) == 1 == len(other) and taken[0].kind == other[0].kind == "write"):
        return False
    return key(taken[0].target) == key(other[0].target) and other[0].orelse is None


_AUGMENTED = (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign, cst.DivideAssign, cst.PowerAssign)


def _is_name(expr: cst.BaseExpression, names: object) -> bool:
    return isinstance(expr, cst.Name) and expr.value in names  # type: ignore[operator]


def _mentions(expr: cst.CSTNode, name: str) -> bool:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value == name:
            return True
        if isinstance(node, cst.Attribute):
            stack.append(node.value)  # `s.x` mentions `s`, `x.s` does not
            continue
        stack.extend(children(node))
    return False


def _offset(index: cst.BaseExpression, indices: dict[str, str]) -> Optional[int]:
    """`i + 1` / `i - 1` (an index variable plus or minus an integer): the offset; else None."""
    if not isinstance(index, cst.BinaryOperation) or not isinstance(index.operator, (cst.Add, cst.Subtract)):
        return None
    if _is_name(index.left, indices) and isinstance(index.right, cst.Integer):
        step = int(index.right.evaluated_value)
        return step if isinstance(index.operator, cst.Add) else -step
    return None


def _reduction(name: str, value: cst.BaseExpression) -> Optional[tuple[str, cst.BaseExpression]]:
    """`s = s + e`, `s = e + s`, `s = s - e`, `s = s * e`, `s = s + e + f`, `s = max(s, e)`: (kind, e);
    else None."""
    if isinstance(value, cst.BinaryOperation) and not value.lpar:
        return _arithmetic_reduction(name, value)
    if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in ("max", "min")):
        return None
    if len(value.args) != 2 or any(arg.keyword or arg.star for arg in value.args):
        return None
    first, second = (arg.value for arg in value.args)
    if _is_name(second, {name}):
        first, second = second, first
    return (value.func.value, second) if _is_name(first, {name}) and not _mentions(second, name) else None


def _arithmetic_reduction(name: str, value: cst.BinaryOperation) -> Optional[tuple[str, cst.BaseExpression]]:
    operator = value.operator
    kind = "prod" if isinstance(operator, cst.Multiply) else "sum"
    if _is_name(value.left, {name}) and isinstance(operator, (cst.Add, cst.Subtract, cst.Multiply)):
        return kind, value.right
    if _is_name(value.right, {name}) and isinstance(operator, (cst.Add, cst.Multiply)):
        return kind, value.left
    rest = _without_leading(value, name)
    return None if rest is None else ("sum", rest)


def _without_leading(value: cst.BinaryOperation, name: str) -> Optional[cst.BaseExpression]:
    """`s + a + b` (`(s + a) + b`) -> `a + b`: the sum's other terms, when it starts with `name`."""
    if not isinstance(value.operator, cst.Add) or value.lpar:
        return None
    left = value.left
    if isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Add) and not left.lpar:
        if _is_name(left.left, {name}):
            return value.with_changes(left=left.right)
        inner = _without_leading(left, name)
        return None if inner is None else value.with_changes(left=inner)
    return None


def analyse(body: Union[cst.BaseSuite, Sequence[cst.BaseStatement]], head: Head, known: Known, names: Names,
            nested: bool = False) -> Optional[Body]:  # fmt: skip
    """The checked body, or None when the loop is not whole-array arithmetic."""
    checked = Body(known, names, head, nested)
    try:
        if isinstance(body, cst.BaseSuite):
            checked.suite(body)
        else:
            checked.block(body)
        checked.finish()
    except (NotVectorisable, RecursionError):
        return None
    return checked


class _Deindex(cst.CSTTransformer):
    """`a[i] * k` -> `a * k`, `a[i, 0]` -> `a[:, 0]`, an element variable -> its array; sets `failed` where
    the whole-array form is not a plain rewrite (offsets, the bare index, temporaries)."""

    def __init__(self, body: Body, head: Head) -> None:
        super().__init__()
        self.body = body
        self.head = head
        self.failed = False

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        return False  # rebuilt whole in leave_Subscript

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        parts = [element.slice for element in original_node.slice]
        indices = self.head.indices
        used = [code(part.value) for part in parts if isinstance(part, cst.Index) and _is_name(part.value, indices)]
        if len(used) != len(set(used)):
            self.failed = True  # `s[i, i]`: a diagonal, not the whole array
        elements = []
        for element in original_node.slice:
            part = element.slice
            if isinstance(part, cst.Index) and _is_name(part.value, self.head.indices):
                part = cst.Slice(lower=None, upper=None)
            elif isinstance(part, cst.Index):
                part = part.with_changes(value=part.value.visit(self))
            elements.append(element.with_changes(slice=part))
        base = original_node.value.visit(self)
        slices = [e.slice for e in elements]
        full = all(isinstance(s, cst.Slice) and s.lower is s.upper is s.step is None for s in slices)
        if full and len(elements) == 1 or (full and not isinstance(base, cst.Subscript)):
            return base if isinstance(base, cst.BaseExpression) else original_node
        return original_node.with_changes(value=base, slice=elements)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        name = original_node.value
        if name in self.head.elements:
            return cst.Name(self.head.elements[name])
        if name in self.head.indices or name in self.body.binds or name in self.body.accumulated:
            self.failed = True
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return updated_node.with_changes(attr=original_node.attr)  # `x.real`: the attribute is no variable

    def leave_BooleanOperation(
        self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
    ) -> cst.BaseExpression:
        """`x > 0 and x < 1` -> `(a > 0) & (a < 1)`: `and` on arrays raises."""
        operator = cst.BitAnd() if isinstance(original_node.operator, cst.And) else cst.BitOr()
        return cst.BinaryOperation(_parenthesised(updated_node.left), operator, _parenthesised(updated_node.right))

    def leave_UnaryOperation(
        self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation
    ) -> cst.BaseExpression:
        if isinstance(original_node.operator, cst.Not):
            return cst.UnaryOperation(cst.BitInvert(), _parenthesised(updated_node.expression))
        return updated_node

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.BaseExpression:
        """`0 < x < 1` -> `(0 < a) & (a < 1)`."""
        if len(updated_node.comparisons) == 1:
            return updated_node
        parts: list[cst.BaseExpression] = []
        left = updated_node.left
        for target in updated_node.comparisons:
            parts.append(_parenthesised(cst.Comparison(left, [target.with_changes(operator=type(target.operator)())])))
            left = target.comparator
        result = parts[0]
        for part in parts[1:]:
            result = cst.BinaryOperation(result, cst.BitAnd(), part)
        return result

    def visit_Call(self, node: cst.Call) -> bool:
        return False  # only its arguments are rewritten, in leave_Call

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        """Arguments become arrays: `abs` and ufuncs take them, `min`/`max`/`math.*` become ufuncs."""
        func = original_node.func
        args = [arg.with_changes(value=arg.value.visit(self)) for arg in original_node.args]
        full = self.body.names.resolve(func)
        np = self.body.names.numpy
        if isinstance(func, cst.Name) and full is None:
            ufunc = {"abs": "abs", "min": "minimum", "max": "maximum", "pow": "power", "round": "round"}.get(func.value)
        elif full is not None and full.startswith(("math.", "cmath.")):
            short = full.rpartition(".")[2]
            ufunc = MATH_TO_NUMPY.get(short, short) if short in UFUNCS or short in MATH_TO_NUMPY else None
        else:
            return original_node.with_changes(args=args)  # a numpy ufunc already
        if ufunc is None:
            self.failed = True
            return original_node
        new_func = cst.Name("abs") if ufunc == "abs" else cst.parse_expression(f"{np}.{ufunc}")
        return original_node.with_changes(func=new_func, args=args)


def _parenthesised(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)) or expr.lpar:
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def whole(expr: cst.BaseExpression, body: Body, head: Head) -> Optional[cst.BaseExpression]:
    """`expr` computed on whole arrays, or None when that is no plain rewrite."""
    if body.offsets or body.bare_index or not head.whole:
        return None
    rewrite = _Deindex(body, head)
    result = expr.visit(rewrite)
    return None if rewrite.failed or not isinstance(result, cst.BaseExpression) else result


def _atom(expr: cst.BaseExpression) -> str:
    """Code for `expr` as the left operand of `.sum()` or `[mask]`: parenthesised unless it is a primary."""
    text = code(expr)
    primary = isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)) or bool(getattr(expr, "lpar", ()))
    return text if primary else f"({text})"


def _reduce(kind: str, expr: cst.BaseExpression) -> str:
    """`a * b` summed -> `a @ b`; anything else -> `(e).sum()` / `.prod()` / `.max()` / `.min()`."""
    if (
        kind == "sum"
        and isinstance(expr, cst.BinaryOperation)
        and isinstance(expr.operator, cst.Multiply)
        and isinstance(expr.left, cst.Name)
        and isinstance(expr.right, cst.Name)
    ):
        return f"{expr.left.value} @ {expr.right.value}"
    return f"{_atom(expr)}.{kind}()"


def action_suggestion(action: Action, body: Body, head: Head, np: str) -> Optional[str]:
    """The whole-array statement for one per-element action, when the pattern determines it."""
    value = whole(action.value, body, head)
    condition = None if action.condition is None else whole(action.condition, body, head)
    if value is None or (action.condition is not None and condition is None):
        return None
    if action.kind in ("sum", "prod", "max", "min"):
        return _reduction_suggestion(action, value, condition, np)
    if action.kind == "append":
        return f"`{code(value)}` (an array; `.tolist()` if a list is needed)" if condition is None else None
    written = whole(action.target, body, head)
    orelse = written if action.orelse is None else whole(action.orelse, body, head)
    if written is None or orelse is None:
        return None
    return _write_suggestion(action, Rewritten(written, value, condition, orelse), np)


class Rewritten(NamedTuple):
    """A write's parts on whole arrays: `target[i] = value if condition else orelse`."""

    target: cst.BaseExpression
    value: cst.BaseExpression
    condition: Optional[cst.BaseExpression]
    orelse: cst.BaseExpression


def _write_suggestion(action: Action, parts: Rewritten, np: str) -> Optional[str]:
    """`out[:] = a * k`, `t[:] += a`, `a[:] = np.minimum(a, hi)`, `out[:] = np.where(c, v, w)`."""
    written, value, condition, orelse = parts
    place = f"{code(written)}[:]" if isinstance(written, cst.Name) else code(written)
    if action.kind == "update":
        return f"`{place} {action.operator} {code(value)}`" if condition is None else None
    if condition is None:
        return f"`{place} = {code(value)}`"
    chosen = _clip(condition, value, written, action.orelse, np)
    if chosen is None:
        chosen = f"{np}.where({code(condition)}, {code(value)}, {code(orelse)})"
    return f"`{place} = {chosen}`"


def _reduction_suggestion(
    action: Action, value: cst.BaseExpression, condition: Optional[cst.BaseExpression], np: str
) -> str:
    """`s += a.sum()`, `s += a @ b`, `n += np.count_nonzero(a > t)`, `s += a[a > t].sum()`, `m = max(m, a.max())`."""
    target = code(action.target)
    if condition is not None and action.kind == "sum" and isinstance(value, cst.Integer) and value.value == "1":
        return f"`{target} += {np}.count_nonzero({code(condition)})`"
    if condition is not None:
        value = cst.parse_expression(f"{_atom(value)}[{code(condition)}]")
    reduced = _reduce(action.kind, value)
    if action.kind in ("max", "min"):
        return f"`{target} = {action.kind}({target}, {reduced})`"
    operator = "-=" if action.subtracts else {"sum": "+=", "prod": "*="}[action.kind]
    return f"`{target} {operator} {reduced}`"


def _clip(condition: cst.BaseExpression, value: cst.BaseExpression, written: cst.BaseExpression,
          orelse: Optional[cst.BaseExpression], np: str) -> Optional[str]:  # fmt: skip
    """`if a[i] > hi: a[i] = hi` -> `np.minimum(a, hi)`; `<` -> `np.maximum`."""
    if orelse is not None or not isinstance(condition, cst.Comparison) or len(condition.comparisons) != 1:
        return None
    operator = condition.comparisons[0].operator
    bound = condition.comparisons[0].comparator
    if key(condition.left) != key(written) or key(bound) != key(value):
        return None
    if isinstance(operator, (cst.GreaterThan, cst.GreaterThanEqual)):
        return f"{np}.minimum({code(written)}, {code(value)})"
    if isinstance(operator, (cst.LessThan, cst.LessThanEqual)):
        return f"{np}.maximum({code(written)}, {code(value)})"
    return None


def suggestion(body: Body, head: Head, np: str) -> str:
    """What to write instead: the exact statement for a one-statement body, else the general advice."""
    if len(body.actions) == 1 and body.loops == 1:
        found = action_suggestion(body.actions[0], body, head, np)
        if found is not None:
            return "write " + found
    if body.offsets and body.loops == 1:
        return f"use slices (`a[1:] - a[:-1]`, `{np}.diff(a)`) and whole-array arithmetic"
    return GENERIC.format(np=np)


def nest_kind(body: Body) -> str:
    """What nested index loops compute: a matrix product when a sum in the innermost loop goes into an
    element or partial sum that does not follow the innermost index (it is contracted away), a reduction
    when everything goes into scalars never read in the loops, else element-wise arithmetic."""
    innermost = set(body.heads[-1].indices)
    deepest = body.loops - 1
    for action in body.actions:
        if action.level != deepest or action.kind not in ("sum", "update"):
            continue
        if action.kind == "update" and not innermost & _index_names(action.target):
            return "matrix product"
        if action.kind == "sum" and any(read[0] == code(action.target) for read in body.reads):
            return "matrix product"  # `s = 0`, inner `s += ...`, then `c[i, j] = s`
    if body.actions and all(action.kind in ("sum", "prod", "max", "min") for action in body.actions):
        return "reduction"
    return "element-wise arithmetic"


def _index_names(expr: cst.BaseExpression) -> set[str]:
    """Names used inside the subscripts of `expr`."""
    found: set[str] = set()
    stack: list[cst.CSTNode] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Subscript):
            for element in node.slice:
                if isinstance(element.slice, cst.Index) and isinstance(element.slice.value, cst.Name):
                    found.add(element.slice.value.value)
        stack.extend(children(node))
    return found


NEST_ADVICE = {
    "matrix product": "use `@` (`A @ B`), `{np}.dot` or `{np}.einsum`",
    "reduction": "use `.sum()` (with `axis=` for partial sums)",
    "element-wise arithmetic": (
        "use whole-array arithmetic with broadcasting (`a[:, None] - b[None, :]`) and `axis=` reductions"
    ),
}

# What a comprehension's result goes into: the builtins and numpy functions that just collect or reduce it.
CONSUMERS = frozenset({"sum", "min", "max", "any", "all", "list", "tuple"})
NUMPY_CONSUMERS = frozenset({"array", "asarray", "fromiter", "sum", "mean", "prod", "max", "min"})


def comprehension(
    node: Union[cst.ListComp, cst.GeneratorExp], known: Known, names: Names
) -> Optional[tuple[Body, Head]]:
    """A comprehension with one `for` over an array whose element is arithmetic of array elements (or
    the elements themselves, filtered by a comparison)."""
    clause = node.for_in
    if clause.inner_for_in is not None or clause.asynchronous is not None or len(clause.ifs) > 1:
        return None
    head = head_of(clause.target, clause.iter, known, names)
    if head is None:
        return None
    body = Body(known, names, head)
    try:
        for condition in clause.ifs:
            body.test(condition.test)
        positions = bool(clause.ifs) and _is_name(node.elt, head.indices)  # `[i for i in ... if a[i] > 0]`
        depends = positions or body.value(node.elt)
        if not (depends and body.touched and (body.arithmetic or clause.ifs)):
            return None
    except (NotVectorisable, RecursionError):
        return None
    return body, head


def comprehension_suggestion(node: Union[cst.ListComp, cst.GeneratorExp], body: Body, head: Head,
                             consumer: str, np: str) -> str:  # fmt: skip
    ifs = node.for_in.ifs
    mask = whole(ifs[0].test, body, head) if ifs else None
    if mask is not None and _is_name(node.elt, head.indices):
        return f"write `{np}.flatnonzero({code(mask)})`"  # the positions where the mask holds
    value = whole(node.elt, body, head)
    if value is None or (ifs and mask is None):
        return GENERIC.format(np=np)
    result = code(value) if mask is None else f"{_atom(value)}[{code(mask)}]"
    if consumer in ("sum", "prod", "max", "min", "mean"):
        return f"write `{_reduce(consumer, value if mask is None else cst.parse_expression(result))}`"
    if consumer in ("any", "all"):
        return f"write `{_atom(cst.parse_expression(result))}.{consumer}()`"
    if consumer in ("list", "tuple", "list comprehension"):
        return f"write `{result}` (an array; `.tolist()` if a list is needed)"
    return f"write `{result}`"
