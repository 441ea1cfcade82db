"""Compare two output trees of `manimflat REPO --all -o DIR --report DIR/report.json`: every
flattened file byte for byte, and the reports with what legitimately varies between runs
(timings, verification cache hits, fields a newer report adds) left out.

    python scripts/compare_outputs.py BEFORE_DIR AFTER_DIR [BEFORE_REPORT AFTER_REPORT]

Exit 1 on any difference. Reports kept beside the folders (as /work/baseline/dev keeps
them) are passed explicitly; output paths in reports are compared by file name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

VARYING = frozenset({"seconds", "timings", "cached", "pipeline"})


def _stable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: (Path(v).name if k == "output" and v else _stable(v))
                for k, v in data.items() if k not in VARYING and k != "root"}
    if isinstance(data, list):
        return [_stable(v) for v in data]
    return data


def same_report(a: Path, b: Path) -> bool:
    return _stable(json.loads(a.read_text())) == _stable(json.loads(b.read_text()))


def differences(before: Path, after: Path) -> list[str]:
    out = []
    files = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    files |= {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    for rel in sorted(files):
        a, b = before / rel, after / rel
        if not a.is_file() or not b.is_file():
            out.append(f"{rel}: only in {'after' if b.is_file() else 'before'}")
        elif rel.name == "report.json":
            if not same_report(a, b):
                out.append(f"{rel}: reports differ")
        elif a.suffix != ".log" and a.read_bytes() != b.read_bytes():
            out.append(f"{rel}: differs")
    return out


if __name__ == "__main__":
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    found = [d for d in differences(before, after) if len(sys.argv) < 5
             or not d.startswith("report.json: only")]
    if len(sys.argv) == 5 and not same_report(Path(sys.argv[3]), Path(sys.argv[4])):
        found.append("reports differ")
    print("\n".join(found) or "identical")
    sys.exit(1 if found else 0)
