"""SL501/SL502, "the best code is no code": functions, methods and classes nothing in the project uses.

`facts.py` records each file's definitions and the names it mentions; `join.py` counts the names over the
whole project and decides what is dead; `rules.py` holds the two rules. Options live in
`[tool.simplelint.dead-code]`. (SL503, duplicated code, is the other half of the SL5 family, "less code".)
"""

from simplelint.rules.dead_code.rules import UnusedClass, UnusedFunction

RULES = [UnusedFunction, UnusedClass]
