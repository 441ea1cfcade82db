"""The verify levels' own repairs are deterministic and touch only what is broken (escapes and
removed Manim names are repaired by passes: tests/passes/test_repair_warnings.py and
test_upgrade_api.py)."""

from __future__ import annotations

from manimflat.verify.repairs import add_wait, identity_with_literal


def test_identity_with_a_literal_becomes_equality():
    fixed, fixes = identity_with_literal("if x is 1 or y is not 'a':\n    pass\n")
    assert fixed == "if x == 1 or y != 'a':\n    pass\n"
    assert [f.code for f in fixes] == ["MF416", "MF416"]


def test_add_wait_appends_to_construct_only():
    code = "class A(Scene):\n    def setup(me):\n        pass\n    def construct(me):\n        me.add(Dot())\n"
    fixed, fixes = add_wait(code, "A")
    assert fixed.endswith("me.add(Dot())\n        me.wait()\n")
    assert fixed.count("wait") == 1 and [f.code for f in fixes] == ["MF414"]
    assert add_wait(code, "Other") == (code, [])
