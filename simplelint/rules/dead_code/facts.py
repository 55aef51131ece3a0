"""SL501/SL502's per-file facts: the functions and classes a file defines, and every name it mentions.

Read from CPython's `ast` (the tree the engine parsed once for every collector that asks). The join asks
"does anything mention this name, outside its own body?", so a reference is a name, not a resolved target:
a `Name`, an attribute, a name an import binds, and the identifiers of short code-like strings (`__all__`,
`getattr(obj, "name")`, `"pkg.mod:func"`, Django's settings). That is vulture's model: it misses a method
that shares its name with a used one, and never reports one that is used through a value of unknown type.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from functools import cache, lru_cache
from typing import Any, Callable, NamedTuple, Optional, Union

from simplelint.ruleinfo import AstFactCollector, FileContext, Rider, node_fields, walk_riders
from simplelint.rules.naming import dotted as _dotted
from simplelint.rules.naming import resolve_relative

# Why a definition counts as used whatever references it (one letter in the facts).
DECORATED = "decorated"  # registered by a decorator: `@app.route(...)`, `@pytest.fixture`, `@register`
DUNDER = "dunder"  # called by Python itself
TEST = "test"  # collected by pytest / unittest, or a pytest hook
PROPERTY = "property"  # read as an attribute, often by templates and serialisers
ABSTRACT = "abstract"  # an interface: `@abstractmethod`, members of a Protocol
OVERLOAD = "overload"  # an `@overload` signature
VISITOR = "visitor"  # `visit_Name`, `do_quit`: called by a dispatcher that builds the name

# Decorators that wrap a function without registering it anywhere: a function decorated only with these is
# as dead as an undecorated one. Any other decorator (`@app.route`, `@register`, `@receiver(...)`) may keep
# the function in a registry, and is taken to.
_PLAIN_DECORATORS = frozenset(
    "staticmethod classmethod contextmanager asynccontextmanager lru_cache cache wraps total_ordering "
    "dataclass final override deprecated unique singledispatch singledispatchmethod".split()
)
_PROPERTIES = frozenset("property cached_property setter getter deleter".split())
_LIFECYCLE = frozenset(
    "setUp tearDown setUpClass tearDownClass setUpModule tearDownModule asyncSetUp asyncTearDown "
    "setup_method teardown_method setup_function teardown_function setup_module teardown_module "
    "setup_class teardown_class setup teardown load_tests setUpTestData".split()
)
_VISITOR = re.compile(r"(visit|leave|depart|do|help|complete|handle|on)_\w")
# The identifiers of a short string that reads like code: `"name"`, `"pkg.mod:func"`, `"a b c"` (namedtuple
# fields), `"x = pkg.mod:main"` (setup.py's entry points). Prose (spaces and punctuation) is left alone.
_CODE_STRING = re.compile(r"[\w.:=, \[\]%{}-]*\Z")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# A string that holds a call, as Flask's `--app "factory:create_app('dev')"` does: its callee's names count.
_CALL_STRING = re.compile(r"\s*([\w.:]+)\(")
# A string that builds names: `"visit_"`, `"clean_%s"`, `f"render_{style}"`, `"get_%s_display"`.
_PREFIX = re.compile(r"([A-Za-z_]\w*?_)(%|\{|\Z)")
# Code inside a string: a template's `{{ obj.method }}` / `{% if x.ready %}`, a doctest's `>>> f(1)`.
_TEMPLATE = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}|^\s*(?:>>>|\.\.\.) (.*)$", re.MULTILINE)
# Calls that list a module's names: what they find there may be used by name.
_LISTING = frozenset(("dir", "vars", "getmembers"))
_CALLS = _LISTING | {"globals", "getattr", "issubclass"}  # the calls `_call` looks at
_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# Where a definition's name starts, after `def` / `class`.
_DEF_NAME = re.compile(rb"(?:async\s+)?(?:def|class)\s+")
_Inside = list[tuple[str, int, bool]]  # the definitions around a node: (name, id of the node, a class)


class _Leave(NamedTuple):
    """On the walk's stack under a definition's children: popped once they are done."""

    name: str
    key: int  # id of the definition's node
    start: int  # where its mentions start in `_Facts.mentions`


def _decorator(node: ast.expr) -> str:
    """`@a.b(...)` -> `a.b`."""
    return _dotted(node.func if isinstance(node, ast.Call) else node)


class DeadCodeFacts(AstFactCollector):
    """The file's functions and classes (with why one is used whatever references it) and the names it
    mentions, counted, for SL501/SL502.

    Facts: `d` definitions `[kind, qualname, line, column, end line, end column, reason, own]` (kind `f` a
    function, `c` a class; `own`: how often its own name is mentioned inside it, which does not count);
    `c` classes `qualname -> [bases, flags]` (bases made absolute through the imports where they can be;
    flags: `m` a metaclass, `s` defines `__init_subclass__` or looks for its subclasses, `a` abstract or a
    Protocol, `g` looks up its attributes by computed names or is a proxy (`__getattr__`), `w` wraps another
    object and delegates to it by the same names); `n` names mentioned -> how often; `p` prefixes strings build names
    from; `g` it calls `globals()`; `s` modules whose names it lists (`from m import *`, `dir(m)`)."""

    name = "dead-code"

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return not context.path.endswith(".pyi")  # a stub's names are its module's

    @classmethod
    def collect(cls, tree: ast.Module, context: FileContext) -> dict[str, Any]:
        if _mentions_only(context):
            mentions = _Mentions(context)
            walk_riders(tree, [mentions])
            return mentions.facts()
        facts = _Facts(context)
        facts.module(tree)
        return facts.facts()

    @classmethod
    def rider(cls, context: FileContext) -> Optional[Rider]:
        return _Mentions(context) if _mentions_only(context) else None


def _mentions_only(context: FileContext) -> bool:
    """A test file read only for facts, when the run checks no test file (the package): nothing in it is
    reported and none of its classes is a checked class's ancestor, so what it mentions is all the join needs
    (and SL301's walk of it can gather that too). Any other file read for facts gives its classes too: a
    checked class's base, and the methods it overrides, may be there."""
    settings = context.settings
    return bool(settings.facts_only) and context.is_test and not settings.tests_checked


class _Mentions(Rider):
    """The names a file mentions, and what else the join needs of a file it reports nothing in."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.module_name = context.module_name or ""
        self.is_package = context.path.replace("\\", "/").rsplit("/", 1)[-1].startswith("__init__.")
        self.prefixes: set[str] = set()
        self.imports: dict[str, str] = {}
        self.globals = False
        self.scanned: set[str] = set()  # modules whose names are listed: star imports, `dir(module)`
        self.listed: list[str] = []  # what `dir(...)` lists, as written (resolved once the imports are known)
        self.mentions: list[str] = []  # names and attributes, in the order of the walk
        # Names imports, match patterns and code-like strings mention: they never count as a definition's own.
        self.other_mentions: list[str] = []
        self.docstrings: set[int] = set()  # ids of the docstrings' nodes (prose, not code)
        self.handlers = {kind: getattr(self, name) for kind, name in _SPECIAL.items()}
        self.handlers.update({ast.Name: self._name, ast.Attribute: self._attribute_name, ast.Constant: self._constant})

    def _name(self, node: ast.Name) -> None:
        if type(node.ctx) is not ast.Store:
            self.mentions.append(node.id)

    def _attribute_name(self, node: ast.Attribute) -> None:
        self.mentions.append(node.attr)

    def _constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, (str, bytes)) and id(node) not in self.docstrings:
            self._string(value)

    def _definition(self, node: Union[_Function, ast.ClassDef, ast.Module]) -> None:
        """Its docstring is prose (its doctests code)."""
        docstring = _docstring(node)
        if docstring is not None:
            self.docstrings.add(id(docstring))
            if ">>>" in docstring.value:
                self._string(docstring.value)  # a doctest's code

    def _alias(self, node: ast.alias) -> None:
        self.other_mentions += node.name.split(".")
        if node.asname:
            self.other_mentions.append(node.asname)

    def _match_class(self, node: ast.MatchClass) -> None:
        self.other_mentions += node.kwd_attrs

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            head = alias.name.split(".")[0]
            self.imports[alias.asname or head] = alias.name if alias.asname else head

    def _import_from(self, node: ast.ImportFrom) -> None:
        if node.module:
            self.other_mentions += node.module.split(".")
        base = self._absolute_module(node.level, node.module or "")
        for alias in node.names if base else ():
            if alias.name == "*":
                self.scanned.add(base)
            else:
                self.imports[alias.asname or alias.name] = f"{base}.{alias.name}"

    def _absolute_module(self, level: int, module: str) -> str:
        return resolve_relative(self.module_name or None, self.is_package, level, module) or ""

    def _absolute(self, dotted: str) -> str:
        """A base class's name through the file's imports: `models.Model` -> `django.db.models.Model`; a name
        the file does not import stays as written (`Base`, `Exception`), prefixed by `.`."""
        head, dot, rest = dotted.partition(".")
        if not head:
            return ""
        imported = self.imports.get(head)
        return imported + dot + rest if imported else "." + dotted

    def _call(self, node: ast.Call) -> None:
        """`globals()`, `dir(module)`, `getattr(self, name)`, `issubclass(x, cls)`; most calls say nothing but
        their names, which the walk counts."""
        function = node.func
        named = function.id if isinstance(function, ast.Name) else ""
        if named in _CALLS or isinstance(function, ast.Attribute) and function.attr in _LISTING:
            self._known_call(_dotted(function), node.args)

    def _known_call(self, called: str, args: list[ast.expr]) -> None:
        if called == "globals":
            self.globals = True
        elif called.rpartition(".")[2] in _LISTING and args:
            self.listed.append(_dotted(args[0]))  # `dir(roles)`: a module's names, looked up by name

    def _string(self, value: Union[str, bytes]) -> None:
        names, prefix = _string_facts(value)
        self.other_mentions += names
        if prefix:
            self.prefixes.add(prefix)

    def facts(self) -> dict[str, Any]:
        for dotted in self.listed:
            listed = self._absolute(dotted)
            if listed and not listed.startswith("."):
                self.scanned.add(listed)
        return {
            "d": self.definitions(),
            "c": self.class_facts(),
            "n": dict(Counter(self.mentions) + Counter(self.other_mentions)),
            "p": sorted(self.prefixes),
            "g": self.globals,
            "s": sorted(self.scanned),
        }

    def definitions(self) -> list[list[Any]]:
        return []

    def class_facts(self) -> dict[str, list[Any]]:
        return {}


class _Facts(_Mentions):
    """A file's definitions too, and how often each is mentioned inside itself."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.defs: list[list[Any]] = []
        self.classes: dict[str, list[Any]] = {}
        self.class_flags: dict[int, str] = {}  # id of a class's node -> flags found inside it ("g", "s")
        self.own: Counter[int] = Counter()
        self.stack: list[Any] = []  # the walk's: nodes, and a `_Leave` under each definition's children
        self.inside: _Inside = []
        self.watched = {"__subclasses__"}  # see `_watch`

    # --- definitions ---------------------------------------------------------------------------------

    def module(self, tree: ast.Module) -> None:
        self._scan(tree)
        self.lines = self.context.source.splitlines()
        self._body(tree.body, "", None)

    def definitions(self) -> list[list[Any]]:
        return self.defs

    def class_facts(self) -> dict[str, list[Any]]:
        return self.classes

    def _body(self, body: list[ast.stmt], prefix: str, owner: Optional[str]) -> None:
        """Definitions at module level and in classes (a function's own functions are part of it), in
        `if`/`try` blocks too (`if sys.version_info ...: def f(): ...`)."""
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._function(node, prefix, owner)
            elif isinstance(node, ast.ClassDef):
                self._class(node, prefix)
            elif isinstance(node, ast.If):
                self._body(node.body, prefix, owner)
                self._body(node.orelse, prefix, owner)
            elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
                for block in (node.body, node.orelse, node.finalbody):  # type: ignore[attr-defined]
                    self._body(block, prefix, owner)
                for handler in node.handlers:  # type: ignore[attr-defined]
                    self._body(handler.body, prefix, owner)

    def _function(self, node: _Function, prefix: str, owner: Optional[str]) -> None:
        self._define("f", node, prefix + node.name, self._function_reason(node, owner))

    def _function_reason(self, node: _Function, owner: Optional[str]) -> str:
        name = node.name
        decorators = [_decorator(d).rpartition(".")[2] for d in node.decorator_list]
        # `_missing_`, `_generate_next_value_`: enum's sunder names are called by Python too.
        sunder = len(name) > 2 and name[0] == name[-1] == "_"
        # `setup(app)` at module level is Sphinx's hook in an extension or conf.py.
        lifecycle = name in _LIFECYCLE and (self.context.is_test or owner is not None or name in ("setup", "teardown"))
        abstract = any(d.startswith("abstract") for d in decorators) or owner is not None and _not_implemented(node)
        checks = (
            (DUNDER, sunder),
            (PROPERTY, any(d in _PROPERTIES for d in decorators)),
            (OVERLOAD, "overload" in decorators),
            (ABSTRACT, abstract),
            (DECORATED, any(d not in _PLAIN_DECORATORS for d in decorators)),
            (TEST, name.startswith("pytest_") or self._collected(name, owner, "test") or lifecycle),
            (VISITOR, bool(_VISITOR.match(name))),
        )
        return next((reason for reason, applies in checks if applies), "")

    def _collected(self, name: str, owner: Optional[str], prefix: str) -> bool:
        """What pytest and unittest collect: `test*` functions in test files, `test*` methods of test
        classes anywhere (unittest finds them in any module the runner loads)."""
        if not name.startswith(prefix):
            return False
        if owner is None:
            return self.context.is_test
        short = owner.rpartition(".")[2]
        return self.context.is_test or short.startswith("Test") or short.endswith(("Test", "Tests", "TestCase"))

    def _class(self, node: ast.ClassDef, prefix: str) -> None:
        qualname = prefix + node.name
        bases = [self._absolute(_dotted(b.value if isinstance(b, ast.Subscript) else b)) for b in node.bases]
        flags = ""
        if any(keyword.arg == "metaclass" for keyword in node.keywords):
            flags += "m"
            if any(_dotted(k.value).rpartition(".")[2] == "ABCMeta" for k in node.keywords):
                flags += "a"
        if any(b.rpartition(".")[2] in ("Protocol", "ABC") for b in bases):
            flags += "a"
        own = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        if any(n.name == "__init_subclass__" for n in own):
            flags += "s"
        if any(n.name == "__getattr__" for n in own):
            flags += "g"  # a proxy: callers use the interface of what it wraps
        flags += "".join(sorted(set(self.class_flags.get(id(node), ""))))
        self.classes[qualname] = [[b for b in bases if b], flags]
        reason = ""
        decorators = [_decorator(d).rpartition(".")[2] for d in node.decorator_list]
        if any(d not in _PLAIN_DECORATORS for d in decorators):
            reason = DECORATED
        elif self.context.is_test and (node.name.startswith("Test") or node.name.endswith(("Test", "Tests"))):
            reason = TEST
        self._define("c", node, qualname, reason)
        self._body(node.body, qualname + ".", qualname)

    def _define(self, kind: str, node: Union[_Function, ast.ClassDef], qualname: str, reason: str) -> None:
        line, column = self._name_position(node)
        self.defs.append([kind, qualname, line, column, line, column + len(node.name), reason, self.own[id(node)]])

    def _name_position(self, node: Union[_Function, ast.ClassDef]) -> tuple[int, int]:
        """1-based line and column (in characters) of the name after `def`/`class`."""
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else b""
        found = _DEF_NAME.match(line, node.col_offset)
        start = found.end() if found else node.col_offset
        return node.lineno, len(line[:start].decode("utf-8", "replace")) + 1

    # --- references ------------------------------------------------------------------------------------

    def _scan(self, tree: ast.Module) -> None:
        """One walk, depth first: imports, the names each node mentions, strings (not docstrings, but their
        doctests), and how often each definition's name is mentioned inside it (`self.own`). Names,
        attributes and constants, most of the nodes, take the short way (this walk is most of SL5's cost);
        mentions go to a list, counted once at the end. A definition's mentions are contiguous in it (a
        `_Leave` marker goes on the stack under its children), so its own count is one `list.count`. The
        short ways are `_Mentions._name`, `_attribute_name` and `_constant` inlined (tests/test_riders.py
        holds the two to the same mentions)."""
        mention, docstrings, string, visit = self.mentions.append, self.docstrings, self._string, self._visit
        stack = self.stack = [tree]
        pop, push, watched = stack.pop, stack.append, self.watched
        Name, Attribute, Constant, Store, texts = ast.Name, ast.Attribute, ast.Constant, ast.Store, (str, bytes)
        while stack:
            node = pop()
            kind = type(node)
            if kind is Name:
                if type(node.ctx) is not Store:
                    mention(node.id)
            elif kind is Attribute:
                mention(node.attr)
                push(node.value)
                if node.attr in watched:
                    self._attribute(node)
            elif kind is not Constant:
                visit(node, kind)
            elif type(node.value) in texts and id(node) not in docstrings:
                string(node.value)

    def _attribute(self, node: ast.Attribute) -> None:
        """`x.__subclasses__`, or `self.wrapped.name` in a method `name`: the class flags it says."""
        if node.attr == "__subclasses__":
            self._mark("s")
        elif _delegates(node, self.inside):
            self._mark("w")

    def _visit(self, node: Any, kind: type) -> None:
        """Any other node: what it says, then its children onto the stack."""
        handler, fields = _dispatch(kind)
        if handler is not None:
            handler(self, node)
        stack = self.stack
        for field in fields:
            value = getattr(node, field)
            if type(value) is list:
                stack.extend(value)
            elif value is not None:
                stack.append(value)

    def _leave(self, node: _Leave) -> None:
        self.inside.pop()
        self._watch()
        self.own[node.key] = self.mentions[node.start :].count(node.name)

    def _watch(self) -> None:
        """The attribute names `_attribute` looks at: `__subclasses__`, and the innermost definition's name."""
        self.watched.clear()
        self.watched.add("__subclasses__")
        if self.inside:
            self.watched.add(self.inside[-1][0])

    def _definition(self, node: Union[_Function, ast.ClassDef, ast.Module]) -> None:
        """Its docstring is prose (its doctests code); a marker to leave it by, under its children."""
        super()._definition(node)
        if not isinstance(node, ast.Module):
            self.inside.append((node.name, id(node), isinstance(node, ast.ClassDef)))
            self._watch()
            self.stack.append(_Leave(node.name, id(node), len(self.mentions)))

    def _known_call(self, called: str, args: list[ast.expr]) -> None:
        super()._known_call(called, args)
        if called == "getattr" and len(args) >= 2 and _dotted(args[0]) in ("self", "cls"):
            if not isinstance(args[1], (ast.Constant, ast.JoinedStr, ast.BinOp)):  # a prefix string says which
                self._mark("g")  # `getattr(self, name)`: any method of the class may be the one
        elif called == "issubclass" and len(args) == 2 and isinstance(args[1], ast.Name):
            self._subclass_check(args[1].id)

    def _subclass_check(self, name: str) -> None:
        """`issubclass(x, cls)` in a class: it looks for its subclasses (Django's AppConfig does)."""
        classes = [inner for inner, _, is_class in self.inside if is_class]
        if classes and name in ("cls", classes[-1]):
            self._mark("s")

    def _mark(self, flag: str) -> None:
        """Flag the innermost class around the node."""
        key = next((key for _, key, is_class in reversed(self.inside) if is_class), None)
        if key is not None:
            self.class_flags[key] = self.class_flags.get(key, "") + flag

# Nodes the walks look at beyond their names and children: the methods that do.
_SPECIAL: dict[type, str] = {
    ast.Import: "_import", ast.ImportFrom: "_import_from", ast.Call: "_call", ast.alias: "_alias",
    ast.MatchClass: "_match_class", ast.FunctionDef: "_definition", ast.AsyncFunctionDef: "_definition",
    ast.ClassDef: "_definition", ast.Module: "_definition",
}  # fmt: skip


@cache
def _dispatch(kind: Any) -> tuple[Optional[Callable[[_Facts, Any], None]], tuple[str, ...]]:
    """A node type's handler in `_Facts`'s walk, if any, and the fields the walk descends into."""
    name = "_leave" if kind is _Leave else _SPECIAL.get(kind)
    return (getattr(_Facts, name) if name else None), node_fields(kind)


@lru_cache(maxsize=8192)
def _string_facts(value: Union[str, bytes]) -> tuple[list[str], str]:
    """The names a string mentions (as a template, a doctest, code) and the prefix it builds names from;
    cached: tests repeat their strings."""
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    names: list[str] = []
    if ("{" in text or ">>>" in text) and _TEMPLATE.search(text):
        for found in _TEMPLATE.finditer(text):
            names += _IDENTIFIER.findall("".join(filter(None, found.groups())))
    if len(text) > 300:
        return names, ""
    if _CODE_STRING.match(text):
        names += _IDENTIFIER.findall(text)
    elif "(" in text:
        called = _CALL_STRING.match(text)
        if called:
            names += _IDENTIFIER.findall(called.group(1))
    prefix = _PREFIX.match(text)
    return names, prefix.group(1) if prefix and len(prefix.group(1)) > 2 else ""


def _docstring(node: ast.AST) -> Optional[Any]:
    """The constant of its docstring (a `str`)."""
    if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) or not node.body:
        return None
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.value
    return None


def _not_implemented(node: _Function) -> bool:
    """`raise NotImplementedError` as the whole body: a method declared for subclasses to implement."""
    body = node.body[1:] if _docstring(node) is not None else node.body
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc
    return _dotted(raised.func if isinstance(raised, ast.Call) else raised) == "NotImplementedError"


def _delegates(node: ast.Attribute, inside: _Inside) -> bool:
    """`self.cursor.execute(...)` inside a method `execute`: the class wraps another object and offers its
    interface, which callers outside the project use (a DB-API cursor, a file)."""
    if len(inside) < 2 or inside[-1][2] or not inside[-2][2] or inside[-1][0] != node.attr:
        return False
    wrapped = node.value
    return isinstance(wrapped, ast.Attribute) and isinstance(wrapped.value, ast.Name) and wrapped.value.id == "self"
