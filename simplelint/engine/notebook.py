"""Jupyter notebooks (nbformat 4): their code cells as one Python module, and fixed cells written back.

As ruff does, the code cells are checked as one module, in order, so a name imported in cell 1 and used in
cell 4 is one module's name. IPython syntax (line magics `%x`, shell escapes `!ls`, help `?x` / `x?`, and
`y = !ls` / `y = %x` assignments) is masked by a statement that keeps the line (`...  # <simplelint magic N>`):
rules never see it, positions before it stay right, and a fix that moves the line moves the marker, so the
original text is put back when the cell is written. A cell that is a cell magic (`%%bash`, any line starting
`%%`) or an automagic command on its first line (`pip install x`, `cd ..`) is not Python and is skipped.

Cells are joined with a separator comment line that names the cell: fixed source is cut back into cells at
those lines, and a fix that removed or moved one crossed a cell boundary and is dropped. Writing back replaces
only the `source` values of the cells whose code changed, in the style of the file (a list of lines or one
string, its indentation, its escaping): every other byte of the JSON, outputs and metadata included, stays.

No LibCST here: a warm run translates cached findings' positions with the table this module builds.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from simplelint.engine.violation import Edit, Violation

SUFFIX = ".ipynb"
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_SEPARATOR = "# <simplelint notebook cell {}>\n"
_SEPARATOR_LINE = re.compile(r"# <simplelint notebook cell (\d+)>\n")
_MARK = "...  # <simplelint magic {}>"
_MARKED = re.compile(r"\.\.\.  # <simplelint magic (\d+)>$")
_CONTINUED = "# <simplelint magic {}>"
_CONTINUED_LINE = re.compile(r"^([ \t]*)# <simplelint magic (\d+)>$")
_ANY_MARK = re.compile(r"<simplelint magic (\d+)>")
# What `_scan` looks at in code: a comment, an opening quote, or any other character but a blank.
_CODE_TOKEN = re.compile(r"#|'''|\"\"\"|'|\"|\S")
_STRING_ENDS = {q: re.compile(r"(?:[^\\]|\\.)*?" + q) for q in ("'''", '"""', "'", '"')}
_BRACKETS = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}
# `files = !ls`, `a, b = %sx cmd`: names and an `=` before the magic (never valid Python otherwise).
_ASSIGNED_MAGIC = re.compile(r"[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*(?=[!%])")
# Line magics IPython runs without `%` when automagic is on, as ruff lists them: a cell starting with one
# (followed by something that is not Python) is a shell-like cell, not code.
_AUTOMAGICS = frozenset(
    "alias alias_magic autoawait autocall automagic bookmark cd code_wrap colors conda config debug dhist dirs"
    " doctest_mode edit env gui history killbgscripts load load_ext loadpy logoff logon logstart logstate"
    " logstop lsmagic macro magic mamba matplotlib micromamba notebook page pastebin pdb pdef pdoc pfile pinfo"
    " pinfo2 pip popd pprint precision prun psearch psource pushd pwd pycat pylab quickref recall rehashx"
    " reload_ext rerun reset reset_selective run save sc set_env sx system tb time timeit unalias unload_ext"
    " who who_ls whos xdel xmode".split()
)


class NotebookError(Exception):
    """Not a notebook this linter can read: invalid JSON, or not nbformat 4."""


def is_notebook(path: str) -> bool:
    return path.lower().endswith(SUFFIX)


@dataclass
class Cell:
    """A code cell that is checked: where its source is in the JSON text and how it was masked."""

    number: int  # 1-based among all the notebook's cells (markdown ones too), as ruff and editors count
    source: str  # as in the notebook
    masked: str  # as rules see it; ends with a newline
    masks: dict[int, str]  # marker -> the original text it stands for (to the end of its line)
    span: tuple[int, int]  # the `source` value's character offsets in the JSON text
    items: list[tuple[int, int]]  # each line's JSON string's offsets, for a source stored as a list
    line_starts: list[int]  # each source line's offset in the JSON text (of its string's content)


