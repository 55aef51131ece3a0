"""SL3xx's per-file facts: functions, classes, imports and the references each function makes.

Read from CPython's `ast`, not LibCST's tree: these facts need no formatting detail, and SL301 gathers them
from the whole test suite, where LibCST's parse (about 5x slower) was most of a cold run's time. See
`simplelint/rules/untested/__init__.py` for the tokens and how the project stage joins them.
"""

from __future__ import annotations

import ast
import doctest
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from simplelint.engine.notebook import is_notebook
from simplelint.ruleinfo import AstFactCollector, FileContext, Rider
from simplelint.rules.naming import dotted as _dotted
from simplelint.rules.naming import is_dunder, is_private, resolve_relative

# Flags of a definition, one small int in the facts. NO_CODE: a body of only a docstring, `...` or `pass`,
# which coverage data cannot tell ran (SL302 leaves it to SL301).
# DOCTEST: not a function but a docstring's examples, which run as a test under `pytest --doctest-modules`.
(PRIVATE, DUNDER, OVERLOAD, ABSTRACT, PROTOCOL, TYPE_CHECKING_ONLY, TEST_ROOT, FIXTURE, ONE_LINER, LAMBDA, NO_CODE,
 DOCTEST) = (1 << bit for bit in range(12))  # fmt: skip
_BINARY = {
    "Add": "add", "Sub": "sub", "Mult": "mul", "Div": "truediv", "FloorDiv": "floordiv", "Mod": "mod",
    "Pow": "pow", "MatMult": "matmul", "LShift": "lshift", "RShift": "rshift", "BitAnd": "and", "BitOr": "or",
    "BitXor": "xor",
}  # fmt: skip
_COMPARE = {
    "Eq": ("__eq__",), "NotEq": ("__ne__", "__eq__"), "Lt": ("__lt__", "__gt__"), "Gt": ("__gt__", "__lt__"),
    "LtE": ("__le__", "__ge__"), "GtE": ("__ge__", "__le__"), "In": ("__contains__", "__iter__"),
    "NotIn": ("__contains__", "__iter__"),
}  # fmt: skip
_UNARY = {"USub": ("__neg__",), "UAdd": ("__pos__",), "Invert": ("__invert__",), "Not": ("__len__",)}
_ITERATE = ("__iter__", "__next__")
_BUILTIN_DUNDERS = {
    "len": ("__len__",), "iter": _ITERATE, "next": ("__next__",), "reversed": ("__reversed__",),
    "str": ("__str__", "__format__"), "print": ("__str__",), "format": ("__format__",),
    "repr": ("__repr__",), "abs": ("__abs__",), "int": ("__int__", "__index__"), "float": ("__float__",),
    "complex": ("__complex__",), "round": ("__round__",), "bytes": ("__bytes__",), "dir": ("__dir__",),
    "divmod": ("__divmod__",), "list": _ITERATE, "tuple": _ITERATE, "set": _ITERATE, "frozenset": _ITERATE,
    "dict": _ITERATE, "sorted": (*_ITERATE, "__lt__"), "sum": (*_ITERATE, "__add__", "__radd__"),
    "min": (*_ITERATE, "__lt__"), "max": (*_ITERATE, "__gt__"), "enumerate": _ITERATE, "zip": _ITERATE,
    "map": _ITERATE, "filter": _ITERATE, "any": _ITERATE, "all": _ITERATE,
    "copy": ("__copy__", "__reduce_ex__"), "deepcopy": ("__deepcopy__", "__reduce_ex__"),
    "dumps": ("__reduce__", "__reduce_ex__", "__getstate__", "__getnewargs__", "__getnewargs_ex__"),
    "loads": ("__setstate__",), "instancecheck": ("__instancecheck__",), "isinstance": ("__instancecheck__",),
    "issubclass": ("__subclasscheck__",), "vars": ("__dict__",),
}  # fmt: skip
_ATTRIBUTE_CALLS = ("getattr", "hasattr", "setattr", "delattr")
# Built-ins that call a function passed to them at once (`X = sorted(names, key=rank)` runs `rank` on import).
_CALLING = frozenset({"map", "filter", "sorted", "min", "max", "reduce", "any", "all", "sum", "apply"})
# Calls that keep a lambda argument for later rather than calling it at once.
_STORING_CALLS = frozenset({"getattr", "defaultdict", "partial", "property", "staticmethod", "classmethod", "dict"})
_LIFECYCLE = frozenset(
    "setUp tearDown setUpClass tearDownClass setUpModule tearDownModule asyncSetUp asyncTearDown "
    "setup_method teardown_method setup_function teardown_function setup_module teardown_module "
    "setup_class teardown_class setup teardown load_tests".split()
)
# Wrappers whose first argument is the type a value really has, for annotations and fixtures.
_WRAPPERS = frozenset(
    "Optional Annotated Iterator Iterable Generator AsyncIterator AsyncGenerator Final ClassVar Type type".split()
)
# A string like "visit_" or f"render_{kind}" builds the names of what it calls (dispatch by name).
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9]*_\Z")
# "pkg.mod.func" or "pkg.mod:func": a name that importlib / entry points / settings resolve at run time.
_DOTTED_STRING = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+(:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?\Z")
_Raw = tuple[str, ...]
_Type = tuple[str, str]  # (kind, dotted): "a" an instance of an annotation, "r" what calling it returns
_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# What the walk does next: visit a node, or make a call (leave a frame, count a decorator) once it gets there.
_Step = Union[ast.AST, Callable[[], object]]


def _children_reversed(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)`, last first (for a stack), without a generator per node."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            found.append(value)
        elif isinstance(value, list):
            found.extend(item for item in value if isinstance(item, ast.AST))
    found.reverse()
    return found
_DEF_NAME = re.compile(rb"(?:async\s+)?def\s+")




def _annotation_type(node: Optional[ast.expr]) -> str:
    """The class an annotation means: `Ledger`, `Optional[Ledger]`, `Ledger | None`, `"Ledger"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        return text if all(p.isidentifier() for p in text.split(".")) else ""
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"  # `-> None` says what it returns: nothing to follow
    if isinstance(node, ast.Subscript):
        return _subscript_type(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left = _annotation_type(node.left)
        return left if left and left != "None" else _annotation_type(node.right)
    return _dotted(node)


def _subscript_type(node: ast.Subscript) -> str:
    """`Optional[Ledger]` and `Iterator[Ledger]` (a fixture that yields) mean Ledger; `list[Ledger]` means list."""
    base = _dotted(node.value)
    inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
    if base.rpartition(".")[2] in _WRAPPERS and not isinstance(inner, (ast.Slice, ast.Tuple)):
        return _annotation_type(inner)
    return base


def _call_type(node: Optional[ast.expr]) -> Optional[_Type]:
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Call):
        dotted = _dotted(node.func)
        return ("r", dotted) if dotted else None
    return _literal_type(node)


# Built-in types: a value known to be one has none of the project's methods (no matching by name).
_BUILTIN_TYPES = frozenset(
    "dict list set frozenset tuple str bytes bytearray int float bool complex range memoryview".split()
)
_LITERALS: dict[type, str] = {
    ast.Dict: "dict", ast.DictComp: "dict", ast.List: "list", ast.ListComp: "list", ast.Set: "set",
    ast.SetComp: "set", ast.Tuple: "tuple", ast.JoinedStr: "str",
}  # fmt: skip


def _literal_type(node: Optional[ast.AST]) -> Optional[_Type]:
    """`{}`, `[...]`, `"text"`, `f"..."`, `"%s" % x`: a value of a built-in type."""
    name = _LITERALS.get(type(node))
    if name:
        return ("b", name)
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes, int, float, complex)):
        return ("b", type(node.value).__name__)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _literal_type(node.left) if isinstance(node.left, (ast.Constant, ast.JoinedStr)) else None
    return None


