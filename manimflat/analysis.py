"""Analyses and the two-level analysis manager (in the style of LLVM's new pass manager).

An analysis is a class: `compute(am)` builds its result (an instance of the class) from the
IR unit the manager is for (`am.unit`) and from other analyses (`am.get(Other)`, each listed
in `DEPENDS`). Two levels:

- repository level (`LEVEL = "repo"`, unit: the `Program`): name resolution, import graphs,
  the class hierarchy, the scene list, memoised texts. Owned by the session and shared by
  every scene of a run; never invalidated within a run, since passes edit a scene's `Flat`,
  never the repository.
- scene level (`LEVEL = "scene"`, unit: the `Flat`): facts about the pieces (output names).
  A pass returns the names of the analyses it preserved; every other scene-level result is
  dropped, with everything computed from it.

A scene-level manager forwards requests for repository-level analyses to its `outer` manager.
This module imports nothing of manimflat: `ir`, `pass_manager` and the analyses build on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, Self, TypeVar

A = TypeVar("A", bound="Analysis")
U = TypeVar("U")

ALL: frozenset[str] = frozenset({"*"})  # "preserves every analysis"
NONE: frozenset[str] = frozenset()


class Analysis:
    """Base of every analysis; `NAME` is its key in `REQUIRES` and in preserved sets."""

    NAME: ClassVar[str] = ""
    LEVEL: ClassVar[str] = "scene"  # "repo" or "scene"
    DEPENDS: ClassVar[tuple[type[Analysis], ...]] = ()
    # Memo tables of the IR itself (printed texts): read by `Flat` helpers on behalf of any
    # pass, so no pass declares them.
    IMPLICIT: ClassVar[bool] = False

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> Self:  # pragma: no cover - abstract
        raise NotImplementedError


class AnalysisError(LookupError):
    """An analysis asked for where it cannot be: undeclared, or of no level in reach."""


class AnalysisManager(Generic[U]):
    """Results of the analyses of one IR unit, computed on first request."""

    def __init__(self, unit: U, level: str, outer: AnalysisManager[Any] | None = None) -> None:
        self.unit = unit
        self.level = level
        self.outer = outer
        self._results: dict[type[Analysis], Analysis] = {}
        self._allowed: frozenset[str] | None = None
        self._computing = 0
        self.computed: dict[str, int] = {}  # how many times each was computed (for tests)

    def get(self, cls: type[A]) -> A:
        if self._allowed is not None and not self._computing and not cls.IMPLICIT \
                and cls.NAME not in self._allowed:
            raise AnalysisError(f"analysis {cls.NAME!r} is read without being declared in "
                                "the pass's REQUIRES")
        if cls.LEVEL != self.level:
            if self.outer is None:
                raise AnalysisError(f"no {cls.LEVEL}-level manager for analysis {cls.NAME!r}")
            return self.outer.get(cls)
        found = self._results.get(cls)
        if found is None:
            self._computing += 1  # an analysis may read its dependencies undeclared
            try:
                found = cls.compute(self)
            finally:
                self._computing -= 1
            self._results[cls] = found
            self.computed[cls.NAME] = self.computed.get(cls.NAME, 0) + 1
        assert isinstance(found, cls)
        return found

    def cached(self, cls: type[Analysis]) -> bool:
        return cls in self._results

    def invalidate(self, preserved: Iterable[str]) -> None:
        """Keep only the preserved results whose dependencies are all kept too."""
        keep = frozenset(preserved)
        if "*" in keep:
            return
        dropped = {cls for cls in self._results if cls.NAME not in keep}
        changed = True
        while changed:  # a result built from a dropped one is stale as well
            changed = False
            for cls in self._results:
                if cls not in dropped and any(d in dropped for d in cls.DEPENDS):
                    dropped.add(cls)
                    changed = True
        for cls in dropped:
            del self._results[cls]

    def restrict(self, allowed: Iterable[str] | None) -> None:
        """While a pass runs: only the analyses it declared (None lifts the restriction)."""
        self._allowed = None if allowed is None else frozenset(allowed)
        if self.outer is not None:
            self.outer.restrict(allowed)
