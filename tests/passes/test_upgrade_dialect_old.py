"""upgrade-dialect, old manimlib: the rewrites of old manimlib's runtime behaviour that Manim
CE lacks (each with a scene that the upgraded file must hold and, where it is a runtime
behaviour, that the real Manim CE runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import codes, dedent, write_repo

import manimflat

PIPELINE = ["resolve-imports", "collect-closure", "upgrade-dialect", "upgrade-api",
            "deconflict-names", "normalize-imports", "emit", "verify-syntax", "verify-static"]


def _flatten(tmp: Path, code: str, scene: str = "S") -> manimflat.FlatResult:
    repo = write_repo(tmp, {"scene.py": "from manimlib.imports import *\n\n" + dedent(code)})
    result = manimflat.flatten(repo, scene, root=str(repo), passes=PIPELINE)
    assert result.ok, [d.message for d in result.diagnostics if d.is_error]
    assert result.code is not None and "manimlib." not in result.code
    assert "MF230" in codes(result)
    return result


def _construct(tmp: Path, code: str, scene: str = "S") -> None:
    """Run the upgraded scene with the real Manim CE (a dry run: no frames written)."""
    path = tmp / "flat.py"
    path.write_text(code + f"\n\nwith tempconfig({{'dry_run': True}}):\n    {scene}().render()\n")
    run = subprocess.run([sys.executable, str(path)], cwd=tmp, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]


def test_camera_frame_is_ce_camera_frame(tmp_path: Path) -> None:
    result = _flatten(tmp_path, """
        class S(MovingCameraScene):
            def construct(self):
                self.camera_frame.save_state()
                self.play(self.camera_frame.scale, 0.5)
        """)
    assert "self.camera.frame.save_state()" in result.code
    assert "self.play(self.camera.frame.animate.scale(0.5))" in result.code


def test_text_alignment_keyword_is_dropped(tmp_path: Path) -> None:
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(TextMobject("a", alignment=""), TexMobject("x", alignment=""))
        """)
    assert 'Tex("a")' in result.code and 'MathTex("x")' in result.code


@pytest.mark.render
def test_config_lambda_stays_a_function_of_one_argument(tmp_path: Path) -> None:
    """digest_config made a CONFIG lambda an instance attribute; as a class attribute it
    would be a method taking `self` too."""
    result = _flatten(tmp_path, """
        class S(Scene):
            CONFIG = {"f": lambda x: 2 * x}

            def construct(self):
                self.add(Dot(self.f(1) * RIGHT))
        """)
    assert "f = staticmethod(lambda x: 2 * x)" in result.code
    _construct(tmp_path, result.code)


@pytest.mark.render
def test_graph_of_a_bound_method_can_be_copied(tmp_path: Path) -> None:
    """A graph keeps its function; a bound method would make copying it copy the scene."""
    result = _flatten(tmp_path, """
        class S(GraphScene):
            def construct(self):
                self.setup_axes()
                graph = self.get_graph(self.f, x_min=0, x_max=2)
                self.add(graph.copy())

            def f(self, x):
                return x ** 2
        """)
    _construct(tmp_path, result.code)


def test_keyword_ce_does_not_take_is_dropped_with_a_warning(tmp_path: Path) -> None:
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                s = Square()
                self.add(SurroundingRectangle(s, color=BLUE, opacity=0.5))
        """)
    assert "SurroundingRectangle(s, color=BLUE)" in result.code
    warning = next(d for d in result.diagnostics if d.code == "MF240")
    assert "`opacity=`" in warning.message and warning.line == 6


def test_keyword_ce_takes_and_bounds_are_kept(tmp_path: Path) -> None:
    """x_min/x_max are upgrade-api's ranges; number_line_config is CE's axis_config, and an
    axis config literal loses what NumberLine does not take."""
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                a = Axes(x_min=0, x_max=4, number_line_config={"color": RED, "leftmost_tick": 0})
                self.add(a, Circle(radius=2, stroke_width=2))
        """)
    assert 'Axes(axis_config={"color": RED}, x_range=[0, 4], x_length=4)' in result.code
    assert "Circle(radius=2, stroke_width=2)" in result.code
    assert [d.message.split("`")[1] for d in result.diagnostics if d.code == "MF240"] == \
        ["leftmost_tick"]


