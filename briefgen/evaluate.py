"""Evaluation against data nobody on the project wrote: ROUGE on reference summaries, and
sentence splitting on golden cases (topic detection lives in :mod:`briefgen.eval_topics`).

The summary data set format is the BBC News Summary one: ``articles/<category>/<name>.txt`` (first
line the title, which is never a candidate sentence) with ``summaries/<category>/<name>.txt``
(reference sentences, extractive, possibly joined without spaces). Each system must pick as many
sentences as its reference has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from briefgen.config import Options
from briefgen.errors import InputError
from briefgen.load import decode, normalize_body
from briefgen.models import Article
from briefgen.split import split_article
from briefgen.summarize import Summarizer, get_summarizer

MEASURES = ("rouge1", "rouge2", "rougeL")
DEFAULT_SYSTEMS = ("default", "lead", "lexrank", "textrank", "lsa", "luhn", "sumbasic")


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
    """The first ``limit`` articles of each category (by file name) that have a reference."""
    folder = Path(folder)
    articles = folder / "articles"
    if not articles.is_dir() or not (folder / "summaries").is_dir():
        raise InputError(f"{folder} is not a summary data set", "it needs articles/<category>/*.txt and summaries/<category>/*.txt")
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


def _case(category: str, path: Path, reference_path: Path) -> SummaryCase:
    text = decode(path.read_bytes(), str(path))
    _title, _, body = text.strip().partition("\n")
    article = Article(id=path.stem, title=_title, source="", date=None, url="", path=str(path), text=normalize_body(body))
    sentences = tuple(s.text for s in split_article(article) if not s.is_heading)
    reference = decode(reference_path.read_bytes(), str(reference_path)).strip()
    count = sum(1 for s in sentences if s in reference) or 1
    return SummaryCase(category, path.stem, sentences, reference, count)


def summarizers(names: Sequence[str], options: Options) -> dict[str, Summarizer]:
    return {name: get_summarizer(name, options) for name in names}


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
    """A Markdown table: overall ROUGE-1/2/L, then ROUGE-2 by category."""
    categories = sorted({c for r in results for c in r.categories})
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
