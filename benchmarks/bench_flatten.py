"""Flatten every scene of a large generated repository and print how fast it went.

    python benchmarks/bench_flatten.py [--chapters 50] [--keep DIR] [--tracemalloc]
    python benchmarks/bench_flatten.py --realistic [--jobs 2] [--keep DIR]
    python benchmarks/bench_flatten.py [--jobs 2] REPO_OR_FOLDER_OF_REPOS...

`--realistic` generates a repository like the real ones (SVGs with hundreds of paths, PNGs of
a few hundred kB, WAV sounds, CSV and text data files, base scenes in other files, 1,000
scenes) and runs `manimflat REPO --all --jobs N` on it as a command; repositories given on the
command line (a folder holding repositories, one with neither `.git` nor `.py` files of its
own, counts as each of them) are run the same way. Per repository: the libcst parse-once floor
(every `.py` file parsed once, in this process), the command's wall time, the ratio, scenes
per second and the command's peak RSS.

The generated repository (in a temporary folder unless `--keep`) has a `common` package whose
`__init__` star re-exports its submodules, a `lib` package of helper modules whose names collide
(`make_shape`, `PALETTE`, `Badge` in every one of them), and per chapter a `utils.py` (the same
module name in every chapter folder), a base scene module and scene files whose scenes import
helpers with every form (star, alias, dotted, from-import, the chapter's own `utils`). With the
default 50 chapters: 453 modules and 1,000 scenes.

Printed: scenes per second; the ratio of the total flattening time to the time of parsing every
file once with `libcst.parse_module` (measured in the same run, before flattening); how many
times libcst and `ast` parsed a repo file during flattening (each file should be parsed at
most once per run); peak memory (max RSS, and the tracemalloc peak with `--tracemalloc`, which slows
everything down); the time of each pass summed over all scenes. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import wave
from collections import Counter
from pathlib import Path

import libcst

import manimflat.api

LIB_MODULES = 40
COMMON_MODULES = 10
FILES_PER_CHAPTER = 5
SCENES_PER_FILE = 4


def common_module(i: int) -> str:
    return f'''"""Shared look, part {i}."""
from manim import *

PALETTE_{i} = [BLUE, RED, GREEN, YELLOW][{i} % 4:]
STROKE_{i} = {i % 5 + 1}


def outline_{i}(mob):
    # every chapter uses these outlines
    return mob.set_stroke(WHITE, width=STROKE_{i})
'''


def lib_module(i: int) -> str:
    c = i % COMMON_MODULES
    return f'''"""Helpers, family {i}: names collide with every other family on purpose."""
from manim import *
from common import *
import common.part_{c} as part

PALETTE = PALETTE_{c} + [PURPLE]
SIZE = {0.5 + (i % 7) / 10}


class Badge(VGroup):
    def __init__(self, color=PALETTE[0], **kwargs):
        super().__init__(Circle(SIZE).set_fill(color, 1), Dot(), **kwargs)


def make_shape(n={i % 6 + 3}):
    """A polygon with this family's outline."""
    return part.outline_{c}(RegularPolygon(n).scale(SIZE))


def make_row(k):
    return VGroup(*[make_shape() for _ in range(k)]).arrange(RIGHT)


def _unused_{i}():
    return Square()


if __name__ == "__main__":
    print(make_row(3))
'''


def chapter_utils(ch: int) -> str:
    return f'''from manim import *

TITLE_COLOR = {["BLUE", "RED", "GREEN", "GOLD"][ch % 4]}


def title(text_width=6):
    return Line(LEFT * text_width / 2, RIGHT * text_width / 2, color=TITLE_COLOR).to_edge(UP)
'''


def chapter_base(ch: int) -> str:
    return f'''from manim import *
from utils import title


class Chapter{ch}Scene(Scene):
    """Base of every scene of chapter {ch}: no construct."""

    accent = {["TEAL", "MAROON", "ORANGE"][ch % 3]}

    def setup(self):
        super().setup()
        self.add(title())
