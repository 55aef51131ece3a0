"""What a rule declares (docs, options, examples) and what project rules join, importable without LibCST.

A run whose results all come from the cache needs only these: rule modules and LibCST load when a file
must be analysed. `simplelint.rule` re-exports everything here; plugins import from there.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Optional, TypeVar, Union

if TYPE_CHECKING:
    import libcst as cst

    from simplelint.config.settings import Settings
    from simplelint.engine.violation import Violation
    from simplelint.rule import FactCollector, Report
    from simplelint.run.cache import Cache


# What an option's strings are, when more than any text: checked as the config is read.
GLOB = "glob"
PATH = "path"
SELECTOR = "rule selector"  # a code, prefix, name or ALL
MODULE = "dotted module name"  # `pandas`, `pandas.read_csv`

# Types an option's default cannot say by itself: a table of name -> text (the `banned` messages), and an
# array of tables whose keys are declared as options themselves (the `contracts`).
TABLE_OF_STRINGS = "table of strings"
ARRAY_OF_TABLES = "array of tables"

# What a TOML option may hold: the config's values are checked against their default's type.
OptionValue = Union[bool, int, str, list[str], list[dict[str, Any]]]


@dataclass(frozen=True)
class Option:
    """A rule option, set in the family's table, e.g. `[tool.simplelint.type-hints]`."""

    default: OptionValue
    help: str
    strings: str = ""  # GLOB, PATH, SELECTOR, MODULE or "" for any text
    # The least value allowed for an integer option (a limit of -3 would flag every function, silently).
    minimum: Optional[int] = None
    # A second type the value may take instead of its default's, e.g. TABLE_OF_STRINGS.
    alternative: str = ""
    # For an ARRAY_OF_TABLES option: each table's keys, declared as options (checked the same way).
    items: Mapping[str, Option] = field(default_factory=dict)
    # For an item: a table without it is an error.
    required: bool = False

    @property
    def base_type(self) -> str:
        return ARRAY_OF_TABLES if self.items else _type_name(self.default)

    @property
    def type_name(self) -> str:
        return self.base_type + (f" or {self.alternative}" if self.alternative else "")

    def to_json(self) -> dict[str, Any]:
        return {**vars(self), "items": {name: item.to_json() for name, item in self.items.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Option:
        items = {name: cls.from_json(item) for name, item in data.get("items", {}).items()}
        return cls(**{**data, "items": items})


def _type_name(value: OptionValue) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, list):
        return "list of strings"
    return "string" if isinstance(value, str) else type(value).__name__


@dataclass(frozen=True)
class Valid:
    code: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    path: str = "example.py"
    # Multi-file examples for project rules: path -> source.
    files: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid(Valid):
    # Source after applying every fix (unsafe included); None when the rule offers no fix here.
    fixed: Optional[str] = None
    # Exact number of expected violations of this rule; 0 means "at least one".
    count: int = 0
    # Substring the first message must contain, to pin the wording.
    message: str = ""


Example = Union[str, Valid]


@dataclass
class FileContext:
    """What a rule may know about the file it is visiting."""

    path: str
    source: bytes
    settings: Settings
    module_name: Optional[str] = None
    is_test: bool = False
    is_production: bool = False
    module: Optional[cst.Module] = None
    # Qualified name of the enclosing class/function, kept by the engine during the single traversal.
    scope: list[str] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    # Nodes whose positions fact collectors asked for; filled in after the traversal, in one pass.
    wanted: list[cst.CSTNode] = field(default_factory=list)
    positions: dict[cst.CSTNode, tuple[int, int, int, int]] = field(default_factory=dict)
    # Metric rule code -> function node -> the value it measured, whatever its limit: the report's and the
    # gates' FunctionMetrics read what the selected rules measure in this traversal instead of measuring again.
    measured: dict[str, dict[cst.CSTNode, int]] = field(default_factory=dict)

    def want_position(self, node: cst.CSTNode) -> cst.CSTNode:
        """Ask for (line, column, end_line, end_column) of `node`, readable in `facts()` from `positions`."""
        self.wanted.append(node)
        return node

    # The source as text, set by the engine once parsed (decoded: regenerating it with LibCST costs a pass).
    text_cache: Optional[str] = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self.text_cache is None:
            self.text_cache = self.module.code if self.module is not None else self.source.decode("utf-8", "replace")
        return self.text_cache


class RuleInfo:
    """What every rule declares. Docs live in the docstring, in ruff's sections."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    options: ClassVar[Mapping[str, Option]] = {}
    # Derived from the examples: a rule is fixable when an INVALID example shows its fixed text (`fixed=`). A
    # plugin written before may still declare it; built-in rules do not (tests/test_rule_examples.py).
    fixable: ClassVar[bool] = False
    default_enabled: ClassVar[bool] = True
    # The codes other linters (ruff, flake8, pylint) give the same check: a noqa comment naming E711, written
    # for them, silences this rule too (exact codes, not prefixes: one naming E7 is not meant for it).
    silenced_by: ClassVar[tuple[str, ...]] = ()
    VALID: ClassVar[list[Example]] = []
    INVALID: ClassVar[list[Example]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "fixable" not in vars(cls):
            cls.fixable = any(isinstance(example, Invalid) and example.fixed is not None for example in cls.INVALID)

    @classmethod
    def docs(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or cls.summary)

    @classmethod
    def run_note(cls, files: Sequence[FileFacts]) -> str:
        """A note for `--verbose`/`--statistics` when this run's silence could mislead (e.g. nothing to check)."""
        return ""


@lru_cache(maxsize=4)
def python_ast(source: bytes) -> Optional[ast.Module]:
    """CPython's tree of the file, parsed once for every rule and collector that asks; None when CPython
    cannot parse it (a syntax error, code for a newer Python, or nesting past its limits)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like are not ours to report
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


T = TypeVar("T")
# Small results derived from `python_ast` (names a file binds, what its imports stand for), by function.
AST_SUMMARIES: list[Callable[[bytes], Any]] = []


def ast_summary(function: Callable[[bytes], T]) -> Callable[[bytes], T]:
    """Cache a function of a file's source that reads `python_ast(source)`. For a large file the engine calls
    every summary before LibCST parses it and then lets CPython's tree go, so the two trees (hundreds of MB
    each on 100,000 lines) are never in memory together."""
    cached = lru_cache(maxsize=16)(function)
    AST_SUMMARIES.append(cached)
    return cached


def release_ast(source: bytes) -> None:
    """Compute every summary of `source` while its tree is parsed, then drop the tree."""
    if python_ast.cache_info().currsize:
        for summarise in AST_SUMMARIES:
            summarise(source)
    python_ast.cache_clear()


class Rider:
    """A collector's facts gathered in another collector's walk of the tree, so that one walk serves both
    (on a file read only for facts, walking it is most of the work): the walk calls `handlers[type(node)]`
    for each node of the tree of those types, once, parents before children; then `facts()`."""

    handlers: dict[type, Callable[[Any], None]]

    def facts(self) -> Any:
        raise NotImplementedError


class AstFactCollector:
    """Per-file facts read from CPython's `ast` rather than LibCST's tree, for facts that need no formatting
    detail: parsing with `ast` costs a fifth of LibCST's, which matters for files read only for their facts."""

    name: ClassVar[str]
    # Whether `collect_carrying` takes other collectors' riders along its walk.
    carries_riders: ClassVar[bool] = False

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return True

    @classmethod
    def collect(cls, tree: ast.Module, context: FileContext) -> Any:
        """JSON-serialisable facts about the file (they are cached with it)."""
        raise NotImplementedError

    @classmethod
    def rider(cls, context: FileContext) -> Optional[Rider]:
        """This file's facts as a `Rider`, if they can ride along another collector's walk: they must then
        equal what `collect` gives."""
        return None

    @classmethod
    def collect_carrying(cls, tree: ast.Module, context: FileContext, riders: Sequence[Rider]) -> Any:
        """`collect`, the riders' handlers called in its walk (for a collector that `carries_riders`)."""
        raise NotImplementedError


