"""Gates: project-wide goals (`[tool.simplelint.gates]`) that hold a trend, not a single finding.

Three numbers, each computed here and nowhere else (the HTML report shows these same `Measures`: the run's in its
cards, each file's, `Measures.by_file`, summed per package and module in its tables), over the code outside the
test suite of the files checked:

- type coverage: the share of parameters (but a method's `self`/`cls`) and returns that carry an annotation;
- tested share: the share of the functions SL301/SL302 judge (public ones, by their options) that no SL3xx
  finding flags, i.e. reached by a test (statically, or in coverage data when given);
- average complexity: the mean cyclomatic complexity (SL101's, = mccabe's) per function.

They come from per-file facts (`FunctionMetrics`, SL301's `UntestedFacts`) and the project stage's findings,
all of which the cache stores: a warm run measures what `--no-cache` measures. A gate that fails becomes a
finding-like line at the gate's key in the config (code `gate`), so every output format carries it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Optional

from simplelint.engine.violation import Violation

if TYPE_CHECKING:
    from simplelint.config.settings import Goal, Settings
    from simplelint.engine.result import FileResult

CODE = "gate"
METRICS_COLLECTOR = "simplelint.output.metrics:FunctionMetrics"
FUNCTIONS = "function-metrics"  # FunctionMetrics.name (that module loads LibCST)
TESTED_BY = ("SL301", "SL302")

# key -> (whether the measure must reach the goal from below, the largest goal allowed, what it measures)
GATES: Mapping[str, tuple[bool, Optional[float], str]] = {
    "min-type-coverage": (True, 100.0, "Least share (%) of parameters and returns annotated."),
    "min-tested-share": (True, 100.0, "Least share (%) of public functions reached by tests (SL301/SL302)."),
    "max-average-complexity": (False, None, "Largest mean cyclomatic complexity per function."),
}


@dataclass(frozen=True)
class Measures:
    """The raw counts behind the gates' numbers; a share is None when there is nothing to count."""

    typed: int = 0  # annotated parameters and returns
    slots: int = 0  # parameters and returns that could be annotated
    functions: int = 0  # functions with a complexity
    complexity: int = 0  # their cyclomatic complexities summed
    judged: Optional[int] = None  # functions SL301/SL302 judge; None when neither ran
    untested: int = 0  # of those, the ones they flag
    # In a file's own: the lines of the names of the functions judged (the report's per-function column).
    judged_lines: frozenset[int] = field(default=frozenset(), compare=False, repr=False)
    # Each checked file's own counts, which add up to these (the report's per-package and per-module columns);
    # empty in a file's own.
    by_file: Mapping[str, Measures] = field(default_factory=dict, compare=False, repr=False)

    def __add__(self, other: Measures) -> Measures:
        """The counts of both (a package's, from its modules'); judged stays None only when neither judged."""
        judged = None if self.judged is None and other.judged is None else (self.judged or 0) + (other.judged or 0)
        return Measures(
            self.typed + other.typed, self.slots + other.slots, self.functions + other.functions,
            self.complexity + other.complexity, judged, self.untested + other.untested,
        )  # fmt: skip

    @property
    def type_coverage(self) -> Optional[float]:
        return 100.0 * self.typed / self.slots if self.slots else None

    @property
    def tested_share(self) -> Optional[float]:
        return 100.0 * (self.judged - self.untested) / self.judged if self.judged else None

    @property
    def average_complexity(self) -> Optional[float]:
        return self.complexity / self.functions if self.functions else None

    def value(self, key: str) -> Optional[float]:
        return {
            "min-type-coverage": self.type_coverage,
            "min-tested-share": self.tested_share,
            "max-average-complexity": self.average_complexity,
        }[key]


def wanted(settings: Settings) -> bool:
    """Whether this run measures: it has gates, or writes the HTML report (which shows the same numbers)."""
    return bool(settings.gates) or METRICS_COLLECTOR in settings.collectors


def collectors(settings: Settings) -> tuple[str, ...]:
    """The settings' collectors with the one the gates read."""
    if METRICS_COLLECTOR in settings.collectors:
        return settings.collectors
    return (*settings.collectors, METRICS_COLLECTOR)


def measure(files: Iterable[FileResult], project_findings: Iterable[Violation], settings: Settings) -> Measures:
    """The gates' numbers over the checked files' facts and the project stage's findings (before `# noqa`
    and the baseline: a function whose SL301 finding is suppressed is still untested): the sum of each file's,
    which `by_file` keeps."""
    by_file = _by_file([f for f in files if not f.is_test], project_findings, settings)
    return replace(sum(by_file.values(), Measures()), by_file=by_file)


