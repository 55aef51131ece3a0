"""simplelint: a Python linter for simple, typed, tested code, built on LibCST."""

__version__ = "0.1.0"
