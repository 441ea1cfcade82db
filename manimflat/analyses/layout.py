"""The source text of each top-level statement, cut from the file's lines the way libcst owns
comments and blank lines, so that most pieces are emitted without parsing the file with libcst.

libcst gives a statement the comment lines just above it (its `leading_lines`), gives a
compound statement the further-indented lines after its last child (its block's `footer`),
and gives the module header everything before the first statement. `emit` strips the blank
lines in front of a statement and separates statements itself. Where these rules might not
hold (CRLF, form feeds or other characters `str.splitlines` breaks at, a file whose first block is not indented by four spaces, which
libcst's codegen re-indents, a footer that cannot be told apart), the text is None and the
statement goes through libcst.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import libcst as cst


class Unit(Protocol):
    """What the layout reads of an `analyses.units.Unit` (which is built on this module's
    `source_lines`, so this module cannot import it)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def stmts(self) -> Sequence[ast.stmt]: ...

_EMPTY = cst.Module(body=[])
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# Characters `str.splitlines` breaks lines at but Python's tokenizer does not.
_OTHER_BREAKS = frozenset("\v\f\x1c\x1d\x1e\x85\u2028\u2029")


@dataclass(frozen=True)
class UnitText:
    lead: str  # comment lines above the statement (blank lines in front of them removed)
    body: str  # the statement's own lines, `lines[start - 1:end]`
    foot: str  # lines its block owns after its last child
    blank_before: int  # blank lines removed in front of `lead`

    @cached_property
    def text(self) -> str:
        return joined(self.lead, self.body, self.foot)


def joined(*parts: str) -> str:
    text = "".join(parts)
    return text if text.endswith("\n") else text + "\n"


def source_lines(source: str) -> list[str]:
    """The lines of a Python file as the tokenizer and `ast` line numbers count them (ends
    kept): only CR, LF and CRLF end a line. `str.splitlines` also breaks at form feeds and
    other separators, which shifts every line number after them."""
    return _LINE.findall(source)


def unit_texts(source: str, tree: ast.Module, units: Sequence[Unit]) -> list[UnitText | None]:
    """The text of every unit, or None where it must come from libcst."""
    lines = source_lines(source)
    if "\r" in source or not _OTHER_BREAKS.isdisjoint(source) \
            or _first_indent(lines, tree) not in (None, "    "):
        return [None] * len(units)
    out: list[UnitText | None] = []
    for i, unit in enumerate(units):
        next_start = units[i + 1].start if i + 1 < len(units) else len(lines) + 1
        lead = _lead(lines[units[i - 1].end:unit.start - 1], _compound(units[i - 1])) \
            if i else []  # the module header owns everything before the first statement
        foot = _footer(lines[unit.end:next_start - 1]) if _compound(unit) else []
        if lead is None or foot is None:
            out.append(None)
            continue
        blank = 0
        while blank < len(lead) and not lead[blank].strip():
            blank += 1
        out.append(UnitText("".join(lead[blank:]), "".join(lines[unit.start - 1:unit.end]),
                            "".join(foot), blank))
    return out


def printed(node: cst.BaseStatement) -> tuple[str, int]:
    """What libcst prints for a statement, without the blank lines above it, and how many
    there were (the text `unit_texts` cuts for a statement as written)."""
    leading = list(getattr(node, "leading_lines", ()))
    blanks = 0
    while leading and leading[0].comment is None:
        leading.pop(0)
        blanks += 1
    if hasattr(node, "leading_lines"):
        node = node.with_changes(leading_lines=leading)
    return joined(_EMPTY.code_for_node(node)), blanks


def _compound(unit: Unit) -> bool:
    last = unit.stmts[-1]
    return len(unit.stmts) == 1 and isinstance(getattr(last, "body", None), list)


def _indented(line: str) -> bool:
    return line[:1] in (" ", "\t")


def _footer(gap: list[str]) -> list[str] | None:
    """The lines after a compound statement that its block owns: up to the last indented
    comment or whitespace line. None if a dedented comment comes before one."""
    owned = max((k for k, line in enumerate(gap) if _indented(line)
                 and line.strip()[:1] in ("#", "")), default=-1) + 1
    if any(line.strip() and not _indented(line) for line in gap[:owned]):
        return None
    return gap[:owned]


def _lead(gap: list[str], after_compound: bool) -> list[str] | None:
    """The lines between two statements that belong to the second one."""
    if after_compound:
        footer = _footer(gap)
        if footer is None:
            return None
        gap = gap[len(footer):]
    return None if any(line.strip() and _indented(line) for line in gap) else gap


def _first_indent(lines: list[str], tree: ast.Module) -> str | None:
    """The indentation of the file's first indented block (libcst's default indent)."""
    for node in tree.body:
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and body[0].lineno != node.lineno:
            line = lines[body[0].lineno - 1]
            return line[:len(line) - len(line.lstrip())]
    return None
