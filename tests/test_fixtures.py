"""The hand-written fixture repositories, flattened and checked against their golden files.

Each case in `fixtures/repos/<case>/` is a tiny repository built around one hard case of
cross-file flattening (see `fixtures/repos/README.md`); `fixtures/golden/<case>/<Scene>.py`
is the output we read by hand and accepted. For every fixture scene:

- the output equals the golden file byte for byte;
- it parses and compiles with warnings turned into errors (so no `SyntaxWarning`);
- it imports only manim, the standard library and numpy/scipy: never a module of its repo,
  never `sys.path`, never `__file__`;
- flattening the output again, as a one-file repository in a temporary folder, gives the
  same bytes (idempotence).

How the render comparison works (tests marked `render`, run them with `-m render`): the
original scene is rendered by the real manim in a subprocess whose working directory is the
fixture's root, exactly as its author would run it (`python -m manim -ql -s <file> <Scene>`),
so the repo is importable the normal way. The flattened file is copied alone into a fresh
temporary folder and rendered from there in a subprocess whose working directory is that
folder, with a scrubbed environment: the repository is neither the working directory nor on
`sys.path`, so any import that still points into the repo fails. Both renders use low
quality and save only the last frame (`-s`); `manimflat.verify.render.compare_frames` then
compares the two PNGs pixel by pixel and the test demands they are identical. The scenes
are stills built from simple shapes whose colours, sizes and positions come from the
inlined helpers, so a wrong or missing inline changes pixels; a few use `MathTex` so LaTeX
is exercised too.
"""

from __future__ import annotations

import ast
import shutil
import sys
import warnings
from functools import cache
from pathlib import Path

import pytest
from helpers import render_both

import manimflat
from manimflat.analyses.config_files import cfg_folder
from manimflat.api import FlatResult

ROOT = Path(__file__).resolve().parents[1]
REPOS = ROOT / "fixtures" / "repos"
GOLDEN = ROOT / "fixtures" / "golden"

# (case, file relative to the case's root, scene class)
CASES: list[tuple[str, str, str]] = [
    ("abstract_base", "scenes.py", "SmallGrid"),
    ("abstract_base", "scenes.py", "BigGrid"),
    ("alias_attribute", "scene.py", "AliasAttribute"),
    ("base_two_files_away", "scenes/main.py", "BaseTwoAway"),
    ("circular_imports", "scene.py", "CircularImports"),
    ("circular_star_imports", "scene.py", "CircularStarImports"),
    ("dead_method_import", "scene.py", "DeadMethodImport"),
    ("config_side_effect", "scene.py", "ConfigSideEffect"),
    ("decorator_other_file", "scene.py", "DecoratorOtherFile"),
    ("import_in_function", "scene.py", "ImportInFunction"),
    ("importlib_literal", "scene.py", "ImportlibLiteral"),
    ("main_block_helper", "scene.py", "MainBlockHelper"),
    ("manim_cfg_quality", "scene.py", "CfgQuality"),
    ("manim_cfg_short", "shorts/tall.py", "TallShort"),
    ("manim_folder", "manim/intro.py", "ManimFolder"),
    ("manimgl_file", "ce_scene.py", "CEScene"),
    ("module_attribute_store", "scene.py", "ModuleAttributeStore"),
    ("name_collision", "scene.py", "NameCollision"),
    ("non_ascii_folders", "vidéos/scène.py", "Scène"),
    ("optional_star_import", "scene.py", "OptionalStarImport"),
    ("relative_imports", "scene.py", "RelativeImports"),
    ("scene_inherits_scene", "intro.py", "Intro"),
    ("scene_inherits_scene", "outro.py", "Outro"),
    ("shadow_manim_name", "scene.py", "ShadowManimName"),
    ("src_layout", "src/pentagon_scene.py", "SrcLayout"),
    ("star_chain_init", "scene.py", "StarChain"),
    ("syntax_error_unrelated", "scene.py", "SyntaxErrorUnrelated"),
    ("sys_path_guarded", "project/scene.py", "GuardedSysPath"),
    ("sys_path_hack", "scenes/hex.py", "SysPathHack"),
    ("try_except_import", "scene.py", "TryExceptImport"),
    ("type_checking", "scene.py", "TypeChecking"),
    ("utils_two_folders", "chapter1/scene.py", "ChapterOne"),
    ("utils_two_folders", "chapter2/scene.py", "ChapterTwo"),
    ("invalid_escapes", "scene.py", "InvalidEscapes"),
    ("removed_api", "scene.py", "Drift"),
    ("removed_api", "keywords.py", "OldKeywords"),
    ("removed_api", "graph.py", "OldGraph"),
    ("plugin_slides", "deck.py", "Deck"),
    ("plugin_voiceover", "narrated.py", "Narrated"),
    ("plugin_themes", "scene.py", "Themed"),  # manim_themes lowered; renders with the real one
    ("plugin_inline", "grid.py", "Grid"),  # manim_ml inlined from the installed package
    ("scene_named_like_manim", "scene.py", "Animation"),
    ("annotation_only_names", "scene.py", "AnnotationOnlyNames"),
    ("string_comments", "scene.py", "StringComments"),
    ("data_loaders", "scene.py", "DataLoaders"),
    ("loop_carried", "scene.py", "LoopCarried"),
    ("data_path_local", "scene.py", "DataPathLocal"),
    ("notebook_cells", "scene.py", "NotebookCells"),
    ("opengl_mobject", "scene.py", "TwoLobes"),
]
# Cases whose original cannot run on today's manim, so there is no frame to compare with:
# the reason, and where their output is rendered instead.
NO_ORIGINAL_RENDER: dict[str, str] = {
    **dict.fromkeys(("plugin_slides", "plugin_voiceover"),
                    "needs a plugin that does not run on manim 0.22 (manim_slides 5.7 sets the "
                    "removed `config.write_to_movie`; manim_voiceover needs a speech service); "
                    "tests/passes/test_lower_plugins.py renders the output against the same "
                    "scene written in plain Manim"),
    "removed_api": "written for an older Manim CE; tests/passes/test_upgrade_api.py renders "
                   "the output against the same scene written with today's API",
}

