"""Near-duplicate detection throughput: manimflat's MinHash LSH beside datasketch's MinHashLSH.

Same rows, same 5-gram tokens, 256 permutations, threshold 0.7, in one run. Rows are generated
Manim-like scenes; 5% of them are planted near duplicates (two literals changed) of another row,
and recall is the share of planted pairs each method finds.

    python benchmarks/bench_dedup.py [--rows 100000] [--skip-datasketch]
"""

from __future__ import annotations

import argparse
import random
import re
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from manimflat.dataset.minhash import LSHParams, clusters, near_pairs

CALLS = ["Create", "FadeIn", "Write", "Transform", "Rotate", "Indicate", "GrowFromCenter"]
SHAPES = ["Circle", "Square", "Triangle", "Dot", "Line", "Arrow", "Text", "MathTex"]
COLOURS = ["RED", "BLUE", "GREEN", "YELLOW", "PURPLE", "ORANGE", "TEAL", "PINK"]


def scene(rng: random.Random, n: int) -> str:
    lines = ["from manim import *", "", f"class Scene{n}(Scene):", "    def construct(self):"]
    for k in range(rng.randint(8, 20)):
        name = f"m{rng.randrange(10 ** 6)}"
        lines.append(f"        {name} = {rng.choice(SHAPES)}(color={rng.choice(COLOURS)})"
                     f".shift({rng.uniform(-5, 5):.2f} * RIGHT + {rng.uniform(-3, 3):.2f} * UP)")
        lines.append(f"        self.play({rng.choice(CALLS)}({name}), "
                     f"run_time={rng.randint(1, 40) / 10})")
    return "\n".join(lines) + "\n"


def near_copy(rng: random.Random, code: str) -> str:
    numbers = list(re.finditer(r"\d+\.\d+", code))
    for match in rng.sample(numbers, 2):
        code = code.replace(match.group(), f"{float(match.group()) + 0.5:.2f}", 1)
    return code


def generate(rows: int, seed: int = 0) -> tuple[list[str], list[tuple[int, int]]]:
    rng = random.Random(seed)
    texts: list[str] = []
    planted: list[tuple[int, int]] = []
    for n in range(rows):
        if n > 10 and rng.random() < 0.05:
            original = rng.randrange(len(texts))
            planted.append((original, n))
            texts.append(near_copy(rng, texts[original]))
        else:
            texts.append(scene(rng, n))
    return texts, planted


def measure(label: str, function: Callable[[], Any], rows: int) -> tuple[Any, dict[str, float]]:
    tracemalloc.start()
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    numbers = {"seconds": seconds, "rows_per_s": rows / seconds, "peak_mib": peak / 2 ** 20}
    print(f"{label:>12}: {seconds:8.2f} s  {numbers['rows_per_s']:10.0f} rows/s  "
          f"peak {numbers['peak_mib']:8.1f} MiB (tracemalloc)")
    return result, numbers


def ours(texts: list[str], params: LSHParams) -> Any:
    i, j, _ = near_pairs(texts, params)
    return clusters(len(texts), i, j)


_TOKEN = re.compile(r"\w+|[^\w\s]")


def theirs(texts: list[str], params: LSHParams, planted: list[tuple[int, int]]) -> float:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    sketches = []
    for n, text in enumerate(texts):
        tokens = _TOKEN.findall(text)
        grams = {" ".join(tokens[k:k + params.ngram]).encode()
                 for k in range(max(1, len(tokens) - params.ngram + 1))}
        sketch = MinHash(num_perm=params.num_perm, seed=params.seed)
        sketch.update_batch(list(grams))
        lsh.insert(n, sketch)
        sketches.append(sketch)
    found = sum(1 for a, b in planted if b in lsh.query(sketches[a]))
    return found / max(1, len(planted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-datasketch", action="store_true")
    args = parser.parse_args()
    params = LSHParams()
    texts, planted = generate(args.rows)
    print(f"{args.rows} rows, {len(planted)} planted near duplicates, bands x rows = "
          f"{params.bands}, threshold {params.threshold}, {params.num_perm} permutations")
    labels, _ = measure("manimflat", lambda: ours(texts, params), args.rows)
    recall = sum(labels[a] == labels[b] for a, b in planted) / max(1, len(planted))
    print(f"{'':>12}  recall {recall:.4f}, {len(set(labels.tolist()))} clusters")
    if not args.skip_datasketch:
        ds_recall, _ = measure("datasketch", lambda: theirs(texts, params, planted), args.rows)
        print(f"{'':>12}  recall {ds_recall:.4f} (query of each planted original)")


if __name__ == "__main__":
    main()
