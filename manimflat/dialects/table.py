"""The shape of a dialect's upgrade table (one per dialect, beside this module)."""

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
    # method keywords: method -> {old keyword: new keyword, or "" to drop it}
    method_keywords: dict[str, dict[str, str]] = field(default_factory=dict)
    # method calls rewritten whole: method -> (parameters, with their default or None, and a
    # template of the CE expression: `{self}` the receiver, `{name}` each parameter)
    method_templates: dict[str, tuple[tuple[tuple[str, str | None], ...], str]] = field(
        default_factory=dict)


@dataclass(frozen=True)
class Rename:
    """`old` -> `new`; in calls, keyword `k` becomes `keywords[k]` and `extra` is added."""

    new: str
    keywords: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    note: str = ""
