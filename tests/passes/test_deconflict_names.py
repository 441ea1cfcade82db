"""deconflict-names: one consistent, scope-correct name for every definition."""

from __future__ import annotations

from helpers import codes, dedent, flat


def test_same_name_in_two_modules_is_renamed_scope_correctly(make_repo) -> None:
    repo = make_repo({
        "circles.py": "from manim import *\n\ndef make(n):\n    return VGroup(*[Circle() for _ in range(n)])\n",
        "squares.py": "from manim import *\n\ndef make(n):\n    make = n * 2  # a local, not the function\n"
                      "    return VGroup(*[Square() for _ in range(make)])\n",
        "scene.py": """
            from manim import *
            import circles
            from squares import make


            class S(Scene):
                def construct(self):
                    self.add(circles.make(2), make(1))
        """,
    })
    result = flat(repo, "S")
    assert result.ok
    assert result.code == dedent("""
        from manim import *


        def make_circles(n):
            return VGroup(*[Circle() for _ in range(n)])


        def make(n):
            make = n * 2  # a local, not the function
            return VGroup(*[Square() for _ in range(make)])


        class S(Scene):
            def construct(self):
                self.add(make_circles(2), make(1))
    """)
    assert codes(result) == ["MF201"]


def test_helper_shadowing_a_manim_name_used_by_the_scene(make_repo) -> None:
    repo = make_repo({
        "style.py": "from manim import *\n\ndef Circle(r):\n    return Dot(radius=r)\n",
        "scene.py": """
            from manim import *
            import style


            class S(Scene):
                def construct(self):
                    self.add(style.Circle(1), Circle(radius=2))
        """,
    })
    code = flat(repo, "S").code
    assert "def Circle_style(r):" in code
    assert "self.add(Circle_style(1), Circle(radius=2))" in code


def test_attribute_and_keyword_spellings_are_never_renamed(make_repo) -> None:
    repo = make_repo({
        "a.py": "def width():\n    return 1\n",
        "b.py": "def width():\n    return 2\n",
        "scene.py": """
            from manim import *
            import a
            from b import width


            class S(Scene):
                def construct(self):
                    sq = Square(side_length=a.width())
                    self.add(sq.stretch_to_fit_width(width()), Rectangle(width=width()))
                    self.add(Dot().set(width=sq.width))
        """,
    })
    code = flat(repo, "S").code
    assert "Square(side_length=width_a())" in code
    assert "Rectangle(width=width())" in code and "sq.width" in code


def test_scene_class_keeps_its_name(make_repo) -> None:
    repo = make_repo({
        "other.py": "S = 3\n",
        "scene.py": "from manim import *\nimport other\n\nclass S(Scene):\n"
                    "    def construct(self):\n        self.add(Dot(radius=other.S / 10))\n",
    })
    code = flat(repo, "S").code
    assert "class S(Scene):" in code and "S_other = 3" in code
