"""SL601-SL604: Python loops and comprehensions doing numpy's work one element at a time."""

from __future__ import annotations

from typing import Any, Optional, Union
from collections.abc import Mapping

import libcst as cst

from simplelint.rule import FileContext, Invalid, Option, Rule, Valid
from simplelint.rules.compute.arrays import Known, Names, memo, scan_of
from simplelint.rules.compute.vectorise import (
    CONSUMERS,
    NEST_ADVICE,
    NUMPY_CONSUMERS,
    Body,
    Head,
    analyse,
    comprehension,
    comprehension_suggestion,
    head_of,
    nest_kind,
    suggestion,
)

TABLE = "compute"
ONLY_PRODUCTION = Option(
    False,
    "Check only production code: files matched by `production` in [tool.simplelint] or marked with a "
    "`# simplelint: production` comment.",
)
Comprehension = Union[cst.ListComp, cst.GeneratorExp]


class ComputeRule(Rule):
    """Shared by the SL6 rules: the pre-filter, the file's array scan, and the loops around a node."""

    options = {"only-production": ONLY_PRODUCTION}

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.loops: list[Optional[cst.For]] = []  # enclosing `for` loops; None where a def or class starts

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        """Only files that mention numpy (Django never does: the family costs it nothing)."""
        if b"numpy" not in context.source:
            return False
        only = context.settings.options.get(TABLE, {}).get("only-production", ONLY_PRODUCTION.default)
        return context.is_production or not only

    @property
    def names(self) -> Names:
        return scan_of(self.context).names

    def known(self, node: cst.CSTNode) -> Optional[Known]:
        return scan_of(self.context).at.get(id(node))

    def loop(self, node: cst.For) -> Optional[tuple[Body, Head]]:
        """The loop's checked body (with any inner index loops) and header; None when it is not whole-array
        arithmetic. Shared by the rules through the file's memo."""
        cache = memo(self.context)
        if id(node) not in cache:
            cache[id(node)] = self._analyse(node)
        found = cache[id(node)]
        return found if isinstance(found, tuple) else None

    def _analyse(self, node: cst.For) -> Optional[tuple[Body, Head]]:
        known = self.known(node)
        if known is None or node.asynchronous is not None or node.orelse is not None:
            return None
        head = head_of(node.target, node.iter, known, self.names)
        if head is None:
            return None
        body = analyse(node.body, head, known, self.names, nested=bool(head.indices))
        return None if body is None else (body, head)

    def in_flagged_nest(self) -> bool:
        """Whether an enclosing loop of the same function is reported as a whole, by SL604."""
        for outer in reversed(self.loops):
            if outer is None:
                return False
            found = self.loop(outer)
            if found is not None and found[0].loops > 1:
                return True
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.loops.append(None)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.loops.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.loops.append(None)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.loops.pop()

    def visit_For(self, node: cst.For) -> None:
        self.check_loop(node)
        self.loops.append(node)

    def leave_For(self, original_node: cst.For) -> None:
        self.loops.pop()

    def check_loop(self, node: cst.For) -> None:
        pass


def subject(body: Body, head: Head) -> str:
    """The array the loop is about, for the message."""
    named = head.array or next(iter(sorted(body.element_reads) or sorted(body.writes)), "")
    return f"`{named}`" if named else "an array"


COMMON_WHY = """
    A Python loop pays the interpreter's cost on every element: boxing each number into a Python float,
    looking up the operator, checking types. numpy does the same arithmetic in compiled code over the
    whole buffer, often with SIMD, and the vectorised form states the intent in one line. Measured on
    1,000,000 float64 (Python 3.11, numpy 2.4, one thread; benchmarks/results/compute.md):
    `for i in range(len(a)): s += a[i] * b[i]` takes 157 ms, `a @ b` 0.22 ms; `out[i] = a[i] * k + 1.0`
    152 ms against 0.34 ms for `a * k + 1.0`; the `if a[i] > hi: a[i] = hi` loop 90 ms against 0.47 ms for
    `np.clip(a, None, hi)`.
    Written on whole arrays, the same code also runs on a GPU through the array libraries that follow
    numpy's API: CuPy (`import cupy as xp`), JAX (`jax.numpy`) and PyTorch tensors.
"""


