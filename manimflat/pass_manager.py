"""Passes, the registry of passes, flat-level analyses, and the manager that runs a pipeline.

A pass is a frozen dataclass: its fields are its options, `NAME`/`DESCRIPTION` are class
variables, `REQUIRES` names the analyses it reads, `NEEDS`/`PROVIDES` the IR states it expects
and establishes ("closure": `Flat.pieces` is filled; "code": `Flat.code` is rendered). `run`
returns the analyses it preserved; the manager drops every other cached analysis, so a pass
that changes the pieces cannot leave stale results behind.

Program-level analyses (module index, import graph, bindings, scenes) live on `Program` and are
never invalidated within a run: passes edit the `Flat`, never the repository.
"""

from __future__ import annotations

import importlib
import re
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

from .ir import Flat

ALL = frozenset({"*"})  # "preserves every analysis"
NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Pass:
    NAME: ClassVar[str] = ""
    DESCRIPTION: ClassVar[str] = ""
    REQUIRES: ClassVar[tuple[str, ...]] = ()
    NEEDS: ClassVar[tuple[str, ...]] = ()
    PROVIDES: ClassVar[tuple[str, ...]] = ()

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


def parse_pipeline(spec: str | Iterable[str]) -> list[Pass]:
    """`"collect-closure,emit{...}"` or a list of names -> checked pass instances.

    Options use xDSL's syntax: `name{opt=value opt2=value}`.
    """
    specs = [spec] if isinstance(spec, str) else list(spec)  # a list item may have options
    items = [item for one in specs for item in _parse_spec(one)]
    passes = [_instantiate(get_pass(name), opts) for name, opts in items]
    check_pipeline(passes)
    return passes


def _parse_spec(spec: str) -> list[tuple[str, dict[str, str]]]:
    items = []
    pos = 0
    while pos < len(spec):
        m = _SPEC.match(spec, pos)
        if not m or m.end() == pos:
            raise PipelineError(f"cannot parse pipeline at {spec[pos:]!r}")
        opts = dict(kv.split("=", 1) for kv in (m.group(2) or "").split() if "=" in kv)
        items.append((m.group(1), opts))
        pos = m.end()
    return items


def _instantiate(cls: type[Pass], opts: dict[str, str]) -> Pass:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, raw in opts.items():
        if key not in known:
            raise PipelineError(f"pass {cls.NAME!r} has no option {key!r}")
        default = known[key].default
        kwargs[key] = _coerce(raw, default)
    return cls(**kwargs)


def _coerce(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


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


class AnalysisCache:
    """Flat-level analyses: computed on first request, kept until a pass fails to preserve them.

    An analysis is a function `Flat -> result` registered with `@analysis("name")`.
    """

    _registry: ClassVar[dict[str, Callable[[Flat], Any]]] = {}

    def __init__(self, flat: Flat, allowed: Iterable[str] | None = None) -> None:
        self._flat = flat
        self._cache: dict[str, Any] = {}
        self._allowed = None if allowed is None else set(allowed)
        self.computed: dict[str, int] = {}  # how many times each was computed (for tests)

    def get(self, name: str) -> Any:
        if self._allowed is not None and name not in self._allowed:
            raise PipelineError(f"pass {self._flat.current_pass!r} reads analysis {name!r} "
                                "without declaring it in REQUIRES")
        if name not in self._cache:
            self._cache[name] = self._registry[name](self._flat)
            self.computed[name] = self.computed.get(name, 0) + 1
        return self._cache[name]

    def keep_only(self, preserved: frozenset[str]) -> None:
        if "*" in preserved:
            return
        for name in list(self._cache):
            if name not in preserved:
                del self._cache[name]

    def restrict(self, allowed: Iterable[str] | None) -> None:
        self._allowed = None if allowed is None else set(allowed)


def analysis(name: str) -> Callable[[Callable[[Flat], Any]], Callable[[Flat], Any]]:
    def register(fn: Callable[[Flat], Any]) -> Callable[[Flat], Any]:
        AnalysisCache._registry[name] = fn
        return fn
    return register


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

    def run(self, flat: Flat) -> Flat:
        cache = flat.analyses or AnalysisCache(flat)
        flat.analyses = cache
        for p in self.passes:
            flat.current_pass = p.NAME
            cache.restrict(p.REQUIRES)
            start = time.perf_counter()
            try:
                preserved = p.run(flat)
            except Exception as exc:
                tb = "".join(traceback.format_exception(exc, limit=-4))
                raise PassFailure(p.NAME, flat.scene.path, tb) from exc
            finally:
                cache.restrict(None)
                flat.timings[p.NAME] = flat.timings.get(p.NAME, 0.0) + (
                    time.perf_counter() - start)
            cache.keep_only(preserved)
            if p.NAME in self.print_after and self.on_print is not None:
                from .passes.emit import render  # local: emit is itself a pass module
                self.on_print(p.NAME, flat.code if flat.code is not None else render(flat))
            if any(d.is_error and d.code in _FATAL for d in flat.diagnostics):
                break  # nothing sensible is left for the later passes to work on
        flat.current_pass = None
        return flat


# Error diagnostics after which later passes have nothing sensible to work on.
_FATAL = frozenset({"MF105", "MF110", "MF109", "MF401", "MF304"})
