"""Manim CE definitions emitted into an upgraded output for what the old dialects had and CE
dropped: `digest_config`, old manimlib's `GraphScene`, and the characters of 3b1b's videos
(PiCreature and its kin, speech and thought bubbles) as stand-ins of the same place and size:
a stick figure (the assets pass's character replacement) whose expressions, looks and blinks
do nothing. Each is one `def`/`class`, emitted only when the output uses it; `NEEDS` names
the other shims one needs."""

from __future__ import annotations

import ast

import libcst as cst

from ..analyses import externals
from ..assets.builders import STICK_FIGURE
from ..ir import Flat, Piece

SHIMS: dict[str, str] = {
    "digest_config": '''
def digest_config(obj, kwargs, caller_locals=None):
    """Old manimlib's digest_config: CONFIG along the MRO, then the keyword arguments,
    become attributes of `obj`; `kwargs` keeps only what Manim CE's base class takes, with
    the CONFIG values it takes added, as the old base class read them."""
    config = {}
    for cls in reversed(type(obj).__mro__):
        config.update(vars(cls).get("CONFIG", {}))
    config.update(kwargs)
    for key, value in config.items():
        if not isinstance(getattr(type(obj), key, None), property):
            setattr(obj, key, value)
    accepted = set()
    for cls in type(obj).__mro__:
        if cls.__module__.split(".")[0] == "manim" and "__init__" in vars(cls):
            params = inspect.signature(cls.__init__).parameters.values()
            accepted |= {p.name for p in params if p.kind is p.KEYWORD_ONLY
                         or p.kind is p.POSITIONAL_OR_KEYWORD}
            if not any(p.kind is p.VAR_KEYWORD for p in params):
                break
    for key in list(kwargs):
        if key not in accepted:
            del kwargs[key]
    for key, value in config.items():
        if key in accepted and key != "self":
            kwargs.setdefault(key, value)
''',
    "GraphScene": '''
class GraphScene(Scene):
    """The GraphScene of old manimlib and of Manim CE before v0.12 on today's Axes: its
    settings are class attributes, a `CONFIG` dict or keywords of `__init__`."""

    x_min, x_max, x_axis_width, x_tick_frequency = -1, 10, 9, 1
    y_min, y_max, y_axis_height, y_tick_frequency = -1, 10, 6, 1
    x_labeled_nums = y_labeled_nums = None
    x_axis_label, y_axis_label = "$x$", "$y$"
    axes_color = GREY
    graph_origin = 2.5 * DOWN + 4 * LEFT
    default_graph_colors = [BLUE, GREEN, YELLOW]
    default_derivative_color, default_input_color = GREEN, YELLOW
    area_opacity, num_rects, include_tip = 0.8, 50, False
    x_axis_config = y_axis_config = {}
    # settings the old GraphScene took that these axes do not use
    x_leftmost_tick = y_bottom_tick = x_label_position = y_label_position = None
    x_axis_visibility = y_axis_visibility = True
    exclude_zero_label = True
    default_riemann_start_color, default_riemann_end_color = BLUE, GREEN

    def __init__(self, **kwargs):
        for cls in reversed(type(self).__mro__):  # CONFIG, as the old digest_config read it
            for key, value in vars(cls).get("CONFIG", {}).items():
                if not isinstance(getattr(type(self), key, None), property):
                    setattr(self, key, value)
        for key in [k for k in kwargs if k in vars(GraphScene)]:
            setattr(self, key, kwargs.pop(key))
        super().__init__(**kwargs)

    def setup(self):
        super().setup()
        self.default_graph_colors_cycle = it.cycle(self.default_graph_colors)
        self.setup_axes(animate=False, add=False)

    def setup_axes(self, animate=False, add=True):
        x_nums = [n for n in ([] if self.x_labeled_nums is None else self.x_labeled_nums)
                  if n != 0]
        y_nums = [n for n in ([] if self.y_labeled_nums is None else self.y_labeled_nums)
                  if n != 0]
        self.axes = Axes(
            x_range=[self.x_min, self.x_max,
                     self.x_axis_config.get("tick_frequency", self.x_tick_frequency)],
            y_range=[self.y_min, self.y_max,
                     self.y_axis_config.get("tick_frequency", self.y_tick_frequency)],
            x_length=self.x_axis_width, y_length=self.y_axis_height,
            axis_config={"color": self.axes_color, "include_tip": self.include_tip},
            x_axis_config=old_keywords(NumberLine, {"numbers_to_include": x_nums, **{
                k: v for k, v in self.x_axis_config.items() if k != "tick_frequency"}}),
            y_axis_config=old_keywords(NumberLine, {"numbers_to_include": y_nums, **{
                k: v for k, v in self.y_axis_config.items() if k != "tick_frequency"}}))
        self.axes.shift(self.graph_origin - self.axes.c2p(0, 0))
        self.x_axis, self.y_axis = self.axes.x_axis, self.axes.y_axis
        labels = VGroup()
        for axis, label, name in ((self.x_axis, self.x_axis_label, "x_axis_label_mob"),
                                  (self.y_axis, self.y_axis_label, "y_axis_label_mob")):
            mob = Tex(label).next_to(axis.get_end(), UR, buff=SMALL_BUFF) if label else VGroup()
            setattr(self, name, mob)
            labels.add(mob)
        self.axes_labels = labels
        if animate:
            self.play(Create(self.axes), Write(labels))
        elif add:
            self.add(self.axes, labels)

    def coords_to_point(self, x, y):
        return self.axes.c2p(x, y)

    def point_to_coords(self, point):
        return tuple(self.axes.p2c(point)[:2])

    def plot(self, func, color=None, x_min=None, x_max=None, **kwargs):
        low = self.x_min if x_min is None else x_min
        high = self.x_max if x_max is None else x_max
        color = color or next(self.default_graph_colors_cycle)
        if inspect.ismethod(func):  # the graph keeps it, and copying it would copy the scene
            func = (lambda method: lambda x: method(x))(func)
        kwargs.pop("y_min", None)  # the old graph took and ignored them
        kwargs.pop("y_max", None)
        step = list(kwargs.pop("t_range", []))[2:]  # a sampling step, for x_min..x_max
        return self.axes.plot(func, x_range=[low, high, *step], color=color, **kwargs)

    get_graph = plot

    def input_to_graph_point(self, x, graph):
        return self.axes.input_to_graph_point(x, graph)

    def get_graph_label(self, graph, label="f(x)", x_val=None, direction=RIGHT,
                        buff=MED_SMALL_BUFF, color=None):
        return self.axes.get_graph_label(graph, label, x_val=x_val, direction=direction,
                                         buff=buff, color=color or graph.get_color())

    def get_vertical_line_to_graph(self, x, graph, line_class=Line, **kwargs):
        return line_class(self.coords_to_point(x, 0), self.input_to_graph_point(x, graph),
                          **kwargs)

    def get_area(self, graph, t_min, t_max, **kwargs):
        return self.axes.get_area(graph, x_range=[t_min, t_max],
                                  opacity=kwargs.pop("fill_opacity", self.area_opacity), **kwargs)

    def get_riemann_rectangles(self, graph, x_min=None, x_max=None, dx=0.1,
                               input_sample_type="left", stroke_width=1, stroke_color=BLACK,
                               fill_opacity=1, start_color=BLUE, end_color=GREEN, **kwargs):
        low = self.x_min if x_min is None else x_min
        high = self.x_max if x_max is None else x_max
        return self.axes.get_riemann_rectangles(
            graph, x_range=[low, high], dx=dx, input_sample_type=input_sample_type,
            stroke_width=stroke_width, stroke_color=stroke_color, fill_opacity=fill_opacity,
            color=(start_color, end_color))

    def get_secant_slope_group(self, x, graph, dx=0.1, **kwargs):
        return self.axes.get_secant_slope_group(x, graph, dx=dx, **kwargs)

    def angle_of_tangent(self, x, graph, dx=0.01):
        return self.axes.angle_of_tangent(x, graph, dx)

    def slope_of_tangent(self, x, graph, dx=0.01):
        return self.axes.slope_of_tangent(x, graph, dx)

    def plot_derivative_graph(self, graph, **kwargs):
        return self.axes.plot_derivative_graph(graph, **kwargs)

    get_derivative_graph = plot_derivative_graph
''',
    "stick_figure": STICK_FIGURE.source,
    "PiCreature": '''
class PiCreature(VGroup):
    """A stand-in for 3b1b's pi creature: a stick figure of its place and size; its
    expressions, looks and blinks change nothing."""

    def __init__(self, mode="plain", color=BLUE_E, height=3, **kwargs):
        kwargs.pop("file_name_prefix", None)
        kwargs.pop("flip_at_start", None)
        super().__init__(stick_figure(height * 0.6, height), **kwargs)
        self.set_color(color)
        self.mode, self.bubble = mode, None

    def __getattr__(self, name):  # Manim CE's own attributes, set lazily, stay missing
        if name.startswith("_") or "rgba" in name or name in (
                "submobjects", "points", "updaters"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self

    def get_bubble(self, *content, **kwargs):
        self.bubble = SpeechBubble(*content, **kwargs).next_to(self, UR, buff=0)
        return self.bubble

    def says(self, *content, **kwargs):
        return FadeIn(self.get_bubble(*content, **kwargs))

    thinks = says

    def change(self, mode=None, look_at=None):
        return self.animate.shift(ORIGIN)

    def debubble(self, *args, **kwargs):
        bubble, self.bubble = self.bubble, None
        return FadeOut(bubble) if bubble is not None else Animation(self)
''',
    "SpeechBubble": '''
class SpeechBubble(VGroup):
    """A stand-in for 3b1b's speech bubble: a rounded box of its size holding its content."""

    def __init__(self, *content, width=3, height=2, direction=LEFT, **kwargs):
        box = RoundedRectangle(width=width, height=height, corner_radius=0.4)
        tail = Polygon(box.get_corner(DL) + RIGHT * 0.6, box.get_corner(DL) + RIGHT * 1.0,
                       box.get_corner(DL) + DOWN * 0.6)
        kwargs = {k: v for k, v in kwargs.items() if k in ("color", "stroke_width")}
        super().__init__(box, tail, **kwargs)
        self.content = VGroup(*[Tex(c) if isinstance(c, str) else c for c in content])
        if len(self.content):
            self.content.scale_to_fit_width(min(width * 0.8, self.content.width)).move_to(box)
            self.add(self.content)

    def add_content(self, mobject):
        self.content = mobject.move_to(self[0])
        self.add(mobject)
        return self

    def pin_to(self, mobject, **kwargs):
        return self.next_to(mobject, UR, buff=0)

    def __getattr__(self, name):  # Manim CE's own attributes, set lazily, stay missing
        if name.startswith("_") or "rgba" in name or name in (
                "submobjects", "points", "updaters"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self
''',
}