@dataclass
class Notebook:
    text: str  # the JSON text
    cells: list[Cell] = field(default_factory=list)

    @property
    def python(self) -> str:
        """The checked cells as one module, each after a separator line naming it."""
        return "".join(_SEPARATOR.format(cell.number) + cell.masked for cell in self.cells)

    def table(self) -> list[list[int]]:
        """Per line of `python` (1-based line i at index i - 1): [cell, line in cell, JSON line, JSON column];
        a separator line maps to the first line of its cell. Plain lists: results carry it through the cache."""
        newlines = [m.start() for m in re.finditer("\n", self.text)]
        rows: list[list[int]] = []
        for cell in self.cells:
            count = cell.masked.count("\n")
            physical = [_line_column(newlines, offset) for offset in cell.line_starts]
            rows.append([cell.number, 1, *physical[0]])
            for index in range(count):
                rows.append([cell.number, index + 1, *physical[min(index, len(physical) - 1)]])
        return rows

    def with_python(self, python: str) -> str:
        """The JSON text with the cells' sources taken from fixed `python`; NotebookError when the fix moved a
        cell boundary or lost a masked magic."""
        segments = _segments(python, [cell.number for cell in self.cells])
        text = self.text
        for cell, segment in reversed(list(zip(self.cells, segments))):
            if segment == cell.masked:
                continue
            source = _unmask(segment, cell)
            if not cell.source.endswith("\n") and source.endswith("\n"):
                source = source[:-1]  # the newline added to join the cells
            text = text[: cell.span[0]] + _render_source(self.text, cell, source) + text[cell.span[1] :]
        return text


