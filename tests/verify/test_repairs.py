"""The verify levels' own repairs are deterministic and touch only what is broken (escapes and
removed Manim names are repaired by passes: tests/passes/test_repair_warnings.py and
test_upgrade_api.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from manimflat.verify.repairs import add_wait, bind_loop_carried, identity_with_literal


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


def _pyflakes_undefined(code: str) -> list[str]:
    run = subprocess.run([sys.executable, "-m", "pyflakes"], input=code, text=True,
                         capture_output=True, check=False)
    return [line for line in run.stdout.splitlines() if "undefined name" in line]


def test_loop_carried_value_is_bound_before_the_outermost_loop():
    code = textwrap.dedent("""\
        def chain(rows):
            out = []
            for row in rows:
                for i, x in enumerate(row):
                    if out or i:
                        out.append(last + x)
                    last = x
            return out
        """)
    fixed, fixes = bind_loop_carried(code)
    assert _pyflakes_undefined(code) and not _pyflakes_undefined(fixed)
    assert fixed.splitlines()[2:4] == ["    last = None", "    for row in rows:"]
    assert [(f.code, f.line) for f in fixes] == [("MF226", 6)]
    before: dict = {}
    after: dict = {}
    exec(code, before)
    exec(fixed, after)  # the carried value still crosses the outer loop, as before
    assert before["chain"]([[1, 2], [3]]) == after["chain"]([[1, 2], [3]]) == [3, 5]


def test_loop_carried_leaves_other_reads_alone():
    code = textwrap.dedent("""\
        def f(items, seed):
            total = seed
            for x in items:
                total = total + x          # bound before: nothing to do
                g = lambda: later          # a lambda is read once the body is bound
                ys = [y for y in items]
                print(y)                   # the comprehension's y is not the function's
                later = x
            return total, missing          # never bound: a real undefined name
        """)
    assert bind_loop_carried(code) == (code, [])
