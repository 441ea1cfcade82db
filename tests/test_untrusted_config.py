"""Hostile repositories: their own `[tool.manimflat]` decides nothing about what runs, where
files go or what is allowed, and no output leaves the chosen output folder.

Each probe builds a small hostile repo in a temp folder and runs the real command in a
subprocess (or the library, or the pre-commit entry), then checks that the contract held:
no marker file (nothing ran), no file outside the output folder, no traceback, the right
exit code and the MF113/MF114 diagnostic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_repo

import manimflat

MF = Path(manimflat.__file__).resolve().parents[1]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(MF)}
    return subprocess.run([sys.executable, "-m", "manimflat", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300, check=False)


def scene(marker: Path) -> str:
    """A scene that leaves `marker` behind (and fails) if anything imports or runs it."""
    return f"""
        from pathlib import Path
        from manim import *

        Path({str(marker)!r}).write_text("imported")


        class A(Scene):
            def construct(self):
                Path({str(marker)!r}).write_text("ran")
                raise RuntimeError("the repository's scene was executed")
        """


def hostile(tmp_path: Path, pyproject: str, **files: str) -> Path:
    repo = write_repo(tmp_path / "hostile", {"pyproject.toml": pyproject,
                                             "scene.py": scene(tmp_path / "MARKER"), **files})
    (tmp_path / "caller").mkdir()
    return repo


def files_named(folder: Path, name: str) -> list[Path]:
    return [p for p in folder.rglob(name)]


def clean(out: subprocess.CompletedProcess[str], code: int) -> str:
    assert out.returncode == code, out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    return out.stderr


EXEC = '[tool.manimflat]\nverify = "exec"\ntimeout = 600\n'


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_the_repo_cannot_switch_on_execution_from_the_command_line(tmp_path: Path,
                                                                   where: str) -> None:
    repo = hostile(tmp_path, EXEC)
    cwd = tmp_path / "caller" if where == "outside" else repo  # inside: as pre-commit runs
    err = clean(run(str(repo), "--scene", "A", "-o", str(tmp_path / "A.py"), "--report",
                    str(tmp_path / "r.json"), cwd=cwd), 0)
    assert "pyproject.toml:2: warning MF113 'verify' ignored" in err
    assert "pyproject.toml:3: warning MF113 'timeout' ignored" in err
    report = json.loads((tmp_path / "r.json").read_text())
    scene = report["scenes"][0]  # only the static level, which runs no code
    assert scene["status"] == "ok" and set(scene["verification"]) == {"syntax", "static"}
    assert [d["code"] for d in report["diagnostics"]] == ["MF113", "MF113"]
    err = clean(run(str(repo), "--all", "-o", str(tmp_path / "out"), cwd=cwd), 0)
    assert "warning MF113 'verify' ignored" in err and "MF407" not in err
    assert not (tmp_path / "MARKER").exists()


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_the_repo_cannot_switch_on_execution_in_the_pre_commit_hook(tmp_path: Path,
                                                                    where: str) -> None:
    repo = hostile(tmp_path, EXEC)
    cwd = tmp_path / "caller" if where == "outside" else repo
    target = str(repo / "scene.py") if where == "outside" else "scene.py"
    err = clean(run("check", target, cwd=cwd), 0)  # verified statically, never run
    assert "warning MF113 'verify' ignored" in err and "MF407" not in err
    assert not (tmp_path / "MARKER").exists()


def test_the_repo_cannot_switch_on_execution_through_the_library(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = hostile(tmp_path, EXEC)
    monkeypatch.chdir(tmp_path / "caller")
    for result in (manimflat.flatten(repo, "A"), *manimflat.flatten_all(repo)):
        assert result.status == "ok" and set(result.verification) == {"syntax", "static"}
        assert [(d.code, d.line) for d in result.diagnostics if d.code == "MF113"] == [
            ("MF113", 2), ("MF113", 3)]
    assert not (tmp_path / "MARKER").exists()


def test_the_caller_can_switch_on_execution(tmp_path: Path) -> None:
    """The control for the probes above: the same scene fails verification when the caller
    asks for `exec` (the sandbox refuses its marker write, or it raises), so an empty
    verification without `exec` there means it did not run."""
    repo = hostile(tmp_path, "")
    err = clean(run(str(repo), "--scene", "A", "--verify", "exec", cwd=tmp_path / "caller"), 1)
    assert any(" error MF4" in line and line.endswith("[verify-exec]")
               for line in err.splitlines()), err
    assert not (tmp_path / "MARKER").exists()


def test_the_repo_output_name_cannot_write_outside_the_output_folder(tmp_path: Path) -> None:
    repo = hostile(tmp_path, '[tool.manimflat]\noutput-name = "../../victim.txt"\n')
    out = tmp_path / "caller" / "out" / "d"
    err = clean(run(str(repo), "--all", "-o", "out/d", cwd=tmp_path / "caller"), 0)
    assert "pyproject.toml:2: warning MF113 'output-name' ignored" in err
    assert [p.name for p in out.iterdir()] == ["A.py"]
    assert files_named(tmp_path, "victim.txt") == []


def test_the_repo_emit_dir_cannot_point_anywhere(tmp_path: Path) -> None:
    anywhere = tmp_path / "anywhere"
    repo = hostile(tmp_path, f'[tool.manimflat]\nemit-dir = "{anywhere}"\n')
    err = clean(run("emit", "scene.py", cwd=repo), 1)  # 1: it wrote the copy
    assert "warning MF113 'emit-dir' ignored" in err
    assert (repo / "flat" / "A.py").is_file() and not anywhere.exists()


def test_the_repo_cannot_set_limits_or_widen_the_allow_list(tmp_path: Path) -> None:
    repo = hostile(tmp_path, """
        [tool.manimflat]
        timeout = 0.000001
        memory-mb = -1
        jobs = 100000
        cache = false
        allowed-imports = ["sympy"]
        extend-allowed-imports = ["sympy"]
        """, **{"uses_sympy.py": "from manim import *\nimport sympy\n\n\nclass B(Scene):\n"
                                 "    def construct(self):\n        self.add(Text(str(sympy.pi)))\n"})
    out = run("config", str(repo), "--json", cwd=tmp_path / "caller")
    settings = json.loads(out.stdout)["settings"]
    assert {k: settings[k]["source"] for k in (
        "timeout", "memory_mb", "jobs", "cache", "allowed_imports")} == dict.fromkeys(
        ("timeout", "memory_mb", "jobs", "cache", "allowed_imports"), "default")
    err = clean(run(str(repo), "--scene", "B", cwd=tmp_path / "caller"), 1)
    assert "MF106" in err  # sympy is still outside the allow-list
    assert err.count("warning MF113") == 6


def test_file_names_from_the_repo_cannot_lead_outside_the_output_folder(tmp_path: Path) -> None:
    # `...py` is a module whose name is `..`: with the caller's output-name "{module}/..."
    # its output would land beside the output folder.
    repo = write_repo(tmp_path / "hostile", {
        "...py": "from manim import *\n\n\nclass A(Scene):\n    def construct(self):\n"
                 "        self.add(Dot())\n"})
    caller = tmp_path / "caller"
    caller.mkdir()
    (caller / "pyproject.toml").write_text('[tool.manimflat]\noutput-name = "{module}/{scene}.py"\n')
    err = clean(run(str(repo), "--all", "-o", "out/d", "--report", "r.json", cwd=caller), 1)
    assert "...py:4: error MF114 output path '../A.py' resolves to" in err
    assert "outside the output folder" in err
    assert files_named(tmp_path, "A.py") == []
    row = json.loads((caller / "r.json").read_text())["scenes"][0]
    assert (row["status"], row["output"]) == ("failed", None)


def test_a_symlink_in_the_output_folder_is_not_followed_outside(tmp_path: Path) -> None:
    repo = hostile(tmp_path, "")
    out = tmp_path / "caller" / "out"
    out.mkdir()
    (tmp_path / "victim.py").write_text("precious\n")
    (out / "A.py").symlink_to(tmp_path / "victim.py")
    err = clean(run(str(repo), "--all", "-o", "out", cwd=tmp_path / "caller"), 1)
    assert "scene.py:7: error MF114" in err
    assert (tmp_path / "victim.py").read_text() == "precious\n"


def test_a_repo_pyproject_symlinked_outside_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "pyproject.toml").write_text('[tool.manimflat]\nscenes = ["Nothing"]\n')
    repo = write_repo(tmp_path / "hostile", {"scene.py": scene(tmp_path / "MARKER")})
    (repo / "pyproject.toml").symlink_to(outside / "pyproject.toml")
    out = run(str(repo), "--list", cwd=tmp_path)
    err = clean(out, 0)
    assert out.stdout == "scene.py:7 A manim-ce\n"  # the outside filter was not applied
    assert "pyproject.toml: warning MF113 pyproject.toml: a symlink leaving the repository" in err
