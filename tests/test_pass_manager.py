"""The pass manager: checked pipelines, timings, --print-after, analysis caching, crashes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from helpers import CORE

from manimflat.analyses.naming import Naming
from manimflat.analysis import NONE, Analysis, AnalysisManager
from manimflat.api import Session
from manimflat.ir import Flat
from manimflat.pass_manager import (
    ALL,
    REGISTRY,
    Pass,
    PassFailure,
    PassManager,
    PipelineError,
    default_pipeline,
    get_pass,
    parse_pipeline,
)

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
class _Edits(Pass):
    """Changes the pieces (as a pass that inlines or drops something would) and says so."""

    NAME: ClassVar[str] = "edits"

    def run(self, flat: Flat) -> frozenset[str]:
        flat.pieces.reverse()
        return NONE


class _UsesNames(Analysis):
    """A scene-level analysis built from another: dropped with it."""

    NAME = "uses-names"
    DEPENDS = (Naming,)

    def __init__(self, count: int) -> None:
        self.count = count

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> _UsesNames:
        return cls(len(am.get(Naming).names))


def test_a_pass_that_does_not_preserve_an_analysis_gets_it_recomputed(make_repo) -> None:
    session = Session(make_repo(REPO))
    flat = Flat(session.program, session.find_scene("S"), session.settings,
                repo_analyses=session.analyses)
    PassManager(parse_pipeline(["resolve-imports", "collect-closure", "deconflict-names"])
                ).run(flat)
    first = flat.analyses.get(Naming)
    assert isinstance(first, Naming) and flat.analyses.get(_UsesNames).count == len(first.names)
    assert flat.analyses.computed == {"names": 1, "uses-names": 1}
    PassManager([_Edits()]).run(flat)  # preserves nothing
    assert not flat.analyses.cached(Naming) and not flat.analyses.cached(_UsesNames)
    PassManager([get_pass("normalize-imports")()]).run(flat)  # reads `names` again
    assert flat.analyses.computed == {"names": 2, "uses-names": 1}
    assert flat.analyses.get(Naming) is not first
    # Repository-level analyses are the session's: the next scene reuses them.
    assert session.analyses.computed["resolvers"] == 1
    again = Flat(session.program, session.find_scene("S"), session.settings,
                 repo_analyses=session.analyses)
    PassManager(parse_pipeline(["resolve-imports", "collect-closure"])).run(again)
    assert session.analyses.computed["resolvers"] == 1


def test_preserving_one_analysis_drops_what_depends_on_a_dropped_one(make_repo) -> None:
    session = Session(make_repo(REPO))
    flat = Flat(session.program, session.find_scene("S"), session.settings)
    PassManager(parse_pipeline(["resolve-imports", "collect-closure"])).run(flat)
    flat.analyses.get(_UsesNames)
    flat.analyses.invalidate({"uses-names"})  # kept, but built from `names`, which was not
    assert not flat.analyses.cached(_UsesNames) and not flat.analyses.cached(Naming)


@dataclass(frozen=True)
class _Greedy(Pass):
    NAME: ClassVar[str] = "greedy"
    NEEDS: ClassVar[tuple[str, ...]] = ()

    def run(self, flat: Flat) -> frozenset[str]:
        flat.analyses.get(Naming)  # not declared in REQUIRES
        return ALL


@dataclass(frozen=True)
class _Crash(Pass):
    NAME: ClassVar[str] = "crash"

    def run(self, flat: Flat) -> frozenset[str]:
        raise ZeroDivisionError("boom")


def test_undeclared_analysis_is_refused(make_repo) -> None:
    session = Session(make_repo(REPO))
    flat = Flat(session.program, session.find_scene("S"), session.settings)
    with pytest.raises(PassFailure, match="greedy") as info:
        PassManager([_Greedy()]).run(flat)
    assert "AnalysisError: analysis 'names' is read without being declared" in info.value.tb


def test_options_are_parsed_by_their_type() -> None:
    *_, p = parse_pipeline("resolve-imports,collect-closure,inline-data-files{check_mobjects=false}")
    assert p.check_mobjects is False  # type: ignore[attr-defined]
    for bad, why in [("{check_mobjects=flase}", "is not a boolean"),
                     ("{check_mobjects=1}", "is not a boolean"),
                     ("{check_mobjects}", "needs a value"),
                     ("{=true}", "needs a value")]:
        with pytest.raises(PipelineError, match=why):
            parse_pipeline("resolve-imports,collect-closure,inline-data-files" + bad)


def test_a_pipeline_spec_round_trips() -> None:
    spec = ("resolve-imports,collect-closure,inline-data-files{check_mobjects=false},"
            "repair-warnings{latex_escapes=true},emit")
    manager = PassManager(parse_pipeline(spec))
    assert manager.spec == spec
    assert PassManager(parse_pipeline(manager.spec)).passes == manager.passes
    default = PassManager(parse_pipeline(default_pipeline("static")))
    assert default.spec == ",".join(default_pipeline("static"))


def test_a_crash_names_the_pass_and_the_file(make_repo) -> None:
    session = Session(make_repo(REPO))
    flat = Flat(session.program, session.find_scene("S"), session.settings)
    with pytest.raises(PassFailure) as info:
        PassManager([_Crash()]).run(flat)
    assert info.value.pass_name == "crash" and info.value.file == "scene.py"
    assert "ZeroDivisionError: boom" in info.value.tb


def test_registry_names_match_the_pass_classes() -> None:
    for name in REGISTRY:
        if name.startswith(("rewrite-", "inline-data")):
            continue  # owned by the assets work; checked by tests/test_registry.py
        assert get_pass(name).NAME == name


def test_settings_reach_passes_as_options_the_spec_can_override(make_repo) -> None:
    session = Session(make_repo(REPO), merge_bases=True, formatter="black")
    spec = session.pipeline(CORE).spec
    assert "inline-bases{merge_bases=true}" in spec and "emit{formatter=black}" in spec
    explicit = session.pipeline([*CORE[:2], "inline-bases{merge_bases=false}", *CORE[3:]])
    assert "inline-bases," in explicit.spec + ","  # the spec wins over the setting
    with pytest.raises(PipelineError, match="one of none, black"):
        parse_pipeline([*CORE[:-1], "emit{formatter=blak}"])
