"""The briefing of a window on the cluster: map-reduce over runs of the window's articles,
ranking and selection on the driver.

1. map: each run of articles is split into sentences; its stems and their document
   frequencies go back (:func:`~briefgen.engine.tasks.vocabulary_of`);
   reduce: the window's vocabulary (in the order stems first appear) and IDF, on the driver,
   sent to every worker.
2. map: each run's sentences are weighed and scored against every topic, and compared with
   the previous briefing (:func:`~briefgen.engine.tasks.score_part`); the largest relevance of
   each topic goes back; reduce: its maximum.
3. map: each run's likeliest candidates of each topic (:func:`~briefgen.engine.tasks.likeliest_of`);
   the driver keeps the window's ``pool_size`` likeliest and fetches their text and term rows.
4. The driver ranks each topic's candidates (:func:`briefgen.pipeline.rank_rows`).
5. map: for every candidate, the sentences of each run that say the same (cosine at least
   ``duplicate``: :func:`~briefgen.engine.tasks.close_to`), which a bullet cites and rules out.
6. map: each article's title and lead (:func:`~briefgen.engine.tasks.keys_of`), and which
   articles report on which topic (:func:`~briefgen.engine.tasks.about_of`); the driver groups
   the stories (:func:`briefgen.stories.group_articles`) and selects
   (:func:`briefgen.pipeline.finish`), asking the workers which articles hold each bullet's
   sentence (:meth:`~briefgen.engine.corpus.ClusterCorpus.holding`).

Each step computes, row by row, what :func:`briefgen.pipeline.build_briefing` computes on the
whole window, so the briefing is the same to the byte.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from briefgen.config import Options
from briefgen.engine.corpus import ClusterCorpus, stage
from briefgen.engine.tasks import (
    Rows,
    about_of,
    best_of,
    close_to,
    keys_of,
    likeliest_of,
    owners_of,
    rows_of,
    score_part,
    split_part,
    vocabulary_of,
)
from briefgen.models import Article, Briefing, History, Sentence
from briefgen.pipeline import finish, likeliest, rank_rows
from briefgen.select import Ranking, Selector
from briefgen.stories import StorySettings, group_articles


class ClusterSelector(Selector):
    """:class:`~briefgen.select.Selector` whose ``tfidf`` holds only the candidates' rows; the
    sentences of the whole window close to each candidate (``close``: window rows and cosines)
    were found by the workers beforehand."""

    def __init__(self, tfidf: sp.csr_matrix, article_of: np.ndarray, redundancy: float, duplicate: float,
                 story_of: np.ndarray, second: Callable[[int, int], bool],
                 close: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        super().__init__(tfidf, article_of, redundancy, duplicate, story_of, second)
        self.close = close

    def similarities(self, row: int) -> np.ndarray:
        similarity = super().similarities(row)  # exact for every candidate row, 0 for the others
        rows, values = self.close.get(row, (np.zeros(0, dtype=np.int64), np.zeros(0)))
        similarity[rows] = values  # the others at least ``duplicate`` (the rest are never read)
        return similarity


def _close(client: Any, scored: list[Any], candidates: sp.csr_matrix, rows: np.ndarray,
           duplicate: float) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], dict[int, Sentence]]:
    """For each candidate (``rows``, its TF-IDF ``candidates``), the sentences of the window whose
    cosine with it is at least ``duplicate`` (window rows, cosines), and those sentences."""
    shared = client.scatter(candidates, broadcast=True)
    found: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    sentences: dict[int, Sentence] = {}
    for window_rows, which, values, met in client.gather(
            [client.submit(close_to, part, shared, duplicate, pure=False) for part in scored]):
        sentences.update(zip(window_rows.tolist(), met, strict=True))
        for k in np.unique(which).tolist():
            mine = which == k
            found.setdefault(int(rows[k]), []).append((window_rows[mine], values[mine]))
    return {row: (np.concatenate([r for r, _ in parts]), np.concatenate([v for _, v in parts]))
            for row, parts in found.items()}, sentences


def cluster_briefing(corpus: ClusterCorpus, articles: Sequence[Article], options: Options, date: dt.date,
                     start: dt.date, end: dt.date, history: History | None = None) -> Briefing:
    """The briefing of the window ``corpus.in_window`` gave (``articles``, without their text):
    :func:`briefgen.pipeline.build_briefing`'s, computed on the cluster."""
    history = history or History()
    client = corpus.client
    started = time.perf_counter()
    runs = corpus.window_parts()
    split = [client.submit(split_part, run, options, pure=False) for run, _ in runs]
    vocabulary: dict[str, int] = {}
    df_parts, sizes = [], []
    for count, stems, df in client.gather([client.submit(vocabulary_of, part, pure=False) for part in split]):
        columns = np.array([vocabulary.setdefault(s, len(vocabulary)) for s in stems], dtype=np.int64)
        df_parts.append((columns, df))
        sizes.append(count)
    df = np.zeros(max(len(vocabulary), 1), dtype=np.int64)
    for columns, counts in df_parts:
        df[columns] += counts
    total = sum(sizes)
    idf = np.log((1 + total) / (1 + df)) + 1.0
    weights = client.scatter((vocabulary, idf), broadcast=True)
    stage("split", started, f"{len(articles)} articles, {total} sentences, {len(vocabulary)} stems, {len(runs)} tasks")
    started = time.perf_counter()
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    article_offsets = np.cumsum([0] + [count for _, count in runs])
    scored = [client.submit(score_part, part, int(offsets[k]), int(article_offsets[k]), weights, options, end,
                            list(history.sentences), pure=False) for k, part in enumerate(split)]
    topics = len(options.topics)
    top = np.max(np.stack(client.gather([client.submit(best_of, part, pure=False) for part in scored])), axis=0) \
        if scored else np.zeros(topics)
    found = client.gather([client.submit(likeliest_of, part, top, options.ranking.pool_size, options.ranking.duplicate,
                                         pure=False) for part in scored])
    pools = []
    for j in range(topics):
        rows = np.concatenate([f[0][j][0] for f in found]) if found else np.zeros(0, dtype=np.int64)
        bias = np.concatenate([f[0][j][1] for f in found]) if found else np.zeros(0)
        if len(rows) > options.ranking.pool_size:
            keep = likeliest(bias, options.ranking.pool_size)
            rows, bias = rows[keep], bias[keep]
        pools.append((rows, bias))
    wanted = np.unique(np.concatenate([rows for rows, _ in pools] + [np.zeros(0, dtype=np.int64)]))
    fetched = _fetch(client, scored, offsets, wanted)
    stage("score", started, f"{len(wanted)} candidates fetched")
    started = time.perf_counter()
    local = {int(r): k for k, r in enumerate(fetched.rows)}
    rankings = []
    for j, topic in enumerate(options.topics):
        rows, bias = pools[j]
        if len(rows) == 0:
            rankings.append(Ranking(topic.name, rows, np.zeros(0)))
            continue
        at = np.array([local[int(r)] for r in rows], dtype=np.int64)
        rankings.append(rank_rows(topic.name, rows, bias, fetched.counts[at], fetched.lead[at] * fetched.relevance[at, j], options))
    stage("rank", started, f"{sum(len(r.rows) for r in rankings)} candidates ranked")
    started = time.perf_counter()
    standalone = np.ones(total, dtype=bool)  # read only at candidates' rows
    standalone[fetched.rows] = fetched.standalone
    seen = np.zeros(total)  # exact at candidates' rows and where it reaches ``duplicate``
    seen[fetched.rows] = fetched.seen
    for repeated, values in (f[1] for f in found):
        seen[repeated] = values
    owners = np.concatenate([np.zeros(0, dtype=np.int64)] + client.gather([client.submit(owners_of, part, pure=False)
                                                                          for part in scored]))
    tfidf = sp.csr_matrix((total, len(idf)))
    if len(fetched.rows):
        tfidf = _rows_matrix(fetched.tfidf, fetched.rows, total)
    close, met = _close(client, scored, fetched.tfidf, fetched.rows, options.ranking.duplicate) if len(fetched.rows) else ({}, {})
    stage("copies", started, f"{len(met)} sentences close to a candidate")
    started = time.perf_counter()
    keys = [key for part in client.gather([client.submit(keys_of, part, pure=False) for part in split]) for key in part]
    groups = group_articles(articles, StorySettings(options.stories.lift, options.stories.time_scale), keys)
    stage("stories", started, f"{len(groups)} stories")
    started = time.perf_counter()
    reports = client.gather([client.submit(about_of, part, pure=False) for part in scored])
    share = np.concatenate([np.zeros((0, topics))] + [c for c, _ in reports])
    about = np.concatenate([np.zeros((0, topics), dtype=bool)] + [a for _, a in reports])
    topic_of = np.full(total, -1, dtype=np.int64)  # read only at candidates' rows
    if len(fetched.rows):
        topic_of[fetched.rows] = np.argmax(fetched.relevance, axis=1)
    sentences = dict(zip(fetched.rows.tolist(), fetched.sentences, strict=True))
    sentences.update(met)

    def make_selector(story_of: np.ndarray, second: Callable[[int, int], bool]) -> Selector:
        # whether a sentence may follow a story's bullet is asked of every sentence of the story;
        # only those the driver has (candidates, and sentences close to one) are ever read again
        return ClusterSelector(tfidf, owners, options.ranking.redundancy, options.ranking.duplicate, story_of,
                               lambda first, row: row in sentences and second(first, row), close)

    briefing = finish(rankings, standalone, owners, sentences.__getitem__, topic_of, share, about, seen, make_selector, groups, articles,
                      history, options, date, start, end, corpus.holding)
    stage("select", started, f"{len(briefing.sources)} sources cited")
    return briefing


