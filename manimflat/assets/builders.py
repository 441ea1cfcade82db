"""Replacement builders: small Manim helper functions emitted into the output, only those used.

Every builder takes the box the original asset would have filled (`width`, `height`) and
returns a `VGroup` of exactly that size centred on the origin, as `SVGMobject` and
`ImageMobject` are, so `.scale()`, `.move_to()`, `.next_to()` later in the scene act the same.
Each draws in a 2 x 2 box and is stretched to the asset's box at the end: the asset's own
aspect ratio is kept, not the drawing's.

Builder names are plain words (`factory_icon`, `stick_figure`): `deconflict-names` renames
them if the scene already uses the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Stretching to the asset's box; `move_to(ORIGIN)` because stretching keeps the drawing's
# own centre, which need not be the origin.
_FIT = ".stretch_to_fit_width(width).stretch_to_fit_height(height).move_to(ORIGIN)"


@dataclass(frozen=True)
class Builder:
    name: str  # the helper's name in the output
    source: str  # a complete `def`
    words: tuple[str, ...] = ()  # file-name words that select it (icon/object kinds)
    label: bool = False  # takes a `label` argument after width and height
    needs_numpy: bool = False


def _def(name: str, body: str, *, label: bool = False) -> str:
    args = "width, height, label" if label else "width, height"
    lines = body.strip("\n").splitlines()
    if lines[-1].endswith(_FIT):  # name the drawing, then fit it: keeps lines short
        start = max(i for i, line in enumerate(lines) if line.startswith("return "))
        lines[start] = "icon = " + lines[start][len("return "):]
        lines[-1] = lines[-1][: -len(_FIT)]
        lines.append("return icon" + _FIT)
    indented = "\n".join("    " + line if line else "" for line in lines)
    return f"def {name}({args}):\n{indented}\n"


_OBJECTS: list[Builder] = [
    Builder("factory_icon", _def("factory_icon", f"""
body = Rectangle(width=1.6, height=0.9).shift(DOWN * 0.55)
roof = VGroup(*[Polygon([-0.8 + 0.53 * i, -0.1, 0], [-0.8 + 0.53 * i, 0.35, 0],
                        [-0.27 + 0.53 * i, -0.1, 0]) for i in range(3)])
chimney = Rectangle(width=0.25, height=1.1).move_to([0.55, 0.45, 0])
windows = VGroup(*[Square(0.25).move_to([-0.5 + 0.5 * i, -0.45, 0]) for i in range(3)])
door = Rectangle(width=0.3, height=0.45).move_to([0, -0.775, 0])
smoke = VGroup(*[Circle(radius=0.08 + 0.04 * i).move_to([0.6 + 0.15 * i, 1.1 + 0.2 * i, 0])
                 for i in range(2)])
return VGroup(body, roof, chimney, windows, door, smoke).set_stroke(WHITE, 3){_FIT}
"""), ("factory", "plant", "industry", "industrial", "manufacturing", "mill", "warehouse")),
    Builder("house_icon", _def("house_icon", f"""
walls = Square(1.4).shift(DOWN * 0.3)
roof = Polygon([-0.95, 0.4, 0], [0, 1.0, 0], [0.95, 0.4, 0])
door = Rectangle(width=0.35, height=0.6).move_to([0, -0.7, 0])
window = Square(0.3).move_to([0.4, -0.05, 0])
return VGroup(walls, roof, door, window).set_stroke(WHITE, 3){_FIT}
"""), ("house", "home", "building", "hut", "cottage", "shop", "store", "school")),
    Builder("car_icon", _def("car_icon", f"""
body = RoundedRectangle(width=2.0, height=0.6, corner_radius=0.15).shift(DOWN * 0.1)
cabin = Polygon([-0.5, 0.2, 0], [-0.3, 0.7, 0], [0.4, 0.7, 0], [0.65, 0.2, 0])
wheels = VGroup(*[Circle(radius=0.25).move_to([x, -0.45, 0]) for x in (-0.55, 0.55)])
return VGroup(body, cabin, wheels).set_stroke(WHITE, 3){_FIT}
"""), ("car", "vehicle", "truck", "bus", "taxi", "auto", "van")),
    Builder("computer_icon", _def("computer_icon", f"""
