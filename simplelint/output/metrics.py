"""Per-function facts for the health report and the gates: qualified name, line, annotations and complexity.

The collector runs in the engine's single traversal when a report asks for it (`Settings.collectors`), so
the report costs no second parse, and its facts are cached with the file's other results. Complexity is
measured by the complexity rules themselves (SL101 cyclomatic, SL102 cognitive), driven by this collector
with their `check` recording the value instead of comparing it with a limit: one definition of each metric.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional, cast

import libcst as cst

from simplelint import registry
from simplelint.rule import FactCollector, FileContext, Rule
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


class _Recorder(NamedTuple):
    rule: Rule
    values: dict[cst.CSTNode, int]  # function node -> the rule's measurement


def _recorder(code: str, context: FileContext) -> Optional[_Recorder]:
    """The metric rule `code`, its `check(node, value)` recording values in `.values` instead of reporting."""
    rule = registry.all_rules().get(code)
    if not (isinstance(rule, type) and issubclass(rule, Rule) and hasattr(rule, "check")):
        return None
    values: dict[cst.CSTNode, int] = {}

    def record(self: Rule, node: cst.FunctionDef, value: int) -> None:
        values[node] = value

    # type() makes a subclass of `rule`, which mypy cannot follow.
    recording = cast("type[Rule]", type(f"Recording{rule.__name__}", (rule,), {"check": record}))
    return _Recorder(recording(context, context.settings.options.get(registry.table_of(code) or "", {})), values)


def _hooks(visitor: Rule) -> dict[str, Callable[[cst.CSTNode], object]]:
    """The visitor's own visit_/leave_ methods (not LibCST's no-op defaults)."""
    names = [n for n in dir(type(visitor)) if n.startswith(("visit_", "leave_"))]
    return {n: getattr(visitor, n) for n in names if not getattr(getattr(type(visitor), n), "_is_no_op", False)}


class FunctionMetrics(FactCollector):
    """Each function's qualified name, line, annotated and annotatable parameters and return (`typed`, `slots`;
    `annotated` when all are), and its cyclomatic/cognitive complexity."""

    name = FUNCTIONS

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._kinds: list[str] = []
        self._found: list[tuple[cst.FunctionDef, dict[str, Any]]] = []
        self._metrics = {key: _recorder(code, context) for key, code in METRICS.items()}
        self._forward: dict[str, list[Callable[[cst.CSTNode], object]]] = {}
        for metric in self._metrics.values():
            for hook, method in (_hooks(metric.rule) if metric else {}).items():
                self._forward.setdefault(hook, []).append(method)

    def _call(self, hook: str, node: cst.CSTNode) -> None:
        for method in self._forward.get(hook, ()):
            method(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._kinds.append("class")
        self._call("visit_ClassDef", node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._kinds.pop()
        self._call("leave_ClassDef", original_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        is_method = bool(self._kinds) and self._kinds[-1] == "class"
        self._kinds.append("def")
        self.context.want_position(node.name)
        # The engine has pushed this function's name on the scope already.
        typed, slots = _slots(node, is_method)
        fact = {"name": ".".join(self.context.scope), "annotated": typed == slots, "typed": typed, "slots": slots}
        self._found.append((node, fact))
        self._call("visit_FunctionDef", node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._kinds.pop()
        self._call("leave_FunctionDef", original_node)

    def facts(self) -> list[dict[str, Any]]:
        positions = self.context.positions
        found = []
        for node, fact in self._found:
            values = {key: metric.values.get(node) if metric else None for key, metric in self._metrics.items()}
            found.append({**fact, **values, "line": positions.get(node.name, (1,))[0]})
        return found


def _forwarding(hook: str) -> Callable[[FunctionMetrics, cst.CSTNode], None]:
    def forward(self: FunctionMetrics, node: cst.CSTNode) -> None:
        self._call(hook, node)

    forward.__name__ = hook
    return forward


def _install_forwarding() -> None:
    """Give the collector every visit_/leave_ hook the metric rules have, so the traversal calls it for them."""
    for code in METRICS.values():
        rule = registry.all_rules().get(code)
        if not isinstance(rule, type):
            continue
        for hook in dir(rule):
            own = hook.startswith(("visit_", "leave_")) and not getattr(getattr(rule, hook), "_is_no_op", False)
            if own and hook not in vars(FunctionMetrics):
                setattr(FunctionMetrics, hook, _forwarding(hook))


_install_forwarding()
