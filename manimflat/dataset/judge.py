"""The optional description judge: does this description describe this code? Off by default.

Two interfaces (see docs/dataset.md):
- `callable = "module:function"`: `function(code: str, description: str)` returns a bool, or a
  `(bool, reason)` pair, or `{"ok": bool, "reason": str}`; a function taking a third argument
  also gets the row's storyboard (a dict, see describe.py), to check the description against.
- `command = ["prog", "arg"]`: run once; it reads one JSON object per line on stdin
  (`{"id", "code", "description", "storyboard"}`) and writes one per line on stdout
  (`{"id", "ok", "reason"}`).
A judge that fails (import error, non-zero exit, missing answers) stops the build with a
DatasetError: a broken judge says nothing about the descriptions, so no row is rejected for it.
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
from collections.abc import Callable
from typing import Any, TypeVar

from .config import DatasetError, JudgeConfig

T = TypeVar("T")

Verdict = tuple[bool, str]


def run_judge(config: JudgeConfig, items: list[dict[str, Any]]) -> dict[str, Verdict]:
    """Verdicts for items `{"id", "code", "description"}`, keyed by id."""
    if not items:
        return {}
    if config.callable:
        return _call(config.callable, items)
    return _command(list(config.command), items)


def _verdict(answer: Any, where: str) -> Verdict:
    if isinstance(answer, dict):
        answer = (answer.get("ok"), answer.get("reason", ""))
    if isinstance(answer, tuple) and len(answer) == 2:
        ok, reason = answer
    else:
        ok, reason = answer, ""
    if not isinstance(ok, bool):
        raise DatasetError(f"judge {where} answered {answer!r}; expected true or false")
    return ok, str(reason or "")


def load_plug(target: str, label: str, error: type[DatasetError] = DatasetError) -> Any:
    """The callable a `module:attribute` plug names (the judge's, the describer's)."""
    module_name, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise error(f"{label} {target!r} cannot be loaded: {exc}") from None


def _call(target: str, items: list[dict[str, Any]]) -> dict[str, Verdict]:
    function = load_plug(target, "judge")
    try:
        with_board = len(inspect.signature(function).parameters) >= 3
    except (TypeError, ValueError):
        with_board = False
    out = {}
    for item in items:
        try:
            answer = (function(item["code"], item["description"], item.get("storyboard") or {})
                      if with_board else function(item["code"], item["description"]))
        except Exception as exc:  # noqa: BLE001 - the judge is user code
            raise DatasetError(f"judge {target!r} raised on row {item['id']}: "
                               f"{type(exc).__name__}: {exc}") from None
        out[item["id"]] = _verdict(answer, target)
    return out


def _command(argv: list[str], items: list[dict[str, Any]]) -> dict[str, Verdict]:
    return run_command_plug(argv, items, "judge command", '{"id", "ok", "reason"}',
                            lambda answer, number: _verdict(answer, f"command line {number}"))


def run_command_plug(argv: list[str], items: list[dict[str, Any]], label: str, shape: str,
                     answer_of: Callable[[dict[str, Any], int], T], *,
                     timeout: float | None = None,
                     error: type[DatasetError] = DatasetError) -> dict[str, T]:
    """A command plug (the judge's, the describer's): one JSON object per item on its stdin,
    one per answer on its stdout, matched by `id`; `answer_of(answer, line_number)` reads an
    answer (KeyError/TypeError: the line is not `shape`). Every failure raises `error`."""
    payload = "".join(json.dumps(item) + "\n" for item in items)
    try:
        done = subprocess.run(argv, input=payload, capture_output=True, text=True, check=False,
                              timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise error(f"{label} {argv[0]!r} cannot run: {exc}") from None
    if done.returncode != 0:
        raise error(f"{label} exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    out: dict[str, T] = {}
    for number, line in enumerate(done.stdout.splitlines(), 1):
        if not line.strip():
            continue
        try:
            answer = json.loads(line)
            out[str(answer["id"])] = answer_of(answer, number)
        except (json.JSONDecodeError, KeyError, TypeError):
            raise error(f"{label} output line {number} is not {shape} JSON: "
                        f"{line[:200]!r}") from None
    missing = [item["id"] for item in items if item["id"] not in out]
    if missing:
        raise error(f"{label} gave no answer for {len(missing)} rows (first: {missing[0]})")
    return out
