"""Issue 18, items 1-2: `banned` as a table with messages, bans of names inside modules through any alias (SL404),
and contracts, end to end through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simplelint.cli import main

Finding = tuple[str, int, str, str]


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--no-cache", "--select", "SL4", "--output-format", "json", *args])


def findings(*args: str) -> list[Finding]:
    result = check(*args)
    assert result.exit_code in (0, 1), result.output
    return [(f["filename"], f["location"]["row"], f["code"], f["message"]) for f in json.loads(result.stdout)]


TABLE = """\
[tool.simplelint]
src = ["src"]
production = ["src/shop/jobs/**"]

[tool.simplelint.production-imports]
banned = { "pandas.read_csv" = "read through shop.io", "numpy.matrix" = "use 2-D arrays", "os.system" = "use subprocess.run", "pandas.io" = "no pandas I/O" }
"""

JOB = """\
import os
import numpy as np
import pandas as pd
from numpy import matrix
from shop import helpers


def run(path: str) -> None:
    frame = pd.read_csv(path)
    weights = np.matrix([[1, 2], [3, 4]])
    os.system("true")
    pd.io.parquet.read_parquet(path)
    np.array(frame)
    helpers.load(path)
"""


@pytest.fixture
def attribute_bans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path,
        {
            "pyproject.toml": TABLE,
            "src/shop/__init__.py": "",
            "src/shop/helpers.py": "from pandas import read_csv\nimport pandas.io.sql\n",
            "src/shop/jobs/__init__.py": "",
            "src/shop/jobs/daily.py": JOB,
            "src/shop/notebook.py": "import numpy as np\nnp.matrix([1])\n",  # not production
        },
    )
    return tmp_path


def test_attribute_bans_follow_aliases_and_show_their_message(attribute_bans: Path) -> None:
    daily = "src/shop/jobs/daily.py"
    assert findings(".") == [
        (daily, 4, "SL401", "Production code imports `numpy.matrix`: use 2-D arrays"),
        (
            daily, 5, "SL402",
            "Production code imports pandas.read_csv through shop.helpers -> pandas.read_csv: read through shop.io",
        ),
        (daily, 9, "SL404", "Production code uses `pandas.read_csv` (as `pd.read_csv`): read through shop.io"),
        (daily, 10, "SL404", "Production code uses `numpy.matrix` (as `np.matrix`): use 2-D arrays"),
        (daily, 11, "SL404", "Production code uses `os.system`: use subprocess.run"),
        (daily, 12, "SL404", "Production code uses `pandas.io` (as `pd.io`): no pandas I/O"),
    ]  # fmt: skip


def test_banning_a_name_inside_pandas_does_not_ban_importing_pandas(attribute_bans: Path) -> None:
    """`import pandas as pd` (line 3) and `import numpy as np` (line 2) are not findings: only the names are banned."""
    assert all(line not in (1, 2, 3) for _, line, _, _ in findings("."))


def test_an_entry_is_still_a_module_prefix_for_imports(attribute_bans: Path) -> None:
    write(attribute_bans, {"src/shop/jobs/io.py": "import pandas.io.sql\nfrom pandas import io\nimport pandas\n"})
    found = [f for f in findings(".") if f[0].endswith("io.py")]
    assert found == [
        ("src/shop/jobs/io.py", 1, "SL401", "Production code imports `pandas.io.sql`: no pandas I/O"),
        ("src/shop/jobs/io.py", 2, "SL401", "Production code imports `pandas.io`: no pandas I/O"),
    ]


def test_the_list_form_keeps_the_default_advice(attribute_bans: Path) -> None:
    found = findings(".", "--config", "production-imports.banned = ['numpy.matrix', 'pandas']")
    assert (
        "src/shop/jobs/daily.py", 10, "SL404",
        "Production code uses `numpy.matrix` (as `np.matrix`): `numpy.matrix` is listed in `banned` of "
        "[tool.simplelint.production-imports]",
    ) in found  # fmt: skip
    assert ("src/shop/jobs/daily.py", 3, "SL401", "Production code imports `pandas`: do transforms in SQL or DuckDB, "
            "or use Polars or PyArrow") in found  # fmt: skip


CONTRACTS = """\
[tool.simplelint]
src = ["src"]
production = ["src/shop/serving/**"]

