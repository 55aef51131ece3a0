"""SL6xx, "compute": heavy computation belongs in numpy (or a GPU array library), not in Python loops.

The rules flag loops and comprehensions doing element-wise arithmetic over values known to be numpy
arrays (`arrays.py` says which names are, `vectorise.py` whether a body is whole-array arithmetic and what
to write instead; `loops.py` holds the rules). Files that never mention numpy are skipped before any work.
Options live in `[tool.simplelint.compute]`.
"""

from simplelint.rules.compute.loops import ArrayComprehension, ElementLoop, IndexLoop, NestedIndexLoops

RULES = [IndexLoop, ElementLoop, ArrayComprehension, NestedIndexLoops]
