"""scripts/survey.py judges outputs by itself (not by the tool's claims): check its judge."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("survey", ROOT / "scripts" / "survey.py")
assert spec is not None and spec.loader is not None
survey = importlib.util.module_from_spec(spec)
sys.modules["survey"] = survey
spec.loader.exec_module(survey)

GOLDEN = sorted((ROOT / "fixtures" / "golden").rglob("*.py"))


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_goldens_are_self_contained(golden: Path) -> None:
    case = ROOT / "fixtures" / "repos" / golden.parent.name
    local = survey.local_module_names(case, "scene.py")
    failed = survey.judge(golden.read_text(encoding="utf-8"), local)
    assert [t for t in failed if not t.startswith(survey.INFO_CHECKS)] == []


@pytest.mark.parametrize(("code", "tag"), [
    ("from manim import *\nimport helpers\n", "local-import: helpers"),
    ("from .helpers import f\n", "local-import: .helpers"),
    ("import sys\nsys.path.append('x')\n", "sys-path"),
    ("from manim import *\n\nclass S(Scene):\n    def construct(self):\n        f()\n",
     "undefined: f"),
    ("from manim import *\nX = Y + 1\nY = 2\n", "order: Y"),
    ("def f(x=Z):\n    return x\nZ = 1\n", "order: Z"),
    ("x = (\n", "parse: "),
    ("import requests\n", "foreign-import: requests"),
    ("p = __file__\n", "file-relative: __file__"),
])
def test_judge_flags(code: str, tag: str) -> None:
    failed = survey.judge(code, frozenset({"helpers"}), frozenset({"f", "Y", "Z"}))
    assert any(t.startswith(tag) for t in failed), failed


def test_judge_is_scope_correct() -> None:
    code = ("from manim import *\n\n\ndef f(a):\n    b = [i for i in range(a)]\n"
            "    return lambda c: b + [c, TAU, np.pi]\n\n\nclass S(Scene):\n"
            "    k = 2\n    m = [k]\n\n    def construct(self):\n        global G\n"
            "        G = f(self.k)\n        self.add(Dot())\n")
    assert survey.judge(code, frozenset()) == []


def test_names_no_repo_file_defines_are_source_bugs() -> None:
    failed = survey.judge("from manim import *\nx = typo_name\n", frozenset(), frozenset())
    assert failed == ["undefined-in-source: typo_name"]
