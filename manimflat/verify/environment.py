"""Tools manim needs beyond Python: a missing one is an environment problem (MF412), reported
with what to install, never blamed on the scene."""

from __future__ import annotations

import importlib.util
import re
import shutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Missing:
    tool: str
    install: str

    def message(self) -> str:
        return f"`{self.tool}` is not installed or not on PATH; install {self.install}"


_LATEX = "a TeX distribution with latex (e.g. `apt install texlive texlive-latex-extra`)"
_DVISVGM = "dvisvgm (e.g. `apt install dvisvgm`, or it comes with TeX Live)"
_TOOLS = {"latex": _LATEX, "dvisvgm": _DVISVGM}
# Mobjects that compile LaTeX when built; numbers and axis labels use MathTex too.
_USES_LATEX = re.compile(
    r"\b(Tex|MathTex|SingleStringMathTex|TexMobject|TextMobject|TexText|BulletedList|Title|"
    r"DecimalNumber|Integer|Variable|Matrix|IntegerMatrix|DecimalMatrix|BraceLabel|BraceText|"
    r"TexTemplate|get_axis_labels|add_coordinates|include_numbers|get_graph_label)\b")
# How a missing binary shows up in a traceback when the scene runs anyway.
_NOT_FOUND = re.compile(r"No such file or directory: '(latex|dvisvgm|ffmpeg|xelatex|lualatex)'")


def missing_tools(code: str, *, video: bool = False) -> list[Missing]:
    """Tools this code will need that are not available, checked before running it."""
    out: list[Missing] = []
    if _USES_LATEX.search(code):
        out += [Missing(t, how) for t, how in _TOOLS.items() if shutil.which(t) is None]
    if video and importlib.util.find_spec("av") is None:
        out.append(Missing("av", "PyAV with ffmpeg libraries (`pip install av`)"))
    return out


def missing_from_error(stderr: str) -> Missing | None:
    """A failure whose cause is a missing tool rather than the scene."""
    m = _NOT_FOUND.search(stderr)
    if m is None:
        return None
    tool = m.group(1)
    return Missing(tool, _TOOLS.get(tool, f"`{tool}` (it comes with TeX Live or ffmpeg)"))
