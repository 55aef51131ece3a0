"""Issue 18, item 3: SL403, production code importing installed packages that require pandas, end to end.

The installed packages are stand-ins in fixtures/deps_site (dist-info folders with METADATA, and modules): put
on `sys.path` for an in-process run, on PYTHONPATH for a subprocess, or built into a wheel and pip-installed
into a fresh venv that the `python` option names.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main
from simplelint.rules.production import environment
from simplelint.rules.production.dependencies import Requirements
from simplelint.rules.production.environment import Environment

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SITE = FIXTURES / "deps_site"
PROJECT = FIXTURES / "deps_project"
REPORT = "src/app/jobs/report.py"
SQL = "move the transform into SQL"

EXPECTED = [
    (
        REPORT, 6, "SL403",
        "Production code imports pandas through framekit 1.0 -> requires plotkit[frames]>=0.5 (0.5 installed) -> "
        f'requires pandas>=1.0; extra == "frames" (2.1.0 installed): {SQL}',
    ),
    (
        REPORT, 7, "SL403",
        "Production code imports pandas through midpkg 2.0 -> requires vizpkg>=1.0 (1.2 installed) -> requires "
        f"pandas>=1.5 (2.1.0 installed): {SQL}",
    ),
    (REPORT, 10, "SL403", f"Production code imports pandas through vizpkg 1.2 -> requires pandas>=1.5 (2.1.0 installed): {SQL}"),
    (
        REPORT, 11, "SL403",
        "Production code imports pandas through vizx (viz-extras 0.3) -> requires vizpkg (1.2 installed) -> "
        f"requires pandas>=1.5 (2.1.0 installed): {SQL}",
    ),
    (
        REPORT, 12, "SL403",
        f"Production code imports pandas through app.charts -> vizpkg 1.2 -> requires pandas>=1.5 (2.1.0 installed): {SQL}",
    ),
    # loader.py imports vizpkg by a computed name: only verify-imports sees it.
]  # fmt: skip
NOT_INSTALLED = "SL403: `notinstalled_pkg` (imported by src/app/jobs/report.py:15) is not installed for"

Finding = tuple[str, int, str, str]


def findings(result: Result) -> list[Finding]:
    assert result.exit_code in (0, 1), result.output
    return [(f["filename"], f["location"]["row"], f["code"], f["message"]) for f in json.loads(result.stdout)]


def check(*args: str, cache: bool = False) -> Result:
    flags = ["--select", "SL4", "--output-format", "json"] + ([] if cache else ["--no-cache"])
    return CliRunner().invoke(main, ["check", *flags, *args])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project, and of the installed packages (on sys.path: this process is the environment)."""
    shutil.copytree(PROJECT, tmp_path / "project")
    shutil.copytree(SITE, tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path / "project"


def test_chains_name_versions_and_markers(project: Path) -> None:
    """Two hops, an extra asked for, an import name that is not the distribution's, a project helper's import;
    oldpkg (pandas on Python 2 only), plotkit (pandas only with an extra) and cleanpkg are no findings."""
    assert findings(check(".")) == EXPECTED


def test_a_package_that_is_not_installed_is_a_note_under_verbose(project: Path) -> None:
    result = check(".", "-v")
    assert NOT_INSTALLED in result.stderr
    assert "json" not in result.stderr.split("SL403:")[1]  # the standard library is no package
    assert NOT_INSTALLED not in check(".").stderr


def test_checking_the_one_production_file_still_follows_its_helpers(project: Path) -> None:
    assert findings(check(REPORT)) == EXPECTED


def test_allow_exempts_a_package(project: Path) -> None:
    """Loading pandas through vizpkg is accepted: neither vizpkg nor what requires it (midpkg, viz-extras) nor
    the helper that imports it is a finding."""
    found = findings(check(".", "--config", "production-imports.allow = ['vizpkg']"))
    assert [f[1] for f in found] == [6]


def test_a_contract_bans_another_module_through_dependencies(project: Path) -> None:
    contract = "production-imports.contracts = [{name = 'no-viz', modules = ['src/app/jobs/report.py'], banned = ['vizpkg']}]"
    found = [f for f in findings(check(".", "--config", contract)) if "no-viz" in f[3]]
    assert [f[1] for f in found] == [7, 10, 11, 12]  # vizpkg itself (line 10) is SL401's too
    assert found[0][3] == (
        "contract 'no-viz': imports vizpkg through midpkg 2.0 -> requires vizpkg>=1.0 (1.2 installed): "
        "`vizpkg` is listed in `banned` of contract 'no-viz'"
    )


def _uninstall(site: Path, name: str) -> None:
    for folder in site.glob(f"{name}*"):
        shutil.rmtree(folder)


def test_installing_and_removing_packages_never_leaves_stale_findings(project: Path) -> None:
    """The project stage's cache is keyed by the environment's state: each cached run equals a --no-cache one."""
    site = project.parent / "site"

    def both() -> list[Finding]:
        cached = findings(check(".", cache=True))
        assert cached == findings(check("."))
        return cached

    assert both() == EXPECTED
    _uninstall(site, "vizpkg")  # midpkg and viz-extras now require a package that is not there
    assert [f[1] for f in both()] == [6]
    shutil.copytree(SITE / "vizpkg", site / "vizpkg")
    (site / "vizpkg-1.3.dist-info").mkdir()
    (site / "vizpkg-1.3.dist-info" / "METADATA").write_text("Name: vizpkg\nVersion: 1.3\nRequires-Dist: pandas>=2\n")
    assert "vizpkg 1.3 -> requires pandas>=2 (2.1.0 installed)" in both()[2][3]
    _uninstall(site, "pandas")  # still required: the metadata says pip will install it
    assert "requires pandas>=2 (not installed)" in both()[2][3]


def _count_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    real = environment._query

    def counted(python: str) -> Any:
        asked.append(python)
        return real(python)

    monkeypatch.setattr(environment, "_query", counted)
    return asked


def test_the_python_option_queries_that_interpreter_once_per_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another interpreter (here this one, with the packages on its PYTHONPATH only) is asked in a subprocess,
    once; its answer is cached until its packages change."""
    shutil.copytree(PROJECT, tmp_path / "project")
    shutil.copytree(SITE, tmp_path / "site")
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    asked = _count_queries(monkeypatch)
    python = f"production-imports.python = {json.dumps(sys.executable)}"
    assert findings(check(".", "--config", python)) == EXPECTED  # without it, this process has no vizpkg
    runs = [findings(check(".", "--config", python, cache=True)) for _ in range(3)]
    assert runs == [EXPECTED] * 3
    assert len(asked) == 2  # the --no-cache run, then the first cached one
    _uninstall(tmp_path / "site", "framekit")
    assert [f[1] for f in findings(check(".", "--config", python, cache=True))] == [7, 10, 11, 12]
    assert len(asked) == 3


def test_an_interpreter_that_cannot_run_is_a_warning_not_a_crash(project: Path) -> None:
    result = check(".", "--config", "production-imports.python = 'no/such/python'")
    assert result.exit_code == 0, result.output
    assert "warning: SL403 skipped: cannot run " in result.stderr


def test_a_real_subprocess_gives_the_same_findings() -> None:
    command = [sys.executable, "-m", "simplelint", "check", ".", "--select", "SL4", "--no-cache"]
    command += ["--output-format", "json"]
    env = {**os.environ, "PYTHONPATH": str(SITE)}
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1, done.stderr
    assert [(f["filename"], f["location"]["row"], f["code"], f["message"]) for f in json.loads(done.stdout)] == EXPECTED


def _wheel(folder: Path) -> Path:
    """vizpkg 1.2 from fixtures/deps_site as a wheel (a zip with its dist-info), for pip to install."""
    wheel = folder / "vizpkg-1.2-py3-none-any.whl"
    info = "vizpkg-1.2.dist-info"
    files = {
        "vizpkg/__init__.py": (SITE / "vizpkg" / "__init__.py").read_text(),
        f"{info}/METADATA": (SITE / info / "METADATA").read_text(),
        f"{info}/top_level.txt": "vizpkg\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: simplelint-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


def _pip(venv_python: Path, *args: str) -> None:
    command = [sys.executable, "-m", "pip", "--python", str(venv_python), "--disable-pip-version-check", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_a_package_pip_installed_in_the_project_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in installed with `pip install --no-deps` into a fresh venv (pandas is not installed there: the
    finding stands on the metadata); uninstalled, the finding goes, cached or not."""
    import venv

    venv.create(tmp_path / "venv", with_pip=False)
    python = tmp_path / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _pip(python, "install", "--no-deps", "--no-index", str(_wheel(tmp_path)))
    shutil.copytree(PROJECT, tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    option = f"production-imports.python = {json.dumps(str(python))}"
    installed = findings(check(".", "--config", option, cache=True))
    assert installed == findings(check(".", "--config", option))
    assert [(f[1], f[3]) for f in installed] == [
        (10, f"Production code imports pandas through vizpkg 1.2 -> requires pandas>=1.5 (not installed): {SQL}"),
        (12, f"Production code imports pandas through app.charts -> vizpkg 1.2 -> requires pandas>=1.5 (not installed): {SQL}"),
    ]  # fmt: skip
    _pip(python, "uninstall", "--yes", "vizpkg")
    assert findings(check(".", "--config", option, cache=True)) == findings(check(".", "--config", option)) == []


def _environment(dists: dict[str, list[str]], **markers: str) -> Environment:
    data = {
        "markers": {"python_version": "3.12", "sys_platform": "linux", **markers},
        "dists": {name: {"name": name, "version": "1.0", "requires": requires} for name, requires in dists.items()},
        "modules": {name.replace("-", "_"): [name] for name in dists},
        "stdlib": [],
        "importable": [],
        "paths": [],
    }
    return Environment(None, data)


def test_requirement_cycles_end_and_the_shortest_chain_wins() -> None:
    env = _environment(
        {
            "a": ["b", "c"],
            "b": ["a", "not a requirement!", "d"],  # a cycle, and a malformed line
            "c": ["pandas; sys_platform == 'win32'", "d[x]"],
            "d": ["pandas; extra == 'x'"],
            "pandas": [],
        }
    )
    hops = Requirements(env, ["pandas"]).chain("a")
    assert [str(hop) for hop in hops or []] == [
        "requires c (1.0 installed)",
        "requires d[x] (1.0 installed)",
        'requires pandas; extra == "x" (1.0 installed)',
    ]
    assert Requirements(env, ["pandas"]).chain("b") == Requirements(env, ["pandas"]).chain("b")
    assert Requirements(_environment({"a": ["b"], "b": ["a"]}), ["pandas"]).chain("a") is None


def test_markers_are_those_of_the_queried_interpreter() -> None:
    dists = {"a": ['pandas; python_version < "3.10"'], "pandas": []}
    assert Requirements(_environment(dists), ["pandas"]).chain("a") is None
    assert Requirements(_environment(dists, python_version="3.9"), ["pandas"]).chain("a")


def test_explain_sl403() -> None:
    text = CliRunner().invoke(main, ["explain", "SL403"]).stdout
    assert text.startswith("# pandas-in-production-via-dependency (SL403)")
    assert "- `python` (string, default '')" in text


def _no_load(*args: Any) -> Environment:
    raise AssertionError("the environment was loaded")


def test_a_warm_run_only_stamps_the_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm run computes the stamp (a directory listing per folder of sys.path) and loads nothing."""
    check(".", cache=True)
    monkeypatch.setattr(environment, "load", _no_load)
    assert findings(check(".", cache=True)) == EXPECTED
