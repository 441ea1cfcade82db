"""The library entry points: status and report fields of a result."""

from __future__ import annotations

from helpers import write_repo

import manimflat
from manimflat.diagnostics import Severity


def test_a_base_scene_is_skipped_with_an_info_diagnostic_and_a_report_field(tmp_path) -> None:
    repo = write_repo(tmp_path / "repo", {"scenes.py": """
        from manim import *


        class GridScene(Scene):
            def grid(self):
                return VGroup(*[Square() for _ in range(4)]).arrange_in_grid(2, 2)


        class Grid(GridScene):
            def construct(self):
                self.add(self.grid())
    """})
    results = {r.scene.name: r for r in manimflat.flatten_all(repo, root=str(repo))}
    base, scene = results["GridScene"], results["Grid"]
    assert base.status == "skipped" and base.code is None
    assert [(d.code, d.severity, d.line) for d in base.diagnostics] == [
        ("MF118", Severity.INFO, 4)]
    assert base.to_json()["base"] is True
    assert scene.status == "ok" and scene.to_json()["base"] is False
