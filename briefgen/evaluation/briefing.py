"""What a briefing says, against labels its editors gave: the Wikipedia Current Events Portal.

Each item of the portal is a one- or two-sentence report of one day's event, filed by the
portal's editors under one category. Taken as a day's articles (one article an item), a day of
the portal is a window a desk could brief, and every bullet of that briefing comes from an item
whose category says where the portal's editors would put it. A section's bullet is **right**
when its item's category fits the section (:data:`FITS`; the default topics' sections only); a
day whose items include one that fits a section should give that section at least one right
bullet (**recall**, over such day-sections). A key point counts in the section it names.

Every briefing is also checked as the daily run checks it (:func:`briefgen.assemble.faults`):
a cited item that does not hold its sentence, a sentence printed twice.

The portal's text is Wikipedia's (CC BY-SA 4.0); it is read from the evaluation folder, never
copied into the project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen.config import Options
from briefgen.files import json_lines
from briefgen.models import Article, Briefing, History
from briefgen.relevance import CATEGORY_TOPIC, UNFILED

#: the portal's categories that fit each default section (as the relevance model maps them);
#: every other category fits none
FITS: dict[str, frozenset[str]] = {topic: frozenset({category}) for category, topic in CATEGORY_TOPIC.items()}
#: a neighbour of a section: not its category, but reporting a desk could file there
NEIGHBOURS: dict[str, frozenset[str]] = {"security": frozenset({"Law and crime"})}


@dataclass(frozen=True)
class PortalItem:
    id: str
    date: dt.date
    category: str
    text: str
    sources: tuple[str, ...]


def read_portal(path: Path, first: dt.date | None = None, last: dt.date | None = None) -> list[PortalItem]:
    """The portal's items (``id``, ``date``, ``category``, ``summary``, ``sources`` a line), those
    dated ``first`` to ``last`` when given; items of no category are left out."""
    def item(row: Any) -> PortalItem | None:
        made = PortalItem(str(row["id"]), dt.date.fromisoformat(row["date"]), str(row["category"]),
                          str(row["summary"]).strip(), tuple(str(s) for s in row.get("sources") or ()))
        wanted = made.category not in UNFILED and made.text and (first is None or made.date >= first) and (
            last is None or made.date <= last)
        return made if wanted else None

    return list(json_lines(path, item, "a portal item", "give the portal's JSON lines file",
                           'each line must be a JSON object with "id", "date", "category" and "summary"'))


def as_article(item: PortalItem) -> Article:
    """An item as an article of its day: no headline, its text the item's, its outlet the first it names."""
    return Article(id=item.id, title="", source=item.sources[0] if item.sources else "", date=item.date, url="",
                   path=item.id, text=item.text)


@dataclass
class SectionScore:
    bullets: int = 0
    right: int = 0
    neighbour: int = 0  #: bullets from a neighbouring category (counted wrong in ``right``)
    days_with_fitting: int = 0
    days_found: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.bullets if self.bullets else 1.0

    @property
    def recall(self) -> float:
        return self.days_found / self.days_with_fitting if self.days_with_fitting else 1.0


@dataclass
class BriefingScore:
    """The scores of one system over the days briefed."""

    days: int = 0
    sections: dict[str, SectionScore] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  #: (section, category, bullet) of each wrong bullet

    def total(self) -> SectionScore:
        scores = list(self.sections.values())
        return SectionScore(*(sum(getattr(s, f) for s in scores) for f in ("bullets", "right", "neighbour", "days_with_fitting", "days_found")))


def bullets_by_section(briefing: Briefing) -> dict[str, list[tuple[str, str]]]:
    """Each section's bullets as (the first cited article, text); a key point counts in the section it names."""
    found: dict[str, list[tuple[str, str]]] = {s.topic: [] for s in briefing.sections}
    for item in briefing.key_points:
        found.setdefault(item.section, []).append((item.article_ids[0] if item.article_ids else "", item.text))
    for section in briefing.sections:
        found[section.topic].extend((i.article_ids[0] if i.article_ids else "", i.text) for i in section.items)
    return found


def score_day(briefing: Briefing, items: Sequence[PortalItem], score: BriefingScore) -> None:
    """Add one day's briefing of ``items`` to ``score``."""
    category = {item.id: item.category for item in items}
    present = set(category.values())
    score.days += 1
    for topic, bullets in bullets_by_section(briefing).items():
        if topic not in FITS:
            continue
        section = score.sections.setdefault(topic, SectionScore())
        fits = [category.get(article_id, "") in FITS[topic] for article_id, _ in bullets]
        section.bullets += len(bullets)
        section.right += sum(fits)
        section.neighbour += sum(category.get(a, "") in NEIGHBOURS.get(topic, ()) for a, _ in bullets)
        score.wrong.extend((topic, category.get(a, ""), text) for (a, text), ok in zip(bullets, fits, strict=True) if not ok)
        if present & FITS[topic]:
            section.days_with_fitting += 1
            section.days_found += any(fits)


