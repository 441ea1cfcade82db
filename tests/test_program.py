"""The program model on messy repositories: bad files are diagnostics, never tracebacks."""

from __future__ import annotations

import os
from pathlib import Path

from helpers import CORE, flat, write_repo

import manimflat
from manimflat.api import Session

SCENE = ("from manim import *\nfrom helpers import dot\n\nclass S(Scene):\n"
         "    def construct(self):\n        self.add(dot())\n")
HELPERS = "from manim import *\n\ndef dot():\n    return Dot()\n"


def test_binary_junk_non_utf8_and_outside_symlinks_are_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET = 1\n")
    repo = write_repo(tmp_path / "r", {"scene.py": SCENE, "helpers.py": HELPERS,
                                       "junk.py": b"\x00\x01\x02binary",
                                       "latin.py": "x = 'caf\xe9'\n".encode("latin-1")})
    os.symlink(outside, repo / "leak.py")
    session = Session(repo)
    assert [s.name for s in session.scenes()] == ["S"]
    for rel in ("junk.py", "latin.py"):
        session.program.module(rel)
    skipped = {d.path: d.code for d in session.program.diagnostics}
    assert skipped == {"leak.py": "MF104", "junk.py": "MF104", "latin.py": "MF104"}
    assert flat(repo, "S").ok


def test_ten_thousand_files(tmp_path: Path) -> None:
    files = {f"pkg{i // 100}/m{i}.py": f"VALUE_{i} = {i}\n" for i in range(10_000)}
    files.update({"scene.py": SCENE.replace("from helpers import dot",
                                            "from pkg42.m4242 import VALUE_4242"
                                            ).replace("dot()", "Dot(radius=VALUE_4242 / 1e4)")})
    repo = write_repo(tmp_path / "r", files)
    result = manimflat.flatten(repo, "S", passes=CORE)
    assert result.ok and "VALUE_4242 = 4242" in result.code
    assert result.inlined == ("pkg42/m4242.py:VALUE_4242",)


def test_non_ascii_folders(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", {"vidéos/数学/scene.py": SCENE,
                                       "vidéos/数学/helpers.py": HELPERS})
    result = flat(repo, "S")
    assert result.ok and result.scene.path == "vidéos/数学/scene.py"


def test_libcst_parses_a_file_once_and_only_when_a_pass_needs_a_tree(tmp_path: Path) -> None:
    # dot() imports from the repo inside its body: deleting that import needs the tree of
    # helpers.py; every other statement is emitted (or renamed) from its text.
    files = {"helpers.py": "from manim import *\n\ndef dot():\n    from consts import R\n"
                           "    return Dot(radius=R)\n",
             "consts.py": "R = 0.3\n"}
    for i in range(5):
        files[f"s{i}.py"] = SCENE.replace("class S", f"class S{i}")
    session = Session(write_repo(tmp_path / "r", files))
    manager = session.pipeline(CORE)
    for ref in session.scenes():
        result = session.flatten(ref, manager)
        assert result.ok and "from consts" not in result.code and "R = 0.3" in result.code
    assert session.program.parse_counts == {"helpers.py": 1}


def test_unusable_files_are_reported_in_path_order(tmp_path: Path) -> None:
    """The report must not depend on how strings hash in this process (`files` is a set)."""
    names = [f"pkg/m{i}.py" for i in range(8)]
    write_repo(tmp_path, {**{n: "def broken(:\n" for n in names},
                          "scene.py": "from manim import *\nclass S(Scene):\n"
                                      "    def construct(self):\n        pass\n"})
    program = manimflat.program.Program(tmp_path)
    assert program.stored_attributes == frozenset()
    assert [d.path for d in program.diagnostics] == sorted(names)
