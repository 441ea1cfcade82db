"""upgrade-api: names and calls Manim CE removed or renamed become today's equivalents.

Before: pieces may use Manim CE API that older versions had and today's manim does not (the
scene ran on the manim its author had): collect-closure links such a name, undefined today
and star-imported from manim, to `removed:manim:<name>` instead of reporting it; `from colour
import Color` / `import colour` link to the `colour` package, a dependency manim dropped in
v0.18.0. After: each use is rewritten to what the changelog names as its replacement and the
piece links to the new names (MF413, fixed), so the output runs on today's manim and imports
no `colour`. A use that cannot be rewritten safely is an MF212 error naming what to write.
`upgrade_code` applies the same table to a whole file (the static level of `--verify`).

The table (old -> new; the version whose changelog removed the old name):

| old | new | removed |
| --- | --- | --- |
| `ShowCreation` | `Create` | v0.7.0 (#1375) |
| `TextMobject` | `Tex` | v0.6.0 (#1370) |
| `TexMobject` | `MathTex` | v0.6.0 (#1370) |
| `TexText` | `Tex` | never in CE (manimgl's name) |
| `ParametricSurface(f, u_min=a, u_max=b, ...)` | `Surface(f, u_range=[a, b], ...)` | v0.15.0 (#2568), v0.11.0 (#2061) |
| `Axes`, `NumberPlane`, `ThreeDAxes` (`x_min=a, x_max=b`, y, z) | `x_range=[a, b], x_length=b - a` (the old axes had a unit per unit; a missing bound takes its old default, ±`config.frame_x_radius`, ...) | v0.12.0 (#2245) |
| `NumberLine(x_min=a, x_max=b)`, `ParametricFunction(f, t_min=a, t_max=b)` | `x_range=[a, b]`, `t_range=[a, b]` | v0.12.0 (#2245) |
| `WiggleOutThenIn` | `Wiggle` | v0.9.0 (#1773) |
| `VFadeIn` / `VFadeOut` | `FadeIn` / `FadeOut` | v0.9.0 (#1773) |
| `FadeInFrom(m, d)` | `FadeIn(m, shift=-d)` (d defaults to `DOWN`) | v0.9.0 (#1773) |
| `FadeInFromDown(m)` | `FadeIn(m, shift=UP)` | v0.9.0 (#1773) |
| `FadeOutAndShift(m, d)` | `FadeOut(m, shift=d)` (d defaults to `DOWN`) | v0.9.0 (#1773) |
| `FadeOutAndShiftDown(m)` | `FadeOut(m, shift=DOWN)` | v0.9.0 (#1773) |
| `FadeInFromLarge(m, scale_factor=s)` | `FadeIn(m, scale=s)` (s defaults to 2) | v0.9.0 (#1773) |
| `FadeInFromPoint(m, p)` | `FadeIn(m, target_position=p, scale=0)` | v0.9.0 (#1773) |
| `FadeOutToPoint(m, p)` | `FadeOut(m, target_position=p)` | v0.9.0 (#1773) |
| `ShowCreationThenDestruction(m)` | `ShowPassingFlash(m, time_width=2.0)` | v0.9.0 (#1773) |
| `ShowCreationThenDestructionAround(m)` | `Circumscribe(m, time_width=2.0)` | v0.9.0 (#1773) |
| `ShowCreationThenFadeAround(m)` | `Circumscribe(m, fade_out=True)` | v0.9.0 (#1773) |
| `ShowPassingFlashAround(m)` | `Circumscribe(m, time_width=0.1)` | v0.9.0 (#1773) |
| `CircleIndicate(m)` | `Circumscribe(m, shape=Circle)` | v0.9.0 (#1773) |
| `ShowCreationThenFadeOut(m)` | `Succession(Create(m), FadeOut(m))` | v0.18.1 (#3688) |
| `SmallDot(...)` | `Dot(..., radius=DEFAULT_SMALL_DOT_RADIUS)` | v0.6.0 (#1349) |
| `FullScreenFadeRectangle(...)` | `FullScreenRectangle(stroke_width=0, fill_color=BLACK, fill_opacity=0.7, ...)` | v0.14.0 (#2390) |
| `get_norm` | `np.linalg.norm` | v0.9.0 (#1773) |
| `angle_between` | `angle_between_vectors` | v0.9.0 (#1773) |
| `GREEN_SCREEN` | `PURE_GREEN` | v0.7.0 (#1504) |
| `FRAME_WIDTH`, `FRAME_HEIGHT`, `FRAME_X_RADIUS`, `FRAME_Y_RADIUS` | `config.frame_width`, ... | never in CE (manimgl's constants) |
| `DEG` | `DEGREES` | never in CE (manimgl's constant) |
| `.get_graph(` | `.plot(` | v0.14.0 (#2390) |
| `.get_implicit_curve(`, `.get_parametric_curve(`, `.get_derivative_graph(`, `.get_line_graph(` | `.plot_implicit_curve(`, ... | v0.14.0 (#2390) |
| `.rotate_in_place(`, `.scale_in_place(`, `.stretch_in_place(` | `.rotate(`, `.scale(`, `.stretch(` | v0.13.0 (#2331) |
| `.scale_about_point(f, p)` | `.scale(f, about_point=p)` | v0.13.0 (#2331) |
| `.get_center_point()` | `.get_center()` | v0.12.0 (#2245) |
| `.next_section(type=...)` | `.next_section(section_type=...)` | v0.19.0 (#3884) |
| `.set_camera_orientation(distance=...)`, `.move_camera(distance=...)` | `focal_distance=` | v0.13.0 (#2331) |
| `Color` of `colour` (`from colour import Color`, `colour.Color`) | `ManimColor` | v0.18.0 (#3020) |
| `Color("red")` (a CSS colour name) | `ManimColor("#FF0000")` (manim's `"red"` is its own RED) | v0.18.0 |
| `Color(hex=h)` / `Color(rgb=t)` / `Color(hsl=t)` | `ManimColor(h)` / `ManimColor(t as floats)` / `ManimColor.from_hsl(t)` | v0.18.0 |
| `.get_hex()`, `.hex`, `.get_hex_l()`, `.hex_l` | `.to_hex().lower()` (long form) | v0.18.0 |
| `.get_rgb()`, `.rgb`, `.get_hsl()`, `.hsl` | `tuple(.to_rgb())`, `tuple(.to_hsl())` | v0.18.0 |
| `.get_red()`, `.get_green()`, `.get_blue()`, `.get_hue()`, `.get_saturation()`, `.get_luminance()` | `.to_rgb()[i]`, `.to_hsl()[i]` | v0.18.0 |
| `a.range_to(b, n)` | `color_gradient([a, b], n)` (RGB, not HSL, steps) | v0.18.0 |
| `NumberLine(number_scale_value=s)` (also `UnitInterval`, and the keys of `axis_config`, `x_axis_config`, `y_axis_config`, `z_axis_config` of `Axes`, `NumberPlane`, `ThreeDAxes`, `ComplexPlane`) | `font_size=36 * s` (the numbers were drawn at 0.75 of 48 times s) | v0.12.0 (#2245) |
| `PolarPlane(azimuth_label_scale=s)` | `azimuth_label_font_size=36 * s` | v0.12.0 (#2245) |
| `BraceLabel(label_scale=s)`, `BraceText(label_scale=s)`, `Title(scale_factor=s)`, `Text(size=s)`, `MarkupText(size=s)` | `font_size=48 * s` | v0.12.0 (#2245) |
| `DashedVMobject(positive_space_ratio=r)`, `DashedLine(...)`; `dash_spacing=` | `dashed_ratio=r`; dropped (it had no effect) | v0.13.0 (#2331) |
| `TracedPath(min_distance_to_new_point=)` | dropped (it had no effect) | v0.13.0 (#2331) |
| `.align_to(alignment_vect=)` | `.align_to(m, d)` (it had no effect) | v0.17.3 (#3165) |
| `Sector(outer_radius=r)`; `Sector(outer_radius=r, inner_radius=i)` | `Sector(radius=r)`; `AnnularSector(inner_radius=i, outer_radius=r)` (what the old Sector was) | v0.19.0 (#3922) |
| `.from_hex(hex=)` | `.from_hex(hex_str=)` | v0.19.0 (#3884) |
| `Code(file_name=, code=, style=, insert_line_no=, line_no_from=)`; `font=`, `font_size=`, `line_spacing=`, `scale_factor=s`; `background_stroke_width=`, `background_stroke_color=`, `corner_radius=`, `margin=` | `Code(code_file=, code_string=, formatter_style=, add_line_numbers=, line_numbers_from=)`; `paragraph_config={"font": ..., "font_size": 24 * s, ...}`; `background_config={"stroke_width": ..., "stroke_color": ..., "corner_radius": ..., "buff": ...}` (`stroke_width`, `indentation_chars`, `line_no_buff`, `generate_html_file`, `warn_missing_font` are dropped; today's Code draws differently) | v0.19.0 (#4115), v0.12.0 (#2245) |
| `scipy.sqrt`, `scipy.exp`, ... (NumPy's functions re-exported by scipy; `from scipy import sqrt` too) | `np.sqrt`, ... | scipy 1.12 (not Manim: an allowed dependency) |
| `scipy.special.sph_harm(m, n, azimuth, polar)` | `scipy.special.sph_harm_y(n, m, polar, azimuth)` (a call with keywords: MF212) | scipy 1.17 |
| `MathTex("\\Delta^", "2")`: a part ending in `^` or `_` whose argument is the next part | `MathTex("\\Delta", "^2")` (the same picture and parts) | #4515 (Dec 2025: the parts compile as one string) |
| TeX commands of packages the old default template loaded (`\\justifying`: ragged2e; `\\abs`, `\\qty`: physics; `\\mathds`, `\\mathscr`, `\\color`, ...) | `config.tex_template.add_to_preamble(r"\\usepackage{ragged2e}")`, ... first (unless the program sets a template) | the 3b1b preamble stopped being the default |

`GraphScene` (deprecated by #1598, removed in v0.12.0 with #2245) becomes a definition in the
output (`SHIMMED`, `dialects/shims.py`): a `Scene` with the old settings (class attributes,
`CONFIG`, keywords of `__init__`) and methods (`setup_axes`, `get_graph`, `coords_to_point`,
...) on today's `Axes`. Names removed with no one-to-one replacement (`NumberLineOld`,
`SampleSpaceScene`, `ReconfigurableScene`: `NOT_UPGRADABLE`) are an MF212 error from
collect-closure saying what to write instead.

A method is renamed only where no repository code in the output defines a method of that
name; colour's attributes only where the program uses colour: `.hex`, `.hex_l`, `.rgb`,
`.hsl`, `.luminance`, `.saturation` (no manim object has them) on any receiver, `.red`,
`.green`, `.blue`, `.hue` only on one known to be a colour (a `Color(...)` call, or a name
assigned one in the same piece), never where they are assigned; a name only where it refers
to manim's removed one (never a repository definition of the same name).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..diagnostics import Severity
from ..dialects.shims import add_shims
from ..ir import Flat, Piece
from ..pass_manager import ALL, NONE, Pass
from ..transforms import code_of, keyword_arg, plain_args
from ..verify.repairs import Fix

CallRewrite = Callable[[cst.Call], cst.BaseExpression | None]
REMOVED = "removed:manim:"  # the link key prefix collect-closure gives a removed name


def _negated(expr: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return cst.UnaryOperation(cst.Minus(), expr)
    return cst.UnaryOperation(cst.Minus(), cst.parse_expression(f"({code_of(expr)})"))


def _second_arg(new: str, keyword: str, becomes: str, default: str | None,
                negate: bool = False, extra: dict[str, str] | None = None) -> CallRewrite:
    """`Old(m, x)` / `Old(m, keyword=x)` -> `New(m, becomes=±x, **extra)`."""
    def rewrite(call: cst.Call) -> cst.BaseExpression | None:
        args = list(call.args)
        if not args or args[0].keyword is not None or args[0].star or any(
                a.star for a in args):
            return None
        value: cst.BaseExpression | None = None
        rest = []
        for a in args[1:]:
            if value is None and (a.keyword is None or a.keyword.value == keyword):
                value = a.value
            elif a.keyword is None:
                return None  # more positional arguments than the old class took
            else:
                rest.append(a)
        if value is None and default is None:
            return None
        value = value if value is not None else cst.parse_expression(default or "")
        added = [keyword_arg(becomes, _negated(value) if negate else value)]
        given = {a.keyword.value for a in rest if a.keyword is not None}
        added += [keyword_arg(k, cst.parse_expression(v)) for k, v in (extra or {}).items()
                  if k not in given]
        return call.with_changes(func=cst.Name(new), args=plain_args([args[0], *rest]) + added)
    return rewrite


def _add_kwargs(new: str, extra: dict[str, str], rename: dict[str, str] | None = None
                ) -> CallRewrite:
    """`Old(...)` -> `New(..., **extra)`; keywords the call gives win over `extra`."""
    def rewrite(call: cst.Call) -> cst.BaseExpression | None:
        args = []
        given = set()
        for a in call.args:
            if a.keyword is not None and rename and a.keyword.value in rename:
                a = a.with_changes(keyword=cst.Name(rename[a.keyword.value]))
            if a.keyword is not None:
                given.add(a.keyword.value)
            args.append(a)
        args = plain_args(args) + [keyword_arg(k, cst.parse_expression(v)) for k, v in extra.items()
                               if k not in given]
        return call.with_changes(func=cst.Name(new), args=args)
    return rewrite


def _then_fade_out(call: cst.Call) -> cst.BaseExpression | None:
    """`Succession(Create(m), FadeOut(m))` names m twice: only for an m without effects."""
    args = list(call.args)
    if not args or args[0].keyword is not None or args[0].star or any(
            a.keyword is None for a in args[1:]):
        return None
    m = code_of(args[0].value)
    if not re.fullmatch(r"[\w.]+(\[[\w.]+\])*", m):
        return None
    rest = [a for a in args[1:] if a.keyword is not None and a.keyword.value != "remover"]
    new = cst.ensure_type(cst.parse_expression(f"Succession(Create({m}), FadeOut({m}))"),
                          cst.Call)
    return new.with_changes(args=plain_args([*new.args, *rest]))


def _ranges(new: str, axes: str = "uv", lengths: bool = False) -> CallRewrite:
    """`Old(f, u_min=a, u_max=b)` -> `New(f, u_range=[a, b])`, a bound not given taking the old
    default (`OLD_BOUNDS`). With `lengths` (the axes classes), also `x_length=b - a`: the old
    axes had one unit per unit of length, the new ones fit the frame."""
    def rewrite(call: cst.Call) -> cst.BaseExpression | None:
        bounds: dict[str, cst.BaseExpression] = {}
        given = {a.keyword.value for a in call.args if a.keyword is not None}
        args = []
        for a in call.args:
            if a.keyword is not None and re.fullmatch(rf"[{axes}]_(min|max)", a.keyword.value):
                bounds[a.keyword.value] = a.value
            else:
                args.append(a)
        for axis in axes:
            if f"{axis}_min" in bounds or f"{axis}_max" in bounds:
                default_low, default_high = OLD_BOUNDS[axis]
                low = code_of(bounds[f"{axis}_min"]) if f"{axis}_min" in bounds else default_low
                high = code_of(bounds[f"{axis}_max"]) if f"{axis}_max" in bounds else default_high
                args.append(keyword_arg(f"{axis}_range", cst.parse_expression(f"[{low}, {high}]")))
                if lengths and f"{axis}_length" not in given:
                    args.append(keyword_arg(f"{axis}_length", cst.parse_expression(
                        _difference(high, low))))
        return call.with_changes(func=cst.Name(new), args=plain_args(args))
    return rewrite


def _difference(high: str, low: str) -> str:
    """`high - low` as code, computed when both are number literals."""
    try:
        value = ast.literal_eval(high) - ast.literal_eval(low)
    except (ValueError, TypeError, SyntaxError):
        return f"{_operand(high, True)} - {_operand(low, False)}"
    return repr(value)


def _operand(expr: str, left: bool) -> str:
    simple = re.fullmatch(r"[\w.]+", expr) or left and re.fullmatch(r"-[\w.]+", expr)
    return expr if simple else f"({expr})"


# The defaults of the bounds manim CE had before the ranges (v0.6.0 to v0.11.0).
OLD_BOUNDS = {"u": ("0", "1"), "v": ("0", "1"), "t": ("0", "1"),
              "x": ("-config.frame_x_radius", "config.frame_x_radius"),
              "y": ("-config.frame_y_radius", "config.frame_y_radius"), "z": ("-3.5", "3.5")}
# Classes manim still has whose `x_min=`/`x_max=`-style keywords became ranges (v0.12.0,
# #2245; ParametricFunction's t_min/t_max earlier): keyword upgrades of today's names.
RANGE_CALLS: dict[str, CallRewrite] = {
    "ParametricFunction": _ranges("ParametricFunction", "t"),
    "NumberLine": _ranges("NumberLine", "x"),
    "Axes": _ranges("Axes", "xy", lengths=True),
    "NumberPlane": _ranges("NumberPlane", "xy", lengths=True),
    "ThreeDAxes": _ranges("ThreeDAxes", "xyz", lengths=True),
}
_RANGE_KEYWORD = re.compile(r"\b[tuvxyz]_(?:min|max)\s*=")


@dataclass(frozen=True)
class Keyword:
    """A keyword argument Manim CE removed from a class it kept: the keyword that took its
    place (None: it did nothing any more, so it is dropped), the factor its value is
    multiplied by (old scale factors became font sizes: "multiply by 48", and the numbers of
    a number line were drawn at 0.75 of that), and the version that removed it."""

    new: str | None
    since: str
    factor: float | None = None


_NUMBER_SCALE = {"number_scale_value": Keyword("font_size", "v0.12.0", 36.0)}
_LABEL_SCALE = {"label_scale": Keyword("font_size", "v0.12.0", 48.0)}
_TEXT_SIZE = {"size": Keyword("font_size", "v0.12.0", 48.0)}
_DASHES = {"positive_space_ratio": Keyword("dashed_ratio", "v0.13.0"),
           "dash_spacing": Keyword(None, "v0.13.0")}
# Code was rewritten in v0.19.0 (#4115): keywords renamed, the text's and the frame's
# settings moved into `paragraph_config` / `background_config`, some dropped.
_CODE_SINCE = "v0.19.0"
CODE_RENAMED = {"file_name": "code_file", "code": "code_string", "style": "formatter_style",
                "insert_line_no": "add_line_numbers", "line_no_from": "line_numbers_from"}
CODE_PARAGRAPH = {"font": "font", "font_size": "font_size", "line_spacing": "line_spacing"}
CODE_BACKGROUND = {"background_stroke_width": "stroke_width",
                   "background_stroke_color": "stroke_color", "corner_radius": "corner_radius",
                   "margin": "buff"}
CODE_DROPPED = frozenset({"stroke_width", "indentation_chars", "line_no_buff",
                          "generate_html_file", "warn_missing_font"})
KEYWORDS: dict[str, dict[str, Keyword]] = {
    "NumberLine": _NUMBER_SCALE, "UnitInterval": _NUMBER_SCALE,
    "PolarPlane": {"azimuth_label_scale": Keyword("azimuth_label_font_size", "v0.12.0", 36.0)},
    "BraceLabel": _LABEL_SCALE, "BraceText": _LABEL_SCALE,
    "Title": {"scale_factor": Keyword("font_size", "v0.12.0", 48.0)},
    "Text": _TEXT_SIZE, "MarkupText": _TEXT_SIZE,
    "DashedVMobject": _DASHES, "DashedLine": _DASHES,
    "TracedPath": {"min_distance_to_new_point": Keyword(None, "v0.13.0")},
    "Code": {"scale_factor": Keyword("font_size", "v0.12.0", 24.0),
             **{k: Keyword(v, _CODE_SINCE) for k, v in CODE_RENAMED.items()},
             **{k: Keyword(None, _CODE_SINCE) for k in
                [*CODE_PARAGRAPH, *CODE_BACKGROUND, *CODE_DROPPED]}},
    # v0.19.0 (#3922): a Sector has one radius; the old one was an AnnularSector
    "Sector": {"outer_radius": Keyword("radius", "v0.19.0"),
               "inner_radius": Keyword(None, "v0.19.0")},
}
# The axes hand these dicts to their NumberLines: their keys are NumberLine keywords.
AXIS_CONFIGS = frozenset({"axis_config", "x_axis_config", "y_axis_config", "z_axis_config"})
AXES = ("Axes", "NumberPlane", "ThreeDAxes", "ComplexPlane")
KEYWORD_CALLS = frozenset([*KEYWORDS, *AXES])
_OLD_KEYWORD = re.compile(r"\b(?:" + "|".join(sorted(
    {k for table in KEYWORDS.values() for k in table})) + r")\s*=|[\"']number_scale_value[\"']")


def _keyword_calls_in(code: str, names: Iterable[str], nodes: Iterable[ast.AST] | None = None
                      ) -> frozenset[str]:
    """Which of `names` (classes manim kept) `code` calls with a keyword they lost: found
    with `ast` (fast; `nodes` are those of `code`'s tree when the caller has them), so that
    only such code goes through libcst."""
    if not _OLD_KEYWORD.search(code):
        return frozenset()
    wanted = set(names)
    if nodes is None:
        try:
            nodes = ast.walk(ast.parse(code))
        except SyntaxError:
            return frozenset()
    found = set()
    for node in nodes:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in wanted):
            continue
        name, words = node.func.id, {k.arg for k in node.keywords if k.arg}
        if name in AXES:
            hit = any(k.arg in AXIS_CONFIGS and "number_scale_value" in ast.dump(k.value)
                      for k in node.keywords)
        elif name == "Sector":
            hit = bool(words & {"outer_radius", "inner_radius"}) or len(node.args) == 2
        else:
            hit = bool(words & set(KEYWORDS[name]))
        if hit:
            found.add(name)
    return frozenset(found)


def _times(factor: float, expr: cst.BaseExpression) -> cst.BaseExpression:
    """`factor * expr`, computed when expr is a number literal."""
    try:
        value = ast.literal_eval(code_of(expr))
    except (ValueError, TypeError, SyntaxError):
        value = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        result = factor * value
        return cst.parse_expression(repr(int(result)) if result == int(result) else
                                    repr(round(result, 6)))
    return cst.parse_expression(f"{factor:g} * ({code_of(expr)})")


@dataclass(frozen=True)
class Upgrade:
    """One removed name: what replaces it (an expression), or how calls to it are rewritten."""

    new: str
    since: str
    call: CallRewrite | None = None  # calls to the old name; a bare name becomes `new`


# Names used as values (Name nodes), keyed by the old name.
NAMES: dict[str, Upgrade] = {
    "ShowCreation": Upgrade("Create", "v0.7.0"),
    "TextMobject": Upgrade("Tex", "v0.6.0"),
    "TexMobject": Upgrade("MathTex", "v0.6.0"),
    "TexText": Upgrade("Tex", "manimgl"),
    "ParametricSurface": Upgrade("Surface", "v0.15.0", _ranges("Surface")),
    "WiggleOutThenIn": Upgrade("Wiggle", "v0.9.0"),
    "VFadeIn": Upgrade("FadeIn", "v0.9.0"),
    "VFadeOut": Upgrade("FadeOut", "v0.9.0"),
    "FadeInFrom": Upgrade("FadeIn", "v0.9.0", _second_arg("FadeIn", "direction", "shift",
                                                          "DOWN", negate=True)),
    "FadeInFromDown": Upgrade("FadeIn", "v0.9.0", _add_kwargs("FadeIn", {"shift": "UP"})),
    "FadeOutAndShift": Upgrade("FadeOut", "v0.9.0", _second_arg("FadeOut", "direction",
                                                                "shift", "DOWN")),
    "FadeOutAndShiftDown": Upgrade("FadeOut", "v0.9.0", _add_kwargs("FadeOut",
                                                                     {"shift": "DOWN"})),
    "FadeInFromLarge": Upgrade("FadeIn", "v0.9.0", _second_arg("FadeIn", "scale_factor",
                                                               "scale", "2")),
    "FadeInFromPoint": Upgrade("FadeIn", "v0.9.0", _second_arg(
        "FadeIn", "point", "target_position", None, extra={"scale": "0"})),
    "FadeOutToPoint": Upgrade("FadeOut", "v0.9.0", _second_arg("FadeOut", "point",
                                                               "target_position", "ORIGIN")),
    "ShowCreationThenDestruction": Upgrade("ShowPassingFlash", "v0.9.0", _add_kwargs(
        "ShowPassingFlash", {"time_width": "2.0"})),
    "ShowCreationThenDestructionAround": Upgrade("Circumscribe", "v0.9.0", _add_kwargs(
        "Circumscribe", {"time_width": "2.0"})),
    "ShowCreationThenFadeAround": Upgrade("Circumscribe", "v0.9.0", _add_kwargs(
        "Circumscribe", {"fade_out": "True"})),
    "ShowPassingFlashAround": Upgrade("Circumscribe", "v0.9.0", _add_kwargs(
        "Circumscribe", {"time_width": "0.1"})),
    "CircleIndicate": Upgrade("Circumscribe", "v0.9.0", _add_kwargs(
        "Circumscribe", {"shape": "Circle"})),
    "ShowCreationThenFadeOut": Upgrade("Succession", "v0.18.1", _then_fade_out),
    "SmallDot": Upgrade("Dot", "v0.6.0", _add_kwargs(
        "Dot", {"radius": "DEFAULT_SMALL_DOT_RADIUS"})),
    "FullScreenFadeRectangle": Upgrade("FullScreenRectangle", "v0.14.0", _add_kwargs(
        "FullScreenRectangle", {"stroke_width": "0", "fill_color": "BLACK",
                                "fill_opacity": "0.7"})),
    "get_norm": Upgrade("np.linalg.norm", "v0.9.0"),
    "angle_between": Upgrade("angle_between_vectors", "v0.9.0"),
    "GREEN_SCREEN": Upgrade("PURE_GREEN", "v0.7.0"),
    "FRAME_WIDTH": Upgrade("config.frame_width", "manimgl"),
    "FRAME_HEIGHT": Upgrade("config.frame_height", "manimgl"),
    "FRAME_X_RADIUS": Upgrade("config.frame_x_radius", "manimgl"),
    "FRAME_Y_RADIUS": Upgrade("config.frame_y_radius", "manimgl"),
    "DEG": Upgrade("DEGREES", "manimgl"),
}

# Methods removed from manim's classes: `x.old(...)` -> `x.new(...)`.
METHODS: dict[str, str] = {
    "get_graph": "plot", "get_implicit_curve": "plot_implicit_curve",
    "get_parametric_curve": "plot_parametric_curve",
    "get_derivative_graph": "plot_derivative_graph", "get_line_graph": "plot_line_graph",
    "rotate_in_place": "rotate", "scale_in_place": "scale", "stretch_in_place": "stretch",
    "scale_about_point": "scale", "get_center_point": "get_center",
    "next_section": "next_section", "set_camera_orientation": "set_camera_orientation",
    "move_camera": "move_camera", "from_hex": "from_hex", "align_to": "align_to",
}
# Keyword arguments renamed on those methods (the method keeps its name when it is itself).
# None: the keyword had no effect any more and is dropped.
METHOD_KEYWORDS: dict[str, dict[str, str | None]] = {
    "next_section": {"type": "section_type"},
    "set_camera_orientation": {"distance": "focal_distance"},
    "move_camera": {"distance": "focal_distance"},
    "from_hex": {"hex": "hex_str"},
    "align_to": {"alignment_vect": None},
}
_KEYWORDS_SINCE = {"next_section": "v0.19.0", "set_camera_orientation": "v0.13.0",
                   "move_camera": "v0.13.0", "from_hex": "v0.19.0", "align_to": "v0.17.3"}

# colour.Color -> ManimColor: methods (any receiver: manim has none of these names) and
# attributes (only on a receiver known to be a colour).
COLOUR_METHODS: dict[str, str] = {
    "get_hex": "{x}.to_hex().lower()", "get_hex_l": "{x}.to_hex().lower()",
    "get_rgb": "tuple({x}.to_rgb())", "get_hsl": "tuple({x}.to_hsl())",
    "get_red": "{x}.to_rgb()[0]", "get_green": "{x}.to_rgb()[1]", "get_blue": "{x}.to_rgb()[2]",
    "get_hue": "{x}.to_hsl()[0]", "get_saturation": "{x}.to_hsl()[1]",
    "get_luminance": "{x}.to_hsl()[2]",
}
COLOUR_ATTRIBUTES: dict[str, str] = {
    "hex": "get_hex", "hex_l": "get_hex_l", "rgb": "get_rgb", "hsl": "get_hsl", "red": "get_red",
    "green": "get_green", "blue": "get_blue", "hue": "get_hue", "saturation": "get_saturation",
    "luminance": "get_luminance"}
# Attributes no manim object has: where the program uses colour, they are colour's on any
# receiver (`colors[i].hex`); the others (`.red`, `.hue`) only on a receiver known to be one.
COLOUR_ONLY = frozenset({"hex", "hex_l", "rgb", "hsl", "luminance", "saturation"})
# The colour names CSS defines (colour's `Color("red")`); manim's own names differ.
CSS_COLOURS = dict(re.findall(r"(\w+):(\w{6})", """
aliceblue:F0F8FF antiquewhite:FAEBD7 aqua:00FFFF aquamarine:7FFFD4 azure:F0FFFF beige:F5F5DC
bisque:FFE4C4 black:000000 blanchedalmond:FFEBCD blue:0000FF blueviolet:8A2BE2 brown:A52A2A
burlywood:DEB887 cadetblue:5F9EA0 chartreuse:7FFF00 chocolate:D2691E coral:FF7F50
cornflowerblue:6495ED cornsilk:FFF8DC crimson:DC143C cyan:00FFFF darkblue:00008B darkcyan:008B8B
darkgoldenrod:B8860B darkgray:A9A9A9 darkgrey:A9A9A9 darkgreen:006400 darkkhaki:BDB76B
darkmagenta:8B008B darkolivegreen:556B2F darkorange:FF8C00 darkorchid:9932CC darkred:8B0000
darksalmon:E9967A darkseagreen:8FBC8F darkslateblue:483D8B darkslategray:2F4F4F
darkslategrey:2F4F4F darkturquoise:00CED1 darkviolet:9400D3 deeppink:FF1493 deepskyblue:00BFFF
dimgray:696969 dimgrey:696969 dodgerblue:1E90FF firebrick:B22222 floralwhite:FFFAF0
forestgreen:228B22 fuchsia:FF00FF gainsboro:DCDCDC ghostwhite:F8F8FF gold:FFD700
goldenrod:DAA520 gray:808080 grey:808080 green:008000 greenyellow:ADFF2F honeydew:F0FFF0
hotpink:FF69B4 indianred:CD5C5C indigo:4B0082 ivory:FFFFF0 khaki:F0E68C lavender:E6E6FA
lavenderblush:FFF0F5 lawngreen:7CFC00 lemonchiffon:FFFACD lightblue:ADD8E6 lightcoral:F08080
lightcyan:E0FFFF lightgoldenrodyellow:FAFAD2 lightgray:D3D3D3 lightgrey:D3D3D3
lightgreen:90EE90 lightpink:FFB6C1 lightsalmon:FFA07A lightseagreen:20B2AA lightskyblue:87CEFA
lightslategray:778899 lightslategrey:778899 lightsteelblue:B0C4DE lightyellow:FFFFE0
lime:00FF00 limegreen:32CD32 linen:FAF0E6 magenta:FF00FF maroon:800000
mediumaquamarine:66CDAA mediumblue:0000CD mediumorchid:BA55D3 mediumpurple:9370DB
mediumseagreen:3CB371 mediumslateblue:7B68EE mediumspringgreen:00FA9A mediumturquoise:48D1CC
mediumvioletred:C71585 midnightblue:191970 mintcream:F5FFFA mistyrose:FFE4E1 moccasin:FFE4B5
navajowhite:FFDEAD navy:000080 oldlace:FDF5E6 olive:808000 olivedrab:6B8E23 orange:FFA500
orangered:FF4500 orchid:DA70D6 palegoldenrod:EEE8AA palegreen:98FB98 paleturquoise:AFEEEE
palevioletred:DB7093 papayawhip:FFEFD5 peachpuff:FFDAB9 peru:CD853F pink:FFC0CB plum:DDA0DD
powderblue:B0E0E6 purple:800080 red:FF0000 rosybrown:BC8F8F royalblue:4169E1
saddlebrown:8B4513 salmon:FA8072 sandybrown:F4A460 seagreen:2E8B57 seashell:FFF5EE
sienna:A0522D silver:C0C0C0 skyblue:87CEEB slateblue:6A5ACD slategray:708090 slategrey:708090
snow:FFFAFA springgreen:00FF7F steelblue:4682B4 tan:D2B48C teal:008080 thistle:D8BFD8
tomato:FF6347 turquoise:40E0D0 violet:EE82EE wheat:F5DEB3 white:FFFFFF whitesmoke:F5F5F5
yellow:FFFF00 yellowgreen:9ACD32
"""))

REMOVED_NAMES = frozenset(NAMES)

# Names Manim CE removed with no one-to-one replacement: a scene built on them must be
# rewritten by hand, so their use is an MF212 error saying what replaces them (not the bare
# "not defined", which reads as a typo).
NOT_UPGRADABLE: dict[str, str] = {
    "NumberLineOld": "removed with the old axes (v0.12.0, #2245): use `NumberLine(x_range=[...])`",
    "SampleSpaceScene": "removed: build the sample space from `Rectangle`s in a `Scene`",
    "ReconfigurableScene": "removed: use a `Scene` and `Transform` the mobjects",
}
# Names Manim CE removed whose old behaviour a definition emitted into the output restores
# (`dialects/shims.py`): collect-closure links them to `shim:<name>`, upgrade-api adds it.
SHIMMED: dict[str, str] = {
    "GraphScene": "deprecated in favour of `Axes` (#1598) and removed (v0.12.0, #2245); the "
                  "output defines a GraphScene on today's `Axes`",
}
_NUMPY = "mod:numpy"


@dataclass(frozen=True)
class Moved:
    """A name another allowed dependency removed: where it is today."""

    module: str
    name: str
    since: str
    order: tuple[int, ...] | None = None  # a call's positional arguments: new i = old order[i]
    note: str = ""  # said with the fix


# scipy dropped the NumPy functions its main namespace re-exported (deprecated 1.4, removed
# 1.12) and `scipy.special.sph_harm(m, n, azimuth, polar)` (removed 1.17) for
# `sph_harm_y(n, m, polar, azimuth)`: the same values, the arguments in a new order.
_SCIPY_NUMPY = (
    "sqrt", "exp", "log", "log10", "log2", "sin", "cos", "tan", "arcsin", "arccos",
    "arctan", "arctan2", "sinh", "cosh", "tanh", "pi", "e", "inf", "nan", "absolute", "abs",
    "real", "imag", "conj", "angle", "floor", "ceil", "power", "array", "arange",
    "linspace", "zeros", "ones", "dot", "cross", "mean", "sum", "prod", "cumsum", "diff",
    "interp", "meshgrid", "polyfit", "polyval", "roots", "isnan", "isinf", "where",
    "argmax", "argmin", "amax", "amin")
MOVED: dict[tuple[str, str], Moved] = {
    **{("scipy", n): Moved("numpy", n, "scipy 1.12") for n in _SCIPY_NUMPY},
    ("scipy.special", "sph_harm"): Moved(
        "scipy.special", "sph_harm_y", "scipy 1.17", (1, 0, 3, 2),
        ", the arguments reordered: `sph_harm(m, n, azimuth, polar)` is "
        "`sph_harm_y(n, m, polar, azimuth)`"),
}
_MOVED_MODULES = frozenset(m for m, _ in MOVED)
# TeX that compiled on the Manim CE its author ran and not on today's. (1) `MathTex("\\Delta^",
# "2")`: the parts were compiled one by one (a part ending in `^` or `_` got a filler) and the
# picture from them joined by spaces; since #4515 (Dec 2025) the joined string has a group
# marker between the parts, and `^ \\special{...}` is a LaTeX error. Moving the script sign
# into the next part draws the same picture and keeps the parts. (2) Commands of packages only
# the old default template loaded (the 3b1b preamble, `TexTemplateLibrary.default`; today's
# `TexTemplate()` loads babel, amsmath and amssymb): the output selects that template.
SPLIT_TEX = frozenset({"MathTex", "Tex"})
OLD_TEMPLATE_COMMANDS = {
    "ragged2e": ("justifying", "RaggedRight", "RaggedLeft", "Centering", "FlushLeft",
                 "FlushRight", "justify"),
    "physics": ("qty", "abs", "norm", "dv", "pdv", "bra", "ket", "braket", "ketbra", "vb",
                "vu", "va", "vdot", "grad", "curl", "divergence", "laplacian", "eval",
                "expval", "mel", "mqty", "pmqty", "bmqty", "dd", "order", "comm", "tr", "Tr",
                "rank", "Res", "pv", "erf"),
    "dsfont": ("mathds",), "mathrsfs": ("mathscr",), "wasysym": ("smiley", "frownie"),
    "xcolor": ("textcolor", "color"), "relsize": ("relsize", "larger", "smaller"),
    "setspace": ("doublespacing", "onehalfspacing", "singlespacing"),
}
_OLD_TEMPLATE = re.compile(r"\\\\?(" + "|".join(
    c for cs in OLD_TEMPLATE_COMMANDS.values() for c in cs) + r")(?![A-Za-z])")
_OWN_TEMPLATE = re.compile(r"\btex_template\b|\bTexTemplate|tex_template_file")
_MOVED_IMPORT = re.compile(r"\bfrom\s+(?:" + "|".join(re.escape(m) for m in _MOVED_MODULES)
                           + r")\s+import\b")


def key_of(name: str) -> str:
    """The link key of a name a rewrite introduces."""
    return _NUMPY if name == "np" else f"star:manim:{name}"


class _Upgrader(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, names: frozenset[str], methods: frozenset[str],
                 colour: frozenset[str], colour_modules: frozenset[str],
                 colour_api: bool, range_calls: frozenset[str] = frozenset(),
                 keyword_calls: frozenset[str] = frozenset()) -> None:
        self.names = names  # removed names used here
        self.range_calls = range_calls  # manim classes called here whose bounds became ranges
        self.keyword_calls = keyword_calls  # manim classes called here with removed keywords
        self.methods = methods  # removed method names no repository code defines
        self.colour = colour  # names bound to colour.Color
        self.colour_modules = colour_modules  # names bound to the colour module
        self.colour_api = colour_api  # the program uses colour: its method names are its
        self.fixes: list[Fix] = []
        self.introduced: set[str] = set()
        self._skip: set[int] = set()  # Name nodes that are attributes or keywords
        self._colour_vars: set[str] = set()
        self._stores: set[int] = set()
        self._annotation = 0  # inside an annotation: its strings are forward references

    def _record(self, node: cst.CSTNode, old: str, new: str, since: str,
                code: str = "MF413") -> None:
        pos = self.get_metadata(PositionProvider, node).start
        when = f"Manim CE {since}" if since.startswith("v") else f"{since}, not Manim CE"
        message = (f"`{old}` is gone ({when}); using `{new}`" if code == "MF413" else
                   f"`{old}` is gone ({when}) and cannot be rewritten here; {new}")
        self.fixes.append(Fix(code, message, pos.line, pos.column,
                              Severity.FIXED if code == "MF413" else Severity.ERROR))

    def _introduce(self, expr: str, old: str = "") -> None:
        """Record the global names `expr` reads that `old` (what it replaced) did not."""
        self.introduced.update(_names(expr) - _names(old))

    # -- what is a colour ------------------------------------------------------------------
    def _is_colour_class(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name):
            return node.value in self.colour
        return (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)
                and node.value.value in self.colour_modules and node.attr.value == "Color")

    def _is_colour(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            return self._is_colour_class(node.func) or (
                isinstance(node.func, cst.Name) and node.func.value == "ManimColor")
        return isinstance(node, cst.Name) and node.value in self._colour_vars

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._is_colour(node.value):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._colour_vars.add(target.target.value)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stores.add(id(node.target))  # `c.hex = ...` sets colour's attribute: left alone

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stores.add(id(node.target))

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._annotation += 1

    def leave_Annotation(self, original: cst.Annotation, updated: cst.Annotation
                         ) -> cst.Annotation:
        self._annotation -= 1
        return updated

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString
                           ) -> cst.SimpleString:
        """`x: "Color" = ...`: a forward reference names the class too."""
        if not self._annotation or not self.colour:
            return updated
        pattern = r"\b(" + "|".join(map(re.escape, sorted(self.colour))) + r")\b"
        new = re.sub(pattern, "ManimColor", updated.value)
        if new != updated.value:
            self._record(original, updated.value, code_of(updated.with_changes(value=new)),
                         "v0.18.0")
        return updated.with_changes(value=new)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._skip.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip.add(id(node.name))

    def visit_Param(self, node: cst.Param) -> None:
        self._skip.add(id(node.name))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._is_colour_class(func) or isinstance(func, cst.Name) and \
                func.value in self.names and NAMES[func.value].call is not None:
            self._skip.add(id(func))  # rewritten with the call's arguments

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    # -- rewriting --------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if isinstance(func, cst.Name) and func.value in self.names:
            upgrade = NAMES[func.value]
            if upgrade.call is not None:
                new = upgrade.call(updated)
                if new is None:
                    self._record(original, func.value, f"write `{upgrade.new}(...)` as the "
                                 "Manim CE changelog says", upgrade.since, "MF212")
                    return updated
                text = code_of(new)
                shown = text if len(text) <= 60 and "\n" not in text else (
                    code_of(new.func) + "(...)" if isinstance(new, cst.Call) else upgrade.new)
                self._record(original, func.value, shown, upgrade.since)
                self._introduce(text, code_of(updated))
                return new
        if isinstance(func, cst.Name) and func.value in self.keyword_calls:
            updated = self._keywords(original, updated, func.value)
            if not (isinstance(updated.func, cst.Name) and updated.func.value == func.value):
                return updated  # Sector -> AnnularSector
        if isinstance(func, cst.Name) and func.value in self.range_calls and any(
                a.keyword is not None and _RANGE_KEYWORD.match(a.keyword.value + "=")
                for a in updated.args):
            new = RANGE_CALLS[func.value](updated)
            assert new is not None
            bounds = sorted({a.keyword.value for a in updated.args if a.keyword is not None
                             and _RANGE_KEYWORD.match(a.keyword.value + "=")})
            self._record(original, f"{func.value}({'=, '.join(bounds)}=)",
                         f"{func.value}(..._range=[min, max])", "v0.12.0")
            self._introduce(code_of(new), code_of(updated))
            return new
        if self._is_colour_class(func):
            return self._colour_call(original, updated)
        if isinstance(func, cst.Attribute) and isinstance(updated.func, cst.Attribute):
            name = func.attr.value
            if name in COLOUR_METHODS and self.colour_api and not updated.args:
                receiver = code_of(updated.func.value)
                text = COLOUR_METHODS[name].format(x=receiver)
                self._record(original, f".{name}()", text.replace(receiver, "x", 1), "v0.18.0")
                return cst.parse_expression(text)
            if name in self.methods:
                return self._method(original, updated, name)
        return updated

    # -- keywords of classes manim kept (KEYWORDS) ------------------------------------------
    def _keywords(self, original: cst.Call, updated: cst.Call, name: str) -> cst.Call:
        if name == "Code":
            return self._code(original, updated)
        if name == "Sector":
            return self._sector(original, updated)
        table = KEYWORDS.get(name, {})
        args, done = [], []
        for a in updated.args:
            word = a.keyword.value if a.keyword is not None else None
            if word in table:
                keyword = table[word]
                done.append(word)
                if keyword.new is None:
                    self._dropped(original, f"{name}({word}=)", keyword.since)
                    continue
                value = _times(keyword.factor, a.value) if keyword.factor else a.value
                a = a.with_changes(keyword=cst.Name(keyword.new), value=value)
                self._record(original, f"{name}({word}=s)" if keyword.factor else
                             f"{name}({word}=)", f"{name}({keyword.new}="
                             + (f"{keyword.factor:g} * s)" if keyword.factor else ")"),
                             keyword.since)
            elif word in AXIS_CONFIGS and name in AXES:
                new_value = self._axis_config(original, a.value)
                if new_value is not a.value:
                    done.append(word)
                    a = a.with_changes(value=new_value)
            args.append(a)
        return updated.with_changes(args=plain_args(args)) if done else updated

    def _axis_config(self, original: cst.Call, value: cst.BaseExpression
                     ) -> cst.BaseExpression:
        """`axis_config={"number_scale_value": s}` -> `{"font_size": 36 * s}`."""
        keyword = _NUMBER_SCALE["number_scale_value"]
        assert keyword.factor is not None and keyword.new is not None
        if isinstance(value, cst.Dict):
            elements = []
            for e in value.elements:
                if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) \
                        and e.key.evaluated_value == "number_scale_value":
                    quote = e.key.value[0]
                    e = e.with_changes(key=cst.SimpleString(f"{quote}{keyword.new}{quote}"),
                                       value=_times(keyword.factor, e.value))
                    self._record(original, '{"number_scale_value": s}',
                                 f'{{"{keyword.new}": {keyword.factor:g} * s}}', keyword.since)
                elements.append(e)
            return value.with_changes(elements=elements) if elements != list(
                value.elements) else value
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and \
                value.func.value == "dict" and any(
                a.keyword is not None and a.keyword.value == "number_scale_value"
                for a in value.args):
            self._record(original, "dict(number_scale_value=s)",
                         f"dict({keyword.new}={keyword.factor:g} * s)", keyword.since)
            return value.with_changes(args=plain_args([
                a.with_changes(keyword=cst.Name(keyword.new),
                               value=_times(keyword.factor, a.value))
                if a.keyword is not None and a.keyword.value == "number_scale_value" else a
                for a in value.args]))
        return value

    def _code(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """Code before v0.19.0 -> today's Code (its keywords, and the text's and the frame's
        settings as `paragraph_config` / `background_config`)."""
        args = list(updated.args)
        words = {a.keyword.value for a in args if a.keyword is not None}
        if not words & set(KEYWORDS["Code"]):
            return updated
        # `*args` / `**kwargs` pass through as they are: the keywords written out are upgraded
        if sum(a.keyword is None and not a.star for a in args) > 2 or \
                words & {"paragraph_config", "background_config"}:
            self._record(original, "Code(...)", "write today's `Code(code_file=..., "
                         "code_string=..., formatter_style=..., paragraph_config={...}, "
                         "background_config={...})`", _CODE_SINCE, "MF212")
            return updated
        kept: list[cst.Arg] = []
        paragraph: list[tuple[str, cst.BaseExpression]] = []
        background: list[tuple[str, cst.BaseExpression]] = []
        for a in args:
            word = a.keyword.value if a.keyword is not None else None
            if word in CODE_RENAMED:
                kept.append(a.with_changes(keyword=cst.Name(CODE_RENAMED[word])))
            elif word == "scale_factor":
                paragraph.append(("font_size", _times(24.0, a.value)))
            elif word in CODE_PARAGRAPH:
                paragraph.append((CODE_PARAGRAPH[word], a.value))
            elif word in CODE_BACKGROUND:
                background.append((CODE_BACKGROUND[word], a.value))
            elif word not in CODE_DROPPED:
                kept.append(a)
        for keyword, items in (("paragraph_config", paragraph),
                               ("background_config", background)):
            if items:
                kept.append(keyword_arg(keyword, cst.parse_expression(
                    "{" + ", ".join(f'"{k}": {code_of(v)}' for k, v in items) + "}")))
        new_words = [a.keyword.value for a in kept if a.keyword is not None]
        self._record(original, "Code(" + "=, ".join(sorted(words & set(KEYWORDS["Code"])))
                     + "=)", "Code(" + "=, ".join(new_words) + "=)", _CODE_SINCE)
        return updated.with_changes(args=plain_args(kept))

    def _sector(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """`Sector(outer_radius=r, inner_radius=i)` was an AnnularSector: with an inner radius
        it still is one; without, today's `Sector(radius=r)`."""
        args = list(updated.args)
        positional = [a for a in args if a.keyword is None and not a.star]
        by = {a.keyword.value: a.value for a in args if a.keyword is not None}
        if not ({"outer_radius", "inner_radius"} & set(by) or len(positional) == 2):
            return updated
        if any(a.star for a in args) or len(positional) > 2:
            self._record(original, "Sector(outer_radius=, inner_radius=)", "write "
                         "`Sector(radius=r)` or `AnnularSector(inner_radius=, outer_radius=)`",
                         "v0.19.0", "MF212")
            return updated
        outer = positional[0].value if positional else by.get("outer_radius")
        inner = positional[1].value if len(positional) == 2 else by.get("inner_radius")
        rest = [a for a in args if a.keyword is not None
                and a.keyword.value not in ("outer_radius", "inner_radius")]
        if inner is None or code_of(inner) in ("0", "0.0"):
            new = [keyword_arg("radius", outer)] if outer is not None else []
            self._record(original, "Sector(outer_radius=)", "Sector(radius=)", "v0.19.0")
            return updated.with_changes(args=plain_args(new + rest))
        self._record(original, "Sector(inner_radius=)", "AnnularSector(inner_radius=, "
                     "outer_radius=)", "v0.19.0")
        self.introduced.add("AnnularSector")
        new = [keyword_arg("inner_radius", inner),
               keyword_arg("outer_radius", outer if outer is not None else cst.Integer("1"))]
        return updated.with_changes(func=cst.Name("AnnularSector"), args=plain_args(new + rest))

    def _dropped(self, node: cst.CSTNode, old: str, since: str) -> None:
        pos = self.get_metadata(PositionProvider, node).start
        self.fixes.append(Fix("MF413", f"`{old}` is gone (Manim CE {since}); dropped: it had "
                              "no effect any more", pos.line, pos.column, Severity.FIXED))

    def _method(self, original: cst.Call, updated: cst.Call, name: str) -> cst.Call:
        assert isinstance(updated.func, cst.Attribute)
        new_name = METHODS[name]
        args = list(updated.args)
        renamed = METHOD_KEYWORDS.get(name, {})
        if renamed:
            if not any(a.keyword is not None and a.keyword.value in renamed for a in args):
                return updated
            new_args = []
            for a in args:
                if a.keyword is not None and a.keyword.value in renamed:
                    to = renamed[a.keyword.value]
                    if to is None:
                        continue
                    a = a.with_changes(keyword=cst.Name(to))
                new_args.append(a)
            args = new_args
            if all(renamed.values()):
                self._record(original, f".{name}({', '.join(renamed)}=)",
                             f".{name}({', '.join(v or '' for v in renamed.values())}=)",
                             _KEYWORDS_SINCE[name])
            else:
                self._dropped(original, f".{name}({', '.join(renamed)}=)",
                              _KEYWORDS_SINCE[name])
        elif name == "scale_about_point":
            if len(args) != 2 or any(a.keyword is not None or a.star for a in args):
                self._record(original, f".{name}()", "write `.scale(factor, about_point=p)`",
                             "v0.13.0", "MF212")
                return updated
            args = [args[0], keyword_arg("about_point", args[1].value)]
            self._record(original, f".{name}(f, p)", ".scale(f, about_point=p)", "v0.13.0")
        else:
            self._record(original, f".{name}()", f".{new_name}()",
                         "v0.14.0" if new_name.startswith("plot") else
                         "v0.12.0" if name == "get_center_point" else "v0.13.0")
        return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(new_name)),
                                    args=plain_args(args))

    def _colour_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        old = code_of(original.func)
        args = list(updated.args)
        new: str | None = None
        if not args:
            new = 'ManimColor("#000000")'
        elif len(args) == 1 and not args[0].star:
            arg, value = args[0], code_of(args[0].value)
            keyword = arg.keyword.value if arg.keyword is not None else None
            literal = arg.value.evaluated_value if isinstance(
                arg.value, cst.SimpleString) else None
            if keyword in (None, "color", "hex", "web") and isinstance(literal, str):
                css = CSS_COLOURS.get(literal.lower().replace(" ", ""))
                new = f'ManimColor("#{css}")' if css else f"ManimColor({value})"
            elif keyword in (None, "color", "hex"):
                new = f"ManimColor({value})"
            elif keyword == "rgb":
                new = f"ManimColor({_floats(arg.value) or f'tuple(map(float, {value}))'})"
            elif keyword == "hsl":
                new = f"ManimColor.from_hsl({value})"
        elif {a.keyword.value for a in args if a.keyword is not None} == {
                "hue", "saturation", "luminance"} and len(args) == 3:
            by = {a.keyword.value: code_of(a.value) for a in args if a.keyword is not None}
            new = (f"ManimColor.from_hsl(({by['hue']}, {by['saturation']}, "
                   f"{by['luminance']}))")
        if new is None:
            self._record(original, old + "(...)", "write a `ManimColor` (its `from_rgb`, "
                         "`from_hsl`, `from_hex`)", "v0.18.0", "MF212")
            return updated
        self._record(original, f"{old}(...)", new, "v0.18.0")
        self.introduced.add("ManimColor")
        return cst.parse_expression(new)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute
                        ) -> cst.BaseExpression:
        if self._is_colour_class(original) and id(original) not in self._skip:
            self._record(original, code_of(original), "ManimColor", "v0.18.0")
            self.introduced.add("ManimColor")
            return cst.Name("ManimColor")
        name = original.attr.value
        if name in COLOUR_ATTRIBUTES and id(original) not in self._stores and (
                self._is_colour(original.value) or self.colour_api and name in COLOUR_ONLY):
            receiver = code_of(updated.value)
            text = COLOUR_METHODS[COLOUR_ATTRIBUTES[name]].format(x=receiver)
            self._record(original, f".{name}", text.replace(receiver, "x", 1), "v0.18.0")
            return cst.parse_expression(text)
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) in self._skip:
            return updated
        if original.value in self.colour:
            self._record(original, original.value, "ManimColor", "v0.18.0")
            self.introduced.add("ManimColor")
            return cst.Name("ManimColor")
        if original.value not in self.names:
            return updated
        upgrade = NAMES[original.value]
        self._record(original, original.value, upgrade.new, upgrade.since)
        self._introduce(upgrade.new)
        return cst.parse_expression(upgrade.new)


