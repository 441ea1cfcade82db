"""Old cairo manimlib (`from manimlib.imports import *`, 2018-2020) -> Manim CE.

Manim CE forked from this manimlib, so most names are CE's; its own renames
(`ShowCreation` -> `Create`, `FadeInFromDown`, `x_min=`) are upgrade-api's table. Here: what
CE dropped without a rename, the keywords old classes took and CE's do not (old Mobjects
digested any keyword into an attribute; `alignment` of TextMobject was its LaTeX alignment),
and MovingCameraScene's `self.camera_frame`, which is CE's `self.camera.frame`.
"""

from __future__ import annotations

from ._common import NAMES as COMMON
from ._common import UNSUPPORTED as COMMON_UNSUPPORTED
from .table import Rename, Table

_TEX = {"alignment": ""}

TABLE = Table(
    dialect="manimlib-old",
    names={
        **COMMON,
        "TextMobject": Rename("Tex", _TEX),
        "TexMobject": Rename("MathTex", _TEX),
        # the shaders branch's curve (cigar666's shaders_projects)
        "ParametricCurve": Rename("ParametricFunction", {"t_func": "function"}),
        "Rotating": Rename("Rotating", {"radians": "angle"}),
    },
    unsupported={**COMMON_UNSUPPORTED},
    methods={"rotate_in_place": "rotate", "scale_in_place": "scale", "deepcopy": "copy"},
    attributes={"camera_frame": "camera.frame"},
    strict_keywords=True,
    old_keywords={"number_line_config": "axis_config", "numbers_to_show": "numbers_to_include",
                  "big_tick_numbers": "numbers_with_elongated_ticks"},
    positional={"Arc": ("start_angle", "angle")},  # CE's Arc takes the radius first
    scene_keywords={"foreground_plane_kwargs": "NumberPlane",
                    "background_plane_kwargs": "NumberPlane"},
)
