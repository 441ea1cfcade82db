"""The one validator of TOML tables: `[tool.manimflat]` (settings.py) and the dataset config
(dataset/config.py) name an unknown key with the closest known one and check a value's TOML
type the same way, in the same words.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

Kinds = type | tuple[type, ...]

# A TOML number is an integer or a float: (int, float) reads "a number".
_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
          list: "a list", dict: "a table"}


def did_you_mean(key: str, known: Iterable[str], spell: Callable[[str], str] = str) -> str:
    """" (did you mean 'x'?)" for the known key closest to `key`, else ""."""
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean {spell(close[0])!r}?)" if close else ""


def kind_name(kinds: Kinds) -> str:
    found = kinds if isinstance(kinds, tuple) else (kinds,)
    if set(found) == {int, float}:
        return _NAMES[float]
    return " or ".join(_NAMES.get(k, k.__name__) for k in found)


def type_error(key: str, value: Any, kinds: Kinds) -> str | None:
    """Why `value` is not of `kinds` ("jobs must be an integer, not 'four'"), or None. A bool
    is an int to Python, but `jobs = true` is a typo, not a number."""
    found = kinds if isinstance(kinds, tuple) else (kinds,)
    if isinstance(value, found) and not (isinstance(value, bool) and bool not in found):
        return None
    return f"{key} must be {kind_name(kinds)}, not {value!r}"
