"""Reuters-21578: reading the collection, and measuring briefgen's document-level topic detection
(:mod:`briefgen.doctopic`) and learned topics (:mod:`briefgen.learn`) against its human labels
(Lewis, 1997).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from briefgen.config import Options, load_options
from briefgen.doctopic import document_evidence, is_about, scores_from_evidence, topic_scores
from briefgen.errors import ConfigError
from briefgen.learn import LearnedTopic, learn_topic
from briefgen.models import Topic

# --------------------------------------------------------------------------- Reuters reader

_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CONTROL = re.compile(r"&#(\d+);")
_TAG = re.compile(r"<[^>]+>")
_TRAILER = re.compile(r"\s*\bReuter\s*$")
_PLACEHOLDER = re.compile(r"\*{3,}|\bBlah blah blah\.?")  #: wire markers; the body of a BRIEF story


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
        if not self.title:
            return self.body
        headline = self.title if self.title.endswith((".", "?", "!")) else f"{self.title}."
        return f"{headline}\n\n{self.body}" if self.body else headline


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
    title = " ".join(_PLACEHOLDER.sub(" ", _clean(_element("TITLE", text_block) or "")).split())
    body = _element("BODY", text_block)
    if body is None:  # TYPE="BRIEF" / "UNPROC": no <BODY>, the text stands bare
        body = _TAG.sub(" ", re.sub(r"<TITLE>.*?</TITLE>|<DATELINE>.*?</DATELINE>", " ", text_block, flags=re.S))
    body = _TRAILER.sub("", _PLACEHOLDER.sub(" ", _clean(body))).strip()
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
    """Precision, recall and F1 of ``predicted`` against ``gold``; 0 where a ratio is undefined."""
    pred = np.asarray(predicted, dtype=bool)
    true = np.asarray(gold, dtype=bool)
    if pred.shape != true.shape:
        raise ValueError(f"predicted has shape {pred.shape}, gold {true.shape}")
    tp = int(np.sum(pred & true))
    fp = int(np.sum(pred & ~true))
    fn = int(np.sum(~pred & true))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TopicEval(topic, precision, recall, f1, tp, fp, fn, int(pred.size))


def find_topic(options: Options | None, topic_name: str) -> Topic:
    """The topic called ``topic_name`` in ``options`` (the packaged defaults when ``None``)."""
    options = options or load_options()
    for topic in options.topics:
        if topic.name == topic_name:
            return topic
    raise ConfigError(f"no topic named '{topic_name}'", f"topics in force: {', '.join(t.name for t in options.topics)}")


def evaluate_docs(docs: Sequence[ReutersDoc], topic: Topic, gold_topic: str) -> TopicEval:
    """Detect ``topic`` in ``docs`` and compare with ``gold_topic`` among their labels."""
    predicted = is_about(topic_scores([d.text for d in docs], topic))
    return prf(predicted, [gold_topic in d.topics for d in docs], topic.name)


def evaluate_topics(folder: Path, topic_name: str = "trade", options: Options | None = None,
                    split: str = "TEST") -> TopicEval:
    """P/R/F1 of :func:`is_about` for the topic ``topic_name`` on one Reuters split.

    The documents are those with ``LEWISSPLIT=split`` and ``TOPICS="YES"`` (3,299 for TEST,
    9,603 for TRAIN); a document's gold label is whether ``topic_name`` is among its <TOPICS>.
    """
    docs = split_docs(read_reuters(folder), split)
    return evaluate_docs(docs, find_topic(options, topic_name), topic_name)


def evaluate_learned(docs: Sequence[ReutersDoc], topic: Topic, gold_topic: str,
                     model_file: Path | None = None) -> tuple[TopicEval, LearnedTopic]:
    """P/R/F1 on the TEST split of ``docs`` of ``topic`` learned from their TRAIN split
    (:mod:`briefgen.learn`), against ``gold_topic`` among their labels.

    The model sees the TRAIN stories only, oldest first (by ``NEWID``); it is fitted afresh on
    each run (nothing learned from Reuters ships with briefgen) and saved to ``model_file`` when
    one is given.
    """
    train = sorted(split_docs(docs, "TRAIN"), key=lambda d: d.newid)
    test = split_docs(docs, "TEST")
    model = learn_topic([d.text for d in train], [gold_topic in d.topics for d in train], topic)
    if model_file is not None:
        model.save(model_file)
    result = prf(model.predict([d.text for d in test]), [gold_topic in d.topics for d in test], topic.name)
    return result, model


def sweep(folder: Path, topic_name: str = "trade", options: Options | None = None, split: str = "TRAIN",
          min_terms: Sequence[int] = (2, 3, 4, 5, 6), min_terms_lead: Sequence[int] = (1, 2, 3, 4),
          shares: Sequence[float] = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5),
          ) -> list[tuple[int, int, float, TopicEval]]:
    """Every ``(min_terms, min_terms_lead, min_share)`` of the rule scored on ``split``, best F1
    first: how the constants were chosen, on TRAIN only."""
    docs = split_docs(read_reuters(folder), split)
    evidence = document_evidence([d.text for d in docs], find_topic(options, topic_name))
    gold = [topic_name in d.topics for d in docs]
    results = []
    for k in min_terms:
        for k_lead in (k_lead for k_lead in min_terms_lead if k_lead <= k):
            scores = scores_from_evidence(evidence, k, k_lead)
            for share in shares:
                results.append((k, k_lead, share, prf(is_about(scores, share), gold, topic_name)))
    return sorted(results, key=lambda r: -r[3].f1)


# --------------------------------------------------------------------------- portal items, sentence level


def _baseline(train: Sequence[object], newest_year: int) -> object:
    """TF-IDF (words, sublinear) + logistic regression, ``C`` chosen on the newest year as the model's is."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from briefgen.relevance import CS, macro_f1

    def fitted(rows: Sequence[object], c: float) -> object:
        return make_pipeline(TfidfVectorizer(sublinear_tf=True, min_df=2),
                             LogisticRegression(C=c, max_iter=3000)).fit([r.text for r in rows], [r.label for r in rows])  # type: ignore[attr-defined]

    older = [r for r in train if r.year < newest_year]  # type: ignore[attr-defined]
    newest = [r for r in train if r.year == newest_year]  # type: ignore[attr-defined]
    labels = sorted({r.label for r in train})  # type: ignore[attr-defined]
    scores = {c: macro_f1(list(fitted(older, c).predict([r.text for r in newest])), [r.label for r in newest], labels)["macro"]  # type: ignore[attr-defined]
              for c in CS}
    return fitted(train, max(CS, key=lambda c: scores[c]))


