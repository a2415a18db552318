"""Stories: a window's articles grouped into the events they report.

An article is known by its title and its lead (its first :data:`LEAD_SENTENCES` body
sentences): sublinear TF-IDF over their stems, stop words left out, the IDF taken over the
window's articles. Two articles are as similar as the cosine of their vectors, times
``exp(-days apart / time_scale)``: reports of one event come close together in time, and two
attacks in one province a week apart are two stories even when their words are alike.

The stories are the clusters of average-link agglomerative clustering, cut where the average
similarity between two groups would fall below ``threshold``. It is computed exactly on the
sparse graph of the pairs that share a stem (pairs that share none have similarity 0 and never
lift an average): a heap of group pairs keyed by their average similarity; merging two groups
adds up their similarity sums to each neighbour. Its cost grows with the number of such pairs,
not with the square of the number of articles.
"""

from __future__ import annotations

import heapq
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


def similarity_graph(texts: Sequence[str], days: np.ndarray, time_scale: float) -> sp.csr_matrix:
    """Pairwise similarity of the texts (cosine of their TF-IDF vectors, decayed with the days
    between them) as a sparse symmetric matrix without its diagonal."""
    if not texts:
        return sp.csr_matrix((0, 0))
    tfidf = term_matrix(texts).tfidf
    pairs = sp.coo_matrix(tfidf @ tfidf.T)
    off = pairs.row != pairs.col
    rows, cols = pairs.row[off], pairs.col[off]
    days = np.asarray(days, dtype=np.float64)
    weights = pairs.data[off] * np.exp(-np.abs(days[rows] - days[cols]) / time_scale)
    return sp.csr_matrix((weights, (rows, cols)), shape=pairs.shape)


def average_link(graph: sp.csr_matrix, threshold: float) -> np.ndarray:
    """A cluster label for each node of ``graph`` (symmetric, similarities): average-link
    agglomerative clustering, merging while two clusters' average similarity (missing edges
    count 0) is at least ``threshold``. Labels are the smallest node index of each cluster."""
    n = graph.shape[0]
    size = [1] * n
    sums: list[dict[int, float]] = [{} for _ in range(n)]  # cluster → {neighbour cluster: similarity sum}
    coo = sp.triu(graph, k=1).tocoo()
    for i, j, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True):
        sums[i][j] = sums[i].get(j, 0.0) + v
        sums[j][i] = sums[j].get(i, 0.0) + v
    heap = [(-s, i, j) for i in range(n) for j, s in sums[i].items() if i < j and s >= threshold]
    heapq.heapify(heap)
    label = list(range(n))
    alive = [True] * n
    while heap:
        negative, i, j = heapq.heappop(heap)
        if not (alive[i] and alive[j]) or -negative != sums[i].get(j, 0.0) / (size[i] * size[j]):
            continue  # a merge since this entry was pushed made it stale
        alive[j] = False  # j joins i
        label[j] = i
        for k, s in sums[j].items():
            if k != i:
                sums[i][k] = sums[i].get(k, 0.0) + s
                sums[k][i] = sums[i][k]
                del sums[k][j]
        sums[i].pop(j, None)
        sums[j] = {}
        size[i] += size[j]
        for k, s in sums[i].items():
            average = s / (size[i] * size[k])
            if average >= threshold:
                heapq.heappush(heap, (-average, min(i, k), max(i, k)))
    return np.array([_root(label, x) for x in range(n)], dtype=np.int64)


def _root(label: list[int], x: int) -> int:
    while label[x] != x:
        x = label[x]
    return x


def story_labels(texts: Sequence[str], days: np.ndarray, settings: StorySettings = StorySettings()) -> np.ndarray:
    """The story of each text (its title and lead), given each one's day (a float: days may
    carry a time of day)."""
    return average_link(similarity_graph(texts, days, settings.time_scale), settings.threshold)


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
