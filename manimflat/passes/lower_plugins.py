"""lower-plugins: scenes built on manim_slides, manim_presentation or manim_voiceover become
plain Manim CE, with no plugin needed at flatten time or when the output runs.

Before: the closure is collected; pieces link plugin names ("from:manim_slides:Slide",
"star:manim_voiceover:VoiceoverScene", "mod:manim_slides").
After: no piece uses a lowered plugin name; each lowering is a `fixed` MF216 diagnostic, and a
plugin name with no lowering is an MF217 error naming it. Narrations are in `flat.narration`.

The mapping (the plugins' own semantics, in plain Manim):

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

`slides_wipe`, `slides_zoom` and `Narration` are defined in the output, as plain Manim: the
first two build the same `AnimationGroup` of `FadeIn`/`FadeOut` as manim_slides' `Wipe` and
`Zoom`; `Narration` keeps what manim_voiceover's tracker gives a scene (`duration`,
`get_remaining_duration()`, `time_until_bookmark()`, waiting out the rest of the narration when
the block ends) with the speech's duration estimated from its text at 150 words a minute.

Known limits: a method of the same name defined by the repo itself (a local `pause`) is the
repo's and is kept; slide canvas methods and other plugin names have no lowering (MF217).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import libcst as cst

from ..assets.rewrite import piece_names, taken_names
from ..diagnostics import Severity
from ..ir import Flat, Piece
from ..pass_manager import Pass

SLIDES = frozenset({"manim_slides", "manim_presentation"})
VOICEOVER = frozenset({"manim_voiceover"})
PLUGINS = SLIDES | VOICEOVER
SCENE_BASES = {"Slide": "Scene", "ThreeDSlide": "ThreeDScene", "VoiceoverScene": "Scene"}
SLIDE_PAUSES = frozenset({"next_slide", "pause", "start_loop", "end_loop"})
REMOVED = frozenset({"set_speech_service"})
ON_NARRATION = {"wait_until_bookmark": "wait_until_bookmark",
                "wait_for_voiceover": "wait_for_voiceover"}
TRIGGERS = frozenset({*SCENE_BASES, *SLIDE_PAUSES, *REMOVED, *ON_NARRATION, "wipe", "zoom",
                      "voiceover", "wait_time_between_slides"})

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


def plugin_of(key: str) -> str | None:
    """The lowered plugin a link key points into, or None."""
    top = _split(key)[0].split(".")[0]
    return top if top in PLUGINS else None


@dataclass(frozen=True)
class LowerPlugins(Pass):
    NAME = "lower-plugins"
    DESCRIPTION = "manim_slides, manim_presentation and manim_voiceover scenes become plain Manim CE"
    NEEDS = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        used = {m for p in flat.pieces for k in p.links.values() if (m := plugin_of(k))}
        if not used:
            return frozenset({"names"})
        defined = {name for p in flat.pieces for name in _defined_functions(p)}
        taken = taken_names(flat)
        # the helpers' output names, free in this file (as the asset builders' are)
        names = {h: next(n for n in (h, *(f"{h}_{i}" for i in range(2, 99))) if n not in taken)
                 for h in HELPERS}
        helpers: set[str] = set()
        first = None
        for i, piece in enumerate(flat.pieces):
            if not any(word in _text(piece) for word in TRIGGERS):
                continue
            tree = ast.parse(_text(piece))
            lowering = _Lower(piece, defined, bool(used & SLIDES), names, _string_constants(tree))
            lines = _voiceover_lines(piece, tree)
            new = piece.node.visit(lowering)
            if not lowering.changes:
                continue
            piece.node = new  # type: ignore[assignment]
            still = piece_names(flat, piece)  # links of names the lowering removed go
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
        self._add_helpers(flat, helpers, names, first or 0)
        for piece in flat.pieces:
            for name, key in piece.links.items():
                plugin = plugin_of(key)
                if plugin:
                    flat.report("MF217", f"`{name}` of {plugin} has no lowering to plain Manim "
                                "CE; rewrite it with manim's own API", path=piece.module,
                                line=piece.line or None)
        return frozenset()

    @staticmethod
    def _add_helpers(flat: Flat, helpers: set[str], names: dict[str, str], first: int) -> None:
        pieces = []
        for name in sorted(helpers):
            out = names[name]
            source = HELPERS[name].strip().replace(f" {name}(", f" {out}(", 1).replace(
                f"class {name}:", f"class {out}:", 1)
            pieces.append(Piece(None, 0, frozenset({out}), origin=f"manimflat:{name}",
                                tree=cst.parse_statement(source + "\n")))
        flat.pieces[first:first] = pieces
        for name in sorted(helpers):
            line = HELPER_IMPORTS.get(name)
            if line and line not in flat.header:
                flat.header.append(line)


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
                 names: dict[str, str], strings: dict[str, str]) -> None:
        super().__init__()
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
            return _split(key)[1] or None if plugin_of(key) else None
        if isinstance(node, cst.Attribute):
            root: cst.BaseExpression = node
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(root, cst.Name) and plugin_of(self.links.get(root.value, "")):
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
