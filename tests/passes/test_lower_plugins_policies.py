"""lower-plugins' policies: which plugins are lowered, inlined from the installed package,
allowed (the import stays) or rejected, and who may choose.

The installed plugins are the real ones pinned in scripts/setup.sh (manim-ml, manim-themes:
packages without a `manim.plugins` entry point, so `import manim` does not load them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import manimflat
from manimflat.analyses import plugins
from manimflat.cli import cli
from manimflat.settings import SettingsError

pytest.importorskip("manim_ml", reason="scripts/setup.sh installs manim-ml")

GRID = """
from manim import *
from manim_ml.utils.mobjects.gridded_rectangle import GriddedRectangle


class S(Scene):
    def construct(self):
        self.add(GriddedRectangle(width=2, height=1))
"""
PHYSICS = """
from manim import *
from manim_physics import SpaceScene


class S(SpaceScene):
    def construct(self):
        self.add(Circle())
"""


def test_an_installed_pure_python_plugin_is_inlined_by_default(make_repo) -> None:
    result = manimflat.flatten(make_repo({"scene.py": GRID}), "S")
    assert result.ok and result.plugins == {"manim_ml": "inline"} and result.requires == []
    version = plugins.installed("manim_ml").version  # type: ignore[union-attr]
    header = (f"# Inlined from the Manim plugin manim-ml {version} (license: MIT License), "
              "package manim_ml")
    assert header in result.code
    assert result.code.index(header) < result.code.index("class GriddedRectangle(VGroup):")
    assert "manim_ml" not in result.code.replace(header, "")
    assert any(d.code == "MF224" for d in result.diagnostics)


def test_allow_keeps_the_import_and_requires_it(make_repo) -> None:
    result = manimflat.flatten(make_repo({"scene.py": GRID}), "S",
                               plugins={"manim_ml": "allow"})
    assert result.ok, [d.format() for d in result.diagnostics]
    assert "from manim_ml.utils.mobjects.gridded_rectangle import GriddedRectangle" \
        in result.code
    assert "class GriddedRectangle" not in result.code
    assert result.requires == ["manim_ml"] and result.plugins == {"manim_ml": "allow"}


def test_reject_is_an_error_naming_the_plugin(make_repo) -> None:
    result = manimflat.flatten(make_repo({"scene.py": GRID}), "S",
                               plugins={"manim_ml": "reject"})
    errors = [d for d in result.diagnostics if d.code == "MF222"]
    assert result.status == "failed" and len(errors) == 1
    assert "`GriddedRectangle` of the Manim plugin manim_ml" in errors[0].message
    assert "policy for manim_ml is reject" in errors[0].message
    assert result.plugins == {"manim_ml": "reject"}


def test_a_plugin_that_is_not_installed_says_what_to_install(make_repo) -> None:
    if plugins.installed("manim_physics") is not None:
        pytest.skip("manim_physics is installed here")
    result = manimflat.flatten(make_repo({"scene.py": PHYSICS}), "S")
    message = next(d.message for d in result.diagnostics if d.code == "MF222")
    assert "`pip install manim-physics`" in message and 'manim_physics = "allow"' in message
    assert result.status == "failed" and result.plugins == {"manim_physics": "reject"}


def test_a_plugin_with_data_files_cannot_be_inlined(make_repo) -> None:
    slides = plugins.installed("manim_slides")
    if slides is None:
        pytest.skip("manim-slides is in the test extra")
    assert slides.data  # its HTML templates: its code needs files that are not Python
    result = manimflat.flatten(make_repo({"scene.py": PHYSICS.replace(
        "manim_physics import SpaceScene", "manim_slides import Slide").replace(
        "SpaceScene)", "Slide)")}), "S", plugins={"manim_slides": "inline"})
    message = next(d.message for d in result.diagnostics if d.code == "MF222")
    assert "cannot be inlined" in message and "manim_slides/templates/" in message


def test_the_scanned_repository_cannot_choose_its_plugin_policy(make_repo) -> None:
    repo = make_repo({"scene.py": GRID, "pyproject.toml":
                      '[tool.manimflat]\nplugins = { manim_ml = "allow" }\n'})
    result = manimflat.flatten(repo, "S")
    ignored = [d for d in result.diagnostics if d.code == "MF113"]
    assert ignored and "'plugins' ignored" in ignored[0].message
    assert result.plugins == {"manim_ml": "inline"} and "from manim_ml" not in result.code


def test_the_callers_pyproject_and_the_cli_choose(make_repo, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo({"scene.py": GRID})
    caller = tmp_path / "caller"
    caller.mkdir()
    (caller / "pyproject.toml").write_text(
        '[tool.manimflat]\nplugins = { manim_ml = "allow" }\n', encoding="utf-8")
    monkeypatch.chdir(caller)
    assert manimflat.flatten(repo, "S").plugins == {"manim_ml": "allow"}
    out = tmp_path / "S.py"
    run = CliRunner().invoke(cli, [str(repo), "--scene", "S", "-o", str(out),
                                   "--plugin", "manim_ml=inline"])
    assert run.exit_code == 0, run.output
    assert "class GriddedRectangle" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli, [str(repo), "--scene", "S", "--plugin", "manim_ml=maybe"])
    assert bad.exit_code == 2 and "lower, inline, allow, reject" in bad.output


def test_plugin_settings_are_checked() -> None:
    with pytest.raises(SettingsError, match="NAME=POLICY"):
        manimflat.flatten(".", "S", plugins=["manim_ml"])
    with pytest.raises(SettingsError, match="not an import name"):
        manimflat.flatten(".", "S", plugins={"manim-ml": "inline"})


def test_installed_plugins_are_read_not_imported() -> None:
    code = ("import sys\nfrom manimflat.analyses import plugins\n"
            "found = plugins.installed('manim_ml')\n"
            "print(found.distribution, len(found.files), 'manim_ml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "manim-ml" and int(out[1]) > 10 and out[2] == "False"


OPTIONAL = """
from manim import *

