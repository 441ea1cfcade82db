"""Child-process entry of the sandbox: `python _runner.py TASK.json`. Never imported by manimflat.

It sets rlimits and a write guard (an audit hook refusing writes outside the task's `writable`
folders), then does one job: `exec` (run a scene's construct with animations skipped and no
media written), `storyboard` (the same run with its timeline recorded by `storyboard.py`), or
`render` (`python -m manim render ...` exactly as a user would run it). The JSON result goes to
the descriptor `result_fd` the parent opened for it (not inherited by programs the scene starts);
stdout and stderr are the scene's own and never count as a result.

`_runner.py --zygote FD` is the warm start: it imports manim once and forks one child per task
received on the Unix socket FD (see `zygote`).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

REFUSED = "manimflat-sandbox: write refused outside the working folder"
_HERE = os.path.dirname(os.path.realpath(__file__))
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


def redirect_svg_scratch(workdir: str) -> None:
    """`SVGMobject` writes a modified copy `<name>_.svg` beside the SVG it reads; inside its
    repository that is a read-only folder now, so the copy goes to the working folder instead.
    Only the known implementation is replaced; anything else is left as it is."""
    import inspect
    import tempfile
    import xml.etree.ElementTree as ET

    from manim.mobject.svg import svg_mobject as sm

    original = sm.SVGMobject.generate_mobject
    if "modified_file_path" not in inspect.getsource(original):
        return

    def generate_mobject(self: Any) -> Any:
        file_path = self.get_file_path()
        new_tree = self.modify_xml_tree(ET.parse(file_path))
        fd, scratch = tempfile.mkstemp(suffix=file_path.suffix, dir=workdir)
        os.close(fd)
        try:
            new_tree.write(scratch)
            svg = sm.se.SVG.parse(scratch)
        finally:
            os.unlink(scratch)
        mobjects, mobject_dict = self.get_mobjects_from(svg)
        self.add(*mobjects)
        self.id_to_vgroup_dict = mobject_dict
        self.flip(sm.RIGHT)
        return self

    sm.SVGMobject.generate_mobject = generate_mobject  # type: ignore[method-assign]


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


def _sibling(name: str) -> Any:
    """A module beside this file, loaded by path: the child never imports manimflat."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"manimflat_{name}",
                                                  os.path.join(_HERE, f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def set_limits(memory_mb: int, cpu_seconds: int, fsize_mb: int, processes: int = 0) -> None:
    """Limits for this process and every tool it starts (latex, ffmpeg), set before any scene
    code runs. Set here rather than in a `preexec_fn`, which is unsafe with threads.
    `processes` (RLIMIT_NPROC) only inside the sandbox's user namespace, where it counts the
    sandbox's processes alone (the kernel exempts a caller that is root)."""
    import resource

    mem = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    fsize = fsize_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def run_task(task: dict[str, Any]) -> int:
    """The job; its result goes to `task["result_fd"]`. 0 only when the result was sent."""
    result_fd = int(task["result_fd"])
    os.set_inheritable(result_fd, False)  # latex, ffmpeg or a shell never get it
    # The runner's own folder is no import root of the scene (as `python -m manim` has it).
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != _HERE]
    set_limits(**task["limits"])
    install_guard(task["writable"])
    try:
        job = task["job"]
        if job == "exec":
            redirect_svg_scratch(task["workdir"])
            result: dict[str, Any] = run_exec(task)
        elif job == "storyboard":  # the exec run, with its timeline recorded (storyboard.py)
            redirect_svg_scratch(task["workdir"])
            result = _sibling("storyboard").run(task, run_exec)
        else:
            redirect_svg_scratch(task["workdir"])
            result = run_render(task)
        data = json.dumps(result).encode()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent through stderr
        traceback.print_exc()
        sys.stderr.write(f"manimflat-exception: {type(exc).__name__}\n")
        sys.stderr.flush()
        return 1
    sys.stdout.flush()
    while data:
        data = data[os.write(result_fd, data):]
    os.close(result_fd)
    return 0


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as fh:
        task = json.load(fh)
    return run_task(task)


def _no_ptrace() -> None:
    """Children run the scenes: they must not ptrace (or read the memory of) the zygote."""
    import ctypes

    pr_set_dumpable = 4
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)


def _clean_namespace(keep: str) -> None:
    """After a run inside the zygote's PID namespace: kill every process but bwrap's init and
    this one (a `setsid()` child of the scene included), and empty the private temp folders
    except `keep`, the folder bound from outside (the parent reads and removes what is there)."""
    import shutil
    import signal
    import time

    me = os.getpid()
    for _ in range(200):
        others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.005)  # bwrap's init reaps them
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            path = os.path.join(folder, name)
            if keep == path or keep.startswith(path + os.sep):
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass


def _child(task: dict[str, Any], cwd: str, out: int, err: int, res: int) -> int:
    """The forked child of the zygote: its own session, descriptors and folders, then `run_task`
    exactly as a cold start would run it."""
    import ctypes
    import tempfile

    os.setsid()
    ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # dumpable again: only the zygote is protected
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    res = os.dup2(res, 3, inheritable=False)
    os.closerange(4, 1 << 16)  # the zygote's socket and the received copies included
    os.chdir(cwd)
    work = task["workdir"]
    os.environ.update(HOME=work, TMPDIR=work, XDG_CACHE_HOME=os.path.join(work, ".cache"))
    tempfile.tempdir = None  # recomputed from TMPDIR
    sys.argv = [sys.argv[0]]
    return run_task({**task, "result_fd": res})


def zygote(fd: int, root: str) -> int:
    """Warm start: import manim once, then fork one child per task, one task at a time.
    `root` is the folder bound from outside that holds the tasks' working folders.

    Messages on the Unix socket `fd` (SOCK_SEQPACKET): this side sends `{"ready": true}`, then
    per task it receives `{"task", "cwd"}` with three descriptors (stdout, stderr, result pipe),
    answers `{"started": pid}` and, once the child ended and the namespace is clean,
    `{"exit": code}`. The parent keeps every deadline; this side never waits on the parent.
    """
    import socket

    sock = socket.socket(fileno=fd)
    _no_ptrace()
    import manim  # noqa: F401 - the point: every child starts with manim imported

    sock.send(json.dumps({"ready": True}).encode())
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, 1 << 20, 3)
        except OSError:
            return 0
        if not data:
            return 0
        message = json.loads(data)
        if len(fds) != 3:
            return 1
        out, err, res = fds
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(message["task"], message["cwd"], out, err, res)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        for f in fds:
            os.close(f)
        sock.send(json.dumps({"started": pid}).encode())
        _, status = os.waitpid(pid, 0)
        if message["task"].get("pid_namespace"):
            _clean_namespace(root)
        sock.send(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode())


if __name__ == "__main__":
    sys.exit(zygote(int(sys.argv[2]), sys.argv[3]) if sys.argv[1:2] == ["--zygote"] else main())
