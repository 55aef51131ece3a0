"""Read `[tool.simplelint]` strictly: an unknown key, a wrong type or an unknown code is an error."""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from simplelint import registry
from simplelint.config.pytest_config import find_pytest_config
from simplelint.config.settings import DEFAULT_EXCLUDE, Settings, glob_error
from simplelint.config.toml_lines import Path as KeyPath
from simplelint.config.toml_lines import line_of
from simplelint.ruleinfo import ARRAY_OF_TABLES, GLOB, MODULE, PATH, SELECTOR, TABLE_OF_STRINGS, Option
from simplelint.run.discovery import display_path
from simplelint.wording import article

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib


class ConfigError(Exception):
    pass


LIST = "list of strings"
STRING = "string"
BOOL = "boolean"
PER_FILE = "table of glob -> list of codes"


@dataclass(frozen=True)
class Kind:
    """What a key holds: its TOML type (as errors name it) and what its strings are."""

    type_name: str
    strings: str = ""
    minimum: Optional[int] = None
    alternative: str = ""  # a second type the value may take

    @classmethod
    def of(cls, option: Option) -> Kind:
        return cls(option.base_type, option.strings, option.minimum, option.alternative)


TOP_LEVEL_KEYS: Mapping[str, Kind] = {
    "select": Kind(LIST, SELECTOR),
    "extend-select": Kind(LIST, SELECTOR),
    "ignore": Kind(LIST, SELECTOR),
    "extend-ignore": Kind(LIST, SELECTOR),
    "per-file-ignores": Kind(PER_FILE, GLOB),
    "extend-per-file-ignores": Kind(PER_FILE, GLOB),
    "exclude": Kind(LIST, GLOB),
    "extend-exclude": Kind(LIST, GLOB),
    "force-exclude": Kind(BOOL),
    "respect-gitignore": Kind(BOOL),
    "src": Kind(LIST, PATH),
    "production": Kind(LIST, GLOB),
    "baseline": Kind(STRING, PATH),
    "coverage-file": Kind(STRING, PATH),
    "cache-dir": Kind(STRING, PATH),
}


@dataclass
class RawConfig:
    """The `[tool.simplelint]` table and where it came from."""

    data: dict[str, Any] = field(default_factory=dict)
    path: Optional[Path] = None
    text: str = ""
    # The table's own key path in the document: ("tool", "simplelint") in a pyproject.toml.
    root: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        if self.path is not None:
            return display_path(str(self.path))
        return f"--config {self.text!r}" if self.text else "the command line"

    def where(self, *keys: Union[str, int]) -> str:
        """`file:line` of a key of the table (a `--config` override is one line: no line number)."""
        line = line_of(self.text, self.root + keys) if self.path is not None else None
        return f"{self.origin}:{line}" if line else self.origin


def find_config(start: Path) -> Optional[Path]:
    """Nearest `simplelint.toml`, `.simplelint.toml` or `pyproject.toml` with `[tool.simplelint]`."""
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in (".simplelint.toml", "simplelint.toml"):
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        data = pyproject.read_bytes()
    except OSError:
        return True  # read_config says why it cannot be read, rather than a parent's config applying silently
    try:
        tool = tomllib.loads(data.decode("utf-8")).get("tool", {})
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return b"[tool.simplelint" in data
    # A `tool` that is not a table is malformed, and said so by read_config rather than passed over.
    return not isinstance(tool, dict) or "simplelint" in tool


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{display_path(str(path))}: cannot read config: {error}") from None


