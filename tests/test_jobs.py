"""`--jobs`: the pool hands out whole files and the run's outputs and report are those of a
run with one job, in the same scene order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import CORE, write_repo

from manimflat.analyses.scenes import SceneRef
from manimflat.cli import _chunks_by_file

SCENE = "class {name}(Scene):\n    def construct(self):\n        self.add(Square())\n\n"
REPO = {f"part{i}.py": "from manim import *\n\n" + "".join(
    SCENE.format(name=f"S{i}x{j}") for j in range(i + 1)) for i in range(4)}


def _run(repo: Path, out: Path, jobs: int) -> dict[str, object]:
    subprocess.run([sys.executable, "-m", "manimflat", str(repo), "--all", "-o", str(out),
                    "--report", str(out / "report.json"), "--jobs", str(jobs),
                    "--passes", ",".join(CORE)],
                   capture_output=True, text=True, timeout=300, check=True)
    report = json.loads((out / "report.json").read_text())
    for scene in report["scenes"]:
        scene.pop("timings", None)
        scene.pop("seconds", None)
        scene["output"] = Path(scene["output"]).name
    report.pop("root")
    return report


def test_two_jobs_give_the_one_job_outputs_in_order(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", REPO)
    one, two = _run(repo, tmp_path / "one", 1), _run(repo, tmp_path / "two", 2)
    assert one == two
    files = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert len(files) == 1 + 10  # the report and one file per scene
    for name in files[:-1]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_chunks_keep_files_whole_and_balance_scenes() -> None:
    scenes = [SceneRef(f"S{j}", f"f{i}.py", j + 1, "manim-ce") for i in range(4) for j in range(i + 1)]
    chunks = _chunks_by_file(scenes, 2)
    assert sorted(len(c) for c in chunks) == [5, 5]
    owner = {ref.path: n for n, chunk in enumerate(chunks) for ref in chunk}
    assert all(owner[ref.path] == n for n, chunk in enumerate(chunks) for ref in chunk)
