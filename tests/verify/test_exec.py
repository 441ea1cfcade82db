"""verify exec level with the real manim in the sandbox: each planted fault is caught and named."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from manimflat.diagnostics import Severity
from manimflat.settings import Settings
from manimflat.verify import verify_code
from manimflat.verify.sandbox import run


def test_a_good_scene_records_animations_and_final_mobjects(fresh, scene):
    body = "c = Circle()\nself.play(Create(c))\nself.play(c.animate.shift(UP))\nself.add(Dot())"
    out = verify_code(scene(body), "Demo", "exec", fresh)
    assert out.ok, out.diagnostics
    result = out.results["exec"]
    assert result["animations"] == 2 and result["mobjects"] == ["Circle", "Dot"]
    assert result["seconds"] > 0 and out.results["static"]["seconds"] >= 0


def test_exception_in_construct(fresh, scene):
    out = verify_code(scene("self.play(Create(Circle()))\nraise ValueError('planted')"), "Demo",
                      "exec", fresh, path="Demo.py")
    [d] = out.diagnostics
    assert (d.code, d.line, d.path) == ("MF407", 7, "Demo.py")
    assert "ValueError: planted" in d.message


def test_infinite_loop_is_killed_with_its_process_group(tmp_path, scene):
    # The loop's child process must die with it: the whole group is killed.
    marker = tmp_path / "child.pid"
    body = (f"import subprocess\np = subprocess.Popen(['sleep', '300'])\n"
            f"open({str(marker)!r}, 'w')\nwhile True:\n    pass")
    start = time.perf_counter()
    res = run({"job": "exec", "file": "scene.py", "scene": "Demo"},
              timeout=20, files={"scene.py": scene(body)}, writable=(tmp_path,))
    assert res.timed_out and time.perf_counter() - start < 40
    out = verify_code(scene("while True:\n    pass"), "Demo", "exec",
                      Settings(cache=False, timeout=3))
    assert [d.code for d in out.diagnostics] == ["MF408"]
    assert marker.exists()
    assert not _sleepers_alive()


def _sleepers_alive() -> bool:
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if cmd == b"sleep\x00300\x00":
                return True
    return False


def test_memory_bomb_is_stopped_by_the_limit(fresh, scene):
    out = verify_code(scene("self.wait()\nhog = [bytearray(64 * 1024**2) for _ in range(200)]"),
                      "Demo", "exec", Settings(cache=False, memory_mb=1024))
    assert [d.code for d in out.diagnostics] == ["MF409"]
    assert "1024 MB" in out.diagnostics[0].message


def test_writing_outside_the_working_folder_is_refused(fresh, scene, tmp_path):
    target = tmp_path / "escaped.txt"
    # Built at run time so the static level cannot see it: the sandbox must stop it.
    body = (f"self.wait()\nname = {str(tmp_path)!r} + '/escaped.' + 'txt'\n"
            "open(name, 'w').write('x')")
    out = verify_code(scene(body), "Demo", "exec", fresh)
    assert [d.code for d in out.diagnostics] == ["MF415"]
    assert str(target) in out.diagnostics[0].message
    assert not target.exists()
    relative = scene("self.wait()\nname = 'inside.' + 'txt'\nopen(name, 'w').write('ok')")
    assert verify_code(relative, "Demo", "exec", fresh).ok  # its own temporary folder is fine


def test_still_scene_is_left_alone_unless_a_video_is_wanted(fresh, scene):
    still = verify_code(scene("self.add(Square())"), "Demo", "exec", fresh)
    assert still.ok and not still.diagnostics and still.results["exec"]["animations"] == 0
    out = verify_code(scene("self.add(Square())"), "Demo", "exec",
                      dataclasses.replace(fresh, render_video=True))
    assert out.ok
    assert [(d.code, d.severity) for d in out.diagnostics] == [("MF414", Severity.FIXED)]
    assert out.code.rstrip().endswith("self.wait()")
    assert out.results["exec"]["animations"] == 1
    assert out.results["exec"]["mobjects"] == ["Square"]  # not the wait's empty placeholder


def test_missing_latex_is_an_environment_problem(fresh, scene, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # the sandbox inherits this PATH: no latex
    out = verify_code(scene("self.play(Write(MathTex('x^2')))"), "Demo", "exec", fresh)
    assert {d.code for d in out.diagnostics} == {"MF412"}
    assert "`latex` is not installed" in out.diagnostics[0].message
    assert "install a TeX distribution" in out.diagnostics[0].message
    assert out.results["exec"]["environment"] == "latex"


def test_results_are_cached_and_a_second_run_skips_the_work(scene):
    cached = Settings(timeout=20.0)
    code = scene("self.play(FadeIn(Triangle()))\nself.wait(0.5)")
    first = verify_code(code, "Demo", "exec", cached)
    second = verify_code(code, "Demo", "exec", cached)
    assert first.ok and second.ok and "cached" not in first.results["exec"]
    assert second.results["exec"]["cached"] is True
    assert second.results["exec"]["animations"] == first.results["exec"]["animations"] == 2
    other = verify_code(code, "Demo", "exec", Settings(timeout=21.0))
    assert "cached" not in other.results["exec"]  # settings are part of the key


def test_warm_and_cold_starts_agree(scene):
    # Warm runs fork from a process that already imported manim; they must see what a cold
    # `python` start sees, and keep its limits and write guard.
    code = scene("self.play(Create(Square()))\nself.add(MathTex('x'))")
    task = {"job": "exec", "file": "scene.py", "scene": "Demo"}
    cold = run(task, files={"scene.py": code})
    warm = run(task, files={"scene.py": code}, warm=True)
    assert cold.result == warm.result == {"animations": 1, "mobjects": ["Square", "MathTex"],
                                          "duration": 1.0}
    bomb = scene("self.wait()\nhog = bytearray(3 * 1024**3)")
    assert run(task, files={"scene.py": bomb}, warm=True, memory_mb=1024).memory_exceeded


def test_latex_error_names_the_latex_problem(fresh, scene):
    out = verify_code(scene('self.add(MathTex(r"\\undefinedcmd x"))\nself.wait()'), "Demo",
                      "exec", fresh, path="Demo.py")
    [d] = out.diagnostics
    assert (d.code, d.line) == ("MF407", 6)
    assert d.message == ("LaTeX compilation error: Undefined control sequence. "
                         "in `\\undefinedcmd x`")
