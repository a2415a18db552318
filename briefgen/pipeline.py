"""The briefing pipeline: split → score → rank → select → assemble, on the articles of a window.

:func:`brief_parts` runs the map steps of :mod:`briefgen.stages` over the window's parts through
a :class:`Mapper` (:class:`Here`: in this process, over one part that holds the whole window;
:class:`briefgen.engine.briefing.OnCluster`: on a Dask cluster, over runs of articles), and does
the reductions, the ranking (:func:`rank_pools`) and the selection (:func:`finish`) itself:
the local run and the cluster share every line of it. :func:`build_briefing` is the briefing
of a list of articles here; the command line's ``daily`` goes through
:func:`briefgen.daily.run_daily`, which loads, builds and renders.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from briefgen.assemble import Holds, TextHolding, assemble, story_id, verify, with_copies
from briefgen.config import Options
from briefgen.models import Article, Briefing, History, Item, Section, Sentence
from briefgen.parallel import Progress
from briefgen.rank import centrality, ranked
from briefgen.score import Frequencies, vocabulary
from briefgen.select import Pick, Ranking, Selector, on_topic, select
from briefgen.stages import (
    Found,
    Rows,
    Settings,
    about_of,
    best_of,
    close_to,
    frequencies,
    keys_of,
    likeliest_of,
    owners_of,
    pool,
    rows_of,
    score_part,
    split_of,
    split_part,
)
from briefgen.stories import StorySettings, group_articles
from briefgen.text.split import Split

log = logging.getLogger(__name__)

__all__ = ["Here", "Mapper", "Selection", "Window", "brief_parts", "build_briefing", "finish"]

GATHERED_AT_ONCE = 16  #: tasks' results the driver takes in at once (:func:`gathered`)
SECOND_BULLET_FROM = 3  # articles a story needs for a second bullet (one with a figure the first lacks)
HOME_SHARE = 0.2  #: share of an article's sentences on its story's home topic, in one article at least (:func:`story_homes`)

Close = Mapping[int, tuple[np.ndarray, np.ndarray]]  #: per candidate row, the window rows close to it and their cosines


class Mapper(Protocol):
    """Where the map steps of :func:`brief_parts` run: here, one part after the other
    (:class:`Here`), or on the workers of a Dask cluster
    (:class:`briefgen.engine.briefing.OnCluster`). A *handle* is what ``submit`` returns: the
    result itself here, a future on the cluster."""

    def split(self, parts: Sequence[Any], settings: Settings) -> list[Any]:
        """:func:`~briefgen.stages.split_part` of each part (a handle of a run of articles)."""

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        """A handle of ``function(*args)``, whose arguments may be handles."""

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        """The results of ``handles``."""

    def share(self, value: Any) -> Any:
        """A handle of ``value`` that every map step may take."""

    def stage(self, name: str, started: float, what: str) -> None:
        """A stage is done (it started at ``started``, :func:`time.perf_counter`)."""

    def stories(self, split: Sequence[Any], articles: Sequence[Article], settings: StorySettings) -> list[list[int]]:
        """The window's ``articles`` grouped into stories (:func:`briefgen.stories.group_articles`;
        ``split``: the handles of its split runs)."""


@dataclass(frozen=True)
class Here:
    """:class:`Mapper` of this process: the parts are split over ``jobs`` processes (with a
    ``progress`` bar), but for the articles whose sentences ``known`` gives (the corpus
    index's, :meth:`briefgen.corpus_index.IndexedCorpus.sentences`); those split are given to
    ``remember`` (the corpus read whole keeps them for the coverage chart,
    :meth:`briefgen.load.LoadResult.remember`). Every other step runs in place."""

    jobs: int = 1
    progress: Progress[Split] | None = None
    known: Callable[[Sequence[Article]], list[Split | None]] | None = None
    remember: Callable[[Sequence[Article], Sequence[Split]], None] | None = None

    def split(self, parts: Sequence[Any], settings: Settings) -> list[Any]:
        return [split_part(part, settings, self.jobs, self.progress, self.known(part) if self.known else None, self.remember)
                for part in parts]

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        return function(*args)

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        return list(handles)

    def share(self, value: Any) -> Any:
        return value

    def stage(self, name: str, started: float, what: str) -> None:
        log.debug("stage %s: %.3f s (%s)", name, time.perf_counter() - started, what)

    def stories(self, split: Sequence[Any], articles: Sequence[Article], settings: StorySettings) -> list[list[int]]:
        keys = [key for part in split for key in keys_of(part)]
        return group_articles(articles, settings, keys)


@dataclass(frozen=True)
class Window:
    """What a briefing is of: the ``articles`` dated from ``start`` to ``end`` (a briefing of
    ``date``), and what the previous briefing reported (``history``)."""

    articles: Sequence[Article]
    date: dt.date
    start: dt.date
    end: dt.date
    history: History = History()


@dataclass(frozen=True)
class Selection:
    """The window's sentences as :func:`finish` reads them: arrays by window row (exact at the
    candidates' rows, and ``seen`` wherever it reaches ``duplicate``), ``share`` and ``about``
    by article (:func:`briefgen.about.article_topics`)."""

    rankings: list[Ranking]  #: one a topic
    sentences: Mapping[int, Sentence]  #: the candidates, and the sentences close to one
    article_index: np.ndarray  #: each row's article
    standalone: np.ndarray  #: False where a sentence opens by pointing back (never a bullet)
    topic_of: np.ndarray  #: the topic each row is most relevant to
    seen: np.ndarray  #: the similarity to the previous briefing
    tfidf: sp.csr_matrix  #: the candidates' rows (the others empty)
    close: Close  #: the rows close to each candidate
    share: np.ndarray
    about: np.ndarray
    groups: list[list[int]]  #: the stories


def build_briefing(
    articles: Sequence[Article],
    options: Options,
    date: dt.date,
    start: dt.date,
    end: dt.date,
    jobs: int = 1,
    history: History | None = None,
    progress: Progress[Split] | None = None,
) -> Briefing:
    """The briefing of ``articles`` (already limited to the window from ``start`` to ``end``),
    in this process (:func:`brief_parts` over one part: the whole window; split over ``jobs``
    processes)."""
    window = Window(articles, date, start, end, history or History())
    return brief_parts(Here(jobs, progress), [articles], window, Settings.of(options), TextHolding(articles))


def brief_parts(mapper: Mapper, parts: Sequence[Any], window: Window, settings: Settings, texts: Holds) -> Briefing:
    """The briefing of the ``window``, whose articles ``parts`` holds (handles of runs of them,
    in order), the map steps run by ``mapper`` (:mod:`briefgen.stages`), the reductions here:

    1. split, and the window's term weights (:func:`_weighed`);
    2. score, and the pool of each topic's likeliest candidates (:func:`_pooled`);
    3. rank each pool (:func:`rank_pools`);
    4. the sentences that say what a candidate says, the stories, and what selection reads
       (:func:`_selection`); the bullets chosen by :func:`finish`, ``texts`` saying which
       articles hold a sentence.

    A sentence that opens by pointing back ("He said…", "The move…") is never a bullet.
    """
    started = time.perf_counter()
    split = mapper.split(parts, settings)
    weighed = _weighed(mapper, split, window, settings)
    split = [mapper.submit(split_of, part) for part in weighed.scored]  # as the scored parts keep them: the split's own go
    mapper.stage("split", started, f"{len(window.articles)} articles, {weighed.total} sentences, {weighed.stems} stems, "
                                   f"{len(split)} tasks")
    started = time.perf_counter()
    pooled = _pooled(mapper, weighed, settings)
    mapper.stage("score", started, f"{len(pooled.fetched.rows)} candidates fetched")
    started = time.perf_counter()
    rankings = rank_pools(pooled.pools, pooled.fetched, settings)
    mapper.stage("rank", started, f"{sum(len(r.rows) for r in rankings)} candidates ranked")
    selection = _selection(mapper, split, weighed, pooled, rankings, window, settings)
    started = time.perf_counter()
    briefing = finish(selection, window, settings, texts)
    mapper.stage("select", started, f"{len(briefing.sources)} sources cited")
    return briefing


@dataclass(frozen=True)
class _Weighed:
    """The window's parts scored with its term weights (handles), and where each begins."""

    scored: list[Any]
    offsets: np.ndarray  #: the window row of each part's first sentence, and the number of rows last
    stems: int  #: the vocabulary's size
    width: int  #: the term matrices' columns

    @property
    def total(self) -> int:
        return int(self.offsets[-1])


def _weighed(mapper: Mapper, split: Sequence[Any], window: Window, settings: Settings) -> _Weighed:
    """The window's vocabulary and IDF reduced from the parts' stem frequencies, and each part
    scored with them (:func:`briefgen.stages.score_part`)."""
    texts: list[int] = []  # of each part, as its counts are folded in

    def counted() -> Iterator[Frequencies]:
        for found in gathered(mapper.gather, [mapper.submit(frequencies, part) for part in split]):
            texts.append(found.texts)
            yield found

    columns, idf = vocabulary(counted())
    weights = mapper.share((columns, idf))
    offsets = np.concatenate(([0], np.cumsum(texts))).astype(np.int64)
    article_offsets = np.cumsum([0] + mapper.gather([mapper.submit(owner_count, part) for part in split]))
    scored = [mapper.submit(score_part, part, int(offsets[k]), int(article_offsets[k]), weights, settings, window.end,
                            list(window.history.sentences)) for k, part in enumerate(split)]
    return _Weighed(scored, offsets, len(columns), len(idf))


@dataclass(frozen=True)
class _Pooled:
    pools: list[Found]  #: per topic, its likeliest candidates (window rows, bias)
    repeated: list[Found]  #: per part, the rows that repeat the previous briefing and their similarity to it
    fetched: Rows  #: every candidate's text and term rows


def _pooled(mapper: Mapper, weighed: _Weighed, settings: Settings) -> _Pooled:
    """Each topic's ``pool_size`` likeliest candidates of the window (the parts' reduced), and
    their rows fetched."""
    ranking, topics, scored = settings.ranking, len(settings.topics), weighed.scored
    top = (np.max(np.stack(mapper.gather([mapper.submit(best_of, part) for part in scored])), axis=0)
           if scored else np.zeros(topics))
    found = mapper.gather([mapper.submit(likeliest_of, part, top, ranking.pool_size, ranking.duplicate) for part in scored])
    pools = pool([f[0] for f in found], topics, ranking.pool_size)
    wanted = np.unique(np.concatenate([rows for rows, _ in pools] + [np.zeros(0, dtype=np.int64)]))
    return _Pooled(pools, [f[1] for f in found], _fetch(mapper, scored, weighed.offsets, wanted))


def _selection(mapper: Mapper, split: Sequence[Any], weighed: _Weighed, pooled: _Pooled, rankings: list[Ranking],
               window: Window, settings: Settings) -> Selection:
    """What :func:`finish` reads: the arrays by window row (exact at the candidates' rows), the
    sentences close to a candidate (:func:`_close`), the stories, what each article reports on."""
    started = time.perf_counter()
    total, fetched, topics = weighed.total, pooled.fetched, len(settings.topics)
    standalone = np.ones(total, dtype=bool)  # read only at candidates' rows
    standalone[fetched.rows] = fetched.standalone
    seen = np.zeros(total)  # exact at candidates' rows and where it reaches ``duplicate``
    seen[fetched.rows] = fetched.seen
    for repeated, values in pooled.repeated:
        seen[repeated] = values
    article_index = np.concatenate([np.zeros(0, dtype=np.int64)] + mapper.gather([mapper.submit(owners_of, part)
                                                                                  for part in weighed.scored]))
    tfidf = (_rows_matrix(fetched.tfidf, fetched.rows, total) if len(fetched.rows)
             else sp.csr_matrix((total, weighed.width)))
    close, met = (_close(mapper, weighed.scored, fetched.tfidf, fetched.rows, settings.ranking.duplicate)
                  if len(fetched.rows) else ({}, {}))
    mapper.stage("copies", started, f"{len(met)} sentences close to a candidate")
    started = time.perf_counter()
    groups = mapper.stories(split, window.articles, settings.stories)
    mapper.stage("stories", started, f"{len(groups)} stories")
    reports = mapper.gather([mapper.submit(about_of, part) for part in weighed.scored])
    share = np.concatenate([np.zeros((0, topics))] + [c for c, _ in reports])
    about = np.concatenate([np.zeros((0, topics), dtype=bool)] + [a for _, a in reports])
    topic_of = np.full(total, -1, dtype=np.int64)  # read only at candidates' rows
    if len(fetched.rows):
        topic_of[fetched.rows] = np.argmax(fetched.relevance, axis=1)
    sentences = dict(zip(fetched.rows.tolist(), fetched.sentences, strict=True))
    sentences.update(met)
    return Selection(rankings, sentences, article_index, standalone, topic_of, seen, tfidf, close, share, about, groups)


def gathered(gather: Callable[[Sequence[Any]], list[Any]], handles: list[Any], at_once: int = GATHERED_AT_ONCE) -> Iterator[Any]:
    """The results of ``handles`` (a list the caller gives up) in order, ``gather``-ed
    ``at_once`` at a time, each handle let go once gathered: on a cluster, the driver holds a
    few tasks' results at a time, not all of them (a part's stem counts, a loading partition's
    metadata: hundreds of kilobytes each)."""
    for start in range(0, len(handles), at_once):
        got = gather(handles[start:start + at_once])
        handles[start:start + len(got)] = [None] * len(got)
        yield from got


def owner_count(part: Any) -> int:
    """How many articles a split part holds."""
    return len(part.articles)


def rank_pools(pools: Sequence[Found], fetched: Rows, settings: Settings) -> list[Ranking]:
    """One ranking per topic of its pool of candidates (window rows and bias, whose term rows
    ``fetched`` holds): :func:`rank_rows`, the lead being the lead prior × the relevance."""
    local = {int(r): k for k, r in enumerate(fetched.rows)}
    rankings = []
    for j, topic in enumerate(settings.topics):
        rows, bias = pools[j]
        if len(rows) == 0:
            rankings.append(Ranking(topic.name, rows, np.zeros(0)))
            continue
        at = np.array([local[int(r)] for r in rows], dtype=np.int64)
        rankings.append(rank_rows(topic.name, rows, bias, fetched.counts[at], fetched.lead[at] * fetched.relevance[at, j], settings))
    return rankings


def _fetch(mapper: Mapper, scored: Sequence[Any], offsets: np.ndarray, wanted: np.ndarray) -> Rows:
    """The rows ``wanted`` of the window, from the parts that hold them, in order."""
    handles = []
    for k, part in enumerate(scored):
        rows = wanted[(wanted >= offsets[k]) & (wanted < offsets[k + 1])]
        if len(rows):
            handles.append(mapper.submit(rows_of, part, rows))
    return Rows.joined(mapper.gather(handles))


def _rows_matrix(rows_tfidf: sp.csr_matrix, rows: np.ndarray, total: int) -> sp.csr_matrix:
    """A ``total``-row matrix holding ``rows_tfidf`` at ``rows`` (every other row empty)."""
    placed = sp.coo_matrix(rows_tfidf)
    return sp.csr_matrix((placed.data, (rows[placed.row], placed.col)), shape=(total, rows_tfidf.shape[1]))


def _close(mapper: Mapper, scored: Sequence[Any], candidates: sp.csr_matrix, rows: np.ndarray,
           duplicate: float) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], dict[int, Sentence]]:
    """For each candidate (``rows``, its TF-IDF ``candidates``), the sentences of the window whose
    cosine with it is at least ``duplicate`` (window rows, cosines), and those sentences."""
    shared = mapper.share(candidates)
    found: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    sentences: dict[int, Sentence] = {}
    for window_rows, which, values, met in mapper.gather([mapper.submit(close_to, part, shared, duplicate) for part in scored]):
        sentences.update(zip(window_rows.tolist(), met, strict=True))
        for k in np.unique(which).tolist():
            mine = which == k
            found.setdefault(int(rows[k]), []).append((window_rows[mine], values[mine]))
    return {row: (np.concatenate([r for r, _ in parts]), np.concatenate([v for _, v in parts]))
            for row, parts in found.items()}, sentences


