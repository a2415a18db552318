"""The corpus index's file: an SQLite database (WAL mode) that briefgen owns, never the corpus.

::

    CACHE/                       OUT/.briefgen by default, or --cache DIR
      corpus.sqlite              the index (-wal and -shm beside it while in use)
      corpus.sqlite.lock         held by the run that reads or updates the index
      CACHEDIR.TAG               marks the folder as a cache (backup tools skip it)

One row a file of the corpus (its path in the corpus, size, modification time, a stamp of its
``stat``, the SHA-256 of its bytes, what loading it warned about) and one row an article in it
(id, title, outlet, date, link, a digest of its text, its near-duplicate signature and which of
the configured topics it is about, for the coverage chart), and one row a text (by its digest): the
text, and its sentences and their words as the split stage cuts them
(:func:`briefgen.text.split.packed`), read only for the window's articles and their likely
copies (:func:`kept_texts`), whose files are then not read again. Every row carries a checksum of its fields.
What a run needs of every file and article (all but the texts) is also kept as a snapshot, a
column a row (:class:`Held`; with the likely near-duplicate pairs, :meth:`Held.likely`) and one
checksum, written once the index is up to date (:meth:`IndexStore.keep`) and dropped by any
change to the rows: a run reads it whole, and the rows only when it is missing. An index
made by another rule of what an article is about (other topics, or other settings that decide it)
is rebuilt (a change of the config: no warning).

The index is a cache, never the truth. A file that is not a database, fails SQLite's own
check (of the snapshot; of the whole file when its rows are read instead) or holds a row whose
checksum does not match, an index written by another version of briefgen or for another corpus
folder, or one that was deleted: each is rebuilt from the corpus, with a warning. A page of
texts found damaged when read is set aside for the next run to rebuild (:func:`kept_texts`).
A briefgen run on the same index waits (with a warning) for the other to finish with it, up to ``timeout`` seconds; past that, and when another program holds SQLite's own lock
longer than that, :class:`IndexUnavailable` is raised and the run reads the corpus without it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import hashlib
import itertools
import json
import logging
import operator
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, overload

import numpy as np

from briefgen.dedupe import likely_pairs
from briefgen.files import flock_waiting, printable
from briefgen.relevance import MODEL_RESOURCE

log = logging.getLogger(__name__)

T = TypeVar("T")

SCHEMA = 4  #: the layout of the tables below; an index of another layout is rebuilt
FILE_NAME = "corpus.sqlite"
LOCK_SUFFIX = ".lock"
TAG_NAME = "CACHEDIR.TAG"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by briefgen: its corpus index, rebuilt when missing.\n"
        "# For information about cache directory tags see https://bford.info/cachedir/\n")
_POLL = 0.1
#: what decides what reading a file gives: briefgen's loading code, and the parsers it uses
_LOADER = ("load", "readers", "text/layout", "text/split", "dedupe", "files", "errors", "models", "about", "relevance", "learn",
           "score", "text/sbd", "text/words", "coverage", "corpus_index/scan", "corpus_index/store")
_PARSERS = ("trafilatura", "feedparser", "charset-normalizer", "pyyaml", "lxml")

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, stamp TEXT NOT NULL,
    sha256 BLOB NOT NULL, seen_ns INTEGER NOT NULL, notes TEXT NOT NULL, checksum BLOB NOT NULL);
CREATE TABLE articles (
    path TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL,
    date TEXT, url TEXT NOT NULL, digest BLOB NOT NULL, signature BLOB NOT NULL, words INTEGER NOT NULL,
    about INTEGER NOT NULL, checksum BLOB NOT NULL, PRIMARY KEY (path, seq));
CREATE INDEX articles_by_date ON articles (date);
CREATE TABLE texts (digest BLOB PRIMARY KEY, text BLOB NOT NULL, spans BLOB NOT NULL, words BLOB NOT NULL,
    checksum BLOB NOT NULL);
CREATE TABLE snapshot (name TEXT PRIMARY KEY, kind TEXT NOT NULL, data BLOB NOT NULL);
"""


class IndexUnavailable(Exception):
    """The index cannot be used for this run (held by another run or program, or its folder
    cannot be written: ``folder``): the run reads the whole corpus instead."""

    def __init__(self, message: str, folder: bool = False) -> None:
        super().__init__(message)
        self.folder = folder


class Damaged(Exception):
    """A row of the index does not hold what was written into it."""


