"""Bindings: what every module-level name of every module refers to, across files.

Resolution follows Python's import semantics statically. The import roots are those of a
scene run with `manim path/to/scene.py` from the repo root: the scene's folder (manim puts it
first on sys.path), the repo root, `src/`, and folders that `sys.path` edits add (evaluated
statically). Names resolve through plain, aliased, relative, star and `__init__` re-exports,
`__all__`, `try/except ImportError` fallbacks and `importlib.import_module("literal")`.
Cycles are cut by a resolving-stack guard (an import cycle is resolved as a unit: a name
inside it resolves if any path to its definition exists).

Names that a module-level statement of any file assigns on a repository module
(`settings.RADIUS = 0.5` after `import settings`) resolve as names of that module.

An absolute import that none of those roots provides, of a module that is not installed,
is resolved as the author must have run it, and the guess is recorded (`Resolver.guesses`):
a *sibling* (`from constants import *` in `custom/logo.py` beside `custom/constants.py`,
which only works with the author's PYTHONPATH: the importer's folder, then each folder
above it), else a *moved* file (`custom.tip` where only `assets/tip.py` exists: the repo
file whose path ends with the longest tail of the dotted name, ties broken by how many of
the other parts its folders name). Two equally good candidates are an *ambiguous* guess:
the import is unresolved, naming both.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from . import externals
from .effects import stored_chains
from .import_records import ImportRec
from .paths import Value, as_path, evaluate
from .plugins import PLUGIN_ROOT

if TYPE_CHECKING:
    from ..program import ModuleInfo, Program


@dataclass(frozen=True)
class Local:
    """A module-level definition in the repository."""

    module: str
    name: str

    @cached_property
    def key(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass(frozen=True)
class ModuleRef:
    """A repository module (a namespace package is its folder path ending in '/')."""

    module: str


@dataclass(frozen=True)
class External:
    """A module outside the repository, or a name in one (`attr` may be dotted)."""

    module: str
    attr: str | None = None
    # Only assumed to come from a star import whose names cannot be listed.
    guessed: bool = field(default=False, compare=False)

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.attr}" if self.attr else self.module


@dataclass(frozen=True)
class Builtin:
    name: str


@dataclass(frozen=True)
class Unresolved:
    reason: str


Target = Local | ModuleRef | External | Builtin | Unresolved


@dataclass(frozen=True)
class Guess:
    """How an import that no import root provides was resolved (see the module docstring)."""

    kind: str  # sibling | moved | misspelt | ambiguous
    module: str  # the dotted name as written
    chosen: str | None  # the repository file taken (None when ambiguous)
    why: str  # what made it the choice, for the diagnostic
    candidates: tuple[str, ...] = ()


class Resolver:
    """Name resolution for scenes whose file lives in `scene_dir` (cached per name)."""

    def __init__(self, program: Program, scene_dir: str = "") -> None:
        self.program = program
        self.scene_dir = scene_dir
        self._names: dict[tuple[str, str], Target] = {}
        self._locals: dict[str, frozenset[str]] = {}
        self._modules: dict[tuple[str, str, int], Target] = {}
        self._guessable: dict[str, bool] = {}
        self.guesses: dict[tuple[str, str], Guess | None] = {}  # (importer folder, module)
        self._broken_imports: dict[str, list[tuple[ImportRec, Unresolved]]] = {}
        self._indexing_stores = False  # while `attribute_stores` is being computed
        self._stack: set[tuple[str, str]] = set()
        self._cuts = 0  # how many lookups an import cycle cut so far
        self.allowed = program.allowed_imports

    # -- modules ---------------------------------------------------------------------------
    @cached_property
    def own_roots(self) -> list[str]:
        # The scene's folder, then each folder above it: scene repositories are often
        # collections of projects, each run with `manim` from its own folder.
        roots = [self.scene_dir]
        folder = PurePosixPath(self.scene_dir)
        while str(folder) not in (".", ""):
            folder = folder.parent
            roots.append("" if str(folder) == "." else str(folder))
        if "src" in self.program.dirs:
            roots.append("src")
        return list(dict.fromkeys(roots))

    @cached_property
    def roots(self) -> list[str]:
        return list(dict.fromkeys([*self.own_roots, *syspath_roots(self.program)]))

    def broken_imports(self, module: str) -> list[tuple[ImportRec, Unresolved]]:
        """The imports `module` executes that resolve nowhere and are not guarded."""
        if module not in self._broken_imports:
            info = self.program.module(module)
            self._broken_imports[module] = [
                (rec, target) for unit in (info.units if info else [])
                if unit.kind not in ("main", "type_checking") for rec in unit.imports
                if not rec.guarded and isinstance(target := (
                    self.resolve_module(module, rec.module, rec.level) if rec.name == "*"
                    else self.resolve_import(module, rec)), Unresolved)]
        return self._broken_imports[module]

    def resolve_module(self, importer: str, module: str, level: int) -> Target:
        # Absolute imports resolve the same from every file; relative ones per folder.
        key = (importer.rpartition("/")[0] if level else "", module, level)
        if key not in self._modules:
            self._modules[key] = self._resolve_module(importer, module, level)
        found = self._modules[key]
        if isinstance(found, External) and not level and self._may_guess(module):
            guess = self.guess(importer, module)
            if guess is not None:
                return ModuleRef(guess.chosen) if guess.chosen else Unresolved(guess.why)
        return found

    def _may_guess(self, module: str) -> bool:
        """Only a module that is neither standard, manim nor installed, and whose top name
        the repository has somewhere, can be a repository module the author's path found."""
        top = module.split(".")[0]
        if top not in self._guessable:
            self._guessable[top] = top not in externals.STDLIB \
                and top not in externals.MANIM_FAMILY and not externals.is_installed(top) \
                and (self._names_in_repo.get(top) is not None
                     or any(_near(top, name) for name in self._names_in_repo))
        return self._guessable[top]

    @cached_property
    def _names_in_repo(self) -> dict[str, list[str]]:
        """Module name -> the repository files (`x.py`, `x/__init__.py`) and folders of it."""
        out: dict[str, list[str]] = {}
        for rel in sorted(self.program.files):
            path = PurePosixPath(rel)
            if path.name == "__init__.py":
                if str(path.parent) != ".":
                    out.setdefault(path.parent.name, []).append(rel)
            else:
                out.setdefault(path.stem, []).append(rel)
        for folder in sorted(self.program.dirs):
            out.setdefault(PurePosixPath(folder).name, []).append(folder + "/")
        return out

    def guess(self, importer: str, module: str) -> Guess | None:
        """The sibling or moved file an absolute import of `module` in `importer` is taken
        to mean (None: no candidate; it stays an external module)."""
        folder = importer.rpartition("/")[0]
        key = (folder, module)
        if key not in self.guesses:
            self.guesses[key] = self._guess(importer, module)
        return self.guesses[key]

    def _guess(self, importer: str, module: str) -> Guess | None:
        parts = [p for p in module.split(".") if p]
        folder = PurePosixPath(importer).parent
        for base in [folder, *folder.parents]:
            found = self._find("" if str(base) == "." else str(base), parts)
            if found is not None and found.module != importer \
                    and not found.module.endswith("/"):
                where = "beside it" if base == folder else f"in {base}/, above it"
                return Guess("sibling", module, found.module,
                             f"{module!r} is {found.module}, {where} (an import that only "
                             "works with the author's PYTHONPATH)")
        # A stale path: the longest tail of the dotted name that names a repository file.
        for k in range(len(parts), 0, -1):
            tail = "/".join(parts[-k:])
            files = [rel for rel in self._names_in_repo.get(parts[-1], [])
                     if rel != importer and not rel.endswith("/") and (
                         rel.removesuffix(".py").removesuffix("/__init__") == tail
                         or rel.removesuffix(".py").removesuffix("/__init__")
                         .endswith("/" + tail))]
            if not files:
                continue
            lead = parts[:-k]
            score = {rel: sum(p in PurePosixPath(rel).parts[:-1] for p in lead) for rel in files}
            best = max(score.values())
            top = sorted(rel for rel in files if score[rel] == best)
            if len(top) > 1:
                return Guess("ambiguous", module, None,
                             f"{module!r} is in no import root, and {top[0]} and {top[1]} "
                             "could both be the file it names; import one of them by its "
                             "path", tuple(top))
            return Guess("moved", module, top[0],
                         f"{module!r} names no file; taken as {top[0]}, the only file "
                         f"whose path ends in {tail.replace('/', '.')!r}")
        return self._misspelt(importer, module, folder) if len(parts) == 1 else None

    def _misspelt(self, importer: str, module: str, folder: PurePosixPath) -> Guess | None:
        """A module renamed after it was imported (`BinomHelpers` where only `BinomHelper.py`
        is beside the importer): the one file, in the importer's folder or the nearest folder
        above it that has any (else in the whole repository), whose name is `module` but for
        case, `_` or one letter."""
        for base in [folder, *folder.parents]:
            prefix = "" if str(base) == "." else f"{base}/"
            found = sorted(rel for rel in self.program.files if rel != importer
                           and str(PurePosixPath(rel).parent) == str(base)
                           and rel.endswith(".py") and _near(module, PurePosixPath(rel).stem))
            if len(found) > 1:
                return Guess("ambiguous", module, None,
                             f"{module!r} names no file, and {found[0]} and {found[1]} are both "
                             "near its name; import one of them by its name", tuple(found))
            if found:
                return Guess("misspelt", module, found[0],
                             f"{module!r} names no file; taken as {found[0]}, "
                             f"{'beside it' if base == folder else f'in {prefix}, above it'}, "
                             "the only file whose name differs from it by case, `_` or one "
                             "letter (a module renamed after it was imported)")
        # Else a file that also moved: the only one in the repository with a near name.
        found = sorted(rel for rel in self.program.files if rel != importer
                       and rel.endswith(".py") and _near(module, PurePosixPath(rel).stem))
        if len(found) == 1:
            return Guess("misspelt", module, found[0],
                         f"{module!r} names no file; taken as {found[0]}, the only file of the "
                         "repository whose name differs from it by case, `_` or one letter (a "
                         "module renamed and moved after it was imported)")
        return None

    def _resolve_module(self, importer: str, module: str, level: int) -> Target:
        parts = [p for p in module.split(".") if p]
        if level:
            base = PurePosixPath(importer).parent
            for _ in range(level - 1):
                base = base.parent
            found = self._find(str(base) if str(base) != "." else "", parts)
            return found or Unresolved(f"relative import {'.' * level}{module} not found")
        if not parts:
            return Unresolved("empty module name")
        top = parts[0]
        if top in externals.MANIM_FAMILY or top in externals.STDLIB:
            return External(module)
        for root in self.roots:
            prefix = f"{root}/{top}" if root else top
            if f"{prefix}.py" in self.program.files or prefix in self.program.dirs:
                found = self._find(root, parts)
                if found:
                    rival = self._rival(root, parts, found)
                    if rival is None:
                        return found
                    guess = Guess("ambiguous", module, None, (
                        f"{module!r} is {found.module} or {rival.module}, depending on the "
                        "folder manim is run from (a relative sys.path entry); import one of "
                        "them by its path"), (found.module, rival.module))
                    self.guesses[("*", module)] = guess
                    return Unresolved(guess.why)
        # An installed plugin whose code is inlined reads like a repository package.
        if self.program.inline_plugin(top):
            return self._find(PLUGIN_ROOT, parts) or Unresolved(f"{module!r} is not in the "
                                                                f"installed plugin {top}")
        # Not in the repository: a package (installed or not). normalize-imports reports the
        # ones that are not installed, once per import line instead of once per use.
        return External(module)

    @cached_property
    def _syspath_rivals(self) -> dict[str, list[str]]:
        """Import root -> the other folders the same relative `sys.path` entry names from
        another working directory; the scene's own folders are never rivals."""
        own = set(self.own_roots)
        out: dict[str, list[str]] = {}
        for folders in syspath_entries(self.program).values():
            relative = [f for f, cwd in folders if cwd is not None]
            for folder in relative:
                if folder not in own:
                    out.setdefault(folder, []).extend(f for f in relative if f != folder)
        return out

    def _rival(self, root: str, parts: list[str], found: ModuleRef) -> ModuleRef | None:
        """Another file the module is, when it was found through a relative `sys.path`
        entry that names a different folder from another working directory."""
        for other in self._syspath_rivals.get(root, []):
            alt = self._find(other, parts)
            if alt is not None and alt != found and not alt.module.endswith("/"):
                return alt
        return None

    def _find(self, base: str, parts: list[str]) -> ModuleRef | None:
        path = "/".join([base, *parts]) if base else "/".join(parts)
        has = self.program.has_file
        if not parts:
            init = f"{path}/__init__.py" if path else "__init__.py"
            return ModuleRef(init if has(init) else path + "/")
        if has(f"{path}.py"):
            return ModuleRef(f"{path}.py")
        if has(f"{path}/__init__.py"):
            return ModuleRef(f"{path}/__init__.py")
        if self.program.has_dir(path):
            return ModuleRef(path + "/")
        return None

    def submodule(self, module: str, name: str) -> ModuleRef | None:
        if not (module.endswith(("/__init__.py", "/")) or module == "__init__.py"):
            return None
        package = str(PurePosixPath(module).parent) if module.endswith(".py") else module[:-1]
        return self._find("" if package == "." else package, [name])

    # -- names -----------------------------------------------------------------------------
    def resolve(self, module: str, name: str) -> Target:
        key = (module, name)
        if key in self._names:
            return self._names[key]
        if key in self._stack:
            self._cuts += 1
            return Unresolved(f"import cycle while resolving {name!r}")
        self._stack.add(key)
        cuts = self._cuts
        try:
            result = self._resolve(module, name)
        finally:
            self._stack.discard(key)
        # "Not found" because a cycle cut a lookup still open above is no answer: the module
        # star-imported in the cycle may bind the name once it is resolved from the top
        # (core/__init__ star-imports utils, then PrefixSum, whose `from core import *`
        # gets utils' names). Only the outermost lookup's verdict is final.
        if not (isinstance(result, Unresolved) and self._cuts != cuts and self._stack):
            self._names[key] = result
        return result

    def _resolve(self, module: str, name: str) -> Target:
        if module.endswith("/"):
            return self.submodule(module, name) or Unresolved(f"{name!r} not in {module}")
        info = self.program.module(module)
        if info is None:
            return Unresolved(f"{module} cannot be read")
        local = info.bindings.get(name)
        # A star import after every explicit binding of the name rebinds it (last wins).
        explicit = [info.units[i].start for i in local or []] + [
            r.line for r in info.import_bindings.get(name, [])]
        if explicit:
            found = self._stars(info, name, [r for r in info.star_imports
                                             if r.line > max(explicit)])
            if found is not None:
                return found
        if local and not all(_only_in_try(info, i) for i in local):
            return Local(module, name)
        imported = self._resolve_imported(info, name)
        if imported is not None:
            return imported
        if local:
            return Local(module, name)
        found = self._stars(info, name, info.star_imports)
        if found is not None:
            return found
        if name in externals.BUILTINS:
            return Builtin(name)
        # Last resort: a star import of a package we cannot list (not installed, or not
        # trusted to import) is assumed to provide the name, as it must have for the repo.
        guess = self.unknown_star_source(module)
        if guess is not None:
            base, rec = guess
            # Inside try/except the import may fail: keep that statement as it is (it is the
            # binding) rather than hoisting an import that would crash the output.
            return self._own_name(info, name, Local(module, name) if rec.guarded
                                  else External(base.module, name, guessed=True))
        return Unresolved(f"{name!r} is not defined in {module}, where the original leaves it "
                          "undefined too")

    def _stars(self, info: ModuleInfo, name: str, stars: list[ImportRec]) -> Target | None:
        """What the star imports bind `name` to, the last one first. A name only guessed to
        come from an unlistable star (through a helper's own star import) gives way to an
        earlier star that surely binds it: `from manim import *` then `from helpers import
        *`, where helpers star-imports an unlisted package, still gets manim's `Scene`."""
        guess: Target | None = None
        for rec in reversed(stars):
            found = self._star_lookup(info.path, rec, name)
            if found is None:
                continue
            if not self._is_guess(found):
                return found
            guess = guess or found
        return None if guess is None else self._own_name(info, name, guess)

    def _is_guess(self, found: Target) -> bool:
        """Only assumed to come from a star import whose names cannot be listed (a guarded
        one is kept as the module's own statement: a Local the module does not bind)."""
        if isinstance(found, External):
            return found.guessed
        if not isinstance(found, Local):
            return False
        info = self.program.module(found.module)
        star = self.unknown_star_source(found.module)
        return info is not None and star is not None and star[1].guarded and (
            found.name not in info.bindings and found.name not in info.import_bindings)

    def _own_name(self, info: ModuleInfo, name: str, found: Target) -> Target:
        """A name only guessed to come from an unlistable star import is the module's own
        when its functions bind it (a parameter or local elsewhere, like `network` used
        where no `network = ...` ran): the original leaves that use undefined; it is not a
        name of the star-imported package."""
        if not self._is_guess(found):
            return found
        if isinstance(found, External) and name in sys.stdlib_module_names:
            return External(name)  # a package re-exports the stdlib module it imported
        if info.path not in self._locals:
            self._locals[info.path] = _local_names(info)
        if name not in self._locals[info.path]:
            return found
        return Unresolved(f"{name!r} is not defined in {info.path}, where the original leaves "
                          "it undefined too: only its functions bind it (a parameter or "
                          "local), so no star import is assumed to provide it")

    def _resolve_imported(self, info: ModuleInfo, name: str) -> Target | None:
        recs = info.import_bindings.get(name)
        if not recs:
            return None
        # The last import group that binds the name wins; inside a try/except group the
        # first alternative that resolves wins (that is the branch that runs).
        last_group = recs[-1].group
        candidates = [r for r in recs if r.group == last_group]
        first: Target | None = None
        for rec in candidates:
            target = self.resolve_import(info.path, rec)
            if rec.guarded and isinstance(target, External) \
                    and not externals.is_installed(target.module.split(".")[0]):
                continue  # an optional package that is absent: the fallback binding runs
            first = first or target
            if not isinstance(target, Unresolved):
                return target
        return first

    def resolve_import(self, importer: str, rec: ImportRec) -> Target:
        if rec.name is None:  # import a.b.c [as x]
            module = rec.module if (rec.alias or rec.dynamic) else rec.module.split(".")[0]
            return self.resolve_module(importer, module, rec.level)
        base = self.resolve_module(importer, rec.module, rec.level)
        if isinstance(base, External):
            return External(base.module, rec.name)
        if isinstance(base, Unresolved):
            return base
        assert isinstance(base, ModuleRef)
        return self.attribute(base, rec.name)

    def attribute(self, base: ModuleRef, attr: str) -> Target:
        """`base.attr` for a repository module: a name it binds, a submodule, or a name
        another file assigns on it (`settings.RADIUS = 0.5` after `import settings`)."""
        target = self.resolve(base.module, attr)
        if isinstance(target, (Unresolved, Builtin)):
            found: Target | None = self.submodule(base.module, attr)
            if found is None and attr in self.program.stored_attributes \
                    and not self._indexing_stores and (base.module, attr) in self.attribute_stores:
                found = Local(base.module, attr)
            return found or target
        return target

    @cached_property
    def attribute_stores(self) -> dict[tuple[str, str], list[tuple[str, int]]]:
        """(module, name) -> the module-level statements, in any file, that assign
        `module.name`; Python lets other files add names to a module this way."""
        self._indexing_stores = True  # resolving the stores must not consult them
        cached = set(self._names)
        out: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for path in sorted(self.program.files):
            info = self.program.module(path)
            for unit in info.units if info else []:
                for chain in stored_chains(unit.stmts) if unit.mutates else ():
                    target, used = self.resolve_chain(path, chain[:-1])
                    if isinstance(target, ModuleRef) and used == len(chain) - 1:
                        out.setdefault((target.module, chain[-1]), []).append(
                            (path, unit.index))
        for key in set(self._names) - cached:  # resolved without the stores: forget
            del self._names[key]
        self._indexing_stores = False
        return out

    def _star_lookup(self, importer: str, rec: ImportRec, name: str) -> Target | None:
        base = self.resolve_module(importer, rec.module, rec.level)
        if isinstance(base, External):
            exports = externals.star_exports(base.module, self.allowed)
            return External(base.module, name) if exports and name in exports else None
        if not isinstance(base, ModuleRef):
            return None
        public = self._all(base.module)
        if name.startswith("_") and not (public and name in public):
            return None
        if public is not None and name not in public:
            return None
        target = self.resolve(base.module, name)
        if isinstance(target, (Unresolved, Builtin)):
            return None
        return target

    def _all(self, module: str) -> tuple[str, ...] | None:
        info = None if module.endswith("/") else self.program.module(module)
        return info.all_names if info else None

    def unknown_star_source(self, module: str) -> tuple[External, ImportRec] | None:
        """An external star import whose names we cannot list (last-resort attribution)."""
        info = self.program.module(module)
        for rec in reversed(info.star_imports if info else []):
            base = self.resolve_module(module, rec.module, rec.level)
            if isinstance(base, External) and externals.star_exports(
                    base.module, self.allowed) is None:
                return base, rec
        return None

    def resolve_chain(self, module: str, chain: tuple[str, ...]) -> tuple[Target, int]:
        """Resolve `a.b.c` in `module`: the target and how many parts it consumed."""
        target = self.resolve(module, chain[0])
        used = 1
        while used < len(chain) and isinstance(target, (ModuleRef, External)):
            if isinstance(target, External):
                attr = ".".join(chain[used:])
                if target.attr is None:
                    return External(target.module, attr), len(chain)
                return External(target.module, f"{target.attr}.{attr}"), len(chain)
            nxt = self.attribute(target, chain[used])
            if isinstance(nxt, Unresolved):
                return nxt, used + 1
            target = nxt
            used += 1
        return target, used


