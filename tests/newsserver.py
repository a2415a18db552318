"""A small news site on 127.0.0.1 for the fetch tests: feeds, article pages, and misbehaving URLs.

Everything it serves is written here for the tests. Every request is recorded (path and headers)
so that a test can say what was asked, and how.
"""

from __future__ import annotations

import contextlib
import gzip
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    date: str  #: YYYY-MM-DD
    paragraphs: tuple[str, ...]
    summary: str


STORIES = {
    "rail-deal": Story(
        "rail-deal", "Termez rail link gets a customs deal", "2026-11-27",
        ("Uzbekistan and Pakistan agreed on Thursday to cut transit tariffs on freight carried over the new Termez railway corridor.",
         "The customs agreement lets cargo cross the border with one electronic declaration instead of three paper forms.",
         "Traders in Termez said exports of cotton and dried fruit could double within a year once the first trains run."),
        "Uzbekistan and Pakistan agree a customs deal for the Termez rail corridor."),
    "checkpoint-attack": Story(
        "checkpoint-attack", "Militants attack a border checkpoint", "2026-11-28",
        ("Border guards said militants attacked a checkpoint near the frontier overnight, leaving four soldiers wounded.",
         "Officials blamed an insurgent group for the bombing and promised a wider counter-terrorism operation in the district.",
         "Police also seized two tonnes of opium from smugglers in a separate raid on the same road."),
        "Four soldiers wounded in an overnight attack on a frontier checkpoint."),
    "dry-port": Story(
        "dry-port", "Kazakhstan to build a dry port for transit cargo", "2026-11-29",
        ("Kazakhstan signed a contract on Saturday to build a new dry port for transit cargo near the southern border.",
         "The customs terminal will handle grain exports and fuel imports, the trade ministry said in a statement.",
         "Logistics firms expect the dry port to shorten the freight route to the Arabian Sea by four days."),
        "A new dry port will handle grain exports and fuel imports."),
    "embassy": Story(
        "embassy", "Envoy presents credentials at the foreign ministry", "2026-11-29",
        ("The foreign ministry said on Saturday it had accepted the credentials of a new ambassador after months of talks.",
         "Diplomats described the move as a step towards formal recognition and the reopening of the embassy.",
         "A delegation of envoys is expected to discuss restoring full diplomatic relations next month."),
        "A new ambassador's credentials are accepted."),
}


def article_page(story: Story) -> bytes:
    """A realistic article page: navigation, the article with its metadata, a footer."""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(story.title)} | Steppe Ledger</title>
<meta property="og:site_name" content="Steppe Ledger">
<meta property="article:published_time" content="{story.date}T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<article><h1>{escape(story.title)}</h1>
{paragraphs}
</article>
<footer>Copyright Steppe Ledger. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>""".encode()


def rss(base: str, stories: list[Story], title: str = "Steppe Ledger") -> bytes:
    """RSS 2.0 whose items carry a summary only (the page has the article)."""
    items = "\n".join(f"""<item><title>{escape(s.title)}</title><link>{base}/articles/{s.slug}.html</link>
<guid>{base}/articles/{s.slug}.html</guid><pubDate>{_rfc2822(s.date)}</pubDate>
<description>{escape(s.summary)}</description></item>""" for s in stories)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{escape(title)}</title><link>{base}/</link>
<description>News from the region</description>
{items}
</channel></rss>""".encode()


