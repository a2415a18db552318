"""Section relevance learned from how news editors file events: the default topics' model.

A topic's term list says what a section's reports tend to contain; it cannot say whether a
sentence is *about* the topic ("militants" is in a film review as in a war report). The model here was fitted on the Wikipedia Current Events Portal's
daily event reports of 2011–2015, each filed by the portal's editors under one category, mapped to
the sections (:data:`CATEGORY_TOPIC`: trade ← Business and economy, security ← Armed conflicts
and attacks, recognition ← International relations, every other category ← ``none``).

The model is a multinomial logistic regression over

- the sentence's stems and pairs of neighbouring stems, sublinear TF × IDF (the IDF of the
  training reports), rows of unit length: what the portal's editors' own words teach;
- and, for each topic it knows, how many of the topic's strong terms, related terms and excluded
  terms the sentence holds (:func:`term_counts`): what the desk's term lists say. So a user's
  term lists still count where the model is in force.

It gives each sentence a probability for each section and for ``none``. What ships is weights only
(``briefgen/data/portal-relevance.npz``: vocabulary, IDF, coefficients; no portal text),
written by ``make relevance-model`` (:func:`train`, which needs scikit-learn) and read with
``allow_pickle=False``. Wikipedia's text is CC BY-SA 4.0: the README attributes the model to it.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from briefgen.errors import LearnError, NothingToReport
from briefgen.files import json_lines
from briefgen.models import Topic
from briefgen.score import (
    CompiledTopic,
    TermMatrix,
    compile_topic,
    term_hits,
    term_matrix,
    weigh,
)

#: the portal's categories that file a report under a default section; every other one is ``none``
CATEGORY_TOPIC = {"Business and economy": "trade", "Armed conflicts and attacks": "security",
                  "International relations": "recognition"}
UNFILED = frozenset({"Other/story-as-category", "Uncategorized"})  #: no category: not learned from
NONE = "none"
MODEL_RESOURCE = "portal-relevance.npz"
FORMAT_VERSION = 1
TERM_CAP = 3.0  #: term hits beyond this count add nothing
#: how much of a text's split between the known sections the term lists decide (the rest, the
#: model): chosen with the bundled corpus's labels, the desk's own lines (docs/quality.md)
TERM_SHARE = 0.7
#: a text that holds this many strong terms of one known topic is news of the sections with at
#: least :data:`VOUCHED` probability, whatever the model says: the desk's lists vouch for it (the
#: portal filed narcotics seizures under Law and crime, which is no section; to this desk they are
#: security, and its lists say so)
VOUCH_TERMS = 2
VOUCHED = 0.8
ROWS_AT_ONCE = 4096  #: texts whose features are made and weighed at once (:meth:`RelevanceModel.probabilities`)


def features(text_stems: Sequence[str]) -> list[str]:
    """A text's features: its stems and each pair of neighbouring stems."""
    return [*text_stems, *(f"{a} {b}" for a, b in zip(text_stems, text_stems[1:], strict=False))]