def evaluate_portal_items(path: Path, options: Options | None = None, test_years: tuple[int, int] = (2016, 2017),
                          baseline: bool = True) -> dict[str, dict[str, TopicEval]]:
    """Precision, recall and F1 per class (the default sections and ``none``; ``macro``: their
    mean F1 in the F1 field) on the portal's reports of ``test_years``, for the shipped relevance
    model, the term lists alone (a report's section is the topic of its highest term score; none
    without a strong term), and (``baseline``) TF-IDF + logistic regression fitted on the model's
    training years (``C`` chosen as the model's is)."""
    from briefgen.relevance import NONE, TRAIN_YEARS, default_model, predict, read_portal_labels
    from briefgen.score import compile_topic, relevance, term_matrix

    options = options or load_options()
    rows = read_portal_labels(path)
    test = [r for r in rows if test_years[0] <= r.year <= test_years[1]]
    gold, texts = np.array([r.label for r in test]), [r.text for r in test]
    model = default_model()
    classes = list(model.classes)
    predicted = {"briefgen relevance model": predict(model, texts, options.topics)}
    known = [t for t in options.topics if t.name in classes]
    terms = relevance(term_matrix(texts), [compile_topic(t) for t in known])
    predicted["term lists alone"] = [known[int(np.argmax(row))].name if row.max() > 0 else NONE for row in terms]
    if baseline:
        train = [r for r in rows if TRAIN_YEARS[0] <= r.year <= TRAIN_YEARS[1]]
        predicted["TF-IDF + logistic regression"] = list(_baseline(train, TRAIN_YEARS[1]).predict(texts))  # type: ignore[attr-defined]
    results = {}
    for system, labels in predicted.items():
        scores = {c: prf(np.array(labels) == c, gold == c, c) for c in classes}
        macro = float(np.mean([e.f1 for e in scores.values()]))
        scores["macro"] = TopicEval("macro", float(np.mean([e.precision for e in scores.values()])),
                                    float(np.mean([e.recall for e in scores.values()])), macro, 0, 0, 0, len(test))
        results[system] = scores
    return results
