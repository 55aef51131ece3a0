"""SL501/SL502's project join: which functions, methods and classes nothing in the project mentions.

Every file's facts (facts.py) count the names it mentions; a definition is used when its name is mentioned
anywhere outside its own body (recursion does not count), when a string builds its name from a prefix
(`getattr(self, "visit_" + kind)`), or when something calls it without naming it:

- Python itself (dunders), pytest and unittest (tests, fixtures, hooks, `setUp`), a decorator that may
  register it (`@app.route(...)`, `@register`), a dispatcher that builds the name (`visit_*`);
- an override: a method whose class inherits it from a project class, or from a class outside the project
  (any method may override one of those: the join does not guess what external classes define);
- `[project.scripts]` / `[project.entry-points]` (pyproject.toml) and `setup.cfg`'s entry points;
- `whitelist` globs of qualified names, and a library's public names (`report-public`).

The join is a count of names over small per-file facts, cached with each file: it never parses a file.
"""

from __future__ import annotations

import builtins
import configparser
import fnmatch
import hashlib
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Optional

from simplelint.ruleinfo import FileFacts, Project
from simplelint.rules.dead_code.facts import DeadCodeFacts

# Bases with nothing to override, or whose members no caller reaches by name.
_NEUTRAL_BASES = frozenset("object Generic Protocol ABC NamedTuple TypedDict".split())
_BUILTINS = frozenset(dir(builtins))
_STDLIB: frozenset[str] = frozenset(getattr(sys, "stdlib_module_names", ()))
# A class named so stands in for another (a test double, a shim for the standard library's cookie jar): code
# outside the project calls its methods by the names of the class it imitates.
_STAND_INS = ("Mock", "Fake", "Dummy", "Stub")
_TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".djhtml", ".tmpl")
_TEXT_SUFFIXES = (".txt", ".xml")
_TEMPLATE_BYTES = 1 << 20
_SKIPPED_FOLDERS = frozenset(("node_modules", "venv", "build", "dist", "__pycache__", "site-packages"))
_TAGS = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
_WORD = re.compile(r"[A-Za-z_]\w*")
_CONFIG_FILES = ("pyproject.toml", "setup.cfg")


@dataclass
class Dead:
    """A definition nothing uses, as SL501/SL502 report it."""

    path: str
    kind: str  # "function", "method" or "class"
    qualname: str  # within its module
    position: tuple[int, int, int, int]


@dataclass
class _Class:
    module: str
    qualname: str
    bases: list[str]
    flags: str
    in_test: bool
    members: set[str] = field(default_factory=set)  # names of its methods and nested classes


@dataclass
class _Lineage:
    """A class and its ancestors as far as the project has them."""

    ancestors: list[str]  # full names, the class first
    external: bool  # some ancestor is not the project's: any member may override one of its
    third_party: bool  # ... and comes from outside the standard library (a framework may register it)
    flags: str  # of the class and its ancestors


@dataclass
class Entry:
    """What pyproject.toml / setup.cfg (and the templates) say: names used, and whether there are scripts."""

    names: set[str] = field(default_factory=set)
    scripts: bool = False  # a command ([project.scripts], console_scripts): the project is an application
    stamp: str = ""


def config_files(project: Project) -> list[str]:
    """pyproject.toml and setup.cfg in the folders of the project's files, up to the config root."""
    root = os.path.abspath(project.settings.root)
    folders: set[str] = set()
    for start in map(os.path.abspath, {os.path.dirname(file.path) for file in project.files}):
        folder = start
        while folder not in folders and (folder == root or folder.startswith(root.rstrip(os.sep) + os.sep)):
            folders.add(folder)
            folder = os.path.dirname(folder)
    folders.add(root)
    return sorted(p for f in folders for n in _CONFIG_FILES if os.path.isfile(p := os.path.join(f, n)))


_last_entries: list[tuple[Project, Entry]] = []


def entry_points(project: Project) -> Entry:
    """`read_entry_points`, once per run (both rules' cache stamps and the join ask)."""
    if not _last_entries or _last_entries[0][0] is not project:
        _last_entries[:] = [(project, read_entry_points(project))]
    return _last_entries[0][1]


