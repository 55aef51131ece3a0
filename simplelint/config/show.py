"""What `check --show-settings` and `-v` say about the settings a file gets and the config files behind them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from simplelint.config.settings import Settings
from simplelint.run.discovery import display_path


def origin(settings: Settings) -> str:
    """`pkg/pyproject.toml (extends pyproject.toml)`, or that no config file applies."""
    if not settings.sources:
        return f"no config file (the defaults, rooted at {display_path(str(settings.root))})"
    first, *extended = (display_path(str(path)) for path in settings.sources)
    return f"config {first}" + (f" (extends {' -> '.join(extended)})" if extended else "")


def describe(path: str, settings: Settings) -> str:
    """The resolved settings of one file, TOML-like (as ruff's `--show-settings`), with their sources."""
    lines = [f"Resolved settings for: {display_path(path)}"]
    if settings.sources:
        lines.append(f"Settings path: {display_path(str(settings.sources[0]))}")
        lines += [f"Extends: {display_path(str(extended))}" for extended in settings.sources[1:]]
    else:
        lines.append("Settings path: none (the defaults)")
    lines.append("")
    values: dict[str, Any] = {
        "root": _shown_path(settings.root),
        "enabled": sorted(settings.enabled),
        "enabled-here": sorted(settings.codes_for(path)),
        "per-file-ignores": {pattern: sorted(codes) for pattern, codes in settings.per_file_ignores},
        "exclude": list(settings.exclude),
        "extend-exclude": list(settings.extend_exclude),
        "force-exclude": settings.force_exclude,
        "respect-gitignore": settings.respect_gitignore,
        "src": [_shown_path(p) for p in settings.src],
        "production": list(settings.production),
        "cache-dir": _shown_path(settings.cache_dir),
        "coverage-file": _shown_path(settings.coverage_file),
        "baseline": _shown_path(settings.baseline),
    }
    lines += [f"{key} = {_toml(value)}" for key, value in values.items() if value is not None]
    for table, options in sorted(settings.options.items()):
        lines += ["", f"[{table}]"]
        lines += [f"{name} = {_toml(value)}" for name, value in sorted(options.items())]
    return "\n".join(lines) + "\n"


def _shown_path(path: Optional[Path]) -> Optional[str]:
    return None if path is None else display_path(str(path))


def _toml(value: Any) -> str:
    """A value as TOML writes it (JSON's syntax for strings, lists and booleans is TOML's too)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)
