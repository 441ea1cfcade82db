"""normalize-imports: the import block of the output, rebuilt from what the pieces use.

Before: pieces link names to keys ("mod:numpy", "from:math:tau", "star:manim:Circle", ...),
and passes may have put lines in `Flat.header`. After: `Flat.header` is the whole import
block: `from __future__` first, `from manim import *`, then every other import the pieces
use, deduplicated, sorted, under its output name (a renamed star-imported or builtin name is
imported by name: `from manim import Animation as Animation_manim`); unused imports are gone. An import outside
the standard library and the allow-list is an MF106 error: the output would not run alone.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..analyses import externals
from ..analyses.naming import Naming
from ..ir import Flat
from ..pass_manager import ALL, Pass

MANIM_STAR = "from manim import *"


@dataclass(frozen=True)
class NormalizeImports(Pass):
    NAME = "normalize-imports"
    DESCRIPTION = "rebuild the import block from what the output uses, deduplicated and sorted"
    NEEDS = ("closure",)
    REQUIRES = ("names",)
    PROVIDES = ("imports-normalized",)

    def run(self, flat: Flat) -> frozenset[str]:
        naming = flat.analyses.get(Naming)
        used = {key for p in flat.pieces for key in [*p.links.values(), *p.chains.values()]}
        lines: set[str] = {line for line in flat.header if line != MANIM_STAR}
        for key in sorted(used):
            line = import_line(_from_stdlib(key), naming.names.get(key, key.rsplit(":", 1)[-1]))
            if line:
                lines.add(line)
        for module in sorted(flat.submodule_imports):
            if f"mod:{module.split('.')[0]}" in used:
                lines.add(f"import {module}")
        for line in sorted(lines):
            top = _top_module(line)
            if top and not externals.is_installed(top):
                flat.report("MF101", f"`{line}`: {top!r} is neither in the repository nor "
                            "installed; add the missing module or install the package",
                            path=flat.scene.path)
            elif top and top not in externals.STDLIB and top not in flat.settings.allowed_imports:
                flat.report("MF106", f"`{line}` imports {top!r}, which is not allowed; add it to "
                            "allowed_imports or remove the dependency", path=flat.scene.path)
        future = _future_features(flat)
        head = [f"from __future__ import {', '.join(future)}"] if future else []
        flat.header = [*head, MANIM_STAR, *sorted(lines, key=_sort_key)]
        return ALL


def import_line(key: str, name: str) -> str | None:
    kind, _, rest = key.partition(":")
    if kind == "mod":
        return f"import {rest}" if name == rest else f"import {rest} as {name}"
    if kind == "from":
        module, _, attr = rest.rpartition(":")
        if module == "manim" and attr == name and attr in externals.manim_exports():
            return None
        return f"from {module} import {attr}" + ("" if attr == name else f" as {name}")
    if kind == "star":  # a star-imported name renamed (a scene called `Animation`) is bound
        module, _, attr = rest.rpartition(":")  # by name, since the star binds the old name
        if attr != name:
            return f"from {module} import {attr} as {name}"
        return None if module == "manim" else f"from {module} import *"
    if kind == "builtin" and rest != name:  # a builtin renamed around a repo definition
        return f"from builtins import {rest} as {name}"
    return None


def _from_stdlib(key: str) -> str:
    """`from cycler import cycle` is `from itertools import cycle` when the package only
    re-exports the standard library's name: the output then needs no package."""
    kind, _, rest = key.partition(":")
    module, _, attr = rest.rpartition(":")
    origin = externals.stdlib_origin(module, attr) if kind == "from" else None
    return f"from:{origin}:{attr}" if origin else key


def _top_module(line: str) -> str:
    return line.split()[1].split(".")[0]


def _sort_key(line: str) -> tuple[int, str]:
    return (0 if line.startswith("import ") else 1, line)


def _future_features(flat: Flat) -> list[str]:
    features: set[str] = set()
    for module in {p.module for p in flat.pieces if p.module}:
        info = flat.program.module(module)
        for unit in info.units if info else []:
            if unit.kind == "future":
                for stmt in unit.stmts:
                    if isinstance(stmt, ast.ImportFrom):
                        features.update(a.name for a in stmt.names)
    return sorted(features)
