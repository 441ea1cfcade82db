"""verify-render: the last frame renders at low quality (or the whole video with render_video); with
compare, it matches the original rendered in its repository.

Before: `flat.code` passed verify-exec.
After: `flat.verification['render']['png']` is the last frame; with `settings.compare`,
`['compare']` holds the pixel difference to the original (MF411 when it differs outside replaced
assets). Timing in `flat.verification['render']['seconds']`.
The work is in `manimflat.verify`; this pass only applies it to the flat.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Flat
from ..pass_manager import ALL, Pass
from ..verify import apply_level


@dataclass(frozen=True)
class VerifyRender(Pass):
    NAME = "verify-render"
    DESCRIPTION = ("the last frame renders at low quality (or the whole video with render_video); "
                   "with compare, it matches the original rendered in its repository")
    NEEDS = ("code",)

    def run(self, flat: Flat) -> frozenset[str]:
        apply_level(flat, "render")
        return ALL  # verification edits only flat.code, never the pieces analyses read
