"""`[tool.manimflat]`: loading, precedence, validation, and `manimflat config`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_repo

import manimflat
import manimflat.pass_manager
from manimflat.cli import cli
from manimflat.settings import (
    DEFAULT_ALLOWED_IMPORTS,
    Settings,
    SettingsError,
    load_settings,
    resolve_settings,
)

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


def _caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pyproject: str) -> Path:
    """A working directory outside the repository, with the caller's own pyproject."""
    caller = tmp_path / "caller"
    caller.mkdir()
    (caller / "pyproject.toml").write_text(textwrap.dedent(pyproject), encoding="utf-8")
    monkeypatch.chdir(caller)
    return caller


EVERY_KIND = """
    [tool.manimflat]
    extend-allowed-imports = ["sympy"]
    assets = "keep"
    verify = "static"
    output-name = "{scene}_flat.py"
    emit-dir = "build/flat"
    exclude = ["old"]
    scenes = ["Intro*"]
    """


def test_the_callers_pyproject_sets_every_documented_kind_of_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _caller(tmp_path, monkeypatch, EVERY_KIND)
    root = _repo(tmp_path, "[project]\nname = 'talk'\n")
    s = load_settings(root)
    assert s.allowed_imports == (*DEFAULT_ALLOWED_IMPORTS, "sympy")
    assert (s.assets, s.verify, s.output_name, s.emit_dir) == (
        "keep", "static", "{scene}_flat.py", "build/flat")
    # Excluded paths and scene filters act on discovery; the allow-list on resolution.
    assert [(r.path, r.name) for r in manimflat.discover(root)] == [("scenes/main.py", "Intro")]
    result = manimflat.flatten(root, "Intro")
    assert result.ok and "import sympy" in (result.code or ""), result.diagnostics


