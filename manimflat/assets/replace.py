"""The replacement expression for one visual asset: the builder call with the size the
original mobject would have had.

Geometry rules (manim 0.22):
- `SVGMobject(file, height=2, width=None)`: centred, scaled to `height`, then to `width`
  when given; the aspect ratio is that of the drawn geometry.
- `ImageMobject(file, scale_to_resolution=1080)`: height = pixel height / scale_to_resolution
  * `config.frame_height`, width from the pixel aspect ratio.
- `OpenGLImageMobject(file, width=None, height=None)`: height 4 when neither is given, the
  other side from the pixel aspect ratio.
Later calls (`.scale()`, `.set_height()`, `scale_to_fit_*`) act on the replacement as they
acted on the original, so only construction-time sizing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..analyses.chains import code
from .builders import ALL_BUILDERS, label_for
from .classify import Classification, Content
from .refs import Ref, Target
from .rewrite import kwarg, num, string_literal, times

DEFAULT_RESOLUTION = 1080  # QUALITIES["high_quality"]["pixel_height"], ImageMobject's default
_SVG_STYLE = ("fill_color", "fill_opacity", "stroke_color", "stroke_width", "stroke_opacity")


@dataclass
class Size:
    width: str
    height: str
    note: str = ""


def size_of(ref: Ref, content: Content | None) -> Size:
    aspect = content.aspect if content and content.aspect else None
    call = ref.call
    if ref.api == "svg":
        return _visible(_svg_box(ref, aspect), content)
    if ref.api == "opengl_image":
        a = aspect or 1.0
        w, h = kwarg(call, "width"), kwarg(call, "height")
        if w is not None and h is not None:
            return Size(code(w), code(h))
        if h is not None:
            return Size(times(code(h), a), code(h))
        if w is not None:
            return Size(code(w), times(code(w), 1 / a))
        return Size(num(4 * a), "4")
    # ImageMobject
    if content is None or content.pixel_size is None:
        return Size("2", "2", "pixel size unknown, a 2 x 2 box used")
    pw, ph = content.pixel_size
    res = kwarg(call, "scale_to_resolution")
    res_text = code(res) if res is not None else str(DEFAULT_RESOLUTION)
    height = f"config.frame_height * {ph} / {_paren(res_text)}"
    width = f"config.frame_height * {pw} / {_paren(res_text)}"
    return Size(width, height)


def _svg_box(ref: Ref, aspect: float | None) -> Size:
    a = aspect or 1.0
    note = "" if aspect else "aspect unknown, 1:1 assumed"
    w, h = kwarg(ref.call, "width"), kwarg(ref.call, "height")
    if w is not None and not _is_none(w):
        return Size(code(w), times(code(w), 1 / a), note)
    if h is not None and _is_none(h):
        return Size(num(2 * a), "2", "height=None: natural size unknown, height 2 used")
    height = code(h) if h is not None else "2"
    return Size(times(height, a), height, note)


def _visible(size: Size, content: Content | None) -> Size:
    """The drawn box inside the box manim sized (curves fill less than their control hull)."""
    if content is None or content.visible == (1.0, 1.0):
        return size
    fx, fy = content.visible
    return Size(times(size.width, fx), times(size.height, fy), size.note)


def _paren(text: str) -> str:
    return text if text.replace(".", "").isalnum() else f"({text})"


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def builder_call(target: Target, cls: Classification, size: Size, content: Content | None,
                 name: str) -> str:
    """The call of builder `cls.builder`, named `name` in the output."""
    args = [f"width={size.width}", f"height={size.height}"]
    builder = ALL_BUILDERS[cls.builder]
    if cls.builder == "math_symbol":
        args.append(f"label={string_literal(cls.label or 'x', raw=True)}")
    elif cls.builder == "photo_frame":
        color = content.colors[0] if content and content.colors else "#444444"
        args += [f"label={string_literal(cls.label or label_for(target.rel))}",
                 f"color={string_literal(color)}"]
    elif cls.builder == "background_fill":
        args.append(f"colors={_background_colors(content)}")
    elif builder.label:
        args.append(f"label={string_literal(cls.label or label_for(target.rel))}")
    return f"{name}({', '.join(args)})"


def _background_colors(content: Content | None) -> str:
    if content is None or not content.colors:
        return string_literal("#222222")
    if content.top_bottom and _distance(*content.top_bottom) > 60:
        top, bottom = content.top_bottom
        return f"[{string_literal(top)}, {string_literal(bottom)}]"
    return string_literal(content.colors[0])


def _distance(a: str, b: str) -> float:
    ra = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    rb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return sum((x - y) ** 2 for x, y in zip(ra, rb)) ** 0.5


def style_suffix(ref: Ref) -> str:
    """SVGMobject's colour keywords, applied to the replacement."""
    if ref.api != "svg":
        return ""
    out = ""
    color = kwarg(ref.call, "color")
    if color is not None:
        out += f".set_color({code(color)})"
    style = [(k, kwarg(ref.call, k)) for k in _SVG_STYLE]
    parts = [f"{k}={code(v)}" for k, v in style if v is not None]
    if parts:
        out += f".set_style({', '.join(parts)})"
    return out