# ManimGL mobjects CE lacks, as their nearest CE equivalent
SHIMS["SurfaceMesh"] = '''
class SurfaceMesh(VGroup):
    """ManimGL's SurfaceMesh on Manim CE: the surface's faces unfilled, their edges stroked."""

    def __init__(self, uv_surface, resolution=None, stroke_width=1, stroke_color=GREY_A,
                 stroke_opacity=1, color=None, **kwargs):
        faces = uv_surface.copy().set_fill(opacity=0)
        faces.set_stroke(color or stroke_color, stroke_width, stroke_opacity)
        super().__init__(*faces)
'''
SHIMS["DotCloud"] = '''
class DotCloud(VGroup):
    """ManimGL's DotCloud on Manim CE: a Dot at each point; its shader looks do nothing."""

    def __init__(self, points=(), color=GREY_C, radius=0.05, opacity=1, **kwargs):
        super().__init__(*(Dot(p, radius=radius, color=color, fill_opacity=opacity)
                           for p in points))

    def set_radius(self, radius):
        for dot in self:
            dot.scale_to_fit_width(2 * radius)
        return self

    def make_3d(self, *args, **kwargs):
        return self

    set_glow_factor = make_3d
'''
SHIMS["FlashUnder"] = '''
def FlashUnder(mobject, buff=SMALL_BUFF, time_width=0.5, color=YELLOW, **kwargs):
    """ManimGL's FlashUnder on Manim CE: a flash passing along an underline."""
    line = Underline(mobject, buff=buff).set_stroke(color, 4)
    return ShowPassingFlash(line, time_width=time_width, **kwargs)
'''
SHIMS["Checkmark"] = '''
def Checkmark(color=GREEN, **kwargs):
    """ManimGL's Checkmark on Manim CE: a green tick."""
    return Tex(r"\\checkmark", color=color, **kwargs)
'''
SHIMS["Exmark"] = '''
def Exmark(color=RED, **kwargs):
    """ManimGL's Exmark on Manim CE: a red cross."""
    return MathTex(r"\\times", color=color, **kwargs)
'''
SHIMS["select_parts"] = '''
def select_parts(mobject, selector):
    """ManimGL's `text["part"]` on Manim CE: the letters of a Text drawing `part`, the
    substrings of a Tex isolating it, else its parts holding it (else the whole Tex)."""
    if not isinstance(mobject, Mobject):
        return mobject[selector]
    if isinstance(mobject, (Text, MarkupText)):
        letters, key = re.sub(r"\\s", "", mobject.text), re.sub(r"\\s", "", selector)
        found, start = VGroup(), letters.find(key) if key else -1
        while start >= 0:
            found.add(*mobject[start:start + len(key)])
            start = letters.find(key, start + len(key))
        return found
    matched = [mobject.id_to_vgroup_dict[i] for s, i in getattr(
        mobject, "matched_strings_and_ids", ()) if s == selector]  # isolated substrings
    if matched:
        return VGroup(*matched)
    parts = [m for m in mobject.submobjects if selector in getattr(m, "tex_string", "")]
    return VGroup(*parts) if parts else VGroup(mobject)
'''
SHIMS["glyphs"] = '''
def glyphs(tex):
    """ManimGL's Tex and TexText are groups of glyphs (`tex[2:5]`, `a, b = tex`); Manim CE's
    group them by part: the glyphs, in order, as one VGroup."""
    return VGroup(*(g for part in tex.submobjects for g in (part.submobjects or [part])))
'''
SHIMS["old_tex"] = '''
def old_tex(cls, *tex_strings, **kwargs):
    """Old manimlib's TexMobject and TextMobject split their strings at each substring to
    isolate (and each tex_to_color_map key): every piece was a part of its own, counted by
    `tex[i]`. Manim CE's keep one part per string and group the substrings inside it: here
    the parts are split the old way, from CE's groups. A substring right after `_` or `^`
    is braced: CE's grouping of it would otherwise be the sub- or superscript."""
    keys = [*(kwargs.get("substrings_to_isolate") or ()),
            *(kwargs.get("tex_to_color_map") or {})]
    if not keys:
        return cls(*tex_strings, **kwargs)
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    scripted = re.compile(rf"([_^])\\s*({alternatives})")
    tex = cls(*(scripted.sub(r"\\1{\\2}", s) for s in tex_strings), **kwargs)
    parts, text, glyphs, cursor = [], "", [], 0

    def part(string, members):
        if string.strip():  # old manimlib dropped blank pieces; a glyphless one is a point
            mob = VGroup(*members) if members else VectorizedPoint(
                glyphs[min(cursor, len(glyphs) - 1)].get_right() if glyphs else tex.get_center())
            mob.tex_string = string.strip()
            parts.append(mob)

    for string, key in tex.matched_strings_and_ids:
        members = list(tex.id_to_vgroup_dict[key].submobjects)
        if not key.endswith("substring"):  # the next string: the rest of this one first
            part(text, glyphs[cursor:])
            text, glyphs, cursor = string, members, 0
            continue
        at = [glyphs.index(g) for g in members if g in glyphs]
        before, _, text = text.partition(string)
        part(before, glyphs[cursor:min(at)] if at and min(at) >= cursor else [])
        part(string, members)
        cursor = max([cursor, *(i + 1 for i in at)])
    part(text, glyphs[cursor:])
    tex.submobjects = parts
    return tex
'''
GL_SHIMS = ("SurfaceMesh", "DotCloud", "FlashUnder", "Checkmark", "Exmark")

