"""One frozen settings object per run, read from `[tool.manimflat]` and overridden by flags.

Settings come in layers: the defaults, the caller's pyproject.toml (in the working directory,
when that is outside the scanned repository), the scanned repository's own pyproject.toml,
then explicit options (CLI flags, library keyword arguments). The scanned repository is
untrusted: its table may set only `REPO_KEYS`, the options about how its code is read. A key
it may not set, an unknown key or a bad value there is a warning (MF113) and is ignored;
in the caller's layers it is a SettingsError, as black rejects unknown keys.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any, cast

from .diagnostics import Diagnostic, Severity, diag
from .toml_check import did_you_mean, type_error

ASSET_POLICIES = ("replace", "keep", "reject")
VERIFY_LEVELS = ("none", "syntax", "static", "exec", "render")
FORMATS = ("py", "md", "json")
FORMATTERS = ("none", "black")
PLUGIN_POLICIES = ("lower", "inline", "allow", "reject")

# What a flattened file may import besides manim and the standard library: numpy, scipy and
# the packages manim itself depends on (so scenes that use them directly still run). Written
# out rather than read from manim's installed metadata, so the contract does not change with
# the machine; tests/test_survey.py checks it against that metadata and against the shared
# contract checker, which leaves out dependencies only manim's internals use: `av` (video
# encoding), `bs4` (SVG parsing) and `pathops` (skia-pathops; the contract spells it
# `skia_pathops`). `audioop` is manim's `audioop-lts` on Python 3.13.
DEFAULT_ALLOWED_IMPORTS = (
    "manim", "numpy", "scipy", "PIL", "cairo", "manimpango", "mapbox_earcut", "moderngl",
    "moderngl_window", "networkx", "pydub", "pygments", "rich", "screeninfo", "skia_pathops",
    "srt", "svgelements", "tqdm", "typing_extensions", "watchdog", "click", "cloup",
    "decorator", "isosurfaces", "audioop",
)


# What the scanned repository's own [tool.manimflat] may set: which files and classes are its
# code and scenes, and the shape of the code emitted from them. Every other key decides what
# runs (verify, timeout, memory-mb, render-video, compare, cache, jobs), where files go
# (output-name, emit-dir, format, root, assets: `keep` writes copies) or what is allowed
# (allowed-imports), so only the caller sets it.
REPO_KEYS = frozenset({"exclude", "scenes", "merge_bases", "formatter"})

# Bounds beyond which a value is a mistake, not a choice (inclusive, except timeout > 0).
MAX_TIMEOUT = 24 * 3600.0
MEMORY_MB = (128, 1024 * 1024)
MAX_JOBS = 256
MAX_PYPROJECT_BYTES = 2 * 2**20


class SettingsError(ValueError):
    """A configuration value or key that cannot be used; the message says what to write."""


@dataclass(frozen=True)
class Settings:
    allowed_imports: tuple[str, ...] = DEFAULT_ALLOWED_IMPORTS
    assets: str = "replace"
    verify: str = "static"  # the least any run proves (see pass_manager.default_pipeline)
    merge_bases: bool = False
    # ManimGL and old manimlib scenes are upgraded to Manim CE (upgrade-dialect); off: MF105
    upgrade: bool = True
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
    # Import name of a Manim plugin -> lower | inline | allow | reject (see lower-plugins);
    # a plugin not named gets its default there. `allow` keeps the import: it is allowed.
    plugins: dict[str, str] = field(default_factory=dict, hash=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        _check_choice("assets", self.assets, ASSET_POLICIES)
        _check_choice("verify", self.verify, VERIFY_LEVELS)
        _check_choice("format", self.format, FORMATS)
        _check_choice("formatter", self.formatter, FORMATTERS)
        if not (math.isfinite(self.timeout) and 0 < self.timeout <= MAX_TIMEOUT):
            raise SettingsError(f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} "
                                f"seconds, not {self.timeout!r}")
        if not MEMORY_MB[0] <= self.memory_mb <= MEMORY_MB[1]:
            raise SettingsError(f"memory_mb must be between {MEMORY_MB[0]} and {MEMORY_MB[1]}, "
                                f"not {self.memory_mb!r}")
        if not 1 <= self.jobs <= MAX_JOBS:
            raise SettingsError(f"jobs must be between 1 and {MAX_JOBS}, not {self.jobs!r}")
        try:
            sample = self.output_name.format(scene="Scene", module="module")
        except (KeyError, IndexError, ValueError) as exc:
            raise SettingsError(f"output_name {self.output_name!r} may use only {{scene}} and "
                                f"{{module}} ({type(exc).__name__}: {exc})") from None
        _check_relative("output_name", sample, "a file name relative to the output folder")
        _check_relative("emit_dir", self.emit_dir,
                        "a folder inside the repository (`emit --out-dir` writes elsewhere)")
        for name, policy in self.plugins.items():
            if not re.fullmatch(r"[A-Za-z_]\w*", name):
                raise SettingsError(f"plugins: {name!r} is not an import name (manim_physics)")
            _check_choice(f"plugins.{name}", policy, PLUGIN_POLICIES)
        allowed = tuple(n for n, p in sorted(self.plugins.items())
                        if p == "allow" and n not in self.allowed_imports)
        if allowed:  # an allowed plugin's import stays in the output: it is an allowed import
            object.__setattr__(self, "allowed_imports", self.allowed_imports + allowed)

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
        if "plugins" in cleaned:  # a later layer changes the policies it names, not the rest
            plugins = {**self.plugins, **cleaned["plugins"]}
            dropped = {n for n, p in self.plugins.items() if p == "allow" != plugins[n]}
            base = cleaned.get("allowed_imports", self.allowed_imports)
            cleaned["plugins"] = plugins
            cleaned["allowed_imports"] = tuple(x for x in base if x not in dropped)
        return replace(self, **cleaned)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}


def _check_choice(key: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SettingsError(f"{key} must be one of {', '.join(choices)}, not {value!r}")


def _check_relative(key: str, value: str, what: str) -> None:
    """Output paths are checked again once resolved (outputs.inside); this catches the
    mistake early, with the setting's name."""
    path = PurePosixPath(value)
    if not value or "\0" in value or path.is_absolute() or ".." in path.parts:
        raise SettingsError(f"{key} must be {what}, without '..', not {value!r}")


