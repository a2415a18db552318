"""The corpus's near-duplicates found on the workers: the MinHash band keys of each run of
partitions, shuffled by key, each shard's buckets paired, the pairs checked where the texts are.

:func:`briefgen.dedupe.duplicate_groups` on one machine puts every text in one bucket a band
(:func:`~briefgen.dedupe.band_keys`), pairs each with the next :data:`~briefgen.dedupe.WINDOW`
texts of its bucket, keeps the pairs whose signatures agree enough and compares their words. On
the cluster the same happens in three steps of tasks, and the driver sees neither a signature
nor a candidate pair (:func:`duplicate_pairs`):

1. **emit** (:func:`emitted`): for a run of loading partitions and a shard, every (band,
   bucket, article) of the run whose bucket falls to that shard, with the signatures of those
   articles: the shuffle's map side, one task a run and shard;
2. **pair** (:func:`shard_pairs`): a shard's buckets, gathered from every run, sorted by band,
   bucket and article (the order of the one-machine sort), each article paired with the next
   ``WINDOW`` of its bucket, the pairs whose signatures agree kept, by the two partitions that
   hold their texts; the driver asks each shard only which partition pairs it has;
3. **check** (:func:`checked_pairs`): for each pair of partitions, the words of its likely pairs
   compared (Jaccard ≥ :data:`~briefgen.dedupe.THRESHOLD`) on a worker that holds both; the
   driver submits :data:`CHECKS_AT_ONCE` of these tasks at a time (a corpus whose copies are
   spread over every partition has a task for most pairs of partitions: tens of thousands).

Only the confirmed pairs reach the driver, which joins them into groups
(:func:`briefgen.dedupe.join_groups`). A group does not depend on the order its pairs come in
nor on which of its pairs are asked about, so the groups are those of the run on one machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from briefgen.dedupe import (
    BANDS,
    THRESHOLD,
    WINDOW,
    agreeing,
    band_keys,
    jaccard,
    shingles,
    unique_pairs,
)
from briefgen.engine.cluster import Cluster
from briefgen.engine.tasks import Loaded
from briefgen.load import FileResult

PARTITIONS_PER_RUN = 8  #: loading partitions whose band keys one emitting task computes
ARTICLES_PER_SHARD = 25_000  #: articles (with words) a shard of band keys is made for
CHECKS_AT_ONCE = 1000  #: tasks comparing the words of a pair of partitions submitted (and gathered) at once
Signed = tuple[Loaded, np.ndarray]  #: what :func:`briefgen.engine.tasks.part_meta` leaves on a worker
PartPair = tuple[int, int]


def shards_for(articles: int) -> int:
    """How many shards the band keys of ``articles`` go to (each a task: the work of pairing spread)."""
    return max(1, math.ceil(articles / ARTICLES_PER_SHARD))


def emitted(shard: int, shards: int, offsets: Sequence[int], *signed: Signed) -> tuple[np.ndarray, ...]:
    """The shuffle's map side: the (band, bucket key, article) of each article with words of the
    partitions ``signed`` (their first articles' numbers in the corpus: ``offsets``) whose key
    falls to ``shard`` of ``shards``; and the numbers and signature rows of those articles."""
    bands, keys, members, rows, numbers = [], [], [], [], []
    for offset, (found, signature) in zip(offsets, signed, strict=True):
        words = found.words
        present = np.flatnonzero(words)
        used = np.zeros(len(words), dtype=bool)
        for band in range(BANDS):
            key = band_keys(signature[present], band)
            mine = key % np.uint64(shards) == np.uint64(shard)
            bands.append(np.full(int(mine.sum()), band, dtype=np.int8))
            keys.append(key[mine])
            members.append(present[mine] + offset)
            used[present[mine]] = True
        numbers.append(np.flatnonzero(used) + offset)
        rows.append(signature[used])
    width = rows[0].shape[1] if rows else 0
    return (np.concatenate([np.zeros(0, dtype=np.int8), *bands]), np.concatenate([np.zeros(0, dtype=np.uint64), *keys]),
            np.concatenate([np.zeros(0, dtype=np.int64), *members]), np.concatenate([np.zeros(0, dtype=np.int64), *numbers]),
            np.concatenate([np.zeros((0, width), dtype=np.uint64), *rows]))


def shard_pairs(offsets: np.ndarray, *pieces: tuple[np.ndarray, ...]) -> dict[PartPair, np.ndarray]:
    """The shuffle's reduce side: a shard's ``pieces`` (one from each run, :func:`emitted`)
    joined by band and bucket key; each article paired with the next ``WINDOW`` articles of its
    bucket (in article order, as :func:`briefgen.dedupe.candidate_pairs` pairs them), the pairs
    whose signatures agree (:func:`briefgen.dedupe.agreeing`) kept, by the partitions of the two
    articles (``offsets``: each partition's first article, and the number of articles last)."""
    band = np.concatenate([p[0] for p in pieces])
    key = np.concatenate([p[1] for p in pieces])
    member = np.concatenate([p[2] for p in pieces])
    order = np.lexsort((member, key, band))
    band, key, member = band[order], key[order], member[order]
    found = [np.zeros((0, 2), dtype=np.int64)]
    for distance in range(1, WINDOW + 1):
        same = (band[:-distance] == band[distance:]) & (key[:-distance] == key[distance:])
        if not same.any():
            break
        found.append(np.stack((member[:-distance][same], member[distance:][same]), axis=1))
    pairs = unique_pairs(np.concatenate(found))
    if not len(pairs):
        return {}
    numbers = np.concatenate([p[3] for p in pieces])
    rows = np.concatenate([p[4] for p in pieces])
    at = np.argsort(numbers)
    numbers, rows = numbers[at], rows[at]
    first, second = rows[np.searchsorted(numbers, pairs[:, 0])], rows[np.searchsorted(numbers, pairs[:, 1])]
    pairs = pairs[agreeing(first, second, THRESHOLD)]
    part = np.searchsorted(offsets, pairs, side="right") - 1
    by: dict[PartPair, np.ndarray] = {}
    for key_pair in np.unique(part, axis=0).tolist():
        mine = (part[:, 0] == key_pair[0]) & (part[:, 1] == key_pair[1])
        by[(key_pair[0], key_pair[1])] = pairs[mine]
    return by


def part_pairs(found: dict[PartPair, np.ndarray]) -> list[PartPair]:
    """Which pairs of partitions a shard's likely pairs fall in (all the driver asks of it)."""
    return sorted(found)


def checked_pairs(first: list[FileResult], second: list[FileResult], starts: tuple[int, int], parts: PartPair,
                  *shards: dict[PartPair, np.ndarray]) -> np.ndarray:
    """The likely pairs of the partitions ``parts`` (held by ``first`` and ``second``, whose first
    articles are numbered ``starts``) that ``shards`` found, those whose words are near-duplicates
    (:func:`briefgen.dedupe.duplicate_groups`'s test): article numbers in the corpus."""
    pairs = unique_pairs(np.concatenate([np.zeros((0, 2), dtype=np.int64)] + [s[parts] for s in shards if parts in s]))
    texts = ([a.text for f in first for a in f.articles], [a.text for f in second for a in f.articles])
    cache: dict[tuple[int, int], np.ndarray] = {}

    def shingled(side: int, number: int) -> np.ndarray:
        if (side, number) not in cache:
            cache[(side, number)] = shingles([texts[side][number - starts[side]]]).of(0)
        return cache[(side, number)]

    same = [jaccard(shingled(0, i), shingled(1, j)) >= THRESHOLD for i, j in pairs.tolist()]
    return pairs[np.array(same, dtype=bool)] if len(pairs) else pairs


def duplicate_pairs(cluster: Cluster, parts: Sequence[Any], signed: Sequence[Any], counts: Sequence[int],
                    present: int) -> np.ndarray:
    """The pairs (article numbers in the corpus) of near-duplicates among the articles of the
    loading ``parts`` (futures; ``signed``: their :func:`~briefgen.engine.tasks.part_meta`,
    ``counts``: their articles; ``present``: the articles with words in all), found on the
    workers."""
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    shards = shards_for(present)
    runs = range(0, len(parts), PARTITIONS_PER_RUN)
    pieces = [[cluster.submit(emitted, shard, shards, offsets[k:min(k + PARTITIONS_PER_RUN, len(parts))].tolist(),
                              *signed[k:k + PARTITIONS_PER_RUN]) for k in runs] for shard in range(shards)]
    paired = [cluster.submit(shard_pairs, offsets, *mine) for mine in pieces]
    having: dict[PartPair, list[Any]] = {}
    for shard, keys in zip(paired, cluster.gather([cluster.submit(part_pairs, s) for s in paired]), strict=True):
        for key in keys:
            having.setdefault(key, []).append(shard)
    todo = sorted(having.items())
    found = [np.zeros((0, 2), dtype=np.int64)]
    for start in range(0, len(todo), CHECKS_AT_ONCE):  # the driver holds a bounded number of tasks and results at once
        found += cluster.gather([cluster.submit(checked_pairs, parts[a], parts[b], (int(offsets[a]), int(offsets[b])), (a, b),
                                                *shard_list) for (a, b), shard_list in todo[start:start + CHECKS_AT_ONCE]])
    return np.concatenate(found)
