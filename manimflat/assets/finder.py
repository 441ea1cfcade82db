"""Finding the asset references in the pieces of a flat scene and resolving their paths.

A reference is a call of the catalogue in `assets/calls.py`; `assets/mentions.py` rules out
the code that cannot hold one before it is visited. Paths are evaluated with the static
values of `analyses/constants.py` over: module constants of every piece (in order), class
constants (`self.X`), names assigned once in the enclosing function, `config.assets_dir`
(from `manim.cfg` or a module-level assignment), loop variables over lists of static values (one value
per iteration, so a loop over three icons gives three targets) and the static values callers
pass for a parameter. Each value is then looked up by `assets/locate.py`.

Known limits: values flowing through attributes set at run time, or parameters of a function
that is passed around, are "unresolved" (the passes still replace the reference, from the
words of the expression).
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import libcst as cst

from ..analyses.chains import code, dotted, names_in
from ..analyses.config_files import applied_cfg, cfg_folder, cfg_value
from ..analyses.constants import (
    MAX_LOOP_VALUES,
    Caller,
    CallSites,
    Comprehension,
    call_sites,
    calls_of,
    class_constants,
    comprehension_loops,
    function_constants,
    local_lists,
    loop_lists,
    module_constants,
    params,
)
from ..analyses.paths import Value, evaluate
from ..ir import Flat, Piece
from .calls import (
    RECEIVER_CALLS,
    call_api,
    existence_check,
    is_code_string_call,
    open_mode,
    path_arg,
    pathlike,
)
from .locate import RASTER_EXT, SVG_EXT, locate
from .mentions import MENTION_WORDS, definition_mentions, mentions_asset_call
from .refs import Ref, Site, Target

_FILE_BASES = ("SVGMobject", "ImageMobject", "OpenGLImageMobject", "Code")
_PATH_NAME = re.compile(r"(?i)(path|file|name|fname|svg|png|jpe?g|img|image_dir|asset)")


@dataclass
class Env:
    """Static values visible to the pieces: module constants, config, class constants."""

    root: Path
    scene_dir: Path
    names: dict[str, Value] = field(default_factory=dict)
    lists: dict[str, list[Value]] = field(default_factory=dict)  # module-level lists of static values
    assets_dirs: list[Path] = field(default_factory=list)
    # callee name -> its calls in the pieces (see `calls_of`), computed once per name
    calls: dict[str, list[Caller] | None] = field(default_factory=dict)
    # module-level functions that return a path built from their parameters
    # (`def local_path(p): return os.path.join(DIR, p)`): name -> (parameters, expr, file)
    helpers: dict[str, tuple[list[str], str, str]] = field(default_factory=dict)


def build_env(flat: Flat) -> Env:
    root = Path(flat.program.root)
    scene_dir = (root / flat.scene.path).parent
    env = Env(root, scene_dir)
    rel = applied_cfg(flat.program, flat.scene.path)  # the one manim reads, run as authored
    cfg_dir = None if rel is None else cfg_value(flat.program, rel, "assets_dir")
    if rel is not None and cfg_dir is not None:
        env.assets_dirs.append(root / cfg_folder(rel) / cfg_dir)  # relative to where manim runs
        env.names["config.assets_dir"] = cfg_dir
    for piece in flat.pieces:
        module_constants(piece.node, env.names, env.lists, file=_file_of(flat, piece.module),
                         root=str(env.root))
        helper = _path_helper(piece.node)
        if helper is not None:
            env.helpers[helper[0]] = (helper[1], helper[2], _file_of(flat, piece.module))
    for piece in flat.pieces:  # `cfg.X` where `import config as cfg` was inlined: X's value
        for chain, key in piece.chains.items():
            name = key.rsplit(":", 1)[-1]
            if name in env.names:
                env.names.setdefault(".".join(chain), env.names[name])
    return env


def _path_helper(node: cst.CSTNode) -> tuple[str, list[str], str] | None:
    """`def f(a, b): return EXPR` (a docstring aside; plain positional parameters, no
    decorator): its name, parameters and returned expression's code."""
    if not isinstance(node, cst.FunctionDef) or node.decorators \
            or isinstance(node.params.star_arg, cst.Param) or node.params.kwonly_params \
            or node.params.posonly_params or node.params.star_kwarg is not None \
            or not isinstance(node.body, cst.IndentedBlock):
        return None
    body = list(node.body.body)
    if body and node.get_docstring() is not None:
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
        return None
    stmt = body[0].body[0] if len(body[0].body) == 1 else None
    if not isinstance(stmt, cst.Return) or stmt.value is None:
        return None
    return node.name.value, [p.name.value for p in node.params.params], code(stmt.value)


