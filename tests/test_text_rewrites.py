"""The text fast paths agree with libcst: a statement's text cut from its file's lines is what
libcst prints for it, renaming by text edits gives what renaming the tree gives, and the
identifiers read from `ast` are the `Name` nodes of the libcst tree."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest

from manimflat.analyses.chains import names_in
from manimflat.analyses.layout import printed, unit_texts
from manimflat.analyses.units import analyze_module
from manimflat.transforms import rename_text, rewrite_statement

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EMPTY = cst.Module(body=[])

# Layouts and syntax where positions or comment ownership are easy to get wrong.
TRICKY = '''"""Module docstring."""
# header comment

import numpy as np  # trailing

# leads SIZE
SIZE = 2; OTHER = SIZE + 1


@decorate(SIZE)
def helper(n=SIZE):  # a def
    """Docstring mentioning SIZE."""
    label = f"{SIZE!r:>{n}} é {helper.__name__}"
    return [SIZE for _ in range(n)] + [é for é in "SIZE"]
    # footer of helper

# leads Shape
class Shape(Base, metaclass=Meta):
    size = SIZE
    def grow(self, by=SIZE):
        return helper(by) * OTHER


café = "é" * SIZE; wide = np.array([SIZE,
    OTHER])
if SIZE:
    def late(): return SIZE
async def run():
    return await helper(SIZE)
value = (np
         .linalg.norm(SIZE))
'''


def _modules() -> list[tuple[str, str]]:
    found = [("tricky.py", TRICKY)]
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            source = path.read_text(encoding="utf-8")
            ast.parse(source)
        except (SyntaxError, UnicodeDecodeError):
            continue
        found.append((str(path.relative_to(FIXTURES)), source))
    return found


MODULES = _modules()


@pytest.mark.parametrize(("name", "source"), MODULES, ids=[n for n, _ in MODULES])
def test_statement_text_is_what_libcst_prints(name: str, source: str) -> None:
    tree = ast.parse(source)
    units = analyze_module(source, tree)
    body = cst.parse_module(source).body
    for unit, layout in zip(units, unit_texts(source, tree, units), strict=True):
        assert layout is not None, f"{name}:{unit.start} fell back to libcst"
        assert (layout.text, layout.blank_before) == printed(body[unit.index]), \
            f"{name}:{unit.start}"


@pytest.mark.parametrize(("name", "source"), MODULES, ids=[n for n, _ in MODULES])
def test_renaming_text_matches_renaming_the_tree(name: str, source: str) -> None:
    """Every module-level name each statement uses or binds is renamed, and every
    `name.attr` chain on a name becomes one name; both paths must print the same code."""
    tree = ast.parse(source)
    units = analyze_module(source, tree)
    body = cst.parse_module(source).body
    edited = 0
    for unit, layout in zip(units, unit_texts(source, tree, units), strict=True):
        assert layout is not None
        names = sorted((unit.refs | unit.binds) - unit.shadowed)
        renames = {n: f"{n}_renamed" for n in names}
        chains = {chain: "_".join(chain) for stmt in unit.stmts for node in ast.walk(stmt)
                  if isinstance(node, ast.Attribute)
                  and (chain := _chain(node)) and chain[0] in names}
        text = rename_text(unit, layout, renames, chains)
        if text is None:
            continue
        edited += 1
        tree_text, _ = printed(rewrite_statement(body[unit.index], renames, chains,
                                                 frozenset()))
        assert text == tree_text, f"{name}:{unit.start}"
    assert edited or all(u.kind == "import" for u in units)


@pytest.mark.parametrize(("name", "source"), MODULES, ids=[n for n, _ in MODULES])
def test_identifiers_from_ast_are_the_names_libcst_holds(name: str, source: str) -> None:
    tree = ast.parse(source)
    body = cst.parse_module(source).body
    for unit in analyze_module(source, tree):
        assert unit.occurrences.identifiers == names_in(body[unit.index]), f"{name}:{unit.start}"


def test_text_rename_declines_what_it_cannot_see() -> None:
    source = ("COUNT = 0\n\ndef bump():\n    global COUNT\n    COUNT += 1\n\n"
              "try:\n    pass\nexcept ValueError as COUNT:\n    pass\n")
    tree = ast.parse(source)
    units = analyze_module(source, tree)
    layouts = unit_texts(source, tree, units)
    assert rename_text(units[0], layouts[0], {"COUNT": "N"}, {}) == "N = 0\n"
    for i in (1, 2):  # `global COUNT` and `except ... as COUNT` name it without a position
        assert layouts[i] is not None
        assert rename_text(units[i], layouts[i], {"COUNT": "N"}, {}) is None


def test_layouts_libcst_would_reindent_fall_back() -> None:
    source = "def f():\n  return 1\n"
    tree = ast.parse(source)
    assert unit_texts(source, tree, analyze_module(source, tree)) == [None]


def _chain(node: ast.Attribute) -> tuple[str, ...] | None:
    parts: list[str] = []
    cur: ast.expr = node
    while isinstance(cur, ast.Attribute):
        parts.append(cur.attr)
        cur = cur.value
    return (cur.id, *reversed(parts)) if isinstance(cur, ast.Name) else None
