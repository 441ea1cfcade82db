"""Near-duplicate clusters are a function of the rows' contents: not of their order, the
chunk size, the hashing backend; the LSH spill is cleaned up."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from manimflat.dataset import minhash
from manimflat.dataset.minhash import LSHParams, clusters, near_pairs


def _texts() -> list[str]:
    """Distinct scenes, near copies of some (a few literals changed), and one family of 30
    near copies of a single scene: a bucket larger than the pairing window."""
    rng = random.Random(11)
    shapes = ["Circle", "Square", "Dot", "Arrow"]

    def scene(n: int) -> list[str]:
        return [f"class S{n}(Scene):", "    def construct(self):"] + [
            f"        m{rng.randrange(10 ** 5)} = {rng.choice(shapes)}()"
            f".shift({rng.uniform(-3, 3):.2f} * RIGHT)" for _ in range(14)]

    base = [scene(n) for n in range(60)]
    texts = ["\n".join(lines) for lines in base]
    for k in range(0, 60, 3):  # a near copy: two lines changed
        lines = list(base[k])
        for at in (5, 9):
            lines[at] = lines[at].replace("RIGHT", "LEFT")
        texts.append("\n".join(lines))
    for k in range(30):
        lines = list(base[1])
        lines[2 + k % 14] += f"  # variant {k}"
        lines[2 + k % 14] = lines[2 + k % 14].replace("* RIGHT", f"* RIGHT * {k + 2}")
        texts.append("\n".join(lines))
    return texts


def _partition(texts: list[str]) -> set[frozenset[str]]:
    i, j, _ = near_pairs(texts, LSHParams())
    labels = clusters(len(texts), i, j)
    groups: dict[int, set[str]] = {}
    for text, label in zip(texts, labels.tolist()):
        groups.setdefault(label, set()).add(text)
    return {frozenset(g) for g in groups.values()}


def test_clusters_do_not_depend_on_row_order_or_chunk_size(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts()
    expected = _partition(texts)
    assert sum(len(g) > 1 for g in expected) >= 20  # the near copies really are found
    assert max(len(g) for g in expected) >= 31  # the big family is one cluster
    for seed, chunk in [(0, 5), (1, 13), (2, 4096)]:
        monkeypatch.setattr(minhash, "CHUNK_ROWS", chunk)
        shuffled = list(texts)
        random.Random(seed).shuffle(shuffled)
        assert _partition(shuffled) == expected


def test_numpy_fallback_finds_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without rensa the signatures differ (another hash family) but the verified pairs, their
    exact Jaccard and so the clusters are the same."""
    texts = _texts()
    with_rensa = near_pairs(texts)
    monkeypatch.setattr(minhash, "_rensa", None)
    without = near_pairs(texts)
    assert minhash.signatures(texts[:2]).dtype.name == "uint64"
    assert [a.tolist() for a in with_rensa] == [a.tolist() for a in without]


def test_references_are_compared_directly_and_the_spill_is_removed(tmp_path: Path) -> None:
    """An anchor (reference row) heads its buckets, so each of the 30 near copies is paired
    with it directly, whatever the window; the spilled band keys and sketches are deleted."""
    texts = _texts()
    family = [n for n, t in enumerate(texts) if "# variant" in t]
    reference = texts[1]
    i, j, _ = near_pairs([reference] + texts, LSHParams(), spill=tmp_path, anchors=1)
    direct = {b - 1 for a, b in zip(i.tolist(), j.tolist()) if a == 0}
    assert set(family) <= direct
    assert list(tmp_path.iterdir()) == []
