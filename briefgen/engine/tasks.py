"""What the workers do: every function here runs as a Dask task, on a partition of the corpus
(a run of consecutive files) or of the window (a run of consecutive articles).

A partition's data stays on its worker (the driver holds its future); what goes back to the
driver is small: per article its metadata and near-duplicate signature (and, for the window's,
its title and lead and the topics it reports on), per partition its stems with their document
frequencies, the largest relevance of each topic, the likeliest candidates' scores, and in the
end the text and term rows of the few thousand candidates that can become bullets and of the
sentences close to them. Each computation is the one :mod:`briefgen.pipeline` does on the whole
window, row by row, so that the results are the same to the bit: term weights use the
vocabulary and IDF of the whole window, reduced on the driver (:func:`vocabulary_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from briefgen.config import Options
from briefgen.dedupe import THRESHOLD, jaccard, shingles, signatures
from briefgen.errors import ArticleError
from briefgen.learn import article_text, model_for
from briefgen.load import FileResult, load_file, text_digest
from briefgen.models import Article, Sentence, Topic
from briefgen.pipeline import POINTING_BACK, TOPIC_SHARE, article_topics, likeliest
from briefgen.rank import lead_prior, points_back, position_prior, recency_prior
from briefgen.score import TermMatrix, compile_topic, relevance, transform, weigh
from briefgen.split import split_article
from briefgen.stories import article_key
from briefgen.text import stems
from briefgen.web.chart import about_text

# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the driver keeps of an article: no text (its signature is a row of its run's)."""

    id: str
    title: str
    source: str
    date: dt.date | None
    url: str
    path: str
    digest: bytes  #: :func:`briefgen.load.text_digest` of its text
    words: bool  #: whether the text has a word

    def stub(self, article_id: str) -> Article:
        """The article without its text, under its id in the corpus (for the Sources)."""
        return Article(article_id, self.title, self.source, self.date, self.url, self.path, "")


def load_part(paths: Sequence[Path], ids: Sequence[str], folder: Path, max_bytes: int) -> list[FileResult]:
    """Load the files ``paths`` of the corpus ``folder`` (as :func:`briefgen.load.load_corpus`)."""
    found = []
    for path, article_id in zip(paths, ids, strict=True):
        try:
            found.append(load_file(path, article_id, max_bytes, corpus=folder))
        except ArticleError as problem:
            found.append(FileResult(problems=[problem]))
    return found


def part_meta(part: list[FileResult]) -> tuple[list[tuple[list[ArticleMeta], list[ArticleError], list[str]]], np.ndarray]:
    """Each file's articles' metadata, problems and warnings; and the MinHash signatures
    (:func:`briefgen.dedupe.signatures`) of all the run's articles, in order, one a row."""
    texts = [a.text for found in part for a in found.articles]
    shingled = shingles(texts)
    words = np.diff(shingled.bounds) > 0
    out, k = [], 0
    for found in part:
        metas = []
        for a in found.articles:
            metas.append(ArticleMeta(a.id, a.title, a.source, a.date, a.url, a.path, text_digest(a.text), bool(words[k])))
            k += 1
        out.append((metas, found.problems, found.warnings))
    return out, signatures(shingled)


def about_articles(part: list[FileResult], wanted: Sequence[tuple[int, int]], topics: Sequence[Topic]) -> np.ndarray:
    """Whether each article ``wanted`` (file, article) is about each topic (for the coverage
    chart: :func:`briefgen.doctopic.documents_about`)."""
    from briefgen.doctopic import documents_about

    return documents_about([about_text(_article(part, at)) for at in wanted], topics)


def _article(part: list[FileResult], at: tuple[int, int]) -> Article:
    return part[at[0]].articles[at[1]]


