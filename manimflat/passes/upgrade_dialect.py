"""upgrade-dialect: a ManimGL or old-manimlib scene, with the repository code it uses, as Manim CE.

Before: collect-closure gathered the scene and every helper and base class of the repository it
needs (`manim_imports_ext`, `custom/`), so they are upgraded together; the names a
`from manimlib import *` (or `manimlib.imports`, or a manimlib submodule) gave them are linked
to `from:manimlib...:<name>`. After: each such name is linked to `from manim import *`, or
rewritten by the dialect's table (manimflat/dialects/), or handed to upgrade-api's table of
CE's own renames (`ShowCreation`); a name with no CE equivalent is an MF231 error naming it, a
construct that cannot be upgraded (ManimGL's 3D camera frame) an MF232 error, and a dropped
shader-only or interactive call an MF233 warning. One MF230 note per scene lists what was
upgraded from which dialect. A CE scene passes through untouched.

Rewrites besides the table:
- `CONFIG = {...}` in a class body becomes class attributes (Python's class attribute lookup is
  the MRO merge digest_config did; a dict value whose key a repository base also configures
  is merged `{**Base.key, ...}` as digest_config merged it); a non-scene class keeps its
  CONFIG too, for `digest_config(self, kwargs)`, which becomes a small emitted helper.
- `self.play(mob.shift, LEFT)` and `ApplyMethod(mob.shift, LEFT)` -> `mob.animate.shift(LEFT)`.
- ManimGL's `self.frame` -> `self.camera.frame`, the scene's `Scene` base -> MovingCameraScene.
- a call of a dropped method (`.fix_in_frame()`, `self.embed()`) becomes its receiver; a
  statement left holding only a name goes.
- old manimlib: a CONFIG lambda becomes `staticmethod(lambda ...)` (digest_config made it an
  attribute, not a method); a keyword a Manim CE class does not take (old Mobjects kept any
  keyword as an attribute) is dropped with an MF240 warning, and a `**dict` given to one goes
  through the emitted `old_keywords`, which upgrades old keywords at run time; CONFIG keys
  a Manim CE scene base takes as constructor keywords (ZoomedScene's `zoom_factor`) reach it
  from an added `__init__`; consecutive methods of one mobject in `play` build one target;
  a TexMobject isolating substrings goes through the emitted `old_tex` (old manimlib's parts:
  each string split at the substrings), its `{{`/`}}` are spaced (no CE part split), and a
  run_time or wait that can be <= 0 (old manimlib's instant) is at least one frame.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..analyses import externals
from ..diagnostics import Severity
from ..dialects import Rename, Table, table_for
from ..dialects._common import LINKS
from ..dialects.ce_keywords import ce_keywords
from ..dialects.shims import CHARACTERS, SHIMS, add_shims
from ..ir import AssetRecord, Flat, Piece
from ..pass_manager import ALL, NONE, Pass
from ..transforms import code_of, keyword_arg, plain_args
from .upgrade_api import OLD_BOUNDS, RANGE_CALLS, REMOVED, REMOVED_NAMES

_MANIMLIB_KEY = re.compile(r"(?:from|mod):(manimlib|manim_imports_ext|big_ol_pile_of_manim_imports)"
                           r"[\w.]*(?::([\w.]+))?$")
# Mobject methods `self.play(mob.<method>, args)` may name (old manimlib's method animation).
_ANIMATABLE = re.compile(r"(shift|move_to|next_to|scale|rotate|set_\w+|to_edge|to_corner|"
                         r"align_to|arrange\w*|stretch\w*|flip|center|become|fade\w*|"
                         r"increment_value|match_\w+|put_start_and_end_on|scale_to_fit_\w+|"
                         r"surround|space_out_submobjects|rotate_about_origin|apply_\w+|"
                         r"change\w*|restore|shift_onto_screen|add_background_rectangle|"
                         r"look_at|to_\w+)")
# ManimGL camera-frame methods with no MovingCameraScene equivalent: the 3D camera.
_FRAME_3D = frozenset({"reorient", "set_euler_angles", "increment_theta", "increment_phi",
                       "increment_gamma", "set_theta", "set_phi", "set_gamma",
                       "add_ambient_rotation", "set_field_of_view", "set_focal_distance",
                       "get_euler_angles", "get_theta", "get_phi", "get_gamma"})
# Mobject properties a class attribute must not shadow.
_PROPERTIES = frozenset({"width", "height", "depth", "points", "animate", "color"})
# Classes that keep the function they are given (a bound method would copy the scene).
_FUNCTION_CLASSES = frozenset({"FunctionGraph", "ParametricFunction", "ParametricSurface",
                               "Surface", "ParametricCurve"})
_BOUND = re.compile(r"[tuvxyz]_(?:min|max)")  # upgrade-api makes ranges of these
_FRAME = re.compile(r"\bself\.(?:camera\.)?frame\b")  # ManimGL's camera frame, new or old
_SCENE_BASES = frozenset({"Scene", "InteractiveScene"})


@dataclass(frozen=True)
class UpgradeDialect(Pass):
    NAME = "upgrade-dialect"
    DESCRIPTION = ("upgrade a ManimGL or old-manimlib scene and the repository code it uses "
                   "to Manim CE")
    NEEDS = ("closure",)

    def run(self, flat: Flat) -> frozenset[str]:
        table = table_for(flat.scene.dialect)
        if table is None:
            return ALL
        done: Counter[str] = Counter()
        frame = any(_FRAME.search(_text(p)) for p in flat.pieces)
        # a scene turning ManimGL's 3D camera frame is a ThreeDScene, not MovingCameraScene
        frame3d = frame and any(_FRAME_3D_CALL.search(_text(p)) for p in flat.pieces)
        dict_keys: dict[str, dict[str, bool]] = {}  # class -> CONFIG keys holding dicts
        shims: set[str] = set()
        scenes: set[str] = set()
        replaced = _replace_characters(flat, shims, done)
        for piece in flat.pieces:
            _upgrade_piece(flat, piece, table, done, frame, dict_keys, scenes, shims, frame3d)
        add_shims(flat, shims, replaced)
        if done:
            summary = ", ".join(f"{k} ({n})" if n > 1 else k for k, n in done.most_common())
            flat.report("MF230", f"{flat.scene.name} upgraded from {flat.scene.dialect} to "
                        f"Manim CE: {summary}", severity=Severity.FIXED,
                        path=flat.scene.path, line=flat.scene.line)
        return NONE


def _text(piece: Piece) -> str:
    if piece.text is not None:
        return piece.text
    return cst.Module([]).code_for_node(piece.node)


def _resolve(name: str, key: str, table: Table) -> tuple[str, str | Rename | None]:
    """What a name a manimlib import bound becomes: ("link", key), ("rename", Rename), or
    ("error", hint)."""
    m = _MANIMLIB_KEY.match(key)
    attr = (m.group(2) if m else None) or name
    attr = attr.split(".")[-1]
    if attr in table.names:
        return "rename", table.names[attr]
    if attr in table.unsupported:
        return "error", table.unsupported[attr]
    if attr != name:  # `from manimlib.x import A as B`: B reads as A
        return "rename", Rename(attr)
    if attr in REMOVED_NAMES:
        return "link", REMOVED + attr
    if attr in externals.manim_exports():
        alias = externals.star_module_aliases("manim").get(attr)
        return "link", f"mod:{alias}" if alias else f"star:manim:{attr}"
    if attr in LINKS:
        return "link", LINKS[attr]
    if attr in externals.DRIFTED_STAR_NAMES:
        return "link", externals.DRIFTED_STAR_NAMES[attr]
    return "error", None


def _upgrade_piece(flat: Flat, piece: Piece, table: Table, done: Counter[str], frame: bool,
                   dict_keys: dict[str, dict[str, bool]], scenes: set[str],
                   shims: set[str], frame3d: bool = False) -> None:
    links = dict(piece.links)
    renames: dict[str, Rename] = {}
    line = piece.line or None
    for name, key in piece.links.items():
        if not _MANIMLIB_KEY.match(key):
            continue
        kind, value = _resolve(name, key, table)
        if kind == "link":
            assert isinstance(value, str)
            links[name] = value
        elif kind == "rename":
            assert isinstance(value, Rename)
            if value.note == "shim":
                shims.add(value.new)
                links[name] = f"shim:{value.new}"
                done[f"{value.new} -> an emitted definition on Manim CE"] += 1
                continue
            renames[name] = value
        else:
            hint = f"; write {value} instead" if value else \
                "; define it in the repository or rewrite it with Manim CE's API"
            flat.report("MF231", f"`{name}` is {table.dialect}'s and Manim CE has no "
                        f"equivalent{hint}", path=piece.module, line=line)
            links.pop(name)
    text = _text(piece)
    if not (renames or _NEEDS_CST.search(text) or table.strict_keywords
            and _KEYWORD_ARG.search(text)):
        piece.links = links
        return
    module = cst.parse_module(text)
    problems = []
    if frame3d:
        camera = _Camera3D()
        module = MetadataWrapper(module).visit(camera)
        done.update(camera.done)
        problems += camera.problems
    rewriter = _Rewriter(renames, table, frame, dict_keys, scenes, links, frame3d)
    new = MetadataWrapper(module).visit(rewriter)
    for what in rewriter.done:
        done[what] += 1
    for code, message, at in problems + rewriter.problems:
        flat.report(code, message, path=piece.module,
                    line=piece.file_line(text, at),
                    severity=Severity.ERROR if code == "MF232" else Severity.WARNING)
    if rewriter.uses_digest:
        shims.add("digest_config")
    shims.update(rewriter.shims)
    if new.code == text:
        piece.links = links
        return
    used = set(re.findall(r"[A-Za-z_]\w*", new.code))
    links = {n: k for n, k in links.items() if n in used and n not in renames}
    for n in rewriter.introduced & used:
        if n not in links and n not in piece.binds and n in externals.manim_exports():
            links[n] = f"star:manim:{n}"
    if "digest_config" in used and "digest_config" in rewriter.introduced | set(links):
        links["digest_config"] = "shim:digest_config"
    for name in rewriter.shims:
        links[name] = f"shim:{name}"
    piece.links = links
    piece.edit_text(new.code)


# Text that needs the CST rewriter even when no name is renamed (most pieces need none).
_METHOD_WORDS = sorted({m for dialect in ("manimgl", "manimlib-old")
                        for t in [table_for(dialect) or Table("", {})]
                        for m in (*t.methods, *t.method_keywords, *t.method_templates)})
_NEEDS_CST = re.compile(r"\bCONFIG\b|\b(?:manimlib|big_ol_pile_of_manim_imports|"
                        r"manim_imports_ext)\b|\.play\(|\.wait\(|ApplyMethod|self\.frame|camera\.frame|"
                        r"digest_config|\.f_always\.|stretch\s*=|\.replicate\(|\.get_grid\(|\[\s*[rRuU]?[\"']|\.(?:"
                        + "|".join(_METHOD_WORDS) + r")\(")
_KEYWORD_ARG = re.compile(r"[(,]\s*(?:\w+\s*=[^=]|\*\*)")
_ATTRIBUTE_WORDS = sorted({a for dialect in ("manimgl", "manimlib-old")
                          for a in (table_for(dialect) or Table("", {})).attributes})
if _ATTRIBUTE_WORDS:
    _NEEDS_CST = re.compile(_NEEDS_CST.pattern + r"|\bself\.(?:" + "|".join(_ATTRIBUTE_WORDS)
                            + r")\b")


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, renames: dict[str, Rename], table: Table, frame: bool,
                 dict_keys: dict[str, dict[str, bool]], scenes: set[str],
                 links: dict[str, str], frame3d: bool = False) -> None:
        self.renames = renames
        self.frame3d = frame3d  # ... the 3D frame: scenes are ThreeDScenes (_Camera3D)
        self.table = table
        self.frame = frame  # some code uses ManimGL's self.frame: scenes move their camera
        self.dict_keys = dict_keys
        self.scenes = scenes  # repository scene classes seen so far
        self.links = links
        self.done: list[str] = []
        self.problems: list[tuple[str, str, int]] = []
        self.introduced: set[str] = set()
        self.uses_digest = False
        self.shims: set[str] = set()  # emitted definitions the rewritten code calls
        self._texts: set[str] = set()  # names bound to a ManimGL Tex/Text
        self._glyph_texts: set[str] = set()  # ... to a ManimGL Tex/TexText: a group of glyphs
        self._split_texts: set[str] = set()  # ... to an OldTex split by tex_to_color_map/isolate
        self._stores: set[int] = set()
        self._skip: set[int] = set()
        self._classes: list[bool] = []  # is each enclosing class a scene
        self._bases: list[set[str]] = []  # the base names of each enclosing class

    def _problem(self, code: str, message: str, node: cst.CSTNode) -> None:
        pos = self.get_metadata(PositionProvider, node, None)
        self.problems.append((code, message, pos.start.line if pos else 1))

    def _is_manimlib(self, name: str) -> bool:
        return name in self.renames or bool(_MANIMLIB_KEY.match(self.links.get(name, ""))) \
            or self.links.get(name, "").startswith(("star:manim:", REMOVED))

    # -- names ------------------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._skip.add(id(node.name))

    def visit_Param(self, node: cst.Param) -> None:
        self._skip.add(id(node.name))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        rename = self.renames.get(original.value)
        if rename is None or id(original) in self._skip:
            return updated
        if rename.new != original.value:
            self.done.append(f"{original.value} -> {rename.new}")
        self.introduced.update(re.findall(r"[A-Za-z_]\w*", rename.new))
        return cst.parse_expression(rename.new)

    # -- ManimGL's text["part"] ---------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        self._stores.update(id(t.target) for t in node.targets)
        if self.table.dialect == "manimgl" and _text_call(node.value):
            self._texts.update(t.target.value for t in node.targets
                               if isinstance(t.target, cst.Name))
            if _text_call(node.value, _GLYPH_TEXTS):
                self._glyph_texts.update(t.target.value for t in node.targets
                                         if isinstance(t.target, cst.Name))
            if _text_call(node.value, _SPLIT_TEXTS) and _SPLIT_KEYWORDS & {
                    a.keyword.value for a in cst.ensure_type(_constructor(node.value), cst.Call).args
                    if a.keyword}:
                self._split_texts.update(t.target.value for t in node.targets
                                         if isinstance(t.target, cst.Name))

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """`a, b = Tex("ab")` unpacks ManimGL's glyphs: Manim CE's through glyphs()."""
        if self.table.dialect == "manimgl" and any(
                isinstance(t.target, (cst.Tuple, cst.List)) for t in original.targets) and (
                _text_call(original.value, _GLYPH_TEXTS) or (isinstance(
                    original.value, cst.Name) and original.value.value in self._glyph_texts)):
            return updated.with_changes(value=self._glyphs(updated.value))
        return updated

    def _glyphs(self, tex: cst.BaseExpression) -> cst.Call:
        self.shims.add("glyphs")
        self.done.append("tex[i] (a glyph) -> glyphs(tex)[i]")
        return cst.Call(cst.Name("glyphs"), [cst.Arg(tex)])

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript
                        ) -> cst.BaseExpression:
        """ManimGL selects the part of a Tex or Text drawing a string by indexing it with the
        string; CE has no such index: select_parts() (an emitted helper) finds that part."""
        if self.table.dialect != "manimgl" or id(original) in self._stores or \
                len(updated.slice) != 1:
            return updated
        value = original.value
        index = updated.slice[0].slice
        if not (isinstance(index, cst.Index) and isinstance(
                index.value, (cst.SimpleString, cst.ConcatenatedString))) and (
                (isinstance(value, cst.Name) and value.value in self._glyph_texts)
                or _text_call(value, _GLYPH_TEXTS)):  # a glyph or a slice of them
            return updated.with_changes(value=self._glyphs(updated.value))
        if isinstance(value, cst.Name) and value.value in self._split_texts and not (
                isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString)):
            self._problem("MF232", f"`{code_of(original)}` indexes the parts ManimGL's OldTex "
                          "split out for tex_to_color_map/isolate; Manim CE's MathTex keeps "
                          f"one part per string: select it with `{value.value}."
                          "get_part_by_tex(...)`", original)
        if not isinstance(index, cst.Index):
            return updated
        key = index.value
        if not isinstance(key, (cst.SimpleString, cst.ConcatenatedString)) or not (
                (isinstance(value, cst.Name) and value.value in self._texts)
                or _text_call(value)):
            return updated
        self.shims.add("select_parts")
        self.done.append('text["part"] -> select_parts(text, "part")')
        return cst.Call(cst.Name("select_parts"), [cst.Arg(updated.value), cst.Arg(key)])

    # -- classes: CONFIG and the scene base --------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip.add(id(node.name))
        names = {code_of(b.value).split(".")[-1] for b in node.bases}
        is_scene = any(n.endswith("Scene") or n in self.scenes for n in names)
        if is_scene:
            self.scenes.add(node.name.value)
        self._classes.append(is_scene)
        self._bases.append(names)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        is_scene = self._classes.pop()
        self._bases.pop()
        if self.frame:
            bases = []
            for was, base in zip(original.bases, updated.bases, strict=True):
                value = was.value
                if isinstance(value, cst.Name) and value.value in _SCENE_BASES \
                        and self._is_manimlib(value.value):
                    camera = "ThreeDScene" if self.frame3d else "MovingCameraScene"
                    self.done.append(f"self.frame -> {camera}'s camera")
                    self.introduced.add(camera)
                    base = base.with_changes(value=cst.Name(camera))
                bases.append(base)
            updated = updated.with_changes(bases=bases)
        body = [st for st in updated.body.body if isinstance(st, cst.BaseStatement)]
        out: list[cst.BaseStatement] = []
        keys: dict[str, bool] = {}
        parents = [code_of(b.value) for b in original.bases]
        for stmt in body:
            config = _config_dict(stmt)
            if config is None:
                out.append(stmt)
                continue
            self.done.append("CONFIG -> class attributes")
            kept: list[cst.BaseDictElement] = []
            for element in config.elements:
                assert isinstance(element, cst.DictElement)
                key = element.key
                assert isinstance(key, cst.SimpleString)
                name = key.evaluated_value
                assert isinstance(name, str)
                value = element.value
                is_dict = isinstance(value, cst.Dict)
                keys[name] = is_dict
                if is_dict:
                    merged = [p for p in parents if self.dict_keys.get(p, {}).get(name)]
                    if merged:
                        assert isinstance(value, cst.Dict)
                        value = value.with_changes(elements=[
                            cst.StarredDictElement(cst.parse_expression(f"{merged[0]}.{name}")),
                            *value.elements])
                if not is_scene:
                    kept.append(element)
                if isinstance(value, cst.Lambda):  # an attribute, not a method: no `self`
                    self.done.append("CONFIG lambda -> staticmethod")
                    value = cst.Call(cst.Name("staticmethod"), [cst.Arg(value)])
                if is_scene or name not in _PROPERTIES:
                    out.append(cst.SimpleStatementLine([cst.Assign(
                        [cst.AssignTarget(cst.Name(name))], value)]))
            if not is_scene:
                out.append(cst.ensure_type(stmt, cst.SimpleStatementLine).with_changes(body=[
                    cst.Assign([cst.AssignTarget(cst.Name("CONFIG"))],
                               config.with_changes(elements=kept))]))
        if keys and not is_scene:
            out = self._digest_in_init(out)
        if keys and is_scene:
            out = self._scene_keywords(out, original, keys)
        if keys:
            self.dict_keys[original.name.value] = {**{k: v for p in parents
                                                      for k, v in self.dict_keys.get(p, {}).items()},
                                                   **keys}
        return updated.with_changes(body=updated.body.with_changes(body=out or [
            cst.SimpleStatementLine([cst.Pass()])]))

    def _scene_keywords(self, body: list[cst.BaseStatement], node: cst.ClassDef,
                        keys: dict[str, bool]) -> list[cst.BaseStatement]:
        """CONFIG keys a Manim CE scene base takes as constructor keywords (ZoomedScene's
        `zoom_factor`, LinearTransformationScene's `show_basis_vectors`) reach it from an added
        `__init__`: CE's constructor sets them, over the class attributes."""
        taken: frozenset[str] = frozenset()
        for base in node.bases:
            name = code_of(base.value)
            if self.links.get(name, "").startswith("star:manim:"):
                taken |= ce_keywords().get(name, frozenset())
        passed = [k for k in keys if k in taken]
        if not passed or any(isinstance(st, cst.FunctionDef) and st.name.value == "__init__"
                             for st in body):
            return body
        values = []
        for k in passed:
            value = f"self.{k}"
            if k in self.table.scene_keywords:
                self.shims.add("old_keywords")
                self.introduced.add(self.table.scene_keywords[k])
                value = f"old_keywords({self.table.scene_keywords[k]}, {value})"
            values.append(f'        "{k}": {value},\n')
        self.done.append("CONFIG -> constructor keywords of the Manim CE scene")
        return [*body, cst.parse_statement(
            "def __init__(self, **kwargs):\n    super().__init__(**{\n"
            f"{''.join(values)}        **kwargs}})\n")]

    def _digest_in_init(self, body: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """Old manimlib's Mobject.__init__ digested CONFIG itself: a class with CONFIG digests
        it first thing in its `__init__` (added when it has none), so its CONFIG values reach
        Manim CE's base as keyword arguments and the rest become attributes."""
        inits = [i for i, st in enumerate(body)
                 if isinstance(st, cst.FunctionDef) and st.name.value == "__init__"]
        digest = cst.parse_statement("digest_config(self, kwargs)\n")
        self.uses_digest = True
        if not inits:
            self.done.append("CONFIG digested in an added __init__")
            return [*body, cst.parse_statement(
                "def __init__(self, *args, **kwargs):\n    digest_config(self, kwargs)\n"
                "    super().__init__(*args, **kwargs)\n")]
        init = body[inits[0]]
        assert isinstance(init, cst.FunctionDef)
        star = init.params.star_kwarg
        block = init.body
        if star is None or not isinstance(block, cst.IndentedBlock):
            return body
        if star.name.value != "kwargs":
            digest = cst.parse_statement(f"digest_config(self, {star.name.value})\n")
        if "digest_config" in code_of(init):
            # digested after `super().__init__(**kwargs)`, as ManimGL's base digested first:
            # the digest moves to the top, so CE's base gets only the keywords it takes
            first = code_of(block.body[0]).strip() if block.body else ""
            rest = [st for st in block.body if code_of(st).strip() != code_of(digest).strip()]
            if first == code_of(digest).strip() or len(rest) == len(block.body):
                return body
            block = block.with_changes(body=rest)
        else:
            self.done.append("CONFIG digested in __init__")
        return [*body[:inits[0]], init.with_changes(body=block.with_changes(
            body=[digest, *block.body])), *body[inits[0] + 1:]]

    # -- calls -----------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.table.dialect == "manimlib-old":
            updated = self._positive_durations(updated)
        func = updated.func
        if isinstance(original.func, cst.Name):
            name = original.func.value
            if name == "digest_config":
                self.uses_digest = True
            if name == "ApplyMethod" and self._is_manimlib(name):
                return self._apply_method(updated)
            if name in ("FadeIn", "FadeOut") and self._is_manimlib(name) and \
                    self.table.dialect == "manimgl" and 1 < len(plain := [
                        a for a in updated.args if a.keyword is None and not a.star]) <= 3 \
                    and plain == list(updated.args[:len(plain)]):
                # ManimGL's FadeIn(mobject, shift, scale): CE's takes several mobjects
                self.done.append(f"{name}(m, shift) -> {name}(m, shift=shift)")
                updated = updated.with_changes(args=plain_args([plain[0], *(
                    keyword_arg(k, a.value) for k, a in zip(("shift", "scale"), plain[1:],
                                                            strict=False)),
                    *updated.args[len(plain):]]))
            if name == "Group" and self._is_manimlib(name) and len(updated.args) == 1 and \
                    not updated.args[0].star and updated.args[0].keyword is None and \
                    isinstance(updated.args[0].value, (cst.GeneratorExp, cst.ListComp, cst.List)):
                self.done.append("Group(iterable) -> Group(*iterable)")  # ManimGL's Group takes one
                value = updated.args[0].value
                if isinstance(value, cst.GeneratorExp) and not value.lpar:
                    value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                updated = updated.with_changes(args=[updated.args[0].with_changes(
                    star="*", value=value)])
            rename = self.renames.get(name)
            if rename is not None and (rename.keywords or rename.extra):
                updated = self._keywords(updated, rename)
            if self._is_manimlib(name):
                updated = self._positional(updated, name)
            if name in _FUNCTION_CLASSES and self._is_manimlib(name):
                updated = self._unbound_function(updated)
            ce = rename.new if rename is not None else name \
                if self.links.get(name, "").startswith("star:manim:") else ""
            if self.table.strict_keywords and ce in ce_keywords():
                updated = self._ce_keywords(updated, ce, original)
            elif self.table.star_keywords and ce in ce_keywords():
                updated = updated.with_changes(args=[
                    self._star_keywords(a, ce) if a.star == "**" else a for a in updated.args])
            if name == "VGroup" and self._is_manimlib(name) and [code_of(a.value) for a in
                                                                  updated.args] == ["self.mobjects"]:
                # Manim CE's scene holds plain Mobjects too (the rest of a group a subpart of it
                # left): a VGroup refuses them
                self.done.append("VGroup(*self.mobjects) -> Group(*self.mobjects)")
                self.introduced.add("Group")
                return updated.with_changes(func=cst.Name("Group"))
            if self.table.dialect == "manimlib-old" and rename is not None and \
                    name in _SPLIT_TEXTS:
                updated = self._no_brace_split(updated)
                if any(a.star == "**" or a.keyword is not None and
                       a.keyword.value in _SPLIT_KEYWORDS for a in updated.args):
                    # old TexMobject split its strings at the substrings it isolated: old_tex()
                    self.shims.add("old_tex")
                    self.done.append(f"{name}(tex_to_color_map=) -> old_tex({rename.new}, ...)")
                    return updated.with_changes(func=cst.Name("old_tex"), args=plain_args(
                        [cst.Arg(cst.Name(rename.new)), *updated.args]))
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            receiver = code_of(func.value)
            if isinstance(func.value, cst.Attribute) and func.value.attr.value == "f_always" \
                    and self.table.dialect == "manimgl":
                # ManimGL's `mob.f_always.method(f)` is Manim CE's `f_always(mob.method, f)`
                self.done.append("mob.f_always.method(f) -> f_always(mob.method, f)")
                self.introduced.add("f_always")
                return updated.with_changes(func=cst.Name("f_always"), args=[
                    cst.Arg(func.with_changes(value=func.value.value)), *updated.args])
            if method == "__init__" and receiver == "super()" and self._bases:
                for base in sorted(self._bases[-1]):
                    if self._is_manimlib(base):
                        updated = self._positional(updated, base)
            if method == "play":
                return self._play(updated)
            if method == "replicate" and len(updated.args) == 1 and \
                    updated.args[0].keyword is None:
                self.done.append(".replicate(n) -> VGroup of copies")
                self.introduced.add("VGroup")
                return cst.parse_expression(
                    f"VGroup(*({receiver}.copy() for _ in range({code_of(updated.args[0].value)})))")
            if method == "get_grid" and len(updated.args) >= 2 and all(
                    a.keyword is None for a in updated.args[:2]) and self.table.dialect == "manimgl":
                return self._grid(receiver, updated.args)
            if method in ("set_width", "set_height", "set_depth") and any(
                    a.keyword is not None and a.keyword.value == "stretch" and
                    code_of(a.value) == "True" for a in updated.args):
                self.done.append(f".{method}(stretch=True) -> .stretch_to_fit_"
                                 f"{method[4:]}()")
                return updated.with_changes(
                    func=func.with_changes(attr=cst.Name(f"stretch_to_fit_{method[4:]}")),
                    args=plain_args([a for a in updated.args if a.keyword is None
                                 or a.keyword.value != "stretch"]))
            if receiver.endswith("camera.frame") and method in _FRAME_3D and not self.frame3d:
                self._problem("MF232", f"`self.frame.{method}()` moves ManimGL's 3D camera; "
                              "write it with ThreeDScene's set_camera_orientation/move_camera",
                              original)
            if method in self.table.method_templates:
                templated = self._template(receiver, method, updated.args)
                if templated is not None:
                    return templated
            if method in self.table.method_keywords:
                updated = self._keywords(updated, Rename(method, self.table.method_keywords[method]))
            if method in self.table.methods:
                new = self.table.methods[method]
                if new:
                    self.done.append(f".{method}() -> .{new}()")
                    return updated.with_changes(func=func.with_changes(attr=cst.Name(new)))
                self.done.append(f".{method}() dropped")
                self._problem("MF233", f"`.{method}()` is interactive or shader-only in "
                              f"{self.table.dialect}; dropped", original)
                return func.value
        return updated

    def _no_brace_split(self, call: cst.Call) -> cst.Call:
        """Manim CE splits a MathTex string at `{{ ... }}` into parts; old manimlib's TeX
        strings meant plain nested groups there (`{{1} \\over {p}}`): spaced, as CE's docs
        advise, they stay groups."""
        args = []
        for a in call.args:
            value = a.value
            if a.keyword is None and not a.star and isinstance(value, cst.SimpleString) and (
                    "{{" in value.value or "}}" in value.value):
                self.done.append("TeX `{{`/`}}` -> `{ {`/`} }` (no CE part split)")
                spaced = value.value
                while "{{" in spaced or "}}" in spaced:
                    spaced = spaced.replace("{{", "{ {").replace("}}", "} }")
                a = a.with_changes(value=value.with_changes(value=spaced))
            args.append(a)
        return call.with_changes(args=args)

    def _positive_durations(self, call: cst.Call) -> cst.Call:
        """Old manimlib played a `run_time` or waited a duration of zero or less as an instant
        (an empty time progression); Manim CE raises a ValueError. A duration that can be
        one (a difference, a negation, a literal <= 0) becomes at least one frame."""
        is_wait = code_of(call.func) == "self.wait"
        args = []
        for i, a in enumerate(call.args):
            key = a.keyword.value if a.keyword is not None else None
            if not a.star and (key == "run_time" or is_wait and (
                    key == "duration" or key is None and i == 0)) and _may_be_nonpositive(a.value):
                self.done.append("a duration <= 0 -> one frame")
                self.introduced.add("config")
                a = a.with_changes(value=cst.parse_expression(
                    f"max({code_of(a.value)}, 1 / config.frame_rate)"))
            args.append(a)
        return call.with_changes(args=args) if args != list(call.args) else call

    def _template(self, receiver: str, method: str, args: Sequence[cst.Arg]
                  ) -> cst.BaseExpression | None:
        """A method call the table rewrites whole, when its arguments fit the parameters."""
        params, template = self.table.method_templates[method]
        names = [p for p, _ in params]
        values = {p: d for p, d in params if d is not None}
        extra = ""  # other keywords, for a template passing them on (`{kwargs}`)
        for i, a in enumerate(args):
            key = names[i] if a.keyword is None and i < len(names) else \
                a.keyword.value if a.keyword is not None else None
            if key is not None and key not in names and not a.star and "{kwargs}" in template:
                extra += f", {key}={code_of(a.value)}"
                continue
            if key not in names or a.star:
                return None
            values[key] = code_of(a.value)
        if set(values) != set(names):
            return None
        values = {k: v if re.fullmatch(r"[\w.]+|'[^'\\]*'|\"[^\"\\]*\"", v) else f"({v})"
                  for k, v in values.items()}
        self.done.append(f".{method}() -> {template.split('(')[0].replace('{self}', '')}")
        self.introduced.update(re.findall(r"\b[A-Z]\w*", template))
        self.shims.update(n for n in re.findall(r"\b\w+(?=\()", template) if n in SHIMS)
        return cst.parse_expression(template.format(self=receiver, kwargs=extra, **values))

    def _grid(self, receiver: str, args: Sequence[cst.Arg]) -> cst.BaseExpression:
        """ManimGL's `mob.get_grid(rows, cols, height=h)`: a VGroup of copies in a grid."""
        rows, cols = (code_of(a.value) for a in args[:2])
        self.done.append(".get_grid(r, c) -> VGroup of copies arranged in a grid")
        self.introduced.add("VGroup")
        code = (f"VGroup(*({receiver}.copy() for _ in range(({rows}) * ({cols}))))"
                f".arrange_in_grid({rows}, {cols})")
        for a in args[2:]:
            if a.keyword is not None and a.keyword.value in ("height", "width"):
                code += f".set_{a.keyword.value}({code_of(a.value)})"
        return cst.parse_expression(code)

    def _keywords(self, call: cst.Call, rename: Rename) -> cst.Call:
        args = []
        for a in call.args:
            if a.keyword is not None and a.keyword.value in rename.keywords:
                new = rename.keywords[a.keyword.value]
                self.done.append(f"{a.keyword.value}= -> {new or 'dropped'}")
                if not new:
                    continue
                a = a.with_changes(keyword=cst.Name(new))
            args.append(a)
        given = {a.keyword.value for a in args if a.keyword is not None}
        args += [keyword_arg(k, cst.parse_expression(v)) for k, v in rename.extra.items()
                 if k not in given]
        return call.with_changes(args=plain_args(args))

    def _positional(self, call: cst.Call, cls: str) -> cst.Call:
        """Positional arguments of a class whose order CE changed become keywords."""
        params = self.table.positional.get(cls, ())
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if not params or not positional or len(positional) > len(params):
            return call
        self.done.append(f"{cls}(positional) -> keywords")
        return call.with_changes(args=plain_args([
            *(keyword_arg(k, a.value) for k, a in zip(params, positional, strict=False)),
            *(a for a in call.args if a.keyword is not None or a.star)]))

    def _unbound_function(self, call: cst.Call) -> cst.Call:
        """`FunctionGraph(self.f)`: the graph keeps its function, and a bound method would make
        copying it (every animation does) copy the scene, which cannot be copied; old
        manimlib copied mobjects shallowly. A lambda calling the method is copied as is."""
        first = call.args[0] if call.args else None
        if first is None or first.keyword is not None or first.star or not (
                isinstance(first.value, cst.Attribute) and isinstance(first.value.value, cst.Name)
                and first.value.value.value == "self"):
            return call
        self.done.append("a graph of a bound method -> of a lambda")
        method = code_of(first.value)
        return call.with_changes(args=[first.with_changes(value=cst.parse_expression(
            f"lambda *args: {method}(*args)")), *call.args[1:]])

    def _ce_keywords(self, call: cst.Call, cls: str, node: cst.CSTNode) -> cst.Call:
        """Old manimlib's keywords of a call of Manim CE's `cls`: renamed, dropped when `cls`
        does not take them (MF240; upgrade-api turns `x_min=`-style bounds into ranges),
        an axis config dict literal likewise; a `**dict` goes through `old_keywords`."""
        taken = ce_keywords()[cls]
        args = []
        bounds: dict[str, str] = {}  # x_min= of a class upgrade-api leaves: its x_range
        # old step_size= (a curve's sampling step) is the third item of CE's t_range/x_range;
        # "auto" has no CE equivalent and goes with the other dropped keywords
        step_axis = "x" if "x_range" in taken else "t" if "t_range" in taken else ""
        step = next((code_of(a.value) for a in call.args if a.keyword is not None
                     and a.keyword.value == "step_size" and "step_size" not in taken
                     and not isinstance(a.value, cst.SimpleString)), None) if step_axis else None
        for a in call.args:
            if step is not None and a.keyword is not None and a.keyword.value == "step_size":
                continue
            if a.star == "**":
                a = self._star_keywords(a, cls)
            elif a.keyword is not None:
                key_given = a.keyword.value
                key = self.table.old_keywords.get(key_given, key_given)
                if _BOUND.fullmatch(key) and (cls not in RANGE_CALLS or step is not None
                                              and key[0] == step_axis) \
                        and f"{key[0]}_range" in taken:
                    bounds[key] = code_of(a.value)
                    continue
                if key not in taken and not _BOUND.fullmatch(key):
                    self._problem("MF240", f"`{a.keyword.value}=` is not a keyword of Manim "
                                  f"CE's `{cls}` (old manimlib kept it as an unused "
                                  "attribute); dropped", node)
                    self.done.append(f"{cls}({a.keyword.value}=) dropped")
                    continue
                if key == "checkerboard_colors" and code_of(a.value) == "None" and \
                        key in taken:
                    # old surfaces tested it for truth, CE's for `is False`
                    self.done.append("checkerboard_colors=None -> False")
                    a = a.with_changes(value=cst.Name("False"))
                if key != key_given:
                    self.done.append(f"{key_given}= -> {key}=")
                    a = a.with_changes(keyword=cst.Name(key))
                if key.endswith("axis_config") and isinstance(a.value, cst.Dict) \
                        and "NumberLine" in ce_keywords():
                    a = a.with_changes(value=self._config_literal(a.value, "NumberLine", node))
            args.append(a)
        for axis in sorted({k[0] for k in bounds} | ({step_axis} if step else set())):
            low, high = (bounds.get(f"{axis}_{end}", default)
                         for end, default in zip(("min", "max"), OLD_BOUNDS[axis], strict=True))
            end = f", {step}" if step and axis == step_axis else ""
            self.done.append(f"{cls}({axis}_min=, {axis}_max={', step_size=' if end else ''}) "
                             f"-> {axis}_range=")
            args.append(keyword_arg(f"{axis}_range", cst.parse_expression(
                f"[{low}, {high}{end}]")))
        return call.with_changes(args=plain_args(args)) if args != list(call.args) else call

    def _star_keywords(self, arg: cst.Arg, cls: str) -> cst.Arg:
        """`Cls(**config)`: a CONFIG-era dict's keywords Manim CE's `cls` takes (old_keywords)."""
        self.shims.add("old_keywords")
        self.introduced.add(cls)
        self.done.append(f"{cls}(**old keywords) -> old_keywords({cls}, ...)")
        return arg.with_changes(value=cst.parse_expression(
            f"old_keywords({cls}, {code_of(arg.value)})"))

    def _config_literal(self, value: cst.Dict, cls: str, node: cst.CSTNode) -> cst.Dict:
        taken = ce_keywords()[cls]
        kept = []
        for e in value.elements:
            key = e.key.evaluated_value if isinstance(e, cst.DictElement) and isinstance(
                e.key, cst.SimpleString) else None
            if isinstance(key, str) and key not in taken:
                new = self.table.old_keywords.get(key, "")
                if new not in taken:
                    self._problem("MF240", f"`{key}` is not a keyword of Manim CE's `{cls}` "
                                  "(old manimlib kept it as an unused attribute); dropped", node)
                    self.done.append(f"{cls}({key}=) dropped")
                    continue
                assert isinstance(e, cst.DictElement)
                e = e.with_changes(key=cst.SimpleString(repr(new)))
            kept.append(e)
        if kept and len(kept) < len(value.elements):
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return value.with_changes(elements=kept)

    def _apply_method(self, call: cst.Call) -> cst.BaseExpression:
        args = list(call.args)
        if not args or args[0].keyword is not None or not isinstance(
                args[0].value, cst.Attribute):
            self._problem("MF232", "`ApplyMethod` without a `mob.method` first argument; "
                          "write `mob.animate.method(...)`", call)
            return call
        method = args[0].value
        positional = [a for a in args[1:] if a.keyword is None]
        keywords = [a for a in args[1:] if a.keyword is not None]
        self.done.append("ApplyMethod -> .animate")
        return _animate(method, positional, keywords)

    def _play(self, call: cst.Call) -> cst.Call:
        """Old manimlib's `play(mob.method, *args)`: each method reference takes the
        positional arguments after it up to the next animation or method reference; methods
        of the same mobject in a row build one target (`mob.animate.m1(...).m2(...)`)."""
        args = list(call.args)
        out: list[cst.Arg] = []
        i = 0
        changed = False
        last = None  # the receiver of the animation `out` ends with, when it is one of these
        while i < len(args):
            a = args[i]
            value = a.value
            if a.keyword is None and not a.star and isinstance(value, cst.Attribute) and \
                    _ANIMATABLE.fullmatch(value.attr.value) and \
                    code_of(value.value) != "self":
                j = i + 1
                while j < len(args) and args[j].keyword is None and not args[j].star and \
                        not _is_animation(args[j].value):
                    j += 1
                receiver = code_of(value.value)
                method_args = _dict_as_keywords(args[i + 1:j])
                if receiver == last:
                    chained = cst.Call(cst.Attribute(out[-1].value, value.attr),
                                       plain_args(method_args))
                    out[-1] = cst.Arg(chained)
                else:
                    out.append(cst.Arg(_animate(value, method_args, [])))
                last = receiver
                changed = True
                i = j
                continue
            out.append(a)
            last = None
            i += 1
        if not changed:
            return call
        self.done.append("play(mob.method, ...) -> mob.animate.method(...)")
        return call.with_changes(args=plain_args(out))

    # -- statements -------------------------------------------------------------------------
    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom
                         ) -> cst.ImportFrom:
        """An import of the dialect left in the code (in a `try` or a function body) imports
        Manim CE."""
        module = code_of(updated.module) if updated.module is not None else ""
        if updated.relative or module.split(".")[0] not in (
                "manimlib", "big_ol_pile_of_manim_imports", "manim_imports_ext"):
            return updated
        self.done.append(f"from {module} import -> from manim import")
        return updated.with_changes(module=cst.Name("manim"))

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        body = [s for s in updated.body if not (
            isinstance(s, cst.Expr) and isinstance(s.value, (cst.Name, cst.Attribute))
            and isinstance(original.body[0], cst.Expr)
            and isinstance(original.body[0].value, cst.Call))]
        if len(body) == len(updated.body):
            return updated
        return updated.with_changes(body=body) if body else cst.RemoveFromParent()

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock
                            ) -> cst.IndentedBlock:
        if updated.body:
            return updated
        return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute
                        ) -> cst.BaseExpression:
        if self.frame and not self.frame3d and code_of(original) == "self.frame":
            return cst.parse_expression("self.camera.frame")
        if self.table.dialect == "manimlib-old" and id(original) not in self._stores and \
                code_of(original) == "self.camera.frame_rate":
            # old manimlib's frame rates were ints (15, 30, 60), CE's is a float: the old
            # scenes count frames with it (`range(self.camera.frame_rate * 8)`)
            self.done.append("self.camera.frame_rate -> int(self.camera.frame_rate)")
            return cst.parse_expression("int(self.camera.frame_rate)")
        if isinstance(original.value, cst.Name) and original.value.value == "self" and \
                original.attr.value in self.table.attributes:
            new = self.table.attributes[original.attr.value]
            self.done.append(f"self.{original.attr.value} -> self.{new}")
            return cst.parse_expression(f"self.{new}")
        return updated


