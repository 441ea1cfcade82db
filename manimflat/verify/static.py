"""The static level: what can be proven about the output without running it.

Names are checked with pyflakes, as the output contract is (`undefined_names`): class bodies
do not leak into methods, annotations are read, `global` declarations define module names.
Defined means: bound, a builtin, or brought by `from M import *` of manim or an allowed
module, whose real exports are read from the installed package once (in a child process, then
cached on disk by package version). Manim's Scene classes (for the scene check) come from a
sandboxed child, cached by tool versions.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from pyflakes import checker, messages

from ..analyses import externals
from ..settings import DEFAULT_ALLOWED_IMPORTS

# Constructors and functions that read a file named by their first argument.
# A short string naming a media or data file: an asset the output would still need (the
# output contract's rule, as `shared/contract_check.py` applies it).
ASSET_NAME = re.compile(r"\.(svg|png|jpe?g|gif|wav|mp3|ogg|mp4|mov|ttf|otf|csv|txt|json|ya?ml|npy|npz)$",
                        re.IGNORECASE)
_FILE_READERS = frozenset({"ImageMobject", "SVGMobject", "OpenGLImageMobject", "add_sound",
                           "open", "loadtxt", "genfromtxt", "load", "read_csv", "imread"})

@dataclass(frozen=True)
class StarExports:
    names: frozenset[str]
    scenes: frozenset[str]  # exports that are Scene classes (manim only)


def star_exports(module: str) -> StarExports:
    """What `from module import *` defines, from the one exports probe (`externals`); empty
    when it cannot be imported (MF404 says why)."""
    top = module.split(".")[0]
    names = externals.star_exports(module, (top,)) or frozenset()
    return StarExports(names, externals.star_scenes(module))


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    line: int | None = None
    col: int | None = None
    warning: bool = False


def undefined_names(code: str, allowed: tuple[str, ...] = DEFAULT_ALLOWED_IMPORTS) -> set[str]:
    """Names pyflakes reports undefined in `code`, star imports of manim and the allowed
    modules expanded to their real exports (the output contract's own test)."""
    return set(undefined_uses(code, allowed))


# The last few emitted files' answers: emit and the static level ask about the same file, and
# a file of thousands of inlined lines costs a second per pyflakes run.
_UNDEFINED: dict[tuple[str, tuple[str, ...], bool], dict[str, tuple[int, int]]] = {}
_PARSED: dict[str, ast.Module] = {}
_KEEP = 4


def _remember(memo: dict, key: object, value: object) -> None:
    memo[key] = value
    while len(memo) > _KEEP:
        del memo[next(iter(memo))]


def parse_output(code: str) -> ast.Module:
    """The ast of an emitted file, parsed once for the checks that read it (the static level,
    its repairs' trigger, `FlatResult.requires`); never to be changed by its users."""
    tree = _PARSED.get(code)
    if tree is None:
        tree = ast.parse(code)
        _remember(_PARSED, code, tree)
    return tree


def walk_output(tree: ast.Module) -> list[ast.AST]:
    """`ast.walk(tree)` as a list, made once per tree: the checks of an emitted file each go
    over all its nodes, and walking is most of their cost."""
    found = _WALKED.get(id(tree))
    if found is None or found[0] is not tree:
        found = (tree, list(ast.walk(tree)))
        _remember(_WALKED, id(tree), found)
    return found[1]


_WALKED: dict[int, tuple[ast.Module, list[ast.AST]]] = {}


def undefined_uses(code: str, allowed: tuple[str, ...] = DEFAULT_ALLOWED_IMPORTS, *,
                   drop_unknown_stars: bool = False) -> dict[str, tuple[int, int]]:
    """`_undefined_uses`, remembered for the last few files."""
    key = (code, tuple(allowed), drop_unknown_stars)
    found = _UNDEFINED.get(key)
    if found is None:
        found = _undefined_uses(code, allowed, drop_unknown_stars=drop_unknown_stars)
        _remember(_UNDEFINED, key, found)
    return dict(found)


def _undefined_uses(code: str, allowed: tuple[str, ...], *,
                    drop_unknown_stars: bool) -> dict[str, tuple[int, int]]:
    """Each undefined name (pyflakes' `UndefinedName` and `UndefinedLocal`) -> (line, col)
    of its first report, in source order; {} when the code does not parse. Scoping is
    pyflakes': class bodies do not leak into methods, annotations and string annotations
    are read, `global` declarations define module names. pyflakes reports nothing undefined
    beside a star import it cannot expand (a repository module's); `drop_unknown_stars`
    removes those, so every name they might bind is reported."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return {}
    stars = _StarNames(allowed, drop_unknown_stars)
    tree = stars.visit(tree)
    found: dict[str, tuple[int, int]] = {}
    report = checker.Checker(tree, filename="<flat>", builtins=stars.names).messages
    for msg in sorted(report, key=lambda m: (m.lineno, m.col)):
        if isinstance(msg, (messages.UndefinedName, messages.UndefinedLocal)):
            found.setdefault(str(msg.message_args[0]), (msg.lineno, msg.col))
    return found


class _StarNames(ast.NodeTransformer):
    """`from M import *` of manim, the standard library or an allowed module gives way to
    M's real exports, which pyflakes then takes as builtins (binding hundreds of imports
    would cost more than the check); pyflakes checks every name instead of giving up."""

    def __init__(self, allowed: tuple[str, ...], drop_unknown: bool) -> None:
        self.allowed = allowed
        self.drop_unknown = drop_unknown
        self.names: set[str] = set()

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.stmt:
        if node.names[0].name != "*":
            return node
        if node.level or not node.module:  # a repository module's: never expanded here
            return ast.copy_location(ast.Pass(), node) if self.drop_unknown else node
        known = _top_module(node.module) == "manim" or externals.is_allowed(node.module,
                                                                             self.allowed)
        exports = externals.star_exports(node.module, (*self.allowed, "manim")) \
            if known else None
        if exports is None and not self.drop_unknown:
            return node
        self.names |= exports or set()
        return ast.copy_location(ast.Pass(), node)


def _top_module(name: str) -> str:
    return name.split(".", 1)[0]


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _file_literal(node: ast.expr) -> bool:
    """Does this argument name a file (literal, f-string, path join)?"""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _file_literal(node.left) or _file_literal(node.right)
    if isinstance(node, ast.Call):
        return _call_name(node) in ("join", "Path", "PurePath", "abspath", "realpath")
    return False


def names_asset(text: str) -> bool:
    """Whether a string literal names a media or data file (short, one line)."""
    text = text.strip()
    return len(text) < 200 and "\n" not in text and bool(ASSET_NAME.search(text))


def guarded_imports(tree: ast.Module) -> set[int]:
    """ids of import nodes inside `try:` bodies that have handlers (optional imports)."""
    return {id(n) for n in guarded_import_nodes(tree)}


def guarded_import_nodes(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import nodes inside `try:` bodies that have handlers, in `ast.walk` order, each
    once; remembered on the tree (a file's whole tree is walked once for them)."""
    found = _GUARDED.get(id(tree))
    if found is None or found[0] is not tree:
        every = walk_output(tree)
        nodes = {id(n): n for t in every if isinstance(t, ast.Try) and t.handlers
                 for stmt in t.body for n in ast.walk(stmt)
                 if isinstance(n, (ast.Import, ast.ImportFrom))}
        order = [n for n in every if isinstance(n, (ast.Import, ast.ImportFrom))
                 and id(n) in nodes] if nodes else []
        found = (tree, order)
        _remember(_GUARDED, id(tree), found)
    return found[1]


