"""Pre-commit entry points: `manimflat check FILE...` and `manimflat emit FILE...`.

pre-commit passes the changed files. Each is mapped to its repository root (`find_root`), the
repository's `[tool.manimflat]` settings apply, and every Manim CE scene defined in those
files is flattened (bases and other dialects are not scenes to flatten).

- `check` fails (exit 1) when a scene gets an error diagnostic, needs an asset file that is
  missing (MF302: the output would show a stand-in), or a changed file does not parse (MF102).
  It verifies at least at the `static` level, since a hook's job is to catch what is broken.
- `emit` writes or refreshes the flattened copies under `emit_dir` (default `flat/`, relative
  to the repo root) and fails when it changed something, as formatters do. The emit folder is
  excluded from the scan: flattened copies are outputs, never inputs.

Known limit: a scene deleted or renamed leaves its old copy in `emit_dir` (pre-commit only
names the files that changed, so the hook cannot tell an orphan from a hand-written file).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from .api import FlatResult, Session
from .cli import (
    INTERNAL_ERROR,
    main,
    output_names,
    print_diagnostics,
    render_result,
    stderr,
    write_atomic,
)
from .diagnostics import Diagnostic
from .ir import SceneRef
from .pass_manager import PassFailure
from .program import find_root
from .settings import ASSET_POLICIES, VERIFY_LEVELS, SettingsError, load_settings

MISSING_ASSET = "MF302"
SYNTAX_ERROR = "MF102"


def _groups(files: Sequence[Path]) -> dict[Path, set[str]]:
    """Changed Python files grouped by repository root, as repo-relative posix paths."""
    out: dict[Path, set[str]] = {}
    for file in files:
        if file.suffix != ".py" or not file.is_file():
            continue  # deleted, or not Python: nothing to flatten
        root = find_root(file)
        out.setdefault(root, set()).add(file.resolve().relative_to(root).as_posix())
    return out


def _session(root: Path, options: dict[str, Any], verify_floor: str | None) -> Session:
    settings = load_settings(root, **options)
    # The emit folder holds outputs: scanning it would find every scene twice.
    extra: dict[str, Any] = {"exclude": (*settings.exclude, settings.emit_dir.strip("/"))}
    if verify_floor and options.get("verify") is None and settings.verify == "none":
        extra["verify"] = verify_floor
    return Session(root, **{**options, **extra})


def _shown(diagnostics: Sequence[Diagnostic], root: Path) -> list[Diagnostic]:
    """Diagnostics with paths relative to the working directory, so `file:line` is clickable
    from where pre-commit runs (it may run from a parent of several repositories). The
    verify passes' positions are in the flattened output, named by `output_name`: kept."""
    return [replace(d, path=os.path.relpath(root / d.path))
            if d.path and not (d.pass_name or "").startswith("verify-") else d
            for d in diagnostics]


def _scenes(files: Sequence[Path], options: dict[str, Any], verify_floor: str | None = None
            ) -> Iterator[tuple[Session, Path, list[SceneRef], list[Diagnostic]]]:
    """Per repository: its session, root, the scenes to flatten in the changed files, and
    the changed files that cannot be read (syntax errors)."""
    for root, rels in sorted(_groups(files).items()):
        try:
            session = _session(root, options, verify_floor)
        except SettingsError as exc:
            raise click.UsageError(str(exc)) from exc
        rels &= session.program.files  # excluded files are not the hook's business
        scenes = [s for s in session.scenes()
                  if s.path in rels and s.dialect == "manim-ce" and not s.is_base]
        unreadable = [d for d in session.program.diagnostics if d.path in rels]
        yield session, root, scenes, unreadable


def _flatten(session: Session, ref: SceneRef, root: Path) -> FlatResult | None:
    """The result, or None after printing an internal error (a pass crashed)."""
    try:
        return session.flatten(ref)
    except PassFailure as exc:
        where = os.path.relpath(root / exc.file)
        stderr.print(f"error: internal error in pass {exc.pass_name} on file {where}",
                     style="red", markup=False)
        stderr.print(exc.tb, markup=False)
        return None


