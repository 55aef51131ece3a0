"""What SL501/SL502 find, joined once per run and shared: with the two rules, and with SL301, which leaves
what they report to them (a module of its own, so that SL301 and SL5 do not import each other)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simplelint.ruleinfo import Project
from simplelint.rules.dead_code.join import Dead, Join, checked_library, entry_points

_last: list[tuple[Project, list[Dead], set[tuple[str, str]]]] = []


def dead_definitions(project: Project, options: Mapping[str, Any]) -> list[Dead]:
    """What nothing uses, joined once per run for both rules (and for SL301, which leaves them to SL501)."""
    return _verdicts(project, options)[0]


def mentioned(project: Project, options: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(path, qualified name) of the definitions other code mentions: SL301 says those are used only by
    untested code when no test reaches them."""
    return _verdicts(project, options)[1]


def _verdicts(project: Project, options: Mapping[str, Any]) -> tuple[list[Dead], set[tuple[str, str]]]:
    if _last and _last[0][0] is project:
        return _last[0][1], _last[0][2]
    error = checked_library(options.get("library", "auto"))
    if error and error not in project.warnings:
        project.warnings.append(error)
    join = Join(project, options, entry_points(project))
    found = join.dead()
    _last[:] = [(project, found, join.mentioned)]
    return found, join.mentioned
