"""The validation ladder: syntax → static → exec → render, cheapest first.

`verify_code` runs the ladder on one single-file scene and stops at the first level that fails;
`verify_many` does it for many scenes with a thread pool (the work happens in sandboxed
subprocesses, so threads are enough). Results are cached per level (see `cache.py`).
The verify passes in `manimflat/passes/verify_*.py` are thin wrappers over `run_level`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..analyses.config_files import applied_cfg, cfg_folder
from ..diagnostics import Diagnostic, Severity
from ..pass_manager import ALL, Pass
from ..settings import Settings
from .levels import LEVELS, LevelOutcome, run_level
from .render import (
    FrameDiff,
    FrameResult,
    changed_outside,
    compare_frames,
    render_last_frame,
    render_scene,
)

if TYPE_CHECKING:
    from ..ir import Flat

__all__ = ["LEVELS", "FrameDiff", "FrameResult", "LevelOutcome", "VerifyOutcome",
           "apply_level", "compare_frames", "compare_with_original", "levels_up_to", "render_last_frame", "run_level", "verify_code",
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


@dataclass(frozen=True)
class LevelPass(Pass):
    """The shape of the four verify-* passes: run one level of the ladder on `flat.code`.
    Verification edits only `flat.code`, never the pieces analyses read, so all is preserved."""

    LEVEL: ClassVar[str] = ""
    NEEDS: ClassVar[tuple[str, ...]] = ("code",)

    def run(self, flat: Flat) -> frozenset[str]:
        apply_level(flat, self.LEVEL)
        return ALL


def apply_level(flat: Flat, level: str) -> None:
    """Run one level on `flat.code` for a verify pass: diagnostics go to the flat (attributed to
    the running pass), repaired code replaces `flat.code`, the result (with `seconds`) goes to
    `flat.verification[level]`. A level is skipped when an earlier one failed."""
    if flat.code is None:
        return
    earlier = LEVELS[: LEVELS.index(level)]
    failed = [lv for lv in earlier if flat.verification.get(lv, {}).get("failed")]
    if failed:
        flat.verification[level] = {"skipped": f"{failed[0]} level failed", "seconds": 0.0}
        return
    settings = flat.settings
    path = flat.scene.output_name(settings.output_name)
    out = run_level(level, flat.code, flat.scene.name, settings, path)
    for d in out.diagnostics:
        flat.report(d.code, d.message, severity=d.severity, path=d.path, line=d.line, col=d.col)
    flat.code = out.code
    flat.verification[level] = {**out.result, "failed": not out.ok}
    if any(d.is_error and d.code == "MF401" for d in out.diagnostics):
        flat.halted = True  # the output does not parse: no later level can check anything
    if level == "render" and settings.compare and out.ok:
        flat.verification[level]["compare"] = compare_with_original(flat, Path(out.result["png"]))


def compare_with_original(flat: Flat, png: Path) -> dict[str, Any]:
    """Render the original scene inside its repository and compare last frames. Replaced assets
    may differ only inside the boxes the original's images and SVGs occupy."""
    root = flat.program.root
    settings = flat.settings
    with tempfile.TemporaryDirectory(prefix="manimflat-orig-") as tmp:
        cfg = applied_cfg(flat.program, flat.scene.path)  # run where its author ran it
        cwd = root / cfg_folder(cfg) if cfg else root
        orig = render_scene(root / flat.scene.path, flat.scene.name, cwd=cwd,
                            out_dir=Path(tmp), timeout=settings.timeout,
                            memory_mb=settings.memory_mb, boxes=True)
        if not orig.ok or orig.png is None:
            flat.report("MF417", f"{flat.scene.spec}: {(orig.error or '').splitlines()[-1:]}",
                        severity=Severity.WARNING, path=flat.scene.path, line=flat.scene.line)
            return {"original": "failed", "seconds": round(orig.seconds, 3)}
        diff = compare_frames(orig.png, png)
        result: dict[str, Any] = {"original": "ok", "identical": diff.identical,
                                  "changed_pixels": diff.changed_pixels,
                                  "max_delta": diff.max_delta, "bbox": diff.bbox,
                                  "seconds": round(orig.seconds, 3)}
        if diff.identical:
            return result
        replaced = any(a.action in ("replaced", "missing") for a in flat.assets)
        if replaced and not diff.size_mismatch:
            outside = changed_outside(orig.png, png, orig.asset_boxes)
            result["changed_outside_assets"] = outside
            if outside == 0:
                return result
        what = ("frame sizes differ (does the repository's manim.cfg set the resolution?)"
                if diff.size_mismatch else
                f"{diff.changed_pixels} pixels differ (max delta {diff.max_delta}, "
                f"box {diff.bbox})" + (" outside the replaced assets" if replaced else ""))
        flat.report("MF411", f"last frame of {flat.scene.name} differs from the original: {what}",
                    path=flat.scene.path, line=flat.scene.line)
        return result
