"""The scanned repository's files: the one walk over them (`repo_files`, honouring `exclude`)
and the containment check every read goes through (`contained`, `read_inside`). The
repository is untrusted: a symlink is followed before deciding whether a path stays inside.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv",
                       "env", ".env", "site-packages", "media", ".tox", ".mypy_cache",
                       ".pytest_cache", ".ipynb_checkpoints", "build", "dist"})


def repo_files(root: Path, exclude: tuple[str, ...] = (), *, suffix: str | tuple[str, ...] = "",
               skip_dirs: frozenset[str] = SKIP_DIRS,
               on_skip: Callable[[str, str], None] | None = None) -> Iterator[str]:
    """The regular files under `root` (resolved) ending with `suffix`, as root-relative posix
    paths, folder by folder in sorted order: the one walk of a repository (the module index,
    asset lookup by name, the dataset's input hashes) and of an installed plugin. Hidden
    folders, `skip_dirs` and paths matching an `exclude` pattern (fnmatch, or a folder
    prefix) are not entered; nor are linked folders. A linked file that leaves `root`, or a
    file that is not regular (a FIFO, a device: reading it would block), is passed to
    `on_skip(rel, why)` and left out."""
    for folder, dirs, names in os.walk(root):
        rel_folder = PurePosixPath(Path(folder).relative_to(root).as_posix())
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs and not d.startswith(".")
                         and not excluded(str(rel_folder / d), exclude))
        for name in sorted(names):
            if not name.endswith(suffix):
                continue
            rel = str(rel_folder / name) if str(rel_folder) != "." else name
            if excluded(rel, exclude):
                continue
            full = Path(folder) / name  # os.walk does not enter linked folders
            if full.is_symlink() and contained(full, root) is None:
                if on_skip is not None:
                    on_skip(rel, "symlink pointing outside the repository")
                continue
            if not full.is_file():
                if on_skip is not None:
                    on_skip(rel, "not a regular file")
                continue
            yield rel


def excluded(rel: str, exclude: tuple[str, ...]) -> bool:
    """Whether the setting `exclude` leaves the repository path `rel` out."""
    return any(fnmatch.fnmatch(rel, pat) or rel.startswith(pat.rstrip("/") + "/")
               for pat in exclude)


class OutsideRoot(OSError):
    """A read that would leave the repository (through `..`, an absolute path or a symlink)."""


def contained(path: Path, root: Path) -> Path | None:
    """`path` with every symlink resolved, if that stays inside `root` (a resolved folder);
    None if it leaves it or cannot be resolved (a symlink loop). The one check every reader of
    repository files uses: a link anywhere on the way is followed before deciding."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root) else None


def read_inside(root: Path, path: Path, limit: int) -> bytes:
    """The bytes of a repository file, at most `limit` + 1 of them (so callers can tell a file
    larger than `limit` without reading it all). Raises `OutsideRoot` for a path leaving `root`,
    OSError when it cannot be read."""
    real = contained(path, root)
    if real is None:
        raise OutsideRoot(f"{path} leaves {root}")
    if not real.is_file():  # a FIFO or a device would block or never end
        raise OSError(f"{path.name} is not a regular file")
    with real.open("rb") as fh:
        return fh.read(limit + 1)
