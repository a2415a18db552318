"""Feeds and feed lists: RSS and Atom bytes → items; an OPML file → feed URLs.

Both go through the loader's own guard first (:func:`briefgen.readers.check_xml`, defusedxml):
XML that declares entities is refused before anything expands them. A feed is then read by the
loader's own feed reader (:func:`briefgen.readers.read_feed`), so a fetched entry gets the same
title, date, outlet, link and text as the same feed saved into the corpus would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from briefgen.errors import ArticleError, ConfigError
from briefgen.files import Unreadable, printable, read_regular
from briefgen.readers import Draft, check_xml, read_feed

MAX_OPML_BYTES = 5_000_000  #: an OPML file larger than this is refused


@dataclass(frozen=True)
class FeedItem:
    """One entry of a fetched feed, as the loader's feed reader found it."""

    url: str  #: the entry's link, made absolute against the feed's URL, without a #fragment
    draft: Draft  #: title, date, outlet and text (``summary_only`` when it carries just a summary)


def feed_items(raw: bytes, feed_url: str) -> tuple[list[FeedItem], list[str]]:
    """The entries of a feed and the warnings about it (an entry without a link is left out:
    without a URL it can be neither cited nor recognised next time). Raises
    :class:`~briefgen.errors.ArticleError` for a feed that cannot be read at all."""
    reading = read_feed(raw, feed_url)
    items, warnings = [], list(reading.warnings)
    for draft in reading.drafts:
        link = str(draft.meta.get("url") or "").strip()
        url = article_url(urljoin(feed_url, link)) if link else ""
        if not url:
            warnings.append(f"{feed_url} {draft.where}: no http or https link; left out")
            continue
        draft.meta["url"] = url
        items.append(FeedItem(url, draft))
    return items, warnings


def article_url(url: str) -> str:
    """``url`` without its ``#fragment`` (one page, one article), or ``""`` when it is not an
    http or https URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return parts._replace(fragment="").geturl()


def read_opml(path: str | Path) -> list[str]:
    """The feed URLs (``xmlUrl`` of every ``<outline>``, nested ones too) of an OPML file, in
    order, each once. A file that cannot be read or is not OPML is a :class:`ConfigError`."""
    import defusedxml.ElementTree

    origin = printable(path)
    try:
        raw = read_regular(Path(path), MAX_OPML_BYTES)
    except Unreadable as exc:
        raise ConfigError(f"fetch.opml names {origin}: {exc.reason}", "check the path (relative to the config file)") from exc
    try:
        problem = check_xml(raw, origin)
    except ArticleError as exc:
        raise ConfigError(f"fetch.opml: {exc.message}", exc.hint) from exc
    if problem:
        raise ConfigError(f"fetch.opml: {origin}: {problem}", "fix the OPML file (it must be well-formed XML)")
    root = defusedxml.ElementTree.fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    if root.tag.rpartition("}")[2].lower() != "opml":
        raise ConfigError(f"fetch.opml: {origin} is not an OPML file (its root is <{root.tag}>)", "export the feed list as OPML")
    urls = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not article_url(url):
            raise ConfigError(f"fetch.opml: {origin} lists '{printable(url)[:200]}', which is not an http or https URL",
                              "fix or remove that outline")
        urls.append(url)
    return list(dict.fromkeys(urls))
