"""Stories: a window's articles grouped into the events they report.

An article is known by its title and its lead (its first :data:`LEAD_SENTENCES` body
sentences): sublinear TF-IDF over their stems, stop words and the words that name a day
(:data:`DAY_WORDS`: "on Monday", "overnight", which every report of one day shares whatever it
reports; the days apart are weighed by the decay) left out, the IDF taken over the window's
articles. Two articles are as similar as the cosine of their vectors, times
``exp(-days apart / time_scale)``: reports of one event come close together in time, and two
attacks in one province a week apart are two stories even when their words are alike.

How similar is similar enough depends on the window, not on one fixed number: the articles of
a desk that follows one region share that region's names in every lead, so two unrelated reports
of the same day are as close as two reports of one event are in a general news stream, while
headlines alone share few words even when they report one event. The bar is therefore set
relative to the window: ``lift`` times the window's *background*, the mean cosine between two of
its articles (computed in one pass, from the sum of the unit vectors). A window with few
articles says little about its background, so it is taken with :data:`PRIOR_PAIRS` pairs of
:data:`PRIOR_BACKGROUND`, the typical background of a news window, and a window that one story
fills would set the bar above its own reports, so the bar is at most :data:`CEILING`
(:func:`window_threshold`).

A bar relative to the window is not enough where the window says little: two unrelated reports
of one region in a window of three articles, or two business reports of one week that share
"growth" and "Japan", reach the bar a general window sets. So besides it there is an absolute
:data:`FLOOR`: two articles are one story only if their similarity reaches it, in a window of 3
articles as in one of 3,000 (two reports of one event share most of their title and lead's
words: on the bundled corpus, 0.54 and more; the unrelated pairs of one day that the window's bar
let through, at most 0.11). Two groups need ``FLOOR / sqrt(a × b)`` (sizes ``a`` and ``b``): a
big story is held together by an average its closest pairs are far above. Measured on three labelled sets (a general news week, a day of
headlines, and the bundled corpus's desk weeks): ``docs/quality.md``.

The stories are the clusters of average-link agglomerative clustering, cut where the average
similarity between two groups would fall below that threshold, computed in levels so that the
work grows about linearly with the articles (see :func:`story_labels`):

- Only pairs at most ``time_scale × ln(1/threshold)`` days apart are weighed: a pair further
  apart stays under the threshold even with the same words, and is left out though it could
  lift an average a little.
- A level pairs the groups (at first the articles) that share a stem held by at most
  :data:`COMMON_STEM` groups, and weighs each pair by all its stems: the dot product of the
  groups' summed vectors, the sum of the cosines between their members. Pairs that share no stem
  have similarity 0 and never lift an average; pairs that share only common stems are left to
  the next level, where the groups made so far hold those stems fewer times.
- A pair whose average similarity is under :data:`PRUNE` (half) the bar is left out of the
  level's graph: most pairs of a big window share a stem or two and nothing more, and holding
  them all cost gigabytes at 100,000 articles. Left out, such a pair lowers no average on that
  level (which can only delay a merge); the next level weighs the merged groups again with all
  their stems, so what it adds counts there. The pairs are weighed and pruned a slice at a time.
- On each level's graph, :func:`average_link` is exact: rounds in which every two groups that
  are each other's most similar merge at once, in sparse matrix steps.

The levels go on while a level merges and a pair or a stem was left out. With no stem in more
than :data:`COMMON_STEM` articles and no pair pruned, one level is exactly average link over the
articles; otherwise big stories are made of the fragments the first level finds, and the decay
between two groups is taken over their mean days (an approximation). On the three labelled sets
the pruning changes no score (docs/quality.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from briefgen.models import Article, Sentence
from briefgen.score import matrix_of, stem_frequencies, vocabulary
from briefgen.text.split import split_article
from briefgen.text.words import content_words, stem_lists

LEAD_SENTENCES = 2  #: body sentences of an article that, with its title, say what it is about
COMMON_STEM = 150  #: a stem held by more groups than this (at first, articles) pairs none by itself
#: words that say which day, not what happened: left out of what an article is about
DAY_WORDS = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(?:yesterday|today|tonight|overnight)\b",
                       re.IGNORECASE)
PRIOR_BACKGROUND = 0.03  #: a news window's typical mean cosine between two articles' title and lead
PRIOR_PAIRS = 45  #: how many pairs of articles that prior weighs as (those of 10 articles)
ROWS_AT_ONCE = 2000  #: rows multiplied at once when pairing (bounds the memory of a product)
PAIRS_AT_ONCE = 20_000  #: pairs whose common stems are weighed at once (bounds the memory of that step)
PRUNE = 0.5  #: a pair of groups whose average similarity is under PRUNE × the bar is left out of a level's graph
CEILING = 0.15  #: the highest bar: where one story fills the window, its own pairs make the background
#: the absolute floor: two articles are one story only if their (decayed) similarity reaches it,
#: whatever the window; two groups of sizes a and b, if their average reaches FLOOR / sqrt(a × b)
FLOOR = 0.12


@dataclass(frozen=True)
class StorySettings:
    """The two settings of the grouping."""

    lift: float = 2.5  #: how many times the window's background similarity two groups must reach
    time_scale: float = 1.0  #: days over which the similarity of two reports falls to 1/e


def article_key(article: Article, sentences: Sequence[Sentence] | None = None) -> str:
    """What an article is about, for grouping: its title and its lead (from ``sentences``, its
    :func:`~briefgen.text.split.split_article`, when they are at hand)."""
    found = split_article(article) if sentences is None else sentences
    lead = [s.text for s in found if not s.is_heading][:LEAD_SENTENCES]
    return " ".join([article.title, *lead])


def background(vectors: sp.csr_matrix) -> float:
    """The mean cosine between two of the rows (unit vectors, or empty rows): from the squared
    length of their sum, which counts every pair twice and every row once."""
    n = vectors.shape[0]
    if n < 2:
        return 0.0
    total = np.asarray(vectors.sum(axis=0)).ravel()
    own = float(vectors.multiply(vectors).sum())
    return max(float(total @ total) - own, 0.0) / (n * (n - 1))


def window_threshold(vectors: sp.csr_matrix, settings: StorySettings) -> float:
    """The average similarity two groups of this window must reach to be one story: ``lift``
    times the window's :func:`background`, taken with :data:`PRIOR_PAIRS` pairs at
    :data:`PRIOR_BACKGROUND` (so that two or three articles are judged by a typical window), and
    at most :data:`CEILING` (a window that one story fills is all its own pairs: its background
    says nothing of unrelated reports)."""
    n = vectors.shape[0]
    pairs = n * (n - 1) / 2
    mean = (pairs * background(vectors) + PRIOR_PAIRS * PRIOR_BACKGROUND) / (pairs + PRIOR_PAIRS)
    return min(settings.lift * mean, CEILING)


def horizon(threshold: float, time_scale: float) -> float:
    """Days apart beyond which two reports are not paired: their decayed similarity would be
    under ``threshold`` even were their words the same (``time_scale × ln(1/threshold)``)."""
    return time_scale * math.log(1.0 / threshold) if 0 < threshold < 1 else (0.0 if threshold >= 1 else math.inf)


def key_stems(texts: Sequence[str]) -> list[list[str]]:
    """The stems of articles' keys, the words that name a day left out (what :func:`key_vectors` weighs)."""
    return stem_lists(content_words(_without_day_words(text)) for text in texts)


