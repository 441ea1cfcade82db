"""One frozen settings object per run, read from `[tool.manimflat]` and overridden by flags.

Like black, unknown keys are rejected (with a suggestion) instead of silently ignored.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, cast

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ASSET_POLICIES = ("replace", "keep", "reject")
VERIFY_LEVELS = ("none", "syntax", "static", "exec", "render")
FORMATS = ("py", "md", "json")
FORMATTERS = ("none", "black")

# What a flattened file may import besides manim and the standard library: numpy, scipy and
# the packages manim itself depends on (so scenes that use them directly still run).
DEFAULT_ALLOWED_IMPORTS = (
    "manim", "numpy", "scipy", "PIL", "cairo", "manimpango", "mapbox_earcut", "moderngl",
    "moderngl_window", "networkx", "pydub", "pygments", "rich", "screeninfo", "skia_pathops",
    "srt", "svgelements", "tqdm", "typing_extensions", "watchdog", "click", "cloup",
    "decorator", "isosurfaces", "audioop",
)


class SettingsError(ValueError):
    """A configuration value or key that cannot be used; the message says what to write."""


@dataclass(frozen=True)
class Settings:
    allowed_imports: tuple[str, ...] = DEFAULT_ALLOWED_IMPORTS
    assets: str = "replace"
    verify: str = "static"  # the least any run proves (see pass_manager.default_pipeline)
    merge_bases: bool = False
    format: str = "py"
    # "none" keeps each statement as written (fast, faithful); "black" reformats the whole
    # output with the black version pinned in pyproject.toml.
    formatter: str = "none"
    jobs: int = 1
    timeout: float = 60.0
    memory_mb: int = 2048
    render_video: bool = False
    compare: bool = False
    cache: bool = True
    exclude: tuple[str, ...] = ()
    scenes: tuple[str, ...] = ()  # glob patterns on scene names; empty means all
    output_name: str = "{scene}.py"
    emit_dir: str = "flat"  # where `manimflat emit` keeps flattened copies, repo-relative
    root: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        _check_choice("assets", self.assets, ASSET_POLICIES)
        _check_choice("verify", self.verify, VERIFY_LEVELS)
        _check_choice("format", self.format, FORMATS)
        _check_choice("formatter", self.formatter, FORMATTERS)
        try:
            self.output_name.format(scene="Scene", module="module")
        except (KeyError, IndexError, ValueError) as exc:
            raise SettingsError(f"output_name {self.output_name!r} may use only {{scene}} and "
                                f"{{module}} ({type(exc).__name__}: {exc})") from None

    def with_options(self, **options: Any) -> Settings:
        """Return a copy with keyword options applied (the CLI's flags, the library's kwargs).

        `extend_allowed_imports` adds to `allowed_imports` instead of replacing it, like
        ruff's `extend-select`, so a repository can allow one package without restating
        the defaults.
        """
        cleaned: dict[str, Any] = {}
        for key, value in options.items():
            key = key.replace("-", "_")
            if value is None:
                continue
            if key == "extend_allowed_imports":
                extra = _checked("allowed_imports", value)
                base = cleaned.get("allowed_imports", self.allowed_imports)
                cleaned["allowed_imports"] = base + tuple(x for x in extra if x not in base)
                continue
            if key not in _TYPES:
                raise SettingsError(_unknown(key, set(_TYPES) | {"extend_allowed_imports"}))
            cleaned[key] = _checked(key, value)
        return replace(self, **cleaned)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}


def _check_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SettingsError(f"{key} must be one of {', '.join(choices)}, not {value!r}")


def _unknown(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" (did you mean {close[0].replace('_', '-')!r}?)" if close else ""
    return f"unknown manimflat setting {key!r}{hint}"


# Settable keys and the type their value must have; `extra` is for programmatic callers only.
_TYPES: dict[str, str] = {f.name: str(f.type) for f in fields(Settings) if f.name != "extra"}


def _checked(key: str, value: Any) -> Any:
    """`value` for `key` with TOML's types checked: a wrong type is a SettingsError, not a
    crash deep inside a pass."""
    kind = _TYPES.get(key, "tuple[str, ...]")
    if kind.startswith("tuple"):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(x, str) for x in items):
            raise SettingsError(f"{key} must be a list of strings, not {value!r}")
        return tuple(items)
    if key == "root" and isinstance(value, os.PathLike):
        value = os.fspath(value)
    expected: tuple[type, ...] = {"bool": (bool,), "int": (int,), "float": (int, float)}.get(
        kind, (str,))
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        name = {"bool": "true or false", "int": "an integer", "float": "a number"}.get(
            kind, "a string")
        raise SettingsError(f"{key} must be {name}, not {value!r}")
    # isinstance against a tuple of types narrows `value` to object; it is an int or float here
    return float(cast(float, value)) if kind == "float" else value


def read_pyproject(folder: Path) -> dict[str, Any]:
    """The `[tool.manimflat]` table of `folder/pyproject.toml`, or {} when there is none."""
    path = folder / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read [tool.manimflat]: {exc}") from exc
    table = data.get("tool", {}).get("manimflat", {})
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.manimflat] must be a table")
    return table


def settings_layers(repo_root: Path | None = None,
                    **options: Any) -> list[tuple[str, dict[str, Any]]]:
    """The sources of settings in the order they apply, each as (where, its keys): the
    caller's pyproject, the repo's pyproject, then explicit options (CLI flags, kwargs)."""
    layers: list[tuple[str, dict[str, Any]]] = []
    seen: set[Path] = set()
    for folder in (Path.cwd(), repo_root):
        if folder is None or folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        table = read_pyproject(folder)
        if table:
            layers.append((str(folder.resolve() / "pyproject.toml"), table))
    given = {k: v for k, v in options.items() if v is not None}
    if given:
        layers.append(("command line", given))
    return layers


def load_settings(repo_root: Path | None = None, **options: Any) -> Settings:
    """Defaults, then the caller's pyproject, then the repo's, then explicit options."""
    settings = Settings()
    for where, table in settings_layers(repo_root, **options):
        try:
            settings = settings.with_options(**table)
        except SettingsError as exc:
            if where == "command line":
                raise
            raise SettingsError(f"{where}: [tool.manimflat] {exc}") from None
    return settings


def explain_settings(repo_root: Path | None = None,
                     **options: Any) -> tuple[Settings, dict[str, str]]:
    """The effective settings and, for each key, where its value came from ("default",
    a pyproject path, or "command line")."""
    origin = {key: "default" for key in _TYPES}
    for where, table in settings_layers(repo_root, **options):
        for key in table:
            key = key.replace("-", "_")
            origin["allowed_imports" if key == "extend_allowed_imports" else key] = where
    return load_settings(repo_root, **options), origin
