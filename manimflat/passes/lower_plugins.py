"""lower-plugins: scenes built on Manim plugins become plain Manim CE, by a policy per plugin.

Before: the closure is collected; pieces link plugin names ("from:manim_slides:Slide",
"star:manim_voiceover:VoiceoverScene", "mod:manim_slides"), and pieces of installed plugins
with policy `inline` came in from `<installed>/<package>/...` (analyses/plugins.py).
After: every plugin the scene uses has a policy in `flat.plugins`:

- `lower` (default for manim_slides, manim_presentation, manim_voiceover, manim_themes):
  each lowering is a `fixed` MF216 diagnostic; a name of the plugin with no lowering is an
  MF217 error naming it. Repository definitions only the removed plugin calls used (a speech
  service class, a themes folder computed from `__file__`) go too. Narrations are in
  `flat.narration`.
- `inline` (default for an installed pure-Python plugin): its definitions were resolved,
  tree-shaken, ordered and deconflicted like repository helpers; the first of them carries a
  comment naming the distribution, its version and license (MF224).
- `allow`: the import stays (the plugin is an allowed import; `requires` lists it).
- `reject` (default for a plugin that is not installed, or ships extension modules or data
  files, which can only be allowed): an MF222 error naming the plugin and the package to
  install, or how to allow it.

An optional import of a plugin that is neither inlined, allowed nor installed (`try: from
manim_physics import X` / `except ImportError: X = ...`) becomes its fallback, since that is
what runs on plain Manim CE (MF225). When the fallback binds less than the import (a star
import binds names nobody can list), the module is read with the fallback in place: a name
the code then lacks is an MF222 error naming it. Flags the fallback sets (`HAVE_X = False`,
assigned nowhere else) are constants there: inside its definitions, `if not HAVE_X: return
...` keeps only the branch that runs without the plugin, so code needing the plugin's names
goes with the branch that never runs.

The policy is the caller's (`plugins` in the caller's [tool.manimflat], `plugins=` of the
library, `--plugin NAME=POLICY`); the scanned repository cannot choose it (MF113).

The lowerings (the plugins' own semantics, in plain Manim):

| plugin code | plain Manim CE |
| --- | --- |
| base `Slide` (manim_slides, manim_presentation), `VoiceoverScene` | `Scene` (dropped when another Scene base is there) |
| base `ThreeDSlide` | `ThreeDScene` |
| `self.next_slide(...)`, `pause()`, `start_loop()`, `end_loop()` | `self.wait()`: the deck pauses there |
| `self.wipe(current, future, direction=D)` | `self.play(slides_wipe(current, future, shift=D * frame size))` |
| `self.zoom(current, future, ...)` | `self.play(slides_zoom(current, future, ...))` |
| `..., return_animation=True)` | the animation itself |
| `self.wait_time_between_slides = x`, `self.set_speech_service(...)` | removed |
| `with self.voiceover(text=T) as tracker:` | `with Narration(self, T) as tracker:` |
| `self.wait_until_bookmark(m)`, `self.wait_for_voiceover()` | the same on `self.narration` |
| `apply_theme(scene, name, themes_dir=D, ...)` (manim_themes) | `themes_apply(scene, name, ...)`, with the repository's `.itermcolors` themes embedded in `MANIM_THEMES` |

`slides_wipe`, `slides_zoom`, `Narration` and `themes_apply` are defined in the output, as
plain Manim: the first two build the same `AnimationGroup` of `FadeIn`/`FadeOut` as
manim_slides' `Wipe` and `Zoom`; `Narration` keeps what manim_voiceover's tracker gives a
scene (`duration`, `get_remaining_duration()`, `time_until_bookmark()`, waiting out the rest
of the narration when the block ends) with the speech's duration estimated from its text at
150 words a minute; `themes_apply` sets manim's colours and defaults as manim_themes 0.1.3
does, from the theme files the repository ships (parsed with plistlib at flatten time; a
theme the plugin would download is MF223).

Known limits: a method of the same name defined by the repo itself (a local `pause`) is the
repo's and is kept; slide canvas methods and other plugin names have no lowering (MF217).
Plugins that register a `manim.plugins` entry point are imported by every `import manim`, so
one installed for inlining must import cleanly with the installed manim.
"""

from __future__ import annotations

import ast
import plistlib
import re
from collections import Counter
from dataclasses import dataclass

import libcst as cst

from ..analyses import plugins
from ..analyses.plugins import LOWERED
from ..assets.rewrite import piece_names, taken_names
from ..diagnostics import Severity
from ..files import repo_files
from ..ir import Flat, Piece
from ..pass_manager import Pass
from ..verify.static import undefined_uses

