"""`briefgen fetch` against a news site on 127.0.0.1: what it writes, what it asks, what it skips."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from briefgen.config import FetchOptions
from briefgen.errors import OutputError
from briefgen.fetch import run_fetch
from briefgen.fetch.net import Client
from briefgen.fetch.state import STATE_NAME
from briefgen.fetch.write import article_markdown, escape_markdown_text, slug, write_article
from briefgen.load import load_corpus, normalize_body, parse_file
from tests.newsserver import (
    STORIES,
    NewsServer,
    Resource,
    article_page,
    atom,
    news_server,
    rss,
    send,
    status,
)

TODAY = dt.date(2026, 11, 30)
RAIL, CHECKPOINT, DRY_PORT, EMBASSY = (STORIES[k] for k in ("rail-deal", "checkpoint-attack", "dry-port", "embassy"))


@pytest.fixture
def site() -> Iterator[NewsServer]:
    """Steppe Ledger's RSS (summaries; the articles are on their pages) of two stories and
    Khyber Wire's Atom (whole articles in the feed) of one."""
    with news_server(("rail-deal", "checkpoint-attack")) as server:
        yield server


def options(server: NewsServer, **changes: object) -> FetchOptions:
    base = FetchOptions(feeds=(f"{server.base}/rss.xml", f"{server.base}/atom.xml"), allow_private=True,
                        per_host_delay=0.0, timeout=10.0, retries=0, retry_delay=0.0)
    return replace(base, **changes)  # type: ignore[arg-type]


def fetch(corpus: Path, opts: FetchOptions, **kwargs: object):  # noqa: ANN201
    return run_fetch(corpus, opts, today=TODAY, **kwargs)  # type: ignore[arg-type]


def corpus_files(corpus: Path) -> dict[str, bytes]:
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in sorted(corpus.rglob("*.md"))}


# --------------------------------------------------------------------------- the first fetch

