"""verify render level and frame comparison on real renders (slow: marked `render`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from manimflat.settings import Settings
from manimflat.verify import compare_frames, render_last_frame, verify_code, verify_many
from manimflat.verify.render import changed_outside, render_scene

pytestmark = pytest.mark.render

CIRCLE = """from manim import *


class Demo(Scene):
    def construct(self):
        self.play(Create(Circle(color={color})))
        self.add(MathTex(r"e^{{i\\pi}} + 1 = 0").to_edge(DOWN))
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_mathtex_scene_renders_its_last_frame_outside_cwd(tmp_path):
    src = write(tmp_path / "repo", "demo.py", CIRCLE.format(color="RED"))
    frame = render_last_frame(src, "Demo", cwd=src.parent, out_dir=tmp_path / "out")
    assert frame.ok and frame.error is None and frame.png is not None
    assert frame.png.is_relative_to(tmp_path / "out")
    assert Image.open(frame.png).size == (854, 480)
    assert sorted(p.name for p in src.parent.iterdir()) == ["demo.py"]  # nothing written to cwd


def test_compare_frames_on_real_renders(tmp_path):
    red = write(tmp_path / "a", "demo.py", CIRCLE.format(color="RED"))
    blue = write(tmp_path / "b", "demo.py", CIRCLE.format(color="BLUE"))
    frames = [render_last_frame(f, "Demo", cwd=f.parent, out_dir=f.parent / "media").png
              for f in (red, red, blue)]
    assert all(frames)
    same = compare_frames(frames[0], frames[1])
    assert same.identical and same.changed_pixels == 0 and same.bbox is None
    diff = compare_frames(frames[0], frames[2])
    assert not diff.identical and diff.changed_pixels > 100 and diff.max_delta > 100
    x0, y0, x1, y1 = diff.bbox
    # The unit-radius circle spans about 2/8 of the frame height around the centre.
    assert 280 < x0 < x1 < 580 and 100 < y0 < y1 < 380
    small = tmp_path / "small.png"
    Image.open(frames[0]).resize((427, 240)).save(small)
    assert compare_frames(frames[0], small).size_mismatch


def test_render_level_with_video_and_cache(tmp_path):
    settings = Settings(render_video=True, timeout=60)
    out = verify_code(CIRCLE.format(color="GREEN"), "Demo", "render", settings)
    assert out.ok, out.diagnostics
    result = out.results["render"]
    assert Path(result["png"]).exists() and result["seconds"] > 0
    again = verify_code(CIRCLE.format(color="GREEN"), "Demo", "render", settings)
    assert again.results["render"]["cached"] and again.results["render"]["png"] == result["png"]


def test_render_failure_is_reported(fresh):
    code = CIRCLE.format(color="RED").replace("self.add(", "self.add(Wobble(), ")
    bad = verify_code(code.replace("Wobble()", "MathTex(r'\\frac{')"), "Demo", "render", fresh)
    assert [d.code for d in bad.diagnostics] == ["MF407"]  # caught by exec before rendering


REPO_SCENE = """from manim import *
from helpers import SIZE


class Photo(Scene):
    def construct(self):
        pic = SVGMobject("assets/logo.svg").scale_to_fit_height(SIZE).shift(LEFT * 2)
        self.add(pic, Square(color=YELLOW).shift(RIGHT * 3))
        self.wait()
"""
FLAT_SCENE = """from manim import *

SIZE = 2


class Photo(Scene):
    def construct(self):
        pic = Rectangle(width=SIZE * 2, height=SIZE, color=GREY).shift(LEFT * 2)
        self.add(pic, Square(color={color}).shift(RIGHT * 3))
        self.wait()
"""


def make_repo(root: Path) -> Path:
    write(root, "helpers.py", "SIZE = 2\n")
    # An SVG rather than a PNG: manim 0.22's ImageMobject does not render under Pillow 13.
    write(root / "assets", "logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="200" '
          'height="100"><rect width="200" height="100" fill="#c81e1e"/></svg>')
    return write(root, "scene.py", REPO_SCENE)


def test_original_renders_inside_its_repo_and_reports_asset_boxes(tmp_path):
    scene = make_repo(tmp_path / "repo")
    orig = render_scene(scene, "Photo", cwd=scene.parent, out_dir=tmp_path / "o", boxes=True)
    assert orig.ok, orig.error
    [(x0, y0, x1, y1)] = orig.asset_boxes
    # 4x2 units centred at (-2, 0) on a 14.2x8 frame of 854x480 pixels.
    assert abs((x0 + x1) / 2 - (427 - 2 * 60)) < 3 and abs((y0 + y1) / 2 - 240) < 3
    assert abs((x1 - x0) - 240) < 4 and abs((y1 - y0) - 120) < 4
    flat = write(tmp_path / "flat", "Photo.py", FLAT_SCENE.format(color="YELLOW"))
    new = render_last_frame(flat, "Photo", cwd=flat.parent, out_dir=tmp_path / "f")
    assert orig.png and new.png
    assert not compare_frames(orig.png, new.png).identical
    assert changed_outside(orig.png, new.png, orig.asset_boxes) == 0
    moved = write(tmp_path / "moved", "Photo.py", FLAT_SCENE.format(color="RED"))
    other = render_last_frame(moved, "Photo", cwd=moved.parent, out_dir=tmp_path / "m")
    assert other.png and changed_outside(orig.png, other.png, orig.asset_boxes) > 0


