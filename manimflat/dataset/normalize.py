"""What "the same code" and "the same description" mean for deduplication.

Code is compared after an AST round trip: comments, docstrings and formatting disappear, while
string literals stay whole (a `#` inside `"#FF0000"` is data, never a comment to cut at).
"""

from __future__ import annotations

import ast
import hashlib
import re

_TOKEN = re.compile(r"\w+|[^\w\s]")


class _DropDocstrings(ast.NodeTransformer):
    def _strip(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        body = node.body  # type: ignore[attr-defined]
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
        return node

    visit_Module = visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _strip


def normalize_code(code: str) -> str:
    """Canonical text of the code; code that does not parse is only whitespace-normalized."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return "\n".join(line.rstrip() for line in code.strip().splitlines())
    return ast.unparse(_DropDocstrings().visit(tree))


def normalize_description(text: str) -> str:
    return " ".join(text.lower().split())


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def count_tokens(code: str) -> int:
    """Word and punctuation tokens: a tokenizer-free proxy for an LLM's token count."""
    return len(_TOKEN.findall(code))
