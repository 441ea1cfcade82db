"""The dataset build's TOML config, validated up front: every problem is reported at once, with
the source it belongs to and a suggestion for misspelt keys, before any row is read.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..settings import VERIFY_LEVELS
from ..toml_check import Kinds, did_you_mean, type_error
from .license import valid_expression

KINDS = ("table", "repo", "repos", "notebooks")
TABLE_SUFFIXES = (".parquet", ".jsonl", ".csv")
NEAR_POLICIES = ("drop", "keep")


class ConfigError(ValueError):
    """The config cannot be used; the message lists every problem found."""


class DatasetError(RuntimeError):
    """A build cannot go on (unreadable source, failing judge); the message says why."""


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    path: Path
    code_column: str = "code"
    description_column: str = "description"
    split_column: str | None = None
    scene_column: str | None = None
    priority: int = 0
    verify: str = "syntax"
    require_description: bool = True
    options: dict[str, Any] = field(default_factory=dict)  # repo: flatten_all keyword options
    license: str | None = None  # an SPDX expression; overrides the detected one (tables: the only one)

    def fingerprint(self) -> str:
        """The settings that decide the cleaned rows; the path is left out because the
        manifest hashes the input's content (a moved checkout is not redone)."""
        data = asdict(self) | {"path": None}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class ReferenceConfig:
    paths: tuple[Path, ...] = ()
    code_column: str = "code"
    description_column: str | None = None


@dataclass(frozen=True)
class DedupConfig:
    ngram: int = 5
    num_perm: int = 256
    threshold: float = 0.7
    near: str = "drop"  # drop: keep one row per near-duplicate cluster; keep: only cluster them
    seed: int = 1


@dataclass(frozen=True)
class JudgeConfig:
    callable: str | None = None  # "module:function"
    command: tuple[str, ...] = ()  # argv; reads JSON lines on stdin, answers JSON lines

    @property
    def enabled(self) -> bool:
        return bool(self.callable or self.command)


DESCRIBERS = ("storyboard", "command", "http", "callable")
DESCRIBE_WHEN = ("missing", "always", "never")
STORYBOARD_ROWS = ("described", "all")


@dataclass(frozen=True)
class DescribeConfig:
    """`[describe]`: who writes descriptions (see describe.py); on by default."""
    describer: str = "storyboard"  # storyboard | command | http | callable
    # missing: rows without a usable description; always: every row; never: none (the
    # sources' own descriptions kept as they are, rows without one left empty)
    when: str = "missing"
    storyboard: str = "described"  # described: only rows being described run; all: every row
    timeout: float = 60.0  # seconds one storyboard run (or one model request) may take
    callable: str | None = None  # "module:function"
    command: tuple[str, ...] = ()
    base_url: str | None = None  # http: the OpenAI-compatible server, e.g. http://host:8000/v1
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"  # the key's environment variable (unset: no key sent)
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    concurrency: int = 4
    max_tokens: int = 300
    temperature: float = 0.0
    prompt: str | None = None  # the template; None: describe.PROMPT
    cache: Path | None = None  # http answers by content hash; None: the manimflat cache folder


@dataclass(frozen=True)
class PublishConfig:
    shard_mb: float = 256.0  # the largest shard of OUT/data/, in MB of uncompressed rows
    pretty_name: str = "Manim scenes"


@dataclass(frozen=True)
class DatasetConfig:
    path: Path
    sources: tuple[SourceConfig, ...]
    reference: ReferenceConfig = ReferenceConfig()
    dedup: DedupConfig = DedupConfig()
    judge: JudgeConfig = JudgeConfig()
    describe: DescribeConfig = DescribeConfig()
    test_fraction: float = 0.05
    seed: int = 0
    difficulty: tuple[str, ...] = ("easy", "medium", "hard")
    licenses: tuple[str, ...] | None = None  # keep only rows under these; None: every row
    publish: PublishConfig = PublishConfig()

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        names = ", ".join(s.name for s in self.sources)
        raise ConfigError(f"{self.path}: no source named {name!r} (sources: {names})")


