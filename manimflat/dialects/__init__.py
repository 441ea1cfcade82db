"""Tables that upgrade another Manim dialect to Manim CE, one module per dialect.

A table maps the names a dialect's `import *` provides and Manim CE lacks (or means
differently) to their CE replacement. Names CE still has with the same meaning need no entry:
`upgrade-dialect` links them to `from manim import *`; names CE renamed in its own history
(`ShowCreation`, `TextMobject`) are upgrade-api's table, shared by both dialects.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    dialect: str
    # old name -> CE expression (a name or `Name(..., keyword=value)` template: see `Rename`)
    names: dict[str, Rename]
    # names with no CE equivalent -> what to write instead (an MF231 error)
    unsupported: dict[str, str] = field(default_factory=dict)
    # methods: old -> new method name, or "" to drop a call statement (MF233 warning)
    methods: dict[str, str] = field(default_factory=dict)
    # calls that are interactive or shader-only: dropped when they are a whole statement
    dropped_calls: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rename:
    """`old` -> `new`; in calls, keyword `k` becomes `keywords[k]` and `extra` is added."""

    new: str
    keywords: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    note: str = ""


def table_for(dialect: str) -> Table | None:
    if dialect == "manimgl":
        from .manimgl import TABLE
        return TABLE
    if dialect == "manimlib-old":
        from .manimlib_old import TABLE
        return TABLE
    return None
