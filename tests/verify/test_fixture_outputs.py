"""The compiler core's golden outputs (fixtures/golden/<case>/<Scene>.py) pass every level."""

from __future__ import annotations

from pathlib import Path

import pytest

from manimflat.diagnostics import Severity
from manimflat.settings import Settings
from manimflat.verify import verify_many

GOLDEN = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "golden").glob("*/*.py"))


def check(level: str) -> None:
    items = [(p.read_text(encoding="utf-8"), p.stem) for p in GOLDEN]
    outcomes = verify_many(items, level, Settings(timeout=60.0), jobs=2)
    failures = {p.parent.name: [d.format() for d in o.diagnostics if d.is_error]
                for p, o in zip(GOLDEN, outcomes) if not o.ok}
    assert not failures
    # The fixtures are stills: the only repair allowed is the `self.wait()` that makes them
    # videos.
    for path, outcome in zip(GOLDEN, outcomes):
        assert {d.code for d in outcome.diagnostics
                if d.severity is not Severity.ERROR} <= {"MF414"}, path.parent.name


def test_golden_outputs_exist():
    assert len(GOLDEN) >= 20


def test_golden_outputs_pass_exec():
    check("exec")


@pytest.mark.render
def test_golden_outputs_render():
    check("render")  # exec results come from the cache when the test above ran first