class Record(NamedTuple):
    """What the index keeps of one article of a file (a named tuple: a run reads one for every
    article of the corpus, straight from its row)."""

    seq: int  #: its place in the file (0 for the one article of most files)
    id: str  #: the id the loader gives it, before ids are made unique across the corpus
    title: str
    source: str
    date: str | None  #: ISO date
    url: str
    digest: bytes  #: :func:`briefgen.load.text_digest` of its text
    signature: bytes  #: its MinHash signature (:func:`briefgen.dedupe.signatures`), uint64 bytes
    words: int  #: 1 when its text has a word, else 0 (a signature of a text without words is not used)
    about: int  #: bit ``j`` set when it is about the ``j``-th topic (:meth:`briefgen.about.AboutRule.about`)

    def fields(self) -> tuple[object, ...]:
        return (self.seq, self.id, self.title, self.source, self.date, self.url, self.digest, self.signature,
                int(self.words), self.about)


class Kept(NamedTuple):
    """What the index keeps of an article's text for the runs whose window holds it."""

    text: str
    spans: bytes  #: its sentences (:func:`briefgen.text.split.packed`)
    words: str  #: their content words (:func:`briefgen.text.split.packed`)


class Entry(NamedTuple):
    """What the index keeps of one file of the corpus (a named tuple, as :class:`Record`)."""

    path: str  #: the path in the corpus folder, with ``/``
    size: int
    mtime_ns: int
    stamp: str  #: size, modification and change times, inode: any change means "read it again"
    sha256: bytes  #: of the file's bytes
    seen_ns: int  #: when it was read (a change within the file system's time resolution may not show)
    problems: tuple[tuple[str, str, str | None], ...]  #: entries left out: (where, reason, hint)
    warnings: tuple[str, ...]
    articles: tuple[Record, ...]
    #: each article's text, sentences and their words (``None``: not kept), when the file was just
    #: read; an entry read from the index leaves them in its table
    texts: tuple[Kept | None, ...] = ()

    def notes(self) -> str:
        return _notes(self.problems, self.warnings)

    def fields(self) -> tuple[object, ...]:
        return (self.path, self.size, self.mtime_ns, self.stamp, self.sha256, self.seen_ns, self.notes())


