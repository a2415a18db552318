"""The archive's index (``index.html``, ``index.md``) and the navigation bar of every briefing page.

The index lists every briefing, newest first: the latest on top with its key points, then the
coverage chart of the archive's whole span (:func:`briefgen.web.chart.merge` of the records'
counts), then one row a day with its date, the bullets of each topic and links to its formats
(:data:`FORMATS`: never the ``.eml`` of ``send --dry-run``, which names the recipients).

The HTML is the template ``index.html`` (:mod:`briefgen.styles`). Each briefing page carries
a navigation bar (:func:`briefgen.web.nav.navigation`) between its ``NAV_START`` and ``NAV_END``; :func:`refresh_navigation` rewrites it (atomically, and only where it changed) so
that it links the index and the previous and next briefings as the archive is now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefgen import styles
from briefgen.files import Unreadable, read_regular, write_atomic
from briefgen.models import Section
from briefgen.output.archive import ArchivedBriefing
from briefgen.output.present import escape_markdown
from briefgen.text.dates import long_date, short_date
from briefgen.web import chart
from briefgen.web.nav import NAV_END, NAV_START, navigation

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


def index_html(briefings: Sequence[ArchivedBriefing], basename: str, templates: str = "") -> str:
    """``index.html``: the latest briefing on top, the coverage chart, then one row a day (the
    template ``index.html``; ``templates``: a folder of the user's templates)."""
    rows = [_row(b, basename) for b in briefings]
    span = chart.merge(b.briefing.activity for b in briefings if b.briefing.activity is not None)
    drawn = chart.drawn(span, chart.caption(span)) if span is not None and span.topics else None  # no topic, no chart
    return styles.render("index.html", templates, title=briefings[0].briefing.title if briefings else "Briefings",
                         rows=rows, latest=rows[0] if rows else None, chart=drawn,
                         css=styles.safe(styles.stylesheet("index.css")))


def refresh_navigation(briefings: Sequence[ArchivedBriefing], basename: str, templates: str = "") -> list[Path]:
    """Rewrite, each atomically, the pages whose navigation bar changed
    (:func:`navigation_updates`). Returns the pages rewritten."""
    return [write_atomic(path, data) for path, data in navigation_updates(briefings, basename, templates).items()]


def navigation_updates(briefings: Sequence[ArchivedBriefing], basename: str, templates: str = "") -> dict[Path, bytes]:
    """The pages whose navigation bar must change, with their new text, so that every briefing
    page's bar links the index and its neighbours among the briefings that have a page
    (``briefings`` newest first). A page whose bar is already right, and a page without the bar
    (made before briefgen had one), are not among them."""
    pages = [(b, b.folder / f"{basename}.html") for b in briefings if "html" in formats(b, basename)]
    rewritten: dict[Path, bytes] = {}
    for i, (_, path) in enumerate(pages):
        newer = pages[i - 1] if i > 0 else None
        older = pages[i + 1] if i + 1 < len(pages) else None
        bar = navigation((older[0].date, f"../{older[0].folder.name}/{basename}.html") if older else None,
                         (newer[0].date, f"../{newer[0].folder.name}/{basename}.html") if newer else None,
                         templates=templates)
        try:
            text = read_regular(path, MAX_PAGE_BYTES, follow_link=False).decode("utf-8")
        except (Unreadable, UnicodeDecodeError) as exc:
            log.warning("left the navigation of %s as it was: %s", path, getattr(exc, "reason", exc))
            continue
        start, end = text.find(NAV_START), text.find(NAV_END)
        if start < 0 or end < start:
            continue
        if text[start:end + len(NAV_END)] != bar:
            rewritten[path] = (text[:start] + bar + text[end + len(NAV_END):]).encode("utf-8")
    return rewritten