def _without_day_words(text: str) -> str:
    """``text`` with each of :data:`DAY_WORDS` made a space. Every one of them holds "day" or
    "ght" (letters that match no other when case is ignored): a text without either is
    returned as it is, without the slow scan of the pattern (most keys)."""
    lowered = text.lower()
    return DAY_WORDS.sub(" ", text) if "day" in lowered or "ght" in lowered else text


def key_rows(text_stems: Sequence[list[str]], columns: dict[str, int], idf: np.ndarray) -> sp.csr_matrix:
    """The TF-IDF rows (unit length) of keys' stems in a vocabulary (:func:`briefgen.score.vocabulary`)."""
    return matrix_of(text_stems, columns, idf).tfidf.tocsr()


def key_vectors(texts: Sequence[str]) -> sp.csr_matrix:
    """The TF-IDF rows (unit length) of articles' keys, the words that name a day left out, the
    IDF over these keys (on a Dask cluster, the rows of each run are made by :func:`key_rows`
    from the runs' reduced :func:`briefgen.score.vocabulary`: the same numbers)."""
    text_stems = key_stems(texts)
    return key_rows(text_stems, *vocabulary([stem_frequencies(text_stems)]))


def similarity_graph(texts: Sequence[str], days: np.ndarray, time_scale: float,
                     within: float = math.inf) -> sp.csr_matrix:
    """Pairwise similarity of the texts (cosine of their TF-IDF vectors, decayed with the days
    between them) as a sparse symmetric matrix without its diagonal, for the pairs at most
    ``within`` days apart: every such pair, however common the stems it shares."""
    if not texts:
        return sp.csr_matrix((0, 0))
    tfidf = key_vectors(texts)
    days = np.asarray(days, dtype=np.float64)
    i, j, dot = _joined(_close_pairs(tfidf, days, within))
    return _symmetric((i, j, dot * np.exp(-np.abs(days[i] - days[j]) / time_scale)), len(texts))