@functools.cache
def loader_version() -> str:
    """briefgen's version, a digest of its loading code and the versions of the parsers it uses:
    an index written by another loader is rebuilt."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for name in _LOADER:
        digest.update((package / f"{name}.py").read_bytes())
    with contextlib.suppress(OSError):  # the chart's rule reads it (a missing one stops the run elsewhere)
        digest.update((package / "data" / MODEL_RESOURCE).read_bytes())
    for name in _PARSERS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name} {metadata.version(name)}\n".encode())
    try:
        version = metadata.version("briefgen")
    except metadata.PackageNotFoundError:
        version = "?"
    return f"{version}+{digest.hexdigest()[:12]}"


def checksum(fields: Iterable[object]) -> bytes:
    """A digest of a row's fields: BLAKE2b of their pickle (which tells each field, and its type,
    from its neighbours), in C, since every row is checked on every run."""
    return hashlib.blake2b(pickle.dumps(tuple(fields), protocol=5), digest_size=16).digest()


class Packed(Sequence[T]):
    """Values stored end to end in one ``bytes`` (a column of the snapshot), each made only
    when asked for (:meth:`at`): a run holds the bytes, not an object a value."""

    __slots__ = ()

    def at(self, k: int) -> T:
        """The ``k``-th value (``0 <= k < len(self)``)."""
        raise NotImplementedError

    @overload
    def __getitem__(self, k: int) -> T: ...

    @overload
    def __getitem__(self, k: slice) -> list[T]: ...

    def __getitem__(self, k: int | slice) -> T | list[T]:
        if isinstance(k, slice):
            return [self.at(i) for i in range(*k.indices(len(self)))]
        k = operator.index(k)
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return self.at(k)


class Fixed(Packed[bytes]):
    """Byte strings of one ``width`` stored end to end in ``data`` (a column of the snapshot:
    hashes, digests, signatures), each sliced out only when asked for."""

    __slots__ = ("data", "width")

    def __init__(self, data: bytes, width: int) -> None:
        self.data, self.width = data, width

    def __len__(self) -> int:
        return len(self.data) // self.width

    def at(self, k: int) -> bytes:
        return self.data[k * self.width:(k + 1) * self.width]


class Texts(Packed[str]):
    """Strings stored end to end in ``data`` (UTF-8, NUL between two; a column of the snapshot:
    paths, titles, links), each decoded only when asked for: a run holds the bytes and one
    offset a string, not a string object an article."""

    __slots__ = ("data", "ends")

    def __init__(self, data: bytes, n: int) -> None:
        self.data = data
        found = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0) if n else np.zeros(0, dtype=np.int64)
        if len(found) != max(n - 1, 0):
            raise Damaged("its snapshot's columns do not fit together")
        self.ends = np.append(found, len(data)) if n else found  #: where each string ends (its NUL, or the end)

    def __len__(self) -> int:
        return len(self.ends)

    def at(self, k: int) -> str:
        start = int(self.ends[k - 1]) + 1 if k else 0
        return self.data[start:int(self.ends[k])].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return iter(self.data.decode("utf-8", "surrogatepass").split(_SEPARATOR) if len(self) else [])


FILE_COLUMNS = ("path", "size", "mtime_ns", "stamp", "seen_ns", "notes", "count", "sha256")
ARTICLE_COLUMNS = ("seq", "id", "title", "source", "date", "url", "digest", "signature", "words", "about")


class Held:
    """What the index holds of its files, a column (a sequence) a field: the files' fields
    (:data:`FILE_COLUMNS`: those of :class:`Entry`, ``notes`` its problems and warnings as JSON,
    ``""`` when it has none, ``count`` its articles), and their articles' (:data:`ARTICLE_COLUMNS`:
    those of :class:`Record`), each file's together, files in the same order. A run reads it
    whole from the snapshot (:func:`_snapshot`), without an object made for each file or article."""

    path: Sequence[str]
    size: list[int]
    mtime_ns: list[int]
    stamp: Sequence[str]
    seen_ns: list[int]
    notes: Sequence[str]
    count: list[int]
    sha256: Sequence[bytes]
    seq: list[int]
    id: Sequence[str]
    title: Sequence[str]
    source: Sequence[str]
    date: Sequence[str | None]
    url: Sequence[str]
    digest: Sequence[bytes]
    signature: Sequence[bytes]
    words: list[int]
    about: list[int]

    def __init__(self, files: Sequence[Sequence[Any]], articles: Sequence[Sequence[Any]]) -> None:
        for name, column in zip(FILE_COLUMNS, files, strict=True):
            setattr(self, name, column)
        for name, column in zip(ARTICLE_COLUMNS, articles, strict=True):
            setattr(self, name, column)
        if len({len(self.path), *map(len, files)}) != 1 or len({len(self.seq), *map(len, articles)}) != 1:
            raise Damaged("its columns do not fit together")
        self.first = np.concatenate(([0], np.cumsum(np.array(self.count, dtype=np.int64)))).astype(np.int64)
        if self.first[-1] != len(self.seq):
            raise Damaged("its columns do not fit together")
        self.pairs: np.ndarray | None = None  #: :meth:`likely`'s, once worked out (or read from the snapshot)

    def signatures(self) -> np.ndarray:
        """The articles' signatures, a row each (uint64)."""
        signature = self.signature
        joined = signature.data if isinstance(signature, Fixed) else b"".join(signature)
        width = len(signature[0]) // 8 if len(signature) else 0
        return np.frombuffer(joined, dtype=np.uint64).reshape(len(signature), width)

    def likely(self) -> np.ndarray:
        """The likely pairs of near-duplicates among the articles (by their place in these
        columns), as :func:`briefgen.dedupe.likely_pairs` finds them from their signatures:
        worked out once and kept in the snapshot, since they depend on nothing else."""
        if self.pairs is None:
            self.pairs = likely_of(self.signatures(), self.words)
        return self.pairs

    def __len__(self) -> int:
        return len(self.path)

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> Held:
        """The columns of ``entries``, in their order."""
        records = [r for e in entries for r in e.articles]
        return cls([[e.path for e in entries], [e.size for e in entries], [e.mtime_ns for e in entries],
                    [e.stamp for e in entries], [e.seen_ns for e in entries],
                    ["" if (n := e.notes()) == _NO_NOTES else n for e in entries], [len(e.articles) for e in entries],
                    [e.sha256 for e in entries]],
                   [list(column) for column in zip(*records, strict=True)] if records else [[] for _ in ARTICLE_COLUMNS])

    def entry(self, f: int) -> Entry:
        """The entry of the ``f``-th file."""
        problems, warnings = self.noted(f)
        return Entry(self.path[f], self.size[f], self.mtime_ns[f], self.stamp[f], self.sha256[f], self.seen_ns[f],
                     problems, warnings, tuple(self.record(m) for m in range(self.first[f], self.first[f + 1])))

    def record(self, m: int) -> Record:
        """The ``m``-th article's record."""
        return Record(*(getattr(self, name)[m] for name in ARTICLE_COLUMNS))

    def noted(self, f: int) -> tuple[tuple[tuple[str, str, str | None], ...], tuple[str, ...]]:
        """The ``f``-th file's problems (where, reason, hint) and warnings."""
        if not self.notes[f]:
            return (), ()
        found = json.loads(self.notes[f])
        return tuple((p[0], p[1], p[2]) for p in found["problems"]), tuple(found["warnings"])

    def taken(self, files: Sequence[int]) -> Held:
        """These columns of the ``files`` given, in that order."""
        if len(files) == len(self) and all(f == k for k, f in enumerate(files)):
            return self
        members = [m for f in files for m in range(self.first[f], self.first[f + 1])]
        return Held([[column[f] for f in files] for column in (getattr(self, name) for name in FILE_COLUMNS)],
                    [[column[m] for m in members] for column in (getattr(self, name) for name in ARTICLE_COLUMNS)])

    def joined(self, other: Held) -> Held:
        """These columns and ``other``'s after them."""
        if not len(other):
            return self
        return Held([[*getattr(self, name), *getattr(other, name)] for name in FILE_COLUMNS],
                    [[*getattr(self, name), *getattr(other, name)] for name in ARTICLE_COLUMNS])


