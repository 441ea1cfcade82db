"""`--executor ray` on a real local Ray cluster gives the same dataset as the local pool."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from manimflat.dataset import build, load_config

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dataset"


@pytest.mark.ray
def test_ray_executor_matches_local(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    config = load_config(FIXTURES / "dataset.toml")
    local = build(config, tmp_path / "local", jobs=1, progress=False)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        distributed = build(config, tmp_path / "ray", executor="ray", progress=False)
    finally:
        ray.shutdown()
    assert distributed["sources"] == local["sources"] and distributed["balanced"]
    columns = ["id", "split", "cluster", "code", "order"]
    assert pq.read_table(tmp_path / "ray" / "dataset.parquet", columns=columns).to_pylist() == \
        pq.read_table(tmp_path / "local" / "dataset.parquet", columns=columns).to_pylist()