def _decorator_names(node: Union[_Function, ast.ClassDef]) -> list[str]:
    return [_dotted(d.func if isinstance(d, ast.Call) else d).rpartition(".")[2] for d in node.decorator_list]


def _guard_kind(test: ast.expr) -> str:
    """`if TYPE_CHECKING:` and `if __name__ == "__main__":` change what a block means."""
    if _dotted(test).rpartition(".")[2] == "TYPE_CHECKING":
        return "typing"
    if isinstance(test, ast.Compare) and len(test.comparators) == 1:
        sides = (test.left, test.comparators[0])
        if "__name__" in map(_dotted, sides) and any(getattr(s, "value", None) == "__main__" for s in sides):
            return "main"
    return ""


_SUBSCRIPT: dict[type, str] = {ast.Store: "__setitem__", ast.Del: "__delitem__"}
# Nodes the walk does not visit all of (it reads them, or only their parts), and operators and contexts (one
# node each, shared by the whole tree): no rider may ask for them.
_MARKERS = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
_NOT_CARRIED = frozenset(
    (ast.arguments, ast.arg, ast.keyword, ast.Starred, ast.Tuple, ast.List, ast.Set)
    + tuple(kind for marker in _MARKERS for kind in marker.__subclasses__())
)


def _isinstance(test: ast.expr) -> Optional[tuple[str, _Type]]:
    """`isinstance(x, Foo)` -> ("x", ("a", "Foo")); None for anything else."""
    if not (isinstance(test, ast.Call) and _dotted(test.func) == "isinstance" and len(test.args) == 2):
        return None
    name, cls = test.args
    dotted = _dotted(cls)
    return (name.id, ("a", dotted)) if isinstance(name, ast.Name) and dotted else None


def _not_implemented(node: _Function) -> bool:
    """A body that only raises NotImplementedError (after a docstring): abstract in all but name."""
    body = node.body[1:] if node.body and _no_code(node.body[0]) else node.body
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    raised = body[0].exc
    return _dotted(raised.func if isinstance(raised, ast.Call) else raised) == "NotImplementedError"


def _no_code(statement: ast.stmt) -> bool:
    """A docstring, `...` or `pass`: a statement that leaves no line in coverage data of its own."""
    if isinstance(statement, ast.Pass):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and (
        isinstance(statement.value.value, str) or statement.value.value is Ellipsis
    )


def _subscripted(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Subscript) else node


@dataclass
class _Def:
    qualname: str
    flags: int
    position: tuple[int, int, int, int]  # of the name
    body: tuple[int, int]  # first line of the body, last line of the definition
    refs: set[_Raw] = field(default_factory=set)
    returns: Optional[_Type] = None
    # `@main.command()` registers the function with `main`: it runs when `main` does.
    triggers: list[str] = field(default_factory=list)


@dataclass
class _Guard:
    """An enclosing `if TYPE_CHECKING:` or `if __name__ == "__main__":`."""

    kind: str  # "typing" or "main"
    active: bool = True  # False once the walk has left the `if` body (for its `else`)


@dataclass
class _Frame:
    kind: str  # "module", "class" or "function"
    qualname: str
    owner: Optional[_Def] = None  # the reported function this frame's references belong to
    own: bool = False  # the frame is `owner`'s own body, not a function nested in it
    class_qual: str = ""  # the class of a method (or of a class body)
    self_name: str = ""
    flags: int = 0  # inherited by definitions inside (private class, Protocol, TYPE_CHECKING)
    types: dict[str, _Type] = field(default_factory=dict)
    locals: set[str] = field(default_factory=set)


