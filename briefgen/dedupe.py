"""Near-duplicate texts (the same wire story in several outlets), found by MinHash.

Each text becomes the set of its word 3-grams ("shingles": lower-cased words, punctuation
ignored), hashed to 64-bit integers. Two texts
are near-duplicates when the Jaccard similarity of those sets is at least ``threshold`` (0.8 by
default: the same story with a different headline, dateline, byline or footer, or a sentence
added, dropped or reworded). Texts are not compared pairwise: a MinHash signature of each set,
cut into bands, puts likely pairs in the same bucket (locality-sensitive hashing); of those, the
pairs whose signatures agree enough are compared exactly. Everything is deterministic (CRC-32 of the words and fixed seeds,
not Python's per-process string hash), so a corpus always gives the same groups.
"""

from __future__ import annotations

import functools
import itertools
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE = 3
BANDS = 12
ROWS = 3  # signature values a band (the band key mixes exactly three); a pair with Jaccard 0.8
# then shares at least one band with probability 1 − (1 − 0.8³)¹² > 0.999
THRESHOLD = 0.8
TEXTS_AT_ONCE = 1000  #: texts shingled at once when making signatures (:func:`chunked_signatures`)
WINDOW = 16  #: in a bucket, each text is paired with the next WINDOW texts (bounds look-alike templates)

