"""Per-row cleaning: one raw row in, one cleaned record out (kept, fixed or rejected with a code).

`clean_row` is a pure function of the row and the source settings, so the local process pool
and Ray run exactly the same code. It never raises: a crash becomes an MF508 reject.
"""

from __future__ import annotations

import ast
import re
import traceback
import warnings
from typing import Any

from ..markdown import strip_markdown
from .normalize import digest, normalize_code, normalize_description

Record = dict[str, Any]
_SCENE_BASE = re.compile(r"Scene\b")
_SURROGATE = re.compile("[\ud800-\udfff]")  # not Unicode text: parquet cannot store it
_TEXT_FIELDS = ("code", "description", "scene", "split")

# Where a row came from, carried from the reader to the dataset (see sources.provenance), and
# the Manim dialect it was written in (upgrade-dialect upgraded it to CE).
PROVENANCE = ("source_url", "commit", "path", "license", "source_dialect")
# Columns of OUT/sources/<name>.parquet (rejected rows are there too, with status "rejected").
COLUMNS = ("source", "origin", "scene", "description", "code", "split", "status", "reason",
           "message", "notes", "norm_hash", "norm_code", "desc_hash", "narration", "requires",
           *PROVENANCE)


def clean_row(row: dict[str, Any], verify: str = "syntax",
              require_description: bool = True) -> Record:
    try:
        return _clean(row, verify, require_description)
    except Exception as exc:  # noqa: BLE001 - any bug in a row is that row's reject, never the whole source's
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return reject(row, "MF508", f"{type(exc).__name__}: {exc} "
                                     f"({last.filename.rsplit('/', 1)[-1]}:{last.lineno})")


def clean_batch(rows: list[dict[str, Any]], verify: str, require_description: bool
                ) -> list[Record]:
    return [clean_row(row, verify, require_description) for row in rows]


def reject(row: dict[str, Any], code: str, message: str) -> Record:
    where = row.get("where")  # a table row's `file:line`: say where the rejected row is
    if isinstance(where, str) and not message.startswith(where):
        message = f"{where}: {message}"
    return _record(row, row.get("code") if isinstance(row.get("code"), str) else None,
                   status="rejected", reason=code, message=message)


def _record(row: dict[str, Any], code: str | None, **fields: Any) -> Record:
    description = row.get("description")
    split = row.get("split")
    record: Record = {
        "source": row["source"], "origin": row["origin"], "scene": row.get("scene") or None,
        "description": description.strip() if isinstance(description, str) else "",
        "code": code, "split": str(split).strip().lower() if split not in (None, "") else None,
        "status": "ok", "reason": None, "message": None, "notes": [], "norm_hash": None,
        # third-party packages the code still imports (the flattener's `requires`)
        "requires": [str(r) for r in row.get("requires") or []],
        "norm_code": None, "desc_hash": None,
        "narration": row.get("narration") if isinstance(row.get("narration"), str) else None,
        **{key: row.get(key) for key in PROVENANCE},
        "source_dialect": row.get("source_dialect") or "manim-ce"}
    record.update(fields)
    # A rejected row keeps its text for inspection; bytes that were not UTF-8 show as `\\xNN`.
    for key in ("origin", "scene", "description", "code", "split", "message", "path",
                "source_url"):
        if isinstance(record[key], str):
            record[key] = printable(record[key])
    return record


def printable(text: str) -> str:
    """`text` with lone surrogates spelled out: `\\xNN` for an undecodable byte, else `\\uXXXX`."""
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}"
                          if 0xDC80 <= ord(m.group()) <= 0xDCFF else f"\\u{ord(m.group()):04x}",
                          text)


