"""One frozen settings object per run, read from `[tool.manimflat]` and overridden by flags.

Like black, unknown keys are rejected (with a suggestion) instead of silently ignored.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

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
    verify: str = "none"
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
    root: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        _check_choice("assets", self.assets, ASSET_POLICIES)
        _check_choice("verify", self.verify, VERIFY_LEVELS)
        _check_choice("format", self.format, FORMATS)
        _check_choice("formatter", self.formatter, FORMATTERS)

    def with_options(self, **options: Any) -> Settings:
        """Return a copy with keyword options applied (the CLI's flags, the library's kwargs)."""
        known = {f.name for f in fields(self)}
        cleaned: dict[str, Any] = {}
        for key, value in options.items():
            key = key.replace("-", "_")
            if value is None:
                continue
            if key not in known:
                raise SettingsError(_unknown(key, known))
            if key in ("allowed_imports", "exclude", "scenes") and isinstance(value, (list, str)):
                value = tuple([value] if isinstance(value, str) else value)
            cleaned[key] = value
        return replace(self, **cleaned)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}


def _check_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SettingsError(f"{key} must be one of {', '.join(choices)}, not {value!r}")


def _unknown(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown manimflat setting {key!r}{hint}"


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


def load_settings(repo_root: Path | None = None, **options: Any) -> Settings:
    """Defaults, then the caller's pyproject, then the repo's, then explicit options."""
    settings = Settings()
    for folder in (Path.cwd(), repo_root):
        if folder is not None:
            settings = settings.with_options(**read_pyproject(folder))
    return settings.with_options(**options)
