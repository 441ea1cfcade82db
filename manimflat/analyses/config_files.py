"""What a repository configures in `manim.cfg`, as statements the flattened file can carry.

manim reads `manim.cfg` from the folder it is started in (`applied_cfg` picks the one the
author's run read). A flattened file runs without it, so the settings that change what is
drawn (background, frame geometry, including the frame width manim derives from the pixel
aspect, and the TeX template) are turned into `config.<key> = value` lines. Resolution and
frame rate are quality, set by the command line; files, logging and previews describe the
author's machine: neither is carried.

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
from ..files import OutsideRoot, read_inside
from ..program import MAX_FILE_BYTES

if TYPE_CHECKING:
    from ..program import Program

# [CLI] keys that change what is drawn, and how to write their values. Quality keys
# (pixel_height, pixel_width, frame_rate) are left out: in the original, command-line flags
# such as -ql override them, while a `config.*` line in the file would override the flags.
# The pixel aspect still shapes the frame (see `_frame_width`), and a template file is
# carried as its text (see `_template_statements`).
VISUAL_KEYS = {"background_color": str, "background_opacity": float, "frame_height": float,
               "frame_width": float}
# manim's library defaults (manim/_config/default.cfg) the frame is derived from
DEFAULT_PIXELS = (1920, 1080)
DEFAULT_FRAME_HEIGHT = 8.0
MAX_VALUE = 4096  # characters of a setting after `%(name)s` interpolation
MAX_TEMPLATE = 64 * 1024  # characters of a tex_template_file carried into the output
_REFERENCE = re.compile(r"%\(([^)]+)\)s")  # configparser.BasicInterpolation's own pattern
# Keys manim converts as it reads a cfg (digest_parser in manim/_config/utils.py), by
# section: a value it cannot convert (an empty one too) stops every run started in that
# folder before anything is drawn, with no word of which file or line.
READ_AS = {
    "CLI": {**dict.fromkeys((
        "notify_outdated_version", "write_all", "save_sections", "preview", "live_preview",
        "show_in_file_browser", "log_to_file", "disable_caching", "disable_caching_warning",
        "enable_gui", "fullscreen", "use_projection_fill_shaders",
        "use_projection_stroke_shaders", "enable_wireframe", "no_latex_cleanup", "dry_run"),
        "boolean"), **dict.fromkeys((
            "from_animation_number", "upto_animation_number", "max_files_cached",
            "max_inflight_encoders", "encoder_queue_size", "pixel_height", "pixel_width",
            "seed", "window_monitor", "zero_pad"), "int"),
        **dict.fromkeys(("background_opacity", "frame_rate", "frame_height", "frame_width"),
                        "float")},
    "jupyter": {"media_embed": "boolean"},
}


def applied_cfg(program: Program, scene_path: str) -> str | None:
    """The `manim.cfg` manim reads for this scene as its author ran it.

    manim reads only the `manim.cfg` of the folder it is started in; authors start it in the
    scene's folder (or a folder above it that holds a config) or at the repository root, so:
    the closest one from the scene's folder up to the root. One answer for every caller (the
    carried settings, the asset folders, the report and the render survey)."""
    for folder in PurePosixPath(scene_path).parents:
        rel = "manim.cfg" if str(folder) == "." else f"{folder}/manim.cfg"
        if (program.root / rel).is_file():
            return rel
    return None


def cfg_folder(rel: str) -> str:
    """The folder manim is started in to read the cfg at `rel` ("" for the root)."""
    return rel.rpartition("/")[0]


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
    """(cfg path, `config.key = value`) for each setting of the applied cfg that changes what
    is drawn, read once per folder."""
    memo = program.memo.setdefault("manim.cfg", {})
    folder = scene_path.rpartition("/")[0]
    if folder not in memo:
        rel = applied_cfg(program, scene_path)
        memo[folder] = [] if rel is None else _read_statements(program, rel)
    return memo[folder]  # type: ignore[return-value]


def config_notes(program: Program, scene_path: str) -> list[tuple[str, str, str, str]]:
    """(code, severity, cfg path, message) saying which cfg the scene reads (MF135, info) and, when the
    repository root holds another one whose drawn settings differ, that running the scene
    from the root would draw another picture (MF136, warning)."""
    rel = applied_cfg(program, scene_path)
    if rel is None:
        return []
    refused = [("MF425", "warning", rel, message) for message in refused_by_manim(program, rel)]
    where = ("the repository root" if rel == "manim.cfg"
             else f"the scene's folder {cfg_folder(rel)}/")
    notes = [("MF135", "info", rel, f"reads {rel}: manim is run from {where}, as its author did"),
             *refused]
    root = "manim.cfg"
    if rel != root and (program.root / root).is_file():
        mine = [s for _, s in config_statements(program, scene_path)]
        theirs = [s for _, s in config_statements(program, "__root__.py")]
        if mine != theirs:
            differ = ", ".join(sorted({s.split(" = ")[0] for s in set(mine) ^ set(theirs)}))
            notes.append(("MF136", "warning", rel, (
                f"{rel} and the root's manim.cfg draw differently ({differ}); the output "
                f"follows {rel}, as when manim is run from {cfg_folder(rel)}/")))
    return notes


def refused_by_manim(program: Program, rel: str) -> list[str]:
    """What is wrong with each setting of the cfg at `rel` that manim cannot convert (MF425
    warnings): the original does not run from that folder at all; the output, which does not
    read the file, does."""
    parser = _parsed(program, rel)
    if parser is None:
        return []
    bad = []
    for section, keys in READ_AS.items():
        if not parser.has_section(section):
            continue
        for key, kind in keys.items():
            if not parser.has_option(section, key):
                continue
            try:
                value = parser.get(section, key)
                if kind == "boolean":
                    parser.getboolean(section, key)
                elif kind == "int":
                    int(value)
                else:
                    float(value)
            except ValueError:
                line = _line_of(program, rel, key, section)
                folder = cfg_folder(rel) + "/" if cfg_folder(rel) else "the repository root"
                bad.append(
                    f"line {line}: [{section}] {key} = {value.strip()[:40]!r} is not "
                    f"{'an' if kind == 'int' else 'a'} {kind}: manim stops reading this file "
                    f"with a ValueError before drawing anything, so the scene does not run "
                    f"from {folder}; the output does not need the file")
            except configparser.Error:
                continue  # an interpolation error: MF116 says it where the value is used
    return bad


def _read_statements(program: Program, rel: str) -> list[tuple[str, str]]:
    values: dict[str, object] = {}
    for key, kind in VISUAL_KEYS.items():
        value = _typed(program, rel, key, kind)
        if value is not None:
            values[key] = value
    width = _frame_width(program, rel, values)
    if width is not None:
        values["frame_width"] = width
    out = [(rel, f"config.{key} = {json.dumps(value)}") for key, value in values.items()]
    return out + [(rel, s) for s in _template_statements(program, rel)]


def _typed(program: Program, rel: str, key: str, kind: type) -> object | None:
    raw = cfg_value(program, rel, key)
    if raw is None:
        return None
    try:
        value = kind(raw)
    except ValueError:
        value = math.nan
    if isinstance(value, (int, float)) and not (math.isfinite(value) and value > 0 or (
            key == "background_opacity" and math.isfinite(value))):
        _warn(program, "MF116", rel, f"{key} = {raw[:40]} is not a finite positive number; "
              "not carried over", _line_of(program, rel, key))
        return None
    return value


def _frame_width(program: Program, rel: str, values: dict[str, object]) -> float | None:
    """The frame width manim derives when the cfg does not set it: frame_height (8 by
    default) times the cfg's pixel aspect. A file that only sets pixel_width/pixel_height
    (a vertical "short") thus frames a narrow picture at every quality flag, since the flags
    change the pixels after the frame is fixed. None when the derived width is the default."""
    if "frame_width" in values:
        return None
    width, height = (value if isinstance(value := _typed(program, rel, key, int), int)
                     else default for key, default in zip(("pixel_width", "pixel_height"),
                                                          DEFAULT_PIXELS))
    frame_height = values.get("frame_height", DEFAULT_FRAME_HEIGHT)
    assert isinstance(frame_height, float)
    derived = frame_height * width / height
    default = DEFAULT_FRAME_HEIGHT * DEFAULT_PIXELS[0] / DEFAULT_PIXELS[1]
    return None if derived == default else derived


def _template_statements(program: Program, rel: str) -> list[str]:
    """`tex_template_file` names a file (relative to the folder manim runs in) whose text is
    the whole LaTeX document Tex is compiled in; the output carries that text, since it runs
    without the file."""
    name = cfg_value(program, rel, "tex_template_file")
    if name is None:
        return []
    line = _line_of(program, rel, "tex_template_file")
    folder = cfg_folder(rel)
    target = PurePosixPath(folder, name) if folder else PurePosixPath(name)
    path = program.root / target
    try:
        text = read_inside(program.root, path, MAX_FILE_BYTES).decode("utf-8",
                                                                        errors="replace")
    except OutsideRoot:
        _warn(program, "MF308", rel, f"tex_template_file {name} leaves the repository and was "
              "not read", line)
        return []
    except OSError:
        # manim itself warns and uses its default template
        _warn(program, "MF137", rel, f"tex_template_file {name} not found; manim uses its "
              "default template, and so does the output", line)
        return []
    if len(text) > MAX_TEMPLATE:
        _warn(program, "MF137", rel, f"tex_template_file {name} is larger than "
              f"{MAX_TEMPLATE // 1024} kB; not carried over", line)
        return []
    return ["config.tex_template = TexTemplate()",
            f"config.tex_template.body = {_string(text)}"]


def _string(text: str) -> str:
    """A raw triple-quoted literal when the text allows one (LaTeX reads better), else repr."""
    if '"""' not in text and not text.endswith("\\") and "\r" not in text:
        return 'r"""' + text + '"""'
    return repr(text)


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


def _line_of(program: Program, rel: str, key: str, section: str = "CLI") -> int | None:
    """The line that sets `key` in `section` (configparser does not keep positions)."""
    try:
        text = read_inside(program.root, program.root / rel, MAX_FILE_BYTES).decode(
            "utf-8", errors="replace")
    except OSError:
        return None
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        header = re.fullmatch(r"\s*\[([^\]]+)\]\s*", line)
        if header:
            current = header.group(1).strip()
            continue
        name = line.split("=", 1)[0].split(":", 1)[0].strip().lower()
        if name == key and current == section:
            return number
    return None
