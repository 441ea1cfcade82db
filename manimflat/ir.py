"""The in-memory IR that passes edit: one `Flat` per scene being flattened.

Before `collect-closure`, `Flat.pieces` is empty. After it, `pieces` holds the top-level
statements of the output in an order that runs, each remembering where it came from. Passes
up to `emit` rewrite pieces; `emit` renders them into `Flat.code`; the verify passes read
(and may repair) `Flat.code`. Only the CLI writes files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

import libcst as cst

from .diagnostics import Diagnostic, Severity, diag

if TYPE_CHECKING:
    from .pass_manager import AnalysisCache
    from .program import Program
    from .settings import Settings


@dataclass(frozen=True)
class SceneRef:
    """A scene class found in the repository."""

    name: str
    path: str  # posix path relative to the repo root
    line: int
    dialect: str  # manim-ce | manimgl | manimlib-old | unknown
    is_base: bool = False  # an abstract helper base: no construct of its own or inherited

    @property
    def spec(self) -> str:
        return f"{self.path}:{self.name}"

    def output_name(self, pattern: str) -> str:
        """The file name `pattern` (`output_name` setting) gives this scene's output."""
        return pattern.format(scene=self.name, module=PurePosixPath(self.path).stem)

    def to_json(self) -> dict[str, Any]:
        return {"scene": self.name, "module": self.path, "line": self.line,
                "dialect": self.dialect, "is_base": self.is_base}


@dataclass(slots=True)
class Piece:
    """One top-level statement of the output file.

    Its code is its text, its libcst tree, or both. A piece taken from a file starts as the
    file's text; the tree (`node`) is made only when a pass asks for it, because libcst-parsing
    the files is most of the cost of flattening and most pieces are emitted as written or
    only renamed, which is a text edit (see `transforms.rename_text`).
    """

    module: str | None  # repo-relative path of the file it came from; None when synthesized
    line: int  # line in that file (0 when synthesized)
    binds: frozenset[str] = frozenset()  # module-level names it defines, as in its source
    origin: str = ""  # qualified name for the report, e.g. "utils/colors.py:BLUE_E"
    renames: dict[str, str] = field(default_factory=dict)  # source name -> output name
    # What each global name used in it refers to: "path.py:name" (repo), "mod:numpy",
    # "from:numpy:array", "star:manim:Circle", "builtin:len". `links` and `chains` may be
    # shared with other scenes' pieces: passes assign new dicts, never edit them in place.
    links: dict[str, str] = field(default_factory=dict)
    # Attribute chains on inlined repo modules (`h.f` after `import helpers as h`) -> key.
    chains: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Repo imports inside it (in try blocks or function bodies) to delete: (module, level).
    drop_imports: frozenset[tuple[str, int]] = frozenset()
    position: int = 0  # execution order in the original program
    kind: str = ""  # the kind of its unit in `module` ("def", "class", ...); "" if synthesized
    tree: cst.BaseStatement | None = None
    text: str | None = None  # its code with the comments above it; None once only `tree` is
    blank_before: int = 0  # blank lines above it in its file, when `text` is set
    index: int | None = None  # its unit in `module`, while the text is exactly as written
    # Loads the tree parsed from its file, while the piece is as written.
    parse: Callable[[], cst.BaseStatement] | None = field(default=None, repr=False)

    @property
    def node(self) -> cst.BaseStatement:
        if self.tree is None:
            assert self.text is not None
            self.tree = self.parse() if self.parse else cst.parse_statement(self.text)
        return self.tree

    @node.setter
    def node(self, tree: cst.BaseStatement) -> None:
        if tree is not self.tree:
            self.tree, self.text, self.index, self.parse = tree, None, None, None

    def edit_text(self, text: str) -> None:
        """Replace the code by `text` (the tree is re-parsed from it if a pass asks)."""
        self.tree, self.text, self.index, self.parse = None, text, None, None

    @property
    def is_definition(self) -> bool:
        if self.tree is not None:
            return isinstance(self.tree, (cst.FunctionDef, cst.ClassDef))
        return self.kind in ("def", "class")


@dataclass
class AssetRecord:
    path: str
    kind: str
    action: str  # replaced | kept | rejected | dropped | inlined | missing
    replacement: str | None = None
    line: int | None = None
    module: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "action": self.action,
                "replacement": self.replacement}


@dataclass
class Flat:
    """Everything known about one scene while it is being flattened."""

    program: Program
    scene: SceneRef
    settings: Settings
    pieces: list[Piece] = field(default_factory=list)
    # Import lines for the top of the output, in order, e.g. "from manim import *".
    header: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)  # repo modules the scene executes, in order
    submodule_imports: set[str] = field(default_factory=set)  # `import a.b.c` lines needed
    code: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets: list[AssetRecord] = field(default_factory=list)
    inlined: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)
    # Files the `keep` asset policy copies beside the output: output-relative name -> source.
    files: dict[str, str] = field(default_factory=dict)
    # Narrations of lowered voiceover scenes, in code order: {"text", "duration", "module", "line"}
    narration: list[dict[str, Any]] = field(default_factory=list)
    plugins: dict[str, str] = field(default_factory=dict)  # plugin -> policy applied to it
    analyses: AnalysisCache | None = None
    current_pass: str | None = None

    def report(self, code: str, message: str, *, severity: Severity | str = Severity.ERROR,
               path: str | None = None, line: int | None = None,
               col: int | None = None) -> Diagnostic:
        """Record a diagnostic attributed to the running pass; returns it."""
        d = diag(code, message, severity=severity, path=path, line=line, col=col,
                 pass_name=self.current_pass)
        self.diagnostics.append(d)
        return d

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)
