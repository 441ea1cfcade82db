"""verify-exec on a Flat, with the real manim in the sandbox."""

from __future__ import annotations

from test_verify_syntax import make_flat, run

from manimflat.passes.verify_exec import VerifyExec
from manimflat.passes.verify_static import VerifyStatic
from manimflat.passes.verify_syntax import VerifySyntax


def ladder(flat):
    for p in (VerifySyntax(), VerifyStatic(), VerifyExec()):
        run(p, flat)
    return flat


def test_exec_records_animations_mobjects_and_repairs():
    flat = ladder(make_flat(
        "from manim import *\nclass Demo(Scene):\n    def construct(self):\n"
        "        self.play(ShowCreation(Square()))\n        self.add(TextMobject('$\\pi$'))\n"))
    assert flat.ok, [d.format() for d in flat.diagnostics]
    assert [d.code for d in flat.diagnostics] == ["MF210", "MF413", "MF413"]
    result = flat.verification["exec"]
    assert result["animations"] == 1 and result["mobjects"] == ["Square", "Tex"]
    assert result["seconds"] > 0
    assert "Create(Square())" in flat.code and "Tex(r'$\\pi$')" in flat.code


def test_exec_failure_is_attributed_to_the_pass():
    flat = ladder(make_flat("from manim import *\nclass Demo(Scene):\n    def construct(self):\n"
                            "        self.wait()\n        Square().next_to(None)\n"))
    [d] = flat.diagnostics
    assert (d.code, d.pass_name, d.line) == ("MF407", "verify-exec", 5)