class IndexLoop(ComputeRule):
    """
    ## What it does
    Flags a `for` loop over the indices of a numpy array, `for i in range(len(a))`, `range(a.shape[0])`,
    `range(a.size)`, `range(n)` with `n = len(a)` (any `range` from a number counts: what decides is that
    the body indexes known arrays with `i`), or `for i, x in enumerate(a)`, whose body only does
    element-wise arithmetic (`out[i] = a[i] * k`), comparison-and-assign (`if a[i] > hi: a[i] = hi`) or
    accumulation (`s += a[i] * b[i]`) on the elements. The message names the whole-array statement when the
    body is one such statement and the loop runs over a whole array: `out[:] = a * k`, `np.where(...)`,
    `np.minimum(a, hi)`, `s += a.sum()`, `s += a @ b` (written for 1-D arrays: for the rows of a 2-D one,
    sum with `axis=0`).

    A name is a numpy array when it is annotated `np.ndarray` or `numpy.typing.NDArray[...]` (in a string
    too) or assigned from a numpy constructor or array function (`np.zeros`, `np.asarray`, `np.linspace`,
    `np.random.rand(n)`, ...) or from arithmetic on arrays, in the same function (or an enclosing one, for
    nested functions), through the file's own imports (`import numpy as xp`, `from numpy import zeros`).
    Not flagged: bodies that call other functions (I/O, `print`, methods) per element, format strings,
    index through another array (`h[idx[i]] += 1`), exit early (`break`, `return`), or carry a value from
    one iteration to the next (`y[i] = y[i - 1] * r + x[i]`: a recurrence, which `scipy.signal.lfilter`
    or numba handles, not one vectorised call); lists and other sequences that are not known arrays;
    functions compiled by numba (`@njit`, `@numba.jit`, `@vectorize`, ...) or Cython's `@cython.*`.
    Loops nested in other index loops that together compute a matrix product or reduction are reported
    once, as SL604.

    There is no fix: the whole-array form differs from the loop in corner cases (integer overflow and
    dtype promotion, aliasing of the output with an input, NaN ordering), so the rewrite is yours to check.

    ## Why is this bad?
    {why}
    ## Example
    ```python
    import numpy as np

    def rescale(values: np.ndarray, k: float) -> np.ndarray:
        out = np.empty_like(values)
        for i in range(len(values)):
            out[i] = values[i] * k
        return out
    ```

    ## Use instead
    ```python
    def rescale(values: np.ndarray, k: float) -> np.ndarray:
        return values * k
    ```
    """

    code = "SL601"
    name = "array-index-loop"
    summary = "Index loop doing element-wise arithmetic on a numpy array"
    VALID = [
        # Per-element calls of other functions, I/O and string formatting are not array math.
        "import numpy as np\n\ndef show(a: np.ndarray) -> None:\n"
        "    for i in range(len(a)):\n        print(a[i] * 2)\n",
        "import numpy as np\n\ndef f(a: np.ndarray) -> list:\n    out = []\n    for i in range(len(a)):\n"
        "        out.append('%.2f' % a[i])\n    return out\n",
        "import numpy as np\n\ndef f(a: np.ndarray, g) -> None:\n"
        "    for i in range(a.shape[0]):\n        a[i] = g(a[i])\n",
        # A plain list is not a known array.
        "def f(xs: list) -> float:\n    s = 0.0\n    for i in range(len(xs)):\n        s += xs[i] * 2\n    return s\n",
        "import numpy as np\n\ndef f(xs):\n    s = 0\n    for i in range(len(xs)):\n        s += xs[i]\n    return s\n",
        # Recurrences read what an earlier iteration wrote.
        "import numpy as np\n\ndef ema(x: np.ndarray, r: float) -> np.ndarray:\n    y = np.zeros_like(x)\n"
        "    for i in range(1, len(x)):\n        y[i] = y[i - 1] * r + x[i]\n    return y\n",
        "import numpy as np\n\ndef f(x: np.ndarray) -> np.ndarray:\n    out = np.zeros(len(x))\n    acc = 0.0\n"
        "    for i in range(len(x)):\n        acc = acc * 0.9 + x[i]\n        out[i] = acc\n    return out\n",
        # Scatter through another array, early exit.
        "import numpy as np\n\ndef f(idx: np.ndarray, w: np.ndarray) -> np.ndarray:\n    h = np.zeros(10)\n"
        "    for i in range(len(idx)):\n        h[idx[i]] += w[i]\n    return h\n",
        "import numpy as np\n\ndef first(a: np.ndarray) -> int:\n    for i in range(len(a)):\n"
        "        if a[i] > 0:\n            return i\n    return -1\n",
        # A plain copy is no arithmetic; a name rebound to a list is not an array any more.
        "import numpy as np\n\ndef f(a: np.ndarray, b: np.ndarray) -> None:\n"
        "    for i in range(len(a)):\n        b[i] = a[i]\n",
        "import numpy as np\n\ndef f() -> float:\n    a = np.zeros(3)\n    a = [1, 2, 3]\n    s = 0\n"
        "    for i in range(len(a)):\n        s += a[i]\n    return s\n",
        # numba compiles the loops of a jitted function.
        "import numba\nimport numpy as np\n\n@numba.njit(cache=True)\ndef dot(a: np.ndarray, b: np.ndarray) -> float:\n"
        "    s = 0.0\n    for i in range(len(a)):\n        s += a[i] * b[i]\n    return s\n",
        # No numpy import: `np` is something else.
        "def f(a: 'np.ndarray') -> float:\n    s = 0.0\n    for i in range(len(a)):\n        s += a[i]\n    return s\n",
        Valid(
            "import numpy as np\n\ndef f(a: np.ndarray) -> float:\n    s = 0.0\n    for i in range(len(a)):\n"
            "        s += a[i]\n    return s\n",
            {"only-production": True},
        ),
    ]
    INVALID = [
        Invalid(
            "import numpy as np\n\ndef rescale(values: np.ndarray, k: float) -> np.ndarray:\n"
            "    out = np.empty_like(values)\n    for i in range(len(values)):\n        out[i] = values[i] * k\n"
            "    return out\n",
            count=1,
            message="Loop over the indices of `values` does array math one element at a time: "
            "write `out[:] = values * k`",
        ),
        # Aliases, string annotations, accumulation into a dot product.
        Invalid(
            "import numpy as xp\n\ndef dot(a: 'xp.ndarray', b: 'xp.ndarray') -> float:\n    s = 0.0\n"
            "    for i in range(a.shape[0]):\n        s += a[i] * b[i]\n    return s\n",
            count=1,
            message="write `s += a @ b`",
        ),
        Invalid(
            "import numpy.typing as npt\n\ndef total(a: npt.NDArray) -> float:\n    s = 0\n"
            "    for i in range(a.size):\n        s = s + a[i] ** 2\n    return s\n",
            count=1,
            message="write `s += (a ** 2).sum()`",
        ),
        # Comparison and assign: a clip.
        Invalid(
            "from numpy import linspace\n\ndef f(hi: float) -> None:\n    a = linspace(0, 1, 50)\n"
            "    for i in range(len(a)):\n        if a[i] > hi:\n            a[i] = hi\n",
            count=1,
            message="write `a[:] = np.minimum(a, hi)`",
        ),
        Invalid(
            "import numpy as np\n\ndef f(a: np.ndarray) -> np.ndarray:\n    out = np.zeros_like(a)\n"
            "    for i, x in enumerate(a):\n        if x > 0:\n            out[i] = x * 2\n        else:\n"
            "            out[i] = -x\n    return out\n",
            count=1,
            message="write `out[:] = np.where(a > 0, a * 2, -a)`",
        ),
        # Lengths kept in a name, walrus, nested functions seeing the enclosing array.
        Invalid(
            "import numpy as np\n\ndef f(n: int) -> None:\n    x = np.random.rand(n)\n    m = len(x)\n"
            "    for i in range(m):\n        x[i] = x[i] * 2 + 1\n",
            count=1,
        ),
        Invalid(
            "import numpy as np\n\ndef f(n: int) -> float:\n    if (a := np.arange(n) * 0.5) is not None:\n"
            "        t = 0.0\n        for i in range(len(a)):\n            t += abs(a[i])\n    return t\n",
            count=1,
            message="write `t += abs(a).sum()`",
        ),
        Invalid(
            "import numpy as np\n\ndef outer(a: np.ndarray):\n    def inner(k):\n        c = 0\n"
            "        for i in range(len(a)):\n            if a[i] > k:\n                c += 1\n        return c\n"
            "    return inner\n",
            count=1,
            message="write `c += np.count_nonzero(a > k)`",
        ),
        # Temporaries and several statements: the general advice.
        Invalid(
            "import math\nimport numpy as np\n\ndef f(a: np.ndarray, b: np.ndarray) -> None:\n"
            "    for i in range(len(a)):\n        d = a[i] - b[i]\n        a[i] = math.sqrt(d * d + 1)\n",
            count=1,
            message="use whole-array arithmetic",
        ),
        Invalid(
            "import numpy as np\n\ndef diff(a: np.ndarray) -> np.ndarray:\n    d = np.empty(len(a) - 1)\n"
            "    for i in range(len(a) - 1):\n        d[i] = a[i + 1] - a[i]\n    return d\n",
            count=1,
            message="use slices",
        ),
        Invalid(
            "# simplelint: production\nimport numpy as np\n\ndef f(a: np.ndarray) -> float:\n    s = 0.0\n"
            "    for i in range(len(a)):\n        s += a[i]\n    return s\n",
            {"only-production": True},
            count=1,
            message="write `s += a.sum()`",
        ),
    ]

    def check_loop(self, node: cst.For) -> None:
        found = self.loop(node)
        if found is None or not found[1].indices or found[0].loops > 1 or self.in_flagged_nest():
            return
        body, head = found
        advice = suggestion(body, head, self.names.numpy)
        what = subject(body, head)
        self.report(node, f"Loop over the indices of {what} does array math one element at a time: {advice}")


