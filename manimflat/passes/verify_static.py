"""verify-static: no undefined names (against manim's real exports), allowed imports only, no file
references, exactly the target scene with a construct.

Before: `flat.code` compiles (verify-syntax passed).
After: every global name read in `flat.code` is bound, imports are allowed, no
file/sys.path/__file__ use, the scene class has a construct; removed Manim names were replaced
(MF413 `fixed`). Timing in `flat.verification['static']['seconds']`.
The work is in `manimflat.verify`; this pass only applies it to the flat.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Flat
from ..pass_manager import ALL, Pass
from ..verify import apply_level


@dataclass(frozen=True)
class VerifyStatic(Pass):
    NAME = "verify-static"
    DESCRIPTION = ("no undefined names (against manim's real exports), allowed imports only, no file "
                   "references, exactly the target scene with a construct")
    NEEDS = ("code",)

    def run(self, flat: Flat) -> frozenset[str]:
        apply_level(flat, "static")
        return ALL  # verification edits only flat.code, never the pieces analyses read
