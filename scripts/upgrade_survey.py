"""Measure the ManimGL / old-manimlib upgrade: sample scenes per repository, upgrade each,
judge it by the strict output contract (static level) and render it alone with Manim CE.

    PYTHONPATH=$PWD nice -n 10 python scripts/upgrade_survey.py REPO [REPO...] \
        --per-repo 30 --seed 17 --timeout 90 --json out.json [--markdown docs/upgrade.md]

A sampled scene is a non-base scene of another dialect (ManimGL or old manimlib). `contract`:
the upgraded file is `ok`/`fixed` at the static level (every name defined, imports only
manim and allowed packages). `render`: it also renders its last frame with the real Manim CE
(`--verify render`: -ql -s in the sandbox, with the timeout). A failure is classed by its
first error diagnostic: the code, and for MF231 the name, for a render error its exception.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

from manimflat.api import Session


def failure_class(result: dict) -> str:
    errors = [d for d in result["diagnostics"] if d["severity"] == "error"]
    if not errors:
        return ""
    d = errors[0]
    message = d["message"]
    if d["code"] == "MF231":
        return "MF231 " + message.split("`")[1]
    if d.get("pass") in ("verify-exec", "verify-render"):  # runtime errors: the exception
        m = re.search(r"\b(\w+(?:Error|Exception))\b(:[^;\n]{0,50})?", message)
        return f"{d['code']} {m.group(1)}{(m.group(2) or '')[:50]}" if m else d["code"]
    if d["code"] == "MF103" or "not defined" in message:
        m = re.search(r"'(\w+)'", message)
        return f"{d['code']} {m.group(1) if m else ''}".strip()
    return d["code"]


def survey(repo: str, per_repo: int, seed: int, timeout: float, verify: str,
           dialects: tuple[str, ...] = ("manimgl", "manimlib-old")) -> dict:
    session = Session(repo, verify=verify, timeout=timeout)
    scenes = [s for s in session.scenes() if s.dialect in dialects and not s.is_base]
    sample = random.Random(seed).sample(scenes, min(per_repo, len(scenes)))
    manager = session.pipeline()
    rows = []
    for ref in sample:
        result = session.flatten(ref, manager, contain_crash=True)
        data = result.to_json()
        static_ok = not any(d.is_error for d in result.diagnostics
                            if d.pass_name not in ("verify-exec", "verify-render"))
        row = {"scene": ref.spec, "dialect": ref.dialect, "status": data["status"],
               "contract": static_ok and result.code is not None,
               "render": result.ok and "render" in result.verification,
               "failure": failure_class(data),
               "upgraded": [d.message for d in result.diagnostics if d.code == "MF230"]}
        rows.append(row)
        print(f"{'ok ' if row['render'] else 'BAD'} {ref.spec} {row['failure']}",
              file=sys.stderr, flush=True)
    return {"repo": Path(repo).name, "dialects": sorted({s.dialect for s in scenes}),
            "scenes": len(scenes), "rows": rows}


def table(reports: list[dict]) -> str:
    lines = ["| repo | dialect | non-base scenes | sampled | contract pass | render pass |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in reports:
        for dialect in r["dialects"]:
            rows = [x for x in r["rows"] if x["dialect"] == dialect]
            if not rows:
                continue
            n = len(rows)
            c = sum(x["contract"] for x in rows)
            ok = sum(x["render"] for x in rows)
            lines.append(f"| {r['repo']} | {dialect} | "
                         f"{r['scenes']} | {n} | "
                         f"{c} ({100 * c // n}%) | {ok} ({100 * ok // n}%) |")
    for dialect in ("manimgl", "manimlib-old"):
        rows = [x for r in reports for x in r["rows"] if x["dialect"] == dialect]
        if rows:
            n, c, ok = len(rows), sum(x["contract"] for x in rows), sum(x["render"] for x in rows)
            lines.append(f"| **all** | {dialect} | | {n} | {c} ({100 * c // n}%) | "
                         f"{ok} ({100 * ok // n}%) |")
    failures = Counter(x["failure"] or "render failed without an error code"
                       for r in reports for x in r["rows"] if not x["render"])
    lines += ["", "| failure class (first error) | scenes |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in failures.most_common(25)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="+")
    parser.add_argument("--per-repo", type=int, default=30)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--verify", default="render", choices=("static", "exec", "render"))
    parser.add_argument("--dialect", choices=("manimgl", "manimlib-old"),
                        help="sample only this dialect's scenes")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--merge", type=Path, nargs="*", default=[],
                        help="earlier --json files to add to the table")
    args = parser.parse_args()
    reports = [r for p in args.merge for r in json.loads(p.read_text())]
    dialects = (args.dialect,) if args.dialect else ("manimgl", "manimlib-old")
    reports += [survey(r, args.per_repo, args.seed, args.timeout, args.verify, dialects)
                for r in args.repos if r != "-"]
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))
    print(table(reports))


if __name__ == "__main__":
    main()
