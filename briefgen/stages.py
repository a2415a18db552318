"""The briefing's stages as map and reduce steps, written once.

A *part* is a run of consecutive articles of the window. The map steps are pure functions of
one part (and of what a reduce step sent them); the local run maps them over one part that
holds the whole window, the Dask engine over many parts on its workers
(:mod:`briefgen.engine`), and the reduce steps (:func:`briefgen.score.vocabulary`,
:func:`pool`) are the same in both. In the order :func:`briefgen.pipeline.brief_parts` runs them:

1. :func:`split_part` (map): the reportable sentences of each article, their stems, and each
   article's story key (title and lead); :func:`frequencies` (map) their stems' document
   frequencies; :func:`briefgen.score.vocabulary` (reduce) the window's vocabulary and IDF.
2. :func:`score_part` (map): the term rows of the sentences in the window's vocabulary, their
   relevance to each topic (:func:`briefgen.about.topic_scores`: the one place a topic's score is made), their
   priors (:func:`sentence_priors`: position, pointing back, recency; the lead), the candidates
   of each topic, and the similarity to the previous briefing; :func:`best_of` (map, reduced by
   a maximum) each topic's largest relevance.
3. :func:`likeliest_of` (map) each topic's likeliest candidates; :func:`pool` (reduce) the
   window's ``pool_size`` likeliest; :func:`rows_of` (map) their text and term rows.
4. :func:`close_to` (map): the sentences that say what a candidate says; :func:`about_of` (map)
   how much each article reports on each topic; :func:`keys_of` and :func:`owners_of`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from briefgen.about import article_topics, candidate_mask, reportable, topic_scores
from briefgen.config import Options, RankingOptions
from briefgen.models import Article, Sentence, Topic
from briefgen.parallel import Progress, map_items
from briefgen.rank import lead_prior, points_back, position_prior, recency_prior
from briefgen.score import (
    Frequencies,
    TermMatrix,
    compile_topic,
    matrix_of,
    stem_frequencies,
    transform,
)
from briefgen.stories import StorySettings, article_key
from briefgen.text.split import Split
from briefgen.text.words import stem_lists

log = logging.getLogger(__name__)

POINTING_BACK = 0.5  # the bias of a sentence that opens by pointing back, beside 1 (it still lends centrality)
CLOSE_ROWS = 2048  #: sentences whose cosines with the candidates are taken at once (:func:`close_to`)


@dataclass(frozen=True)
class Settings:
    """What the stages of a briefing need of the options, built once at the top of a run
    (:meth:`of`) and passed down."""

    title: str
    topics: tuple[Topic, ...]
    ranking: RankingOptions
    stories: StorySettings
    key_points: int
    items_per_section: int
    empty_section: str

    @classmethod
    def of(cls, options: Options) -> Settings:
        return cls(options.title, options.topics, options.ranking,
                   StorySettings(options.stories.lift, options.stories.time_scale), options.key_points,
                   options.items_per_section, options.empty_section)


# --- 1. split ------------------------------------------------------------------------------


@dataclass
class Part:
    """A run of the window's articles split into the sentences that may be reported."""

    articles: list[Article]
    sentences: list[Sentence]
    owner: np.ndarray  #: each sentence's article, an index into ``articles``
    stems: list[list[str]]  #: each sentence's stems
    keys: list[str]  #: each article's title and lead (:func:`briefgen.stories.article_key`)
    words: list[list[str]]  #: each sentence's content words, one a stem (terms match them as words)


def split_part(articles: Sequence[Article], settings: Settings, jobs: int = 1,
               progress: Progress[Split] | None = None,
               known: Sequence[Split | None] | None = None,
               remember: Callable[[Sequence[Article], Sequence[Split]], None] | None = None) -> Part:
    """Split the articles (over ``jobs`` processes; :meth:`briefgen.text.split.Split.of`) and
    keep the sentences of reportable length (no heading, ``min_words`` to ``max_words`` words);
    each article's story key is taken from the same split. ``known``: each article's sentences
    and words when already split (the corpus index keeps them,
    :meth:`briefgen.corpus_index.IndexedCorpus.sentences`), ``None`` where not: only those are
    split here, and given to ``remember`` (with their articles) when it is given, so that the
    coverage chart need not split them again (:meth:`briefgen.load.LoadResult.remember`)."""
    known = known if known is not None else [None] * len(articles)
    todo = [k for k, one in enumerate(known) if one is None]
    split = list(known)
    made = map_items(Split.of, [articles[k] for k in todo], jobs, progress)
    for k, one in zip(todo, made, strict=True):
        split[k] = one
    if remember is not None and todo:
        remember([articles[k] for k in todo], made)
    sentences: list[Sentence] = []
    owner: list[int] = []
    keys: list[str] = []
    words: list[list[str]] = []
    for index, its in enumerate(split):
        assert its is not None
        keys.append(article_key(articles[index], its.sentences))
        for sentence, its_words in zip(its.sentences, its.words, strict=True):
            if reportable(sentence, settings.ranking):
                sentences.append(sentence)
                owner.append(index)
                words.append(its_words)
    return Part(list(articles), sentences, np.array(owner, dtype=np.int64), stem_lists(words), keys, words)