def _close_pairs(vectors: sp.csr_matrix, days: np.ndarray, within: float) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The pairs ``i < j`` of rows at most ``within`` days apart whose dot product is not 0, with
    it, a slice at a time. The rows are taken in time order, in blocks of ``within`` days, each
    multiplied by itself and the next block only: the work grows with the pairs close in time.
    Each block is multiplied :data:`ROWS_AT_ONCE` rows at a time, against the rows from them on,
    and each such product is one slice, so that what is held at once stays small."""
    order = np.argsort(days, kind="stable")
    when, rows = days[order], sp.csr_matrix(vectors)[order]
    span = when[-1] - when[0]
    width = within if math.isfinite(within) and within > 0 and span > within else max(span, 1.0) * 2
    block = np.floor((when - when[0]) / width).astype(np.int64)
    bounds = np.searchsorted(block, np.arange(block[-1] + 3))
    for start, middle, stop in zip(bounds[:-2].tolist(), bounds[1:-1].tolist(), bounds[2:].tolist(), strict=True):
        for first in range(start, middle, ROWS_AT_ONCE):
            pairs = sp.coo_matrix(rows[first:min(first + ROWS_AT_ONCE, middle)] @ rows[first:stop].T)
            i, j = pairs.row + first, pairs.col + first
            keep = (j > i) & (when[j] - when[i] <= within)
            i, j = order[i[keep]], order[j[keep]]
            yield np.minimum(i, j).astype(np.int32), np.maximum(i, j).astype(np.int32), pairs.data[keep]  # rows: < 2**31


def _joined(slices: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The slices of pairs as three arrays (empty ones when there is none)."""
    firsts, seconds, weights = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)], [np.zeros(0)]
    for i, j, w in slices:
        firsts.append(i)
        seconds.append(j)
        weights.append(w)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(weights)


@dataclass(frozen=True)
class LevelBlock:
    """What a level's pairs of one time block are weighed from (:func:`block_pairs`): the block's
    groups and those of the next block, in time order (rows of the level's matrices)."""

    rare: sp.csr_matrix  #: their rows of the stems that pair groups
    shared: sp.csr_matrix | None  #: their rows of the common stems (None: the level has none)
    when: np.ndarray  #: their mean days
    size: np.ndarray  #: their sizes (articles)
    ids: np.ndarray  #: their group numbers in the level
    middle: int  #: how many of them are the block's own (the rest are the next block's)


#: weighs a level's blocks (:func:`block_pairs` of each, in order): here, or on a Dask cluster's workers
Weigher = Callable[[Iterable[LevelBlock], float, float, float], Iterable[tuple[np.ndarray, np.ndarray, np.ndarray, bool]]]


