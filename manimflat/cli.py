"""The command line: `manimflat REPO --scene Foo` and its subcommands.

Exit codes: 0 success; 1 an error diagnostic (or changes under --check); 2 usage error;
123 internal error (the pass, the file and a short traceback are printed).
Subcommands are loaded lazily from COMMANDS, like passes from the pass registry.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress

from . import __version__
from .analyses.scenes import SceneLookupError
from .api import FlatResult, Session
from .diagnostics import Diagnostic, Severity, diag
from .ir import SceneRef
from .markdown import wrap_markdown
from .outputs import (
    OutputPathError,
    inside,
    sigterm_exits,
    usable_file,
    usable_folder,
    write_atomic,
)
from .pass_manager import PassFailure, PipelineError
from .settings import ASSET_POLICIES, FORMATS, FORMATTERS, VERIFY_LEVELS, SettingsError

INTERNAL_ERROR = 123
COMMANDS = {
    "check": "manimflat.hooks:check_command",
    "emit": "manimflat.hooks:emit_command",
    "dataset": "manimflat.dataset.cli:dataset",
    "describe": "manimflat.dataset.cli:describe_command",
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


def write_files(files: Mapping[Path, str | Path]) -> None:
    """Write each file (text, or a copy of the file named by a Path); a write that fails
    (permissions, a full disk) is a clean error (exit 1), never a traceback."""
    for target, data in files.items():
        try:
            write_atomic(target, data.read_bytes() if isinstance(data, Path) else data)
        except OSError as exc:
            raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}"
                                       ) from None


def planned_files(result: FlatResult, text: str, target: Path) -> dict[Path, str | Path]:
    """What writing `result` to `target` creates: the text, and the kept asset files
    beside it, whose repository names must resolve inside the target's folder
    (OutputPathError otherwise, before anything is written)."""
    files: dict[Path, str | Path] = {target: text}
    for rel, source in sorted(result.files.items()):
        files[inside(target.parent, rel)] = Path(source)
    return files


def refused_output(result: FlatResult, exc: OutputPathError) -> FlatResult:
    """`result` failed with MF114: it is not written."""
    problem = diag("MF114", str(exc), path=result.scene.path, line=result.scene.line)
    return replace(result, diagnostics=(*result.diagnostics, problem))


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
@click.option("--plugin", "plugins", multiple=True, metavar="NAME=POLICY",
              help="Policy for a Manim plugin: lower, inline, allow or reject (repeatable).")
@click.option("--upgrade/--no-upgrade", default=None,
              help="Upgrade ManimGL and old manimlib scenes to Manim CE (default), or skip them.")
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
    options["plugins"] = options["plugins"] or None  # no flag: the pyproject's table holds
    try:
        session = Session(repo, format=fmt, **options)
        manager = session.pipeline(passes, print_after, _print_after) if not list_ else None
    except (SettingsError, PipelineError) as exc:
        raise click.UsageError(str(exc)) from exc
    fmt = session.settings.format
    print_diagnostics(session.settings_diagnostics)
    if list_:
        _list(session)
        return
    _check_paths(output, report, folder=all_)
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


def _check_paths(output: Path | None, report: Path | None, folder: bool) -> None:
    """Outputs that cannot be written are usage errors before any work is done."""
    problems = []
    if output is not None and (why := usable_folder(output) if folder else usable_file(output)):
        problems.append(f"-o: {why}")
    if report is not None and (why := usable_file(report)):
        problems.append(f"--report: {why}")
    if problems:
        raise click.UsageError("; ".join(problems))


def _print_after(pass_name: str, code: str) -> None:
    stderr.print(f"# --- after {pass_name} ---", style="bold", markup=False)
    click.echo(code, err=True)


def _list(session: Session) -> None:
    for ref in session.scenes():
        base = " (base)" if ref.is_base else ""
        click.echo(f"{ref.path}:{ref.line} {ref.name} {ref.dialect}{base}")
    print_diagnostics(session.program.diagnostics)


def _repo_diagnostics_for(session: Session, result: FlatResult) -> list[Diagnostic]:
    """What reading the repository found about the files this scene uses (its own file, the
    modules it inlines, a manim.cfg): the rest of the repo is `--list`'s business."""
    used = {result.scene.path, *(name.rpartition(":")[0] for name in result.inlined)}
    return [d for d in session.program.diagnostics
            if d.path in used or (d.path or "").endswith("manim.cfg")]


