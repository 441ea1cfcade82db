"""manimflat: flatten Manim CE scenes from real repositories into self-contained files."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import FlatResult, Session, discover, flatten, flatten_all
from .diagnostics import CODES, Diagnostic, Severity
from .ir import Flat, Piece, SceneRef
from .markdown import strip_markdown, wrap_markdown
from .pass_manager import REGISTRY, Pass, PassManager, get_pass, parse_pipeline

__all__ = [
    "CODES",
    "REGISTRY",
    "Diagnostic",
    "Flat",
    "FlatResult",
    "Pass",
    "PassManager",
    "Piece",
    "SceneRef",
    "Session",
    "Severity",
    "__version__",
    "discover",
    "flatten",
    "flatten_all",
    "get_pass",
    "parse_pipeline",
    "strip_markdown",
    "wrap_markdown",
]
