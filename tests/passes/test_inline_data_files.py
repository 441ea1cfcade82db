"""inline-data-files on hand-built Flats: literals with exactly the file's content."""

from __future__ import annotations

import ast
import io
import math
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
    assert 'spec = {"a": [1, 2]}' in out  # the loaded value (MF313)
    assert "io.BytesIO(b'\\x00\\x01').read()" in out


def test_path_read_text_and_loadtxt(tmp_path: Path) -> None:
    out, _ = inline(tmp_path, """
        from pathlib import Path
        DATA = Path("data")
        class S(Scene):
            def construct(self):
                title = (DATA / "title.txt").read_text()
                rows = np.loadtxt("data/t.csv", delimiter=",")
                self.add(Text(title), *[Dot([x, y, 0]) for x, y in rows])
        """, files={"data/title.txt": "Hi", "data/t.csv": "1,2\n3,4\n"})
    assert 'title = "Hi"' in out
    assert "DATA" not in out  # only built the path
    assert "rows = np.array([[1.0, 2.0], [3.0, 4.0]])" in out


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


# -- data read through a library: literals of the loaded value (MF313) -----------------------

LOADER_SCENE = """
import csv
import json
import tomllib
from pathlib import Path

import numpy as np
import yaml
from manim import *

DATA = Path("data")


class Loaded(Scene):
    def construct(self):
{body}
        self.add(Circle())
"""


def flatten_loader(make_repo, body: str, files: dict[str, str | bytes]):  # type: ignore[no-untyped-def]
    import textwrap

    import manimflat

    scene = LOADER_SCENE.format(body=textwrap.indent(textwrap.dedent(body).strip(), " " * 8))
    repo = make_repo({"scene.py": scene, **files})
    result = manimflat.flatten(repo, "Loaded", passes=[
        "resolve-imports", "collect-closure", "inline-bases", "rewrite-assets",
        "inline-data-files", "deconflict-names", "normalize-imports",
        "emit"])
    assert result.code is not None
    return result, result.code


def value_of(code: str, name: str) -> object:
    """Run the output's `construct` body up to the assignment of `name` and return it."""
    tree = ast.parse(code)
    body = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)).body
    namespace: dict[str, object] = {"np": np, "float": float, "iter": iter, "list": list}
    for stmt in body:
        if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == name:
            exec(compile(ast.Module([stmt], []), "<flat>", "exec"), namespace)  # noqa: S102
            return namespace[name]
    raise AssertionError(f"{name} is not assigned in the output")


def test_yaml_json_toml_become_literals_and_their_imports_go(make_repo) -> None:
    result, out = flatten_loader(make_repo, """
        style = yaml.safe_load(open(DATA / "style.yaml"))
        with open("data/cfg.json") as f:
            cfg = json.load(f)
        conf = tomllib.load(open("data/conf.toml", "rb"))
        title = json.loads(Path("data/title.json").read_text())
        with open("data/style.yaml") as fh:
            again = yaml.load(fh.read(), Loader=yaml.SafeLoader)
        raw = json.loads(open("data/title.json").read())
        self.add(Text(title), Text(raw))
        """, {"data/style.yaml": "radius: 1.5\ncolors: [red, '#00FF00']\nempty:\n",
              "data/cfg.json": '{"side": 2.0, "n": 3, "bad": NaN}',
              "data/conf.toml": 'title = "T"\n[grid]\nrows = 2\n',
              "data/title.json": '"Hello"'})
    assert value_of(out, "style") == {"radius": 1.5, "colors": ["red", "#00FF00"],
                                      "empty": None}
    cfg = value_of(out, "cfg")
    assert isinstance(cfg, dict) and cfg["side"] == 2.0 and cfg["bad"] != cfg["bad"]  # NaN
    assert value_of(out, "conf") == {"title": "T", "grid": {"rows": 2}}
    assert value_of(out, "title") == value_of(out, "raw") == "Hello"
    assert value_of(out, "again") == value_of(out, "style")
    assert "with " not in out and "open(" not in out and "DATA" not in out
    for module in ("yaml", "json", "tomllib", "csv", "pathlib"):
        assert f"import {module}" not in out, module
    assert codes(result).count("MF313") == 6
    assert not any(ext in out for ext in (".yaml", ".json", ".toml"))


def test_csv_rows_are_a_list_or_an_iterator_like_the_reader(make_repo) -> None:
    _, out = flatten_loader(make_repo, """
        rows = list(csv.reader(open("data/p.csv")))
        table = csv.DictReader(open("data/p.csv"), delimiter=",")
        first = next(table)
        """, {"data/p.csv": 'x,y\n0,"a, b"\n'})
    assert value_of(out, "rows") == [["x", "y"], ["0", "a, b"]]
    assert "table = iter([" in out and "import csv" not in out


