"""A corpus seen through its index: the window's articles parsed, near-duplicates found from
the stored likely pairs.

:class:`IndexedCorpus` gives the daily run what :class:`briefgen.load.LoadResult` gives (the
newest date, the window's articles, the undated ones, the coverage chart's counts from the
stored topics of each article), the same to the byte, without holding the corpus's text. Which
articles are near-duplicates is decided over the whole corpus (:mod:`briefgen.dedupe`): the
likely pairs of the whole corpus, found from the stored signatures once and kept in the index's
snapshot (:meth:`~briefgen.corpus_index.store.Held.likely`), are read at once; only the articles linked by
likely pairs to the articles asked about are made, to compare their words exactly. An article is
made from what the index keeps of it, its text included, once its file's ``stat`` shows it
unchanged since the index read it (a file whose text the index does not keep, or changed so
soon before it was read that ``stat`` may not show a change, is read, checked against its hash
and parsed), and its sentences come split (:meth:`IndexedCorpus.sentences`). An article's place in the corpus (the order of its file and its
place in it) decides its id, its group and which copy speaks for a group, as in
:func:`briefgen.load.merge_duplicates`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from scipy.sparse import csr_matrix

from briefgen.about import AboutRule
from briefgen.corpora import Corpus, merged, span_hint, window_groups
from briefgen.corpus_index.scan import RACY_NS, Stamp
from briefgen.corpus_index.store import Held, Kept, kept_texts, likely_of, unswept
from briefgen.coverage import chart_span, counted
from briefgen.dedupe import THRESHOLD, jaccard, shingles
from briefgen.errors import ArticleError
from briefgen.files import printable
from briefgen.load import (
    MAX_SECONDS,
    FileResult,
    corpus_id,
    kept_members,
    load_corpus,
    parse_file,
    read_file,
    text_digest,
    unique_ids,
)
from briefgen.models import Activity, Article
from briefgen.parallel import Progress, map_items
from briefgen.text.split import Split, unpacked

log = logging.getLogger(__name__)

_NO_DATE = -1
_EPOCH = dt.date(1970, 1, 1).toordinal()  #: numpy's day 0, as a date's ordinal
T = TypeVar("T")


class Stale(Exception):
    """A file's bytes differ from what the index holds of it (it changed during the run)."""


