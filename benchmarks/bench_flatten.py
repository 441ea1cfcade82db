"""Flatten every scene of a large generated repository and print how fast it went.

    python benchmarks/bench_flatten.py [--chapters 50] [--keep DIR] [--tracemalloc]

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
import resource
import shutil
import tempfile
import time
import tracemalloc
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="flatten every scene of a generated repo")
    parser.add_argument("--chapters", type=int, default=50, help="20 scenes and 8 modules each")
    parser.add_argument("--keep", type=Path, help="generate here and keep it")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace allocations")
    args = parser.parse_args(argv)

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
