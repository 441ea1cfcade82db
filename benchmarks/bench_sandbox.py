"""Exec-level time per scene through the sandbox (cache off, distinct scenes), warm and cold.

    python benchmarks/bench_sandbox.py [SCENES]

Measured on the 2-core development machine (medians over 6-8 scenes; "before" is the
subprocess-and-audit-hook sandbox, "after" runs every scene in bubblewrap):

| load | before warm | before cold | after warm | after cold |
| --- | --- | --- | --- | --- |
| ~1 (idle) | 0.073 s | 1.19 s | - | - |
| ~5-12, same runs interleaved | 4.8-10.9 s | 2.9-8.1 s | 0.18-0.37 s | 4.4-7.6 s |

bubblewrap itself costs under 10 ms per sandbox (`bwrap ... true`); a cold start is dominated by
importing manim. Why the old warm start slowed down this much under load was not investigated.
"""
from __future__ import annotations

import os
import statistics
import sys
import time

from manimflat.settings import Settings
from manimflat.verify import verify_code

SCENE = """from manim import *


class Bench(Scene):
    def construct(self):
        square = Square(side_length={n} / 4, color=BLUE)
        self.play(Create(square))
        self.play(square.animate.rotate(PI / {n}).shift(RIGHT))
        self.wait()
"""


def per_scene(count: int, cold: bool) -> list[float]:
    if cold:
        os.environ["MANIMFLAT_SANDBOX_COLD"] = "1"
    else:
        os.environ.pop("MANIMFLAT_SANDBOX_COLD", None)
    times = []
    for i in range(count):
        start = time.perf_counter()
        out = verify_code(SCENE.format(n=i + 3 + 100 * cold), "Bench", "exec",
                          Settings(cache=False, timeout=120))
        assert out.ok, [d.format() for d in out.diagnostics]
        times.append(time.perf_counter() - start)
    return times


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    per_scene(1, cold=False)  # start the zygote and the static-level cache
    for cold in (False, True):
        t = per_scene(n, cold)
        print(f"{'cold' if cold else 'warm'}: median {statistics.median(t):.3f} s, "
              f"min {min(t):.3f} s, max {max(t):.3f} s over {n} scenes")
