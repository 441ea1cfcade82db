"""scripts/survey.py judges outputs by the strict contract itself (not by the tool's claims).

Its judge is checked on hand-made cases, against the independent checker in
`../shared/contract_check.py` (when it is beside the project), and used to prove that the tool
never calls an output `ok` or `fixed` that fails the contract: on every fixture repository
here, and on a folder of real repositories when `MANIMFLAT_CORPUS` names one.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
# beside the project (/work/main), or beside the folder of worktrees (/work/wt/hN)
SHARED_CHECKER = next((p for p in (ROOT.parent / "shared" / "contract_check.py",
                                   ROOT.parents[1] / "shared" / "contract_check.py")
                       if p.is_file()), ROOT.parent / "shared" / "contract_check.py")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


survey = _load("survey", ROOT / "scripts" / "survey.py")
SCENE = "from manim import *\n\n\nclass S(Scene):\n    def construct(self):\n        {}\n"


@pytest.mark.parametrize(("code", "tag"), [
    (SCENE.format("import helpers"), "local-import: helpers"),
    (SCENE.format("pass") + "from .helpers import f\n", "relative-import: .helpers"),
    (SCENE.format("import sys; sys.path.append('x')"), "sys-path"),
    (SCENE.format("f()"), "undefined-name: f"),
    (SCENE.format("x = ("), "syntax-error"),
    (SCENE.format("MathTex('\\frac{a}{b} \\ ')"), "syntax-warning"),
    (SCENE.format("import requests"), "third-party-import: requests"),
    (SCENE.format("p = __file__"), "file-relative"),
    (SCENE.format("self.add(SVGMobject('icons/logo.svg'))"), "asset-path: icons/logo.svg"),
    (SCENE.format("pass").replace("class S", "class T"), "scene-missing: S"),
])
def test_judge_flags(code: str, tag: str) -> None:
    failed = survey.judge(code, "S", frozenset({"helpers"}))
    assert any(t.startswith(tag) for t in failed), failed


def test_judge_passes_a_self_contained_scene() -> None:
    code = ("from manim import *\nimport numpy as np\n\n\ndef f(a):\n"
            "    b = [i for i in range(a)]\n    return lambda c: b + [c, TAU, np.pi]\n\n\n"
            "class S(Scene):\n    k = 2\n\n    def construct(self):\n"
            "        self.add(Dot().shift(f(self.k)[0] * RIGHT), Text('data.csv is a name'))\n")
    assert survey.judge(code, "S", frozenset()) == []


def test_plugins_are_manim_packages_the_repo_lacks() -> None:
    from manimflat.diagnostics import Diagnostic, Severity

    code = ("from manim import *\nfrom manim_slides import Slide\nimport manim_ml\n"
            "manim_rectangles = []\nlogo = 'D:/manim_pi_creatures-main/pi.svg'\n")
    result = SimpleNamespace(code=code, plugins={"manim_themes": "lower"}, diagnostics=[
        Diagnostic("MF101", Severity.ERROR, "`manim_voiceover` is not installed"),
        Diagnostic("MF405", Severity.ERROR, "asset 'D:/manim_extra-main/x.svg' is named")])
    # imports, policies and import diagnostics count; a variable or a path does not
    assert survey.plugins_used(result, frozenset({"manim_ml"})) == [
        "manim_slides", "manim_themes", "manim_voiceover"]


@pytest.mark.skipif(not SHARED_CHECKER.is_file(), reason="shared/contract_check.py is absent")
@pytest.mark.parametrize("golden", sorted((ROOT / "fixtures" / "golden").rglob("*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_judge_agrees_with_the_shared_checker(golden: Path) -> None:
    checker = _load("contract_check", SHARED_CHECKER)
    code = golden.read_text(encoding="utf-8")
    repo = ROOT / "fixtures" / "repos" / golden.parent.name
    theirs = checker.check(code, golden.stem, checker.repo_names(repo))
    ours = survey.judge(code, golden.stem, survey.repo_names(repo))
    assert bool(theirs) == bool(ours), (theirs, ours)


def _assert_no_lies(folder: Path) -> dict:
    repos = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    summary = survey.summarize([survey.survey_repo(str(r)) for r in repos])
    lies = [w for where in summary["by_check"].values() for w in where]
    assert summary["total"].get("lies", 0) == 0, lies[:10]
    assert summary["silent"] == []
    return summary


def test_fixture_repositories_never_lie() -> None:
    summary = _assert_no_lies(ROOT / "fixtures" / "repos")
    assert summary["total"]["plain"] >= 25


@pytest.mark.skipif("MANIMFLAT_CORPUS" not in os.environ,
                    reason="set MANIMFLAT_CORPUS to a folder of real repositories")
def test_real_repositories_never_lie() -> None:
    _assert_no_lies(Path(os.environ["MANIMFLAT_CORPUS"]))


# manim's runtime requirements that the shared contract does not allow (distribution names):
# only manim's internals import them; the contract spells skia-pathops `skia_pathops`, though
# the package's module is `pathops`.
NOT_ALLOWED = {"av", "beautifulsoup4", "skia-pathops"}


def _manim_requirements() -> dict[str, set[str]]:
    """manim's installed runtime requirements (extras left out) -> their importable modules."""
    import importlib.metadata as md
    import re

    from packaging.requirements import Requirement

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    by_dist: dict[str, set[str]] = {}
    for module, dists in md.packages_distributions().items():
        for dist in dists:
            by_dist.setdefault(norm(dist), set()).add(module)
    out = {}
    for text in md.requires("manim") or []:
        req = Requirement(text)
        if not req.marker or req.marker.evaluate({"extra": ""}):
            out[norm(req.name)] = by_dist.get(norm(req.name), set())
    return out