screen = RoundedRectangle(width=1.8, height=1.2, corner_radius=0.08).shift(UP * 0.3)
inner = Rectangle(width=1.55, height=0.95).move_to(screen)
stand = Polygon([-0.2, -0.3, 0], [0.2, -0.3, 0], [0.35, -0.75, 0], [-0.35, -0.75, 0])
base = Line([-0.6, -0.75, 0], [0.6, -0.75, 0])
return VGroup(screen, inner, stand, base).set_stroke(WHITE, 3){_FIT}
"""), ("computer", "laptop", "pc", "monitor", "desktop", "screen", "display", "notebook",
       "workstation", "terminal", "cpu", "processor", "chip")),
    Builder("phone_icon", _def("phone_icon", f"""
case = RoundedRectangle(width=1.0, height=1.9, corner_radius=0.15)
screen = Rectangle(width=0.8, height=1.4).shift(UP * 0.05)
button = Circle(radius=0.07).move_to([0, -0.82, 0])
return VGroup(case, screen, button).set_stroke(WHITE, 3){_FIT}
"""), ("phone", "smartphone", "mobile", "cellphone", "iphone", "android", "tablet")),
    Builder("document_icon", _def("document_icon", f"""
page = Polygon([-0.7, -1, 0], [0.7, -1, 0], [0.7, 0.6, 0], [0.3, 1, 0], [-0.7, 1, 0])
fold = Polygon([0.3, 1, 0], [0.3, 0.6, 0], [0.7, 0.6, 0])
lines = VGroup(*[Line([-0.45, 0.5 - 0.3 * i, 0], [0.45, 0.5 - 0.3 * i, 0]) for i in range(5)])
return VGroup(page, fold, lines).set_stroke(WHITE, 3){_FIT}
"""), ("document", "doc", "file", "page", "paper", "pdf", "report", "letter", "sheet",
       "txt", "article", "contract", "receipt", "form")),
    Builder("book_icon", _def("book_icon", f"""
left = Polygon([0, -0.8, 0], [-1, -0.6, 0], [-1, 0.9, 0], [0, 0.7, 0])
right = Polygon([0, -0.8, 0], [1, -0.6, 0], [1, 0.9, 0], [0, 0.7, 0])
lines = VGroup(*[Line([s * 0.2, 0.4 - 0.3 * i, 0], [s * 0.8, 0.5 - 0.3 * i, 0])
                 for s in (-1, 1) for i in range(3)])
return VGroup(left, right, lines).set_stroke(WHITE, 3){_FIT}
"""), ("book", "books", "library", "textbook", "manual", "dictionary")),
    Builder("cloud_icon", _def("cloud_icon", f"""
puffs = VGroup(Circle(radius=0.45).move_to([-0.5, -0.1, 0]), Circle(radius=0.6).move_to([0.05, 0.2, 0]),
               Circle(radius=0.42).move_to([0.55, -0.1, 0]))
base = Rectangle(width=1.1, height=0.4).move_to([0.02, -0.35, 0])
outline = Union(*puffs, base)
return VGroup(outline).set_stroke(WHITE, 3).set_fill(GREY_B, 0.2){_FIT}
"""), ("cloud", "clouds", "weather", "aws", "azure", "sky")),
    Builder("server_icon", _def("server_icon", f"""
units = VGroup(*[RoundedRectangle(width=1.6, height=0.5, corner_radius=0.06).move_to([0, 0.6 - 0.6 * i, 0])
                 for i in range(3)])
lights = VGroup(*[Dot([0.55, 0.6 - 0.6 * i, 0], radius=0.06, color=GREEN) for i in range(3)])
slots = VGroup(*[Line([-0.6, 0.6 - 0.6 * i, 0], [0.1, 0.6 - 0.6 * i, 0]) for i in range(3)])
return VGroup(units.set_stroke(WHITE, 3), slots.set_stroke(WHITE, 3), lights){_FIT}
"""), ("server", "servers", "rack", "host", "backend", "datacenter", "network", "router")),
    Builder("database_icon", _def("database_icon", f"""
top = Ellipse(width=1.6, height=0.5).shift(UP * 0.75)
bands = VGroup(*[Arc(radius=1, start_angle=PI, angle=PI).stretch(0.8, 0).stretch(0.25, 1)
                 .shift(UP * y) for y in (0.2, -0.35, -0.75)])