def _by_file(code: list[FileResult], findings: Iterable[Violation], settings: Settings) -> dict[str, Measures]:
    judged, flagged = _tested(code, findings, settings)
    found = {}
    for file in code:
        typed = slots = functions = complexity = 0
        for function in file.facts.get(FUNCTIONS) or ():
            typed += function.get("typed", 0)
            slots += function.get("slots", 0)
            if function.get("cyclomatic") is not None:
                functions += 1
                complexity += function["cyclomatic"]
        places = judged.get(file.path)
        count = len(places) if places is not None else None
        untested = min(flagged[file.path], count) if count is not None else 0
        lines = frozenset(line for line, _ in places or ())
        found[file.path] = Measures(typed, slots, functions, complexity, count, untested, lines)
    return found


def _tested(
    code: list[FileResult], findings: Iterable[Violation], settings: Settings
) -> tuple[dict[str, set[tuple[int, int]]], Counter[str]]:
    """Per file where SL301 or SL302 is enabled: the functions they judge (where their names are, where those
    rules report), and how many they flag (a function flagged by both counts once)."""
    judging = {f.path for f in code if any(c in settings.codes_for(f.path) for c in TESTED_BY)}
    if not judging:
        return {}, Counter()
    from simplelint.ruleinfo import FileFacts
    from simplelint.rules.untested import definitions_in, judged

    files = [FileFacts(f.path, f.module_name, f.is_test, f.is_production, f.facts) for f in code if f.path in judging]
    options = settings.options.get("tests", {})
    lines: dict[str, set[tuple[int, int]]] = {path: set() for path in judging}
    for definition in judged(definitions_in(files), options):
        lines[definition.path].add(definition.position[:2])
    flagged = Counter(path for path, _ in {(v.path, v.line) for v in findings if v.code in TESTED_BY})
    return lines, Counter({p: n for p, n in flagged.items() if p in judging})


@dataclass(frozen=True)
class Verdict:
    goal: Goal
    value: Optional[float]  # None: nothing to measure (the gate passes)

    @property
    def passed(self) -> bool:
        if self.value is None:
            return True
        at_least = GATES[self.goal.key][0]
        return self.value >= self.goal.value if at_least else self.value <= self.goal.value

    def line(self, measures: Measures) -> str:
        """`min-type-coverage: 71.3% < 80% (annotate 42 more parameters or returns)`."""
        key, goal = self.goal.key, self.goal.value
        if self.value is None:
            return f"{key}: not measured, {_unmeasured(key)} (goal {_shown(key, goal)})"
        at_least = GATES[key][0]
        relation = (">=" if at_least else "<=") if self.passed else ("<" if at_least else ">")
        text = f"{key}: {_shown(key, self.value, goal)} {relation} {_shown(key, goal)}"
        return text if self.passed else f"{text} ({_advice(key, goal, measures)})"


def _shown(key: str, value: float, goal: Optional[float] = None) -> str:
    """A share as `71.3%` (`80%` when whole), an average as `3.14` (`3` when whole, as goals are written); with
    more digits where rounding would show a value that differs from the goal as the goal (79.996% -> 80.0%)."""
    percent = "" if key == "max-average-complexity" else "%"
    if value == int(value):
        return f"{value:.0f}{percent}"
    digits = 2 if key == "max-average-complexity" else 1
    text = f"{value:.{digits}f}"
    while goal is not None and float(text) == goal and digits < 6:
        digits += 1
        text = f"{value:.{digits}f}"
    return text + percent


def _unmeasured(key: str) -> str:
    if key == "min-tested-share":
        return "neither SL301 nor SL302 is enabled, or no function is judged"
    return "no function outside the tests"


def _advice(key: str, goal: float, measures: Measures) -> str:
    """How far the goal is, in the units a person acts on."""
    from simplelint.wording import plural

    if key == "min-type-coverage":
        more = math.ceil(goal * measures.slots / 100 - 1e-9) - measures.typed
        return f"annotate {plural(more, 'more parameter or return', 'more parameters or returns')}"
    if key == "min-tested-share":
        judged = measures.judged or 0
        more = math.ceil(goal * judged / 100 - 1e-9) - (judged - measures.untested)
        return f"test {plural(more, 'more function')}"
    over = math.ceil(measures.complexity - goal * measures.functions - 1e-9)
    return f"remove {plural(over, 'decision point')} across {plural(measures.functions, 'function')}"


def evaluate(measures: Measures, goals: Iterable[Goal]) -> list[Verdict]:
    return [Verdict(goal, measures.value(goal.key)) for goal in goals]


def as_violation(verdict: Verdict, measures: Measures) -> Violation:
    """A failed gate as a finding at its key in the config file, so that every output format reports it."""
    goal = verdict.goal
    line = max(goal.line, 1)
    return Violation(CODE, goal.key, verdict.line(measures), goal.path, line, 1, line, 1)
