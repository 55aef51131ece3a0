"""SL120: `for i in range(len(xs))` that only reads `xs[i]`."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from simplelint.rule import FileContext, Invalid, NodeFix
from simplelint.rules.simplify.base import code_of, is_name, short, walk
from simplelint.rules.simplify.expressions import _Swap, in_place, without_parens
from simplelint.rules.simplify.names import Scoped, fresh_name, is_builtin
from simplelint.rules.simplify.truthiness import len_argument


def range_len_loop(node: cst.For, context: FileContext) -> Optional[tuple[str, cst.BaseExpression]]:
    """(index name, sequence) for `for i in range(len(seq)):`."""
    if node.asynchronous is not None or not isinstance(node.target, cst.Name):
        return None
    iterator = node.iter
    if not isinstance(iterator, cst.Call) or not is_name(iterator.func, "range") or len(iterator.args) != 1:
        return None
    argument = iterator.args[0]
    if argument.keyword is not None or argument.star or not is_builtin(context, "range"):
        return None
    sequence = len_argument(argument.value, context)
    return None if sequence is None else (node.target.value, sequence)


def index_uses(body: cst.CSTNode, index: str, sequence: cst.BaseExpression) -> list[cst.Subscript]:
    """The `sequence[index]` subscripts under `body`."""
    wanted = code_of(without_parens(sequence))
    found = []
    for node in walk(body):
        if not isinstance(node, cst.Subscript) or len(node.slice) != 1:
            continue
        part = node.slice[0].slice
        indexed = isinstance(part, cst.Index) and part.star is None and is_name(part.value, index)
        if indexed and code_of(without_parens(node.value)) == wanted:
            found.append(node)
    return found


def store_targets(body: cst.CSTNode) -> set[int]:
    """Ids of the expressions assigned or deleted under `body` (tuple targets unpacked)."""
    targets: list[cst.CSTNode] = []
    for node in walk(body):
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del, cst.For, cst.CompFor)):
            targets.append(node.target)
        elif isinstance(node, cst.AsName):
            targets.append(node.name)
    found = set()
    for target in walk(*targets):
        found.add(id(target))
    return found


def count_names(root: cst.CSTNode, value: str) -> int:
    return sum(1 for node in walk(root) if is_name(node, value))


def singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss") and len(name) > 2:
        return name[:-1]
    return ""


class RangeLenIndex(Scoped):
    """
    ## What it does
    Flags `for i in range(len(seq)):` loops whose body indexes `seq[i]` (pylint's consider-using-enumerate).
    When `i` is used for nothing else, the fix iterates over `seq` directly and names the element after
    `seq` (`items` -> `item`), or `item`/`element` when that name is taken. When `i` appears elsewhere in
    the function (read after the loop, as in `break` then `return i`) or `seq[i]` is assigned, the message
    suggests `enumerate(seq)` instead. `range(len(self))` is left alone:
    it is how `__iter__` is written on top of `__getitem__`.

    ## Why is this bad?
    Counting positions to fetch elements is how C loops look; in Python, iterating the sequence (or
    `enumerate(seq)` when the position matters) is shorter and cannot index the wrong list.

    ## Example
    ```python
    for i in range(len(names)):
        print(names[i])
    ```

    ## Use instead
    ```python
    for name in names:
        print(name)
    ```

    ## Fix safety
    Unsafe, and offered only when `seq` is a plain name that appears in the loop only as `seq[i]`, never
    assigned (`seq[i] = ...`) or deleted, `i` appears nowhere else in the function (nor after the loop),
    and the loop is not in a class body. Even then the object decides: a dict with keys `0..n-1` iterates
    its keys, a pandas Series indexes by label, and a body that grows `seq` through another name changes
    what a `for` over it sees while `range(len(seq))` was fixed at the start.
    """

    code = "SL119"
    name = "range-len-index"
    summary = "`for i in range(len(seq))` used to index `seq`"
    VALID = [
        "for i in range(len(xs)):\n    print(i)\n",
        "for i in range(len(xs)):\n    print(ys[i])\n",
        "for i in range(1, len(xs)):\n    print(xs[i])\n",
        "for x in xs:\n    print(x)\n",
        "class C:\n    def __iter__(self):\n        for i in range(len(self)):\n            yield self[i]\n",
    ]
    INVALID = [
        Invalid(
            "def f(names):\n    for i in range(len(names)):\n        print(names[i])\n",
            fixed="def f(names):\n    for name in names:\n        print(name)\n",
            count=1,
            message="iterate over `names`",
        ),
        Invalid(
            "def f(xs, name):\n    for i in range(len(xs)):\n        g(xs[i], name)  # each one\n"
            "    else:\n        pass\n",
            fixed="def f(xs, name):\n    for item in xs:\n        g(item, name)  # each one\n    else:\n        pass\n",
        ),
        Invalid(
            "def f(xs):\n    for i in range(len(xs)):\n        xs[i] = 0\n", fixed=None, message="`enumerate(xs)`"
        ),
        Invalid("def f(xs):\n    for i in range(len(xs)):\n        print(i, xs[i])\n", fixed=None),
        Invalid("def f(xs):\n    for i in range(len(xs)):\n        xs.append(xs[i])\n", fixed=None),
        Invalid(
            "def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n    return xs[i]\n",
            fixed=None,
            message="use `enumerate(xs)`",
        ),
        Invalid("def f(o):\n    for i in range(len(o.xs)):\n        print(o.xs[i])\n", fixed=None),
    ]

    def visit_For(self, node: cst.For) -> None:
        loop = range_len_loop(node, self.context)
        if loop is None:
            return
        index, sequence = loop
        uses = index_uses(node.body, index, sequence)
        if not uses:
            return
        name = short(sequence)
        stores = store_targets(node.body)
        # The index elsewhere in the scope may be read after the loop (`break`, then `return i`): only
        # `enumerate` keeps it (another loop reusing the name counts too, where `enumerate` is still right).
        needed = count_names(self.scopes[-1], index) > len(uses) + 1
        if needed or any(id(use) in stores for use in uses):
            self.report(node.iter, f"`{index}` indexes `{name}`: use `enumerate({name})`")
            return
        message = f"`{index}` only reads `{name}[{index}]`: iterate over `{name}` directly"
        fix = self._fix(node, index, sequence, uses) if isinstance(sequence, cst.Name) else None
        self.report(node.iter, message, fix)

    def _fix(self, node: cst.For, index: str, sequence: cst.Name, uses: list[cst.Subscript]) -> Optional[NodeFix]:
        if isinstance(self.scopes[-1], cst.ClassDef) or count_names(node.body, sequence.value) != len(uses):
            return None
        element = fresh_name(self.context, [singular(sequence.value), "item", "element"])
        if element is None:
            return None
        body = node.body.visit(_Swap({id(use): in_place(use, cst.Name(element)) for use in uses}))
        replacement = node.with_changes(
            target=node.target.with_changes(value=element), iter=in_place(node.iter, sequence), body=body
        )
        return NodeFix(node, replacement, f"Iterate over `{sequence.value}`", unsafe=True)
