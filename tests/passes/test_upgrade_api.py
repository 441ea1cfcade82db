"""upgrade-api: every entry of the table, the colour API, and the pass on a repository.

Each table entry has a case: old code in, today's code out (the replacement the Manim CE
changelog names). The render tests run the upgraded output with the real manim and compare
its last frame with the same scene written by hand with today's API.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import CORE, codes, dedent, write_repo

import manimflat
from manimflat.diagnostics import Severity
from manimflat.passes import upgrade_api
from manimflat.passes.upgrade_api import METHOD_KEYWORDS, METHODS, NAMES, upgrade_code

PIPELINE = [*CORE[:2], "upgrade-api", *CORE[2:]]

# old code, upgraded code; the first name of each case is the table entry it tests
CASES: dict[str, tuple[str, str]] = {
    "ShowCreation": ("self.play(ShowCreation(sq))", "self.play(Create(sq))"),
    "TextMobject": ("t = TextMobject('a', color=RED)", "t = Tex('a', color=RED)"),
    "TexMobject": ("t = TexMobject('x^2')", "t = MathTex('x^2')"),
    "TexText": ("t = TexText('hi')", "t = Tex('hi')"),
    "ParametricSurface": (("s = ParametricSurface(f, u_min=-PI, u_max=PI, v_max=TAU, "
                          "resolution=8)"),
                          "s = Surface(f, resolution=8, u_range=[-PI, PI], v_range=[0, TAU])"),
    "WiggleOutThenIn": ("a = WiggleOutThenIn(m)", "a = Wiggle(m)"),
    "VFadeIn": ("a = VFadeIn(m)", "a = FadeIn(m)"),
    "VFadeOut": ("a = VFadeOut(m)", "a = FadeOut(m)"),
    "FadeInFrom": ("a, b = FadeInFrom(m, LEFT), FadeInFrom(m, direction=a + b)",
                   "a, b = FadeIn(m, shift=-LEFT), FadeIn(m, shift=-(a + b))"),
    "FadeInFromDown": ("a = FadeInFromDown(m, run_time=2)",
                       "a = FadeIn(m, run_time=2, shift=UP)"),
    "FadeOutAndShift": ("a, b = FadeOutAndShift(m), FadeOutAndShift(m, RIGHT)",
                        "a, b = FadeOut(m, shift=DOWN), FadeOut(m, shift=RIGHT)"),
    "FadeOutAndShiftDown": ("a = FadeOutAndShiftDown(m)", "a = FadeOut(m, shift=DOWN)"),
    "FadeInFromLarge": ("a, b = FadeInFromLarge(m), FadeInFromLarge(m, scale_factor=3)",
                        "a, b = FadeIn(m, scale=2), FadeIn(m, scale=3)"),
    "FadeInFromPoint": ("a = FadeInFromPoint(m, ORIGIN)",
                        "a = FadeIn(m, target_position=ORIGIN, scale=0)"),
    "FadeOutToPoint": ("a = FadeOutToPoint(m, UP)", "a = FadeOut(m, target_position=UP)"),
    "ShowCreationThenDestruction": ("a = ShowCreationThenDestruction(m)",
                                    "a = ShowPassingFlash(m, time_width=2.0)"),
    "ShowCreationThenDestructionAround": ("a = ShowCreationThenDestructionAround(m)",
                                          "a = Circumscribe(m, time_width=2.0)"),
    "ShowCreationThenFadeAround": ("a = ShowCreationThenFadeAround(m, color=RED)",
                                   "a = Circumscribe(m, color=RED, fade_out=True)"),
    "ShowPassingFlashAround": ("a = ShowPassingFlashAround(m)",
                               "a = Circumscribe(m, time_width=0.1)"),
    "CircleIndicate": ("a = CircleIndicate(m)", "a = Circumscribe(m, shape=Circle)"),
    "ShowCreationThenFadeOut": ("a = ShowCreationThenFadeOut(self.box, run_time=2)",
                                ("a = Succession(Create(self.box), FadeOut(self.box), "
                                "run_time=2)")),
    "SmallDot": ("d = SmallDot(color=RED)",
                 "d = Dot(color=RED, radius=DEFAULT_SMALL_DOT_RADIUS)"),
    "FullScreenFadeRectangle": ("r = FullScreenFadeRectangle(fill_opacity=1)",
                                ("r = FullScreenRectangle(fill_opacity=1, stroke_width=0, "
                                "fill_color=BLACK)")),
    "get_norm": ("n = get_norm(v)", "n = np.linalg.norm(v)"),
    "angle_between": ("a = angle_between(u, v)", "a = angle_between_vectors(u, v)"),
    "GREEN_SCREEN": ("c = GREEN_SCREEN", "c = PURE_GREEN"),
    "FRAME_WIDTH": ("w = FRAME_WIDTH / 2", "w = config.frame_width / 2"),
    "FRAME_HEIGHT": ("h = FRAME_HEIGHT", "h = config.frame_height"),
    "FRAME_X_RADIUS": ("x = FRAME_X_RADIUS", "x = config.frame_x_radius"),
    "FRAME_Y_RADIUS": ("y = FRAME_Y_RADIUS", "y = config.frame_y_radius"),
    "DEG": ("a = 30 * DEG", "a = 30 * DEGREES"),
    "get_graph": ("g = ax.get_graph(f, color=RED)", "g = ax.plot(f, color=RED)"),
    "get_implicit_curve": ("g = ax.get_implicit_curve(f)", "g = ax.plot_implicit_curve(f)"),
    "get_parametric_curve": ("g = ax.get_parametric_curve(f)",
                             "g = ax.plot_parametric_curve(f)"),
    "get_derivative_graph": ("g = ax.get_derivative_graph(g0)",
                             "g = ax.plot_derivative_graph(g0)"),
    "get_line_graph": ("g = ax.get_line_graph(xs, ys)", "g = ax.plot_line_graph(xs, ys)"),
    "rotate_in_place": ("m.rotate_in_place(PI)", "m.rotate(PI)"),
    "scale_in_place": ("m.scale_in_place(2)", "m.scale(2)"),
    "stretch_in_place": ("m.stretch_in_place(2, 0)", "m.stretch(2, 0)"),
    "scale_about_point": ("m.scale_about_point(2, ORIGIN)", "m.scale(2, about_point=ORIGIN)"),
    "get_center_point": ("p = m.get_center_point()", "p = m.get_center()"),
    "set_camera_orientation": ("self.set_camera_orientation(phi=1, distance=8)",
                               "self.set_camera_orientation(phi=1, focal_distance=8)"),
    "move_camera": ("self.move_camera(distance=8, run_time=2)",
                    "self.move_camera(focal_distance=8, run_time=2)"),
    "next_section": ("self.next_section('a', type=PresentationSectionType.NORMAL)",
                     "self.next_section('a', section_type=PresentationSectionType.NORMAL)"),
    "from_hex": ("c = ManimColor.from_hex(hex=h)", "c = ManimColor.from_hex(hex_str=h)"),
    "align_to": ("m.align_to(n, LEFT, alignment_vect=UP)", "m.align_to(n, LEFT)"),
}

RANGE_CASES: list[tuple[str, str]] = [
    ("a = Axes(x_min=0, x_max=10, y_min=-1, y_max=1, color=RED)",
     "a = Axes(color=RED, x_range=[0, 10], x_length=10, y_range=[-1, 1], y_length=2)"),
    ("a = Axes(x_min=-a, x_max=PI)", "a = Axes(x_range=[-a, PI], x_length=PI - (-a))"),
    ("a = NumberPlane(x_max=4, x_length=6)",
     "a = NumberPlane(x_length=6, x_range=[-config.frame_x_radius, 4])"),
    ("a = ThreeDAxes(z_min=-2, z_max=2)", "a = ThreeDAxes(z_range=[-2, 2], z_length=4)"),
    ("n = NumberLine(x_min=-3, x_max=3)", "n = NumberLine(x_range=[-3, 3])"),
    ("c = ParametricFunction(f, t_min=0, t_max=TAU)",
     "c = ParametricFunction(f, t_range=[0, TAU])"),
    ("a = Axes(x_range=[0, 5])", "a = Axes(x_range=[0, 5])"),  # already today's API
]


@pytest.mark.parametrize(("old", "new"), RANGE_CASES)
def test_bounds_became_ranges(old: str, new: str) -> None:
    fixed, _ = upgrade_code(f"from manim import *\n{old}\n", frozenset())
    assert fixed == f"from manim import *\n{new}\n"


def test_own_axes_class_keeps_its_keywords() -> None:
    code = "class Axes:\n    def __init__(self, x_min=0): ...\na = Axes(x_min=1)\n"
    assert upgrade_code(code, frozenset()) == (code, [])


COLOUR_CASES: list[tuple[str, str]] = [
    ("c = Color('red')", 'c = ManimColor("#FF0000")'),  # CSS red, not manim's RED
    ("c = Color(RED)", "c = ManimColor(RED)"),
    ("c = Color()", 'c = ManimColor("#000000")'),
    ("c = Color(hex='#123456')", "c = ManimColor('#123456')"),
    ("c = Color(rgb=(1, 0, 0.5))", "c = ManimColor((1.0, 0.0, 0.5))"),
    ("c = Color(rgb=v)", "c = ManimColor(tuple(map(float, v)))"),
    ("c = Color(hsl=(0.5, 1, 0.5))", "c = ManimColor.from_hsl((0.5, 1, 0.5))"),
    ("c = Color(hue=h, saturation=1, luminance=0.5)",
     "c = ManimColor.from_hsl((h, 1, 0.5))"),
    ("s = m.get_color().get_hex()", "s = m.get_color().to_hex().lower()"),
    ("s = c.get_hex_l()", "s = c.to_hex().lower()"),
    ("t = c.get_rgb()", "t = tuple(c.to_rgb())"),
    ("t = c.get_luminance()", "t = c.to_hsl()[2]"),
    ("c = Color('#abcdef')\ns = c.hex_l + c.hex\nt = c.rgb",
     ("c = ManimColor('#abcdef')\ns = c.to_hex().lower() + c.to_hex().lower()\n"
     "t = tuple(c.to_rgb())")),
    ("h = colors[0].hex\nr = x.red", "h = colors[0].to_hex().lower()\nr = x.red"),
    ("c.hex = '#000000'", "c.hex = '#000000'"),  # colour's setter: left alone
    ("ok = isinstance(c, Color)", "ok = isinstance(c, ManimColor)"),
    ("cs = list(Color('blue').range_to(Color('red'), 5))",
     'cs = list(color_gradient([ManimColor("#0000FF"), ManimColor("#FF0000")], 5))'),
]


def test_every_table_entry_has_a_case_and_is_documented() -> None:
    assert set(CASES) == set(NAMES) | set(METHODS)
    doc = upgrade_api.__doc__ or ""
    for name in CASES:
        assert f"`{name}" in doc or f"`.{name}(" in doc, name
    for method, keywords in METHOD_KEYWORDS.items():
        assert all(f"{method}({k}=" in doc for k in keywords), method


@pytest.mark.parametrize("name", sorted(CASES))
def test_table_entry(name: str) -> None:
    old, new = CASES[name]
    fixed, fixes = upgrade_code(f"from manim import *\n{old}\n", frozenset({name}))
    assert fixed == f"from manim import *\n{new}\n"
    assert fixes and {(f.code, f.severity) for f in fixes} == {("MF413", Severity.FIXED)}


@pytest.mark.parametrize(("old", "new"), COLOUR_CASES)
def test_colour_becomes_manim_color(old: str, new: str) -> None:
    fixed, _ = upgrade_code(f"from manim import *\nfrom colour import Color\n{old}\n",
                            frozenset())
    assert fixed == f"from manim import *\n{new}\n"


def test_colour_module_attribute() -> None:
    fixed, _ = upgrade_code("import colour\nc = colour.Color('#ff0000')\n", frozenset())
    assert fixed == "c = ManimColor('#ff0000')\n"


def test_defined_names_and_methods_are_left_alone() -> None:
    code = ("def get_graph(f): ...\nclass A:\n    def ShowCreation(self): ...\n"
            "g = ax.get_graph(f)\nobj.ShowCreation(x, ShowCreation=1)\nfoo(ShowCreation)\n")
    assert upgrade_code(code, frozenset()) == (code, [])  # ShowCreation is defined here
    fixed, _ = upgrade_code(code, frozenset({"ShowCreation"}))
    assert fixed == code.replace("foo(ShowCreation)", "foo(Create)")


def test_what_cannot_be_rewritten_is_an_error_that_says_what_to_write() -> None:
    code = ("a = ShowCreationThenFadeOut(SurroundingRectangle(t))\n"
            "b = FadeInFromPoint(m)\nc = m.scale_about_point(2)\n")
    fixed, fixes = upgrade_code(code, frozenset({"ShowCreationThenFadeOut",
                                                 "FadeInFromPoint"}))
    assert fixed == code
    assert [(f.code, f.severity, f.line) for f in fixes] == [
        ("MF212", Severity.ERROR, 1), ("MF212", Severity.ERROR, 2), ("MF212", Severity.ERROR, 3)]
    assert "`Succession(...)`" in fixes[0].message


def test_pass_rewrites_links_and_drops_the_colour_import(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {
        "palette.py": '''
            from colour import Color

            ACCENT = Color("orange")
        ''',
        "scene.py": '''
            from manim import *
            from palette import ACCENT

            class Old(Scene):
                def construct(self):
                    t = TextMobject("hi", color=ACCENT.get_hex())
                    self.play(ShowCreation(t))
        '''})
    result = manimflat.flatten(repo, "Old", passes=PIPELINE)
    assert result.code == dedent('''
        from manim import *

        ACCENT = ManimColor("#FFA500")


        class Old(Scene):
            def construct(self):
                t = Tex("hi", color=ACCENT.to_hex().lower())
                self.play(Create(t))
    ''')
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [
        ("MF413", "palette.py", 3), ("MF413", "scene.py", 6), ("MF413", "scene.py", 6),
        ("MF413", "scene.py", 7)]
    assert result.status == "unverified"  # fixed, though this pipeline stops before verify-static


def test_string_annotations_name_manim_color(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": '''
        from colour import Color
        from manim import *

        def ring(color: "Color" = RED, others: list["Color"] = []) -> Circle:
            return Circle(color=color)

        class Ring(Scene):
            def construct(self):
                self.add(ring())
    '''})
    result = manimflat.flatten(repo, "Ring", passes=PIPELINE)
    assert result.code is not None and "colour" not in result.code
    assert 'def ring(color: "ManimColor" = RED, others: list["ManimColor"] = []) -> Circle:' \
        in result.code


def test_a_repository_definition_of_the_name_is_kept(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": '''
        from manim import *

        def ShowCreation(m):
            return FadeIn(m)

        class Own(Scene):
            def construct(self):
                self.play(ShowCreation(Dot()))
    '''})
    result = manimflat.flatten(repo, "Own", passes=PIPELINE)
    assert result.code is not None and "ShowCreation(Dot())" in result.code
    assert codes(result) == []


def test_without_a_star_import_of_manim_a_missing_name_stays_an_error(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": '''
        from manim import Scene

        class Bare(Scene):
            def construct(self):
                self.play(ShowCreation(x))
    '''})
    result = manimflat.flatten(repo, "Bare", passes=PIPELINE)
    assert "MF103" in codes(result) and not result.ok


@pytest.mark.parametrize("name", sorted(upgrade_api.NOT_UPGRADABLE))
def test_a_removed_name_with_no_upgrade_says_what_replaces_it(tmp_path: Path, name: str) -> None:
    repo = write_repo(tmp_path, {"scene.py": f'''
        from manim import *

        class Old(Scene):
            def construct(self):
                self.add({name}())
    '''})
    result = manimflat.flatten(repo, "Old", passes=PIPELINE)
    [error] = [d for d in result.diagnostics if d.is_error]
    assert (error.code, error.path, error.line) == ("MF212", "scene.py", 3)  # the class
    assert name in error.message and upgrade_api.NOT_UPGRADABLE[name] in error.message
    assert result.status not in ("ok", "fixed")


def test_scipy_names_scipy_removed_move_and_a_call_it_cannot_reorder_is_an_error(
        tmp_path: Path) -> None:
    """scipy's table (`MOVED`; rendered against the author's scipy in
    fixtures/author_env/scipy_removed): local imports move too; a call whose arguments
    cannot be put in sph_harm_y's order is an error naming the new order."""
    repo = write_repo(tmp_path, {"scene.py": '''
        from manim import *
        from scipy.special import sph_harm

        def size(x):
            from scipy import sqrt, pi
            return sqrt(x) * pi

        class Old(Scene):
            def construct(self):
                self.add(Circle(radius=size(2) + abs(sph_harm(0, 1, theta=0.2, phi=0.3))))
    '''})
    result = manimflat.flatten(repo, "Old")
    assert result.code is not None and "from numpy import sqrt, pi" in result.code
    [error] = [d for d in result.diagnostics if d.is_error]
    assert (error.code, error.line) == ("MF212", 10)
    assert "sph_harm_y(n, m, polar, azimuth)" in error.message
    assert not result.ok


