"""Run untrusted scene code in a subprocess with limits; never in this process.

Scraped repositories are untrusted, so every execution goes through `run`: a child Python
process in a new session (its whole process group is killed on timeout), with an address-space
limit (RLIMIT_AS), a CPU-time limit and a file-size limit (set by the runner before any scene
code runs, inherited by latex and ffmpeg), a scrubbed environment whose HOME and TMPDIR point
into a fresh temporary folder, and `_runner.py` installing an audit hook that refuses writes
outside the folders it was given. A cold run starts a new interpreter; a warm run forks from a
zygote that already imported manim, then applies the same session, limits, folder and guard.

Known limits: the audit hook guards Python-level writes of the scene's own process; a scene
that spawns a shell could still write where the user running manimflat may. Run manimflat as
an unprivileged user (or in a container) for hostile inputs.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).with_name("_runner.py")
# The runner prints its JSON result after this marker, so scene output cannot be mistaken for it.
RESULT_MARKER = "\x1emanimflat-result\x1e"
# Written by the runner's audit hook when a write outside the allowed folders is refused.
WRITE_REFUSED = "manimflat-sandbox: write refused outside the working folder"

_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Iteration)\b(: .*)?$")
_KEPT_ENV = ("PATH", "LANG", "LC_ALL", "TERM", "SYSTEMROOT")


@dataclass(frozen=True)
class SandboxResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    result: dict[str, Any] | None  # the runner's JSON payload, when it got that far

    @property
    def memory_exceeded(self) -> bool:
        # RLIMIT_AS shows up as MemoryError in Python, or as a failed allocation in C code
        # (numpy, cairo) that aborts the process.
        return ("MemoryError" in self.stderr or "Cannot allocate memory" in self.stderr
                or "std::bad_alloc" in self.stderr
                or (self.returncode in (-signal.SIGSEGV, -signal.SIGABRT) and not self.timed_out))

    @property
    def write_refused(self) -> bool:
        return WRITE_REFUSED in self.stderr

    def exception(self) -> str | None:
        """The last `SomeError: message` line of the (plain or rich) traceback on stderr."""
        found = [ln.strip() for ln in self.stderr.splitlines() if _EXCEPTION.match(ln.strip())]
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


class _Zygote:
    """One warm `_runner.py --zygote` per manimflat process: children fork from a process that
    already imported manim, saving about a second per run. Started lazily, with the same
    scrubbed environment; `MANIMFLAT_SANDBOX_COLD=1` turns it off."""

    lock = threading.Lock()
    proc: subprocess.Popen[bytes] | None = None
    owner: int | None = None

    @staticmethod
    def stop(proc: subprocess.Popen[bytes], home: Path) -> None:
        _kill_group(proc.pid)
        proc.communicate()  # closes the pipes and reaps it
        shutil.rmtree(home, ignore_errors=True)

    @classmethod
    def spawn(cls, task_file: Path, cwd: Path) -> int | None:
        """The pid of a child running `task_file`, or None when no zygote can be used."""
        with cls.lock:
            if cls.proc is None or cls.proc.poll() is not None or cls.owner != os.getpid():
                home = Path(tempfile.mkdtemp(prefix="manimflat-zygote-"))
                cls.proc = subprocess.Popen(
                    [sys.executable, "-X", "utf8", str(RUNNER), "--zygote"], cwd=home,
                    env=scrubbed_env(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, start_new_session=True)
                cls.owner = os.getpid()
                atexit.register(cls.stop, cls.proc, home)
            assert cls.proc.stdin is not None and cls.proc.stdout is not None
            try:
                cls.proc.stdin.write((json.dumps([str(task_file), str(cwd)]) + "\n").encode())
                cls.proc.stdin.flush()
                return int(cls.proc.stdout.readline())
            except (OSError, ValueError):
                cls.proc = None
                return None


def _run_warm(task_file: Path, cwd: Path, timeout: float
              ) -> tuple[int, bytes, bytes, bool] | None:
    pid = _Zygote.spawn(task_file, cwd)
    if pid is None:
        return None
    work = task_file.parent
    exit_file = work / "exit"
    deadline = time.perf_counter() + timeout
    timed_out = False
    while not exit_file.exists():
        if not timed_out and time.perf_counter() > deadline:
            timed_out = True
            _kill_group(pid)
            deadline = time.perf_counter() + 10  # the zygote reaps it and writes `exit`
        elif timed_out and time.perf_counter() > deadline:
            break
        time.sleep(0.02)
    _kill_group(pid)  # stray grandchildren (latex) of a finished run
    code = int(exit_file.read_text()) if exit_file.exists() else -signal.SIGKILL
    return (code, (work / "stdout").read_bytes(), (work / "stderr").read_bytes(), timed_out)


def _run_cold(task_file: Path, cwd: Path, timeout: float) -> tuple[int, bytes, bytes, bool]:
    argv = [sys.executable, "-X", "utf8", str(RUNNER), str(task_file)]
    proc = subprocess.Popen(
        argv, cwd=str(cwd), env=scrubbed_env(task_file.parent), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        out, err = proc.communicate()
    finally:
        _kill_group(proc.pid)  # stray grandchildren (latex, ffmpeg) of a finished run
    return proc.returncode, out, err, timed_out


def run(task: dict[str, Any], *, cwd: Path | None = None, timeout: float = 60.0,
        memory_mb: int = 2048, writable: tuple[Path, ...] = (), fsize_mb: int = 512,
        files: dict[str, str] | None = None, keep_workdir: Path | None = None,
        warm: bool = False) -> SandboxResult:
    """Run `_runner.py` on `task` (a JSON-able dict) in a fresh temporary folder.

    `cwd` defaults to that folder; `writable` adds folders the scene may write to (the media
    output); `files` (name -> text) are written into the temporary folder first, e.g. the scene
    to run. `keep_workdir`, when given, is used instead of a fresh folder and not deleted.
    `warm` forks the run from a process that already imported manim; only for code that reads
    no configuration from `cwd` (a flattened file, not an original inside its repository),
    since manim reads `manim.cfg` when it is imported.
    """
    work = keep_workdir or Path(tempfile.mkdtemp(prefix="manimflat-sbx-"))
    try:
        work.mkdir(parents=True, exist_ok=True)
        for name, text in (files or {}).items():
            (work / name).write_text(text, encoding="utf-8")
        roots = [work.resolve(), *(p.resolve() for p in writable)]
        task = {**task, "writable": [str(p) for p in roots], "workdir": str(roots[0]),
                "limits": {"memory_mb": memory_mb, "cpu_seconds": int(timeout) + 10,
                           "fsize_mb": fsize_mb}}
        task_file = work / "task.json"
        task_file.write_text(json.dumps(task), encoding="utf-8")
        start = time.perf_counter()
        ran = None
        if warm and not os.environ.get("MANIMFLAT_SANDBOX_COLD"):
            ran = _run_warm(task_file, cwd or work, timeout)
        returncode, out, err, timed_out = ran or _run_cold(task_file, cwd or work, timeout)
        seconds = time.perf_counter() - start
        stdout = out.decode("utf-8", "replace")
        stderr = err.decode("utf-8", "replace")
        result = None
        if RESULT_MARKER in stdout:
            before, _, payload = stdout.rpartition(RESULT_MARKER)
            try:
                result = json.loads(payload.strip())
            except json.JSONDecodeError:
                result = None
            stdout = before
        return SandboxResult(returncode, stdout, stderr, seconds, timed_out, result)
    finally:
        if keep_workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
