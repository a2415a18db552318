"""The navigation bars of a briefing page, one above it and one at its foot: the previous briefing,
the archive's index, the next one (the template ``nav.html``).
:func:`briefgen.web.pages.refresh_navigation` rewrites them in every page as briefings come and go."""

from __future__ import annotations

import datetime as dt

from briefgen import styles
from briefgen.text.dates import short_date

#: the navigation bar stands between these two comments (which escaped article text never holds)
NAV_START, NAV_END = "<!-- briefgen:nav -->", "<!-- /briefgen:nav -->"


def navigation(previous: tuple[dt.date, str] | None = None, following: tuple[dt.date, str] | None = None,
               index: str = "../index.html", templates: str = "", foot: bool = False, this: dt.date | None = None) -> str:
    """The navigation bar of a briefing page (``foot``: the one at its foot, with a link to the
    top): the previous briefing, the index, the next one; ``previous`` and ``following`` are each
    a date and the link to that briefing's page. A day carries its year when it is not ``this``
    page's year."""
    def link(day: tuple[dt.date, str] | None) -> dict[str, str] | None:
        if day is None:
            return None
        return {"day": short_date(day[0], year=this is not None and day[0].year != this.year), "href": day[1]}

    bar = styles.render("nav.html", templates, previous=link(previous), following=link(following), index=index, foot=foot)
    return f"{NAV_START}{bar.strip()}{NAV_END}"