def _line_column(newlines: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_left(newlines, offset)
    start = newlines[line - 1] + 1 if line else 0
    return line + 1, offset - start + 1


def load(data: bytes) -> Notebook:
    """The notebook's code cells, masked; NotebookError when it is not a readable nbformat 4 notebook."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(f"not valid UTF-8 at byte {error.start}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise NotebookError("not a Jupyter notebook: no `cells` list at the top level")
    version = document.get("nbformat")
    if version != 4:
        upgrade = "`jupyter nbconvert --to notebook` upgrades one"
        raise NotebookError(f"nbformat {version!r}; only nbformat 4 notebooks are read ({upgrade})")
    notebook = Notebook(text)
    if _is_python(document):  # not an R or Julia notebook
        spans = _source_spans(text)
        for index, source in _code_sources(document["cells"]):
            if index in spans:
                span, items = spans[index]
                masked, masks = _mask(source, sum(len(cell.masks) for cell in notebook.cells))
                starts = [start + 1 for start, _ in items] if items else [span[0] + 1]
                notebook.cells.append(Cell(index + 1, source, masked, masks, span, items, starts))
    return notebook


def _code_sources(cells: list[Any]) -> list[tuple[int, str]]:
    """(index, source) of the code cells that are Python (not a cell magic)."""
    found = []
    for index, raw in enumerate(cells):
        source = raw.get("source", "") if isinstance(raw, dict) and raw.get("cell_type") == "code" else None
        source = "".join(source) if isinstance(source, list) else source
        if isinstance(source, str) and not _is_magic_cell(source):
            found.append((index, source))
    return found


def _is_python(document: dict[str, Any]) -> bool:
    metadata = document.get("metadata")
    language = metadata.get("language_info") if isinstance(metadata, dict) else None
    name = language.get("name") if isinstance(language, dict) else None
    return not isinstance(name, str) or name.lower() == "python"


def _is_magic_cell(source: str) -> bool:
    """A cell magic anywhere (`%%bash`), or an automagic command on the first line (`pip install x`)."""
    lines = source.splitlines()
    if any(line.lstrip().startswith("%%") for line in lines):
        return True
    first = lines[0].split() if lines else []
    if not first or first[0] not in _AUTOMAGICS:
        return False
    try:
        compile(lines[0], "<cell>", "exec", flags=0x400, dont_inherit=True)  # `time = 3` is Python
    except (SyntaxError, ValueError):
        return True
    return False


# ---- masking IPython syntax --------------------------------------------------------------------------------


@dataclass
class _Scan:
    """Where a line ends: inside brackets, inside a string (its quote), or continued by a backslash."""

    depth: int = 0
    quote: str = ""
    continued: bool = False
    last: str = ""  # the line's last character of code (not of a string or comment)

    def at_statement_start(self) -> bool:
        return not (self.depth or self.quote or self.continued)


def _scan(line: str, state: _Scan) -> _Scan:
    """The state after `line` (Python's tokens approximated: strings, comments, brackets, backslashes)."""
    depth, quote, last = state.depth, state.quote, ""
    body = line.rstrip("\r\n")
    i = 0
    while i < len(body):
        if quote:
            i, quote = _string_end(body, i, quote)
            continue
        token = _CODE_TOKEN.search(body, i)
        if token is None or token.group() == "#":
            break
        i, text = token.end(), token.group()
        quote = text if text in _STRING_ENDS else ""
        depth = max(0, depth + _BRACKETS.get(text, 0))
        last = text
    continued = body.endswith("\\") and (not quote or len(quote) == 1)
    if len(quote) == 1 and not continued:
        quote = ""  # an unterminated one-line string: a syntax error the parser reports
    return _Scan(depth, quote, continued, last)


def _string_end(body: str, i: int, quote: str) -> tuple[int, str]:
    """Past the string's closing quote (escapes skipped), or at the line's end still inside it."""
    end = _STRING_ENDS[quote].match(body, i)
    return (end.end(), "") if end else (len(body), quote)


def _mask(source: str, first_marker: int) -> tuple[str, dict[int, str]]:
    """The cell with its IPython lines masked, ending with a newline, and the text each marker stands for."""
    lines = source.splitlines(keepends=True) or [""]
    out: list[str] = []
    masks: dict[int, str] = {}
    state = _Scan()
    magic_continues = False
    for line in lines:
        body, ending = line.rstrip("\r\n"), line[len(line.rstrip("\r\n")) :] or "\n"
        if magic_continues:
            marker = first_marker + len(masks)
            masks[marker] = body
            indent = body[: len(body) - len(body.lstrip())]
            out.append(indent + _CONTINUED.format(marker) + ending)
            magic_continues = body.endswith("\\")
            continue
        start = _magic_start(body, state) if state.at_statement_start() else None
        if start is None:
            out.append(body + ending)
            state = _scan(line, state)
            continue
        marker = first_marker + len(masks)
        masks[marker] = body[start:]
        out.append(body[:start] + _MARK.format(marker) + ending)
        magic_continues = body.endswith("\\")
    return "".join(out), masks


def _magic_start(body: str, state: _Scan) -> Optional[int]:
    """Where IPython syntax starts on a line that starts a statement, or None for a Python line."""
    content = body.lstrip()
    indent = len(body) - len(content)
    if not content:
        return None
    if content[0] in "%!?":
        return indent
    assigned = _ASSIGNED_MAGIC.match(content)
    if assigned:
        return indent + assigned.end()
    if _scan(body, state).last == "?":  # `obj?`, `obj.method??`: never Python outside a string or comment
        return indent
    return None


def _unmask(segment: str, cell: Cell) -> str:
    """The fixed cell's code with its magics put back; NotebookError when a marker went missing or moved."""
    seen: list[int] = [int(m) for m in _ANY_MARK.findall(segment)]
    if sorted(seen) != sorted(cell.masks):
        raise NotebookError(f"the fix changed masked IPython syntax in cell {cell.number}")
    out = []
    for line in segment.splitlines(keepends=True):
        body, ending = line.rstrip("\r\n"), line[len(line.rstrip("\r\n")) :]
        marked = _MARKED.search(body)
        continued = _CONTINUED_LINE.match(body)
        if marked:
            body = body[: marked.start()] + cell.masks[int(marked.group(1))]
        elif continued:
            body = continued.group(1) + cell.masks[int(continued.group(2))].lstrip()
        out.append(body + ending)
    return "".join(out)


def _segments(python: str, numbers: list[int]) -> list[str]:
    """`python` cut at the separator lines, which must all be there, in order, each once."""
    parts = re.split(r"(?m)^(# <simplelint notebook cell \d+>\n)", python)
    if parts[0] or [int(_SEPARATOR_LINE.fullmatch(p).group(1)) for p in parts[1::2]] != numbers:  # type: ignore[union-attr]
        raise NotebookError("the fix crosses a cell boundary")
    return parts[2::2]


# ---- where the sources are in the JSON text, and writing one back ------------------------------------------


def _source_spans(text: str) -> dict[int, tuple[tuple[int, int], list[tuple[int, int]]]]:
    """Per cell index: the offsets of its `source` value, and of each string of it when it is a list."""
    found: dict[int, tuple[tuple[int, int], list[tuple[int, int]]]] = {}
    i = _skip(text, 0)
    cells = [start for key, start in _members(text, i) if key == "cells"]
    for index, item_start in enumerate(_elements(text, cells[-1]) if cells else []):
        members = _members(text, item_start) if text[item_start] == "{" else []
        sources = [start for key, start in members if key == "source"]
        if sources:
            start = sources[-1]  # the last of duplicate keys is json.loads's
            items = list(_string_items(text, start)) if text[start] == "[" else []
            found[index] = ((start, _value_end(text, start)), items)
    return found


def _skip(text: str, i: int) -> int:
    match = _WS.match(text, i)
    return match.end() if match else i


def _value_end(text: str, i: int) -> int:
    return int(_DECODER.raw_decode(text, i)[1])


def _members(text: str, i: int) -> list[tuple[str, int]]:
    """(key, where its value starts) of the object at `i` (valid JSON: json.loads read it)."""
    members = []
    i = _skip(text, i + 1)
    while text[i] != "}":
        key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        i = _skip(text, _skip(text, i) + 1)  # the colon
        members.append((key, i))
        i = _skip(text, _value_end(text, i))
        if text[i] == ",":
            i = _skip(text, i + 1)
    return members


def _elements(text: str, i: int) -> list[int]:
    """Where each element of the array at `i` starts."""
    starts = []
    i = _skip(text, i + 1)
    while text[i] != "]":
        starts.append(i)
        i = _skip(text, _value_end(text, i))
        if text[i] == ",":
            i = _skip(text, i + 1)
    return starts


def _string_items(text: str, i: int) -> list[tuple[int, int]]:
    return [(start, _value_end(text, start)) for start in _elements(text, i)]


def _render_source(text: str, cell: Cell, source: str) -> str:
    """`source` as JSON in the style of the cell's current value: unchanged lines keep their exact text."""
    ascii_only = text.isascii() and "\\u" in text  # written with ensure_ascii, else as nbformat writes

    def dumped(line: str) -> str:
        return json.dumps(line, ensure_ascii=ascii_only)

    start, end = cell.span
    if text[start] != "[":
        return dumped(source)
    lines = re.findall(r"[^\n]*\n|[^\n]+", source)
    if not lines:
        return "[]"
    known = {json.loads(text[a:b]): text[a:b] for a, b in cell.items}
    items = [known.get(line) or dumped(line) for line in lines]
    if cell.items:
        opening = text[start + 1 : cell.items[0][0]]
        closing = text[cell.items[-1][1] : end - 1]
        between = text[cell.items[0][1] : cell.items[1][0]] if len(cell.items) > 1 else "," + opening
    else:  # `"source": []` in a file indented as nbformat writes it
        line_start = text.rfind("\n", 0, start) + 1
        indent = re.match(r"[ \t]*", text[line_start:]).group()  # type: ignore[union-attr]
        opening, closing = "\n" + indent + " ", "\n" + indent
        between = "," + opening
    return "[" + opening + between.join(items) + closing + "]"


def cell_lines(data: bytes, number: int) -> list[str]:
    """The lines of cell `number` (1-based among all cells) as the notebook holds them, or [] if it has none."""
    try:
        document = json.loads(data.decode("utf-8"))
        source = document["cells"][number - 1]["source"]
    except (ValueError, KeyError, IndexError, TypeError):
        return []
    text = "".join(source) if isinstance(source, list) else str(source)
    return text.splitlines()


def cells_diff(path: str, before: bytes, after: bytes) -> Optional[str]:
    """`--diff` of a notebook as ruff prints it: a unified diff of each code cell whose source changed, under
    `--- nb.ipynb:cell 3` / `+++ nb.ipynb:cell 3` (cells counted as findings count them), no
    `\\ No newline at end of file` marker (a cell's last line has none). None when either side is no notebook
    with the same cells (the caller then diffs the text). ruff also prints the headers of unchanged code cells;
    they say nothing and are left out."""
    old, new = _sources(before), _sources(after)
    if old is None or new is None or old.keys() != new.keys():
        return None
    out: list[str] = []
    for number, source in old.items():
        if new[number] != source:
            where = f"{path}:cell {number}"
            out.extend(difflib.unified_diff(_diff_lines(source), _diff_lines(new[number]), where, where))
    return "".join(out)


def _sources(data: bytes) -> Optional[dict[int, str]]:
    """Each code cell's source (1-based among all cells), or None for bytes that are no notebook."""
    try:
        cells = json.loads(data.decode("utf-8"))["cells"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(cells, list):
        return None
    sources = {}
    for index, cell in enumerate(cells):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources[index + 1] = "".join(source) if isinstance(source, list) else str(source)
    return sources


def _diff_lines(source: str) -> list[str]:
    return [line if line.endswith(("\n", "\r")) else line + "\n" for line in source.splitlines(keepends=True)]


def cell_of(python: str, line: int) -> tuple[int, int]:
    """(cell, line in the cell) of `line` (1-based) of a notebook's joined code, as it is after some fixes (so
    read from its separator lines, not from the table of the original); a separator is its cell's line 1."""
    cell, start = 0, 0
    for number, text in enumerate(python.splitlines(keepends=True)[:line], 1):
        found = _SEPARATOR_LINE.fullmatch(text)
        if found:
            cell, start = int(found.group(1)), number
    return cell, max(line - start, 1)


# ---- findings' positions -----------------------------------------------------------------------------------


def in_cells(violation: Violation, table: list[list[int]]) -> Violation:
    """The finding with cell-relative positions (its fix's edits too) and its place in the JSON text."""
    if violation.cell is not None or not table:
        return violation
    start = table[min(max(violation.line, 1), len(table)) - 1]
    end = table[min(max(violation.end_line, 1), len(table)) - 1]
    if end[0] != start[0]:
        end = [start[0], start[1], start[2], start[3]]  # never past its cell
        end_column = violation.column
    else:
        end_column = violation.end_column
    fix = violation.fix
    if fix is not None and fix.edits:
        fix = replace(fix, edits=tuple(_edit_in_cell(edit, table) for edit in fix.edits))
    position = (start[2], start[3] + violation.column - 1, end[2], end[3] + end_column - 1)
    return replace(
        violation, line=start[1], end_line=end[1], end_column=end_column, cell=start[0], file_position=position, fix=fix
    )


def _edit_in_cell(edit: Edit, table: list[list[int]]) -> Edit:
    start = table[min(max(edit.line, 1), len(table)) - 1]
    end = table[min(max(edit.end_line, 1), len(table)) - 1]
    return replace(edit, line=start[1], end_line=end[1] if end[0] == start[0] else start[1])
