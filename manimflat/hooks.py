"""Pre-commit entry points: `manimflat check FILE...` and `manimflat emit FILE...`.

pre-commit passes the changed files. Each is mapped to its repository root (`find_root`), the
repository's `[tool.manimflat]` content options apply (settings.REPO_KEYS; what runs and where
files go come only from the hook's arguments, so a hostile checkout cannot switch on
execution), and every Manim CE scene defined in those files is flattened (bases and other
dialects are not scenes to flatten).

- `check` fails (exit 1) when a scene gets an error diagnostic, needs an asset file that is
  missing (MF302: the output would show a stand-in), or a changed file does not parse (MF102).
  It verifies at least at the `static` level, since a hook's job is to catch what is broken.
- `emit` writes or refreshes the flattened copies under `emit_dir` (default `flat/`, relative
  to the repo root, and it must resolve inside it: MF114) and fails when it changed something, as formatters do. The emit folder is
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
    planned_files,
    print_diagnostics,
    refused_output,
    render_result,
    stderr,
    write_files,
)
from .diagnostics import Diagnostic
from .ir import SceneRef
from .outputs import OutputPathError, inside
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


def _output_folder(root: Path, emit_dir: str, out_dir: Path | None) -> Path:
    """The caller's --out-dir, else `emit_dir` inside the repository (OutputPathError when it
    resolves outside, e.g. through a symlink)."""
    return out_dir.resolve() if out_dir is not None else inside(root, emit_dir)


def _session(root: Path, options: dict[str, Any], verify_floor: str | None,
             out_dir: Path | None) -> Session:
    settings = load_settings(root, **options)
    # The copies (in the configured folder and in --out-dir) are outputs: scanning them
    # would find every scene twice, and the name collision would then rename the copies.
    folders = {(root / settings.emit_dir).resolve(),
               *([out_dir.resolve()] if out_dir is not None else [])}
    outputs = sorted(f.relative_to(root).as_posix() for f in folders if f.is_relative_to(root))
    extra: dict[str, Any] = {"exclude": (*settings.exclude, *outputs)}
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


def _scenes(files: Sequence[Path], options: dict[str, Any], verify_floor: str | None,
            out_dir: Path | None) -> Iterator[tuple[Session, Path, list[SceneRef], list[Diagnostic]]]:
    """Per repository: its session, root, the scenes to flatten in the changed files, and
    the changed files that cannot be read (syntax errors)."""
    for root, rels in sorted(_groups(files).items()):
        try:
            session = _session(root, options, verify_floor, out_dir)
        except SettingsError as exc:
            raise click.UsageError(str(exc)) from exc
        rels &= session.program.files  # excluded files are not the hook's business
        scenes = [s for s in session.scenes()
                  if s.path in rels and s.dialect == "manim-ce" and not s.is_base]
        unreadable = [d for d in session.program.diagnostics if d.path in rels]
        yield session, root, scenes, unreadable


class _Outcome:
    """The exit code of a hook run: the worst of 0, 1 (failed or changed) and 123."""

    def __init__(self) -> None:
        self.code = 0

    def fail(self, code: int = 1) -> None:
        self.code = max(self.code, code)


def _flattened(files: Sequence[Path], options: dict[str, Any], outcome: _Outcome,
               verify_floor: str | None = None, out_dir: Path | None = None
               ) -> Iterator[tuple[Session, Path, SceneRef, FlatResult]]:
    """Flatten each scene of the changed files, printing its diagnostics; a file that does
    not parse fails the run, and so does a crashing pass (123, after its traceback)."""
    for session, root, scenes, unreadable in _scenes(files, options, verify_floor, out_dir):
        print_diagnostics(_shown([*session.settings_diagnostics, *unreadable], root))
        if any(d.code == SYNTAX_ERROR for d in unreadable):
            outcome.fail()
        for ref in scenes:
            try:
                result = session.flatten(ref)
            except PassFailure as exc:
                stderr.print(f"error: internal error in pass {exc.pass_name} on file "
                             f"{os.path.relpath(root / exc.file)}", style="red", markup=False)
                stderr.print(exc.tb, markup=False)
                outcome.fail(INTERNAL_ERROR)
                continue
            print_diagnostics(_shown(result.diagnostics, root))
            yield session, root, ref, result


def _say(root: Path, ref: SceneRef, what: str) -> None:
    stderr.print(f"{os.path.relpath(root / ref.path)}:{ref.line}: {ref.name} {what}",
                 style="red", markup=False)


def run_check(files: Sequence[Path], **options: Any) -> int:
    """Flatten every scene in `files`; 1 if one is not clean, 123 if a pass crashed.

    Unless `verify` is given or configured, outputs are verified at the `static` level:
    with "none" an output with undefined names would pass, and static costs milliseconds.
    """
    outcome = _Outcome()
    for _, root, ref, result in _flattened(files, options, outcome, "static"):
        if not result.ok:
            _say(root, ref, "cannot be flattened cleanly")
            outcome.fail()
        elif any(d.code == MISSING_ASSET for d in result.diagnostics):
            _say(root, ref, "needs an asset file that is missing")
            outcome.fail()
    return outcome.code


def run_emit(files: Sequence[Path], out_dir: Path | None = None, **options: Any) -> int:
    """Refresh the flattened copy of every scene in `files`; 1 if one changed or failed."""
    outcome = _Outcome()
    names: dict[Path, dict[str, str]] = {}
    for session, root, ref, result in _flattened(files, options, outcome, None, out_dir):
        if not result.ok or result.code is None:
            _say(root, ref, "cannot be flattened; its copy is left as it was")
            outcome.fail()
            continue
        settings = session.settings
        if root not in names:
            # Names over every scene of the repo, so a file's name does not depend on which
            # files happened to change together.
            names[root] = output_names(session.scenes(selected=True), settings.output_name)
        try:
            folder = _output_folder(root, settings.emit_dir, out_dir)
            target = inside(folder, names[root][ref.spec])
            planned = planned_files(result, render_result(result, settings.format), target)
        except OutputPathError as exc:
            print_diagnostics(_shown(refused_output(result, exc).diagnostics[-1:], root))
            _say(root, ref, "cannot be written; its copy is left as it was")
            outcome.fail()
            continue
        # Kept assets (`keep` policy) are refreshed with the copy; unchanged files are kept.
        stale = {path: data for path, data in planned.items() if not _same(path, data)}
        if stale:
            write_files(stale)
            stderr.print(f"refreshed {os.path.relpath(target)}", markup=False)
            outcome.fail()
    return outcome.code


def _same(path: Path, data: str | Path) -> bool:
    """Whether `path` already holds `data` (text, or the bytes of the file `data` names)."""
    if not path.is_file():
        return False
    new = data.read_bytes() if isinstance(data, Path) else data.encode("utf-8")
    return path.read_bytes() == new


_FILES = click.argument("files", nargs=-1, type=click.Path(path_type=Path))
_ASSETS = click.option("--assets", type=click.Choice(ASSET_POLICIES), help="Asset policy.")


@click.command("check")
@_FILES
@click.option("--verify", type=click.Choice(VERIFY_LEVELS),
              help="Validation level (default: the caller's configured one, at least static).")
@click.option("--timeout", type=float, help="Seconds per scene for exec/render.")
@click.option("--memory-mb", type=int, help="Memory limit for exec/render.")
@_ASSETS
def check_command(files: tuple[Path, ...], verify: str | None, timeout: float | None,
                  memory_mb: int | None, assets: str | None) -> None:
    """Exit 1 when a scene defined in FILES cannot be flattened cleanly."""
    sys.exit(run_check(files, verify=verify, timeout=timeout, memory_mb=memory_mb,
                       assets=assets))


@click.command("emit")
@_FILES
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the copies (default: the emit-dir setting, 'flat').")
@click.option("--output-name", help="File name of each copy, with {scene} and {module}.")
@_ASSETS
def emit_command(files: tuple[Path, ...], out_dir: Path | None, output_name: str | None,
                 assets: str | None) -> None:
    """Write or refresh the flattened copy of each scene in FILES; exit 1 if one changed."""
    sys.exit(run_emit(files, out_dir, output_name=output_name, assets=assets))


def check_main(argv: Sequence[str] | None = None) -> int:
    """`manimflat-check FILE...`, the pre-commit entry."""
    return main(["check", *(sys.argv[1:] if argv is None else argv)])


def emit_main(argv: Sequence[str] | None = None) -> int:
    """`manimflat-emit FILE...`, the pre-commit entry."""
    return main(["emit", *(sys.argv[1:] if argv is None else argv)])
