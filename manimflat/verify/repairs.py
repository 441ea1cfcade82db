"""Deterministic repairs applied by the verify levels ("fix, don't reject"); no network, no LLM.

Each repair returns the new code and a list of `Fix`es (position in the code it was given, and
a message); the level turns them into `fixed` diagnostics and verifies the repaired code again.
The flattening pipeline makes the compile-warning repairs and the API upgrades itself (passes
`repair-warnings`, which also calls `identity_with_literal`, and `upgrade-api`); the levels
apply them to code that did not come from the pipeline.

- `identity_with_literal`: `x is 1` (a SyntaxWarning) becomes `x == 1`.
- `add_wait`: a scene that plays nothing gets `self.wait()` at the end of `construct`, so it
  renders a video instead of nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..diagnostics import Severity


@dataclass(frozen=True)
class Fix:
    code: str  # diagnostic code: MF210, MF211, MF212, MF413, MF414, MF416
    message: str
    line: int | None = None
    col: int | None = None  # 0-based, as libcst and ast count
    severity: Severity = Severity.FIXED  # a repair; a report when nothing was changed


# ---------------------------------------------------------------- `is` with a literal

_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString,
             cst.FormattedString)


class _IdentityFixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        self.fixes: list[Fix] = []

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison
                         ) -> cst.Comparison:
        targets = []
        left: cst.BaseExpression = updated.left
        for target in updated.comparisons:
            op = target.operator
            if isinstance(op, (cst.Is, cst.IsNot)) and (
                    isinstance(left, _LITERALS) or isinstance(target.comparator, _LITERALS)):
                new_op: cst.BaseCompOp = (
                    cst.Equal(whitespace_before=op.whitespace_before,
                              whitespace_after=op.whitespace_after) if isinstance(op, cst.Is)
                    else cst.NotEqual(whitespace_before=op.whitespace_before,
                                      whitespace_after=op.whitespace_after))
                target = target.with_changes(operator=new_op)
                pos = self.get_metadata(PositionProvider, original).start
                self.fixes.append(Fix("MF416", "identity test with a literal (`is`) made an "
                                      "equality test (`==`), as Python's SyntaxWarning advises",
                                      pos.line, pos.column))
            targets.append(target)
            left = target.comparator
        return updated.with_changes(comparisons=targets)


def identity_with_literal(code: str) -> tuple[str, list[Fix]]:
    """`x is 1` -> `x == 1`: the comparison CPython warns about meant equality."""
    fixer = _IdentityFixer()
    module = MetadataWrapper(cst.parse_module(code)).visit(fixer)
    return module.code, fixer.fixes


# ---------------------------------------------------------------- a scene that plays nothing

def add_wait(code: str, scene: str) -> tuple[str, list[Fix]]:
    """Append `self.wait()` to `scene.construct`; no change when there is no such method."""
    module = cst.parse_module(code)
    fixes: list[Fix] = []
    lines = [n.lineno for n in ast.walk(ast.parse(code)) if isinstance(n, ast.ClassDef)
             and n.name == scene for f in n.body
             if isinstance(f, ast.FunctionDef) and f.name == "construct"]

    class AddWait(cst.CSTTransformer):
        def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
            if original.name.value != scene or not isinstance(updated.body, cst.IndentedBlock):
                return updated
            body = list(updated.body.body)
            for i, stmt in enumerate(body):
                if (isinstance(stmt, cst.FunctionDef) and stmt.name.value == "construct"
                        and isinstance(stmt.body, cst.IndentedBlock) and stmt.params.params):
                    this = stmt.params.params[0].name.value
                    wait = cst.parse_statement(f"{this}.wait()\n")
                    body[i] = stmt.with_changes(body=stmt.body.with_changes(
                        body=[*stmt.body.body, wait]))
                    fixes.append(Fix("MF414", f"{scene} played no animation; added "
                                     f"`{this}.wait()` at the end of construct",
                                     lines[0] if lines else None))
                    return updated.with_changes(body=updated.body.with_changes(body=body))
            return updated

    new = module.visit(AddWait())
    return new.code, fixes
