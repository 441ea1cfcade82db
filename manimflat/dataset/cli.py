"""`manimflat dataset build|clean|stats|check|export`: the click group attached to the main CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .build import build, clean_source
from .check import check
from .config import ConfigError, DatasetError, load_config
from .executor import EXECUTORS
from .export import FORMATS, ORDERS, SYSTEM_PROMPT, export
from .stats import stats

_EXECUTOR = click.option("--executor", type=click.Choice(EXECUTORS), default="local",
                         show_default=True, help="local process pool, or Ray Data")
_JOBS = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="worker processes (default: all cores)")
_OUT = click.option("-o", "--out", "out", type=click.Path(file_okay=False, path_type=Path),
                    required=True, help="output folder")
_FORCE = click.option("--force", is_flag=True, help="redo sources even when their manifest matches")
_QUIET = click.option("--quiet", "-q", is_flag=True, help="no progress bar")


def _fail(exc: Exception, code: int) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(code)


@click.group("dataset")
def dataset() -> None:
    """Build a (description, code) dataset: sources -> per-source parquet -> one clean parquet."""


@dataset.command("build")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@_OUT
@_EXECUTOR
@_JOBS
@_FORCE
@_QUIET
def build_command(config: Path, out: Path, executor: str, jobs: int | None, force: bool,
                  quiet: bool) -> None:
    """Clean every source of CONFIG.toml and combine them into OUT/dataset.parquet, its
    data/ shards and the README.md dataset card."""
    try:
        summary = build(load_config(config), out, executor, jobs, force, not quiet)
    except ConfigError as exc:
        _fail(exc, 2)
    except DatasetError as exc:
        _fail(exc, 1)
    for line in summary["diagnostics"]:
        click.echo(line, err=True)
    total = summary["total"]
    click.echo(f"{summary['rows']} rows -> {out / 'dataset.parquet'} ("
               + ", ".join(f"{k} {v}" for k, v in total.items()) + f"); card {out / 'README.md'}")


@dataset.command("clean")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", "name", required=True, help="the [[source]] name to clean")
@_OUT
@_EXECUTOR
@_JOBS
@_FORCE
@_QUIET
def clean_command(config: Path, name: str, out: Path, executor: str, jobs: int | None,
                  force: bool, quiet: bool) -> None:
    """Clean one source alone into OUT/sources/NAME.parquet."""
    try:
        done = clean_source(load_config(config), name, out, executor, jobs, force, not quiet)
    except ConfigError as exc:
        _fail(exc, 2)
    except DatasetError as exc:
        _fail(exc, 1)
    for line in done.warnings:
        click.echo(line, err=True)
    state = "up to date" if done.reused else "cleaned"
    click.echo(f"{name}: {done.rows} rows {state} -> {done.path}")


@dataset.command("stats")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def stats_command(out: Path) -> None:
    """Print OUT's summary and write plots to OUT/stats/: lengths per source, the whole
    dataset's tokens and seconds of video per split, rows per difficulty bucket."""
    try:
        text, plots = stats(out)
    except DatasetError as exc:
        _fail(exc, 1)
    click.echo(text)
    for plot in plots:
        click.echo(f"plot: {plot}")


@dataset.command("check")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="the build's CONFIG.toml (default: the one in summary.json)")
def check_command(out: Path, config: Path | None) -> None:
    """Check OUT: no duplicate left, no leak across splits or from the reference, every input
    accounted for. Exits 1 on a violation."""
    try:
        violations = check(out, load_config(config) if config else None)
    except ConfigError as exc:
        _fail(exc, 2)
    except DatasetError as exc:
        _fail(exc, 1)
    for line in violations:
        click.echo(line, err=True)
    if violations:
        click.echo(f"{out}: {len(violations)} violation(s)", err=True)
        sys.exit(1)
    click.echo(f"{out}: ok (no duplicate, no leak, every input accounted for)")


@dataset.command("export")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="messages: chat turns; alpaca: instruction/input/output; "
                   "completion: prompt/completion")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="one JSONL file ('-': stdout); default OUT/export/FORMAT-SPLIT.jsonl per split")
@click.option("--split", "splits", multiple=True, help="only this split (repeatable)")
@click.option("--order", type=click.Choice(ORDERS), default="shuffled", show_default=True,
              help="curriculum: easy to hard, as `order`; shuffled: seeded, bounded memory")
@click.option("--seed", type=int, default=0, show_default=True, help="the shuffle's seed")
@click.option("--system", default=SYSTEM_PROMPT, show_default=True,
              help="the system prompt of `messages` ('' for none)")
@click.option("--include-undescribed", is_flag=True,
              help="also export rows without a description (an empty prompt)")
def export_command(out: Path, fmt: str, output: Path | None, splits: tuple[str, ...],
                   order: str, seed: int, system: str, include_undescribed: bool) -> None:
    """Write OUT's splits as JSON lines for training, streaming the data/ shards."""
    try:
        done = export(out, fmt, output, splits, order, seed, system, include_undescribed)
    except DatasetError as exc:
        _fail(exc, 1)
    counts = ", ".join(f"{split} {n}" for split, n in done["rows"].items())
    click.echo(f"{counts} rows -> {', '.join(done['files'])}", err=output is not None
               and str(output) == "-")
    if done["skipped"]:
        click.echo(f"{done['skipped']} row(s) without a description skipped "
                   "(--include-undescribed keeps them)", err=True)
@click.command("describe")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--scene", default=None, help="the scene class (default: the file's last scene)")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="a dataset CONFIG.toml whose [describe] to use")
@click.option("--json", "as_json", is_flag=True,
              help="print the description, its source, notes and the storyboard as JSON")
def describe_command(file: Path, scene: str | None, config: Path | None, as_json: bool) -> None:
    """Describe one single-file scene (a flattened file) from its storyboard: a sandboxed run
    recording what it shows. The scene's own docstring is used and quoted texts come from it."""
    import ast
    import json

    from .clean import _scene
    from .describe import DescribeError, describe_one

    code = file.read_text(encoding="utf-8", errors="replace")
    try:
        found = _scene(ast.parse(code), scene)
    except SyntaxError as exc:
        _fail(DatasetError(f"{file}:{exc.lineno}: MF502 {exc.msg}; fix the syntax first"), 1)
    if found is None or (scene and found != scene):
        _fail(DatasetError(f"{file}: no scene class {scene or ''}".rstrip() +
                           " (a class with a construct method or a Scene base)"), 2)
    settings = load_config(config).describe if config else None
    try:
        where = file.resolve()
        origin = (where.relative_to(Path.cwd()) if where.is_relative_to(Path.cwd())
                  else Path(where.name))
        out = describe_one(code, str(found), origin.as_posix(), settings)
    except ConfigError as exc:
        _fail(exc, 2)
    except DescribeError as exc:
        _fail(exc, 1)
    for note in out["notes"]:
        click.echo(note, err=True)
    if as_json:
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        click.echo(out["description"])
