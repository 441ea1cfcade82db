"""A value a loop carries from one pass to the next gets a binding before the loop.

    for coef in coefficients:
        if first: center = ORIGIN
        else: center = last_v.get_end      # last_v: the previous pass's vector
        last_v = Vector(coef)

runs (the read is guarded), but a static checker reads the function top to bottom and finds
`last_v` used before anything binds it: pyflakes calls it undefined, so the output would fail
the "no undefined name" rule though nothing is missing. `last_v = None` goes right before the
outermost loop holding the read (MF226). It only ever replaces "unbound": no statement of the
function binds the name before the read, so the value every pass sees is unchanged; an
unguarded first read fails with a different error (`None` has no `get_end`) instead of
`UnboundLocalError`.
"""

from __future__ import annotations

import ast

from .fix import Fix

_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def bind_loop_carried(code: str) -> tuple[str, list[Fix]]:
    """`code` with `NAME = None` before each loop that reads NAME before binding it."""
    if "for " not in code and "while " not in code:
        return code, []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code, []
    inserts: dict[int, tuple[int, list[str]]] = {}  # loop line -> (indent col, names)
    fixes: list[Fix] = []
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for name, read, loop in _carried(function):
                col, names = inserts.setdefault(loop.lineno, (loop.col_offset, []))
                if name not in names:
                    names.append(name)
                    fixes.append(Fix("MF226", f"`{name}` is read before the loop binds it"
                                     " (a value of its previous pass): "
                                     f"`{name} = None` added before the loop",
                                     read.lineno, read.col_offset))
    if not inserts:
        return code, []
    lines = code.splitlines(keepends=True)
    for lineno in sorted(inserts, reverse=True):
        col, names = inserts[lineno]
        indent = lines[lineno - 1][:col]
        lines.insert(lineno - 1, "".join(f"{indent}{name} = None\n" for name in names))
    return "".join(lines), fixes


def _carried(function: ast.FunctionDef | ast.AsyncFunctionDef
             ) -> list[tuple[str, ast.Name, ast.stmt]]:
    """(name, first read, outermost enclosing loop) for each local the function reads inside a
    loop before any statement of it binds the name, where that loop binds it later."""
    declared = {n for node in _own_nodes(function) if isinstance(node, (ast.Global, ast.Nonlocal))
                for n in node.names}
    args = function.args
    params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs,
                              *filter(None, [args.vararg, args.kwarg])]}
    first_store: dict[str, tuple[int, int]] = {}
    reads: dict[str, ast.Name] = {}
    nodes = _own_nodes(function)
    targets = _comprehension_targets(nodes)
    for node in nodes:
        if isinstance(node, ast.Name) and id(node) not in targets:
            at = (node.lineno, node.col_offset)
            if isinstance(node.ctx, ast.Load):
                reads.setdefault(node.id, node)
            elif node.id not in first_store or at < first_store[node.id]:
                first_store[node.id] = at
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first_store.setdefault(node.name, (node.lineno, node.col_offset))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                first_store.setdefault((alias.asname or alias.name).split(".")[0],
                                       (node.lineno, node.col_offset))
    out = []
    for name, read in reads.items():
        store = first_store.get(name)
        if name in params or name in declared or store is None or \
                store <= (read.lineno, read.col_offset):
            continue
        loops = [loop for loop in _loops_around(function, read) if _binds(loop, name)]
        if loops and _store_inside(loops[0], store):
            out.append((name, read, loops[0]))
    return out


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The function's nodes in source order, not those of nested functions, lambdas or classes
    (a checker reads those later, once the enclosing body has bound its names)."""
    out: list[ast.AST] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SCOPES):
                if not isinstance(child, ast.Lambda):
                    out.append(child)  # the definition binds its name here
                for default in getattr(getattr(child, "args", None), "defaults", []):
                    visit(default)
                continue
            out.append(child)
            visit(child)

    visit(function)
    out.sort(key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    return out


def _comprehension_targets(nodes: list[ast.AST]) -> set[int]:
    """The names a comprehension binds: in its own scope, not the function's."""
    return {id(n) for c in nodes if isinstance(c, ast.comprehension) for n in ast.walk(c.target)}


def _loops_around(function: ast.AST, target: ast.AST) -> list[ast.stmt]:
    """The loops of `function` that contain `target`, outermost first."""
    path: list[ast.stmt] = []

    def find(node: ast.AST) -> bool:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SCOPES):
                continue
            if child is target:
                return True
            if isinstance(child, _LOOPS):
                path.append(child)
                if find(child):
                    return True
                path.pop()
            elif find(child):
                return True
        return False

    find(function)
    return path


def _binds(loop: ast.stmt, name: str) -> bool:
    nodes = _own_nodes(loop)
    targets = _comprehension_targets(nodes)
    return any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
               and id(n) not in targets for n in nodes)


def _store_inside(loop: ast.stmt, at: tuple[int, int]) -> bool:
    end = (loop.end_lineno or loop.lineno, loop.end_col_offset or 0)
    return (loop.lineno, loop.col_offset) <= at <= end
