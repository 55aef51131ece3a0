"""Per-function facts for the health report and the gates: qualified name, line, annotations and complexity.

The collector runs in the engine's single traversal when a report asks for it (`Settings.collectors`), so
the report costs no second parse, and its facts are cached with the file's other results. Complexity is
measured by the complexity rules themselves (SL101 cyclomatic, SL102 cognitive): one definition of each
metric. When they are selected for the file (the default) their values are read from `FileContext.measured`,
which they fill in the same traversal; only for a file where one is not does this collector drive a recording
copy of it (its `check` records the value instead of comparing it with a limit).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from typing import Any, Callable, Optional, cast

import libcst as cst

from simplelint import registry
from simplelint.rule import FactCollector, FileContext, Rule, python_ast
from simplelint.rules.naming import decorator_names

FUNCTIONS = "function-metrics"
# Fact key -> the rule whose measurement gives it.
METRICS = {"cyclomatic": "SL101", "cognitive": "SL102"}


def _slots(node: cst.FunctionDef, is_method: bool) -> tuple[int, int]:
    """(annotated, annotatable) among the parameters (but a method's `self`/`cls`) and the return: what the
    `min-type-coverage` gate and the report's type-hint coverage count (as SL201/SL202 ask, one each)."""
    params = node.params
    positional = [*params.posonly_params, *params.params]
    if is_method and positional and "staticmethod" not in decorator_names(node):
        positional = positional[1:]
    star = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    every = [*positional, *star, *params.kwonly_params]
    annotated = sum(p.annotation is not None for p in every) + (node.returns is not None)
    return annotated, len(every) + 1


@cache
def _recording(rule: type[Rule]) -> type[Rule]:
    """A subclass of the metric rule whose `check` records the value (in `FileContext.measured`) and reports
    nothing; made once per process, so the traversal finds its hooks in its per-class table."""

    def record(self: Rule, node: cst.FunctionDef, value: int) -> None:
        self.measured[node] = value  # type: ignore[attr-defined]  # a MetricRule's, which `check` implies

    # type() makes a subclass of `rule`, which mypy cannot follow.
    return cast("type[Rule]", type(f"Recording{rule.__name__}", (rule,), {"check": record}))


def _recorder(code: str, context: FileContext) -> Optional[Rule]:
    """A recording copy of the metric rule `code` (None when no such rule is registered)."""
    rule = registry.all_rules().get(code)
    if not (isinstance(rule, type) and issubclass(rule, Rule) and hasattr(rule, "check")):
        return None
    return _recording(rule)(context, context.settings.options.get(registry.table_of(code) or "", {}))


_BODIES = ("body", "handlers", "orelse", "finalbody", "cases")
_DEF = re.compile(r"(?:async[ \t\f]+)?def[ \t\f]+")
_NEWLINE = re.compile(r"\r\n?|\n")  # CPython's line breaks (str.splitlines has more)


def _def_lines(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(line, column, name) of every `def` in CPython's tree, in source order: the order of the traversal's
    FunctionDef nodes. Only statement lists are walked: a `def` is a statement."""
    found = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((node.lineno, node.col_offset, node.name))
        for field in _BODIES:
            stack.extend(getattr(node, field, ()))
    return sorted(found)


def _names_def_at(lines: list[str], line: int, column: int, name: str) -> bool:
    """Whether `def name` (or `async def name`) begins at that 1-based line and 0-based column, the name on
    the same line (where LibCST's position of the name would be)."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    keyword = _DEF.match(text, column)
    return keyword is not None and text.startswith(name, keyword.end())


@cache
def _hook_names(kind: type) -> tuple[str, ...]:
    """The class's own visit_/leave_ methods (not LibCST's no-op defaults)."""
    names = [n for n in dir(kind) if n.startswith(("visit_", "leave_"))]
    return tuple(n for n in names if not getattr(getattr(kind, n), "_is_no_op", False))


class FunctionMetrics(FactCollector):
    """Each function's qualified name, line, annotated and annotatable parameters and return (`typed`, `slots`;
    `annotated` when all are), and its cyclomatic/cognitive complexity."""

    name = FUNCTIONS

    def __new__(cls, context: FileContext) -> FunctionMetrics:
        # The engine makes the file's rules before its collectors: a metric rule not in `measured` by now does
        # not run on this file, and the collector that drives a copy of it (and forwards it every hook) is
        # needed. Otherwise this class, with four hooks, costs the traversal next to nothing.
        missing = cls is FunctionMetrics and any(code not in context.measured for code in METRICS.values())
        return super().__new__(_Driving if missing else cls)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._kinds: list[str] = []
        self._found: list[tuple[cst.FunctionDef, dict[str, Any], Optional[int]]] = []  # node, facts, line
        # Each function's line from CPython's tree (parsed once per file for every AST collector, SL301's and
        # SL503's in a default run): asking the engine for positions costs a code-generation pass over a file
        # that may have no finding at all. A `def` the two trees do not place alike falls back to that pass.
        tree = python_ast(context.source)
        self._defs = _def_lines(tree) if tree is not None else []
        self._lines = _NEWLINE.split(context.text) if self._defs else []

    def _line(self, node: cst.FunctionDef) -> Optional[int]:
        """The line of the function's name, if CPython's tree places its `def` (the next in source order)."""
        index = len(self._found)
        if index >= len(self._defs):
            return None
        line, column, name = self._defs[index]
        return line if name == node.name.value and _names_def_at(self._lines, line, column, name) else None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._kinds.append("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._kinds.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        is_method = bool(self._kinds) and self._kinds[-1] == "class"
        self._kinds.append("def")
        line = self._line(node)
        if line is None:
            self.context.want_position(node.name)
        # The engine has pushed this function's name on the scope already.
        typed, slots = _slots(node, is_method)
        fact = {"name": ".".join(self.context.scope), "annotated": typed == slots, "typed": typed, "slots": slots}
        self._found.append((node, fact, line))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._kinds.pop()

    def facts(self) -> list[dict[str, Any]]:
        positions = self.context.positions
        measured = {key: self.context.measured.get(code, {}) for key, code in METRICS.items()}
        found = []
        for node, fact, line in self._found:
            values = {key: by_node.get(node) for key, by_node in measured.items()}
            found.append({**fact, **values, "line": line or positions.get(node.name, (1,))[0]})
        return found


class _Driving(FunctionMetrics):
    """FunctionMetrics for a file where a metric rule does not run (`--ignore SL101`, a per-file ignore): it
    drives a recording copy of that rule, forwarding it the traversal's calls."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._forward: dict[str, list[Callable[[cst.CSTNode], object]]] = {}
        for code in METRICS.values():
            recorder = None if code in context.measured else _recorder(code, context)
            for hook in _hook_names(type(recorder)) if recorder else ():
                self._forward.setdefault(hook, []).append(getattr(recorder, hook))

    def _call(self, hook: str, node: cst.CSTNode) -> None:
        for method in self._forward.get(hook, ()):
            method(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        super().visit_ClassDef(node)
        self._call("visit_ClassDef", node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        super().leave_ClassDef(original_node)
        self._call("leave_ClassDef", original_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        self._call("visit_FunctionDef", node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        super().leave_FunctionDef(original_node)
        self._call("leave_FunctionDef", original_node)


def _forwarding(hook: str) -> Callable[[_Driving, cst.CSTNode], None]:
    def forward(self: _Driving, node: cst.CSTNode) -> None:
        self._call(hook, node)

    forward.__name__ = hook
    return forward


def _install_forwarding() -> None:
    """Give the driving collector every visit_/leave_ hook the metric rules have, so the traversal calls it for
    them."""
    for code in METRICS.values():
        rule = registry.all_rules().get(code)
        if not isinstance(rule, type):
            continue
        for hook in dir(rule):
            own = hook.startswith(("visit_", "leave_")) and not getattr(getattr(rule, hook), "_is_no_op", False)
            if own and hook not in vars(_Driving):
                setattr(_Driving, hook, _forwarding(hook))


_install_forwarding()