def story_homes(share: np.ndarray, story_of: np.ndarray, stories: int) -> np.ndarray:
    """Each story's home: the topic its articles report on most (the sum of their shares,
    :func:`briefgen.about.article_topics`), when one of them gives it at least :data:`HOME_SHARE` of its
    sentences; -1 for a story that reports on no topic that much."""
    weight = np.zeros((stories, share.shape[1]))
    np.add.at(weight, story_of, share)
    home = np.argmax(weight, axis=1) if weight.size else np.zeros(stories, dtype=np.int64)
    strongest = np.zeros(stories)
    if len(story_of) and share.size:
        np.maximum.at(strongest, story_of, share[np.arange(len(story_of)), home[story_of]])
    return np.where(strongest >= HOME_SHARE, home, -1)


def rank_rows(topic: str, rows: np.ndarray, bias: np.ndarray, counts: sp.csr_matrix, lead: np.ndarray,
              settings: Settings) -> Ranking:
    """A topic's ranking of its candidate ``rows``: their centrality (:func:`briefgen.rank.centrality` over
    their ``counts``), blended with their ``lead`` (lead prior × relevance) as much as the
    section is short beside them (:func:`briefgen.rank.lead_share`: a section of 5 bullets from
    40 candidates takes leads)."""
    ranking = settings.ranking
    scores = ranked(centrality(counts, bias, ranking), lead, settings.items_per_section, ranking)
    return Ranking(topic, rows, scores / scores.max())


