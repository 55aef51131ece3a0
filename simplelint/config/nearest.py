"""Which settings apply to each file: the nearest config above it, as ruff resolves a hierarchy of configs.

Each config file is read (with the files it `extend`s) once, when the first folder under it is met; which
config a folder has is looked up once per folder. Everything is resolved by discovery, before any source
file is read, and the runner hands workers the resulting `Settings` as plain data.
"""

from __future__ import annotations

import os
from collections.abc import Container
from pathlib import Path
from typing import Callable, Optional, Union

from simplelint.config.settings import Settings

# The settings of a config file (None: the defaults).
Build = Callable[[Optional[Path]], Settings]
# A folder's own config file, if any, given the folder and (when listed) its entries' names.
Find = Callable[[str, Optional[Container[str]]], Optional[str]]


class Configs:
    """The settings of every config met, by folder. With `single` (`--config FILE`) or `isolated`, one
    config (or the defaults) applies to every file, as in ruff."""

    def __init__(
        self, build: Build, find: Find, default_root: Path, single: Optional[Path] = None, isolated: bool = False
    ) -> None:
        self._build = build
        self._find = find
        self.default_root = default_root
        self._fixed = single is not None or isolated
        self._single = single
        self._settings: dict[Optional[str], Settings] = {}
        self._owners: dict[str, Optional[str]] = {}  # folder -> its nearest config file (None: the defaults)
        self._by_folder: dict[str, Settings] = {}  # folder, as asked for -> its settings
        self._primary: Optional[Settings] = None

    @classmethod
    def one(cls, settings: Settings) -> Configs:
        """These settings for every file (what a caller holding one `Settings` means)."""
        configs = cls(lambda path: settings, lambda folder, names: None, Path(settings.root), isolated=True)
        configs.primary = settings
        return configs

    @classmethod
    def of(cls, settings: Union[Settings, Configs]) -> Configs:
        return settings if isinstance(settings, Configs) else cls.one(settings)

    @property
    def primary(self) -> Settings:
        """Run-wide choices (baseline file, report root, stdin's force-exclude) follow these settings."""
        if self._primary is None:
            self._primary = self.for_folder(os.getcwd())
        return self._primary

    @primary.setter
    def primary(self, settings: Settings) -> None:
        self._primary = settings

    def config_of(self, folder: str, names: Optional[Container[str]] = None) -> Optional[str]:
        """The config file that applies in `folder` (an absolute path): its own, else its parent's. Cached per
        folder, so a walk asks once per folder; `names` are the folder's entries when the caller has them."""
        if self._fixed:
            return str(self._single) if self._single is not None else None
        if folder in self._owners:
            return self._owners[folder]
        found = self._find(folder, names)
        if found is None:
            parent = os.path.dirname(folder)
            found = None if parent == folder else self.config_of(parent)
        self._owners[folder] = found
        return found

    def for_folder(self, folder: str, names: Optional[Container[str]] = None) -> Settings:
        """The settings for files directly in `folder` (raises ConfigError for a config that does not load).
        Remembered by the folder as given: a run asks for each of its files (a run keeps its current
        directory, and the language server gives absolute paths)."""
        settings = self._by_folder.get(folder)
        if settings is None:
            settings = self._of_config(self.config_of(os.path.abspath(folder), names))
            self._by_folder[folder] = settings
        return settings

    def _of_config(self, config: Optional[str]) -> Settings:
        settings = self._settings.get(config)
        if settings is None:
            # The first settings stored win: two threads (the language server's) building one config at
            # once still share one object, which `owns` and the runner's groups compare by identity.
            settings = self._settings.setdefault(config, self._build(Path(config) if config else None))
        return settings

    def mapped(self, change: Callable[[Settings], Settings]) -> Configs:
        """The same configs, each one's settings passed through `change` once (the files of one config still
        share one object), reading no config again: verify-imports' static run, with only SL401-SL403 on."""
        changed: dict[int, Settings] = {}

        def of(settings: Settings) -> Settings:
            if id(settings) not in changed:
                changed[id(settings)] = change(settings)
            return changed[id(settings)]

        def build(path: Optional[Path]) -> Settings:
            return of(self._of_config(str(path) if path is not None else None))

        other = Configs(build, self._find, self.default_root, self._single, self._fixed and self._single is None)
        other.primary = of(self.primary)
        return other

    def for_path(self, path: str) -> Settings:
        """The settings for one file, those of the folder it is in (stdin's `-` takes the current directory's)."""
        return self.for_folder(os.path.dirname(path) or ".")

    def owns(self, settings: Settings, path: str) -> bool:
        """Whether `path`'s nearest config is the one these settings come from, without reading configs: the
        project stage of one config reads no other project's files for facts."""
        if self._fixed:
            return True
        known = self._by_folder.get(os.path.dirname(path) or ".")
        if known is not None:
            return known is settings
        config = self.config_of(os.path.dirname(os.path.abspath(path)))
        return self._settings.get(config) is settings

    def all(self) -> list[Settings]:
        """Every settings resolved so far, by root."""
        found = {id(s): s for s in self._settings.values()}
        if self._primary is not None:
            found.setdefault(id(self._primary), self._primary)
        return sorted(found.values(), key=lambda s: str(s.root))