def time_blocks(when: np.ndarray, within: float) -> Iterator[tuple[np.ndarray, int]]:
    """Groups (their mean days ``when``) in time order cut in blocks of ``within`` days (the
    blocks of :func:`_close_pairs`): each block's groups and those of the next (their rows), and
    how many are the block's own."""
    order = np.argsort(when, kind="stable")
    sorted_when = when[order]
    span = sorted_when[-1] - sorted_when[0]
    width = within if math.isfinite(within) and within > 0 and span > within else max(span, 1.0) * 2
    block = np.floor((sorted_when - sorted_when[0]) / width).astype(np.int64)
    bounds = np.searchsorted(block, np.arange(block[-1] + 3))
    for start, middle, stop in zip(bounds[:-2].tolist(), bounds[1:-1].tolist(), bounds[2:].tolist(), strict=True):
        if middle > start:
            yield order[start:stop], middle - start


@dataclass(frozen=True)
class Level:
    """A level's groups (rows: at the first level, articles): the sum of each one's key vectors,
    which stems are common (held by more than :data:`COMMON_STEM` groups: they weigh a pair but
    do not make one), each group's mean day and size. Its blocks (:meth:`blocks`) are cut from
    the rows when asked, so that a Dask worker holding the level cuts its own blocks."""

    vectors: sp.csr_matrix  #: groups × stems
    common: np.ndarray  #: a flag a stem
    when: np.ndarray  #: the groups' mean days
    size: np.ndarray  #: the groups' sizes (articles)

    @classmethod
    def of(cls, vectors: sp.csr_matrix, when: np.ndarray, size: np.ndarray) -> Level:
        """The level of the groups ``vectors``, their stems counted."""
        return cls(vectors, np.bincount(vectors.indices, minlength=vectors.shape[1]) > COMMON_STEM, when, size)

    def cuts(self, within: float) -> Iterator[tuple[np.ndarray, int]]:
        """Its groups cut in blocks (:func:`time_blocks`)."""
        return time_blocks(self.when, within)

    def block(self, ids: np.ndarray, middle: int) -> LevelBlock:
        """What :func:`block_pairs` weighs of the groups ``ids`` (a cut of :meth:`cuts`): their
        rows split into rare and common stems."""
        rows = self.vectors[ids]
        rare = rows @ sp.diags((~self.common).astype(np.float64))
        rare.eliminate_zeros()
        shared = None
        if self.common.any():
            shared = rows @ sp.diags(self.common.astype(np.float64))
            shared.eliminate_zeros()
        return LevelBlock(rare, shared, self.when[ids], self.size[ids], ids, middle)

    def blocks(self, within: float) -> Iterator[LevelBlock]:
        """Every block of :meth:`cuts`, in time order: what :func:`block_pairs` weighs."""
        return (self.block(ids, middle) for ids, middle in self.cuts(within))