'''


def scene_file(ch: int, f: int) -> str:
    a, b, c = (ch * 7 + f) % LIB_MODULES, (ch * 3 + f * 5 + 1) % LIB_MODULES, (ch + f) % 10
    lines = [
        "from manim import *",
        "from common import *",
        f"import lib.family_{a} as fam",
        f"import lib.family_{b}",
        f"from lib.family_{(a + 1) % LIB_MODULES} import make_shape, Badge",
        f"from chapters.ch{ch:02d}.base import Chapter{ch}Scene",
        "from utils import title",
        "",
    ]
    for s in range(SCENES_PER_FILE):
        name = f"C{ch:02d}F{f}S{s}"
        lines += [
            "",
            f"class {name}(Chapter{ch}Scene):",
            "    def construct(self):",
            f"        row = fam.make_row({s + 1}).shift(DOWN)",
            f"        other = lib.family_{b}.make_shape().set_color(self.accent)",
            f"        self.add(row, other, make_shape(), Badge(), outline_{c}(Square()))",
            f"        self.add(title({s + 3}))" if s % 2 else "        self.wait(0.1)",
            "",
        ]
    return "\n".join(lines)


def generate(root: Path, chapters: int) -> tuple[int, int]:
    """Write the repository; returns (modules, scenes)."""
    files: dict[str, str] = {"pyproject.toml": '[project]\nname = "bench"\nversion = "0"\n'}
    files["common/__init__.py"] = "".join(f"from .part_{i} import *\n"
                                          for i in range(COMMON_MODULES))
    for i in range(COMMON_MODULES):
        files[f"common/part_{i}.py"] = common_module(i)
    files["lib/__init__.py"] = ""
    for i in range(LIB_MODULES):
        files[f"lib/family_{i}.py"] = lib_module(i)
    files["chapters/__init__.py"] = ""
    for ch in range(chapters):
        d = f"chapters/ch{ch:02d}"
        files[f"{d}/__init__.py"] = ""
        files[f"{d}/utils.py"] = chapter_utils(ch)
        files[f"{d}/base.py"] = chapter_base(ch)
        for f in range(FILES_PER_CHAPTER):
            files[f"{d}/scenes_{f}.py"] = scene_file(ch, f)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    modules = sum(rel.endswith(".py") for rel in files)
    return modules, chapters * FILES_PER_CHAPTER * SCENES_PER_FILE


class ParseCounter:
    """Counts libcst and ast parses of the repo's files while installed ('parsed once')."""

    def __init__(self, sources: list[str]) -> None:
        self.files = Counter(sources)  # identical files (empty __init__.py) share a text
        self.cst: Counter[str] = Counter()
        self.ast: Counter[str] = Counter()
        self.other_ast = 0  # parses of other text (expressions, generated code)

    def __enter__(self) -> ParseCounter:  # noqa: PYI034 - never subclassed
        self._cst, self._ast = libcst.parse_module, ast.parse

        def cst_parse(source, *args, **kwargs):  # type: ignore[no-untyped-def]
            if source in self.files:
                self.cst[source] += 1
            return self._cst(source, *args, **kwargs)

        def ast_parse(source, *args, **kwargs):  # type: ignore[no-untyped-def]
            if source in self.files:
                self.ast[source] += 1
            else:
                self.other_ast += 1
            return self._ast(source, *args, **kwargs)

        libcst.parse_module, ast.parse = cst_parse, ast_parse  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        libcst.parse_module, ast.parse = self._cst, self._ast  # type: ignore[assignment]

    def reparsed(self, counts: Counter[str]) -> int:
        """Files parsed more than once (a text shared by n files may be parsed n times)."""
        return sum(max(0, n - self.files[text]) for text, n in counts.items())


def _svg(paths: int, seed: int) -> str:
    rnd = random.Random(seed)
    body = "".join(
        f'<path d="M {rnd.randint(0, 500)} {rnd.randint(0, 500)} '
        + " ".join(f"C {rnd.randint(0, 500)} {rnd.randint(0, 500)} {rnd.randint(0, 500)} "
                   f"{rnd.randint(0, 500)} {rnd.randint(0, 500)} {rnd.randint(0, 500)}"
                   for _ in range(4))
        + f' Z" fill="#{rnd.randint(0, 0xFFFFFF):06x}"/>\n' for _ in range(paths))
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 500 500">\n{body}</svg>\n'


def _png(path: Path, seed: int) -> None:
    from PIL import Image
    rnd = random.Random(seed)
    Image.frombytes("RGB", (320, 320), rnd.randbytes(320 * 320 * 3)).save(path)  # ~300 kB


def _wav(path: Path) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(bytes(22050))  # one second of silence


REALISTIC_SVGS, REALISTIC_PNGS, REALISTIC_DATA = 12, 8, 6


def generate_realistic(root: Path, chapters: int = 50) -> int:
    """A repository like the real ones; returns the number of scenes."""
    (root / "assets").mkdir(parents=True)
    (root / "data").mkdir()
    for i in range(REALISTIC_SVGS):
        (root / "assets" / f"icon_{i}.svg").write_text(_svg(300, i), encoding="utf-8")
    for i in range(REALISTIC_PNGS):
        _png(root / "assets" / f"photo_{i}.png", i)
    _wav(root / "assets" / "click.wav")
    for i in range(REALISTIC_DATA):
        (root / "data" / f"points_{i}.csv").write_text(
            "".join(f"{x},{(x * 7 + i) % 13}\n" for x in range(50)), encoding="utf-8")
    (root / "data" / "poem.txt").write_text("line one\nline two\n", encoding="utf-8")
    (root / "common.py").write_text(
        "from manim import *\n\nASSETS = 'assets'\n\n"
        "class TitledScene(Scene):\n    def setup(self):\n"
        "        self.title = Text('Chapter').to_edge(UP)\n\n"
        "def icon(k):\n    return SVGMobject(f'{ASSETS}/icon_{k}.svg').scale(0.5)\n",
        encoding="utf-8")
    scenes = 0
    for ch in range(chapters):
        folder = root / f"ch{ch:02d}"
        folder.mkdir()
        (folder / "base.py").write_text(
            "from manim import *\nfrom common import TitledScene\n\n"
            "class ChapterScene(TitledScene):\n    def setup(self):\n        super().setup()\n"
            f"        self.photo = ImageMobject('assets/photo_{ch % REALISTIC_PNGS}.png')\n",
            encoding="utf-8")
        for f in range(FILES_PER_CHAPTER):
            text = "from manim import *\nimport numpy as np\nfrom common import icon\n" \
                   f"from ch{ch:02d}.base import ChapterScene\n\n"
            for s in range(SCENES_PER_FILE):
                k = (ch + f + s) % REALISTIC_SVGS
                text += (
                    f"class Scene{ch}x{f}x{s}(ChapterScene):\n    def construct(self):\n"
                    f"        logo = SVGMobject('assets/icon_{k}.svg')\n"
                    f"        pts = np.loadtxt('data/points_{k % REALISTIC_DATA}.csv', "
                    "delimiter=',')\n"
                    "        self.add_sound('assets/click.wav')\n"
                    "        with open('data/poem.txt') as fh:\n"
                    "            poem = Text(fh.read())\n"
                    f"        self.play(Create(logo), FadeIn(icon({s})), Write(poem))\n"
                    "        self.add(self.photo, Dot(point=[*pts[0], 0]))\n\n")
                scenes += 1
            (folder / f"scenes_{f}.py").write_text(text, encoding="utf-8")
        (folder / "__init__.py").write_text("", encoding="utf-8")
    return scenes


def _py_files(repo: Path) -> list[Path]:
    return sorted(p for p in repo.rglob("*.py") if not any(
        part.startswith(".") or part in ("__pycache__", "media", "venv", ".venv")
        for part in p.relative_to(repo).parts))


def _repos(paths: list[Path]) -> list[Path]:
    """Each path is a repository (a git clone, or `.py` files at the top), or a folder of them."""
    out = []
    for path in paths:
        if (path / ".git").exists() or any(path.glob("*.py")) or \
                not any(c.is_dir() for c in path.iterdir()):
            out.append(path)
        else:
            out += sorted(c for c in path.iterdir() if c.is_dir() and not c.name.startswith("."))
    return out


def measure_command(repo: Path, jobs: int) -> None:
    """The parse-once floor, then `manimflat REPO --all --jobs N`; one line per repository."""
    sources = []
    for path in _py_files(repo):
        try:
            sources.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    libcst.parse_module("x = 1\n")
    start = time.perf_counter()
    for source in sources:
        try:
            libcst.parse_module(source)
        except Exception:  # noqa: BLE001, S112 - a file the flattener skips too
            continue
    floor = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="manimflat-bench-out-") as out:
        report = Path(out) / "report.json"
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "manimflat", str(repo), "--all",
                                  "-o", str(Path(out) / "flat"), "--report", str(report),
                                  "--jobs", str(jobs)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(child.pid, 0)  # the command's own rusage, its workers included
        seconds = time.perf_counter() - start
        scenes = len(json.loads(report.read_text())["scenes"]) if report.is_file() else 0
    ratio = f"{seconds / floor:6.2f}" if floor >= 0.01 else f"{'-':>6}"  # no code to parse
    print(f"{repo.name[:40]:40} {floor:8.2f} {seconds:9.2f} {ratio} "
          f"{scenes / seconds:9.1f} {usage.ru_maxrss / 1024:8.0f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="flatten every scene of a generated repo")
    parser.add_argument("repos", nargs="*", type=Path, help="repositories or folders of them")
    parser.add_argument("--chapters", type=int, default=50, help="20 scenes and 8 modules each")
    parser.add_argument("--keep", type=Path, help="generate here and keep it")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace allocations")
    parser.add_argument("--realistic", action="store_true",
                        help="a generated repo with assets and data files, run as a command")
    parser.add_argument("--jobs", type=int, default=2, help="for --realistic and REPOS")
    args = parser.parse_args(argv)
    if args.realistic or args.repos:
        print(f"{'repository':40} {'floor s':>8} {'flatten s':>9} {'ratio':>6} "
              f"{'scenes/s':>9} {'RSS MB':>8}  (--all --jobs {args.jobs})")
        for repo in _repos(args.repos):
            measure_command(repo, args.jobs)
        if args.realistic:
            with tempfile.TemporaryDirectory(prefix="manimflat-bench-") as tmp:
                root = args.keep or Path(tmp) / "realistic"
                if root.exists():
                    shutil.rmtree(root)
                root.mkdir(parents=True)
                generate_realistic(root, args.chapters)
                measure_command(root, args.jobs)
        return 0

    tmp = None
    if args.keep:
        root = args.keep
        if root.exists():
            shutil.rmtree(root)
    else:
        tmp = tempfile.mkdtemp(prefix="manimflat-bench-")
        root = Path(tmp) / "repo"
    root.mkdir(parents=True)
    modules, scenes = generate(root, args.chapters)
    sources = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))]
    print(f"repository: {root} ({modules} modules, {scenes} scenes)")

    libcst.parse_module("x = 1\n")  # warm up the native parser
    start = time.perf_counter()
    for source in sources:
        libcst.parse_module(source)
    parse_seconds = time.perf_counter() - start

    if args.tracemalloc:
        tracemalloc.start()
    flattened = failed = 0
    per_pass: Counter[str] = Counter()
    start = time.perf_counter()
    with ParseCounter(sources) as counter:
        for result in manimflat.api.flatten_all(root, root=str(root)):
            per_pass.update(result.timings)
            if result.status in ("ok", "fixed"):
                flattened += 1
            elif result.status == "failed":
                failed += 1
    total_seconds = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    if args.tracemalloc:
        tracemalloc.stop()

    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"flattened: {flattened} ok, {failed} failed, of {scenes} scenes")
    print(f"libcst parse of every file once: {parse_seconds:.2f} s")
    print(f"flatten every scene:             {total_seconds:.2f} s")
    print(f"scenes per second:               {flattened / total_seconds:.1f}")
    print(f"ratio total / parse-once:        {total_seconds / parse_seconds:.2f}")
    print(f"repo files parsed with libcst:   {sum(counter.cst.values())} parses, "
          f"{counter.reparsed(counter.cst)} beyond once per file")
    print(f"repo files parsed with ast:      {sum(counter.ast.values())} parses, "
          f"{counter.reparsed(counter.ast)} beyond once per file "
          f"(+{counter.other_ast} ast parses of other text)")
    print(f"peak memory (max RSS):           {max_rss_mb:.0f} MB")
    print("time per pass, all scenes:       " + ", ".join(
        f"{name} {seconds:.2f} s" for name, seconds in per_pass.most_common()))
    if traced_peak is not None:
        print(f"peak traced allocations:         {traced_peak / 2**20:.0f} MB")
    if tmp:
        shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
