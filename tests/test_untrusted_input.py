"""Hostile repositories: the scanned repo reads nothing outside itself, its path expressions
cannot reach into objects or build huge strings, and odd files (form feeds, deep expressions,
bad `manim.cfg`) give a diagnostic with file:line, never a traceback or a lost scene.

Each probe builds its repo in tmp_path, runs it through the CLI (a subprocess) and the library,
and checks what leaked: the secret in the output, the report, the diagnostics; files opened
outside the repo (an audit hook records every `open` of the library run).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import write_repo

import manimflat
from manimflat.analyses.layout import source_lines
from manimflat.analyses.paths import evaluate

SECRET = "s3cr3t-0f-the-caller-5417"
HEAD = "from manim import *\n\n"
CIRCLE = HEAD + "class A(Scene):\n    def construct(self):\n        self.add(Circle())\n"
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, Path)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@contextmanager
def opened() -> Iterator[list[str]]:
    """The paths the code under the block opens (as resolved real paths)."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        paths, _OPENED = _OPENED, None
        paths[:] = [os.path.realpath(p) for p in paths]


def outside_secret(tmp_path: Path, name: str = "secret.txt") -> Path:
    path = tmp_path / "outside" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def cli(*args: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "manimflat", *args], capture_output=True,
                          text=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})


def run_scene(repo: Path, tmp_path: Path, *extra: str,
              env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str],
                                                         str, dict]:
    """`manimflat REPO --scene A -o OUT --report R`: the process, the output text, the report."""
    out, report = tmp_path / "flat" / "A.py", tmp_path / "report.json"
    proc = cli(str(repo), "--scene", "A", "-o", str(out), "--report", str(report), *extra,
               env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return proc, text, json.loads(report.read_text(encoding="utf-8"))


def every_text(proc: subprocess.CompletedProcess[str], text: str, report: dict) -> str:
    return proc.stdout + proc.stderr + text + json.dumps(report)


def codes_in(report: dict) -> set[str]:
    return {d["code"] for d in report["diagnostics"]} | {
        d["code"] for scene in report["scenes"] for d in scene["diagnostics"]}


# -- symlinks out of the repository -------------------------------------------------------

def test_data_file_symlinked_outside_is_not_inlined(tmp_path: Path) -> None:
    secret = outside_secret(tmp_path)
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD + (
        "class A(Scene):\n    def construct(self):\n        with open('data.txt') as f:\n"
        "            self.add(Text(f.read()))\n")})
    (repo / "data.txt").symlink_to(secret)
    proc, text, report = run_scene(repo, tmp_path)
    # left as it was, not inlined; so the output still needs the file: not self-contained
    assert proc.returncode == 1, proc.stderr
    assert SECRET not in every_text(proc, text, report)
    assert "scene.py:5:" in proc.stderr and "MF308" in proc.stderr and "MF405" in proc.stderr
    assert "open('data.txt')" in text
    with opened() as paths:
        result = manimflat.flatten(repo, "A")
    assert {"MF308", "MF405"} <= {d.code for d in result.diagnostics}
    assert str(secret) not in paths and SECRET not in (result.code or "")
    assert str((repo / "scene.py").resolve()) in paths  # the hook sees the reads


def test_kept_asset_symlinked_outside_is_not_copied(tmp_path: Path) -> None:
    secret = outside_secret(tmp_path, "passwd")
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD + (
        "class A(Scene):\n    def construct(self):\n        self.add(SVGMobject('icon.svg'))\n"
        "        self.add(SVGMobject('logo'))\n")})
    (repo / "icon.svg").symlink_to(secret)
    (repo / "art").mkdir()
    (repo / "art" / "logo.svg").symlink_to(secret)  # only found by its name
    proc, text, report = run_scene(repo, tmp_path, "--assets", "keep")
    assert proc.returncode == 0, proc.stderr
    copied = [p for p in (tmp_path / "flat").rglob("*") if p.is_file()]
    assert copied == [tmp_path / "flat" / "A.py"]
    assert SECRET not in every_text(proc, text, report)
    assert proc.stderr.count("MF308") == 2
    with opened() as paths:
        result = manimflat.flatten(repo, "A", assets="keep")
    assert result.files == {} and str(secret) not in paths


def test_folder_symlinked_outside_is_not_read(tmp_path: Path) -> None:
    secret = outside_secret(tmp_path)
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD + (
        "class A(Scene):\n    def construct(self):\n"
        "        self.add(Text(open('data/secret.txt').read()))\n")})
    (repo / "data").symlink_to(secret.parent, target_is_directory=True)
    with opened() as paths:
        result = manimflat.flatten(repo, "A")
    assert "MF308" in {d.code for d in result.diagnostics}
    assert str(secret) not in paths and SECRET not in (result.code or "")


