"""The four levels of the ladder, cheapest first. Each takes code and returns a `LevelOutcome`:
the (possibly repaired) code, diagnostics, and a result dict with its `seconds`.

A level repairs what it safely can (`repairs/`), records a `fixed` diagnostic per repair and
checks the repaired code again; it reports an error only for what it cannot make valid.
"""

from __future__ import annotations

import re
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Severity, diag
from ..passes import repair_warnings, upgrade_api
from ..settings import Settings
from .cache import frame_path
from .cache import key as cache_key
from .cache import load as cache_load
from .cache import store as cache_store
from .environment import missing_from_error, missing_tools
from .render import render_run
from .repairs import Fix, add_wait, identity_with_literal
from .sandbox import MAX_PROCESSES, WRITE_REFUSED, SandboxResult, weak_sandbox_notice, workdir
from .sandbox import run as run_sandboxed
from .static import check as static_check
from .static import optional_star_modules, parse_output, walk_output

LEVELS = ("syntax", "static", "exec", "render")


@dataclass
class LevelOutcome:
    code: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    def add(self, code: str, message: str, *, path: str | None, line: int | None = None,
            col: int | None = None, severity: Severity = Severity.ERROR) -> None:
        self.diagnostics.append(diag(code, message, severity=severity, path=path, line=line,
                                     col=col if col is None else col + 1))

    def add_fixes(self, fixes: list[Fix], path: str | None) -> None:
        for f in fixes:
            self.add(f.code, f.message, path=path, line=f.line, col=f.col,
                     severity=f.severity)


# ---------------------------------------------------------------- syntax

def _compile_warnings(code: str) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile(code, "<flat>", "exec", dont_inherit=True)
    return [w for w in caught if issubclass(w.category, (SyntaxWarning, DeprecationWarning))]


def check_syntax(code: str, scene: str, settings: Settings, path: str | None = None
                 ) -> LevelOutcome:
    out = LevelOutcome(code)
    try:
        found = _compile_warnings(code)
    except SyntaxError as exc:
        out.add("MF401", f"{exc.msg}: {(exc.text or '').strip()[:80]}", path=path,
                line=exc.lineno, col=(exc.offset or 1) - 1)
        return out
    if any("escape sequence" in str(w.message) for w in found):
        out.code, fixes = repair_warnings.repair_code(out.code)
        out.add_fixes(fixes, path)
        found = _compile_warnings(out.code)
    if any("with a literal" in str(w.message) for w in found):
        out.code, fixes = identity_with_literal(out.code)
        out.add_fixes(fixes, path)
        found = _compile_warnings(out.code)
    for w in found:
        code_ = "MF402" if "escape sequence" in str(w.message) else "MF416"
        out.add(code_, f"compiling emits {w.category.__name__}: {w.message}", path=path,
                line=w.lineno)
    return out


# ---------------------------------------------------------------- static

def check_static(code: str, scene: str, settings: Settings, path: str | None = None
                 ) -> LevelOutcome:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the syntax level already reported compile warnings
        return _check_static(code, scene, settings, path)


def _check_static(code: str, scene: str, settings: Settings, path: str | None) -> LevelOutcome:
    out = LevelOutcome(code)
    tree = parse_output(code)
    findings, undefined = static_check(code, tree, scene, settings.allowed_imports)
    new, fixes = upgrade_api.upgrade_code(code, frozenset(undefined), walk_output(tree))
    if fixes:
        out.code = new
        out.add_fixes(fixes, path)
        tree = parse_output(new)
        findings, undefined = static_check(new, tree, scene, settings.allowed_imports)
    for f in findings:
        out.add(f.code, f.message, path=path, line=f.line, col=f.col,
                severity=Severity.WARNING if f.warning else Severity.ERROR)
    optional = optional_star_modules(tree, settings.allowed_imports)
    for name, node in undefined.items():
        hint = " (removed from Manim CE)" if name in upgrade_api.REMOVED_NAMES else ""
        if optional:  # the name may come from an optional plugin when it is installed
            out.add("MF403", f"`{name}` is defined only if the optional `from {optional[0]} "
                    "import *` succeeds", path=path, line=node.lineno, col=node.col_offset,
                    severity=Severity.WARNING)
            continue
        out.add("MF403", f"undefined name `{name}`{hint}: define it or import it",
                path=path, line=node.lineno, col=node.col_offset)
    out.result["undefined"] = sorted(undefined)
    return out


