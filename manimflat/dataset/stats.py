"""`dataset stats OUT`: the summary, one length histogram (PNG, drawn with Pillow) per source, and
when storyboards were recorded a video-duration histogram per source and the difficulty buckets
beside what their videos are (median tokens, seconds and animations), plus the share of rows by
`description_source`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from PIL import Image, ImageDraw

from .config import DatasetError
from .io import atomic_path

_W, _H, _PAD = 640, 360, 40


def plot_lengths(lengths: list[float], title: str, target: Path, bins: int = 20,
                 unit: str = "lines of code") -> None:
    """A histogram of code lengths in lines (or of another length: `unit`)."""
    image = Image.new("RGB", (_W, _H), "white")
    draw = ImageDraw.Draw(image)
    draw.text((_PAD, 10), f"{title}: {len(lengths)} rows, {unit}", fill="black")
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
    present = set(pq.read_schema(dataset_path).names)
    wanted = ["source", "n_lines", "n_tokens", "difficulty", *(c for c in _DESCRIBED if c in present)]
    table = pq.read_table(dataset_path, columns=wanted).to_pydict()
    plots = []
    for name in summary["sources"]:
        lengths = [n for s, n in zip(table["source"], table["n_lines"]) if s == name]
        target = out / "stats" / f"{name}.png"
        plot_lengths(lengths, name, target)
        plots.append(target)
        durations = [d for s, d in zip(table["source"], table.get("duration_s", []))
                     if s == name and d is not None]
        if durations:
            target = out / "stats" / f"{name}.duration.png"
            plot_lengths(durations, name, target, unit="video seconds (storyboard)")
            plots.append(target)
    text = (out / "summary.md").read_text(encoding="utf-8")
    return text + _described(table), plots


_DESCRIBED = ("duration_s", "n_animations", "description_source")


def _described(table: dict[str, list[object]]) -> str:
    """Markdown: difficulty buckets beside their videos, and who wrote the descriptions."""
    lines: list[str] = []
    rows = len(table["source"])
    if "duration_s" in table and any(d is not None for d in table["duration_s"]):
        lines += ["", "## Difficulty and video length", "",
                  ("| difficulty | rows | median tokens | rows with a storyboard | "
                   "median seconds | median animations |"),
                  "| --- | --- | --- | --- | --- | --- |"]
        for bucket in dict.fromkeys(table["difficulty"]):
            idx = [i for i, d in enumerate(table["difficulty"]) if d == bucket]
            timed = [i for i in idx if table["duration_s"][i] is not None]
            tokens = float(np.median([table["n_tokens"][i] for i in idx]))  # type: ignore[misc]
            seconds = (f"{np.median([table['duration_s'][i] for i in timed]):.1f}"  # type: ignore[misc]
                       if timed else "-")
            anims = (f"{np.median([table['n_animations'][i] for i in timed]):.0f}"  # type: ignore[misc]
                     if timed else "-")
            lines.append(f"| {bucket} | {len(idx)} | {tokens:.0f} | {len(timed)} | {seconds} | "
                         f"{anims} |")
    if "description_source" in table and rows:
        counts = Counter(str(s) for s in table["description_source"])
        lines += ["", "## Descriptions by source", "", "| description_source | rows | share |",
                  "| --- | --- | --- |"]
        for source, n in counts.most_common():
            lines.append(f"| {source} | {n} | {100 * n / rows:.1f}% |")
    return "\n".join(lines) + ("\n" if lines else "")
