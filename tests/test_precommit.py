"""CI integration: the pre-commit hook, run for real by pre-commit, and the GitHub Actions workflow.

The slow tests build the hook's environment once (pre-commit makes a virtualenv and pip-installs this
checkout's committed HEAD from the package index), then reuse it for every scenario.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from simplelint.cli import main

ROOT = Path(__file__).resolve().parent.parent
BAD = "def broken(:\n"
GOOD = "x = 1\n"


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(h for h in hooks if h["id"] == "simplelint")  # type: ignore[no-any-return]


def test_hook_manifest() -> None:
    hook = _hook()
    assert hook["entry"] == "simplelint check --force-exclude"
    assert (hook["language"], hook["types_or"], hook["require_serial"]) == ("python", ["python", "pyi", "jupyter"], False)


def test_hook_entry_skips_excluded_files_named_explicitly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text('[tool.simplelint]\nextend-exclude = ["legacy"]\n', encoding="utf-8")
    Path("legacy").mkdir()
    Path("legacy/old.py").write_text(BAD, encoding="utf-8")
    Path("new.py").write_text(BAD, encoding="utf-8")
    entry = shlex.split(_hook()["entry"])[1:]
    result = CliRunner().invoke(main, [*entry, "--no-cache", "legacy/old.py", "new.py"])
    assert result.exit_code == 1
    assert "new.py" in result.stdout and "legacy" not in result.stdout
    assert CliRunner().invoke(main, [*entry, "--no-cache", "legacy/old.py"]).exit_code == 0


# --- the GitHub Actions workflow ---------------------------------------------------------------------------


def _workflow_steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "simplelint.yml").read_text(encoding="utf-8"))
    assert set(workflow) == {"name", True, "permissions", "jobs"}  # YAML 1.1 reads the `on` key as True
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    return job["steps"]  # type: ignore[no-any-return]


def test_workflow_runs_simplelint_and_uploads_its_sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = _workflow_steps()
    actions = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert actions == ["actions/checkout", "actions/setup-python", "actions/cache", "github/codeql-action/upload-sarif"]
    commands = [shlex.split(s["run"]) for s in steps if s.get("run", "").startswith("simplelint ")]
    assert len(commands) == 2
    # Run the workflow's own command lines on a stand-in for this repository's package.
    monkeypatch.chdir(tmp_path)
    Path("simplelint").mkdir()
    Path("simplelint/mod.py").write_text(BAD, encoding="utf-8")
    codes = [CliRunner().invoke(main, [*command[1:], "--no-cache"]) for command in commands]
    assert [c.exit_code for c in codes] == [0, 1]
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    log = json.loads(Path(upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["SL001"]
    assert codes[1].stdout.startswith("::error title=simplelint (SL001),file=simplelint/mod.py,line=1,")


# --- pre-commit, for real ----------------------------------------------------------------------------------


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(scope="module")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs git and a git checkout of simplelint")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    env["PRE_COMMIT_COLOR"] = "never"
    return env


def _project(path: Path, files: dict[str, str], hook: dict[str, Any]) -> Path:
    """A throwaway git repo whose .pre-commit-config.yaml uses this checkout's committed HEAD."""
    path.mkdir()
    _git("init", "-q", ".", cwd=path)
    config = {"repos": [{"repo": str(ROOT), "rev": _git("rev-parse", "HEAD", cwd=ROOT), "hooks": [hook]}]}
    files = {".pre-commit-config.yaml": yaml.safe_dump(config), **files}
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    _git("add", ".", cwd=path)
    return path


