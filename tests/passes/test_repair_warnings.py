"""repair-warnings: invalid escapes repaired without changing any value; LaTeX escape mistakes
reported, and repaired only with latex_escapes=true; `is` with a literal made `==`."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

from helpers import CORE, codes, dedent, write_repo
from hypothesis import given, settings
from hypothesis import strategies as st

import manimflat
from manimflat.diagnostics import Severity
from manimflat.passes.repair_warnings import repair_code

PIPELINE = [*CORE[:-1], "repair-warnings", "emit"]


def values(code: str) -> list[object]:
    """Every constant the code compiles to, f-strings evaluated (with `a = 7`)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(code)
        out: list[object] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                out.append(eval(compile(ast.Expression(node.value), "<t>", "eval"),
                                {"a": 7}))
    return out


def compiles_cleanly(code: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            compile(code, "<t>", "exec")
        except (SyntaxError, SyntaxWarning, DeprecationWarning):
            return False
    return True


_BODY = st.text(alphabet="ab{}$ \\npqdtfN8'\"", max_size=12)
_PART = st.tuples(st.sampled_from(["", "b", "f", "u", "r"]), st.sampled_from(['"', "'", '"""']),
                  _BODY)


def _literal(prefix: str, quote: str, body: str) -> str:
    if "f" in prefix:
        body = body.replace("{", "{{").replace("}", "}}") + "{a}"
    return prefix + quote + body + quote


@settings(max_examples=400, deadline=None)
@given(st.lists(_PART, min_size=1, max_size=3))
def test_repair_never_changes_a_value(parts: list[tuple[str, str, str]]) -> None:
    kinds = {"b" in p for p, _, _ in parts}
    if len(kinds) > 1:  # bytes and str cannot be concatenated
        return
    source = "x = " + " ".join(_literal(*part) for part in parts) + "\n"
    try:
        before = values(source)
    except (SyntaxError, ValueError):
        return  # not a literal Python accepts (a truncated \N{...}, a quote at the end)
    fixed, _ = repair_code(source)
    assert values(fixed) == before, (source, fixed)
    assert compiles_cleanly(fixed), (source, fixed)
    assert repair_code(fixed) == (fixed, [])  # idempotent


def test_raw_when_the_value_allows_it_else_doubled() -> None:
    fixed, fixes = repair_code('t = Tex("$\\displaystyle =\\ i$")\nu = "\\n\\d"\n')
    assert fixed == 't = Tex(r"$\\displaystyle =\\ i$")\nu = "\\n\\\\d"\n'
    assert [(f.code, f.line, f.severity) for f in fixes] == [
        ("MF210", 1, Severity.FIXED), ("MF210", 2, Severity.FIXED)]
    assert "made a raw string" in fixes[0].message and "doubled" in fixes[1].message


def test_bytes_fstrings_and_concatenations() -> None:
    fixed, fixes = repair_code('x = b"\\d"\ny = f"\\p{a}" "\\q"\n')
    assert fixed == 'x = rb"\\d"\ny = rf"\\p{a}" r"\\q"\n'
    assert len(fixes) == 3


def test_latex_escape_is_reported_with_the_intended_literal() -> None:
    code = 'MathTex("\\frac{1}{2}", tex_to_color_map={"\\theta": RED})\n'
    fixed, fixes = repair_code(code)
    assert fixed == code  # reported only: the value stays what it was
    assert [(f.code, f.severity) for f in fixes] == [("MF211", Severity.WARNING)] * 2
    assert "\\f (a form feed) for \\frac" in fixes[0].message
    assert fixes[0].message.endswith('write r"\\frac{1}{2}"')
    assert "tex_to_color_map=" in fixes[1].message


def test_latex_escape_repaired_with_the_option() -> None:
    fixed, fixes = repair_code('MathTex("\\\\alpha + \\beta", f"\\nu_{a}")\n', latex=True)
    assert fixed == 'MathTex(r"\\alpha + \\beta", rf"\\nu_{a}")\n'
    assert [(f.code, f.severity) for f in fixes] == [("MF211", Severity.FIXED)] * 2


def test_escapes_outside_latex_are_what_the_author_meant() -> None:
    code = 'Text("Hello\\nWorld")\nprint("\\tindented")\nx = "\\nu"\n'
    assert repair_code(code, latex=True) == (code, [])
    # a string that looks like LaTeX needs no LaTeX call around it
    fixed, fixes = repair_code('label = "$\\theta$"\n', latex=True)
    assert fixed == 'label = r"$\\theta$"\n' and [f.code for f in fixes] == ["MF211"]


def test_pass_repairs_every_inlined_piece(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {
        "helpers.py": '''
            from manim import *

            def label(): return MathTex("\\pi \\cdot r^2")
        ''',
        "scene.py": '''
            from manim import *
            from helpers import label

            # the scene
            class Area(Scene):
                def construct(self):
                    self.add(label(), Tex("$\\displaystyle =\\ i$"), MathTex("\\theta"))
        '''})
    result = manimflat.flatten(repo, "Area", passes=PIPELINE)
    assert result.code is not None and compiles_cleanly(result.code)
    assert 'MathTex(r"\\pi \\cdot r^2")' in result.code
    assert 'Tex(r"$\\displaystyle =\\ i$")' in result.code
    assert 'MathTex("\\theta")' in result.code  # reported, not changed
    where = [(d.code, d.path, d.line, d.severity) for d in result.diagnostics]
    assert where == [("MF210", "helpers.py", 3, Severity.FIXED),
                     ("MF210", "scene.py", 7, Severity.FIXED),
                     ("MF211", "scene.py", 7, Severity.WARNING)]
    assert result.status == "unverified"  # fixed, though this pipeline stops before verify-static
    again = manimflat.flatten(repo, "Area", passes=[
        *PIPELINE[:-2], "repair-warnings{latex_escapes=true}", "emit"])
    assert again.code is not None and 'MathTex(r"\\theta")' in again.code
    assert codes(again)[-1] == "MF211" and again.diagnostics[-1].severity is Severity.FIXED


def test_flattening_the_output_again_changes_nothing(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "a", {"scene.py": dedent('''
        from manim import *

        class Eq(Scene):
            def construct(self):
                self.add(MathTex("e^{i\\pi} = -1", "\\sum"))
    ''')})
    first = manimflat.flatten(repo, "Eq", passes=PIPELINE).code
    assert first is not None
    write_repo(tmp_path / "b", {"Eq.py": first})
    assert manimflat.flatten(tmp_path / "b", "Eq", passes=PIPELINE).code == first


def test_dataset_driver_repairs_latex_escapes(tmp_path: Path) -> None:
    from manimflat.dataset.config import SourceConfig
    from manimflat.dataset.sources import read_repo

    repo = write_repo(tmp_path, {"scene.py": '''
        from manim import *

        class Angle(Scene):
            def construct(self):
                self.add(MathTex("\\theta = \\frac{\\pi}{2}"))
    '''})
    [row] = read_repo(SourceConfig("demo", "repo", repo))
    assert 'MathTex(r"\\theta = \\frac{\\pi}{2}")' in row["code"]
    assert row["flat_status"] == "fixed"


def test_identity_with_a_literal_is_repaired_while_flattening(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"scene.py": '''
        from manim import *

        def pick(n):
            return RED if n is 0 else BLUE

        class Pick(Scene):
            def construct(self):
                self.add(Dot(color=pick(0)))
    '''})
    result = manimflat.flatten(repo, "Pick", passes=PIPELINE)
    assert result.code is not None and "return RED if n == 0 else BLUE" in result.code
    assert compiles_cleanly(result.code)
    assert [(d.code, d.line, d.severity) for d in result.diagnostics] == [
        ("MF416", 4, Severity.FIXED)]
