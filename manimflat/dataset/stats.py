"""`dataset stats OUT`: the summary, one length histogram (PNG, drawn with Pillow) per source, and
two plots of the whole dataset (drawn with matplotlib, which the card embeds): tokens of code
and seconds of video per split (`stats/dataset/lengths.png`), rows per difficulty bucket and
split (`stats/dataset/difficulty.png`). Source names hold no `/`, so that folder never
collides with a source's `stats/<name>.png`. When storyboards were recorded: a video-duration
histogram per source, the difficulty buckets beside what their videos are (median tokens,
seconds and animations), and the share of rows by `description_source`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

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
    plots += dataset_plots(out)
    text = (out / "summary.md").read_text(encoding="utf-8")
    return text + _described(table), plots


LENGTHS_PLOT, DIFFICULTY_PLOT = "stats/dataset/lengths.png", "stats/dataset/difficulty.png"


def dataset_plots(out: Path) -> list[Path]:
    """Draw the two whole-dataset plots from OUT/dataset.parquet; return their paths."""
    dataset_path = out / "dataset.parquet"
    names = pq.read_schema(dataset_path).names
    # duration_s comes from the storyboard stage; a build without it has no seconds to plot.
    columns = ["split", "n_tokens", "difficulty", *(["duration_s"] if "duration_s" in names
                                                    else [])]
    table = pq.read_table(dataset_path, columns=columns).to_pydict()
    splits = sorted(set(table["split"]), key=lambda s: (s != "train", s))
    per_split = {s: [i for i, x in enumerate(table["split"]) if x == s] for s in splits}

    def values(column: str) -> dict[str, np.ndarray]:
        return {s: np.array([table[column][i] for i in rows if table[column][i] is not None],
                            dtype=np.float64) for s, rows in per_split.items()}

    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(11, 4.2), dpi=110)
    left, right = figure.subplots(1, 2)
    _histogram(left, values("n_tokens"), "tokens of code per row")
    if "duration_s" in table and any(d is not None for d in table["duration_s"]):
        seconds = values("duration_s")
        timed = sum(v.size for v in seconds.values())
        _histogram(right, seconds, f"seconds of video per row ({timed} with a storyboard)")
    else:
        right.set_axis_off()
        right.text(0.5, 0.5, "no duration_s column:\nthe storyboard stage did not run",
                   ha="center", va="center", fontsize=11, color="0.4")
    figure.suptitle(f"{len(table['split'])} rows", fontsize=11)
    lengths = out / LENGTHS_PLOT
    _save(figure, lengths)

    buckets = list(dict.fromkeys(table["difficulty"]))  # the file is in curriculum order
    figure = Figure(figsize=(7, 4.2), dpi=110)
    axes = figure.subplots()
    width = 0.8 / max(len(splits), 1)
    for k, split in enumerate(splits):
        counts = [sum(1 for i in per_split[split] if table["difficulty"][i] == b)
                  for b in buckets]
        bars = axes.bar([x + k * width for x in range(len(buckets))], counts, width, label=split)
        axes.bar_label(bars, fontsize=8)
    ranges = []
    for b in buckets:
        inside = [table["n_tokens"][i] for i, d in enumerate(table["difficulty"]) if d == b]
        ranges.append(f"{b}\n{min(inside)}-{max(inside)} tokens")
    axes.set_xticks([x + width * (len(splits) - 1) / 2 for x in range(len(buckets))], ranges)
    axes.set_ylabel("rows")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("rows per difficulty bucket (token-count quantiles)", fontsize=11)
    if splits:
        axes.legend(title="split")
    difficulty = out / DIFFICULTY_PLOT
    _save(figure, difficulty)
    return [lengths, difficulty]


def _histogram(axes: Any, values: dict[str, np.ndarray], title: str) -> None:
    """One histogram per split, overlaid; a log x axis with log bins when the tail is long
    (the 99th percentile over ten times the median), with plain-number ticks."""
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    pooled = np.concatenate([v for v in values.values()] or [np.zeros(0)])
    axes.set_title(title, fontsize=11)
    axes.set_ylabel("rows")
    if not pooled.size:
        axes.text(0.5, 0.5, "no rows", ha="center", va="center", transform=axes.transAxes)
        return
    positive = pooled[pooled > 0]
    median = float(np.median(positive)) if positive.size else 0.0
    long_tail = positive.size > 1 and float(np.percentile(positive, 99)) > 10 * median
    if long_tail:
        bins = np.geomspace(positive.min(), positive.max(), 31)
        axes.set_xscale("log")
        axes.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axes.xaxis.set_minor_locator(LogLocator(base=10, subs="auto", numticks=30))
        axes.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    else:
        low, high = float(pooled.min()), float(pooled.max())
        bins = np.linspace(low, high if high > low else low + 1, 31)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick(v)))
    for split, data in values.items():
        shown = data[data > 0] if long_tail else data
        if not data.size:
            continue
        label = f"{split}: {data.size} rows, median {_tick(float(np.median(data)))}"
        if long_tail and shown.size < data.size:
            label += f", {data.size - shown.size} at 0 not shown"
        axes.hist(shown, bins=bins, alpha=0.55, label=label)
    axes.legend(fontsize=8)
    axes.grid(axis="y", alpha=0.3)


def _tick(value: float) -> str:
    """1, 20, 500, 2k, 15k, 1.5M: short numbers a reader takes in at a glance."""
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def _save(figure: Any, target: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    figure.tight_layout()
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        figure.savefig(tmp, format="png")


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
