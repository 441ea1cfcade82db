"""Run `clean_batch` over raw rows: in a local process pool (default) or on Ray Data.

Both executors call the same per-row function; rows cross process boundaries as JSON text so
that a column of mixed types (a number where code was expected) reaches `clean_row` unchanged
and is rejected there with a reason.
"""

from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .clean import Record, clean_batch, clean_row, reject

EXECUTORS = ("local", "ray")
_IN_PROCESS_BELOW = 200  # a pool costs more to start than cleaning this many rows


def run(rows: list[dict[str, Any]], executor: str, jobs: int | None, label: str,
        progress: bool = True, **options: Any) -> list[Record]:
    if executor == "ray":
        return run_ray(rows, jobs, **options)
    return run_local(rows, jobs, label, progress, **options)


def run_local(rows: list[dict[str, Any]], jobs: int | None, label: str, progress: bool,
              **options: Any) -> list[Record]:
    jobs = jobs or os.cpu_count() or 1
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), disable=not progress, transient=True) as bar:
        task = bar.add_task(f"clean {label}", total=len(rows))
        if jobs == 1 or len(rows) < _IN_PROCESS_BELOW:
            out = []
            for row in rows:
                out.append(clean_row(row, **options))
                bar.advance(task)
            return out
        size = max(16, len(rows) // (jobs * 8))
        chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
        results: list[list[Record] | None] = [None] * len(chunks)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(clean_batch, chunk, **options): n
                       for n, chunk in enumerate(chunks)}
            for future in as_completed(futures):
                n = futures[future]
                try:
                    results[n] = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker died (segfault, OOM): its rows say so
                    results[n] = [_crashed(row, exc) for row in chunks[n]]
                bar.advance(task, len(chunks[n]))
        return [record for chunk in results for record in chunk or []]


def _crashed(row: dict[str, Any], exc: BaseException) -> Record:
    return reject(row, "MF508", f"worker crashed: {type(exc).__name__}: {exc}")


def _ray_clean(batch: dict[str, Any], **options: Any) -> dict[str, list[str]]:
    rows = [json.loads(text) for text in batch["row"]]
    return {"record": [json.dumps(r) for r in clean_batch(rows, **options)]}


def run_ray(rows: list[dict[str, Any]], jobs: int | None, **options: Any) -> list[Record]:
    """Ray Data reads the raw rows from parquet, maps `clean_batch`, writes parquet back."""
    import ray

    if not ray.is_initialized():
        ray.init(num_cpus=jobs, include_dashboard=False, ignore_reinit_error=True,
                 log_to_driver=False)
    if not rows:
        return []
    with tempfile.TemporaryDirectory(prefix="manimflat-ray-") as tmp:
        raw = Path(tmp) / "raw.parquet"
        # Keep the input order through Ray: the index column sorts the records back.
        texts = [json.dumps(row, default=str) for row in rows]
        pq.write_table(pa.table({"index": list(range(len(rows))), "row": texts}), raw)
        dataset = ray.data.read_parquet(str(raw))
        cleaned = dataset.map_batches(
            lambda b: {"index": list(b["index"]), **_ray_clean(b, **options)},
            batch_format="numpy", batch_size=64)
        cleaned.write_parquet(str(Path(tmp) / "clean"))
        table = pq.read_table(Path(tmp) / "clean").sort_by("index")
    return [json.loads(text) for text in table.column("record").to_pylist()]