def atom(base: str, stories: list[Story], title: str = "Khyber Wire") -> bytes:
    """Atom whose entries carry the whole article as HTML content (no page is needed)."""
    entries = "\n".join(f"""<entry><title>{escape(s.title)}</title><link href="{base}/wire/{s.slug}"/>
<id>tag:khyber-wire.example,2026:{s.slug}</id><updated>{s.date}T09:00:00Z</updated>
<content type="html">{escape("".join(f"<p>{p}</p>" for p in s.paragraphs))}</content></entry>""" for s in stories)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}</title><id>tag:khyber-wire.example,2026:feed</id>
<updated>2026-11-29T09:00:00Z</updated>
{entries}
</feed>""".encode()


def _rfc2822(date: str) -> str:
    return time.strftime("%a, %d %b %Y 08:00:00 +0000", time.strptime(date, "%Y-%m-%d"))


@dataclass
class Resource:
    """A body served with validators: a conditional request that matches gets 304."""

    body: bytes
    content_type: str = "application/rss+xml"
    etag: str = '"v1"'
    last_modified: str = field(default_factory=lambda: formatdate(1_764_000_000, usegmt=True))

    def change(self, body: bytes, etag: str) -> None:
        self.body, self.etag = body, etag
        self.last_modified = formatdate(1_764_100_000, usegmt=True)


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


Handler = Callable[[BaseHTTPRequestHandler], None]


class NewsServer:
    """The site. ``routes`` maps a path to a :class:`Resource`, bytes (served as HTML), or a
    handler function; anything else is 404. ``release`` ends every slow handler."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Resource | bytes | Handler] = {}
        self.requests: list[Request] = []
        self.release = threading.Event()
        self.page_delay = 0.0  #: seconds an article page takes (to make two runs overlap)
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                with server._lock:
                    server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                if callable(route):
                    route(self)
                elif isinstance(route, Resource):
                    server._serve_resource(self, route)
                elif isinstance(route, bytes):
                    if server.page_delay:
                        server.release.wait(server.page_delay)
                    send(self, 200, route, "text/html; charset=utf-8")
                else:
                    send(self, 404, b"not found", "text/plain")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def _serve_resource(self, handler: BaseHTTPRequestHandler, resource: Resource) -> None:
        if handler.headers.get("If-None-Match") == resource.etag or (
                not handler.headers.get("If-None-Match") and handler.headers.get("If-Modified-Since") == resource.last_modified):
            handler.send_response(304)
            handler.send_header("ETag", resource.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        send(handler, 200, resource.body, resource.content_type,
             {"ETag": resource.etag, "Last-Modified": resource.last_modified})

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def start(self) -> NewsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
         headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    with contextlib.suppress(OSError):  # the client may have hung up
        handler.wfile.write(body)


@contextmanager
def news_server(rss_stories: tuple[str, ...] = (), tls: ssl.SSLContext | None = None) -> Iterator[NewsServer]:
    """The site, running. With ``rss_stories``, it publishes those stories (by slug) in
    Steppe Ledger's ``/rss.xml`` (summaries only: the articles are on their pages) and the
    embassy story in Khyber Wire's ``/atom.xml`` (the whole article in the feed), and serves
    every story's page at ``/articles/<slug>.html``. With ``tls``, it speaks HTTPS."""
    server = NewsServer(tls).start()
    if rss_stories:
        server.routes["/rss.xml"] = Resource(rss(server.base, [STORIES[slug] for slug in rss_stories]))
        server.routes["/atom.xml"] = Resource(atom(server.base, [STORIES["embassy"]]), "application/atom+xml")
        for story in STORIES.values():
            server.routes[f"/articles/{story.slug}.html"] = article_page(story)
    try:
        yield server
    finally:
        server.stop()


# --- misbehaving handlers -----------------------------------------------------------------

def hang(server: NewsServer) -> Handler:
    """Says nothing until the test ends."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        server.release.wait(60)
    return handler


def drip(server: NewsServer) -> Handler:
    """Sends the headers at once, then the body one byte every 0.1 s, for as long as it is let."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        try:
            for _ in range(100_000):
                h.wfile.write(b"<")
                h.wfile.flush()
                if server.release.wait(0.1):
                    return
        except OSError:
            return
    return handler


def endless(h: BaseHTTPRequestHandler) -> None:
    """A body with no announced length that never ends (until the client hangs up)."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<item>" * 10_000
    try:
        for _ in range(100_000):
            h.wfile.write(chunk)
    except OSError:
        return


def status(code: int) -> Handler:
    def handler(h: BaseHTTPRequestHandler) -> None:
        send(h, code, f"status {code}".encode(), "text/plain")
    return handler


def redirect(to: str, code: int = 302) -> Handler:
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(code)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()
    return handler


def gzip_bomb(decompressed: int) -> Handler:
    """A small gzip body that inflates to ``decompressed`` bytes of zeros."""
    body = gzip.compress(b"\0" * decompressed, compresslevel=9)

    def handler(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, body, "application/rss+xml", {"Content-Encoding": "gzip"})
    return handler


def gzipped(body: bytes, content_type: str = "application/rss+xml") -> Handler:
    packed = gzip.compress(body)

    def handler(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, packed, content_type, {"Content-Encoding": "gzip"})
    return handler
