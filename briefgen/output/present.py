"""What a reader is shown of a :class:`~briefgen.models.Briefing`, the same in every output.

Each renderer — Markdown (:mod:`briefgen.output.render`), the HTML page and the index (templates in
``briefgen/styles/templates``), the e-mail (:mod:`briefgen.web.mail`), the Atom feed — takes
the briefing apart with these helpers and only decides how each part is written:

* :func:`parts` — the key points and then each section, with its bullets and what it says when
  it has none;
* :func:`bullet` — one bullet's parts: the section a key point stands in, "Developing (reported
  28 Nov)", the sentence, its citations, the other outlets of its story ("also reported by") and
  the day its story was first reported;
* :func:`safe_url` — the one guard on a link taken from an article: ``http``/``https`` only, and
  nothing that could leave an attribute or a Markdown autolink;
* :func:`one_line` and :func:`escape_markdown` — article text as every output shows it, and
  made inert in Markdown (the briefing's and the index's);
* :func:`listed`, :func:`outlet_name` and :func:`source_details` — how a source is named;
* :func:`heading_ids` — the ``id`` of each heading of a page, for links to its parts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from briefgen.models import Article, Briefing, Item
from briefgen.text.dates import NBSP, day_month, day_month_year

#: what a section says whose only stories stand in the key points (a key point is not printed twice)
IN_KEY_POINTS = "Reported in the key points above."
KEY_POINTS = "Key points"
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.I)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LIST_START = re.compile(r"^(\d+)([.)])(\s)")
_BREAKS = re.compile(r"\s+")  # every kind of line break (\r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029) and space


def one_line(text: str) -> str:
    """``text`` as every output shows a piece of article text: on one line, each run of white
    space and line breaks of any kind one space, none at the ends."""
    return _BREAKS.sub(" ", text).strip()


def escape_markdown(text: str) -> str:
    """Article text made inert in Markdown: shown as the same characters, never as markup, and
    on one line (a line break of any kind could start a heading, a list or a raw HTML block)."""
    text = one_line(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LIST_START.sub(r"\1\\\2\3", text)


def safe_url(url: str) -> str | None:
    """``url`` when it may be linked (an ``http`` or ``https`` URL without white space, quotes,
    angle brackets, backquotes or backslashes); ``None`` when it may only be shown as text."""
    return url if url and _SAFE_URL.match(url) else None


def outlet_name(article: Article) -> str:
    """What a reader calls the article's outlet: its ``source``, or its title when it has none."""
    return str(article.source or article.title or "another outlet")


def source_details(article: Article) -> str:
    """``Steppe Ledger, 28 Nov 2026``: what is known of a source's outlet and date."""
    return ", ".join(x for x in (one_line(article.source), day_month_year(article.date) if article.date else "") if x)


@dataclass(frozen=True)
class Listed:
    """An entry of Sources as a reader sees it: its number, its article, the link to it (when
    it may be linked) and what is known of its outlet and date."""

    number: int
    article: Article
    url: str | None  #: :func:`safe_url` of the article's URL
    details: str  #: :func:`source_details`: ``Steppe Ledger, 28 Nov 2026``


def listed(briefing: Briefing) -> list[Listed]:
    """The numbered sources, in their order."""
    return [Listed(s.number, s.article, safe_url(s.article.url), source_details(s.article))
            for s in sorted(briefing.sources, key=lambda s: s.number)]


@dataclass(frozen=True)
class Cited:
    """A source a bullet points to: its number in Sources, its article and the link to it."""

    number: int
    article: Article

    @property
    def url(self) -> str | None:
        """The article's own URL when it may be linked (:func:`safe_url`)."""
        return safe_url(self.article.url)

    @property
    def outlet(self) -> str:
        return outlet_name(self.article)


