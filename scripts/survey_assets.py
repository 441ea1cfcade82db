"""Count asset references over a folder of repositories: found, resolved to a file, kinds.

    python scripts/survey_assets.py /work/devrepos [--flatten] [--json out.json]

Each sub-folder is one repository. Every `.py` file is read with the same finder the
`rewrite-assets` and `inline-data-files` passes use (each file's own statements are its
context: module constants, loops, `__file__`, `manim.cfg`), so the numbers say what the
passes would see. Files are split into Manim CE (`from manim import`) and others (manimgl,
old manimlib). With `--flatten`, every Manim CE scene is flattened through the real pipeline
and the output is searched again: an asset reference left in an output without a diagnostic
would be a silent leftover (the target is zero). No repository code is executed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import libcst as cst

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from manimflat.assets.calls import VISUAL_APIS
from manimflat.assets.classify import classify, inspect
from manimflat.assets.finder import find_refs
from manimflat.ir import Flat, Piece, SceneRef
from manimflat.settings import Settings


def file_refs(root: Path, rel: str) -> tuple[str, list[Any]] | None:
    try:
        source = (root / rel).read_text(encoding="utf-8")
        module = cst.parse_module(source)
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError, RecursionError):
        return None
    dialect = "ce" if "from manim import" in source or "import manim" in source else "other"
    pieces: list[Piece] = []
    line = 1 + "".join(module.code_for_node(h) for h in module.header).count("\n")
    for stmt in module.body:
        text = module.code_for_node(stmt)
        pieces.append(Piece(tree=stmt, module=rel, line=line + len(stmt.leading_lines)))
        line += text.count("\n")
    flat = Flat(program=SimpleNamespace(root=root), scene=SceneRef("?", rel, 1, "manim-ce"),
                settings=Settings(), pieces=pieces)  # type: ignore[arg-type]
    return dialect, find_refs(flat)


def survey(folder: Path) -> dict[str, Any]:
    totals: Counter[str] = Counter()
    per_repo: dict[str, Counter[str]] = {}
    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    hows: Counter[str] = Counter()
    for repo in sorted(p for p in folder.iterdir() if p.is_dir()):
        counts: Counter[str] = Counter()
        for path in sorted(repo.rglob("*.py")):
            if any(part.startswith(".") for part in path.relative_to(repo).parts):
                continue
            found = file_refs(repo, path.relative_to(repo).as_posix())
            if found is None:
                continue
            dialect, refs = found
            for ref in refs:
                for target in ref.targets:
                    counts[f"{dialect}:refs"] += 1
                    counts[f"{dialect}:{ref.api}"] += 1
                    statuses[f"{dialect}:{target.status}"] += 1
                    if target.status == "found":
                        counts[f"{dialect}:resolved"] += 1
                        hows[target.how] += 1
                    if ref.api in VISUAL_APIS and dialect == "ce":
                        content = inspect(target.path) if target.path else None
                        kinds[classify(target.rel, content).kind] += 1
        per_repo[repo.name] = counts
        totals.update(counts)
    return {"totals": dict(totals), "per_repo": {k: dict(v) for k, v in per_repo.items()},
            "kinds_ce_visual": dict(kinds), "status": dict(statuses), "how": dict(hows)}


def flatten_check(folder: Path, limit: int, budget: float, render: int = 0
                  ) -> dict[str, Any]:
    """Flatten Manim CE scenes that reference assets; count what the outputs still hold.
    With `render`, the first that many outputs with asset records are rendered alone (last
    frame, low quality, sandboxed, in an empty folder) and counted by outcome."""
    import tempfile

    import manimflat
    from manimflat.verify.render import render_last_frame

    out: Counter[str] = Counter()
    start = time.time()
    for repo in sorted(p for p in folder.iterdir() if p.is_dir()):
        session = manimflat.api.Session(repo, root=str(repo))
        manager = session.pipeline()
        for ref in session.all_scenes(selected=True):
            if time.time() - start > budget or out["scenes"] >= limit:
                return dict(out)
            source = (repo / ref.path).read_text(encoding="utf-8", errors="replace")
            if not any(word in source for word in ("SVGMobject", "ImageMobject", "add_sound",
                                                   "Code(", "open(", "read_text")):
                continue
            try:
                result = session.flatten(ref, manager)
            except Exception as exc:  # noqa: BLE001 - a survey counts crashes, it does not stop
                out["crashed"] += 1
                where = getattr(exc, "pass_name", type(exc).__name__)
                out[f"crash:{where}:{repo.name}/{ref.path}:{ref.name}"] += 1
                continue
            out["scenes"] += 1
            records = [a for a in result.assets]
            out["records"] += len(records)
            for a in records:
                out[f"action:{a.action}"] += 1
            if result.code is None:
                out["no_output"] += 1
                continue
            left = _leftovers(result.code)
            reported = {d.code for d in result.diagnostics if d.code.startswith("MF3")}
            out["outputs_with_leftover"] += bool(left)
            if left and not reported & {"MF302", "MF303", "MF308", "MF310"}:
                out["silent_leftovers"] += len(left)
            out["scenes_with_assets_ok"] += result.ok
            if render and records and out["rendered"] < render:
                out["rendered"] += 1
                with tempfile.TemporaryDirectory() as tmp:
                    work = Path(tmp) / "work"
                    work.mkdir()
                    (work / "flat.py").write_text(result.code, encoding="utf-8")
                    frame = render_last_frame(work / "flat.py", ref.name, cwd=work,
                                              out_dir=Path(tmp) / "media", timeout=90)
                out["render_ok" if frame.ok else "render_failed"] += 1
                if not frame.ok:
                    reason = (frame.error or "").strip().splitlines()[-1:] or ["?"]
                    out[f"render_error:{ref.name}:{reason[0][:80]}"] += 1
    return dict(out)


def _leftovers(code: str) -> list[Any]:
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError:
        return []
    pieces = [Piece(tree=stmt, module="out.py", line=1) for stmt in module.body]
    flat = Flat(program=SimpleNamespace(root=Path("/nonexistent")),
                scene=SceneRef("?", "out.py", 1, "manim-ce"), settings=Settings(),
                pieces=pieces)  # type: ignore[arg-type]
    return find_refs(flat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--flatten", action="store_true")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for --flatten")
    parser.add_argument("--render", type=int, default=0,
                        help="render this many flattened outputs that had assets")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = survey(args.folder)
    if args.flatten:
        result["flatten"] = flatten_check(args.folder, args.limit, args.budget, args.render)
    t = result["totals"]
    for dialect in ("ce", "other"):
        refs = t.get(f"{dialect}:refs", 0)
        resolved = t.get(f"{dialect}:resolved", 0)
        share = f"{100 * resolved / refs:.1f}%" if refs else "-"
        print(f"{dialect:5} references {refs:5}  resolved to a file {resolved:5} ({share})")
    apis = sorted(k for k in t if k.startswith("ce:") and k not in ("ce:refs", "ce:resolved"))
    print("ce by call:", ", ".join(f"{k[3:]} {t[k]}" for k in apis))
    print("status:", result["status"])
    print("found by:", result["how"])
    print("ce visual kinds:", result["kinds_ce_visual"])
    for repo, counts in result["per_repo"].items():
        print(f"  {repo:40} ce {counts.get('ce:refs', 0):4} (resolved "
              f"{counts.get('ce:resolved', 0):4})  other {counts.get('other:refs', 0):4}")
    if "flatten" in result:
        print("flatten:", result["flatten"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
