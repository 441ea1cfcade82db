"""inline-bases: local base classes stay separate (default) or are folded into the scene.

Before: the closure holds the scene and, as separate pieces, every local class it derives
from, each with its own bases: the default output already runs standalone. After, with
`--merge-bases`: when it is safe, the scene class holds the members of its local ancestors in
MRO order (a subclass member overrides its parent's), inherits directly from the first
non-local base, and the ancestors' pieces are gone (MF204). A parent method that a child
extends through `super().name(...)` is kept as `_Parent_name` and the call becomes
`self._Parent_name(...)`.

Known limits, each reported as MF205 with the reason and the bases left as they are:
multiple inheritance among local classes, decorated classes or metaclass keywords, `super()`
with arguments, and an ancestor that other pieces also use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import libcst as cst

from ..diagnostics import Severity
from ..ir import Flat, Piece
from ..pass_manager import ALL, NONE, Pass


class _Unsafe(Exception):
    pass


@dataclass(frozen=True)
class InlineBases(Pass):
    NAME = "inline-bases"
    DESCRIPTION = "keep local base classes as separate classes, or merge them (--merge-bases)"
    NEEDS = ("closure",)
    FROM_SETTINGS = ("merge_bases",)

    merge_bases: bool = False  # fold local bases into the scene class (--merge-bases)

    def run(self, flat: Flat) -> frozenset[str]:
        if not self.merge_bases:
            return ALL
        scene = next((p for p in flat.pieces if p.module == flat.scene.path
                      and flat.scene.name in p.binds and isinstance(p.node, cst.ClassDef)), None)
        if scene is None:
            return ALL
        try:
            chain = _local_chain(flat, scene)
            if not chain:
                return ALL
            merged = scene.node
            assert isinstance(merged, cst.ClassDef)
            for parent in chain:
                assert isinstance(parent.node, cst.ClassDef)
                merged = _fold(parent.node, merged)
        except _Unsafe as why:
            flat.report("MF205", f"bases of {flat.scene.name} not merged: {why}",
                        severity=Severity.WARNING, path=scene.module, line=scene.line)
            return ALL
        scene.node = merged
        for parent in chain:
            scene.links = {**parent.links, **scene.links}
        gone = {id(p) for p in chain}
        flat.pieces = [p for p in flat.pieces if id(p) not in gone]
        names = ", ".join(sorted(n for p in chain for n in p.binds))
        flat.report("MF204", f"merged {names} into {flat.scene.name}",
                    severity=Severity.FIXED, path=scene.module, line=scene.line)
        return NONE


def _local_chain(flat: Flat, scene: Piece) -> list[Piece]:
    """The scene's local ancestors, nearest first; raises _Unsafe when merging is unsafe."""
    by_key = {f"{p.module}:{n}": p for p in flat.pieces if p.module for n in p.binds}
    chain: list[Piece] = []
    current = scene
    while True:
        node = current.node
        assert isinstance(node, cst.ClassDef)
        if node.decorators or node.keywords:
            raise _Unsafe(f"{node.name.value} has decorators or class keywords")
        local = [b for b in node.bases if isinstance(b.value, cst.Name)
                 and current.links.get(b.value.value, "") in by_key]
        if not local:
            return chain
        if len(node.bases) > 1:
            raise _Unsafe(f"{node.name.value} has several bases")
        parent = by_key[current.links[cast(cst.Name, local[0].value).value]]
        if not isinstance(parent.node, cst.ClassDef):
            return chain
        parent_keys = {f"{parent.module}:{n}" for n in parent.binds}
        users = [p for p in flat.pieces if p is not current and p is not parent
                 and parent_keys & set(p.links.values())]
        if users:
            raise _Unsafe(f"{parent.node.name.value} is also used by {users[0].origin}")
        chain.append(parent)
        current = parent


def _member_name(stmt: cst.CSTNode) -> str | None:
    if isinstance(stmt, cst.FunctionDef):
        return stmt.name.value
    only = _only_statement(stmt)
    if isinstance(only, cst.Assign) and len(only.targets) == 1 \
            and isinstance(only.targets[0].target, cst.Name):
        return only.targets[0].target.value
    return None


def _only_statement(stmt: cst.CSTNode) -> cst.BaseSmallStatement | None:
    """The statement of a line holding just one small statement."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        return stmt.body[0]
    return None


def _fold(parent: cst.ClassDef, child: cst.ClassDef) -> cst.ClassDef:
    """`child` with `parent`'s members folded in; it inherits `parent`'s bases."""
    prefix = f"_{parent.name.value}_"
    child_body = _members(child)
    parent_methods = {s.name.value for s in _members(parent) if isinstance(s, cst.FunctionDef)}
    extended = _super_calls(child_body) & parent_methods
    child_names = {_member_name(s) for s in child_body} - {None}
    kept: list[cst.BaseStatement] = []
    for stmt in _members(parent):
        name = _member_name(stmt)
        _super_calls([stmt])  # rejects super() with arguments in the parent too
        if name in extended and isinstance(stmt, cst.FunctionDef):
            kept.append(stmt.with_changes(name=cst.Name(prefix + name)))
        elif name not in child_names and not _is_docstring(stmt):
            kept.append(stmt)
    child_body = [cast(cst.BaseStatement, s.visit(_SuperToSelf(extended, prefix)))
                  for s in child_body]
    body = [*([child_body[0]] if child_body and _is_docstring(child_body[0]) else []), *kept,
            *[s for i, s in enumerate(child_body) if not (i == 0 and _is_docstring(s))]]
    body = [body[0], *(_spaced(s) for s in body[1:])] if body else body
    return child.with_changes(bases=parent.bases, body=child.body.with_changes(body=body))


def _members(cls: cst.ClassDef) -> list[cst.BaseStatement]:
    if not isinstance(cls.body, cst.IndentedBlock):  # `class A(B): pass` on one line
        raise _Unsafe(f"{cls.name.value} is written on one line")
    return list(cls.body.body)


def _spaced(stmt: cst.BaseStatement) -> cst.BaseStatement:
    """A member moved next to others starts after one blank line, as black would put it."""
    leading = list(getattr(stmt, "leading_lines", ()))
    if leading and leading[0].comment is None:
        return stmt
    return stmt.with_changes(leading_lines=[cst.EmptyLine(indent=False), *leading])


def _is_docstring(stmt: cst.CSTNode) -> bool:
    only = _only_statement(stmt)
    return isinstance(only, cst.Expr) and isinstance(only.value, (cst.SimpleString,
                                                                   cst.ConcatenatedString))


def _super_calls(body: list[cst.BaseStatement]) -> set[str]:
    """Names of methods called as `super().name(...)`; `super(X, self)` is unsafe."""
    names: set[str] = set()

    class _Find(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if _is_super(node) and node.args:
                raise _Unsafe("super() with arguments")

        def visit_Attribute(self, node: cst.Attribute) -> None:
            if _is_super(node.value):
                names.add(node.attr.value)

    for stmt in body:
        stmt.visit(_Find())
    return names


def _is_super(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) \
        and node.func.value == "super"


class _SuperToSelf(cst.CSTTransformer):
    """`super().name` -> `self._Parent_name` for the methods the parent defined."""

    def __init__(self, names: set[str], prefix: str) -> None:
        self.names, self.prefix = names, prefix

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.BaseExpression:
        if _is_super(updated.value) and updated.attr.value in self.names:
            return cst.Attribute(cst.Name("self"), cst.Name(self.prefix + updated.attr.value))
        return updated
