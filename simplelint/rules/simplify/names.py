"""What names stand for in a file: bindings, imports, builtins, guards, and per-scope collection types."""

from __future__ import annotations

import ast
import builtins
import keyword
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

import libcst as cst

from simplelint.engine.traversal import children
from simplelint.rule import FileContext, ast_summary, python_ast
from simplelint.rules.naming import imported_names
from simplelint.rules.simplify.base import SimplifyRule, bool_literal, code_of, is_name, walk


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


class Scoped(SimplifyRule):
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
