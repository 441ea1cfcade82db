"""What an asset depicts, from the words of its path and from its content.

Content is read as data only (XML for SVGs, Pillow for rasters), with size caps, never
executed. The result says which kind the asset is and carries what the builders need: the
aspect ratio and pixel size that fix the replacement's geometry, the dominant colours.

Kinds: character, icon (a recognisable object), logo, math, background, photo, diagram,
unknown; plus the non-visual kinds sound, code, data and font handled by the passes.
"""

from __future__ import annotations

import hashlib
import math
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..user_cache import load_json, store_json
from .builders import MATH_MARKERS, MATH_WORDS, OBJECT_WORDS, words_of

MAX_BYTES = 20_000_000  # larger files are classified by name only
SVG_SUFFIXES = (".svg",)
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".ico", ".bmp", ".webp", ".tif", ".tiff")

CHARACTER_WORDS = frozenset({
    "person", "people", "man", "woman", "men", "women", "boy", "girl", "child", "kid",
    "student", "teacher", "character", "human", "user", "users", "face", "avatar", "farmer",
    "worker", "player", "silhouette", "sitting", "standing", "walking", "pi", "creature",
    "stick", "stickman", "figure", "alice", "bob", "eve", "customer", "doctor", "speaker",
    "audience", "crowd", "friend", "mathematician", "scientist", "professor", "robot"})
LOGO_WORDS = frozenset({
    "logo", "brand", "patreon", "youtube", "github", "twitter", "facebook", "instagram",
    "linkedin", "discord", "reddit", "google", "apple", "microsoft", "python", "manim",
    "banner", "watermark", "channel", "subscribe", "sponsor", "emblem", "badge"})
BACKGROUND_WORDS = frozenset({
    "background", "bg", "backdrop", "wallpaper", "texture", "backgrounds", "scenery",
    "landscape", "panorama"})
DIAGRAM_WORDS = frozenset({
    "diagram", "chart", "graph", "plot", "figure", "fig", "schema", "scheme", "flowchart",
    "architecture", "pipeline", "layout", "table", "tree_diagram", "histogram", "benchmark",
    "results", "ms", "proof", "screenshot", "slide", "paper"})
PHOTO_WORDS = frozenset({
    "photo", "picture", "pic", "img", "image", "portrait", "dog", "cat", "animal", "rose",
    "kodak", "midjourney", "render", "shot", "snapshot", "camera_photo"})


@dataclass
class Content:
    """What was learnt from the file itself (all optional: a missing file has none)."""

    format: str | None = None  # svg | raster | None
    aspect: float | None = None  # width / height of the box manim sizes the mobject by
    visible: tuple[float, float] = (1.0, 1.0)  # SVG: share of that box the curves fill
    pixel_size: tuple[int, int] | None = None  # rasters: (width, height) in pixels
    mode: str | None = None  # rasters: Pillow's mode (RGB, RGBA, L, P, ...)
    paths: int = 0  # SVG: drawable elements
    texts: int = 0  # SVG: <text> elements and glyph references
    colors: list[str] = field(default_factory=list)  # dominant colours, "#rrggbb", most first
    n_colors: int = 0
    entropy: float = 0.0  # rasters: bits per pixel of the 64x64 thumbnail's histogram
    top_bottom: tuple[str, str] | None = None  # rasters: mean colours of top and bottom rows
    error: str | None = None


@dataclass
class Classification:
    kind: str  # character | icon | logo | math | background | photo | diagram | unknown
    builder: str  # name in builders.ALL_BUILDERS
    label: str | None = None  # the label / initials / LaTeX passed to the builder
    reason: str = ""


def inspect(path: Path) -> Content:
    """Read an SVG or raster file as data; never raises (errors land in `.error`).

    What a file holds depends on its bytes alone: a content is computed once per run for
    each distinct file content (`_SEEN`) and kept across runs in the user cache folder, so
    a repository whose scenes share a few hundred assets parses each of them once."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return Content(error="file too large to inspect")
        suffix = path.suffix.lower()
        svg = suffix in SVG_SUFFIXES or _looks_like_svg(path)
        key = f"{CACHE_VERSION}-{'svg' if svg else 'raster'}-" \
              f"{hashlib.sha256(path.read_bytes()).hexdigest()}"
        if key in _SEEN:
            return _copy(_SEEN[key])
        content = _cached(key)
        if content is None:
            content = _inspect_svg(path) if svg else _inspect_raster(path)
            _store(key, content)
        _SEEN[key] = content
        return _copy(content)
    except Exception as exc:  # noqa: BLE001 - any unreadable asset is just "unknown content"
        return Content(error=f"{type(exc).__name__}: {exc}")


CACHE_VERSION = 1  # bump when `Content` or what `_inspect_*` compute changes
_SEEN: dict[str, Content] = {}
_TUPLES = ("visible", "pixel_size", "top_bottom")


def _copy(content: Content) -> Content:
    return replace(content, colors=list(content.colors))


def _cached(key: str) -> Content | None:
    data = load_json(f"asset-content/{key}.json")
    if not isinstance(data, dict):
        return None
    try:
        for name in _TUPLES:
            if data.get(name) is not None:
                data[name] = tuple(data[name])
        return Content(**data)
    except TypeError:  # a cache of another shape
        return None


def _store(key: str, content: Content) -> None:
    """Kept only when the file was read fine: an error message may name the file's path."""
    if content.error is None:
        store_json(f"asset-content/{key}.json", asdict(content))


