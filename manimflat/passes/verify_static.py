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

from ..verify import LevelPass


@dataclass(frozen=True)
class VerifyStatic(LevelPass):
    NAME = "verify-static"
    DESCRIPTION = ("no undefined names (against manim's real exports), allowed imports only, no file "
                   "references, exactly the target scene with a construct")
    LEVEL = "static"
