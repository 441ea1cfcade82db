"""The storyboard: what a scene does, measured by running it (the exec level, nothing rendered).

This module is loaded by `_runner.py` inside the sandboxed child only (by file path: the child
never imports manimflat), so it imports nothing but the standard library and, once running,
manim. `run(task, run_exec)` hooks `Scene` methods of that child process, runs the scene as the
exec level does (animations skipped, no media written) and returns its timeline:

- `events`, in order: `play` (its animations: class, mobject, target, `.animate` methods),
  `wait`, `add`, `remove` and `camera` (a `ThreeDScene` camera call, or a play that moves a
  `MovingCameraScene`'s frame), each with its start time `t` and `run_time` in seconds;
- each mobject as class, colour (hex and manim's name for it), width, height and centre, with
  the texts it shows: `Text`/`MarkupText`/`Paragraph` strings, `Tex`/`MathTex` parts, `Code`;
- `texts` (every string shown, in order of first appearance), `duration` (the scene's total
  time in seconds: what the rendered video lasts), `n_animations` (animations played, waits
  excluded) and `error` when the scene raised (the timeline up to there is kept).

The parent side (running the job, caching it) is `record` at the end; it is never called in
the child.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

MAX_EVENTS = 400  # a scene looping over thousands of plays keeps its first ones
MAX_TEXT = 2000  # characters kept of one string shown
MAX_TEXTS = 40  # strings kept per mobject

# mobject class name -> what its strings are
_TEXT_KINDS = {"Text": "text", "MarkupText": "text", "Paragraph": "text", "Title": "tex",
               "Tex": "tex", "MathTex": "math", "SingleStringMathTex": "math",
               "BulletedList": "tex", "Code": "code"}


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.texts: list[str] = []
        self.depth = 0  # inside play/wait/camera calls: nested add/play are theirs
        self.truncated = False
        self.scene: Any = None
        self.colour_names: dict[str, str] = {}
        self.current: dict[str, Any] | None = None  # the event of the outermost call running

    # ------------------------------------------------------------ what a mobject is

    def mobject(self, m: Any) -> dict[str, Any]:
        info: dict[str, Any] = {"class": type(m).__name__}
        try:  # an odd mobject (no points, a broken colour) still gets its class recorded
            colour = m.get_color()
            hex_ = (colour.to_hex() if hasattr(colour, "to_hex") else str(colour)).upper()
            info["color"] = hex_
            if hex_ in self.colour_names:
                info["color_name"] = self.colour_names[hex_]
            info["width"] = round(float(m.width), 3)
            info["height"] = round(float(m.height), 3)
            info["center"] = [round(float(x), 3) for x in m.get_center()[:2]]
        except Exception as exc:  # noqa: BLE001
            info["unmeasured"] = type(exc).__name__
        texts: list[dict[str, str]] = []
        self._texts(m, texts)
        if texts:
            info["texts"] = texts
        subs = getattr(m, "submobjects", None) or []
        if subs and not texts:
            info["parts"] = len(subs)
            kinds = sorted({type(s).__name__ for s in subs})
            info["part_classes"] = kinds[:8]
        return info

    def _texts(self, m: Any, out: list[dict[str, str]]) -> None:
        if len(out) >= MAX_TEXTS:
            return
        kind = next((_TEXT_KINDS[c.__name__] for c in type(m).__mro__
                     if c.__name__ in _TEXT_KINDS), None)
        if kind is not None:
            for value in _strings(m, kind):
                out.append({"kind": kind, "value": value[:MAX_TEXT]})
                if value not in self.texts:
                    self.texts.append(value[:MAX_TEXT])
            return
        for sub in getattr(m, "submobjects", None) or []:
            self._texts(sub, out)

    # ------------------------------------------------------------ events

    def event(self, kind: str, **fields: Any) -> None:
        if len(self.events) >= MAX_EVENTS:
            self.truncated = True
            return
        t = float(getattr(self.scene.renderer, "time", 0.0)) if self.scene is not None else 0.0
        self.events.append({"kind": kind, "t": round(t, 4), **fields})

    def animation(self, anim: Any) -> dict[str, Any]:
        info: dict[str, Any] = {"class": type(anim).__name__,
                                "run_time": round(float(getattr(anim, "run_time", 0.0)), 4)}
        inner = getattr(anim, "animations", None)
        matching = type(anim).__name__.startswith("TransformMatching")  # one transform to us
        if isinstance(inner, (list, tuple)) and inner and not matching:  # groups, Succession
            info["animations"] = [self.animation(a) for a in inner[:20]]
            return info
        mob = getattr(anim, "mobject", None)
        if matching:  # its mobject is a group of its own; what it transforms is to_remove
            mob = getattr(anim, "to_remove", None)
            mob = mob[0] if isinstance(mob, (list, tuple)) and mob else mob
            if getattr(anim, "to_add", None) is not None:
                anim.target_mobject = getattr(anim, "target_mobject", None) or anim.to_add
        if mob is not None and type(mob).__name__ != "Mobject":  # Wait's empty placeholder
            info["mobject"] = self.mobject(mob)
            frame = getattr(getattr(self.scene, "camera", None), "frame", None)
            if frame is not None and mob is frame:
                info["camera"] = True
        target = getattr(anim, "target_mobject", None)
        if target is not None and target is not mob and type(target).__name__ != "Mobject":
            info["target"] = self.mobject(target)
        methods = getattr(anim, "methods", None)
        if isinstance(methods, list):
            info["methods"] = [getattr(getattr(x, "method", None), "__name__", "?")
                               for x in methods]
        return info

    def result(self, duration: float, error: str | None) -> dict[str, Any]:
        plays = [e for e in self.events if e["kind"] in ("play", "camera")]
        n = sum(len(e.get("animations", [])) for e in plays)
        return {"events": self.events, "texts": self.texts, "duration": round(duration, 4),
                "n_animations": n, "n_plays": len(plays), "truncated": self.truncated,
                "error": error}


def _strings(m: Any, kind: str) -> list[str]:
    if kind == "code":
        value = getattr(m, "_storyboard_code", None)
        return [value] if isinstance(value, str) else []
    if kind in ("tex", "math"):
        parts = getattr(m, "tex_strings", None)
        if isinstance(parts, (list, tuple)) and parts:
            return [str(p) for p in parts if str(p).strip()]
        value = getattr(m, "tex_string", None)
        return [value] if isinstance(value, str) and value.strip() else []
    value = getattr(m, "original_text", None)
    if not isinstance(value, str):
        value = getattr(m, "text", None)
    if kind == "text" and type(m).__name__ == "Paragraph":
        lines = getattr(m, "lines_text", None)
        value = getattr(lines, "original_text", value)
    return [value] if isinstance(value, str) and value.strip() else []


def _colour_names() -> dict[str, str]:
    """manim's colour constants by hex (the first, shortest name wins: BLUE before BLUE_C)."""
    try:
        from manim.utils.color import manim_colors
    except ImportError:
        return {}
    out: dict[str, str] = {}
    for name in sorted(dir(manim_colors), key=lambda n: (len(n), n)):
        value = getattr(manim_colors, name)
        if name.isupper() and hasattr(value, "to_hex"):
            out.setdefault(value.to_hex().upper(), name)
    return out


