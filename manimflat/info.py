"""`manimflat passes` and `manimflat config`: what the tool will do, before it does it.

`pass_info` is also what `scripts/gen_docs.py` renders into docs/passes/, so the pages and
the command show the same metadata, read from the pass classes and their modules.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import io
import json
import re
import tokenize
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .pass_manager import FLATTEN_PIPELINE, REGISTRY, VERIFY_PASSES, get_pass
from .program import find_root
from .settings import Settings, SettingsError, explain_settings

_CODE = re.compile(r"\bMF\d{3}\b")
_SETTING = re.compile(r"\bsettings\.([a-z_]+)\b")


@dataclass(frozen=True)
class Option:
    name: str
    type: str
    default: Any
    help: str  # the comment on the field's line: the only place a pass documents an option


@dataclass(frozen=True)
class PassInfo:
    name: str
    target: str  # "module:Class"
    description: str
    doc: str  # the module docstring: what holds before and after
    options: tuple[Option, ...]
    requires: tuple[str, ...]
    needs: tuple[str, ...]
    provides: tuple[str, ...]
    codes: tuple[str, ...]  # diagnostic codes the module reports or its docstring names
    settings: tuple[str, ...]  # Settings fields it or the modules it delegates to read


def pass_info(name: str) -> PassInfo:
    cls = get_pass(name)
    module = importlib.import_module(cls.__module__)
    source = inspect.getsource(module)
    helps = _field_comments(inspect.getsource(cls))
    options = tuple(Option(n, t, d, helps.get(n, "")) for n, t, d in cls.options())
    settings = set(_SETTING.findall(source))
    for helper in _delegates(module.__name__, source):
        settings.update(_SETTING.findall(helper.read_text(encoding="utf-8")))
    return PassInfo(name, REGISTRY[name], cls.DESCRIPTION, inspect.getdoc(module) or "",
                    options, tuple(cls.REQUIRES), tuple(cls.NEEDS), tuple(cls.PROVIDES),
                    tuple(sorted(set(_CODE.findall(source)))),
                    tuple(sorted(settings & set(Settings.__dataclass_fields__))))


# Modules every pass imports for the IR and the framework; they read no setting on a pass's
# behalf, so they do not count as the modules a pass delegates its work to.
_PACKAGE = Path(__file__).parent
_FRAMEWORK = frozenset({"manimflat.ir", "manimflat.pass_manager", "manimflat.diagnostics",
                        "manimflat.program", "manimflat.settings", "manimflat.api"})


def _delegates(module: str, source: str) -> list[Path]:
    """Files of the manimflat modules a pass module reaches through relative imports
    (`from ..verify import apply_level`, `from ..analyses import externals`), transitively,
    stopping at the framework and at other passes."""
    seen: set[Path] = set()
    todo = [(module, source)]
    while todo:
        name, text = todo.pop()
        package = name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(text)):
            if not (isinstance(node, ast.ImportFrom) and node.level and node.module):
                continue
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}"
            if target in _FRAMEWORK or target.startswith("manimflat.passes"):
                continue
            folder = _PACKAGE.joinpath(*target.split(".")[1:])
            found = [(target, folder.with_suffix(".py")), (f"{target}.__init__",
                                                            folder / "__init__.py")]
            found += [(f"{target}.{a.name}", folder / f"{a.name}.py") for a in node.names]
            for dotted, path in found:
                if path.is_file() and path not in seen:
                    seen.add(path)
                    todo.append((dotted, path.read_text(encoding="utf-8")))
    return sorted(seen)


def _field_comments(class_source: str) -> dict[str, str]:
    """Trailing `# comment` of each annotated class-level field."""
    comments = {tok.start[0]: tok.string.lstrip("# ").strip()
                for tok in tokenize.generate_tokens(io.StringIO(class_source).readline)
                if tok.type == tokenize.COMMENT}
    cls = ast.parse(class_source).body[0]
    assert isinstance(cls, ast.ClassDef)
    return {stmt.target.id: comments[stmt.lineno] for stmt in cls.body
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            and stmt.lineno in comments}


def pipeline_summary() -> list[str]:
    lines = [f"default pipeline: {','.join(FLATTEN_PIPELINE)}"]
    lines += [f"  --verify {level} appends: {','.join(passes)}"
              for level, passes in VERIFY_PASSES.items()]
    return lines


@click.command("passes")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pass.")
def passes_command(as_json: bool) -> None:
    """List every pass with its description and options (for --passes and --print-after)."""
    infos = [pass_info(name) for name in REGISTRY]
    if as_json:
        data = [{"name": i.name, "description": i.description, "needs": i.needs,
                 "provides": i.provides, "codes": i.codes, "settings": i.settings,
                 "options": [{"name": o.name, "type": o.type, "default": o.default,
                              "help": o.help} for o in i.options]} for i in infos]
        click.echo(json.dumps(data, indent=2))
        return
    width = max(len(i.name) for i in infos)
    for info in infos:
        click.echo(f"{info.name:<{width}}  {info.description}")
        for o in info.options:
            help_ = f"  # {o.help}" if o.help else ""
            click.echo(f"{'':<{width}}    {{{o.name}={_toml(o.default)}}} ({o.type}){help_}")
    click.echo()
    for line in pipeline_summary():
        click.echo(line)
    click.echo("options go in braces: --passes 'emit,inline-data-files{check_mobjects=false}'")


@click.command("config")
@click.argument("repo", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--root", help="Repository root (default: nearest .git/pyproject/manim.cfg).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a setting as a flag would (VALUE in TOML syntax).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of TOML.")
def config_command(repo: Path, root: str | None, overrides: tuple[str, ...],
                   as_json: bool) -> None:
    """Print the effective settings for REPO and where each came from."""
    repo_root = find_root(repo, root)
    try:
        settings, origin = explain_settings(repo_root, **_parse_overrides(overrides))
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    values = settings.as_dict()
    if as_json:
        click.echo(json.dumps({"root": str(repo_root), "settings": {
            k: {"value": v, "source": origin[k]} for k, v in values.items()}}, indent=2))
        return
    click.echo(f"# effective settings for {repo_root}")
    click.echo("[tool.manimflat]")
    for key, value in values.items():
        line = f"{key.replace('_', '-')} = {_toml(value)}" if value is not None else \
            f"# {key.replace('_', '-')} is not set"
        click.echo(f"{line}  # {origin[key]}")


def _parse_overrides(items: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--set")
        try:
            out[key.strip()] = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = raw  # a bare word: `--set assets=keep`
    return out


def _toml(value: Any) -> str:
    """A TOML literal for a settings value (strings, numbers, booleans, lists of strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for everything json escapes
    return repr(value)
