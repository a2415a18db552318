"""The fetch client against servers that misbehave, and its address checks.

Every byte of traffic here goes to 127.0.0.1: the checks of other addresses are made on the
addresses themselves, or through a resolver and a connector given to the client in their place.
"""

from __future__ import annotations

import gzip
import socket
import ssl
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import trustme

from briefgen.fetch.net import (
    MAX_REDIRECTS,
    MAX_WAIT,
    Client,
    FetchFailure,
    address_refused,
    decompress,
)
from tests.newsserver import (
    NewsServer,
    Resource,
    drip,
    endless,
    gzip_bomb,
    gzipped,
    hang,
    news_server,
    redirect,
    send,
    status,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
def server() -> Iterator[NewsServer]:
    with news_server() as site:
        site.routes["/feed.xml"] = Resource(FEED)
        yield site


def client(**changes: object) -> Client:
    settings: dict[str, object] = {"timeout": 10.0, "max_bytes": 100_000, "user_agent": "briefgen-test",
                                   "allow_private": True, "retries": 0, "retry_delay": 0.0}
    settings.update(changes)
    return Client(**settings)  # type: ignore[arg-type]


def failure(c: Client, url: str) -> FetchFailure:
    with pytest.raises(FetchFailure) as caught:
        c.get(url)
    return caught.value


# --------------------------------------------------------------------------- answers

def test_a_feed_is_fetched_with_the_user_agent_and_compression(server: NewsServer) -> None:
    response = client().get(f"{server.base}/feed.xml")
    assert (response.status, response.body) == (200, FEED)
    assert response.headers["etag"] == '"v1"'
    sent = server.requests[-1].headers
    assert sent["user-agent"] == "briefgen-test" and sent["accept-encoding"] == "gzip, deflate"


def test_a_gzipped_answer_is_decompressed(server: NewsServer) -> None:
    server.routes["/feed.gz"] = gzipped(FEED)
    assert client().get(f"{server.base}/feed.gz").body == FEED


def test_404_fails_at_once_without_retrying(server: NewsServer) -> None:
    server.routes["/gone"] = status(404)
    caught = failure(client(retries=3), f"{server.base}/gone")
    assert (caught.reason, caught.status, caught.retryable) == ("HTTP 404", 404, False)
    assert server.paths().count("/gone") == 1


def test_500_is_retried_with_back_off_then_fails(server: NewsServer) -> None:
    server.routes["/broken"] = status(500)
    waits: list[float] = []
    caught = failure(client(retries=2, retry_delay=0.5, sleep=waits.append), f"{server.base}/broken")
    assert caught.reason == "HTTP 500 (after 3 attempts)"
    assert server.paths().count("/broken") == 3
    assert waits == [0.5, 1.0]


def test_a_server_that_never_answers_is_cut_off(server: NewsServer) -> None:
    server.routes["/hang"] = hang(server)
    caught = failure(client(timeout=0.5), f"{server.base}/hang")
    assert caught.reason == "timed out: no whole response within 0.5 s" and caught.retryable


def test_a_server_that_drips_one_byte_at_a_time_is_cut_off(server: NewsServer) -> None:
    # each byte comes well within the timeout, but the whole body never would
    server.routes["/drip"] = drip(server)
    caught = failure(client(timeout=0.5), f"{server.base}/drip")
    assert caught.reason == "timed out: no whole response within 0.5 s"


def test_a_timeout_is_retried(server: NewsServer) -> None:
    server.routes["/hang"] = hang(server)
    caught = failure(client(timeout=0.3, retries=1), f"{server.base}/hang")
    assert caught.reason.endswith("(after 2 attempts)")
    assert server.paths().count("/hang") == 2


def test_a_body_announced_over_the_limit_is_refused_unread(server: NewsServer) -> None:
    def big(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "900000000")
        h.end_headers()

    server.routes["/big"] = big
    caught = failure(client(max_bytes=100_000), f"{server.base}/big")
    assert caught.reason == "the response is 900.0 MB, over the 0.1 MB limit"


def test_an_endless_body_is_cut_at_the_limit(server: NewsServer) -> None:
    server.routes["/endless"] = endless
    caught = failure(client(max_bytes=200_000), f"{server.base}/endless")
    assert caught.reason == "the response is over the 0.2 MB limit"


def test_a_gzip_bomb_is_refused_once_it_inflates_past_the_limit(server: NewsServer) -> None:
    server.routes["/bomb"] = gzip_bomb(50_000_000)  # some 50 kB on the wire, 50 MB inflated
    caught = failure(client(max_bytes=1_000_000), f"{server.base}/bomb")
    assert caught.reason == "the response is over the 1.0 MB limit once decompressed (a compression bomb?)"


def test_decompression_stops_at_the_limit_not_after() -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    with pytest.raises(FetchFailure, match="once decompressed"):
        decompress(bomb, "gzip", 1000)
    assert decompress(gzip.compress(b"x" * 1000), "gzip", 1000) == b"x" * 1000
    with pytest.raises(FetchFailure, match="not valid gzip"):
        decompress(b"not gzip at all", "gzip", 1000)


def test_a_redirect_loop_stops_after_five_redirects(server: NewsServer) -> None:
    server.routes["/loop/a"] = redirect("/loop/b")
    server.routes["/loop/b"] = redirect("/loop/a", 301)
    caught = failure(client(), f"{server.base}/loop/a")
    assert caught.reason == "more than 5 redirects (a redirect loop?)"
    assert len([p for p in server.paths() if p.startswith("/loop/")]) == MAX_REDIRECTS + 1


def test_five_redirects_are_followed(server: NewsServer) -> None:
    for n in range(MAX_REDIRECTS):
        server.routes[f"/hop{n}"] = redirect(f"/hop{n + 1}" if n + 1 < MAX_REDIRECTS else "/feed.xml", 307)
    response = client().get(f"{server.base}/hop0")
    assert (response.body, response.url) == (FEED, f"{server.base}/feed.xml")


def test_a_redirect_to_another_scheme_is_refused(server: NewsServer) -> None:
    server.routes["/moved"] = redirect("file:///etc/passwd")
    caught = failure(client(), f"{server.base}/moved")
    assert caught.reason == "only http and https URLs are fetched, not 'file'"


# --------------------------------------------------------------------------- addresses

@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "a loopback address"),
    ("::1", "a loopback address"),
    ("10.1.2.3", "a private address"),
    ("172.16.0.9", "a private address"),
    ("192.168.1.1", "a private address"),
    ("169.254.169.254", "a link-local address"),  # cloud metadata
    ("fe80::1", "a link-local address"),
    ("fd00::5", "a private address"),
    ("::ffff:10.0.0.1", "a private address"),  # IPv4 written as IPv6
    ("::ffff:127.0.0.1", "a loopback address"),
    ("100.64.0.1", "not a public address"),  # carrier-grade NAT
    ("224.0.0.251", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("0.0.0.0", "the unspecified address"),
    # a private IPv4 address carried in an IPv6 one
    ("::10.0.0.1", "a private address"),  # IPv4-compatible
    ("::127.0.0.1", "a loopback address"),
    ("64:ff9b::10.0.0.1", "a private address"),  # NAT64
    ("64:ff9b::169.254.169.254", "a link-local address"),
    ("2002:a00:1::1", "a private address"),  # 6to4 of 10.0.0.1
    ("2002:7f00:1::", "a loopback address"),
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "a private address"),  # Teredo, client 10.0.0.1
    ("fec0::1", "a site-local address"),
    ("64:ff9b::8.8.8.8", None),
    ("8.8.8.8", None),
    ("2001:4860:4860::8888", None),
])
def test_the_address_check(address: str, why: str | None) -> None:
    assert address_refused(address, allow_private=False) == why


