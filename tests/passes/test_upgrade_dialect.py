"""upgrade-dialect: each table entry and rewrite, the fixture repositories of both dialects
against their golden files, the diagnostics of what cannot be upgraded, and renders of the
upgraded files with the real Manim CE (and, where a ManimGL venv is given, with ManimGL)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import codes, dedent, write_repo

import manimflat
from manimflat.dialects import table_for

PIPELINE = ["resolve-imports", "collect-closure", "upgrade-dialect", "upgrade-api",
            "deconflict-names", "normalize-imports", "emit", "verify-syntax", "verify-static"]
HEADERS = {"manimgl": "from manimlib import *", "manimlib-old": "from manimlib.imports import *"}
FIXTURES = Path(__file__).parents[2] / "fixtures" / "dialects"

# entry: (dialect, old statements in construct, what the upgraded code holds)
CASES: dict[str, tuple[str, str, str]] = {
    "Tex": ("manimgl", "t = Tex('x^2', t2c={'x': RED})",
            "t = MathTex('x^2', tex_to_color_map={'x': RED})"),
    "OldTex": ("manimgl", "t = OldTex('x')", "t = MathTex('x')"),
    "TexText": ("manimgl", "t = TexText('hi', isolate=['h'])",
                "t = Tex('hi', substrings_to_isolate=['h'])"),
    "OldTexText": ("manimgl", "t = OldTexText('hi')", "t = Tex('hi')"),
    "TexMobject": ("manimgl", "t = TexMobject('x')", "t = MathTex('x')"),
    "TextMobject": ("manimgl", "t = TextMobject('x')", "t = Tex('x')"),
    "VShowPassingFlash": ("manimgl", "a = VShowPassingFlash(Circle(), taper_width=0.1)",
                          "a = ShowPassingFlash(Circle())"),
    "FlashAround": ("manimgl", "a = FlashAround(Circle(), stroke_width=2)",
                    "a = Circumscribe(Circle())"),
    "GlowDot": ("manimgl", "d = GlowDot(UP, glow_factor=2)", "d = Dot(UP)"),
    "GlowDots": ("manimgl", "d = GlowDots()", "d = VGroup()"),
    "TransformMatchingStrings": ("manimgl", "a = TransformMatchingStrings(Tex('a'), Tex('b'))",
                                 "a = TransformMatchingShapes(MathTex('a'), MathTex('b'))"),
    "Axes": ("manimgl", "a = Axes((0, 5), (0, 3), width=5, height=3)",
             "a = Axes((0, 5), (0, 3), x_length=5, y_length=3)"),
    "ThreeDAxes": ("manimgl", "a = ThreeDAxes(width=4, depth=2)",
                   "a = ThreeDAxes(x_length=4, z_length=2)"),
    "NumberPlane": ("manimgl", "p = NumberPlane(width=4)", "p = NumberPlane(x_length=4)"),
    "ComplexPlane": ("manimgl", "p = ComplexPlane(height=4)", "p = ComplexPlane(y_length=4)"),
    "NumberLine": ("manimgl", "n = NumberLine((0, 4), width=4)", "n = NumberLine((0, 4), length=4)"),
    "Arrow": ("manimgl", "a = Arrow(LEFT, RIGHT, thickness=3)",
              "a = Arrow(LEFT, RIGHT, stroke_width=3)"),
    "Vector": ("manimgl", "v = Vector(UP, thickness=2)", "v = Vector(UP, stroke_width=2)"),
    "Text": ("manimgl", "t = Text('a', alignment='LEFT')", "t = Text('a')"),
    "ParametricCurve": ("manimgl", "c = ParametricCurve(t_func=lambda t: [t, t, 0], t_range=(0, 1))",
                        "c = ParametricFunction(function=lambda t: [t, t, 0], t_range=(0, 1))"),
    "EPSILON": ("manimgl", "e = EPSILON", "e = 1e-8"),
    "Checkmark": ("manimgl", "c = Checkmark()\nself.add(c)", "def Checkmark("),
    "Exmark": ("manimgl", "c = Exmark()\nself.add(c)", "def Exmark("),
    "TrueDot": ("manimgl", "d = TrueDot(UP, glow_factor=2)", "d = Dot(UP)"),
    "VCube": ("manimgl", "c = VCube(side_length=2)", "c = Cube(side_length=2)"),
    "Disk3D": ("manimgl", "d = Disk3D(radius=2, resolution=(4, 4))",
               "d = Circle(radius=2, fill_opacity=1)"),
    "SurfaceMesh": ("manimgl", "m = SurfaceMesh(Sphere(), resolution=(9, 5))\nself.add(m)",
                    "class SurfaceMesh(VGroup):"),
    "DotCloud": ("manimgl", "c = DotCloud([LEFT, RIGHT], radius=0.1)\nc.make_3d()\nself.add(c)",
                 "class DotCloud(VGroup):"),
    "FlashUnder": ("manimgl", "t = Text('a')\nself.play(FlashUnder(t, run_time=2))",
                   "def FlashUnder("),
    "InteractiveScene": ("manimgl", "", "class S(Scene):"),
    "TOP": ("manimlib-old", "p = TOP", "p = config.frame_y_radius * UP"),
    "BOTTOM": ("manimlib-old", "p = BOTTOM", "p = config.frame_y_radius * DOWN"),
    "LEFT_SIDE": ("manimlib-old", "p = LEFT_SIDE", "p = config.frame_x_radius * LEFT"),
    "RIGHT_SIDE": ("manimgl", "p = RIGHT_SIDE", "p = config.frame_x_radius * RIGHT"),
    "ASPECT_RATIO": ("manimlib-old", "r = ASPECT_RATIO", "r = config.aspect_ratio"),
    "SVGPathMobject": ("manimlib-old", "m = SVGPathMobject", "m = SVGMobject"),
    "GREEN_SCREEN": ("manimlib-old", "c = GREEN_SCREEN", "c = PURE_GREEN"),
    "TracedPath": ("manimgl", "p = TracedPath(Dot().get_center, time_traced=2)",
                   "p = TracedPath(Dot().get_center, dissipating_time=2)"),
    "X_COLOR": ("manimlib-old", "c = X_COLOR", "c = GREEN_C"),
    "Y_COLOR": ("manimlib-old", "c = Y_COLOR", "c = RED_C"),
    "Z_COLOR": ("manimlib-old", "c = Z_COLOR", "c = BLUE_D"),
    # methods
    "select_part": ("manimgl", "p = Tex('a', 'b').select_part('a')",
                    "p = MathTex('a', 'b').get_part_by_tex('a')"),
    "select_parts": ("manimgl", "p = Tex('a').select_parts('a')",
                     "p = select_parts(MathTex('a'), 'a')"),
    "get_parts_by_tex": ("manimgl", "t = Tex('a + a', t2c={'a': RED})\n"
                         "p = t.get_parts_by_tex('a')", "p = select_parts(t, 'a')"),
    "get_v_line": ("manimgl", "l = Axes().get_v_line(ORIGIN)",
                   "l = Axes().get_vertical_line(ORIGIN)"),
    "get_h_line": ("manimgl", "l = Axes().get_h_line(ORIGIN)",
                   "l = Axes().get_horizontal_line(ORIGIN)"),
    "add_coordinate_labels": ("manimgl", "a = Axes().add_coordinate_labels()",
                              "a = Axes().add_coordinates()"),
    "get_area_under_graph": ("manimgl", "a = Axes()\ng = a.get_graph(np.sin)\n"
                             "r = a.get_area_under_graph(g, x_range=(0, 2))",
                             "r = a.get_area(g, x_range=(0, 2))"),
    # method templates
    "get_tangent_line": ("manimgl", "a = Axes()\ng = a.get_graph(np.sin)\n"
                         "t = a.get_tangent_line(1, g, length=3)",
                         "t = Line(a.i2gp(1 - 1e-3, g), a.i2gp(1 + 1e-3, g)).set_length(3)"),
    "get_v_line_to_graph": ("manimgl", "a = Axes()\ng = a.get_graph(np.sin)\n"
                            "v = a.get_v_line_to_graph(PI / 2, g, color=RED)",
                            "v = a.get_vertical_line(a.i2gp((PI / 2), g), color=RED)"),
    "get_h_line_to_graph": ("manimgl", "a = Axes()\ng = a.get_graph(np.sin)\n"
                            "h = a.get_h_line_to_graph(1, g)",
                            "h = a.get_horizontal_line(a.i2gp(1, g))"),
    # method keywords
    "get_graph_label": ("manimgl", "a = Axes()\ng = a.get_graph(np.sin)\n"
                        "l = a.get_graph_label(g, 'f', x=2)", "l = a.get_graph_label(g, 'f', x_val=2)"),
    "get_riemann_rectangles": ("manimgl", "a = Axes()\ng = a.get_graph(np.sin)\nr = a."
                               "get_riemann_rectangles(g, colors=(RED, BLUE), negative_color=RED)",
                               "r = a.get_riemann_rectangles(g, color=(RED, BLUE))"),
    "get_axis_labels": ("manimgl", "l = Axes().get_axis_labels(x_label_tex='t')",
                        "l = Axes().get_axis_labels(x_label='t')"),
    "get_x_axis_label": ("manimgl", "l = Axes().get_x_axis_label(label_tex='t')",
                         "l = Axes().get_x_axis_label(label='t')"),
    "get_y_axis_label": ("manimgl", "l = Axes().get_y_axis_label(label_tex='t')",
                         "l = Axes().get_y_axis_label(label='t')"),
    "fix_in_frame": ("manimgl", "t = Text('a').fix_in_frame()", "t = Text('a')\n"),
    "embed": ("manimgl", "self.embed()\nself.wait()", "    def construct(self):\n        "
              "self.wait()"),
    "rotate_in_place": ("manimlib-old", "s = Square().rotate_in_place(1)", "s = Square().rotate(1)"),
    "scale_in_place": ("manimlib-old", "s = Square().scale_in_place(2)", "s = Square().scale(2)"),
    "Rotating": ("manimlib-old", "a = Rotating(Square(), radians=PI)",
                 "a = Rotating(Square(), angle=PI)"),
    "deepcopy": ("manimlib-old", "s = Square().deepcopy()", "s = Square().copy()"),
}
# Methods of the tables that are all dropped the same way as fix_in_frame (one case above).
DROPPED = {m for d in ("manimgl", "manimlib-old") for m, new in table_for(d).methods.items()
           if not new}
# Rewrites besides the tables: (dialect, old, upgraded)
REWRITES: dict[str, tuple[str, str, str]] = {
    "TexMobject {{": ("manimlib-old", "t = TexMobject(r'x = {{1} \\over {2}}', 'y')",
                      "t = MathTex(r'x = { {1} \\over {2} }', 'y')"),
    "VGroup(*self.mobjects)": ("manimlib-old", "self.add(Dot())\nself.play(FadeOut(VGroup("
                               "*self.mobjects)))", "self.play(FadeOut(Group(*self.mobjects)))"),
    "duration <= 0": ("manimlib-old", "for i in range(3):\n    self.play(FadeIn(Dot()), "
                      "run_time=1 - i * 0.5)\n    self.wait(-i)\nself.wait(0.5)",
                      "run_time=max(1 - i * 0.5, 1 / config.frame_rate))\n            "
                      "self.wait(max(-i, 1 / config.frame_rate))\n        self.wait(0.5)"),
    "duration literal in any base": ("manimlib-old", "self.play(FadeIn(Dot()))\n"
                                     "self.wait(0x0)\nself.wait(0x10)",
                                     "self.wait(max(0x0, 1 / config.frame_rate))\n"
                                     "        self.wait(0x10)"),
    "wait <= 0 alone": ("manimlib-old", "self.wait(-1)", "self.wait(max(-1, 1 / config.frame_rate))"),
    "play(mob.method, args)": ("manimlib-old", "s = Square()\nself.play(s.shift, LEFT, "
                               "s.set_color, RED, run_time=2)",
                               "self.play(s.animate.shift(LEFT).set_color(RED), "
                               "run_time=2)"),
    "play(mob.m1, a, mob.m2, b)": ("manimlib-old", "s = Square()\nself.play(s.shift, LEFT, "
                                   "s.scale, 2, Write(Circle()))",
                                   "self.play(s.animate.shift(LEFT).scale(2), Write(Circle()))"),
    "play(mob.method, {keywords})": ("manimlib-old", "s = Square()\nself.play(s.set_stroke, "
                                     "{'opacity': 0.4}, run_time=2)",
                                     "self.play(s.animate.set_stroke(opacity=0.4), run_time=2)"),
    "ApplyMethod": ("manimlib-old", "s = Square()\nself.play(ApplyMethod(s.scale, 2, "
                    "run_time=3))", "self.play(s.animate(run_time=3).scale(2))"),
    "set_width(stretch=True)": ("manimlib-old", "s = Square().set_width(3, stretch=True)",
                                "s = Square().stretch_to_fit_width(3)"),
    "replicate": ("manimgl", "g = Dot().replicate(3)",
                  "g = VGroup(*(Dot().copy() for _ in range(3)))"),
    "FadeIn(m, shift)": ("manimgl", "d = Dot()\nself.play(FadeIn(d, UP), FadeOut(d, DOWN, 2, "
                         "run_time=2))", "self.play(FadeIn(d, shift=UP), FadeOut(d, shift=DOWN, "
                         "scale=2, run_time=2))"),
    "Group(iterable)": ("manimgl", "g = Group(Dot(p) for p in (LEFT, RIGHT))",
                        "g = Group(*(Dot(p) for p in (LEFT, RIGHT)))"),
    'text["part"]': ("manimgl", "t = Text('a b')\nt['b'].set_color(RED)\nd = {'k': 1}\n"
                     "self.add(t, Dot().shift(d['k'] * UP))",
                     "select_parts(t, 'b').set_color(RED)\n        d = {'k': 1}\n        "
                     "self.add(t, Dot().shift(d['k'] * UP))"),
    "f_always": ("manimgl", "d = Dot()\nc = Circle()\nc.f_always.set_width(d.get_width)",
                 "f_always(c.set_width, d.get_width)"),
    "tex[i] glyphs": ("manimgl", "t = Tex('x^2 + y')\nself.add(t[2:4], t['y'])",
                      "self.add(glyphs(t)[2:4], select_parts(t, 'y'))"),
    "a, b = Tex() glyphs": ("manimgl", "lp, rp = parens = Tex('()')\nself.add(lp, rp)",
                            "lp, rp = parens = glyphs(MathTex('()'))"),
    "set_depth(stretch=True)": ("manimgl", "c = Cube().set_depth(3, stretch=True)",
                                "c = Cube().stretch_to_fit_depth(3)"),
    "get_grid": ("manimgl", "g = Dot().get_grid(2, 3, height=2)",
                 "g = VGroup(*(Dot().copy() for _ in range((2) * (3)))).arrange_in_grid(2, 3)"
                 ".set_height(2)"),
    "self.frame": ("manimgl", "self.play(self.frame.animate.scale(2))",
                   "self.play(self.camera.frame.animate.scale(2))"),
    "self.camera.frame": ("manimgl", "self.camera.frame.scale(2)", "class S(MovingCameraScene):"),
    "manimlib.typing alias": ("manimgl", "v: Vect3 = UP\nself.add(Dot(v))",
                              "from typing import Any as Vect3\n"),
    "3D frame -> ThreeDScene": ("manimgl", "self.frame.reorient(20, 70)", "class S(ThreeDScene):"),
    "frame.reorient": ("manimgl", "frame = self.frame\nframe.reorient(20, 70, center=OUT)",
                       "        self.set_camera_orientation(theta=(20 - 90) * DEGREES, "
                       "phi=70 * DEGREES, frame_center=OUT)\n"),
    "frame.set_euler_angles": ("manimgl", "self.frame.set_euler_angles(phi=PI / 3)",
                               "self.set_camera_orientation(phi=PI / 3)"),
    "play(frame.animate...)": ("manimgl", "d = Dot()\nself.play(FadeIn(d), self.frame.animate"
                               ".reorient(0, 45).set_height(10), run_time=3)",
                               "self.move_camera(theta=(0 - 90) * DEGREES, phi=45 * DEGREES, "
                               "zoom=config.frame_height / 10, added_anims=[FadeIn(d)], "
                               "run_time=3)"),
    "frame increment_theta updater": ("manimgl", "self.frame.reorient(0, 60)\nself.frame."
                                      "add_updater(lambda f, dt: f.increment_theta(-0.1 * dt))"
                                      "\nself.wait()\nself.frame.clear_updaters()",
                                      "self.begin_ambient_camera_rotation(rate=-0.1, "
                                      "about=\"theta\")\n        self.wait()\n        "
                                      "self.stop_ambient_camera_rotation()"),
    "frame.add_ambient_rotation": ("manimgl", "self.frame.add_ambient_rotation(2 * DEGREES)",
                                   "self.begin_ambient_camera_rotation(rate=2 * DEGREES)"),
}


def _upgrade(tmp: Path, dialect: str, body: str, extra: str = "") -> manimflat.FlatResult:
    lines = "\n".join("        " + line for line in (body or "pass").splitlines())
    base = "InteractiveScene" if dialect == "manimgl" else "Scene"
    code = f"{HEADERS[dialect]}\n{extra}\n\nclass S({base}):\n    def construct(self):\n{lines}\n"
    repo = write_repo(tmp, {"scene.py": code})
    return manimflat.flatten(repo, "S", root=str(repo), passes=PIPELINE)


@pytest.mark.parametrize("entry", sorted({**CASES, **REWRITES}))
def test_entry(tmp_path: Path, entry: str) -> None:
    dialect, old, new = {**CASES, **REWRITES}[entry]
    result = _upgrade(tmp_path, dialect, old)
    assert result.ok, [d.message for d in result.diagnostics if d.is_error]
    assert result.code is not None and new in result.code, result.code
    assert result.code.startswith("from manim import *\n")
    assert "manimlib" not in result.code
    assert "MF230" in codes(result)


def test_every_table_entry_has_a_case() -> None:
    for dialect in ("manimgl", "manimlib-old"):
        table = table_for(dialect)
        assert table is not None
        names = {n for n, r in table.names.items() if r.note != "shim"}
        assert names <= set(CASES), names - set(CASES)
        methods = {m for m, new in table.methods.items() if new} | set(table.method_keywords) \
            | set(table.method_templates)
        assert methods <= set(CASES), methods - set(CASES)


@pytest.mark.parametrize("method", sorted(DROPPED))
def test_dropped_calls_become_their_receiver_with_a_warning(tmp_path: Path, method: str) -> None:
    result = _upgrade(tmp_path, "manimgl", f"s = Square().{method}()\nself.add(s)")
    assert result.ok and result.code is not None
    assert "s = Square()\n" in result.code and f".{method}(" not in result.code
    assert "MF233" in codes(result)


def test_config_becomes_class_attributes_merged_along_the_mro(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": dedent("""
        from manimlib.imports import *

        class Base(Scene):
            CONFIG = {"side": 2, "style": {"color": RED, "width": 4}}

        class S(Base):
            CONFIG = {"style": {"width": 8}}

            def construct(self):
                self.add(Square(self.side, color=self.style["color"]))
        """)})
    result = manimflat.flatten(repo, "S", root=str(repo), passes=PIPELINE)
    assert result.ok and result.code is not None
    assert "class Base(Scene):\n    side = 2\n    style = {\"color\": RED, \"width\": 4}\n" \
        in result.code
    assert "class S(Base):\n    style = {**Base.style, \"width\": 8}\n" in result.code
    assert "CONFIG" not in result.code  # a scene keeps no CONFIG: nothing digests it


def test_digest_config_after_the_base_init_moves_first(tmp_path: Path) -> None:
    """ManimGL's CONFIG-era Mobject digested the keywords itself: CE's base must not see
    `theta=`, so the repository's own late `digest_config` call moves to the top."""
    extra = dedent("""
        class Bob(VMobject):
            CONFIG = {"theta": 0}

            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                digest_config(self, kwargs)
                self.add(Dot(RIGHT * self.theta))
        """)
    result = _upgrade(tmp_path, "manimgl", "self.add(Bob(theta=2))", extra)
    assert result.ok and result.code is not None
    assert "        digest_config(self, kwargs)\n        super().__init__(**kwargs)\n" \
        "        self.add(" in result.code


