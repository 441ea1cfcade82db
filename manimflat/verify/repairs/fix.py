"""`Fix`: what one repair changed, for the level to turn into a `fixed` diagnostic."""

from __future__ import annotations

from dataclasses import dataclass

from ...diagnostics import Severity


@dataclass(frozen=True)
class Fix:
    code: str  # diagnostic code: MF210, MF211, MF212, MF226, MF413, MF414, MF416
    message: str
    line: int | None = None
    col: int | None = None  # 0-based, as libcst and ast count
    severity: Severity = Severity.FIXED  # a repair; a report when nothing was changed
