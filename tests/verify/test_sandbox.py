"""Hostile scenes against the validation sandbox, through the CLI and the library.

Each probe is a scene that tries to break out (write outside its folder, reach the network,
outlive manimflat, read the caller's environment, exhaust memory, hang the run, forge the
verdict). The repositories are written by the test; their code only ever runs inside the
sandbox. Each test asserts what must hold: no file outside, no connection, no secret, no
survivor, the right diagnostic, and no traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from manimflat.settings import Settings
from manimflat.verify import sandbox, verify_code

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sandbox.sandbox_kind() != "bubblewrap",
                                reason="bubblewrap cannot run on this machine")


def _scene(body: str, name: str = "Probe", imports: str = "") -> str:
    lines = "\n".join("        " + ln for ln in body.strip("\n").splitlines())
    return (f"from manim import *\n{imports}\n\nclass {name}(Scene):\n"
            f"    def construct(self):\n{lines}\n")


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text("[project]\nname = 'probe'\n")
    for name, text in files.items():
        (repo / name).write_text(text)
    return repo


def _cli(repo: Path, *args: str, env: dict[str, str] | None = None,
         timeout: float = 300) -> tuple[subprocess.CompletedProcess[str], dict]:
    report = repo.parent / "report.json"
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "manimflat", str(repo), *args,
                           "--report", str(report)], capture_output=True, text=True,
                          env=run_env, timeout=timeout, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, json.loads(report.read_text()) if report.exists() else {}


def _exec(repo: Path, scene: str, *extra: str, **kw: object
          ) -> tuple[subprocess.CompletedProcess[str], dict]:
    out = repo.parent / "out"
    return _cli(repo, "--scene", scene, "--verify", "exec", "-o", str(out / f"{scene}.py"),
                "--timeout", "30", *extra, **kw)  # type: ignore[arg-type]


def _codes(report: dict) -> list[str]:
    return [d["code"] for s in report["scenes"] for d in s["diagnostics"]]


@pytest.fixture
def visible_dir() -> Iterator[Path]:
    """A folder the sandbox can see (read-only): not under /tmp or the home, which it hides."""
    path = Path(tempfile.mkdtemp(prefix=".sandbox-probe-", dir=ROOT))
    yield path
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- writes outside

def _escape_body(targets: list[Path]) -> str:
    """Every way the audit hook alone did not stop; each swallowed so all of them are tried."""
    lines = []
    for i, t in enumerate(targets):
        p = str(t)
        lines += [
            # The audit hook decides with os.path.realpath: make it say "inside".
            "_real = posixpath.realpath",
            f"posixpath.realpath = lambda p, *a, **k: {p!r}.rsplit('/', 1)[0] + '/inside'",
            f"name = {p!r} + '.realpath{i}'",  # built at run time: the static level sees no path
            "fd = os.open(name, os.O_WRONLY | os.O_CREAT)",
            "posixpath.realpath = _real",
            f"sqlite3.connect({p + f'.sqlite{i}'!r}).execute('create table t (x)')",
            f"os.system('echo x > {p}.system{i}')",
            f"subprocess.run(['sh', '-c', 'echo x > {p}.subprocess{i}'])",
            "libc = ctypes.CDLL(None)",
            f"fd = libc.open({(p + f'.ctypes{i}').encode()!r}, 0o101, 0o644)",
            "libc.write(fd, b'x', 1)",
        ]
    guarded = []
    for ln in lines:
        guarded += ["try:", f"    {ln}", "except Exception:", "    pass"]
    return "\n".join([*guarded, "self.add(Circle())"])


_ESCAPE_IMPORTS = "import ctypes\nimport os\nimport posixpath\nimport sqlite3\nimport subprocess"


def test_writes_outside_the_working_folder_fail_by_every_route(tmp_path, visible_dir):
    targets = [tmp_path / "outside", visible_dir / "outside"]
    code = _scene(_escape_body(targets), imports=_ESCAPE_IMPORTS)
    repo = _repo(tmp_path, {"scene.py": code})
    proc, report = _exec(repo, "Probe")
    assert proc.returncode == 0, proc.stderr
    [scene] = report["scenes"]
    assert scene["verification"]["exec"]["sandbox"] == "bubblewrap"
    assert list(visible_dir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "repo", "report.json"]
    # The library, warm (forked from the zygote) and cold, holds the same way.
    for cold in ("", "1"):
        os.environ["MANIMFLAT_SANDBOX_COLD"] = cold
        try:
            out = verify_code(code, "Probe", "exec", Settings(cache=False, timeout=30))
        finally:
            os.environ.pop("MANIMFLAT_SANDBOX_COLD")
        assert out.ok, out.diagnostics
        assert out.results["exec"]["sandbox"] == "bubblewrap"
    assert list(visible_dir.iterdir()) == []
    assert not any(p.name.startswith("outside") for p in tmp_path.iterdir())


def test_the_repository_is_read_only_to_its_own_scene(tmp_path):
    # An original run inside its repository (`--compare`'s path, `exec_in_place`) can read the
    # repository but not change it.
    from manimflat.verify.levels import exec_in_place

    body = ("try:\n    open('planted.txt', 'w').write('x')\nexcept Exception as exc:\n"
            "    print(exc)\nos.system('echo x > planted_by_shell.txt')\nself.add(Square())")
    repo = _repo(tmp_path, {"scene.py": _scene(body, imports="import os")})
    out = exec_in_place(repo / "scene.py", "Probe", repo, Settings(cache=False, timeout=30))
    assert out.ok and out.result["sandbox"] == "bubblewrap"
    assert sorted(p.name for p in repo.iterdir()) == ["pyproject.toml", "scene.py"]


# ---------------------------------------------------------------- network

@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A real server on 127.0.0.1: (port, what each connection sent)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    got: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(2)
                try:
                    got.append(conn.recv(1024))
                except OSError:
                    got.append(b"")
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], got
    stop.set()
    thread.join(5)
    server.close()


def test_a_local_server_cannot_be_reached(tmp_path, listener):
    port, got = listener
    # The listener works: this process reaches it.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"from the test")
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
    assert got == [b"from the test"]
    body = (f"s = socket.create_connection(('127.0.0.1', {port}), timeout=5)\n"
            "s.sendall(b'from the scene')\nself.add(Circle())")
    code = _scene(body, imports="import socket")
    repo = _repo(tmp_path, {"scene.py": code})
    proc, report = _exec(repo, "Probe")
    assert proc.returncode == 1
    [d] = report["scenes"][0]["diagnostics"]
    assert d["code"] == "MF407" and "ConnectionRefusedError" in d["message"]
    out = verify_code(code, "Probe", "exec", Settings(cache=False, timeout=30))
    assert [d.code for d in out.diagnostics] == ["MF407"]
    time.sleep(0.5)
    assert got == [b"from the test"]


# ---------------------------------------------------------------- processes that stay

def _alive(tag: str) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and tag.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


def test_a_setsid_child_does_not_outlive_its_run(tmp_path):
    tag = f"manimflat-probe-{os.getpid()}-{time.monotonic_ns()}"
    marker = tmp_path / "acted-later"
    # The child detaches (new session), waits, then writes into a folder the run may write.
    child = (f"import time, sys; sys.argv[0] = {tag!r}; time.sleep(2); "
             f"open({str(marker)!r}, 'w').write('late')")
    body = (f"subprocess.Popen([sys.executable, '-c', {child!r}, {tag!r}], "
            "start_new_session=True)\ntime.sleep(0.3)\nself.add(Circle())")
    code = _scene(body, imports="import subprocess\nimport sys\nimport time")
    task = {"job": "exec", "file": "scene.py", "scene": "Probe"}
    res = sandbox.run(task, files={"scene.py": code}, writable=(tmp_path,), timeout=30)
    assert res.ok and res.sandbox == "bubblewrap"
    assert _alive(tag) == []
    # Warm: forked from the zygote, whose namespace is cleaned before it reports back.
    out = verify_code(code, "Probe", "exec", Settings(cache=False, timeout=30))
    assert out.ok
    assert _alive(tag) == []
    repo = _repo(tmp_path, {"scene.py": code})
    proc, _ = _exec(repo, "Probe")
    assert proc.returncode == 0
    assert _alive(tag) == []
    time.sleep(2.5)
    assert not marker.exists() and _alive(tag) == []


# ---------------------------------------------------------------- the caller's secrets

def test_the_callers_environment_and_home_are_not_readable(tmp_path):
    secret = f"s3cret-{time.monotonic_ns()}"
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_probe").write_text(secret)
    body = f"""found = []
