"""Descriptions: the usable-description rules, the storyboard describer (grounded: every quoted
string occurs in the code), the plugs (a local HTTP server stands in for the model endpoint;
a command; a callable) and a build whose every kept row ends described."""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from manimflat.cli import cli
from manimflat.dataset import build, load_config
from manimflat.dataset.config import ConfigError, DescribeConfig
from manimflat.dataset.describe import (
    PLACEHOLDERS,
    DescribeError,
    describe_one,
    quoted,
    run_describer,
    storyboard_description,
    ungrounded,
    unusable,
)
from manimflat.dataset.stats import stats
from manimflat.verify.storyboard import record

SHOWN = '''from manim import *


class LabelledSteps(Scene):
    def construct(self):
        title = Title("Three steps")
        self.play(Write(title))
        for i in range(3):
            step = Text(f"Step {i}", color=GREEN)
            self.play(FadeIn(step))
            self.play(FadeOut(step))
        listing = Code(code_string="print('hi')", language="python")
        self.play(Create(listing))
        formula = MathTex("a^2", "+", "b^2", "=", "c^2")
        self.play(Write(formula))
        self.play(TransformMatchingTex(formula, MathTex("c^2", "=", "a^2", "+", "b^2")))
'''


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                   ) -> None:
    monkeypatch.setenv("MANIMFLAT_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.mark.parametrize("text", ["", "   ", "[PENDING_DESCRIPTION]",
                                  "Scene: [PENDING_DESCRIPTION]", "TODO", "n/a", "None",
                                  "Create a Manim animation that scene.py",
                                  "Create a manim animation for intro.py.", "description",
                                  "<description>", "{{prompt}}", "A manim scene.", "Demo 3",
                                  "Lorem ipsum dolor sit amet", "LabelledSteps",
                                  "labelled steps", "steps.py", "A circle."])
def test_unusable(text: str) -> None:
    assert unusable(text, "LabelledSteps", "repo/lessons/steps.py:LabelledSteps") is not None


@pytest.mark.parametrize("text", ["Draws a circle.", "Write the title, then fade in each step.",
                                  "Visualise the Pythagorean theorem with squares."])
def test_usable(text: str) -> None:
    assert unusable(text, "LabelledSteps", "repo/lessons/steps.py:LabelledSteps") is None


def test_placeholder_patterns_are_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "dataset.md").read_text("utf-8")
    for pattern in PLACEHOLDERS:
        assert pattern in docs


def test_storyboard_description_is_grounded_and_in_order() -> None:
    board = record(SHOWN, "LabelledSteps")
    assert board["error"] is None
    text = storyboard_description(SHOWN, "LabelledSteps", "repo/lessons/steps.py:LabelledSteps",
                                  board)
    assert unusable(text, "LabelledSteps", "repo/lessons/steps.py:LabelledSteps") is None
    assert ungrounded(text, SHOWN) == []
    # f-string texts ("Step 0") are shown but not in the code: never quoted
    assert "Step 0" not in text
    assert quoted(text) == ["Three steps", "a^2", "+", "b^2", "=", "c^2",
                            "c^2", "=", "a^2", "+", "b^2"]
    assert text.index("Three steps") < text.index("code listing") < text.index("a^2")
    assert "repeat 3 times: fade in a text then fade out a text" in text  # the loop, once
    assert "transform the formula into the formula" in text and "lessons folder" in text
    assert f"about {board['duration']:g} seconds" in text


def _served(handler: Any) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


