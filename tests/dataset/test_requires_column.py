"""Dataset rows carry `requires`: the third-party packages a row's code still imports."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from manimflat.dataset import build, load_config

PLAIN = ("from manim import *\nimport numpy as np\n\n\nclass Wave(Scene):\n"
         "    \"\"\"A dot placed on a sine wave.\"\"\"\n\n"
         "    def construct(self):\n        self.add(Dot(np.array([np.sin(1.0), 0, 0])))\n")
# pyarrow stands for any package the caller allows beyond what manim itself installs
ALLOWED = ("from manim import *\nimport pyarrow as pa\n\n\nclass Version(Scene):\n"
           "    \"\"\"The pyarrow version as a text.\"\"\"\n\n"
           "    def construct(self):\n        self.add(Text(pa.__version__))\n")


def test_rows_carry_what_their_code_still_imports(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "wave.py").write_text(PLAIN, encoding="utf-8")
    (repo / "version.py").write_text(ALLOWED, encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text('[dataset]\ntest_fraction = 0.0\n[describe]\nwhen = "never"\n'
                      '[[source]]\nname = "r"\nkind = "repo"\npath = "repo"\n'
                      'options = { extend_allowed_imports = ["pyarrow"] }\n', encoding="utf-8")
    out = tmp_path / "out"
    build(load_config(config), out, jobs=1, progress=False)
    rows = pq.read_table(out / "dataset.parquet", columns=["scene", "requires"]).to_pylist()
    # numpy comes with manim: nothing to install beyond it
    assert sorted(rows, key=lambda r: r["scene"]) == [
        {"scene": "Version", "requires": ["pyarrow"]}, {"scene": "Wave", "requires": []}]
