"""rewrite-assets: replace images, SVGs, sounds and custom fonts by Manim primitives.

Before: `Flat.pieces` holds the closure (after `collect-closure`/`inline-bases`); calls such
as `SVGMobject("icons/factory.svg")`, `ImageMobject("dog")`, `self.add_sound("ping.wav")`,
`with register_font("fonts/X.ttf"):` still name files of the repository.

After, with `--assets replace` (the default): every such call is gone. Each SVG or image
becomes a call of a small builder helper (added once, before its first use) that draws
what the file depicts (see `manimflat/assets/classify.py`) in the box the original would
have filled (`manimflat/assets/replace.py`); image-only methods chained on it or called on
a variable holding it are rewritten (MF307); sounds are dropped (MF306); `register_font`
blocks are unwrapped and `font=` naming a repo font file is removed (MF311). A subclass of
an asset mobject that loads its file in `__init__` derives from `VGroup` and builds the
replacement (MF315); a path that is a parameter takes its callers' values. Existence checks
of asset paths become the repository's answer and their dead branches, locals and `__file__`
constants go (MF316); other literals naming a replaced or media file become plain names;
what still needs a file is an MF317 error. Every reference gets an `AssetRecord` and a
diagnostic: nothing is left silently.
With `keep`: found files are referenced as `assets/<repo path>` and listed in `Flat.files`
(the CLI copies them, MF309); references to missing files are replaced as above.
With `reject`: each reference is an MF304 error and the pieces are unchanged.

Data files (`open`, `Code(file_name=...)`, ...) are `inline-data-files`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import libcst as cst

from ..analyses.chains import code, dotted, names_in
from ..analyses.paths import Value, evaluate
from ..assets.calls import VISUAL_APIS
from ..assets.classify import Content, classify, inspect
from ..assets.finder import Env, build_env, find_refs
from ..assets.locate import font_matches, repo_fonts
from ..assets.refs import Ref, Target
from ..assets.replace import builder_call, size_of, style_suffix
from ..assets.rewrite import (
    Plan,
    apply,
    dispatch,
    keep,
    reject,
    shake_file_values,
    source_facts,
    string_literal,
    taken_names,
    where,
)
from ..diagnostics import Severity
from ..ir import AssetRecord, Flat, Piece
from ..pass_manager import NONE, Pass

_APIS = VISUAL_APIS | {"sound", "font", "subclass", "exists"}
SOUND_SUFFIXES = (".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac")


@dataclass(frozen=True)
class RewriteAssets(Pass):
    NAME = "rewrite-assets"
    DESCRIPTION = "replace SVGs, images, sounds and custom fonts by Manim primitives"
    NEEDS = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        refs = find_refs(flat, _APIS)
        checks = [ref for ref in refs if ref.api == "exists"]
        refs = [ref for ref in refs if ref.api != "exists"]
        plan = Plan(taken=taken_names(flat) if refs else set(),
                    reads_pixels=refs != [] and _reads_pixel_arrays(flat),
                    pieces={ref.piece for ref in refs}, dead_locals=True)
        _plan_font_keywords(flat, plan)
        if flat.settings.assets == "replace":
            for ref in checks:
                _plan_exists(flat, plan, ref)
        media = flat.settings.assets == "replace" and any(
            _MEDIA.search(flat.source_of(p)[0]) for p in flat.pieces)
        if not refs and not plan.drop_kwargs and not plan.folds and not media:
            if shake_file_values(flat, report=False):
                return NONE
            return frozenset({"*"})
        if flat.settings.assets == "reject":
            reject(flat, refs, "asset")
            return frozenset({"*"})
        if flat.settings.assets == "replace":
            _plan_neutral_names(flat, plan, refs)
        for ref in refs:
            if ref.api == "sound":
                _plan_sound(flat, plan, ref)
            elif ref.api == "font":
                _plan_font_file(flat, plan, ref)
            elif ref.api == "subclass":
                _plan_subclass(flat, plan, ref)
            elif ref.api == "pil":
                _plan_pil(flat, plan, ref)
            else:
                _plan_visual(flat, plan, ref)
        apply(flat, plan, refs)
        shake_file_values(flat, report=False)  # inline-data-files reports what is left
        return NONE


def _plan_exists(flat: Flat, plan: Plan, ref: Ref) -> None:
    """`p.exists()` / `os.path.isfile(p)` of a path the repository answers statically: the
    constant it gives (the output ships no file, but every asset use behind the check is
    replaced). A sound file's check is False whatever its name: sounds are dropped (MF306),
    so the scene takes its own sound-less branch. Other paths are left as written."""
    answers: set[bool] = set()
    why = "for the repository's files"
    for target in ref.targets:
        if target.value is None:
            if not _static_suffix(ref.shape).endswith(SOUND_SUFFIXES):
                return
            answers.add(False)
            why = "for any sound file: the output drops sounds (MF306)"
        elif str(target.value).lower().endswith(SOUND_SUFFIXES):
            answers.add(False)
            why = "for any sound file: the output drops sounds (MF306)"
        elif target.status == "found":
            answers.add(ref.mode != "is_dir")
        elif target.status == "missing":
            if not _is_file_name(str(target.value)) and ref.mode != "is_file":
                return  # maybe a folder: not an asset
            answers.add(False)
        else:
            return
    if len(answers) != 1:
        return
    answer = answers.pop()
    plan.replace[id(ref.call)] = cst.Name(str(answer))
    plan.folds.add(id(ref.call))
    plan.pieces.add(ref.piece)
    plan.path_names |= names_in(ref.arg) if ref.arg is not None else set()
    flat.report("MF316", f"existence check of {ref.text} is {answer} {why}; folded",
                severity=Severity.FIXED, **where(ref))  # type: ignore[arg-type]


def _static_suffix(text: str) -> str:
    """The suffix an f-string or concatenation ends with: `.wav` in `d / f"{n}.wav"`."""
    match = re.search(r"(\.[A-Za-z0-9]{1,5})[\"']\)*$", text.strip())
    return match.group(1).lower() if match else ""


def _plan_visual(flat: Flat, plan: Plan, ref: Ref) -> None:
    if flat.settings.assets == "keep" and keep(flat, plan, ref, _kind_name(ref)):
        flat.report("MF309", f"{ref.text} kept as a file beside the output",
                    severity=Severity.INFO, **where(ref))  # type: ignore[arg-type]
        return
    plan.replace[id(ref.call)] = cst.parse_expression(_replacement(flat, plan, ref))


def _replacement(flat: Flat, plan: Plan, ref: Ref) -> str:
    """The expression that replaces the mobject `ref` builds (planning its records too)."""
    exprs: list[str] = []
    pixel_size: tuple[int, int] | None = None
    context = context_words(flat, ref)
    for target in ref.targets:
        content = _content(flat, ref, target)
        cls = classify(target.rel if target.value is not None else _expr_words(ref), content,
                       context)
        size = size_of(ref, content)
        name = plan.builder(cls.builder)
        expr = builder_call(target, cls, size, content, name) + style_suffix(ref)
        if ref.api in ("image", "opengl_image") and plan.reads_pixels:
            # Code elsewhere reads `.pixel_array` of images it is handed: give the replacement
            # a blank one of the original's size (MF307 rewrites the direct uses).
            w, h = content.pixel_size if content and content.pixel_size else (1, 1)
            expr += f".set(pixel_array=np.zeros(({h}, {w}, 4), dtype=np.uint8))"
            plan.need_header("import numpy as np")
        exprs.append(expr)
        if content is not None and content.pixel_size is not None:
            pixel_size = pixel_size or content.pixel_size
        plan.records.append(AssetRecord(target.rel, cls.kind, _action(target), expr,
                                        ref.line, ref.module))
        _report_target(flat, ref, target, cls.kind, cls.builder, cls.reason, size.note)
    plan.path_names |= names_in(ref.arg) if ref.arg is not None and not ref.param else set()
    if ref.api in ("image", "opengl_image"):
        plan.images[id(ref.call)] = pixel_size or (1, 1)
    return dispatch(ref, exprs)


def _plan_neutral_names(flat: Flat, plan: Plan, refs: list[Ref]) -> None:
    """The paths of replaced files, wherever else they are written (a parameter default,
    a caller's argument, a constant also printed, an f-string over a folder constant),
    become the file's name without its folder and suffix: the output names no file it does
    not ship. Loop and parameter dispatch keys follow, so `Sticker("./a/010.png")` calls
    `{"010": ...}[img]()`."""
    found = [t.value for ref in refs for t in ref.targets] + [v for r in refs for v in r.passed]
    fstrings: list[tuple[cst.FormattedString, Value | None]] = []
    found += _media_literals(flat, plan, fstrings)
    found += [value for _, value in fstrings if value is not None]
    values = sorted({v for v in found if isinstance(v, str) and _is_file_name(v)})
    stems = [PurePosixPath(v).stem for v in values]
    for value, stem in zip(values, stems):
        unique = stems.count(stem) == 1 and stem
        plan.neutral[value] = stem if unique else str(PurePosixPath(value).with_suffix(""))
    for node, known in fstrings:
        name = plan.neutral.get(known) if isinstance(known, str) else None
        short = cst.SimpleString(string_literal(name)) if name else _file_name_part(node)
        if short is not None:
            plan.neutral_fstrings[id(node)] = short
            plan.path_names |= names_in(node)  # a folder constant nothing else reads goes
    for ref in refs:
        for target in ref.targets:
            if isinstance(target.key, str) and target.key in plan.neutral:
                target.key = plan.neutral[target.key]
    for index, piece in enumerate(flat.pieces):
        text = flat.source_of(piece)[0]
        if any(value in text for value in values):
            plan.pieces.add(index)


def _file_name_part(node: cst.FormattedString) -> cst.BaseExpression | None:
    """An f-string naming a media file, its value unknown, reduced to the file's name:
    `f"{folder}/tv.svg"` is "tv", `f"assets/die{i}.png"` is `f"die{i}"` (None when nothing
    of a name is left)."""
    parts = list(node.parts)
    last = parts[-1]
    assert isinstance(last, cst.FormattedStringText)
    parts[-1] = last.with_changes(value=re.sub(r"\.[A-Za-z0-9]{1,5}$", "", last.value))
    for i in range(len(parts) - 1, -1, -1):  # the folder: everything up to the last slash
        part = parts[i]
        if isinstance(part, cst.FormattedStringText) and "/" in part.value:
            parts = [part.with_changes(value=part.value.rsplit("/", 1)[1]), *parts[i + 1:]]
            break
    parts = [p for p in parts if not (isinstance(p, cst.FormattedStringText) and not p.value)]
    if not parts:
        return None
    if all(isinstance(p, cst.FormattedStringText) for p in parts):
        text = "".join(p.value for p in parts if isinstance(p, cst.FormattedStringText))
        return cst.SimpleString(node.start.replace("f", "").replace("F", "") + text + node.end)
    return node.with_changes(parts=parts)


_MEDIA = re.compile(r"""\.(?:svg|png|jpe?g|gif|ico|bmp|webp|avif|tiff?|wav|mp3|ogg|flac|m4a|"""
                    r"""mp4|mov|avi|webm|ttf|otf)["']""", re.IGNORECASE)
# Calls that read a media file this pass cannot replace: a literal handed to one stays,
# and the scene fails with MF317 rather than run without its file.
_READERS = frozenset({"imread", "imread_collection", "VideoCapture", "VideoFileClip",
                      "AudioFileClip", "from_file", "from_wav", "from_mp3", "from_ogg",
                      "wave.open", "cv2.imread", "soundfile.read", "sf.read", "librosa.load"})
_KEEP_CALLS = frozenset({"Text", "Tex", "MathTex", "MarkupText", "Paragraph", "Title",
                         "BulletedList", "open", "print"})


def _media_literals(flat: Flat, plan: Plan,
                    fstrings: list[tuple[cst.FormattedString, Value | None]]) -> list[str]:
    """Literals naming a media file (image, SVG, sound, video, font) anywhere in the pieces:
    every call that reads one is replaced or dropped by this pass, so what is left is only a
    name (a list of files a loop walks, a default, a caller's argument). A literal given
    straight to another reader (`plt.imread`, `wave.open`) is an MF317 error instead; one
    shown by `Text` or handed to `open` (inlined by `inline-data-files`) is left alone.
    f-strings whose text ends with a media file's suffix go to `fstrings`, with their value
    when module constants give it."""
    found: list[str] = []
    env: list[Env] = []  # built once, for the first f-string
    for index, piece in enumerate(flat.pieces):
        if not _MEDIA.search(flat.source_of(piece)[0]):
            continue
        visitor = _MediaLiterals(flat, piece)
        piece.node.visit(visitor)
        found += visitor.found
        for node in visitor.fstrings:
            env = env or [build_env(flat)]
            value = evaluate(f"({code(node)})", file=str(Path(flat.program.root) / (
                piece.module or flat.scene.path)), cwd=str(env[0].root), names=env[0].names)
            fstrings.append((node, value))
        plan.pieces.add(index)
    return found


class _MediaLiterals(cst.CSTVisitor):
    def __init__(self, flat: Flat, piece: Piece) -> None:
        super().__init__()
        self.flat, self.piece = flat, piece
        self.direct: dict[int, str] = {}  # id(literal) -> the call it is given to
        self.found: list[str] = []
        self.fstrings: list[cst.FormattedString] = []

    def visit_Call(self, node: cst.Call) -> None:
        name = dotted(node.func) or (
            node.func.attr.value if isinstance(node.func, cst.Attribute) else "")
        for arg in node.args:
            self.direct[id(arg.value)] = name

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if not isinstance(value, str) or "\n" in value or len(value) > 200 or \
                not _MEDIA.search(value.strip() + '"'):
            return
        caller = self.direct.get(id(node), "")
        last = caller.rsplit(".", 1)[-1]
        if caller in _READERS or last in _READERS:
            self.flat.report("MF317", f"{value!r} is read by {caller}(), which manimflat "
                             "cannot replace; the output would need the file",
                             path=self.piece.module, line=_line_of(self.piece, node))
        elif last not in _KEEP_CALLS:
            self.found.append(value.strip())

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        last = node.parts[-1] if node.parts else None
        if not isinstance(last, cst.FormattedStringText) or \
                not _MEDIA.search(last.value + '"') or "\n" in code(node):
            return
        caller = self.direct.get(id(node), "")
        if caller not in _READERS and caller.rsplit(".", 1)[-1] not in _READERS | _KEEP_CALLS:
            self.fstrings.append(node)


def _line_of(piece: Piece, node: cst.CSTNode) -> int | None:
    """The source line of `node` inside its piece (first occurrence of its text)."""
    text = code(piece.node)
    at = text.find(code(node))
    if not piece.line or at < 0:
        return piece.line or None
    return piece.line + text[:at].count("\n") - len(getattr(piece.node, "leading_lines", ()))


def _is_file_name(value: str) -> bool:
    suffix = PurePosixPath(value).suffix
    return 1 < len(suffix) <= 6 and suffix[1:].isalnum()


def _reads_pixel_arrays(flat: Flat) -> bool:
    return any("pixel_array" in flat.source_of(piece)[0]
               and "pixel_array" in source_facts(flat, piece).attributes
               for piece in flat.pieces)


def _plan_pil(flat: Flat, plan: Plan, ref: Ref) -> None:
    """`Image.open(path)` -> `Image.new(mode, size, colour)`: a PIL image of the same mode
    and size in the file's dominant colour, so `np.array(img)`, `.size`, `.convert()` and an
    `ImageMobject` made from it keep working and keep their geometry."""
    if flat.settings.assets == "keep" and keep(flat, plan, ref, "image"):
        return
    assert isinstance(ref.call.func, cst.Attribute)
    new_func = code(ref.call.func.with_changes(attr=cst.Name("new")))
    exprs = []
    for target in ref.targets:
        content = _content(flat, ref, target)
        cls = classify(target.rel if target.value is not None else _expr_words(ref), content)
        mode = content.mode if content and content.mode in _PIL_MODES else "RGB"
        size = content.pixel_size if content and content.pixel_size else (256, 256)
        color = content.colors[0] if content and content.colors else "#808080"
        expr = f'{new_func}("{mode}", {size}, "{color}")'
        exprs.append(expr)
        plan.records.append(AssetRecord(target.rel, cls.kind, _action(target), expr, ref.line,
                                        ref.module))
        note = "" if content and content.pixel_size else "size unknown, 256 x 256 used"
        _report_target(flat, ref, target, cls.kind, "a blank PIL image", cls.reason, note)
    plan.replace[id(ref.call)] = cst.parse_expression(dispatch(ref, exprs))
    plan.path_names |= names_in(ref.arg) if ref.arg is not None else set()


_BASE_APIS = {"SVGMobject": "svg", "ImageMobject": "image", "OpenGLImageMobject": "opengl_image"}


def _plan_subclass(flat: Flat, plan: Plan, ref: Ref) -> None:
    """`class Julia(ImageMobject)` whose `__init__` loads a file: the class now derives from
    `VGroup` and its `super().__init__(path, ...)` builds the group from the replacement
    (one child of the box the file would have had), so what `__init__` does next (`.scale`)
    and every later call on an instance act as on the original."""
    if flat.settings.assets == "keep" and keep(flat, plan, ref, "image"):
        return
    assert ref.owner is not None
    as_call = replace(ref, api=_BASE_APIS[ref.base])
    expr = _replacement(flat, plan, as_call)
    plan.images.pop(id(ref.call), None)
    call = ref.call
    assert isinstance(call.func, cst.Attribute)
    args = [cst.Arg(cst.parse_expression(expr))]
    func: cst.BaseExpression = call.func
    explicit = (dotted(call.func.value) or "").rsplit(".", 1)[-1] == ref.base
    if explicit:  # `ImageMobject.__init__(self, path)` -> `VGroup.__init__(self, replacement)`
        func = call.func.with_changes(value=cst.Name("VGroup"))
        args = [call.args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT), *args]
        args[0] = args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    plan.replace[id(call)] = call.with_changes(func=func, args=args)
    plan.rebase[id(ref.owner)] = ref.base
    dropped = [code(a) for a in call.args if a.value is not ref.arg
               and (a.star or (a.keyword and a.keyword.value not in _SIZE_KEYWORDS))
               and not (explicit and a is call.args[0])]
    note = f"; {', '.join(dropped)} no longer passed on" if dropped else ""
    flat.report("MF315", f"class {ref.owner.name.value} ({ref.base} of {ref.target.rel}) now "
                f"derives from VGroup and builds its replacement{note}",
                severity=Severity.FIXED, **where(ref))  # type: ignore[arg-type]


