"""Evaluation against data nobody on the project wrote: ROUGE on reference summaries (story
grouping is :mod:`briefgen.evaluation.stories`, topic detection :mod:`briefgen.evaluation.topics`).

Two summary data set formats are read:

* the BBC News Summary one: ``articles/<category>/<name>.txt`` (first line the title, which is
  never a candidate sentence) with ``summaries/<category>/<name>.txt`` (reference sentences,
  extractive, possibly joined without spaces). Each system picks as many sentences as the
  reference has;
* a folder with ``pairs.jsonl``, one ``{"id", "article", "reference"}`` object a line, like the
  CNN/DailyMail test articles with their newsrooms' highlights. The references are abstractive,
  so every system picks :data:`PAIRS_COUNT` sentences, the usual protocol (Lead-3 the baseline).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from briefgen.config import Options
from briefgen.errors import InputError
from briefgen.load import decode, normalize_body
from briefgen.models import Article
from briefgen.summarize import Summarizer, get_summarizer
from briefgen.text.split import split_article

MEASURES = ("rouge1", "rouge2", "rougeL")
PAIRS_FILE = "pairs.jsonl"
PAIRS_COUNT = 3  #: sentences each system picks on a data set of abstractive references


@dataclass(frozen=True)
class SummaryCase:
    category: str
    name: str
    sentences: tuple[str, ...]  #: the article's candidate sentences, title excluded
    reference: str
    count: int  #: sentences in the reference


@dataclass
class SystemScores:
    """Per-document F1 scores of one system, by measure, with each document's category."""

    system: str
    categories: list[str] = field(default_factory=list)
    scores: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in MEASURES})

    def mean(self, measure: str, category: str | None = None) -> float:
        values = [v for v, c in zip(self.scores[measure], self.categories, strict=True) if category in (None, c)]
        return 100.0 * float(np.mean(values)) if values else 0.0


def read_summary_dataset(folder: Path, limit: int | None = None) -> list[SummaryCase]:
    """The cases of a summary data set in either format: the first ``limit`` articles of each
    category (by file name) that have a reference, or the first ``limit`` pairs."""
    folder = Path(folder)
    if (folder / PAIRS_FILE).is_file():
        return read_pairs(folder / PAIRS_FILE, limit)
    articles = folder / "articles"
    if not articles.is_dir() or not (folder / "summaries").is_dir():
        raise InputError(f"{folder} is not a summary data set",
                         f"it needs articles/<category>/*.txt and summaries/<category>/*.txt, or a {PAIRS_FILE}")
    cases = []
    for category_dir in sorted(p for p in articles.iterdir() if p.is_dir()):
        paths = sorted(category_dir.glob("*.txt"))
        taken = 0
        for path in paths:
            if limit is not None and taken >= limit:
                break
            reference_path = folder / "summaries" / category_dir.name / path.name
            if not reference_path.exists():
                continue
            cases.append(_case(category_dir.name, path, reference_path))
            taken += 1
    return cases


def read_pairs(path: Path, limit: int | None = None) -> list[SummaryCase]:
    """The first ``limit`` article/reference pairs of a JSON lines file; every system picks
    :data:`PAIRS_COUNT` sentences. The category is the data set's folder name."""
    return [SummaryCase(path.parent.name, name, article_sentences(name, str(path), text), reference, PAIRS_COUNT)
            for name, text, reference in pair_rows(path, limit)]


def pair_rows(path: Path, limit: int | None = None) -> Iterator[tuple[str, str, str]]:
    """``(id, article, reference)`` of the first ``limit`` lines of a ``pairs.jsonl`` file;
    a line that is not such an object is an :class:`InputError` naming it."""
    taken = 0
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if limit is not None and taken >= limit:
                return
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                name, text, reference = str(row["id"]), str(row["article"]), str(row["reference"])
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path} line {number} is not an article/reference pair ({exc})",
                                 'each line must be a JSON object with "id", "article" and "reference"') from exc
            taken += 1
            yield name, text, reference


def article_sentences(name: str, path: str, body: str) -> tuple[str, ...]:
    """The candidate sentences of an article body, as briefgen's loader and splitter find them."""
    article = Article(id=name, title="", source="", date=None, url="", path=path, text=normalize_body(body))
    return tuple(s.text for s in split_article(article) if not s.is_heading)


def read_bbc(path: Path) -> tuple[str, str]:
    """A BBC News Summary article file's title (its first line) and its body, as the loader
    lays a body out (:func:`briefgen.load.normalize_body`)."""
    title, _, body = decode(path.read_bytes(), str(path)).strip().partition("\n")
    return title.strip(), normalize_body(body)


def _case(category: str, path: Path, reference_path: Path) -> SummaryCase:
    text = decode(path.read_bytes(), str(path))
    _title, _, body = text.strip().partition("\n")
    sentences = article_sentences(path.stem, str(path), body)
    reference = decode(reference_path.read_bytes(), str(reference_path)).strip()
    count = sum(1 for s in sentences if s in reference) or 1
    return SummaryCase(category, path.stem, sentences, reference, count)


def summarizers(names: Sequence[str], options: Options) -> dict[str, Summarizer]:
    return {name: get_summarizer(name, options.ranking) for name in names}


