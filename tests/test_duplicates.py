"""SL503 duplicate-code: end to end on fixtures/duplicates_project, and the logical lines its facts are made of."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import cli_in

from simplelint.cli import main
from simplelint.rules.duplicates.join import Limits, Source, duplicates
from simplelint.rules.duplicates.lines import DATA, DECORATOR, HEADER, lines_of, logical_lines, pack, unpack

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "duplicates_project"
PACKAGE = Path(__file__).resolve().parent.parent / "simplelint"

# Each copy once, at the later copy, naming the first; settings, fields, stubs, overloads, registrations and
# near misses (pricing.py) are not reported.
EXPECTED = [
    "src/shop/invoice.py:8:1: SL503 8 lines duplicate src/shop/cart.py:6-14; extract a function",
    "src/shop/pricing.py:18:1: SL503 8 lines duplicate src/shop/pricing.py:8-15; extract a function",
    "src/shop/refunds.py:6:1: SL503 8 lines duplicate src/shop/cart.py:6-14; extract a function",
    "tests/test_cart.py:15:1: SL503 7 lines duplicate tests/test_cart.py:6-12; extract a function",
]


def _concise(*args: str) -> list[str]:
    result = cli_in(PROJECT, "check", "--no-cache", "--output-format", "concise", *args)
    assert result.exit_code in (0, 1), result.output
    return [line for line in result.output.splitlines() if " SL503 " in line]


def test_fixture_findings_are_exact() -> None:
    assert _concise(".") == EXPECTED


def test_fixture_findings_in_a_real_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simplelint", "check", "--no-cache", "--output-format", "concise", "."],
        cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert [line for line in done.stdout.splitlines() if " SL503 " in line] == EXPECTED


def test_json_range_covers_the_whole_copy() -> None:
    result = cli_in(
        PROJECT, "check", "--no-cache", "--output-format", "json", "src/shop/invoice.py", "src/shop/cart.py"
    )
    found = json.loads(result.output)
    assert [(f["filename"].replace("\\", "/"), f["location"]["row"], f["end_location"]["row"]) for f in found] == [
        ("src/shop/invoice.py", 8, 16)
    ]


@pytest.mark.parametrize("alone", [EXPECTED[0], EXPECTED[2], EXPECTED[3]])
def test_a_file_checked_alone_gets_the_findings_of_the_whole_run(alone: str) -> None:
    # pre-commit names only the changed files: the rest of the project is read for its facts.
    path = alone.split(":")[0]
    assert _concise(path) == [alone]


def test_a_test_that_repeats_the_code_it_checks_is_not_a_copy(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    loop = (PROJECT / "src" / "shop" / "cart.py").read_text().split("def cart_total(items, limit):\n", 1)[1]
    (project / "tests" / "test_total.py").write_text(
        "from shop.cart import cart_total, discount\n\n\ndef expected(items, limit):\n"
        + loop.split("\n\n\n")[0]
        + "\n\n\ndef test_total():\n    assert cart_total([], 1) == expected([], 1)\n"
    )
    done = _run([sys.executable, "-m", "simplelint", "check", "--no-cache", "--output-format", "concise", "."],
                project)  # fmt: skip
    assert [line for line in done.stdout.splitlines() if " SL503 " in line] == EXPECTED


def test_ignore_tests_leaves_the_test_suite_out() -> None:
    assert _concise(".", "--config", "duplicates.ignore-tests = true") == EXPECTED[:3]


def test_min_lines_raises_the_bar() -> None:
    assert _concise(".", "--config", "duplicates.min-lines = 8") == EXPECTED[:3]
    assert _concise(".", "--config", "duplicates.min-lines = 9") == []


def test_min_lines_below_two_is_a_config_error() -> None:
    result = cli_in(PROJECT, "check", "--no-cache", ".", "--config", "duplicates.min-lines = 1")
    assert result.exit_code == 2
    assert "min-lines" in result.output


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_explain_documents_the_options() -> None:
    result = CliRunner().invoke(main, ["explain", "SL503"])
    assert result.exit_code == 0
    assert "## Options ([tool.simplelint.duplicates])" in result.output
    for option in ("min-lines", "min-tokens", "min-code-lines", "ignore-tests"):
        assert f"`{option}`" in result.output


def test_a_warm_cache_prints_what_a_cold_run_prints(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    command = [sys.executable, "-m", "simplelint", "check", "--cache-dir", str(tmp_path / "cache"), "."]
    runs = [_run(command, project) for _ in range(2)]
    cold = _run([*command[:4], "--no-cache", "."], project)
    assert runs[0].stdout == runs[1].stdout == cold.stdout
    assert "4 errors" in cold.stdout


def test_a_run_over_other_files_does_not_answer_from_the_cache(tmp_path: Path) -> None:
    # `check src` reads every file too (the tests for SL301's facts, not for SL503's): its project stage
    # must not stand for that of `check .`, which compares the tests' copies as well.
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    command = [sys.executable, "-m", "simplelint", "check", "--select", "SL301,SL503", "--output-format", "concise"]
    cache = ["--cache-dir", str(tmp_path / "cache")]
    _run([*command, *cache, "src"], project)
    warm = _run([*command, *cache, "."], project)
    cold = _run([*command, "--no-cache", "."], project)
    assert warm.stdout == cold.stdout
    assert [line for line in warm.stdout.splitlines() if " SL503 " in line] == EXPECTED


def test_an_edited_copy_is_found_again_from_the_cache(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    command = [sys.executable, "-m", "simplelint", "check", "--output-format", "concise", "--cache-dir",
               str(tmp_path / "cache"), "src"]  # fmt: skip
    _run(command, project)
    refunds = project / "src" / "shop" / "refunds.py"
    refunds.write_text(refunds.read_text().replace("line.price > threshold", "line.price >= threshold"))
    done = _run(command, project)
    assert "src/shop/refunds.py" not in done.stdout
    assert "src/shop/invoice.py:8:1: SL503" in done.stdout


# --- the facts ------------------------------------------------------------------------------------------


def test_logical_lines_agree_with_the_tokenizer() -> None:
    """Where each logical line starts and ends, on simplelint's own code, as Python's tokenizer says."""
    for path in sorted(PACKAGE.rglob("*.py")):
        data = path.read_bytes()
        expected = []
        first = None
        skipped = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type in skipped or token.type == tokenize.ENDMARKER:
                continue
            first = first or token.start[0]
            if token.type == tokenize.NEWLINE:
                expected.append((first, token.start[0]))
                first = None
        found = [(start, end) for start, end, _, _, _ in logical_lines(data.decode("utf-8"))]
        assert found == expected, path


def test_strings_keep_their_lines_and_do_not_count_as_names() -> None:
    source = 'x = """a\nb # not a comment\nc"""  # a comment\nif x:\n    y = f(\n        "(", 1\n    )\n'
    assert [(s, e, level, tokens) for s, e, _, level, tokens in logical_lines(source)] == [
        (1, 3, 0, "N = $"),
        (4, 4, 0, "if N:"),
        (5, 7, 1, "N = N( $, 0 )"),
    ]


