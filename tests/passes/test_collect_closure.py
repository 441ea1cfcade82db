"""collect-closure: exactly what the scene reaches, in an order that runs."""

from __future__ import annotations

from helpers import codes, dedent, flat


def test_tree_shaking_keeps_only_what_is_reached(make_repo) -> None:
    repo = make_repo({
        "helpers.py": """
            from manim import *
            import numpy as np

            RADIUS = 0.5  # used through dot()
            UNUSED = 3


            def dot():
                return Dot(radius=RADIUS * np.sqrt(4))


            def unused():
                return UNUSED
        """,
        "scene.py": """
            from manim import *
            from helpers import dot


            class S(Scene):
                def construct(self):
                    self.add(dot())


            class Other(Scene):
                def construct(self):
                    self.add(Square())
        """,
    })
    assert flat(repo, "S").code == dedent("""
        from manim import *
        import numpy as np

        RADIUS = 0.5  # used through dot()


        def dot():
            return Dot(radius=RADIUS * np.sqrt(4))


        class S(Scene):
            def construct(self):
                self.add(dot())
    """)


def test_module_level_side_effects_of_executed_modules_are_kept_in_order(make_repo) -> None:
    repo = make_repo({
        "style.py": """
            from manim import *
            import numpy as np

            config.background_color = "#101010"
            np.random.seed(7)
            REGISTRY = []
            REGISTRY.append("a")
            SCRATCH = {}
            SCRATCH["x"] = 1
        """,
        "scene.py": """
            from manim import *
            from style import REGISTRY


            class S(Scene):
                def construct(self):
                    self.add(Text(REGISTRY[0]))
        """,
    })
    code = flat(repo, "S").code
    assert 'config.background_color = "#101010"' in code
    assert "np.random.seed(7)" in code
    assert code.index("REGISTRY = []") < code.index('REGISTRY.append("a")') < code.index("class S")
    assert "SCRATCH" not in code  # an effect on an object nothing uses goes with the object


def test_definition_time_dependencies_come_first(make_repo) -> None:
    # `base.py` defines a class whose default argument and base come from modules that
    # are imported *after* it in the scene; the output must still define them first.
    repo = make_repo({
        "colors.py": "MAIN = '#ff0000'\n",
        "shapes.py": "from manim import *\nfrom colors import MAIN\n\nclass Blob(Circle):\n"
                     "    def __init__(self, color=MAIN):\n        super().__init__(color=color)\n",
        "scene.py": "from manim import *\nfrom shapes import Blob\n\nclass S(Scene):\n"
                    "    def construct(self):\n        self.add(Blob())\n",
    })
    code = flat(repo, "S").code
    assert code.index("MAIN = ") < code.index("class Blob") < code.index("class S")


def test_main_guard_and_type_checking_are_dropped(make_repo) -> None:
    repo = make_repo({"scene.py": """
        from manim import *
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from helpers import Thing


        class S(Scene):
            def construct(self):
                self.add(Circle())


        if __name__ == "__main__":
            S().render()
    """})
    result = flat(repo, "S")
    assert "__main__" not in result.code and "TYPE_CHECKING" not in result.code
    assert "MF203" in codes(result) and "MF208" in codes(result)


def test_undefined_name_is_an_error_with_its_position(make_repo) -> None:
    repo = make_repo({"scene.py": "from manim import *\n\nclass S(Scene):\n"
                                  "    def construct(self):\n        self.add(nothing_here())\n"})
    result = flat(repo, "S")
    d = next(d for d in result.diagnostics if d.code == "MF103")
    assert d.is_error and (d.path, d.line) == ("scene.py", 3) and "nothing_here" in d.message


def test_name_older_manim_exported_is_imported_explicitly(make_repo) -> None:
    repo = make_repo({"scene.py": "from manim import *\n\nclass S(Scene):\n"
                                  "    def construct(self):\n        p = Path('x')\n"
                                  "        self.add(Text(p.name))\n"})
    result = flat(repo, "S")
    assert result.ok and "from pathlib import Path" in result.code
    assert [d.severity.value for d in result.diagnostics if d.code == "MF103"] == ["fixed"]


def test_module_used_as_value_cannot_be_inlined(make_repo) -> None:
    repo = make_repo({"helpers.py": "X = 1\n", "scene.py": (
        "from manim import *\nimport helpers\n\nclass S(Scene):\n    def construct(self):\n"
        "        print(vars(helpers))\n        self.add(Dot(radius=helpers.X))\n")})
    assert "MF202" in codes(flat(repo, "S"))