def _may_be_nonpositive(node: cst.BaseExpression) -> bool:
    """A number literal <= 0, or an expression with a difference or a negation in it."""
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.evaluated_value <= 0  # (`0x10`, `1_000`: not `float(node.value)`)
    return _has_minus(node)


def _has_minus(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Subtract) \
        or isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
        or any(_has_minus(child) for child in node.children)


def _dict_as_keywords(args: list[cst.Arg]) -> list[cst.Arg]:
    """Old manimlib's play took a dict after a method's arguments as its keyword arguments."""
    if not args or not isinstance(args[-1].value, cst.Dict):
        return args
    keywords = []
    for e in args[-1].value.elements:
        if not (isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
                and isinstance(e.key.evaluated_value, str)
                and e.key.evaluated_value.isidentifier()):
            return args
        keywords.append(keyword_arg(e.key.evaluated_value, e.value))
    return [*args[:-1], *keywords]
_TEXT_CLASSES = frozenset({"Tex", "TexText", "OldTex", "OldTexText", "Text", "MarkupText",
                           "TexMobject", "TextMobject", "MathTex"})


# ManimGL's Tex and TexText (StringMobjects) are groups of glyphs; Manim CE's group by part
_GLYPH_TEXTS = frozenset({"Tex", "TexText"})