[tool.simplelint.production-imports]
banned = ["pandas"]

[[tool.simplelint.production-imports.contracts]]
name = "serving-not-training"
modules = ["src/shop/serving/**"]
banned = { "shop.training" = "serving loads exported models, never training code" }
allow = ["shop.training.schemas"]

[[tool.simplelint.production-imports.contracts]]
name = "jobs-not-notebooks"
modules = ["jobs/*.py"]
banned = ["notebooks", "matplotlib"]
"""

PROJECT = {
    "pyproject.toml": CONTRACTS,
    "src/shop/__init__.py": "",
    "src/shop/training/__init__.py": "",
    "src/shop/training/fit.py": "import pandas\n",
    "src/shop/training/schemas.py": "FIELDS = ['a']\n",
    "src/shop/features.py": "from shop.training import fit\n",
    "src/shop/serving/__init__.py": "",
    "src/shop/serving/api.py": (
        "from shop.training.schemas import FIELDS\n"  # allowed
        "from shop import features\n"  # SL402 for both contracts: features -> fit (training), fit -> pandas
        "from shop.training import fit\n"  # SL401 for the contract, SL402 (pandas) for production
    ),
    "jobs/nightly.py": "import notebooks.helpers\nimport pandas\nimport shop.serving.api\nimport plots\n",
    "jobs/plots.py": "import matplotlib.pyplot\n",
    "notebooks/__init__.py": "",
    "notebooks/helpers.py": "import matplotlib.pyplot\n",
}


@pytest.fixture
def contracts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, PROJECT)
    return tmp_path


SERVING = "contract 'serving-not-training':"
TRAINING = "serving loads exported models, never training code"
PANDAS = "do transforms in SQL or DuckDB, or use Polars or PyArrow"
API = "src/shop/serving/api.py"


def test_contracts_are_reported_under_their_names(contracts: Path) -> None:
    assert findings(".") == [
        ("jobs/nightly.py", 1, "SL401", "contract 'jobs-not-notebooks': imports `notebooks.helpers`: `notebooks` is "
         "listed in `banned` of contract 'jobs-not-notebooks'"),
        ("jobs/nightly.py", 4, "SL402", "contract 'jobs-not-notebooks': imports matplotlib through plots -> "
         "matplotlib.pyplot: `matplotlib` is listed in `banned` of contract 'jobs-not-notebooks'"),
        ("jobs/plots.py", 1, "SL401", "contract 'jobs-not-notebooks': imports `matplotlib.pyplot`: `matplotlib` is "
         "listed in `banned` of contract 'jobs-not-notebooks'"),
        (API, 2, "SL402", f"Production code imports pandas through shop.features -> shop.training.fit -> pandas: {PANDAS}"),
        (API, 2, "SL402", f"{SERVING} imports shop.training through shop.features -> shop.training: {TRAINING}"),
        (API, 3, "SL401", f"{SERVING} imports `shop.training`: {TRAINING}"),
        (API, 3, "SL402", f"Production code imports pandas through shop.training.fit -> pandas: {PANDAS}"),
    ]  # fmt: skip


def test_the_allow_list_exempts_a_module_and_chains_through_it(contracts: Path) -> None:
    write(contracts, {"src/shop/training/schemas.py": "import shop.training.fit\n"})
    found = [f for f in findings(".") if f[0] == API and f[1] == 1]
    # Not the contract's finding (schemas is allowed, and not followed), but production's pandas still is.
    assert [f[3].split(" through")[0] for f in found] == ["Production code imports pandas"]


def test_a_contract_applies_to_its_own_files_only(contracts: Path) -> None:
    """jobs/ is no production code: its pandas import is no finding; serving's files are under both."""
    assert not any(f[0] == "jobs/nightly.py" and "pandas" in f[3] for f in findings("."))


