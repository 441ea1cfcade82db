"""What a repository configures in `manim.cfg`, as statements the flattened file can carry.

manim reads `manim.cfg` from the folder it is started in. A flattened file runs without it,
so the settings that change what is drawn are turned into `config.<key> = value` lines.
Settings about files, logging and previews are not: they describe the author's machine.
"""

from __future__ import annotations

import configparser
import json
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..program import Program

# [CLI] keys that change what is drawn, and how to write their values. Quality keys
# (pixel_height, pixel_width, frame_rate) are left out: in the original, command-line flags
# such as -ql override them, while a `config.*` line in the file would override the flags.
VISUAL_KEYS = {"background_color": str, "background_opacity": float, "frame_height": float,
               "frame_width": float}


def nearest_cfg(program: Program, scene_path: str) -> str | None:
    """The `manim.cfg` closest to the scene, from its folder up to the repo root."""
    for folder in PurePosixPath(scene_path).parents:
        rel = "manim.cfg" if str(folder) == "." else f"{folder}/manim.cfg"
        if (program.root / rel).is_file():
            return rel
    return None


def config_statements(program: Program, scene_path: str) -> list[tuple[str, str]]:
    """(cfg path, `config.key = value`) for each visual [CLI] setting of the nearest cfg,
    read once per folder."""
    memo = program.memo.setdefault("manim.cfg", {})
    folder = scene_path.rpartition("/")[0]
    if folder not in memo:
        memo[folder] = _read_statements(program, scene_path)
    return memo[folder]  # type: ignore[return-value]


def _read_statements(program: Program, scene_path: str) -> list[tuple[str, str]]:
    rel = nearest_cfg(program, scene_path)
    if rel is None:
        return []
    parser = configparser.ConfigParser()
    try:
        parser.read_string((program.root / rel).read_text(encoding="utf-8", errors="replace"))
    except (configparser.Error, OSError):
        return []
    if not parser.has_section("CLI"):
        return []
    out = []
    for key, kind in VISUAL_KEYS.items():
        raw = parser.get("CLI", key, fallback=None)
        if raw is None or not raw.strip():
            continue
        try:
            value = json.dumps(kind(raw.strip()))
        except ValueError:
            continue
        out.append((rel, f"config.{key} = {value}"))
    return out
