"""Per-file result cache keyed by content hash, simplelint version and the settings for that file.

Entries are JSON (never pickle: a foreign file in the folder must not run code) written atomically; an
entry that does not load is ignored and rebuilt. Besides the files' entries, the project stage's findings
are kept under the key of every file read, and a project rule may keep state of its own (SL301 its join).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar
from collections.abc import Sequence

from simplelint.engine.result import FileResult
from simplelint.engine.suppression import Noqa
from simplelint.engine.violation import Violation

FORMAT = 1
T = TypeVar("T")
# The project stage's findings, warnings and notes.
ProjectEntry = tuple[list[Violation], list[str], list[str]]


class Cache:
    def __init__(self, folder: Path, settings_key: str) -> None:
        self.folder = folder
        self.settings_key = settings_key
        self._ready = False
        self._folders: set[Path] = set()

    def key(self, path: str, digest: str) -> str:
        text = f"{FORMAT}\0{self.settings_key}\0{os.path.abspath(path)}\0{digest}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, path: str, digest: str) -> Optional[FileResult]:
        return self._read(self.key(path, digest), lambda data: _load(data["result"], path))

    def has(self, path: str, digest: str) -> bool:
        """Whether an entry is there (it may still fail to load): a string and a stat, as the project stage
        asks it for every file it reads for facts."""
        key = self.key(path, digest)
        return os.path.isfile(os.path.join(self.folder, key[:2], f"{key}.json"))

    def put(self, result: FileResult) -> None:
        if result.errors or not result.digest:
            return  # internal errors and unreadable files are always re-checked
        self._write(self.key(result.path, result.digest), {"result": _dump(result)})

    def project_key(self, files: list[tuple[str, str, tuple[str, ...]]], stamps: Sequence[str] = ()) -> str:
        """The project stage's key: every file read with its content hash and the collectors it was read for
        (none: it was checked, all of them ran), and the rules' stamps of what else their findings depend on
        (the installed packages). `check src` reads the same files as `check .` (the tests for SL301's facts)
        but not all their facts: its join must not stand for the other's."""
        digest = hashlib.sha256(f"{FORMAT}\0{self.settings_key}\0project".encode())
        for path, content, read_for in sorted(files):
            digest.update(f"\0{os.path.abspath(path)}\0{content}\0{','.join(read_for)}".encode())
        for stamp in stamps:
            digest.update(f"\0stamp\0{stamp}".encode())
        return digest.hexdigest()

    def get_project(self, key: str) -> Optional[ProjectEntry]:
        """The project rules' findings, warnings and notes for this exact set of files, or None."""
        return self._read(key, _load_project)

    def put_project(self, key: str, entry: ProjectEntry) -> None:
        violations, warnings, notes = entry
        self._write(key, {"violations": [v.to_dict() for v in violations], "warnings": warnings, "notes": notes})

    def get_lines(self, name: str) -> Optional[list[str]]:
        """The lines a project rule saved under `name` with these settings, or None."""
        key = self._state_key(name)
        try:
            header, _, rest = self._entry(key).read_text(encoding="utf-8").partition("\n")
            return rest.split("\n") if json.loads(header).get("key") == key else None
        except (OSError, ValueError, AttributeError):
            return None

    def put_lines(self, name: str, lines: list[str]) -> None:
        """Save a project rule's state: lines without line breaks (JSON ones, say)."""
        key = self._state_key(name)
        try:
            self._prepare()
            _write_atomic(self._folder_of(key), "\n".join([json.dumps({"key": key}), *lines]))
        except OSError:
            pass  # a read-only or full disk must not fail the lint

    def _folder_of(self, key: str) -> Path:
        """The entry's path, its folder made once per process (not once per entry)."""
        entry = self._entry(key)
        if entry.parent not in self._folders:
            entry.parent.mkdir(exist_ok=True)
            self._folders.add(entry.parent)
        return entry

    def _state_key(self, name: str) -> str:
        return hashlib.sha256(f"{FORMAT}\0{self.settings_key}\0state\0{name}".encode()).hexdigest()

    def _read(self, key: str, load: Callable[[dict[str, Any]], T]) -> Optional[T]:
        """An entry through `load`; None when it is missing, corrupt or foreign (the caller rebuilds it)."""
        try:
            data = json.loads(self._entry(key).read_text(encoding="utf-8"))
            return load(data) if data.get("key") == key else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def _write(self, key: str, payload: dict[str, object]) -> None:
        try:
            self._prepare()
            _write_atomic(self._folder_of(key), json.dumps({"key": key, **payload}))
        except OSError:
            pass  # a read-only or full disk must not fail the lint

    def _prepare(self) -> None:
        if self._ready:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by simplelint automatically.\n*\n", encoding="utf-8")
        self._ready = True


def _write_atomic(entry: Path, text: str) -> None:
    """Write through a temp file and rename: no reader sees half an entry, and no temp file is ever left."""
    handle, temp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)  # encoded in one call: json.dump streams through the pure-Python encoder
        os.replace(temp, entry)
    except BaseException:
        os.unlink(temp)
        raise


def _dump(result: FileResult) -> dict[str, object]:
    # Field by field: `asdict` would deep-copy the facts, the bulk of an entry, only to encode them.
    data = {field.name: getattr(result, field.name) for field in fields(result)}
    data["new_source"] = None
    data["violations"] = [v.to_dict() for v in result.violations]
    data["noqa"] = [asdict(noqa) for noqa in result.noqa]
    return data


def _load_project(data: dict[str, Any]) -> ProjectEntry:
    violations = [Violation.from_dict(v) for v in data["violations"]]
    return violations, [str(w) for w in data["warnings"]], [str(n) for n in data["notes"]]


def _load(data: dict[str, Any], path: str) -> FileResult:
    # JSON as read, of no static shape: an entry of the wrong shape raises, and the caller rebuilds it.
    result = FileResult(**data)
    result.path = path
    result.violations = [Violation.from_dict({**v, "path": path}) for v in data["violations"]]
    result.noqa = [Noqa(**{**n, "codes": tuple(n["codes"]) if n["codes"] else None}) for n in data["noqa"]]
    return result