# Keywords the replacement's size or style already accounts for.
_SIZE_KEYWORDS = {"file_name", "filename_or_array", "height", "width", "scale_to_resolution",
                  "color", "fill_color", "fill_opacity", "stroke_color", "stroke_width",
                  "stroke_opacity"}


def context_words(flat: Flat, ref: Ref) -> str:
    """What the code around a reference says it depicts: the class that loads it (name and
    the first line of its docstring), the variable it is assigned to, and the text of a
    `Text`/`Tex` placed `next_to` that variable."""
    if ref.owner is not None:
        doc = ref.owner.get_docstring() or ""
        return f"{ref.owner.name.value} {doc.strip().splitlines()[0] if doc.strip() else ''}"
    assigned, labels = _context_of(flat, flat.pieces[ref.piece].node)
    target = assigned.get(ref.call)
    if target is None:
        return ""
    return " ".join([target.rsplit(".", 1)[-1], *labels.get(target, [])])


_LABELS = ("Text", "Tex", "MarkupText", "Paragraph")


def _context_of(flat: Flat, node: cst.CSTNode
                ) -> tuple[dict[cst.Call, str | None], dict[str, list[str]]]:
    """For one statement, in one visit: each call at the head of an assigned value (`teacher`
    in `teacher = ImageMobject(...).scale(2)`) -> the name it is assigned to, and each name ->
    the texts of the labels placed `next_to` it. Remembered per node (libcst nodes are
    immutable and shared by the scenes that inline the statement)."""
    memo = flat.program.memo.setdefault("asset-context", {})
    if node in memo:
        return memo[node]  # type: ignore[return-value]
    assigned: dict[cst.Call, str | None] = {}
    labels: dict[str, list[str]] = {}

    class _V(cst.CSTVisitor):
        def visit_Assign(self, n: cst.Assign) -> None:
            value: cst.BaseExpression = n.value
            while isinstance(value, cst.Call):
                assigned[value] = dotted(n.targets[0].target) if len(n.targets) == 1 else None
                if not isinstance(value.func, cst.Attribute):
                    return
                value = value.func.value

        def visit_Call(self, n: cst.Call) -> None:
            if not (isinstance(n.func, cst.Attribute) and n.func.attr.value == "next_to"
                    and n.args):
                return
            name = dotted(n.args[0].value)
            if name is None:
                return
            inner: cst.BaseExpression = n.func.value
            while isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute):
                inner = inner.func.value
            if isinstance(inner, cst.Call) and (dotted(inner.func) or "") in _LABELS and \
                    inner.args and isinstance(inner.args[0].value, cst.SimpleString):
                labels.setdefault(name, []).append(str(inner.args[0].value.evaluated_value))

    node.visit(_V())
    memo[node] = (assigned, labels)
    return assigned, labels


