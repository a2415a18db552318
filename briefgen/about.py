"""Whether a sentence, and an article, is news of a topic: the one rule the sections and the
coverage chart share.

:func:`topic_scores` is the one place a topic's score of a sentence is made: the shipped
relevance model's probability for the topics it knows (:func:`briefgen.relevance.section_relevance`),
the topic's terms for the others (:func:`briefgen.score.relevance`), and a topic's learned model
(:func:`briefgen.learn.model_for`) over the articles. :func:`candidate_mask` says which sentences
compete in which section; :func:`article_topics`, which articles are *about* a topic: a quarter
of their sentences (:data:`ABOUT_SHARE`) are its candidates. The briefing's stages
(:mod:`briefgen.stages`) score the window's sentences with these; :func:`articles_about` applies
the same rule to articles on their own, for the coverage chart, so that the chart counts the
articles the sections draw on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from briefgen.config import RankingOptions
from briefgen.learn import article_text, model_for
from briefgen.models import Article, Sentence, Topic
from briefgen.relevance import section_relevance
from briefgen.score import (
    CompiledTopic,
    TermMatrix,
    compile_topic,
    matrix_of,
    relevance,
    stem_frequencies,
    vocabulary,
)
from briefgen.text.split import Split
from briefgen.text.words import stem_lists

log = logging.getLogger(__name__)

TOPIC_SHARE = 0.5  #: a sentence competes in every topic where it is at least this share of its best
ABOUT_SHARE = 0.25  #: share of an article's sentences on a topic that make it about the topic (:func:`article_topics`)


def reportable(sentence: Sentence, ranking: RankingOptions) -> bool:
    """Whether a sentence may be reported: no heading, ``min_words`` to ``max_words`` words."""
    return not sentence.is_heading and ranking.min_words <= len(sentence.text.split()) <= ranking.max_words


def topic_scores(matrix: TermMatrix, topics: Sequence[CompiledTopic], ranking: RankingOptions,
                 articles: Sequence[Article] | None = None, owner: np.ndarray | None = None) -> np.ndarray:
    """How relevant each text (a row of ``matrix``) is to each topic, texts × topics: for the
    topics the shipped relevance model knows (unless ``ranking.relevance_model`` is off), the
    probability that the text is news of the topic, 0 under ``ranking.min_relevance``
    (:func:`briefgen.relevance.section_relevance`); for the others, the topic's terms
    (:func:`briefgen.score.relevance`). Where a topic has a learned model of its
    own (:func:`briefgen.learn.model_for`) and the texts' ``articles`` are given (``owner``: each
    text's), zero in the articles that model does not accept."""
    scores = relevance(matrix, topics)
    if ranking.relevance_model:
        scores = section_relevance(scores, matrix, [c.topic for c in topics], ranking.min_relevance)
    if articles is None or owner is None or not len(owner):
        return scores
    for j, compiled in enumerate(topics):
        model = model_for(compiled.topic)
        if model is not None:  # the section draws on the articles the model accepts
            about = model.predict([article_text(a) for a in articles])
            scores[~about[owner], j] = 0.0
            log.info("topic %s: its model accepts %d of %d articles", compiled.topic.name, int(about.sum()), len(articles))
    return scores


def candidate_mask(scores: np.ndarray) -> np.ndarray:
    """sentences × topics: a candidate of the topic (relevant to it, and at least
    :data:`TOPIC_SHARE` of its best topic's relevance)."""
    if not scores.size:
        return np.zeros(scores.shape, dtype=bool)
    best = scores.max(axis=1, keepdims=True)
    return (scores > 0) & (scores >= TOPIC_SHARE * best)


def article_topics(relevance: np.ndarray, owner: np.ndarray, articles: int) -> tuple[np.ndarray, np.ndarray]:
    """How much each article reports on each topic, from its candidate sentences' ``relevance``
    (``owner``: each one's article): the share of its sentences that are candidates of the topic
    (:func:`candidate_mask`), articles × topics; and whether it is about the topic: at least
    :data:`ABOUT_SHARE` of its sentences are, and at least two (one, in an article of one
    sentence). An article that names a topic in a sentence or two in passing is not about it."""
    topics = relevance.shape[1] if relevance.ndim == 2 else 0
    if not len(owner) or not topics:
        return np.zeros((articles, topics)), np.zeros((articles, topics), dtype=bool)
    candidate = candidate_mask(relevance)
    sentences = np.bincount(owner, minlength=articles).astype(np.float64)[:, None]
    counts = np.stack([np.bincount(owner, weights=candidate[:, j], minlength=articles) for j in range(topics)], axis=1)
    share = counts / np.maximum(sentences, 1.0)
    return share, (share >= ABOUT_SHARE - 1e-9) & (counts >= np.minimum(2, sentences)) & (counts > 0)


def articles_about(articles: Sequence[Article], topics: Sequence[Topic], ranking: RankingOptions,
                   split: Sequence[Split] | None = None) -> np.ndarray:
    """Whether each article is about each topic, articles × topics (bool), by the sections' rule:
    its reportable sentences (:func:`reportable`) scored together (:func:`topic_scores`), then
    :func:`article_topics`. The coverage chart counts these.

    Unlike a window's sentences, the terms are weighed without IDF, so that an article's answer
    does not depend on the articles it is judged with: the corpus index stores each one's.
    ``split``: each article's sentences and their words (:class:`briefgen.text.split.Split`), when
    the caller has them already."""
    words: list[list[str]] = []
    owner: list[int] = []
    for index, article in enumerate(articles):
        one = split[index] if split is not None else Split.of(article)
        for sentence, its_words in zip(one.sentences, one.words, strict=True):
            if reportable(sentence, ranking):
                words.append(its_words)
                owner.append(index)
    if not words or not topics:
        return np.zeros((len(articles), len(topics)), dtype=bool)
    stems = stem_lists(words)
    columns, idf = vocabulary([stem_frequencies(stems)])
    matrix = matrix_of(stems, columns, np.ones_like(idf), words=words)
    owners = np.array(owner, dtype=np.int64)
    scores = topic_scores(matrix, [compile_topic(t) for t in topics], ranking, articles, owners)
    return article_topics(scores, owners, len(articles))[1]


@dataclass(frozen=True)
class AboutRule:
    """What decides whether an article is about each topic (:func:`articles_about`): the topics
    and the ranking settings the sections use. The coverage chart counts by it, and the corpus
    index stores each article's answer under its :meth:`key`."""

    topics: tuple[Topic, ...] = ()
    ranking: RankingOptions = field(default_factory=RankingOptions)

    def key(self) -> str:
        """A digest of what the answers depend on: the topics and the settings that decide a candidate."""
        r = self.ranking
        decides = (tuple(self.topics), r.min_words, r.max_words, r.relevance_model, r.min_relevance)
        return hashlib.sha256(repr(decides).encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def about(self, articles: Sequence[Article], split: Sequence[Split] | None = None) -> np.ndarray:
        """Whether each article is about each topic, articles × topics (:func:`articles_about`;
        ``split``: their sentences, when split already)."""
        return articles_about(articles, self.topics, self.ranking, split)