_TOP_KEYS = {"source", "reference", "dedup", "judge", "dataset", "describe", "publish"}
_DATASET_KEYS = {"test_fraction", "seed", "difficulty", "licenses"}
_SOURCE_KEYS = {"name", "kind", "path", "code_column", "description_column", "split_column",
                "scene_column", "priority", "verify", "require_description", "options",
                "license"}
_PUBLISH_KEYS = {"shard_mb", "pretty_name"}
_REFERENCE_KEYS = {"paths", "code_column", "description_column"}
_DEDUP_KEYS = {"ngram", "num_perm", "threshold", "near", "seed"}
_JUDGE_KEYS = {"callable", "command"}
_DESCRIBE_KEYS = {"describer", "when", "storyboard", "timeout", "callable", "command",
                  "base_url", "model", "api_key_env", "retries", "backoff", "concurrency",
                  "max_tokens", "temperature", "prompt", "cache"}


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path, self.errors = path, []  # type: ignore[var-annotated]

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def keys(self, where: str, table: dict[str, Any], known: set[str]) -> None:
        for key in table:
            if key not in known:
                self.error(where, f"unknown key {key!r}{did_you_mean(key, known)}")

    def typed(self, where: str, table: dict[str, Any], key: str, kind: Kinds,
              default: Any) -> Any:
        value = table.get(key, default)
        problem = None if value is default else type_error(key, value, kind)
        if problem:
            self.error(where, problem)
            return default
        return value


