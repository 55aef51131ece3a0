"""The health report: one self-contained HTML page (inline CSS, inline SVG charts, a small sorting script).

It shows the gates' numbers (simplelint.adoption.gates: parameters and returns annotated, public functions
tested, mean cyclomatic complexity) and, per package (folder) and module (file): findings by family and the
same two shares by the same definitions (each file's `Measures`, summed), hotspots and the complexity
distribution, then a sortable table of findings with their source. Nothing is fetched from
the network, and every piece of text from the checked code is escaped.
"""

from __future__ import annotations

import html
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Callable, Optional

from simplelint import __version__, registry
from simplelint.adoption.gates import Measures
from simplelint.engine.violation import Violation
from simplelint.output.common import shown_path
from simplelint.output.metrics import FUNCTIONS
from simplelint.wording import plural

if TYPE_CHECKING:
    from simplelint.engine.result import FileResult

COLLECTORS = ("simplelint.output.metrics:FunctionMetrics",)
# The families' columns (`registry.Family.label`, in the registry's order); the others count as OTHER.
LABELS = tuple(family.label for family in registry.FAMILIES if family.label)
OTHER = "Other"
HOTSPOTS = 20
MAX_ROWS = 2000  # findings shown in the table; the rest are counted
EXCERPT_LINES = 3
# From 0: cognitive complexity is 0 for straight-line code (cyclomatic is at least 1).
BUCKETS = ((0, 5), (6, 10), (11, 15), (16, 20), (21, 30), (31, 50), (51, None))


def esc(value: object) -> str:
    # File names that are not UTF-8, or hold control characters, are shown escaped as in every output.
    return html.escape(shown_path(str(value)), quote=True)


def family_of(code: str) -> str:
    family = registry.family_of(code)
    return family.label if family and family.label else OTHER


@dataclass
class Stats:
    """Counts for one module, one package or the whole project."""

    files: int = 0
    functions: int = 0
    annotated: int = 0  # functions with every parameter and the return annotated
    worst: int = 0
    families: Counter[str] = field(default_factory=Counter)
    # The gates' counts (parameters and returns annotated, judged functions tested) for these files.
    measures: Measures = field(default_factory=Measures)

    def add(self, other: Stats) -> None:
        self.files += other.files
        self.functions += other.functions
        self.annotated += other.annotated
        self.worst = max(self.worst, other.worst)
        self.families.update(other.families)
        self.measures = self.measures + other.measures

    @property
    def findings(self) -> int:
        return sum(self.families.values())


@dataclass
class Model:
    modules: dict[str, Stats]
    packages: dict[str, Stats]
    total: Stats
    functions: list[dict[str, Any]]  # every function with "path"
    tests_measured: bool
    violations: list[Violation]


def _untested_lines(violations: Iterable[Violation]) -> dict[str, set[int]]:
    """Lines of the functions SL3xx flags, per file (those rules report at the function's name)."""
    flagged: dict[str, set[int]] = defaultdict(set)
    for violation in violations:
        if violation.code.startswith("SL3"):
            flagged[violation.path].add(violation.line)
    return flagged


def _functions(file: FileResult, untested: set[int], measures: Optional[Measures]) -> list[dict[str, Any]]:
    """The file's functions; "judged": whether SL301/SL302 judge it, as the gates count (unknown: True)."""
    facts = file.facts.get(FUNCTIONS) or []
    judged = (lambda line: True) if measures is None else measures.judged_lines.__contains__
    return [
        {**f, "path": file.path, "test": file.is_test, "untested": f["line"] in untested, "judged": judged(f["line"])}
        for f in facts
    ]


def _module_stats(functions: list[dict[str, Any]], found: list[Violation], measures: Measures) -> Stats:
    stats = Stats(files=1, families=Counter(family_of(v.code) for v in found), measures=measures)
    stats.worst = max((f["cyclomatic"] or 0 for f in functions), default=0)
    code = [f for f in functions if not f["test"]]  # tests are not expected to be tested, nor counted
    stats.functions = len(code)
    stats.annotated = sum(1 for f in code if f["annotated"])
    return stats


