"""scripts/check_package.sh: the wheel builds, installs into a fresh virtual environment with
its dependencies and runs there; ruff and mypy are clean on the files of this area.

The script's own ruff/mypy steps cover the whole package and are reported, not asserted
here: they are CI's gate, and this test must not fail for findings in unrelated files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OWN = ["manimflat/hooks.py", "manimflat/info.py", "manimflat/settings.py",
       "scripts/gen_docs.py"]


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs a git checkout")
def test_wheel_builds_and_installs_in_a_fresh_venv() -> None:
    result = subprocess.run(["bash", str(ROOT / "scripts" / "check_package.sh")], cwd=ROOT,
                            capture_output=True, text=True, timeout=900, check=False)
    steps = {line[5:].rsplit(" (", 1)[0]: line[:4].strip()
             for line in result.stdout.splitlines() if line[:5] in ("ok   ", "FAIL ")}
    assert steps.get("build wheel") == "ok", result.stdout
    assert steps.get("install in a fresh venv") == "ok", result.stdout
    assert set(steps) >= {"ruff check manimflat", "mypy manimflat"}


def test_ruff_and_mypy_are_clean_on_this_areas_files() -> None:
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", *OWN], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert ruff.returncode == 0, ruff.stdout
    mypy = subprocess.run([sys.executable, "-m", "mypy", *OWN[:3]], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    own = [line for line in mypy.stdout.splitlines() if line.split(":")[0] in OWN]
    assert not own, "\n".join(own)