SHIMS["PiCreatureScene"] = '''
class PiCreatureScene(Scene):
    """A stand-in for 3b1b's PiCreatureScene: its pi creatures are stick-figure stand-ins;
    what they say or think appears in a bubble, their looks and expressions change nothing."""

    def setup(self):
        super().setup()
        self.pi_creatures = VGroup(*self.create_pi_creatures())
        self.pi_creature = self.pi_creatures[0]
        self.add(self.pi_creatures)

    def create_pi_creatures(self):
        return [Randolph(height=2).to_corner(DL)]

    def get_pi_creatures(self):
        return self.pi_creatures

    def get_primary_pi_creature(self):
        return self.pi_creature

    def pi_creature_says(self, *args, added_anims=None, run_time=1, **kwargs):
        pi = next((a for a in args if isinstance(a, PiCreature)), self.pi_creature)
        content = [a for a in args if not isinstance(a, PiCreature)]
        self.play(FadeIn(pi.get_bubble(*content)), *(added_anims or []), run_time=run_time)

    pi_creature_thinks = pi_creature_says

    def say(self, *content, **kwargs):
        self.pi_creature_says(self.pi_creature, *content, **kwargs)

    think = say

    def pi_changes(self, *modes, run_time=1, **kwargs):
        return Wait(run_time)

    def play_changes(self, *modes, added_anims=None, run_time=1, **kwargs):
        self.play(Wait(run_time), *(added_anims or []))

    def look_at(self, *args, added_anims=None, run_time=1, **kwargs):
        self.play_changes(added_anims=added_anims, run_time=run_time)

    def random_blink(self, num_times=1, **kwargs):
        self.wait(num_times)

    def blink(self, *args, **kwargs):
        pass

    def change_mode(self, mode):
        pass

    def non_blink_wait(self, *args, **kwargs):
        self.wait(*args)
'''
SHIMS["TeacherStudentsScene"] = '''
class TeacherStudentsScene(PiCreatureScene):
    """A stand-in for 3b1b's TeacherStudentsScene: a teacher at the bottom right, three
    students at the bottom left, as stick figures."""

    student_colors = [BLUE_D, BLUE_E, BLUE_C]
    teacher_color = GREY_BROWN
    student_scale_factor = 0.8

    def create_pi_creatures(self):
        self.teacher = Mortimer(color=self.teacher_color, height=2.5).to_corner(DR)
        self.students = VGroup(*(Randolph(color=c, height=2.5) for c in self.student_colors))
        self.students.arrange(RIGHT).scale(self.student_scale_factor).to_corner(DL)
        self.screen = ScreenRectangle(height=4).to_corner(UL)
        self.hold_up_spot = self.teacher.get_corner(UL) + MED_LARGE_BUFF * UP
        return [*self.students, self.teacher]

    def get_teacher(self):
        return self.teacher

    def get_students(self):
        return self.students

    def teacher_says(self, *content, **kwargs):
        self.pi_creature_says(self.teacher, *content, **kwargs)

    teacher_thinks = teacher_says

    def student_says(self, *content, index=2, **kwargs):
        self.pi_creature_says(self.students[index], *content, **kwargs)

    student_thinks = student_says

    def change_students(self, *modes, run_time=1, **kwargs):
        return Wait(run_time)

    def get_student_changes(self, *modes, run_time=1, **kwargs):
        return [Wait(run_time)]

    play_student_changes = change_student_modes = PiCreatureScene.play_changes
    play_all_student_changes = change_all_student_modes = PiCreatureScene.play_changes

    def teacher_holds_up(self, mobject, *args, added_anims=None, **kwargs):
        mobject.move_to(self.hold_up_spot, DOWN)
        self.play(FadeIn(mobject, shift=UP), *(added_anims or []))
'''
SHIMS["Blink"] = '''
class Blink(Animation):
    """A stand-in for 3b1b's Blink: the stick figure does not blink."""

    def __init__(self, pi_creature, run_time=0.3, **kwargs):
        super().__init__(pi_creature, run_time=run_time)
'''
SHIMS["RemovePiCreatureBubble"] = '''
def RemovePiCreatureBubble(pi_creature, *args, **kwargs):
    """A stand-in for 3b1b's RemovePiCreatureBubble: the bubble fades out."""
    return pi_creature.debubble()
'''

