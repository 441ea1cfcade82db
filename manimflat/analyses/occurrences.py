"""Where names occur in a statement's ast, from one walk: every `Name` by id, every longest
`name.a.b` chain, the definitions, and every identifier libcst would hold as a `Name`. What
renaming by text, linking module attribute chains and the asset passes read.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# Nodes that bind a name given as a string, not as an `ast.Name` with a position.
STRING_BINDERS: dict[type[ast.AST], tuple[str, ...]] = {
    ast.alias: ("name", "asname"), ast.ExceptHandler: ("name",), ast.Global: ("names",),
    ast.Nonlocal: ("names",), ast.arg: ("arg",)}
if hasattr(ast, "MatchAs"):
    STRING_BINDERS.update({ast.MatchAs: ("name",), ast.MatchStar: ("name",),
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
            for attr in STRING_BINDERS.get(type(node), ()):
                found.string_bound |= bound_strings(node, attr)
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


def bound_strings(node: ast.AST, attr: str) -> set[str]:
    value = getattr(node, attr, None)
    if isinstance(value, list):
        return set(value)
    if isinstance(node, ast.alias) and attr == "name":
        return {value.split(".")[0]} if value and node.asname is None else set()
    return {value} if isinstance(value, str) else set()