def _load_toml(path: Path, text: Optional[str] = None) -> dict[str, Any]:
    try:
        return tomllib.loads(_read_text(path) if text is None else text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{display_path(str(path))}: invalid TOML: {error}") from None


def read_config(path: Path) -> RawConfig:
    text = _read_text(path)
    data = _load_toml(path, text)
    if path.name != "pyproject.toml":
        return RawConfig(data, path, text)
    document = RawConfig(data, path, text)
    tool = data.get("tool", {})
    _expect_table(document, ("tool",), tool, "tool")
    table = tool.get("simplelint", {})
    _expect_table(document, ("tool", "simplelint"), table, "tool.simplelint")
    return RawConfig(table, path, text, ("tool", "simplelint"))


def parse_inline(text: str) -> RawConfig:
    """`--config "select=['SL1']"`: a TOML fragment that overrides the config file, as in ruff."""
    try:
        return RawConfig(tomllib.loads(text), None, text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"--config {text!r} is neither a file nor a valid TOML 'key = value': {error}") from None


def _expect_table(raw: RawConfig, keys: tuple[str, ...], value: Any, name: str) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{raw.where(*keys)}: [{name}] must be a table, got {_shown(value)}.")


def _shown(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "an array of tables"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_key(raw: RawConfig, keys: KeyPath, allowed: Sequence[str], table: str) -> ConfigError:
    key = str(keys[-1])
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    valid = f"Valid keys: {', '.join(sorted(allowed))}." if allowed else "This table has no keys yet."
    return ConfigError(f"{raw.where(*keys)}: unknown key `{key}` in {table}.{hint} {valid}")


def _check_value(raw: RawConfig, table: str, keys: KeyPath, value: Any, kind: Kind) -> None:
    """The value's type, then each of its strings (for a per-file table: its globs, then its selectors).

    `table` names where the key is, as errors say it: `[tool.simplelint]`, or a contract of a table.
    """
    _check_type(raw, table, keys, value, kind)
    strings = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, dict)) else []
    if kind.strings == SELECTOR:
        _check_selectors(raw, keys, strings, f"in '{keys[-1]}'")
    for text in strings:
        problem = string_problem(kind.strings, text)
        if problem:
            where = f"{raw.where(*keys)}: `{keys[-1]}` in {table}"
            raise ConfigError(f"{where} has an invalid {kind.strings} {text!r}: {problem}.")
    if kind.minimum is not None and value < kind.minimum:
        where = f"{raw.where(*keys)}: `{keys[-1]}` in {table}"
        raise ConfigError(f"{where} must be an integer >= {kind.minimum}, got {value}.")
    if kind.type_name == PER_FILE:
        for pattern, selectors in value.items():
            _check_selectors(raw, (*keys, pattern), selectors, f"in '{keys[-1]}' for {pattern!r}")


def _check_tables(raw: RawConfig, table: str, keys: KeyPath, value: list[dict[str, Any]], option: Option) -> None:
    """Each table of an array of tables (the contracts): its keys are declared as options of their own."""
    for index, item in enumerate(value):
        name = item.get("name")
        label = f"{keys[-1]} #{index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")
        within = f"[{label}] of {table}"
        for key, item_value in item.items():
            declared = option.items.get(key)
            if declared is None:
                raise _unknown_key(raw, (*keys, index, key), list(option.items), within)
            _check_value(raw, within, (*keys, index, key), item_value, Kind.of(declared))
        missing = [key for key, declared in option.items.items() if declared.required and key not in item]
        if missing:
            raise ConfigError(f"{raw.where(*keys, index)}: [{label}] of {table} has no `{missing[0]}`.")


def _check_selectors(raw: RawConfig, keys: KeyPath, selectors: Sequence[str], context: str) -> None:
    try:
        registry.validate(selectors, context)
    except registry.UnknownSelector as error:
        raise ConfigError(f"{raw.where(*keys)}: {error}") from None


def string_problem(kind: str, text: str) -> Optional[str]:
    """Why `text` is not a valid `kind` (GLOB, PATH, MODULE), or None: caught here rather than when files are
    walked."""
    if kind == GLOB and glob_error(text):
        return "not a gitignore-style pattern"
    if kind == PATH and "\0" in text:
        return "a path cannot hold a NUL character"
    if kind == MODULE and not all(part.isidentifier() for part in text.split(".")):
        return "names are identifiers joined by dots, e.g. `pandas` or `pandas.read_csv`"
    return None


def _is(expected: str, value: Any) -> bool:
    """Whether `value` has the type an option declares (by its name, as errors show it)."""
    if expected == LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == TABLE_OF_STRINGS:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if expected == ARRAY_OF_TABLES:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    if expected == PER_FILE:
        return isinstance(value, dict) and all(_is(LIST, v) for v in value.values())
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, {STRING: str, BOOL: bool}.get(expected, type(None)))


def _check_type(raw: RawConfig, table: str, keys: KeyPath, value: Any, kind: Kind) -> None:
    if not (_is(kind.type_name, value) or (kind.alternative and _is(kind.alternative, value))):
        expected = article(kind.type_name) + (f" or {article(kind.alternative)}" if kind.alternative else "")
        raise ConfigError(f"{raw.where(*keys)}: `{keys[-1]}` in {table} must be {expected}, got {_shown(value)}.")


def validate(raw: RawConfig) -> None:
    tables = registry.table_options()
    for key, value in raw.data.items():
        if key in TOP_LEVEL_KEYS:
            _check_value(raw, "[tool.simplelint]", (key,), value, TOP_LEVEL_KEYS[key])
        elif key in tables:
            _validate_table(raw, key, value, tables[key])
        else:
            raise _unknown_key(raw, (key,), [*TOP_LEVEL_KEYS, *tables], "[tool.simplelint]")


def _validate_table(raw: RawConfig, key: str, value: Any, options: Mapping[str, Option]) -> None:
    table = f"tool.simplelint.{key}"
    _expect_table(raw, (key,), value, table)
    for name, option_value in value.items():
        option = options.get(name)
        if option is None:
            raise _unknown_key(raw, (key, name), list(options), f"[{table}]")
        _check_value(raw, f"[{table}]", (key, name), option_value, Kind.of(option))
        if option.items:
            _check_tables(raw, f"[{table}]", (key, name), option_value, option)


