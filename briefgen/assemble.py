"""Stage 6, assemble: chosen items → a :class:`Briefing` with numbered sources, coverage and
the window's stories, checked before it goes out (:func:`verify`).

A bullet cites the articles whose text holds its sentence (:data:`Holding` says which), each
outlet once, at most :data:`MAX_CITATIONS`; the other articles of its story report the same
event in other words and are listed apart (``Item.also``: "also reported by …"), never as the
quote's source. An article the loader merged with copies from other outlets
(``Article.also_in``) belongs to the same story; each copy is cited only when it holds the
sentence too.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

from briefgen.models import Article, Briefing, Item, Section, Source, Story
from briefgen.text.dates import date_range

log = logging.getLogger(__name__)
K = TypeVar("K", bound=Hashable)

#: which of the (article id, sentence) pairs asked hold: whose article's text has that sentence
Holding = Callable[[Sequence[tuple[str, str]]], list[bool]]


def with_copies(articles: Sequence[Article]) -> list[Article]:
    """The articles and, after each, the copies merged into it (``also_in``)."""
    return [m for a in articles for m in (a, *a.also_in)]


MAX_CITATIONS = 4  #: outlets a bullet cites at most; the others are counted ("[1, 2, 3, 4] · 6 outlets")
MAX_ALSO = 4  #: outlets named as also reporting a bullet's story at most; the others are counted

_NOT_LETTER = re.compile(r"[\W_]+")


def plain(text: str) -> str:
    """Letters and digits only, case folded: what must match for a text to hold a sentence
    (white space, quotation marks, punctuation and markup aside)."""
    return _NOT_LETTER.sub("", text.casefold())


def holding_in(text_of: Callable[[K], str]) -> Callable[[Sequence[tuple[K, str]]], list[bool]]:
    """Whether each (article key, sentence) pair holds: the sentence's :func:`plain` text is in
    the plain text of the article ``text_of(key)`` gives (each article read once)."""
    texts: dict[K, str] = {}

    def holding(pairs: Sequence[tuple[K, str]]) -> list[bool]:
        found = []
        for key, sentence in pairs:
            if key not in texts:
                texts[key] = plain(text_of(key))
            found.append(plain(sentence) in texts[key])
        return found

    return holding


class Holds(Protocol):
    """What knows the articles' texts: whether each article (its id) holds the sentence asked
    with it (:class:`TextHolding` here; the cluster's corpus, whose workers hold the texts)."""

    def holding(self, pairs: Sequence[tuple[str, str]]) -> list[bool]: ...


class TextHolding:
    """:class:`Holds` of ``articles`` in memory, and of the copies merged into them."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._holding = text_holding(articles)

    def holding(self, pairs: Sequence[tuple[str, str]]) -> list[bool]:
        return self._holding(pairs)


def text_holding(articles: Sequence[Article]) -> Holding:
    """A :data:`Holding` that reads the texts of ``articles`` and of the copies merged into them."""
    by_id = {m.id: m for m in with_copies(articles)}
    return holding_in(lambda article_id: by_id[article_id].text)


def _one_an_outlet(ids: Sequence[str], by_id: dict[str, Article], taken: set[str]) -> list[str]:
    """The first of ``ids`` of each outlet not in ``taken`` (which then holds them); an article
    without an outlet counts as an outlet of its own."""
    chosen = []
    for article_id in ids:
        outlet = by_id[article_id].source.casefold() or f"\0{article_id}"
        if outlet not in taken:
            taken.add(outlet)
            chosen.append(article_id)
    return chosen


def cite_outlets(item: Item, by_id: dict[str, Article]) -> Item:
    """``item`` citing each outlet of the articles that hold its sentence once, at most
    :data:`MAX_CITATIONS`, and naming each other outlet of its story once, at most
    :data:`MAX_ALSO`; ``more_outlets`` counts the outlets beyond."""
    taken: set[str] = set()
    cited = _one_an_outlet(item.article_ids, by_id, taken)
    also = _one_an_outlet(item.also, by_id, taken)
    more = max(0, len(cited) - MAX_CITATIONS) + max(0, len(also) - MAX_ALSO)
    return replace(item, article_ids=tuple(cited[:MAX_CITATIONS]), also=tuple(also[:MAX_ALSO]), more_outlets=more)


class BriefingError(AssertionError):
    """A briefing that breaks what must always hold: a bug in briefgen, never in the input."""


def strict() -> bool:
    """Whether a broken briefing stops the run (``BRIEFGEN_STRICT=1``, as in the tests) rather
    than going out with an error in the log."""
    return os.environ.get("BRIEFGEN_STRICT", "") not in ("", "0")


def faults(briefing: Briefing, holding: Holding) -> list[str]:
    """What breaks the briefing's invariants: a cited article that does not hold its bullet's
    sentence, a sentence printed twice (key points included), a bullet that cites nothing.
    Empty for a sound briefing."""
    found = []
    items = [*briefing.key_points, *(i for s in briefing.sections for i in s.items)]
    pairs = [(article_id, item.text) for item in items for article_id in item.article_ids]
    for (article_id, text), holds in zip(pairs, holding(pairs), strict=True):
        if not holds:
            found.append(f"{article_id} is cited but does not hold: {text[:80]}")
    seen: set[str] = set()
    for item in items:
        key = plain(item.text)
        if key in seen:
            found.append(f"printed twice: {item.text[:80]}")
        seen.add(key)
        if not item.article_ids:
            found.append(f"cites no article: {item.text[:80]}")
    return found


def verify(briefing: Briefing, holding: Holding) -> None:
    """Check the briefing (:func:`faults`). A fault is a bug: it raises :class:`BriefingError`
    when :func:`strict`, and is logged as an error otherwise (a morning's briefing still goes out)."""
    found = faults(briefing, holding)
    if found and strict():
        raise BriefingError("; ".join(found))
    for fault in found:
        log.error("briefing fault (a bug in briefgen): %s", fault)


def story_id(index: int) -> str:
    """The id of the story at ``index`` (from 0) of the window's stories: ``s1``, ``s2``, …"""
    return f"s{index + 1}"


def make_stories(articles: Sequence[Article], groups: Sequence[Sequence[int]], sections: Sequence[Section],
                 key_points: Sequence[Item] = ()) -> tuple[Story, ...]:
    """The :class:`Story` of each group of article indices (every article in exactly one),
    with the sections where its items appear (a key point's is the section it names)."""
    order = {s.topic: n for n, s in enumerate(sections)}
    placed = [(i.section, i) for i in key_points] + [(s.topic, i) for s in sections for i in s.items]
    topics: dict[str, list[str]] = {}
    for where, item in sorted(placed, key=lambda p: order.get(p[0], len(order))):  # in the sections' order
        found = topics.setdefault(item.story, [])
        if where in order and where not in found:
            found.append(where)
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
    by_id = {m.id: m for m in with_copies(articles)}
    key_points = [cite_outlets(i, by_id) for i in key_points]
    sections = [replace(s, items=tuple(cite_outlets(i, by_id) for i in s.items)) for s in sections]
    order: dict[str, int] = {}
    for item in [*key_points, *(i for s in sections for i in s.items)]:
        for article_id in (*item.article_ids, *item.also):
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
        stories=make_stories(articles, groups, sections, key_points),
    )
