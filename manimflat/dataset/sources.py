"""Readers: every source kind becomes a list of raw rows, one per input item, before cleaning.

A raw row is a plain dict (it crosses process and Ray boundaries): `source`, `origin` (where the
row came from: `file#index`, `path.py:Scene`, `nb.ipynb#cell4`), `code`, `description`, `split`,
`scene`, for table rows `where` (`file:line` where the record starts), and for repo rows
`flat_status`/`flat_message` from the flattener. Items that cannot even be read (a malformed
JSON line or CSV record, bytes that are not UTF-8, a repo file with a syntax error) still
become rows, carrying `read_error` (naming the file and line) and
`read_reason` (its MFxxx code), so they are counted and rejected instead of lost.

Every row also carries its provenance (`provenance` below): `source_url`, `commit`, `path`
(the file inside its checkout or folder) and `license` (an SPDX id, `license.py`).
"""

from __future__ import annotations

import ast
import codecs
import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import files
from ..diagnostics import Diagnostic
from .config import DatasetError, SourceConfig, repo_paths
from .license import NOASSERTION, detect_license

Row = dict[str, Any]
_SCENE_HINT = re.compile(r"Scene\b")
_CLASS_HINT = re.compile(r"^\s*class\s+\w+\s*\([^)]*Scene", re.MULTILINE)
# A lone surrogate: what `surrogateescape` makes of a byte that is not UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")


def input_files(source: SourceConfig) -> list[Path]:
    """The files whose content decides the source's rows (hashed into the manifest)."""
    if source.kind == "table":
        return [source.path]
    if source.kind == "notebooks":
        return [source.path] if source.path.is_file() else sorted(source.path.rglob("*.ipynb"))
    if source.kind == "repos":
        return [f for repo in repo_paths(source.path) for f in repo_files(repo)]
    return repo_files(source.path)


def repo_files(root: Path) -> list[Path]:
    """The files of a repository flattening may read (the walk `Program` and the asset
    lookup make), in path order."""
    root = root.resolve()
    return sorted(root / rel for rel in files.repo_files(root))


def read_source(source: SourceConfig) -> list[Row]:
    reader = {"table": read_table_rows, "repo": read_repo, "notebooks": read_notebooks}
    return reader[source.kind](source)


def _row(source: SourceConfig, origin: str, code: Any, description: Any = "", split: Any = None,
         scene: Any = None, **extra: Any) -> Row:
    return {"source": source.name, "origin": origin, "code": code,
            "description": description, "split": split, "scene": scene, **extra}


class TableRecord(dict[str, Any]):
    """One record of a table file: its fields, and where it starts (`line`, 1-based; a parquet
    row number) and ends. A record that could not be read has no fields but `error` (the
    message, naming the file and line), `reason` (its MFxxx code) and `raw` (its text)."""

    def __init__(self, fields: dict[str, Any] | None = None, *, line: int, end: int | None = None,
                 error: str | None = None, reason: str = "MF512", raw: str | None = None,
                 notes: tuple[str, ...] = ()) -> None:
        super().__init__(fields or {})
        self.line, self.end = line, line if end is None else end
        self.error, self.reason, self.raw, self.notes = error, reason, raw, notes


def read_table(path: Path, columns: list[str] | None = None) -> list[TableRecord]:
    """Every record of a .parquet/.jsonl/.csv file, in order. A record that cannot be read
    (bad JSON, malformed CSV, a wrong field count, bytes that are not UTF-8 in a wanted column)
    is a `TableRecord` with `error` set, never dropped; a missing column is a `DatasetError`."""
    if path.suffix == ".parquet":
        return _read_parquet(path, columns)
    data = _read_bytes(path)
    if path.suffix == ".csv":
        return _read_csv(path, data, columns)
    return _read_jsonl(path, data, columns)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _check_columns(path: Path, present: list[str], wanted: list[str] | None) -> None:
    missing = [c for c in wanted or [] if c not in present]
    if missing:
        raise DatasetError(f"{path.name}: no column {', '.join(map(repr, missing))} "
                           f"(columns: {', '.join(present)}); fix the column mapping")


def _bad_text(fields: dict[str, Any], columns: list[str] | None) -> str | None:
    """The first wanted column whose text holds a lone surrogate: an undecodable byte kept by
    `surrogateescape`, or a `\\udXXX` escape in JSON. Neither is text a row may carry."""
    for column in columns or list(fields):
        value = fields.get(column)
        if isinstance(value, str) and SURROGATE.search(value):
            return column
    return None