def _file_of(flat: Flat, module: str | None) -> str:
    return str(Path(flat.program.root) / (module or flat.scene.path))


def find_refs(flat: Flat, apis: frozenset[str] | None = None) -> list[Ref]:
    """Every asset reference in the pieces (of the given apis), in output order."""
    # Whether a statement mentions an asset call depends on its code alone, which the scenes
    # of a repo share: memoise it on the program, build the env only if needed. A text
    # without the words of an asset call is not parsed at all.
    mentions = flat.program.memo.setdefault("asset-mentions", {})
    keys = [flat.source_of(p)[0] for p in flat.pieces]
    for piece, key in zip(flat.pieces, keys):
        if key not in mentions:
            mentions[key] = bool(MENTION_WORDS.search(key)) and mentions_asset_call(piece.node)
    if not any(mentions[key] for key in keys):
        return []
    env = build_env(flat)
    refs: list[Ref] = []
    for i, (piece, key) in enumerate(zip(flat.pieces, keys)):
        if not mentions[key]:
            continue  # positions are costly: compute them only where there is something
        finder = _Finder(flat, env, i)
        piece.node.visit(finder)
        refs.extend(r for r in finder.refs if apis is None or r.api in apis)
    return refs


class _Frame:
    """An enclosing class or function: its constants and literal loop variables, computed
    only when an asset call inside it needs them (most functions have none)."""

    def __init__(self, node: cst.ClassDef | cst.FunctionDef, outer: list[_Frame],
                 finder: _Finder) -> None:
        self.node, self.outer, self.finder = node, list(outer), finder
        self.name = node.name.value
        self._consts: dict[str, Value] | None = None
        self._loops: dict[str, list[Value]] | None = None
        self._lists: dict[str, list[Value]] | None = None
        self.sources: dict[str, str] = {}  # single local assignments: name -> value's code

    def names(self) -> dict[str, Value]:
        names = dict(self.finder.env.names)
        for frame in self.outer:
            names.update(frame.consts())
        return names

    def lists(self) -> dict[str, list[Value]]:
        """The lists of static values its loops can walk: module-level and its own."""
        if self._lists is None:
            self._lists = dict(self.finder.env.lists)
            if isinstance(self.node, cst.FunctionDef):
                self._lists.update(local_lists(self.node, self.names(), self.finder.evaluate))
        return self._lists

    def loops(self) -> dict[str, list[Value]]:
        if self._loops is None:
            self._loops = {} if isinstance(self.node, cst.ClassDef) else loop_lists(
                self.node, self.lists())
        return self._loops

    def consts(self) -> dict[str, Value]:
        if self._consts is None:
            if isinstance(self.node, cst.ClassDef):
                self._consts = class_constants(self.node, self.names(), self.finder.evaluate)
            else:
                self._consts, self.sources = function_constants(
                    self.node, self.names(), self.loops(), self.finder.evaluate)
        return self._consts