def _names(expr: str) -> set[str]:
    if not expr:
        return set()
    tree = ast.parse(expr, mode="eval")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _floats(node: cst.BaseExpression) -> str | None:
    """`(1, 0, 0)` as `(1.0, 0.0, 0.0)`: colour read numbers as fractions, ManimColor reads
    integers as 0-255."""
    if isinstance(node, (cst.Tuple, cst.List)) and all(
            isinstance(e.value, (cst.Integer, cst.Float)) for e in node.elements):
        values = [float(code_of(e.value)) for e in node.elements]
        return "(" + ", ".join(repr(v) for v in values) + ")"
    return None


class _RangeTo(cst.CSTTransformer):
    """`a.range_to(b, n)` -> `color_gradient([a, b], n)` (runs before `_Upgrader`)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.fixes: list[Fix] = []

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if isinstance(func, cst.Attribute) and func.attr.value == "range_to" and \
                len(updated.args) == 2 and not any(a.keyword or a.star for a in updated.args):
            pos = self.get_metadata(PositionProvider, original).start
            self.fixes.append(Fix("MF413", "`.range_to(b, n)` is gone with colour (Manim CE "
                                  "v0.18.0); using `color_gradient([a, b], n)`, which steps "
                                  "in RGB instead of HSL", pos.line, pos.column))
            a, b, n = code_of(func.value), code_of(updated.args[0].value), code_of(
                updated.args[1].value)
            return cst.parse_expression(f"color_gradient([{a}, {b}], {n})")
        return updated


class _MoveDependencies(cst.CSTTransformer):
    """`MOVED` applied to one piece. `names`: local name -> (module, name) it is bound to by
    `from module import name`; `modules`: local name -> the module it is bound to (`import
    scipy.special as spe`). Imports inside the piece (`from scipy import sqrt` in a function)
    move with their names; the piece's own bindings move with their link keys."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, names: dict[str, tuple[str, str]], modules: dict[str, str]) -> None:
        self.names, self.modules = names, modules
        self.fixes: list[Fix] = []
        self.introduced: set[str] = set()
        self._skip: set[int] = set()  # Name nodes that are attributes, keywords, imports
        self._called: set[int] = set()  # funcs of the calls already rewritten

    def _fix(self, node: cst.CSTNode, old: str, moved: Moved, ok: bool = True,
             new: str | None = None) -> None:
        pos = self.get_metadata(PositionProvider, node).start
        where = new or f"{moved.module}.{moved.name}"
        message = (f"`{old}` is gone ({moved.since}, not Manim CE); using `{where}`"
                   f"{moved.note}" if ok else
                   f"`{old}` is gone ({moved.since}, not Manim CE) and cannot be rewritten "
                   f"here: call `{where}` with its arguments in its own order{moved.note}")
        self.fixes.append(Fix("MF413" if ok else "MF212", message, pos.line, pos.column,
                              Severity.FIXED if ok else Severity.ERROR))

    def _moved(self, node: cst.BaseExpression) -> tuple[str, Moved] | None:
        """(the old dotted name, where it went) for a use of a moved name."""
        key: tuple[str, str] | None = None
        if isinstance(node, cst.Name) and id(node) not in self._skip:
            key = self.names.get(node.value)
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) \
                and node.value.value in self.modules:
            key = (self.modules[node.value.value], node.attr.value)
        moved = MOVED.get(key) if key else None
        return (f"{key[0]}.{key[1]}", moved) if key and moved else None

    def _new(self, node: cst.BaseExpression, moved: Moved) -> cst.BaseExpression:
        if isinstance(node, cst.Name):  # an alias keeps its name; its link key moves
            return node.with_changes(value=moved.name) \
                if self.names[node.value][1] == node.value else node
        assert isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)
        if self.modules[node.value.value] == moved.module:
            return node.with_changes(attr=cst.Name(moved.name))
        new = ("np" if moved.module == "numpy" else moved.module) + "." + moved.name
        self.introduced.update(_names(new))
        return cst.parse_expression(new)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        self._skip.update(id(n) for n in (node.name, node.asname and node.asname.name))

    def visit_Call(self, node: cst.Call) -> None:
        found = self._moved(node.func)
        if found is not None and found[1].order is not None:
            self._called.add(id(node.func))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        found = self._moved(original.func) if id(original.func) in self._called else None
        if found is None:
            return updated
        old, moved = found
        args = list(updated.args)
        order = moved.order or ()
        if len(args) != len(order) or any(a.keyword or a.star for a in args):
            self._fix(original, old, moved, ok=False)
            return updated
        self._fix(original, old, moved)
        ordered = [args[i].with_changes(comma=args[k].comma) for k, i in enumerate(order)]
        return updated.with_changes(func=self._new(updated.func, moved), args=ordered)

    def _use(self, original: cst.BaseExpression, updated: cst.BaseExpression
             ) -> cst.BaseExpression:
        found = None if id(original) in self._called else self._moved(original)
        if found is None:
            return updated
        old, moved = found
        if isinstance(original, cst.Name) and moved.name == original.value:
            return updated  # the same name, imported from elsewhere: only its key moves
        self._fix(original, old, moved, ok=moved.order is None)
        return updated if moved.order is not None else self._new(updated, moved)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute
                        ) -> cst.BaseExpression:
        return self._use(original, updated)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self._use(original, updated)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom
                         ) -> cst.ImportFrom:
        if updated.module is None or isinstance(updated.names, cst.ImportStar):
            return updated
        module = code_of(updated.module)
        moved = [MOVED.get((module, code_of(a.name))) for a in updated.names]
        found = [m for m in moved if m is not None and m.order is None]
        if len(found) != len(moved) or len({m.module for m in found}) != 1:
            return updated  # all of its names go to one module, or the import stays
        self._fix(original, f"from {module} import {code_of(updated.names[0].name)}",
                  found[0], new=f"from {found[0].module} import ...")
        return updated.with_changes(module=cst.parse_expression(found[0].module))


