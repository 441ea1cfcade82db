"""`--verify render`: an output marked ok has rendered (its last frame is kept), and one that
does not render is not ok, whatever made it fail: the scene's code or the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_repo
from PIL import Image

import manimflat

SCENE = """
from manim import *


class A(Scene):
    def construct(self):
        self.add({mobject})
"""


@pytest.mark.render
@pytest.mark.parametrize(("mobject", "code"), [
    ("Square().set_fill(RED, 1)", None),
    ("Tex('你好')", "MF424"),  # the default template has no fonts for the script
    ("Square().shift(UP * int('x'))", "MF407"),  # the scene's own code fails
])
def test_ok_after_render_means_rendered(tmp_path: Path, mobject: str, code: str | None) -> None:
    repo = write_repo(tmp_path, {"scene.py": SCENE.format(mobject=mobject)})
    result = manimflat.flatten(repo, "A", verify="render")
    if code is None:
        assert result.ok, result.diagnostics
        with Image.open(result.verification["render"]["png"]) as frame:
            assert frame.size == (854, 480)
    else:
        assert not result.ok and code in [d.code for d in result.diagnostics if d.is_error]