class ElementLoop(ComputeRule):
    """
    ## What it does
    Flags `for x in a:` (or `for x, y in zip(a, b):`) over numpy arrays whose body only accumulates
    arithmetic of the elements: sums (`s += x`, `s = s + x * x`), products, `m = max(m, x)`, counts under a
    comparison (`if x > t: n += 1`), and lists built with `append` from per-element arithmetic. The message
    names the reduction when the body is one statement: `s += a.sum()`, `s += a @ b`,
    `n += np.count_nonzero(a > t)`. Arrays are recognised as for SL601; loops that call other functions,
    format strings, carry a value between iterations (`prev = x`) or iterate lists are not flagged.

    There is no fix: a reduction over the whole array sums in another order (pairwise), so the last bits of
    a float result can differ, and an integer sum can overflow where Python's ints do not.

    ## Why is this bad?
    {why}
    ## Example
    ```python
    def energy(signal: np.ndarray) -> float:
        total = 0.0
        for x in signal:
            total += x * x
        return total
    ```

    ## Use instead
    ```python
    def energy(signal: np.ndarray) -> float:
        return float(signal @ signal)
    ```
    """

    code = "SL602"
    name = "array-element-loop"
    summary = "Loop over a numpy array's elements accumulating arithmetic"
    VALID = [
        "import numpy as np\n\ndef f(a: np.ndarray) -> None:\n    for x in a:\n        print(x)\n",
        "import numpy as np\n\ndef f(a: np.ndarray, log) -> None:\n    s = 0\n    for x in a:\n        s += x\n"
        "        log.write(f'{s}')\n",
        "import numpy as np\n\ndef f(xs: list) -> float:\n"
        "    s = 0.0\n    for x in xs:\n        s += x\n    return s\n",
        # Batches from array_split are arrays of arrays: each one is handled whole.
        "import numpy as np\n\ndef f(a: np.ndarray, model) -> None:\n    for batch in np.array_split(a, 10):\n"
        "        model.fit(batch * 2)\n",
        "import numpy as np\n\ndef f(a: np.ndarray) -> float:\n    s = 0.0\n    for batch in np.array_split(a, 10):\n"
        "        s += batch.sum()\n    return s\n",
        # Carrying the previous element over is a recurrence.
        "import numpy as np\n\ndef f(a: np.ndarray) -> float:\n    prev = 0.0\n    s = 0.0\n    for x in a:\n"
        "        s += x - prev\n        prev = x\n    return s\n",
        # Iterating the rows of a 2-D array to call something per row.
        "import numpy as np\n\ndef f(points: np.ndarray, tree) -> list:\n    return [tree.query(p) for p in points]\n",
    ]
    INVALID = [
        Invalid(
            "import numpy as np\n\ndef energy(signal: np.ndarray) -> float:\n    total = 0.0\n    for x in signal:\n"
            "        total += x * x\n    return total\n",
            count=1,
            message="Loop over the elements of `signal` does array math one element at a time: "
            "write `total += signal @ signal`",
        ),
        Invalid(
            "import numpy as xp\n\ndef f(n: int) -> int:\n    a = xp.random.normal(0, 1, size=n)\n    count = 0\n"
            "    for x in a:\n        if x > 2:\n            count += 1\n    return count\n",
            count=1,
            message="write `count += xp.count_nonzero(a > 2)`",
        ),
        Invalid(
            "import numpy as np\n\ndef f(a: 'np.ndarray', b: 'np.ndarray') -> float:\n    s = 0\n"
            "    for x, y in zip(a, b):\n        s = s + x * y\n    return s\n",
            count=1,
            message="write `s += a @ b`",
        ),
        Invalid(
            "import numpy as np\n\ndef f(a: np.ndarray) -> float:\n    m = -np.inf\n    for x in a:\n"
            "        m = max(m, abs(x))\n    return m\n",
            count=1,
            message="write `m = max(m, abs(a).max())`",
        ),
        Invalid(
            "import numpy as np\n\ndef outer():\n    a = np.linspace(0, 1, 11)\n    def inner():\n        out = []\n"
            "        for x in a:\n            out.append(x ** 2 - 1)\n        return out\n    return inner\n",
            count=1,
            message="write `a ** 2 - 1` (an array",
        ),
        # Walrus: the array bound in a condition.
        Invalid(
            "import numpy as np\n\ndef f(n: int) -> float:\n    s = 0.0\n    if (w := np.ones(n) / n).size:\n"
            "        for x in w:\n            s = s + x\n    return s\n",
            count=1,
            message="write `s += w.sum()`",
        ),
    ]

    def check_loop(self, node: cst.For) -> None:
        found = self.loop(node)
        if found is None or found[1].indices or found[0].loops > 1:
            return
        body, head = found
        advice = suggestion(body, head, self.names.numpy)
        what = subject(body, head)
        self.report(node, f"Loop over the elements of {what} does array math one element at a time: {advice}")


