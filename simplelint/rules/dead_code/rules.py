"""SL501 unused-function and SL502 unused-class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from simplelint.config.settings import Settings
from simplelint.engine.violation import Violation
from simplelint.ruleinfo import Invalid, Option, Project, ProjectRule, Valid
from simplelint.rules.dead_code.facts import DeadCodeFacts
from simplelint.rules.dead_code.join import Dead, entry_points
from simplelint.rules.dead_code.verdicts import dead_definitions

OPTIONS: Mapping[str, Option] = {
    "whitelist": Option(
        [],
        "Qualified names that count as used, as globs: `shop.cli.main`, `shop.plugins.*`, `*.handle_*` (for "
        "what the project calls in ways no code shows).",
    ),
    "library": Option(
        "auto",
        'Whether the project is a library, whose public names are its API and not reported: "true", "false", '
        'or "auto" (a library when pyproject.toml and setup.cfg declare no scripts, console or GUI).',
    ),
    "report-public": Option(
        False, "In a library, report public names too (those with no `_` in their module or name)."
    ),
}

_APP = {"library": "false"}  # the examples are applications: their public names are reported
_SHOP = "def refund(order):\n    return order.total\n\n\ndef pay(order):\n    return order.total\n"
class _DeadCode(ProjectRule):
    kinds: ClassVar[tuple[str, ...]] = ()
    options = OPTIONS
    FACTS = (DeadCodeFacts,)

    @classmethod
    def fact_paths(cls, settings: Settings, files: list[str]) -> list[str]:
        from simplelint.rules.untested import UntestedFunction

        return UntestedFunction.fact_paths(settings, files)  # the whole project, its tests included

    @classmethod
    def cache_stamp(cls, project: Project, config: Mapping[str, Any]) -> str:
        return entry_points(project).stamp  # pyproject.toml / setup.cfg's entry points, the templates

    @classmethod
    def check_project(cls, project: Project, config: Mapping[str, Any]) -> list[Violation]:
        found = []
        for dead in dead_definitions(project, config):
            if dead.kind not in cls.kinds:
                continue
            line, column, end_line, end_column = dead.position
            message = cls.message(dead)
            found.append(Violation(cls.code, cls.name, message, dead.path, line, column, end_line, end_column,
                                   context=dead.qualname))  # fmt: skip
        return found

    @classmethod
    def message(cls, dead: Dead) -> str:
        raise NotImplementedError


class UnusedFunction(_DeadCode):
    """
    ## What it does
    Flags functions and methods that nothing in the project uses: no code and no test mentions their
    name (outside their own body, so recursion does not count) or reaches them another way.

    These count as uses: the name anywhere in the project's code or tests (a call, an attribute, an
    import, `__all__`, a short code-like string such as `getattr(obj, "name")` or `"pkg.mod:func"`), a
    string that builds the name from a prefix (`"visit_" + kind`, `"clean_%s"`), the targets of
    `[project.scripts]` / `[project.entry-points]` in pyproject.toml and of setup.cfg's entry points, and
    `whitelist`. A method is not reported when it may be called as something its class inherits: an
    override of a method of a project base class, any method of a class with a base from outside the
    project (the rule does not guess what external classes define), members of Protocols and ABCs, and
    methods of a class that looks its attributes up by computed names (`getattr(self, name)`). Also never
    reported: dunders, tests, fixtures and hooks that pytest or unittest collect (`test_*`, `pytest_*`,
    `setUp`), properties, `@overload` and `@abstractmethod` signatures, dispatch targets (`visit_*`,
    `do_*`), and functions with a decorator that may register them (any decorator but the plain
    wrappers `staticmethod`, `classmethod`, `lru_cache`, `contextmanager`, ...). A function defined inside
    another is part of it, and a method of an unused class is reported with its class (SL502).

    In a library (`library`: by default, a project whose pyproject.toml or setup.cfg declares no scripts),
    public names are its API and are reported only with `report-public`.
    Names are matched, not resolved: a method that shares its name with a used one is not reported.

    ## Why is this bad?
    The best code is no code: code nothing uses still has to be read, kept up to date and kept passing the
    type checker, and misleads readers about what the program does.

    ## Example
    ```python
    def refund(order):   # nothing calls refund
        return order.total
    ```

    ## Use instead
    Delete it (version control keeps it). If something does use it in a way the code does not show (a
    plugin system, a template), add its qualified name to `whitelist`.
    """

    code = "SL501"
    name = "unused-function"
    summary = "Function or method that nothing in the project uses"
    kinds = ("function", "method")
    VALID = [
        Valid(files={"pkg/shop.py": _SHOP, "pkg/cli.py": "from pkg.shop import pay, refund\n\n"
                     "if __name__ == '__main__':\n    pay(refund(None))\n"}, path="pkg/shop.py", options=_APP),
        Valid(files={"pkg/web.py": "import app\n\n@app.route('/')\ndef index():\n    return ''\n"},
              path="pkg/web.py", options=_APP),
        Valid(files={"pkg/shapes.py": "class Shape:\n    def area(self):\n        return 0\n\n\n"
                     "class Square(Shape):\n    def area(self):\n        return 1\n\n\nprint(Square().area())\n"},
              path="pkg/shapes.py", options=_APP),
        Valid(files={"pkg/errors.py": "class Oops(Exception):\n    def describe(self):\n        return ''\n\n\n"
                     "raise Oops()\n"}, path="pkg/errors.py", options=_APP),
        Valid(files={"pkg/lib.py": "def helper():\n    pass\n"}, path="pkg/lib.py"),  # a library's API
        Valid(files={"pkg/shop.py": _SHOP}, path="pkg/shop.py", options={**_APP, "whitelist": ["pkg.shop.*"]}),
    ]  # fmt: skip
    INVALID = [
        Invalid(files={"pkg/shop.py": _SHOP, "pkg/cli.py": "from pkg.shop import pay\n\npay(None)\n"},
                path="pkg/shop.py", options=_APP, count=1, message="Function `refund` is never used"),
        Invalid(files={"pkg/walk.py": "def walk(node):\n    return walk(node.parent)\n"}, path="pkg/walk.py",
                options=_APP, count=1),
        Invalid(files={"pkg/shapes.py": "class Square:\n    def area(self):\n        return 1\n\n"
                       "    def perimeter(self):\n        return 4\n\n\nprint(Square().area())\n"},
                path="pkg/shapes.py", options=_APP, count=1, message="Method `Square.perimeter`"),
        Invalid(files={"pkg/lib.py": "def helper():\n    pass\n"}, path="pkg/lib.py",
                options={"report-public": True}, count=1),
    ]  # fmt: skip

    @classmethod
    def message(cls, dead: Dead) -> str:
        what = "Method" if dead.kind == "method" else "Function"
        return f"{what} `{dead.qualname}` is never used: nothing in the project refers to it; delete it"


class UnusedClass(_DeadCode):
    """
    ## What it does
    Flags classes that nothing in the project uses: no code and no test mentions their name outside
    the class itself. Its methods are then not reported one by one (SL501).

    Uses are counted as for SL501 (names, code-like strings, entry points, `whitelist`). Also never
    reported: a class with a decorator that may register it (`@admin.register(Model)`), a class that its
    creation may register somewhere (a metaclass or `__init_subclass__` of its own or of a base, a base
    from a third-party package such as a framework's model or plugin class), test classes (`Test*`, and
    in test files any class with a base from outside the project, as unittest collects them), and a
    nested class that may override one its outer class inherits (Django's `Meta`).

    ## Why is this bad?
    A class nothing uses is dead code: it has to be read and kept working for nothing.

    ## Example
    ```python
    class LegacyExporter:   # nothing mentions LegacyExporter
        def export(self): ...
    ```

    ## Use instead
    Delete it, its methods with it. If it is used in a way the code does not show, add it to `whitelist`.
    """

    code = "SL502"
    name = "unused-class"
    summary = "Class that nothing in the project uses"
    kinds = ("class",)
    VALID = [
        Valid(files={"pkg/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n    pass\n"},
              path="pkg/models.py", options=_APP),
        Valid(files={"tests/test_x.py": "class TestOrder:\n    def test_total(self):\n        pass\n"},
              path="tests/test_x.py", options=_APP),
        Valid(files={"pkg/plugins.py": "class Plugin:\n    def __init_subclass__(cls):\n        pass\n\n\n"
                     "class Csv(Plugin):\n    pass\n"}, path="pkg/plugins.py", options=_APP),
    ]  # fmt: skip
    INVALID = [
        Invalid(files={"pkg/export.py": "class LegacyExporter:\n    def export(self):\n        pass\n\n"
                       "    def close(self):\n        pass\n"},
                path="pkg/export.py", options=_APP, count=1, message="Class `LegacyExporter` is never used"),
        Invalid(files={"pkg/errors.py": "class Oops(Exception):\n    pass\n"}, path="pkg/errors.py",
                options=_APP, count=1),
    ]  # fmt: skip

    @classmethod
    def message(cls, dead: Dead) -> str:
        return f"Class `{dead.qualname}` is never used: nothing in the project refers to it; delete it"
