"""Which installed distributions require a banned module, and through which requirements (SL403).

Requirements are read as their metadata writes them (`Requires-Dist`), parsed with `packaging`, and kept when
their marker holds for the environment's interpreter: `python_version < "3"` never does, and
`extra == "plot"` only when a requirement that led there asked for that extra (`vizpkg[plot]`). A distribution
that is required but not installed ends the search there (its own requirements are unknown), unless it is the
banned one: its metadata still says it will be installed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Optional
from collections.abc import Sequence

from packaging.markers import UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement

from simplelint.rules.production.env_query import normalise
from simplelint.rules.production.environment import Environment
from simplelint.rules.production.contracts import banned_root

State = tuple[str, frozenset[str]]  # a distribution (normalised name) and the extras asked of it


@dataclass(frozen=True)
class Hop:
    """One requirement on the way: as written (packaging's spelling), and what is installed for it."""

    requirement: str
    key: str
    version: Optional[str]

    def __str__(self) -> str:
        installed = f"{self.version} installed" if self.version else "not installed"
        return f"requires {self.requirement} ({installed})"


class Requirements:
    """The requirements graph of one environment, searched for a list of banned top-level modules; a
    distribution providing an `allowed` module is not followed (loading what it requires is accepted)."""

    def __init__(self, environment: Environment, banned: Sequence[str], allowed: Sequence[str] = ()) -> None:
        self.environment = environment
        self.banned = list(banned)
        self.allowed = list(allowed)
        self._parsed: dict[str, list[Requirement]] = {}
        self._chains: dict[str, Optional[list[Hop]]] = {}

    def chain(self, key: str) -> Optional[list[Hop]]:
        """The shortest chain of requirements in effect from installed distribution `key` to one that provides a
        banned module, or None."""
        if key not in self._chains:
            self._chains[key] = self._search(key)
        return self._chains[key]

    def banned_module(self, key: str) -> Optional[str]:
        """The banned entry a distribution provides (by its top-level modules), if any."""
        for module in sorted(self.environment.provides(key)):
            entry = banned_root(module, self.banned)
            if entry:
                return entry
        return None

    def _search(self, key: str) -> Optional[list[Hop]]:
        """Breadth-first over (distribution, extras): cycles end, and the first chain found is a shortest."""
        start: State = (key, frozenset())
        came_from: dict[State, tuple[State, Hop]] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            state = queue.popleft()
            for requirement in self._in_effect(*state):
                hop = self._hop(requirement)
                if hop is None:
                    continue
                if self.banned_module(hop.key):
                    return self._path(came_from, state, start) + [hop]
                following: State = (hop.key, frozenset(requirement.extras))
                if hop.version is not None and following not in seen:
                    seen.add(following)
                    came_from[following] = (state, hop)
                    queue.append(following)
        return None

    def _hop(self, requirement: Requirement) -> Optional[Hop]:
        """The step to the distribution required; None when it provides an allowed module."""
        key = normalise(requirement.name)
        if any(banned_root(module, self.allowed) for module in self.environment.provides(key)):
            return None
        dist = self.environment.dist(key)
        return Hop(str(requirement), key, dist["version"] if dist else None)

    @staticmethod
    def _path(came_from: dict[State, tuple[State, Hop]], state: State, start: State) -> list[Hop]:
        hops: list[Hop] = []
        while state != start:
            state, hop = came_from[state]
            hops.append(hop)
        return hops[::-1]

    def _in_effect(self, key: str, extras: frozenset[str]) -> list[Requirement]:
        """The distribution's requirements whose markers hold here, with these extras asked for."""
        markers = self.environment.markers
        asked = sorted(extras) or [""]
        kept = []
        for requirement in self._requirements(key):
            marker = requirement.marker
            try:
                if marker is None or any(marker.evaluate({**markers, "extra": extra}) for extra in asked):
                    kept.append(requirement)
            except (UndefinedComparison, UndefinedEnvironmentName):
                continue  # a marker no interpreter can satisfy
        return kept

    def _requirements(self, key: str) -> list[Requirement]:
        if key not in self._parsed:
            dist = self.environment.dist(key)
            parsed = []
            for line in dist["requires"] if dist else ():
                try:
                    parsed.append(Requirement(line))
                except InvalidRequirement:
                    continue  # a malformed line in someone's metadata: pip would refuse it too
            self._parsed[key] = parsed
        return self._parsed[key]