def _failed(result: FlatResult) -> bool:
    return not result.ok or any(d.code == MISSING_ASSET for d in result.diagnostics)


def run_check(files: Sequence[Path], **options: Any) -> int:
    """Flatten every scene in `files`; 1 if one is not clean, 123 if a pass crashed.

    Unless `verify` is given or configured, outputs are verified at the `static` level:
    with "none" an output with undefined names would pass, and static costs milliseconds.
    """
    code = 0
    for session, root, scenes, unreadable in _scenes(files, options, "static"):
        print_diagnostics(_shown(unreadable, root))
        if any(d.code == SYNTAX_ERROR for d in unreadable):
            code = max(code, 1)
        for ref in scenes:
            result = _flatten(session, ref, root)
            if result is None:
                code = INTERNAL_ERROR
                continue
            print_diagnostics(_shown(result.diagnostics, root))
            if _failed(result):
                why = ("needs an asset file that is missing" if result.ok else
                       "cannot be flattened cleanly")
                where = os.path.relpath(root / ref.path)
                stderr.print(f"{where}:{ref.line}: {ref.name} {why}", style="red", markup=False)
                code = max(code, 1)
    return code


def run_emit(files: Sequence[Path], out_dir: Path | None = None, **options: Any) -> int:
    """Refresh the flattened copy of every scene in `files`; 1 if one changed or failed."""
    code = 0
    for session, root, scenes, unreadable in _scenes(files, options):
        print_diagnostics(_shown(unreadable, root))
        settings = session.settings
        folder = out_dir if out_dir is not None else root / settings.emit_dir
        # Names over every scene of the repo, so a file's name does not depend on which
        # files happened to change together.
        names = output_names(session.scenes(selected=True), settings.output_name)
        for ref in scenes:
            result = _flatten(session, ref, root)
            if result is None:
                code = INTERNAL_ERROR
                continue
            print_diagnostics(_shown(result.diagnostics, root))
            if not result.ok or result.code is None:
                stderr.print(f"{os.path.relpath(root / ref.path)}:{ref.line}: {ref.name} "
                             "cannot be flattened; its copy is left as it was",
                             style="red", markup=False)
                code = max(code, 1)
                continue
            target = folder / names[ref.spec]
            changed = _refresh_text(target, render_result(result, settings.format))
            for name, source in sorted(result.files.items()):  # kept assets (`keep` policy)
                changed |= _refresh_bytes(target.parent / name, Path(source).read_bytes())
            if changed:
                stderr.print(f"refreshed {os.path.relpath(target)}", markup=False)
                code = max(code, 1)
    return code


def _refresh_text(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True


def _refresh_bytes(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


_FILES = click.argument("files", nargs=-1, type=click.Path(path_type=Path))
_ASSETS = click.option("--assets", type=click.Choice(ASSET_POLICIES), help="Asset policy.")


@click.command("check")
@_FILES
@click.option("--verify", type=click.Choice(VERIFY_LEVELS),
              help="Validation level (default: the configured one, at least static).")
@_ASSETS
def check_command(files: tuple[Path, ...], verify: str | None, assets: str | None) -> None:
    """Exit 1 when a scene defined in FILES cannot be flattened cleanly."""
    sys.exit(run_check(files, verify=verify, assets=assets))


@click.command("emit")
@_FILES
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the copies (default: emit_dir of [tool.manimflat], 'flat').")
@_ASSETS
def emit_command(files: tuple[Path, ...], out_dir: Path | None, assets: str | None) -> None:
    """Write or refresh the flattened copy of each scene in FILES; exit 1 if one changed."""
    sys.exit(run_emit(files, out_dir, assets=assets))


def check_main(argv: Sequence[str] | None = None) -> int:
    """`manimflat-check FILE...`, the pre-commit entry."""
    return main(["check", *(sys.argv[1:] if argv is None else argv)])


def emit_main(argv: Sequence[str] | None = None) -> int:
    """`manimflat-emit FILE...`, the pre-commit entry."""
    return main(["emit", *(sys.argv[1:] if argv is None else argv)])