def walk_riders(tree: ast.AST, riders: Sequence[Rider]) -> None:
    """A walk of the whole tree for riders that no other collector carries."""
    handlers = {kind: _together([r.handlers[kind] for r in riders if kind in r.handlers])
                for rider in riders for kind in rider.handlers}  # fmt: skip
    stack: list[Any] = [tree]
    pop, push, extend, handler_of = stack.pop, stack.append, stack.extend, handlers.get
    while stack:
        node = pop()
        kind: type = type(node)
        handler = handler_of(kind)
        if handler is not None:
            handler(node)
        for name in node_fields(kind):
            value = getattr(node, name)
            if type(value) is list:
                extend(value)
            elif value is not None:
                push(value)


def _together(handlers: list[Callable[[Any], None]]) -> Callable[[Any], None]:
    """One handler that calls them all (most often there is one: itself)."""
    if len(handlers) == 1:
        return handlers[0]

    def each(node: Any) -> None:
        for handler in handlers:
            handler(node)

    return each


# Fields that hold no node (a name, a number, a flag, a context) or only strings (`Global.names`).
_PLAIN_FIELDS = frozenset(
    "ctx id attr arg name level module asname type_comment kind is_async conversion rest kwd_attrs".split()
)


@cache
def node_fields(kind: Any) -> tuple[str, ...]:
    """The fields of a node type that may hold nodes (contexts aside): none for anything not a node (`None`
    in a `Dict`'s keys); `name` is a node only in `type X = ...` (Python 3.12)."""
    if not issubclass(kind, ast.AST):
        return ()
    plain = _PLAIN_FIELDS - {"name"} if kind.__name__ == "TypeAlias" else _PLAIN_FIELDS
    if kind in (ast.Global, ast.Nonlocal):
        plain = plain | {"names"}
    return tuple(field for field in kind._fields if field not in plain)


