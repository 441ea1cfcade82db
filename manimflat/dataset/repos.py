"""The `repos` source: many checkouts, each flattened and cleaned in its own worker (a process
of the local pool, or a Ray task with `--executor ray`), resumable per repo.

Each repo's records go to `OUT/sources/<name>/<repo>.parquet` beside a manifest holding the
source's settings, the manimflat version and the SHA-256 of the repo's files: a repo whose
manifest matches is not redone, so an interrupted build over thousands of repos resumes where
it stopped. Origins are prefixed by the repo folder's name (`repo/scenes.py:Intro`).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import __version__
from .clean import COLUMNS, Record, clean_batch, reject
from .config import SourceConfig, repo_paths
from .io import SOURCE_SCHEMA, hash_files, write_json, write_rows
from .sources import read_repo, repo_files


def clean_repo(source: SourceConfig, repo: Path) -> list[Record]:
    """Flatten one checkout and clean its rows (runs in a worker)."""
    one = replace(source, kind="repo", path=repo)
    try:
        rows = read_repo(one)
    except Exception as exc:  # noqa: BLE001 - one repo's crash is that repo's reject
        rows = [{"source": source.name, "origin": "<flatten_all>", "code": None,
                 "read_error": f"{repo}: reading the repo crashed: {type(exc).__name__}: {exc}"}]
    for row in rows:
        row["origin"] = f"{repo.name}/{row['origin']}"
    return clean_batch(rows, source.verify, source.require_description)


def _manifest(source: SourceConfig, repo: Path) -> dict[str, Any]:
    return {"repo": repo.name, "settings": source.fingerprint(), "version": __version__,
            "inputs": hash_files(repo_files(repo))}


def run_repos(source: SourceConfig, folder: Path, executor: str, jobs: int | None,
              force: bool, progress: bool) -> list[Record]:
    """The records of every repo of `source`, in repo order; finished repos are reused."""
    repos = repo_paths(source.path)
    names = [r.name for r in repos]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"two repos of source {source.name!r} are both named {dup!r}")
    results: dict[str, list[Record]] = {}
    todo: list[tuple[Path, dict[str, Any]]] = []
    for repo in repos:
        manifest = _manifest(source, repo)
        target, manifest_path = folder / f"{repo.name}.parquet", folder / f"{repo.name}.json"
        if not force and target.is_file() and manifest_path.is_file():
            try:
                previous = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                previous = {}
            if {k: previous.get(k) for k in manifest} == manifest:
                results[repo.name] = pq.read_table(target).to_pylist()
                continue
        todo.append((repo, manifest))

    def done(repo: Path, manifest: dict[str, Any], records: list[Record]) -> None:
        write_rows(folder / f"{repo.name}.parquet", [{c: r.get(c) for c in COLUMNS}
                                                     for r in records], SOURCE_SCHEMA)
        # The manifest last: a crash before it leaves the repo to be redone.
        write_json(folder / f"{repo.name}.json", manifest | {"rows": len(records)})
        results[repo.name] = records
        bar.advance(scenes, len(records))
        bar.update(task, description=f"repos of {source.name} (last: {repo.name})")

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), disable=not progress, transient=True) as bar:
        task = bar.add_task(f"repos of {source.name}", total=len(todo))
        # Scenes (rows) per finished repo: how many a repo had is known only once it is done.
        scenes = bar.add_task(f"scenes of {source.name}", total=None)
        if executor == "ray":
            _run_ray(source, todo, jobs, done, lambda: bar.advance(task))
        else:
            with ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
                futures: dict[Future[list[Record]], tuple[Path, dict[str, Any]]] = {
                    pool.submit(clean_repo, source, repo): (repo, m) for repo, m in todo}
                for future in as_completed(futures):
                    repo, manifest = futures[future]
                    try:
                        records = future.result()
                    except Exception as exc:  # noqa: BLE001 - a worker died: the repo says so
                        records = [_crashed(source, repo, exc)]
                    done(repo, manifest, records)
                    bar.advance(task)
    return [r for repo in repos for r in results[repo.name]]


def _crashed(source: SourceConfig, repo: Path, exc: BaseException) -> Record:
    return reject({"source": source.name, "origin": f"{repo.name}/<flatten_all>"}, "MF508",
                  f"{repo}: the worker crashed: {type(exc).__name__}: {exc}")


def _run_ray(source: SourceConfig, todo: list[tuple[Path, dict[str, Any]]], jobs: int | None,
             done: Any, advance: Any) -> None:
    """One Ray task per repo; results are written as they come back."""
    import ray

    if not ray.is_initialized():
        ray.init(num_cpus=jobs, include_dashboard=False, ignore_reinit_error=True,
                 log_to_driver=False)
    remote = ray.remote(clean_repo)
    pending = {remote.remote(source, repo): (repo, m) for repo, m in todo}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        repo, manifest = pending.pop(ready[0])
        try:
            records = ray.get(ready[0])
        except Exception as exc:  # noqa: BLE001 - a task failed: the repo says so
            records = [_crashed(source, repo, exc)]
        done(repo, manifest, records)
        advance()
