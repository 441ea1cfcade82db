"""The Hugging Face layout of a build: `OUT/data/<split>-0000K-of-0000N.parquet` shards and the
dataset card `OUT/README.md`, so `datasets.load_dataset(OUT)` (or the Hub, once pushed) reads
both splits with their features.

Shards keep the curriculum order of `dataset.parquet` (which stays: `dataset check`, `stats`
and tools that want one file read it). A shard holds at most `[publish] shard_mb` MB of rows
(uncompressed Arrow bytes, so the file is smaller), in row groups of `ROW_GROUP` rows, so a
reader that streams row groups (`dataset export`) needs constant memory. The card is written
from the summary, the config and the data: its counts are the build's, never typed by hand.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import __version__
from .combine import CATEGORIES
from .config import DatasetConfig
from .io import write_text
from .license import NOASSERTION
from .stats import DIFFICULTY_PLOT, LENGTHS_PLOT, dataset_plots

ROW_GROUP = 1000
_MAX_ORIGINS = 50  # rows of the card's provenance table
DATA = "data"

# What each column means, for the card (docs/dataset.md has the same table).
COLUMN_DOCS = {
    "id": "16 hex digits: a hash of source and origin, stable across builds",
    "source": "the [[source]] the row came from",
    "origin": "where in the source: `file#row`, `path.py:Scene`, `nb.ipynb#cell4`",
    "scene": "the scene class name",
    "description": "what the scene shows (may be empty for repo/notebook rows; see `notes`)",
    "code": "the self-contained Manim CE code",
    "text": "the code in one ```python fenced block",
    "split": "train or test (the source's own split, or its cluster's)",
    "n_lines": "lines of code", "n_chars": "characters of code",
    "n_tokens": "word and punctuation tokens of the code (a tokenizer-free proxy)",
    "difficulty": "bucket of token-count quantiles", "order": "curriculum order (easy to hard)",
    "cluster": "duplicate/near-duplicate/same-description cluster; never in two splits",
    "status": "ok, or fixed (markdown removed, code repaired)",
    "notes": "what was fixed or is missing", "alt_descriptions": "descriptions of dropped copies",
    "source_url": "the git remote of the row's checkout (credentials removed), else its path",
    "commit": "the checkout's HEAD commit when it is a git repository",
    "path": "the file inside the checkout, notebook folder or table",
    "license": "SPDX identifier of the row's license (NOASSERTION: none found)",
    "requires": "third-party packages the code still imports (empty for plain Manim CE)",
    "source_dialect": "the Manim dialect the scene was written in (manim-ce, or upgraded from "
                      "manimgl / manimlib-old)",
    "original_description": "the row's own description when the describe stage replaced it",
    "description_source": "who wrote `description`: table, docstring, narration, storyboard, "
                          "http:<model>, command or callable",
    "storyboard": "JSON timeline of what the scene does when run (plays, waits, texts shown)",
    "duration_s": "seconds of video the storyboard predicts",
    "n_animations": "animations the storyboard counts",
}
# License ids the Hub knows (its `license:` list); others are "other", NOASSERTION "unknown".
_HUB_LICENSES = {
    "apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "isc", "0bsd", "gpl-2.0", "gpl-3.0",
    "lgpl-2.1", "lgpl-3.0", "agpl-3.0", "mpl-2.0", "epl-2.0", "bsl-1.0", "cc0-1.0",
    "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "unlicense", "wtfpl", "zlib",
}


def publish(out: Path, config: DatasetConfig, summary: dict[str, Any]) -> Path:
    """Write OUT/data/ shards, the whole-dataset plots and OUT/README.md; return the card."""
    splits = write_shards(out, config.publish.shard_mb)
    plots = dataset_plots(out)
    card = out / "README.md"
    write_text(card, dataset_card(out, config, summary, splits,
                                  [p.relative_to(out).as_posix() for p in plots]))
    return card


def write_shards(out: Path, shard_mb: float) -> dict[str, dict[str, Any]]:
    """Split dataset.parquet into size-bounded shards per split, streaming its record batches.
    Returns per split its files, rows and bytes. The shards are written into a temporary
    folder that replaces OUT/data/ at the end, so a crash leaves the previous shards whole."""
    source = pq.ParquetFile(out / "dataset.parquet")
    schema, limit = source.schema_arrow, max(1, int(shard_mb * 1e6))
    work = out / f".{DATA}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shards: dict[str, list[Path]] = {}
    state: dict[str, dict[str, Any]] = {}  # per split: open writer, its bytes, totals

    def write(split: str, part: pa.Table) -> None:
        """Append rows to the split's open shard, opening the next one when the shard is full;
        a shard holds at least one row, however large."""
        entry = state.setdefault(split, {"writer": None, "bytes": 0, "rows": 0, "total": 0})
        while part.num_rows:
            room = limit - entry["bytes"]
            take = max(1, min(part.num_rows, int(room / max(part.nbytes / part.num_rows, 1))))
            while take > 1 and part.slice(0, take).nbytes > room:
                take = take * 3 // 4
            if entry["writer"] is not None and (room <= 0 or part.slice(0, take).nbytes > room):
                entry["writer"].close()
                entry["writer"] = None
                continue
            if entry["writer"] is None:
                path = work / f"{split}-{len(shards.get(split, [])):05d}.parquet"
                shards.setdefault(split, []).append(path)
                entry["writer"], entry["bytes"] = pq.ParquetWriter(path, schema), 0
            chunk = part.slice(0, take)
            entry["writer"].write_table(chunk, row_group_size=ROW_GROUP)
            entry["bytes"] += chunk.nbytes
            entry["rows"] += chunk.num_rows
            entry["total"] += chunk.nbytes
            part = part.slice(take)

    for batch in source.iter_batches(batch_size=ROW_GROUP):
        column = batch.column("split")
        for split in pc.unique(column).to_pylist():
            write(split, pa.Table.from_batches([batch.filter(pc.equal(column, split))], schema))
    result: dict[str, dict[str, Any]] = {}
    for split, entry in state.items():
        entry["writer"].close()
        files = []
        for k, path in enumerate(shards[split]):
            final = path.with_name(f"{split}-{k:05d}-of-{len(shards[split]):05d}.parquet")
            path.rename(final)
            files.append(final)
        result[split] = {"rows": entry["rows"], "bytes": entry["total"],
                         "files": [f"{DATA}/{f.name}" for f in files],
                         "download": sum(f.stat().st_size for f in files)}
    target = out / DATA
    if target.exists():
        shutil.rmtree(target)
    work.rename(target)
    return dict(sorted(result.items(), key=lambda item: (item[0] != "train", item[0])))


def hub_license(spdx: str) -> str:
    """The Hub's id for an SPDX license: lower case, GNU's -only/-or-later dropped."""
    if spdx == NOASSERTION:
        return "unknown"
    hub = spdx.lower().removesuffix("-only").removesuffix("-or-later")
    return hub if hub in _HUB_LICENSES else "other"


def size_category(rows: int) -> str:
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if rows < bound:
            return name
    return "10M<n<100M"


def _feature(field: pa.Field) -> dict[str, str]:
    """A column as the card's `dataset_info.features` entry (the `datasets` YAML form)."""
    kind = field.type
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return {"name": field.name, "sequence": _dtype(kind.value_type)}
    return {"name": field.name, "dtype": _dtype(kind)}