def likely_of(signatures: np.ndarray, words: Sequence[int]) -> np.ndarray:
    """The likely pairs of near-duplicates among articles of these ``signatures`` (a row each)
    and ``words`` (1 when an article's text has a word), as :func:`briefgen.dedupe.likely_pairs`
    finds them."""
    if not len(signatures):
        return np.zeros((0, 2), dtype=np.int64)
    return likely_pairs(signatures, np.flatnonzero(np.array(words, dtype=bool)))


class IndexStore:
    """The open index of one corpus folder: :meth:`open` it, read :attr:`held`, :meth:`save`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, held: Held, whole: bool = False) -> None:
        self.connection = connection
        self.path = path
        self.held = held  #: what the index holds, checked (every row, or the snapshot's checksum)
        self.whole = whole  #: whether :attr:`held` came from the snapshot (then it need not be written again)

    @classmethod
    @contextlib.contextmanager
    def open(cls, folder: Path, corpus: Path, timeout: float, topics: str = "") -> Iterator[IndexStore]:
        """The index in ``folder`` of the ``corpus`` folder, created or rebuilt as needed, held
        against other briefgen runs until the block ends. ``topics`` names the topics the
        articles' ``about`` bits are for: an index made for other topics is rebuilt. The corpus
        is known by its resolved path, so ``corpus``, ``./corpus`` and its absolute path (a cron
        job started elsewhere) share one index."""
        path = Path(folder) / FILE_NAME
        tagged = _prepare(Path(folder))
        with _held(Path(f"{path}{LOCK_SUFFIX}"), timeout):
            if not path.exists():
                if tagged:
                    log.warning("the corpus index %s is missing: rebuilding it from the corpus", printable(path))
                else:
                    log.info("building the corpus index %s", printable(path))
            connection, held, whole = _open_checked(path, str(Path(corpus).resolve()), timeout, topics)
            try:
                yield cls(connection, path, held, whole)
            finally:
                connection.close()

    def save(self, changed: Iterable[Entry], gone: Iterable[str]) -> None:
        """Write the ``changed`` entries (replacing what the index held of those files) and
        forget the files ``gone``, in one transaction, which also drops the snapshot (:meth:`keep`
        writes it again once the index is up to date)."""
        rows = list(changed)
        paths = [(p,) for p in gone] + [(e.path,) for e in rows]
        if not paths:
            return
        db = self.connection
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM files WHERE path = ?", paths)
            db.executemany("DELETE FROM articles WHERE path = ?", paths)
            db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [(*e.fields(), checksum(e.fields())) for e in rows])
            db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(e.path, *r.fields(), checksum((e.path, *r.fields()))) for e in rows for r in e.articles])
            texts = [(r.digest, *_squeezed(kept)) for e in rows for r, kept in zip(e.articles, e.texts, strict=False)
                     if kept is not None]
            db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?)", [(*row, checksum(row)) for row in texts])
            db.execute("DELETE FROM texts WHERE digest NOT IN (SELECT digest FROM articles)")  # of files gone or changed
            db.execute("DELETE FROM snapshot")
            db.execute("COMMIT")
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


    def keep(self, held: Held) -> None:
        """Write the snapshot of the index: all it ``held`` once brought up to date, a row a
        column and one checksum, which the next runs read whole instead of a row a file and an
        article (:func:`_snapshot`)."""
        db = self.connection
        row = _packed(held)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM snapshot")
            db.executemany("INSERT INTO snapshot VALUES (?, ?, ?)", row)
            db.execute("COMMIT")
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def kept_texts(folder: Path, digests: Iterable[bytes], timeout: float) -> dict[bytes, Kept]:
    """The texts the index in ``folder`` keeps of ``digests`` (:func:`briefgen.load.text_digest`),
    with their sentences as the split stage cuts them. A text it does not keep is left out, and so
    is one whose row does not match its checksum (with a warning); none when the index is not of
    this version of briefgen, or cannot be read (with a warning; when SQLite finds the file
    damaged, the index is also removed, for the next run to rebuild, unless another run holds
    it): the caller reads and splits those itself. Only those rows are read; the index is not locked (SQLite's own reading is
    consistent, and a row holds what this version of briefgen makes of a text, whoever wrote it)."""
    found: dict[bytes, Kept] = {}
    wanted = list(dict.fromkeys(digests))
    path = Path(folder) / FILE_NAME
    if not wanted:
        return found
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    except (sqlite3.Error, OSError) as exc:
        log.warning("cannot read the texts the corpus index %s keeps (%s): reading their files", printable(path), exc)
        return found
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") != str(SCHEMA) or meta.get("briefgen") != loader_version():
            return found
        for k in range(0, len(wanted), 500):
            chunk = wanted[k:k + 500]
            rows = connection.execute(f"SELECT * FROM texts WHERE digest IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            sound = [row for row in rows if checksum(row[:-1]) == row[-1]]
            if len(sound) < len(rows):
                log.warning("the corpus index %s keeps %d texts that do not match their checksum: reading their files",
                            printable(path), len(rows) - len(sound))
            found.update((digest, _unsqueezed(text, spans, words)) for digest, text, spans, words, _ in sound)
    except sqlite3.DatabaseError as exc:
        found.clear()
        if isinstance(exc, sqlite3.OperationalError):
            log.warning("cannot read the texts the corpus index %s keeps (%s): reading their files", printable(path), exc)
        else:  # SQLite found the file damaged where no run had read it yet
            aside = _set_aside(path)
            log.warning("the corpus index %s is damaged (%s): reading the files of the texts it keeps; %s",
                        printable(path), exc, "it is rebuilt from the corpus on the next run" if aside
                        else "another run holds it, the next run to read these texts will find it so again")
    except (sqlite3.Error, zlib.error, UnicodeDecodeError) as exc:
        log.warning("cannot read the texts the corpus index %s keeps (%s): reading their files", printable(path), exc)
        found.clear()
    finally:
        connection.close()
    return found


def _set_aside(path: Path) -> bool:
    """Remove the damaged index at ``path`` (the next run rebuilds it, saying it is missing),
    unless another run holds it now. Whether it was removed."""
    try:
        with open(f"{path}{LOCK_SUFFIX}", "a") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
            try:
                for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    name.unlink(missing_ok=True)
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        return False
    return True


def _squeezed(kept: Kept) -> tuple[bytes, bytes, bytes]:
    """A kept text as its row holds it: the text and the words compressed (zlib, fast), so that the
    index stays small (SQLite's check at every run reads all of it)."""
    return (zlib.compress(kept.text.encode("utf-8", "surrogatepass"), 1), kept.spans,
            zlib.compress(kept.words.encode("utf-8", "surrogatepass"), 1))


def _unsqueezed(text: bytes, spans: bytes, words: bytes) -> Kept:
    return Kept(zlib.decompress(text).decode("utf-8", "surrogatepass"), spans,
                zlib.decompress(words).decode("utf-8", "surrogatepass"))


def _prepare(folder: Path) -> bool:
    """Create the cache folder and its tag; whether the tag was there already (then an index
    that is missing was deleted)."""
    tag = folder / TAG_NAME
    tagged = tag.is_file()
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True)
        if not tagged:
            tag.write_text(_TAG, encoding="ascii")
    except OSError as exc:
        raise IndexUnavailable(f"cannot write to {printable(folder)} ({exc.strerror or exc})", folder=True) from exc
    return tagged


