"""Counts and articles in user-facing text: "1 error", "2 errors", "an integer"."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str = "", grouped: bool = False) -> str:
    """`count` and the noun that agrees with it; `nouns` for an irregular plural ("hidden fixes"), `grouped`
    for thousands separators (the HTML report's style; the terminal's, as ruff's, has none)."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {noun if count == 1 else nouns or noun + 's'}"


def article(noun: str) -> str:
    """`noun` after "a" or "an", by its first letter (good enough for the type names config errors use)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
