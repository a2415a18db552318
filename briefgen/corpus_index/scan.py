"""Bringing the index up to date: which files to read again, and what reading one gives.

A file is read again when its ``stat`` stamp (size, modification and change times, inode)
differs from the one the index holds, so a file edited in place with the same size, or replaced
by an older file, is read; so is one changed so soon after the index saw it that the file
system's clock may not show the change (within :data:`RACY_NS`), and one now over the size
limit. A file read again whose bytes hash as before is not parsed again. Files are read in
batches (:data:`READ_BATCH`), whose articles are scored for the coverage chart's topics together;
their texts, and their sentences split for that, are kept for the runs whose window holds them.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from briefgen.about import AboutRule
from briefgen.corpus_index.store import Entry, Held, Kept, Record
from briefgen.dedupe import shingles, signatures
from briefgen.errors import ArticleError
from briefgen.files import printable
from briefgen.load import MAX_SECONDS, FileResult, corpus_id, parse_file, read_file, text_digest
from briefgen.parallel import Progress, iter_items
from briefgen.text.split import Split, packed

RACY_NS = 2_000_000_000  #: a file changed this soon before it was read is checked again next time
READ_BATCH = 64  #: files read in one batch (one task of a worker process), their articles scored together


class Stamp(NamedTuple):
    """A file's ``stat`` as the index compares it (a named tuple: one is made for every file
    read)."""

    size: int
    mtime_ns: int
    text: str

    @classmethod
    def of(cls, path: Path | str) -> Stamp | None:
        """The stamp of the file ``path`` leads to; ``None`` when it cannot be examined."""
        try:
            return cls.of_stat(os.stat(path))
        except (OSError, ValueError):
            return None

    @classmethod
    def of_stat(cls, info: os.stat_result) -> Stamp:
        """The stamp of a file of this ``stat``."""
        return cls(info.st_size, info.st_mtime_ns, stamp_text(info))


def stamp_text(info: os.stat_result) -> str:
    """What the index keeps of a file's ``stat``: size, modification and change times, inode."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def current(held: Held, f: int | None, info: os.stat_result | None, max_bytes: int) -> bool:
    """Whether what the index ``held`` of its ``f``-th file (``None``: it holds none) still
    holds for a file of this ``stat`` (``info``; ``None``: it cannot be examined)."""
    return (f is not None and info is not None and held.stamp[f] == stamp_text(info) and info.st_size <= max_bytes
            and held.seen_ns[f] - held.mtime_ns[f] >= RACY_NS)


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
    max_seconds: float = MAX_SECONDS  #: of processor time to parse it (:func:`briefgen.load.parse_file`)


@dataclass(frozen=True)
class Outcome:
    """What reading a file gave: a new ``entry``; or ``same`` (the bytes the index holds); or
    ``problem`` (the whole file is unusable: it is not kept in the index and read every run).
    :func:`read_job` leaves a file read and parsed as ``found`` (its bytes' ``sha256``), which
    :func:`read_batch` turns into its ``entry``."""

    key: str
    entry: Entry | None = None
    same: bool = False
    seen_ns: int = 0
    problem: ArticleError | None = None
    found: FileResult | None = None
    sha256: bytes = b""


def jobs_for(paths: Sequence[str], keys: Sequence[str], folder: Path, held: Held, where: dict[str, int], max_bytes: int,
             rule: AboutRule | None = None, max_seconds: float = MAX_SECONDS) -> list[Job]:
    """The files of ``paths`` (named ``keys`` in the index: :func:`briefgen.load.relative_name`)
    that the index does not hold as they are now (:func:`current`; ``held``: what it holds,
    ``where``: the place of each file there). Of a file it holds as it is, only its ``stat`` is asked."""
    todo = []
    for name, key in zip(paths, keys, strict=True):
        f = where.get(key)
        try:
            info: os.stat_result | None = os.stat(name)
        except (OSError, ValueError):
            info = None
        if not current(held, f, info, max_bytes):
            path = Path(name)
            todo.append(Job(path, key, corpus_id(path, folder), folder, max_bytes, Stamp.of_stat(info) if info else None,
                            held.sha256[f] if f is not None else None, rule or AboutRule(), max_seconds))
    return todo


