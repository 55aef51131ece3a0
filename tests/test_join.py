"""SL301's incremental join (issue 21): whatever the edits, an updated join finds exactly what a fresh one finds.

A seeded random project (modules, tests, fixtures, classes with bases and overrides, imports and star
imports that may loop, registrations, dispatch by name) is edited step by step; after each edit the join
updated with the changed files, and one saved and loaded again, must agree with a join of all files from
scratch, in any order. The CLI's cached runs must print what `--no-cache` runs print.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
from click.testing import CliRunner

from simplelint.cli import main
from simplelint.rule import FileContext, FileFacts, python_ast
from simplelint.rules.untested.facts import UntestedFacts
from simplelint.rules.untested.join import Definition, Join, compile_token
from simplelint.testing import settings_for

NAMES = ["alpha", "beta", "visit_a", "visit_b", "run", "__eq__", "__len__", "__add__"]
RARE = ["visit_rare", "gamma", "Inner"]  # names that appear seldom: a method name new to the project
CLASSES = ["Base", "Child", "Mixin", "Other"]
MODULES = ["pkg/a.py", "pkg/b.py", "pkg/c.py", "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/d.py"]
TESTS = ["tests/test_a.py", "tests/test_b.py", "tests/conftest.py"]
# Where files come and go: a module that is also a package (`pkg/a/__init__.py`), a module that moves
# between the package and the tests.
EXTRA = ["pkg/a/__init__.py", "pkg/e.py", "tests/test_e.py"]
LEAVES = ["a", "b", "c", "sub.d", "e"]


def module_of(path: str) -> str:
    parts = path[: -len(".py")].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass
class Block:
    """A top-level statement, as fields that edits change one at a time."""

    kind: str
    fields: dict[str, Any]


class RandomProject:
    """Files as lists of blocks of code, edited at random: mostly one field of one block at a time (a name, a
    base, a reference, an import), sometimes whole blocks and files."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.files: dict[str, list[Block]] = {}
        for path in MODULES + TESTS:
            self.files[path] = [self.block(path) for _ in range(rng.randint(1, 4))]

    def text(self, path: str) -> str:
        return "\n\n".join(render(block) for block in self.files[path]) + "\n"

    # --- what code says -------------------------------------------------------------------------------

    def name(self) -> str:
        return self.rng.choice(NAMES if self.rng.random() < 0.9 else RARE)

    def reference(self, receiver: str) -> str:
        """A line of code referring to something; `receiver` is `self` in a method, a parameter or "obj"."""
        rng = self.rng
        name, cls, module = self.name(), rng.choice(CLASSES), rng.choice(LEAVES)
        leaf = module.split(".")[-1]
        return rng.choice([
            f"{name}()", f"pkg.{module}.{name}()", f"{leaf}.{name}()", f"{cls}().{name}()", f"{cls}.{name}",
            f"x: {cls} = make(); x.{name}()", f"{receiver}.{name}()", f"{rng.choice(CLASSES)}()",
            f"value = {cls}(); value.{name}()", f"'pkg.{module}:{name}'", f"len({receiver})", "obj == other",
            "a + b", f"getattr({receiver}, 'visit_' + kind)()", f"pkg.{module}.{cls}().{name}()",
            f"{leaf}.{cls}.Inner().{name}()", f"{cls}.Inner.{name}", f"make_{leaf}().{name}()",
            f"super().{name}()" if receiver == "self" else f"{name}.cache_clear()",
        ])  # fmt: skip

    def references(self, receiver: str) -> list[str]:
        return [self.reference(receiver) for _ in range(self.rng.randint(1, 3))]

    def block(self, path: str) -> Block:
        rng = self.rng
        kinds = ["function", "class", "import", "statement", "lambda", "guard", "main"]
        if path.startswith("tests/"):
            kinds += ["test", "test", "fixture", "test class"]
        kind = rng.choice(kinds)
        return Block(kind, {field: self.field(kind, field) for field in FIELDS[kind]})

    def field(self, kind: str, field: str) -> Any:
        rng = self.rng
        makers: dict[str, Callable[[], Any]] = {
            "name": lambda: f"test_{rng.randint(0, 3)}" if kind == "test" else self.name(),
            "cls": lambda: rng.choice(CLASSES),
            "bases": lambda: rng.choice(["", "Base", "Child", "b.Child", "pkg.a.Base", "Mixin, Base", "pkg.sub.d.Other"]),
            "refs": lambda: self.references("self" if kind in ("class", "test class") else "obj"),
            "param": lambda: rng.choice(["", "fixture_alpha", "fixture_beta", "book"]),
            "decorator": lambda: rng.choice(["", "", f"@{self.name()}.command()\n", "@functools.cache\n"]),
            "returns": lambda: rng.choice(["", "", f" -> {rng.choice(CLASSES)}", " -> pkg.b.Child", " -> Optional[Base]"]),
            "methods": lambda: [[self.name(), self.references("self")] for _ in range(rng.randint(0, 2))],
            "aliases": lambda: [[self.name(), self.name()] for _ in range(rng.randint(0, 1))],
            "inner": lambda: rng.random() < 0.3,
            "fixture": lambda: rng.choice(["fixture_alpha", "fixture_beta", "book"]),
            "text": self.import_statement,
        }
        return makers[field]()

    def import_statement(self) -> str:
        rng = self.rng
        name, cls, module = self.name(), rng.choice(CLASSES), rng.choice(LEAVES)
        return rng.choice([
            f"from pkg.{module} import {rng.choice([name, cls, '*'])}", f"import pkg.{module}",
            f"import pkg.{module} as {module.split('.')[-1]}", f"from pkg import {module.split('.')[0]}",
            f"from . import {rng.choice(['a', 'b', '*'])}", f"from .{module.split('.')[-1]} import {name}",
            f"from .{module.split('.')[-1]} import *", f"from pkg.{module} import {cls} as {rng.choice(CLASSES)}",
        ])  # fmt: skip

    # --- edits ----------------------------------------------------------------------------------------

    def edit(self) -> tuple[list[str], list[str]]:
        """One random edit: the paths changed (or added), and the paths removed."""
        rng = self.rng
        path = rng.choice(sorted(self.files))
        blocks = self.files[path]
        kind = rng.randrange(20)
        if kind < 10 and blocks:
            self.tweak(rng.choice(blocks), path)
        elif kind < 13:
            blocks.insert(rng.randint(0, len(blocks)), self.block(path))
        elif kind < 16 and blocks:
            blocks.pop(rng.randrange(len(blocks)))
        elif kind < 18 and blocks:
            blocks[rng.randrange(len(blocks))] = self.block(path)
        elif kind == 18 and len(self.files) > 3:
            del self.files[path]
            return [], [path]
        else:
            new = rng.choice([p for p in MODULES + TESTS + EXTRA if p not in self.files] or [path])
            self.files[new] = copy.deepcopy(blocks)  # a copy elsewhere: another module, or a test file
            return [new], []
        return [path], []

    def tweak(self, block: Block, path: str) -> None:
        """Change one field of a block: one reference, method or alias of a list, or the whole field."""
        rng = self.rng
        field = rng.choice(sorted(block.fields))
        value = block.fields[field]
        if isinstance(value, list) and value and rng.random() < 0.7:
            fresh = self.field(block.kind, field)
            if fresh and rng.random() < 0.5:
                value[rng.randrange(len(value))] = fresh[0]
            elif rng.random() < 0.5:
                value.pop(rng.randrange(len(value)))
            else:
                value.insert(rng.randint(0, len(value)), (fresh or value)[0])
        else:
            block.fields[field] = self.field(block.kind, field)

    def facts(self, path: str, is_test: Optional[bool] = None) -> FileFacts:
        source = self.text(path).encode()
        is_test = path.startswith("tests/") if is_test is None else is_test
        context = FileContext(path, source, settings_for(Path("."), frozenset({"SL301"})), module_of(path), is_test)
        tree = python_ast(source)
        assert tree is not None, self.text(path)
        facts = {UntestedFacts.name: UntestedFacts.collect(tree, context)}
        return FileFacts(path, module_of(path), is_test, False, facts, hashlib.sha256(source).hexdigest())