def similar_pairs(first: list[FileResult], second: list[FileResult],
                  pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> list[bool]:
    """Whether each likely pair (an article of ``first``, one of ``second``, each as (file,
    article)) is a pair of near-duplicates: :func:`briefgen.dedupe.duplicate_groups`'s test."""
    cache: dict[tuple[int, tuple[int, int]], np.ndarray] = {}

    def shingled(side: int, part: list[FileResult], at: tuple[int, int]) -> np.ndarray:
        if (side, at) not in cache:
            cache[(side, at)] = shingles([_article(part, at).text]).of(0)
        return cache[(side, at)]

    return [jaccard(shingled(0, first, a), shingled(1, second, b)) >= THRESHOLD for a, b in pairs]


def holding_texts(part: list[FileResult], wanted: Sequence[tuple[tuple[int, int], str]]) -> list[bool]:
    """Whether each article (file, article) of ``part`` holds the sentence asked with it
    (:func:`briefgen.assemble.holding_in`)."""
    from briefgen.assemble import holding_in

    def text_of(at: tuple[int, int]) -> str:
        return _article(part, at).text

    return holding_in(text_of)(wanted)


def window_articles(wanted: Sequence[tuple[int, tuple[int, int], str]], *parts: list[FileResult]) -> list[Article]:
    """The articles of a run of the window: each (index into ``parts``, (file, article), id)."""
    return [replace(_article(parts[p], at), id=article_id) for p, at, article_id in wanted]


# --- the briefing --------------------------------------------------------------------------


@dataclass
class SplitPart:
    """A run of the window's articles split into the sentences that may be reported."""

    articles: list[Article]
    sentences: list[Sentence]
    owner: np.ndarray  #: each sentence's article, an index into ``articles``
    stems: list[list[str]]


def split_part(articles: list[Article], options: Options) -> SplitPart:
    """Split the articles and keep the sentences of reportable length (as
    :func:`briefgen.pipeline.candidates`)."""
    limits = options.ranking
    sentences: list[Sentence] = []
    owner: list[int] = []
    for index, article in enumerate(articles):
        for sentence in split_article(article):
            if not sentence.is_heading and limits.min_words <= len(sentence.text.split()) <= limits.max_words:
                sentences.append(sentence)
                owner.append(index)
    return SplitPart(articles, sentences, np.array(owner, dtype=np.int64), [stems(s.text) for s in sentences])


def keys_of(part: SplitPart) -> list[str]:
    """Each article's title and lead, which the driver groups into stories
    (:func:`briefgen.stories.article_key`)."""
    return [article_key(a) for a in part.articles]


def vocabulary_of(part: SplitPart) -> tuple[int, list[str], np.ndarray]:
    """The map step of the term weights: the number of sentences, the stems in the order they
    first appear, and how many sentences hold each."""
    order: dict[str, int] = {}
    for text_stems in part.stems:
        for s in text_stems:
            order.setdefault(s, len(order))
    df = np.zeros(len(order), dtype=np.int64)
    for text_stems in part.stems:
        for s in set(text_stems):
            df[order[s]] += 1
    return len(part.stems), list(order), df


@dataclass
class ScoredPart:
    """A run of the window's sentences weighed with the whole window's vocabulary and IDF."""

    split: SplitPart
    offset: int  #: the row of its first sentence in the whole window
    article_offset: int  #: the index of its first article in the window
    matrix: TermMatrix
    relevance: np.ndarray
    prior: np.ndarray
    lead: np.ndarray
    standalone: np.ndarray
    seen: np.ndarray
    candidate: np.ndarray  #: sentences × topics: a candidate of the topic
    best: np.ndarray  #: per topic, the largest relevance of a candidate (0: none)


def score_part(part: SplitPart, offset: int, article_offset: int, weights: tuple[dict[str, int], np.ndarray],
               options: Options, end: dt.date, history: Sequence[str]) -> ScoredPart:
    """Weigh and score the sentences (:func:`briefgen.pipeline.candidates`, ``rank_topics`` and
    ``history_similarity``, row by row)."""
    vocabulary, idf = weights
    indptr: list[int] = [0]
    indices: list[int] = []
    for text_stems in part.stems:
        indices.extend(vocabulary[s] for s in text_stems)
        indptr.append(len(indices))
    counts = sp.csr_matrix((np.ones(len(indices), dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
                           shape=(len(part.stems), len(idf)))
    counts.sum_duplicates()
    matrix = TermMatrix(counts, weigh(counts, idf), idf, vocabulary, part.stems, counts.tocsc())
    scores = relevance(matrix, [compile_topic(t) for t in options.topics])
    for j, topic in enumerate(options.topics):
        model = model_for(topic)
        if model is not None and len(part.owner):  # the section draws on the articles the model accepts
            about = model.predict([article_text(a) for a in part.articles])
            scores[~about[part.owner], j] = 0.0
    standalone = np.array([not points_back(s.text) for s in part.sentences], dtype=bool)
    ranking = options.ranking
    positions = np.array([s.position for s in part.sentences], dtype=np.float64)
    age = (np.array([(end - (a.date or end)).days for a in part.articles], dtype=np.float64)[part.owner]
           if len(part.owner) else np.zeros(0))
    recency = recency_prior(age, ranking.recency)
    prior = position_prior(positions, ranking.position_weight) * np.where(standalone, 1.0, POINTING_BACK) * recency
    lead = lead_prior([s.text for s in part.sentences], part.owner, ranking.min_words) * recency
    best = scores.max(axis=1) if scores.size else np.zeros(len(part.sentences))
    candidate = (scores > 0) & (scores >= TOPIC_SHARE * best[:, None]) if scores.size else np.zeros(scores.shape, dtype=bool)
    top = np.array([scores[candidate[:, j], j].max() if candidate[:, j].any() else 0.0 for j in range(scores.shape[1])])
    seen = np.zeros(len(part.sentences))
    if history and part.sentences:
        seen = np.asarray((matrix.tfidf @ transform(matrix, history).T).max(axis=1).todense()).ravel()
    return ScoredPart(part, offset, article_offset, matrix, scores, prior, lead, standalone, seen, candidate, top)


def best_of(part: ScoredPart) -> np.ndarray:
    return part.best


def likeliest_of(part: ScoredPart, top: np.ndarray, pool_size: int,
                 duplicate: float) -> tuple[list[tuple[np.ndarray, np.ndarray]], tuple[np.ndarray, np.ndarray]]:
    """Per topic, the partition's likeliest candidates (window rows and bias, at most
    ``pool_size``: the whole window's are among them), and the rows that repeat the previous
    briefing (never picked) with their similarity to it."""
    found = []
    for j in range(part.relevance.shape[1]):
        rows = np.flatnonzero(part.candidate[:, j])
        if len(rows) == 0:
            found.append((rows + part.offset, np.zeros(0)))
            continue
        bias = part.relevance[rows, j] / top[j] * part.prior[rows]
        if len(rows) > pool_size:
            keep = likeliest(bias, pool_size)
            rows, bias = rows[keep], bias[keep]
        found.append((rows + part.offset, bias))
    repeated = np.flatnonzero(part.seen >= duplicate)
    return found, (repeated + part.offset, part.seen[repeated])


def about_of(part: ScoredPart) -> tuple[np.ndarray, np.ndarray]:
    """How much each of the run's articles reports on each topic (:func:`briefgen.pipeline.article_topics`)."""
    return article_topics(part.relevance, part.split.owner, len(part.split.articles))


@dataclass(frozen=True)
class Rows:
    """What the driver needs of some sentences of the window (all candidates of a ranking)."""

    rows: np.ndarray  #: window rows
    sentences: list[Sentence]
    tfidf: sp.csr_matrix
    counts: sp.csr_matrix
    relevance: np.ndarray
    lead: np.ndarray
    standalone: np.ndarray
    seen: np.ndarray


def rows_of(part: ScoredPart, rows: np.ndarray) -> Rows:
    local = np.asarray(rows, dtype=np.int64) - part.offset
    return Rows(np.asarray(rows, dtype=np.int64), [part.split.sentences[r] for r in local], part.matrix.tfidf[local],
                part.matrix.counts[local], part.relevance[local], part.lead[local], part.standalone[local], part.seen[local])


def owners_of(part: ScoredPart) -> np.ndarray:
    """The window index of each sentence's article."""
    return part.split.owner + part.article_offset


def close_to(part: ScoredPart, candidates: sp.csr_matrix, duplicate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Sentence]]:
    """The pairs of a sentence of the run and a candidate (a row of ``candidates``, rows of the
    window's TF-IDF) whose cosine is at least ``duplicate``: the sentences' window rows, the
    candidates' indexes, the cosines, and the sentences (each row's dot product is the one
    :meth:`briefgen.select.Selector.similarities` computes)."""
    similarity = sp.coo_matrix(part.matrix.tfidf @ candidates.T)
    close = similarity.data >= duplicate
    rows, which, values = similarity.row[close], similarity.col[close], similarity.data[close]
    return rows + part.offset, which, values, [part.split.sentences[r] for r in rows]
