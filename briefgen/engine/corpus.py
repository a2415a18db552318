"""The corpus loaded on the cluster: the files read and parsed by the workers, near-duplicates
found by the workers (:mod:`briefgen.engine.duplicates`: the driver joins the confirmed pairs).

:class:`ClusterCorpus` answers what :class:`briefgen.load.LoadResult` answers (the newest
date, the window's articles, the undated ones, the problems and warnings), the same to the
byte, while the driver holds a few numbers an article, as columns (no object an article): its
date as an ordinal, its group of near-duplicates (the number of the group's first article) and
whether it is kept in it; an article's place is its number in the corpus, its partition found
from the partitions' first numbers. Whatever else it needs of an article it asks the workers
for, for the few articles it needs (:func:`briefgen.engine.tasks.fields_of`): the title, outlet,
link, path and id of the window's articles and of the copies merged into them, the outlet and
text digest of the members of a group of near-duplicates (which to keep), the path of an
undated one. The window's articles it returns have no text, and :meth:`window_parts` gives the
cluster's runs of them, text and all, for :func:`briefgen.engine.briefing.cluster_briefing`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from briefgen.about import AboutRule
from briefgen.corpora import merged, span_hint
from briefgen.coverage import chart_span, counted
from briefgen.engine.cluster import Cluster
from briefgen.engine.duplicates import duplicate_pairs
from briefgen.engine.tasks import (
    FIELDS,
    NO_DATE,
    Place,
    about_articles,
    columns_of,
    fields_of,
    holding_texts,
    load_part,
    part_meta,
    window_articles,
)
from briefgen.errors import ArticleError
from briefgen.load import SUFFIXES, corpus_names, kept_members, unique_ids
from briefgen.models import Activity, Article
from briefgen.pipeline import gathered

log = logging.getLogger(__name__)

FILES_PER_PART = 250  #: files a loading task reads
ARTICLES_PER_PART = 1000  #: window articles a briefing task works on

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


def holding_on(cluster: Cluster, parts: Sequence[Any], number: Mapping[str, int], where: Callable[[int], tuple[int, Place]],
               pairs: Sequence[tuple[str, str]]) -> list[bool]:
    """Whether each article (its id, whose number ``number`` gives) holds the sentence asked
    with it, answered by the workers that hold the texts: ``where(m)`` is the index in ``parts``
    of the part that holds the ``m``-th article, and its place there
    (:func:`briefgen.engine.tasks.holding_texts`)."""
    by_part: dict[int, list[int]] = defaultdict(list)
    for k, (article_id, _) in enumerate(pairs):
        by_part[where(number[article_id])[0]].append(k)
    tasks = [cluster.submit(holding_texts, parts[p], [(where(number[pairs[k][0]])[1], pairs[k][1]) for k in ks])
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
        names = corpus_names(self.folder, SUFFIXES, self.problems)
        files = len(names)
        self.parts = [cluster.submit(load_part, names[k:k + FILES_PER_PART], self.folder, max_bytes)
                      for k in range(0, files, FILES_PER_PART)]
        del names  # the tasks have them
        signed = [cluster.submit(part_meta, part) for part in self.parts]  # the signatures stay on the workers
        taken: list[Any] = [cluster.submit(columns_of, s) for s in signed]
        days, keys, counts, present = [], [], [], 0
        for loaded in gathered(cluster.gather, taken):  # a few at a time: never every partition's results at once
            days.append(loaded.days)
            keys.append(loaded.keys)
            counts.append(len(loaded.days))
            present += int(loaded.words.sum())
            self.problems.extend(loaded.problems)
            self.warnings.extend(loaded.warnings)
        self._days = np.concatenate([np.zeros(0, dtype=np.int32), *days])  #: each article's date, an ordinal (NO_DATE: none)
        self._offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)  #: each partition's first article, and the count
        n = len(self._days)
        stage("load", started, f"{files} files, {n} articles, {len(self.parts)} tasks")
        started = time.perf_counter()
        self._renamed = self._unique_ids(np.concatenate([np.zeros(0, dtype=np.uint64), *keys]))  #: ids made unique
        self._head = np.arange(n, dtype=np.int64)  #: the first article of each article's group of near-duplicates
        self._kept = np.ones(n, dtype=bool)  #: whether each article is kept in its group
        self._group(signed, counts, present)
        stage("duplicates", started, f"{n - self._heads().size} merged or dropped")
        self._window: list[tuple[int, str]] = []  #: the last window's articles (each speaks for its group): number, id
        self._numbers: dict[str, int] = {}  #: the number of each article of the last window (copies merged included), by id
        self._undated: list[str] | None = None

    # --- what the driver asks the workers ------------------------------------------------

    def _where(self, m: int) -> tuple[int, Place]:
        """The partition of the article ``m`` and its number in it."""
        p = int(np.searchsorted(self._offsets, m, side="right")) - 1
        return p, m - int(self._offsets[p])

    def _ask(self, members: np.ndarray | Sequence[int], names: Sequence[str]) -> list[tuple[Any, ...]]:
        """The fields ``names`` of the articles ``members``, in that order (:meth:`_asked`)."""
        found: list[tuple[Any, ...]] = [()] * len(members)
        for k, one in self._asked(members, names):
            found[k] = one
        return found

    def _asked(self, members: np.ndarray | Sequence[int], names: Sequence[str]) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """The fields ``names`` of each article of ``members`` (its place in ``members``, and
        them), from the workers that hold them (:func:`briefgen.engine.tasks.fields_of`): a
        task a partition, gathered a few partitions at a time, in no particular order."""
        members = np.asarray(members, dtype=np.int64)
        part = np.searchsorted(self._offsets, members, side="right") - 1
        order = np.argsort(part, kind="stable")
        used, firsts = np.unique(part[order], return_index=True)
        runs = np.split(order, firsts[1:]) if len(order) else []
        tasks: list[Any] = [self.cluster.submit(fields_of, self.parts[p], (members[run] - self._offsets[p]).tolist(), tuple(names))
                            for p, run in zip(used.tolist(), runs, strict=True)]
        for run, answers in zip(runs, gathered(self.cluster.gather, tasks), strict=True):
            yield from zip(run.tolist(), answers, strict=True)

    def _unique_ids(self, keys: np.ndarray) -> dict[int, str]:
        """The articles whose id :func:`briefgen.load.unique_ids` changes (``keys``: each id
        hashed, :func:`briefgen.engine.tasks.id_keys`), with their new id: none when no two keys
        are equal (then no two ids are); else every id asked of the workers, once."""
        ordered = np.sort(keys)
        if not len(ordered) or not (ordered[1:] == ordered[:-1]).any():
            return {}
        found = self._ask(np.arange(len(keys)), ("id", "path"))
        ids = [article_id for article_id, _ in found]
        unique = unique_ids(ids, [PurePath(path).suffix for _, path in found])
        return {m: new for m, (old, new) in enumerate(zip(ids, unique, strict=True)) if old != new}

    def _id(self, m: int, loaded: str) -> str:
        """The id of the article ``m`` in the corpus (``loaded``: the id the loader gave it)."""
        return self._renamed.get(m, loaded)

    # --- groups of near-duplicates -------------------------------------------------------

    def _group(self, signed: Sequence[Any], counts: Sequence[int], present: int) -> None:
        """The groups of :func:`briefgen.load.merge_duplicates`, members kept, from the pairs of
        near-duplicates the workers find (:func:`briefgen.engine.duplicates.duplicate_pairs`;
        ``signed``: each partition's columns and signatures, ``counts``: its articles,
        ``present``: the articles with words): the groups of :func:`briefgen.dedupe.join_groups`
        (every confirmed pair joins), whose members' outlets and digests are asked of the workers
        (:func:`briefgen.load.kept_members`)."""
        n = len(self._days)
        if not n:
            return
        pairs = duplicate_pairs(self.cluster, self.parts, signed, counts, present)
        if not len(pairs):
            return
        graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        first = np.full(int(labels.max()) + 1, n, dtype=np.int64)
        np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
        self._head = first[labels]
        shared = self._ordered(np.bincount(labels)[labels] > 1)
        outlets: dict[str, int] = {}  #: each outlet as written, numbered: few distinct ones
        outlet = np.zeros(len(shared), dtype=np.int32)
        digests: dict[int, bytes] = {}  #: of the members without an outlet only
        for k, (source, digest) in self._asked(shared, ("source", "digest")):
            outlet[k] = outlets.setdefault(source, len(outlets))
            if not source:
                digests[k] = digest
        written = list(outlets)
        heads = self._head[shared]
        for run in np.split(np.arange(len(shared)), np.flatnonzero(heads[1:] != heads[:-1]) + 1):
            places = run.tolist()  # a digest is compared only between two members without an outlet
            kept = kept_members(range(len(places)), [written[code] for code in outlet[run].tolist()],
                                [digests.get(k, b"") for k in places].__getitem__)
            dropped = np.ones(len(run), dtype=bool)
            dropped[kept] = False
            self._kept[shared[run[dropped]]] = False

    def _ordered(self, mask: np.ndarray) -> np.ndarray:
        """The articles of ``mask`` group by group (groups in the order of their first article),
        each group's in corpus order."""
        members = np.flatnonzero(mask)
        return members[np.argsort(self._head[members], kind="stable")]

    def _heads(self) -> np.ndarray:
        """The first article of each group (which speaks for it), in corpus order."""
        return np.flatnonzero(self._head == np.arange(len(self._head)))

    # --- what the daily run asks -----------------------------------------------------------

    @property
    def undated(self) -> list[str]:
        if self._undated is None:
            self._undated = [path for path, in self._ask(self._ordered(self._kept & (self._days == NO_DATE)), ("path",))]
        return self._undated

    def _kept_days(self) -> np.ndarray:
        """The dates (ordinals) of every member kept of every group (a window that holds any holds the story)."""
        return self._days[self._kept & (self._days != NO_DATE)]

    def newest_date(self) -> dt.date | None:
        days = self._kept_days()
        return dt.date.fromordinal(int(days.max())) if len(days) else None

    def coverage_hint(self) -> str:
        days = self._kept_days()
        if not len(days):
            return span_hint(None, None)
        return span_hint(dt.date.fromordinal(int(days.min())), dt.date.fromordinal(int(days.max())))

    def activity(self, rule: AboutRule, end: dt.date) -> Activity:
        """The coverage chart's counts up to ``end`` (as :func:`briefgen.corpora.chart_heads`
        chooses them, from the dates of the articles that speak for their groups); whether each
        article is about each topic is judged on the workers."""
        started = time.perf_counter()
        heads = self._heads()
        days = self._days[heads]
        dated = days != NO_DATE
        upto = dated & (days <= end.toordinal())
        span = chart_span(dt.date.fromordinal(int(days[upto].min())) if upto.any() else None, end)
        chosen = heads[upto & (days >= span[0].toordinal())].tolist()
        by_part: dict[int, list[int]] = defaultdict(list)
        for m in chosen:
            by_part[self._where(m)[0]].append(m)
        about = np.zeros((len(chosen), len(rule.topics)), dtype=bool)
        row = {m: k for k, m in enumerate(chosen)}
        tasks = [self.cluster.submit(about_articles, self.parts[p], [self._where(m)[1] for m in ms], rule)
                 for p, ms in by_part.items()]
        for ms, found in zip(by_part.values(), self.cluster.gather(tasks), strict=True):
            about[[row[m] for m in ms]] = found
        activity = counted(span, [dt.date.fromordinal(int(self._days[m])) for m in chosen], about, rule.topics)
        stage("chart", started, f"{len(chosen)} articles judged on the workers")
        return activity

    def holding(self, pairs: Sequence[tuple[str, str]]) -> list[bool]:
        """Whether each article (its id in the corpus: one of the last window's, or of a copy
        merged into one) holds the sentence asked with it: a :data:`briefgen.assemble.Holding`
        answered by the workers that hold the texts (:func:`holding_on`)."""
        return holding_on(self.cluster, self.parts, self._numbers, self._where, pairs)

    def in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        """The window's articles as :func:`briefgen.load.in_window` gives them, without their
        text (:func:`briefgen.corpora.window_groups`: of each group, its kept members dated in
        the window; the first speaks for it); :meth:`window_parts` has them with it, on the
        cluster. Only these articles' fields are asked of the workers."""
        members = self._ordered(self._kept & (self._days >= start.toordinal()) & (self._days <= end.toordinal()))
        heads = self._head[members]
        found = self._ask(members, FIELDS)
        stubs = [Article(self._id(m, article_id), title, source, dt.date.fromordinal(int(self._days[m])), url, path, "")
                 for m, (article_id, title, source, url, path) in zip(members.tolist(), found, strict=True)]
        self._numbers = {a.id: m for m, a in zip(members.tolist(), stubs, strict=True)}
        firsts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]]) if len(members) else np.zeros(0, dtype=np.int64)
        ends = [*firsts[1:].tolist(), len(members)]
        self._window = [(int(members[f]), stubs[f].id) for f in firsts.tolist()]
        return [merged(stubs[f:e]) for f, e in zip(firsts.tolist(), ends, strict=True)]

    def window_parts(self) -> list[tuple[Any, int]]:
        """Runs of the last :meth:`in_window`'s articles, text and all, in order: a future of
        each on the cluster, and how many articles it holds."""
        runs = []
        for k in range(0, len(self._window), ARTICLES_PER_PART):
            run = [(*self._where(m), article_id) for m, article_id in self._window[k:k + ARTICLES_PER_PART]]
            used = sorted({p for p, _, _ in run})
            index = {p: n for n, p in enumerate(used)}
            wanted = [(index[p], at, article_id) for p, at, article_id in run]
            runs.append((self.cluster.submit(window_articles, wanted, *[self.parts[p] for p in used]), len(run)))
        return runs