class ArrayComprehension(ComputeRule):
    """
    ## What it does
    Flags a list comprehension, or a generator passed to `sum`, `min`, `max`, `any`, `all`, `list`, `tuple`
    or to `np.array`/`np.fromiter`/`np.sum`, with one `for` over a numpy array (its elements, `zip` of
    arrays, `enumerate` or `range(len(a))`) whose element is arithmetic of the array's elements
    (`[x * 2 for x in a]`, `sum(a[i] * b[i] for i in range(len(a)))`) or the elements filtered by a
    comparison (`[x for x in a if x > 0]`). The message names the whole-array expression: `a * 2`,
    `a @ b`, `a[a > 0]`, `np.flatnonzero(a > 0)`. Comprehensions calling other functions per element,
    formatting strings or iterating lists are not flagged.

    There is no fix: the whole-array expression gives an array where the comprehension gave a list of
    Python numbers (`.tolist()` gives those back), and reductions sum in another order.

    ## Why is this bad?
    {why}
    ## Example
    ```python
    weights = np.array([w / total for w in raw])
    ```

    ## Use instead
    ```python
    weights = raw / total
    ```
    """

    code = "SL603"
    name = "array-comprehension"
    summary = "Comprehension doing per-element arithmetic of a numpy array"
    VALID = [
        "import numpy as np\n\ndef f(a: np.ndarray) -> list:\n    return [f'{x:.3f}' for x in a]\n",
        "import numpy as np\n\ndef f(a: np.ndarray, g) -> list:\n    return [g(x) * 2 for x in a]\n",
        "def f(xs: list) -> list:\n    return [x * 2 for x in xs]\n",
        "import numpy as np\n\ndef f(a: np.ndarray) -> list:\n    return [x for x in a]\n",
        # A generator consumed by something else than a reduction or a collection.
        "import numpy as np\n\ndef f(a: np.ndarray, out) -> None:\n    out.writelines(str(x * 2) for x in a)\n",
        "import numpy as np\n\ndef f(a: np.ndarray) -> list:\n    return [c.sum() for c in np.array_split(a, 4)]\n",
        # A comprehension's target hides the array of the same name.
        "import numpy as np\n\ndef f(a: np.ndarray, rows: list) -> list:\n    return [a * 2 for a in rows]\n",
        # A name passed to numpy is no scalar: one mask per label, not arithmetic per element.
        "import numpy as np\n\ndef f(labels) -> list:\n    keys = np.unique(labels)\n"
        "    return [labels == k for k in keys]\n",
        # Arrays of text: `+` concatenates.
        "import numpy as np\n\ndef f() -> list:\n    a = np.array(['x', 'y'])\n"
        "    b = np.array(['u', 'v'], dtype='T')\n"
        "    return [p + q for p, q in zip(a, a)] + [p + '!' for p in b]\n",
    ]
    INVALID = [
        Invalid(
            "import numpy as np\n\ndef f(raw: np.ndarray, total: float) -> np.ndarray:\n"
            "    return np.array([w / total for w in raw])\n",
            count=1,
            message="Comprehension over `raw` does array math one element at a time: write `raw / total`",
        ),
        Invalid(
            "import numpy as xp\n\ndef f(n: int) -> float:\n    a = xp.ones(n)\n    b = a * 3\n"
            "    return sum(a[i] * b[i] for i in range(len(a)))\n",
            count=1,
            message="write `a @ b`",
        ),
        Invalid(
            "import numpy as np\n\ndef f(a: 'np.ndarray') -> list:\n    return [x for x in a if x > 0]\n",
            count=1,
            message="write `a[a > 0]`",
        ),
        Invalid(
            "import numpy as np\n\ndef f(a: np.ndarray) -> list:\n    return [i for i in range(len(a)) if a[i] < 0]\n",
            count=1,
            message="write `np.flatnonzero(a < 0)`",
        ),
        Invalid(
            "import numpy as np\nimport math\n\ndef f(a: np.ndarray) -> bool:\n"
            "    return any(math.isnan(x) for x in a)\n",
            count=1,
            message="write `np.isnan(a).any()`",
        ),
        Invalid(
            "import numpy as np\n\ndef f(n: int):\n    def g():\n        if (a := np.zeros(n)) is not None:\n"
            "            return [y * 2 + 1 for y in a]\n    return g\n",
            count=1,
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self.consumers: dict[int, str] = {}

    def visit_Call(self, node: cst.Call) -> None:
        """Note what a comprehension passed as the only argument goes into (visited before it)."""
        if len(node.args) != 1 or not isinstance(node.args[0].value, (cst.ListComp, cst.GeneratorExp)):
            return
        func = node.func
        full = self.names.resolve(func)
        if full is not None and full.startswith("numpy.") and full[len("numpy.") :] in NUMPY_CONSUMERS:
            self.consumers[id(node.args[0].value)] = full[len("numpy.") :]
        elif isinstance(func, cst.Name) and full is None and func.value in CONSUMERS:
            self.consumers[id(node.args[0].value)] = func.value

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self.check(node, self.consumers.get(id(node), "list comprehension"))

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        consumer = self.consumers.get(id(node))
        if consumer is not None:
            self.check(node, consumer)

    def check(self, node: Comprehension, consumer: str) -> None:
        known = self.known(node)
        found = None if known is None else comprehension(node, known, self.names)
        if found is None:
            return
        body, head = found
        advice = comprehension_suggestion(node, body, head, consumer, self.names.numpy)
        self.report(node, f"Comprehension over {subject(body, head)} does array math one element at a time: {advice}")


class NestedIndexLoops(ComputeRule):
    """
    ## What it does
    Flags nested `for` loops over the indices of numpy arrays (each `range(len(a))`, `range(a.shape[k])`,
    `range(n)` with `n, m = a.shape`, ...) that together compute a matrix product
    (`c[i, j] += a[i, k] * b[k, j]`), a reduction (`s += a[i, j]`) or element-wise arithmetic over two or
    more dimensions (`d[i, j] = x[i] - y[j]`), once, at the outermost loop. Partial sums reset per output
    element (`s = 0`, then the inner loop, then `c[i, j] = s`) are understood. The inner loops are not
    reported again as SL601. Arrays, and what makes a body not vectorisable, are as for SL601.

    There is no fix: `@` and `einsum` sum in another order and may call BLAS, whose threads and rounding
    differ from the loop's.

    ## Why is this bad?
    {why}
    A triple loop matrix product is the extreme case: on two 200x200 matrices the loops take 2.5 s and
    `a @ b`, which calls BLAS, 0.34 ms (7,400 times less).

    ## Example
    ```python
    def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        n, m = a.shape
        p = b.shape[1]
        c = np.zeros((n, p))
        for i in range(n):
            for j in range(p):
                for k in range(m):
                    c[i, j] += a[i, k] * b[k, j]
        return c
    ```

    ## Use instead
    ```python
    def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a @ b
    ```
    """

    code = "SL604"
    name = "nested-index-loops"
    summary = "Nested index loops computing a matrix product or reduction of numpy arrays"
    VALID = [
        # A call per element pair.
        "import numpy as np\n\ndef f(a: np.ndarray, g) -> None:\n    for i in range(a.shape[0]):\n"
        "        for j in range(a.shape[1]):\n            a[i, j] = g(i, j)\n",
        # A triangular loop (its bound is the outer index) is not over an array's length.
        "import numpy as np\n\ndef f(a: np.ndarray) -> float:\n    s = 0.0\n    for i in range(len(a)):\n"
        "        for j in range(i):\n            s += a[i] * a[j]\n    return s\n",
        # Lists of lists.
        "def f(m: list) -> float:\n    s = 0\n    for i in range(len(m)):\n        for j in range(len(m[i])):\n"
        "            s += m[i][j]\n    return s\n",
        # Dynamic programming reads what earlier iterations wrote.
        "import numpy as np\n\ndef f(cost: np.ndarray) -> np.ndarray:\n    d = np.zeros_like(cost)\n"
        "    n, m = cost.shape\n    for i in range(1, n):\n        for j in range(1, m):\n"
        "            d[i, j] = cost[i, j] + min(d[i - 1, j], d[i, j - 1])\n    return d\n",
    ]
    INVALID = [
        Invalid(
            "import numpy as np\n\ndef matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:\n    n, m = a.shape\n"
            "    p = b.shape[1]\n    c = np.zeros((n, p))\n    for i in range(n):\n        for j in range(p):\n"
            "            for k in range(m):\n                c[i, j] += a[i, k] * b[k, j]\n    return c\n",
            count=1,
            message="Nested loops over `a` compute a matrix product one element at a time: use `@` (`A @ B`)",
        ),
        Invalid(
            "import numpy as xp\n\ndef matmul(a: 'xp.ndarray', b: 'xp.ndarray') -> 'xp.ndarray':\n"
            "    c = xp.zeros((a.shape[0], b.shape[1]))\n    for i in range(a.shape[0]):\n"
            "        for j in range(b.shape[1]):\n            s = 0.0\n            for k in range(a.shape[1]):\n"
            "                s += a[i][k] * b[k][j]\n            c[i][j] = s\n    return c\n",
            count=1,
            message="matrix product",
        ),
        Invalid(
            "import numpy as np\n\ndef total(img: np.ndarray) -> float:\n    s = 0.0\n    h, w = img.shape\n"
            "    for y in range(h):\n        for x in range(w):\n            s += img[y, x]\n    return s\n",
            count=1,
            message="compute a reduction one element at a time: use `.sum()`",
        ),
        Invalid(
            "import numpy as np\n\ndef outer(x: np.ndarray, y: np.ndarray):\n    def inner():\n"
            "        d = np.empty((len(x), len(y)))\n        for i in range(len(x)):\n"
            "            for j in range(len(y)):\n                d[i, j] = (x[i] - y[j]) ** 2\n        return d\n"
            "    return inner\n",
            count=1,
            message="compute element-wise arithmetic one element at a time",
        ),
        Invalid(
            "import numpy as np\n\ndef f(rows: int, cols: int) -> float:\n    t = 0.0\n"
            "    if (g := np.random.rand(rows, cols)) is not None:\n        for i in range(g.shape[0]):\n"
            "            for j in range(g.shape[1]):\n                t += g[i, j] ** 2\n    return t\n",
            count=1,
            message="compute a reduction one element at a time: use `.sum()`",
        ),
    ]

    def check_loop(self, node: cst.For) -> None:
        found = self.loop(node)
        if found is None or found[0].loops < 2 or self.in_flagged_nest():
            return
        body, head = found
        kind = nest_kind(body)
        advice = NEST_ADVICE[kind].format(np=self.names.numpy)
        what = kind if kind.startswith("element") else f"a {kind}"
        self.report(node, f"Nested loops over {subject(body, head)} compute {what} one element at a time: {advice}")


for _rule in (IndexLoop, ElementLoop, ArrayComprehension, NestedIndexLoops):
    _rule.__doc__ = (_rule.__doc__ or "").replace("    {why}\n", COMMON_WHY.lstrip("\n") + "\n")
