"""Run untrusted scene code in an OS sandbox with limits; never in this process.

Scraped repositories are untrusted, so every execution goes through `run`. Each run happens
inside bubblewrap (`bwrap`): a read-only view of the root file system with the caller's home,
`/root`, `/run` and the temporary folders replaced by empty ones (only the Python installation,
the runner, the working folder and the folders the run needs are bound back), no network, new
PID, IPC and UTS namespaces, a new session, no capabilities, and a clean environment. The whole
sandbox dies with manimflat (`--die-with-parent`) and when its first process ends, so a `setsid()`
child cannot outlive its run. Inside, `_runner.py` sets rlimits (address space, CPU, file size,
process count) and an audit hook that refuses writes outside the working folders: a second layer,
and the only one where bubblewrap cannot run (then the run is marked `"sandbox": "weak"` and
`weak_sandbox_notice` explains why, once per process).

The parent bounds what rlimits cannot: every wait has a deadline, and a watchdog polls the
sandbox's whole process tree, killing it when its resident memory together exceeds the limit or
it holds more than `MAX_PROCESSES` processes. The runner reports its result through a pipe whose
write end the parent opened and passed as an extra descriptor; nothing the scene prints counts,
and an exit without a result is a failure (`SandboxResult.ok`).

A cold run starts a new interpreter; a warm run forks from a zygote that already imported manim.
A zygote lives inside one bubblewrap sandbox per thread, binds one folder of its own (runs that
want a warm start put their files under `workdir()`), runs one task at a time, and after each
run kills every other process in its PID namespace and empties its `/tmp`, so one run cannot
touch the next. A zygote whose run timed out or broke a limit is killed and replaced.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import site
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).with_name("_runner.py")
STORYBOARD = RUNNER.with_name("storyboard.py")  # the runner loads it for its storyboard job
# Written by the runner's audit hook when a write outside the allowed folders is refused.
WRITE_REFUSED = "manimflat-sandbox: write refused outside the working folder"
MAX_PROCESSES = 64  # processes one run may hold at once (latex and dvisvgm need a few)
RESULT_LIMIT = 16 * 1024 * 1024  # bytes of result JSON the parent accepts
OUTPUT_TAIL = 1024 * 1024  # bytes of stdout / stderr kept: where the errors are
_POLL = 0.05  # seconds between watchdog checks
_ZYGOTE_START = 120.0  # seconds a zygote may take to import manim on a loaded machine
# `MANIMFLAT_SANDBOX=weak` forces the fallback (machines where bubblewrap misbehaves).
SANDBOX_ENV = "MANIMFLAT_SANDBOX"

_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TERM", "SYSTEMROOT")
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class SandboxResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    result: dict[str, Any] | None  # the runner's JSON result, when it sent one
    sandbox: str = "bubblewrap"  # or "weak": rlimits and the audit hook only
    killed: str | None = None  # "memory" or "processes" when the watchdog killed the tree

    @property
    def ok(self) -> bool:
        """The runner finished its job and said so through its own channel."""
        return self.returncode == 0 and self.result is not None and not self.timed_out

    @property
    def memory_exceeded(self) -> bool:
        # RLIMIT_AS shows up as MemoryError in Python, or as a failed allocation in C code
        # (numpy, cairo) that aborts the process; the watchdog bounds the tree as a whole.
        return (self.killed == "memory" or "MemoryError" in self.stderr
                or "Cannot allocate memory" in self.stderr or "std::bad_alloc" in self.stderr
                or (self.returncode in (-signal.SIGSEGV, -signal.SIGABRT) and not self.timed_out))

    @property
    def write_refused(self) -> bool:
        return WRITE_REFUSED in self.stderr

    def exception(self) -> str | None:
        """The last `SomeError: message` line of the (plain or rich) traceback on stderr."""
        import re

        pattern = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Iteration)\b(: .*)?$")
        found = [ln.strip() for ln in self.stderr.splitlines() if pattern.match(ln.strip())]
        found = [ln for ln in found if not ln.startswith(("SystemExit", "manimflat-"))]
        return found[-1] if found else None

    def tail(self, lines: int = 12) -> str:
        """The end of stderr: where Python puts the exception that matters."""
        return "\n".join(self.stderr.strip().splitlines()[-lines:])


def scrubbed_env(home: Path) -> dict[str, str]:
    """Only what manim and its tools need; no credentials, no PYTHONPATH, no user site."""
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    env.update({
        "HOME": str(home), "TMPDIR": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONDONTWRITEBYTECODE": "1",  # importing repo modules must not write __pycache__
        "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8", "PYTHONNOUSERSITE": "1",
        # One BLAS thread: keeps the address space (RLIMIT_AS) and the 2-core machine sane.
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg", "NO_COLOR": "1", "COLUMNS": "200",
    })
    return env


# ---------------------------------------------------------------- which sandbox

_kind_lock = threading.Lock()
_kind: tuple[str, str | None] | None = None  # (kind, why it is weak)
_notice_given = False


def _bwrap() -> str | None:
    # Not only the caller's PATH: a narrowed PATH must not silently weaken the sandbox.
    return shutil.which("bwrap", path=os.pathsep.join([os.environ.get("PATH", ""),
                                                       "/usr/bin:/bin:/usr/local/bin"]))


def sandbox_kind() -> str:
    """"bubblewrap" when a bubblewrap sandbox works on this machine, else "weak"."""
    global _kind
    with _kind_lock:
        if _kind is None:
            _kind = _probe()
        return _kind[0]


def _probe() -> tuple[str, str | None]:
    if os.environ.get(SANDBOX_ENV) == "weak":
        return "weak", f"{SANDBOX_ENV}=weak is set"
    bwrap = _bwrap()
    if bwrap is None:
        return "weak", "bubblewrap (`bwrap`) is not installed (Debian/Ubuntu: `apt install bubblewrap`)"
    argv = [bwrap, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
            "--unshare-all", "--die-with-parent", "--new-session", *_caps(), "true"]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=30, env={}, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "weak", f"bubblewrap did not start: {exc}"
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return "weak", (f"bubblewrap cannot create its namespaces here ({why[0]}); user "
                        "namespaces may be disabled (sysctl kernel.unprivileged_userns_clone, "
                        "user.max_user_namespaces)")
    return "bubblewrap", None


def weak_sandbox_notice() -> str | None:
    """Why runs use the weaker sandbox: returned once per process, None afterwards (or when
    bubblewrap works)."""
    global _notice_given
    if sandbox_kind() != "weak":
        return None
    with _kind_lock:
        if _notice_given:
            return None
        _notice_given = True
    assert _kind is not None
    return _kind[1]


def _caps() -> list[str]:
    # bwrap keeps a privileged caller's capabilities unless told; an unprivileged one has none.
    return ["--cap-drop", "ALL"] if os.geteuid() == 0 else []


def _hidden() -> list[Path]:
    """Folders replaced by empty ones: the caller's home and credentials, shared temp folders
    and runtime sockets (a Unix socket needs no network: `/run/docker.sock` would be root)."""
    out = [Path.home(), Path("/root"), Path("/run"), Path("/var/run"), Path("/tmp"),
           Path("/var/tmp"), Path(tempfile.gettempdir())]
    seen: list[Path] = []
    for p in out:
        if p.is_dir() and not p.is_symlink():
            p = p.resolve()
            if p not in seen and p != Path("/"):
                seen.append(p)
    return sorted(seen, key=lambda p: len(p.parts))  # a folder before any folder inside it


_SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-")


def _python_paths() -> list[Path]:
    """What the runner needs to start Python and import manim, wherever it is installed."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), *site.getsitepackages()}
    return sorted({Path(os.path.realpath(p)) for p in paths if os.path.isdir(p)})


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