def brief_days(items: Sequence[PortalItem], days: Iterable[dt.date], window: int, options: Options) -> BriefingScore:
    """Brief each of ``days`` from the items of the ``window`` days ending on it (no history), and score it."""
    from briefgen.assemble import faults, text_holding
    from briefgen.pipeline import build_briefing

    by_day: dict[dt.date, list[PortalItem]] = {}
    for item in items:
        by_day.setdefault(item.date, []).append(item)
    score = BriefingScore()
    for day in days:
        start = day - dt.timedelta(days=window - 1)
        chosen = [item for offset in range(window) for item in by_day.get(start + dt.timedelta(days=offset), [])]
        if not chosen:
            continue
        articles = [as_article(item) for item in chosen]
        briefing = build_briefing(articles, options, day, start, day, history=History())
        score.faults.extend(f"{day}: {fault}" for fault in faults(briefing, text_holding(articles)))
        score_day(briefing, chosen, score)
    return score


FLOORS_TRIED = (0.3, 0.45, 0.6, 0.75, 0.9)  #: the ``min_relevance`` values of :func:`floor_curve`


def floor_curve(path: Path, options: Options, floors: Sequence[float] = FLOORS_TRIED, year: int = 2015,
                every: int = 3) -> tuple[float, list[tuple[float, SectionScore]]]:
    """The validation curve of ``[ranking] min_relevance``: a model fitted on the portal's
    reports of the years before ``year`` (with the shipped model's ``C``) stands in for the
    shipped one, and every ``every``-th day of ``year`` is briefed at each of ``floors``; the
    ``C`` used, and each floor's score over all sections. Needs scikit-learn."""
    from unittest import mock

    from briefgen import relevance

    chosen = relevance.default_model().info.get("C", max(relevance.CS))
    c = float(chosen) if isinstance(chosen, int | float) else max(relevance.CS)
    first = relevance.TRAIN_YEARS[0]
    rows = [r for r in relevance.read_portal_labels(path) if first <= r.year < year]
    model = relevance.fit([r.text for r in rows], [r.label for r in rows], options.topics, c, balanced=False)
    days = sampled_days(dt.date(year, 1, 2), dt.date(year, 12, 31), every)
    items = read_portal(path, days[0], days[-1])
    curve = []
    with mock.patch.object(relevance, "default_model", lambda: model):
        for floor in floors:
            tried = replace(options, ranking=replace(options.ranking, min_relevance=floor))
            curve.append((floor, brief_days(items, days, 1, tried).total()))
    return c, curve


def sampled_days(first: dt.date, last: dt.date, every: int) -> list[dt.date]:
    """Every ``every``-th day from ``first`` to ``last``."""
    return [first + dt.timedelta(days=k) for k in range(0, (last - first).days + 1, max(every, 1))]


def score_table(scores: dict[str, BriefingScore]) -> str:
    """A Markdown table: per system and section, bullets, precision, recall and faults."""
    rows = ["| system | section | bullets | precision | of them Law and crime | recall (day-sections) | faults |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for system, score in scores.items():
        for topic, section in [*score.sections.items(), ("all", score.total())]:
            rows.append(f"| {system} | {topic} | {section.bullets} | {section.precision:.3f} | {section.neighbour} | "
                        f"{section.recall:.3f} ({section.days_found}/{section.days_with_fitting}) | "
                        f"{len(score.faults) if topic == 'all' else ''} |")
    return "\n".join(rows)


def bbc_briefing(folder: Path, categories: Sequence[str], options: Options, count: int = 40, days: int = 3) -> Briefing:
    """The briefing of ``count`` BBC News Summary articles (``folder``/articles/<category>/, the
    first by name, shared equally among ``categories``), dated over ``days`` days from 1 December
    2004 in turn, all in one window."""
    from briefgen.evaluation.summaries import read_bbc
    from briefgen.pipeline import build_briefing

    first = dt.date(2004, 12, 1)
    per = count // len(categories)
    paths = [p for c in categories for p in sorted((Path(folder) / "articles" / c).glob("*.txt"))[:per]]
    articles = []
    for n, path in enumerate(paths):
        title, body = read_bbc(path)
        articles.append(Article(id=f"{path.parent.name}/{path.stem}", title=title, source="BBC",
                                date=first + dt.timedelta(days=n % days), url="", path=str(path), text=body))
    last = first + dt.timedelta(days=days - 1)
    return build_briefing(articles, options, last, first, last, history=History())