def test_allow_private_allows_private_addresses_but_never_multicast_or_unspecified() -> None:
    assert address_refused("127.0.0.1", allow_private=True) is None
    assert address_refused("10.1.2.3", allow_private=True) is None
    assert address_refused("224.0.0.251", allow_private=True) == "a multicast address"
    assert address_refused("0.0.0.0", allow_private=True) == "the unspecified address"


def test_a_private_address_is_refused_before_any_request(server: NewsServer) -> None:
    caught = failure(client(allow_private=False), f"{server.base}/feed.xml")
    assert caught.reason == "refused: 127.0.0.1 is a loopback address (set [fetch] allow_private = true to allow it)"
    assert server.requests == []


def test_a_name_is_checked_after_resolving_it(server: NewsServer) -> None:
    url = server.base.replace("127.0.0.1", "localhost") + "/feed.xml"
    caught = failure(client(allow_private=False), url)
    assert caught.reason.startswith("refused: localhost (") and "is a loopback address" in caught.reason
    assert server.requests == []


def test_a_name_with_any_private_address_is_refused() -> None:
    resolve = {"mixed.example": ["93.184.216.34", "10.0.0.8"]}
    connects: list[tuple[str, int]] = []
    c = client(allow_private=False, resolve=lambda host, port: resolve[host],
               connect=lambda address, timeout: connects.append(address))
    caught = failure(c, "http://mixed.example/feed.xml")
    assert caught.reason == ("refused: mixed.example (10.0.0.8) is a private address "
                             "(set [fetch] allow_private = true to allow it)")
    assert connects == []


def test_a_redirect_to_a_private_address_is_refused(server: NewsServer) -> None:
    # news.example stands for a public site (its address is a public one); the connection to it
    # is made to the local server instead, which answers with a redirect into the intranet
    public, port = "93.184.216.34", int(server.base.rsplit(":", 1)[1])
    server.routes["/feed.xml"] = redirect("http://intranet.example/admin")
    names = {"news.example": [public], "intranet.example": ["10.0.0.7"]}
    connects: list[tuple[str, int]] = []

    def connect(address: tuple[str, int], timeout: float) -> socket.socket:
        connects.append(address)
        assert address == (public, port)
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)

    c = client(allow_private=False, resolve=lambda host, _port: names[host], connect=connect)
    caught = failure(c, f"http://news.example:{port}/feed.xml")
    assert caught.reason == ("refused: intranet.example (10.0.0.7) is a private address "
                             "(set [fetch] allow_private = true to allow it)")
    assert connects == [(public, port)]  # the intranet was never connected to
    assert server.paths() == ["/feed.xml"]


