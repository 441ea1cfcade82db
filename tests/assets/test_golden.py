"""The asset fixture repos flattened and checked against their golden files (read by hand).

For every scene: the output equals `fixtures/assets/golden/<repo>/<Scene>.py`, compiles with
warnings as errors (LaTeX in raw strings), names no file of the repository, and flattening
the output again as a one-file repository gives the same bytes (idempotence). The asset
report lists every asset with its kind and action.
"""

from __future__ import annotations

import ast
import os
import warnings
from pathlib import Path

import pytest

import manimflat

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "fixtures" / "assets"
GOLDEN = ASSETS / "golden"
CASES = [("gallery", s) for s in (
    "FactoryIcon", "PersonCharacter", "LeqSymbol", "FlowDiagram", "BlobUnknown", "AcmeLogo",
    "DogPhoto", "Backdrop", "MissingHouse", "Beep", "LoopIcons", "ServerFromFile",
    "GlobeHelper")] + [("data", s) for s in (
    "HelloCode", "OldCodeApi", "Poem", "PoemPath", "Points", "Table", "WritesLog",
    "ListingCallers")] + [
    ("patterns", s) for s in (
        "CharacterSubclass", "SvgSubclass", "LogoDefault", "StickerCallers", "BallFallback",
        "HelperCallers", "DictPictures", "NewWrapper", "FolderList", "PathHelper",
        "ResourceHelper")]
# scene -> (kind, action) of each asset record, in order
REPORT = {
    "FactoryIcon": [("icon", "replaced")], "PersonCharacter": [("character", "replaced")],
    "LeqSymbol": [("math", "replaced")], "FlowDiagram": [("diagram", "replaced")],
    "BlobUnknown": [("unknown", "replaced")], "AcmeLogo": [("logo", "replaced")],
    "DogPhoto": [("photo", "replaced")], "Backdrop": [("background", "replaced")],
    "MissingHouse": [("icon", "missing")], "Beep": [("sound", "dropped")],
    "LoopIcons": [("icon", "replaced"), ("icon", "replaced")],
    "ServerFromFile": [("icon", "replaced")], "GlobeHelper": [("icon", "replaced")],
    "HelloCode": [("code", "inlined")], "OldCodeApi": [("code", "inlined")],
    "Poem": [("data", "inlined")], "PoemPath": [("data", "inlined")],
    "Points": [("data", "inlined")], "Table": [("data", "inlined")],
    "WritesLog": [("data", "left")],
    "CharacterSubclass": [("character", "replaced")], "SvgSubclass": [("icon", "replaced")],
    "LogoDefault": [("logo", "replaced")],
    "StickerCallers": [("unknown", "replaced"), ("unknown", "replaced")],
    "BallFallback": [("unknown", "replaced")],
    "ListingCallers": [("code", "inlined"), ("code", "inlined")],
    "HelperCallers": [("unknown", "replaced"), ("unknown", "replaced")],
    "DictPictures": [("unknown", "replaced"), ("unknown", "replaced")],
    "NewWrapper": [("icon", "replaced")],
    "FolderList": [("icon", "replaced"), ("logo", "replaced"), ("logo", "replaced")],
    "PathHelper": [("unknown", "replaced")],
    "ResourceHelper": [("unknown", "missing")],
}


def flatten(repo: str, scene: str) -> manimflat.api.FlatResult:
    return manimflat.flatten(ASSETS / repo, f"scenes.py:{scene}", root=str(ASSETS / repo))


@pytest.mark.parametrize("repo,scene", CASES)
def test_golden(repo: str, scene: str, tmp_path: Path) -> None:
    result = flatten(repo, scene)
    assert result.code is not None, [d.format() for d in result.diagnostics]
    golden = GOLDEN / repo / f"{scene}.py"
    if os.environ.get("MANIMFLAT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.code, encoding="utf-8")
    assert result.code == golden.read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(result.code, f"{scene}.py", "exec")
    assert [(a.kind, a.action) for a in result.assets] == REPORT[scene]
    # No literal in the output names a file of the repository (WritesLog writes one).
    files = {p.relative_to(ASSETS / repo).as_posix() for p in (ASSETS / repo).rglob("*")
             if p.is_file() and p.suffix != ".py"}
    literals = {n.value for n in ast.walk(ast.parse(result.code))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert not literals & files
    assert not {v for v in literals if v.startswith("./") and v[2:] in files}
    assert "__file__" not in result.code
    # Idempotent: the output, flattened again on its own, is unchanged.
    (tmp_path / "flat.py").write_text(result.code, encoding="utf-8")
    again = manimflat.flatten(tmp_path, f"flat.py:{scene}", root=str(tmp_path))
    assert again.code == result.code


def test_golden_outputs_pass_static_verification() -> None:
    """The verify ladder's static level finds no file access (except the deliberate write)."""
    from manimflat.settings import Settings
    from manimflat.verify import verify_many

    paths = sorted(GOLDEN.glob("*/*.py"))
    outcomes = verify_many([(p.read_text(encoding="utf-8"), p.stem) for p in paths], "static",
                           Settings(timeout=60.0), jobs=2)
    errors = {p.stem: [d.code for d in o.diagnostics if d.is_error]
              for p, o in zip(paths, outcomes)}
    assert {k: v for k, v in errors.items() if v} == {"WritesLog": ["MF405"]}
