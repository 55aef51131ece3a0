"""Import one module in this fresh interpreter and record who imported what: run as a script by
`simplelint verify-imports`, with the project's interpreter, so it imports nothing of simplelint.

    python verify_probe.py REQUEST.json RESULT.json

The request names the module (or, for a script, its path), the folders to put first on `sys.path`, the seconds
it may take and a file for tracebacks. A meta path finder placed first on `sys.meta_path` finds nothing
itself: it notes, for each module the first time it is asked for, the module whose code asked (the nearest
frame outside importlib). The result lists the modules loaded, in order, with their importers, the modules
loaded before the import started, and the error the import raised, if any. A module that hangs is stopped by
faulthandler after the time allowed, which writes where it was.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys
import traceback
from types import FrameType
from typing import Any, Optional
from collections.abc import Sequence

SCRIPT = "__verify_script__"  # the run name of a script's code: its `if __name__ == "__main__":` does not run
_SKIPPED = ("importlib", "runpy")


class Recorder:
    """A meta path finder that finds nothing, and remembers who first asked for each module."""

    def __init__(self) -> None:
        self.importer: dict[str, str] = {}

    def find_spec(self, name: str, path: Optional[Sequence[str]] = None, target: Any = None) -> None:
        if name not in self.importer:
            self.importer[name] = _caller()


def _caller() -> str:
    """The module whose code is importing: the nearest frame that is not importlib's, runpy's or this file's."""
    frame: Optional[FrameType] = sys._getframe(2)
    while frame is not None:
        name = str(frame.f_globals.get("__name__", ""))
        outside = name.partition(".")[0] not in _SKIPPED and not frame.f_code.co_filename.startswith("<frozen ")
        if outside and frame.f_code.co_filename != __file__:
            return name
        frame = frame.f_back
    return ""


def probe(request: dict[str, Any]) -> dict[str, Any]:
    for folder in reversed(request["sys_path"]):
        sys.path.insert(0, folder)
    before = list(sys.modules)
    recorder = Recorder()
    sys.meta_path.insert(0, recorder)
    error = None
    try:
        if request["module"]:
            import importlib

            importlib.import_module(request["module"])
        else:
            import runpy

            runpy.run_path(request["path"], run_name=SCRIPT)
    except BaseException as raised:  # SystemExit and KeyboardInterrupt too: the report must be written
        error = _describe(raised)
    finally:
        sys.meta_path.remove(recorder)
    loaded = [name for name in recorder.importer if name in sys.modules and name not in before]
    return {"loaded": loaded, "importer": recorder.importer, "before": before, "error": error}


def _describe(raised: BaseException) -> dict[str, Any]:
    """The exception (`RuntimeError: no config`) and the innermost frame outside importlib and this file."""
    frames = traceback.extract_tb(raised.__traceback__)
    own = [frame for frame in frames if frame.filename != __file__ and not frame.filename.startswith("<frozen ")]
    text = str(raised).strip().splitlines()
    where = {"file": own[-1].filename, "line": own[-1].lineno} if own else {}
    return {"text": f"{type(raised).__name__}{': ' + text[0] if text else ''}", **where}


def main(arguments: Sequence[str]) -> None:
    request_path, result_path = arguments
    with open(request_path, encoding="utf-8") as handle:
        request = json.load(handle)
    # Run as a script, Python put this file's folder (simplelint's) first on sys.path: not the project's.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    # Kept open, not in a `with`: faulthandler writes to its descriptor until the process ends.
    trace = open(request["trace"], "w", encoding="utf-8")  # noqa: SIM115
    faulthandler.enable(trace)
    faulthandler.dump_traceback_later(request["timeout"], exit=True, file=trace)
    result = probe(request)
    faulthandler.cancel_dump_traceback_later()
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump(result, out)
    # Threads the module started, or its atexit hooks, must not keep this process alive or change its exit.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
