"""The corpus's near-duplicates found on the workers: the MinHash band keys of each run of
partitions, shuffled by key, each shard's buckets paired, the pairs' texts shuffled to the shard
and checked there.

:func:`briefgen.dedupe.duplicate_groups` on one machine puts every text in one bucket a band
(:func:`~briefgen.dedupe.band_keys`), pairs each with the next :data:`~briefgen.dedupe.WINDOW`
texts of its bucket, keeps the pairs whose signatures agree enough and compares their words. On
the cluster the same happens in four steps of tasks, and the driver sees neither a signature,
nor a candidate pair, nor a text (:func:`duplicate_pairs`):

1. **emit** (:func:`emitted`): for a run of loading partitions and a shard, every (band,
   bucket, article) of the run whose bucket falls to that shard, with the signatures of those
   articles: the shuffle's map side, one task a run and shard;
2. **pair** (:func:`shard_pairs`): a shard's buckets, gathered from every run, sorted by band,
   bucket and article (the order of the one-machine sort), each article paired with the next
   ``WINDOW`` of its bucket, the pairs whose signatures agree kept: one task a shard;
3. **shingle** (:func:`shingled`): for a run of partitions and a shard, the word shingles of the
   run's articles that the shard's pairs name (:func:`named`, once a shard): the join's map
   side, one task a run and shard;
4. **check** (:func:`checked`): a shard's pairs whose words are near-duplicates (Jaccard ≥
   :data:`~briefgen.dedupe.THRESHOLD`), from the shingles of every run: one task a shard.

A run is made of partitions one worker holds (:func:`held_runs`), so that its tasks read
them where they are: a partition's parsed files are many Python objects, slow to send between
workers. The tasks number twice the runs times the shards, whatever the pairs: a corpus
whose likely pairs are spread over every pair of partitions (a million articles: millions of
such pairs) costs no more tasks than one whose copies sit side by side. The driver submits
:data:`SHARDS_AT_ONCE` shards' tasks at a time and gathers only their confirmed pairs, which it
joins into groups (:func:`briefgen.dedupe.join_groups`). A pair two shards both find is checked
twice and kept once; a group does not depend on the order its pairs come in nor on which of
its pairs are asked about, so the groups are those of the run on one machine.
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
    Shingles,
    agreeing,
    band_keys,
    jaccard,
    shingles,
    unique_pairs,
)
from briefgen.engine.cluster import Cluster
from briefgen.engine.tasks import Loaded
from briefgen.load import FileResult

#: loading partitions (of one worker) in a run: its tasks (one a run and a shard, twice) emit the
#: band keys and the shingles of 8,000 files' articles. Few large runs: a task's inputs wait for the
#: worker that holds them to be free, so the stage's time goes with the tasks more than the bytes
PARTITIONS_PER_RUN = 32
#: articles (with words) a shard of band keys is made for: a shard's task holds its band keys
#: and the signature of every article with a key in it (about 300 bytes each; 1 − (1 − 1/s)¹² of
#: the corpus with s shards: nearly all with few), so more shards send more signatures in all
ARTICLES_PER_SHARD = 250_000
SHARDS_AT_ONCE = 4  #: shards whose tasks the driver submits (and whose confirmed pairs it gathers) at once
Signed = tuple[Loaded, np.ndarray]  #: what :func:`briefgen.engine.tasks.part_meta` leaves on a worker


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


def shard_pairs(*pieces: tuple[np.ndarray, ...]) -> np.ndarray:
    """The shuffle's reduce side: a shard's ``pieces`` (one from each run, :func:`emitted`)
    joined by band and bucket key; each article paired with the next ``WINDOW`` articles of its
    bucket (in article order, as :func:`briefgen.dedupe.candidate_pairs` pairs them), the pairs
    whose signatures agree (:func:`briefgen.dedupe.agreeing`) kept: article numbers in the corpus,
    each pair once, in order (:func:`briefgen.dedupe.unique_pairs`)."""
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
        return pairs
    numbers = np.concatenate([p[3] for p in pieces])
    rows = np.concatenate([p[4] for p in pieces])
    at = np.argsort(numbers)
    numbers, rows = numbers[at], rows[at]
    first, second = rows[np.searchsorted(numbers, pairs[:, 0])], rows[np.searchsorted(numbers, pairs[:, 1])]
    return pairs[agreeing(first, second, THRESHOLD)]


def named(pairs: np.ndarray) -> np.ndarray:
    """The articles a shard's ``pairs`` name, in order (once a shard, for every run's :func:`shingled`)."""
    return np.unique(pairs)


def shingled(spans: Sequence[tuple[int, int]], wanted: np.ndarray, *loaded: list[FileResult]) -> tuple[np.ndarray, Shingles]:
    """The join's map side: the articles of a run of partitions (``loaded``; ``spans``: the
    numbers in the corpus of each one's first article and of the one after its last) that a
    shard wants (``wanted``: :func:`named`), in the order of their numbers: their numbers and
    word shingles (:func:`briefgen.dedupe.shingles`)."""
    numbers, texts = [], []
    for (start, stop), found in zip(spans, loaded, strict=True):
        mine = wanted[np.searchsorted(wanted, start):np.searchsorted(wanted, stop)]
        if len(mine):
            articles = [a.text for f in found for a in f.articles]
            numbers.append(mine)
            texts += [articles[m - start] for m in mine.tolist()]
    number = np.concatenate([np.zeros(0, dtype=np.int64), *numbers])
    order = np.argsort(number, kind="stable")
    return number[order], shingles([texts[k] for k in order.tolist()])


def checked(pairs: np.ndarray, *pieces: tuple[np.ndarray, Shingles]) -> np.ndarray:
    """The join's reduce side: the ``pairs`` of a shard whose words are near-duplicates
    (:func:`briefgen.dedupe.duplicate_groups`'s test), from the shingles of their articles
    (``pieces``: :func:`shingled` of every run, in any order)."""
    if not len(pairs):
        return pairs
    numbers = np.concatenate([n for n, _ in pieces])
    values = np.concatenate([s.values for _, s in pieces])
    lengths = np.concatenate([np.diff(s.bounds) for _, s in pieces])
    order = np.argsort(numbers, kind="stable")  # the runs need not follow each other in the corpus
    starts = np.concatenate(([0], np.cumsum(lengths)))[:-1][order]
    numbers, lengths = numbers[order], lengths[order]
    at = np.searchsorted(numbers, pairs)

    def of(k: int) -> np.ndarray:
        return values[starts[k]:starts[k] + lengths[k]]

    same = [jaccard(of(i), of(j)) >= THRESHOLD for i, j in at.tolist()]
    return pairs[np.array(same, dtype=bool)]


def duplicate_pairs(cluster: Cluster, parts: Sequence[Any], signed: Sequence[Any], counts: Sequence[int],
                    present: int) -> np.ndarray:
    """The pairs (article numbers in the corpus) of near-duplicates among the articles of the
    loading ``parts`` (futures; ``signed``: their :func:`~briefgen.engine.tasks.part_meta`,
    ``counts``: their articles; ``present``: the articles with words in all), found on the
    workers."""
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    shards = shards_for(present)
    runs = held_runs(cluster.holders(parts))
    found = [np.zeros((0, 2), dtype=np.int64)]
    for first in range(0, shards, SHARDS_AT_ONCE):  # the driver holds a few shards' tasks and results at once
        checks = []
        for shard in range(first, min(first + SHARDS_AT_ONCE, shards)):
            pieces = [cluster.submit(emitted, shard, shards, offsets[run].tolist(), *[signed[p] for p in run]) for run in runs]
            pairs = cluster.submit(shard_pairs, *pieces)
            wanted = cluster.submit(named, pairs)
            texts = [cluster.submit(shingled, list(zip(offsets[run].tolist(), offsets[run + 1].tolist(), strict=True)), wanted,
                                    *[parts[p] for p in run]) for run in runs]
            checks.append(cluster.submit(checked, pairs, *texts))
        found += cluster.gather(checks)
    return unique_pairs(np.concatenate(found))


def held_runs(holders: Sequence[str]) -> list[np.ndarray]:
    """The loading partitions in runs of :data:`PARTITIONS_PER_RUN` held by one worker (``holders``:
    each one's), so that a run's tasks read their partitions where they are, none sent
    between workers; in order within a worker."""
    by: dict[str, list[int]] = {}
    for p, holder in enumerate(holders):
        by.setdefault(holder, []).append(p)
    return [np.array(held[k:k + PARTITIONS_PER_RUN], dtype=np.int64) for held in by.values()
            for k in range(0, len(held), PARTITIONS_PER_RUN)]
