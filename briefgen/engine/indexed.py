"""The corpus index on a Dask cluster: ``briefgen daily --scheduler`` reads only the files that
are new or changed, and parses only the window's.

The driver lists and stats the corpus folder and holds the index (:mod:`briefgen.corpus_index`:
the SQLite file on the driver's disk, ``OUT/.briefgen`` or ``--cache DIR``), as a run on one
machine does (:func:`briefgen.corpus_index.indexed_files`). The files the index does not hold as
they are now are read on the workers (:func:`briefgen.corpus_index.scan.read_batch`, one task a
run of :data:`~briefgen.engine.corpus.FILES_PER_PART` files), which send back their entries
(metadata, signatures, topics; no text); the driver saves them. Then :class:`IndexedOnCluster`
answers the run as :class:`~briefgen.corpus_index.IndexedCorpus` does, from the stored columns,
but parses on the workers the files it needs (the window's, and those of their likely copies):
the parsed files stay there, for the briefing's tasks (:meth:`IndexedOnCluster.window_parts`),
and the driver gets each parsed article without its text. The words of the likely pairs it
follows are compared (:func:`briefgen.dedupe.jaccard`, the local run's test) on the workers, a
task a pair of runs of parsed files (:func:`similar_in`): the texts' shingles never reach the
driver. The briefing is the same, to the byte, as on one machine, with or without the index.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Generator, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from briefgen.about import AboutRule
from briefgen.corpora import merged
from briefgen.corpus_index import Indexed, IndexedCorpus, indexed_files
from briefgen.corpus_index.scan import Job, Outcome, read_batch
from briefgen.corpus_index.window import parse_job
from briefgen.dedupe import THRESHOLD, jaccard, shingles
from briefgen.engine.cluster import Cluster
from briefgen.engine.corpus import (
    ARTICLES_PER_PART,
    FILES_PER_PART,
    ClusterCorpus,
    holding_on,
    stage,
)
from briefgen.engine.tasks import about_articles, window_articles
from briefgen.load import FileResult
from briefgen.models import Activity, Article

log = logging.getLogger(__name__)

Parsed = list[FileResult | None]  #: a run of files parsed on a worker (``None``: not the bytes the index holds)


def open_indexed(cluster: Cluster, folder: Path, cache: Path, max_bytes: int, timeout: float, reported: Path | None,
                 rule: AboutRule) -> IndexedOnCluster | ClusterCorpus:
    """The corpus ``folder`` through its index in the folder ``cache`` (on the driver), the new
    and changed files read on the workers of ``cluster``; when the index cannot be used (a
    warning says why), the corpus read whole on the workers (:class:`ClusterCorpus`).
    ``timeout``, ``reported`` and ``rule``: as :func:`briefgen.corpus_index.open_corpus`."""
    started = time.perf_counter()
    read: list[int] = []

    def reading(todo: Sequence[Job]) -> Generator[Outcome, None, None]:
        read.append(len(todo))
        return read_on(cluster, todo)

    found = indexed_files(folder, cache, max_bytes, timeout, reading, reported, rule)
    if found is None:
        return ClusterCorpus(cluster, folder, max_bytes)
    corpus = IndexedOnCluster(cluster, Path(folder), found, max_bytes, rule.key())
    corpus.read = sum(read)
    stage("load", started, f"{len(found.paths)} files, {corpus.read} read on the workers, the index on the driver")
    return corpus


def read_on(cluster: Cluster, todo: Sequence[Job]) -> Generator[Outcome, None, None]:
    """:func:`~briefgen.corpus_index.scan.read_batch` over ``todo`` on the workers, one task a
    run of :data:`FILES_PER_PART` files, their outcomes in order (a
    :data:`briefgen.corpus_index.Reader`): the driver saves each run's as it comes. Closing the
    stream early drops the tasks not gathered yet (Dask forgets a task no client wants)."""
    futures: list[Any] = [cluster.submit(read_batch, list(todo[k:k + FILES_PER_PART])) for k in range(0, len(todo), FILES_PER_PART)]
    try:
        for k in range(len(futures)):
            yield from cluster.gather([futures[k]])[0]
            futures[k] = None
    finally:
        futures.clear()


def parse_part(jobs: Sequence[tuple[Path, bytes, Path, int, float]]) -> Parsed:
    """Parse each file of ``jobs`` (:func:`briefgen.corpus_index.window.parse_job`: ``None`` when
    its bytes are not those the index holds). A task; the result stays on its worker."""
    return [parse_job(job) for job in jobs]


def parsed_meta(part: Parsed) -> list[list[Article] | None]:
    """Of each file of ``part``: its articles without their text; ``None`` for a file that is
    not what the index holds."""
    return [[replace(a, text="") for a in found.articles] if found is not None else None for found in part]


def similar_in(first: Parsed, second: Parsed, pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> list[bool]:
    """Whether the words of each pair of articles (a place in ``first``, one in ``second``: file
    in the run, article in the file) are near-duplicates (:func:`briefgen.dedupe.jaccard` of
    their shingles at least :data:`~briefgen.dedupe.THRESHOLD`), judged where their texts are."""
    cache: dict[tuple[int, tuple[int, int]], np.ndarray] = {}

    def shingled(side: int, at: tuple[int, int]) -> np.ndarray:
        if (side, at) not in cache:
            found = (first, second)[side][at[0]]
            assert found is not None
            cache[(side, at)] = shingles([found.articles[at[1]].text]).of(0)
        return cache[(side, at)]

    return [jaccard(shingled(0, i), shingled(1, j)) >= THRESHOLD for i, j in pairs]


class IndexedOnCluster(IndexedCorpus):
    """:class:`~briefgen.corpus_index.IndexedCorpus` of the corpus ``folder`` as the index holds
    it (``found``), whose files are parsed on the workers of ``cluster`` and stay there. The
    window's articles it gives have no text (as :class:`ClusterCorpus`'s); a file that changed
    during the run makes it read the whole corpus on the workers (:class:`ClusterCorpus`)."""

    def __init__(self, cluster: Cluster, folder: Path, found: Indexed, max_bytes: int, rule: str) -> None:
        super().__init__(folder, found.held_paths, found.held, found.problems, found.warnings, max_bytes, rule=rule)
        self.cluster = cluster
        self.read = 0  #: files read on the workers to bring the index up to date
        self.parsed = 0  #: files parsed on the workers for the window and its likely copies
        self._parts: list[Any] = []  #: futures of runs of files parsed (:data:`Parsed`)
        self._held: dict[int, tuple[int, int]] = {}  #: each parsed file's run, and place in it
        self._window: list[tuple[int, int, str]] = []  #: the window's articles: file, place in it, id
        self._judged: dict[tuple[int, int], bool] = {}  #: the likely pairs last judged (:meth:`_compare`)

    def _load_whole(self) -> ClusterCorpus:
        return ClusterCorpus(self.cluster, self.folder, self._max_bytes)

    def in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        started = time.perf_counter()
        articles = super().in_window(start, end)
        if self._whole is None:
            stage("window", started, f"{len(articles)} articles, {self.parsed} files parsed on the workers")
        return articles

    def activity(self, rule: AboutRule, end: dt.date) -> Activity:
        started = time.perf_counter()
        activity = super().activity(rule, end)
        if self._whole is None:
            stage("chart", started, f"{self.parsed} files parsed on the workers in all")
        return activity

    def _in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        chosen = self._window_members(start, end)
        self._window = [(int(self._file_of[d[0]]), self._seq_of[d[0]], self._ids[d[0]]) for d in chosen]
        return [merged([self._article(m) for m in dated]) for dated in chosen]

    def _compare(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Judge the likely ``pairs`` on the workers that hold their parsed files (a task a pair
        of runs, :func:`similar_in`), for :meth:`_similar`: the texts' shingles never reach the
        driver."""
        by_runs: dict[tuple[int, int], list[int]] = defaultdict(list)
        for k, (i, j) in enumerate(pairs):
            by_runs[(self._held[int(self._file_of[i])][0], self._held[int(self._file_of[j])][0])].append(k)
        tasks = [self.cluster.submit(similar_in, self._parts[a], self._parts[b],
                                     [(self._place(pairs[k][0]), self._place(pairs[k][1])) for k in ks])
                 for (a, b), ks in by_runs.items()]
        self._judged = {}
        for ks, answers in zip(by_runs.values(), self.cluster.gather(tasks), strict=True):
            self._judged.update((pairs[k], answer) for k, answer in zip(ks, answers, strict=True))

    def _similar(self, i: int, j: int) -> bool:
        return self._judged[(i, j)]

    def _parse(self, files: Iterable[int]) -> None:
        """Parse ``files`` (not parsed yet) on the workers, a task a run of them; keep each
        article without its text (the parsed files stay on the workers, for the likely pairs'
        words, :meth:`_compare`, and the briefing). :class:`~briefgen.corpus_index.window.Stale`
        when one is not what the index holds."""
        todo = sorted({int(f) for f in files} - set(self._parsed))
        if not todo:
            return
        chunks = [todo[k:k + FILES_PER_PART] for k in range(0, len(todo), FILES_PER_PART)]
        metas = []
        for chunk in chunks:
            jobs = [(Path(self._paths[f]), self._sha256[f], self.folder, self._max_bytes, self._max_seconds) for f in chunk]
            part = self.cluster.submit(parse_part, jobs)
            metas.append(self.cluster.submit(parsed_meta, part))
            self._held.update((f, (len(self._parts), k)) for k, f in enumerate(chunk))
            self._parts.append(part)
        for chunk, found in zip(chunks, self.cluster.gather(metas), strict=True):
            for f, one in zip(chunk, found, strict=True):
                self._keep(f, one)
        self.parsed += len(todo)

    def _about_of(self, rule: AboutRule, members: list[int]) -> np.ndarray:
        """Whether each of ``members`` is about each topic by ``rule``, judged on the workers."""
        self._parse(self._file_of[members])
        by_part: dict[int, list[int]] = defaultdict(list)
        for k, m in enumerate(members):
            by_part[self._held[int(self._file_of[m])][0]].append(k)
        about = np.zeros((len(members), len(rule.topics)), dtype=bool)
        tasks = [self.cluster.submit(about_articles, self._parts[p], [self._place(members[k]) for k in ks], rule)
                 for p, ks in by_part.items()]
        for ks, found in zip(by_part.values(), self.cluster.gather(tasks), strict=True):
            about[ks] = found
        return about

    def _place(self, m: int) -> tuple[int, int]:
        """Where the article ``m`` is in its file's run: (file in the run, article in the file)."""
        return self._held[int(self._file_of[m])][1], self._seq_of[m]

    def holding(self, pairs: Sequence[tuple[str, str]]) -> list[bool]:
        """Whether each article (its id in the corpus) holds the sentence asked with it, answered
        by the workers that hold the texts (:func:`briefgen.engine.corpus.holding_on`)."""
        if isinstance(self._whole, ClusterCorpus):
            return self._whole.holding(pairs)
        return holding_on(self.cluster, self._parts, {i: m for m, i in enumerate(self._ids)},
                          lambda m: (self._held[int(self._file_of[m])][0], self._place(m)), pairs)

    def window_parts(self) -> list[tuple[Any, int]]:
        """Runs of the last :meth:`in_window`'s articles, text and all, in order: a future of
        each on the cluster, and how many articles it holds (:meth:`ClusterCorpus.window_parts`)."""
        if isinstance(self._whole, ClusterCorpus):
            return self._whole.window_parts()
        runs = []
        for k in range(0, len(self._window), ARTICLES_PER_PART):
            run = self._window[k:k + ARTICLES_PER_PART]
            used = sorted({self._held[f][0] for f, _, _ in run})
            index = {p: n for n, p in enumerate(used)}
            wanted = [(index[self._held[f][0]], (self._held[f][1], seq), article_id) for f, seq, article_id in run]
            runs.append((self.cluster.submit(window_articles, wanted, *[self._parts[p] for p in used]), len(run)))
        return runs