def test_checking_one_file_of_a_contract_follows_the_whole_chain(contracts: Path) -> None:
    assert [f[:3] for f in findings("jobs/nightly.py")] == [("jobs/nightly.py", 1, "SL401"), ("jobs/nightly.py", 4, "SL402")]


def test_contract_findings_are_the_same_from_the_cache(contracts: Path) -> None:
    runs = [CliRunner().invoke(main, ["check", "--select", "SL4", "--output-format", "concise", "."]) for _ in "ab"]
    assert runs[0].stdout == runs[1].stdout == check(".", "--output-format", "concise").stdout
    assert (contracts / ".simplelint_cache").is_dir()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "[tool.simplelint.production-imports]\nbanned = 3",
            "pyproject.toml:2: `banned` in [tool.simplelint.production-imports] must be a list of strings or a table "
            "of strings, got 3.",
        ),
        (
            "[tool.simplelint.production-imports]\nbanned = { pandas = 1 }",
            "pyproject.toml:2: `banned` in [tool.simplelint.production-imports] must be a list of strings or a table "
            "of strings, got {'pandas': 1}.",
        ),
        (
            "[tool.simplelint.production-imports]\nbanned = { 'pandas.read csv' = 'no' }",
            "pyproject.toml:2: `banned` in [tool.simplelint.production-imports] has an invalid dotted module name "
            "'pandas.read csv': names are identifiers joined by dots, e.g. `pandas` or `pandas.read_csv`.",
        ),
        (
            "[tool.simplelint.production-imports]\ncontracts = 'serving'",
            "pyproject.toml:2: `contracts` in [tool.simplelint.production-imports] must be an array of tables, "
            "got 'serving'.",
        ),
        (
            "[[tool.simplelint.production-imports.contracts]]\nname = 'a'\nmodules = ['x/**']\nbanned = ['b']\n\n"
            "[[tool.simplelint.production-imports.contracts]]\nname = 'jobs'\nmodles = ['jobs/**']",
            "pyproject.toml:8: unknown key `modles` in [contracts #2 ('jobs')] of [tool.simplelint.production-imports]."
            " Did you mean `modules`? Valid keys: allow, banned, modules, name.",
        ),
        (
            "[[tool.simplelint.production-imports.contracts]]\nname = 'a'\nmodules = ['x/**']\nbanned = ['b']\n\n"
            "[[tool.simplelint.production-imports.contracts]]\nname = 'jobs'\nmodules = ['jobs/**']\nbanned = 3",
            "pyproject.toml:9: `banned` in [contracts #2 ('jobs')] of [tool.simplelint.production-imports] must be a "
            "list of strings or a table of strings, got 3.",
        ),
        (
            "[[tool.simplelint.production-imports.contracts]]\nname = 'a'\nmodules = ['[z-a]']\nbanned = ['b']",
            "pyproject.toml:3: `modules` in [contracts #1 ('a')] of [tool.simplelint.production-imports] has an "
            "invalid glob '[z-a]'",
        ),
        (
            "[[tool.simplelint.production-imports.contracts]]\nmodules = ['x/**']\nbanned = ['b']",
            "pyproject.toml:1: [contracts #1] of [tool.simplelint.production-imports] has no `name`.",
        ),
        (
            "[tool.simplelint.production-imports]\ncontracts = [{ name = 'a', modules = [], banned = [], alow = [] }]",
            "pyproject.toml:2: unknown key `alow` in [contracts #1 ('a')] of [tool.simplelint.production-imports]. "
            "Did you mean `allow`?",
        ),
    ],
)
def test_config_errors_name_the_line_and_the_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"pyproject.toml": body + "\n", "a.py": "x = 1\n"})
    result = CliRunner().invoke(main, ["check", "a.py"])
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    assert result.stderr.startswith(f"error: {expected}"), result.stderr


def test_explain_lists_the_table_form_and_the_contracts() -> None:
    text = CliRunner().invoke(main, ["explain", "SL404"]).stdout
    assert "`banned` (list of strings or table of strings, default ['pandas'])" in text
    assert "`contracts` (array of tables, default [])" in text