def _near(written: str, name: str) -> bool:
    """`name` is `written` but for case, `_`, or one letter added, dropped or changed
    (names of five letters or more only: short names are too easily near each other)."""
    a, b = (n.lower().replace("_", "") for n in (written, name))
    if written == name or min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    if a == b:
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _local_names(info: ModuleInfo) -> frozenset[str]:
    """Names bound inside the module's functions (parameters and local stores)."""
    names: set[str] = set()
    for node in ast.walk(info.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for sub in ast.walk(node):
                if isinstance(sub, ast.arg):
                    names.add(sub.arg)
                elif isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    names.add(sub.id)
    return frozenset(names)


def _only_in_try(info: ModuleInfo, index: int) -> bool:
    stmts = info.units[index].stmts
    return len(stmts) == 1 and isinstance(stmts[0], ast.Try)


def syspath_roots(program: Program) -> list[str]:
    """Repo folders that any `sys.path.append/insert/extend` in the repo adds, statically."""
    return list(dict.fromkeys(root for entries in syspath_entries(program).values()
                              for root, _ in entries))


def syspath_entries(program: Program) -> dict[tuple[str, int], list[tuple[str, str | None]]]:
    """(file, line) of each `sys.path` edit -> the repo folders it adds, each with the working
    directory that had to be assumed (None when the folder does not depend on it).

    A relative entry (`sys.path.append("../")`, `os.path.join(os.getcwd(), "lib")`) depends
    on where manim was started, which the repository does not say: every folder a user runs
    manim from is tried (the file's folder and each one above it, the repo root, and the
    folders holding a `manim.cfg`), and the ones that exist in the repository are kept."""
    memo = program.memo.setdefault("syspath-entries", {})
    if "all" in memo:
        return memo["all"]  # type: ignore[return-value]
    out: dict[tuple[str, int], list[tuple[str, str | None]]] = {}
    root = str(program.root)
    cfg_dirs = [d for d in ["", *sorted(program.dirs)]
                if (program.root / d / "manim.cfg").is_file()]
    for rel in sorted(program.files):
        try:
            text = (program.root / rel).read_text(encoding="utf-8", errors="ignore")
        except OSError:
            continue
        if "sys.path" not in text:
            continue
        info = program.module(rel)
        units = list(info.units) if info else []
        if not any(u.syspath for u in units):
            continue
        parents = ["" if str(f) == "." else str(f) for f in PurePosixPath(rel).parents]
        found: dict[tuple[int, str], set[str]] = {}  # (line, folder) -> working dirs giving it
        for cwd in dict.fromkeys([*parents, *cfg_dirs]):
            cwd_abs = f"{root}/{cwd}" if cwd else root
            names: dict[str, Value] = {}  # module constants such as REPO_ROOT = Path(...)...
            for unit in units:
                stmt = unit.stmts[0]
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                        and isinstance(stmt.targets[0], ast.Name):
                    value = evaluate(stmt.value, file=f"{root}/{rel}", cwd=cwd_abs, names=names)
                    if value is not None:
                        names[stmt.targets[0].id] = value
                for expr in unit.syspath:
                    folder = _syspath_folder(program, evaluate(
                        expr, file=f"{root}/{rel}", cwd=cwd_abs, names=names), cwd_abs)
                    if folder is not None:
                        found.setdefault((unit.start, folder), set()).add(cwd)
        cwds = len(dict.fromkeys([*parents, *cfg_dirs]))
        for (line, folder), dirs in found.items():
            assumed = None if len(dirs) == cwds else max(sorted(dirs), key=len)
            out.setdefault((rel, line), []).append((folder, assumed))
    memo["all"] = out
    return out


def _syspath_folder(program: Program, value: Value | None, cwd: str) -> str | None:
    """The repository folder a `sys.path` entry names from working directory `cwd`."""
    if value is None or isinstance(value, (int, float)):
        return None
    path = as_path(value, cwd)
    try:
        rel_root = str(PurePosixPath(path).relative_to(str(program.root))) if path else None
    except ValueError:
        return None  # outside the repository: never an import root
    if rel_root == ".":
        return ""
    return rel_root if rel_root in program.dirs else None
