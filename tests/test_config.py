"""Config through the command line: every malformed config is a clean `error: FILE:LINE: ...` with exit 2.

The fuzz tests put every TOML value type at every known key (and at the option tables' keys), in the config
file and in `--config "key = value"`: whatever the value, the run ends with exit 0/1 or a clean error with
exit 2, never an exception. `HYPOTHESIS_PROFILE=long` runs many more examples.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "simplelint-hypothesis")

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from simplelint import registry
from simplelint.cli import main
from simplelint.config.load import SEVERITY, TOP_LEVEL_KEYS
from simplelint.config.toml_lines import key_lines

# The runner raises the recursion limit for deep code; raising it first keeps hypothesis from warning.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
EXAMPLES = 2000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 60
FUZZ = hsettings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "a.py").write_text("def f(x):\n    return x == None\n", encoding="utf-8")
    return in_tmp


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_clean(result: Result) -> None:
    """Exit 0/1, or exit 2 with an `error: ...` line; never an exception."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr, result.stderr


def config_error(project: Path, body: str) -> str:
    """What `check` says when the config stops it: exit 2, nothing linted."""
    write_pyproject(project, body)
    result = invoke("check", "a.py")
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    return result.stderr


def write_pyproject(project: Path, body: str) -> None:
    # The body first, so that a top-level key in it stays top-level.
    (project / "pyproject.toml").write_text(f"{body}\n\n[project]\nname = 'demo'\n", encoding="utf-8")


# ---- item 11: malformed shapes ----


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[[tool.simplelint]]\nselect = ['SL1']", "pyproject.toml:1: [tool.simplelint] must be a table"),
        ("[tool]\nsimplelint = 3", "pyproject.toml:2: [tool.simplelint] must be a table, got 3."),
        ("tool = 3", "pyproject.toml:1: [tool] must be a table, got 3."),
        (
            "[tool.simplelint]\ncomplexity = 'high'",
            "pyproject.toml:2: [tool.simplelint.complexity] must be a table, got 'high'.",
        ),
        # Variants: an array of option tables, a dotted key, the first of two same-named keys is not ours.
        ("[tool.simplelint]\n[[tool.simplelint.tests]]", "pyproject.toml:2: [tool.simplelint.tests] must be a table"),
        ("[tool.simplelint]\ntests.patterns = 3", "pyproject.toml:2: `patterns` in [tool.simplelint.tests] must be"),
        (
            "[tool.other]\nselect = 1\n\n[tool.simplelint]\nselect = 'SL1'",
            "pyproject.toml:5: `select` in [tool.simplelint] must be a list of strings, got 'SL1'.",
        ),
        (
            "[tool.simplelint]\nextend-include = ['*.pyw', '[z-a]']",
            "pyproject.toml:2: `extend-include` in [tool.simplelint] has an invalid glob '[z-a]': not a gitignore-style pattern.",
        ),
    ],
)
def test_malformed_config_is_a_clean_error_at_its_line(project: Path, body: str, expected: str) -> None:
    assert config_error(project, body).startswith(f"error: {expected}")


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("complexity = 'high'", "[tool.simplelint.complexity] must be a table, got 'high'."),
        ("tests = [{patterns = []}]", "[tool.simplelint.tests] must be a table, got an array of tables."),
    ],
)
def test_malformed_override_is_a_clean_error(project: Path, override: str, expected: str) -> None:
    write_pyproject(project, "[tool.simplelint]")
    result = invoke("check", "--config", override, "a.py")
    assert (result.exit_code, result.stderr) == (2, f"error: --config {override!r}: {expected}\n")


def test_unreadable_pyproject_is_a_clean_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_pyproject(project, "[tool.simplelint]")
    real_open = Path.open

    def deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "pyproject.toml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    result = invoke("check", "a.py")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error: pyproject.toml: cannot read config: [Errno 13] Permission denied")


# ---- item 11: fuzz ----

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=6) | st.sampled_from(
    ["", ".", "..", "/", "[", "!", "**", "\\", "\x00", "SL1", "ALL", "a.py", "*.py"]
)
_SCALARS = (
    _TEXT
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.booleans()
    | st.datetimes(timezones=st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=-5))]))
    | st.dates()
    | st.times()
)
_KEYS = st.sampled_from(["SL1", "a.py", "*.py", "x", ""]) | st.text(max_size=3)
VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=6,
)


