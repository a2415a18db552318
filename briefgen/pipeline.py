"""The briefing pipeline: stories, split → score → rank → select → assemble, on loaded articles.

:func:`build_briefing` runs the stages on the articles of one date window; the command line's
``daily`` goes through :func:`briefgen.daily.run_daily`, which loads, builds and renders.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from briefgen.assemble import Holding, assemble, story_id, text_holding, verify, with_copies
from briefgen.config import Options, RankingOptions
from briefgen.learn import article_text, model_for
from briefgen.models import Article, Briefing, History, Item, Section, Sentence
from briefgen.parallel import Progress, map_items
from briefgen.rank import (
    biased_lexrank,
    blend,
    lead_prior,
    lead_share,
    points_back,
    position_prior,
    recency_prior,
    similarity_graph,
)
from briefgen.score import TermMatrix, compile_topic, relevance, term_matrix, transform
from briefgen.select import Pick, Ranking, Selector, on_topic, select
from briefgen.split import split_article
from briefgen.stories import StorySettings, article_key, group_articles

log = logging.getLogger(__name__)

TOPIC_SHARE = 0.5  # a sentence competes in every topic where it is at least this share of its best
SECOND_BULLET_FROM = 3  # articles a story needs for a second bullet (one with a figure the first lacks)
ABOUT_SHARE = 1 / 3  #: share of an article's sentences on a topic that make it about the topic (:func:`article_topics`)
HOME_SHARE = 0.2  #: share of an article's sentences on its story's home topic, in one article at least (:func:`story_homes`)
POINTING_BACK = 0.5  # the bias of a sentence that opens by pointing back, beside 1 (it still lends centrality)


@dataclass(frozen=True)
class Candidates:
    """The sentences that may become bullets, with their matrices."""

    sentences: list[Sentence]
    matrix: TermMatrix
    relevance: np.ndarray  #: sentences × topics
    article_index: np.ndarray  #: index into the article list of each sentence
    standalone: np.ndarray  #: False where a sentence opens by pointing back (never a bullet)
    keys: list[str]  #: each article's title and lead (:func:`briefgen.stories.article_key`)


def candidates(articles: Sequence[Article], options: Options, jobs: int = 1,
               progress: Progress[list[Sentence]] | None = None) -> Candidates:
    """Split the articles (over ``jobs`` processes) and score every reportable sentence against
    every topic; each article's story key (title and lead) is taken from the same split."""
    limits = options.ranking
    sentences: list[Sentence] = []
    article_index: list[int] = []
    keys: list[str] = []
    for index, article_sentences in enumerate(map_items(split_article, articles, jobs, progress)):
        keys.append(article_key(articles[index], article_sentences))
        for sentence in article_sentences:
            if not sentence.is_heading and limits.min_words <= len(sentence.text.split()) <= limits.max_words:
                sentences.append(sentence)
                article_index.append(index)
    matrix = term_matrix([s.text for s in sentences])
    topics = [compile_topic(t) for t in options.topics]
    owner = np.array(article_index, dtype=np.int64)
    scores = relevance(matrix, topics)
    for j, topic in enumerate(options.topics):
        model = model_for(topic)
        if model is not None and len(owner):  # the section draws on the articles the model accepts
            about = model.predict([article_text(a) for a in articles])
            scores[~about[owner], j] = 0.0
            log.info("topic %s: its model accepts %d of %d articles", topic.name, int(about.sum()), len(articles))
    standalone = np.array([not points_back(s.text) for s in sentences], dtype=bool)
    return Candidates(sentences, matrix, scores, owner, standalone, keys)


