"""The in-memory IR that passes edit: one `Flat` per scene being flattened.

Before `collect-closure`, `Flat.pieces` is empty. After it, `pieces` holds the top-level
statements of the output in an order that runs, each remembering where it came from. Passes
up to `emit` rewrite pieces; `emit` renders them into `Flat.code`; the verify passes read
(and may repair) `Flat.code`. Only the CLI writes files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from .analyses.layout import UnitText, printed
from .analyses.scenes import SceneRef
from .analyses.units import Unit
from .analysis import Analysis, AnalysisManager
from .diagnostics import Diagnostic, Severity, diag
from .program import Program
from .settings import Settings

__all__ = ["AssetRecord", "Flat", "NodeTexts", "Piece", "SceneRef"]


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

    def file_line(self, text: str, at: int | None) -> int | None:
        """The line in the piece's file of line `at` of `text`, its code with the comments
        above the statement (which starts at `self.line`); None for code the tool wrote."""
        if self.module is None or at is None:
            return None
        start = next((i for i, line in enumerate(text.splitlines(), 1)
                      if line.strip() and not line.strip().startswith("#")), 1)
        return self.line + at - start

    @property
    def is_definition(self) -> bool:
        if self.tree is not None:
            return isinstance(self.tree, (cst.FunctionDef, cst.ClassDef))
        return self.kind in ("def", "class")


class NodeTexts(Analysis):
    """Scenes of one repo share most pieces: the printed text of libcst nodes and rewritten
    nodes or texts (None: the text could not be edited) are memoised across scenes. libcst
    nodes are immutable and hash by identity, so a node is a key."""

    NAME = "node-texts"
    LEVEL = "repo"
    IMPLICIT = True

    def __init__(self) -> None:
        self.printed: dict[cst.BaseStatement, tuple[str, int]] = {}
        self.rewrites: dict[tuple[object, ...], cst.BaseStatement | str | None] = {}

    @classmethod
    def compute(cls, am: AnalysisManager[Any]) -> NodeTexts:
        return cls()


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
    # The repository-level analyses, shared by the scenes of a session (a new manager if None).
    repo_analyses: AnalysisManager[Program] | None = field(default=None, repr=False)
    plugins: dict[str, str] = field(default_factory=dict)  # plugin -> policy applied to it
    current_pass: str | None = None
    # Set by a pass after which the later ones have nothing sensible to work on (an asset the
    # policy rejects, an output that does not parse): the manager stops there.
    halted: bool = False

    def __post_init__(self) -> None:
        outer = self.repo_analyses or AnalysisManager(self.program, "repo")
        self.repo_analyses = outer
        self.analyses: AnalysisManager[Flat] = AnalysisManager(self, "scene", outer)

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

    def written(self, piece: Piece) -> tuple[Unit, UnitText] | None:
        """The unit and its text, while the piece is still exactly as written in its file
        (its `ast` positions and facts hold for its text); None otherwise."""
        if piece.module is None or piece.index is None:
            return None
        info = self.program.module(piece.module)
        layout = info.layout[piece.index] if info else None
        return None if info is None or layout is None else (info.units[piece.index], layout)

    def source_of(self, piece: Piece) -> tuple[str, int]:
        """A piece's code and the blank lines above it: its text, or its tree printed (once
        per tree: scenes share trees)."""
        if piece.text is not None:
            return piece.text, piece.blank_before
        texts = self.analyses.get(NodeTexts).printed
        if piece.node not in texts:
            texts[piece.node] = printed(piece.node)
        return texts[piece.node]

    def render(self) -> str:
        """The output text for the current pieces: the import block, then every piece as
        its source, with black's blank-line rules between top-level statements."""
        chunks = ["\n".join(self.header) + "\n"] if self.header else []
        previous: Piece | None = None
        for piece in self.pieces:
            text, blank_before = self.source_of(piece)
            if chunks:
                chunks.append("\n" * _separation(previous, piece, blank_before))
            chunks.append(text)
            previous = piece
        return "".join(chunks)


def _separation(previous: Piece | None, piece: Piece, blank_before: int) -> int:
    if previous is None:  # after the import block
        return 2 if piece.is_definition else 1
    if previous.is_definition or piece.is_definition:
        return 2
    adjacent = previous.module == piece.module and piece.position == previous.position + 1
    return min(blank_before, 1) if adjacent else 1
