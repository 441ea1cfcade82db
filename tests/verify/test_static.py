"""verify static level: scope-correct undefined names against manim's real exports, imports,
file references and the scene class."""

from __future__ import annotations

from manimflat.diagnostics import Severity
from manimflat.settings import Settings
from manimflat.verify import verify_code
from manimflat.verify.static import star_exports


def codes(out) -> list[str]:
    return [d.code for d in out.diagnostics if d.severity is not Severity.FIXED]


def test_manim_exports_are_read_from_the_installed_manim():
    exports = star_exports("manim")
    assert {"Scene", "MathTex", "Create", "config", "np", "UP"} <= exports.names
    assert {"Scene", "MovingCameraScene", "ThreeDScene"} <= exports.scenes
    assert "ShowCreation" not in exports.names


def test_undefined_name_is_found_with_its_position(fresh, scene):
    out = verify_code(scene("c = Circle(color=BLUE)\nself.play(Create(c), Wobble(c))"), "Demo",
                      "static", fresh, path="Demo.py")
    assert codes(out) == ["MF403"]
    d = out.diagnostics[0]
    assert "`Wobble`" in d.message and (d.line, d.col) == (7, 30)


def test_scoping_follows_python(fresh):
    code = '''from manim import *
from numpy import *
import math as m

LIMIT = 3


def helper():
    global COUNTER
    COUNTER = 1
    return [k * 2 for k in range(LIMIT)]


class Demo(Scene):
    SIDE = 2  # class attributes are not visible inside methods without `self.`

    def construct(self):
        helper()
        xs = linspace(0, 1, 3)  # from numpy's star import
        self.add(Square(self.SIDE), Dot(), Text(str(len(xs) + COUNTER + m.pi)))
        self.play(Create(Circle(radius=SIDE)))
        print(k)
'''
    out = verify_code(code, "Demo", "static", fresh)
    assert sorted(out.results["static"]["undefined"]) == ["SIDE", "k"]


def test_disallowed_imports_and_file_references(fresh, scene):
    header = "from manim import *\nimport requests\nimport sys\nfrom .utils import helper\n"
    body = ('img = ImageMobject("assets/logo.png")\nsys.path.append("..")\n'
            'here = __file__\nself.add(img)')
    out = verify_code(scene(body, header=header), "Demo", "static", fresh)
    assert codes(out) == ["MF404", "MF404", "MF405", "MF405", "MF405"]
    allowed = Settings(cache=False, allowed_imports=("manim", "requests"))
    out = verify_code(scene("self.wait()", header="from manim import *\nimport requests\n"),
                      "Demo", "static", allowed)
    assert out.ok


def test_scene_class_must_exist_and_have_construct(fresh):
    out = verify_code("from manim import *\nclass Other(Scene):\n    pass\n", "Demo", "static",
                      fresh)
    assert codes(out) == ["MF406"] and "not defined" in out.diagnostics[0].message
    no_construct = "from manim import *\nclass Demo(Scene):\n    def setup(self):\n        pass\n"
    assert codes(verify_code(no_construct, "Demo", "static", fresh)) == ["MF406"]
    inherited = ("from manim import *\nclass Base(Scene):\n    def construct(self):\n"
                 "        self.wait()\nclass Demo(Base):\n    pass\n")
    assert verify_code(inherited, "Demo", "static", fresh).ok


def test_extra_scene_is_a_warning(fresh, scene):
    code = scene("self.wait()") + "\n\nclass Extra(MovingCameraScene):\n    pass\n"
    out = verify_code(code, "Demo", "static", fresh)
    assert out.ok and [d.severity for d in out.diagnostics] == [Severity.WARNING]


def test_removed_manim_names_are_repaired_then_reverified(fresh, scene):
    body = 't = TextMobject("hi")\nself.play(ShowCreation(t), FadeInFromDown(t))'
    out = verify_code(scene(body), "Demo", "static", fresh)
    assert out.ok
    assert [(d.code, d.severity) for d in out.diagnostics] == [("MF413", Severity.FIXED)] * 3
    assert "Tex(" in out.code and "Create(t)" in out.code and "FadeIn(t, shift=UP)" in out.code


def test_undefined_names_follow_pyflakes_with_manim_expanded():
    from manimflat.verify.static import undefined_names

    code = '''from __future__ import annotations
from manim import *
from typing import Sequence


def row(widths: Sequence[float], tint: Tint = RED) -> "VGroup | Shape":
    return VGroup(*[Square(w, color=tint) for w in widths])


class S(Scene):
    SIDE = 1

    def construct(self):
        self.add(row([SIDE]), Wobble())
'''
    assert undefined_names(code) == {"Tint", "Shape", "SIDE", "Wobble"}
    assert undefined_names("from manim import *\nx = ShowCreation\n") == {"ShowCreation"}
    assert undefined_names("def f(:\n") == set()  # does not parse: verify-syntax says why
