"""SL301/SL302 (issue 16): bodies without code, what pytest collects, doctests, per-test contexts, protocol
methods and receiver types; end to end through the CLI, with real coverage runs where SL302 is involved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from support import cli_in


def write(folder: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def check_json(folder: Path, *args: str) -> list[dict[str, Any]]:
    """`simplelint check` in `folder` (CliRunner), its JSON findings."""
    result = cli_in(folder, "check", "--no-cache", "--select", "SL3", "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def found(folder: Path, *args: str) -> set[tuple[str, str]]:
    """(code, function) of each finding."""
    return {(f["code"], f["message"].split("`")[1]) for f in check_json(folder, *args)}


def coverage_run(folder: Path, *pytest_args: str, context: str = "") -> None:
    """The project's tests under a real `coverage run` (data in `.coverage`); `context`: coverage's
    `--context` or a `dynamic_context` written to .coveragerc."""
    pytest.importorskip("coverage")
    command = [sys.executable, "-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    run = subprocess.run(command, check=False, cwd=folder, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(folder)})  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


# --- SL302: a body with no code of its own ------------------------------------------------------------

HOOKS = {
    "pkg/__init__.py": "",
    "pkg/hooks.py": '''\
        def on_start():
            """Called when the app starts; nothing to do by default."""


        def on_stop():
            ...


        def on_idle():
            pass


        def unused_hook():
            """No test calls it."""


        def ran():
            return 1


        def never():
            return 2
        ''',
    "tests/test_hooks.py": """\
        from pkg.hooks import on_idle, on_start, on_stop, ran


        def test_hooks():
            on_start()
            on_stop()
            on_idle()
            assert ran() == 1
        """,
}


@pytest.mark.slow
def test_a_body_without_code_is_left_to_sl301(tmp_path: Path) -> None:
    folder = write(tmp_path, HOOKS)
    coverage_run(folder)
    assert found(folder, "--coverage", ".coverage") == {("SL302", "never"), ("SL301", "unused_hook")}
    assert found(folder) == {("SL301", "never"), ("SL301", "unused_hook")}


# --- what a test is: the files pytest collects --------------------------------------------------------

SHOP = {
    "pkg/__init__.py": "",
    "pkg/shop.py": """\
        def pay():
            return 1


        def refund():
            return 2


        def restock():
            return 3
        """,
    "tests/test_pay.py": "from pkg.shop import pay\n\n\ndef test_pay():\n    assert pay() == 1\n",
    # Support code beside the tests: a `test_` helper and import-time code that no test reaches.
    "tests/helpers.py": "from pkg.shop import refund, restock\n\nrestock()\n\n\ndef test_like():\n    refund()\n",
    # A type-checking example, not a test.
    "tests/type_check/typing_shop.py": "from pkg.shop import refund\n\nreveal = refund()\n",
}


def test_support_code_under_tests_is_no_test(tmp_path: Path) -> None:
    folder = write(tmp_path, SHOP)
    assert found(folder) == {("SL301", "refund"), ("SL301", "restock")}


def test_support_code_a_test_reaches_runs_with_it(tmp_path: Path) -> None:
    folder = write(tmp_path, {**SHOP, "tests/test_refund.py": "from tests.helpers import test_like\n\n\n"
                              "def test_refund():\n    test_like()\n"})  # fmt: skip
    assert found(folder) == set()  # test_like is called; importing helpers ran restock()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pytest.ini", "[pytest]\npython_files = check_*.py\ntestpaths = tests/unit\n"),
        (".pytest.ini", "[pytest]\npython_files = check_*.py\ntestpaths = tests/unit\n"),
        ("pyproject.toml", '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\ntestpaths = ["tests/unit"]\n'),
        ("pyproject.toml", '[tool.pytest]\npython_files = ["check_*.py"]\ntestpaths = ["tests/unit"]\n'),
        ("tox.ini", "[tox]\nenvlist = py\n\n[pytest]\npython_files =\n    check_*.py\ntestpaths = tests/unit\n"),
        ("setup.cfg", "[metadata]\nname = shop\n\n[tool:pytest]\npython_files = check_*.py\ntestpaths = tests/unit\n"),
    ],
)
def test_python_files_and_testpaths_come_from_the_pytest_config(tmp_path: Path, name: str, text: str) -> None:
    files = {
        **SHOP,
        name: text,
        "tests/unit/check_refund.py": "from pkg.shop import refund\n\n\ndef test_refund():\n    refund()\n",
        "tests/unit/test_restock.py": "from pkg.shop import restock\n\n\ndef test_restock():\n    restock()\n",
        "tests/other/check_more.py": "from pkg.shop import restock\n\n\ndef test_restock():\n    restock()\n",
    }
    del files["tests/test_pay.py"]
    folder = write(tmp_path, files)
    # check_refund.py is collected; test_restock.py does not match python_files, check_more.py is outside testpaths.
    assert found(folder) == {("SL301", "pay"), ("SL301", "restock")}


def test_a_changed_pytest_config_is_not_hidden_by_the_cache(tmp_path: Path) -> None:
    folder = write(tmp_path, {**SHOP, "tests/check_refund.py": "from pkg.shop import refund\n\n\n"
                              "def test_refund():\n    refund()\n"})  # fmt: skip

    def cached() -> set[tuple[str, str]]:
        command = [sys.executable, "-m", "simplelint", "check", "--select", "SL3", "--output-format", "json",
                   "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
        run = subprocess.run(command, check=False, cwd=folder, capture_output=True, text=True, timeout=60)
        assert run.returncode in (0, 1), run.stderr
        return {(f["code"], f["message"].split("`")[1]) for f in json.loads(run.stdout)}

    assert cached() == {("SL301", "refund"), ("SL301", "restock")}
    (folder / "pytest.ini").write_text("[pytest]\npython_files = test_*.py check_*.py\n", encoding="utf-8")
    assert cached() == found(folder) == {("SL301", "restock")}


# --- doctests -----------------------------------------------------------------------------------------

CONVERT = {
    "pkg/__init__.py": "",
    "pkg/convert.py": '''\
        """Conversions.

        >>> to_upper("a")
        'A'
        """


        def to_upper(text):
            return text.upper()


        def double(x):
            """Twice x.

            >>> double(2)
            4
            """
            return x * 2


        def halve(x):
            """Half of x (no example)."""
            return x / 2


        class Box:
            """A box.

            >>> Box().size()
            0
            """

            def size(self):
                return 0
        ''',
    "tests/test_nothing.py": "def test_nothing():\n    pass\n",
}
ALL_CONVERT = {("SL301", "to_upper"), ("SL301", "double"), ("SL301", "halve"), ("SL301", "Box.size")}


def test_doctests_count_only_when_pytest_runs_them(tmp_path: Path) -> None:
    folder = write(tmp_path, CONVERT)
    assert found(folder) == ALL_CONVERT
    (folder / "pytest.ini").write_text("[pytest]\naddopts = -ra --doctest-modules\n", encoding="utf-8")
    assert found(folder) == {("SL301", "halve")}


def test_doctests_from_our_config(tmp_path: Path) -> None:
    folder = write(tmp_path, CONVERT)
    assert found(folder, "--config", "tests.doctests = true") == {("SL301", "halve")}
    (folder / "pyproject.toml").write_text("[tool.simplelint.tests]\ndoctests = true\n", encoding="utf-8")
    assert found(folder) == {("SL301", "halve")}


def test_each_docstring_s_examples_count(tmp_path: Path) -> None:
    """One docstring's example trees, once walked, were freed, and the next docstring's nodes could take their
    ids, which the walk had marked as seen: most examples of a long module were skipped."""
    shown = "".join(
        f'def shown{number}():\n    """\n    >>> import pkg\n    >>> pkg.one.two.three()\n    >>> helper{number}(1)\n'
        f'    1\n    """\n\n\ndef helper{number}(x):\n    return x\n\n\n'
        for number in range(40)
    )
    folder = write(tmp_path, {"pkg/__init__.py": "", "pkg/shown.py": shown, "tests/test_nothing.py": "def test_it():\n    pass\n"})
    untested = found(folder, "--config", "tests.doctests = true")
    assert {name for _, name in untested if name.startswith("helper")} == set()
    assert len(untested) == 40  # the `shown*` functions: their examples call the helpers, not them


