"""verify-syntax: the output parses and compiles with no SyntaxWarning (invalid escapes become raw
strings).

Before: `flat.code` holds the emitted file.
After: `flat.code` compiles without SyntaxWarning, or an MF401/MF402/MF416 error says why not;
repairs are MF402 `fixed` diagnostics. Timing in `flat.verification['syntax']['seconds']`.
The work is in `manimflat.verify`; this pass only applies it to the flat.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..verify import LevelPass


@dataclass(frozen=True)
class VerifySyntax(LevelPass):
    NAME = "verify-syntax"
    DESCRIPTION = ("the output parses and compiles with no SyntaxWarning (invalid escapes become raw "
                   "strings)")
    LEVEL = "syntax"
