"""Normalization, MinHash LSH, config validation, the judge and the duplicate policies."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from manimflat.dataset.clean import clean_row
from manimflat.dataset.combine import Reference, combine
from manimflat.dataset.config import ConfigError, DatasetError, load_config, parse_config
from manimflat.dataset.minhash import (
    LSHParams,
    near_duplicate_clusters,
    near_pairs,
    recall_bands,
    signatures,
)
from manimflat.dataset.normalize import normalize_code

SCENE = "class S{n}(Scene):\n    def construct(self):\n{body}"


def _scene(n: int, lines: list[str]) -> str:
    return SCENE.format(n=n, body="".join(f"        {line}\n" for line in lines))


def test_normalize_ignores_comments_docstrings_and_format_but_not_strings() -> None:
    a = 'class A(Scene):\n    """Doc."""\n    def construct(self):\n        c = "#FF0000"  # red\n'
    b = "class A( Scene ):\n    def construct(self):\n        c='#FF0000'\n"
    assert normalize_code(a) == normalize_code(b)
    assert normalize_code(a) != normalize_code(a.replace("#FF0000", "#00FF00"))


def test_minhash_estimates_jaccard_and_clusters_planted_pairs() -> None:
    rng = random.Random(3)
    words = [f"w{i}" for i in range(5000)]
    base = [" ".join(rng.choice(words) for _ in range(300)) for _ in range(40)]

    def mutate(text: str) -> str:  # ~1% of tokens replaced: 5-gram Jaccard ~0.9
        tokens = text.split()
        for _ in range(3):
            tokens[rng.randrange(len(tokens))] = rng.choice(words)
        return " ".join(tokens)

    texts = base + [mutate(t) for t in base]
    labels = near_duplicate_clusters(texts, LSHParams())
    assert all(labels[k] == labels[k + 40] for k in range(40))
    assert len(set(labels.tolist())) == 40
    sig = signatures(["a b c d e f", "a b c d e f", "", ""], LSHParams(num_perm=64))
    assert (sig[0] == sig[1]).all() and not (sig[2] == sig[3]).all()


def _jaccard(a: str, b: str, n: int = 5) -> float:
    def grams(text: str) -> set[tuple[str, ...]]:
        t = text.split()
        return {tuple(t[k:k + n]) for k in range(len(t) - n + 1)}
    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb)


def test_near_pairs_find_every_planted_pair_above_the_threshold_exactly() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(20000)]
    base = [" ".join(rng.choice(words) for _ in range(200)) for _ in range(300)]
    planted = []
    for text in base:  # Jaccard 0.70-0.95: replace a few tokens
        tokens = text.split()
        for _ in range(rng.randint(1, 6)):
            tokens[rng.randrange(len(tokens))] = rng.choice(words)
        planted.append(" ".join(tokens))
    texts = base + planted
    i, j, sim = near_pairs(texts)
    found = {(a, b): x for a, b, x in zip(i.tolist(), j.tolist(), sim.tolist())}
    truth = {k: _jaccard(base[k], planted[k]) for k in range(len(base))}
    wanted = [k for k, x in truth.items() if x >= 0.75]
    assert len(wanted) > 200
    hit = [k for k in wanted if (k, k + len(base)) in found]
    assert len(hit) / len(wanted) >= 0.99
    # precision is exact: every reported pair really is that similar, and says how similar
    for (a, b), x in found.items():
        assert x == pytest.approx(_jaccard(texts[a], texts[b])) and x >= 0.7
    assert recall_bands(0.7, 256) == (42, 6)


def test_signatures_do_not_depend_on_the_batch() -> None:
    text = _scene(1, ["circle = Circle(color=RED)", "self.play(Create(circle))"])
    alone = signatures([text])[0]
    among = signatures([_scene(2, ["x = 1"]), "other words " * 40, text])[2]
    assert (alone == among).all()


def test_boilerplate_does_not_make_short_scenes_near_duplicates() -> None:
    create = _scene(1, ["group = VGroup(Square(), Circle())", "self.play(Create(group))"])
    rotate = _scene(2, ["group = VGroup(Square(), Circle())",
                        "self.play(group.animate.rotate(30 * DEGREES))"])
    texts = ["from manim import *\n\n" + create, "from manim import *\n\n" + rotate]
    assert len(near_pairs(texts)[0]) == 0
    with_header = LSHParams(strip_boilerplate=False, min_shingles=0)
    assert signatures(texts, with_header).shape == (2, 256)


def test_config_errors_are_collected_and_explained(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("code,description\n")
    config = tmp_path / "c.toml"
    config.write_text('[[source]]\nname = "a"\nkind = "tabel"\npath = "t.csv"\n'
                      '[[source]]\nname = "b"\nkind = "table"\npath = "missing.jsonl"\n'
                      'priorty = 3\n[dedup]\nthreshold = 1.5\n')
    with pytest.raises(ConfigError) as info:
        load_config(config)
    message = str(info.value)
    assert "kind must be one of table, repo, repos, notebooks, not 'tabel'" in message
    assert "'missing.jsonl' does not exist" in message
    assert "unknown key 'priorty' (did you mean 'priority'?)" in message
    assert "threshold must be in (0, 1]" in message
    config.write_text("[[source]\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(config)


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    from manimflat.dataset import build

    (tmp_path / "t.jsonl").write_text('{"text": "x"}\n')
    config = parse_config({"source": [{"name": "t", "kind": "table", "path": "t.jsonl"}]},
                          tmp_path / "c.toml")
    with pytest.raises(DatasetError, match="no column 'code', 'description' .*columns: text"):
        build(config, tmp_path / "out", progress=False)


def _records(rows: list[tuple[str, str, str | None]], source: str = "s") -> list[dict]:
    return [clean_row({"source": source, "origin": f"{source}#{n}", "code": code,
                       "description": desc, "split": split})
            for n, (code, desc, split) in enumerate(rows)]


def _config(tmp_path: Path, **extra: object) -> object:
    (tmp_path / "t.csv").write_text("code,description\n")
    data = {"source": [{"name": "s", "kind": "table", "path": "t.csv"}],
            "dataset": {"test_fraction": 0.0}} | extra
    return parse_config(data, tmp_path / "c.toml")


BODY = ["sq = Square(side_length={k})", "self.play(Create(sq))", "self.play(sq.animate.shift(UP))",
        "self.play(Rotate(sq, PI / {k}))", "self.play(FadeOut(sq))"]


def test_same_code_different_descriptions_keeps_one_and_remembers_the_rest(
        tmp_path: Path) -> None:
    code = _scene(1, [line.format(k=2) for line in BODY])
    records = _records([(code, "Short.", None), (code, "A longer description.", None),
                        (code, "short.", None)])
    kept = combine(_config(tmp_path), records, Reference())
    # The longest description wins; "short." equals "Short." after normalization.
    assert [r["description"] for r in kept] == ["A longer description."]
    assert kept[0]["alt_descriptions"] == ["Short."]
    assert [r["reason"] for r in records] == ["MF503", None, "MF503"]


def test_same_description_different_code_keeps_both_in_one_cluster(tmp_path: Path) -> None:
    a = _scene(1, [line.format(k=2) for line in BODY])
    b = _scene(2, ["t = Text('hello world')", "self.play(Write(t))", "self.wait(3)"])
    records = _records([(a, "Draw it.", "test"), (b, "draw  it.", None)])
    kept = combine(_config(tmp_path), records, Reference())
    assert len(kept) == 2 and kept[0]["cluster"] == kept[1]["cluster"]
    assert {r["split"] for r in kept} == {"test"}


def test_near_policy_keep_clusters_without_dropping(tmp_path: Path) -> None:
    lines = [line.format(k=2) for line in BODY] + [f"self.wait({k})" for k in range(12)]
    a, b = _scene(1, lines), _scene(1, lines[:-1] + ["self.wait(99)"])
    drop = combine(_config(tmp_path), _records([(a, "A.", None), (b, "B.", None)]), Reference())
    assert len(drop) == 1
    keep = combine(_config(tmp_path, dedup={"near": "keep"}),
                   _records([(a, "A.", None), (b, "B.", None)]), Reference())
    assert len(keep) == 2 and keep[0]["cluster"] == keep[1]["cluster"]


def test_judge_callable_and_command(tmp_path: Path) -> None:
    (tmp_path / "myjudge.py").write_text(
        "def check(code, description):\n    return 'circle' in description, 'not about circles'\n")
    sys.path.insert(0, str(tmp_path))
    try:
        code = _scene(1, [line.format(k=2) for line in BODY])
        other = _scene(2, ["t = Text('hello world')", "self.play(Write(t))", "self.wait(3)"])
        rows = [(code, "A circle.", None), (other, "A square.", None)]
        records = _records(rows)
        kept = combine(_config(tmp_path, judge={"callable": "myjudge:check"}), records,
                       Reference())
        assert [r["description"] for r in kept] == ["A circle."]
        assert records[1]["reason"] == "MF509" and records[1]["message"] == "not about circles"
        script = tmp_path / "judge_cmd.py"
        script.write_text("import json, sys\nfor line in sys.stdin:\n    item = json.loads(line)\n"
                          "    print(json.dumps({'id': item['id'], 'ok': 'square' in "
                          "item['description']}))\n")
        records = _records(rows)
        kept = combine(_config(tmp_path, judge={"command": [sys.executable, str(script)]}),
                       records, Reference())
        assert [r["description"] for r in kept] == ["A square."]
        with pytest.raises(DatasetError, match="exited with 1"):
            combine(_config(tmp_path, judge={"command": [sys.executable, "-c", "exit(1)"]}),
                    _records(rows), Reference())
    finally:
        sys.path.remove(str(tmp_path))


def test_bad_rows_become_rejects_never_exceptions() -> None:
    rows = [None, 42, "", "def f(:\n", "x = 1\n",
            "class A(Scene):\n    def construct(self):\n        pass\nreturn 1\n"]
    records = _records([(c, "d", None) for c in rows])  # type: ignore[misc]
    # None, a number and "" have no code; then a parse error, no scene, and `return` outside a
    # function, which parses but does not compile (verification).
    assert [r["reason"] for r in records] == ["MF501", "MF501", "MF501", "MF502", "MF506",
                                              "MF507"]
    assert np.all([r["status"] == "rejected" and r["message"] for r in records])


def test_near_pairs_do_not_depend_on_the_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Signatures are computed a chunk of rows at a time: a pair split across chunks is found
    exactly as within one chunk, with the same exact Jaccard."""
    from manimflat.dataset import minhash

    rng = random.Random(3)
    texts = [_scene(n, [f"x{k} = Circle().shift({rng.random():.3f} * LEFT)" for k in range(12)])
             for n in range(40)]
    texts += [t.replace("x3 =", "y3 =") for t in texts[:10]]  # near copies, 40 rows later
    whole = minhash.near_pairs(texts, LSHParams())
    monkeypatch.setattr(minhash, "CHUNK_ROWS", 7)
    chunked = minhash.near_pairs(texts, LSHParams())
    assert [a.tolist() for a in whole] == [a.tolist() for a in chunked]
    assert {(i, j) for i, j in zip(whole[0].tolist(), whole[1].tolist())} >= \
        {(k, 40 + k) for k in range(10)}
