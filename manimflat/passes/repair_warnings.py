"""repair-warnings: the output compiles without SyntaxWarnings; strings say what was meant.

Before: pieces may hold non-raw string literals (plain, bytes, f-strings, each part of an
implicit concatenation) with invalid escape sequences: `Tex("$\\displaystyle =\\ i$")`.
Python keeps the backslash but warns (SyntaxWarning from 3.12, DeprecationWarning before),
and a later Python will reject it. Some LaTeX strings also hold *valid* escapes their author
did not mean: `"\\theta"` starts with a tab, `"\\frac"` with a form feed, `"\\nu"`,
`"\\right"`, `"\\beta"`, `"\\alpha"`, `"\\vec"` with a newline, carriage return, backspace,
bell, vertical tab.

After: no literal has an invalid escape. Each one became a raw string when that gives the
same value, else the backslashes of its invalid escapes were doubled; every rewrite is checked
to compile to the same constant (MF210, fixed). A valid escape that starts a LaTeX command
(`\\t` + `heta`) in a LaTeX string (an argument of `Tex`, `MathTex`, `set_color_by_tex`, ...,
a key of `tex_to_color_map`, or a string with `$`, braces, `^` or other backslash commands) is
reported with the literal its author meant (MF211, warning); with `latex_escapes=true` (the
dataset driver turns it on) it is repaired to that literal (MF211, fixed), which changes the
value on purpose. An identity test with a literal (`x is 1`, also a SyntaxWarning) becomes
an equality test (MF416, fixed). A name a loop reads before the loop binds it (the value of
its previous pass, `last_v` in `else: f = last_v.get_end` then `last_v = v`) is bound to
`None` before the loop, so pyflakes does not call it undefined (MF226, fixed; see
`verify.repairs.loop_carried`). Pieces without a backslash, an `is` or a loop are not looked
at; the others are compiled first, and parsed with libcst only when something is to be
reported or repaired. `repair_code` applies the escape repair to a whole file (the syntax level of
`--verify`, which also has `identity_with_literal`).
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..diagnostics import Severity
from ..ir import Flat, Piece
from ..pass_manager import ALL, Pass
from ..verify.repairs import Fix, bind_loop_carried, identity_with_literal


@dataclass(frozen=True)
class RepairWarnings(Pass):
    NAME = "repair-warnings"
    DESCRIPTION = ("no SyntaxWarning: invalid escapes become raw strings of the same value, "
                   "`is` with a literal `==`; LaTeX escapes that change the text are reported "
                   "(repaired with latex_escapes=true); a value a loop carries is bound first")
    NEEDS = ("closure",)
    latex_escapes: bool = False  # repair `"\theta"` to `r"\theta"` (changes the value)

    def run(self, flat: Flat) -> frozenset[str]:
        for piece in flat.pieces:
            text, _ = flat.source_of(piece)
            if "\\" not in text and not _IS.search(text) and not _LOOP.search(text):
                continue
            new, fixes, offset = _repair_piece_text(text, self.latex_escapes)
            for fix in fixes:
                line = None if piece.module is None or fix.line is None else (
                    fix.line + piece.line - offset)
                flat.report(fix.code, fix.message, path=piece.module, line=line,
                            col=None if fix.col is None else fix.col + 1, severity=fix.severity)
            if new != text:
                _replace(piece, new)
        return ALL  # no name, link or binding changes


def _replace(piece: Piece, new: str) -> None:
    if piece.text is not None:
        piece.edit_text(new)
    else:  # a tree made by an earlier pass: keep it a tree (layout reads its kind)
        body = cst.parse_module(new).body
        piece.node = body[-1] if body else piece.node


@lru_cache(maxsize=4096)  # scenes of a repository share most pieces
def _repair_piece_text(text: str, latex: bool) -> tuple[str, tuple[Fix, ...], int]:
    """The repaired text, its fixes (lines in `text`), and the text line of the statement."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            tree = ast.parse(text)
            compile(tree, "<piece>", "exec", dont_inherit=True)  # `is 1` warns when compiled
        except SyntaxError:
            return text, (), 1
    stmt = tree.body[0] if tree.body else None
    offset = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))]) \
        if stmt is not None else 1
    fixes: list[Fix] = []
    if any("with a literal" in str(w.message) for w in caught):
        text, fixes = identity_with_literal(text)
    invalid = any("escape sequence" in str(w.message) for w in caught)
    if invalid or "\\" in text and _latex_suspect(tree):
        text, more = repair_code(text, latex)
        fixes += more
    if _LOOP.search(text):
        text, more = bind_loop_carried(text)
        fixes += more
    return text, tuple(fixes), offset