def toml(value: Any) -> str:
    """A TOML value (tomllib has no writer)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, (int, dt.date, dt.time)):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string, but for a raw DEL (then invalid TOML: exit 2 too)
    if isinstance(value, list):
        return "[" + ", ".join(toml(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"


def _all_keys() -> list[tuple[str, ...]]:
    keys: list[tuple[str, ...]] = [(key,) for key in TOP_LEVEL_KEYS]
    for table, options in registry.table_options().items():
        keys.append((table,))
        keys.extend((table, option) for option in options)
    return keys


KEY_PATHS = st.sampled_from(_all_keys()) | st.tuples(st.sampled_from(list(registry.table_options())), _KEYS)
_STRINGS = st.lists(_TEXT, max_size=3)
_BY_TYPE = {
    "list of strings": _STRINGS,
    "string": _TEXT,
    "boolean": st.booleans(),
    "integer": st.integers(min_value=-5, max_value=60) | st.integers(),
    "table of glob -> list of codes": st.dictionaries(_TEXT, _STRINGS, max_size=2),
    "table of strings": st.dictionaries(_TEXT, _TEXT, max_size=2),
    "array of tables": st.lists(st.dictionaries(_KEYS | st.sampled_from(["name", "modules", "banned"]), VALUES)),
    # [tool.simplelint.severity]: without it, drawing `severity` raised a KeyError in the test itself.
    SEVERITY: st.dictionaries(_TEXT | st.sampled_from(["SL1", "SL201"]), st.sampled_from(["error", "warning"]) | _TEXT),
}


def _typed(keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Values of the key's own type too: they get past type checks into the settings, paths and globs."""
    if len(keys) == 1 and keys[0] in TOP_LEVEL_KEYS:
        return VALUES | _BY_TYPE[TOP_LEVEL_KEYS[keys[0]].type_name]
    option = registry.table_options().get(keys[0], {}).get(keys[-1]) if len(keys) == 2 else None
    if option is None:
        return VALUES
    typed = VALUES | _BY_TYPE[option.base_type]
    return typed | _BY_TYPE[option.alternative] if option.alternative else typed


SETTINGS = KEY_PATHS.flatmap(lambda keys: st.tuples(st.just(keys), _typed(keys)))


def dotted(keys: tuple[str, ...]) -> str:
    return ".".join(json.dumps(key) for key in keys)


def cache_flag(keys: tuple[str, ...], value: Any) -> list[str]:
    """The cache is used only when a generated `cache-dir` stays inside the test's folder."""
    inside = isinstance(value, str) and not {"/", "\\", ".."} & {*value, value[:2]}
    return [] if keys == ("cache-dir",) and inside else ["--no-cache"]


# Found by these tests: globs pathspec refuses, and a NUL in a path, crashed the run after config was read.
FOUND = [
    (("exclude",), ["!"]),
    (("per-file-ignores",), {"src/\\": ["SL1"]}),
    (("tests", "patterns"), ["!"]),
    (("cache-dir",), "cache\x00"),
]


def found_first(test: Any) -> Any:
    for setting in FOUND:
        test = example(setting=setting)(test)
    return test


@FUZZ
@given(setting=SETTINGS)
@found_first
def test_fuzz_config_file_values(project: Path, setting: tuple[tuple[str, ...], Any]) -> None:
    keys, value = setting
    write_pyproject(project, f"[tool.simplelint]\n{dotted(keys)} = {toml(value)}")
    assert_clean(invoke("check", *cache_flag(keys, value), "a.py"))


@FUZZ
@given(setting=SETTINGS)
@found_first
def test_fuzz_config_overrides(project: Path, setting: tuple[tuple[str, ...], Any]) -> None:
    keys, value = setting
    write_pyproject(project, "[tool.simplelint]")
    assert_clean(invoke("check", *cache_flag(keys, value), "--config", f"{dotted(keys)} = {toml(value)}", "a.py"))


@FUZZ
@given(value=VALUES, where=st.sampled_from(["tool = VALUE", "[tool]\nsimplelint = VALUE", "[[tool.simplelint]]"]))
def test_fuzz_the_tables_themselves(project: Path, value: Any, where: str) -> None:
    write_pyproject(project, where.replace("VALUE", toml(value)))
    assert_clean(invoke("check", "--no-cache", "a.py"))


