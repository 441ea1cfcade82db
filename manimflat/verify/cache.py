"""Verification results cached by content hash and settings, so unchanged scenes are skipped.

One JSON file per (level, code, scene, settings that change the outcome, tool versions) under
`$MANIMFLAT_CACHE` or `~/.cache/manimflat`. Environment problems (MF412) are never cached:
installing the missing tool must change the answer.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..settings import Settings
from ..user_cache import load_json, store_json, user_cache_dir

# Settings that can change a verification outcome; the others (jobs, format...) cannot.
_KEY_SETTINGS = ("allowed_imports", "timeout", "memory_mb", "render_video")


def cache_dir() -> Path:
    return user_cache_dir() / "verify"


def tool_versions() -> dict[str, str]:
    def ver(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "-"
    return {"python": sys.version.split()[0], "manim": ver("manim"), "manimflat": ver("manimflat")}


def key(level: str, code: str, scene: str, settings: Settings) -> str:
    payload = {"level": level, "code": code, "scene": scene, "tools": tool_versions(),
               "settings": {k: getattr(settings, k) for k in _KEY_SETTINGS}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def load(k: str) -> dict[str, Any] | None:
    value = load_json(f"verify/{k[:2]}/{k}.json")
    return value if isinstance(value, dict) else None


def store(k: str, value: dict[str, Any]) -> None:
    store_json(f"verify/{k[:2]}/{k}.json", value)


def frame_path(k: str) -> Path:
    """Where the rendered frame of a cached render result is kept."""
    return cache_dir() / k[:2] / f"{k}.png"
