"""SL301's project join, kept up to date one file at a time (issue 21).

The join answers "which functions does no test reach?" from each file's facts (untested_facts.py). It has
three layers, each a function of the one before:

1. The index: every definition by qualified name, each module's imports and star imports, the classes with
   their raw bases and methods. It is made of each file's *interface* only (module name, imports, classes,
   and the names, flags, return types and registrations of its functions), one file's part at a time: a
   file whose function bodies changed leaves it as it was, and no entry depends on the order in which
   files arrive (a module or class that two files define takes their parts in path order).
2. Compiled tokens: each reference token (see untested.py) is resolved through the index into primitive
   effects (the functions it reaches and classes it uses, method names it calls on values of unknown class,
   `(class, method)` calls whose overrides count once a subclass is used), and each class into its bases
   and methods. Resolution is a pure function of the index: a chain of imports or bases that comes back on
   itself is cut where it meets itself, whatever was resolved before, and a memoised result stands in for
   resolving again only where it would be the same (see `_Index._resolve`). A compiled token keeps the
   scopes (modules and classes) of every name it read: when a file's interface changes, only the tokens
   that read something it changed are compiled again.
3. The walk: reachability from the tests over compiled tokens, done again on every update. It is a monotone
   closure (its sets only grow, and each rule fires whatever the order of the worklist), so it reaches what
   a walk resolving tokens as it goes reaches, and it needs no index: compiled tokens say it all.

`Join.update(changed, removed)` is the incremental API: an editor's server can keep a Join in memory and
update it file by file. `Join.save`/`load` keep one between runs in the cache folder as lines of JSON
(never pickle): a line per file and per chunk of tokens, so that saving after one file changed writes the
other lines as they were read, and `sync` recognises unchanged files by their content digest without
reading their facts. The index is built only when something must be resolved: a new token, or a changed
interface.
"""

from __future__ import annotations

import bisect
import fnmatch
import json
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple, Optional, TypeVar, Union, cast
from collections.abc import Iterable, Sequence

from simplelint.ruleinfo import FileFacts
from simplelint.rules.naming import is_dunder
from simplelint.rules.untested.facts import DOCTEST, FIXTURE, TEST_ROOT, UntestedFacts
from simplelint.rules.untested.protocols import protocol_table

FORMAT = 1
CHUNK = 1024  # tokens per line of a saved join
Key = Union[int, str]  # a function (a key of Join.defs) or a class (its qualified name)
T = TypeVar("T")

# Dunders that run without a visible operator once a class is used: construction, attribute protocol.
AMBIENT_DUNDERS = frozenset(
    "__init__ __new__ __post_init__ __init_subclass__ __set_name__ __class_getitem__ __getattr__ "
    "__getattribute__ __setattr__ __delattr__ __get__ __set__ __delete__ __del__ __call__ __bool__ "
    "__hash__ __repr__ __missing__".split()
)
# Bounds on one top-level resolution (resolutions it makes, and how deep they nest): import graphs that
# loop through many star imports would otherwise be followed path by path, or past the stack's end.
BUDGET = 20_000
MAX_DEPTH = 40
_CLEAN = 1 << 30  # the taint of a resolution that met no cut
# Names resolution reads that are no qualified names (those start with a NUL).
FUNCTIONS = "\0f"  # + module: its top-level functions
FIXTURES = "\0@"  # + name: the fixtures so named
METHOD_NAMES = "\0*"  # the names of all methods
BUILTIN = "\0b"  # a value of a built-in type, as `type_classes` says


@dataclass
class Definition:
    """One function of the project, as SL301 and SL302 report it."""

    path: str
    qualname: str
    flags: int
    position: tuple[int, int, int, int]
    body: tuple[int, int]  # first and last line of the body
    in_test: bool
    returns: str
    triggers: list[int]  # `g:` tokens: `@app.route` runs the function when `app` is reached
    tokens: list[int]


@dataclass
class _File:
    digest: str
    is_test: bool
    module: str
    imports: dict[str, str]
    stars: list[str]
    classes: dict[str, list[Any]]  # qualname -> [flags, raw bases, aliases], as in the facts
    keys: list[int]  # its definitions, in the order of the facts
    refs: list[int]  # tokens of code that runs on import


@dataclass
class _Parts:
    """What one file adds to the index. Resolution reads each entry under a name: the qualified name for
    symbols and classes, the module's for its namespace, and the names above for the rest."""

    module: str
    namespace: tuple[dict[str, str], list[str]]  # imports and star imports
    classes: dict[str, tuple[list[str], bool]] = field(default_factory=dict)  # -> (raw bases, in a test)
    methods: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # class -> name -> keys
    symbols: dict[str, list[int]] = field(default_factory=dict)  # qualified name -> functions so named
    functions: list[tuple[str, int]] = field(default_factory=list)  # top-level, for prefix dispatch
    fixtures: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # -> (key, return type)

    def differences(self, other: _Parts) -> set[str]:
        """The names under which resolution reads something else in `other`."""
        names = set()
        if (self.module, self.namespace) != (other.module, other.namespace):  # a module may come or go too
            names = {self.module, other.module}
        if self.functions != other.functions:
            names |= {FUNCTIONS + self.module, FUNCTIONS + other.module}
        names |= _differences(self.classes, other.classes) | _differences(self.methods, other.methods)
        names |= _differences(self.symbols, other.symbols)
        return names | {FIXTURES + name for name in _differences(self.fixtures, other.fixtures)}


_NOTHING = _Parts("", ({}, []))  # the part of a file that is not there


def _differences(mine: dict[str, Any], theirs: dict[str, Any]) -> set[str]:
    return {name for name in mine.keys() | theirs.keys() if mine.get(name) != theirs.get(name)}