def read_job(job: Job) -> Outcome:
    """Read one file: its bytes hashed and, when they are not those the index holds, parsed."""
    seen_ns = time.time_ns()
    try:
        raw = read_file(job.path, job.max_bytes, job.folder)
    except ArticleError as problem:
        return Outcome(job.key, problem=problem)
    sha256 = hashlib.sha256(raw).digest()
    if sha256 == job.known:
        return Outcome(job.key, same=True, seen_ns=seen_ns)
    try:
        found = parse_file(raw, job.path, job.article_id, printable(job.path), job.max_seconds)
    except ArticleError as problem:
        return Outcome(job.key, problem=problem)
    return Outcome(job.key, seen_ns=seen_ns, found=found, sha256=sha256)


def read_batch(jobs: Sequence[Job]) -> list[Outcome]:
    """:func:`read_job` of each of ``jobs`` (in a worker process when ``--jobs`` is above 1), the
    entries of the files parsed made together (:func:`entries_of`)."""
    outcomes = [read_job(job) for job in jobs]
    parsed = [k for k, outcome in enumerate(outcomes) if outcome.found is not None]
    for k, entry in zip(parsed, entries_of([jobs[k] for k in parsed], [outcomes[k] for k in parsed]), strict=True):
        outcomes[k] = Outcome(outcomes[k].key, entry=entry, seen_ns=outcomes[k].seen_ns)
    return outcomes


def entries_of(jobs: Sequence[Job], outcomes: Sequence[Outcome]) -> list[Entry]:
    """The index's entries of files read and parsed (``outcomes`` of :func:`read_job`, of
    ``jobs``, which share their rule). Their articles' signatures and topics are worked out
    for all of them at once: each article's are the same as alone (shingles and signatures are
    per text; :meth:`briefgen.about.AboutRule.about` judges each text by its own sentences),
    but one call a file would pay the fixed cost of scoring every time."""
    found = [outcome.found for outcome in outcomes if outcome.found is not None]
    if not found:
        return []
    articles = [a for one in found for a in one.articles]
    shingled = shingles([a.text for a in articles])
    signature = signatures(shingled)
    words = np.diff(shingled.bounds) > 0
    split = [Split.of(a) for a in articles]  # kept for the split stage, and judged for the chart
    about = (jobs[0].rule if jobs else AboutRule()).about(articles, split)
    packs = [packed(a, one) for a, one in zip(articles, split, strict=True)]
    kept = [Kept(a.text, *pack) if pack is not None else None for a, pack in zip(articles, packs, strict=True)]
    entries, first = [], 0
    for job, outcome, one in zip(jobs, outcomes, found, strict=True):
        records = tuple(
            Record(seq, a.id, a.title, a.source, a.date.isoformat() if a.date else None, a.url, text_digest(a.text),
                   signature[first + seq].tobytes(), int(words[first + seq]), bits(about[first + seq]))
            for seq, a in enumerate(one.articles))
        stamp = job.stamp or Stamp(0, 0, "")  # a file that could not be examined: an empty stamp, read again next time
        entries.append(Entry(job.key, stamp.size, stamp.mtime_ns, stamp.text, outcome.sha256, outcome.seen_ns,
                             tuple((p.path, p.reason, p.hint) for p in one.problems), tuple(one.warnings), records,
                             tuple(kept[first:first + len(one.articles)])))
        first += len(one.articles)
    return entries


def bits(flags: Sequence[bool]) -> int:
    """Flags as the bits of an integer (bit ``j``: the ``j``-th flag)."""
    return sum(1 << j for j, flag in enumerate(flags) if flag)


def read_all(jobs: Sequence[Job], workers: int, progress: Progress[Outcome] | None) -> Generator[Outcome, None, None]:
    """:func:`read_job` over ``jobs``, in order, over ``workers`` processes, in batches of at
    most :data:`READ_BATCH` files (:func:`read_batch`; smaller when there are few files, so that
    each worker gets several); ``progress`` counts files. Closing the stream early stops the workers."""
    size = max(1, min(READ_BATCH, -(-len(jobs) // (max(workers, 1) * 4))))
    batches = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    stream = iter_items(read_batch, batches, workers)
    try:
        outcomes = itertools.chain.from_iterable(stream)
        yield from progress(outcomes, len(jobs)) if progress else outcomes
    finally:
        stream.close()


def refreshed(entry: Entry, job: Job, seen_ns: int) -> Entry:
    """``entry`` for a file whose bytes are unchanged, with its new stamp."""
    stamp = job.stamp or Stamp(0, 0, "")
    return Entry(entry.path, stamp.size, stamp.mtime_ns, stamp.text, entry.sha256, seen_ns, entry.problems,
                 entry.warnings, entry.articles)