reader = getattr(builtins, 'op' + 'en')  # the static level refuses a plain open()
for pid in ['self', str(os.getppid()), '1', '2'] + os.listdir('/proc'):
    try:
        found.append(reader('/proc/' + pid + '/environ', 'rb').read().decode(errors='replace'))
    except Exception:
        pass
for path in [{str(home / ".ssh" / "id_probe")!r}, os.path.expanduser('~/.ssh/id_probe')]:
    try:
        found.append(reader(path).read())
    except Exception as exc:
        found.append(repr(exc))
found.append(repr(dict(os.environ)))
raise ValueError(' | '.join(found))"""
    code = _scene(body, imports="import builtins\nimport os")
    repo = _repo(tmp_path, {"scene.py": code})
    proc, report = _exec(repo, "Probe", env={"MANIMFLAT_PROBE_SECRET": secret,
                                             "HOME": str(home)})
    [d] = report["scenes"][0]["diagnostics"]
    assert d["code"] == "MF407" and "ValueError" in d["message"]
    everything = proc.stdout + proc.stderr + json.dumps(report)
    assert secret not in everything
    os.environ["MANIMFLAT_PROBE_SECRET"] = secret
    try:
        out = verify_code(code, "Probe", "exec", Settings(cache=False, timeout=30))
    finally:
        del os.environ["MANIMFLAT_PROBE_SECRET"]
    assert [d.code for d in out.diagnostics] == ["MF407"]
    assert secret not in repr(out.diagnostics) + json.dumps(out.results)


# ---------------------------------------------------------------- limits

def test_memory_is_bounded_for_the_whole_process_tree(tmp_path):
    # Six children of 600 MB each: every one is under the 2 GB limit, together they are not.
    hog = "import time; b = b'x' * (600 * 1024 * 1024); time.sleep(60)"
    body = (f"kids = [subprocess.Popen([sys.executable, '-c', {hog!r}]) for _ in range(6)]\n"
            "for k in kids:\n    k.wait()\nself.add(Circle())")
    code = _scene(body, imports="import subprocess\nimport sys")
    start = time.monotonic()
    out = verify_code(code, "Probe", "exec", Settings(cache=False, timeout=90, memory_mb=2048))
    assert time.monotonic() - start < 45
    [d] = out.diagnostics
    assert d.code == "MF409" and "2048 MB" in d.message and "together" in d.message
    repo = _repo(tmp_path, {"scene.py": code})
    start = time.monotonic()
    proc, report = _exec(repo, "Probe", "--memory-mb", "2048")
    assert time.monotonic() - start < 60
    assert proc.returncode == 1 and _codes(report) == ["MF409"]


def test_the_process_count_is_bounded(tmp_path):
    body = ("kids = [subprocess.Popen(['sleep', '30']) for _ in range(200)]\n"
            "for k in kids:\n    k.wait()\nself.add(Circle())")
    code = _scene(body, imports="import subprocess")
    start = time.monotonic()
    out = verify_code(code, "Probe", "exec", Settings(cache=False, timeout=60))
    assert time.monotonic() - start < 30
    [d] = out.diagnostics
    assert d.code in ("MF419", "MF407"), d  # killed by the watchdog, or fork refused
    assert _alive("sleep\x0030") == []


def test_a_stopped_helper_times_out_and_the_next_scene_runs(tmp_path):
    # The scene stops the zygote it was forked from (its parent), then itself: nothing may wait
    # for either forever, and the next scene gets a fresh zygote.
    body = ("os.kill(os.getppid(), signal.SIGSTOP)\nos.kill(os.getpid(), signal.SIGSTOP)\n"
            "self.add(Circle())")
    stopper = _scene(body, name="Stopper", imports="import os\nimport signal")
    good = _scene("self.play(Create(Square()))", name="Good")
    repo = _repo(tmp_path, {"stopper.py": stopper, "good.py": good})
    start = time.monotonic()
    proc, report = _cli(repo, "--all", "-o", str(tmp_path / "out"), "--verify", "exec",
                        "--timeout", "6", "--jobs", "1")
    assert time.monotonic() - start < 90
    status = {s["scene"]: (s["status"], [d["code"] for d in s["diagnostics"]])
              for s in report["scenes"]}
    assert status == {"Good": ("ok", []), "Stopper": ("failed", ["MF408"])}, status
    assert proc.returncode == 1
    start = time.monotonic()
    out = verify_code(stopper, "Stopper", "exec", Settings(cache=False, timeout=5))
    assert [d.code for d in out.diagnostics] == ["MF408"]
    assert time.monotonic() - start < 30
    assert verify_code(good, "Good", "exec", Settings(cache=False, timeout=30)).ok


# ---------------------------------------------------------------- the verdict

def test_a_printed_result_does_not_make_a_scene_pass(tmp_path):
    fake = json.dumps({"animations": 3, "mobjects": ["Circle"], "duration": 1.0})
    body = (f"sys.stdout.write('\\x1emanimflat-result\\x1e' + {fake!r} + '\\n')\n"
            "sys.stdout.flush()\nos._exit(0)")
    code = _scene(body, imports="import os\nimport sys")
    repo = _repo(tmp_path, {"scene.py": code})
    proc, report = _exec(repo, "Probe")
    assert proc.returncode == 1
    [scene] = report["scenes"]
    assert scene["status"] == "failed" and _codes(report) == ["MF419"]
    for cold in ("", "1"):
        os.environ["MANIMFLAT_SANDBOX_COLD"] = cold
        try:
            out = verify_code(code, "Probe", "exec", Settings(cache=False, timeout=30))
        finally:
            os.environ.pop("MANIMFLAT_SANDBOX_COLD")
        assert [d.code for d in out.diagnostics] == ["MF419"]
        assert "animations" not in out.results["exec"]
    # Exiting with a non-zero status, or raising SystemExit(0), is a failure too.
    for ending in ("os._exit(3)", "sys.exit(0)"):
        out = verify_code(_scene(f"self.add(Circle())\n{ending}", imports="import os\nimport sys"),
                          "Probe", "exec", Settings(cache=False, timeout=30))
        assert not out.ok and out.diagnostics[0].code in ("MF407", "MF419"), out.diagnostics


def test_render_needs_the_runners_result_too(tmp_path):
    # A scene that writes its own "frame" and exits does not pass the render level.
    # The exec level (a dry run) passes; only the render is faked.
    body = """self.add(Circle())