def frequencies(part: Part) -> Frequencies:
    """The map step of the window's term weights (:func:`briefgen.score.vocabulary` reduces them)."""
    return stem_frequencies(part.stems)


def keys_of(part: Part) -> list[str]:
    """Each article's title and lead, which the stories group (:func:`briefgen.stories.group_articles`)."""
    return part.keys


# --- 2. score ------------------------------------------------------------------------------


def sentence_priors(positions: np.ndarray, standalone: np.ndarray, age: np.ndarray, texts: Sequence[str],
                    owner: np.ndarray, ranking: RankingOptions) -> tuple[np.ndarray, np.ndarray]:
    """Two priors of each sentence, both times its article's recency (``age`` in days): its
    bias (the position prior, lower for a sentence that opens by pointing back, not
    ``standalone``) and its place in its article's lead (:func:`briefgen.rank.lead_prior`;
    ``owner``: each sentence's article, its sentences in order)."""
    recency = recency_prior(age, ranking.recency)
    prior = position_prior(positions, ranking.position_weight) * np.where(standalone, 1.0, POINTING_BACK) * recency
    return prior, lead_prior(texts, owner, ranking.min_words) * recency


def history_similarity(matrix: TermMatrix, history: Sequence[str]) -> np.ndarray:
    """Each text's highest cosine similarity to a sentence reported before."""
    rows = matrix.counts.shape[0]
    if not history or not rows:
        return np.zeros(rows)
    return np.asarray((matrix.tfidf @ transform(matrix, history).T).max(axis=1).todense()).ravel()


def standalone_at(sentences: Sequence[Sentence], rows: np.ndarray) -> np.ndarray:
    """Whether each sentence stands on its own (does not open by pointing back,
    :func:`briefgen.rank.points_back`), asked only of the sentences at ``rows``: True at every
    other row. A part asks it of its candidates alone, the only rows whose prior and
    standing are ever read (:func:`likeliest_of`, :func:`rows_of`)."""
    standalone = np.ones(len(sentences), dtype=bool)
    standalone[rows] = [not points_back(sentences[r].text) for r in rows.tolist()]
    return standalone


@dataclass
class ScoredPart:
    """A part's sentences weighed with the whole window's vocabulary and IDF, and scored."""

    split: Part  #: the part scored, without its stems (read by the scoring alone)
    offset: int  #: the row of its first sentence in the whole window
    article_offset: int  #: the index of its first article in the window
    matrix: TermMatrix
    relevance: np.ndarray  #: sentences × topics
    prior: np.ndarray  #: exact at the candidates' rows (elsewhere, as if the sentence stood on its own)
    lead: np.ndarray
    standalone: np.ndarray  #: False where a candidate opens by pointing back (never a bullet); True at other rows
    seen: np.ndarray  #: the similarity to the previous briefing
    candidate: np.ndarray  #: sentences × topics: a candidate of the topic
    best: np.ndarray  #: per topic, the largest relevance of a candidate (0: none)


def score_part(part: Part, offset: int, article_offset: int, weights: tuple[dict[str, int], np.ndarray],
               settings: Settings, end: dt.date, history: Sequence[str]) -> ScoredPart:
    """Weigh the part's sentences with the window's ``weights`` (vocabulary, IDF) and score them:
    relevance (:func:`topic_scores`), priors (:func:`sentence_priors`, ages up to ``end``),
    candidates (:func:`candidate_mask`), similarity to the ``history``."""
    matrix = matrix_of(part.stems, *weights, words=part.words)
    scores = topic_scores(matrix, [compile_topic(t) for t in settings.topics], settings.ranking, part.articles, part.owner)
    matrix = matrix.weights_only()  # the rest reads its weights alone: kept so for the rest of the run
    candidate = candidate_mask(scores)
    standalone = standalone_at(part.sentences, np.flatnonzero(candidate.any(axis=1)))
    positions = np.array([s.position for s in part.sentences], dtype=np.float64)
    age = (np.array([(end - (a.date or end)).days for a in part.articles], dtype=np.float64)[part.owner]
           if len(part.owner) else np.zeros(0))
    prior, lead = sentence_priors(positions, standalone, age, [s.text for s in part.sentences], part.owner, settings.ranking)
    best = np.array([scores[candidate[:, j], j].max() if candidate[:, j].any() else 0.0 for j in range(scores.shape[1])])
    return ScoredPart(replace(part, stems=[]), offset, article_offset, matrix, scores, prior, lead, standalone,
                      history_similarity(matrix, history), candidate, best)  # the part without the stems scored


def split_of(part: ScoredPart) -> Part:
    """The part a scored part was scored from, as it keeps it (without its stems)."""
    return part.split


def best_of(part: ScoredPart) -> np.ndarray:
    """Each topic's largest relevance of a candidate (reduced by a maximum)."""
    return part.best


# --- 3. the pool of candidates -------------------------------------------------------------

Found = tuple[np.ndarray, np.ndarray]  #: window rows and their bias