def build(
    violations: list[Violation], files: list[FileResult], enabled: frozenset[str], measures: Optional[Measures] = None
) -> Model:
    """`measures`: the run's (`RunResult.measures`), whose `by_file` gives each module's shares."""
    by_file = measures.by_file if measures is not None else {}
    by_path: dict[str, list[Violation]] = defaultdict(list)
    for violation in violations:
        by_path[violation.path].append(violation)
    untested = _untested_lines(violations)
    modules: dict[str, Stats] = {}
    functions: list[dict[str, Any]] = []
    for file in files:
        own = by_file.get(file.path)
        mine = _functions(file, untested.get(file.path, set()), own if by_file else None)
        modules[file.path] = _module_stats(mine, by_path.get(file.path, []), own or Measures())
        functions.extend(mine)
    for path in by_path.keys() - modules.keys():  # e.g. findings about files that were not analysed
        modules[path] = _module_stats([], by_path[path], Measures())
    packages: dict[str, Stats] = defaultdict(Stats)
    total = Stats()
    for path, stats in modules.items():
        packages[str(PurePosixPath(path).parent)].add(stats)
        total.add(stats)
    tests_measured = any(code.startswith("SL3") for code in enabled)
    return Model(modules, dict(packages), total, functions, tests_measured, violations)


