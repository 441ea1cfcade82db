"""verify-syntax: the output parses and compiles with no SyntaxWarning (invalid escapes become raw
strings).

Before: `flat.code` holds the emitted file.
After: `flat.code` compiles without SyntaxWarning, or an MF401/MF402/MF416 error says why not;
repairs are MF402 `fixed` diagnostics. Timing in `flat.verification['syntax']['seconds']`.
The work is in `manimflat.verify`; this pass only applies it to the flat.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Flat
from ..pass_manager import ALL, Pass
from ..verify import apply_level


@dataclass(frozen=True)
class VerifySyntax(Pass):
    NAME = "verify-syntax"
    DESCRIPTION = ("the output parses and compiles with no SyntaxWarning (invalid escapes become raw "
                   "strings)")
    NEEDS = ("code",)

    def run(self, flat: Flat) -> frozenset[str]:
        apply_level(flat, "syntax")
        return ALL  # verification edits only flat.code, never the pieces analyses read
