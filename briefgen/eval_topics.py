"""Document-level topic detection, and its evaluation on Reuters-21578.

briefgen scores *sentences* against a topic (:mod:`briefgen.score`). This module lifts that to
whole documents — "is this article about trade?" — and measures the decision against the
human topic labels of the Reuters-21578 collection (Lewis, 1997).

Document score
--------------
Each document is split into sentences (:func:`briefgen.sbd.split_sentences`); all sentences
of all documents are scored together with :func:`briefgen.score.relevance`, so a term's
weight is its IDF over sentences, exactly as in the briefing. The evidence of a document is

* ``terms`` — how many *distinct* strong terms of the topic it holds (excluded sentences and
  related terms do not count), and
* ``share`` — the share of its sentences that are relevant to the topic (relevance > 0), the
  headline counting as one sentence.

``share`` is scale-free: it does not depend on how many documents are scored at once, nor on
their length, so the same threshold holds for a handful of articles of a day's briefing and
for thousands of wire stories.

The rule (:func:`is_about`)
---------------------------
A document is about the topic when it holds at least :data:`MIN_TERMS` distinct strong terms
*and* at least :data:`MIN_SHARE` of its sentences are relevant. One passing mention of a
topic word in a story about something else fails both tests; a story *about* the topic keeps
returning to it with several of its words. The two constants were chosen on the Reuters
TRAIN split only (see :func:`sweep`), then the TEST split was scored once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from briefgen.config import Options, load_options
from briefgen.models import Topic
from briefgen.sbd import split_sentences
from briefgen.score import CompiledTopic, TermMatrix, _matches, compile_topic, relevance, term_matrix

MIN_TERMS = 2  #: distinct strong terms a document must hold to be about a topic
MIN_SHARE = 0.25  #: share of its sentences (headline included) that must be relevant

# --------------------------------------------------------------------------- Reuters reader

_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CONTROL = re.compile(r"&#(\d+);")
_TAG = re.compile(r"<[^>]+>")
_TRAILER = re.compile(r"\s*\bReuter\s*$")


@dataclass(frozen=True)
class ReutersDoc:
    """One story of Reuters-21578."""

    newid: int
    lewissplit: str  #: "TRAIN", "TEST" or "NOT-USED"
    topics_flag: bool  #: TOPICS="YES": the story was indexed for topics
    topics: tuple[str, ...]  #: the <TOPICS> categories, e.g. ("trade", "grain")
    title: str
    body: str

    @property
    def text(self) -> str:
        """Headline and body, as one text whose first paragraph is the headline."""
        return f"{self.title}.\n\n{self.body}" if self.title else self.body


def _element(name: str, block: str) -> str | None:
    match = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", block, re.S)
    return match.group(1) if match else None


def _clean(raw: str) -> str:
    """SGML text → plain text: control-character entities dropped, the rest unescaped."""
    text = _CONTROL.sub(lambda m: m.group(0) if 32 <= int(m.group(1)) < 127 else "", raw)
    return html.unescape(text)


def _parse_doc(attrs: str, block: str) -> ReutersDoc:
    attr = dict(_ATTR.findall(attrs))
    topics_block = _element("TOPICS", block) or ""
    topics = tuple(_clean(d).strip() for d in re.findall(r"<D>(.*?)</D>", topics_block, re.S))
    text_block = _element("TEXT", block) or ""
    title = " ".join(_clean(_element("TITLE", text_block) or "").split())
    body = _element("BODY", text_block)
    if body is None:  # TYPE="BRIEF" / "UNPROC": no <BODY>, the text stands bare
        body = _TAG.sub(" ", re.sub(r"<TITLE>.*?</TITLE>|<DATELINE>.*?</DATELINE>", " ", text_block, flags=re.S))
    body = _TRAILER.sub("", _clean(body)).strip()
    return ReutersDoc(
        newid=int(attr.get("NEWID", "0")),
        lewissplit=attr.get("LEWISSPLIT", ""),
        topics_flag=attr.get("TOPICS", "") == "YES",
        topics=topics,
        title=title,
        body=body,
    )


def parse_reuters(sgml: str) -> list[ReutersDoc]:
    """The stories of one ``reut2-NNN.sgm`` file's text."""
    return [_parse_doc(attrs, block) for attrs, block in _DOC.findall(sgml)]


def read_reuters(folder: Path) -> list[ReutersDoc]:
    """Every story of the ``reut2-*.sgm`` files in ``folder``, in file order.

    The files are read as Latin-1, which decodes any byte (``reut2-017.sgm`` is not valid
    UTF-8; the collection is ASCII apart from a few stray bytes).
    """
    docs: list[ReutersDoc] = []
    for path in sorted(Path(folder).glob("reut2-*.sgm")):
        docs.extend(parse_reuters(path.read_text(encoding="latin-1")))
    return docs


def split_docs(docs: Iterable[ReutersDoc], split: str) -> list[ReutersDoc]:
    """The documents of the "ModApte"-style split: ``LEWISSPLIT=split`` and ``TOPICS="YES"``."""
    return [d for d in docs if d.lewissplit == split and d.topics_flag]


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class DocEvidence:
    """Per-document evidence for one topic (arrays of one value per document)."""

    score: np.ndarray  #: summed sentence relevance per sentence (mean relevance)
    share: np.ndarray  #: share of the document's sentences that are relevant
    terms: np.ndarray  #: distinct strong terms found in the document's relevant sentences


