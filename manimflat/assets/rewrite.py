"""Plan and apply asset rewrites on the pieces: shared by `rewrite-assets` and
`inline-data-files`.

A pass first plans every edit (`Plan`: replacement expressions keyed by the identity of the
original call node, statements to drop, helper builders to add), then `apply` rewrites each
piece once with a libcst transformer. Planning never touches the pieces, so a `reject`
decision leaves the IR unchanged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from ..analyses.chains import code, dotted, names_in
from ..analyses.constants import call_sites
from ..analyses.occurrences import Occurrences
from ..diagnostics import Severity
from ..ir import AssetRecord, Flat, Piece
from .builders import ALL_BUILDERS
from .refs import Ref, Target

# Methods only an image mobject has: what the replacement does instead.
IMAGE_ONLY_METHODS = {"set_resampling_algorithm": "drop", "get_pixel_array": "pixels"}
IMAGE_ONLY_ATTRS = {"pixel_array": "pixels", "orig_alpha_pixel_array": "pixels"}


@dataclass
class Plan:
    replace: dict[int, cst.BaseExpression] = field(default_factory=dict)  # id(call) -> expr
    drop_statements: set[int] = field(default_factory=set)  # id(call) of `expr` statements
    unwrap_with: set[int] = field(default_factory=set)  # id(call) of `with call:` items
    drop_kwargs: dict[int, set[str]] = field(default_factory=dict)  # id(call) -> keywords
    # Replaced image calls: id(call) -> pixel size, for image-only methods chained on them.
    images: dict[int, tuple[int, int]] = field(default_factory=dict)
    rebase: dict[int, str] = field(default_factory=dict)  # id(class) -> asset base to VGroup
    neutral: dict[str, str] = field(default_factory=dict)  # replaced asset path -> its name
    # f-strings naming a media file: id(node) -> the name (or shorter f-string) replacing it
    neutral_fstrings: dict[int, cst.BaseExpression] = field(default_factory=dict)
    folds: set[int] = field(default_factory=set)  # id(call) of existence checks made constant
    dead_locals: bool = False  # drop path locals nothing reads any more (rewrite-assets)
    builders: set[str] = field(default_factory=set)
    header: list[str] = field(default_factory=list)
    records: list[AssetRecord] = field(default_factory=list)
    path_names: set[str] = field(default_factory=set)  # names used by replaced path expressions
    taken: set[str] = field(default_factory=set)  # every name of the pieces: builders avoid them
    reads_pixels: bool = False  # some piece reads `.pixel_array`: image replacements get one
    builder_names: dict[str, str] = field(default_factory=dict)  # builder -> its output name
    pieces: set[int] = field(default_factory=set)  # indices of the pieces holding planned edits
    site_args: dict[int, dict[int, str]] = field(default_factory=dict)  # id(call) -> arg -> key

    def builder(self, name: str) -> str:
        """Use builder `name`; returns its name in the output (`car_icon_asset` when the
        scene already uses `car_icon` for something else)."""
        if name not in self.builder_names:
            out = name
            while out in self.taken:
                out = f"{out}_asset"
            self.builder_names[name] = out
            self.builders.add(name)
        return self.builder_names[name]

    def need_header(self, line: str) -> None:
        if line not in self.header:
            self.header.append(line)


def num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def times(expr: str, factor: float) -> str:
    """`expr * factor` as short as possible (numbers folded)."""
    try:
        return num(float(expr) * factor)
    except ValueError:
        return expr if abs(factor - 1) < 1e-9 else f"{_paren(expr)} * {num(factor)}"


def _paren(expr: str) -> str:
    return expr if re.fullmatch(r"[\w.]+", expr) else f"({expr})"


def string_literal(text: str, *, raw: bool = False) -> str:
    if raw and '"' not in text and not text.endswith("\\") and "\n" not in text:
        return f'r"{text}"'
    out = repr(text)
    if out.startswith("'") and '"' not in text:
        out = '"' + out[1:-1].replace("\\'", "'") + '"'
    return out


MAX_LITERAL_LINES = 200


def long_literal(text: str | bytes) -> str:
    """A literal with exactly `text`'s content; multi-line text as implicitly concatenated
    lines (one per source line) so the output stays readable."""
    lines = text.splitlines(keepends=True) if isinstance(text, str) else []
    # libcst nests implicit concatenation one level per line: long files stay one literal.
    if isinstance(text, bytes) or len(lines) > MAX_LITERAL_LINES:
        return repr(text)
    if "\n" not in text.rstrip("\n"):
        return string_literal(text)
    return "(\n" + "".join(f"    {string_literal(line)}\n" for line in lines) + ")"


def dispatch(ref: Ref, exprs: list[str]) -> str:
    """One expression for all targets: itself when they agree, else a lookup on the loop
    variable (`{"a": lambda: ..., "b": lambda: ...}[name]()`)."""
    if len(set(exprs)) == 1:
        return exprs[0]
    items = ", ".join(f"{_key(t)}: lambda: {e}" for t, e in zip(ref.targets, exprs))
    return f"{{{items}}}[{ref.loop_var}]()"


def _key(target: Target) -> str:
    return string_literal(target.key) if isinstance(target.key, str) else repr(target.key)


def kwarg(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword and a.keyword.value == name), None)


def where(ref: Ref) -> dict[str, object]:
    return {"path": ref.module, "line": ref.line, "col": ref.col}


def reject(flat: Flat, refs: list[Ref], what: str) -> None:
    for ref in refs:
        flat.report("MF304", f"{what} {ref.target.rel!r} rejected by --assets reject",
                    **where(ref))  # type: ignore[arg-type]
        flat.assets.append(AssetRecord(ref.target.rel, ref.api, "rejected", None, ref.line,
                                       ref.module))
        flat.halted = True  # the policy refuses the scene: nothing to emit


def keep(flat: Flat, plan: Plan, ref: Ref, kind: str) -> bool:
    """Point the reference at a copy beside the output (`assets/<repo path>`); False when
    some target has no file to copy."""
    if any(t.status != "found" or t.path is None for t in ref.targets):
        return False
    names = []
    for t in ref.targets:
        out = f"assets/{t.rel}"
        flat.files[out] = str(t.path)
        names.append(string_literal(out))
        flat.assets.append(AssetRecord(t.rel, kind, "kept", out, ref.line, ref.module))
    new_arg = cst.parse_expression(dispatch_values(ref, names))
    plan.path_names |= names_in(ref.arg) if ref.arg is not None else set()
    plan.replace[id(ref.call)] = _with_arg(ref, new_arg)
    return True


def dispatch_values(ref: Ref, exprs: list[str]) -> str:
    if len(set(exprs)) == 1:
        return exprs[0]
    items = ", ".join(f"{_key(t)}: {e}" for t, e in zip(ref.targets, exprs))
    return f"{{{items}}}[{ref.loop_var}]"


def _with_arg(ref: Ref, new_arg: cst.BaseExpression) -> cst.Call:
    call = ref.call
    if ref.arg_slot == "receiver":
        assert isinstance(call.func, cst.Attribute)
        return call.with_changes(func=call.func.with_changes(
            value=cst.parse_expression(f"Path({code(new_arg)})")))
    args = [a.with_changes(value=new_arg) if a.value is ref.arg else a for a in call.args]
    return call.with_changes(args=args)


# --------------------------------------------------------------------------- applying

def _plan_sites(flat: Flat, plan: Plan, refs: Sequence[Ref]) -> None:
    """The callers of a rewritten parameter dispatch (`Ref.sites`) pass its key: found again
    in this scene's copy of their piece by their rank among its calls of the callee."""
    sites = [site for ref in refs if ref.sites and (id(ref.call) in plan.replace or (
        ref.owner is not None and id(ref.owner) in plan.rebase)) for site in ref.sites]
    for index, piece in enumerate(flat.pieces):
        mine = [site for site in sites if site.text == flat.source_of(piece)[0]]
        if not mine:
            continue
        calls = call_sites(piece.node).calls
        for site in mine:
            found = calls.get(site.callee, [])
            if site.index < len(found):
                plan.site_args.setdefault(id(found[site.index]), {})[site.arg] = site.key
                plan.pieces.add(index)
                plan.path_names |= site.names