# -- the fixture, and rendering it with the real manim ----------------------------------------

def test_fixture_matches_its_golden_output() -> None:
    result = manimflat.flatten(FIXTURE / "repos" / "removed_api", "Drift")
    golden = FIXTURE / "golden" / "removed_api" / "Drift.py"
    assert result.code == golden.read_text(encoding="utf-8")
    assert result.status == "fixed" and set(codes(result)) == {"MF413"}


FIXTURE = Path(__file__).resolve().parents[2] / "fixtures"
TODAY_SCENE = '''
    from manim import *

    class Drift(Scene):
        def construct(self):
            sq = Square(color="#fc6255").shift(LEFT * config.frame_x_radius / 2)
            label = MathTex("x^2").next_to(sq, UP)
            words = Tex("old").next_to(sq, DOWN)
            dot = Dot(color="#FF0000", radius=DEFAULT_SMALL_DOT_RADIUS).shift(RIGHT)
            self.play(Create(sq), FadeIn(label, shift=UP), FadeIn(words, shift=-LEFT))
            self.play(Succession(Create(dot), FadeOut(dot)), Wiggle(sq))
'''


@pytest.mark.render
def test_upgraded_scene_renders_like_todays_api(tmp_path: Path) -> None:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    from manimflat.verify.render import compare_frames, render_last_frame

    result = manimflat.flatten(FIXTURE / "repos" / "removed_api", "Drift", verify="static")
    assert result.ok and result.code is not None and "from colour" not in result.code
    pngs = []
    for name, code in (("flat", result.code), ("today", dedent(TODAY_SCENE))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "scene.py").write_text(code, encoding="utf-8")
        frame = render_last_frame(folder / "scene.py", "Drift", cwd=folder,
                                  out_dir=folder / "media", timeout=240)
        assert frame.ok and frame.png, frame.error
        pngs.append(frame.png)
    diff = compare_frames(*pngs)
    assert diff.identical, diff


