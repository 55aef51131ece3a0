"""SL11x: simplifications that make code shorter and clearer, each with a fix where one is certain.

Every fix is a node replacement. A fix that would drop a comment is not offered (the finding stays):
`SimplifyRule.report` enforces it for every rule of the family. A fix that can change behaviour for some
input is marked unsafe and its rule says why.
"""

from __future__ import annotations

import ast
import builtins
import keyword
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Optional, TypeVar, Union

import libcst as cst

from simplelint.rule import FileContext, Invalid, NodeFix, Rule, ast_summary, python_ast
from simplelint.traversal import children

Expr = TypeVar("Expr", bound=cst.BaseExpression)

# Operator precedence, lowest first, as far as these rules need it.
NAMED, LAMBDA, IF_EXP, OR, AND, NOT, COMPARE, ARITHMETIC, PRIMARY = range(9)
_PRECEDENCE: dict[type, int] = {
    cst.NamedExpr: NAMED,
    cst.Yield: NAMED,
    cst.Lambda: LAMBDA,
    cst.IfExp: IF_EXP,
    cst.Comparison: COMPARE,
    cst.BinaryOperation: ARITHMETIC,
    cst.UnaryOperation: ARITHMETIC,
    cst.Await: ARITHMETIC,
}
# Certainly a bool / a rich comparison (a bool unless `__eq__` and friends say otherwise) / anything.
ANY, RICH, BOOL = range(3)
BOOL_BUILTINS = frozenset({"isinstance", "issubclass", "callable", "hasattr", "bool", "all", "any"})
_IDENTITY_OPERATORS = (cst.Is, cst.IsNot, cst.In, cst.NotIn)
_EMPTY_MODULE = cst.Module(body=[])


def code_of(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def walk(*roots: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under `roots` (roots included), without recursion."""
    stack = list(roots)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(children(node))


def has_comment(*nodes: Optional[cst.CSTNode]) -> bool:
    return any(isinstance(node, cst.Comment) for node in walk(*(n for n in nodes if n is not None)))


def comments(nodes: Iterable[cst.CSTNode]) -> Counter[str]:
    return Counter(node.value for node in walk(*nodes) if isinstance(node, cst.Comment))


def drops_comment(fix: NodeFix) -> bool:
    """Whether a comment under the replaced node is missing from its replacement (moving it is fine)."""
    replacement = fix.replacement
    if isinstance(replacement, cst.FlattenSentinel):
        kept: list[cst.CSTNode] = list(replacement.nodes)
    else:
        kept = [replacement] if isinstance(replacement, cst.CSTNode) else []
    return bool(comments([fix.original]) - comments(kept))


class SimplifyRule(Rule):
    """An SL11x rule: its fixes never drop a comment; where one would, the finding comes without a fix."""

    def report(self, node: cst.CSTNode, message: str, fix: Optional[NodeFix] = None) -> None:
        super().report(node, message, None if fix is not None and drops_comment(fix) else fix)


@ast_summary
def file_names(source: bytes) -> Optional[tuple[frozenset[str], frozenset[str]]]:
    """(names the file binds anywhere, every identifier it uses); None when CPython cannot parse it."""
    tree = python_ast(source)
    if tree is None:
        return None
    bound: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        name = _bound_name(node)
        if name:
            bound.add(name)
        elif isinstance(node, ast.Name):
            used.add(node.id)
    return frozenset(bound), frozenset(bound | used)


def _bound_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return None if isinstance(node.ctx, ast.Load) else node.id
    if isinstance(node, ast.alias):
        return (node.asname or node.name).split(".")[0]
    if isinstance(node, ast.arg):
        return node.arg
    for attribute in ("name", "rest"):  # defs, classes, except handlers, match captures
        value = getattr(node, attribute, None)
        if isinstance(value, str):
            return value
    return None


@ast_summary
def imported_names(source: bytes) -> Mapping[str, str]:
    """What each name imported in the file stands for: `import sys as s` gives `s` -> `sys`, `from typing
    import TYPE_CHECKING as TC` gives `TC` -> `typing.TYPE_CHECKING`."""
    tree = python_ast(source)
    return {} if tree is None else dict(pair for node in ast.walk(tree) for pair in _imported(node))


def _imported(node: ast.AST) -> Iterator[tuple[str, str]]:
    """(local name, what it stands for) for each name an import statement binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            yield local, alias.name if alias.asname else local
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        for alias in node.names:
            yield alias.asname or alias.name, f"{node.module}.{alias.name}"


def qualified_name(expr: cst.BaseExpression, context: FileContext) -> Optional[str]:
    """The dotted name `expr` stands for through the file's imports (`s.version_info` -> `sys.version_info`);
    a name not imported stands for itself; None for anything but a name or an attribute chain."""
    if isinstance(expr, cst.Name):
        return imported_names(context.source).get(expr.value, expr.value)
    if isinstance(expr, cst.Attribute):
        base = qualified_name(expr.value, context)
        return None if base is None else f"{base}.{expr.attr.value}"
    return None


_TYPE_CHECKING = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})
_PLATFORM_AND_VERSION = frozenset({"sys.version_info", "sys.platform"})


