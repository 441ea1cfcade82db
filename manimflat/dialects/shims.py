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
    elif {"t_min", "t_max"} & set(kwargs):
        kwargs["t_range"] = [kwargs.pop("t_min", 0), kwargs.pop("t_max", 1)]
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
