"""The corpus loaded on the cluster: the files read and parsed by the workers, near-duplicates
found by the workers (:mod:`briefgen.engine.duplicates`: the driver joins the confirmed pairs).

:class:`ClusterCorpus` answers what :class:`briefgen.load.LoadResult` answers (the newest
date, the window's articles, the undated ones, the problems and warnings), the same to the
byte, while the driver holds only each article's metadata: the window's
articles it returns have no text (:meth:`ArticleMeta.stub`), and :meth:`window_parts` gives the
cluster's runs of them, text and all, for :func:`briefgen.engine.briefing.cluster_briefing`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from briefgen.about import AboutRule
from briefgen.corpora import chart_heads, coverage_hint, merged, newest, window_groups
from briefgen.coverage import counted
from briefgen.dedupe import join_groups
from briefgen.engine.cluster import Cluster
from briefgen.engine.duplicates import duplicate_pairs
from briefgen.engine.tasks import (
    ArticleMeta,
    about_articles,
    files_of,
    holding_texts,
    load_part,
    part_meta,
    window_articles,
)
from briefgen.errors import ArticleError
from briefgen.load import SUFFIXES, corpus_files, corpus_id, kept_members, unique_ids
from briefgen.models import Activity, Article

log = logging.getLogger(__name__)

FILES_PER_PART = 250  #: files a loading task reads
ARTICLES_PER_PART = 1000  #: window articles a briefing task works on
GATHERED_AT_ONCE = 16  #: loading partitions whose metadata the driver takes in at once

Where = tuple[int, tuple[int, int]]  #: (partition, (file in it, article in the file))


_CPU = {"mark": time.process_time()}  #: the driver's CPU time at the last stage's end


def stage(name: str, started: float, what: str) -> None:
    """Log how long a stage took (``engine stage NAME: S s (WHAT; driver CPU C s, peak P MB)``,
    read by ``make bench``): wall seconds since ``started``, the CPU seconds the driver process
    (all its threads, the Dask client's too) spent since the previous stage ended, and the
    driver's peak resident memory so far."""
    now = time.process_time()
    log.info("engine stage %s: %.3f s (%s; driver CPU %.3f s, peak %.0f MB)", name, time.perf_counter() - started, what,
             now - _CPU["mark"], _peak_mb())
    _CPU["mark"] = now


def _peak_mb() -> float:
    """The driver process's peak resident memory so far, in MB (0 where the system does not say)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def holding_on(cluster: Cluster, parts: Sequence[Any], ids: Sequence[str], where: Callable[[int], tuple[int, Any]],
               pairs: Sequence[tuple[str, str]]) -> list[bool]:
    """Whether each article (its id, one of ``ids``) holds the sentence asked with it, answered
    by the workers that hold the texts: ``where(m)`` is the index in ``parts`` of the part that
    holds the ``m``-th article, and its place there (:func:`briefgen.engine.tasks.holding_texts`)."""
    at = {article_id: m for m, article_id in enumerate(ids)}
    by_part: dict[int, list[int]] = defaultdict(list)
    for k, (article_id, _) in enumerate(pairs):
        by_part[where(at[article_id])[0]].append(k)
    tasks = [cluster.submit(holding_texts, parts[p], [(where(at[pairs[k][0]])[1], pairs[k][1]) for k in ks])
             for p, ks in by_part.items()]
    found = [False] * len(pairs)
    for ks, answers in zip(by_part.values(), cluster.gather(tasks), strict=True):
        for k, answer in zip(ks, answers, strict=True):
            found[k] = answer
    return found


class ClusterCorpus:
    """The corpus ``folder`` loaded by the workers of the Dask ``cluster`` (the folder must be
    readable by them at the same path)."""

    def __init__(self, cluster: Cluster, folder: Path, max_bytes: int) -> None:
        self.cluster = cluster
        self.folder = Path(folder)
        self.problems: list[ArticleError] = []
        self.warnings: list[str] = []
        started = time.perf_counter()
        _CPU["mark"] = time.process_time()
        paths = corpus_files(self.folder, SUFFIXES, self.problems)
        chunks = [paths[k:k + FILES_PER_PART] for k in range(0, len(paths), FILES_PER_PART)]
        self.parts = [cluster.submit(load_part, chunk, [corpus_id(p, self.folder) for p in chunk], self.folder, max_bytes)
                      for chunk in chunks]
        metas: list[ArticleMeta] = []
        self._where: list[Where] = []
        signed = [cluster.submit(part_meta, part) for part in self.parts]  # the signatures stay on the workers
        kept: list[Any] = [cluster.submit(files_of, s) for s in signed]
        counts = []
        for start in range(0, len(kept), GATHERED_AT_ONCE):  # a few at a time: never every partition's results at once
            for p, found in enumerate(cluster.gather(kept[start:start + GATHERED_AT_ONCE]), start):
                kept[p] = None
                counts.append(sum(len(file_metas) for file_metas, _, _ in found))
                for f, (file_metas, problems, warnings) in enumerate(found):
                    metas.extend(file_metas)
                    self._where.extend((p, (f, k)) for k in range(len(file_metas)))
                    self.problems.extend(problems)
                    self.warnings.extend(warnings)
        self._metas = metas
        stage("load", started, f"{len(paths)} files, {len(metas)} articles, {len(self.parts)} tasks")
        started = time.perf_counter()
        self._ids = unique_ids([m.id for m in metas], [Path(m.path).suffix for m in metas])
        self._groups = self._duplicate_groups(signed, counts)
        stage("duplicates", started, f"{len(metas) - len(self._groups)} merged or dropped")
        self._window: list[tuple[Where, str]] = []

    def _duplicate_groups(self, signed: Sequence[Any], counts: Sequence[int]) -> list[list[int]]:
        """The groups of :func:`briefgen.load.merge_duplicates`, members kept, from the pairs of
        near-duplicates the workers find (:func:`briefgen.engine.duplicates.duplicate_pairs`;
        ``signed``: each partition's metadata and signatures, ``counts``: its articles)."""
        metas = self._metas
        if not metas:
            return []
        pairs = duplicate_pairs(self.cluster, self.parts, signed, counts, sum(m.words for m in metas))
        groups = join_groups(len(metas), pairs, lambda i, j: True)
        sources = [m.source for m in metas]
        return [kept_members(g, sources, lambda i: metas[i].digest) for g in groups]

    @property
    def undated(self) -> list[str]:
        return [self._metas[m].path for g in self._groups for m in g if self._metas[m].date is None]

    def _head_dates(self) -> list[dt.date | None]:
        """The date of each group's first member, which speaks for it."""
        return [self._metas[g[0]].date for g in self._groups]

    def _kept_dates(self) -> list[dt.date | None]:
        """The date of every member kept of every group (a window that holds any holds the story)."""
        return [self._metas[m].date for g in self._groups for m in g]

    def newest_date(self) -> dt.date | None:
        return newest(self._kept_dates())

    def coverage_hint(self) -> str:
        return coverage_hint(self._kept_dates())

    def activity(self, rule: AboutRule, end: dt.date) -> Activity:
        """The coverage chart's counts up to ``end`` (:func:`briefgen.corpora.chart_heads`);
        whether each article is about each topic is judged on the workers."""
        span, heads = chart_heads(self._head_dates(), end)
        chosen = [self._groups[k][0] for k in heads]
        by_part: dict[int, list[int]] = defaultdict(list)
        for m in chosen:
            by_part[self._where[m][0]].append(m)
        about = np.zeros((len(chosen), len(rule.topics)), dtype=bool)
        row = {m: k for k, m in enumerate(chosen)}
        tasks = [self.cluster.submit(about_articles, self.parts[p], [self._where[m][1] for m in ms], rule)
                 for p, ms in by_part.items()]
        for ms, found in zip(by_part.values(), self.cluster.gather(tasks), strict=True):
            about[[row[m] for m in ms]] = found
        dates = [d for m in chosen if (d := self._metas[m].date) is not None]  # every chosen one is dated
        return counted(span, dates, about, rule.topics)

    def holding(self, pairs: Sequence[tuple[str, str]]) -> list[bool]:
        """Whether each article (its id in the corpus) holds the sentence asked with it: a
        :data:`briefgen.assemble.Holding` answered by the workers that hold the texts (:func:`holding_on`)."""
        return holding_on(self.cluster, self.parts, self._ids, lambda m: self._where[m], pairs)

    def in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        """The window's articles as :func:`briefgen.load.in_window` gives them, without their
        text; :meth:`window_parts` has them with it, on the cluster."""
        inside = window_groups(self._groups, lambda m: self._metas[m].date, start, end)
        self._window = [(self._where[members[0]], self._ids[members[0]]) for members in inside]
        return [merged([self._metas[m].stub(self._ids[m]) for m in members]) for members in inside]

    def window_parts(self) -> list[tuple[Any, int]]:
        """Runs of the last :meth:`in_window`'s articles, text and all, in order: a future of
        each on the cluster, and how many articles it holds."""
        runs = []
        for k in range(0, len(self._window), ARTICLES_PER_PART):
            run = self._window[k:k + ARTICLES_PER_PART]
            used = sorted({p for (p, _), _ in run})
            index = {p: n for n, p in enumerate(used)}
            wanted = [(index[p], at, article_id) for (p, at), article_id in run]
            runs.append((self.cluster.submit(window_articles, wanted, *[self.parts[p] for p in used]), len(run)))
        return runs