def is_main_check(test: cst.BaseExpression) -> bool:
    """`__name__ == "__main__"` (or `!=`, or the operands swapped)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    operands = (test.left, test.comparisons[0].comparator)
    names = [o for o in operands if is_name(o, "__name__")]
    strings = [o for o in operands if isinstance(o, cst.SimpleString) and o.evaluated_value == "__main__"]
    return len(names) == 1 and len(strings) == 1


def is_guard(test: cst.BaseExpression, context: FileContext) -> bool:
    """Whether an `if` on `test` guards a block rather than tests data: `TYPE_CHECKING`, anything on
    `sys.version_info` or `sys.platform`, `__name__ == "__main__"`, `True`/`False` (ruff's exceptions), and
    `__debug__` (the block `python -O` drops; ruff merges it, issue 12 asked to keep it)."""
    if bool_literal(test) is not None or is_main_check(test) or is_name(test, "__debug__"):
        return True
    if isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING":
        return True
    if isinstance(test, cst.Name) and qualified_name(test, context) in _TYPE_CHECKING:
        return True
    return any(
        qualified_name(node, context) in _PLATFORM_AND_VERSION
        for node in walk(test)
        if isinstance(node, (cst.Name, cst.Attribute))
    )


def is_builtin(context: FileContext, name: str) -> bool:
    """`name` certainly means the builtin: the file never binds it (star imports are assumed not to)."""
    names = file_names(context.source)
    return names is not None and name not in names[0]


def fresh_name(context: FileContext, wanted: Sequence[str]) -> Optional[str]:
    """The first of `wanted` that no identifier of the file uses and that is not a builtin or keyword."""
    names = file_names(context.source)
    if names is None:
        return None
    for name in wanted:
        if name.isidentifier() and not keyword.iskeyword(name) and name not in names[1] and not hasattr(builtins, name):
            return name
    return None


# What a name, a display or a builtin's result certainly is: the builtin collection types it may hold, or
# None when it may hold anything else too.
Types = Optional[frozenset[str]]

_DISPLAYS: dict[type, str] = {
    cst.List: "list",
    cst.ListComp: "list",
    cst.Dict: "dict",
    cst.DictComp: "dict",
    cst.Set: "set",
    cst.SetComp: "set",
    cst.Tuple: "tuple",
    cst.FormattedString: "str",
}
# Builtins returning a builtin collection (the ones ruff's PLC1802 knows).
_BUILTIN_RESULTS = {
    **dict.fromkeys(("list", "sorted", "dir"), "list"),
    **dict.fromkeys(("dict", "vars", "locals", "globals"), "dict"),
    **dict.fromkeys(("str", "repr", "ascii", "format", "chr", "input", "bin", "hex", "oct"), "str"),
    **{name: name for name in ("set", "frozenset", "tuple", "bytes", "bytearray", "range", "memoryview")},
}
_COLLECTIONS = {f"collections.{name}": "dict" for name in ("OrderedDict", "defaultdict", "Counter")}
_BUILTIN_TYPES = frozenset({"list", "dict", "set", "frozenset", "tuple", "str", "bytes", "bytearray"})
_TYPING_ALIASES = {
    **{f"typing.{alias}": builtin for alias, builtin in [("List", "list"), ("Dict", "dict"), ("Set", "set")]},
    **{f"typing.{alias}": builtin for alias, builtin in [("FrozenSet", "frozenset"), ("Tuple", "tuple")]},
    **{f"typing.{name}": "dict" for name in ("OrderedDict", "DefaultDict", "Counter")},
    **_COLLECTIONS,
}


def _string_type(expr: Union[cst.SimpleString, cst.ConcatenatedString]) -> str:
    first: cst.BaseExpression = expr
    while isinstance(first, cst.ConcatenatedString):
        first = first.left
    return "bytes" if isinstance(first, cst.SimpleString) and "b" in first.prefix.lower() else "str"


def _builtin_named(expr: cst.BaseExpression, context: FileContext) -> Optional[str]:
    """The dotted name `expr` stands for, when it is not a builtin the file rebinds."""
    name = qualified_name(expr, context)
    return None if name is None or ("." not in name and not is_builtin(context, name)) else name


def literal_type(expr: cst.BaseExpression, context: FileContext) -> Optional[str]:
    """The builtin collection type `expr` certainly evaluates to: a display, a comprehension, a string, a call
    of a builtin returning one (`list(...)`, `sorted(...)`, `str(...)`) or of `collections.OrderedDict` and
    the like."""
    display = _DISPLAYS.get(type(expr))
    if display is not None:
        return display
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        return _string_type(expr)
    if not isinstance(expr, cst.Call):
        return None
    name = _builtin_named(expr.func, context)
    return None if name is None else _BUILTIN_RESULTS.get(name) or _COLLECTIONS.get(name)


def annotation_type(annotation: cst.BaseExpression, context: FileContext) -> Optional[str]:
    """The builtin collection type an annotation names: `list`, `dict[str, int]`, `typing.List[int]`, ..."""
    name = _builtin_named(annotation.value if isinstance(annotation, cst.Subscript) else annotation, context)
    return name if name in _BUILTIN_TYPES else _TYPING_ALIASES.get(name or "")


@ast_summary
def declared_free(source: bytes) -> Optional[frozenset[str]]:
    """Names some `global` or `nonlocal` statement of the file rebinds from elsewhere; None if unparsable."""
    tree = python_ast(source)
    if tree is None:
        return None
    declared = (node.names for node in ast.walk(tree) if isinstance(node, (ast.Global, ast.Nonlocal)))
    return frozenset(name for names in declared for name in names)


class ScopeBindings:
    """The builtin collection types each name of one scope (a function, lambda, class or module body) may
    hold, from every binding of the name there: unknown as soon as one binding is not certainly a collection
    (a call of anything else, a loop target, an import, `+=`, `del`, ...)."""

    def __init__(self, scope: cst.CSTNode, context: FileContext) -> None:
        self.context = context
        self.types: dict[str, Types] = {}
        self.star_import = False  # may have bound any name
        if isinstance(scope, (cst.FunctionDef, cst.Lambda)):
            self._parameters(scope.params)
        if isinstance(scope, cst.Module):
            self._walk(scope.body)
        elif isinstance(scope, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            self._walk([scope.body])

    def get(self, name: str) -> Types:
        return None if self.star_import else self.types.get(name)

    def _bind(self, name: str, kind: Optional[str]) -> None:
        known = self.types.get(name, frozenset())
        self.types[name] = None if known is None or kind is None else known | {kind}

    def _target(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, None if value is None else literal_type(value, self.context))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._target(target.value, None)
        # An attribute or a subscript binds no name.

    def _annotated(
        self, name: cst.BaseExpression, annotation: Optional[cst.Annotation], value: Optional[cst.BaseExpression]
    ) -> None:
        """A parameter or an annotated assignment: its value's type, else the one its annotation promises."""
        if not isinstance(name, cst.Name):
            self._target(name, None)
            return
        kind = None if value is None else literal_type(value, self.context)
        if kind is None and annotation is not None and not (value is not None and is_name(value, "None")):
            kind = annotation_type(annotation.annotation, self.context)  # not `x: list = None`
        self._bind(name.value, kind)

    def _parameters(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self._annotated(param.name, param.annotation, param.default)
        if isinstance(params.star_arg, cst.Param):
            self._bind(params.star_arg.name.value, "tuple")
        if params.star_kwarg is not None:
            self._bind(params.star_kwarg.name.value, "dict")

    def _walk(self, roots: Sequence[cst.CSTNode]) -> None:
        stack = list(roots)
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                self._bind(node.name.value, None)  # its body is a scope of its own
                continue
            if isinstance(node, cst.Lambda):
                continue
            self._binding(node)
            stack.extend(children(node))

    def _binding(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Assign):
            for target in node.targets:
                self._target(target.target, node.value)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:  # `x: list[int]` alone binds nothing
                self._annotated(node.target, node.annotation, node.value)
        elif isinstance(node, cst.NamedExpr):
            self._target(node.target, node.value)
        elif isinstance(node, (cst.AugAssign, cst.For, cst.CompFor, cst.Del)):
            self._target(node.target, None)
        elif isinstance(node, cst.AsName):  # `with ... as`, `except ... as`, `import ... as`
            self._target(node.name, None)
        elif isinstance(node, cst.ImportStar):
            self.star_import = True
        else:
            captured = _captured_name(node)
            if captured is not None:
                self._bind(captured, None)


def _captured_name(node: cst.CSTNode) -> Optional[str]:
    """The name an `import` without `as` or a `match` capture binds."""
    if isinstance(node, cst.ImportAlias) and node.asname is None:
        return code_of(node.name).split(".")[0]
    if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
        return node.name.value
    if isinstance(node, cst.MatchMapping) and node.rest is not None:
        return node.rest.value
    return None


class _Scoped(SimplifyRule):
    """Base of rules that ask which builtin collection an expression holds in the scope around it."""

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.scopes: list[cst.CSTNode] = []
        self._bindings: dict[int, ScopeBindings] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self.scopes.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.scopes.append(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.scopes.pop()

    def collection_types(self, expr: cst.BaseExpression) -> Types:
        """The builtin collection types `expr` may hold, when it certainly holds one of them; else None.

        A name counts when every binding of it in the current scope is one (a name bound elsewhere, in an
        enclosing function or at module level seen from a function, is unknown)."""
        kind = literal_type(expr, self.context)
        if kind is not None:
            return frozenset({kind})
        free = declared_free(self.context.source)
        if not isinstance(expr, cst.Name) or free is None or expr.value in free:
            return None
        scope = self.scopes[-1]
        bindings = self._bindings.get(id(scope))
        if bindings is None:
            bindings = self._bindings[id(scope)] = ScopeBindings(scope, self.context)
        return bindings.get(expr.value)


def bool_literal(node: cst.BaseExpression) -> Optional[bool]:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def is_not(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)


def is_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value


def precedence(expr: cst.BaseExpression) -> int:
    if expr.lpar:
        return PRIMARY
    if isinstance(expr, cst.BooleanOperation):
        return OR if isinstance(expr.operator, cst.Or) else AND
    if is_not(expr):
        return NOT
    return _PRECEDENCE.get(type(expr), PRIMARY)


def without_parens(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`expr` without its own parentheses; a tuple keeps them (`()` needs them)."""
    if not expr.lpar or isinstance(expr, cst.Tuple):
        return expr
    return expr.with_changes(lpar=[], rpar=[])


def parenthesized(expr: Expr) -> Expr:
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def wrap(expr: Expr, minimum: int) -> Expr:
    """`expr` in parentheses when it binds looser than `minimum` or spans lines outside its old brackets."""
    if expr.lpar:
        return expr
    if precedence(expr) < minimum or "\n" in code_of(expr):
        return parenthesized(expr)
    return expr


def in_place(original: cst.BaseExpression, replacement: Expr) -> Expr:
    """`replacement` keeping the parentheses around `original`."""
    return replacement.with_changes(
        lpar=[*original.lpar, *replacement.lpar], rpar=[*replacement.rpar, *original.rpar]
    )


def call(function: str, expr: cst.BaseExpression) -> cst.Call:
    """`function(expr)`; redundant parentheses around `expr` are dropped (never a tuple's or a yield's)."""
    if expr.lpar and not isinstance(expr, (cst.Tuple, cst.Yield)):
        expr = expr.with_changes(lpar=[], rpar=[])
    return cst.Call(cst.Name(function), [cst.Arg(expr)])


def bool_kind(expr: cst.BaseExpression, context: FileContext) -> int:
    if bool_literal(expr) is not None or is_not(expr):
        return BOOL
    if isinstance(expr, cst.Comparison):
        identity = all(isinstance(t.operator, _IDENTITY_OPERATORS) for t in expr.comparisons)
        return BOOL if identity else RICH
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in BOOL_BUILTINS:
        return BOOL if is_builtin(context, expr.func.value) else ANY
    if isinstance(expr, cst.BooleanOperation):
        return min(bool_kind(expr.left, context), bool_kind(expr.right, context))
    return ANY


def opposite_operator(operator: cst.BaseCompOp) -> Optional[cst.BaseCompOp]:
    """`is` <-> `is not`, `in` <-> `not in`: exact inverses by definition (unlike `==` and `!=`)."""
    if not isinstance(operator, (cst.Is, cst.IsNot, cst.In, cst.NotIn)):
        return None
    before, after, between = operator.whitespace_before, operator.whitespace_after, cst.SimpleWhitespace(" ")
    if isinstance(operator, cst.Is):
        return cst.IsNot(whitespace_before=before, whitespace_between=between, whitespace_after=after)
    if isinstance(operator, cst.In):
        return cst.NotIn(whitespace_before=before, whitespace_between=between, whitespace_after=after)
    if isinstance(operator, cst.IsNot):
        return cst.Is(whitespace_before=before, whitespace_after=after)
    return cst.In(whitespace_before=before, whitespace_after=after)


def negate(expr: cst.BaseExpression, context: FileContext) -> cst.BaseExpression:
    """An expression equal to `not expr` (always a bool), as simple as certain."""
    if is_not(expr):
        assert isinstance(expr, cst.UnaryOperation)
        inner = expr.expression
        if bool_kind(inner, context) == BOOL:
            return inner
        if is_builtin(context, "bool"):
            return call("bool", inner)
    if isinstance(expr, cst.Comparison) and len(expr.comparisons) == 1:
        target = expr.comparisons[0]
        swapped = opposite_operator(target.operator)
        if swapped is not None:
            return expr.with_changes(comparisons=[target.with_changes(operator=swapped)])
    return cst.UnaryOperation(cst.Not(), wrap(expr, NOT))


def bool_value(
    test: cst.BaseExpression, positive: bool, context: FileContext
) -> Optional[tuple[cst.BaseExpression, bool]]:
    """(`bool(test)` or `not test`, simplified, and whether that is unsafe); None if `bool` is shadowed."""
    if not positive:
        return negate(test, context), False
    kind = bool_kind(test, context)
    if kind != ANY:
        return test, kind == RICH
    if is_builtin(context, "bool"):
        return call("bool", test), False
    return None


def short(node: cst.CSTNode, limit: int = 40) -> str:
    text = " ".join(code_of(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Swap(cst.CSTTransformer):
    """Replace nodes by identity inside a subtree."""

    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.replacements = replacements

    # LibCST's annotation wants a node of the original's type back; a replacement may be of another type.
    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        return self.replacements.get(id(original_node), updated_node)


def _returned_bool(suite: Optional[cst.CSTNode]) -> Optional[bool]:
    """True/False when `suite` (a block, or one statement line) is exactly `return True`/`return False`."""
    if isinstance(suite, cst.IndentedBlock):
        if len(suite.body) != 1:
            return None
        suite = suite.body[0]
    if not isinstance(suite, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) or len(suite.body) != 1:
        return None
    statement = suite.body[0]
    if not isinstance(statement, cst.Return) or statement.value is None:
        return None
    return bool_literal(statement.value)


def bool_branches(node: cst.If) -> Optional[bool]:
    """What `node` returns when its body and its `else` only return opposite bool literals; else None."""
    orelse = node.orelse
    if not isinstance(orelse, cst.Else):
        return None
    returned = _returned_bool(node.body)
    return returned if returned is not None and _returned_bool(orelse.body) == (not returned) else None


def last_elif(node: cst.If) -> Optional[cst.If]:
    """The last `elif` of `node`'s chain, if it has one."""
    tail = None
    while isinstance(node.orelse, cst.If):
        tail = node = node.orelse
    return tail


def branches_before(node: cst.If, branch: cst.If) -> list[cst.If]:
    """The `if` and `elif`s of `node`'s chain that come before `branch`, which is one of them."""
    found = []
    while node is not branch:
        found.append(node)
        assert isinstance(node.orelse, cst.If)
        node = node.orelse
    return found


class NeedlessBoolReturn(SimplifyRule):
    """
    ## What it does
    Flags an `if` that only returns `True` or `False`, with an `else` returning the opposite or followed by a
    `return` of the opposite, and offers to return the condition directly. A chain's last `elif` returning
    `True` or `False` with an `else` returning the opposite is flagged too (as ruff's SIM103 does): it
    becomes a `return` after the chain when every branch before it ends in `return`, `raise`, `continue`
    or `break`, and an `else` returning the condition otherwise.

    The condition is returned as is when it is certainly a bool (`not ...`, `is`, `in`, `isinstance(...)`,
    `callable(...)`, ...), as `bool(...)` otherwise, and as `not ...` when the branches are inverted
    (`is` becomes `is not`, `in` becomes `not in`).

    ## Why is this bad?
    Four lines say what one says: the reader has to check both branches to see that the function returns
    the condition's truth.

    ## Example
    ```python
    def is_admin(user):
        if user.role == "admin":
            return True
        return False
    ```

    ## Use instead
    ```python
    def is_admin(user):
        return user.role == "admin"
    ```

    ## Fix safety
    `return bool(c)`, `return not c` and `return c` for a certain bool are safe: they return exactly what the
    `if` returned. Returning a rich comparison (`==`, `<`, ...) directly is unsafe: a type may overload it to
    return something else than a bool (numpy arrays, SQLAlchemy columns), which the `if` turned into
    `True`/`False`. No fix is offered when a comment would be lost or would label something else (one on the
    `elif` line or above it), or when `bool` is rebound in the file. SL113 does not report the `else` (or
    `elif`) of an `if` flagged here: this fix removes it too.
    """

    code = "SL110"
    name = "needless-bool-return"
    silenced_by = ("SIM103",)
    summary = "`if` returning `True`/`False`: return the condition"
    VALID = [
        "def f(x):\n    if x:\n        return True\n    return True\n",
        "def f(x):\n    if x:\n        return 1\n    else:\n        return 0\n",
        "def f(x, y):\n    if x:\n        return True\n    elif y:\n        return False\n    return True\n",
        "def f(x):\n    if x:\n        return True\n    log(x)\n    return False\n",
        "def f(x, y):\n    if x:\n        return True\n    elif y:\n        return True\n"
        "    else:\n        return True\n",
    ]
    INVALID = [
        Invalid(
            "def f(x):\n    if x:\n        return True\n    else:\n        return False\n",
            fixed="def f(x):\n    return bool(x)\n",
            count=1,
            message="Return the condition",
        ),
        Invalid(
            "def f(x, y):\n    # why\n    if x is y:\n        return False\n    return True\n",
            fixed="def f(x, y):\n    # why\n    return x is not y\n",
        ),
        Invalid(
            "@cache\nasync def f(s):\n    if (m := await match(s)):\n        return True\n    return False\n",
            fixed="@cache\nasync def f(s):\n    return bool(m := await match(s))\n",
        ),
        Invalid(
            "def f(a, b):\n    if a == b:\n        return True\n    else:\n        return False\n",
            fixed="def f(a, b):\n    return a == b\n",
        ),
        Invalid(
            "def f(x, y):\n    if not (x or y):\n        return False\n    return True\n",
            fixed="def f(x, y):\n    return bool(x or y)\n",
        ),
        Invalid(
            "def f(p):\n    match p:\n        case [x]:\n            if isinstance(x, int):\n"
            "                return True\n            return False\n",
            fixed="def f(p):\n    match p:\n        case [x]:\n            return isinstance(x, int)\n",
        ),
        # A comment would be lost: reported, not fixed.
        Invalid("def f(x):\n    if x:  # cached\n        return True\n    return False\n", fixed=None),
        Invalid("bool = int\ndef f(x):\n    if x:\n        return True\n    return False\n", fixed=None),
        Invalid(
            "def f(x, y):\n    if x:\n        raise E\n    elif y:\n        return True\n"
            "    else:\n        return False\n",
            fixed="def f(x, y):\n    if x:\n        raise E\n    return bool(y)\n",
            count=1,
        ),
        Invalid(
            "def f(x, y):\n    if x:\n        y = g(x)\n    elif y is None:\n        return False\n    else:\n"
            "        return True\n    return y\n",
            fixed="def f(x, y):\n    if x:\n        y = g(x)\n    else:\n        return y is not None\n    return y\n",
        ),
        Invalid(
            "def f(x, y):\n    if x:\n        return 1\n    elif y:  # set\n        return True\n    else:\n"
            "        return False\n",
            fixed=None,
        ),
    ]

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        for index, statement in enumerate(node.body):
            if isinstance(statement, cst.If):
                self._check(node, index, statement)

    def _check(self, block: cst.IndentedBlock, index: int, statement: cst.If) -> None:
        tail = last_elif(statement)
        if tail is not None:
            returned = bool_branches(tail)
            if returned is not None:
                fix = self._elif_fix(statement, tail, returned)
                self.report(tail, "Return the condition directly, not `True`/`False` through `elif`", fix)
            return
        returned = _returned_bool(statement.body)
        if returned is None:
            return
        following: Optional[cst.BaseStatement] = None
        if statement.orelse is None:
            following = block.body[index + 1] if index + 1 < len(block.body) else None
            other = _returned_bool(following)
        else:
            other = _returned_bool(statement.orelse.body)
        if other is None or other == returned:
            return
        fix = self._fix(block, index, statement, following, returned)
        self.report(statement, "Return the condition directly, not `True`/`False` through `if`", fix)

    def _returned(self, test: cst.BaseExpression, returned: bool) -> Optional[tuple[cst.SimpleStatementLine, bool]]:
        """(`return <the condition's truth>`, whether that is unsafe); None if `bool` is shadowed."""
        made = bool_value(test, returned, self.context)
        if made is None:
            return None
        value, unsafe = made
        return cst.SimpleStatementLine([cst.Return(wrap(value, LAMBDA))]), unsafe

    def _elif_fix(self, statement: cst.If, tail: cst.If, returned: bool) -> Optional[NodeFix]:
        made = self._returned(tail.test, returned)
        if made is None or keyword_comment(tail):
            return None
        line, unsafe = made
        message = f"Replace with `{short(line)}`"
        before = branches_before(statement, tail)
        if any(terminator(branch.body) is None for branch in before):
            # A branch falls through to the code after the chain: only the `elif` can go.
            replacement = cst.Else(cst.IndentedBlock([line]), leading_lines=tail.leading_lines)
            return NodeFix(tail, replacement, message, unsafe)
        # No branch falls through: the `return` can follow the chain, which ends before the `elif`.
        chain: Optional[cst.If] = None
        for branch in reversed(before):
            chain = branch.with_changes(orelse=chain)
        assert chain is not None
        line = line.with_changes(leading_lines=tail.leading_lines)
        return NodeFix(statement, cst.FlattenSentinel([chain, line]), message, unsafe)

    def _fix(
        self,
        block: cst.IndentedBlock,
        index: int,
        statement: cst.If,
        following: Optional[cst.BaseStatement],
        returned: bool,
    ) -> Optional[NodeFix]:
        made = self._returned(statement.test, returned)
        if made is None:
            return None
        line, unsafe = made
        line = line.with_changes(leading_lines=statement.leading_lines)
        message = f"Replace with `{short(line)}`"
        if following is None:
            return NodeFix(statement, line, message, unsafe)
        body = [*block.body[:index], line, *block.body[index + 2 :]]
        return NodeFix(block, block.with_changes(body=body), message, unsafe)


def _comparisons(node: cst.Comparison) -> Iterator[tuple[cst.BaseExpression, cst.ComparisonTarget]]:
    """(left operand, target) for each operator of a possibly chained comparison."""
    left = node.left
    for target in node.comparisons:
        yield left, target
        left = target.comparator


def _spaced(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """A keyword operator needs a space where `==` needed none (`x==None` -> `x is None`)."""
    if isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value:
        return cst.SimpleWhitespace(" ")
    return whitespace


def identity_operator(operator: Union[cst.Equal, cst.NotEqual]) -> cst.BaseCompOp:
    before, after = _spaced(operator.whitespace_before), _spaced(operator.whitespace_after)
    if isinstance(operator, cst.Equal):
        return cst.Is(whitespace_before=before, whitespace_after=after)
    return cst.IsNot(whitespace_before=before, whitespace_between=cst.SimpleWhitespace(" "), whitespace_after=after)


class CompareToNone(SimplifyRule):
    """
    ## What it does
    Flags comparisons to `None` with `==` or `!=` (pycodestyle's E711).

    ## Why is this bad?
    `None` is a singleton: `is None` asks the question directly, cannot be fooled by a type's `__eq__`, and is
    what every Python reader expects.

    ## Example
    ```python
    if value == None:
        ...
    ```

    ## Use instead
    ```python
    if value is None:
        ...
    ```

    ## Fix safety
    Unsafe: `==` calls the left operand's `__eq__`, which may mean something else. SQLAlchemy's
    `Column == None` builds an `IS NULL` clause and `column is None` is simply `False`; numpy and pandas
    compare element-wise. Review each fix where such types are compared. No fix is offered when `None` is the
    left operand (`None != x`): the comparison then runs the right operand's `__ne__`, which is usually the
    point (a test of `pytest.approx`'s own `!=`).
    """

    code = "SL111"
    name = "compare-to-none"
    silenced_by = ("E711",)
    summary = "Comparison to `None` with `==`/`!=`"
    VALID = ["if x is None:\n    pass\n", "y = x is not None\n", "if x == 'None':\n    pass\n"]
    INVALID = [
        Invalid("if x == None:\n    pass\n", fixed="if x is None:\n    pass\n", count=1, message="`None`"),
        Invalid("ok = (a !=None) and b\n", fixed="ok = (a is not None) and b\n"),
        Invalid("same = a == None == b\n", fixed="same = a is None == b\n", count=2),  # `None == b`: b's `__eq__`
        Invalid(
            "ok = (value  # the value\n      == None)\n", fixed="ok = (value  # the value\n      is None)\n"
        ),
        Invalid("if (n := f()) != None:\n    pass\n", fixed="if (n := f()) is not None:\n    pass\n"),
        Invalid("assert None != approx(1.0)\n", fixed=None, count=1),  # approx's own `__ne__` is under test
    ]

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for left, target in _comparisons(node):
            operator = target.operator
            if not isinstance(operator, (cst.Equal, cst.NotEqual)):
                continue
            if is_name(left, "None") or is_name(target.comparator, "None"):
                wanted = "is" if isinstance(operator, cst.Equal) else "is not"
                fix: Optional[NodeFix] = NodeFix(operator, identity_operator(operator), f"Use `{wanted}`", unsafe=True)
                if not is_name(target.comparator, "None"):
                    fix = None  # `None != x` asks x's own `__ne__`
                self.report(node, f"Comparison to `None` with `{code_of(operator).strip()}`: use `{wanted}`", fix)


class CompareToBool(SimplifyRule):
    """
    ## What it does
    Flags comparisons to `True` or `False` with `==` or `!=` (pycodestyle's E712), and offers to use the value
    itself or `not` it.

    ## Why is this bad?
    `if ready == True:` says `if ready:` with more words, and it is easy to misread `!= False`.

    ## Example
    ```python
    if ready == True and failed != True:
        ...
    ```

    ## Use instead
    ```python
    if ready and not failed:
        ...
    ```

    ## Fix safety
    Unsafe: `x == True` is `False` for `x = 2` while `x` is truthy, and `x == True` is a bool while `x` may be
    any object (`flag = x == True` changes the value stored). Types that overload `==` (numpy, pandas:
    `df[df.done == False]`) break when given `not`. The fix is only offered for a comparison with a single
    operator, and not when the literal is the left operand (`True == x` asks x's own `__eq__`, which is
    usually the point: a test of `pytest.approx(True)`).
    """

    code = "SL112"
    name = "compare-to-bool"
    silenced_by = ("E712",)
    summary = "Comparison to `True`/`False` with `==`/`!=`"
    VALID = ["if ready:\n    pass\n", "if x is True:\n    pass\n", "if x == 'True':\n    pass\n"]
    INVALID = [
        Invalid("if ready == True:\n    pass\n", fixed="if ready:\n    pass\n", count=1, message="`True`"),
        Invalid("if x != True:\n    pass\n", fixed="if not x:\n    pass\n"),
        Invalid("ok = (a or b) == False\n", fixed="ok = not (a or b)\n"),
        Invalid("ok = (a in b) == False\n", fixed="ok = (a not in b)\n"),
        Invalid("y = f(x != False)\n", fixed="y = f(x)\n"),
        Invalid("assert True == approx(True)\n", fixed=None, count=1),  # approx's own `__eq__` is under test
        Invalid("ok = a == True == b\n", fixed=None),
        Invalid("ok = (x  # a flag\n      == True)\n", fixed=None),
    ]

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for left, target in _comparisons(node):
            if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
                continue
            literal, other = bool_literal(target.comparator), left
            if literal is None:
                literal, other = bool_literal(left), target.comparator
            if literal is None:
                continue
            positive = literal == isinstance(target.operator, cst.Equal)
            message = f"Comparison to `{literal}` with `{code_of(target.operator).strip()}`: "
            message += "use the value itself" if positive else "use `not`"
            fix = self._fix(node, other, positive) if other is left else None  # `True == x` asks x's `__eq__`
            self.report(node, message, fix)

    def _fix(self, node: cst.Comparison, other: cst.BaseExpression, positive: bool) -> Optional[NodeFix]:
        if len(node.comparisons) != 1:
            return None
        replacement = other if positive else negate(other, self.context)
        return NodeFix(node, in_place(node, replacement), f"Replace with `{short(replacement)}`", unsafe=True)


_TERMINATORS: dict[type, str] = {cst.Return: "return", cst.Raise: "raise", cst.Continue: "continue", cst.Break: "break"}


def terminator(suite: cst.BaseSuite) -> Optional[str]:
    """The keyword that ends `suite` when its last statement is `return`, `raise`, `continue` or `break`."""
    last: cst.CSTNode = suite.body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1]
    return _TERMINATORS.get(type(last))


def keyword_comment(orelse: Union[cst.If, cst.Else]) -> bool:
    """Whether the line of an `elif`/`else`, or the lines LibCST attaches above it, hold a comment.

    Such a comment labels the branch (`else:  # - -` in a table of cases): turning the `elif` into an `if` or
    dedenting the `else` body would keep its text but lose what it labels.
    """
    body = orelse.body
    assert isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite))
    line = body.header if isinstance(body, cst.IndentedBlock) else body.trailing_whitespace
    header = (orelse.test,) if isinstance(orelse, cst.If) else ()
    return has_comment(*orelse.leading_lines, line, *header)


def dedented(orelse: cst.Else) -> Optional[list[cst.BaseStatement]]:
    """The statements of an `else` body (blank lines above `else:` kept); None if a comment would be lost."""
    body = orelse.body
    if isinstance(body, cst.SimpleStatementSuite):
        statements: list[cst.BaseStatement] = [
            cst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)
        ]
    else:
        assert isinstance(body, cst.IndentedBlock)
        if has_comment(*body.footer):
            return None
        statements = list(body.body)
    first = statements[0]
    assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))  # what a block holds
    statements[0] = first.with_changes(leading_lines=[*orelse.leading_lines, *first.leading_lines])
    return statements


