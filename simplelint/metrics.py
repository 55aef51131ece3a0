"""Per-function facts for the health report: qualified name, line, full annotation and complexity.

The collector runs in the engine's single traversal when a report asks for it (`Settings.collectors`), so
the report costs no second parse, and its facts are cached with the file's other results.
"""

from __future__ import annotations

from typing import Any, Optional

import libcst as cst

from simplelint.rule import FactCollector

FUNCTIONS = "function-metrics"


def _annotated(node: cst.FunctionDef, is_method: bool) -> bool:
    """Every parameter (but a method's `self`/`cls`) and the return carry an annotation."""
    params = node.params
    positional = [*params.posonly_params, *params.params]
    if is_method and positional and "staticmethod" not in _decorators(node):
        positional = positional[1:]
    star = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    every = [*positional, *star, *params.kwonly_params]
    return node.returns is not None and all(p.annotation is not None for p in every)


def _decorators(node: cst.FunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Attribute):
            expression = expression.attr
        if isinstance(expression, cst.Name):
            names.add(expression.value)
    return names


def complexity(node: cst.FunctionDef) -> tuple[Optional[int], Optional[int]]:
    """(cyclomatic, cognitive) of one function, from the complexity rules' own metric functions."""
    try:
        from simplelint.rules import complexity as rules
    except ImportError:
        return None, None
    cyclomatic = getattr(rules, "cyclomatic_complexity", None)
    cognitive = getattr(rules, "cognitive_complexity", None)
    return (cyclomatic(node) if cyclomatic else None), (cognitive(node) if cognitive else None)


class FunctionMetrics(FactCollector):
    """Each function's qualified name, line, whether fully annotated, and its cyclomatic/cognitive complexity."""

    name = FUNCTIONS

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._kinds: list[str] = []
        self._found: list[tuple[cst.Name, dict[str, Any]]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._kinds.append("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._kinds.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        is_method = bool(self._kinds) and self._kinds[-1] == "class"
        self._kinds.append("def")
        cyclomatic, cognitive = complexity(node)
        fact = {
            "name": ".".join(self.context.scope),  # the engine has pushed this function's name already
            "annotated": _annotated(node, is_method),
            "cyclomatic": cyclomatic,
            "cognitive": cognitive,
        }
        self._found.append((self.context.want_position(node.name), fact))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._kinds.pop()

    def facts(self) -> list[dict[str, Any]]:
        positions = self.context.positions
        return [{**fact, "line": positions.get(name, (1,))[0]} for name, fact in self._found]
