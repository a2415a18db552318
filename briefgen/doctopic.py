"""Document-level topic detection: "is this article about trade?".

briefgen scores *sentences* against a topic (:mod:`briefgen.score`). This module lifts that to
whole documents.

Evidence
--------
Each document is split into sentences (:func:`briefgen.text.sbd.split_sentences`) and all sentences
of all documents are scored together with :func:`briefgen.score.relevance`, exactly as the
briefing scores its candidate sentences. Per document this gives

* ``share`` — the share of its sentences that are relevant to the topic (relevance > 0);
* ``terms`` — how many distinct strong terms of the topic its relevant sentences hold (a phrase
  and the words inside it count apart, so "trade deficit" is worth more than "trade");
* ``lead`` — whether its first sentence (the headline, when the text opens with one) is relevant.

All three are scale-free: they do not depend on how many documents are scored together, so the
same rule holds for the forty articles of a week's briefing and for thousands of wire stories.

The rule (:func:`is_about`)
---------------------------
A document is about the topic when at least :data:`MIN_SHARE` (a quarter) of its sentences are
relevant **and** they hold at least :data:`MIN_TERMS` (4) distinct strong terms — or
:data:`MIN_TERMS_LEAD` (3) when the lead sentence is relevant too. A story *about* a topic keeps
coming back to it, in several of its words, and usually says so up front; a story about
something else mentions the topic in passing, in one or two words, and fails the test.

:func:`topic_scores` folds the term condition into one number per document (the share, or 0),
which :func:`is_about` compares with :data:`MIN_SHARE`. The three constants were chosen on the
Reuters-21578 TRAIN split alone (:func:`briefgen.evaluation.topics.sweep`), then the TEST split was
scored once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefgen.models import Topic
from briefgen.score import (
    CompiledTopic,
    TermMatrix,
    compile_topic,
    relevance,
    term_matrix,
    term_rows,
)
from briefgen.text.sbd import split_sentences

MIN_SHARE = 0.25  #: share of a document's sentences that must be relevant to the topic
MIN_TERMS = 4  #: distinct strong terms its relevant sentences must hold...
MIN_TERMS_LEAD = 3  #: ...or this many when its first sentence (the headline) is relevant


@dataclass(frozen=True)
class DocEvidence:
    """Per-document evidence for one topic: arrays of one value per document."""

    share: np.ndarray  #: share of the document's sentences that are relevant, in [0, 1]
    terms: np.ndarray  #: distinct strong terms held by its relevant sentences
    lead: np.ndarray  #: whether its first sentence is relevant (bool)


def _distinct_terms(matrix: TermMatrix, compiled: CompiledTopic, relevant: np.ndarray, owner: np.ndarray,
                    n_docs: int) -> np.ndarray:
    """How many distinct strong terms each document holds in its relevant sentences."""
    count = np.zeros(n_docs)
    for seq in compiled.terms:
        rows = term_rows(matrix, seq)
        rows = rows[relevant[rows]]
        if len(rows):
            count[np.unique(owner[rows])] += 1
    return count


def _split(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every sentence of ``texts``, the index of the text each stands in, and the index of each
    text's first sentence (-1 for a text without one)."""
    sentences: list[str] = []
    owner: list[int] = []
    first: list[int] = []
    for i, text in enumerate(texts):
        parts = split_sentences(text) or ([text] if text.strip() else [])
        first.append(len(sentences) if parts else -1)
        sentences.extend(parts)
        owner.extend([i] * len(parts))
    return sentences, np.array(owner, dtype=np.int64), np.array(first, dtype=np.int64)


def _evidence(matrix: TermMatrix, compiled: CompiledTopic, owner: np.ndarray, first: np.ndarray) -> DocEvidence:
    n_docs = len(first)
    relevant = relevance(matrix, [compiled])[:, 0] > 0
    n_sentences = np.maximum(np.bincount(owner, minlength=n_docs), 1)
    share = np.bincount(owner, weights=relevant.astype(float), minlength=n_docs) / n_sentences
    lead = np.zeros(n_docs, dtype=bool)
    lead[first >= 0] = relevant[first[first >= 0]]
    return DocEvidence(share, _distinct_terms(matrix, compiled, relevant, owner, n_docs), lead)


def document_evidence(texts: Sequence[str], topic: Topic) -> DocEvidence:
    """Score every sentence of ``texts`` for ``topic`` and gather the evidence by text."""
    sentences, owner, first = _split(texts)
    if not sentences:
        n_docs = len(texts)
        return DocEvidence(np.zeros(n_docs), np.zeros(n_docs), np.zeros(n_docs, dtype=bool))
    return _evidence(term_matrix(sentences), compile_topic(topic), owner, first)


def scores_from_evidence(evidence: DocEvidence, min_terms: int = MIN_TERMS,
                         min_terms_lead: int = MIN_TERMS_LEAD) -> np.ndarray:
    """The share of relevant sentences where the document holds enough distinct strong terms
    (``min_terms``, or ``min_terms_lead`` when its lead is relevant), else 0."""
    needed = np.where(evidence.lead, min_terms_lead, min_terms)
    return np.where(evidence.terms >= needed, evidence.share, 0.0)


def topic_scores(texts: Sequence[str], topic: Topic) -> np.ndarray:
    """Document-level score of each text for ``topic``, in [0, 1].

    The share of the text's sentences that are relevant to the topic, or 0 when its relevant
    sentences hold fewer than :data:`MIN_TERMS` distinct strong terms (:data:`MIN_TERMS_LEAD`
    when its first sentence is relevant): see the module docstring.
    """
    return scores_from_evidence(document_evidence(texts, topic))


def is_about(scores: np.ndarray, min_share: float = MIN_SHARE) -> np.ndarray:
    """Whether each document is about the topic, from :func:`topic_scores`.

    The rule: enough distinct strong terms (folded into the score, which is 0 otherwise) and at
    least ``min_share`` of the document's sentences relevant to the topic.
    """
    values = np.asarray(scores, dtype=np.float64)
    return (values > 0) & (values >= min_share)
