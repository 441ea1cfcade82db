"""verify-static on a Flat."""

from __future__ import annotations

from test_verify_syntax import make_flat, run

from manimflat.passes.verify_static import VerifyStatic
from manimflat.passes.verify_syntax import VerifySyntax


def test_undefined_name_points_into_the_output():
    flat = make_flat("from manim import *\nclass Demo(Scene):\n    def construct(self):\n"
                     "        self.play(Create(helper_circle()))\n")
    run(VerifyStatic(), run(VerifySyntax(), flat))
    [d] = flat.diagnostics
    assert d.code == "MF403" and "`helper_circle`" in d.message
    assert d.format() == ("Demo.py:4:26: error MF403 undefined name `helper_circle`: "
                          "define it or import it [verify-static]")


def test_static_is_skipped_when_syntax_failed():
    flat = make_flat("class Demo(:\n")
    run(VerifyStatic(), run(VerifySyntax(), flat))
    assert flat.verification["static"]["skipped"] == "syntax level failed"
    assert [d.code for d in flat.diagnostics] == ["MF401"]
