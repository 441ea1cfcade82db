"""MinHash LSH near-duplicate detection, vectorized over all rows at once with numpy and pyarrow.

Why not datasketch: it builds one MinHash object per row (a Python loop, SHA-1 per shingle) and
inserts into dict-backed hash tables; here tokenization and shingle hashing run in Arrow's C
kernels, the permutations are one multiply per (shingle, permutation) in large numpy blocks, and
LSH bands are grouped by sorting band keys instead of probing dicts.

Hash family: token text -> 64-bit BLAKE2b (stable: the same code has the same signature in
every build, whatever else is in the batch) -> polynomial n-gram hash -> splitmix64 finalizer ->
per permutation `(x ^ b) * a mod 2**64` (a odd). The order of the products is decided by their
high bits, which mix every bit of x: a multiply-shift family, good enough for min-wise hashing
in practice (the benchmark measures recall against datasketch on planted near-duplicates).

LSH is tuned for recall (bands of few rows, so a pair at the threshold shares a band with
probability >= 0.999), and every candidate pair is then verified with the exact Jaccard
similarity of its shingle sets: precision is exact, and the similarity is reported.
The shingled text is the scene, not its boilerplate: the manim import line and the
`class X(Scene):` / `def construct(self):` header are left out (`strip_boilerplate`), and a row
with fewer than `min_shingles` distinct shingles has too little code to be called a near
duplicate of anything (exact duplicates are found apart, on the whole normalized code).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_TOKENS = r"(\w+|[^\w\s])"
# Lines every scene has: they say nothing about what it shows (RE2 syntax, multiline).
_BOILERPLATE = (r"(?m)^[ \t]*(from manim import [^\n]*|import manim[^\n]*|"
                r"class \w+\([\w., ]*\):|def construct\(self\)( -> None)?:)[ \t]*$")
RECALL_AT_THRESHOLD = 0.999
_WINDOW = 16  # rows of a sorted LSH bucket each row is compared with
_BLOCK = 1 << 18  # shingle x permutation products per numpy block (32 MiB of uint64)
_U64 = np.uint64
CHUNK_ROWS = 4096  # texts shingled and signed at once


@dataclass(frozen=True)
class LSHParams:
    num_perm: int = 256
    ngram: int = 5
    threshold: float = 0.7
    seed: int = 1
    strip_boilerplate: bool = True
    min_shingles: int = 5

    @property
    def bands(self) -> tuple[int, int]:
        return recall_bands(self.threshold, self.num_perm)


@cache
def recall_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band): the most rows per band (fewest spurious candidates) for which a
    pair at `threshold` still shares a band with probability >= RECALL_AT_THRESHOLD."""
    for r in range(num_perm, 0, -1):
        b = num_perm // r
        if 1 - (1 - threshold ** r) ** b >= RECALL_AT_THRESHOLD:
            return b, r
    return num_perm, 1


def scene_texts(texts: Sequence[str], params: LSHParams) -> pa.Array:
    """The texts as shingled: without the boilerplate lines when `strip_boilerplate`."""
    strings = pa.array(texts, type=pa.large_string())
    if params.strip_boilerplate:
        strings = pc.replace_substring_regex(strings, _BOILERPLATE, "")
    return strings