def _flatten_one(session: Session, spec: str, output: Path | None, report: Path | None,
                 fmt: str, check: bool, manager: Any) -> int:
    try:
        ref = session.find_scene(spec)
    except SceneLookupError as exc:
        print_diagnostics([exc.diagnostic])
        return 1
    result = session.flatten(ref, manager)
    text = render_result(result, fmt)
    files: dict[Path, str | Path] = {}
    if result.code is not None and output is not None:
        try:
            files = planned_files(result, text, output)
        except OutputPathError as exc:
            result = refused_output(result, exc)
    print_diagnostics([*_repo_diagnostics_for(session, result), *result.diagnostics])
    changed = False
    if result.code is not None and output is None:
        click.echo(text, nl=False)
    if output is not None and files:
        changed = not output.is_file() or output.read_bytes() != text.encode("utf-8")
        if changed and not check:
            write_files(files)
    written = str(output.resolve()) if output is not None and files else None
    if report is not None:
        _write_report(session, [(result, written)], report, manager.spec)
    return 1 if (not result.ok or (check and changed)) else 0


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
                name = names[result.scene.spec]
                text = render_result(result, session.settings.format)
                try:
                    files = planned_files(result, text, inside(out_dir, name))
                except OutputPathError as exc:
                    result = refused_output(result, exc)
                else:
                    write_files(files)
                    path = str(next(iter(files)))
            failed |= result.status == "failed"
            rows.append((result, path))
    for result, _ in rows:
        print_diagnostics(d for d in result.diagnostics if d.is_error)
    if report is not None:
        _write_report(session, rows, report, session.pipeline(passes).spec)
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
    options = {**session.settings.as_dict(), "root": str(session.program.root)}
    with ProcessPoolExecutor(jobs) as pool:
        futures = [pool.submit(_worker, str(session.program.root), chunk, passes, options)
                   for chunk in _chunks_by_file(scenes, jobs)]
        done: dict[str, FlatResult] = {}
        for future in futures:
            done.update((r.scene.spec, r) for r in future.result())
    yield from (done[ref.spec] for ref in scenes)  # the order of a run with one job


def _chunks_by_file(scenes: list[SceneRef], jobs: int) -> list[list[SceneRef]]:
    """One chunk per worker, whole files each (the scenes of a file share its units, bases
    and asset facts, computed once per worker), the biggest files first to the least
    loaded worker."""
    files: dict[str, list[SceneRef]] = {}
    for ref in scenes:
        files.setdefault(ref.path, []).append(ref)
    chunks: list[list[SceneRef]] = [[] for _ in range(jobs)]
    for group in sorted(files.values(), key=len, reverse=True):
        min(chunks, key=len).extend(group)
    return [chunk for chunk in chunks if chunk]


def _worker(root: str, scenes: list[SceneRef], passes: str | None,
            options: dict[str, Any]) -> list[FlatResult]:
    session = Session(root, **options)
    manager = session.pipeline(passes)
    return [session.flatten(ref, manager, contain_crash=True) for ref in scenes]


def _write_report(session: Session, rows: list[tuple[FlatResult, str | None]],
                  path: Path, pipeline: str) -> None:
    data = {"tool": {"name": "manimflat", "version": __version__},
            "root": str(session.program.root),
            "pipeline": pipeline,  # the exact passes and options that ran (`--passes` reads it)
            "diagnostics": [d.to_json() for d in (*session.settings_diagnostics,
                                                  *session.program.diagnostics)],
            "scenes": [r.to_json(output) for r, output in rows]}
    write_files({path: json_text(data)})


def json_text(data: object) -> str:
    """JSON that can be written as UTF-8: a path from a file name that is not UTF-8 holds
    lone surrogates (os.fsdecode), written as `\\udcXX` escapes that Python reads back."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        with sigterm_exits():
            cli.main(args=list(argv) if argv is not None else None, prog_name="manimflat",
                     standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    return 0
