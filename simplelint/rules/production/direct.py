"""SL401: production code imports pandas (or another banned module) itself."""

from __future__ import annotations

from typing import Any
from collections.abc import Mapping, Sequence

import libcst as cst

from simplelint.rules.production.facts import ImportScanner
from simplelint.rules.naming import resolve_relative
from simplelint.rules.production.graph import Import, is_package
from simplelint.rule import FileContext, FileFacts, Invalid, Rule, Valid
from simplelint.rules.production.contracts import OPTIONS, contracts, contracts_for, note


class PandasInProduction(ImportScanner, Rule):
    """
    ## What it does
    Flags a production module that imports pandas (or another module listed in `banned`), in any form:
    `import pandas as pd`, `from pandas.api.types import is_list_like`, an import inside a function,
    `importlib.import_module("pandas")` and `__import__("pandas")`. An optional import (`try: import pandas`
    / `except ImportError:`) is flagged too: it runs wherever pandas is installed. Imports under
    `if TYPE_CHECKING:` are allowed (they never run), and so are stubs (`.pyi`). Packages whose names merely
    start with "pandas" (`pandas_gbq`, `pandasql`) are other packages and are not flagged unless listed.

    Production code is what `production = [globs]` in `[tool.simplelint]` matches, or a file with a
    `# simplelint: production` comment near its top. Nothing is production by default.

    ## Why is this bad?
    pandas loads whole tables into memory, copies them on most operations and runs row-wise Python in
    `apply`: fine for analysis, slow and memory-hungry in a pipeline that runs every day on growing data.
    Transforms belong in SQL or a scalable engine; production Python code should serve models or drive an
    offline framework. Where a dataframe is needed, DuckDB, Polars and PyArrow are columnar, multi-threaded
    and lazy or zero-copy.

    ## Example
    ```python
    # simplelint: production
    import pandas as pd

    def daily_totals(path: str) -> pd.DataFrame:
        return pd.read_parquet(path).groupby("day").sum()
    ```

    ## Use instead
    ```python
    # simplelint: production
    import duckdb

    def daily_totals(path: str) -> duckdb.DuckDBPyRelation:
        return duckdb.sql(f"SELECT day, sum(amount) FROM '{path}' GROUP BY day")
    ```
    """

    code = "SL401"
    name = "pandas-in-production"
    summary = "Production code imports pandas (or another banned module)"
    options = OPTIONS
    VALID = [
        "import pandas as pd\n",  # not production
        "# simplelint: production\nimport polars as pl\nimport pandas_gbq\nimport pandasql\n",
        "# simplelint: production\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas as pd\n",
        "# simplelint: production\nimport typing\nif typing.TYPE_CHECKING: from pandas import DataFrame\n",
        "# simplelint: production\n# import pandas\nNOTE = 'import pandas'\n",
        "# simplelint: production\nfrom . import pandas\n",  # a sibling module of that name, not pandas
        Valid("# simplelint: production\nimport pandas\n", options={"banned": ["matplotlib"]}),
        Valid("# simplelint: production\nimport pandas as pd\ndef load() -> pd.DataFrame: ...\n", path="jobs.pyi"),
    ]
    INVALID = [
        Invalid(
            "# simplelint: production\nimport pandas as pd\n",
            count=1,
            message="Production code imports `pandas`: do transforms in SQL or DuckDB, or use Polars or PyArrow",
        ),
        Invalid("# simplelint: production\nfrom pandas.api.types import is_list_like\n", count=1),
        Invalid("# simplelint: production\ndef load() -> None:\n    from pandas import read_csv\n", count=1),
        Invalid(
            "# simplelint: production\nimport importlib\nimport importlib as il\n"
            "from importlib import import_module as im\nimportlib.import_module('pandas')\n"
            "il.import_module('pandas.io')\nim('pandas')\n__import__('pandas')\n",
            count=4,
        ),
        Invalid(
            "# simplelint: production\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    pass\nelse:\n"
            "    import pandas\n",
            count=1,
        ),
        Invalid(
            "# simplelint: production\nimport os, matplotlib.pyplot as plt\n",
            options={"banned": ["pandas", "matplotlib"]},
            count=1,
            message="Production code imports `matplotlib.pyplot`: `matplotlib` is listed in `banned`",
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        self._reported: set[tuple[int, str, str]] = set()
        under = [c for c in contracts(config) if c.applies_to(context.settings, context.path, context.is_production)]
        self._contracts = under

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        if context.path.endswith(".pyi"):
            return False  # stubs never run
        under = contracts_for(context.settings, context.path, context.is_production)
        return any(entry.rsplit(".", 1)[-1].encode() in context.source for c in under for entry in c.banned.entries)

    @classmethod
    def run_note(cls, files: Sequence[FileFacts]) -> str:
        return note(files)

    def found_import(self, node: cst.CSTNode, found: Import) -> None:
        context = self.context
        base = resolve_relative(context.module_name, is_package(context.path), found.level, found.module)
        for contract in self._contracts:
            name = contract.banned.brought_in(found.kind, found.names, base)
            if name is None or (id(node), contract.name, name) in self._reported:
                continue
            self._reported.add((id(node), contract.name, name))
            root = contract.banned.root(name)
            self.report(node, f"{contract.subject} imports `{name}`: {contract.advice(root)}")


RULES = [PandasInProduction]