try:  # optional: the scene works without it
    from manim_physics import {imports}
    HAS_PHYSICS = True
except ImportError as exc:
    print("no physics:", exc)
    SpaceScene = Scene
    HAS_PHYSICS = False


class S(Scene):
    def construct(self):
        self.add(Circle() if HAS_PHYSICS else Text(SpaceScene.__name__))
"""


FLAGGED = """
from manim import *

try:
    from manim_physics import *
    HAS_PHYSICS = True
except Exception:
    HAS_PHYSICS = False


def field():
    if not HAS_PHYSICS:
        return VGroup(Dot())
    return ElectricField(Charge(1, LEFT))


def flip():
    global HAS_PHYSICS
    HAS_PHYSICS = not HAS_PHYSICS


class S(Scene):
    def construct(self):
        self.add(field())
"""


def test_code_the_fallback_flag_rules_out_is_folded(make_repo) -> None:
    """`if not HAS_PHYSICS: return ...` after a fallback that sets the flag to False: what
    follows never runs without the plugin, so it goes, and with it the plugin's names."""
    if plugins.installed("manim_physics") is not None:
        pytest.skip("manim_physics is installed here")
    source = FLAGGED.replace("def flip():\n    global HAS_PHYSICS\n"
                             "    HAS_PHYSICS = not HAS_PHYSICS\n\n\n", "")
    result = manimflat.flatten(make_repo({"scene.py": source}), "S")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert "def field():\n    return VGroup(Dot())\n" in result.code
    assert "ElectricField" not in result.code and "manim_physics" not in result.code
    assert any(d.code == "MF225" and "folded away in 1" in d.message
               for d in result.diagnostics)
    # a flag the code rebinds is no constant: nothing is folded, the plugin is named
    rebound = manimflat.flatten(make_repo({"scene.py": FLAGGED}), "S")
    assert not rebound.ok
    assert any(d.code == "MF222" and "ElectricField" in d.message for d in rebound.diagnostics)


def test_an_absent_optional_plugin_leaves_its_fallback(make_repo) -> None:
    if plugins.installed("manim_physics") is not None:
        pytest.skip("manim_physics is installed here")
    result = manimflat.flatten(make_repo({"scene.py": OPTIONAL.format(imports="SpaceScene")}),
                               "S")
    assert result.ok and result.requires == [], [d.format() for d in result.diagnostics]
    assert "manim_physics" not in result.code.replace("'manim_physics'", "")
    assert "exc = ModuleNotFoundError(\"No module named 'manim_physics'\")\n" \
           "print(\"no physics:\", exc)\nSpaceScene = Scene\nHAS_PHYSICS = False\n" \
        in result.code
    assert [d.code for d in result.diagnostics if d.code.startswith("MF22")] == ["MF225"]
    # a star import binds names nobody can list: the fallback replaces it when the module
    # needs none of them...
    star = manimflat.flatten(make_repo({"scene.py": OPTIONAL.format(imports="*")}), "S")
    assert star.ok and "manim_physics" not in star.code.replace("'manim_physics'", "")
    assert [d.code for d in star.diagnostics if d.code.startswith("MF22")] == ["MF225"]
    # ...and is refused, naming the plugin and the name, when the code uses one only the
    # plugin would bind
    needs = OPTIONAL.format(imports="*").replace("Circle()", "Wall(width=4)")
    star = manimflat.flatten(make_repo({"scene.py": needs}), "S")
    assert not star.ok
    assert any(d.code == "MF222" and "manim_physics" in d.message and "Wall" in d.message
               and d.is_error for d in star.diagnostics)
