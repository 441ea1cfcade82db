"""Asset content is read once per file content: a second file with the same bytes, and a
second run (the user cache folder), get the content the first read computed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from manimflat.assets import classify

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">'
       '<path d="M 0 0 L 200 0 L 200 100 Z" fill="#ff0000"/></svg>')


def test_same_bytes_read_once_and_kept_across_runs(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANIMFLAT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(classify, "_SEEN", {})
    (tmp_path / "a.svg").write_text(SVG)
    (tmp_path / "b.svg").write_text(SVG)
    Image.new("RGB", (40, 20), "blue").save(tmp_path / "c.png")
    first = classify.inspect(tmp_path / "a.svg")
    assert (first.format, first.paths, first.colors) == ("svg", 1, ["#ff0000"])
    assert first.aspect == pytest.approx(2.0)
    calls = []
    monkeypatch.setattr(classify, "_inspect_svg", lambda p: calls.append(p))
    assert classify.inspect(tmp_path / "b.svg") == first  # same bytes: not parsed again
    raster = classify.inspect(tmp_path / "c.png")
    assert (raster.pixel_size, raster.mode) == ((40, 20), "RGB")
    monkeypatch.setattr(classify, "_SEEN", {})  # a new run: the user cache folder answers
    assert classify.inspect(tmp_path / "a.svg") == first
    assert classify.inspect(tmp_path / "c.png") == raster
    assert calls == []
    assert len(list((tmp_path / "cache" / "asset-content").iterdir())) == 2


def test_unreadable_file_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANIMFLAT_CACHE", str(tmp_path / "cache"))
    (tmp_path / "bad.png").write_bytes(b"not an image")
    assert classify.inspect(tmp_path / "bad.png").error is not None
    assert not (tmp_path / "cache" / "asset-content").exists()
