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
* :func:`heading_ids` — the ``id`` of each heading of a page, for links to its parts;
* :func:`anchored` and :func:`citing` — each bullet's ``id`` on a page, and the bullets that
  cite each source (the way back from Sources);
* :func:`description` — what a link preview says of the briefing;
* :func:`legend` — what the marks of the bullets mean ("27 Nov", "since 25 Nov", "Developing"),
  for those that occur.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from briefgen.models import Article, Briefing, Item
from briefgen.text.dates import NBSP, day_month_year, in_window

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
    window: tuple[dt.date, dt.date] | None = None  #: the briefing's window: its dates carry the year where it spans years
    anchor: str = ""  #: the bullet's ``id`` on its page (:func:`anchored`; "" where it has none)
    sources: str = ""  #: the page whose Sources its citations link ("": this page)

    def _day(self, date: dt.date, space: str = " ") -> str:
        return in_window(date, *self.window, space=space) if self.window else in_window(date, date, date, space)

    @property
    def developing_text(self) -> str:
        """``Developing (reported 28 Nov):``, ``Developing:``, or empty."""
        if not self.developing:
            return ""
        return f"Developing (reported {self._day(self.reported)}):" if self.reported else "Developing:"

    @property
    def developing_title(self) -> str:
        """What "Developing" means, said in full: ``An update of a story the briefing of 28 Nov reported``."""
        if not self.developing:
            return ""
        of = f"the briefing of {self._day(self.reported)}" if self.reported else "the previous briefing"
        return f"An update of a story {of} reported"

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
        return ("since" + NBSP if self.since else "") + self._day(self.first_seen, NBSP)

    @property
    def when_title(self) -> str:
        """What :attr:`when_text` means, said in full, or empty."""
        if self.first_seen is None:
            return ""
        day = self._day(self.first_seen)
        return f"Its story was first reported on {day} and again on later days" if self.since else f"Its story was reported on {day}"


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
                  tuple(cited(a) for a in item.also), item.more_outlets, first, since, (briefing.start, briefing.end))


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


def anchored(placed: list[tuple[str, Part]], sources: str = "") -> list[tuple[str, Part]]:
    """The parts of a page, each after its heading's ``id``, with each bullet's :attr:`~Bullet.anchor`
    (``security-2``: the part's ``id`` and the bullet's place in it) and the page of the Sources its
    citations link (``sources``; "" for the same page)."""
    return [(pid, replace(part, bullets=tuple(replace(b, anchor=f"{pid}-{n}", sources=sources)
                                              for n, b in enumerate(part.bullets, 1))))
            for pid, part in placed]


def citing(placed: list[tuple[str, Part]]) -> dict[int, list[tuple[str, str]]]:
    """Per source number, the bullets that link it (a citation or an "also reported by"), in page
    order, each as its anchor and the title of its part ("Security", "Security 2" for its second
    bullet there that links it): the way back from Sources."""
    back: dict[int, list[tuple[str, str]]] = {}
    for _, part in placed:
        for b in part.bullets:
            for number in dict.fromkeys(c.number for c in (*b.cites, *b.also)):
                back.setdefault(number, []).append((b.anchor, part.title))
    for bullets in back.values():
        seen: dict[str, int] = {}
        for k, (anchor, title) in enumerate(bullets):
            seen[title] = seen.get(title, 0) + 1
            bullets[k] = (anchor, title if seen[title] == 1 else f"{title} {seen[title]}")
    return back


def description(briefing: Briefing, limit: int = 200) -> str:
    """What a link to the briefing says of it (``<meta name="description">``, ``og:description``):
    its top key point (or its first bullet, or its coverage line), on one line, cut after a word
    with "…" when longer than ``limit`` characters."""
    first = next((i.text for i in (*briefing.key_points, *(i for s in briefing.sections for i in s.items))), "")
    text = one_line(first or briefing.coverage)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut[:cut.rfind(" ")] if " " in cut else cut).rstrip(" ,;:") + "…"


def legend(every: list[Part]) -> list[tuple[str, str]]:
    """What the marks on the bullets of ``every`` mean: one (mark, meaning) a kind of mark that
    occurs — citations, "also reported by", a story's day, "since", "Developing" — each mark as
    the first bullet that carries it shows it."""
    bullets = [b for part in every for b in part.bullets]

    def first(has: Callable[[Bullet], object]) -> Bullet | None:
        return next((b for b in bullets if has(b)), None)

    marks: list[tuple[str, str]] = []
    if b := first(lambda b: b.cites):
        marks.append((f"[{b.cites[0].number}]", "a source of the sentence, listed under Sources (↩ there leads back)"))
    if first(lambda b: b.also or b.more_outlets):
        marks.append(("also reported by", "other outlets that reported the same story"))
    if b := first(lambda b: b.first_seen is not None and not b.since):
        marks.append((b.when_text, "the day its story was reported"))
    if b := first(lambda b: b.since):
        marks.append((b.when_text, "its story was first reported that day, and again on later days"))
    if b := first(lambda b: b.developing):
        marks.append((b.developing_text.rstrip(":"), "an update of a story that an earlier briefing reported (of that day)"))
    return marks