def repair_code(code: str, latex: bool = False) -> tuple[str, list[Fix]]:
    """`code` with every invalid escape repaired (value unchanged) and, with `latex`, every
    LaTeX escape mistake; MF211 fixes are reports when `latex` is off."""
    fixer = _EscapeFixer(latex)
    module = MetadataWrapper(cst.parse_module(code)).visit(fixer)
    return module.code, fixer.fixes


# ---------------------------------------------------------------- escapes

_VALID_STR = frozenset("\n\\'\"abfnrtv01234567xNuU")
_VALID_BYTES = frozenset("\n\\'\"abfnrtv01234567x")
_IS = re.compile(r"\bis\b")
_LOOP = re.compile(r"\b(for|while)\b")
_CONTROL = {"t": "a tab", "f": "a form feed", "n": "a newline", "r": "a carriage return",
            "b": "a backspace", "a": "a bell", "v": "a vertical tab"}
_CONTROL_CHARS = {"\t": "t", "\f": "f", "\n": "n", "\r": "r", "\b": "b", "\a": "a", "\v": "v"}

# LaTeX commands that start with an escape letter: `\t` + `heta`. Common ones only: a word
# outside the list (`"\nHello"`) is a newline the author meant.
LATEX_COMMANDS = frozenset(re.findall(r"\w+", """
    theta tau times text textbf textit textrm texttt textsf textcolor textstyle textnormal
    tfrac tilde to top triangle triangleleft triangleright tan tanh therefore tiny tag
    thinspace tbinom
    frac forall flat frown fbox footnotesize
    nu neq ne nabla neg not notin ni nearrow nwarrow newline noindent nolimits normalsize
    nexists nleq ngeq nsubseteq nmid natural newcommand nonumber
    right rho rightarrow rightleftharpoons rightharpoonup rangle rceil rfloor rbrace rbrack
    rm rvert rVert raisebox ref renewcommand rule rightarrowtail rightsquigarrow
    beta bar bf begin big bigg bigl bigr biggl biggr boldsymbol binom bmod bot bullet boxed
    breve backslash bigcup bigcap bigoplus bigotimes bigwedge bigvee bmatrix bigstar
    baselineskip bmod bf
    alpha approx angle ast arccos arcsin arctan arg aleph amalg acute atop array aligned
    vec varphi varepsilon vartheta varrho varsigma varpi vee vert vdots vdash vspace
    varnothing vmatrix vphantom veebar
"""))
# Calls whose string arguments manim hands to LaTeX.
LATEX_CALLS = frozenset({
    "Tex", "MathTex", "SingleStringMathTex", "TexText", "TextMobject", "TexMobject", "Title",
    "BulletedList", "Variable", "MathTable", "Matrix", "IntegerMatrix", "DecimalMatrix",
    "set_color_by_tex", "set_color_by_tex_to_color_map", "get_part_by_tex", "get_parts_by_tex",
    "index_of_part_by_tex", "get_tex", "get_text", "get_axis_labels", "get_x_axis_label",
    "get_y_axis_label", "get_graph_label", "add_coordinates", "TransformMatchingTex"})
LATEX_KEYWORDS = frozenset({"tex_to_color_map", "substrings_to_isolate", "isolate",
                            "tex_template", "x_label", "y_label", "label"})
