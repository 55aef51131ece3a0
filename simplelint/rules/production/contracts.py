"""What the SL4 rules check: the `banned` option (a list, or a table of name -> message), `allow`, and the
contracts of `[tool.simplelint.production-imports]`. No LibCST here: project rules join with it in a warm run.

The table's own `banned` and `allow` are the default contract, for production files (the `production` globs
and the `# simplelint: production` marker); each `[[...contracts]]` table adds one for the files its
`modules` globs match, reported under its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Union
from collections.abc import Mapping, Sequence

from simplelint.ruleinfo import GLOB, MODULE, PATH, TABLE_OF_STRINGS, Option
from simplelint.config.settings import Settings

if TYPE_CHECKING:
    from simplelint.rules.production.graph import ResolvedImport

TABLE = "production-imports"
ADVICE = {"pandas": "do transforms in SQL or DuckDB, or use Polars or PyArrow"}

BANNED = Option(
    ["pandas"],
    "Modules production code must not import, with their submodules: `pandas` bans `pandas.io` but not "
    "`pandas_gbq`. Project modules may be listed too. An entry naming something inside a module "
    "(`pandas.read_csv`, `numpy.matrix`, `os.system`) also bans its use through any alias (SL404). As a "
    "table, each entry maps to the message shown: `{ pandas = \"move the transform into SQL\" }`.",
    strings=MODULE,
    alternative=TABLE_OF_STRINGS,
)
ALLOW = Option(
    [],
    "Modules exempt from `banned` (with their submodules): importing them is never flagged, and chains are not "
    "followed through them, e.g. `shop.training.schemas` under a banned `shop.training`.",
    strings=MODULE,
)
CONTRACTS = Option(
    [],
    "More rules, as `[[tool.simplelint.production-imports.contracts]]` tables, each reported under its name.",
    items={
        "name": Option("", "Shown in each finding: `contract 'serving-not-training': ...`.", required=True),
        "modules": Option([], "Globs (like `production`) of the files the contract applies to.", GLOB, required=True),
        "banned": Option([], "As the table's `banned`.", MODULE, alternative=TABLE_OF_STRINGS, required=True),
        "allow": Option([], "As the table's `allow`.", MODULE),
    },
)
PYTHON = Option(
    "",
    "The interpreter whose installed packages SL403 reads and `verify-imports` runs, e.g. `.venv/bin/python` "
    "(relative to the config file); empty: the one running simplelint.",
    strings=PATH,
)
OPTIONS = {"banned": BANNED, "allow": ALLOW, "contracts": CONTRACTS}
NO_PRODUCTION_NOTE = (
    "no checked file is production code, so the SL4 rules found nothing to check; mark files with "
    "`production = [globs]` in [tool.simplelint] or a `# simplelint: production` comment"
)


def banned_root(name: str, banned: Sequence[str]) -> Optional[str]:
    """The entry of `banned` that covers module `name`, by whole dotted components."""
    return next((entry for entry in banned if name == entry or name.startswith(entry + ".")), None)


class Banned:
    """One contract's `banned` and `allow`; cheap for the many imports it does not cover, decided on the
    top-level name."""

    def __init__(self, entries: Union[Sequence[str], Mapping[str, str]], allow: Sequence[str] = ()) -> None:
        self.messages = dict(entries) if isinstance(entries, Mapping) else dict.fromkeys(entries, "")
        self.entries = list(self.messages)
        self.allow = list(allow)
        self._tops = {entry.partition(".")[0] for entry in self.entries}
        # Entries that are top-level modules: what an installed package can require (SL403).
        self.modules = [entry for entry in self.entries if "." not in entry]
        # Entries naming something inside a module, whose uses SL404 flags.
        self.attributes = {entry for entry in self.entries if "." in entry}

    def covers(self, name: str) -> Optional[str]:
        """The entry that bans module (or dotted name) `name`, unless `allow` exempts it."""
        if name.partition(".")[0] not in self._tops or self.allowed(name):
            return None
        return banned_root(name, self.entries)

    def allowed(self, name: str) -> bool:
        return banned_root(name, self.allow) is not None

    def root(self, name: str) -> str:
        return banned_root(name, self.entries) or name

    def brought_in(self, kind: str, names: Sequence[str], base: Optional[str]) -> Optional[str]:
        """The banned module an import of `base` brings in (it, or a name a from-import takes), if any."""
        if not base or base.partition(".")[0] not in self._tops:
            return None
        taken = [f"{base}.{n}" for n in names if n != "*"] if kind == "from" else []
        return next((name for name in (base, *taken) if self.covers(name)), None)

    def resolved(self, found: ResolvedImport) -> Optional[str]:
        return self.brought_in(found.fact["kind"], found.fact["names"], found.base)


@dataclass(frozen=True)
class Contract:
    """Files (production code, or a contract's `modules` globs) and what they may not import."""

    name: str  # "" for the default contract
    modules: tuple[str, ...]
    banned: Banned

    @property
    def subject(self) -> str:
        """How a finding starts: `Production code imports ...`, `contract 'x': imports ...`."""
        return f"contract {self.name!r}:" if self.name else "Production code"

    def identity(self, subject: str) -> str:
        """A finding's identity (baseline, fingerprints): a contract's name keeps its findings apart from
        another contract's at the same statement."""
        return f"{self.name}: {subject}" if self.name else subject

    def advice(self, root: str) -> str:
        """The configured message for a banned entry, or the default one."""
        message = self.banned.messages.get(root) or ADVICE.get(root)
        if message:
            return message
        where = f"contract {self.name!r}" if self.name else f"[tool.simplelint.{TABLE}]"
        return f"`{root}` is listed in `banned` of {where}"

    def applies_to(self, settings: Settings, path: str, is_production: bool) -> bool:
        return settings.matches(self.modules, path) if self.name else is_production


def contracts(table: Mapping[str, Any]) -> list[Contract]:
    """The default contract, then the configured ones, from the table's values (defaults filled in)."""
    key = id(table)
    if key not in _parsed:  # once per table: per-file rules ask in every file
        found = [Contract("", (), Banned(table.get("banned", BANNED.default), table.get("allow", ())))]
        for item in table.get("contracts", ()):
            banned = Banned(item["banned"], item.get("allow", ()))
            found.append(Contract(item["name"], tuple(item["modules"]), banned))
        _parsed[key] = (table, found)  # the entry keeps the table alive, so its id cannot be reused
    return _parsed[key][1]


_parsed: dict[int, tuple[Mapping[str, Any], list[Contract]]] = {}


def contracts_for(settings: Settings, path: str, is_production: bool) -> list[Contract]:
    """The contracts a file is under."""
    every = contracts(settings.options.get(TABLE, {}))
    return [contract for contract in every if contract.applies_to(settings, path, is_production)]


def note(files: Sequence[Any]) -> str:
    """NO_PRODUCTION_NOTE when no checked file is production code (`files`: `FileFacts`)."""
    return "" if any(file.is_production for file in files) else NO_PRODUCTION_NOTE
