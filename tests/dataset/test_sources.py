"""Hostile inputs to the dataset readers: every input item is a row or a reject with a reason
naming the file and line, nothing is lost silently, and the summary's counts really balance.
Each input is written by the test into tmp_path."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from manimflat.dataset import build, load_config
from manimflat.dataset.build import CheckFailed
from manimflat.dataset.cli import dataset
from manimflat.dataset.sources import read_table

_SHAPES = ("Circle", "Square", "Triangle", "Star", "Dot", "Annulus", "RegularPolygon", "Ellipse")
_MOVES = ("UP", "DOWN", "LEFT", "RIGHT", "UL", "DR")


def _scene(name: str) -> str:
    """A scene whose body is drawn from its name's hash, so two names are not near duplicates."""
    digits = hashlib.sha256(name.encode()).digest()
    body = "".join(f"        m{i} = {_SHAPES[b % 8]}(color={b % 5}).shift({b % 7} * "
                   f"{_MOVES[b % 6]})\n        self.play(FadeIn(m{i}), run_time={b % 3 + 1})\n"
                   for i, b in enumerate(digits[:6]))
    return (f"from manim import *\n\n\nclass {name}(Scene):\n    def construct(self):\n"
            f"{body}")


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _build(tmp_path: Path, kind: str, path: str, extra: str = "") -> tuple[dict, dict, list]:
    """Build a one-source dataset; the summary, the dataset rows by origin, the rejects."""
    (tmp_path / "d.toml").write_text(f'[[source]]\nname = "s"\nkind = "{kind}"\n'
                                     f'path = "{path}"\n{extra}')
    out = tmp_path / "out"
    summary = build(load_config(tmp_path / "d.toml"), out, jobs=1, progress=False)
    rows = {r["origin"]: r for r in pq.read_table(out / "dataset.parquet").to_pylist()}
    return summary, rows, pq.read_table(out / "rejects.parquet").to_pylist()


def _counts(summary: dict) -> dict:
    entry = summary["sources"]["s"]
    return {k: entry[k] for k in ("input", "kept", "fixed", "duplicate", "contaminated",
                                  "rejected")}


def _lines_covered(path: Path) -> None:
    """Every line after the header is in exactly one record or reject, or blank."""
    records = read_table(path)
    spans = [line for r in records for line in range(r.line, r.end + 1)]
    assert len(spans) == len(set(spans))
    text = path.read_bytes().decode("utf-8", "replace")
    lines = io.StringIO(text, newline="").readlines()
    outside = [line for n, line in enumerate(lines[1:], 2) if n not in spans]
    assert all(not line.strip() for line in outside) and max(spans) <= len(lines)


def test_unclosed_quote_rejects_one_record_and_keeps_the_rest(tmp_path: Path) -> None:
    good = [_scene(f"Good{n}") for n in range(4)]
    text = (_csv([["code", "description"], [good[0], "first"], [good[1], "second"]])
            + '"' + _scene("Broken") + ",broken\n"  # never closed
            + _csv([[good[2], "third"], [good[3], "fourth"]]))
    (tmp_path / "t.csv").write_text(text)
    start = text[:text.index('"from manim import *\n\n\nclass Broken')].count("\n") + 1
    summary, rows, rejects = _build(tmp_path, "table", "t.csv")
    assert _counts(summary) == {"input": 5, "kept": 4, "fixed": 0, "duplicate": 0,
                                "contaminated": 0, "rejected": 1}
    assert summary["balanced"] and summary["sources"]["s"]["balanced"]
    assert sorted(r["scene"] for r in rows.values()) == ["Good0", "Good1", "Good2", "Good3"]
    [bad] = rejects
    assert bad["reason"] == "MF517"
    assert bad["message"].startswith(f"t.csv:{start}: malformed CSV record")
    assert "unclosed quote" in bad["message"] and "class Broken" in bad["code"]
    _lines_covered(tmp_path / "t.csv")


def test_unclosed_quote_with_no_quote_after_it(tmp_path: Path) -> None:
    """The quote never closes before the end: only its line is rejected, the rest is read."""
    text = ("code,description\n"
            '"class A(Scene): pass,swallows everything\n'
            "class B(Scene): pass,kept\n"
            "class C(Scene): pass,kept too\n")
    (tmp_path / "t.csv").write_text(text)
    records = read_table(tmp_path / "t.csv", ["code", "description"])
    assert [r.error is None for r in records] == [False, True, True]
    assert records[0].error is not None and records[0].error.startswith("t.csv:2: ")
    assert "never closed" in records[0].error and records[0].reason == "MF517"
    assert [r["code"] for r in records[1:]] == ["class B(Scene): pass", "class C(Scene): pass"]
    _lines_covered(tmp_path / "t.csv")


