"""`manimflat dataset export OUT --format F`: the shards of OUT/data/ as JSON lines a trainer reads.

Formats (the answer is always the row's `text`: its code in one ```python block):
- `messages`: `{"messages": [{"role": "system", ...}, {"role": "user", "content": description},
  {"role": "assistant", "content": text}]}` (the system turn left out when the prompt is empty);
- `alpaca`: `{"instruction": description, "input": "", "output": text}`;
- `completion`: `{"prompt": description, "completion": text}`.

Streaming: one row group (`publish.ROW_GROUP` rows) is read at a time, so memory does not grow
with the dataset. `--order curriculum` keeps the shards' order (easy to hard, as `order`);
`shuffled` (the default) reads the row groups in a seeded random order and shuffles rows in a
window of `buffer` rows, as streaming loaders do: a bounded-memory shuffle, not a perfect one.
Rows without a description teach nothing as prompts: they are skipped (and counted) unless
asked for.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow.parquet as pq

from ..diagnostics import diag
from ..outputs import atomic_path
from .config import DatasetError
from .publish import DATA

FORMATS = ("messages", "alpaca", "completion")
ORDERS = ("shuffled", "curriculum")
SYSTEM_PROMPT = ("You write Manim Community Edition scenes. Answer with one self-contained "
                 "Python file in a ```python block.")
_SHARD = re.compile(r"^(?P<split>\w+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet$")
_COLUMNS = ["description", "text"]


def shards(out: Path) -> dict[str, list[Path]]:
    """The shard files of each split under OUT/data/, in order (train first)."""
    found: dict[str, list[Path]] = {}
    folder = out / DATA
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        match = _SHARD.match(path.name)
        if match:
            found.setdefault(match["split"], []).append(path)
    if not found:
        raise DatasetError(diag("MF533", "no shard in it; run `manimflat dataset build` (it "
                                "writes data/)", path=str(folder)).format())
    return dict(sorted(found.items(), key=lambda item: (item[0] != "train", item[0])))


def rows(files: list[Path], order: str = "shuffled", seed: int = 0, buffer: int = 10_000
         ) -> Iterator[dict[str, Any]]:
    """The rows of `files` (description and text), one row group in memory at a time."""
    groups = [(path, k) for path in files for k in range(pq.ParquetFile(path).num_row_groups)]
    rng = random.Random(seed)
    if order == "shuffled":
        rng.shuffle(groups)
    window: list[dict[str, Any]] = []
    for path, k in groups:
        for row in pq.ParquetFile(path).read_row_group(k, columns=_COLUMNS).to_pylist():
            if order == "curriculum":
                yield row
                continue
            window.append(row)
            if len(window) >= buffer:  # emit a random row of the window, keep it full
                pick = rng.randrange(len(window))
                window[pick], window[-1] = window[-1], window[pick]
                yield window.pop()
    rng.shuffle(window)
    yield from window


def record(row: dict[str, Any], fmt: str, system: str = SYSTEM_PROMPT) -> dict[str, Any]:
    """One dataset row in a training format."""
    description, answer = row["description"] or "", row["text"]
    if fmt == "messages":
        turns = [{"role": "system", "content": system}] if system else []
        return {"messages": [*turns, {"role": "user", "content": description},
                             {"role": "assistant", "content": answer}]}
    if fmt == "alpaca":
        return {"instruction": description, "input": "", "output": answer}
    if fmt == "completion":
        return {"prompt": description, "completion": answer}
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def export(out: Path, fmt: str, target: Path | None = None, splits: tuple[str, ...] = (),
           order: str = "shuffled", seed: int = 0, system: str = SYSTEM_PROMPT,
           undescribed: bool = False, buffer: int = 10_000) -> dict[str, Any]:
    """Write the chosen splits (default all) as JSON lines: to `target` (one file, `-` for
    stdout), else to OUT/export/<format>-<split>.jsonl each. Returns the files and counts."""
    if fmt not in FORMATS or order not in ORDERS:
        raise DatasetError(f"format must be one of {', '.join(FORMATS)} and order one of "
                           f"{', '.join(ORDERS)}")
    available = shards(out)
    unknown = [s for s in splits if s not in available]
    if unknown:
        raise DatasetError(diag("MF533", f"no shard of split {unknown[0]!r} (splits: "
                                f"{', '.join(sorted(available))})",
                                path=str(out / DATA)).format())
    chosen = {s: available[s] for s in (splits or tuple(available))}
    counts: Counter[str] = Counter()

    def write(handle: IO[str], split: str) -> None:
        for row in rows(chosen[split], order, seed, buffer):
            if not (row["description"] or "").strip() and not undescribed:
                counts["skipped"] += 1
                continue
            handle.write(json.dumps(record(row, fmt, system), ensure_ascii=False) + "\n")
            counts[split] += 1

    files: list[str] = []
    if target is not None and str(target) == "-":
        for split in chosen:
            write(sys.stdout, split)
        files.append("-")
    elif target is not None:
        with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8") as handle:
            for split in chosen:
                write(handle, split)
        files.append(str(target))
    else:
        for split in chosen:
            path = out / "export" / f"{fmt}-{split}.jsonl"
            with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as handle:
                write(handle, split)
            files.append(str(path))
    return {"files": files, "rows": {s: counts[s] for s in chosen},
            "skipped": counts["skipped"]}