def article_topics(relevance: np.ndarray, owner: np.ndarray, articles: int) -> tuple[np.ndarray, np.ndarray]:
    """How much each article reports on each topic, from its candidate sentences' ``relevance``
    (``owner``: each one's article): the share of its sentences that are candidates of the topic
    (relevant to it, and at least :data:`TOPIC_SHARE` of their best topic), articles × topics;
    and whether it is about the topic: at least :data:`ABOUT_SHARE` of its sentences are, and
    at least two (one, in an article of one sentence). An article that names a topic in a
    sentence or two in passing is not about it."""
    topics = relevance.shape[1] if relevance.ndim == 2 else 0
    if not len(owner) or not topics:
        return np.zeros((articles, topics)), np.zeros((articles, topics), dtype=bool)
    best = relevance.max(axis=1, keepdims=True)
    candidate = (relevance > 0) & (relevance >= TOPIC_SHARE * best)
    sentences = np.bincount(owner, minlength=articles).astype(np.float64)[:, None]
    counts = np.stack([np.bincount(owner, weights=candidate[:, j], minlength=articles) for j in range(topics)], axis=1)
    share = counts / np.maximum(sentences, 1.0)
    return share, (share >= ABOUT_SHARE - 1e-9) & (counts >= np.minimum(2, sentences)) & (counts > 0)


def story_homes(share: np.ndarray, story_of: np.ndarray, stories: int) -> np.ndarray:
    """Each story's home: the topic its articles report on most (the sum of their shares,
    :func:`article_topics`), when one of them gives it at least :data:`HOME_SHARE` of its
    sentences; -1 for a story that reports on no topic that much."""
    weight = np.zeros((stories, share.shape[1]))
    np.add.at(weight, story_of, share)
    home = np.argmax(weight, axis=1) if weight.size else np.zeros(stories, dtype=np.int64)
    strongest = np.zeros(stories)
    if len(story_of) and share.size:
        np.maximum.at(strongest, story_of, share[np.arange(len(story_of)), home[story_of]])
    return np.where(strongest >= HOME_SHARE, home, -1)


def rank_topics(pool: Candidates, articles: Sequence[Article], options: Options, end: dt.date) -> list[Ranking]:
    """One ranking per topic: biased LexRank over the topic's candidate sentences, blended with
    the articles' leads as much as the section is short beside its candidates
    (:func:`briefgen.rank.lead_share`: a section of 5 bullets from 40 candidates takes leads)."""
    ranking_options: RankingOptions = options.ranking
    rel = pool.relevance
    best = rel.max(axis=1) if rel.size else np.zeros(0)
    positions = np.array([s.position for s in pool.sentences], dtype=np.float64)
    age = np.array([(end - (a.date or end)).days for a in articles], dtype=np.float64)[pool.article_index] if len(pool.article_index) else np.zeros(0)
    recency = recency_prior(age, ranking_options.recency)
    texts = [s.text for s in pool.sentences]
    prior = position_prior(positions, ranking_options.position_weight) * np.where(pool.standalone, 1.0, POINTING_BACK) * recency
    lead = lead_prior(texts, pool.article_index, ranking_options.min_words) * recency
    rankings = []
    for j, topic in enumerate(options.topics):
        rows = np.flatnonzero((rel[:, j] > 0) & (rel[:, j] >= TOPIC_SHARE * best)) if rel.size else np.zeros(0, dtype=np.int64)
        if len(rows) == 0:
            rankings.append(Ranking(topic.name, rows, np.zeros(0)))
            continue
        bias = rel[rows, j] / rel[rows, j].max() * prior[rows]
        if len(rows) > ranking_options.pool_size:  # keep the graph small: the likeliest candidates
            keep = likeliest(bias, ranking_options.pool_size)
            rows, bias = rows[keep], bias[keep]
        rankings.append(rank_rows(topic.name, rows, bias, pool.matrix.counts[rows], lead[rows] * rel[rows, j], options))
    return rankings


def likeliest(bias: np.ndarray, size: int) -> np.ndarray:
    """The indexes of the ``size`` highest ``bias`` values (the first on a tie), in order."""
    return np.sort(np.argsort(-bias, kind="stable")[:size])


