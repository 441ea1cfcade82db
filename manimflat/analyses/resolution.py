"""Repository-level analyses of name resolution: one `Resolver` and one `ImportGraph` per
folder scenes live in (a scene's folder is an import root, so what a name means depends on it).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from ..analysis import Analysis, AnalysisManager
from ..program import Program
from .bindings import Resolver
from .imports import ImportGraph


def scene_folder(scene_path: str) -> str:
    folder = str(PurePosixPath(scene_path).parent) if scene_path else ""
    return "" if folder == "." else folder


class Resolvers(Analysis):
    """Name resolution as seen by a scene in a given file, one resolver per folder."""

    NAME = "resolvers"
    LEVEL = "repo"

    def __init__(self, program: Program) -> None:
        self.program = program
        self._by_folder: dict[str, Resolver] = {}

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> Resolvers:
        return cls(am.unit)

    def of(self, scene_path: str = "") -> Resolver:
        folder = scene_folder(scene_path)
        if folder not in self._by_folder:
            self._by_folder[folder] = Resolver(self.program, folder)
        return self._by_folder[folder]


class ImportGraphs(Analysis):
    """The import graph and execution order, as seen by each resolver."""

    NAME = "import-graphs"
    LEVEL = "repo"
    DEPENDS = (Resolvers,)

    def __init__(self, resolvers: Resolvers) -> None:
        self.resolvers = resolvers
        self._by_folder: dict[str, ImportGraph] = {}

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> ImportGraphs:
        return cls(am.get(Resolvers))

    def of(self, scene_path: str = "") -> ImportGraph:
        folder = scene_folder(scene_path)
        if folder not in self._by_folder:
            self._by_folder[folder] = ImportGraph(self.resolvers.of(scene_path))
        return self._by_folder[folder]
