"""Survey manimflat over a folder of repositories: how many scenes come out self-contained.

    python scripts/survey.py /work/corpus/dev [--jobs 2] [--json survey.json] [--markdown docs/survey.md]
        [--also /work/corpus/unseen3]

Each sub-folder of the given folder is one repository. For each, every scene is discovered,
every Manim CE scene that is not a base is flattened with the library, and the output is judged
here, independently of what the tool claims about it, by the strict output contract (the same
rules as `shared/contract_check.py`). An output is *self-contained* when it:

- compiles with warnings as errors (no `SyntaxWarning`/`DeprecationWarning`);
- defines the scene;
- imports only the standard library, manim and the default allow-list; no module or folder name
  of its repository, nothing relative; does not touch `sys.path` or `__file__`;
- has no name that pyflakes reports undefined once `from manim import *` is expanded to
  manim's real exports;
- names no asset file (a short string literal ending in a media or data file extension).

A failing plain scene is *broken* (broken in the original, counted apart like bases, not as
the tool's failure) when every check it fails is an undefined name, or a genuine third-party
import, and the original itself leaves each of those names undefined (not a name of an older manim, which
the tool must upgrade), as this script checks on
the repository's own files: pyflakes reports the name undefined in a file that uses it (with
`from manim import *` expanded and star imports of repository modules followed), an import
binds it from a repository module that does not define it, or it is a repository module whose
every use in the output is an attribute the module does not define.

A scene *uses a plugin* when its output or its error diagnostics name a `manim_*` package that
the repository does not hold (manim_slides, manim_voiceover, ...): those are counted apart, the
plugin issue's work. The table gives, per repository and in total: scenes found, by dialect,
bases, plugin scenes, plain CE scenes, how many came out self-contained and their share, and
`lies`: outputs the tool called ok or fixed that fail the contract (must be 0). Then the failed
checks with examples, and the plain CE scenes that fail without an error diagnostic (must be none).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import time
import traceback
import warnings
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

ASSET = re.compile(r"\.(svg|png|jpe?g|gif|wav|mp3|ogg|mp4|mov|ttf|otf|csv|txt|json|ya?ml|npy|npz)$",
                   re.IGNORECASE)
PLUGIN = re.compile(r"\bmanim_[a-z][a-z0-9_]*", re.IGNORECASE)
STDLIB = frozenset(sys.stdlib_module_names)


@cache
def allowed() -> frozenset[str]:
    from manimflat.settings import DEFAULT_ALLOWED_IMPORTS

    return frozenset(DEFAULT_ALLOWED_IMPORTS) | {"manim", "__future__"}


@cache
def manim_exports() -> tuple[str, ...]:
    import manim

    return tuple(n for n in dir(manim) if not n.startswith("_"))


@cache
def stdlib_star_names(module: str) -> frozenset[str]:
    """What `from module import *` binds for a standard-library module (importing the
    standard library runs no repository code)."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a platform-specific module: nothing listed
        return frozenset()
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    return frozenset(names)


def repo_names(repo: Path) -> frozenset[str]:
    """Every module stem and folder name on the way to a `.py` file of the repo."""
    names: set[str] = set()
    for path in repo.rglob("*.py"):
        rel = path.relative_to(repo)
        names.add(path.stem)
        names.update(rel.parent.parts)
    return frozenset(names - {"manim", "__init__"})


def undefined(code: str) -> list[str]:
    """Names pyflakes reports undefined, with `from manim import *` expanded."""
    from pyflakes import api, messages, reporter

    found: list[str] = []

    class Collect(reporter.Reporter):
        def __init__(self) -> None:
            pass

        def flake(self, msg: Any) -> None:
            if isinstance(msg, (messages.UndefinedName, messages.UndefinedLocal)):
                found.append(msg.message_args[0])

        def syntaxError(self, *args: Any) -> None:
            found.append("<syntax error>")

        def unexpectedError(self, *args: Any) -> None:
            pass

    star = "from manim import (" + ", ".join(manim_exports()) + ")"
    api.check(re.sub(r"^from manim import \*\s*$", star, code, flags=re.MULTILINE), "<flat>", Collect())
    return found


