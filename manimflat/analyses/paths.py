"""Static evaluation of path expressions, without running repository code.

Used for `sys.path` edits (new import roots) and for asset references. Understands string
literals, f-strings and `%`/`.format` over known names (dotted ones too: `config.assets_dir`,
`config.get_dir("assets_dir")`, class constants as `self.X`), `os.path.join/dirname/abspath/
realpath/normpath/expanduser`, `os.getcwd()`, `__file__`, `pathlib.Path(...)`, `.parent`,
`.resolve()`, `.absolute()`, `/`, `str(...)`, `+` on strings. Anything else is "unknown"
(None): callers turn that into a diagnostic rather than guessing.

The expressions come from the scanned repository, so evaluation is bounded: `.format`, `%`
and f-strings only substitute whole values (no `{0.attr}` / `{0[key]}` walks, no `*` widths,
no nested specs), widths and precisions are at most `MAX_WIDTH`, and no string or path grows
past `MAX_CHARS`: a format that would walk into an object or build a huge string is unknown.
"""

from __future__ import annotations

import ast
import operator
import os
import re
import string
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePosixPath

from .chains import ast_chain

Value = str | PurePosixPath | int | float
MAX_CHARS = 4096  # longer than any real path
MAX_WIDTH = 256  # of a format field: `{:>08}`, `%5.2f`
MAX_INT = 2**63


class _Unknown(Exception):
    pass


def evaluate(expr: str | ast.expr, *, file: str, cwd: str,
             names: Mapping[str, Value] | None = None) -> Value | None:
    """Value of `expr` as a string or path, with `__file__` = `file` and the working dir `cwd`.

    `file` and `cwd` are absolute posix paths. `names` maps module constants and loop
    variables to their values. Returns None when the value cannot be known statically.
    """
    try:
        node = ast.parse(expr, mode="eval").body if isinstance(expr, str) else expr
        return _Eval(file, cwd, names or {}).visit(node)
    except (_Unknown, TypeError, ValueError, KeyError, IndexError, RecursionError,
            SyntaxError, MemoryError, OverflowError):
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

    def visit(self, node: ast.AST) -> Value:
        value: Value = super().visit(node)
        if isinstance(value, int) and abs(value) > MAX_INT:  # `n = n * n` lines
            raise _Unknown("too large")
        return _bounded(value)

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
                spec = "" if value.format_spec is None else str(self.visit(value.format_spec))
                conversion = chr(value.conversion) if value.conversion >= 0 else None
                parts.append(_format_field(self.visit(value.value), conversion, spec))
            else:
                parts.append(str(self.visit(value)))
        return _bounded("".join(parts))

    def visit_BinOp(self, node: ast.BinOp) -> Value:
        left = self.visit(node.left)
        if isinstance(node.op, ast.Mod) and isinstance(node.right, ast.Tuple):
            return _percent(left, tuple(self.visit(e) for e in node.right.elts))
        right = self.visit(node.right)
        if isinstance(node.op, ast.Div) and isinstance(left, PurePosixPath):
            return left / str(right)
        if isinstance(node.op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            if len(left) + len(right) > MAX_CHARS:
                raise _Unknown("too long")
            return left + right
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            return _percent(left, right)
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
        # `ICONS["bulb"]` of a known literal dict (see `entry`)
        dotted = _dotted(node.value)
        if dotted is not None:
            key = entry(dotted, self.visit(node.slice))
            if key in self.names:
                return self.names[key]
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
        if isinstance(func, ast.Attribute) and func.attr == "get" and 1 <= len(args) <= 2:
            mapping = _dotted(func.value)  # `ICONS.get(name, "x.svg")` of a known dict
            if mapping is not None and entry(mapping, None) in self.names:
                found = self.names.get(entry(mapping, args[0]))
                if found is not None or len(args) == 2:
                    return found if found is not None else args[1]
        if isinstance(func, ast.Attribute):
            target = self.visit(func.value)
            if isinstance(target, PurePosixPath) and func.attr in _PATH_METHODS:
                return _PATH_METHODS[func.attr](target, *args)
            if isinstance(target, str) and func.attr == "format":
                return _str_format(target, args, {})
            if isinstance(target, str) and func.attr in ("lower", "upper", "strip"):
                return getattr(target, func.attr)()
        raise _Unknown(dotted or "call")

    def _format_call(self, node: ast.Call) -> Value:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            target = self.visit(func.value)
            if isinstance(target, str):
                args = [self.visit(a) for a in node.args]
                if any(k.arg is None for k in node.keywords):
                    raise _Unknown("**kwargs")
                kwargs = {k.arg: self.visit(k.value) for k in node.keywords if k.arg}
                return _str_format(target, args, kwargs)
        raise _Unknown("call with keywords")


def entry(mapping: str, key: Value | None) -> str:
    """The name under which `names` holds one value of a literal dict: `ICONS['bulb']`;
    `ICONS[]` (key None) marks the dict as known, so `.get` may fall back to its default."""
    return f"{mapping}[{'' if key is None else repr(key)}]"


def _dotted(node: ast.expr) -> str | None:
    chain = ast_chain(node)
    return ".".join(chain) if chain else None


# --------------------------------------------------------------------------- formatting
# The format-spec mini-language with plain numbers only (no nested `{...}`).
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?"
                   r"[bcdeEfFgGnosxX%]?")