def test_unsupported_name_is_an_error_naming_it(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, "manimgl", "c = VFadeInThenOut(Dot())\nself.play(c)")
    errors = [d for d in result.diagnostics if d.is_error]
    assert errors and errors[0].code == "MF231" and "`VFadeInThenOut`" in errors[0].message
    assert result.status == "failed"


def test_unknown_name_is_an_error_not_a_half_upgrade(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, "manimgl", "c = ShaderWobble()\nself.add(c)")
    assert any(d.code == "MF231" and "`ShaderWobble`" in d.message for d in result.diagnostics)
    assert result.status == "failed"


def test_3d_frame_use_a_threedscene_cannot_follow_is_an_error(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, "manimgl", "frame = self.frame\nframe.reorient(20, 70)\n"
                      "self.add(Dot().move_to(frame.get_center()))")
    assert any(d.code == "MF232" and "`frame`" in d.message for d in result.diagnostics)
    assert result.status == "failed"


def test_oldtex_split_parts_indexed_is_an_error_naming_it(tmp_path: Path) -> None:
    """ManimGL's OldTex splits at each tex_to_color_map key; Manim CE's MathTex does not, so
    an index into those parts has no Manim CE meaning; one without the split keeps it."""
    result = _upgrade(tmp_path, "manimgl", "t = OldTex('e^{it}', tex_to_color_map={'i': RED})\n"
                      "u = OldTex('a', 'b')\nself.add(t[2:], u[1])")
    errors = [d for d in result.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["MF232"] and "`t[2:]`" in errors[0].message
    assert result.status == "failed"


def test_characters_become_stand_ins(tmp_path: Path) -> None:
    result = _upgrade(tmp_path, "manimlib-old",
                      "r = Randolph(height=2).to_corner(DL)\nr.change('happy')\n"
                      "self.play(r.says('hi'))")
    assert result.ok, [d.message for d in result.diagnostics if d.is_error]
    assert result.code is not None
    assert "class Randolph(PiCreature):" in result.code and "def stick_figure(" in result.code


def test_no_upgrade_skips_with_mf105(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": "from manimlib import *\n\nclass S(Scene):\n"
                                              "    def construct(self):\n        pass\n"})
    result = manimflat.flatten(repo, "S", root=str(repo), upgrade=False)
    assert result.status == "skipped" and codes(result) == ["MF105"]


