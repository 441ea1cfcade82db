"""`dataset stats OUT`: the summary, and one length histogram (PNG, drawn with Pillow) per source."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from PIL import Image, ImageDraw

from .config import DatasetError
from .io import atomic_path

_W, _H, _PAD = 640, 360, 40


def plot_lengths(lengths: list[int], title: str, target: Path, bins: int = 20) -> None:
    """A histogram of code lengths in lines."""
    image = Image.new("RGB", (_W, _H), "white")
    draw = ImageDraw.Draw(image)
    draw.text((_PAD, 10), f"{title}: {len(lengths)} rows, lines of code", fill="black")
    draw.line([(_PAD, _H - _PAD), (_W - _PAD, _H - _PAD)], fill="black")
    draw.line([(_PAD, _PAD), (_PAD, _H - _PAD)], fill="black")
    if lengths:
        counts, edges = np.histogram(lengths, bins=bins)
        width = (_W - 2 * _PAD) / bins
        top = max(int(counts.max()), 1)
        for k, count in enumerate(counts.tolist()):
            height = (_H - 2 * _PAD - 20) * count / top
            x0 = _PAD + k * width
            draw.rectangle([x0 + 1, _H - _PAD - height, x0 + width - 1, _H - _PAD],
                           fill=(66, 133, 244))
        draw.text((_PAD, _H - _PAD + 5), f"{edges[0]:.0f}", fill="black")
        draw.text((_W - _PAD - 30, _H - _PAD + 5), f"{edges[-1]:.0f}", fill="black")
        draw.text((4, _PAD), str(top), fill="black")
    with atomic_path(target) as tmp:
        image.save(tmp, format="PNG")


def stats(out: Path) -> tuple[str, list[Path]]:
    """The summary's markdown and the plots written under OUT/stats/."""
    summary_path, dataset_path = out / "summary.json", out / "dataset.parquet"
    if not summary_path.is_file() or not dataset_path.is_file():
        raise DatasetError(f"{out}: no summary.json/dataset.parquet; run `dataset build` first")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    table = pq.read_table(dataset_path, columns=["source", "n_lines"]).to_pydict()
    plots = []
    for name in summary["sources"]:
        lengths = [n for s, n in zip(table["source"], table["n_lines"]) if s == name]
        target = out / "stats" / f"{name}.png"
        plot_lengths(lengths, name, target)
        plots.append(target)
    return (out / "summary.md").read_text(encoding="utf-8"), plots
