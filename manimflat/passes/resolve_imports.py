"""resolve-imports: find the repository modules a scene executes, in execution order.

Before: `Flat.scene` names a Manim CE scene. After: `Flat.modules` lists the repository
modules that running the scene's file executes, in the order they finish (its own last), every import of theirs that
resolves nowhere is an MF101 error, each import cycle is one MF108 note, and each `sys.path`
edit that became an import root is an MF107 `fixed` note naming the folder (and the working
directory it assumes, when the entry is relative). An import resolved as the author must
have run it is a `fixed` note naming the file taken and why: MF119 for a sibling of the
importing file (the author's PYTHONPATH), MF120 for a file that moved (a stale dotted path),
MF128 for a file renamed after it was imported (`BinomHelpers` beside `BinomHelper.py`);
two equally good candidates, or a relative `sys.path` entry that names two different files
from two working directories, are an MF121 error naming both.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analyses.bindings import Guess, syspath_entries
from ..analyses.resolution import ImportGraphs, Resolvers
from ..diagnostics import Severity
from ..ir import Flat
from ..pass_manager import ALL, Pass

_GUESS_CODES = {"sibling": "MF119", "moved": "MF120", "ambiguous": "MF121", "misspelt": "MF128"}


@dataclass(frozen=True)
class ResolveImports(Pass):
    NAME = "resolve-imports"
    DESCRIPTION = "find the modules the scene executes and check that every import resolves"
    REQUIRES = ("resolvers", "import-graphs")
    PROVIDES = ("imports",)

    def run(self, flat: Flat) -> frozenset[str]:
        resolver = flat.analyses.get(Resolvers).of(flat.scene.path)
        graph = flat.analyses.get(ImportGraphs).of(flat.scene.path)
        order = graph.execution_order(flat.scene.path)
        finished = {module: i for i, (module, _) in enumerate(order)}  # last unit wins
        flat.modules = sorted(finished, key=finished.__getitem__)
        entries = syspath_entries(flat.program)
        for module in flat.modules:
            info = flat.program.module(module)
            ambiguous: set[int] = set()
            for unit in info.units if info else []:
                if unit.kind == "syspath":
                    flat.report("MF107", _syspath_message(entries.get((module, unit.start), [])),
                                severity=Severity.FIXED, path=module, line=unit.start)
                if unit.kind in ("main", "type_checking"):
                    continue
                for rec in [*unit.imports, *unit.nested_imports]:
                    guess = None if rec.level else resolver.guesses.get(
                        (module.rpartition("/")[0], rec.module)) or resolver.guesses.get(
                        ("*", rec.module))
                    if guess is not None:
                        _report_guess(flat, guess, module, rec.line)
                        if guess.kind == "ambiguous":
                            ambiguous.add(rec.line)
            for rec, target in resolver.broken_imports(module):
                if rec.line not in ambiguous:
                    flat.report("MF101", target.reason, path=module, line=rec.line)
        for cycle in graph.cycles(flat.modules):
            flat.report("MF108", "import cycle: " + " -> ".join(cycle),
                        severity=Severity.INFO, path=cycle[0])
        return ALL


def _report_guess(flat: Flat, guess: Guess, module: str, line: int) -> None:
    flat.report(_GUESS_CODES[guess.kind], guess.why, path=module, line=line,
                severity=Severity.ERROR if guess.kind == "ambiguous" else Severity.FIXED)


def _syspath_message(folders: list[tuple[str, str | None]]) -> str:
    if not folders:
        return "sys.path edit removed; it names no folder of the repository"
    said = []
    for folder, cwd in folders:
        name = f"{folder}/" if folder else "the repository root"
        said.append(name if cwd is None else
                    f"{name} (when manim is run from {cwd + '/' if cwd else 'the repository root'})")
    return "sys.path edit removed; " + ", ".join(said) + " is an import root"
