"""What a run asks of a corpus (:class:`Corpus`), and the rules every back-end answers it by.

Three back-ends answer it, the same to the byte (:mod:`briefgen.sources` chooses one, once, at
the top of a run):

- :class:`briefgen.load.LoadResult`: the whole corpus read and parsed into memory;
- :class:`briefgen.corpus_index.IndexedCorpus`: the corpus through its index, only the window's
  articles (and their likely copies) parsed;
- :class:`briefgen.engine.corpus.ClusterCorpus`: the corpus read and parsed by the workers of a
  Dask cluster, the driver holding each article's metadata only.

Each holds the groups of near-duplicate articles (each group's kept members in corpus order,
:func:`briefgen.load.kept_members`; the first speaks for the group), and answers by the same
rules, written here once: which members a window holds (:func:`window_groups`, :func:`merged`),
the newest date and the hint of an empty window (:func:`newest`, :func:`coverage_hint`: from the
dates of every member kept, since a window that holds any member holds the story), and the days
and articles of the coverage chart (:func:`chart_heads`: the articles that speak for their groups).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from briefgen.coverage import chart_span
from briefgen.errors import ArticleError
from briefgen.models import Activity, Article

if TYPE_CHECKING:
    from briefgen.about import AboutRule

T = TypeVar("T")


class Corpus(Protocol):
    """A corpus read for a run: what the daily run asks of it."""

    @property
    def problems(self) -> list[ArticleError]:
        """The files or entries left out, in path order."""

    @property
    def warnings(self) -> list[str]:
        """Non-fatal findings about what was loaded, in path order."""

    @property
    def undated(self) -> Sequence[str]:
        """The paths of the articles without a date."""

    def newest_date(self) -> dt.date | None:
        """The newest date of an article (of a merged group, of any member kept)."""

    def coverage_hint(self) -> str:
        """A hint naming the days the corpus covers, for a window that holds no article."""

    def in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        """The articles dated from ``start`` to ``end`` (:func:`window_groups`)."""

    def activity(self, rule: AboutRule, end: dt.date) -> Activity:
        """The coverage chart's counts up to ``end`` (:func:`chart_heads`): the articles about
        each topic by the sections' ``rule`` (:class:`briefgen.about.AboutRule`)."""


def window_groups(groups: Iterable[Sequence[T]], date_of: Callable[[T], dt.date | None], start: dt.date,
                  end: dt.date) -> list[list[T]]:
    """Of each group of near-duplicates (its kept members, in corpus order), the members dated
    from ``start`` to ``end``, both included (``date_of`` gives each one's date); a group with
    none is left out. The first of each speaks for it in the window (:func:`merged`)."""
    chosen = []
    for group in groups:
        inside = [m for m in group if (day := date_of(m)) is not None and start <= day <= end]
        if inside:
            chosen.append(inside)
    return chosen


def merged(members: Sequence[Article]) -> Article:
    """A window's article: the first of ``members`` (:func:`window_groups`) carries the text,
    the others are its ``also_in``."""
    first, *others = members
    return replace(first, also_in=tuple(others))


def newest(dates: Iterable[dt.date | None]) -> dt.date | None:
    """The newest of the dates of the members kept of every group (``None``: none is dated)."""
    return max((d for d in dates if d is not None), default=None)


def coverage_hint(dates: Iterable[dt.date | None]) -> str:
    """The hint for a window without articles: the days the corpus covers, from the dates of the
    members kept of every group (:func:`span_hint`)."""
    known = [d for d in dates if d is not None]
    return span_hint(min(known), max(known)) if known else span_hint(None, None)


def span_hint(first: dt.date | None, last: dt.date | None) -> str:
    """The hint of :func:`coverage_hint`, given the oldest and newest date (``None``: no date)."""
    if first is None or last is None:
        return "no article in the corpus has a date: add `date:` front matter or a YYYY-MM-DD file name prefix"
    return f"the corpus covers {first.isoformat()} to {last.isoformat()}: pass --date in that range or a larger --days"


def chart_heads(dates: Sequence[dt.date | None], end: dt.date) -> tuple[tuple[dt.date, ...], list[int]]:
    """The coverage chart's days up to ``end`` (:func:`briefgen.coverage.chart_span`, from the
    oldest date up to ``end``) and which of the articles that speak for their groups (``dates``:
    theirs) it counts: those dated in its days."""
    span = chart_span(min((d for d in dates if d is not None and d <= end), default=None), end)
    return span, [k for k, d in enumerate(dates) if d is not None and span[0] <= d <= end]