class _Model(BaseHTTPRequestHandler):
    """An OpenAI-compatible chat-completions endpoint: fails the first `fail` requests with
    503, then answers; records every request and how many ran at once."""
    requests: list[dict[str, Any]] = []
    fail = 0
    status = 503
    answer = "Write the title, then fade each step in and out, and show the formula."
    running = 0
    most = 0
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        cls = type(self)
        with cls.lock:
            cls.running += 1
            cls.most = max(cls.most, cls.running)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        cls.requests.append({"path": self.path, "auth": self.headers.get("Authorization"),
                             "body": body})
        time.sleep(0.05)
        with cls.lock:
            cls.running -= 1
            failing = cls.fail > 0
            cls.fail -= 1
        if failing:
            self.send_response(cls.status)
            self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(b"busy")
            return
        data = json.dumps({"choices": [{"message": {"role": "assistant",
                                                    "content": cls.answer}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def _model(**state: Any) -> type[_Model]:
    return type("Model", (_Model,), {"requests": [], "running": 0, "most": 0,
                                     "lock": threading.Lock(), **state})


BOARD = {"events": [{"kind": "play", "t": 0.0, "run_time": 1.0, "animations": [
    {"class": "Write", "mobject": {"class": "Title", "texts": [
        {"kind": "tex", "value": "Three steps"}]}}]}], "texts": ["Three steps"],
    "duration": 1.0, "n_animations": 1, "error": None}


def test_http_request_format_retries_and_cache(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model(fail=2)
    server, url = _served(model)
    monkeypatch.setenv("TEST_MODEL_KEY", "sk-test")
    config = DescribeConfig(describer="http", base_url=url, model="tiny-coder",
                            api_key_env="TEST_MODEL_KEY", retries=3, backoff=0.01,
                            cache=tmp_path / "cache", timeout=10)
    try:
        out = describe_one(SHOWN, "LabelledSteps", "steps.py", config, board=BOARD,
                           docstring="")
        assert out["description"] == model.answer
        assert out["description_source"] == "http:tiny-coder"
        assert len(model.requests) == 3  # two 503s retried, then the answer
        first = model.requests[-1]
        assert first["path"] == "/v1/chat/completions" and first["auth"] == "Bearer sk-test"
        body = first["body"]
        assert body["model"] == "tiny-coder" and body["temperature"] == 0.0
        assert [m["role"] for m in body["messages"]] == ["system", "user"]
        prompt = body["messages"][1]["content"]
        assert SHOWN in prompt and json.dumps(BOARD["events"]) in prompt
        # The same content again: answered from the cache, the server is not asked.
        again = describe_one(SHOWN, "LabelledSteps", "steps.py", config, board=BOARD,
                             docstring="")
        assert again["description"] == model.answer and len(model.requests) == 3
    finally:
        server.shutdown()


def test_http_concurrency_limit_and_template(tmp_path: Path) -> None:
    model = _model()
    server, url = _served(model)
    config = DescribeConfig(describer="http", base_url=url, model="m", concurrency=2,
                            cache=tmp_path / "cache", prompt="Scene {scene}: {code} {x}")
    items = [{"id": str(n), "scene": f"S{n}", "code": f"code {n}", "description": "",
              "storyboard": BOARD} for n in range(6)]
    try:
        answers = run_describer(config, items)
    finally:
        server.shutdown()
    assert set(answers) == {str(n) for n in range(6)}
    assert model.most == 2
    prompts = sorted(r["body"]["messages"][1]["content"] for r in model.requests)
    assert prompts[0] == "Scene S0: code 0 {x}"  # unknown braces stay as written
    assert model.requests[0]["auth"] is None  # no key in the environment: none sent


def test_http_errors(tmp_path: Path) -> None:
    refused = _model(fail=99, status=400)
    server, url = _served(refused)
    config = DescribeConfig(describer="http", base_url=url, model="m", retries=3,
                            backoff=0.01, cache=tmp_path / "a")
    try:
        with pytest.raises(DescribeError, match="MF522.*HTTP 400"):
            run_describer(config, [{"id": "0", "code": "x", "storyboard": {}}])
        assert len(refused.requests) == 1  # a refused request is not retried
    finally:
        server.shutdown()
    down = DescribeConfig(describer="http", base_url="http://127.0.0.1:9/v1", model="m",
                          retries=1, backoff=0.01, cache=tmp_path / "b", timeout=2)
    with pytest.raises(DescribeError, match="MF522.*after 2 attempt"):
        run_describer(down, [{"id": "0", "code": "x", "storyboard": {}}])
    # An answer that is no description: the storyboard describer writes it (MF523).
    lazy = _model(answer="TODO")
    server, url = _served(lazy)
    config = DescribeConfig(describer="http", base_url=url, model="m", cache=tmp_path / "c")
    try:
        out = describe_one(SHOWN, "LabelledSteps", "steps.py", config, board=BOARD,
                           docstring="")
    finally:
        server.shutdown()
    assert out["description_source"] == "storyboard" and '"Three steps"' in out["description"]
    assert any(n.startswith("MF523") for n in out["notes"])


def test_command_and_callable_plugs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "describer.py"
    script.write_text("import json, sys\nfor line in sys.stdin:\n    item = json.loads(line)\n"
                      "    n = len(item['storyboard']['events'])\n"
                      "    print(json.dumps({'id': item['id'], 'description': "
                      "f\"Play {n} steps of {item['scene']} in order.\"}))\n", "utf-8")
    command = DescribeConfig(describer="command", command=(sys.executable, str(script)))
    out = describe_one(SHOWN, "LabelledSteps", "steps.py", command, board=BOARD, docstring="")
    assert (out["description"], out["description_source"]) == (
        "Play 1 steps of LabelledSteps in order.", "command")
    (tmp_path / "my_describer.py").write_text(
        "def describe(code, storyboard):\n"
        "    return 'Show ' + ', '.join(storyboard['texts']) + ' on screen.'\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    plug = DescribeConfig(describer="callable", callable="my_describer:describe")
    out = describe_one(SHOWN, "LabelledSteps", "steps.py", plug, board=BOARD, docstring="")
    assert (out["description"], out["description_source"]) == (
        "Show Three steps on screen.", "callable")
    broken = DescribeConfig(describer="command", command=(sys.executable, "-c", "exit(3)"))
    with pytest.raises(DescribeError, match="MF522.*exited with 3"):
        describe_one(SHOWN, "LabelledSteps", "steps.py", broken, board=BOARD, docstring="")


def test_describe_config_is_checked(tmp_path: Path) -> None:
    (tmp_path / "t.jsonl").write_text("", "utf-8")
    toml = tmp_path / "d.toml"
    toml.write_text('[[source]]\nname = "t"\nkind = "table"\npath = "t.jsonl"\n'
                    '[describe]\ndescriber = "http"\nwhen = "sometimes"\nmodle = "x"\n', "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(toml)
    message = str(exc.value)
    assert "needs `base_url`" in message and "needs `model`" in message
    assert "when must be one of missing, always" in message and "did you mean 'model'" in message


def test_cli_describe(tmp_path: Path) -> None:
    file = tmp_path / "steps.py"
    file.write_text(SHOWN, "utf-8")
    done = CliRunner().invoke(cli, ["describe", str(file), "--scene", "LabelledSteps", "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["description_source"] == "storyboard"
    assert ungrounded(out["description"], SHOWN) == [] and out["storyboard"]["n_animations"] == 10
    missing = CliRunner().invoke(cli, ["describe", str(file), "--scene", "Nope"])
    assert missing.exit_code == 2 and "no scene class Nope" in missing.output


REPO = {
    "lessons/shapes.py": '''
        from manim import *


        class CircleToSquare(Scene):
            def construct(self):
                self.play(Create(Circle(color=BLUE)))
                self.play(Transform(self.mobjects[0], Square(color=RED)))


        class Greeting(Scene):
            """TODO"""

            def construct(self):
                self.play(Write(Text("Welcome to manim")))
                self.wait()


        class Documented(Scene):
            """Grow an arrow to the right and label it with the word force."""

            def construct(self):
                arrow = Arrow(LEFT, RIGHT)
                self.play(GrowArrow(arrow))
                self.play(FadeIn(Text("force").next_to(arrow, UP)))
        ''',
    "lessons/voiced.py": '''
        from manim import *
        from manim_voiceover import VoiceoverScene
        from manim_voiceover.services.gtts import GTTSService


        class Voiced(VoiceoverScene):
            def construct(self):
                self.set_speech_service(GTTSService())
                with self.voiceover(text="Here a circle is drawn slowly.") as tracker:
                    self.play(Create(Circle()), run_time=tracker.duration)
        ''',
}
TABLE = [
    {"description": "", "code": "from manim import *\n\nclass Empty(Scene):\n    def construct(self):"
     "\n        self.play(FadeIn(MathTex(r'\\int_0^1 x\\,dx')))\n"},
    {"description": "[PENDING_DESCRIPTION]", "code": "from manim import *\n\nclass Pending(Scene):"
     "\n    def construct(self):\n        self.play(DrawBorderThenFill(Star(color=GOLD)))\n"},
    {"description": "Create a Manim animation that scene.py", "code": "from manim import *\n\n"
     "class Placeholder(Scene):\n    def construct(self):\n        t = Text('Alpha')\n"
     "        self.play(Write(t))\n        self.play(t.animate.shift(UP))\n"},
    {"description": "Rotate a green triangle twice around its centre.", "code": "from manim import"
     " *\n\nclass Spin(Scene):\n    def construct(self):\n        t = Triangle(color=GREEN)\n"
     "        self.play(Rotate(t, PI))\n        self.play(Rotate(t, PI))\n"},
]


def test_build_describes_every_kept_row(tmp_path: Path) -> None:
    from helpers import write_repo

    write_repo(tmp_path / "repo", REPO)
    (tmp_path / "table.jsonl").write_text("".join(json.dumps(r) + "\n" for r in TABLE), "utf-8")
    toml = tmp_path / "dataset.toml"
    toml.write_text('[[source]]\nname = "repo"\nkind = "repo"\npath = "repo"\n\n'
                    '[[source]]\nname = "table"\nkind = "table"\npath = "table.jsonl"\n'
                    "require_description = false\n", "utf-8")  # no [describe]: the defaults
    out = tmp_path / "out"
    build(load_config(toml), out, jobs=1, progress=False)
    rows = {r["origin"].rsplit(":", 1)[-1].split("#")[-1]: r
            for r in pq.read_table(out / "dataset.parquet").to_pylist()}
    assert len(rows) == 8
    for name, row in rows.items():
        assert unusable(row["description"], row["scene"], row["origin"]) is None, name
        assert ungrounded(row["description"], row["code"]) == [], name
    sources = {name: row["description_source"] for name, row in rows.items()}
    assert sources == {"CircleToSquare": "storyboard", "Greeting": "storyboard",
                       "Documented": "docstring", "Voiced": "narration", "0": "storyboard",
                       "1": "storyboard",
                       "2": "storyboard", "3": "table"}
    originals = {name: row["original_description"] for name, row in rows.items()}
    assert originals == {"CircleToSquare": None, "Greeting": "TODO", "Documented": None,
                         "Voiced": None,
                         "0": None, "1": "[PENDING_DESCRIPTION]",
                         "2": "Create a Manim animation that scene.py", "3": None}
    assert '"Welcome to manim"' in rows["Greeting"]["description"]
    assert '"Alpha"' in rows["2"]["description"]
    assert 'The narration says "Here a circle is drawn slowly."' in rows["Voiced"]["description"]
    assert "MF524 the description was replaced: a placeholder ('TODO')" in rows["Greeting"]["notes"]
    # Storyboards of the described rows (default `storyboard = "described"`), with durations.
    board = json.loads(rows["CircleToSquare"]["storyboard"])
    assert [a["class"] for e in board["events"] for a in e["animations"]] == ["Create", "Transform"]
    assert rows["CircleToSquare"]["duration_s"] == 2.0 == board["duration"]
    assert rows["CircleToSquare"]["n_animations"] == 2
    assert rows["Documented"]["storyboard"] is None and rows["Documented"]["duration_s"] is None
    text, _ = stats(out)
    assert "| storyboard | 5 | 62.5% |" in text and "| narration | 1 | 12.5% |" in text and "## Difficulty and video length" in text


def test_judge_gets_the_storyboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manimflat.dataset.config import JudgeConfig
    from manimflat.dataset.judge import run_judge

    (tmp_path / "board_judge.py").write_text(
        "def check(code, description, storyboard):\n"
        "    shown = [t for t in storyboard['texts'] if t in description]\n"
        "    return bool(shown), 'names no text the scene shows'\n"
        "def old(code, description):\n    return True\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    items = [{"id": "a", "code": SHOWN, "description": 'Write "Three steps".', "storyboard": BOARD},
             {"id": "b", "code": SHOWN, "description": "Draw a cat.", "storyboard": BOARD}]
    assert run_judge(JudgeConfig(callable="board_judge:check"), items) == {
        "a": (True, "names no text the scene shows"), "b": (False, "names no text the scene shows")}
    assert run_judge(JudgeConfig(callable="board_judge:old"), items)["b"] == (True, "")