def read_entry_points(project: Project) -> Entry:
    """The names `[project.scripts]`, `[project.gui-scripts]`, `[project.entry-points]` (and poetry's and
    setup.cfg's equivalents) point at: `pkg.cli:main` makes `main` used; and the names the project's
    templates use. The stamp covers them all (a warm run reads them again: they are small)."""
    found = Entry()
    digest = hashlib.sha256()
    for path in config_files(project):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0" + data + b"\0")
        values = _setup_cfg(data) if path.endswith(".cfg") else _pyproject(data)
        for value, script in values:
            found.scripts |= script
            found.names.update(_identifiers(value))
    for path in _template_files(str(project.settings.root)):
        try:
            with open(path, "rb") as handle:
                data = handle.read(_TEMPLATE_BYTES)
        except OSError:
            continue
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0" + data + b"\0")
        found.names.update(template_names(data.decode("utf-8", "replace")))
    found.stamp = digest.hexdigest()
    return found


def _template_files(root: str) -> Iterator[str]:
    """The project's templates (`admin/edit_inline/tabular.html`): what their `{{ obj.method }}` and
    `{% if form.ready %}` name is used, as no Python code shows."""
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in _SKIPPED_FOLDERS)
        # `.txt` and `.xml` are templates only in a `templates` folder (Django's e-mails), data elsewhere.
        suffixes = _TEMPLATE_SUFFIXES + _TEXT_SUFFIXES if "templates" in folder.split(os.sep) else _TEMPLATE_SUFFIXES
        for name in sorted(files):
            if name.endswith(suffixes):
                yield os.path.join(folder, name)


def template_names(text: str) -> list[str]:
    """The identifiers inside a template's `{{ ... }}` and `{% ... %}` tags."""
    if "{{" not in text and "{%" not in text:
        return []
    return [word for found in _TAGS.finditer(text) for word in _WORD.findall(found.group(1) or found.group(2))]


def _pyproject(data: bytes) -> Iterator[tuple[str, bool]]:
    """Each entry point's target, and whether it is a script (a command: the project is an application)."""
    from simplelint.config.toml import tomllib

    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    project = _table(document, "project")
    poetry = _table(_table(document, "tool"), "poetry")
    tables = [(t, True) for t in (project.get("scripts"), project.get("gui-scripts"), poetry.get("scripts"))]
    groups = [project.get("entry-points"), poetry.get("plugins")]  # plugins: a library may declare them too
    tables += [(t, False) for g in groups if isinstance(g, dict) for t in g.values()]
    for table, script in tables:
        if isinstance(table, dict):
            yield from ((v if isinstance(v, str) else str(v.get("reference", "")), script) for v in table.values()
                        if isinstance(v, (str, dict)))  # fmt: skip


def _table(document: dict[str, Any], key: str) -> dict[str, Any]:
    """`document[key]` if it is a table (a pyproject.toml of test data may hold anything)."""
    value = document.get(key)
    return value if isinstance(value, dict) else {}


def _setup_cfg(data: bytes) -> Iterator[tuple[str, bool]]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(data.decode("utf-8", "replace"))
    except configparser.Error:
        return
    if parser.has_section("options.entry_points"):
        for group, value in parser["options.entry_points"].items():
            script = group in ("console_scripts", "gui_scripts")
            yield from ((line.partition("=")[2], script) for line in value.splitlines() if "=" in line)


def _identifiers(value: str) -> list[str]:
    return [part for part in value.replace(":", ".").replace(" ", "").split(".") if part.isidentifier()]


