"""inline-data-files: data and code files read by the scene become literals of the same content.

Before: the pieces may read repository files at run time: `Code(file_name=...)` /
`Code("x.py")` / `Code(code_file=...)`, `open(path)` (read modes), `Path(...).read_text()` /
`.read_bytes()`, `np.loadtxt` / `np.genfromtxt` / `np.load` / `np.fromfile`, `pd.read_csv`.

After, with `--assets replace`: each becomes the same content as a literal, so no file is
read: `Code(code_string=..., language=<the lexer manim would have guessed from the file
name>)`, `io.StringIO(...)` / `io.BytesIO(...)` where a file object or path is expected
(text as `open` would return it: universal newlines), a `str`/`bytes` literal for
`read_text`/`read_bytes` (MF305). With `check_mobjects` on, each `Code` is built both ways
by manim in a subprocess (manim reads the data file; no repository code runs) and the
number of submobjects is compared, since `Write` times and staggers by submobjects: the
result is in the asset record, and a difference is MF312. References that cannot be
inlined (missing, too large, not UTF-8 text, opened for writing) are reported (MF302,
MF310) and left as they are. A local that only held the path (`name = "AAPL.csv"` before
`open(name)`) goes with the read it fed. `keep` copies the files instead; `reject` refuses them.

Data read through a library becomes a literal of the value it loads (MF313), parsed here
with safe loaders (no repository code runs): `json.load(open(p))`, `json.loads(Path(p).
read_text())`, `yaml.safe_load` / `yaml.load`, `tomllib.load`, `csv.reader` / `csv.DictReader`
(an iterator over the rows' list), also as `with open(p) as f: x = json.load(f)` when `f`
is used for nothing else (the `with` goes); `np.loadtxt` / `np.genfromtxt` / `np.load` /
`np.fromfile` become `np.array([...])` literals with the same dtype and shape (`.npz` a dict of them).
Every literal is evaluated back and compared with the loaded value. The loader's import
goes when nothing else uses it. Arguments that are not literals, values with no literal
form (dates, objects), parse errors and more than `MAX_LITERAL_VALUES` values leave the text
inlined as above (MF314); files too large to inline at all are MF310.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import math
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst

from ..analyses.chains import code, dotted, names_in
from ..assets.calls import DATA_APIS
from ..assets.finder import find_refs
from ..assets.refs import Ref, Target
from ..assets.rewrite import (
    Plan,
    apply,
    dispatch_values,
    keep,
    kwarg,
    long_literal,
    reject,
    shake_file_values,
    string_literal,
    where,
)
from ..diagnostics import Severity
from ..ir import AssetRecord, Flat
from ..pass_manager import ALL, NONE, Pass

MAX_INLINE_BYTES = 100_000
MAX_LITERAL_VALUES = 20_000  # numbers and strings in one loaded value
_TEXT_APIS = frozenset({"code", "read_text", "loadtxt", "read_csv"})


@dataclass(frozen=True)
class InlineDataFiles(Pass):
    NAME = "inline-data-files"
    DESCRIPTION = "inline data and code files read by the scene as literals of the same content"
    NEEDS = ("closure",)
    check_mobjects: bool = True  # build each Code both ways with manim and compare

    def run(self, flat: Flat) -> frozenset[str]:
        refs = find_refs(flat, DATA_APIS)
        if not refs:
            return NONE if shake_file_values(flat) else ALL
        if flat.settings.assets == "reject":
            reject(flat, refs, "data file")
            return ALL
        plan = Plan(pieces={ref.piece for ref in refs}, dead_locals=True)
        checks: list[tuple[AssetRecord, str, str, str]] = []  # record, file, content, language
        parents: dict[int, dict[int, cst.CSTNode]] = {}  # per piece: id(node) -> its parent
        for ref in refs:
            if ref.api == "open" and not _reads(ref.mode):
                _leave(flat, plan, ref, f"opened with mode {ref.mode!r}: a write, not a read")
                continue
            if flat.settings.assets == "keep" and keep(flat, plan, ref, "data"):
                flat.report("MF309", f"{ref.text} kept as a file beside the output",
                            severity=Severity.INFO, **where(ref))  # type: ignore[arg-type]
                continue
            if flat.settings.assets != "keep" and _plan_loaded(flat, plan, ref, parents):
                continue
            _plan_inline(flat, plan, ref, checks)
        if checks and self.check_mobjects:
            _check_code_mobjects(flat, checks)
        apply(flat, plan, refs)
        shake_file_values(flat)  # `__file__` paths only the inlined reads used go too
        return NONE


def _reads(mode: str) -> bool:
    return mode != "?" and not any(ch in mode for ch in "wax+")


def _leave(flat: Flat, plan: Plan, ref: Ref, why: str) -> None:
    for target in ref.targets:
        plan.records.append(AssetRecord(target.rel, "data", "left", None, ref.line, ref.module))
    flat.report("MF310", f"{ref.text}: {why}; left unchanged", severity=Severity.WARNING,
                **where(ref))  # type: ignore[arg-type]


def _binary(ref: Ref) -> bool:
    return ref.api in ("read_bytes", "npload") or (ref.api == "open" and "b" in ref.mode)


def _read(target: Target, binary: bool) -> str | bytes | None:
    assert target.path is not None
    data = target.path.read_bytes()
    if binary:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if binary else text.replace("\r\n", "\n").replace("\r", "\n")


def _plan_inline(flat: Flat, plan: Plan, ref: Ref,
                 checks: list[tuple[AssetRecord, str, str, str]]) -> None:
    contents: list[str | bytes] = []
    if ref.api == "code" and any(t.status != "found" for t in ref.targets):
        _placeholder_code(flat, plan, ref)
        return
    for target in ref.targets:
        if target.status != "found" or target.path is None:
            code_name = {"missing": "MF302", "outside": "MF308"}.get(target.status, "MF303")
            why = {"missing": "is not in the repository",
                   "outside": "leaves the repository and was not read"}.get(
                       target.status, "cannot be resolved statically")
            plan.records.append(AssetRecord(target.rel, "data", "missing", None, ref.line,
                                            ref.module))
            flat.report(code_name, f"data file {target.rel!r} {why}; left unchanged",
                        severity=Severity.ERROR if target.status == "missing"
                        else Severity.WARNING, **where(ref))  # type: ignore[arg-type]
            return
        if target.path.stat().st_size > MAX_INLINE_BYTES:
            _leave(flat, plan, ref, f"{target.rel} is larger than {MAX_INLINE_BYTES} bytes")
            return
        try:  # `locate` gave a file inside the repository, with its symlinks resolved
            content = _read(target, _binary(ref))
        except OSError as exc:
            _leave(flat, plan, ref, f"{target.rel} cannot be read ({exc.strerror or exc})")
            return
        if content is None:
            _leave(flat, plan, ref, f"{target.rel} is not UTF-8 text")
            return
        contents.append(content)
    literals = [long_literal(c) for c in contents]
    new: cst.BaseExpression
    if ref.api == "code":
        new = _code_call(ref, literals, contents)
    else:
        wrapped = [_wrap(ref, lit) for lit in literals]
        value = dispatch_values(ref, wrapped)
        if ref.api in ("open", "read_text", "read_bytes"):
            new = cst.parse_expression(value)
        else:  # np.loadtxt(path, ...) -> np.loadtxt(io.StringIO(...), ...)
            new = ref.call.with_changes(args=[
                a.with_changes(value=cst.parse_expression(value)) if a.value is ref.arg else a
                for a in ref.call.args])
    plan.replace[id(ref.call)] = new
    plan.path_names |= names_in(ref.arg) if ref.arg is not None else set()
    if ref.api not in ("code", "read_text", "read_bytes"):
        plan.need_header("import io")
    for target, content in zip(ref.targets, contents):
        size = f"{len(content)} {'bytes' if isinstance(content, bytes) else 'characters'}"
        record = AssetRecord(target.rel, "code" if ref.api == "code" else "data", "inlined",
                             f"{_shape(ref)} literal, {size}, identical content", ref.line,
                             ref.module)
        plan.records.append(record)
        if ref.api == "code" and isinstance(content, str):
            checks.append((record, str(target.path), content, _language(ref, target, content)))
        flat.report("MF305", f"{target.rel} inlined as a {_shape(ref)} literal ({size})",
                    severity=Severity.FIXED, **where(ref))  # type: ignore[arg-type]


def _placeholder_code(flat: Flat, plan: Plan, ref: Ref) -> None:
    """A code file that cannot be read still becomes a `Code` block: one comment line naming
    it, in the language its extension says, so the scene keeps running."""
    target = next(t for t in ref.targets if t.status != "found")
    name = target.rel.rsplit("/", 1)[-1]
    text = f"# {name}\n"
    literal = [long_literal(text) for _ in ref.targets]
    plan.replace[id(ref.call)] = _code_call(ref, literal, [text for _ in ref.targets])
    plan.path_names |= names_in(ref.arg) if ref.arg is not None else set()
    plan.records.append(AssetRecord(target.rel, "code", "missing", f"Code(code_string={text!r})",
                                    ref.line, ref.module))
    flat.report("MF302", f"code file {target.rel!r} cannot be read ({target.status}); replaced "
                "by a one-line Code block naming it", severity=Severity.WARNING,
                **where(ref))  # type: ignore[arg-type]


def _shape(ref: Ref) -> str:
    return {"code": "Code(code_string=...)", "read_text": "str", "read_bytes": "bytes",
            "npload": "io.BytesIO"}.get(ref.api, "io.BytesIO" if _binary(ref) else "io.StringIO")


def _wrap(ref: Ref, literal: str) -> str:
    if ref.api in ("read_text", "read_bytes"):
        return literal
    call = "io.BytesIO" if _binary(ref) else "io.StringIO"
    # A multi-line literal is already parenthesised: `io.StringIO(\n "a\n"\n "b"\n)`.
    return call + literal if literal.startswith("(\n") else f"{call}({literal})"


def _language(ref: Ref, target: Target, content: str) -> str:
    given = kwarg(ref.call, "language")
    if given is not None and isinstance(given, cst.SimpleString):
        return str(given.evaluated_value)
    from pygments.lexers import guess_lexer_for_filename  # manim's own dependency
    from pygments.util import ClassNotFound

    try:
        return str(guess_lexer_for_filename(target.rel.rsplit("/", 1)[-1], content).aliases[0])
    except (ClassNotFound, IndexError):
        return "text"


def _code_call(ref: Ref, literals: list[str], contents: list[str | bytes]) -> cst.Call:
    """`Code(code_string=<literal>, language=<what manim guessed>, ...other keywords)`."""
    call = ref.call
    args = [a for a in call.args if a.value is not ref.arg]
    extra = [cst.Arg(keyword=cst.Name("code_string"),
                     value=cst.parse_expression(dispatch_values(ref, literals)),
                     equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))]
    if kwarg(call, "language") is None:
        langs = [string_literal(_language(ref, t, str(c))) for t, c in zip(ref.targets, contents)]
        extra.append(cst.Arg(keyword=cst.Name("language"),
                             value=cst.parse_expression(dispatch_values(ref, langs)),
                             equal=cst.AssignEqual(cst.SimpleWhitespace(""),
                                                   cst.SimpleWhitespace(""))))
    positional = [a for a in args if a.keyword is None]
    keywords = [a for a in args if a.keyword is not None]
    new_args = [*positional, *extra, *keywords]
    new_args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in new_args]
    return call.with_changes(args=new_args)


_CHECK = """
import json, sys
from manim import Code
jobs = json.load(sys.stdin)
out = []
for job in jobs:
    try:
        a = Code(code_file=job["file"])
        b = Code(code_string=job["content"], language=job["language"])
        out.append([len(a.family_members_with_points()), len(b.family_members_with_points())])
    except Exception as exc:
        out.append(str(exc)[:200])
