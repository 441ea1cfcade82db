"""A scene that plays nothing gets `self.wait()` at the end of `construct`, so it renders a
video instead of nothing."""

from __future__ import annotations

import ast

import libcst as cst

from .fix import Fix


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