class Join:
    """The dead definitions of the project, from every file's `DeadCodeFacts`."""

    def __init__(self, project: Project, options: Mapping[str, Any], entries: Entry) -> None:
        self.files = [(file, facts) for file, facts in project.facts(DeadCodeFacts.name)]
        self.options = options
        # How many files mention each name: counted in C over the facts' keys (adding up the counts themselves,
        # name by name in Python, was most of the join's time on Django).
        self.files_with: Counter[str] = Counter(chain.from_iterable(facts["n"] for _, facts in self.files))
        prefixes: set[str] = set()
        self.modules = {file.module_name or file.path for file, _ in self.files}
        self.packages = {m.partition(".")[0] for m in self.modules}
        self.classes: dict[str, _Class] = {}
        self.scanned = {module for _, facts in self.files for module in facts["s"]}
        self.by_short: dict[str, list[str]] = {}
        for file, facts in self.files:
            prefixes.update(facts["p"])
            module = file.module_name or file.path
            for qualname, (bases, flags) in facts["c"].items():
                full = f"{module}.{qualname}"
                self.classes[full] = _Class(module, qualname, bases, flags, file.is_test)
                self.by_short.setdefault(qualname.rpartition(".")[2], []).append(full)
            for _, qualname, *_ in facts["d"]:
                owner, _, name = qualname.rpartition(".")
                if owner and f"{module}.{owner}" in self.classes:
                    self.classes[f"{module}.{owner}"].members.add(name)
        self.entries = entries.names
        self.mentioned: set[tuple[str, str]] = set()  # (path, qualname) of what code mentions elsewhere
        self.prefixes = sorted(prefixes)
        # A library's public names are its API: reported only when asked.
        self.keep_public = _library(options, entries) and not options.get("report-public", False)
        self._lineages: dict[str, _Lineage] = {}
        self.whitelist = [str(glob) for glob in options.get("whitelist", [])]

    # --- classes ---------------------------------------------------------------------------------------

    def lineage(self, full: str) -> _Lineage:
        found = self._lineages.get(full)
        if found is None:
            self._lineages[full] = _Lineage([full], True, True, "")  # a base cycle: the safe answer
            found = self._lineages[full] = self._lineage(full)
        return found

    def _lineage(self, full: str) -> _Lineage:
        info = self.classes[full]
        ancestors, external, third_party, flags = [full], False, False, info.flags
        for base in info.bases:
            kind, candidates = self._resolve(info.module, base)
            external |= kind != "project"
            third_party |= kind == "third-party"
            for candidate in candidates:
                if candidate == full or candidate in ancestors:
                    continue
                above = self.lineage(candidate)
                ancestors += [a for a in above.ancestors if a not in ancestors]
                external |= above.external
                third_party |= above.third_party
                flags += above.flags
        return _Lineage(ancestors, external, third_party, flags)

    def _resolve(self, module: str, base: str) -> tuple[str, list[str]]:
        """What a base class is: ("project", its classes), ("neutral", []), ("stdlib", []) or ("third-party",
        []). A name the project defines is taken for each class of that name (re-exports and star imports
        are not followed), so a base is the project's only when the name says so."""
        local = base.startswith(".")
        dotted = base.lstrip(".")
        short = dotted.rpartition(".")[2]
        if short in _NEUTRAL_BASES:
            return "neutral", []
        exact = f"{module}.{dotted}" if local else dotted
        if exact in self.classes:
            return "project", [exact]
        top = dotted.partition(".")[0]
        if local and top in _BUILTINS:
            return "stdlib", []
        if not local and top not in self.packages:
            return ("stdlib" if top in _STDLIB else "third-party"), []
        named = self.by_short.get(short, [])
        return ("project", named) if named else ("third-party", [])  # `Base = declarative_base()`

    # --- the verdicts ------------------------------------------------------------------------------------

    def dead(self) -> list[Dead]:
        found = []
        for file, facts in self.files:
            module = file.module_name or file.path
            if _for_type_checkers(facts):
                continue  # a type checker's sample: its functions exist to be checked, never called
            if not file.is_test or self._test_code(file.path, module):
                found += self._dead_in(file, facts, module)
        return found

    def _dead_in(self, file: FileFacts, facts: dict[str, Any], module: str) -> list[Dead]:
        found: list[Dead] = []
        dead_classes: list[str] = []
        for row in facts["d"]:
            kind, qualname, line, column, end_line, end_column, reason, own = row
            if self._mentioned(facts, qualname.rpartition(".")[2], own):
                self.mentioned.add((file.path, qualname))
            if reason or any(qualname.startswith(c + ".") for c in dead_classes):
                continue  # used whatever mentions it, or reported with its class
            if self._used(file, facts, module, row):
                continue
            owner = qualname.rpartition(".")[0]
            label = "class" if kind == "c" else "method" if owner else "function"
            found.append(Dead(file.path, label, qualname, (line, column, end_line, end_column)))
            if kind == "c":
                dead_classes.append(qualname)
        return found

    def _used(self, file: FileFacts, facts: dict[str, Any], module: str, row: list[Any]) -> bool:
        """Whether a definition is used, or may be, in a way its reason for being kept does not say."""
        kind, qualname, own = row[0], row[1], row[-1]
        owner, _, name = qualname.rpartition(".")
        full = f"{module}.{qualname}"
        owner_full = f"{module}.{owner}"
        return (
            self._mentioned(facts, name, own)
            or name in self.entries
            or any(name.startswith(p) for p in self.prefixes)
            or any(fnmatch.fnmatchcase(full, glob) for glob in self.whitelist)
            or self.keep_public and not file.is_test and _public(module, qualname)
            or bool(owner) and owner_full in self.classes and self._inherited(owner_full, name)
            or kind == "c" and self._registered(full)
            # `globals()[name]`, `from module import *`, `dir(module)`: any top-level name
            or not owner and (facts["g"] or module in self.scanned and not name.startswith("_"))
        )

    def _mentioned(self, facts: dict[str, Any], name: str, own: int) -> bool:
        """Mentioned outside its own body: in another file, or in its own more often than inside itself."""
        here = facts["n"].get(name, 0)
        return here > own or self.files_with[name] > (1 if here else 0)

    def _test_code(self, path: str, module: str) -> bool:
        """Whether a file of the test suite is code the tests run: a test module by its name, or one that
        something imports.
        A file that is neither is data for a test (files a type checker is run over, an app loaded by path)."""
        base = os.path.basename(path)
        collected = base.startswith("test") or base.endswith(("_test.py", "conftest.py"))  # pytest's, unittest's
        return collected or module.rpartition(".")[2] in self.files_with

    def _inherited(self, owner: str, name: str) -> bool:
        """A member of `owner` that may be called as something its class inherits: an override of a
        project class's member or of a class outside the project, or a member of an interface (Protocol,
        ABC), of a stand-in for another class (`MockRequest`) or a wrapper of another object (a proxy with
        `__getattr__`, or one that delegates by the same names), or of a class that looks its attributes up
        by computed names."""
        if owner.rpartition(".")[2].startswith(_STAND_INS):
            return True
        lineage = self.lineage(owner)
        if lineage.external or any(flag in lineage.flags for flag in "agw"):
            return True
        return any(name in self.classes[a].members for a in lineage.ancestors[1:])

    def _registered(self, full: str) -> bool:
        """A class that its creation registers somewhere: a metaclass or `__init_subclass__` of its own or an
        ancestor's, a framework's base class, or a test case class (unittest collects it, named so or not)."""
        lineage = self.lineage(full)
        if "m" in lineage.flags or "s" in lineage.flags or lineage.third_party:
            return True
        return self.classes[full].in_test and lineage.external


def _for_type_checkers(facts: dict[str, Any]) -> bool:
    names = facts["n"]
    return "reveal_type" in names or "assert_type" in names


def _library(options: Mapping[str, Any], entries: Entry) -> bool:
    """Whether the project is a library, whose public names are its API (`library = "auto"`: a project
    that declares no scripts; plugin entry points, such as pytest11, libraries have too, and a `__main__`
    module is as often an example's as the project's)."""
    setting = str(options.get("library", "auto")).lower()
    if setting in ("true", "false"):
        return setting == "true"
    return not entries.scripts


def _public(module: str, qualname: str) -> bool:
    parts = [*module.split("."), *qualname.split(".")]
    return not any(p.startswith("_") and not (p.startswith("__") and p.endswith("__")) for p in parts)


def checked_library(value: Any) -> Optional[str]:
    """The error for a `library` value that is none of "auto", "true", "false"."""
    if str(value).lower() in ("auto", "true", "false"):
        return None
    return f'[tool.simplelint.dead-code] library = "{value}": expected "auto", "true" or "false"'
