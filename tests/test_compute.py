"""SL6xx end to end on fixtures/science_project, and the parts that decide what is an array."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from click.testing import CliRunner
from support import check_json, json_findings

from simplelint.cli import main
from simplelint.engine.analysis import context_for
from simplelint.rules.compute.arrays import ArrayScan, Names, module_names
from simplelint.rules.compute.loops import IndexLoop
from simplelint.testing import settings_for

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "science_project"
GENERIC = "use whole-array arithmetic (`a * k`), `np.where`/`np.clip` and reductions (`.sum()`, `a @ b`)"
ONE_AT_A_TIME = "does array math one element at a time"
NIGHTLY = (
    "src/lab/pipeline/nightly.py", 11, 5, "SL602",
    f"Loop over the elements of `steps` {ONE_AT_A_TIME}: write `level += (steps + drift).sum()`",
)  # fmt: skip
EXPECTED = [
    (
        "src/lab/linalg.py", 12, 5, "SL604",
        "Nested loops over `a` compute a matrix product one element at a time: use `@` (`A @ B`), `xp.dot` or"
        " `xp.einsum`",
    ),
    ("src/lab/linalg.py", 21, 21, "SL603", f"Comprehension over `values` {ONE_AT_A_TIME}: write `values / total`"),
    NIGHTLY,
    (
        "src/lab/signal.py", 11, 5, "SL601",
        f"Loop over the indices of `samples` {ONE_AT_A_TIME}: write `out[:] = samples * gain - 1.0`",
    ),
    ("src/lab/signal.py", 18, 5, "SL602", f"Loop over the elements of `samples` {ONE_AT_A_TIME}: write `total += samples @ samples`"),
    (
        "src/lab/signal.py", 37, 12, "SL603",
        f"Comprehension over `samples` {ONE_AT_A_TIME}: write `np.flatnonzero(samples > threshold)`",
    ),
    ("src/lab/signal.py", 41, 5, "SL601", f"Loop over the indices of `samples` {ONE_AT_A_TIME}: {GENERIC}"),
]  # fmt: skip


@pytest.fixture
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURE)
    return FIXTURE


def test_fixture_project_findings_are_exact(in_fixture: Path) -> None:
    result = check_json(".", "--select", "SL6")
    assert result.exit_code == 1, result.output
    assert json_findings(result.stdout) == EXPECTED


def test_other_rules_do_not_change_the_sl6_findings(in_fixture: Path) -> None:
    result = check_json(".", "--select", "ALL")
    found = [f for f in json_findings(result.stdout) if f[3].startswith("SL6")]
    assert found == EXPECTED


def test_only_production_checks_only_the_pipeline(in_fixture: Path) -> None:
    result = check_json(".", "--select", "SL6", "--config", "compute.only-production = true")
    assert json_findings(result.stdout) == [NIGHTLY]


def test_the_family_is_listed_and_explained() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["rules"]).stdout
    assert all(code in listed for code in ("SL601", "SL602", "SL603", "SL604"))
    explained = runner.invoke(main, ["explain", "SL601"]).stdout
    assert "CuPy" in explained and "There is no fix" in explained and "only-production" in explained


def test_files_without_numpy_are_not_analysed(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, frozenset({"SL601"}))
    assert not IndexLoop.applies_to(context_for("a.py", b"for i in range(len(a)):\n    s += a[i]\n", settings))
    assert IndexLoop.applies_to(context_for("a.py", b"import numpy\n", settings))
    production_only = settings_for(tmp_path, frozenset({"SL601"}), {"only-production": True})
    assert not IndexLoop.applies_to(context_for("a.py", b"import numpy\n", production_only))
    assert IndexLoop.applies_to(context_for("a.py", b"# simplelint: production\nimport numpy\n", production_only))


def _arrays_at_loops(source: str) -> list[list[str]]:
    data = source.encode()
    module = cst.parse_module(data)
    scan = ArrayScan(module, Names(module_names(data)))
    loops: list[cst.CSTNode] = []

    class Loops(cst.CSTVisitor):
        def visit_For(self, node: cst.For) -> None:
            loops.append(node)

    module.visit(Loops())
    return [sorted(scan.at[id(loop)].arrays) for loop in loops]


def test_branches_keep_an_array_only_when_every_branch_makes_one() -> None:
    source = (
        "import numpy as np\n"
        "def f(flag, data):\n"
        "    if flag:\n        a = np.zeros(3)\n        b = np.ones(3)\n    else:\n        a = np.ones(3)\n        b = data\n"
        "    for i in a: pass\n"
    )
    assert _arrays_at_loops(source) == [["a"]]


def test_a_loop_forgets_what_its_body_rebinds_to_something_else() -> None:
    source = (
        "import numpy as np\n"
        "def f(n):\n    a = np.zeros(n)\n    b = np.zeros(n)\n"
        "    for i in range(n):\n        a = a * 2\n        b = list(b)\n"
    )
    assert _arrays_at_loops(source) == [["a"]]


def test_tuples_and_a_bare_where_are_not_arrays() -> None:
    source = (
        "import numpy as np\n"
        "def f(x):\n    u = np.unique(x, return_counts=True)\n    w = np.where(x > 0)\n    v = np.where(x > 0, x, 0)\n"
        "    for i in v: pass\n"
    )
    assert _arrays_at_loops(source) == [["v"]]


def test_imports_name_numpy_however_they_are_written() -> None:
    source = (
        "from numpy import zeros as z\nimport numpy.random as npr\n"
        "a = z(3)\nb = npr.rand(4)\nc = npr.rand()\n"
        "for i in a: pass\n"
    )
    assert _arrays_at_loops(source) == [["a", "b"]]