# -- TeX the author's Manim CE compiled and today's does not ----------------------------------

OLD_TEX = '''
    from manim import *

    class OldTex(Scene):
        def construct(self):
            k = 3
            self.add(MathTex("\\\\Delta^", "2", "f(x) =", f"c_", f"{k}").shift(UP))
            self.add(Tex("\\\\justifying{Bal} $\\\\abs{x}$").shift(DOWN))
'''
# What the old Manim CE drew: the parts joined by spaces, compiled once; ragged2e and physics
# were in its default template.
AUTHORS_PICTURE = '''
    from manim import *

    class OldTex(Scene):
        def construct(self):
            template = TexTemplate()
            template.add_to_preamble("\\\\usepackage{physics}\\n\\\\usepackage{ragged2e}")
            self.add(MathTex("\\\\Delta^ 2 f(x) = c_ 3").shift(UP))
            self.add(Tex("\\\\justifying{Bal} $\\\\abs{x}$", tex_template=template).shift(DOWN))
'''


def test_tex_the_old_manim_compiled_is_repaired(tmp_path: Path) -> None:
    result = manimflat.flatten(write_repo(tmp_path, {"scene.py": OLD_TEX}), "OldTex")
    assert result.status == "fixed" and result.code is not None
    assert 'MathTex("\\\\Delta", "^2", "f(x) =", f"c", f"_{k}")' in result.code
    assert result.code.index('add_to_preamble(r"\\usepackage{physics}")') < \
        result.code.index('add_to_preamble(r"\\usepackage{ragged2e}")') < \
        result.code.index("class OldTex")
    fixes = [d.message for d in result.diagnostics if d.code == "MF413"]
    assert len(fixes) == 3 and "#4515" in fixes[0] and "ragged2e" in fixes[2]