def tfidf(stem_lists: Sequence[Sequence[str]], vocabulary: dict[str, int], idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF × IDF rows of unit length, over ``vocabulary`` (other features left out)."""
    indptr: list[int] = [0]
    indices: list[int] = []
    get, pair = vocabulary.get, " ".join
    for text_stems in stem_lists:  # features(text_stems), looked up by C loops (a window has tens of thousands)
        indices.extend([c for c in map(get, text_stems) if c is not None])
        indices.extend([c for c in map(get, map(pair, zip(text_stems, text_stems[1:], strict=False))) if c is not None])
        indptr.append(len(indices))
    counts = sp.csr_matrix((np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
                           shape=(len(stem_lists), len(idf)))
    counts.sum_duplicates()
    return weigh(counts, idf)


def matrix_tfidf(matrix: TermMatrix, vocabulary: dict[str, int], idf: np.ndarray, pairs: PairColumns) -> sp.csr_matrix:
    """:func:`tfidf` of the texts of a term ``matrix`` (their stems), the same matrix, found from
    the stems as the matrix's columns (:attr:`~briefgen.score.TermMatrix.tokens`) with array
    operations: each distinct stem looked up once, each pair of neighbouring stems found by its
    two columns among the ``pairs`` of ``vocabulary`` (:func:`pair_columns`). Without the
    columns kept, :func:`tfidf` itself."""
    if matrix.tokens is None:
        return tfidf(matrix.stems, vocabulary, idf)
    lengths = np.fromiter(map(len, matrix.stems), dtype=np.int64, count=len(matrix.stems))
    return token_features(matrix, vocabulary, pairs).tfidf(matrix.tokens, lengths, idf)


@dataclass(frozen=True)
class TokenFeatures:
    """A term matrix's columns as features of a vocabulary (:func:`token_features`): found once
    for the matrix, then used on its texts a slice at a time (:meth:`tfidf`)."""

    own: np.ndarray  #: each column of the matrix as a feature (-1: none)
    keys: np.ndarray  #: the stem pairs that are features, as ``first column × size + second``, sorted
    columns: np.ndarray  #: the feature of each of ``keys``
    is_first: np.ndarray  #: whether a column is the first stem of a pair feature
    is_second: np.ndarray  #: whether a column is the second stem of a pair feature
    size: int  #: the matrix's number of columns (at least 1)

    def tfidf(self, tokens: np.ndarray, lengths: np.ndarray, idf: np.ndarray) -> sp.csr_matrix:
        """:func:`tfidf` of texts given as the matrix's columns of their stems (``tokens``, text
        after text, each ``lengths`` long)."""
        texts = len(lengths)
        row = np.repeat(np.arange(texts, dtype=np.int64), lengths)
        single = self.own[tokens]
        keys, size = self.keys, self.size
        at_pair = np.zeros(max(len(tokens) - 1, 0), dtype=bool)  # a token whose next one may make a feature with it
        if len(keys):
            at_pair = (row[1:] == row[:-1]) & self.is_first[tokens[:-1]] & self.is_second[tokens[1:]]
        where = np.flatnonzero(at_pair)
        key = tokens[where].astype(np.int64) * size + tokens[where + 1]  # (int32 tokens: the product in int64)
        slot = np.minimum(np.searchsorted(keys, key), max(len(keys) - 1, 0))
        hit = keys[slot] == key if len(keys) else np.zeros(0, dtype=bool)
        rows = np.concatenate([row[single >= 0], row[where[hit]]])
        indices = np.concatenate([single[single >= 0], self.columns[slot[hit]]])
        grouped = np.argsort(rows, kind="stable")
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=texts)))).astype(np.int64)
        counts = sp.csr_matrix((np.ones(len(rows)), indices[grouped], indptr), shape=(texts, len(idf)))
        counts.sum_duplicates()
        return weigh(counts, idf)


def token_features(matrix: TermMatrix, vocabulary: dict[str, int], pairs: PairColumns) -> TokenFeatures:
    """How the columns of a term ``matrix`` map to the features of ``vocabulary``, its stems and
    its ``pairs`` of stems (:func:`pair_columns`), each distinct stem looked up once."""
    size = max(len(matrix.idf), 1)
    own = np.full(size, -1, dtype=np.int64)
    own[np.fromiter(matrix.vocabulary.values(), dtype=np.int64, count=len(matrix.vocabulary))] = np.fromiter(
        map(lambda stem: vocabulary.get(stem, -1), matrix.vocabulary), dtype=np.int64, count=len(matrix.vocabulary))
    at = np.fromiter(map(lambda stem: matrix.vocabulary.get(stem, -1), pairs.stems), dtype=np.int64, count=len(pairs.stems))
    firsts, seconds = at[pairs.first], at[pairs.second]
    known = (firsts >= 0) & (seconds >= 0)
    keys = firsts[known] * size + seconds[known]
    order = np.argsort(keys)
    is_first, is_second = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    is_first[firsts[known]] = True
    is_second[seconds[known]] = True
    return TokenFeatures(own, keys[order], pairs.column[known][order], is_first, is_second, size)


@dataclass(frozen=True)
class PairColumns:
    """The features of a vocabulary that are pairs of stems: each pair's first and second stem
    (as indexes into ``stems``, the distinct stems of the pairs: a few thousand where the pairs
    are tens of thousands) and its column."""

    stems: list[str]
    first: np.ndarray
    second: np.ndarray
    column: np.ndarray


def pair_columns(vocabulary: dict[str, int]) -> PairColumns:
    """The pairs of stems (``"a b"``) among the features of ``vocabulary``."""
    terms = [term for term in vocabulary if " " in term]
    halves = " ".join(terms).split(" ")  # first, second, first, ...: a stem holds no space
    if len(halves) != 2 * len(terms):  # a term of more spaces: its first stem, and the rest
        halves = [half for term in terms for half in term.partition(" ")[::2]]
    number = {stem: k for k, stem in enumerate(dict.fromkeys(halves))}
    first = np.fromiter(map(number.__getitem__, halves[0::2]), dtype=np.int64, count=len(terms))
    second = np.fromiter(map(number.__getitem__, halves[1::2]), dtype=np.int64, count=len(terms))
    return PairColumns(list(number), first, second, np.fromiter(map(vocabulary.__getitem__, terms), dtype=np.int64, count=len(terms)))


def term_counts(matrix: TermMatrix, topics: Sequence[CompiledTopic]) -> np.ndarray:
    """For each topic, how many of its strong, related and excluded terms a text (a row of
    ``matrix``) holds: texts × (3 × topics), in that order."""
    columns = [term_hits(matrix, terms) for topic in topics for terms in (topic.terms, topic.related, topic.exclude)]
    return np.stack(columns, axis=1) if columns else np.zeros((matrix.counts.shape[0], 0))


@dataclass
class RelevanceModel:
    """Probabilities of each section (and of none) for sentences: :meth:`probabilities`."""

    classes: tuple[str, ...]  #: the sections it knows and ``none``, in the columns' order
    term_topics: tuple[str, ...]  #: the topics whose term lists are features, in order
    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray  #: (vocabulary + 3 × term topics) × classes
    intercept: np.ndarray  #: classes
    info: dict[str, object] = field(default_factory=dict)  #: how it was fitted and measured, for people

    def __post_init__(self) -> None:
        self._index = {term: i for i, term in enumerate(self.vocabulary)}
        self._pairs: PairColumns | None = None

    def pairs(self) -> PairColumns:
        """The features that are pairs of stems (:func:`pair_columns`), found once."""
        if self._pairs is None:
            self._pairs = pair_columns(self._index)
        return self._pairs

    def term_counts(self, matrix: TermMatrix, topics: Sequence[Topic]) -> np.ndarray:
        """:func:`term_counts` of the texts for :attr:`term_topics`, with the term lists of the
        configured ``topics`` of those names (a missing one holds no term)."""
        by_name = {t.name: t for t in topics}
        return term_counts(matrix, [compile_topic(by_name.get(name, Topic(name, name, ()))) for name in self.term_topics])

    def features(self, matrix: TermMatrix, topics: Sequence[Topic], counts: np.ndarray | None = None) -> sp.csr_matrix:
        """The feature rows of texts (the rows of their term ``matrix``): the TF-IDF of their
        stems and stem pairs (:func:`matrix_tfidf`), and their :meth:`term_counts` (given, or counted here), each capped
        at :data:`TERM_CAP`, over it."""
        counts = self.term_counts(matrix, topics) if counts is None else counts
        return self._features(matrix, counts)

    def _features(self, matrix: TermMatrix, counts: np.ndarray, rows: slice = slice(None),
                  found: tuple[TokenFeatures, np.ndarray, np.ndarray] | None = None) -> sp.csr_matrix:
        """:meth:`features` of the ``rows`` of ``matrix`` given their :meth:`term_counts`;
        ``found``: the matrix's :func:`token_features`, its texts' lengths and their offsets in
        its tokens (found here when not given)."""
        if matrix.tokens is None:
            weights = tfidf(matrix.stems[rows], self._index, self.idf)
        else:
            if found is None:
                found = self._found(matrix)
            mapped, lengths, offsets = found
            first, last, _ = rows.indices(len(lengths))
            weights = mapped.tfidf(matrix.tokens[offsets[first]:offsets[last]], lengths[first:last], self.idf)
        return sp.hstack([weights, sp.csr_matrix(np.minimum(counts, TERM_CAP) / TERM_CAP)]).tocsr()

    def _found(self, matrix: TermMatrix) -> tuple[TokenFeatures, np.ndarray, np.ndarray]:
        lengths = np.fromiter(map(len, matrix.stems), dtype=np.int64, count=len(matrix.stems))
        return token_features(matrix, self._index, self.pairs()), lengths, np.concatenate(([0], np.cumsum(lengths)))

    def probabilities(self, matrix: TermMatrix, topics: Sequence[Topic], counts: np.ndarray | None = None) -> np.ndarray:
        """texts × :attr:`classes`: each row sums to 1. Made :data:`ROWS_AT_ONCE` texts at a
        time: a row's features and probabilities depend on its text alone, so these are the
        numbers of all of them at once, without every text's features held together."""
        rows = matrix.counts.shape[0]
        result = np.zeros((rows, len(self.classes)))
        if not rows:
            return result
        counts = self.term_counts(matrix, topics) if counts is None else counts
        mapped = self._found(matrix) if matrix.tokens is not None else None
        for first in range(0, rows, ROWS_AT_ONCE):
            last = min(first + ROWS_AT_ONCE, rows)
            logits = np.asarray(self._features(matrix, counts[first:last], slice(first, last), mapped) @ self.coef) + self.intercept
            logits -= logits.max(axis=1, keepdims=True)
            odds = np.exp(logits)
            result[first:last] = odds / odds.sum(axis=1, keepdims=True)
        return result

    def topic_probabilities(self, matrix: TermMatrix, topics: Sequence[Topic], counts: np.ndarray | None = None) -> np.ndarray:
        """texts × ``topics``: the probability of each configured topic the model knows (the sum
        over its classes that file under it); -1 in the columns of a topic it does not know."""
        known = self.probabilities(matrix, topics, counts)
        out = np.full((known.shape[0], len(topics)), -1.0)
        for j, topic in enumerate(topics):
            columns = self.columns_of(topic)
            if columns:
                out[:, j] = known[:, columns].sum(axis=1)
        return out

    def columns_of(self, topic: Topic) -> list[int]:
        """The classes that file under ``topic`` (none: the model does not know it)."""
        return [k for k, name in enumerate(self.classes) if CATEGORY_TOPIC.get(name, name) == topic.name]

    def save(self, handle: Any) -> None:
        header = {"format": FORMAT_VERSION, "classes": list(self.classes), "term_topics": list(self.term_topics), "info": self.info}
        np.savez_compressed(handle, vocabulary=np.array(self.vocabulary, dtype=str), idf=self.idf.astype(np.float32),
                            coef=self.coef.astype(np.float32), intercept=self.intercept, header=np.array(json.dumps(header)))

    @classmethod
    def read(cls, raw: bytes) -> RelevanceModel:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            header = json.loads(str(archive["header"]))
            if header.get("format") != FORMAT_VERSION:
                raise ValueError(f"relevance model of format {header.get('format')}, not {FORMAT_VERSION}")
            return cls(tuple(header["classes"]), tuple(header["term_topics"]), archive["vocabulary"].tolist(),
                       archive["idf"].astype(np.float64), archive["coef"].astype(np.float64),
                       archive["intercept"].astype(np.float64), dict(header.get("info", {})))


