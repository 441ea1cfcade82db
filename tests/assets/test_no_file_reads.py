"""Property: an output made with `--assets replace` reads no file at run time.

Two checks. Statically, with Hypothesis: generated scenes reference random assets (SVGs,
images, sounds, code and data files; present, missing, or behind constants, f-strings and
loops) and their flattened output contains no asset reference at all. At run time, on the
fixture scenes: the output is rendered by the real manim in an empty folder under an audit
hook that records every file manim opens; nothing may be opened in that folder except the
output itself and the media manim writes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import libcst as cst
import pytest
from asset_flat import png, svg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import manimflat
from manimflat.assets.finder import find_refs
from manimflat.ir import Flat, Piece, SceneRef
from manimflat.program import Program
from manimflat.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "fixtures" / "assets"

WORDS = ["factory", "car", "dog", "logo", "leq", "teacher", "background", "blob", "clock",
         "chart", "x1"]


def refs_in(code: str) -> list[object]:
    module = cst.parse_module(code)
    flat = Flat(program=Program(Path(tempfile.mkdtemp())),  # an empty repo: nothing to read
                scene=SceneRef("S", "out.py", 1, "manim-ce"), settings=Settings(),
                pieces=[Piece(tree=s, module="out.py", line=1) for s in module.body])
    return find_refs(flat)


@st.composite
def asset_scene(draw: st.DrawFn) -> tuple[str, dict[str, bytes | str]]:
    files: dict[str, bytes | str] = {}
    lines = []
    for i in range(draw(st.integers(1, 4))):
        word = draw(st.sampled_from(WORDS))
        form = draw(st.sampled_from(["svg", "png", "noext", "const", "loop", "sound", "code",
                                     "open", "read_text"]))
        present = draw(st.booleans())
        if form in ("svg", "const", "loop"):
            rel = f"icons/{word}.svg"
            data: bytes | str = svg(draw(st.integers(5, 90)), draw(st.integers(5, 90)))
        elif form in ("png", "noext"):
            rel = f"img/{word}.png"
            data = png(draw(st.integers(2, 40)), draw(st.integers(2, 40)))
        elif form == "sound":
            rel, data = f"{word}.wav", b"RIFF"
        elif form == "code":
            rel, data = f"snip/{word}.py", "x = 1\n"
        else:
            rel, data = f"data/{word}.txt", f"{word}\n"
        if present:
            files[rel] = data
        stmt = {
            "svg": f'SVGMobject("{rel}", height={i + 1})',
            "png": f'ImageMobject("{rel}")',
            "noext": f'ImageMobject("{rel[:-4]}")',
            "const": f"SVGMobject(os.path.join(ICONS, \"{word}.svg\"))",
            "loop": f'Group(*[SVGMobject(f"icons/{{n}}.svg") for n in ["{word}", "car"]])',
            "sound": f'self.add_sound("{rel}")',
            "code": f'Code("{rel}")',
            "open": f'open("{rel}").read()',
            "read_text": f'Path("{rel}").read_text()',
        }[form]
        if form == "loop":
            files.setdefault("icons/car.svg", svg(10, 10))
        lines.append(f"        v{i} = {stmt}" if form != "sound" else f"        {stmt}")
    source = ("import os\nfrom pathlib import Path\nfrom manim import *\n\n"
              "ICONS = os.path.join(os.path.dirname(__file__), 'icons')\n\n\n"
              "class S(Scene):\n    def construct(self):\n" + "\n".join(lines) + "\n")
    return source, files


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(asset_scene())
def test_replace_leaves_no_asset_reference(tmp_path_factory: pytest.TempPathFactory,
                                           case: tuple[str, dict[str, bytes | str]]) -> None:
    source, files = case
    repo = tmp_path_factory.mktemp("repo")
    (repo / "scene.py").write_text(source, encoding="utf-8")
    for rel, data in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
    result = manimflat.flatten(repo, "scene.py:S", root=str(repo), passes=(
        "resolve-imports,collect-closure,inline-bases,rewrite-assets,"
        "inline-data-files{check_mobjects=false},deconflict-names,normalize-imports,emit"))
    assert result.code is not None
    left = refs_in(result.code)
    # Only data files that could not be inlined (missing here) may stay, each reported.
    reported = [d for d in result.diagnostics if d.pass_name == "inline-data-files"
                and d.code in ("MF302", "MF303", "MF310")]
    assert all(ref.api in ("code", "open", "read_text") for ref in left), left  # type: ignore
    assert len(left) <= len(reported), (result.code, left)
    for asset in result.assets:
        assert asset.action in ("replaced", "missing", "dropped", "inlined", "left")


AUDIT = r"""
import json, os, sys
opened = []
def hook(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.path.abspath(os.fsdecode(args[0])))
sys.addaudithook(hook)
from manim.__main__ import main
sys.argv[0] = "manim"
try:
    main()
finally:
    with open(os.environ["AUDIT_OUT"], "w") as fh:
        json.dump(opened, fh)
"""

RUN_CASES = [("gallery", "FactoryIcon"), ("gallery", "DogPhoto"), ("gallery", "Backdrop"),
             ("gallery", "Beep"), ("gallery", "LoopIcons"), ("data", "HelloCode"),
             ("data", "Poem"), ("data", "Table")]


@pytest.mark.render
@pytest.mark.parametrize("repo,scene", RUN_CASES)
def test_output_opens_no_file_at_run_time(repo: str, scene: str, tmp_path: Path) -> None:
    result = manimflat.flatten(ASSETS / repo, f"scenes.py:{scene}", root=str(ASSETS / repo))
    assert result.code is not None
    work = tmp_path / "work"
    work.mkdir()
    (work / "flat.py").write_text(result.code, encoding="utf-8")
    media, audit = tmp_path / "media", tmp_path / "opened.json"
    proc = subprocess.run(
        [sys.executable, "-c", AUDIT, "render", "-ql", "-s", "--disable_caching",
         "--media_dir", str(media), "-v", "WARNING", "flat.py", scene],
        cwd=work, capture_output=True, text=True, timeout=300, check=False,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path),
             "AUDIT_OUT": str(audit), "PYTHONDONTWRITEBYTECODE": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    opened = json.loads(audit.read_text())
    # Python's own import machinery (the output's bytecode cache) and manim's probe for a
    # manim.cfg that is not there are not reads of data.
    inside = sorted({p for p in opened if p.startswith(str(work)) and Path(p).is_file()
                     and p != str(work / "flat.py") and "__pycache__" not in p})
    repo_files = [p for p in opened if p.startswith(str(ASSETS))]
    assert inside == [] and repo_files == [], (inside, repo_files)
