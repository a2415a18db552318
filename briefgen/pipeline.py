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

from briefgen.assemble import assemble, story_id, with_copies
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
from briefgen.select import Pick, Ranking, Selector, in_best_section, select
from briefgen.split import split_article
from briefgen.stories import StorySettings, article_key, group_articles

log = logging.getLogger(__name__)

TOPIC_SHARE = 0.5  # a sentence competes in every topic where it is at least this share of its best
SECOND_BULLET_FROM = 3  # articles a story needs for a second bullet (one with a figure the first lacks)
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

    ``history`` is what the previous briefing reported: a candidate that repeats one of its
    sentences (cosine ≥ ``duplicate``) is left out. A bullet is marked developing, with the
    date of that briefing, when its story was reported there: its sentence is close to one
    reported (≥ ``developing``), a sentence of its story repeats one (≥ ``duplicate``), or an
    article of its story was cited or in a story reported there (a window of several days).
    A sentence that opens by pointing back ("He said…", "The move…") is never a bullet. The
    articles are grouped into stories (:func:`briefgen.stories.group_articles`): a story is one
    bullet, in the section where it ranks best (:mod:`briefgen.select`), citing its outlets
    that report on that section's topic; each item names its story. The sections are chosen
    first; the key points are the bullets of the biggest stories and head their sections.
    """
    history = history or History()
    pool = candidates(articles, options, jobs, progress)
    groups = group_articles(articles, StorySettings(options.stories.lift, options.stories.time_scale), pool.keys)
    rankings = rank_topics(pool, articles, options, end)
    about = np.zeros((len(articles), len(options.topics)), dtype=bool)
    if pool.relevance.size:
        np.logical_or.at(about, pool.article_index, pool.relevance > 0)

    def make_selector(story_of: np.ndarray, second: Callable[[int, int], bool]) -> Selector:
        return Selector(pool.matrix.tfidf, pool.article_index, options.ranking.redundancy, options.ranking.duplicate,
                        story_of, second)

    seen = history_similarity(pool, history.sentences)
    return finish(rankings, pool.standalone, pool.article_index, pool.sentences.__getitem__, about, seen, make_selector,
                  groups, articles, history, options, date, start, end)


def finish(rankings: list[Ranking], standalone: np.ndarray, article_index: np.ndarray, sentence: Callable[[int], Sentence],
           about: np.ndarray, seen: np.ndarray, make_selector: Callable[[np.ndarray, Callable[[int, int], bool]], Selector],
           groups: list[list[int]], articles: Sequence[Article], history: History, options: Options, date: dt.date,
           start: dt.date, end: dt.date) -> Briefing:
    """The briefing from each topic's ranking of the candidate sentences (:func:`build_briefing`
    after the rankings). ``standalone``, ``article_index`` and ``seen`` (the similarity to the
    previous briefing) are per sentence of the window, ``sentence(row)`` gives one, ``about``
    says which article reports on which topic, ``groups`` are the stories; ``make_selector``
    makes the :class:`~briefgen.select.Selector` given each sentence's story and the test of a
    story's second bullet."""
    story_of = np.zeros(len(articles), dtype=np.int64)
    for index, group in enumerate(groups):
        story_of[group] = index
    rankings = in_best_section([r.keeping(standalone) for r in rankings], story_of[article_index])
    big = np.array([len(with_copies([articles[i] for i in g])) >= SECOND_BULLET_FROM for g in groups], dtype=bool)

    def adds_a_figure(first: int, row: int) -> bool:
        """A story of several articles may have a second bullet that holds a figure the first lacks."""
        return bool(big[story_of[article_index[first]]]) and bool(
            figures(sentence(row).text) - figures(sentence(first).text))

    selector = make_selector(story_of[article_index], adds_a_figure)
    repeated = np.flatnonzero(seen >= options.ranking.duplicate)
    selector.exclude(repeated)
    earlier_paths = set(history.articles)
    reported_before = np.zeros(len(groups), dtype=bool)  # stories the previous briefing reported
    reported_before[story_of[article_index[repeated]]] = True
    for index, group in enumerate(groups):
        reported_before[index] |= any(m.path in earlier_paths for m in with_copies([articles[i] for i in group]))
    key_picks, section_picks = select(selector, rankings, options.key_points, options.items_per_section,
                                      [story_size([articles[i] for i in group]) for group in groups])

    # a story's article is cited for a bullet of a topic it reports on (``about``)
    topic_index = {t.name: j for j, t in enumerate(options.topics)}

    def item(pick: Pick, topic: str, key_point: bool = False) -> Item:
        index = int(story_of[article_index[pick.row]])
        reporting = [articles[i].id for i in groups[index] if about[i, topic_index[topic]]]
        ids = tuple(dict.fromkeys([*(sentence(r).article_id for r in pick.cited_rows), *reporting]))
        developing = bool(seen[pick.row] >= options.ranking.developing or reported_before[index])
        return Item(sentence(pick.row).text, ids, round(pick.score, 4), developing,
                    history.date if developing else None, story_id(index), topic if key_point else "")

    sections = [
        Section(topic.name, topic.title, tuple(item(p, topic.name) for p in section_picks[topic.name]))
        for topic in options.topics
    ]
    return assemble(options.title, date, start, end, articles, [item(p, topic, True) for topic, p in key_picks], sections,
                    options.empty_section,
                    groups)