@lru_cache(maxsize=1)
def default_model() -> RelevanceModel:
    """The model that ships with briefgen (read once per process); a :class:`LearnError` (exit
    code 3) when the installation lacks it or it cannot be read."""
    try:
        return RelevanceModel.read(resources.files("briefgen.data").joinpath(MODEL_RESOURCE).read_bytes())
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        raise LearnError(f"the default topics' relevance model ({MODEL_RESOURCE}) cannot be read: {exc}",
                         "reinstall briefgen, or set relevance_model = false under [ranking] to go by the terms alone") from exc


# --- fitting (needs scikit-learn: ``pip install briefgen[learn]``) ---------------------------------


@dataclass(frozen=True)
class Labelled:
    text: str
    label: str  #: a class (:data:`CATEGORY_TOPIC`'s values, or :data:`NONE`)
    year: int


def read_portal_labels(path: Path) -> list[Labelled]:
    """The portal's reports with their section (those of no category left out)."""
    hint = 'give the portal\'s JSON lines file: each line an object with "date", "category" and "summary"'

    def labelled(row: Any) -> Labelled | None:
        if row["category"] in UNFILED or not str(row["summary"]).strip():
            return None
        return Labelled(str(row["summary"]), CATEGORY_TOPIC.get(row["category"], NONE), int(row["date"][:4]))

    rows = list(json_lines(path, labelled, "a portal item", hint))
    if not rows:
        raise NothingToReport(f"no portal item in {path}", hint)
    return rows