@dataclass
class CliOverrides:
    select: Optional[Sequence[str]] = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    per_file_ignores: Sequence[str] = ()
    config: Sequence[str] = ()
    isolated: bool = False
    force_exclude: bool = False
    cache_dir: Optional[str] = None
    coverage_file: Optional[str] = None
    baseline: Optional[str] = None
    compute_edits: bool = False


def load_settings(paths: Sequence[str], cli: CliOverrides, default_root: Optional[Path] = None) -> Settings:
    """Resolve config once: file (nearest or --config), then inline --config overrides, then CLI flags.

    Without a config file, paths are relative to `default_root` (the language server's workspace folder),
    else to the current directory."""
    inline = [parse_inline(c) for c in cli.config if not os.path.isfile(c)]
    raw = _config_file(paths, cli)
    for config in (raw, *inline):
        validate(config)
    flags = {"select": cli.select or (), "extend-select": cli.extend_select, "ignore": cli.ignore}
    for name, selectors in flags.items():
        registry.validate(selectors, f"in '{name}' from the CLI")
    root = raw.path.parent if raw.path else (default_root or Path.cwd()).resolve()
    data = dict(raw.data)
    for extra in inline:
        # `--config "type-hints.x = true"` sets one option of the table, as ruff's does, not the whole table.
        for key, value in extra.data.items():
            table = data.get(key)
            data[key] = {**table, **value} if isinstance(table, dict) and isinstance(value, dict) else value
    return _build(raw, data, root, cli)


def _config_file(paths: Sequence[str], cli: CliOverrides) -> RawConfig:
    """The last `--config FILE`, else (unless --isolated) the nearest config above the first path."""
    file_configs = [c for c in cli.config if os.path.isfile(c)]
    if file_configs:
        return read_config(Path(file_configs[-1]).resolve())
    if cli.isolated:
        return RawConfig()
    start = Path(paths[0] if paths and paths[0] != "-" else ".").resolve()
    found = find_config(start if start.exists() else Path.cwd())
    return read_config(found) if found else RawConfig()


def _build(raw: RawConfig, data: dict[str, Any], root: Path, cli: CliOverrides) -> Settings:
    layers = [
        registry.SelectionLayer(
            data.get("select"),
            data.get("extend-select", []),
            [*data.get("ignore", []), *data.get("extend-ignore", [])],
        ),
        registry.SelectionLayer(cli.select, cli.extend_select, cli.ignore),
    ]
    enabled = registry.resolve(layers)
    per_file: dict[str, list[str]] = {**data.get("per-file-ignores", {}), **data.get("extend-per-file-ignores", {})}
    for item in cli.per_file_ignores:
        pattern, _, listed = item.partition(":")
        problem = string_problem(GLOB, pattern)
        if problem:
            raise ConfigError(f"--per-file-ignores {item!r}: invalid glob {pattern!r}: {problem}")
        per_file[pattern] = [c for c in re.split(r"[,\s]+", listed) if c]
        registry.validate(per_file[pattern], f"in 'per-file-ignores' for {pattern!r} from the CLI")
    ignores: list[tuple[str, frozenset[str]]] = []
    for pattern, selectors in per_file.items():
        codes = frozenset().union(*(registry.expand(s) for s in selectors)) if selectors else frozenset()
        ignores.append((pattern, codes))
    options = {
        table: {name: option.default for name, option in table_options.items()}
        for table, table_options in registry.table_options().items()
    }
    for table, values in options.items():
        values.update(data.get(table, {}))
    src = [root / s for s in data.get("src", [".", "src"])]

    def path_of(key: str, cli_value: Optional[str]) -> Optional[Path]:
        if cli_value:
            return Path(cli_value).resolve()
        return root / data[key] if key in data else None

    return Settings(
        root=root,
        enabled=enabled,
        per_file_ignores=tuple(ignores),
        exclude=tuple(data.get("exclude", DEFAULT_EXCLUDE)),
        extend_exclude=tuple(data.get("extend-exclude", ())),
        force_exclude=cli.force_exclude or data.get("force-exclude", False),
        respect_gitignore=data.get("respect-gitignore", True),
        src=tuple(src),
        production=tuple(data.get("production", ())),
        options=options,
        cache_dir=path_of("cache-dir", cli.cache_dir) or root / ".simplelint_cache",
        coverage_file=path_of("coverage-file", cli.coverage_file),
        baseline=path_of("baseline", cli.baseline),
        compute_edits=cli.compute_edits,
        pytest=find_pytest_config(root),
    )
