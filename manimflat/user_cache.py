"""The user cache folder: `$MANIMFLAT_CACHE`, else `$XDG_CACHE_HOME/manimflat`, else
`~/.cache/manimflat`. Everything manimflat caches (export probes, verification results,
rendered frames) lives under it, so one variable moves or disables it all."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path:
    base = os.environ.get("MANIMFLAT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "manimflat")
    return Path(base)
