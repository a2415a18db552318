"""Learn a topic from labelled examples: "these articles are about trade, those are not".

A topic's terms (``defaults.toml``) say what an analyst expects a story about the topic to
contain; they cannot say how the desk's own reading draws the line — that a story about a trade
*deficit* is trade but one about a coffee *export quota* is not. Given articles the desk has
marked, :func:`learn_topic` fits that line, and the saved model (``briefgen learn``) then
decides which articles a topic's section may draw on (``model = "..."`` in the topic's table).

The model
---------
A logistic regression (scikit-learn) over the TF-IDF of each article's stems and stem pairs
(sublinear term frequency, rows of unit length), **plus the topic's own term rule** as a prior:
the document score of :func:`briefgen.doctopic.topic_scores`, weighted. The decision of an
article is

    coef · tfidf(article) + intercept + prior_weight × rule_score(article)  ≥  threshold

Choosing the settings
---------------------
News drifts: the names and the quarrels of next month are not this month's. So the regularisation
``C``, the prior's weight and the threshold are chosen the way the model will be used — fitted on
the older examples and scored on the newest :data:`HOLDOUT` share of them (the examples are
taken in the order given: oldest first). A random cross-validation rewards memorising this
month's names: on Reuters-21578, a threshold chosen that way (with class-balanced weights) kept
precision at 0.64 on the later test month. When the newest examples hold too few positives,
stratified cross-validation is used instead. The model is then refitted on every example.

The saved model is a NumPy ``.npz`` archive of plain arrays (vocabulary, IDF, weights and the
settings), read back with ``allow_pickle=False``: a model file from elsewhere can hold no code.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from briefgen.doctopic import topic_scores
from briefgen.errors import LearnError
from briefgen.files import Unreadable, printable, read_regular
from briefgen.models import Article, Topic
from briefgen.relevance import features as stem_features
from briefgen.text.words import stems

HOLDOUT = 0.2  #: the newest share of the examples on which the settings are chosen
CS = (4.0, 16.0, 64.0)  #: inverse regularisation strengths tried
PRIOR_WEIGHTS = (0.0, 2.0, 4.0)  #: weights of the topic's term rule tried
MIN_EXAMPLES = 5  #: positives and negatives needed, each
MIN_HOLDOUT_POSITIVES = 5  #: fewer among the newest examples → cross-validation instead
FORMAT_VERSION = 1
MAX_MODEL_BYTES = 500_000_000  #: a model file larger than this is refused


def article_text(article: Article) -> str:
    """What a model reads of an article: its headline, then its text."""
    return f"{article.title}\n\n{article.text}" if article.title else article.text


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, topic: Topic) -> LearnedTopic:
    return LearnedTopic.load(Path(path), topic)


def model_for(topic: Topic) -> LearnedTopic | None:
    """The model named by ``topic.model``, read once per process (and again when the file changes)."""
    if not topic.model:
        return None
    hint = f"train it with `briefgen learn --topic {topic.name}`, or remove model from [topics.{topic.name}]"
    try:
        info = Path(topic.model).stat()
    except OSError as exc:
        raise LearnError(f"{printable(topic.model)}: cannot read the model of topic '{topic.name}': {exc.strerror}", hint) from exc
    if not stat.S_ISREG(info.st_mode):  # checked again on the opened file (LearnedTopic.load)
        raise LearnError(f"{printable(topic.model)}: the model of topic '{topic.name}' is not a regular file", hint)
    return _load_cached(topic.model, info.st_mtime_ns, topic)


def features(text: str) -> list[str]:
    """The features of a text: its stems and each pair of neighbouring stems."""
    return stem_features(stems(text))


def _vectorizer(vocabulary: dict[str, int] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=1 if vocabulary else 2, vocabulary=vocabulary)


@dataclass
class LearnedTopic:
    """A fitted topic model: :meth:`decision` scores articles, :meth:`predict` decides."""

    topic: Topic
    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    prior_weight: float
    threshold: float
    info: dict[str, object] = field(default_factory=dict)  #: how it was chosen, for people

    def __post_init__(self) -> None:
        self._vec = _vectorizer({term: i for i, term in enumerate(self.vocabulary)})
        self._vec.idf_ = self.idf

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """The score of each text; a text is about the topic when it reaches :attr:`threshold`."""
        if not texts:
            return np.zeros(0)
        score = self._vec.transform(texts) @ self.coef + self.intercept
        if self.prior_weight:
            score = score + self.prior_weight * topic_scores(texts, self.topic)
        return np.asarray(score, dtype=np.float64)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Whether each text is about the topic."""
        return self.decision(texts) >= self.threshold

    def save(self, path: Path | BinaryIO) -> None:
        """Write the model to ``path``, a file name or a binary stream (an ``.npz`` archive of plain arrays)."""
        header = {"format": FORMAT_VERSION, "topic": self.topic.name, "title": self.topic.title, "terms": list(self.topic.terms),
                  "related": list(self.topic.related), "exclude": list(self.topic.exclude), "info": self.info}
        if isinstance(path, (str, Path)):  # through a handle: numpy would add ".npz" to a name without it
            with open(path, "wb") as handle:
                self.save(handle)
            return
        np.savez_compressed(
            path, vocabulary=np.array(self.vocabulary, dtype=str), idf=self.idf, coef=self.coef,
            settings=np.array([self.intercept, self.prior_weight, self.threshold]),
            header=np.array(json.dumps(header)),
        )

    @classmethod
    def load(cls, path: Path, topic: Topic | None = None) -> LearnedTopic:
        """Read a model written by :meth:`save`.

        ``topic`` is the topic in force; when omitted, the topic's terms as they were at training
        time are used (they feed the model's prior, so a changed term list changes its scores).
        The file must be a regular file of at most :data:`MAX_MODEL_BYTES` (a named pipe or a
        device is refused, never waited on).
        """
        origin = printable(path)
        try:
            raw = read_regular(Path(path), MAX_MODEL_BYTES)
        except Unreadable as exc:
            if exc.kind == "missing":
                raise LearnError(f"{origin}: no such model file", "train one with `briefgen learn`") from exc
            raise LearnError(f"{origin}: cannot read the model file: {exc.reason}", "train one with `briefgen learn`") from exc
        if not raw.startswith(b"PK\x03\x04"):
            raise LearnError(f"{origin}: not a briefgen topic model (not a NumPy .npz archive)", "train one with `briefgen learn`")
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
                header = json.loads(str(archive["header"]))
                if not isinstance(header, dict):
                    raise ValueError("its header is not a JSON object")
                vocabulary = [str(v) for v in archive["vocabulary"]]
                idf, coef = archive["idf"].astype(np.float64), archive["coef"].astype(np.float64)
                intercept, prior_weight, threshold = (float(v) for v in archive["settings"])
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise LearnError(f"{origin}: not a briefgen topic model ({exc})", "train one with `briefgen learn`") from exc
        if header.get("format") != FORMAT_VERSION or not (len(vocabulary) == len(idf) == len(coef)):
            raise LearnError(f"{origin}: not a briefgen topic model of format {FORMAT_VERSION}", "train it again with `briefgen learn`")
        if topic is None:
            try:
                terms, related, exclude = (tuple(str(t) for t in header[key]) for key in ("terms", "related", "exclude"))
                topic = Topic(str(header["topic"]), str(header.get("title", header["topic"])), terms, related, exclude)
            except (KeyError, TypeError) as exc:
                raise LearnError(f"{origin}: not a briefgen topic model (its header has no usable {exc})",
                                 "train it again with `briefgen learn`") from exc
        return cls(topic, vocabulary, idf, coef, intercept, prior_weight, threshold, dict(header.get("info", {})))