_GUARDED: dict[int, tuple[ast.Module, list[ast.Import | ast.ImportFrom]]] = {}


def optional_star_modules(tree: ast.Module, allowed: tuple[str, ...]) -> list[str]:
    """Modules star-imported optionally whose names cannot be listed: any undefined name may
    come from them when they are installed."""
    return [n.module or "" for n in guarded_import_nodes(tree) if isinstance(n, ast.ImportFrom)
            and any(a.name == "*" for a in n.names)
            and not externals.is_allowed(n.module or "", allowed)]


def check(code: str, tree: ast.Module, scene: str, allowed: tuple[str, ...]
          ) -> tuple[list[Finding], dict[str, ast.Name]]:
    """Findings (imports, files, the scene class) and the undefined names by first use."""
    findings: list[Finding] = []
    scene_bases: frozenset[str] = frozenset()
    optional = guarded_imports(tree)
    reported: set[int] = set()  # nodes of file arguments already reported
    # `load("a")` of the file's own `def load`: a helper, not numpy's or json's reader
    own = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for node in walk_output(tree):
        if id(node) in optional and isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""]
            if not all(externals.is_allowed(n, allowed) for n in names):
                findings.append(Finding("MF404", f"optional import of `{', '.join(names)}` "
                                        "inside try/except: when it is absent the handler runs",
                                        node.lineno, node.col_offset, warning=True))
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not externals.is_allowed(alias.name, allowed):
                    findings.append(Finding("MF404", f"imports `{alias.name}`, which is neither "
                                            "manim, the standard library, nor allowed",
                                            node.lineno, node.col_offset))
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                findings.append(Finding("MF404", f"relative import `from {'.' * node.level}{mod}"
                                        " import ...` in a single-file scene",
                                        node.lineno, node.col_offset))
            elif not externals.is_allowed(mod, allowed):
                findings.append(Finding("MF404", f"imports from `{mod}`, which is neither manim, "
                                        "the standard library, nor allowed",
                                        node.lineno, node.col_offset))
            elif any(a.name == "*" for a in node.names) and _top_module(mod) == "manim":
                scene_bases |= star_exports(mod).scenes
        elif isinstance(node, ast.Attribute) and node.attr == "path" and \
                isinstance(node.value, ast.Name) and node.value.id == "sys":
            findings.append(Finding("MF405", "uses `sys.path`", node.lineno, node.col_offset))
        elif isinstance(node, ast.Name) and node.id == "__file__":
            findings.append(Finding("MF405", "uses `__file__`", node.lineno, node.col_offset))
        elif isinstance(node, ast.Call) and _call_name(node) in _FILE_READERS and not (
                isinstance(node.func, ast.Name) and node.func.id in own):
            arg = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg in ("file_name", "filename")), None)
            if arg is not None and _file_literal(arg):
                findings.append(Finding("MF405", f"`{_call_name(node)}` opens a file "
                                        f"({ast.unparse(arg)[:60]})", node.lineno,
                                        node.col_offset))
                reported.update(id(n) for n in ast.walk(arg))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in reported and names_asset(node.value):
            findings.append(Finding("MF405", f"names the file {node.value.strip()!r}, which a "
                                    "single-file scene does not have", node.lineno,
                                    node.col_offset))
        elif isinstance(node, ast.Call) and _call_name(node) == "Code" and any(
                k.arg in ("file_name", "code_file") for k in node.keywords):
            findings.append(Finding("MF405", "`Code` reads a source file", node.lineno,
                                    node.col_offset))
    findings += _check_scene(tree, scene, scene_bases)
    positions = undefined_uses(code, allowed)
    return findings, {name: ast.Name(name, ast.Load(), lineno=line, col_offset=col)
                      for name, (line, col) in positions.items()}


