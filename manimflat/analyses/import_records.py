"""The import statements of a unit as records (`ImportRec`): plain, from, relative, star and
`importlib.import_module("literal")` imports; which run with the module and which only when
a function is called; which are guarded by a `try` that handles their failure.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple


class ImportRec(NamedTuple):  # a tuple: files hold thousands, and they are dict keys
    """One imported name: `import a.b as c` -> module="a.b", name=None, alias="c"."""

    module: str  # dotted, "" for `from . import x`
    level: int  # leading dots of a relative import
    name: str | None  # None for `import x`; "*" for star imports
    alias: str | None  # the name it binds (None for star imports)
    line: int
    group: int  # imports of one try/except share a group: the first that resolves wins
    dynamic: bool = False  # importlib.import_module("literal")
    guarded: bool = False  # inside `try:` with handlers: failing to import is handled

    @property
    def bound(self) -> str | None:
        if self.name == "*":
            return None
        if self.alias:
            return self.alias
        if self.name is None:
            return self.module.split(".")[0]
        return self.name



def walk_imports(node: ast.AST, deferred: bool,
                  guarded: bool) -> Iterator[tuple[ast.AST, bool, bool]]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node, deferred, guarded
        return
    if isinstance(node, ast.Call) and dynamic_import_name(node):
        yield node, deferred, guarded
    inner = deferred or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
    if isinstance(node, ast.Try) and node.handlers:
        for stmt in node.body:
            yield from walk_imports(stmt, inner, True)
        rest: list[ast.AST] = [*node.handlers, *node.orelse, *node.finalbody]
        for other in rest:
            yield from walk_imports(other, inner, guarded)
        return
    for child in ast.iter_child_nodes(node):
        yield from walk_imports(child, inner, guarded)


def dynamic_import_name(call: ast.Call) -> str | None:
    func = call.func
    dotted = (f"{func.value.id}.{func.attr}" if isinstance(func, ast.Attribute)
              and isinstance(func.value, ast.Name) else (func.id if isinstance(func, ast.Name) else None))
    if dotted in ("importlib.import_module", "import_module", "__import__") and call.args:
        arg = call.args[0]
        value = arg.value if isinstance(arg, ast.Constant) else None
        return value if isinstance(value, str) else None
    return None


def records(node: ast.AST, group: int, guarded: bool) -> list[ImportRec]:
    line = getattr(node, "lineno", 0)
    if isinstance(node, ast.Import):
        return [ImportRec(a.name, 0, None, a.asname, line, group, False, guarded)
                for a in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.module == "__future__":
            return []
        return [ImportRec(node.module or "", node.level, a.name, a.asname, line, group,
                          False, guarded) for a in node.names]
    assert isinstance(node, ast.Call)
    return [ImportRec(dynamic_import_name(node) or "", 0, None, None, line, group,
                      True, guarded)]
