"""`simplelint verify-imports`: import each production module in a fresh interpreter and report the banned
modules it really loads, with the chain of imports that loaded them, against what the static rules (SL401-SL403)
found.

Each module runs in its own subprocess of the project's interpreter (the `python` option, else the one running
simplelint) through `verify_probe.py`, with the `src` roots first on `sys.path`, so nothing one module loads is
seen as another's. A module whose folder is no package (a script such as `jobs/nightly.py`) is run as Python
runs a script: its folder first on `sys.path`, its `if __name__ == "__main__":` block left out.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union
from collections.abc import Sequence

from simplelint.rules.production import verify_probe
from simplelint.run.discovery import display_path
from simplelint.engine.result import file_has_production_marker
from simplelint.rules.production.contracts import TABLE, Contract, contracts
from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation
from simplelint.wording import plural

if TYPE_CHECKING:
    from simplelint.config.nearest import Configs

STATIC = frozenset({"SL401", "SL402", "SL403"})
# Past the module's own time, the probe's faulthandler has had its chance to say where it hung.
GRACE = 10.0


@dataclass
class Loaded:
    """A banned module a module loaded, under one contract, and whether a static rule found it."""

    contract: str
    module: str
    banned: str
    chain: list[str]
    static: list[str] = field(default_factory=list)  # codes of the static findings of the same import
    found_in: str = ""  # the file of those findings: the module's own, or its package's `__init__.py`


@dataclass
class Outcome:
    path: str
    module: Optional[str]  # None for a script, run by its path
    status: str = "ok"  # "ok", "banned", "error", "timeout" or "crashed"
    error: str = ""
    loaded: list[Loaded] = field(default_factory=list)

    @property
    def missed(self) -> list[Loaded]:
        return [item for item in self.loaded if not item.static]


Static = dict[str, list[Violation]]  # static findings by absolute path


@dataclass(frozen=True)
class Target:
    path: str
    module: Optional[str]
    sys_path: tuple[str, ...]
    contracts: tuple[Contract, ...]
    python: str  # the interpreter of the file's config


def targets(files: Sequence[str], settings: Union[Settings, Configs]) -> list[Target]:
    """The files under a contract (production code first of all), and how each is imported: each file by its
    nearest config's settings (its production globs, contracts, `src` roots and `python`), as `check` judges it."""
    from simplelint.config.nearest import Configs

    configs = Configs.of(settings)
    found = []
    for path in files:
        if path.endswith((".pyi", ".ipynb")):
            continue  # a stub never runs; a notebook is not imported (its cells run in a kernel)
        target = _target(path, configs.for_path(path))
        if target is not None:
            found.append(target)
    return found


def _target(path: str, settings: Settings) -> Optional[Target]:
    every = contracts(settings.options.get(TABLE, {}))
    production = settings.is_production(path) or file_has_production_marker(path)
    under = tuple(c for c in every if c.applies_to(settings, path, production))
    if not under:
        return None
    roots = [str(root) for root in settings.src if root.is_dir()]
    folder = os.path.dirname(os.path.abspath(path))
    package = os.path.isfile(os.path.join(folder, "__init__.py"))
    module = settings.module_name(path) if package else None
    sys_path = tuple(roots) if module else (folder, *roots)
    return Target(path, module, sys_path, under, interpreter(settings))


def verify(found: Sequence[Target], static: Sequence[Violation], timeout: float, jobs: int) -> list[Outcome]:
    """Import every target (`jobs` at a time) and judge what each loaded."""
    by_path: Static = {}
    for violation in static:
        if violation.code in STATIC:
            by_path.setdefault(os.path.abspath(violation.path), []).append(violation)
    with tempfile.TemporaryDirectory(prefix="simplelint-verify-") as folder, ThreadPoolExecutor(max(1, jobs)) as pool:
        runs = [pool.submit(_run, target, timeout, Path(folder) / str(i)) for i, target in enumerate(found)]
        results = [run.result() for run in runs]
    return [_judge(target, result, by_path) for target, result in zip(found, results)]


def _run(target: Target, timeout: float, scratch: Path) -> dict[str, Any]:
    """The probe's result for one target, or {"status": ..., "error": ...} when it gave none."""
    python = target.python
    scratch.mkdir()
    request = {
        "module": target.module,
        "path": os.path.abspath(target.path),
        "sys_path": list(target.sys_path),
        "timeout": timeout,
        "trace": str(scratch / "trace"),
    }
    (scratch / "request.json").write_text(json.dumps(request), encoding="utf-8")
    command = [python, verify_probe.__file__, str(scratch / "request.json"), str(scratch / "result.json")]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout + GRACE, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "error": f"did not finish importing within {timeout:g} s"}
    except OSError as error:
        return {"status": "crashed", "error": f"cannot run {python}: {error}"}
    try:
        result: dict[str, Any] = json.loads((scratch / "result.json").read_text(encoding="utf-8"))
        return result
    except (OSError, ValueError):
        return _no_result(done.returncode, _read(scratch / "trace"), timeout)


def _no_result(code: int, trace: str, timeout: float) -> dict[str, Any]:
    """What a probe that wrote no result says: faulthandler's timeout, a crash, or an exit of its own."""
    where = _stuck_at(trace)
    if trace.startswith("Timeout"):
        return {"status": "timeout", "error": f"did not finish importing within {timeout:g} s{where}"}
    return {"status": "crashed", "error": f"the interpreter exited with code {code} while importing{where}"}