def figures(text: str) -> set[str]:
    """The numbers a sentence states ("3,000", "17", "2027")."""
    return {m.replace(",", "") for m in re.findall(r"\d[\d,.]*\d|\d", text)}


def story_size(articles: Sequence[Article]) -> tuple[int, int, int]:
    """How big a story of ``articles`` is: its outlets, its articles (merged copies counted) and
    its last day (an ordinal; 0 when no article is dated)."""
    members = with_copies(articles)
    outlets = {a.source.casefold() or a.id for a in members}
    return len(outlets), len(members), max((a.date.toordinal() for a in members if a.date), default=0)


def finish(selection: Selection, window: Window, settings: Settings, texts: Holds) -> Briefing:
    """The briefing from each topic's ranking of the candidate sentences (:func:`brief_parts`
    after the rankings): the ``selection``'s rankings, sentences and stories, of the
    ``window``'s articles; ``texts`` says which articles hold a sentence.

    A story's home section is the topic its articles report on most (:func:`story_homes`); it feeds
    that section and every other section that one of its articles is about with a sentence
    mainly about that section's topic (:func:`briefgen.select.on_topic`), with one bullet a
    section (two in a big story, the
    second with a figure the first lacks). What the previous briefing (``history``) reported is
    not news again: a sentence that repeats one of its sentences (cosine ≥ ``duplicate``) is left
    out, and so is every sentence of a story it reported that comes from an article dated on or
    before its date; such a story is marked developing, with that date, when an article of it is
    newer (as is a bullet close to a reported sentence, ≥ ``developing``, from a newer article).
    A section draws on the stories with an article newer than that briefing, and on the others
    (in an overlapping window, what it left out: its best story) only when it has none
    (:func:`_news_first`).
    A bullet cites the articles that hold its sentence; the story's other articles are shown
    apart as also reporting it (:func:`cite`). The briefing is checked before it is returned
    (:func:`briefgen.assemble.verify`).
    """
    articles, history, groups, ranking = window.articles, window.history, selection.groups, settings.ranking
    sentences, article_index, seen = selection.sentences, selection.article_index, selection.seen
    story_of = np.zeros(len(articles), dtype=np.int64)
    for index, group in enumerate(groups):
        story_of[group] = index
    row_story = story_of[article_index]
    home = story_homes(selection.share, story_of, len(groups))
    rankings = on_topic([r.keeping(selection.standalone) for r in selection.rankings], row_story, home, selection.topic_of,
                        selection.about[article_index])
    members = [with_copies([articles[i] for i in g]) for g in groups]
    big = np.array([len(m) >= SECOND_BULLET_FROM for m in members], dtype=bool)

    def adds_a_figure(first: int, row: int) -> bool:
        """A story of several articles may have a second bullet that holds a figure the first
        lacks (asked of every sentence of the story; only those at hand, candidates and
        sentences close to one, can ever be picked)."""
        return (row in sentences and bool(big[row_story[first]])
                and bool(figures(sentences[row].text) - figures(sentences[first].text)))

    selector = Selector(selection.tfidf, article_index, ranking.redundancy, ranking.duplicate, row_story, adds_a_figure,
                        selection.close)
    repeated = np.flatnonzero(seen >= ranking.duplicate)
    earlier_paths = set(history.articles)
    reported_before = np.zeros(len(groups), dtype=bool)  # stories the previous briefing reported
    reported_before[row_story[repeated]] = True
    for index, story in enumerate(members):
        reported_before[index] |= any(m.path in earlier_paths for m in story)
    newer = np.array([_newer(a, history.date) for a in articles], dtype=bool)  # dated after the previous briefing
    old_news = np.zeros(len(article_index), dtype=bool)
    old_news[repeated] = True
    old_news |= reported_before[row_story] & ~newer[article_index]
    fresh = np.zeros(len(groups), dtype=bool)  # stories with an article since the previous briefing
    fresh[story_of[newer]] = True
    rankings = [_news_first(r.keeping(~old_news), fresh[row_story], row_story) for r in rankings]
    key_picks, section_picks = select(selector, rankings, settings.key_points, settings.items_per_section,
                                      [story_size([articles[i] for i in group]) for group in groups], home)
    picks = [p for _, p in key_picks] + [p for ps in section_picks.values() for p in ps]
    cited = cite(picks, sentences, article_index, members, row_story, texts)

    def item(pick: Pick, topic: str, key_point: bool = False) -> Item:
        index = int(row_story[pick.row])
        developing = bool(newer[article_index[pick.row]] and (reported_before[index] or seen[pick.row] >= ranking.developing))
        ids, also = cited[pick.row]
        return Item(sentences[pick.row].text, ids, round(pick.score, 4), developing,
                    history.date if developing else None, story_id(index), topic if key_point else "", also=also)

    sections = [
        Section(topic.name, topic.title, tuple(item(p, topic.name) for p in section_picks[topic.name]))
        for topic in settings.topics
    ]
    briefing = assemble(settings.title, window.date, window.start, window.end, articles,
                        [item(p, topic, True) for topic, p in key_picks], sections, settings.empty_section, groups)
    verify(briefing, texts.holding)
    return briefing


