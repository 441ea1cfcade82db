"""emit: render the pieces into the output text, with one fixed layout.

Before: `Flat.header` and `Flat.pieces` are final. After: `Flat.code` holds the file: the
import block, then every piece as its original source (comments and docstrings kept), with
black's blank-line rules between top-level statements. The layout depends only on the
pieces, so the output is deterministic and flattening it again gives the same bytes. With
`formatter = "black"` the whole file is then formatted by the pinned black.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..diagnostics import Severity
from ..ir import Flat, Piece
from ..pass_manager import ALL, Pass

_MODULE_DUNDER = re.compile(r"(?<![.\w])__(?:file|name)__\b")


@dataclass(frozen=True)
class Emit(Pass):
    NAME = "emit"
    DESCRIPTION = "render the header and pieces into one deterministic file"
    NEEDS = ("closure",)
    PROVIDES = ("code",)

    def run(self, flat: Flat) -> frozenset[str]:
        code = render(flat)
        if flat.settings.formatter == "black":
            import black  # pinned in pyproject.toml: the same version formats the same way

            code = black.format_str(code, mode=black.Mode(target_versions={
                black.TargetVersion.PY310}))
        flat.code = code
        _report_module_dunders(flat)
        return ALL


def _report_module_dunders(flat: Flat) -> None:
    """`__file__`/`__name__` still in the output (the asset passes remove the asset paths
    built from `__file__`): in a flattened file they describe another file."""
    code = flat.code or ""
    if ("__file__" not in code and "__name__" not in code) or not _MODULE_DUNDER.search(code):
        return  # `x.__name__` is an attribute, not the global
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and node.id in ("__file__", "__name__"):
            flat.report("MF207", f"`{node.id}` is used in the output; it names the flattened "
                        "file, not the original", severity=Severity.WARNING,
                        path=f"{flat.scene.name}.py", line=node.lineno, col=node.col_offset + 1)


def render(flat: Flat) -> str:
    """The output text for the current IR (also used by --print-after before emit)."""
    chunks = ["\n".join(flat.header) + "\n"] if flat.header else []
    previous: Piece | None = None
    for piece in flat.pieces:
        text, blank_before = flat.program.source_of(piece)
        if chunks:
            chunks.append("\n" * _separation(previous, piece, blank_before))
        chunks.append(text)
        previous = piece
    return "".join(chunks)


def _separation(previous: Piece | None, piece: Piece, blank_before: int) -> int:
    if previous is None:  # after the import block
        return 2 if piece.is_definition else 1
    if previous.is_definition or piece.is_definition:
        return 2
    adjacent = previous.module == piece.module and piece.position == previous.position + 1
    return min(blank_before, 1) if adjacent else 1

