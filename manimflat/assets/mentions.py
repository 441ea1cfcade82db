"""Cheap filters that rule code out before the finder visits it: a statement, function or
class whose text has none of the words of an asset call cannot hold one."""

from __future__ import annotations

import ast
import re

import libcst as cst

from ..analyses.chains import dotted
from ..ir import Flat, Piece
from .calls import (
    ASSET_BASES,
    CALLS,
    EXISTS_FUNCS,
    EXISTS_METHODS,
    RECEIVER_CALLS,
    call_api,
    existence_check,
)

# `__init__` only loads a file in a class naming an asset base: a regex over the text is far
# cheaper than parsing and visiting its tree.
_WORDS = sorted({k.rsplit(".", 1)[-1] for k in CALLS} | set(RECEIVER_CALLS) | ASSET_BASES
                | EXISTS_METHODS | {k.rsplit(".", 1)[-1] for k in EXISTS_FUNCS})
MENTION_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, _WORDS)) + r")\b")


class _Mentions(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False
        self.asset_classes = 0  # depth of classes deriving from an asset mobject

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        # `super().__init__(path)` only loads a file in a subclass of an asset mobject.
        if any((dotted(b.value) or "").rsplit(".", 1)[-1] in ASSET_BASES for b in node.bases):
            self.asset_classes += 1
        return not self.found

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if any((dotted(b.value) or "").rsplit(".", 1)[-1] in ASSET_BASES
               for b in original_node.bases):
            self.asset_classes -= 1

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if call_api(node) is not None or existence_check(node) is not None or (
                isinstance(func, cst.Attribute) and (func.attr.value in RECEIVER_CALLS
                or (func.attr.value == "__init__" and self.asset_classes))):
            self.found = True
        return not self.found


def mentions_asset_call(node: cst.CSTNode) -> bool:
    visitor = _Mentions()
    node.visit(visitor)
    return visitor.found


def definition_mentions(flat: Flat, piece: Piece) -> list[tuple[bool, int]] | None:
    """For each function and class of a piece still as written, in the order libcst visits
    them: whether its text has an asset call's words, and how many definitions it holds (to
    step over when it is skipped). None for other pieces: nothing is skipped. Memoised per
    unit: every scene that includes the piece asks, in two passes."""
    written = flat.written(piece)
    if written is None:
        return None
    unit, layout = written
    cache = flat.program.memo.setdefault("definition-mentions", {})
    key = (piece.module, unit.index)
    if key in cache:
        return cache[key]  # type: ignore[return-value]
    lines = layout.body.splitlines(keepends=True)
    out: list[tuple[bool, int]] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([child.lineno] + [d.lineno for d in child.decorator_list])
                text = "".join(lines[start - unit.start:(child.end_lineno or start)
                                     - unit.start + 1])
                at = len(out)
                out.append((bool(MENTION_WORDS.search(text)), 0))
                walk(child)
                out[at] = (out[at][0], len(out) - at - 1)
            else:
                walk(child)

    walk(ast.Module(body=unit.stmts, type_ignores=[]))  # the statements are children too
    cache[key] = out
    return out