_PERCENT = re.compile(r"%(?P<key>\([^)]*\))?[-#0 +]*(?P<width>\*|\d*)"
                      r"(?:\.(?P<precision>\*|\d*))?[hlL]?(?P<type>.)", re.DOTALL)


def _bounded(value: Value) -> Value:
    if isinstance(value, (str, PurePosixPath)) and len(str(value)) > MAX_CHARS:
        raise _Unknown("too long")
    return value


def _small(*numbers: str | None) -> bool:
    return all(not n or (n.isdigit() and int(n) <= MAX_WIDTH) for n in numbers)


def _format_field(value: Value, conversion: str | None, spec: str) -> str:
    """`format(value, spec)` after `!s`/`!r`/`!a`, for a whole value and a bounded spec."""
    if conversion is not None:
        if conversion not in "sra":
            raise _Unknown("conversion")
        value = str(value) if conversion == "s" else repr(value) if conversion == "r" \
            else ascii(value)
    match = _SPEC.fullmatch(spec)
    if match is None or not _small(match["width"], match["precision"]):
        raise _Unknown("format spec")
    return str(_bounded(format(value, spec)))


def _str_format(template: str, args: Sequence[Value], kwargs: Mapping[str, Value]) -> str:
    """`template.format(*args, **kwargs)`, where each field names an argument by position or
    keyword and nothing else: `{0.__class__}` or `{x[key]}` would reach into the object."""
    parts: list[str] = []
    auto = 0
    for literal, field, spec, conversion in string.Formatter().parse(template):
        parts.append(literal)
        if field is None:
            continue
        if field == "":
            field, auto = str(auto), auto + 1
        if field.isdigit():
            if int(field) >= len(args):
                raise _Unknown("format index")
            value = args[int(field)]
        elif field.isidentifier() and field in kwargs:
            value = kwargs[field]
        else:
            raise _Unknown("format field")
        parts.append(_format_field(value, conversion, spec or ""))
        if sum(map(len, parts)) > MAX_CHARS:
            raise _Unknown("too long")
    return str(_bounded("".join(parts)))


def _percent(template: Value, args: Value | tuple[Value, ...]) -> str:
    """`template % args` for positional conversions with bounded widths (no `*`, no keys)."""
    if not isinstance(template, str):
        raise _Unknown("%")
    for match in _PERCENT.finditer(template):
        if match["type"] == "%" and match.group(0) == "%%":
            continue
        if match["key"] is not None or match["type"] not in "diouxXeEfFgGcrsa" \
                or not _small(match["width"], match["precision"]):
            raise _Unknown("% spec")
    return str(_bounded(template % args))
