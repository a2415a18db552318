"""The archive's index (``index.html``, ``index.md``) and the navigation bar of every briefing page.

The index lists every briefing, newest first: the latest on top with its key points, then the
coverage chart of the archive's whole span (:func:`briefgen.web.chart.merge` of the records'
counts), then one row a day with its date, the bullets of each topic and links to its formats
(:data:`FORMATS`: never the ``.eml`` of ``send --dry-run``, which names the recipients).

Each briefing page carries a navigation bar between :data:`briefgen.render.NAV_START` and
``NAV_END``; :func:`refresh_navigation` rewrites it (atomically, and only where it changed) so
that it links the index and the previous and next briefings as the archive is now.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefgen.archive import ArchivedBriefing, write_atomic
from briefgen.files import Unreadable, read_regular
from briefgen.render import NAV_END, NAV_START, escape_markdown, long_date, navigation, stylesheet
from briefgen.web import chart

log = logging.getLogger(__name__)

#: the formats the index links, in this order, and what it calls them
FORMATS = {"html": "Web page", "pdf": "PDF", "md": "Markdown", "json": "JSON"}
MAX_PAGE_BYTES = 64 * 2**20  #: a briefing page larger than this is not one briefgen wrote


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
    record = briefing.record

    def count(section: dict[str, Any]) -> int:
        texts = {i["text"] for i in section["items"]}
        return len(texts) + sum(1 for k in record["key_points"] if k.get("section") == section.get("topic") and k["text"] not in texts)

    return [(s.get("title") or s.get("topic") or "", count(s)) for s in record["sections"]]


def _short_date(briefing: ArchivedBriefing) -> str:
    return f"{briefing.date:%a} {briefing.date.day} {briefing.date:%b %Y}"


def index_markdown(briefings: Sequence[ArchivedBriefing], basename: str) -> str:
    """``index.md``: one line a briefing, newest first: its date, coverage, bullets per topic and formats."""
    lines = [f"# {escape_markdown(briefings[0].record['title'])}: all briefings", ""] if briefings else ["# Briefings", ""]
    for b in briefings:
        links = " · ".join(f"[{FORMATS[f]}]({b.folder.name}/{basename}.{f})" for f in formats(b, basename))
        counts = ", ".join(f"{escape_markdown(t)} {n}" for t, n in _topic_counts(b))
        lines.append(f"- **{b.date.isoformat()}** — {escape_markdown(b.record['coverage'])}; {counts} ({links})")
    return "\n".join(lines) + "\n"


def index_html(briefings: Sequence[ArchivedBriefing], basename: str) -> str:
    """``index.html``: the latest briefing on top, the coverage chart, then one row a day."""
    esc = html.escape
    title = briefings[0].record["title"] if briefings else "Briefings"
    parts = [f'<header class="site"><h1>{esc(title)}</h1>\n<p>{len(briefings)} briefing{"s" * (len(briefings) != 1)}'
             + (f", {esc(_short_date(briefings[-1]))} to {esc(_short_date(briefings[0]))}" if briefings else "")
             + ' · <a href="feed.xml">Atom feed</a></p></header>\n<main class="archive">']
    if briefings:
        latest = briefings[0]
        points = "".join(f"<li>{esc(p['text'])}</li>" for p in latest.record["key_points"])
        links = " ".join(f'<a href="{esc(latest.folder.name)}/{esc(basename)}.{f}">{FORMATS[f]}</a>' for f in formats(latest, basename))
        parts.append(
            f'<section class="latest" aria-labelledby="latest">\n<h2 id="latest">Latest: '
            f'<a href="{esc(_page(latest, basename))}">{esc(long_date(latest.date))}</a></h2>\n'
            f'<p class="line">{esc(latest.record["coverage"])}</p>\n'
            + (f'<ul class="points">{points}</ul>\n' if points else "")
            + f'<p class="formats">{links}</p>\n</section>')
    span = chart.merge(a for b in briefings if (a := chart.from_record(b.record)) is not None)
    if span is not None:
        parts.append('<section class="chart" aria-labelledby="coverage">\n<h2 id="coverage">Coverage</h2>\n'
                     f'{chart.figure(span, f"Articles per topic per day, {chart.span_text(span)}")}\n</section>')
    rows = []
    for b in briefings:
        counts = "".join(f'<li><span class="topic">{esc(t)}</span> <span class="n">{n}</span></li>' for t, n in _topic_counts(b))
        links = " ".join(f'<a href="{esc(b.folder.name)}/{esc(basename)}.{f}">{FORMATS[f]}</a>' for f in formats(b, basename))
        rows.append(f'<li class="day"><a class="date" href="{esc(_page(b, basename))}"><time datetime="{b.date.isoformat()}">'
                    f'{esc(_short_date(b))}</time></a>\n<ul class="counts" aria-label="bullets per topic">{counts}</ul>\n'
                    f'<p class="formats">{links}</p></li>')
    parts.append('<section class="all" aria-labelledby="all">\n<h2 id="all">All briefings</h2>\n<ol class="days">\n'
                 + "\n".join(rows) + "\n</ol>\n</section>\n</main>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"color-scheme\" content=\"light dark\">\n"
            f"<title>{esc(title)}: all briefings</title>\n"
            f"<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{esc(title)}\" href=\"feed.xml\">\n"
            f"<style>\n{stylesheet('index.css')}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


def refresh_navigation(briefings: Sequence[ArchivedBriefing], basename: str) -> list[Path]:
    """Make every briefing page's navigation bar link the index and its neighbours among the
    briefings that have a page (``briefings`` newest first). A page is rewritten atomically, and
    only if its bar changed; a page without the bar (made before briefgen had one) is left as it
    is. Returns the pages rewritten."""
    pages = [(b, b.folder / f"{basename}.html") for b in briefings if "html" in formats(b, basename)]
    rewritten = []
    for i, (_, path) in enumerate(pages):
        newer = pages[i - 1] if i > 0 else None
        older = pages[i + 1] if i + 1 < len(pages) else None
        bar = navigation((older[0].date, f"../{older[0].folder.name}/{basename}.html") if older else None,
                         (newer[0].date, f"../{newer[0].folder.name}/{basename}.html") if newer else None)
        try:
            text = read_regular(path, MAX_PAGE_BYTES, follow_link=False).decode("utf-8")
        except (Unreadable, UnicodeDecodeError) as exc:
            log.warning("left the navigation of %s as it was: %s", path, getattr(exc, "reason", exc))
            continue
        start, end = text.find(NAV_START), text.find(NAV_END)
        if start < 0 or end < start:
            continue
        if text[start:end + len(NAV_END)] != bar:
            rewritten.append(write_atomic(path, (text[:start] + bar + text[end + len(NAV_END):]).encode("utf-8")))
    return rewritten
