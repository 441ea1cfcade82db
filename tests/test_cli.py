"""The command line contract of DESIGN.md: outputs, report schema, formats, exit codes."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CORE, write_repo

import manimflat
from manimflat.cli import main
from manimflat.outputs import write_atomic

PIPE = ",".join([*CORE, "verify-syntax", "verify-static"])
REPO = {
    "helpers.py": "from manim import *\n\ndef ring():\n    return Annulus()\n",
    "scenes/a.py": "from manim import *\nfrom helpers import ring\n\nclass A(Scene):\n"
                   "    def construct(self):\n        self.add(ring())\n",
    "scenes/b.py": "from manim import *\n\nclass A(Scene):\n    def construct(self):\n"
                   "        self.add(Square())\n\nclass Base(Scene):\n    def setup(self):\n"
                   "        pass\n",
    "gl.py": "from manimlib import *\n\nclass G(Scene):\n    def construct(self):\n"
             "        pass\n",
}


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "manimflat", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120, check=False)


def test_list_prints_path_line_name_dialect(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    out = cli(str(repo), "--list")
    assert out.returncode == 0
    assert out.stdout.splitlines() == ["gl.py:3 G manimgl", "scenes/a.py:4 A manim-ce",
                                       "scenes/b.py:3 A manim-ce",
                                       "scenes/b.py:7 Base manim-ce (base)"]


def test_ambiguous_scene_needs_a_path_and_then_writes_the_file(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    out = cli(str(repo), "--scene", "A", "--passes", PIPE)
    assert out.returncode == 1 and "MF109" in out.stderr and "scenes/a.py:A" in out.stderr
    target = tmp_path / "flat.py"
    out = cli(str(repo), "--scene", "scenes/a.py:A", "--passes", PIPE, "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert "def ring" in target.read_text()


def test_all_writes_one_file_per_scene_and_the_report(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    out_dir, report = tmp_path / "out", tmp_path / "report.json"
    out = cli(str(repo), "--all", "-o", str(out_dir), "--report", str(report), "--passes", PIPE)
    assert out.returncode == 0, out.stderr
    data = json.loads(report.read_text())
    assert data["tool"] == {"name": "manimflat", "version": manimflat.__version__}
    assert data["root"] == str(repo.resolve())
    assert data["pipeline"] == PIPE  # the exact pipeline that ran, as a spec
    rows = {(r["module"], r["scene"]): r for r in data["scenes"]}
    assert {k: r["status"] for k, r in rows.items()} == {
        ("gl.py", "G"): "skipped", ("scenes/a.py", "A"): "ok", ("scenes/b.py", "A"): "ok",
        ("scenes/b.py", "Base"): "skipped"}
    row = rows[("scenes/a.py", "A")]
    assert set(row) >= {"scene", "module", "line", "output", "status", "dialect",
                        "diagnostics", "assets", "inlined", "lines", "seconds"}
    assert row["inlined"] == ["helpers.py:ring"] and row["dialect"] == "manim-ce"
    assert Path(row["output"]).read_text().count("class A(Scene)") == 1
    assert sorted(p.name for p in out_dir.iterdir()) == ["scenes__a__A.py", "scenes__b__A.py"]
    assert rows[("gl.py", "G")]["diagnostics"][0]["code"] == "MF105"


def test_formats_md_and_json(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    md = cli(str(repo), "--scene", "scenes/a.py:A", "--passes", PIPE, "--format", "md")
    assert md.stdout.startswith("```python\nfrom manim import *") and \
        md.stdout.rstrip().endswith("```")
    js = json.loads(cli(str(repo), "--scene", "scenes/a.py:A", "--passes", PIPE,
                        "--format", "json").stdout)
    assert js["scene"] == "A" and js["code"].startswith("from manim import *")


def test_exit_codes(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    assert main([str(repo), "--scene", "Nope", "--passes", PIPE]) == 1
    assert main([str(repo)]) == 2  # neither --scene, --list nor --all
    assert main([str(repo), "--scene", "scenes/a.py:A", "--passes", "emit"]) == 2
    assert main(["--version"]) == 0


def test_sub_folder_finds_the_root_and_limits_the_listing(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    out = cli(str(repo / "scenes"), "--list")
    assert [line.split()[1] for line in out.stdout.splitlines()] == ["A", "A", "Base"]
    flat = cli(str(repo / "scenes"), "--scene", "a.py:A", "--passes", PIPE)
    assert flat.returncode == 0 and "def ring" in flat.stdout  # helpers.py above is found


# -- output paths and hygiene ----------------------------------------------------------------

def _no_traceback(out: subprocess.CompletedProcess[str], code: int) -> str:
    assert out.returncode == code, out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    return out.stderr


def test_outputs_that_cannot_be_written_are_usage_errors(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    (tmp_path / "file").write_text("not a folder\n")
    (tmp_path / "folder").mkdir()
    for args, why in [
            (["--all", "-o", str(tmp_path / "file" / "out")], "is a file, not a folder"),
            (["--all", "-o", str(tmp_path / "file")], "is a file, not a folder"),
            (["--scene", "scenes/a.py:A", "-o", str(tmp_path / "file" / "a.py")],
             "is a file, not a folder"),
            (["--scene", "scenes/a.py:A", "-o", str(tmp_path / "folder")],
             "is a folder; give a file name"),
            (["--all", "-o", str(tmp_path / "out"), "--report", str(tmp_path / "folder")],
             "--report: " + str(tmp_path / "folder") + " is a folder; give a file name")]:
        err = _no_traceback(cli(str(repo), *args, "--passes", PIPE), 2)
        assert why in err, err
    assert not (tmp_path / "out").exists()  # refused before any work
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder", "r"]


def test_a_file_name_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    name = b"sc\xe8ne.py"  # Latin-1, as old repositories have
    repo = write_repo(tmp_path / "r", {})
    (repo / os.fsdecode(name)).write_text("from manim import *\n\n\nclass A(Scene):\n"
                                          "    def construct(self):\n        self.add(Dot())\n")
    report = tmp_path / "report.json"
    _no_traceback(cli(str(repo), "--all", "-o", str(tmp_path / "out"), "--report", str(report),
                      "--passes", PIPE), 0)
    row = json.loads(report.read_text(encoding="utf-8"))["scenes"][0]
    # Written as a \udce8 escape: the original bytes come back with os.fsencode.
    assert os.fsencode(row["module"]) == name and row["status"] == "ok"
    assert Path(row["output"]).name == "A.py"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_created_files_respect_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    out = subprocess.run(
        [sys.executable, "-c", (f"import os, sys; os.umask({umask}); "
                                "from manimflat.cli import main; sys.exit(main(sys.argv[1:]))"),
         str(repo), "--all", "-o", str(tmp_path / "out"), "--report",
         str(tmp_path / "report.json"), "--passes", PIPE],
        capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    written = [tmp_path / "report.json", *(tmp_path / "out").iterdir()]
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in written} == dict.fromkeys(
        ["report.json", "scenes__a__A.py", "scenes__b__A.py"], mode)


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "A.py"
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "ok so far \udcff")  # cannot be encoded: fails mid-write
    assert list((tmp_path / "out").iterdir()) == []
    write_atomic(target, "done\n")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["A.py"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path: Path, signum: int) -> None:
    # What manimflat's entry point does (sigterm_exits), then a write that is interrupted.
    # SIGINT's default handler is restored: a shell's background job inherits it ignored.
    code = ("import signal, sys, time\nfrom pathlib import Path\n"
            "from manimflat.outputs import atomic_path, sigterm_exits\n"
            "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "with sigterm_exits(), atomic_path(Path(sys.argv[1])) as tmp:\n"
            "    tmp.write_text('half')\n    print('writing', flush=True)\n    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "A.py")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    assert [p.name.endswith(".tmp") for p in tmp_path.iterdir()] == [True]
    proc.send_signal(signum)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert list(tmp_path.iterdir()) == []  # neither the temporary nor a half-written A.py


def test_the_entry_point_restores_the_callers_sigterm_handler(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    assert main([str(write_repo(tmp_path / "r", REPO)), "--list"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_scene_prints_what_reading_its_files_found(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", {
        "manim.cfg": "[CLI]\nbackground_color = %(missing)s\n",
        "broken.py": "def f(:\n",
        "s.py": "from manim import *\n\nclass A(Scene):\n    def construct(self):\n"
                "        self.add(Dot())\n"})
    out = cli(str(repo), "--scene", "A", "-o", str(tmp_path / "A.py"))
    assert out.returncode == 0, out.stderr
    assert "manim.cfg:2: warning MF116" in out.stderr
    assert "broken.py" not in out.stderr  # a file the scene does not use is --list's business
