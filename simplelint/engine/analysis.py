"""Lint one file: read bytes, parse once, run every selected rule and fact collector in one traversal."""

from __future__ import annotations

import io
import re
import tokenize
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache, partial
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import libcst as cst

from simplelint import registry
from simplelint.config.settings import Settings
from simplelint.engine.edits import Rendered, edit_for
from simplelint.engine.notebook import NotebookError, is_notebook
from simplelint.engine.notebook import load as load_notebook
from simplelint.engine.positions import LineIndex, node_ranges
from simplelint.engine.result import FileResult, digest, file_violation, is_production, read_source
from simplelint.engine.suppression import parse_noqa
from simplelint.engine.traversal import traverse
from simplelint.engine.violation import Edit, Fix, Violation
from simplelint.rule import (
    AstFactCollector,
    Collector,
    FactCollector,
    FileContext,
    ProjectRule,
    Report,
    Rule,
    load_collector,
    python_ast,
    release_ast,
)

if TYPE_CHECKING:
    from typing_extensions import TypeGuard  # typing's from Python 3.10

T = TypeVar("T")

# LibCST's native parser overflows its stack (a segfault, not an exception) on a few thousand nested
# brackets; CPython itself rejects 200 nested brackets ("too many nested parentheses"). Such code, and
# absurd chains of unary operators, are caught before parsing: a cheap scan of the raw bytes first, then
# tokens to confirm it (brackets and operators in strings and comments do not count).
MAX_NESTING = 200
UNARY_CHAIN = 1000
# LibCST nests `a + b + c ...` one level per operator: 3,000 take it 5 s, 7,000 crash it. CPython 3.11
# compiles at most about 3,000 terms, so no code CPython accepts is refused.
BINARY_CHAIN = 3000
_BINARY = frozenset("+ - * / // % ** @ & | ^ << >> and or".split())
_CHAIN_BREAKS = frozenset(", : ; = := if else for lambda in return yield".split())
UNARY_CANDIDATE = re.compile(rb"(?:[-+~][ \t]*){999}[-+~]|(?:\bnot[ \t]+){999}not\b")
# Trailers in a row (`.attr`, `(...)`, `[...]`): LibCST's parse time grows with the cube of the chain
# (1,000 subscripts take it 3 s, 3,000 take 34 s); CPython 3.11 compiles at most about 2,000.
TRAILER_CHAIN = 1000
_TRAILER = rb"(?:\.[ \t\\\r\n]*[A-Za-z_]\w*|\([^()]*\)|\[[^\[\]]*\])"
TRAILER_CANDIDATE = re.compile(_TRAILER + rb"(?:[ \t\\\r\n]*" + _TRAILER + rb"){%d}" % (TRAILER_CHAIN - 1))
_OPEN_CLOSE = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"()[]{}")
_LAYOUT = frozenset((tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING))
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# Bytes from which CPython's tree is let go before LibCST parses the file (see `release_ast`); below, rules
# may still read it without parsing again.
LARGE_FILE = 1_000_000


@dataclass
class Analysis:
    """A parsed file with its reports, kept in-process for the fixer."""

    result: FileResult
    module: Optional[cst.Module] = None
    reports: list[Report] = field(default_factory=list)


def _parse(path: str, data: bytes, result: FileResult) -> Optional[cst.Module]:
    line = _too_deep_line(data)
    if line:
        result.violations.append(_nesting_violation(path, line))
        return None
    if b"\0" in data:
        # CPython refuses a NUL anywhere, even in a string or comment where LibCST takes it; neither says where.
        line, column = _position(data, data.index(b"\0"))
        message = "SyntaxError: source code cannot contain null bytes"
        result.violations.append(file_violation("SL001", path, message, line, column))
        return None
    try:
        return cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        line, column, reason, valid = _syntax_error(data, error)
        if valid:
            message = f"LibCST cannot parse this valid Python ({reason}); the file was not checked"
            result.violations.append(file_violation("SL005", path, message, line, column))
        else:
            result.violations.append(file_violation("SL001", path, f"SyntaxError: {reason}", line, column))
    except (UnicodeDecodeError, SyntaxError, LookupError) as error:
        line, reason = _undecodable(data, error)
        message = f"Cannot decode file: {reason}; save it as UTF-8 or declare its encoding (PEP 263)"
        result.violations.append(file_violation("SL002", path, message, line))
    except RecursionError:
        result.violations.append(_nesting_violation(path))
    return None