SLIDES = frozenset({"manim_slides", "manim_presentation"})
VOICEOVER = frozenset({"manim_voiceover"})
THEMES = frozenset({"manim_themes"})
PLUGINS = SLIDES | VOICEOVER | THEMES
assert PLUGINS == LOWERED
SCENE_BASES = {"Slide": "Scene", "ThreeDSlide": "ThreeDScene", "VoiceoverScene": "Scene"}
SLIDE_PAUSES = frozenset({"next_slide", "pause", "start_loop", "end_loop"})
REMOVED = frozenset({"set_speech_service"})
ON_NARRATION = {"wait_until_bookmark": "wait_until_bookmark",
                "wait_for_voiceover": "wait_for_voiceover"}
TRIGGERS = frozenset({*SCENE_BASES, *SLIDE_PAUSES, *REMOVED, *ON_NARRATION, "wipe", "zoom",
                      "voiceover", "wait_time_between_slides", "apply_theme"})

WORDS_PER_SECOND = 2.5  # 150 words a minute, an unhurried narrator
BOOKMARK = r"<bookmark\s*mark\s*=\s*['\"]([^'\"]*)['\"]\s*/>"

HELPERS = {
    "slides_wipe": '''
def slides_wipe(current=(), future=(), shift=LEFT, fade_in_kwargs=None, fade_out_kwargs=None,
                **kwargs):
    """manim_slides' wipe: fade the future mobjects in and the current ones out, shifted."""
    return AnimationGroup(
        *[FadeIn(m, shift=shift, **(fade_in_kwargs or {})) for m in future or ()],
        *[FadeOut(m, shift=shift, **(fade_out_kwargs or {})) for m in current or ()],
        **kwargs)
''',
    "slides_zoom": '''
def slides_zoom(current=(), future=(), scale=4.0, out=False, fade_in_kwargs=None,
                fade_out_kwargs=None, **kwargs):
    """manim_slides' zoom: fade the future mobjects in and the current ones out, scaled."""
    scale_in, scale_out = (scale, 1 / scale) if out else (1 / scale, scale)
    return AnimationGroup(
        *[FadeIn(m, scale=scale_in, **(fade_in_kwargs or {})) for m in future or ()],
        *[FadeOut(m, scale=scale_out, **(fade_out_kwargs or {})) for m in current or ()],
        **kwargs)
''',
    "Narration": f'''
class Narration:
    """A narration (once spoken by manim_voiceover): its text lasts {WORDS_PER_SECOND:g} words a
    second; leaving the block waits out the rest of it, as the voiceover did."""

    def __init__(self, scene, text="", **kwargs):
        parts = re.split(r"{BOOKMARK}", str(text))
        spoken = "".join(parts[::2])
        self.scene, self.text, self.start = scene, " ".join(spoken.split()), scene.time
        self.duration = len(spoken.split()) / {WORDS_PER_SECOND}
        self.bookmarks = {{}}
        for i in range(1, len(parts), 2):
            before = len("".join(parts[:i:2]))
            self.bookmarks[parts[i]] = self.duration * before / max(len(spoken), 1)
        scene.narration = self

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.wait_for_voiceover()

    def get_remaining_duration(self, buff=0.0):
        return max(self.start + self.duration - self.scene.time + buff, 0.0)

    def time_until_bookmark(self, mark, buff=0.0, limit=None):
        left = max(self.start + self.bookmarks[mark] - self.scene.time + buff, 0.0)
        return left if limit is None else min(limit, left)

    def wait_until_bookmark(self, mark):
        self._wait(self.time_until_bookmark(mark))

    def wait_for_voiceover(self):
        self._wait(self.get_remaining_duration())

    def _wait(self, seconds):
        if seconds > 1 / config.frame_rate:
            self.scene.wait(seconds)
''',
    "themes_apply": '''
def themes_apply(manim_scene, theme_name, themes_dir=None,
                 skip_default_constructor_adjustment=False, **kwargs):
    """manim_themes' apply_theme (after manim_themes 0.1.3, MIT): manim's colours become those
    of the iTerm2 theme, from the repository's .itermcolors files (embedded in MANIM_THEMES)."""
    import manim as m

    theme = {key: m.ManimColor(value) for key, value in MANIM_THEMES[theme_name].items()}
    m.WHITE, m.BLACK = theme["Ansi 7 Color"], theme["Ansi 0 Color"]
    for names, ansi in (("GRAY", "GREY"), 8), (("BLUE",), 4), (("TEAL",), 6), (("GREEN",), 2), \\
            (("YELLOW",), 3), (("GOLD",), 11), (("RED",), 1), (("MAROON",), 9), \\
            (("PURPLE",), 5):
        base = theme[f"Ansi {ansi} Color"]
        shades = (base.lighter(0.2), base.lighter(0.1), base, base.darker(0.1), base.darker(0.2))
        for name in names:
            setattr(m, name, base)
            for letter, shade in zip("ABCDE", shades):
                setattr(m, f"{name}_{letter}", shade)
    m.DARK_BLUE = m.BLUE_E
    m.LIGHTER_GRAY, m.LIGHTER_GREY, m.LIGHT_GRAY, m.LIGHT_GREY = m.GRAY_A, m.GREY_A, m.GRAY_B, m.GRAY_B
    m.DARK_GRAY, m.DARK_GREY, m.DARKER_GRAY, m.DARKER_GREY = m.GRAY_D, m.GREY_D, m.GRAY_E, m.GREY_E
    m.PINK, m.LIGHT_PINK = theme["Ansi 5 Color"], theme["Ansi 13 Color"]
    m.ORANGE = 0.5 * m.RED + 0.5 * m.YELLOW
    m.LIGHT_BROWN, m.DARK_BROWN = m.ORANGE.lighter(0.1), m.ORANGE.darker(0.1)
    m.GRAY_BROWN = 0.5 * m.LIGHT_BROWN + 0.5 * m.GRAY
    m.GREY_BROWN = 0.5 * m.LIGHT_BROWN + 0.5 * m.GREY
    manim_scene.camera.background_color = theme["Background Color"]
    if skip_default_constructor_adjustment:
        return
    for cls in (m.Text, m.Tex, m.MathTex, m.Mobject, m.VMobject, m.Rectangle, m.AnnularSector,
                m.Angle, m.Annulus, m.Arrow, m.Arrow3D, m.ArrowVectorField, m.CubicBezier,
                m.DashedVMobject, m.Dot, m.Dot3D, m.Line, m.Line3D, m.MarkupText, m.Polygon,
                m.SingleStringMathTex, m.StreamLines, m.VectorField):
        cls.set_default(color=m.WHITE)
    m.AnnotationDot.set_default(stroke_color=m.WHITE, fill_color=m.BLUE)
    m.AnnotationDot.set_default(stroke_color=m.WHITE)
    m.Arc.set_default(stroke_color=m.WHITE)
    m.TracedPath.set_default(stroke_color=m.WHITE)
    m.Code.set_default(font="Courier New", color=m.WHITE)
    m.NumberPlane.set_default(background_line_style={"stroke_color": m.GRAY},
                              x_axis_config={"stroke_color": m.WHITE},
                              y_axis_config={"stroke_color": m.WHITE})
    m.Table.set_default(line_config={"color": m.WHITE})
''',
}
HELPER_IMPORTS = {"Narration": "import re"}


