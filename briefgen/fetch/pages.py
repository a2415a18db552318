"""Article pages: robots.txt, and the article in a fetched page.

:class:`Robots` fetches each site's ``/robots.txt`` once a run and answers whether a page may be
fetched, following RFC 9309: a robots.txt that is missing (any 4xx answer) allows everything;
one that cannot be fetched (a 5xx answer, a timeout, a refused address) allows nothing from
that site for this run. Only article pages are checked: feeds, which sites publish to be
polled, are not.

:func:`extract_article` reads a page with the loader's own HTML reader
(:func:`briefgen.readers.read_html`: trafilatura, boilerplate dropped, nothing fetched) and
cleans its text as the loader does (:func:`briefgen.load.make_article`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from briefgen.fetch.net import Client, FetchFailure
from briefgen.models import Article


class Robots:
    """robots.txt of every site a run fetches pages from, each fetched once (thread-safe)."""

    def __init__(self, client: Client, user_agent: str) -> None:
        self.client = client
        self.agent = user_agent.split("/")[0].split()[0] if user_agent.strip() else "*"
        self.parsers: dict[str, RobotFileParser] = {}
        self.locks: dict[str, threading.Lock] = {}
        self.guard = threading.Lock()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets ``url`` be fetched."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self.guard:
            lock = self.locks.setdefault(site, threading.Lock())
        with lock:
            if site not in self.parsers:
                self.parsers[site] = self._load(site)
        return self.parsers[site].can_fetch(self.agent, url)

    def _load(self, site: str) -> RobotFileParser:
        parser = RobotFileParser(f"{site}/robots.txt")
        try:
            response = self.client.get(f"{site}/robots.txt")
        except FetchFailure as failure:
            # RFC 9309: "unavailable" (4xx) allows everything, "unreachable" (5xx, no answer) nothing
            missing = failure.status is not None and 400 <= failure.status < 500
            setattr(parser, "allow_all" if missing else "disallow_all", True)
            parser.modified()
            return parser
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        return parser


def extract_article(raw: bytes, url: str) -> Article:
    """The article in a fetched page: title, date, outlet (the site's name) and main text,
    cleaned as the loader cleans every text. Raises :class:`ArticleError` when the page holds
    no article text."""
    from briefgen.load import make_article
    from briefgen.readers import read_html

    reading = read_html(raw, url)
    draft = reading.drafts[0]
    draft.meta["url"] = url  # the link followed, not whatever canonical link the page claims
    return make_article(draft, Path("page.html"), url, url)
