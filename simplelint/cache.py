"""Per-file result cache keyed by content hash, simplelint version and the settings for that file.

Entries are JSON (never pickle: a foreign file in the folder must not run code) written atomically; an
entry that does not load is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Optional

from simplelint.engine import FileResult
from simplelint.suppression import Noqa
from simplelint.violation import Violation

FORMAT = 1


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
        key = self.key(path, digest)
        try:
            data = json.loads(self._entry(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            return _load(data["result"], path)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing, corrupt or foreign: rebuilt by the caller

    def put(self, result: FileResult) -> None:
        if result.errors or not result.digest:
            return  # internal errors and unreadable files are always re-checked
        key = self.key(result.path, result.digest)
        try:
            self._prepare()
            _write_atomic(self._entry(key), {"key": key, "result": _dump(result)})
        except OSError:
            pass  # a read-only or full disk must not fail the lint

    def project_key(self, files: list[tuple[str, str]]) -> str:
        """The project stage's key: every file read (checked or for facts) with its content hash."""
        digest = hashlib.sha256(f"{FORMAT}\0{self.settings_key}\0project".encode())
        for path, content in sorted(files):
            digest.update(f"\0{os.path.abspath(path)}\0{content}".encode())
        return digest.hexdigest()

    def get_project(self, key: str) -> Optional[tuple[list[Violation], list[str]]]:
        """The project rules' findings and warnings for this exact set of files, or None."""
        try:
            data = json.loads(self._entry(key).read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            return [Violation.from_dict(v) for v in data["violations"]], [str(w) for w in data["warnings"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put_project(self, key: str, violations: list[Violation], warnings: list[str]) -> None:
        try:
            self._prepare()
            payload = {"key": key, "violations": [v.to_dict() for v in violations], "warnings": warnings}
            _write_atomic(self._entry(key), payload)
        except OSError:
            pass

    def _prepare(self) -> None:
        if self._ready:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by simplelint automatically.\n*\n", encoding="utf-8")
        self._ready = True


def _write_atomic(entry: Path, payload: dict[str, object]) -> None:
    """Write through a temp file and rename: no reader sees half an entry, and no temp file is ever left."""
    entry.parent.mkdir(exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out)
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