class UntestedFacts(AstFactCollector):
    """Functions, classes, imports and references of one file, for SL301/SL302."""

    name = "untested"
    carries_riders = True

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        # A stub never runs, and would shadow its module's classes. A notebook is not importable: its functions
        # are no project's to test, and its calls test nothing, unless the test patterns name it (then, as a
        # test file, its calls count as tests').
        return not context.path.endswith(".pyi") and (not is_notebook(context.path) or context.is_test)

    @classmethod
    def collect(cls, tree: ast.Module, context: FileContext) -> dict[str, Any]:
        return cls.collect_carrying(tree, context, ())

    @classmethod
    def collect_carrying(cls, tree: ast.Module, context: FileContext, riders: Sequence[Rider]) -> dict[str, Any]:
        """The walk visits every node of the tree once, parents first, but for the wrappers it reads itself
        (`arguments`, `arg`, `keyword`; a starred argument, a tuple compared) and the operators and contexts
        (`_NOT_CARRIED`): riders may ask for any other type of node."""
        refused = [kind.__name__ for rider in riders for kind in rider.handlers if kind in _NOT_CARRIED]
        if refused:
            raise ValueError(f"a rider asks for nodes this walk does not visit all of: {', '.join(refused)}")
        facts = _Facts(context)
        facts.walk(tree, riders)
        if facts.doctests:
            facts.docstring("", tree)
            facts.walk_doctests()
        return facts.facts()