def _stable_hashes(tokens: pa.Array) -> np.ndarray:
    """64-bit hash of each token's text, the same in every batch (BLAKE2b of the distinct
    tokens, which are few, then gathered)."""
    encoded = pc.dictionary_encode(tokens)
    vocab = np.fromiter((int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(),
                                        "little") for t in encoded.dictionary.to_pylist()),
                        dtype=np.uint64, count=len(encoded.dictionary))
    return vocab[encoded.indices.to_numpy(zero_copy_only=False)]


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = x + _U64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def shingles(texts: Sequence[str] | pa.Array, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every token n-gram of every text, and each text's start offset.

    Texts shorter than `ngram` tokens get one shingle of all their tokens; empty texts get one
    shingle of their own (a distinct constant per row), so they never match each other.
    """
    strings = texts if isinstance(texts, pa.Array) else pa.array(texts, type=pa.large_string())
    spaced = pc.replace_substring_regex(strings, _TOKENS, r" \1 ")
    tokens = pc.utf8_split_whitespace(spaced)
    flat = pc.list_flatten(tokens)
    # Splitting leaves "" tokens at the edges of each text; they are not tokens.
    real = pc.not_equal(flat, "")
    parents = pc.list_parent_indices(tokens).filter(real).to_numpy(zero_copy_only=False)
    counts = np.bincount(parents, minlength=len(texts)).astype(np.int64)
    flat = flat.filter(real)
    ids = _stable_hashes(flat) if len(flat) else np.zeros(0, dtype=np.uint64)
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])

    total = len(ids)
    padded = np.concatenate([ids, np.zeros(ngram, dtype=np.uint64)])
    hashes = np.zeros(total, dtype=np.uint64)
    for k in range(ngram):
        hashes = hashes * _U64(0x100000001B3) + padded[k:k + total]
    # An n-gram starting at position p is valid when it ends inside its own text.
    row_of = np.repeat(np.arange(len(texts)), counts)
    end_of = starts[1:][row_of]
    valid = np.arange(total) + ngram <= end_of
    short = np.flatnonzero(counts < ngram)
    extra_hash, extra_row = [], []
    with np.errstate(over="ignore"):
        for row in short:  # rare: snippets shorter than one shingle
            h = _U64(0xCBF29CE484222325) ^ _U64(row if counts[row] == 0 else 0)
            for token in ids[starts[row]:starts[row + 1]]:
                h = h * _U64(0x100000001B3) + token
            extra_hash.append(h)
            extra_row.append(row)
    rows = np.concatenate([row_of[valid], np.asarray(extra_row, dtype=np.int64)])
    values = np.concatenate([hashes[valid], np.asarray(extra_hash, dtype=np.uint64)])
    order = np.argsort(rows, kind="stable")
    rows, values = rows[order], _splitmix(values[order])
    offsets = np.searchsorted(rows, np.arange(len(texts)))
    return values, offsets


def signatures(texts: Sequence[str], params: LSHParams = LSHParams()) -> np.ndarray:
    """(len(texts), num_perm) uint64 MinHash signatures."""
    if not len(texts):
        return np.zeros((0, params.num_perm), dtype=np.uint64)
    return _signatures(*shingles(scene_texts(texts, params), params.ngram), params)


def _signatures(values: np.ndarray, offsets: np.ndarray, params: LSHParams) -> np.ndarray:
    n = len(offsets)  # one offset per row
    rng = np.random.default_rng(params.seed)
    a = rng.integers(0, 2 ** 63, params.num_perm, dtype=np.uint64) * _U64(2) + _U64(1)
    b = rng.integers(0, 2 ** 63, params.num_perm, dtype=np.uint64)
    out = np.empty((n, params.num_perm), dtype=np.uint64)
    # Blocks of whole rows so each np.minimum.reduceat sees complete segments.
    per_block = max(1, _BLOCK // params.num_perm)
    bounds = np.append(offsets, len(values))
    row = 0
    buf = np.empty((per_block, params.num_perm), dtype=np.uint64)
    with np.errstate(over="ignore"):
        while row < n:
            last = int(np.searchsorted(bounds, bounds[row] + per_block, side="right")) - 1
            last = min(max(last, row + 1), n)
            lo, hi = int(bounds[row]), int(bounds[last])
            chunk = values[lo:hi, None]
            block = buf[:hi - lo] if hi - lo <= per_block else np.empty(
                (hi - lo, params.num_perm), dtype=np.uint64)
            np.bitwise_xor(chunk, b, out=block)
            np.multiply(block, a, out=block)
            out[row:last] = np.minimum.reduceat(block, bounds[row:last] - lo, axis=0)
            row = last
    return out


def band_keys(sig: np.ndarray, params: LSHParams) -> np.ndarray:
    """(rows, bands) uint64: one hash of each band of each signature."""
    bands, rows = params.bands
    keys = np.zeros((len(sig), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            key = keys[:, band]
            for column in range(band * rows, (band + 1) * rows):
                key = _splitmix(key ^ sig[:, column])
            keys[:, band] = key
    return keys


def chunked_band_keys(texts: Sequence[str], params: LSHParams) -> np.ndarray:
    """The band keys of every text, `CHUNK_ROWS` texts at a time: only a chunk's shingles and
    signatures are ever in memory, so memory grows with rows x bands, not rows x permutations."""
    keys = np.empty((len(texts), params.bands[0]), dtype=np.uint64)
    for start in range(0, len(texts), CHUNK_ROWS):
        chunk = texts[start:start + CHUNK_ROWS]
        values, offsets = shingles(scene_texts(chunk, params), params.ngram)
        keys[start:start + len(chunk)] = band_keys(_signatures(values, offsets, params), params)
    return keys


def candidate_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs (i < j) sharing at least one band key (`keys`: rows x bands). A band's
    equal keys are found by sorting; in the sorted order each row is paired with the next
    `_WINDOW` rows of its bucket (every pair of a small bucket) and with its bucket's first row,
    so a huge bucket of boilerplate stays linear while two similar rows behind a dissimilar head
    are still met."""
    n = len(keys)
    found: list[np.ndarray] = []
    for band in range(keys.shape[1]):
        key = keys[:, band]
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        new = np.ones(n, dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        head = order[np.flatnonzero(new)][np.cumsum(new) - 1]
        member = ~new
        left, right = [head[member]], [order[member]]
        for step in range(1, min(_WINDOW, n)):
            same = ordered[step:] == ordered[:-step]
            left.append(order[:-step][same])
            right.append(order[step:][same])
        i, j = np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)
        # Deduplicated per band, so the pairs held never exceed the distinct ones plus a band's.
        found.append(np.unique(np.minimum(i, j) * n + np.maximum(i, j)))
        if len(found) > 1:
            found = [np.unique(np.concatenate(found))]
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pairs = found[0]
    return pairs // n, pairs % n


def near_pairs(texts: Sequence[str], params: LSHParams = LSHParams()
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) whose exact shingle-set Jaccard similarity reaches the threshold, with
    it: LSH finds the candidates, the shingle sets decide. Memory: the band keys (rows x bands
    uint64), the candidate pairs and the shingle sets of the rows in a candidate pair only."""
    empty = np.zeros(0, np.int64)
    if not len(texts):
        return empty, empty, np.zeros(0)
    i, j = candidate_pairs(chunked_band_keys(texts, params))
    involved = np.unique(np.concatenate([i, j]))
    sets: dict[int, np.ndarray] = {}
    for start in range(0, len(involved), CHUNK_ROWS):
        rows = involved[start:start + CHUNK_ROWS].tolist()
        values, offsets = shingles(scene_texts([texts[r] for r in rows], params), params.ngram)
        bounds = np.append(offsets, len(values))
        for k, row in enumerate(rows):
            sets[row] = np.unique(values[bounds[k]:bounds[k + 1]])

    similarity = np.zeros(len(i))
    for n, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        sa, sb = sets[a], sets[b]
        if min(len(sa), len(sb)) < params.min_shingles:
            continue  # too little code to call it a near duplicate
        common = len(np.intersect1d(sa, sb, assume_unique=True))
        similarity[n] = common / (len(sa) + len(sb) - common)
    keep = similarity >= params.threshold
    return i[keep], j[keep], similarity[keep]


def clusters(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected-component label per row (rows without a pair are their own cluster)."""
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def near_duplicate_clusters(texts: Sequence[str], params: LSHParams = LSHParams()) -> np.ndarray:
    i, j, _ = near_pairs(texts, params)
    return clusters(len(texts), i, j)