def module_level_names(tree: ast.Module) -> tuple[set[str], list[str]]:
    """Names a module binds at its top level (in `if`/`try`/`with`/`for` blocks too), and the
    modules it star-imports."""
    names: set[str] = set()
    stars: list[str] = []
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    stars.append("." * getattr(node, "level", 0) + (getattr(node, "module", "") or ""))
                else:
                    names.add(alias.asname or alias.name.split(".")[0])
            continue
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
        for field in ("body", "orelse", "finalbody", "handlers"):
            todo += [n for n in getattr(node, field, []) if isinstance(n, ast.stmt)]
        todo += [n for h in getattr(node, "handlers", []) for n in h.body]
    return names, stars


class Original:
    """The repository's own files, read (never run) to tell names the original leaves
    undefined from names the tool lost."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.sources: dict[Path, str] = {}
        self.trees: dict[Path, ast.Module] = {}
        for path in sorted(repo.rglob("*.py")):
            try:
                source = path.read_text(encoding="utf-8")
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self.trees[path] = ast.parse(source)
                self.sources[path] = source
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                continue
        self._names: dict[Path, tuple[set[str], list[str]]] = {}
        self._undefined: dict[Path, set[str]] = {}

    def module_file(self, dotted: str, near: Path) -> Path | None:
        """The repository file `import dotted` reads, from the repo root or beside `near`
        (relative imports from `near`'s package); None when the repository has none."""
        level = len(dotted) - len(dotted.lstrip("."))
        parts = [p for p in dotted.lstrip(".").split(".") if p]
        if level > len(near.relative_to(self.repo).parts):
            return None
        bases = [near.parents[level - 1]] if level else [self.repo, near.parent]
        for base in bases:
            stem = base.joinpath(*parts)
            for candidate in (stem.with_suffix(".py") if parts else None, stem / "__init__.py"):
                if candidate is not None and candidate in self.trees:
                    return candidate
        return None

    def binds(self, path: Path, name: str, seen: frozenset[Path] = frozenset()) -> bool | None:
        """Does the module bind `name` at its top level (following its star imports of
        repository modules and manim)? None when a star import of another package might."""
        if path not in self._names:
            self._names[path] = module_level_names(self.trees[path])
        names, stars = self._names[path]
        if name in names or path in seen:
            return name in names
        unknown = False
        for star in stars:
            if star.split(".")[0] == "manim":
                if name in manim_exports():
                    return True
                continue
            if star.split(".")[0] in STDLIB and not star.startswith("."):
                if name in stdlib_star_names(star):  # `from math import *`: listable
                    return True
                continue
            target = self.module_file(star, path)
            if target is None:
                unknown = True
            elif self.binds(target, name, seen | {path}):
                return True
        return None if unknown else False

    def _binds_locally(self, path: Path, name: str) -> bool:
        """A parameter or local variable of the module's own functions is its own name: a
        free use of it is the module's bug, not a name an unlisted star import provides."""
        return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id == name
                   or isinstance(n, ast.arg) and n.arg == name for n in ast.walk(self.trees[path]))

    def leaves_undefined(self, name: str, code: str, files: list[str]) -> bool:
        """Is `name`, undefined in the output `code`, undefined in the original too, in one
        of `files` (the repository files the tool's errors about it name)?"""
        word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
        for path in {self.repo / f for f in files} & set(self.sources):
            source = self.sources[path]
            if not word.search(source):
                continue
            if self._import_of_nothing(path, name) or self._module_of_nothing(path, name, code):
                return True
            if path not in self._undefined:
                self._undefined[path] = set(undefined(_drop_stars(source)))
            if name not in self._undefined[path]:
                continue
            bound = self.binds(path, name)
            if bound is False or bound is None and self._binds_locally(path, name):
                return True
        return False

    def _import_of_nothing(self, path: Path, name: str) -> bool:
        """`from pkg.mod import name` where the repository's `pkg/mod.py` defines no `name`,
        or names a module its own package does not have."""
        for node in ast.walk(self.trees[path]):
            if not isinstance(node, ast.ImportFrom):
                continue
            for alias in node.names:
                if (alias.asname or alias.name) != name:
                    continue
                dotted = "." * node.level + (node.module or "")
                target = self.module_file(dotted, path)
                if target is None:  # a repository package without that module
                    top = (node.module or "").split(".")[0]
                    return node.level == 0 and "." in (node.module or "") and (
                        self.module_file(top, path) is not None)
                return self.binds(target, alias.name) is False and self.module_file(
                    f"{dotted}.{alias.name}" if dotted.strip(".") else dotted + alias.name,
                    path) is None
        return False

    def _module_of_nothing(self, path: Path, name: str, code: str) -> bool:
        """`name` is a repository module in the original and every use of it in the output
        is an attribute that module does not define."""
        for node in ast.walk(self.trees[path]):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (alias.asname or alias.name.split(".")[0]) != name:
                        continue
                    target = self.module_file(alias.name if alias.asname else name, path)
                    if target is None:
                        continue
                    attrs = _attributes_of(name, code)
                    return bool(attrs) and all(
                        a is not None and self.binds(target, a) is False for a in attrs)
        return False


