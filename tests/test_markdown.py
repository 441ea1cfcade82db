"""strip_markdown / wrap_markdown on the shapes scraped answers really take."""

from __future__ import annotations

import ast

from hypothesis import given
from hypothesis import strategies as st

from manimflat import strip_markdown, wrap_markdown

SCENE = 'from manim import *\n\n\nclass A(Scene):\n    def construct(self):\n' \
        '        self.add(Circle(color="#FF0000"))  # red\n'


def test_plain_code_is_unchanged() -> None:
    assert strip_markdown(SCENE) == SCENE
    assert strip_markdown("x=1") == "x=1"


def test_fences_of_every_kind_with_prose() -> None:
    for opening, closing in (("```python", "```"), ("```py", "```"), ("```", "```"),
                             ("~~~", "~~~"), ("````python", "````")):
        text = f"Here is the scene:\n\n{opening}\n{SCENE}{closing}\n\nRun it with manim."
        assert strip_markdown(text) == SCENE, opening


def test_fence_inside_a_python_string_is_left_alone() -> None:
    code = 'DOC = """\n```python\nprint(1)\n```\n"""\n' + SCENE
    assert strip_markdown(code) == code
    assert strip_markdown(f"```python\n{code}```") == code


def test_several_blocks_keep_the_scene_and_what_it_needs() -> None:
    text = ("Imports:\n```python\nfrom manim import *\n```\nA helper:\n```python\n"
            "def dot():\n    return Dot()\n```\nAn unrelated one:\n```python\nprint('hi')\n```\n"
            "```python\nclass B(Scene):\n    def construct(self):\n        self.add(dot())\n```\n"
            "```bash\nmanim -pql b.py B\n```\n")
    out = strip_markdown(text)
    names = {getattr(n, "name", None) for n in ast.parse(out).body}
    assert {"dot", "B"} <= names and "print('hi')" not in out and "manim -pql" not in out
    assert out.index("from manim") < out.index("def dot") < out.index("class B")


def test_last_scene_block_wins_among_attempts() -> None:
    first = "class A(Scene):\n    def construct(self):\n        self.wait(1)\n"
    second = "class A(Scene):\n    def construct(self):\n        self.wait(2)\n"
    text = f"```python\n{first}```\nFixed version:\n```python\n{second}```"
    assert strip_markdown(text) == second


def test_unfenced_code_with_prose_around() -> None:
    text = f"Here is the scene you asked for.\n{SCENE}Hope this helps you out!"
    assert strip_markdown(text) == SCENE


def test_broken_code_is_not_truncated() -> None:
    broken = "from manim import *\nclass A(Scene):\n    def construct(self)\n        pass\n"
    assert strip_markdown(broken) == broken


def test_wrap_strips_first_and_is_idempotent() -> None:
    wrapped = wrap_markdown(SCENE)
    assert wrapped == f"```python\n{SCENE}```\n"
    assert wrap_markdown(wrapped) == wrapped
    assert wrap_markdown(f"Prose.\n~~~py\n{SCENE}~~~\n") == wrapped


def test_wrap_uses_a_longer_fence_around_inner_fences() -> None:
    code = 'DOC = """\n```\ninner\n```\n"""\n'
    wrapped = wrap_markdown(code)
    assert wrapped.startswith("````python\n") and strip_markdown(wrapped) == code


@given(st.lists(st.sampled_from(['x = "#ab"', "y = '```'", "def f():\n    return 1",
                                 "class S(Scene):\n    def construct(self):\n        pass",
                                 "# comment", 'z = """\n```\n"""']), min_size=1))
def test_round_trip_property(parts: list[str]) -> None:
    code = "\n".join(parts) + "\n"
    assert strip_markdown(code) == code
    assert strip_markdown(wrap_markdown(code)) == code
    assert wrap_markdown(wrap_markdown(code)) == wrap_markdown(code)
