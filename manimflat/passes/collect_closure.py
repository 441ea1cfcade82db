"""collect-closure: tree-shake the program down to what the scene reaches, in an order that runs.

Before: `Flat.modules` (from resolve-imports). After: `Flat.pieces` holds the transitive
closure of top-level statements the scene needs: its class, every repository function, class,
constant it reaches (through plain names, imported names and `module.attr` chains, at
definition time or call time), and the module-level side effects of every executed module
(`config.* = ...`, seeds, registrations; effects on an object are kept when the object is).
Each piece records what its names link to (`Piece.links`, `Piece.chains`) so later passes
can rename and rewrite imports. Pieces are ordered by Python's execution order of the
original program, then stably re-sorted so that definition-time dependencies come first.

Dropped: `if __name__ == "__main__":` blocks (MF203), `if TYPE_CHECKING:` blocks (MF208),
sys.path edits, `__all__`, module docstrings and other bare string statements, and imports (re-created by normalize-imports).
A name that another file assigns on a repository module (`settings.RADIUS = 0.5` after
`import settings`) is that module's name too, defined by that statement.
Known limits: a module object used as a value cannot be inlined (MF202); names created at
run time (`globals()[...] = ...`) are not seen (MF103).
"""

from __future__ import annotations

import ast
import heapq
from collections import deque
from dataclasses import dataclass, field

import libcst as cst

from ..analyses import externals
from ..analyses.bindings import Builtin, External, Local, ModuleRef, Resolver, Target, Unresolved
from ..analyses.config_files import config_notes, config_statements
from ..analyses.resolution import ImportGraphs, Resolvers
from ..analyses.symbols import global_refs
from ..analyses.units import Unit
from ..diagnostics import Severity
from ..ir import Flat, Piece
from ..pass_manager import NONE, Pass
from ..transforms import as_module, drop_unreachable
from .upgrade_api import NOT_UPGRADABLE, REMOVED, REMOVED_NAMES

DROPPED = {"main": "MF203", "type_checking": "MF208"}
NOT_EMITTED = frozenset({"import", "future", "docstring", "syspath", "all", *DROPPED})


@dataclass(frozen=True)
class CollectClosure(Pass):
    NAME = "collect-closure"
    DESCRIPTION = "tree-shake the repository down to the statements the scene needs, ordered"
    NEEDS = ("imports",)
    REQUIRES = ("resolvers", "import-graphs")
    PROVIDES = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        _Linker(flat).link()
        return NONE


@dataclass
class _Facts:
    """What one statement links to, as seen from one resolver."""

    node: cst.BaseStatement | None = None  # the statement with unreachable code removed
    links: dict[str, str] = field(default_factory=dict)
    chains: dict[tuple[str, ...], str] = field(default_factory=dict)
    drop_imports: frozenset[tuple[str, int]] = frozenset()
    needs: list[Local] = field(default_factory=list)
    reports: list[tuple[str, str, Severity | None]] = field(default_factory=list)
    submodules: set[str] = field(default_factory=set)

    def report(self, code: str, message: str, severity: Severity | None = None) -> None:
        self.reports.append((code, message, severity))


def external_key(target: External, name: str) -> str:
    """The output binding an external target needs (see normalize-imports)."""
    if target.attr is None:
        return f"mod:{target.module}"
    top_attr = target.attr.split(".")[0]
    alias_of = externals.star_module_aliases(target.module).get(target.attr) \
        if target.module == "manim" else None
    if alias_of:  # manim's `np` is `import numpy as np`: one key for one module
        return f"mod:{alias_of}"
    if target.module == "manim" and "." not in target.attr and name == target.attr \
            and target.attr in externals.manim_exports():
        return f"star:manim:{target.attr}"
    if "." in target.attr:  # `from a import b` then `b.c.d`: keep b as the binding
        return f"from:{target.module}:{top_attr}"
    return f"from:{target.module}:{target.attr}"


