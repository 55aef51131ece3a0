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
    # In a notebook: the cell (1-based among all its cells), `line`/`column` then being the cell's; and where
    # the flagged line is in the notebook's JSON text (line, column, end line, end column), for the formats
    # that point into the file itself (sarif, github, gitlab, junit) and for --diff-from.
    cell: Optional[int] = None
    file_position: Optional[tuple[int, int, int, int]] = None
    # "error" or "warning", from `[tool.simplelint.severity]`: set as the run ends (never cached as such).
    severity: str = "error"

    @property
    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code)

    @property
    def where(self) -> str:
        """`line:column`, or `cell N:line:column` in a notebook, as ruff prints them."""
        place = f"{self.line}:{self.column}"
        return f"cell {self.cell}:{place}" if self.cell is not None else place

    @property
    def in_file(self) -> tuple[int, int, int, int]:
        """(line, column, end line, end column) in the file's own text: a notebook's JSON for a cell's finding."""
        return self.file_position or (self.line, self.column, self.end_line, self.end_column)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Violation:
        fix = data.get("fix")
        if fix is not None:
            fix = Fix(fix["message"], fix["applicability"], tuple(Edit(**e) for e in fix["edits"]))
        position = data.get("file_position")
        return cls(**{**data, "fix": fix, "file_position": tuple(position) if position else None})