def block_pairs(block: LevelBlock, within: float, time_scale: float, floor: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The pairs ``i < j`` (group numbers) of a :class:`LevelBlock` whose first group is one of
    the block's own, at most ``within`` days apart, that share a rare stem, weighed by the dot
    product of their summed vectors (rare and common stems) decayed over their mean days apart;
    only those whose average (weight over the product of the sizes) is at least ``floor``. The
    last value says whether a pair was left out. The same numbers, operation for operation, as
    a level weighed in one process: the products are made :data:`ROWS_AT_ONCE` rows at a time
    from the block's start, and every pair's value depends only on its two rows."""
    found = []
    left_out = False
    when, size, ids, rows = block.when, block.size, block.ids, block.rare
    for first in range(0, block.middle, ROWS_AT_ONCE):
        pairs = sp.coo_matrix(rows[first:min(first + ROWS_AT_ONCE, block.middle)] @ rows[first:].T)
        a, b = pairs.row + first, pairs.col + first
        keep = (b > a) & (when[b] - when[a] <= within)
        a, b, dot = a[keep], b[keep], pairs.data[keep]
        swap = ids[a] > ids[b]
        a, b = np.where(swap, b, a), np.where(swap, a, b)  # (a, b): the pair's lower group number first
        if block.shared is not None and len(a):  # in parts: a group's row of common stems is long
            dot = dot + np.concatenate([np.asarray(block.shared[a[k:k + PAIRS_AT_ONCE]].multiply(block.shared[b[k:k + PAIRS_AT_ONCE]])
                                                   .sum(axis=1)).ravel() for k in range(0, len(a), PAIRS_AT_ONCE)])
        weight = dot * np.exp(-np.abs(when[a] - when[b]) / time_scale)
        kept = weight >= floor * size[a] * size[b]
        left_out = left_out or not kept.all()
        found.append((ids[a[kept]].astype(np.int32), ids[b[kept]].astype(np.int32), weight[kept]))  # rows: < 2**31
    i, j, w = _joined(found)
    return i, j, w, left_out


def weigh_here(blocks: Iterable[LevelBlock], within: float, time_scale: float, floor: float
               ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, bool]]:
    """:data:`Weigher` of this process: :func:`block_pairs` of each block, one after the other."""
    return (block_pairs(block, within, time_scale, floor) for block in blocks)


def link_level(weighed: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray, bool]], threshold: float,
               size: np.ndarray) -> tuple[np.ndarray, bool]:
    """A level's groups (``size``: each one's articles) merged: the kept pairs of its blocks
    (``weighed``: :func:`block_pairs` of each, in block order) joined into the level's graph,
    :func:`average_link` on it at ``threshold``. Each group's number in the next level (in the
    order of their first group), and whether a pair was left out."""
    left_out = False

    def kept() -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        nonlocal left_out
        for i, j, weight, pruned in weighed:
            left_out = left_out or pruned
            yield i, j, weight

    graph = _symmetric(_joined(kept()), len(size))
    return np.unique(average_link(graph, threshold, size, FLOOR), return_inverse=True)[1], left_out


def _symmetric(pairs: tuple[np.ndarray, np.ndarray, np.ndarray], n: int) -> sp.csr_matrix:
    """The graph of ``n`` nodes whose edges are the ``pairs`` (firsts, seconds, weights; each
    pair once), both ways. The pairs are let go once read (a caller that keeps no other
    reference frees them), and the graph is the sum of its upper half and that half turned
    over, not built from the pairs written out twice: the edges are many."""
    upper = sp.csr_matrix((pairs[2], (pairs[0], pairs[1])), shape=(n, n))
    del pairs
    return (upper + upper.T).tocsr()


def average_link(graph: sp.csr_matrix, threshold: float, sizes: np.ndarray | None = None,
                 floor: float = 0.0) -> np.ndarray:
    """A cluster label for each node of ``graph`` (symmetric, similarities): average-link
    agglomerative clustering, merging while two clusters' average similarity (missing edges
    count 0) is at least ``threshold``. Labels are the smallest node index of each cluster.
    A node may stand for a group already made: ``sizes`` (default 1 each) are their sizes, and
    an edge the sum of the similarities between the two groups' members.

    ``floor`` (default 0: none) is a second, absolute bar that two clusters of sizes ``a`` and
    ``b`` must also reach: ``floor / sqrt(a × b)``. Two single nodes need ``floor`` whatever
    ``threshold`` is; the bar falls as clusters grow, since the average over many members of one
    story is lower than its closest pairs. A pair under it is no candidate (as if absent) until
    a merge makes the clusters bigger. With a floor the result is no longer exactly the
    one-at-a-time algorithm's (the floor is not reducible), but it merges only what both bars allow.

    Computed in rounds of reciprocal nearest neighbours: each cluster finds the neighbour of
    highest average similarity (ties to the lower index), and every two clusters that are each
    other's and at least ``threshold`` merge at once; the graph of similarity sums is then
    contracted (summing the merged rows and columns) in one sparse step. Average linkage is
    reducible (a merged cluster is never closer to a third than the nearer of its two parts), so
    reciprocal pairs are merged by the one-at-a-time algorithm as well and the clusters are
    exactly its clusters. Each round costs a few passes over the graph's edges."""
    n = graph.shape[0]
    sums = sp.csr_matrix(graph, dtype=np.float64)
    if sums.diagonal().any():  # a node's similarity to itself is no edge
        sums = (sums - sp.diags(sums.diagonal())).tocsr()
    sums.sum_duplicates()
    sums.eliminate_zeros()
    size = np.ones(n) if sizes is None else np.asarray(sizes, dtype=np.float64).copy()
    label = np.arange(n)  # node → its cluster's row in ``sums``
    while sums.nnz:
        m = sums.shape[0]
        degree = np.diff(sums.indptr)
        rows = np.repeat(np.arange(m, dtype=sums.indices.dtype), degree)
        average = size[rows]  # the pairs' averages, made in place: the edges are many
        average *= size[sums.indices]
        np.divide(sums.data, average, out=average)
        if floor > 0:  # of the pairs over the threshold, those under floor / sqrt(a × b) are no candidates
            over = np.flatnonzero(average >= threshold)
            average[over[average[over] * np.sqrt(size[rows[over]] * size[sums.indices[over]]) < floor]] = -np.inf
            del over
        linked = np.flatnonzero(degree)
        starts = sums.indptr[linked]
        top = np.full(m, -np.inf)
        top[linked] = np.maximum.reduceat(average, starts)
        best = np.full(m, m)
        at = np.flatnonzero(average == top[rows])  # each row's edges of its top average (ties: the lowest neighbour)
        del average  # a value an edge: the largest of what a round holds
        np.minimum.at(best, rows[at], sums.indices[at])
        del at
        i = np.flatnonzero(top >= threshold)
        j = best[i]
        mutual = (best[j] == i) & (i < j)
        i, j = i[mutual], j[mutual]
        if len(i) == 0:
            break
        target = np.arange(m)
        target[j] = i
        alive = np.ones(m, dtype=bool)
        alive[j] = False
        target = (np.cumsum(alive) - 1)[target].astype(sums.indices.dtype)
        k = int(alive.sum())
        r = target[rows]
        del rows
        c = target[sums.indices]
        keep = r != c
        data, r, c = sums.data[keep], r[keep], c[keep]
        del keep, sums  # the graph contracted from the edges kept alone
        sums = sp.csr_matrix((data, (r, c)), shape=(k, k))
        del data, r, c
        sums.sum_duplicates()
        size = np.bincount(target, weights=size, minlength=k)
        label = target[label]
    first = np.full(n, n)
    np.minimum.at(first, label, np.arange(n))
    return first[label]


