"""normalize-imports: the import block is rebuilt from what the output uses."""

from __future__ import annotations

from helpers import codes, flat


def test_imports_are_deduplicated_sorted_unused_removed_and_aliases_unified(make_repo) -> None:
    repo = make_repo({
        "helpers.py": "import numpy\nimport os\nfrom math import tau, pi\n\n"
                      "def arc():\n    return numpy.cos(tau)\n",
        "scene.py": """
            from manim import *
            import numpy as np
            import random, json
            from helpers import arc


            class S(Scene):
                def construct(self):
                    random.seed(1)
                    self.add(Dot(radius=abs(arc()) * np.float64(0.2)))
        """,
    })
    result = flat(repo, "S")
    header = result.code.split("\n\n")[0].splitlines()
    assert header == ["from manim import *", "import numpy as np", "import random",
                      "from math import tau"]
    assert "np.cos(tau)" in result.code  # `numpy` in helpers.py became the scene's `np`
    assert result.ok


def test_disallowed_third_party_import_is_mf106(make_repo) -> None:
    repo = make_repo({"scene.py": "from manim import *\nimport click\n\nclass S(Scene):\n"
                                  "    def construct(self):\n        click.echo('x')\n"})
    assert "MF106" not in codes(flat(repo, "S"))  # click is a manim dependency: allowed
    assert "MF106" in codes(flat(repo, "S", allowed_imports=["manim", "numpy"]))


def test_submodule_import_is_kept_whole(make_repo) -> None:
    repo = make_repo({"scene.py": "from manim import *\nimport os.path\n\nclass S(Scene):\n"
                                  "    def construct(self):\n"
                                  "        self.add(Text(os.path.basename('a/b')))\n"})
    assert "import os.path\n" in flat(repo, "S").code


def test_future_annotations_stay_first(make_repo) -> None:
    repo = make_repo({
        "helpers.py": "from __future__ import annotations\nfrom manim import *\n\n"
                      "def dot(r: float) -> Dot:\n    return Dot(radius=r)\n",
        "scene.py": "from manim import *\nfrom helpers import dot\n\nclass S(Scene):\n"
                    "    def construct(self):\n        self.add(dot(1))\n",
    })
    assert flat(repo, "S").code.startswith(
        "from __future__ import annotations\nfrom manim import *\n")


def test_a_renamed_manim_name_is_imported_under_its_new_name(make_repo) -> None:
    repo = make_repo({
        "effects.py": "from manim import *\n\nclass Fill(Animation):\n"
                      "    def interpolate_mobject(self, alpha):\n"
                      "        self.mobject.set_fill(opacity=alpha)\n",
        "scene.py": "from manim import *\nfrom effects import Fill\n\nclass Animation(Scene):\n"
                    "    def construct(self):\n        self.play(Fill(Square()))\n",
    })
    result = flat(repo, "Animation")
    assert "from manim import Animation as Animation_manim" in result.code.splitlines()
    assert "class Fill(Animation_manim):" in result.code
    assert result.ok and "MF213" not in codes(result)


def test_a_builtin_the_scene_class_shadows_is_imported_from_builtins(make_repo) -> None:
    repo = make_repo({
        "shapes.py": "from manim import *\n\ndef pick():\n"
                     "    return Square() if issubclass(UserWarning, Warning) else Circle()\n",
        "scene.py": "from manim import *\nfrom shapes import pick\n\nclass Warning(Scene):\n"
                    "    def construct(self):\n        self.add(pick())\n",
    })
    result = flat(repo, "Warning")
    assert "from builtins import Warning as Warning_builtin" in result.code.splitlines()
    assert "issubclass(UserWarning, Warning_builtin)" in result.code
    assert result.ok, [d.to_json() for d in result.diagnostics]


DEAD_METHOD_SCENE = """
    from manim import *
    import yaml


    class S(Scene):
        def load(self, path):
            return yaml.safe_load(open(path))

        def construct(self):
            self.add(Dot()){call}
"""


def test_uncalled_method_that_needs_a_disallowed_import_goes(make_repo) -> None:
    result = flat(make_repo({"scene.py": DEAD_METHOD_SCENE.format(call="")}), "S")
    assert "yaml" not in result.code and "def load" not in result.code
    assert "MF227" in codes(result) and "MF106" not in codes(result)


def test_method_called_or_looked_up_by_computed_name_stays(make_repo) -> None:
    for call in ("\n            self.load('a.yaml')",
                 "\n            getattr(self, 'lo' + 'ad')"):
        result = flat(make_repo({"scene.py": DEAD_METHOD_SCENE.format(call=call)}), "S")
        assert "def load" in result.code and "MF227" not in codes(result)
        assert "MF106" in codes(result)