def test_the_connection_goes_to_the_address_that_was_checked(server: NewsServer) -> None:
    # one resolution, one check, one connection to the same address: a second DNS answer
    # (DNS rebinding) never gets a say
    port = int(server.base.rsplit(":", 1)[1])
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    connects: list[tuple[str, int]] = []

    def connect(address: tuple[str, int], timeout: float) -> socket.socket:
        connects.append(address)
        return socket.create_connection(("127.0.0.1", port), timeout=timeout)

    c = client(allow_private=False, resolve=lambda host, _port: next(answers), connect=connect)
    assert c.get(f"http://news.example:{port}/feed.xml").body == FEED
    assert connects == [("93.184.216.34", port)]


def test_only_http_and_https_are_fetched() -> None:
    c = client(resolve=lambda host, port: pytest.fail("nothing may be resolved"))
    assert failure(c, "ftp://files.example/feed.xml").reason == "only http and https URLs are fetched, not 'ftp'"
    assert failure(c, "file:///etc/passwd").reason == "only http and https URLs are fetched, not 'file'"
    assert failure(c, "http://[::1/x").reason == "not a valid URL"


# --------------------------------------------------------------------------- TLS

def test_https_is_fetched_with_the_certificate_and_host_name_checked() -> None:
    authority = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_tls)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    with news_server(tls=server_tls) as site:
        site.routes["/feed.xml"] = Resource(FEED)
        assert site.base.startswith("https://")
        assert client(tls=trusting).get(f"{site.base}/feed.xml").body == FEED
        caught = failure(client(retries=2), f"{site.base}/feed.xml")  # the system's authorities do not know it
        assert caught.reason.startswith("TLS certificate not trusted: ") and not caught.retryable
        assert site.paths() == ["/feed.xml"]  # nothing was sent over the untrusted connection, nor retried


def test_the_unspecified_address_is_refused_without_suggesting_allow_private(server: NewsServer) -> None:
    caught = failure(client(allow_private=False), server.base.replace("127.0.0.1", "0.0.0.0") + "/feed.xml")
    assert caught.reason == "refused: 0.0.0.0 is the unspecified address"
    assert server.requests == []


def retry_after(value: str, code: int = 503):
    def handler(h: BaseHTTPRequestHandler) -> None:
        send(h, code, b"busy", "text/plain", {"Retry-After": value})
    return handler


def test_retry_after_is_honoured(server: NewsServer) -> None:
    server.routes["/busy"] = retry_after("3")
    waits: list[float] = []
    caught = failure(client(retries=1, retry_delay=0.5, sleep=waits.append), f"{server.base}/busy")
    assert caught.reason == "HTTP 503 (after 2 attempts)"
    assert waits == [3.0]  # what the server asked, not the shorter back-off


def test_retry_after_as_a_date_is_honoured(server: NewsServer) -> None:
    server.routes["/busy"] = retry_after("Wed, 02 Dec 2026 10:00:20 GMT", 429)
    waits: list[float] = []
    now = 1796205600.0  # Wed, 02 Dec 2026 10:00:00 GMT
    failure(client(retries=1, retry_delay=0.5, sleep=waits.append, wall_clock=lambda: now), f"{server.base}/busy")
    assert waits == [20.0]


def test_a_source_never_waits_more_than_max_wait_in_all(server: NewsServer) -> None:
    server.routes["/busy"] = retry_after("86400")
    waits: list[float] = []
    caught = failure(client(retries=3, sleep=waits.append), f"{server.base}/busy")
    assert caught.reason == f"HTTP 503 (the server asks to wait 86400 s; briefgen waits {MAX_WAIT:g} s at most)"
    assert waits == [] and server.paths().count("/busy") == 1
    server.routes["/broken"] = status(500)  # the largest settings: retries 10, retry_delay 3600
    caught = failure(client(retries=10, retry_delay=100.0, sleep=waits.append), f"{server.base}/broken")
    assert sum(waits) <= MAX_WAIT and waits == [100.0, 200.0]
    assert caught.reason == f"HTTP 500 (a retry would wait 400 s; briefgen waits {MAX_WAIT:g} s at most)"


def test_what_a_server_sends_reaches_an_error_as_one_printable_line(server: NewsServer) -> None:
    def raw(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 2\x1b[31m00 OK\r\nX: y\r\n\r\n")
    server.routes["/raw"] = raw
    def moved(h: BaseHTTPRequestHandler) -> None:  # to a path holding an escape sequence
        h.wfile.write(b"HTTP/1.1 302 Found\r\nLocation: /gone\x1b[2J" + b"x" * 1000 + b"\r\nContent-Length: 0\r\n\r\n")
    server.routes["/moved"] = moved
    for path in ("/raw", "/moved"):
        caught = failure(client(), f"{server.base}{path}")
        assert caught.reason.isprintable() and len(caught.reason) <= 300, caught.reason
        assert "\\x1b" in caught.reason