class Levels(Protocol):
    """Where a grouping's levels are held (:func:`story_labels`): the groups' summed vectors,
    which the driver of the grouping never needs to see. :class:`LevelsHere` holds them in
    this process; :class:`briefgen.engine.stories.LevelsOnCluster` on a Dask cluster's worker."""

    def threshold(self, settings: StorySettings) -> float:
        """The window's bar (:func:`window_threshold` of the first level's vectors)."""

    def link(self, when: np.ndarray, size: np.ndarray, within: float, time_scale: float, floor: float,
             threshold: float) -> tuple[np.ndarray, bool, bool]:
        """The level's groups linked (:func:`link_level` of its blocks' :func:`block_pairs`; ``when``,
        ``size``: its groups' mean days and sizes): each group's number in the next level,
        whether a pair was left out, and whether a stem was common (:class:`Level`)."""

    def merge(self, merged: np.ndarray, groups: int) -> None:
        """Make the next level: the groups' vectors summed by their number in it (``merged``)."""


class LevelsHere:
    """:class:`Levels` held in this process, the blocks weighed by ``weigh`` (one after the
    other by default)."""

    def __init__(self, vectors: sp.csr_matrix, weigh: Weigher = weigh_here) -> None:
        self.vectors = vectors
        self.weigh = weigh

    def threshold(self, settings: StorySettings) -> float:
        return window_threshold(self.vectors, settings)

    def link(self, when: np.ndarray, size: np.ndarray, within: float, time_scale: float, floor: float,
             threshold: float) -> tuple[np.ndarray, bool, bool]:
        level = Level.of(self.vectors, when, size)
        return (*link_level(self.weigh(level.blocks(within), within, time_scale, floor), threshold, size),
                bool(level.common.any()))

    def merge(self, merged: np.ndarray, groups: int) -> None:
        self.vectors = merged_rows(self.vectors, merged, groups)