@pytest.mark.render
def test_config_dict_of_old_keywords_reaches_ce_axes(tmp_path: Path) -> None:
    """`Axes(**config)` of old keywords (bounds, tick_frequency in an axis config,
    number_line_config, keywords of old Axes CE lacks) builds CE's Axes of the same ranges."""
    result = _flatten(tmp_path, """
        class S(Scene):
            CONFIG = {"axes_config": {"x_min": -1, "x_max": 3, "y_min": 0, "y_max": 2,
                                      "x_axis_config": {"tick_frequency": 0.5},
                                      "number_line_config": {"include_tip": False,
                                                             "numbers_to_show": [1, 2]},
                                      "light_source": 9 * DOWN}}

            def construct(self):
                axes = Axes(**self.axes_config)
                line = NumberLine(**{"x_min": 0, "x_max": 2, "number_scale_val": 0.5})
                assert list(axes.x_range) == [-1, 3, 0.5] and list(axes.y_range[:2]) == [0, 2]
                assert abs(axes.x_axis.get_length() - 4) < 1e-6
                assert list(line.x_range[:2]) == [0, 2]
                self.add(axes, line)
        """)
    assert "Axes(**old_keywords(Axes, self.axes_config))" in result.code
    _construct(tmp_path, result.code)


def test_parametric_curve_of_the_shaders_branch(tmp_path: Path) -> None:
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(ParametricCurve(t_func=lambda t: [t, t, 0], t_min=0, t_max=1,
                                         step_size=0.01))
        """)
    assert "ParametricFunction(function=lambda t: [t, t, 0], t_range=[0, 1, 0.01])" in result.code


@pytest.mark.render
def test_config_keys_a_ce_scene_takes_reach_its_constructor(tmp_path: Path) -> None:
    """CE's ZoomedScene and LinearTransformationScene set these in __init__ (over class
    attributes); old NumberPlane keywords of the plane kwargs are upgraded."""
    result = _flatten(tmp_path, """
        class Z(ZoomedScene):
            CONFIG = {"zoom_factor": 0.5, "other": 1}

            def construct(self):
                assert self.zoom_factor == 0.5 and self.other == 1

        class S(LinearTransformationScene):
            CONFIG = {"show_basis_vectors": False,
                      "foreground_plane_kwargs": {"x_radius": 4, "secondary_line_ratio": 0}}

            def construct(self):
                assert not self.show_basis_vectors
                assert list(self.plane.x_range[:2]) == [-4, 4]
                Z().render()
        """)
    assert '"zoom_factor": self.zoom_factor,' in result.code and '"other"' not in result.code
    assert '"foreground_plane_kwargs": old_keywords(NumberPlane, self.foreground_plane_kwargs)' \
        in result.code
    _construct(tmp_path, result.code)


def test_bounds_of_a_class_upgrade_api_leaves_become_its_range(tmp_path: Path) -> None:
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(FunctionGraph(lambda x: x, x_min=0, x_max=2, color=RED),
                         FunctionGraph(np.sin, x_max=1))
        """)
    assert "FunctionGraph(lambda x: x, color=RED, x_range=[0, 2])" in result.code
    assert "FunctionGraph(np.sin, x_range=[-config.frame_x_radius, 1])" in result.code