_PIL_MODES = ("RGB", "RGBA", "L", "LA", "1", "I", "F", "CMYK")


def _kind_name(ref: Ref) -> str:
    return {"svg": "svg", "image": "image", "opengl_image": "image"}.get(ref.api, ref.api)


def _content(flat: Flat, ref: Ref, target: Target) -> Content | None:
    if target.status != "found" or target.path is None:
        return None
    return inspect(target.path)


def _expr_words(ref: Ref) -> str:
    """What an unresolved path expression says, for classification: `f"{name}_logo.png"`
    says `name _logo.png`; a bare `filename` keeps all its letters."""
    text = _STRING_PREFIX.sub("", ref.text).rstrip("\"'")
    return text.replace("{", " ").replace("}", " ").strip()


# A string literal's prefix and opening quote (its letters are not the path's).
_STRING_PREFIX = re.compile(r"""^[rRbBuUfF]{0,2}["']+""")


def _action(target: Target) -> str:
    return "missing" if target.status in ("missing", "outside", "unresolved") else "replaced"


def _report_target(flat: Flat, ref: Ref, target: Target, kind: str, builder: str,
                   reason: str, note: str) -> None:
    extra = f"; {note}" if note else ""
    pos = where(ref)
    if target.status == "found":
        flat.report("MF301", f"{target.rel} ({kind}: {reason}) replaced by {builder}{extra}",
                    severity=Severity.FIXED, **pos)  # type: ignore[arg-type]
    elif target.status == "missing":
        flat.report("MF302", f"{target.rel!r} is not in the repository; replaced from its "
                    f"name by {builder} ({kind}){extra}", severity=Severity.WARNING,
                    **pos)  # type: ignore[arg-type]
    elif target.status == "outside":
        flat.report("MF308", f"{target.rel!r} leaves the repository and was not read; "
                    f"replaced from its name by {builder} ({kind}){extra}",
                    severity=Severity.WARNING, **pos)  # type: ignore[arg-type]
    else:
        flat.report("MF303", f"cannot resolve the path {ref.text} statically; replaced by "
                    f"{builder} ({kind}){extra}", severity=Severity.WARNING,
                    **pos)  # type: ignore[arg-type]


