"""SL4xx end to end on fixtures/pipeline_project, and the import facts and module graph they are built on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main
from simplelint.engine.traversal import traverse
from simplelint.rule import FileFacts, Project
from simplelint.rules.production import NO_PRODUCTION_NOTE, PandasInProductionViaImport, banned_root
from simplelint.rules.production.facts import ImportScanner
from simplelint.rules.production.graph import (
    Import,
    ModuleGraph,
    path_to_source,
    resolve_relative,
    runs_modules,
    shortest_hops,
    shortest_path,
)
from simplelint.testing import settings_for

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline_project"
PANDAS = "do transforms in SQL or DuckDB, or use Polars or PyArrow"
MATPLOTLIB = "`matplotlib` is listed in `banned` of [tool.simplelint.production-imports]"
DAILY = "src/shop/pipelines/daily.py"
WEEKLY = "src/shop/pipelines/weekly.py"
SERVING = "src/shop/serving.py"

EXPECTED = [
    (
        "jobs/nightly.py", 5, 1, "SL402",
        "Production code imports pandas through shop.pipelines.daily -> shop.utils.reexport -> shop.utils.frames"
        f" -> pandas: {PANDAS}",
    ),
    (
        DAILY, 9, 1, "SL402",
        f"Production code imports pandas through shop.utils.reexport -> shop.utils.frames -> pandas: {PANDAS}",
    ),
    (
        DAILY, 12, 1, "SL402",
        f"Production code imports pandas through shop.utils.lazy -> shop.utils.frames -> pandas: {PANDAS}",
    ),
    (WEEKLY, 5, 1, "SL401", f"Production code imports `pandas`: {PANDAS}"),
    (
        WEEKLY, 7, 1, "SL402",
        f"Production code imports pandas through shop.features -> shop.features.encode -> pandas: {PANDAS}",
    ),
    (
        WEEKLY, 8, 1, "SL402",
        f"Production code imports pandas through shop.features -> shop.features.encode -> pandas: {PANDAS}",
    ),
    (
        WEEKLY, 10, 1, "SL402",
        "Production code imports pandas through shop.utils.loop_a -> shop.utils.loop_b -> shop.utils.reexport"
        f" -> shop.utils.frames -> pandas: {PANDAS}",
    ),
    (WEEKLY, 14, 5, "SL401", f"Production code imports `pandas.api.types`: {PANDAS}"),
    (WEEKLY, 21, 12, "SL401", f"Production code imports `pandas`: {PANDAS}"),
    (SERVING, 4, 1, "SL402", f"Production code imports pandas through shop.analysis.report -> pandas: {PANDAS}"),
    (
        SERVING, 6, 1, "SL402",
        f"Production code imports matplotlib through shop.utils.plotting -> matplotlib.pyplot: {MATPLOTLIB}",
    ),
    (SERVING, 14, 11, "SL401", f"Production code imports `matplotlib.pyplot`: {MATPLOTLIB}"),
]


def _findings(output: str) -> list[tuple[str, int, int, str, str]]:
    return [
        (item["filename"], item["location"]["row"], item["location"]["column"], item["code"], item["message"])
        for item in json.loads(output)
    ]


def _check(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--no-cache", *args])


@pytest.fixture
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURE)
    return FIXTURE


def test_fixture_project_findings_are_exact(in_fixture: Path) -> None:
    result = _check(".", "--select", "SL4", "--output-format", "json")
    assert result.exit_code == 1, result.output
    assert _findings(result.stdout) == EXPECTED


def test_other_rules_do_not_change_the_sl4_findings(in_fixture: Path) -> None:
    result = _check(".", "--select", "ALL", "--output-format", "json")
    assert [f for f in _findings(result.stdout) if f[3].startswith("SL4")] == EXPECTED


def test_a_real_subprocess_gives_the_same_findings() -> None:
    command = [sys.executable, "-m", "simplelint", "check", ".", "--select", "SL4", "--no-cache"]
    command += ["--output-format", "json"]
    done = subprocess.run(command, cwd=FIXTURE, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert _findings(done.stdout) == EXPECTED


def test_checking_one_production_file_still_follows_the_whole_chain(in_fixture: Path) -> None:
    result = _check(DAILY, "--select", "SL4", "--output-format", "json")
    assert _findings(result.stdout) == [f for f in EXPECTED if f[0] == DAILY]


def test_the_cache_keeps_the_import_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    monkeypatch.chdir(project)
    runs = [CliRunner().invoke(main, ["check", ".", "--select", "SL4", "--output-format", "json"]) for _ in range(2)]
    assert (project / ".simplelint_cache").is_dir()
    assert _findings(runs[0].stdout) == _findings(runs[1].stdout) == EXPECTED


def test_banned_set_is_configurable(in_fixture: Path) -> None:
    override = "production-imports.banned = ['matplotlib']"
    found = _findings(_check(".", "--select", "SL4", "--output-format", "json", "--config", override).stdout)
    assert [(f[0], f[1], f[3]) for f in found] == [(SERVING, 4, "SL402"), (SERVING, 6, "SL402"), (SERVING, 14, "SL401")]
    assert "through shop.analysis.report -> shop.utils.plotting -> matplotlib.pyplot" in found[0][4]


def test_nothing_is_production_says_so_once_under_statistics(in_fixture: Path) -> None:
    result = _check("src/shop/analysis", "--select", "SL4", "--statistics")
    assert result.exit_code == 0
    assert result.stderr.count(NO_PRODUCTION_NOTE) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["src/shop/analysis", "--select", "SL4"],  # neither --verbose nor --statistics
        ["src/shop/analysis", "--select", "SL001", "--verbose"],  # SL4 not selected
        [".", "--select", "SL4", "--verbose"],  # production files were checked
    ],
)
def test_no_production_note_only_when_it_applies(in_fixture: Path, args: list[str]) -> None:
    assert NO_PRODUCTION_NOTE not in _check(*args).stderr


@pytest.mark.parametrize(
    ("importer", "package", "level", "module", "expected"),
    [
        ("shop.utils.reexport", False, 1, "frames", "shop.utils.frames"),
        ("shop.utils.reexport", False, 2, "", "shop"),
        ("shop.utils", True, 1, "frames", "shop.utils.frames"),
        ("shop.utils", True, 2, "features", "shop.features"),
        ("shop.utils", True, 3, "x", None),  # above the top-level package
        ("script", False, 1, "x", None),  # a top-level module has no package
        (None, False, 1, "x", None),
        (None, False, 0, "pandas.io", "pandas.io"),
    ],
)
def test_resolve_relative(importer: str, package: bool, level: int, module: str, expected: str) -> None:
    assert resolve_relative(importer, package, level, module) == expected


def test_runs_modules_lists_packages_and_submodules() -> None:
    assert runs_modules(Import("import", "a.b.c"), "a.b.c") == ["a", "a.b", "a.b.c"]
    assert runs_modules(Import("from", "a", 0, ("b", "*")), "a") == ["a", "a.b"]


def test_banned_root_matches_whole_components() -> None:
    assert banned_root("pandas.api.types", ["pandas"]) == "pandas"
    assert banned_root("pandas_gbq", ["pandas"]) is None
    assert banned_root("pandasql", ["pandas"]) is None


class _Recorder(ImportScanner, cst.BatchableCSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Import] = []

    def found_import(self, node: cst.CSTNode, found: Import) -> None:
        self.found.append(found)


def _scan(source: str) -> list[Import]:
    recorder = _Recorder()
    traverse(cst.parse_module(source), [recorder], [], lambda visitor, trace: pytest.fail(trace))
    return recorder.found


def test_scanner_sees_runtime_imports_only() -> None:
    source = (
        "import typing\nfrom importlib import import_module as load\n"
        "if typing.TYPE_CHECKING: import hidden\n"
        "if TYPE_CHECKING:\n    from hidden import x\nelse:\n    from .shown import y\n"
        "def f() -> None:\n    import inner\n    load('..up.mod')\n    __import__(name)\n"
    )
    assert _scan(source) == [
        Import("import", "typing"),
        Import("from", "importlib", 0, ("import_module",)),
        Import("from", "shown", 1, ("y",)),
        Import("import", "inner"),
        Import("dynamic", "up.mod", 2),
    ]


def _project(files: dict[str, list[dict[str, Any]]], production: str = "") -> Project:
    """Files named by module, each with `imports` facts (absolute imports, a fixed position)."""
    items = [
        FileFacts(f"src/{name.replace('.', '/')}.py", name, False, name == production, {"imports": facts})
        for name, facts in files.items()
    ]
    return Project(items, settings_for(Path("."), frozenset({"SL402"})))


def _imports(*modules: str) -> list[dict[str, Any]]:
    return [Import("import", m).as_fact([i + 1, 1, i + 1, 10]) for i, m in enumerate(modules)]


def test_cycles_terminate_and_give_the_shortest_chain() -> None:
    project = _project(
        {
            "app.job": _imports("app.a"),
            "app.a": _imports("app.b", "app.a"),  # a self-import and a cycle
            "app.b": _imports("app.a", "app.c", "app.d"),
            "app.c": _imports("app.d", "app.b"),
            "app.d": _imports("pandas.io.sql"),
        },
        production="app.job",
    )
    found = PandasInProductionViaImport.check_project(project, {"banned": ["pandas"]})
    assert [(v.path, v.line, v.message.split(":")[0]) for v in found] == [
        ("src/app/job.py", 1, "Production code imports pandas through app.a -> app.b -> app.d -> pandas.io.sql")
    ]


def test_a_cycle_without_pandas_is_clean() -> None:
    files = {"app.job": _imports("app.a"), "app.a": _imports("app.b"), "app.b": _imports("app.a")}
    project = _project(files, production="app.job")
    assert PandasInProductionViaImport.check_project(project, {"banned": ["pandas"]}) == []


def test_module_graph_follows_from_package_import_submodule() -> None:
    facts = [Import("from", "app", 0, ("helpers", "CONSTANT")).as_fact([1, 1, 1, 30])]
    project = _project({"app": [], "app.helpers": _imports("pandas"), "app.job": facts}, "app.job")
    graph = ModuleGraph(project)
    assert graph.edges()["app.job"] == ["app.helpers"]  # `app` itself ran before app.job did
    found = PandasInProductionViaImport.check_project(project, {"banned": ["pandas"]})
    assert [v.message.split(":")[0] for v in found] == ["Production code imports pandas through app.helpers -> pandas"]


def test_shortest_hops_on_a_long_ring() -> None:
    size = 5000
    edges = {f"m{i}": [f"m{(i + 1) % size}"] for i in range(size)}
    edges["m0"].append("pandas")
    hops = shortest_hops(edges, ["pandas"])
    assert hops["m1"] == (size, "m2")
    assert path_to_source(hops, "m1")[-3:] == [f"m{size - 1}", "m0", "pandas"]


def test_a_way_back_through_the_importer_is_not_its_chain() -> None:
    files = {
        "app.job": _imports("pandas", "app.hooks", "app.report"),
        "app.hooks": _imports("app.job"),  # only back through job itself: no SL402 at line 2
        "app.report": _imports("app.job", "app.charts"),  # back through job, or on through charts
        "app.charts": _imports("app.frames"),
        "app.frames": _imports("pandas"),
    }
    found = PandasInProductionViaImport.check_project(_project(files, "app.job"), {"banned": ["pandas"]})
    assert [(v.line, v.message.split(":")[0]) for v in found] == [
        (3, "Production code imports pandas through app.report -> app.charts -> app.frames -> pandas")
    ]


def test_shortest_path_avoids_nodes_and_survives_cycles() -> None:
    edges = {"a": ["b", "c"], "b": ["a", "x"], "c": ["d"], "d": ["c", "x"]}
    assert shortest_path(edges, "a", {"x"}) == ["a", "b", "x"]
    assert shortest_path(edges, "a", {"x"}, avoid={"b"}) == ["a", "c", "d", "x"]
    assert shortest_path(edges, "a", {"x"}, avoid={"b", "d"}) is None


def test_a_chain_ends_at_the_banned_module_as_imported() -> None:
    files = {
        "app.job": _imports("app.helper"),
        "app.helper": _imports("app.legacy.sub"),  # runs app/legacy/__init__.py too, but names the submodule
        "app.other": _imports("app.legacy"),
        "app.legacy": [],
        "app.legacy.sub": [],
    }
    found = PandasInProductionViaImport.check_project(_project(files, "app.job"), {"banned": ["app.legacy"]})
    assert [v.message for v in found] == [
        "Production code imports app.legacy through app.helper -> app.legacy.sub: `app.legacy` is listed in "
        "`banned` of [tool.simplelint.production-imports]"
    ]


def _check_project(root: Path, files: dict[str, str], *args: str) -> list[tuple[str, int, int, str, str]]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "SL4", "--output-format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return _findings(result.stdout)


HELPERS = "import pandas\n\n\ndef load():\n    return pandas.DataFrame()\n"


@pytest.mark.parametrize("src", ['["."]', '["src"]'], ids=["jobs-under-src", "jobs-outside-src"])
@pytest.mark.parametrize("target", [".", "jobs/run.py"])
def test_a_script_imports_its_siblings_as_python_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, src: str, target: str
) -> None:
    """Issue 12.9: `python jobs/run.py` puts jobs/ first on sys.path, so `import helpers` is jobs/helpers.py."""
    monkeypatch.chdir(tmp_path)
    files = {
        "pyproject.toml": f'[tool.simplelint]\nsrc = {src}\nproduction = ["jobs/run*.py"]\n',
        "jobs/run.py": "import helpers\nfrom tools import clean\n\nhelpers.load()\n",
        "jobs/helpers.py": HELPERS,
        # Another sibling, a package whose module reaches pandas through a top-level import of its own.
        "jobs/tools/__init__.py": "",
        "jobs/tools/clean.py": "import helpers\n",
        "src/app/__init__.py": "",
    }
    found = _check_project(tmp_path, files, target)
    assert [(f[0], f[1], f[3]) for f in found] == [("jobs/run.py", 1, "SL402"), ("jobs/run.py", 2, "SL402")]
    assert "helpers -> pandas" in found[0][4]


def test_a_module_of_a_package_does_not_take_a_sibling_for_a_top_level_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    files = {
        "pyproject.toml": '[tool.simplelint]\nproduction = ["app/jobs/*.py"]\n',
        "app/__init__.py": "",
        "app/jobs/__init__.py": "",
        "app/jobs/run.py": "from app import helpers\n",
        "app/helpers.py": "import json\n",
        "helpers.py": HELPERS,  # a top-level module of the same name: not what `from app import helpers` runs
    }
    assert _check_project(tmp_path, files) == []


@pytest.mark.parametrize(
    "source",
    [
        'HELP = """\n# simplelint: production\n"""\nimport pandas\n',
        "HELP = '''\\\n    # simplelint: production\n'''\nimport pandas\n",
        'def f():\n    """Mark a file with\n\n    # simplelint: production\n    """\nimport pandas\n',
    ],
)
def test_the_production_marker_inside_a_string_marks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """Issue 12.10: only a real comment marks a file as production code."""
    monkeypatch.chdir(tmp_path)
    assert _check_project(tmp_path, {"pyproject.toml": "[tool.simplelint]\n", "tool.py": source}) == []
    marked = "# simplelint: production\n" + source
    assert [f[3] for f in _check_project(tmp_path, {"tool.py": marked})] == ["SL401"]