@contextlib.contextmanager
def _held(lock: Path, timeout: float) -> Iterator[None]:
    """Hold ``lock`` (an advisory lock on the file); wait up to ``timeout`` seconds, with a
    warning, while another run holds it."""
    try:
        handle = open(lock, "a")  # noqa: SIM115 - closed below, after the lock is released
    except OSError as exc:
        raise IndexUnavailable(f"cannot open {printable(lock)} ({exc.strerror or exc})") from exc
    with handle:
        def waiting() -> None:
            log.warning("another briefgen run is using the corpus index %s: waiting for it (up to %g s)",
                        printable(lock.with_suffix("")), timeout)
        try:
            held = flock_waiting(handle, timeout, _POLL, waiting)
        except OSError as exc:
            raise IndexUnavailable(f"cannot lock {printable(lock)} ({exc.strerror or exc})") from exc
        if not held:
            raise IndexUnavailable(f"another briefgen run held it for more than {timeout:g} s")
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _open_checked(path: Path, corpus: str, timeout: float, topics: str) -> tuple[sqlite3.Connection, Held, bool]:
    """A connection to the index at ``path``, its entries (from its snapshot, else every row
    checked) and whether they came from the snapshot; an index that is damaged, of another
    layout or version, or of another corpus or topics is rebuilt (empty)."""
    fresh = not path.exists()
    try:
        connection = _connect(path, timeout)
    except sqlite3.OperationalError as exc:
        if _busy(exc):
            raise IndexUnavailable(f"another program holds its lock ({exc})") from exc
        raise IndexUnavailable(f"cannot open it ({exc})") from exc
    except sqlite3.DatabaseError as exc:
        return _rebuilt(path, None, f"it is damaged ({exc})", timeout, corpus, topics)
    try:
        if fresh or not _tables(connection):
            _create(connection, corpus, topics)
            return connection, Held.of([]), False
        if _other_topics(connection, topics):
            log.info("the corpus index %s was made for other topics: rebuilding it", printable(path))
            return _rebuilt(path, connection, "", timeout, corpus, topics)
        stale = _stale(connection, corpus)
        if stale:
            return _rebuilt(path, connection, stale, timeout, corpus, topics)
        whole = _snapshot(connection)
        # SQLite's own check of what a run reads every run (the snapshot), or of the whole file
        # when its rows are read instead; a text is checked when read (:func:`kept_texts`)
        check = connection.execute("PRAGMA quick_check(snapshot)" if whole is not None
                                   else "PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            return _rebuilt(path, connection, f"it is damaged (SQLite's check: {check})", timeout, corpus, topics)
        return (connection, whole, True) if whole is not None else (connection, Held.of(_entries(connection)), False)
    except sqlite3.OperationalError as exc:
        connection.close()
        if _busy(exc):
            raise IndexUnavailable(f"another program holds its lock ({exc})") from exc
        return _rebuilt(path, None, f"it cannot be read ({exc})", timeout, corpus, topics)
    except (sqlite3.DatabaseError, Damaged, ValueError, TypeError, KeyError, IndexError) as exc:
        return _rebuilt(path, connection, f"it is damaged ({exc})", timeout, corpus, topics)


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _create(connection: sqlite3.Connection, corpus: str, topics: str) -> None:
    connection.executescript(f"BEGIN; {_TABLES} COMMIT;")
    connection.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", str(SCHEMA)), ("briefgen", loader_version()),
                                                            ("corpus", corpus), ("topics", topics)])


