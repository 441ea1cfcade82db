"""inline-bases: keep base classes from other files (default) or fold them into the scene.

Before: the closure holds the scene and, as separate pieces, the local classes it derives
from (each with its own bases). After, by default: unchanged; with `--merge-bases`: see
`manimflat/merge.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Flat
from ..pass_manager import ALL, Pass


@dataclass(frozen=True)
class InlineBases(Pass):
    NAME = "inline-bases"
    DESCRIPTION = "emit local base classes with their own bases, or merge them (--merge-bases)"
    NEEDS = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        return ALL
