"""The pre-commit hooks: as functions (`check_main`/`emit_main`) and through `pre-commit
try-repo` in a temporary git repository, which installs manimflat into a hook environment
built from the committed `.pre-commit-hooks.yaml`."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import write_repo

import manimflat
from manimflat.hooks import check_main, emit_main

SOURCE = Path(manimflat.__file__).resolve().parents[1]

CLEAN = {
    "scene.py": """
        from manim import *
        from helpers import make_dot


        class Clean(Scene):
            def construct(self):
                self.play(Create(make_dot()))
        """,
    "helpers.py": """
        from manim import *


        def make_dot():
            return Dot(color=BLUE)
        """,
}
BROKEN = {
    "broken.py": """
        from manim import *


        class Broken(Scene):
            def construct(self):
                self.add(undefined_thing)
        """,
}
MISSING_ASSET = {
    "house.py": """
        from manim import *


        class House(Scene):
            def construct(self):
                self.add(SVGMobject("icons/house.svg"))
        """,
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """A scene repository; the working directory is its root, as under pre-commit."""
    def make(*parts: dict[str, str]) -> Path:
        root = write_repo(tmp_path / "scenes", {k: v for p in parts for k, v in p.items()})
        monkeypatch.chdir(root)
        return root
    return make


def test_check_passes_a_clean_scene(repo: Callable[..., Path],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo(CLEAN)
    assert check_main(["scene.py", "helpers.py"]) == 0
    assert "error" not in capsys.readouterr().err


def test_check_fails_with_file_line_diagnostics(repo: Callable[..., Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    repo(CLEAN, BROKEN)
    assert check_main(["scene.py", "broken.py"]) == 1
    err = capsys.readouterr().err
    assert "broken.py:4: error MF103 name 'undefined_thing' is not defined" in err
    assert "broken.py:4: Broken cannot be flattened cleanly" in err
    assert "Clean" not in err  # only the failing scene is named


def test_check_fails_on_a_missing_asset(repo: Callable[..., Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    repo(MISSING_ASSET)
    assert check_main(["house.py"]) == 1
    err = capsys.readouterr().err
    assert "house.py:6:17: warning MF302 'icons/house.svg' is not in the repository" in err
    assert "House needs an asset file that is missing" in err


def test_check_fails_on_a_file_that_does_not_parse(repo: Callable[..., Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    repo({"bad.py": "class Oops(Scene:\n"})
    assert check_main(["bad.py"]) == 1
    assert "bad.py:1: warning MF102" in capsys.readouterr().err


def test_check_ignores_non_scene_and_deleted_files(repo: Callable[..., Path]) -> None:
    repo(CLEAN)
    assert check_main(["helpers.py", "gone.py", "README.md"]) == 0


def test_check_verifies_statically_unless_the_caller_says_otherwise(
        repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(CLEAN)
    # The repository's own table cannot choose the level (a hostile checkout would switch
    # on execution): a warning, and the hook stays at `static`.
    (root / "pyproject.toml").write_text('[tool.manimflat]\nverify = "syntax"\nverfy = 1\n')
    assert check_main(["scene.py"]) == 0
    err = capsys.readouterr().err
    assert "pyproject.toml:2: warning MF113 'verify' ignored" in err
    assert "pyproject.toml:3: warning MF113 unknown manimflat setting 'verfy' (did you mean " \
        "'verify'?)" in err
    # The hook's arguments (`args:` in .pre-commit-config.yaml) are the caller's settings.
    assert check_main(["--verify", "syntax", "scene.py"]) == 0
    assert check_main(["--verify", "exec", "--timeout", "0", "scene.py"]) == 2
    assert "timeout must be more than 0" in capsys.readouterr().err


def test_a_crashing_pass_exits_123_naming_the_pass_and_file(
        repo: Callable[..., Path], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from manimflat.passes.emit import Emit

    def crash(self: Emit, flat: object) -> frozenset[str]:
        raise RuntimeError("boom")
    monkeypatch.setattr(Emit, "run", crash)  # a bug in a pass, injected
    repo(CLEAN, MISSING_ASSET)
    assert check_main(["scene.py", "house.py"]) == 123
    err = capsys.readouterr().err
    assert "error: internal error in pass emit on file scene.py" in err
    assert "RuntimeError: boom" in err


def test_emit_writes_then_is_idempotent_and_restores_edits(
        repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(CLEAN)
    assert emit_main(["scene.py"]) == 1  # wrote the copy: fail, as formatters do
    copy = root / "flat" / "Clean.py"
    assert "refreshed flat/Clean.py" in capsys.readouterr().err
    assert copy.read_text() == manimflat.flatten(root, "scene.py:Clean").code
    assert emit_main(["scene.py", "helpers.py"]) == 0  # nothing to change
    copy.write_text(copy.read_text() + "# edited by hand\n")
    assert emit_main(["scene.py"]) == 1
    assert "edited by hand" not in copy.read_text()
    # The copies are outputs: they are never scanned as scenes of the repository.
    assert check_main(["flat/Clean.py"]) == 0
    assert [s.name for s in manimflat.discover(root, exclude=["flat"])] == ["Clean"]


def test_emit_folder_and_naming_come_from_the_hooks_arguments(
        repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(CLEAN)
    (root / "pyproject.toml").write_text(
        '[tool.manimflat]\nemit-dir = "../outside"\noutput-name = "../../{scene}.py"\n')
    assert emit_main(["scene.py"]) == 1
    assert "warning MF113 'emit-dir' ignored" in capsys.readouterr().err
    assert sorted(p.name for p in (root / "flat").iterdir()) == ["Clean.py"]
    assert not (root.parent / "outside").exists()
    assert emit_main(["--output-name", "{module}_{scene}.py", "scene.py"]) == 1
    assert (root / "flat" / "scene_Clean.py").is_file()
    assert emit_main(["--out-dir", "elsewhere", "scene.py"]) == 1
    assert emit_main(["--out-dir", "elsewhere", "scene.py"]) == 0  # its copies are not scanned
    assert sorted(p.name for p in (root / "elsewhere").iterdir()) == ["Clean.py"]


def test_emit_refuses_an_emit_folder_that_leads_outside_the_repository(
        repo: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(CLEAN)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "flat").symlink_to(outside)
    assert emit_main(["scene.py"]) == 1
    err = capsys.readouterr().err
    assert "scene.py:5: error MF114" in err and "outside the output folder" in err
    assert "Clean cannot be written; its copy is left as it was" in err
    assert list(outside.iterdir()) == []


def test_emit_leaves_a_failing_scene_unwritten(repo: Callable[..., Path]) -> None:
    root = repo(BROKEN)
    assert emit_main(["broken.py"]) == 1
    assert not (root / "flat").exists()


# -- through pre-commit itself -----------------------------------------------------------------

@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree of manimflat's tracked files, committed in a fresh git repository:
    `try-repo` installs what is committed, and the work here may not be committed yet."""
    if not (SOURCE / ".pre-commit-hooks.yaml").is_file() or shutil.which("pre-commit") is None:
        pytest.skip("needs a manimflat source checkout and pre-commit")
    dest = tmp_path_factory.mktemp("manimflat-src")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=SOURCE, check=True,
                             capture_output=True, text=True).stdout.split("\0")
    for rel in filter(None, tracked):
        if (SOURCE / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(SOURCE / rel, dest / rel)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-qm", "snapshot")
    return dest


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=cwd, check=True, capture_output=True)