def apply(flat: Flat, plan: Plan, refs: Sequence[Ref] = ()) -> None:
    """Rewrite the pieces with the plan, add the builders it uses and its header lines."""
    _plan_sites(flat, plan, refs)
    touched: list[Piece] = []
    helpers = path_helpers(flat) if plan.dead_locals else frozenset()
    for piece in (flat.pieces[i] for i in sorted(plan.pieces)):  # the others stay untouched
        transformer = _Apply(plan, flat, piece)
        new = piece.node.visit(transformer)
        if transformer.changed:
            if plan.dead_locals and isinstance(new, cst.BaseStatement):
                dead = _DeadLocals(helpers)
                new = new.visit(dead)
                plan.path_names |= dead.names
            touched.append(piece)
            piece.node = new  # type: ignore[assignment]
            used = piece_names(flat, piece)  # links of names the rewrite removed (`os`) go
            piece.links = {k: v for k, v in piece.links.items() if k in used}
    _drop_dead_constants(flat, plan.path_names)
    first = min((i for i, p in enumerate(flat.pieces) if any(p is t for t in touched)),
                default=len(flat.pieces))
    _add_builders(flat, plan, first)
    for line in plan.header:
        if line not in flat.header:
            flat.header.append(line)
    flat.assets.extend(plan.records)