print(json.dumps(out))
"""


def _check_code_mobjects(flat: Flat, checks: list[tuple[AssetRecord, str, str, str]]) -> None:
    """Build each Code from the file and from the literal in one manim subprocess; compare."""
    jobs = [{"file": f, "content": c, "language": lang} for _, f, c, lang in checks]
    try:
        proc = subprocess.run([sys.executable, "-c", _CHECK], input=json.dumps(jobs),
                              capture_output=True, text=True, timeout=120, check=False)
        results = json.loads(proc.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, OSError, ValueError, IndexError):
        for record, *_ in checks:
            record.replacement = f"{record.replacement}; submobjects not checked"
        return
    for (record, _, _, _), result in zip(checks, results):
        if isinstance(result, list) and result[0] == result[1]:
            record.replacement = f"{record.replacement}; submobjects checked: {result[0]}"
        elif isinstance(result, list):
            record.replacement = f"{record.replacement}; submobjects differ: {result[0]} " \
                                 f"from the file, {result[1]} from the literal"
            flat.report("MF312", f"{record.path}: Code from the file has {result[0]} "
                        f"submobjects, from the literal {result[1]}", severity=Severity.WARNING,
                        path=record.module, line=record.line)
        else:
            record.replacement = f"{record.replacement}; submobjects not checked ({result})"



# --------------------------------------------------------------------------- loaded values

class _NoLiteral(Exception):
    """The loaded value, or the loader's arguments, cannot be written as a literal."""