def _stuck_at(trace: str) -> str:
    """` (at src/app/jobs/hang.py:6)`: the innermost frame faulthandler shows outside importlib and the probe."""
    for line in trace.splitlines():
        match = re.match(r'\s*File "(.+)", line (\d+)', line)
        if match and not match.group(1).startswith("<frozen ") and match.group(1) != verify_probe.__file__:
            return f" (at {display_path(match.group(1))}:{match.group(2)})"
    return ""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _judge(target: Target, result: dict[str, Any], static: Static) -> Outcome:
    outcome = Outcome(target.path, target.module, result.get("status", "ok"), _error(result.get("error")))
    if "loaded" not in result:
        return outcome
    if outcome.error:
        outcome.status = "error"
    importer: dict[str, str] = result["importer"]
    for contract in target.contracts:
        for name in [*result["before"], *result["loaded"]]:
            banned = contract.banned.covers(name)
            chain = _chain(name, importer, target)
            allowed = any(contract.banned.allowed(step) for step in chain)
            if banned and not allowed and not _seen(outcome, contract, banned):
                item = Loaded(contract.name, name, banned, chain)
                _match(item, contract, target, static)
                outcome.loaded.append(item)
    if outcome.loaded:
        outcome.status = "banned"
    return outcome


def _match(item: Loaded, contract: Contract, target: Target, static: Static) -> None:
    """The static findings of the import that loaded the banned module: in the file whose code ran it (the
    module's own, or a parent package's `__init__.py` when the chain starts there), under the same contract,
    naming the banned entry or the module that file imported (the chain's second step)."""
    path = _file_of(item.chain[0], target)
    names = {item.banned, item.chain[1] if len(item.chain) > 1 else item.banned}
    found = [
        v
        for v in static.get(os.path.abspath(path), [])
        if v.message.startswith(contract.subject) and any(_names(v, name) for name in names)
    ]
    item.static = sorted({v.code for v in found})
    item.found_in = display_path(path) if found else ""


def _file_of(module: str, target: Target) -> str:
    """The file of `module`: the target's own, or the `__init__.py` of one of its packages."""
    own = target.module or display_path(target.path)
    if module == own or not target.module or not own.startswith(module + "."):
        return target.path
    folder = os.path.dirname(target.path)
    depth = own.count(".") - module.count(".") - (1 if os.path.basename(target.path) != "__init__.py" else 0)
    for _ in range(depth):
        folder = os.path.dirname(folder)
    return os.path.join(folder, "__init__.py")


def _error(error: Any) -> str:
    """The probe's error as shown: `RuntimeError: no config (src/app/jobs/boom.py:5)`."""
    if not isinstance(error, dict):
        return str(error or "")
    where = f" ({display_path(error['file'])}:{error['line']})" if "file" in error else ""
    return f"{error['text']}{where}"


def _seen(outcome: Outcome, contract: Contract, banned: str) -> bool:
    """Only the first module loaded under a banned entry is reported (pandas, not its hundred submodules)."""
    return any(item.contract == contract.name and item.banned == banned for item in outcome.loaded)


def _chain(name: str, importer: dict[str, str], target: Target) -> list[str]:
    """The modules from the one imported to `name`, each importing the next (a script shows as its path)."""
    chain = [name]
    while importer.get(chain[-1]) and importer[chain[-1]] not in chain:
        chain.append(importer[chain[-1]])
    chain.reverse()
    if chain[0] == verify_probe.SCRIPT:
        chain[0] = display_path(target.path)
    elif name not in importer:
        chain.insert(0, "(loaded before the module, at interpreter start-up)")
    return chain


def _names(violation: Violation, banned: str) -> bool:
    """Whether a static finding is about this banned entry (its message names it, or a module under it)."""
    return re.search(rf"(?<![\w.]){re.escape(banned)}(?![\w])", violation.message) is not None


def render_text(outcomes: Sequence[Outcome], python: str) -> str:
    lines = []
    for outcome in outcomes:
        name = display_path(outcome.path)
        if outcome.status == "timeout":
            lines.append(f"{name}: {outcome.error}")
        elif outcome.error:
            lines.append(f"{name}: cannot be imported: {outcome.error}")
        lines.extend(f"{name}: {_loaded_text(item, name)}" for item in outcome.loaded)
    lines.append(summary(outcomes, python))
    return "\n".join(lines) + "\n"


def _loaded_text(item: Loaded, name: str) -> str:
    subject = f"contract {item.contract!r}: loads" if item.contract else "loads"
    found = f"found by {', '.join(item.static)}" if item.static else "missed by the static rules"
    if item.found_in and item.found_in != name:
        found += f" in {item.found_in}"
    return f"{subject} {item.module} through {' -> '.join(item.chain)} ({found})"


def summary(outcomes: Sequence[Outcome], python: str) -> str:
    banned = [o for o in outcomes if o.loaded]
    missed = [o for o in banned if o.missed]
    failed = sum(1 for o in outcomes if o.status in ("error", "crashed"))
    timed_out = sum(1 for o in outcomes if o.status == "timeout")
    parts = [f"{len(banned)} loaded a banned module ({len(missed)} missed by the static rules)"]
    parts += [f"{failed} failed to import", f"{timed_out} timed out"]
    return f"Imported {plural(len(outcomes), 'module')} with {python}: {', '.join(parts)}."


def render_json(outcomes: Sequence[Outcome]) -> str:
    items = [{**dataclasses.asdict(o), "path": display_path(o.path)} for o in outcomes]
    return json.dumps(items, indent=2) + "\n"


def interpreter(settings: Settings) -> str:
    from simplelint.rules.production.environment import interpreter as configured

    return configured(settings.options.get(TABLE, {}).get("python", ""), settings.root) or sys.executable
