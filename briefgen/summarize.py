"""One ranking contract for briefgen's ranker and sumy's summarisers.

A :data:`Summarizer` takes a document's sentences and a count and returns the indices of the
chosen sentences in document order — the contract of sumy's ``summarizer(document, count)``.
briefgen's own ranker and every sumy algorithm are built behind it, so ``briefgen summarize
--algorithm`` and the evaluation compare them on exactly the same sentences.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from briefgen.about import topic_scores
from briefgen.algorithms import ALGORITHMS, SUMY_ALGORITHMS
from briefgen.config import RankingOptions
from briefgen.errors import ConfigError
from briefgen.models import Article, Topic
from briefgen.rank import centrality, ranked
from briefgen.score import CompiledTopic, compile_topic, term_matrix
from briefgen.stages import sentence_priors
from briefgen.text.split import split_article
from briefgen.text.words import stop_words, words

Summarizer = Callable[[Sequence[str], int], list[int]]

# Edmundson's cue method wants "stigma" words (hedges that mark a sentence as less central).
EDMUNDSON_STIGMA = ("perhaps", "maybe", "might", "possibly", "reportedly", "allegedly", "unclear", "hardly")


def briefgen_summarizer(options: RankingOptions, topic: Topic | None = None) -> Summarizer:
    """briefgen's ranker on one document: :func:`document_scores` blended as much as the
    summary is short beside the document (:func:`briefgen.rank.ranked`, as a section's). With a
    ``topic``, only sentences on it are picked (fewer than asked, or none, when the document has
    fewer): the topic comes first, and the lead only orders what is on it."""
    compiled = compile_topic(topic) if topic else None

    def summarize(sentences: Sequence[str], count: int) -> list[int]:
        if not sentences or count <= 0:
            return []
        central, lead, on_topic = document_scores(sentences, options, compiled)
        scores = np.where(on_topic, ranked(central, lead, count, options), -np.inf)
        return top_in_order(scores, min(count, int(on_topic.sum())))

    return summarize


def document_scores(sentences: Sequence[str], options: RankingOptions,
                    topic: CompiledTopic | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three things of each sentence of one document, as the briefing's ranker makes them
    (:mod:`briefgen.stages`, :func:`briefgen.rank.centrality`): its centrality (biased
    LexRank, the bias being the position prior), its place in the lead
    (:func:`briefgen.stages.sentence_priors`), each times the topic's relevance
    (:func:`briefgen.about.topic_scores`) when a topic is given, and whether it is on the topic
    (every sentence, without one)."""
    matrix = term_matrix(sentences)
    n = len(sentences)
    weight = np.ones(n)
    if topic is not None:
        rel = topic_scores(matrix, [topic], options)[:, 0]
        weight = rel / rel.max() if rel.max() > 0 else rel
    prior, lead = sentence_priors(np.arange(n), np.ones(n, dtype=bool), np.zeros(n), sentences, np.zeros(n), options)
    central = centrality(matrix.counts, prior * weight, options) if weight.any() else np.zeros(n)
    return central, lead * weight, weight > 0


def lead_summarizer(sentences: Sequence[str], count: int) -> list[int]:
    """The first ``count`` sentences: the classic news baseline."""
    return list(range(min(count, len(sentences))))


def top_in_order(scores: np.ndarray, count: int) -> list[int]:
    """Indices of the ``count`` best scores (ties: earlier first), in document order."""
    best = np.argsort(-scores, kind="stable")[:count]
    return sorted(int(i) for i in best)


class _WordTokenizer:
    """sumy's tokenizer interface, backed by briefgen's words (no NLTK data needed)."""

    language = "english"

    def to_words(self, text: str) -> tuple[str, ...]:
        return tuple(words(text))

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)


def sumy_summarizer(name: str, topic: Topic | None = None) -> Summarizer:
    """sumy's summariser ``name``, on briefgen's sentences."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.nlp.stemmers import Stemmer

    module_name, _, class_name = SUMY_ALGORITHMS[name].partition(":")
    summarizer: Any = getattr(importlib.import_module(module_name), class_name)(Stemmer("english"))
    if name == "edmundson":
        summarizer.bonus_words = topic.terms if topic else ()
        summarizer.stigma_words = EDMUNDSON_STIGMA
        summarizer.null_words = stop_words()
    else:
        summarizer.stop_words = stop_words()
    tokenizer = _WordTokenizer()

    def summarize(sentences: Sequence[str], count: int) -> list[int]:
        if not sentences or count <= 0:
            return []
        wrapped = [SumySentence(s, tokenizer) for s in sentences]
        document = ObjectDocumentModel([Paragraph(wrapped)])
        chosen = {id(s) for s in _call(summarizer, name, document, count)}
        return [i for i, s in enumerate(wrapped) if id(s) in chosen]

    return summarize


def _call(summarizer: Any, name: str, document: Any, count: int) -> Any:
    if name == "edmundson":
        return summarizer.cue_method(document, count) if summarizer.bonus_words else summarizer.location_method(document, count)
    return summarizer(document, count)


def get_summarizer(name: str, ranking: RankingOptions, topic: Topic | None = None) -> Summarizer:
    """A summariser by name: ``default`` (briefgen's, with the ``ranking`` settings), ``lead``, or one of sumy's."""
    if name == "default":
        return briefgen_summarizer(ranking, topic)
    if name == "lead":
        return lead_summarizer
    if name in SUMY_ALGORITHMS:
        return sumy_summarizer(name, topic)
    raise ConfigError(f"unknown algorithm '{name}'", f"choose from {', '.join(ALGORITHMS)}")


def summarize_article(article: Article, count: int, summarizer: Summarizer) -> list[str]:
    """The chosen sentences of one article, in article order (headings never chosen)."""
    texts = [s.text for s in split_article(article) if not s.is_heading]
    return [texts[i] for i in summarizer(texts, count)]