FIELDS = {
    "function": ["decorator", "name", "returns", "refs"],
    "class": ["cls", "bases", "methods", "aliases", "inner"],
    "import": ["text"],
    "statement": ["refs"],
    "lambda": ["name", "cls"],
    "guard": ["name", "refs"],
    "main": ["refs"],
    "test": ["name", "param", "refs"],
    "fixture": ["fixture", "returns", "refs"],
    "test class": ["cls", "bases", "refs"],
}


def render(block: Block) -> str:
    return RENDER[block.kind](block.fields)


def render_class(fields: dict[str, Any]) -> str:
    lines = [f"class {fields['cls']}({fields['bases']}):", "    pass"]
    lines += [f"    {alias} = {target}" for alias, target in fields["aliases"]]
    for name, refs in fields["methods"]:
        lines += [f"    def {name}(self):", body(refs, 2)]
    if fields["inner"]:
        lines += ["    class Inner:", "        def alpha(self):", "            return 1"]
    return "\n".join(lines)


def render_guard(fields: dict[str, Any]) -> str:
    twice = f"    def {fields['name']}(obj):\n{body(fields['refs'], 2)}"  # one function, defined in either branch
    return f"if flag:\n{twice}\nelse:\n{twice}"


def render_test(fields: dict[str, Any]) -> str:
    param = fields["param"]
    return f"def {fields['name']}({param}):\n{body([r.replace('obj', param or 'obj') for r in fields['refs']], 1)}"