for _name, _color in (("Randolph", "BLUE_E"), ("Mortimer", "GREY_BROWN"),
                      ("Mathematician", "GREY"), ("BabyPi", "BLUE_E")):
    SHIMS[_name] = f'''
class {_name}(PiCreature):
    def __init__(self, mode="plain", color={_color}, **kwargs):
        super().__init__(mode, color, **kwargs)
'''
for _name in ("ThoughtBubble", "Bubble", "DoubleSpeechBubble"):
    SHIMS[_name] = f"\nclass {_name}(SpeechBubble):\n    pass\n"

# A shim that uses another needs that one emitted too (and first).
NEEDS: dict[str, tuple[str, ...]] = {
    "PiCreature": ("stick_figure", "SpeechBubble"),
    **{n: ("PiCreature",) for n in ("Randolph", "Mortimer", "Mathematician", "BabyPi")},
    **{n: ("SpeechBubble",) for n in ("ThoughtBubble", "Bubble", "DoubleSpeechBubble")},
    "PiCreatureScene": ("Randolph", "SpeechBubble"),
    "TeacherStudentsScene": ("PiCreatureScene", "Mortimer"),
}

# The characters' names (old manimlib's `for_3b1b_videos`, 3b1b/videos' `custom/characters`):
# each is the stand-in, under its own name.
CHARACTERS = frozenset({"PiCreature", "Randolph", "Mortimer", "Mathematician", "BabyPi",
                        "SpeechBubble", "ThoughtBubble", "Bubble", "DoubleSpeechBubble",
                        "PiCreatureScene", "TeacherStudentsScene", "Blink",
                        "RemovePiCreatureBubble"})

