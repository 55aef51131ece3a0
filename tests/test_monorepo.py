"""Nearest config per file (issue 15), end to end through the CLI: fixtures/monorepo holds a root config, a
package with its own (pkg_own), one that `extend`s the root's (pkg_ext) and one with none (pkg_plain)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from simplelint.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "monorepo"

# Every finding of the monorepo, paths relative to its root: each package under its own config.
EXPECTED = {
    # pkg_ext: the root's SL2 and tests patterns, its own `max-args = 4` and `extend-ignore = ["SL202"]`;
    # the root's per-file-ignores for ext/legacy.py and `extend-exclude = ["generated"]` apply too.
    "pkg_ext/ext/core.py:1:11: SL201",
    "pkg_ext/ext/core.py:9:5: SL105",
    # pkg_own: its own config only (no SL2, max-args 5; the root's exclude of `generated` does not apply).
    "pkg_own/generated/gen.py:1:5: SL105",
    "pkg_own/generated/gen.py:1:5: SL301",
    "pkg_own/own/core.py:5:5: SL301",
    # pkg_plain: the root's config (max-args 3), joined for SL301 with the root project's tests only.
    "pkg_plain/plain/core.py:1:5: SL202",
    "pkg_plain/plain/core.py:1:11: SL201",
    "pkg_plain/plain/core.py:5:5: SL105",
    "pkg_plain/plain/core.py:9:5: SL301",
}
PACKAGES = ("pkg_plain", "pkg_own", "pkg_ext")
FINDING = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<code>SL\d+) ")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture (runs write caches), as the current directory."""
    target = tmp_path / "monorepo"
    shutil.copytree(FIXTURE, target)
    monkeypatch.chdir(target)
    return target


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def findings(output: str, repo: Path, cwd: str = "") -> set[str]:
    """`path:line:col: CODE` of each finding, the path (relative to `cwd`, else to the current directory) made
    relative to the monorepo's root."""
    found = set()
    for line in output.splitlines():
        match = FINDING.match(line)
        if match:
            absolute = os.path.join(cwd or os.getcwd(), match["path"])
            path = os.path.relpath(absolute, repo).replace(os.sep, "/")
            found.add(f"{path}:{match['line']}:{match['col']}: {match['code']}")
    return found


def under(*folders: str) -> set[str]:
    return {finding for finding in EXPECTED if finding.startswith(tuple(f"{f}/" for f in folders))}


def test_two_packages_give_the_same_findings_in_either_order(repo: Path) -> None:
    # Before issue 15 the first path's config applied to both files: pkg_own's core.py got the root's SL2
    # findings in one order, pkg_plain's lost them in the other.
    first = ("pkg_plain/plain/core.py", "pkg_own/own/core.py")
    runs = [invoke("check", "--no-cache", "--output-format", "concise", *order) for order in (first, first[::-1])]
    assert runs[0] == runs[1]
    code, out, err = runs[0]
    assert code == 1 and err == ""
    assert findings(out, repo) == {f for f in under("pkg_plain", "pkg_own") if "generated" not in f}


@pytest.mark.parametrize("cwd", [".", *PACKAGES])
def test_the_whole_monorepo_from_anywhere_in_any_order(repo: Path, monkeypatch: pytest.MonkeyPatch, cwd: str) -> None:
    monkeypatch.chdir(repo / cwd)
    paths = [os.path.relpath(repo / package) for package in PACKAGES]
    for order in (paths, paths[::-1]):
        code, out, err = invoke("check", "--no-cache", "--output-format", "concise", *order)
        assert code == 1 and err == "", err
        assert findings(out, repo) == EXPECTED


@pytest.mark.parametrize("package", PACKAGES)
def test_inside_each_package_its_own_findings(repo: Path, monkeypatch: pytest.MonkeyPatch, package: str) -> None:
    monkeypatch.chdir(repo / package)
    code, out, _ = invoke("check", "--no-cache", "--output-format", "concise")
    assert code == 1
    assert findings(out, repo) == under(package)


