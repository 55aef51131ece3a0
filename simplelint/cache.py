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
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from simplelint.engine import FileResult
from simplelint.suppression import Noqa
from simplelint.violation import Violation

FORMAT = 1
T = TypeVar("T")


class Cache:
    def __init__(self, folder: Path, settings_key: str) -> None:
        self.folder = folder
        self.settings_key = settings_key
        self._ready = False

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

    def project_key(self, files: list[tuple[str, str]]) -> str:
        """The project stage's key: every file read (checked or for facts) with its content hash."""
        digest = hashlib.sha256(f"{FORMAT}\0{self.settings_key}\0project".encode())
        for path, content in sorted(files):
            digest.update(f"\0{os.path.abspath(path)}\0{content}".encode())
        return digest.hexdigest()

    def get_project(self, key: str) -> Optional[tuple[list[Violation], list[str]]]:
        """The project rules' findings and warnings for this exact set of files, or None."""
        return self._read(
            key, lambda data: ([Violation.from_dict(v) for v in data["violations"]], [str(w) for w in data["warnings"]])
        )

    def put_project(self, key: str, violations: list[Violation], warnings: list[str]) -> None:
        self._write(key, {"violations": [v.to_dict() for v in violations], "warnings": warnings})

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
            _write_atomic(self._entry(key), "\n".join([json.dumps({"key": key}), *lines]))
        except OSError:
            pass  # a read-only or full disk must not fail the lint

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
            _write_atomic(self._entry(key), json.dumps({"key": key, **payload}))
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
    entry.parent.mkdir(exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, entry)
    except BaseException:
        os.unlink(temp)
        raise


def _dump(result: FileResult) -> dict[str, object]:
    data = asdict(result)
    data["new_source"] = None
    data["violations"] = [v.to_dict() for v in result.violations]
    return data


def _load(data: dict[str, object], path: str) -> FileResult:
    result = FileResult(**data)  # type: ignore[arg-type]
    result.path = path
    result.violations = [Violation.from_dict({**v, "path": path}) for v in data["violations"]]  # type: ignore[attr-defined]
    result.noqa = [Noqa(**{**n, "codes": tuple(n["codes"]) if n["codes"] else None}) for n in data["noqa"]]  # type: ignore[attr-defined]
    return result
