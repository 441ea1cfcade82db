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
    # attributes of the scene: `self.old` -> `self.new`
    attributes: dict[str, str] = field(default_factory=dict)
    # calls of Manim CE's classes lose the keywords those do not take (MF240 warning), after
    # `old_keywords` renames; a `**dict` goes through the emitted `old_keywords` (old manimlib)
    strict_keywords: bool = False
    old_keywords: dict[str, str] = field(default_factory=dict)
    # a scene keyword whose dict a Manim CE scene gives a class -> that class (old_keywords)
    scene_keywords: dict[str, str] = field(default_factory=dict)
    # classes whose positional parameters differ from Manim CE's: the old names, in order
    positional: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # method keywords: method -> {old keyword: new keyword, or "" to drop it}
    method_keywords: dict[str, dict[str, str]] = field(default_factory=dict)
    # method calls rewritten whole: method -> (parameters, with their default or None, and a
    # template of the CE expression: `{self}` the receiver, `{name}` each parameter)
    method_templates: dict[str, tuple[tuple[tuple[str, str | None], ...], str]] = field(
        default_factory=dict)
    # without strict_keywords: only a `**dict` given to a Manim CE class goes through the
    # emitted `old_keywords` (ManimGL's CONFIG-era classes ignored keywords they did not take)
    star_keywords: bool = False


@dataclass(frozen=True)
class Rename:
    """`old` -> `new`; in calls, keyword `k` becomes `keywords[k]` and `extra` is added."""

    new: str
    keywords: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    note: str = ""