def test_ce_scene_is_untouched(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": "from manim import *\n\nclass S(Scene):\n"
                                              "    CONFIG = {'a': 1}\n"
                                              "    def construct(self):\n        pass\n"})
    result = manimflat.flatten(repo, "S", root=str(repo), passes=PIPELINE)
    assert result.code is not None and "CONFIG = {'a': 1}" in result.code
    assert "MF230" not in codes(result)


# Framed: a base class of custom/ star-imported before a module that star-imports manimlib
GOLDEN = [("manimgl_repo", "Intro"), ("manimgl_repo", "Framed"), ("manimgl_repo", "Orbit"),
          ("manimgl_repo", "Solids"), ("manimgl_repo", "Ask"), ("manimgl_repo", "Graph"),
          ("manimgl_repo", "Sel"), ("manimgl_repo", "Glyphs"),
          ("manimlib_old_repo", "Shapes"),
          ("manimlib_old_repo", "Parabola"), ("manimlib_old_repo", "Countdown"),
          ("manimlib_old_repo", "Law")]


@pytest.mark.parametrize(("repo", "scene"), GOLDEN)
def test_fixture_repo_matches_golden(repo: str, scene: str) -> None:
    root = FIXTURES / repo
    result = manimflat.flatten(root, f"scene.py:{scene}", root=str(root))
    assert result.status in ("ok", "fixed"), [d.message for d in result.diagnostics if d.is_error]
    assert result.code == (FIXTURES / "golden" / f"{scene}.py").read_text()
    row = result.to_json()
    assert row["source_dialect"] == ("manimgl" if repo == "manimgl_repo" else "manimlib-old")


