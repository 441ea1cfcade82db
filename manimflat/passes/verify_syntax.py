"""verify-syntax: the output parses and compiles with no SyntaxWarning.

Before: `flat.code` holds the emitted file.
After: `flat.code` compiles without SyntaxWarning, or an MF401/MF402/MF416 error says why not.
Invalid escapes are repaired while flattening (repair-warnings); code that did not come from
the pipeline gets the same repair here (MF210 `fixed`). Timing in `flat.verification['syntax']['seconds']`.
The work is in `manimflat.verify`; this pass only applies it to the flat.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..verify import LevelPass


@dataclass(frozen=True)
class VerifySyntax(LevelPass):
    NAME = "verify-syntax"
    DESCRIPTION = "the output parses and compiles with no SyntaxWarning"
    LEVEL = "syntax"