RENDER: dict[str, Callable[[dict[str, Any]], str]] = {
    "function": lambda f: f"{f['decorator']}def {f['name']}(obj){f['returns']}:\n{body(f['refs'], 1)}",
    "class": render_class,
    "import": lambda f: str(f["text"]),
    "statement": lambda f: body(f["refs"], 0),
    "lambda": lambda f: f"KEY_{f['cls']} = lambda obj: {f['name']}(obj)",
    "guard": render_guard,
    "main": lambda f: f"if __name__ == '__main__':\n{body(f['refs'], 1)}",
    "test": render_test,
    "fixture": lambda f: f"@pytest.fixture\ndef {f['fixture']}(){f['returns']}:\n{body(f['refs'], 1)}",
    "test class": lambda f: f"class Test{f['cls']}({f['bases']}):\n    def test_it(self):\n{body(f['refs'], 2)}",
}


def body(refs: list[str], depth: int) -> str:
    return "\n".join("    " * depth + ref for ref in refs) or "    " * depth + "pass"


def unreached(definitions: list[Definition]) -> set[tuple[Any, ...]]:
    return {(d.path, d.qualname, d.flags, d.position, d.body) for d in definitions}


def same_state(one: Join, other: Join) -> bool:
    for join in (one, other):  # what a join holds, as it would use it
        join._parse(list(join._unparsed))
        join._parse_files(list(join._unparsed_files))
    return (one.files, one.defs, one.tokens, one.skipped) == (other.files, other.defs, other.tokens, other.skipped) and (
        json.dumps(one.compiled) == json.dumps(other.compiled)
    )


def stale(join: Join, project: RandomProject) -> list[str]:
    """The tokens whose compiled effects, or the scopes saved with them, are not what compiling them from
    scratch gives (a token compiled before a change that kept it read the same scopes)."""
    reference = Join()
    reference.update([project.facts(path) for path in project.files])
    lines = join.save()
    saved = [scopes for line in lines[1 : json.loads(lines[0])["chunks"] + 1] for scopes in unpacked(json.loads(line)[2])]
    join._parse(list(join._unparsed))  # what the join holds, as it would use it
    join._parse_files(list(join._unparsed_files))
    mine, theirs = identities(join), identities(reference)
    found = []
    for token, compiled, scopes in zip(join.tokens, join.compiled, saved):
        if compiled is not None:
            fresh_compiled, fresh_scopes = compile_token(reference.index, token)
            if normal(compiled, mine) != normal(fresh_compiled, theirs) or scopes != fresh_scopes:
                found.append(token)
    return found


def unpacked(text: str) -> list[list[str]]:
    names, rows = json.loads(text)
    return [[names[i] for i in row] for row in rows]


def identities(join: Join) -> dict[int, tuple[str, int]]:
    """Each function's key -> (its file, its place there): keys differ from join to join."""
    return {key: (path, i) for path, file in join.files.items() for i, key in enumerate(file.keys)}


