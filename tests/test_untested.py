"""SL301/SL302: end to end on fixtures/ledger_project (with a real coverage run), and the resolution rules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping, Optional

import pytest
from click.testing import CliRunner
from support import cli_in

from simplelint.cli import main
from simplelint.rule import Invalid
from simplelint.rules.untested import UnexecutedFunction, UntestedFunction
from simplelint.rules.untested.coverage import CoverageDataError, load
from simplelint.testing import run_example

LEDGER = Path(__file__).resolve().parent.parent / "fixtures" / "ledger_project"

# What SL301 finds in the ledger project, by reading the code and its tests only.
STATIC = {
    ("src/ledger/book.py", 24, "SL301", "Account.balance"),  # `ledger.balance()` is Ledger's: the fixture says so
    ("src/ledger/cli.py", 12, "SL301", "main"),  # only the `__main__` block calls it
    ("src/ledger/money.py", 28, "SL301", "Money.is_zero"),
    ("src/ledger/report.py", 9, "SL301", "format_amount"),  # tests import ledger.money's, not this one
    ("src/ledger/storage.py", 43, "SL301", "open_store"),  # the implementation; the @overloads are not reported
    ("src/ledger/storage.py", 47, "SL301", "read_file"),  # only cli.main calls it
}
# What the coverage data says. `render_report` dispatches by name (`globals()[f"render_{style}"]`), which
# SL301 counts for every `render_*` function of the module; the run shows that only `render_text` ran.
DYNAMIC = {(path, line, "SL302", name) for path, line, _, name in STATIC} | {
    ("src/ledger/book.py", 61, "SL302", "Ledger.export_csv"),
    ("src/ledger/report.py", 25, "SL302", "render_csv"),
}


def check(folder: Path, *args: str) -> tuple[set[tuple[str, int, str, str]], str]:
    """Run `simplelint check` in `folder`; the findings as (path, line, code, function) and stderr."""
    result = cli_in(folder, "check", "--no-cache", "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    findings = json.loads(result.stdout)
    return {(f["filename"], f["location"]["row"], f["code"], f["message"].split("`")[1]) for f in findings}, result.stderr


def test_ledger_static_findings_are_exact() -> None:
    found, stderr = check(LEDGER)
    assert found == STATIC
    assert "warning" not in stderr


def test_checking_only_src_still_reads_the_tests() -> None:
    found, _ = check(LEDGER, "src")
    assert found == STATIC


def test_ignoring_sl3_in_the_tests_keeps_what_they_reach(tmp_path: Path) -> None:
    project = tmp_path / "ledger"
    shutil.copytree(LEDGER, project)
    found, _ = check(project, "--per-file-ignores", "tests/**:SL3", "src")
    assert found == STATIC


def test_checking_only_src_has_no_note_about_missing_tests() -> None:
    result = cli_in(LEDGER, "check", "--no-cache", "--verbose", "src")
    assert "no test files found" not in result.stderr


def test_message_says_what_was_looked_at() -> None:
    result = cli_in(LEDGER, "check", "--no-cache", "--output-format", "concise", "src/ledger/cli.py")
    assert (
        "src/ledger/cli.py:12:5: SL301 `main` is not reached by any test: no test in tests/ references it, "
        "and no tested function calls it"
    ) in result.stdout


@pytest.fixture(scope="module")
def covered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the ledger project whose tests ran under coverage.py (data in `.coverage`)."""
    pytest.importorskip("coverage")
    folder = tmp_path_factory.mktemp("ledger") / "ledger_project"
    shutil.copytree(LEDGER, folder, ignore=shutil.ignore_patterns("__pycache__", ".simplelint_cache"))
    run = subprocess.run(
        [sys.executable, "-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return folder


def test_coverage_data_is_the_authority(covered: Path) -> None:
    found, stderr = check(covered, "--coverage", ".coverage")
    assert found == DYNAMIC
    assert "warning" not in stderr


def test_coverage_file_from_config(covered: Path) -> None:
    found, _ = check(covered, "--config", "coverage-file = '.coverage'")
    assert found == DYNAMIC


def test_coverage_json_report(covered: Path) -> None:
    subprocess.run([sys.executable, "-m", "coverage", "json", "-q", "-o", "cov.json"], cwd=covered, check=True)
    found, _ = check(covered, "--coverage", "cov.json")
    assert found == DYNAMIC


def test_without_sl302_the_data_is_not_used(covered: Path) -> None:
    found, _ = check(covered, "--coverage", ".coverage", "--select", "SL301")
    assert found == STATIC


def test_stale_file_is_a_warning_and_sl301_judges_it(covered: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(covered, folder)
    money = folder / "src" / "ledger" / "money.py"
    later = (folder / ".coverage").stat().st_mtime + 60
    os.utime(money, (later, later))
    found, stderr = check(folder, "--coverage", ".coverage")
    assert "warning: coverage data .coverage is older than 1 file changed since the run (src/ledger/money.py)" in stderr
    assert ("src/ledger/money.py", 28, "SL301", "Money.is_zero") in found
    assert ("src/ledger/money.py", 28, "SL302", "Money.is_zero") not in found


def test_lines_beyond_the_end_mean_stale_data(covered: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(covered, folder)
    book = folder / "src" / "ledger" / "book.py"
    stamp = book.stat().st_mtime
    book.write_text("\n".join(book.read_text().splitlines()[:30]) + "\n")  # cut short, mtime kept
    os.utime(book, (stamp, stamp))
    _, stderr = check(folder, "--coverage", ".coverage")
    assert "src/ledger/book.py" in stderr and "older than" in stderr


def test_missing_data_is_a_warning_not_a_crash(covered: Path) -> None:
    found, stderr = check(covered, "--coverage", "nowhere/.coverage")
    assert found == STATIC
    assert "warning: SL302 skipped: coverage data" in stderr and "does not exist" in stderr


@pytest.mark.parametrize(
    ("report", "said"),
    [
        ('{"files": {"src/ledger/book.py": {"executed_lines": "abc"}}}', "not a `coverage json` report"),
        ('{"files": {"src/ledger/book.py": {"executed_lines": [1.5, 2]}}}', "not a `coverage json` report"),
        ('{"files": {"src/ledger/book.py": {"executed_lines": [true]}}}', "not a `coverage json` report"),
        ('{"files": ' + "[" * 100_000, "not a `coverage json` report"),
        (None, "is a folder: did you mean"),
    ],
    ids=["string", "floats", "bools", "deep", "folder"],
)
def test_unusable_coverage_data_is_a_warning_not_an_internal_error(
    covered: Path, tmp_path: Path, report: Optional[str], said: str
) -> None:
    """Issue 14.13: SL302 is skipped with a reason; SL301 still judges the functions."""
    given = tmp_path / "cov"
    if report is None:
        given.mkdir()
        (given / ".coverage").write_bytes((covered / ".coverage").read_bytes())
    else:
        given.write_text(report, encoding="utf-8")
    found, stderr = check(covered, "--coverage", str(given))
    assert found == STATIC
    assert "internal error" not in stderr
    assert "warning: SL302 skipped" in stderr and said in stderr


def test_parallel_data_files_get_a_combine_hint(tmp_path: Path) -> None:
    (tmp_path / ".coverage.host.123").write_bytes(b"")
    with pytest.raises(CoverageDataError, match="coverage combine"):
        load(tmp_path / ".coverage")


def test_foreign_file_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("coverage")
    (tmp_path / "data").write_text("not coverage data\n")
    with pytest.raises(CoverageDataError, match="not a coverage.py data file"):
        load(tmp_path / "data")


def test_missing_coverage_package_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "coverage", None)  # `import coverage` now raises ImportError
    (tmp_path / ".coverage").write_bytes(b"SQLite format 3\x00")
    with pytest.raises(CoverageDataError, match=r"simplelint\[coverage\]"):
        load(tmp_path / ".coverage")


def test_json_report_paths_match_by_suffix(tmp_path: Path) -> None:
    report = {"files": {"/ci/checkout/src/pkg/a.py": {"executed_lines": [3]}, "src/pkg/b.py": {"executed_lines": [1]}}}
    (tmp_path / "cov.json").write_text(json.dumps(report))
    data = load(tmp_path / "cov.json")
    assert data.lines_for(str(tmp_path / "src/pkg/a.py"), tmp_path) == frozenset({3})
    assert data.lines_for(str(tmp_path / "src/pkg/b.py"), tmp_path) == frozenset({1})
    assert data.lines_for(str(tmp_path / "src/pkg/c.py"), tmp_path) is None


# --- resolution rules, on small projects -----------------------------------------------------------------


def untested(files: Mapping[str, str], options: Optional[Mapping[str, Any]] = None) -> set[str]:
    """Qualified names SL301 reports in the `pkg/` files of a small project."""
    path = next(p for p in files if p.startswith("pkg/"))
    found, _ = run_example(UntestedFunction, Invalid(files=dict(files), path=path, options=options or {}))
    return {f"{Path(v.path).stem}.{v.context}" for v in found}


MONEY = "def format_amount(cents):\n    return str(cents)\n\n\ndef parse(text):\n    return int(text)\n"
REPORT = "def format_amount(value):\n    return str(value)\n"


@pytest.mark.parametrize(
    "test",
    [
        "from pkg.money import format_amount\n\ndef test_it():\n    format_amount(1)\n",
        "from pkg.money import format_amount as fmt\n\ndef test_it():\n    fmt(1)\n",
        "import pkg.money as m\n\ndef test_it():\n    m.format_amount(1)\n",
        "from pkg import money\n\ndef test_it():\n    money.format_amount(1)\n",
        "import pkg.money\n\ndef test_it():\n    pkg.money.format_amount(1)\n",
        "from pkg import money\n\ndef test_it():\n    assert getattr(money, 'format_amount')(1)\n",
        "import pytest\nfrom pkg import money\n\n@pytest.mark.parametrize('f', [money.format_amount])\n"
        "def test_it(f):\n    f(1)\n",
        "from pkg.money import format_amount\n\ndef test_it():\n    assert list(map(format_amount, [1]))\n",
    ],
    ids=["import", "alias", "module-alias", "from-package", "dotted", "getattr", "parametrize", "as-value"],
)
def test_a_reference_names_one_function(test: str) -> None:
    files = {"pkg/__init__.py": "", "pkg/money.py": MONEY, "pkg/report.py": REPORT, "tests/test_it.py": test}
    assert untested(files) == {"money.parse", "report.format_amount"}


def test_reexports_and_star_imports_are_followed() -> None:
    files = {
        "pkg/__init__.py": "from pkg.money import *\nfrom .report import format_amount as fmt\n",
        "pkg/money.py": MONEY,
        "pkg/report.py": REPORT,
        "tests/test_it.py": "import pkg\n\ndef test_it():\n    pkg.parse('1')\n    pkg.fmt(2)\n",
    }
    assert untested(files) == {"money.format_amount"}


def test_module_level_alias_binds_a_name_and_calls_nothing() -> None:
    files = {
        "pkg/money.py": MONEY + "\n\nparse_text = parse\n",
        "tests/test_it.py": "from pkg.money import parse_text\n\ndef test_it():\n    parse_text('1')\n",
    }
    assert untested(files) == {"money.format_amount"}


def test_helpers_called_by_tested_code_are_tested_and_cycles_end() -> None:
    source = (
        "def api():\n    return helper()\n\n\ndef helper():\n    return leaf()\n\n\ndef leaf():\n    return 1\n\n\n"
        "def ping(n):\n    return pong(n)\n\n\ndef pong(n):\n    return ping(n - 1) if n else 0\n"
    )
    files = {"pkg/a.py": source, "tests/test_a.py": "from pkg.a import api\n\ndef test_api():\n    api()\n"}
    assert untested(files) == {"a.ping", "a.pong"}


def test_conftest_fixture_reaches_and_types_its_value() -> None:
    files = {
        "pkg/book.py": "class Book:\n    def add(self):\n        pass\n\n    def total(self):\n        pass\n\n\n"
        "class Shelf:\n    def total(self):\n        pass\n",
        "tests/conftest.py": "import pytest\nfrom pkg.book import Book, Shelf\n\n@pytest.fixture\ndef book() -> Book:\n"
        "    b = Book()\n    b.add()\n    Shelf()\n    return b\n",
        "tests/test_book.py": "def test_total(book):\n    book.total()\n",
    }
    assert untested(files) == {"book.Shelf.total"}


def test_fixture_without_annotation_is_typed_by_its_return() -> None:
    files = {
        "pkg/book.py": "class Book:\n    def total(self):\n        pass\n\n\nclass Shelf:\n    def total(self):\n        pass\n",
        "tests/conftest.py": "import pytest\nfrom pkg.book import Book, Shelf\n\n@pytest.fixture\ndef book():\n"
        "    Shelf()\n    return Book()\n",
        "tests/test_book.py": "def test_total(book):\n    book.total()\n",
    }
    assert untested(files) == {"book.Shelf.total"}


SHAPES = (
    "class Shape:\n    def area(self):\n        return self.side()\n\n    def side(self):\n        return 0\n\n\n"
    "class Square(Shape):\n    def side(self):\n        return 2\n\n\n"
    "class Circle(Shape):\n    def side(self):\n        return 1\n\n    def radius(self):\n        return 1\n"
)


def test_methods_resolve_through_bases_and_used_subclasses() -> None:
    test = "from pkg.shapes import Square\n\ndef test_area():\n    assert Square().area() == 4\n"
    files = {"pkg/shapes.py": SHAPES, "tests/test_shapes.py": test}
    assert untested(files) == {"shapes.Circle.side", "shapes.Circle.radius"}


def test_annotation_types_the_receiver() -> None:
    test = "from pkg.shapes import Circle, Square\n\ndef test_radius():\n    s: Square = make()\n    s.side()\n"
    files = {"pkg/shapes.py": SHAPES, "tests/test_shapes.py": test}
    assert untested(files) == {"shapes.Shape.area", "shapes.Shape.side", "shapes.Circle.side", "shapes.Circle.radius"}


def test_unknown_receiver_falls_back_to_the_method_name() -> None:
    test = "from pkg.shapes import Circle, Square\n\ndef test_side(shape_factory):\n    Square()\n    obj = shape_factory()\n    obj.side()\n"
    files = {"pkg/shapes.py": SHAPES, "tests/test_shapes.py": test}
    # `side` of every used class (Shape, Square); Circle is never used, so its `side` stays untested.
    assert untested(files) == {"shapes.Shape.area", "shapes.Circle.side", "shapes.Circle.radius"}
    strict = untested(files, {"match-methods-by-name": False})
    assert strict == {"shapes.Shape.area", "shapes.Shape.side", "shapes.Square.side", "shapes.Circle.side",
                      "shapes.Circle.radius"}  # fmt: skip


def test_super_calls_reach_the_base_method() -> None:
    source = (
        "class Base:\n    def save(self):\n        return 1\n\n\nclass Child(Base):\n"
        "    def save(self):\n        return super().save() + 1\n"
    )
    files = {"pkg/m.py": source, "tests/test_m.py": "from pkg.m import Child\n\ndef test_save():\n    Child().save()\n"}
    assert untested(files) == set()


@pytest.mark.parametrize(
    ("use", "dunder"),
    [
        ("len(b)", "__len__"),
        ("b == b", "__eq__"),
        ("[x for x in b]", "__iter__"),
        ("b[0]", "__getitem__"),
        ("b + b", "__add__"),
        ("str(b)", "__str__"),
        ("f'{b}'", "__format__"),
        ("0 in b", "__contains__"),
    ],
)
def test_dunders_are_reached_through_operators(use: str, dunder: str) -> None:
    methods = ("__len__", "__eq__", "__iter__", "__getitem__", "__add__", "__str__", "__format__", "__contains__")
    body = "".join(f"    def {m}(self, *a):\n        return helper_{m.strip('_')}()\n\n" for m in methods)
    helpers = "".join(f"def helper_{m.strip('_')}():\n    return 1\n\n\n" for m in methods)
    source = f"class Bag:\n    def __init__(self):\n        pass\n\n{body}\n{helpers}"
    test = f"from pkg.bag import Bag\n\ndef test_it():\n    b = Bag()\n    {use}\n"
    found = untested({"pkg/bag.py": source, "tests/test_bag.py": test})
    # The dunder ran, so the helper it calls is tested; an unrelated dunder's helper is not.
    unrelated = "add" if dunder == "__len__" else "len"
    assert f"bag.helper_{dunder.strip('_')}" not in found and f"bag.helper_{unrelated}" in found
    with_dunders = untested({"pkg/bag.py": source, "tests/test_bag.py": test}, {"report-dunder": True})
    assert f"bag.Bag.{dunder}" not in with_dunders and "bag.Bag.__init__" not in with_dunders


def test_with_statement_reaches_enter_and_exit() -> None:
    source = "class Tx:\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *a):\n        return None\n"
    test = "from pkg.tx import Tx\n\ndef test_it():\n    with Tx():\n        pass\n"
    assert untested({"pkg/tx.py": source, "tests/test_tx.py": test}, {"report-dunder": True}) == set()


EXCLUDED = '''from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Protocol, overload

if TYPE_CHECKING:
    def typing_only():
        pass
else:
    def runtime():
        pass


class Reader(Protocol):
    def read(self):
        pass


class Base(ABC):
    @abstractmethod
    def run(self):
        pass


@overload
def conv(x: int) -> int:
    pass
@overload
def conv(x: str) -> str:
    pass
def conv(x):
    return x


def _private():
    pass


class Thing:
    def __repr__(self):
        return ""
'''


@pytest.mark.parametrize(
    ("option", "extra"),
    [
        ("report-private", {"m._private"}),
        ("report-dunder", {"m.Thing.__repr__"}),
        ("report-overload", {"m.conv"}),  # the two @overload signatures, reported on lines of their own
        ("report-abstract", {"m.Base.run"}),
        ("report-protocol", {"m.Reader.read"}),
        ("report-type-checking", {"m.typing_only"}),
    ],
)
def test_exclusions_are_options(option: str, extra: set[str]) -> None:
    files = {"pkg/m.py": EXCLUDED, "tests/test_m.py": "def test_nothing():\n    pass\n"}
    assert untested(files) == {"m.runtime", "m.conv"}
    assert untested(files, {option: True}) == {"m.runtime", "m.conv"} | extra


def test_main_block_is_not_a_test_but_import_time_code_runs() -> None:
    source = (
        "def setup():\n    return 1\n\n\nCONFIG = setup()\n\n\ndef main():\n    pass\n\n\n"
        "if __name__ == '__main__':\n    main()\nelse:\n    pass\n"
    )
    files = {"pkg/app.py": source, "tests/test_app.py": "import pkg.app\n\ndef test_x():\n    pass\n"}
    assert untested(files) == {"app.main"}


def test_nested_functions_belong_to_their_function() -> None:
    source = "def outer():\n    def inner():\n        return helper()\n    return inner\n\n\ndef helper():\n    return 1\n"
    files = {"pkg/n.py": source, "tests/test_n.py": "from pkg.n import outer\n\ndef test_x():\n    outer()\n"}
    assert untested(files) == set()


def test_unused_test_helpers_reach_nothing_and_can_be_reported() -> None:
    files = {
        "pkg/m.py": MONEY,
        "tests/test_m.py": "from pkg.money import parse\n\n\ndef check_old():\n    parse('1')\n\n\ndef test_x():\n    pass\n",
        "pkg/money.py": MONEY,
    }
    assert untested(files) == {"money.format_amount", "money.parse", "m.format_amount", "m.parse"}
    assert "test_m.check_old" in untested(files, {"report-test-files": True})


def test_local_variable_shadowing_a_function_is_not_a_reference() -> None:
    source = "def total():\n    return 1\n\n\ndef run(items):\n    total = 0\n    total += len(items)\n    return total\n"
    files = {"pkg/t.py": source, "tests/test_t.py": "from pkg.t import run\n\ndef test_x():\n    run([])\n"}
    assert untested(files) == {"t.total"}


def test_no_test_files_means_no_findings_and_a_note_under_verbose(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\nselect = ['SL301']\n")
    (tmp_path / "app.py").write_text("def main():\n    pass\n")
    found, stderr = check(tmp_path)
    assert found == set() and stderr == ""
    found, stderr = check(tmp_path, "--verbose")
    assert "note: SL301 skipped: no test files found" in stderr


def test_sl302_does_nothing_without_data() -> None:
    found, _ = run_example(UnexecutedFunction, Invalid(files={"pkg/a.py": "def f():\n    pass\n"}, path="pkg/a.py"))
    assert found == []


def test_dispatch_by_a_built_name_reaches_every_candidate() -> None:
    source = (
        "class Visitor:\n    def run(self, kind):\n        return getattr(self, 'visit_' + kind)()\n\n"
        "    def visit_a(self):\n        pass\n\n    def other(self):\n        pass\n\n\n"
        "def render(style):\n    return globals()[f'render_{style}']()\n\n\ndef render_text():\n    pass\n\n\n"
        "def show():\n    pass\n"
    )
    test = "from pkg.v import Visitor, render\n\ndef test_x():\n    Visitor().run('a')\n    render('text')\n"
    assert untested({"pkg/v.py": source, "tests/test_v.py": test}) == {"v.Visitor.other", "v.show"}


def test_registration_decorator_runs_with_its_registry() -> None:
    source = (
        "import click\n\n\n@click.group()\ndef cli():\n    pass\n\n\n@cli.command()\ndef hello():\n    pass\n\n\n"
        "@click.command()\ndef alone():\n    pass\n"
    )
    test = "from pkg.app import cli\n\ndef test_hello():\n    cli(['hello'])\n"
    assert untested({"pkg/app.py": source, "tests/test_app.py": test}) == {"app.alone"}


def test_dotted_strings_name_what_importlib_loads() -> None:
    source = "import importlib\n\nFORMATS = {'csv': 'pkg.out:write_csv'}\n\n\ndef write(kind):\n" \
             "    module, _, name = FORMATS[kind].partition(':')\n    return getattr(importlib.import_module(module), name)()\n"
    files = {"pkg/io.py": source, "pkg/out.py": "def write_csv():\n    pass\n\n\ndef write_xml():\n    pass\n",
             "tests/test_io.py": "from pkg.io import write\n\ndef test_x():\n    write('csv')\n"}
    assert untested(files) == {"out.write_xml"}


def test_module_level_lambda_runs_when_its_name_is_called() -> None:
    source = (
        "def helper(x):\n    return x\n\n\ndef other(x):\n    return x\n\n\nKEY = lambda x: helper(x)\n"
        "SORT = sorted([2, 1], key=lambda x: other(x))\n"
    )
    test = "from pkg.k import KEY\n\ndef test_x():\n    KEY(1)\n"
    assert untested({"pkg/k.py": source, "tests/test_k.py": test}) == set()
    assert untested({"pkg/k.py": source, "tests/test_k.py": "def test_x():\n    pass\n"}) == {"k.helper"}


def test_fact_paths_read_the_nearest_project_within_the_root(tmp_path: Path) -> None:
    from simplelint.testing import settings_for

    for name in ("outer.py", "proj/pyproject.toml", "proj/src/pkg/a.py", "proj/tests/test_a.py", "bare/b.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    settings = settings_for(tmp_path, frozenset({"SL301"}))
    found = {Path(p).resolve() for p in UntestedFunction.fact_paths(settings, [str(tmp_path / "proj/src/pkg/a.py")])}
    assert found == {tmp_path / "proj/src/pkg/a.py", tmp_path / "proj/tests/test_a.py"}
    # No project marker above the file: the config root is the project.
    found = {Path(p).resolve() for p in UntestedFunction.fact_paths(settings, [str(tmp_path / "bare/b.py")])}
    assert tmp_path / "outer.py" in found and tmp_path / "proj/tests/test_a.py" in found
    assert UntestedFunction.fact_paths(settings, ["/elsewhere/c.py"]) == []


def test_test_files_are_read_with_cpythons_parser() -> None:
    """A test LibCST cannot parse (a form feed before an indented block) still counts: facts come from `ast`."""
    files = {
        "pkg/mod.py": "def used():\n    return 1\n\n\ndef unused():\n    return 2\n",
        "tests/test_mod.py": "from pkg.mod import used\n\n\ndef test_used():\n\x0c    assert used() == 1\n",
    }
    assert untested(files) == {"mod.unused"}


def test_an_unchanged_project_reuses_the_joined_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "ledger"
    shutil.copytree(LEDGER, project)
    joins: list[int] = []
    real = UntestedFunction.check_project.__func__  # type: ignore[attr-defined]

    def counted(cls: type, *args: Any) -> Any:
        joins.append(1)
        return real(cls, *args)

    def cached_run() -> list[str]:
        monkeypatch.chdir(project)
        result = CliRunner().invoke(main, ["check", "--cache-dir", str(tmp_path / "cache"), "--output-format", "concise"])
        return sorted(line for line in result.stdout.splitlines() if "SL301" in line)

    monkeypatch.setattr(UntestedFunction, "check_project", classmethod(counted))
    first = cached_run()
    assert len(first) == len(STATIC) and cached_run() == first
    assert len(joins) == 1  # the second run read the joined findings from the cache
    test_file = project / "tests" / "test_report.py"
    test_file.write_text(test_file.read_text() + "\n# a changed test file\n")
    assert cached_run() == first and len(joins) == 2
