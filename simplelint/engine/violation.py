"""Plain data that crosses process boundaries and the cache: violations, fixes and edits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions with `content`."""

    content: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Fix:
    message: str
    applicability: str  # "safe" or "unsafe", as ruff names them
    edits: tuple[Edit, ...] = ()

    @property
    def safe(self) -> bool:
        return self.applicability == "safe"


@dataclass
class Violation:
    code: str
    name: str
    message: str
    path: str
    line: int  # 1-based
    column: int  # 1-based, in characters, as ruff reports them
    end_line: int
    end_column: int
    fix: Optional[Fix] = None
    # Normalised source of the flagged node and its enclosing function: identity that survives edits elsewhere.
    context: str = ""
    snippet: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # "error" or "warning", from `[tool.simplelint.severity]`: set as the run ends (never cached as such).
    severity: str = "error"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Violation:
        fix = data.get("fix")
        if fix is not None:
            fix = Fix(fix["message"], fix["applicability"], tuple(Edit(**e) for e in fix["edits"]))
        return cls(**{**data, "fix": fix})
