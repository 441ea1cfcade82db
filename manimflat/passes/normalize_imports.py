"""normalize-imports: the import block of the output, rebuilt from what the pieces use.

Before: pieces link names to keys ("mod:numpy", "from:math:tau", "star:manim:Circle", ...),
and passes may have put lines in `Flat.header`. After: `Flat.header` is the whole import
block: `from __future__` first, `from manim import *`, then every other import the pieces
use, deduplicated, sorted, under its output name (a renamed star-imported or builtin name is
imported by name: `from manim import Animation as Animation_manim`); unused imports are gone. An import outside
the standard library and the allow-list is an MF106 error: the output would not run alone.

Before that, a method of a repository class that nothing in the output calls, and that uses
such an import (itself or through repository functions only it calls), is dropped (MF227),
and those functions with it: an inherited `def to_gray(self): return cv2.cvtColor(...)` the
scene never calls must not make the output need OpenCV. A method is kept when its name is an
attribute of a manim class (manim may call it: `construct`, `interpolate_mobject`), a dunder,
decorated (other than `staticmethod`/`classmethod`), or written anywhere else in the output
(a call, an attribute, a string, a comment); nothing is dropped when the output looks up
attributes by computed name (`getattr(self, name)`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import libcst as cst

from ..analyses import externals
from ..analyses.chains import names_in
from ..analyses.naming import Naming
from ..assets.rewrite import piece_names
from ..diagnostics import Severity
from ..ir import Flat, Piece
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
        drop_dead_methods(flat)
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


_KEPT_DECORATORS = frozenset({"staticmethod", "classmethod"})


def drop_dead_methods(flat: Flat) -> None:
    """Drop the uncalled methods that alone need a disallowed import (see the docstring)."""
    attributes = externals.manim_attributes()
    if attributes is None:
        return
    while True:
        foreign = {id(p): _foreign_names(flat, p) for p in flat.pieces}
        if not any(foreign.values()):
            return
        text = "\n".join(flat.source_of(p)[0] for p in flat.pieces)
        if _dynamic_lookup(text):
            return
        needy = _needy_functions(flat, foreign)
        orphans: set[str] = set()  # what the dropped methods used
        for piece in flat.pieces:
            bad = foreign[id(piece)] | needy
            if (piece.kind == "class" or isinstance(piece.tree, cst.ClassDef)) and (
                    piece_names(flat, piece) & bad):
                orphans |= _drop_methods(flat, piece, bad, text, attributes)
        if not orphans:
            return
        while orphans:  # the functions only they called go too, and those only these called
            text = "\n".join(flat.source_of(p)[0] for p in flat.pieces)
            gone = [p for p in flat.pieces if p.kind == "def" and p.binds and p.binds <= orphans
                    and all(_mentions(text, name) == 1 for name in p.binds)]
            orphans = {n for p in gone for n in piece_names(flat, p)}
            for piece in gone:
                flat.pieces.remove(piece)


def _dynamic_lookup(text: str) -> bool:
    """Whether the code may read an attribute by a computed name: `getattr(self, name)`
    (a literal name is spelled out, so `_mentions` sees it), `__getattribute__`, `__dict__`."""
    if "__getattribute__" in text or "__dict__" in text:
        return True
    if "getattr(" not in text:
        return False
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
               and n.func.id in ("getattr", "hasattr") and not (
                   len(n.args) > 1 and isinstance(n.args[1], ast.Constant))
               for n in ast.walk(ast.parse(text)))


def _foreign_names(flat: Flat, piece: Piece) -> set[str]:
    """The names the piece uses that a disallowed import would bind."""
    def foreign(key: str) -> bool:
        kind, _, rest = key.partition(":")
        top = rest.split(":")[0].split(".")[0]
        return kind in ("mod", "from", "star") and top not in externals.STDLIB and (
            top not in flat.settings.allowed_imports) and top not in externals.MANIM_FAMILY
    return {name for name, key in piece.links.items() if foreign(key)}


def _needy_functions(flat: Flat, foreign: dict[int, set[str]]) -> set[str]:
    """Top-level functions that use a disallowed import, themselves or through each other."""
    functions = [p for p in flat.pieces if p.kind == "def" and p.binds]
    needy: set[str] = set()
    while True:
        more = {name for p in functions if piece_names(flat, p) & (foreign[id(p)] | needy)
                for name in p.binds}
        if more <= needy:
            return needy
        needy |= more


def _mentions(text: str, name: str) -> int:
    return len(re.findall(rf"(?<![\w]){re.escape(name)}(?!\w)", text))


def _drop_methods(flat: Flat, piece: Piece, bad: set[str], text: str,
                  attributes: frozenset[str]) -> set[str]:
    """Drop the class piece's dead methods that use `bad` names; the names they used."""
    node = piece.node
    if not isinstance(node, cst.ClassDef) or not isinstance(node.body, cst.IndentedBlock):
        return set()
    keep: list[cst.BaseStatement] = []
    dropped: list[str] = []
    used: set[str] = set()
    for stmt in node.body.body:
        name = stmt.name.value if isinstance(stmt, cst.FunctionDef) else ""
        dead = bool(name) and isinstance(stmt, cst.FunctionDef) and not (
            name.startswith("__") or name in attributes
            or any((d.decorator.value if isinstance(d.decorator, cst.Name) else "")
                   not in _KEPT_DECORATORS for d in stmt.decorators)
            or _mentions(text, name) != len(re.findall(rf"\bdef {re.escape(name)}\b", text))
        ) and bool(names_in(stmt) & bad)
        if dead:
            dropped.append(name)
            used |= names_in(stmt)
        else:
            keep.append(stmt)
    if not dropped:
        return set()
    if keep and keep[0] is not node.body.body[0] and hasattr(keep[0], "leading_lines"):
        keep[0] = keep[0].with_changes(leading_lines=[  # no blank line under `class`
            line for line in keep[0].leading_lines if line.comment])
    body = keep or [cst.SimpleStatementLine([cst.Pass()])]
    piece.node = node.with_changes(body=node.body.with_changes(body=body))
    left = piece_names(flat, piece)
    piece.links = {k: v for k, v in piece.links.items() if k in left}
    for name in dropped:
        flat.report("MF227", f"method `{node.name.value}.{name}` that nothing calls removed: "
                    "it needed an import the output may not have", severity=Severity.FIXED,
                    path=piece.module, line=piece.line or None)
    return used