def _drop_dead_constants(flat: Flat, candidates: set[str], *, pure: bool = False) -> None:
    """Module constants and functions that only built asset paths (`ICONS = os.path.join(...)`,
    `def local_path(p): ...`, `resource_path`) are dead once the paths are gone; drop them, and
    what only they used, until nothing changes.
    With `pure`, only those whose value is a path expression (no call with effects)."""
    while candidates:
        used: dict[int, frozenset[str]] = {id(p): piece_names(flat, p) for p in flat.pieces}
        dead = [p for p in flat.pieces if p.binds and p.binds <= candidates
                and (isinstance(p.node, cst.SimpleStatementLine) or not pure and isinstance(
                    p.node, cst.FunctionDef) and not p.node.decorators)
                and (not pure or _pure_assign(p) is not None)
                and not any(_reads(q, p, name) for q in flat.pieces if q is not p
                            for name in p.binds & used[id(q)])]
        if not dead:
            return
        next_candidates: set[str] = set()
        for p in dead:
            next_candidates |= piece_names(flat, p) - p.binds
            flat.pieces.remove(p)
        candidates = next_candidates


def _reads(reader: Piece, piece: Piece, name: str) -> bool:
    """Whether `name` in `reader` is `piece`'s binding: modules of a repository often share
    constant names (`ASSETS_DIR` in each), and until deconflict-names renames them only the
    links tell one module's from another's."""
    key = f"{piece.module}:{name}"
    link = reader.links.get(name)
    if link is not None:
        return link == key
    if any(value == key for value in reader.chains.values()):
        return True  # `helpers.ASSETS_DIR`
    return reader.module is None or reader.module == piece.module or name not in piece.binds


