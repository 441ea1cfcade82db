"""Combine cleaned sources into one dataset; every row ends in exactly one category.

Order of decisions (each documented in docs/dataset.md):
0. licenses (only with `[dataset] licenses`): a row whose license is not allowed is `rejected`
   (MF532). Decided first, so an allowed copy of a program is the one kept.
1. contamination: a row whose normalized code (or description, when the reference has a
   description column) equals a reference row's, or whose MinHash similarity to one reaches the
   threshold, is `contaminated` (MF505). Checked first, so a leaked row never represents a cluster.
2. exact duplicates (same normalized code): one row is kept, chosen by rank = higher source
   priority, then a non-empty and longer description, then config order; the others are
   `duplicate` (MF503) and their distinct descriptions go to the kept row's `alt_descriptions`.
3. near duplicates (MinHash LSH): with `near = "drop"` only the best-ranked row of a cluster is
   kept (MF504 for the rest); with `near = "keep"` all stay and only share a cluster.
4. the same description over different code: all rows are kept (different programs for the same
   request are useful training signal) but they join one cluster, so a prompt never sits on both
   sides of the split.
5. split per cluster: the own split of the best-ranked member that has one, else a hash of the
   cluster's content decides (test with probability `test_fraction`). A kept member whose own
   split differs from its cluster's is dropped as `duplicate` (MF515): keeping it would leak.
6. the judge (optional) on the rows still kept: a "no" is `rejected` (MF509).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..markdown import strip_markdown, wrap_markdown
from .clean import PROVENANCE, Record
from .config import DatasetConfig
from .describe import OWN_SOURCES
from .describe import columns as describe_columns
from .judge import run_judge
from .license import allowed
from .minhash import LSHParams, clusters, near_pairs
from .normalize import count_tokens, digest, normalize_code, normalize_description
from .sources import read_table

CATEGORIES = ("kept", "fixed", "duplicate", "contaminated", "rejected")
_CATEGORY = {"MF503": "duplicate", "MF504": "duplicate", "MF515": "duplicate",
             "MF505": "contaminated"}


def category(record: Record) -> str:
    if record["status"] in ("ok", "fixed"):
        return "kept" if record["status"] == "ok" else "fixed"
    return _CATEGORY.get(record["reason"] or "", "rejected")


@dataclass
class Reference:
    origins: list[str] = field(default_factory=list)
    norm_codes: list[str] = field(default_factory=list)
    code_hashes: dict[str, int] = field(default_factory=dict)
    desc_hashes: dict[str, int] = field(default_factory=dict)


def load_reference(config: DatasetConfig) -> Reference:
    ref = Reference()
    spec = config.reference
    for path in spec.paths:
        columns = [spec.code_column] + ([spec.description_column]
                                        if spec.description_column else [])
        for index, record in enumerate(read_table(path, columns)):
            code = record.get(spec.code_column)
            if not isinstance(code, str) or not code.strip():
                continue
            norm = normalize_code(strip_markdown(code))
            n = len(ref.origins)
            ref.origins.append(f"{path.name}#{index}")
            ref.norm_codes.append(norm)
            ref.code_hashes.setdefault(digest(norm), n)
            description = record.get(spec.description_column or "")
            if isinstance(description, str) and description.strip():
                ref.desc_hashes.setdefault(digest(normalize_description(description)), n)
    return ref


def _drop(record: Record, code: str, message: str) -> None:
    record.update(status="dropped", reason=code, message=message)


def combine(config: DatasetConfig, records: list[Record], reference: Reference
            ) -> list[Record]:
    """Decide every record's fate in place; return the kept rows with their dataset columns."""
    priority = {s.name: s.priority for s in config.sources}
    order = {s.name: n for n, s in enumerate(config.sources)}
    if config.licenses is not None:  # 0. licenses
        licenses = frozenset(config.licenses)
        for r in records:
            if r["status"] in ("ok", "fixed") and not allowed(r["license"] or "", licenses):
                r.update(status="rejected", reason="MF532", message=(
                    f"license {r['license']!r} is not in [dataset] licenses "
                    f"({', '.join(config.licenses)})"))
    alive = [r for r in records if r["status"] in ("ok", "fixed")]
    if not alive:
        return []

    def rank(r: Record) -> tuple[Any, ...]:
        # The source's own description before a generated one (describe.py), then the longer.
        own = bool(r["description"]) and r.get("description_source") in (None, *OWN_SOURCES)
        return (-priority[r["source"]], not own, -len(r["description"]), order[r["source"]])

    params = LSHParams(config.dedup.num_perm, config.dedup.ngram, config.dedup.threshold,
                       config.dedup.seed)
    n_ref = len(reference.norm_codes)
    # One LSH run over references then rows, the references as anchors: any row sharing a
    # bucket with a reference is compared with that reference directly.
    pi, pj, psim = near_pairs(reference.norm_codes + [r["norm_code"] for r in alive], params,
                              anchors=len(reference.norm_codes))
    similarity = {(i, j): float(x) for i, j, x in zip(pi.tolist(), pj.tolist(), psim.tolist())}

    # 1. contamination
    for r in alive:
        hit = reference.code_hashes.get(r["norm_hash"])
        if hit is not None:
            _drop(r, "MF505", f"same code as reference {reference.origins[hit]}")
        elif r["desc_hash"] in reference.desc_hashes:
            hit = reference.desc_hashes[r["desc_hash"]]
            _drop(r, "MF505", f"same description as reference {reference.origins[hit]}")
    for i, j in zip(pi.tolist(), pj.tolist()):
        if i < n_ref <= j and alive[j - n_ref]["status"] != "dropped":
            _drop(alive[j - n_ref], "MF505", f"near duplicate (Jaccard {similarity[i, j]:.2f}) "
                                             f"of reference {reference.origins[i]}")

    # 2. exact duplicates
    index = {id(r): n for n, r in enumerate(alive)}
    groups: dict[str, list[Record]] = {}
    for r in alive:
        if r["status"] != "dropped":
            groups.setdefault(r["norm_hash"], []).append(r)
    rep = np.arange(len(alive))
    for members in groups.values():
        members.sort(key=rank)
        best = members[0]
        best["alt_descriptions"] = []
        seen = {normalize_description(best["description"])}
        for other in members[1:]:
            rep[index[id(other)]] = index[id(best)]
            _drop(other, "MF503", f"same code as {best['source']}:{best['origin']}")
            # The dropped row's own words (a generated one would repeat the kept row's code).
            text = (other["description"] if other.get("description_source") in (
                None, *OWN_SOURCES) else other.get("original_description") or "")
            key = normalize_description(text)
            if key and key not in seen:
                seen.add(key)
                best["alt_descriptions"].append(text)

    # 3. near duplicates, on exact representatives (a dropped duplicate stands for its rep)
    live = np.array([r["status"] != "dropped" or r["reason"] == "MF503" for r in alive], bool)
    rows_i, rows_j = pi - n_ref, pj - n_ref
    mask = (pi >= n_ref) & live[np.maximum(rows_i, 0)] & live[np.maximum(rows_j, 0)]
    ni, nj, nsim = rep[rows_i[mask]], rep[rows_j[mask]], psim[mask]
    contaminated = np.array([r["reason"] == "MF505" for r in alive], bool)
    ok_pair = (ni != nj) & ~contaminated[ni] & ~contaminated[nj]
    ni, nj, nsim = ni[ok_pair], nj[ok_pair], nsim[ok_pair]
    near_label = clusters(len(alive), ni, nj)
    # the closest verified partner of each row, for its MF504 message
    closest: dict[int, float] = {}
    for a, b, x in zip(ni.tolist(), nj.tolist(), nsim.tolist()):
        for row in (a, b):
            closest[row] = max(closest.get(row, 0.0), x)
    if config.dedup.near == "drop":
        by_cluster: dict[int, list[Record]] = {}
        for n, r in enumerate(alive):
            if r["status"] != "dropped":
                by_cluster.setdefault(int(near_label[n]), []).append(r)
        for members in by_cluster.values():
            members.sort(key=rank)
            for other in members[1:]:
                _drop(other, "MF504", f"near duplicate (Jaccard {closest[index[id(other)]]:.2f}"
                                      f" with its cluster) of {members[0]['source']}:"
                                      f"{members[0]['origin']}")

    # 4. same description, different code: one cluster for the split
    kept = [n for n, r in enumerate(alive) if r["status"] != "dropped"]
    by_desc: dict[str, list[int]] = {}
    for n in kept:
        if alive[n]["desc_hash"]:
            by_desc.setdefault(alive[n]["desc_hash"], []).append(n)
    di = [m[0] for m in by_desc.values() for _ in m[1:]]
    dj = [x for m in by_desc.values() for x in m[1:]]
    label = clusters(len(alive), np.concatenate([ni, np.asarray(di, np.int64)]),
                     np.concatenate([nj, np.asarray(dj, np.int64)]))

    # 5. split per cluster
    members_of: dict[int, list[int]] = {}
    for n in kept:
        members_of.setdefault(int(label[n]), []).append(n)
    for indices in members_of.values():
        ranked = sorted((alive[n] for n in indices), key=rank)
        own = [r["split"] for r in ranked if r["split"]]
        cluster_id = min(r["norm_hash"] for r in ranked)
        if own:
            split = own[0]
        else:
            bucket = int(digest(f"{config.seed}:{cluster_id}")[:8], 16) / 0xFFFFFFFF
            split = "test" if bucket < config.test_fraction else "train"
        for r in ranked:
            if r["split"] and r["split"] != split:
                _drop(r, "MF515", f"own split {r['split']!r} but its cluster is in {split!r}")
            else:
                r["split"], r["cluster"] = split, cluster_id

    survivors = [r for r in alive if r["status"] != "dropped"]
    # 6. judge
    if config.judge.enabled:
        verdicts = run_judge(config.judge, [{"id": _row_id(r), "code": r["code"],
                                             "description": r["description"],
                                             "storyboard": r.get("storyboard")}
                                            for r in survivors])
        for r in survivors:
            ok, reason = verdicts[_row_id(r)]
            if not ok:
                _drop(r, "MF509", reason or "the judge answered no")
        survivors = [r for r in survivors if r["status"] != "dropped"]
    return _finish(config, survivors)


