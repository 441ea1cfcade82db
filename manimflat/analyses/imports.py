"""The import graph of repository modules and the order Python would execute them in.

Importing `pkg.sub` runs `pkg/__init__.py` and then `pkg/sub.py`; a module runs once, at its
first import, statement by statement. `execution_order` replays that statically and returns
every top-level unit of every executed module in the order it runs. Imports inside function
bodies run when called; they are placed just before the unit that contains them, which is
early enough for any call. Cycles are strongly connected components (Tarjan), reported once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath

from .bindings import Local, ModuleRef, Resolver
from .import_records import ImportRec
from .units import Unit

SKIPPED_KINDS = frozenset({"main", "type_checking"})


@dataclass
class ImportGraph:
    resolver: Resolver
    _orders: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    _modules_of: dict[tuple[str, ImportRec], list[str]] = field(default_factory=dict)
    _edges: dict[str, list[str]] = field(default_factory=dict)
    _positions: dict[str, dict[tuple[str, int], int]] = field(default_factory=dict)

    def modules_of(self, importer: str, rec: ImportRec) -> list[str]:
        """Repo modules that executing `rec` in `importer` runs, parents first."""
        key = (importer, rec)
        if key not in self._modules_of:
            self._modules_of[key] = self._compute_modules_of(importer, rec)
        return self._modules_of[key]

    def _compute_modules_of(self, importer: str, rec: ImportRec) -> list[str]:
        target = self.resolver.resolve_import(importer, rec)
        out: list[str] = []
        base = self.resolver.resolve_module(importer, rec.module, rec.level)
        if isinstance(base, ModuleRef):
            out.extend(_packages(base.module))
            out.append(base.module)
        if isinstance(target, ModuleRef):
            out.extend(_packages(target.module))
            out.append(target.module)
        elif isinstance(target, Local):
            out.append(target.module)
        has = self.resolver.program.has_file
        return [m for m in dict.fromkeys(out) if has(m)]

    def edges(self, module: str) -> list[str]:
        """Modules `module` imports, without its own parent packages (already running)."""
        if module not in self._edges:
            self._edges[module] = self._compute_edges(module)
        return self._edges[module]

    def _compute_edges(self, module: str) -> list[str]:
        info = self.resolver.program.module(module)
        out: list[str] = []
        ancestors = set(_packages(module))
        for unit in info.units if info else []:
            if unit.kind not in SKIPPED_KINDS:
                for rec in unit.imports:
                    out.extend(m for m in self.modules_of(module, rec) if m not in ancestors)
        return list(dict.fromkeys(out))

    def execution_order(self, start: str) -> list[tuple[str, int]]:
        if start not in self._orders:
            self._orders[start] = self._execution_order(start)
        return self._orders[start]

    def positions(self, start: str) -> dict[tuple[str, int], int]:
        """Each unit's place in `execution_order(start)`."""
        if start not in self._positions:
            self._positions[start] = {u: i for i, u in enumerate(self.execution_order(start))}
        return self._positions[start]

    def _execution_order(self, start: str) -> list[tuple[str, int]]:
        order: list[tuple[str, int]] = []
        started: set[str] = set()

        def run(module: str) -> None:
            if module in started:
                return  # already running or done: a cycle, or a second import
            started.add(module)
            info = self.resolver.program.module(module)
            for unit in info.units if info else []:
                if unit.kind in SKIPPED_KINDS:
                    continue
                for rec in _imports(unit):
                    for dep in self.modules_of(module, rec):
                        run(dep)
                order.append((module, unit.index))

        for package in _packages(start):
            if self.resolver.program.has_file(package):
                run(package)
        run(start)
        return order

    def cycles(self, modules: list[str]) -> list[list[str]]:
        """Strongly connected components with more than one module (Tarjan)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        out: list[list[str]] = []

        def visit(v: str) -> None:
            index[v] = low[v] = len(index)
            stack.append(v)
            on_stack.add(v)
            for w in self.edges(v):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    out.append(sorted(component))

        for m in modules:
            if m not in index:
                visit(m)
        return out


def _imports(unit: Unit) -> list[ImportRec]:
    return [*unit.imports, *unit.nested_imports]


@cache
def _packages(module: str) -> list[str]:
    """`a/b/c.py` -> the `__init__.py` files of `a` and `a/b` (outermost first)."""
    parts = PurePosixPath(module).parent.parts
    out = []
    for i in range(1, len(parts) + 1):
        out.append("/".join(parts[:i]) + "/__init__.py")
    return [p for p in out if p != module]