def show_percent(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _bucket(value: int) -> int:
    return next(i for i, (low, high) in enumerate(BUCKETS) if high is None or value <= high)


def _bucket_label(low: int, high: Optional[int]) -> str:
    return f"{low}+" if high is None else f"{low}–{high}"


# ---- page pieces: each returns escaped HTML ----


def _cards(model: Model, measures: Measures) -> str:
    """The key numbers; type-hint coverage, functions tested and mean cyclomatic are the gates' own
    (`simplelint.adoption.gates`), so the page and `[tool.simplelint.gates]` never disagree."""
    total = model.total
    measured = [f for f in model.functions if f["cyclomatic"] is not None]
    median = statistics.median(f["cyclomatic"] for f in measured) if measured else None
    over = sum(1 for f in measured if f["cyclomatic"] > 10)
    tested = measures.tested_share
    judged = measures.judged or 0
    mean = measures.average_complexity
    cards = [
        ("files", "Files checked", f"{total.files:,}", ""),
        ("findings", "Findings", f"{total.findings:,}", ", ".join(f"{n}: {c:,}" for n, c in _families(total))),
        ("functions", "Functions", f"{total.functions:,}", "in code outside the test suite"),
        ("annotated", "Type-hint coverage", show_percent(measures.type_coverage),
         f"{measures.typed:,} of {measures.slots:,} parameters and returns annotated; {total.annotated:,} of "
         f"{plural(total.functions, 'function', grouped=True)} fully"),
        ("tested", "Functions tested", show_percent(tested),
         "SL3 rules not enabled" if tested is None
         else f"{judged - measures.untested:,} of {plural(judged, 'public function', grouped=True)}"),
        ("complexity", "Median cyclomatic", "–" if median is None else f"{median:g}",
         f"{plural(over, 'function', grouped=True)} above 10" if measured else "no complexity data"),
        ("mean-complexity", "Mean cyclomatic", "–" if mean is None else f"{mean:.2f}",
         f"over {plural(measures.functions, 'function', grouped=True)} outside the test suite"),
    ]  # fmt: skip
    return "".join(
        f'<div class="card" id="card-{key}"><div class="label">{esc(label)}</div>'
        f'<div class="value">{esc(value)}</div><div class="note">{esc(note)}</div></div>'
        for key, label, value, note in cards
    )


def _families(stats: Stats) -> list[tuple[str, int]]:
    names = [*LABELS, OTHER]
    return [(name, stats.families[name]) for name in names if stats.families[name]]


def _family_chart(stats: Stats) -> str:
    rows = [(name, stats.families[name]) for name in (*LABELS, OTHER)]
    top = max((count for _, count in rows), default=0) or 1
    bars = []
    for i, (name, count) in enumerate(rows):
        y = 10 + i * 34
        width = 330 * count / top
        bars.append(
            f'<text x="150" y="{y + 17}" text-anchor="end">{esc(name)}</text>'
            f'<rect class="f{i}" x="160" y="{y}" width="{width:.1f}" height="24" rx="3"></rect>'
            f'<text x="{165 + width:.1f}" y="{y + 17}">{count:,}</text>'
        )
    height = 20 + len(rows) * 34
    size = f'viewBox="0 0 560 {height}" width="560" height="{height}"'
    return f'<svg role="img" aria-label="Findings by family" {size}>{"".join(bars)}</svg>'


def _distribution_chart(functions: list[dict[str, Any]]) -> str:
    counts = {key: [0] * len(BUCKETS) for key in ("cyclomatic", "cognitive")}
    for function in functions:
        for key, series in counts.items():
            if function[key] is not None:
                series[_bucket(function[key])] += 1
    top = max(max(series) for series in counts.values()) or 1
    parts = []
    for i, (low, high) in enumerate(BUCKETS):
        x = 50 + i * 82
        for j, key in enumerate(counts):
            value = counts[key][i]
            height = 180 * value / top
            left = x + j * 32
            parts.append(
                f'<rect class="{key} b{i}" x="{left}" y="{200 - height:.1f}" width="28" height="{height:.1f}">'
                f"<title>{esc(key)} {_bucket_label(low, high)}: {value:,}</title></rect>"
                f'<text class="count" x="{left + 14}" y="{195 - height:.1f}" text-anchor="middle">'
                f"{_short(value)}</text>"
            )
        parts.append(f'<text x="{x + 30}" y="218" text-anchor="middle">{_bucket_label(low, high)}</text>')
    legend = (
        '<rect class="cyclomatic" x="60" y="232" width="12" height="12"></rect><text x="78" y="243">cyclomatic</text>'
        '<rect class="cognitive" x="180" y="232" width="12" height="12"></rect><text x="198" y="243">cognitive</text>'
    )
    return (
        f'<svg role="img" aria-label="Complexity distribution" viewBox="0 0 640 252" width="640" height="252">'
        f'<line x1="45" y1="200" x2="630" y2="200" class="axis"></line>{"".join(parts)}{legend}</svg>'
    )


def _short(value: int) -> str:
    return f"{value / 1000:.1f}k" if value >= 10_000 else f"{value:,}"


def _num(value: Optional[float], shown: Optional[str] = None) -> str:
    text = shown if shown is not None else ("–" if value is None else f"{value:,}")
    return f'<td class="n" data-v="{-1 if value is None else value}">{esc(text)}</td>'


def _stats_row(name: str, stats: Stats) -> str:
    # The gates' definitions (simplelint.adoption.gates), as the cards: never a second way of counting.
    annotated, tested = stats.measures.type_coverage, stats.measures.tested_share
    cells = [f'<td class="path">{esc(name)}</td>', _num(stats.files), _num(stats.functions), _num(stats.findings)]
    cells += [_num(stats.families[label]) for label in LABELS]
    cells += [_num(stats.families[OTHER]), _pct(annotated), _pct(tested), _num(stats.worst)]
    return f"<tr>{''.join(cells)}</tr>"


def _pct(value: Optional[float]) -> str:
    if value is None:
        return _num(None)
    return (
        f'<td class="n pct" data-v="{value:.2f}"><span class="meter"><span style="width:{value:.0f}%"></span></span>'
        f"{value:.1f}%</td>"
    )


def _stats_table(table_id: str, title: str, rows: dict[str, Stats]) -> str:
    head = [(title, "text"), ("Files", "num"), ("Functions", "num"), ("Findings", "num")]
    head += [(label, "num") for label in LABELS]
    head += [(OTHER, "num"), ("Annotated", "num"), ("Tested", "num"), ("Worst cyclomatic", "num")]
    ordered = sorted(rows.items(), key=lambda item: (-item[1].findings, item[0]))
    body = "".join(_stats_row(name, stats) for name, stats in ordered)
    return _table(table_id, head, body)


def _table(table_id: str, head: list[tuple[str, str]], body: str) -> str:
    header = "".join(f'<th data-type="{kind}" scope="col">{esc(label)}</th>' for label, kind in head)
    return f'<table class="sortable" id="{table_id}"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def _hotspots(functions: list[dict[str, Any]], tests_measured: bool) -> str:
    measured = [f for f in functions if f["cyclomatic"] is not None]
    worst = sorted(measured, key=lambda f: (-f["cyclomatic"], -(f["cognitive"] or 0), f["path"], f["line"]))
    worst = worst[:HOTSPOTS]
    if not worst:
        return '<p class="empty">No complexity data.</p>'
    top = max(f["cyclomatic"] for f in worst) or 1
    rows = []
    for rank, f in enumerate(worst, 1):
        bar = f'<span class="meter hot"><span style="width:{100 * f["cyclomatic"] / top:.0f}%"></span></span>'
        rows.append(
            f'<tr>{_num(rank)}<td class="code">{esc(f["name"])}</td>'
            f'<td class="path" data-v="{esc(_location_key(f["path"], f["line"]))}">{esc(f["path"])}:{f["line"]}</td>'
            f'<td class="n" data-v="{f["cyclomatic"]}">{bar}{f["cyclomatic"]}</td>{_num(f["cognitive"])}'
            f"{_yes_no(f['annotated'])}{_yes_no(_tested(f, tests_measured))}</tr>"
        )
    head = [("#", "num"), ("Function", "text"), ("Location", "text"), ("Cyclomatic", "num"), ("Cognitive", "num")]
    head += [("Annotated", "text"), ("Tested", "text")]
    return _table("hotspots", head, "".join(rows))


def _tested(function: dict[str, Any], tests_measured: bool) -> Optional[bool]:
    """Whether a test reaches the function; None (shown "–") where the gates count nothing: a test, or a
    function SL301/SL302 do not judge (private, an overload, ... by their options)."""
    if function["test"] or not tests_measured or not function["judged"]:
        return None
    return not function["untested"]


def _yes_no(value: Optional[bool]) -> str:
    if value is None:
        return '<td class="flag">–</td>'
    return f'<td class="flag {"yes" if value else "no"}">{"yes" if value else "no"}</td>'


def _location_key(path: str, line: int) -> str:
    return f"{path}\t{line:09d}"


def _excerpt(violation: Violation, read_lines: Callable[[str], list[str]]) -> str:
    lines = read_lines(violation.path)
    # The flagged lines, and the next one when the finding fits on one line (a name, a parameter); in a
    # notebook, the lines of its JSON text that hold them.
    line, _, end_line, _ = violation.in_file
    last = min(max(end_line, line + 1), line + EXCERPT_LINES - 1, len(lines))
    shown = [f"{n:>5} | {lines[n - 1].rstrip()[:160]}" for n in range(line, last + 1) if n > 0]
    return esc("\n".join(shown))


def _shown(violations: list[Violation]) -> tuple[list[Violation], str]:
    """At most MAX_ROWS findings: whole families first, the smallest first, so that the few complexity or
    test findings are not crowded out by thousands of missing annotations; kept in file order."""
    families = Counter(family_of(v.code) for v in violations)
    room: dict[str, int] = {}
    left = MAX_ROWS
    for name, count in sorted(families.items(), key=lambda item: (item[1], item[0])):
        room[name] = min(count, left)
        left -= room[name]
    shown = []
    for v in violations:
        name = family_of(v.code)
        if room[name]:
            room[name] -= 1
            shown.append(v)
    note = f"Showing {len(shown):,} of {plural(len(violations), 'finding', grouped=True)}"
    if len(shown) < len(violations):
        per_family = Counter(family_of(v.code) for v in shown)
        parts = ", ".join(f"{name} {per_family[name]:,} of {count:,}" for name, count in families.most_common())
        note += f" ({parts}; the full list: `simplelint check --output-format json`)"
    return shown, note


def _findings(violations: list[Violation], read_lines: Callable[[str], list[str]]) -> str:
    rows = []
    shown, note = _shown(violations)
    for v in shown:
        rows.append(
            f'<tr class="{esc(family_of(v.code)).replace(" ", "-").lower()}"><td class="code">{esc(v.code)}</td>'
            f"<td>{esc(v.name)}</td><td>{esc(family_of(v.code))}</td>"
            f'<td class="path" data-v="{esc(_location_key(v.path, v.line))}">{esc(v.path)}:{esc(v.where)}</td>'
            f"<td>{esc(v.message)}</td><td><pre>{_excerpt(v, read_lines)}</pre></td></tr>"
        )
    head = [("Code", "text"), ("Rule", "text"), ("Family", "text"), ("Location", "text"), ("Message", "text")]
    head.append(("Source", "text"))
    controls = (
        f'<p class="note"><label>Filter <input id="filter" type="search" placeholder="code, file or text"></label> '
        f'<span id="shown">{esc(note)}</span></p>'
    )
    return controls + _table("findings", head, "".join(rows))


def page(model: Model, read_lines: Callable[[str], list[str]], root: str, measures: Optional[Measures] = None) -> str:
    total, tested = model.total, model.tests_measured
    hotspots = _hotspots(model.functions, tested)
    sections = [
        f'<section class="cards">{_cards(model, measures or Measures())}</section>',
        '<section class="charts"><div><h2>Findings by family</h2>'
        f"{_family_chart(total)}</div><div><h2>Complexity distribution</h2>"
        f"{_distribution_chart(model.functions)}</div></section>",
        f"<section><h2>Complexity hotspots (worst {HOTSPOTS} functions)</h2>{hotspots}</section>",
        f"<section><h2>Packages</h2>{_stats_table('packages', 'Package', model.packages)}</section>",
        f"<section><h2>Modules</h2>{_stats_table('modules', 'Module', model.modules)}</section>",
        f"<section><h2>Findings</h2>{_findings(model.violations, read_lines)}</section>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>simplelint health report: {esc(root)}</title><style>{CSS}</style></head>"
        f'<body><header><h1>Code health</h1><p class="note">{esc(root)} · simplelint {esc(__version__)} · '
        f"functions and coverage exclude the test suite; hotspots and the distribution include it</p></header>"
        f"<main>{''.join(sections)}</main><script>{SCRIPT}</script></body></html>\n"
    )


def render(
    violations: list[Violation],
    files: list[FileResult],
    enabled: frozenset[str],
    read_lines: Callable[[str], list[str]],
    root: str,
) -> str:
    """The page, its gate numbers measured from the files' facts and the findings with default options (a run
    passes its own `RunResult.measures` to `page`, as the `html` format does)."""
    from pathlib import Path

    from simplelint.adoption.gates import measure
    from simplelint.config.settings import Settings

    measures = measure(files, violations, Settings(Path(root or "."), enabled=enabled))
    return page(build(violations, files, enabled, measures), read_lines, root, measures)


CSS = """
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
header{padding:20px 32px 8px;border-bottom:1px solid var(--line)}h1{margin:0;font-size:24px}
main{padding:8px 32px 40px;max-width:1400px}h2{font-size:17px;margin:26px 0 10px}
.note{color:var(--muted);font-size:12.5px;margin:4px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;margin-top:18px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--bg)}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:28px;font-weight:600;margin:2px 0}.card .note{margin:0}
.charts{display:flex;flex-wrap:wrap;gap:48px;align-items:flex-start}
svg text{font-size:12px;fill:var(--fg)}svg .count{font-size:11px;fill:var(--muted)}
.axis{stroke:var(--line)}.f0{fill:#cf222e}.f1{fill:#0969da}.f2{fill:#8250df}.f3{fill:#bf8700}.f4{fill:#1a7f37}
.f5{fill:#8c959f}
rect.cyclomatic{fill:#0969da}rect.cognitive{fill:#bf3989}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);cursor:pointer;user-select:none;position:sticky;top:0;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.path,td.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:anywhere}
#findings td.path{min-width:200px}main{overflow-x:auto}
pre{margin:0;font-size:11.5px;white-space:pre-wrap;overflow-wrap:anywhere;max-width:460px;color:#24292f}
.meter{display:inline-block;width:60px;height:8px;background:#eaeef2;border-radius:4px;margin-right:6px;
  vertical-align:middle;overflow:hidden}
.meter span{display:block;height:100%;background:#1a7f37}td.flag.no{color:#cf222e;font-weight:600}
td.flag.yes{color:#1a7f37}.meter.hot span{background:#cf222e}
#modules tbody,#findings tbody{font-size:12.5px}input[type=search]{padding:3px 6px;width:260px}
"""

SCRIPT = """
(function () {
  function key(cell, numeric) {
    var value = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent.trim();
    return numeric ? parseFloat(value) : value.toLowerCase();
  }
  function sort(th) {
    var table = th.closest('table'), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute('data-type') === 'num';
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  document.querySelectorAll('table.sortable th').forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener('click', function () { sort(th); });
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(th); });
  });
  var filter = document.getElementById('filter');
  if (filter) {
    var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
    var shown = document.getElementById('shown'), initial = shown.textContent;
    filter.addEventListener('input', function () {
      var query = filter.value.toLowerCase(), count = 0;
      rows.forEach(function (row) {
        row.hidden = query !== '' && row.textContent.toLowerCase().indexOf(query) < 0;
        if (!row.hidden) count += 1;
      });
      shown.textContent = query ? count + ' matching rows' : initial;
    });
  }
  document.body.setAttribute('data-ready', 'true');
})();
"""
