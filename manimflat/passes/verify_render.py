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

from ..verify import LevelPass


@dataclass(frozen=True)
class VerifyRender(LevelPass):
    NAME = "verify-render"
    DESCRIPTION = ("the last frame renders at low quality (or the whole video with render_video); "
                   "with compare, it matches the original rendered in its repository")
    LEVEL = "render"
