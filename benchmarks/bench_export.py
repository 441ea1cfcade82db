"""`dataset export` in constant memory: generate a built-looking OUT/ of N synthetic rows, then
run the export CLI in a child under /usr/bin/time -v and print its wall time and peak RSS.

    python benchmarks/bench_export.py --rows 20000 --rows 200000 [--keep DIR]

Peak RSS that stays flat while the rows grow tenfold is what "streaming" means here.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from manimflat.dataset.build import DATASET_SCHEMA
from manimflat.dataset.publish import write_shards


def scene(k: int) -> str:
    body = "\n".join(f"        self.play(Create(Circle(radius={1 + (k + j) % 7})))"
                     for j in range(10 + k % 40))
    return f"from manim import *\n\n\nclass Scene{k}(Scene):\n    def construct(self):\n{body}\n"


def make(out: Path, rows: int) -> None:
    writer = pq.ParquetWriter(out / "dataset.parquet", DATASET_SCHEMA)
    for start in range(0, rows, 10_000):
        chunk = range(start, min(rows, start + 10_000))
        codes = [scene(k) for k in chunk]
        columns = {field.name: [None] * len(chunk) for field in DATASET_SCHEMA}
        columns |= {"id": [f"{k:016x}" for k in chunk], "code": codes,
                    "text": [f"```python\n{c}```\n" for c in codes],
                    "description": [f"Draw circles, variant {k}." for k in chunk],
                    "split": ["test" if k % 20 == 0 else "train" for k in chunk],
                    "order": list(chunk), "notes": [[] for _ in chunk],
                    "alt_descriptions": [[] for _ in chunk]}
        writer.write_table(pa.table(columns, schema=DATASET_SCHEMA))
    writer.close()
    write_shards(out, 256.0)


def measure(out: Path, fmt: str) -> tuple[float, int]:
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "manimflat", "dataset", "export",
               str(out), "--format", fmt, "-o", os.devnull]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and rss, done.stderr
    seconds = int(wall[1] or 0) * 3600 + int(wall[2]) * 60 + float(wall[3])
    return seconds, int(rss[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--format", default="messages")
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    for rows in args.rows or [20_000, 200_000]:
        with tempfile.TemporaryDirectory() as tmp:
            out = (args.keep / str(rows)) if args.keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            make(out, rows)
            size = sum(p.stat().st_size for p in (out / "data").iterdir()) / 1e6
            seconds, rss = measure(out, args.format)
            print(f"{rows:>9} rows ({size:.0f} MB of shards): {seconds:6.1f} s, "
                  f"{rows / seconds:8.0f} rows/s, peak RSS {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
