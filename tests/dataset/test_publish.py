"""The Hugging Face layout of a build over a git repo, a notebook folder and a table: shards
that the real `datasets` library loads, a card whose counts and licenses are the build's,
and provenance on every row."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml

from manimflat.dataset import build, load_config
from manimflat.dataset.combine import CATEGORIES
from manimflat.dataset.sources import provenance

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dataset"
MIT = ("MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a "
       "copy of this software, subject to the following conditions: keep this notice.\n")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def _inputs(tmp: Path, licenses: str = "") -> Path:
    """A git repo under MIT (remote with credentials, refs packed, a config git would obey),
    a notebook folder whose pyproject says Apache-2.0, and the bench table as CC-BY-4.0."""
    repo = tmp / "repo"
    shutil.copytree(FIXTURES / "repo", repo)
    (repo / "LICENSE").write_text(MIT)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "scenes")
    _git(repo, "remote", "add", "origin", "https://user:secret@example.com/owner/videos.git")
    _git(repo, "pack-refs", "--all")
    with (repo / ".git" / "config").open("a") as handle:  # run by git, never by the reader
        handle.write(f"[core]\n\tfsmonitor = touch {tmp / 'git-ran'}\n")
    notebooks = tmp / "notebooks"
    shutil.copytree(FIXTURES / "notebooks", notebooks)
    (notebooks / "pyproject.toml").write_text('[project]\nname = "nb"\nlicense = "Apache-2.0"\n')
    shutil.copy(FIXTURES / "bench.jsonl", tmp / "bench.jsonl")
    shutil.copy(FIXTURES / "reference.jsonl", tmp / "reference.jsonl")
    config = tmp / "dataset.toml"
    config.write_text(f"""
[dataset]
test_fraction = 0.0
{licenses}

[[source]]
name = "videos"
kind = "repo"
path = "repo"

[[source]]
name = "notebooks"
kind = "notebooks"
path = "notebooks"

[[source]]
name = "bench"
kind = "table"
path = "bench.jsonl"
split_column = "split"
license = "CC-BY-4.0"

[reference]
paths = ["reference.jsonl"]
description_column = "question"