@dataclass
class _Class:
    parts: dict[str, tuple[list[str], bool]]  # path -> (raw bases, in a test file): usually one file
    methods: dict[str, list[int]] = field(default_factory=dict)

    @property
    def is_test(self) -> bool:
        return self.parts[min(self.parts)][1]


@dataclass
class _Entry:
    """A memoised resolution: its value, the names of the index it read, and the size and height of the
    resolution tree it stands for (so that it is used only where that tree fits the bounds)."""

    value: Any
    reads: frozenset[str]
    cost: int
    height: int


class _Compiled(NamedTuple):
    """What following a token does (stored as a JSON list, in this order)."""

    functions: list[int]  # reached
    classes: list[str]  # used
    names: list[str]  # methods called by name on a value of unknown class (always counted)
    soft: list[str]  # the same, counted only with `match-methods-by-name`
    calls: list[tuple[str, str]]  # (class, method): an override in a used subclass runs too


class _CompiledClass(NamedTuple):
    """What using a class does (a `b:` token: stored as a JSON list, in this order)."""

    exists: bool
    bases: list[str]
    methods: dict[str, list[int]]
    is_test: bool
    # Names (fnmatch patterns where they hold `*`) that a library base class calls on the class's behalf.
    protocol: Sequence[str] = ()


Compiled = Union[_Compiled, _CompiledClass]


