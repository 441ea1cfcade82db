"""The repository as a program: the module index and the file reader, each file parsed at
most once. What is computed from the modules (name resolution, import graphs, the class
hierarchy, the scene list) are repository-level analyses: see `analysis.py`.

Every file is read as text and parsed with `ast` (for analysis) the first time something
needs it, and with libcst only if a pass needs the tree of one of its statements (most
statements are emitted from their text, see `ir.Piece`).
Files that cannot be used (binary, too large, not UTF-8, symlinks leaving the repository,
syntax errors, nesting too deep to parse) are recorded as diagnostics on first use, never
raised. Every read of a repository file goes through `contained` / `read_inside`: the path is
resolved (symlinks first) and must stay inside the root (files.py).
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import libcst as cst

from .analyses.effects import stored_chains
from .analyses.layout import UnitText, source_lines, unit_texts
from .analyses.units import Unit, analyze_module
from .diagnostics import Diagnostic, Severity, diag
from .files import OutsideRoot, read_inside, repo_files
from .settings import DEFAULT_ALLOWED_IMPORTS

MAX_FILE_BYTES = 2_000_000
ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "manim.cfg")


def find_root(path: Path, root: str | None = None) -> Path:
    """The repo root: `root` if given, else the nearest ancestor holding a root marker."""
    if root:
        return Path(root).resolve()
    start = path.resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if any((folder / m).exists() for m in ROOT_MARKERS):
            return folder
    return start


@dataclass
class ModuleInfo:
    path: str  # repo-relative posix path
    source: str
    tree: ast.Module
    units: list[Unit]
    all_names: tuple[str, ...] | None  # a literal __all__

    @cached_property
    def bindings(self) -> dict[str, list[int]]:
        """name -> indices of the non-import units that bind it, in order. Under "*": units
        holding a guarded star import, which may bind any name."""
        out: dict[str, list[int]] = {}
        for u in self.units:
            if u.kind in ("import", "main", "type_checking", "docstring", "future"):
                continue
            for name in u.binds:
                out.setdefault(name, []).append(u.index)
            if any(r.name == "*" and r.guarded for r in u.imports):
                out.setdefault("*", []).append(u.index)
        return out

    @cached_property
    def import_bindings(self) -> dict[str, list]:
        """name -> the import records that bind it (module-level, in order)."""
        out: dict[str, list] = {}
        for u in self.units:
            if u.kind in ("main", "type_checking"):
                continue
            for rec in u.imports:
                if rec.bound:
                    out.setdefault(rec.bound, []).append(rec)
        return out

    @cached_property
    def lines(self) -> list[str]:
        return source_lines(self.source)

    @cached_property
    def layout(self) -> list[UnitText | None]:
        """The text of each unit as libcst would print it (None: only libcst can tell)."""
        return unit_texts(self.source, self.tree, self.units)

    @cached_property
    def unit_at(self) -> dict[int, Unit]:
        """Units by their first line."""
        return {u.start: u for u in self.units}

    @cached_property
    def star_imports(self) -> list:
        return [r for u in self.units if u.kind not in ("main", "type_checking")
                for r in u.imports if r.name == "*"]


@dataclass
class Program:
    root: Path
    exclude: tuple[str, ...] = ()
    allowed_imports: tuple[str, ...] = DEFAULT_ALLOWED_IMPORTS
    diagnostics: list[Diagnostic] = field(default_factory=list)
    plugin_policies: dict[str, str] = field(default_factory=dict)  # Settings.plugins

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self._modules: dict[str, ModuleInfo | None] = {}
        self._cst: dict[str, cst.Module] = {}
        self._reported: set[str] = set()
        self.parse_counts: dict[str, int] = {}  # libcst parses per file (benchmarks assert 1)
        # Facts computed from one file or node, by purpose (e.g. "manim.cfg", "undefined"):
        # valid as long as the repository is, so shared by every scene of the run.
        self.memo: dict[str, dict[object, object]] = {}
        # Installed plugins inlined as read-only sources (analyses/plugins.py): program path
        # -> file, and their folders; never scenes, never scanned with the repository.
        self.plugin_sources: dict[str, Path] = {}
        self.plugin_dirs: set[str] = set()
        self._plugins_seen: dict[str, bool] = {}

    # -- the module index ------------------------------------------------------------------
    @cached_property
    def files(self) -> frozenset[str]:
        """Every usable `.py` file, repo-relative; skipped files become diagnostics."""
        return frozenset(repo_files(self.root, self.exclude, suffix=".py", on_skip=self._skip))

    @cached_property
    def dirs(self) -> frozenset[str]:
        out = set()
        for f in self.files:
            parent = PurePosixPath(f).parent
            while str(parent) != ".":
                out.add(str(parent))
                parent = parent.parent
        return frozenset(out)

    def has_file(self, rel: str) -> bool:
        return rel in self.files or rel in self.plugin_sources

    def has_dir(self, rel: str) -> bool:
        return rel in self.dirs or rel in self.plugin_dirs

    def inline_plugin(self, top: str) -> bool:
        """Whether `top` is an installed plugin whose code is inlined (policy `inline`); its
        files become modules under `plugins.PLUGIN_ROOT`."""
        if top not in self._plugins_seen:
            from .analyses import plugins
            # `installed` lists the package's files: only asked of plugins
            ok = plugins.is_plugin(top, self.allowed_imports) \
                and plugins.policy(top, self.plugin_policies) == "inline" \
                and (found := plugins.installed(top)) is not None \
                and not (found.native or found.data)
            self._plugins_seen[top] = ok
            if ok:
                files = plugins.plugin_files((top,))
                self.plugin_sources.update(files)
                for rel in files:
                    parent = PurePosixPath(rel).parent
                    while str(parent) not in (".", plugins.PLUGIN_ROOT):
                        self.plugin_dirs.add(str(parent))
                        parent = parent.parent
        return self._plugins_seen[top]

    def _skip(self, rel: str, why: str, code: str = "MF104", line: int | None = None) -> None:
        if rel not in self._reported:
            self._reported.add(rel)
            self.diagnostics.append(diag(code, f"{rel}: {why}", severity=Severity.WARNING,
                                         path=rel, line=line))

    def module(self, rel: str) -> ModuleInfo | None:
        """The analysed module at `rel`, or None if it cannot be used (with a diagnostic)."""
        if rel in self._modules:
            return self._modules[rel]
        info = self._load(rel)
        self._modules[rel] = info
        return info

    def _load(self, rel: str) -> ModuleInfo | None:
        try:
            data = self.plugin_sources[rel].read_bytes() if rel in self.plugin_sources \
                else read_inside(self.root, self.root / rel, MAX_FILE_BYTES)
        except OutsideRoot:
            self._skip(rel, "symlink pointing outside the repository")
            return None
        except OSError as exc:
            self._skip(rel, f"cannot be read ({exc.strerror or exc})")
            return None
        if len(data) > MAX_FILE_BYTES or b"\0" in data:
            self._skip(rel, "binary or larger than 2 MB")
            return None
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self._skip(rel, "not UTF-8 text")
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source, filename=rel)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            self._skip(rel, f"syntax error: {getattr(exc, 'msg', exc)}", "MF102", line)
            return None
        except (RecursionError, MemoryError):
            self._too_deep(rel, source)
            return None
        try:
            units = analyze_module(source, tree)
        except RecursionError:  # the analyses walk trees recursively, as libcst does
            self._too_deep(rel, source)
            return None
        return ModuleInfo(rel, source, tree, units, _literal_all(tree))

    def _too_deep(self, rel: str, source: str) -> None:
        self._skip(rel, "nested too deeply to be parsed; split the expression", "MF117",
                   _deepest_line(source))

    def cst(self, rel: str) -> cst.Module:
        """The libcst tree of `rel`, parsed once and cached."""
        if rel not in self._cst:
            info = self.module(rel)
            assert info is not None, rel
            self._cst[rel] = cst.parse_module(info.source)
            self.parse_counts[rel] = self.parse_counts.get(rel, 0) + 1
        return self._cst[rel]

    @cached_property
    def stored_attributes(self) -> frozenset[str]:
        """Names assigned as `x.name = ...` at module level anywhere: the only names that
        `Resolver.attribute_stores` can add to a module (checked first: it is cheap)."""
        # In path order: loading a module may report it (MF102, MF104), and the report's
        # order must not depend on how strings hash in this process.
        return frozenset(chain[-1] for rel in sorted(self.files) if (info := self.module(rel))
                         for unit in info.units if unit.mutates
                         for chain in stored_chains(unit.stmts))


def _deepest_line(source: str) -> int | None:
    """The line with the most brackets or operators: where a too-deep expression is."""
    lines = source_lines(source)
    if not lines:
        return None
    weight = [sum(line.count(ch) for ch in "([{+-*/|&") for line in lines]
    return weight.index(max(weight)) + 1


def _literal_all(tree: ast.Module) -> tuple[str, ...] | None:
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets):
            try:
                value = ast.literal_eval(stmt.value)
            except ValueError:
                return None
            if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                return tuple(value)
    return None