def bwrap_argv(*, readable: list[Path], writable: list[Path], cwd: Path,
               tmp_mb: int) -> list[str]:
    """The bubblewrap command line (without the command to run inside)."""
    bwrap = _bwrap()
    assert bwrap is not None
    hidden = _hidden()
    argv = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    # tmpfs is memory the watchdog does not see: /tmp gets the file-size limit, the rest little.
    temp = Path(tempfile.gettempdir()).resolve()
    for p in hidden:
        mb = tmp_mb if p in (Path("/tmp"), temp) else 16
        argv += ["--size", str(mb * 1024 * 1024), "--tmpfs", str(p)]
    argv += ["--size", str(64 * 1024 * 1024), "--tmpfs", "/dev/shm"]
    for f in _SECRET_FILES:
        if os.path.isfile(f):
            argv += ["--ro-bind", "/dev/null", f]
    # Bound back, read-only: only what lies under a hidden folder needs it.
    back = [*_python_paths(), RUNNER.resolve(), STORYBOARD.resolve(), *readable, cwd]
    for p in dict.fromkeys(p.resolve() for p in back):
        if _under(p, hidden) and p.exists():
            argv += ["--ro-bind", str(p), str(p)]
    for p in dict.fromkeys(p.resolve() for p in writable):
        argv += ["--bind", str(p), str(p)]
    # The home and /root stand-ins stay empty and read-only; /tmp and /var/tmp stay writable.
    for p in hidden:
        if p in (Path.home().resolve(), Path("/root"), Path("/run")):
            argv += ["--remount-ro", str(p)]
    argv += ["--chdir", str(cwd), "--unshare-all", "--die-with-parent", "--new-session",
             "--hostname", "sandbox", *_caps()]
    return argv


