"""The window's stories grouped on the workers (:func:`briefgen.stories.group_articles`, its
heavy steps as Dask tasks), the same groups, to the bit, as on one machine.

1. Each run of the window's articles stems its articles' title and lead
   (:func:`briefgen.stories.key_stems`) and counts the stems (the map step of
   :func:`briefgen.score.vocabulary`); the driver reduces the counts to the keys' vocabulary and
   IDF, and each run weighs its rows with them (:func:`briefgen.stories.key_rows`): the keys'
   text never reaches the driver, only their TF-IDF rows.
2. Each level of the grouping (:class:`briefgen.stories.Level`: the groups' rows, sent once to
   the cluster) cuts the groups, in time order, into blocks of the horizon's days; a task a
   block takes its groups' rows and those of the next block from the level, and weighs and
   prunes their pairs (:func:`weighed_block`, :func:`briefgen.stories.block_pairs`: the sparse
   products, most of the grouping's work); the driver sends only each block's row numbers. One
   more task (:func:`linked`) joins the blocks' kept pairs, in block order, into the level's
   graph and runs average link on it (:func:`briefgen.stories.link_level`): the graph, the
   largest thing the grouping holds, stays on the workers, and the driver gets back each
   group's number in the next level, merges the groups' rows
   (:func:`briefgen.stories.story_labels`) and cuts the next level's blocks.
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
    with the key rows and each level's blocks made on the workers."""
    if not articles:
        return []
    stemmed = [cluster.submit(stemmed_keys, part) for part in split]
    weights = cluster.share(vocabulary(gathered(cluster.gather, [cluster.submit(counts_of, s) for s in stemmed])))
    vectors = sp.vstack(cluster.gather([cluster.submit(rows_of_keys, s, weights) for s in stemmed]), format="csr")

    def link(level: Level, within: float, time_scale: float, floor: float, threshold: float) -> tuple[np.ndarray, bool]:
        held = cluster.share(level)  # sent once: each task cuts its block's rows from it
        weighed = [cluster.submit(weighed_block, held, ids, middle, within, time_scale, floor)
                   for ids, middle in level.cuts(within)]
        return cluster.gather([cluster.submit(linked, threshold, level.size, *weighed)])[0]

    return group_articles(articles, settings, vectors=vectors, link=link)


def weighed_block(level: Level, ids: np.ndarray, middle: int, within: float, time_scale: float, floor: float
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """:func:`briefgen.stories.block_pairs` of the block ``ids`` (``middle`` of them its own) of
    ``level``, cut on the worker (:meth:`briefgen.stories.Level.block`)."""
    return block_pairs(level.block(ids, middle), within, time_scale, floor)


def linked(threshold: float, size: np.ndarray, *weighed: tuple[np.ndarray, np.ndarray, np.ndarray, bool]) -> tuple[np.ndarray, bool]:
    """A level linked on a worker (:func:`briefgen.stories.link_level`): the blocks' ``weighed``
    pairs, in block order, joined into the level's graph, average link on it; only each group's
    number in the next level goes back to the driver."""
    return link_level(weighed, threshold, size)