def _clean(row: dict[str, Any], verify: str, require_description: bool) -> Record:
    if row.get("read_error"):
        return reject(row, row.get("read_reason") or "MF512", row["read_error"])
    for key in _TEXT_FIELDS:  # readers reject bad bytes; this catches JSON escapes in notebooks
        value = row.get(key)
        if isinstance(value, str) and (bad := _SURROGATE.search(value)):
            line = value.count("\n", 0, bad.start()) + 1
            return reject(row, "MF518", f"{row['origin']}: the {key} holds a lone surrogate "
                                        f"(U+{ord(bad.group()):04X}, line {line} of the {key}), "
                                        "which is not Unicode text; fix the row")
    status = row.get("flat_status")
    if status == "skipped":
        return reject(row, "MF514", row.get("flat_message") or "base class or another dialect")
    if status == "failed":
        return reject(row, "MF513", row.get("flat_message") or "the flattener failed")
    code = row.get("code")
    if not isinstance(code, str) or not code.strip():
        return reject(row, "MF501", "the code cell is empty" if isinstance(code, str)
                       else f"the code is {type(code).__name__}, not text")
    notes: list[str] = list(row.get("read_notes") or [])
    fixed = status == "fixed"
    plain = strip_markdown(code)
    if plain != code:
        notes.append("MF511 markdown removed")
        fixed = True
    code = plain
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return reject(row, "MF502", f"line {exc.lineno} of the code: {exc.msg}")
    scene = _scene(tree, row.get("scene"))
    if scene is None:
        return reject(row, "MF506", "no class with a construct method or a Scene base")
    description = row.get("description")
    description = description.strip() if isinstance(description, str) else ""
    if not description:
        if require_description:
            return reject(row, "MF510", "the description is empty")
        notes.append("MF510 no description")
    if verify != "none":
        verified, problem = _verify(code, scene, verify)
        if verified is None:
            return reject(row, "MF507", problem)
        if verified != code:
            notes.append(f"verify-{verify} repaired the code")
            fixed, code = True, verified
    norm = normalize_code(code)
    return _record(row, code, scene=scene, status="fixed" if fixed else "ok", notes=notes,
                   norm_code=norm, norm_hash=digest(norm),
                   desc_hash=digest(normalize_description(description)) if description else None)


def _scene(tree: ast.Module, wanted: Any) -> str | None:
    """The scene class: the named one when given, else the last scene class nothing inherits."""
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    scenes = [c for c in classes
              if any(_SCENE_BASE.search(ast.unparse(b)) for b in c.bases)
              or any(isinstance(f, ast.FunctionDef) and f.name == "construct" for f in c.body)]
    if isinstance(wanted, str) and wanted in {c.name for c in scenes}:
        return wanted
    bases = {ast.unparse(b) for c in classes for b in c.bases}
    leaves = [c.name for c in scenes if c.name not in bases]
    names: list[str | None] = [*(leaves or [c.name for c in scenes])]
    return (names or [None])[-1]


def _verify(code: str, scene: str, level: str) -> tuple[str | None, str]:
    """The (possibly repaired) code, or None and why. Syntax is checked here; deeper levels
    use manimflat.verify, imported only when asked for."""
    if level == "syntax":
        with warnings.catch_warnings():
            warnings.simplefilter("error", SyntaxWarning)
            warnings.simplefilter("error", DeprecationWarning)  # invalid escapes on 3.11
            try:
                compile(code, f"<{scene}>", "exec", dont_inherit=True)
                return code, ""
            except SyntaxError as exc:  # SyntaxWarning promoted: invalid escapes in LaTeX
                problem = f"{type(exc).__name__} line {exc.lineno}: {exc.msg}"
            except (SyntaxWarning, DeprecationWarning) as exc:
                problem = f"SyntaxWarning: {exc}"
        try:
            from ..verify import verify_code
        except ImportError:
            return None, problem
        level = "syntax"
    else:
        from ..verify import verify_code
    outcome = verify_code(code, scene, level)
    if outcome.ok:
        return str(outcome.code), ""
    errors = [d for d in outcome.diagnostics if d.is_error]
    return None, "; ".join(d.format() for d in errors[:3]) or f"failed verification at {level}"