def likeliest(bias: np.ndarray, size: int) -> np.ndarray:
    """The indexes of the ``size`` highest ``bias`` values (the first on a tie), in order."""
    return np.sort(np.argsort(-bias, kind="stable")[:size])


def likeliest_of(part: ScoredPart, top: np.ndarray, pool_size: int, duplicate: float) -> tuple[list[Found], Found]:
    """Per topic, the part's likeliest candidates (window rows and bias: relevance over the
    window's ``top`` of the topic, times the prior; at most ``pool_size``, so that the whole
    window's are among them), and the rows that repeat the previous briefing (cosine at least
    ``duplicate``: never picked) with their similarity to it."""
    found = []
    for j in range(part.relevance.shape[1]):
        rows = np.flatnonzero(part.candidate[:, j])
        bias = part.relevance[rows, j] / top[j] * part.prior[rows] if len(rows) else np.zeros(0)
        found.append(_keep_likeliest(rows + part.offset, bias, pool_size))
    repeated = np.flatnonzero(part.seen >= duplicate)
    return found, (repeated + part.offset, part.seen[repeated])


def _keep_likeliest(rows: np.ndarray, bias: np.ndarray, size: int) -> Found:
    if len(rows) > size:  # keep the graph small: the likeliest candidates
        keep = likeliest(bias, size)
        return rows[keep], bias[keep]
    return rows, bias


def pool(found: Sequence[list[Found]], topics: int, pool_size: int) -> list[Found]:
    """The reduce step of :func:`likeliest_of`: per topic, the window's ``pool_size`` likeliest
    candidates, from each part's."""
    pools = []
    for j in range(topics):
        rows = np.concatenate([np.zeros(0, dtype=np.int64)] + [f[j][0] for f in found])
        bias = np.concatenate([np.zeros(0)] + [f[j][1] for f in found])
        pools.append(_keep_likeliest(rows, bias, pool_size))
    return pools


@dataclass(frozen=True)
class Rows:
    """What the driver holds of some sentences of the window (all candidates of a ranking)."""

    rows: np.ndarray  #: window rows
    sentences: list[Sentence]
    tfidf: sp.csr_matrix
    counts: sp.csr_matrix
    relevance: np.ndarray
    lead: np.ndarray
    standalone: np.ndarray
    seen: np.ndarray

    @classmethod
    def joined(cls, parts: Sequence[Rows]) -> Rows:
        """The rows of ``parts``, in order."""
        if not parts:
            empty = sp.csr_matrix((0, 1))
            return cls(np.zeros(0, dtype=np.int64), [], empty, empty, np.zeros((0, 0)), np.zeros(0), np.zeros(0, dtype=bool),
                       np.zeros(0))
        return cls(np.concatenate([p.rows for p in parts]), [s for p in parts for s in p.sentences],
                   sp.vstack([p.tfidf for p in parts]).tocsr(), sp.vstack([p.counts for p in parts]).tocsr(),
                   np.concatenate([p.relevance for p in parts]), np.concatenate([p.lead for p in parts]),
                   np.concatenate([p.standalone for p in parts]), np.concatenate([p.seen for p in parts]))


def rows_of(part: ScoredPart, rows: np.ndarray) -> Rows:
    """The window ``rows`` the part holds."""
    local = np.asarray(rows, dtype=np.int64) - part.offset
    return Rows(np.asarray(rows, dtype=np.int64), [part.split.sentences[r] for r in local], part.matrix.tfidf[local],
                part.matrix.counts[local], part.relevance[local], part.lead[local], part.standalone[local], part.seen[local])


# --- 4. what selection asks ----------------------------------------------------------------


def close_to(part: ScoredPart, candidates: sp.csr_matrix, duplicate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Sentence]]:
    """The pairs of a sentence of the part and a candidate (a row of ``candidates``, rows of the
    window's TF-IDF) whose cosine is at least ``duplicate``: the sentences' window rows, the
    candidates' indexes, the cosines, and the sentences (each row's dot product is the one
    :meth:`briefgen.select.Selector.similarities` computes). The products are taken
    :data:`CLOSE_ROWS` sentences at a time: all of them at once would hold a cosine for nearly
    every pair that shares a word, only to keep the few that reach ``duplicate``."""
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [(np.zeros(0, dtype=np.int32),) * 2 + (np.zeros(0),)]
    tfidf, transposed = part.matrix.tfidf, candidates.T.tocsr()
    for first in range(0, tfidf.shape[0], CLOSE_ROWS):
        similarity = sp.coo_matrix(tfidf[first:first + CLOSE_ROWS] @ transposed)
        close = similarity.data >= duplicate
        found.append((similarity.row[close] + first, similarity.col[close], similarity.data[close]))
    rows, which, values = (np.concatenate(column) for column in zip(*found, strict=True))
    return rows + part.offset, which, values, [part.split.sentences[r] for r in rows]


def about_of(part: ScoredPart) -> tuple[np.ndarray, np.ndarray]:
    """How much each of the part's articles reports on each topic (:func:`article_topics`)."""
    return article_topics(part.relevance, part.split.owner, len(part.split.articles))


def owners_of(part: ScoredPart) -> np.ndarray:
    """The window index of each sentence's article."""
    return part.split.owner + part.article_offset
