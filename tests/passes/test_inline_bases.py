"""inline-bases: bases from other files come along; --merge-bases folds them when safe."""

from __future__ import annotations

from helpers import codes, dedent, flat

BASES = {
    "base.py": """
        from manim import *


        class Titled(Scene):
            def setup(self):
                self.title = Text("T")

            def construct(self):
                self.add(self.title)


        class Framed(Titled):
            COLOR = RED

            def setup(self):
                super().setup()
                self.frame = Square(color=self.COLOR)
    """,
    "scene.py": """
        from manim import *
        from base import Framed


        class S(Framed):
            \"\"\"The scene.\"\"\"

            COLOR = BLUE

            def construct(self):
                super().construct()
                self.add(self.frame)
    """,
}


def test_bases_two_files_away_are_emitted_with_their_own_bases(make_repo) -> None:
    code = flat(make_repo(BASES), "S").code
    assert code.index("class Titled(Scene)") < code.index("class Framed(Titled)") \
        < code.index("class S(Framed)")


def test_merge_bases_folds_the_hierarchy_in_mro_order(make_repo) -> None:
    result = flat(make_repo(BASES), "S", merge_bases=True)
    assert "MF204" in codes(result)
    assert result.code == dedent('''
        from manim import *


        class S(Scene):
            """The scene."""

            def _Titled_setup(self):
                self.title = Text("T")

            def _Titled_construct(self):
                self.add(self.title)

            def setup(self):
                self._Titled_setup()
                self.frame = Square(color=self.COLOR)

            COLOR = BLUE

            def construct(self):
                self._Titled_construct()
                self.add(self.frame)
    ''')


def test_merge_bases_refuses_when_a_base_is_shared_and_says_why(make_repo) -> None:
    files = {**BASES, "scene.py": "from manim import *\nfrom base import Framed\n\n"
             "HELPER = Framed\n\nclass S(Framed):\n    def construct(self):\n"
             "        self.add(Text(str(HELPER)))\n"}
    result = flat(make_repo(files), "S", merge_bases=True)
    refusal = [d for d in result.diagnostics if d.code == "MF205"]
    assert refusal and "also used by" in refusal[0].message
    assert "class Framed(Titled)" in result.code
