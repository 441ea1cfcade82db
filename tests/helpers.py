"""Shared test helpers: write a small repository from a dict of files and flatten it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import manimflat

# The flattening passes without assets or verification: what the core tests exercise.
CORE = ["resolve-imports", "collect-closure", "inline-bases", "deconflict-names",
        "normalize-imports", "emit"]


def write_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)  # marks the repository root
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def flat(repo: Path, scene: str, **options: object) -> manimflat.FlatResult:
    options.setdefault("passes", CORE)
    return manimflat.flatten(repo, scene, **options)


def codes(result: manimflat.FlatResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def render_both(repo: Path, file: str, scene: str, code: str, tmp: Path,
                timeout: float = 180.0, cwd: str = "") -> tuple[Path, Path]:
    """Last frames (PNG paths) of `scene` rendered by the real manim: the original from `cwd`
    (the repository root, or the folder of the manim.cfg it reads), as its author runs it,
    and the flattened `code` alone in an empty folder, so it can only work if it needs
    nothing from the repository."""
    from manimflat.verify.render import render_last_frame

    original = render_last_frame(repo / file, scene, cwd=repo / cwd, out_dir=tmp / "original",
                                 timeout=timeout)
    assert original.ok and original.png, original.error
    alone = tmp / "alone"
    alone.mkdir()
    (alone / "flat_scene.py").write_text(code, encoding="utf-8")
    flat = render_last_frame(alone / "flat_scene.py", scene, cwd=alone,
                             out_dir=tmp / "flattened", timeout=timeout)
    assert flat.ok and flat.png, flat.error
    return original.png, flat.png
