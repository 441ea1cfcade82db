"""What module-level code does to objects it does not define: the roots of attribute and item
stores and method calls (`CONFIG["a"] = 1`, `L.append(x)`), `a.b.name = ...` stores on other
modules, and `sys.path` edits.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .chains import ast_chain


def mutated_roots(stmts: list[ast.stmt]) -> Iterator[str]:
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


def stored_chains(stmts: list[ast.stmt]) -> list[tuple[str, ...]]:
    """`a.b.name` chains assigned at module level (`settings.RADIUS = 0.5`)."""
    out = []
    for stmt in stmts:
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


def syspath_args(stmt: ast.stmt) -> list[ast.expr]:
    """Arguments of `sys.path.append(X)`, `sys.path.insert(i, X)`, `sys.path.extend([...])`,
    also when guarded by an `if` that holds nothing else (`if X not in sys.path: ...`)."""
    if isinstance(stmt, ast.If) and not stmt.orelse and stmt.body:
        found = [syspath_args(s) for s in stmt.body]
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


def _name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None