def _try_repo(hook_repo: Path, scenes: Path, hook: str, *files: str
              ) -> subprocess.CompletedProcess[str]:
    _git(scenes, "init", "-q")
    _git(scenes, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(scenes.parent / "pre-commit-home"),
           # The hook environment is a real virtualenv with manimflat built and installed
           # from hook_repo; it sees the system's manim instead of installing its whole
           # dependency tree again (20 s instead of 7 s per run, measured).
           "VIRTUALENV_SYSTEM_SITE_PACKAGES": "1"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(["pre-commit", "try-repo", str(hook_repo), hook, "--files", *files],
                          cwd=scenes, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


def test_manifest_is_valid_and_names_installed_entry_points() -> None:
    if shutil.which("pre-commit") is None:
        pytest.skip("needs pre-commit")
    manifest = SOURCE / ".pre-commit-hooks.yaml"
    subprocess.run(["pre-commit", "validate-manifest", str(manifest)], check=True)
    text = manifest.read_text()
    pyproject = (SOURCE / "pyproject.toml").read_text()
    for hook, entry in (("manimflat-check", "check_main"), ("manimflat-emit", "emit_main")):
        assert f"id: {hook}\n" in text and f"entry: {hook}\n" in text
        assert f'{hook} = "manimflat.hooks:{entry}"' in pyproject


def test_pre_commit_check_passes_and_fails(hook_repo: Path, repo: Callable[..., Path]) -> None:
    scenes = repo(CLEAN, MISSING_ASSET)
    ok = _try_repo(hook_repo, scenes, "manimflat-check", "scene.py", "helpers.py")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "manimflat check" in ok.stdout and "Passed" in ok.stdout
    bad = _try_repo(hook_repo, scenes, "manimflat-check", "scene.py", "house.py")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "house.py:6:17: warning MF302" in bad.stdout
    assert "House needs an asset file that is missing" in bad.stdout


def test_pre_commit_emit_fails_when_it_writes_then_passes(
        hook_repo: Path, repo: Callable[..., Path]) -> None:
    scenes = repo(CLEAN)
    first = _try_repo(hook_repo, scenes, "manimflat-emit", "scene.py")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "refreshed flat/Clean.py" in first.stdout
    assert (scenes / "flat" / "Clean.py").read_text() == manimflat.flatten(scenes, "scene.py:Clean").code
    second = _try_repo(hook_repo, scenes, "manimflat-emit", "scene.py")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
