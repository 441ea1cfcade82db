"""Repairs are deterministic, preserve string values, and touch only what is broken."""

from __future__ import annotations

import ast
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from manimflat.verify.repairs import add_wait, raw_latex_strings, removed_names


def literal_values(code: str) -> list[object]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = ast.parse(code)
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab{}$ \\npqd'\"", max_size=20))
def test_escape_repair_never_changes_a_value(body: str):
    source = "x = " + repr(body).replace("\\\\", "\\") if "\\" in body else f"x = {body!r}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<t>", "exec")
    except SyntaxError:
        return
    fixed, _ = raw_latex_strings(source)
    assert literal_values(fixed) == literal_values(source)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(fixed, "<t>", "exec")


def test_removed_animations_use_manims_own_equivalents():
    code = ("self.play(ShowCreation(a), FadeInFrom(b, LEFT), FadeInFromDown(c),\n"
            "          FadeOutAndShift(d), ShowCreationThenFadeOut(e), TextMobject('x'))\n")
    fixed, fixes = removed_names(code, frozenset({
        "ShowCreation", "FadeInFrom", "FadeInFromDown", "FadeOutAndShift",
        "ShowCreationThenFadeOut", "TextMobject"}))
    assert fixed == ("self.play(Create(a), FadeIn(b, shift=-LEFT), FadeIn(c, shift=UP),\n"
                     "          FadeOut(d, shift=DOWN), Succession(Create(e), FadeOut(e)), "
                     "Tex('x'))\n")
    assert {f.code for f in fixes} == {"MF413"} and len(fixes) == 6


def test_names_defined_in_the_file_are_not_renamed():
    code = "obj.ShowCreation(x, ShowCreation=1)\nfoo(ShowCreation)\n"
    fixed, _ = removed_names(code, frozenset())  # defined: not in the undefined set
    assert fixed == code
    fixed, _ = removed_names(code, frozenset({"ShowCreation"}))
    assert fixed == "obj.ShowCreation(x, ShowCreation=1)\nfoo(Create)\n"


def test_get_graph_becomes_plot_unless_the_file_defines_it():
    assert removed_names("g = ax.get_graph(f)\n", frozenset())[0] == "g = ax.plot(f)\n"
    own = "def get_graph(f): ...\ng = ax.get_graph(f)\n"
    assert removed_names(own, frozenset())[0] == own


def test_add_wait_appends_to_construct_only():
    code = "class A(Scene):\n    def setup(me):\n        pass\n    def construct(me):\n        me.add(Dot())\n"
    fixed, fixes = add_wait(code, "A")
    assert fixed.endswith("me.add(Dot())\n        me.wait()\n")
    assert fixed.count("wait") == 1 and [f.code for f in fixes] == ["MF414"]
    assert add_wait(code, "Other") == (code, [])
