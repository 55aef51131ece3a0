"""Output formats. Each module renders the final violations; only the chosen one is imported.

`FORMATS` is also the command line's list of choices: this module stays cheap to import.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from simplelint.adoption.gates import Measures
    from simplelint.config.settings import Settings
    from simplelint.engine.result import FileResult
    from simplelint.engine.violation import Violation

FORMATS = {
    "full": "simplelint.output.text:full",
    "concise": "simplelint.output.text:concise",
    "json": "simplelint.output.json:render_json",
    "json-lines": "simplelint.output.json:render_json_lines",
    "github": "simplelint.output.github:render",
    "sarif": "simplelint.output.sarif:render",
    "gitlab": "simplelint.output.gitlab:render",
    "junit": "simplelint.output.junit:render",
    "html": "simplelint.output.html:render",
}


@dataclass
class ReportContext:
    color: bool = False
    # Reads a file's lines for source excerpts; stdin's text is held by the caller.
    read_lines: Callable[[str], list[str]] = field(default=lambda path: [])
    fixed: int = 0
    unsafe_fixes: bool = False
    root: Optional[str] = None
    # Per-file results (facts included) and settings, for reports that show more than findings (html).
    files: list[FileResult] = field(default_factory=list)
    settings: Optional[Settings] = None
    # A notebook finding's cell's lines (`full` shows the line in its cell).
    read_cell: Callable[[Violation], list[str]] = field(default=lambda violation: [])
    # The run's gate numbers (simplelint.adoption.gates.Measures), shown by the HTML report.
    measures: Optional[Measures] = None


Renderer = Callable[[list["Violation"], ReportContext], str]


def renderer(name: str) -> Renderer:
    module_name, _, function = FORMATS[name].partition(":")
    render: Renderer = getattr(importlib.import_module(module_name), function)
    return render