def test_star_chain_through_init_with_all(make_repo) -> None:
    repo = make_repo({
        "lib/__init__.py": "from .shapes import *\nfrom .text import *\n",
        "lib/shapes.py": "from manim import *\n__all__ = ['ring']\n\ndef ring():\n"
                         "    return Annulus()\n\ndef _private():\n    return 0\n",
        "lib/text.py": "from .shapes import *\n\ndef label():\n    return ring()\n",
        "scene.py": "from manim import *\nfrom lib import *\n\nclass S(Scene):\n"
                    "    def construct(self):\n        self.add(label())\n",
    })
    result = flat(repo, "S")
    assert result.ok
    assert "def ring" in result.code and "def label" in result.code
    assert "_private" not in result.code and "__all__" not in result.code
    assert sorted(result.inlined) == ["lib/shapes.py:ring", "lib/text.py:label"]


def test_decorator_from_another_file_comes_with_its_dependencies(make_repo) -> None:
    repo = make_repo({
        "deco.py": "SCALE = 2\n\ndef bigger(f):\n    def g(*a):\n        return f(*a).scale(SCALE)\n"
                   "    return g\n",
        "scene.py": "from manim import *\nfrom deco import bigger\n\n@bigger\ndef shape():\n"
                    "    return Square()\n\nclass S(Scene):\n    def construct(self):\n"
                    "        self.add(shape())\n",
    })
    code = flat(repo, "S").code
    assert code.index("SCALE = 2") < code.index("def bigger") < code.index("@bigger")


def test_a_name_assigned_on_a_module_by_a_file_the_scene_does_not_run(make_repo) -> None:
    repo = make_repo({
        "settings.py": "SIZE = 1\n",
        "setup_big.py": "import settings\n\nsettings.RADIUS = 2\n",
        "scene.py": """
            from manim import *
            import settings


            class S(Scene):
                def construct(self):
                    self.add(Dot(radius=settings.RADIUS))
        """,
    })
    result = flat(repo, "S")
    assert codes(result) == ["MF103"]
    assert "'RADIUS' is only assigned on it by setup_big.py" in result.diagnostics[0].message


def test_names_only_annotations_read_are_kept(make_repo) -> None:
    repo = make_repo({
        "rows.py": """
            from __future__ import annotations

            from typing import TYPE_CHECKING, Iterable, Literal, Sequence

            from manim import *

            if TYPE_CHECKING:
                from marks import Mark

            Side = Literal["left", "right"]


            def row(widths: Sequence[float], side: Side = "left") -> VGroup:
                return VGroup(*[Square(w) for w in widths]).to_edge(LEFT if side == "left" else RIGHT)


            def marks(items: "Iterable[Mark]") -> list[Mark]:
                return list(items)
        """,
        "marks.py": "from manim import *\n\nMark = Dot\n",
        "scene.py": """
            from manim import *
            from rows import marks, row


            class S(Scene):
                def construct(self):
                    self.add(row([1, 2]), *marks([Dot()]))
        """,
    })
    result = flat(repo, "S")
    assert result.ok, [d.to_json() for d in result.diagnostics]
    for line in ("from typing import Iterable", "from typing import Sequence",
                 "from typing import Literal", 'Side = Literal["left", "right"]', "Mark = Dot"):
        assert line in result.code.splitlines(), line
    assert "TYPE_CHECKING" not in result.code


def test_an_annotation_naming_what_nothing_binds_is_left_as_written(make_repo) -> None:
    repo = make_repo({"scene.py": """
        from __future__ import annotations
        from manim import *


        class S(Scene):
            def construct(self) -> Missing:
                self.add(Dot())
    """})
    result = flat(repo, "S")
    assert "def construct(self) -> Missing:" in result.code
    assert codes(result) == ["MF215"]  # undefined in the original as well


def test_strings_used_as_comments_are_dropped(make_repo) -> None:
    repo = make_repo({
        "colors.py": '"""Speech bubbles."""\nfrom manim import *\n\n"""\nColours\n"""\n'
                     'BUBBLE = TEAL\n\n"""Shapes"""\n\ndef bubble():\n    return Ellipse()\n',
        "scene.py": "from manim import *\nfrom colors import BUBBLE\n\nclass S(Scene):\n"
                    "    def construct(self):\n        self.add(Dot(color=BUBBLE))\n",
    })
    code = flat(repo, "S").code
    assert '"""' not in code and "BUBBLE = TEAL" in code