def test_allow_list_is_manims_dependencies() -> None:
    from manimflat.settings import DEFAULT_ALLOWED_IMPORTS

    allowed = set(DEFAULT_ALLOWED_IMPORTS) | set(sys.stdlib_module_names)
    requirements = _manim_requirements()
    assert {"numpy", "scipy", "pillow", "pycairo"} <= set(requirements)
    uncovered = sorted(dist for dist, modules in requirements.items()
                       if dist not in NOT_ALLOWED and not modules & allowed)
    assert not uncovered, f"manim depends on {uncovered}: add their modules to the allow-list"
    assert {"manim", "numpy", "scipy"} <= set(DEFAULT_ALLOWED_IMPORTS)


@pytest.mark.skipif(not SHARED_CHECKER.is_file(), reason="shared/contract_check.py is absent")
def test_allow_list_is_the_shared_checkers() -> None:
    checker = _load("contract_check", SHARED_CHECKER)
    assert survey.allowed() == frozenset(checker.ALLOWED)


def test_markdown_keeps_the_render_section_and_tables_each_corpus(tmp_path: Path) -> None:
    def corpus(repo: str, failed: list[str]) -> dict:
        scene = {"scene": "S", "path": "s.py", "line": 3, "dialect": "manim-ce",
                 "is_base": False, "plugins": [], "status": "failed", "errors": ["MF101 x"],
                 "self_contained": not failed, "failed": failed}
        return survey.summarize([{"repo": repo, "scenes": [scene], "error": None}])

    doc = tmp_path / "survey.md"
    render = "<!-- render-survey -->\n## Renders\n\n| a | b |\n<!-- /render-survey -->"
    doc.write_text(f"# Survey\n\nold table\n\n{render}\n", encoding="utf-8")
    survey.write_markdown(doc, [(Path("dev"), corpus("one", [])),
                                (Path("unseen"), corpus("two", ["third-party-import: cv2"]))], 3)
    text = doc.read_text(encoding="utf-8")
    assert "old table" not in text and text.count(render) == 1
    assert "--also unseen" in text and "## Repositories not used in development: `unseen`" in text
    assert "| one | 1 |" in text and "| two | 1 |" in text
    assert "- **third-party-import**: 1 scenes" in text.split("`unseen`")[1]
    assert text.index("| two |") < text.index(render)