def flattened(node: cst.If) -> Optional[list[cst.BaseStatement]]:
    """The `if` chain as flat statements, as far as each branch ends the flow; None if nothing can be done."""
    statements: list[cst.BaseStatement] = []
    current = node
    while current.orelse is not None and terminator(current.body) is not None:
        orelse = current.orelse
        if keyword_comment(orelse):
            return None
        statements.append(current.with_changes(orelse=None))
        if isinstance(orelse, cst.If):
            current = orelse
            continue
        moved = dedented(orelse)
        if moved is not None:
            return statements + moved
        statements[-1] = current  # this `else` keeps a comment: it stays
        return statements if len(statements) > 1 else None
    return statements + [current]


class SuperfluousElse(SimplifyRule):
    """
    ## What it does
    Flags an `else` or `elif` after an `if` branch that ends in `return`, `raise`, `continue` or `break`
    (flake8-return's RET505-RET508, pylint's no-else-return and friends). The fix removes the `else` and
    dedents its body, or turns the `elif` into a new `if`, for the whole `if`/`elif` chain at once as far
    as each branch ends the flow.

    ## Why is this bad?
    The branch never falls through, so the `else` only adds a level of indentation and makes the reader look
    for a path that does not exist. Early exits read best flat.

    ## Example
    ```python
    def sign(x):
        if x < 0:
            return -1
        else:
            return 1
    ```

    ## Use instead
    ```python
    def sign(x):
        if x < 0:
            return -1
        return 1
    ```

    ## Fix safety
    Safe: the code after the `if` only runs when the branch was not taken, exactly as the `else` did.
    No fix is offered when an `else`/`elif` to remove has a comment on its line or on the lines just above
    it (the comment labels the branch, as in a commented table of cases, and would end up labelling
    something else); when the `else` block ends in a comment that could not keep its place, the chain is
    flattened up to that `else`, which stays.
    """

    code = "SL113"
    name = "superfluous-else"
    silenced_by = ("RET505", "RET506", "RET507", "RET508")
    summary = "`else`/`elif` after `return`, `raise`, `continue` or `break`"
    VALID = [
        "def f(x):\n    if x:\n        return 1\n    return 2\n",
        "def f(x):\n    if x:\n        y = 1\n    else:\n        y = 2\n    return y\n",
        "def f(x, y):\n    if x:\n        a = 1\n    elif y:\n        return 2\n    else:\n        return 3\n",
        "for x in y:\n    try:\n        break\n    except E:\n        continue\n    else:\n        pass\n",
    ]
    INVALID = [
        Invalid(
            "def f(x):\n    if x:\n        return 1\n    else:\n        return 2\n",
            fixed="def f(x):\n    if x:\n        return 1\n    return 2\n",
            count=1,
            message="Unnecessary `else` after `return`",
        ),
        Invalid(
            "for x in xs:\n    if x:\n        continue\n\n    else:\n        f(x)\n"
            "        g(\n            x,\n        )\n",
            fixed="for x in xs:\n    if x:\n        continue\n\n    f(x)\n    g(\n        x,\n    )\n",
        ),
        Invalid(
            "def f(x):\n    if x < 0:\n        raise ValueError(x)\n    elif x == 0:\n        return 0\n"
            "    else:\n        return 1\n",
            fixed="def f(x):\n    if x < 0:\n        raise ValueError(x)\n    if x == 0:\n        return 0\n"
            "    return 1\n",
            message="Unnecessary `elif` after `raise`",
        ),
        Invalid(
            "def f(x):\n    if x < 0:\n        return -1\n    elif x == 0:\n        y = 0\n    else:\n        y = 1\n"
            "    return y\n",
            fixed="def f(x):\n    if x < 0:\n        return -1\n    if x == 0:\n        y = 0\n"
            "    else:\n        y = 1\n    return y\n",
        ),
        Invalid(
            "async def f(q):\n    while True:\n        if await q.empty(): break\n        else: await q.get()\n",
            fixed="async def f(q):\n    while True:\n        if await q.empty(): break\n        await q.get()\n",
        ),
        Invalid(
            'def f(x):\n    if x:\n        return 1\n    else:\n        s = """\n  kept\n"""\n        return s\n',
            fixed='def f(x):\n    if x:\n        return 1\n    s = """\n  kept\n"""\n    return s\n',
        ),
        Invalid(
            "def f(x):\n    if x:\n        return 1\n    else:\n        y = 2\n        # tail\n    return y\n",
            fixed=None,
        ),
        # The comments label the branches: flattening would keep their text, not what they label.
        Invalid(
            "def f(a, b):\n    if a > 0:  # + ?\n        return 1\n    elif b > 0:  # - +\n        return 0\n"
            "    else:  # - -\n        return -1\n",
            fixed=None,
        ),
        Invalid("def f(x):\n    if x:\n        return 1\n    # otherwise\n    else:\n        return 2\n", fixed=None),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self._elifs: set[int] = set()

    def visit_If(self, node: cst.If) -> None:
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            self._elifs.add(id(orelse))
        if orelse is None or id(node) in self._elifs:
            return
        keyword_ = terminator(node.body)
        # An `if`/`else` (or a last `elif`/`else`) returning opposite bools is SL110's, whose fix removes both.
        if keyword_ is None or bool_branches(orelse if isinstance(orelse, cst.If) else node) is not None:
            return
        flat = flattened(node)
        what = "elif" if isinstance(orelse, cst.If) else "else"
        help_ = "Turn the `elif` into an `if`" if what == "elif" else "Remove the `else`"
        fix = None if flat is None else NodeFix(node, cst.FlattenSentinel(flat), help_)
        self.report(orelse, f"Unnecessary `{what}` after `{keyword_}`", fix)


def sole_if(suite: cst.BaseSuite) -> Optional[cst.If]:
    if isinstance(suite, cst.IndentedBlock) and len(suite.body) == 1 and isinstance(suite.body[0], cst.If):
        return suite.body[0]
    return None


def merged(node: cst.If) -> Optional[cst.If]:
    """`node` with the nested `if`s below it (no `else`, no comment in between) joined by `and`."""
    test, current = wrap(node.test, AND), node
    inner = sole_if(current.body)
    while inner is not None and inner.orelse is None:
        body = current.body
        assert isinstance(body, cst.IndentedBlock)
        if has_comment(body.header, *body.footer, *inner.leading_lines):
            break
        test = cst.BooleanOperation(test, cst.And(), wrap(inner.test, AND))
        current, inner = inner, sole_if(inner.body)
    return None if current is node else node.with_changes(test=test, body=current.body)


class CollapsibleIf(SimplifyRule):
    """
    ## What it does
    Flags an `if` (or `elif`) without `else` whose whole body is another `if` without `else`
    (flake8-simplify's SIM102), and offers to merge them into one `if a and b:`.

    Guard blocks are left alone, as ruff's SIM102 leaves them: an outer `if` (or `elif`, or any branch of a
    chain that starts with one) testing `TYPE_CHECKING` (`typing.TYPE_CHECKING`, an alias), anything that
    reads `sys.version_info` or `sys.platform` (through any import alias), `__name__ == "__main__"`, or
    `True`/`False`, and `__debug__` (which ruff's SIM102 merges). Such an `if` marks a section of the file
    (imports for type checkers, code for one Python or one platform, the script's entry point, checks that
    `python -O` drops) that tools and readers look for as a block of its own. An inner guard (`if a:` around
    `if TYPE_CHECKING:`) is still reported, as ruff does.

    ## Why is this bad?
    Each nested `if` costs a level of indentation and makes the reader keep one more condition in mind;
    `and` says the same in one line.

    ## Example
    ```python
    if user:
        if user.is_active:
            greet(user)
    ```

    ## Use instead
    ```python
    if user and user.is_active:
        greet(user)
    ```

    ## Fix safety
    Safe: `and` evaluates the second condition only when the first is true, as the nested `if` did.
    Operands that bind looser than `and` (`or`, `x if c else y`, `:=`, `lambda`) are parenthesised. A nest
    of several `if`s is merged at once, down to the first comment that would be lost; no fix is offered
    when a comment on the outer `if` line or before the inner `if` would be lost.
    """

    code = "SL114"
    name = "collapsible-if"
    silenced_by = ("SIM102",)
    summary = "Nested `if` statements that can be one `if ... and ...`"
    VALID = [
        "if a:\n    if b:\n        f()\n    g()\n",
        "if a:\n    if b:\n        f()\nelse:\n    g()\n",
        "if a:\n    if b:\n        f()\n    else:\n        g()\n",
        "if a:\n    if b:\n        f()\n    elif c:\n        g()\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    if a:\n        import b\n",
        "import sys as s\nif s.platform == 'win32':\n    pass\nelif a:\n    if b:\n        f()\n",
        "if __name__ == '__main__':\n    if a:\n        main()\n",
    ]
    INVALID = [
        Invalid(
            "if a:\n    if b:\n        f()\n", fixed="if a and b:\n    f()\n", count=1, message="single `if`"
        ),
        Invalid(
            "def f():\n    if x or y:\n        if (n := g()):  # n is used below\n            h(n)\n",
            fixed="def f():\n    if (x or y) and (n := g()):  # n is used below\n        h(n)\n",
        ),
        Invalid(
            "if a:\n    pass\nelif b:\n    if c: f()\n",
            fixed="if a:\n    pass\nelif b and c: f()\n",
        ),
        Invalid(
            "if a:\n    if b:\n        if c:\n            f()\n",
            fixed="if a and b and c:\n    f()\n",
            count=2,
        ),
        Invalid(
            "@d\ndef f():\n    if (a and\n            b):\n        if not c:\n            pass\n",
            fixed="@d\ndef f():\n    if (a and\n            b) and not c:\n        pass\n",
        ),
        Invalid("if a:  # when a\n    if b:\n        f()\n", fixed=None),
        Invalid("if a:\n    # when b\n    if b:\n        f()\n", fixed=None),
        Invalid(
            "if a:\n    if b:\n        # when c\n        if c:\n            f()\n",
            fixed="if a and b:\n    # when c\n    if c:\n        f()\n",
            count=2,
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self._heads: dict[int, cst.If] = {}  # each `elif` -> the `if` that starts its chain

    def visit_If(self, node: cst.If) -> None:
        head = self._heads.get(id(node), node)
        if isinstance(node.orelse, cst.If):
            self._heads[id(node.orelse)] = head
        if node.orelse is not None:
            return
        inner = sole_if(node.body)
        if inner is None or inner.orelse is not None:
            return
        # ruff reads `__main__` and literals on the merged `if`, versions and TYPE_CHECKING on the chain's first
        # `if`; both are guards wherever they are.
        if is_guard(node.test, self.context) or is_guard(head.test, self.context):
            return
        joined = merged(node)
        fix = None if joined is None else NodeFix(node, joined, "Merge the conditions with `and`")
        self.report(node, "Use a single `if` instead of nested `if` statements", fix)


def plain_loop(loop: cst.CompFor) -> bool:
    return loop.inner_for_in is None and not loop.ifs and loop.asynchronous is None


def copies_pairs(node: cst.DictComp) -> bool:
    """`{k: v for k, v in pairs}`."""
    target = node.for_in.target
    if not isinstance(target, cst.Tuple) or len(target.elements) != 2:
        return False
    first, second = (element.value for element in target.elements)
    if not (isinstance(first, cst.Name) and isinstance(second, cst.Name)) or first.value == second.value:
        return False
    return is_name(node.key, first.value) and is_name(node.value, second.value)


class UnnecessaryComprehension(SimplifyRule):
    """
    ## What it does
    Flags comprehensions that only copy their iterable: `[x for x in y]`, `{x for x in y}` and
    `{k: v for k, v in pairs}` (flake8-comprehensions' C416), and offers `list(y)`, `set(y)`, `dict(pairs)`.

    ## Why is this bad?
    The constructor says "copy" at a glance; the comprehension makes the reader check that nothing is
    transformed or filtered.

    ## Example
    ```python
    names = [name for name in load_names()]
    index = {key: value for key, value in pairs}
    ```

    ## Use instead
    ```python
    names = list(load_names())
    index = dict(pairs)
    ```

    ## Fix safety
    Unsafe, as in ruff. `{k: v for k, v in d}` unpacks the *keys* of a mapping `d` while `dict(d)` copies
    it (`{(1, 2): 3}` gives `{1: 2}` against `{(1, 2): 3}`). `set(y)` copies a `set` subclass without its
    `__iter__`, and `list(y)` asks `y.__len__` for a size hint, so unusual types can tell the difference.
    Not reported when the builtin is rebound in the file; no fix when a comment would be lost, nor for
    `[x for x in self]` (`list(self)` calls `self.__len__`, which may be written with this comprehension).
    """

    code = "SL115"
    name = "unnecessary-comprehension"
    silenced_by = ("C416",)
    summary = "Comprehension that only copies its iterable"
    VALID = [
        "a = [x + 1 for x in y]\n",
        "a = [x for x in y if x]\n",
        "a = [x for x in y for z in x]\n",
        "async def f():\n    return [x async for x in y]\n",
        "a = {v: k for k, v in d.items()}\n",
        "a = [(k, v) for k, v in pairs]\n",
        "list = dict\na = [x for x in y]\n",
    ]
    INVALID = [
        Invalid("a = [x for x in y]\n", fixed="a = list(y)\n", count=1, message="`list`"),
        Invalid("a = {x for x in (1, 2)}\n", fixed="a = set((1, 2))\n"),
        Invalid("a = {k: v for k, v in d.items()}\n", fixed="a = dict(d.items())\n"),
        Invalid("def f():\n    n = len([c for c in (yield)])\n", fixed="def f():\n    n = len(list((yield)))\n"),
        Invalid(
            "async def f():\n    return [x for x in await g()]\n", fixed="async def f():\n    return list(await g())\n"
        ),
        Invalid("a = [\n    x  # every x\n    for x in y\n]\n", fixed=None),
        Invalid("class C:\n    def __len__(self):\n        return len([x for x in self])\n", fixed=None),
    ]

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._check_copy(node, "list")

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._check_copy(node, "set")

    def visit_DictComp(self, node: cst.DictComp) -> None:
        if plain_loop(node.for_in) and copies_pairs(node):
            self._report(node, "dict")

    def _check_copy(self, node: Union[cst.ListComp, cst.SetComp], kind: str) -> None:
        target = node.for_in.target
        if plain_loop(node.for_in) and isinstance(target, cst.Name) and is_name(node.elt, target.value):
            self._report(node, kind)

    def _report(self, node: Union[cst.ListComp, cst.SetComp, cst.DictComp], kind: str) -> None:
        if not is_builtin(self.context, kind):
            return
        fix = None
        if not is_name(node.for_in.iter, "self"):
            replacement = in_place(node, call(kind, node.for_in.iter))
            fix = NodeFix(node, replacement, f"Rewrite using `{kind}()`", unsafe=True)
        self.report(node, f"Unnecessary `{kind}` comprehension: rewrite using `{kind}()`", fix)


def keys_receiver(expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """`d` for `d.keys()` (not `self.keys()`, which is usually how `__contains__` is written)."""
    if not isinstance(expr, cst.Call) or expr.args:
        return None
    function = expr.func
    if not isinstance(function, cst.Attribute) or function.attr.value != "keys" or is_name(function.value, "self"):
        return None
    return function.value


def keys_checked(scope: cst.CSTNode) -> frozenset[str]:
    """The objects (as code) that `hasattr(obj, "keys")` or `getattr(obj, "keys", ...)` asks about in `scope`."""
    found = set()
    for node in walk(scope):
        if not isinstance(node, cst.Call) or len(node.args) < 2:
            continue
        if is_name(node.func, "hasattr") or is_name(node.func, "getattr"):
            attribute = node.args[1].value
            if isinstance(attribute, cst.SimpleString) and attribute.evaluated_value == "keys":
                found.add(code_of(without_parens(node.args[0].value)))
    return frozenset(found)


class InDictKeys(_Scoped):
    """
    ## What it does
    Flags `key in d.keys()` and `key not in d.keys()` (flake8-simplify's SIM118), and iterating over
    `d.keys()` in a `for` loop or a comprehension when `d` is known to be a dict: a dict display or
    comprehension, a call of `dict` (or `collections.OrderedDict`, `defaultdict`, `Counter`), `**kwargs`, a
    parameter annotated `dict[...]`/`typing.Dict`, or a name bound only to such in its scope.

    Not reported for `self.keys()` (how `__contains__` is written), nor when the function asks
    `hasattr(d, "keys")` or `getattr(d, "keys", ...)`: that is the mapping protocol (`dict.update`'s), where
    an object with `keys()` is read through `keys()` and `__getitem__`, and iterating the object itself
    means something else (its `__getitem__` by index, a sequence of pairs). Iterating `d.keys()` of an
    object not known to be a dict is not reported either, for the same reason.

    ## Why is this bad?
    A dict is already a container and an iterable of its keys; `.keys()` adds a call and a view object
    and says nothing more.

    ## Example
    ```python
    def merge(settings: dict[str, str], defaults):
        for name in settings.keys():
            if name in defaults.keys():
                ...
    ```

    ## Use instead
    ```python
    def merge(settings: dict[str, str], defaults):
        for name in settings:
            if name in defaults:
                ...
    ```

    ## Fix safety
    Safe when `d` is known to be a dict. Otherwise (a membership test) unsafe: the receiver may be something
    else than a mapping whose `keys()` agrees with its own `in` (a pandas DataFrame's `in` looks at its
    columns as `keys()` does, but a class may define `keys()` and `__contains__` apart, or no `__contains__`
    at all, and then `in` iterates it).
    """

    code = "SL116"
    name = "in-dict-keys"
    silenced_by = ("SIM118",)
    summary = "`key in d.keys()` or iterating a dict's `.keys()`"
    VALID = [
        "for k in d:\n    pass\n",
        "ks = d.keys()\n",
        "class M:\n    def __contains__(self, k):\n        return k in self.keys()\n",
        "ok = k in d.keys(1)\n",
        "def f(d):\n    for k in d.keys():\n        pass\n",
        "ks = {k for k in self.d.keys()}\n",
        "def f(d, k):\n    if hasattr(d, 'keys'):\n        return k in d.keys()\n",
        "def f(d: dict):\n    if hasattr(d, 'keys'):\n        return [k for k in d.keys()]\n",
    ]
    INVALID = [
        Invalid(
            "d = {}\nfor k in d.keys():\n    pass\n",
            fixed="d = {}\nfor k in d:\n    pass\n",
            count=1,
            message="Iterate over `d` directly",
        ),
        Invalid("ok = k not in (a or b).keys()\n", fixed="ok = k not in (a or b)\n", message="`key not in dict`"),
        Invalid(
            "def f(d: dict[str, int], **kw):\n    return {k for k in d.keys()}, [k for k in kw.keys()]\n",
            fixed="def f(d: dict[str, int], **kw):\n    return {k for k in d}, [k for k in kw]\n",
            count=2,
        ),
        Invalid("ok = k in (d.keys())\n", fixed="ok = k in (d)\n"),
        Invalid("ok = k in d.keys(  # all of them\n)\n", fixed=None),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self._checked: dict[int, frozenset[str]] = {}

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check_loop(node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is None:
            self._check_loop(node.iter)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        operator = node.comparisons[0].operator
        if len(node.comparisons) != 1 or not isinstance(operator, (cst.In, cst.NotIn)):
            return
        expr = node.comparisons[0].comparator
        receiver = self._receiver(expr)
        if receiver is not None:
            wanted = "not in" if isinstance(operator, cst.NotIn) else "in"
            fix = NodeFix(expr, in_place(expr, receiver), "Remove `.keys()`", unsafe=not self._is_dict(receiver))
            self.report(expr, f"Use `key {wanted} dict` instead of `key {wanted} dict.keys()`", fix)

    def _check_loop(self, expr: cst.BaseExpression) -> None:
        receiver = self._receiver(expr)
        if receiver is not None and self._is_dict(receiver):
            name = short(receiver)
            fix = NodeFix(expr, in_place(expr, receiver), "Remove `.keys()`")
            self.report(expr, f"Iterate over `{name}` directly instead of `{name}.keys()`", fix)

    def _receiver(self, expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """`d` for `d.keys()`, unless the scope asks whether `d` has `keys` (the mapping protocol)."""
        receiver = keys_receiver(expr)
        if receiver is None:
            return None
        scope = self.scopes[-1]
        checked = self._checked.get(id(scope))
        if checked is None:
            checked = self._checked[id(scope)] = keys_checked(scope)
        return None if code_of(without_parens(receiver)) in checked else receiver

    def _is_dict(self, receiver: cst.BaseExpression) -> bool:
        return self.collection_types(receiver) == frozenset({"dict"})


class BoolTernary(SimplifyRule):
    """
    ## What it does
    Flags `True if c else False` and `False if c else True` (flake8-simplify's SIM210 and SIM211), and offers
    `bool(c)` (or `c` itself when it is certainly a bool) and `not c`.

    ## Why is this bad?
    The conditional expression spells out a conversion that `bool()` or `not` names.

    ## Example
    ```python
    has_items = True if items else False
    is_empty = False if items else True
    ```

    ## Use instead
    ```python
    has_items = bool(items)
    is_empty = not items
    ```

    ## Fix safety
    `bool(c)`, `not c` and `c` for a certain bool (`is`, `in`, `not`, `isinstance(...)`) are safe. Keeping a
    rich comparison (`a == b`) as is is unsafe: a type may overload `==` to return a non-bool (numpy,
    SQLAlchemy). No fix when `bool` is rebound in the file or a comment would be lost.
    """

    code = "SL117"
    name = "bool-ternary"
    silenced_by = ("SIM210", "SIM211")
    summary = "`True if c else False`: use `bool(c)`"
    VALID = ["a = 1 if c else 0\n", "a = True if c else True\n", "a = c or False\n"]
    INVALID = [
        Invalid("a = True if c else False\n", fixed="a = bool(c)\n", count=1, message="`bool(c)`"),
        Invalid("a = False if c else True\n", fixed="a = not c\n", message="`not c`"),
        Invalid("a = True if x in y else False\n", fixed="a = x in y\n"),
        Invalid("a = (False if x is None else True) or z\n", fixed="a = (x is not None) or z\n"),
        Invalid("a = False if x or y else True\n", fixed="a = not (x or y)\n"),
        Invalid("a = f(True if (n := g()) else False)\n", fixed="a = f(bool(n := g()))\n"),
        Invalid("a = True if a == b else False\n", fixed="a = a == b\n"),
    ]

    def visit_IfExp(self, node: cst.IfExp) -> None:
        body, orelse = bool_literal(node.body), bool_literal(node.orelse)
        if body is None or orelse is None or body == orelse:
            return
        made = bool_value(node.test, body, self.context)
        fix = None
        if made is not None:
            value, unsafe = made
            fix = NodeFix(node, in_place(node, value), f"Replace with `{short(value)}`", unsafe)
        message = "Use `bool(c)` instead of `True if c else False`"
        if not body:
            message = "Use `not c` instead of `False if c else True`"
        self.report(node, message, fix)


class _TruthTested(SimplifyRule):
    """Base of rules that need to know which expressions are only tested for truth."""

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.tested: set[int] = set()

    def visit_If(self, node: cst.If) -> None:
        self._mark(node.test)

    def visit_While(self, node: cst.While) -> None:
        self._mark(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._mark(node.test)

    def visit_Assert(self, node: cst.Assert) -> None:
        self._mark(node.test)

    def visit_CompIf(self, node: cst.CompIf) -> None:
        self._mark(node.test)

    def visit_MatchCase(self, node: cst.MatchCase) -> None:
        if node.guard is not None:
            self._mark(node.guard)

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if is_not(node):
            self._mark(node.expression)

    def visit_Call(self, node: cst.Call) -> None:
        if is_name(node.func, "bool") and len(node.args) == 1 and is_builtin(self.context, "bool"):
            argument = node.args[0]
            if argument.keyword is None and not argument.star:
                self._mark(argument.value)

    def _mark(self, expr: cst.BaseExpression) -> None:
        # Operands of `and`/`or` in a test are tested too (the whole value is only tested for truth).
        stack = [expr]
        while stack:
            current = stack.pop()
            self.tested.add(id(current))
            if isinstance(current, cst.BooleanOperation):
                stack.extend((current.left, current.right))


def len_argument(node: cst.BaseExpression, context: FileContext) -> Optional[cst.BaseExpression]:
    """`x` for the builtin `len(x)`; not `len(self)`, which `__bool__` and `__iter__` may rely on."""
    if not isinstance(node, cst.Call) or not is_name(node.func, "len") or len(node.args) != 1:
        return None
    argument = node.args[0]
    if argument.keyword is not None or argument.star or not is_builtin(context, "len"):
        return None
    return None if is_name(argument.value, "self") else argument.value


class LenTest(_TruthTested, _Scoped):
    """
    ## What it does
    Flags `len(x)` used as a truth value (in `if`, `while`, `assert`, a conditional expression, a
    comprehension's `if`, a `match` guard, under `not` or `bool()`, or as an operand of `and`/`or` there)
    when `x` is certainly a builtin collection (pylint's C1802 use-implicit-booleaness-not-len, ruff's
    PLC1802): a display or comprehension, a string, a call of `list`, `dict`, `set`, `tuple`, `str`,
    `sorted`, ... , a `*args`/`**kwargs`, a parameter or a variable annotated as one (`list[int]`,
    `typing.Dict`, not with a `None` default), or a name every binding of which in its scope (function,
    class body or module) is one of these.

    Comparisons (`len(x) == 0`, `len(x) > 0`) are not flagged: they say "the length is 0" as plainly, and
    they are what works for objects whose truth is not their length (numpy arrays, pandas frames, the
    object under test in `assert len(cache) == 0`). Nor is `len(x)` of anything not known to be a builtin
    collection.

    ## Why is this bad?
    Empty collections are false and others true: `while queue:` says "while there is something queued"
    directly, without counting.

    ## Example
    ```python
    def drain(queue: list[Job]) -> None:
        while len(queue):
            run(queue.pop())
    ```

    ## Use instead
    ```python
    def drain(queue: list[Job]) -> None:
        while queue:
            run(queue.pop())
    ```

    ## Fix safety
    Safe: the truth of a builtin collection is its length being non-zero, and it is evaluated once either
    way. No fix when a comment would be lost. Not reported when `len` is rebound in the file.
    """

    code = "SL118"
    name = "len-test"
    silenced_by = ("PLC1802",)
    summary = "`len(x)` of a builtin collection tested as a condition"
    VALID = [
        "n = len(x)\n",
        "items = [1]\nok = len(items) == 0\n",
        "items = [1]\nif len(items) > 0:\n    pass\n",
        "def f(rows):\n    if len(rows):\n        pass\n",
        "import numpy as np\narr = np.array(x)\nif len(arr):\n    pass\n",
        "def f(items: list = None):\n    if len(items):\n        pass\n",
        "def f(x):\n    items: list[int] = None\n    if len(items):\n        pass\n",
        "def f():\n    found = []\n    found = load()\n    while len(found):\n        found.pop()\n",
        "rows = []\ndef f():\n    return not len(rows)\n",
        "len = str\nif len([1]):\n    pass\n",
        "class C:\n    def __bool__(self):\n        return bool(len(self))\n",
    ]
    INVALID = [
        Invalid("x = [1]\nif len(x):\n    pass\n", fixed="x = [1]\nif x:\n    pass\n", count=1, message="use `x`"),
        Invalid(
            "def f(queue: list[int]):\n    while len(queue):\n        queue.pop()\n",
            fixed="def f(queue: list[int]):\n    while queue:\n        queue.pop()\n",
        ),
        Invalid(
            "def f(a, *b):\n    if a and not len(b):\n        pass\n",
            fixed="def f(a, *b):\n    if a and not b:\n        pass\n",
        ),
        Invalid(
            "from typing import Dict\ndef f(d: Dict[str, int], **kw):\n    return bool(len(d)), 1 if len(kw) else 2\n",
            fixed="from typing import Dict\ndef f(d: Dict[str, int], **kw):\n    return bool(d), 1 if kw else 2\n",
            count=2,
        ),
        Invalid(
            "def f(x):\n    seen = set()\n    if x:\n        seen = {x}\n    assert len(seen) or len(sorted(x))\n",
            fixed="def f(x):\n    seen = set()\n    if x:\n        seen = {x}\n    assert seen or sorted(x)\n",
        ),
        Invalid(
            "def f(line: str):\n    fields: list[str] = line.split()\n    if not len(fields):\n        pass\n",
            fixed="def f(line: str):\n    fields: list[str] = line.split()\n    if not fields:\n        pass\n",
        ),
        Invalid("names = [\n    1,\n]\nif len(names  # all of them\n       ):\n    pass\n", fixed=None),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        if id(node) not in self.tested:
            return
        argument = len_argument(node, self.context)
        if argument is None or self.collection_types(argument) is None:
            return
        replacement = in_place(node, wrap(argument, PRIMARY))
        fix = NodeFix(node, replacement, f"Replace with `{short(replacement)}`")
        self.report(node, f"`{short(node)}` as a condition: use `{short(argument)}`", fix)


def range_len_loop(node: cst.For, context: FileContext) -> Optional[tuple[str, cst.BaseExpression]]:
    """(index name, sequence) for `for i in range(len(seq)):`."""
    if node.asynchronous is not None or not isinstance(node.target, cst.Name):
        return None
    iterator = node.iter
    if not isinstance(iterator, cst.Call) or not is_name(iterator.func, "range") or len(iterator.args) != 1:
        return None
    argument = iterator.args[0]
    if argument.keyword is not None or argument.star or not is_builtin(context, "range"):
        return None
    sequence = len_argument(argument.value, context)
    return None if sequence is None else (node.target.value, sequence)


def index_uses(body: cst.CSTNode, index: str, sequence: cst.BaseExpression) -> list[cst.Subscript]:
    """The `sequence[index]` subscripts under `body`."""
    wanted = code_of(without_parens(sequence))
    found = []
    for node in walk(body):
        if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
            continue
        part = node.slice[0].slice
        indexed = isinstance(part, cst.Index) and part.star is None and is_name(part.value, index)
        if indexed and code_of(without_parens(node.value)) == wanted:
            found.append(node)
    return found


def store_targets(body: cst.CSTNode) -> set[int]:
    """Ids of the expressions assigned or deleted under `body` (tuple targets unpacked)."""
    targets: list[cst.CSTNode] = []
    for node in walk(body):
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del, cst.For, cst.CompFor)):
            targets.append(node.target)
        elif isinstance(node, cst.AsName):
            targets.append(node.name)
    found = set()
    for target in walk(*targets):
        found.add(id(target))
    return found


def count_names(root: cst.CSTNode, value: str) -> int:
    return sum(1 for node in walk(root) if is_name(node, value))


def singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss") and len(name) > 2:
        return name[:-1]
    return ""


class RangeLenIndex(_Scoped):
    """
    ## What it does
    Flags `for i in range(len(seq)):` loops whose body indexes `seq[i]` (pylint's consider-using-enumerate).
    When `i` is used for nothing else, the fix iterates over `seq` directly and names the element after
    `seq` (`items` -> `item`), or `item`/`element` when that name is taken. When `i` appears elsewhere in
    the function (read after the loop, as in `break` then `return i`) or `seq[i]` is assigned, the message
    suggests `enumerate(seq)` instead. `range(len(self))` is left alone:
    it is how `__iter__` is written on top of `__getitem__`.

    ## Why is this bad?
    Counting positions to fetch elements is how C loops look; in Python, iterating the sequence (or
    `enumerate(seq)` when the position matters) is shorter and cannot index the wrong list.

    ## Example
    ```python
    for i in range(len(names)):
        print(names[i])
    ```

    ## Use instead
    ```python
    for name in names:
        print(name)
    ```

    ## Fix safety
    Unsafe, and offered only when `seq` is a plain name that appears in the loop only as `seq[i]`, never
    assigned (`seq[i] = ...`) or deleted, `i` appears nowhere else in the function (nor after the loop),
    and the loop is not in a class body. Even then the object decides: a dict with keys `0..n-1` iterates
    its keys, a pandas Series indexes by label, and a body that grows `seq` through another name changes
    what a `for` over it sees while `range(len(seq))` was fixed at the start.
    """

    code = "SL119"
    name = "range-len-index"
    summary = "`for i in range(len(seq))` used to index `seq`"
    VALID = [
        "for i in range(len(xs)):\n    print(i)\n",
        "for i in range(len(xs)):\n    print(ys[i])\n",
        "for i in range(1, len(xs)):\n    print(xs[i])\n",
        "for x in xs:\n    print(x)\n",
        "class C:\n    def __iter__(self):\n        for i in range(len(self)):\n            yield self[i]\n",
    ]
    INVALID = [
        Invalid(
            "def f(names):\n    for i in range(len(names)):\n        print(names[i])\n",
            fixed="def f(names):\n    for name in names:\n        print(name)\n",
            count=1,
            message="iterate over `names`",
        ),
        Invalid(
            "def f(xs, name):\n    for i in range(len(xs)):\n        g(xs[i], name)  # each one\n"
            "    else:\n        pass\n",
            fixed="def f(xs, name):\n    for item in xs:\n        g(item, name)  # each one\n    else:\n        pass\n",
        ),
        Invalid(
            "def f(xs):\n    for i in range(len(xs)):\n        xs[i] = 0\n", fixed=None, message="`enumerate(xs)`"
        ),
        Invalid("def f(xs):\n    for i in range(len(xs)):\n        print(i, xs[i])\n", fixed=None),
        Invalid("def f(xs):\n    for i in range(len(xs)):\n        xs.append(xs[i])\n", fixed=None),
        Invalid(
            "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n    return xs[i]\n",
            fixed=None,
            message="use `enumerate(xs)`",
        ),
        Invalid("def f(o):\n    for i in range(len(o.xs)):\n        print(o.xs[i])\n", fixed=None),
    ]

    def visit_For(self, node: cst.For) -> None:
        loop = range_len_loop(node, self.context)
        if loop is None:
            return
        index, sequence = loop
        uses = index_uses(node.body, index, sequence)
        if not uses:
            return
        name = short(sequence)
        stores = store_targets(node.body)
        # The index elsewhere in the scope may be read after the loop (`break`, then `return i`): only
        # `enumerate` keeps it (another loop reusing the name counts too, where `enumerate` is still right).
        needed = count_names(self.scopes[-1], index) > len(uses) + 1
        if needed or any(id(use) in stores for use in uses):
            self.report(node.iter, f"`{index}` indexes `{name}`: use `enumerate({name})`")
            return
        message = f"`{index}` only reads `{name}[{index}]`: iterate over `{name}` directly"
        fix = self._fix(node, index, sequence, uses) if isinstance(sequence, cst.Name) else None
        self.report(node.iter, message, fix)

    def _fix(self, node: cst.For, index: str, sequence: cst.Name, uses: list[cst.Subscript]) -> Optional[NodeFix]:
        if isinstance(self.scopes[-1], cst.ClassDef) or count_names(node.body, sequence.value) != len(uses):
            return None
        element = fresh_name(self.context, [singular(sequence.value), "item", "element"])
        if element is None:
            return None
        body = node.body.visit(_Swap({id(use): in_place(use, cst.Name(element)) for use in uses}))
        replacement = node.with_changes(
            target=node.target.with_changes(value=element), iter=in_place(node.iter, sequence), body=body
        )
        return NodeFix(node, replacement, f"Iterate over `{sequence.value}`", unsafe=True)


class DoubleNegation(_TruthTested):
    """
    ## What it does
    Flags `not not x` (flake8-simplify's SIM208) and offers `x` where only its truth matters (a condition)
    or where it is certainly a bool, and `bool(x)` elsewhere.

    ## Why is this bad?
    Two negations make the reader count; `bool(x)` names the conversion.

    ## Example
    ```python
    has_name = not not user.name
    if not not ready:
        ...
    ```

    ## Use instead
    ```python
    has_name = bool(user.name)
    if ready:
        ...
    ```

    ## Fix safety
    Safe: `not not x`, `bool(x)` and a test of `x` all call `x.__bool__` (or `__len__`) once and agree. No fix
    when `bool` is rebound in the file (outside conditions) or a comment would be lost.
    """

    code = "SL120"
    name = "double-negation"
    silenced_by = ("SIM208",)
    summary = "`not not x`: use `bool(x)`"
    VALID = ["a = not x\n", "a = not (x and not y)\n", "a = -(-x)\n"]
    INVALID = [
        Invalid("a = not not x\n", fixed="a = bool(x)\n", count=1, message="Double negation"),
        Invalid("if not not x:\n    pass\n", fixed="if x:\n    pass\n"),
        Invalid("a = not (not (x or y))\n", fixed="a = bool(x or y)\n"),
        Invalid("a = not not x is y\n", fixed="a = x is y\n"),
        Invalid("a = 1 + (not not x)\n", fixed="a = 1 + (bool(x))\n"),
        Invalid("bool = int\na = not not x\n", fixed=None),
    ]

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        super().visit_UnaryOperation(node)
        inner = node.expression
        if is_not(node) and is_not(inner):
            assert isinstance(inner, cst.UnaryOperation)
            fix = self._fix(node, inner.expression)
            self.report(node, "Double negation: use `bool(x)`, or `x` in a condition", fix)

    def _fix(self, node: cst.UnaryOperation, value: cst.BaseExpression) -> Optional[NodeFix]:
        if id(node) in self.tested or bool_kind(value, self.context) == BOOL:
            replacement: cst.BaseExpression = wrap(value, NOT)
        elif is_builtin(self.context, "bool"):
            replacement = call("bool", value)
        else:
            return None
        return NodeFix(node, in_place(node, replacement), f"Replace with `{short(replacement)}`")


class TernaryOr(SimplifyRule):
    """
    ## What it does
    Flags `x if x else y` (refurb's FURB110) and offers `x or y`.

    ## Why is this bad?
    `or` already returns its left operand when it is true and its right one otherwise; the conditional
    expression repeats `x` to say the same.

    ## Example
    ```python
    name = user.nickname if user.nickname else user.name
    ```

    ## Use instead
    ```python
    name = user.nickname or user.name
    ```

    ## Fix safety
    Safe when `x` is a plain name. Otherwise unsafe: `x if x else y` evaluates `x` twice when it is true and
    `x or y` once, which differs when `x` has side effects or changes (a call, a property, an iterator's
    `next(it)`).
    """

    code = "SL121"
    name = "ternary-or"
    silenced_by = ("FURB110",)
    summary = "`x if x else y`: use `x or y`"
    VALID = ["a = x if y else z\n", "a = x if not x else y\n", "a = x.y if x else z\n", "a = () if y else (y,)\n"]
    INVALID = [
        Invalid("a = x if x else y\n", fixed="a = x or y\n", count=1, message="`x or y`"),
        Invalid("a = f() if f() else y\n", fixed="a = f() or y\n"),
        Invalid("a = x if (x) else y if z else w\n", fixed="a = x or (y if z else w)\n"),
        Invalid("a = (x if x else lambda: 1)()\n", fixed="a = (x or (lambda: 1))()\n"),
        Invalid("a = () if () else z\n", fixed="a = () or z\n"),
        Invalid("a = (x if x  # maybe\n     else y)\n", fixed=None),
    ]

    def visit_IfExp(self, node: cst.IfExp) -> None:
        body = without_parens(node.body)
        if not body.deep_equals(without_parens(node.test)):
            return
        replacement = cst.BooleanOperation(node.body, cst.Or(), wrap(node.orelse, OR))
        unsafe = not isinstance(body, cst.Name)
        fix = NodeFix(node, in_place(node, replacement), f"Replace with `{short(replacement)}`", unsafe)
        self.report(node, "Use `x or y` instead of `x if x else y`", fix)


RULES = [
    NeedlessBoolReturn,
    CompareToNone,
    CompareToBool,
    SuperfluousElse,
    CollapsibleIf,
    UnnecessaryComprehension,
    InDictKeys,
    BoolTernary,
    LenTest,
    RangeLenIndex,
    DoubleNegation,
    TernaryOr,
]