def test_quotes_left_open_again_and_again_are_bounded(tmp_path: Path) -> None:
    """Each of these lines opens a quote that runs to the end of the file, so resuming after
    each one would re-read the file once per line; past a budget the rest is one reject."""
    (tmp_path / "t.csv").write_text("code,description\n" + 'aa","\n,' * 20000)
    records = read_table(tmp_path / "t.csv")
    assert all(r.reason == "MF517" for r in records) and len(records) < 100
    assert records[-1].error is not None and "again and again" in records[-1].error
    assert records[-1].end == 20002  # every line is still in some reject
    _lines_covered(tmp_path / "t.csv")


def test_ragged_rows_are_rejected_unless_the_extra_fields_are_empty(tmp_path: Path) -> None:
    text = ("code,description\n"
            f'"{_scene("Fine")}",ok\n'
            f'"{_scene("TooMany")}",one,two\n'
            f'"{_scene("TooFew")}"\n'
            f'"{_scene("Trailing")}",trailing commas,,\n')
    (tmp_path / "t.csv").write_text(text)
    summary, rows, rejects = _build(tmp_path, "table", "t.csv")
    assert _counts(summary) == {"input": 4, "kept": 2, "fixed": 0, "duplicate": 0,
                                "contaminated": 0, "rejected": 2}
    by_scene = {r["scene"]: r for r in rows.values()}
    assert set(by_scene) == {"Fine", "Trailing"}
    trailing_line = text[:text.index(f'"{_scene("Trailing")}')].count("\n") + 1
    assert by_scene["Trailing"]["notes"] == [
        f"MF517 t.csv:{trailing_line}: 2 empty field(s) past the header ignored"]
    messages = sorted(r["message"] for r in rejects)
    assert [r["reason"] for r in rejects] == ["MF517", "MF517"]
    assert messages[0].startswith("t.csv:") and "3 fields, more than the header's 2" in \
        messages[0]
    assert "1 fields, fewer than the header's 2" in messages[1]
    # The rejected rows keep their whole text: no field is lost without a trace.
    assert any("one,two" in r["code"] for r in rejects)