def _best_threshold(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The threshold with the best F1 on ``scores`` (midway between neighbouring scores), and that F1."""
    order = np.argsort(-scores)
    ranked, hits = scores[order], gold[order].astype(np.float64)
    tp = np.cumsum(hits)
    predicted = np.arange(1, len(ranked) + 1)
    f1 = 2 * tp / (predicted + gold.sum())
    # only cut where the next score differs, so that ties fall on one side
    can_cut = np.append(ranked[:-1] > ranked[1:], True)
    f1 = np.where(can_cut, f1, -1.0)
    best = int(np.argmax(f1))
    below = ranked[best + 1] if best + 1 < len(ranked) else ranked[best] - 1.0
    return float((ranked[best] + below) / 2), float(f1[best])


def _fit(matrix: Any, labels: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(matrix, labels)


def _validation_scores(texts: Sequence[str], labels: np.ndarray) -> tuple[list[tuple[float, np.ndarray, np.ndarray]], str]:
    """Held-out decision scores for each ``C`` (without the prior), the examples they score,
    and how they were held out."""
    n = len(texts)
    cut = int(round(n * (1 - HOLDOUT)))
    train, test = np.arange(cut), np.arange(cut, n)
    if labels[test].sum() >= MIN_HOLDOUT_POSITIVES and labels[train].sum() >= MIN_EXAMPLES and (~labels[train]).sum() >= MIN_EXAMPLES:
        folds = [(train, test)]
        how = f"trained on the oldest {cut} examples, scored on the newest {n - cut}"
    else:
        from sklearn.model_selection import StratifiedKFold

        k = int(min(5, labels.sum(), (~labels).sum()))
        folds = list(StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(n), labels))
        how = f"{k}-fold cross-validation (too few positives among the newest examples to hold them out)"
    results = []
    for c in CS:
        scores = []
        for fit_on, score_on in folds:
            vec = _vectorizer()
            model = _fit(vec.fit_transform([texts[int(i)] for i in fit_on]), labels[fit_on], c)
            scores.append(model.decision_function(vec.transform([texts[int(i)] for i in score_on])))
        results.append((c, np.concatenate(scores), np.concatenate([score_on for _, score_on in folds])))
    return results, how


def learn_topic(texts: Sequence[str], labels: Sequence[bool], topic: Topic) -> LearnedTopic:
    """Fit a model of ``topic`` on ``texts`` (oldest first) labelled ``labels`` (about it or not).

    The regularisation, the weight of the topic's term rule and the threshold are chosen on the
    newest :data:`HOLDOUT` of the examples (see the module docstring); the model is then refitted
    on all of them.
    """
    gold = np.asarray(labels, dtype=bool)
    if len(texts) != len(gold):
        raise LearnError(f"{len(texts)} texts but {len(gold)} labels")
    positives, negatives = int(gold.sum()), int((~gold).sum())
    if positives < MIN_EXAMPLES or negatives < MIN_EXAMPLES:
        raise LearnError(f"{positives} examples about '{topic.name}' and {negatives} not: at least {MIN_EXAMPLES} of each are needed",
                         "label more articles")
    prior = topic_scores(texts, topic)
    held_out, how = _validation_scores(texts, gold)
    best: tuple[float, float, float, float] | None = None  # (f1, C, prior weight, threshold)
    for c, scores, scored in held_out:
        for weight in PRIOR_WEIGHTS:
            threshold, f1 = _best_threshold(scores + weight * prior[scored], gold[scored])
            if best is None or f1 > best[0] + 1e-9:
                best = (f1, c, weight, threshold)
    assert best is not None
    f1, c, weight, threshold = best
    vec = _vectorizer()
    model = _fit(vec.fit_transform(list(texts)), gold, c)
    vocabulary = [term for term, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
    info: dict[str, object] = {"examples": len(texts), "positives": positives, "C": c, "validation": how,
                               "validation_f1": round(f1, 4)}
    return LearnedTopic(topic, vocabulary, vec.idf_.astype(np.float64), model.coef_[0].astype(np.float64),
                        float(model.intercept_[0]), weight, threshold, info)
