"""What a repository configures in `manim.cfg`, as statements the flattened file can carry.

manim reads `manim.cfg` from the folder it is started in. A flattened file runs without it,
so the settings that change what is drawn are turned into `config.<key> = value` lines.
Settings about files, logging and previews are not: they describe the author's machine.

This is the one reader of `manim.cfg` files (the assets folder is read through it too). A file
is parsed as manim parses it (`configparser` with `%` interpolation); a file that leaves the
repository (MF308) or does not parse (MF115) is ignored, and a value that is not usable
(a failed interpolation, a number that is not finite) is not carried over (MF116).
"""

from __future__ import annotations

import configparser
import json
import math
import re
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from ..diagnostics import Severity, diag
from ..program import MAX_FILE_BYTES, OutsideRoot, read_inside

if TYPE_CHECKING:
    from ..program import Program

# [CLI] keys that change what is drawn, and how to write their values. Quality keys
# (pixel_height, pixel_width, frame_rate) are left out: in the original, command-line flags
# such as -ql override them, while a `config.*` line in the file would override the flags.
VISUAL_KEYS = {"background_color": str, "background_opacity": float, "frame_height": float,
               "frame_width": float}
MAX_VALUE = 4096  # characters of a setting after `%(name)s` interpolation
_REFERENCE = re.compile(r"%\(([^)]+)\)s")  # configparser.BasicInterpolation's own pattern


def nearest_cfg(program: Program, scene_path: str) -> str | None:
    """The `manim.cfg` closest to the scene, from its folder up to the repo root."""
    for folder in PurePosixPath(scene_path).parents:
        rel = "manim.cfg" if str(folder) == "." else f"{folder}/manim.cfg"
        if (program.root / rel).is_file():
            return rel
    return None


def cfg_value(program: Program, rel: str, key: str) -> str | None:
    """The stripped [CLI] `key` of the cfg at `rel` as manim would read it; None if the file
    is absent or unusable or the key is unset (the reason is a diagnostic)."""
    parser = _parsed(program, rel)
    if parser is None or not parser.has_option("CLI", key):
        return None
    try:
        value = parser.get("CLI", key)
    except configparser.Error as exc:  # interpolation: a `%` manim would refuse too
        _warn(program, "MF116", rel, f"{key} not used: {_first_line(exc)}", _line_of(program,
                                                                                     rel, key))
        return None
    return value.strip() or None


def config_statements(program: Program, scene_path: str) -> list[tuple[str, str]]:
    """(cfg path, `config.key = value`) for each visual [CLI] setting of the nearest cfg,
    read once per folder."""
    memo = program.memo.setdefault("manim.cfg", {})
    folder = scene_path.rpartition("/")[0]
    if folder not in memo:
        memo[folder] = _read_statements(program, scene_path)
    return memo[folder]  # type: ignore[return-value]


def _read_statements(program: Program, scene_path: str) -> list[tuple[str, str]]:
    rel = nearest_cfg(program, scene_path)
    if rel is None:
        return []
    out = []
    for key, kind in VISUAL_KEYS.items():
        raw = cfg_value(program, rel, key)
        if raw is None:
            continue
        try:
            value = kind(raw)
        except ValueError:
            value = math.nan
        if isinstance(value, float) and not math.isfinite(value):
            _warn(program, "MF116", rel, f"{key} = {raw[:40]} is not a finite number; not "
                  "carried over", _line_of(program, rel, key))
            continue
        out.append((rel, f"config.{key} = {json.dumps(value)}"))
    return out


def _parsed(program: Program, rel: str) -> configparser.ConfigParser | None:
    memo = program.memo.setdefault("manim.cfg parsed", {})
    if rel not in memo:
        memo[rel] = _parse(program, rel)
    return memo[rel]  # type: ignore[return-value]


def _parse(program: Program, rel: str) -> configparser.ConfigParser | None:
    path = program.root / rel
    if not path.is_file():
        return None
    try:
        data = read_inside(program.root, path, MAX_FILE_BYTES)
    except OutsideRoot:
        _warn(program, "MF308", rel, "leaves the repository (a symlink) and was not read")
        return None
    except OSError as exc:
        _warn(program, "MF115", rel, f"cannot be read ({exc.strerror or exc})")
        return None
    if len(data) > MAX_FILE_BYTES:
        _warn(program, "MF115", rel, "larger than 2 MB; not read")
        return None
    parser = configparser.ConfigParser(interpolation=_BoundedInterpolation())
    try:
        parser.read_string(data.decode("utf-8", errors="replace"), source=rel)
    except configparser.Error as exc:
        _warn(program, "MF115", rel, f"does not parse: {_first_line(exc)}",
              getattr(exc, "lineno", None) or _parse_error_line(exc))
        return None
    return parser


class _BoundedInterpolation(configparser.BasicInterpolation):
    """manim's `%(name)s` interpolation, refused for a value that would expand past
    `MAX_VALUE` characters: references nest ten deep and repeat, so a 2 kB file could
    otherwise expand to terabytes."""

    def before_get(self, parser: MutableMapping[str, Mapping[str, str]], section: str,
                   option: str, value: str, defaults: Mapping[str, str]) -> str:
        xform = parser.optionxform if isinstance(parser, configparser.RawConfigParser) \
            else str.lower
        if _expanded_size(value, defaults, xform, {}, 0) > MAX_VALUE:
            raise configparser.InterpolationError(
                option, section, f"value expands past {MAX_VALUE} characters")
        return str(super().before_get(parser, section, option, value, defaults))


def _expanded_size(value: str, options: Mapping[str, str], xform: Callable[[str], str],
                   sizes: dict[str, int], depth: int) -> int:
    """Characters `value` interpolates to (once per referenced option: linear time), or more
    than `MAX_VALUE` as soon as that is certain."""
    if depth > configparser.MAX_INTERPOLATION_DEPTH:
        return MAX_VALUE + 1  # the interpolation itself refuses it
    total = len(_REFERENCE.sub("", value))
    for name in _REFERENCE.findall(value):
        key = xform(name)
        if key not in sizes:
            sizes[key] = MAX_VALUE + 1  # a cycle
            sizes[key] = _expanded_size(options.get(key, ""), options, xform, sizes,
                                        depth + 1)
        total += sizes[key]
        if total > MAX_VALUE:
            break
    return total


def _warn(program: Program, code: str, rel: str, why: str, line: int | None = None) -> None:
    said = program.memo.setdefault("manim.cfg warned", {})
    if (code, rel, why) in said:
        return
    said[(code, rel, why)] = True
    program.diagnostics.append(diag(code, f"{rel}: {why}", severity=Severity.WARNING,
                                    path=rel, line=line))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def _parse_error_line(exc: configparser.Error) -> int | None:
    errors = getattr(exc, "errors", None)  # ParsingError: [(lineno, line), ...]
    return errors[0][0] if errors else None


def _line_of(program: Program, rel: str, key: str) -> int | None:
    """The line that sets `key` (configparser does not keep positions)."""
    try:
        text = read_inside(program.root, program.root / rel, MAX_FILE_BYTES).decode(
            "utf-8", errors="replace")
    except OSError:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        name = line.split("=", 1)[0].split(":", 1)[0].strip().lower()
        if name == key:
            return number
    return None
