"""Readers: every source kind becomes a list of raw rows, one per input item, before cleaning.

A raw row is a plain dict (it crosses process and Ray boundaries): `source`, `origin` (where the
row came from: `file#index`, `path.py:Scene`, `nb.ipynb#cell4`), `code`, `description`, `split`,
`scene`, and for repo rows `flat_status`/`flat_message` from the flattener. Items that cannot
even be read (a malformed JSON line) still become rows, carrying `read_error`, so they are
counted and rejected instead of lost.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .config import DatasetError, SourceConfig

Row = dict[str, Any]
_SCENE_HINT = re.compile(r"Scene\b")


def input_files(source: SourceConfig) -> list[Path]:
    """The files whose content decides the source's rows (hashed into the manifest)."""
    if source.kind == "table":
        return [source.path]
    if source.kind == "notebooks":
        return [source.path] if source.path.is_file() else sorted(source.path.rglob("*.ipynb"))
    return sorted(p for p in source.path.rglob("*") if p.is_file() and ".git" not in p.parts
                  and "__pycache__" not in p.parts)


def read_source(source: SourceConfig) -> list[Row]:
    reader = {"table": read_table_rows, "repo": read_repo, "notebooks": read_notebooks}
    return reader[source.kind](source)


def _row(source: SourceConfig, origin: str, code: Any, description: Any = "", split: Any = None,
         scene: Any = None, **extra: Any) -> Row:
    return {"source": source.name, "origin": origin, "code": code,
            "description": description, "split": split, "scene": scene, **extra}


