"""The library entry points: `discover`, `flatten`, `flatten_all`.

Options are keyword arguments named like the CLI flags (`assets="keep"`, `verify="exec"`,
`merge_bases=True`, ...); `[tool.manimflat]` in the caller's pyproject.toml supplies
defaults, and the scanned repo's own table only its content options (settings.REPO_KEYS).
"""

from __future__ import annotations

import ast
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from .analyses.config_files import applied_cfg
from .analyses.scenes import SceneIndex, SceneRef
from .analysis import AnalysisManager
from .diagnostics import Diagnostic, Severity
from .ir import AssetRecord, Flat
from .pass_manager import PassFailure, PassManager, default_pipeline, parse_pipeline
from .program import Program, find_root
from .settings import DEFAULT_ALLOWED_IMPORTS, Settings, resolve_settings


@dataclass(frozen=True)
class FlatResult:
    scene: SceneRef
    code: str | None
    diagnostics: tuple[Diagnostic, ...]
    assets: tuple[AssetRecord, ...]
    inlined: tuple[str, ...]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    verification: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    narration: tuple[dict[str, Any], ...] = ()
    plugins: dict[str, str] = field(default_factory=dict)  # plugin -> lower|inline|allow|reject
    manim_cfg: str | None = None  # the manim.cfg the scene reads as its author ran it

    @property
    def ok(self) -> bool:
        """An output and no error diagnostic (see `status` for what was proven)."""
        return self.code is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def status(self) -> str:
        """skipped, failed, or, for an output with no error: ok / fixed once the static level
        proved the output contract, `unverified` under a `--passes` pipeline without it."""
        if self.scene.is_base or any(d.code == "MF105" for d in self.diagnostics):
            return "skipped"
        if not self.ok:
            return "failed"
        if "static" not in self.verification:
            return "unverified"
        if any(d.severity is Severity.FIXED for d in self.diagnostics):
            return "fixed"
        return "ok"

    @cached_property
    def requires(self) -> list[str]:
        """Third-party packages the output still imports beyond manim and what manim itself
        installs (empty for a plain Manim CE scene): what a user must install to run it.
        Computed when the scene is flattened, while the static level's tree is at hand."""
        if self.code is None:
            return []
        from .verify.static import parse_output  # lazy: the verify package imports passes
        try:
            tree = parse_output(self.code)
        except SyntaxError:
            return []
        tops = {(a.name if isinstance(n, ast.Import) else n.module or "").split(".")[0]
                for n in _statements(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                and not (isinstance(n, ast.ImportFrom) and n.level) for a in n.names}
        return sorted(t for t in tops if t and t != "__future__"
                      and t not in sys.stdlib_module_names and t not in DEFAULT_ALLOWED_IMPORTS)

    @property
    def lines(self) -> int:
        return 0 if self.code is None else self.code.count("\n")

    def to_json(self, output: str | None = None) -> dict[str, Any]:
        return {"scene": self.scene.name, "module": self.scene.path, "line": self.scene.line,
                "output": output, "status": self.status, "dialect": self.scene.dialect,
                "source_dialect": self.scene.dialect,
                "base": self.scene.is_base,
                "diagnostics": [d.to_json() for d in self.diagnostics],
                "assets": [a.to_json() for a in self.assets], "inlined": list(self.inlined),
                "lines": self.lines, "seconds": round(self.seconds, 4),
                "timings": {k: round(v, 4) for k, v in self.timings.items()},
                "verification": self.verification, "narration": list(self.narration),
                "plugins": self.plugins, "requires": self.requires, "manim_cfg": self.manim_cfg}


def _statements(tree: ast.Module) -> Iterator[ast.AST]:
    """Every statement of `tree` at any depth (and the handlers and cases holding some):
    imports are statements, so the expressions, most of a tree, need no visit."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                todo.extend(block)


class Session:
    """A program plus settings: flatten many scenes of one repo sharing every parse and every
    repository-level analysis (`analyses`)."""

    def __init__(self, repo: str | Path, *, program: Program | None = None,
                 **options: Any) -> None:
        root = find_root(Path(repo), options.get("root"))
        self.settings: Settings
        self.settings, _, notes = resolve_settings(root, **options)
        # Repository settings that were ignored (MF113): repo-level, like program diagnostics.
        self.settings_diagnostics: tuple[Diagnostic, ...] = notes
        # The copies `manimflat emit` keeps are outputs, never inputs.
        exclude = (*self.settings.exclude, self.settings.emit_dir)
        self.program = program or Program(root, exclude=exclude,
                                          allowed_imports=self.settings.allowed_imports,
                                          plugin_policies=self.settings.plugins)
        self.analyses: AnalysisManager[Program] = AnalysisManager(self.program, "repo")
        # A sub-folder of the repo limits which scenes are listed, not what they may import.
        scope = Path(repo).resolve()
        self.scope = scope.relative_to(root).as_posix() if scope != root and \
            scope.is_relative_to(root) else ""

    def scenes(self, selected: bool = False) -> list[SceneRef]:
        """The scenes under the folder this session was opened on, filtered by settings."""
        found = self.analyses.get(SceneIndex).scenes(selected, self.settings.scenes)
        return [s for s in found
                if not self.scope or s.path == self.scope or s.path.startswith(self.scope + "/")]

    def all_scenes(self, selected: bool = False) -> list[SceneRef]:
        """Every scene of the repository, whatever the folder and the `scenes` setting."""
        return self.analyses.get(SceneIndex).scenes(selected)

    def find_scene(self, spec: str) -> SceneRef:
        return self.analyses.get(SceneIndex).find(spec, self.scenes())

    def pipeline(self, passes: str | Iterable[str] | None = None,
                 print_after: Iterable[str] = (), on_print: Any = None) -> PassManager:
        spec = passes if passes is not None else default_pipeline(self.settings.verify)
        return PassManager(parse_pipeline(spec, self.settings), frozenset(print_after), on_print)

    def flatten(self, scene: SceneRef, manager: PassManager | None = None, *,
                contain_crash: bool = False) -> FlatResult:
        """Run the pipeline on one scene; bases and other dialects come back skipped.

        With `contain_crash` (many scenes in one run), a crashing pass fails this scene with
        MF901 instead of raising, so one bug does not lose every other scene's output."""
        start = time.perf_counter()
        flat = Flat(self.program, scene, self.settings, repo_analyses=self.analyses)
        manager = manager or self.pipeline()
        upgrades = self.settings.upgrade and scene.dialect in ("manimgl", "manimlib-old") and \
            any(p.NAME == "upgrade-dialect" for p in manager.passes)
        if scene.dialect != "manim-ce" and not upgrades:
            flat.report("MF105", f"{scene.name} is a {scene.dialect} scene; only Manim CE "
                        "scenes are flattened (--upgrade upgrades ManimGL and old manimlib "
                        "ones)", severity=Severity.WARNING, path=scene.path, line=scene.line)
        elif scene.is_base:
            flat.report("MF118", f"{scene.name} is a base scene (no `construct` of its own or "
                        "inherited): not flattened alone; the scenes that subclass it include "
                        "it", severity=Severity.INFO, path=scene.path, line=scene.line)
        else:
            try:
                manager.run(flat)
            except PassFailure as exc:
                if not contain_crash:
                    raise
                flat.code = None
                cause = exc.tb.strip().splitlines()[-1] if exc.tb.strip() else "?"
                flat.report("MF901", f"internal error in pass {exc.pass_name} on file "
                            f"{exc.file}: {cause}; report a bug with this scene",
                            path=scene.path, line=scene.line)
        result = FlatResult(scene, flat.code, tuple(flat.diagnostics), tuple(flat.assets),
                            tuple(flat.inlined), time.perf_counter() - start,
                            dict(flat.timings), dict(flat.verification), dict(flat.files),
                            tuple(flat.narration), dict(flat.plugins),
                            applied_cfg(flat.program, scene.path))
        result.requires  # noqa: B018 - now, from the static level's tree of this code
        return result


def discover(repo: str | Path, **options: Any) -> list[SceneRef]:
    """Every scene class of the repository (manim CE and other dialects), in path order."""
    return Session(repo, **options).scenes()


def flatten(repo: str | Path, scene: str, **options: Any) -> FlatResult:
    """The self-contained file for `scene` (a class name or `path/to/file.py:Name`)."""
    passes = options.pop("passes", None)
    session = Session(repo, **options)
    ref = session.find_scene(scene)
    return _noted(session, session.flatten(ref, session.pipeline(passes)))


def flatten_all(repo: str | Path, **options: Any) -> Iterator[FlatResult]:
    """Flatten every scene; bases and other dialects are yielded with status "skipped"."""
    passes = options.pop("passes", None)
    session = Session(repo, **options)
    manager = session.pipeline(passes)
    for ref in session.scenes():
        yield _noted(session, session.flatten(ref, manager, contain_crash=True))


def _noted(session: Session, result: FlatResult) -> FlatResult:
    """The one-call functions have no session to ask, so ignored repository settings
    (MF113) come with each result."""
    if not session.settings_diagnostics:
        return result
    return replace(result, diagnostics=(*session.settings_diagnostics, *result.diagnostics))