def test_numpy_arrays_keep_dtype_and_shape(make_repo, tmp_path: Path) -> None:
    matrix = np.arange(6, dtype=np.float32).reshape(2, 3)
    buffer = io.BytesIO()
    np.save(buffer, matrix)
    archive = io.BytesIO()
    np.savez(archive, a=np.array([1, 2], dtype=np.int16), flags=np.array([[True, False]]))
    result, out = flatten_loader(make_repo, """
        m = np.load("data/m.npy")
        z = np.load("data/z.npz")
        pts = np.loadtxt("data/p.csv", delimiter=",", skiprows=1)
        gaps = np.genfromtxt("data/gaps.csv", delimiter=",", dtype=float)
        empty = np.loadtxt("data/empty.txt", ndmin=2)
        """, {"data/m.npy": buffer.getvalue(), "data/z.npz": archive.getvalue(),
              "data/p.csv": "x,y\n0,1\n1,2.5\n", "data/gaps.csv": "1,,3\n4,5,\n",
              "data/empty.txt": "# nothing\n"})
    m = value_of(out, "m")
    assert isinstance(m, np.ndarray) and m.dtype == np.float32 and m.shape == (2, 3)
    assert np.array_equal(m, matrix)
    z = value_of(out, "z")
    assert isinstance(z, dict) and z["a"].dtype == np.int16 and z["flags"].shape == (1, 2)
    assert value_of(out, "pts").tolist() == [[0.0, 1.0], [1.0, 2.5]]  # type: ignore[attr-defined]
    gaps = value_of(out, "gaps")
    assert isinstance(gaps, np.ndarray) and np.isnan(gaps[0, 1]) and gaps[1, 1] == 5
    assert "np.nan" in out
    empty = value_of(out, "empty")
    assert isinstance(empty, np.ndarray) and empty.shape == (0, 1)
    assert "np.empty((0, 1), dtype=\"float64\")" in out
    assert codes(result).count("MF313") == 5
    assert "io." not in out and ".np" not in out and ".csv" not in out


def test_loaders_that_cannot_become_literals_keep_the_text(make_repo) -> None:
    result, out = flatten_loader(make_repo, """
        conv = np.loadtxt("data/p.csv", delimiter=",", converters={0: float})
        data = yaml.safe_load(open("data/tagged.yaml"))
        when = yaml.safe_load(open("data/date.yaml"))
        """, {"data/p.csv": "1,2\n", "data/tagged.yaml": "a: !!python/tuple [1, 2]\n",
              "data/date.yaml": "day: 2024-01-02\n"})
    warnings = [d for d in result.diagnostics if d.code == "MF314"]
    assert len(warnings) == 3, [d.format() for d in result.diagnostics]
    assert "converters=" in warnings[0].message
    assert "does not parse" in warnings[1].message and "date" in warnings[2].message
    assert "io.StringIO(" in out  # the text is inlined as before


def test_too_many_values_keep_the_text(make_repo) -> None:
    result, out = flatten_loader(make_repo, """
        big = np.loadtxt("data/big.txt")
        """, {"data/big.txt": "1 2 3 4 5 6 7 8 9 10\n" * 2_500})
    assert codes(result) == ["MF314", "MF305"]
    assert "25000 values" in result.diagnostics[0].message
    assert "np.loadtxt(io.StringIO(" in out


def _equal(a: object, b: object) -> bool:
    if isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape \
            and bool(np.array_equal(a, b, equal_nan=b.dtype.kind in "fc"))
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(b, dict):
        return isinstance(a, dict) and list(a) == list(b) and all(_equal(a[k], b[k]) for k in b)
    return type(a) is type(b) and a == b


def test_literals_evaluate_back_to_the_loaded_value() -> None:
    """Property: every value a safe loader can return (JSON/YAML/TOML-like trees, numpy
    arrays of plain dtypes) gets a literal that evaluates to an equal value, same types."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    from manimflat.passes.inline_data_files import _literal

    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    trees = st.recursive(scalars, lambda inner: st.lists(inner) | st.dictionaries(
        st.text() | st.integers(), inner), max_leaves=30)
    dtypes = st.sampled_from(["float64", "float32", "int8", "int64", "uint16", "bool",
                              "complex128", "<U4"])
    arrays = dtypes.flatmap(lambda d: hnp.arrays(d, hnp.array_shapes(min_dims=0, max_dims=3,
                                                                     min_side=0, max_side=4)))

    @settings(max_examples=150, deadline=None)
    @given(trees | arrays)
    def check(value: object) -> None:
        text = _literal(value)
        back = eval(text, {"__builtins__": {}, "np": np, "float": float,
                           "complex": complex})
        assert _equal(back, value), text
        ast.parse(text, mode="eval")

    check()


def test_module_level_with_keeps_its_block(make_repo) -> None:
    import manimflat

    repo = make_repo({"cfg.json": '{"r": 1.5}', "scene.py": (
        "import json\nfrom manim import *\n\nwith open('cfg.json') as f:\n"
        "    CFG = json.load(f)\n\n\nclass Top(Scene):\n    def construct(self):\n"
        "        self.add(Circle(radius=CFG['r']))\n")})
    result = manimflat.flatten(repo, "Top")
    assert result.ok and result.code is not None
    assert "with io.StringIO(" in result.code and "cfg.json" not in result.code


def test_fromfile_reads_raw_values_under_a_windows_path(make_repo) -> None:
    """`np.fromfile(r"data\\sizes.bin", dtype="float32")`: the raw values numpy reads, with the
    author's backslash path found in the repository."""
    sizes = np.array([0.5, 1.25, 2.0], dtype=np.float32)
    result, out = flatten_loader(make_repo, """
        sizes = np.fromfile(r"data\\sizes.bin", dtype="float32")
        """, {"data/sizes.bin": sizes.tobytes()})
    got = value_of(out, "sizes")
    assert isinstance(got, np.ndarray) and got.dtype == np.float32
    assert got.tolist() == [0.5, 1.25, 2.0]
    assert codes(result) == ["MF313"] and "fromfile" not in out
