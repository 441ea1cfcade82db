"""Render each gallery scene with the real manim, original and flattened, and compare.

The original runs from the fixture's root (its assets are found there); the flattened file
runs alone in an empty temporary folder, so it can only work if it reads no file. Every
gallery scene puts its asset on the left half of the frame and a fixed square on the right:
- the box of non-black pixels on the left half must match the original's within 1% of the
  frame on every edge (the replacement keeps the asset's place and size);
- the right half must be pixel-identical (nothing else changed).
`Backdrop` fills the whole frame, so only its box is compared.

manim 0.22 cannot draw an `ImageMobject` with Pillow >= 11.3, which is why pyproject.toml
pins Pillow below it: the originals, which show images, render with the plain manim.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import render_both
from PIL import Image

import manimflat
from manimflat.verify.render import compare_frames, render_last_frame

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "fixtures" / "assets" / "gallery"
SCENES = ["FactoryIcon", "PersonCharacter", "LeqSymbol", "FlowDiagram", "BlobUnknown",
          "AcmeLogo", "DogPhoto", "Backdrop", "MissingHouse", "Beep", "LoopIcons",
          "ServerFromFile", "GlobeHelper"]
# Scenes whose original cannot render (the asset is missing): the box comes from the size the
# original would have had, checked in test_geometry.py instead.
NO_ORIGINAL = {"MissingHouse"}

Box = tuple[int, int, int, int]


def content_box(png: Path, region: Box, threshold: int = 12) -> Box | None:
    """Bounding box (x0, y0, x1, y1) of pixels brighter than the black background in region
    (anti-aliased fringes under `threshold` do not count)."""
    with Image.open(png) as im:
        crop = im.convert("RGB").crop(region)
    mask = crop.convert("L", (1, 1, 1, 0)).point(lambda v: 255 if v > threshold else 0)
    box = mask.getbbox()
    if box is None:
        return None
    return box[0] + region[0], box[1] + region[1], box[2] + region[0], box[3] + region[1]


def rendered(scene: str, tmp: Path, repo: Path = GALLERY) -> tuple[Path, Path]:
    """Last frames of the original (in its fixture folder) and of the flattened file alone."""
    result = manimflat.flatten(repo, f"scenes.py:{scene}", root=str(repo))
    assert result.code is not None, [d.format() for d in result.diagnostics]
    return render_both(repo, "scenes.py", scene, result.code, tmp)


@pytest.mark.render
@pytest.mark.parametrize("scene", [s for s in SCENES if s not in NO_ORIGINAL])
def test_replacement_keeps_box_and_rest_of_frame(scene: str, tmp_path: Path) -> None:
    original, flat = rendered(scene, tmp_path)
    with Image.open(original) as im:
        width, height = im.size
    left: Box = (0, 0, width // 2, height)
    right: Box = (width // 2, 0, width, height)
    full: Box = (0, 0, width, height)
    region = full if scene == "Backdrop" else left
    # The backdrop's darkest rows are nearly black: any non-black pixel counts there.
    threshold = 0 if scene == "Backdrop" else 12
    a, b = content_box(original, region, threshold), content_box(flat, region, threshold)
    assert a is not None and b is not None, (a, b)
    tolerance = (0.01 * width, 0.01 * height)
    for edge in range(4):
        assert abs(a[edge] - b[edge]) <= tolerance[edge % 2], (scene, a, b)
    if scene == "Backdrop":
        return
    with Image.open(original) as ia, Image.open(flat) as ib:
        ra, rb = ia.crop(right), ib.crop(right)
        ra.save(tmp_path / "ra.png")
        rb.save(tmp_path / "rb.png")
    diff = compare_frames(tmp_path / "ra.png", tmp_path / "rb.png")
    assert diff.identical, (scene, diff)


PATTERNS = ROOT / "fixtures" / "assets" / "patterns"


@pytest.mark.render
@pytest.mark.parametrize("scene", ["CharacterSubclass", "SvgSubclass", "LogoDefault",
                                   "StickerCallers", "BallFallback", "FolderList",
                                   "PathHelper"])
def test_hidden_references_keep_box_and_rest_of_frame(scene: str, tmp_path: Path) -> None:
    """Subclasses, parameters and existence checks: the replacement is where the original
    drew its file, at its size, and nothing else in the frame changes."""
    original, flat = rendered(scene, tmp_path, PATTERNS)
    with Image.open(original) as im:
        width, height = im.size
    left: Box = (0, 0, width // 2, height)
    a, b = content_box(original, left), content_box(flat, left)
    assert a is not None and b is not None, (a, b)
    for edge in range(4):
        assert abs(a[edge] - b[edge]) <= 0.01 * (width, height)[edge % 2], (scene, a, b)
    right: Box = (width // 2, 0, width, height)
    with Image.open(original) as ia, Image.open(flat) as ib:
        ia.crop(right).save(tmp_path / "ra.png")
        ib.crop(right).save(tmp_path / "rb.png")
    assert compare_frames(tmp_path / "ra.png", tmp_path / "rb.png").identical


@pytest.mark.render
def test_path_helper_goes_with_the_path_it_built(tmp_path: Path) -> None:
    """`resource_path(...)` (a repository function that only joins `__file__`'s folder and
    its argument) fed an SVG that was replaced: the call and the helper go, the output
    renders alone, and the rest of the frame is the original's."""
    original, flat = rendered("ResourceHelper", tmp_path, PATTERNS)
    with Image.open(original) as ia, Image.open(flat) as ib:
        width, height = ia.size
        assert content_box(flat, (0, 0, width // 2, height)) is not None
        ia.crop((width // 2, 0, width, height)).save(tmp_path / "ra.png")
        ib.crop((width // 2, 0, width, height)).save(tmp_path / "rb.png")
    assert compare_frames(tmp_path / "ra.png", tmp_path / "rb.png").identical


@pytest.mark.render
def test_missing_asset_scene_renders_alone(tmp_path: Path) -> None:
    result = manimflat.flatten(GALLERY, "scenes.py:MissingHouse", root=str(GALLERY))
    assert result.code is not None
    (tmp_path / "flat.py").write_text(result.code, encoding="utf-8")
    flat = render_last_frame(tmp_path / "flat.py", "MissingHouse", cwd=tmp_path,
                             out_dir=tmp_path / "media", timeout=180)
    assert flat.ok, flat.error
    with Image.open(flat.png) as im:  # type: ignore[arg-type]
        width, height = im.size
    box = content_box(flat.png, (0, 0, width // 2, height))  # type: ignore[arg-type]
    assert box is not None
    # height=2.2 of an 8-unit frame, square by default: 132 px of 480.
    assert abs((box[3] - box[1]) - 2.2 / 8 * height) <= 0.01 * height + 2
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


DATA = ROOT / "fixtures" / "assets" / "data"


@pytest.mark.render
@pytest.mark.parametrize("scene", ["HelloCode", "OldCodeApi", "Poem", "PoemPath", "Points",
                                   "Table"])
def test_inlined_data_renders_the_same_frame(scene: str, tmp_path: Path) -> None:
    """Literals with the file's content: the whole frame is identical, pixel for pixel."""
    original, flat = rendered(scene, tmp_path, DATA)
    diff = compare_frames(original, flat)
    assert diff.identical, diff
