"""The validation ladder: syntax → static → exec → render, cheapest first.

`verify_code` runs the ladder on one single-file scene and stops at the first level that fails;
`verify_many` does it for many scenes with a thread pool (the work happens in sandboxed
subprocesses, so threads are enough). Results are cached per level (see `cache.py`).
The verify passes in `manimflat/passes/verify_*.py` are thin wrappers over `run_level`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..diagnostics import Diagnostic
from ..settings import Settings
from .levels import LEVELS, LevelOutcome, run_level
from .render import FrameDiff, FrameResult, compare_frames, render_last_frame

__all__ = ["LEVELS", "FrameDiff", "FrameResult", "LevelOutcome", "VerifyOutcome",
           "compare_frames", "levels_up_to", "render_last_frame", "run_level", "verify_code",
           "verify_many"]


@dataclass(frozen=True)
class VerifyOutcome:
    code: str  # the code after repairs: what should be emitted
    diagnostics: tuple[Diagnostic, ...]
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # level -> result

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    @property
    def level_reached(self) -> str | None:
        """The highest level that passed."""
        passed = [lv for lv in LEVELS if lv in self.results and not self.results[lv].get(
            "failed")]
        return passed[-1] if passed else None


def levels_up_to(level: str) -> tuple[str, ...]:
    if level == "none":
        return ()
    if level not in LEVELS:
        raise ValueError(f"verify level must be one of none, {', '.join(LEVELS)}; not {level!r}")
    return LEVELS[: LEVELS.index(level) + 1]


def verify_code(code: str, scene: str, level: str = "static", settings: Settings | None = None,
                *, path: str | None = None) -> VerifyOutcome:
    """Run the ladder up to `level` on `code`; repaired code is verified by the next levels."""
    settings = settings or Settings()
    diagnostics: list[Diagnostic] = []
    results: dict[str, dict[str, Any]] = {}
    for lv in levels_up_to(level):
        out = run_level(lv, code, scene, settings, path)
        code = out.code
        diagnostics += out.diagnostics
        results[lv] = {**out.result, "failed": not out.ok}
        if not out.ok:
            break
    return VerifyOutcome(code, tuple(diagnostics), results)


def verify_many(items: Iterable[tuple[str, str]], level: str = "exec",
                settings: Settings | None = None, *, jobs: int | None = None
                ) -> list[VerifyOutcome]:
    """`verify_code` over (code, scene) pairs, `jobs` at a time, results in input order."""
    settings = settings or Settings()
    workers = max(1, jobs if jobs is not None else settings.jobs)
    pairs = list(items)
    if workers == 1:
        return [verify_code(c, s, level, settings) for c, s in pairs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda p: verify_code(p[0], p[1], level, settings), pairs))
