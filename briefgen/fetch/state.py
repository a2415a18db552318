"""What ``briefgen fetch`` remembers between runs, in one SQLite file.

By default the file is ``CORPUS/.briefgen-fetch.sqlite`` (hidden: the loader never reads it);
``briefgen fetch --state FILE`` puts it elsewhere. It holds

- ``sources``: each feed's and page's ETag and Last-Modified (sent back as ``If-None-Match``
  and ``If-Modified-Since``), the outcome of its last check, and how many runs in a row it has
  failed;
- ``articles``: every article URL seen, with a hash of its text and the file it went to, so
  that the same URL, or the same text under another URL, is never written twice;
- ``failed_items``: each feed entry whose article could not be fetched (its page failed), with
  the entry as the feed gave it, retried on the next runs until it is written — so that the
  feed itself keeps its validators and may answer 304 meanwhile.

The database is in WAL mode, and an article is claimed and written inside one write
transaction (:meth:`State.claim`), so that two fetches running at once over the same corpus
write each article once: the second waits for the first's transaction, then finds the article
already there. Each thread gets a connection of its own.

A state file that is damaged (not a database, malformed, or of another layout) is set aside as
``<name>.damaged-<time>`` with a warning, and the fetch starts afresh: nothing is lost that
matters, since an article already in the corpus is recognised by its URL when it is met again
(:meth:`State.claim`: the file is there). A dry run reads a damaged state as an empty one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import OutputError
from briefgen.files import printable
from briefgen.readers import Draft

STATE_NAME = ".briefgen-fetch.sqlite"  #: the state file's name in the corpus folder
BUSY_TIMEOUT = 60.0  #: seconds to wait for another fetch's write transaction

log = logging.getLogger(__name__)

def _wal(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode. The switch needs the file to itself, and SQLite answers
    "database is locked" at once, without its busy wait, while another fetch opening the same
    state holds it: so it is tried again, for up to :data:`BUSY_TIMEOUT` seconds."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.01
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_status TEXT NOT NULL,      -- "200", "304", or the reason it failed
    failures INTEGER NOT NULL DEFAULT 0,   -- runs in a row that failed
    checked_at REAL NOT NULL        -- seconds since the epoch
);
CREATE TABLE IF NOT EXISTS articles (
    url TEXT PRIMARY KEY,
    text_hash TEXT NOT NULL,
    path TEXT NOT NULL,             -- relative to the corpus (a copy's row: the original's file)
    written_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_hash ON articles (text_hash);
CREATE TABLE IF NOT EXISTS failed_items (
    url TEXT PRIMARY KEY,           -- the entry's article URL
    feed TEXT NOT NULL,             -- the feed it came from
    entry TEXT NOT NULL,            -- JSON: the entry's metadata, text and whether it is a summary only
    failed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failed_items_by_feed ON failed_items (feed);
"""


@dataclass(frozen=True)
class SourceState:
    """What the last runs found for a feed or page."""

    url: str
    etag: str | None
    last_modified: str | None
    last_status: str
    failures: int
    checked_at: float


@dataclass(frozen=True)
class Claim:
    """The outcome of :meth:`State.claim`: ``written`` is the new file, else ``seen`` says
    whether the URL or the text was already known, and ``path`` which file holds it."""

    written: Path | None
    seen: str = ""  #: "" (written), "url", "text", or "file" (the file was there, the state did not know it)
    path: str = ""


