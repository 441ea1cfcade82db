"""emit: deterministic, idempotent layout that keeps comments and docstrings."""

from __future__ import annotations

from helpers import codes, flat, write_repo


def test_output_is_deterministic_and_flattening_it_again_changes_nothing(make_repo, tmp_path):
    repo = make_repo({
        "helpers.py": "# Shapes used everywhere.\nfrom manim import *\n\n\n\n"
                      "# A docstring and a comment are kept.\ndef dot():\n"
                      "    \"\"\"A dot.\"\"\"\n    return Dot()  # small\nA = 1\nB = 2\n\n\nC = A + B\n",
        "scene.py": "from manim import *\nfrom helpers import dot, C\n\nclass S(Scene):\n"
                    "    def construct(self):\n        self.add(dot().shift(C * LEFT))\n",
    })
    first = flat(repo, "S").code
    assert first == flat(repo, "S").code
    assert "# A docstring and a comment are kept.\ndef dot():\n    \"\"\"A dot.\"\"\"" in first
    assert "A = 1\nB = 2\n\nC = A + B\n" in first
    again = write_repo(tmp_path / "again", {"flat.py": first})
    assert flat(again, "S").code == first


def test_black_formatter_is_applied_and_stays_idempotent(make_repo, tmp_path):
    repo = make_repo({"scene.py": "from manim import *\nclass S(Scene):\n    def construct(self):"
                                  "\n        self.add(Circle(radius = 1,color=RED))\n"})
    first = flat(repo, "S", formatter="black").code
    assert "Circle(radius=1, color=RED)" in first
    again = write_repo(tmp_path / "again", {"flat.py": first})
    assert flat(again, "S", formatter="black").code == first


def test_module_dunders_left_in_the_output_are_reported_at_their_output_line(make_repo):
    repo = make_repo({"scene.py": "from manim import *\n\nclass S(Scene):\n"
                                  "    def construct(self):\n"
                                  "        self.add(Text(__name__))\n"})
    result = flat(repo, "S")
    [d] = [d for d in result.diagnostics if d.code == "MF207"]
    assert (d.severity.value, d.path, d.line) == ("warning", "S.py", 6)


def test_an_output_missing_a_binding_the_original_has_is_refused(make_repo):
    """Without normalize-imports the import block is never built: the guard must say so."""
    repo = make_repo({
        "helpers.py": "import numpy as np\nfrom manim import *\n\n"
                      "def dot():\n    return Dot(radius=np.sqrt(0.04))\n",
        "scene.py": "from manim import *\nfrom helpers import dot\n\nclass S(Scene):\n"
                    "    def construct(self):\n        self.add(dot())\n",
    })
    result = flat(repo, "S", passes="resolve-imports,collect-closure,deconflict-names,emit")
    errors = [d for d in result.diagnostics if d.code == "MF213"]
    assert {d.message.split("`")[1] for d in errors} == {"np", "Dot", "Scene"}
    np_error = next(d for d in errors if "`np`" in d.message)
    assert (np_error.path, np_error.line) == ("helpers.py", 5)
    assert result.status == "failed"


def test_a_name_undefined_in_the_original_too_is_an_error_naming_its_use(make_repo):
    repo = make_repo({"scene.py": """
        from manim import *


        class S(Scene):
            def construct(self):
                self.add(Square(side))
                side = 2
    """})
    result = flat(repo, "S")
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [("MF215", "scene.py", 6)]
    assert "`side`" in result.diagnostics[0].message and result.status == "failed"


def test_a_name_already_reported_unresolved_is_not_reported_twice(make_repo):
    repo = make_repo({"scene.py": "from manim import *\n\nclass S(Scene):\n"
                                  "    def construct(self):\n        self.add(Wobble())\n"})
    assert codes(flat(repo, "S")) == ["MF103"]


def test_a_star_import_of_the_repo_does_not_hide_what_the_original_leaves_undefined(make_repo):
    repo = make_repo({
        "colors.py": "from manim import *\n\nTINT = TEAL\n",
        "scene.py": """
            from manim import *
            from colors import *


            class S(Scene):
                def construct(self):
                    for i in range(2):
                        if i:
                            self.remove(last)
                        last = Dot(color=TINT)
                        self.add(last)
        """,
    })
    result = flat(repo, "S")
    assert [(d.code, d.line) for d in result.diagnostics] == [("MF215", 9)]


def test_a_relative_star_import_does_not_hide_what_the_original_leaves_undefined(make_repo):
    # `from .colors import *` in a package: pyflakes gives up beside it unless it is dropped
    repo = make_repo({
        "shapes/__init__.py": "",
        "shapes/colors.py": "from manim import *\n\nTINT = TEAL\n",
        "shapes/dots.py": """
            from manim import *
            from .colors import *


            def dots(n):
                group = VGroup()
                for i in range(n):
                    if i:
                        group.add(last.copy().next_to(group, RIGHT))
                    last = Dot(color=TINT)
                return group
        """,
        "scene.py": """
            from manim import *
            from shapes.dots import dots


            class S(Scene):
                def construct(self):
                    self.add(dots(3))
        """,
    })
    result = flat(repo, "S")
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [
        ("MF215", "shapes/dots.py", 9)]
