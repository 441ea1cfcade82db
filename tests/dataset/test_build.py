"""The fixture build end to end, against counts worked out by hand from fixtures/dataset/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from manimflat.dataset import build, load_config
from manimflat.dataset.cli import dataset

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dataset"

# bench.jsonl (priority 5, own split column), row by row:
#   0 RedCircle               -> kept (its description is the longest of its exact group)
#   1 SquareToTriangle, test  -> kept, test
#   2 fenced with prose       -> fixed (MF511 markdown removed)
#   3 row 0 reformatted, comments and docstring added -> duplicate MF503 of row 0
#   4 empty code -> MF501; 5 missing colon -> MF502; 6 no scene class -> MF506
#   7 reference row 0 plus a comment -> contaminated (exact, after normalization)
#   8 reference row 1 with two matrices changed -> contaminated (near, Jaccard ~0.8)
#   9 empty description -> MF510 (tables require one)
#  10 not JSON -> MF512
#  11 ColourBars (hex colours, '#' inside a string) -> kept
#  12 same description as row 1, own split train -> its cluster is test: duplicate MF515
#  13 description equals reference question 2 -> contaminated
# bench: kept 0,1,11 = 3; fixed 2 = 1; duplicate 3,12 = 2; contaminated 7,8,13 = 3;
#        rejected 4,5,6,9,10 = 5; 3+1+2+3+5 = 14 rows.
# scraped.csv (priority 1, no split):
#   0 ```py fenced -> fixed; 1 ColourBars ~~~ fenced, new comments -> duplicate MF503 of bench 11
#   2 SquareToTriangle with two literals changed -> duplicate MF504 (near) of bench 1
#   3 new code, bench 0's description up to case/spaces -> kept, joins bench 0's cluster (train)
#   4 SineTracer (same code as the contaminated bench 13, which must not shadow it) -> kept
#   5 new code, bench 1's description -> kept, joins bench 1's cluster: test
#   6 helper block + scene block -> joined, fixed; 7 a bash block only -> MF502
# scraped: kept 3,4,5 = 3; fixed 0,6 = 2; duplicate 1,2 = 2; rejected 7 = 1; total 8.
# notebooks/demo.ipynb: the %%manim cell (SpiralDots) and the class cell (WaveScene) are rows;
#   the second %%manim cell defines nothing and the shell cell is not a scene: 2 kept.
EXPECTED = {
    "bench": {"input": 14, "kept": 3, "fixed": 1, "duplicate": 2, "contaminated": 3,
              "rejected": 5},
    "scraped": {"input": 8, "kept": 3, "fixed": 2, "duplicate": 2, "contaminated": 0,
                "rejected": 1},
    "notebooks": {"input": 2, "kept": 2, "fixed": 0, "duplicate": 0, "contaminated": 0,
                  "rejected": 0},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    build(load_config(FIXTURES / "dataset.toml"), out, jobs=1, progress=False)
    return out


def _rows(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist()


def test_every_row_is_accounted_for(built: Path) -> None:
    summary = json.loads((built / "summary.json").read_text())
    for name, expected in EXPECTED.items():
        got = {k: summary["sources"][name][k] for k in expected}
        assert got == expected, name
    assert summary["balanced"] and summary["diagnostics"] == []
    assert all(entry["balanced"] for entry in summary["sources"].values())
    # 3+1 bench + 3+2 scraped + 2 notebooks rows are in the dataset.
    assert summary["rows"] == len(_rows(built / "dataset.parquet")) == 11
    # rejects.parquet holds every row not in the dataset: 24 inputs - 11 kept.
    assert len(_rows(built / "rejects.parquet")) == 13
    assert "holds for every source" in (built / "summary.md").read_text()


def test_reasons_per_row(built: Path) -> None:
    reasons = {(r["source"], r["origin"]): r["reason"] for r in _rows(built / "rejects.parquet")}
    assert reasons == {
        ("bench", "bench.jsonl#3"): "MF503", ("bench", "bench.jsonl#4"): "MF501",
        ("bench", "bench.jsonl#5"): "MF502", ("bench", "bench.jsonl#6"): "MF506",
        ("bench", "bench.jsonl#7"): "MF505", ("bench", "bench.jsonl#8"): "MF505",
        ("bench", "bench.jsonl#9"): "MF510", ("bench", "bench.jsonl#10"): "MF512",
        ("bench", "bench.jsonl#12"): "MF515", ("bench", "bench.jsonl#13"): "MF505",
        ("scraped", "scraped.csv#1"): "MF503", ("scraped", "scraped.csv#2"): "MF504",
        ("scraped", "scraped.csv#7"): "MF502"}


def test_dataset_columns_split_and_clusters(built: Path) -> None:
    rows = {r["origin"]: r for r in _rows(built / "dataset.parquet")}
    # Test side: bench 1 (own split) and scraped 5, which shares its description.
    assert sorted(o for o, r in rows.items() if r["split"] == "test") == [
        "bench.jsonl#1", "scraped.csv#5"]
    assert rows["bench.jsonl#1"]["cluster"] == rows["scraped.csv#5"]["cluster"]
    assert rows["bench.jsonl#0"]["cluster"] == rows["scraped.csv#3"]["cluster"]
    # Same code, other description: the kept row remembers the dropped descriptions.
    assert rows["bench.jsonl#0"]["alt_descriptions"] == ["Red circle."]
    assert rows["bench.jsonl#11"]["alt_descriptions"] == ["Bar chart with three bars."]
    assert '"#1F77B4"' in rows["bench.jsonl#11"]["code"]  # hex colours survive
    joined = rows["scraped.csv#6"]["code"]
    assert "def make_grid" in joined and "class CheckerGrid" in joined
    assert rows["demo.ipynb#cell2"]["description"].startswith("Spiral of dots")
    wave = rows["demo.ipynb#cell4"]
    assert wave["description"] == "Two waves drawn out of phase, then merged."
    assert "def wave_points" in wave["code"] and "UNUSED" not in wave["code"]
    for r in rows.values():
        compile(r["code"], r["origin"], "exec")
        assert r["text"].startswith("```python\n") and r["text"].count("```") == 2
        assert r["n_lines"] == len(r["code"].splitlines()) and r["n_chars"] == len(r["code"])
    # Curriculum: order is a permutation, and difficulty never decreases along it.
    ordered = sorted(rows.values(), key=lambda r: r["order"])
    assert [r["order"] for r in ordered] == list(range(11))
    levels = [("easy", "medium", "hard").index(r["difficulty"]) for r in ordered]
    assert levels == sorted(levels) and set(levels) == {0, 1, 2}


def test_finished_sources_are_not_redone(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    config = load_config(FIXTURES / "dataset.toml")
    summary = build(config, out, jobs=1, progress=False)
    assert all(s["reused"] for s in summary["sources"].values())
    # A changed input file is redone.
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data, ignore=shutil.ignore_patterns("repo"))
    with (data / "scraped.csv").open("a") as handle:
        handle.write('"class Extra(Scene):\n    def construct(self):\n        self.wait()\n",x\n')
    for name in ("sources",):
        shutil.copytree(out / name, tmp_path / "out2" / name)
    summary = build(load_config(data / "dataset.toml"), tmp_path / "out2", jobs=1,
                    progress=False)
    assert summary["sources"]["bench"]["reused"] and not summary["sources"]["scraped"]["reused"]
    assert summary["sources"]["scraped"]["input"] == 9 and summary["balanced"]


def test_cli_build_clean_stats(tmp_path: Path) -> None:
    runner = CliRunner()
    config = str(FIXTURES / "dataset.toml")
    done = runner.invoke(dataset, ["clean", config, "--source", "scraped", "-o", str(tmp_path),
                                   "-q"])
    assert done.exit_code == 0, done.output
    assert "scraped: 8 rows cleaned" in done.output
    done = runner.invoke(dataset, ["build", config, "-o", str(tmp_path), "-q", "-j", "2"])
    assert done.exit_code == 0, done.output
    assert "11 rows" in done.output
    done = runner.invoke(dataset, ["stats", str(tmp_path)])
    assert done.exit_code == 0, done.output
    for name in EXPECTED:
        png = tmp_path / "stats" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| bench | 14 | 3 | 1 | 2 | 3 | 5 |" in done.output


def test_local_pool_matches_in_process(tmp_path: Path) -> None:
    """The process pool (forced by many rows) cleans exactly like the in-process path."""
    from manimflat.dataset.clean import clean_row
    from manimflat.dataset.executor import run_local
    from manimflat.dataset.sources import read_source

    rows = read_source(load_config(FIXTURES / "dataset.toml").source("scraped")) * 40
    pooled = run_local(rows, 2, "scraped", False, verify="syntax", require_description=True)
    assert pooled == [clean_row(r) for r in rows]


def test_repo_source(tmp_path: Path) -> None:
    """Scenes flattened from a repo; descriptions from a docstring and a leading comment."""
    summary = build(load_config(FIXTURES / "repo.toml"), tmp_path, jobs=1, progress=False)
    rows = {r["scene"]: r for r in _rows(tmp_path / "dataset.parquet")}
    assert set(rows) == {"Intro", "Outro"}, _rows(tmp_path / "rejects.parquet")
    assert rows["Intro"]["description"] == "Show a yellow title, then draw a square under it."
    assert rows["Outro"]["description"] == "Fade a circle in and out under the closing title."
    assert "def title" in rows["Intro"]["code"]  # the helper was inlined by the flattener
    assert summary["sources"]["videos"]["input"] == 2