def _undecodable(data: bytes, error: Exception) -> tuple[int, str]:
    """The line and the reason, in the words of what the file declares (or does not)."""
    if isinstance(error, SyntaxError) and "missing encoding declaration" in str(error):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as where:
            error = where  # the tokenizer's words name no byte: find it
    if not isinstance(error, UnicodeDecodeError):
        return 1, str(error)  # an unknown or malformed declaration, on the first two lines
    line = len(_LINE_BREAK.findall(data, 0, error.start)) + 1
    try:
        head = tokenize.detect_encoding(io.BytesIO(data).readline)[1]  # the lines a declaration may be on
    except SyntaxError:
        head = []
    if any(tokenize.cookie_re.match(text.decode("latin-1")) for text in head):
        return line, f"not valid {error.encoding}, the encoding it declares, at byte {error.start}"
    return line, f"not valid UTF-8 at byte {error.start} and no PEP 263 encoding declaration"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters of the file's encoding) of a byte offset; CR, LF and CRLF end
    lines, as for CPython."""
    breaks = list(_LINE_BREAK.finditer(data, 0, offset))
    start = breaks[-1].end() if breaks else 0
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except (SyntaxError, LookupError):
        encoding = "utf-8"
    column = len(data[start:offset].decode(encoding, "replace").removeprefix("\ufeff")) + 1
    return len(breaks) + 1, column


def _too_deep_line(data: bytes) -> Optional[int]:
    """The line where the code nests too deeply for LibCST's parser, or None."""
    if _brackets_nest_too_deep(data) or _may_negate(data) or _may_chain(data) or _may_trail(data):
        return _token_nesting_line(data)
    return None


def _may_negate(data: bytes) -> bool:
    """Whether the raw bytes hold UNARY_CHAIN unary operators in a row (the regex alone costs 60 ms a MB)."""
    signs = data.count(b"-") + data.count(b"+") + data.count(b"~")
    if signs < UNARY_CHAIN and data.count(b"not") < UNARY_CHAIN:
        return False
    return UNARY_CANDIDATE.search(data) is not None


def _may_trail(data: bytes) -> bool:
    """Whether the raw bytes (strings and comments too) hold TRAILER_CHAIN trailers in a row."""
    if data.count(b".") + data.count(b"(") + data.count(b"[") < TRAILER_CHAIN:
        return False
    return TRAILER_CANDIDATE.search(data) is not None


def _may_chain(data: bytes) -> bool:
    """Whether the file holds enough operators for one over-long chain (counted in C, so cheap)."""
    count = sum(data.count(op) for op in (b"+", b"-", b"*", b"/", b"%", b"@", b"&", b"|", b"^", b"<<", b">>"))
    return count + data.count(b"and") + data.count(b"or") >= BINARY_CHAIN  # words like "for" count too: safe


def _brackets_nest_too_deep(text: bytes) -> bool:
    """Whether brackets nest MAX_NESTING deep, counting those in strings and comments too."""
    if text.count(b"(") + text.count(b"[") + text.count(b"{") < MAX_NESTING:
        return False
    depth = 0
    for char in text.translate(_OPEN_CLOSE, _NOT_BRACKETS):
        depth = depth + 1 if char == 40 else max(depth - 1, 0)
        if depth >= MAX_NESTING:
            return True
    return False


def _token_nesting_line(data: bytes) -> Optional[int]:
    """Where code nests too deeply outside strings and comments (or inside one f-string), or None."""
    depth = _Depth()
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if depth.too_deep(token) or (_is_fstring(token) and _brackets_nest_too_deep(token.string.encode())):
                return depth.chain_lines[-1] if depth.trailers[-1] >= TRAILER_CHAIN else token.start[0]
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        return 1  # it does not even tokenize, and may nest too deeply: do not risk the parser
    return None


