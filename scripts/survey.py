"""Survey manimflat over a folder of repositories: how many scenes come out self-contained.

    python scripts/survey.py /work/devrepos [--jobs 2] [--json survey.json] [--show 5]

Each sub-folder of the given folder is one repository. For each, every scene is discovered,
every renderable Manim CE scene is flattened with the library, and the output is judged here,
independently of what the tool claims about it. An output is *self-contained* when:

- it parses and compiles;
- it imports no module of its repository (nor anything relative): no top-level name that the
  repo root, `src/`, or the scene's folder or one of its ancestors holds;
- it does not touch `sys.path`;
- it has no undefined name: a scope-correct check (`symtable`) of every global a scope reads
  against the module's own bindings, the builtins, and the names the output's star imports
  really bring (`from manim import *` is resolved by importing manim in this process).

Names read at definition time before the statement that binds them (a module-level use-before-
definition) are reported too, as `order`, and count against self-containment.
The table gives, per repository and in total: scenes found, by dialect, bases, Manim CE scenes
flattened, self-contained ones and their share; then the failures grouped by diagnostic code and
by the failed check, with a few examples each.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib
import json
import symtable
import sys
import time
import traceback
import warnings
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

# Reported but not counted against self-containment as defined above: a SyntaxWarning the
# original has too; imports of installed or missing third-party packages outside the default
# allow-list (dependencies of the source, not repo code); `__file__` (asset paths: assets issue);
# names a guarded star import of a missing optional package would bind.
INFO_CHECKS = ("syntax-warning", "foreign-import", "file-relative", "undefined-if-missing")
MODULE_DUNDERS = frozenset({"__name__", "__file__", "__doc__", "__builtins__", "__spec__",
                            "__loader__", "__package__", "__annotations__", "__dict__",
                            "__path__", "__cached__"})


def _allowed() -> frozenset[str]:
    from manimflat.settings import DEFAULT_ALLOWED_IMPORTS

    return frozenset(sys.stdlib_module_names) | frozenset(DEFAULT_ALLOWED_IMPORTS) | {"manim"}


ALLOWED = _allowed()


@cache
def star_exports(module: str) -> frozenset[str] | None:
    """What `from module import *` binds, by importing it here (allowed modules only)."""
    try:
        mod = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a module that cannot be imported exports nothing known
        return None
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in dir(mod) if not n.startswith("_")]
    return frozenset(names)


@cache
def _folder_names(folder: Path) -> frozenset[str]:
    """Names importable from `folder` as an import root: its modules and sub-folders."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return frozenset()
    return frozenset(p.stem if p.suffix == ".py" else p.name for p in entries
                     if (p.suffix == ".py" and p.is_file())
                     or (p.is_dir() and not p.name.startswith((".", "__"))))


def local_module_names(repo: Path, scene_path: str) -> frozenset[str]:
    """Top-level names that would import repo code when the scene runs: what the repo root,
    `src/`, and the scene's folder and its ancestors hold (not `manim`, the real package wins)."""
    roots = {repo, repo / "src"}
    folder = (repo / scene_path).parent
    while folder != repo and repo in folder.parents:
        roots.add(folder)
        folder = folder.parent
    names: set[str] = set()
    for root in roots:
        names |= _folder_names(root)
    return frozenset(names - {"manim"})


def repo_module_bindings(repo: Path) -> frozenset[str]:
    """Every name some parseable file of the repo binds at module level (any branch)."""
    names: set[str] = set()
    for path in repo.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
            continue
        stack: list[ast.stmt] = list(tree.body)
        while stack:
            stmt = stack.pop()
            names |= _binds(stmt)
            if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                for field_name in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(stmt, field_name, []):
                        stack.extend(child.body if isinstance(child, ast.ExceptHandler)
                                     else [child])
    return frozenset(names)


def _scope_globals(table: symtable.SymbolTable) -> set[str]:
    """Globals read anywhere in `table` and its children (module scope: every unbound read)."""
    out: set[str] = set()
    for sym in table.get_symbols():
        if not sym.is_referenced():
            continue
        if table.get_type() == "module" or sym.is_global() and not sym.is_declared_global() or sym.is_declared_global():
            out.add(sym.get_name())
    for child in table.get_children():
        out |= _scope_globals(child)
    return out


def _module_bindings(tree: ast.Module, table: symtable.SymbolTable) -> set[str]:
    bound = {s.get_name() for s in table.get_symbols()
             if s.is_assigned() or s.is_imported() or s.is_namespace()}
    # `global x` inside a function that assigns it also defines a module name
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            bound.update(node.names)
    return bound


