"""The one way ``briefgen fetch`` talks to the network: a small, defensive HTTP client.

Every request goes through :meth:`Client.get`, which

- takes only ``http`` and ``https`` URLs, and follows at most :data:`MAX_REDIRECTS` redirects;
- resolves the host itself and refuses it when any of its addresses is private, loopback,
  link-local, reserved or otherwise not public (:func:`address_refused`), unless
  ``allow_private``; multicast and the unspecified address are always refused. The check is
  made again on every redirect, and the connection goes to the very addresses checked, so a
  second DNS answer cannot slip another address in;
- gives up on a connection after ``timeout`` seconds, and on a response that has not arrived
  whole ``timeout`` seconds after the request was sent (a server sending one byte a second is
  cut off, not waited on);
- refuses a body over ``max_bytes``, as sent (compressed) and again as decompressed, so that a
  gzip bomb is stopped after ``max_bytes`` of output, not after all of it;
- sends at most ``concurrency`` requests at a time, waits ``per_host_delay`` seconds between
  two requests to one host, and retries a 5xx answer, a 429, a timeout or a broken connection
  with back-off, or after what the server's ``Retry-After`` asks, :data:`MAX_WAIT` seconds in
  all at most.

A request that cannot be completed raises :class:`FetchFailure` with the URL and the reason, one
printable line whatever the server sent.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from briefgen.files import printable, size_text

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 1 << 16

Resolve = Callable[[str, int], list[str]]
Connect = Callable[[tuple[str, int], float], socket.socket]


MAX_REASON = 300  #: characters of a failure's reason at most (it may quote what a server sent)
#: the longest a request waits between its attempts, in all (back-off and Retry-After alike)
MAX_WAIT = 600.0
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


def one_line(text: str, limit: int = MAX_REASON) -> str:
    """``text`` (which may hold what a server sent) as one printable line of at most ``limit``
    characters: control characters and line breaks escaped (:func:`briefgen.files.printable`)."""
    shown = printable(text)
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


class FetchFailure(Exception):
    """A URL that could not be fetched; ``reason`` says why in a few words (one printable line:
    :func:`one_line`), ``retryable`` whether trying again soon may help (a 5xx answer, a
    timeout), ``status`` is the HTTP status if any, ``retry_after`` the seconds a 429 or 503
    answer asked to wait (``Retry-After``), if any."""

    def __init__(self, url: str, reason: str, retryable: bool = False, status: int | None = None,
                 retry_after: float | None = None) -> None:
        reason = one_line(reason)
        super().__init__(f"{one_line(url)}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


def retry_after(value: str | None, now: float) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (delta-seconds, or an HTTP date;
    ``now``: the time, as ``time.time()``), or ``None`` when there is none or it cannot be read."""
    text = (value or "").strip()
    if text.isdigit():
        return float(text[:12])
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now) if when.tzinfo else None


@dataclass(frozen=True)
class Response:
    """A successful answer (2xx, or 304 Not Modified with an empty body)."""

    url: str  #: the URL that answered, after redirects
    status: int
    headers: Mapping[str, str]  #: lower-case names, the first value of each
    body: bytes  #: decompressed


