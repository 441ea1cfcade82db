"""`manimflat dataset check`: a real build passes; doctored outputs are caught, each with its code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from manimflat.dataset import build, load_config
from manimflat.dataset.check import check
from manimflat.dataset.cli import dataset

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dataset"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    build(load_config(FIXTURES / "dataset.toml"), out, jobs=1, progress=False)
    return out


def _copy(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    return out


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    rows = pq.read_table(path).to_pylist()
    schema = pq.read_schema(path)
    pq.write_table(pa.Table.from_pylist(change(rows), schema=schema), path)


def _codes(violations: list[str]) -> list[str]:
    return [line.split(" error ", 1)[1].split()[0] for line in violations]


def test_real_build_passes(built: Path) -> None:
    assert check(built) == []
    done = CliRunner().invoke(dataset, ["check", str(built)])
    assert done.exit_code == 0 and "ok" in done.output


def test_near_duplicate_left_in_the_other_split(built: Path, tmp_path: Path) -> None:
    out = _copy(built, tmp_path)

    def plant(rows: list[dict]) -> list[dict]:
        source = next(r for r in rows if r["origin"] == "bench.jsonl#1")  # a test row
        twin = dict(source, origin="bench.jsonl#99", split="train", cluster="x" * 32,
                    code=source["code"] + "\n# a comment the normalization drops\n")
        return [*rows, twin]

    _edit(out / "dataset.parquet", plant)
    violations = check(out)
    codes = _codes(violations)
    # Same code after normalization (the comment goes), in the other split, never an input.
    assert "MF519" in codes and "MF520" in codes and "MF521" in codes
    assert any("bench:bench.jsonl#99 has the same code as bench:bench.jsonl#1" in v
               for v in violations)
    assert any("bench.jsonl#99 is 0 input item(s) but 1 row(s)" in v for v in violations)
    done = CliRunner().invoke(dataset, ["check", str(out)])
    assert done.exit_code == 1 and "MF519" in done.output and "violation(s)" in done.output


def test_near_not_exact_duplicate_is_verified(built: Path, tmp_path: Path) -> None:
    out = _copy(built, tmp_path)

    def plant(rows: list[dict]) -> list[dict]:
        source = next(r for r in rows if r["origin"] == "bench.jsonl#1")
        code = source["code"].rstrip() + "\n        self.wait(2)\n"
        return [*rows, dict(source, origin="bench.jsonl#98", code=code)]

    _edit(out / "dataset.parquet", plant)
    near = [v for v in check(out) if "MF519" in v]
    assert len(near) == 1 and "near duplicate (Jaccard 0." in near[0]
    assert "bench:bench.jsonl#98" in near[0] and "bench:bench.jsonl#1" in near[0]


def test_cluster_in_two_splits(built: Path, tmp_path: Path) -> None:
    out = _copy(built, tmp_path)
    rows = pq.read_table(out / "dataset.parquet").to_pylist()
    train = next(r for r in rows if r["split"] == "train")
    test = next(r for r in rows if r["split"] == "test")

    def join(rows: list[dict]) -> list[dict]:  # one cluster label on both sides of the split
        return [dict(r, cluster=train["cluster"]) if r["origin"] == test["origin"] else r
                for r in rows]

    _edit(out / "dataset.parquet", join)
    split = [v for v in check(out) if "MF520" in v]
    assert len(split) == 1 and f"cluster {train['cluster'][:60]!r} is in splits " \
        "['test', 'train']" in split[0]


def test_reference_leak_and_lost_reject(built: Path, tmp_path: Path) -> None:
    out = _copy(built, tmp_path)
    reference = json.loads((FIXTURES / "reference.jsonl").read_text().splitlines()[0])

    def leak(rows: list[dict]) -> list[dict]:
        rows[0] = dict(rows[0], code=reference["code"])
        return rows

    _edit(out / "dataset.parquet", leak)
    _edit(out / "rejects.parquet", lambda rows: rows[1:])
    violations = check(out)
    assert any("MF520" in v and "has the code of reference reference.jsonl#0" in v
               for v in violations)
    lost = [v for v in violations if "MF521" in v]
    assert len(lost) == 1 and "is 1 input item(s) but 0 row(s)" in lost[0]


def test_build_fails_on_a_violation(built: Path, tmp_path: Path) -> None:
    """A reused source parquet that lost a row: the build's own check stops it (exit 1)."""
    out = _copy(built, tmp_path)
    _edit(out / "sources" / "scraped.parquet", lambda rows: rows[:-1])
    done = CliRunner().invoke(dataset, ["build", str(FIXTURES / "dataset.toml"), "-o",
                                        str(out), "-j", "1", "-q"])
    assert done.exit_code == 1
    assert "dataset check found" in done.output and "MF521" in done.output
    assert "source 'scraped': summary input 8, categories 7" in done.output
    assert "Traceback" not in done.output


def test_missing_output_is_a_clear_error(tmp_path: Path) -> None:
    done = CliRunner().invoke(dataset, ["check", str(tmp_path)])
    assert done.exit_code == 1 and "summary.json: cannot read it" in done.output