# Loaders of a file object (`json.load(f)`) and of a text (`json.loads(s)`), by the callee's
# qualified name: the format they parse. yaml's loaders take either.
_FILE_LOADERS = {"json.load": "json", "yaml.safe_load": "yaml", "yaml.load": "yaml",
                 "yaml.full_load": "yaml", "tomllib.load": "toml", "tomli.load": "toml",
                 "toml.load": "toml", "csv.reader": "csv", "csv.DictReader": "csvdict"}
_TEXT_LOADERS = {"json.loads": "json", "yaml.safe_load": "yaml", "yaml.load": "yaml",
                 "yaml.full_load": "yaml", "tomllib.loads": "toml", "tomli.loads": "toml",
                 "toml.loads": "toml"}
# Keywords a loader may take that do not change the value (yaml's Loader: parsed safely).
_IGNORED_KEYWORDS = {"yaml": frozenset({"Loader"})}
_CSV_KEYWORDS = {"delimiter", "quotechar", "escapechar", "doublequote", "skipinitialspace",
                 "lineterminator", "quoting", "strict", "fieldnames", "restkey", "restval"}
_NUMPY_KEYWORDS = {"delimiter", "skiprows", "usecols", "dtype", "comments", "max_rows",
                   "unpack", "ndmin", "encoding", "skip_header", "skip_footer", "names",
                   "filling_values", "missing_values", "autostrip", "allow_pickle"}
