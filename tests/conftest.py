"""Fixtures shared by the test modules."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from simplelint.engine import analysis as engine
from simplelint.testing import rules_added


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder as the current directory, with its own empty `[tool.simplelint]` (no config above it
    applies)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint]\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def analysed(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """The paths the engine analysed (not taken from the cache), in this process and in the worker processes
    it forks: they are written to a file, since a worker's memory is not the test's."""
    log = tmp_path_factory.mktemp("analysed") / "paths"
    log.write_text("", encoding="utf-8")
    real = engine.analyse

    def counted(path: str, *args: Any) -> Any:
        with open(log, "a", encoding="utf-8") as out:
            out.write(path + "\n")
        return real(path, *args)

    monkeypatch.setattr(engine, "analyse", counted)  # the runner imports it when a file must be analysed
    return lambda: log.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def add_rules() -> Iterator[Callable[..., None]]:
    """`add_rules(RuleA, ...)`: the rules are registered (as a plugin's would be) until the test ends."""
    with ExitStack() as stack:
        yield lambda *rules: stack.enter_context(rules_added(*rules))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--all", action="store_true", help="Also run the tests marked slow (CI does).")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without --all, slow tests are deselected (not skipped): the default loop stays about a minute."""
    if config.getoption("--all"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