[publish]
shard_mb = 0.002
pretty_name = "Fixture scenes"
""")
    return config


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, Path]:
    tmp = tmp_path_factory.mktemp("publish")
    config = _inputs(tmp)
    out = tmp / "out"
    summary = build(load_config(config), out, jobs=1, progress=False)
    return out, summary, tmp


def _card(out: Path) -> tuple[dict, str]:
    text = (out / "README.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _table(body: str, heading: str) -> list[list[str]]:
    section = body.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]


def test_datasets_loads_both_splits_with_the_features(built: tuple[Path, dict, Path],
                                                      tmp_path: Path) -> None:
    out, summary, _ = built
    loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    assert set(loaded) == {"train", "test"} == set(summary["splits"])
    rows = pq.read_table(out / "dataset.parquet")
    expected = datasets.Features.from_arrow_schema(rows.schema)
    for split, count in summary["splits"].items():
        assert loaded[split].num_rows == count
        assert loaded[split].features == expected
        # The shards keep the curriculum order of dataset.parquet.
        mine = [r["id"] for r in rows.to_pylist() if r["split"] == split]
        assert loaded[split]["id"] == mine
    # Size-bounded: 2 kB shards cannot hold the train split in one file.
    train = sorted((out / "data").glob("train-*.parquet"))
    assert len(train) > 1
    assert [p.name for p in train] == [f"train-{k:05d}-of-{len(train):05d}.parquet"
                                       for k in range(len(train))]


def test_card_states_the_builds_counts_and_licenses(built: tuple[Path, dict, Path]) -> None:
    out, summary, _ = built
    meta, body = _card(out)
    assert meta["pretty_name"] == "Fixture scenes"
    assert sorted(meta["license"]) == ["apache-2.0", "cc-by-4.0", "mit"]
    assert meta["task_categories"] == ["text-generation"] and "manim" in meta["tags"]
    assert meta["size_categories"] == ["n<1K"]
    info = {s["name"]: s["num_examples"] for s in meta["dataset_info"]["splits"]}
    assert info == summary["splits"]
    files = {f["split"]: f["path"] for f in meta["configs"][0]["data_files"]}
    assert files == {"train": "data/train-*", "test": "data/test-*"}
    features = [f["name"] for f in meta["dataset_info"]["features"]]
    assert features == pq.read_schema(out / "dataset.parquet").names
    # Sources table = summary, row by row, and the totals.
    table = {row[0]: row for row in _table(body, "Sources")}
    for name, entry in summary["sources"].items():
        assert table[name][2:] == [str(entry[k]) for k in ("input", *CATEGORIES)]
    assert table["**total**"][2:] == [str(summary["total"][k]) for k in ("input", *CATEGORIES)]
    # Licenses table = the licenses of the rows.
    rows = pq.read_table(out / "dataset.parquet").to_pylist()
    licenses = {row[0]: int(row[1]) for row in _table(body, "Licenses")}
    assert licenses == dict(Counter(r["license"] for r in rows))
    assert set(licenses) == {"MIT", "Apache-2.0", "CC-BY-4.0"}
    # The embedded plots exist, and the policies name the dedup parameters and references.
    for plot in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", body):
        assert (out / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "stats/dataset/lengths.png" in body and "stats/dataset/difficulty.png" in body
    assert "5-token shingles, 256 permutations, Jaccard threshold 0.7" in body
    assert f"{summary['reference_rows']} reference row(s) in reference.jsonl" in body


def test_every_row_carries_provenance(built: tuple[Path, dict, Path]) -> None:
    out, summary, tmp = built
    rows = pq.read_table(out / "dataset.parquet").to_pylist()
    head = _git(tmp / "repo", "rev-parse", "HEAD")
    by_source = Counter(r["source"] for r in rows)
    assert set(by_source) == {"videos", "notebooks", "bench"}
    for r in rows:
        assert r["license"] and r["source_url"] and r["path"]
        if r["source"] == "videos":
            # The remote without its credentials, the commit read from packed-refs.
            assert (r["source_url"], r["commit"], r["license"]) == (
                "https://example.com/owner/videos", head, "MIT")
            assert r["path"] == r["origin"].split(":")[0] and (tmp / "repo" / r["path"]).is_file()
        elif r["source"] == "notebooks":
            assert (r["source_url"], r["commit"], r["license"]) == (
                str(tmp / "notebooks"), None, "Apache-2.0")
            assert r["path"] == "demo.ipynb"
        else:
            assert (r["license"], r["path"], r["commit"]) == ("CC-BY-4.0", "bench.jsonl", None)
    assert not (tmp / "git-ran").exists()  # the repo's git config was read, never obeyed


def test_license_filter_rejects_and_counts(tmp_path: Path) -> None:
    config = _inputs(tmp_path, 'licenses = ["MIT", "CC-BY-4.0"]')
    out = tmp_path / "out"
    summary = build(load_config(config), out, jobs=1, progress=False)
    notebooks = summary["sources"]["notebooks"]
    assert notebooks["reasons"] == {"MF532": notebooks["input"]} and notebooks["kept"] == 0
    assert summary["balanced"]
    rejects = pq.read_table(out / "rejects.parquet").to_pylist()
    assert sum(r["reason"] == "MF532" for r in rejects) == notebooks["input"]
    rows = pq.read_table(out / "dataset.parquet").to_pylist()
    assert {r["license"] for r in rows} == {"MIT", "CC-BY-4.0"}
    _, body = _card(out)
    assert f"{notebooks['input']} row(s) rejected for their license (MF532)" in body


def test_provenance_of_a_detached_checkout_without_remote(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "a.py").write_text("x = 1\n")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a")
    head = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "--detach")
    assert provenance(repo) == {"source_url": str(repo), "commit": head,
                                "license": "NOASSERTION"}
    _git(repo, "remote", "add", "upstream", "git@github.com:someone/thing.git")
    assert provenance(repo, "MIT")["source_url"] == "https://github.com/someone/thing"
    assert provenance(repo, "MIT")["license"] == "MIT"
    # A HEAD naming a ref outside refs/ (a path escape) is no commit.
    (repo / ".git" / "HEAD").write_text("ref: ../../etc/passwd\n")
    assert provenance(repo)["commit"] is None
    assert provenance(tmp_path)["commit"] is None  # not a git checkout


def test_plots_with_storyboard_seconds_and_a_long_tail(tmp_path: Path) -> None:
    """h13's storyboard stage adds `duration_s` (None where no storyboard ran)."""
    import numpy as np
    import pyarrow as pa
    from PIL import Image

    from manimflat.dataset.stats import DIFFICULTY_PLOT, LENGTHS_PLOT, _tick, dataset_plots

    rng = np.random.default_rng(0)
    tokens = np.round(np.exp(rng.normal(5, 1.2, 400))).astype(int) + 1  # a long tail
    seconds = [None if k % 7 == 0 else float(s) for k, s in
               enumerate(rng.gamma(2.0, 4.0, 400))]
    order = np.argsort(tokens, kind="stable")
    buckets = np.array(["easy", "medium", "hard"])[np.minimum(np.arange(400) * 3 // 400, 2)]
    pq.write_table(pa.table({
        "split": ["test" if k % 10 == 0 else "train" for k in range(400)],
        "n_tokens": pa.array(tokens[order], pa.int32()), "difficulty": buckets,
        "duration_s": pa.array([seconds[k] for k in order], pa.float64())}),
        tmp_path / "dataset.parquet")
    plots = dataset_plots(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in plots] == [LENGTHS_PLOT, DIFFICULTY_PLOT]
    for plot in plots:
        with Image.open(plot) as image:
            assert image.format == "PNG" and image.width >= 600
    assert [_tick(x) for x in (1, 20, 500, 2000, 15000, 1.5e6)] == [
        "1", "20", "500", "2k", "15k", "1.5M"]
