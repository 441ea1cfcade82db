"""The keyword arguments Manim CE's classes take, to upgrade old manimlib's calls: its Mobjects
digested any keyword into an attribute, Manim CE's raise a TypeError on one they do not take.

A class takes the named parameters of each `__init__` along its MRO up to the first that has no
`**kwargs`; when every one passes `**kwargs` on, what it takes is unknown (None) and nothing is
dropped. Computed in a subprocess from the installed manim (manim is the truth about manim),
once per manim version, and cached on disk by the star exports' probe.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from ..analyses.externals import cached_probe

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
    data = cached_probe(f"manim-keywords-{version}.v2.json", _SCRIPT)
    if not isinstance(data, dict):
        return {}
    return {name: frozenset(keys) for name, keys in data.items()}