def _not_utf8(name: str, line: int, text: str, offset: int, column: str) -> str:
    """The message for a record whose `text` (starting at byte `offset` of the file) is not
    UTF-8: the file, the line and the byte offset of the first bad byte."""
    found = SURROGATE.search(text)
    if found is None or not 0xDC80 <= ord(found.group()) <= 0xDCFF:
        return (f"{name}:{line}: column {column!r} holds an escaped lone surrogate, which is "
                "not Unicode text; fix the row")
    before = text[:found.start()]
    at = offset + len(before.encode("utf-8", "surrogateescape"))
    return (f"{name}:{line + before.count(chr(10))}: not UTF-8: byte "
            f"0x{ord(found.group()) - 0xDC00:02X} at byte offset {at} (column {column!r}); "
            "re-encode the file as UTF-8")


def _decode(data: bytes) -> tuple[str, int]:
    """The text (every byte kept: undecodable ones as lone surrogates) and the BOM's length."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return data[bom:].decode("utf-8", "surrogateescape"), bom


def _read_parquet(path: Path, columns: list[str] | None) -> list[TableRecord]:
    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for corrupt files
        raise DatasetError(f"{path}: cannot read parquet: {exc}") from None
    _check_columns(path, table.column_names, columns)
    names = columns or table.column_names
    values: dict[str, list[Any]] = {}
    for name in names:
        column = table.column(name)
        # Strings are read as bytes and decoded here: pyarrow would raise on one bad value.
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = column.cast(pa.large_binary())
            values[name] = [v.decode("utf-8", "surrogateescape") if v is not None else None
                            for v in column.to_pylist()]
        else:
            values[name] = column.to_pylist()
    records = []
    for index in range(table.num_rows):
        fields = {name: values[name][index] for name in names}
        bad = _bad_text(fields, names)
        if bad is None:
            records.append(TableRecord(fields, line=index))
            continue
        value = fields[bad]
        found = SURROGATE.search(value)
        at = len(value[:found.start()].encode("utf-8", "surrogateescape")) if found else 0
        records.append(TableRecord(
            line=index, reason="MF518", raw=value,
            error=f"{path.name}: row {index}: column {bad!r} is not UTF-8 (first bad byte at "
                  f"byte {at} of the value); fix the row"))
    return records


def _read_jsonl(path: Path, data: bytes, columns: list[str] | None) -> list[TableRecord]:
    text, offset = _decode(data)
    records: list[TableRecord] = []
    for number, line in enumerate(text.split("\n"), 1):
        start, offset = offset, offset + len(line.encode("utf-8", "surrogateescape")) + 1
        if not line.strip():
            continue
        problem = None
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problem = f"not valid JSON (column {exc.colno}: {exc.msg})"
        except (ValueError, RecursionError) as exc:  # huge integers, deep nesting
            problem = f"not usable JSON ({type(exc).__name__}: {exc})"
        else:
            if not isinstance(record, dict):
                problem = f"not a JSON object but {type(record).__name__}"
        if problem is not None:
            records.append(TableRecord(line=number, raw=line, error=f"{path.name}:{number}: "
                                       f"{problem}; fix the line"))
            continue
        bad = _bad_text(record, columns)
        if bad is not None:
            records.append(TableRecord(line=number, raw=line, reason="MF518",
                                       error=_not_utf8(path.name, number, line, start, bad)))
            continue
        records.append(TableRecord(record, line=number))
    seen = {key for record in records for key in record}
    if columns and any(r.error is None for r in records):
        _check_columns(path, sorted(seen), columns)
    return records


def _read_csv(path: Path, data: bytes, columns: list[str] | None) -> list[TableRecord]:
    """CSV records with the lines they span. The reader is strict, so an unclosed quote is
    found where it breaks the grammar; the broken record is rejected and reading goes on
    after it, so the good records behind it are kept. Every line ends up in the header, a
    record, a reject or a blank line."""
    text, bom = _decode(data)
    lines = io.StringIO(text, newline="").readlines()
    offsets = [bom]  # byte offset of each line
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8", "surrogateescape")))
    csv.field_size_limit(sys.maxsize)
    header: list[str] | None = None
    records: list[TableRecord] = []
    pos = 0  # index of the first line not yet read
    rescanned, budget = 0, 8 * offsets[-1] + (1 << 20)  # bytes re-read after unclosed quotes
    while pos < len(lines):
        reader = csv.reader((lines[i] for i in range(pos, len(lines))), strict=True)
        done = 0  # lines of this reader used by complete records
        try:
            for fields in reader:
                first, done = pos + done, reader.line_num
                if all(not f.strip() for f in fields):
                    continue  # a blank line
                if header is None:
                    header = fields
                    _check_header(path, header, columns)
                    continue
                raw = "".join(lines[first:pos + done])
                records.append(_csv_record(path, header, fields, columns, first + 1,
                                           pos + done, raw, offsets[first]))
        except csv.Error as exc:
            first = pos + done
            failed = pos + reader.line_num - 1  # the line the reader stopped on
            if header is None:
                raise DatasetError(f"{path.name}:{first + 1}: the header is not valid CSV "
                                   f"({exc}); fix the file") from None
            if "end of data" in str(exc) or failed <= first:
                resume = first + 1
                why = ("a quoted field opened here is never closed (an unclosed quote: the "
                       "rest of the file would be one field)" if "end of data" in str(exc)
                       else f"not valid CSV ({exc})")
            else:
                resume = failed
                why = (f"the quoted field opened on this line runs on to line {failed + 1} "
                       f"and breaks there ({exc}): most likely an unclosed quote")
            if "end of data" in str(exc):
                rescanned += offsets[-1] - offsets[first]
                if rescanned > budget:  # each unclosed quote re-reads to the end: bound it
                    records.append(TableRecord(
                        line=first + 1, end=len(lines), reason="MF517",
                        raw="".join(lines[first:]),
                        error=f"{path.name}:{first + 1}: malformed CSV: quotes left open again "
                              f"and again (the file may not be CSV); lines {first + 1}-"
                              f"{len(lines)} rejected unread; fix the quoting"))
                    break
            span = f"line {first + 1}" if resume == first + 1 else f"lines {first + 1}-{resume}"
            records.append(TableRecord(
                line=first + 1, end=resume, reason="MF517", raw="".join(lines[first:resume]),
                error=f"{path.name}:{first + 1}: malformed CSV record: {why}; {span} rejected, "
                      f"reading resumes at line {resume + 1}; fix the quoting"))
            pos = resume
            continue
        break
    return records


def _check_header(path: Path, header: list[str], columns: list[str] | None) -> None:
    _check_columns(path, header, columns)
    twice = sorted({c for c in columns or [] if header.count(c) > 1})
    if twice:
        raise DatasetError(f"{path.name}: column {', '.join(map(repr, twice))} appears more "
                           "than once in the header; rename one")


def _csv_record(path: Path, header: list[str], fields: list[str], columns: list[str] | None,
                line: int, end: int, raw: str, offset: int) -> TableRecord:
    notes: tuple[str, ...] = ()
    if len(fields) > len(header) and not any(f.strip() for f in fields[len(header):]):
        extra = len(fields) - len(header)
        notes = (f"MF517 {path.name}:{line}: {extra} empty field(s) past the header ignored",)
        fields = fields[:len(header)]
    if len(fields) != len(header):
        what = "more" if len(fields) > len(header) else "fewer"
        return TableRecord(
            line=line, end=end, reason="MF517", raw=raw,
            error=f"{path.name}:{line}: {len(fields)} fields, {what} than the header's "
                  f"{len(header)}: a field is missing, or holds an unquoted comma; quote it")
    record = dict(zip(header, fields))
    bad = _bad_text(record, columns)
    if bad is not None:
        return TableRecord(line=line, end=end, reason="MF518", raw=raw,
                           error=_not_utf8(path.name, line, raw, offset, bad))
    return TableRecord(record, line=line, end=end, notes=notes)


def read_table_rows(source: SourceConfig) -> list[Row]:
    optional = [c for c in (source.split_column, source.scene_column) if c]
    columns = [source.code_column, source.description_column, *optional]
    rows = []
    # A table says nothing of its license: the source's `license` does, else NOASSERTION.
    origin_of = {"source_url": str(source.path), "commit": None, "path": source.path.name,
                 "license": source.license or NOASSERTION}
    for index, record in enumerate(read_table(source.path, columns)):
        origin = f"{source.path.name}#{index}"
        if record.error is not None:
            rows.append(_row(source, origin, record.raw, read_error=record.error,
                             read_reason=record.reason, **origin_of))
            continue
        split = record.get(source.split_column) if source.split_column else None
        scene = record.get(source.scene_column) if source.scene_column else None
        # Where the record starts in its file: cleaning's rejects name it.
        where = (f"{source.path.name}: row {record.line}" if source.path.suffix == ".parquet"
                 else f"{source.path.name}:{record.line}")
        extra: dict[str, Any] = {"where": where, **origin_of}
        if record.notes:
            extra["read_notes"] = list(record.notes)
        rows.append(_row(source, origin, record.get(source.code_column),
                         record.get(source.description_column) or "", split, scene, **extra))
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


_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_REF = re.compile(r"^refs/[A-Za-z0-9._/-]+$")
_SCP = re.compile(r"^[\w.-]+@([\w.-]+\.[\w.-]+):(?!/)(.+)$")  # git@github.com:owner/name.git
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)


def provenance(root: Path, declared: str | None = None) -> dict[str, Any]:
    """`source_url`, `commit` and `license` of the checkout or folder at `root`: its git
    remote (else the path), its HEAD commit when it is a git checkout (else None), and the
    `declared` license, else the one detected from its files. Git's files are read as text, never
    handed to git: a repository's config may name programs git would run."""
    gitdir = _gitdir(root)
    url = _remote(gitdir / "config") if gitdir else None
    return {"source_url": url or str(root), "commit": _head(gitdir) if gitdir else None,
            "license": declared or detect_license(root)}