class _Linker:
    def __init__(self, flat: Flat) -> None:
        self.flat = flat
        self.program = flat.program
        self.resolver: Resolver = flat.analyses.get(Resolvers).of(flat.scene.path)
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
        self.flat.pieces = self._config_file_pieces() + self._ordered()
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

    # -- what is included ------------------------------------------------------------------
    def _seed_effects(self) -> None:
        """Side effects of executed modules: unconditional ones now, the rest on demand."""
        for module in self.flat.modules:
            info = self.program.module(module)
            for unit in info.units if info else []:
                if unit.kind in DROPPED:
                    self._note_dropped(module, unit)
                if unit.kind != "effect":
                    continue
                roots = [self.resolver.resolve(module, r) for r in unit.mutates]
                local_roots = [t.key for t in roots if isinstance(t, Local)]
                if local_roots and len(local_roots) == len(roots):
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
        """Link one statement; what it links to depends only on the resolver, so the facts
        are computed once per repository and replayed for every scene that includes it."""
        key = (module, index)
        cache = self.resolver.unit_facts
        if key not in cache:
            cache[key] = self._facts(module, index)
        facts = cache[key]
        assert isinstance(facts, _Facts)
        piece = self.pieces[key]
        if facts.node is not None:
            piece.node = facts.node
        piece.links, piece.chains = facts.links, facts.chains  # shared: passes replace them
        piece.drop_imports = facts.drop_imports
        if facts.submodules:
            self.flat.submodule_imports |= facts.submodules
        for target in facts.needs:
            self.need(target)
        for code, message, severity in facts.reports:
            self._report_once(module, self.unit(module, index), code, message, severity)

    def _facts(self, module: str, index: int) -> _Facts:
        unit = self.unit(module, index)
        piece = _Facts()
        local_imports = self._nested_imports(module, unit, piece)
        chain_roots = {}
        for name in sorted(unit.refs | unit.binds):
            target = self.resolver.resolve(module, name)
            if isinstance(target, Unresolved) and name in local_imports:
                target = local_imports[name]
            if isinstance(target, ModuleRef):
                chain_roots[name] = target
                continue
            self._link_name(piece, module, unit, name, target)
        for name, target in local_imports.items():
            if isinstance(target, ModuleRef):
                chain_roots.setdefault(name, target)
            elif isinstance(target, Local) and name not in piece.links:
                piece.needs.append(target)  # bound by an import inside a function
                piece.links[name] = target.key
        if chain_roots:
            self._link_chains(piece, module, unit, chain_roots, local_imports)
        return piece

    def _link_name(self, piece: _Facts, module: str, unit: Unit, name: str,
                   target: Target) -> None:
        if isinstance(target, Local):
            piece.needs.append(target)
            piece.links[name] = target.key
        elif isinstance(target, External):
            piece.links[name] = external_key(target, name)
            self._note_submodules(piece, module, name, target)
        elif isinstance(target, Builtin):
            piece.links[name] = f"builtin:{name}"
        elif isinstance(target, Unresolved) and name in unit.annotation_refs:
            bound = self._type_checking_import(module, name)
            if bound is not None:  # `if TYPE_CHECKING: from kinds import Badge`
                self._link_name(piece, module, unit, name, bound)
            # else an annotation names what nothing binds: left as written, as in the original
        elif isinstance(target, Unresolved):
            node = piece.node or self.program.cst(module).body[unit.index]
            live = drop_unreachable(node)
            if name not in (global_refs(as_module(live).code) or {name}):
                if live is not node:  # the first such name drops the dead code
                    piece.node = live
                    piece.report("MF209", "unreachable code using "
                                      f"undefined {name!r} removed", Severity.FIXED)
            elif name in REMOVED_NAMES and self._star_imports_manim(module):
                piece.links[name] = REMOVED + name  # upgrade-api rewrites it
            elif name in NOT_UPGRADABLE and self._star_imports_manim(module):
                piece.report("MF212", f"{name!r} is a Manim CE name that is gone: "
                             f"{NOT_UPGRADABLE[name]}")
            elif name in externals.DRIFTED_STAR_NAMES and self._star_imports_manim(module):
                piece.links[name] = externals.DRIFTED_STAR_NAMES[name]
                piece.report("MF103", f"{name!r} came from `from manim "
                                  "import *` in older manim; imported explicitly", Severity.FIXED)
            else:
                piece.report("MF103",
                                  f"name {name!r} is not defined ({target.reason})")

    def _type_checking_import(self, module: str, name: str) -> Target | None:
        """What an import under `if TYPE_CHECKING:` binds `name` to, when it resolves: the
        block is dropped, but the annotations that read the name stay."""
        info = self.program.module(module)
        for unit in info.units if info else []:
            for rec in unit.imports if unit.kind == "type_checking" else []:
                if rec.bound == name:
                    target = self.resolver.resolve_import(module, rec)
                    if not isinstance(target, (Unresolved, ModuleRef)):
                        return target
        return None

    def _note_submodules(self, piece: _Facts, module: str, name: str,
                         target: External) -> None:
        """`import a.b.c` binds `a`; the output must still import `a.b.c`."""
        if target.attr is not None:
            return
        info = self.program.module(module)
        for rec in info.import_bindings.get(name, []) if info else []:
            if rec.name is None and not rec.alias and "." in rec.module:
                piece.submodules.add(rec.module)

    def _nested_imports(self, module: str, unit: Unit, piece: _Facts) -> dict[str, Target]:
        """Repo imports inside the statement (function bodies, try blocks) are deleted and
        the names they bound are linked like module-level names."""
        bound: dict[str, Target] = {}
        drop: set[tuple[str, int]] = set()
        for rec in [*unit.nested_imports, *unit.imports]:
            target = self.resolver.resolve_import(module, rec)
            base = self.resolver.resolve_module(module, rec.module, rec.level)
            if rec.dynamic:
                continue
            if isinstance(target, (Local, ModuleRef)) or isinstance(base, ModuleRef):
                drop.add((rec.module, rec.level))
                if rec.name == "*" and isinstance(base, ModuleRef):
                    continue
                if rec.bound:
                    bound[rec.bound] = target
        piece.drop_imports = frozenset(drop)
        return bound

    def _link_chains(self, piece: _Facts, module: str, unit: Unit,
                     roots: dict[str, ModuleRef], local_imports: dict[str, Target]) -> None:
        """`h.f` where `h` is a repo module: link the whole chain to `f`'s definition."""
        bare: set[str] = set()
        for chain in _attribute_chains(unit, set(roots)):
            if len(chain) == 1:
                bare.add(chain[0])
                continue
            if chain[0] in local_imports and chain[0] not in self._module_level(module):
                target, used = _resolve_from(self.resolver, roots[chain[0]], chain)
            else:
                target, used = self.resolver.resolve_chain(module, chain)
            if isinstance(target, Local):
                piece.needs.append(target)
                piece.chains[chain[:used]] = target.key
            elif isinstance(target, External):
                piece.chains[chain[:used]] = external_key(target, chain[used - 1])
            elif isinstance(target, ModuleRef):
                piece.report("MF202",
                                  f"module {'.'.join(chain[:used])} is used as a value")
            elif isinstance(target, Unresolved):
                piece.report("MF103",
                                  f"{'.'.join(chain[:used])} is not defined ({target.reason})")
        for name in sorted(bare - set(local_imports)):
            piece.report("MF202", f"module {name!r} is used as a value; "
                              "use `from module import name`")

    def _module_level(self, module: str) -> set[str]:
        info = self.program.module(module)
        return set(info.import_bindings) | set(info.bindings) if info else set()

    def _star_imports_manim(self, module: str) -> bool:
        info = self.program.module(module)
        return any(r.module == "manim" and r.level == 0 for r in info.star_imports) \
            if info else False

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
        for p in pieces:
            unit = self.unit(p.module or "", index_of[id(p)])
            names = set(unit.refs_def)
            for name in names:
                for q in binders.get(p.links.get(name, ""), []):
                    if q is not p:
                        deps[id(p)].add(id(q))
            for chain, key in p.chains.items():
                for q in binders.get(key, []):
                    if q is not p and self._chain_at_def_time(unit, chain):
                        deps[id(p)].add(id(q))
        rank = {id(p): k for k, p in enumerate(pieces)}
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


def _resolve_from(resolver: Resolver, base: ModuleRef,
                  chain: tuple[str, ...]) -> tuple[Target, int]:
    target: Target = base
    used = 1
    while used < len(chain) and isinstance(target, ModuleRef):
        target = resolver.attribute(target, chain[used])
        used += 1
    return target, used


def _attribute_chains(unit: Unit, roots: set[str]) -> list[tuple[str, ...]]:
    """Every load of `root.a.b...` (longest chain) and every bare load of `root`."""
    found = unit.occurrences
    out = [parts for parts, _ in found.chains if parts[0] in roots]
    out += [(root,) for root in sorted(roots) for name in found.names.get(root, [])
            if id(name) not in found.chain_roots and isinstance(name.ctx, ast.Load)]
    return out
