"""Build a `Flat` by hand from a one-file scene and files on disk, run asset passes on it,
and render the result: shared by the asset pass tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst

from manimflat.ir import Flat, Piece, SceneRef
from manimflat.passes.emit import render
from manimflat.program import Program
from manimflat.settings import Settings


def make_flat(root: Path, source: str, *, files: dict[str, bytes | str] | None = None,
              assets: str = "replace", module: str = "scene.py", scene: str = "S") -> Flat:
    """Write `files` under `root`, parse `source` as `module`, one piece per statement."""
    for rel, data in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    source = textwrap.dedent(source)
    (root / module).parent.mkdir(parents=True, exist_ok=True)
    (root / module).write_text(source, encoding="utf-8")
    tree = cst.parse_module(source)
    pieces, line = [], 1
    for stmt in tree.body:
        pieces.append(Piece(tree=stmt, module=module, line=line + len(stmt.leading_lines),
                            binds=_binds(stmt)))
        line += tree.code_for_node(stmt).count("\n")
    return Flat(program=Program(root),
                scene=SceneRef(scene, module, 1, "manim-ce"),
                settings=Settings(assets=assets), pieces=pieces,
                header=["from manim import *"])


def _binds(stmt: cst.BaseStatement) -> frozenset[str]:
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return frozenset({stmt.name.value})
    if isinstance(stmt, cst.SimpleStatementLine):
        return frozenset(t.target.value for s in stmt.body if isinstance(s, cst.Assign)
                         for t in s.targets if isinstance(t.target, cst.Name))
    return frozenset()


def run(flat: Flat, *passes: object) -> str:
    for p in passes:
        flat.current_pass = p.NAME  # type: ignore[attr-defined]
        p.run(flat)  # type: ignore[attr-defined]
    flat.current_pass = None
    return render(flat)


def codes(flat: Flat) -> list[str]:
    return [d.code for d in flat.diagnostics]


def svg(width: float, height: float) -> str:
    """A filled rectangle of the given size: an SVG whose drawn box is its viewBox."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/></svg>')


def png(width: int, height: int, color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()