def _fetch(client: Any, scored: list[Any], offsets: np.ndarray, wanted: np.ndarray) -> Rows:
    """The rows ``wanted`` of the window, from the runs that hold them, in order."""
    tasks = []
    for k, part in enumerate(scored):
        rows = wanted[(wanted >= offsets[k]) & (wanted < offsets[k + 1])]
        if len(rows):
            tasks.append(client.submit(rows_of, part, rows, pure=False))
    parts: list[Rows] = client.gather(tasks)
    if not parts:
        empty = sp.csr_matrix((0, 1))
        return Rows(np.zeros(0, dtype=np.int64), [], empty, empty, np.zeros((0, 0)), np.zeros(0), np.zeros(0, dtype=bool),
                    np.zeros(0))
    return Rows(np.concatenate([p.rows for p in parts]), [s for p in parts for s in p.sentences],
                sp.vstack([p.tfidf for p in parts]).tocsr(), sp.vstack([p.counts for p in parts]).tocsr(),
                np.concatenate([p.relevance for p in parts]), np.concatenate([p.lead for p in parts]),
                np.concatenate([p.standalone for p in parts]), np.concatenate([p.seen for p in parts]))


def _rows_matrix(rows_tfidf: sp.csr_matrix, rows: np.ndarray, total: int) -> sp.csr_matrix:
    """A ``total``-row matrix holding ``rows_tfidf`` at ``rows`` (every other row empty)."""
    placed = sp.coo_matrix(rows_tfidf)
    return sp.csr_matrix((placed.data, (rows[placed.row], placed.col)), shape=(total, rows_tfidf.shape[1]))
