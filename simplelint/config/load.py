"""Read `[tool.simplelint]` strictly: an unknown key, a wrong type or an unknown code is an error."""

from __future__ import annotations

import difflib
import fnmatch
import math
import os
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from simplelint import registry
from simplelint.config.pytest_config import find_pytest_config
from simplelint.config.settings import DEFAULT_EXCLUDE, Goal, Settings, glob_error
from simplelint.config.toml import tomllib
from simplelint.config.toml_lines import Path as KeyPath
from simplelint.config.toml_lines import line_of
from simplelint.ruleinfo import ARRAY_OF_TABLES, GLOB, MODULE, PATH, SELECTOR, TABLE_OF_STRINGS, Option
from simplelint.run.discovery import display_path
from simplelint.wording import article

if TYPE_CHECKING:
    from simplelint.config.nearest import Configs


class ConfigError(Exception):
    pass


# The names a folder's config file can have, the first found winning.
CONFIG_NAMES = (".simplelint.toml", "simplelint.toml", "pyproject.toml")


LIST = "list of strings"
STRING = "string"
BOOL = "boolean"
PER_FILE = "table of glob -> list of codes"
SEVERITY = 'table of selector -> "error" or "warning"'
LEVELS = ("error", "warning")


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
    "extend-include": Kind(LIST, GLOB),
    "force-exclude": Kind(BOOL),
    "respect-gitignore": Kind(BOOL),
    "src": Kind(LIST, PATH),
    "production": Kind(LIST, GLOB),
    "baseline": Kind(STRING, PATH),
    "coverage-file": Kind(STRING, PATH),
    "cache-dir": Kind(STRING, PATH),
    # Another config file this one inherits (resolved against this file's folder), as ruff's `extend`.
    "extend": Kind(STRING, PATH),
    "severity": Kind(SEVERITY, SELECTOR),
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


def config_in(folder: str, names: Optional[Container[str]] = None) -> Optional[str]:
    """The config file of this folder itself, if any: `.simplelint.toml`, then `simplelint.toml`, then a
    `pyproject.toml` with a `[tool.simplelint]` table (as ruff prefers `.ruff.toml`, `ruff.toml`). `names`: the
    folder's entries when the caller listed them (a walk does), saving a look at the disk for each name."""
    for name in CONFIG_NAMES if names is None else [n for n in CONFIG_NAMES if n in names]:
        candidate = os.path.join(folder, name)
        if (names is not None or os.path.isfile(candidate)) and (
            name != "pyproject.toml" or _has_table(Path(candidate))
        ):
            return candidate
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
    if kind.type_name == SEVERITY:
        _check_severity(raw, keys, value)
        return
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


def _check_severity(raw: RawConfig, keys: KeyPath, value: dict[str, str]) -> None:
    """`[tool.simplelint.severity]`: each key a selector, each value a level; errors at the key's own line."""
    for selector, level in value.items():
        _check_selectors(raw, (*keys, selector), [selector], f"in '{keys[-1]}'")
        if level not in LEVELS:
            where = f"{raw.where(*keys, selector)}: `{selector}` in [tool.simplelint.{keys[-1]}]"
            raise ConfigError(f'{where} must be "error" or "warning", got {_shown(level)}.')


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
    if expected in (TABLE_OF_STRINGS, SEVERITY):
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


GATES_TABLE = "gates"


def validate(raw: RawConfig) -> None:
    tables = registry.table_options()
    for key, value in raw.data.items():
        if key in TOP_LEVEL_KEYS:
            _check_value(raw, "[tool.simplelint]", (key,), value, TOP_LEVEL_KEYS[key])
        elif key in tables:
            _validate_table(raw, key, value, tables[key])
        elif key == GATES_TABLE:
            _validate_gates(raw, value)
        else:
            raise _unknown_key(raw, (key,), [*TOP_LEVEL_KEYS, *tables, GATES_TABLE], "[tool.simplelint]")


