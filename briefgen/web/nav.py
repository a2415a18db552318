"""The navigation bar of a briefing page: the previous briefing, the archive's index, the next one
(the template ``nav.html``). :func:`briefgen.web.pages.refresh_navigation` rewrites it in every
page as briefings come and go."""

from __future__ import annotations

import datetime as dt

from briefgen import styles
from briefgen.text.dates import short_date

#: the navigation bar stands between these two comments (which escaped article text never holds)
NAV_START, NAV_END = "<!-- briefgen:nav -->", "<!-- /briefgen:nav -->"


def navigation(previous: tuple[dt.date, str] | None = None, following: tuple[dt.date, str] | None = None,
               index: str = "../index.html", templates: str = "") -> str:
    """The navigation bar of a briefing page: the previous briefing, the index, the next one;
    ``previous`` and ``following`` are each a date and the link to that briefing's page."""
    def link(day: tuple[dt.date, str] | None) -> dict[str, str] | None:
        return {"day": short_date(day[0], year=False), "href": day[1]} if day else None

    bar = styles.render("nav.html", templates, previous=link(previous), following=link(following), index=index)
    return f"{NAV_START}{bar.strip()}{NAV_END}"