def normal(compiled: Any, identity: dict[int, tuple[str, int]]) -> Any:
    """A compiled token or class as JSON, with functions named by identity rather than key."""
    data = json.loads(json.dumps(compiled))
    if isinstance(data[0], bool):  # a class: exists, bases, methods, is_test
        data[2] = {name: sorted(identity[k] for k in keys) for name, keys in data[2].items()}
    else:
        data[0] = sorted(identity[k] for k in data[0])
    return data


def fresh(project: RandomProject, rng: random.Random, match_by_name: bool = True) -> set[tuple[Any, ...]]:
    files = [project.facts(path) for path in project.files]
    rng.shuffle(files)  # the order files arrive in does not matter
    return unreached(Join(match_by_name).update(files))


@pytest.mark.parametrize("seed", range(25))  # 750 edited states: enough, and the whole suite stays under 5 minutes
def test_an_updated_join_finds_what_a_fresh_one_finds(seed: int) -> None:
    rng = random.Random(seed)
    project = RandomProject(rng)
    match_by_name = seed % 4 != 0
    join = Join(match_by_name)
    join.update([project.facts(path) for path in project.files])
    for step in range(30):
        changed, removed = project.edit()
        found = unreached(join.update([project.facts(path) for path in changed], removed))
        assert found == fresh(project, rng, match_by_name), (seed, step)
        assert not stale(join, project), (seed, step)
        loaded = Join.load(join.save(), match_by_name)  # saved and loaded again, it is the same join
        assert loaded is not None and same_state(loaded, join)
        if step % 2:  # the in-memory join goes on with what it memoised; the loaded one, without
            join = loaded


@pytest.mark.parametrize("seed", range(10))
def test_a_loaded_join_brought_up_to_date_finds_what_a_fresh_one_finds(seed: int) -> None:
    """As the CLI uses it: a join saved by an earlier run, synced with the files as they are now."""
    rng = random.Random(1000 + seed)
    project = RandomProject(rng)
    join = Join()
    join.sync([project.facts(path) for path in project.files])
    lines = join.save()
    for _ in range(20):
        for _ in range(rng.randint(1, 3)):
            project.edit()
        loaded = Join.load(Join.load(lines).save())  # type: ignore[union-attr]  # saved again untouched
        assert loaded is not None
        found = unreached(loaded.sync([project.facts(path) for path in project.files]))
        assert found == fresh(project, rng)
        lines = loaded.save()
        assert json.loads(lines[0])["format"] == 1


def test_star_imports_that_loop_resolve_whatever_was_asked_first() -> None:
    """Eight modules star-importing each other: a name none defines is looked for along every path,
    within the resolution budget, and the outcome does not depend on which name was resolved first."""
    modules = [f"pkg/m{i}.py" for i in range(8)]
    files = {path: "".join(f"from pkg.m{j} import *\n" for j in range(8) if f"pkg/m{j}.py" != path) for path in modules}
    files["pkg/m7.py"] += "def found():\n    pass\n\n\ndef lost():\n    pass\n"
    files["tests/test_m.py"] = "from pkg.m0 import found, missing\n\n\ndef test_it():\n    found()\n    missing()\n"
    project = RandomProject(random.Random(0))
    project.files = {path: [Block("import", {"text": text.rstrip("\n")})] for path, text in files.items()}
    facts = [project.facts(path) for path in project.files]
    expected = {d.qualname for d in Join().update(facts)}
    assert expected == {"lost"}
    for order in range(3):
        random.Random(order).shuffle(facts)
        join = Join()
        join.update(facts[:4])
        assert {d.qualname for d in join.update(facts[4:])} == expected


def small(files: dict[str, str]) -> RandomProject:
    project = RandomProject(random.Random(0))
    project.files = {path: [Block("import", {"text": text.strip("\n")})] for path, text in files.items()}
    return project


