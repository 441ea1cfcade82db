"""Markdown in and out of code: `strip_markdown` for snippet sources, `wrap_markdown` for `text`.

Snippets scraped from chats and datasets arrive as fenced blocks (```` ```python ````, ```` ```py ````,
bare ```` ``` ````, `~~~`) with prose around them, sometimes several blocks. `strip_markdown` keeps
the block that defines the scene, joined with the blocks it needs (imports, helpers, bases).

Known limits: fences are found on lines of their own (CommonMark style); a fence line inside a
Python string is told apart from a real closing fence by whether the body parses, so a block whose
code is broken anyway closes at the first candidate fence.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")
_PYTHON_INFO = {"", "python", "py", "python3", "py3", "pycon", "manim", "{python}", "{.python}"}
# A line of prose around unfenced code: a capitalised word then more words, at column 0.
_PROSE = re.compile(r"^[A-Z][A-Za-z']*(\s+\S+){2,}\s*$")
_CODE_START = re.compile(r"^(from\s|import\s|class\s|def\s|async\s|@|#|[A-Za-z_]\w*\s*=)")


@dataclass(frozen=True)
class _Block:
    info: str
    body: str


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def _body(lines: list[str], indent: int) -> str:
    """The block's lines with the fence's own indentation removed (CommonMark)."""
    out = []
    for line in lines:
        strip = min(indent, len(line) - len(line.lstrip(" \t")))
        out.append(line[strip:])
    return "\n".join(out) + "\n"


def _blocks(text: str) -> list[_Block]:
    lines = text.splitlines()
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        info = opening["info"].lower()
        closes = [j for j in range(i + 1, len(lines))
                  if (m := _FENCE.match(lines[j])) and not m["info"]
                  and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence)]
        # A candidate fence inside a triple-quoted string leaves the body unparsable: prefer the
        # first close at which the body parses, else the first close (the code is broken anyway).
        end = next((j for j in closes if _parses(_body(lines[i + 1:j], indent))),
                   closes[0] if closes else len(lines))
        blocks.append(_Block(info, _body(lines[i + 1:end], indent)))
        i = end + 1
    return blocks


def _defined(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _used(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _is_scene(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            if any("Scene" in ast.unparse(b) for b in node.bases):
                return True
            if any(isinstance(f, ast.FunctionDef) and f.name == "construct" for f in node.body):
                return True
    return False


def _imports_only(tree: ast.Module) -> bool:
    return bool(tree.body) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def _select(blocks: list[_Block]) -> str:
    """The scene's block plus the blocks it needs, in their original order."""
    python = [b for b in blocks if b.info in _PYTHON_INFO] or blocks
    parsed = [(b, tree) for b in python if (tree := _try_parse(b.body)) is not None]
    if not parsed:
        return max(python, key=lambda b: len(b.body)).body
    scenes = [p for p in parsed if _is_scene(p[1])]
    if not scenes:
        joined = "\n".join(b.body for b, _ in parsed)
        return joined if _parses(joined) else max(parsed, key=lambda p: len(p[0].body))[0].body
    # The last scene block is usually the corrected, final version of earlier attempts.
    primary = scenes[-1]
    chosen = {id(primary[0])}
    defined, needed = _defined(primary[1]), _used(primary[1]) - _defined(primary[1])
    changed = True
    while changed:
        changed = False
        for block, tree in parsed:
            if id(block) in chosen:
                continue
            provides = _defined(tree) - defined
            if (provides & needed) or (_imports_only(tree) and provides):
                chosen.add(id(block))
                defined |= _defined(tree)
                needed = (needed | _used(tree)) - defined
                changed = True
    joined = "\n".join(b.body for b, _ in parsed if id(b) in chosen)
    return joined if _parses(joined) else primary[0].body


def _try_parse(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError):
        return None


def _unfenced(text: str) -> str:
    """Code with prose lines before or after it but no fences: drop the prose, keep the code."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _CODE_START.match(line)), None)
    if start is None:
        return text
    for end in range(len(lines), start, -1):
        code = "\n".join(lines[start:end]) + "\n"
        dropped = [line for line in lines[:start] + lines[end:] if line.strip()]
        # Only prose may be dropped: broken code must stay broken so the row is rejected.
        if _parses(code) and all(_PROSE.match(line) and not _parses(line) for line in dropped):
            return code
    return text


def strip_markdown(text: str) -> str:
    """Plain Python code from a markdown answer; text that already is code comes back unchanged."""
    if _parses(text):
        return text
    blocks = _blocks(text)
    if not blocks:
        return _unfenced(text)
    return _select(blocks)


def wrap_markdown(code: str) -> str:
    """Code in one ```` ```python ```` block; markdown is stripped first so nothing is wrapped twice."""
    body = strip_markdown(code).strip("\n")
    # A fence longer than any backtick run at a line start inside the code (CommonMark).
    runs = [len(m.group(1)) for m in re.finditer(r"^[ \t]*(`{3,})", body, re.MULTILINE)]
    fence = "`" * max([3] + [r + 1 for r in runs])
    return f"{fence}python\n{body}\n{fence}\n"