def _plan_sound(flat: Flat, plan: Plan, ref: Ref) -> None:
    if flat.settings.assets == "keep" and keep(flat, plan, ref, "sound"):
        return
    if _used_as(flat, ref) == "statement":
        plan.drop_statements.add(id(ref.call))
    else:  # used as a value: `add_sound` returns None
        plan.replace[id(ref.call)] = cst.Name("None")
    for target in ref.targets:
        plan.records.append(AssetRecord(target.rel, "sound", "dropped", None, ref.line,
                                        ref.module))
    flat.report("MF306", f"sound {ref.target.rel!r} dropped", severity=Severity.FIXED,
                **where(ref))  # type: ignore[arg-type]


def _used_as(flat: Flat, ref: Ref) -> str:
    """How the call stands in its piece: "statement", "with" (a `with` item) or "value"."""
    found = "value"

    class _V(cst.CSTVisitor):
        def visit_Expr(self, node: cst.Expr) -> None:
            nonlocal found
            found = "statement" if node.value is ref.call else found

        def visit_WithItem(self, node: cst.WithItem) -> None:
            nonlocal found
            found = "with" if node.item is ref.call else found

    flat.pieces[ref.piece].node.visit(_V())
    return found


def _plan_font_file(flat: Flat, plan: Plan, ref: Ref) -> None:
    if flat.settings.assets == "keep" and keep(flat, plan, ref, "font"):
        return
    used_as = _used_as(flat, ref)
    if used_as == "with":
        plan.unwrap_with.add(id(ref.call))
    elif used_as == "statement":
        plan.drop_statements.add(id(ref.call))
    else:
        plan.replace[id(ref.call)] = cst.parse_expression("__import__('contextlib').nullcontext()")
    plan.records.append(AssetRecord(ref.target.rel, "font", "dropped", None, ref.line,
                                    ref.module))
    flat.report("MF311", f"font file {ref.target.rel!r} no longer registered",
                severity=Severity.FIXED, **where(ref))  # type: ignore[arg-type]