_LATEX_WORD = re.compile(r"[A-Za-z]+")
# Other signs of LaTeX in a literal's source: `$`, `^`, braces, a command written `\\alpha` or
# as an invalid escape (`\pi`); not the suspect escape itself.
_LATEX_MARKS = re.compile(r"\$|\^|\{|\\\\[A-Za-z]|\\(?![abfnrtvxNuU])[A-Za-z]")


def _escapes(body: str, is_bytes: bool) -> tuple[bool, bool]:
    """(has an invalid escape, has a valid escape other than `\\\\`). A backslash that ends
    the text (an f-string's text before `{`) escapes the brace: invalid."""
    valid = _VALID_BYTES if is_bytes else _VALID_STR
    invalid = other = False
    i = 0
    while i < len(body):
        if body[i] == "\\" and i + 1 == len(body):
            invalid = True
            i += 1
        elif body[i] == "\\":
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
    return re.sub(r"\\(.|\Z)", lambda m: m.group(0) if m.group(1) and m.group(1) in valid
                  else "\\\\" + m.group(1), body, flags=re.DOTALL)


def _latex_escapes(body: str) -> list[tuple[int, str]]:
    """(offset, command) of each valid escape in `body` that starts a LaTeX command."""
    out = []
    i = 0
    while i < len(body) - 1:
        if body[i] == "\\":
            c = body[i + 1]
            word = _LATEX_WORD.match(body, i + 1)
            if c in _CONTROL and word and word.group() in LATEX_COMMANDS:
                out.append((i, word.group()))
            i += 2
        else:
            i += 1
    return out


def _double_at(body: str, offsets: Sequence[int]) -> str:
    for i in sorted(offsets, reverse=True):
        body = body[:i] + "\\" + body[i:]
    return body