def test_through_a_real_process_in_both_orders(repo: Path) -> None:
    outputs = []
    for order in (PACKAGES, PACKAGES[::-1]):
        paths = [f"../{p}" for p in order]
        command = [sys.executable, "-m", "simplelint", "check", "--no-cache", "--output-format", "concise", *paths]
        done = subprocess.run(command, capture_output=True, text=True, cwd=repo / "pkg_own", check=False)
        assert done.returncode == 1, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert findings(outputs[0], repo, str(repo / "pkg_own")) == EXPECTED


def test_a_warm_cache_prints_what_no_cache_prints_in_both_orders(repo: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    order = ["pkg_own/own/core.py", "pkg_plain/plain/core.py", "pkg_ext"]
    cold = invoke("check", "--no-cache", *order)
    # The first run fills the cache in one order; the others read it in both.
    runs = [invoke("check", "--cache-dir", cache, *paths) for paths in (order, order[::-1], order, order[::-1])]
    assert all(run == cold for run in runs), runs
    # Each package's default cache folder (no --cache-dir) is its config root's, as ruff keeps one per project.
    assert invoke("check", *order) == cold and invoke("check", *order[::-1]) == cold
    assert (repo / ".simplelint_cache").is_dir() and (repo / "pkg_own" / ".simplelint_cache").is_dir()


def test_show_files_lists_what_would_be_checked(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = invoke("check", "--show-files")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "pkg_ext/ext/__init__.py",
        "pkg_ext/ext/core.py",
        "pkg_ext/ext/legacy.py",
        "pkg_ext/tests/test_ext.py",  # pkg_ext/generated: excluded by the root's `extend-exclude`, inherited
        "pkg_own/generated/gen.py",  # pkg_own's own config does not exclude it
        "pkg_own/own/__init__.py",
        "pkg_own/own/core.py",
        "pkg_own/tests/test_own.py",
        "pkg_plain/plain/__init__.py",
        "pkg_plain/plain/core.py",
        "pkg_plain/tests/test_core.py",
    ]
    monkeypatch.chdir(repo / "pkg_ext")
    code, out, _ = invoke("check", "--show-files", "ext", "tests", "../pkg_own/own")
    assert code == 0
    outside = [str(repo / "pkg_own" / "own" / name) for name in ("__init__.py", "core.py")]  # shown absolute
    assert out.splitlines() == [*outside, "ext/__init__.py", "ext/core.py", "ext/legacy.py", "tests/test_ext.py"]


def test_show_settings_names_the_config_and_what_it_extends(repo: Path) -> None:
    code, out, err = invoke("check", "--show-settings", "pkg_ext/ext/core.py")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:3] == [
        "Resolved settings for: pkg_ext/ext/core.py",
        "Settings path: pkg_ext/pyproject.toml",
        "Extends: pyproject.toml",
    ]
    assert 'root = "pkg_ext"' in lines
    assert 'per-file-ignores = { "/ext/legacy.py" = ["SL201", "SL202"] }' in lines  # rebased on pkg_ext
    assert 'extend-exclude = ["generated"]' in lines
    enabled = next(line for line in lines if line.startswith("enabled = "))
    assert '"SL201"' in enabled and '"SL202"' not in enabled and '"SL301"' in enabled
    complexity = lines[lines.index("[complexity]") :]
    assert "max-args = 4" in complexity and "max-complexity = 10" in complexity
    assert 'patterns = ["**/tests/**"]' in lines[lines.index("[tests]") :]

    _, out, _ = invoke("check", "--show-settings", "pkg_own/own/core.py")
    assert out.splitlines()[1:3] == ["Settings path: pkg_own/simplelint.toml", ""]
    _, out, _ = invoke("check", "--show-settings", "pkg_plain")  # a folder: its first file, as ruff
    first = "Resolved settings for: pkg_plain/plain/__init__.py"
    assert out.splitlines()[:2] == [first, "Settings path: pyproject.toml"]


