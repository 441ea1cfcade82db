"""The pass registry is explicit and complete, every pass documents itself, and the CLI
exposes it (`manimflat passes`, `--passes`, `--print-after`)."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_repo

import manimflat.passes
from manimflat.cli import cli
from manimflat.pass_manager import REGISTRY, Pass, get_pass

PASS_DIR = Path(manimflat.passes.__file__).parent
MODULES = sorted(m.name for m in pkgutil.iter_modules([str(PASS_DIR)]))


def test_every_pass_module_is_registered_and_every_entry_is_a_module() -> None:
    registered = sorted({target.split(":")[0].rsplit(".", 1)[1] for target in REGISTRY.values()})
    assert registered == MODULES
    # Convention: pass `inline-bases` lives in manimflat/passes/inline_bases.py.
    for name, target in REGISTRY.items():
        assert target.startswith(f"manimflat.passes.{name.replace('-', '_')}:"), name


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_pass_declares_its_name_description_and_docstring(name: str) -> None:
    cls = get_pass(name)
    assert issubclass(cls, Pass) and cls.NAME == name
    assert cls.DESCRIPTION and not cls.DESCRIPTION.endswith(".")
    doc = importlib.import_module(cls.__module__).__doc__ or ""
    assert doc.startswith(f"{name}: "), f"{cls.__module__} docstring must open with '{name}: '"
    assert "Before" in doc and "After" in doc, "the docstring states what holds before/after"


def test_importing_manimflat_imports_no_pass() -> None:
    # The registry is lazy (no import side effects); checked in a fresh interpreter.
    code = ("import sys, manimflat; import manimflat.cli; "
            "print([m for m in sys.modules if m.startswith('manimflat.passes.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_passes_command_lists_every_pass_with_options() -> None:
    result = CliRunner().invoke(cli, ["passes"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in REGISTRY:
        assert any(line.startswith(f"{name} ") and get_pass(name).DESCRIPTION in line
                   for line in lines), name
    assert any("{check_mobjects=true} (bool)" in line for line in lines)
    data = json.loads(CliRunner().invoke(cli, ["passes", "--json"]).output)
    assert [p["name"] for p in data] == list(REGISTRY)
    options = {p["name"]: p["options"] for p in data}
    assert options["inline-data-files"][0]["name"] == "check_mobjects"
    assert options["inline-data-files"][0]["help"]  # the comment on the field


def test_pass_options_are_class_fields() -> None:
    # Options are dataclass fields, so `--passes a{opt=v}` and the docs see the same names.
    for name in REGISTRY:
        cls = get_pass(name)
        tree = ast.parse(Path(importlib.import_module(cls.__module__).__file__ or "").read_text())
        klass = next(n for n in tree.body if isinstance(n, ast.ClassDef)
                     and n.name == cls.__name__)
        fields = [s.target.id for s in klass.body if isinstance(s, ast.AnnAssign)
                  and isinstance(s.target, ast.Name) and not s.target.id.isupper()]
        assert fields == [o[0] for o in cls.options()], name


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", {"scene.py": """
        from manim import *


        class Hello(Scene):
            def construct(self):
                self.add(Dot())
        """})


@pytest.mark.parametrize(("spec", "message"), [
    ("resolve-imports,collect-closur,emit", "unknown pass 'collect-closur'"),
    ("emit", "pass 'emit' needs 'closure'"),
    ("collect-closure,inline-data-files{check_mobject=false},emit",
     "pass 'inline-data-files' has no option 'check_mobject'"),
])
def test_bad_pipeline_is_a_usage_error(repo: Path, spec: str, message: str) -> None:
    result = CliRunner().invoke(cli, [str(repo), "--scene", "Hello", "--passes", spec])
    assert result.exit_code == 2
    assert message in result.output


def test_custom_pipeline_and_print_after(repo: Path) -> None:
    result = CliRunner().invoke(cli, [
        str(repo), "--scene", "Hello",
        "--passes", ("resolve-imports,collect-closure,inline-data-files{check_mobjects=false},"
                     "normalize-imports,emit"),  # without it the output imports nothing
        "--print-after", "collect-closure"])
    assert result.exit_code == 0, result.output
    assert "# --- after collect-closure ---" in result.stderr
    assert "class Hello(Scene):" in result.stdout
