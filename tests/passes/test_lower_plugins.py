"""lower-plugins: slide decks and narrated scenes come out as plain Manim CE.

The fixture decks (fixtures/repos/plugin_*) are flattened, rendered alone by the real manim and
compared with the same scene written by hand with manim's own API; the helpers that stand in
for manim_slides' animations are compared with the real plugin's `Wipe` and `Zoom`.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import manimflat
from manimflat.passes.lower_plugins import HELPERS, duration

ROOT = Path(__file__).resolve().parents[2]
REPOS = ROOT / "fixtures" / "repos"
SCENE = "from manim import *\n{imports}\n\n\nclass S({base}):\n    def construct(self):\n{body}"


def flatten(make_repo, body: str, *, base: str = "Slide",
            imports: str = "from manim_slides import Slide", extra: dict | None = None):
    lines = "".join(f"        {line}\n" for line in body.strip().splitlines())
    repo = make_repo({"scene.py": SCENE.format(imports=imports, base=base, body=lines),
                      **(extra or {})})
    return manimflat.flatten(repo, "S")


@pytest.mark.parametrize(("body", "expected"), [
    ("self.next_slide()", "self.wait()"),
    ("self.next_slide(loop=True, notes='x')", "self.wait()"),
    ("self.play(FadeIn(Dot()))\nself.wipe(self.mobjects, [Square()])",
     "self.play(slides_wipe(self.mobjects, [Square()], "
     "shift=LEFT * [config.frame_width, config.frame_height, 0]))"),
    ("self.play(self.wipe([Dot()], [Square()], direction=UP + RIGHT, return_animation=True))",
     "self.play(slides_wipe([Dot()], [Square()], shift=(UP + RIGHT) * [config.frame_width"),
    ("self.zoom([Dot()], [Square()], out=True)",
     "self.play(slides_zoom([Dot()], [Square()], out=True))"),
])
def test_slide_calls(make_repo, body: str, expected: str) -> None:
    result = flatten(make_repo, body)
    assert expected in result.code and "manim_slides import" not in result.code
    assert "class S(Scene):" in result.code and result.status == "fixed"
    assert result.requires == [] and result.to_json()["requires"] == []
    assert {d.code for d in result.diagnostics} == {"MF216"}


def test_three_d_slide_and_a_second_scene_base(make_repo) -> None:
    result = flatten(make_repo, "self.next_slide()", base="ThreeDSlide",
                     imports="from manim_slides import ThreeDSlide")
    assert "class S(ThreeDScene):" in result.code
    result = flatten(make_repo, "self.pause()", base="Slide, MovingCameraScene",
                     imports="from manim_presentation import Slide")
    assert "class S(MovingCameraScene):" in result.code and "self.wait()" in result.code


def test_a_method_the_repo_defines_is_kept(make_repo) -> None:
    repo = make_repo({"scene.py": "from manim import *\nfrom manim_slides import Slide\n\n\n"
                      "class S(Slide):\n    def construct(self):\n        self.pause()\n\n"
                      "    def pause(self):\n        self.wait(0.5)\n        self.next_slide()\n"})
    code = manimflat.flatten(repo, "S").code
    assert "        self.pause()\n" in code and "self.wait(0.5)\n        self.wait()" in code


def test_plugin_name_without_lowering_is_an_error(make_repo) -> None:
    result = flatten(make_repo, "self.add(Wipe([Dot()], [Square()]))",
                     imports="from manim_slides import Slide\n"
                             "from manim_slides.slide.animation import Wipe")
    assert result.status == "failed" and result.requires == ["manim_slides"]
    assert any(d.code == "MF217" and "`Wipe` of manim_slides" in d.message
               for d in result.diagnostics)


def test_helper_names_taken_by_the_repo_are_renamed(make_repo) -> None:
    result = flatten(make_repo, "slides_wipe = 1\nself.wipe([Dot()], [Square()])")
    assert "def slides_wipe_2(" in result.code and "self.play(slides_wipe_2(" in result.code


def test_voiceover_narration_is_kept_and_timed(make_repo) -> None:
    body = ("self.set_speech_service(GTTSService())\nmy_text = 'One two three four five.'\n"
            "with self.voiceover(text=my_text) as tracker:\n"
            "    self.play(Create(Circle()), run_time=tracker.duration)")
    result = flatten(make_repo, body, base="VoiceoverScene",
                     imports="from manim_voiceover import VoiceoverScene\n"
                             "from manim_voiceover.services.gtts import GTTSService")
    code = result.code
    assert "GTTSService" not in code and "manim_voiceover import" not in code
    assert "# Narration (2.0 s): One two three four five.\n" in code
    assert "with Narration(self, my_text) as tracker:" in code
    assert result.narration == ({"text": "One two three four five.", "duration": 2.0,
                                 "module": "scene.py", "line": 10},)
    assert duration("a <bookmark mark='x'/> b") == 0.8


def test_goldens_read_as_plain_manim() -> None:
    for golden in ("plugin_slides/Deck.py", "plugin_voiceover/Narrated.py"):
        code = (ROOT / "fixtures" / "golden" / golden).read_text(encoding="utf-8")
        imports = {getattr(n, "module", None) or a.name for n in ast.walk(ast.parse(code))
                   if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
        assert imports <= {"manim", "re"}, imports


def test_helpers_match_the_real_plugin_animations() -> None:
    animation = pytest.importorskip("manim_slides.slide.animation")
    from manim import DOWN, AnimationGroup, Circle, Dot, FadeIn, FadeOut, Square

    namespace: dict = {"AnimationGroup": AnimationGroup, "FadeIn": FadeIn,
                       "FadeOut": FadeOut, "LEFT": DOWN}
    for source in (HELPERS["slides_wipe"], HELPERS["slides_zoom"]):
        exec(compile(source, "<helper>", "exec"), namespace)  # our own helper text
    current, future = [Circle(), Dot()], [Square()]
    pairs = [(namespace["slides_wipe"](current, future, shift=DOWN * 3),
              animation.Wipe(current, future, shift=DOWN * 3)),
             (namespace["slides_zoom"](current, future, scale=2.0, out=True),
              animation.Zoom(current, future, scale=2.0, out=True))]
    for ours, theirs in pairs:
        assert [type(a) for a in ours.animations] == [type(a) for a in theirs.animations]
        for a, b in zip(ours.animations, theirs.animations):
            assert a.mobject is b.mobject
            assert a.starting_mobject.get_center() == pytest.approx(
                b.starting_mobject.get_center())


# The same scenes written by hand in plain Manim: what a person lowering them would write.
PLAIN = {
    "Deck": '''
from manim import *

class Deck(Scene):
    def construct(self):
        title = Text("Shapes", color=TEAL).to_edge(UP)
        circle = Circle(radius=2, color=TEAL)
        self.play(FadeIn(title), Create(circle))
        square = Square(side_length=3, color=TEAL)
        shift = UP * config.frame_height
        self.play(FadeIn(square, shift=shift), FadeOut(circle, shift=shift))
        self.play(Rotate(square, PI / 2))
        dot = Dot(color=YELLOW).scale(4)
        self.play(FadeIn(dot, scale=0.25), FadeOut(square, scale=4))
''',
    "Narrated": '''
from manim import *

class Narrated(Scene):
    def construct(self):
        self.play(Create(Circle().shift(LEFT * 2)))
        self.play(FadeIn(Square().shift(RIGHT * 2)))
        self.play(*[m.animate.set_color(BLUE) for m in self.mobjects])
''',
}


@pytest.mark.render
@pytest.mark.parametrize(("case", "file", "scene"), [("plugin_slides", "deck.py", "Deck"),
                                                     ("plugin_voiceover", "narrated.py",
                                                      "Narrated")])
def test_lowered_scene_ends_on_the_plain_manim_frame(case: str, file: str, scene: str,
                                                      tmp_path: Path) -> None:
    from manimflat.verify.render import compare_frames, render_last_frame

    result = manimflat.flatten(REPOS / case, f"{file}:{scene}", root=str(REPOS / case))
    frames = []
    for name, code in (("flat", result.code), ("plain", PLAIN[scene])):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "scene.py").write_text(code, encoding="utf-8")
        frame = render_last_frame(folder / "scene.py", scene, cwd=folder,
                                  out_dir=tmp_path / f"{name}-media", timeout=240)
        assert frame.ok and frame.png, frame.error
        frames.append(frame.png)
    assert compare_frames(*frames).identical


# manim_slides 5.7 (the newest; every release sets it) assigns `config["write_to_movie"]`,
# which manim 0.22 removed, and its `render` then writes slide files with other removed
# config. The shim restores that one key as a no-op and renders the deck as manim renders any
# scene: every slide call (next_slide, wipe, zoom) is still the real plugin's.
SLIDES_SHIM = '''
from pathlib import Path

from manim import Scene
from manim._config.utils import ManimConfig

ManimConfig.write_to_movie = property(lambda self: True, lambda self, value: None)
exec(compile(Path("deck.py").read_text(), "deck.py", "exec"))
Deck.render = Scene.render
'''


@pytest.mark.render
def test_lowered_deck_ends_on_the_frame_manim_slides_renders(tmp_path: Path) -> None:
    pytest.importorskip("manim_slides")
    from manimflat.verify.render import compare_frames, render_last_frame

    repo = REPOS / "plugin_slides"
    result = manimflat.flatten(repo, "deck.py:Deck", root=str(repo))
    original, flat = tmp_path / "original", tmp_path / "flat"
    shutil.copytree(repo, original)
    flat.mkdir()
    (original / "shim.py").write_text(SLIDES_SHIM, encoding="utf-8")
    (flat / "scene.py").write_text(result.code, encoding="utf-8")
    frames = []
    for folder, file in ((original, "shim.py"), (flat, "scene.py")):
        frame = render_last_frame(folder / file, "Deck", cwd=folder,
                                  out_dir=tmp_path / f"{folder.name}-media", timeout=240)
        assert frame.ok and frame.png, frame.error
        frames.append(frame.png)
    assert compare_frames(*frames).identical


# manim-voiceover loads itself on every `import manim` (an entry point) and pins pip and
# pydantic, so scripts/setup.sh installs it, with pyttsx3, in its own venv that sees the
# main site-packages. The fixture's gTTS needs the network: the test's copy speaks through
# pyttsx3 and espeak-ng instead, and drops the bookmark (the real plugin times bookmarks with
# whisper, a downloaded model).
VOICEOVER_PYTHON = Path(os.environ.get("MANIMFLAT_VOICEOVER_VENV", Path.home() / ".cache" /
                                       "manimflat" / "voiceover-venv")) / "bin" / "python"
LOCAL_SPEECH = '''from manim_voiceover.services.pyttsx3 import PyTTSX3Service


class GTTSService(PyTTSX3Service):
    """Speaks locally (espeak-ng); pyttsx3 writes WAVE, so the file is named .wav."""

    def __init__(self, **kwargs):
        super().__init__()

    def generate_from_text(self, text, cache_dir=None, path=None, **kwargs):
        name = self.get_audio_basename({"input_text": text, "service": "pyttsx3"}) + ".wav"
        return super().generate_from_text(text, cache_dir, path or name, **kwargs)
'''


@pytest.mark.render
def test_lowered_voiceover_ends_on_the_frame_manim_voiceover_renders(tmp_path: Path) -> None:
    if not VOICEOVER_PYTHON.is_file() or not shutil.which("espeak-ng"):
        pytest.skip("scripts/setup.sh makes the manim-voiceover venv; espeak-ng is apt's")
    from manimflat.verify.render import compare_frames, render_last_frame

    repo = tmp_path / "repo"
    shutil.copytree(REPOS / "plugin_voiceover", repo)
    scene = repo / "narrated.py"
    scene.write_text(scene.read_text(encoding="utf-8").replace(
        "from manim_voiceover.services.gtts import GTTSService\n", LOCAL_SPEECH).replace(
        " <bookmark mark='square'/>", "").replace(
        '            self.wait_until_bookmark("square")\n', ""), encoding="utf-8")
    result = manimflat.flatten(repo, "narrated.py:Narrated", root=str(repo))
    assert result.ok and "PyTTSX3Service" not in result.code, result.diagnostics
    media = tmp_path / "original-media"
    run = subprocess.run([str(VOICEOVER_PYTHON), "-m", "manim", "-ql", "-s",
                          "--disable_caching", "--media_dir", str(media), "narrated.py",
                          "Narrated"], cwd=repo, capture_output=True, text=True, timeout=300)
    original = next(media.rglob("Narrated*.png"), None)
    assert run.returncode == 0 and original, run.stderr[-2000:]
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "scene.py").write_text(result.code, encoding="utf-8")
    frame = render_last_frame(flat / "scene.py", "Narrated", cwd=flat,
                              out_dir=tmp_path / "flat-media", timeout=240)
    assert frame.ok and frame.png, frame.error
    assert compare_frames(original, frame.png).identical
