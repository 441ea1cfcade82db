"""Finding the file a path value names, the way manim does, without leaving the repository.

A value is looked up as given, then under the assets folder with each default extension;
since the working directory of the original run is unknown the caller gives several bases
(the scene's folder, the defining module's folder, the repo root), and finally a file of that
name anywhere in the repo counts when exactly one exists. A path that leaves the repository,
by `..`, an absolute path or a symlink anywhere on the way (`program.contained`), is never
opened: its status is "outside". Font files are found by family name the same way.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ..analyses.paths import Value
from ..program import contained
from .refs import Target

SVG_EXT = (".svg",)
RASTER_EXT = (".jpg", ".jpeg", ".png", ".gif", ".ico")  # manim's own list
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2")


def locate(value: str, *, root: Path, bases: list[Path], assets_dirs: list[Path],
           extensions: tuple[str, ...], key: Value | None = None) -> Target:
    """Find the file `value` names, as manim would, without leaving `root`."""
    root = root.resolve()
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute():
        candidates = [(Path(str(pure)), "as given")]
    else:
        candidates = []
        for base in dict.fromkeys([*bases, *assets_dirs]):
            how = "assets_dir" if base in assets_dirs else "as given"
            candidates += [(base / str(pure), how)]
            candidates += [(base / f"{pure}{ext}", "default extension") for ext in extensions]
    outside = linked = False
    for cand, how in candidates:
        norm = Path(os.path.normpath(cand))
        if not norm.is_relative_to(root):
            outside = True
            continue
        if norm.is_file():
            real = contained(norm, root)
            if real is None:  # a symlink out of the repo, on the file or a folder on the way
                linked = True
                continue
            return Target(key, value, real.relative_to(root).as_posix(), real, "found", how)
    hit = _by_name(str(root), pure.name, extensions)
    if hit is not None:
        real = contained(root / hit, root)
        if real is None:
            return Target(key, value, hit, None, "outside")
        if not real.is_file():  # a FIFO would block the reader
            return Target(key, value, value, None, "missing")
        return Target(key, value, real.relative_to(root).as_posix(), real, "found", "by name")
    if linked or (outside and pure.is_absolute()):
        return Target(key, value, value, None, "outside")
    if outside and not any(Path(os.path.normpath(c)).is_relative_to(root) for c, _ in candidates):
        return Target(key, value, value, None, "outside")
    return Target(key, value, value, None, "missing")


def _by_name(root: str, name: str, extensions: tuple[str, ...]) -> str | None:
    """The one file in the repo called `name` (or `name` + a default extension)."""
    index = _file_index(root)
    hits: list[str] = []
    for candidate in (name, *(name + ext for ext in extensions)):
        hits += index.get(candidate.lower(), [])
    return hits[0] if len(set(hits)) == 1 else None


@lru_cache(maxsize=32)
def _file_index(root: str) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in (
            "media", "__pycache__", "node_modules", "venv", ".venv"))
        for name in files:
            if name.endswith((".py", ".pyc")):
                continue
            rel = Path(folder, name).relative_to(root).as_posix()
            index.setdefault(name.lower(), []).append(rel)
            count += 1
            if count > 200_000:
                return index
    return index


def repo_fonts(root: Path) -> dict[str, str]:
    """Font files in the repo: squashed lower-case stem (`firacoderegular`) -> relative path."""
    return {_squash(Path(rel).stem): rel for name, rels in _file_index(str(root)).items()
            for rel in rels if name.endswith(FONT_SUFFIXES)}


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def font_matches(family: str, fonts: dict[str, str]) -> str | None:
    key = _squash(family)
    if not key:
        return None
    for stem, rel in sorted(fonts.items()):
        if stem.startswith(key):
            return rel
    return None