def test_repo_file_with_a_syntax_error_is_a_reject(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text(_scene("Good"))
    (repo / "broken.py").write_text("from manim import *\n\nclass Broken(Scene)\n"
                                    "    def construct(self):\n        pass\n")
    summary, rows, rejects = _build(tmp_path, "repo", "repo")
    assert _counts(summary)["input"] == 2 and summary["balanced"]
    assert [r["scene"] for r in rows.values()] == ["Good"]
    [bad] = rejects
    assert (bad["origin"], bad["reason"]) == ("broken.py", "MF502")
    assert bad["message"].startswith("broken.py:3: ") and "syntax error" in bad["message"]


def test_empty_sources_warn(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "util.py").write_text("X = 1\n")
    (tmp_path / "d.toml").write_text('[[source]]\nname = "s"\nkind = "repo"\npath = "repo"\n'
                                     '[[source]]\nname = "t"\nkind = "table"\n'
                                     'path = "t.csv"\n')
    (tmp_path / "t.csv").write_text("code,description\n")
    done = CliRunner().invoke(dataset, ["build", str(tmp_path / "d.toml"), "-o",
                                        str(tmp_path / "out"), "-q"])
    assert done.exit_code == 0, done.output
    warnings = [line for line in done.stderr.splitlines() if " warning MF516 " in line]
    assert len(warnings) == 2, done.stderr
    assert "source 's' yields no rows: no scene class" in warnings[0]
    assert "source 't' yields no rows: the table has no records" in warnings[1]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["diagnostics"] == warnings and summary["total"]["input"] == 0
    assert "MF516" in (tmp_path / "out" / "summary.md").read_text()
    # A reused source repeats its warning.
    again = CliRunner().invoke(dataset, ["clean", str(tmp_path / "d.toml"), "--source", "s",
                                         "-o", str(tmp_path / "out"), "-q"])
    assert "up to date" in again.stdout and "warning MF516" in again.stderr


def test_bytes_that_are_not_utf8_are_rejected_with_their_offset(tmp_path: Path) -> None:
    head = b"code,description\n"
    good = _csv([[_scene("Plain"), "plain"]]).encode()
    bad = _csv([[_scene("Accent").replace("Circle(", "Text('caf\0')"), "bad bytes"]])
    bad_bytes = bad.encode().replace(b"\0", b"\xe9")
    (tmp_path / "t.csv").write_bytes(head + good + bad_bytes)
    summary, rows, rejects = _build(tmp_path, "table", "t.csv")
    assert [r["scene"] for r in rows.values()] == ["Plain"] and summary["balanced"]
    offset = (head + good + bad_bytes).index(b"\xe9")
    line = (head + good + bad_bytes)[:offset].count(b"\n") + 1
    [reject] = rejects
    assert reject["reason"] == "MF518"
    assert reject["message"].startswith(f"t.csv:{line}: not UTF-8: byte 0xE9 at byte offset "
                                        f"{offset} (column 'code')")
    assert "caf\\xe9" in reject["code"] and "\ufffd" not in reject["code"]


def test_jsonl_errors_name_the_line_not_the_record(tmp_path: Path) -> None:
    lines = [json.dumps({"code": _scene("One"), "description": "one"}), "", "",
             "{not json", json.dumps({"code": _scene("Two"), "description": "two"}),
             "[1, 2]", json.dumps({"code": "class E(Scene):\n    x = 1\udce9", "description":
                                   "escaped surrogate"}),
             json.dumps({"code": _scene("Three"), "description": "caf\u00a7"}, ensure_ascii=False)]
    data = "\n".join(lines).encode("utf-8").replace("\u00a7".encode(), b"\xff")
    (tmp_path / "t.jsonl").write_bytes(data + b"\n")
    summary, _, rejects = _build(tmp_path, "table", "t.jsonl")
    assert _counts(summary) == {"input": 6, "kept": 2, "fixed": 0, "duplicate": 0,
                                "contaminated": 0, "rejected": 4}
    got = {r["origin"]: (r["reason"], r["message"].split(";")[0]) for r in rejects}
    offset = data.index(b"\xff")
    assert got == {
        "t.jsonl#1": ("MF512", ("t.jsonl:4: not valid JSON (column 2: Expecting property "
                                "name enclosed in double quotes)")),
        "t.jsonl#3": ("MF512", "t.jsonl:6: not a JSON object but list"),
        "t.jsonl#4": ("MF518", ("t.jsonl:7: column 'code' holds an escaped lone surrogate, "
                                "which is not Unicode text")),
        "t.jsonl#5": ("MF518", (f"t.jsonl:8: not UTF-8: byte 0xFF at byte offset {offset} "
                                "(column 'description')"))}


def test_cleaning_rejects_name_the_file_line_of_table_rows(tmp_path: Path) -> None:
    text = _csv([["code", "description"], [_scene("Fine"), "fine"],
                 ["class Bad(Scene):\n    def construct(self)\n", "no colon"],
                 ["x = 1\n", "no scene"]])
    (tmp_path / "t.csv").write_text(text)
    _, rows, rejects = _build(tmp_path, "table", "t.csv")
    assert len(rows) == 1
    line = text[:text.index('"class Bad')].count("\n") + 1
    assert sorted((r["reason"], r["message"]) for r in rejects) == [
        ("MF502", f"t.csv:{line}: line 2 of the code: expected ':'"),
        ("MF506", f"t.csv:{line + 3}: no class with a construct method or a Scene base")]


def test_parquet_with_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    codes = [_scene("Ok").encode(), _scene("Bad").encode() + b"# \xe9\n"]
    binary = pa.array(codes, pa.binary())
    strings = pa.Array.from_buffers(pa.string(), len(codes), binary.buffers())
    pq.write_table(pa.table({"code": strings, "description": ["ok", "bad"]}),
                   tmp_path / "t.parquet")
    summary, rows, rejects = _build(tmp_path, "table", "t.parquet")
    assert list(rows) == ["t.parquet#0"] and summary["balanced"]
    [reject] = rejects
    assert reject["reason"] == "MF518" and reject["message"].startswith(
        f"t.parquet: row 1: column 'code' is not UTF-8 (first bad byte at byte {len(codes[1]) - 2}")


def test_repo_and_notebook_files_that_are_not_utf8(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text(_scene("Good"))
    latin = _scene("Latin").replace("Circle(", "Text('caf\0')").encode().replace(b"\0", b"\xe9")
    (repo / "latin.py").write_bytes(latin)
    summary, rows, rejects = _build(tmp_path, "repo", "repo")
    assert [r["scene"] for r in rows.values()] == ["Good"] and summary["balanced"]
    [reject] = rejects
    offset = latin.index(b"\xe9")
    line = latin[:offset].count(b"\n") + 1
    assert (reject["origin"], reject["reason"]) == ("latin.py", "MF518")
    assert reject["message"].startswith(f"latin.py:{line}: not UTF-8: byte 0xE9 at byte "
                                        f"offset {offset}")

    books = tmp_path / "books"
    books.mkdir()
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    good = {"cells": [cell | {"source": _scene("Nb")}], "metadata": {}, "nbformat": 4,
            "nbformat_minor": 5}
    (books / "good.ipynb").write_text(json.dumps(good))
    raw = json.dumps(good | {"cells": [cell | {"source": "# caf\u00a7\n" + _scene("NbBad")}]},
                     ensure_ascii=False, indent=1).encode().replace("\u00a7".encode(), b"\xe9")
    (books / "bad.ipynb").write_bytes(raw)
    summary, rows, rejects = _build(tmp_path, "notebooks", "books")
    assert list(rows) == ["good.ipynb#cell0"] and summary["balanced"]
    [reject] = rejects
    offset = raw.index(b"\xe9")
    line = raw[:offset].count(b"\n") + 1
    assert reject["reason"] == "MF518" and reject["message"].startswith(
        f"bad.ipynb:{line}: not UTF-8: byte 0xE9 at byte offset {offset}")


def test_repo_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """The name survives as `\\xNN` in the origin; hashing and writing it do not crash."""
    repo = tmp_path / "repo"
    repo.mkdir()
    try:
        with open(os.fsencode(repo) + b"/caf\xe9.py", "w", encoding="utf-8") as handle:
            handle.write(_scene("Cafe"))
    except OSError:
        pytest.skip("the file system refuses names that are not UTF-8")
    summary, rows, _ = _build(tmp_path, "repo", "repo", "require_description = false\n")
    assert list(rows) == ["caf\\xe9.py:Cafe"] and summary["balanced"]


def test_notebook_scene_cell_with_a_syntax_error_is_a_reject(tmp_path: Path) -> None:
    books = tmp_path / "books"
    books.mkdir()
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source} for source in
             ["from manim import *\n", "x = (\n", _scene("Fine"),
              "class Broken(Scene):\n    def construct(self)\n        pass\n"]]
    (books / "n.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                               "nbformat_minor": 5}))
    summary, rows, rejects = _build(tmp_path, "notebooks", "books")
    assert list(rows) == ["n.ipynb#cell2"]
    # The unparsable cell that defines no scene ("x = (") is not an input; the scene cell is.
    assert [(r["origin"], r["reason"]) for r in rejects] == [("n.ipynb#cell3", "MF502")]
    assert summary["sources"]["s"]["input"] == 2


def test_notebook_with_an_escaped_lone_surrogate(tmp_path: Path) -> None:
    """Valid JSON, not Unicode text: a reject (parquet could not even store it), not a crash."""
    books = tmp_path / "books"
    books.mkdir()
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": _scene(name) + f"        self.add(Text('{mark}'))\n"}
             for name, mark in (("Ok", "ok"), ("Lone", "\ud83d"))]
    (books / "n.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                               "nbformat_minor": 5}))
    summary, rows, rejects = _build(tmp_path, "notebooks", "books")
    assert list(rows) == ["n.ipynb#cell0"] and summary["balanced"]
    [reject] = rejects
    assert reject["reason"] == "MF518" and reject["message"].startswith(
        "n.ipynb#cell1: the code holds a lone surrogate (U+D83D, line 18 of the code)")
    assert "Text('\\ud83d')" in reject["code"]


def test_summary_balance_is_checked_against_the_written_files(tmp_path: Path) -> None:
    """The input count comes from the reader, not from the rows the summary counts: a source
    parquet that lost a row makes the summary unbalanced, with a diagnostic."""
    text = _csv([["code", "description"], *([_scene(f"S{n}"), f"scene {n}"] for n in range(3))])
    (tmp_path / "t.csv").write_text(text)
    summary, _, _ = _build(tmp_path, "table", "t.csv")
    assert _counts(summary)["input"] == 3 and summary["balanced"]
    parquet = tmp_path / "out" / "sources" / "s.parquet"
    table = pq.read_table(parquet)
    pq.write_table(table.slice(0, 2), parquet)  # the manifest still says 3 rows
    # The build's own check (MF521) stops it; the summary it wrote says why as well.
    with pytest.raises(CheckFailed, match="MF521 source 's': summary input 3, categories 2"):
        build(load_config(tmp_path / "d.toml"), tmp_path / "out", jobs=1, progress=False)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["sources"]["s"]["reused"]
    assert not summary["balanced"] and not summary["sources"]["s"]["balanced"]
    assert any("error MF901 source 's': the counts do not balance: 3 input items but 2 "
               "categorised" in d for d in summary["diagnostics"])
    assert "**DOES NOT HOLD**" in (tmp_path / "out" / "summary.md").read_text()
    summary = build(load_config(tmp_path / "d.toml"), tmp_path / "out", jobs=1,
                    progress=False, force=True)
    assert summary["balanced"] and summary["total"]["kept"] == 3


def test_unreadable_reference_records_are_reported(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text(_csv([["code", "description"], [_scene("A"), "a"]]))
    (tmp_path / "ref.csv").write_text('code\n"class Leak(Scene): pass\n')
    summary, rows, _ = _build(tmp_path, "table", "t.csv",
                              '[reference]\npaths = ["ref.csv"]\n')
    assert len(rows) == 1
    [warning] = summary["diagnostics"]
    assert "warning MF517 1 reference record(s) cannot be read" in warning
    assert "ref.csv:2: malformed CSV record" in warning