class _Depth:
    """Bracket depth, unary operators in a row, and binary operators and trailers in a row at each depth."""

    def __init__(self) -> None:
        self.unary = 0
        self.binary = [0]
        self.trailers = [0]
        self.after_atom = False  # the last token ended an atom or a trailer: `.`, `(` or `[` would extend it
        self.after_dot = False
        self.chain_lines = [1]  # where the trailer chain at each depth began

    def too_deep(self, token: tokenize.TokenInfo) -> bool:
        if token.type in _LAYOUT:
            return False
        text = token.string
        self._trail(token)
        if token.type == tokenize.OP and text in "([{":
            self.binary.append(0)
        elif token.type == tokenize.OP and text in ")]}" and len(self.binary) > 1:
            self.binary.pop()
        elif text in _BINARY:
            self.binary[-1] += 1
        elif text in _CHAIN_BREAKS or token.type == tokenize.NEWLINE:
            self.binary[-1] = 0
        self.unary = self.unary + 1 if text in ("-", "+", "~", "not") else 0
        return (
            len(self.binary) > MAX_NESTING
            or self.unary >= UNARY_CHAIN
            or self.binary[-1] >= BINARY_CHAIN
            or self.trailers[-1] >= TRAILER_CHAIN
        )

    def _trail(self, token: tokenize.TokenInfo) -> None:
        text, is_op = token.string, token.type == tokenize.OP
        extends = self.after_atom and is_op and text in ".(["
        if is_op and text in "([{":
            self.trailers[-1] = self.trailers[-1] + 1 if extends else 0
            self.trailers.append(0)
            self.chain_lines.append(token.start[0])
        elif is_op and text in ")]}":
            if len(self.trailers) > 1:
                self.trailers.pop()
                self.chain_lines.pop()
        elif extends:  # `.`
            self.trailers[-1] += 1
        elif not (self.after_dot and token.type == tokenize.NAME):
            self.trailers[-1] = 0
            self.chain_lines[-1] = token.start[0]
        self.after_dot = is_op and text == "."
        self.after_atom = (is_op and text in ")]") or token.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)


def _is_fstring(token: tokenize.TokenInfo) -> bool:
    prefix = re.match(r"[A-Za-z]*", token.string)
    return token.type == tokenize.STRING and prefix is not None and "f" in prefix.group().lower()


def _syntax_error(data: bytes, error: cst.ParserSyntaxError) -> tuple[int, int, str, bool]:
    """Where and why, in CPython's words when it agrees the file is invalid (its positions are exact), and
    whether CPython compiles the file after all (LibCST's tokenizer rejects a few valid forms)."""
    valid = False
    try:
        compile(data, "<file>", "exec", flags=0x400, dont_inherit=True)  # ast.PyCF_ONLY_AST
        valid = True
    except SyntaxError as cpython:
        if cpython.lineno:
            return cpython.lineno, max(1, cpython.offset or 1), cpython.msg, False
    except (ValueError, RecursionError, MemoryError):
        pass  # CPython gives no position here, LibCST does
    reason = error.message.splitlines()[0] if error.message else "invalid syntax"
    return error.raw_line, error.raw_column + 1, reason, valid


def _nesting_violation(path: str, line: int = 1) -> Violation:
    message = (
        "Code is nested too deeply to analyse (200 nested brackets, 1,000 unary operators, 1,000 attributes,"
        " calls or subscripts, or 3,000 binary operators in a row: CPython rejects most such code, LibCST's"
        " parser overflows or takes minutes on it); split it up"
    )
    return file_violation("SL004", path, message, line)


def context_for(path: str, data: bytes, settings: Settings) -> FileContext:
    return FileContext(
        path=path,
        source=data,
        settings=settings,
        module_name=None if is_notebook(path) else settings.module_name(path),  # a notebook is not importable
        is_test=settings.is_test(path),
        is_production=is_production(path, data, settings),
    )


def analyse(path: str, data: bytes, settings: Settings, codes: Optional[frozenset[str]] = None) -> Analysis:
    """Analyse a file's bytes: Python source, or a notebook's JSON (its code cells, see engine.notebook)."""
    if is_notebook(path):
        return _analyse_notebook(path, data, settings, codes)
    return analyse_python(path, data, settings, codes)


def _analyse_notebook(path: str, data: bytes, settings: Settings, codes: Optional[frozenset[str]]) -> Analysis:
    """The notebook's code cells analysed as one module; its result keyed on the notebook's own bytes, with
    the table that turns positions in that module into cells' (the runner translates them after suppressions,
    so `# noqa` in a cell works as in a file)."""
    try:
        notebook = load_notebook(data)
    except NotebookError as error:
        result = FileResult(path, digest(data), is_test=settings.is_test(path))
        result.is_production = settings.is_production(path)
        result.violations.append(file_violation("SL002", path, f"Cannot read notebook: {error}"))
        return Analysis(result)
    analysis = analyse_python(path, notebook.python.encode("utf-8"), settings, codes)
    analysis.result.digest = digest(data)
    analysis.result.notebook = notebook.table()
    return analysis