def rank_rows(topic: str, rows: np.ndarray, bias: np.ndarray, counts: sp.csr_matrix, lead: np.ndarray,
              options: Options) -> Ranking:
    """A topic's ranking of its candidate ``rows``: biased LexRank over their ``counts``, blended
    with their ``lead`` (lead prior × relevance) as much as the section is short beside them."""
    ranking_options = options.ranking
    graph = similarity_graph(counts, ranking_options.similarity_threshold)
    scores = biased_lexrank(graph, bias, ranking_options.damping)
    share = lead_share(options.items_per_section, len(rows), ranking_options.lead_until, ranking_options.central_from)
    if share > 0:
        scores = blend(scores, lead, share)
    return Ranking(topic, rows, scores / scores.max())


def history_similarity(pool: Candidates, history: Sequence[str]) -> np.ndarray:
    """Each candidate's highest cosine similarity to a sentence reported before."""
    if not history or not pool.sentences:
        return np.zeros(len(pool.sentences))
    similarity = pool.matrix.tfidf @ transform(pool.matrix, history).T
    return np.asarray(similarity.max(axis=1).todense()).ravel()


def figures(text: str) -> set[str]:
    """The numbers a sentence states ("3,000", "17", "2027")."""
    return {m.replace(",", "") for m in re.findall(r"\d[\d,.]*\d|\d", text)}


def story_size(articles: Sequence[Article]) -> tuple[int, int, int]:
    """How big a story of ``articles`` is: its outlets, its articles (merged copies counted) and
    its last day (an ordinal; 0 when no article is dated)."""
    members = with_copies(articles)
    outlets = {a.source.casefold() or a.id for a in members}
    return len(outlets), len(members), max((a.date.toordinal() for a in members if a.date), default=0)


def build_briefing(
    articles: Sequence[Article],
    options: Options,
    date: dt.date,
    start: dt.date,
    end: dt.date,
    jobs: int = 1,
    history: History | None = None,
    progress: Progress[list[Sentence]] | None = None,
) -> Briefing:
    """The briefing of ``articles`` (already limited to the window from ``start`` to ``end``).

    The articles are grouped into stories (:func:`briefgen.stories.group_articles`); each topic's
    candidates are ranked (:func:`rank_topics`) and the bullets chosen by :func:`finish`.
    A sentence that opens by pointing back ("He said…", "The move…") is never a bullet.
    """
    history = history or History()
    pool = candidates(articles, options, jobs, progress)
    groups = group_articles(articles, StorySettings(options.stories.lift, options.stories.time_scale), pool.keys)
    rankings = rank_topics(pool, articles, options, end)

    def make_selector(story_of: np.ndarray, second: Callable[[int, int], bool]) -> Selector:
        return Selector(pool.matrix.tfidf, pool.article_index, options.ranking.redundancy, options.ranking.duplicate,
                        story_of, second)

    seen = history_similarity(pool, history.sentences)
    topic_of = np.argmax(pool.relevance, axis=1) if pool.relevance.size else np.zeros(len(pool.sentences), dtype=np.int64)
    share, about = article_topics(pool.relevance, pool.article_index, len(articles))
    return finish(rankings, pool.standalone, pool.article_index, pool.sentences.__getitem__, topic_of, share, about,
                  seen, make_selector, groups, articles, history, options, date, start, end, text_holding(articles))


