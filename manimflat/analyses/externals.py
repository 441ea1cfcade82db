"""Facts about modules outside the repository: is a name a package, and what does a star
import of it provide. Answers come from the installed packages (manim is the truth about
manim), computed in a subprocess once per package version and cached on disk.

Only trusted modules are imported: the standard library and the allow-listed packages,
never repository code.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import json
import subprocess
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..user_cache import load_json, store_json

BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__",
                                       "__package__", "__loader__", "__builtins__",
                                       "__path__", "__annotations__", "__dict__"}
STDLIB = frozenset(sys.stdlib_module_names)
# Packages whose names a repository folder must never shadow (a folder called `manim/`).
# Plugins are not listed: a repository may be the plugin itself (ManimML is `manim_ml/`).
MANIM_FAMILY = frozenset({"manim", "manimlib"})
# Names older manim versions re-exported through `from manim import *` (API drift): a scene
# that relied on them gets the import it needs.
DRIFTED_STAR_NAMES = {"Path": "from:pathlib:Path", "os": "mod:os", "sys": "mod:sys",
                      "random": "mod:random", "math": "mod:math", "itertools": "mod:itertools",
                      "it": "mod:itertools", "op": "mod:operator", "reduce": "from:functools:reduce",
                      "np": "mod:numpy", "copy": "mod:copy", "inspect": "mod:inspect",
                      "time": "mod:time", "string": "mod:string", "List": "from:typing:List",
                      "Dict": "from:typing:Dict", "Optional": "from:typing:Optional",
                      "Tuple": "from:typing:Tuple", "Union": "from:typing:Union",
                      "Iterable": "from:typing:Iterable", "Callable": "from:typing:Callable",
                      "Sequence": "from:typing:Sequence", "Any": "from:typing:Any"}

# Scene types Manim CE removed: a class a file that runs `from manim import *` derives from
# one of them is a CE scene its author ran on an older manim (upgrade-api upgrades or reports
# it), not an unknown class.
REMOVED_SCENE_TYPES = frozenset({"GraphScene", "SampleSpaceScene", "ReconfigurableScene"})


def is_allowed(module: str, allowed: tuple[str, ...]) -> bool:
    """May an output import `module`: the standard library, `__future__`, or an allowed
    package (the one rule the static level and the export probes share)."""
    top = module.split(".", 1)[0]
    return top == "__future__" or top in STDLIB or top in allowed


@cache
def is_installed(top: str) -> bool:
    if top in STDLIB or top in MANIM_FAMILY:
        return True
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _version(top: str) -> str:
    if top in STDLIB:
        return sys.version.split()[0]
    try:
        return metadata.version(top)
    except metadata.PackageNotFoundError:
        return "unknown"


_EXPORTS_SCRIPT = """
import importlib, json, sys, types
m = importlib.import_module(sys.argv[1])
names = getattr(m, "__all__", None) or [n for n in dir(m) if n[:1] != "_"]
modules = {n: getattr(m, n).__name__ for n in names
           if isinstance(getattr(m, n, None), types.ModuleType)}
base = getattr(m, "Scene", None) if sys.argv[1].split(".")[0] == "manim" else None
scenes = [n for n in names if isinstance(base, type) and isinstance(getattr(m, n, None), type)
          and issubclass(getattr(m, n), base)]
print(json.dumps({"names": sorted(set(names)), "modules": modules, "scenes": sorted(scenes)}))
"""


def cached_probe(name: str, script: str, *args: str) -> Any:
    """The JSON a trusted probe `script` prints last (it imports installed packages, never
    repository code), run in a subprocess once and kept as `name` in the user cache's
    exports folder; None when it fails."""
    cached = load_json(f"exports/{name}")
    if cached is not None:
        return cached
    try:
        out = subprocess.run([sys.executable, "-c", script, *args],
                             capture_output=True, text=True, timeout=120, check=True).stdout
        data = json.loads(out.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return None
    store_json(f"exports/{name}", data)
    return data


@cache
def _exports(module: str, allowed: tuple[str, ...]) -> dict | None:
    if not is_allowed(module, allowed):
        return None
    data = cached_probe(f"{module}-{_version(module.split('.')[0])}.v3.json", _EXPORTS_SCRIPT,
                        module)
    return data if isinstance(data, dict) else None


@cache
def star_exports(module: str, allowed: tuple[str, ...]) -> frozenset[str] | None:
    """Names `from module import *` binds, or None when that cannot be known safely."""
    data = _exports(module, allowed)
    return frozenset(data["names"]) if data else None


def star_scenes(module: str) -> frozenset[str]:
    """The Scene classes among what `from module import *` of a manim package binds."""
    data = _exports(module, (module.split(".")[0],))
    return frozenset(data.get("scenes", ())) if data else frozenset()


def star_module_aliases(module: str) -> dict[str, str]:
    """Star-exported names that are modules: manim's `np` is numpy."""
    data = _exports(module, (module.split(".")[0],))
    return dict(data["modules"]) if data else {}


def manim_exports() -> frozenset[str]:
    return star_exports("manim", ("manim",)) or frozenset()


_ATTRIBUTES_SCRIPT = """
import json, manim
names = set()
for value in vars(manim).values():
    if isinstance(value, type):
        for klass in value.__mro__:
            names.update(vars(klass))
print(json.dumps(sorted(names)))
"""


@cache
def manim_attributes() -> frozenset[str] | None:
    """Every attribute of every class manim exports (and of their bases): the methods
    manim may call on a subclass (`construct`, `interpolate_mobject`, ...). None when the
    probe fails."""
    data = cached_probe(f"manim-attributes-{_version('manim')}.json", _ATTRIBUTES_SCRIPT)
    return frozenset(data) if isinstance(data, list) else None


@cache
def stdlib_origin(module: str, name: str) -> str | None:
    """The standard-library module a third-party `module` takes `name` from, when its source
    only re-exports it (`cycler` does `from itertools import cycle`): read, never imported.
    None when `name` is its own, rebound, or the source is not a plain installed file."""
    top, *rest = module.split(".")
    if top in STDLIB or top in MANIM_FAMILY:
        return None
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: imports nothing
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin)
    for part in rest:  # a submodule's file, found without importing its package
        folder = path.parent / part
        path = folder / "__init__.py" if folder.is_dir() else path.parent / f"{part}.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    origin = None
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module and \
                stmt.module.split(".")[0] in STDLIB:
            for alias in stmt.names:
                if (alias.asname or alias.name) == name:
                    origin = stmt.module if alias.name == name else None
        elif name in _bound_by(stmt):
            origin = None
    return origin


def _bound_by(stmt: ast.stmt) -> set[str]:
    """The module-level names a statement binds (imports, definitions, assignments)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names}
    return {n.id for node in ast.walk(stmt) for n in [node]
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