def _gitdir(root: Path) -> Path | None:
    """`root/.git`, or the folder a `.git` file points to when it lies inside `root`."""
    dot = root / ".git"
    if dot.is_dir() and not dot.is_symlink():
        return dot
    if dot.is_file() and not dot.is_symlink():
        text = _small_text(dot) or ""
        if text.startswith("gitdir:"):
            target = (root / text[len("gitdir:"):].strip()).resolve()
            if target.is_relative_to(root.resolve()) and target.is_dir():
                return target
    return None


def _small_text(path: Path, limit: int = 1 << 20) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _remote(config: Path) -> str | None:
    """The `url` of remote "origin" (else of the first remote) in a git config file."""
    section, urls = "", dict[str, str]()
    for line in (_small_text(config) or "").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
            continue
        key, _, value = line.partition("=")
        name = re.match(r'^\[remote\s+"(.*)"\]$', section)
        if name and key.strip().lower() == "url" and value.strip():
            urls.setdefault(name.group(1), value.strip().strip('"'))
    url = urls.get("origin") or next(iter(urls.values()), None)
    return _public_url(url) if url else None


def _public_url(url: str) -> str:
    """A remote as it may be published: credentials dropped, `git@host:o/n.git` as https."""
    scp = _SCP.match(url)
    if scp:
        url = f"https://{scp.group(1)}/{scp.group(2)}"
    url = _USERINFO.sub(r"\1", url)
    return url.removesuffix(".git") if "://" in url else url


