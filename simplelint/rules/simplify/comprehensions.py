"""SL115-SL116: comprehensions that copy, and `in d.keys()`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Union

import libcst as cst

from simplelint.rule import FileContext, Invalid, NodeFix
from simplelint.rules.simplify.base import SimplifyRule, code_of, is_name, short, walk
from simplelint.rules.simplify.expressions import call, in_place, without_parens
from simplelint.rules.simplify.names import Scoped, is_builtin


def plain_loop(loop: cst.CompFor) -> bool:
    return loop.inner_for_in is None and not loop.ifs and loop.asynchronous is None


def copies_pairs(node: cst.DictComp) -> bool:
    """`{k: v for k, v in pairs}`."""
    target = node.for_in.target
    if not isinstance(target, cst.Tuple) or len(target.elements) != 2:
        return False
    first, second = (element.value for element in target.elements)
    if not (isinstance(first, cst.Name) and isinstance(second, cst.Name)) or first.value == second.value:
        return False
    return is_name(node.key, first.value) and is_name(node.value, second.value)


class UnnecessaryComprehension(SimplifyRule):
    """
    ## What it does
    Flags comprehensions that only copy their iterable: `[x for x in y]`, `{x for x in y}` and
    `{k: v for k, v in pairs}` (flake8-comprehensions' C416), and offers `list(y)`, `set(y)`, `dict(pairs)`.

    ## Why is this bad?
    The constructor says "copy" at a glance; the comprehension makes the reader check that nothing is
    transformed or filtered.

    ## Example
    ```python
    names = [name for name in load_names()]
    index = {key: value for key, value in pairs}
    ```

    ## Use instead
    ```python
    names = list(load_names())
    index = dict(pairs)
    ```

    ## Fix safety
    Unsafe, as in ruff. `{k: v for k, v in d}` unpacks the *keys* of a mapping `d` while `dict(d)` copies
    it (`{(1, 2): 3}` gives `{1: 2}` against `{(1, 2): 3}`). `set(y)` copies a `set` subclass without its
    `__iter__`, and `list(y)` asks `y.__len__` for a size hint, so unusual types can tell the difference.
    Not reported when the builtin is rebound in the file; no fix when a comment would be lost, nor for
    `[x for x in self]` (`list(self)` calls `self.__len__`, which may be written with this comprehension).
    """

    code = "SL115"
    name = "unnecessary-comprehension"
    silenced_by = ("C416",)
    summary = "Comprehension that only copies its iterable"
    VALID = [
        "a = [x + 1 for x in y]\n",
        "a = [x for x in y if x]\n",
        "a = [x for x in y for z in x]\n",
        "async def f():\n    return [x async for x in y]\n",
        "a = {v: k for k, v in d.items()}\n",
        "a = [(k, v) for k, v in pairs]\n",
        "list = dict\na = [x for x in y]\n",
    ]
    INVALID = [
        Invalid("a = [x for x in y]\n", fixed="a = list(y)\n", count=1, message="`list`"),
        Invalid("a = {x for x in (1, 2)}\n", fixed="a = set((1, 2))\n"),
        Invalid("a = {k: v for k, v in d.items()}\n", fixed="a = dict(d.items())\n"),
        Invalid("def f():\n    n = len([c for c in (yield)])\n", fixed="def f():\n    n = len(list((yield)))\n"),
        Invalid(
            "async def f():\n    return [x for x in await g()]\n", fixed="async def f():\n    return list(await g())\n"
        ),
        Invalid("a = [\n    x  # every x\n    for x in y\n]\n", fixed=None),
        Invalid("class C:\n    def __len__(self):\n        return len([x for x in self])\n", fixed=None),
    ]

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._check_copy(node, "list")

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._check_copy(node, "set")

    def visit_DictComp(self, node: cst.DictComp) -> None:
        if plain_loop(node.for_in) and copies_pairs(node):
            self._report(node, "dict")

    def _check_copy(self, node: Union[cst.ListComp, cst.SetComp], kind: str) -> None:
        target = node.for_in.target
        if plain_loop(node.for_in) and isinstance(target, cst.Name) and is_name(node.elt, target.value):
            self._report(node, kind)

    def _report(self, node: Union[cst.ListComp, cst.SetComp, cst.DictComp], kind: str) -> None:
        if not is_builtin(self.context, kind):
            return
        fix = None
        if not is_name(node.for_in.iter, "self"):
            replacement = in_place(node, call(kind, node.for_in.iter))
            fix = NodeFix(node, replacement, f"Rewrite using `{kind}()`", unsafe=True)
        self.report(node, f"Unnecessary `{kind}` comprehension: rewrite using `{kind}()`", fix)


def keys_receiver(expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """`d` for `d.keys()` (not `self.keys()`, which is usually how `__contains__` is written)."""
    if not isinstance(expr, cst.Call) or expr.args:
        return None
    function = expr.func
    if not isinstance(function, cst.Attribute) or function.attr.value != "keys" or is_name(function.value, "self"):
        return None
    return function.value


def keys_checked(scope: cst.CSTNode) -> frozenset[str]:
    """The objects (as code) that `hasattr(obj, "keys")` or `getattr(obj, "keys", ...)` asks about in `scope`."""
    found = set()
    for node in walk(scope):
        if not isinstance(node, cst.Call) or len(node.args) < 2:
            continue
        if is_name(node.func, "hasattr") or is_name(node.func, "getattr"):
            attribute = node.args[1].value
            if isinstance(attribute, cst.SimpleString) and attribute.evaluated_value == "keys":
                found.add(code_of(without_parens(node.args[0].value)))
    return frozenset(found)


class InDictKeys(Scoped):
    """
    ## What it does
    Flags `key in d.keys()` and `key not in d.keys()` (flake8-simplify's SIM118), and iterating over
    `d.keys()` in a `for` loop or a comprehension when `d` is known to be a dict: a dict display or
    comprehension, a call of `dict` (or `collections.OrderedDict`, `defaultdict`, `Counter`), `**kwargs`, a
    parameter annotated `dict[...]`/`typing.Dict`, or a name bound only to such in its scope.

    Not reported for `self.keys()` (how `__contains__` is written), nor when the function asks
    `hasattr(d, "keys")` or `getattr(d, "keys", ...)`: that is the mapping protocol (`dict.update`'s), where
    an object with `keys()` is read through `keys()` and `__getitem__`, and iterating the object itself
    means something else (its `__getitem__` by index, a sequence of pairs). Iterating `d.keys()` of an
    object not known to be a dict is not reported either, for the same reason.

    ## Why is this bad?
    A dict is already a container and an iterable of its keys; `.keys()` adds a call and a view object
    and says nothing more.

    ## Example
    ```python
    def merge(settings: dict[str, str], defaults):
        for name in settings.keys():
            if name in defaults.keys():
                ...
    ```

    ## Use instead
    ```python
    def merge(settings: dict[str, str], defaults):
        for name in settings:
            if name in defaults:
                ...
    ```

    ## Fix safety
    Safe when `d` is known to be a dict. Otherwise (a membership test) unsafe: the receiver may be something
    else than a mapping whose `keys()` agrees with its own `in` (a pandas DataFrame's `in` looks at its
    columns as `keys()` does, but a class may define `keys()` and `__contains__` apart, or no `__contains__`
    at all, and then `in` iterates it).
    """

    code = "SL116"
    name = "in-dict-keys"
    silenced_by = ("SIM118",)
    summary = "`key in d.keys()` or iterating a dict's `.keys()`"
    VALID = [
        "for k in d:\n    pass\n",
        "ks = d.keys()\n",
        "class M:\n    def __contains__(self, k):\n        return k in self.keys()\n",
        "ok = k in d.keys(1)\n",
        "def f(d):\n    for k in d.keys():\n        pass\n",
        "ks = {k for k in self.d.keys()}\n",
        "def f(d, k):\n    if hasattr(d, 'keys'):\n        return k in d.keys()\n",
        "def f(d: dict):\n    if hasattr(d, 'keys'):\n        return [k for k in d.keys()]\n",
    ]
    INVALID = [
        Invalid(
            "d = {}\nfor k in d.keys():\n    pass\n",
            fixed="d = {}\nfor k in d:\n    pass\n",
            count=1,
            message="Iterate over `d` directly",
        ),
        Invalid("ok = k not in (a or b).keys()\n", fixed="ok = k not in (a or b)\n", message="`key not in dict`"),
        Invalid(
            "def f(d: dict[str, int], **kw):\n    return {k for k in d.keys()}, [k for k in kw.keys()]\n",
            fixed="def f(d: dict[str, int], **kw):\n    return {k for k in d}, [k for k in kw]\n",
            count=2,
        ),
        Invalid("ok = k in (d.keys())\n", fixed="ok = k in (d)\n"),
        Invalid("ok = k in d.keys(  # all of them\n)\n", fixed=None),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self._checked: dict[int, frozenset[str]] = {}

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is None:
            self._check_loop(node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is None:
            self._check_loop(node.iter)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        operator = node.comparisons[0].operator
        if len(node.comparisons) != 1 or not isinstance(operator, (cst.In, cst.NotIn)):
            return
        expr = node.comparisons[0].comparator
        receiver = self._receiver(expr)
        if receiver is not None:
            wanted = "not in" if isinstance(operator, cst.NotIn) else "in"
            fix = NodeFix(expr, in_place(expr, receiver), "Remove `.keys()`", unsafe=not self._is_dict(receiver))
            self.report(expr, f"Use `key {wanted} dict` instead of `key {wanted} dict.keys()`", fix)

    def _check_loop(self, expr: cst.BaseExpression) -> None:
        receiver = self._receiver(expr)
        if receiver is not None and self._is_dict(receiver):
            name = short(receiver)
            fix = NodeFix(expr, in_place(expr, receiver), "Remove `.keys()`")
            self.report(expr, f"Iterate over `{name}` directly instead of `{name}.keys()`", fix)

    def _receiver(self, expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """`d` for `d.keys()`, unless the scope asks whether `d` has `keys` (the mapping protocol)."""
        receiver = keys_receiver(expr)
        if receiver is None:
            return None
        scope = self.scopes[-1]
        checked = self._checked.get(id(scope))
        if checked is None:
            checked = self._checked[id(scope)] = keys_checked(scope)
        return None if code_of(without_parens(receiver)) in checked else receiver

    def _is_dict(self, receiver: cst.BaseExpression) -> bool:
        return self.collection_types(receiver) == frozenset({"dict"})