class State:
    """The fetch state in the SQLite file ``path`` (created when missing)."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._memory = readonly and not self.path.exists()  # a dry run before any fetch: nothing is known
        try:
            self._prepare()
        except OutputError as exc:
            if not (isinstance(exc.__cause__, sqlite3.Error) and _damaged(exc.__cause__)):
                raise
            self.close()
            self._local = threading.local()
            if readonly:
                log.warning("the fetch state %s is damaged (%s): this dry run knows nothing of earlier fetches",
                            printable(self.path), exc.__cause__)
                self._memory = True
            else:
                self._set_aside(str(exc.__cause__))
            self._prepare()

    def _prepare(self) -> None:
        """Create the tables if missing, and check that the file is sound and of this layout."""
        try:
            with self._write() as db:
                if not self.readonly or self._memory:
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        db.execute(statement)
                for table, columns in _COLUMNS.items():
                    db.execute(f"SELECT {columns} FROM {table} LIMIT 1")  # noqa: S608 - our own names
                if not self._memory:
                    found = db.execute("PRAGMA quick_check").fetchone()
                    if not found or found[0] != "ok":
                        raise sqlite3.DatabaseError(f"database disk image is malformed ({found[0] if found else 'no answer'})")
        except sqlite3.Error as exc:  # a dry run's reads (a write transaction wraps its own)
            raise _state_error(self.path, exc) from exc

    def _set_aside(self, why: str) -> None:
        """Rename the damaged state file (and its journal) aside, with a warning."""
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.rename(self.path, aside)
            with contextlib.suppress(FileNotFoundError):
                os.rename(f"{self.path}-wal", f"{aside}-wal")
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}-shm")
        except FileNotFoundError:  # another fetch set it aside first
            return
        except OSError as exc:
            raise OutputError(f"the fetch state {printable(self.path)} is damaged ({why}) and cannot be set aside: "
                              f"{exc.strerror or exc}",
                              "delete it (the next fetch starts afresh), or pass another --state FILE") from exc
        log.warning("the fetch state %s was damaged (%s): set aside as %s; this fetch starts afresh "
                    "(articles already in the corpus are recognised by their URL)", printable(self.path), why,
                    printable(aside.name))

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                if self._memory:
                    # one database in memory, shared by this state's connections (the first keeps it alive)
                    db = sqlite3.connect(f"file:briefgen-fetch-{id(self)}?mode=memory&cache=shared", uri=True,
                                         timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
                elif self.readonly:
                    db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT,
                                         isolation_level=None, check_same_thread=False)
                else:
                    db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
                    _wal(db)
                    db.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.Error as exc:
                raise _state_error(self.path, exc) from exc
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, begun at once (``BEGIN IMMEDIATE``): another fetch waits."""
        if self.readonly and not self._memory:
            yield self._db()
            return
        db = self._db()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _state_error(self.path, exc) from exc
        try:
            yield db
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _state_error(self.path, exc) from exc
            raise
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _state_error(self.path, exc) from exc

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()

    # --- sources ---------------------------------------------------------------------------

    def _row(self, sql: str, *args: object) -> tuple[object, ...] | None:
        try:
            row: tuple[object, ...] | None = self._db().execute(sql, args).fetchone()
        except sqlite3.Error as exc:
            raise _state_error(self.path, exc) from exc
        return row

    def source(self, url: str) -> SourceState | None:
        row = self._row("SELECT url, etag, last_modified, last_status, failures, checked_at FROM sources WHERE url = ?", url)
        return SourceState(*row) if row else None  # type: ignore[arg-type]

    def record_success(self, url: str, status: int, etag: str | None, last_modified: str | None, now: float) -> None:
        """A check that worked: keep the validators to send next time (``None`` forgets them)."""
        if self.readonly:
            return
        with self._write() as db:
            db.execute("INSERT INTO sources (url, etag, last_modified, last_status, failures, checked_at) "
                       "VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                       "last_modified = excluded.last_modified, last_status = excluded.last_status, failures = 0, "
                       "checked_at = excluded.checked_at", (url, etag, last_modified, str(status), now))

    def record_failure(self, url: str, reason: str, now: float) -> int:
        """A check that failed; returns how many runs in a row it has now failed."""
        if self.readonly:
            known = self.source(url)
            return (known.failures if known else 0) + 1
        with self._write() as db:
            db.execute("INSERT INTO sources (url, last_status, failures, checked_at) VALUES (?, ?, 1, ?) "
                       "ON CONFLICT (url) DO UPDATE SET last_status = excluded.last_status, "
                       "failures = failures + 1, checked_at = excluded.checked_at", (url, reason, now))
            return int(db.execute("SELECT failures FROM sources WHERE url = ?", (url,)).fetchone()[0])

    # --- feed entries to retry --------------------------------------------------------------

    def remember_failed(self, feed: str, url: str, draft: Draft, now: float) -> None:
        """The entry ``draft`` of ``feed`` (its article at ``url``) could not be fetched: keep it
        to retry next run."""
        if self.readonly:
            return
        entry = json.dumps({"meta": draft.meta, "body": draft.body, "summary_only": draft.summary_only},
                           default=lambda value: value.isoformat() if isinstance(value, dt.date) else str(value))
        with self._write() as db:
            db.execute("INSERT INTO failed_items (url, feed, entry, failed_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (url) DO UPDATE SET feed = excluded.feed, entry = excluded.entry, "
                       "failed_at = excluded.failed_at", (url, feed, entry, now))

    def forget_failed(self, url: str) -> None:
        """The entry of ``url`` was fetched (or is known): no longer retried."""
        if self.readonly:
            return
        with self._write() as db:
            db.execute("DELETE FROM failed_items WHERE url = ?", (url,))

    def failed_items(self, feed: str) -> list[tuple[str, Draft]]:
        """The entries of ``feed`` that failed and are to be retried, oldest failure first."""
        try:
            rows = self._db().execute("SELECT url, entry FROM failed_items WHERE feed = ? ORDER BY failed_at, url",
                                      (feed,)).fetchall()
        except sqlite3.Error as exc:
            if self.readonly and "no such table" in str(exc):  # a state written before entries were kept
                return []
            raise _state_error(self.path, exc) from exc
        items = []
        for url, text in rows:
            entry = json.loads(text)
            items.append((str(url), Draft(dict(entry["meta"]), str(entry["body"]), summary_only=bool(entry["summary_only"]))))
        return items

    # --- articles --------------------------------------------------------------------------

    def seen_url(self, url: str) -> str | None:
        """The file an article of this URL went to, if it was seen before."""
        row = self._row("SELECT path FROM articles WHERE url = ?", url)
        return str(row[0]) if row else None

    def claim(self, url: str, text_hash: str, write: Callable[[], tuple[Path, bool]], relative_to: Path,
              now: float) -> Claim:
        """Write an article unless its URL or its text is known: in one write transaction, look
        both up; if neither is known, call ``write`` (which puts the file in place and returns
        it, with ``False`` when the file was already there) and record it. A copy's URL is
        recorded too, pointing at the original's file, so that it is not fetched again. In a
        read-only state (a dry run), nothing is written or recorded."""
        with self._write() as db:
            row = db.execute("SELECT path FROM articles WHERE url = ?", (url,)).fetchone()
            if row:
                return Claim(None, "url", str(row[0]))
            row = db.execute("SELECT path FROM articles WHERE text_hash = ? LIMIT 1", (text_hash,)).fetchone()
            if row:
                if not self.readonly:
                    db.execute("INSERT INTO articles (url, text_hash, path, written_at) VALUES (?, ?, ?, ?)",
                               (url, text_hash, row[0], now))
                return Claim(None, "text", str(row[0]))
            if self.readonly:
                return Claim(None)
            path, new = write()
            relative = path.relative_to(relative_to).as_posix()
            db.execute("INSERT INTO articles (url, text_hash, path, written_at) VALUES (?, ?, ?, ?)",
                       (url, text_hash, relative, now))
            return Claim(path) if new else Claim(None, "file", relative)


_COLUMNS = {"sources": "url, etag, last_modified, last_status, failures, checked_at",
            "articles": "url, text_hash, path, written_at"}


def _damaged(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says the file is not a sound state (rather than busy, read-only or missing)."""
    text = str(exc).lower()
    return (not isinstance(exc, sqlite3.OperationalError)
            or any(words in text for words in ("malformed", "not a database", "no such column", "no such table",
                                               "has no column", "file is encrypted")))


def _state_error(path: Path, exc: sqlite3.Error) -> OutputError:
    return OutputError(f"cannot use the fetch state {printable(path)}: {exc}",
                       "check that the file is a briefgen fetch state and writable (or pass another --state FILE); "
                       "deleting it makes the next fetch start afresh")
