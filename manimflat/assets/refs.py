"""Finding asset references in the pieces and resolving their paths statically.

A reference is a call that makes manim (or the scene) read a file: `SVGMobject(path)`,
`ImageMobject(path)`, `OpenGLImageMobject(path)`, `add_sound(path)`, `Code(path)` /
`Code(file_name=...)` / `Code(code_file=...)`, `open(path)`, `Path(...).read_text()` /
`.read_bytes()`, `np.loadtxt` / `np.genfromtxt` / `np.load`, `pd.read_csv`, `register_font`.

Paths are evaluated with `analyses.paths.evaluate` over: module constants of every piece
(in order), class constants (`self.X`), names assigned once in the enclosing function,
`config.assets_dir` (from `manim.cfg` or a module-level assignment) and loop variables
over literal lists (one value per iteration, so a loop over three icons gives three
targets). A value is then looked up the way manim does (`seek_full_path_from_defaults`):
as given, then under the assets folder with each default extension; since the working
directory of the original run is unknown we try the scene's folder, the defining module's
folder and the repo root, and finally a file of that name anywhere in the repo when exactly
one exists. A path that leaves the repository, by `..`, an absolute path or a symlink
anywhere on the way (`program.contained`), is never opened: its status is "outside".

Known limits: values flowing through function parameters or attributes set at run time are
"unresolved" (the passes still replace the reference, from the words of the expression).
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import libcst as cst

from ..analyses.chains import cst_chain
from ..analyses.config_files import applied_cfg, cfg_folder, cfg_value
from ..analyses.paths import Value, evaluate
from ..ir import Flat, Piece
from ..program import contained

_EMPTY = cst.Module(body=[])
SVG_EXT = (".svg",)
RASTER_EXT = (".jpg", ".jpeg", ".png", ".gif", ".ico")  # manim's own list
MAX_LOOP_VALUES = 64

# callee name -> (api, positional index of the path, keyword names of the path)
_CALLS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "SVGMobject": ("svg", 0, ("file_name",)),
    "ImageMobject": ("image", 0, ("filename_or_array",)),
    "OpenGLImageMobject": ("opengl_image", 0, ("filename_or_array",)),
    "add_sound": ("sound", 0, ("sound_file",)),
    "Code": ("code", 0, ("code_file", "file_name")),
    "open": ("open", 0, ("file",)),
    "io.open": ("open", 0, ("file",)),
    "np.loadtxt": ("loadtxt", 0, ("fname",)),
    "numpy.loadtxt": ("loadtxt", 0, ("fname",)),
    "np.genfromtxt": ("loadtxt", 0, ("fname",)),
    "numpy.genfromtxt": ("loadtxt", 0, ("fname",)),
    "np.load": ("npload", 0, ("file",)),
    "numpy.load": ("npload", 0, ("file",)),
    "pd.read_csv": ("read_csv", 0, ("filepath_or_buffer",)),
    "pandas.read_csv": ("read_csv", 0, ("filepath_or_buffer",)),
    "register_font": ("font", 0, ("font_file",)),
    "Image.open": ("pil", 0, ("fp",)),
    "PIL.Image.open": ("pil", 0, ("fp",)),
}
_RECEIVER_CALLS = {"read_text": "read_text", "read_bytes": "read_bytes"}
# Existence checks of a path: `p.exists()`, `os.path.isfile(p)` (api "exists").
EXISTS_METHODS = frozenset({"exists", "is_file", "is_dir"})
EXISTS_FUNCS = {"os.path.exists": "exists", "os.path.isfile": "is_file",
                "os.path.isdir": "is_dir", "path.exists": "exists", "path.isfile": "is_file",
                "path.isdir": "is_dir"}
_ASSET_BASES = frozenset({"SVGMobject", "ImageMobject", "OpenGLImageMobject", "Code"})
# A statement whose source has none of these words cannot hold an asset call (`__init__`
# only loads a file in a class naming an asset base): a regex over its text is far cheaper
# than parsing and visiting its tree.
_WORDS = sorted({k.rsplit(".", 1)[-1] for k in _CALLS} | set(_RECEIVER_CALLS) | _ASSET_BASES
                | EXISTS_METHODS | {k.rsplit(".", 1)[-1] for k in EXISTS_FUNCS})
_MENTION_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, _WORDS)) + r")\b")
VISUAL_APIS = frozenset({"svg", "image", "opengl_image", "pil"})
DATA_APIS = frozenset({"code", "open", "read_text", "read_bytes", "loadtxt", "npload",
                       "read_csv"})
_PATH_NAME = re.compile(r"(?i)(path|file|name|fname|svg|png|jpe?g|img|image_dir|asset)")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2")


@dataclass
class Target:
    """One value a path expression can take, and the file it names."""

    key: Value | None  # the loop variable's value, None without a loop
    value: str | None  # the evaluated path, None when unknown
    rel: str  # repo-relative posix path of the file, else the value, else the expression
    path: Path | None = None  # the file, symlinks resolved, inside the repo (status "found")
    status: str = "unresolved"  # found | missing | outside | unresolved
    how: str = ""  # how the file was found: "as given", "assets_dir", "by name"


@dataclass
class Ref:
    call: cst.Call  # the node inside its piece (identity is used to replace it)
    piece: int
    module: str | None
    line: int
    col: int
    api: str
    arg: cst.BaseExpression | None  # the path expression (None when not a file)
    arg_slot: int | str | None  # positional index, keyword name, or "receiver"
    text: str  # source of the path expression
    targets: list[Target] = field(default_factory=list)
    loop_var: str | None = None
    mode: str = "r"  # open(): the mode when static
    scope: tuple[str, ...] = ()  # enclosing class / function names
    base: str = ""  # api "subclass": the asset base class (`ImageMobject`, `SVGMobject`)
    owner: cst.ClassDef | None = None  # api "subclass": the class that loads the file
    param: bool = False  # `loop_var` is a parameter: targets come from its callers
    passed: list[Value] = field(default_factory=list)  # static values some callers pass
    shape: str = ""  # the path expression with a local name replaced by what it is assigned

    @property
    def target(self) -> Target:
        return self.targets[0]


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def dotted(node: cst.BaseExpression) -> str | None:
    chain = cst_chain(node)
    return ".".join(chain) if chain else None


def call_api(call: cst.Call) -> tuple[str, int, tuple[str, ...]] | None:
    name = dotted(call.func)
    if name is None:
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_sound":
            return _CALLS["add_sound"]
        return None
    if name in _CALLS:
        return _CALLS[name]
    last = name.rsplit(".", 1)[-1]
    if last in ("SVGMobject", "ImageMobject", "OpenGLImageMobject", "add_sound", "Code",
                "register_font"):
        return _CALLS[last]
    return None


def path_arg(call: cst.Call, index: int, keywords: tuple[str, ...]
             ) -> tuple[cst.BaseExpression | None, int | str | None]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value, arg.keyword.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if len(positional) > index:
        return positional[index].value, index
    return None, None


# --------------------------------------------------------------------------- environment

@dataclass
class Env:
    """Static values visible to the pieces: module constants, config, class constants."""

    root: Path
    scene_dir: Path
    names: dict[str, Value] = field(default_factory=dict)
    lists: dict[str, list[Value]] = field(default_factory=dict)  # module-level literal lists
    assets_dirs: list[Path] = field(default_factory=list)
    # callee name -> its calls in the pieces (see `_calls_of`), computed once per name
    calls: dict[str, list[tuple[cst.Call, str]] | None] = field(default_factory=dict)


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
        _module_constants(piece.node, env, _file_of(flat, piece.module))
    for piece in flat.pieces:  # `cfg.X` where `import config as cfg` was inlined: X's value
        for chain, key in piece.chains.items():
            name = key.rsplit(":", 1)[-1]
            if name in env.names:
                env.names.setdefault(".".join(chain), env.names[name])
    return env


def _file_of(flat: Flat, module: str | None) -> str:
    return str(Path(flat.program.root) / (module or flat.scene.path))


def _module_constants(node: cst.BaseStatement, env: Env, file: str) -> None:
    if not isinstance(node, cst.SimpleStatementLine):
        return
    for stmt in node.body:
        if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0].target, stmt.value
        elif isinstance(stmt, cst.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        name = dotted(target)
        if name is None:
            continue
        literal = _literal_list(value, env.names)
        if literal is not None and isinstance(target, cst.Name):
            env.lists[name] = literal
            continue
        result = evaluate(f"({code(value)})", file=file, cwd=str(env.root), names=env.names)
        if result is not None:
            env.names[name] = result
        else:
            env.names.pop(name, None)  # reassigned to something unknown


def _literal_list(node: cst.BaseExpression, names: dict[str, Value]) -> list[Value] | None:
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    try:
        value = ast.literal_eval(code(node))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        return None
    if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return list(value)
    return None


# --------------------------------------------------------------------------- finding

class _Frame:
    """An enclosing class or function: its constants and literal loop variables, computed
    only when an asset call inside it needs them (most functions have none)."""

    def __init__(self, node: cst.ClassDef | cst.FunctionDef, outer: list[_Frame],
                 finder: _Finder) -> None:
        self.node, self.outer, self.finder = node, list(outer), finder
        self.name = node.name.value
        self._consts: dict[str, Value] | None = None
        self._loops: dict[str, list[Value]] | None = None
        self.sources: dict[str, str] = {}  # single local assignments: name -> value's code

    def names(self) -> dict[str, Value]:
        names = dict(self.finder.env.names)
        for frame in self.outer:
            names.update(frame.consts())
        return names

    def loops(self) -> dict[str, list[Value]]:
        if self._loops is None:
            self._loops = {} if isinstance(self.node, cst.ClassDef) else _loop_lists(
                self.node, self.finder.env.lists)
        return self._loops

    def consts(self) -> dict[str, Value]:
        if self._consts is not None:
            return self._consts
        self._consts = {}
        names, evaluate_in = self.names(), self.finder.evaluate
        if isinstance(self.node, cst.ClassDef):
            for name, value in _simple_assigns(self.node.body.body, shallow=True):
                result = evaluate_in(code(value), names)
                if result is not None:
                    for prefix in ("self.", "cls.", self.name + "."):
                        self._consts[prefix + name] = result
            return self._consts
        counts: dict[str, int] = {}
        exprs: dict[str, cst.BaseExpression] = {}
        for name, value in _simple_assigns(self.node.body.body, shallow=False):
            counts[name] = counts.get(name, 0) + 1
            exprs[name] = value
        for name in self.loops():
            counts[name] = counts.get(name, 0) + 1
        params = _params(self.node)
        for name, value in exprs.items():  # single assignments only: flow-insensitive
            if counts[name] == 1 and name not in params:
                self.sources[name] = code(value)
                result = evaluate_in(code(value), {**names, **self._consts})
                if result is not None:
                    self._consts[name] = result
        return self._consts


class _Finder(cst.CSTVisitor):
    def __init__(self, flat: Flat, env: Env, index: int) -> None:
        super().__init__()
        self.flat, self.env, self.index = flat, env, index
        self.piece = flat.pieces[index]
        self.file = _file_of(flat, self.piece.module)
        self.refs: list[Ref] = []
        self.frames: list[_Frame] = []  # enclosing classes and functions, outermost first
        self._source: str | None = None
        self._cursor = 0
        self._defs = _definition_mentions(flat, self.piece)
        self._next_def = 0

    def _enter(self, node: cst.ClassDef | cst.FunctionDef) -> bool:
        """Push the frame; False (skip its body) when its text cannot hold an asset call."""
        self.frames.append(_Frame(node, self.frames, self))
        if self._defs is None:
            return True
        mentions, nested = self._defs[self._next_def]
        self._next_def += 1
        if mentions or self._asset_class(outer=True) is not None:
            return True  # an asset subclass's `__init__` loads its file without the words
        self._next_def += nested
        return False

    def _position(self, node: cst.Call) -> tuple[int, int]:
        """Line and column of the call: its text searched in the piece's text, in visiting
        order (libcst's PositionProvider re-renders the whole piece per piece: too slow on
        8,000-line scene files)."""
        if self._source is None:
            self._source = _EMPTY.code_for_node(self.piece.node)
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
        return loops

    def _asset_class(self, outer: bool = False) -> str | None:
        """`SVGMobject` when the innermost class (`outer`: around the newest frame) derives
        from it (or from ImageMobject)."""
        for frame in reversed(self.frames[:-1] if outer else self.frames):
            if isinstance(frame.node, cst.ClassDef):
                for base in frame.node.bases:
                    name = (dotted(base.value) or "").rsplit(".", 1)[-1]
                    if name in ("SVGMobject", "ImageMobject", "OpenGLImageMobject"):
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
        api = call_api(node)
        if api is not None:
            kind, index, keywords = api
            arg, slot = path_arg(node, index, keywords)
            if arg is None or (kind == "code" and _is_code_string_call(node)):
                return
            if kind in ("image", "opengl_image", "pil") and not self._pathlike_arg(arg):
                return  # a pixel array or a PIL image: drawn by the scene, not read
            self._add(node, kind, arg, slot)
            return
        func_node = node.func
        check = _existence_check(node)
        if check is not None:
            ref = self._add(node, "exists", check[1], check[2])
            ref.mode = check[0]
            return
        if isinstance(func_node, cst.Attribute) and func_node.attr.value in _RECEIVER_CALLS \
                and not node.args and _pathlike(func_node.value):
            self._add(node, _RECEIVER_CALLS[func_node.attr.value], func_node.value, "receiver")

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
                or name.rsplit(".", 1)[-1] in ("format", "joinpath", "with_suffix")
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
            ref.mode = _open_mode(node)
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
            values, passed = self._param_values(arg) if target.value is None else (None, [])
            ref.passed = passed
            if values is not None:  # a parameter: one target per value its callers give
                ref.loop_var, ref.param = code(arg), True
                for value in values:
                    ref.targets.append(self._resolve(api, text, {**names, ref.loop_var: value},
                                                     value))
            else:
                ref.targets.append(target)
        self.refs.append(ref)
        return ref

    def _param_values(self, arg: cst.BaseExpression) -> tuple[list[Value] | None, list[Value]]:
        """The values a parameter of the innermost function takes: its default and what
        each call of the function passes, when every one is static (else None), and the
        static values among them in any case."""
        values: list[Value] = []
        complete = self._param_collect(arg, values)
        unique = list(dict.fromkeys(values))
        return (unique if complete and 0 < len(unique) <= MAX_LOOP_VALUES else None), unique

    def _param_collect(self, arg: cst.BaseExpression, values: list[Value]) -> bool:
        function = self.frames[-1].node if self.frames else None
        if not isinstance(arg, cst.Name) or not isinstance(function, cst.FunctionDef):
            return False
        owner = self.frames[-2].node if len(self.frames) > 1 else None
        if isinstance(owner, cst.FunctionDef):
            return False  # a nested function: its callers are not found by name
        callee = function.name.value
        if callee == "__init__":
            if owner is None:
                return False
            callee = owner.name.value
        params = [*function.params.posonly_params, *function.params.params]
        skip = 1 if owner is not None and not any(
            (dotted(d.decorator) or "") == "staticmethod" for d in function.decorators) else 0
        index = next((i for i, p in enumerate(params) if p.name.value == arg.value), None)
        param = params[index] if index is not None else next(
            (p for p in function.params.kwonly_params if p.name.value == arg.value), None)
        if param is None:
            return False
        complete = True
        if param.default is not None:
            default = self.evaluate(code(param.default), self.env.names)
            complete = default is not None
            values += [default] if default is not None else []
        calls = _calls_of(self.flat, callee, self.env.calls)
        complete = complete and calls is not None and bool(calls or values)
        for call, file in calls or []:
            if any(a.star for a in call.args):
                complete = False
                continue
            given = next((a.value for a in call.args
                          if a.keyword is not None and a.keyword.value == arg.value), None)
            positional = [a.value for a in call.args if a.keyword is None]
            if given is None and index is not None and 0 <= index - skip < len(positional):
                given = positional[index - skip]
            if given is None:
                complete = complete and param.default is not None
                continue
            value = evaluate(f"({code(given)})", file=file, cwd=str(self.env.root),
                             names=self.env.names)
            if value is None:
                complete = False
            else:
                values.append(value)
        return complete

    def _resolve(self, api: str, text: str, names: dict[str, Value], key: Value | None
                 ) -> Target:
        value = evaluate(f"({text})", file=self.file, cwd=str(self.env.root), names=names)
        if value is None or isinstance(value, (int, float)):
            return Target(key, None, text)
        ext = SVG_EXT if api == "svg" else RASTER_EXT if api in (
            "image", "opengl_image") else ()  # Image.open takes the name as given
        bases = [self.env.scene_dir, Path(self.file).parent, self.env.root]
        return locate(str(value), root=self.env.root, bases=bases,
                      assets_dirs=self.env.assets_dirs, extensions=ext, key=key)


def _calls_of(flat: Flat, callee: str, cache: dict[str, list[tuple[cst.Call, str]] | None]
              ) -> list[tuple[cst.Call, str]] | None:
    """Every call of `callee` by name (`f(...)`, `x.f(...)`) in the pieces, with the file
    of its piece; None when the name is also used otherwise (passed around, rebound)."""
    if callee in cache:
        return cache[callee]
    word = re.compile(r"\b" + re.escape(callee) + r"\b")
    found: list[tuple[cst.Call, str]] | None = []
    for piece in flat.pieces:
        if found is None or not word.search(flat.source_of(piece)[0]):
            continue
        calls = _calls_in(piece.node, callee)
        if _name_uses(piece.node, callee) > len(calls) + _definitions(piece.node, callee):
            found = None  # the function is also passed around: callers are unknown
            break
        found += [(call, _file_of(flat, piece.module)) for call in calls]
    cache[callee] = found
    return found


def _calls_in(node: cst.CSTNode, callee: str) -> list[cst.Call]:
    calls: list[cst.Call] = []

    class _V(cst.CSTVisitor):
        def visit_Call(self, n: cst.Call) -> None:
            if (dotted(n.func) or "").rsplit(".", 1)[-1] == callee:
                calls.append(n)

    node.visit(_V())
    return calls


def _name_uses(node: cst.CSTNode, name: str) -> int:
    count = 0

    class _V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            nonlocal count
            count += n.value == name

        def visit_Attribute(self, n: cst.Attribute) -> None:
            nonlocal count
            count += n.attr.value == name

    node.visit(_V())
    return count


def _definitions(node: cst.CSTNode, name: str) -> int:
    """Occurrences of `name` that define it: `def name`, `class name`."""
    count = 0

    class _V(cst.CSTVisitor):
        def visit_FunctionDef(self, n: cst.FunctionDef) -> None:
            nonlocal count
            count += n.name.value == name

        def visit_ClassDef(self, n: cst.ClassDef) -> None:
            nonlocal count
            count += n.name.value == name

    node.visit(_V())
    return count


def _simple_assigns(body: Sequence[cst.CSTNode], *, shallow: bool
                    ) -> Iterator[tuple[str, cst.BaseExpression]]:
    """`name = value` statements in a body (and in nested blocks unless `shallow`; never in
    nested functions or classes, which have their own frames)."""
    found: list[tuple[str, cst.BaseExpression]] = []

    class _V(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
            return not shallow

        def visit_Assign(self, node: cst.Assign) -> None:
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                found.append((node.targets[0].target.value, node.value))

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if node.value is not None and isinstance(node.target, cst.Name):
                found.append((node.target.value, node.value))

    for stmt in body:
        stmt.visit(_V())
    return iter(found)


def _params(node: cst.FunctionDef) -> set[str]:
    p = node.params
    names = {x.name.value for x in (*p.posonly_params, *p.params, *p.kwonly_params)}
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


class _LoopCollector(cst.CSTVisitor):
    def __init__(self, lists: dict[str, list[Value]]) -> None:
        super().__init__()
        self.lists = lists
        self.found: dict[str, list[Value] | None] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions have their own frame

    def _record(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        values = _iter_values(iterable, self.lists)
        if isinstance(target, cst.Tuple) and isinstance(iterable, cst.Call) and \
                dotted(iterable.func) == "enumerate" and len(target.elements) == 2:
            inner = iterable.args[0].value if iterable.args else None
            values = _iter_values(inner, self.lists) if inner is not None else None
            target = target.elements[1].value
        if not isinstance(target, cst.Name):
            return
        name = target.value
        if name in self.found and self.found[name] != values:
            self.found[name] = None  # two different loops over one name: unknown
        else:
            self.found[name] = values

    def visit_For(self, node: cst.For) -> None:
        self._record(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._record(node.target, node.iter)


def _iter_values(node: cst.BaseExpression, lists: dict[str, list[Value]]) -> list[Value] | None:
    if isinstance(node, cst.Name) and node.value in lists:
        return lists[node.value]
    if isinstance(node, cst.Call) and dotted(node.func) == "range" and 1 <= len(node.args) <= 3:
        try:  # range(3), range(1, 4): literal bounds only
            bounds = [int(ast.literal_eval(code(a.value))) for a in node.args]
        except (ValueError, SyntaxError, TypeError):
            return None
        values = range(*bounds)
        return list(values) if len(values) <= MAX_LOOP_VALUES else None
    return _literal_list(node, {})


def _loop_lists(node: cst.FunctionDef, lists: dict[str, list[Value]]) -> dict[str, list[Value]]:
    collector = _LoopCollector(lists)
    node.body.visit(collector)
    return {k: v for k, v in collector.found.items() if v}


def names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class _V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            found.add(n.value)

    node.visit(_V())
    return found


def _pathlike(node: cst.BaseExpression) -> bool:
    """`Path(...)`, `pathlib.Path(...)`, `x / "y"`, or a name: what `.read_text()` is read on."""
    if isinstance(node, cst.Call):
        return dotted(node.func) in ("Path", "pathlib.Path", "PurePath")
    return isinstance(node, (cst.BinaryOperation, cst.Name, cst.Attribute))


def _existence_check(node: cst.Call) -> tuple[str, cst.BaseExpression, int | str] | None:
    """(`exists` / `is_file` / `is_dir`, the path, its slot) for an existence check."""
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in EXISTS_METHODS and \
            not node.args and _pathlike(func.value):
        return func.attr.value, func.value, "receiver"
    name = dotted(func) or ""
    if name in EXISTS_FUNCS and len(node.args) == 1 and node.args[0].keyword is None:
        return EXISTS_FUNCS[name], node.args[0].value, 0
    return None


def _is_code_string_call(node: cst.Call) -> bool:
    return any(a.keyword is not None and a.keyword.value in ("code_string", "code")
               for a in node.args)


def _open_mode(node: cst.Call) -> str:
    positional = [a for a in node.args if a.keyword is None]
    mode_arg = next((a.value for a in node.args if a.keyword and a.keyword.value == "mode"),
                    positional[1].value if len(positional) > 1 else None)
    if mode_arg is None:
        return "r"
    if isinstance(mode_arg, cst.SimpleString):
        return str(mode_arg.evaluated_value)
    return "?"


def find_refs(flat: Flat, apis: frozenset[str] | None = None) -> list[Ref]:
    """Every asset reference in the pieces (of the given apis), in output order."""
    # Whether a statement mentions an asset call depends on its code alone, which the scenes
    # of a repo share: memoise it on the program, build the env only if needed. A text
    # without the words of an asset call is not parsed at all.
    mentions = flat.program.memo.setdefault("asset-mentions", {})
    keys = [flat.source_of(p)[0] for p in flat.pieces]
    for piece, key in zip(flat.pieces, keys):
        if key not in mentions:
            mentions[key] = bool(_MENTION_WORDS.search(key)) and _mentions_asset_call(piece.node)
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


class _Mentions(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False
        self.asset_classes = 0  # depth of classes deriving from an asset mobject

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        # `super().__init__(path)` only loads a file in a subclass of an asset mobject.
        if any((dotted(b.value) or "").rsplit(".", 1)[-1] in _ASSET_BASES for b in node.bases):
            self.asset_classes += 1
        return not self.found

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if any((dotted(b.value) or "").rsplit(".", 1)[-1] in _ASSET_BASES
               for b in original_node.bases):
            self.asset_classes -= 1

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if call_api(node) is not None or _existence_check(node) is not None or (
                isinstance(func, cst.Attribute) and (func.attr.value in _RECEIVER_CALLS
                or (func.attr.value == "__init__" and self.asset_classes))):
            self.found = True
        return not self.found


def _definition_mentions(flat: Flat, piece: Piece) -> list[tuple[bool, int]] | None:
    """For each function and class of a piece still as written, in the order libcst visits
    them: whether its text has an asset call's words, and how many definitions it holds (to
    step over when it is skipped). None for other pieces: nothing is skipped. Memoised per
    unit: every scene that includes the piece asks, in two passes."""
    written = flat.written(piece)
    if written is None:
        return None
    unit, layout = written
    cache = flat.program.memo.setdefault("definition-mentions", {})
    key = (piece.module, unit.index)
    if key in cache:
        return cache[key]  # type: ignore[return-value]
    lines = layout.body.splitlines(keepends=True)
    out: list[tuple[bool, int]] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                start = min([child.lineno] + [d.lineno for d in child.decorator_list])
                text = "".join(lines[start - unit.start:(child.end_lineno or start)
                                     - unit.start + 1])
                at = len(out)
                out.append((bool(_MENTION_WORDS.search(text)), 0))
                walk(child)
                out[at] = (out[at][0], len(out) - at - 1)
            else:
                walk(child)

    walk(ast.Module(body=unit.stmts, type_ignores=[]))  # the statements are children too
    cache[key] = out
    return out


def _mentions_asset_call(node: cst.CSTNode) -> bool:
    visitor = _Mentions()
    node.visit(visitor)
    return visitor.found


# --------------------------------------------------------------------------- locating

def locate(value: str, *, root: Path, bases: list[Path], assets_dirs: list[Path],
           extensions: tuple[str, ...], key: Value | None = None) -> Target:
    """Find the file `value` names, as manim would, without leaving `root`."""
    root = root.resolve()
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute():
        candidates = [(Path(str(pure)), "as given")]
    else:
        candidates = []
        for base in dict.fromkeys([*bases, *assets_dirs]):
            how = "assets_dir" if base in assets_dirs else "as given"
            candidates += [(base / str(pure), how)]
            candidates += [(base / f"{pure}{ext}", "default extension") for ext in extensions]
    outside = linked = False
    for cand, how in candidates:
        norm = Path(os.path.normpath(cand))
        if not norm.is_relative_to(root):
            outside = True
            continue
        if norm.is_file():
            real = contained(norm, root)
            if real is None:  # a symlink out of the repo, on the file or a folder on the way
                linked = True
                continue
            return Target(key, value, real.relative_to(root).as_posix(), real, "found", how)
    hit = _by_name(str(root), pure.name, extensions)
    if hit is not None:
        real = contained(root / hit, root)
        if real is None:
            return Target(key, value, hit, None, "outside")
        if not real.is_file():  # a FIFO would block the reader
            return Target(key, value, value, None, "missing")
        return Target(key, value, real.relative_to(root).as_posix(), real, "found", "by name")
    if linked or (outside and pure.is_absolute()):
        return Target(key, value, value, None, "outside")
    if outside and not any(Path(os.path.normpath(c)).is_relative_to(root) for c, _ in candidates):
        return Target(key, value, value, None, "outside")
    return Target(key, value, value, None, "missing")


def _by_name(root: str, name: str, extensions: tuple[str, ...]) -> str | None:
    """The one file in the repo called `name` (or `name` + a default extension)."""
    index = _file_index(root)
    hits: list[str] = []
    for candidate in (name, *(name + ext for ext in extensions)):
        hits += index.get(candidate.lower(), [])
    return hits[0] if len(set(hits)) == 1 else None


@lru_cache(maxsize=32)
def _file_index(root: str) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in (
            "media", "__pycache__", "node_modules", "venv", ".venv"))
        for name in files:
            if name.endswith((".py", ".pyc")):
                continue
            rel = Path(folder, name).relative_to(root).as_posix()
            index.setdefault(name.lower(), []).append(rel)
            count += 1
            if count > 200_000:
                return index
    return index


def repo_fonts(root: Path) -> dict[str, str]:
    """Font files in the repo: squashed lower-case stem (`firacoderegular`) -> relative path."""
    return {_squash(Path(rel).stem): rel for name, rels in _file_index(str(root)).items()
            for rel in rels if name.endswith(FONT_SUFFIXES)}


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def font_matches(family: str, fonts: dict[str, str]) -> str | None:
    key = _squash(family)
    if not key:
        return None
    for stem, rel in sorted(fonts.items()):
        if stem.startswith(key):
            return rel
    return None