@dataclass(frozen=True)
class Bullet:
    """One bullet's parts, in the order a reader meets them."""

    text: str  #: the sentence, verbatim
    label: str  #: on a key point, the title of the section it stands in ("" elsewhere)
    developing: bool  #: updates a story the previous briefing reported
    reported: dt.date | None  #: when developing, the date of that briefing
    cites: tuple[Cited, ...]  #: the sources whose text holds the sentence, by number
    also: tuple[Cited, ...]  #: the other outlets of its story that report it
    more_outlets: int  #: outlets beyond those in ``also``
    first_seen: dt.date | None  #: in a window of several days, the day its story was first reported
    since: bool  #: its story was reported over several days (``since 25 Nov``)

    @property
    def developing_text(self) -> str:
        """``Developing (reported 28 Nov):``, ``Developing:``, or empty."""
        if not self.developing:
            return ""
        return f"Developing (reported {day_month(self.reported)}):" if self.reported else "Developing:"

    def also_pieces(self, space: str = " ") -> list[tuple[str, Cited | None]]:
        """``also reported by A, B and 2 more outlets`` in pieces, each an outlet's name with its
        source or a piece of text (``space`` between the count and its noun); empty when there is
        nobody to name."""
        named: list[tuple[str, Cited | None]] = [(c.outlet, c) for c in self.also]
        if self.more_outlets:
            named.append((f"{self.more_outlets}{space}more outlet{'s' if self.more_outlets > 1 else ''}", None))
        pieces: list[tuple[str, Cited | None]] = [("also reported by ", None)] if named else []
        for i, piece in enumerate(named):
            if i:
                pieces.append((" and " if i == len(named) - 1 else ", ", None))
            pieces.append(piece)
        return pieces

    def also_text(self, space: str = " ") -> str:
        """``also reported by A and 2 more outlets``, or empty."""
        return "".join(text for text, _ in self.also_pieces(space))

    @property
    def when_text(self) -> str:
        """``27 Nov`` or ``since 25 Nov`` (never broken across lines), or empty."""
        if self.first_seen is None:
            return ""
        return ("since" + NBSP if self.since else "") + day_month(self.first_seen, NBSP)


def bullet(briefing: Briefing, item: Item) -> Bullet:
    """The parts of ``item``, a bullet of ``briefing``."""
    def cited(article_id: str) -> Cited:
        source = briefing.source(article_id)
        return Cited(source.number, source.article)

    label = next((s.title for s in briefing.sections if item.section and s.topic == item.section), "")
    story = briefing.story(item.story)
    first = story.first_seen if briefing.start != briefing.end and story is not None else None
    since = first is not None and story is not None and story.last_seen is not None and story.last_seen > first
    return Bullet(item.text, label, item.developing, item.reported,
                  tuple(sorted((cited(a) for a in item.article_ids), key=lambda c: c.number)),
                  tuple(cited(a) for a in item.also), item.more_outlets, first, since)


@dataclass(frozen=True)
class Part:
    """The key points, or a section: its title, its bullets, and what it says when it has none."""

    title: str
    topic: str  #: the section's topic ("" for the key points)
    bullets: tuple[Bullet, ...]
    empty: str
    key_points: bool = False  #: the key points, not a section


def parts(briefing: Briefing) -> list[Part]:
    """The key points, then each section: a section whose stories all stand in the key points
    says so (:data:`IN_KEY_POINTS`), any other without bullets says the briefing's empty message."""
    led = {k.section for k in briefing.key_points if k.section}
    return [Part(KEY_POINTS, "", tuple(bullet(briefing, i) for i in briefing.key_points), briefing.empty_message,
                 key_points=True),
            *(Part(s.title, s.topic, tuple(bullet(briefing, i) for i in s.items),
                   IN_KEY_POINTS if s.topic in led else briefing.empty_message) for s in briefing.sections)]


def slug(text: str) -> str:
    """``trade-and-economy``: an ASCII slug of a heading (``section`` when nothing is left)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text) or "section"


def heading_ids(titles: list[str]) -> list[str]:
    """A unique ``id`` for each heading, in order: its :func:`slug`, then ``_1``, ``_2`` for the
    second and later headings of one slug."""
    used: set[str] = set()
    ids = []
    for title in titles:
        base = candidate = slug(title)
        n = 0
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        ids.append(candidate)
    return ids
