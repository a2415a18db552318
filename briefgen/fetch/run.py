"""One fetch run: every feed and page in ``[fetch]`` → new articles in the corpus.

For each feed (``feeds``, and those of the ``opml`` file), in parallel up to ``concurrency``
requests at a time:

1. a feed that failed ``max_failures`` runs in a row and was tried less than a day ago is not
   requested (it is reported as failing);
2. the feed is requested with the ETag and Last-Modified of the last answer
   (``If-None-Match``, ``If-Modified-Since``); 304 Not Modified ends its turn;
3. each entry whose URL the state does not know becomes an article: the entry's own content,
   or — with ``full_text``, when the entry carries only a summary — its page, fetched if
   robots.txt allows it and extracted (else the summary);
4. an article whose text is already in the corpus under another URL is not written again;
   the others are written as ``CORPUS/YYYY-MM-DD/slug.md`` (:mod:`briefgen.fetch.write`);
5. an entry whose article could not be fetched is kept in the state with what the feed said of
   it, and retried on the next runs (whether the feed answers 304 or not) until it is written;
   the feed's validators are always kept for the next run.

Each page of ``pages`` is fetched once, the first time, and written the same way. Failures are
collected with their URL and reason, never raised: one dead feed does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefgen.config import FetchOptions
from briefgen.errors import ArticleError, ConfigError, OutputError
from briefgen.fetch.feeds import article_url, feed_items, read_opml
from briefgen.fetch.net import Client, FetchFailure, one_line
from briefgen.fetch.pages import Robots, extract_article
from briefgen.fetch.state import STATE_NAME, SourceState, State
from briefgen.fetch.write import article_markdown, free_path, slug, write_article
from briefgen.files import printable
from briefgen.models import Article
from briefgen.readers import Draft

log = logging.getLogger(__name__)

REST = 86_400.0  #: seconds between two tries of a source that keeps failing
Progress = Callable[[Iterable[Any], int], Iterator[Any]]


@dataclass(frozen=True)
class Failure:
    url: str
    reason: str  #: one printable line (it may quote a server: :func:`briefgen.fetch.net.one_line`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", one_line(self.reason))


@dataclass(frozen=True)
class Written:
    path: Path  #: the file written (in a dry run: the file that would be written)
    url: str


@dataclass
class FetchResult:
    """What a run did. ``feeds`` and ``pages`` count the sources checked; ``skipped`` the
    entries and pages already in the corpus (same URL, or same text under another URL)."""

    feeds: int = 0
    not_modified: int = 0
    pages: int = 0
    written: list[Written] = field(default_factory=list)
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)  #: sources and entries, each with its reason
    failed_sources: int = 0  #: feeds and pages that failed as a whole
    dry_run: bool = False

    @property
    def all_failed(self) -> bool:
        """Every feed and page failed."""
        return self.failed_sources > 0 and self.failed_sources == self.feeds + self.pages

    @property
    def partial(self) -> bool:
        """Something failed, but not everything."""
        return bool(self.failures) and not self.all_failed

    def add(self, other: FetchResult) -> None:
        self.feeds += other.feeds
        self.not_modified += other.not_modified
        self.pages += other.pages
        self.written += other.written
        self.skipped += other.skipped
        self.failures += other.failures
        self.failed_sources += other.failed_sources

    def summary(self) -> str:
        """``3 feeds checked (1 not modified), 1 page; 5 new articles, 2 skipped, 1 failed``."""
        checked = f"{_count(self.feeds, 'feed')} checked ({self.not_modified} not modified)"
        if self.pages:
            checked += f", {_count(self.pages, 'page')}"
        new = f"{_count(len(self.written), 'new article')}" + (" to write (dry run)" if self.dry_run else "")
        return f"{checked}; {new}, {self.skipped} skipped, {len(self.failures)} failed"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def sources(options: FetchOptions) -> tuple[list[str], list[str]]:
    """The feeds (``feeds`` then those of ``opml``) and pages to fetch, each once. Nothing to
    fetch is a :class:`ConfigError`."""
    feeds = list(options.feeds) + (read_opml(options.opml) if options.opml else [])
    feeds, pages = list(dict.fromkeys(feeds)), list(dict.fromkeys(options.pages))
    if not feeds and not pages:
        raise ConfigError("nothing to fetch: [fetch] lists no feeds, OPML file or pages",
                          'give one with --feed URL, or add e.g. feeds = ["https://news.example/rss.xml"] under [fetch] '
                          'in your config file')
    return feeds, pages


def make_client(options: FetchOptions) -> Client:
    return Client(timeout=options.timeout, max_bytes=options.max_bytes, user_agent=options.user_agent,
                  allow_private=options.allow_private, per_host_delay=options.per_host_delay,
                  concurrency=options.concurrency, retries=options.retries, retry_delay=options.retry_delay)


def run_fetch(corpus: Path, options: FetchOptions, *, today: dt.date, state_path: Path | None = None,
              dry_run: bool = False, client: Client | None = None, progress: Progress | None = None,
              clock: Callable[[], float] = time.time) -> FetchResult:
    """Fetch every source of ``options`` into ``corpus`` (created if missing), remembering what
    was seen in ``state_path`` (default ``CORPUS/.briefgen-fetch.sqlite``). With ``dry_run``,
    feeds are fetched but no article page, nothing is written and the state is not changed: the
    result lists the files that would be written. ``today`` dates an article that has no date."""
    feeds, pages = sources(options)
    corpus = Path(corpus)
    if not dry_run:
        try:
            corpus.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the corpus folder {printable(corpus)}: {exc.strerror or exc}",
                              "pass a writable folder with --corpus DIR") from exc
    if corpus.exists() and not corpus.is_dir():
        raise OutputError(f"the corpus {printable(corpus)} is not a folder", "pass a folder with --corpus DIR")
    state = State(state_path or corpus / STATE_NAME, readonly=dry_run)
    client = client or make_client(options)
    fetcher = _Fetcher(corpus, options, state, client, today, dry_run, clock)
    result = FetchResult(dry_run=dry_run)
    tasks: list[tuple[Callable[[str], FetchResult], str]] = [(fetcher.feed, u) for u in feeds]
    tasks += [(fetcher.page, u) for u in pages]
    pool = ThreadPoolExecutor(max_workers=min(options.concurrency, len(tasks)))
    try:
        done = pool.map(lambda task: task[0](task[1]), tasks)
        for outcome in (progress(done, len(tasks)) if progress else done):
            result.add(outcome)
    except BaseException:  # Ctrl-C or an error: start nothing more; what runs ends within its timeout
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    state.close()
    return result


class _Fetcher:
    """The work of one run, shared by its threads."""

    def __init__(self, corpus: Path, options: FetchOptions, state: State, client: Client, today: dt.date,
                 dry_run: bool, clock: Callable[[], float]) -> None:
        self.corpus, self.options, self.state, self.client = corpus, options, state, client
        self.today, self.dry_run, self.clock = today, dry_run, clock
        self.robots = Robots(client, options.user_agent)

    # --- sources ---------------------------------------------------------------------------

    def feed(self, url: str) -> FetchResult:
        out = FetchResult(feeds=1)
        known = self.state.source(url)
        if self._resting(known, out, url):
            return out
        headers = {}
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        try:
            response = self.client.get(url, headers)
            if response.status == 304:
                out.not_modified += 1
                self._retry_failed(url, set(), out)
                self.state.record_success(url, 304, known.etag if known else None,
                                          known.last_modified if known else None, self.clock())
                return out
            items, warnings = feed_items(response.body, url)
        except (FetchFailure, ArticleError) as exc:
            self._source_failed(out, url, exc.reason)
            return out
        for warning in warnings:
            log.warning("%s", warning)
        for item in items:
            self._entry(url, item.url, item.draft, out)
        self._retry_failed(url, {item.url for item in items}, out)
        self.state.record_success(url, response.status, response.headers.get("etag"),
                                  response.headers.get("last-modified"), self.clock())
        return out

    def _entry(self, feed: str, url: str, draft: Draft, out: FetchResult) -> None:
        """An entry of ``feed``: its article written, or kept in the state to retry next run."""
        before = len(out.failures)
        self._item(url, draft, out)
        if len(out.failures) > before:
            self.state.remember_failed(feed, url, draft, self.clock())
        else:
            self.state.forget_failed(url)

    def _retry_failed(self, feed: str, done: set[str], out: FetchResult) -> None:
        """Try again the entries of ``feed`` that failed on earlier runs (but those in ``done``)."""
        for url, draft in self.state.failed_items(feed):
            if url not in done:
                self._entry(feed, url, draft, out)

    def page(self, url: str) -> FetchResult:
        out = FetchResult(pages=1)
        target = article_url(url)
        if self.state.seen_url(target):
            out.skipped += 1
            return out
        if self._resting(self.state.source(url), out, url):
            return out
        before = len(out.failures)
        self._item(target, None, out)
        if len(out.failures) > before:
            reason = out.failures.pop().reason
            self._source_failed(out, url, reason)
        else:
            self.state.record_success(url, 200, None, None, self.clock())
        return out

    def _resting(self, known: SourceState | None, out: FetchResult, url: str) -> bool:
        """A source that failed ``max_failures`` runs in a row is tried once a day only."""
        if known is None or known.failures < self.options.max_failures or self.clock() - known.checked_at >= REST:
            return False
        out.failures.append(Failure(url, f"not checked: failed {known.failures} runs in a row, tried again once a day "
                                         f"(last: {known.last_status})"))
        out.failed_sources += 1
        return True

    def _source_failed(self, out: FetchResult, url: str, reason: str) -> None:
        runs = self.state.record_failure(url, reason, self.clock())
        if runs > 1:
            reason += f" ({runs} runs in a row" + (", now tried once a day)" if runs >= self.options.max_failures else ")")
        out.failures.append(Failure(url, reason))
        out.failed_sources += 1

    # --- articles --------------------------------------------------------------------------

    def _item(self, url: str, draft: Draft | None, out: FetchResult) -> None:
        """Write the article at ``url`` unless it is known; ``draft`` is its feed entry, if any."""
        if self.state.seen_url(url):
            out.skipped += 1
            return
        from_feed = _feed_article(draft, url) if draft is not None else None
        wants_page = draft is None or (self.options.full_text and (draft.summary_only or from_feed is None))
        if wants_page and self.dry_run:
            title = str(draft.meta.get("title") or "") if draft is not None else ""
            date = from_feed.date if from_feed is not None and from_feed.date else self.today
            out.written.append(Written(free_path(self.corpus, date, slug(title, url)), url))
            return
        article = from_feed
        if wants_page:
            article = self._page_article(url, draft, from_feed, out)
        if article is None:
            return
        self._write(article, url, out)

    def _page_article(self, url: str, draft: Draft | None, from_feed: Article | None, out: FetchResult) -> Article | None:
        if not self.robots.allowed(url):
            if from_feed is not None:
                log.info("%s: robots.txt does not allow the page; the feed's summary is kept", url)
                return from_feed
            out.failures.append(Failure(url, "robots.txt does not allow fetching this page"))
            return None
        try:
            response = self.client.get(url)
            page = extract_article(response.body, url)
        except (FetchFailure, ArticleError) as exc:
            out.failures.append(Failure(url, exc.reason))
            return None
        if from_feed is not None:  # the feed's title, date and outlet, the page's text
            return Article(id=url, title=from_feed.title, source=from_feed.source or page.source,
                           date=from_feed.date or page.date, url=url, path="", text=page.text)
        if draft is not None:
            title = " ".join(str(draft.meta.get("title") or "").split()) or page.title
            source = " ".join(str(draft.meta.get("source") or "").split()) or page.source
            return Article(id=url, title=title, source=source, date=page.date, url=url, path="", text=page.text)
        return page

    def _write(self, article: Article, url: str, out: FetchResult) -> None:
        date = article.date or self.today
        source = article.source or (urlsplit(url).hostname or "")
        name = slug(article.title, url)
        text_hash = hashlib.sha256(" ".join(article.text.split()).casefold().encode()).hexdigest()
        data = article_markdown(article.title, date, source, url, article.text)
        claim = self.state.claim(url, text_hash, lambda: write_article(self.corpus, date, name, data, url), self.corpus,
                                 self.clock())
        if claim.written is not None:
            log.info("wrote %s (%s)", claim.written, url)
            out.written.append(Written(claim.written, url))
        elif claim.seen:
            out.skipped += 1
        else:  # a dry run: nothing claimed, nothing written
            out.written.append(Written(free_path(self.corpus, date, name), url))


def _feed_article(draft: Draft, url: str) -> Article | None:
    """A feed entry as an article, cleaned as the loader cleans it; ``None`` when it has no text."""
    from briefgen.load import make_article

    try:
        return make_article(draft, Path("feed.xml"), url, url)
    except ArticleError:
        return None