def merged_rows(vectors: sp.csr_matrix, merged: np.ndarray, groups: int) -> sp.csr_matrix:
    """The rows of ``vectors`` summed by their group (``merged``: each row's, ``groups`` in all)."""
    m = vectors.shape[0]
    members = sp.csr_matrix((np.ones(m), (merged, np.arange(m))), shape=(groups, m))
    return (members @ vectors).tocsr()


def story_labels(texts: Sequence[str], days: np.ndarray, settings: StorySettings = StorySettings(),
                 levels: Levels | None = None) -> np.ndarray:
    """The story of each text (its title and lead), given each one's day (a float: days may
    carry a time of day): the smallest index of the texts of its story.

    Average link in levels. At each level a group (at first an article) is a vector, the sum of
    its articles' TF-IDF vectors, with its size and mean day; two groups are paired when they
    share a stem that at most :data:`COMMON_STEM` groups hold and are at most :func:`horizon`
    days apart, and a pair weighs the dot product of the two sums (every stem counts, common
    ones too: it is the sum of the cosines between the two groups' members) times the decay
    over their mean days apart (exact for two articles, an approximation for groups spread in
    time); a pair whose average is under :data:`PRUNE` × the bar is left out of the graph.
    :func:`average_link` merges the groups on that graph at the window's
    :func:`window_threshold`; the next
    level pairs the merged groups again, where a stem common among articles (held by one big
    story's hundreds of reports) is now held by a few groups and pairs them. It stops when a
    level merges nothing, or when neither a stem nor a pair was left out (the graph was then
    complete: at the first level, that is exactly average link on :func:`similarity_graph`).
    Pairs made by a level number at most ``COMMON_STEM ×`` its stems held, so the work grows
    about linearly with the articles.

    ``levels``: where the levels are held (the texts' :func:`key_vectors` and the groups' sums
    made from them), when not here (:class:`LevelsHere` of ``texts``): the texts are then
    not needed, only each one's day. On a Dask cluster the vectors, the levels' blocks and
    their graphs stay on the workers; this function keeps each group's day and size, and
    each article's group."""
    n = len(days)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    levels = LevelsHere(key_vectors(texts)) if levels is None else levels
    threshold = levels.threshold(settings)
    when = np.asarray(days, dtype=np.float64).copy()
    size = np.ones(n)
    label = np.arange(n)  # article → its group, a row of the level
    within = horizon(threshold, settings.time_scale)
    while True:
        m = len(size)
        merged, pruned, common = levels.link(when, size, within, settings.time_scale, PRUNE * threshold, threshold)
        k = int(merged.max()) + 1
        if k < m:
            levels.merge(merged, k)
            when = np.bincount(merged, weights=when * size, minlength=k).astype(np.float64)
            size = np.bincount(merged, weights=size, minlength=k).astype(np.float64)
            when /= size
            label = merged[label]
        if k == m or not (common or pruned):
            break
    first = np.full(len(size), n)
    np.minimum.at(first, label, np.arange(n))
    return first[label]


def group_articles(articles: Sequence[Article], settings: StorySettings = StorySettings(),
                   keys: Sequence[str] | None = None, levels: Levels | None = None) -> list[list[int]]:
    """The articles' indices grouped into stories, each in article order, the stories in the
    order of their first article. Every article is in exactly one story; an undated article
    counts as reported on the window's last dated day. ``keys``: the articles'
    :func:`article_key`, when made elsewhere; or ``levels`` held on the workers of a Dask
    cluster, made there from the keys (:func:`story_labels`)."""
    if not articles:
        return []
    dated = [a.date.toordinal() for a in articles if a.date is not None]
    last = max(dated) if dated else 0
    days = np.array([a.date.toordinal() if a.date is not None else last for a in articles], dtype=np.float64)
    texts = [] if levels is not None else list(keys) if keys is not None else [article_key(a) for a in articles]
    labels = story_labels(texts, days, settings, levels)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(index)
    return list(groups.values())
