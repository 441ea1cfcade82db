"""The user cache folder: `$MANIMFLAT_CACHE`, else `$XDG_CACHE_HOME/manimflat`, else
`~/.cache/manimflat`. Everything manimflat caches (export probes, verification results,
rendered frames) lives under it, so one variable moves or disables it all."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .outputs import write_atomic


def user_cache_dir() -> Path:
    base = os.environ.get("MANIMFLAT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "manimflat")
    return Path(base)


def load_json(name: str) -> Any:
    """The JSON value kept as `name` (a path inside the cache folder), or None when it is
    absent or unreadable."""
    try:
        return json.loads((user_cache_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_json(name: str, value: Any) -> None:
    """Keep `value` as `name`, atomically: parallel workers may race to write it."""
    try:
        write_atomic(user_cache_dir() / name, json.dumps(value))
    except OSError:
        pass  # a read-only cache folder only costs time
