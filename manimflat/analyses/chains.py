"""Attribute chains: `a.b.c` as ("a", "b", "c"), read from an `ast` or a libcst expression.
None when the innermost value is not a plain name (`f().x`, `a[0].b`). Also the libcst
node helpers that read an expression as text: `dotted`, `code`, `names_in`."""

from __future__ import annotations

import ast

import libcst as cst


def ast_chain(node: ast.expr) -> tuple[str, ...] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return tuple(reversed(parts))
    return None


def cst_chain(node: cst.BaseExpression) -> tuple[str, ...] | None:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return tuple(reversed(parts))
    return None


_EMPTY = cst.Module(body=[])


def dotted(node: cst.BaseExpression) -> str | None:
    """`a.b.c` as "a.b.c"; None when it is not a chain of names."""
    chain = cst_chain(node)
    return ".".join(chain) if chain else None


def code(node: cst.CSTNode) -> str:
    """The source text of a libcst node."""
    return _EMPTY.code_for_node(node)


def names_in(node: cst.CSTNode) -> set[str]:
    """Every plain name the node uses."""
    found: set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

    node.visit(_V())
    return found
