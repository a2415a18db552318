"""Coverage: how many articles each topic had on each day, the coverage chart's counts.

:func:`activity` counts the corpus's articles per topic per day over the :data:`DAYS` days that
end on the briefing's date (fewer where the corpus starts later); an article counts for each
topic it is about by the rule the sections draw on (:class:`briefgen.about.AboutRule`: a
quarter of its reportable sentences are news of the topic), for several, one or none.
:func:`chart_span` and :func:`counted` are its parts, which the corpus index and the Dask
engine use where their articles are read. The chart itself is drawn by
:mod:`briefgen.web.chart`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from briefgen.models import Activity, Article, Topic

if TYPE_CHECKING:
    from briefgen.about import AboutRule

DAYS = 14  #: the span of a briefing's chart


def activity(articles: Sequence[Article], rule: AboutRule, end: dt.date, days: int = DAYS) -> Activity:
    """Articles per topic per day over the ``days`` days that end on ``end``, from the first day
    an article is dated on (never before it); an article counts for each topic it is about by
    the sections' ``rule``."""
    dated = [a for a in articles if a.date is not None and a.date <= end]
    span = chart_span(min((a.date for a in dated if a.date is not None), default=None), end, days)
    chosen = [a for a in dated if a.date is not None and a.date >= span[0]]
    return counted(span, [a.date for a in chosen if a.date is not None], rule.about(chosen), rule.topics)


def chart_span(first: dt.date | None, end: dt.date, days: int = DAYS) -> tuple[dt.date, ...]:
    """The chart's days: the ``days`` that end on ``end``, from ``first`` (the oldest date of an
    article up to ``end``) when that is later; never before the year 1."""
    start = end - dt.timedelta(days=min(days - 1, (end - dt.date.min).days))
    if first is not None:
        start = max(start, first)
    return tuple(start + dt.timedelta(days=i) for i in range((end - start).days + 1))


def counted(span: Sequence[dt.date], dates: Sequence[dt.date], about: Any, topics: Sequence[Topic]) -> Activity:
    """The chart's counts: each article (its date in ``span`` and its row of ``about``, whether
    it is about each topic) counted on its day for each topic it is about."""
    counts = [[0] * len(span) for _ in topics]
    for i, date in enumerate(dates):
        for j in range(len(topics)):
            if about[i, j]:
                counts[j][(date - span[0]).days] += 1
    return Activity(tuple(span), tuple((t.name, t.title) for t in topics), tuple(tuple(c) for c in counts))