# ---------------------------------------------------------------- process trees

def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _tree(root: int) -> list[int]:
    """`root` and all its descendants (in a PID namespace: everything inside it)."""
    seen: list[int] = []
    todo = [root]
    while todo and len(seen) < 100_000:
        pid = todo.pop()
        if pid not in seen:
            seen.append(pid)
            todo += _children(pid)
    return seen


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


class _Watchdog:
    """Kills a run whose processes together hold more than the memory or process limit."""

    def __init__(self, root: int, exclude: tuple[int, ...], memory_mb: int) -> None:
        self.root, self.exclude, self.limit = root, exclude, memory_mb * 1024 * 1024
        self.killed: str | None = None

    def over(self) -> bool:
        pids = [p for p in _tree(self.root) if p not in self.exclude]
        if len(pids) > MAX_PROCESSES + 2:  # + bwrap's own two processes
            self.killed = "processes"
        elif sum(_rss(p) for p in pids) > self.limit:
            self.killed = "memory"
        return self.killed is not None


class _Process:
    """bwrap's init (PID 1 of the sandbox), known by its PID namespace so a recycled pid is never
    mistaken for it. Its exit completes only once every process in the namespace is dead."""

    def __init__(self, pid: int, ns: str) -> None:
        self.pid, self.ns = pid, ns

    @classmethod
    def first_child(cls, parent: int) -> _Process | None:
        kids = _children(parent)
        try:
            return cls(kids[0], os.readlink(f"/proc/{kids[0]}/ns/pid")) if kids else None
        except OSError:
            return None

    def running(self) -> bool:
        try:
            if os.readlink(f"/proc/{self.pid}/ns/pid") != self.ns:
                return False
            with open(f"/proc/{self.pid}/stat", encoding="ascii", errors="replace") as fh:
                return fh.read().rpartition(")")[2].split()[0] != "Z"
        except (OSError, IndexError):
            return False

    def wait_gone(self, seconds: float) -> None:
        """After bwrap itself ended: its init is killed with it, and the namespace with that;
        wait until that has happened, so nothing of the run is left when `run` returns."""
        end = time.monotonic() + seconds
        while self.running() and time.monotonic() < end:
            _kill([self.pid])
            time.sleep(0.01)


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_tail(path: Path) -> str:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - OUTPUT_TAIL))
        return fh.read().decode("utf-8", "replace")