@pytest.mark.slow
def test_doctest_examples_agree_with_a_real_doctest_run(tmp_path: Path) -> None:
    folder = write(tmp_path, {**CONVERT, "setup.cfg": "[tool:pytest]\naddopts = --doctest-modules\n"})
    coverage_run(folder, "pkg", "tests")
    assert found(folder) == {("SL301", "halve")}
    assert found(folder, "--coverage", ".coverage") == {("SL302", "halve")}


# --- per-test contexts in the coverage data -----------------------------------------------------------

APP = {
    "pkg/__init__.py": "",
    "pkg/app.py": """\
        def make_registry():
            return {}


        REGISTRY = make_registry()  # runs at import time; no test calls it


        def handle():
            return 1


        def shared():
            return 2


        def unused():
            return 3
        """,
    "tests/test_app.py": """\
        from pkg.app import handle, shared


        def test_handle():
            assert handle() == 1
            assert shared() == 2


        def test_shared():
            assert shared() == 2
        """,
}
CONTEXTS = "[run]\ndynamic_context = test_function\n"


def sl302(folder: Path, *args: str) -> dict[str, dict[str, Any]]:
    return {f["message"].split("`")[1]: f for f in check_json(folder, *args) if f["code"] == "SL302"}


@pytest.fixture(scope="module")
def app_contexts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """APP, its tests run under coverage with per-test contexts (shared: a coverage run takes seconds)."""
    folder = write(tmp_path_factory.mktemp("contexts"), {**APP, ".coveragerc": CONTEXTS})
    coverage_run(folder)
    return folder