def _module_level_stars(tree: ast.Module) -> list[tuple[ast.ImportFrom, bool]]:
    """Star imports run at module level (also inside if/try), each with whether a `try:` with
    an except clause guards it."""
    out: list[tuple[ast.ImportFrom, bool]] = []

    def walk(body: list[ast.stmt], guarded: bool) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                out.append((node, guarded))
            elif isinstance(node, ast.Try):
                walk(node.body, guarded or bool(node.handlers))
                for handler in node.handlers:
                    walk(handler.body, guarded)
                walk(node.orelse + node.finalbody, guarded)
            elif isinstance(node, (ast.If, ast.With, ast.For, ast.While)):
                walk(node.body + node.orelse, guarded)

    walk(tree.body, False)
    return out


def undefined_names(code: str, tree: ast.Module) -> tuple[set[str], list[str], bool]:
    """(names read but bound nowhere, unguarded star imports whose exports are unknown,
    whether a guarded star import of an unavailable package may bind more names)."""
    table = symtable.symtable(code, "<flat>", "exec")
    defined = _module_bindings(tree, table) | set(dir(builtins)) | MODULE_DUNDERS
    unknown_stars: list[str] = []
    optional_unknown = False
    for node, guarded in _module_level_stars(tree):
        exports = star_exports(node.module or "") if not node.level else None
        if exports is not None:
            defined |= exports
        elif guarded:
            optional_unknown = True
        else:
            unknown_stars.append(node.module or ".")
    return _scope_globals(table) - defined, unknown_stars, optional_unknown


def _eager_loads(node: ast.AST) -> set[str]:
    """Names read when a top-level statement runs (function bodies excluded, class bodies in)."""
    out: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts: list[ast.AST] = [*node.decorator_list, *node.args.defaults,
                                *[d for d in node.args.kw_defaults if d is not None]]
        for part in parts:
            out |= _eager_loads(part)
        return out
    if isinstance(node, ast.Lambda):
        for d in [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]:
            out |= _eager_loads(d)
        return out
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        # only the first iterable is evaluated in the enclosing scope
        return _eager_loads(node.generators[0].iter)
    if isinstance(node, ast.ClassDef):
        local: set[str] = set()
        for part in [*node.decorator_list, *node.bases, *[k.value for k in node.keywords]]:
            out |= _eager_loads(part)
        for stmt in node.body:
            out |= _eager_loads(stmt) - local
            local |= _binds(stmt)
        return out
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        return {node.id}
    for child in ast.iter_child_nodes(node):
        out |= _eager_loads(child)
    return out


