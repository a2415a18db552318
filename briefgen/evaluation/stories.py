"""Story grouping against story-labelled articles: BCubed precision, recall and F1 of
:func:`briefgen.stories.story_labels` by day or by week, beside two baselines (TF-IDF average
link at its best threshold, every article alone); the labelled sets are read here (a JSON lines
file, the bundled corpus with its labels, Issue 19's BBC window)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from briefgen.errors import InputError
from briefgen.evaluation.summaries import read_bbc
from briefgen.files import json_lines

BASELINE_THRESHOLDS = tuple(round(0.01 * i, 2) for i in range(1, 10)) + tuple(round(0.05 * i, 2) for i in range(2, 13))


@dataclass(frozen=True)
class LabelledArticle:
    """An article of a story-labelled data set: what it says, when, and its story."""

    title: str
    text: str  #: the title's article text (may be empty: titles only)
    day: float  #: days since 1 January of year 1, with the time of day when known
    story: str


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float


def read_labelled_stories(path: Path) -> list[LabelledArticle]:
    """A story-labelled JSON lines file (``story_id``, ``date``, ``title``, optional ``text``);
    a line that is not such an object is an :class:`InputError` naming it."""
    import datetime as dt

    def article(row: Any) -> LabelledArticle:
        stamp = dt.datetime.fromisoformat(str(row["date"]).replace("Z", "+00:00"))
        day = stamp.toordinal() + (stamp.hour * 3600 + stamp.minute * 60 + stamp.second) / 86400
        return LabelledArticle(str(row["title"]), str(row.get("text") or ""), day, str(row["story_id"]))

    return list(json_lines(path, article, "a story-labelled article", "give a story-labelled JSON lines file",
                           'each line must be a JSON object with "story_id", "date" and "title"'))


def read_labelled_corpus(corpus: Path, labels: Path) -> list[LabelledArticle]:
    """A corpus folder's dated articles, read as ``daily`` reads them, labelled by a TOML file whose
    ``[stories]`` table maps each story's name to the file names of its articles; an article
    named under no story is a story of its own (its file name)."""
    import tomllib

    from briefgen.load import load_corpus

    try:
        table = tomllib.loads(Path(labels).read_text(encoding="utf-8"))["stories"]
        story_of = {str(name): str(story) for story, names in table.items() for name in names}
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{labels} is not a story labelling ({exc})",
                         "it must hold a [stories] table of story = [file names]") from exc
    articles = []
    for article in load_corpus(Path(corpus)).articles:
        if article.date is not None:
            name = Path(article.path).name
            articles.append(LabelledArticle(article.title, article.text, float(article.date.toordinal()), story_of.get(name, name)))
    return articles


#: Issue 19's case of 20 BBC News Summary articles (``articles/<category>/<name>.txt``) over three
#: days, dated as a desk might have received them: one window. Read by hand, no two report one
#: event (two leaders' meetings on Turkey's EU bid are a day and a summit apart; the house-arrest
#: reports are the opposition's misgivings and, later, the rejected compromise), so every
#: article is a story of its own.
BBC_WINDOW = {
    "2004-12-01": ("politics/014", "politics/015", "sport/001", "business/002", "business/008", "business/024", "tech/001"),
    "2004-12-02": ("entertainment/001", "business/006", "business/030", "politics/035", "politics/052", "politics/070"),
    "2004-12-03": ("politics/017", "politics/040", "politics/053", "politics/064", "politics/065", "business/016",
                   "business/034"),
}
BBC_SAME_EVENT: tuple[tuple[str, ...], ...] = ()  #: the case's stories of more than one article: none


def read_bbc_window(folder: Path) -> list[LabelledArticle]:
    """The :data:`BBC_WINDOW` articles of a BBC News Summary folder (its ``articles/``), each
    with its day and its story (its own name, or its :data:`BBC_SAME_EVENT` group's first)."""
    import datetime as dt

    story_of = {name: group[0] for group in BBC_SAME_EVENT for name in group}
    articles = []
    for date, names in BBC_WINDOW.items():
        day = float(dt.date.fromisoformat(date).toordinal())
        for name in names:
            path = Path(folder) / "articles" / f"{name}.txt"
            try:
                title, body = read_bbc(path)
            except OSError as exc:
                raise InputError(f"cannot read {path} ({exc})", "the BBC case needs the BBC News Summary articles") from exc
            articles.append(LabelledArticle(title, body, day, story_of.get(name, name)))
    return articles


def wrong_merges(labels: Sequence[object], truth: Sequence[object]) -> list[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, that a grouping puts together though they are of two
    true stories."""
    return [(i, j) for j in range(len(labels)) for i in range(j)
            if labels[i] == labels[j] and truth[i] != truth[j]]


def grouped_window(articles: Sequence[LabelledArticle], settings: object | None = None) -> list[int]:
    """briefgen's story of each article, all of them taken as one window."""
    from briefgen.stories import StorySettings, story_labels

    settings = settings if isinstance(settings, StorySettings) else StorySettings()
    return story_labels([f"{a.title} {_lead(a.text)}" for a in articles], np.array([a.day for a in articles]),
                        settings).tolist()


def story_windows(articles: Sequence[LabelledArticle], window: str) -> list[list[LabelledArticle]]:
    """The articles by calendar day or by ISO week (``window`` is ``day`` or ``week``), in time order."""
    import datetime as dt

    groups: dict[object, list[LabelledArticle]] = {}
    for article in articles:
        date = dt.date.fromordinal(int(article.day))
        groups.setdefault(date if window == "day" else date.isocalendar()[:2], []).append(article)
    return [groups[key] for key in sorted(groups)]  # type: ignore[type-var]


def bcubed(labels: Sequence[object], truth: Sequence[object]) -> BCubed:
    """BCubed precision, recall and F1 of a clustering against the true classes (Bagga and
    Baldwin, 1998): for each item, the share of its cluster that is of its class, and the share
    of its class that is in its cluster, averaged over the items."""
    from collections import Counter

    together = Counter(zip(labels, truth, strict=True))
    clusters, classes = Counter(labels), Counter(truth)
    n = len(labels)
    precision = sum(together[(a, b)] / clusters[a] for a, b in zip(labels, truth, strict=True)) / n
    recall = sum(together[(a, b)] / classes[b] for a, b in zip(labels, truth, strict=True)) / n
    return BCubed(precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def _mean(scores: Sequence[BCubed]) -> BCubed:
    return BCubed(*(float(np.mean([getattr(s, f) for s in scores])) for f in ("precision", "recall", "f1")))


def evaluate_stories(articles: Sequence[LabelledArticle], window: str,
                     settings: object | None = None) -> dict[str, BCubed]:
    """BCubed scores, averaged over the windows, of briefgen's story grouping and of two
    baselines on the same windows: every article alone, and TF-IDF cosine (title and text, no
    time) with average-link clustering at its best threshold on these articles."""
    from briefgen.stories import StorySettings, story_labels

    settings = settings if isinstance(settings, StorySettings) else StorySettings()
    windows = story_windows(articles, window)
    truths = [[a.story for a in w] for w in windows]
    ours = [bcubed(story_labels([f"{a.title} {_lead(a.text)}" for a in w], np.array([a.day for a in w]), settings).tolist(), t)
            for w, t in zip(windows, truths, strict=True)]
    alone = [bcubed(list(range(len(t))), t) for t in truths]
    trees = [_dendrogram([f"{a.title} {a.text}" for a in w]) for w in windows]
    baseline = max((_mean([bcubed(_cut(tree, len(t), threshold), t) for tree, t in zip(trees, truths, strict=True)])
                    for threshold in BASELINE_THRESHOLDS), key=lambda s: s.f1)
    return {"briefgen": _mean(ours), "TF-IDF average link (best threshold)": baseline, "every article alone": _mean(alone)}


def _lead(text: str) -> str:
    """The first sentences of a text, as :func:`briefgen.stories.article_key` takes them."""
    from briefgen.stories import LEAD_SENTENCES
    from briefgen.text.sbd import split_sentences

    return " ".join(split_sentences(text)[:LEAD_SENTENCES]) if text else ""


def _dendrogram(texts: Sequence[str]) -> np.ndarray | None:
    """scipy's average-link tree of the texts by TF-IDF cosine distance (``None`` for one text),
    to be cut at any threshold (the baseline's search for its best one)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    from briefgen.score import term_matrix

    if len(texts) < 2:
        return None
    tfidf = term_matrix(texts).tfidf
    distance = 1.0 - np.clip((tfidf @ tfidf.T).toarray(), 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(np.maximum(distance, distance.T), checks=False), "average")


def _cut(tree: np.ndarray | None, n: int, threshold: float) -> list[int]:
    from scipy.cluster.hierarchy import fcluster

    return [0] * n if tree is None else fcluster(tree, 1.0 - threshold, "distance").tolist()
