"""Site updates after the archive changed: ``latest``, every page's navigation bar, the index
(``index.md``, ``index.html``) and the Atom feed (``feed.xml``), replaced together.

The archive (:mod:`briefgen.output.archive`) knows its folders and records; this module makes the
pages a reader opens from them, and is the only place that writes them.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.files import Unreadable, read_regular, replace_together
from briefgen.output.archive import LATEST, check_latest, scan
from briefgen.web.feed import feed_xml
from briefgen.web.pages import MAX_PAGE_BYTES, index_html, index_markdown, navigation_updates


def update_links(out: Path, basename: str, templates: str = "", site_url: str = "") -> list[Path]:
    """Point ``latest`` at the newest date with a sound record, bring every briefing page's
    navigation bars up to date and rewrite ``index.md``, ``index.html`` and ``feed.xml``
    (``templates``: a folder of the user's templates; ``site_url``: ``[output] site_url``, the
    archive's published address, for the index's ``og:url`` and the feed's links), together:
    every one is made and written beside its place before any is replaced
    (:func:`briefgen.files.replace_together`), so a failure to write (a full disk) leaves them
    all as they were. The feed keeps the ``updated`` of each entry that did not change. Unsound
    records are left out silently (:func:`briefgen.output.archive.archived` warns about them).
    ``latest`` is only ever replaced if it is a symbolic link; raises
    :class:`~briefgen.errors.OutputError`. Returns the index, the feed and ``latest``."""
    briefings, _ = scan(out, basename)
    if not briefings:
        return []
    check_latest(out)
    try:
        previous: bytes | None = read_regular(out / "feed.xml", MAX_PAGE_BYTES, follow_link=False)
    except Unreadable:
        previous = None
    site = {out / "index.md": index_markdown(briefings, basename).encode(),
            out / "index.html": index_html(briefings, basename, templates, site_url).encode(),
            out / "feed.xml": feed_xml(briefings, basename, site_url, previous, templates)}
    replace_together({**navigation_updates(briefings, basename, templates), **site},
                     {out / LATEST: briefings[0].folder.name})
    return [*site, out / LATEST]