@pytest.mark.render
@pytest.mark.parametrize(("repo", "scene"), GOLDEN)
def test_upgraded_fixture_renders_with_manim_ce(tmp_path: Path, repo: str, scene: str) -> None:
    from manimflat.verify.render import render_last_frame

    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "flat.py").write_text((FIXTURES / "golden" / f"{scene}.py").read_text())
    frame = render_last_frame(alone / "flat.py", scene, cwd=alone, out_dir=tmp_path / "out",
                              timeout=240)
    assert frame.ok and frame.png, frame.error


def _shapes(png: Path, background: tuple[int, int, int]) -> list[tuple[float, float]]:
    """Centres of the drawn objects, in frame units: connected regions of non-background."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    drawn = np.abs(pixels - np.array(background)).sum(axis=2) > 60
    labels, n = ndimage.label(ndimage.binary_dilation(drawn, iterations=3))
    h, w = drawn.shape
    centres = []
    for box in ndimage.find_objects(labels):
        ys, xs = box
        if (ys.stop - ys.start) * (xs.stop - xs.start) < 50:
            continue
        centres.append((((xs.start + xs.stop) / 2 / w - 0.5) * 14.222,
                        (0.5 - (ys.start + ys.stop) / 2 / h) * 8.0))
    return sorted(centres)


# ManimGL scenes whose last frame the upgraded file must match: (scene, source, objects)
GL_SCENES = {
    "Shapes": (dedent("""
        from manimlib import *

        class Shapes(Scene):
            def construct(self):
                c = Circle(radius=1.5).set_stroke(BLUE, 4).shift(LEFT * 3)
                s = Square(side_length=2).set_stroke(RED, 4).shift(RIGHT * 3)
                self.play(ShowCreation(c), ShowCreation(s))
                self.play(s.animate.shift(UP))
        """), 2),
    # the 3D camera frame as ThreeDScene's camera: ManimGL's theta is CE's + 90 degrees
    "Tilted": (dedent("""
        from manimlib import *

        class Tilted(InteractiveScene):
            def construct(self):
                self.frame.reorient(30, 60)
                for point, color in ((3 * RIGHT, RED), (3 * UP, GREEN), (2 * OUT, BLUE)):
                    self.add(Sphere(radius=0.3).set_color(color).move_to(point))
                self.wait()
        """), 3),
}


@pytest.mark.render
@pytest.mark.skipif(not os.environ.get("MANIMFLAT_MANIMGL"),
                    reason="set MANIMFLAT_MANIMGL to a ManimGL venv's manimgl, run under Xvfb")
@pytest.mark.parametrize("scene", sorted(GL_SCENES))
def test_manimgl_and_upgraded_ce_last_frames_agree(tmp_path: Path, scene: str) -> None:
    """The same objects in the same places (within 0.3 units): ManimGL renders the original
    under Xvfb with Mesa's llvmpipe, Manim CE the upgraded file."""
    from manimflat.verify.render import render_last_frame

    source, objects = GL_SCENES[scene]
    repo = write_repo(tmp_path / "repo", {"scene.py": source})
    subprocess.run([os.environ["MANIMFLAT_MANIMGL"], "scene.py", scene, "-s", "-w", "-l"],
                   cwd=repo, check=True, timeout=600, capture_output=True)
    gl_png = next(repo.rglob(f"{scene}.png"))
    result = manimflat.flatten(repo, scene, root=str(repo))
    assert result.code is not None
    (tmp_path / "flat.py").write_text(result.code)
    ce = render_last_frame(tmp_path / "flat.py", scene, cwd=tmp_path,
                           out_dir=tmp_path / "out", timeout=240)
    assert ce.ok and ce.png, ce.error
    gl_shapes, ce_shapes = _shapes(gl_png, (0x33, 0x33, 0x33)), _shapes(ce.png, (0, 0, 0))
    assert len(gl_shapes) == len(ce_shapes) == objects
    for (gx, gy), (cx, cy) in zip(gl_shapes, ce_shapes, strict=True):
        assert abs(gx - cx) < 0.3 and abs(gy - cy) < 0.3
