"""Verification throughput and pass rates, on this machine.

1. Scenes per minute at the exec and render levels (cache off, distinct scenes), with 1 and 2
   jobs.
2. Development repositories (/work/devrepos/*): for a deterministic sample of manim-ce scenes,
   the share whose original runs (exec level, inside its repo) and the share whose flattened
   file passes each level, and whether its last frame equals the original's.

    python benchmarks/bench_verify.py [--scenes 8] [--sample 24] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from manimflat.settings import Settings
from manimflat.verify import compare_frames, render_last_frame, verify_many
from manimflat.verify.levels import exec_in_place

SCENE = """from manim import *


class Bench(Scene):
    def construct(self):
        square = Square(side_length={n} / 4, color=BLUE)
        self.play(Create(square))
        self.play(square.animate.rotate(PI / {n}).shift(RIGHT))
        label = MathTex(r"\\frac{{{n}}}{{2}}").next_to(square, UP)
        self.play(Write(label))
        self.wait()
"""


def throughput(level: str, count: int, jobs: int, salt: int) -> float:
    items = [(SCENE.format(n=salt * 100 + i + 1), "Bench") for i in range(count)]
    start = time.perf_counter()
    outs = verify_many(items, level, Settings(cache=False, timeout=120), jobs=jobs)
    minutes = (time.perf_counter() - start) / 60
    assert all(o.ok for o in outs), [d.format() for o in outs for d in o.diagnostics]
    return count / minutes


def devrepo_rates(sample: int, jobs: int) -> None:
    import manimflat

    repos = sorted(p for p in Path("/work/devrepos").iterdir() if p.is_dir())
    picked = []
    for repo in repos:
        try:
            scenes = [s for s in manimflat.discover(repo)
                      if s.dialect == "manim-ce" and not s.is_base]
        except Exception as exc:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"  discover failed on {repo.name}: {type(exc).__name__}: {exc}")
            continue
        per_repo = max(1, sample // len(repos))
        step = max(1, len(scenes) // per_repo)
        picked += [(repo, s) for s in scenes[::step][:per_repo]]
    settings = Settings(cache=False, timeout=60)
    start = time.perf_counter()
    # Originals, inside their repositories, as their authors run them.
    original: list[tuple[bool, Path | None]] = []
    out_root = Path(tempfile.mkdtemp(prefix="manimflat-bench-frames-"))
    for i, (repo, scene) in enumerate(picked):
        ran = exec_in_place(repo / scene.path, scene.name, repo, settings).ok
        frame = (render_last_frame(repo / scene.path, scene.name, cwd=repo,
                                   out_dir=out_root / str(i), timeout=60) if ran else None)
        original.append((ran, frame.png if frame is not None and frame.ok else None))
    # Flattened files, alone.
    flat: list[tuple[str, str] | None] = []
    replaced: list[bool] = []
    for repo, scene in picked:
        try:
            res = manimflat.flatten(repo, scene.spec)
        except Exception:  # noqa: BLE001
            res = None
        flat.append((res.code, scene.name) if res is not None and res.code else None)
        replaced.append(res is not None and any(a.action == "replaced" for a in res.assets))
    todo = [item for item in flat if item is not None]
    outcomes = iter(verify_many(todo, "render", settings, jobs=jobs))
    verified = [next(outcomes) if item is not None else None for item in flat]
    n = len(picked)
    print(f"  {n} manim-ce scenes sampled from {len(repos)} repos "
          f"({time.perf_counter() - start:.0f} s)")
    print(f"  originals (in their repo): exec {sum(r for r, _ in original)}/{n}, "
          f"render {sum(p is not None for _, p in original)}/{n}")
    passed = Counter[str]()
    for o in verified:
        if o is not None:
            for lv in ("syntax", "static", "exec", "render"):
                if lv in o.results and not o.results[lv].get("failed"):
                    passed[lv] += 1
    print(f"  flattened: produced {len(todo)}/{n}; " + ", ".join(
        f"{lv} {passed[lv]}/{n}" for lv in ("syntax", "static", "exec", "render")))
    renders = [(p, o) for (_, p), o in zip(original, verified) if p is not None]
    both = [(p, o) for p, o in renders if o is not None and o.ok]
    same = sum(compare_frames(p, Path(o.results["render"]["png"])).identical for p, o in both)
    print(f"  flattened renders where the original renders: {len(both)}/{len(renders)}; "
          f"identical last frame: {same}/{len(both)} "
          f"(asset replacements in {sum(replaced)} scenes)")
    for (repo, scene), (ran, png), o in zip(picked, original, verified):
        if png is not None and (o is None or not o.ok):
            why = "not flattened" if o is None else next(
                (d.format() for d in o.diagnostics if d.is_error), "?")
            print(f"    regression {repo.name}/{scene.spec}: {why[:150]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenes", type=int, default=8)
    ap.add_argument("--sample", type=int, default=24)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-repos", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("MANIMFLAT_CACHE", tempfile.mkdtemp(prefix="manimflat-bench-"))
    salt = int(time.time()) % 1000
    print(f"throughput ({args.scenes} distinct scenes, cache off, {os.cpu_count()} cores):")
    for level in ("exec", "render"):
        for jobs in sorted({1, args.jobs}):
            rate = throughput(level, args.scenes, jobs, salt + jobs + (level == "render") * 7)
            print(f"  {level:6} jobs={jobs}: {rate:6.1f} scenes/minute")
    if not args.skip_repos:
        print("development repositories:")
        devrepo_rates(args.sample, args.jobs)


if __name__ == "__main__":
    main()