def _unknown(key: str, known: set[str]) -> str:
    hint = did_you_mean(key, known, spell=lambda k: k.replace("_", "-"))
    return f"unknown manimflat setting {key!r}{hint}"


# Settable keys and the type their value must have; `extra` is for programmatic callers only.
_TYPES: dict[str, str] = {f.name: str(f.type) for f in fields(Settings) if f.name != "extra"}


def _checked(key: str, value: Any) -> Any:
    """`value` for `key` with TOML's types checked: a wrong type is a SettingsError, not a
    crash deep inside a pass."""
    kind = _TYPES.get(key, "tuple[str, ...]")
    if kind.startswith("dict"):
        return _plugin_table(value)
    if kind.startswith("tuple"):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(x, str) for x in items):
            raise SettingsError(f"{key} must be a list of strings, not {value!r}")
        return tuple(items)
    if key == "root" and isinstance(value, os.PathLike):
        value = os.fspath(value)
    expected: tuple[type, ...] = {"bool": (bool,), "int": (int,), "float": (int, float)}.get(
        kind, (str,))
    problem = type_error(key, value, expected)
    if problem:
        raise SettingsError(problem)
    # isinstance against a tuple of types narrows `value` to object; it is an int or float here
    return float(cast(float, value)) if kind == "float" else value


def _plugin_table(value: Any) -> dict[str, str]:
    """`plugins = { manim_physics = "inline" }`, or the CLI's ["manim_physics=inline"]."""
    if isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
        pairs = [x.partition("=") for x in value]
        if any(not sep for _, sep, _ in pairs):
            raise SettingsError(f"plugins must be given as NAME=POLICY, not {value!r}")
        value = {k.strip(): v.strip() for k, _, v in pairs}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in value.items()):
        raise SettingsError("plugins must be a table of import names to one of "
                            f"{', '.join(PLUGIN_POLICIES)}, not {value!r}")
    return dict(value)


def read_pyproject(folder: Path) -> dict[str, Any]:
    """The `[tool.manimflat]` table of `folder/pyproject.toml`, or {} when there is none."""
    return _table(folder / "pyproject.toml")[0]


def _table(path: Path) -> tuple[dict[str, Any], str]:
    """The `[tool.manimflat]` table of the TOML file `path` and the file's text."""
    if not path.is_file():
        return {}, ""
    try:
        if path.stat().st_size > MAX_PYPROJECT_BYTES:
            raise SettingsError(f"{path}: larger than {MAX_PYPROJECT_BYTES // 2**20} MB")
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read [tool.manimflat]: {exc}") from exc
    tool = data.get("tool", {})
    table = tool.get("manimflat", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.manimflat] must be a table")
    return table, text


@dataclass(frozen=True)
class Layer:
    """One source of settings: `where` is a pyproject path or "command line"; `trusted`
    layers are the caller's and may set every key."""

    where: str
    table: dict[str, Any]
    trusted: bool
    text: str = ""  # the pyproject's text, to point a warning at the key's line
    problem: str | None = None  # why an untrusted pyproject was not read


