"""verify-syntax on a Flat: repairs replace flat.code, diagnostics carry the pass and output file."""

from __future__ import annotations

from types import SimpleNamespace

from manimflat.diagnostics import Severity
from manimflat.ir import Flat, SceneRef
from manimflat.passes.verify_syntax import VerifySyntax
from manimflat.settings import Settings


def make_flat(code: str, **settings: object) -> Flat:
    flat = Flat(SimpleNamespace(root=None),  # type: ignore[arg-type]  # no repo needed
                SceneRef("Demo", "scenes/demo.py", 3, "manim-ce"),
                Settings(cache=False, **settings))  # type: ignore[arg-type]
    flat.code = code
    return flat


def run(p: VerifySyntax, flat: Flat) -> Flat:
    flat.current_pass = p.NAME
    p.run(flat)
    flat.current_pass = None
    return flat


def test_pass_repairs_latex_and_records_timing():
    flat = run(VerifySyntax(), make_flat(
        'from manim import *\nclass Demo(Scene):\n    def construct(self):\n'
        '        self.add(MathTex("\\pi"))\n'))
    assert 'MathTex(r"\\pi")' in flat.code
    [d] = flat.diagnostics
    assert (d.code, d.severity, d.pass_name, d.path, d.line) == (
        "MF210", Severity.FIXED, "verify-syntax", "Demo.py", 4)
    assert flat.verification["syntax"]["seconds"] >= 0 and flat.ok


def test_pass_reports_syntax_error():
    flat = run(VerifySyntax(), make_flat("class Demo(:\n"))
    assert [d.code for d in flat.diagnostics] == ["MF401"] and not flat.ok
    assert flat.verification["syntax"]["failed"]
