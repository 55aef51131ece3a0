"""What an interpreter has installed, as SL403 needs it: run as a script by that interpreter (so it imports
nothing of simplelint, nor anything outside the standard library), or called in-process for the one running
simplelint. Prints one JSON document:

- `paths`: the folders of `sys.path` (where the state that keys the cache is read);
- `markers`: the environment markers (PEP 508) of this interpreter, as `packaging` names them;
- `dists`: normalised distribution name -> display name, version and `Requires-Dist` lines, as written;
- `modules`: an importable name -> the distributions that provide it: top-level names, and for a top-level
  name several distributions share (a namespace package such as `google`), the names below it that each
  provides (`google.protobuf`);
- `stdlib`, `importable`: top-level names of the standard library, and of every module on `sys.path`
  (to tell a package that is not installed from a module that is simply not a distribution's).
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any


def normalise(name: str) -> str:
    """A distribution's name as PEP 503 compares them: `Foo_Bar.baz` is `foo-bar-baz`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def markers() -> dict[str, str]:
    """packaging's `default_environment()`, computed here: the queried interpreter may not have packaging."""
    import platform

    info = sys.implementation.version
    version = f"{info.major}.{info.minor}.{info.micro}"
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return {
        "implementation_name": sys.implementation.name,
        "implementation_version": version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


def query() -> dict[str, Any]:
    import importlib
    from importlib import metadata
    import pkgutil

    importlib.invalidate_caches()  # packages installed since this process started are seen too
    dists: dict[str, dict[str, Any]] = {}
    found: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name or normalise(name) in dists:
            continue  # the first on sys.path is the one imported
        key = normalise(name)
        found[key] = dist
        dists[key] = {"name": name, "version": dist.version, "requires": list(dist.requires or [])}
    folders = [path for path in sys.path if path and os.path.isdir(path)]
    importable = {module.name for module in pkgutil.iter_modules(folders)}
    return {
        "executable": sys.executable,
        "paths": [os.path.abspath(path) for path in folders],
        "markers": markers(),
        "dists": dists,
        "modules": _modules(found, importable),
        "stdlib": sorted(_stdlib()),
        "importable": sorted(importable),
    }


def _modules(found: dict[str, Any], importable: set[str]) -> dict[str, list[str]]:
    """Importable name -> normalised names of the distributions providing it. A distribution that lists no
    files (no RECORD, no top_level.txt) is taken to provide the module named as it is, when there is one."""
    tops: dict[str, list[str]] = {}
    for top, names in _top_levels(found).items():
        tops[top] = sorted({normalise(name) for name in names if normalise(name) in found})
    modules = {top: names for top, names in tops.items() if names}
    for top, names in tops.items():
        for key in names if len(names) > 1 else ():
            for module in _below(found[key], top):
                modules.setdefault(module, [])
                if key not in modules[module]:
                    modules[module].append(key)
    _guess(found, modules, importable)
    return modules


def _guess(found: dict[str, Any], modules: dict[str, list[str]], importable: set[str]) -> None:
    providing = {key for keys in modules.values() for key in keys}
    for key in sorted(found.keys() - providing):
        guess = key.replace("-", "_")
        if guess in importable:
            modules.setdefault(guess, []).append(key)


def _top_levels(found: dict[str, Any]) -> dict[str, list[str]]:
    from importlib import metadata

    if hasattr(metadata, "packages_distributions"):  # Python 3.10+
        mapping: dict[str, list[str]] = dict(metadata.packages_distributions())
        return mapping
    mapping = {}
    for dist in found.values():  # Python 3.9: as packages_distributions does
        declared = (dist.read_text("top_level.txt") or "").split()
        inferred = {_top_of(str(path)) for path in dist.files or ()}
        for top in declared or sorted(name for name in inferred if name):
            mapping.setdefault(top, []).append(dist.metadata["Name"])
    return mapping


def _top_of(path: str) -> str:
    parts = path.replace("\\", "/").split("/")
    if len(parts) == 1:
        return parts[0][:-3] if parts[0].endswith(".py") else ""
    return parts[0] if parts[0].isidentifier() else ""


def _below(dist: Any, top: str) -> set[str]:
    """The modules `dist` provides under a top-level name other distributions provide too: the shortest dotted
    names of its packages (folders with an `__init__.py`) and modules there."""
    files = [str(path).replace("\\", "/") for path in dist.files or ()]
    inits = {path[: -len("/__init__.py")] for path in files if path.endswith("/__init__.py")}
    names: set[str] = set()
    for path in files:
        parts = path.split("/")
        if parts[0] != top or not path.endswith(".py"):
            continue
        parts[-1] = parts[-1][:-3]
        for end in range(2, len(parts) + 1):
            folder = "/".join(parts[:end])
            if folder in inits or end == len(parts):
                names.add(".".join(part for part in parts[:end] if part != "__init__"))
                break
    return names


def _stdlib() -> set[str]:
    names = set(sys.builtin_module_names)
    if hasattr(sys, "stdlib_module_names"):  # Python 3.10+
        return names | set(sys.stdlib_module_names)
    import sysconfig

    folder = sysconfig.get_paths()["stdlib"]
    for entry in os.listdir(folder):
        name = entry[:-3] if entry.endswith(".py") else entry
        if name.isidentifier() and entry != "site-packages":
            names.add(name)
    return names


if __name__ == "__main__":
    # Run as a script, Python put this file's folder (simplelint's) first on sys.path: not the environment's.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.stdout.write(json.dumps(query()))