def _news_first(ranking: Ranking, fresh: np.ndarray, story_of: np.ndarray) -> Ranking:
    """The ranking of its rows from stories with news since the previous briefing (``fresh``, a
    mask over all rows); when none is, the rows of its best story (``story_of``: each row's): a
    section is filled with what is new, and given one story the previous briefing left out
    only when nothing is."""
    if fresh[ranking.rows].any() or not len(ranking.rows):
        return ranking.keeping(fresh)
    best = ranking.rows[int(np.argmax(ranking.scores))]
    return ranking.keeping(story_of == story_of[best])


def _newer(article: Article, since: dt.date | None) -> bool:
    """Whether the article, or a copy merged into it, is dated after ``since`` (always, without it)."""
    return since is None or any(m.date is not None and m.date > since for m in (article, *article.also_in))


def cite(picks: Sequence[Pick], sentences: Mapping[int, Sentence], article_index: np.ndarray,
         members: Sequence[Sequence[Article]], row_story: np.ndarray, texts: Holds) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each pick's row, the articles that hold its sentence (its own first, then those of
    the near-duplicate sentences the selector found, then the rest of its story, each with the
    copies merged into it) and the other articles of its story, which report it in other words.
    ``texts`` is asked once for every pair."""
    asked: dict[int, list[str]] = {}
    for pick in picks:
        near = [a.id for r in pick.cited_rows for a in _with_own_copies(members, row_story[r], sentences[r].article_id)]
        story = [a.id for a in members[int(row_story[pick.row])]]
        asked[pick.row] = list(dict.fromkeys([*near, *story]))
    pairs = [(article_id, sentences[row].text) for row, ids in asked.items() for article_id in ids]
    holds = dict(zip(pairs, texts.holding(pairs), strict=True))
    cited = {}
    for row, ids in asked.items():
        text = sentences[row].text
        own = {a.id for a in members[int(row_story[row])]}
        cited[row] = (tuple(i for i in ids if holds[i, text]), tuple(i for i in ids if not holds[i, text] and i in own))
    return cited


def _with_own_copies(members: Sequence[Sequence[Article]], story: int, article_id: str) -> list[Article]:
    """The article ``article_id`` of the story's ``members`` and the copies merged into it."""
    found = next((a for a in members[int(story)] if a.id == article_id), None)
    return [found, *found.also_in] if found is not None else []
