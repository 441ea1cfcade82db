"""Atomic output: a temporary file beside the target, then `os.replace`, so nothing is half-written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..outputs import atomic_path
from .clean import COLUMNS

# The table each source is cleaned into (one row per input record).
_LIST_COLUMNS = ("notes", "requires")
SOURCE_SCHEMA = pa.schema([(c, pa.list_(pa.string()) if c in _LIST_COLUMNS else pa.string())
                           for c in COLUMNS])


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(target: Path, data: Any) -> None:
    write_text(target, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def write_table(target: Path, table: pa.Table) -> None:
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp)


def write_rows(target: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    write_table(target, pa.Table.from_pylist(rows, schema=schema))


def hash_files(paths: list[Path]) -> str:
    """A content hash of files (names relative to their common root included, so renames count)."""
    digest = hashlib.sha256()
    root = Path(os.path.commonpath([str(p) for p in paths])) if paths else Path()
    for path in sorted(paths):
        name = str(path.relative_to(root) if root != path else path.name)
        digest.update(name.encode("utf-8", "surrogateescape"))  # names need not be UTF-8
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