sides = VGroup(Line([-0.8, 0.75, 0], [-0.8, -0.75, 0]), Line([0.8, 0.75, 0], [0.8, -0.75, 0]))
return VGroup(top, bands, sides).set_stroke(WHITE, 3){_FIT}
"""), ("database", "db", "sql", "storage", "disk", "table", "data", "cylinder")),
    Builder("lightbulb_icon", _def("lightbulb_icon", f"""
bulb = Circle(radius=0.65).shift(UP * 0.3)
neck = Polygon([-0.35, -0.25, 0], [0.35, -0.25, 0], [0.25, -0.55, 0], [-0.25, -0.55, 0])
base = VGroup(*[Line([-0.25, -0.65 - 0.12 * i, 0], [0.25, -0.65 - 0.12 * i, 0]) for i in range(3)])
filament = VMobject().set_points_as_corners(
    [[-0.2, -0.2, 0], [-0.1, 0.3, 0], [0, 0.1, 0], [0.1, 0.3, 0], [0.2, -0.2, 0]])
return VGroup(bulb.set_fill(YELLOW, 0.3), neck, base, filament).set_stroke(WHITE, 3){_FIT}
"""), ("lightbulb", "bulb", "idea", "lamp", "light", "insight", "eureka")),
    Builder("clock_icon", _def("clock_icon", f"""
face = Circle(radius=1)
ticks = VGroup(*[Line(0.8 * np.array([np.cos(a), np.sin(a), 0]), 0.95 * np.array([np.cos(a), np.sin(a), 0]))
                 for a in np.arange(12) * TAU / 12])
hands = VGroup(Line(ORIGIN, [0, 0.65, 0]), Line(ORIGIN, [0.45, -0.2, 0]))
return VGroup(face, ticks, hands).set_stroke(WHITE, 3){_FIT}
"""), ("clock", "time", "watch", "timer", "stopwatch", "alarm", "hour", "deadline"),
        needs_numpy=True),
    Builder("globe_icon", _def("globe_icon", f"""
sphere = Circle(radius=1)
meridians = VGroup(*[Ellipse(width=w, height=2) for w in (0.7, 1.4)], Line(UP, DOWN))
parallels = VGroup(Line(LEFT, RIGHT), *[Line([-0.8, y, 0], [0.8, y, 0]) for y in (-0.55, 0.55)])
return VGroup(sphere, meridians, parallels).set_stroke(WHITE, 3){_FIT}
"""), ("globe", "world", "earth", "planet", "internet", "web", "map", "geography",
       "international", "global")),
    Builder("star_icon", _def("star_icon", f"""
return VGroup(Star(n=5, outer_radius=1, inner_radius=0.4).set_stroke(WHITE, 3)
              .set_fill(YELLOW, 0.6)){_FIT}
"""), ("star", "stars", "favorite", "favourite", "rating", "award", "sparkle")),
    Builder("heart_icon", _def("heart_icon", f"""
lobes = VGroup(Circle(radius=0.5).move_to([-0.45, 0.35, 0]), Circle(radius=0.5).move_to([0.45, 0.35, 0]))
tip = Polygon([-0.93, 0.22, 0], [0.93, 0.22, 0], [0, -0.95, 0])
shape = Union(*lobes, tip)
return VGroup(shape).set_stroke(WHITE, 3).set_fill(RED, 0.6){_FIT}
"""), ("heart", "love", "like", "health", "favourite_heart")),
    Builder("tree_icon", _def("tree_icon", f"""
crown = VGroup(Circle(radius=0.55).move_to([0, 0.35, 0]), Circle(radius=0.45).move_to([-0.45, 0.05, 0]),
               Circle(radius=0.45).move_to([0.45, 0.05, 0]))
trunk = Rectangle(width=0.3, height=0.8).move_to([0, -0.6, 0])
return VGroup(Union(*crown).set_fill(GREEN, 0.4), trunk.set_fill(DARK_BROWN, 0.6)).set_stroke(WHITE, 3){_FIT}
"""), ("tree", "forest", "nature", "plant_tree", "wood", "leaf", "flower", "garden")),
    Builder("gear_icon", _def("gear_icon", f"""