# Old manimlib's keywords in a `**dict` given to a Manim CE class (manimlib_old's table).
SHIMS["old_keywords"] = '''
def old_keywords(cls, kwargs):
    """Old manimlib's keywords for Manim CE's `cls`: `x_min`/`x_max` and an axis's
    `tick_frequency` become `x_range` (old axes had one unit of length per unit),
    `number_line_config` is `axis_config`, the axis configs are upgraded the same way, and a
    keyword `cls` does not take goes (old manimlib kept it as an unused attribute)."""
    kwargs = dict(kwargs)
    if "number_line_config" in kwargs:
        kwargs["axis_config"] = {**kwargs.pop("number_line_config"),
                                 **kwargs.get("axis_config", {})}
    bounds = {"x": config.frame_x_radius, "y": config.frame_y_radius, "z": 3.5}
    for axis in "xy":  # old NumberPlane: a radius each side of the origin
        if f"{axis}_radius" in kwargs:
            radius = kwargs.pop(f"{axis}_radius")
            kwargs.setdefault(f"{axis}_min", -radius)
            kwargs.setdefault(f"{axis}_max", radius)
    if "axes_color" in kwargs:
        kwargs.setdefault("axis_config", {}).setdefault("color", kwargs.pop("axes_color"))
    if issubclass(cls, Axes):
        shared = kwargs.setdefault("axis_config", {})
        for axis, radius in bounds.items():
            own = kwargs.setdefault(f"{axis}_axis_config", {})
            step = own.pop("tick_frequency", shared.get("tick_frequency"))
            if step is None and f"{axis}_min" not in kwargs and f"{axis}_max" not in kwargs:
                continue
            low, high = kwargs.pop(f"{axis}_min", -radius), kwargs.pop(f"{axis}_max", radius)
            kwargs[f"{axis}_range"] = [low, high, step or 1]
            unit = own.get("unit_size", shared.get("unit_size", 1))
            kwargs.setdefault(f"{axis}_length", (high - low) * unit)
        shared.pop("tick_frequency", None)
    elif issubclass(cls, NumberLine) and {"x_min", "x_max", "tick_frequency"} & set(kwargs):
        kwargs["x_range"] = [kwargs.pop("x_min", -bounds["x"]), kwargs.pop("x_max", bounds["x"]),
                             kwargs.pop("tick_frequency", 1)]
    elif {"t_min", "t_max", "step_size"} & set(kwargs):
        kwargs["t_range"] = [kwargs.pop("t_min", 0), kwargs.pop("t_max", 1),
                             *([kwargs.pop("step_size")] if "step_size" in kwargs else [])]
    for key in ("axis_config", "x_axis_config", "y_axis_config", "z_axis_config"):
        if isinstance(kwargs.get(key), dict):
            kwargs[key] = old_keywords(NumberLine, kwargs[key])
    for old, new in (("numbers_to_show", "numbers_to_include"),
                     ("big_tick_numbers", "numbers_with_elongated_ticks")):
        if old in kwargs:
            kwargs.setdefault(new, kwargs.pop(old))
    if "number_scale_val" in kwargs:
        kwargs.setdefault("font_size", 48 * kwargs.pop("number_scale_val"))
    taken = set()
    for klass in cls.__mro__:
        if "__init__" in vars(klass) and klass is not object:
            params = inspect.signature(klass.__init__).parameters.values()
            taken |= {p.name for p in params if p.kind in (p.KEYWORD_ONLY,
                                                           p.POSITIONAL_OR_KEYWORD)}
            if not any(p.kind is p.VAR_KEYWORD for p in params):
                return {k: v for k, v in kwargs.items() if k in taken}
    return kwargs
'''
NEEDS["GraphScene"] = ("old_keywords",)


