"""The emitted-size floor of a flattened folder: per output file, the time to write its bytes,
parse it, compile it and run pyflakes once (what emit and the static level cannot avoid).

    python benchmarks/bench_emitted_floor.py OUT_DIR
"""
import ast
import pathlib
import sys
import tempfile
import time
import warnings

from manimflat.verify.static import _undefined_uses

files = sorted(pathlib.Path(sys.argv[1]).glob("*.py"))
size = sum(f.stat().st_size for f in files)
texts = [f.read_text() for f in files]
t = {}
with tempfile.TemporaryDirectory() as d:
    s = time.perf_counter()
    for i, x in enumerate(texts): pathlib.Path(d, f"{i}.py").write_text(x)
    t["write"] = time.perf_counter() - s
s = time.perf_counter()
for x in texts: ast.parse(x)
t["ast.parse"] = time.perf_counter() - s
s = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for x in texts: compile(x, "<f>", "exec")
t["compile"] = time.perf_counter() - s
s = time.perf_counter()
for x in texts: _undefined_uses(x, ("numpy",), drop_unknown_stars=False)
t["pyflakes"] = time.perf_counter() - s
print(len(files), "files", size // 1024, "KiB", sum(x.count("\n") for x in texts), "lines;", " ".join(f"{k}={v:.2f}s" for k, v in t.items()), f"total={sum(t.values()):.2f}s")