@pytest.mark.slow
def test_without_contexts_a_line_run_at_import_counts(tmp_path: Path) -> None:
    folder = write(tmp_path, APP)
    coverage_run(folder)
    findings = sl302(folder, "--coverage", ".coverage")
    assert set(findings) == {"unused"}
    assert "tests" not in findings["unused"]


@pytest.mark.slow
def test_with_contexts_only_lines_run_inside_a_test_count(app_contexts: Path) -> None:
    folder = app_contexts
    findings = sl302(folder, "--coverage", ".coverage")
    assert set(findings) == {"make_registry", "unused"}
    assert "runs only at import time; no test calls it" in findings["make_registry"]["message"]
    assert findings["make_registry"]["tests"] == []
    assert "never ran" in findings["unused"]["message"]
    # The same from a `coverage json --show-contexts` report.
    subprocess.run([sys.executable, "-m", "coverage", "json", "-q", "--show-contexts", "-o", "cov.json"],
                   cwd=folder, check=True)  # fmt: skip
    assert sl302(folder, "--coverage", "cov.json") == findings | {
        name: {**f, "message": f["message"].replace(".coverage", "cov.json")} for name, f in findings.items()
    }


@pytest.mark.slow
def test_min_tests_reports_functions_few_tests_ran_and_names_them(app_contexts: Path) -> None:
    folder = app_contexts
    findings = sl302(folder, "--coverage", ".coverage", "--min-tests", "2")
    assert set(findings) == {"make_registry", "unused", "handle"}
    assert findings["handle"]["tests"] == ["test_app.test_handle"]
    assert findings["handle"]["test_count"] == 1
    assert "ran under only 1 test (test_app.test_handle); `min-tests` asks for 2" in findings["handle"]["message"]
    assert set(sl302(folder, "--coverage", ".coverage", "--config", "tests.min-tests = 3")) == {
        "make_registry", "unused", "handle", "shared"}  # fmt: skip


@pytest.mark.slow
def test_explain_names_the_tests_that_ran_a_function(app_contexts: Path) -> None:
    folder = app_contexts
    command = [sys.executable, "-m", "simplelint", "explain", "pkg/app.py::shared", "--coverage", ".coverage"]
    run = subprocess.run(command, cwd=folder, check=False, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "pkg/app.py:12: `shared` (body: line 13)",
        "ran under 2 tests in .coverage:",
        "  test_app.test_handle",
        "  test_app.test_shared",
    ]
    result = cli_in(folder, "explain", "pkg/app.py::make_registry", "--coverage", ".coverage")
    missing = cli_in(folder, "explain", "pkg/app.py::nothing", "--coverage", ".coverage")
    assert "runs only at import time; no test calls it" in result.output
    assert missing.exit_code == 2 and "no function `nothing` in pkg/app.py" in missing.output


