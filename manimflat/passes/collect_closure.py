"""collect-closure: tree-shake the program down to what the scene reaches, in an order that runs.

Before: `Flat.modules` (from resolve-imports). After: `Flat.pieces` holds the transitive
closure of top-level statements the scene needs: its class, every repository function, class,
constant it reaches (through plain names, imported names and `module.attr` chains, at
definition time or call time), and the module-level side effects of every executed module
(`config.* = ...`, seeds, registrations; effects on an object are kept when the object is,
also those of a statement that binds names too, such as a loop filling a list).
Each piece records what its names link to (`Piece.links`, `Piece.chains`) so later passes
can rename and rewrite imports. Pieces are ordered by Python's execution order of the
original program, then stably re-sorted so that definition-time dependencies come first
(a name bound more than once depends on the binding before its reader, so notebook-style
cells that rebind `n` keep their order). The manim.cfg settings that change the picture
come first, then `config.renderer = "opengl"` when the scene draws one of manim's OpenGL-only
mobjects (MF138: Cairo cannot draw them).

Dropped: `if __name__ == "__main__":` blocks (MF203), `if TYPE_CHECKING:` blocks (MF208),
sys.path edits, `__all__`, module docstrings and other bare string statements, and imports (re-created by normalize-imports).
A name that another file assigns on a repository module (`settings.RADIUS = 0.5` after
`import settings`) is that module's name too, defined by that statement.
What each statement links to is the `links` analysis (analyses/links.py), computed once per
scene folder; this pass collects and orders. Unreachable code after a `return` or `raise`
that uses an undefined name is removed (MF209).
Known limits: a module object used as a value cannot be inlined (MF202); names created at
run time (`globals()[...] = ...`) are not seen (MF103).
"""

from __future__ import annotations

import ast
import heapq
from collections import deque
from dataclasses import dataclass

import libcst as cst

from ..analyses import externals
from ..analyses.bindings import Local, Resolver
from ..analyses.config_files import config_notes, config_statements
from ..analyses.links import Links, Undefined
from ..analyses.resolution import ImportGraphs, Resolvers
from ..analyses.units import Unit
from ..diagnostics import Severity
from ..ir import Flat, Piece
from ..pass_manager import NONE, Pass
from .upgrade_api import NOT_UPGRADABLE, REMOVED, REMOVED_NAMES, SHIMMED

DROPPED = {"main": "MF203", "type_checking": "MF208"}
NOT_EMITTED = frozenset({"import", "future", "docstring", "syspath", "all", *DROPPED})


@dataclass(frozen=True)
class CollectClosure(Pass):
    NAME = "collect-closure"
    DESCRIPTION = "tree-shake the repository down to the statements the scene needs, ordered"
    NEEDS = ("imports",)
    REQUIRES = ("resolvers", "import-graphs", "links")
    PROVIDES = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        _Linker(flat).link()
        return NONE


