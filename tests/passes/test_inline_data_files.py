"""inline-data-files on hand-built Flats: literals with exactly the file's content."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
from asset_flat import codes, make_flat, run

from manimflat.passes.inline_data_files import InlineDataFiles

SNIPPET = 'def greet(name):\n    """Say hello."""\n    return f"Hello, {name}!"\n'


def inline(tmp_path: Path, source: str, check: bool = False, **kwargs: object
           ) -> tuple[str, object]:
    flat = make_flat(tmp_path, source, **kwargs)  # type: ignore[arg-type]
    out = run(flat, InlineDataFiles(check_mobjects=check))
    ast.parse(out)
    return out, flat


def _literal_after(out: str, marker: str) -> object:
    """Evaluate the literal that follows `marker` in the output."""
    start = out.index(marker) + len(marker)
    node = ast.parse(out[start:].lstrip(), mode="exec").body[0]
    assert isinstance(node, ast.Expr)
    return ast.literal_eval(node.value)


def test_code_file_becomes_code_string_with_the_guessed_language(tmp_path: Path) -> None:
    out, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(Code("snippets/hello.py", add_line_numbers=False))
        """, files={"snippets/hello.py": SNIPPET})
    assert 'language="python", add_line_numbers=False)' in out
    tree = ast.parse(out)
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call)
                and getattr(n.func, "id", "") == "Code")
    value = next(k.value for k in call.keywords if k.arg == "code_string")
    assert ast.literal_eval(value) == SNIPPET  # identical content
    assert codes(flat) == ["MF305"]
    assert flat.assets[0].action == "inlined"  # type: ignore[attr-defined]


def test_old_file_name_keyword(tmp_path: Path) -> None:
    out, _ = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(Code(file_name="a.js", language="javascript"))
        """, files={"a.js": "let x = 1;\n"})
    assert "file_name" not in out and 'code_string="let x = 1;\\n"' in out
    assert 'language="javascript"' in out and out.count("language=") == 1


def test_code_submobjects_checked_with_manim(tmp_path: Path) -> None:
    _, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(Code("hello.py"))
        """, check=True, files={"hello.py": SNIPPET})
    record = flat.assets[0]  # type: ignore[attr-defined]
    assert "submobjects checked:" in record.replacement
    assert "MF312" not in codes(flat)


def test_open_read_becomes_stringio_with_universal_newlines(tmp_path: Path) -> None:
    out, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                with open("poem.txt") as fh:
                    self.add(Paragraph(*fh.read().splitlines()))
        """, files={"poem.txt": b"a\r\nb\tc\n\xc3\xa9\n"})
    assert "with io.StringIO(" in out and "open(" not in out
    assert "import io" in flat.header  # type: ignore[attr-defined]
    namespace: dict[str, object] = {"io": io}
    value = eval(out[out.index("io.StringIO("):out.index(" as fh")], namespace)
    with open(tmp_path / "poem.txt", encoding="utf-8") as fh:
        assert value.read() == fh.read()  # type: ignore[attr-defined]


def test_json_and_binary_modes(tmp_path: Path) -> None:
    out, _ = inline(tmp_path, """
        import json
        class S(Scene):
            def construct(self):
                spec = json.load(open("d/points.json"))
                raw = open("d/blob.bin", "rb").read()
        """, files={"d/points.json": '{"a": [1, 2]}', "d/blob.bin": b"\x00\x01"})
    assert """json.load(io.StringIO('{"a": [1, 2]}'))""" in out
    assert "io.BytesIO(b'\\x00\\x01').read()" in out


def test_path_read_text_and_loadtxt(tmp_path: Path) -> None:
    out, _ = inline(tmp_path, """
        from pathlib import Path
        DATA = Path("data")
        class S(Scene):
            def construct(self):
                title = (DATA / "title.txt").read_text()
                rows = np.loadtxt("data/t.csv", delimiter=",")
        """, files={"data/title.txt": "Hi", "data/t.csv": "1,2\n3,4\n"})
    assert 'title = "Hi"' in out
    assert "DATA" not in out  # only built the path
    source = out[out.index("np.loadtxt("):]
    source = source[:source.index('delimiter=",")') + len('delimiter=",")')]
    rows = eval(source, {"np": np, "io": io})
    assert rows.tolist() == [[1, 2], [3, 4]]


def test_writes_and_missing_files_are_reported_and_left(tmp_path: Path) -> None:
    out, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                open("log.txt", "w").write("x")
                data = open("absent.txt").read()
        """)
    assert 'open("log.txt", "w")' in out and 'open("absent.txt")' in out
    assert codes(flat) == ["MF310", "MF302"]
    assert [a.action for a in flat.assets] == ["left", "missing"]  # type: ignore


def test_large_files_are_not_inlined(tmp_path: Path) -> None:
    _, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                data = open("big.txt").read()
        """, files={"big.txt": "x" * 200_000})
    assert codes(flat) == ["MF310"]


def test_keep_and_reject(tmp_path: Path) -> None:
    out, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                data = open("d.txt").read()
        """, files={"d.txt": "1"}, assets="keep")
    assert 'open("assets/d.txt")' in out and "assets/d.txt" in flat.files  # type: ignore
    out, flat = inline(tmp_path / "r", """
        class S(Scene):
            def construct(self):
                data = open("d.txt").read()
        """, files={"d.txt": "1"}, assets="reject")
    assert codes(flat) == ["MF304"]


def test_missing_code_file_becomes_a_placeholder_block(tmp_path: Path) -> None:
    out, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                self.add(Code("snippets/gone.py"))
        """)
    assert 'Code(code_string="# gone.py\\n", language="python")' in out
    assert codes(flat) == ["MF302"] and flat.ok  # type: ignore[attr-defined]


def test_long_files_stay_one_literal(tmp_path: Path) -> None:
    text = "".join(f"{i}\n" for i in range(5000))
    out, flat = inline(tmp_path, """
        class S(Scene):
            def construct(self):
                numbers = open("numbers.txt").read().split()
        """, files={"numbers.txt": text})
    assert codes(flat) == ["MF305"]
    start = out.index("io.StringIO(") + len("io.StringIO(")
    assert ast.literal_eval(out[start:out.index(").read()")]) == text