class _Index:
    """The project's definitions by qualified name, and resolution through them, memoised with what it read."""

    def __init__(self, defs: dict[int, Definition], protocols: Optional[dict[str, tuple[str, ...]]] = None) -> None:
        self.defs = defs
        self.protocols = protocols or {}
        self.symbols: dict[str, list[Key]] = {}
        self.classes: dict[str, _Class] = {}
        self.modules: dict[str, tuple[dict[str, str], list[str]]] = {}
        self._namespaces: dict[str, dict[str, tuple[dict[str, str], list[str]]]] = {}  # module -> path -> it
        self.by_name: dict[str, list[tuple[str, int]]] = {}
        self.fixtures: dict[str, list[tuple[int, str]]] = {}
        self.functions: dict[str, list[tuple[str, int]]] = {}
        self._method_names: Optional[list[str]] = None
        self.renamed = False  # a method name appeared or went since the flag was reset
        self._scopes: dict[str, str] = {}
        self._memo: dict[str, _Entry] = {}
        self._active: dict[str, int] = {}
        self._names: list[str] = []  # what the active resolutions are about
        self._reads: list[set[str]] = [set()]
        self._heights = [0]
        self._taint = _CLEAN
        self._budget = BUDGET

    # --- one file's part --------------------------------------------------------------------------------

    def add(self, path: str, parts: _Parts) -> None:
        self._namespaces.setdefault(parts.module, {})[path] = parts.namespace
        self._choose_module(parts.module)
        for name, bases in parts.classes.items():
            if name not in self.classes:
                self.classes[name] = _Class({})
                self.symbols.setdefault(name, []).append(name)
            self.classes[name].parts[path] = bases
        for name, keys in parts.symbols.items():
            self.symbols.setdefault(name, []).extend(keys)
        for owner, methods in parts.methods.items():
            for name, keys in methods.items():
                self.classes[owner].methods.setdefault(name, []).extend(keys)
                self.renamed |= name not in self.by_name
                self.by_name.setdefault(name, []).extend((owner, key) for key in keys)
        if parts.functions:
            self.functions.setdefault(parts.module, []).extend(parts.functions)
        for name, fixtures in parts.fixtures.items():
            self.fixtures.setdefault(name, []).extend(fixtures)
        self._scopes.clear()

    def remove(self, path: str, parts: _Parts) -> None:
        namespaces = self._namespaces[parts.module]
        del namespaces[path]
        if not namespaces:
            del self._namespaces[parts.module]
        self._choose_module(parts.module)
        for owner, methods in parts.methods.items():
            for name, keys in methods.items():
                _drop(self.classes[owner].methods, name, keys)
                _drop(self.by_name, name, [(owner, key) for key in keys])
                self.renamed |= name not in self.by_name
        for name in parts.classes:
            info = self.classes[name]
            del info.parts[path]
            if not info.parts:
                del self.classes[name]
                _drop(self.symbols, name, [name])
        for name, keys in parts.symbols.items():
            _drop(self.symbols, name, keys)
        _drop(self.functions, parts.module, parts.functions)
        for name, fixtures in parts.fixtures.items():
            _drop(self.fixtures, name, fixtures)
        self._scopes.clear()

    def _choose_module(self, module: str) -> None:
        """Two files of one module (`mod.py` and `mod/__init__.py`): the last in path order, the package."""
        namespaces = self._namespaces.get(module)
        if namespaces:
            self.modules[module] = namespaces[max(namespaces)]
        else:
            self.modules.pop(module, None)

    def scope(self, name: str) -> str:
        """The longest prefix of `name` (itself included) that is a module or class of the project, or "".

        A compiled token keeps the scopes of the names it read rather than the names: a few, shared by
        many tokens. A change to a name reaches it through the name itself (a module or class is its own
        scope) or through the scope the name had before the change: a module or class that appears within
        that scope is a change there.
        """
        found = self._scopes.get(name)
        if found is None:
            found = name
            while found and not found.startswith("\0") and found not in self.modules and found not in self.classes:
                found = found.rpartition(".")[0]
            self._scopes[name] = found
        return found

    def scopes(self, names: Iterable[str]) -> list[str]:
        known, found = self._scopes, set()
        for name in names:
            scope = known.get(name)
            found.add(scope if scope is not None else self.scope(name))
        return sorted(found)

    def invalidate(self, names: set[str]) -> None:
        """Forget every memoised resolution that read one of these names."""
        self._memo = {k: e for k, e in self._memo.items() if names.isdisjoint(e.reads)}
        if METHOD_NAMES in names:
            self._method_names = None

    # --- resolution, memoised by what it read -----------------------------------------------------------

    def read(self, name: str) -> None:
        """Record that the resolution under way depends on the index's entries for `name`."""
        self._reads[-1].add(name)

    def reading(self, compute: Callable[[], T]) -> tuple[T, set[str]]:
        """`compute()` and the names it read (a top-level resolution: a token's compilation)."""
        self._reads.append(set())
        try:
            value = compute()
        finally:
            reads = self._reads.pop()
        return value, reads

    def _resolve(self, key: str, compute: Callable[[str], T], name: str, cut: T) -> T:
        """`compute(name)`, memoised under `key`; `cut` where it meets itself, or runs past the bounds.

        A value must not depend on what was asked before. So only values that met no cut above themselves
        are memoised, and a memoised value stands in for resolving again only where that would give it: when
        none of the names it read is being resolved further up, and the tree of resolutions it stands for
        fits in the budget and the depth left.
        """
        if not self._active:
            self._budget, self._taint = BUDGET, _CLEAN
        depth = len(self._active)
        entry = self._memo.get(key)
        if (
            entry is not None
            and entry.cost <= self._budget
            and depth + entry.height <= MAX_DEPTH
            and entry.reads.isdisjoint(self._names)
        ):
            self._budget -= entry.cost
            self._reads[-1].update(entry.reads)
            self._heights[-1] = max(self._heights[-1], entry.height)
            return cast(T, entry.value)
        if self._budget <= 0 or depth >= MAX_DEPTH:
            self._taint = -1
            return cut
        if key in self._active:
            self._taint = min(self._taint, self._active[key])
            return cut
        start = self._budget
        self._budget -= 1
        self._active[key] = depth
        self._names.append(name)
        self._reads.append(set())
        self._heights.append(0)
        outer, self._taint = self._taint, _CLEAN
        try:
            value = compute(name)
        finally:
            del self._active[key]
            self._names.pop()
            reads = self._reads.pop()
            height = self._heights.pop() + 1
            taint, self._taint = self._taint, outer
        if taint >= depth:  # it met no cut above itself: the same wherever it is asked
            self._memo[key] = _Entry(value, frozenset(reads), start - self._budget, height)
        else:
            self._taint = min(outer, taint)
        self._reads[-1] |= reads
        self._heights[-1] = max(self._heights[-1], height)
        return value

    def lookup(self, dotted: str) -> tuple[Key, ...]:
        """What `pkg.mod.name` means: through re-exports, star imports and class members."""
        self._reads[-1].add(dotted)
        hit = self.symbols.get(dotted)
        if hit:
            return tuple(hit)
        if "." not in dotted:
            return ()
        return self._resolve("L" + dotted, self._member, dotted, ())

    def _member(self, dotted: str) -> tuple[Key, ...]:
        head, _, last = dotted.rpartition(".")
        self._reads[-1].add(head)
        module = self.modules.get(head)
        if module is not None:
            imports, stars = module
            if last in imports:
                return self.lookup(imports[last])
            for star in stars:
                starred = self.lookup(f"{star}.{last}")
                if starred:
                    return starred
            return ()
        found: list[Key] = []
        for key in self.lookup(head):
            # An attribute of a function (`cached.cache_clear`) still uses the function.
            found.extend(self.method(key, last) if isinstance(key, str) else [key])
        return tuple(found)

    def bases(self, name: str) -> list[str]:
        """The classes of the project that `name`'s bases resolve to, in order."""
        return self._resolve("B" + name, self._bases, name, [])

    def _bases(self, name: str) -> list[str]:
        self.read(name)
        info = self.classes.get(name)
        if info is None:
            return []
        raw = [base for path in sorted(info.parts) for base in info.parts[path][0]]
        return [k for base in raw for k in self.lookup(base) if isinstance(k, str) and k != name]

    def mro(self, name: str) -> list[str]:
        """`name` and its ancestors, depth first and each once: Python's order where a class inherits
        along one line, and a fixed one where bases come back on themselves."""
        return self._resolve("M" + name, self._mro, name, [name])

    def _mro(self, name: str) -> list[str]:
        order, seen = [name], {name}
        stack = [iter(self.bases(name))]
        while stack:
            for base in stack[-1]:
                if base not in seen:
                    seen.add(base)
                    order.append(base)
                    stack.append(iter(self.bases(base)))
                    break
            else:
                stack.pop()
        return order

    def method(self, name: str, attr: str) -> list[Key]:
        """`attr` looked up on class `name` and its bases, as Python finds it."""
        for cls in self.mro(name):
            self.read(cls)
            found = self.classes[cls].methods.get(attr) if cls in self.classes else None
            if found:
                return list(found)
            nested = f"{cls}.{attr}"
            self.read(nested)
            if nested in self.classes:
                return [nested]
        return []

    def is_class(self, name: str) -> bool:
        self.read(name)
        return name in self.classes

    def type_classes(self, token: str, depth: int = 0) -> list[str]:
        """The classes a typed value (`a:`, `r:` or `f:` token) may be an instance of."""
        kind, _, target = token.partition(":")
        if kind == "b":
            return [BUILTIN]
        if depth > 4 or not target:
            return []
        if kind == "f":
            self.read(FIXTURES + target)
            return [c for _, ret in self.fixtures.get(target, ()) for c in self.type_classes(ret, depth + 1)]
        found: list[str] = []
        for key in self.lookup(target):
            if isinstance(key, str):
                found.append(key)
            elif kind == "r" and self.defs[key].returns:
                found.extend(self.type_classes(self.defs[key].returns, depth + 1))
        return found

    def module_of(self, dotted: str) -> int:
        """How many leading parts of `dotted` name one of the project's modules (0: none)."""
        parts = dotted.split(".")
        for size in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:size])
            self.read(name)
            if name in self.modules:
                return size
        return 0

    def method_names(self) -> list[str]:
        self.read(METHOD_NAMES)
        if self._method_names is None:
            self._method_names = sorted(self.by_name)
        return self._method_names

    def module_functions(self, module: str) -> list[tuple[str, int]]:
        self.read(FUNCTIONS + module)
        return self.functions.get(module, [])


