"""`x is 1` (a SyntaxWarning) becomes `x == 1`."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .fix import Fix

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
