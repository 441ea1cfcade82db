"""upgrade-api's keyword table: keyword arguments Manim CE removed from classes it kept.

Each entry (class, old keyword) has a case: old code in, today's code out, with the value
converted as the changelog says (old scale factors times 48, a number line's times 36). The
real manim then proves both halves: on today's manim the old line raises (the entry is
needed, the output would not render) and the upgraded line builds the object.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from manimflat.diagnostics import Severity
from manimflat.passes.upgrade_api import AXES, AXIS_CONFIGS, KEYWORDS, upgrade_code

# (class, old keyword) -> (old line, upgraded line)
CASES: dict[tuple[str, str], tuple[str, str]] = {
    ("NumberLine", "number_scale_value"): ("n = NumberLine(number_scale_value=0.5)",
                                           "n = NumberLine(font_size=18)"),
    ("UnitInterval", "number_scale_value"): ("n = UnitInterval(number_scale_value=k)",
                                             "n = UnitInterval(font_size=36 * (k))"),
    ("PolarPlane", "azimuth_label_scale"): ("p = PolarPlane(azimuth_label_scale=0.5)",
                                            "p = PolarPlane(azimuth_label_font_size=18)"),
    ("BraceLabel", "label_scale"): ("b = BraceLabel(Square(), 'x', label_scale=0.5)",
                                    "b = BraceLabel(Square(), 'x', font_size=24)"),
    ("BraceText", "label_scale"): ("b = BraceText(Square(), 'x', label_scale=1)",
                                   "b = BraceText(Square(), 'x', font_size=48)"),
    ("Title", "scale_factor"): ("t = Title('T', scale_factor=0.75)", "t = Title('T', font_size=36)"),
    ("Text", "size"): ("t = Text('a', size=0.5)", "t = Text('a', font_size=24)"),
    ("MarkupText", "size"): ("t = MarkupText('a', size=2)", "t = MarkupText('a', font_size=96)"),
    ("DashedVMobject", "positive_space_ratio"): (
        "d = DashedVMobject(Circle(), positive_space_ratio=0.4)",
        "d = DashedVMobject(Circle(), dashed_ratio=0.4)"),
    ("DashedVMobject", "dash_spacing"): ("d = DashedVMobject(Circle(), dash_spacing=0.1)",
                                         "d = DashedVMobject(Circle())"),
    ("DashedLine", "positive_space_ratio"): (
        "d = DashedLine(LEFT, RIGHT, positive_space_ratio=0.3)",
        "d = DashedLine(LEFT, RIGHT, dashed_ratio=0.3)"),
    ("DashedLine", "dash_spacing"): ("d = DashedLine(LEFT, RIGHT, dash_spacing=0.2, color=RED)",
                                     "d = DashedLine(LEFT, RIGHT, color=RED)"),
    ("TracedPath", "min_distance_to_new_point"): (
        "p = TracedPath(Dot().get_center, min_distance_to_new_point=0.1)",
        "p = TracedPath(Dot().get_center)"),
    ("Sector", "outer_radius"): ("s = Sector(outer_radius=2, color=RED)",
                                 "s = Sector(radius=2, color=RED)"),
    ("Sector", "inner_radius"): ("s = Sector(outer_radius=2, inner_radius=1)",
                                 "s = AnnularSector(inner_radius=1, outer_radius=2)"),
    ("Code", "code"): ("c = Code(code='x = 1', language='python')",
                       "c = Code(code_string='x = 1', language='python')"),
    ("Code", "file_name"): ("c = Code(file_name='a.py')", "c = Code(code_file='a.py')"),
    ("Code", "style"): ("c = Code('a.py', style='monokai')",
                        "c = Code('a.py', formatter_style='monokai')"),
    ("Code", "insert_line_no"): ("c = Code('a.py', insert_line_no=False)",
                                 "c = Code('a.py', add_line_numbers=False)"),
    ("Code", "line_no_from"): ("c = Code('a.py', line_no_from=3)",
                               "c = Code('a.py', line_numbers_from=3)"),
    ("Code", "scale_factor"): ("c = Code('a.py', scale_factor=0.5)",
                               'c = Code(\'a.py\', paragraph_config={"font_size": 12})'),
    ("Code", "font"): ("c = Code('a.py', font='Monospace')",
                       'c = Code(\'a.py\', paragraph_config={"font": \'Monospace\'})'),
    ("Code", "font_size"): ("c = Code('a.py', font_size=20)",
                            'c = Code(\'a.py\', paragraph_config={"font_size": 20})'),
    ("Code", "line_spacing"): ("c = Code('a.py', line_spacing=0.5)",
                               'c = Code(\'a.py\', paragraph_config={"line_spacing": 0.5})'),
    ("Code", "background_stroke_width"): (
        "c = Code('a.py', background_stroke_width=2)",
        'c = Code(\'a.py\', background_config={"stroke_width": 2})'),
    ("Code", "background_stroke_color"): (
        "c = Code('a.py', background_stroke_color=RED)",
        'c = Code(\'a.py\', background_config={"stroke_color": RED})'),
    ("Code", "corner_radius"): ("c = Code('a.py', corner_radius=0.1)",
                                'c = Code(\'a.py\', background_config={"corner_radius": 0.1})'),
    ("Code", "margin"): ("c = Code('a.py', margin=0.2)",
                         'c = Code(\'a.py\', background_config={"buff": 0.2})'),
    ("Code", "stroke_width"): ("c = Code('a.py', stroke_width=1)", "c = Code('a.py')"),
    ("Code", "indentation_chars"): ("c = Code('a.py', indentation_chars='  ')",
                                    "c = Code('a.py')"),
    ("Code", "line_no_buff"): ("c = Code('a.py', line_no_buff=0.2)", "c = Code('a.py')"),
    ("Code", "generate_html_file"): ("c = Code('a.py', generate_html_file=False)",
                                     "c = Code('a.py')"),
    ("Code", "warn_missing_font"): ("c = Code('a.py', warn_missing_font=False)",
                                    "c = Code('a.py')"),
    # the axes hand their axis configs to NumberLine
    ("Axes", "axis_config"): ("a = Axes(axis_config={'number_scale_value': 0.5})",
                              "a = Axes(axis_config={'font_size': 18})"),
    ("NumberPlane", "x_axis_config"): ("a = NumberPlane(x_axis_config=dict(number_scale_value=1))",
                                       "a = NumberPlane(x_axis_config=dict(font_size=36))"),
    ("ThreeDAxes", "z_axis_config"): (
        'a = ThreeDAxes(z_axis_config={"number_scale_value": 0.5, "include_numbers": True})',
        'a = ThreeDAxes(z_axis_config={"font_size": 18, "include_numbers": True})'),
    ("ComplexPlane", "y_axis_config"): ('a = ComplexPlane(y_axis_config={"number_scale_value": 2})',
                                        'a = ComplexPlane(y_axis_config={"font_size": 72})'),
    # method keywords
    ("ManimColor.from_hex", "hex"): ("c = ManimColor.from_hex(hex='#FF0000')",
                                     "c = ManimColor.from_hex(hex_str='#FF0000')"),
    ("Mobject.align_to", "alignment_vect"): (
        "m = Square().align_to(Circle(), LEFT, alignment_vect=UP)",
        "m = Square().align_to(Circle(), LEFT)"),
}


def test_every_keyword_has_a_case() -> None:
    table = {(name, k) for name, words in KEYWORDS.items() for k in words}
    axes = {name for name, _ in CASES if name in AXES}
    assert table <= set(CASES) and axes == set(AXES)
    assert {k for name, k in CASES if name in AXES} <= AXIS_CONFIGS


@pytest.mark.parametrize("entry", sorted(CASES), ids="-".join)
def test_keyword_entry(entry: tuple[str, str]) -> None:
    old, new = CASES[entry]
    fixed, fixes = upgrade_code(f"from manim import *\n{old}\n", frozenset())
    assert fixed == f"from manim import *\n{new}\n"
    assert fixes and {(f.code, f.severity) for f in fixes} == {("MF413", Severity.FIXED)}
    assert all(f.line == 2 for f in fixes)


def test_a_repository_class_of_the_same_name_keeps_its_keywords() -> None:
    code = "class Text:\n    def __init__(self, s, size=1): ...\nt = Text('a', size=2)\n"
    assert upgrade_code(code, frozenset()) == (code, [])


def test_a_call_that_cannot_be_rewritten_says_what_to_write() -> None:
    fixed, [fix] = upgrade_code("from manim import *\nc = Code('a.py', 'x', 4, style='x')\n",
                                frozenset())
    assert "style='x'" in fixed and fix.code == "MF212" and "formatter_style" in fix.message


def test_arguments_passed_through_stay_and_the_written_keywords_are_upgraded() -> None:
    fixed, _ = upgrade_code("from manim import *\nc = Code(*a, **kw, font='F', style='m')\n",
                            frozenset())
    assert fixed.splitlines()[1] == (
        "c = Code(*a, **kw, formatter_style='m', paragraph_config={\"font\": 'F'})")


PROBE = '''
import json, sys
from manim import *
k = 0.5
out = {}
for key, line in json.loads(sys.argv[1]).items():
    try:
        exec(line, dict(globals()))
        out[key] = "ok"
    except Exception as exc:
        out[key] = type(exc).__name__
print(json.dumps(out))
'''


def test_old_lines_fail_on_todays_manim_and_upgraded_ones_build(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    lines = {}
    for (name, keyword), (old, new) in CASES.items():
        lines[f"old {name} {keyword}"] = old
        lines[f"new {name} {keyword}"] = new
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(PROBE), json.dumps(lines)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    built = sorted(key for key, state in result.items() if key.startswith("new ") and state != "ok")
    assert built == [], {k: result[k] for k in built}
    accepted = sorted(key for key, state in result.items() if key.startswith("old ") and state == "ok")
    assert accepted == []


FIXTURE = Path(__file__).resolve().parents[2] / "fixtures"
TODAY_SCENE = '''
from manim import *


class OldKeywords(Scene):
    def construct(self):
        axes = Axes(x_range=[0, 4], y_range=[0, 2], x_length=5, y_length=2,
                    axis_config={"font_size": 18, "include_numbers": True})
        line = NumberLine(x_range=[0, 3], length=4, include_numbers=True, font_size=27)
        word = Text("old", font_size=24).to_corner(DL)
        wedge = AnnularSector(inner_radius=0.5, outer_radius=1, color=RED).to_corner(DR)
        dashes = DashedLine(LEFT, RIGHT, dashed_ratio=0.3)
        self.add(VGroup(axes, line, dashes).arrange(DOWN), word, wedge)
'''


@pytest.mark.render
def test_upgraded_keywords_render_like_todays_api(tmp_path: Path) -> None:
    """The fixture's old keywords (which make today's manim raise) render as the same scene
    written by hand with today's keywords."""
    import manimflat
    from manimflat.verify.render import compare_frames, render_last_frame

    result = manimflat.flatten(FIXTURE / "repos" / "removed_api", "OldKeywords",
                               verify="static")
    assert result.status == "fixed" and result.code is not None
    pngs = []
    for name, code in (("flat", result.code), ("today", TODAY_SCENE)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "scene.py").write_text(code, encoding="utf-8")
        frame = render_last_frame(folder / "scene.py", "OldKeywords", cwd=folder,
                                  out_dir=folder / "media", timeout=240)
        assert frame.ok and frame.png, frame.error
        pngs.append(frame.png)
    assert compare_frames(*pngs).identical