@FUZZ
@given(keys=st.lists(st.tuples(KEY_PATHS, VALUES), min_size=1, max_size=4))
def test_key_lines_finds_every_key_tomllib_reads(keys: list[tuple[tuple[str, ...], Any]]) -> None:
    import tomllib

    text = "".join(f"[t{i}]\n{dotted(path)} = {toml(value)}\n" for i, (path, value) in enumerate(keys))
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    lines = key_lines(text)
    for i, (path, _) in enumerate(keys):
        assert lines[(f"t{i}", *path)] == 2 * i + 2


# ---- item 12: unknown selectors name their line and the nearest rule ----


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[tool.ruff]\nignore = ["E1"]\n\n[tool.simplelint]\nignore = ["SL2O1"]',
            "pyproject.toml:5: Unknown rule selector 'SL2O1' in 'ignore'. Did you mean `SL201`?",
        ),
        (
            '[tool.simplelint]\nselect = ["SL1"]\nextend-select = ["missing-return-anotation"]',
            "pyproject.toml:3: Unknown rule selector 'missing-return-anotation' in 'extend-select'. "
            "Did you mean `missing-return-annotation`?",
        ),
        ('[tool.simplelint]\nselect = [\n  "SL1",\n  "sl11O",\n]', "pyproject.toml:2: Unknown rule selector 'sl11O' in"),
        ('[tool.simplelint]\nextend-ignore = ["AL"]', "pyproject.toml:2: Unknown rule selector 'AL' in 'extend-ignore'"),
        (
            '[tool.simplelint]\nper-file-ignores = { "tests/**" = ["SL3"], "x.py" = ["SL2O"] }',
            "pyproject.toml:2: Unknown rule selector 'SL2O' in 'per-file-ignores' for 'x.py'. Did you mean `SL2`?",
        ),
        (
            '[tool.simplelint.extend-per-file-ignores]\n"a.py" = ["SL1"]\n"b.py" = ["compare-to-nonne"]',
            "pyproject.toml:3: Unknown rule selector 'compare-to-nonne' in 'extend-per-file-ignores' for 'b.py'. "
            "Did you mean `compare-to-none`?",
        ),
    ],
)
def test_unknown_selectors_in_config_name_line_and_suggest(project: Path, body: str, expected: str) -> None:
    assert config_error(project, body).startswith(f"error: {expected}")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--select", "missing-return-anotation"],
            "Unknown rule selector 'missing-return-anotation' in 'select' from the CLI. "
            "Did you mean `missing-return-annotation`?",
        ),
        (["--extend-select", "SL1,SL2O1"], "Unknown rule selector 'SL2O1' in 'extend-select' from the CLI."),
        (["--ignore", "XYZ999"], "Unknown rule selector 'XYZ999' in 'ignore' from the CLI."),
        (
            ["--per-file-ignores", "a.py:SL1,too-complx"],
            "Unknown rule selector 'too-complx' in 'per-file-ignores' for 'a.py' from the CLI. "
            "Did you mean `too-complex`?",
        ),
        (
            ["--config", "ignore = ['SL2O1']"],
            "--config \"ignore = ['SL2O1']\": Unknown rule selector 'SL2O1' in 'ignore'. Did you mean `SL201`?",
        ),
    ],
)
def test_unknown_selectors_on_the_command_line_suggest(project: Path, args: list[str], expected: str) -> None:
    write_pyproject(project, "[tool.simplelint]")
    result = invoke("check", *args, "a.py")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error: {expected}"), result.stderr


def test_explain_suggests_the_nearest_rule() -> None:
    result = invoke("explain", "missing-return-anotation")
    assert result.exit_code == 2 and "Did you mean `missing-return-annotation`?" in result.stderr


# ---- item 13: limits are range-checked where options are declared; workers are capped ----


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "[tool.simplelint.complexity]\nmax-complexity = -3",
            "pyproject.toml:2: `max-complexity` in [tool.simplelint.complexity] must be an integer >= 1, got -3.",
        ),
        (
            "[tool.simplelint]\ncomplexity = { max-statements = 0 }",
            "pyproject.toml:2: `max-statements` in [tool.simplelint.complexity] must be an integer >= 1, got 0.",
        ),
        (
            "[tool.simplelint]\ncomplexity.max-args = -1",
            "pyproject.toml:2: `max-args` in [tool.simplelint.complexity] must be an integer >= 0, got -1.",
        ),
    ],
)
def test_limits_out_of_range_are_errors(project: Path, body: str, expected: str) -> None:
    assert config_error(project, body) == f"error: {expected}\n"