def _drop(table: dict[str, list[Any]], name: str, items: list[Any]) -> None:
    """Take `items` out of `table[name]`, and the entry once it is empty."""
    gone = set(items)
    kept = [item for item in table.get(name, ()) if item not in gone]
    if kept:
        table[name] = kept
    else:
        table.pop(name, None)


# --- compilation ---------------------------------------------------------------------------------------


def compile_token(index: _Index, token: str) -> tuple[Compiled, list[str]]:
    """What following `token` (or using class `b:NAME`) does, and the scopes of what decided it."""
    kind, _, rest = token.partition(":")
    if kind == "b":
        found, reads = index.reading(lambda: _class(index, rest))
        return found, index.scopes(reads)
    out = _Compiled([], [], [], [], [])
    _, reads = index.reading(lambda: _follow(index, kind, rest, out))
    return out, index.scopes(reads)


def _class(index: _Index, name: str) -> _CompiledClass:
    if not index.is_class(name):
        return _CompiledClass(False, [], {}, False)
    info = index.classes[name]
    raw = [base for path in sorted(info.parts) for base in info.parts[path][0]]
    protocol = sorted({method for base in raw for method in index.protocols.get(base, ())})
    return _CompiledClass(True, index.bases(name), dict(info.methods), info.is_test, protocol)


def _follow(index: _Index, kind: str, rest: str, out: _Compiled) -> None:
    if kind in ("q", "v"):
        found = index.lookup(rest)
        # `v:` a value compared (`mode is setters.convert`): its class counts as used, a function does not run.
        _reach(out, [key for key in found if kind == "q" or isinstance(key, str)])
        size = index.module_of(rest) if not found else 0
        if size:  # `module.instance.method`: the instance's class is unknown
            for attr in rest.split(".")[size + 1 :]:
                _name(out, attr)
    elif kind == "g":  # a registration: what it registers with
        _reach(out, index.lookup(rest))
    elif kind == "m":
        _name(out, rest)
    elif kind == "p":
        _prefix(index, *rest.rpartition("|")[::2], out)
    else:
        _attribute(index, kind, *rest.rpartition("|")[::2], out)


def _reach(out: _Compiled, keys: Iterable[Key]) -> None:
    for key in keys:
        (out.classes if isinstance(key, str) else out.functions).append(key)  # type: ignore[arg-type]


def _name(out: _Compiled, attr: str, forced: bool = False) -> None:
    (out.names if forced or is_dunder(attr) else out.soft).append(attr)


def _prefix(index: _Index, module: str, prefix: str, out: _Compiled) -> None:
    """Dispatch by a built name (`getattr(self, "visit_" + kind)`, `globals()[f"render_{style}"]`): every
    method of a used class, and every function of the same module, whose name starts so."""
    names = index.method_names()
    start = bisect.bisect_left(names, prefix)
    for name in names[start : bisect.bisect_left(names, prefix + "\x7f")]:
        _name(out, name, forced=True)
    out.functions.extend(key for name, key in index.module_functions(module) if name.startswith(prefix))


def _attribute(index: _Index, kind: str, target: str, attr: str, out: _Compiled) -> None:
    classes = index.type_classes(target) if kind == "t" else [target]
    builtin = BUILTIN in classes  # a dict, a str...: none of the project's methods
    classes = [c for c in classes if c != BUILTIN and index.is_class(c)]
    if kind == "s":
        classes = [b for c in classes for b in index.bases(c)]
        if not classes:
            return  # `super()` of a class whose bases are not the project's
    if not classes and not builtin:
        _name(out, attr)
    for cls in classes:
        if kind != "t":  # a typed value's class is made where the value is: a type alone makes no instance
            out.classes.append(cls)
        _reach(out, index.method(cls, attr))
        out.calls.append((cls, attr))


# --- the walk ------------------------------------------------------------------------------------------


