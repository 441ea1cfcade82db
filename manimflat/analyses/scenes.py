"""The class hierarchy: which classes are scenes, of which dialect, and which are bases.

A class is a scene when one of its bases resolves, through any number of files, aliases and
re-exports, to a scene type of a manim package (Scene, MovingCameraScene, ThreeDScene, ...,
manim_slides' Slide, manim_voiceover's VoiceoverScene). Its dialect is the package that scene
type comes from. A scene with no `construct` of its own or inherited from a local ancestor is
an abstract helper base: listed, marked, not flattened.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..analysis import Analysis, AnalysisManager
from ..diagnostics import Diagnostic, diag
from ..program import Program
from .bindings import External, Local, Resolver, Unresolved
from .chains import ast_chain
from .externals import REMOVED_SCENE_TYPES
from .resolution import Resolvers

SCENE_SUFFIXES = ("Scene",)
EXTRA_SCENE_TYPES = frozenset({"Slide", "ThreeDSlide"})


@dataclass(frozen=True)
class SceneRef:
    """A scene class found in the repository."""

    name: str
    path: str  # posix path relative to the repo root
    line: int
    dialect: str  # manim-ce | manimgl | manimlib-old | unknown
    is_base: bool = False  # an abstract helper base: no construct of its own or inherited

    @property
    def spec(self) -> str:
        return f"{self.path}:{self.name}"

    def output_name(self, pattern: str) -> str:
        """The file name `pattern` (`output_name` setting) gives this scene's output."""
        return pattern.format(scene=self.name, module=PurePosixPath(self.path).stem)

    def to_json(self) -> dict[str, Any]:
        return {"scene": self.name, "module": self.path, "line": self.line,
                "dialect": self.dialect, "is_base": self.is_base}


class SceneLookupError(LookupError):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class ClassInfo:
    module: str
    name: str
    node: ast.ClassDef


def dialect_of(module: str) -> str:
    top = module.split(".")[0]
    if module.startswith("manimlib.imports") or top == "big_ol_pile_of_manim_imports":
        return "manimlib-old"
    # `manim_imports_ext` is the ManimGL videos' convention (3b1b/videos and its forks)
    if top in ("manimlib", "manim_imports_ext"):
        return "manimgl"
    return "manim-ce"


_IMPORT_TOPS = re.compile(rb"^[ \t]*(?:from|import)[ \t]+([A-Za-z_][\w.]*)", re.MULTILINE)


def file_dialect(text: bytes) -> str | None:
    """The dialect a file's own imports commit it to, when they name only one: a scene whose
    base comes through an unresolvable helper (`from custom.x import *`) of a file that star-
    imports `manimlib` is ManimGL, whatever the helper's name looks like."""
    dialects = {dialect_of(m.decode()) for m in _IMPORT_TOPS.findall(text)
                if m.split(b".")[0] in (b"manim", b"manimlib", b"manim_imports_ext",
                                        b"big_ol_pile_of_manim_imports")}
    return dialects.pop() if len(dialects) == 1 else None


def star_imports_manim(program: Program, module: str) -> bool:
    """Whether the module runs `from manim import *`."""
    info = program.module(module)
    return info is not None and any(r.module == "manim" and r.level == 0
                                    for r in info.star_imports)


def is_scene_type(target: External) -> bool:
    last = (target.attr or "").rsplit(".", 1)[-1]
    return target.module.split(".")[0].startswith(("manim", "big_ol_pile")) and (
        last.endswith(SCENE_SUFFIXES) or last in EXTRA_SCENE_TYPES)


