"""Verification throughput and pass rates, on this machine.

1. Scenes per minute at the exec and render levels (cache off, distinct scenes), with 1 and 2
   jobs.
2. Development repositories (/work/devrepos/*): for a deterministic sample of manim-ce scenes,
   the share whose original runs (exec level, inside its repo) and the share whose flattened
   file passes each level, when the flattener can produce it.

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
from manimflat.verify import verify_many
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
        step = max(1, len(scenes) // max(1, sample // len(repos)))
        picked += [(repo, s) for s in scenes[::step][: max(1, sample // len(repos))]]
    settings = Settings(cache=False, timeout=60)
    original_ok = Counter[str]()
    flat_items, flat_keys = [], []
    start = time.perf_counter()
    for repo, scene in picked:
        out = exec_in_place(repo / scene.path, scene.name, repo, settings)
        original_ok[("pass" if out.ok else "fail")] += 1
        try:
            res = manimflat.flatten(repo, scene.spec)
            if res.code is not None:
                flat_items.append((res.code, scene.name))
                flat_keys.append(out.ok)
            else:
                original_ok["flatten-failed"] += 1
        except Exception:  # noqa: BLE001
            original_ok["flatten-crashed"] += 1
    flat_outcomes = verify_many(flat_items, "exec", settings, jobs=jobs)
    reached = Counter(o.level_reached or "none" for o in flat_outcomes)
    both = sum(1 for o, orig in zip(flat_outcomes, flat_keys) if orig and o.ok)
    print(f"  sampled {len(picked)} manim-ce scenes from {len(repos)} repos "
          f"in {time.perf_counter() - start:.0f} s")
    print(f"  originals pass exec in their repo: {original_ok['pass']}/{len(picked)}")
    print(f"  flattened files produced: {len(flat_items)} (flatten failed "
          f"{original_ok['flatten-failed']}, crashed {original_ok['flatten-crashed']})")
    print(f"  flattened, highest level passed: {dict(reached)}")
    print(f"  flattened passes exec where the original does: {both}/{sum(flat_keys)}")


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