# ---------------------------------------------------------------- running

SCENE_FILE = "scene.py"
_LATEX_ERROR = re.compile(r"LaTeX compilation error: (.+?)(?:\s{2,}|$)", re.MULTILINE)
_LATEX_CONTEXT = re.compile(r"-> (?:\\special\{dvisvgm:raw <g id='unique\d+'>\})?(.+?)"
                            r"(?:\\special\{dvisvgm:raw </g>\})?\s*$", re.MULTILINE)


# LaTeX's own message for a character its fonts lack, e.g. "Unicode character 你 (U+4F60)".
_NON_LATIN = re.compile(r"Unicode character .{1,2} \(U\+([0-9A-F]{4,6})\)")
_LATIN_END = 0x24F  # Latin Extended-B: what the default template's T1/inputenc fonts cover


def _classify(out: LevelOutcome, res: SandboxResult, settings: Settings,
              path: str | None, failure: str, file_name: str = SCENE_FILE) -> None:
    """Turn a failed sandbox run into one diagnostic naming its cause."""
    # A frame in the scene file, in a plain or a rich (manim's CLI) traceback.
    frame = re.compile(re.escape(file_name) + r'(?:", line |:)(\d+)')
    lines = [int(n) for n in frame.findall(res.stderr)]
    line = lines[-1] if lines else None
    missing = missing_from_error(res.stderr)
    if res.timed_out:
        out.add("MF408", f"killed after {settings.timeout:.0f} s (time limit); raise --timeout "
                "if the scene is just slow", path=path, line=line)
    elif res.killed == "processes":
        out.add("MF419", f"killed: the scene held more than {MAX_PROCESSES} processes at "
                "once (the sandbox's process limit)", path=path, line=line)
    elif missing is not None:
        out.add("MF412", missing.message(), path=path)
        out.result["environment"] = missing.tool
    elif res.write_refused:
        refused = next(ln for ln in res.stderr.splitlines() if WRITE_REFUSED in ln)
        out.add("MF415", refused.split(": ", 1)[-1][:200], path=path, line=line)
    elif res.memory_exceeded:
        together = " (all its processes together)" if res.killed == "memory" else ""
        out.add("MF409", f"exceeded the {settings.memory_mb} MB memory limit{together}",
                path=path, line=line)
    elif res.returncode == 0 and res.result is None:
        # Only the runner's own descriptor carries a result; printing one counts for nothing.
        out.add("MF419", "the run exited with status 0 but sent no result: the scene ended the "
                "process itself (sys.exit, os._exit) or printed imitation results",
                path=path, line=line)
    else:
        last = res.exception() or res.tail(1) or f"exit status {res.returncode}"
        # manim logs the LaTeX error (to stdout); its exception points at a log file that is
        # gone with the sandbox.
        latex = _LATEX_ERROR.search(res.stdout)
        if latex:
            context = _LATEX_CONTEXT.search(res.stdout)
            last = f"LaTeX compilation error: {latex.group(1).strip()}" + (
                f" in `{context.group(1).strip()}`" if context else "")
        script = _NON_LATIN.search(latex.group(1)) if latex else None
        if script is not None and int(script.group(1), 16) > _LATIN_END:
            # The default template (latex, inputenc) has no font for the script: the original
            # fails the same way unless its repository names a template (then it is carried).
            out.add("MF424", f"{last[:240]}: the TeX template in use has no fonts for this "
                    "script", path=path, line=line)
            out.result["environment"] = "latex-fonts"
        else:
            out.add(failure, last[:300], path=path, line=line)
    out.result["stderr"] = res.tail(20)


def _sandboxed(out: LevelOutcome, res: SandboxResult, path: str | None) -> None:
    """Which sandbox ran it, and (once per process) why it was the weaker one."""
    out.result["sandbox"] = res.sandbox
    notice = weak_sandbox_notice()
    if notice is not None:
        out.add("MF418", "validation runs in the weaker sandbox (rlimits and an audit hook "
                f"only): {notice}", path=path, severity=Severity.WARNING)