def _pre_commit(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_hook_fails_on_a_bad_file_and_passes_once_it_is_fixed(pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    project = _project(tmp_path / "p", {"bad.py": BAD, "good.py": GOOD}, {"id": "simplelint"})
    failed = _pre_commit(pre_commit_env, project, "run", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.py:1:12: SL001" in failed.stdout and "good.py" not in failed.stdout
    (project / "bad.py").write_text(GOOD, encoding="utf-8")
    _git("add", ".", cwd=project)
    passed = _pre_commit(pre_commit_env, project, "run", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


@pytest.mark.slow
def test_hook_respects_the_config_excludes(pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    files = {"pyproject.toml": '[tool.simplelint]\nextend-exclude = ["vendored"]\n', "vendored/old.py": BAD}
    project = _project(tmp_path / "p", {**files, "good.py": GOOD}, {"id": "simplelint"})
    result = _pre_commit(pre_commit_env, project, "run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_hook_with_fix_fails_when_it_changed_files(pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    hook = {"id": "simplelint", "args": ["--fix", "--unsafe-fixes", "--select", "SL202"]}
    project = _project(tmp_path / "p", {"mod.py": "def f(x: int):\n    pass\n"}, hook)
    fixed = _pre_commit(pre_commit_env, project, "run", "--all-files")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "files were modified by this hook" in fixed.stdout
    assert (project / "mod.py").read_text(encoding="utf-8") == "def f(x: int) -> None:\n    pass\n"
    _git("add", ".", cwd=project)
    assert _pre_commit(pre_commit_env, project, "run", "--all-files").returncode == 0


@pytest.mark.slow
def test_try_repo_uses_uncommitted_changes(pre_commit_env: dict[str, str], tmp_path: Path) -> None:
    # A clone with a local edit stands in for a contributor's dirty checkout (another hook install).
    clone = tmp_path / "simplelint"
    _git("clone", "-q", str(ROOT), str(clone), cwd=tmp_path)
    manifest = clone / ".pre-commit-hooks.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("name: simplelint\n", "name: dirty-hook\n"), encoding="utf-8")
    project = _project(tmp_path / "p", {"bad.py": BAD}, {"id": "simplelint"})
    result = _pre_commit(pre_commit_env, project, "try-repo", str(clone), "simplelint", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "dirty-hook" in result.stdout and "bad.py:1:12: SL001" in result.stdout


# --- the README's snippet, as written --------------------------------------------------------------------------


def _readme_snippet() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Pre-commit") :]
    return section[section.index("```yaml\n") + len("```yaml\n") : section.index("```\n", section.index("```yaml"))]


def test_readme_snippet_names_this_repository_its_release_tag_and_its_hook() -> None:
    import re

    from simplelint import __version__

    config = yaml.safe_load(_readme_snippet())
    (repo,) = config["repos"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    repository = re.search(r'^Repository = "([^"]+)"', pyproject, re.M)
    assert repository and repo["repo"] == repository.group(1)
    assert repo["rev"] == f"v{__version__}"  # the tag a release of this version gets
    assert [hook["id"] for hook in repo["hooks"]] == [_hook()["id"]]


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["as written", "with the commented --fix lines"])
def test_readme_snippet_works_against_this_repository(pre_commit_env: dict[str, str], tmp_path: Path,
                                                      variant: str) -> None:  # fmt: skip
    """The snippet verbatim, but for its repo and rev: this checkout and its HEAD stand in for the published
    repository and the release tag (which do not exist before a release)."""
    text = _readme_snippet()
    from_readme = yaml.safe_load(text)["repos"][0]
    text = text.replace(f"repo: {from_readme['repo']}", f"repo: {ROOT}")
    text = text.replace(f"rev: {from_readme['rev']}", f"rev: {_git('rev-parse', 'HEAD', cwd=ROOT)}")
    if variant != "as written":
        text = text.replace("      - id: simplelint\n      # - id", "      # - id").replace("      # - id", "      - id")
        text = text.replace("      #   args", "        args")
    project = tmp_path / "p"
    project.mkdir()
    _git("init", "-q", ".", cwd=project)
    mod = "def f(x: int) -> int:\n    if x:\n        return 1\n    else:\n        return 2\n"
    files = {".pre-commit-config.yaml": text, "mod.py": mod}
    for name, content in files.items():
        (project / name).write_text(content, encoding="utf-8")
    _git("add", ".", cwd=project)
    hooks = yaml.safe_load(text)["repos"][0]["hooks"]
    assert len(hooks) == 1 and hooks[0].get("args", []) == ([] if variant == "as written" else ["--fix"])
    result = _pre_commit(pre_commit_env, project, "run", "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    if variant == "as written":
        assert "mod.py:4:5: SL113" in result.stdout and (project / "mod.py").read_text(encoding="utf-8") == mod
    else:
        assert "files were modified by this hook" in result.stdout
        fixed = "def f(x: int) -> int:\n    if x:\n        return 1\n    return 2\n"
        assert (project / "mod.py").read_text(encoding="utf-8") == fixed