def analyse_python(path: str, data: bytes, settings: Settings, codes: Optional[frozenset[str]] = None) -> Analysis:
    """Analyse Python source (for a notebook: its cells joined as `engine.notebook` joins them)."""
    codes = settings.codes_for(path) if codes is None else codes
    context = context_for(path, data, settings)
    result = FileResult(
        path,
        digest(data),
        module_name=context.module_name,
        is_test=context.is_test,
        is_production=context.is_production,
    )
    collectors = _collectors(context)
    in_ast = [c for c in collectors if _is(c, AstFactCollector)]
    _ast_facts(context, in_ast, result)  # from CPython's parser, even where LibCST's fails
    if settings.facts_only and len(in_ast) == len(collectors):
        return Analysis(result)  # nothing else is needed from this file: LibCST never parses it
    if len(data) > LARGE_FILE:
        release_ast(data)
    module = _parse(path, data, result)
    if module is None:
        return Analysis(result)
    context.module = module
    try:
        if not settings.facts_only:
            context.text_cache = _text(module, data)
        text = context.text_cache or ""
        result.noqa = parse_noqa(text)
        visitors = _visitors(context, codes, collectors)
        if visitors:
            _run_visitors(context, visitors, result, text)
    except RecursionError:
        result.violations.append(_nesting_violation(path))
        return Analysis(result)
    return Analysis(result, module, context.reports)


def _text(module: cst.Module, data: bytes) -> str:
    """The source as text: decoded, which is much cheaper than LibCST's code generation."""
    try:
        return data.decode(module.encoding).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError):
        return module.code


def _run_visitors(context: FileContext, visitors: list[cst.BatchableCSTVisitor], result: FileResult, text: str) -> None:
    """One traversal for all visitors, then positions for what they reported, then facts and violations."""
    module = context.module
    assert module is not None
    with ExitStack() as stack:
        _resolve_metadata(module, visitors, stack)
        traverse(module, visitors, context.scope, lambda v, tb: result.errors.append(_failure(context.path, v, tb)))
    if context.settings.facts_only:
        context.wanted.clear()  # nothing of this file is reported, so its positions are not needed
    ranges = node_ranges(module, [r.node for r in context.reports] + context.wanted, LineIndex(text))
    context.positions = ranges
    for visitor in visitors:
        if isinstance(visitor, FactCollector):
            _collect(visitor, result)
    fixes = [r.fix for r in context.reports if r.fix is not None]
    rendered = Rendered(module, fixes) if context.settings.compute_edits and fixes else None
    result.violations.extend(_violation(context.path, r, ranges, module, rendered) for r in context.reports)


def _visitors(
    context: FileContext, codes: frozenset[str], collectors: list[Collector]
) -> list[cst.BatchableCSTVisitor]:
    """Instances of the selected rules that apply to this file, then the LibCST fact collectors."""
    settings = context.settings
    rules = [] if settings.facts_only else [r for code, r in registry.all_rules().items() if code in codes]
    visitors: list[cst.BatchableCSTVisitor] = [
        rule(context, settings.options.get(registry.table_of(rule.code) or "", {}))
        for rule in rules
        if _is(rule, Rule) and rule.applies_to(context)
    ]
    visitors.extend(c(context) for c in collectors if _is(c, FactCollector))
    return visitors


def _collectors(context: FileContext) -> list[Collector]:
    """The fact collectors of the enabled project rules (and of a report) that apply to this file."""
    settings = context.settings
    # Facts describe the file for the project stage, so a per-file ignore of a project rule keeps them.
    project = [r for code, r in registry.all_rules().items() if code in settings.enabled and _is(r, ProjectRule)]
    collectors: dict[str, Collector] = {c.name: c for rule in project for c in map(load_collector, rule.FACTS)}
    for spec in settings.collectors:
        collector = _import_collector(spec)
        collectors[collector.name] = collector
    wanted = settings.facts_only or collectors
    return [c for c in collectors.values() if c.name in wanted and c.applies_to(context)]