def _validate_gates(raw: RawConfig, value: Any) -> None:
    """`[tool.simplelint.gates]`: each key a number, a share from 0 to 100 or an average from 0."""
    from simplelint.adoption.gates import GATES

    table = f"tool.simplelint.{GATES_TABLE}"
    _expect_table(raw, (GATES_TABLE,), value, table)
    for key, goal in value.items():
        if key not in GATES:
            raise _unknown_key(raw, (GATES_TABLE, key), list(GATES), f"[{table}]")
        where = f"{raw.where(GATES_TABLE, key)}: `{key}` in [{table}]"
        if not isinstance(goal, (int, float)) or isinstance(goal, bool) or math.isnan(goal):
            raise ConfigError(f"{where} must be a number, got {_shown(goal)}.")
        largest = GATES[key][1]
        if goal < 0 or (largest is not None and goal > largest):
            bounds = f"from 0 to {largest:g} (a percentage)" if largest is not None else "from 0"
            raise ConfigError(f"{where} must be a number {bounds}, got {goal}.")


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
    # Fact collectors every file runs (the HTML report's), as Settings.collectors.
    collectors: tuple[str, ...] = ()


def load_settings(paths: Sequence[str], cli: CliOverrides, default_root: Optional[Path] = None) -> Settings:
    """The settings of the folder the paths share (`load_configs(...).primary`): what a run with one config
    for every file uses, and what the language server and scripts ask for."""
    return load_configs(paths, cli, default_root).primary


def load_configs(paths: Sequence[str], cli: CliOverrides, default_root: Optional[Path] = None) -> Configs:
    """Which settings apply to each file: the nearest config above it (as ruff), or, with `--config FILE` or
    `--isolated`, one for every file. `primary` (run-wide choices: the baseline, the report's root) is the
    config of the folder all `paths` share, so it never depends on their order.

    Without a config file, paths are relative to `default_root` (the language server's workspace folder),
    else to the current directory."""
    from simplelint.config.nearest import Configs

    inline = [parse_inline(c) for c in cli.config if not os.path.isfile(c)]
    for config in inline:
        validate(config)
        if "extend" in config.data:
            raise ConfigError(f"{config.origin}: `extend` can only be given in a config file")
    flags = {"select": cli.select or (), "extend-select": cli.extend_select, "ignore": cli.ignore}
    for name, selectors in flags.items():
        registry.validate(selectors, f"in '{name}' from the CLI")
    default = (default_root or Path.cwd()).resolve()
    file_configs = [c for c in cli.config if os.path.isfile(c)]
    single: Optional[Path] = None
    if file_configs:
        single = Path(file_configs[-1]).resolve()
    # A config file given by `--config` roots its relative paths (every file of its `extend` chain) at the
    # current directory, as ruff's do; a config found near a file roots them at its own folder.
    configs = Configs(
        lambda path: settings_of(path, cli, inline, default, fixed_root=single is not None),
        config_in, default, single, cli.isolated,
    )  # fmt: skip
    configs.primary = configs.for_folder(_shared_folder(paths))
    return configs


def _shared_folder(paths: Sequence[str]) -> str:
    """The deepest existing folder holding every path (the current directory for none, or stdin's `-`)."""
    given = [os.path.abspath(p) for p in paths if p != "-"]
    if not given:
        return os.getcwd()
    folder = os.path.commonpath(given)
    while not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.getcwd()
        folder = parent
    return folder


def settings_of(
    path: Optional[Path],
    cli: CliOverrides,
    inline: Sequence[RawConfig],
    default_root: Path,
    fixed_root: bool = False,
) -> Settings:
    """The settings of one config file (and the files it extends), then inline --config overrides, then CLI
    flags; the defaults (rooted at `default_root`) for None. `fixed_root` (a file given by `--config`): the
    paths and globs of every file of the chain are relative to `default_root`, not to their own folders."""
    chain = load_chain(path) if path is not None else [RawConfig()]
    root = path.parent if path is not None and not fixed_root else default_root
    datas = [dict(raw.data) if fixed_root else _rebased(raw, root) for raw in chain]
    data = _merged(datas)
    for extra in inline:
        # `--config "type-hints.x = true"` sets one option of the table, as ruff's does, not the whole table.
        for key, value in extra.data.items():
            table = data.get(key)
            data[key] = {**table, **value} if isinstance(table, dict) and isinstance(value, dict) else value
    # Each file of the chain selects as a layer of its own (as ruff combines `extend`ed selections); the inline
    # overrides belong to the last.
    layers = [_selection(d) for d in datas[:-1]] + [_selection({**datas[-1], **_selection_keys(inline)})]
    settings = _build(chain[-1], data, root, cli, layers)
    settings.sources = tuple(raw.path for raw in reversed(chain) if raw.path is not None)
    return settings


