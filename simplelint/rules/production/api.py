"""SL404: production code uses a banned name inside a module (`pandas.read_csv`, `numpy.matrix`, `os.system`)."""

from __future__ import annotations

from typing import Any, Optional
from collections.abc import Mapping

import libcst as cst
from libcst.helpers import get_full_name_for_node

from simplelint.rules.naming import resolve_relative
from simplelint.rules.production.graph import is_package
from simplelint.rule import FileContext, Invalid, Rule, Valid
from simplelint.rules.production.contracts import OPTIONS, contracts, contracts_for

NUMPY_MATRIX = {"banned": {"numpy.matrix": "use 2-D arrays"}}


class BannedApiInProduction(Rule):
    """
    ## What it does
    Flags a use, in production code (or a file under a contract), of a name inside a module that `banned`
    lists: `pandas.read_csv`, `numpy.matrix`, `os.system`. Uses through any alias count: `import numpy as np`
    then `np.matrix(...)`, `import os` then `os.system(...)`, `from pandas import io as pio` then
    `pio.sql` for a banned `pandas.io.sql`. The finding shows the entry's configured message.

    The import that takes the name itself (`from numpy import matrix`) is SL401's finding; banning
    `pandas.read_csv` does not flag `import pandas` alone. A local variable that shadows an imported name
    is not told apart from it.

    ## Why is this bad?
    A team often bans one API rather than a whole package: `pandas.read_csv` in a service that must read
    through the data layer, `numpy.matrix` (deprecated), `os.system` (shell injection). The message says
    what to use instead, where the code is written.

    ## Example
    ```python
    # simplelint: production
    import numpy as np

    weights = np.matrix([[1, 2], [3, 4]])
    ```

    ## Use instead
    ```python
    # simplelint: production
    import numpy as np

    weights = np.array([[1, 2], [3, 4]])
    ```
    """

    code = "SL404"
    name = "banned-api-in-production"
    summary = "Production code uses a banned name inside a module (e.g. `numpy.matrix`)"
    options = OPTIONS
    VALID = [
        Valid("# simplelint: production\nimport pandas as pd\n", options={"banned": ["pandas.read_csv"]}),
        Valid("# simplelint: production\nimport numpy as np\nx = np.array([1])\n", options=NUMPY_MATRIX),
        Valid("import numpy as np\nx = np.matrix([1])\n", options=NUMPY_MATRIX),  # not production
        Valid(
            "# simplelint: production\nfrom numpy import array\nmatrix = array([1])\nmatrix.T\n", options=NUMPY_MATRIX
        ),
        Valid(
            "# simplelint: production\nimport numpy as np\nnp.matrix\n",
            options={**NUMPY_MATRIX, "allow": ["numpy.matrix"]},
        ),
    ]
    INVALID = [
        Invalid(
            "# simplelint: production\nimport numpy as np\n\n\ndef weights() -> object:\n    return np.matrix([1])\n",
            options=NUMPY_MATRIX,
            count=1,
            message="Production code uses `numpy.matrix` (as `np.matrix`): use 2-D arrays",
        ),
        Invalid(
            "# simplelint: production\nimport os\nimport os.path\nos.system('ls')\n",
            options={"banned": ["os.system"]},
            count=1,
            message="Production code uses `os.system`: `os.system` is listed in `banned` of",
        ),
        Invalid(
            "# simplelint: production\nfrom pandas import io as pio\nimport pandas.io.sql\npio.sql.read_sql\n"
            "pandas.io.sql.read_sql\n",
            options={"banned": {"pandas.io.sql": "query through the warehouse client"}},
            count=2,
        ),
    ]

    def __init__(self, context: FileContext, config: Mapping[str, Any]) -> None:
        super().__init__(context, config)
        under = [c for c in contracts(config) if c.applies_to(context.settings, context.path, context.is_production)]
        self._contracts = [contract for contract in under if contract.banned.attributes]
        self._bound: dict[str, str] = {}  # a name the file binds by an import -> the dotted name it stands for
        self._uses: list[tuple[cst.Attribute, str]] = []  # attributes on names, as written
        self._in_import = 0  # `import pandas.io.sql` names a module: no use of it

    @classmethod
    def applies_to(cls, context: FileContext) -> bool:
        if context.path.endswith(".pyi"):
            return False  # stubs never run
        under = contracts_for(context.settings, context.path, context.is_production)
        names = {entry.rsplit(".", 1)[-1].encode() for c in under for entry in c.banned.attributes}
        return any(name in context.source for name in names)

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._bound[alias.asname.name.value] = dotted
            else:  # `import os.path` binds `os`
                top = dotted.partition(".")[0]
                self._bound[top] = top

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1
        if isinstance(node.names, cst.ImportStar):
            return
        written = (get_full_name_for_node(node.module) or "") if node.module else ""
        context = self.context
        base = resolve_relative(context.module_name, is_package(context.path), len(node.relative), written)
        for alias in node.names if base else ():
            name = get_full_name_for_node(alias.name) or ""
            bound = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            self._bound[bound] = f"{base}.{name}"

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        written = None if self._in_import else get_full_name_for_node(node)
        if written:
            self._uses.append((node, written))

    def leave_Module(self, original_node: cst.Module) -> None:
        """Uses are judged once every import is known: a function may use a name imported below it."""
        for node, written in self._uses:
            dotted = self._resolve(written)
            if dotted is None:
                continue
            for contract in self._contracts:
                if dotted in contract.banned.attributes and contract.banned.covers(dotted):
                    alias = "" if written == dotted else f" (as `{written}`)"
                    self.report(node, f"{contract.subject} uses `{dotted}`{alias}: {contract.advice(dotted)}")

    def _resolve(self, written: str) -> Optional[str]:
        """`np.matrix` -> `numpy.matrix` when `np` is bound by an import; None for other names."""
        head, dot, rest = written.partition(".")
        bound = self._bound.get(head)
        return None if bound is None else bound + dot + rest


RULES = [BannedApiInProduction]