def _other_topics(connection: sqlite3.Connection, topics: str) -> bool:
    """Whether a sound index of this version was made for other topics (a change of the
    config, not a fault: rebuilt without a warning)."""
    try:
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return False
    return (meta.get("schema") == str(SCHEMA) and meta.get("briefgen") == loader_version()
            and meta.get("topics") not in (None, topics))


def _stale(connection: sqlite3.Connection, corpus: str) -> str | None:
    """Why the index cannot be used as it is (another version, layout or corpus), or ``None``."""
    if "meta" not in _tables(connection):
        return "it was written by another version of briefgen"
    meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("schema") != str(SCHEMA) or meta.get("briefgen") != loader_version():
        return (f"it was written by briefgen {meta.get('briefgen', 'of another version')} (index layout "
                f"{meta.get('schema', '?')}; this is briefgen {loader_version()}, layout {SCHEMA})")
    if meta.get("corpus") != corpus:
        return f"it is the index of the corpus folder {printable(meta.get('corpus', '?'))}"
    return None


def _rebuilt(path: Path, connection: sqlite3.Connection | None, reason: str, timeout: float,
             corpus: str, topics: str) -> tuple[sqlite3.Connection, Held, bool]:
    """A new, empty index in place of the one at ``path``, with a warning saying ``reason``
    (none when there is no reason to give)."""
    if reason:
        log.warning("the corpus index %s cannot be used: %s; rebuilding it from the corpus", printable(path), reason)
    if connection is not None:
        connection.close()
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            name.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise IndexUnavailable(f"cannot remove the old index {printable(name)} ({exc.strerror or exc})") from exc
    try:
        connection = _connect(path, timeout)
        _create(connection, corpus, topics)
    except sqlite3.Error as exc:
        raise IndexUnavailable(f"cannot create it ({exc})") from exc
    return connection, Held.of([]), False


