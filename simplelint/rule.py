"""The rule API: a rule is one small class with its docs, options, examples and visit methods.

A per-file `Rule` is a LibCST batchable visitor: the engine runs every selected rule in one traversal.
A `ProjectRule` joins small per-file facts (gathered by `FactCollector`s in that same traversal) after
all files are linted, so project-wide checks never parse a file twice.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Mapping, Optional, Sequence, Union

import libcst as cst

if TYPE_CHECKING:
    from simplelint.cache import Cache
    from simplelint.settings import Settings
    from simplelint.violation import Violation


# What an option's strings are, when more than any text: checked as the config is read.
GLOB = "glob"
PATH = "path"
SELECTOR = "rule selector"  # a code, prefix, name or ALL


@dataclass(frozen=True)
class Option:
    """A rule option, set in the family's table, e.g. `[tool.simplelint.type-hints]`."""

    default: Any
    help: str
    strings: str = ""  # GLOB, PATH, SELECTOR or "" for any text
    # The least value allowed for an integer option (a limit of -3 would flag every function, silently).
    minimum: Optional[int] = None

    @property
    def type_name(self) -> str:
        return _type_name(self.default)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, list):
        return "list of strings"
    return type(value).__name__


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
class NodeFix:
    """A fix is a LibCST node replacement, never a text edit: the rest of the file keeps its bytes."""

    original: cst.CSTNode
    replacement: Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[Any]]
    message: str
    unsafe: bool = False


@dataclass
class Report:
    node: cst.CSTNode
    message: str
    fix: Optional[NodeFix]
    scope: str
    code: str
    name: str


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
    fixable: ClassVar[bool] = False
    default_enabled: ClassVar[bool] = True
    # The codes other linters (ruff, flake8, pylint) give the same check: `# noqa: E711`, written for them,
    # silences this rule too (exact codes, not prefixes: `# noqa: E7` is not meant for it).
    silenced_by: ClassVar[tuple[str, ...]] = ()
    VALID: ClassVar[list[Example]] = []
    INVALID: ClassVar[list[Example]] = []

    @classmethod
    def docs(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or cls.summary)

    @classmethod
    def run_note(cls, files: Sequence[FileFacts]) -> str:
        """A note for `--verbose`/`--statistics` when this run's silence could mislead (e.g. nothing to check)."""
        return ""


class Rule(RuleInfo, cst.BatchableCSTVisitor):
    """A per-file rule: define `visit_<Node>`/`leave_<Node>` methods and call `self.report()`."""

    def __init__(self, context: FileContext, options: Mapping[str, Any]) -> None:
        super().__init__()
        self.context = context
        self.options = options

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        """Cheap pre-filter on the file (e.g. its text mentions a module): skipped rules cost nothing."""
        return True

    def report(self, node: cst.CSTNode, message: str, fix: Optional[NodeFix] = None) -> None:
        self.context.reports.append(
            Report(node, message, fix, ".".join(self.context.scope), self.code, self.name)
        )


class FactCollector(cst.BatchableCSTVisitor):
    """Gathers small, JSON-serialisable facts about one file during the single traversal."""

    name: ClassVar[str]

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return True

    def facts(self) -> Any:
        raise NotImplementedError


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


class AstFactCollector:
    """Per-file facts read from CPython's `ast` rather than LibCST's tree, for facts that need no formatting
    detail: parsing with `ast` costs a fifth of LibCST's, which matters for files read only for their facts."""

    name: ClassVar[str]

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return True

    @classmethod
    def collect(cls, tree: ast.Module, context: FileContext) -> Any:
        """JSON-serialisable facts about the file (they are cached with it)."""
        raise NotImplementedError


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
    # Where a rule may keep state between runs (SL301 its join); None without the cache.
    cache: Optional[Cache] = None

    def facts(self, name: str) -> Iterable[tuple[FileFacts, Any]]:
        for file in self.files:
            if name in file.facts:
                yield file, file.facts[name]


class ProjectRule(RuleInfo):
    """A project-wide rule: declares the fact collectors it needs and joins their output."""

    FACTS: ClassVar[tuple[Union[type[FactCollector], type[AstFactCollector]], ...]] = ()

    @classmethod
    def fact_paths(cls, settings: Settings, files: list[str]) -> list[str]:
        """Files to read for facts only (e.g. the test suite when only `src/` is checked); never reported."""
        return []

    @classmethod
    def check_project(cls, project: Project, options: Mapping[str, Any]) -> list[Violation]:
        raise NotImplementedError
