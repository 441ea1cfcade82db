"""resolve-imports: find the repository modules a scene executes, in execution order.

Before: `Flat.scene` names a Manim CE scene. After: `Flat.modules` lists the repository
modules that running the scene's file executes, in the order they finish (its own last), every import of theirs that
resolves nowhere is an MF101 error, each import cycle is one MF108 note, and each `sys.path`
edit that became an import root is an MF107 `fixed` note.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Severity
from ..ir import Flat
from ..pass_manager import ALL, Pass


@dataclass(frozen=True)
class ResolveImports(Pass):
    NAME = "resolve-imports"
    DESCRIPTION = "find the modules the scene executes and check that every import resolves"
    PROVIDES = ("imports",)

    def run(self, flat: Flat) -> frozenset[str]:
        resolver = flat.program.resolver(flat.scene.path)
        graph = resolver.graph
        order = graph.execution_order(flat.scene.path)
        finished = {module: i for i, (module, _) in enumerate(order)}  # last unit wins
        flat.modules = sorted(finished, key=finished.__getitem__)
        for module in flat.modules:
            info = flat.program.module(module)
            for unit in info.units if info else []:
                if unit.kind == "syspath":
                    flat.report("MF107", "sys.path edit removed; its folder is an import root",
                                severity=Severity.FIXED, path=module, line=unit.start)
            for rec, target in resolver.broken_imports(module):
                flat.report("MF101", target.reason, path=module, line=rec.line)
        for cycle in graph.cycles(flat.modules):
            flat.report("MF108", "import cycle: " + " -> ".join(cycle),
                        severity=Severity.INFO, path=cycle[0])
        return ALL
