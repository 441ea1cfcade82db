"""Verification tests run the real manim in sandboxed subprocesses; each session gets its own
result cache so runs never see each other's results."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from manimflat.settings import Settings


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("manimflat-cache")
    old = os.environ.get("MANIMFLAT_CACHE")
    os.environ["MANIMFLAT_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("MANIMFLAT_CACHE", None)
    else:
        os.environ["MANIMFLAT_CACHE"] = old


@pytest.fixture
def fresh() -> Settings:
    """Settings that bypass the cache and keep planted faults quick to hit."""
    return Settings(cache=False, timeout=20.0)


def _scene(body: str, name: str = "Demo", header: str = "from manim import *\n") -> str:
    lines = "\n".join("        " + ln for ln in body.strip("\n").splitlines())
    return f"{header}\n\nclass {name}(Scene):\n    def construct(self):\n{lines}\n"


@pytest.fixture
def scene() -> Callable[..., str]:
    """`scene(body, name="Demo", header=...)`: a one-scene file whose construct is `body`."""
    return _scene