def fit(texts: Sequence[str], labels: Sequence[str], topics: Sequence[Topic], c: float, balanced: bool,
        min_df: int = 2) -> RelevanceModel:
    """A model fitted on the texts and their classes; ``topics``' term lists are features."""
    from sklearn.linear_model import LogisticRegression

    matrix = term_matrix(texts)
    df: dict[str, int] = {}
    for text_stems in matrix.stems:
        for feature in set(features(text_stems)):
            df[feature] = df.get(feature, 0) + 1
    vocabulary = sorted(f for f, n in df.items() if n >= min_df)
    idf = np.log((1 + len(texts)) / (1 + np.array([df[f] for f in vocabulary], dtype=np.float64))) + 1.0
    classes = tuple(sorted(set(labels)))
    model = RelevanceModel(classes, tuple(t.name for t in topics), vocabulary, idf, np.zeros((0, 0)), np.zeros(0))
    regression = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)
    regression.fit(model.features(matrix, topics), [classes.index(label) for label in labels])
    model.coef, model.intercept = regression.coef_.T.copy(), regression.intercept_.copy()
    return model


def macro_f1(predicted: Sequence[str], gold: Sequence[str], classes: Sequence[str]) -> dict[str, float]:
    """F1 of each class and their mean (``macro``)."""
    scores = {}
    for label in classes:
        tp = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
        fp = sum(p == label != g for p, g in zip(predicted, gold, strict=True))
        fn = sum(g == label != p for p, g in zip(predicted, gold, strict=True))
        scores[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    scores["macro"] = float(np.mean([scores[c] for c in classes]))
    return scores


def predict(model: RelevanceModel, texts: Sequence[str], topics: Sequence[Topic]) -> list[str]:
    """The likeliest class of each text."""
    probabilities = model.probabilities(term_matrix(texts), topics)
    return [model.classes[i] for i in np.argmax(probabilities, axis=1)]


def section_relevance(terms: np.ndarray, matrix: TermMatrix, topics: Sequence[Topic], floor: float,
                      model: RelevanceModel | None = None) -> np.ndarray:
    """The texts × topics relevance the sections draw on, from the term rule's scores (``terms``)
    and the model (:func:`default_model` unless given) for the topics it knows.

    The model says how likely a text is news of any of its sections (one minus its probability of
    ``none``; at least :data:`VOUCHED` where the text holds :data:`VOUCH_TERMS` strong terms of one
    of those topics) and how that splits between them; the desk's term lists say how the split should go
    by the desk's own lines (a railway agreement between governments is trade to this desk, while
    the portal's editors often filed such agreements under international relations). A known
    topic's relevance is its probability with the split taken :data:`TERM_SHARE` from the terms'
    scores (where any term of those topics matches) and the rest from the model:

        p(on) × ((1 − TERM_SHARE) × p(topic | on) + TERM_SHARE × terms(topic) / Σ terms)

    and 0 where that is under ``floor``. A topic the model does not know keeps its term score."""
    model = model or default_model()
    known = np.array([bool(model.columns_of(t)) for t in topics], dtype=bool)
    if not known.any() or not matrix.counts.shape[0]:
        return terms
    counts = model.term_counts(matrix, topics)
    probabilities = model.topic_probabilities(matrix, topics, counts)
    p = probabilities[:, known]
    on = p.sum(axis=1, keepdims=True)
    strong = np.where(counts[:, 2::3] > 0, 0.0, counts[:, 0::3])  # an excluded term: no vouching
    vouched = (strong >= VOUCH_TERMS).any(axis=1, keepdims=True)
    on = np.where(vouched, np.maximum(on, VOUCHED), on)
    by_terms = terms[:, known]
    total = by_terms.sum(axis=1, keepdims=True)
    split = np.where(total > 0, by_terms / np.where(total > 0, total, 1.0), p / np.maximum(on, 1e-12))
    share = (1.0 - TERM_SHARE) * p + TERM_SHARE * on * split
    found = terms.copy()
    found[:, known] = np.where(share >= floor, share, 0.0)
    return found


CS = (1.0, 4.0, 16.0)  #: inverse regularisation strengths tried
TRAIN_YEARS = (2011, 2015)  #: the years learned from; the last is first held out to choose ``C``


def train(path: Path, topics: Sequence[Topic], years: tuple[int, int] = TRAIN_YEARS) -> RelevanceModel:
    """The model of the portal's reports of ``years``: ``C`` chosen by macro F1 on the last
    year, fitted on the years before it; then fitted again on all of them."""
    rows = [r for r in read_portal_labels(path) if years[0] <= r.year <= years[1]]
    older = [r for r in rows if r.year < years[1]]
    newest = [r for r in rows if r.year == years[1]]
    tried = {}
    for c in CS:
        model = fit([r.text for r in older], [r.label for r in older], topics, c, balanced=False)
        tried[c] = macro_f1(predict(model, [r.text for r in newest], topics), [r.label for r in newest], model.classes)["macro"]
    best = max(CS, key=lambda c: tried[c])
    model = fit([r.text for r in rows], [r.label for r in rows], topics, best, balanced=False)
    model.info = {"data": "Wikipedia Current Events Portal (CC BY-SA 4.0)", "years": list(years), "reports": len(rows),
                  "C": best, f"macro F1 on {years[1]}, fitted on the years before": {str(c): round(f, 4) for c, f in tried.items()}}
    return model