def test_a_saved_run_is_tabled_again(tmp_path: Path) -> None:
    import json

    scene = {"scene": "S", "path": "s.py", "line": 3, "dialect": "manim-ce", "is_base": False,
             "plugins": [], "status": "ok", "errors": [], "self_contained": True, "failed": []}
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps({"repos": [{"repo": "one", "scenes": [scene], "error": None}]}))
    doc = tmp_path / "survey.md"
    assert survey.main([str(saved), "--markdown", str(doc)]) == 0
    assert "| one | 1 | 1 |" in doc.read_text(encoding="utf-8")


def test_a_scene_the_original_leaves_a_name_undefined_in_is_broken_not_a_failure() -> None:
    repo = ROOT / "fixtures" / "original_bugs" / "repos" / "undefined_in_original"
    result = survey.survey_repo(str(repo))
    (row,) = result["scenes"]
    assert row["failed"] == ["undefined-name: network"] and row["broken"] == ["network"]
    total = survey.summarize([result])["total"]
    assert (total["plain"], total["broken"], total.get("self_contained", 0)) == (1, 1, 0)
    assert "| 1 | 0 | 0 | 1 | 0 | - | - | 0.0% | 0.0% |" in "\n".join(
        survey.table_lines(survey.summarize([result])))


def test_a_name_the_tool_lost_is_not_broken(tmp_path: Path) -> None:
    from manimflat.diagnostics import Diagnostic, Severity

    (tmp_path / "helpers.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("config = 1\n", encoding="utf-8")
    (tmp_path / "s.py").write_text("import pkg\nfrom helpers import f, g\nfrom pkg.gone import h\n"
                                   "x = f() + pkg.config + pkg.nothing\n", encoding="utf-8")
    original = survey.Original(tmp_path)

    def result(name: str, code: str) -> SimpleNamespace:
        return SimpleNamespace(code=code, diagnostics=[
            Diagnostic("MF103", Severity.ERROR, f"{name} is gone", path="s.py", line=1)])
    # defined in the original: the tool's failure
    assert survey.broken(["undefined-name: f"], result("f", "f()"), original) == []
    assert survey.broken(["undefined-name: pkg"], result("pkg", "pkg.config"), original) == []
    # imported from a module that lacks it, or from a module its package lacks, or an
    # attribute the module does not have: the original's own bug
    assert survey.broken(["undefined-name: g"], result("g", "g()"), original) == ["g"]
    assert survey.broken(["undefined-name: h"], result("h", "h()"), original) == ["h"]
    assert survey.broken(["undefined-name: pkg"], result("pkg", "pkg.nothing"),
                         original) == ["pkg"]
    # another failure besides: not broken
    assert survey.broken(["asset-path: a.png", "undefined-name: g"], result("g", "g()"),
                         original) == []


def test_a_name_of_an_older_manim_is_the_tools_upgrade_work_not_broken(tmp_path: Path) -> None:
    from manimflat.diagnostics import Diagnostic, Severity

    (tmp_path / "s.py").write_text("from manim import *\n\n\nclass S(GraphScene):\n    pass\n",
                                   encoding="utf-8")
    result = SimpleNamespace(code="from manim import *\n\n\nclass S(GraphScene):\n    pass\n",
                             diagnostics=[Diagnostic("MF212", Severity.ERROR,
                                                     "'GraphScene' is gone", path="s.py")])
    assert survey.broken(["undefined-name: GraphScene"], result, survey.Original(tmp_path)) == []
    result.diagnostics[0] = Diagnostic("MF103", Severity.ERROR, "'GraphScene' undefined",
                                       path="s.py")
    assert survey.broken(["undefined-name: GraphScene"], result,
                         survey.Original(tmp_path)) == ["GraphScene"]


def test_a_star_import_of_the_standard_library_is_listed(tmp_path: Path) -> None:
    """`from math import *` binds what math exports and nothing else: a name it lacks, used
    and never bound, is the original's own bug."""
    (tmp_path / "s.py").write_text("from math import *\nfrom manim import *\n\n"
                                   "x = sin(1) + pdf(2)\n", encoding="utf-8")
    original = survey.Original(tmp_path)
    assert original.binds(tmp_path / "s.py", "sin") is True
    assert original.binds(tmp_path / "s.py", "pdf") is False
