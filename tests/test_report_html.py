"""The HTML health report: numbers from a small project, escaping, no network, and a real headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from simplelint.cli import main
from simplelint.output import ReportContext
from simplelint.output.html import render as render_html
from simplelint.output.html_page import MAX_ROWS, OTHER, Stats, build, family_of, page, render

CORE = """\
def typed(a: int) -> int:
    return a


def untyped(a):
    return a


def branchy(x: int) -> int:
    if x > 1:
        x -= 1
        if x > 2:
            x -= 1
            if x > 3:
                x += 1
    for i in range(x):
        if i % 2:
            x -= 1
        elif i % 3:
            x += 2
        else:
            x = 0
    return x
"""
# branchy: cyclomatic 1 + 3 ifs + for + if + elif = 7 (mccabe); cognitive 1+2+3 (nested ifs) + 1 (for)
# + 2 (if in the for) + 1 (elif) + 1 (else) = 11 (SonarSource).
EXTRA = "def helper(b: str) -> str:\n    return b\n"
EVIL = 'def shout(text): return "</pre><script>window.pwned = 1</script><img src=x>" + text\n'
MANY = "".join(f"def f{i}(a):\n    return a\n\n\n" for i in range(6))  # 18 findings: numeric vs text sort
TESTS = "from pkg.core import branchy, typed\n\n\ndef test_core() -> None:\n    assert typed(1) == branchy(0) + 1\n"
FLAGS = ["--isolated", "--no-cache", "-j", "1", "--select", "SL101,SL102,SL201,SL202,SL301"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/core.py": CORE,
        "pkg/extra.py": EXTRA,
        "pkg/sub/__init__.py": "",
        "pkg/sub/we<i>rd.py": EVIL,
        "pkg/sub/many.py": MANY,
        "tests/test_core.py": TESTS,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def report(project: Path) -> Path:
    result = CliRunner().invoke(main, ["report", *FLAGS, "--html", "out", "pkg", "tests"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Wrote out/index.html" in result.stdout
    return project / "out" / "index.html"


class Page(HTMLParser):
    """Elements, attributes and text of a page, to assert on its structure."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def card(text: str, key: str) -> str:
    match = re.search(rf'id="card-{key}"><div class="label">[^<]*</div><div class="value">([^<]*)<', text)
    assert match, key
    return match.group(1)


def test_key_numbers(project: Path) -> None:
    text = report(project).read_text(encoding="utf-8")
    assert card(text, "files") == "7"
    assert card(text, "functions") == "11"  # outside tests/: typed, untyped, branchy, helper, shout, f0..f5
    assert card(text, "annotated") == "27.3%"  # typed, branchy, helper
    assert card(text, "tested") == "18.2%"  # typed and branchy are reached by the test
    assert card(text, "findings") == "25"  # SL201+SL202: 2 untyped, 2 shout, 12 many; SL301: 9
    hotspots = text[text.index('id="hotspots"') :]
    first = re.search(r"<tbody><tr>.*?</tr>", hotspots, re.S)
    assert first and "branchy" in first.group(0)
    assert 'data-v="7"' in first.group(0) and 'data-v="11"' in first.group(0)
    assert first.group(0).count('class="flag yes"') == 2  # annotated, and reached by the test


def test_page_is_self_contained_and_escaped(project: Path) -> None:
    text = report(project).read_text(encoding="utf-8")
    parsed = Page(text)
    assert [tag for tag, _ in parsed.tags if tag in ("img", "link", "iframe", "object")] == []
    assert sum(1 for tag, _ in parsed.tags if tag == "script") == 1  # the page's own, inline
    assert not [attrs for _, attrs in parsed.tags if "src" in attrs or "href" in attrs]
    assert "http://" not in text and "https://" not in text
    assert "we&lt;i&gt;rd.py" in text and "<i>" not in text
    assert "&lt;/pre&gt;&lt;script&gt;window.pwned" in text
    assert any("pkg/sub/we<i>rd.py" in chunk for chunk in parsed.text)