@dataclass
class FileFacts:
    path: str
    module_name: Optional[str]
    is_test: bool
    is_production: bool
    facts: Mapping[str, Any]
    # Of the bytes the facts describe: a project rule that keeps its join may skip files it knows ("": unknown).
    digest: str = ""


@dataclass
class Project:
    """All files' facts, joined by project rules after the per-file stage."""

    files: list[FileFacts]
    settings: Settings
    # Said to the user on stderr (e.g. stale coverage data): not findings, and the run goes on.
    warnings: list[str] = field(default_factory=list)
    # Said under --verbose/--statistics only (e.g. an imported package that is not installed).
    notes: list[str] = field(default_factory=list)
    # Whether rules may keep what they learn in `settings.cache_dir` (not under --no-cache).
    use_cache: bool = False
    # Where a rule may keep state between runs (SL301 its join); None without the cache.
    cache: Optional[Cache] = None
    # What a long-lived caller (the language server) keeps for rules between joins, in memory: SL301 keeps its
    # join there and brings it up to date with the files that changed. None for a one-off run.
    memory: Optional[dict[str, Any]] = None

    def facts(self, name: str) -> Iterable[tuple[FileFacts, Any]]:
        for file in self.files:
            if name in file.facts:
                yield file, file.facts[name]


# A fact collector class: one that runs in the LibCST traversal, or one that reads CPython's ast.
Collector = Union[type["FactCollector"], type[AstFactCollector]]
# A collector, or "module:Class" naming one: imported only when a file is analysed, so that a LibCST
# collector does not load LibCST for a run that takes every file's facts from the cache.
CollectorSpec = Union[Collector, str]


def load_collector(spec: CollectorSpec) -> Collector:
    if not isinstance(spec, str):
        return spec
    import importlib

    module_name, _, class_name = spec.partition(":")
    found: Collector = getattr(importlib.import_module(module_name), class_name)
    return found


class ProjectRule(RuleInfo):
    """A project-wide rule: declares the fact collectors it needs and joins their output."""

    FACTS: ClassVar[tuple[CollectorSpec, ...]] = ()

    @classmethod
    def fact_paths(cls, settings: Settings, files: list[str]) -> list[str]:
        """Files to read for facts only (e.g. the test suite when only `src/` is checked); never reported."""
        return []

    @classmethod
    def cache_stamp(cls, project: Project, config: Mapping[str, Any]) -> str:
        """What the findings depend on besides the files read (e.g. the installed packages): the project stage
        takes its findings from the cache only while every rule's stamp is unchanged. A warm run computes it,
        so it must be cheap; "" when nothing else counts."""
        return ""

    @classmethod
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        """`config` holds the configured values of the rule's `options`, as a `Rule`'s `self.config`."""
        raise NotImplementedError
