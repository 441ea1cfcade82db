"""`manimflat dataset check OUT`: prove a built dataset keeps its promises, from its files alone.

Recomputed from `dataset.parquet`, `rejects.parquet`, `sources/*.parquet` and the config (the
path in `summary.json`, or given): no exact duplicate (same normalized code) and, with
`near = "drop"`, no near duplicate (LSH candidates verified by exact shingle Jaccard) among the
kept rows (MF519); no near-duplicate pair, shared description or cluster on both sides of the
split, and no kept row equal or near to a reference row (MF520); every input item of every
source is exactly one row of the dataset or of the rejects, and the summary's counts balance
(MF521). The build runs it last and fails on any violation.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..diagnostics import diag
from .combine import CATEGORIES, load_reference
from .config import DatasetConfig, DatasetError, load_config
from .minhash import LSHParams, near_pairs
from .normalize import digest, normalize_code, normalize_description

_MAX_PER_KIND = 20  # violations listed per code; the rest are counted


def check(out: Path, config: DatasetConfig | None = None) -> list[str]:
    """The violations found in OUT, as formatted diagnostics (empty: the dataset is sound)."""
    summary = _read_json(out / "summary.json")
    if config is None:
        config_path = Path(str(summary.get("config", "")))
        if not config_path.is_file():
            raise DatasetError(f"{out / 'summary.json'}: its config {config_path} is gone; "
                               "pass --config CONFIG.toml")
        config = load_config(config_path)
    rows = _read_rows(out / "dataset.parquet")
    rejects = _read_rows(out / "rejects.parquet")
    where = str(out / "dataset.parquet")
    found: dict[str, list[str]] = {"MF519": [], "MF520": [], "MF521": []}

    def name(n: int) -> str:
        return f"{rows[n]['source']}:{rows[n]['origin']}"

    # Exact duplicates, on the same normalized code the build used.
    norms = [normalize_code(r["code"]) for r in rows]
    first: dict[str, int] = {}
    for n, norm in enumerate(norms):
        seen = first.setdefault(digest(norm), n)
        if seen != n:
            found["MF519"].append(f"{name(n)} has the same code as {name(seen)}")

    # Near duplicates and leaks from the reference, in one LSH run (references first).
    params = LSHParams(config.dedup.num_perm, config.dedup.ngram, config.dedup.threshold,
                       config.dedup.seed)
    reference = load_reference(config)
    n_ref = len(reference.norm_codes)
    pi, pj, sim = near_pairs(reference.norm_codes + norms, params, anchors=n_ref)
    for i, j, x in zip(pi.tolist(), pj.tolist(), sim.tolist()):
        if j < n_ref:
            continue
        a, b = i - n_ref, j - n_ref
        if i < n_ref:
            found["MF520"].append(f"{name(b)} is a near duplicate (Jaccard {x:.2f}) of "
                                  f"reference {reference.origins[i]}")
        elif rows[a]["split"] != rows[b]["split"]:
            found["MF520"].append(f"{name(a)} ({rows[a]['split']}) and {name(b)} "
                                  f"({rows[b]['split']}) are near duplicates (Jaccard {x:.2f}) "
                                  "in two splits")
        elif config.dedup.near == "drop" and norms[a] != norms[b]:
            found["MF519"].append(f"{name(b)} is a near duplicate (Jaccard {x:.2f}) of "
                                  f"{name(a)}, but near = \"drop\" keeps one per cluster")
    for n, norm in enumerate(norms):
        hit = reference.code_hashes.get(digest(norm))
        description = normalize_description(rows[n]["description"] or "")
        by_desc = reference.desc_hashes.get(digest(description)) if description else None
        if hit is not None:
            found["MF520"].append(f"{name(n)} has the code of reference {reference.origins[hit]}")
        elif by_desc is not None:
            found["MF520"].append(f"{name(n)} has the description of reference "
                                  f"{reference.origins[by_desc]}")

    # One split per cluster and per description.
    for label in ("cluster", "description"):
        splits: dict[str, set[str]] = {}
        for r in rows:
            value = r[label] if label == "cluster" else normalize_description(r[label] or "")
            if value:
                splits.setdefault(value, set()).add(r["split"])
        for value, both in splits.items():
            if len(both) > 1:
                found["MF520"].append(f"{label} {value[:60]!r} is in splits {sorted(both)}")

    # Every input accounted for: the cleaned sources against the two outputs and the summary.
    placed = Counter((r["source"], r["origin"]) for r in [*rows, *rejects])
    per = summary.get("sources", {})
    for source in config.sources:
        path = out / "sources" / f"{source.name}.parquet"
        inputs = Counter((source.name, o) for o in _read_rows(path, ["origin"], "origin"))
        for item in inputs.keys() | {k for k in placed if k[0] == source.name}:
            if inputs[item] != placed[item]:
                found["MF521"].append(f"{item[0]}:{item[1]} is {inputs[item]} input item(s) but "
                                      f"{placed[item]} row(s) of dataset.parquet + "
                                      "rejects.parquet")
        entry = per.get(source.name)
        if entry is None:
            found["MF521"].append(f"source {source.name!r} is missing from summary.json")
            continue
        counted = sum(int(entry.get(c, 0)) for c in CATEGORIES)
        total = sum(inputs.values())
        if not entry.get("input") == counted == total:
            found["MF521"].append(f"source {source.name!r}: summary input {entry.get('input')}"
                                  f", categories {counted}, {path.name} {total} rows")
    out_lines = []
    for code, messages in found.items():
        for message in messages[:_MAX_PER_KIND]:
            out_lines.append(diag(code, message, path=where).format())
        if len(messages) > _MAX_PER_KIND:
            out_lines.append(diag(code, f"... and {len(messages) - _MAX_PER_KIND} more",
                                  path=where).format())
    return out_lines


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read it ({exc}); is this a dataset build "
                           "folder?") from None
    return data if isinstance(data, dict) else {}


def _read_rows(path: Path, columns: list[str] | None = None, column: str | None = None
               ) -> list[Any]:
    try:
        table = pq.read_table(path, columns=columns)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read it: {exc}") from None
    return table.column(column).to_pylist() if column else table.to_pylist()