def _holds(node: cst.CSTNode, ids: set[int]) -> bool:
    found = False

    class _V(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            nonlocal found
            found = found or id(n) in ids

    node.visit(_V())
    return found


def _constant(node: cst.BaseExpression) -> bool | None:
    """`not False`, `True and x`-style tests after folding, when their value is fixed."""
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = _constant(node.expression)
        return None if inner is None else not inner
    if isinstance(node, cst.BooleanOperation):
        left, right = _constant(node.left), _constant(node.right)
        if isinstance(node.operator, cst.And):
            return False if left is False or right is False else (
                True if left and right else None)
        return True if left is True or right is True else (
            False if left is False and right is False else None)
    return None


def _terminal(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and isinstance(
        stmt.body[-1], (cst.Return, cst.Raise, cst.Continue, cst.Break))


_PATH_CALLS = frozenset({
    "Path", "PurePath", "PurePosixPath", "join", "dirname", "abspath", "realpath",
    "normpath", "basename", "expanduser", "resolve", "absolute", "joinpath", "with_suffix",
    "with_name", "str", "getcwd", "fspath", "format",
    "get",  # `ASSETS / FILES.get(key, "a.svg")`: a file name looked up in a mapping
    "getattr"})  # `getattr(sys, "_MEIPASS", here)`: where a frozen app keeps its files


def pure_path(node: cst.CSTNode, helpers: frozenset[str] = frozenset()) -> bool:
    """An expression that only computes a value from names, literals and path functions
    (and calls of `helpers`, repository functions that only compute a path): dropping it
    when nothing reads the result changes nothing else."""
    if isinstance(node, (cst.Name, cst.BaseString, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.FormattedString):
        return all(pure_path(p.expression, helpers) for p in node.parts
                   if isinstance(p, cst.FormattedStringExpression))
    if isinstance(node, cst.Attribute):
        return pure_path(node.value, helpers)
    if isinstance(node, cst.Subscript):
        return pure_path(node.value, helpers) and all(
            isinstance(e.slice, cst.Index) and pure_path(e.slice.value, helpers)
            for e in node.slice)
    if isinstance(node, cst.BinaryOperation):
        return pure_path(node.left, helpers) and pure_path(node.right, helpers)
    if isinstance(node, cst.Call):
        name = (dotted(node.func) or "").rsplit(".", 1)[-1] or (
            node.func.attr.value if isinstance(node.func, cst.Attribute) else "")
        receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
        known = name in _PATH_CALLS or receiver is None and name in helpers
        return known and (receiver is None or pure_path(receiver, helpers)) and all(
            pure_path(a.value, helpers) and not a.star for a in node.args)
    return False


def path_helpers(flat: Flat) -> frozenset[str]:
    """Top-level functions of the output that only compute a path from their arguments
    (`def resource(rel): base = os.path.dirname(__file__); return os.path.join(base, rel)`):
    a docstring, locals assigned path expressions, one final `return` of one. A call of one
    is as pure as the path functions it uses (helpers calling helpers count too). A name
    two modules define (not yet deconflicted) is no helper: a call could be either."""
    found: set[str] = set()
    functions = [p.node for p in flat.pieces if isinstance(p.node, cst.FunctionDef)]
    names = [f.name.value for f in functions]
    candidates = [f for f in functions if not f.decorators and names.count(f.name.value) == 1
                  and isinstance(f.body, cst.IndentedBlock)]
    while True:
        known = frozenset(found)
        found |= {f.name.value for f in candidates if _computes_path(f, known)}
        if found == known:
            return known


def _computes_path(function: cst.FunctionDef, helpers: frozenset[str]) -> bool:
    body = list(function.body.body)
    if body and function.get_docstring() is not None:
        body = body[1:]
    if not body:
        return False
    for index, line in enumerate(body):
        if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1):
            return False
        stmt, last = line.body[0], index == len(body) - 1
        if last and not (isinstance(stmt, cst.Return) and stmt.value is not None
                         and pure_path(stmt.value, helpers)):
            return False
        if not last and not (isinstance(stmt, cst.Assign) and len(stmt.targets) == 1
                             and isinstance(stmt.targets[0].target, cst.Name)
                             and pure_path(stmt.value, helpers)):
            return False
    return True


def _path_locals(block: cst.BaseSuite, helpers: frozenset[str] = frozenset()
                 ) -> tuple[bool, bool]:
    """Whether a function body assigns a path expression to a local name (what `_DeadLocals`
    may drop): outside its nested functions, and anywhere in it. Found from the statements
    alone, without visiting every expression."""
    own = anywhere = False
    todo: list[tuple[cst.CSTNode, bool]] = [(block, True)]
    while todo and not own:
        node, outer = todo.pop()
        if isinstance(node, cst.SimpleStatementLine):
            stmt = node.body[0] if len(node.body) == 1 else None
            if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and isinstance(
                    stmt.targets[0].target, cst.Name) and pure_path(stmt.value, helpers):
                own, anywhere = own or outer, True
        elif isinstance(node, _BLOCKS):
            inner = outer and not isinstance(node, cst.FunctionDef)
            todo.extend((child, inner) for child in node.children
                        if isinstance(child, _BLOCKS))
    return own, anywhere


_BLOCKS = (cst.BaseStatement, cst.BaseSuite, cst.ExceptHandler, cst.ExceptStarHandler,
           cst.Else, cst.Finally, cst.MatchCase)


class _DeadLocals(cst.CSTTransformer):
    """Drops `name = <path expression>` in functions where nothing reads `name` any more
    (the asset call it fed was replaced); `names` collects what the dropped values used."""

    def __init__(self, helpers: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.helpers = helpers  # repository functions that only compute a path
        self.names: set[str] = set()
        self.counts: list[dict[str, int]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        counts: dict[str, int] = {}
        blocked = False
        own, anywhere = _path_locals(node.body, self.helpers)
        if not own:
            self.counts.append({})  # nothing to drop here: no need to count every name
            return anywhere  # nor to visit a body with nothing to drop in it at all

        class _Count(cst.CSTVisitor):
            def visit_Name(self, n: cst.Name) -> None:
                counts[n.value] = counts.get(n.value, 0) + 1

            def visit_Global(self, n: cst.Global) -> None:
                nonlocal blocked
                blocked = True

            def visit_Nonlocal(self, n: cst.Nonlocal) -> None:
                nonlocal blocked
                blocked = True

        node.body.visit(_Count())
        self.counts.append({} if blocked else counts)
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
                          ) -> cst.FunctionDef:
        self.counts.pop()
        return updated_node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if not self.counts or len(updated_node.body) != 1:
            return updated_node
        stmt = updated_node.body[0]
        if not (isinstance(stmt, cst.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0].target, cst.Name)):
            return updated_node
        name = stmt.targets[0].target.value
        if self.counts[-1].get(name) != 1 or not pure_path(stmt.value, self.helpers):
            return updated_node
        self.names |= names_in(stmt.value)
        return cst.RemoveFromParent()


def shake_file_values(flat: Flat, *, report: bool = True) -> bool:
    """Module constants computed from `__file__` that nothing in the output reads (the
    asset paths they built are gone, or they only fed a `print`) are dropped, with the
    prints: in a flattened file `__file__` names another file. True when something went.
    With `report`, those still used are MF317 (the last pass that rewrites paths says so:
    inline-data-files, after the data reads that used them became literals)."""
    if not any("__file__" in flat.source_of(p)[0] for p in flat.pieces):
        return False
    derived: set[str] = set()
    for piece in flat.pieces:
        text = flat.source_of(piece)[0]
        if "__file__" not in text and not any(name in text for name in derived):
            continue  # parsing every piece is costly: only those that can derive
        value = _pure_assign(piece)
        if value is not None and ("__file__" in text or names_in(value) & derived):
            derived |= piece.binds
    if not derived:
        return False
    before = len(flat.pieces)
    flat.pieces[:] = [p for p in flat.pieces if not _print_of(flat, p, derived)]
    _drop_dead_constants(flat, derived, pure=True)
    for piece in flat.pieces if report else ():
        if "__file__" in flat.source_of(piece)[0] and piece.binds & derived:
            flat.report("MF317", f"{', '.join(sorted(piece.binds))} is computed from "
                        "`__file__` and still used: the output would need files beside the "
                        "original source", path=piece.module, line=piece.line or None)
    return len(flat.pieces) != before


def _pure_assign(piece: Piece) -> cst.BaseExpression | None:
    node = piece.node
    if not (isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1):
        return None
    stmt = node.body[0]
    if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and pure_path(stmt.value):
        return stmt.value
    if isinstance(stmt, cst.AnnAssign) and stmt.value is not None and pure_path(stmt.value):
        return stmt.value
    return None


def _print_of(flat: Flat, piece: Piece, names: set[str]) -> bool:
    """A module-level `print(...)` of one of `names`: diagnostics, no effect on the video."""
    if "print" not in flat.source_of(piece)[0]:
        return False
    node = piece.node
    if not (isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1):
        return False
    stmt = node.body[0]
    return isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call) and \
        dotted(stmt.value.func) == "print" and bool(names_in(stmt.value) & names)


def _add_builders(flat: Flat, plan: Plan, first: int) -> None:
    helpers = []
    for name in sorted(plan.builders):
        builder, out = ALL_BUILDERS[name], plan.builder_names[name]
        source = builder.source.replace(f"def {name}(", f"def {out}(", 1)
        helpers.append(Piece(tree=cst.parse_statement(source), module=None, line=0,
                             binds=frozenset({out}), origin="manimflat:assets"))
        if builder.needs_numpy:
            plan.need_header("import numpy as np")
    flat.pieces[first:first] = helpers


def taken_names(flat: Flat) -> set[str]:
    names: set[str] = set()
    for piece in flat.pieces:
        names |= piece.binds | piece_names(flat, piece)
    return names


def piece_names(flat: Flat, piece: Piece) -> frozenset[str]:
    """Every identifier in the piece (`names_in` of its tree), read with `ast`: from its
    unit while it is as written, else from its source (visiting big trees is slow)."""
    written = flat.written(piece)
    if written is not None:
        return written[0].occurrences.identifiers
    return source_facts(flat, piece).identifiers


def source_facts(flat: Flat, piece: Piece) -> Occurrences:
    """`Occurrences` of the piece's source, parsed with `ast` once per text."""
    text, _ = flat.source_of(piece)
    cache = flat.program.memo.setdefault("source-facts", {})
    if text not in cache:
        cache[text] = Occurrences.of(ast.parse(text).body)
    return cache[text]  # type: ignore[return-value]


@dataclass
class _EditFacts:
    """What `_Apply` could edit in a function or class: ids of it, its calls and its
    f-strings, its string values, whether it uses an image-only method or attribute, and the names its assignments
    copy (`_Apply._image_size`'s walk)."""

    ids: set[int] = field(default_factory=set)
    strings: set[str] = field(default_factory=set)
    image_words: bool = False
    heads: set[str] = field(default_factory=set)


def _edit_facts(flat: Flat, node: cst.FunctionDef | cst.ClassDef) -> _EditFacts:
    """`_EditFacts` of every function and class in the statement holding `node`, from one
    visit per statement, remembered per node (shared by the scenes that inline it)."""
    memo = flat.program.memo.setdefault("asset-edit-facts", {})
    if node not in memo:
        open_: list[_EditFacts] = []

        class _V(cst.CSTVisitor):
            def _push(self, n: cst.FunctionDef | cst.ClassDef) -> None:
                facts = _EditFacts({id(n)})
                memo[n] = facts
                open_.append(facts)

            def visit_FunctionDef(self, n: cst.FunctionDef) -> None:
                self._push(n)

            def visit_ClassDef(self, n: cst.ClassDef) -> None:
                self._push(n)

            def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
                open_.pop()

            def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
                open_.pop()

            def visit_Call(self, n: cst.Call) -> None:
                image = isinstance(n.func, cst.Attribute) and \
                    n.func.attr.value in IMAGE_ONLY_METHODS
                for facts in open_:
                    facts.ids.add(id(n))
                    facts.image_words |= image

            def visit_Attribute(self, n: cst.Attribute) -> None:
                if n.attr.value in IMAGE_ONLY_ATTRS:
                    for facts in open_:
                        facts.image_words = True

            def visit_SimpleString(self, n: cst.SimpleString) -> None:
                value = n.evaluated_value
                if isinstance(value, str):
                    for facts in open_:
                        facts.strings.add(value)

            def visit_FormattedString(self, n: cst.FormattedString) -> None:
                for facts in open_:
                    facts.ids.add(id(n))

            def visit_Assign(self, n: cst.Assign) -> None:
                head = _value_head(n.value)
                if head:
                    for facts in open_:
                        facts.heads.add(head)

        node.visit(_V())
    return memo[node]  # type: ignore[return-value]


def _value_head(node: cst.BaseExpression) -> str | None:
    """The name `_Apply._image_size` looks up for an assigned value (`img` in
    `img.copy().scale(2)`), the planned calls aside."""
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            node = node.func.value
            continue
        if isinstance(node, cst.Attribute) and not isinstance(node.value, cst.Name):
            node = node.value
            continue
        return dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else None


class _Apply(cst.CSTTransformer):
    def __init__(self, plan: Plan, flat: Flat, piece: Piece) -> None:
        super().__init__()
        self.plan, self.flat, self.piece = plan, flat, piece
        self.changed = False
        self.image_names: dict[str, tuple[int, int]] = {}  # `img`, `self.img` -> pixel size
        self.flattened: set[int] = set()  # statements of folded `if` branches
        self.in_target = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return self._may_edit(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return self._may_edit(node)

    def _may_edit(self, node: cst.FunctionDef | cst.ClassDef) -> bool:
        """False (its body is left as it is, unvisited) for a function or class holding no
        planned call, no string to neutralise and nothing a replaced image flows into."""
        facts = _edit_facts(self.flat, node)
        plan = self.plan
        return any(not facts.ids.isdisjoint(planned) for planned in (
            plan.replace, plan.drop_kwargs, plan.drop_statements, plan.unwrap_with,
            plan.folds, plan.images, plan.rebase, plan.site_args, plan.neutral_fstrings)) \
            or not facts.strings.isdisjoint(plan.neutral) \
            or (facts.image_words and bool(plan.images)) \
            or not facts.heads.isdisjoint(self.image_names)

    # Names assigned from a replaced image remember it, so `img.pixel_array` is rewritten.
    def visit_Assign(self, node: cst.Assign) -> None:
        size = self._image_size(node.value)
        if size is not None:
            for t in node.targets:
                name = dotted(t.target)
                if name:
                    self.image_names[name] = size

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.in_target += 1

    def leave_AssignTarget(self, original_node: cst.AssignTarget,
                           updated_node: cst.AssignTarget) -> cst.AssignTarget:
        self.in_target -= 1
        return updated_node

    def _image_size(self, node: cst.BaseExpression) -> tuple[int, int] | None:
        """Pixel size when `node` is a replaced image call, maybe with methods chained."""
        while True:
            if isinstance(node, cst.Call):
                if id(node) in self.plan.images:
                    return self.plan.images[id(node)]
                if isinstance(node.func, cst.Attribute):
                    node = node.func.value
                    continue
            if isinstance(node, cst.Attribute) and not isinstance(node.value, cst.Name):
                node = node.value
                continue
            name = dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
            return self.image_names.get(name) if name else None

    def _pixels(self, size: tuple[int, int], what: str, node: cst.CSTNode
                ) -> cst.BaseExpression:
        self._note_image_method(what)
        self.plan.need_header("import numpy as np")
        w, h = size
        return cst.parse_expression(f"np.zeros(({h}, {w}, 4), dtype=np.uint8)")

    def _note_image_method(self, what: str) -> None:
        self.flat.report("MF307", f"{what} called on a replaced image: rewritten for the "
                         "replacement", severity=Severity.FIXED, path=self.piece.module,
                         line=self.piece.line or None)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call
                   ) -> cst.BaseExpression:
        key = id(original_node)
        if key in self.plan.replace:
            self.changed = True
            return self.plan.replace[key]
        if key in self.plan.site_args:  # a caller passes the dispatch key, not its path
            self.changed = True
            keys = self.plan.site_args[key]
            updated_node = updated_node.with_changes(args=[
                a.with_changes(value=cst.SimpleString(string_literal(keys[i]))) if i in keys
                else a for i, a in enumerate(updated_node.args)])
        if key in self.plan.drop_kwargs:
            self.changed = True
            drop = self.plan.drop_kwargs[key]
            args = [a for a in updated_node.args if not (a.keyword and a.keyword.value in drop)]
            if args:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(args=args)
        func = original_node.func
        if isinstance(func, cst.Attribute) and func.attr.value in IMAGE_ONLY_METHODS:
            size = self._image_size(func.value)
            if size is not None:
                self.changed = True
                assert isinstance(updated_node.func, cst.Attribute)
                if IMAGE_ONLY_METHODS[func.attr.value] == "drop":
                    self._note_image_method(func.attr.value)
                    # it returns self: the call is a no-op; its parentheses stay (a chain
                    # split over lines inside them needs them)
                    inner = updated_node.func.value
                    return inner.with_changes(lpar=[*updated_node.lpar, *inner.lpar],
                                              rpar=[*inner.rpar, *updated_node.rpar])
                return self._pixels(size, func.attr.value, original_node)
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.BaseExpression:
        if self.in_target or original_node.attr.value not in IMAGE_ONLY_ATTRS:
            return updated_node
        size = self._image_size(original_node.value)
        if size is None:
            return updated_node
        self.changed = True
        return self._pixels(size, original_node.attr.value, original_node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        kept = [s for s, o in zip(updated_node.body, original_node.body)
                if not (isinstance(o, cst.Expr) and isinstance(o.value, cst.Call)
                        and id(o.value) in self.plan.drop_statements)]
        if len(kept) == len(updated_node.body):
            return updated_node
        self.changed = True
        if not kept:
            return cst.RemoveFromParent()
        return updated_node.with_changes(body=kept)

    def leave_With(self, original_node: cst.With, updated_node: cst.With
                   ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        items = [(u, o) for u, o in zip(updated_node.items, original_node.items)
                 if not (isinstance(o.item, cst.Call) and id(o.item) in self.plan.unwrap_with)]
        if len(items) == len(updated_node.items):
            return updated_node
        self.changed = True
        if items:
            kept = [u for u, _ in items]
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(items=kept)
        body = updated_node.body
        if isinstance(body, cst.IndentedBlock):
            stmts = list(body.body)
            if stmts:
                stmts[0] = stmts[0].with_changes(leading_lines=updated_node.leading_lines)
            return cst.FlattenSentinel(stmts)
        return cst.FlattenSentinel([cst.SimpleStatementLine(
            body=[s for s in body.body if isinstance(s, cst.BaseSmallStatement)])])

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef
                       ) -> cst.ClassDef:
        base = self.plan.rebase.get(id(original_node))
        if base is None:
            return updated_node
        self.changed = True
        return updated_node.with_changes(bases=[
            b.with_changes(value=cst.Name("VGroup"))
            if (dotted(b.value) or "").rsplit(".", 1)[-1] == base else b
            for b in updated_node.bases])

    def leave_SimpleString(self, original_node: cst.SimpleString,
                           updated_node: cst.SimpleString) -> cst.SimpleString:
        if not self.plan.neutral:
            return updated_node
        value = original_node.evaluated_value
        name = self.plan.neutral.get(value) if isinstance(value, str) else None
        if name is None:
            return updated_node
        self.changed = True
        return cst.SimpleString(string_literal(name))

    def leave_FormattedString(self, original_node: cst.FormattedString,
                              updated_node: cst.FormattedString) -> cst.BaseExpression:
        name = self.plan.neutral_fstrings.get(id(original_node))
        if name is None:
            return updated_node
        self.changed = True
        return name

    def _folded(self, original: cst.BaseExpression, updated: cst.BaseExpression
                ) -> bool | None:
        """The value of a test that held a folded existence check, when it is constant."""
        if not self.plan.folds or not _holds(original, self.plan.folds):
            return None
        return _constant(updated)

    def leave_If(self, original_node: cst.If, updated_node: cst.If
                 ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | \
            cst.RemovalSentinel:
        value = self._folded(original_node.test, updated_node.test)
        if value is None or original_node is self.piece.node:
            return updated_node  # a module-level `if` is a piece of its own: left as it is
        self.changed = True
        if value:
            branch: cst.BaseSuite | None = updated_node.body
        elif isinstance(updated_node.orelse, cst.If):
            return updated_node.orelse.with_changes(leading_lines=updated_node.leading_lines)
        else:
            branch = updated_node.orelse.body if updated_node.orelse else None
        if branch is None:
            return cst.RemoveFromParent()
        stmts: list[cst.BaseStatement] = list(branch.body) if isinstance(
            branch, cst.IndentedBlock) else [cst.SimpleStatementLine(
                body=[s for s in branch.body if isinstance(s, cst.BaseSmallStatement)])]
        stmts[0] = stmts[0].with_changes(leading_lines=updated_node.leading_lines)
        self.flattened.update(id(s) for s in stmts)
        return cst.FlattenSentinel(stmts)

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp
                    ) -> cst.BaseExpression:
        value = self._folded(original_node.test, updated_node.test)
        if value is None:
            return updated_node
        self.changed = True
        return updated_node.body if value else updated_node.orelse

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = list(updated_node.body)
        for i, stmt in enumerate(body):  # a folded branch that returns: the rest is dead
            if id(stmt) in self.flattened and _terminal(stmt) and i + 1 < len(body):
                updated_node = updated_node.with_changes(body=body[:i + 1])
                break
        if not updated_node.body:  # every statement of the block was a dropped sound
            return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated_node
