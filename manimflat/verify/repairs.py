"""Deterministic repairs applied by the verify levels ("fix, don't reject"); no network, no LLM.

Each repair returns the new code and a list of `Fix`es (position in the code it was given, and
a message); the level turns them into `fixed` diagnostics and verifies the repaired code again.

- `raw_latex_strings`: a string literal whose backslashes are invalid escapes (`"\\pi"`, the
  usual LaTeX mistake) becomes a raw string with the same value; when a raw string cannot hold
  that value, only the offending backslashes are doubled. Every rewrite is checked to produce
  the same constant, so no string changes meaning.
- `removed_names`: names Manim CE removed (survey of old scenes in real repositories) are
  replaced by their current equivalents, only where the old name is undefined in the file.
- `identity_with_literal`: `x is 1` (a SyntaxWarning) becomes `x == 1`.
- `add_wait`: a scene that plays nothing gets `self.wait()` at the end of `construct`, so it
  renders a video instead of nothing.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


@dataclass(frozen=True)
class Fix:
    code: str  # diagnostic code: MF402, MF413, MF414
    message: str
    line: int | None = None
    col: int | None = None


# ---------------------------------------------------------------- invalid escapes → raw strings

_VALID_STR = set("\n\\'\"abfnrtv01234567xNuU")
_VALID_BYTES = set("\n\\'\"abfnrtv01234567x")


def _escapes(body: str, is_bytes: bool) -> tuple[bool, bool]:
    """(has an invalid escape, has a valid escape other than `\\\\`)."""
    valid = _VALID_BYTES if is_bytes else _VALID_STR
    invalid = other = False
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            c = body[i + 1]
            if c not in valid:
                invalid = True
            elif c != "\\":
                other = True
            i += 2
        else:
            i += 1
    return invalid, other


def _double_invalid(body: str, is_bytes: bool) -> str:
    valid = _VALID_BYTES if is_bytes else _VALID_STR
    return re.sub(r"\\(.)", lambda m: m.group(0) if m.group(1) in valid else "\\\\" + m.group(1),
                  body, flags=re.DOTALL)


def _same_value(old: str, new: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.dump(ast.parse(old, mode="eval")) == ast.dump(ast.parse(new, mode="eval"))
        except SyntaxError:
            return False


def _split_quotes(value: str, prefix: str) -> tuple[str, str]:
    rest = value[len(prefix):]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[0]
    return quote, rest[len(quote):-len(quote)]


class _EscapeFixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.fixes: list[Fix] = []

    def _fix(self, original: cst.CSTNode, old: str, candidates: Sequence[str]) -> str | None:
        for new in candidates:
            if new != old and _same_value(old, new):
                pos = self.get_metadata(PositionProvider, original).start
                how = ("made a raw string" if new.lstrip("bBuUfF")[:1] in "rR"
                       else "backslashes of the invalid escapes doubled")
                self.fixes.append(Fix("MF402", f"invalid escape sequence in a string: {how}",
                                      pos.line, pos.column))
                return new
        return None

    def leave_SimpleString(self, original: cst.SimpleString,
                           updated: cst.SimpleString) -> cst.SimpleString:
        prefix = updated.prefix
        if "r" in prefix.lower():
            return updated
        is_bytes = "b" in prefix.lower()
        quote, body = _split_quotes(updated.value, prefix)
        invalid, other = _escapes(body, is_bytes)
        if not invalid:
            return updated
        candidates = []
        if not other:
            candidates.append("r" + prefix + quote + body.replace("\\\\", "\\") + quote)
        candidates.append(prefix + quote + _double_invalid(body, is_bytes) + quote)
        new = self._fix(original, updated.value, candidates)
        return updated.with_changes(value=new) if new else updated

    def leave_FormattedString(self, original: cst.FormattedString,
                              updated: cst.FormattedString) -> cst.FormattedString:
        if "r" in updated.prefix.lower():
            return updated
        texts = [p for p in updated.parts if isinstance(p, cst.FormattedStringText)]
        flags = [_escapes(t.value, False) for t in texts]
        if not any(inv for inv, _ in flags):
            return updated
        old = cst.Module([]).code_for_node(updated)
        variants: list[cst.FormattedString] = []
        if not any(other for _, other in flags):
            variants.append(updated.with_changes(start="r" + updated.start, parts=[
                p.with_changes(value=p.value.replace("\\\\", "\\"))
                if isinstance(p, cst.FormattedStringText) else p for p in updated.parts]))
        variants.append(updated.with_changes(parts=[
            p.with_changes(value=_double_invalid(p.value, False))
            if isinstance(p, cst.FormattedStringText) else p for p in updated.parts]))
        codes = [cst.Module([]).code_for_node(v) for v in variants]
        new = self._fix(original, old, codes)
        return variants[codes.index(new)] if new else updated


def raw_latex_strings(code: str) -> tuple[str, list[Fix]]:
    fixer = _EscapeFixer()
    module = MetadataWrapper(cst.parse_module(code)).visit(fixer)
    return module.code, fixer.fixes


# ---------------------------------------------------------------- `is` with a literal

_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString,
             cst.FormattedString)


class _IdentityFixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.fixes: list[Fix] = []

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison
                         ) -> cst.Comparison:
        targets = []
        left: cst.BaseExpression = updated.left
        for target in updated.comparisons:
            op = target.operator
            if isinstance(op, (cst.Is, cst.IsNot)) and (
                    isinstance(left, _LITERALS) or isinstance(target.comparator, _LITERALS)):
                new_op: cst.BaseCompOp = (
                    cst.Equal(whitespace_before=op.whitespace_before,
                              whitespace_after=op.whitespace_after) if isinstance(op, cst.Is)
                    else cst.NotEqual(whitespace_before=op.whitespace_before,
                                      whitespace_after=op.whitespace_after))
                target = target.with_changes(operator=new_op)
                pos = self.get_metadata(PositionProvider, original).start
                self.fixes.append(Fix("MF416", "identity test with a literal (`is`) made an "
                                      "equality test (`==`), as Python's SyntaxWarning advises",
                                      pos.line, pos.column))
            targets.append(target)
            left = target.comparator
        return updated.with_changes(comparisons=targets)


def identity_with_literal(code: str) -> tuple[str, list[Fix]]:
    """`x is 1` -> `x == 1`: the comparison CPython warns about meant equality."""
    fixer = _IdentityFixer()
    module = MetadataWrapper(cst.parse_module(code)).visit(fixer)
    return module.code, fixer.fixes


# ---------------------------------------------------------------- names removed from Manim CE

# old name -> new expression (the name is used as a value; `Name` nodes only).
RENAMES: dict[str, str] = {
    "ShowCreation": "Create", "TextMobject": "Tex", "TexMobject": "MathTex", "TexText": "Tex",
    "ParametricSurface": "Surface", "WiggleOutThenIn": "Wiggle", "DEG": "DEGREES",
    "ShowCreationThenDestructionAround": "Circumscribe",
    "FRAME_WIDTH": "config.frame_width", "FRAME_HEIGHT": "config.frame_height",
    "FRAME_X_RADIUS": "config.frame_x_radius", "FRAME_Y_RADIUS": "config.frame_y_radius",
    "get_norm": "np.linalg.norm",
}

CallRewrite = Callable[[cst.Call], cst.BaseExpression | None]


def _kw(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))


def _direction_call(new: str, default: str, negate: bool, kwarg: str = "direction") -> CallRewrite:
    """`Old(m, direction)` -> `New(m, shift=±direction)` (manim CE's own deprecation shims)."""
    def rewrite(call: cst.Call) -> cst.BaseExpression | None:
        args = list(call.args)
        if not args or args[0].keyword is not None or args[0].star:
            return None
        direction: cst.BaseExpression | None = None
        rest = []
        for a in args[1:]:
            if a.keyword is None and direction is None and not a.star or a.keyword is not None and a.keyword.value == kwarg:
                direction = a.value
            else:
                rest.append(a)
        if direction is None:
            shift: cst.BaseExpression = cst.parse_expression(default)
        elif negate and isinstance(direction, (cst.Name, cst.Attribute)):
            shift = cst.UnaryOperation(cst.Minus(), direction)
        elif negate:
            shift = cst.UnaryOperation(cst.Minus(), cst.parse_expression(
                f"({cst.Module([]).code_for_node(direction)})"))
        else:
            shift = direction
        return call.with_changes(func=cst.Name(new),
                                 args=[args[0].with_changes(comma=cst.MaybeSentinel.DEFAULT),
                                       *rest, _kw("shift", shift)])
    return rewrite


def _add_kwargs(new: str, extra: dict[str, str], rename: dict[str, str] | None = None
                ) -> CallRewrite:
    def rewrite(call: cst.Call) -> cst.BaseExpression | None:
        args = []
        given = set()
        for a in call.args:
            if a.keyword is not None and rename and a.keyword.value in rename:
                a = a.with_changes(keyword=cst.Name(rename[a.keyword.value]))
            if a.keyword is not None:
                given.add(a.keyword.value)
            args.append(a.with_changes(comma=cst.MaybeSentinel.DEFAULT))
        args += [_kw(k, cst.parse_expression(v)) for k, v in extra.items() if k not in given]
        return call.with_changes(func=cst.Name(new), args=args)
    return rewrite


def _then_fade_out(call: cst.Call) -> cst.BaseExpression | None:
    # Succession(Create(m), FadeOut(m)) evaluates m twice: only for side-effect-free m.
    if len(call.args) != 1 or not isinstance(call.args[0].value, (cst.Name, cst.Attribute)):
        return None
    m = cst.Module([]).code_for_node(call.args[0].value)
    return cst.parse_expression(f"Succession(Create({m}), FadeOut({m}))")


CALL_REWRITES: dict[str, CallRewrite] = {
    "FadeInFrom": _direction_call("FadeIn", "UP", negate=True),
    "FadeInFromDown": _direction_call("FadeIn", "UP", negate=False, kwarg="_unused"),
    "FadeOutAndShift": _direction_call("FadeOut", "DOWN", negate=False),
    "FadeOutAndShiftDown": _direction_call("FadeOut", "DOWN", negate=False, kwarg="_unused"),
    "FadeInFromLarge": _add_kwargs("FadeIn", {"scale": "2"}, {"scale_factor": "scale"}),
    "ShowCreationThenDestruction": _add_kwargs("ShowPassingFlash", {"time_width": "2.0"}),
    "CircleIndicate": _add_kwargs("Circumscribe", {"shape": "Circle"}),
    "ShowCreationThenFadeAround": _add_kwargs("Circumscribe", {"fade_out": "True"}),
    "SmallDot": _add_kwargs("Dot", {"radius": "DEFAULT_SMALL_DOT_RADIUS"}),
    "ShowCreationThenFadeOut": _then_fade_out,
}
# Methods removed from manim's classes: `x.old(...)` -> `x.new(...)` unless the file defines old.
METHOD_RENAMES = {"get_graph": "plot"}
REPAIRABLE = frozenset(RENAMES) | frozenset(CALL_REWRITES)


class _NameFixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, names: frozenset[str], methods: frozenset[str]) -> None:
        self.names = names
        self.methods = methods
        self.fixes: list[Fix] = []
        self._skip: set[int] = set()  # Name nodes that are attributes or keywords, not values

    def _record(self, node: cst.CSTNode, old: str, new: str) -> None:
        pos = self.get_metadata(PositionProvider, node).start
        self.fixes.append(Fix("MF413", f"`{old}` was removed from Manim CE; using `{new}`",
                              pos.line, pos.column))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._skip.add(id(node.keyword))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if isinstance(func, cst.Name) and func.value in self.names and func.value in CALL_REWRITES:
            new = CALL_REWRITES[func.value](updated)
            if new is not None:
                self._record(original, func.value, cst.Module([]).code_for_node(new))
                return new
        if isinstance(func, cst.Attribute) and func.attr.value in self.methods:
            new_name = METHOD_RENAMES[func.attr.value]
            self._record(original, f".{func.attr.value}()", f".{new_name}()")
            assert isinstance(updated.func, cst.Attribute)
            return updated.with_changes(func=updated.func.with_changes(attr=cst.Name(new_name)))
        return updated

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) in self._skip or original.value not in self.names:
            return updated
        new = RENAMES.get(original.value)
        if new is None:
            return updated
        self._record(original, original.value, new)
        return cst.parse_expression(new)


