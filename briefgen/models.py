"""Plain value objects that flow through the pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as loaded from the corpus.

    ``text`` is the body with paragraphs separated by one blank line and white space inside a
    paragraph folded to single spaces; every sentence briefgen reports is a substring of it.
    """

    id: str  #: stable identifier, derived from the file's path relative to the corpus
    title: str
    source: str  #: the outlet ("Khyber Wire"); empty when unknown
    date: dt.date | None
    url: str  #: canonical link; empty when unknown
    path: str  #: the file it came from, as given to the loader
    text: str
    #: near-identical copies from other outlets (the same wire story), merged into this article
    #: by the loader: their text is not ranked, but each bullet from this article cites them too
    also_in: tuple[Article, ...] = ()


#: What a piece of an article is: prose (``body``), or a line set aside and never reported — a
#: sub-heading, a dateline ("KABUL, Nov. 24 (Wire) —", "(CNN)"), a byline, a photo caption,
#: or boilerplate ("Scroll down for video", "READ MORE: …", "Advertisement").
SentenceKind = Literal["body", "heading", "dateline", "byline", "caption", "boilerplate"]
SENTENCE_KINDS: tuple[SentenceKind, ...] = ("body", "heading", "dateline", "byline", "caption", "boilerplate")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article, with its place in it."""

    text: str
    article_id: str
    position: int  #: index among the article's body sentences (set-aside lines not counted)
    paragraph: int  #: index of the paragraph it stands in
    start: int  #: offset of ``text`` in the article's text
    kind: SentenceKind = "body"  #: ``body`` is prose; every other kind is set aside

    @property
    def is_heading(self) -> bool:
        """True for every kind but ``body``: a line set aside, never reported."""
        return self.kind != "body"


@dataclass(frozen=True)
class Topic:
    """A topic of the briefing: a section title and the terms that signal it."""

    name: str
    title: str
    terms: tuple[str, ...]  #: words or phrases that make a sentence relevant
    related: tuple[str, ...] = ()  #: weaker terms: count for less, never enough alone
    exclude: tuple[str, ...] = ()  #: a sentence holding one of these is never in the section
    #: a model learned from labelled articles (``briefgen learn``): when set, the section only
    #: draws on articles the model judges to be about the topic
    model: str = ""


@dataclass(frozen=True)
class Item:
    """One bullet: a verbatim sentence, the articles whose text holds it, and the other articles
    of its story."""

    text: str
    article_ids: tuple[str, ...]
    score: float
    developing: bool = False  #: updates a story the previous briefing reported
    reported: dt.date | None = None  #: when developing, the date of that earlier briefing
    story: str = ""  #: the id of the :class:`Story` it belongs to ("s3"); empty outside a briefing
    section: str = ""  #: on a key point, the topic of the section it also stands in ("trade")
    more_outlets: int = 0  #: outlets of its story that report it beyond those cited and named in ``also``
    #: articles of its story (one an outlet) that report it in other words: never its citations
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    """Articles of the window about one event, across outlets and days (:mod:`briefgen.stories`)."""

    id: str  #: "s1", "s2", … in the order of the stories' first articles
    title: str  #: the title of its earliest article
    first_seen: dt.date | None  #: the date of its earliest article in the window
    last_seen: dt.date | None  #: the date of its latest
    topics: tuple[str, ...]  #: the sections where its bullets appear (none: not reported)
    articles: tuple[Article, ...]  #: its articles, each followed by the copies merged into it

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.articles)


@dataclass(frozen=True)
class History:
    """What the previous briefing in the archive reported (nothing, by default)."""

    date: dt.date | None = None  #: the date of that briefing
    sentences: tuple[str, ...] = ()  #: the texts of its items
    articles: tuple[str, ...] = ()  #: the paths of the articles it cited and of its reported stories


@dataclass(frozen=True)
class Section:
    topic: str  #: the topic's name ("trade")
    title: str  #: its heading ("Trade and Economy")
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Source:
    """A numbered entry of the Sources list."""

    number: int
    article: Article


@dataclass(frozen=True)
class Activity:
    """Articles per topic per day over a span of days: the coverage chart's data. An article
    counts for each topic it is about by the rule the sections draw on (:class:`briefgen.about.AboutRule`): for several, one or none."""

    days: tuple[dt.date, ...]  #: consecutive days, oldest first
    topics: tuple[tuple[str, str], ...]  #: each topic's name and title
    counts: tuple[tuple[int, ...], ...]  #: per topic, the articles of each day


@dataclass(frozen=True)
class Briefing:
    title: str
    date: dt.date
    start: dt.date  #: first day of the window
    end: dt.date  #: last day of the window
    coverage: str  #: "41 articles from 9 sources, 24–30 Nov 2026"
    key_points: tuple[Item, ...]
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    empty_message: str = "No relevant reporting in this period."
    stories: tuple[Story, ...] = ()  #: every article of the window in exactly one
    activity: Activity | None = None  #: articles per topic per day up to ``date``, for the chart

    def story(self, story_id: str) -> Story | None:
        """The story with this id (``None``: none has it)."""
        return next((s for s in self.stories if s.id == story_id), None)

    def source(self, article_id: str) -> Source:
        """The entry of Sources that lists an article (``KeyError``: none does)."""
        for source in self.sources:
            if source.article.id == article_id:
                return source
        raise KeyError(article_id)

    def source_number(self, article_id: str) -> int:
        """The number under which an article is listed in Sources."""
        return self.source(article_id).number