def test_verify_many_runs_in_parallel_and_reuses_the_cache():
    items = [(CIRCLE.format(color=c), "Demo") for c in ("PINK", "TEAL", "GOLD")]
    broken = ("from manim import *\nclass Demo(Scene):\n    def construct(self):\n"
              "        self.play(Create(Dot()))\n        1 / 0\n")
    items.append((broken, "Demo"))
    first = verify_many(items, "exec", Settings(), jobs=2)
    assert [o.ok for o in first] == [True, True, True, False]
    assert first[3].diagnostics[0].code == "MF407"
    second = verify_many(items, "exec", Settings(), jobs=2)
    assert all(o.results["exec"].get("cached") for o in second)
    assert [o.diagnostics for o in second] == [o.diagnostics for o in first]


def test_non_latin_text_in_tex_is_an_environment_problem(fresh):
    """The default template cannot typeset CJK: the scene is not at fault (MF424), the original
    fails the same way; an output with it is not ok, since it does not render."""
    code = 'from manim import *\n\n\nclass Hello(Scene):\n    def construct(self):\n' \
           '        self.add(Tex("你好"))\n'
    out = verify_code(code, "Hello", "render", fresh)
    assert [d.code for d in out.diagnostics] == ["MF424"] and not out.ok
    assert "U+4F60" in out.diagnostics[0].message


def test_tex_cache_reuses_the_reference_svgs_and_gives_the_same_frame(tmp_path):
    from manimflat.verify.render import TexCache

    src = write(tmp_path / "repo", "demo.py", CIRCLE.format(color="RED"))
    cache = TexCache(tmp_path / "tex")
    first = render_last_frame(src, "Demo", cwd=src.parent, out_dir=tmp_path / "a",
                              tex_cache=cache, keep_tex=True)
    kept = sorted(p.name for p in cache.folder.iterdir())
    assert first.ok and kept and all(n.endswith(".svg") for n in kept)
    second = render_last_frame(src, "Demo", cwd=src.parent, out_dir=tmp_path / "b",
                               tex_cache=cache)
    assert second.ok and second.png and first.png
    assert compare_frames(first.png, second.png).identical
    # LaTeX did not run again: the second render has the SVG but no .tex/.dvi beside it.
    assert not list((tmp_path / "b" / "Tex").glob("*.dvi"))
    assert sorted(p.name for p in cache.folder.iterdir()) == kept  # a follower adds nothing


def test_tex_cache_keeps_only_svgs_named_by_the_hash_of_their_tex(tmp_path):
    from manimflat.verify.render import TexCache

    tex = tmp_path / "media" / "Tex"
    tex.mkdir(parents=True)
    (tex / "0123456789abcdef.tex").write_text("not what the name hashes", encoding="utf-8")
    (tex / "0123456789abcdef.svg").write_text("<svg/>", encoding="utf-8")
    (tex / "other.svg").write_text("<svg/>", encoding="utf-8")
    cache = TexCache(tmp_path / "cache")
    assert cache.keep(tmp_path / "media") == 0 and not list(cache.folder.iterdir())


def test_a_template_that_compiles_with_xelatex_renders_like_the_original(tmp_path):
    """A repository whose TeX template names xelatex (.xdv output), set as the default of
    MathTex in a helper module: scripts/setup.sh installs texlive-xetex for it."""
    import shutil

    import manimflat

    if shutil.which("xelatex") is None:
        pytest.skip("xelatex is not installed (scripts/setup.sh installs texlive-xetex)")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo / "pkg", "__init__.py", "")
    write(repo / "pkg", "tex.py", (
        "from manim import MathTex, TexTemplate\n\n"
        "XE = TexTemplate(tex_compiler='xelatex', output_format='.xdv')\n"
        "MathTex.set_default(tex_template=XE)\n"))
    src = write(repo, "scene.py", (
        "from manim import *\n\nimport pkg.tex\n\n\n"
        "class Xe(Scene):\n    def construct(self):\n"
        "        self.add(MathTex(r'\\int_0^1 x^2\\,dx = \\tfrac{1}{3}'))\n"))
    result = manimflat.flatten(repo, "Xe")
    assert result.ok and result.code is not None and "xelatex" in result.code
    flat = write(tmp_path / "alone", "flat.py", result.code)
    original = render_last_frame(src, "Xe", cwd=repo, out_dir=tmp_path / "o")
    flattened = render_last_frame(flat, "Xe", cwd=flat.parent, out_dir=tmp_path / "f")
    assert original.ok and flattened.ok, (original.error, flattened.error)
    assert compare_frames(original.png, flattened.png).identical