def test_the_repos_pyproject_sets_only_content_keys(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no caller pyproject
    root = _repo(tmp_path, EVERY_KIND)
    settings, origin, notes = resolve_settings(root)
    assert settings.exclude == ("old",) and settings.scenes == ("Intro*",)
    assert settings == Settings(exclude=("old",), scenes=("Intro*",))
    assert origin["scenes"] == str(root / "pyproject.toml") and origin["verify"] == "default"
    # Each refused key is a warning at its line of the repo's pyproject.toml.
    assert [(d.code, d.severity.value, d.path, d.line, d.message.split()[0]) for d in notes] == [
        ("MF113", "warning", "pyproject.toml", line, repr(key)) for line, key in
        [(2, "extend-allowed-imports"), (3, "assets"), (4, "verify"), (5, "output-name"),
         (6, "emit-dir")]]
    # The library reports them with the result; the flattened file may not import sympy.
    result = manimflat.flatten(root, "Intro")
    assert [d.line for d in result.diagnostics if d.code == "MF113"] == [2, 3, 4, 5, 6]
    assert "MF106" in [d.code for d in result.diagnostics]


def test_output_name_with_module_works_with_verification(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, "[tool.manimflat]\nexclude = ['old']\n")
    assert manimflat.flatten(root, "scenes/main.py:Outro", verify="syntax",
                             output_name="{module}_{scene}.py").ok


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
    caller = _caller(tmp_path, monkeypatch, '[tool.manimflat]\nscenes = ["Outro"]\njobs = 3\n')
    root = _repo(tmp_path, '[tool.manimflat]\nscenes = ["Intro"]\n')
    assert (load_settings(root).scenes, load_settings(root).jobs) == (("Intro",), 3)
    assert load_settings(root, scenes=["*"]).scenes == ("*",)
    assert load_settings(root, scenes=None).scenes == ("Intro",)  # an unset flag: no override
    # The CLI override wins over the repo's pyproject on the real command too.
    runner = CliRunner()
    out = runner.invoke(cli, ["config", str(root), "--json", "--set", "scenes=['Outro']"])
    data = json.loads(out.output)["settings"]
    assert data["scenes"] == {"value": ["Outro"], "source": "command line"}
    assert data["jobs"] == {"value": 3, "source": str(caller.resolve() / "pyproject.toml")}
    assert data["timeout"] == {"value": 60.0, "source": "default"}


def test_a_pyproject_inside_the_repo_is_the_repos_even_as_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Running from inside the repository (as pre-commit does) makes its pyproject no more
    trusted: the hook's arguments are the caller's settings."""
    root = _repo(tmp_path, '[tool.manimflat]\nverify = "exec"\nscenes = ["Intro"]\n')
    for cwd in (root, root / "scenes"):
        monkeypatch.chdir(cwd)
        settings, _, notes = resolve_settings(root)
        assert (settings.verify, settings.scenes) == ("static", ("Intro",))
        assert [(d.code, d.line) for d in notes] == [("MF113", 2)]


@pytest.mark.parametrize(("table", "message"), [
    ('asets = "keep"', "unknown manimflat setting 'asets' (did you mean 'assets'?)"),
    ("emit_dri = 'x'", "(did you mean 'emit-dir'?)"),
    ("jobs = 'four'", "jobs must be an integer, not 'four'"),
    ("exclude = 'old'", None),  # a single string is a one-element list
    ("scenes = [1]", "scenes must be a list of strings"),
    ('verify = "full"', "verify must be one of none, syntax, static, exec, render"),
    ('output-name = "{name}.py"', "output_name '{name}.py' may use only {scene} and {module}"),
    ('output-name = "../{scene}.py"', "output_name must be a file name relative to the output"),
    ('output-name = "/tmp/{scene}.py"', "output_name must be a file name relative"),
    ('emit-dir = "/tmp/x"', "emit_dir must be a folder inside the repository"),
    ('emit-dir = "a/../../x"', "emit_dir must be a folder inside the repository"),
    ("timeout = 0", "timeout must be more than 0 and at most 86400 seconds, not 0.0"),
    ("timeout = nan", "timeout must be more than 0"),
    ("timeout = 1e9", "timeout must be more than 0"),
    ("memory-mb = -1", "memory_mb must be between 128 and 1048576, not -1"),
    ("jobs = 0", "jobs must be between 1 and 256, not 0"),
])
def test_an_invalid_caller_pyproject_is_rejected_with_its_location(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, message: str | None
        ) -> None:
    caller = _caller(tmp_path, monkeypatch, f"[tool.manimflat]\n{table}\n")
    root = _repo(tmp_path, "")
    if message is None:
        assert load_settings(root).exclude == ("old",)
        return
    with pytest.raises(SettingsError) as info:
        load_settings(root)
    assert str(caller.resolve() / "pyproject.toml") in str(info.value)
    assert message in str(info.value)
    # On the command line it is a usage error (exit 2), never a traceback.
    result = CliRunner().invoke(cli, [str(root), "--list"])
    assert result.exit_code == 2 and message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(("pyproject", "message"), [
    ('[tool.manimflat]\nasets = "keep"', "(did you mean 'assets'?); the key is ignored"),
    ("[tool.manimflat]\nscenes = [1]", "scenes must be a list of strings"),
    ("[tool.manimflat", "cannot read [tool.manimflat]"),
    ("[tool]\nmanimflat = 3", "[tool.manimflat] must be a table"),
    ("tool = 3\n" + "# padding\n" * 300_000, "larger than 2 MB"),
])
def test_an_invalid_repo_pyproject_is_a_warning_not_the_callers_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pyproject: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, f"{pyproject}\n")
    result = CliRunner().invoke(cli, [str(root), "--list"])
    assert result.exit_code == 0, result.output
    assert "scenes/main.py:5 Intro manim-ce" in result.output
    assert "pyproject.toml" in result.output and "warning MF113" in result.output
    assert message in result.output


def test_a_top_level_tool_that_is_not_a_table_is_no_manimflat_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _caller(tmp_path, monkeypatch, "tool = 3\n")
    assert load_settings(None) == Settings()


@pytest.mark.parametrize(("flag", "message"), [
    ("--timeout=0", "timeout must be more than 0"),
    ("--timeout=-5", "timeout must be more than 0"),
    ("--timeout=inf", "timeout must be more than 0"),
    ("--memory-mb=-1", "memory_mb must be between 128"),
    ("--memory-mb=99999999", "memory_mb must be between 128"),
    ("--jobs=0", "jobs must be between 1"),
])
def test_absurd_limits_on_the_command_line_are_usage_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, "")
    result = CliRunner().invoke(cli, [str(root), "--all", "-o", str(tmp_path / "out"), flag])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "out").exists()
    with pytest.raises(SettingsError, match=message.split()[0]):
        manimflat.flatten(root, "Intro", **{flag[2:].split("=")[0].replace("-", "_"):
                                            float(flag.split("=")[1])
                                            if "timeout" in flag else int(flag.split("=")[1])})


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
    assert 'verify = "static"  # default' in lines  # the repository may not set it
    assert f'scenes = ["Intro"]  # {where}' in lines
    assert "jobs = 2  # command line" in lines
    assert 'emit-dir = "flat"  # default' in lines
    # What it prints is valid [tool.manimflat] that gives the same settings back, as the
    # caller's pyproject (as a repository's, most keys would be ignored).
    expected = load_settings(root, jobs=2)
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "pyproject.toml").write_text(out.output)
    monkeypatch.chdir(tmp_path / "copy")
    assert load_settings(None) == expected


def test_config_command_rejects_a_bad_override() -> None:
    out = CliRunner().invoke(cli, ["config", "--set", "verfy=exec"])
    assert out.exit_code == 2
    assert "did you mean 'verify'?" in out.output
    out = CliRunner().invoke(cli, ["config", "--set", "verify"])
    assert out.exit_code == 2 and "is not KEY=VALUE" in out.output
