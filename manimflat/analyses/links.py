"""Unit links: what the names and module attribute chains of each top-level statement link to.

A repository-level analysis (`Links`): what a statement links to depends only on the resolver
of the scene's folder, so each statement is linked once per folder and the result is shared
by every scene of the run that includes it (`collect-closure` replays it). A link is a key:
"path.py:name" (a repository definition, which the scene then needs), "mod:numpy",
"from:numpy:array", "star:manim:Circle", "builtin:len" (see normalize-imports).

Also here, since they decide what a name links to: repository imports inside the statement
(deleted, their names linked like module-level ones), `import a.b.c` submodules the output
must import again, names only an `if TYPE_CHECKING:` import binds (for annotations), and
unreachable code using an undefined name (removed, MF209). A name nothing binds is recorded
as `Undefined`, in the order of the statement's other reports: what it means for the output
(a removed Manim API name, for example) is the passes' business.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from ..analysis import Analysis, AnalysisManager
from ..diagnostics import Severity
from . import externals
from .bindings import Builtin, External, Local, ModuleRef, Resolver, Target, Unresolved
from .resolution import Resolvers, scene_folder
from .scenes import star_imports_manim
from .symbols import global_refs
from .units import Unit


@dataclass(frozen=True)
class Undefined:
    """A name the statement reads that nothing binds (`reason` says why)."""

    name: str
    reason: str
    star_manim: bool  # the statement's module runs `from manim import *`


Report = tuple[str, str, Severity | None]


@dataclass
class UnitLinks:
    """What one statement links to, as seen from one resolver."""

    node: cst.BaseStatement | None = None  # the statement with unreachable code removed
    links: dict[str, str] = field(default_factory=dict)
    chains: dict[tuple[str, ...], str] = field(default_factory=dict)
    drop_imports: frozenset[tuple[str, int]] = frozenset()
    needs: list[Local] = field(default_factory=list)  # the definitions it links to
    reports: list[Report | Undefined] = field(default_factory=list)
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


class Links(Analysis):
    """Unit links of the whole run: one table per scene folder, and the reachable code of
    each statement (which no resolver changes), computed once."""

    NAME = "links"
    LEVEL = "repo"
    DEPENDS = (Resolvers,)

    def __init__(self, resolvers: Resolvers) -> None:
        self.resolvers = resolvers
        self._by_folder: dict[str, LinkTable] = {}
        # (module, unit) -> the statement without unreachable code, and what it reads
        self.live: dict[tuple[str, int],
                        tuple[cst.BaseStatement | None, frozenset[str] | None]] = {}

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> Links:
        return cls(am.get(Resolvers))

    def of(self, scene_path: str = "") -> LinkTable:
        folder = scene_folder(scene_path)
        if folder not in self._by_folder:
            self._by_folder[folder] = LinkTable(self, self.resolvers.of(scene_path))
        return self._by_folder[folder]


class LinkTable:
    """The links of every statement as seen by one resolver, computed on first request."""

    def __init__(self, links: Links, resolver: Resolver) -> None:
        self.shared = links
        self.resolver = resolver
        self.program = resolver.program
        self._units: dict[tuple[str, int], UnitLinks] = {}

    def unit(self, module: str, index: int) -> UnitLinks:
        key = (module, index)
        if key not in self._units:
            self._units[key] = self._link(module, index)
        return self._units[key]

    def _unit(self, module: str, index: int) -> Unit:
        info = self.program.module(module)
        assert info is not None
        return info.units[index]

    def _link(self, module: str, index: int) -> UnitLinks:
        unit = self._unit(module, index)
        found = UnitLinks()
        local_imports = self._nested_imports(module, unit, found)
        chain_roots = {}
        for name in sorted(unit.refs | unit.binds):
            target = self.resolver.resolve(module, name)
            if isinstance(target, Unresolved) and name in local_imports:
                target = local_imports[name]
            if isinstance(target, ModuleRef):
                chain_roots[name] = target
                continue
            self._link_name(found, module, unit, name, target)
        for name, target in local_imports.items():
            if isinstance(target, ModuleRef):
                chain_roots.setdefault(name, target)
            elif isinstance(target, Local) and name not in found.links:
                found.needs.append(target)  # bound by an import inside a function
                found.links[name] = target.key
        if chain_roots:
            self._link_chains(found, module, unit, chain_roots, local_imports)
        return found

    def _link_name(self, found: UnitLinks, module: str, unit: Unit, name: str,
                   target: Target) -> None:
        if isinstance(target, Local):
            found.needs.append(target)
            found.links[name] = target.key
        elif isinstance(target, External):
            found.links[name] = external_key(target, name)
            self._note_submodules(found, module, name, target)
        elif isinstance(target, Builtin):
            found.links[name] = f"builtin:{name}"
        elif isinstance(target, Unresolved) and name in unit.annotation_refs:
            bound = self._type_checking_import(module, name)
            if bound is not None:  # `if TYPE_CHECKING: from kinds import Badge`
                self._link_name(found, module, unit, name, bound)
            # else an annotation names what nothing binds: left as written, as in the original
        elif isinstance(target, Unresolved):
            live, reads = self._live(module, unit)
            if name not in (reads or {name}):
                if found.node is None and live is not None:
                    found.node = live  # the first such name drops the dead code
                    found.report("MF209", f"unreachable code using undefined {name!r} removed",
                                 Severity.FIXED)
            else:
                found.reports.append(Undefined(name, target.reason,
                                               star_imports_manim(self.program, module)))

    def _live(self, module: str,
              unit: Unit) -> tuple[cst.BaseStatement | None, frozenset[str] | None]:
        """The statement without its unreachable code (None: it has none) and the global
        names it then reads."""
        key = (module, unit.index)
        if key not in self.shared.live:
            node = self.program.cst(module).body[unit.index] if _dead_code(unit) else None
            live = drop_unreachable(node) if node is not None else None
            if live is None or live is node:  # as written: read from its text, no tree needed
                info = self.program.module(module)
                assert info is not None
                text = "".join(info.lines[unit.start - 1:unit.end])
                self.shared.live[key] = None, global_refs(text)
            else:
                self.shared.live[key] = live, global_refs(cst.Module(body=[live]).code)  # type: ignore[list-item]
        return self.shared.live[key]

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

    def _note_submodules(self, found: UnitLinks, module: str, name: str,
                         target: External) -> None:
        """`import a.b.c` binds `a`; the output must still import `a.b.c`."""
        if target.attr is not None:
            return
        info = self.program.module(module)
        for rec in info.import_bindings.get(name, []) if info else []:
            if rec.name is None and not rec.alias and "." in rec.module:
                found.submodules.add(rec.module)

    def _nested_imports(self, module: str, unit: Unit, found: UnitLinks) -> dict[str, Target]:
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
        found.drop_imports = frozenset(drop)
        return bound

    def _link_chains(self, found: UnitLinks, module: str, unit: Unit,
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
                found.needs.append(target)
                found.chains[chain[:used]] = target.key
            elif isinstance(target, External):
                found.chains[chain[:used]] = external_key(target, chain[used - 1])
            elif isinstance(target, ModuleRef):
                found.report("MF202", f"module {'.'.join(chain[:used])} is used as a value")
            elif isinstance(target, Unresolved):
                found.report("MF103",
                             f"{'.'.join(chain[:used])} is not defined ({target.reason})")
        for name in sorted(bare - set(local_imports)):
            found.report("MF202", f"module {name!r} is used as a value; "
                         "use `from module import name`")

    def _module_level(self, module: str) -> set[str]:
        info = self.program.module(module)
        return set(info.import_bindings) | set(info.bindings) if info else set()


def _resolve_from(resolver: Resolver, base: ModuleRef,
                  chain: tuple[str, ...]) -> tuple[Target, int]:
    target: Target = base
    used = 1
    while used < len(chain) and isinstance(target, ModuleRef):
        target = resolver.attribute(target, chain[used])
        used += 1
    return target, used


class _DropUnreachable(cst.CSTTransformer):
    """Delete statements that follow `raise`/`return`/`continue`/`break` in the same block."""

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.IndentedBlock:
        body = list(updated.body)
        for i, stmt in enumerate(body):
            if isinstance(stmt, cst.SimpleStatementLine) and any(
                    isinstance(s, (cst.Raise, cst.Return, cst.Continue, cst.Break))
                    for s in stmt.body):
                return updated.with_changes(body=body[:i + 1])
        return updated


def drop_unreachable(node: cst.BaseStatement) -> cst.BaseStatement:
    """`node` without unreachable statements (the same object when there are none)."""
    module = cst.Module(body=[node])  # type: ignore[list-item]
    new = module.visit(_DropUnreachable()).body[0]
    return node if new.deep_equals(node) else new


_JUMPS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _dead_code(unit: Unit) -> bool:
    """Whether a block of the statement goes on on a line after a `return`, `raise`,
    `continue` or `break` (what `drop_unreachable` removes), read from the ast so
    that most statements need no libcst tree."""
    for stmt in unit.stmts:
        for node in ast.walk(stmt):
            blocks = [getattr(node, f, None) for f in ("body", "orelse", "finalbody")]
            for block in blocks:
                if not isinstance(block, list) or len(block) < 2:
                    continue
                last = block[-1].lineno
                if any(isinstance(s, _JUMPS) and last > (s.end_lineno or s.lineno)
                       for s in block[:-1]):
                    return True
    return False


def _attribute_chains(unit: Unit, roots: set[str]) -> list[tuple[str, ...]]:
    """Every load of `root.a.b...` (longest chain) and every bare load of `root`."""
    found = unit.occurrences
    out = [parts for parts, _ in found.chains if parts[0] in roots]
    out += [(root,) for root in sorted(roots) for name in found.names.get(root, [])
            if id(name) not in found.chain_roots and isinstance(name.ctx, ast.Load)]
    return out