teeth = VGroup(*[Square(0.35).move_to(0.85 * np.array([np.cos(a), np.sin(a), 0])).rotate(a)
                 for a in np.arange(8) * TAU / 8])
wheel = Circle(radius=0.75)
hole = Circle(radius=0.3)
return VGroup(Union(wheel, *teeth), hole).set_stroke(WHITE, 3){_FIT}
"""), ("gear", "gears", "cog", "settings", "config", "engine", "machine", "mechanism",
       "tool", "tools"), needs_numpy=True),
    Builder("envelope_icon", _def("envelope_icon", f"""
body = Rectangle(width=2, height=1.3)
flap = VMobject().set_points_as_corners([[-1, 0.65, 0], [0, -0.1, 0], [1, 0.65, 0]])
return VGroup(body, flap).set_stroke(WHITE, 3){_FIT}
"""), ("envelope", "mail", "email", "message", "inbox", "letterbox", "post")),
    Builder("lock_icon", _def("lock_icon", f"""
body = RoundedRectangle(width=1.5, height=1.1, corner_radius=0.1).shift(DOWN * 0.4)
shackle = Arc(radius=0.5, start_angle=0, angle=PI).shift(UP * 0.45)
legs = VGroup(Line([-0.5, 0.45, 0], [-0.5, 0.15, 0]), Line([0.5, 0.45, 0], [0.5, 0.15, 0]))
keyhole = Circle(radius=0.12).shift(DOWN * 0.35)
return VGroup(body, shackle, legs, keyhole).set_stroke(WHITE, 3){_FIT}
"""), ("lock", "padlock", "secure", "security", "password", "private", "encryption",
       "key", "locked")),
    Builder("thought_bubble", _def("thought_bubble", f"""
bubble = Ellipse(width=2, height=1.3).shift(UP * 0.3)
trail = VGroup(*[Circle(radius=r).move_to([x, y, 0]) for r, x, y in
                 ((0.14, -0.55, -0.55), (0.09, -0.75, -0.8), (0.05, -0.9, -0.95))])
return VGroup(bubble, trail).set_stroke(WHITE, 3){_FIT}
"""), ("thought", "thinking", "think", "bubble", "dream")),
    Builder("speech_bubble", _def("speech_bubble", f"""
bubble = RoundedRectangle(width=2, height=1.3, corner_radius=0.3).shift(UP * 0.3)
tail = Polygon([-0.5, -0.35, 0], [-0.1, -0.35, 0], [-0.7, -1, 0])
return VGroup(Union(bubble, tail)).set_stroke(WHITE, 3){_FIT}
"""), ("speech", "chat", "talk", "comment", "say", "dialog", "dialogue", "quote")),
    Builder("camera_icon", _def("camera_icon", f"""
body = RoundedRectangle(width=2, height=1.3, corner_radius=0.15).shift(DOWN * 0.15)
top = Rectangle(width=0.6, height=0.25).move_to([-0.3, 0.625, 0])
lens = VGroup(Circle(radius=0.45), Circle(radius=0.25)).shift(DOWN * 0.15)
return VGroup(body, top, lens).set_stroke(WHITE, 3){_FIT}
"""), ("camera", "photo_camera", "photography", "video", "film", "recorder", "webcam")),
    Builder("check_icon", _def("check_icon", f"""
tick = VMobject().set_points_as_corners([[-0.8, 0, 0], [-0.25, -0.6, 0], [0.85, 0.7, 0]])
return VGroup(tick.set_stroke(GREEN, 8)){_FIT}
"""), ("check", "checkmark", "tick", "correct", "yes", "ok", "done", "success", "valid",
       "true")),
    Builder("cross_icon", _def("cross_icon", f"""
return VGroup(Line([-0.8, -0.8, 0], [0.8, 0.8, 0]), Line([-0.8, 0.8, 0], [0.8, -0.8, 0])
              ).set_stroke(RED, 8){_FIT}
"""), ("cross", "wrong", "error", "no", "fail", "failure", "incorrect", "invalid", "false",
       "close", "delete")),
    Builder("arrow_icon", _def("arrow_icon", f"""
return VGroup(Arrow(LEFT, RIGHT, buff=0).set_stroke(WHITE, 6)){_FIT}
"""), ("arrow", "next", "forward", "pointer", "direction")),
    Builder("bug_icon", _def("bug_icon", f"""
