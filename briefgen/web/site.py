"""Site updates after the archive changed: ``latest``, every page's navigation bar, the index
(``index.md``, ``index.html``) and the Atom feed (``feed.xml``).

The archive (:mod:`briefgen.output.archive`) knows its folders and records; this module makes the
pages a reader opens from them, and is the only place that writes them.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.files import Unreadable, read_regular, write_atomic
from briefgen.output.archive import point_latest, scan
from briefgen.web.feed import feed_xml
from briefgen.web.pages import MAX_PAGE_BYTES, index_html, index_markdown, refresh_navigation


def update_links(out: Path, basename: str, templates: str = "", site_url: str = "") -> list[Path]:
    """Point ``latest`` at the newest date with a sound record, bring every briefing page's
    navigation bars up to date and rewrite ``index.md``, ``index.html`` and ``feed.xml``, each
    file atomically (``templates``: a folder of the user's templates; ``site_url``: ``[output]
    site_url``, the archive's published address, for the index's ``og:url`` and the feed's
    links). The feed keeps the ``updated`` of each entry that did not change. Unsound records are
    left out silently (:func:`briefgen.output.archive.archived` warns about them). ``latest`` is only ever
    replaced if it is a symbolic link; raises :class:`~briefgen.errors.OutputError`."""
    briefings, _ = scan(out, basename)
    if not briefings:
        return []
    link = point_latest(out, briefings[0].folder.name)
    refresh_navigation(briefings, basename, templates)
    try:
        previous: bytes | None = read_regular(out / "feed.xml", MAX_PAGE_BYTES, follow_link=False)
    except Unreadable:
        previous = None
    written = [write_atomic(out / "index.md", index_markdown(briefings, basename).encode()),
               write_atomic(out / "index.html", index_html(briefings, basename, templates, site_url).encode()),
               write_atomic(out / "feed.xml", feed_xml(briefings, basename, site_url, previous, templates))]
    return [*written, link]