def finish(rankings: list[Ranking], standalone: np.ndarray, article_index: np.ndarray, sentence: Callable[[int], Sentence],
           topic_of: np.ndarray, share: np.ndarray, about: np.ndarray, seen: np.ndarray, make_selector: Callable[[np.ndarray, Callable[[int, int], bool]], Selector],
           groups: list[list[int]], articles: Sequence[Article], history: History, options: Options, date: dt.date,
           start: dt.date, end: dt.date, holding: Holding) -> Briefing:
    """The briefing from each topic's ranking of the candidate sentences (:func:`build_briefing`
    after the rankings). ``standalone``, ``article_index``, ``topic_of`` (the topic each is most
    relevant to) and ``seen`` (the similarity to the previous briefing) are per sentence of the
    window, ``sentence(row)`` gives one, ``share`` and ``about`` say how much each article
    reports on each topic (:func:`article_topics`), ``groups`` are the stories;
    ``make_selector`` makes the
    :class:`~briefgen.select.Selector` given each sentence's story and the test of a story's
    second bullet; ``holding`` says which articles hold a sentence (:data:`~briefgen.assemble.Holding`).

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
    story_of = np.zeros(len(articles), dtype=np.int64)
    for index, group in enumerate(groups):
        story_of[group] = index
    row_story = story_of[article_index]
    home = story_homes(share, story_of, len(groups))
    rankings = on_topic([r.keeping(standalone) for r in rankings], row_story, home, topic_of, about[article_index])
    members = [with_copies([articles[i] for i in g]) for g in groups]
    big = np.array([len(m) >= SECOND_BULLET_FROM for m in members], dtype=bool)

    def adds_a_figure(first: int, row: int) -> bool:
        """A story of several articles may have a second bullet that holds a figure the first lacks."""
        return bool(big[row_story[first]]) and bool(figures(sentence(row).text) - figures(sentence(first).text))

    selector = make_selector(row_story, adds_a_figure)
    repeated = np.flatnonzero(seen >= options.ranking.duplicate)
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
    key_picks, section_picks = select(selector, rankings, options.key_points, options.items_per_section,
                                      [story_size([articles[i] for i in group]) for group in groups], home)
    picks = [p for _, p in key_picks] + [p for ps in section_picks.values() for p in ps]
    cited = cite(picks, sentence, article_index, members, row_story, holding)

    def item(pick: Pick, topic: str, key_point: bool = False) -> Item:
        index = int(row_story[pick.row])
        developing = bool(newer[article_index[pick.row]] and (reported_before[index] or seen[pick.row] >= options.ranking.developing))
        ids, also = cited[pick.row]
        return Item(sentence(pick.row).text, ids, round(pick.score, 4), developing,
                    history.date if developing else None, story_id(index), topic if key_point else "", also=also)

    sections = [
        Section(topic.name, topic.title, tuple(item(p, topic.name) for p in section_picks[topic.name]))
        for topic in options.topics
    ]
    briefing = assemble(options.title, date, start, end, articles, [item(p, topic, True) for topic, p in key_picks], sections,
                        options.empty_section, groups)
    verify(briefing, holding)
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


def cite(picks: Sequence[Pick], sentence: Callable[[int], Sentence], article_index: np.ndarray,
         members: Sequence[Sequence[Article]], row_story: np.ndarray, holding: Holding) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each pick's row, the articles that hold its sentence (its own first, then those of
    the near-duplicate sentences the selector found, then the rest of its story, each with the
    copies merged into it) and the other articles of its story, which report it in other words.
    ``holding`` is asked once for every pair."""
    asked: dict[int, list[str]] = {}
    for pick in picks:
        near = [a.id for r in pick.cited_rows for a in _with_own_copies(members, row_story[r], sentence(r).article_id)]
        story = [a.id for a in members[int(row_story[pick.row])]]
        asked[pick.row] = list(dict.fromkeys([*near, *story]))
    pairs = [(article_id, sentence(row).text) for row, ids in asked.items() for article_id in ids]
    holds = dict(zip(pairs, holding(pairs), strict=True))
    cited = {}
    for row, ids in asked.items():
        text = sentence(row).text
        own = {a.id for a in members[int(row_story[row])]}
        cited[row] = (tuple(i for i in ids if holds[i, text]), tuple(i for i in ids if not holds[i, text] and i in own))
    return cited


def _with_own_copies(members: Sequence[Sequence[Article]], story: int, article_id: str) -> list[Article]:
    """The article ``article_id`` of the story's ``members`` and the copies merged into it."""
    found = next((a for a in members[int(story)] if a.id == article_id), None)
    return [found, *found.also_in] if found is not None else []