@pytest.mark.render
def test_repaired_tex_renders_the_picture_the_old_manim_drew(tmp_path: Path) -> None:
    from manimflat.verify.render import compare_frames, render_last_frame

    result = manimflat.flatten(write_repo(tmp_path / "repo", {"scene.py": OLD_TEX}), "OldTex")
    assert result.code is not None
    frames = {}
    for name, code in (("original", dedent(OLD_TEX)), ("flat", result.code),
                       ("author", dedent(AUTHORS_PICTURE))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "scene.py").write_text(code, encoding="utf-8")
        frames[name] = render_last_frame(folder / "scene.py", "OldTex", cwd=folder,
                                         out_dir=folder / "media", timeout=240)
    assert not frames["original"].ok and "latex error" in (frames["original"].error or "")
    assert frames["flat"].png and frames["author"].png, frames["flat"].error
    assert compare_frames(frames["flat"].png, frames["author"].png).identical


ISOLATED_SCRIPT = '''
    from manim import *

    COLORS = {"F_": PURPLE, "n": RED}

    class Isolated(Scene):
        def construct(self):
            self.add(MathTex("F_{n} = F_{n-1} + F_{n-2}", tex_to_color_map=COLORS))
'''


def test_isolating_a_substring_that_ends_in_a_script_sign_is_an_error(tmp_path: Path) -> None:
    result = manimflat.flatten(write_repo(tmp_path, {"scene.py": ISOLATED_SCRIPT}), "Isolated")
    [error] = [d for d in result.diagnostics if d.is_error]
    assert (error.code, error.line) == ("MF130", 7) and "'F_'" in error.message
    assert "tex_to_color_map COLORS" in error.message and not result.ok


