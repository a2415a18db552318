"""Stage 3, score: sentences × topics → a TF-IDF matrix and a topic relevance matrix.

A topic's terms are matched as words and their inflections (``tariffs`` matches ``tariff``,
``talks`` matches ``talk``), not as whatever shares their stem: ``observer`` does not match
``observation`` (:func:`briefgen.text.same_word`). A phrase matches when its words stand next to
each other, stop words aside. The stems find the texts that may hold a term; the words decide. A matched term weighs its IDF, so rare
terms count for more than words every sentence has; ``related`` terms weigh half and never make
a sentence relevant alone; an ``exclude`` term sets the sentence's relevance to zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain

import numpy as np
import scipy.sparse as sp

from briefgen.models import Topic
from briefgen.text.words import content_words, same_word, stem, stem_lists, stems

RELATED_WEIGHT = 0.5


@dataclass(frozen=True)
class TermMatrix:
    """Stemmed bag-of-words of a list of texts."""

    counts: sp.csr_matrix  #: texts × vocabulary, raw counts
    tfidf: sp.csr_matrix  #: texts × vocabulary, sublinear TF × IDF, rows of unit length
    idf: np.ndarray
    vocabulary: dict[str, int]
    stems: list[list[str]]  #: each text's stems, in order (for phrase matching)
    by_term: sp.csc_matrix | None  #: ``counts`` by column, to find the texts holding a term (``None``: :meth:`weights_only`)
    #: each text's content words, one a stem (terms match them as words); ``None``: stems only
    words: list[list[str]] | None = None
    #: every text's stems as ``vocabulary`` columns, in order, text after text (:func:`column_dtype`; ``None``: not kept)
    tokens: np.ndarray | None = None
    #: the rows that hold each term asked of :func:`term_rows` so far (the sections' term rule and
    #: the relevance model ask for the same terms)
    found: dict[Term, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def weights_only(self) -> TermMatrix:
        """The matrix without what finding terms reads (its texts' stems, words and tokens, its
        counts by column, the rows found): its counts and weights alone, as a scored part keeps
        it for the rest of a run (a window's stems and counts by column are hundreds of bytes a
        sentence). Terms cannot be found in it."""
        return replace(self, stems=[], by_term=None, words=None, tokens=None, found={})


def term_matrix(texts: Sequence[str]) -> TermMatrix:
    """The count and TF-IDF matrices of ``texts``: the map and reduce steps of a window's term
    weights (:func:`stem_frequencies`, :func:`vocabulary`) on one part that holds them all."""
    all_words = [content_words(text) for text in texts]
    all_stems = stem_lists(all_words)
    return matrix_of(all_stems, *vocabulary([stem_frequencies(all_stems)]), words=all_words)


@dataclass(frozen=True)
class Frequencies:
    """A part's term statistics: what :func:`vocabulary` reduces."""

    texts: int  #: how many texts the part holds
    stems: list[str]  #: its stems, in the order they first appear
    df: np.ndarray  #: how many of its texts hold each


def stem_frequencies(text_stems: Sequence[Sequence[str]]) -> Frequencies:
    """The map step of the term weights: each text's stems (``text_stems``) counted."""
    order = list(dict.fromkeys(chain.from_iterable(text_stems)))  # in the order they first appear
    held = Counter(chain.from_iterable(map(set, text_stems)))  # each text counts a stem once
    return Frequencies(len(text_stems), order, np.fromiter(map(held.__getitem__, order), dtype=np.int64, count=len(order)))


def vocabulary(parts: Iterable[Frequencies]) -> tuple[dict[str, int], np.ndarray]:
    """The reduce step of the term weights: the vocabulary of all ``parts`` (stems in the order
    they first appear, part after part) and each stem's IDF, ``log((1 + n) / (1 + df)) + 1``.
    The parts are folded in one at a time, so that a caller may hand them over as they come."""
    columns: dict[str, int] = {}
    df = np.zeros(1, dtype=np.int64)
    total = 0
    for part in parts:
        where = np.array([columns.setdefault(s, len(columns)) for s in part.stems], dtype=np.int64)
        if len(columns) > len(df):  # grown by doubling
            df = np.concatenate([df, np.zeros(max(len(columns), 2 * len(df)) - len(df), dtype=np.int64)])
        df[where] += part.df  # a part's stems are distinct
        total += part.texts
    return columns, np.log((1 + total) / (1 + df[:max(len(columns), 1)])) + 1.0


def matrix_of(text_stems: Sequence[list[str]], columns: dict[str, int], idf: np.ndarray,
              words: Sequence[list[str]] | None = None) -> TermMatrix:
    """The term matrices of texts (their stems, ``text_stems``) in a vocabulary (``columns``,
    ``idf``: :func:`vocabulary`) that holds all their stems; ``words``, the texts' content words
    (one a stem), lets terms match as words."""
    lengths = np.fromiter(map(len, text_stems), dtype=np.int64, count=len(text_stems))
    tokens = np.fromiter(map(columns.__getitem__, chain.from_iterable(text_stems)), dtype=column_dtype(len(idf)),
                         count=int(lengths.sum()))
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    counts = sp.csr_matrix((np.ones(len(tokens), dtype=np.float64), tokens.copy(), indptr), shape=(len(text_stems), len(idf)))
    counts.sum_duplicates()
    return TermMatrix(counts, weigh(counts, idf), idf, columns, list(text_stems), counts.tocsc(),
                      None if words is None else list(words), tokens)


