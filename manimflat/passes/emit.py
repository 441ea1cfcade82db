"""emit: render the pieces into the output text, with one fixed layout.

Before: `Flat.header` and `Flat.pieces` are final. After: `Flat.code` holds the file: the
import block, then every piece as its original source (comments and docstrings kept), with
black's blank-line rules between top-level statements. The layout depends only on the
pieces, so the output is deterministic and flattening it again gives the same bytes. With
`formatter = "black"` the whole file is then formatted by the pinned black.

Then the output is refused (an error) when pyflakes finds a name undefined in it that the
original defines where it uses it (MF213: renamed or shaken away by mistake) or that no
original statement uses (MF214: introduced by a pass); a name the original leaves undefined
too is an error only when nothing reported it yet (MF215).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Literal

from ..analyses.bindings import Unresolved
from ..analyses.naming import Naming
from ..analyses.resolution import Resolvers
from ..diagnostics import Severity
from ..ir import Flat
from ..pass_manager import ALL, Pass
from ..verify.static import undefined_uses

_MODULE_DUNDER = re.compile(r"(?<![.\w])__(?:file|name)__\b")


@dataclass(frozen=True)
class Emit(Pass):
    NAME = "emit"
    DESCRIPTION = "render the header and pieces into one deterministic file"
    NEEDS = ("closure",)
    REQUIRES = ("names", "resolvers")
    PROVIDES = ("code",)
    FROM_SETTINGS = ("formatter",)

    formatter: Literal["none", "black"] = "none"  # "black": format the file with pinned black

    def run(self, flat: Flat) -> frozenset[str]:
        code = render(flat)
        if self.formatter == "black":
            import black  # pinned in pyproject.toml: the same version formats the same way

            code = black.format_str(code, mode=black.Mode(target_versions={
                black.TargetVersion.PY310}))
        flat.code = code
        _report_module_dunders(flat)
        _refuse_undefined(flat)
        return ALL


def _refuse_undefined(flat: Flat) -> None:
    """Every name undefined in the output gets an error naming where the original uses it."""
    allowed = flat.settings.allowed_imports
    for name, (line, _) in undefined_uses(flat.code or "", allowed).items():
        if any(d.is_error and re.search(rf"\b{re.escape(name)}\b", d.message)
               for d in flat.diagnostics):
            continue  # already reported as an error (MF103 names what it could not resolve)
        uses = _original_uses(flat, name)
        where = ", ".join(f"{module}:{at}" + (f" as `{src}`" if src != name else "")
                          for module, at, src, _ in uses[:3])
        if not uses:
            flat.report("MF214", f"undefined name `{name}` at line {line} of the output, which "
                        "no statement of the original uses: a flattening bug",
                        path=flat.scene.path)
        elif not any(undefined for *_, undefined in uses):
            module, at, *_ = uses[0]
            flat.report("MF213", f"undefined name `{name}` at line {line} of the output, though "
                        f"the original defines it where it uses it ({where}): a flattening "
                        "bug", path=module, line=at)
        else:
            module, at, *_ = next(use for use in uses if use[3])
            flat.report("MF215", f"name `{name}` is undefined, in the original as in the output "
                        f"(line {line} of the output): define or import it", path=module, line=at)


def _original_uses(flat: Flat, name: str) -> list[tuple[str, int, str, bool]]:
    """(module, line, name there, is it undefined in that module) for each piece whose
    original text spells `name`, or what became it (a renamed name, a `module.attr` chain)."""
    names = flat.analyses.get(Naming)
    memo = flat.program.memo.setdefault("undefined", {})
    resolver = flat.analyses.get(Resolvers).of(flat.scene.path)
    out = []
    for piece in flat.pieces:
        info = flat.program.module(piece.module) if piece.module else None
        unit = info.unit_at.get(piece.line) if info else None
        if info is None or unit is None:
            continue
        sources = [src for src, new in piece.renames.items() if new == name]
        sources += [".".join(chain) for chain, key in piece.chains.items()
                    if names.names.get(key, chain[-1]) == name]
        if name not in piece.renames:
            sources.append(name)
        for src in sources:
            word = re.compile(rf"(?<![\w.]){re.escape(src)}\b")
            at = next((unit.start + k for k, text in enumerate(
                info.lines[unit.start - 1:unit.end]) if word.search(text)), None)
            if at is None:
                continue
            if info.path not in memo:
                memo[info.path] = undefined_uses(info.source, flat.settings.allowed_imports,
                                                 drop_unknown_stars=True)
            undefined = memo[info.path]
            assert isinstance(undefined, dict)
            # Reported, and no star import of a repository module binds it either.
            out.append((info.path, at, src, src in undefined and isinstance(
                resolver.resolve(info.path, src.split(".")[0]), Unresolved)))
    return out


def _report_module_dunders(flat: Flat) -> None:
    """`__file__`/`__name__` still in the output (the asset passes remove the asset paths
    built from `__file__`): in a flattened file they describe another file."""
    code = flat.code or ""
    if ("__file__" not in code and "__name__" not in code) or not _MODULE_DUNDER.search(code):
        return  # `x.__name__` is an attribute, not the global
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and node.id in ("__file__", "__name__"):
            flat.report("MF207", f"`{node.id}` is used in the output; it names the flattened "
                        "file, not the original", severity=Severity.WARNING,
                        path=f"{flat.scene.name}.py", line=node.lineno, col=node.col_offset + 1)


def render(flat: Flat) -> str:
    """The output text for the current IR (see `Flat.render`)."""
    return flat.render()