def test_dead_code_using_an_undefined_name_is_removed_once_per_run(make_repo) -> None:
    """MF209: unreachable code after `raise` is removed; an undefined name that does run is
    MF103. What a statement links to is the `links` analysis: computed once per scene
    folder, and the scenes that share a helper share its links."""
    from manimflat.analyses.links import Links
    from manimflat.api import Session

    repo = make_repo({
        "util.py": """
            from manim import *


            def helper():
                return Dot()
                debug_draw(1)


            def broken():
                return missing_name
        """,
        "scene.py": """
            from manim import *
            from util import helper


            class A(Scene):
                def construct(self):
                    self.add(helper())


            class B(Scene):
                def construct(self):
                    self.add(helper(), Square())
        """,
    })
    session = Session(repo)
    manager = session.pipeline("resolve-imports,collect-closure")
    a, b = (session.flatten(s, manager) for s in session.scenes())
    for result in (a, b):
        fixed = [d for d in result.diagnostics if d.code == "MF209"]
        assert [d.message for d in fixed] == [
            "unreachable code using undefined 'debug_draw' removed"]
        assert not any(d.code == "MF103" for d in result.diagnostics)  # broken() unused
    assert session.analyses.computed["links"] == 1
    table = session.analyses.get(Links).of("scene.py")
    assert table.unit("util.py", 1) is table.unit("util.py", 1)
    result = flat(make_repo({"s.py": "from manim import *\nfrom util import broken\n"
                                     "class S(Scene):\n    def construct(self):\n"
                                     "        self.add(broken())\n"}), "S")
    assert "MF103" in codes(result)


def test_dead_code_is_read_from_the_ast_as_libcst_would_drop_it() -> None:
    """`links._dead_code` (ast) says a statement has unreachable code exactly when
    `links.drop_unreachable` (libcst) changes it, on every fixture file."""
    from pathlib import Path

    from manimflat.analyses.links import _dead_code, drop_unreachable
    from manimflat.program import Program

    root = Path(__file__).resolve().parents[2] / "fixtures"
    program = Program(root)
    checked = 0
    for rel in sorted(program.files):
        info = program.module(rel)
        if info is None or "return" not in info.source and "raise" not in info.source:
            continue
        body = program.cst(rel).body
        for unit in info.units:
            node = body[unit.index]
            assert _dead_code(unit) == (drop_unreachable(node) is not node), (rel, unit.start)
            checked += 1
    assert checked > 100


def test_the_opengl_renderer_is_set_only_for_opengl_mobjects(make_repo) -> None:
    # The `ConvertToOpenGL` metaclass draws with either renderer; an author's own module-level
    # renderer setting is kept as written (fixtures/repos/opengl_mobject renders the rest).
    repo = make_repo({
        "either.py": """
            from manim import *
            from manim.mobject.opengl.opengl_compatibility import ConvertToOpenGL


            class Pair(VGroup, metaclass=ConvertToOpenGL):
                pass


            class Either(Scene):
                def construct(self):
                    self.add(Pair(Dot()))
        """,
        "own.py": """
            from manim import *
            from manim.opengl import *

            config.renderer = "opengl"


            class Own(Scene):
                def construct(self):
                    self.add(OpenGLVMobject())
        """,
    })
    assert "renderer" not in flat(repo, "either.py:Either").code
    own = flat(repo, "own.py:Own")
    assert own.code.count("config.renderer") == 1 and "MF138" not in codes(own)


def test_a_scene_class_defined_again_is_its_last_definition(make_repo) -> None:
    """manim renders the class the module ends with: an earlier draft of the same name goes."""
    repo = make_repo({"scene.py": "from manim import *\n\nclass S(Scene):\n"
                                  "    def construct(self):\n        self.add(Square())\n\n\n"
                                  "class S(Scene):\n"
                                  "    def construct(self):\n        self.add(Circle())\n"})
    result = flat(repo, "S", verify="static")
    assert result.ok and result.code is not None
    assert result.code.count("class S(Scene):") == 1 and "Circle()" in result.code
    assert "Square" not in result.code


def test_a_loop_filling_a_list_comes_with_the_list(make_repo) -> None:
    """A module-level loop binds `i` and fills `dots`: the scene needs `dots`, so the loop that
    fills it is kept (in order, after the list; a second loop rebinding `i` is no cycle)."""
    repo = make_repo({"scene.py": """
        from manim import *

        dots = []
        for i in range(3):
            dots.append(Dot(RIGHT * i))
        for i in range(2):
            dots[i].set_color(RED)


        class S(Scene):
            def construct(self):
                self.add(*dots)
        """})
    result = flat(repo, "S", verify="static")
    assert result.ok and result.code is not None
    assert "dots = []\nfor i in range(3):\n    dots.append(Dot(RIGHT * i))\n" \
        "for i in range(2):\n" in result.code
    assert "MF206" not in codes(result)
