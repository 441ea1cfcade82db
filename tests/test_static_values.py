"""Static values the asset passes read without running code: literal dicts of file names
(`analyses/constants.py`, `analyses/paths.py`) and names a package re-exports from the
standard library (`analyses/externals.py`)."""

from __future__ import annotations

import libcst as cst
import pytest

from manimflat.analyses.constants import module_constants
from manimflat.analyses.externals import stdlib_origin
from manimflat.analyses.paths import evaluate


def _names(source: str) -> dict:
    names: dict = {}
    for stmt in cst.parse_module(source).body:
        module_constants(stmt, names, {}, file="/r/a.py", root="/r")
    return names


def test_literal_dict_lookups() -> None:
    names = _names('HERE = "/r"\nFILES = {"a": "x.svg", 2: HERE + "/y.png"}\n')
    assert evaluate('FILES["a"]', file="/r/a.py", cwd="/r", names=names) == "x.svg"
    assert evaluate("FILES[2]", file="/r/a.py", cwd="/r", names=names) == "/r/y.png"
    assert evaluate('FILES.get("b", "z.svg")', file="/r/a.py", cwd="/r", names=names) == "z.svg"
    assert evaluate('FILES.get("b")', file="/r/a.py", cwd="/r", names=names) is None
    assert evaluate('OTHER.get("a", "z.svg")', file="/r/a.py", cwd="/r", names=names) is None


def test_dict_rebound_to_unknown_is_forgotten() -> None:
    names = _names('FILES = {"a": "x.svg"}\nFILES = {**more}\n')
    assert evaluate('FILES["a"]', file="/r/a.py", cwd="/r", names=names) is None


def test_stdlib_reexport() -> None:
    pytest.importorskip("cycler")
    assert stdlib_origin("cycler", "cycle") == "itertools"  # `from itertools import cycle`
    assert stdlib_origin("cycler", "cycler") is None  # its own function
    assert stdlib_origin("itertools", "cycle") is None  # already the standard library