if not config.dry_run:
    d = os.path.join(config.media_dir, 'images', 'scene')
    os.makedirs(d, exist_ok=True)
    getattr(builtins, 'op' + 'en')(os.path.join(d, 'Probe.' + 'png'), 'wb').write(b'x')
    os._exit(0)"""
    out = verify_code(_scene(body, imports="import builtins\nimport os"), "Probe", "render",
                      Settings(cache=False, timeout=60))
    assert out.results["exec"]["failed"] is False
    assert not out.ok and [d.code for d in out.diagnostics] == ["MF419"]


# ---------------------------------------------------------------- the fallback

def test_without_bubblewrap_the_weaker_sandbox_is_said_once_and_marked(tmp_path):
    files = {f"s{i}.py": _scene("self.play(Create(Circle()))", name=f"S{i}") for i in range(2)}
    repo = _repo(tmp_path, files)
    proc, report = _cli(repo, "--all", "-o", str(tmp_path / "out"), "--verify", "exec",
                        "--jobs", "1", env={"MANIMFLAT_SANDBOX": "weak"})
    assert proc.returncode == 0, proc.stderr
    assert [s["verification"]["exec"]["sandbox"] for s in report["scenes"]] == ["weak", "weak"]
    notes = [d for s in report["scenes"] for d in s["diagnostics"]]
    assert [(d["code"], d["severity"]) for d in notes] == [("MF418", "warning")]
    assert "weaker sandbox" in notes[0]["message"]
    assert "MANIMFLAT_SANDBOX=weak" in notes[0]["message"]


def test_a_warm_run_leaves_nothing_for_the_next_one():
    # Runs forked from the same zygote share its sandbox: what one leaves in /tmp, or a process
    # it leaves waiting, must be gone before the next run starts.
    # (A shell, since the audit hook refuses Python's own writes to /tmp.)
    writer = _scene("subprocess.run(['sh', '-c', 'echo x > /tmp/planted'], check=True)\n"
                    "subprocess.Popen(['sleep', '77'], start_new_session=True)\nself.add(Circle())",
                    imports="import subprocess")
    reader = _scene("assert not os.path.exists('/tmp/planted'), 'planted file survived'\n"
                    "assert len([p for p in os.listdir('/proc') if p.isdigit()]) <= 4, "
                    "os.listdir('/proc')\nself.add(Circle())", imports="import os")
    settings = Settings(cache=False, timeout=30)
    assert verify_code(writer, "Probe", "exec", settings).ok
    out = verify_code(reader, "Probe", "exec", settings)
    assert out.ok, out.diagnostics
    assert _alive("sleep\x0077") == []
