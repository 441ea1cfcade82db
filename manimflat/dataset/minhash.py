"""MinHash LSH near-duplicate detection, vectorized over all rows at once with numpy and pyarrow.

Why not datasketch: it builds one MinHash object per row (a Python loop, SHA-1 per shingle) and
inserts into dict-backed hash tables; here tokenization and shingle hashing run in Arrow's C
kernels, the permutations are one multiply per (shingle, permutation) in large numpy blocks, and
LSH bands are grouped by sorting band keys instead of probing dicts.

Hash family: token ids -> polynomial n-gram hash -> splitmix64 finalizer -> per permutation
`(x ^ b) * a mod 2**64` (a odd). The order of the products is decided by their high bits, which
mix every bit of x: a multiply-shift family, good enough for min-wise hashing in practice (the
benchmark measures recall against datasketch on planted near-duplicates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_TOKENS = r"(\w+|[^\w\s])"
_BLOCK = 1 << 18  # shingle x permutation products per numpy block (32 MiB of uint64)
_U64 = np.uint64


@dataclass(frozen=True)
class LSHParams:
    num_perm: int = 256
    ngram: int = 5
    threshold: float = 0.7
    seed: int = 1

    @property
    def bands(self) -> tuple[int, int]:
        return optimal_bands(self.threshold, self.num_perm)


@cache
def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimizing false positives + false negatives around the threshold
    (datasketch's criterion, integrated on a grid so it costs milliseconds, not seconds)."""
    best, best_error = (1, num_perm), float("inf")
    low, high = np.linspace(0.0, threshold, 201), np.linspace(threshold, 1.0, 201)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = float(np.trapezoid(1 - (1 - low ** r) ** b, low))
            fn = float(np.trapezoid((1 - high ** r) ** b, high))
            if 0.5 * fp + 0.5 * fn < best_error:
                best, best_error = (b, r), 0.5 * fp + 0.5 * fn
    return best


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = x + _U64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def shingles(texts: Sequence[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every token n-gram of every text, and each text's start offset.

    Texts shorter than `ngram` tokens get one shingle of all their tokens; empty texts get one
    shingle of their own (a distinct constant per row), so they never match each other.
    """
    strings = pa.array(texts, type=pa.large_string())
    spaced = pc.replace_substring_regex(strings, _TOKENS, r" \1 ")
    tokens = pc.utf8_split_whitespace(spaced)
    flat = pc.list_flatten(tokens)
    # Splitting leaves "" tokens at the edges of each text; they are not tokens.
    real = pc.not_equal(flat, "")
    parents = pc.list_parent_indices(tokens).filter(real).to_numpy(zero_copy_only=False)
    counts = np.bincount(parents, minlength=len(texts)).astype(np.int64)
    flat = flat.filter(real)
    ids = pc.dictionary_encode(flat).indices.to_numpy(zero_copy_only=False).astype(np.uint64)
    ids = _splitmix(ids)  # spread small ids over 64 bits before the polynomial
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
    values, offsets = shingles(texts, params.ngram)
    rng = np.random.default_rng(params.seed)
    a = rng.integers(0, 2 ** 63, params.num_perm, dtype=np.uint64) * _U64(2) + _U64(1)
    b = rng.integers(0, 2 ** 63, params.num_perm, dtype=np.uint64)
    out = np.empty((len(texts), params.num_perm), dtype=np.uint64)
    # Blocks of whole rows so each np.minimum.reduceat sees complete segments.
    per_block = max(1, _BLOCK // params.num_perm)
    bounds = np.append(offsets, len(values))
    row = 0
    buf = np.empty((per_block, params.num_perm), dtype=np.uint64)
    with np.errstate(over="ignore"):
        while row < len(texts):
            last = int(np.searchsorted(bounds, bounds[row] + per_block, side="right")) - 1
            last = min(max(last, row + 1), len(texts))
            lo, hi = int(bounds[row]), int(bounds[last])
            chunk = values[lo:hi, None]
            block = buf[:hi - lo] if hi - lo <= per_block else np.empty(
                (hi - lo, params.num_perm), dtype=np.uint64)
            np.bitwise_xor(chunk, b, out=block)
            np.multiply(block, a, out=block)
            out[row:last] = np.minimum.reduceat(block, bounds[row:last] - lo, axis=0)
            row = last
    return out


def candidate_pairs(sig: np.ndarray, params: LSHParams) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs (i < j) sharing at least one band; each band's equal keys are found by
    sorting, and every member of a bucket is paired with the bucket's first member (a star keeps
    the pair count linear; clusters are connected components, so stars lose nothing for them)."""
    bands, rows = params.bands
    n = len(sig)
    left, right = [], []
    for band in range(bands):
        part = sig[:, band * rows:(band + 1) * rows]
        key = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in range(part.shape[1]):
                key = _splitmix(key ^ part[:, column])
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        new = np.ones(n, dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        head = order[np.flatnonzero(new)][np.cumsum(new) - 1]
        member = ~new
        left.append(head[member])
        right.append(order[member])
    if not left:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    i, j = np.concatenate(left), np.concatenate(right)
    i, j = np.minimum(i, j), np.maximum(i, j)
    pairs = np.unique(i.astype(np.int64) * n + j)
    return pairs // n, pairs % n


def similar_pairs(sig: np.ndarray, params: LSHParams) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs whose estimated Jaccard similarity reaches the threshold."""
    i, j = candidate_pairs(sig, params)
    keep = np.zeros(len(i), dtype=bool)
    step = max(1, _BLOCK // sig.shape[1])
    for lo in range(0, len(i), step):
        hi = lo + step
        same = (sig[i[lo:hi]] == sig[j[lo:hi]]).mean(axis=1)
        keep[lo:hi] = same >= params.threshold
    return i[keep], j[keep]


def clusters(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected-component label per row (rows without a pair are their own cluster)."""
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def near_duplicate_clusters(texts: Sequence[str], params: LSHParams = LSHParams()) -> np.ndarray:
    sig = signatures(texts, params)
    return clusters(len(texts), *similar_pairs(sig, params))