def _ast_facts(context: FileContext, collectors: list[type[AstFactCollector]], result: FileResult) -> None:
    tree = python_ast(context.source) if collectors else None
    if tree is None:
        return  # CPython cannot parse it: no facts, as for a file LibCST cannot parse
    carrier = next((c for c in collectors if c.carries_riders), None)
    riders = {c: r for c in collectors if carrier and c is not carrier and (r := c.rider(context)) is not None}
    if carrier and riders:  # one walk for them all
        done: set[type[AstFactCollector]] = {carrier}
        if _facts_of(carrier, result, partial(carrier.collect_carrying, tree, context, list(riders.values()))):
            for collector, rider in riders.items():
                _facts_of(collector, result, rider.facts)
            done.update(riders)
        collectors = [c for c in collectors if c not in done]  # and riders of a broken walk walk on their own
    for collector in collectors:
        _facts_of(collector, result, partial(collector.collect, tree, context))


def _facts_of(collector: type[AstFactCollector], result: FileResult, collect: Callable[[], Any]) -> bool:
    try:
        result.facts[collector.name] = collect()
        return True
    except Exception:  # a collector's bug must not lose the file's findings
        import traceback

        result.errors.append(_failure(result.path, collector, traceback.format_exc(limit=-3)))
        return False


def _is(rule: object, kind: type[T]) -> TypeGuard[type[T]]:
    return isinstance(rule, type) and issubclass(rule, kind)


@cache
def _import_collector(spec: str) -> type[FactCollector]:
    """A collector named "module:Class" in `Settings.collectors` (plain strings cross processes and the cache)."""
    import importlib

    module_name, _, class_name = spec.partition(":")
    collector: type[FactCollector] = getattr(importlib.import_module(module_name), class_name)
    return collector


def _resolve_metadata(module: cst.Module, visitors: list[cst.BatchableCSTVisitor], stack: ExitStack) -> None:
    """Resolve only the providers the visitors of this file declared, without copying the tree."""
    if not any(v.get_inherited_dependencies() for v in visitors):
        return
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    for visitor in visitors:
        if visitor.get_inherited_dependencies():
            stack.enter_context(visitor.resolve(wrapper))


def _collect(collector: FactCollector, result: FileResult) -> None:
    try:
        result.facts[collector.name] = collector.facts()
    except RecursionError:
        raise
    except Exception:
        import traceback

        result.errors.append(_failure(result.path, collector, traceback.format_exc(limit=-3)))


def _failure(path: str, visitor: object, trace: str) -> str:
    kind = visitor if isinstance(visitor, type) else type(visitor)
    what = f"rule {visitor.code} ({visitor.name})" if isinstance(visitor, Rule) else kind.__name__
    last = trace.strip().splitlines()[-1] if trace.strip() else "unknown error"
    return f"{path}: internal error in {what}: {last}. Please report it; the other rules still ran."


def _snippet(module: cst.Module, node: cst.CSTNode) -> str:
    return " ".join(module.code_for_node(node).split())[:200]


def _violation(
    path: str,
    report: Report,
    ranges: dict[cst.CSTNode, tuple[int, int, int, int]],
    module: cst.Module,
    rendered: Optional[Rendered],
) -> Violation:
    """The report as a violation; its fix carries a text edit when `rendered` is given (json, sarif)."""
    line, column, end_line, end_column = ranges.get(report.node, (1, 1, 1, 1))
    fix = None
    if report.fix is not None:
        edits: tuple[Edit, ...] = ()
        if rendered is not None:
            edit = edit_for(rendered, report.fix)
            edits = (edit,) if edit else ()
        fix = Fix(report.fix.message, "unsafe" if report.fix.unsafe else "safe", edits)
    return Violation(
        report.code,
        report.name,
        report.message,
        path,
        line,
        column,
        end_line,
        end_column,
        fix,
        context=report.scope,
        snippet=_snippet(module, report.node),
        extra=report.extra,
    )


def lint_source(path: str, data: bytes, settings: Settings) -> FileResult:
    return analyse(path, data, settings).result


def lint_file(path: str, settings: Settings) -> FileResult:
    try:
        data = read_source(path)
    except OSError as error:
        result = FileResult(path, "")
        reason = error.strerror or str(error)
        result.violations.append(file_violation("SL002", path, f"Cannot read file: {reason}"))
        return result
    return lint_source(path, data, settings)
