"""Old cairo manimlib (`from manimlib.imports import *`, 2018-2020) -> Manim CE.

Manim CE forked from this manimlib, so most names are CE's; its own renames
(`TextMobject` -> `Tex`, `ShowCreation` -> `Create`, `FadeInFromDown`, `x_min=`) are
upgrade-api's table. Here: what CE dropped without a rename.
"""

from __future__ import annotations

from ._common import NAMES as COMMON
from ._common import UNSUPPORTED as COMMON_UNSUPPORTED
from .table import Table

TABLE = Table(
    dialect="manimlib-old",
    names={**COMMON},
    unsupported={**COMMON_UNSUPPORTED},
    methods={"rotate_in_place": "rotate", "scale_in_place": "scale"},
)
