"""The `names` analysis: one output name for every key the pieces link to.

Keys are "path.py:name" (repository definitions), "mod:numpy", "from:numpy:array",
"star:manim:Circle", "builtin:len" and "synth:name" (helpers synthesized by passes). Fixed
names come first (the scene class, used manim star names and builtins), then the scene's own
module, then the rest in execution order; a later key that wants a taken name gets
`name_<module>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..analysis import Analysis, AnalysisManager
from ..ir import Flat


@dataclass(frozen=True)
class Naming(Analysis):
    NAME = "names"

    names: dict[str, str]  # key -> output name
    collisions: list[tuple[str, str, str, str]]  # (key, wanted, given, collides with key)

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> Naming:
        return output_names(am.unit)


def output_names(flat: Flat) -> Naming:
    """key -> output name. Fixed names first, then the scene's module, then by position."""
    wanted: dict[str, str] = {}  # key -> preferred name, in priority order
    scene_key = f"{flat.scene.path}:{flat.scene.name}"
    fixed = [scene_key]
    pieces = sorted(flat.pieces, key=lambda p: (p.module != flat.scene.path, p.position))
    for piece in pieces:
        for name in sorted(piece.binds):
            if piece.module:
                wanted.setdefault(f"{piece.module}:{name}", name)
            else:  # synthesized helpers (asset builders) are keyed by their name
                wanted.setdefault(f"synth:{name}", name)
        for src, key in sorted(piece.links.items()):
            wanted.setdefault(key, src)
            if key.startswith(("star:", "builtin:")):
                fixed.append(key)
        for chain, key in sorted(piece.chains.items()):
            wanted.setdefault(key, chain[-1])
    taken: dict[str, str] = {}
    out: dict[str, str] = {}
    collisions = []
    for key in [*fixed, *wanted]:
        if key in out or key not in wanted:
            continue
        name = wanted[key]
        if name in taken and taken[name] != key:
            new = _fresh(name, key, taken)
            collisions.append((key, name, new, taken[name]))
            name = new
        taken[name] = key
        out[key] = name
    return Naming(out, collisions)


def _fresh(name: str, key: str, taken: dict[str, str]) -> str:
    stem = PurePosixPath(key.split(":")[-2] if key.count(":") >= 1 else "x").stem
    if stem == "__init__":
        stem = PurePosixPath(key.split(":")[-2]).parent.name or "pkg"
    stem = re.sub(r"\W", "_", stem) or "m"
    candidate = f"{name}_{stem}"
    n = 2
    while candidate in taken:
        candidate = f"{name}_{stem}{n}"
        n += 1
    return candidate