def load_config(path: str | Path) -> DatasetConfig:
    """Read and validate CONFIG.toml; relative paths are relative to the config's folder."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path) -> DatasetConfig:
    check = _Checker(path)
    base = path.parent
    check.keys("config", data, _TOP_KEYS)
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list) or not raw_sources:
        check.error("config", "at least one [[source]] table is needed")
        raw_sources = []
    sources: list[SourceConfig] = []
    for index, raw in enumerate(raw_sources):
        where = f"source #{index + 1}"
        if not isinstance(raw, dict):
            check.error(where, "must be a table")
            continue
        source = _source(check, raw, where, base)
        if source is not None:
            if any(s.name == source.name for s in sources):
                check.error(f"source {source.name!r}", "name is used twice; names must be unique")
            sources.append(source)

    dataset = data.get("dataset", {})
    check.keys("[dataset]", dataset, _DATASET_KEYS)
    test_fraction = check.typed("[dataset]", dataset, "test_fraction", (int, float), 0.05)
    if not 0 <= test_fraction < 1:
        check.error("[dataset]", f"test_fraction must be in [0, 1), not {test_fraction}")
    difficulty = check.typed("[dataset]", dataset, "difficulty", list, ["easy", "medium", "hard"])
    if not difficulty or not all(isinstance(d, str) for d in difficulty):
        check.error("[dataset]", "difficulty must be a non-empty list of bucket names")
        difficulty = ["easy", "medium", "hard"]

    licenses = check.typed("[dataset]", dataset, "licenses", list, None)
    if licenses is not None:
        bad = [x for x in licenses if not isinstance(x, str) or not valid_expression(x)]
        if bad or not licenses:
            check.error("[dataset]", "licenses must be a non-empty list of SPDX identifiers "
                        f"(\"MIT\", \"Apache-2.0\", \"NOASSERTION\"), not {bad or licenses!r}")

    config = DatasetConfig(
        path=path, sources=tuple(sources), reference=_reference(check, data, base),
        dedup=_dedup(check, data), judge=_judge(check, data),
        describe=_describe(check, data, path.parent),
        test_fraction=float(test_fraction), seed=check.typed("[dataset]", dataset, "seed", int, 0),
        difficulty=tuple(difficulty), licenses=tuple(licenses) if licenses else None,
        publish=_publish(check, data))
    if check.errors:
        raise ConfigError(f"{path}: invalid dataset config:\n  " + "\n  ".join(check.errors))
    return config


def _source(check: _Checker, raw: dict[str, Any], where: str, base: Path) -> SourceConfig | None:
    name = raw.get("name")
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        check.error(where, "needs a `name`: a non-empty string without '/' (it names a file)")
        return None
    where = f"source {name!r}"
    check.keys(where, raw, _SOURCE_KEYS)
    kind = raw.get("kind")
    if kind not in KINDS:
        check.error(where, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        return None
    if not isinstance(raw.get("path"), str):
        check.error(where, "needs a `path` (a string)")
        return None
    path = (base / raw["path"]).resolve()
    if not path.exists():
        check.error(where, f"path {raw['path']!r} does not exist (looked at {path})")
    elif kind == "table" and (not path.is_file() or path.suffix not in TABLE_SUFFIXES):
        check.error(where, f"a table must be a {', '.join(TABLE_SUFFIXES)} file, not {path.name}")
    elif kind == "repo" and not path.is_dir():
        check.error(where, "a repo source must be a folder")
    elif kind == "repos":
        try:
            missing = [] if path.is_dir() else [p for p in repo_paths(path) if not p.is_dir()]
        except (OSError, UnicodeDecodeError) as exc:
            check.error(where, f"cannot read the list of repos {path.name}: {exc}")
            missing = []
        if missing:
            check.error(where, f"{len(missing)} repo path(s) of {path.name} are not folders, "
                        f"first: {missing[0]}")
    elif kind == "notebooks" and path.is_file() and path.suffix != ".ipynb":
        check.error(where, "a notebooks source is an .ipynb file or a folder of them")
    verify = check.typed(where, raw, "verify", str, "syntax")
    if verify not in VERIFY_LEVELS:
        check.error(where, f"verify must be one of {', '.join(VERIFY_LEVELS)}, not {verify!r}")
    license = check.typed(where, raw, "license", str, None)
    if license is not None and not valid_expression(license):
        check.error(where, f"license must be an SPDX identifier or expression (\"MIT\", "
                    f"\"MIT OR Apache-2.0\"), not {license!r}")
    columns = {key: check.typed(where, raw, key, str, default) for key, default in
               (("code_column", "code"), ("description_column", "description"),
                ("split_column", None), ("scene_column", None))}
    return SourceConfig(
        name=name, kind=kind, path=path, priority=check.typed(where, raw, "priority", int, 0),
        verify=verify, options=check.typed(where, raw, "options", dict, {}),
        # Table rows exist to pair a description with code; scenes found in repos and notebooks
        # are worth keeping without one (the reason is recorded in `notes`).
        require_description=check.typed(where, raw, "require_description", bool,
                                        kind == "table"),
        license=license, **columns)


def _publish(check: _Checker, data: dict[str, Any]) -> PublishConfig:
    raw = data.get("publish", {})
    check.keys("[publish]", raw, _PUBLISH_KEYS)
    shard_mb = check.typed("[publish]", raw, "shard_mb", (int, float), 256.0)
    if not shard_mb > 0:
        check.error("[publish]", f"shard_mb must be positive, not {shard_mb}")
    return PublishConfig(float(shard_mb), check.typed("[publish]", raw, "pretty_name", str,
                                                      "Manim scenes"))


def _reference(check: _Checker, data: dict[str, Any], base: Path) -> ReferenceConfig:
    raw = data.get("reference", {})
    check.keys("[reference]", raw, _REFERENCE_KEYS)
    paths = check.typed("[reference]", raw, "paths", list, [])
    resolved = []
    for item in paths:
        if not isinstance(item, str):
            check.error("[reference]", f"paths must be strings, not {item!r}")
            continue
        p = (base / item).resolve()
        if not p.is_file() or p.suffix not in TABLE_SUFFIXES:
            check.error("[reference]", f"{item!r} is not a {', '.join(TABLE_SUFFIXES)} file")
        resolved.append(p)
    return ReferenceConfig(tuple(resolved), check.typed("[reference]", raw, "code_column", str,
                                                        "code"),
                           check.typed("[reference]", raw, "description_column", str, None))


def _dedup(check: _Checker, data: dict[str, Any]) -> DedupConfig:
    raw = data.get("dedup", {})
    check.keys("[dedup]", raw, _DEDUP_KEYS)
    dedup = DedupConfig(
        ngram=check.typed("[dedup]", raw, "ngram", int, 5),
        num_perm=check.typed("[dedup]", raw, "num_perm", int, 256),
        threshold=float(check.typed("[dedup]", raw, "threshold", (int, float), 0.7)),
        near=check.typed("[dedup]", raw, "near", str, "drop"),
        seed=check.typed("[dedup]", raw, "seed", int, 1))
    if dedup.ngram < 1 or dedup.num_perm < 2:
        check.error("[dedup]", "ngram must be >= 1 and num_perm >= 2")
    if not 0 < dedup.threshold <= 1:
        check.error("[dedup]", f"threshold must be in (0, 1], not {dedup.threshold}")
    if dedup.near not in NEAR_POLICIES:
        check.error("[dedup]", f"near must be one of {', '.join(NEAR_POLICIES)}")
    return dedup


def _judge(check: _Checker, data: dict[str, Any]) -> JudgeConfig:
    raw = data.get("judge", {})
    check.keys("[judge]", raw, _JUDGE_KEYS)
    target = check.typed("[judge]", raw, "callable", str, None)
    command = check.typed("[judge]", raw, "command", (list, str), [])
    if isinstance(command, str):
        command = command.split()
    if target is not None and ":" not in target:
        check.error("[judge]", f"callable must be 'module:function', not {target!r}")
    if target and command:
        check.error("[judge]", "give either callable or command, not both")
    return JudgeConfig(target, tuple(str(c) for c in command))


def repo_paths(path: Path) -> list[Path]:
    """A `repos` source's checkouts: the subfolders of a folder (hidden ones left out), or the
    lines of a list file (relative to it; blank lines and `#` comments skipped)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(path.parent / line.strip()).resolve() for line in lines
            if line.strip() and not line.strip().startswith("#")]
