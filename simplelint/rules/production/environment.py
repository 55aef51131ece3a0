"""The installed packages of an environment, for SL403: the interpreter running simplelint, or the one the
`python` option names.

What `env_query.py` reports is kept in the cache folder under a key made of the environment's state: the
folders of its `sys.path`, and the names and modification times of the `*.dist-info`, `*.egg-info` and
`*.pth` entries in them. Installing, upgrading or removing a package changes that state, so a stale answer is
never used; reading it costs one directory listing per folder, so a warm run stays cheap. Another
interpreter's `sys.path` is itself kept (keyed by that interpreter's file and PYTHONPATH), so that computing
its state starts no process.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cached_property
from pathlib import Path
from typing import Any, Optional
from collections.abc import Sequence

from simplelint.rules.production import env_query

QUERY_SECONDS = 120
_MARKS = (".dist-info", ".egg-info", ".pth", ".egg-link")


class EnvironmentUnavailable(Exception):
    """The interpreter could not be queried (missing, broken, or its answer unreadable)."""


class Environment:
    """`env_query.query()`'s answer, for one interpreter (`python`: None for the one running simplelint)."""

    def __init__(self, python: Optional[str], data: dict[str, Any]) -> None:
        self.python = python
        self.data = data
        self.label = python or sys.executable
        self.markers: dict[str, str] = data["markers"]
        self._modules: dict[str, list[str]] = data["modules"]

    def distributions(self, module: str) -> list[str]:
        """The distributions providing `module` (normalised names), by the longest name they are known by."""
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            found = self._modules.get(".".join(parts[:end]))
            if found:
                return found
        return []

    def dist(self, key: str) -> Optional[dict[str, Any]]:
        """Name, version and requirements of an installed distribution (normalised name), or None."""
        found: Optional[dict[str, Any]] = self.data["dists"].get(key)
        return found

    def provides(self, key: str) -> set[str]:
        """The top-level modules distribution `key` provides; its name, `-` as `_`, when it declares none."""
        return self._provided.get(key) or {key.replace("-", "_")}

    @cached_property
    def _provided(self) -> dict[str, set[str]]:
        provided: dict[str, set[str]] = {}
        for module, keys in self._modules.items():
            for key in keys if "." not in module else ():
                provided.setdefault(key, set()).add(module)
        return provided

    def knows(self, top: str) -> bool:
        """Whether `top` is importable at all there: the standard library, a distribution's, or any module."""
        return top in self._names

    @cached_property
    def _names(self) -> set[str]:
        return {*self.data["stdlib"], *self.data["importable"], *self._modules}


def interpreter(option: str, root: Path) -> Optional[str]:
    """The `python` option as a path: relative to the config root, or a command on PATH; None when empty."""
    if not option:
        return None
    if os.sep in option or (os.altsep and os.altsep in option):
        return os.path.normpath(root / option)
    import shutil

    return shutil.which(option) or option


def stamp(python: Optional[str], cache_dir: Optional[Path]) -> str:
    """The environment's state, cheaply (see the module's docstring); never raises."""
    paths = _known_paths(python, cache_dir)
    if paths is None:  # another interpreter, not queried yet: this once, it is
        try:
            paths = load(python, cache_dir).data["paths"]
        except EnvironmentUnavailable as error:
            return f"unavailable: {error}"
    return _state(paths)


def load(python: Optional[str], cache_dir: Optional[Path]) -> Environment:
    """The environment's packages: from the cache when its state is unchanged, else queried (and kept)."""
    paths = _known_paths(python, cache_dir)
    if cache_dir and paths is not None:
        data = _read(_entry(python, cache_dir, _state(paths)))
        if isinstance(data, dict):
            return Environment(python, data)
    data = env_query.query() if python is None else _query(python)
    if cache_dir:
        if python is not None:
            _write(_paths_entry(python, cache_dir), data["paths"])
        # This process's state is read from its whole sys.path, another's from the folders its query found.
        _write(_entry(python, cache_dir, _state(paths if python is None and paths else data["paths"])), data)
    return Environment(python, data)


def _known_paths(python: Optional[str], cache_dir: Optional[Path]) -> Optional[list[str]]:
    """The folders of the interpreter's `sys.path`: this process's own, or another's as last queried."""
    if python is None:
        return [os.path.abspath(path or os.curdir) for path in sys.path]
    paths = _read(_paths_entry(python, cache_dir)) if cache_dir else None
    return paths if isinstance(paths, list) else None


def _query(python: str) -> dict[str, Any]:
    """Run env_query.py with that interpreter."""
    import subprocess

    try:
        done = subprocess.run(
            [python, env_query.__file__], capture_output=True, text=True, timeout=QUERY_SECONDS, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise EnvironmentUnavailable(f"cannot run {python}: {error}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise EnvironmentUnavailable(f"{python} could not list its packages ({last})")
    try:
        data: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        raise EnvironmentUnavailable(f"{python} gave an unreadable list of its packages") from None
    return data


def _state(paths: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for folder in paths:
        digest.update(folder.encode("utf-8", "surrogateescape") + b"\0")
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue  # a zip file, or a folder that is gone
        for entry in entries:
            if entry.name.endswith(_MARKS):
                digest.update(f"{entry.name}\0{_mtime(entry.path)}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def _entry(python: Optional[str], cache_dir: Path, state: str) -> Path:
    key = hashlib.sha256(f"{python or sys.executable}\0{state}".encode("utf-8", "surrogateescape")).hexdigest()
    return cache_dir / "environments" / f"{key}.json"


def _paths_entry(python: str, cache_dir: Optional[Path]) -> Path:
    """Where that interpreter's `sys.path` is kept: keyed by its file (a new interpreter or venv is another
    key) and PYTHONPATH, which the query's process inherits."""
    absolute = os.path.abspath(python)
    venv = Path(absolute).parent.parent / "pyvenv.cfg"
    identity = [absolute, os.path.realpath(absolute), _stat(os.path.realpath(absolute)), _stat(str(venv))]
    identity.append(os.environ.get("PYTHONPATH", ""))
    key = hashlib.sha256("\0".join(identity).encode("utf-8", "surrogateescape")).hexdigest()
    return (cache_dir or Path()) / "environments" / f"python-{key}.json"


def _stat(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    return f"{info.st_mtime_ns}:{info.st_size}"


def _read(entry: Path) -> Any:
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(entry: Path, data: Any) -> None:
    """Kept atomically (a reader never sees half an entry); a read-only or full disk only costs a query."""
    from simplelint.fileio import write_atomic

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(str(entry), json.dumps(data).encode("utf-8"), create=True)
    except OSError:
        pass