_SELECTION_KEYS = ("select", "extend-select", "ignore", "extend-ignore")


def _selection_keys(inline: Sequence[RawConfig]) -> dict[str, Any]:
    return {key: value for raw in inline for key, value in raw.data.items() if key in _SELECTION_KEYS}


def _selection(data: Mapping[str, Any]) -> registry.SelectionLayer:
    ignore = [*data.get("ignore", []), *data.get("extend-ignore", [])]
    return registry.SelectionLayer(data.get("select"), data.get("extend-select", []), ignore)


def load_chain(path: Path) -> list[RawConfig]:
    """The config file and those it `extend`s, the furthest first; each validated. A cycle or a missing file
    is an error naming the file and line of the `extend` at fault."""
    chain: list[RawConfig] = []
    current: Optional[Path] = path
    while current is not None:
        raw = read_config(current)
        validate(raw)
        chain.append(raw)
        named = raw.data.get("extend")
        if named is None:
            break
        target = Path(os.path.normpath(current.parent / os.path.expanduser(named)))
        seen = [c.path for c in chain]
        if target in seen:
            loop = " -> ".join(display_path(str(p)) for p in [*seen[seen.index(target) :], target])
            raise ConfigError(f"{raw.where('extend')}: `extend` makes a cycle: {loop}")
        if not target.is_file():
            raise ConfigError(f"{raw.where('extend')}: `extend` names {named!r}, which does not exist ({target})")
        current = target
    return chain[::-1]