def rouge_scores(
    cases: Sequence[SummaryCase],
    systems: Mapping[str, Summarizer],
    progress: Callable[[Iterable[SummaryCase]], Iterable[SummaryCase]] = lambda cases: cases,
) -> list[SystemScores]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 (rouge-score, Porter stemming on) of every system on the
    same documents, in one pass over them."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(MEASURES), use_stemmer=True)
    results = {name: SystemScores(name) for name in systems}
    for case in progress(cases):
        for name, summarize in systems.items():
            chosen = summarize(case.sentences, case.count)
            summary = " ".join(case.sentences[i] for i in chosen)
            scores = scorer.score(case.reference, summary)
            result = results[name]
            result.categories.append(case.category)
            for measure in MEASURES:
                result.scores[measure].append(scores[measure].fmeasure)
    return list(results.values())


def rouge_table(results: Sequence[SystemScores]) -> str:
    """A Markdown table: overall ROUGE-1/2/L, then ROUGE-2 by category (when there are several)."""
    categories = sorted({c for r in results for c in r.categories})
    categories = categories if len(categories) > 1 else []
    head = ["system", "ROUGE-1", "ROUGE-2", "ROUGE-L", *(f"R-2 {c}" for c in categories)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r.system, *(f"{r.mean(m):.1f}" for m in MEASURES), *(f"{r.mean('rouge2', c):.1f}" for c in categories)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def rouge_json(results: Sequence[SystemScores]) -> dict[str, object]:
    categories = sorted({c for r in results for c in r.categories})
    return {
        "documents": len(results[0].categories) if results else 0,
        "systems": {
            r.system: {
                "overall": {m: round(r.mean(m), 2) for m in MEASURES},
                "categories": {c: {m: round(r.mean(m, c), 2) for m in MEASURES} for c in categories},
            }
            for r in results
        },
    }


# --------------------------------------------------------------------------- fitting the lead share

LEAD_GRID = tuple(round(0.05 * i, 2) for i in range(1, 11))  #: 0.05 … 0.5, for both settings


@dataclass(frozen=True)
class LeadFit:
    """The ranker's two lead settings chosen on summary data sets, with cross-validated scores."""

    lead_until: float  #: chosen on all the documents
    central_from: float
    folds: int
    #: per data set: mean ROUGE-1 and ROUGE-2 F1 × 100 of each document scored by the settings
    #: chosen on the other folds only
    held_out: dict[str, tuple[float, float]]
    chosen: tuple[tuple[float, float], ...]  #: the settings each fold's training documents chose


def fit_lead_share(datasets: Mapping[str, Sequence[SummaryCase]], options: Options, folds: int = 5,
                   grid: Sequence[float] = LEAD_GRID, seed: int = 0) -> LeadFit:
    """Choose ``lead_until`` and ``central_from`` (:func:`briefgen.rank.lead_share`) to maximise
    the sum over ``datasets`` of their mean ROUGE-2, with every other setting as in ``options``;
    report ``folds``-fold cross-validated scores (documents dealt to folds at random, ``seed``).

    Each document is ranked once; each pair of settings only re-blends its two scores."""
    from rouge_score import rouge_scorer

    from briefgen.rank import blend, lead_share
    from briefgen.summarize import document_scores, top_in_order

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    settings = [(u, c) for u in grid for c in grid if c >= u]
    names = list(datasets)
    rng = np.random.default_rng(seed)
    per_set: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name → (scores docs × settings × 2, fold of each doc)
    for name in names:
        cases = [c for c in datasets[name] if c.sentences]
        scores = np.zeros((len(cases), len(settings), 2))
        for d, case in enumerate(cases):
            centrality, lead, _ = document_scores(case.sentences, options.ranking)
            seen: dict[tuple[int, ...], tuple[float, float]] = {}
            for s, (until, central) in enumerate(settings):
                chosen = tuple(top_in_order(blend(centrality, lead, lead_share(case.count, len(case.sentences), until, central)), case.count))
                if chosen not in seen:
                    result = scorer.score(case.reference, " ".join(case.sentences[i] for i in chosen))
                    seen[chosen] = (result["rouge1"].fmeasure, result["rouge2"].fmeasure)
                scores[d, s] = seen[chosen]
        per_set[name] = (scores, rng.permutation(len(cases)) % folds)

    def best(train: Mapping[str, np.ndarray]) -> int:
        objective = sum(train[name][:, :, 1].mean(axis=0) for name in names)
        return int(np.argmax(objective))

    held_out = {name: np.zeros((len(per_set[name][1]), 2)) for name in names}
    chosen_by_fold = []
    for k in range(folds):
        pick = best({name: scores[fold != k] for name, (scores, fold) in per_set.items()})
        chosen_by_fold.append(settings[pick])
        for name, (scores, fold) in per_set.items():
            held_out[name][fold == k] = scores[fold == k, pick]
    until, central = settings[best({name: scores for name, (scores, _) in per_set.items()})]
    return LeadFit(until, central, folds,
                   {name: (100 * float(v[:, 0].mean()), 100 * float(v[:, 1].mean())) for name, v in held_out.items()},
                   tuple(chosen_by_fold))
