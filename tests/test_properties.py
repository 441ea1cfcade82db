"""Property tests over generated repositories (Hypothesis).

A strategy builds small random repositories: up to four helper modules (top-level modules, a
package with a sub-package, an `__init__` that star re-exports) defining functions, constants
and classes whose names collide across modules and with manim's own names (`Circle`, `RED`,
`Square`), importing each other with every form (plain, dotted, aliased, from-import, aliased
from-import, relative, star), and a scene module that imports some of them with random forms
and uses what it imported. Whatever the repository, the flattened scene must:

- parse and compile;
- import nothing from the repository (only manim and the standard library here);
- define the scene class;
- flatten again, as a one-file repository, to the same bytes;
- compute the same values as the original: the generated code is ours, so both are executed
  in-process and `compute()` (which the scene calls) must return the same list.
"""

from __future__ import annotations

import ast
import importlib
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import manimflat

# Dotted name -> file, in import order: a module only imports modules listed before it, so the
# generated repositories have no import cycles (cycles have their own fixture).
MODULES = {
    "colors": "colors.py",
    "pkg.sub.deep": "pkg/sub/deep.py",
    "pkg.geo": "pkg/geo.py",
    "shapes": "shapes.py",
}
FUNCTIONS = ("make", "helper", "Circle")
CONSTANTS = ("SIZE", "RED", "K")
CLASSES = ("Thing", "Square")
SHADOWS = ("Circle", "RED", "Square")
SCENE_FILE = "gen_scene.py"
SCENE = "GenScene"


@dataclass
class Module:
    name: str
    lines: list[str] = field(default_factory=list)
    # name -> what it refers to: ("def", module, kind) or ("mod", dotted module name)
    env: dict[str, tuple[str, ...]] = field(default_factory=dict)



def _ref(name: str, target: tuple[str, ...]) -> str:
    """An int-valued expression using `name`, which refers to `target`."""
    kind = target[2]
    return {"function": f"{name}()", "constant": name, "class": f"{name}().get()"}[kind]


def _refs(env: dict[str, tuple[str, ...]], modules: dict[str, Module]) -> list[str]:
    """Every int-valued expression the namespace `env` can write."""
    out: list[str] = []
    for name, target in sorted(env.items()):
        if target[0] == "def":
            out.append(_ref(name, target))
        elif target[0] in ("mod", "modpath"):
            prefix = name if target[0] == "mod" else target[1]
            out += [_ref(f"{prefix}.{inner}", t)
                    for inner, t in sorted(modules[target[1]].env.items()) if t[0] == "def"]
    return out


def _import(draw: st.DrawFn, importer: Module, target: Module) -> str:
    """One import statement of `target` written in `importer`, applied to its namespace."""
    env = importer.env
    defs = sorted(n for n, t in target.env.items() if t[0] == "def")
    forms = ["plain", "alias", "from", "from_as", "star"]
    relative = importer.name.startswith("pkg.") and target.name.startswith("pkg.")
    if relative:
        forms += ["relative", "relative_module"]
    form = draw(st.sampled_from(forms))
    if form == "plain":
        env[target.name.split(".")[0]] = ("modpath", target.name)
        return f"import {target.name}"
    if form == "alias":
        alias = f"m_{target.name.replace('.', '_')}"
        env[alias] = ("mod", target.name)
        return f"import {target.name} as {alias}"
    if form == "star":
        for n, t in target.env.items():
            if not n.startswith("_"):
                env[n] = t
        return f"from {target.name} import *"
    source = target.name
    if relative:
        # the shortest relative spelling of `target` seen from `importer`'s package
        package, parts = importer.name.split(".")[:-1], target.name.split(".")
        common = 0
        while common < min(len(package), len(parts) - 1) and package[common] == parts[common]:
            common += 1
        source = "." * (len(package) - common + 1) + ".".join(parts[common:])
    if form == "relative_module":
        head, _, last = source.rpartition(".")
        env[last] = ("mod", target.name)
        return f"from {head or '.'} import {last}"
    name = draw(st.sampled_from(defs))
    if form == "from_as":
        alias = f"{name.lower()}_{target.name.replace('.', '_')}"
        env[alias] = target.env[name]
        return f"from {source} import {name} as {alias}"
    env[name] = target.env[name]
    return f"from {source} import {name}"


