"""--merge-bases is behaviour-preserving: the merged scene ends on the original's last frame.

Both are rendered by the real manim in a subprocess at low quality: the original from its
repository root (so its imports work as for the author), the merged file alone from a
temporary folder that holds nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CORE, render_both, write_repo

import manimflat
from manimflat.verify.render import compare_frames

REPO = {
    "base.py": """
        from manim import *


        class Titled(Scene):
            def setup(self):
                self.title = Text("T").to_edge(UP)

            def construct(self):
                self.add(self.title)


        class Framed(Titled):
            def setup(self):
                super().setup()
                self.frame = Square(2, color=RED)
    """,
    "scene.py": """
        from manim import *
        from base import Framed


        class S(Framed):
            def construct(self):
                super().construct()
                self.play(Create(self.frame))
                self.add(Dot(color=BLUE).next_to(self.frame, DOWN))
    """,
}


@pytest.mark.render
def test_merged_bases_render_the_same_last_frame(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", REPO)
    result = manimflat.flatten(repo, "S", merge_bases=True, passes=CORE)
    assert "MF204" in [d.code for d in result.diagnostics] and "class Framed" not in result.code
    original, merged = render_both(repo, "scene.py", "S", result.code, tmp_path)
    assert compare_frames(original, merged).identical