def test_verbose_names_the_config_of_each_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, err = invoke("check", "--no-cache", "-v", ".")
    assert "simplelint: using config pyproject.toml for 3 files\n" in err
    assert "simplelint: using config pkg_ext/pyproject.toml (extends pyproject.toml) for 4 files\n" in err
    assert "simplelint: using config pkg_own/simplelint.toml for 4 files\n" in err
    assert "simplelint: pkg_ext/ext/core.py: pkg_ext/pyproject.toml\n" in err
    assert "simplelint: pkg_plain/plain/core.py: pyproject.toml\n" in err
    monkeypatch.chdir(repo / "pkg_own")
    _, _, err = invoke("check", "--no-cache", "-v", "own")
    assert "simplelint: using config simplelint.toml\n" in err


def test_config_file_and_isolated_still_apply_to_every_file(repo: Path) -> None:
    _, out, _ = invoke("check", "--no-cache", "--output-format", "concise", "--config", "pkg_own/simplelint.toml", ".")
    assert not any(" SL2" in line for line in out.splitlines())
    _, out, _ = invoke("check", "--no-cache", "--output-format", "concise", "--isolated", "pkg_ext/ext/core.py")
    assert "pkg_ext/ext/core.py:1:5: SL202" in findings(out, repo)  # the defaults: pkg_ext's ignore is not read


def test_command_line_flags_apply_over_every_config(repo: Path) -> None:
    _, out, _ = invoke("check", "--no-cache", "--output-format", "concise", "--ignore", "SL105", ".")
    assert findings(out, repo) == {f for f in EXPECTED if "SL105" not in f}
    _, out, _ = invoke("check", "--no-cache", "--output-format", "concise", "--config", "complexity.max-args = 9", ".")
    assert findings(out, repo) == {f for f in EXPECTED if "SL105" not in f}


def test_stdin_uses_the_config_of_the_file_it_is_named_after(repo: Path) -> None:
    source = (repo / "pkg_own" / "own" / "core.py").read_bytes()
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "--output-format", "concise", "--stdin-filename", "pkg_own/own/core.py"],
        input=source,
    )  # fmt: skip
    assert findings(result.stdout, repo) == under("pkg_own") - under("pkg_own/generated")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_an_extend_cycle_is_an_error_naming_the_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.simplelint]\nextend = "shared/base.toml"\n')
    write(tmp_path / "shared" / "base.toml", 'select = ["SL1"]\nextend = "../pyproject.toml"\n')
    write(tmp_path / "a.py", "X = 1\n")
    code, out, err = invoke("check", "a.py")
    assert (code, out) == (2, "")
    assert err == (
        "error: shared/base.toml:2: `extend` makes a cycle: "
        "pyproject.toml -> shared/base.toml -> pyproject.toml\n"
    )


def test_an_extended_file_that_does_not_exist_is_an_error_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pkg" / "simplelint.toml", '# pkg\n\nextend = "../nowhere.toml"\n')
    write(tmp_path / "pkg" / "a.py", "X = 1\n")
    code, out, err = invoke("check", "pkg")
    assert (code, out) == (2, "")
    missing = tmp_path / "nowhere.toml"
    assert err == f"error: pkg/simplelint.toml:3: `extend` names '../nowhere.toml', which does not exist ({missing})\n"
    # Through a real process too: the same message and exit code.
    command = [sys.executable, "-m", "simplelint", "check", "pkg"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (2, err)


def test_a_broken_nested_config_is_an_error_even_when_reached_by_a_walk(repo: Path) -> None:
    (repo / "pkg_own" / "simplelint.toml").write_text("selekt = []\n", encoding="utf-8")
    code, _, err = invoke("check", "--no-cache", ".")
    assert code == 2 and err.startswith("error: pkg_own/simplelint.toml:1: unknown key `selekt`")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("build", "build"),  # no inner slash: matches at any depth, kept
        ("*.pyi", "*.pyi"),
        ("**/gen/*", "**/gen/*"),
        ("pkg/gen/*.py", "/gen/*.py"),  # written from the parent, rebased on pkg
        ("/pkg/gen/", "/gen/"),
        ("p*/gen", "/gen"),
        ("!pkg/keep.py", "!/keep.py"),
        ("other/gen/*", None),  # another folder's: matches nothing under pkg
        ("pkg/", "pkg/"),  # a folder named pkg at any depth
        ("/pkg/", None),  # the whole project, from above: nothing to say from inside
    ],
)
def test_globs_of_an_extended_config_are_rebased(pattern: str, expected: str | None) -> None:
    from simplelint.config.load import _rebase_glob

    assert _rebase_glob(pattern, Path("/repo"), Path("/repo/pkg")) == expected


