"""inline-data-files: data and code files read by the scene become literals of the same content.

Before: the pieces may read repository files at run time: `Code(file_name=...)` /
`Code("x.py")` / `Code(code_file=...)`, `open(path)` (read modes), `Path(...).read_text()` /
`.read_bytes()`, `np.loadtxt` / `np.genfromtxt` / `np.load`, `pd.read_csv`.

After, with `--assets replace`: each becomes the same content as a literal, so no file is
read: `Code(code_string=..., language=<the lexer manim would have guessed from the file
name>)`, `io.StringIO(...)` / `io.BytesIO(...)` where a file object or path is expected
(text as `open` would return it: universal newlines), a `str`/`bytes` literal for
`read_text`/`read_bytes` (MF305). With `check_mobjects` on, each `Code` is built both ways
by manim in a subprocess (manim reads the data file; no repository code runs) and the
number of submobjects is compared, since `Write` times and staggers by submobjects: the
result is in the asset record, and a difference is MF312. References that cannot be
inlined (missing, too large, not UTF-8 text, opened for writing) are reported (MF302,
MF310) and left as they are. `keep` copies the files instead; `reject` refuses them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

import libcst as cst

from ..assets.refs import DATA_APIS, Ref, Target, find_refs, names_in
from ..assets.rewrite import (
    Plan,
    apply,
    dispatch_values,
    keep,
    kwarg,
    long_literal,
    reject,
    string_literal,
    where,
)
from ..diagnostics import Severity
from ..ir import AssetRecord, Flat
from ..pass_manager import ALL, NONE, Pass

MAX_INLINE_BYTES = 100_000
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
            return ALL
        if flat.settings.assets == "reject":
            reject(flat, refs, "data file")
            return ALL
        plan = Plan(pieces={ref.piece for ref in refs})
        checks: list[tuple[AssetRecord, str, str, str]] = []  # record, file, content, language
        for ref in refs:
            if ref.api == "open" and not _reads(ref.mode):
                _leave(flat, plan, ref, f"opened with mode {ref.mode!r}: a write, not a read")
                continue
            if flat.settings.assets == "keep" and keep(flat, plan, ref, "data"):
                flat.report("MF309", f"{ref.text} kept as a file beside the output",
                            severity=Severity.INFO, **where(ref))  # type: ignore[arg-type]
                continue
            _plan_inline(flat, plan, ref, checks)
        if checks and self.check_mobjects:
            _check_code_mobjects(flat, checks)
        apply(flat, plan)
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