def removed_names(code: str, undefined: frozenset[str]) -> tuple[str, list[Fix]]:
    """Replace removed Manim names that are undefined in `code` by their equivalents."""
    names = undefined & REPAIRABLE
    defined_methods = set(re.findall(r"def\s+(\w+)", code))
    methods = frozenset(m for m in METHOD_RENAMES
                        if m not in defined_methods and re.search(rf"\.{m}\s*\(", code))
    if not names and not methods:
        return code, []
    fixer = _NameFixer(names, methods)
    module = MetadataWrapper(cst.parse_module(code)).visit(fixer)
    return module.code, fixer.fixes


# ---------------------------------------------------------------- a scene that plays nothing

def add_wait(code: str, scene: str) -> tuple[str, list[Fix]]:
    """Append `self.wait()` to `scene.construct`; no change when there is no such method."""
    module = cst.parse_module(code)
    fixes: list[Fix] = []
    lines = [n.lineno for n in ast.walk(ast.parse(code)) if isinstance(n, ast.ClassDef)
             and n.name == scene for f in n.body
             if isinstance(f, ast.FunctionDef) and f.name == "construct"]

    class AddWait(cst.CSTTransformer):
        def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
            if original.name.value != scene or not isinstance(updated.body, cst.IndentedBlock):
                return updated
            body = list(updated.body.body)
            for i, stmt in enumerate(body):
                if (isinstance(stmt, cst.FunctionDef) and stmt.name.value == "construct"
                        and isinstance(stmt.body, cst.IndentedBlock) and stmt.params.params):
                    this = stmt.params.params[0].name.value
                    wait = cst.parse_statement(f"{this}.wait()\n")
                    body[i] = stmt.with_changes(body=stmt.body.with_changes(
                        body=[*stmt.body.body, wait]))
                    fixes.append(Fix("MF414", f"{scene} played no animation; added "
                                     f"`{this}.wait()` at the end of construct",
                                     lines[0] if lines else None))
                    return updated.with_changes(body=updated.body.with_changes(body=body))
            return updated

    new = module.visit(AddWait())
    return new.code, fixes