class _Walk:
    """Reachability from the tests over compiled tokens (a worklist; each function and token once)."""

    def __init__(self, join: Join) -> None:
        self.join = join
        self.match_by_name = join.match_by_name
        self.reached: set[int] = set()
        self.used: set[str] = set()
        self.pending: set[str] = set()  # method names called on values of unknown class
        self.virtual: dict[str, set[str]] = {}  # method name -> classes it was called on
        self.ancestors: dict[str, set[str]] = {}  # a used class -> its ancestors and itself
        self.below: dict[str, list[str]] = {}  # a class -> its used subclasses
        self.methods: dict[str, list[tuple[str, list[int]]]] = {}  # name -> (used class, its methods so named)
        self.classes: dict[str, _CompiledClass] = {}
        self.registered: dict[Key, list[int]] = {}  # what runs when a function or class is reached
        self.queue: list[int] = []
        self.seen: set[int] = set()
        self.importing = False  # following what runs on import (and what that calls)
        self.import_only: set[str] = set()  # classes used then, not (yet) by what the tests reach

    def run(self) -> set[int]:
        join = self.join
        # Tests, fixtures and hooks in test files; docstrings' examples wherever pytest runs them as doctests.
        roots = [
            k for k, info in join.defs.items() if info.flags & TEST_ROOT and (info.in_test or info.flags & DOCTEST)
        ]
        for key, info in join.defs.items():
            for token in info.triggers:
                self._register(key, token)
        defs, queue = join.defs, self.queue
        # First what runs on import, and what that calls; then the tests. A library calls a class's protocol
        # methods (`Group.get_command`) when an instance is put to use, not when import-time code makes one.
        self.importing = True
        for file in join.files.values():
            self.tokens(file.refs)
        while queue:
            self.tokens(defs[queue.pop()].tokens)
        self.importing, self.seen = False, set()  # tokens followed again: a class made on import now used
        for key in roots:
            self.reach(key)
        while queue:
            self.tokens(defs[queue.pop()].tokens)
        return self.reached

    def _register(self, key: int, token: int) -> None:
        """Function `key` runs when what the registration `token` names is reached or used."""
        functions, classes, _, _, _ = self.join.compiled_token(token)
        owners: list[Key] = [*functions, *classes]
        for owner in owners:
            self.registered.setdefault(owner, []).append(key)

    def tokens(self, tokens: Iterable[int]) -> None:
        seen, compiled = self.seen, self.join.compiled
        for token in tokens:
            if token not in seen:  # following a reference twice reaches nothing new
                seen.add(token)
                self.follow(compiled[token] or self.join.compiled_token(token))  # type: ignore[arg-type]

    def follow(self, compiled: _Compiled) -> None:
        functions, classes, names, soft, calls = compiled
        reached, used = self.reached, self.used
        for key in functions:
            if key not in reached:
                self.reach(key)
        for cls in classes:
            if cls not in used:
                self.use(cls)
        for attr in names:
            self.name(attr)
        if self.match_by_name:
            for attr in soft:
                self.name(attr)
        for cls, attr in calls:
            self.call(cls, attr)
        if self.import_only and not self.importing:  # classes made on import, now used by tested code
            self._put_to_use({*classes, *(cls for cls, _ in calls)})

    def reach(self, key: int) -> None:
        if key not in self.reached:
            self.reached.add(key)
            self.queue.append(key)
            for registered in self.registered.get(key, ()):
                self.reach(registered)

    def call(self, cls: str, attr: str) -> None:
        """`obj.attr` on an instance of `cls`: an override in a used subclass runs too."""
        callers = self.virtual.setdefault(attr, set())
        if cls in callers:
            return
        callers.add(cls)
        below = self.below.get(cls, ())
        named = self.methods.get(attr, ())
        if len(below) > len(named):  # fewer used classes with such a method than used subclasses
            below = [owner for owner, _ in named if owner != cls and cls in self.ancestors[owner]]
        for sub in below:
            for key in self.classes[sub].methods.get(attr, ()):
                self.reach(key)

    def name(self, attr: str) -> None:
        if attr not in self.pending:
            self.pending.add(attr)
            for _, keys in self.methods.get(attr, ()):
                for key in keys:
                    self.reach(key)

    def use(self, cls: str) -> None:
        info = self._class(cls)
        if cls in self.used or not info.exists:
            return
        self.used.add(cls)
        for registered in self.registered.get(cls, ()):
            self.reach(registered)
        ancestors = self.ancestors[cls] = self._use_bases(cls, info)
        if self.importing:
            self.import_only.add(cls)
        for ancestor in ancestors:
            if ancestor != cls:
                self.below.setdefault(ancestor, []).append(cls)
        for attr, keys in info.methods.items():
            self.methods.setdefault(attr, []).append((cls, keys))
            if self._runs(attr, ancestors):
                for key in keys:
                    self.reach(key)

    def _use_bases(self, cls: str, info: _CompiledClass) -> set[str]:
        """Use the bases of `cls`; its ancestors and itself."""
        ancestors = {cls}
        for base in info.bases:
            self.use(base)
            # A used base's ancestors are known, unless it is being used further up (bases in a cycle).
            ancestors |= self.ancestors.get(base) or self._ancestors(base)
        return ancestors

    def _runs(self, attr: str, ancestors: set[str]) -> bool:
        """Whether method `attr` of a class with these ancestors runs once the class is used."""
        called = self.virtual.get(attr)
        overridden = called is not None and not ancestors.isdisjoint(called)
        if attr in AMBIENT_DUNDERS or attr in self.pending or overridden:
            return True
        return not self.importing and self._protocol(attr, ancestors)  # import time: wait until tests use it

    def _put_to_use(self, classes: set[str]) -> None:
        """Classes import-time code made, used by tested code: their protocol methods run now."""
        for cls in self.import_only & classes:
            self.import_only.discard(cls)
            for attr, keys in self._class(cls).methods.items():
                if self._protocol(attr, self.ancestors.get(cls) or self._ancestors(cls)):
                    for key in keys:
                        self.reach(key)

    def _protocol(self, attr: str, ancestors: set[str]) -> bool:
        """Whether a library base class of one of these classes calls method `attr` (`tzinfo.utcoffset`)."""
        for ancestor in ancestors:
            for name in self._class(ancestor).protocol:
                if name == attr or ("*" in name and fnmatch.fnmatchcase(attr, name)):
                    return True
        return False

    def _ancestors(self, cls: str) -> set[str]:
        found, stack = {cls}, [cls]
        while stack:
            for base in self._class(stack.pop()).bases:
                if base not in found:
                    found.add(base)
                    stack.append(base)
        return found

    def _class(self, name: str) -> _CompiledClass:
        found = self.classes.get(name)
        if found is None:
            found = self.classes[name] = _CompiledClass(*self.join.compiled_class(name))
        return found


# --- the join ------------------------------------------------------------------------------------------


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), check_circular=False)


def _packed(scopes: list[list[str]]) -> str:
    """Tokens' scopes as JSON: each name once (many tokens read the same modules and classes)."""
    names = sorted({name for row in scopes for name in row})
    number = {name: i for i, name in enumerate(names)}
    return _dumps([names, [[number[name] for name in row] for row in scopes]])


@dataclass
class _Touched:
    """What an update changed: the names the index reads differently now, and them with the scopes they had
    before (what compiled tokens record)."""

    names: set[str] = field(default_factory=set)
    scopes: set[str] = field(default_factory=set)

    def add(self, index: _Index, names: set[str]) -> None:
        names = names - {""}
        self.names |= names
        self.scopes |= names | {index.scope(name) for name in names}


