"""Bringing the index up to date: which files to read again, and what reading one gives.

A file is read again when its ``stat`` stamp (size, modification and change times, inode)
differs from the one the index holds, so a file edited in place with the same size, or replaced
by an older file, is read; so is one changed so soon after the index saw it that the file
system's clock may not show the change (within :data:`RACY_NS`), and one now over the size
limit. A file read again whose bytes hash as before is not parsed again.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from briefgen.about import AboutRule
from briefgen.corpus_index.store import Entry, Record
from briefgen.dedupe import shingles, signatures
from briefgen.errors import ArticleError
from briefgen.files import printable
from briefgen.load import FileResult, corpus_id, parse_file, read_file, text_digest
from briefgen.parallel import Progress, iter_items

RACY_NS = 2_000_000_000  #: a file changed this soon before it was read is checked again next time


@dataclass(frozen=True)
class Stamp:
    """A file's ``stat`` as the index compares it."""

    size: int
    mtime_ns: int
    text: str

    @classmethod
    def of(cls, path: Path) -> Stamp | None:
        """The stamp of the file ``path`` leads to; ``None`` when it cannot be examined."""
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        return cls(info.st_size, info.st_mtime_ns,
                   f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}")


def current(entry: Entry | None, stamp: Stamp | None, max_bytes: int) -> bool:
    """Whether the index's ``entry`` still holds for a file of this ``stamp``."""
    return (entry is not None and stamp is not None and entry.stamp == stamp.text and stamp.size <= max_bytes
            and entry.seen_ns - entry.mtime_ns >= RACY_NS)


@dataclass(frozen=True)
class Job:
    """One file to read: ``known`` is the hash the index holds for it (``None``: none)."""

    path: Path
    key: str  #: its path in the corpus, the index's key
    article_id: str
    folder: Path
    max_bytes: int
    stamp: Stamp | None
    known: bytes | None
    rule: AboutRule = field(default_factory=AboutRule)  #: what its articles' ``about`` bits say


@dataclass(frozen=True)
class Outcome:
    """What reading a file gave: a new ``entry``; or ``same`` (the bytes the index holds); or
    ``problem`` (the whole file is unusable: it is not kept in the index and read every run)."""

    key: str
    entry: Entry | None = None
    same: bool = False
    seen_ns: int = 0
    problem: ArticleError | None = None


def jobs_for(paths: Sequence[Path], keys: Sequence[str], folder: Path, entries: dict[str, Entry], max_bytes: int,
             rule: AboutRule | None = None) -> list[Job]:
    """The files of ``paths`` (named ``keys`` in the index: :func:`briefgen.load.relative_name`)
    that the index does not hold as they are now."""
    todo = []
    for path, key in zip(paths, keys, strict=True):
        entry = entries.get(key)
        stamp = Stamp.of(path)
        if not current(entry, stamp, max_bytes):
            todo.append(Job(path, key, corpus_id(path, folder), folder, max_bytes, stamp, entry.sha256 if entry else None,
                            rule or AboutRule()))
    return todo


def read_job(job: Job) -> Outcome:
    """Read one file (in a worker process when ``--jobs`` is above 1)."""
    seen_ns = time.time_ns()
    try:
        raw = read_file(job.path, job.max_bytes, job.folder)
    except ArticleError as problem:
        return Outcome(job.key, problem=problem)
    sha256 = hashlib.sha256(raw).digest()
    if sha256 == job.known:
        return Outcome(job.key, same=True, seen_ns=seen_ns)
    try:
        found = parse_file(raw, job.path, job.article_id, printable(job.path))
    except ArticleError as problem:
        return Outcome(job.key, problem=problem)
    return Outcome(job.key, entry=entry_of(job, sha256, seen_ns, found))


def entry_of(job: Job, sha256: bytes, seen_ns: int, found: FileResult) -> Entry:
    """The index's entry of a file read and parsed."""
    texts = [a.text for a in found.articles]
    shingled = shingles(texts)
    signature = signatures(shingled)
    words = np.diff(shingled.bounds) > 0
    about = job.rule.about(found.articles)  # the same for each article alone
    records = tuple(
        Record(seq, a.id, a.title, a.source, a.date.isoformat() if a.date else None, a.url, text_digest(a.text),
               signature[seq].tobytes(), bool(words[seq]), bits(about[seq]))
        for seq, a in enumerate(found.articles))
    stamp = job.stamp or Stamp(0, 0, "")  # a file that could not be examined: an empty stamp, read again next time
    return Entry(job.key, stamp.size, stamp.mtime_ns, stamp.text, sha256, seen_ns,
                 tuple((p.path, p.reason, p.hint) for p in found.problems), tuple(found.warnings), records)



def bits(flags: Sequence[bool]) -> int:
    """Flags as the bits of an integer (bit ``j``: the ``j``-th flag)."""
    return sum(1 << j for j, flag in enumerate(flags) if flag)


def read_all(jobs: Sequence[Job], workers: int, progress: Progress[Outcome] | None) -> Generator[Outcome, None, None]:
    """:func:`read_job` over ``jobs``, in order, over ``workers`` processes."""
    return iter_items(read_job, jobs, workers, progress)


def refreshed(entry: Entry, job: Job, seen_ns: int) -> Entry:
    """``entry`` for a file whose bytes are unchanged, with its new stamp."""
    stamp = job.stamp or Stamp(0, 0, "")
    return Entry(entry.path, stamp.size, stamp.mtime_ns, stamp.text, entry.sha256, seen_ns, entry.problems,
                 entry.warnings, entry.articles)

