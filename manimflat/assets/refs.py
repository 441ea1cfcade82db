"""What the asset finder (`assets/finder.py`) reports: a reference, a call that makes manim
or the scene read a file, and the targets its path expression can name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from ..analyses.paths import Value


@dataclass
class Target:
    """One value a path expression can take, and the file it names."""

    key: Value | None  # the loop variable's value, None without a loop
    value: str | None  # the evaluated path, None when unknown
    rel: str  # repo-relative posix path of the file, else the value, else the expression
    path: Path | None = None  # the file, symlinks resolved, inside the repo (status "found")
    status: str = "unresolved"  # found | missing | outside | unresolved
    how: str = ""  # how the file was found: "as given", "assets_dir", "by name"


@dataclass(frozen=True)
class Site:
    """A caller's argument for a path parameter whose run-time value depends on where the
    code is (a path built from `__file__`, a `Path`): the rewrite gives the call the
    dispatch key instead, so the caller names no folder."""

    text: str  # source text of the caller's piece
    callee: str
    index: int  # rank among that piece's calls of `callee` (`analyses.constants.Caller`)
    arg: int  # position of the argument in the call's `args`
    key: str
    names: frozenset[str]  # the names the argument read


@dataclass
class Ref:
    call: cst.Call  # the node inside its piece (identity is used to replace it)
    piece: int
    module: str | None
    line: int
    col: int
    api: str
    arg: cst.BaseExpression | None  # the path expression (None when not a file)
    arg_slot: int | str | None  # positional index, keyword name, or "receiver"
    text: str  # source of the path expression
    targets: list[Target] = field(default_factory=list)
    loop_var: str | None = None
    mode: str = "r"  # open(): the mode when static
    scope: tuple[str, ...] = ()  # enclosing class / function names
    base: str = ""  # api "subclass": the asset base class (`ImageMobject`, `SVGMobject`)
    owner: cst.ClassDef | None = None  # api "subclass": the class that loads the file
    param: bool = False  # `loop_var` is a parameter: targets come from its callers
    passed: list[Value] = field(default_factory=list)  # static values some callers pass
    shape: str = ""  # the path expression with a local name replaced by what it is assigned
    sites: list[Site] = field(default_factory=list)  # callers' arguments to rewrite (`param`)

    @property
    def target(self) -> Target:
        return self.targets[0]
