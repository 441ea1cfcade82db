"""Passes, the registry of passes, and the manager that runs a pipeline.

A pass is a frozen dataclass: its fields are its options (parsed from the spec by their type),
`NAME`/`DESCRIPTION` are class variables, `REQUIRES` names the analyses it reads (see
`analysis.py`), `NEEDS`/`PROVIDES` the IR states it expects and establishes ("closure":
`Flat.pieces` is filled; "code": `Flat.code` is rendered). `run` returns the names of the
scene-level analyses it preserved; the manager drops every other one (and what was computed
from it), so a pass that changes the pieces cannot leave stale results behind. A pass after
which nothing sensible is left to do sets `Flat.halted`.
"""

from __future__ import annotations

import importlib
import re
import time
import traceback
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

from .analysis import ALL, NONE, Analysis, AnalysisError, AnalysisManager
from .ir import Flat
from .settings import Settings

__all__ = ["ALL", "NONE", "REGISTRY", "Analysis", "AnalysisError", "AnalysisManager", "Pass",
           "PassFailure", "PassManager", "PipelineError", "check_pipeline", "default_pipeline",
           "get_pass", "parse_pipeline"]


@dataclass(frozen=True)
class Pass:
    NAME: ClassVar[str] = ""
    DESCRIPTION: ClassVar[str] = ""
    REQUIRES: ClassVar[tuple[str, ...]] = ()
    NEEDS: ClassVar[tuple[str, ...]] = ()
    PROVIDES: ClassVar[tuple[str, ...]] = ()
    # Options a session's pipeline takes from the `Settings` field of the same name when the
    # spec does not set them: settings reach a pass as its options, so the spec says what the
    # pass does (and the report's `pipeline` shows it).
    FROM_SETTINGS: ClassVar[tuple[str, ...]] = ()

    def run(self, flat: Flat) -> frozenset[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def options(cls) -> list[tuple[str, str, Any]]:
        """(name, type, default) for each option, for `manimflat passes` and the docs."""
        out = []
        for f in fields(cls):
            default = f.default if f.default is not MISSING else None
            out.append((f.name, str(f.type), default))
        return out

    def spec(self) -> str:
        """This pass as a pipeline item: `name`, or `name{opt=value}` for options that differ
        from their defaults. `parse_pipeline(p.spec())` gives back an equal pass."""
        opts = [f"{f.name}={_format(getattr(self, f.name))}" for f in fields(self)
                if f.default is MISSING or getattr(self, f.name) != f.default]
        return f"{self.NAME}{{{' '.join(opts)}}}" if opts else self.NAME


# name -> "module:Class". Lazy: importing manimflat imports no pass. A test checks that every
# module in manimflat/passes/ is registered here.
REGISTRY: dict[str, str] = {
    "resolve-imports": "manimflat.passes.resolve_imports:ResolveImports",
    "collect-closure": "manimflat.passes.collect_closure:CollectClosure",
    "lower-plugins": "manimflat.passes.lower_plugins:LowerPlugins",
    "upgrade-dialect": "manimflat.passes.upgrade_dialect:UpgradeDialect",
    "upgrade-api": "manimflat.passes.upgrade_api:UpgradeApi",
    "inline-bases": "manimflat.passes.inline_bases:InlineBases",
    "rewrite-assets": "manimflat.passes.rewrite_assets:RewriteAssets",
    "inline-data-files": "manimflat.passes.inline_data_files:InlineDataFiles",
    "deconflict-names": "manimflat.passes.deconflict_names:DeconflictNames",
    "normalize-imports": "manimflat.passes.normalize_imports:NormalizeImports",
    "repair-warnings": "manimflat.passes.repair_warnings:RepairWarnings",
    "emit": "manimflat.passes.emit:Emit",
    "verify-syntax": "manimflat.passes.verify_syntax:VerifySyntax",
    "verify-static": "manimflat.passes.verify_static:VerifyStatic",
    "verify-exec": "manimflat.passes.verify_exec:VerifyExec",
    "verify-render": "manimflat.passes.verify_render:VerifyRender",
}

FLATTEN_PIPELINE = ("resolve-imports", "collect-closure", "upgrade-dialect", "lower-plugins",
                    "upgrade-api",
                    "inline-bases", "rewrite-assets", "inline-data-files", "deconflict-names",
                    "normalize-imports", "repair-warnings", "emit")
VERIFY_PASSES = {"syntax": ("verify-syntax",),
                 "static": ("verify-syntax", "verify-static"),
                 "exec": ("verify-syntax", "verify-static", "verify-exec"),
                 "render": ("verify-syntax", "verify-static", "verify-exec", "verify-render")}


def get_pass(name: str) -> type[Pass]:
    try:
        target = REGISTRY[name]
    except KeyError:
        raise PipelineError(f"unknown pass {name!r}; known: {', '.join(REGISTRY)}") from None
    module, _, attr = target.partition(":")
    cls: type[Pass] = getattr(importlib.import_module(module), attr)
    return cls


def default_pipeline(verify: str = "static", options: dict[str, str] | None = None
                     ) -> list[str]:
    """The flattening passes, then the ladder up to `verify`, never below static: the static
    level proves the output contract that status `ok` promises. `options` gives some passes
    options: {"repair-warnings": "latex_escapes=true"} makes the item
    `repair-warnings{latex_escapes=true}`."""
    options = options or {}
    ladder = VERIFY_PASSES["static" if verify in ("none", "syntax") else verify]
    return [f"{name}{{{options[name]}}}" if name in options else name
            for name in (*FLATTEN_PIPELINE, *ladder)]


class PipelineError(ValueError):
    """A pipeline spec that cannot run: unknown pass, bad option, or wrong order."""


_SPEC = re.compile(r"\s*([a-z][a-z0-9-]*)\s*(?:\{([^}]*)\})?\s*(?:,|$)")


def parse_pipeline(spec: str | Iterable[str], settings: Settings | None = None) -> list[Pass]:
    """`"collect-closure,emit{...}"` or a list of names -> checked pass instances.

    Options use xDSL's syntax: `name{opt=value opt2=value}`. With `settings`, an option a
    pass takes from the settings (`Pass.FROM_SETTINGS`) and the spec leaves unset comes from them.
    """
    specs = [spec] if isinstance(spec, str) else list(spec)  # a list item may have options
    items = [item for one in specs for item in _parse_spec(one)]
    passes = [_instantiate(get_pass(name), opts, settings) for name, opts in items]
    check_pipeline(passes)
    return passes


def _parse_spec(spec: str) -> list[tuple[str, dict[str, str]]]:
    items = []
    pos = 0
    while pos < len(spec):
        m = _SPEC.match(spec, pos)
        if not m or m.end() == pos:
            raise PipelineError(f"cannot parse pipeline at {spec[pos:]!r}")
        opts: dict[str, str] = {}
        for word in (m.group(2) or "").split():
            key, eq, value = word.partition("=")
            if not eq or not key:
                raise PipelineError(f"pass {m.group(1)!r}: option {word!r} needs a value, "
                                    "as in `name{option=value}`")
            opts[key] = value
        items.append((m.group(1), opts))
        pos = m.end()
    return items


def _instantiate(cls: type[Pass], opts: dict[str, str], settings: Settings | None) -> Pass:
    known = {f.name: f for f in fields(cls)}
    types_ = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for key, raw in opts.items():
        if key not in known:
            raise PipelineError(f"pass {cls.NAME!r} has no option {key!r}")
        try:
            kwargs[key] = _coerce(raw, types_[key])
        except ValueError:
            raise PipelineError(f"pass {cls.NAME!r}: option {key}={raw!r} is not a "
                                f"{_type_name(types_[key])}") from None
    for option in cls.FROM_SETTINGS if settings is not None else ():
        kwargs.setdefault(option, getattr(settings, option))
    return cls(**kwargs)


_BOOLS = {"true": True, "false": False}


def _coerce(raw: str, kind: Any) -> Any:
    """`raw` as a value of the option's declared type; ValueError if it is not one."""
    if kind is bool:
        if raw.lower() not in _BOOLS:
            raise ValueError(raw)
        return _BOOLS[raw.lower()]
    if kind in (int, float, str):
        return kind(raw)
    if typing.get_origin(kind) in (typing.Literal,):
        if raw not in typing.get_args(kind):
            raise ValueError(raw)
        return raw
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if raw.lower() == "none" and len(args) < len(typing.get_args(kind)):
            return None
        for arg in args:
            try:
                return _coerce(raw, arg)
            except ValueError:
                continue
        raise ValueError(raw)
    raise ValueError(raw)  # an option type the spec syntax cannot express


def _type_name(kind: Any) -> str:
    if typing.get_origin(kind) is typing.Literal:
        return "one of " + ", ".join(map(str, typing.get_args(kind)))
    return "boolean (true or false)" if kind is bool else getattr(kind, "__name__", str(kind))


def _format(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def check_pipeline(passes: list[Pass]) -> None:
    """Every pass must find the IR state it needs established by an earlier pass."""
    have: set[str] = set()
    for p in passes:
        missing = [s for s in p.NEEDS if s not in have]
        if missing:
            providers = [n for n in REGISTRY if missing[0] in get_pass(n).PROVIDES]
            raise PipelineError(f"pass {p.NAME!r} needs {missing[0]!r}; run one of "
                                f"{', '.join(providers)} before it")
        have.update(p.PROVIDES)


class PassFailure(RuntimeError):
    """A pass crashed: carries the pass, the file, and a short traceback (exit code 123)."""

    def __init__(self, pass_name: str, file: str, tb: str) -> None:
        super().__init__(f"internal error in pass {pass_name} on file {file}\n{tb}")
        self.pass_name = pass_name
        self.file = file
        self.tb = tb

    def __reduce__(self) -> tuple[type[PassFailure], tuple[str, str, str]]:
        # raised in `--jobs` workers: it must cross the process boundary whole
        return PassFailure, (self.pass_name, self.file, self.tb)


@dataclass
class PassManager:
    passes: list[Pass]
    print_after: frozenset[str] = frozenset()
    on_print: Callable[[str, str], None] | None = None  # (pass name, code) for --print-after

    @classmethod
    def from_spec(cls, spec: str | Iterable[str], **kwargs: Any) -> PassManager:
        return cls(parse_pipeline(spec), **kwargs)

    @property
    def spec(self) -> str:
        """The pipeline as a spec `parse_pipeline` reads back into the same passes."""
        return ",".join(p.spec() for p in self.passes)

    def run(self, flat: Flat) -> Flat:
        analyses = flat.analyses
        for p in self.passes:
            flat.current_pass = p.NAME
            analyses.restrict(p.REQUIRES)
            start = time.perf_counter()
            try:
                preserved = p.run(flat)
            except Exception as exc:
                tb = "".join(traceback.format_exception(exc, limit=-4))
                raise PassFailure(p.NAME, flat.scene.path, tb) from exc
            finally:
                analyses.restrict(None)
                flat.timings[p.NAME] = flat.timings.get(p.NAME, 0.0) + (
                    time.perf_counter() - start)
            analyses.invalidate(preserved)
            if p.NAME in self.print_after and self.on_print is not None:
                self.on_print(p.NAME, flat.code if flat.code is not None else flat.render())
            if flat.halted:
                break  # nothing sensible is left for the later passes to work on
        flat.current_pass = None
        return flat