def test_check_writes_the_same_page_with_output_format_html(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", *FLAGS, "--output-format", "html", "-o", "c.html", "pkg", "tests"])
    assert result.exit_code == 1  # findings, as for any other format
    text = (project / "c.html").read_text(encoding="utf-8")
    assert card(text, "annotated") == "27.3%" and card(text, "tested") == "18.2%"


def test_statistics_per_package_and_without_facts() -> None:
    from simplelint.engine.result import FileResult
    from simplelint.engine.violation import Violation

    files = [FileResult("a/x.py", "d", facts={"function-metrics": [
        {"name": "f", "line": 1, "annotated": True, "typed": 2, "slots": 2, "cyclomatic": 3, "cognitive": 2},
        {"name": "g", "line": 5, "annotated": False, "typed": 1, "slots": 3, "cyclomatic": None, "cognitive": None},
    ]}), FileResult("a/y.py", "d"), FileResult("b/z.py", "d", is_test=True)]  # fmt: skip
    found = [Violation("SL301", "untested", "m", "a/x.py", 5, 5, 5, 6, context="g")]
    found += [Violation("PLUG1", "plugin", "m", "a/y.py", 1, 1, 1, 2)]
    model = build(found, files, frozenset({"SL301"}))
    assert model.packages["a"].functions == 2 and model.packages["a"].annotated == 1
    assert model.packages["a"].families == {"Tests": 1, OTHER: 1}
    assert model.total.worst == 3 and model.total.files == 3
    text = render(found, files, frozenset({"SL301"}), lambda path: [], "root")
    # The gates' numbers: 3 of 5 parameters and returns; no SL301 facts, so no share of functions tested.
    assert card(text, "annotated") == "60.0%" and card(text, "tested") == "–"
    assert card(text, "mean-complexity") == "3.00"  # g has no measured complexity
    context = ReportContext(files=files, settings=None)
    assert card(render_html(found, context), "tested") == "–"  # no settings: SL3 rules not known to be on
    assert card(page(build([], [], frozenset()), lambda path: [], "root"), "tested") == "–"


def test_findings_table_is_capped_keeping_small_families_whole() -> None:
    from simplelint.engine.violation import Violation

    many = [Violation("SL201", "n", "m", "a.py", i, 1, i, 2) for i in range(1, MAX_ROWS + 6)]
    few = [Violation("SL101", "c", "m", "z.py", i, 1, i, 2) for i in range(1, 4)]
    text = page(build(many + few, [], frozenset()), lambda path: [], "root")
    assert f"Showing {MAX_ROWS:,} of {MAX_ROWS + 8:,} findings" in text
    assert f"Type hints {MAX_ROWS - 3:,} of {MAX_ROWS + 5:,}, Complexity 3 of 3" in text
    assert text.count("z.py:") == 3  # every complexity finding is shown
    assert Stats().findings == 0
    assert family_of("SL105") == "Complexity" and family_of("PLUG1") == OTHER


# ---- a real headless browser ----

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
browser = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed (apt-get install -y chromium)")


def chromium(tmp_path: Path, *args: str) -> str:
    assert BROWSER is not None
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ]  # fmt: skip
    done = subprocess.run([BROWSER, *flags, *args], capture_output=True, text=True, timeout=90, check=True)
    return done.stdout