def address_refused(address: str, allow_private: bool) -> str | None:
    """Why ``address`` (an IPv4 or IPv6 address as text) may not be connected to, or ``None``.

    Multicast and the unspecified address (``0.0.0.0``, ``::``) are always refused. Without
    ``allow_private``, so is every address that is not globally reachable: loopback, private
    networks, link-local (where cloud metadata services answer), shared (carrier-grade NAT),
    documentation and reserved ranges. An IPv4 address written as IPv6 (``::ffff:10.0.0.1``)
    is judged as the IPv4 address it is, and so is one carried in an IPv6 address: IPv4-compatible
    (``::10.0.0.1``), NAT64 (``64:ff9b::10.0.0.1``), 6to4 (``2002:0a00:0001::``) and Teredo. A
    site-local address (``fec0::/10``, deprecated) is private."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.partition("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local and not allow_private:
            return "a site-local address"
        ip = _carried_ipv4(ip) or ip
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "the unspecified address"
    if allow_private:
        return None
    for test, what in ((ip.is_loopback, "a loopback address"), (ip.is_link_local, "a link-local address"),
                       (ip.is_private, "a private address")):
        if test:
            return what
    return None if ip.is_global else "not a public address"


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4, Teredo's
    client), or ``None``."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in network for network in _NAT64) or (ip.packed[:12] == bytes(12) and int(ip) > 1):
        return ipaddress.IPv4Address(ip.packed[-4:])
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses of ``host`` (an IP address gives itself), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _connect(address: tuple[str, int], timeout: float) -> socket.socket:
    return socket.create_connection(address, timeout=timeout)


class _HostGate:
    """Spaces the requests to each host ``delay`` seconds apart, across threads."""

    def __init__(self, delay: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self.lock = threading.Lock()
        self.next_slot: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if self.delay <= 0:
            return
        with self.lock:
            now = self.clock()
            slot = max(now, self.next_slot.get(host, now))
            self.next_slot[host] = slot + self.delay
        if slot > now:
            self.sleep(slot - now)


class Client:
    """The HTTP client of a fetch run (see the module's docstring); safe to share across threads.

    ``resolve`` and ``connect`` are the network itself (name resolution, opening a TCP
    connection), given as arguments so that the address checks can be exercised without
    sending traffic anywhere; ``tls`` is the TLS context (default: the system's certificate
    authorities, host names checked)."""

    def __init__(self, *, timeout: float, max_bytes: int, user_agent: str, allow_private: bool = False,
                 per_host_delay: float = 0.0, concurrency: int = 4, retries: int = 0, retry_delay: float = 1.0,
                 resolve: Resolve = resolve_host, connect: Connect = _connect, tls: ssl.SSLContext | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.allow_private = allow_private
        self.retries = retries
        self.retry_delay = retry_delay
        self.resolve = resolve
        self.connect = connect
        self.sleep = sleep
        self.wall_clock = wall_clock  #: the time, for a Retry-After given as a date
        self.gate = _HostGate(per_host_delay, clock, sleep)
        self.slots = threading.BoundedSemaphore(concurrency)
        self.tls = tls or ssl.create_default_context()  # certificates and host names always verified

    def get(self, url: str, headers: Mapping[str, str] | None = None, retry: bool = True) -> Response:
        """GET ``url``, following redirects; retry what may pass (a 5xx answer, a 429, a timeout,
        a broken connection) up to ``retries`` times, waiting ``retry_delay`` seconds, doubled
        after each attempt, or what the server's ``Retry-After`` asks when that is longer; at most
        :data:`MAX_WAIT` seconds in all (a server that asks for more is given up on at once).
        Returns a 2xx or 304 answer; raises :class:`FetchFailure`."""
        attempts = 1 + (self.retries if retry else 0)
        waited = 0.0
        for attempt in range(attempts):
            try:
                return self._follow(url, dict(headers or {}))
            except FetchFailure as failure:
                wait = max(self.retry_delay * 2 ** attempt, failure.retry_after or 0.0)
                if failure.retryable and attempt < attempts - 1 and waited + wait > MAX_WAIT:
                    failure.reason += (f" (the server asks to wait {failure.retry_after:g} s" if failure.retry_after
                                       else f" (a retry would wait {wait:g} s") + f"; briefgen waits {MAX_WAIT:g} s at most)"
                    raise
                if not failure.retryable or attempt == attempts - 1:
                    if attempt:
                        failure.reason += f" (after {attempt + 1} attempts)"
                    raise
            self.sleep(wait)
            waited += wait
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(self, url: str, headers: dict[str, str]) -> Response:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            status, found, body = self._once(current, headers)
            if status in REDIRECTS and found.get("location"):
                current = urljoin(current, found["location"].strip())
                continue
            if 200 <= status < 300 or status == 304:
                return Response(current, status, found, body if status != 304 else b"")
            retryable = status >= 500 or status == 429
            asked = retry_after(found.get("retry-after"), self.wall_clock()) if status in (429, 503) else None
            raise FetchFailure(url, f"HTTP {status}" + (f" (at {current})" if current != url else ""), retryable, status, asked)
        raise FetchFailure(url, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")

    def _target(self, url: str) -> tuple[str, str, int, str, list[str]]:
        """``(scheme, host, port, path?query, checked addresses)`` of a URL that may be fetched."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchFailure(url, "not a valid URL") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchFailure(url, f"only http and https URLs are fetched, not '{scheme or 'no scheme'}'")
        host = parts.hostname
        if not host:
            raise FetchFailure(url, "the URL names no host")
        port = port or (443 if scheme == "https" else 80)
        try:
            addresses = self.resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchFailure(url, f"cannot resolve the host {host}: {getattr(exc, 'strerror', None) or exc}", True) from None
        if not addresses:
            raise FetchFailure(url, f"the host {host} has no address")
        for address in addresses:
            why = address_refused(address, self.allow_private)
            if why:
                shown = host if host == address else f"{host} ({address})"
                allowed = not self.allow_private and address_refused(address, allow_private=True) is None
                raise FetchFailure(url, f"refused: {shown} is {why}"
                                   + (" (set [fetch] allow_private = true to allow it)" if allowed else ""))
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return scheme, host, port, path, addresses

    def _once(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """One request, no redirect followed: ``(status, headers, decompressed body)``."""
        scheme, host, port, path, addresses = self._target(url)
        self.gate.wait(host)
        with self.slots:
            raw = self._open(url, addresses, port)
            sock = raw
            cut = threading.Event()

            def cut_off() -> None:  # the deadline: whatever is being read ends now
                cut.set()
                with contextlib.suppress(OSError):
                    raw.shutdown(socket.SHUT_RDWR)

            watchdog = threading.Timer(self.timeout, cut_off)
            watchdog.daemon = True
            watchdog.start()
            try:
                if scheme == "https":
                    sock = self.tls.wrap_socket(raw, server_hostname=host)
                result = self._exchange(url, sock, host, port, path, headers)
                if cut.is_set():  # a body read "until the server closes" ended by the deadline
                    raise TimeoutError
                return result
            except (FetchFailure, OSError, http.client.HTTPException) as exc:
                if cut.is_set() or isinstance(exc, TimeoutError):
                    raise FetchFailure(url, f"timed out: no whole response within {self.timeout:g} s", True) from None
                if isinstance(exc, FetchFailure):
                    raise
                if isinstance(exc, ssl.SSLCertVerificationError):
                    raise FetchFailure(url, f"TLS certificate not trusted: {exc.verify_message}") from None
                raise FetchFailure(url, f"broken connection or response ({type(exc).__name__}: {exc})", True) from None
            finally:
                watchdog.cancel()
                sock.close()
                raw.close()

    def _open(self, url: str, addresses: list[str], port: int) -> socket.socket:
        reason = ""
        for address in addresses:
            try:
                return self.connect((address, port), self.timeout)
            except TimeoutError:
                reason = f"timed out connecting to port {port}"
            except OSError as exc:
                reason = exc.strerror or str(exc)
        raise FetchFailure(url, f"cannot connect: {reason}", True)

    def _exchange(self, url: str, sock: socket.socket, host: str, port: int, path: str,
                  headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
        conn.sock = sock  # already connected, to an address that was checked
        conn.request("GET", path, headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate",
                                           "Connection": "close", **headers})
        response = conn.getresponse()
        found = {name.lower(): value for name, value in reversed(response.getheaders())}
        length = found.get("content-length", "").strip()
        if length.isdigit() and int(length) > self.max_bytes:
            raise FetchFailure(url, f"the response is {size_text(int(length))}, over the {size_text(self.max_bytes)} limit")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchFailure(url, f"the response is over the {size_text(self.max_bytes)} limit")
            chunks.append(chunk)
        body = b"".join(chunks)
        encoding = found.get("content-encoding", "identity").strip().lower()
        return response.status, found, decompress(body, encoding, self.max_bytes, url)


def decompress(body: bytes, encoding: str, limit: int, url: str = "") -> bytes:
    """``body`` decoded from its ``Content-Encoding`` (identity, gzip or deflate), producing at
    most ``limit`` bytes: past that it is refused as it is being decompressed."""
    if encoding in ("", "identity") or not body:
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailure(url, f"the response is in an encoding briefgen does not read ({encoding})")
    modes = (16 + zlib.MAX_WBITS,) if "gzip" in encoding else (zlib.MAX_WBITS, -zlib.MAX_WBITS)
    for wbits in modes:
        inflater = zlib.decompressobj(wbits)
        out = bytearray()
        pending = body
        try:
            while pending:
                out += inflater.decompress(pending, limit + 1 - len(out))
                if len(out) > limit:
                    raise FetchFailure(url, f"the response is over the {size_text(limit)} limit once decompressed "
                                            "(a compression bomb?)")
                pending = inflater.unconsumed_tail
            out += inflater.flush()
        except zlib.error as exc:
            if wbits == modes[-1]:
                raise FetchFailure(url, f"the response is not valid {encoding} data ({exc})") from None
            continue
        if len(out) > limit:
            raise FetchFailure(url, f"the response is over the {size_text(limit)} limit once decompressed (a compression bomb?)")
        return bytes(out)
    raise AssertionError("unreachable")  # pragma: no cover