@pytest.mark.render
def test_function_graph_of_a_bound_method_can_be_copied(tmp_path: Path) -> None:
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                graph = FunctionGraph(self.f, color=RED)
                self.play(ShowCreation(graph))

            def f(self, x):
                return x / 2
        """)
    assert "FunctionGraph(lambda *args: self.f(*args), color=RED)" in result.code
    _construct(tmp_path, result.code)


def test_arc_positional_arguments_are_old_manimlibs(tmp_path: Path) -> None:
    """Old Arc(start_angle, angle, radius=r); CE's Arc takes the radius first."""
    result = _flatten(tmp_path, """
        class Quarter(Arc):
            def __init__(self, start, **kwargs):
                super().__init__(start, PI / 2, **kwargs)

        class S(Scene):
            def construct(self):
                self.add(Arc(0, PI / 2, radius=2), Quarter(1))
        """)
    assert "Arc(start_angle=0, angle=PI / 2, radius=2)" in result.code
    assert "super().__init__(start_angle=start, angle=PI / 2, **kwargs)" in result.code


@pytest.mark.render
def test_step_size_is_the_step_of_the_range(tmp_path: Path) -> None:
    """Old step_size= sampled the curve; dropping it sampled a long range at CE's default
    0.01 (a hundred times the points of `t_max / 1000`, rebuilt in each updater)."""
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                c = ParametricFunction(lambda t: [np.cos(t), np.sin(t), 0], t_max=300,
                                       step_size=3)
                g = FunctionGraph(lambda x: x, x_min=-1, x_max=1, step_size=0.5)
                d = ParametricCurve(t_func=lambda t: [t, 0, 0], step_size="auto")
                e = ParametricFunction(lambda t: [t, 0, 0], **{"t_max": 30, "step_size": 3})
                assert len(c.points) // 4 == 100 and len(g.points) // 4 == 4
                assert len(e.points) // 4 == 10
                self.add(c, g, d, e)
        """)
    assert "t_range=[0, 300, 3]" in result.code
    assert "FunctionGraph(lambda x: x, x_range=[-1, 1, 0.5])" in result.code
    assert "ParametricFunction(function=lambda t: [t, 0, 0])" in result.code
    _construct(tmp_path, result.code)


@pytest.mark.render
def test_camera_frame_rate_counts_frames(tmp_path: Path) -> None:
    """Old manimlib's frame rates were ints; CE's is a float that `range` refuses."""
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                for _ in range(self.camera.frame_rate * 2):
                    self.wait(1 / self.camera.frame_rate)
        """)
    assert "range(int(self.camera.frame_rate) * 2)" in result.code
    _construct(tmp_path, result.code)


def test_checkerboard_colors_none_is_false(tmp_path: Path) -> None:
    """Old surfaces skipped the checkerboard for any false value; CE's only for False."""
    result = _flatten(tmp_path, """
        class S(ThreeDScene):
            def construct(self):
                self.add(Sphere(fill_color=BLUE, checkerboard_colors=None))
        """)
    assert "Sphere(fill_color=BLUE, checkerboard_colors=False)" in result.code


@pytest.mark.render
def test_tex_split_at_isolated_substrings_keeps_the_old_parts(tmp_path: Path) -> None:
    """Old TexMobject split each string at the tex_to_color_map keys, each piece a part of
    its own (blank pieces dropped); Manim CE keeps one part per string. A key after `_`
    compiles too (braced: CE's grouping of it is no subscript)."""
    result = _flatten(tmp_path, """
        class S(Scene):
            def construct(self):
                law = TexMobject("c^2=", "a^2+b^2", tex_to_color_map={"a": RED, "b": BLUE})
                sub = TexMobject("p_i = ", "1", substrings_to_isolate=["p", "i"])
                words = TextMobject("sum of x", tex_to_color_map={"x": RED})
                assert [p.tex_string for p in law] == ["c^2=", "a", "^2+", "b", "^2"]
                assert [p.tex_string for p in sub] == ["p", "_{", "i", "} =", "1"]
                assert [len(p) for p in law] == [3, 1, 2, 1, 1] and law[1][0].get_color() == RED
                assert len(words) == 2 and words[1][0].get_color() == RED
                self.add(law, sub, words)
        """)
    assert 'law = old_tex(MathTex, "c^2=", "a^2+b^2", tex_to_color_map=' in result.code
    assert 'words = old_tex(Tex, "sum of x", tex_to_color_map=' in result.code
    _construct(tmp_path, result.code)