def _split(key: str) -> tuple[str, str]:
    """(module, attribute) of a link key: "from:manim_slides.slide:Slide" ->
    ("manim_slides.slide", "Slide"); "mod:manim_slides" -> ("manim_slides", "")."""
    kind, _, rest = key.partition(":")
    if kind in ("from", "star"):
        module, _, attr = rest.partition(":")
        return module, attr
    return (rest, "") if kind == "mod" else ("", "")


def top_of(key: str) -> str:
    """The top-level module a link key points into ("" for repository and builtin names)."""
    return _split(key)[0].split(".")[0]


def plugin_of(key: str, among: frozenset[str] = PLUGINS) -> str | None:
    """The lowered plugin a link key points into, or None."""
    top = top_of(key)
    return top if top in among else None


@dataclass(frozen=True)
class LowerPlugins(Pass):
    NAME = "lower-plugins"
    DESCRIPTION = ("Manim plugins become plain Manim CE: lowered, inlined from the installed "
                   "package, allowed or rejected, by policy")
    NEEDS = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        chosen, allowed = flat.settings.plugins, flat.settings.allowed_imports
        found = {top for p in flat.pieces for k in p.links.values()
                 if (top := top_of(k)) and plugins.is_plugin(top, allowed)}
        inlined = {t for p in flat.pieces if (t := plugins.plugin_of_path(p.module))}
        policies = {top: plugins.policy(top, chosen) for top in found}
        policies.update({top: "inline" for top in inlined})
        used = frozenset(t for t, policy in policies.items() if policy == "lower" and t in PLUGINS)
        fallbacks = [_absent_fallback(flat, piece, chosen, allowed) for piece in flat.pieces]
        if used:
            self._lower(flat, used)
        for top in sorted(inlined):
            self._head_block(flat, top)
        rejected: set[str] = set()
        for piece in flat.pieces:
            for name, key in piece.links.items():
                top = top_of(key)
                if top in used:
                    flat.report("MF217", f"`{name}` of {top} has no lowering to plain Manim "
                                "CE; rewrite it with manim's own API", path=piece.module,
                                line=piece.line or None)
                elif top in policies and policies[top] != "allow" and top not in rejected:
                    rejected.add(top)
                    policies[top] = "reject"
                    flat.report("MF222", f"`{name}` of the Manim plugin {top}: "
                                f"{plugins.why_rejected(top, chosen)}", path=piece.module,
                                line=piece.line or None)
        flat.plugins.update(dict(sorted(policies.items())))
        return frozenset({"names"}) if not (used or inlined or any(fallbacks)) else frozenset()

    def _lower(self, flat: Flat, used: frozenset[str]) -> None:
        defined = {name for p in flat.pieces for name in _defined_functions(p)}
        taken = taken_names(flat)
        # the helpers' output names, free in this file (as the asset builders' are)
        names = {h: next(n for n in (h, *(f"{h}_{i}" for i in range(2, 99))) if n not in taken)
                 for h in (*HELPERS, "MANIM_THEMES")}
        helpers: set[str] = set()
        first = None
        orphans: set[str] = set()
        for i, piece in enumerate(flat.pieces):
            if not any(word in _text(piece) for word in TRIGGERS):
                continue
            tree = ast.parse(_text(piece))
            lowering = _Lower(piece, defined, bool(used & SLIDES), names,
                              _string_constants(tree), used)
            lines = _voiceover_lines(piece, tree)
            new = piece.node.visit(lowering)
            if not lowering.changes:
                continue
            piece.node = new  # type: ignore[assignment]
            still = piece_names(flat, piece)  # links of names the lowering removed go
            orphans |= {v for k, v in piece.links.items() if k not in still}
            piece.links = {k: v for k, v in piece.links.items() if k in still}
            helpers |= lowering.helpers
            flat.narration += [{"text": text or None,
                                "duration": round(duration(text), 2) if text else None,
                                "module": piece.module, "line": line}
                               for text, line in zip(lowering.narrations, lines)]
            first = i if first is None else first
            for what in sorted(set(lowering.changes)):
                flat.report("MF216", f"{what} of {', '.join(sorted(used))}: lowered to plain "
                            "Manim CE",
                            severity=Severity.FIXED, path=piece.module, line=piece.line or None)
        lowered = flat.pieces[first] if first is not None else None
        _drop_orphans(flat, orphans)
        at = next((i for i, p in enumerate(flat.pieces) if p is lowered), 0)  # helpers above it
        self._add_helpers(flat, helpers, names, at)
        if "themes_apply" in helpers:  # the data above the helper that reads it
            self._embed_themes(flat, names["MANIM_THEMES"], at)

    @staticmethod
    def _embed_themes(flat: Flat, name: str, first: int) -> None:
        """The repository's iTerm2 themes (what manim_themes' apply_theme reads) as a dict of
        hex colours; plistlib parses data, it runs nothing."""
        themes: dict[str, dict[str, str]] = {}
        program = flat.program
        for rel in repo_files(program.root, program.exclude, suffix=".itermcolors"):
            path = program.root / rel
            try:
                data = plistlib.loads(path.read_bytes())
                themes[path.stem] = {key: "#{:02X}{:02X}{:02X}".format(*(
                    round(float(value[f"{c} Component"]) * 255)
                    for c in ("Red", "Green", "Blue"))) for key, value in sorted(data.items())}
            except (OSError, ValueError, KeyError, TypeError, plistlib.InvalidFileException):
                continue
        if not themes:
            flat.report("MF223", "manim_themes' apply_theme reads an iTerm2 theme "
                        "(.itermcolors) that the repository does not ship (the plugin "
                        "downloads it at run time); add the theme file to the repository",
                        path=flat.scene.path, line=flat.scene.line)
        body = ",\n".join(f"    {k!r}: {v!r}" for k, v in sorted(themes.items()))
        source = (f"# The repository's iTerm2 themes, as manim_themes reads them\n"
                  f"{name} = {{\n{body}\n}}\n")
        flat.pieces.insert(first, Piece(None, 0, frozenset({name}), origin=f"manimflat:{name}",
                                        tree=cst.parse_statement(source)))

    @staticmethod
    def _head_block(flat: Flat, top: str) -> None:
        """The comment naming the package, version and license above its inlined code."""
        found = plugins.installed(top)
        piece = next((p for p in flat.pieces if plugins.plugin_of_path(p.module) == top), None)
        if found is None or piece is None:
            return
        text, _ = flat.source_of(piece)
        piece.edit_text(f"{found.header}\n{text}")
        flat.report("MF224", f"{found.distribution} {found.version} (license: {found.license}): its "
                    f"definitions the scene uses are inlined", severity=Severity.FIXED,
                    path=piece.module, line=piece.line or None)

    @staticmethod
    def _add_helpers(flat: Flat, helpers: set[str], names: dict[str, str], first: int) -> None:
        pieces = []
        for name in sorted(helpers):
            out = names[name]
            source = HELPERS[name].strip().replace(f" {name}(", f" {out}(", 1).replace(
                f"class {name}:", f"class {out}:", 1).replace(
                "MANIM_THEMES[", f"{names['MANIM_THEMES']}[")
            pieces.append(Piece(None, 0, frozenset({out}), origin=f"manimflat:{name}",
                                tree=cst.parse_statement(source + "\n")))
        flat.pieces[first:first] = pieces
        for name in sorted(helpers):
            line = HELPER_IMPORTS.get(name)
            if line and line not in flat.header:
                flat.header.append(line)


