"""The command line contract of DESIGN.md: outputs, report schema, formats, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import CORE, write_repo

import manimflat
from manimflat.cli import main

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
                          text=True, cwd=cwd, timeout=120)


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
