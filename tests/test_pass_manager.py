"""The pass manager: checked pipelines, timings, --print-after, analysis caching, crashes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest
from helpers import CORE

from manimflat.api import Session
from manimflat.ir import Flat
from manimflat.pass_manager import (ALL, REGISTRY, Pass, PassFailure, PassManager,
                                    PipelineError, parse_pipeline)

REPO = {"scene.py": "from manim import *\n\nclass S(Scene):\n    def construct(self):\n"
                    "        self.add(Circle())\n"}


def run(repo, passes, **kwargs) -> Flat:
    session = Session(repo)
    flat = Flat(session.program, session.find_scene("S"), session.settings)
    PassManager(parse_pipeline(passes), **kwargs).run(flat)
    return flat


def test_unknown_pass_and_option_are_rejected_before_running() -> None:
    with pytest.raises(PipelineError, match="unknown pass 'no-such-pass'"):
        parse_pipeline("resolve-imports,no-such-pass")
    with pytest.raises(PipelineError, match="has no option 'speed'"):
        parse_pipeline("resolve-imports,collect-closure{speed=3}")


def test_a_pass_whose_input_no_earlier_pass_provides_is_rejected() -> None:
    with pytest.raises(PipelineError, match="'emit' needs 'closure'.*collect-closure"):
        parse_pipeline(["resolve-imports", "emit"])


def test_every_pass_is_timed_and_print_after_sees_the_code(make_repo) -> None:
    printed: list[tuple[str, str]] = []
    flat = run(make_repo(REPO), CORE, print_after=frozenset({"collect-closure"}),
               on_print=lambda name, code: printed.append((name, code)))
    assert list(flat.timings) == CORE and all(t >= 0 for t in flat.timings.values())
    assert printed[0][0] == "collect-closure" and "class S(Scene)" in printed[0][1]


def test_analyses_are_cached_until_a_pass_does_not_preserve_them(make_repo) -> None:
    flat = run(make_repo(REPO), CORE)
    # deconflict-names computes `names` and preserves it; normalize-imports reuses it.
    assert flat.analyses.computed == {"names": 1}
    flat = run(make_repo(REPO), ["resolve-imports", "collect-closure", "deconflict-names",
                                 "inline-bases", "normalize-imports", "emit"])
    assert flat.analyses.computed == {"names": 1}  # inline-bases preserved everything here


@dataclass(frozen=True)
class _Greedy(Pass):
    NAME: ClassVar[str] = "greedy"
    NEEDS: ClassVar[tuple[str, ...]] = ()

    def run(self, flat: Flat) -> frozenset[str]:
        flat.analyses.get("names")  # not declared in REQUIRES
        return ALL


@dataclass(frozen=True)
class _Crash(Pass):
    NAME: ClassVar[str] = "crash"

    def run(self, flat: Flat) -> frozenset[str]:
        raise ZeroDivisionError("boom")


def test_undeclared_analysis_is_refused(make_repo) -> None:
    session = Session(make_repo(REPO))
    flat = Flat(session.program, session.find_scene("S"), session.settings)
    with pytest.raises(PassFailure, match="greedy"):
        PassManager([_Greedy()]).run(flat)


def test_a_crash_names_the_pass_and_the_file(make_repo) -> None:
    session = Session(make_repo(REPO))
    flat = Flat(session.program, session.find_scene("S"), session.settings)
    with pytest.raises(PassFailure) as info:
        PassManager([_Crash()]).run(flat)
    assert info.value.pass_name == "crash" and info.value.file == "scene.py"
    assert "ZeroDivisionError: boom" in info.value.tb


def test_registry_names_match_the_pass_classes() -> None:
    from manimflat.pass_manager import get_pass
    for name in REGISTRY:
        if name.startswith(("rewrite-", "inline-data")):
            continue  # owned by the assets work; checked by tests/test_registry.py
        assert get_pass(name).NAME == name