def _binds(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"}
    return {n.id for n in ast.walk(stmt)
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


def used_before_definition(tree: ast.Module) -> set[str]:
    """Module-level names read at definition time before any statement binds them."""
    body_binds = [_binds(stmt) for stmt in tree.body]
    all_bound = set().union(*body_binds) if body_binds else set()
    seen: set[str] = set()
    early: set[str] = set()
    for stmt, binds in zip(tree.body, body_binds):
        if isinstance(stmt, (ast.If, ast.Try)):
            seen |= binds  # conditional definitions: do not guess which branch runs
            continue
        early |= (_eager_loads(stmt) & all_bound) - seen - binds
        seen |= binds
    return early


def _attribute_chains(tree: ast.Module, name: str) -> set[tuple[str, ...]]:
    """Every `name.a.b...` read in `tree`, as ('a', 'b', ...)."""
    chains: set[tuple[str, ...]] = set()
    for node in ast.walk(tree):
        parts: list[str] = []
        cur: ast.AST = node
        while isinstance(cur, ast.Attribute):
            parts.append(cur.attr)
            cur = cur.value
        if parts and isinstance(cur, ast.Name) and cur.id == name:
            chains.add(tuple(reversed(parts)))
    return {c for c in chains if not any(o != c and o[:len(c)] == c for o in chains)} or chains


@cache
def _module_binds(path: Path) -> frozenset[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
        return frozenset()
    return frozenset(set().union(*[_binds(stmt) for stmt in tree.body]) if tree.body else ())


def dangling_in_source(repo: Path, scene_path: str, name: str, chains: set[tuple[str, ...]]
                       ) -> bool:
    """Whether every `name.a.b` chain names something the repo does not have (a missing module
    or a module attribute nobody binds): the original fails there too."""
    roots = [repo, repo / "src", *[f for f in (repo / scene_path).parents
                                   if f == repo or repo in f.parents]]
    for chain in chains:
        for root in roots:
            here = root / name
            if not (here.is_dir() or here.with_suffix(".py").is_file()):
                continue
            for attr in chain:
                if (here / attr).is_dir() or (here / f"{attr}.py").is_file():
                    here = here / attr
                    continue
                module = here / "__init__.py" if here.is_dir() else here.with_suffix(".py")
                if attr in _module_binds(module):
                    return False  # exists: the tool should have resolved it
                break
            else:
                return False
    return True


def judge(code: str, local: frozenset[str], repo_bound: frozenset[str] = frozenset(),
          dangling: Any = None) -> list[str]:
    """The self-containment checks `code` fails, as short tags ('' list when it passes)."""
    try:
        tree = ast.parse(code)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compile(code, "<flat>", "exec")
    except SyntaxError as exc:
        return [f"parse: {exc.msg} (line {exc.lineno})"]
    failed: list[str] = [f"syntax-warning: {w.message}" for w in caught
                         if issubclass(w.category, SyntaxWarning)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mods = ["." * node.level + (node.module or "")]
        else:
            mods = []
        for mod in mods:
            if mod.startswith(".") or mod.split(".")[0] in local:
                failed.append(f"local-import: {mod}")
            elif mod.split(".")[0] not in ALLOWED:
                failed.append(f"foreign-import: {mod}")
        if isinstance(node, ast.Name) and node.id == "__file__":
            failed.append("file-relative: __file__")
        if (isinstance(node, ast.Attribute) and node.attr == "path"
                and isinstance(node.value, ast.Name) and node.value.id == "sys"):
            failed.append("sys-path")
    undefined, unknown_stars, optional_unknown = undefined_names(code, tree)
    # A name no file of the repo binds at module level was undefined in the source already
    # (typos, dead code): reported apart, still not self-contained. With a guarded star import
    # of a package that is not installed, a name it may bind is undefined exactly as in the
    # original run without that package (reported only). A repo package left as a module
    # reference (`pkg.a.b`) whose path the repo does not have is a bug of the source too.
    for name in sorted(undefined):
        if dangling is not None and name in local and dangling(
                name, _attribute_chains(tree, name)):
            failed.append(f"undefined-in-source: {name}.<missing>")
        elif name not in repo_bound and optional_unknown:
            failed.append(f"undefined-if-missing: {name}")
        else:
            failed.append(f"undefined{'' if name in repo_bound else '-in-source'}: {name}")
    failed += [f"unknown-star: {mod}" for mod in unknown_stars]
    failed += [f"order: {name}" for name in sorted(used_before_definition(tree))]
    return sorted(set(failed))


def survey_repo(repo: str, passes: str | None = None) -> dict[str, Any]:
    from manimflat.api import Session

    path = Path(repo)
    start = time.perf_counter()
    out: dict[str, Any] = {"repo": path.name, "scenes": [], "error": None}
    try:
        session = Session(path, root=str(path))
        refs = session.program.scenes()
    except Exception:  # noqa: BLE001 - one broken repo must not stop the survey
        out["error"] = traceback.format_exc(limit=3)
        return out
    repo_bound = repo_module_bindings(path)
    manager = session.pipeline(passes)
    for ref in refs:
        row: dict[str, Any] = {"scene": ref.name, "path": ref.path, "line": ref.line,
                               "dialect": ref.dialect, "is_base": ref.is_base,
                               "flattened": False, "self_contained": False, "failed": [],
                               "codes": []}
        out["scenes"].append(row)
        if ref.dialect != "manim-ce" or ref.is_base:
            continue
        try:
            result = session.flatten(ref, manager)
        except Exception:  # noqa: BLE001
            row["failed"] = ["crash: " + " ".join(
                traceback.format_exception_only(*sys.exc_info()[:2])).strip()[-300:]]
            continue
        row["codes"] = sorted({d.code for d in result.diagnostics if d.is_error})
        row["diagnostics"] = [f"{d.code} {d.path}:{d.line}: {d.message}"
                              for d in result.diagnostics if d.is_error][:5]
        if result.code is None:
            row["failed"] = ["no-output"]
            continue
        row["flattened"] = True
        row["lines"] = result.lines
        local = local_module_names(path, ref.path)
        row["failed"] = judge(result.code, local, repo_bound,
                              lambda n, c, p=ref.path: dangling_in_source(path, p, n, c))
        row["self_contained"] = not [t for t in row["failed"] if not t.startswith(INFO_CHECKS)]
        if row["self_contained"]:
            row["code"] = result.code  # for --render; dropped from the JSON
    out["seconds"] = round(time.perf_counter() - start, 2)
    return out


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    total: Counter[str] = Counter()
    for res in results:
        c: Counter[str] = Counter()
        for s in res["scenes"]:
            c["found"] += 1
            c[f"dialect:{s['dialect']}"] += 1
            c["bases"] += s["is_base"]
            ce = s["dialect"] == "manim-ce" and not s["is_base"]
            c["ce"] += ce
            c["flattened"] += s["flattened"]
            c["self_contained"] += s["self_contained"]
            c["foreign"] += any(t.startswith("foreign-import") for t in s["failed"])
            c["file"] += any(t.startswith("file-relative") for t in s["failed"])
            # self-contained but for names the source itself never defines
            c["source_bugs_only"] += not s["self_contained"] and s["flattened"] and all(
                t.startswith(INFO_CHECKS + ("undefined-in-source",)) for t in s["failed"])
        total.update(c)
        rows.append({"repo": res["repo"], **c, "error": res["error"],
                     "seconds": res.get("seconds")})
    codes: dict[str, list[str]] = defaultdict(list)
    checks: dict[str, list[str]] = defaultdict(list)
    for res in results:
        for s in res["scenes"]:
            where = f"{res['repo']}/{s['path']}:{s['line']} {s['scene']}"
            for code in s["codes"]:
                codes[code].append(where)
            by_kind: dict[str, list[str]] = defaultdict(list)
            for tag in s["failed"]:
                by_kind[tag.split(":")[0]].append(tag.partition(": ")[2] or tag)
            for kind, details in by_kind.items():
                checks[kind].append(f"{where}  [{', '.join(details[:4])}]")
    return {"repos": rows, "total": dict(total), "by_code": dict(codes),
            "by_check": dict(checks)}


def print_table(summary: dict[str, Any], show: int) -> None:
    head = (f"{'repo':34} {'found':>5} {'ce':>4} {'gl':>4} {'old':>4} {'other':>5} "
            f"{'bases':>5} {'flat':>5} {'self':>5} {'share':>6} {'srcbug':>6} {'foreign':>7} "
            f"{'file':>4}")
    print(head)
    print("-" * len(head))

    def line(name: str, c: dict[str, Any]) -> str:
        other = c.get("found", 0) - sum(c.get(f"dialect:{d}", 0)
                                        for d in ("manim-ce", "manimgl", "manimlib-old"))
        share = f"{100 * c.get('self_contained', 0) / c['ce']:.1f}%" if c.get("ce") else "-"
        return (f"{name[:34]:34} {c.get('found', 0):5} {c.get('ce', 0):4} "
                f"{c.get('dialect:manimgl', 0):4} {c.get('dialect:manimlib-old', 0):4} "
                f"{other:5} {c.get('bases', 0):5} {c.get('flattened', 0):5} "
                f"{c.get('self_contained', 0):5} {share:>6} {c.get('source_bugs_only', 0):6} "
                f"{c.get('foreign', 0):7} {c.get('file', 0):4}")

    for row in summary["repos"]:
        print(line(row["repo"], row) + (f"  ERROR {row['error'].splitlines()[-1]}"
                                         if row["error"] else ""))
    print("-" * len(head))
    print(line("TOTAL", summary["total"]))
    print("\nfound: every scene class; ce: Manim CE scenes that are not bases; gl/old: ManimGL"
          " and old manimlib scenes (skipped); flat: ce scenes emitted; self: emitted"
          " self-contained; share = self / ce;\nsrcbug: not self-contained only because of names"
          " that no file of the repo defines (bugs of the source itself); foreign: scenes importing"
          " a third-party package outside the default allow-list;\nfile: scenes using `__file__`"
          " (asset paths). Failure groups count scenes; syntax-warning, foreign-import and"
          " file-relative are reported, not counted.")
    for title, groups in (("error diagnostics (by code)", summary["by_code"]),
                          ("failed checks", summary["by_check"])):
        print(f"\n{title}:")
        if not groups:
            print("  none")
        for key, where in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  {key}: {len(where)}")
            for w in where[:show]:
                print(f"      {w}")


def render_sample(repos: list[str], results: list[dict[str, Any]], per_repo: int,
                  timeout: float) -> list[dict[str, Any]]:
    """Render up to `per_repo` self-contained scenes of each repo twice and compare.

    The original runs inside its repo (cwd: the nearest folder above the scene holding a
    `manim.cfg`, else the repo root, as its author would run it); the flattened file runs
    alone in a temporary folder. Both: `-ql -s`, last frame compared pixel for pixel. A frame
    that differs is checked against a second render of the original: scenes drawing random
    numbers in construct differ from themselves (manim reseeds numpy per Scene).
    """
    import tempfile

    from manimflat.verify.render import compare_frames, render_last_frame

    out: list[dict[str, Any]] = []
    for repo, res in zip(repos, results):
        root = Path(repo)
        # spread over the repo; scenes importing packages outside the allow-list (often not
        # installed) are left out
        pool = [s for s in res["scenes"] if s.get("code")
                and not any(t.startswith("foreign-import") for t in s["failed"])]
        for s in pool[:: max(1, len(pool) // per_repo)][:per_repo]:
            scene_file = root / s["path"]
            # where the author ran it: a folder holding manim.cfg, else the repo root, else
            # the scene's folder or one above it (the first where its imports resolve)
            folders = [f for f in [scene_file.parent, *scene_file.parent.parents]
                       if f == root or root in f.parents]
            cfg = [f for f in folders if (f / "manim.cfg").is_file()][:1]
            candidates = list(dict.fromkeys([*cfg, root, *folders]))
            with tempfile.TemporaryDirectory(prefix="survey-render-") as tmp:
                t = Path(tmp)
                alone = t / "alone"
                alone.mkdir()
                flat = alone / "flat_scene.py"
                flat.write_text(s["code"], encoding="utf-8")
                for i, cwd in enumerate(candidates):
                    a = render_last_frame(scene_file, s["scene"], cwd=cwd,
                                          out_dir=t / f"a{i}", timeout=timeout)
                    if a.ok or "ModuleNotFoundError" not in (a.error or ""):
                        break
                b = render_last_frame(flat, s["scene"], cwd=alone, out_dir=t / "b",
                                      timeout=timeout)
                row = {"repo": res["repo"], "scene": s["scene"], "path": s["path"],
                       "cwd": str(cwd.relative_to(root)) or ".",
                       "original_ok": a.ok, "flat_ok": b.ok}
                if a.ok and b.ok:
                    diff = compare_frames(a.png, b.png)
                    row.update(identical=diff.identical, changed_pixels=diff.changed_pixels)
                    if not diff.identical and not diff.size_mismatch:
                        # randomness in construct: manim reseeds numpy per Scene, so some
                        # originals differ from themselves
                        again = render_last_frame(scene_file, s["scene"], cwd=cwd,
                                                  out_dir=t / "again", timeout=timeout)
                        row["nondeterministic"] = bool(
                            again.ok and not compare_frames(a.png, again.png).identical)
                if not a.ok:
                    row["original_error"] = (a.error or "")[-300:]
                if not b.ok:
                    row["flat_error"] = (b.error or "")[-300:]
            out.append(row)
            verdict = ("identical" if row.get("identical") else
                       "original is nondeterministic" if row.get("nondeterministic") else
                       f"DIFFERS ({row['changed_pixels']} px)" if "identical" in row else
                       "original failed" if not a.ok else "flattened FAILED")
            print(f"  render {res['repo']}/{s['path']}:{s['scene']}: {verdict}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder whose sub-folders are repositories")
    parser.add_argument("--jobs", type=int, default=1, help="repositories surveyed in parallel")
    parser.add_argument("--json", type=Path, help="write every scene's result here")
    parser.add_argument("--show", type=int, default=3, help="examples printed per failure group")
    parser.add_argument("--passes", help="pipeline spec (default: the tool's default pipeline)")
    parser.add_argument("--render", type=int, default=0, metavar="K",
                        help="also render K self-contained scenes per repo, original vs flattened")
    parser.add_argument("--timeout", type=float, default=120.0, help="per render, seconds")
    args = parser.parse_args(argv)
    repos = sorted(str(p) for p in args.folder.iterdir() if p.is_dir()
                   and not p.name.startswith("."))
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(survey_repo, repos, [args.passes] * len(repos)))
    else:
        results = [survey_repo(r, args.passes) for r in repos]
    summary = summarize(results)
    print_table(summary, args.show)
    if args.render:
        print(f"\nrendered comparisons ({args.render} per repo):")
        renders = render_sample(repos, results, args.render, args.timeout)
        summary["renders"] = renders
        counts = Counter("identical" if r.get("identical") else "nondeterministic original"
                         if r.get("nondeterministic") else "differs" if "identical" in r
                         else "original failed" if not r["original_ok"] else "flattened failed"
                         for r in renders)
        print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    for res in results:
        for s in res["scenes"]:
            s.pop("code", None)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "repos": results}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
