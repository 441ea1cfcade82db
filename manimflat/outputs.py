"""Writing outputs: atomically, with the usual permissions, and only inside the output folder.

Every file manimflat writes (flattened scenes, kept assets, reports, dataset files) goes
through `atomic_path`: the data is written to `.NAME.<random>.tmp` beside the target and
moved over it with `os.replace`, so a reader never sees half a file. The temporary file is
removed when writing fails or is interrupted (Ctrl-C, or SIGTERM inside `sigterm_exits`,
as the command line runs); only SIGKILL can leave one behind.

Output names come partly from the scanned repository (scene and module names, asset paths),
so `inside` resolves each one and refuses what would land outside the chosen folder.
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType


class OutputPathError(ValueError):
    """An output path that would leave its output folder, or a folder that is a file."""


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, resolved (symlinks included), or OutputPathError when it is not
    strictly inside the resolved `folder`."""
    base = folder.resolve()
    target = (base / name).resolve()
    if target == base or not target.is_relative_to(base):
        raise OutputPathError(f"output path {name!r} resolves to {target}, outside the "
                              f"output folder {base}")
    return target


def usable_folder(folder: Path) -> str | None:
    """Why `folder` cannot hold outputs (an existing file on its path), or None."""
    for part in (folder, *folder.parents):
        if part.exists() or part.is_symlink():
            if not part.is_dir():
                return f"{part} is a file, not a folder"
            return None
    return None


def usable_file(path: Path) -> str | None:
    """Why `path` cannot be written as a file (it is a folder, or under a file), or None."""
    if path.is_dir():
        return f"{path} is a folder; give a file name"
    return usable_folder(path.parent)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A fresh temporary path beside `target` to write; it replaces `target` only when the
    block ends without error, and is removed otherwise."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _create_temporary(target)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to `path` atomically."""
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)


def _create_temporary(target: Path) -> Path:
    # Not tempfile.mkstemp: it creates files 0600, and outputs are meant to be shared like
    # any other file, so the mode is 0666 minus the umask, as open() gives.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(tmp, flags, 0o666))
            return tmp
        except FileExistsError:
            continue


@contextmanager
def sigterm_exits() -> Iterator[None]:
    """While the block runs, SIGTERM raises SystemExit(143), so `finally` blocks remove
    temporary files; the previous handler comes back afterwards. Only the main thread may
    install a handler; elsewhere SIGTERM keeps its default."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
