"""verify syntax level: parse/compile errors, and invalid escapes repaired into raw strings."""

from __future__ import annotations

import ast
import warnings

from manimflat.diagnostics import Severity
from manimflat.verify import verify_code


def compiles_cleanly(code: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(code, "<t>", "exec")
    return True


def test_syntax_error_is_reported_with_its_line(fresh, scene):
    out = verify_code(scene("x = (1,\nself.wait()"), "Demo", "syntax", fresh, path="Demo.py")
    assert not out.ok
    [d] = out.diagnostics
    assert d.code == "MF401" and d.path == "Demo.py" and d.line == 6


def test_invalid_escape_becomes_raw_string_with_same_value(fresh, scene):
    code = scene('t = MathTex("\\pi + \\\\alpha")\nself.play(Write(t))')
    out = verify_code(code, "Demo", "syntax", fresh)
    assert out.ok
    assert [d.code for d in out.diagnostics] == ["MF210"]
    assert out.diagnostics[0].severity is Severity.FIXED
    assert 'MathTex(r"\\pi + \\alpha")' in out.code
    assert compiles_cleanly(out.code)


def test_string_with_real_escapes_keeps_them(fresh, scene):
    # "\n" must stay a newline, so the string cannot become raw: the bad backslash is doubled.
    code = scene('t = Text("a\\n\\d")\nself.add(t)')
    out = verify_code(code, "Demo", "syntax", fresh)
    assert out.ok and compiles_cleanly(out.code)
    new = next(n for n in ast.walk(ast.parse(out.code))
               if isinstance(n, ast.Constant) and isinstance(n.value, str))
    assert new.value == "a\n\\d"


def test_fstring_latex_is_made_raw(fresh, scene):
    code = scene('n = 2\nt = MathTex(f"\\sqrt{{{n}}}")\nself.add(t)')
    out = verify_code(code, "Demo", "syntax", fresh)
    assert 'rf"\\sqrt{{{n}}}"' in out.code
    assert compiles_cleanly(out.code)


def test_identity_with_a_literal_becomes_equality(fresh, scene):
    code = scene("x = 1\nif x is 1 and 'a' is not x is None:\n    self.wait()")
    out = verify_code(code, "Demo", "syntax", fresh)
    assert out.ok and [d.code for d in out.diagnostics] == ["MF416", "MF416"]
    assert "if x == 1 and 'a' != x is None:" in out.code
    assert compiles_cleanly(out.code)


def test_unrepairable_syntax_warning_is_an_error(fresh, scene):
    out = verify_code(scene("assert (self, 'always true')"), "Demo", "syntax", fresh)
    assert [d.code for d in out.diagnostics] == ["MF416"]
    assert not out.ok