def _distinct_terms(matrix: TermMatrix, compiled: CompiledTopic, relevant: np.ndarray, owner: np.ndarray,
                    n_docs: int) -> np.ndarray:
    """How many distinct strong terms each document holds in its relevant sentences."""


    count = np.zeros(n_docs)
    for seq in compiled.terms:
        rows = _matches(matrix, seq)
        rows = rows[relevant[rows]]
        if len(rows):
            count[np.unique(owner[rows])] += 1
    return count


def document_evidence(texts: Sequence[str], topic: Topic) -> DocEvidence:
    """Score every text's sentences for ``topic`` and gather them by text."""
    sentences: list[str] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        parts = split_sentences(text) or ([text] if text.strip() else [])
        sentences.extend(parts)
        owner.extend([i] * len(parts))
    n_docs = len(texts)
    if not sentences:
        zeros = np.zeros(n_docs)
        return DocEvidence(zeros, zeros.copy(), zeros.copy())
    owner_arr = np.array(owner, dtype=np.int64)
    matrix = term_matrix(sentences)
    compiled = compile_topic(topic)
    rel = relevance(matrix, [compiled])[:, 0]
    n_sentences = np.bincount(owner_arr, minlength=n_docs).astype(float)
    n_sentences[n_sentences == 0] = 1.0
    total = np.bincount(owner_arr, weights=rel, minlength=n_docs)
    hits = np.bincount(owner_arr, weights=(rel > 0).astype(float), minlength=n_docs)
    terms = _distinct_terms(matrix, compiled, rel > 0, owner_arr, n_docs)
    return DocEvidence(total / n_sentences, hits / n_sentences, terms)


def topic_scores(texts: Sequence[str], topic: Topic) -> np.ndarray:
    """Document-level score of each text for ``topic``: the share of its sentences that are
    relevant, zero unless it holds at least :data:`MIN_TERMS` distinct strong terms.

    A number in [0, 1]; :func:`is_about` compares it with :data:`MIN_SHARE`.
    """
    evidence = document_evidence(texts, topic)
    return np.where(evidence.terms >= MIN_TERMS, evidence.share, 0.0)


def is_about(scores: np.ndarray, min_share: float = MIN_SHARE) -> np.ndarray:
    """Whether each document is about the topic, from :func:`topic_scores`.

    The rule: at least :data:`MIN_TERMS` distinct strong terms of the topic (already folded
    into the score, which is zero otherwise) and at least ``min_share`` of the document's
    sentences relevant to it.
    """
    return np.asarray(scores) >= min_share if min_share > 0 else np.asarray(scores) > 0


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class TopicEval:
    """Precision, recall and F1 of a topic detector against gold labels."""

    topic: str
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    n_docs: int

    def __str__(self) -> str:
        return (f"{self.topic}: P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
                f"(tp={self.tp} fp={self.fp} fn={self.fn}, {self.n_docs} docs)")


def prf(predicted: Sequence[bool] | np.ndarray, gold: Sequence[bool] | np.ndarray, topic: str = "") -> TopicEval:
    """Precision, recall and F1 of ``predicted`` against ``gold``; 0 where undefined."""
    pred = np.asarray(predicted, dtype=bool)
    true = np.asarray(gold, dtype=bool)
    if pred.shape != true.shape:
        raise ValueError(f"predicted has {pred.shape} values, gold {true.shape}")
    tp = int(np.sum(pred & true))
    fp = int(np.sum(pred & ~true))
    fn = int(np.sum(~pred & true))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TopicEval(topic, precision, recall, f1, tp, fp, fn, int(pred.size))


def _topic(options: Options | None, topic_name: str) -> Topic:
    options = options or load_options()
    for topic in options.topics:
        if topic.name == topic_name:
            return topic
    raise KeyError(f"no topic named {topic_name!r}; known: {', '.join(t.name for t in options.topics)}")


def evaluate_docs(docs: Sequence[ReutersDoc], topic: Topic, gold_topic: str) -> TopicEval:
    """Score ``docs`` for ``topic`` and compare with ``gold_topic`` in their labels."""
    predicted = is_about(topic_scores([d.text for d in docs], topic))
    return prf(predicted, [gold_topic in d.topics for d in docs], topic.name)


def evaluate_topics(folder: Path, topic_name: str = "trade", options: Options | None = None,
                    split: str = "TEST") -> TopicEval:
    """P/R/F1 of :func:`is_about` for topic ``topic_name`` on one Reuters split.

    The documents are those with ``LEWISSPLIT=split`` and ``TOPICS="YES"`` (3,299 for TEST);
    a document's gold label is whether ``topic_name`` is among its <TOPICS>.
    """
    docs = split_docs(read_reuters(folder), split)
    return evaluate_docs(docs, _topic(options, topic_name), topic_name)


def sweep(folder: Path, topic_name: str = "trade", options: Options | None = None, split: str = "TRAIN",
          min_terms: Sequence[int] = (1, 2, 3, 4), shares: Sequence[float] = tuple(np.arange(0.05, 0.65, 0.05)),
          ) -> list[tuple[int, float, TopicEval]]:
    """Every (min_terms, min_share) pair's result on ``split``: how the rule's constants were
    chosen (on TRAIN only). Best F1 first."""
    docs = split_docs(read_reuters(folder), split)
    evidence = document_evidence([d.text for d in docs], _topic(options, topic_name))
    gold = [topic_name in d.topics for d in docs]
    results = []
    for k in min_terms:
        for s in shares:
            pred = (evidence.terms >= k) & (evidence.share >= s)
            results.append((k, float(s), prf(pred, gold, topic_name)))
    return sorted(results, key=lambda r: -r[2].f1)
