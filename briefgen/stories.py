"""Stories: a window's articles grouped into the events they report.

An article is known by its title and its lead (its first :data:`LEAD_SENTENCES` body
sentences): sublinear TF-IDF over their stems, stop words left out, the IDF taken over the
window's articles. Two articles are as similar as the cosine of their vectors, times
``exp(-days apart / time_scale)``: reports of one event come close together in time, and two
attacks in one province a week apart are two stories even when their words are alike.

The stories are the clusters of average-link agglomerative clustering, cut where the average
similarity between two groups would fall below ``threshold``. It is computed exactly on the
sparse graph of the pairs that share a stem and are at most ``time_scale × ln(1/threshold)``
days apart (2.6 days by default; pairs that share no stem have similarity 0 and never lift an
average; a pair further apart would stay under the threshold even with the same words, and is
left out though it could lift an average a little):
rounds in which every two groups that are each other's most similar merge at once, with sparse
matrix steps (see :func:`average_link`). Its cost grows with the number of such pairs, not with
the square of the number of articles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from briefgen.models import Article
from briefgen.score import term_matrix
from briefgen.split import split_article

LEAD_SENTENCES = 2  #: body sentences of an article that, with its title, say what it is about


@dataclass(frozen=True)
class StorySettings:
    """The two settings of the grouping."""

    threshold: float = 0.075  #: average similarity under which two groups stay two stories
    time_scale: float = 1.0  #: days over which the similarity of two reports falls to 1/e


def article_key(article: Article) -> str:
    """What an article is about, for grouping: its title and its lead."""
    lead = [s.text for s in split_article(article) if not s.is_heading][:LEAD_SENTENCES]
    return " ".join([article.title, *lead])


def horizon(settings: StorySettings) -> float:
    """Days apart beyond which two reports are not paired: their decayed similarity would be
    under ``threshold`` even were their words the same (``time_scale × ln(1/threshold)``)."""
    return settings.time_scale * math.log(1.0 / settings.threshold) if 0 < settings.threshold < 1 else math.inf


def similarity_graph(texts: Sequence[str], days: np.ndarray, time_scale: float,
                     within: float = math.inf) -> sp.csr_matrix:
    """Pairwise similarity of the texts (cosine of their TF-IDF vectors, decayed with the days
    between them) as a sparse symmetric matrix without its diagonal, for the pairs at most
    ``within`` days apart. The texts are taken in time order, in blocks of ``within`` days, each
    multiplied by itself and the next block only: the work grows with the pairs close in time."""
    n = len(texts)
    if n == 0:
        return sp.csr_matrix((0, 0))
    tfidf = term_matrix(texts).tfidf
    days = np.asarray(days, dtype=np.float64)
    order = np.argsort(days, kind="stable")
    when, vectors = days[order], tfidf[order]
    span = when[-1] - when[0]
    width = within if math.isfinite(within) and within > 0 and span > within else max(span, 1.0) * 2
    block = np.floor((when - when[0]) / width).astype(np.int64)
    bounds = np.searchsorted(block, np.arange(block[-1] + 3))
    rows, cols, weights = [], [], []
    for start, middle, stop in zip(bounds[:-2].tolist(), bounds[1:-1].tolist(), bounds[2:].tolist(), strict=True):
        if start == middle:
            continue
        pairs = sp.coo_matrix(vectors[start:middle] @ vectors[start:stop].T)
        i, j = pairs.row + start, pairs.col + start
        apart = when[j] - when[i]
        keep = (j > i) & (apart <= within)
        rows.append(order[i[keep]])
        cols.append(order[j[keep]])
        weights.append(pairs.data[keep] * np.exp(-apart[keep] / time_scale))
    i, j, w = (np.concatenate(x) for x in (rows, cols, weights))
    return sp.csr_matrix((np.concatenate([w, w]), (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n, n))


def average_link(graph: sp.csr_matrix, threshold: float) -> np.ndarray:
    """A cluster label for each node of ``graph`` (symmetric, similarities): average-link
    agglomerative clustering, merging while two clusters' average similarity (missing edges
    count 0) is at least ``threshold``. Labels are the smallest node index of each cluster.

    Computed in rounds of reciprocal nearest neighbours: each cluster finds the neighbour of
    highest average similarity (ties to the lower index), and every two clusters that are each
    other's and at least ``threshold`` merge at once; the graph of similarity sums is then
    contracted (summing the merged rows and columns) in one sparse step. Average linkage is
    reducible (a merged cluster is never closer to a third than the nearer of its two parts), so
    reciprocal pairs are merged by the one-at-a-time algorithm as well and the clusters are
    exactly its clusters. Each round costs a few passes over the graph's edges."""
    n = graph.shape[0]
    edges = sp.coo_matrix(graph)
    off = edges.row != edges.col
    sums = sp.csr_matrix((edges.data[off].astype(np.float64), (edges.row[off], edges.col[off])), shape=(n, n))
    sums.sum_duplicates()
    sums.eliminate_zeros()
    size = np.ones(n)
    label = np.arange(n)  # node → its cluster's row in ``sums``
    while sums.nnz:
        m = sums.shape[0]
        degree = np.diff(sums.indptr)
        rows = np.repeat(np.arange(m), degree)
        average = sums.data / (size[rows] * size[sums.indices])
        linked = np.flatnonzero(degree)
        starts = sums.indptr[linked]
        top = np.full(m, -np.inf)
        top[linked] = np.maximum.reduceat(average, starts)
        best = np.full(m, m)
        best[linked] = np.minimum.reduceat(np.where(average == top[rows], sums.indices, m), starts)
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
        target = (np.cumsum(alive) - 1)[target]
        k = int(alive.sum())
        r, c = target[rows], target[sums.indices]
        keep = r != c
        sums = sp.csr_matrix((sums.data[keep], (r[keep], c[keep])), shape=(k, k))
        sums.sum_duplicates()
        size = np.bincount(target, weights=size, minlength=k)
        label = target[label]
    first = np.full(n, n)
    np.minimum.at(first, label, np.arange(n))
    return first[label]


def story_labels(texts: Sequence[str], days: np.ndarray, settings: StorySettings = StorySettings()) -> np.ndarray:
    """The story of each text (its title and lead), given each one's day (a float: days may
    carry a time of day)."""
    graph = similarity_graph(texts, days, settings.time_scale, horizon(settings))
    return average_link(graph, settings.threshold)


def group_articles(articles: Sequence[Article], settings: StorySettings = StorySettings()) -> list[list[int]]:
    """The articles' indices grouped into stories, each in article order, the stories in the
    order of their first article. Every article is in exactly one story; an undated article
    counts as reported on the window's last dated day."""
    if not articles:
        return []
    dated = [a.date.toordinal() for a in articles if a.date is not None]
    last = max(dated) if dated else 0
    days = np.array([a.date.toordinal() if a.date is not None else last for a in articles], dtype=np.float64)
    labels = story_labels([article_key(a) for a in articles], days, settings)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(index)
    return list(groups.values())