EQ = "class Money:\n    def compare(self, other):\n        return 1\n"
CYCLE = {  # `pkg.a.x` is `pkg.e.x` (through b, where a's own loop is cut); `pkg.b.x` is `pkg.d.x` (through a)
    "pkg/a.py": "from pkg.b import *\nfrom pkg.d import *\n",
    "pkg/b.py": "from pkg.a import *\nfrom pkg.e import *\n",
    "pkg/d.py": "def x():\n    pass\n",
    "pkg/e.py": "def x():\n    pass\n",
}
LEDGER = "class Ledger:\n    def total(self):\n        pass\n\n\nclass Journal:\n    def total(self):\n        pass\n"


@pytest.mark.parametrize(
    "before, after",
    [
        # An alias in a class body is a method: `==` now runs `compare`.
        ({"pkg/m.py": EQ, "tests/test_m.py": "from pkg.m import Money\n\ndef test_it():\n    Money() == 1\n"},
         {"pkg/m.py": EQ + "\n    __eq__ = compare\n"}),
        # A fixture's return type changes: its value's methods are another class's.
        ({"pkg/m.py": LEDGER, "tests/conftest.py": "@pytest.fixture\ndef book() -> Ledger:\n    pass\n",
          "tests/test_m.py": "def test_it(book):\n    book.total()\n"},
         {"tests/conftest.py": "from pkg.m import Journal\n\n@pytest.fixture\ndef book() -> Journal:\n    pass\n"}),
        # A class reached through a re-export gains a nested class.
        ({"pkg/a.py": "class Child:\n    pass\n", "pkg/b.py": "from pkg.a import Child\n",
          "tests/test_b.py": "from pkg import b\n\ndef test_it():\n    b.Child.Inner().alpha()\n"},
         {"pkg/a.py": "class Child:\n    class Inner:\n        def alpha(self):\n            pass\n"}),
        # Star imports in a loop, resolved in either order, before and after one of them goes.
        ({**CYCLE, "tests/test_x.py": "import pkg.a\nimport pkg.b\n\ndef test_it():\n    pkg.a.x()\n    pkg.b.x()\n"},
         {"tests/test_x.py": "import pkg.b\n\ndef test_it():\n    pkg.b.x()\n"}),
        ({**CYCLE, "tests/test_x.py": "import pkg.b\n\ndef test_it():\n    pkg.b.x()\n"},
         {"tests/test_x.py": "import pkg.a\nimport pkg.b\n\ndef test_it():\n    pkg.a.x()\n    pkg.b.x()\n"}),
        # A module appears where a name was a re-exported class: `pkg.e.run` now names nothing.
        ({"pkg/__init__.py": "from pkg.m import Tool as e\n", "pkg/m.py": "class Tool:\n    def run(self):\n        pass\n",
          "tests/test_m.py": "import pkg\n\ndef test_it():\n    pkg.e.run()\n"},
         {"pkg/e.py": ""}),
        # A function's return type changes: what calling it returns has other methods.
        ({"pkg/m.py": LEDGER + "\n\ndef make() -> Ledger:\n    pass\n",
          "tests/test_m.py": "from pkg.m import make\n\ndef test_it():\n    x = make()\n    x.total()\n"},
         {"pkg/m.py": LEDGER + "\n\ndef make() -> Journal:\n    pass\n"}),
        # A function registers with one the tests reach (`@main.command()`): it runs too.
        ({"pkg/app.py": "def main():\n    pass\n\n\ndef hello():\n    pass\n",
          "tests/test_app.py": "from pkg.app import main\n\ndef test_it():\n    main()\n"},
         {"pkg/app.py": "def main():\n    pass\n\n\n@main.command()\ndef hello():\n    pass\n"}),
        # A module appears where a dotted name only reached method names.
        ({"pkg/__init__.py": "", "pkg/m.py": "def run():\n    pass\n",
          "tests/test_m.py": "import pkg\n\ndef test_it():\n    pkg.m.run()\n    pkg.e.tool.run()\n"},
         {"pkg/e.py": "", "pkg/m.py": "class Tool:\n    def run(self):\n        pass\n"}),
    ],
)  # fmt: skip
def test_an_edit_that_changes_how_names_resolve(before: dict[str, str], after: dict[str, str]) -> None:
    project = small(before)
    join = Join()
    assert unreached(join.update([project.facts(path) for path in project.files])) == fresh(project, random.Random(0))
    project = small({**before, **after})
    found = unreached(join.update([project.facts(path) for path in after]))
    assert found == fresh(project, random.Random(0))


