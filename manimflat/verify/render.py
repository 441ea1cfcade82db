"""Rendering a scene in the sandbox and comparing frames.

`render_last_frame` runs `python -m manim render -q<quality> -s FILE SCENE` (or the full video)
from `cwd`, so a scene run inside its repository sees the same import roots, `manim.cfg` and
asset folders as a user would; media go to `out_dir`, never into `cwd`.
`compare_frames` reports how two PNGs differ. `TexCache` lets the renders of one comparison
share the SVGs LaTeX made, so the same formula is compiled once, not once per render.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from PIL import Image, ImageChops

from .sandbox import SandboxResult
from .sandbox import run as run_sandboxed

Box = tuple[int, int, int, int]
# manim prints LaTeX's errors (rich may wrap the line anywhere between its words).
_MISSING_TEX_FILE = re.compile(r"File\s+`([^'`\s]+)'\s+not\s+found")


@dataclass(frozen=True)
class FrameResult:
    ok: bool
    png: Path | None
    error: str | None
    seconds: float
    # Set by the full-video mode; boxes of file-backed mobjects when asked for (compare mode).
    video: Path | None = None
    asset_boxes: tuple[Box, ...] = field(default=())
    timed_out: bool = False
    memory_exceeded: bool = False
    write_refused: bool = False


@dataclass(frozen=True)
class FrameDiff:
    identical: bool
    changed_pixels: int
    max_delta: int
    bbox: Box | None
    size_mismatch: bool


class TexCache:
    """SVGs that manim's LaTeX step made, kept by the caller (never inside a sandbox).

    manim names each compiled formula by the hash of its whole `.tex` file (template and
    expression, `tex_file_writing.tex_hash`) and skips LaTeX when `<media_dir>/Tex/<hash>.svg`
    exists. So a render may start from another render's SVGs: `seed` copies them into its own
    media folder (the render gets copies: nothing it does there reaches the cache), and `keep`
    takes in what a render made. Only one render, the reference the others are compared with,
    should be kept from; the cache is then frozen, so a render can change what a later one
    reads only by being that reference, which could as well draw differently on every run.
    A kept SVG must sit beside the `.tex` whose hash names it (what manim itself writes)."""

    _NAME = re.compile(r"[0-9a-f]{16}")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def seed(self, out_dir: Path) -> None:
        tex = out_dir / "Tex"
        tex.mkdir(parents=True, exist_ok=True)
        for f in self.folder.iterdir():
            shutil.copyfile(f, tex / f.name)

    def keep(self, out_dir: Path) -> int:
        """Take in the SVGs of `out_dir/Tex` not yet cached; how many were new."""
        tex = out_dir / "Tex"
        new = 0
        for svg in (tex.glob("*.svg") if tex.is_dir() else ()):
            source = svg.with_suffix(".tex")
            if (not self._NAME.fullmatch(svg.stem) or svg.is_symlink() or source.is_symlink()
                    or not svg.is_file() or not source.is_file()
                    or (self.folder / svg.name).exists()):
                continue
            text = source.read_text(encoding="utf-8", errors="replace")
            if hashlib.sha256(text.encode()).hexdigest()[:16] == svg.stem:
                shutil.copyfile(svg, self.folder / svg.name)
                new += 1
        return new


def render_last_frame(file: Path, scene: str, *, cwd: Path, out_dir: Path,
                      timeout: float = 120.0, memory_mb: int = 4096,
                      quality: str = "l", tex_cache: TexCache | None = None,
                      keep_tex: bool = False, boxes: bool = False) -> FrameResult:
    """The last frame of `scene` in `file` as a PNG under `out_dir`. With `tex_cache`, LaTeX
    starts from its SVGs; `keep_tex` also takes in this render's (see `TexCache`); `boxes`
    as in `render_scene`."""
    if tex_cache is not None:
        tex_cache.seed(out_dir)
    result = render_scene(file, scene, cwd=cwd, out_dir=out_dir, timeout=timeout,
                          memory_mb=memory_mb, quality=quality, boxes=boxes)
    if tex_cache is not None and keep_tex:
        tex_cache.keep(out_dir)
    return result


def render_scene(file: Path, scene: str, *, cwd: Path, out_dir: Path, timeout: float = 120.0,
                 memory_mb: int = 4096, quality: str = "l", video: bool = False,
                 boxes: bool = False) -> FrameResult:
    """Like `render_last_frame`; `video=True` renders the movie and also saves its last frame;
    `boxes=True` records where file-backed mobjects (images, SVGs) are on the last frame."""
    return render_run(file, scene, cwd=cwd, out_dir=out_dir, timeout=timeout,
                      memory_mb=memory_mb, quality=quality, video=video, boxes=boxes)[0]


def render_run(file: Path, scene: str, *, cwd: Path, out_dir: Path, timeout: float,
               memory_mb: int, quality: str = "l", video: bool = False, boxes: bool = False,
               warm: bool = False) -> tuple[FrameResult, SandboxResult]:
    """`render_scene` plus the raw sandbox result, for callers that classify failures.
    `warm` (see `sandbox.run`) only for a flattened file alone in its folder."""
    start = time.perf_counter()
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    argv = [f"-q{quality}", "--media_dir", str(out_dir), "--progress_bar", "none",
            "-v", "WARNING", "--disable_caching"]
    argv += ["--format", "mp4"] if video else ["-s"]
    argv += [str((cwd / file).resolve()), scene]  # a relative file is relative to `cwd`
    res = run_sandboxed({"job": "render", "argv": argv, "boxes": boxes}, cwd=cwd,
                      timeout=timeout, memory_mb=memory_mb, writable=(out_dir,), warm=warm)
    pngs = _newest(out_dir, scene, ".png")
    movie = _newest(out_dir, scene, ".mp4") if video else None
    png = pngs
    if video and movie is not None and png is None:
        png = _last_video_frame(movie, out_dir / f"{scene}_last.png")
    # A frame without the runner's result does not count: the scene may have written it.
    ok = res.ok and (movie if video else png) is not None
    error = None
    if not ok:
        error = (f"timed out after {timeout:.0f} s" if res.timed_out
                 else res.exception() or f"manim exited with {res.returncode} and wrote no frame")
        missing = _MISSING_TEX_FILE.search(res.stderr)
        if missing and not res.timed_out:  # what LaTeX lacked: a package not installed here
            error += f" (LaTeX: File `{missing.group(1)}' not found)"
    found_boxes = tuple(tuple(b) for b in (res.result or {}).get("boxes", []))
    return FrameResult(ok, png if ok else None, error, time.perf_counter() - start,
                       video=movie if ok else None,
                       asset_boxes=found_boxes,  # type: ignore[arg-type]
                       timed_out=res.timed_out, memory_exceeded=res.memory_exceeded,
                       write_refused=res.write_refused), res


def _newest(folder: Path, scene: str, suffix: str) -> Path | None:
    # manim names outputs <Scene>[_ManimCE_v<version>]<suffix> under images/ or videos/.
    # Never a link: the scene wrote this folder, and a link could point at any file.
    hits = [p for p in folder.rglob(f"{scene}*{suffix}")
            if "partial_movie_files" not in p.parts and not p.is_symlink() and p.is_file()]
    return max(hits, key=lambda p: p.stat().st_mtime) if hits else None


def _last_video_frame(movie: Path, png: Path) -> Path | None:
    import av  # manim's own video dependency

    last = None
    with av.open(str(movie)) as container:
        for frame in container.decode(video=0):
            last = frame
    if last is None:
        return None
    last.to_image().save(png)
    return png


def compare_frames(a: Path, b: Path) -> FrameDiff:
    """Pixel difference of two frames (RGBA); `bbox` is (x0, y0, x1, y1) of changed pixels."""
    with Image.open(a) as ia, Image.open(b) as ib:
        ra, rb = ia.convert("RGBA"), ib.convert("RGBA")
    if ra.size != rb.size:
        return FrameDiff(False, -1, 255, None, True)
    # Per-pixel maximum over the channels: a pixel counts once however many channels changed.
    # (An RGBA image's own getbbox looks at alpha only, which hides colour changes.)
    gray = _channel_max(ImageChops.difference(ra, rb))
    bbox = gray.getbbox()
    if bbox is None:
        return FrameDiff(True, 0, 0, None, False)
    changed = sum(gray.histogram()[1:])
    max_delta = int(cast("tuple[int, int]", gray.getextrema())[1])  # one band: (min, max)
    return FrameDiff(False, changed, max_delta, bbox, False)


def _channel_max(diff: Image.Image) -> Image.Image:
    bands = diff.split()
    out = bands[0]
    for band in bands[1:]:
        out = ImageChops.lighter(out, band)
    return out


def changed_outside(a: Path, b: Path, boxes: tuple[Box, ...], margin: int = 2) -> int:
    """Changed pixels outside `boxes` (each grown by `margin`): what an asset replacement
    must not touch."""
    with Image.open(a) as ia, Image.open(b) as ib:
        ra, rb = ia.convert("RGBA"), ib.convert("RGBA")
    if ra.size != rb.size:
        return -1
    gray = _channel_max(ImageChops.difference(ra, rb))
    mask = Image.new("L", gray.size, 255)
    for x0, y0, x1, y1 in boxes:
        mask.paste(0, (max(0, x0 - margin), max(0, y0 - margin),
                       min(gray.size[0], x1 + margin), min(gray.size[1], y1 + margin)))
    outside = ImageChops.multiply(gray.point(lambda v: 255 if v else 0), mask)
    return sum(outside.histogram()[1:])
