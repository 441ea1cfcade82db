"""The storyboard: the real manim runs fixture scenes in the sandbox and the recorded timeline is
what the scenes do: events in order, animation classes, texts, run times, total duration; and
the duration is the rendered video's length (read with ffprobe)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from manimflat.settings import Settings
from manimflat.verify.render import render_scene
from manimflat.verify.storyboard import record

SETTINGS = Settings(cache=False, timeout=60.0)

# Sees through a base class, a helper and a loop: three plays nobody wrote in construct.
TIMELINE = '''from manim import *


class Base(Scene):
    def pulse(self, mob, times):
        for _ in range(times):
            self.play(Indicate(mob), run_time=1)


class Timeline(Base):
    def construct(self):
        title = Text("Hello World", color=YELLOW).to_edge(UP)
        self.play(Write(title))
        circle = Circle(color=BLUE)
        self.play(Create(circle), run_time=2)
        self.wait(1)
        self.play(Transform(circle, Square(color=RED)))
        formula = MathTex(r"e^{i\\pi} + 1 = 0")
        self.add(formula)
        self.pulse(formula, 3)
        self.play(formula.animate.shift(DOWN).scale(2))
        self.play(FadeOut(title), FadeOut(circle))
        self.remove(formula)
        self.wait()
'''

CAMERA = '''from manim import *


class Zoom(MovingCameraScene):
    def construct(self):
        dot = Dot(color=GREEN)
        self.add(dot)
        self.play(self.camera.frame.animate.scale(0.5).move_to(dot), run_time=2)
        self.wait(1)


class Orbit(ThreeDScene):
    def construct(self):
        self.set_camera_orientation(phi=60 * DEGREES, theta=-45 * DEGREES)
        self.play(Create(Cube()))
        self.move_camera(phi=30 * DEGREES, run_time=2)
        self.wait(1)
'''

BROKEN = '''from manim import *


class Broken(Scene):
    def construct(self):
        self.play(FadeIn(Square()))
        self.wait(2)
        raise ValueError("boom")
'''


def _kinds(board: dict) -> list[tuple]:
    out = []
    for e in board["events"]:
        anims = tuple(a["class"] for a in e.get("animations", []))
        out.append((e["kind"], e["t"], e.get("run_time"), anims))
    return out


def test_timeline_of_a_scene_with_a_base_helper_and_loop() -> None:
    board = record(TIMELINE, "Timeline", SETTINGS)
    assert board["error"] is None
    assert _kinds(board) == [
        ("play", 0.0, 1.0, ("Write",)),
        ("play", 1.0, 2.0, ("Create",)),
        ("wait", 3.0, 1.0, ()),
        ("play", 4.0, 1.0, ("Transform",)),
        ("add", 5.0, None, ()),
        ("play", 5.0, 1.0, ("Indicate",)),
        ("play", 6.0, 1.0, ("Indicate",)),
        ("play", 7.0, 1.0, ("Indicate",)),
        ("play", 8.0, 1.0, ("_MethodAnimation",)),
        ("play", 9.0, 1.0, ("FadeOut", "FadeOut")),
        ("remove", 10.0, None, ()),
        ("wait", 10.0, 1.0, ()),
    ]
    assert board["duration"] == 11.0
    assert board["n_animations"] == 9 and board["n_plays"] == 8  # two FadeOuts in one play
    assert board["texts"] == ["Hello World", r"e^{i\pi} + 1 = 0"]
    events = board["events"]
    write = events[0]["animations"][0]["mobject"]
    assert write["class"] == "Text" and write["color_name"] == "YELLOW"
    assert write["texts"] == [{"kind": "text", "value": "Hello World"}]
    assert write["center"][1] > 3  # to_edge(UP)
    create = events[1]["animations"][0]["mobject"]
    assert (create["class"], create["color_name"], create["width"]) == ("Circle", "BLUE", 2.0)
    transform = events[3]["animations"][0]
    assert transform["target"]["class"] == "Square"
    assert transform["target"]["color_name"] == "RED"
    assert events[4]["mobjects"][0]["texts"] == [{"kind": "math", "value": r"e^{i\pi} + 1 = 0"}]
    moved = events[8]["animations"][0]
    assert moved["methods"] == ["shift", "scale"]
    assert moved["target"]["center"] == [0.0, -1.0]
    assert moved["target"]["height"] == pytest.approx(2 * moved["mobject"]["height"], abs=1e-3)


def test_camera_moves_are_events() -> None:
    zoom = record(CAMERA, "Zoom", SETTINGS)
    assert [(e["kind"], e.get("method")) for e in zoom["events"]] == [
        ("add", None), ("camera", "frame.animate"), ("wait", None)]
    assert zoom["events"][1]["run_time"] == 2.0 and zoom["duration"] == 3.0
    orbit = record(CAMERA, "Orbit", SETTINGS)
    assert [(e["kind"], e.get("method"), e.get("run_time")) for e in orbit["events"]] == [
        ("camera", "set_camera_orientation", 0.0), ("play", None, 1.0),
        ("camera", "move_camera", 2.0), ("wait", None, 1.0)]
    assert orbit["events"][1]["animations"][0]["mobject"]["class"] == "Cube"
    assert orbit["duration"] == 4.0


def test_a_scene_that_raises_keeps_its_timeline_up_to_the_error() -> None:
    board = record(BROKEN, "Broken", SETTINGS)
    assert board["error"] == "ValueError: boom"
    assert _kinds(board) == [("play", 0.0, 1.0, ("FadeIn",)), ("wait", 1.0, 2.0, ())]
    assert board["duration"] == 3.0
    json.dumps(board)  # stored as JSON per dataset row


def _video_seconds(path: Path) -> float:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                           "-of", "default=nw=1:nk=1", str(path)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout)


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (ffmpeg) is not installed")
@pytest.mark.parametrize(("code", "scene"), [(TIMELINE, "Timeline"), (CAMERA, "Zoom")],
                         ids=["Timeline", "Zoom"])
def test_duration_is_the_rendered_videos_length(tmp_path: Path, code: str, scene: str) -> None:
    board = record(code, scene, SETTINGS)
    (tmp_path / "scene.py").write_text(code, encoding="utf-8")
    frame = render_scene(Path("scene.py"), scene, cwd=tmp_path, out_dir=tmp_path / "media",
                         video=True, timeout=240.0)
    assert frame.ok and frame.video is not None, frame.error
    video = _video_seconds(frame.video)
    # manim draws ceil(run_time * fps) frames per play and int(run_time * fps) per still wait:
    # the same length exactly when run times are whole frames (15 fps at -ql).
    assert video == pytest.approx(board["duration"], abs=0.01)