class _Finder(cst.CSTVisitor):
    def __init__(self, flat: Flat, env: Env, index: int) -> None:
        super().__init__()
        self.flat, self.env, self.index = flat, env, index
        self.piece = flat.pieces[index]
        self.file = _file_of(flat, self.piece.module)
        self.refs: list[Ref] = []
        self.frames: list[_Frame] = []  # enclosing classes and functions, outermost first
        self.comprehensions: list[dict[str, list[Value] | None]] = []  # their variables
        self._source: str | None = None
        self._cursor = 0
        self._defs = definition_mentions(flat, self.piece)
        self._next_def = 0

    def _enter(self, node: cst.ClassDef | cst.FunctionDef) -> bool:
        """Push the frame; False (skip its body) when its text cannot hold an asset call."""
        self.frames.append(_Frame(node, self.frames, self))
        if self._defs is None:
            return True
        mentions, nested = self._defs[self._next_def]
        self._next_def += 1
        if mentions or self._asset_class(outer=True, bases=_FILE_BASES) is not None:
            return True  # an asset subclass's `__init__` loads its file without the words
        self._next_def += nested
        return False

    def _position(self, node: cst.Call) -> tuple[int, int]:
        """Line and column of the call: its text searched in the piece's text, in visiting
        order (libcst's PositionProvider re-renders the whole piece per piece: too slow on
        8,000-line scene files)."""
        if self._source is None:
            self._source = code(self.piece.node)
            self._cursor = 0
        at = self._source.find(code(node), self._cursor)
        if at < 0:
            return self.piece.line, 0
        self._cursor = at + 1
        before = self._source[:at]
        line_start = before.rfind("\n") + 1
        leading = len(getattr(self.piece.node, "leading_lines", ()))  # printed before it
        return self.piece.line + before.count("\n") - leading, at - line_start

    def evaluate(self, text: str, names: dict[str, Value]) -> Value | None:
        return evaluate(f"({text})", file=self.file, cwd=str(self.env.root), names=names)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return self._enter(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.frames.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return self._enter(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.frames.pop()

    def _names(self) -> dict[str, Value]:
        if not self.frames:
            return dict(self.env.names)
        return {**self.frames[-1].names(), **self.frames[-1].consts()}

    def _loops(self) -> dict[str, list[Value]]:
        loops: dict[str, list[Value]] = {}
        for frame in self.frames:
            loops.update(frame.loops())
        for variables in self.comprehensions:  # innermost last: it hides the others
            for name, values in variables.items():
                if values:
                    loops[name] = values
                else:
                    loops.pop(name, None)
        return loops

    def _enter_comprehension(self, node: Comprehension) -> bool:
        lists = self.frames[-1].lists() if self.frames else self.env.lists
        self.comprehensions.append(comprehension_loops(node, lists))
        return True

    def _leave_comprehension(self, original_node: Comprehension) -> None:
        self.comprehensions.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _enter_comprehension
    leave_ListComp = leave_SetComp = leave_GeneratorExp = leave_DictComp = _leave_comprehension

    def _asset_class(self, outer: bool = False,
                     bases: tuple[str, ...] = ("SVGMobject", "ImageMobject", "OpenGLImageMobject")
                     ) -> str | None:
        """`SVGMobject` when the innermost class (`outer`: around the newest frame) derives
        from it (or from another of `bases`)."""
        for frame in reversed(self.frames[:-1] if outer else self.frames):
            if isinstance(frame.node, cst.ClassDef):
                for base in frame.node.bases:
                    name = (dotted(base.value) or "").rsplit(".", 1)[-1]
                    if name in bases:
                        return name
                return None
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = dotted(node.func) or ""
        if func.endswith(".__init__") or (isinstance(node.func, cst.Attribute) and
                                          node.func.attr.value == "__init__"):
            base = self._asset_class()
            if base is not None:  # super().__init__("icon.svg"), SVGMobject.__init__(self, f)
                args = node.args[1:] if func.endswith(f"{base}.__init__") else node.args
                arg = next((a.value for a in args if a.keyword is None or a.keyword.value in
                            ("file_name", "filename_or_array")), None)
                if arg is not None:
                    ref = self._add(node, "subclass", arg, None)
                    ref.base = base
                    ref.owner = next(f.node for f in reversed(self.frames)
                                     if isinstance(f.node, cst.ClassDef))
                return
            if self._asset_class(bases=("Code",)) is not None:  # `class Listing(Code)`
                args = node.args[1:] if func.endswith("Code.__init__") else node.args
                arg, slot = path_arg(node.with_changes(args=args), 0, ("code_file", "file_name"))
                if arg is not None and not is_code_string_call(node):
                    self._add(node, "code", arg, slot)
                return
        api = call_api(node)
        if api is not None:
            kind, index, keywords = api
            arg, slot = path_arg(node, index, keywords)
            if arg is None or (kind == "code" and is_code_string_call(node)):
                return
            if kind in ("image", "opengl_image", "pil") and not self._pathlike_arg(arg):
                return  # a pixel array or a PIL image: drawn by the scene, not read
            self._add(node, kind, arg, slot)
            return
        func_node = node.func
        check = existence_check(node)
        if check is not None:
            ref = self._add(node, "exists", check[1], check[2])
            ref.mode = check[0]
            return
        if isinstance(func_node, cst.Attribute) and func_node.attr.value in RECEIVER_CALLS \
                and not node.args and pathlike(func_node.value):
            self._add(node, RECEIVER_CALLS[func_node.attr.value], func_node.value, "receiver")

    def _pathlike_arg(self, arg: cst.BaseExpression) -> bool:
        """Images also take arrays; a file is named by a string-valued expression, or by a
        name that says it is one (`anchor_path`, `file_name`) when its value is unknown."""
        if evaluate(f"({code(arg)})", file=self.file, cwd=str(self.env.root),
                    names={**self._names(), **{k: v[0] for k, v in self._loops().items()}}
                    ) is not None:
            return True
        if isinstance(arg, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            return True
        if isinstance(arg, cst.BinaryOperation):  # "dir/" + name, base / "x.png"
            text = code(arg)
            return any(mark in text for mark in ('"', "'", "Path(", "os.path", "__file__"))
        if isinstance(arg, cst.Call):  # only calls that build paths; np.asarray(...) is not
            name = dotted(arg.func) or ""
            return name in ("Path", "pathlib.Path", "str") or name.startswith("os.path.") \
                or name.rsplit(".", 1)[-1] in ("format", "joinpath", "with_suffix") \
                or _names_image_file(arg)  # `local_path("images/a.png")`
        if isinstance(arg, (cst.Name, cst.Attribute)):
            return bool(_PATH_NAME.search(code(arg)))
        return False

    def _add(self, node: cst.Call, api: str, arg: cst.BaseExpression,
             slot: int | str | None) -> Ref:
        line, col = self._position(node)
        text = code(arg)
        ref = Ref(node, self.index, self.piece.module, line, col, api, arg, slot, text,
                  scope=tuple(frame.name for frame in self.frames))
        if api == "open":
            ref.mode = open_mode(node)
        names, loops = self._names(), self._loops()
        ref.shape = text
        if self.frames and isinstance(arg, cst.Name):
            self.frames[-1].consts()
            ref.shape = self.frames[-1].sources.get(arg.value, text)
        used = sorted(n for n in names_in(arg) if n in loops and n not in names)
        if len(used) == 1:
            ref.loop_var = used[0]
            for value in loops[used[0]][:MAX_LOOP_VALUES]:
                ref.targets.append(self._resolve(api, text, {**names, used[0]: value}, value))
        else:
            target = self._resolve(api, text, names, None)
            sites: list[tuple[Caller, int, Value]] = []
            param = self._parameter(arg, names) if target.value is None else None
            values, passed = self._param_values(param, sites) if param else (None, [])
            ref.passed = passed
            if values is not None and param:  # one target per value its callers give
                ref.loop_var, ref.param = param, True
                keys = _site_keys(values, [value for _, _, value in sites], str(self.env.root))
                for value in values:
                    ref.targets.append(self._resolve(api, text, {**names, param: value},
                                                     keys.get(value, value)))
                ref.sites = [Site(c.text, _callee(c.call), c.index, i, keys[value],
                                  frozenset(names_in(c.call.args[i].value)))
                             for c, i, value in sites]
            else:
                ref.targets.append(target)
        self.refs.append(ref)
        return ref

    def _parameter(self, arg: cst.BaseExpression, names: dict[str, Value]) -> str | None:
        """The one parameter of the innermost function the path expression reads, when it
        reads no other unknown name: `name` in `f"img/{name}.png"` or `FILES.get(name)`."""
        function = self.frames[-1].node if self.frames else None
        if not isinstance(function, cst.FunctionDef):
            return None
        unknown = {n for n in names_in(arg) if n not in names and n not in ("Path", "str", "os")}
        if len(unknown) == 1 and unknown <= params(function):
            return unknown.pop()
        return None

    def _param_values(self, arg: str, sites: list[tuple[Caller, int, Value]]
                      ) -> tuple[list[Value] | None, list[Value]]:
        """The values a parameter of the innermost function takes: its default and what
        each call of the function passes, when every one is static (else None), and the
        static values among them in any case. `sites` gets the callers' arguments that
        must become the dispatch key (see `Site`)."""
        values: list[Value] = []
        complete = self._param_collect(arg, values, sites)
        unique = list(dict.fromkeys(values))
        if sites and self._read_elsewhere(arg):
            complete = False  # the function also uses the path itself: keep what callers give
        return (unique if complete and 0 < len(unique) <= MAX_LOOP_VALUES else None), unique

    def _read_elsewhere(self, arg: str) -> bool:
        """Whether the innermost function reads parameter `arg` more than once."""
        count = 0

        class _V(cst.CSTVisitor):
            def visit_Arg(self, node: cst.Arg) -> bool:
                node.value.visit(self)  # not its keyword: `code_file=code_file` reads it once
                return False

            def visit_Name(self, node: cst.Name) -> None:
                nonlocal count
                count += node.value == arg

        self.frames[-1].node.body.visit(_V())
        return count > 1

    def _scope_names(self, caller: Caller) -> dict[str, Value]:
        """The static names at a call site: module constants, then the constants of each
        class and function around the call (`path = ASSETS / "a.cpp"` before `Listing(path)`)."""
        names = dict(self.env.names)

        def evaluate_in(text: str, known: dict[str, Value]) -> Value | None:
            return evaluate(f"({text})", file=caller.file, cwd=str(self.env.root), names=known)

        for node in caller.frames:
            if isinstance(node, cst.ClassDef):
                names.update(class_constants(node, names, evaluate_in))
            else:
                names.update(function_constants(node, names, loop_lists(node, self.env.lists),
                                                evaluate_in)[0])
        return names

    def _param_collect(self, arg: str, values: list[Value],
                       sites: list[tuple[Caller, int, Value]]) -> bool:
        function = self.frames[-1].node if self.frames else None
        if not isinstance(function, cst.FunctionDef):
            return False
        owner = self.frames[-2].node if len(self.frames) > 1 else None
        if isinstance(owner, cst.FunctionDef):
            return False  # a nested function: its callers are not found by name
        callee = function.name.value
        if callee in ("__init__", "__new__"):  # called as the class
            if owner is None:
                return False
            callee = owner.name.value
        params = [*function.params.posonly_params, *function.params.params]
        skip = 1 if owner is not None and not any(
            (dotted(d.decorator) or "") == "staticmethod" for d in function.decorators) else 0
        index = next((i for i, p in enumerate(params) if p.name.value == arg), None)
        param = params[index] if index is not None else next(
            (p for p in function.params.kwonly_params if p.name.value == arg), None)
        if param is None:
            return False
        complete = True
        # `code_file=None`: a placeholder every caller overrides, not a value
        placeholder = isinstance(param.default, cst.Name) and param.default.value == "None"
        if param.default is not None and not placeholder:
            default = self.evaluate(code(param.default), self.env.names)
            complete = default is not None
            values += [default] if default is not None else []
        calls = _calls_of(self.flat, callee, self.env.calls)
        complete = complete and calls is not None and bool(calls or values)
        for caller in calls or []:
            call = caller.call
            if any(a.star for a in call.args):
                complete = False
                continue
            given = next((a.value for a in call.args
                          if a.keyword is not None and a.keyword.value == arg), None)
            positional = [a.value for a in call.args if a.keyword is None]
            if given is None and index is not None and 0 <= index - skip < len(positional):
                given = positional[index - skip]
            if given is None:
                complete = complete and param.default is not None and not placeholder
                continue
            value = evaluate(f"({code(given)})", file=caller.file, cwd=str(self.env.root),
                             names=self.env.names)
            if value is None and caller.frames:  # the caller's own constants
                value = evaluate(f"({code(given)})", file=caller.file, cwd=str(self.env.root),
                                 names=self._scope_names(caller))
            if value is None:
                complete = False
                continue
            values.append(value)
            if not isinstance(value, str) or Path(value).is_absolute():  # where the code is
                sites.append((caller, next(i for i, a in enumerate(call.args)
                                           if a.value is given), value))
        return complete

    def _resolve(self, api: str, text: str, names: dict[str, Value], key: Value | None
                 ) -> Target:
        value = self._helper_value(text, names)
        if value is None:
            value = evaluate(f"({text})", file=self.file, cwd=str(self.env.root), names=names)
        if value is None or isinstance(value, (int, float)):
            return Target(key, None, text)
        ext = SVG_EXT if api == "svg" else RASTER_EXT if api in (
            "image", "opengl_image") else ()  # Image.open takes the name as given
        bases = [self.env.scene_dir, Path(self.file).parent, self.env.root]
        return locate(str(value), root=self.env.root, bases=bases,
                      assets_dirs=self.env.assets_dirs, extensions=ext, key=key)

    def _helper_value(self, text: str, names: dict[str, Value]) -> Value | None:
        """The value of `helper(args)` when `helper` is a path helper of the pieces
        (`Env.helpers`) and its arguments are static: its expression, evaluated in its file
        with its parameters bound."""
        if not self.env.helpers:
            return None
        try:
            call = ast.parse(text.strip(), mode="eval").body
        except SyntaxError:
            return None
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or \
                call.func.id not in self.env.helpers or call.keywords:
            return None
        params, expr, file = self.env.helpers[call.func.id]
        if len(call.args) != len(params):
            return None
        bound = dict(self.env.names)
        for param, arg in zip(params, call.args):
            value = evaluate(arg, file=self.file, cwd=str(self.env.root), names=names)
            if value is None:
                return None
            bound[param] = value
        return evaluate(f"({expr})", file=file, cwd=str(self.env.root), names=bound)


def _names_image_file(call: cst.Call) -> bool:
    """Whether an argument of `call` is a literal naming an image or SVG file (not one
    nested deeper: `np.asarray(Image.open("a.png"))` reads the file itself)."""
    return any(isinstance(a.value, cst.SimpleString) and
               isinstance(value := a.value.evaluated_value, str) and
               PurePosixPath(value.strip()).suffix.lower() in RASTER_EXT + SVG_EXT
               for a in call.args)


def _callee(call: cst.Call) -> str:
    return (dotted(call.func) or "").rsplit(".", 1)[-1]


def _site_keys(values: list[Value], rewritten: list[Value], root: str) -> dict[Value, str]:
    """The dispatch key of each value a rewritten call site passes: the file's name without
    folder and suffix (its folder too where two share a name), so no key names a file."""
    rels = {v: os.path.relpath(str(v), root) if Path(str(v)).is_absolute() else str(v)
            for v in dict.fromkeys(rewritten)}
    stems = [PurePosixPath(r).stem for r in rels.values()]
    taken = {v for v in values if v not in rels}
    keys: dict[Value, str] = {}
    for (value, rel), stem in zip(rels.items(), stems):
        key = stem if stems.count(stem) == 1 else str(PurePosixPath(rel).with_suffix(""))
        while key in taken or key in keys.values():
            key += "_"
        keys[value] = key
    return keys


def _calls_of(flat: Flat, callee: str, cache: dict[str, list[Caller] | None]
              ) -> list[Caller] | None:
    """`calls_of` over the pieces, once per callee name; the call sites of a piece's code
    are read once per run, however many scenes and callees ask."""
    if callee not in cache:
        memo = flat.program.memo.setdefault("call-sites", {})

        def sites_of(piece: Piece, text: str) -> Callable[[], CallSites]:
            def get() -> CallSites:
                if text not in memo:
                    memo[text] = call_sites(piece.node)
                return memo[text]  # type: ignore[return-value]
            return get

        cache[callee] = calls_of(((text, _file_of(flat, p.module), sites_of(p, text))
                                  for p in flat.pieces for text in [flat.source_of(p)[0]]),
                                 callee)
    return cache[callee]
