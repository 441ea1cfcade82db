"""resolve-imports: every import form resolves to the right file, or is a clear diagnostic."""

from __future__ import annotations

from helpers import codes, flat

import manimflat
from manimflat.api import Session
from manimflat.ir import Flat
from manimflat.pass_manager import PassManager, parse_pipeline

SCENE = """
from manim import *
{imports}


class S(Scene):
    def construct(self):
        self.add({use})
"""


def modules(repo, scene: str = "S") -> list[str]:
    session = Session(repo)
    f = Flat(session.program, session.find_scene(scene), session.settings)
    PassManager(parse_pipeline(["resolve-imports"])).run(f)
    return f.modules


def test_execution_order_runs_packages_and_dependencies_first(make_repo) -> None:
    repo = make_repo({
        "pkg/__init__.py": "from .a import *\n",
        "pkg/a.py": "from .b import B\nA = B\n",
        "pkg/b.py": "B = 1\n",
        "scene.py": SCENE.format(imports="from pkg import A", use="Circle()"),
    })
    assert modules(repo) == ["pkg/b.py", "pkg/a.py", "pkg/__init__.py", "scene.py"]


def test_missing_module_is_one_diagnostic_not_a_crash(make_repo) -> None:
    repo = make_repo({"scene.py": SCENE.format(imports="from nowhere_module import thing",
                                               use="thing()")})
    result = flat(repo, "S")
    assert codes(result).count("MF101") == 1
    assert not result.ok
    assert "nowhere_module" in result.diagnostics[0].message


def test_missing_relative_module_is_mf101_with_its_line(make_repo) -> None:
    repo = make_repo({"pkg/__init__.py": "", "pkg/scene.py": SCENE.format(
        imports="from .gone import thing", use="thing()")})
    result = flat(repo, "S")
    d = next(d for d in result.diagnostics if d.code == "MF101")
    assert (d.path, d.line) == ("pkg/scene.py", 2)


def test_guarded_missing_import_is_not_an_error(make_repo) -> None:
    repo = make_repo({"scene.py": SCENE.format(
        imports="try:\n    import not_installed_pkg\nexcept ImportError:\n    pass",
        use="Circle()")})
    result = flat(repo, "S")
    assert result.ok, [d.format() for d in result.diagnostics]


def test_sys_path_hack_becomes_an_import_root(make_repo) -> None:
    repo = make_repo({
        "common/tools.py": "from manim import *\ndef dot():\n    return Dot()\n",
        "videos/ep1/scene.py": SCENE.format(
            imports="import sys, os\nsys.path.insert(0, os.path.join(os.path.dirname(__file__),"
                    " '..', '..', 'common'))\nfrom tools import dot", use="dot()"),
    })
    result = flat(repo, "S")
    assert result.ok
    assert "MF107" in codes(result)
    assert "sys.path" not in result.code and "def dot" in result.code


def test_relative_sys_path_entry_is_tried_from_every_parent_folder(make_repo) -> None:
    repo = make_repo({
        "2022/common/tools.py": "def dot():\n    return 1\n",
        "2022/ep/scene.py": SCENE.format(
            imports="import sys\nsys.path.insert(1, 'common/')\nfrom tools import dot",
            use="Dot(radius=dot())"),
    })
    assert flat(repo, "S").ok


def test_folder_named_manim_does_not_shadow_the_package(make_repo) -> None:
    repo = make_repo({"manim/__init__.py": "", "manim/scene.py": SCENE.format(
        imports="", use="Circle()")})
    result = flat(repo, "S")
    assert result.ok and result.code.startswith("from manim import *")
    assert "manim/__init__.py" not in modules(repo)


def test_import_cycle_is_reported_once_and_still_flattens(make_repo) -> None:
    repo = make_repo({
        "a.py": "import b\ndef fa():\n    return b.fb() + 1\n",
        "b.py": "import a\ndef fb():\n    return 1\n",
        "scene.py": SCENE.format(imports="from a import fa", use="Dot(radius=fa() / 4)"),
    })
    result = flat(repo, "S")
    assert codes(result).count("MF108") == 1
    assert result.ok and "def fa" in result.code and "def fb" in result.code


def test_syntax_error_in_an_unrelated_file_is_ignored(make_repo) -> None:
    repo = make_repo({"broken.py": "def f(:\n", "scene.py": SCENE.format(imports="",
                                                                          use="Circle()")})
    result = flat(repo, "S")
    assert result.ok and not result.diagnostics
    assert [d.code for d in manimflat.api.Session(repo).program.diagnostics] == []


def test_syntax_error_in_a_needed_file_is_mf102_with_line(make_repo) -> None:
    repo = make_repo({"helper.py": "x = 1\ndef f(:\n", "scene.py": SCENE.format(
        imports="from helper import x", use="Dot(radius=x)")})
    session = Session(repo)
    result = session.flatten(session.find_scene("S"), session.pipeline(
        ["resolve-imports", "collect-closure", "deconflict-names", "normalize-imports",
         "emit"]))
    assert not result.ok
    skipped = [d for d in session.program.diagnostics if d.code == "MF102"]
    assert skipped and skipped[0].path == "helper.py" and skipped[0].line == 2