def settings_layers(repo_root: Path | None = None, **options: Any) -> list[Layer]:
    """The sources of settings in the order they apply: the working directory's pyproject
    (the caller's, unless it lies inside the scanned repository), the repo's, then explicit
    options (CLI flags, kwargs). A repo pyproject that is a symlink leaving the repository
    is not read."""
    root = repo_root.resolve() if repo_root is not None else None
    layers: list[Layer] = []
    seen: set[Path] = set()
    for folder in (Path.cwd(), repo_root):
        if folder is None or folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        path = folder.resolve() / "pyproject.toml"
        trusted = root is None or not path.is_relative_to(root)
        if not trusted and root is not None and not path.resolve().is_relative_to(root):
            layers.append(Layer(str(path), {}, False, problem="a symlink leaving the repository"))
            continue
        try:
            table, text = _table(path)
        except SettingsError as exc:
            if trusted:
                raise
            layers.append(Layer(str(path), {}, False,
                                problem=str(exc).removeprefix(f"{path}: ")))
            continue
        if table:
            layers.append(Layer(str(path), table, trusted, text))
    given = {k: v for k, v in options.items() if v is not None}
    if given:
        layers.append(Layer("command line", given, True))
    return layers


def resolve_settings(repo_root: Path | None = None, **options: Any
                     ) -> tuple[Settings, dict[str, str], tuple[Diagnostic, ...]]:
    """The effective settings, where each key's value came from ("default", a pyproject
    path, or "command line"), and a warning (MF113) for each setting of the scanned
    repository that was ignored."""
    settings = Settings()
    origin = {key: "default" for key in _TYPES}
    notes: list[Diagnostic] = []
    root = repo_root.resolve() if repo_root is not None else None
    for layer in settings_layers(repo_root, **options):
        if layer.trusted:
            try:
                settings = settings.with_options(**layer.table)
            except SettingsError as exc:
                if layer.where == "command line":
                    raise
                raise SettingsError(f"{layer.where}: [tool.manimflat] {exc}") from None
            for key in layer.table:
                origin[_origin_key(key)] = layer.where
            continue
        assert root is not None  # only a repository's own pyproject is untrusted
        rel = Path(layer.where).relative_to(root).as_posix()
        if layer.problem:
            notes.append(_ignored(rel, None, f"{rel}: {layer.problem}; not used"))
        for key, value in layer.table.items():
            name = key.replace("-", "_")
            line = _key_line(layer.text, key)
            if (name in _TYPES and name not in REPO_KEYS) or name == "extend_allowed_imports":
                notes.append(_ignored(rel, line, f"{key!r} ignored: the scanned repository "
                                      f"may set only {_REPO_KEYS_TEXT}; the caller sets "
                                      "the rest"))
                continue
            try:
                settings = settings.with_options(**{key: value})
            except SettingsError as exc:
                notes.append(_ignored(rel, line, f"{exc}; the key is ignored"))
                continue
            origin[name] = layer.where
    return settings, origin, tuple(notes)


_REPO_KEYS_TEXT = ", ".join(sorted(k.replace("_", "-") for k in REPO_KEYS))


def _origin_key(key: str) -> str:
    key = key.replace("-", "_")
    return "allowed_imports" if key == "extend_allowed_imports" else key


def _ignored(rel: str, line: int | None, message: str) -> Diagnostic:
    return diag("MF113", message, severity=Severity.WARNING, path=rel, line=line)


def _key_line(text: str, key: str) -> int | None:
    """The line of `key = ...` inside `[tool.manimflat]` (or of the table's header)."""
    header = None
    spelled = "|".join(re.escape(k) for k in {key, key.replace("_", "-"), key.replace("-", "_")})
    pattern = re.compile(rf"""\s*(["']?)({spelled})\1\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            if header is not None:
                break
            if re.fullmatch(r"\[\s*tool\s*\.\s*manimflat\s*\]\s*(#.*)?", stripped):
                header = number
        elif header is not None and pattern.match(line):
            return number
    return header


def load_settings(repo_root: Path | None = None, **options: Any) -> Settings:
    """Defaults, then the caller's pyproject, then the repo's (content keys only), then
    explicit options; ignored repository settings are dropped silently (see
    `resolve_settings` for the warnings)."""
    return resolve_settings(repo_root, **options)[0]


def explain_settings(repo_root: Path | None = None,
                     **options: Any) -> tuple[Settings, dict[str, str]]:
    """The effective settings and, for each key, where its value came from ("default",
    a pyproject path, or "command line")."""
    settings, origin, _ = resolve_settings(repo_root, **options)
    return settings, origin
