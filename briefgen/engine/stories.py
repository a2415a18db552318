"""The window's stories grouped on the workers (:func:`briefgen.stories.group_articles`, its
heavy steps as Dask tasks), the same groups, to the bit, as on one machine.

1. Each run of the window's articles stems its articles' title and lead
   (:func:`briefgen.stories.key_stems`) and counts the stems (the map step of
   :func:`briefgen.score.vocabulary`); the driver reduces the counts to the keys' vocabulary and
   IDF, and each run weighs its rows with them (:func:`briefgen.stories.key_rows`): the keys'
   text never reaches the driver, nor do their rows.
2. The levels of the grouping are held on the workers (:class:`LevelsOnCluster`): the runs'
   rows are stacked there into the first level (:func:`stacked`), whose bar a task computes
   (:func:`briefgen.stories.window_threshold`). At each level the driver cuts the groups, in
   time order, into blocks of the horizon's days from their mean days, which it keeps
   (:func:`briefgen.stories.time_blocks`); a task a block cuts its groups' rows and those of
   the next block from the level and weighs and prunes their pairs (:func:`weighed_block`,
   :func:`briefgen.stories.block_pairs`: the sparse products, most of the grouping's work).
   One more task (:func:`linked`) joins the blocks' kept pairs, in block order, into the
   level's graph and runs average link on it (:func:`briefgen.stories.link_level`); the driver
   gets back each group's number in the next level, and a task sums the groups' rows into the
   next level (:func:`briefgen.stories.merged_rows`). The driver holds no row of a key: only
   each group's day and size, and each article's group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from briefgen.engine.cluster import Cluster
from briefgen.models import Article
from briefgen.pipeline import gathered
from briefgen.score import Frequencies, stem_frequencies, vocabulary
from briefgen.stages import keys_of
from briefgen.stories import (
    Level,
    StorySettings,
    block_pairs,
    group_articles,
    key_rows,
    key_stems,
    link_level,
    merged_rows,
    time_blocks,
    window_threshold,
)


def stemmed_keys(part: Any) -> tuple[list[list[str]], Frequencies]:
    """The stems of each article's key in a split run (:func:`briefgen.stages.keys_of`) and their counts."""
    stems = key_stems(keys_of(part))
    return stems, stem_frequencies(stems)


def counts_of(stemmed: tuple[list[list[str]], Frequencies]) -> Frequencies:
    """What the driver reduces of :func:`stemmed_keys`."""
    return stemmed[1]


def rows_of_keys(stemmed: tuple[list[list[str]], Frequencies], weights: tuple[dict[str, int], np.ndarray]) -> sp.csr_matrix:
    """The TF-IDF rows of a run's keys in the window's key vocabulary ``weights``."""
    return key_rows(stemmed[0], *weights)


def cluster_stories(cluster: Cluster, split: Sequence[Any], articles: Sequence[Article],
                    settings: StorySettings) -> list[list[int]]:
    """The stories of the window's ``articles`` (``split``: futures of its runs, in order), grouped
    with the key rows and every level held and linked on the workers (:class:`LevelsOnCluster`)."""
    if not articles:
        return []
    stemmed = [cluster.submit(stemmed_keys, part) for part in split]
    weights = cluster.share(vocabulary(gathered(cluster.gather, [cluster.submit(counts_of, s) for s in stemmed])))
    levels = LevelsOnCluster(cluster, [cluster.submit(rows_of_keys, s, weights) for s in stemmed])
    return group_articles(articles, settings, levels=levels)


class LevelsOnCluster:
    """:class:`briefgen.stories.Levels` held on the workers of ``cluster``: the first level's
    vectors stacked on a worker from the runs' key ``rows`` (futures, in order), each next level
    summed there; the driver sends each level's groups' days and sizes and its blocks' row
    numbers, and gets back the groups' numbers in the next level."""

    def __init__(self, cluster: Cluster, rows: Sequence[Any]) -> None:
        self.cluster = cluster
        self.vectors = cluster.submit(stacked, *rows)  #: a future of the level's summed vectors

    def threshold(self, settings: StorySettings) -> float:
        return float(self.cluster.gather([self.cluster.submit(window_threshold, self.vectors, settings)])[0])

    def link(self, when: np.ndarray, size: np.ndarray, within: float, time_scale: float, floor: float,
             threshold: float) -> tuple[np.ndarray, bool, bool]:
        level = self.cluster.submit(level_of, self.vectors, when, size)
        weighed = [self.cluster.submit(weighed_block, level, ids, middle, within, time_scale, floor)
                   for ids, middle in time_blocks(when, within)]
        merged, pruned, common = self.cluster.gather([self.cluster.submit(linked, threshold, level, *weighed)])[0]
        return merged, pruned, common

    def merge(self, merged: np.ndarray, groups: int) -> None:
        self.vectors = self.cluster.submit(merged_rows, self.vectors, merged, groups)


def level_of(vectors: sp.csr_matrix, when: np.ndarray, size: np.ndarray) -> Level:
    """The level of the groups ``vectors`` (:meth:`briefgen.stories.Level.of`), made on a worker."""
    return Level.of(vectors, when, size)


def stacked(*rows: sp.csr_matrix) -> sp.csr_matrix:
    """The runs' key rows, one matrix (on a worker)."""
    return sp.vstack(rows, format="csr")


def weighed_block(level: Level, ids: np.ndarray, middle: int, within: float, time_scale: float, floor: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """:func:`briefgen.stories.block_pairs` of the block ``ids`` (``middle`` of them its own) of
    ``level``, cut on the worker (:meth:`briefgen.stories.Level.block`)."""
    return block_pairs(level.block(ids, middle), within, time_scale, floor)


def linked(threshold: float, level: Level, *weighed: tuple[np.ndarray, np.ndarray, np.ndarray, bool]
           ) -> tuple[np.ndarray, bool, bool]:
    """A level linked on a worker (:func:`briefgen.stories.link_level`): the blocks' ``weighed``
    pairs, in block order, joined into the level's graph, average link on it; only each group's
    number in the next level goes back to the driver, whether a pair was left out and whether
    the level had a common stem."""
    return (*link_level(weighed, threshold, level.size), bool(level.common.any()))
