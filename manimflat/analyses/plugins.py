"""Manim plugins: which imports are plugins, what policy each gets, and installed plugins as
an extra read-only source of modules for inlining.

A *plugin* is a top-level module outside the repository that is neither the standard
library, manim itself nor an allowed import, and is named `manim_*` or is installed from a
distribution that requires manim. Its policy is the caller's (`plugins` setting) or the
default: `lower` where lower-plugins has a lowering, `inline` for an installed pure-Python
plugin, else `reject`. An installed plugin is found by its import name with
`importlib.util.find_spec` and `importlib.metadata`: it is read as files, never imported.
One that ships extension modules or data files can only be allowed (its code needs them).

Inlined plugin files appear in the program under `PLUGIN_ROOT/<package>/...`, read-only:
they resolve and are tree-shaken like repository modules, but are never scenes.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from ..files import repo_files
from . import externals

PLUGIN_ROOT = "<installed>"
LOWERED = frozenset({"manim_slides", "manim_presentation", "manim_voiceover", "manim_themes"})
POLICIES = ("lower", "inline", "allow", "reject")
NATIVE = (".so", ".pyd", ".dylib", ".dll")
NOT_DATA = (".py", ".pyc", ".pyi", ".typed", ".txt", ".md", ".rst")
_CACHES = frozenset({"__pycache__"})  # an installed package's own folders are all its files


@dataclass(frozen=True)
class Installed:
    """An installed plugin package, read from its files."""

    name: str  # import name
    folder: Path  # the package folder (or the folder holding a one-file module)
    files: tuple[str, ...]  # its .py files, relative to `folder`'s parent
    distribution: str
    version: str
    license: str
    native: tuple[str, ...] = ()  # extension modules it ships
    data: tuple[str, ...] = ()  # non-Python files it ships

    @property
    def header(self) -> str:
        """The comment at the top of its inlined block."""
        return (f"# Inlined from the Manim plugin {self.distribution} {self.version} "
                f"(license: {self.license}), package {self.name}")


@cache
def _distributions() -> dict[str, list[str]]:
    return dict(metadata.packages_distributions())  # reads every installed RECORD: once


def distribution_name(top: str) -> str:
    """What to `pip install` for import name `top` (PyPI spells `_` as `-`)."""
    dists = _distributions().get(top)
    return dists[0] if dists else top.replace("_", "-")


def is_plugin(top: str, allowed: tuple[str, ...] = ()) -> bool:
    if not top or top in externals.STDLIB or top in externals.MANIM_FAMILY:
        return False
    if top.startswith("manim_"):
        return True
    if top in allowed:
        return False
    found = installed(top)
    return found is not None and _requires_manim(found.distribution)


def policy(top: str, chosen: dict[str, str]) -> str:
    """The policy for plugin `top`: the caller's, else the default."""
    if top in chosen:
        return chosen[top]
    if top in LOWERED:
        return "lower"
    found = installed(top)
    return "inline" if found is not None and not (found.native or found.data) else "reject"


def why_rejected(top: str, chosen: dict[str, str]) -> str:
    """What a user does about a plugin that is rejected."""
    found = installed(top)
    allow = f'set plugins = {{ {top} = "allow" }} in [tool.manimflat] (or --plugin {top}=allow)'
    if chosen.get(top) == "reject":
        return f"the plugin policy for {top} is reject; {allow} to keep the import"
    if found is None:
        return (f"the plugin {top} is not installed: `pip install {distribution_name(top)}` "
                f"to inline its code, or {allow} to keep the import")
    needs = ", ".join([*found.native, *found.data][:3])
    return (f"{found.distribution} {found.version} needs files that are not Python ({needs}), "
            f"so it cannot be inlined; {allow} to keep the import")


@cache
def installed(top: str) -> Installed | None:
    """The installed plugin package `top`, found without importing it."""
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin in ("built-in", "frozen") or (
            spec.origin is None and not spec.submodule_search_locations):
        return None
    if spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations)))
        base = folder.parent
        paths = sorted(folder / rel for rel in repo_files(folder, skip_dirs=_CACHES))
    else:
        assert spec.origin is not None
        base = Path(spec.origin).parent
        folder = Path(spec.origin)
        paths = [folder]
    if folder.name == "site-packages" or not str(folder):
        return None
    rel = [p.relative_to(base).as_posix() for p in paths]
    dist = distribution_name(top)
    return Installed(top, folder if spec.submodule_search_locations else base,
                     tuple(r for r in rel if r.endswith(".py")), dist, _version(dist),
                     _license(dist), tuple(r for r in rel if r.endswith(NATIVE)),
                     tuple(r for r in rel if not r.endswith(NATIVE + NOT_DATA)
                           and not Path(r).name.startswith(("LICENSE", "COPYING"))))


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown version"


def _license(dist: str) -> str:
    """The distribution's license as its metadata states it (expression, field, classifier)."""
    try:
        meta = metadata.metadata(dist)
    except metadata.PackageNotFoundError:
        return "unknown"
    for field in ("License-Expression", "License"):
        value = next(iter(meta.get_all(field) or []), "").strip()
        if value and value.upper() != "UNKNOWN" and len(value) < 80:
            return value
    for classifier in meta.get_all("Classifier") or []:
        if classifier.startswith("License ::"):
            return classifier.rsplit("::", 1)[-1].strip()
    return "unknown"


def _requires_manim(dist: str) -> bool:
    try:
        requires = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return False
    return any(re.match(r"manim\b(?![-_])", r) for r in requires)


def plugin_files(tops: tuple[str, ...]) -> dict[str, Path]:
    """Program path (`PLUGIN_ROOT/manim_ml/scene.py`) -> the file, for installed plugins."""
    out: dict[str, Path] = {}
    for top in tops:
        found = installed(top)
        if found is None:
            continue
        base = found.folder.parent if found.folder.is_dir() else found.folder
        for rel in found.files:
            out[f"{PLUGIN_ROOT}/{rel}"] = base / rel
    return out


def plugin_of_path(rel: str | None) -> str | None:
    """The plugin package a program path belongs to, or None for a repository file."""
    if rel and rel.startswith(PLUGIN_ROOT + "/"):
        return rel.split("/")[1].removesuffix(".py")
    return None