class _ResultPipe:
    """The runner's result channel: the parent keeps the read end, the runner gets the write
    end as an extra descriptor. Scene output never goes here."""

    def __init__(self) -> None:
        self.r, self.w = os.pipe()
        os.set_blocking(self.r, False)
        self.data = bytearray()

    def pump(self) -> None:
        while len(self.data) <= RESULT_LIMIT:
            try:
                chunk = os.read(self.r, 65536)
            except BlockingIOError:
                return
            if not chunk:
                return
            self.data += chunk

    def close_writer(self) -> None:
        if self.w >= 0:
            os.close(self.w)
            self.w = -1

    def result(self) -> dict[str, Any] | None:
        self.pump()
        os.close(self.r)
        self.close_writer()
        if not self.data or len(self.data) > RESULT_LIMIT:
            return None
        try:
            value = json.loads(self.data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        return value if isinstance(value, dict) else None


# ---------------------------------------------------------------- the zygote

class _Zygote:
    """A `_runner.py --zygote` that already imported manim, inside its own sandbox; talks over
    a Unix socket pair (the child's descriptors travel with each task)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.owner = os.getpid()
        self.root = Path(tempfile.mkdtemp(prefix="manimflat-zygote-")).resolve()
        home = self.root / "home"
        home.mkdir()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = ours
        argv = [sys.executable, "-X", "utf8", str(RUNNER), "--zygote", str(theirs.fileno()),
                str(self.root)]
        if kind == "bubblewrap":
            argv = [*bwrap_argv(readable=[], writable=[self.root], cwd=home, tmp_mb=512), *argv]
        self.proc = subprocess.Popen(
            argv, cwd=home, env=scrubbed_env(home), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            pass_fds=(theirs.fileno(),))
        theirs.close()
        self.pid = -1  # the zygote's host pid, known once it is ready
        self.infra: tuple[int, ...] = ()  # bwrap's processes and the zygote: not the run's
        self.init: list[_Process] = []  # bwrap's init, filled once the zygote is ready
        self._finalizer = weakref.finalize(self, _Zygote._stop, self.proc, self.sock, self.root,
                                           self.owner, self.init)
        ready = self.receive(time.monotonic() + _ZYGOTE_START)
        if ready is None or "ready" not in ready:
            self.close()
            raise OSError("the zygote did not start")
        if kind == "bubblewrap":
            inner = _children(self.proc.pid)  # bwrap's own init, then the zygote under it
            zyg = _children(inner[0]) if inner else []
            self.pid = zyg[0] if zyg else -1
            self.infra = (self.proc.pid, *inner[:1], self.pid)
            init = _Process.first_child(self.proc.pid)
            if init is not None:
                self.init.append(init)
        else:
            self.pid = self.proc.pid
            self.infra = (self.pid,)

    @staticmethod
    def _stop(proc: subprocess.Popen[bytes], sock: socket.socket, root: Path, owner: int,
              init: list[_Process]) -> None:
        if os.getpid() != owner:
            return  # a forked copy (a process pool worker) must not kill its parent's zygote
        sock.close()
        _kill(_tree(proc.pid))  # outside bubblewrap, forked children left the zygote's group
        _kill_group(proc.pid)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for process in init:
            process.wait_gone(10)  # nothing of the sandbox is left when this returns
        shutil.rmtree(root, ignore_errors=True)

    def close(self) -> None:
        self._finalizer()

    def alive(self) -> bool:
        return self._finalizer.alive and self.proc.poll() is None and self.owner == os.getpid()

    def receive(self, deadline: float) -> dict[str, Any] | None:
        """The zygote's next message, or None when it is gone or the deadline passed."""
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self.sock], [], [], left)[0]:
            return None
        try:
            data = self.sock.recv(65536)
            value = json.loads(data) if data else None
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def run(self, task: dict[str, Any], cwd: Path, out: int, err: int, pipe: _ResultPipe,
            timeout: float, memory_mb: int) -> tuple[int, bool, str | None]:
        """(exit code, timed out, killed by the watchdog). Any doubt closes the zygote."""
        deadline = time.monotonic() + timeout
        message = json.dumps({"task": task, "cwd": str(cwd)}).encode()
        try:
            socket.send_fds(self.sock, [message], [out, err, pipe.w])
        except OSError:
            self.close()
            return -signal.SIGKILL, False, None
        pipe.close_writer()
        started = self.receive(deadline)
        if started is None or "started" not in started:
            self.close()
            return -signal.SIGKILL, time.monotonic() > deadline, None
        dog = _Watchdog(self.proc.pid, self.infra, memory_mb)
        while True:
            pipe.pump()
            if select.select([self.sock], [], [], _POLL)[0]:
                done = self.receive(deadline + 10)
                if done is None or "exit" not in done:
                    self.close()
                    return -signal.SIGKILL, False, None
                return int(done["exit"]), False, None
            if time.monotonic() > deadline:
                self.close()
                return -signal.SIGKILL, True, None
            if dog.over():
                self.close()
                return -signal.SIGKILL, False, dog.killed


_zygotes = threading.local()


def _zygote(kind: str) -> _Zygote | None:
    """This thread's zygote (runs in one thread are sequential, so one zygote serves them)."""
    z: _Zygote | None = getattr(_zygotes, "z", None)
    if z is not None and z.alive() and z.kind == kind:
        return z
    if z is not None and z.owner == os.getpid():
        z.close()
    try:
        _zygotes.z = _Zygote(kind)
    except OSError:
        _zygotes.z = None
    return _zygotes.z


def workdir(prefix: str = "manimflat-run-") -> Path:
    """A fresh folder for a run's files, where this thread's zygote can see it: callers that
    want a warm start (`run(..., warm=True)`) put the scene and its media folder here."""
    z = getattr(_zygotes, "z", None)
    if (z is None or not z.alive()) and _warm_allowed():
        z = _zygote(sandbox_kind())
    if z is not None and z.alive():
        return Path(tempfile.mkdtemp(prefix=prefix, dir=z.root))
    return Path(tempfile.mkdtemp(prefix=prefix)).resolve()


def _warm_allowed() -> bool:
    return not os.environ.get("MANIMFLAT_SANDBOX_COLD")


# ---------------------------------------------------------------- running