def _environment_ok(out: LevelOutcome, code: str, path: str | None, video: bool = False) -> bool:
    for m in missing_tools(code, video=video):
        out.add("MF412", m.message(), path=path)
        out.result.setdefault("environment", m.tool)
    return out.ok


def _exec_once(code: str, scene: str, settings: Settings) -> SandboxResult:
    return run_sandboxed({"job": "exec", "file": SCENE_FILE, "scene": scene},
                       timeout=settings.timeout, memory_mb=settings.memory_mb,
                       files={SCENE_FILE: code}, warm=True)


def exec_in_place(file: Path, scene: str, cwd: Path, settings: Settings) -> LevelOutcome:
    """The exec level on a file inside its repository, run from `cwd` as a user would: how the
    original of a flattened scene behaves. Nothing is repaired; nothing is written to the repo."""
    out = LevelOutcome(file.read_text(encoding="utf-8", errors="replace"))
    start = time.perf_counter()
    res = run_sandboxed({"job": "exec", "file": str(file.resolve()), "scene": scene}, cwd=cwd,
                      timeout=settings.timeout, memory_mb=settings.memory_mb)
    _sandboxed(out, res, str(file))
    if not res.ok or res.result is None:
        _classify(out, res, settings, str(file), "MF407", file_name=file.name)
    else:
        out.result.update(res.result)
    out.result["seconds"] = round(time.perf_counter() - start, 4)
    return out


def check_exec(code: str, scene: str, settings: Settings, path: str | None = None
               ) -> LevelOutcome:
    out = LevelOutcome(code)
    if not _environment_ok(out, code, path):
        return out
    res = _exec_once(code, scene, settings)
    # A still (nothing played) renders its last frame fine; only a video needs an animation.
    if settings.render_video and res.result is not None and res.result.get("animations") == 0:
        new, fixes = add_wait(code, scene)
        if fixes:
            res = _exec_once(new, scene, settings)
            if res.ok:
                out.code = new
                out.add_fixes(fixes, path)
    _sandboxed(out, res, path)
    if not res.ok or res.result is None:
        _classify(out, res, settings, path, "MF407")
        return out
    out.result.update(res.result)
    return out


def check_render(code: str, scene: str, settings: Settings, path: str | None = None
                 ) -> LevelOutcome:
    """Last frame (or the whole video with `render_video`); the PNG is kept under the cache."""
    out = LevelOutcome(code)
    if not _environment_ok(out, code, path, video=settings.render_video):
        return out
    work = workdir("manimflat-render-")  # where a warm run's zygote can see it
    try:
        file = work / SCENE_FILE
        file.write_text(code, encoding="utf-8")
        frame, res = render_run(file, scene, cwd=work, out_dir=work / "media",
                                timeout=settings.timeout, memory_mb=settings.memory_mb,
                                video=settings.render_video, warm=True)
        _sandboxed(out, res, path)
        if not frame.ok or frame.png is None:
            _classify(out, res, settings, path, "MF410")
            return out
        keep = frame_path(cache_key("render", code, scene, settings))
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(frame.png, keep)
        out.result["png"] = str(keep)
        if frame.video is not None:
            out.result["video_seconds"] = round(frame.seconds, 3)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


CHECKS = {"syntax": check_syntax, "static": check_static, "exec": check_exec,
          "render": check_render}


def run_level(level: str, code: str, scene: str, settings: Settings,
              path: str | None = None) -> LevelOutcome:
    """One level, through the cache; `result["seconds"]` is the time spent (0 on a hit)."""
    k = cache_key(level, code, scene, settings)
    if settings.cache:
        hit = cache_load(k)
        if hit is not None and (level != "render" or Path(hit["result"].get("png", "")).exists()):
            diags = [diag(d["code"], d["message"], severity=d["severity"], path=path,
                          line=d["line"], col=d["col"]) for d in hit["diagnostics"]]
            return LevelOutcome(hit["code"], diags, {**hit["result"], "cached": True})
    start = time.perf_counter()
    out = CHECKS[level](code, scene, settings, path)
    out.result["seconds"] = round(time.perf_counter() - start, 4)
    if settings.cache and "environment" not in out.result:
        # MF418 is said once per process, not once per cached scene.
        cache_store(k, {"code": out.code, "result": out.result,
                        "diagnostics": [d.to_json() for d in out.diagnostics
                                        if d.code != "MF418"]})
    return out
