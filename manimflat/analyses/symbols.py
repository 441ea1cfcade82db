"""What module-level code binds and reads, scope-correctly, from CPython's own `symtable` (in C,
fast): the names a statement binds, those it reads when it runs (decorators, defaults, bases,
class bodies) and those only a call of a function in it reads; and the names only its
annotations read, which `symtable` does not see inside strings.
"""

from __future__ import annotations

import ast
import symtable

from .occurrences import STRING_BINDERS, bound_strings

COMPREHENSIONS = frozenset({"listcomp", "setcomp", "dictcomp", "genexpr"})


def global_refs(source: str) -> frozenset[str] | None:
    """Every module-level name the statements in `source` read (None if it won't compile)."""
    found = symtable_facts(source)
    return None if found is None else frozenset(found[1] | found[2])


def symtable_facts(source: str) -> tuple[set[str], set[str], set[str], set[str]] | None:
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


def annotation_refs(stmts: list[ast.stmt], lazy: bool) -> frozenset[str]:
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
            for attr in STRING_BINDERS.get(type(node), ()):
                elsewhere |= bound_strings(node, attr)
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


def _name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None
