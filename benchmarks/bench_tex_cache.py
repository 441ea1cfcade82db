"""The render survey's LaTeX cache: the renders of one comparison, with and without it.

    nice -n 10 python benchmarks/bench_tex_cache.py REPO FILE:SCENE [REPO FILE:SCENE ...]

Each scene is flattened once, then rendered as `scripts/render_survey.py` renders it (the
original in its repository, the flattened file alone, the original again), first with every
render compiling its own LaTeX, then with a `TexCache` the original fills and the other two
start from. Prints the seconds of each render and the totals; asserts nothing. Run it under
`/usr/bin/time -v` for the process totals.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from manimflat.api import Session
from manimflat.verify.render import TexCache, render_last_frame


def renders(repo: Path, path: str, scene: str, code: str, cached: bool) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="bench-tex-") as tmp:
        t = Path(tmp)
        tex = TexCache(t / "tex") if cached else None
        alone = t / "alone"
        alone.mkdir()
        (alone / "flat.py").write_text(code, encoding="utf-8")
        jobs = [(repo / path, repo, True), (alone / "flat.py", alone, False),
                (repo / path, repo, False)]
        out = []
        for i, (file, cwd, keep) in enumerate(jobs):
            start = time.perf_counter()
            frame = render_last_frame(file, scene, cwd=cwd, out_dir=t / f"r{i}", timeout=600,
                                      tex_cache=tex, keep_tex=keep)
            out.append(time.perf_counter() - start)
            if not frame.ok:
                print(f"    render {i} failed: {frame.error}", file=sys.stderr)
        return out


def main(argv: list[str]) -> int:
    pairs = list(zip(argv[::2], argv[1::2], strict=True))
    totals = {False: 0.0, True: 0.0}
    print("scene | without cache: original, flattened, original again | with cache")
    for repo_name, spec in pairs:
        repo = Path(repo_name).resolve()
        path, scene = spec.rsplit(":", 1)
        session = Session(repo, root=str(repo))
        ref = next(r for r in session.scenes() if r.path == path and r.name == scene)
        result = session.flatten(ref, session.pipeline())
        assert result.code is not None, result.status
        row = {c: renders(repo, path, scene, result.code, c) for c in (False, True)}
        for c, secs in row.items():
            totals[c] += sum(secs)
        print(f"{repo.name}/{spec} | " + " | ".join(
            ", ".join(f"{s:.1f}" for s in row[c]) + f" (= {sum(row[c]):.1f} s)"
            for c in (False, True)), flush=True)
    print(f"total | {totals[False]:.1f} s | {totals[True]:.1f} s "
          f"({100 * (1 - totals[True] / max(totals[False], 1e-9)):.0f}% less)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
