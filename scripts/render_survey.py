"""Render survey: does the flattened scene end on the same frame as the original?

    nice -n 10 python scripts/render_survey.py /work/corpus/dev [--per-repo 3] [--timeout 90]
        [--out render-survey/] [--markdown docs/survey.md] [--json render.json] [--jobs 2]

Each sub-folder of the given folder is one repository. Per repository, up to `--per-repo`
Manim CE scenes whose output is `ok` or `fixed` are sampled, spread over its scene list: by
default as the default pipeline marks them (`--verify static`); `--verify exec` or `render`
sets a stricter level (outputs it fails are listed as passed over). Each
is rendered twice with the real manim at `-ql -s`, both in the validation sandbox
(manimflat/verify/sandbox.py: the original is repository code):

- the original inside its repository, as its author ran it: from the folder of the
  `manim.cfg` it reads (the flattener's `manim_cfg`), else from the scene's folder, else from
  each folder above it up to the repository root (the next one only when an import or a file
  is not found);
- the flattened file alone in an empty folder.

The original renders first; the flattened file (and a second render of the original) start
from the SVGs its LaTeX made (`TexCache`, one per scene: only the reference's SVGs are kept,
the others get copies), unless `--no-tex-cache`. Last frames are compared pixel for pixel. A pair that differs is rendered from the original a
second time: a scene that draws differently on every run (unseeded randomness, clocks) is
left out of the share. (A pair that is identical proves the original drew that frame both
times.) The table counts, per repository: sampled, originals that render, of those the
deterministic ones, identical frames, differing frames, and flattened files that did not
render (a flattened file killed at `--timeout` is counted apart, as `timed out`, when the
original did not render either: nothing then says the output is wrong). A
side-by-side PNG (original | flattened | difference) of each differing scene goes
to `--out`. With `--markdown`, the table replaces the section between `<!-- render-survey -->`
and `<!-- /render-survey -->` of that file (appended when absent).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

from manimflat.analyses.config_files import cfg_folder
from manimflat.api import Session
from manimflat.verify.render import (
    FrameResult,
    TexCache,
    changed_outside,
    compare_frames,
    render_last_frame,
)

BEGIN, END = "<!-- render-survey -->", "<!-- /render-survey -->"
_NOTEBOOK = ("the module fails when imported as a file, as the original does: exported from "
             "a notebook, a cell runs `P = copy.deepcopy(P_sc2_copy)` and indexes `P`, None "
             "unless `scene_two_pascal`'s construct ran first (the cells in order): "
             "TypeError: 'NoneType' object is not subscriptable")
# Causes found by reading a differing or failing scene: "repo/path:Scene" -> the cause.
NOTES: dict[str, str] = {
    "iqp-manim-videos__AdamField118/video_1/scene_3.py:VectorFormula":
        "the corner logo (`utils/objects.py` create_logo loads `../assets/website_logo.svg`) is "
        "replaced by a placeholder of the same place and size: the difference the contract "
        "allows (tests/assets/test_asset_render.py)",
    "manim__mcnica89/copy_of_pascals.py:pascal_printout_c":
        _NOTEBOOK + "; the original cannot run here to compare (manim_voiceover is not "
        "installed)",
    "manim__mcnica89/copy_of_pascals.py:scene_three_pascal": _NOTEBOOK,
    "manim__mcnica89/copy_of_pascals.py:intro_pascal":
        "heavy: the notebook's cells build a 75-row triangle of `MathTex`-labelled triangles "
        "(about 70 formulas for LaTeX) at import; after them the module fails as the "
        "original would: " + _NOTEBOOK,
    "Reducible2022/TSPProblem/tsp_jesus_scenes.py:TransitionOtherApproaches":
        "heavy: a 160-node graph with all of its 12,720 edges, and a tour per permutation "
        "(the original stops at once on its missing background image, bg-75.png)",
    "manimations__Roy3838/2022/computational integration/marchingsquaresreductible.py:"
    "FocusOnContour":
        "heavy: 20,000 sample dots grown with `LaggedStartMap` (the author times the scene); "
        "the original stops at once on the folder's manim.cfg (MF425)",
    "AoC2024_Videos__Dan4Life/Day_12/scene.py:Day12":
        "the scene's own code fails, its original the same way (ValueError: zip() argument 2 "
        "is longer than argument 1) after a flood fill over the puzzle grid, one `play` per "
        "visited cell (heavy: on a busy machine both time out)",
    "AoC2024_Videos__Dan4Life/Day_20/scene.py:Day20":
        "heavy: a search over a 30 x 30 grid, one `play` per step; the original times out too",
    "manim-Chemistry__UnMolDeQuimica/examples/examples.py:DrawPOrbital":
        "the plugin's `Orbital` is an `OpenGLSurface`, which only the OpenGL renderer draws "
        "(the author sets `config.renderer` inside `construct`, too late): the output sets "
        "`config.renderer = \"opengl\"` (MF138); the original cannot run here to compare "
        "(manim_chemistry is the repository's own package, not installed)",
    "manim-fractals-presentation__huncut2016/mandelbrot.py:Mandelbrot":
        "Manim CE drift not repaired: `Variable(-0.2 + 0.4j, Tex('c'), "
        "tracker=ComplexValueTracker)`: today's ValueTracker takes `float(value)` (TypeError "
        "for a complex number), the 2021 one stored it in a float array (the real part); the "
        "original fails before, on `\\justifying` (ragged2e, which upgrade-api adds to the "
        "output's template)",
    "youtube-manim__sjchem/trigonometry/manim_scenes/scene_04_ratios.py:Scene04Ratios":
        "the scene's own pacing check fails under `-s` (`end_scene` in trigonometry/"
        "manim_scenes/common.py raises when the clock and `SCENE_PACE` disagree by over a "
        "second: its durations are calibrated to whole frames, and `-s` skips frames, so the "
        "clock runs 1.2 s short); the original, run from trigonometry/ as its README says, "
        "fails the same way under `-s`",
}
# Causes named by the error a render ends with (read in the failing scenes; the first match).
CAUSES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"No such file or directory: 'xelatex'"),
     ("environment: the author's TeX template compiles with xelatex, not installed here (the "
     "original needs it too)")),
    (re.compile(r"LaTeX: File `[^']+\.sty' not found"),
     ("environment: a LaTeX package the scene's TeX loads is not installed here (the original "
      "needs it too; e.g. dsfont, in Debian's 1.4 GB texlive-fonts-extra)")),
    (re.compile(r"latex error converting to dvi"),
     ("LaTeX rejects the TeX the scene itself writes, as it does for the original when it "
      "runs (the causes read so far, TeX the old Manim CE compiled, are repaired by "
      "upgrade-api or are MF130)")),
    (re.compile(r"cannot import name 'sqrt' from 'scipy'|no attribute 'sph_harm'"),
     ("the repository's other dependency moved on: scipy removed `scipy.sqrt` (1.12) and "
     "`scipy.special.sph_harm` (1.17); not a Manim API")),
    (re.compile(r"Mobject.__init__\(\) got an unexpected keyword argument 'height'"),
     ("the repository subclasses `BarChart` as it was before v0.15 (a VGroup built from "
     "`height`, `width`, `max_value`) and passes those on to today's BarChart: its own class "
     "needs rewriting (the original fails the same way on today's manim)")),
    (re.compile(r"media_embed must be boolean"),
     "MF425: the folder's manim.cfg has an empty `media_embed`, which today's manim refuses"),
]
# An original that fails for want of an import root or a file relative to where it is run.
_WRONG_FOLDER = re.compile(r"ModuleNotFoundError|ImportError|FileNotFoundError|No such file|"
                           r"could not find")


def sample(repo: Path, per_repo: int, verify: str = "static") -> list[dict[str, Any]]:
    """Up to `per_repo` outputs of the repo that are ok/fixed after `--verify verify`, spread
    over its scene list; an output that fails verification is kept as a rejected row."""
    session = Session(repo, root=str(repo), verify=verify)
    refs = [r for r in session.scenes() if r.dialect == "manim-ce" and not r.is_base]
    stride = max(1, len(refs) // max(1, per_repo))
    order = list(dict.fromkeys([*refs[::stride], *refs]))
    manager = session.pipeline()
    out: list[dict[str, Any]] = []
    for ref in order[: per_repo * 3]:  # a few failures may be skipped, not the whole repo
        row = sample_row(repo, session, manager, ref)
        if row is not None:
            out.append(row)
        if sum("code" in row for row in out) == per_repo:
            break
    return out


def sample_row(repo: Path, session: Session, manager: Any, ref: Any) -> dict[str, Any] | None:
    """The flattened scene as a row to render, or a rejected row (failed verification), or
    None (not flattened at all)."""
    result = session.flatten(ref, manager, contain_crash=True)
    if result.status == "failed" and result.code is not None:  # failed verification
        errors = [f"{d.code} {d.message}"[:200] for d in result.diagnostics if d.is_error]
        return {"repo": repo.name, "path": ref.path, "scene": ref.name,
                "rejected": errors[0] if errors else "?"}
    if result.status in ("ok", "fixed") and result.code is not None:
        return {"repo": repo.name, "path": ref.path, "scene": ref.name,
                "manim_cfg": result.manim_cfg, "code": result.code,
                "cfg_refused": [d.message for d in result.diagnostics if d.code == "MF425"],
                "replaced": [a.path for a in result.assets
                             if a.action in ("replaced", "missing")],
                "warnings": [f"{d.code} {d.message}"[:160] for d in result.diagnostics
                             if d.severity.value == "warning"]}
    return None


def redo(folder: Path, verdicts: list[dict[str, Any]], pictures: Path, timeout: float,
         verify: str, log: Path | None, tex_cache: bool = True,
         repos: list[str] | None = None) -> list[dict[str, Any]]:
    """The same sample again with today's code: every verdict that was not an identical frame
    (of `repos`, when given: those a change touched) is flattened and rendered anew (an
    identical one stays: the change it could see is the one a test covers)."""
    out = []
    sessions: dict[str, tuple[Session, Any]] = {}
    for v in verdicts:
        if v.get("identical") or (repos and v["scene"].split("/", 1)[0] not in repos):
            out.append(v)
            continue
        repo_name, rest = v["scene"].split("/", 1)
        path, scene = rest.rsplit(":", 1)
        repo = folder / repo_name
        if repo_name not in sessions:
            session = Session(repo, root=str(repo), verify=verify)
            sessions[repo_name] = (session, session.pipeline())
        session, manager = sessions[repo_name]
        ref = next((r for r in session.scenes() if r.path == path and r.name == scene), None)
        row = sample_row(repo, session, manager, ref) if ref is not None else None
        new = v if row is None else ({"scene": v["scene"], "rejected": row["rejected"]}
                                     if "rejected" in row else
                                     compare_one(repo, row, pictures, timeout, tex_cache))
        print(f"  {v['scene']}: {_state(new)}", file=sys.stderr, flush=True)
        out.append(new)
        if log is not None:
            with log.open("a", encoding="utf-8") as f:
                f.write(json.dumps(new, ensure_ascii=False) + "\n")
    return out


def where_the_author_ran(repo: Path, row: dict[str, Any]) -> list[Path]:
    """The folder of the manim.cfg the scene reads, then the scene's folder and each folder
    above it up to the root (a project folder holding the `config.py` its scenes import)."""
    scene_dir = (repo / row["path"]).parent
    first = [repo / cfg_folder(row["manim_cfg"])] if row["manim_cfg"] else []
    above = [scene_dir, *scene_dir.relative_to(repo).parents]
    return list(dict.fromkeys([*first, *(repo / d for d in above)]))


def render_original(repo: Path, row: dict[str, Any], out: Path, timeout: float,
                    tex: TexCache | None = None, keep_tex: bool = False
                    ) -> tuple[FrameResult, Path]:
    result = None
    for i, cwd in enumerate(where_the_author_ran(repo, row)):
        result = render_last_frame(repo / row["path"], row["scene"], cwd=cwd,
                                   out_dir=out / f"o{i}", timeout=timeout, tex_cache=tex,
                                   keep_tex=keep_tex, boxes=True)
        if result.ok or not _WRONG_FOLDER.search(result.error or ""):
            return result, cwd
    assert result is not None
    return result, cwd


def compare_one(repo: Path, row: dict[str, Any], pictures: Path, timeout: float,
                tex_cache: bool = True) -> dict[str, Any]:
    key = f"{row['repo']}/{row['path']}:{row['scene']}"
    verdict: dict[str, Any] = {"scene": key, "manim_cfg": row["manim_cfg"]}
    with tempfile.TemporaryDirectory(prefix="render-survey-") as tmp:
        t = Path(tmp)
        alone = t / "alone"
        alone.mkdir()
        flat_file = alone / "flat_scene.py"
        flat_file.write_text(row["code"], encoding="utf-8")
        # The original compiles its formulas first; the renders after it start from its
        # SVGs (`TexCache`: the reference is the one render whose SVGs are kept).
        tex = TexCache(t / "tex") if tex_cache else None
        original, cwd = render_original(repo, row, t, timeout, tex, keep_tex=True)
        flat = render_last_frame(flat_file, row["scene"], cwd=alone, out_dir=t / "flat",
                                 timeout=timeout, tex_cache=tex)
        # One side killed at the limit and the other not: the shared machine may just have
        # been busy; that side gets one more try with twice the time.
        if flat.timed_out and original.ok:
            flat = render_last_frame(flat_file, row["scene"], cwd=alone, out_dir=t / "flat2",
                                     timeout=2 * timeout, tex_cache=tex)
        elif original.timed_out and flat.ok:
            original, cwd = render_original(repo, row, t / "slow", 2 * timeout, tex,
                                            keep_tex=True)
        verdict.update(cwd=str(cwd.relative_to(repo)) or ".", original_ok=original.ok,
                       flat_ok=flat.ok)
        if not flat.ok:
            verdict["flat_error"] = _last_line(flat.error)
            verdict["flat_timed_out"] = flat.timed_out
        if not original.ok:
            verdict["original_error"] = _last_line(original.error)
            verdict["original_timed_out"] = original.timed_out
            if row.get("cfg_refused"):  # MF425: manim refuses the cfg of that folder
                verdict["original_error"] += f" (MF425 {row['manim_cfg']} {row['cfg_refused'][0]})"
        if original.ok and flat.ok and original.png and flat.png:
            diff = compare_frames(original.png, flat.png)
            verdict["identical"] = diff.identical
            if not diff.identical:
                verdict["changed_pixels"] = diff.changed_pixels
                again, _ = render_original(repo, row, t / "again", timeout, tex)
                verdict["deterministic"] = bool(
                    again.ok and again.png and compare_frames(original.png, again.png).identical)
                if verdict["deterministic"] and row["replaced"] and not diff.size_mismatch:
                    # The contract's one allowed difference: inside the replaced assets only.
                    verdict["only_in_assets"] = changed_outside(
                        original.png, flat.png, original.asset_boxes) == 0
                if verdict["deterministic"]:
                    verdict["picture"] = str(side_by_side(original.png, flat.png, pictures, key))
                    verdict["warnings"] = row["warnings"]
                    verdict["replaced"] = row["replaced"]
            else:
                verdict["deterministic"] = True
    verdict["note"] = NOTES.get(key)
    return verdict


def side_by_side(a: Path, b: Path, folder: Path, key: str) -> Path:
    """original | flattened | difference (brightened), one PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(a) as ia, Image.open(b) as ib:
        ra, rb = ia.convert("RGB"), ib.convert("RGB")
    rb_fit = rb.resize(ra.size) if rb.size != ra.size else rb
    diff = ImageChops.difference(ra, rb_fit).point(lambda v: min(255, v * 8))
    sheet = Image.new("RGB", (ra.width * 3 + 20, max(ra.height, rb.height)), "white")
    for i, img in enumerate((ra, rb, diff)):
        sheet.paste(img, (i * (ra.width + 10), 0))
    path = folder / (re.sub(r"[^A-Za-z0-9_.-]+", "_", key) + ".png")
    sheet.save(path)
    return path


