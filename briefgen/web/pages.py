"""The archive's index (``index.html``, ``index.md``) and the navigation bar of every briefing page.

The index lists every briefing, newest first: the latest on top with its key points and
sections as its page shows them (the citations leading to that page's Sources), then the
coverage chart of the archive's whole span (:func:`briefgen.web.chart.merge` of the records'
counts), then one row a day with its date, the bullets of each topic and links to its formats
(:data:`FORMATS`: never the ``.eml`` of ``send --dry-run``, which names the recipients).

The HTML is the template ``index.html`` (:mod:`briefgen.styles`); :func:`page_meta` is what
every page says of itself for a link preview (``head.html``). Each briefing page carries two
navigation bars (:func:`briefgen.web.nav.navigation`), above it and at its foot, each between a
``NAV_START`` and a ``NAV_END``; :func:`refresh_navigation` rewrites them (atomically, and only
where they changed) so that they link the index and the previous and next briefings as the
archive is now.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefgen import styles
from briefgen.files import Unreadable, read_regular, write_atomic
from briefgen.models import Section
from briefgen.output.archive import ArchivedBriefing
from briefgen.output.present import anchored, description, escape_markdown, parts
from briefgen.text.dates import date_range, long_date, short_date
from briefgen.web import chart
from briefgen.web.nav import NAV_END, NAV_START, navigation

log = logging.getLogger(__name__)

#: the formats the index links, in this order, and what it calls them
FORMATS = {"html": "Web page", "pdf": "PDF", "md": "Markdown", "json": "JSON"}
MAX_PAGE_BYTES = 64 * 2**20  #: a briefing page larger than this is not one briefgen wrote
def page_url(site_url: str, date: dt.date, basename: str) -> str:
    """The published address of a date's briefing page (``[output] site_url`` + ``YYYY-MM-DD/<basename>.html``),
    or "" when no ``site_url`` is set."""
    return f"{site_url}{date.isoformat()}/{basename}.html" if site_url else ""


def page_meta(title: str, heading: str, description: str, kind: str, site: str, url: str, feed: str) -> dict[str, str]:
    """What the template ``head.html`` says of a page: its ``<title>``, the link preview's title
    (``heading``), ``description`` and type (``kind``: ``article``, ``website``), the ``site``'s
    name, the page's own address ``url`` ("" when unknown: no ``og:url``) and the feed's link."""
    return {"title": title, "heading": heading, "description": description, "type": kind, "site": site, "url": url, "feed": feed}


def formats(briefing: ArchivedBriefing, basename: str) -> list[str]:
    """The formats of ``briefing`` that are regular files in its folder, in :data:`FORMATS` order."""
    return [f for f in FORMATS if (path := briefing.folder / f"{basename}.{f}").is_file() and not path.is_symlink()]


def _page(briefing: ArchivedBriefing, basename: str) -> str:
    """The link to a briefing from the index: its web page, else its first format."""
    found = formats(briefing, basename)
    fmt = "html" if "html" in found else found[0] if found else "json"
    return f"{briefing.folder.name}/{basename}.{fmt}"


def _topic_counts(briefing: ArchivedBriefing) -> list[tuple[str, int]]:
    """Each section's title and its bullets, the key points that name it included (once: a
    record written before key points left their section repeats them there)."""
    key_points = briefing.briefing.key_points

    def count(section: Section) -> int:
        texts = {i.text for i in section.items}
        return len(texts) + sum(1 for k in key_points if section.topic and k.section == section.topic and k.text not in texts)

    return [(s.title, count(s)) for s in briefing.briefing.sections]


def index_markdown(briefings: Sequence[ArchivedBriefing], basename: str) -> str:
    """``index.md``: one line a briefing, newest first: its date, coverage, bullets per topic and formats."""
    lines = [f"# {escape_markdown(briefings[0].briefing.title)}: all briefings", ""] if briefings else ["# Briefings", ""]
    for b in briefings:
        links = " · ".join(f"[{FORMATS[f]}]({b.folder.name}/{basename}.{f})" for f in formats(b, basename))
        counts = ", ".join(f"{escape_markdown(t)} {n}" for t, n in _topic_counts(b))
        lines.append(f"- **{b.date.isoformat()}** — {escape_markdown(b.briefing.coverage)}; {counts} ({links})")
    return "\n".join(lines) + "\n"


def _row(b: ArchivedBriefing, basename: str) -> dict[str, Any]:
    """What the index shows of a briefing."""
    return {"date": b.date, "short": short_date(b.date), "long": long_date(b.date), "page": _page(b, basename),
            "briefing": b.briefing, "counts": _topic_counts(b),
            "formats": [{"href": f"{b.folder.name}/{basename}.{f}", "label": FORMATS[f]} for f in formats(b, basename)]}


def index_html(briefings: Sequence[ArchivedBriefing], basename: str, templates: str = "", site_url: str = "") -> str:
    """``index.html``: the latest briefing on top (its key points and sections, the citations
    linking its page's Sources), the coverage chart, then one row a day (the template
    ``index.html``; ``templates``: a folder of the user's templates; ``site_url``: where the
    archive is published, for ``og:url``)."""
    rows = [_row(b, basename) for b in briefings]
    span = chart.merge(b.briefing.activity for b in briefings if b.briefing.activity is not None)
    drawn = chart.drawn(span, chart.caption(span)) if span is not None and span.topics else None  # no topic, no chart
    title = briefings[0].briefing.title if briefings else "Briefings"
    if briefings:
        first, last = briefings[-1].date, briefings[0].date
        when = short_date(last) if first == last else date_range(first, last)
        summary = f"{len(briefings)} briefing{'s' * (len(briefings) != 1)}, {when}"
    else:
        summary = "No briefing yet"
    latest_parts = []
    if briefings:
        every = parts(briefings[0].briefing)
        latest_parts = anchored([(f"latest-{n}", part) for n, part in enumerate(every)], sources=rows[0]["page"])
    meta = page_meta(f"{title}: all briefings", f"{title}: all briefings",
                     f"{summary}. Latest: {description(briefings[0].briefing)}" if briefings else summary,
                     "website", title, f"{site_url}index.html" if site_url else "", f"{site_url}feed.xml" if site_url else "feed.xml")
    return styles.render("index.html", templates, title=title, summary=summary, rows=rows, latest=rows[0] if rows else None,
                         latest_parts=latest_parts, chart=drawn, meta=meta, css=styles.safe(styles.stylesheet("index.css")))


def refresh_navigation(briefings: Sequence[ArchivedBriefing], basename: str, templates: str = "") -> list[Path]:
    """Rewrite, each atomically, the pages whose navigation bars changed
    (:func:`navigation_updates`). Returns the pages rewritten."""
    return [write_atomic(path, data) for path, data in navigation_updates(briefings, basename, templates).items()]


def navigation_updates(briefings: Sequence[ArchivedBriefing], basename: str, templates: str = "") -> dict[Path, bytes]:
    """The pages whose navigation bars must change, with their new text, so that every briefing
    page's bars (the one above it and the one at its foot) link the index and its neighbours
    among the briefings that have a page (``briefings`` newest first). A page whose bars are
    already right, and a page without the bars (made before briefgen had them), are not among
    them; one with only the top bar keeps only that."""
    pages = [(b, b.folder / f"{basename}.html") for b in briefings if "html" in formats(b, basename)]
    rewritten: dict[Path, bytes] = {}
    for i, (b, path) in enumerate(pages):
        newer = pages[i - 1] if i > 0 else None
        older = pages[i + 1] if i + 1 < len(pages) else None
        links = ((older[0].date, f"../{older[0].folder.name}/{basename}.html") if older else None,
                 (newer[0].date, f"../{newer[0].folder.name}/{basename}.html") if newer else None)
        bars = [navigation(*links, templates=templates, this=b.date, foot=foot) for foot in (False, True)]
        try:
            text = read_regular(path, MAX_PAGE_BYTES, follow_link=False).decode("utf-8")
        except (Unreadable, UnicodeDecodeError) as exc:
            log.warning("left the navigation of %s as it was: %s", path, getattr(exc, "reason", exc))
            continue
        changed = _replace_bars(text, bars)
        if changed != text:
            rewritten[path] = changed.encode("utf-8")
    return rewritten


def _replace_bars(text: str, bars: list[str]) -> str:
    """``text`` with its first marked bars (``NAV_START`` … ``NAV_END``) replaced by ``bars``, in order."""
    out, at = [], 0
    for bar in bars:
        start = text.find(NAV_START, at)
        end = text.find(NAV_END, start)
        if start < 0 or end < 0:
            break
        out += [text[at:start], bar]
        at = end + len(NAV_END)
    return "".join(out) + text[at:]