def column(dom: str, table: str, index: int) -> list[str]:
    """The text of one column of a table in a dumped DOM, in row order."""
    body = dom[dom.index(f'id="{table}"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[index]).strip() for row in rows]


@pytest.mark.slow
@browser
def test_browser_renders_numbers_sorts_and_takes_a_screenshot(project: Path, tmp_path: Path) -> None:
    index = report(project)
    dom = chromium(tmp_path, "--dump-dom", index.as_uri())
    assert 'data-ready="true"' in dom  # the page's script ran
    assert card(dom, "annotated") == "27.3%" and card(dom, "tested") == "18.2%"
    assert "<svg" in dom and "Complexity distribution" in dom
    assert "window.pwned" in dom and dom.count("<script") == 1 and "<img" not in dom
    # Clicking a header sorts numerically (18 findings after 3, unlike a text sort), then reverses.
    clicks = index.with_name("clicked.html")
    clicker = (
        "<script>var th = document.querySelectorAll('#modules th')[3]; th.click();"
        "document.body.setAttribute('data-first', th.getAttribute('aria-sort')); th.click();</script></body>"
    )
    clicks.write_text(index.read_text(encoding="utf-8").replace("</body>", clicker), encoding="utf-8")
    sorted_dom = chromium(tmp_path, "--dump-dom", clicks.as_uri())
    assert 'data-first="ascending"' in sorted_dom
    findings = [int(v.replace(",", "")) for v in column(sorted_dom, "modules", 3)]
    assert findings == sorted(findings, reverse=True) and findings[0] == 18
    assert column(sorted_dom, "modules", 0)[0] == "pkg/sub/many.py"
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,2000", index.as_uri())
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_function_facts_come_from_the_single_traversal(tmp_path: Path) -> None:
    from simplelint.engine.analysis import analyse
    from simplelint.output.html_page import COLLECTORS
    from simplelint.output.metrics import FUNCTIONS
    from simplelint.testing import settings_for

    source = (
        "class C:\n"
        "    def method(self, a: int) -> None: ...\n"
        "    @staticmethod\n"
        "    def static(a) -> int: ...\n"
        "\n"
        "async def outer(x: int, *args: int, **kw: str) -> int:\n"
        "    def inner(y):\n"
        "        return y\n"
        "    if x:\n"
        "        return 1\n"
        "    return 2\n"
    )
    settings = settings_for(tmp_path, frozenset())  # no rule at all: the collector runs on its own
    settings.collectors = COLLECTORS
    facts = analyse("m.py", source.encode(), settings).result.facts[FUNCTIONS]
    assert [(f["name"], f["line"], f["annotated"]) for f in facts] == [
        ("C.method", 2, True),
        ("C.static", 4, False),
        ("outer", 6, True),
        ("outer.inner", 7, False),
    ]
    outer = facts[2]
    # As mccabe, a nested function is measured with its parent: 1 + if + 1 for `inner`.
    assert (outer["cyclomatic"], facts[3]["cyclomatic"]) == (3, None)
    assert outer["cognitive"] is not None
    settings.collectors = ()
    assert FUNCTIONS not in analyse("m.py", source.encode(), settings).result.facts


@pytest.mark.parametrize("codes", [frozenset(), frozenset({"SL101", "SL102"})])
def test_function_lines_where_the_layout_is_odd(tmp_path: Path, codes: frozenset[str]) -> None:
    """Lines come from CPython's tree where it places the `def` as LibCST places the name, else from the
    engine's positions: both agree on every layout (a form feed, CRLF, a name after a line continuation)."""
    from simplelint.engine.analysis import analyse
    from simplelint.output.html_page import COLLECTORS
    from simplelint.output.metrics import FUNCTIONS
    from simplelint.testing import settings_for

    source = (
        "import os\n"
        "\x0c\n"
        "@decorator\n"
        "def decorated(a):\n"
        "    return a\n"
        "def \\\n"
        "        continued(a):\n"
        "    return a\r\n"
        "async  def de(a):\r\n"
        "    pass\n"
        "try:\n"
        "    def in_try(): pass\n"
        "except ValueError:\n"
        "    def in_except(): pass\n"
        "else:\n"
        "    def in_else(): pass\n"
        "finally:\n"
        "    def in_finally(): pass\n"
        "match os.name:\n"
        "    case 'nt':\n"
        "        def in_case(): pass\n"
    )
    settings = settings_for(tmp_path, codes)
    settings.collectors = COLLECTORS
    facts = analyse("m.py", source.encode(), settings).result.facts[FUNCTIONS]
    assert [(f["name"], f["line"]) for f in facts] == [
        ("decorated", 4), ("continued", 7), ("de", 9), ("in_try", 12), ("in_except", 14), ("in_else", 16),
        ("in_finally", 18), ("in_case", 21),
    ]  # fmt: skip