class Hierarchy(Analysis):
    """Scene-ness, dialect and `construct` of classes, memoised."""

    NAME = "hierarchy"
    LEVEL = "repo"

    def __init__(self, program: Program) -> None:
        self.program = program
        self._scene: dict[tuple[str, str], str | None] = {}

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> Hierarchy:
        return cls(am.unit)

    def class_def(self, module: str, name: str) -> ClassInfo | None:
        info = self.program.module(module)
        if info is None:
            return None
        for i in info.bindings.get(name, []):
            stmt = info.units[i].stmts[0]
            if isinstance(stmt, ast.ClassDef) and stmt.name == name:
                return ClassInfo(module, name, stmt)
        return None

    def local_bases(self, cls: ClassInfo, resolver: Resolver) -> list[ClassInfo]:
        out = []
        for base in cls.node.bases:
            target = _resolve_expr(resolver, cls.module, base)
            if isinstance(target, Local):
                found = self.class_def(target.module, target.name)
                if found:
                    out.append(found)
        return out

    def scene_dialect(self, cls: ClassInfo, resolver: Resolver,
                      seen: frozenset[tuple[str, str]] = frozenset()) -> str | None:
        """The dialect of the manim scene type `cls` derives from, or None if not a scene."""
        key = (cls.module, cls.name)
        if key in self._scene:
            return self._scene[key]
        if key in seen:
            return None
        result = None
        for base in cls.node.bases:
            target = _resolve_expr(resolver, cls.module, base)
            if isinstance(target, External) and is_scene_type(target):
                result = dialect_of(target.module)
            elif isinstance(target, Unresolved) and isinstance(base, ast.Name) and \
                    base.id in REMOVED_SCENE_TYPES and star_imports_manim(self.program, cls.module):
                result = "manim-ce"
            elif isinstance(target, Local):
                parent = self.class_def(target.module, target.name)
                if parent is not None:
                    result = self.scene_dialect(parent, resolver, seen | {key})
            if result:
                break
        self._scene[key] = result
        return result

    def has_construct(self, cls: ClassInfo, resolver: Resolver,
                      seen: frozenset[tuple[str, str]] = frozenset()) -> bool:
        if any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "construct"
               for s in cls.node.body):
            return True
        key = (cls.module, cls.name)
        return any(self.has_construct(b, resolver, seen | {key})
                   for b in self.local_bases(cls, resolver)
                   if (b.module, b.name) not in seen | {key})


def _resolve_expr(resolver: Resolver, module: str, node: ast.expr):
    chain = _chain(node)
    if chain is None:
        return None
    target, _ = resolver.resolve_chain(module, chain)
    return target


def _chain(node: ast.expr) -> tuple[str, ...] | None:
    return ast_chain(node)  # Generic[...] style bases (a subscript) are not scenes: None


def find_scenes(program: Program, hierarchy: Hierarchy, resolvers: Resolvers
                ) -> list[SceneRef]:
    """Scan every file (cheap text filter first) for classes deriving from a scene type."""
    found: list[SceneRef] = []
    for rel in sorted(program.files):
        try:
            text = (program.root / rel).read_bytes()
        except OSError:
            continue
        if b"class " not in text:
            continue
        info = program.module(rel)
        if info is None:
            continue
        resolver = resolvers.of(rel)
        for unit in info.units:
            stmt = unit.stmts[0]
            if not isinstance(stmt, ast.ClassDef) or not stmt.bases:
                continue
            cls = ClassInfo(rel, stmt.name, stmt)
            dialect = hierarchy.scene_dialect(cls, resolver)
            if dialect is None:
                continue
            if dialect == "manim-ce":
                dialect = file_dialect(text) or dialect
            is_base = not hierarchy.has_construct(cls, resolver)
            found.append(SceneRef(stmt.name, rel, stmt.lineno, dialect, is_base))
    return found


class SceneIndex(Analysis):
    """Every scene class of the repository, in path order."""

    NAME = "scenes"
    LEVEL = "repo"
    DEPENDS = (Hierarchy, Resolvers)

    def __init__(self, program: Program, found: list[SceneRef]) -> None:
        self.program = program
        self.all = found

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> SceneIndex:
        return cls(am.unit, find_scenes(am.unit, am.get(Hierarchy), am.get(Resolvers)))

    def scenes(self, selected: bool = False, patterns: tuple[str, ...] = ()) -> list[SceneRef]:
        """All scenes; `selected`: only renderable Manim CE ones; `patterns`: name globs."""
        found = self.all
        if selected:
            found = [s for s in found if s.dialect == "manim-ce" and not s.is_base]
        if patterns:
            found = [s for s in found if any(fnmatch.fnmatch(s.name, p) for p in patterns)]
        return found

    def find(self, spec: str, among: list[SceneRef] | None = None) -> SceneRef:
        path, _, name = spec.rpartition(":") if ".py:" in spec else ("", "", spec)
        matches = [s for s in (self.scenes() if among is None else among) if s.name == name
                   and (not path or s.path == path or s.path.endswith("/" + path))]
        if len({s.spec for s in matches}) == 1:  # one file defining it again: manim runs the last
            return matches[-1]
        if not matches:
            skipped = sorted({f"{d.path} ({d.code})" for d in self.program.diagnostics
                              if d.path and d.path.endswith(".py")})
            unread = f"; files skipped: {', '.join(skipped[:5])}" if skipped else ""
            raise SceneLookupError(diag("MF110", f"no scene named {spec!r} in "
                                        f"{self.program.root}{unread}; run `manimflat REPO "
                                        "--list`", path=path or None))
        where = ", ".join(s.spec for s in matches)
        raise SceneLookupError(diag("MF109", f"{name!r} is ambiguous: {where}; pass "
                                    "path/to/file.py:Name"))