def test_manim_cfg_symlinked_outside_is_not_read(tmp_path: Path) -> None:
    cfg = tmp_path / "outside" / "manim.cfg"
    cfg.parent.mkdir()
    cfg.write_text(f"[CLI]\nbackground_color = #{SECRET[:6]}\nassets_dir = {SECRET}\n")
    repo = write_repo(tmp_path / "r", {"scene.py": CIRCLE})
    (repo / "manim.cfg").symlink_to(cfg)
    proc, text, report = run_scene(repo, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "class A(Scene)" in text and "config." not in text
    assert SECRET[:6] not in every_text(proc, text, report)
    assert [(d["code"], d["path"]) for d in report["diagnostics"]] == [("MF308", "manim.cfg")]
    with opened() as paths:
        manimflat.flatten(repo, "A")
    assert str(cfg) not in paths


def test_python_file_symlinked_outside_is_skipped(tmp_path: Path) -> None:
    other = tmp_path / "outside" / "helpers.py"
    other.parent.mkdir()
    other.write_text(f"def ring():\n    return '{SECRET}'\n")
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD + (
        "from helpers import ring\n\nclass A(Scene):\n    def construct(self):\n"
        "        self.add(Text(ring()))\n")})
    (repo / "helpers.py").symlink_to(other)
    with opened() as paths:
        result = manimflat.flatten(repo, "A")
    assert str(other) not in paths and SECRET not in (result.code or "")
    assert not result.ok  # `ring` comes from nowhere the flattener may read


# -- static evaluation of path expressions -----------------------------------------------

WALK = '"{0.__reduce__.__func__.__globals__[os].environ[MY_SECRET]}".format(Path("x"))'


def test_format_attribute_walk_does_not_reach_the_environment(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD + (
        "import os\nfrom pathlib import Path\n\nclass A(Scene):\n    def construct(self):\n"
        f"        self.add(SVGMobject({WALK}))\n"
        f"        self.add(Text(open({WALK}).read()))\n")})
    proc, text, report = run_scene(repo, tmp_path, env={"MY_SECRET": SECRET})
    assert proc.returncode == 0  # neither path can be known: both are left, with a warning
    assert SECRET not in every_text(proc, text, report)
    assert "MF303" in codes_in(report)
    monkeypatch.setenv("MY_SECRET", SECRET)
    result = manimflat.flatten(repo, "A")
    assert SECRET not in json.dumps(result.to_json(None)) + (result.code or "")


@pytest.mark.parametrize("expr", ['"{:>1000000000}".format(7)', '"%1000000000d" % 7',
                                  'f"{N:>1000000000}"', '"{:.1000000000f}".format(1.5)',
                                  '"{:>{w}}".format(7, w=1000000000)'])
def test_huge_format_widths_are_refused_fast(tmp_path: Path, expr: str) -> None:
    start = time.perf_counter()
    assert evaluate(expr, file="/r/a.py", cwd="/r", names={"N": 7}) is None
    assert time.perf_counter() - start < 1
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD + (
        f"N = 7\n\nclass A(Scene):\n    def construct(self):\n        self.add(SVGMobject({expr}))\n")})
    start = time.perf_counter()
    proc, text, _ = run_scene(repo, tmp_path)
    assert proc.returncode == 0 and time.perf_counter() - start < 60
    assert "class A(Scene)" in text and len(text) < 10_000


def test_doubling_strings_stop_at_a_bound() -> None:
    names: dict = {"A": "x" * 3000}
    assert evaluate("A + A", file="/r/a.py", cwd="/r", names=names) is None
    assert evaluate("N * N", file="/r/a.py", cwd="/r", names={"N": 2**40}) is None


@pytest.mark.parametrize(("expr", "value"), [
    ('"img_{:03d}.png".format(7)', "img_007.png"), ('"{}/{}.svg".format("a", "b")', "a/b.svg"),
    ('"{name}.svg".format(name="x")', "x.svg"), ('"%s_%03d.png" % ("a", 5)', "a_005.png"),
    ('"%d%%" % 5', "5%"), ('f"{N:02}.svg"', "07.svg"), ('f"{N!r:>3}"', "  7"),
    ('"{!s}".format(Path("a") / "b")', "a/b")])
def test_plain_formats_over_constants_still_evaluate(expr: str, value: str) -> None:
    assert evaluate(expr, file="/r/a.py", cwd="/r", names={"N": 7}) == value


@pytest.mark.parametrize("expr", ['"{0.parent}".format(Path("a/b"))', '"{0[0]}".format("ab")',
                                  '"%(k)s" % "x"', '"%*d" % 3', '"{x}".format(**D)'])
def test_formats_that_walk_into_values_are_unknown(expr: str) -> None:
    assert evaluate(expr, file="/r/a.py", cwd="/r", names={"D": "x"}) is None


# -- files that parse oddly ---------------------------------------------------------------

def test_lines_are_counted_as_python_counts_them() -> None:
    source = "a = 1\n\f\nb = '\u2028\x85'\r\nc = 3\rd = 4"
    lines = source_lines(source)
    assert "".join(lines) == source and len(lines) == 5
    assert [n.lineno for n in ast.parse(source).body] == [1, 3, 4, 5]
    assert lines[2].startswith("b =") and lines[3].startswith("c =")


CONSTRUCT = b"class A(Scene):\n    def construct(self):\n"