def _check_scene(tree: ast.Module, scene: str, manim_scenes: frozenset[str]) -> list[Finding]:
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    defs = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == scene]
    if len(defs) != 1:
        what = "is not defined" if not defs else f"is defined {len(defs)} times"
        return [Finding("MF406", f"scene class `{scene}` {what} at module level")]

    def bases(cls: ast.ClassDef) -> list[str]:
        return [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute)
                else "" for b in cls.bases]

    def ancestors(name: str, seen: set[str]) -> set[str]:
        if name in seen or name not in classes:
            return seen
        seen.add(name)
        for b in bases(classes[name]):
            ancestors(b, seen)
        return seen

    local = ancestors(scene, set())
    has_construct = any(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                        and f.name == "construct" for c in local for f in classes[c].body)
    out = []
    if not has_construct:
        out.append(Finding("MF406", f"scene `{scene}` has no `construct` method (neither it nor "
                           "its local base classes define one)", defs[0].lineno))

    def is_scene(name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name in manim_scenes:
            return True
        return name in classes and name not in seen and any(
            is_scene(b, seen | {name}) for b in bases(classes[name]))

    for name, cls in classes.items():
        if name not in local and is_scene(name):
            out.append(Finding("MF406", f"another scene `{name}` is defined besides `{scene}`",
                               cls.lineno, warning=True))
    return out