# --- protocol methods: called by a library base class ---------------------------------------------------

PROTOCOL = {
    "pkg/__init__.py": "",
    "pkg/hooks.py": """\
        import ast
        import html.parser
        import logging
        from datetime import timedelta, tzinfo

        from mylib import Base


        class UTC(tzinfo):
            def utcoffset(self, dt):
                return timedelta(0)

            def dst(self, dt):
                return timedelta(0)

            def tzname(self, dt):
                return "UTC"

            def describe(self):
                return "no test calls this one"


        class Unused(tzinfo):
            def utcoffset(self, dt):
                return None


        class ListHandler(logging.Handler):
            def emit(self, record):
                print(record)


        class Names(ast.NodeVisitor):
            def visit_Name(self, node):
                print(node.id)


        class Links(html.parser.HTMLParser):
            def handle_starttag(self, tag, attrs):
                print(tag)


        class Plugin(Base):
            def on_start(self):
                print("started")
        """,
    "tests/test_hooks.py": """\
        from datetime import datetime

        from pkg.hooks import UTC, Links, ListHandler, Names, Plugin


        def test_all():
            assert datetime.now(UTC())
            assert ListHandler()
            assert Names()
            assert Links()
            assert Plugin()
        """,
}


def test_protocol_methods_run_when_their_class_is_used(tmp_path: Path) -> None:
    folder = write(tmp_path, PROTOCOL)
    assert found(folder) == {("SL301", "UTC.describe"), ("SL301", "Unused.utcoffset"), ("SL301", "Plugin.on_start")}
    (folder / "pyproject.toml").write_text('[tool.simplelint.tests]\nprotocol-methods = ["mylib.Base.on_*"]\n',
                                           encoding="utf-8")  # fmt: skip
    assert found(folder) == {("SL301", "UTC.describe"), ("SL301", "Unused.utcoffset")}


# --- receiver types ---------------------------------------------------------------------------------------

TYPES = {
    "pkg/__init__.py": "",
    "pkg/store.py": """\
        from typing import TYPE_CHECKING


        class Store:
            def save(self):
                return 1

            def load(self):
                return 2


        class Cache:
            def save(self):
                return 3

            def load(self):
                return 4

            def update(self, **values):
                return values


        class Service:
            def __init__(self):
                self.cache = Cache()

            @classmethod
            def create(cls):
                return cls()

            def run(self):
                return self.cache.save()

            def fetch(self) -> "Store":
                return Store()


        def check(obj):
            if isinstance(obj, Store):
                obj.load()
            options = {}
            options.update(strict=True)
            load, save = obj, obj
            return load, save


        def unpack(pairs):
            return pairs


        class Table:
            def lookup(self):
                return 5


        def find(table):
            return table.lookup()


        if TYPE_CHECKING:
            AnyTable = Table  # never runs: Table is not used
        """,
    "tests/test_store.py": """\
        from pkg.store import Service, Store, check, find


        def test_service():
            service = Service.create()
            service.run()
            found = service.fetch()
            found.save()
            check(Store())
            find(None)
        """,
}


def test_receivers_are_typed_by_returns_attributes_flow_and_isinstance(tmp_path: Path) -> None:
    folder = write(tmp_path, TYPES)
    # `obj.load()` is a Store's (isinstance), `self.cache.save()` a Cache's (__init__), `{}.update` a dict's;
    # `load, save = ...` binds names and calls nothing.
    # `table.lookup()` matches by name, but only classes something uses: not one used under TYPE_CHECKING.
    assert found(folder) == {("SL301", n) for n in ("Cache.load", "Cache.update", "unpack", "Table.lookup")}


