"""Near-duplicate detection: manimflat's MinHash LSH beside datasketch and rensa, in one run.

Same rows, 5-gram tokens without the boilerplate lines, 256 permutations, threshold 0.7.
Rows are generated Manim-like scenes; 5% are planted near duplicates of another row, their
literals changed until the exact 5-gram Jaccard falls to a target drawn in [0.70, 0.95].
Recall is the share of planted pairs with Jaccard >= 0.75 each method puts together (manimflat:
the same cluster; datasketch, rensa: the copy is returned by querying the original). Precision is
the share of the pairs a method reports (manimflat: its verified pairs; the others: their LSH
query results) whose exact Jaccard, recomputed here with this file's own shingling, reaches the
threshold. Each method runs in a forked child: its wall time, and its peak RSS (getrusage via
wait4) with and without the texts it inherited. Sizes are prefixes of one generated set; a
method above its --max-rows is skipped and the table says so.

    python benchmarks/bench_dedup.py [--rows 100000,1000000] [--methods manimflat,datasketch,rensa]
                                     [--max-rows datasketch=100000]
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import re
import time
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


_TOKEN = re.compile(r"\w+|[^\w\s]")
_BOILER = re.compile(r"(?m)^[ \t]*(from manim import .*|class \w+\(Scene\):|"
                     r"def construct\(self\):)[ \t]*$")


def grams(text: str, ngram: int = 5) -> set[str]:
    tokens = _TOKEN.findall(_BOILER.sub("", text))
    return {" ".join(tokens[k:k + ngram]) for k in range(max(1, len(tokens) - ngram + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def near_copy(rng: random.Random, code: str) -> tuple[str, float]:
    """`code` with literals changed until its Jaccard with `code` is below a random target."""
    target, original = rng.uniform(0.70, 0.95), grams(code)
    numbers = list(re.finditer(r"\d+\.\d+", code))
    rng.shuffle(numbers)
    copy, similarity = code, 1.0
    for k in range(0, len(numbers), 2):
        for match in numbers[k:k + 2]:
            copy = copy.replace(match.group(), f"{float(match.group()) + 0.5:.2f}", 1)
        similarity = jaccard(original, grams(copy))
        if similarity < target + 0.01:
            break
    return copy, similarity


def generate(rows: int, seed: int = 0) -> tuple[list[str], list[tuple[int, int, float]]]:
    rng = random.Random(seed)
    texts: list[str] = []
    planted: list[tuple[int, int, float]] = []
    for n in range(rows):
        if n > 10 and rng.random() < 0.05:
            original = rng.randrange(len(texts))
            copy, similarity = near_copy(rng, texts[original])
            planted.append((original, n, similarity))
            texts.append(copy)
        else:
            texts.append(scene(rng, n))
    return texts, planted


Pairs = list[tuple[int, int]]


def manimflat(texts: list[str], params: LSHParams, planted: Pairs) -> tuple[float, Pairs]:
    i, j, _ = near_pairs(texts, params)
    labels = clusters(len(texts), i, j)
    recall = sum(labels[a] == labels[b] for a, b in planted) / max(1, len(planted))
    return recall, list(zip(i.tolist(), j.tolist()))


def datasketch(texts: list[str], params: LSHParams, planted: Pairs) -> tuple[float, Pairs]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    sketches = []
    for n, text in enumerate(texts):
        sketch = MinHash(num_perm=params.num_perm, seed=params.seed)
        sketch.update_batch([g.encode() for g in grams(text, params.ngram)])
        lsh.insert(n, sketch)
        sketches.append(sketch)
    return _queried(planted, lambda a: lsh.query(sketches[a]))


def rensa(texts: list[str], params: LSHParams, planted: Pairs) -> tuple[float, Pairs]:
    from rensa import RMinHash, RMinHashLSH

    # rensa wants bands dividing num_perm: the first such count at least manimflat's
    bands = next(b for b in range(params.bands[0], params.num_perm + 1) if params.num_perm % b == 0)
    lsh = RMinHashLSH(threshold=params.threshold, num_perm=params.num_perm, num_bands=bands)
    sketches = []
    for n, text in enumerate(texts):
        sketch = RMinHash(num_perm=params.num_perm, seed=params.seed)
        sketch.update(list(grams(text, params.ngram)))
        lsh.insert(n, sketch)
        sketches.append(sketch)
    return _queried(planted, lambda a: lsh.query(sketches[a]))


def _queried(planted: Pairs, query: Any) -> tuple[float, Pairs]:
    """Recall of the planted pairs by querying each original, and every pair the queries
    returned (the LSH candidates these libraries report as duplicates, unverified)."""
    hits, reported = 0, []
    for a, b in planted:
        found = [c for c in query(a) if c != a]
        hits += b in found
        reported += [(min(a, c), max(a, c)) for c in found]
    return hits / max(1, len(planted)), reported


def precision(texts: list[str], pairs: Pairs, threshold: float) -> float:
    """Share of reported pairs whose exact Jaccard (this file's own shingling) reaches the
    threshold, over a fixed sample of at most 20,000 pairs."""
    sample = random.Random(1).sample(pairs, min(len(pairs), 20_000))
    good = sum(jaccard(grams(texts[a]), grams(texts[b])) >= threshold - 1e-9 for a, b in sample)
    return good / max(1, len(sample))


METHODS = {"manimflat": manimflat, "datasketch": datasketch, "rensa": rensa}


def measure(label: str, texts: list[str], params: LSHParams, planted: Pairs) -> dict[str, Any]:
    """Run one method in a forked child: its own wall time, recall, precision and peak RSS
    (getrusage via wait4: the child's high-water mark, the generated texts it inherits
    included, as /usr/bin/time -v reports it; "own" subtracts what it inherited at the fork,
    the texts of the largest size)."""
    inherited = _rss_gib()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        start = time.perf_counter()
        try:
            recall, pairs = METHODS[label](texts, params, planted)
            seconds = time.perf_counter() - start
            result: Any = (recall, precision(texts, pairs, params.threshold), seconds)
        except Exception as exc:  # noqa: BLE001 - a missing library is a row of the table
            result = f"{type(exc).__name__}: {exc}"
        with os.fdopen(write, "wb") as handle:
            pickle.dump(result, handle)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        data = handle.read()
    _, status, usage = os.wait4(pid, 0)
    # A child killed (the OOM killer) sends nothing: that too is a row of the table.
    result = pickle.loads(data) if data else f"killed by signal {os.WTERMSIG(status)}" \
        if os.WIFSIGNALED(status) else f"exited {os.waitstatus_to_exitcode(status)}"
    peak = usage.ru_maxrss / 2 ** 20  # KiB on Linux
    if isinstance(result, str):
        print(f"{len(texts):>9} {label:>11}  failed: {result}; peak RSS {peak:.2f} GiB",
              flush=True)
        return {"error": result}
    recall, exact, seconds = result
    print(f"{len(texts):>9} {label:>11} {seconds:9.1f} {len(texts) / seconds:9.0f} "
          f"{recall:8.4f} {exact:9.4f} {peak:9.2f} {peak - inherited:9.2f}", flush=True)
    return {"seconds": seconds, "recall": recall, "precision": exact, "peak_gib": peak}


def _rss_gib() -> float:
    """This process's resident set now: what a forked child starts its peak from."""
    with open("/proc/self/status", encoding="ascii") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kib / 2 ** 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="100000,1000000",
                        help="comma-separated sizes, each a prefix of the largest")
    parser.add_argument("--methods", default="manimflat,datasketch,rensa")
    parser.add_argument("--max-rows", default="datasketch=100000",
                        help="METHOD=N,...: skip a method above N rows (datasketch is pure Python)")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.rows.split(","))
    caps = {k: int(v) for k, v in (item.split("=") for item in args.max_rows.split(",") if item)}
    params = LSHParams()
    start = time.perf_counter()
    texts, planted = generate(sizes[-1])
    print(f"{sizes[-1]} rows ({time.perf_counter() - start:.0f} s to generate), "
          f"{len(planted)} planted near duplicates at Jaccard "
          f"{min((x for *_, x in planted), default=0):.2f}-"
          f"{max((x for *_, x in planted), default=0):.2f}; recall counts those at >= 0.75; "
          f"bands x rows = {params.bands}, {params.num_perm} permutations, threshold "
          f"{params.threshold}", flush=True)
    print(f"{'rows':>9} {'method':>11} {'seconds':>9} {'rows/s':>9} {'recall':>8} "
          f"{'precision':>9} {'peak GiB':>9} {'own GiB':>9}", flush=True)
    for size in sizes:
        hard = [(a, b) for a, b, x in planted if x >= 0.75 and b < size]
        for label in args.methods.split(","):
            if size > caps.get(label, size):
                print(f"{size:>9} {label:>11}  skipped: above --max-rows {label}="
                      f"{caps[label]} (too slow for this run)", flush=True)
                continue
            measure(label, texts[:size], params, hard)


if __name__ == "__main__":
    main()
