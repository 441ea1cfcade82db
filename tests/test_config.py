"""`[tool.manimflat]`: loading, precedence, validation, and `manimflat config`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_repo

import manimflat
import manimflat.pass_manager
from manimflat.cli import cli
from manimflat.settings import DEFAULT_ALLOWED_IMPORTS, SettingsError, load_settings

SCENE = """
    from manim import *
    import sympy


    class Intro(Scene):
        def construct(self):
            self.add(Text(str(sympy.pi)))


    class Outro(Scene):
        def construct(self):
            self.add(Dot())
    """


def _repo(tmp_path: Path, pyproject: str) -> Path:
    return write_repo(tmp_path / "repo", {"scenes/main.py": SCENE, "pyproject.toml": pyproject,
                                          "old/legacy.py": SCENE})


def test_repo_pyproject_sets_every_documented_kind_of_key(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no caller pyproject
    root = _repo(tmp_path, """
        [tool.manimflat]
        extend-allowed-imports = ["sympy"]
        assets = "keep"
        verify = "static"
        output-name = "{scene}_flat.py"
        emit-dir = "build/flat"
        exclude = ["old"]
        scenes = ["Intro*"]
        """)
    s = load_settings(root)
    assert s.allowed_imports == (*DEFAULT_ALLOWED_IMPORTS, "sympy")
    assert (s.assets, s.verify, s.output_name, s.emit_dir) == (
        "keep", "static", "{scene}_flat.py", "build/flat")
    # Excluded paths and scene filters act on discovery; the allow-list on resolution.
    assert [(r.path, r.name) for r in manimflat.discover(root)] == [("scenes/main.py", "Intro")]
    result = manimflat.flatten(root, "Intro")
    assert result.ok and "import sympy" in (result.code or ""), result.diagnostics


def test_output_name_with_module_works_with_verification(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, '[tool.manimflat]\noutput-name = "{module}_{scene}.py"\n')
    assert manimflat.flatten(root, "scenes/main.py:Outro", verify="syntax").ok


def test_without_the_allow_list_entry_the_import_is_reported(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, "[tool.manimflat]\nexclude = ['old']\n")
    result = manimflat.flatten(root, "Intro")
    assert "MF106" in [d.code for d in result.diagnostics]


def test_flags_override_the_repo_which_overrides_the_caller(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    caller = tmp_path / "caller"
    caller.mkdir()
    (caller / "pyproject.toml").write_text('[tool.manimflat]\nassets = "reject"\njobs = 3\n')
    monkeypatch.chdir(caller)
    root = _repo(tmp_path, '[tool.manimflat]\nassets = "keep"\n')
    assert (load_settings(root).assets, load_settings(root).jobs) == ("keep", 3)
    assert load_settings(root, assets="replace").assets == "replace"
    assert load_settings(root, assets=None).assets == "keep"  # an unset flag is no override
    # The CLI flag wins over the repo's pyproject on the real command too.
    runner = CliRunner()
    out = runner.invoke(cli, ["config", str(root), "--json", "--set", "assets=replace"])
    data = json.loads(out.output)["settings"]
    assert data["assets"] == {"value": "replace", "source": "command line"}
    assert data["jobs"] == {"value": 3, "source": str(caller.resolve() / "pyproject.toml")}
    assert data["timeout"] == {"value": 60.0, "source": "default"}


@pytest.mark.parametrize(("table", "message"), [
    ('asets = "keep"', "unknown manimflat setting 'asets' (did you mean 'assets'?)"),
    ("emit_dri = 'x'", "(did you mean 'emit-dir'?)"),
    ("jobs = 'four'", "jobs must be an integer, not 'four'"),
    ("exclude = 'old'", None),  # a single string is a one-element list
    ("scenes = [1]", "scenes must be a list of strings"),
    ('verify = "full"', "verify must be one of none, syntax, static, exec, render"),
    ('output-name = "{name}.py"', "output_name '{name}.py' may use only {scene} and {module}"),
])
def test_invalid_pyproject_is_rejected_with_its_location(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         table: str, message: str | None
                                                         ) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, f"[tool.manimflat]\n{table}\n")
    if message is None:
        assert load_settings(root).exclude == ("old",)
        return
    with pytest.raises(SettingsError) as info:
        load_settings(root)
    assert str(root / "pyproject.toml") in str(info.value)
    assert message in str(info.value)
    # On the command line it is a usage error (exit 2), never a traceback.
    result = CliRunner().invoke(cli, [str(root), "--list"])
    assert result.exit_code == 2 and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_unknown_library_option_is_rejected() -> None:
    with pytest.raises(SettingsError, match="did you mean 'merge-bases'"):
        load_settings(None, merge_base=True)


def test_config_command_prints_toml_with_sources(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, '[tool.manimflat]\nverify = "exec"\nscenes = ["Intro"]\n')
    out = CliRunner().invoke(cli, ["config", str(root / "scenes"), "-s", "jobs=2"])
    assert out.exit_code == 0, out.output
    where = str(root / "pyproject.toml")
    lines = out.output.splitlines()
    assert lines[:2] == [f"# effective settings for {root}", "[tool.manimflat]"]
    assert f'verify = "exec"  # {where}' in lines
    assert f'scenes = ["Intro"]  # {where}' in lines
    assert "jobs = 2  # command line" in lines
    assert 'emit-dir = "flat"  # default' in lines
    # What it prints is valid [tool.manimflat] that gives the same settings back.
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "pyproject.toml").write_text(out.output)
    assert load_settings(tmp_path / "copy") == load_settings(root, jobs=2)


def test_config_command_rejects_a_bad_override() -> None:
    out = CliRunner().invoke(cli, ["config", "--set", "verfy=exec"])
    assert out.exit_code == 2
    assert "did you mean 'verify'?" in out.output
    out = CliRunner().invoke(cli, ["config", "--set", "verify"])
    assert out.exit_code == 2 and "is not KEY=VALUE" in out.output
