"""deconflict-names: give every definition of the output one unique, scope-correct name.

Before: pieces from several modules, each with `links` (name -> what it refers to). Two
modules may define the same name differently, or a helper may shadow a manim name that the
scene also uses. After: every key has one output name and each piece is rewritten (global
references, its own definitions, and `module.attr` chains) to use it. Names that cannot move
(the scene class, manim's star-imported names and builtins that are used) keep theirs; a
repository definition that collides is renamed `name_<module>` (MF201, severity fixed).
A piece still as written is renamed by text edits; one whose tree was edited, that drops
imports, or where a nested scope binds a renamed name is rewritten with libcst.
Known limit: names inside string annotations (`x: "Circle"`) are not renamed; emit's
undefined-name check reports one that ends up unbound (MF213).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analyses.naming import Naming
from ..diagnostics import Severity
from ..ir import Flat, NodeTexts, Piece
from ..pass_manager import Pass
from ..transforms import rename_text, rewrite_statement


@dataclass(frozen=True)
class DeconflictNames(Pass):
    NAME = "deconflict-names"
    DESCRIPTION = "rename colliding definitions so the single output namespace is consistent"
    NEEDS = ("closure",)
    REQUIRES = ("names",)

    def run(self, flat: Flat) -> frozenset[str]:
        naming = flat.analyses.get(Naming)
        names = naming.names
        for key, wanted, given, other in naming.collisions:
            module = key.rsplit(":", 1)[0]
            flat.report("MF201", f"{wanted!r} from {module} renamed to {given!r} (collides "
                        f"with {other})", severity=Severity.FIXED,
                        path=module if module.endswith(".py") else None)
        for piece in flat.pieces:
            own = {n: f"{piece.module}:{n}" for n in piece.binds if piece.module}
            links = {**own, **piece.links}
            piece.renames = {src: names[key] for src, key in links.items()
                             if key in names and names[key] != src}
            chains = {chain: names.get(key, chain[-1]) for chain, key in piece.chains.items()}
            if piece.renames or chains or piece.drop_imports:
                _rewrite(flat, piece, chains)
        return frozenset({"names"})


def _rewrite(flat: Flat, piece: Piece, chains: dict[tuple[str, ...], str]) -> None:
    """Rename in the text when the piece is as written and nothing is shadowed, else in the
    tree. Scenes of a repo share pieces, so both results are memoised on the program."""
    cache = flat.analyses.get(NodeTexts).rewrites
    edits = (tuple(sorted(piece.renames.items())), tuple(sorted(chains.items())))
    shadowed = _shadowed(flat, piece)
    written = flat.written(piece)
    if written is not None and not piece.drop_imports and not shadowed & piece.renames.keys():
        unit, layout = written
        text_key = (piece.module, unit.index, *edits)
        if text_key not in cache:
            cache[text_key] = rename_text(unit, layout, piece.renames, chains)
        text = cache[text_key]
        if isinstance(text, str):
            piece.edit_text(text)
            return
    tree_key = (piece.node, *edits, piece.drop_imports)
    if tree_key not in cache:
        cache[tree_key] = rewrite_statement(piece.node, piece.renames, chains,
                                            piece.drop_imports, shadowed)
    piece.node = cache[tree_key]  # type: ignore[assignment]
    piece.drop_imports = frozenset()


def _shadowed(flat: Flat, piece: Piece) -> frozenset[str]:
    """Names bound in a nested scope of the piece; without symtable facts (a synthesized
    piece) every renamed name counts, so the scope analysis always runs."""
    info = flat.program.module(piece.module) if piece.module else None
    unit = info.unit_at.get(piece.line) if info else None
    return unit.shadowed if unit is not None else frozenset(piece.renames)