def _head(gitdir: Path) -> str | None:
    """The commit HEAD points to: a hash, or a ref found as a loose file or in packed-refs."""
    head = (_small_text(gitdir / "HEAD") or "").strip()
    if _SHA.match(head):
        return head
    ref = head.removeprefix("ref:").strip()
    if not head.startswith("ref:") or not _REF.match(ref) or ".." in ref:
        return None
    loose = (_small_text(gitdir / ref) or "").strip()
    if _SHA.match(loose):
        return loose
    for line in (_small_text(gitdir / "packed-refs", 64 << 20) or "").splitlines():
        sha, _, name = line.partition(" ")
        if name.strip() == ref and _SHA.match(sha):
            return sha
    return None


def read_repo(source: SourceConfig) -> list[Row]:
    """One row per scene `flatten_all` would yield, plus one reject per Python file the
    flattener could not use (a syntax error, not UTF-8, binary, a symlink leaving the repo):
    such a file may hold scenes, so it is an input that did not become a row."""
    from ..api import Session  # the flattener; imported here so table-only builds skip it
    from ..pass_manager import default_pipeline

    options = dict(source.options)
    passes = options.pop("passes", None)
    try:
        session = Session(source.path, **options)
        if passes is None:  # a dataset wants the LaTeX its authors meant: repair, not report
            passes = default_pipeline(session.settings.verify,
                                      {"repair-warnings": "latex_escapes=true"})
        manager = session.pipeline(passes)
        scenes = session.scenes()
    except Exception as exc:  # noqa: BLE001 - bad options or a flattener bug: say so, in a row
        return [_row(source, f"{source.path.name}:<flatten_all>", None, read_error=(
            f"{source.path}: the flattener cannot open the repository: "
            f"{type(exc).__name__}: {exc}"))]
    rows: list[Row] = []
    checkout = provenance(source.path, source.license)
    for ref in scenes:
        origin = f"{ref.path}:{ref.name}"
        try:
            result = session.flatten(ref, manager)
        except Exception as exc:  # noqa: BLE001 - one scene's crash is that scene's reject
            rows.append(_row(source, origin, None, None, None, ref.name, read_reason="MF513",
                             read_error=f"{ref.path}:{ref.line}: the flattener crashed on "
                                        f"{ref.name}: {type(exc).__name__}: {exc}",
                             path=ref.path, **checkout))
            continue
        errors = [d for d in result.diagnostics if d.is_error]
        message = errors[0].format() if errors else ""
        code = result.code if result.status in ("ok", "fixed") else None
        description = scene_description(code, ref.name) if code else ""
        # What a voiced scene says (lower-plugins): the describe stage's best words for it.
        narration = " ".join(n["text"] for n in result.narration if n.get("text"))
        rows.append(_row(source, origin, code, description, None, ref.name,
                         flat_status=result.status, flat_message=message, path=ref.path,
                         requires=result.requires,
                         narration=narration or None, source_dialect=ref.dialect, **checkout))
    for row in _unusable_files(source, session.program.root, session.program.diagnostics,
                               session.scope):
        rows.append(row | checkout | {"path": row["origin"]})
    return rows


