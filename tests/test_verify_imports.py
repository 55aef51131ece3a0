"""Issue 18, item 4: `simplelint verify-imports` imports each production module in a fresh interpreter.

The project is fixtures/deps_project; its third-party packages are the stand-ins of fixtures/deps_site, on the
probes' PYTHONPATH (their interpreter is this one, so it inherits the variable).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SITE = FIXTURES / "deps_site"
JOBS = "src/app/jobs"
TIMEOUT = "3"  # the hanging module costs this long; the others take a fraction of a second


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(FIXTURES / "deps_project", tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.setenv("PYTHONPATH", str(SITE))  # for the probes
    monkeypatch.syspath_prepend(str(SITE))  # for SL403, in this process
    return tmp_path / "project"


def verify(*args: str) -> Result:
    return CliRunner().invoke(main, ["verify-imports", "--no-cache", "--timeout", TIMEOUT, *args])


def outcomes(result: Result) -> dict[str, dict[str, Any]]:
    assert result.exit_code in (0, 1), result.output
    return {item["path"]: item for item in json.loads(result.stdout)}


def test_every_production_module_is_imported_and_judged(project: Path) -> None:
    result = verify("--output-format", "json")
    assert result.exit_code == 1
    found = outcomes(result)
    assert {path: item["status"] for path, item in found.items()} == {
        f"{JOBS}/__init__.py": "ok",
        f"{JOBS}/boom.py": "error",
        f"{JOBS}/clean.py": "ok",
        f"{JOBS}/hang.py": "timeout",
        f"{JOBS}/loader.py": "banned",
        f"{JOBS}/report.py": "banned",
    }
    loaded = {path: item["loaded"] for path, item in found.items() if item["loaded"]}
    assert loaded == {
        f"{JOBS}/loader.py": [
            {"contract": "", "module": "pandas", "banned": "pandas", "chain": ["app.jobs.loader", "vizpkg", "pandas"],
             "static": [], "found_in": ""},
        ],
        f"{JOBS}/report.py": [
            {"contract": "", "module": "pandas", "banned": "pandas",
             "chain": ["app.jobs.report", "midpkg", "vizpkg", "pandas"], "static": ["SL403"], "found_in": f"{JOBS}/report.py"},
        ],
    }  # fmt: skip


def test_the_text_report_says_what_the_static_rules_missed(project: Path) -> None:
    result = verify()
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{JOBS}/boom.py: cannot be imported: RuntimeError: no config for cleanpkg ({JOBS}/boom.py:5)",
        f"{JOBS}/hang.py: did not finish importing within {TIMEOUT} s (at {JOBS}/hang.py:6)",
        f"{JOBS}/loader.py: loads pandas through app.jobs.loader -> vizpkg -> pandas (missed by the static rules)",
        f"{JOBS}/report.py: loads pandas through app.jobs.report -> midpkg -> vizpkg -> pandas (found by SL403)",
        f"Imported 6 modules with {sys.executable}: 2 loaded a banned module (1 missed by the static rules), 1 failed"
        " to import, 1 timed out.",
    ]


def test_a_clean_module_exits_zero(project: Path) -> None:
    result = verify(f"{JOBS}/clean.py", "-o", "report.txt")
    assert result.exit_code == 0, result.output
    assert (project / "report.txt").read_text().startswith("Imported 1 module with ")


def test_allow_exempts_what_loads_through_an_allowed_module(project: Path) -> None:
    result = verify(f"{JOBS}/loader.py", f"{JOBS}/report.py", "--config", "production-imports.allow = ['vizpkg']")
    assert result.exit_code == 0, result.output


def test_a_contract_is_verified_under_its_name(project: Path) -> None:
    contract = (
        "production-imports.contracts = [{name = 'no-viz', modules = ['src/app/jobs/report.py'], banned = ['vizpkg']}]"
    )
    result = verify(f"{JOBS}/report.py", "--config", contract, "--output-format", "json")
    loaded = outcomes(result)[f"{JOBS}/report.py"]["loaded"]
    assert [(item["contract"], item["module"], item["chain"], item["static"]) for item in loaded] == [
        ("", "pandas", ["app.jobs.report", "midpkg", "vizpkg", "pandas"], ["SL403"]),
        ("no-viz", "vizpkg", ["app.jobs.report", "midpkg", "vizpkg"], ["SL401", "SL402", "SL403"]),
    ]


def test_what_a_parent_package_loads_is_matched_with_its_own_findings(project: Path) -> None:
    """Importing app.jobs.clean runs app/jobs/__init__.py first: SL403 reports its import there."""
    (project / JOBS / "__init__.py").write_text("import vizpkg\n")
    result = verify(f"{JOBS}/clean.py", f"{JOBS}/__init__.py")
    assert result.stdout.splitlines()[:2] == [
        f"{JOBS}/__init__.py: loads pandas through app.jobs -> vizpkg -> pandas (found by SL403)",
        f"{JOBS}/clean.py: loads pandas through app.jobs -> vizpkg -> pandas (found by SL403 in {JOBS}/__init__.py)",
    ]


def test_modules_that_exit_or_kill_their_interpreter_are_reported(project: Path) -> None:
    (project / JOBS / "quits.py").write_text("import sys\nsys.exit('bad flag')\n")
    (project / JOBS / "dies.py").write_text("import os\nimport vizpkg\nos._exit(3)\n")
    found = outcomes(verify(f"{JOBS}/quits.py", f"{JOBS}/dies.py", "--output-format", "json"))
    assert found[f"{JOBS}/quits.py"]["error"] == f"SystemExit: bad flag ({JOBS}/quits.py:2)"
    assert (found[f"{JOBS}/dies.py"]["status"], found[f"{JOBS}/dies.py"]["error"]) == (
        "crashed", "the interpreter exited with code 3 while importing"
    )


SCRIPT = """\
import helpers