_CATCHES = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _absent_fallback(flat: Flat, piece: Piece, chosen: dict[str, str],
                     allowed: tuple[str, ...]) -> bool:
    """`try: from manim_physics import *` / `except ImportError: <fallback>`, for a plugin
    that is not inlined or allowed: in plain Manim CE the plugin is absent, so the fallback
    is what runs; it replaces the statement (MF225), binding the caught exception if named."""
    text = _text(piece)
    if "try" not in text or "import" not in text:
        return False
    try:
        stmt = ast.parse(text).body[0]
    except (SyntaxError, IndexError):
        return False
    if not isinstance(stmt, ast.Try) or stmt.finalbody or stmt.orelse or not stmt.handlers:
        return False
    tops = {(a.name if isinstance(n, ast.Import) else n.module or "").split(".")[0]
            for n in stmt.body if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names}
    plugin = sorted(t for t in tops if plugins.is_plugin(t, allowed)
                    and plugins.policy(t, chosen) != "allow"
                    and not flat.program.inline_plugin(t) and not (
                        t in PLUGINS and plugins.installed(t) is not None))
    handler = stmt.handlers[0]
    caught = handler.type
    names = {caught.id} if isinstance(caught, ast.Name) else {
        e.id for e in caught.elts if isinstance(e, ast.Name)} if isinstance(
        caught, ast.Tuple) else {"BaseException"} if caught is None else set()
    if not plugin or not names & _CATCHES or any(
            isinstance(n, ast.ImportFrom) and n.level for n in stmt.body):
        return False
    lines = text.splitlines()
    body = lines[handler.body[0].lineno - 1:handler.body[-1].end_lineno]
    indent = min(len(line) - len(line.lstrip()) for line in body if line.strip())
    code = [line[indent:] for line in body]
    if handler.name:
        code.insert(0, f"{handler.name} = ModuleNotFoundError(\"No module named "
                       f"'{plugin[0]}'\")")
    head = lines[:stmt.lineno - 1]  # the comments above it
    fallback = "\n".join([*head, *code]) + "\n"
    folds: list[tuple[Piece, str]] = []
    set_flags = _fallback_flags(handler.body)
    if not _binds(stmt.body) <= _binds(handler.body):  # a star import, or names it lacks
        # Whether the module needs a name only the plugin binds: read its text with the
        # fallback in place (a `try` of a star import tells nothing by itself).
        lacking = _undefined_with(flat, piece, text, fallback, allowed)
        flags = _flags_in_module(flat, piece, text, fallback, set_flags)
        if lacking and flags:
            # Code the fallback's own flags rule out (`if not HAVE_PHYSICS: return ...`) is
            # what never runs without the plugin: fold it, and look again.
            folds = [(p, folded) for p in flat.pieces if p is not piece
                     and p.module == piece.module
                     and (folded := fold_flags(_text(p), flags)) != _text(p)]
            lacking = _undefined_with(flat, piece, text, fallback, allowed, flags)
        if lacking:
            flat.report("MF222", f"optional import of the Manim plugin {', '.join(plugin)} "
                        f"whose fallback does not define {', '.join(sorted(lacking))}, which "
                        f"the code uses; {plugins.why_rejected(plugin[0], chosen)}",
                        path=piece.module, line=piece.line or None)
            return False
    piece.edit_text(fallback)
    for other, folded in folds:
        other.edit_text(folded)
        still = piece_names(flat, other)
        other.links = {k: v for k, v in other.links.items() if k in still}
    if folds and all(isinstance(n, ast.Pass) or isinstance(n, ast.Assign) and
                     _fallback_flags([n]) for n in handler.body) and not any(
            f"{piece.module}:{name}" in p.links.values() for p in flat.pieces
            if p is not piece for name in set_flags):
        # the fallback only set flags, and nothing reads them once folded
        flat.pieces = [p for p in flat.pieces if p is not piece]
    still = piece_names(flat, piece)
    piece.links = {k: v for k, v in piece.links.items() if k in still}
    folded = f"; what its flags rule out is folded away in {len(folds)} definition(s)" \
        if folds else ""
    flat.report("MF225", f"optional import of {', '.join(plugin)}: the plugin is absent in "
                f"plain Manim CE, so the fallback the code has for that runs{folded}",
                severity=Severity.FIXED, path=piece.module, line=piece.line or None)
    return True