_FILE_CODES = {"MF102": "MF502", "MF104": "MF512"}  # the flattener's file skips, as row codes


def _unusable_files(source: SourceConfig, root: Path, diagnostics: list[Diagnostic],
                    scope: str) -> list[Row]:
    rows: list[Row] = []
    seen: set[str] = set()
    for d in diagnostics:
        rel = d.path
        if d.code not in _FILE_CODES or not rel or rel in seen:
            continue
        if scope and rel != scope and not rel.startswith(scope + "/"):
            continue
        seen.add(rel)
        reason = _FILE_CODES[d.code]
        message = f"{d.location()}: {d.message.removeprefix(rel + ': ')}"
        if d.code == "MF104" and "UTF-8" in d.message:
            reason, message = "MF518", _undecodable(root, rel) or message
        rows.append(_row(source, rel, None, read_reason=reason, read_error=(
            f"{message}; the file was skipped, so no scene in it is in the dataset")))
    return rows


def _undecodable(root: Path, rel: str) -> str | None:
    """`rel:line: not UTF-8: byte 0xNN at byte offset K`, for a file inside the root."""
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        return None
    try:
        data = path.read_bytes()
        data.decode("utf-8-sig")
    except OSError:
        return None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return (f"{rel}:{line}: not UTF-8: byte 0x{data[exc.start]:02X} at byte offset "
                f"{exc.start}; re-encode the file as UTF-8")
    return None


def read_notebooks(source: SourceConfig) -> list[Row]:
    rows: list[Row] = []
    root = source.path if source.path.is_dir() else source.path.parent
    folder = provenance(root, source.license)
    for path in input_files(source):
        name = str(path.relative_to(root))
        rows.extend(row | folder | {"path": name} for row in _read_notebook(source, path, name))
    return rows


def _read_notebook(source: SourceConfig, path: Path, name: str) -> list[Row]:
    try:
        data = path.read_bytes()
        notebook = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return [_row(source, name, None, read_reason="MF518", read_error=(
            f"{name}:{line}: not UTF-8: byte 0x{data[exc.start]:02X} at byte offset "
            f"{exc.start}; re-encode the notebook as UTF-8"))]
    except json.JSONDecodeError as exc:
        return [_row(source, name, None, read_error=(
            f"{name}:{exc.lineno}: not a readable notebook: not valid JSON "
            f"(column {exc.colno}: {exc.msg})"))]
    except (OSError, ValueError, RecursionError) as exc:
        return [_row(source, name, None, read_error=(
            f"{name}: not a readable notebook: {type(exc).__name__}: {exc}"))]
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        return [_row(source, name, None, read_error=(
            f"{name}: not a notebook: no list of cell objects under \"cells\""))]
    try:
        return _notebook_rows(source, name, cells)
    except Exception as exc:  # noqa: BLE001 - a reader bug loses this notebook, loudly
        return [_row(source, name, None, read_reason="MF508", read_error=(
            f"{name}: the notebook reader crashed: {type(exc).__name__}: {exc}"))]


def _cell_text(cell: dict[str, Any]) -> str:
    text = cell.get("source", "")
    return "".join(map(str, text)) if isinstance(text, list) else str(text)


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
        except (SyntaxError, ValueError, RecursionError):
            # A %%manim cell is a scene by declaration, and a cell that looks like it defines
            # a scene class probably is one: keep either as a row, which cleaning rejects.
            if magic or _CLASS_HINT.search(body):
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