def test_what_a_token_read_is_recorded_as_it_is_once_a_module_appears() -> None:
    """`pkg.e.f` read before `pkg.e` existed, and again after: saved, the join must know it reads `pkg.e`."""
    files = {"pkg/__init__.py": "", "tests/test_e.py": "import pkg.e\n\ndef test_it():\n    pkg.e.f()\n"}
    project = small(files)
    join = Join()
    join.update([project.facts(path) for path in project.files])
    for version in ("def f():\n    pass\n", "def g():\n    pass\n"):
        project = small({**files, "pkg/e.py": version})
        found = unreached(join.update([project.facts("pkg/e.py")]))
        assert found == fresh(project, random.Random(0))
        loaded = Join.load(join.save())
        assert loaded is not None
        join = loaded


def test_a_file_that_becomes_a_test_file_runs_its_tests() -> None:
    project = small({"pkg/m.py": "def helper():\n    pass\n", "tests/test_m.py": "def test_it():\n    pass\n",
                     "tests/test_check.py": "from pkg.m import helper\n\ndef test_helper():\n    helper()\n"})  # fmt: skip
    join = Join()
    join.update([project.facts(path, is_test=path.startswith("tests/test_m")) for path in project.files])
    moved = project.facts("tests/test_check.py", is_test=True)  # the test patterns now match it
    assert {d.qualname for d in join.update([moved])} == {d.qualname for d in Join().update(
        [project.facts("pkg/m.py"), project.facts("tests/test_m.py"), moved])} == set()  # fmt: skip


def test_a_memoised_resolution_stands_in_only_where_resolving_again_gives_it() -> None:
    """Whichever of `pkg.a.x` and `pkg.b.x` is resolved first, each resolves as if it were the only one."""
    for first, second in (("a", "b"), ("b", "a")):
        test = f"import pkg.a\nimport pkg.b\n\ndef test_1():\n    pkg.{first}.x()\n\ndef test_2():\n    pkg.{second}.x()\n"
        project = small({**CYCLE, "tests/test_x.py": test})
        assert not Join().update([project.facts(path) for path in project.files])  # both x are reached


# --- the CLI: cached runs print what uncached runs print ------------------------------------------------


