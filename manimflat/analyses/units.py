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

Nothing here imports or runs repository code.
"""

from __future__ import annotations

import ast
import symtable
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .chains import ast_chain
from .layout import source_lines

COMPREHENSIONS = frozenset({"listcomp", "setcomp", "dictcomp", "genexpr"})


class ImportRec(NamedTuple):  # a tuple: files hold thousands, and they are dict keys
    """One imported name: `import a.b as c` -> module="a.b", name=None, alias="c"."""

    module: str  # dotted, "" for `from . import x`
    level: int  # leading dots of a relative import
    name: str | None  # None for `import x`; "*" for star imports
    alias: str | None  # the name it binds (None for star imports)
    line: int
    group: int  # imports of one try/except share a group: the first that resolves wins
    dynamic: bool = False  # importlib.import_module("literal")
    guarded: bool = False  # inside `try:` with handlers: failing to import is handled

    @property
    def bound(self) -> str | None:
        if self.name == "*":
            return None
        if self.alias:
            return self.alias
        if self.name is None:
            return self.module.split(".")[0]
        return self.name


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


# Nodes that bind a name given as a string, not as an `ast.Name` with a position.
_STRING_BINDERS: dict[type[ast.AST], tuple[str, ...]] = {
    ast.alias: ("name", "asname"), ast.ExceptHandler: ("name",), ast.Global: ("names",),
    ast.Nonlocal: ("names",), ast.arg: ("arg",)}
if hasattr(ast, "MatchAs"):
    _STRING_BINDERS.update({ast.MatchAs: ("name",), ast.MatchStar: ("name",),
                            ast.MatchMapping: ("rest",)})
_SINGLETONS = (ast.Constant, getattr(ast, "MatchSingleton", ast.Constant))  # True/False/None


@dataclass
class Occurrences:
    """Where names occur in a unit's statements, from one walk: what renaming by text,
    linking module attribute chains and the asset passes need to know."""

    names: dict[str, list[ast.Name]] = field(default_factory=dict)  # every Name, by id
    # Every longest `name.a.b` chain: its parts and its Attribute nodes, innermost first
    # (`nodes[k]` spans `parts[:k + 2]`).
    chains: list[tuple[tuple[str, ...], list[ast.Attribute]]] = field(default_factory=list)
    chain_roots: set[int] = field(default_factory=set)  # ids of the Names chains start at
    definitions: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = field(
        default_factory=list)
    string_bound: set[str] = field(default_factory=set)  # bound by `global`, `as`, imports...
    # Every identifier: names, attributes, keywords, parameters, definitions, imported
    # modules (what libcst holds as `Name` nodes).
    identifiers: frozenset[str] = frozenset()
    attributes: set[str] = field(default_factory=set)  # every `x.attr`

    @classmethod
    def of(cls, stmts: list[ast.stmt]) -> Occurrences:
        found = cls()
        identifiers: set[str] = set()
        inside: set[int] = set()  # Attributes already part of a longer chain
        stack: list[ast.AST] = list(reversed(stmts))
        while stack:  # preorder, in source order: a chain's outer node comes first
            node = stack.pop()
            if isinstance(node, ast.Name):
                found.names.setdefault(node.id, []).append(node)
                continue
            if isinstance(node, ast.Attribute):
                found.attributes.add(node.attr)
                if id(node) not in inside:
                    found._add_chain(node, inside)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                identifiers.add(node.name)
                found.definitions.append(node)
            elif isinstance(node, ast.keyword) and node.arg:
                identifiers.add(node.arg)
            elif isinstance(node, _SINGLETONS) and isinstance(node.value, (bool, type(None))):
                identifiers.add(str(node.value))  # libcst's `Name("True")`
            elif isinstance(node, ast.ImportFrom) and node.module:
                identifiers.update(node.module.split("."))
            for attr in _STRING_BINDERS.get(type(node), ()):
                found.string_bound |= _bound_strings(node, attr)
                value = getattr(node, attr, None)
                identifiers.update(value if isinstance(value, list) else
                                   value.split(".") if value and value != "*" else ())
            children: list[ast.AST] = []
            for field_name in node._fields:
                value = getattr(node, field_name, None)
                if isinstance(value, list):
                    children.extend(v for v in value if isinstance(v, ast.AST))
                elif isinstance(value, ast.AST):
                    children.append(value)
            stack.extend(reversed(children))
        found.identifiers = frozenset(identifiers | found.names.keys() | found.attributes)
        return found

    def _add_chain(self, node: ast.Attribute, inside: set[int]) -> None:
        parts: list[str] = []
        nodes: list[ast.Attribute] = []
        cur: ast.expr = node
        while isinstance(cur, ast.Attribute):
            inside.add(id(cur))
            parts.append(cur.attr)
            nodes.append(cur)
            cur = cur.value
        if isinstance(cur, ast.Name):
            self.chain_roots.add(id(cur))
            self.chains.append(((cur.id, *reversed(parts)), nodes[::-1]))


def _bound_strings(node: ast.AST, attr: str) -> set[str]:
    value = getattr(node, attr, None)
    if isinstance(value, list):
        return set(value)
    if isinstance(node, ast.alias) and attr == "name":
        return {value.split(".")[0]} if value and node.asname is None else set()
    return {value} if isinstance(value, str) else set()


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
        unit.mutates = frozenset(_mutated_roots(stmts))
        unit.syspath = [e for s in stmts for e in _syspath_args(s)]
        if unit.syspath:
            unit.kind = "syspath"
        _fill_refs(unit, text)
        if unit.kind not in ("import", "future", "docstring"):
            only = _annotation_refs(stmts, lazy_annotations)
            if lazy_annotations:  # never evaluated: they order nothing
                unit.refs_def -= only
            # ...but the output must still bind them (pyflakes reads annotations)
            unit.annotation_refs = only
            unit.refs_call = (unit.refs_call | only) - unit.refs_def
        units.append(unit)
    return units


def _annotation_refs(stmts: list[ast.stmt], lazy: bool) -> frozenset[str]:
    """Global names only annotations read: under `from __future__ import annotations` every
    name there, and always the names inside string annotations (which `symtable` does not
    see). A name bound anywhere in the statements (a parameter, a class attribute) is taken
    as local."""
    names: set[str] = set()
    inside: set[int] = set()  # ids of the nodes of annotations
    elsewhere: set[str] = set()  # bound, or read where it is evaluated
    for stmt in stmts:
        for node in ast.walk(stmt):
            for ann in _annotations(node):
                names |= _annotation_names(ann, lazy)
                inside.update(id(sub) for sub in ast.walk(ann))
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and (id(node) not in inside or
                                               not isinstance(node.ctx, ast.Load)):
                elsewhere.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                elsewhere.add(node.name)
            for attr in _STRING_BINDERS.get(type(node), ()):
                elsewhere |= _bound_strings(node, attr)
    return frozenset(names - elsewhere)


def _annotation_names(ann: ast.expr, lazy: bool) -> set[str]:
    """Names an annotation reads: its own (when lazy) and those of string parts, which
    pyflakes parses as code; `Literal[...]` holds values, not annotations."""
    out: set[str] = set()
    stack: list[ast.AST] = [ann]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            if lazy:
                out.add(node.id)
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value.strip(), mode="eval")
            except (SyntaxError, ValueError):
                continue
            out |= _annotation_names(parsed.body, True)
            continue
        if isinstance(node, ast.Subscript) and (_name(node.value) == "Literal" or (
                isinstance(node.value, ast.Attribute) and node.value.attr == "Literal")):
            stack.append(node.value)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return out


def _annotations(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.arg) and node.annotation is not None:
        return [node.annotation]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
        return [node.returns]
    if isinstance(node, ast.AnnAssign):
        ann = node.annotation
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) and (
                _name(ann) == "TypeAlias" or getattr(ann, "attr", None) == "TypeAlias"):
            return [ann, node.value]  # `Maker: TypeAlias = "Callable[...]"` is one too
        return [ann]
    return []


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
        for node, deferred, guarded in _walk_imports(stmt, False, False):
            target = unit.nested_imports if deferred else unit.imports
            target.extend(_records(node, group if not deferred else next(groups), guarded))
        # `m = importlib.import_module("pkg.mod")` binds `m` to the module, like an import.
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and len(unit.stmts) == 1
                and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)
                and _dynamic_import_name(stmt.value) and unit.imports):
            unit.imports[-1] = unit.imports[-1]._replace(alias=stmt.targets[0].id)
            unit.kind = "import"


def _walk_imports(node: ast.AST, deferred: bool,
                  guarded: bool) -> Iterator[tuple[ast.AST, bool, bool]]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node, deferred, guarded
        return
    if isinstance(node, ast.Call) and _dynamic_import_name(node):
        yield node, deferred, guarded
    inner = deferred or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    if isinstance(node, ast.Try) and node.handlers:
        for stmt in node.body:
            yield from _walk_imports(stmt, inner, True)
        rest: list[ast.AST] = [*node.handlers, *node.orelse, *node.finalbody]
        for other in rest:
            yield from _walk_imports(other, inner, guarded)
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk_imports(child, inner, guarded)


def _dynamic_import_name(call: ast.Call) -> str | None:
    func = call.func
    dotted = (f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute)
              and isinstance(func.value, ast.Name) else _name(func))
    if dotted in ("importlib.import_module", "import_module", "__import__") and call.args:
        value = _const(call.args[0])
        return value if isinstance(value, str) else None
    return None


def _records(node: ast.AST, group: int, guarded: bool) -> list[ImportRec]:
    line = getattr(node, "lineno", 0)
    if isinstance(node, ast.Import):
        return [ImportRec(a.name, 0, None, a.asname, line, group, False, guarded)
                for a in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.module == "__future__":
            return []
        return [ImportRec(node.module or "", node.level, a.name, a.asname, line, group,
                          False, guarded) for a in node.names]
    assert isinstance(node, ast.Call)
    return [ImportRec(_dynamic_import_name(node) or "", 0, None, None, line, group,
                      True, guarded)]


def _mutated_roots(stmts: list[ast.stmt]) -> Iterator[str]:
    """Roots of attribute/subscript stores and of method calls made at module level."""
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in _walk_module_level(stmt):
            targets: list[ast.expr] = []
            if isinstance(node, (ast.Assign, ast.Delete)):
                targets = list(node.targets)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                    and isinstance(node.value.func, ast.Attribute):
                targets = [node.value.func.value]
            for target in targets:
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    root = _root_name(target)
                    if root:
                        yield root


def stored_chains(unit: Unit) -> list[tuple[str, ...]]:
    """`a.b.name` chains assigned at module level (`settings.RADIUS = 0.5`)."""
    out = []
    for stmt in unit.stmts:
        for node in _walk_module_level(stmt):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = [e for t in node.targets for e in
                           (t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t])]
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                chain = ast_chain(target)
                if chain and len(chain) > 1:
                    out.append(chain)
    return out


def _walk_module_level(node: ast.AST) -> Iterator[ast.AST]:
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                  ast.Lambda)):
            yield from _walk_module_level(child)


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return _name(node)


def _syspath_args(stmt: ast.stmt) -> list[ast.expr]:
    """Arguments of `sys.path.append(X)`, `sys.path.insert(i, X)`, `sys.path.extend([...])`,
    also when guarded by an `if` that holds nothing else (`if X not in sys.path: ...`)."""
    if isinstance(stmt, ast.If) and not stmt.orelse and stmt.body:
        found = [_syspath_args(s) for s in stmt.body]
        return [a for args in found for a in args] if all(found) else []
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return []
    call = stmt.value
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
            and func.value.attr == "path" and _name(func.value.value) == "sys"):
        return []
    if func.attr == "append" and call.args:
        return [call.args[0]]
    if func.attr == "insert" and len(call.args) == 2:
        return [call.args[1]]
    if func.attr == "extend" and call.args and isinstance(call.args[0], (ast.List, ast.Tuple)):
        return list(call.args[0].elts)
    return []


def global_refs(source: str) -> frozenset[str] | None:
    """Every module-level name the statements in `source` read (None if it won't compile)."""
    found = _symtable_facts(source)
    return None if found is None else frozenset(found[1] | found[2])


def _fill_refs(unit: Unit, source: str) -> None:
    if unit.kind in ("import", "future", "docstring"):  # binds its imports, reads nothing
        unit.binds = frozenset(r.bound for r in unit.imports if r.bound)
        return
    found = _symtable_facts(source)
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


def _symtable_facts(source: str) -> tuple[set[str], set[str], set[str], set[str]] | None:
    """(binds, refs_def, refs_call, shadowed) of module-level code, from CPython's symtable."""
    try:
        table = symtable.symtable(source, "<unit>", "exec")
    except (SyntaxError, ValueError):
        return None
    binds: set[str] = set()
    refs_def: set[str] = set()
    refs_call: set[str] = set()
    shadowed: set[str] = set()
    for sym in table.get_symbols():
        if sym.is_assigned() or sym.is_imported() or sym.is_namespace():
            binds.add(sym.get_name())
        if sym.is_referenced():
            refs_def.add(sym.get_name())
    for child in table.get_children():
        _child_refs(child, child.get_type() == "function"
                    and child.get_name() not in COMPREHENSIONS, refs_def, refs_call, shadowed)
    return binds, refs_def, refs_call, shadowed


def _child_refs(table: symtable.SymbolTable, deferred: bool, refs_def: set[str],
                refs_call: set[str], shadowed: set[str]) -> None:
    target = refs_call if deferred else refs_def
    for sym in table.get_symbols():
        if sym.is_global() and (sym.is_referenced() or sym.is_assigned()):
            target.add(sym.get_name())
        elif sym.is_local() or sym.is_parameter():
            shadowed.add(sym.get_name())
    for child in table.get_children():
        inner = deferred or (child.get_type() == "function"
                             and child.get_name() not in COMPREHENSIONS)
        _child_refs(child, inner, refs_def, refs_call, shadowed)