@pytest.mark.render
def test_the_isolated_script_sign_fails_on_todays_manim(tmp_path: Path) -> None:
    """What MF130 says: the original does not render here."""
    from manimflat.verify.render import render_last_frame

    (tmp_path / "scene.py").write_text(dedent(ISOLATED_SCRIPT), encoding="utf-8")
    frame = render_last_frame(tmp_path / "scene.py", "Isolated", cwd=tmp_path,
                              out_dir=tmp_path / "media", timeout=240)
    assert not frame.ok and "latex error" in (frame.error or "")


OLD_BAR_CHART = '''
    from manim import *

    class MyChart(BarChart):
        def __init__(self, values, height=4, max_value=1, **kwargs):
            super().__init__(values, height=height, max_value=max_value, **kwargs)

    class Bars(Scene):
        def construct(self):
            self.add(MyChart([0.2, 0.5], height=3))
'''


def test_a_subclass_of_the_pre_v015_bar_chart_is_an_error(tmp_path: Path) -> None:
    result = manimflat.flatten(write_repo(tmp_path, {"scene.py": OLD_BAR_CHART}), "Bars")
    [error] = [d for d in result.diagnostics if d.is_error]
    assert (error.code, error.line) == ("MF131", 5)
    assert "height=, max_value=" in error.message and "rewrite MyChart" in error.message