def add_shims(flat: Flat, shims: set[str], replaced: frozenset[str] | set[str] = frozenset()
              ) -> None:
    """The definitions of `shims` (and those they need), before the first repository piece;
    pieces that linked them (`shim:<name>`, or a name in `replaced`) now read the output's
    own definition."""
    if not shims:
        return
    order: list[str] = []

    def add(name: str) -> None:
        if name not in order:
            for need in NEEDS.get(name, ()):
                add(need)
            order.append(name)
    for name in sorted(shims):
        add(name)
    new = []
    for name in order:
        source = SHIMS[name].strip() + "\n"
        used = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
        links = {n: f"star:manim:{n}" for n in used & externals.manim_exports()}
        for alias, module in (("it", "itertools"), ("inspect", "inspect"), ("re", "re")):
            if alias in used:
                links[alias] = f"mod:{module}"
        new.append(Piece(None, 0, frozenset({name}), origin=f"manimflat:{name}",
                         links=links, tree=cst.parse_statement(source)))
    for piece in flat.pieces:  # a name the output defines itself needs no link
        if any(k.startswith("shim:") or k in replaced for k in piece.links.values()):
            piece.links = {n: k for n, k in piece.links.items()
                           if not (k.startswith("shim:") or k in replaced)}
    first = next((i for i, p in enumerate(flat.pieces) if p.module is not None), 0)
    flat.pieces[first:first] = new