def read_table(path: Path, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Records of a .parquet/.jsonl/.csv file; a JSONL line that is not an object is `{_error}`."""
    if path.suffix == ".parquet":
        try:
            table = pq.read_table(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for corrupt files
            raise DatasetError(f"{path}: cannot read parquet: {exc}") from None
        _check_columns(path, table.column_names, columns)
        return table.select([c for c in columns or table.column_names]).to_pylist()
    if path.suffix == ".csv":
        csv.field_size_limit(sys.maxsize)
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.DictReader(handle)
            _check_columns(path, list(reader.fieldnames or []), columns)
            return list(reader)
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                record = {"_error": f"line {number} is not valid JSON: {exc.msg}"}
            if not isinstance(record, dict):
                record = {"_error": f"line {number} is not a JSON object"}
            records.append(record)
    seen = {key for record in records for key in record}
    if records and columns:
        _check_columns(path, sorted(seen - {"_error"}), columns)
    return records


def _check_columns(path: Path, present: list[str], wanted: list[str] | None) -> None:
    missing = [c for c in wanted or [] if c not in present]
    if missing:
        raise DatasetError(f"{path.name}: no column {', '.join(map(repr, missing))} "
                           f"(columns: {', '.join(present)}); fix the column mapping")


def read_table_rows(source: SourceConfig) -> list[Row]:
    optional = [c for c in (source.split_column, source.scene_column) if c]
    columns = [source.code_column, source.description_column, *optional]
    rows = []
    for index, record in enumerate(read_table(source.path, columns)):
        origin = f"{source.path.name}#{index}"
        if "_error" in record:
            rows.append(_row(source, origin, None, read_error=record["_error"]))
            continue
        split = record.get(source.split_column) if source.split_column else None
        scene = record.get(source.scene_column) if source.scene_column else None
        rows.append(_row(source, origin, record.get(source.code_column),
                         record.get(source.description_column) or "", split, scene))
    return rows


def scene_description(code: str, scene: str) -> str:
    """The scene class's docstring, else the comment lines just above it or opening its body."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return ""
    lines = code.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == scene:
            doc = ast.get_docstring(node)
            if doc:
                return doc.strip()
            first = min([d.lineno for d in node.decorator_list] + [node.lineno]) - 1
            above = _comment_run(reversed(lines[:first]))[::-1]
            body_start = node.body[0].lineno - 1 if node.body else node.lineno
            inside = _comment_run(lines[node.lineno:body_start])
            return "\n".join(above or inside).strip()
    return ""


def _comment_run(lines: Any) -> list[str]:
    out = []
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        out.append(stripped.lstrip("#").strip())
    return out


def read_repo(source: SourceConfig) -> list[Row]:
    import manimflat  # the flattener; imported here so table-only builds do not need it
    from manimflat.pass_manager import default_pipeline
    from manimflat.program import find_root
    from manimflat.settings import load_settings

    rows: list[Row] = []
    options = dict(source.options)
    if "passes" not in options:  # a dataset wants the LaTeX its authors meant: repair, not report
        verify = load_settings(find_root(source.path, options.get("root")), **options).verify
        options["passes"] = default_pipeline(verify, {"repair-warnings": "latex_escapes=true"})
    try:
        for result in manimflat.flatten_all(source.path, **options):
            ref = result.scene
            origin = f"{ref.path}:{ref.name}"
            errors = [d for d in result.diagnostics if d.is_error]
            message = errors[0].format() if errors else ""
            code = result.code if result.status in ("ok", "fixed") else None
            description = scene_description(code, ref.name) if code else ""
            rows.append(_row(source, origin, code, description, None, ref.name,
                             flat_status=result.status, flat_message=message))
    except Exception as exc:  # noqa: BLE001 - a flattener bug must not lose the scenes already read
        rows.append(_row(source, f"{source.path.name}:<flatten_all>", None,
                         read_error=f"flattener crashed after {len(rows)} scenes: "
                                    f"{type(exc).__name__}: {exc}"))
    return rows


def read_notebooks(source: SourceConfig) -> list[Row]:
    rows: list[Row] = []
    root = source.path if source.path.is_dir() else source.path.parent
    for path in input_files(source):
        name = str(path.relative_to(root))
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
            rows.append(_row(source, name, None, read_error=f"not a readable notebook: {exc}"))
            continue
        rows.extend(_notebook_rows(source, name, cells))
    return rows


def _cell_text(cell: dict[str, Any]) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else str(text)


def _notebook_rows(source: SourceConfig, name: str, cells: list[dict[str, Any]]) -> list[Row]:
    """One row per code cell defining a scene class (with `%%manim` or without), made runnable
    alone by prepending what earlier cells define that it uses (imports always)."""
    rows: list[Row] = []
    context: list[ast.stmt] = []  # top-level statements of earlier code cells
    markdown = ""
    for index, cell in enumerate(cells):
        text = _cell_text(cell)
        if cell.get("cell_type") == "markdown":
            markdown = re.sub(r"^#+\s*", "", text.strip(), flags=re.MULTILINE)
            continue
        if cell.get("cell_type") != "code":
            continue
        lines = text.splitlines()
        magic = lines[0].startswith("%%manim") if lines else False
        # Line magics and shell escapes are not Python; cell magics other than %%manim are not
        # Python either.
        if lines and lines[0].startswith("%%") and not magic:
            continue
        body = "\n".join(line for line in lines[1 if magic else 0:]
                         if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(body)
        except SyntaxError:
            if magic:  # a %%manim cell is a scene by declaration: keep it, cleaning rejects it
                rows.append(_row(source, f"{name}#cell{index}", body, markdown))
            continue
        scenes = [n for n in tree.body if isinstance(n, ast.ClassDef) and (
            any(_SCENE_HINT.search(ast.unparse(b)) for b in n.bases)
            or any(isinstance(f, ast.FunctionDef) and f.name == "construct" for f in n.body))]
        if scenes:
            target = scenes[-1]
            needed = _needed(context, tree)
            code = "\n".join([ast.unparse(s) for s in needed] + [body]) if needed else body
            description = ast.get_docstring(target) or markdown
            rows.append(_row(source, f"{name}#cell{index}", code.strip("\n") + "\n",
                             description.strip(), None, target.name))
        context.extend(tree.body)
        markdown = ""
    return rows


def _defines(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _needed(context: list[ast.stmt], tree: ast.Module) -> list[ast.stmt]:
    """Imports of earlier cells plus the definitions the cell reaches (transitively), in order."""
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    own = {name for stmt in tree.body for name in _defines(stmt)}
    want = used - own
    chosen: set[int] = set()
    changed = True
    while changed:
        changed = False
        for i, stmt in enumerate(context):
            if i in chosen:
                continue
            if isinstance(stmt, (ast.Import, ast.ImportFrom)) or _defines(stmt) & want:
                chosen.add(i)
                want |= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
                changed = True
    return [s for i, s in enumerate(context) if i in chosen]
