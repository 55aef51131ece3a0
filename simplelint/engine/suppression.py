"""`# noqa` comments: parsed per file, applied after the project stage so unused ones can be reported."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Optional

from simplelint.engine.violation import Violation

_CODES = r"[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*"
_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODES}))?", re.I)
_FILE = re.compile(rf"^#\s*(?:simplelint|flake8):\s*noqa(?::\s*(?P<codes>{_CODES}))?\s*$", re.I)
UNSUPPRESSIBLE = frozenset({"SL001"})


@dataclass(frozen=True)
class Noqa:
    line: int
    column: int  # 1-based start of the comment
    end_column: int
    codes: Optional[tuple[str, ...]]  # None: a bare noqa
    file_level: bool = False

    def matches(self, code: str, aliases: tuple[str, ...] = ()) -> bool:
        return bool(self.matching(code, aliases))

    def matching(self, code: str, aliases: tuple[str, ...] = ()) -> set[str]:
        """The listed codes or prefixes that suppress `code`, or its other linters' codes `aliases` (for a
        bare noqa: the code itself)."""
        if self.codes is None:
            return {code}
        return {c for c in self.codes if code.startswith(c) or c in aliases}


def _split(codes: Optional[str]) -> Optional[tuple[str, ...]]:
    return tuple(c.upper() for c in re.split(r"[\s,]+", codes.strip()) if c) if codes else None


def _comments(text: str) -> Iterable[tuple[int, int, str]]:
    """(line, 0-based column, comment) of real comments, not of `#` inside strings."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                yield token.start[0], token.start[1], token.string
    except (tokenize.TokenError, SyntaxError):
        return


def parse_noqa(text: str) -> list[Noqa]:
    if "noqa" not in text and "NOQA" not in text:  # most files: no tokenizing at all
        return []
    found = []
    for line, column, comment in _comments(text):
        file_match = _FILE.match(comment)
        if file_match:
            found.append(Noqa(line, column + 1, column + 1 + len(comment), _split(file_match["codes"]), True))
            continue
        match = _NOQA.search(comment)
        if match:
            start = column + match.start() + 1
            found.append(Noqa(line, start, start + len(match.group(0)), _split(match["codes"])))
    return found


def apply(
    violations: list[Violation], directives: list[Noqa], aliases: Mapping[str, tuple[str, ...]] = {}
) -> tuple[list[Violation], dict[Noqa, set[str]]]:
    """Drop suppressed violations; return the kept ones and, per directive that suppressed something, which
    of its codes did: `# noqa: SL111,SL2` may use one code and not the other. `aliases` maps a code to the
    codes other linters give the same check (`# noqa: E711` silences SL111)."""
    if not directives:
        return violations, {}
    by_line: dict[int, list[Noqa]] = {}
    file_level = [d for d in directives if d.file_level]
    for directive in directives:
        if not directive.file_level:
            by_line.setdefault(directive.line, []).append(directive)
    kept: list[Violation] = []
    used: dict[Noqa, set[str]] = {}
    for violation in violations:
        if violation.code in UNSUPPRESSIBLE:
            kept.append(violation)
            continue
        other = aliases.get(violation.code, ())
        hits = [d for d in (*by_line.get(violation.line, ()), *file_level) if d.matches(violation.code, other)]
        for hit in hits:
            used.setdefault(hit, set()).update(hit.matching(violation.code, other))
        if not hits:
            kept.append(violation)
    return kept, used


def unused(directives: list[Noqa], used: dict[Noqa, set[str]], path: str) -> list[Violation]:
    """A bare noqa that suppressed nothing, and each code of ours in a noqa that suppressed nothing, as
    ruff's RUF100 lists the unused codes. Codes of other tools (flake8's E501, ...) are theirs to judge."""
    found = []
    for directive in directives:
        if directive.codes is None:
            if directive in used:
                continue
            what = "all codes"
        else:
            idle = [c for c in directive.codes if c.startswith("SL") and c not in used.get(directive, set())]
            if not idle:
                continue
            what = f"`{', '.join(idle)}`"
        found.append(
            Violation(
                "SL003",
                "unused-noqa",
                f"Unused `noqa` directive (suppresses nothing: {what})",
                path,
                directive.line,
                directive.column,
                directive.line,
                directive.end_column,
            )
        )
    return found