# Cases whose current output is wrong, with the reason; each is a core bug to fix, and no
# golden file is committed for them until the output is right.
KNOWN_BAD: dict[tuple[str, str], str] = {}

ALLOWED_TOP_LEVEL = frozenset({"manim", "numpy", "scipy"}) | frozenset(sys.stdlib_module_names)


def _params(cases: list[tuple[str, str, str]]) -> list[pytest.param]:
    out = []
    for case, file, scene in cases:
        marks = []
        if (case, scene) in KNOWN_BAD:
            marks.append(pytest.mark.xfail(reason=KNOWN_BAD[(case, scene)], strict=False))
        out.append(pytest.param(case, file, scene, marks=marks, id=f"{case}:{scene}"))
    return out


CASE_PARAMS = _params(CASES)


@cache
def flat(case: str, file: str, scene: str) -> FlatResult:
    repo = REPOS / case
    return manimflat.flatten(repo, f"{file}:{scene}", root=str(repo))


def code_of(case: str, file: str, scene: str) -> str:
    result = flat(case, file, scene)
    assert result.code is not None, [d.to_json() for d in result.diagnostics]
    return result.code


def repo_module_names(repo: Path) -> set[str]:
    """Every name under which some file or folder of the repo could be imported."""
    names: set[str] = set()
    for path in repo.rglob("*"):
        if "__pycache__" in path.parts:
            continue
        if path.is_dir() or path.suffix == ".py":
            names.add(path.stem if path.is_file() else path.name)
    # the real manim package is allowed even though `manim_folder` has a folder of that name
    return names - {"manim"}


def imported_modules(tree: ast.Module) -> list[tuple[str, int]]:
    """Imports the output needs to run. An import inside `try:` with a handler is optional:
    when the package is absent the handler runs, as in the original."""
    out: list[tuple[str, int]] = []
    optional = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try) and t.handlers
                for stmt in t.body for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append(("." * node.level + (node.module or ""), node.lineno))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module"):
            out.append(("<importlib.import_module>", node.lineno))
    return out


@pytest.mark.parametrize(("case", "file", "scene"), CASE_PARAMS)
def test_matches_golden(case: str, file: str, scene: str) -> None:
    golden = GOLDEN / case / f"{scene}.py"
    assert golden.is_file(), f"no golden file {golden.relative_to(ROOT)}"
    assert code_of(case, file, scene) == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("case", "file", "scene"), CASE_PARAMS)