def _merged(datas: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The chain's tables, the nearest file's keys winning (a rule family's table key by key); `extend-*`
    lists and tables add up, as ruff's do."""
    data: dict[str, Any] = {}
    for layer in datas:
        for key, value in layer.items():
            before = data.get(key)
            if key == "extend-exclude" and isinstance(before, list):
                data[key] = [*before, *value]
            elif isinstance(before, dict) and isinstance(value, dict) and key != "per-file-ignores":
                data[key] = {**before, **value}
            else:
                data[key] = value
    data.pop("extend", None)
    return data


def _rebased(raw: RawConfig, root: Path) -> dict[str, Any]:
    """The table of a file of the chain, its globs and paths made relative to `root` (the folder of the config
    that applies) rather than to its own folder."""
    if raw.path is None or raw.path.parent == root:
        return dict(raw.data)
    folder = raw.path.parent
    tables = registry.table_options()
    data: dict[str, Any] = {}
    for key, value in raw.data.items():
        if key in TOP_LEVEL_KEYS:
            rebased = _rebase_value(value, TOP_LEVEL_KEYS[key], folder, root)
            if key in ("per-file-ignores", "extend-per-file-ignores"):
                moved = {_rebase_glob(pattern, folder, root): codes for pattern, codes in value.items()}
                rebased = {pattern: codes for pattern, codes in moved.items() if pattern is not None}
            data[key] = rebased
        elif key in tables and isinstance(value, dict):
            options = tables[key]
            data[key] = {name: _rebase_option(item, options.get(name), folder, root) for name, item in value.items()}
        else:
            data[key] = value
    return data


def _rebase_option(value: Any, option: Optional[Option], folder: Path, root: Path) -> Any:
    if option is None:
        return value
    if option.items and isinstance(value, list):
        return [
            {k: _rebase_option(v, option.items.get(k), folder, root) for k, v in item.items()} for item in value
        ]
    return _rebase_value(value, Kind.of(option), folder, root)


def _rebase_value(value: Any, kind: Kind, folder: Path, root: Path) -> Any:
    if kind.strings == PATH and isinstance(value, str):
        return str(folder / value)
    if kind.strings == PATH and isinstance(value, list):
        return [str(folder / v) for v in value]
    if kind.strings == GLOB and isinstance(value, list):
        return [p for p in (_rebase_glob(v, folder, root) for v in value) if p is not None]
    return value


def _rebase_glob(pattern: str, folder: Path, root: Path) -> Optional[str]:
    """A gitignore-style pattern written relative to `folder`, relative to `root` instead; None when it can
    match nothing under `root`. Patterns without an inner slash (`build`, `*.pyi`) match at any depth: kept."""
    prefix, body = ("!", pattern[1:]) if pattern.startswith("!") else ("", pattern)
    if "/" not in body.rstrip("/") or body.startswith("**/"):
        return pattern
    body = body.lstrip("/")
    if _inside(folder, root):
        below = os.path.relpath(folder, root).replace(os.sep, "/")
        return prefix + "/" + re.sub(r"([*?\[\]!\\])", r"\\\1", below) + "/" + body
    rest = _below(body.split("/"), os.path.relpath(root, folder).split(os.sep)) if _inside(root, folder) else None
    return prefix + rest if rest else None


def _below(parts: list[str], steps: list[str]) -> Optional[str]:
    """What is left of an anchored pattern's `parts` once they matched the folders `steps` down (anchored
    again), or None when they cannot lead there or name those folders themselves."""
    for step in steps:
        if parts and parts[0] == "**":
            return "/".join(parts)
        if not parts or not fnmatch.fnmatchcase(step, parts[0]):
            return None
        parts = parts[1:]
    rest = "/".join(parts)
    return "/" + rest if rest.strip("/") else None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _build(
    raw: RawConfig,
    data: dict[str, Any],
    root: Path,
    cli: CliOverrides,
    layers: Optional[Sequence[registry.SelectionLayer]] = None,
) -> Settings:
    """`layers`: the config's selections (one per file of an `extend` chain), before the command line's."""
    layers = [*(layers if layers is not None else [_selection(data)])]
    layers.append(registry.SelectionLayer(cli.select, cli.extend_select, cli.ignore))
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

    settings = Settings(
        root=root,
        enabled=enabled,
        per_file_ignores=tuple(ignores),
        exclude=tuple(data.get("exclude", DEFAULT_EXCLUDE)),
        extend_exclude=tuple(data.get("extend-exclude", ())),
        extend_include=tuple(data.get("extend-include", ())),
        force_exclude=cli.force_exclude or data.get("force-exclude", False),
        respect_gitignore=data.get("respect-gitignore", True),
        src=tuple(src),
        production=tuple(data.get("production", ())),
        options=options,
        cache_dir=path_of("cache-dir", cli.cache_dir) or root / ".simplelint_cache",
        coverage_file=path_of("coverage-file", cli.coverage_file),
        baseline=path_of("baseline", cli.baseline),
        compute_edits=cli.compute_edits,
        collectors=cli.collectors,
        gates=_goals(raw, data.get(GATES_TABLE, {})),
        warning_codes=registry.warning_codes(data.get("severity", {})),
        pytest=find_pytest_config(root),
    )
    if settings.gates:
        from simplelint.adoption.gates import collectors

        settings.collectors = collectors(settings)
    return settings


def _goals(raw: RawConfig, table: Mapping[str, float]) -> tuple[Goal, ...]:
    """The gates in the order of GATES, each at its key's line in the config file (a `--config` override: the
    file's gates table or first line; `--config` itself without a file)."""
    from simplelint.adoption.gates import GATES

    goals = []
    for key in GATES:
        if key not in table:
            continue
        line = None
        if raw.path is not None:
            line = line_of(raw.text, (*raw.root, GATES_TABLE, key)) or line_of(raw.text, (*raw.root, GATES_TABLE))
        goals.append(Goal(key, float(table[key]), raw.origin if raw.path is not None else "--config", line or 1))
    return tuple(goals)
