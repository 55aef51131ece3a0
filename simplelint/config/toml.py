"""The TOML reader: the standard library's tomllib from Python 3.11, its backport tomli before (one place
chooses, for the config, pytest's config, [project.urls] and entry points)."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

__all__ = ["tomllib"]
