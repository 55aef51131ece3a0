"""SL201/SL202 beyond their examples: positions, options, the scopes ruff distinguishes, and the `-> None` fix."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Optional

import pytest

from simplelint.config.load import CliOverrides, load_settings
from simplelint.engine.analysis import analyse
from simplelint.engine.violation import Violation
from simplelint.fix.fixer import fix_source
from simplelint.run.runner import RunOptions, run
from simplelint.testing import settings_for

ROOT = Path(__file__).resolve().parent


def lint(source: str, options: Optional[dict[str, Any]] = None, path: str = "example.py") -> list[Violation]:
    settings = settings_for(ROOT, frozenset({"SL201", "SL202"}), options)
    result = analyse(str(ROOT / path), textwrap.dedent(source).encode(), settings).result
    assert not result.errors, result.errors
    return sorted(result.violations, key=lambda v: v.sort_key)


def where(violations: list[Violation]) -> list[tuple[str, int, int, str]]:
    return [(v.code, v.line, v.column, v.message.split("`")[1]) for v in violations]


def fixed(source: bytes, path: str = "example.py") -> bytes:
    settings = settings_for(ROOT, frozenset({"SL202"}))
    result = fix_source(str(ROOT / path), source, settings, unsafe=True)
    assert result.new_source is not None
    return result.new_source


def test_decorated_function_is_reported_at_its_name_on_the_def_line() -> None:
    found = lint(
        """
        @decorator(
            option=1,
        )
        @other
        async def fetch(url: str):
            pass
        """
    )
    assert [(v.line, v.column, v.end_line, v.end_column) for v in found] == [(6, 11, 6, 16)]


def test_parameter_findings_point_at_each_parameter() -> None:
    found = lint(
        """
        def f(
            a,  # first
            b=1, *args,
            c: int, d=2, **kwargs,
        ) -> None:
            pass
        """
    )
    assert where(found) == [
        ("SL201", 3, 5, "a"),
        ("SL201", 4, 5, "b"),
        ("SL201", 4, 10, "*args"),
        ("SL201", 5, 13, "d"),
        ("SL201", 5, 18, "**kwargs"),
    ]
    # The range is the name (and its stars), as ruff's: not the default value.
    assert [(v.column, v.end_column) for v in found[1:3]] == [(5, 6), (10, 15)]


def test_method_first_parameter_is_skipped_except_in_staticmethods() -> None:
    found = lint(
        """
        class Meta(type):
            def __new__(mcs, name: str, bases: tuple, ns: dict) -> "Meta":
                return super().__new__(mcs, name, bases, ns)

            def __call__(cls, *args: object) -> object:
                return super().__call__(*args)

        class Shape:
            @classmethod
            def unit(cls) -> "Shape":
                return cls()

            @staticmethod
            def area(side) -> float:
                return side * side

            def method_without_self(*args) -> None:
                pass

            if True:
                def conditional(self) -> None:
                    pass
        """
    )
    assert where(found) == [("SL201", 15, 14, "side"), ("SL201", 18, 29, "*args")]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Signatures then implementation: only the signature missing a hint is flagged.
        ("@overload\ndef f(x) -> int: ...\n@overload\ndef f(x: str) -> str: ...\ndef f(x):\n    return x\n", [2]),
        # Another definition in between: the next `f` is an ordinary function again.
        ("@overload\ndef f(x: int) -> int: ...\ndef g() -> None: ...\ndef f(x):\n    return x\n", [4, 4]),
        # A different name after the signature is not its implementation.
        ("@typing.overload\ndef f(x: int) -> int: ...\ndef h(x):\n    return x\n", [3, 3]),
        # Signatures under `if TYPE_CHECKING:` still belong to the same scope.
        ("if TYPE_CHECKING:\n    @overload\n    def f(x: int) -> int: ...\ndef f(x):\n    return x\n", []),
        # Methods: a class body is its own scope.
        ("class A:\n    @overload\n    def m(self, x: int) -> int: ...\n    def m(self, x):\n        return x\n", []),
    ],
)
def test_overload_implementation_is_skipped(source: str, expected: list[int]) -> None:
    assert [v.line for v in lint(source)] == expected


def test_nested_functions_lambdas_and_properties() -> None:
    found = lint(
        """
        class Temperature:
            @property
            def celsius(self):
                return self._c

            @celsius.setter
            def celsius(self, value: float):
                self._c = value

        def make() -> object:
            scale = lambda x: x * 2
            def inner(y):
                return scale(y)
            return inner
        """
    )
    assert [(v.code, v.line, v.message) for v in found] == [
        ("SL202", 4, "Missing return type annotation for public function `celsius`"),
        ("SL202", 8, "Missing return type annotation for private function `celsius`"),
        ("SL202", 13, "Missing return type annotation for private function `inner`"),
        ("SL201", 13, "Missing type annotation for function argument `y`"),
    ]


def test_wording_follows_ruffs_visibility() -> None:
    source = """
        __all__ = ["Public"] + other.__all__
        __all__ += ("public_function",)

        class Public:
            def method(self):
                pass

        class Unlisted:
            def method(self):
                pass

        def public_function():
            pass

        def __getattr__(name: str):
            pass
        """
    kinds = [v.message.split(" for ")[1] for v in lint(source) if v.code == "SL202"]
    assert kinds == [
        "public function `method`",
        "private function `method`",
        "public function `public_function`",
        "private function `__getattr__`",
    ]
    for path in ("_impl.py", "pkg/_core/plot.py", "_pkg/__init__.py"):
        assert "private function `run`" in lint("def run():\n    pass\n", path=path)[0].message
    assert "public function `run`" in lint("def run():\n    pass\n", path="pkg/__init__.py")[0].message


def test_init_return_follows_mypy_only_with_the_option() -> None:
    source = """
        class A:
            def __init__(self, size: int):
                pass

        class B:
            def __init__(self, size):
                pass

        def __init__(size: int):
            pass
        """
    assert [v.line for v in lint(source) if v.code == "SL202"] == [3, 7, 10]
    # mypy's rule: an annotated parameter makes `__init__` typed; a module-level function is not a method.
    assert [v.line for v in lint(source, {"mypy-init-return": True}) if v.code == "SL202"] == [7, 10]


def test_ignore_options_follow_ruffs_codes() -> None:
    source = """
        class A:
            def __eq__(self, other):
                return True

            def _check(self, value):
                return value

            def run(self):
                def step(n):
                    pass
        """
    everything = where(lint(source))
    no_dunders = where(lint(source, {"ignore-dunder-methods": True}))
    no_private = where(lint(source, {"ignore-private-functions": True}))
    # Like ignoring ANN204 / ANN202 in ruff: return annotations only; parameters stay checked.
    assert set(everything) - set(no_dunders) == {("SL202", 3, 9, "__eq__")}
    assert set(everything) - set(no_private) == {("SL202", 6, 9, "_check"), ("SL202", 10, 13, "step")}
    assert ("SL201", 3, 22, "other") in no_dunders


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ["_", "*args", "**kwargs", "_unused", "__dunder__"]),
        ({"suppress-dummy-args": True}, ["*args", "**kwargs", "__dunder__"]),
        ({"allow-unannotated-star-args": True}, ["_", "_unused", "__dunder__"]),
    ],
)
def test_parameter_options(options: dict[str, Any], expected: list[str]) -> None:
    found = lint("def f(_, _unused, __dunder__, *args, **kwargs) -> None:\n    pass\n", options)
    assert sorted(v.message.split("`")[1] for v in found) == sorted(expected)


def test_suppress_none_returning_counts_only_the_functions_own_returns() -> None:
    source = """
        def a(x: int):
            def inner():
                return x
            return None

        def b(x: int):
            if x:
                return x
        """
    found = lint(source, {"suppress-none-returning": True})
    assert [(v.line, v.message.split("`")[1]) for v in found] == [(3, "inner"), (7, "b")]


def test_ignore_fully_untyped_keeps_partly_typed_functions() -> None:
    source = """
        def untyped(a, b):
            pass

        def partly(a: int, b):
            pass

        class A:
            def typed_self(self: "A", x):
                pass
        """
    found = lint(source, {"ignore-fully-untyped": True})
    assert sorted({v.line for v in found}) == [5, 9]


def test_ignore_test_files_uses_the_test_patterns() -> None:
    source = "def test_it(client):\n    pass\n"
    assert lint(source, {"ignore-test-files": True}, path="tests/test_api.py") == []
    assert len(lint(source, {"ignore-test-files": True}, path="api.py")) == 2
    assert len(lint(source, path="tests/test_api.py")) == 2


def test_options_are_read_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.simplelint]\nselect = ["SL2"]\n\n[tool.simplelint.type-hints]\n'
        "mypy-init-return = true\nallow-unannotated-star-args = true\n"
    )
    code = tmp_path / "shapes.py"
    code.write_text("class A:\n    def __init__(self, size: int, *args):\n        pass\n")
    settings = load_settings([str(code)], CliOverrides())
    result = run([str(code)], settings, RunOptions(jobs=1, use_cache=False))
    assert result.violations == []


def test_fix_keeps_comments_and_crlf_line_endings() -> None:
    source = b"def close(\r\n    handle: int,  # an OS handle\r\n    *,  # keyword-only from here\r\n    force: bool = False,\r\n):  # closes it\r\n    pass\r\n"
    assert fixed(source) == source.replace(b"):  # closes", b") -> None:  # closes")


def test_fix_on_nested_functions_and_methods() -> None:
    source = b"class A:\n    def outer(self):\n        def inner():\n            pass\n        async def later():\n            return 1\n        return None\n"
    assert fixed(source) == (
        b"class A:\n    def outer(self) -> None:\n        def inner() -> None:\n            pass\n"
        b"        async def later():\n            return 1\n        return None\n"
    )


@pytest.mark.parametrize(
    ("source", "path"),
    [
        ("def gen():\n    if False:\n        yield\n", "example.py"),
        ("def gen():\n    x = yield from other()\n", "example.py"),
        ("def fail():\n    if x:\n        raise A\n    else:\n        raise B\n", "example.py"),
        ("def abstract():\n    '''Subclasses say.'''\n    raise NotImplementedError\n", "example.py"),
        ("class A:\n    @abstractmethod\n    def run(self):\n        pass\n", "example.py"),
        ("def stub(x: int): ...\n", "example.pyi"),
        ("def fail():\n    for x in y:\n        if x:\n            raise A\n    else:\n        raise B\n", "example.py"),
        ("def fail():\n    with lock:\n        raise A\n", "example.py"),
        ("def fail():\n    try:\n        go()\n    except A:\n        raise B\n    else:\n        raise C\n", "x.py"),
        ("def fail():\n    try:\n        go()\n    finally:\n        raise C\n", "example.py"),
        ("def fail():\n    if a: raise A\n    elif b: raise B\n    else: raise C\n", "example.py"),
    ],
)
def test_no_none_fix_where_none_is_a_guess(source: str, path: str) -> None:
    found = [v for v in lint(source, path=path) if v.code == "SL202"]
    assert found and all(v.fix is None for v in found)


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    g = lambda: (yield)\n",  # the lambda's yield is its own
        "def f():\n    class C:\n        def m(self):\n            return 1\n",
        "def f():\n    try:\n        raise A\n    except A:\n        pass\n",
        "def f():\n    for x in y:\n        raise E(x)\n",  # the loop may not run: ruff guesses `NoReturn`
        "def f():\n    while True:\n        return\n    raise E\n",
        "def f():\n    for x in y:\n        if x:\n            break\n    else:\n        raise E\n",
        "def f():\n    try:\n        go()\n    except A:\n        pass\n    else:\n        raise C\n",
        "def f():\n    if a:\n        raise A\n    elif b:\n        pass\n    else:\n        raise C\n",
    ],
)
def test_none_fix_offered(source: str) -> None:
    found = [v for v in lint(source) if v.code == "SL202" and v.line == 1]
    assert found[0].fix is not None and found[0].fix.message == "Add return type annotation: `None`"


def test_pep_695_and_positional_only() -> None:
    found = lint("def first[T](items: list[T], /, default, *, strict) -> T:\n    return items[0]\n")
    assert where(found) == [("SL201", 1, 33, "default"), ("SL201", 1, 45, "strict")]


def test_config_overrides_set_single_options(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint.type-hints]\nmypy-init-return = true\n")
    code = tmp_path / "shapes.py"
    code.write_text("class A:\n    def __init__(self, size: int, *args):\n        pass\n")
    overrides = ["type-hints.allow-unannotated-star-args = true", "type-hints.suppress-dummy-args = true"]
    settings = load_settings([str(code)], CliOverrides(select=["SL2"], config=overrides))
    assert settings.options["type-hints"]["mypy-init-return"] is True  # the file's value is kept
    assert settings.options["type-hints"]["allow-unannotated-star-args"] is True
    assert run([str(code)], settings, RunOptions(jobs=1, use_cache=False)).violations == []
