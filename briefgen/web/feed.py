"""The Atom feed (RFC 4287) of the archive's latest briefings: ``OUT/feed.xml``.

One entry a briefing, newest first, at most :data:`LATEST`: its title and date, its coverage line
and key points as the summary, a link to its web page (or its first format) and the PDF as an
enclosure. Ids are ``urn:uuid:`` names derived from the briefing title and the date, so they are
unique within the feed and stay the same when a date is briefed again (while the title stays).
``updated`` is when the briefing's record was last written. Links are relative to the feed's
own address (``feed.xml`` beside ``index.html``), so the archive can be served from anywhere.
Characters XML 1.0 cannot hold are left out.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from briefgen.output.archive import ArchivedBriefing
from briefgen.text.dates import long_date
from briefgen.web.pages import FORMATS, formats

ATOM = "http://www.w3.org/2005/Atom"
LATEST = 30  #: entries at most
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _id(*parts: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "briefgen:" + ":".join(parts)))


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def written(briefing: ArchivedBriefing, basename: str) -> dt.datetime:
    """When the briefing's record was last written (its ``updated``)."""
    return dt.datetime.fromtimestamp((briefing.folder / f"{basename}.json").stat().st_mtime, dt.UTC)


def feed_xml(briefings: Sequence[ArchivedBriefing], basename: str) -> bytes:
    """The feed of ``briefings`` (newest first) as UTF-8 XML."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = _text(text)
        return element

    title = briefings[0].briefing.title if briefings else "Briefings"
    chosen = list(briefings[:LATEST])
    stamps = [written(b, basename) for b in chosen]
    root = ET.Element(f"{{{ATOM}}}feed")
    add(root, "id", _id(title))
    add(root, "title", title)
    add(root, "updated", _stamp(max(stamps, default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))))
    add(root, "link", rel="self", type="application/atom+xml", href="feed.xml")
    add(root, "link", rel="alternate", type="text/html", href="index.html")
    add(add(root, "author"), "name", title)
    add(root, "generator", "briefgen")
    for b, stamp in zip(chosen, stamps, strict=True):
        entry = add(root, "entry")
        add(entry, "id", _id(title, b.date.isoformat()))
        add(entry, "title", f"{b.briefing.title} — {long_date(b.date)}")
        add(entry, "updated", _stamp(stamp))
        found = formats(b, basename)
        page = "html" if "html" in found else found[0] if found else "json"
        kinds = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown", "json": "application/json"}
        add(entry, "link", rel="alternate", type=kinds[page], href=f"{b.folder.name}/{basename}.{page}")
        if "pdf" in found and page != "pdf":
            pdf = b.folder / f"{basename}.pdf"
            add(entry, "link", rel="enclosure", type="application/pdf", href=f"{b.folder.name}/{basename}.pdf",
                length=str(pdf.stat().st_size), title=FORMATS["pdf"])
        points = [f"• {p.text}" for p in b.briefing.key_points]
        add(entry, "summary", "\n".join([b.briefing.coverage, *points]), type="text")
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
