"""scripts/check_package.sh: the wheel builds, installs into a fresh virtual environment with
its dependencies and runs there, and ruff and mypy are clean on the whole package (CI runs
this test, so a lint or type error fails CI)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs a git checkout")
def test_wheel_builds_and_installs_in_a_fresh_venv() -> None:
    result = subprocess.run(["bash", str(ROOT / "scripts" / "check_package.sh")], cwd=ROOT,
                            capture_output=True, text=True, timeout=900, check=False)
    steps = {line[5:].rsplit(" (", 1)[0]: line[:4].strip()
             for line in result.stdout.splitlines() if line[:5] in ("ok   ", "FAIL ")}
    assert steps.get("build wheel") == "ok", result.stdout
    assert steps.get("install in a fresh venv") == "ok", result.stdout
    assert steps.get("ruff check manimflat") == "ok", result.stdout
    assert steps.get("mypy manimflat") == "ok", result.stdout