def _type_name(field: pa.Field) -> str:
    entry = _feature(field)
    return f"list of {entry['sequence']}" if "sequence" in entry else entry["dtype"]


def _dtype(kind: pa.DataType) -> str:
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    return str(kind)  # int32, int64, float64, bool: the same names in `datasets`


def _q(value: Any) -> str:
    """A YAML scalar: JSON's quoting is valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def _front_matter(config: DatasetConfig, schema: pa.Schema, splits: dict[str, dict[str, Any]],
                  licenses: Counter[str], rows: int) -> list[str]:
    hub = sorted({hub_license(spdx) for spdx in licenses}) or ["unknown"]
    lines = ["---", f"pretty_name: {_q(config.publish.pretty_name)}", "license:"]
    lines += [f"- {h}" for h in hub]
    lines += ["task_categories:", "- text-generation", "tags:", "- code", "- manim", "- python",
              "- animation", "- text-to-code", "size_categories:", f"- {size_category(rows)}"]
    if splits:
        lines += ["configs:", "- config_name: default", "  data_files:"]
        for split in splits:
            lines += [f"  - split: {split}", f"    path: {DATA}/{split}-*"]
    lines += ["dataset_info:", "  features:"]
    for field in schema:
        entry = _feature(field)
        lines += [f"  - name: {entry.pop('name')}"] + [f"    {k}: {v}" for k, v in entry.items()]
    lines += ["  splits:"]
    for split, info in splits.items():
        lines += [f"  - name: {split}", f"    num_bytes: {info['bytes']}",
                  f"    num_examples: {info['rows']}"]
    lines += [f"  download_size: {sum(i['download'] for i in splits.values())}",
              f"  dataset_size: {sum(i['bytes'] for i in splits.values())}", "---"]
    return lines


def _table(head: list[str], rows: list[list[Any]]) -> list[str]:
    return (["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
            + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def _config_text(value: Any) -> str:
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if v not in (None, "", (), [], {})}
        return ", ".join(f"{k} = {v!r}" for k, v in shown.items()) or "defaults"
    return repr(value)


def dataset_card(out: Path, config: DatasetConfig, summary: dict[str, Any],
                 splits: dict[str, dict[str, Any]], plots: list[str]) -> str:
    """The card's markdown: YAML front matter, then what a user needs to trust the data."""
    names = pq.read_schema(out / "dataset.parquet").names
    table = pq.read_table(out / "dataset.parquet", columns=[
        "license", "description", "source_url", "commit"]).to_pydict()
    schema = pq.read_schema(out / "dataset.parquet")
    licenses = Counter(x or NOASSERTION for x in table["license"])
    rows = summary["rows"]
    undescribed = sum(1 for d in table["description"] if not (d or "").strip())
    total = summary["total"]
    lines = _front_matter(config, schema, splits, licenses, rows)
    split_text = ", ".join(f"{s} {i['rows']}" for s, i in splits.items()) or "none"
    lines += [
        "", f"# {config.publish.pretty_name}", "",
        (f"{rows} (description, Manim Community Edition code) pairs in {summary['clusters']} "
        f"clusters, from {len(summary['sources'])} source(s) holding {total['input']} input "
        f"items; splits: {split_text}. Built by manimflat {__version__}: every scene is "
        "flattened into one self-contained file, cleaned, deduplicated and checked against "
        "held-out references."), "",
        "```python", "from datasets import load_dataset", "",
        'dataset = load_dataset("path/to/this/folder")  # or the Hub id once pushed',
        'print(dataset["train"][0]["description"], dataset["train"][0]["code"])', "```", "",
        "## Sources", "",
        ("Every input item is counted in exactly one of kept, fixed, duplicate, contaminated "
        "or rejected."), ""]
    per = summary["sources"]
    lines += _table(["source", "kind", "input", *CATEGORIES],
                    [[name, config.source(name).kind, e["input"], *(e[c] for c in CATEGORIES)]
                     for name, e in per.items()]
                    + [["**total**", "", total["input"], *(total[c] for c in CATEGORIES)]])
    reasons = Counter[str]()
    for e in per.values():
        reasons.update(e["reasons"])
    if reasons:
        lines += ["", "Reasons (MF codes, see the manimflat docs): "
                  + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) + "."]
    lines += ["", "## Licenses", "",
              ("Each row carries the license of the checkout it came from (an SPDX id "
              "detected from its LICENSE/COPYING file or package metadata, or given in the "
              "source's config); `NOASSERTION` means none was found: such rows may not be "
              "redistributable."), ""]
    lines += _table(["license", "rows"], [[k, v] for k, v in licenses.most_common()])
    if config.licenses is not None:
        lines += ["", (f"Only {', '.join(config.licenses)} kept (`[dataset] licenses`): "
                  f"{reasons.get('MF532', 0)} row(s) rejected for their license (MF532).")]
    lines += ["", "## Distributions", ""]
    titles = {LENGTHS_PLOT: "tokens of code and seconds of video per split",
              DIFFICULTY_PLOT: "rows per difficulty bucket"}
    for plot in plots:
        lines += [f"![{titles.get(plot, plot)}]({plot})", ""]
    per_source = [f"[{n}](stats/{n}.png)" for n in per if (out / "stats" / f"{n}.png").is_file()]
    if per_source:
        lines += ["Lines of code per source: " + ", ".join(per_source) + ".", ""]
    lines += ["## Columns", ""]
    lines += _table(["column", "type", "meaning"],
                    [[f.name, _type_name(f), COLUMN_DOCS.get(f.name, "")] for f in schema])
    dedup, reference = config.dedup, config.reference
    judge = config.judge
    describer = getattr(config, "describe", None)
    lines += [
        "", "## Policies", "",
        (f"- **Deduplication**: exact on normalized code (AST round trip: comments, "
        f"docstrings and formatting ignored), then MinHash LSH near duplicates: "
        f"{dedup.ngram}-token shingles, {dedup.num_perm} permutations, Jaccard threshold "
        f"{dedup.threshold} (verified exactly), seed {dedup.seed}, near = {dedup.near!r} "
        "(drop: one row per cluster). Copies' distinct descriptions are kept in "
        "`alt_descriptions`."),
        "- **Contamination**: "
        + (f"rows equal or near to any of {summary.get('reference_rows', 0)} reference row(s) "
           f"in {', '.join(p.name for p in reference.paths)} (code column "
           f"{reference.code_column!r}"
           + (f", descriptions in {reference.description_column!r}"
              if reference.description_column else "") + ") are dropped."
           if reference.paths else "no reference set was given: nothing was checked for "
           "leaks into a benchmark."),
        (f"- **Splits**: per cluster (exact + near + same description), so no program or "
        f"prompt is on both sides; a source's own split wins, else a hash (seed "
        f"{config.seed}) sends {config.test_fraction:.0%} of clusters to test."),
        (f"- **Difficulty**: buckets {', '.join(config.difficulty)} by token-count quantiles; "
        "`order` runs easy to hard."),
        "- **Verification**: " + "; ".join(f"{s.name}: {s.verify}" for s in config.sources)
        + " (syntax: compiles; static/exec/render: manimflat.verify).",
        "- **Judge**: " + (f"`{judge.callable}`" if judge.callable else
                           f"`{' '.join(judge.command)}`" if judge.command else "none")
        + (f" ({reasons.get('MF509', 0)} row(s) rejected)" if judge.enabled else "") + ".",
        "- **Describer**: " + (_config_text(describer) if describer is not None
                               and getattr(describer, "enabled", True) else "none: "
                               "descriptions are the scenes' docstrings, the comments above "
                               "them, notebook markdown or the table's column") + ".",
        "- **Licenses**: " + ("every license kept" if config.licenses is None
                               else f"only {', '.join(config.licenses)}") + ".",
        "", "## Known limits", "",
        (f"- {undescribed} of {rows} row(s) have no description (repo and notebook scenes "
        "without a docstring or comment); filter on `description` for instruction tuning."),
        (f"- {licenses.get(NOASSERTION, 0)} row(s) have no detected license (`NOASSERTION`). "
        "License detection reads files, it is not legal advice; a GNU license file maps to "
        "`-only` since the file does not say \"or later\"."),
        "- `n_tokens` counts words and punctuation, not a model's tokenizer.",
        ("- Near duplicates below the Jaccard threshold remain, in the same split only when they "
        "share a cluster."),
        "- Verification at `syntax` proves the code compiles, not that it renders."]
    if "duration_s" not in names:
        lines.append("- No `duration_s`: the storyboard stage did not run, so there is no "
                     "video-length information.")
    if summary.get("diagnostics"):
        lines += [(f"- The build reported {len(summary['diagnostics'])} warning(s); see "
                  "summary.json.")]
    lines += ["", "## Provenance", "",
              ("`source_url`, `commit` and `path` say where each row came from; `origin` is "
              "the exact place within the source. The build's config, counts and warnings are "
              "in `summary.json`; rejected items, each with its reason, in `rejects.parquet`."),
              ""]
    origins = Counter(zip(table["source_url"], table["commit"], table["license"]))
    shown = origins.most_common(_MAX_ORIGINS)
    lines += _table(["source_url", "commit", "license", "rows"],
                    [[url, (commit or "-")[:12], spdx, n] for (url, commit, spdx), n in shown])
    if len(origins) > len(shown):
        lines += ["", f"... and {len(origins) - len(shown)} more checkouts or files."]
    return "\n".join(lines) + "\n"
