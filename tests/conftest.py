"""Fixtures shared by the tests; plain helpers live in tests/helpers.py."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from helpers import write_repo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    return lambda files: write_repo(tmp_path / "repo", files)