def _last_line(error: str | None) -> str:
    lines = [ln.strip() for ln in (error or "").splitlines() if ln.strip()]
    return (lines[-1] if lines else "?")[:320]


def tabulate(verdicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: dict[str, Counter[str]] = {}
    for v in verdicts:
        c = rows.setdefault(v["scene"].split("/", 1)[0], Counter())
        if "rejected" in v:
            c["failed verification"] += 1
            continue
        c["sampled"] += 1
        c["original renders"] += v["original_ok"]
        c["deterministic"] += bool(v.get("deterministic"))
        c["identical"] += bool(v.get("identical"))
        c["only in replaced assets"] += bool(v.get("deterministic") and v.get("only_in_assets"))
        c["differ"] += bool(v.get("deterministic") and not v.get("identical")
                            and not v.get("only_in_assets"))
        slow = _both_timed_out(v)
        c["timed out"] += slow
        c["flattened rendered"] += v["flat_ok"]
        c["flattened failed"] += not v["flat_ok"] and not slow
    total: Counter[str] = Counter()
    for c in rows.values():
        total.update(c)
    return [{"repo": r, **c} for r, c in sorted(rows.items())] + [{"repo": "total", **total}]


COLUMNS = ("failed verification", "sampled", "original renders", "deterministic", "identical",
           "only in replaced assets", "differ", "flattened rendered", "flattened failed",
           "timed out")


def _both_timed_out(verdict: dict[str, Any]) -> bool:
    """The flattened file was killed at the time limit and the original did not render
    either (timed out too, or failed for a reason of its own): nothing says the output is
    wrong. (Where the original rendered, a flattened file still too slow after its second,
    longer try is a failure.)"""
    return not verdict["original_ok"] and verdict.get(
        "flat_timed_out", str(verdict.get("flat_error")).startswith("timed out"))


def report(verdicts: list[dict[str, Any]], per_repo: int, verify: str = "static") -> str:
    table = tabulate(verdicts)
    rejected = [v for v in verdicts if "rejected" in v]
    verdicts = [v for v in verdicts if "rejected" not in v]
    total = table[-1]
    det = total.get("deterministic", 0)
    share = f"{100 * total.get('identical', 0) / det:.1f}%" if det else "n/a"
    allowed = total.get("identical", 0) + total.get("only in replaced assets", 0)
    allowed_share = f"{100 * allowed / det:.1f}%" if det else "n/a"
    finished = total.get("sampled", 0) - total.get("timed out", 0)
    rendered = total.get("flattened rendered", 0)
    ok_share = f"{100 * rendered / finished:.1f}%" if finished else "n/a"
    level = "as the default pipeline marks them" if verify == "static" else \
        f"after `--verify {verify}`"
    out = [(f"Render survey (up to {per_repo} outputs `ok` {level} sampled per repository, "
            "`-ql -s`, `python scripts/render_survey.py`; `failed verification` counts the "
            "outputs passed over because verification failed them; `timed out`: the flattened "
            "file was killed at the time limit and the original did not render either): of "
            "the originals "
            f"that render deterministically, **{share}** of the flattened files end on an "
            f"identical last frame, **{allowed_share}** counting those that differ only inside "
            "assets replaced by placeholders (`only in replaced assets`: the difference the "
            f"contract allows); **{ok_share}** of the sampled ok outputs render ({rendered} "
            f"of {finished}, leaving out the {total.get('timed out', 0)} timed out)."), "",
           "| repo | " + " | ".join(COLUMNS) + " |",
           "| --- |" + " ---: |" * len(COLUMNS)]
    out += [f"| {r['repo']} | " + " | ".join(str(r.get(c, 0)) for c in COLUMNS) + " |"
            for r in table]
    differ = [v for v in verdicts if v.get("deterministic") and not v.get("identical")]
    # (those only in replaced assets are listed too: their cause is the placeholder)
    failed = [v for v in verdicts if not v["flat_ok"] and not _both_timed_out(v)]
    slow = [v for v in verdicts if _both_timed_out(v)]
    broken = [v for v in verdicts if not v["original_ok"]]
    if differ:
        out += ["", "Differing scenes (cause):"]
        out += [f"- `{v['scene']}` ({v['changed_pixels']} px): "
                + (v["note"] or _replaced(v) or "; ".join(v.get("warnings") or [])
                   or "cause not yet known")
                for v in differ]
    if failed:
        out += ["", "Flattened file did not render:"]
        out += [f"- `{v['scene']}`: {v['note'] or _cause(v['flat_error'])}"
                + (" (the original fails too)" if not v["original_ok"] else "") for v in failed]
    if slow:
        out += ["", "Timed out, and the original did not render either (not compared):"]
        out += [f"- `{v['scene']}`: " + (v["note"] or "the original "
                                         + _cause(v.get("original_error") or "?"))
                for v in slow]
    broken = [v for v in broken if not _both_timed_out(v)]
    if broken:
        out += ["", "Original does not render here (not compared):"]
        out += [f"- `{v['scene']}` (from `{v['cwd']}`): "
                + (v["note"] or _cause(v["original_error"]))
                for v in broken]
    if rejected:
        out += ["", f"Passed over: outputs that `--verify {verify}` failed (not `ok`):"]
        out += [f"- `{v['scene']}`: {v['rejected']}" for v in rejected]
    return "\n".join(out)


def _cause(error: str) -> str:
    """The error, and its cause when one of `CAUSES` names it."""
    shown = error[:100] + ("... " + error[error.index("(LaTeX: "):]
                           if "(LaTeX: " in error[100:] else "")
    return next((f"{cause} ({shown})" for pattern, cause in CAUSES
                 if pattern.search(error or "")), error)


def _replaced(verdict: dict[str, Any]) -> str:
    """An asset replaced by a placeholder: the contract's one allowed difference."""
    files = verdict.get("replaced") or []
    return (f"asset replaced by a placeholder of the same place and size ({', '.join(files)}),"
            " the difference the contract allows") if files else ""


def write_section(path: Path, text: str) -> None:
    """Replace the render-survey section of `path` (appended when it has none)."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    section = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in old and END in old:
        head, rest = old.split(BEGIN, 1)
        new = head + section + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + section + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder whose sub-folders are repositories")
    parser.add_argument("--per-repo", type=int, default=3, help="scenes sampled per repository")
    parser.add_argument("--timeout", type=float, default=90.0, help="per render, seconds")
    parser.add_argument("--jobs", type=int, default=1, help="scenes rendered at once")
    parser.add_argument("--out", type=Path, default=Path("render-survey"),
                        help="folder for the side-by-side PNGs of differing scenes")
    parser.add_argument("--markdown", type=Path, help="write the table into this file's section")
    parser.add_argument("--json", type=Path, help="write every verdict here")
    parser.add_argument("--repos", nargs="*", help="only these sub-folders (with --redo: redo "
                        "only their verdicts)")
    parser.add_argument("--verify", default="static", choices=("static", "exec", "render"),
                        help="the level a sampled output must pass to count as ok (static: "
                             "the default pipeline's status)")
    parser.add_argument("--from-json", type=Path,
                        help="report the verdicts of an earlier --json or --log")
    parser.add_argument("--log", type=Path, help="append each verdict here as it comes (JSON lines)")
    parser.add_argument("--no-tex-cache", action="store_true",
                        help="every render compiles its own LaTeX (see TexCache; to measure it)")
    parser.add_argument("--redo", action="store_true",
                        help="with --from-json: flatten and render again the verdicts that "
                             "were not identical (the same sample, today's code)")
    args = parser.parse_args(argv)
    repos = sorted(p for p in args.folder.iterdir() if p.is_dir() and not p.name.startswith(".")
                   and (not args.repos or p.name in args.repos))
    if args.from_json:  # re-write the table (new notes) without rendering again
        text = args.from_json.read_text(encoding="utf-8")
        verdicts = (json.loads(text) if text.lstrip().startswith("[")
                    else [json.loads(line) for line in text.splitlines() if line.strip()])
        if args.redo:
            verdicts = redo(args.folder, verdicts, args.out, args.timeout, args.verify,
                            args.log, not args.no_tex_cache, args.repos)
        for v in verdicts:
            v["note"] = NOTES.get(v["scene"])
    else:
        verdicts = run(repos, args.per_repo, args.out, args.timeout, args.jobs, args.verify,
                       args.log, not args.no_tex_cache)
    text = report(verdicts, args.per_repo, args.verify)
    print(text)
    if args.markdown:
        write_section(args.markdown, text)
    if args.json:
        args.json.write_text(json.dumps(verdicts, indent=1, ensure_ascii=False),
                             encoding="utf-8")
    return 0


def _state(verdict: dict[str, Any]) -> str:
    if "rejected" in verdict:
        return f"failed verification: {verdict['rejected']}"
    return ("identical" if verdict.get("identical") else
            "both failed" if not verdict["flat_ok"] and not verdict["original_ok"] else
            "FLATTENED FAILED" if not verdict["flat_ok"] else
            "original failed" if not verdict["original_ok"] else
            "DIFFERS" if verdict.get("deterministic") else "original is nondeterministic")


def run(repos: list[Path], per_repo: int, pictures: Path, timeout: float,
        jobs: int = 1, verify: str = "static", log: Path | None = None,
        tex_cache: bool = True) -> list[dict[str, Any]]:
    """Sample and render repository by repository, `jobs` repositories at once (renders are
    subprocesses), so verdicts arrive early; each is also appended to `log` (JSON lines)."""

    def one(repo: Path, row: dict[str, Any]) -> dict[str, Any]:
        key = f"{row['repo']}/{row['path']}:{row['scene']}"
        if "rejected" in row:
            print(f"  {key}: failed --verify {verify}: {row['rejected']}", file=sys.stderr,
                  flush=True)
            return {"scene": key, "rejected": row["rejected"]}
        verdict = compare_one(repo, row, pictures, timeout, tex_cache)
        print(f"  {key}: {_state(verdict)}", file=sys.stderr, flush=True)
        return verdict

    def repo_verdicts(repo: Path) -> list[dict[str, Any]]:
        out = []
        for row in sample(repo, per_repo, verify):
            out.append(one(repo, row))
            if log is not None:
                with log.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(out[-1], ensure_ascii=False) + "\n")
        return out

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        return [v for vs in pool.map(repo_verdicts, repos) for v in vs]


if __name__ == "__main__":
    sys.exit(main())
