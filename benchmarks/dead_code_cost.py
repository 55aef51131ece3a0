"""The per-file cost of SL5's facts against SL301's, on the first 1,500 Django files, parsed beforehand
(CPU seconds of `collect` only):

    python benchmarks/dead_code_cost.py
"""
import ast, sys, time, glob
from pathlib import Path
from simplelint.rules.dead_code.facts import DeadCodeFacts
from simplelint.rules.untested.facts import UntestedFacts
from simplelint.engine.analysis import context_for
from simplelint.testing import settings_for
root = Path.home() / ".cache/simplelint-corpus/Django-5.1.4"
settings = settings_for(root, frozenset({"SL501"}))
files = sorted(glob.glob(str(root / "django/**/*.py"), recursive=True))[:1500]
items = []
for f in files:
    src = open(f, "rb").read()
    try:
        tree = ast.parse(src)
    except SyntaxError:
        continue
    items.append((tree, context_for(f, src, settings)))
for cls in (UntestedFacts, DeadCodeFacts):
    t = time.process_time()
    for tree, ctx in items:
        cls.collect(tree, ctx)
    print(cls.__name__, round(time.process_time() - t, 2))