def test_imports_docstrings_and_blank_lines_do_not_count() -> None:
    source = '"""Module."""\nimport os\nfrom a import (\n    b,\n)\n\n\ndef f():\n    """Doc."""\n    return os\n'
    assert [(line.start, line.flags) for line in lines_of(source)] == [(8, HEADER), (10, DATA)]


def test_what_is_data_and_what_is_code() -> None:
    source = (
        "@decorator\n"
        "def f(a):\n"
        "    x = 1\n"
        "    y = a.b\n"
        "    z = g(a)\n"
        "    w = a + 1\n"
        "    v = [a for a in b]\n"
        "class C:\n"
        "    field = models.CharField(max_length=3)\n"
    )
    flags = [line.flags for line in lines_of(source)]
    assert flags == [DECORATOR, HEADER, DATA, DATA, 0, 0, 0, HEADER, DATA]


def test_assertions_are_compared_with_their_values() -> None:
    def test(values: tuple[str, str, str]) -> str:
        return (
            "def test_it(client):\n"
            "    response = client.get('/')\n"
            "    body = response.json()\n"
            + "".join(f"    assert body['{v}'] == {v!r}\n" for v in values)
            + "    client.close()\n"
        )

    table = [Source("a.py", lines_of(test(("a", "b", "c")))), Source("b.py", lines_of(test(("d", "e", "f"))))]
    assert duplicates(table, Limits(6, 0, 0)) == []
    copy = [Source("a.py", lines_of(test(("a", "b", "c")))), Source("b.py", lines_of(test(("a", "b", "c"))))]
    assert [(d.path, d.count) for d in duplicates(copy, Limits(6, 0, 0))] == [("b.py", 7)]


def test_facts_survive_packing() -> None:
    lines = lines_of((PACKAGE / "rules" / "duplicates" / "join.py").read_text())
    assert unpack(pack(lines)) == lines
    assert len(pack(lines)) < 25 * len(lines)  # about 23 characters a line


def _copy(name: str) -> str:
    return (
        f"def {name}(items, limit):\n"
        "    total = 0\n"
        "    for item in items:\n"
        "        if item.price > limit:\n"
        "            total += item.price * item.count\n"
        "        else:\n"
        "            total -= discount(item)\n"
        "    return round(total, 2)\n"
    )


@pytest.mark.parametrize("count", [2, 3, 5])
def test_each_later_copy_names_the_first(count: int) -> None:
    files = [Source(f"m{n}.py", lines_of(_copy(f"f{n}"))) for n in range(count)]
    found = duplicates(files, Limits(6, 30, 3))
    assert [(d.path, d.source, d.count) for d in found] == [(f"m{n}.py", "m0.py", 8) for n in range(1, count)]


def test_overlapping_windows_merge_into_one_region() -> None:
    text = _copy("one") + "\n\n" + _copy("two")
    (found,) = duplicates([Source("a.py", lines_of(text))], Limits(6, 30, 3))
    assert (found.start, found.source_start, found.count) == (8, 0, 8)


def test_the_end_of_one_function_and_the_start_of_the_next_do_not_count() -> None:
    body = "    a = f(x)\n    b = g(a, x)\n    return h(a, b)\n"
    text = "".join(f"def f{n}(x):\n{body}" for n in range(4))
    assert duplicates([Source("a.py", lines_of(text))], Limits(6, 0, 0)) == []