_DTYPE_NAMES = {"float": float, "int": int, "bool": bool, "complex": complex, "str": str}


@dataclass
class _Use:
    """Where a loader reads the file: the calls whose value becomes the literal."""

    calls: list[cst.Call]  # loader calls to replace (several under one `with`)
    fmt: str  # json | yaml | toml | csv | csvdict | loadtxt | genfromtxt | npload
    name: str  # the loader as written, for the diagnostic
    unwrap: bool = False  # the `with open(...) as f:` item goes
    as_list: cst.Call | None = None  # `list(csv.reader(...))`: replaced by the list itself


def _plan_loaded(flat: Flat, plan: Plan, ref: Ref,
                 parents: dict[int, dict[int, cst.CSTNode]]) -> bool:
    """Replace the loader reading `ref` by a literal of its value; False when this is not
    a loader read (or it cannot become a literal, reported): inline the text instead."""
    if ref.api not in ("open", "read_text", "loadtxt", "npload") or len(ref.targets) != 1:
        return False
    target = ref.target
    if target.status != "found" or target.path is None:
        return False
    if ref.piece not in parents:
        parents[ref.piece] = _parent_map(flat.pieces[ref.piece].node)
    use = _find_use(flat, ref, parents[ref.piece])
    if use is None:
        return False
    if target.path.stat().st_size > MAX_INLINE_BYTES:
        return False  # the text path reports it (MF310)
    try:
        values = [_load(use, call, target) for call in use.calls]
        count = max(_count(value) for value in values)
        if count > MAX_LITERAL_VALUES:
            raise _NoLiteral(f"{count} values are more than {MAX_LITERAL_VALUES} for a literal")
        literals = [_literal(value) for value in values]
    except _NoLiteral as exc:
        flat.report("MF314", f"{target.rel} read with {use.name}(): {exc}; its text is "
                    "inlined instead", severity=Severity.WARNING,
                    **where(ref))  # type: ignore[arg-type]
        return False
    for call, literal in zip(use.calls, literals):
        text = f"iter({literal})" if use.fmt in ("csv", "csvdict") and use.as_list is None \
            else literal
        plan.replace[id(use.as_list or call)] = cst.parse_expression(text)
    if use.unwrap:
        plan.unwrap_with.add(id(ref.call))
    if any(_has_array(value) for value in values):
        plan.need_header("import numpy as np")
    plan.path_names |= names_in(ref.arg) if ref.arg is not None else set()
    shape = _describe(values[0])
    plan.records.append(AssetRecord(target.rel, "data", "inlined", f"{shape} literal of what "
                                    f"{use.name}() loads, {count} values, same value",
                                    ref.line, ref.module))
    flat.report("MF313", f"{target.rel} read with {use.name}() inlined as a {shape} literal "
                f"of its value ({count} values)", severity=Severity.FIXED,
                **where(ref))  # type: ignore[arg-type]
    return True


