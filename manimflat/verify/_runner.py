"""Child-process entry of the sandbox: `python _runner.py TASK.json`. Never imported by manimflat.

It installs a write guard (an audit hook refusing writes outside the task's `writable` folders),
then does one job: `info` (what `from M import *` brings, which exports are Scene classes),
`exec` (run a scene's construct with animations skipped and no media written), or `render`
(`python -m manim render ...` exactly as a user would run it). The JSON result is printed after
a marker on stdout; the parent reads nothing else from this process.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

MARKER = "\x1emanimflat-result\x1e"  # == sandbox.RESULT_MARKER (this file imports nothing local)
REFUSED = "manimflat-sandbox: write refused outside the working folder"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
# audit event -> indexes of the path arguments that get written/removed
_PATH_EVENTS = {"os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1),
                "os.link": (1,), "os.symlink": (1,), "os.truncate": (0,), "os.chmod": (0,),
                "os.chown": (0,), "os.utime": (0,), "shutil.rmtree": (0,),
                "shutil.copyfile": (1,), "shutil.copytree": (1,), "shutil.move": (0, 1)}


def install_guard(writable: list[str]) -> None:
    roots = [os.path.realpath(r) for r in writable]
    allowed_files = {"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"}

    def inside(path: Any) -> bool:
        if isinstance(path, int) or path is None:
            return True
        p = os.path.realpath(os.fsdecode(path))
        return (p in allowed_files or any(p == r or p.startswith(r + os.sep) for r in roots)
                or manim_scratch(p))

    def manim_scratch(p: str) -> bool:
        # SVGMobject writes `<name>_.svg` beside `<name>.svg` and deletes it at once; an
        # original scene run inside its repository cannot avoid that.
        return p.endswith("_.svg") and os.path.isfile(p[: -len("_.svg")] + ".svg")

    def refuse(path: Any) -> None:
        os.write(2, f"{REFUSED}: {os.fsdecode(path)}\n".encode())  # even if sys.stderr is swapped
        raise PermissionError(f"{REFUSED}: {os.fsdecode(path)}")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writing and not inside(path):
                refuse(path)
        elif event in _PATH_EVENTS:
            for i in _PATH_EVENTS[event]:
                if i < len(args) and not inside(args[i]):
                    refuse(args[i])

    sys.addaudithook(hook)


def star_names(module: str) -> dict[str, Any]:
    import importlib
    import inspect

    mod = importlib.import_module(module)
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    scenes: list[str] = []
    if module == "manim":
        scene_base = mod.Scene
        scenes = [n for n in names if inspect.isclass(getattr(mod, n, None))
                  and issubclass(getattr(mod, n), scene_base)]
    return {"names": sorted(names), "scenes": sorted(scenes),
            "version": getattr(mod, "__version__", None)}


def load_scene_class(file: str, scene: str) -> type:
    import importlib.util

    # Import roots as `python -m manim FILE` has them: the working directory, the file's folder.
    sys.path[:0] = [os.path.dirname(os.path.abspath(file)), os.getcwd()]
    spec = importlib.util.spec_from_file_location("manimflat_scene", file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    cls = getattr(module, scene, None)
    if not isinstance(cls, type):
        raise LookupError(f"scene class {scene!r} not defined in {file}")  # noqa: TRY004
    return cls


def asset_boxes(scene: Any) -> list[list[int]]:
    """Pixel boxes (x0, y0, x1, y1) of file-backed mobjects on screen at the end of construct."""
    from manim import ImageMobject, SVGMobject, config

    boxes: list[list[int]] = []
    fw, fh = config.frame_width, config.frame_height
    pw, ph = config.pixel_width, config.pixel_height
    seen: set[int] = set()
    for top in scene.mobjects:
        for m in top.get_family():
            if id(m) in seen or not isinstance(m, (ImageMobject, SVGMobject)):
                continue
            seen.add(id(m))
            if type(m).__module__.startswith("manim.mobject.text"):
                continue  # Tex and Text are SVGs manim generates, not assets of the repo
            left, right = m.get_left()[0], m.get_right()[0]
            top_y, bottom = m.get_top()[1], m.get_bottom()[1]
            boxes.append([int((left + fw / 2) / fw * pw), int((fh / 2 - top_y) / fh * ph),
                          int((right + fw / 2) / fw * pw) + 1,
                          int((fh / 2 - bottom) / fh * ph) + 1])
    return boxes


def run_exec(task: dict[str, Any]) -> dict[str, Any]:
    from manim import config

    config.media_dir = os.path.join(task["workdir"], "media")
    config.dry_run = True  # no output format: nothing is written
    config.disable_caching = True
    config.progress_bar = "none"
    config.verbosity = "WARNING"
    cls = load_scene_class(task["file"], task["scene"])
    scene = cls()
    # Skip animations: construct still runs every play/wait call, but frames are not drawn.
    scene.renderer._original_skipping_status = True
    scene.renderer.skip_animations = True
    scene.render()
    from manim import Mobject

    # `self.wait()` leaves the empty placeholder Mobject of its Wait animation in the scene.
    shown = [m for m in scene.mobjects
             if not (type(m) is Mobject and not m.submobjects and len(m.points) == 0)]
    return {"animations": scene.renderer.num_plays,
            "mobjects": [type(m).__name__ for m in shown],
            "duration": round(float(scene.renderer.time), 4)}


def run_render(task: dict[str, Any]) -> dict[str, Any]:
    import runpy

    boxes: list[list[int]] = []
    if task.get("boxes"):
        from manim import Scene

        original = Scene.tear_down

        def tear_down(self: Any) -> None:
            original(self)
            boxes.extend(asset_boxes(self))
        Scene.tear_down = tear_down  # type: ignore[method-assign]
    # As `python -m manim` does: the working directory is the first import root.
    sys.path.insert(0, os.getcwd())
    sys.argv = ["manim", "render", *task["argv"]]
    try:
        runpy.run_module("manim", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    return {"boxes": boxes}


def set_limits(memory_mb: int, cpu_seconds: int, fsize_mb: int) -> None:
    """Limits for this process and every tool it starts (latex, ffmpeg), set before any scene
    code runs. Set here rather than in a `preexec_fn`, which is unsafe with threads."""
    import resource

    mem = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    fsize = fsize_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as fh:
        task = json.load(fh)
    set_limits(**task["limits"])
    install_guard(task["writable"])
    try:
        job = task["job"]
        if job == "info":
            result: dict[str, Any] = {m: star_names(m) for m in task["modules"]}
        elif job == "exec":
            result = run_exec(task)
        else:
            result = run_render(task)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent through stderr
        traceback.print_exc()
        sys.stderr.write(f"manimflat-exception: {type(exc).__name__}\n")
        sys.stderr.flush()
        return 1
    sys.stdout.flush()
    sys.stdout.write(MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


def zygote() -> int:
    """Warm start (`_runner.py --zygote`): import manim once, then fork one child per task.

    Reads `[task_file, cwd]` JSON lines on stdin and answers each with the child's pid. The child
    starts its own session, sends its output to `stdout`/`stderr` files in the task's folder and
    runs `main` exactly as a cold start would (limits, write guard, job). When a child ends, its
    exit code is written (atomically) to `exit` in that folder, which the parent polls.
    """
    import signal

    import manim  # noqa: F401 - the point: every child starts with manim imported

    pending: dict[int, str] = {}

    def reap(*_: Any) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            work = pending.pop(pid, None)
            if work is not None:
                tmp = os.path.join(work, "exit.tmp")
                with open(tmp, "w", encoding="utf-8") as fh:
                    fh.write(str(os.waitstatus_to_exitcode(status)))
                os.replace(tmp, os.path.join(work, "exit"))

    signal.signal(signal.SIGCHLD, reap)
    for line in sys.stdin:
        task_file, cwd = json.loads(line)
        work = os.path.dirname(task_file)
        # Block SIGCHLD until the child is in `pending`, so a fast child is never lost.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
                os.setsid()
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                for fd, name in ((1, "stdout"), (2, "stderr")):
                    out = os.open(os.path.join(work, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                    os.dup2(out, fd)
                os.chdir(cwd)
                os.environ.update(HOME=work, TMPDIR=work,
                                  XDG_CACHE_HOME=os.path.join(work, ".cache"))
                import tempfile

                tempfile.tempdir = None  # recomputed from TMPDIR
                sys.argv = [sys.argv[0], task_file]
                code = main()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        pending[pid] = work
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(zygote() if sys.argv[1:] == ["--zygote"] else main())