@st.composite
def repos(draw: st.DrawFn) -> dict[str, str]:
    """A generated repository: repo-relative path -> source."""
    chosen = draw(st.lists(st.sampled_from(list(MODULES)), min_size=2, max_size=4, unique=True))
    chosen.sort(key=list(MODULES).index)
    modules: dict[str, Module] = {}
    files: dict[str, str] = {}
    for dotted in chosen:
        module = Module(dotted)
        if draw(st.booleans()):
            module.lines.append("from manim import *")
            # the pool's names that manim also exports: a star re-export carries manim's
            module.env.update({n: ("manim",) for n in SHADOWS})
        earlier = [modules[m] for m in chosen if m in modules]
        for target in draw(st.lists(st.sampled_from(earlier), max_size=2, unique_by=lambda m: m.name)
                           if earlier else st.just([])):
            module.lines.append(_import(draw, module, target))
        names = draw(st.lists(
            st.sampled_from([(n, "function") for n in FUNCTIONS]
                            + [(n, "constant") for n in CONSTANTS]
                            + [(n, "class") for n in CLASSES]),
            min_size=1, max_size=4, unique_by=lambda p: p[0]))
        for name, kind in names:
            if module.env.get(name, ("manim",))[0] != "manim":
                continue  # shadowing an imported helper would make earlier defs recurse
            value = draw(st.integers(0, 99))
            refs = _refs(module.env, modules)
            used = draw(st.lists(st.sampled_from(refs), max_size=2)) if refs else []
            expr = " + ".join([str(value), *used])
            module.lines.append("")
            if kind == "function":
                module.lines += [f"def {name}():", f"    return {expr}"]
            elif kind == "constant":
                module.lines.append(f"{name} = {expr}")
            else:
                module.lines += [f"class {name}:", f"    k = {value}", "",
                                 "    def get(self):", f"        return self.k + {expr}"]
            module.env[name] = ("def", dotted, kind)
        modules[dotted] = module
        files[MODULES[dotted]] = "\n".join(module.lines) + "\n"
    for dotted in chosen:
        parts = dotted.split(".")
        for i in range(1, len(parts)):
            init = "/".join(parts[:i]) + "/__init__.py"
            files.setdefault(init, "")
    if "pkg.geo" in modules and draw(st.booleans()):
        files["pkg/__init__.py"] = "from .geo import *\n"
    scene = Module("gen_scene")
    lines = ["from manim import *"]
    for target in draw(st.lists(st.sampled_from([modules[m] for m in chosen]),
                                min_size=min(2, len(chosen)), max_size=4,
                                unique_by=lambda m: m.name)):
        lines.append(_import(draw, scene, target))
    refs = _refs(scene.env, modules) or ["0"]
    used = draw(st.lists(st.sampled_from(refs), min_size=2, max_size=6))
    lines += ["", "", "def compute():", f"    return [{', '.join(used)}]", "", "",
              f"class {SCENE}(Scene):", "    def construct(self):",
              "        self.add(Dot().shift(RIGHT * (sum(compute()) % 5)))", ""]
    files[SCENE_FILE] = "\n".join(lines)
    return files


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_original(root: Path) -> list[int]:
    """Import the generated scene module from its repo and call `compute()`."""
    local = ("gen_scene", "colors", "shapes", "pkg")

    def purge() -> None:
        for key in list(sys.modules):
            if key.split(".")[0] in local:
                del sys.modules[key]

    purge()
    sys.path.insert(0, str(root))
    try:
        importlib.invalidate_caches()
        return importlib.import_module("gen_scene").compute()
    finally:
        sys.path.remove(str(root))
        purge()


def run_flat(code: str) -> list[int]:
    namespace: dict[str, object] = {"__name__": "flat"}
    exec(compile(code, "flat.py", "exec"), namespace)  # noqa: S102 - our own generated code
    assert "compute" in namespace, "compute() was not kept"
    return namespace["compute"]()  # type: ignore[operator]


def local_imports(tree: ast.Module, files: dict[str, str]) -> list[str]:
    local = {Path(rel).parts[0].removesuffix(".py") for rel in files}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in local]
        elif isinstance(node, ast.ImportFrom) and (
                node.level or (node.module or "").split(".")[0] in local):
            found.append("." * node.level + (node.module or ""))
    return found


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files=repos())
def test_generated_repos_flatten_to_self_contained_files(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        write(root, files)
        result = manimflat.flatten(root, f"{SCENE_FILE}:{SCENE}", root=str(root))
        assert result.code is not None, [d.to_json() for d in result.diagnostics]
        code = result.code
        tree = ast.parse(code)
        compile(code, "flat.py", "exec")
        assert local_imports(tree, files) == []
        assert [n.name for n in tree.body if isinstance(n, ast.ClassDef)][-1] == SCENE

        again = Path(tmp) / "again"
        write(again, {SCENE_FILE: code})
        second = manimflat.flatten(again, f"{SCENE_FILE}:{SCENE}", root=str(again))
        assert second.code == code

        assert run_flat(code) == run_original(root)