# ManimGL's OldTex and its kin split their string into parts at each tex_to_color_map key
_SPLIT_TEXTS = frozenset({"OldTex", "OldTexText", "TexMobject", "TextMobject"})
_SPLIT_KEYWORDS = frozenset({"t2c", "tex_to_color_map", "isolate", "substrings_to_isolate"})


def _constructor(node: cst.BaseExpression) -> cst.BaseExpression:
    """The `Tex(...)` call at the head of `Tex(...).scale(2)...`."""
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        node = node.func.value
    return node


def _text_call(node: cst.BaseExpression, classes: frozenset[str] = _TEXT_CLASSES) -> bool:
    """`Tex(...)` or `Text(...).set_color(...)...`: a ManimGL text mobject (of `classes`)."""
    node = _constructor(node)
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and \
        node.func.value in classes


def _is_animation(node: cst.BaseExpression) -> bool:
    """An argument of `play` that starts a new animation: a call of a capitalised class,
    `x.animate...`, or another method reference."""
    if isinstance(node, cst.Call):
        func = node.func
        head = func.attr.value if isinstance(func, cst.Attribute) else \
            func.value if isinstance(func, cst.Name) else ""
        return head[:1].isupper() or ".animate" in code_of(func)
    if isinstance(node, cst.Attribute):
        return bool(_ANIMATABLE.fullmatch(node.attr.value))
    return False