# The parameters only the BarChart before v0.15 had (a VGroup of bars, not Axes).
OLD_BAR_CHART = frozenset({"height", "width", "max_value", "n_ticks", "tick_width",
                           "label_y_axis", "y_axis_label_height", "bar_label_scale_val"})
_OLD_BAR_KEYWORDS = re.compile(r"\b(?:" + "|".join(sorted(OLD_BAR_CHART)) + r")\s*=")
def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "__init__"
            and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "super")


_ISOLATE = re.compile(r"\b(?:tex_to_color_map|substrings_to_isolate)\s*=")


def _string_keys(node: ast.expr | None) -> list[str]:
    """The string keys of a dict literal, or the strings of a list / tuple / set literal."""
    items = node.keys if isinstance(node, ast.Dict) else \
        node.elts if isinstance(node, (ast.List, ast.Tuple, ast.Set)) else []
    return [k.value for k in items if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def _literal_binding(flat: Flat, name: str) -> ast.expr | None:
    """The literal a module-level `name = {...}` of the output binds (the last one)."""
    found = None
    for piece in flat.pieces:
        if name not in piece.binds and name not in piece.renames.values():
            continue
        try:
            tree = ast.parse(flat.source_of(piece)[0])
        except SyntaxError:
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
                found = stmt.value
    return found


_LITERAL = re.compile(r"(?s)([rRuUfF]*)('\'\'|\"\"\"|'|\")(.*)\2")


class _DanglingScripts(cst.CSTTransformer):
    """`MathTex("\\Delta^", "2")` -> `MathTex("\\Delta", "^2")` for the classes in `calls`
    (see `SPLIT_TEX`): a part ending in an unescaped `^` or `_` gives it to the next part,
    when both are string literals."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, calls: frozenset[str]) -> None:
        self.calls = calls
        self.fixes: list[Fix] = []

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not (isinstance(updated.func, cst.Name) and updated.func.value in self.calls):
            return updated
        args = list(updated.args)
        for i in range(len(args) - 1):
            a, b = args[i], args[i + 1]
            if a.keyword or a.star or b.keyword or b.star:
                continue
            left, right = _literal(a.value), _literal(b.value)
            if left is None or right is None:
                continue
            body = left[2].rstrip()
            if not body or body[-1] not in "^_" or body[-2:-1] == "\\":
                continue
            script = body[-1]
            new_left = left[0] + left[1] + body[:-1] + left[2][len(body):] + left[1]
            new_right = right[0] + right[1] + script + right[2] + right[1]
            args[i] = a.with_changes(value=cst.parse_expression(new_left))
            args[i + 1] = b.with_changes(value=cst.parse_expression(new_right))
            pos = self.get_metadata(PositionProvider, original).start
            self.fixes.append(Fix("MF413", (
                f"`{updated.func.value}` part {i + 1} ends in `{script}`, whose argument is the "
                "next part: today's MathTex compiles the parts as one string with a group "
                "marker between them, which LaTeX rejects (Manim CE #4515, Dec 2025; before, "
                f"each part was compiled alone); moved `{script}` into the next part, the same "
                "picture"), pos.line, pos.column))
        return updated.with_changes(args=args)


def _literal(node: cst.BaseExpression) -> tuple[str, str, str] | None:
    """(prefix, quote, body) of a one-piece string literal (not bytes)."""
    if not isinstance(node, (cst.SimpleString, cst.FormattedString)):
        return None
    match = _LITERAL.fullmatch(code_of(node))
    if match is None or "b" in match.group(1).lower():
        return None
    return match.group(1), match.group(2), match.group(3)


def upgrade_module(module: cst.Module, names: frozenset[str], methods: frozenset[str],
                   colour: frozenset[str], colour_modules: frozenset[str], colour_api: bool,
                   range_calls: frozenset[str] = frozenset(),
                   keyword_calls: frozenset[str] = frozenset()
                   ) -> tuple[cst.Module, list[Fix], set[str]]:
    """The module with the table applied; its fixes and the names the rewrites introduced.
    `colour_api`: the program uses colour, so colour's method names are rewritten too."""
    fixes: list[Fix] = []
    introduced: set[str] = set()
    if colour_api:
        ranges = _RangeTo()
        module = MetadataWrapper(module).visit(ranges)
        fixes += ranges.fixes
        if ranges.fixes:
            introduced.add("color_gradient")
    upgrader = _Upgrader(names, methods, colour, colour_modules, colour_api, range_calls,
                         keyword_calls)
    module = MetadataWrapper(module).visit(upgrader)
    return module, fixes + upgrader.fixes, introduced | upgrader.introduced


_METHOD_CALL = re.compile(r"\.(" + "|".join(METHODS) + r")\s*\(")


def _methods_in(text: str, defined: Callable[[], set[str]]) -> frozenset[str]:
    """Removed methods `text` calls that no repository code defines (`defined` is computed
    only when some such call is found: most pieces call none)."""
    called = set(_METHOD_CALL.findall(text))
    if not called:
        return frozenset()
    return frozenset(m for m in called if m not in defined() and (
        m not in METHOD_KEYWORDS or any(re.search(rf"\b{k}\s*=", text)
                                        for k in METHOD_KEYWORDS[m])))


_DEFINED = re.compile(r"\bdef\s+(\w+)")
_COLOUR_WORDS = re.compile(r"\.(?:" + "|".join([*COLOUR_METHODS, "range_to"]) + r")\s*\(")


def upgrade_code(code: str, undefined: frozenset[str], nodes: Iterable[ast.AST] | None = None
                 ) -> tuple[str, list[Fix]]:
    """The table applied to a whole file: removed names that are undefined in it, methods
    it does not define, and colour where it imports colour (the import goes); `nodes` are
    those of `code`'s tree (`ast.walk` order) when the caller has them."""
    names = undefined & REMOVED_NAMES
    methods = _methods_in(code, lambda: set(_DEFINED.findall(code)))
    colour = frozenset(re.findall(r"from\s+colour\s+import\s+Color\b(?:\s+as\s+(\w+))?", code))
    colour_names = frozenset(n or "Color" for n in colour)
    colour_modules = frozenset(n or "colour" for n in re.findall(
        r"^\s*import\s+colour\b(?:\s+as\s+(\w+))?", code, re.MULTILINE))
    own = set(re.findall(r"\b(?:def|class)\s+(\w+)", code))
    range_calls = frozenset(n for n in RANGE_CALLS if n not in own and re.search(
        rf"\b{n}\s*\(", code)) if _RANGE_KEYWORD.search(code) else frozenset()
    keyword_calls = _keyword_calls_in(code, KEYWORD_CALLS - own, nodes)
    if not (names or methods or colour_names or colour_modules or range_calls
            or keyword_calls):
        return code, []
    module = cst.parse_module(code)
    module = module.visit(_DropColourImports())
    new, fixes, _ = upgrade_module(module, names, methods, colour_names, colour_modules,
                                   bool(colour_names or colour_modules), range_calls,
                                   keyword_calls)
    return new.code, fixes


class _DropColourImports(cst.CSTTransformer):
    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if len(updated.body) == 1 and isinstance(updated.body[0], (cst.Import, cst.ImportFrom)):
            text = code_of(updated.body[0])
            if re.fullmatch(r"(from\s+colour\s+import\s+Color(\s+as\s+\w+)?|import\s+colour"
                            r"(\s+as\s+\w+)?)", text.strip()):
                return cst.RemoveFromParent()
        return updated


@dataclass(frozen=True)
class UpgradeApi(Pass):
    NAME = "upgrade-api"
    DESCRIPTION = "rewrite names and calls Manim CE removed or renamed to today's equivalents"
    NEEDS = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        found: list[set[str]] = []

        def defined() -> set[str]:  # names repository code defines with `def`, once per flat
            if not found:
                found.append({name for p in flat.pieces if p.module and p.is_definition
                              for name in _DEFINED.findall(flat.source_of(p)[0])})
            return found[0]

        colour_api = any(key.startswith(("from:colour:", "mod:colour")) for p in flat.pieces
                         for key in p.links.values()) or any(
            _colour_names(flat, m) for m in {p.module for p in flat.pieces if p.module})
        changed = False
        for piece in flat.pieces:
            changed |= self._upgrade(flat, piece, defined, colour_api)
            changed |= self._move_dependencies(flat, piece)
            changed |= self._split_tex(flat, piece)
            self._isolated_scripts(flat, piece)
            self._old_bar_chart(flat, piece)
        changed |= self._old_template(flat)
        shims = {key[len("shim:"):] for p in flat.pieces for key in p.links.values()
                 if key.startswith("shim:")}
        if shims:
            add_shims(flat, shims)
            changed = True
        return NONE if changed else ALL

    def _split_tex(self, flat: Flat, piece: Piece) -> bool:
        """`_DanglingScripts` on the MathTex / Tex calls of this piece."""
        calls = frozenset(n for n, k in piece.links.items() if n in SPLIT_TEX
                          and k in (f"star:manim:{n}", f"from:manim:{n}"))
        text, _ = flat.source_of(piece)
        if not calls or not re.search(r"[\^_]\s*[\"']\s*,", text):
            return False
        fixer = _DanglingScripts(calls)
        new = MetadataWrapper(cst.parse_module(text)).visit(fixer)
        if new.code == text:
            return False
        for fix in fixer.fixes:
            flat.report(fix.code, fix.message, path=piece.module,
                        line=piece.file_line(text, fix.line),
                        col=None if fix.col is None else fix.col + 1, severity=fix.severity)
        if piece.text is not None:
            piece.edit_text(new.code)
        else:
            piece.node = new.body[-1]
        return True

    def _isolated_scripts(self, flat: Flat, piece: Piece) -> None:
        """MF130: a MathTex / Tex call isolating (`tex_to_color_map`, `substrings_to_isolate`)
        a substring that ends in a script sign and occurs in its parts. Not rewritten: the
        same letter elsewhere would be isolated too."""
        calls = frozenset(n for n, k in piece.links.items() if n in SPLIT_TEX
                          and k in (f"star:manim:{n}", f"from:manim:{n}"))
        text, _ = flat.source_of(piece)
        if not calls or not _ISOLATE.search(text):
            return
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                    and call.func.id in calls):
                continue
            parts = [a.value for a in call.args
                     if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            for kw in call.keywords:
                if kw.arg not in ("tex_to_color_map", "substrings_to_isolate"):
                    continue
                value: ast.expr | None = kw.value
                named = ""
                if isinstance(kw.value, ast.Name):
                    named = f" ({kw.arg} {kw.value.id})"
                    value = _literal_binding(flat, kw.value.id)
                keys = _string_keys(value)
                bad = [k for k in keys if re.search(r"(?<!\\)[\^_]\s*$", k)
                       and any(k in part for part in parts)]
                if bad:
                    flat.report("MF130", f"`{call.func.id}` isolates {bad[0]!r}{named}: today's "
                                f"MathTex puts a group marker after the `{bad[0].strip()[-1]}`, "
                                "which LaTeX rejects (the Manim CE of the scene compiled each "
                                "part alone); isolate the letter without the sign where it "
                                "occurs only before it, or write the script in braces",
                                path=piece.module,
                                line=piece.file_line(text, call.lineno),
                                col=call.col_offset + 1)

    def _old_bar_chart(self, flat: Flat, piece: Piece) -> None:
        """MF131: `BarChart(...)`, or `super().__init__(...)` in a subclass of it, with the
        keywords of the BarChart v0.15 replaced: its own methods (`add_axes`, `add_bars`)
        are not today's, so nothing here rewrites it."""
        if piece.links.get("BarChart") != "star:manim:BarChart":
            return
        text, _ = flat.source_of(piece)
        if not _OLD_BAR_KEYWORDS.search(text):
            return
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return
        calls: list[tuple[ast.Call, str | None]] = [
            (c, None) for c in ast.walk(tree) if isinstance(c, ast.Call)
            and isinstance(c.func, ast.Name) and c.func.id == "BarChart"]
        calls += [(c, cls.name) for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
                  and any(isinstance(b, ast.Name) and b.id == "BarChart" for b in cls.bases)
                  for c in ast.walk(cls) if isinstance(c, ast.Call) and _is_super_init(c)]
        for call, owner in sorted(calls, key=lambda c: c[0].lineno):
            old = [k.arg for k in call.keywords if k.arg in OLD_BAR_CHART]
            if old:
                flat.report("MF131", f"`BarChart` called with {', '.join(f'{k}=' for k in old)}"
                            " of the BarChart Manim CE replaced in v0.15: today's BarChart (on "
                            "Axes: x_length, y_length, y_range) refuses them; rewrite "
                            + (f"{owner} on" if owner else "the call for") + " today's BarChart",
                            path=piece.module, line=piece.file_line(text, call.lineno),
                            col=call.col_offset + 1)
                return

    def _old_template(self, flat: Flat) -> bool:
        """TeX that needs packages only Manim CE's old default template loaded, where the
        program sets no template of its own: the output adds those packages first (only
        those: the rest of that preamble, e.g. lmodern, need not be installed here)."""
        texts = [(p, flat.source_of(p)[0]) for p in flat.pieces]
        if any(_OWN_TEMPLATE.search(t) for _, t in texts):
            return False
        used = {m.group(1): p for p, t in texts for m in _OLD_TEMPLATE.finditer(t)}
        packages = sorted({k for c in used for k, v in OLD_TEMPLATE_COMMANDS.items() if c in v})
        if not packages:
            return False
        first = min((p.position for p in flat.pieces), default=0)
        for i, package in enumerate(packages):
            statement = f'config.tex_template.add_to_preamble(r"\\usepackage{{{package}}}")'
            flat.pieces.insert(i, Piece(None, 0, origin="upgrade-api:tex_template",
                                        links={"config": "star:manim:config"},
                                        position=first - len(packages) + i,
                                        tree=cst.parse_statement(statement + "\n")))
        command, where = next(iter(used.items()))
        flat.report("MF413", f"`\\{command}` needs {', '.join(packages)}, which Manim CE's "
                    "default TeX template loaded when this was written (the 3b1b preamble, "
                    "today `TexTemplateLibrary.default`; today's default `TexTemplate()` loads "
                    "only babel, amsmath and amssymb); the output adds "
                    + ", ".join(f"`\\usepackage{{{k}}}`" for k in packages)
                    + " to the template", severity=Severity.FIXED, path=where.module,
                    line=where.line or None)
        return True

    def _move_dependencies(self, flat: Flat, piece: Piece) -> bool:
        """`MOVED`: names other dependencies removed, in this piece's bindings and imports."""
        names: dict[str, tuple[str, str]] = {}
        modules: dict[str, str] = {}
        for name, key in piece.links.items():
            kind, _, rest = key.partition(":")
            module, _, attr = rest.rpartition(":")
            if kind == "from" and (module, attr) in MOVED:
                names[name] = (module, attr)
            elif kind == "mod" and rest in _MOVED_MODULES:
                modules[name] = rest
        text, _ = flat.source_of(piece)
        if not (names or modules or _MOVED_IMPORT.search(text)):
            return False
        mover = _MoveDependencies(names, modules)
        new = MetadataWrapper(cst.parse_module(text)).visit(mover)
        for fix in mover.fixes:
            flat.report(fix.code, fix.message, path=piece.module,
                        line=piece.file_line(text, fix.line),
                        col=None if fix.col is None else fix.col + 1,
                        severity=fix.severity)
        clashes = sorted(n for n in mover.introduced
                         if piece.links.get(n, key_of(n)) != key_of(n))
        if clashes or new.code == text:
            if clashes:
                flat.report("MF212", f"cannot move the removed name here: the new name "
                            f"{clashes[0]!r} is defined by the repository too; rename it",
                            path=piece.module, line=piece.line or None)
            return False
        used = set(re.findall(r"[A-Za-z_]\w*", new.code))
        links = {n: k for n, k in piece.links.items() if n in used or n not in modules}
        for name, (module, attr) in names.items():
            moved = MOVED[(module, attr)]
            if moved.order is not None and name in used and name == attr:
                continue  # a use left as it was (reported): its binding stays
            del links[name]
            links[moved.name if name == attr else name] = f"from:{moved.module}:{moved.name}"
        piece.links = {**links, **{n: key_of(n) for n in mover.introduced if n in used}}
        if piece.text is not None:
            piece.edit_text(new.code)
        else:
            piece.node = new.body[-1]
        return True

    def _upgrade(self, flat: Flat, piece: Piece, defined: Callable[[], set[str]],
                 colour_api: bool) -> bool:
        links = piece.links
        names = frozenset(n for n, k in links.items() if k == REMOVED + n)
        colour = frozenset(n for n, k in links.items() if k == "from:colour:Color")
        annotated = _colour_names(flat, piece.module) - colour  # read in string annotations
        modules = frozenset(n for n, k in links.items() if k == "mod:colour")
        text, _ = flat.source_of(piece)
        methods = _methods_in(text, defined)
        colour_words = colour_api and _COLOUR_WORDS.search(text) is not None
        range_calls = frozenset(n for n, k in links.items() if n in RANGE_CALLS and
                                k == f"star:manim:{n}") if _RANGE_KEYWORD.search(text) \
            else frozenset()
        keyword_calls = _keyword_calls_in(text, (n for n, k in links.items() if n in KEYWORD_CALLS
                                                 and k in (f"star:manim:{n}", f"from:manim:{n}")))
        annotated = frozenset(n for n in annotated if re.search(
            rf"""["'][^"'\n]*\b{n}\b""", text))
        if not (names or colour or modules or methods or colour_words or range_calls
                or keyword_calls or annotated):
            return False
        tree = cst.parse_module(text)
        new, fixes, introduced = upgrade_module(tree, names, methods, colour | annotated,
                                                modules, colour_api or bool(annotated),
                                                range_calls, keyword_calls)
        for fix in fixes:
            flat.report(fix.code, fix.message, path=piece.module,
                        line=piece.file_line(text, fix.line),
                        col=None if fix.col is None else fix.col + 1, severity=fix.severity)
        clashes = sorted(n for n in introduced if links.get(n, key_of(n)) != key_of(n))
        if clashes:  # the rewrite would refer to a repository definition of the same name
            flat.report("MF212", f"cannot upgrade the removed Manim API here: the new name "
                        f"{clashes[0]!r} is defined by the repository too; rename it",
                        path=piece.module, line=piece.line or None)
            return False
        if new.code == text:
            return False
        used = set(re.findall(r"[A-Za-z_]\w*", new.code))
        gone = (names | colour | modules) - used
        piece.links = {**{n: k for n, k in links.items() if n not in gone},
                       **{n: key_of(n) for n in introduced if n in used}}
        if piece.text is not None:
            piece.edit_text(new.code)
        else:
            piece.node = new.body[-1]
        return True


def _colour_names(flat: Flat, module: str | None) -> frozenset[str]:
    """Names `module` binds to colour.Color (also those only string annotations read)."""
    info = flat.program.module(module) if module else None
    if info is None:
        return frozenset()
    return frozenset(name for name, recs in info.import_bindings.items() for rec in recs
                     if rec.module == "colour" and rec.name == "Color")