def test_limits_at_their_bound_are_accepted(project: Path) -> None:
    write_pyproject(project, "[tool.simplelint.complexity]\nmax-complexity = 1\nmax-args = 0\nmax-branches = 0")
    result = invoke("check", "--no-cache", "--select", "SL1", "--output-format", "concise", "a.py")
    assert result.exit_code == 1 and "SL101" not in result.stdout and "SL105" in result.stdout


def test_limit_override_out_of_range_is_an_error(project: Path) -> None:
    write_pyproject(project, "[tool.simplelint]")
    result = invoke("check", "--config", "complexity.max-cognitive-complexity = -1", "a.py")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --config 'complexity.max-cognitive-complexity = -1': `max-cognitive-complexity` in "
        "[tool.simplelint.complexity] must be an integer >= 0, got -1.\n"
    )


def test_explain_shows_the_bound() -> None:
    assert "`max-complexity` (integer >= 1, default 10)" in invoke("explain", "SL101").stdout


@pytest.mark.parametrize(("jobs", "cpus", "expected"), [("500", 2, 2), ("0", 64, 9), ("3", 64, 3)])
def test_workers_are_capped_at_files_and_cpus(
    project: Path, monkeypatch: pytest.MonkeyPatch, jobs: str, cpus: int, expected: int
) -> None:
    from simplelint.run import runner

    for index in range(9):
        (project / f"m{index}.py").write_text("x = 1\n", encoding="utf-8")
    (project / "a.py").unlink()
    asked: list[int] = []
    real = runner._in_pool

    def spy(tasks: Any, settings: Any, options: Any, workers: int) -> Any:
        asked.append(workers)
        return real(tasks, settings, options, 1)  # what was asked for is under test; one worker does the work

    monkeypatch.setattr(runner, "_in_pool", spy)
    monkeypatch.setattr(runner, "available_cpus", lambda: cpus)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    result = invoke("check", "--no-cache", "-j", jobs, ".")
    assert result.exit_code == 0, result.output
    assert asked == [expected]


def test_negative_jobs_is_a_usage_error(project: Path) -> None:
    result = invoke("check", "-j", "-1", "a.py")
    assert result.exit_code == 2 and "-1 is not in the range x>=0" in result.stderr


def test_the_simplification_family_has_its_own_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.simplelint.simplification]\nfoo = 1\n", encoding="utf-8")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.py")])
    assert result.exit_code == 2
    assert "unknown key `foo` in [tool.simplelint.simplification]. This table has no keys yet." in result.stderr


# ---- issue 16: SL3's new keys ----


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "[tool.simplelint.tests]\nmin-tests = 0",
            "pyproject.toml:2: `min-tests` in [tool.simplelint.tests] must be an integer >= 1, got 0.",
        ),
        (
            "[tool.simplelint.tests]\ndoctests = 'yes'",
            "pyproject.toml:2: `doctests` in [tool.simplelint.tests] must be a boolean, got 'yes'.",
        ),
        (
            "[tool.simplelint.tests]\nprotocol-methods = 'mylib.Base.run'",
            "pyproject.toml:2: `protocol-methods` in [tool.simplelint.tests] must be a list of strings, "
            "got 'mylib.Base.run'.",
        ),
    ],
)
def test_sl3_keys_of_the_wrong_type_are_errors(project: Path, body: str, expected: str) -> None:
    assert config_error(project, body) == f"error: {expected}\n"


def test_sl3_keys_with_valid_values_are_accepted(project: Path) -> None:
    write_pyproject(project, "[tool.simplelint.tests]\nmin-tests = 2\ndoctests = true\n"
                             'protocol-methods = ["mylib.Base.on_*"]')  # fmt: skip
    assert invoke("check", "--no-cache", "--select", "SL3", "a.py").exit_code == 0


def test_min_tests_from_the_cli_is_range_checked(project: Path) -> None:
    result = invoke("check", "--no-cache", "--min-tests", "0", "a.py")
    assert result.exit_code == 2 and "--min-tests" in result.stderr
