"""The build: clean each source into OUT/sources/<name>.parquet (skipped when its manifest still
matches), then combine them into OUT/dataset.parquet, OUT/rejects.parquet and the summary.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from ..diagnostics import Severity, diag
from .clean import COLUMNS, PROVENANCE, Record
from .combine import CATEGORIES, category, combine, load_reference
from .config import DatasetConfig, DatasetError, SourceConfig
from .describe import describe_records
from .executor import run
from .io import SOURCE_SCHEMA, hash_files, write_json, write_rows, write_text
from .publish import publish
from .sources import input_files, read_source, read_table

_STR = pa.string()
DATASET_SCHEMA = pa.schema([
    ("id", _STR), ("source", _STR), ("origin", _STR), ("scene", _STR), ("description", _STR),
    ("code", _STR), ("text", _STR), ("split", _STR), ("n_lines", pa.int32()),
    ("n_chars", pa.int32()), ("n_tokens", pa.int32()), ("difficulty", _STR),
    ("order", pa.int32()), ("cluster", _STR), ("status", _STR), ("notes", pa.list_(_STR)),
    ("requires", pa.list_(_STR)),
    ("alt_descriptions", pa.list_(_STR)), ("original_description", _STR),
    ("description_source", _STR), ("storyboard", _STR), ("duration_s", pa.float64()),
    ("n_animations", pa.int32()), *((c, _STR) for c in PROVENANCE)])
REJECTS_SCHEMA = pa.schema([("source", _STR), ("origin", _STR), ("category", _STR),
                            ("reason", _STR), ("message", _STR), ("code", _STR)])


@dataclass(frozen=True)
class Cleaned:
    source: str
    path: Path
    rows: int  # input items read (each one a row of the parquet): the summary's `input`
    reused: bool
    warnings: tuple[str, ...] = ()  # formatted diagnostics (MF516: the source yields nothing)


def _manifest(source: SourceConfig) -> dict[str, Any]:
    return {"source": source.name, "settings": source.fingerprint(), "version": __version__,
            "inputs": hash_files(input_files(source))}


def clean_source(config: DatasetConfig, name: str, out: Path, executor: str = "local",
                 jobs: int | None = None, force: bool = False, progress: bool = True) -> Cleaned:
    """Clean one source into OUT/sources/<name>.parquet unless its manifest says it is current."""
    source = config.source(name)
    target = out / "sources" / f"{name}.parquet"
    manifest_path = out / "sources" / f"{name}.manifest.json"
    manifest = _manifest(source)
    if not force and target.is_file() and manifest_path.is_file():
        try:
            previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            previous = {}
        if {k: previous.get(k) for k in manifest} == manifest:
            return Cleaned(name, target, int(previous.get("rows", -1)), True,
                           tuple(previous.get("warnings") or ()))
    if source.kind == "repos":
        from .repos import run_repos

        try:
            records = run_repos(source, out / "sources" / name, executor, jobs, force, progress)
        except ValueError as exc:
            raise DatasetError(str(exc)) from None
        rows: list[Any] = records
    else:
        rows = read_source(source)
        records = run(rows, executor, jobs, name, progress, verify=source.verify,
                      require_description=source.require_description)
    if len(records) != len(rows):  # the executors keep one record per row; check, never trust
        raise RuntimeError(f"source {name}: {len(rows)} rows in, {len(records)} records out")
    write_rows(target, [{c: r.get(c) for c in COLUMNS} for r in records], SOURCE_SCHEMA)
    warnings = () if rows else (_empty(source),)
    # The manifest is written last: a crash before it leaves the source to be redone.
    write_json(manifest_path, manifest | {"rows": len(rows), "warnings": list(warnings)})
    return Cleaned(name, target, len(rows), False, warnings)


_EMPTY = {"table": "the table has no records",
          "repo": "no scene class in any Python file of the repository",
          "repos": "no scene class in any Python file of the repositories",
          "notebooks": "no notebook code cell defines a scene class"}


def _empty(source: SourceConfig) -> str:
    return diag("MF516", f"source {source.name!r} yields no rows: {_EMPTY[source.kind]}; "
                "check its path and kind", severity=Severity.WARNING,
                path=str(source.path)).format()


def build(config: DatasetConfig, out: Path, executor: str = "local", jobs: int | None = None,
          force: bool = False, progress: bool = True) -> dict[str, Any]:
    start = time.perf_counter()
    cleaned = [clean_source(config, s.name, out, executor, jobs, force, progress)
               for s in config.sources]
    records: list[Record] = []
    for item in cleaned:
        records.extend(pq.read_table(item.path).to_pylist())
    # Describe before combining: generated descriptions are deduplicated and split like any.
    describe_records(config, records, jobs)
    reference = load_reference(config)
    unread = _unread_references(config)
    dataset = combine(config, records, reference)
    write_rows(out / "dataset.parquet", dataset, DATASET_SCHEMA)
    rejects = [{"source": r["source"], "origin": r["origin"], "category": category(r),
                "reason": r["reason"], "message": r["message"], "code": r["code"]}
               for r in records if r["status"] not in ("ok", "fixed")]
    write_rows(out / "rejects.parquet", rejects, REJECTS_SCHEMA)
    summary = _summary(config, cleaned, records, dataset, rejects, len(reference.origins),
                       time.perf_counter() - start)
    summary["diagnostics"] += unread
    write_json(out / "summary.json", summary)
    write_text(out / "summary.md", summary_markdown(summary))
    # The build proves its output: the same checks as `manimflat dataset check OUT`.
    from .check import check

    violations = check(out, config)
    if violations:
        raise CheckFailed(violations)
    publish(out, config, summary)  # OUT/data/ shards and the README.md card, once proven
    return summary


class CheckFailed(DatasetError):
    """The built dataset breaks a promise (a duplicate, a leak, an unaccounted input)."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        super().__init__(f"the dataset check found {len(violations)} violation(s):\n"
                         + "\n".join(violations))