def _module_with(flat: Flat, piece: Piece, text: str, fallback: str) -> str:
    """The text of the piece's module with its statement `text` replaced by `fallback`."""
    info = flat.program.module(piece.module) if piece.module else None
    source = info.source if info is not None and text in info.source else text
    return source.replace(text, fallback, 1)


def _flags_in_module(flat: Flat, piece: Piece, text: str, fallback: str,
                     flags: dict[str, bool]) -> dict[str, bool]:
    return constant_flags(_module_with(flat, piece, text, fallback), flags) if flags else {}


def _undefined_with(flat: Flat, piece: Piece, text: str, fallback: str,
                    allowed: tuple[str, ...], flags: dict[str, bool] | None = None) -> set[str]:
    """Names undefined in the piece's module once `text` (its statement) is `fallback` (and
    the code `flags` rule out is folded away): the names the code needs that only the
    plugin's import would have bound."""
    source = _module_with(flat, piece, text, fallback)
    return set(undefined_uses(fold_flags(source, flags) if flags else source, allowed))


def _fallback_flags(body: list[ast.stmt]) -> dict[str, bool]:
    """`HAVE_X = False`-style flags a fallback sets: name -> value."""
    return {node.targets[0].id: node.value.value for node in body
            if isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, bool)}


class _FoldFlags(cst.CSTTransformer):
    """Inside a function or class, `if FLAG:` / `if not FLAG:` with FLAG's value known: the
    branch taken replaces the `if`, and when it ends in `return` or `raise`, the statements
    after it in that block go (never reached). A module-level `if` stays one statement."""

    def __init__(self, flags: dict[str, bool]) -> None:
        self.flags, self.depth = flags, 0
        self.exits: set[int] = set()  # ids of the spliced return/raise lines

    def _value(self, test: cst.BaseExpression) -> bool | None:
        if isinstance(test, cst.Name) and test.value in self.flags:
            return self.flags[test.value]
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self._value(test.expression)
            return None if inner is None else not inner
        return None

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.BaseStatement | \
            cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        value = self._value(updated.test)
        if value is None or self.depth == 0:
            return updated
        branch = updated.body if value else updated.orelse
        if branch is None:
            return cst.RemoveFromParent()
        if isinstance(branch, cst.If):  # an elif: the rest of the chain
            return branch
        block = branch.body if isinstance(branch, cst.Else) else branch
        if not isinstance(block, cst.IndentedBlock):
            return updated
        last = block.body[-1]
        if isinstance(last, cst.SimpleStatementLine) and any(
                isinstance(s, (cst.Return, cst.Raise)) for s in last.body):
            self.exits.add(id(last))
        return cst.FlattenSentinel(block.body)

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.IndentedBlock:
        self.depth -= 1
        body = list(updated.body)
        for i, stmt in enumerate(body):
            if id(stmt) in self.exits:
                return updated.with_changes(body=body[:i + 1])
        return updated


