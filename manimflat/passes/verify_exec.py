"""verify-exec: construct runs to the end in a sandboxed subprocess with animations skipped and no
media written.

Before: `flat.code` passed verify-static.
After: construct ran to the end within the time and memory limits, or MF407/MF408/MF409/MF412/MF415
says why not; `flat.verification['exec']` holds the animation count and the final mobjects'
classes; with render_video, a scene that played nothing got `self.wait()` (MF414 `fixed`). Timing in
`flat.verification['exec']['seconds']`.
The work is in `manimflat.verify`; this pass only applies it to the flat.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..verify import LevelPass


@dataclass(frozen=True)
class VerifyExec(LevelPass):
    NAME = "verify-exec"
    DESCRIPTION = ("construct runs to the end in a sandboxed subprocess with animations skipped and "
                   "no media written")
    LEVEL = "exec"