def _unread_references(config: DatasetConfig) -> list[str]:
    """A reference record that cannot be read guards nothing: say so, once per file."""
    spec = config.reference
    columns = [spec.code_column] + ([spec.description_column] if spec.description_column else [])
    out = []
    for path in spec.paths:
        bad = [r for r in read_table(path, columns) if r.error is not None]
        if bad:
            out.append(diag(bad[0].reason, f"{len(bad)} reference record(s) cannot be read, "
                            f"so rows like them are not caught as contaminated; first: "
                            f"{bad[0].error}", severity=Severity.WARNING,
                            path=str(path)).format())
    return out


def _summary(config: DatasetConfig, cleaned: list[Cleaned], records: list[Record],
             dataset: list[Record], rejects: list[dict[str, Any]], references: int,
             seconds: float) -> dict[str, Any]:
    """Per source: `input` is the count of items its reader produced (kept in the manifest),
    counted apart from the categories, which come from the combined records; `balanced` also
    checks them against the rows actually written to dataset.parquet and rejects.parquet."""
    per: dict[str, dict[str, Any]] = {}
    for item in cleaned:
        per[item.source] = {"input": item.rows, **{c: 0 for c in CATEGORIES}, "reasons": {},
                            "reused": item.reused}
    for r in records:
        entry = per[r["source"]]
        entry[category(r)] += 1
        if r["reason"]:
            entry["reasons"][r["reason"]] = entry["reasons"].get(r["reason"], 0) + 1
    written = Counter(r["source"] for r in dataset)
    rejected = Counter(r["source"] for r in rejects)
    diagnostics = [w for item in cleaned for w in item.warnings]
    for name, e in per.items():
        counted = sum(e[c] for c in CATEGORIES)
        problems = [f"{e['input']} input items but {counted} categorised"] \
            if counted != e["input"] else []
        if written[name] != e["kept"] + e["fixed"]:
            problems.append(f"kept + fixed is {e['kept'] + e['fixed']} but dataset.parquet "
                            f"has {written[name]} rows")
        if rejected[name] != counted - e["kept"] - e["fixed"]:
            problems.append(f"{counted - e['kept'] - e['fixed']} not kept but rejects.parquet "
                            f"has {rejected[name]} rows")
        e["balanced"] = not problems
        if problems:
            diagnostics.append(diag("MF901", f"source {name!r}: the counts do not balance: "
                                    + "; ".join(problems) + "; rebuild it with --force",
                                    path=str(config.source(name).path)).format())
    totals = {key: sum(e[key] for e in per.values()) for key in ("input", *CATEGORIES)}
    balanced = all(e["balanced"] for e in per.values())
    splits = Counter(r["split"] for r in dataset)
    return {"tool": {"name": "manimflat", "version": __version__}, "config": str(config.path),
            "sources": per, "total": totals, "balanced": balanced, "rows": len(dataset),
            "diagnostics": diagnostics,
            "splits": dict(sorted(splits.items())), "clusters": len({r["cluster"] for r in dataset}),
            "difficulty": dict(Counter(r["difficulty"] for r in dataset)),
            "reference_rows": references, "seconds": round(seconds, 3),
            "dedup": {"ngram": config.dedup.ngram, "num_perm": config.dedup.num_perm,
                      "threshold": config.dedup.threshold, "near": config.dedup.near}}


def summary_markdown(summary: dict[str, Any]) -> str:
    head = ["source", "input", *CATEGORIES, "reasons"]
    lines = ["# Dataset summary", "",
             (f"{summary['rows']} rows in dataset.parquet, {summary['clusters']} clusters, "
              f"splits {summary['splits']}, difficulty {summary['difficulty']}."), "",
             "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name, e in summary["sources"].items():
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(e["reasons"].items())) or "-"
        lines.append("| " + " | ".join([name, *(str(e[k]) for k in ("input", *CATEGORIES)),
                                        reasons]) + " |")
    total = summary["total"]
    lines.append("| **total** | " + " | ".join(str(total[k]) for k in ("input", *CATEGORIES))
                 + " | |")
    lines += ["", "input = kept + fixed + duplicate + contaminated + rejected: "
              + ("holds for every source." if summary["balanced"] else "**DOES NOT HOLD**.")]
    if summary.get("diagnostics"):
        lines += ["", "## Diagnostics", "", *(f"- `{d}`" for d in summary["diagnostics"])]
    return "\n".join(lines) + "\n"