def install(rec: Recorder) -> None:
    """Wrap the Scene methods a timeline is made of; only in this (sandboxed child) process."""
    from manim import Code, Scene, ThreeDScene

    def outer(kind: str, original: Callable[..., Any],
              fields: Callable[..., dict[str, Any]]) -> Callable[..., Any]:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if rec.depth:
                return original(self, *args, **kwargs)
            rec.scene = self
            start = len(rec.events)
            try:
                data = fields(self, *args, **kwargs)
            except Exception:  # noqa: BLE001 - recording never breaks the scene
                data = {}
            rec.event(kind, **data)
            rec.current = rec.events[start] if start < len(rec.events) else None
            before = float(self.renderer.time)
            rec.depth += 1
            try:
                return original(self, *args, **kwargs)
            finally:
                rec.depth -= 1
                if rec.current is not None and kind != "add" and kind != "remove":
                    rec.current["run_time"] = round(float(self.renderer.time) - before, 4)
                rec.current = None
        return wrapper

    def mobjects(self: Any, *mobs: Any, **_: Any) -> dict[str, Any]:
        return {"mobjects": [rec.mobject(m) for m in mobs[:30]]}

    def wait(self: Any, duration: float = 1.0, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {}

    def camera(method: str) -> Callable[..., dict[str, Any]]:
        def fields(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
            named = {k: v for k, v in kwargs.items() if isinstance(v, (int, float, str))}
            return {"method": method, "args": named}
        return fields

    original_compile = Scene.compile_animation_data

    def compile_animation_data(self: Any, *args: Any, **kwargs: Any) -> Any:
        out = original_compile(self, *args, **kwargs)
        last = rec.current
        if last is not None and last["kind"] in ("play", "camera") and "animations" not in last:
            try:
                anims = [rec.animation(a) for a in (self.animations or [])[:30]]
            except Exception:  # noqa: BLE001
                anims = []
            if last["kind"] == "play" and anims and all(a.get("camera") for a in anims):
                last["kind"] = "camera"
                last["method"] = "frame.animate"
            last["animations"] = anims
        return out

    Scene.compile_animation_data = compile_animation_data  # type: ignore[method-assign]
    Scene.play = outer("play", Scene.play, lambda self, *a, **k: {})  # type: ignore[method-assign]
    Scene.wait = outer("wait", Scene.wait, wait)  # type: ignore[method-assign]
    Scene.add = outer("add", Scene.add, mobjects)  # type: ignore[method-assign]
    Scene.remove = outer("remove", Scene.remove, mobjects)  # type: ignore[method-assign]
    for name in ("set_camera_orientation", "move_camera", "begin_ambient_camera_rotation",
                 "stop_ambient_camera_rotation", "begin_3dillusion_camera_rotation"):
        if hasattr(ThreeDScene, name):
            setattr(ThreeDScene, name, outer("camera", getattr(ThreeDScene, name),
                                             camera(name)))

    original_code = Code.__init__

    def code_init(self: Any, code_file: Any = None, code_string: Any = None, *args: Any,
                  **kwargs: Any) -> None:
        original_code(self, code_file, code_string, *args, **kwargs)
        text = code_string
        if code_file is not None and text is None:
            try:
                with open(code_file, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                text = None
        self._storyboard_code = text

    Code.__init__ = code_init  # type: ignore[method-assign]


def run(task: dict[str, Any], run_exec: Callable[[dict[str, Any]], dict[str, Any]]
        ) -> dict[str, Any]:
    """The runner's `storyboard` job: the exec level's run with the timeline recorded. A scene
    that raises still gives its timeline up to the error (and the error's last line)."""
    rec = Recorder()
    rec.colour_names = _colour_names()
    install(rec)
    error = None
    result: dict[str, Any] = {}
    try:
        result = run_exec(task)
    except Exception as exc:  # noqa: BLE001 - the scene's failure is part of what it does
        traceback.print_exc()
        error = f"{type(exc).__name__}: {exc}"[:500]
    duration = float(rec.scene.renderer.time) if rec.scene is not None else 0.0
    return {**result, "storyboard": rec.result(result.get("duration", duration), error)}


# ---------------------------------------------------------------- parent side

def record(code: str, scene: str, settings: Any = None) -> dict[str, Any]:
    """The storyboard of `scene` in `code` (one single-file scene), run in the sandbox and cached
    by content like a verify level. A sandbox failure (time or memory limit, a crash before the
    scene ran) gives a storyboard with no events and `error` saying why."""
    import hashlib
    from pathlib import Path

    from ..settings import Settings
    from . import cache, sandbox
    from .levels import SCENE_FILE

    settings = settings or Settings()
    # The recorder's own source is part of the key: a changed recorder records anew.
    recorder = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    k = cache.key(f"storyboard-{recorder}", code, scene, settings)
    if settings.cache:
        hit = cache.load(k)
        if hit is not None:
            return hit
    res = sandbox.run({"job": "storyboard", "file": SCENE_FILE, "scene": scene},
                      timeout=settings.timeout, memory_mb=settings.memory_mb,
                      files={SCENE_FILE: code}, warm=True)
    board = res.result.get("storyboard") if res.result else None
    if not isinstance(board, dict):
        why = ("time limit" if res.timed_out else "memory limit" if res.memory_exceeded
               else res.exception() or res.tail(1) or f"exit status {res.returncode}")
        board = {"events": [], "texts": [], "duration": 0.0, "n_animations": 0, "n_plays": 0,
                 "truncated": False, "error": f"the run failed: {why}"[:500]}
        if res.timed_out or res.memory_exceeded:
            return board  # a limit may be the machine's load: not cached
    if settings.cache:
        cache.store(k, board)
    return board
