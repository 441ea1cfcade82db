"""scripts/render_survey.py's table: what counts as rendered, identical and timed out."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "render_survey.py"
spec = importlib.util.spec_from_file_location("render_survey", SCRIPT)
assert spec is not None and spec.loader is not None
survey = importlib.util.module_from_spec(spec)
sys.modules["render_survey"] = survey
spec.loader.exec_module(survey)


def _v(scene: str, **kw: object) -> dict[str, object]:
    return {"scene": f"r/{scene}.py:S", "cwd": ".", "note": None, **kw}


VERDICTS = [
    _v("same", original_ok=True, flat_ok=True, identical=True, deterministic=True),
    _v("differs", original_ok=True, flat_ok=True, identical=False, deterministic=True,
       changed_pixels=12),
    _v("placeholder", original_ok=True, flat_ok=True, identical=False, deterministic=True,
       only_in_assets=True, changed_pixels=5, replaced=["logo.svg"]),
    _v("random", original_ok=True, flat_ok=True, identical=False, deterministic=False,
       changed_pixels=40),
    _v("broken", original_ok=True, flat_ok=False, flat_error="TypeError: x",
       flat_timed_out=False),
    _v("slow", original_ok=False, flat_ok=False, flat_error="timed out after 60 s",
       original_error="timed out after 60 s", flat_timed_out=True, original_timed_out=True),
    {"scene": "r/bad.py:S", "rejected": "MF103 name 'x' is not defined"},
]


def test_the_table_counts_each_outcome_once() -> None:
    [row, total] = survey.tabulate(VERDICTS)
    assert row == total | {"repo": "r"}
    assert {k: total[k] for k in survey.COLUMNS} == {
        "failed verification": 1, "sampled": 6, "original renders": 5, "deterministic": 3,
        "identical": 1, "only in replaced assets": 1, "differ": 1, "flattened rendered": 4,
        "flattened failed": 1, "timed out": 1}


def test_the_shares_leave_out_nondeterministic_originals_and_timeouts() -> None:
    text = survey.report(VERDICTS, per_repo=6)
    assert "**33.3%** of the flattened files" in text  # 1 identical of 3 deterministic
    assert "**66.7%** counting those that differ only inside assets" in text
    assert "**80.0%** of the sampled ok outputs render (4 of 5" in text  # the slow one apart
    assert "- `r/slow.py:S`" in text.split("Timed out")[1]
    assert "- `r/broken.py:S`: TypeError: x" in text
    assert "cause not yet known" in text  # the differing scene has no note yet


def test_the_original_is_tried_from_its_cfg_folder_then_each_folder_up_to_the_root() -> None:
    # a project folder above the scene's holds the `config.py` its scenes import
    repo = Path("/r")
    assert survey.where_the_author_ran(repo, {"path": "p/scenes/s.py", "manim_cfg": None}) == [
        repo / "p/scenes", repo / "p", repo]
    assert survey.where_the_author_ran(repo, {"path": "p/scenes/s.py",
                                              "manim_cfg": "p/manim.cfg"}) == [
        repo / "p", repo / "p/scenes", repo]