@pytest.mark.render
def test_the_pre_v015_bar_chart_fails_on_todays_manim(tmp_path: Path) -> None:
    """What MF131 says: the original does not render here."""
    from manimflat.verify.render import render_last_frame

    (tmp_path / "scene.py").write_text(dedent(OLD_BAR_CHART), encoding="utf-8")
    frame = render_last_frame(tmp_path / "scene.py", "Bars", cwd=tmp_path,
                              out_dir=tmp_path / "media", timeout=240)
    assert not frame.ok and "unexpected keyword argument 'height'" in (frame.error or "")


# -- Manim CE's GraphScene, removed in v0.12.0 ------------------------------------------------

# What the old GraphScene drew for fixtures/repos/removed_api/graph.py, in today's API: axes of
# x in [0, 4] over 6 units and y in [0, 2] over 3, grey, no tips, their origin at 2 DOWN +
# 3 LEFT, the graph sampled every 0.1.
TODAY_GRAPH = '''
    from manim import *

    class OldGraph(Scene):
        def construct(self):
            axes = Axes(x_range=[0, 4, 1], y_range=[0, 2, 1], x_length=6, y_length=3,
                        axis_config={"color": GREY, "include_tip": False})
            axes.shift(2 * DOWN + 3 * LEFT - axes.c2p(0, 0))
            graph = axes.plot(lambda x: x / 2, x_range=[0, 4, 0.1], color=RED)
            self.add(axes, graph, Dot(axes.c2p(2, 1)))
'''


def test_graph_scene_becomes_a_definition_of_the_output() -> None:
    result = manimflat.flatten(FIXTURE / "repos" / "removed_api", "graph.py:OldGraph",
                               root=str(FIXTURE / "repos" / "removed_api"))
    assert result.status == "fixed" and result.code is not None
    assert result.code.count("class GraphScene(Scene):") == 1
    assert [d.code for d in result.diagnostics] == ["MF413", "MF413"]


@pytest.mark.render
def test_graph_scene_renders_what_the_old_one_drew(tmp_path: Path) -> None:
    from manimflat.verify.render import compare_frames, render_last_frame

    result = manimflat.flatten(FIXTURE / "repos" / "removed_api", "graph.py:OldGraph",
                               root=str(FIXTURE / "repos" / "removed_api"))
    assert result.code is not None
    pngs = []
    for name, code in (("flat", result.code), ("today", dedent(TODAY_GRAPH))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "scene.py").write_text(code, encoding="utf-8")
        frame = render_last_frame(folder / "scene.py", "OldGraph", cwd=folder,
                                  out_dir=folder / "media", timeout=240)
        assert frame.ok and frame.png, frame.error
        pngs.append(frame.png)
    diff = compare_frames(*pngs)
    assert diff.identical, diff
