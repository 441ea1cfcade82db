"""MinHash LSH near-duplicate detection that streams: memory does not grow with rows x
permutations, and the pairs found are a function of the rows' contents only.

1. Shingles, `CHUNK_ROWS` texts at a time, in Arrow's C kernels: the boilerplate lines are
   dropped (`strip_boilerplate`: the manim import, `class X(Scene):`, `def construct(self):`),
   each token is hashed from its bytes (stable: the same code has the same shingles in every
   build, whatever else is in the batch), token n-grams by a polynomial, mixed by splitmix64.
2. Signatures of the chunk: rensa's Rust MinHash over those shingle hashes when installed
   (optional dependency `manimflat[fast]`), else a numpy multiply-shift family. From them the
   band keys are spilled to parquet (a column per band) and one byte per permutation to a
   memory-mapped file (b-bit MinHash); nothing of the chunk stays in memory.
3. Candidates, one band at a time: its key column is read back and sorted, bucket members met
   in an order decided by their content. Bands are tuned for recall (a pair at the threshold
   shares one with probability >= RECALL_AT_THRESHOLD); the b-bit estimate then drops pairs
   hopelessly below the threshold (6 standard deviations), which keeps the candidates of a
   million rows few even though random scenes share many common shingles.
4. Verification: every surviving pair gets the exact Jaccard of its shingle sets, re-shingled
   a block of rows at a time. Precision is exact and the similarity is reported (MF504).
   A row with fewer than `min_shingles` distinct shingles has too little code to be called a
   near duplicate of anything (exact duplicates are found apart, on the whole normalized code).
Clusters are the connected components of the verified pairs (union-find on a sparse graph).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

try:  # optional (`pip install manimflat[fast]`): a Rust MinHash, same pairs, ~50x faster
    import rensa as _rensa
except ImportError:  # pragma: no cover - the numpy fallback is tested by forcing it
    _rensa = None
if _rensa is not None and not hasattr(_rensa.RMinHash, "digest_matrix_from_flat_token_hashes"):
    _rensa = None  # pragma: no cover - a rensa older than 0.5

# Space out every character that is neither a word character nor a space: splitting on
# whitespace then yields the tokens `\w+` and single punctuation marks.
_PUNCTUATION = r"[^\w\s]"
# Lines every scene has: they say nothing about what it shows (RE2 syntax, multiline).
_BOILERPLATE = (r"(?m)^[ \t]*(from manim import [^\n]*|import manim[^\n]*|"
                r"class \w+\([\w., ]*\):|def construct\(self\)( -> None)?:)[ \t]*$")
RECALL_AT_THRESHOLD = 0.99
_MARGIN_SD = 6  # b-bit filter: how far below the threshold an estimate may fall
_PAIRS_PER_BLOCK = 1 << 16  # candidate pairs compared at once (2 x 16 MiB of sketches)
_PREFIX = 64  # permutations of the b-bit filter's first, cheap stage
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
    """64-bit hash of each token's text, a pure function of its bytes (the same in every
    batch), computed once per distinct token and gathered."""
    encoded = pc.dictionary_encode(tokens)
    return _text_hashes(encoded.dictionary)[encoded.indices.to_numpy(zero_copy_only=False)]


def _text_hashes(tokens: pa.Array) -> np.ndarray:
    """A polynomial over each string's bytes, summed per string in numpy, then mixed with its
    length by splitmix64. `tokens`: a (large_)string array without nulls."""
    offsets = np.frombuffer(tokens.buffers()[1], dtype=np.int64 if pa.types.is_large_string(
        tokens.type) else np.int32)[tokens.offset:tokens.offset + len(tokens) + 1].astype(np.int64)
    data = np.frombuffer(tokens.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    offsets = offsets - offsets[0]
    lengths = np.diff(offsets)
    position = np.arange(len(data)) - np.repeat(offsets[:-1], lengths)
    powers = _powers(int(lengths.max(initial=1)))
    with np.errstate(over="ignore"):
        terms = (data.astype(np.uint64) + _U64(1)) * powers[position]
        sums = np.add.reduceat(terms, offsets[:-1]) if len(data) else np.zeros(0, np.uint64)
        return _splitmix(sums ^ (lengths.astype(np.uint64) << _U64(56)))


@cache
def _powers(length: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.cumprod(np.full(length, _U64(0x100000001B3)), dtype=np.uint64)


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
    spaced = pc.replace_substring_regex(strings, _PUNCTUATION, r" \0 ")
    tokens = pc.ascii_split_whitespace(spaced)
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
    with np.errstate(over="ignore"):
        for k in range(ngram):
            hashes = hashes * _U64(0x100000001B3) + padded[k:k + total]
    # An n-gram starting at position p is valid when it ends inside its own text: the rows'
    # valid n-grams are already in row order.
    row_of = np.repeat(np.arange(len(texts)), counts)
    values = hashes[np.arange(total) + ngram <= starts[1:][row_of]]
    per_row = np.maximum(counts - ngram + 1, 0)
    short = np.flatnonzero(counts < ngram)
    if len(short):  # rare: snippets shorter than one shingle get one of all their tokens
        extra = np.empty(len(short), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for n, row in enumerate(short):
                h = _U64(0xCBF29CE484222325) ^ _U64(row if counts[row] == 0 else 0)
                for token in ids[starts[row]:starts[row + 1]]:
                    h = h * _U64(0x100000001B3) + token
                extra[n] = h
        values = np.insert(values, (np.cumsum(per_row) - per_row)[short], extra)
        per_row[short] = 1
    offsets = np.cumsum(per_row) - per_row
    return _splitmix(values), offsets


def signatures(texts: Sequence[str], params: LSHParams = LSHParams()) -> np.ndarray:
    """(len(texts), num_perm) MinHash signatures (uint32 with rensa, uint64 without)."""
    if not len(texts):
        return np.zeros((0, params.num_perm), dtype=np.uint64)
    return _signatures(*shingles(scene_texts(texts, params), params.ngram), params)


def _signatures(values: np.ndarray, offsets: np.ndarray, params: LSHParams) -> np.ndarray:
    """Rensa's MinHash over our stable shingle hashes when it is installed (about fifty times
    faster than numpy: one pass over the shingles, not one product per shingle x permutation),
    else the numpy multiply-shift family. Either is a pure function of the shingle set."""
    bounds = np.append(offsets, len(values)).astype(np.uint64)
    if _rensa is not None:
        matrix = _rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            values, bounds, params.num_perm, params.seed)
        return np.array(matrix.to_rows(), dtype=np.uint32).reshape(len(offsets), -1)
    return _numpy_signatures(values, offsets, params)


def _numpy_signatures(values: np.ndarray, offsets: np.ndarray, params: LSHParams) -> np.ndarray:
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
                key = _splitmix(key ^ sig[:, column].astype(np.uint64))
            keys[:, band] = key
    return keys


def _sketch_pass(texts: Sequence[str], params: LSHParams, spill: Path, anchors: int
                 ) -> tuple[Path, np.ndarray]:
    """Sign the texts `CHUNK_ROWS` at a time, spilling to `spill`: the band keys to a parquet
    file (a row group per chunk, a column per band, so a band is read back alone) and one byte
    of each permutation's minimum to a memory-mapped file (b-bit MinHash, for the candidate
    filter). Returns the parquet path and the rows' bucket order keys (a hash of all band keys:
    bucket members are met in an order decided by their content, never by their position;
    the first `anchors` rows sort first, so they head their buckets)."""
    bands = params.bands[0]
    schema = pa.schema([(f"band{b}", pa.uint64()) for b in range(bands)])
    path = spill / "bands.parquet"
    sketch = np.lib.format.open_memmap(spill / "sketch.npy", mode="w+", dtype=np.uint8,
                                       shape=(len(texts), params.num_perm))
    order = np.zeros(len(texts), dtype=np.uint64)
    with pq.ParquetWriter(path, schema, compression="none") as writer:
        for start in range(0, len(texts), CHUNK_ROWS):
            chunk = texts[start:start + CHUNK_ROWS]
            sig = _signatures(*shingles(scene_texts(chunk, params), params.ngram), params)
            keys = band_keys(sig, params)
            writer.write_table(pa.Table.from_arrays(list(keys.T), schema=schema))
            sketch[start:start + len(chunk)] = (sig & 0xFF).astype(np.uint8)
            part = order[start:start + len(chunk)]
            with np.errstate(over="ignore"):
                for band in range(bands):
                    part = _splitmix(part ^ keys[:, band])
            order[start:start + len(chunk)] = part
    sketch.flush()
    del sketch
    order[:anchors] = 0
    return path, order


def _bucket_pairs(key: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows with the same band key. In the sorted order each row is paired with the
    next `_WINDOW` rows of its bucket (every pair of a small bucket) and with its bucket's
    first row, so a huge bucket of boilerplate stays linear while two similar rows behind a
    dissimilar head are still met."""
    n = len(key)
    sort = np.lexsort((np.arange(n), order, key))
    ordered = key[sort]
    new = np.ones(n, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    head = sort[np.flatnonzero(new)][np.cumsum(new) - 1]
    member = ~new
    left, right = [head[member]], [sort[member]]
    for step in range(1, min(_WINDOW, n)):
        same = ordered[step:] == ordered[:-step]
        left.append(sort[:-step][same])
        right.append(sort[step:][same])
    i, j = np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)
    return np.minimum(i, j), np.maximum(i, j)


