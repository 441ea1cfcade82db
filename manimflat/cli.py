"""The command line: `manimflat REPO --scene Foo` and its subcommands.

Exit codes: 0 success; 1 an error diagnostic (or changes under --check); 2 usage error;
123 internal error (the pass, the file and a short traceback are printed).
Subcommands are loaded lazily from COMMANDS, like passes from the pass registry.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress

from . import __version__
from .api import FlatResult, Session
from .diagnostics import Diagnostic, Severity
from .ir import SceneRef
from .markdown import wrap_markdown
from .pass_manager import PassFailure, PipelineError
from .program import SceneLookupError
from .settings import ASSET_POLICIES, FORMATS, FORMATTERS, VERIFY_LEVELS, SettingsError

INTERNAL_ERROR = 123
COMMANDS = {
    "check": "manimflat.hooks:check_command",
    "emit": "manimflat.hooks:emit_command",
    "dataset": "manimflat.dataset.cli:dataset",
    "passes": "manimflat.info:passes_command",
    "config": "manimflat.info:config_command",
}
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class _Main(click.Group):
    """A group whose default command is `flatten`: `manimflat REPO ...`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return ["flatten", *COMMANDS]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "flatten":
            return flatten_command
        if name in COMMANDS:
            module, _, attr = COMMANDS[name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return None

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS and args[0] != "flatten":
            return "flatten", flatten_command, args
        return super().resolve_command(ctx, args)


@click.group(cls=_Main, invoke_without_command=False,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="manimflat")
def cli() -> None:
    """Flatten Manim CE scenes from a repository into self-contained files.

    \b
    manimflat REPO --scene Foo [-o flat.py]
    manimflat REPO --list
    manimflat REPO --all -o DIR [--report R.json] [--jobs N]
    """


def print_diagnostics(diagnostics: Iterable[Diagnostic], quiet_info: bool = True) -> None:
    for d in diagnostics:
        if quiet_info and d.severity is Severity.INFO:
            continue
        style = {"error": "red", "warning": "yellow", "fixed": "green"}.get(d.severity.value, "")
        stderr.print(d.format(), style=style, markup=False)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def render_result(result: FlatResult, fmt: str) -> str:
    code = result.code or ""
    if fmt == "md":
        return wrap_markdown(code)
    if fmt == "json":
        return json.dumps({**result.to_json(), "code": code}, indent=2, ensure_ascii=False) + "\n"
    return code


@click.command("flatten")
@click.argument("repo", type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--scene", help="Class name, or path/to/file.py:Name when ambiguous.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File (with --scene) or folder (with --all) to write.")
@click.option("--list", "list_", is_flag=True, help="List every scene: path:line Name dialect.")
@click.option("--all", "all_", is_flag=True, help="Flatten every Manim CE scene into -o DIR.")
@click.option("--report", type=click.Path(path_type=Path), help="Write the JSON report here.")
@click.option("--jobs", type=int, help="Worker processes for --all.")
@click.option("--verify", type=click.Choice(VERIFY_LEVELS), help="Validation ladder level.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="py, md (fenced) or json.")
@click.option("--assets", type=click.Choice(ASSET_POLICIES), help="Asset policy.")
@click.option("--formatter", type=click.Choice(FORMATTERS), help="none (as written) or black.")
@click.option("--merge-bases", is_flag=True, default=None, help="Fold local bases into scene.")
@click.option("--root", help="Repository root (default: nearest .git/pyproject/manim.cfg).")
@click.option("--passes", help="Custom pipeline, e.g. 'resolve-imports,collect-closure,emit'.")
@click.option("--print-after", multiple=True, help="Print the code after this pass.")
@click.option("--timeout", type=float, help="Seconds per scene for exec/render.")
@click.option("--memory-mb", type=int, help="Memory limit for exec/render.")
@click.option("--render-video", is_flag=True, default=None, help="Render the whole video.")
@click.option("--compare", is_flag=True, default=None,
              help="Render the original in its repo too and compare last frames.")
@click.option("--check", is_flag=True, help="With -o: exit 1 if the output would change.")
def flatten_command(repo: Path, scene: str | None, output: Path | None, list_: bool,
                    all_: bool, report: Path | None, passes: str | None,
                    print_after: tuple[str, ...], check: bool, fmt: str | None,
                    **options: Any) -> None:
    """Flatten SCENE of REPO into one self-contained file."""
    if sum(bool(x) for x in (scene, list_, all_)) != 1:
        raise click.UsageError("give exactly one of --scene, --list, --all")
    try:
        session = Session(repo, format=fmt, **options)
        manager = session.pipeline(passes, print_after, _print_after) if not list_ else None
    except (SettingsError, PipelineError) as exc:
        raise click.UsageError(str(exc)) from exc
    fmt = session.settings.format
    if list_:
        _list(session)
        return
    try:
        if all_:
            if output is None:
                raise click.UsageError("--all needs -o DIR")
            code = _flatten_all(session, output, report, passes)
        else:
            assert scene is not None and manager is not None
            code = _flatten_one(session, scene, output, report, fmt, check, manager)
    except PassFailure as exc:
        stderr.print(f"error: internal error in pass {exc.pass_name} on file {exc.file}",
                     style="red", markup=False)
        stderr.print(exc.tb, markup=False)
        sys.exit(INTERNAL_ERROR)
    sys.exit(code)


def _print_after(pass_name: str, code: str) -> None:
    stderr.print(f"# --- after {pass_name} ---", style="bold", markup=False)
    click.echo(code, err=True)


def _list(session: Session) -> None:
    for ref in session.scenes():
        base = " (base)" if ref.is_base else ""
        click.echo(f"{ref.path}:{ref.line} {ref.name} {ref.dialect}{base}")
    print_diagnostics(session.program.diagnostics)


def _flatten_one(session: Session, spec: str, output: Path | None, report: Path | None,
                 fmt: str, check: bool, manager: Any) -> int:
    try:
        ref = session.find_scene(spec)
    except SceneLookupError as exc:
        print_diagnostics([exc.diagnostic])
        return 1
    result = session.flatten(ref, manager)
    print_diagnostics(result.diagnostics)
    text = render_result(result, fmt)
    changed = False
    if result.code is not None:
        if output is None:
            click.echo(text, nl=False)
        else:
            changed = not output.exists() or output.read_text(encoding="utf-8") != text
            if changed and not check:
                write_atomic(output, text)
                _copy_kept_files(result, output.parent)
    if report is not None:
        _write_report(session, [(result, str(output.resolve()) if output else None)], report)
    return 1 if (not result.ok or (check and changed)) else 0


def _copy_kept_files(result: FlatResult, folder: Path) -> None:
    for name, source in result.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(source).read_bytes())


def output_names(scenes: Sequence[SceneRef], pattern: str) -> dict[str, str]:
    """File name per scene; scenes sharing a name get their module path as a prefix."""
    counts: dict[str, int] = {}
    for ref in scenes:
        counts[ref.name] = counts.get(ref.name, 0) + 1
    out = {}
    for ref in scenes:
        name = ref.output_name(pattern)
        if counts[ref.name] > 1:
            prefix = ref.path[:-3].replace("/", "__")
            name = f"{prefix}__{name}"
        out[ref.spec] = name
    return out


def _flatten_all(session: Session, out_dir: Path, report: Path | None,
                 passes: str | None) -> int:
    scenes = session.scenes()
    names = output_names(scenes, session.settings.output_name)
    rows: list[tuple[FlatResult, str | None]] = []
    failed = False
    with Progress(console=stderr, transient=True) as progress:
        task = progress.add_task("flattening", total=len(scenes))
        for result in _results(session, scenes, passes):
            progress.advance(task)
            path = None
            if result.code is not None and result.status != "skipped":
                target = out_dir / names[result.scene.spec]
                write_atomic(target, render_result(result, session.settings.format))
                _copy_kept_files(result, target.parent)
                path = str(target.resolve())
            failed |= result.status == "failed"
            rows.append((result, path))
    for result, _ in rows:
        print_diagnostics(d for d in result.diagnostics if d.is_error)
    if report is not None:
        _write_report(session, rows, report)
    ok = sum(r.status in ("ok", "fixed") for r, _ in rows)
    stderr.print(f"{ok}/{len(rows)} scenes flattened into {out_dir}", markup=False)
    if any(d.code == "MF901" for r, _ in rows for d in r.diagnostics):
        return INTERNAL_ERROR
    return 1 if failed else 0


def _results(session: Session, scenes: list[SceneRef],
             passes: str | None) -> Iterator[FlatResult]:
    jobs = max(1, session.settings.jobs)
    if jobs == 1 or len(scenes) < 2 * jobs:
        manager = session.pipeline(passes)
        for ref in scenes:
            yield session.flatten(ref, manager, contain_crash=True)
        return
    chunks = [scenes[i::jobs] for i in range(jobs)]
    options = {**session.settings.as_dict(), "root": str(session.program.root)}
    with ProcessPoolExecutor(jobs) as pool:
        futures = [pool.submit(_worker, str(session.program.root), chunk, passes, options)
                   for chunk in chunks]
        for future in futures:
            yield from future.result()


def _worker(root: str, scenes: list[SceneRef], passes: str | None,
            options: dict[str, Any]) -> list[FlatResult]:
    session = Session(root, **options)
    manager = session.pipeline(passes)
    return [session.flatten(ref, manager, contain_crash=True) for ref in scenes]


def _write_report(session: Session, rows: list[tuple[FlatResult, str | None]],
                  path: Path) -> None:
    data = {"tool": {"name": "manimflat", "version": __version__},
            "root": str(session.program.root),
            "diagnostics": [d.to_json() for d in session.program.diagnostics],
            "scenes": [r.to_json(output) for r, output in rows]}
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="manimflat",
                 standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    return 0
