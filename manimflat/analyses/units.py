"""Per-file analysis: the top-level statements ("units") of a module and what each one needs.

A unit is exactly one statement of libcst's `Module.body`: ast statements joined by `;` on
one line form one unit, so unit `k` is `cst_module.body[k]`. For each unit we record, with
CPython's own `symtable` (scope-correct, in C, fast):

- `binds`: module-level names it defines;
- `refs_def`: global names read when the statement executes (decorators, defaults, bases,
  class bodies, module-level expressions);
- `refs_call`: global names read only when a function defined in it is called, and names
  only annotations read (`annotation_refs`: not evaluated, but the output must bind them);
- `imports`: import statements executed with the module (including inside `try`/`if`), and
  `nested_imports`: imports inside function bodies, executed when called;
- `mutates`: module-level names whose objects it changes (`CONFIG["a"] = 1`, `L.append(x)`).

The facts come from `symbols.py` (what is bound and read), `import_records.py`,
`effects.py` (mutations, `sys.path` edits) and `occurrences.py` (where names occur).
Nothing here imports or runs repository code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from .effects import mutated_roots, syspath_args
from .import_records import ImportRec, dynamic_import_name, records, walk_imports
from .layout import source_lines
from .occurrences import Occurrences
from .symbols import annotation_refs, symtable_facts


@dataclass
class Unit:
    index: int
    start: int  # first line, decorators included
    end: int
    kind: str  # import|def|class|assign|effect|main|docstring|type_checking|syspath|future|all
    # (docstring: any bare string statement at module level)
    stmts: list[ast.stmt]
    binds: frozenset[str] = frozenset()
    refs_def: frozenset[str] = frozenset()
    refs_call: frozenset[str] = frozenset()
    imports: list[ImportRec] = field(default_factory=list)
    nested_imports: list[ImportRec] = field(default_factory=list)
    mutates: frozenset[str] = frozenset()
    syspath: list[ast.expr] = field(default_factory=list)
    # Names only annotations read (see `_annotation_refs`), also in `refs_call`: one the
    # program cannot bind is left as written rather than reported.
    annotation_refs: frozenset[str] = frozenset()
    # Names bound in some nested scope (parameters, locals, class attributes): renaming a
    # global of that name needs real scope analysis; any other rename is by spelling.
    shadowed: frozenset[str] = frozenset()

    @property
    def refs(self) -> frozenset[str]:
        return self.refs_def | self.refs_call

    @cached_property
    def label(self) -> str:
        """What it defines, for reports: "Badge", "PALETTE,SIZE", or its kind."""
        return ",".join(sorted(self.binds)) or self.kind

    @cached_property
    def occurrences(self) -> Occurrences:
        return Occurrences.of(self.stmts)


_COMPOUND: tuple[type[ast.stmt], ...] = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For,
             ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
if hasattr(ast, "TryStar"):
    _COMPOUND = (*_COMPOUND, ast.TryStar)


def group_statements(body: list[ast.stmt]) -> list[list[ast.stmt]]:
    """Group ast statements the way libcst groups them into top-level statements."""
    groups: list[list[ast.stmt]] = []
    for stmt in body:
        prev = groups[-1][-1] if groups else None
        joined = (prev is not None and not isinstance(stmt, _COMPOUND)
                  and not isinstance(prev, _COMPOUND) and stmt.lineno == prev.end_lineno)
        if joined:
            groups[-1].append(stmt)
        else:
            groups.append([stmt])
    return groups


def analyze_module(source: str, tree: ast.Module) -> list[Unit]:
    lines = source_lines(source)
    lazy_annotations = any(isinstance(s, ast.ImportFrom) and s.module == "__future__"
                           and any(a.name == "annotations" for a in s.names) for s in tree.body)
    units = []
    group_counter = iter(range(1_000_000))
    for index, stmts in enumerate(group_statements(tree.body)):
        first = stmts[0]
        start = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])])
        end = stmts[-1].end_lineno or stmts[-1].lineno
        unit = Unit(index, start, end, _kind(stmts, index), stmts)
        text = "".join(lines[start - 1:end])
        if "import" in text:  # every import form spells it; most statements have none
            _fill_imports(unit, group_counter)
        unit.mutates = frozenset(mutated_roots(stmts))
        unit.syspath = [e for s in stmts for e in syspath_args(s)]
        if unit.syspath:
            unit.kind = "syspath"
        _fill_refs(unit, text)
        if unit.kind not in ("import", "future", "docstring"):
            only = annotation_refs(stmts, lazy_annotations)
            if lazy_annotations:  # never evaluated: they order nothing
                unit.refs_def -= only
            # ...but the output must still bind them (pyflakes reads annotations)
            unit.annotation_refs = only
            unit.refs_call = (unit.refs_call | only) - unit.refs_def
        units.append(unit)
    return units


def _kind(stmts: list[ast.stmt], index: int) -> str:
    s = stmts[0]
    if len(stmts) == 1:
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) \
                and isinstance(s.value.value, str):
            # The module docstring, or a string used as a section comment (`"""Helpers"""`
            # between definitions): no effect, and out of place in another file's output.
            return "docstring"
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return "def"
        if isinstance(s, ast.ClassDef):
            return "class"
        if isinstance(s, ast.If) and _is_main_guard(s.test):
            return "main"
        if isinstance(s, ast.If) and _is_type_checking(s.test):
            return "type_checking"
        if isinstance(s, ast.ImportFrom) and s.module == "__future__":
            return "future"
        if isinstance(s, ast.Assign) and [_name(t) for t in s.targets] == ["__all__"]:
            return "all"
    if all(_is_import_only(x) for x in stmts):
        return "import"
    return "assign"  # refined to "effect" once binds are known


def _is_import_only(stmt: ast.stmt) -> bool:
    """An import, or try/except or if/else made only of imports (a fallback chain)."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return stmt.module != "__future__" if isinstance(stmt, ast.ImportFrom) else True
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Try):
        blocks = [stmt.body, stmt.orelse, stmt.finalbody] + [h.body for h in stmt.handlers]
        return all(_is_import_only(x) for b in blocks for x in b)
    return False


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and len(test.comparators) == 1
            and {_name(test.left), _const(test.comparators[0])} >= {"__name__", "__main__"}
            ) or (isinstance(test, ast.Compare) and _const(test.left) == "__main__")