def _latex_suspect(tree: ast.AST) -> bool:
    """A string value where a control character and the letters after it spell a LaTeX
    command (a tab, then `heta`): the cheap test before libcst looks at the literal."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                ch in node.value for ch in _CONTROL_CHARS):
            for ch, letter in _CONTROL_CHARS.items():
                for m in re.finditer(re.escape(ch) + "([A-Za-z]*)", node.value):
                    if letter + m.group(1) in LATEX_COMMANDS:
                        return True
    return False


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


def _short(code: str) -> str:
    first = code.split("\n", 1)[0]
    return first if len(first) <= 40 and first == code else first[:37] + "..."


class _EscapeFixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, latex: bool) -> None:
        self.latex = latex
        self.fixes: list[Fix] = []
        self._calls: list[str | None] = []  # enclosing calls' names, innermost last
        self._keywords: list[str] = []  # enclosing keyword arguments' names

    # -- context: is a literal a LaTeX string? ----------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        self._calls.append(func.value if isinstance(func, cst.Name) else
                           func.attr.value if isinstance(func, cst.Attribute) else None)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        self._calls.pop()
        return updated

    def visit_Arg(self, node: cst.Arg) -> None:
        self._keywords.append(node.keyword.value if node.keyword is not None else "")

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        self._keywords.pop()
        return updated

    def _latex_context(self, text: str) -> str | None:
        """Why a literal is LaTeX ("MathTex(...)"), or None when it does not look like it."""
        if self._keywords and self._keywords[-1] in LATEX_KEYWORDS:
            return f"{self._keywords[-1]}="
        if self._calls and self._calls[-1] in LATEX_CALLS:
            return f"{self._calls[-1]}(...)"
        if _LATEX_MARKS.search(text):
            return "a LaTeX string"
        return None

    # -- rewriting ---------------------------------------------------------------------------
    def _record(self, node: cst.CSTNode, code: str, message: str,
                severity: Severity = Severity.FIXED) -> None:
        pos = self.get_metadata(PositionProvider, node).start
        self.fixes.append(Fix(code, message, pos.line, pos.column, severity))

    def _latex_report(self, original: cst.CSTNode, old: str, found: list[tuple[int, str]],
                      context: str, intended: str) -> None:
        what = ", ".join(f"\\{w[0]} ({_CONTROL[w[0]]}) for \\{w}" for _, w in found)
        verb = "repaired to" if self.latex else "write"
        self._record(original, "MF211", f"{_short(old)} in {context} holds {what}: LaTeX "
                     f"gets a control character instead of the command; {verb} {intended}",
                     Severity.FIXED if self.latex else Severity.WARNING)

    def leave_SimpleString(self, original: cst.SimpleString,
                           updated: cst.SimpleString) -> cst.SimpleString:
        prefix = updated.prefix
        if "r" in prefix.lower():
            return updated
        is_bytes = "b" in prefix.lower()
        quote, body = _split_quotes(updated.value, prefix)
        found = [] if is_bytes else _latex_escapes(body)
        context = self._latex_context(body) if found else None
        if found and context:
            meant = _clean_literal(prefix, quote, _double_at(body, [i for i, _ in found]),
                                   is_bytes)
            self._latex_report(original, updated.value, found, context, meant)
            if self.latex:
                return updated.with_changes(value=meant)
        if not _escapes(body, is_bytes)[0]:
            return updated
        new = _clean_literal(prefix, quote, body, is_bytes)
        self._record(original, "MF210", _invalid_message(updated.value, new))
        return updated.with_changes(value=new)

    def leave_FormattedString(self, original: cst.FormattedString,
                              updated: cst.FormattedString) -> cst.FormattedString:
        if "r" in updated.prefix.lower():
            return updated
        texts = [p.value for p in updated.parts if isinstance(p, cst.FormattedStringText)]
        found = [f for t in texts for f in _latex_escapes(t)]
        context = self._latex_context("".join(texts)) if found else None
        old = _code(updated)
        if found and context:
            meant = _clean_fstring(_map_text(updated, lambda t: _double_at(
                t, [i for i, _ in _latex_escapes(t)])))
            self._latex_report(original, old, found, context, _code(meant))
            if self.latex:
                return meant
        if not any(_escapes(t, False)[0] for t in texts):
            return updated
        new = _clean_fstring(updated)
        self._record(original, "MF210", _invalid_message(old, _code(new)))
        return new


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _clean_literal(prefix: str, quote: str, body: str, is_bytes: bool) -> str:
    """A literal with the value of `prefix quote body quote` and no invalid escape: a raw
    string when that holds the value, else one with the invalid backslashes doubled."""
    reference = prefix + quote + body + quote
    candidates = [prefix + quote + _double_invalid(body, is_bytes) + quote]
    if not _escapes(body, is_bytes)[1]:
        candidates.insert(0, "r" + prefix + quote + body.replace("\\\\", "\\") + quote)
    for new in candidates:
        if _same_value(reference, new):
            return new
    return reference


def _map_text(node: cst.FormattedString, edit: Callable[[str], str]) -> cst.FormattedString:
    return node.with_changes(parts=[
        p.with_changes(value=edit(p.value)) if isinstance(p, cst.FormattedStringText) else p
        for p in node.parts])


def _clean_fstring(node: cst.FormattedString) -> cst.FormattedString:
    """`_clean_literal` for an f-string: its text parts hold the escapes."""
    texts = [p.value for p in node.parts if isinstance(p, cst.FormattedStringText)]
    candidates = [_map_text(node, lambda t: _double_invalid(t, False))]
    if not any(_escapes(t, False)[1] for t in texts):
        candidates.insert(0, _map_text(node, lambda t: t.replace("\\\\", "\\")).with_changes(
            start="r" + node.start))
    reference = _code(node)
    for new in candidates:
        if _same_value(reference, _code(new)):
            return new
    return node


def _invalid_message(old: str, new: str) -> str:
    how = ("made a raw string" if new.lstrip("bBuUfF")[:1] in "rR"
           else "doubled the backslashes of its invalid escapes")
    bad = sorted({m.group() for m in re.finditer(r"\\.", old) if m.group()[1] not in _VALID_STR})
    return f"invalid escape sequence {', '.join(bad)} in {_short(old)}: {how} (same value)"