@pytest.mark.parametrize("body", [
    b"X = 1\n\x0c\n" + CONSTRUCT + b"        self.add(Circle())\n",
    CONSTRUCT + b"        self.add(Circle())\n\x0c\n        self.add(Square())\n",
    CONSTRUCT + b"        self.add(Circle())\n\x0c        self.add(Square())\n",
    b"def f():\n    return Circle()\n\x0c\x0c" + CONSTRUCT + b"        self.add(f())\n"],
    ids=["between", "in-block", "indent", "two"])
def test_form_feeds_keep_the_scene_complete(tmp_path: Path, body: bytes) -> None:
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD.encode() + body})
    proc, text, _ = run_scene(repo, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "class A(Scene)" in text and "self.add(" in text
    compile(text, "A.py", "exec")
    expected = [n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name)
                and n.id in ("Circle", "Square", "f")]
    assert sorted(n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)
                  and n.id in ("Circle", "Square", "f")) == sorted(expected)


def test_deep_expression_in_an_unrelated_file_is_skipped_not_the_scene(tmp_path: Path) -> None:
    deep = " + ".join(["1"] * 5000)
    repo = write_repo(tmp_path / "r", {
        "scene.py": CIRCLE,
        "big.py": f"class B:\n    pass\n\nX = {deep}\n", "deeper.py": f"Y = [{deep}]\n"})
    listed = cli(str(repo), "--list")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert listed.stdout.splitlines() == ["scene.py:3 A manim-ce"]
    assert "big.py:4: warning MF117" in listed.stderr
    proc, text, report = run_scene(repo, tmp_path)
    assert proc.returncode == 0 and "self.add(Circle())" in text
    assert {(d["code"], d["path"], d["line"]) for d in report["diagnostics"]} >= {
        ("MF117", "big.py", 4)}
    assert [s.name for s in manimflat.discover(repo)] == ["A"]
    assert manimflat.flatten(repo, "A").ok


def with_cfg(tmp_path: Path, cfg: str) -> tuple[subprocess.CompletedProcess[str], str, dict]:
    repo = write_repo(tmp_path / "r", {"scene.py": CIRCLE, "manim.cfg": cfg})
    return run_scene(repo, tmp_path)


def test_manim_cfg_with_percent_is_read_as_manim_reads_it(tmp_path: Path) -> None:
    proc, text, report = with_cfg(tmp_path, "[CLI]\nbackground_color = %(nothing)s\n"
                                  "frame_width = 16\nbackground_opacity = 50%%\n")
    assert proc.returncode == 0, proc.stderr
    assert "config.frame_width = 16.0" in text and "background_" not in text
    assert sorted((d["code"], d["path"], d["line"]) for d in report["diagnostics"]) == [
        ("MF116", "manim.cfg", 2), ("MF116", "manim.cfg", 4)]


def test_manim_cfg_that_does_not_parse_is_ignored_with_its_line(tmp_path: Path) -> None:
    proc, text, report = with_cfg(tmp_path, "frame_width = 16\n[CLI]\n")
    assert proc.returncode == 0 and "class A(Scene)" in text and "config." not in text
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("MF115", 1)]


def test_manim_cfg_infinite_numbers_are_not_emitted(tmp_path: Path) -> None:
    proc, text, report = with_cfg(tmp_path, "[CLI]\nframe_height = inf\nframe_width = nan\n"
                                  "background_opacity = -Infinity\nbackground_color = #202020\n")
    assert proc.returncode == 0, proc.stderr
    assert "Infinity" not in text and "NaN" not in text and "inf" not in text
    assert 'config.background_color = "#202020"' in text
    assert sorted((d["code"], d["line"]) for d in report["diagnostics"]) == [
        ("MF116", 2), ("MF116", 3), ("MF116", 4)]
    compile(text, "A.py", "exec")


def test_manim_cfg_interpolation_cannot_expand_without_bound(tmp_path: Path) -> None:
    lines = ["[CLI]", "x0 = " + "A" * 1000]
    lines += [f"x{i} = " + f"%(x{i - 1})s" * 20 for i in range(1, 10)]
    start = time.perf_counter()
    proc, text, report = with_cfg(tmp_path, "\n".join([*lines, "background_color = %(x9)s\n"]))
    assert proc.returncode == 0 and time.perf_counter() - start < 60
    assert "background_color" not in text
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("MF116", 12)]


def test_fifos_and_link_loops_are_not_read(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", {"scene.py": HEAD + (
        "class A(Scene):\n    def construct(self):\n        self.add(Text(open('data.txt').read()))\n"
        "        self.add(SVGMobject('loop.svg'))\n")})
    for name in ("data.txt", "helpers.py", "manim.cfg"):
        os.mkfifo(repo / name)
    (repo / "loop.svg").symlink_to("loop.svg")
    proc, text, report = run_scene(repo, tmp_path)
    assert proc.returncode == 1  # the data file is missing: an error, named
    assert "class A(Scene)" in text
    assert ("MF104", "helpers.py") in {(d["code"], d["path"]) for d in report["diagnostics"]}
    assert {"MF302", "MF308"} <= codes_in(report)