class _Facts:
    """One walk over the file in source order, keeping frames (module, class, function) and guards."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.lines = context.source.splitlines(keepends=True)
        self.module = context.module_name or ""
        self.is_package = os.path.basename(context.path).startswith("__init__.")
        # A test file pytest collects (or a conftest.py) runs its tests; other files under the tests' patterns
        # are support code: their `test_*` functions are no tests, and their import-time code runs only when a
        # test reaches something of theirs (a package's __init__ runs with the tests beside it).
        self.collected = context.is_test and context.settings.pytest.collects(context.path)
        self.support = context.is_test and not self.collected and not self.is_package
        settings = context.settings
        self.doctests = settings.pytest.doctest_modules or bool(settings.options.get("tests", {}).get("doctests"))
        self.docstrings: list[tuple[str, int, str]] = []  # (where, line, text) of docstrings with examples
        self.attribute_types: dict[str, dict[str, Optional[_Type]]] = {}  # class -> `self.x` -> what it holds
        self.imports: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        self.class_aliases: dict[str, dict[str, str]] = {}
        self.stars: list[str] = []
        self.defs: list[_Def] = []
        self.classes: dict[str, tuple[int, list[str]]] = {}
        self.module_refs: set[_Raw] = set()
        self.frames = [_Frame("module", "")]
        self.seen: set[int] = set()
        self.guards: list[_Guard] = []
        self.decorators = 0
        self.annotations = 0
        # `key = lambda x: helper(x)` at module level: the lambda's references run when `key` is called.
        self.assigning = ""
        self.lambdas = 0
        self.comparing = 0  # inside a name compared by `==`, `is`, `in`: `mode is setters.convert` calls nothing
        self.holding = 0  # inside a function passed (not called) in such an assignment: `X = pipe(convert, f)`
        self.immediate: set[int] = set()  # lambdas passed to a call that runs them at import
        self.deferred: dict[str, set[_Raw]] = {}

    # --- the walk --------------------------------------------------------------------------------------

    def walk(self, node: ast.AST, riders: Sequence[Rider] = ()) -> None:
        """Depth first, parents before children, as the references depend on what encloses them."""
        stack: list[_Step] = [node]
        # Looked up once per node type, not per node: the walk is most of the facts' cost.
        handlers: dict[type, Optional[Callable[[Any], Optional[Sequence[_Step]]]]] = {}
        while stack:
            item = stack.pop()
            kind = type(item)
            if kind in handlers:
                handler = handlers[kind]
            elif callable(item):
                item()
                continue
            else:
                handler = handlers[kind] = self._handler(kind, riders)
            later = handler(item) if handler is not None else None
            if later is not None:
                stack.extend(reversed(later))
            else:
                stack.extend(_children_reversed(item))  # type: ignore[arg-type]

    def _handler(self, kind: type, riders: Sequence[Rider]) -> Optional[Callable[[Any], Optional[Sequence[_Step]]]]:
        """This walk's handler of a node type, after the riders' (if any ride on it)."""
        own = getattr(self, "visit_" + kind.__name__, None)
        riding = [r.handlers[kind] for r in riders if kind in r.handlers]
        if not riding:
            return own

        def both(node: Any) -> Optional[Sequence[_Step]]:
            for ride in riding:
                ride(node)
            return own(node) if own is not None else None

        return both

    def _in_annotation(self, node: Optional[ast.AST]) -> list[_Step]:
        if node is None:
            return []
        return [lambda: self._count("annotations", 1), node, lambda: self._count("annotations", -1)]

    def _type_params(self, node: Union[_Function, ast.ClassDef]) -> list[_Step]:
        """`def f[T: Base]()` (Python 3.12): read as annotations are."""
        return [step for param in getattr(node, "type_params", ()) for step in self._in_annotation(param)]

    def _count(self, name: str, step: int) -> None:
        setattr(self, name, getattr(self, name) + step)

    # --- doctests: a docstring's examples run as a test, in the module's namespace ---------------------------

    def docstring(self, qualname: str, node: Union[_Function, ast.ClassDef, ast.Module]) -> None:
        text = ast.get_docstring(node, clean=False)
        if text and ">>>" in text:
            line = node.body[0].lineno if node.body else 1
            self.docstrings.append((qualname, line, text))

    def walk_doctests(self) -> None:
        """Each docstring's examples as a definition that is a test root: what they call counts as tested."""
        parser = doctest.DocTestParser()
        # Every tree stays alive to the end: `seen` holds nodes' ids, which a freed tree's would give to the next.
        trees: list[ast.Module] = []
        for qualname, line, text in self.docstrings:
            try:
                examples = parser.get_examples(text)
            except ValueError:  # inconsistent indentation: doctest would fail it too
                continue
            first = len(trees)
            for example in examples:
                try:
                    trees.append(ast.parse(example.source))
                except (SyntaxError, ValueError):
                    continue
            if len(trees) == first:
                continue
            name = f"{qualname}.<doctest>" if qualname else "<doctest>"
            entry = _Def(name, DOCTEST | TEST_ROOT, (line, 1, line, 1), (0, 0))
            self.defs.append(entry)
            self.frames.append(_Frame("function", name, entry, own=True))
            for tree in trees[first:]:
                self.walk(tree)
            self.frames.pop()

    # --- where references go -------------------------------------------------------------------------

    def _sink(self) -> set[_Raw]:
        if self.guards and any(guard.active for guard in self.guards):
            return set()  # a `__main__` block never runs under the tests, an `if TYPE_CHECKING:` one never runs
        frame = self.frames[-2] if self.decorators and len(self.frames) > 1 else self.frames[-1]
        if frame.owner is not None:
            return frame.owner.refs
        if (self.lambdas or self.holding) and self.assigning:
            return self.deferred.setdefault(self.assigning, set())
        return self.module_refs

    def _add(self, *raws: _Raw) -> None:
        self._sink().update(raws)

    def _names(self, names: Iterable[str]) -> None:
        self._add(*(("m", name) for name in names))

    def _consume(self, node: Optional[ast.AST]) -> None:
        """Mark a name chain as handled (an import, a class base, an alias)."""
        while isinstance(node, ast.Attribute):
            self.seen.add(id(node))
            node = node.value
        if node is not None:
            self.seen.add(id(node))

    # --- definitions -------------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: _Function) -> Sequence[_Step]:
        parent = self.frames[-1]
        qualname = f"{parent.qualname}.{node.name}" if parent.qualname else node.name
        frame = _Frame("function", qualname, parent.owner, class_qual=parent.class_qual, flags=parent.flags)
        if parent.owner is None:
            frame.owner = self._define(node, qualname, parent)
            frame.own = True
        else:  # a nested function is part of the function that defines it
            frame.self_name, frame.types, frame.locals = parent.self_name, dict(parent.types), set(parent.locals)
        self._parameters(node, frame, parent)
        if self.doctests:
            self.docstring(qualname, node)
        self.frames.append(frame)
        # As written: decorators (their references belong to the enclosing scope), then the signature.
        arguments = node.args
        later: list[_Step] = [lambda: self._count("decorators", 1), *node.decorator_list]
        later += [lambda: self._count("decorators", -1)]
        for arg in _parameters_in_order(arguments):
            later += self._in_annotation(arg.annotation)
        later += [*arguments.defaults, *filter(None, arguments.kw_defaults)]
        later += self._in_annotation(node.returns) + self._type_params(node)
        return [*later, *node.body, self.frames.pop]

    visit_AsyncFunctionDef = visit_FunctionDef

    def _define(self, node: _Function, qualname: str, parent: _Frame) -> _Def:
        name = self._name_position(node)
        start = node.body[0].lineno if not self._one_liner(node) else name[0]
        entry = _Def(qualname, parent.flags | self._flags(node, parent), name, (start, node.end_lineno or name[0]))
        for decorator in node.decorator_list:
            head = _dotted(decorator.func if isinstance(decorator, ast.Call) else decorator).rpartition(".")[0]
            if head:
                entry.triggers.append(head)
        if node.returns is not None:
            dotted = _annotation_type(node.returns)
            if dotted.rpartition(".")[2] == "Self" and parent.class_qual:
                dotted = parent.class_qual
            entry.returns = ("a", dotted) if dotted else None
        self.defs.append(entry)
        return entry

    def _name_position(self, node: _Function) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) of the name, 1-based and in characters, as ruff reports them."""
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else b""
        found = _DEF_NAME.match(line, node.col_offset)
        start = found.end() if found else node.col_offset
        column = len(line[:start].decode("utf-8", "replace")) + 1
        return node.lineno, column, node.lineno, column + len(node.name)

    def _one_liner(self, node: _Function) -> bool:
        """`def f(): return x`: the body starts on the line of the colon, after it."""
        first = node.body[0]
        line = self.lines[first.lineno - 1] if first.lineno <= len(self.lines) else b""
        return bool(line[: first.col_offset].strip())

    def _flags(self, node: _Function, parent: _Frame) -> int:
        name = node.name
        decorators = _decorator_names(node)
        flags = PRIVATE if is_private(name) else DUNDER if is_dunder(name) else 0
        flags |= OVERLOAD if "overload" in decorators else 0
        flags |= ABSTRACT if any(d.startswith("abstract") for d in decorators) or _not_implemented(node) else 0
        flags |= TYPE_CHECKING_ONLY if any(g.kind == "typing" and g.active for g in self.guards) else 0
        flags |= ONE_LINER if self._one_liner(node) else 0
        flags |= NO_CODE if all(map(_no_code, node.body)) else 0
        if any("fixture" in d for d in decorators):
            flags |= FIXTURE | TEST_ROOT
        if self.collected and (name.startswith(("test", "pytest_")) or name in _LIFECYCLE):
            flags |= TEST_ROOT
        return flags

    def _parameters(self, node: _Function, frame: _Frame, parent: _Frame) -> None:
        params = _parameters_in_order(node.args)
        if params and parent.kind == "class" and "staticmethod" not in _decorator_names(node):
            frame.self_name = params[0].arg
        for param in params:
            name = param.arg
            frame.locals.add(name)
            dotted = _annotation_type(param.annotation) if param.annotation else ""
            if dotted:
                frame.types[name] = ("a", dotted)
            elif self.context.is_test and name != frame.self_name:
                frame.types[name] = ("f", name)  # a pytest fixture's value

    def visit_ClassDef(self, node: ast.ClassDef) -> Sequence[_Step]:
        parent = self.frames[-1]
        qualname = f"{parent.qualname}.{node.name}" if parent.qualname else node.name
        bases = [_dotted(_subscripted(base)) for base in node.bases]
        for base in node.bases if parent.owner is None else ():  # a class made in a function uses its bases
            self._consume(_subscripted(base))
        flags = parent.flags | (PRIVATE if is_private(node.name) else 0)
        flags |= PROTOCOL if any(b.rpartition(".")[2] == "Protocol" for b in bases) else 0
        flags |= TYPE_CHECKING_ONLY if any(g.kind == "typing" and g.active for g in self.guards) else 0
        own = parent.owner is None
        if own:
            self.classes[qualname] = (flags, [b for b in bases if b])
        if self.doctests:
            self.docstring(qualname, node)
        self.frames.append(_Frame("class", qualname, parent.owner, class_qual=qualname if own else "", flags=flags))
        later: list[_Step] = [lambda: self._count("decorators", 1), *node.decorator_list]
        later += [lambda: self._count("decorators", -1), *self._type_params(node), *node.bases]
        for keyword in node.keywords:  # `metaclass=M`: the keyword is a name, as LibCST sees it
            later += [*_names_of([keyword.arg]), keyword.value]
        return [*later, *node.body, self.frames.pop]

    # --- guards: `if TYPE_CHECKING:` and `if __name__ == "__main__":` ------------------------------------

    def visit_If(self, node: ast.If) -> Optional[Sequence[_Step]]:
        kind = _guard_kind(node.test)
        if not kind:
            return self._narrowed(node)
        guard = _Guard(kind)
        self.guards.append(guard)

        def leave_body() -> None:
            guard.active = False

        return [node.test, *node.body, leave_body, *node.orelse, self.guards.pop]

    def _narrowed(self, node: ast.If) -> Optional[Sequence[_Step]]:
        """`if isinstance(x, Foo):` types `x` as a Foo in the body."""
        narrowing = _isinstance(node.test)
        if narrowing is None:
            return None
        name, kind = narrowing
        frame = self.frames[-1]
        before = frame.types.get(name)

        def narrow() -> None:
            frame.types[name] = kind

        def restore() -> None:
            if before is None:
                frame.types.pop(name, None)
            else:
                frame.types[name] = before

        return [node.test, narrow, *node.body, restore, *node.orelse]

    def visit_Assert(self, node: ast.Assert) -> None:
        narrowing = _isinstance(node.test)
        if narrowing is not None:  # `assert isinstance(x, Foo)`: a Foo from here on
            self.frames[-1].types[narrowing[0]] = narrowing[1]

    # --- imports -----------------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> Sequence[_Step]:
        for alias in node.names:
            if alias.asname:
                self.imports[alias.asname] = alias.name
            else:
                head = alias.name.partition(".")[0]
                self.imports.setdefault(head, head)
        return node.names

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Sequence[_Step]:
        base = self._absolute_module(node.level, node.module or "")
        if node.names[0].name == "*":
            if base:
                self.stars.append(base)
            return node.names
        for alias in node.names:
            local = alias.asname or alias.name
            if base and "." not in local:
                self.imports[local] = f"{base}.{alias.name}"
        return node.names

    def _absolute_module(self, level: int, module: str) -> str:
        return resolve_relative(self.module or None, self.is_package, level, module) or ""

    # --- names, attributes and calls -------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> Sequence[_Step]:
        if id(node) in self.seen:
            return []
        if isinstance(node.ctx, ast.Store):  # `a, b = ...`, `[x for x in ...]`, `(y := ...)`: a binding
            frame = self.frames[-1]
            if frame.kind == "function":
                frame.locals.add(node.id)
                frame.types.pop(node.id, None)
            return []
        self._name(node.id)
        return []

    def _name(self, name: str) -> None:
        frame = self.frames[-1]
        if self.annotations or name in frame.locals:
            return
        if frame.kind == "class" and frame.class_qual:
            self._add(("k", frame.class_qual, name))  # `__radd__ = __add__` in a class body
        else:
            self._add(("v" if self.comparing else "q", name))

    def visit_Attribute(self, node: ast.Attribute) -> Optional[Sequence[_Step]]:
        if id(node) in self.seen or self.annotations:
            return None
        attrs: list[str] = []
        base: ast.expr = node
        while isinstance(base, ast.Attribute):
            self.seen.add(id(base))
            attrs.append(base.attr)
            base = base.value
        attrs.reverse()
        if isinstance(base, ast.Name):
            self.seen.add(id(base))
            self._name_chain(base.id, attrs)
        elif isinstance(base, ast.Call):
            self._call_chain(base, attrs)
        elif _literal_type(base) is not None:
            self._names(attrs[1:])  # a method of a built-in type
        else:
            self._names(attrs)
        return [node.value]  # the chain's other attributes (seen by now: they say nothing more), then its base

    def _name_chain(self, head: str, attrs: list[str]) -> None:
        frame = self.frames[-1]
        known = frame.types.get(head) or (self.frames[0].types.get(head) if head not in frame.locals else None)
        if head == frame.self_name and frame.class_qual:
            self._add(("c", frame.class_qual, attrs[0]))
            if len(attrs) > 1:  # `self.store.save()`: typed by what the class assigns to `self.store`
                self._add(("sa", frame.class_qual, attrs[0], attrs[1]))
                self._names(attrs[2:])
                return
        elif known is not None:
            self._add(("t", known[0], known[1], attrs[0]))
        elif head in frame.locals:
            self._add(("m", attrs[0]))
        else:
            # Resolved in facts(), once all imports are known; a compared name is only a value.
            self._add(("v" if self.comparing else "q", ".".join([head, *attrs])))
            return
        self._names(attrs[1:])

    def _call_chain(self, call: ast.Call, attrs: list[str]) -> None:
        func = _dotted(call.func)
        frame = self.frames[-1]
        if func == "super" and frame.class_qual:
            self._add(("s", frame.class_qual, attrs[0]))
        elif func:
            self._add(("t", "r", func, attrs[0]))
        else:
            self._add(("m", attrs[0]))
        self._names(attrs[1:])

    def visit_Call(self, node: ast.Call) -> Sequence[_Step]:
        name = _dotted(node.func).rpartition(".")[2]
        self._names(_BUILTIN_DUNDERS.get(name, ()))
        values = [*node.args, *(k.value for k in node.keywords)]
        if name not in _STORING_CALLS:
            self.immediate.update(id(value) for value in values if isinstance(value, ast.Lambda))
        if name in _ATTRIBUTE_CALLS and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
            attribute = node.args[1].value
            if isinstance(attribute, str) and attribute.isidentifier():
                target = _dotted(node.args[0])
                if target:
                    head, _, rest = target.partition(".")
                    self._name_chain(head, [*filter(None, rest.split(".")), attribute])
                else:
                    self._names([attribute])
        later: list[_Step] = [node.func]
        held = name not in _CALLING
        for arg in node.args:  # `f(*x)`: an argument, not a starred element of a display
            later += self._argument(arg.value if isinstance(arg, ast.Starred) else arg, held)
        for keyword in node.keywords:
            later += self._argument(keyword.value, held)  # `f(frozen=True)`: its name refers to nothing
        return later

    def _argument(self, value: ast.expr, held: bool) -> list[_Step]:
        """`X = pipe(convert, validate)` at module level passes functions without calling them: they run
        when code that uses `X` runs, not on import (a lambda so assigned is kept the same way)."""
        if not (held and self.assigning and isinstance(value, (ast.Name, ast.Attribute))):
            return [value]
        return [lambda: self._count("holding", 1), value, lambda: self._count("holding", -1)]

    def visit_Lambda(self, node: ast.Lambda) -> Sequence[_Step]:
        stored = id(node) not in self.immediate
        self.lambdas += stored
        arguments = node.args
        params = _names_of(a.arg for a in _parameters_in_order(arguments))  # references, as LibCST sees them
        defaults = [*arguments.defaults, *filter(None, arguments.kw_defaults)]
        return [*params, *defaults, node.body, lambda: self._count("lambdas", -stored)]

    # --- operators and protocols: the dunders they call ---------------------------------------------------

    def visit_BinOp(self, node: ast.BinOp) -> None:
        stem = _BINARY.get(type(node.op).__name__)
        if stem:
            self._names((f"__{stem}__", f"__r{stem}__"))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        stem = _BINARY.get(type(node.op).__name__)
        if stem:
            self._names((f"__i{stem}__", f"__{stem}__", f"__r{stem}__"))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        self._names(_UNARY.get(type(node.op).__name__, ()))

    def visit_Compare(self, node: ast.Compare) -> Sequence[_Step]:
        for operator in node.ops:
            self._names(_COMPARE.get(type(operator).__name__, ()))
        later: list[_Step] = []
        for operand in (node.left, *node.comparators):
            items = operand.elts if isinstance(operand, (ast.Tuple, ast.List, ast.Set)) else [operand]
            for item in items:  # `x in (DEFAULT, setters.convert)`: a value compared is not called
                if _dotted(item):
                    later += [lambda: self._count("comparing", 1), item, lambda: self._count("comparing", -1)]
                else:
                    later.append(item)
        return later

    def visit_Subscript(self, node: ast.Subscript) -> None:
        method = _SUBSCRIPT.get(type(node.ctx), "__getitem__")
        self._on(node.value, method)

    def _on(self, receiver: ast.expr, method: str) -> None:
        """An operator's dunder called on `receiver`: on its class where it is known, else by name."""
        frame = self.frames[-1]
        if isinstance(receiver, ast.Name):
            kind = self._name_type(receiver.id)
            if kind is not None and kind[0] == "b":
                return  # a dict, a list...
            if kind is not None and not (receiver.id == frame.self_name and frame.class_qual):
                self._add(("t", kind[0], kind[1], method))
                return
            if receiver.id == frame.self_name and frame.class_qual:
                self._add(("c", frame.class_qual, method))
                return
        elif isinstance(receiver, ast.Attribute) and _dotted(receiver.value) == frame.self_name and frame.class_qual:
            self._add(("sa", frame.class_qual, receiver.attr, method))
            return
        elif _literal_type(receiver) is not None:
            return
        self._names((method,))

    def visit_For(self, node: Union[ast.For, ast.AsyncFor]) -> None:
        self._names(("__aiter__", "__anext__") if isinstance(node, ast.AsyncFor) else _ITERATE)
        if isinstance(node.target, ast.Name):
            self.seen.add(id(node.target))
            self.frames[-1].locals.add(node.target.id)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._names(("__aiter__", "__anext__") if node.is_async else _ITERATE)

    def visit_Starred(self, node: ast.Starred) -> None:
        self._names(_ITERATE)

    def visit_With(self, node: Union[ast.With, ast.AsyncWith]) -> None:
        self._names(("__aenter__", "__aexit__") if isinstance(node, ast.AsyncWith) else ("__enter__", "__exit__"))

    visit_AsyncWith = visit_With

    def visit_withitem(self, node: ast.withitem) -> None:
        if isinstance(node.optional_vars, ast.Name):
            self.seen.add(id(node.optional_vars))
            self._bind(node.optional_vars.id, self.value_type(node.context_expr))

    def visit_Await(self, node: ast.Await) -> None:
        self._names(("__await__",))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Sequence[_Step]:
        self._names(("__format__", "__str__"))
        first = node.values[0] if node.values else None
        if isinstance(first, ast.Constant) and len(node.values) > 1 and _PREFIX.match(str(first.value)):
            self._add(("p", str(first.value)))  # str() for mypy: an f-string's constant parts are str
        self.seen.update(id(v) for v in node.values if isinstance(v, ast.Constant))  # its text is no string literal
        return node.values

    def visit_Constant(self, node: ast.Constant) -> None:
        if id(node) in self.seen:
            return
        value = node.value
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if not isinstance(text, str) or self.assigning == "__all__":  # `__all__` names; it dispatches nothing
            return
        if len(text) < 30 and _PREFIX.match(text):
            self._add(("p", text))
        elif len(text) < 200 and _DOTTED_STRING.match(text):
            self._add(("d", text.replace(":", ".")))

    # Names that `ast` keeps as plain strings are references in LibCST's tree, where these facts began.

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> Sequence[_Step]:
        return [*filter(None, [node.type]), *_names_of([node.name]), *node.body]

    def visit_Global(self, node: Union[ast.Global, ast.Nonlocal]) -> Sequence[_Step]:
        return _names_of(node.names)

    visit_Nonlocal = visit_Global
    visit__Bound = visit_Name

    def visit_MatchAs(self, node: ast.MatchAs) -> Sequence[_Step]:
        return [*filter(None, [node.pattern]), *_names_of([node.name])]

    def visit_MatchStar(self, node: ast.MatchStar) -> Sequence[_Step]:
        return _names_of([node.name])

    def visit_MatchMapping(self, node: ast.MatchMapping) -> Sequence[_Step]:
        return [*node.keys, *node.patterns, *_names_of([node.rest])]

    def visit_MatchClass(self, node: ast.MatchClass) -> Sequence[_Step]:
        return [node.cls, *node.patterns, *_names_of(node.kwd_attrs), *node.kwd_patterns]

    # --- what local variables hold, and what functions return --------------------------------------------

    def _bind(self, name: str, kind: Optional[_Type]) -> None:
        frame = self.frames[-1]
        if frame.kind == "function":
            frame.locals.add(name)
        if kind is not None:
            frame.types[name] = kind
        else:
            frame.types.pop(name, None)

    def value_type(self, node: Optional[ast.expr]) -> Optional[_Type]:
        """What a value is, as far as this function knows: a call's result, a literal, a typed name, `self`,
        `cls(...)`."""
        frame = self.frames[-1]
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Name):
            return self._name_type(node.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == frame.self_name:
            return ("a", frame.class_qual) if frame.class_qual else None  # `cls(...)` in a classmethod
        if isinstance(node, ast.IfExp):
            return self.value_type(node.body) or self.value_type(node.orelse)
        if isinstance(node, ast.BoolOp):  # `x or Foo()`
            return self.value_type(node.values[-1])
        return _call_type(node)

    def _name_type(self, name: str) -> Optional[_Type]:
        frame = self.frames[-1]
        if name == frame.self_name and frame.class_qual:
            return ("a", frame.class_qual)
        return frame.types.get(name) or (self.frames[0].types.get(name) if name not in frame.locals else None)

    def _attribute_type(self, target: ast.expr, kind: Optional[_Type]) -> None:
        """`self.store = Store()` (or `store: Store` in a class body): what `self.store` holds in the class."""
        frame = self.frames[-1]
        if not frame.class_qual:
            return
        if frame.kind == "class" and isinstance(target, ast.Name):
            attr = target.id
        elif isinstance(target, ast.Attribute) and _dotted(target.value) == frame.self_name:
            attr = target.attr
        else:
            return
        known = self.attribute_types.setdefault(frame.class_qual, {})
        if attr in known and known[attr] != kind:
            known[attr] = None  # assigned values of different types: unknown
        else:
            known[attr] = kind

    def visit_Assign(self, node: ast.Assign) -> Sequence[_Step]:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.seen.add(id(target))  # a store, not a reference
        if len(node.targets) == 1:
            self._attribute_type(node.targets[0], self.value_type(node.value))
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            self._bind(name, self.value_type(node.value))
            self._alias(name, node.value)
            if self.frames[-1].kind == "module":
                self.assigning = name
        return [*node.targets, node.value, self._assigned]

    def _assigned(self) -> None:
        self.assigning = ""

    def _alias(self, name: str, value: ast.expr) -> None:
        """`fmt = format_amount` binds a name and calls nothing: references to `fmt` mean the function."""
        frame = self.frames[-1]
        dotted = _dotted(value)
        if frame.kind == "module" and dotted:
            self.aliases[name] = dotted
            self._consume(value)
        elif frame.kind == "class" and frame.class_qual and isinstance(value, ast.Name):
            self.class_aliases.setdefault(frame.class_qual, {})[name] = value.id  # `__radd__ = __add__`
            self._consume(value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> Sequence[_Step]:
        dotted = _annotation_type(node.annotation)
        kind = ("a", dotted) if dotted and dotted != "None" else self.value_type(node.value)
        self._attribute_type(node.target, kind)
        if isinstance(node.target, ast.Name):
            self.seen.add(id(node.target))
            self._bind(node.target.id, kind)
        return [node.target, *self._in_annotation(node.annotation), *filter(None, [node.value])]

    def visit_Return(self, node: ast.Return) -> None:
        self._returned(node.value)

    def visit_Yield(self, node: ast.Yield) -> None:
        if node.value is not None:
            self._returned(node.value)  # a fixture's value

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        self._names(_ITERATE)

    def _returned(self, value: Optional[ast.expr]) -> None:
        frame = self.frames[-1]
        if frame.own and frame.owner is not None and frame.owner.returns is None:
            frame.owner.returns = self.value_type(value)

    # --- the facts ---------------------------------------------------------------------------------------

    def facts(self) -> dict[str, Any]:
        resolver = _Resolver(self)
        own_aliases: dict[str, dict[str, str]] = {q: {} for q in self.classes}
        classes = {q: [flags, resolver.bases(bases), own_aliases[q]] for q, (flags, bases) in self.classes.items()}
        for qualname, aliases in self.class_aliases.items():
            for name, target in aliases.items():
                if f"{qualname}.{target}" in resolver.own:
                    own_aliases[qualname][name] = target
                else:  # an alias of something else: a reference when the class body runs
                    self.module_refs.add(("k", qualname, target))
        module_tokens = {t for raw in self.module_refs for t in resolver.tokens(raw)}
        rows = []
        for entry in self.defs:
            returns = resolver.type_token(entry.returns) if entry.returns else ""
            tokens = {t for raw in entry.refs for t in resolver.tokens(raw)}
            if self.support:  # a support module's import-time code runs when a test reaches it
                tokens |= module_tokens
            triggers = [t for t in map(resolver.absolute, entry.triggers) if t]
            rows.append([entry.qualname, entry.flags, *entry.position, *entry.body, returns, sorted(tokens), triggers])
        for name, refs in self.deferred.items():
            lambda_tokens = sorted({t for raw in refs for t in resolver.tokens(raw)})
            rows.append([name, LAMBDA, 1, 1, 1, 1, 0, 0, "", lambda_tokens, []])
        return {
            "m": resolver.module,
            "i": resolver.imports,
            "s": self.stars,
            "d": rows,
            "c": classes,
            "r": self._import_time(resolver, module_tokens),
            "n": self.context.source.count(b"\n") + 1,
        }

    def _import_time(self, resolver: _Resolver, tokens: set[str]) -> list[str]:
        """What runs when the file is imported; in a collected test file, pytest also uses its classes."""
        if self.support:
            return []
        if self.collected:
            tokens = tokens | {f"q:{resolver.module}.{qualname}" for qualname in self.classes}
        return sorted(tokens)


class _Resolver:
    """Turns a file's raw references into tokens, once all its imports and top-level names are known."""

    def __init__(self, facts: _Facts) -> None:
        # A file outside every `src` root still resolves its own names, under its path.
        self.module = facts.module or facts.context.path
        self.own = {d.qualname for d in facts.defs} | set(facts.deferred)
        self.attribute_types = facts.attribute_types
        self.top = {q for q in (*self.own, *facts.classes) if "." not in q}
        self.imports: dict[str, str] = dict(facts.imports)
        for name, dotted in facts.aliases.items():
            if name not in self.imports and name not in self.top:
                absolute = self.absolute(dotted)
                if absolute:
                    self.imports[name] = absolute

    def absolute(self, dotted: str) -> Optional[str]:
        head, dot, rest = dotted.partition(".")
        base = self.imports.get(head) or (f"{self.module}.{head}" if head in self.top else None)
        return base + dot + rest if base else None

    def type_token(self, kind: _Type) -> str:
        if not kind[0]:
            return ""
        if kind[0] in ("f", "b"):
            return f"{kind[0]}:{kind[1]}"
        absolute = self.absolute(kind[1])
        if absolute:
            return f"{kind[0]}:{absolute}"
        return f"b:{kind[1]}" if kind[1] in _BUILTIN_TYPES else ""  # `dict(...)`, `-> list[str]`

    def bases(self, bases: list[str]) -> list[str]:
        return [a for a in map(self.absolute, bases) if a]

    def tokens(self, raw: _Raw) -> list[str]:
        kind = raw[0]
        if kind in ("q", "v"):
            absolute = self.absolute(raw[1])
            return [f"{kind}:{absolute}"] if absolute else [f"m:{a}" for a in raw[1].split(".")[1:]]
        if kind == "d":
            return [f"q:{raw[1]}"]
        if kind == "k":
            method = f"{raw[1]}.{raw[2]}"
            return [f"q:{self.module}.{method}"] if method in self.own else self.tokens(("q", raw[2]))
        if kind in ("c", "s", "p"):
            scope = f"{self.module}.{raw[1]}" if kind != "p" else self.module
            return [f"{kind}:{scope}|{raw[-1]}"]
        if kind in ("t", "sa"):
            typed = self.type_token(self._held(raw))
            return [f"t:{typed}|{raw[3]}"] if typed else [f"m:{raw[3]}"]
        return [f"m:{raw[1]}"]

    def _held(self, raw: _Raw) -> _Type:
        """The type of a `t` reference's value; of `self.attr` for an `sa` one (what the class assigned to it,
        if one thing)."""
        if raw[0] == "t":
            return (raw[1], raw[2])
        if raw[2] == "__dict__":
            return ("b", "dict")
        return self.attribute_types.get(raw[1], {}).get(raw[2]) or ("", "")


class _Bound(ast.Name):
    """A name `ast` keeps as a plain string (a parameter, an `except` name), walked as a `Name`: no node of
    the tree, so riders (which ask for `Name`) never see it."""


def _names_of(names: Iterable[Optional[str]]) -> list[ast.Name]:
    return [_Bound(name, ast.Load()) for name in names if name]


def _parameters_in_order(arguments: ast.arguments) -> list[ast.arg]:
    params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return params + [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