def _animate(method: cst.Attribute, positional: list[cst.Arg], keywords: list[cst.Arg]
             ) -> cst.Call:
    receiver = code_of(method.value)
    builder = f"{receiver}.animate"
    if keywords:
        builder += "(" + ", ".join(code_of(a.with_changes(comma=cst.MaybeSentinel.DEFAULT))
                                   for a in keywords) + ")"
    target = cst.parse_expression(f"{builder}.{method.attr.value}()")
    assert isinstance(target, cst.Call)
    return target.with_changes(args=plain_args(positional))


def _config_dict(stmt: cst.BaseStatement) -> cst.Dict | None:
    """The dict of a `CONFIG = {"key": value, ...}` statement with string keys."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if not (isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(
            assign.targets[0].target, cst.Name) and assign.targets[0].target.value == "CONFIG"
            and isinstance(assign.value, cst.Dict)):
        return None
    for element in assign.value.elements:
        if not (isinstance(element, cst.DictElement) and isinstance(
                element.key, cst.SimpleString) and isinstance(element.key.evaluated_value, str)
                and element.key.evaluated_value.isidentifier()):
            return None
    return assign.value


def _replace_characters(flat: Flat, shims: set[str], done: Counter[str]) -> set[str]:
    """A repository class named like one of 3b1b's characters (custom/characters) is its
    stand-in: the original draws SVG files and relies on ManimGL internals. Returns the
    link keys of the classes replaced."""
    keys: set[str] = set()
    kept = []
    for piece in flat.pieces:
        names = piece.binds & CHARACTERS if piece.module and piece.kind == "class" else set()
        if names:
            shims.update(names)
            keys.update(f"{piece.module}:{n}" for n in names)
            done[f"{', '.join(sorted(names))} -> stand-in (stick figure)"] += 1
            flat.assets.append(AssetRecord(f"{piece.module}:{min(names)}", "character",
                                           "replaced", "stick_figure", piece.line, piece.module))
            continue
        kept.append(piece)
    flat.pieces = kept
    return keys


# -- ManimGL's 3D camera frame -> ThreeDScene's camera calls ------------------------------------
_FRAME_3D_CALL = re.compile(r"\.(?:reorient|set_euler_angles|increment_(?:theta|phi|gamma)|"
                            r"set_(?:theta|phi|gamma)|add_ambient_rotation)\(")
_FRAME_REFS = ("self.frame", "self.camera.frame")


class _Camera3D(cst.CSTTransformer):
    """A scene that turns ManimGL's 3D camera frame becomes a ThreeDScene: each statement
    moving the frame (`frame.reorient(...)`, `self.play(frame.animate.reorient(...), ...)`,
    `frame.add_updater(lambda m, dt: m.increment_theta(k * dt))`) becomes a ThreeDScene
    camera call; any other use of the frame is an MF232 error naming it."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        from ..dialects.manimgl import FRAME_3D, FRAME_3D_ROTATION, FRAME_3D_STOP
        self.methods, self.rotation, self.stop = FRAME_3D, FRAME_3D_ROTATION, FRAME_3D_STOP
        self.aliases: set[str] = set()  # `frame = self.frame`
        self.done: list[str] = []
        self.problems: list[tuple[str, str, int]] = []
        self._new: dict[int, cst.BaseSmallStatement | None] = {}
        self._scopes: list[set[str]] = []

    def _is_frame(self, node: cst.BaseExpression) -> bool:
        return code_of(node) in _FRAME_REFS or (isinstance(node, cst.Name)
                                                and node.value in self.aliases)

    def _chain(self, node: cst.BaseExpression) -> tuple[bool, list[cst.Call]] | None:
        """`frame[.animate].m1(...).m2(...)`: (animated, the calls in order)."""
        calls = []
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            calls.append(node)
            node = node.func.value
        animated = isinstance(node, cst.Attribute) and node.attr.value == "animate"
        if animated:
            assert isinstance(node, cst.Attribute)
            node = node.value
        return (animated, calls[::-1]) if calls and self._is_frame(node) else None

    def _keywords(self, calls: list[cst.Call]) -> dict[str, str] | None:
        out: dict[str, str] = {}
        for call in calls:
            assert isinstance(call.func, cst.Attribute)
            params = self.methods.get(call.func.attr.value)
            positional = [a for a in call.args if a.keyword is None]
            named = {a.keyword.value: a for a in call.args if a.keyword is not None}
            units = named.pop("units", None)
            if units is not None and code_of(units.value) not in ("RADIANS", "1"):
                return None
            if params is None or any(a.star for a in call.args) or len(positional) > len(
                    params) or set(named) - {p[0] for p in params}:
                return None
            for i, (gl, ce, template) in enumerate(params):
                arg = positional[i] if i < len(positional) else named.get(gl)
                value = code_of(arg.value) if arg is not None else "None"
                if value != "None":  # a simple value needs no parentheses
                    simple = re.fullmatch(r"-?[\w.]+", value)
                    out[ce] = (template.replace("({})", "{}") if simple else template
                               ).format(value)
        return out

    def _statement(self, node: cst.BaseSmallStatement) -> cst.BaseSmallStatement | None | bool:
        """The ThreeDScene statement for a frame statement (None: drop it), or False."""
        if isinstance(node, cst.Assign) and self._is_frame(node.value):
            names = [t.target.value for t in node.targets if isinstance(t.target, cst.Name)]
            if len(names) == len(node.targets):
                self.aliases.update(names)
                return None
        if not isinstance(node, cst.Expr) or not isinstance(node.value, cst.Call):
            return False
        call = node.value
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value == "play" and code_of(
                func.value) == "self":
            return self._play(call)
        chain = self._chain(call)
        if chain is None or chain[0]:
            return False
        calls = chain[1]
        assert isinstance(calls[0].func, cst.Attribute)
        method = calls[0].func.attr.value
        if len(calls) == 1 and method in self.stop:
            return self._call("self.stop_ambient_camera_rotation()", "stop rotation")
        if len(calls) == 1 and method == "add_ambient_rotation":
            rate = code_of(calls[0].args[0].value) if calls[0].args else "DEGREES"
            return self._call(f"self.begin_ambient_camera_rotation(rate={rate})", "rotation")
        if len(calls) == 1 and method == "add_updater":
            return self._rotation(calls[0])
        keywords = self._keywords(calls)
        if keywords is None:
            return False
        return self._call(f"self.set_camera_orientation({_kw(keywords)})", method)

    def _call(self, code: str, what: str) -> cst.BaseSmallStatement:
        self.done.append(f"3D frame {what} -> ThreeDScene camera")
        return cst.Expr(cst.parse_expression(code))

    def _rotation(self, call: cst.Call) -> cst.BaseSmallStatement | bool:
        """`frame.add_updater(lambda m, dt: m.increment_theta(k * dt))` -> ambient rotation."""
        fn = call.args[0].value if len(call.args) == 1 else None
        if not (isinstance(fn, cst.Lambda) and len(fn.params.params) == 2
                and isinstance(fn.body, cst.Call) and isinstance(fn.body.func, cst.Attribute)
                and fn.body.func.attr.value in self.rotation and len(fn.body.args) == 1):
            return False
        dt = fn.params.params[1].name.value
        rate = _without_factor(fn.body.args[0].value, dt)
        if rate is None:
            return False
        about = self.rotation[fn.body.func.attr.value]
        return self._call(f'self.begin_ambient_camera_rotation(rate={rate}, about="{about}")',
                          "rotation")

    def _play(self, call: cst.Call) -> cst.BaseSmallStatement | bool:
        keywords: dict[str, str] = {}
        others: list[str] = []
        for arg in call.args:
            chain = self._chain(arg.value) if arg.keyword is None and not arg.star else None
            if chain is None or not chain[0]:
                others.append(code_of(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)))
                continue
            found = self._keywords(chain[1])
            if found is None:
                return False
            keywords.update(found)
        if not keywords:
            return False
        anims = [o for o in others if not re.match(r"\*?\w+\s*=", o)]
        kwargs = [o for o in others if o not in anims]
        parts = [_kw(keywords)] + ([f"added_anims=[{', '.join(anims)}]"] if anims else []) \
            + kwargs
        return self._call(f"self.move_camera({', '.join(parts)})", "animation")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(set(self.aliases))

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef
                          ) -> cst.FunctionDef:
        self.aliases = self._scopes.pop()
        return updated

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if len(node.body) != 1:
            return True
        new = self._statement(node.body[0])
        if new is False:
            return True
        self._new[id(node)] = new  # type: ignore[assignment]
        return False

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine
                                  ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if id(original) not in self._new:
            return updated
        new = self._new[id(original)]
        return cst.RemoveFromParent() if new is None else updated.with_changes(body=[new])

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if self._is_frame(node):
            self._report(node)
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.aliases:
            self._report(node)

    def _report(self, node: cst.CSTNode) -> None:
        pos = self.get_metadata(PositionProvider, node, None)
        message = (f"`{code_of(node)}` is ManimGL's 3D camera frame used in a way "
                   "ThreeDScene's camera cannot follow; write it with "
                   "set_camera_orientation/move_camera")
        self.problems.append(("MF232", message, pos.start.line if pos else 1))


def _kw(keywords: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in keywords.items())


def _without_factor(node: cst.BaseExpression, name: str) -> str | None:
    """`k * dt` (a product with the factor `dt`) without that factor, or None."""
    if isinstance(node, cst.Name) and node.value == name:
        return "1"
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply):
        for this, other in ((node.left, node.right), (node.right, node.left)):
            rest = _without_factor(this, name)
            if rest is not None and name not in code_of(other):
                return code_of(other) if rest == "1" else f"{rest} * {code_of(other)}"
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        rest = _without_factor(node.expression, name)
        return None if rest is None else f"-({rest})"
    return None