def check(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", "--select", "SL3", "--output-format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def write(project: RandomProject, root: Path, changed: list[str], removed: list[str]) -> None:
    for path in changed:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(project.text(path), encoding="utf-8")
    for path in removed:
        (root / path).unlink()


@pytest.mark.slow
def test_cached_runs_print_what_uncached_runs_print_after_each_edit(in_tmp: Path) -> None:
    rng = random.Random(7)
    project = RandomProject(rng)
    write(project, in_tmp, list(project.files), [])
    check(".")
    for _ in range(12):
        changed, removed = project.edit()
        write(project, in_tmp, changed, removed)
        one = rng.choice([p for p in sorted(project.files) if p.startswith("pkg/")])
        for target in (one, "."):  # pre-commit's one file (the rest read for facts), then the whole tree
            assert check(target) == check("--no-cache", target)


def saved_join(cache: Path) -> Path:
    """The cache entry holding SL301's join: a key line, then the join's lines."""
    for entry in cache.rglob("*.json"):
        lines = entry.read_text(encoding="utf-8").split("\n")
        if len(lines) > 1 and '"format"' in lines[1]:
            return entry
    raise AssertionError("no saved join")


@pytest.mark.parametrize(
    "damage",
    [
        lambda lines: ["not json"] + lines[1:],
        lambda lines: [lines[0].replace('"format":1', '"format":0')] + lines[1:],
        lambda lines: [lines[0].replace('"next_key":', '"next_key":-')] + lines[1:],
        lambda lines: [lines[0].replace('"unreached":[', '"unreached":[999999,')] + lines[1:],
        lambda lines: [lines[0].replace('"chunks":1', '"chunks":2')] + lines[1:],
        lambda lines: lines[:-1] + [json.dumps(json.loads(lines[-1])[:-2] + [[999999], []])],
        lambda lines: lines[:-1] + [lines[-1].replace("[[", "[[999999, ", 1)],
        lambda lines: lines[:1] + [json.dumps([["q:x"], "[[[], [], [], [], []]]", "[[], [[]]]"])] + lines[2:],
        lambda lines: lines[:1] + [json.dumps([["q:x"] * 1024, json.dumps([[["x"], [7], [1], [], [[1]]]] * 1024), "[]"])]
        + lines[2:],
        lambda lines: lines[:1] + [json.dumps([["q:x"] * 1024, json.dumps([None] * 1024), json.dumps([[], [[]] * 1024])])]
        + lines[2:],
        lambda lines: lines[:1] + [json.dumps([["q:x"], [[[], [], [], [], []]], "[[], [[]]]"])] + lines[2:],
        lambda lines: lines[:1],
    ],
)
def test_a_damaged_saved_join_is_ignored_and_rebuilt(in_tmp: Path, damage: Any) -> None:
    project = RandomProject(random.Random(3))
    write(project, in_tmp, list(project.files), [])
    expected = check("--no-cache", ".")
    assert check(".") == expected
    entry = saved_join(in_tmp / ".simplelint_cache")
    key, *lines = entry.read_text(encoding="utf-8").split("\n")
    damaged = damage(lines)
    assert damaged != lines
    entry.write_text("\n".join([key, *damaged]), encoding="utf-8")
    changed, removed = project.edit()  # the saved join is read only when the project changed
    write(project, in_tmp, changed, removed)
    assert check(".") == check("--no-cache", ".")
    assert Join.load(saved_join(in_tmp / ".simplelint_cache").read_text(encoding="utf-8").split("\n")[1:]) is not None


def test_a_file_read_only_for_facts_is_not_read_again_when_unchanged(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pre-commit's case: the other files' facts are neither loaded from their cache entries nor joined again."""
    from simplelint.run import cache

    project = RandomProject(random.Random(5))
    write(project, in_tmp, list(project.files), [])
    check(".")
    read: list[str] = []
    real = cache.Cache.get

    def counted(self: cache.Cache, path: str, digest: str) -> Optional[Any]:
        read.append(path)
        return real(self, path, digest)

    target = in_tmp / "pkg" / "a.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(cache.Cache, "get", counted)
        output = check("pkg/a.py")
    assert read == ["pkg/a.py"]  # a miss for the edited file; the others' facts were not needed
    assert output == check("--no-cache", "pkg/a.py")


def test_a_join_kept_in_memory_is_updated_not_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The language server keeps SL301's join between saves: the second call syncs the one changed file and
    finds what a fresh join finds."""
    from simplelint.rules.untested import join as join_module
    from simplelint.run.runner import project_findings

    settings = settings_for(tmp_path, frozenset({"SL301"}))
    files = {
        "pkg/a.py": "def used():\n    pass\n\n\ndef unused():\n    pass\n",
        "tests/test_a.py": "from pkg.a import used\n\n\ndef test_used():\n    used()\n",
    }

    def facts_of(sources: dict[str, str]) -> list[FileFacts]:
        found = []
        for name, text in sorted(sources.items()):
            path = str(tmp_path / name)
            context = FileContext(path, text.encode(), settings, module_name=settings.module_name(path),
                                  is_test=settings.is_test(path))  # fmt: skip
            tree = python_ast(text.encode())
            assert tree is not None
            facts = {UntestedFacts.name: UntestedFacts.collect(tree, context)}
            found.append(FileFacts(path, context.module_name, context.is_test, False, facts, str(hash(text))))
        return found

    memory: dict[str, Any] = {}
    first = project_findings(facts_of(files), settings, [], [], memory)
    assert [v.context for v in first] == ["unused"]
    synced: list[list[str]] = []
    real_update = join_module.Join.update

    def update(self: Any, changed: Any, removed: Any = ()) -> Any:
        changed = list(changed)
        synced.append([f.path for f in changed])
        return real_update(self, changed, removed)

    monkeypatch.setattr(join_module.Join, "update", update)
    test = files["tests/test_a.py"] + "\n\ndef test_unused():\n    from pkg.a import unused\n\n    unused()\n"
    second = project_findings(facts_of({**files, "tests/test_a.py": test}), settings, [], [], memory)
    assert second == [] and synced == [[str(tmp_path / "tests/test_a.py")]]  # one file again; `unused` tested