def test_protocol_methods_wait_until_tested_code_uses_an_instance_made_on_import(tmp_path: Path) -> None:
    folder = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/cli.py": """\
            import click


            class Group(click.Group):
                def list_commands(self, ctx):
                    return []


            class Other(click.Group):
                def list_commands(self, ctx):
                    return []


            MAIN = Group()
            OTHER = Other()


            def run():
                return OTHER.main()


            class Base:
                def run(self):
                    \"\"\"Subclasses do the work.\"\"\"
                    raise NotImplementedError
            """,
        "tests/test_cli.py": "from pkg.cli import run\n\n\ndef test_run():\n    assert run()\n",
    })  # fmt: skip
    # MAIN is only made on import; `Base.run` only raises NotImplementedError: abstract in all but name.
    assert found(folder) == {("SL301", "Group.list_commands")}
    assert found(folder, "--config", "tests.report-abstract = true") == {
        ("SL301", "Group.list_commands"), ("SL301", "Base.run")}  # fmt: skip


def test_names_in_dunder_all_are_no_dispatch_prefixes(tmp_path: Path) -> None:
    folder = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/checks.py": '__all__ = ["and_", "or_"]\n\n\ndef and_(a, b):\n    return a and b\n\n\n'
                         'def or_(a, b):\n    return a or b\n',
        "tests/test_checks.py": "from pkg.checks import and_\n\n\ndef test_and():\n    assert not and_(1, 0)\n",
    })  # fmt: skip
    assert found(folder) == {("SL301", "or_")}


def test_a_keyword_argument_name_is_no_reference(tmp_path: Path) -> None:
    folder = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/make.py": """\
            from functools import partial


            def define(cls=None, frozen=False):
                return cls


            frozen = partial(define, frozen=True)
            mutable = define(frozen=False)
            """,
        "tests/test_make.py": "from pkg.make import mutable\n\n\ndef test_mutable():\n    assert mutable is None\n",
    })  # fmt: skip
    # `frozen=...` names a parameter, not the module's `frozen`: nothing reaches `define` through it.
    assert found(folder) == set()  # `define` ran on import, for `mutable`
    write(folder, {
        "pkg/make.py": "def frozen():\n    return 1\n\n\ndef define(**options):\n    return options\n\n\n"
                       "def mutable():\n    return define(frozen=False)\n",
        "tests/test_make.py": "from pkg.make import mutable\n\n\ndef test_mutable():\n    assert mutable()\n",
    })  # fmt: skip
    assert found(folder) == {("SL301", "frozen")}


def test_functions_passed_in_a_module_level_assignment_run_when_it_is_used(tmp_path: Path) -> None:
    folder = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/setters.py": """\
            def pipe(*setters):
                def wrapped(value):
                    for setter in setters:
                        value = setter(value)
                    return value
                return wrapped


            def convert(value):
                return int(value)


            def validate(value):
                assert value
                return value


            def rank(value):
                return -value


            DEFAULT = pipe(convert, validate)
            UNUSED = pipe(key=validate)
            ORDER = sorted([1, 2], key=rank)
            """,
        "pkg/api.py": "from pkg.setters import DEFAULT\n\n\ndef apply(value):\n    return DEFAULT(value)\n",
        "tests/test_setters.py": "from pkg.setters import pipe\n\n\ndef test_pipe():\n    assert pipe()(1) == 1\n",
    })  # fmt: skip
    # `pipe` ran on import (and is tested); the functions it holds run only when code uses DEFAULT. `sorted`
    # calls `rank` at once.
    assert found(folder) == {("SL301", "convert"), ("SL301", "validate"), ("SL301", "apply")}
    write(folder, {"tests/test_api.py": "from pkg.api import apply\n\n\ndef test_apply():\n    assert apply('1')\n"})
    assert found(folder) == set()


def test_a_function_compared_is_not_called(tmp_path: Path) -> None:
    folder = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/hooks.py": """\
            from pkg import setters


            class Plain:
                pass


            def describe(hook):
                if hook is setters.convert or hook == setters.validate:
                    return "known"
                if hook in (setters.reset, Plain):
                    return "other"
                return hook.__name__
            """,
        "pkg/setters.py": "def convert(v):\n    return int(v)\n\n\ndef validate(v):\n    return v\n\n\n"
                          "def reset(v):\n    return None\n",
        "tests/test_hooks.py": "from pkg.hooks import describe\n\n\ndef test_describe():\n"
                               "    assert describe(print) == 'print'\n",
    })  # fmt: skip
    assert found(folder) == {("SL301", "convert"), ("SL301", "validate"), ("SL301", "reset")}
    # A call in the comparison still runs.
    write(folder, {"pkg/hooks.py": "from pkg import setters\n\n\ndef describe(hook):\n"
                                   "    return hook == setters.convert(1)\n"})  # fmt: skip
    assert found(folder) == {("SL301", "validate"), ("SL301", "reset")}
