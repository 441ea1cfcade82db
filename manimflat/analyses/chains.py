"""Attribute chains: `a.b.c` as ("a", "b", "c"), read from an `ast` or a libcst expression.
None when the innermost value is not a plain name (`f().x`, `a[0].b`)."""

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
