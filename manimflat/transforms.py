"""Rewrites shared by passes: scope-correct renaming and deleting repository imports.

`rewrite_statement` works on libcst trees. When a nested scope binds a renamed name, it uses
libcst's ScopeProvider on a module holding just the one statement, so only names that refer
to the module-level binding are renamed: a parameter or local variable that happens to share
the name is left alone. `rename_text` is its fast path for a statement still as written and
without such shadowing: the same edits made in the text at `ast` positions, no libcst parse.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from .analyses.chains import cst_chain
from .analyses.layout import UnitText, joined
from .analyses.units import Unit


def as_module(node: cst.BaseStatement) -> cst.Module:
    """A module holding just `node` (libcst types Module.body narrowly)."""
    return cst.Module(body=[node])  # type: ignore[list-item]


def rewrite_statement(node: cst.BaseStatement, renames: dict[str, str],
                      chains: dict[tuple[str, ...], str],
                      drop_imports: frozenset[tuple[str, int]],
                      shadowed: frozenset[str] = frozenset()) -> cst.BaseStatement:
    """Apply global renames, replace module attribute chains by names, delete repo imports.

    `shadowed` lists names bound in a nested scope of the statement; only when a renamed
    name is among them is the (slow) scope analysis needed.
    """
    if not (renames or chains or drop_imports):
        return node
    if not shadowed & renames.keys():
        module = as_module(node).visit(_Rewriter(renames, chains, drop_imports, None))
        return module.body[0] if module.body else cst.SimpleStatementLine([cst.Pass()])
    # Imported here: libcst.metadata costs a tenth of a second and is rarely needed.
    from libcst.metadata import BuiltinScope, GlobalScope, MetadataWrapper, ScopeProvider

    wrapper = MetadataWrapper(as_module(node), unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    global_names: set[cst.Name] = set()
    for scope in set(scopes.values()):
        if scope is None:
            continue
        for access in scope.accesses:
            if isinstance(access.node, cst.Name) and all(
                    isinstance(a.scope, (GlobalScope, BuiltinScope)) for a in access.referents):
                global_names.add(access.node)
        if isinstance(scope, GlobalScope):
            for assignment in scope.assignments:
                target = getattr(assignment, "node", None)
                if isinstance(target, cst.Name):
                    global_names.add(target)
                elif isinstance(target, (cst.FunctionDef, cst.ClassDef)):
                    global_names.add(target.name)
    module = wrapper.module.visit(_Rewriter(renames, chains, drop_imports, global_names))
    return module.body[0] if module.body else cst.SimpleStatementLine([cst.Pass()])


_DEFINITION = re.compile(r"(?:async\s+)?def\s+(\w+)|class\s+(\w+)")
_CHAIN_NOISE = re.compile(r"[\s()\\]")


def rename_text(unit: Unit, layout: UnitText, renames: dict[str, str],
                chains: dict[tuple[str, ...], str]) -> str | None:
    """`rewrite_statement` without imports to drop and without shadowed renamed names, done
    as text edits; None when the text cannot be edited safely (a renamed name bound by
    `global`, `except ... as`, an import or a pattern; a position that does not hold the
    name it should), and then the caller falls back to libcst."""
    found = unit.occurrences
    if found.string_bound & renames.keys():
        return None
    lines = layout.body.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def at(lineno: int, col: int) -> int:  # ast columns count UTF-8 bytes
        line = lines[lineno - unit.start]
        chars = col if line.isascii() else len(line.encode()[:col].decode(errors="replace"))
        return offsets[lineno - unit.start] + chars

    def span(node: ast.expr) -> tuple[int, int]:
        return (at(node.lineno, node.col_offset),
                at(node.end_lineno or node.lineno, node.end_col_offset or 0))

    edits: list[tuple[int, int, str, str]] = []  # start, end, old, new
    replaced: list[tuple[int, int]] = []
    for parts, nodes in found.chains:
        # As in libcst's bottom-up rewrite, the outermost matching chain wins and replaces
        # everything inside it.
        k = next((k for k in range(len(parts), 1, -1) if parts[:k] in chains), 0)
        if k:
            edits.append((*span(nodes[k - 2]), ".".join(parts[:k]), chains[parts[:k]]))
            replaced.append(edits[-1][:2])
    for old in renames.keys() & found.names.keys():
        for name in found.names[old]:
            start, end = span(name)
            if not any(a <= start and end <= b for a, b in replaced):
                edits.append((start, end, old, renames[old]))
    for node in found.definitions:
        if node.name in renames:
            match = _DEFINITION.match(layout.body, at(node.lineno, node.col_offset))
            if match is None or match.group(match.lastindex or 0) != node.name:
                return None
            begin = match.start(match.lastindex or 0)
            edits.append((begin, begin + len(node.name), node.name, renames[node.name]))
    body = layout.body
    for start, end, old, new in sorted(edits, reverse=True):
        written = body[start:end]
        if (written if "." not in old else _CHAIN_NOISE.sub("", written)) != old:
            return None  # ast positions inside f-strings are not always exact before 3.12
        body = body[:start] + new + body[end:]
    return joined(layout.lead, body, layout.foot)


class _Rewriter(cst.CSTTransformer):
    def __init__(self, renames: dict[str, str], chains: dict[tuple[str, ...], str],
                 drop: frozenset[tuple[str, int]], global_names: set[cst.Name] | None) -> None:
        self.renames, self.chains, self.drop = renames, chains, drop
        self.global_names = global_names

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        new = self.renames.get(original.value)
        if new and (self.global_names is None or original in self.global_names):
            return updated.with_changes(value=new)
        return updated

    def leave_Attribute(self, original: cst.Attribute,
                        updated: cst.Attribute) -> cst.BaseExpression:
        chain = _chain(original)
        # Module aliases are practically never shadowed by locals, so chains are matched
        # by spelling; this also covers aliases bound by imports inside functions.
        if chain and chain in self.chains:
            return cst.Name(self.chains[chain])
        if updated.attr is not original.attr:  # `x.name` is not the global `name`
            return updated.with_changes(attr=original.attr)
        return updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        if updated.keyword is not original.keyword:  # f(name=...) keeps its keyword
            return updated.with_changes(keyword=original.keyword)
        return updated

    def leave_Global(self, original: cst.Global, updated: cst.Global) -> cst.Global:
        return updated.with_changes(names=[
            n.with_changes(name=cst.Name(self.renames.get(n.name.value, n.name.value)))
            for n in updated.names])

    def leave_Import(self, original: cst.Import, updated: cst.Import
                     ) -> cst.Import | cst.RemovalSentinel:
        kept = [a for a in updated.names if (_dotted(a.name), 0) not in self.drop]
        if not kept:
            return cst.RemoveFromParent()
        return updated.with_changes(names=_fix_commas(kept))

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom
                         ) -> cst.ImportFrom | cst.RemovalSentinel:
        module = _dotted(updated.module) if updated.module else ""
        if (module, len(updated.relative)) in self.drop:
            return cst.RemoveFromParent()
        return updated

    # A block whose only statements were deleted imports must still hold a statement.
    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.IndentedBlock:
        if not updated.body:
            return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        first = updated.body[0]
        removed_first = len(updated.body) < len(original.body) and _is_import(original.body[0])
        if removed_first and hasattr(first, "leading_lines"):
            # The old first statement (an import) is gone: its successor starts the block.
            leading = list(first.leading_lines)
            while leading and leading[0].comment is None:
                leading.pop(0)
            return updated.with_changes(body=[first.with_changes(leading_lines=leading),
                                              *updated.body[1:]])
        return updated

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if not updated.body:
            return cst.RemoveFromParent()
        return updated


def _is_import(node: cst.BaseStatement) -> bool:
    return isinstance(node, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in node.body)


def _fix_commas(names: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    return [n.with_changes(comma=cst.MaybeSentinel.DEFAULT) if i == len(names) - 1 else n
            for i, n in enumerate(names)]


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _chain(node: cst.Attribute) -> tuple[str, ...] | None:
    return cst_chain(node)


def code_of(node: cst.CSTNode) -> str:
    """The source text of a libcst node."""
    return cst.Module([]).code_for_node(node)


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """`name=value`, spaced the way PEP 8 writes a keyword argument."""
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


def plain_args(args: list[cst.Arg]) -> list[cst.Arg]:
    """The arguments with their commas reset, to be placed in a new call."""
    return [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