def test_self_contained(case: str, file: str, scene: str) -> None:
    result = flat(case, file, scene)
    code = code_of(case, file, scene)
    assert result.ok, [d.to_json() for d in result.diagnostics]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a SyntaxWarning (e.g. "\f" in LaTeX) fails the test
        compile(code, f"{scene}.py", "exec")
    tree = ast.parse(code)
    local = repo_module_names(REPOS / case)
    for module, line in imported_modules(tree):
        top = module.split(".")[0]
        assert top and top not in local, f"line {line}: imports the repo's {module!r}"
        assert top in ALLOWED_TOP_LEVEL, f"line {line}: imports {module!r}"
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    attrs = {(n.value.id, n.attr) for n in ast.walk(tree)
             if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
    assert "__file__" not in names
    assert ("sys", "path") not in attrs
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert classes.count(scene) == 1 and classes[-1] == scene, classes


@pytest.mark.parametrize(("case", "file", "scene"), CASE_PARAMS)
def test_flattening_twice_changes_nothing(case: str, file: str, scene: str,
                                          tmp_path: Path) -> None:
    code = code_of(case, file, scene)
    again = tmp_path / Path(file).name
    again.write_text(code, encoding="utf-8")
    result = manimflat.flatten(tmp_path, f"{again.name}:{scene}", root=str(tmp_path))
    assert result.code == code


def test_manimgl_scene_is_listed_and_skipped() -> None:
    repo = REPOS / "manimgl_file"
    refs = {ref.name: ref for ref in manimflat.discover(repo, root=str(repo))}
    assert refs["GLScene"].dialect == "manimgl"
    assert refs["GLScene"].path == "gl_scene.py"
    assert refs["CEScene"].dialect == "manim-ce"
    statuses = {r.scene.name: r.status for r in manimflat.flatten_all(
        repo, root=str(repo), upgrade=False)}
    assert statuses == {"GLScene": "skipped", "CEScene": "ok"}
    statuses = {r.scene.name: r.status for r in manimflat.flatten_all(repo, root=str(repo))}
    assert statuses == {"GLScene": "fixed", "CEScene": "ok"}  # upgraded (upgrade-dialect)


def test_abstract_base_is_listed_as_a_base() -> None:
    repo = REPOS / "abstract_base"
    refs = {ref.name: ref for ref in manimflat.discover(repo, root=str(repo))}
    assert refs["GridScene"].is_base
    assert not refs["SmallGrid"].is_base and not refs["BigGrid"].is_base
    flattened = {r.scene.name for r in manimflat.flatten_all(repo, root=str(repo))
                 if r.status in ("ok", "fixed")}
    assert flattened == {"SmallGrid", "BigGrid"}


def test_every_case_is_covered() -> None:
    """Each fixture folder has its scenes in CASES, and discovery finds exactly those."""
    folders = {p.name for p in REPOS.iterdir() if p.is_dir()}
    assert folders == {case for case, _, _ in CASES}
    for case in sorted(folders):
        repo = REPOS / case
        found = {(ref.path, ref.name) for ref in manimflat.discover(repo, root=str(repo))
                 if ref.dialect == "manim-ce" and not ref.is_base}
        assert found == {(file, scene) for c, file, scene in CASES if c == case}, case


def test_star_import_rebinds_an_earlier_from_import(tmp_path: Path) -> None:
    """Found by tests/test_properties.py: the last binding of a name wins, star or not."""
    (tmp_path / "shapes.py").write_text("def make():\n    return 0\n", encoding="utf-8")
    (tmp_path / "colors.py").write_text("def make():\n    return 1\n", encoding="utf-8")
    (tmp_path / "scene.py").write_text(
        "from manim import *\nfrom shapes import make\nfrom colors import *\n\n\n"
        "class Rebound(Scene):\n    def construct(self):\n"
        "        self.add(Dot().shift(RIGHT * make()))\n", encoding="utf-8")
    code = manimflat.flatten(tmp_path, "scene.py:Rebound", root=str(tmp_path)).code
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code, "flat.py", "exec"), namespace)  # noqa: S102 - a two-line test repo
    assert namespace["make"]() == 1  # type: ignore[operator]


# -- rendering -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def render_api():  # type: ignore[no-untyped-def]
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    from manimflat.verify import render

    return render


@pytest.mark.render
@pytest.mark.parametrize(("case", "file", "scene"), CASE_PARAMS)
def test_renders_the_same_last_frame(case: str, file: str, scene: str, tmp_path: Path,
                                     render_api) -> None:  # type: ignore[no-untyped-def]
    if case in NO_ORIGINAL_RENDER:
        pytest.skip(NO_ORIGINAL_RENDER[case])
    cfg = flat(case, file, scene).manim_cfg  # run from its folder, as the author did
    original, flattened = render_both(REPOS / case, file, scene, code_of(case, file, scene),
                                      tmp_path, cwd=cfg_folder(cfg) if cfg else "")
    diff = render_api.compare_frames(original, flattened)
    assert diff.identical, diff