def _row_id(record: Record) -> str:
    return digest(f"{record['source']}\0{record['origin']}")[:16]


def _finish(config: DatasetConfig, rows: list[Record]) -> list[Record]:
    """Dataset columns: id, text, lengths, difficulty bucket and curriculum order."""
    out = []
    for r in rows:
        code = r["code"]
        out.append({
            "id": _row_id(r), "source": r["source"], "origin": r["origin"], "scene": r["scene"],
            "description": r["description"], "code": code, "text": wrap_markdown(code),
            "split": r["split"], "n_lines": len(code.splitlines()), "n_chars": len(code),
            "n_tokens": count_tokens(code), "cluster": r["cluster"], "status": r["status"],
            "notes": list(r["notes"]), "requires": list(r.get("requires") or []),
            "alt_descriptions": r.get("alt_descriptions", []),
            **describe_columns(r), **{key: r[key] for key in PROVENANCE}})
    tokens = np.array([r["n_tokens"] for r in out], dtype=np.float64)
    buckets = config.difficulty
    if len(out):
        # Quantile edges: equal-sized buckets by token count; ties stay in the lower bucket.
        edges = np.quantile(tokens, [k / len(buckets) for k in range(1, len(buckets))])
        level = np.searchsorted(edges, tokens, side="left")
        for r, lv in zip(out, level.tolist()):
            r["difficulty"] = buckets[lv]
            r["level"] = lv
    out.sort(key=lambda r: (r["level"], r["n_tokens"], r["id"]))
    for position, r in enumerate(out):
        r["order"] = position
        del r["level"]
    return out