def test_globs_of_a_config_below_the_root_are_anchored_in_its_folder() -> None:
    from simplelint.config.load import _rebase_glob

    assert _rebase_glob("gen/*.py", Path("/repo/shared"), Path("/repo")) == "/shared/gen/*.py"
    assert _rebase_glob("gen/*.py", Path("/repo/we[ir]d"), Path("/repo")) == r"/we\[ir\]d/gen/*.py"


def test_config_lookup_is_once_per_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each folder is asked for its config once, whatever number of files it holds and however often the
    run asks for a file's settings afterwards (the runner asks for each file)."""
    from simplelint.config import load
    from simplelint.config.load import CliOverrides, load_configs
    from simplelint.run.discovery import discover

    asked: list[str] = []
    real = load.config_in
    monkeypatch.setattr(load, "config_in", lambda folder, names: asked.append(folder) or real(folder, names))
    for index in range(20):
        write(repo / "pkg_plain" / "plain" / f"m{index}.py", "X = 1\n")
    configs = load_configs(["."], CliOverrides())
    files = discover(["."], configs)
    for path in files * 3:
        configs.for_path(path)
    assert len(asked) == len(set(asked))  # never twice for one folder
    walked = {folder for folder, _, _ in os.walk(repo) if "generated" not in folder or "pkg_own" in folder}
    assert set(asked) == walked and len(files) == 31  # pkg_ext/generated is excluded: not even looked at


def test_extended_paths_and_globs_stay_relative_to_the_file_that_wrote_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simplelint.config.load import CliOverrides, load_configs

    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "pyproject.toml",
        '[tool.simplelint]\nsrc = ["lib"]\nproduction = ["pkg/jobs/*.py", "other/*.py", "*_job.py"]\n'
        'extend-exclude = ["pkg/gen/"]\n\n[tool.simplelint.tests]\npatterns = ["pkg/checks/**"]\n',
    )
    child = '[tool.simplelint]\nextend = "../pyproject.toml"\nextend-exclude = ["x"]\n'
    write(tmp_path / "pkg" / "pyproject.toml", child)
    settings = load_configs(["pkg"], CliOverrides()).primary
    assert settings.root == tmp_path / "pkg"
    assert settings.sources == (tmp_path / "pkg" / "pyproject.toml", tmp_path / "pyproject.toml")
    assert settings.src == (tmp_path / "lib",)
    assert settings.production == ("/jobs/*.py", "*_job.py")
    assert settings.extend_exclude == ("/gen/", "x")  # inherited first, then its own
    assert settings.options["tests"]["patterns"] == ["/checks/**"]
    assert settings.is_production(tmp_path / "pkg" / "jobs" / "run.py")
    assert settings.is_test(tmp_path / "pkg" / "checks" / "t.py")
    assert settings.is_excluded(tmp_path / "pkg" / "gen", is_dir=True)


def test_a_baseline_of_the_monorepo_hides_every_finding_in_any_order(repo: Path) -> None:
    code, out, _ = invoke("baseline", "--no-cache", *PACKAGES)
    assert code == 0 and out.startswith(f"Wrote {repo / '.simplelint-baseline.json'}: 9 findings baselined")
    for order in (PACKAGES, PACKAGES[::-1]):
        assert invoke("check", "--no-cache", *order) == (0, "All checks passed!\n", "")