def _parent_map(node: cst.CSTNode) -> dict[int, cst.CSTNode]:
    parents: dict[int, cst.CSTNode] = {}

    class _V(cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[cst.CSTNode] = []

        def on_visit(self, n: cst.CSTNode) -> bool:
            if self.stack:
                parents[id(n)] = self.stack[-1]
            self.stack.append(n)
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            self.stack.pop()

    node.visit(_V())
    return parents


def _qualified(flat: Flat, ref: Ref, func: cst.BaseExpression) -> str | None:
    """`yaml.safe_load` for `yaml.safe_load`, `y.safe_load` after `import yaml as y`, or
    `safe_load` after `from yaml import safe_load`."""
    name = dotted(func)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    link = flat.pieces[ref.piece].links.get(head, "")
    kind, _, target = link.partition(":")
    if kind == "mod":
        head = target
    elif kind in ("from", "star"):
        head = target.replace(":", ".")
    return f"{head}.{rest}" if rest else head


def _loader_of(flat: Flat, ref: Ref, node: cst.CSTNode, parents: dict[int, cst.CSTNode],
               loaders: dict[str, str]) -> tuple[cst.Call, str, str] | None:
    """The loader call that takes `node` as its first argument: (call, format, name)."""
    arg = parents.get(id(node))
    call = parents.get(id(arg)) if isinstance(arg, cst.Arg) else None
    if not isinstance(call, cst.Call) or not call.args or call.args[0] is not arg \
            or arg.keyword is not None:
        return None
    name = _qualified(flat, ref, call.func)
    if name not in loaders:
        return None
    return call, loaders[name], code(call.func)


def _find_use(flat: Flat, ref: Ref, parents: dict[int, cst.CSTNode]) -> _Use | None:
    node: cst.CSTNode = ref.call
    if ref.api in ("loadtxt", "npload"):
        last = (dotted(ref.call.func) or "").rsplit(".", 1)[-1]
        fmt = last if ref.api != "npload" else "fromfile" if last == "fromfile" else "npload"
        return _Use([ref.call], fmt, code(ref.call.func))
    use: _Use | None = None
    if ref.api == "open":
        parent = parents.get(id(node))
        if isinstance(parent, cst.WithItem) and parent.item is node:
            return _with_use(flat, ref, parent, parents)
        read = _read_call(node, parents)
        found = _loader_of(flat, ref, read, parents, _TEXT_LOADERS) if read is not node \
            else _loader_of(flat, ref, node, parents, _FILE_LOADERS)
    else:  # Path(...).read_text()
        found = _loader_of(flat, ref, node, parents, _TEXT_LOADERS)
    if found is not None:
        use = _Use([found[0]], found[1], found[2])
        use.as_list = _list_call(found[0], parents) if found[1].startswith("csv") else None
    return use


def _read_call(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> cst.CSTNode:
    """`f.read()` around `f` (a text loader's argument), else `f` itself."""
    attr = parents.get(id(node))
    call = parents.get(id(attr)) if isinstance(attr, cst.Attribute) else None
    if isinstance(attr, cst.Attribute) and attr.value is node and attr.attr.value == "read" \
            and isinstance(call, cst.Call) and call.func is attr and not call.args:
        return call
    return node


def _list_call(call: cst.Call, parents: dict[int, cst.CSTNode]) -> cst.Call | None:
    """`list(call)`, whose value is the rows' list itself."""
    arg = parents.get(id(call))
    outer = parents.get(id(arg)) if isinstance(arg, cst.Arg) else None
    if isinstance(outer, cst.Call) and dotted(outer.func) == "list" and len(outer.args) == 1:
        return outer
    return None


def _with_use(flat: Flat, ref: Ref, item: cst.WithItem, parents: dict[int, cst.CSTNode]
              ) -> _Use | None:
    """`with open(p) as f:` whose body only passes `f` to loaders (`data = json.load(f)`)."""
    if item.asname is None or not isinstance(item.asname.name, cst.Name):
        return None
    name = item.asname.name.value
    block = parents.get(id(item))
    if not isinstance(block, cst.With) or id(block) not in parents:
        return None  # a module-level `with` is a whole piece: it stays, reading a StringIO
    uses: list[cst.Name] = []

    class _V(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            if n.value == name:
                uses.append(n)

    block.body.visit(_V())
    found = [_loader_of(flat, ref, n, parents, _FILE_LOADERS)
             or _loader_of(flat, ref, _read_call(n, parents), parents, _TEXT_LOADERS)
             for n in uses]
    if not found or any(f is None for f in found):
        return None
    loaders = [f for f in found if f is not None]
    if len({fmt for _, fmt, _ in loaders}) != 1:
        return None
    if any(fmt.startswith("csv") for _, fmt, _ in loaders):
        return None  # the rows are read while the file is open: keep the loop as written
    return _Use([c for c, _, _ in loaders], loaders[0][1], loaders[0][2], unwrap=True)


def _keywords(call: cst.Call, allowed: set[str], ignored: frozenset[str] = frozenset()
              ) -> dict[str, object]:
    """The loader's keyword arguments as values; each must be a literal (or a dtype name)."""
    out: dict[str, object] = {}
    for arg in call.args[1:]:
        if arg.keyword is None or arg.star:
            raise _NoLiteral(f"argument {code(arg.value)!r} is not a keyword")
        key = arg.keyword.value
        if key in ignored:
            continue
        if key not in allowed:
            raise _NoLiteral(f"keyword {key}= is not understood here")
        text = code(arg.value)
        if key == "dtype" and (dtype := _dtype(text)) is not None:
            out[key] = dtype
            continue
        try:
            out[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            raise _NoLiteral(f"{key}={text} is not a literal") from None
    return out


def _dtype(text: str) -> object | None:
    if text in _DTYPE_NAMES:
        return _DTYPE_NAMES[text]
    head, _, attr = text.partition(".")
    if head in ("np", "numpy") and attr.isidentifier():
        import numpy as np

        value = getattr(np, attr, None)
        return value if isinstance(value, type) and issubclass(value, np.generic) else None
    return None


def _load(use: _Use, call: cst.Call, target: Target) -> object:
    """The value the loader call returns, parsed here with safe loaders."""
    fmt = use.fmt
    if fmt == "npload":
        return _npload(call, target)
    if fmt == "fromfile":
        return _npfromfile(call, target)
    content = _read(target, False)
    if not isinstance(content, str):
        raise _NoLiteral("the file is not UTF-8 text")
    try:
        if fmt in ("loadtxt", "genfromtxt"):
            import numpy as np

            kwargs = _keywords(call, _NUMPY_KEYWORDS)
            kwargs.pop("encoding", None)
            loader: Callable[..., object] = np.loadtxt if fmt == "loadtxt" else np.genfromtxt
            with warnings.catch_warnings():  # "input contained no data": passes never print
                warnings.simplefilter("ignore")
                return loader(io.StringIO(content), **kwargs)
        if fmt in ("csv", "csvdict"):
            kwargs = _keywords(call, _CSV_KEYWORDS)
            reader: Callable[..., Iterable[object]] = csv.reader if fmt == "csv" \
                else csv.DictReader
            return list(reader(io.StringIO(content, newline=""), **kwargs))
        _keywords(call, set(), _IGNORED_KEYWORDS.get(fmt, frozenset()))
        if fmt == "json":
            return json.loads(content)
        if fmt == "toml":
            import tomllib

            return tomllib.loads(content)
        try:
            import yaml
        except ImportError:
            raise _NoLiteral("PyYAML is not installed to parse it") from None
        return yaml.safe_load(content)
    except _NoLiteral:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse error of the data: keep the text
        raise _NoLiteral(f"it does not parse ({type(exc).__name__}: {str(exc)[:80]})") from None


def _npload(call: cst.Call, target: Target) -> object:
    import numpy as np

    _keywords(call, {"allow_pickle", "encoding", "mmap_mode"})  # literals, or refused
    assert target.path is not None
    try:
        loaded = np.load(io.BytesIO(target.path.read_bytes()), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - not an array file, or one that needs pickle
        raise _NoLiteral(f"it is not a plain array file ({type(exc).__name__})") from None
    if isinstance(loaded, np.ndarray):
        return loaded
    with loaded:  # an .npz archive: a dict of its arrays
        return {key: loaded[key] for key in loaded.files}


def _npfromfile(call: cst.Call, target: Target) -> object:
    """`np.fromfile(p, dtype=..., count=..., sep=..., offset=...)`: the file's raw values, as
    numpy reads them (an `.npy` header included, as the original read it)."""
    import numpy as np

    kwargs = _keywords(call, {"dtype", "count", "sep", "offset"})
    assert target.path is not None
    try:
        return np.fromfile(target.path, **kwargs)  # type: ignore[call-overload]
    except Exception as exc:  # noqa: BLE001 - a size that is no multiple of the dtype's
        raise _NoLiteral(f"numpy cannot read it ({type(exc).__name__})") from None


def _literal(value: object) -> str:
    """Python source whose value equals `value` (checked by evaluating it back)."""
    text = _format(value, 0)
    import numpy as np

    back = eval(text, {"__builtins__": {}, "np": np, "float": float, "complex": complex})  # our own text
    if not _same(back, value):
        raise _NoLiteral("its literal does not give the same value back")
    return text


_WIDTH = 88


def _format(value: object, depth: int, numpy: bool = False) -> str:
    """`numpy`: inside an array, where NaN and infinity are written `np.nan`, `np.inf`."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return _array(value, depth)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "np.nan" if numpy else 'float("nan")'
        if math.isinf(value):
            text = "np.inf" if numpy else 'float("inf")'
            return text if value > 0 else f"-{text}"
        return repr(value)
    if isinstance(value, complex):
        if math.isfinite(value.real) and math.isfinite(value.imag):
            return repr(value)
        return f"complex({_format(value.real, depth, numpy)}, {_format(value.imag, depth, numpy)})"
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, (list, tuple)):
        items = [_format(v, depth + 1, numpy) for v in value]
        if isinstance(value, tuple):
            return _wrap_items("(", items + ([""] if len(items) == 1 else []), ")", depth)
        return _wrap_items("[", items, "]", depth)
    if isinstance(value, dict):
        for key in value:
            if not (key is None or isinstance(key, (str, int, float, bool))):
                raise _NoLiteral(f"a key of type {type(key).__name__} has no literal")
        items = [f"{_format(k, depth + 1)}: {_format(v, depth + 1)}" for k, v in value.items()]
        return _wrap_items("{", items, "}", depth)
    raise _NoLiteral(f"a value of type {type(value).__name__} has no literal")


def _wrap_items(open_: str, items: list[str], close: str, depth: int) -> str:
    """On one line when short; else one item per line, or numbers packed to the width."""
    one = open_ + ", ".join(items) + close
    if len(one) + 4 * depth <= _WIDTH and "\n" not in one:
        return one.replace(", )", ",)")
    pad = "    " * (depth + 1)
    if all("\n" not in i and not i.startswith(("[", "{", "(", "np.")) for i in items):
        lines, line = [], ""
        for item in items:
            if line and len(pad) + len(line) + len(item) + 2 > _WIDTH:
                lines.append(line.rstrip())
                line = ""
            line += item + ", "
        lines.append(line.rstrip())
        body = "".join(f"{pad}{x}\n" for x in lines if x)
    else:
        body = "".join(f"{pad}{item},\n" for item in items if item)
    return f"{open_}\n{body}{'    ' * depth}{close}"


def _array(arr: object, depth: int) -> str:
    import numpy as np

    assert isinstance(arr, np.ndarray)
    if arr.dtype.kind not in "biufcUS":
        raise _NoLiteral(f"an array of dtype {arr.dtype} has no literal")
    dtype = arr.dtype.name if arr.dtype.kind in "biufc" else arr.dtype.str
    if arr.size == 0:
        return f"np.empty({tuple(arr.shape)!r}, dtype={string_literal(dtype)})"
    body = _format(arr.tolist(), depth, numpy=True)
    inferred = np.array(arr.tolist()).dtype
    return f"np.array({body})" if inferred == arr.dtype else \
        f"np.array({body}, dtype={string_literal(dtype)})"


def _same(a: object, b: object) -> bool:
    import numpy as np

    if isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype \
            and bool(np.array_equal(a, b, equal_nan=b.dtype.kind in "fc"))
    if isinstance(b, float) and isinstance(a, float) and math.isnan(b):
        return math.isnan(a)
    if isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(  # type: ignore[arg-type]
            _same(x, y) for x, y in zip(a, b))  # type: ignore[call-overload]
    if isinstance(b, dict):
        return isinstance(a, dict) and list(a) == list(b) and all(
            _same(a[k], b[k]) for k in b)
    return type(a) is type(b) and a == b


def _count(value: object) -> int:
    import numpy as np

    if isinstance(value, np.ndarray):
        return int(value.size)
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_count(v) for v in value)
    return 1


def _has_array(value: object) -> bool:
    import numpy as np

    return isinstance(value, np.ndarray) or (
        isinstance(value, dict) and any(_has_array(v) for v in value.values()))


def _describe(value: object) -> str:
    import numpy as np

    if isinstance(value, np.ndarray):
        return f"np.array (shape {tuple(value.shape)}, {value.dtype})"
    return type(value).__name__