def _is_type_checking(test: ast.expr) -> bool:
    return _name(test) == "TYPE_CHECKING" or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _const(node: ast.AST) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _fill_imports(unit: Unit, groups: Iterator[int]) -> None:
    """Imports that run with the module, and those deferred inside function bodies."""
    for stmt in unit.stmts:
        group = next(groups)
        for node, deferred, guarded in walk_imports(stmt, False, False):
            target = unit.nested_imports if deferred else unit.imports
            target.extend(records(node, group if not deferred else next(groups), guarded))
        # `m = importlib.import_module("pkg.mod")` binds `m` to the module, like an import.
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and len(unit.stmts) == 1
                and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)
                and dynamic_import_name(stmt.value) and unit.imports):
            unit.imports[-1] = unit.imports[-1]._replace(alias=stmt.targets[0].id)
            unit.kind = "import"


def _fill_refs(unit: Unit, source: str) -> None:
    if unit.kind in ("import", "future", "docstring"):  # binds its imports, reads nothing
        unit.binds = frozenset(r.bound for r in unit.imports if r.bound)
        return
    found = symtable_facts(source)
    if found is None:
        # Code that parses but does not compile (e.g. `return` at module level): fall back
        # to every loaded name, which over-approximates and never misses a dependency.
        names = {n.id for s in unit.stmts for n in ast.walk(s) if isinstance(n, ast.Name)}
        unit.refs_def = frozenset(names)
        return
    binds, refs_def, refs_call, shadowed = found
    if unit.kind in ("import", "future", "syspath", "docstring", "main", "type_checking"):
        binds = {r.bound for r in unit.imports if r.bound} if unit.kind == "import" else set()
    unit.binds = frozenset(binds)
    unit.refs_def = frozenset(refs_def)
    unit.refs_call = frozenset(refs_call - refs_def)
    unit.shadowed = frozenset(shadowed)
    if unit.kind == "assign" and not binds:
        unit.kind = "effect"
