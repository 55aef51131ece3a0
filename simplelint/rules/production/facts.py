"""Per-file import facts, read from LibCST's tree in the single traversal.

- `ImportScanner`: a visitor mixin (for a `Rule` or a `FactCollector`) that finds every import that runs:
  statements at any depth (inside functions too) and `importlib.import_module("x")` / `__import__("x")`
  calls with a literal name. Imports in the body of `if TYPE_CHECKING:` never run, so they are skipped.
- `ImportCollector`: the `imports` fact collector built on it; one JSON-able dict per imported module.

`simplelint.rules.production.graph` joins these facts into the project's module graph.
"""

from __future__ import annotations

from typing import Any, Optional, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

from simplelint.rule import FactCollector, FileContext
from simplelint.rules.production.graph import IMPORTS, Import, ImportFact


class ImportScanner:
    """Mixin for a `Rule` or `FactCollector`: calls `found_import` for every import that runs.

    Put it first in the bases (`class MyRule(ImportScanner, Rule)`) so that its visit methods and state
    are set up; an `if TYPE_CHECKING:` body (not its `else`) is skipped.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guarded: set[int] = set()  # ids of `if TYPE_CHECKING:` bodies
        self._guard_depth = 0
        self._import_functions = {"__import__", "importlib.import_module"}

    def found_import(self, node: cst.CSTNode, found: Import) -> None:
        raise NotImplementedError

    def visit_If(self, node: cst.If) -> None:
        if _is_type_checking(node.test):
            self._guarded.add(id(node.body))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._leave(original_node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave(original_node)

    def _enter(self, node: cst.CSTNode) -> None:
        if id(node) in self._guarded:
            self._guard_depth += 1

    def _leave(self, node: cst.CSTNode) -> None:
        if id(node) in self._guarded:
            self._guard_depth -= 1

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if name == "importlib" and alias.asname is not None:
                self._import_functions.add(f"{_alias_name(alias)}.import_module")
            if not self._guard_depth:
                self.found_import(node, Import("import", name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = (get_full_name_for_node(node.module) or "") if node.module else ""
        if isinstance(node.names, cst.ImportStar):
            names: tuple[str, ...] = ("*",)
        else:
            names = tuple(get_full_name_for_node(a.name) or "" for a in node.names)
            if module == "importlib" and not node.relative:
                taken = [a for a in node.names if get_full_name_for_node(a.name) == "import_module"]
                self._import_functions.update(_alias_name(a) for a in taken)
        if not self._guard_depth:
            self.found_import(node, Import("from", module, len(node.relative), names))

    def visit_Call(self, node: cst.Call) -> None:
        if self._guard_depth or not node.args or not _may_import(node.func):
            return
        if get_full_name_for_node(node.func) not in self._import_functions:
            return
        name = _literal(node.args[0].value)
        if name:
            bare = name.lstrip(".")
            self.found_import(node, Import("dynamic", bare, len(name) - len(bare)))


def _alias_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return get_full_name_for_node(alias.name) or ""


def _may_import(func: cst.BaseExpression) -> bool:
    """Cheap test before building the dotted name: calls are the most common node."""
    if isinstance(func, cst.Attribute):
        return func.attr.value == "import_module"
    return isinstance(func, cst.Name)


def _is_type_checking(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "TYPE_CHECKING"
    return isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING"


def _literal(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain string literal (concatenations included); None for anything computed."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value: Union[str, bytes, None] = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class ImportCollector(ImportScanner, FactCollector):
    """The `imports` facts of a file: one dict per imported module, in source order.

    `at` is the statement's range in production files (and files under a contract) and None elsewhere:
    positions cost a code-generation pass over the file, and only those files' imports are reported. Override
    `wants_positions` to change that.
    """

    name = IMPORTS

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._found: list[tuple[cst.CSTNode, Import]] = []
        self._positions = self.wants_positions()

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        return b"import" in context.source

    def wants_positions(self) -> bool:
        from simplelint.rules.production.contracts import contracts_for

        context = self.context
        return context.is_production or bool(contracts_for(context.settings, context.path, False))

    def found_import(self, node: cst.CSTNode, found: Import) -> None:
        if self._positions:
            self.context.want_position(node)
        self._found.append((node, found))

    def facts(self) -> list[ImportFact]:
        positions = self.context.positions
        return [found.as_fact(positions.get(node)) for node, found in self._found]