def _likely(i: np.ndarray, j: np.ndarray, sketch: np.ndarray, params: LSHParams) -> np.ndarray:
    """Which candidate pairs are worth an exact check: their b-bit estimate of Jaccard is within
    `_MARGIN_SD` standard deviations of the threshold (a pair at the threshold is dropped with
    probability below 1e-9; a pair of unrelated scenes that only met in a band almost always
    is). The first `_PREFIX` permutations decide first, so most pairs cost 2 x 64 bytes."""
    keep = np.zeros(len(i), dtype=bool)
    for lo in range(0, len(i), _PAIRS_PER_BLOCK):
        a, b = i[lo:lo + _PAIRS_PER_BLOCK], j[lo:lo + _PAIRS_PER_BLOCK]
        alive = np.arange(len(a))
        for width in sorted({min(_PREFIX, params.num_perm), params.num_perm}):
            need = width * (params.threshold - _MARGIN_SD * 0.5 / np.sqrt(width))
            same = np.count_nonzero(sketch[a[alive], :width] == sketch[b[alive], :width], axis=1)
            alive = alive[same >= need]
        keep[lo + alive] = True
    return keep


def candidate_pairs(texts: Sequence[str], params: LSHParams, spill: Path, anchors: int = 0
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs (i < j) that share a band and pass the b-bit filter, one band at a time:
    memory holds one band's keys and pairs, never rows x permutations."""
    path, order = _sketch_pass(texts, params, spill, anchors)
    sketch = np.load(spill / "sketch.npy", mmap_mode="r")
    n = len(texts)
    found = np.zeros(0, dtype=np.int64)
    bands = pq.ParquetFile(path)
    for band in range(params.bands[0]):
        key = bands.read(columns=[f"band{band}"]).column(0).to_numpy()
        i, j = _bucket_pairs(key, order)
        pairs = np.unique(i * n + j)
        pairs = pairs[~np.isin(pairs, found, assume_unique=True)]
        i, j = pairs // n, pairs % n
        keep = _likely(i, j, sketch, params)
        found = np.union1d(found, pairs[keep])
    return found // n, found % n


def near_pairs(texts: Sequence[str], params: LSHParams = LSHParams(), spill: Path | None = None,
               anchors: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) whose exact shingle-set Jaccard similarity reaches the threshold, with
    it: LSH finds the candidates, a b-bit estimate drops the hopeless ones, the shingle sets
    decide. Memory: one band's keys and pairs, the surviving candidates, and the shingle sets
    of `CHUNK_ROWS` rows at a time; the signatures live on disk under `spill` (a temporary
    folder when None). The first `anchors` rows (references) head every bucket they are in,
    so each row sharing a band with one is compared with it directly. The pairs found do not
    depend on the order of the other rows nor on `CHUNK_ROWS`."""
    empty = np.zeros(0, np.int64)
    if not len(texts):
        return empty, empty, np.zeros(0)
    with tempfile.TemporaryDirectory(prefix="manimflat-lsh-", dir=spill) as tmp:
        i, j = candidate_pairs(texts, params, Path(tmp), anchors)
    similarity = np.zeros(len(i))
    # Pairs in order of their first row, a block of rows' shingle sets at a time.
    done = 0
    while done < len(i):
        rows: dict[int, np.ndarray] = {}
        stop = done
        while stop < len(i) and len(rows) < CHUNK_ROWS:
            rows.setdefault(int(i[stop]), empty)
            rows.setdefault(int(j[stop]), empty)
            stop += 1
        order = list(rows)
        values, offsets = shingles(scene_texts([texts[r] for r in order], params), params.ngram)
        bounds = np.append(offsets, len(values))
        for k, row in enumerate(order):
            rows[row] = np.unique(values[bounds[k]:bounds[k + 1]])
        for n in range(done, stop):
            sa, sb = rows[int(i[n])], rows[int(j[n])]
            if min(len(sa), len(sb)) < params.min_shingles:
                continue  # too little code to call it a near duplicate
            common = len(np.intersect1d(sa, sb, assume_unique=True))
            similarity[n] = common / (len(sa) + len(sb) - common)
        done = stop
    keep = similarity >= params.threshold
    return i[keep], j[keep], similarity[keep]


def clusters(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Connected-component label per row (rows without a pair are their own cluster)."""
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def near_duplicate_clusters(texts: Sequence[str], params: LSHParams = LSHParams()) -> np.ndarray:
    i, j, _ = near_pairs(texts, params)
    return clusters(len(texts), i, j)