class Join:
    """SL301's join of the whole project, updated file by file: `update` and `sync` return the definitions
    that no test reaches."""

    def __init__(self, match_by_name: bool = True, protocols: Sequence[str] = ()) -> None:
        self.match_by_name = match_by_name
        self.extra_protocols = tuple(protocols)  # `protocol-methods` from the config
        self.protocols = protocol_table(protocols)
        self.files: dict[str, _File] = {}
        self.skipped: dict[str, str] = {}  # path -> digest of files without these facts (stubs)
        self.defs: dict[int, Definition] = {}
        self.tokens: list[str] = []
        self.compiled: list[Optional[Compiled]] = []
        self.scopes: list[list[str]] = []  # of each compiled token (empty for one not compiled)
        # Chunk -> its compiled tokens and their scopes as loaded, still JSON, and how many: a chunk is
        # parsed when first used (a run whose edits leave the walk alone uses none).
        self._unparsed: dict[int, tuple[str, str, int]] = {}
        self._index: Optional[_Index] = None
        self._unreached: Optional[set[int]] = None  # what the last walk did not reach; None: walk again
        self._ids: dict[str, int] = {}
        self._next_key = 0
        # What `save` reuses: the saved line of each file and of each chunk of tokens (None: changed since).
        self._saved: dict[str, str] = {}
        # A loaded file is parsed when first used, as chunks are; meanwhile its header says (digest, is_test).
        self._unparsed_files: dict[str, tuple[str, bool]] = {}
        self._unreached_files: set[str] = set()  # of those, the ones that hold functions the walk did not reach
        self._saved_chunks: list[Optional[str]] = []
        self._live = 0  # tokens in use at the last compaction (0: all of them, at the first save)

    @property
    def index(self) -> _Index:
        """The index, built from the files' interfaces when first needed."""
        if self._index is None:
            self._parse_files(list(self._unparsed_files))
            self._index = _Index(self.defs, self.protocols)
            for path, file in self.files.items():
                self._index.add(path, self._parts(file))
        return self._index

    def sync(self, files: Sequence[FileFacts]) -> list[Definition]:
        """Update to exactly these files: those whose digest it knows are not read again."""
        known = {path: file.digest for path, file in self.files.items()} | self.skipped
        known |= {path: digest for path, (digest, _) in self._unparsed_files.items()}
        changed = [f for f in files if not f.digest or known.get(f.path) != f.digest or self._moved(f)]
        paths = {f.path for f in files}
        return self.update(changed, [path for path in known if path not in paths])

    def _moved(self, file: FileFacts) -> bool:
        """A known file whose test status changed (its settings did): read again."""
        mine = self.files.get(file.path)
        if file.path in self._unparsed_files:
            return self._unparsed_files[file.path][1] != file.is_test
        return mine is not None and mine.is_test != file.is_test

    def update(self, changed: Iterable[FileFacts], removed: Iterable[str] = ()) -> list[Definition]:
        """Replace the facts of `changed` files (new ones included) and drop the `removed` paths; the
        definitions no test reaches then."""
        # What the changes touched, where anything was resolved that could depend on it.
        touched = _Touched() if self._index is not None or self._unparsed or any(self.compiled) else None
        for path in removed:
            self._put(path, None, "", False, touched)
        for file in changed:
            facts = file.facts.get(UntestedFacts.name)
            self._put(file.path, facts, file.digest, file.is_test, touched)
            if facts is None:
                self.skipped[file.path] = file.digest
        if touched is not None and touched.names:
            self.index.invalidate(touched.names)
            self._parse(list(self._unparsed))
            for token, scopes in enumerate(self.scopes):
                if not touched.scopes.isdisjoint(scopes):
                    self.compiled[token], self.scopes[token] = None, []
                    self._touch(token)
        if self._unreached is None:
            self._parse_files(list(self._unparsed_files))
            self._unreached = set(self.defs) - _Walk(self).run()
        self._parse_files(self._unreached_files & self._unparsed_files.keys())
        if not self._unreached <= self.defs.keys():
            raise ValueError("what the last walk did not reach are functions of the join")
        return [info for key, info in self.defs.items() if key in self._unreached]

    def _put(
        self, path: str, facts: Optional[dict[str, Any]], digest: str, is_test: bool, touched: Optional[_Touched]
    ) -> None:
        """Replace a file's part (None: take it out), noting what that touched."""
        self._parse_files([path])
        self.skipped.pop(path, None)
        self._saved.pop(path, None)
        old = self.files.get(path)
        before = self._parts(old) if old is not None else None
        previous = [self.defs[key] for key in old.keys] if old is not None else []
        new = self._file(path, old, facts, digest, is_test) if facts is not None else None
        self._reindex(path, before, self._parts(new) if new is not None else None, touched)
        if not self._reaches_alike(old, previous, new):
            self._unreached = None
        for key in set(old.keys if old is not None else ()) - set(new.keys if new is not None else ()):
            del self.defs[key]
        if new is not None:
            self.files[path] = new
        else:
            self.files.pop(path, None)

    def _reaches_alike(self, old: Optional[_File], previous: list[Definition], new: Optional[_File]) -> bool:
        """Whether the walk reaches what it reached, as far as this file goes: its import-time code, its
        functions' flags and registrations, and the references of the functions it reached are as they were
        (an edit to a function the tests do not reach, or one that keeps its references, changes nothing the
        walk follows)."""
        if self._unreached is None or old is None or new is None or (old.keys, old.refs) != (new.keys, new.refs):
            return False
        for key, before in zip(new.keys, previous):
            after = self.defs[key]
            if (before.flags, before.in_test, before.triggers) != (after.flags, after.in_test, after.triggers):
                return False
            if key not in self._unreached and before.tokens != after.tokens:
                return False
        return True

    def _reindex(
        self, path: str, before: Optional[_Parts], after: Optional[_Parts], touched: Optional[_Touched]
    ) -> None:
        """Replace a file's part of the index, if it changed (a body alone does not change it)."""
        if before == after:
            return
        self._unreached = None  # the walk goes over the index's classes
        index = self.index  # built, if it was not, from the files as they were
        index.renamed = False
        if touched is not None:
            touched.add(index, (before or _NOTHING).differences(after or _NOTHING))
        if before is not None:
            index.remove(path, before)
        if after is not None:
            index.add(path, after)
        if touched is not None and index.renamed:
            touched.add(index, {METHOD_NAMES})

    def _file(self, path: str, old: Optional[_File], facts: dict[str, Any], digest: str, is_test: bool) -> _File:
        """The file's new facts. Its functions keep their keys where name and return type are unchanged:
        the index reads nothing else through a key (the rest of a function is read afresh by every walk)."""
        spare: dict[tuple[str, str], list[int]] = {}
        for key in reversed(old.keys if old is not None else ()):
            spare.setdefault((self.defs[key].qualname, self.defs[key].returns), []).append(key)
        keys = []
        for row in facts["d"]:
            qualname, flags, line, column, end_line, end_column, start, end, returns, tokens, triggers = row
            same = spare.get((qualname, returns))
            key = same.pop() if same else self._new_key()
            keys.append(key)
            self.defs[key] = Definition(
                path, qualname, flags, (line, column, end_line, end_column), (start, end), is_test, returns,
                self._token_ids(f"g:{t}" for t in triggers), self._token_ids(tokens),
            )  # fmt: skip
        refs = self._token_ids(facts["r"])
        return _File(digest, is_test, facts["m"], facts["i"], facts["s"], facts["c"], keys, refs)


    def _new_key(self) -> int:
        self._next_key += 1
        return self._next_key - 1

    def _parts(self, file: _File) -> _Parts:
        module = file.module
        parts = _Parts(module, (file.imports, file.stars))
        for qualname, (_, bases, _) in file.classes.items():
            parts.classes[f"{module}.{qualname}"] = (list(bases), file.is_test)
        for key in file.keys:
            info = self.defs[key]
            full = f"{module}.{info.qualname}"
            parts.symbols.setdefault(full, []).append(key)
            owner, _, name = full.rpartition(".")
            if "." not in info.qualname:
                parts.functions.append((name, key))
            elif owner in parts.classes:
                parts.methods.setdefault(owner, {}).setdefault(name, []).append(key)
            if info.flags & FIXTURE:
                parts.fixtures.setdefault(name, []).append((key, info.returns))
        for qualname, (_, _, aliases) in file.classes.items():
            methods = parts.methods.setdefault(f"{module}.{qualname}", {})
            for name, target in aliases.items():  # `__radd__ = __add__`: this file's method
                methods.setdefault(name, []).extend(methods.get(target, ()))
        for owner, methods in list(parts.methods.items()):
            parts.methods[owner] = {name: keys for name, keys in methods.items() if keys}
            if not parts.methods[owner]:
                del parts.methods[owner]
        return parts

    def _token_ids(self, tokens: Iterable[str]) -> list[int]:
        ids = self._ids
        if len(ids) < len(self.tokens):  # not indexed since loading
            ids.update((token, i) for i, token in enumerate(self.tokens))
        found = []
        for token in tokens:
            number = ids.get(token)
            if number is None:
                number = ids[token] = len(self.tokens)
                self.tokens.append(token)
                self.compiled.append(None)
                self.scopes.append([])
                self._touch(number)
            found.append(number)
        return found

    def _token_id(self, token: str) -> int:
        return self._token_ids([token])[0]

    def compiled_token(self, token: int) -> _Compiled:
        return cast(_Compiled, self._compiled(token))

    def compiled_class(self, name: str) -> _CompiledClass:
        return cast(_CompiledClass, self._compiled(self._token_id(f"b:{name}")))

    def _compiled(self, token: int) -> Compiled:
        if self._unparsed:
            self._parse([token // CHUNK])
        compiled = self.compiled[token]
        if compiled is None:
            self._touch(token)  # first: it reads the chunk's saved scopes, of which this token's are replaced
            compiled, self.scopes[token] = compile_token(self.index, self.tokens[token])
            self.compiled[token] = compiled
        return compiled

    # --- kept between runs ------------------------------------------------------------------------------

    def _parse(self, chunks: Iterable[int]) -> None:
        for chunk in chunks:
            if chunk in self._unparsed:
                compiled, scopes, count = self._unparsed.pop(chunk)
                entries = json.loads(compiled)
                names, rows = json.loads(scopes)
                if len(entries) != count or len(rows) != count:
                    raise ValueError("a chunk's compiled tokens and scopes match its tokens")
                self.compiled[chunk * CHUNK : chunk * CHUNK + count] = entries
                self.scopes[chunk * CHUNK : chunk * CHUNK + count] = [[names[i] for i in row] for row in rows]

    def _touch(self, token: int) -> None:
        """The saved line of this token's chunk is out of date: it will be dumped again, scopes and all."""
        chunk = token // CHUNK
        if chunk < len(self._saved_chunks):
            self._parse([chunk])
            self._saved_chunks[chunk] = None

    def save(self) -> list[str]:
        """The join as lines of JSON: a header, a line per chunk of tokens, a line per file. The lines of
        what did not change since `load` or the last `save` are those read or written then."""
        self._live = self._live or len(self.tokens)
        if len(self.tokens) > 2 * self._live:
            self._compact()
        chunks = []
        for start in range(0, len(self.tokens), CHUNK):
            line = self._saved_chunks[start // CHUNK] if start // CHUNK < len(self._saved_chunks) else None
            if line is None:
                end = start + CHUNK
                compiled, scopes = _dumps(self.compiled[start:end]), _packed(self.scopes[start:end])
                line = _dumps([self.tokens[start:end], compiled, scopes])
            chunks.append(line)
        files = {}
        for path in [*self.files, *self._unparsed_files]:
            line = self._saved.get(path)
            if line is None:
                file = self.files[path]
                rows = [
                    [key, info.qualname, info.flags, *info.position, *info.body, info.returns, info.triggers,
                     info.tokens]  # fmt: skip
                    for key, info in zip(file.keys, map(self.defs.__getitem__, file.keys))
                ]
                line = _dumps([path, file.digest, file.is_test, file.module, file.imports, file.stars,
                                   file.classes, file.refs, rows])  # fmt: skip
            files[path] = line
        self._saved_chunks, self._saved = list(chunks), files
        header = {
            "format": FORMAT,
            "next_key": self._next_key,
            "live": self._live,
            "chunks": len(chunks),
            "skipped": self.skipped,
            "match_by_name": self.match_by_name,
            "protocols": list(self.extra_protocols),
            "unreached": sorted(self._unreached) if self._unreached is not None else None,
            "unreached_files": sorted(self._holding_unreached()),
            "files": {path: self._known(path) for path in files},
        }
        return [_dumps(header), *chunks, *files.values()]

    def _holding_unreached(self) -> set[str]:
        """The files that hold functions the last walk did not reach."""
        parsed = {self.defs[key].path for key in self._unreached or () if key in self.defs}
        return parsed | (self._unreached_files & self._unparsed_files.keys())

    def _known(self, path: str) -> tuple[str, bool]:
        file = self.files.get(path)
        return (file.digest, file.is_test) if file is not None else self._unparsed_files[path]

    def _compact(self) -> None:
        """Renumber the tokens still used (by a function, by a file's import-time code, or as a class),
        dropping the others; every line is dumped again."""
        self._parse_files(list(self._unparsed_files))
        used = {t for file in self.files.values() for t in file.refs}
        for info in self.defs.values():
            used.update(info.tokens, info.triggers)
        used.update(i for token, i in self._ids.items() if token.startswith("b:"))
        live = sorted(used)
        number = {token: i for i, token in enumerate(live)}
        self._parse(list(self._unparsed))
        self.tokens = [self.tokens[t] for t in live]
        self.compiled = [self.compiled[t] for t in live]
        self.scopes = [self.scopes[t] for t in live]
        self._ids = {token: i for i, token in enumerate(self.tokens)}
        for info in self.defs.values():
            info.tokens = [number[t] for t in info.tokens]
            info.triggers = [number[t] for t in info.triggers]
        for file in self.files.values():
            file.refs = [number[t] for t in file.refs]
        self._live = max(len(live), CHUNK)
        self._saved_chunks, self._saved = [], {}

    def _parse_files(self, paths: Iterable[str]) -> None:
        for path in paths:
            if self._unparsed_files.pop(path, None) is None:
                continue
            line = self._saved[path]
            mine, digest, is_test, module, imports, stars, classes, refs, rows = json.loads(line)
            if mine != path:
                raise ValueError("files' lines in the order of the header")
            keys = []
            for row in rows:
                key, qualname, flags, line_, column, end_line, end_column, start, end, returns, triggers, tokens = row
                if not isinstance(key, int) or key in self.defs or key >= self._next_key:
                    raise ValueError("a definition's key is unique and below next_key")
                keys.append(key)
                self.defs[key] = Definition(
                    path, qualname, flags, (line_, column, end_line, end_column), (start, end), bool(is_test),
                    returns, triggers, tokens,
                )  # fmt: skip
            self.files[path] = _File(digest, bool(is_test), module, imports, stars, classes, keys, refs)

    @classmethod
    def load(cls, lines: Sequence[str], match_by_name: bool = True, protocols: Sequence[str] = ()) -> Optional[Join]:
        """The join `save` wrote, or None when `lines` are not one (another format, or damaged)."""
        try:
            header = json.loads(lines[0])
            if header.get("format") != FORMAT or header.get("protocols") != list(protocols):
                return None  # another format, or other protocol methods: compiled classes would differ
            return cls._load(header, lines, match_by_name, protocols)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return None

    @classmethod
    def _load(cls, header: dict[str, Any], lines: Sequence[str], match_by_name: bool, protocols: Sequence[str]) -> Join:
        join = cls(match_by_name, protocols)
        join._next_key, join._live = int(header["next_key"]), int(header["live"])
        join.skipped = {str(path): str(digest) for path, digest in header["skipped"].items()}
        if header["match_by_name"] == match_by_name and header["unreached"] is not None:
            join._unreached = {int(key) for key in header["unreached"]}
        chunks = int(header["chunks"])
        for chunk, line in enumerate(lines[1 : chunks + 1]):
            tokens, compiled, scopes = json.loads(line)
            if len(join.tokens) % CHUNK or not isinstance(compiled, str) or not isinstance(scopes, str):
                raise ValueError("chunks of tokens are whole, their compiled tokens and scopes JSON")
            join.tokens.extend(tokens)
            join.compiled.extend(None for _ in tokens)
            join.scopes.extend([] for _ in tokens)
            join._unparsed[chunk] = (compiled, scopes, len(tokens))
        join._saved_chunks = list(lines[1 : chunks + 1])
        files = header["files"]
        if len(files) != len(lines) - chunks - 1:
            raise ValueError("a line for each file")
        for (path, (digest, is_test)), line in zip(files.items(), lines[chunks + 1 :]):
            join._unparsed_files[str(path)] = (str(digest), bool(is_test))
            join._saved[str(path)] = line
        join._unreached_files = set(header["unreached_files"])
        return join