_PUNCTUATION = str.maketrans({c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’«»—–…"})
_ENCODE = functools.partial(str.encode, encoding="utf-8", errors="surrogatepass")
_RNG = np.random.default_rng(20261124)
_MULTIPLIERS = _RNG.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_K1, _K2, _K3 = (np.uint64(x) for x in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads integers over 64 bits (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _words(text: str) -> list[str]:
    return text.lower().translate(_PUNCTUATION).split()


@dataclass(frozen=True)
class Shingles:
    """The shingle hashes of every text, one flat array: text ``i``'s are
    ``values[bounds[i]:bounds[i + 1]]`` (in text order, repeats included)."""

    values: np.ndarray
    bounds: np.ndarray

    def of(self, i: int) -> np.ndarray:
        return self.values[self.bounds[i]:self.bounds[i + 1]]


def shingles(texts: Sequence[str]) -> Shingles:
    """The word 3-gram hashes of each text (its words alone when it has fewer than three)."""
    words = [_words(text) for text in texts]
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    index = {w: i for i, w in enumerate(dict.fromkeys(itertools.chain.from_iterable(words)))}
    word_hash = _mix(np.fromiter(map(zlib.crc32, map(_ENCODE, index)), dtype=np.uint64, count=len(index)) + _K1)
    ids = map(index.__getitem__, itertools.chain.from_iterable(words))
    hashed = word_hash[np.fromiter(ids, dtype=np.int64, count=int(lengths.sum()))]  # each distinct word hashed once
    doc = np.repeat(np.arange(len(texts)), lengths)
    padded = np.concatenate((hashed, np.zeros(2, dtype=np.uint64)))
    short = lengths[doc] < SHINGLE
    starts = short.copy()  # a shingle starts at every word followed by two more of its text
    starts[:-2] |= doc[:-2] == doc[2:]
    at = np.flatnonzero(starts)
    triples = _mix(padded[at] * _K1 + padded[at + 1] * _K2 + padded[at + 2] * _K3)
    values = np.where(short[at], hashed[at], triples)
    bounds = np.concatenate(([0], np.cumsum(np.bincount(doc[at], minlength=len(texts)))))
    return Shingles(values, bounds)


def signatures(found: Shingles) -> np.ndarray:
    """The MinHash signature of each text: ``texts × BANDS·ROWS`` (0s for a text without words)."""
    n = len(found.bounds) - 1
    result = np.zeros((n, len(_MULTIPLIERS)), dtype=np.uint64)
    full = np.flatnonzero(np.diff(found.bounds) > 0)
    if len(full) == 0:
        return result
    for j, multiplier in enumerate(_MULTIPLIERS):
        result[full, j] = np.minimum.reduceat(found.values * multiplier, found.bounds[full])
    return result


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two arrays of hashes taken as sets."""
    x, y = set(a.tolist()), set(b.tolist())
    if not x or not y:
        return 0.0
    common = len(x & y)
    return common / (len(x) + len(y) - common)


def band_keys(signature: np.ndarray, band: int) -> np.ndarray:
    """The bucket of each row of ``signature`` in ``band`` (a hash of the band's values)."""
    rows = signature[:, band * ROWS:(band + 1) * ROWS]
    return _mix(rows[:, 0] * _K1 + rows[:, 1] * _K2 + rows[:, 2] * _K3)


def agreeing(first: np.ndarray, second: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """Whether each pair of signature rows (``first[k]``, ``second[k]``) agrees enough for the
    texts to be near-duplicates (the test of :func:`likely_pairs`)."""
    return (first == second).mean(axis=1) >= threshold - 0.25


def candidate_pairs(signature: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of texts that share a band of their signatures: each text
    with the next :data:`WINDOW` texts of each of its buckets (all numpy, no Python loop over
    texts)."""
    found = [np.zeros((0, 2), dtype=np.int64)]
    for band in range(BANDS):
        keys = band_keys(signature[present], band)
        order = np.argsort(keys, kind="stable")
        keys, members = keys[order], present[order]
        for distance in range(1, WINDOW + 1):
            same = keys[:-distance] == keys[distance:]
            if not same.any():  # no bucket holds more than `distance` texts
                break
            found.append(np.stack((members[:-distance][same], members[distance:][same]), axis=1))
    return unique_pairs(np.concatenate(found))


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """The distinct pairs of ``pairs`` (``k × 2`` non-negative integers), each as ``(smaller,
    larger)``, in lexicographic order: what ``np.unique(np.sort(pairs, axis=1), axis=0)`` gives, with
    each pair coded as one integer so that the sort is of numbers, not of rows (many times faster
    when texts repeat and the pairs run to millions)."""
    pairs = np.sort(pairs.astype(np.int64, copy=False), axis=1)
    if not len(pairs):
        return pairs.reshape(0, 2)
    n = int(pairs[:, 1].max()) + 1
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


def likely_pairs(signature: np.ndarray, present: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """The pairs of :func:`candidate_pairs` whose signatures agree enough for the texts to be
    near-duplicates (the signatures estimate the similarity): the only pairs compared exactly."""
    pairs = candidate_pairs(signature, present)
    if len(pairs):
        pairs = pairs[agreeing(signature[pairs[:, 0]], signature[pairs[:, 1]], threshold)]
    return pairs


def join_groups(n: int, pairs: np.ndarray, same: Callable[[int, int], bool]) -> list[list[int]]:
    """Groups of the indexes ``0 … n-1`` joined by the ``pairs`` that ``same`` confirms, each
    group in index order, groups in the order of their first member. ``same`` is asked only
    about pairs not already in one group; the groups do not depend on the order of ``pairs``."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in pairs.tolist():
        a, b = root(i), root(j)
        if a != b and same(i, j):
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def chunked_signatures(texts: Sequence[str], size: int = TEXTS_AT_ONCE) -> tuple[np.ndarray, np.ndarray]:
    """The :func:`signatures` of the texts and which of them have words, made ``size`` texts at
    a time: a text's shingles and signature do not depend on the other texts, so these are the
    numbers of all of them at once, without holding every text's words and shingles together
    (at 100,000 articles, gigabytes)."""
    signature = np.zeros((len(texts), BANDS * ROWS), dtype=np.uint64)
    present = np.zeros(len(texts), dtype=bool)
    for first in range(0, len(texts), size):
        found = shingles(texts[first:first + size])
        signature[first:first + size] = signatures(found)
        present[first:first + size] = np.diff(found.bounds) > 0
    return signature, np.flatnonzero(present)


def duplicate_groups(texts: Sequence[str], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of indexes of near-duplicate texts, each group in index order, groups in the order
    of their first member; a text without duplicates is a group of its own. The signatures are
    made a chunk of texts at a time (:func:`chunked_signatures`), and the shingles of a text
    again only when one of its likely pairs is compared (each text's once)."""
    signature, present = chunked_signatures(texts, TEXTS_AT_ONCE)
    pairs = likely_pairs(signature, present, threshold)
    del signature
    shingled: dict[int, np.ndarray] = {}

    def of(i: int) -> np.ndarray:
        if i not in shingled:
            shingled[i] = shingles([texts[i]]).of(0)
        return shingled[i]

    return join_groups(len(texts), pairs, lambda i, j: jaccard(of(i), of(j)) >= threshold)
