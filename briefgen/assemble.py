"""Stage 6, assemble: chosen items → a :class:`Briefing` with numbered sources, coverage and
the window's stories.

A bullet cites each outlet once among the articles it names (the pipeline names those that
carry its sentence, then its story's others that report on the section's topic), at most
:data:`MAX_CITATIONS`; the outlets beyond are counted (``Item.more_outlets``). An article the
loader merged with copies from other outlets (``Article.also_in``) belongs to the same story,
and its copies are cited with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from briefgen.models import Article, Briefing, Item, Section, Source, Story


def date_range(start: dt.date, end: dt.date) -> str:
    """``24–30 Nov 2026``, ``28 Oct – 3 Nov 2026``, ``29 Nov 2026``."""
    if start == end:
        return f"{end.day} {end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def with_copies(articles: Sequence[Article]) -> list[Article]:
    """The articles and, after each, the copies merged into it (``also_in``)."""
    return [m for a in articles for m in (a, *a.also_in)]


MAX_CITATIONS = 4  #: outlets a bullet cites at most; the others are counted ("[1, 2, 3, 4] · 6 outlets")


def cite_outlets(item: Item, by_id: dict[str, Article]) -> Item:
    """``item`` citing each outlet of the articles it names (and of their merged copies) once,
    the first article of each outlet, at most :data:`MAX_CITATIONS`. An article without an
    outlet counts as an outlet of its own."""
    candidates = [m for article_id in item.article_ids for m in (by_id[article_id], *by_id[article_id].also_in)]
    chosen: dict[str, str] = {}  # outlet → article id
    for article in candidates:
        chosen.setdefault(article.source.casefold() or f"\0{article.id}", article.id)
    ids = tuple(chosen.values())
    return replace(item, article_ids=ids[:MAX_CITATIONS], more_outlets=max(0, len(ids) - MAX_CITATIONS))


def story_id(index: int) -> str:
    """The id of the story at ``index`` (from 0) of the window's stories: ``s1``, ``s2``, …"""
    return f"s{index + 1}"


def make_stories(articles: Sequence[Article], groups: Sequence[Sequence[int]], sections: Sequence[Section]) -> tuple[Story, ...]:
    """The :class:`Story` of each group of article indices (every article in exactly one),
    with the sections where its items appear."""
    topics: dict[str, list[str]] = {}
    for section in sections:
        for item in section.items:
            found = topics.setdefault(item.story, [])
            if section.topic not in found:
                found.append(section.topic)
    stories = []
    for index, group in enumerate(groups):
        members = with_copies([articles[i] for i in group])
        dates = [a.date for a in members if a.date is not None]
        earliest = min(members, key=lambda a: (a.date is None, a.date or dt.date.min))
        sid = story_id(index)
        stories.append(Story(sid, earliest.title, min(dates, default=None), max(dates, default=None),
                             tuple(topics.get(sid, ())), tuple(members)))
    return tuple(stories)


def coverage_line(articles: Sequence[Article], start: dt.date, end: dt.date) -> str:
    """``41 articles from 9 sources, 24–30 Nov 2026`` (merged copies count as articles)."""
    articles = with_copies(articles)
    outlets = {a.source for a in articles if a.source}
    n, m = len(articles), len(outlets)
    count = f"{n} article{'s' if n != 1 else ''}"
    if m:
        count += f" from {m} source{'s' if m != 1 else ''}"
    return f"{count}, {date_range(start, end)}"


def assemble(
    title: str,
    date: dt.date,
    start: dt.date,
    end: dt.date,
    articles: Sequence[Article],
    key_points: Sequence[Item],
    sections: Sequence[Section],
    empty_message: str,
    groups: Sequence[Sequence[int]] = (),
) -> Briefing:
    """Number the cited articles in order of first citation and put the briefing together with
    its stories (``groups``: the indices into ``articles`` of each story's articles)."""
    by_id = {a.id: a for a in articles}
    key_points = [cite_outlets(i, by_id) for i in key_points]
    sections = [replace(s, items=tuple(cite_outlets(i, by_id) for i in s.items)) for s in sections]
    by_id.update((m.id, m) for m in with_copies(articles))
    order: dict[str, int] = {}
    for item in [*key_points, *(i for s in sections for i in s.items)]:
        for article_id in item.article_ids:
            order.setdefault(article_id, len(order) + 1)
    sources = tuple(Source(number, by_id[article_id]) for article_id, number in order.items())
    return Briefing(
        title=title,
        date=date,
        start=start,
        end=end,
        coverage=coverage_line(articles, start, end),
        key_points=tuple(key_points),
        sections=tuple(sections),
        sources=sources,
        empty_message=empty_message,
        stories=make_stories(articles, groups, sections),
    )