if __name__ == "__main__":
    import never_imported
"""


def test_a_script_runs_with_its_folder_first_and_without_its_main_block(project: Path) -> None:
    (project / "jobs").mkdir()
    (project / "jobs" / "run.py").write_text(SCRIPT)
    (project / "jobs" / "helpers.py").write_text("import vizpkg\n")
    result = verify("jobs/run.py", "--config", "production = ['jobs/run.py']", "--output-format", "json")
    item = outcomes(result)["jobs/run.py"]
    assert (item["module"], item["status"], item["error"]) == (None, "banned", "")
    assert item["loaded"][0]["chain"] == ["jobs/run.py", "helpers", "vizpkg", "pandas"]
    assert item["loaded"][0]["static"] == ["SL403"]


def test_nothing_in_production_is_a_note(project: Path) -> None:
    result = verify("--config", "production = []")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "nothing to import" in result.stderr


def test_a_real_subprocess_exits_one_and_prints_json(project: Path) -> None:
    command = [sys.executable, "-m", "simplelint", "verify-imports", f"{JOBS}/loader.py", "--output-format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)[0]["loaded"][0]["chain"] == ["app.jobs.loader", "vizpkg", "pandas"]


def _isolate_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe's own changes to this process's import state are undone after the test."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))


def test_the_probe_names_the_module_whose_code_imported_each_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simplelint.rules.production.verify_probe import Recorder, probe

    (tmp_path / "demo_a.py").write_text("import demo_b\n")
    (tmp_path / "demo_b.py").write_text("import importlib\n\ndef load():\n    importlib.import_module('demo_' + 'c')\n\nload()\n")
    (tmp_path / "demo_c.py").write_text("")
    _isolate_imports(monkeypatch)
    result = probe({"module": "demo_a", "path": "", "sys_path": [str(tmp_path)]})
    assert result["loaded"] == ["demo_a", "demo_b", "demo_c"] and result["error"] is None
    importers = {name: result["importer"][name] for name in result["loaded"]}
    assert importers == {"demo_a": __name__, "demo_b": "demo_a", "demo_c": "demo_b"}  # demo_b's function asked
    assert not any(isinstance(finder, Recorder) for finder in sys.meta_path)
    recorder = Recorder()
    assert recorder.find_spec("anything") is None  # it finds nothing itself: the real finders do
    assert recorder.importer == {"anything": __name__}


class _Exited(Exception):
    pass


def _exit(code: int) -> None:
    raise _Exited(code)


def test_the_probe_arms_its_timeout_writes_its_result_and_exits_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`os._exit`: threads the module started (or its atexit hooks) cannot keep the probe alive."""
    import faulthandler

    from simplelint.rules.production.verify_probe import main

    (tmp_path / "server.py").write_text("import threading\nSTOP = threading.Event()\n")
    request = {"module": "server", "path": "", "sys_path": [str(tmp_path)], "timeout": 42, "trace": str(tmp_path / "t")}
    (tmp_path / "request.json").write_text(json.dumps(request))
    armed: list[Any] = []
    monkeypatch.setattr(faulthandler, "enable", lambda file: armed.append("enabled"))
    monkeypatch.setattr(faulthandler, "dump_traceback_later", lambda seconds, **kw: armed.append((seconds, kw["exit"])))
    monkeypatch.setattr(faulthandler, "cancel_dump_traceback_later", lambda: armed.append("cancelled"))
    monkeypatch.setattr(os, "_exit", _exit)
    _isolate_imports(monkeypatch)
    with pytest.raises(_Exited):
        main([str(tmp_path / "request.json"), str(tmp_path / "result.json")])
    assert armed == ["enabled", (42, True), "cancelled"]
    assert json.loads((tmp_path / "result.json").read_text())["loaded"] == ["server"]