body = Ellipse(width=1.0, height=1.4).shift(DOWN * 0.15)
head = Circle(radius=0.3).move_to([0, 0.8, 0])
legs = VGroup(*[Line([s * 0.45, y, 0], [s * 0.95, y - 0.15, 0]) for s in (-1, 1) for y in (0.15, -0.2, -0.55)])
stripes = VGroup(*[Line([-0.45, y, 0], [0.45, y, 0]) for y in (-0.05, -0.4)])
return VGroup(body.set_fill(YELLOW, 0.4), head, legs, stripes).set_stroke(WHITE, 3){_FIT}
"""), ("bug", "bee", "insect", "ant", "beetle", "spider", "fly")),
]

STICK_FIGURE = Builder("stick_figure", _def("stick_figure", f"""
head = Circle(radius=0.28).move_to([0, 0.7, 0])
body = Line([0, 0.42, 0], [0, -0.3, 0])
arms = VGroup(Line([0, 0.25, 0], [-0.45, -0.1, 0]), Line([0, 0.25, 0], [0.45, -0.1, 0]))
legs = VGroup(Line([0, -0.3, 0], [-0.35, -1, 0]), Line([0, -0.3, 0], [0.35, -1, 0]))
return VGroup(head, body, arms, legs).set_stroke(WHITE, 4){_FIT}
"""))

LOGO_BADGE = Builder("logo_badge", _def("logo_badge", """
badge = RoundedRectangle(width=width, height=height, corner_radius=0.2 * min(width, height))
badge.set_stroke(WHITE, 3).set_fill(BLUE_D, 0.8)
initials = Text(label, weight=BOLD).scale_to_fit_height(0.45 * height)
if initials.width > 0.8 * width:
    initials.scale_to_fit_width(0.8 * width)
return VGroup(badge, initials)
""", label=True), label=True)

PHOTO_FRAME = Builder("photo_frame", _def("photo_frame", """
frame = Rectangle(width=width, height=height).set_stroke(WHITE, 2).set_fill(color, 1)
text = Text(label, color=WHITE if sum(ManimColor(color).to_rgb()) < 1.5 else BLACK)
text.scale_to_fit_width(0.8 * width)
if text.height > 0.3 * height:
    text.scale_to_fit_height(0.3 * height)
return VGroup(frame, text.move_to(frame))
""").replace("(width, height)", "(width, height, label, color)"), label=True)

BACKGROUND_FILL = Builder("background_fill", _def("background_fill", """
backdrop = Rectangle(width=width, height=height).set_stroke(width=0)
# A list of colours is a gradient along the sheen direction: first colour at the top.
return backdrop.set_fill(colors, 1).set_sheen_direction(DOWN)
""").replace("(width, height)", "(width, height, colors)"))

LABELLED_BOX = Builder("labelled_box", _def("labelled_box", """
box = RoundedRectangle(width=width, height=height, corner_radius=0.1 * min(width, height))
text = Text(label).scale_to_fit_width(0.8 * width)
if text.height > 0.4 * height:
    text.scale_to_fit_height(0.4 * height)
return VGroup(box.set_stroke(WHITE, 2), text)
""", label=True), label=True)

DIAGRAM_SKETCH = Builder("diagram_sketch", _def("diagram_sketch", """
nodes = VGroup(*[Square(0.4).move_to([x, y, 0]) for x, y in ((-0.6, 0.5), (0.6, 0.5), (0, -0.3))])
links = VGroup(Line(nodes[0].get_bottom(), nodes[2].get_top()),
               Line(nodes[1].get_bottom(), nodes[2].get_top()),
               Line(nodes[0].get_right(), nodes[1].get_left()))
sketch = VGroup(nodes, links).set_stroke(WHITE, 2)
sketch.stretch_to_fit_width(0.8 * width).stretch_to_fit_height(0.6 * height).shift(UP * 0.1 * height)
frame = Rectangle(width=width, height=height).set_stroke(WHITE, 2)
text = Text(label).scale_to_fit_height(0.12 * height)
if text.width > 0.8 * width:
    text.scale_to_fit_width(0.8 * width)