class _Linker:
    def __init__(self, flat: Flat) -> None:
        self.flat = flat
        self.program = flat.program
        self.resolver: Resolver = flat.analyses.get(Resolvers).of(flat.scene.path)
        self.links = flat.analyses.get(Links).of(flat.scene.path)
        self.position = flat.analyses.get(ImportGraphs).of(flat.scene.path).positions(
            flat.scene.path)
        self.pieces: dict[tuple[str, int], Piece] = {}
        self.queue: deque[tuple[str, int]] = deque()
        self.needed: set[str] = set()
        self.effects_on: dict[str, list[tuple[str, int]]] = {}
        self.reported: set[tuple[str, int, str]] = set()

    def unit(self, module: str, index: int) -> Unit:
        info = self.program.module(module)
        assert info is not None
        return info.units[index]

    def link(self) -> None:
        self._seed_effects()
        self.need(Local(self.flat.scene.path, self.flat.scene.name))
        while self.queue:
            self._process(*self.queue.popleft())
        self.flat.pieces = (self._config_file_pieces() + self._renderer_pieces()
                            + self._ordered())
        scene_module = self.flat.scene.path
        self.flat.inlined = sorted(k for k in self.needed if not k.startswith(scene_module + ":"))

    def _config_file_pieces(self) -> list[Piece]:
        """The repo's manim.cfg visual settings, first: manim reads them before the scene."""
        pieces = []
        scene_path = self.flat.scene.path
        for code, severity, rel, message in config_notes(self.program, scene_path):
            self.flat.report(code, message, severity=severity, path=rel)
        statements = config_statements(self.program, scene_path)
        for i, (rel, statement) in enumerate(statements):
            pieces.append(Piece(None, 0, origin=f"{rel}:[CLI]",
                                links={"config": "star:manim:config",
                                       "TexTemplate": "star:manim:TexTemplate"},
                                position=i - len(statements),
                                tree=cst.parse_statement(statement + "\n")))
            shown = statement.splitlines()[0] + (" ...`" if "\n" in statement else "`")
            self.flat.report("MF112", f"`{shown} carried over from {rel}",
                             severity=Severity.FIXED, path=rel)
        return pieces

    def _renderer_pieces(self) -> list[Piece]:
        """`config.renderer = "opengl"` when the scene draws an OpenGL-only mobject (manim's
        `OpenGL*` classes): the Cairo renderer cannot draw it, so its author ran the scene
        with `--renderer=opengl`. A module-level renderer setting of the author's stays."""
        opengl = sorted({name for p in self.pieces.values() for name in _opengl_mobjects(p)})
        if not opengl or any(_sets_renderer(self.unit(p.module, i)) for (_, i), p
                             in self.pieces.items() if p.module and p.kind in ("effect",
                                                                               "assign")):
            return []
        self.flat.report("MF138", f"{opengl[0]} draws only with the OpenGL renderer: "
                         '`config.renderer = "opengl"` set in the output (its author ran it '
                         "with the OpenGL renderer)", severity=Severity.FIXED,
                         path=self.flat.scene.path)
        return [Piece(None, 0, origin="[renderer]", links={"config": "star:manim:config"},
                      position=-1, tree=cst.parse_statement('config.renderer = "opengl"\n'))]

    # -- what is included ------------------------------------------------------------------
    def _seed_effects(self) -> None:
        """Side effects of executed modules: unconditional ones now, the rest on demand."""
        for module in self.flat.modules:
            info = self.program.module(module)
            for unit in info.units if info else []:
                if unit.kind in DROPPED:
                    self._note_dropped(module, unit)
                if unit.kind != "effect" and not (unit.kind == "assign" and unit.mutates):
                    continue
                roots = [self.resolver.resolve(module, r) for r in unit.mutates]
                local_roots = [t.key for t in roots if isinstance(t, Local)]
                if local_roots and len(local_roots) == len(roots) or unit.kind == "assign":
                    # (a statement that also binds names, such as a loop filling a list, is
                    # kept when what it changes or what it binds is needed)
                    for key in local_roots:
                        self.effects_on.setdefault(key, []).append((module, unit.index))
                else:
                    self.include(module, unit.index)

    def _note_dropped(self, module: str, unit: Unit) -> None:
        if module == self.flat.scene.path or unit.kind == "main":
            what = "`if __name__ == '__main__':`" if unit.kind == "main" else "TYPE_CHECKING"
            self.flat.report(DROPPED[unit.kind], f"{what} block dropped",
                             severity=Severity.INFO, path=module, line=unit.start)

    def need(self, target: Local) -> None:
        key = target.key
        if key in self.needed:
            return
        self.needed.add(key)
        info = self.program.module(target.module)
        bindings = info.bindings if info else {}
        indices = bindings.get(target.name) or bindings.get("*", [])
        if key == f"{self.flat.scene.path}:{self.flat.scene.name}" and len(indices) > 1 and all(
                self.unit(target.module, i).kind == "class" for i in indices):
            # a scene class defined again further down: manim renders the last definition
            indices = indices[-1:]
        for index in indices:
            self.include(target.module, index)
        if not indices:  # a name other files assign on the module (`settings.R = 1`)
            self._need_stored(target)
        for module, index in self.effects_on.get(key, []):
            self.include(module, index)

    def _need_stored(self, target: Local) -> None:
        stores = self.resolver.attribute_stores.get((target.module, target.name), [])
        run = [store for store in stores if store in self.position]
        for module, index in run:
            self.include(module, index)
        if stores and not run:
            where = ", ".join(sorted({module for module, _ in stores}))
            self.flat.report("MF103", f"{target.module}: {target.name!r} is only assigned on "
                             f"it by {where}, which this scene does not run",
                             path=target.module)

    def include(self, module: str, index: int) -> None:
        key = (module, index)
        if key in self.pieces:
            return
        info = self.program.module(module)
        assert info is not None
        unit, layout = info.units[index], info.layout[index]
        if unit.kind in NOT_EMITTED:
            return
        piece = Piece(module, unit.start, unit.binds, kind=unit.kind,
                      origin=f"{module}:{unit.label}",
                      position=self.position.get(key, len(self.position) + index))
        if layout is None:
            piece.tree = self.program.cst(module).body[index]
        else:
            piece.text, piece.blank_before, piece.index = layout.text, layout.blank_before, index
            program = self.program
            piece.parse = lambda: program.cst(module).body[index]
        self.pieces[key] = piece
        self.queue.append(key)

    # -- linking one statement -------------------------------------------------------------
    def _process(self, module: str, index: int) -> None:
        """Replay what the statement links to (the `links` analysis, computed once per
        scene folder and shared by every scene that includes it)."""
        key = (module, index)
        found = self.links.unit(module, index)
        piece = self.pieces[key]
        if found.node is not None:
            piece.node = found.node
        piece.links, piece.chains = found.links, found.chains  # shared: passes replace them
        piece.drop_imports = found.drop_imports
        if found.submodules:
            self.flat.submodule_imports |= found.submodules
        for target in found.needs:
            self.need(target)
        unit = self.unit(module, index)
        for report in found.reports:
            if isinstance(report, Undefined):
                self._undefined(piece, report, unit)
            else:
                self._report_once(module, unit, *report)

    def _undefined(self, piece: Piece, name: Undefined, unit: Unit) -> None:
        """A name nothing binds: a Manim CE name that is gone is rewritten by upgrade-api
        or reported; one older manim's star import gave is imported explicitly."""
        module = piece.module or ""
        if name.name in REMOVED_NAMES and name.star_manim:
            piece.links = {**piece.links, name.name: REMOVED + name.name}
        elif name.name in SHIMMED and name.star_manim:
            piece.links = {**piece.links, name.name: f"shim:{name.name}"}
            self._report_once(module, unit, "MF413", f"`{name.name}` is gone: "
                              f"{SHIMMED[name.name]}", Severity.FIXED)
        elif name.name in NOT_UPGRADABLE and name.star_manim:
            self._report_once(module, unit, "MF212", f"{name.name!r} is a Manim CE name that "
                              f"is gone: {NOT_UPGRADABLE[name.name]}")
        elif name.name in externals.DRIFTED_STAR_NAMES and name.star_manim:
            piece.links = {**piece.links, name.name: externals.DRIFTED_STAR_NAMES[name.name]}
            self._report_once(module, unit, "MF103", f"{name.name!r} came from `from manim "
                              "import *` in older manim; imported explicitly", Severity.FIXED)
        else:
            self._report_once(module, unit, "MF103",
                              f"name {name.name!r} is not defined ({name.reason})")

    def _report_once(self, module: str, unit: Unit, code: str, message: str,
                     severity: Severity | None = None) -> None:
        key = (module, unit.index, message)
        if key not in self.reported:
            self.reported.add(key)
            self.flat.report(code, message, severity=severity or Severity.ERROR, path=module,
                             line=unit.start)

    # -- ordering --------------------------------------------------------------------------
    def _ordered(self) -> list[Piece]:
        """Execution order, re-sorted so definition-time dependencies come first (Kahn)."""
        pieces = sorted(self.pieces.values(), key=lambda p: p.position)
        binders: dict[str, list[Piece]] = {}
        for p in pieces:
            for name in p.binds:
                binders.setdefault(f"{p.module}:{name}", []).append(p)
        index_of = {id(p): index for (_, index), p in self.pieces.items()}
        deps: dict[int, set[int]] = {id(p): set() for p in pieces}
        rank = {id(p): k for k, p in enumerate(pieces)}
        for p in pieces:
            unit = self.unit(p.module or "", index_of[id(p)])
            for name in unit.refs_def:
                deps[id(p)] |= _reaching(p, binders.get(p.links.get(name, ""), []), rank)
            for chain, key in p.chains.items():
                if self._chain_at_def_time(unit, chain):
                    deps[id(p)] |= _reaching(p, binders.get(key, []), rank)
        if all(rank[j] < rank[i] for i, d in deps.items() for j in d):
            return pieces  # the usual case: execution order already defines before use
        by_id = {id(p): p for p in pieces}
        users: dict[int, list[int]] = {i: [] for i in by_id}
        waiting = {i: len(d) for i, d in deps.items()}
        for i, d in deps.items():
            for j in d:
                users[j].append(i)
        ready = [(by_id[i].position, i) for i, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        out: list[Piece] = []
        done: set[int] = set()
        while len(out) < len(pieces):
            if not ready:  # a definition-time cycle: keep execution order and say so
                i = min((i for i in by_id if i not in done), key=lambda i: by_id[i].position)
                p = by_id[i]
                self.flat.report("MF206", f"definition-time cycle at {p.origin}",
                                 severity=Severity.WARNING, path=p.module, line=p.line)
            else:
                _, i = heapq.heappop(ready)
                if i in done:
                    continue
            done.add(i)
            out.append(by_id[i])
            for u in users[i]:
                waiting[u] -= 1
                if waiting[u] == 0 and u not in done:
                    heapq.heappush(ready, (by_id[u].position, u))
        return out

    @staticmethod
    def _chain_at_def_time(unit: Unit, chain: tuple[str, ...]) -> bool:
        return chain[0] in unit.refs_def


def _reaching(reader: Piece, binders: list[Piece], rank: dict[int, int]) -> set[int]:
    """The binders of a name `reader` reads when it runs: the last one before it in execution
    order (a name bound again later, as notebook cells rebind `n` and `P`, is not read yet),
    else none when it binds the name itself (a loop reading its own variable), else every one
    (a binder ordered after its reader, e.g. across an import cycle)."""
    before = [q for q in binders if q is not reader and rank[id(q)] < rank[id(reader)]]
    if before:
        return {id(max(before, key=lambda q: rank[id(q)]))}
    return set() if any(q is reader for q in binders) else {id(q) for q in binders}


def _opengl_mobjects(piece: Piece) -> list[str]:
    """The `OpenGL*` classes of manim's OpenGL modules the piece uses (not the
    `ConvertToOpenGL` metaclass, which makes a mobject draw with either renderer)."""
    out = []
    for target in piece.links.values():
        module, _, name = target.partition(":")[2].rpartition(":")
        if name.startswith("OpenGL") and (module == "manim.opengl"
                                          or module.startswith("manim.mobject.opengl.")):
            out.append(name)
    return out


def _sets_renderer(unit: Unit) -> bool:
    """A module-level `config.renderer = ...` (or `config["renderer"]`)."""
    return any(isinstance(t, ast.Attribute) and t.attr == "renderer"
               or isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant)
               and t.slice.value == "renderer"
               for stmt in unit.stmts for node in ast.walk(stmt)
               if isinstance(node, ast.Assign) for t in node.targets)