def column_dtype(width: int) -> type[np.signedinteger]:
    """The narrowest of int32 and int64 that holds a column of a ``width``-column vocabulary (as
    scipy picks its sparse matrices' index type): a window's tokens in half the memory."""
    return np.int32 if width <= np.iinfo(np.int32).max else np.int64


def weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF × IDF, rows of unit length."""
    tf = counts.copy()
    tf.data = 1.0 + np.log(tf.data)
    return normalize_rows(tf @ sp.diags(idf))


def transform(matrix: TermMatrix, texts: Sequence[str]) -> sp.csr_matrix:
    """TF-IDF rows of other ``texts`` in ``matrix``'s vocabulary (unknown stems are left out)."""
    rows, columns = [], []
    for row, text in enumerate(texts):
        for s in stems(text):
            column = matrix.vocabulary.get(s)
            if column is not None:
                rows.append(row)
                columns.append(column)
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(texts), matrix.counts.shape[1]))
    counts.sum_duplicates()
    return weigh(counts, matrix.idf)


def normalize_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


@dataclass(frozen=True)
class Term:
    """A term of a topic: its stems, which find the texts that may hold it, and the ways it is
    written (its content words; several when the list names inflections of one word), which decide."""

    stems: tuple[str, ...]
    spellings: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class CompiledTopic:
    """A topic's terms, compiled for matching."""

    topic: Topic
    terms: tuple[Term, ...]
    related: tuple[Term, ...]
    exclude: tuple[Term, ...]


def compile_topic(topic: Topic) -> CompiledTopic:
    def compiled(terms: Sequence[str]) -> tuple[Term, ...]:
        spellings: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for term in terms:
            words = tuple(content_words(term))
            if words:
                spellings.setdefault(tuple(stem(w) for w in words), []).append(words)
        return tuple(Term(key, tuple(dict.fromkeys(found))) for key, found in spellings.items())
    return CompiledTopic(topic, compiled(topic.terms), compiled(topic.related), compiled(topic.exclude))


def term_rows(matrix: TermMatrix, term: Term) -> np.ndarray:
    """Row indices of the texts that hold the term (a word or a phrase, or an inflection of it),
    found once a matrix (kept in :attr:`TermMatrix.found`; read only)."""
    rows = matrix.found.get(term)
    if rows is None:
        rows = matrix.found[term] = _term_rows(matrix, term)
        rows.flags.writeable = False
    return rows


def _term_rows(matrix: TermMatrix, term: Term) -> np.ndarray:
    seq = term.stems
    if any(s not in matrix.vocabulary for s in seq):
        return np.empty(0, dtype=np.int64)
    columns = [matrix.vocabulary[s] for s in seq]
    rows = _column_rows(matrix, columns[0])
    for column in columns[1:]:
        rows = np.intersect1d(rows, _column_rows(matrix, column))
    if len(rows) == 0 or (len(seq) == 1 and matrix.words is None):
        return rows
    return np.array([r for r in rows if _holds(matrix, int(r), term)], dtype=np.int64)


def _column_rows(matrix: TermMatrix, column: int) -> np.ndarray:
    by_term = matrix.by_term
    if by_term is None:
        raise ValueError("terms are found in a matrix before it is kept with its weights only")
    return by_term.indices[by_term.indptr[column]:by_term.indptr[column + 1]]


def _holds(matrix: TermMatrix, row: int, term: Term) -> bool:
    """Whether the text holds the term's stems side by side, written as one of its spellings
    or an inflection of it (by stems alone when the matrix keeps no words)."""
    haystack, needle, n = matrix.stems[row], term.stems, len(term.stems)
    words = matrix.words[row] if matrix.words is not None else None
    for i in range(len(haystack) - n + 1):
        if haystack[i] == needle[0] and tuple(haystack[i:i + n]) == needle and (
                words is None or any(all(same_word(words[i + k], w) for k, w in enumerate(spelling)) for spelling in term.spellings)):
            return True
    return False


def term_hits(matrix: TermMatrix, terms: Sequence[Term]) -> np.ndarray:
    """How many of the ``terms`` each text holds."""
    hits = np.zeros(matrix.counts.shape[0])
    for term in terms:
        hits[term_rows(matrix, term)] += 1
    return hits


def _weighted(matrix: TermMatrix, terms: tuple[Term, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(sum of matched terms' IDF, number of matched terms) per text."""
    weight = np.zeros(matrix.counts.shape[0])
    hits = np.zeros(matrix.counts.shape[0])
    for term in terms:
        rows = term_rows(matrix, term)
        if len(rows):
            weight[rows] += max(matrix.idf[matrix.vocabulary[s]] for s in term.stems)
            hits[rows] += 1
    return weight, hits


def relevance(matrix: TermMatrix, topics: Sequence[CompiledTopic]) -> np.ndarray:
    """texts × topics relevance; zero where no strong term of the topic matches."""
    scores = np.zeros((matrix.counts.shape[0], len(topics)))
    for j, topic in enumerate(topics):
        strong, strong_hits = _weighted(matrix, topic.terms)
        related, _ = _weighted(matrix, topic.related)
        excluded, _ = _weighted(matrix, topic.exclude)
        score = strong + RELATED_WEIGHT * related
        score[(strong_hits == 0) | (excluded > 0)] = 0.0
        scores[:, j] = score
    return scores