class IndexedCorpus:
    """The corpus as its index holds it (``held``: its files' columns, the file of each being
    the one of ``paths``, as strings, at the same place), with the ``problems`` and ``warnings``
    of loading it."""

    def __init__(self, folder: Path, paths: Sequence[str], held: Held, problems: list[ArticleError],
                 warnings: list[str], max_bytes: int, jobs: int = 1,
                 progress: Callable[[str], Progress[Any]] | None = None, rule: str = "",
                 max_seconds: float = MAX_SECONDS, cache: Path | None = None, timeout: float = 300.0) -> None:
        self.folder = folder
        self._cache, self._timeout = cache, timeout  #: the index's folder, whose kept texts are read (:meth:`_ask`)
        self._texts: dict[bytes, Kept | None] = {}  #: by digest, the texts asked of the index (``None``: not kept)
        self.problems = problems
        self.warnings = warnings
        self._max_bytes, self._max_seconds, self._jobs, self._progress = max_bytes, max_seconds, jobs, progress
        self._paths: list[str] = []  #: of each file that holds articles
        self._sha256: list[bytes] = []  #: of each file that holds articles, as the index holds it
        self._stamps: list[str | None] = []  #: of each file, its ``stat`` as the index saw it (``None``: too new to tell)
        self._rule = rule  #: the key of the rule the stored ``about`` bits are by (:meth:`briefgen.about.AboutRule.key`)
        with unswept():
            self._columns(paths, held)
        self._neighbours: csr_matrix | None = None  #: the likely pairs, both ways
        self._shingled: dict[int, np.ndarray] = {}
        self._parsed: dict[int, list[Article]] = {}  #: by file
        self._group: dict[int, list[int]] = {}  #: each article's group of near-duplicates, once known
        self._whole: Corpus | None = None  #: the corpus loaded whole, when the index proved stale

    def _columns(self, paths: Sequence[str], held: Held) -> None:
        """The stored articles' fields, a column each (those ``held``), and the files that hold them."""
        count = np.array(held.count, dtype=np.int64)
        holding = np.flatnonzero(count > 0).tolist()
        self._paths = [paths[f] for f in holding]
        self._sha256 = [held.sha256[f] for f in holding]
        self._stamps = [held.stamp[f] if held.seen_ns[f] - held.mtime_ns[f] >= RACY_NS else None for f in holding]
        self._file_of = np.repeat(np.arange(len(holding), dtype=np.int64), count[holding])
        self._seq_of = held.seq
        self._first = np.searchsorted(self._file_of, np.arange(len(self._paths) + 1))  #: each file's first article
        ids = held.id
        self._loaded_ids = ids  #: as the loader gives them (the index's), before they are made unique
        self._ids = list(ids) if len(set(ids)) == len(ids) else unique_ids(
            ids, [os.path.splitext(self._paths[f])[1] for f in self._file_of.tolist()])
        dates = held.date
        days = np.array([d or "NaT" for d in dates], dtype="datetime64[D]").astype(np.int64) + _EPOCH
        self._days = np.where(np.array([d is None for d in dates], dtype=bool), _NO_DATE, days).astype(np.int64)
        self._titles, self._sources, self._urls, self._digests, self._about = (held.title, held.source, held.url,
                                                                              held.digest, held.about)
        #: the likely pairs of the whole corpus (the index's articles are the corpus's, in order), when
        #: the index keeps them; else the signatures and words they are found from (:meth:`_link`)
        self._pairs, self._signatures, self._words = held.pairs, held.signatures(), held.words

    # --- what the daily run asks (a file that changed during the run: the corpus loaded whole) ---

    @property
    def undated(self) -> list[str]:
        """The paths of the articles without a date (of a merged group, the members kept)."""
        return self._answer(lambda: self._undated(), lambda whole: list(whole.undated))

    def newest_date(self) -> dt.date | None:
        """The newest date of an article kept in its group (as :meth:`LoadResult.newest_date`)."""
        return self._answer(lambda: self._edge_date(newest=True, kept=True), lambda whole: whole.newest_date())

    def coverage_hint(self) -> str:
        """The hint of :meth:`LoadResult.coverage_hint`."""
        return self._answer(lambda: span_hint(self._edge_date(newest=False, kept=True), self._edge_date(newest=True, kept=True)),
                            lambda whole: whole.coverage_hint())

    def in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        """The articles dated from ``start`` to ``end`` (as :func:`briefgen.load.in_window` on the
        whole corpus): the window's files are parsed, and those of their likely copies."""
        return self._answer(lambda: self._in_window(start, end), lambda whole: whole.in_window(start, end))

    def activity(self, rule: AboutRule, end: dt.date) -> Activity:
        """The coverage chart's counts up to ``end`` (as :meth:`LoadResult.activity`): the
        articles that speak for their group, dated in the chart's days; whether each is about
        each topic by ``rule`` is in the index (when it was built by that rule)."""
        return self._answer(lambda: self._activity(rule, end), lambda whole: whole.activity(rule, end))

    def sentences(self, articles: Sequence[Article]) -> list[Split | None]:
        """Each article's sentences and their words as the index keeps them (the same as
        :meth:`briefgen.text.split.Split.of` gives), ``None`` where it keeps none: the split
        stage splits only those."""
        digests = [text_digest(a.text) for a in articles]
        self._ask(digests)
        kept = [self._texts.get(digest) for digest in digests]
        return [unpacked(a, one.spans, one.words) if one is not None else None for a, one in zip(articles, kept, strict=True)]

    def _ask(self, digests: Iterable[bytes]) -> None:
        """Ask the index for the texts of ``digests`` not asked for yet."""
        wanted = [d for d in digests if d not in self._texts]
        if self._cache is None or not wanted:
            return
        found = kept_texts(self._cache, wanted, self._timeout)
        self._texts.update((digest, found.get(digest)) for digest in wanted)

    def _answer(self, indexed: Callable[[], T], whole: Callable[[Corpus], T]) -> T:
        if self._whole is None:
            try:
                return indexed()
            except Stale as exc:
                log.warning("%s changed during the run: reading the whole corpus, without its index", exc)
                self._whole = self._load_whole()
        return whole(self._whole)

    def _load_whole(self) -> Corpus:
        """The corpus read whole, without the index (:func:`briefgen.load.load_corpus`)."""
        progress = self._progress("Loading articles") if self._progress else None
        return load_corpus(self.folder, jobs=self._jobs, progress=progress, max_bytes=self._max_bytes,
                           max_seconds=self._max_seconds)

    def _in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        return [merged([self._article(m) for m in dated]) for dated in self._window_members(start, end)]

    def _window_members(self, start: dt.date, end: dt.date) -> list[list[int]]:
        """Of each group of near-duplicates the window holds, its kept members dated in it, in
        corpus order (:func:`briefgen.corpora.window_groups`), their files parsed."""
        members = np.flatnonzero((self._days >= start.toordinal()) & (self._days <= end.toordinal()))
        self._parse(self._file_of[members])
        groups = [self._kept(group) for group in self._groups_of(members)]
        return window_groups(groups, self._date, start, end)

    def _date(self, m: int) -> dt.date | None:
        return dt.date.fromordinal(int(self._days[m])) if self._days[m] != _NO_DATE else None

    def _activity(self, rule: AboutRule, end: dt.date) -> Activity:
        topics = rule.topics
        span = chart_span(self._edge_date(newest=False, upto=end), end)
        inside = (self._days >= span[0].toordinal()) & (self._days <= end.toordinal())
        heads = [g[0] for g in self._groups_of(np.flatnonzero(inside)) if inside[g[0]]]
        if rule.key() == self._rule:
            about = np.array([[bool(self._about[m] >> j & 1) for j in range(len(topics))] for m in heads],
                             dtype=bool).reshape(len(heads), len(topics))
        else:  # another rule than the index's: judged on the articles themselves
            about = self._about_of(rule, heads)
        return counted(span, [dt.date.fromordinal(int(self._days[m])) for m in heads], about, topics)

    def _about_of(self, rule: AboutRule, members: list[int]) -> np.ndarray:
        """Whether each of ``members`` is about each topic by ``rule``, judged on its text."""
        self._parse(self._file_of[members])
        return rule.about([self._article(m) for m in members])

    def _undated(self) -> list[str]:
        undated = self._days == _NO_DATE
        return [self._paths[self._file_of[m]] for group in self._groups_of(np.flatnonzero(undated))
                for m in self._kept(group) if undated[m]]

    # --- groups of near-duplicates -------------------------------------------------------

    def _edge_date(self, newest: bool, upto: dt.date | None = None, kept: bool = False) -> dt.date | None:
        """The newest (or oldest) date, ``upto`` a day if given, of an article that is the first
        of its group (``kept``: that is kept in its group)."""
        days = np.unique(self._days[(self._days != _NO_DATE) & (self._days <= (upto.toordinal() if upto else self._days.max(initial=0)))])
        for day in days[::-1] if newest else days:
            candidates = np.flatnonzero(self._days == day)
            for group in self._groups_of(candidates):
                if any(self._days[m] == day for m in (self._kept(group) if kept else group[:1])):
                    return dt.date.fromordinal(int(day))
        return None

    def _groups_of(self, members: np.ndarray) -> list[list[int]]:
        """The groups of near-duplicates ``members`` belong to, in corpus order (each group's
        members in corpus order)."""
        if self._neighbours is None:
            self._link()
        unknown = [int(m) for m in members if int(m) not in self._group]
        if unknown:
            self._follow(unknown)
        groups = {self._group[int(m)][0]: self._group[int(m)] for m in members}
        return [groups[head] for head in sorted(groups)]

    def _link(self) -> None:
        """The likely pairs of the whole corpus (as :func:`briefgen.dedupe.duplicate_groups` finds
        them: kept in the index's snapshot, else worked out from the stored signatures,
        :func:`~briefgen.corpus_index.store.likely_of`), as each article's neighbours."""
        n = len(self._ids)
        pairs = self._pairs if self._pairs is not None else likely_of(self._signatures, self._words)
        both = np.concatenate((pairs, pairs[:, ::-1]))
        self._neighbours = csr_matrix((np.ones(len(both), dtype=np.int8), (both[:, 0], both[:, 1])), shape=(n, n))

    def _follow(self, start: list[int]) -> None:
        """Settle the groups of the articles ``start``: from each, follow the likely pairs whose
        words are near-duplicates (:func:`briefgen.dedupe.duplicate_groups`'s test), parsing the
        articles met on the way (an article without a likely pair is not read: it is a group
        alone). A group is every article so reached (the groups do not depend
        on the order in which pairs are confirmed)."""
        graph = self._neighbours
        assert graph is not None
        parent = {m: m for m in start}

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        frontier = [m for m in start if graph.indptr[m] < graph.indptr[m + 1]]  # a lone article is a group alone, unread
        while frontier:
            near = {int(j) for i in frontier for j in graph.indices[graph.indptr[i]:graph.indptr[i + 1]]}
            self._parse(self._file_of[sorted(set(frontier) | near)])
            self._compare([(i, int(j)) for i in frontier for j in graph.indices[graph.indptr[i]:graph.indptr[i + 1]]])
            following = []
            for i in frontier:
                for j in graph.indices[graph.indptr[i]:graph.indptr[i + 1]].tolist():
                    if j in parent and root(i) == root(j):
                        continue
                    if self._similar(i, j):
                        if j not in parent:
                            parent[j] = j
                            following.append(j)
                        a, b = root(i), root(j)
                        parent[max(a, b)] = min(a, b)
            frontier = following
        groups: dict[int, list[int]] = {}
        for m in sorted(parent):
            groups.setdefault(root(m), []).append(m)
        for group in groups.values():
            for m in group:
                self._group[m] = group

    def _compare(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Told the likely pairs that :meth:`_similar` may be asked about next (all of them, and
        some more): here, nothing to do (a subclass judges them at once, where the texts are)."""

    def _similar(self, i: int, j: int) -> bool:
        return jaccard(self._shingles(i), self._shingles(j)) >= THRESHOLD

    def _shingles(self, m: int) -> np.ndarray:
        if m not in self._shingled:
            self._shingled[m] = shingles([self._article(m).text]).of(0)
        return self._shingled[m]

    def _kept(self, group: list[int]) -> list[int]:
        """The members of ``group`` kept (:func:`briefgen.load.kept_members`)."""
        return kept_members(group, self._sources, self._digests.__getitem__)

    # --- parsing -------------------------------------------------------------------------

    def _article(self, m: int) -> Article:
        article = self._parsed[int(self._file_of[m])][self._seq_of[m]]
        return article if article.id == self._ids[m] else replace(article, id=self._ids[m])

    def _parse(self, files: Iterable[int]) -> None:
        """The articles of ``files`` (not parsed yet): from the texts the index keeps, else read
        and parsed; :class:`Stale` when a file read is not what the index holds."""
        todo = sorted({int(f) for f in files} - set(self._parsed))
        if not todo:
            return
        self._ask(self._digests[m] for f in todo for m in range(self._first[f], self._first[f + 1]))
        unread = []
        for f in todo:
            members = range(self._first[f], self._first[f + 1])
            texts = [self._texts.get(self._digests[m]) for m in members]
            if all(texts) and self._stamps[f] is not None:
                path = str(Path(self._paths[f]))
                stamp = Stamp.of(path)
                if stamp is None or stamp.text != self._stamps[f]:
                    raise Stale(printable(self._paths[f]))
                self._parsed[f] = [Article(self._loaded_ids[m], self._titles[m], self._sources[m], self._date(m),
                                           self._urls[m], path, kept.text)
                                   for m, kept in zip(members, texts, strict=True) if kept is not None]
            else:
                unread.append(f)
        todo = unread
        if not todo:
            return
        jobs = [(Path(self._paths[f]), self._sha256[f], self.folder, self._max_bytes, self._max_seconds) for f in todo]
        progress = self._progress("Loading articles") if self._progress else None
        for f, found in zip(todo, map_items(parse_job, jobs, self._jobs, progress), strict=True):
            self._keep(f, found.articles if found is not None else None)

    def _keep(self, f: int, articles: list[Article] | None) -> None:
        """Keep the ``articles`` parsed of the file ``f`` (``None``: its bytes are not those the
        index holds); :class:`Stale` when they are not the articles the index holds of it."""
        members = range(self._first[f], self._first[f + 1])
        if articles is None or [a.id for a in articles] != [self._loaded_ids[m] for m in members] or any(
                a.date != self._date(m) for a, m in zip(articles, members, strict=True)):
            raise Stale(printable(self._paths[f]))
        self._parsed[f] = articles


def parse_job(job: tuple[Path, bytes, Path, int, float]) -> FileResult | None:
    """A file's articles, parsed again (within ``max_seconds``, :func:`briefgen.load.parse_file`);
    ``None`` when its bytes are not those the index holds."""
    path, sha256, folder, max_bytes, max_seconds = job
    try:
        raw = read_file(path, max_bytes, folder)
    except ArticleError:
        return None
    if hashlib.sha256(raw).digest() != sha256:
        return None
    try:
        return parse_file(raw, path, corpus_id(path, folder), printable(path), max_seconds)
    except ArticleError:
        return None
