"""Entries both dialects share: names of the manimlib that ManimGL and Manim CE forked from."""

from __future__ import annotations

from .shims import CHARACTERS
from .table import Rename

NAMES: dict[str, Rename] = {
    "TOP": Rename("config.frame_y_radius * UP"),
    "BOTTOM": Rename("config.frame_y_radius * DOWN"),
    "LEFT_SIDE": Rename("config.frame_x_radius * LEFT"),
    "RIGHT_SIDE": Rename("config.frame_x_radius * RIGHT"),
    "ASPECT_RATIO": Rename("config.aspect_ratio"),
    "SVGPathMobject": Rename("SVGMobject"),
    "GREEN_SCREEN": Rename("PURE_GREEN"),
    "ParametricCurve": Rename("ParametricFunction"),
    "TracedPath": Rename("TracedPath", {"min_distance_to_new_point": "",
                                        "time_traced": "dissipating_time"}),
    "X_COLOR": Rename("GREEN_C"),
    "Y_COLOR": Rename("RED_C"),
    "Z_COLOR": Rename("BLUE_D"),
    # emitted definitions (dialects/shims.py)
    **{name: Rename(name, note="shim") for name in ("digest_config", "GraphScene",
                                                    *CHARACTERS)},
}
# names the dialects' `import *` re-exported from the standard library
LINKS: dict[str, str] = {"deepcopy": "from:copy:deepcopy", "product": "from:itertools:product",
                         "partial": "from:functools:partial", "reduce": "from:functools:reduce",
                         "Iterable": "from:typing:Iterable", "os": "mod:os", "sys": "mod:sys"}
# ManimGL's manimlib.typing aliases (annotations only, under TYPE_CHECKING there): Any
LINKS.update({name: "from:typing:Any" for name in (
    "Vect2", "Vect3", "Vect4", "VectN", "Matrix3x3", "VectArray", "Vect2Array", "Vect3Array",
    "Vect4Array", "VectNArray", "FloatArray", "RangeSpecifier", "Span", "SingleSelector",
    "Selector", "UniformDict", "SubVmobjectType", "ColorType")})

UNSUPPORTED: dict[str, str] = {
    "ContinualAnimation": "an updater (`mob.add_updater(lambda m, dt: ...)`)",
    "ContinualUpdate": "an updater (`mob.add_updater(...)`)",
    "SampleSpaceScene": "a Scene drawing the sample space with Rectangle and Brace",
    "ReconfigurableScene": "a Scene with the transitions written out",
    "NumberLineScene": "a Scene with a NumberLine",
    "TexturedSurface": "a Surface with a fill colour (textures are ManimGL shaders)",
    "CameraFrame": "MovingCameraScene's `self.camera.frame`",
    "COLOR_MAP": "the colour constants themselves (RED, BLUE_E, ...)",
}