def _run_cold(kind: str, task_file: Path, cwd: Path, work: Path, readable: list[Path],
              writable: list[Path], out: int, err: int, pipe: _ResultPipe, timeout: float, memory_mb: int,
              fsize_mb: int) -> tuple[int, bool, str | None]:
    argv = [sys.executable, "-X", "utf8", str(RUNNER), str(task_file)]
    if kind == "bubblewrap":
        argv = [*bwrap_argv(readable=readable, writable=[work, *writable], cwd=cwd,
                            tmp_mb=fsize_mb), *argv]
    proc = subprocess.Popen(argv, cwd=str(cwd), env=scrubbed_env(work),
                            stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                            start_new_session=True, pass_fds=(pipe.w,))
    pipe.close_writer()
    dog = _Watchdog(proc.pid, (), memory_mb)
    deadline = time.monotonic() + timeout
    timed_out = False
    init: _Process | None = None
    try:
        while True:
            pipe.pump()
            try:
                proc.wait(timeout=_POLL)
                break
            except subprocess.TimeoutExpired:
                pass
            if init is None and kind == "bubblewrap":
                init = _Process.first_child(proc.pid)
            if time.monotonic() > deadline:
                timed_out = True
                break
            if dog.over():
                break
    finally:
        # The whole group; outside bubblewrap also every descendant still in the tree.
        _kill([p for p in _tree(proc.pid) if p != proc.pid])
        _kill_group(proc.pid)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if init is not None:
            init.wait_gone(10)
    code = proc.returncode if proc.returncode is not None else -signal.SIGKILL
    return code, timed_out, dog.killed


def run(task: dict[str, Any], *, cwd: Path | None = None, timeout: float = 60.0,
        memory_mb: int = 2048, writable: tuple[Path, ...] = (), fsize_mb: int = 512,
        files: dict[str, str] | None = None, warm: bool = False) -> SandboxResult:
    """Run `_runner.py` on `task` (a JSON-able dict) in a fresh working folder.

    `cwd` defaults to that folder; `writable` adds folders the scene may write to (the media
    output); `files` (name -> text) are written into the working folder first, e.g. the scene
    to run. `warm` forks the run from a zygote that already imported manim; only for code that
    reads no configuration from `cwd` (a flattened file, not an original inside its repository),
    since manim reads `manim.cfg` when it is imported. Under bubblewrap a warm run also needs
    `cwd` and `writable` inside `workdir()`; otherwise it starts cold.
    """
    kind = sandbox_kind()
    zygote = _zygote(kind) if warm and _warm_allowed() else None
    work = workdir() if zygote is not None else Path(tempfile.mkdtemp(prefix="manimflat-sbx-"))
    work = work.resolve()
    private = Path(tempfile.mkdtemp(prefix="manimflat-out-"))  # never visible to the scene
    try:
        for name, text in (files or {}).items():
            (work / name).write_text(text, encoding="utf-8")
        cwd = (cwd or work).resolve()
        extra = [p.resolve() for p in writable]
        if zygote is not None and kind == "bubblewrap" and not all(
                _under(p, [zygote.root]) for p in (cwd, *extra)):
            zygote = None  # the zygote's sandbox cannot see these folders
        pipe = _ResultPipe()
        task = {**task, "writable": [str(work), *map(str, extra)], "workdir": str(work),
                "result_fd": pipe.w, "pid_namespace": kind == "bubblewrap",
                "limits": {"memory_mb": memory_mb, "cpu_seconds": int(timeout) + 10,
                           "fsize_mb": fsize_mb,
                           "processes": MAX_PROCESSES if kind == "bubblewrap" else 0}}
        start = time.perf_counter()
        with open(private / "stdout", "wb") as out, open(private / "stderr", "wb") as err:
            if zygote is not None:
                code, timed_out, killed = zygote.run(task, cwd, out.fileno(), err.fileno(),
                                                     pipe, timeout, memory_mb)
            else:
                task_file = work / "task.json"
                task_file.write_text(json.dumps(task), encoding="utf-8")
                file = Path(str(task.get("file", ""))).parent
                readable = [file] if file.is_absolute() else []
                code, timed_out, killed = _run_cold(kind, task_file, cwd, work, readable, extra,
                                                    out.fileno(), err.fileno(), pipe, timeout,
                                                    memory_mb, fsize_mb)
        result = pipe.result()
        seconds = time.perf_counter() - start
        return SandboxResult(code, _read_tail(private / "stdout"), _read_tail(private / "stderr"),
                             seconds, timed_out, result, kind, killed)
    finally:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
