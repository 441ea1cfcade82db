"""resolve-imports: every import form resolves to the right file, or is a clear diagnostic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
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


# -- imports resolved as the author ran them (MF119, MF120, MF121, MF107) ---------------------

def test_implicit_sibling_import_is_resolved_beside_the_importer(make_repo) -> None:
    repo = make_repo({
        "custom/constants.py": "RADIUS = 0.75\n",
        "custom/logo.py": "from manim import *\nfrom constants import *\n\n"
                          "def logo():\n    return Circle(radius=RADIUS)\n",
        "scenes/intro.py": SCENE.format(imports="from custom.logo import logo", use="logo()"),
    })
    result = flat(repo, "S")
    assert result.ok, [d.format() for d in result.diagnostics]
    d = next(d for d in result.diagnostics if d.code == "MF119")
    assert d.severity.value == "fixed" and (d.path, d.line) == ("custom/logo.py", 2)
    assert "custom/constants.py" in d.message
    assert "RADIUS = 0.75" in result.code and "constants" not in result.code


def test_nearest_folder_above_the_importer_wins(make_repo) -> None:
    repo = make_repo({
        "pkg/sizing.py": "SIZE = 1\n",
        "pkg/deep/shapes.py": "from sizing import SIZE\n\ndef dot():\n    return SIZE\n",
        "lib/sizing.py": "SIZE = 3\n",
        "videos/scene.py": SCENE.format(imports="from pkg.deep.shapes import dot",
                                        use="Dot(radius=dot())"),
    })
    result = flat(repo, "S")
    assert result.ok and "SIZE = 1" in result.code
    assert "in pkg/, above it" in next(d.message for d in result.diagnostics
                                       if d.code == "MF119")


def test_an_import_root_needs_no_guess(make_repo) -> None:
    repo = make_repo({
        "pkg/sizing.py": "SIZE = 1\n",
        "pkg/deep/shapes.py": "from sizing import SIZE\n\ndef dot():\n    return SIZE\n",
        "sizing.py": "SIZE = 2\n",
        "videos/scene.py": SCENE.format(imports="from pkg.deep.shapes import dot",
                                        use="Dot(radius=dot())"),
    })
    result = flat(repo, "S")  # the repo root is an import root of the scene: it wins
    assert result.ok and "SIZE = 2" in result.code and "MF119" not in codes(result)


def test_moved_module_is_found_by_the_tail_of_its_dotted_path(make_repo) -> None:
    repo = make_repo({
        "Functions/GeometryFunctions.py": "def tri():\n    return 3\n",
        "scenes/s.py": SCENE.format(
            imports="from Functions.GeometryFunctions.GeometryFunctions import *",
            use="RegularPolygon(tri())"),
    })
    result = flat(repo, "S")
    assert result.ok, [d.format() for d in result.diagnostics]
    d = next(d for d in result.diagnostics if d.code == "MF120")
    assert "Functions/GeometryFunctions.py" in d.message and d.line == 2
    assert "def tri" in result.code and "Functions" not in result.code


def test_moved_module_under_a_renamed_folder(make_repo) -> None:
    repo = make_repo({
        "custom/other.py": "",
        "assets/tip.py": "def tip():\n    return 0.5\n",
        "scene.py": SCENE.format(imports="from custom.tip import tip", use="Dot(radius=tip())"),
    })
    result = flat(repo, "S")
    assert result.ok and "MF120" in codes(result) and "def tip" in result.code


def test_two_candidates_are_an_error_naming_both(make_repo) -> None:
    repo = make_repo({
        "Functions/__init__.py": "",
        "a/GeometryFunctions.py": "def tri():\n    return 3\n",
        "b/GeometryFunctions.py": "def tri():\n    return 4\n",
        "scenes/s.py": SCENE.format(
            imports="from Functions.GeometryFunctions.GeometryFunctions import tri",
            use="RegularPolygon(tri())"),
    })
    result = flat(repo, "S")
    assert not result.ok
    d = next(d for d in result.diagnostics if d.code == "MF121")
    assert d.severity.value == "error" and d.line == 2
    assert "a/GeometryFunctions.py" in d.message and "b/GeometryFunctions.py" in d.message
    assert "MF101" not in codes(result)


def test_other_parts_of_the_dotted_path_break_ties(make_repo) -> None:
    repo = make_repo({
        "Functions/geo/__init__.py": "",
        "Functions/old/shapes.py": "def tri():\n    return 3\n",
        "misc/shapes.py": "def tri():\n    return 4\n",
        "scene.py": SCENE.format(imports="from Functions.geometry.shapes import tri",
                                 use="RegularPolygon(tri())"),
    })
    result = flat(repo, "S")
    assert result.ok and "return 3" in result.code
    assert "Functions/old/shapes.py" in next(
        d.message for d in result.diagnostics if d.code == "MF120")


def test_module_renamed_after_it_was_imported(make_repo) -> None:
    repo = make_repo({
        "binom/BinomHelper.py": "from manim import *\n\nTREE_COLOR = BLUE\n",
        "binom/trailer.py": "from manim import *\nfrom BinomHelpers import *\n\n"
                            "class S(Scene):\n    def construct(self):\n"
                            "        self.add(Dot(color=TREE_COLOR))\n",
    })
    result = flat(repo, "S")
    assert result.ok, [d.format() for d in result.diagnostics]
    d = next(d for d in result.diagnostics if d.code == "MF128")
    assert d.severity.value == "fixed" and (d.path, d.line) == ("binom/trailer.py", 2)
    assert "binom/BinomHelper.py" in d.message
    assert "TREE_COLOR = BLUE" in result.code and "BinomHelper" not in result.code


def test_module_renamed_and_moved_is_the_only_near_name_in_the_repo(make_repo) -> None:
    repo = make_repo({
        "binom/BinomHelper.py": "TREE_SIZE = 2\n",
        "tests/s.py": SCENE.format(imports="from BinomHelpers import TREE_SIZE",
                                   use="Dot(radius=TREE_SIZE)"),
    })
    result = flat(repo, "S")
    assert result.ok and "TREE_SIZE = 2" in result.code
    assert "the only file of the repository" in next(
        d.message for d in result.diagnostics if d.code == "MF128")


def test_two_near_names_or_a_short_one_are_no_guess(make_repo) -> None:
    repo = make_repo({
        "a/shapekit1.py": "X = 1\n", "a/shapekit2.py": "X = 2\n", "a/util.py": "Y = 1\n",
        "a/s.py": SCENE.format(imports="from shapekits import X\nfrom utils import Y",
                               use="Dot(radius=X + Y)"),
    })
    result = flat(repo, "S")
    assert not result.ok and "MF128" not in codes(result)
    assert "MF121" in codes(result) and "MF101" in codes(result)  # utils: too short to guess


def test_installed_packages_and_the_importer_itself_are_never_guesses(make_repo) -> None:
    repo = make_repo({
        "custom/numpy.py": "X = 1\n",  # numpy is installed: it wins, as it did for the author
        "custom/draw.py": "import numpy as np\nfrom manim import *\n\n"
                          "def d():\n    return Dot(np.array([1.0, 0, 0]))\n",
        "tools/pulp_like.py": "import pulp_like\n\ndef f():\n    return 1\n",
        "scene.py": SCENE.format(imports="from custom.draw import d\nfrom tools.pulp_like "
                                         "import f", use="d(), Dot(radius=f())"),
    })
    result = flat(repo, "S")
    assert "import numpy as np" in result.code and "X = 1" not in result.code
    assert not any(c in codes(result) for c in ("MF119", "MF120"))


def test_sys_path_entry_relative_to_the_working_directory(make_repo) -> None:
    repo = make_repo({
        "proj/manim.cfg": "[CLI]\nbackground_color = WHITE\n",
        "proj/lib/sizes.py": "def side():\n    return 2\n",
        "proj/scenes/s.py": SCENE.format(
            imports="import os, sys\nsys.path.append(os.path.join(os.getcwd(), 'lib'))\n"
                    "from sizes import side", use="Square(side())"),
    })
    result = flat(repo, "S")
    assert result.ok, [d.format() for d in result.diagnostics]
    d = next(d for d in result.diagnostics if d.code == "MF107")
    assert "proj/lib/" in d.message and "run from proj/" in d.message
    assert "def side" in result.code and "sys.path" not in result.code


def test_sys_path_entry_from_a_folder_holding_manim_cfg(make_repo) -> None:
    repo = make_repo({
        "show/manim.cfg": "[CLI]\nbackground_color = WHITE\n",
        "show/parts/sizes.py": "def side():\n    return 2\n",
        "tools/boot.py": "import sys\nsys.path.insert(0, 'parts')\nfrom sizes import side\n",
        "show/s.py": SCENE.format(imports="from tools.boot import side", use="Square(side())"),
    })
    result = flat(repo, "S")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert "def side" in result.code


# -- the fixtures that only run in their author's environment, rendered that way ------------

AUTHOR = Path(__file__).resolve().parents[2] / "fixtures" / "author_env"
# case, scene file, scene, working directory of the original run, its PYTHONPATH, and an
# edit (old, new) that makes a stale original run at all
AUTHOR_CASES = [
    ("import_sibling", "scenes/intro.py", "SiblingLogo", ".", "custom", None),
    ("import_moved", "scenes/triangle.py", "MovedImport", ".", "", (
        "Functions.GeometryFunctions.GeometryFunctions", "Functions.GeometryFunctions")),
    ("sys_path_cwd", "proj/scenes/square.py", "CwdSysPath", "proj", "", None),
    ("scipy_removed", "scene.py", "ScipyRemoved", ".", "old_scipy", None),
]


def _author_flat(case: str, file: str, scene: str) -> manimflat.FlatResult:
    repo = AUTHOR / "repos" / case
    return manimflat.flatten(repo, f"{file}:{scene}", root=str(repo))


@pytest.mark.parametrize(("case", "file", "scene", "cwd", "pythonpath", "edit"), AUTHOR_CASES,
                         ids=[c[0] for c in AUTHOR_CASES])
def test_author_env_fixture_matches_golden(case: str, file: str, scene: str, cwd: str,
                                           pythonpath: str, edit: object) -> None:
    result = _author_flat(case, file, scene)
    assert result.ok and result.status == "fixed", [d.format() for d in result.diagnostics]
    golden = AUTHOR / "golden" / case / f"{scene}.py"
    assert result.code == golden.read_text(encoding="utf-8")


@pytest.mark.render
@pytest.mark.parametrize(("case", "file", "scene", "cwd", "pythonpath", "edit"), AUTHOR_CASES,
                         ids=[c[0] for c in AUTHOR_CASES])
def test_author_env_fixture_renders_as_the_author_ran_it(
        case: str, file: str, scene: str, cwd: str, pythonpath: str,
        edit: tuple[str, str] | None, tmp_path: Path) -> None:
    from manimflat.verify.render import compare_frames, render_last_frame

    repo = tmp_path / "repo"
    shutil.copytree(AUTHOR / "repos" / case, repo)
    if edit is not None:
        path = repo / file
        path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(repo / pythonpath) if pythonpath else ""}
    media = tmp_path / "original"
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "-ql", "-s", "--media_dir", str(media),
         "--disable_caching", "--progress_bar", "none", str(repo / file), scene],
        cwd=repo / cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    original = max(media.rglob(f"{scene}*.png"), key=lambda p: p.stat().st_mtime)
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "flat_scene.py").write_text(_author_flat(case, file, scene).code or "",
                                         encoding="utf-8")
    flattened = render_last_frame(alone / "flat_scene.py", scene, cwd=alone,
                                  out_dir=tmp_path / "flattened", timeout=300)
    assert flattened.ok and flattened.png, flattened.error
    diff = compare_frames(original, flattened.png)
    assert diff.identical, diff


def test_relative_sys_path_naming_two_files_is_an_error_naming_both(make_repo) -> None:
    repo = make_repo({
        "proj/lib/sizes.py": "def side():\n    return 2\n",
        "lib/sizes.py": "def side():\n    return 3\n",
        "proj/scenes/s.py": SCENE.format(imports="import sys\nsys.path.append('lib')\n"
                                                 "from sizes import side", use="Square(side())"),
    })
    result = flat(repo, "S")
    d = next(d for d in result.diagnostics if d.code == "MF121")
    assert "proj/lib/sizes.py" in d.message and " lib/sizes.py" in d.message
    assert not result.ok and "MF101" not in codes(result)


# -- names a star import of an unlistable package is only guessed to provide -----------------

UNDEFINED = (Path(__file__).resolve().parents[2] / "fixtures" / "original_bugs" / "repos"
             / "undefined_in_original")


def _undefined_flat() -> manimflat.FlatResult:
    return manimflat.flatten(UNDEFINED, "UndefinedInOriginal", root=str(UNDEFINED))


def test_a_name_only_the_modules_functions_bind_is_the_originals_own_bug() -> None:
    result = _undefined_flat()
    golden = UNDEFINED.parents[1] / "golden" / "undefined_in_original" / "UndefinedInOriginal.py"
    assert result.code == golden.read_text(encoding="utf-8")
    assert "yaml" not in (result.code or "")  # `network` is not taken from `from yaml import *`
    (error,) = [d for d in result.diagnostics if d.code == "MF103"]
    assert error.is_error and (error.path, error.line) == ("helpers.py", 8)
    assert "'network'" in error.message and "the original leaves it undefined" in error.message
    assert not result.ok and result.status == "failed"


def test_a_helpers_unlistable_star_does_not_shadow_an_earlier_manim_star(make_repo) -> None:
    repo = make_repo({"helpers.py": "from absent_pkg import *\n\n\ndef f():\n    return g()\n",
                      "s.py": SCENE.format(imports="from helpers import *", use="Dot(f())")})
    result = manimflat.flatten(repo, "S", root=str(repo))
    assert "from absent_pkg import g" in (result.code or "")  # still the star's guess
    assert "absent_pkg import Dot" not in (result.code or "")
    assert "absent_pkg import Scene" not in (result.code or "")


def test_a_stdlib_module_name_from_an_unlistable_star_is_the_stdlib_module(make_repo) -> None:
    repo = make_repo({"helpers.py": "from absent_pkg import *\n\n\ndef f():\n"
                                    "    return list(itertools.accumulate([1, 2]))[-1]\n",
                      "s.py": SCENE.format(imports="from helpers import *", use="Dot(f())")})
    code = manimflat.flatten(repo, "S", root=str(repo)).code or ""
    assert "import itertools\n" in code and "absent_pkg" not in code


@pytest.mark.render
def test_the_scene_renders_like_the_original_despite_the_originals_bug(tmp_path: Path) -> None:
    from helpers import render_both

    from manimflat.verify.render import compare_frames

    original, flattened = render_both(UNDEFINED, "scene.py", "UndefinedInOriginal",
                                      _undefined_flat().code or "", tmp_path)
    assert compare_frames(original, flattened).identical
