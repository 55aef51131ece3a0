"""Find the Python files to check: default and configured excludes, `.gitignore`, symlink loops."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

from simplelint.config.settings import Settings, glob_error

if TYPE_CHECKING:
    import pathspec  # imported where a .gitignore is read

    from simplelint.config.nearest import Configs

# Notebooks are found too, as ruff finds them; `extend-include` globs add more files (e.g. "*.pyw").
PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")


class DiscoveryError(Exception):
    pass


@dataclass
class _GitIgnore:
    base: str
    spec: pathspec.GitIgnoreSpec

    def ignores(self, path: str, is_dir: bool) -> bool:
        rel = os.path.relpath(path, self.base).replace(os.sep, "/")
        if rel.startswith(".."):
            return False
        return bool(self.spec.match_file(rel + "/" if is_dir else rel))


def display_path(path: str) -> str:
    """Paths are shown relative to the current directory, as ruff shows them."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, os.getcwd())
    return absolute if rel.startswith("..") else rel


@dataclass
class Said:
    """What discovery tells the user: warnings (always shown) and notes (under --verbose)."""

    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _load_gitignore(folder: str, said: Optional[Said] = None) -> Optional[_GitIgnore]:
    import pathspec

    path = os.path.join(folder, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    try:
        return _GitIgnore(folder, pathspec.GitIgnoreSpec.from_lines(lines))
    except (ValueError, re.error):  # pathspec's GitIgnorePatternError, a bad range: git skips such a line
        valid = [line for line in lines if glob_error(line) is None]
        if said is not None:
            said.notes.extend(
                f"{display_path(path)}:{number}: invalid pattern {line!r} skipped, as git skips it"
                for number, line in enumerate(lines, 1)
                if glob_error(line) is not None
            )
        return _GitIgnore(folder, pathspec.GitIgnoreSpec.from_lines(valid))


def _ancestor_gitignores(folder: str, said: Optional[Said] = None) -> list[_GitIgnore]:
    """`.gitignore` files above the start folder, up to the repository's top."""
    found: list[_GitIgnore] = []
    current = Path(os.path.abspath(folder))
    for parent in current.parents:
        ignore = _load_gitignore(str(parent), said)
        if ignore:
            found.append(ignore)
        if (parent / ".git").exists():
            return found
    return []  # not inside a git repository: ignore files above the start folder do not apply


# Walks remembered while `remembered()` is open: (paths, id of the settings) -> files found.
_memos: list[dict[tuple[tuple[str, ...], int], list[str]]] = []


@contextmanager
def remembered() -> Iterator[None]:
    """Within it, `discover` walks each folder once for the same settings: the project rules that read the
    whole project for facts (SL301, SL501, SL502, SL503) all ask for the same walk."""
    _memos.append({})
    try:
        yield
    finally:
        _memos.pop()


def discover(paths: Sequence[str], settings: Union[Settings, Configs], said: Optional[Said] = None) -> list[str]:
    """Files to check, de-duplicated and sorted; a named file is kept unless --force-exclude drops it.

    With `Configs`, each folder's entries are judged by the settings of that folder's nearest config (a nested
    config's excludes apply below it, as in ruff); the configs met are read as their folders are reached.

    What the walk had to pass over (an unreadable folder, a broken symlink, a folder with no Python file)
    is added to `said.warnings`: skipped silently, it would read as checked and clean; invalid `.gitignore`
    lines, skipped as git skips them, to `said.notes`.
    """
    key = (tuple(paths), id(settings))
    if _memos and said is None and key in _memos[-1]:
        return list(_memos[-1][key])
    found = _discover(paths, settings, Said() if said is None else said)
    if _memos and said is None:
        _memos[-1][key] = list(found)
    return found


def _discover(paths: Sequence[str], settings: Union[Settings, Configs], said: Said) -> list[str]:
    from simplelint.config.nearest import Configs

    configs = Configs.of(settings)
    found: dict[str, None] = {}
    for given in paths:
        if not os.path.lexists(given):
            raise DiscoveryError(f"{given}: No such file or directory (os error 2)")
        if os.path.isdir(given):
            count = 0
            for file in _walk(given, configs, said):
                found[display_path(file)] = None
                count += 1
            if not count:
                said.warnings.append(f"No Python files found under {given}")
        elif not _dropped(given, configs.for_path(given)):
            found[display_path(given)] = None
    return _one_name_per_file(sorted(found))


def _one_name_per_file(paths: list[str]) -> list[str]:
    """A file reached under two names (a symlink to a file in the tree, a hard link) is checked once, under
    a name that is not a symlink where there is one: twice would double its findings, and `--fix` would
    take its own first write for a change made meanwhile."""
    names: dict[tuple[int, int], str] = {}
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            names[(-1, len(names))] = path  # unreadable: kept, to be reported
            continue
        key = (info.st_dev, info.st_ino)
        if key not in names or (os.path.islink(names[key]) and not os.path.islink(path)):
            names[key] = path
    return sorted(names.values())


def _dropped(path: str, settings: Settings) -> bool:
    """Whether a file named on the command line is left out: only by --force-exclude (its own config's)."""
    return settings.force_exclude and explicitly_excluded(path, settings)


def explicitly_excluded(path: str, settings: Settings) -> bool:
    """Whether --force-exclude drops a file named on the command line (or stdin's name): excludes, .gitignore."""
    if settings.is_excluded(path):
        return True
    absolute = os.path.abspath(path)
    if settings.respect_gitignore:
        ignores = _ancestor_gitignores(os.path.dirname(absolute))
        return any(ignore.ignores(absolute, False) for ignore in ignores)
    return False


def _walk(top: str, configs: Configs, said: Said) -> Iterator[str]:
    top = os.path.abspath(top)
    ignores = _ancestor_gitignores(top, said) if configs.for_folder(top).respect_gitignore else []
    seen: set[tuple[int, int]] = set()
    yield from _walk_dir(top, configs, ignores, seen, said)


def _walk_dir(
    folder: str, configs: Configs, ignores: list[_GitIgnore], seen: set[tuple[int, int]], said: Said
) -> Iterator[str]:
    if not _first_visit(folder, seen):
        return
    entries = _entries(folder, said.warnings)
    # Its entries are judged by the folder's own nearest config (found from the names just listed).
    settings = configs.for_folder(folder, {entry.name for entry, is_dir in entries if not is_dir})
    if settings.respect_gitignore:
        own = _load_gitignore(folder, said)
        ignores = [*ignores, own] if own else ignores
    for entry, is_dir in entries:
        if settings.is_excluded(entry.path, is_dir) or any(i.ignores(entry.path, is_dir) for i in ignores):
            continue
        if is_dir:
            yield from _walk_dir(entry.path, configs, ignores, seen, said)
        elif _wanted(entry, settings):
            yield entry.path
        elif entry.is_symlink() and not os.path.exists(entry.path):
            broken = "broken symbolic link (its target does not exist); skipped"
            said.warnings.append(f"{display_path(entry.path)}: {broken}")


def _wanted(entry: os.DirEntry[str], settings: Settings) -> bool:
    """A Python file or notebook (or what `extend-include` names) that is a file, not a FIFO or a socket."""
    return (entry.name.endswith(PYTHON_SUFFIXES) or settings.is_included(entry.path)) and _is_file(entry)


def _first_visit(folder: str, seen: set[tuple[int, int]]) -> bool:
    """False for a folder already walked: a symlink loop, or a second link to the same folder."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _entries(folder: str, warnings: list[str]) -> list[tuple[os.DirEntry[str], bool]]:
    """Sorted entries with whether each is a folder; an unreadable folder is reported and skipped."""
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        warnings.append(f"{display_path(folder)}: cannot read folder ({error.strerror or error}); skipped")
        return []
    for entry in entries:
        try:
            found.append((entry, entry.is_dir()))
        except OSError:
            continue
    return found
