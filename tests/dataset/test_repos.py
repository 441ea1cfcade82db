"""The `repos` source: two tiny checkouts, each in its own worker, resumable per repo; the
same records on the local pool and on a real local Ray cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from manimflat.dataset import build, load_config

SCENE = ("from manim import *\n\n\nclass {name}(Scene):\n    \"\"\"{doc}\"\"\"\n\n"
         "    def construct(self):\n        self.play(Create({shape}()))\n"
         "        self.wait({wait})\n")


def _repos(tmp_path: Path) -> Path:
    root = tmp_path / "checkouts"
    (root / "alpha").mkdir(parents=True)
    (root / "beta").mkdir()
    (root / "alpha" / "scenes.py").write_text(
        SCENE.format(name="Intro", doc="A circle appears.", shape="Circle", wait=1))
    (root / "beta" / "main.py").write_text(
        SCENE.format(name="Outro", doc="A square appears.", shape="Square", wait=2))
    (root / "beta" / "broken.py").write_text("class Oops(Scene:\n")
    config = tmp_path / "dataset.toml"
    config.write_text('[[source]]\nname = "many"\nkind = "repos"\npath = "checkouts"\n')
    return config


def _records(out: Path) -> list[tuple[str, str | None, str]]:
    rows = pq.read_table(out / "sources" / "many.parquet").to_pylist()
    return [(r["origin"], r["reason"], r["status"]) for r in rows]


EXPECTED = [("alpha/scenes.py:Intro", None, "ok"),
            ("beta/main.py:Outro", None, "ok"),
            ("beta/broken.py", "MF502", "rejected")]


def test_repos_local_and_resumable(tmp_path: Path) -> None:
    config = _repos(tmp_path)
    out = tmp_path / "out"
    summary = build(load_config(config), out, jobs=2, progress=False)
    assert sorted(_records(out)) == sorted(EXPECTED)
    assert summary["balanced"] and summary["sources"]["many"]["input"] == 3
    manifest = json.loads((out / "sources" / "many" / "alpha.json").read_text())
    assert manifest["repo"] == "alpha" and manifest["rows"] == 1 and len(manifest["inputs"]) == 64
    # One repo changes: only it is redone (the other's parquet is not rewritten).
    beta = out / "sources" / "many" / "beta.parquet"
    alpha_mtime, beta_mtime = (out / "sources" / "many" / "alpha.parquet").stat().st_mtime_ns, \
        beta.stat().st_mtime_ns
    (config.parent / "checkouts" / "beta" / "broken.py").write_text("x = 1\n")
    summary = build(load_config(config), out, jobs=2, progress=False)
    assert (out / "sources" / "many" / "alpha.parquet").stat().st_mtime_ns == alpha_mtime
    assert beta.stat().st_mtime_ns != beta_mtime
    assert sorted(_records(out)) == sorted(EXPECTED[:2]) and summary["balanced"]


def test_repos_list_file(tmp_path: Path) -> None:
    config = _repos(tmp_path)
    (tmp_path / "list.txt").write_text("# one checkout per line\ncheckouts/beta\n\n")
    config.write_text('[[source]]\nname = "many"\nkind = "repos"\npath = "list.txt"\n')
    build(load_config(config), tmp_path / "out", jobs=1, progress=False)
    assert sorted(_records(tmp_path / "out")) == sorted(EXPECTED[1:])


@pytest.mark.ray
def test_repos_on_ray(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    config = _repos(tmp_path)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    out = tmp_path / "ray"
    try:
        summary = build(load_config(config), out, executor="ray", progress=False)
        assert sorted(_records(out)) == sorted(EXPECTED) and summary["balanced"]
        # Resumable on Ray too: an unchanged repo is not sent to a task again.
        alpha = out / "sources" / "many" / "alpha.parquet"
        before = alpha.stat().st_mtime_ns
        (config.parent / "checkouts" / "beta" / "broken.py").write_text("x = 1\n")
        summary = build(load_config(config), out, executor="ray", progress=False)
    finally:
        ray.shutdown()
    assert alpha.stat().st_mtime_ns == before
    assert sorted(_records(out)) == sorted(EXPECTED[:2]) and summary["balanced"]


def test_repos_list_naming_a_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    from manimflat.dataset import ConfigError

    (tmp_path / "list.txt").write_text("gone\n")
    config = tmp_path / "dataset.toml"
    config.write_text('[[source]]\nname = "many"\nkind = "repos"\npath = "list.txt"\n')
    with pytest.raises(ConfigError, match="1 repo path.s. of list.txt are not folders"):
        load_config(config)
