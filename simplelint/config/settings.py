"""Resolved settings: plain data, built once in the parent and handed to workers."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Optional

from simplelint.config.pytest_config import PytestConfig

if TYPE_CHECKING:
    import pathspec  # imported only when a pattern needs it

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".env",
    "build",
    "dist",
    "__pycache__",
    ".tox",
    ".nox",
    ".eggs",
    "*.egg-info",
    "node_modules",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".simplelint_cache",
    "site-packages",
    "__pypackages__",
)


@dataclass(frozen=True)
class Goal:
    """A gate of `[tool.simplelint.gates]`: its key, the configured value, and where it is set."""

    key: str  # "min-type-coverage", "min-tested-share" or "max-average-complexity"
    value: float
    path: str  # the config file as shown, "" for a `--config` override
    line: int


@dataclass
class Settings:
    root: Path
    enabled: frozenset[str] = frozenset()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    # Globs of more files to check in folders, besides *.py, *.pyi and *.ipynb (ruff's `extend-include`).
    extend_include: tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool = True
    src: tuple[Path, ...] = ()
    production: tuple[str, ...] = ()
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    cache_dir: Optional[Path] = None
    coverage_file: Optional[Path] = None
    baseline: Optional[Path] = None
    # The codes `[tool.simplelint.severity]` makes warnings: reported, but they do not fail the run. Not in
    # the cache key: severity is given to findings after the cache, as they are reported.
    warning_codes: frozenset[str] = frozenset()
    # Whether violations carry text edits for their fixes (json/sarif output need them).
    compute_edits: bool = False
    # For files read only for the project stage's facts: the collectors to run (no rules, positions or
    # suppressions). Empty for checked files.
    facts_only: tuple[str, ...] = ()
    # Whether the run checks a test file: if not, a test file read for facts has no class that is a checked
    # class's ancestor, and dead code reads only what it mentions (the runner says; unset, all is read).
    tests_checked: bool = True
    # Fact collectors ("module:Class") to run in every file besides project rules' (the HTML report's).
    collectors: tuple[str, ...] = ()
    # The config files these settings come from: the one that applies, then those it `extend`s (none: the
    # defaults). What `--show-settings` and `-v` name; no part of a file's result.
    sources: tuple[Path, ...] = ()
    # `[tool.simplelint.gates]`: measured over the whole run, never per file (so not in the cache key).
    gates: tuple[Goal, ...] = ()
    # pytest's config at the root: which test files it collects, whether it runs doctests (SL301).
    pytest: PytestConfig = field(default_factory=PytestConfig)
    # `for_facts`'s variants, made once each: their cache fingerprint is then computed once too.
    _fact_variants: dict[tuple[tuple[str, ...], bool], Settings] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, Any]:
        # Compiled matchers are rebuilt lazily in each worker rather than pickled.
        state = dict(self.__dict__)
        rebuilt = ("_exclude_spec", "_production_spec", "_test_spec", "_ignore_specs", "_root_prefix", "_src_prefixes")
        for key in rebuilt:
            state.pop(key, None)
        state["_fact_variants"] = {}  # made again where needed
        return state

    def for_facts(self, facts: tuple[str, ...]) -> Settings:
        """The settings for a file read only for these collectors' facts: its findings would be dropped, so no
        rule runs on it and no fix edits are computed."""
        if not facts:
            return self
        key = (facts, self.tests_checked)
        if key not in self._fact_variants:
            self._fact_variants[key] = dataclasses.replace(self, compute_edits=False, facts_only=facts)
        return self._fact_variants[key]

    def relative(self, path: str | Path) -> Optional[str]:
        """The path relative to the config root, POSIX-style, or None when it lies outside."""
        absolute = os.path.abspath(path)
        root = self._root_prefix
        if absolute == root[:-1]:
            return "."
        if not absolute.startswith(root):
            return None
        return absolute[len(root) :].replace(os.sep, "/")

    @cached_property
    def _root_prefix(self) -> str:
        return os.path.join(os.path.abspath(self.root), "")

    def _match(self, spec: Matcher, path: str | Path, is_dir: bool = False) -> bool:
        rel = self.relative(path)
        if rel is None:
            rel = PurePosixPath(Path(os.path.abspath(path))).as_posix().lstrip("/")
        return bool(spec.match_file(rel + "/" if is_dir else rel))

    @cached_property
    def _exclude_spec(self) -> Matcher:
        return _spec((*self.exclude, *self.extend_exclude))

    @cached_property
    def _production_spec(self) -> Matcher:
        return _spec(self.production)

    @cached_property
    def _test_spec(self) -> Matcher:
        return _spec(self.options.get("tests", {}).get("patterns", ()))

    @cached_property
    def _ignore_specs(self) -> list[tuple[Matcher, frozenset[str]]]:
        return [(_spec([pattern]), codes) for pattern, codes in self.per_file_ignores]

    def is_included(self, path: str | Path) -> bool:
        """Whether `extend-include` names the file (the default suffixes are discovery's)."""
        return bool(self.extend_include) and self._match(_matcher(self.extend_include), path)

    def is_excluded(self, path: str | Path, is_dir: bool = False) -> bool:
        return self._match(self._exclude_spec, path, is_dir)

    def is_test(self, path: str | Path) -> bool:
        return self._match(self._test_spec, path)

    def is_production(self, path: str | Path) -> bool:
        return bool(self.production) and self._match(self._production_spec, path)

    def matches(self, patterns: Iterable[str], path: str | Path) -> bool:
        """Whether gitignore-style `patterns` (relative to the config root, as `production`'s) match the file."""
        return self._match(_matcher(tuple(patterns)), path)

    def codes_for(self, path: str | Path) -> frozenset[str]:
        """Enabled codes for one file, after `per-file-ignores`."""
        ignored: set[str] = set()
        for spec, codes in self._ignore_specs:
            if self._match(spec, path):
                ignored |= codes
        return self.enabled - ignored

    def severity_of(self, code: str) -> str:
        """ "warning" or "error" (the default)."""
        return "warning" if code in self.warning_codes else "error"

    def module_name(self, path: str | Path) -> Optional[str]:
        """Dotted module name from the deepest `src` root that holds the file, as ruff's `src` does."""
        absolute = os.path.abspath(path)
        for root in self._src_prefixes:
            if not absolute.startswith(root):
                continue
            parts = [part for part in absolute[len(root) :].split(os.sep) if part]
            if not parts:
                continue
            parts[-1] = parts[-1].rsplit(".", 1)[0]
            if parts[-1] == "__init__":
                parts.pop()
            if parts and all(p.isidentifier() for p in parts):
                return ".".join(parts)
        return None

    @cached_property
    def _src_prefixes(self) -> list[str]:
        """The `src` roots, deepest first, each ending in a separator (string tests: the project stage asks
        for the module of every file it reads)."""
        roots = sorted(self.src, key=lambda p: len(str(p)), reverse=True)
        return [os.path.join(os.path.abspath(root), "") for root in roots]

    @cached_property
    def cache_fingerprint(self) -> str:
        """`fingerprint()` computed once per settings object (it stats simplelint's own files)."""
        return self.fingerprint()

    def fingerprint(self) -> str:
        """Hash of every setting that can change a file's result, for the cache key."""
        from simplelint import __version__

        data = {
            "version": __version__,
            "code": _code_stamp(),
            # SL301's facts come from CPython's ast and the SL001/SL005 choice from both parsers: a CI matrix
            # sharing one restored cache folder must not reuse another interpreter's results.
            "python": sys.version,
            "libcst": _libcst_stamp(),
            "enabled": sorted(self.enabled),
            "per_file_ignores": [(p, sorted(c)) for p, c in self.per_file_ignores],
            "src": [str(p) for p in self.src],
            "root": str(self.root),
            "production": list(self.production),
            "options": self.options,
            "edits": self.compute_edits,
            "facts_only": self.facts_only,
            "tests_checked": self.tests_checked if self.facts_only else None,
            "collectors": list(self.collectors),
            "pytest": dataclasses.asdict(self.pytest),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _libcst_stamp() -> str:
    """libcst's version file, read without importing libcst (0.3 s) or importlib.metadata (20 ms): a warm
    run needs neither."""
    import importlib.util

    spec = importlib.util.find_spec("libcst")
    if spec is None or spec.origin is None:
        return "none"
    try:
        with open(os.path.join(os.path.dirname(spec.origin), "_version.py"), "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return spec.origin  # another layout: its place stands in


def _code_stamp() -> str:
    """Hash of simplelint's own modules: an edited checkout never reads stale entries, and a reinstall of the
    same code (new modification times, e.g. in CI with a restored cache folder) still reads them."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _spec(patterns: Iterable[str]) -> Matcher:
    return Matcher(list(patterns))


@lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]) -> Matcher:
    return Matcher(list(patterns))


def glob_error(pattern: str) -> Optional[str]:
    """Why `pattern` is no gitignore-style glob (pathspec refuses `!` alone, a trailing `\\`; `[z-a]` is no
    range), or None."""
    try:
        Matcher([pattern])
    except (ValueError, re.error) as error:
        return str(error)
    return None


_GLOB = set("*?[]!/\\")


class Matcher:
    """Gitignore-style matching, as pathspec's GitIgnoreSpec, with a fast path for the common patterns.

    A pattern without a slash or wildcard ("venv") matches a path component, and "*.suffix" a component's
    end, at any depth: set and string tests instead of a regular expression per pattern and path. Walking
    Django's tree asks this 10,000 times.
    """

    def __init__(self, patterns: list[str]) -> None:
        lines = [p.strip() for p in patterns if p.strip() and not p.lstrip().startswith("#")]
        negated = any(p.startswith("!") for p in lines)
        self.names = frozenset(p for p in lines if not negated and not _GLOB & set(p))
        self.suffixes = tuple(p[1:] for p in lines if not negated and p.startswith("*") and not _GLOB & set(p[1:]))
        rest = [p for p in lines if p not in self.names and p[1:] not in self.suffixes]
        self.spec: Optional[pathspec.GitIgnoreSpec] = None
        if rest:
            import pathspec

            self.spec = pathspec.GitIgnoreSpec.from_lines(rest)

    def match_file(self, path: str) -> bool:
        if self.names or self.suffixes:
            for part in path.rstrip("/").split("/"):
                if part in self.names or (self.suffixes and part.endswith(self.suffixes)):
                    return True
        return self.spec is not None and bool(self.spec.match_file(path))