def _notes(problems: Iterable[Sequence[str | None]], warnings: Iterable[str]) -> str:
    """A file's problems and warnings as the index keeps them (JSON)."""
    return json.dumps({"problems": [list(p) for p in problems], "warnings": list(warnings)}, ensure_ascii=False)


_NO_NOTES = _notes((), ())  #: the notes of most files, read without parsing them
_ALL_BUT_LAST = operator.itemgetter(slice(None, -1))
_RECORD_FIELDS = operator.itemgetter(slice(1, -1))


def _checked(rows: list[tuple[Any, ...]], what: str) -> None:
    """Check each row's checksum (its last column: :func:`checksum` of the others); raise
    :class:`Damaged`, naming the row by ``what`` and its first column, when one does not match.
    Done in C for every row (a corpus's thousands of rows are checked on every run)."""
    pickled = map(functools.partial(pickle.dumps, protocol=5), map(_ALL_BUT_LAST, rows))
    computed = list(map(operator.methodcaller("digest"), map(functools.partial(hashlib.blake2b, digest_size=16), pickled)))
    stored = list(map(operator.itemgetter(-1), rows))
    if computed != stored:
        row = next(row for row, mine, theirs in zip(rows, computed, stored, strict=True) if mine != theirs)
        raise Damaged(f"the row of {what}{printable(row[0])} does not match its checksum")


