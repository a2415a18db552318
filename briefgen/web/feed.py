"""The Atom feed (RFC 4287) of the archive's latest briefings: ``OUT/feed.xml``.

One entry a briefing, newest first, at most :data:`LATEST`: its title and date; a short summary
(the coverage line and the key points, as prose); the whole briefing as HTML ``content`` (the
template ``feed.html``: key points, sections and sources, every citation linking to the
article's URL; article text escaped, only URLs that pass
:func:`briefgen.output.present.safe_url` linked); a link to its web page (or its first format)
and the PDF as an enclosure. Ids are ``urn:uuid:`` names derived from the briefing title and the
date, so they are unique within the feed and stay the same when a date is briefed again (while
the title stays).

An entry's ``updated`` is when its record was written — unless the feed written before (passed
as ``previous``) holds the same entry unchanged, whose ``updated`` is then kept: a run that
changes nothing leaves the feed as it was, byte for byte, and readers see nothing new.

Links are relative to the feed's own address (``feed.xml`` beside ``index.html``), so the archive
can be served from anywhere; with ``site_url`` (``[output] site_url``) they are absolute, as
some feed readers need. Characters XML 1.0 cannot hold are left out.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from briefgen import styles
from briefgen.output.archive import ArchivedBriefing
from briefgen.output.present import listed, one_line, parts
from briefgen.text.dates import long_date
from briefgen.web.pages import FORMATS, formats

ATOM = "http://www.w3.org/2005/Atom"
LATEST = 30  #: entries at most
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_KINDS = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown", "json": "application/json"}


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _id(*parts: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "briefgen:" + ":".join(parts)))


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def written(briefing: ArchivedBriefing, basename: str) -> dt.datetime:
    """When the briefing's record was last written."""
    return dt.datetime.fromtimestamp((briefing.folder / f"{basename}.json").stat().st_mtime, dt.UTC)


def summary(b: ArchivedBriefing) -> str:
    """The entry's summary, prose a reader shows as one paragraph: ``28 articles from 7 sources,
    23–29 Nov 2026. Key points: First. Second.``"""
    points = " ".join(one_line(p.text) for p in b.briefing.key_points)
    return f"{one_line(b.briefing.coverage)}." + (f" Key points: {points}" if points else "")


def content(b: ArchivedBriefing, page: str, templates: str = "") -> str:
    """The entry's content: the whole briefing as an HTML fragment (template ``feed.html``);
    ``page``: the address of its web page, linked ("" for none)."""
    return styles.render("feed.html", templates, briefing=b.briefing, parts=parts(b.briefing),
                         sources=listed(b.briefing), long_date=long_date(b.date), page=page).strip()


Fingerprint = tuple[tuple[str, tuple[tuple[str, str], ...], str], ...]


def _fingerprint(entry: ET.Element) -> Fingerprint:
    """What an entry says, but its ``updated``: each element's tag, attributes and text."""
    return tuple((e.tag, tuple(sorted(e.attrib.items())), (e.text or "").strip())
                 for e in entry.iter() if e.tag != f"{{{ATOM}}}updated")


def _previous_entries(previous: bytes | None) -> dict[str, tuple[str, Fingerprint]]:
    """Each entry of the feed written before, by id: its ``updated`` and :func:`_fingerprint`.
    A feed that cannot be read is as none."""
    if not previous:
        return {}
    import defusedxml.ElementTree

    try:
        root = defusedxml.ElementTree.fromstring(previous)
    except Exception:  # noqa: BLE001 - any damage means: no previous feed to keep stamps from
        return {}
    found: dict[str, tuple[str, Fingerprint]] = {}
    for entry in root.findall(f"{{{ATOM}}}entry"):
        ident, stamp = entry.findtext(f"{{{ATOM}}}id"), entry.findtext(f"{{{ATOM}}}updated")
        if ident and stamp:
            found[ident] = (stamp, _fingerprint(entry))
    return found


def feed_xml(briefings: Sequence[ArchivedBriefing], basename: str, site_url: str = "", previous: bytes | None = None,
             templates: str = "") -> bytes:
    """The feed of ``briefings`` (newest first) as UTF-8 XML. ``site_url``: the archive's published
    address (ending in ``/``), from which links are made absolute; ``previous``: the feed as
    written before, whose ``updated`` stamps are kept for the entries that did not change;
    ``templates``: a folder of the user's templates."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = _text(text)
        return element

    title = briefings[0].briefing.title if briefings else "Briefings"
    before = _previous_entries(previous)
    root = ET.Element(f"{{{ATOM}}}feed")
    add(root, "id", _id(title))
    add(root, "title", title)
    feed_updated = add(root, "updated")
    add(root, "link", rel="self", type="application/atom+xml", href=f"{site_url}feed.xml")
    add(root, "link", rel="alternate", type="text/html", href=f"{site_url}index.html")
    add(add(root, "author"), "name", title)
    add(root, "generator", "briefgen")
    stamps = []
    for b in briefings[:LATEST]:
        entry = add(root, "entry")
        ident = _id(title, b.date.isoformat())
        add(entry, "id", ident)
        add(entry, "title", f"{b.briefing.title} — {long_date(b.date)}")
        updated = add(entry, "updated")
        found = formats(b, basename)
        page_format = "html" if "html" in found else found[0] if found else "json"
        page = f"{site_url}{b.folder.name}/{basename}.{page_format}"
        add(entry, "link", rel="alternate", type=_KINDS[page_format], href=page)
        if "pdf" in found and page_format != "pdf":
            pdf = b.folder / f"{basename}.pdf"
            add(entry, "link", rel="enclosure", type="application/pdf", href=f"{site_url}{b.folder.name}/{basename}.pdf",
                length=str(pdf.stat().st_size), title=FORMATS["pdf"])
        add(entry, "summary", summary(b), type="text")
        add(entry, "content", content(b, page if page_format == "html" else "", templates), type="html")
        kept = before.get(ident)
        updated.text = kept[0] if kept and kept[1] == _fingerprint(entry) else _stamp(written(b, basename))
        stamps.append(updated.text)
    feed_updated.text = max(stamps, default=_stamp(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
