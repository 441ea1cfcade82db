"""The keyword arguments Manim CE's classes take, to upgrade old manimlib's calls: its Mobjects
digested any keyword into an attribute, Manim CE's raise a TypeError on one they do not take.

A class takes the named parameters of each `__init__` along its MRO up to the first that has no
`**kwargs`; when every one passes `**kwargs` on, what it takes is unknown (None) and nothing is
dropped. Computed in a subprocess from the installed manim (manim is the truth about manim),
once per manim version, and cached on disk like the star exports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from importlib import metadata

from ..outputs import write_atomic
from ..user_cache import user_cache_dir as cache_dir

_SCRIPT = """
import inspect, json, manim
out = {}
for name in dir(manim):
    cls = getattr(manim, name)
    if not isinstance(cls, type) or not issubclass(cls, (manim.Mobject, manim.Scene)):
        continue
    taken, closed = set(), False
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass is object:
            continue
        try:
            params = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):
            break
        taken |= {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            closed = True
            break
    if closed:
        out[name] = sorted(taken - {"self"})
print(json.dumps(out))
"""


@cache
def ce_keywords() -> dict[str, frozenset[str]]:
    """Manim CE Mobject or Scene class name -> the keywords it takes (where that is known)."""
    try:
        version = metadata.version("manim")
    except metadata.PackageNotFoundError:
        return {}
    path = cache_dir() / "exports" / f"manim-keywords-{version}.v2.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        try:
            out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True,
                                 text=True, timeout=120, check=True).stdout
            data = json.loads(out.strip().splitlines()[-1])
        except (subprocess.SubprocessError, ValueError, IndexError, OSError):
            return {}
        try:
            write_atomic(path, json.dumps(data))
        except OSError:
            pass  # a read-only cache only costs time
    return {name: frozenset(keys) for name, keys in data.items()}
