"""The rule API: a rule is one small class with its docs, options, examples and visit methods.

A per-file `Rule` is a LibCST batchable visitor: the engine runs every selected rule in one traversal.
A `ProjectRule` joins small per-file facts (gathered by `FactCollector`s in that same traversal) after
all files are linted, so project-wide checks never parse a file twice.

The traversal calls `visit_<Node>` and `leave_<Node>` as LibCST does, with two differences it enforces:
attribute visitors (`visit_<Node>_<attr>`, `leave_<Node>_<attr>`) are refused when the class is created
(a TypeError), since the traversal would never call them; and a visit method must return None, since the
traversal is shared and always visits the children (returning False does not skip them). One that returns
anything else is reported as the rule's internal error for that file, and the other rules still run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional, Union

import libcst as cst

from simplelint.ruleinfo import (
    GLOB,
    PATH,
    SELECTOR,
    AstFactCollector,
    Collector,
    CollectorSpec,
    Example,
    FileContext,
    FileFacts,
    Invalid,
    Option,
    OptionValue,
    Project,
    ProjectRule,
    Rider,
    RuleInfo,
    Valid,
    ast_summary,
    load_collector,
    python_ast,
    release_ast,
    walk_riders,
)

__all__ = [
    "GLOB", "PATH", "SELECTOR", "AstFactCollector", "Collector", "CollectorSpec", "Example", "FactCollector",
    "FileContext", "FileFacts", "Invalid", "NodeFix", "Option", "OptionValue", "Project", "ProjectRule", "Report",
    "Rider", "Rule", "RuleInfo", "Valid", "ast_summary", "load_collector", "python_ast", "release_ast", "walk_riders",
]  # fmt: skip


@dataclass
class NodeFix:
    """A fix is a LibCST node replacement, never a text edit: the rest of the file keeps its bytes."""

    original: cst.CSTNode
    replacement: Union[cst.CSTNode, cst.RemovalSentinel, cst.FlattenSentinel[cst.CSTNode]]
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
    # Carried into `Violation.extra`: a metric rule's measured `value` and its `limit` (the baseline's ratchet).
    extra: dict[str, Any] = field(default_factory=dict)


def _refuse_attribute_visitors(cls: type) -> None:
    """Raise for a `visit_<Node>_<attr>`/`leave_<Node>_<attr>` method: LibCST calls one around a field of a
    node, the shared traversal never would (a check that silently never runs)."""
    for klass in cls.__mro__:
        if klass.__module__.startswith("libcst"):
            continue  # LibCST's own no-op defaults
        for name in vars(klass):
            prefix, _, rest = name.partition("_")
            node, _, attribute = rest.partition("_")
            if prefix in ("visit", "leave") and attribute and _is_node_name(node):
                raise TypeError(
                    f"{cls.__qualname__}.{name}: attribute visitors ({prefix}_<Node>_<attr>) are not supported, "
                    f"simplelint's traversal would never call it; use visit_{node}/leave_{node} instead"
                )


def _is_node_name(name: str) -> bool:
    node_type = getattr(cst, name, None)
    return isinstance(node_type, type) and issubclass(node_type, cst.CSTNode)


class Rule(RuleInfo, cst.BatchableCSTVisitor):
    """A per-file rule: define `visit_<Node>`/`leave_<Node>` methods and call `self.report()`.

    `options` (on the class) declares the rule's options; `config` (on the instance) holds their configured
    values, defaults filled in. A value's type is its declared default's (checked as the config is read),
    which no static type can say per key: hence `Any`.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _refuse_attribute_visitors(cls)

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__()
        self.context = context
        self.config = config

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        """Cheap pre-filter on the file (e.g. its text mentions a module): skipped rules cost nothing."""
        return True

    def report(
        self, node: cst.CSTNode, message: str, fix: Optional[NodeFix] = None, *, extra: Optional[dict[str, Any]] = None
    ) -> None:
        """Report `node`; `extra` (JSON data) rides along in the violation, e.g. a metric's `value` and `limit`."""
        self.context.reports.append(
            Report(node, message, fix, ".".join(self.context.scope), self.code, self.name, dict(extra or {}))
        )


class FactCollector(cst.BatchableCSTVisitor):
    """Gathers small, JSON-serialisable facts about one file during the single traversal."""

    name: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _refuse_attribute_visitors(cls)

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return True

    def facts(self) -> Any:
        raise NotImplementedError