def fold_flags(code: str, flags: dict[str, bool]) -> str:
    """`code` with what `flags` decide folded (see _FoldFlags); unchanged if libcst cannot
    parse it as a module."""
    try:
        return cst.parse_module(code).visit(_FoldFlags(flags)).code
    except cst.ParserSyntaxError:
        return code


def constant_flags(code: str, flags: dict[str, bool]) -> dict[str, bool]:
    """The flags `code` (a whole module, fallback in place) assigns exactly once and never
    rebinds with `global`: their value is a constant there."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    stores = Counter(n.id for n in ast.walk(tree)
                     if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    rebound = {name for n in ast.walk(tree) if isinstance(n, (ast.Global, ast.Nonlocal))
               for name in n.names}
    return {k: v for k, v in flags.items() if stores[k] == 1 and k not in rebound}


def _binds(body: list[ast.stmt]) -> set[str]:
    """Names the statements bind at their level; "*" for a star import."""
    out: set[str] = set()
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
    return out


def _drop_orphans(flat: Flat, orphans: set[str]) -> None:
    """Remove the repository definitions only the lowered plugin calls used (a themes folder
    computed from `__file__`), and what only they used, transitively."""
    while orphans:
        users: dict[str, set[int]] = {}  # key -> the pieces that use it (a class names itself)
        for i, p in enumerate(flat.pieces):
            for v in (*p.links.values(), *p.chains.values()):
                users.setdefault(v, set()).add(i)
        gone = [p for i, p in enumerate(flat.pieces) if p.module and p.binds
                and all(f"{p.module}:{b}" in orphans
                        and users.get(f"{p.module}:{b}", set()) <= {i} for b in p.binds)]
        if not gone:
            return
        orphans = {v for p in gone for v in p.links.values()}
        flat.pieces = [p for p in flat.pieces if p not in gone]


def duration(text: str) -> float:
    """Seconds a narration of `text` lasts at the speaking rate (bookmark tags are silent)."""
    return len(re.sub(BOOKMARK, " ", text).split()) / WORDS_PER_SECOND


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Names the piece assigns exactly once, to a string literal (`my_text = "..."`): what a
    narration's `text=my_text` says."""
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    value = node.value
                    found.setdefault(target.id, []).append(
                        value.value if isinstance(value, ast.Constant)
                        and isinstance(value.value, str) else "")
    return {k: v[0] for k, v in found.items() if len(v) == 1 and v[0]}


