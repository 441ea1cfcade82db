"""verify-render on a Flat: the last frame, and with `compare`, equivalence with the original."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from test_verify_syntax import make_flat, run

from manimflat.ir import AssetRecord
from manimflat.passes.verify_render import VerifyRender

pytestmark = pytest.mark.render

ORIGINAL = """from manim import *
from style import ACCENT, logo


class Demo(Scene):
    def construct(self):
        self.play(Create(Circle(color=ACCENT).shift(RIGHT * 2)))
        self.add(logo().shift(LEFT * 3))
"""
STYLE = """from manim import *

ACCENT = ORANGE


def logo():
    return SVGMobject("assets/logo.svg").scale_to_fit_height(1.5)
"""
FLAT = """from manim import *

ACCENT = {accent}


def logo():
    return Rectangle(width=3.0, height=1.5, color=GREY)


class Demo(Scene):
    def construct(self):
        self.play(Create(Circle(color=ACCENT).shift(RIGHT * 2)))
        self.add(logo().shift(LEFT * 3))
"""


def make_repo(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        '<rect width="200" height="100" fill="#2050c0"/></svg>', encoding="utf-8")
    (root / "style.py").write_text(STYLE, encoding="utf-8")
    (root / "demo.py").write_text(ORIGINAL, encoding="utf-8")
    return root


def compare_flat(root: Path, accent: str):
    flat = make_flat(FLAT.format(accent=accent), compare=True)
    flat.program = SimpleNamespace(root=root)  # type: ignore[assignment]
    flat.scene = flat.scene.__class__("Demo", "demo.py", 5, "manim-ce")
    flat.assets.append(AssetRecord("assets/logo.svg", "icon", "replaced", "Rectangle"))
    flat.verification.update(exec={"failed": False})
    return run(VerifyRender(), flat)


def test_replaced_asset_may_differ_only_inside_its_box(tmp_path):
    root = make_repo(tmp_path / "repo")
    flat = compare_flat(root, "ORANGE")
    assert flat.ok, [d.format() for d in flat.diagnostics]
    compare = flat.verification["render"]["compare"]
    assert compare["original"] == "ok" and not compare["identical"]
    assert compare["changed_outside_assets"] == 0
    assert Path(flat.verification["render"]["png"]).exists()
    assert sorted(p.name for p in root.rglob("*")) == ["assets", "demo.py", "logo.svg", "style.py"]


def test_behaviour_change_is_reported(tmp_path):
    flat = compare_flat(make_repo(tmp_path / "repo"), "PURPLE")  # the inlined constant is wrong
    [d] = flat.diagnostics
    assert d.code == "MF411" and d.pass_name == "verify-render" and d.path == "demo.py"
    assert "outside the replaced assets" in d.message
    assert flat.verification["render"]["compare"]["changed_outside_assets"] > 0


def test_faithful_flattening_gives_the_identical_frame(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "style.py").write_text("from manim import *\n\nACCENT = ORANGE\n", encoding="utf-8")
    (root / "demo.py").write_text(ORIGINAL.replace(", logo", "").replace(
        "        self.add(logo().shift(LEFT * 3))\n", ""), encoding="utf-8")
    flat = make_flat(FLAT.format(accent="ORANGE").replace(
        "        self.add(logo().shift(LEFT * 3))\n", ""), compare=True)
    flat.program = SimpleNamespace(root=root)  # type: ignore[assignment]
    flat.scene = flat.scene.__class__("Demo", "demo.py", 5, "manim-ce")
    run(VerifyRender(), flat)
    assert flat.diagnostics == []
    assert flat.verification["render"]["compare"]["identical"] is True