def test_the_first_fetch_writes_each_article_with_its_full_text(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    result = fetch(corpus, options(site))
    assert not result.failures
    assert sorted(corpus_files(corpus)) == ["2026-11-27/termez-rail-link-gets-a-customs-deal.md",
                                            "2026-11-28/militants-attack-a-border-checkpoint.md",
                                            "2026-11-29/envoy-presents-credentials-at-the-foreign-ministry.md"]
    loaded = {a.url: a for a in load_corpus(corpus).articles}
    rail = loaded[f"{site.base}/articles/rail-deal.html"]
    # the feed only had a summary: the page's article, without its navigation and footer, is written
    assert rail.text == "\n\n".join(RAIL.paragraphs)
    assert (rail.title, rail.source, rail.date) == (RAIL.title, "Steppe Ledger", dt.date(2026, 11, 27))
    embassy = loaded[f"{site.base}/wire/embassy"]
    assert embassy.text == "\n\n".join(EMBASSY.paragraphs)
    assert (embassy.source, embassy.date) == ("Khyber Wire", dt.date(2026, 11, 29))
    # the Atom entry carried the whole article: its page was never requested
    assert "/wire/embassy" not in site.paths()
    assert result.summary() == "2 feeds checked (0 not modified); 3 new articles, 0 skipped, 0 failed"


def test_a_second_fetch_asks_conditionally_and_writes_nothing(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    fetch(corpus, options(site))
    before = corpus_files(corpus)
    first = len(site.requests)
    result = fetch(corpus, options(site))
    again = site.requests[first:]
    assert sorted(r.path for r in again) == ["/atom.xml", "/rss.xml"]  # no article page again
    for request in again:
        assert request.headers["if-none-match"] == '"v1"'
        assert request.headers["if-modified-since"] == site.routes["/rss.xml"].last_modified  # type: ignore[union-attr]
    assert result.not_modified == 2 and not result.written
    assert corpus_files(corpus) == before


def test_a_changed_feed_adds_only_its_new_item(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    fetch(corpus, options(site))
    before = corpus_files(corpus)
    site.routes["/rss.xml"].change(rss(site.base, [DRY_PORT, RAIL, CHECKPOINT]), '"v2"')  # type: ignore[union-attr]
    first = len(site.requests)
    result = fetch(corpus, options(site))
    assert [w.url for w in result.written] == [f"{site.base}/articles/dry-port.html"]
    assert result.skipped == 2 and result.not_modified == 1
    assert "/articles/rail-deal.html" not in [r.path for r in site.requests[first:]]
    after = corpus_files(corpus)
    assert set(after) - set(before) == {"2026-11-29/kazakhstan-to-build-a-dry-port-for-transit-cargo.md"}
    assert all(after[name] == data for name, data in before.items())


def test_a_server_that_ignores_conditional_requests_still_gets_nothing_written_twice(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    site.routes["/plain.xml"] = rss(site.base, [RAIL])  # served as plain bytes: no ETag, never a 304
    opts = options(site, feeds=(f"{site.base}/plain.xml",))
    fetch(corpus, opts)
    result = fetch(corpus, opts)
    assert not result.written and result.skipped == 1 and result.not_modified == 0
    assert len(corpus_files(corpus)) == 1


def test_the_same_text_under_another_url_is_not_written_twice(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    site.routes["/mirror/rail.html"] = article_page(RAIL)
    site.routes["/mirror.xml"] = Resource(rss(site.base, [RAIL], title="Mirror").replace(
        b"/articles/rail-deal.html", b"/mirror/rail.html"))
    result = fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml", f"{site.base}/mirror.xml"), concurrency=1))
    assert len(result.written) == 2 and result.skipped == 1
    urls = [a.url for a in load_corpus(corpus).articles]
    assert sorted(urls) == [f"{site.base}/articles/checkpoint-attack.html", f"{site.base}/articles/rail-deal.html"]
    # the copy is remembered by its URL too: its page is not fetched again
    first = len(site.requests)
    site.routes["/mirror.xml"].change(site.routes["/mirror.xml"].body, '"v2"')  # type: ignore[union-attr]
    fetch(corpus, options(site, feeds=(f"{site.base}/mirror.xml",)))
    assert "/mirror/rail.html" not in [r.path for r in site.requests[first:]]


def test_without_full_text_the_feeds_summary_is_written(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml",), full_text=False))
    assert not any(p.startswith("/articles/") for p in site.paths())
    texts = {a.url: a.text for a in load_corpus(corpus).articles}
    assert texts[f"{site.base}/articles/rail-deal.html"] == RAIL.summary


def test_a_page_robots_txt_forbids_is_not_fetched_and_the_summary_is_kept(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    site.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nDisallow: /articles/checkpoint\n", "text/plain")
    result = fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml",)))
    assert "/articles/checkpoint-attack.html" not in site.paths()
    assert "/articles/rail-deal.html" in site.paths()
    texts = {a.url: a.text for a in load_corpus(corpus).articles}
    assert texts[f"{site.base}/articles/checkpoint-attack.html"] == CHECKPOINT.summary
    assert texts[f"{site.base}/articles/rail-deal.html"] == "\n\n".join(RAIL.paragraphs)
    assert site.paths().count("/robots.txt") == 1 and not result.failures


def test_a_robots_txt_that_cannot_be_fetched_forbids_the_site_for_the_run(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    site.routes["/robots.txt"] = status(503)
    page = f"{site.base}/articles/dry-port.html"
    result = fetch(corpus, options(site, feeds=(), pages=(page,)))
    assert "/articles/dry-port.html" not in site.paths()
    assert [(f.url, f.reason) for f in result.failures] == [(page, "robots.txt does not allow fetching this page")]


def test_an_article_page_is_fetched_once(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    page = f"{site.base}/articles/dry-port.html"
    first = fetch(corpus, options(site, feeds=(), pages=(page,)))
    assert [w.url for w in first.written] == [page] and first.pages == 1
    second = fetch(corpus, options(site, feeds=(), pages=(page,)))
    assert site.paths().count("/articles/dry-port.html") == 1
    assert not second.written and second.skipped == 1
    article = load_corpus(corpus).articles[0]
    assert (article.title, article.source, article.date) == (DRY_PORT.title, "Steppe Ledger", dt.date(2026, 11, 29))


# --------------------------------------------------------------------------- failures

def test_an_entry_whose_page_fails_is_named_and_retried_next_run(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    page = site.routes.pop("/articles/checkpoint-attack.html")
    result = fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml",)))
    assert [(f.url, f.reason) for f in result.failures] == [(f"{site.base}/articles/checkpoint-attack.html", "HTTP 404")]
    assert result.partial and not result.all_failed and len(result.written) == 1
    first = len(site.requests)
    still = fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml",)))  # the page is still missing
    feed_request = next(r for r in site.requests[first:] if r.path == "/rss.xml")
    assert feed_request.headers["if-none-match"] == '"v1"' and "if-modified-since" in feed_request.headers
    assert still.not_modified == 1 and [f.url for f in still.failures] == [f"{site.base}/articles/checkpoint-attack.html"]
    site.routes["/articles/checkpoint-attack.html"] = page
    first = len(site.requests)
    again = fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml",)))
    assert again.not_modified == 1 and not again.failures  # the feed answered 304; the entry came from the state
    assert [r.path for r in site.requests[first:] if r.path != "/robots.txt"] == ["/rss.xml", "/articles/checkpoint-attack.html"]
    assert [w.url for w in again.written] == [f"{site.base}/articles/checkpoint-attack.html"]
    written = load_corpus(corpus).articles
    article = next(a for a in written if a.url.endswith("checkpoint-attack.html"))
    assert (article.title, article.source, article.date) == (CHECKPOINT.title, "Steppe Ledger", dt.date(2026, 11, 28))
    after = len(site.requests)
    last = fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml",)))  # written: no longer retried
    assert not last.written and not last.failures and [r.path for r in site.requests[after:]] == ["/rss.xml"]


def test_a_feed_that_keeps_failing_is_reported_then_rested(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    site.routes["/down.xml"] = status(500)
    opts = options(site, feeds=(f"{site.base}/down.xml", f"{site.base}/atom.xml"), max_failures=2)
    now = [1_800_000_000.0]

    def run() -> list[str]:
        return [f.reason for f in fetch(corpus, opts, clock=lambda: now[0]).failures]

    assert run() == ["HTTP 500"]
    now[0] += 3600
    assert run() == ["HTTP 500 (2 runs in a row, now tried once a day)"]
    now[0] += 3600
    asked = site.paths().count("/down.xml")
    reasons = run()
    assert site.paths().count("/down.xml") == asked  # rested: not requested
    assert reasons == ["not checked: failed 2 runs in a row, tried again once a day (last: HTTP 500)"]
    now[0] += 86_400
    site.routes["/down.xml"] = Resource(rss(site.base, [DRY_PORT]))
    assert run() == []  # a day later it is tried, and it works again


def test_when_every_source_fails_the_result_says_so(site: NewsServer, tmp_path: Path) -> None:
    site.routes["/a.xml"] = status(404)
    result = fetch(tmp_path / "corpus", options(site, feeds=(f"{site.base}/a.xml", f"{site.base}/b.xml")))
    assert result.all_failed and not result.partial
    assert sorted(f.reason for f in result.failures) == ["HTTP 404", "HTTP 404"]


def test_a_feed_that_declares_entities_is_refused_by_the_loaders_guard(site: NewsServer, tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<rss><channel><title>&b;</title><item><title>x</title><link>http://x.example/</link></item></channel></rss>")
    site.routes["/bomb.xml"] = Resource(bomb)
    result = fetch(tmp_path / "corpus", options(site, feeds=(f"{site.base}/bomb.xml",)))
    assert result.all_failed
    assert "refused as a possible entity-expansion bomb" in result.failures[0].reason


def test_a_feed_that_is_not_a_feed_fails_with_the_reason(site: NewsServer, tmp_path: Path) -> None:
    site.routes["/notes.xml"] = Resource(b"<html><body>Moved to our new site.</body></html>")
    result = fetch(tmp_path / "corpus", options(site, feeds=(f"{site.base}/notes.xml",)))
    assert [f.reason for f in result.failures] == ["no feed entries (not an RSS or Atom feed)"]


# --------------------------------------------------------------------------- writing

def test_an_article_never_overwrites_a_file_already_there(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    mine = corpus / "2026-11-27" / "termez-rail-link-gets-a-customs-deal.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own notes\n", encoding="utf-8")
    fetch(corpus, options(site, feeds=(f"{site.base}/rss.xml",)))
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    written = corpus / "2026-11-27" / "termez-rail-link-gets-a-customs-deal-2.md"
    assert f"url: {site.base}/articles/rail-deal.html" in written.read_text(encoding="utf-8")
    assert not list(corpus.rglob("*.tmp")) and not list(corpus.rglob(".*.tmp"))


def test_a_fetch_that_lost_its_state_recognises_the_articles_already_written(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    fetch(corpus, options(site))
    before = corpus_files(corpus)
    (corpus / STATE_NAME).unlink()
    result = fetch(corpus, options(site))
    assert not result.written and result.skipped == 3 and result.not_modified == 0
    assert corpus_files(corpus) == before


def test_the_dry_run_lists_what_would_be_written_and_changes_nothing(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    result = fetch(corpus, options(site), dry_run=True)
    assert sorted(w.path.relative_to(corpus).as_posix() for w in result.written) == [
        "2026-11-27/termez-rail-link-gets-a-customs-deal.md", "2026-11-28/militants-attack-a-border-checkpoint.md",
        "2026-11-29/envoy-presents-credentials-at-the-foreign-ministry.md"]
    assert not corpus.exists()
    assert not any(p.startswith("/articles/") for p in site.paths())  # no page fetched for a dry run
    fetch(corpus, options(site))
    first = len(site.requests)
    again = fetch(corpus, options(site), dry_run=True)
    assert not again.written and again.not_modified == 2
    assert all("if-none-match" in r.headers for r in site.requests[first:])


def test_text_that_looks_like_markup_is_written_so_that_it_reads_back_as_itself(tmp_path: Path) -> None:
    text = ("# 1 exporter: *not* emphasis, [a link](http://x.example) or <b>a tag</b> & AT&amp;T.\n\n"
            "- a dash, + a plus\n\n2) or 3. numbered {% raw %} {{ liquid }} {: .attr} `code` ~~strike~~ \\ back\\slash\n\n"
            "> not a quote <!-- nor a comment --> ![nor an image](x.png)")
    raw = article_markdown('Title: "quoted" — ünïcode', dt.date(2026, 11, 29), "Wire: Desk", "https://a.example/x?y=1", text)
    article = parse_file(raw, Path("x.md"), "x", "x.md").articles[0]
    assert article.text == normalize_body(text)
    assert (article.title, article.source, article.url) == ('Title: "quoted" — ünïcode', "Wire: Desk", "https://a.example/x?y=1")
    assert escape_markdown_text("plain words.") == "plain words."


def test_slugs_are_plain_ascii_file_names() -> None:
    assert slug("Tashkent & Islamabad sign a rail deal!") == "tashkent-islamabad-sign-a-rail-deal"
    assert slug("Ünïcödé Überschrift") == "unicode-uberschrift"
    assert slug("", "https://a.example/2026/11/rail-deal.html") == "rail-deal"
    assert slug("…", "https://a.example/") == "article"
    assert len(slug("word " * 100)) <= 80


def test_two_writers_of_one_name_get_two_files(tmp_path: Path) -> None:
    paths: list[Path] = []
    barrier = threading.Barrier(4)

    def write(n: int) -> None:
        barrier.wait()
        path, new = write_article(tmp_path, dt.date(2026, 11, 29), "same", f"article {n}\n".encode(), f"https://x.example/{n}")
        assert new
        paths.append(path)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(p.name for p in paths) == ["same-2.md", "same-3.md", "same-4.md", "same.md"]
    assert sorted(p.read_text() for p in paths) == [f"article {n}\n" for n in range(4)]


def test_the_state_lives_beside_the_corpus_or_where_it_is_told(site: NewsServer, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    fetch(corpus, options(site))
    assert (corpus / STATE_NAME).is_file()
    assert all(not a.path.endswith(".sqlite") for a in load_corpus(corpus).articles)
    elsewhere = tmp_path / "state" / "fetch.sqlite"
    elsewhere.parent.mkdir()
    other = tmp_path / "other"
    fetch(other, options(site), state_path=elsewhere)
    assert elsewhere.is_file() and not (other / STATE_NAME).exists()


# --------------------------------------------------------------------------- politeness

def test_no_more_than_concurrency_requests_at_a_time(tmp_path: Path) -> None:
    with news_server() as server:
        lock, in_flight, most = threading.Lock(), [0], [0]

        def slow_feed(story_slug: str):  # noqa: ANN202
            def handler(h: BaseHTTPRequestHandler) -> None:
                with lock:
                    in_flight[0] += 1
                    most[0] = max(most[0], in_flight[0])
                server.release.wait(0.2)
                with lock:
                    in_flight[0] -= 1
                send(h, 200, atom(server.base, [STORIES[story_slug]]), "application/atom+xml")
            return handler

        feeds = []
        for n, story in enumerate(STORIES):
            server.routes[f"/feed{n}.xml"] = slow_feed(story)
            feeds.append(f"{server.base}/feed{n}.xml")
        result = fetch(tmp_path / "corpus", options(server, feeds=tuple(feeds), concurrency=2))
    assert len(result.written) == 4
    assert most[0] == 2


def test_requests_to_one_host_are_spaced_by_the_delay(site: NewsServer, tmp_path: Path) -> None:
    # The client's clock and sleep are a fake one here: time passes only when the client sleeps,
    # so the spacing it keeps is measured exactly, however busy the machine.
    now = [0.0]
    seen: list[tuple[str, float]] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            now[0] += seconds

    def stamped(route: object):  # noqa: ANN202
        def handler(h: BaseHTTPRequestHandler) -> None:
            with lock:
                seen.append((h.path, now[0]))
            if isinstance(route, Resource):
                send(h, 200, route.body, route.content_type)
            else:
                send(h, 200, route, "text/html")  # type: ignore[arg-type]
        return handler

    for path in ("/rss.xml", "/robots.txt", "/articles/rail-deal.html", "/articles/checkpoint-attack.html"):
        site.routes[path] = stamped(site.routes.get(path, b"User-agent: *\nAllow: /\n"))
    opts = options(site, feeds=(f"{site.base}/rss.xml",), per_host_delay=0.3)
    client = Client(timeout=10.0, max_bytes=opts.max_bytes, user_agent=opts.user_agent, allow_private=True,
                    per_host_delay=0.3, clock=lambda: now[0], sleep=sleep)
    fetch(tmp_path / "corpus", opts, client=client)
    assert [path for path, _ in seen] == ["/rss.xml", "/robots.txt", "/articles/rail-deal.html",
                                          "/articles/checkpoint-attack.html"]
    assert [at for _, at in seen] == pytest.approx([0.0, 0.3, 0.6, 0.9])


def test_a_date_folder_that_is_a_symbolic_link_is_refused(site: NewsServer, tmp_path: Path) -> None:
    corpus, elsewhere = tmp_path / "corpus", tmp_path / "elsewhere"
    corpus.mkdir()
    elsewhere.mkdir()
    (corpus / "2026-11-29").symlink_to(elsewhere)
    with pytest.raises(OutputError, match="is not a folder of the corpus"):
        fetch(corpus, options(site, feeds=(f"{site.base}/atom.xml",)))
    assert list(elsewhere.iterdir()) == []