@contextlib.contextmanager
def unswept() -> Iterator[None]:
    """Python's cyclic garbage collector paused within the block (and restarted after it if it
    ran before): a block that makes an object or two for every article of a corpus, none of
    which can form a cycle, would otherwise set off collections that each walk every object
    of the process."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


@unswept()
def _entries(connection: sqlite3.Connection) -> list[Entry]:
    """Every file's entry, each row's checksum checked (:class:`Damaged` when one does not match)."""
    rows = connection.execute("SELECT * FROM articles ORDER BY path, seq").fetchall()
    _checked(rows, "an article of ")
    records = {path: tuple(map(Record._make, map(_RECORD_FIELDS, group)))
               for path, group in itertools.groupby(rows, operator.itemgetter(0))}
    del rows
    files = connection.execute("SELECT * FROM files").fetchall()
    _checked(files, "")
    entries = {}
    for path, size, mtime_ns, stamp, sha256, seen_ns, notes, _ in files:
        problems: tuple[tuple[str, str, str | None], ...] = ()
        warnings: tuple[str, ...] = ()
        if notes != _NO_NOTES:
            found = json.loads(notes)
            problems, warnings = tuple((p[0], p[1], p[2]) for p in found["problems"]), tuple(found["warnings"])
        entries[path] = Entry(path, size, mtime_ns, stamp, sha256, seen_ns, problems, warnings, records.pop(path, ()))
    if records:
        raise Damaged(f"articles of {printable(next(iter(records)))}, a file it does not list")
    return list(entries.values())


_SEPARATOR = "\0"

def _snapshot_checksum(columns: Iterable[tuple[str, str, bytes]]) -> bytes:
    """SHA-256 of the snapshot's columns (name, kind, data), each part preceded by its length
    (in the processor's SHA instructions where it has them: 2x BLAKE2b's speed here)."""
    digest = hashlib.sha256()
    for column in sorted(columns):
        for part in (column[0].encode(), column[1].encode(), column[2]):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
    return digest.digest()[:16]


def _column(name: str, values: list[Any]) -> tuple[str, str, bytes]:
    """A column of the snapshot: integers as int64, strings joined by NUL, bytes of one width
    joined, anything else (a string holding NUL, a number past int64, ``None``) as JSON."""
    if isinstance(values, Fixed):
        return name, f"bytes{values.width}", values.data
    if isinstance(values, Texts):
        return name, "text", values.data
    if all(type(v) is int for v in values) and all(-2**63 <= v < 2**63 for v in values):
        return name, "int64", np.array(values, dtype=np.int64).tobytes()
    if all(type(v) is str for v in values):
        joined = _SEPARATOR.join(values)
        if joined.count(_SEPARATOR) == len(values) - 1:
            return name, "text", joined.encode("utf-8", "surrogatepass")
    if all(type(v) is bytes for v in values) and len({len(v) for v in values}) == 1:
        return name, f"bytes{len(values[0])}", b"".join(values)
    return name, "json", json.dumps(values, separators=(",", ":")).encode("ascii")


def _values(kind: str, data: bytes, n: int) -> Sequence[Any]:
    """The ``n`` values of a column of the snapshot (:func:`_column`); :class:`Damaged` when
    they are not ``n``."""
    if kind == "int64":
        values: list[Any] = np.frombuffer(data, dtype=np.int64).tolist() if len(data) % 8 == 0 else []
    elif kind == "text":
        values = Texts(data, n)  # type: ignore[assignment]  # a sequence, decoded when asked
    elif kind.startswith("bytes") and kind[5:].isdigit() and int(kind[5:]) > 0:
        values = Fixed(data, int(kind[5:]))  # type: ignore[assignment]  # a sequence, sliced when asked
    elif kind == "json":
        values = json.loads(data)
    else:
        raise Damaged(f"its snapshot holds a column of an unknown kind {kind!r}")
    if not isinstance(values, list | Fixed | Texts) or len(values) != n or (isinstance(values, Fixed) and len(data) % values.width):
        raise Damaged("its snapshot's columns do not fit together")
    return values


def _packed(held: Held) -> list[tuple[str, str, bytes]]:
    """The snapshot's rows of ``held``: one a column (:func:`_column`; an article's date ``""``
    when it has none), one of the counts of files and articles, and their checksum (the row
    ``checksum``)."""
    columns = [_column(name, [d or "" for d in held.date] if name == "date" else getattr(held, name))
               for name in (*FILE_COLUMNS, *ARTICLE_COLUMNS)]
    pairs = held.likely()
    columns.append(_column("pairs", np.asarray(pairs, dtype=np.int64).ravel().tolist()))
    columns.append(_column("counts", [len(held), len(held.seq), len(pairs)]))
    return [*columns, ("checksum", "checksum", _snapshot_checksum(columns))]


def _snapshot(connection: sqlite3.Connection) -> Held | None:
    """What the index holds, from its snapshot (:meth:`IndexStore.keep`), its checksum checked
    (:class:`Damaged` when it does not match, or its columns do not fit together); ``None``
    when there is none (the index changed since it was written: its rows are read instead)."""
    rows = connection.execute("SELECT name, kind, data FROM snapshot").fetchall()
    if not rows:
        return None
    stored = [row for row in rows if row[0] == "checksum"]
    columns = [row for row in rows if row[0] != "checksum"]
    if len(stored) != 1 or _snapshot_checksum(columns) != stored[0][2]:
        raise Damaged("the row of its snapshot does not match its checksum")
    kinds = {name: (kind, data) for name, kind, data in columns}
    try:
        files, articles, pairs = _values(*kinds["counts"], 3)
        held = Held([_values(*kinds[name], files) for name in FILE_COLUMNS],
                    [_values(*kinds[name], articles) for name in ARTICLE_COLUMNS])
        held.pairs = np.array(_values(*kinds["pairs"], 2 * pairs), dtype=np.int64).reshape(pairs, 2)
    except KeyError as exc:
        raise Damaged(f"its snapshot has no column {exc}") from exc
    if len(held.pairs) and (held.pairs.min() < 0 or held.pairs.max() >= articles):
        raise Damaged("its snapshot's columns do not fit together")
    held.date = [d or None for d in held.date]
    return held
