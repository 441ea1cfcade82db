"""Tables that upgrade another Manim dialect to Manim CE, one module per dialect.

A table maps the names a dialect's `import *` provides and Manim CE lacks (or means
differently) to their CE replacement. Names CE still has with the same meaning need no entry:
`upgrade-dialect` links them to `from manim import *`; names CE renamed in its own history
(`ShowCreation`, `TextMobject`) are upgrade-api's table, shared by both dialects.
"""

from __future__ import annotations

from .table import Rename, Table

__all__ = ["Rename", "Table", "table_for"]


def table_for(dialect: str) -> Table | None:
    if dialect == "manimgl":
        from .manimgl import TABLE
        return TABLE
    if dialect == "manimlib-old":
        from .manimlib_old import TABLE
        return TABLE
    return None