def _describe(check: _Checker, data: dict[str, Any], base: Path) -> DescribeConfig:
    where = "[describe]"
    raw = data.get("describe", {})
    if not isinstance(raw, dict):
        check.error(where, "must be a table")
        return DescribeConfig()
    check.keys(where, raw, _DESCRIBE_KEYS)
    command = check.typed(where, raw, "command", (list, str), [])
    if isinstance(command, str):
        command = command.split()
    cache = check.typed(where, raw, "cache", str, None)
    number = (int, float)
    out = DescribeConfig(
        describer=check.typed(where, raw, "describer", str, "storyboard"),
        when=check.typed(where, raw, "when", str, "missing"),
        storyboard=check.typed(where, raw, "storyboard", str, "described"),
        timeout=float(check.typed(where, raw, "timeout", number, 60.0)),
        callable=check.typed(where, raw, "callable", str, None),
        command=tuple(str(c) for c in command),
        base_url=check.typed(where, raw, "base_url", str, None),
        model=check.typed(where, raw, "model", str, None),
        api_key_env=check.typed(where, raw, "api_key_env", str, "OPENAI_API_KEY"),
        retries=check.typed(where, raw, "retries", int, 3),
        backoff=float(check.typed(where, raw, "backoff", number, 1.0)),
        concurrency=check.typed(where, raw, "concurrency", int, 4),
        max_tokens=check.typed(where, raw, "max_tokens", int, 300),
        temperature=float(check.typed(where, raw, "temperature", number, 0.0)),
        prompt=check.typed(where, raw, "prompt", str, None),
        cache=(base / cache).resolve() if cache else None)
    for key, allowed in (("describer", DESCRIBERS), ("when", DESCRIBE_WHEN),
                         ("storyboard", STORYBOARD_ROWS)):
        if getattr(out, key) not in allowed:
            check.error(where, f"{key} must be one of {', '.join(allowed)}, "
                        f"not {getattr(out, key)!r}")
    needs = {"http": ("base_url", "model"), "command": ("command",), "callable": ("callable",)}
    for key in needs.get(out.describer, ()):
        if not getattr(out, key):
            check.error(where, f"describer = {out.describer!r} needs `{key}`")
    if out.callable is not None and ":" not in out.callable:
        check.error(where, f"callable must be 'module:function', not {out.callable!r}")
    if out.timeout <= 0 or out.retries < 0 or out.backoff < 0 or out.concurrency < 1:
        check.error(where, "timeout must be > 0, retries and backoff >= 0, concurrency >= 1")
    if out.prompt is not None and "{code}" not in out.prompt:
        check.error(where, "prompt must hold {code} (and may hold {storyboard}, {scene}, "
                    "{description})")
    return out