def _voiceover_lines(piece: Piece, tree: ast.Module) -> list[int | None]:
    """The source line of each `.voiceover(` call of the piece (parsed as `tree`), in order."""
    offset = piece.line - tree.body[0].lineno if piece.line and tree.body else None
    calls = sorted((n.lineno, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.Call)
                   and isinstance(n.func, ast.Attribute) and n.func.attr == "voiceover")
    return [None if offset is None else line + offset for line, _ in calls]


def _text(piece: Piece) -> str:
    return piece.text if piece.text is not None else cst.Module([]).code_for_node(piece.node)


def _defined_functions(piece: Piece) -> set[str]:
    """Functions and methods the repo defines in this piece: a local `pause` is the repo's."""
    try:
        tree = ast.parse(_text(piece))
    except SyntaxError:
        return set()
    return {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _call_method(node: cst.BaseExpression) -> tuple[cst.BaseExpression, str] | None:
    """(receiver, method) of `receiver.method(...)`."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.value, node.func.attr.value
    return None


def _kwarg(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword and a.keyword.value == name), None)


def _expr(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


class _Lower(cst.CSTTransformer):
    def __init__(self, piece: Piece, defined: set[str], slides: bool,
                 names: dict[str, str], strings: dict[str, str], used: frozenset[str]) -> None:
        super().__init__()
        self.used = used
        self.strings = strings
        self.narrations: list[str] = []
        self.links = piece.links
        self.defined = defined
        self.slides = slides
        self.names = names
        self.changes: list[str] = []
        self.helpers: set[str] = set()
        self.pending: str | None = None  # the narration of the `with` being left

    def _plugin_name(self, node: cst.BaseExpression) -> str | None:
        """The plugin scene type `node` names (`Slide`, `manim_slides.Slide`), or None."""
        if isinstance(node, cst.Name):
            key = self.links.get(node.value, "")
            return _split(key)[1] or None if plugin_of(key, self.used) else None
        if isinstance(node, cst.Attribute):
            root: cst.BaseExpression = node
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(root, cst.Name) and plugin_of(self.links.get(root.value, ""),
                                                        self.used):
                return node.attr.value
        return None

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef
                       ) -> cst.ClassDef:
        bases = list(updated_node.bases)
        lowered = [(i, name) for i, a in enumerate(bases)
                   if (name := self._plugin_name(a.value)) in SCENE_BASES and name is not None]
        if not lowered:
            return updated_node
        other_scene = any(i not in dict(lowered) and _looks_like_scene(a.value)
                          for i, a in enumerate(bases))
        for i, name in reversed(lowered):
            self.changes.append(f"base `{name}`")
            if other_scene:
                del bases[i]
            else:
                bases[i] = bases[i].with_changes(value=cst.Name(SCENE_BASES[name]))
        if bases:
            bases[-1] = bases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(bases=bases)

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr
                   ) -> cst.Expr | cst.RemovalSentinel:
        found = _call_method(updated_node.value)
        if found is None or found[1] in self.defined:
            return updated_node
        receiver, method = found
        if method in SLIDE_PAUSES and self.slides:
            self.changes.append(f"`{method}()`")
            return updated_node.with_changes(value=cst.Call(
                func=cst.Attribute(value=receiver, attr=cst.Name("wait"))))
        if method in REMOVED:
            self.changes.append(f"`{method}()`")
            return cst.RemovalSentinel.REMOVE
        if method in ("wipe", "zoom") and self.slides:
            call = updated_node.value
            assert isinstance(call, cst.Call)
            animation = self._slide_animation(receiver, method, call)
            if _kwarg(call, "return_animation") is not None:
                return updated_node.with_changes(value=animation)
            return updated_node.with_changes(value=cst.Call(
                func=cst.Attribute(value=receiver, attr=cst.Name("play")),
                args=[cst.Arg(animation)]))
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call
                   ) -> cst.BaseExpression:
        if self._plugin_name(updated_node.func) == "apply_theme":
            self.changes.append("`apply_theme()`")
            self.helpers.add("themes_apply")
            # the themes are embedded: the folder they were read from is not needed
            args = [a for i, a in enumerate(updated_node.args) if not (
                (a.keyword and a.keyword.value == "themes_dir") or (not a.keyword and i == 2))]
            if args:
                args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(func=cst.Name(self.names["themes_apply"]),
                                             args=args)
        found = _call_method(updated_node)
        if found is None or found[1] in self.defined:
            return updated_node
        receiver, method = found
        if method in ("wipe", "zoom") and self.slides and _kwarg(updated_node, "return_animation"):
            return self._slide_animation(receiver, method, updated_node)
        if method == "voiceover":
            self.changes.append("`voiceover()` narration")
            self.helpers.add("Narration")
            text = _kwarg(updated_node, "text") or (updated_node.args[0] if updated_node.args
                                                    and not updated_node.args[0].keyword else None)
            args = [cst.Arg(receiver)] + ([cst.Arg(text.value)] if text else [])
            said = self._said(text.value) if text else None
            self.narrations.append(said or "")
            self.pending = said
            return cst.Call(func=cst.Name(self.names["Narration"]), args=args)
        if method in ON_NARRATION:
            self.changes.append(f"`{method}()`")
            self.helpers.add("Narration")
            return updated_node.with_changes(func=cst.Attribute(
                value=cst.Attribute(value=receiver, attr=cst.Name("narration")),
                attr=cst.Name(ON_NARRATION[method])))
        return updated_node

    def _said(self, node: cst.BaseExpression) -> str | None:
        """The narration's words, when the code states them (a literal or a name assigned
        one literal in this piece)."""
        if isinstance(node, cst.SimpleString):
            value = ast.literal_eval(node.value)
            return value if isinstance(value, str) else None
        if isinstance(node, cst.Name):
            return self.strings.get(node.value)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, right = self._said(node.left), self._said(node.right)
            return left + right if left is not None and right is not None else None
        return None

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.With:
        said, self.pending = self.pending, None
        if not said:
            return updated_node
        words = " ".join(re.sub(BOOKMARK, " ", said).split())
        comment = cst.EmptyLine(comment=cst.Comment(
            f"# Narration ({duration(said):.1f} s): {words}"[:300]))
        return updated_node.with_changes(leading_lines=[*updated_node.leading_lines, comment])

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        body = [s for s in updated_node.body if not (
            isinstance(s, cst.Assign) and len(s.targets) == 1
            and isinstance(s.targets[0].target, cst.Attribute)
            and s.targets[0].target.attr.value == "wait_time_between_slides")]
        if len(body) == len(updated_node.body):
            return updated_node
        self.changes.append("`wait_time_between_slides`")
        return updated_node.with_changes(body=body) if body else cst.RemovalSentinel.REMOVE

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        if not updated_node.body:  # every statement of the block was a removed plugin call
            return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
        return updated_node

    def _slide_animation(self, receiver: cst.BaseExpression, method: str,
                         call: cst.Call) -> cst.Call:
        self.changes.append(f"`{method}()`")
        helper = f"slides_{method}"
        self.helpers.add(helper)
        helper = self.names[helper]
        args = [a for a in call.args if not (a.keyword and a.keyword.value in (
            "return_animation", "direction"))]
        if method == "wipe" and _kwarg(call, "shift") is None:
            direction = _kwarg(call, "direction")
            d = cst.Module([]).code_for_node(direction.value) if direction else "LEFT"
            if not re.fullmatch(r"[\w.]+", d):
                d = f"({d})"
            # manim_slides scales the direction by the frame's size
            args.append(cst.Arg(keyword=cst.Name("shift"), value=_expr(
                f"{d} * [config.frame_width, config.frame_height, 0]"), equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""))))
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return cst.Call(func=cst.Name(helper), args=args)


def _looks_like_scene(node: cst.BaseExpression) -> bool:
    name = node.value if isinstance(node, cst.Name) else (
        node.attr.value if isinstance(node, cst.Attribute) else "")
    return name.endswith("Scene")
