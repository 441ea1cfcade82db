"""What a repository's `manim.cfg` draws, carried into the output (manimflat/analyses/config_files.py).

manim reads the `manim.cfg` of the folder it is started in; the output must frame the same
picture without it. The render tests run the real manim in a subprocess: the original from the
folder whose config it reads, the output alone in an empty folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CORE, render_both, write_repo

import manimflat
from manimflat.api import Session
from manimflat.verify.render import compare_frames

SCENE = """
from manim import *


class Framed(Scene):
    def construct(self):
        self.add(Square(3).set_fill(ORANGE, 1).shift(2 * LEFT), Circle(1).shift(3 * RIGHT))
"""


def _flat(repo: Path, scene: str = "Framed") -> manimflat.FlatResult:
    return manimflat.flatten(repo, scene, root=str(repo), passes=CORE)


def _config_lines(result: manimflat.FlatResult) -> list[str]:
    assert result.code is not None
    return [line for line in result.code.splitlines() if line.startswith("config.")]


@pytest.mark.parametrize(("cfg", "expected"), [
    # manim derives the frame width from frame_height and the pixel aspect
    ("pixel_width = 2160\npixel_height = 3840\n", ["config.frame_width = 4.5"]),
    ("frame_height = 9\n", ["config.frame_height = 9.0", "config.frame_width = 16.0"]),
    ("frame_height = 9\nframe_width = 10\n",
     ["config.frame_height = 9.0", "config.frame_width = 10.0"]),
    # the default 16:9 frame, whatever the resolution: quality only, nothing carried
    ("pixel_width = 3840\npixel_height = 2160\nframe_rate = 15\n", []),
    # 854x480 is not quite 16:9: manim's frame is a little wider than the default one
    ("pixel_width = 854\npixel_height = 480\n", ["config.frame_width = 14.233333333333333"]),
])
def test_frame_geometry_is_what_manim_derives(tmp_path: Path, cfg: str,
                                             expected: list[str]) -> None:
    repo = write_repo(tmp_path, {"scene.py": SCENE, "manim.cfg": "[CLI]\n" + cfg})
    assert _config_lines(_flat(repo)) == expected


def test_the_scene_folders_config_wins_and_a_different_root_one_is_a_warning(
        tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"shorts/scene.py": SCENE,
                                 "shorts/manim.cfg": "[CLI]\nbackground_color = #1d2b53\n",
                                 "manim.cfg": "[CLI]\nbackground_color = #202020\n"})
    result = _flat(repo)
    assert _config_lines(result) == ['config.background_color = "#1d2b53"']
    assert result.manim_cfg == "shorts/manim.cfg"
    notes = {d.code: d for d in result.diagnostics if d.code in ("MF135", "MF136")}
    assert notes["MF135"].severity.value == "info" and notes["MF135"].path == "shorts/manim.cfg"
    assert "config.background_color" in notes["MF136"].message
    # the same settings in both: which one is read makes no difference, nothing to warn about
    (repo / "manim.cfg").write_text("[CLI]\nbackground_color = #1d2b53\n", encoding="utf-8")
    assert "MF136" not in [d.code for d in _flat(repo).diagnostics]


def test_a_missing_template_file_is_said_and_not_carried(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": SCENE,
                                 "manim.cfg": "[CLI]\ntex_template_file = tex/none.tex\n"})
    session = Session(repo, root=str(repo))
    result = session.flatten(session.find_scene("Framed"))
    assert _config_lines(result) == []
    assert [(d.code, d.path, d.line) for d in session.program.diagnostics] == [
        ("MF137", "manim.cfg", 2)]


@pytest.mark.render
@pytest.mark.parametrize("cfg", ["frame_height = 6\n", "pixel_width = 1080\npixel_height = 1080\n",
                                 "pixel_width = 854\npixel_height = 480\n"])
def test_the_output_frames_the_same_picture(tmp_path: Path, cfg: str) -> None:
    """Rendered at -ql (854x480) both ways: the frame the cfg implies survives the quality flag."""
    repo = write_repo(tmp_path / "repo", {"scene.py": SCENE, "manim.cfg": "[CLI]\n" + cfg})
    result = _flat(repo)
    assert result.code is not None and result.manim_cfg == "manim.cfg"
    original, flattened = render_both(repo, "scene.py", "Framed", result.code, tmp_path)
    assert compare_frames(original, flattened).identical


@pytest.mark.parametrize(("cfg", "said"), [
    ("[CLI]\nbackground_color = BLACK\n\n[jupyter]\nmedia_embed = \n",
     "line 5: [jupyter] media_embed = '' is not a boolean"),
    ("[CLI]\ndisable_caching = maybe\n", "line 2: [CLI] disable_caching = 'maybe' is not a boolean"),
    ("[CLI]\nzero_pad = four\n", "line 2: [CLI] zero_pad = 'four' is not an int"),
    ("[CLI]\nframe_rate = \n", "line 2: [CLI] frame_rate = '' is not a float"),
])
def test_a_setting_manim_cannot_convert_is_said(tmp_path: Path, cfg: str, said: str) -> None:
    """manim stops at such a file with a bare ValueError naming neither file nor line."""
    repo = write_repo(tmp_path, {"scene.py": SCENE, "manim.cfg": cfg})
    [note] = [d for d in _flat(repo).diagnostics if d.code == "MF425"]
    assert note.path == "manim.cfg" and note.severity.value == "warning"
    assert note.message.startswith(said) and "the repository root" in note.message


def test_settings_manim_converts_are_not_warned(tmp_path: Path) -> None:
    cfg = ("[CLI]\ndisable_caching = True\nzero_pad = 4\nframe_rate = 30\n\n"
           "[jupyter]\nmedia_embed = False\n")
    repo = write_repo(tmp_path, {"scene.py": SCENE, "manim.cfg": cfg})
    assert "MF425" not in [d.code for d in _flat(repo).diagnostics]


@pytest.mark.render
def test_the_original_refused_by_manim_fails_and_the_output_renders(tmp_path: Path) -> None:
    from manimflat.verify.render import render_last_frame

    repo = write_repo(tmp_path / "repo", {"shorts/scene.py": SCENE,
                                          "shorts/manim.cfg": "[jupyter]\nmedia_embed = \n"})
    result = _flat(repo)
    assert result.code is not None and "MF425" in [d.code for d in result.diagnostics]
    original = render_last_frame(repo / "shorts/scene.py", "Framed", cwd=repo / "shorts",
                                 out_dir=tmp_path / "original", timeout=180)
    assert not original.ok and "media_embed must be boolean" in (original.error or "")
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "flat_scene.py").write_text(result.code, encoding="utf-8")
    flat = render_last_frame(alone / "flat_scene.py", "Framed", cwd=alone,
                             out_dir=tmp_path / "flat", timeout=180)
    assert flat.ok and flat.png, flat.error