return VGroup(frame, sketch, text.move_to(DOWN * 0.37 * height))
""", label=True), label=True)

MATH_SYMBOL = Builder("math_symbol", _def("math_symbol", """
return MathTex(label).stretch_to_fit_width(width).stretch_to_fit_height(height).move_to(ORIGIN)
""", label=True), label=True)

ALL_BUILDERS: dict[str, Builder] = {b.name: b for b in [
    *_OBJECTS, STICK_FIGURE, LOGO_BADGE, PHOTO_FRAME, BACKGROUND_FILL, LABELLED_BOX,
    DIAGRAM_SKETCH, MATH_SYMBOL]}

OBJECT_WORDS: dict[str, str] = {w: b.name for b in _OBJECTS for w in b.words}

# File-name word -> LaTeX (raw). Checked before object words: `star` is an object, `sum` math.
MATH_WORDS: dict[str, str] = {
    "leq": r"\leq", "le": r"\leq", "lessequal": r"\leq", "geq": r"\geq", "ge": r"\geq",
    "greaterequal": r"\geq", "neq": r"\neq", "ne": r"\neq", "notequal": r"\neq",
    "lt": "<", "less": "<", "gt": ">", "greater": ">", "eq": "=", "equal": "=", "equals": "=",
    "approx": r"\approx", "equiv": r"\equiv", "sim": r"\sim", "propto": r"\propto",
    "infty": r"\infty", "infinity": r"\infty", "sum": r"\sum", "sigma": r"\Sigma",
    "prod": r"\prod", "product": r"\prod", "integral": r"\int", "int": r"\int",
    "oint": r"\oint", "partial": r"\partial", "nabla": r"\nabla", "gradient": r"\nabla",
    "sqrt": r"\sqrt{x}", "root": r"\sqrt{x}", "pi": r"\pi", "alpha": r"\alpha", "beta": r"\beta",
    "gamma": r"\gamma", "delta": r"\Delta", "epsilon": r"\varepsilon", "theta": r"\theta",
    "lambda": r"\lambda", "mu": r"\mu", "phi": r"\varphi", "omega": r"\Omega",
    "plus": "+", "minus": "-", "pm": r"\pm", "plusminus": r"\pm", "times": r"\times",
    "multiply": r"\times", "div": r"\div", "divide": r"\div", "cdot": r"\cdot",
    "forall": r"\forall", "exists": r"\exists", "in": r"\in", "notin": r"\notin",
    "subset": r"\subset", "subseteq": r"\subseteq", "union": r"\cup", "cup": r"\cup",
    "intersection": r"\cap", "cap": r"\cap", "emptyset": r"\emptyset", "empty": r"\emptyset",
    "implies": r"\Rightarrow", "iff": r"\Leftrightarrow", "rightarrow": r"\rightarrow",
    "leftarrow": r"\leftarrow", "therefore": r"\therefore", "because": r"\because",
    "neg": r"\neg", "not": r"\neg", "land": r"\land", "lor": r"\lor", "oplus": r"\oplus",
    "otimes": r"\otimes", "degree": r"^\circ", "factorial": "n!", "percent": r"\%",
    "hbar": r"\hbar", "aleph": r"\aleph", "angle": r"\angle", "perp": r"\perp",
    "parallel": r"\parallel", "real": r"\mathbb{R}", "reals": r"\mathbb{R}",
    "naturals": r"\mathbb{N}", "integers": r"\mathbb{Z}", "complex": r"\mathbb{C}",
}
# Words that mark a file as a mathematical symbol even when the symbol is not in MATH_WORDS.
MATH_MARKERS = ("symbol", "math", "operator", "sign", "tex", "latex", "formula", "equation")


def words_of(text: str) -> list[str]:
    """Lower-case words of a file name or path: `MyFactory_icon-2.svg` -> my, factory, icon."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return [w for w in re.split(r"[^A-Za-z]+", text.lower()) if w]


def label_for(stem: str) -> str:
    """A short human label from a file stem: `dog_photo-2` -> `dog photo`."""
    words = words_of(stem)
    return " ".join(words[:4]) if words else "image"


def initials_for(stem: str) -> str:
    words = [w for w in words_of(stem) if w not in ("logo", "icon", "brand", "small", "big")]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].capitalize() if len(words[0]) > 1 else words[0].upper()
    return "".join(w[0] for w in words[:3]).upper()
