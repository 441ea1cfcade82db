"""Manim CE definitions emitted into an upgraded output for what the old dialects had and CE
dropped: `digest_config`, old manimlib's `GraphScene`, and the characters of 3b1b's videos
(PiCreature and its kin, speech and thought bubbles) as stand-ins of the same place and size:
a stick figure (the assets pass's character replacement) whose expressions, looks and blinks
do nothing. Each is one `def`/`class`, emitted only when the output uses it; `NEEDS` names
the other shims one needs."""

from __future__ import annotations

from ..assets.builders import STICK_FIGURE

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
    """Old manimlib's GraphScene on Manim CE's Axes: its settings are class attributes."""

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

    def setup(self):
        super().setup()
        self.default_graph_colors_cycle = it.cycle(self.default_graph_colors)
        self.setup_axes(animate=False, add=False)

    def setup_axes(self, animate=False, add=True):
        x_nums = [n for n in (self.x_labeled_nums or []) if n != 0]
        y_nums = [n for n in (self.y_labeled_nums or []) if n != 0]
        self.axes = Axes(
            x_range=[self.x_min, self.x_max, self.x_tick_frequency],
            y_range=[self.y_min, self.y_max, self.y_tick_frequency],
            x_length=self.x_axis_width, y_length=self.y_axis_height,
            axis_config={"color": self.axes_color, "include_tip": self.include_tip},
            x_axis_config={"numbers_to_include": x_nums, **self.x_axis_config},
            y_axis_config={"numbers_to_include": y_nums, **self.y_axis_config})
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
        return self.axes.plot(func, x_range=[low, high], color=color, **kwargs)

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

    def __getattr__(self, name):
        if name.startswith("_") or name in ("submobjects", "points", "updaters"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self

    def get_bubble(self, *content, **kwargs):
        return SpeechBubble(*content, **kwargs).next_to(self, UR, buff=0)

    def says(self, *content, **kwargs):
        return FadeIn(self.get_bubble(*content, **kwargs))

    thinks = says
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

    def __getattr__(self, name):
        if name.startswith("_") or name in ("submobjects", "points", "updaters"):
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
GL_SHIMS = ("SurfaceMesh", "DotCloud", "FlashUnder")

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
}

# The characters' names (old manimlib's `for_3b1b_videos`, 3b1b/videos' `custom/characters`):
# each is the stand-in, under its own name.
CHARACTERS = frozenset({"PiCreature", "Randolph", "Mortimer", "Mathematician", "BabyPi",
                        "SpeechBubble", "ThoughtBubble", "Bubble", "DoubleSpeechBubble"})