def _looks_like_svg(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(512).lstrip()
    return head.startswith((b"<?xml", b"<svg"))


def _inspect_svg(path: Path) -> Content:
    content = Content(format="svg")
    root = ET.parse(path).getroot()  # expat: no external entities, bounded expansion
    colors: dict[str, int] = {}
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("path", "rect", "circle", "ellipse", "polygon", "polyline", "line"):
            content.paths += 1
        elif tag in ("text", "tspan") or (tag == "use" and "glyph" in str(el.attrib)):
            content.texts += 1
        style = el.get("style", "")
        for key in ("fill", "stroke"):
            value = el.get(key) or _style_value(style, key)
            if value and value.startswith("#"):
                colors[_norm_hex(value)] = colors.get(_norm_hex(value), 0) + 1
    content.colors = [c for c, _ in sorted(colors.items(), key=lambda kv: (-kv[1], kv[0]))]
    content.n_colors = len(colors)
    content.aspect, content.visible = _svg_geometry(path, root)
    return content


def _style_value(style: str, key: str) -> str | None:
    for part in style.split(";"):
        name, _, value = part.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def _norm_hex(value: str) -> str:
    value = value.strip().lower()
    if len(value) == 4:  # #abc
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value[:7]


def _svg_geometry(path: Path, root: ET.Element) -> tuple[float | None, tuple[float, float]]:
    """(aspect, visible) of what SVGMobject draws. manim sizes an SVG by all its points,
    Bezier control points included (the hull); what shows is the curves' tight box, which
    is `visible` = (tight width / hull width, tight height / hull height) of it. Both come
    from svgelements, which manim itself parses SVGs with; the viewBox is the fallback."""
    try:
        import svgelements as se

        hull: list[tuple[float, float, float, float]] = []
        tight: list[tuple[float, float, float, float]] = []
        for el in se.SVG.parse(str(path)).elements():
            if not isinstance(el, (se.Path, se.SimpleLine, se.Rect, se.Circle, se.Ellipse,
                                   se.Polygon, se.Polyline)):
                continue
            box = el.bbox()
            if box is None:
                continue
            tight.append(tuple(map(float, box)))  # type: ignore[arg-type]
            hull.append(_hull(el, se) if isinstance(el, se.Path) else tight[-1])
        if tight:
            tx0, ty0, tx1, ty1 = _union(tight)
            hx0, hy0, hx1, hy1 = _union(hull)
            if hx1 > hx0 and hy1 > hy0:
                return (hx1 - hx0) / (hy1 - hy0), ((tx1 - tx0) / (hx1 - hx0),
                                                   (ty1 - ty0) / (hy1 - hy0))
    except Exception:  # noqa: BLE001, S110 - fall back to the declared size
        pass
    box = root.get("viewBox")
    if box:
        parts = box.replace(",", " ").split()
        if len(parts) == 4 and float(parts[3]) > 0:
            return float(parts[2]) / float(parts[3]), (1.0, 1.0)
    return None, (1.0, 1.0)


def _hull(path: object, se: object) -> tuple[float, float, float, float]:
    """Box of every anchor and control point, with quadratics raised to cubics and arcs
    turned into cubics as manim does."""
    points = []
    for seg in path.segments():  # type: ignore[attr-defined]
        if isinstance(seg, se.Arc):  # type: ignore[attr-defined]
            for cubic in seg.as_cubic_curves():
                points += [cubic.start, cubic.control1, cubic.control2, cubic.end]
        elif isinstance(seg, se.QuadraticBezier):  # type: ignore[attr-defined]
            c1 = seg.start + (seg.control - seg.start) * (2 / 3)
            c2 = seg.end + (seg.control - seg.end) * (2 / 3)
            points += [seg.start, c1, c2, seg.end]
        else:
            points += [p for p in (getattr(seg, "start", None), getattr(seg, "control1", None),
                                   getattr(seg, "control2", None), getattr(seg, "end", None))
                       if p is not None]
    xs, ys = [float(p.x) for p in points], [float(p.y) for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _inspect_raster(path: Path) -> Content:
    from PIL import Image

    with Image.open(path) as im:
        w, h = im.size
        mode = im.mode
        rgba = im.convert("RGBA")
    content = Content(format="raster", pixel_size=(w, h), aspect=w / h if h else None,
                      mode=mode)
    thumb = rgba.resize((64, 64))
    pixels = [p for p in thumb.getdata() if p[3] > 16]  # ignore transparent pixels
    if not pixels:
        return content
    counts: dict[tuple[int, int, int], int] = {}
    sums: dict[tuple[int, int, int], list[int]] = {}
    for r, g, b, _ in pixels:
        key = (r // 32, g // 32, b // 32)  # 512 bins: "how many colours" ignores noise
        counts[key] = counts.get(key, 0) + 1
        acc = sums.setdefault(key, [0, 0, 0])
        acc[0], acc[1], acc[2] = acc[0] + r, acc[1] + g, acc[2] + b
    total = len(pixels)
    content.n_colors = len(counts)
    content.entropy = -sum(c / total * math.log2(c / total) for c in counts.values())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    # Each dominant colour is the mean of its bin: exact for flat colours.
    content.colors = [_hex(tuple(v // n for v in sums[key])) for key, n in ranked[:3]]
    rows = [thumb.crop((0, 0, 64, 8)), thumb.crop((0, 56, 64, 64))]
    content.top_bottom = (_hex(_mean(rows[0])), _hex(_mean(rows[1])))
    return content


def _hex(rgb: tuple[int, ...]) -> str:
    return "#" + "".join(f"{v:02x}" for v in rgb[:3])


def _mean(im: object) -> tuple[int, int, int]:
    data = list(im.getdata())  # type: ignore[attr-defined]
    n = max(len(data), 1)
    return tuple(int(sum(p[i] for p in data) / n) for i in range(3))  # type: ignore[return-value]


def classify(rel_path: str, content: Content | None, context: str = "") -> Classification:
    """The kind and builder for an asset whose repo-relative path is `rel_path`. `context`
    is what the code around the reference says (a class name and docstring, the variable
    it is assigned to, a `Text` label beside it): it counts when the file name says nothing."""
    from .builders import label_for

    pure = PurePosixPath(rel_path)
    stem_words = words_of(pure.stem)
    label = label_for(pure.stem)
    math_tex = _math_symbol(stem_words)
    if math_tex is not None:
        return Classification("math", "math_symbol", math_tex, f"name says {math_tex}")
    found = _by_words(stem_words, set(words_of(rel_path)), pure.stem, label, "")
    if found is None and context:
        words = words_of(context)
        found = _by_words(words, set(words), pure.stem, label, " in the code around it")
    if found is not None:
        return found
    if content is not None and content.format == "svg":
        if content.texts >= 3 or content.paths >= 60:
            return Classification("diagram", "diagram_sketch", label,
                                  f"SVG with {content.paths} shapes and {content.texts} texts")
        if content.paths:
            return Classification("unknown", "labelled_box", label,
                                  f"SVG with {content.paths} shapes and no known word")
    if content is not None and content.format == "raster" and content.pixel_size:
        w = content.pixel_size[0]
        if w >= 1280 and content.aspect and abs(content.aspect - 16 / 9) < 0.05 \
                and content.entropy < 3.0:
            return Classification("background", "background_fill", None,
                                  "frame-sized image with few colours")
        if content.entropy >= 5.0 or set(stem_words) & PHOTO_WORDS:
            return Classification("photo", "photo_frame", label,
                                  f"{content.n_colors} colour bins, entropy {content.entropy:.1f}")
        if content.n_colors <= 24:
            return Classification("unknown", "labelled_box", label,
                                  f"flat image with {content.n_colors} colours, no known word")
        return Classification("photo", "photo_frame", label, "raster image")
    if set(stem_words) & PHOTO_WORDS:
        return Classification("photo", "photo_frame", label, "photo word")
    return Classification("unknown", "labelled_box", label, "nothing recognisable")


def _by_words(stem_words: list[str], all_words: set[str], stem: str, label: str, where: str
              ) -> Classification | None:
    from .builders import initials_for

    if all_words & LOGO_WORDS and not set(stem_words) & set(OBJECT_WORDS):
        return Classification("logo", "logo_badge", initials_for(stem), "logo word" + where)
    if set(stem_words) & CHARACTER_WORDS:
        return Classification("character", "stick_figure", None, "character word" + where)
    if set(stem_words) & BACKGROUND_WORDS:
        return Classification("background", "background_fill", None,
                              "background word" + where)
    for word in stem_words:
        if word in OBJECT_WORDS:
            return Classification("icon", OBJECT_WORDS[word], None,
                                  f"object word {word!r}{where}")
    if set(stem_words) & DIAGRAM_WORDS:
        return Classification("diagram", "diagram_sketch", label, "diagram word" + where)
    return None


def _math_symbol(words: list[str]) -> str | None:
    """LaTeX for a file named after a symbol: `leq.svg`, `symbol_integral.png`. Short words
    (`in`, `le`) only count when they are the whole name, so `zoom_in.png` is no `\\in`."""
    core = [w for w in words if w not in MATH_MARKERS]
    if len(core) == 1 and core[0] in MATH_WORDS and (
            len(core[0]) >= 4 or len(words) == 1 or len(core) < len(words)):
        return MATH_WORDS[core[0]]
    return None
