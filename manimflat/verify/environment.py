"""Tools manim needs beyond Python: a missing one (or a library in a version manim cannot use) is
an environment problem (MF412), reported with what to install, never blamed on the scene."""

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
        if self.tool[:1].isupper():  # a library in the wrong version, not a missing binary
            return f"{self.tool} is incompatible with the installed manim; install {self.install}"
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


# Failures inside manim caused by an incompatible library version, not by the scene:
# (traceback evidence, the library, what to install).
_INCOMPATIBLE = (
    # manim 0.22 draws ImageMobjects with Image.fromarray(float zeros, mode="RGBA"), which
    # Pillow 13 rejects: every scene with an image fails to render.
    (re.compile(r"display_image_mobject[\s\S]*ValueError: Invalid mode for data type"),
     "Pillow", ("a Pillow release manim supports (`pip install 'pillow<13'`): manim's "
                "ImageMobject drawing fails with Pillow 13")),
)


def missing_from_error(stderr: str) -> Missing | None:
    """A failure whose cause is a missing tool or an incompatible library, not the scene."""
    for evidence, tool, install in _INCOMPATIBLE:
        if evidence.search(stderr):
            return Missing(tool, install)
    m = _NOT_FOUND.search(stderr)
    if m is None:
        return None
    tool = m.group(1)
    return Missing(tool, _TOOLS.get(tool, f"`{tool}` (it comes with TeX Live or ffmpeg)"))