def _attributes_of(name: str, code: str) -> list[str | None]:
    """For each use of the global `name` in `code`, the attribute read from it (None: the
    bare name)."""
    tree = ast.parse(code)
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    out: list[str | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name:
            parent = parents.get(id(node))
            out.append(parent.attr if isinstance(parent, ast.Attribute) else None)
    return out


def _drop_stars(source: str) -> str:
    """The source for pyflakes: star imports of anything but manim removed (`binds` follows
    them), so that pyflakes reports the names nothing else binds."""
    return re.sub(r"^(\s*)from\s+(?!manim\s)[\w.]+\s+import\s+\*", r"\1pass", source,
                  flags=re.MULTILINE)


def judge(code: str, scene: str | None, local: frozenset[str]) -> list[str]:
    """The contract checks `code` fails, as `kind: detail` tags ([] when it passes)."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tree = ast.parse(code)
            compile(code, "<flat>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return [f"syntax-error: {exc.msg} (line {exc.lineno})"]
    failed = [f"syntax-warning: {w.message}" for w in caught
              if issubclass(w.category, (SyntaxWarning, DeprecationWarning))][:1]
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    if scene and scene not in classes:
        failed.append(f"scene-missing: {scene}")
    for node in ast.walk(tree):
        mods: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                failed.append(f"relative-import: {'.' * node.level}{node.module or ''}")
            elif node.module:
                mods = [node.module]
        elif isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        for mod in mods:
            top = mod.split(".")[0]
            if top in local and top not in STDLIB:
                failed.append(f"local-import: {mod}")
            elif top not in STDLIB and top not in allowed():
                failed.append(f"third-party-import: {top}")
        if isinstance(node, ast.Attribute) and node.attr == "path" and \
                isinstance(node.value, ast.Name) and node.value.id == "sys":
            failed.append("sys-path: sys.path")
        elif isinstance(node, ast.Name) and node.id == "__file__":
            failed.append("file-relative: __file__")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip()
            if len(text) < 200 and "\n" not in text and ASSET.search(text):
                failed.append(f"asset-path: {text}")
    failed += [f"undefined-name: {name}" for name in undefined(code)]
    return sorted(set(failed))


# Diagnostics that name a module the scene imports (unresolved, third-party, a rejected
# plugin, an absent optional plugin whose fallback runs).
_IMPORT_CODES = frozenset({"MF101", "MF106", "MF222", "MF225", "MF404"})


def plugins_used(result: Any, local: frozenset[str]) -> list[str]:
    """`manim_*` packages the scene needs that the repository does not hold: the plugins
    lower-plugins applied a policy to, those the output still imports, and those named by an
    import diagnostic. Only imports count, never a variable or a path that merely contains
    `manim_` (`manim_rectangles = []`, `"D:/manim_pi_creatures-main/x.svg"`)."""
    found = set(result.plugins)
    try:
        tree = ast.parse(result.code or "")
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    found |= {m for d in result.diagnostics if d.code in _IMPORT_CODES
              for m in PLUGIN.findall(d.message)}
    return sorted(m for m in found if PLUGIN.fullmatch(m) and m not in local
                  and m not in allowed())


def survey_repo(repo: str, passes: str | None = None) -> dict[str, Any]:
    from manimflat.api import Session

    path = Path(repo)
    start = time.perf_counter()
    out: dict[str, Any] = {"repo": path.name, "scenes": [], "error": None}
    try:
        session = Session(path, root=str(path))
        refs = session.all_scenes()
    except Exception:  # noqa: BLE001 - one broken repo must not stop the survey
        out["error"] = traceback.format_exc(limit=3)
        return out
    local = repo_names(path)
    original = Original(path)
    manager = session.pipeline(passes)
    for ref in refs:
        row: dict[str, Any] = {"scene": ref.name, "path": ref.path, "line": ref.line,
                               "dialect": ref.dialect, "is_base": ref.is_base, "plugins": [],
                               "status": "skipped", "self_contained": False, "failed": [],
                               "errors": []}
        out["scenes"].append(row)
        if ref.dialect != "manim-ce" or ref.is_base:
            continue
        try:
            result = session.flatten(ref, manager)
        except Exception:  # noqa: BLE001
            row["failed"] = ["crash: " + " ".join(
                traceback.format_exception_only(*sys.exc_info()[:2])).strip()[-300:]]
            continue
        row["status"] = result.status
        row["errors"] = [f"{d.code} {d.path}:{d.line}: {d.message}"
                         for d in result.diagnostics if d.is_error][:5]
        row["plugins"] = plugins_used(result, local)
        row["policies"] = result.plugins  # plugin -> the policy lower-plugins applied
        if result.code is None:
            row["failed"] = ["no-output"]
            continue
        row["lines"] = result.lines
        row["failed"] = judge(result.code, ref.name, local)
        row["self_contained"] = not row["failed"]
        row["broken"] = broken(row["failed"], result, original)
    out["seconds"] = round(time.perf_counter() - start, 2)
    return out


def broken(failed: list[str], result: Any, original: Original) -> list[str]:
    """The names that make a failing scene broken in the original ([] when it is not): it
    fails only by undefined names (and genuine third-party imports), and for each of them an
    error of the tool names a repository file that, checked here, leaves it undefined."""
    names = [t.partition(": ")[2] for t in failed if t.startswith("undefined-name:")]
    if not names or any(not t.startswith(("undefined-name:", "third-party-import:"))
                        for t in failed):
        return []

    def files(name: str) -> list[str] | None:
        word = re.compile(rf"(?<![\w]){re.escape(name)}\b")
        named = [d for d in result.diagnostics if d.is_error and word.search(d.message)]
        if any(d.code in DRIFT_CODES for d in named):
            return None  # manim's API drift: upgrading it is the tool's work
        return [d.path for d in named if d.path]
    return names if all((f := files(n)) is not None and original.leaves_undefined(
        n, result.code, f) for n in names) else []


# A Manim CE name the original star-imports that today's manim no longer has: the original
# ran on an older manim; upgrading the name is the tool's job, not the original's bug.
DRIFT_CODES = frozenset({"MF212"})


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    total: Counter[str] = Counter()
    checks: dict[str, list[str]] = defaultdict(list)
    silent: list[str] = []
    for res in results:
        c: Counter[str] = Counter()
        for s in res["scenes"]:
            where = f"{res['repo']}/{s['path']}:{s['line']} {s['scene']}"
            c["found"] += 1
            c[f"dialect:{s['dialect']}"] += 1
            c["bases"] += s["is_base"]
            if s["dialect"] != "manim-ce" or s["is_base"]:
                continue
            if s["plugins"]:
                c["plugin"] += 1
                c["plugin_self_contained"] += s["self_contained"]
                continue
            c["plain"] += 1
            c["self_contained"] += s["self_contained"]
            # passes but for a genuine third-party dependency (shared/contract_check.py --allow)
            c["deps"] += bool(s["failed"]) and all(
                t.startswith("third-party-import") for t in s["failed"])
            c["lies"] += s["status"] in ("ok", "fixed") and not s["self_contained"]
            if not s["self_contained"] and not s["errors"]:
                silent.append(f"{where}  [{', '.join(s['failed'][:3])}]")
            if s.get("broken"):  # broken in the original: listed apart, not the tool's failure
                c["broken"] += 1
                checks["broken-in-original"].append(f"{where}  [{', '.join(s['broken'][:4])}]")
                continue
            by_kind: dict[str, list[str]] = defaultdict(list)
            for tag in s["failed"]:
                by_kind[tag.split(":")[0]].append(tag.partition(": ")[2] or tag)
            for kind, details in by_kind.items():
                checks[kind].append(f"{where}  [{', '.join(details[:4])}]")
        total.update(c)
        rows.append({"repo": res["repo"], **c, "error": res["error"],
                     "seconds": res.get("seconds")})
    return {"repos": rows, "total": dict(total), "by_check": dict(checks), "silent": silent}


def plugin_counts(results: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Plugin-using CE scenes per "plugin policy" (the policy lower-plugins applied; `none`: a
    `manim_*` name the pass saw no import of): scenes, how many pass the strict contract, and
    how many were refused with an error naming the plugin."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for res in results:
        for s in res["scenes"]:
            if s["dialect"] != "manim-ce" or s["is_base"]:
                continue
            named = {**{p: "none" for p in s["plugins"] if p.startswith("manim_")},
                     **s.get("policies", {})}
            if not s.get("policies") and not s["plugins"]:
                continue
            for plugin, policy in sorted(s.get("policies", {}).items() or named.items()):
                c = out[f"{plugin} {policy}"]
                c["scenes"] += 1
                c["self_contained"] += s["self_contained"]
                c["rejected_naming_it"] += not s["self_contained"] and any(
                    plugin in e for e in s["errors"])
    return {k: dict(v) for k, v in sorted(out.items())}


def plugin_lines(counts: dict[str, dict[str, int]]) -> list[str]:
    lines = ["| plugin | policy | scenes | self-contained | rejected naming it | other |",
             "|---|---|---|---|---|---|"]
    for key, c in counts.items():
        plugin, policy = key.split()
        other = c["scenes"] - c.get("self_contained", 0) - c.get("rejected_naming_it", 0)
        lines.append(f"| {plugin} | {policy} | {c['scenes']} | {c.get('self_contained', 0)} | "
                     f"{c.get('rejected_naming_it', 0)} | {other} |")
    return lines


COLUMNS = (("found", "found"), ("ce", "dialect:manim-ce"), ("gl", "dialect:manimgl"),
           ("old", "dialect:manimlib-old"), ("bases", "bases"), ("plugin", "plugin"),
           ("plain", "plain"), ("self", "self_contained"), ("deps", "deps"), ("broken", "broken"),
           ("lies", "lies"))


def table_lines(summary: dict[str, Any]) -> list[str]:
    """The per-repo table as markdown rows."""
    def share(c: dict[str, Any], extra: str = "", broken: bool = False) -> str:
        passed = c.get("self_contained", 0) + (c.get(extra, 0) if extra else 0)
        judged = c.get("plain", 0) - (0 if broken else c.get("broken", 0))
        return f"{100 * passed / judged:.1f}%" if judged else "-"

    head = ("| repo | " + " | ".join(name for name, _ in COLUMNS)
            + " | share | +deps | share of all | +deps of all |")
    lines = [head, "|---" * (len(COLUMNS) + 5) + "|"]
    for row in [*summary["repos"], {"repo": "**total**", **summary["total"]}]:
        cells = [str(row.get(key, 0)) for _, key in COLUMNS]
        error = f" ERROR {row['error'].splitlines()[-1]}" if row.get("error") else ""
        lines.append(f"| {row['repo']}{error} | " + " | ".join(cells)
                     + f" | {share(row)} | {share(row, 'deps')} | {share(row, broken=True)}"
                     f" | {share(row, 'deps', True)} |")
    return lines


LEGEND = ("found: every scene class; ce/gl/old: by dialect (ManimGL and old manimlib are "
          "upgraded by the tool and measured by scripts/upgrade_survey.py, not here); bases: abstract base scenes (listed, not flattened); plugin: CE scenes "
          "needing a `manim_*` plugin; plain: the other CE scenes, non-base; self: plain scenes "
          "whose output passes the strict contract; deps: plain scenes failing it only by importing a "
          "genuine third-party package (numpy-like, not a plugin); broken: plain scenes "
          "that fail only by names the original itself leaves undefined (its own bug, not "
          "the tool's); share = self / (plain - broken); +deps = (self + deps) / (plain - "
          "broken); the two shares of all divide by plain instead; lies: outputs the tool called ok or fixed that fail the "
          "contract.")


def print_table(summary: dict[str, Any], show: int) -> None:
    print("\n".join(table_lines(summary)))
    print("\n" + LEGEND)
    print("\nfailed checks (plain CE scenes):")
    for key, where in sorted(summary["by_check"].items(), key=lambda kv: -len(kv[1])):
        print(f"  {key}: {len(where)}")
        for w in where[:show]:
            print(f"      {w}")
    print(f"\nfailing without an error diagnostic: {len(summary['silent'])}")
    for w in summary["silent"][:show]:
        print(f"      {w}")


RENDER_SECTION = re.compile(r"<!-- render-survey -->.*?<!-- /render-survey -->", re.DOTALL)


def markdown_section(summary: dict[str, Any], show: int, level: str = "##") -> list[str]:
    """One corpus: its per-repo table, the legend, the failure classes with examples."""
    out = [*table_lines(summary), "", LEGEND, "", f"{level} Failure classes (plain CE scenes)", ""]
    for key, where in sorted(summary["by_check"].items(), key=lambda kv: -len(kv[1])):
        out.append(f"- **{key}**: {len(where)} scenes")
        out += [f"  - `{w}`" for w in where[:show]]
    out += ["", f"Failing without an error diagnostic: {len(summary['silent'])}.", ""]
    return out


def write_markdown(path: Path, sections: list[tuple[Path, dict[str, Any]]], show: int) -> None:
    """docs/survey.md: per corpus, the table and the failure classes, regenerated by this
    script. A render-comparison section already in the file (between `<!-- render-survey -->`
    and `<!-- /render-survey -->`, written by another tool) is kept, after them."""
    (folder, summary), *others = sections
    also = "".join(f" --also {f}" for f, _ in others)
    out = ["# Survey", "",
           (f"Generated by `python scripts/survey.py {folder}{also} --markdown {path}`: every "
            "scene of every repository flattened with the default pipeline and judged by the "
            "strict output contract (see the script's docstring)."), "",
           *markdown_section(summary, show)]
    for other, other_summary in others:
        out += [f"## Repositories not used in development: `{other}`", "",
                *markdown_section(other_summary, show, "###")]
    kept = RENDER_SECTION.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    if kept:
        out += [kept.group(0), ""]
    path.write_text("\n".join(out), encoding="utf-8")


def survey_folder(folder: Path, jobs: int, passes: str | None) -> tuple[list[str], list[Any]]:
    """Every sub-folder of `folder` surveyed as one repository; a `.json` file written by
    `--json` is read back instead (to table a saved run again)."""
    if folder.suffix == ".json":
        results = json.loads(folder.read_text(encoding="utf-8"))["repos"]
        return [r["repo"] for r in results], results
    repos = sorted(str(p) for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            return repos, list(pool.map(survey_repo, repos, [passes] * len(repos)))
    return repos, [survey_repo(r, passes) for r in repos]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder whose sub-folders are repositories "
                        "(or the .json of an earlier run)")
    parser.add_argument("--jobs", type=int, default=1, help="repositories surveyed in parallel")
    parser.add_argument("--json", type=Path, help="write every scene's result here")
    parser.add_argument("--show", type=int, default=3, help="examples printed per failure group")
    parser.add_argument("--passes", help="pipeline spec (default: the tool's default pipeline)")
    parser.add_argument("--render", type=int, default=0, metavar="K",
                        help="also render K scenes per repo, original vs flattened "
                        "(scripts/render_survey.py)")
    parser.add_argument("--timeout", type=float, default=120.0, help="per render, seconds")
    parser.add_argument("--markdown", type=Path, help="write the table and failure classes here")
    parser.add_argument("--also", type=Path, action="append", default=[], metavar="FOLDER",
                        help="another folder of repositories, tabled apart (repeatable)")
    args = parser.parse_args(argv)
    repos, results = survey_folder(args.folder, args.jobs, args.passes)
    summary = summarize(results)
    summary["plugins"] = plugin_counts(results)
    print_table(summary, args.show)
    print("\nplugin-using scenes per plugin and policy:\n" + "\n".join(
        plugin_lines(summary["plugins"])))
    sections = [(args.folder, summary)]
    for other in args.also:
        print(f"\n{other}:")
        other_summary = summarize(survey_folder(other, args.jobs, args.passes)[1])
        print_table(other_summary, args.show)
        sections.append((other, other_summary))
    if args.markdown:
        write_markdown(args.markdown, sections, args.show)
    if args.render:  # the render comparison lives in scripts/render_survey.py
        sys.path.insert(0, str(Path(__file__).parent))
        import render_survey

        verdicts = render_survey.run([Path(r) for r in repos], args.render,
                                     Path("render-survey"), args.timeout)
        print("\n" + render_survey.report(verdicts, args.render))
        summary["renders"] = verdicts
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "repos": results}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
