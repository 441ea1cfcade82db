"""ManimGL (`from manimlib import *`, 3b1b/videos' `manim_imports_ext`) -> Manim CE.

ManimGL's `Tex` is math mode (CE's `MathTex`) and its `TexText` is CE's `Tex`; `t2c` is
`tex_to_color_map`, `isolate` is `substrings_to_isolate`; Axes/NumberLine sizes are
`x_length`/`length`; the interactive scene and the camera frame are CE's Scene and
MovingCameraScene's `self.camera.frame`; shader-only looks are dropped with a warning.
"""

from __future__ import annotations

from ._common import NAMES as COMMON
from ._common import UNSUPPORTED as COMMON_UNSUPPORTED
from .shims import GL_SHIMS
from .table import Rename, Table

_TEX = {"t2c": "tex_to_color_map", "isolate": "substrings_to_isolate"}

TABLE = Table(
    dialect="manimgl",
    names={
        **COMMON,
        "Tex": Rename("MathTex", _TEX),
        "OldTex": Rename("MathTex", _TEX),
        "TexText": Rename("Tex", _TEX),
        "OldTexText": Rename("Tex", _TEX),
        "TexMobject": Rename("MathTex", _TEX),
        "TextMobject": Rename("Tex", _TEX),
        "InteractiveScene": Rename("Scene"),
        "VShowPassingFlash": Rename("ShowPassingFlash", {"taper_width": ""}),
        "FlashAround": Rename("Circumscribe", {"taper_width": "", "stroke_width": ""}),
        "GlowDot": Rename("Dot", {"glow_factor": ""}),
        "GlowDots": Rename("VGroup"),
        "TransformMatchingStrings": Rename("TransformMatchingShapes", {"matched_keys": ""}),
        "Axes": Rename("Axes", {"width": "x_length", "height": "y_length"}),
        "ThreeDAxes": Rename("ThreeDAxes", {"width": "x_length", "height": "y_length",
                                            "depth": "z_length"}),
        "NumberPlane": Rename("NumberPlane", {"width": "x_length", "height": "y_length"}),
        "ComplexPlane": Rename("ComplexPlane", {"width": "x_length", "height": "y_length"}),
        "NumberLine": Rename("NumberLine", {"width": "length", "big_tick_numbers": ""}),
        "Arrow": Rename("Arrow", {"thickness": "stroke_width", "tip_width_ratio": ""}),
        "Vector": Rename("Vector", {"thickness": "stroke_width"}),
        "Text": Rename("Text", {"alignment": ""}),
        "ParametricCurve": Rename("ParametricFunction", {"t_func": "function"}),
        "EPSILON": Rename("1e-8"),
        "TrueDot": Rename("Dot", {"glow_factor": ""}),
        "VCube": Rename("Cube"),
        "Disk3D": Rename("Circle", {"resolution": ""}, {"fill_opacity": "1"}),
        **{name: Rename(name, note="shim") for name in GL_SHIMS},
    },
    unsupported={
        **COMMON_UNSUPPORTED,
        "VFadeInThenOut": "`Succession(FadeIn(m), FadeOut(m))`",
        "TransformMatchingParts": "TransformMatchingShapes",
    },
    methods={
        "select_part": "get_part_by_tex",
        "get_v_line": "get_vertical_line", "add_coordinate_labels": "add_coordinates", "get_h_line": "get_horizontal_line",
        "set_backstroke": "",
        "fix_in_frame": "", "unfix_from_frame": "", "set_shading": "", "set_gloss": "",
        "set_reflectiveness": "", "apply_depth_test": "", "deactivate_depth_test": "",
        "set_flat_stroke": "", "set_anti_alias_width": "", "set_joint_type": "",
        "use_winding_fill": "", "embed": "", "set_glow_factor": "", "make_smooth": "",
        "always_sort_to_camera": "", "set_clip_plane": "",
        "get_area_under_graph": "get_area",
    },
    star_keywords=True,
    method_templates={
        # Manim CE (>= 0.20) has no get_parts_by_tex: the emitted select_parts finds them
        "select_parts": ((("selector", None),), "select_parts({self}, {selector})"),
        "get_parts_by_tex": ((("tex", None),), "select_parts({self}, {tex})"),
        "get_tangent_line": ((("x", None), ("graph", None), ("length", "5")),
                             ("Line({self}.i2gp({x} - 1e-3, {graph}), {self}.i2gp({x} + 1e-3, "
                              "{graph})).set_length({length})")),
        "get_v_line_to_graph": ((("x", None), ("graph", None)),
                                "{self}.get_vertical_line({self}.i2gp({x}, {graph}){kwargs})"),
        "get_h_line_to_graph": ((("x", None), ("graph", None)),
                                "{self}.get_horizontal_line({self}.i2gp({x}, {graph}){kwargs})"),
    },
    method_keywords={
        "get_graph_label": {"x": "x_val"},
        "get_riemann_rectangles": {"colors": "color", "negative_color": "",
                                   "stroke_background": "", "show_signed_area": ""},
        "get_axis_labels": {"x_label_tex": "x_label", "y_label_tex": "y_label"},
        "get_x_axis_label": {"label_tex": "label"},
        "get_y_axis_label": {"label_tex": "label"},
    },
)

# ManimGL's 3D camera frame -> ThreeDScene's camera: a frame method -> its parameters in
# order, each (ManimGL name, ThreeDScene keyword, template of the value). ManimGL's theta is
# CE's plus 90 degrees (CE's default view is theta=-90deg); `reorient` takes degrees; a
# taller frame is a smaller zoom.
FRAME_3D: dict[str, tuple[tuple[str, str, str], ...]] = {
    "reorient": (("theta_degrees", "theta", "({} - 90) * DEGREES"),
                 ("phi_degrees", "phi", "({}) * DEGREES"),
                 ("gamma_degrees", "gamma", "({}) * DEGREES"),
                 ("center", "frame_center", "{}"),
                 ("height", "zoom", "config.frame_height / ({})")),
    "set_euler_angles": (("theta", "theta", "{} - 90 * DEGREES"), ("phi", "phi", "{}"),
                         ("gamma", "gamma", "{}")),
    "set_theta": (("theta", "theta", "{} - 90 * DEGREES"),),
    "set_phi": (("phi", "phi", "{}"),),
    "set_gamma": (("gamma", "gamma", "{}"),),
    "increment_theta": (("dtheta", "theta", "self.camera.get_theta() + {}"),),
    "increment_phi": (("dphi", "phi", "self.camera.get_phi() + {}"),),
    "increment_gamma": (("dgamma", "gamma", "self.camera.get_gamma() + {}"),),
    "move_to": (("point", "frame_center", "{}"),),
    "set_height": (("height", "zoom", "config.frame_height / ({})"),),
    "set_width": (("width", "zoom", "config.frame_width / ({})"),),
    "scale": (("scale_factor", "zoom", "self.camera.get_zoom() / ({})"),),
}
# frame methods that start or stop a rotation: ThreeDScene's ambient camera rotation
FRAME_3D_ROTATION = {"increment_theta": "theta", "increment_phi": "phi",
                     "increment_gamma": "gamma"}
FRAME_3D_STOP = frozenset({"clear_updaters", "remove_updater", "suspend_updating"})