def _plan_font_keywords(flat: Flat, plan: Plan) -> None:
    """`Text(..., font="Family")` where the family is a font file of the repo: the file is not
    in the output, so the keyword goes (Pango would fall back to the default font anyway)."""
    fonts = repo_fonts(Path(flat.program.root))
    if not fonts or flat.settings.assets == "keep":
        return
    for index, piece in enumerate(flat.pieces):
        if piece.text is not None and "font" not in piece.text:
            continue
        for call, family in _font_keywords(piece.node):
            rel = font_matches(family, fonts)
            if rel is None:
                continue
            plan.pieces.add(index)
            plan.drop_kwargs[id(call)] = {"font"}
            plan.records.append(AssetRecord(rel, "font", "dropped", None, piece.line,
                                            piece.module))
            flat.report("MF311", f"font {family!r} comes from {rel}; `font=` removed",
                        severity=Severity.FIXED, path=piece.module, line=piece.line or None)


def _font_keywords(node: cst.CSTNode) -> list[tuple[cst.Call, str]]:
    found: list[tuple[cst.Call, str]] = []

    class _V(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            name = dotted(call.func) or ""
            if name.rsplit(".", 1)[-1] not in ("Text", "MarkupText", "Paragraph", "Title",
                                               "BulletedList", "Code"):
                return
            for arg in call.args:
                if arg.keyword and arg.keyword.value == "font" and \
                        isinstance(arg.value, cst.SimpleString):
                    found.append((call, str(arg.value.evaluated_value)))

    node.visit(_V())
    return found

