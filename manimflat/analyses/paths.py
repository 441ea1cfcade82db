"""Static evaluation of path expressions, without running repository code.

Used for `sys.path` edits (new import roots) and for asset references. Understands string
literals, f-strings and `%`/`.format` over known names (dotted ones too: `config.assets_dir`,
`config.get_dir("assets_dir")`, class constants as `self.X`), `os.path.join/dirname/abspath/
realpath/normpath/expanduser`, `os.getcwd()`, `__file__`, `pathlib.Path(...)`, `.parent`,
`.resolve()`, `.absolute()`, `/`, `str(...)`, `+` on strings. Anything else is "unknown"
(None): callers turn that into a diagnostic rather than guessing.
"""

from __future__ import annotations

import ast
import operator
import os
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath

Value = str | PurePosixPath | int | float


class _Unknown(Exception):
    pass


def evaluate(expr: str | ast.expr, *, file: str, cwd: str,
             names: Mapping[str, Value] | None = None) -> Value | None:
    """Value of `expr` as a string or path, with `__file__` = `file` and the working dir `cwd`.

    `file` and `cwd` are absolute posix paths. `names` maps module constants and loop
    variables to their values. Returns None when the value cannot be known statically.
    """
    node = ast.parse(expr, mode="eval").body if isinstance(expr, str) else expr
    try:
        return _Eval(file, cwd, names or {}).visit(node)
    except (_Unknown, TypeError, ValueError, KeyError, IndexError, RecursionError):
        return None


def as_path(value: Value | None, cwd: str) -> PurePosixPath | None:
    """An absolute, normalised path for a value returned by `evaluate`."""
    if value is None or isinstance(value, (int, float)):
        return None
    path = PurePosixPath(value)
    if not path.is_absolute():
        path = PurePosixPath(cwd) / path
    return PurePosixPath(os.path.normpath(str(path)))


_OS_PATH = {
    "join": lambda *a: os.path.join(*map(str, a)),
    "dirname": lambda p: os.path.dirname(str(p)),
    "abspath": lambda p: str(p),
    "realpath": lambda p: str(p),
    "normpath": lambda p: os.path.normpath(str(p)),
    "expanduser": lambda p: str(p),
    "basename": lambda p: os.path.basename(str(p)),
}
_PATH_METHODS: dict[str, Callable[..., PurePosixPath]] = {
    "resolve": lambda p: p, "absolute": lambda p: p, "expanduser": lambda p: p,
    "joinpath": lambda p, *a: p.joinpath(*map(str, a)),
    "with_suffix": lambda p, s: p.with_suffix(str(s)),
    "with_name": lambda p, s: p.with_name(str(s)),
}


_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


class _Eval(ast.NodeVisitor):
    def __init__(self, file: str, cwd: str, names: Mapping[str, Value]) -> None:
        self.file, self.cwd, self.names = file, cwd, names

    def generic_visit(self, node: ast.AST) -> Value:
        raise _Unknown(type(node).__name__)

    def visit_Constant(self, node: ast.Constant) -> Value:
        if isinstance(node.value, (str, int, float)) and not isinstance(node.value, bool):
            return node.value
        raise _Unknown("constant")

    def visit_Name(self, node: ast.Name) -> Value:
        if node.id == "__file__":
            return self.file
        if node.id in self.names:
            return self.names[node.id]
        raise _Unknown(node.id)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Value:
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None:
                    spec = self.visit(value.format_spec)
                    parts.append(format(self.visit(value.value), str(spec)))
                else:
                    parts.append(str(self.visit(value.value)))
            else:
                parts.append(str(self.visit(value)))
        return "".join(parts)

    def visit_BinOp(self, node: ast.BinOp) -> Value:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Div) and isinstance(left, PurePosixPath):
            return left / str(right)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            return left % right
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)) and all(
                isinstance(v, (int, float)) for v in (left, right)):
            return _ARITHMETIC[type(node.op)](left, right)  # f"{i + 1}.svg" in loops
        raise _Unknown("binop")

    def visit_Attribute(self, node: ast.Attribute) -> Value:
        # Dotted names are known values too: `config.assets_dir`, `self.ICON` (class constants).
        dotted = _dotted(node)
        if dotted is not None and dotted in self.names:
            return self.names[dotted]
        value = self.visit(node.value)
        if isinstance(value, PurePosixPath):
            if node.attr == "parent":
                return value.parent
            if node.attr in ("name", "stem", "suffix"):
                return str(getattr(value, node.attr))
        raise _Unknown(node.attr)

    def visit_Subscript(self, node: ast.Subscript) -> Value:
        # `path.parents[1]`
        if isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
            base = self.visit(node.value.value)
            index = self.visit(node.slice)
            if isinstance(base, PurePosixPath) and isinstance(index, int):
                return base.parents[index]
        raise _Unknown("subscript")

    def visit_Call(self, node: ast.Call) -> Value:
        if node.keywords:
            return self._format_call(node)
        func = node.func
        dotted = _dotted(func)
        args = [self.visit(a) for a in node.args]
        if dotted == "config.get_dir" and len(args) == 1 and f"config.{args[0]}" in self.names:
            return self.names[f"config.{args[0]}"]  # `config.get_dir("assets_dir")`
        if dotted in ("os.getcwd", "Path.cwd", "pathlib.Path.cwd"):
            return self.cwd if dotted == "os.getcwd" else PurePosixPath(self.cwd)
        if dotted in ("Path", "pathlib.Path", "PurePath", "PurePosixPath"):
            return PurePosixPath(*map(str, args)) if args else PurePosixPath(".")
        if dotted == "str" and len(args) == 1:
            return str(args[0])
        if dotted is not None and dotted.startswith("os.path."):
            fn = _OS_PATH.get(dotted.rsplit(".", 1)[1])
            if fn is not None:
                return fn(*args)
        if isinstance(func, ast.Attribute):
            target = self.visit(func.value)
            if isinstance(target, PurePosixPath) and func.attr in _PATH_METHODS:
                return _PATH_METHODS[func.attr](target, *args)
            if isinstance(target, str) and func.attr == "format":
                return target.format(*args)
            if isinstance(target, str) and func.attr in ("lower", "upper", "strip"):
                return getattr(target, func.attr)()
        raise _Unknown(dotted or "call")

    def _format_call(self, node: ast.Call) -> Value:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            target = self.visit(func.value)
            if isinstance(target, str):
                args = [self.visit(a) for a in node.args]
                kwargs = {k.arg: self.visit(k.value) for k in node.keywords if k.arg}
                return target.format(*args, **kwargs)
        raise _Unknown("call with keywords")


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None
