"""The corpus index: a run re-reads only the files that are new or changed since the last one.

A daily run over a corpus that grows every day would otherwise read and parse every file each
morning to brief one day of it. :func:`open_corpus` keeps an index of the corpus folder (one
SQLite file, :mod:`~briefgen.corpus_index.store`, in ``OUT/.briefgen/`` or ``--cache DIR``),
brings it up to date by reading only the files whose ``stat`` changed
(:mod:`~briefgen.corpus_index.scan`), and returns an :class:`IndexedCorpus`
(:mod:`~briefgen.corpus_index.window`) that parses only the window's articles and what
de-duplication needs. The corpus folder is only ever read.

The index is a cache, never the truth: the briefing is the same, to the byte, with it or
without it, and whatever happens to the index (deleted, damaged, of another version, held by
another run) the run goes on: rebuilding it, waiting for it, or reading the corpus without it,
with a warning.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.about import AboutRule
from briefgen.corpus_index.scan import Job, Outcome, jobs_for, read_all, refreshed
from briefgen.corpus_index.store import FILE_NAME, Entry, Held, IndexStore, IndexUnavailable
from briefgen.corpus_index.window import IndexedCorpus
from briefgen.errors import ArticleError
from briefgen.files import printable
from briefgen.load import (
    MAX_SECONDS,
    SUFFIXES,
    LoadResult,
    corpus_names,
    load_corpus,
    relative_name,
)
from briefgen.parallel import Progress

__all__ = ["CACHE_NAME", "Indexed", "IndexedCorpus", "Reader", "cache_folder", "indexed_files", "open_corpus"]

log = logging.getLogger(__name__)

CACHE_NAME = ".briefgen"  #: the index's folder in the output folder, unless ``--cache DIR``
BATCH = 500  #: files written to the index in one transaction while it is built


def cache_folder(out: Path, configured: str = "") -> Path:
    """The folder of the corpus index: ``configured`` (``[cache] dir`` or ``--cache``), else
    ``OUT/.briefgen``."""
    return Path(configured).expanduser() if configured else Path(out) / CACHE_NAME


@dataclass(frozen=True)
class Indexed:
    """The corpus folder as its index holds it once brought up to date (what
    :class:`IndexedCorpus` is made of)."""

    paths: list[str]  #: the corpus's files, in corpus order
    held_paths: list[str]  #: the files the index holds (those that can be used), in corpus order
    held: Held  #: what it holds of them, in that order
    problems: list[ArticleError]
    warnings: list[str]


Reader = Callable[[Sequence[Job]], Generator[Outcome, None, None]]
"""Reads the files of the jobs given (:func:`~briefgen.corpus_index.scan.read_batch` over them)
and yields their outcomes in order; closing the stream early stops the reading."""


def open_corpus(folder: Path, cache: Path, max_bytes: int, timeout: float = 300.0, jobs: int = 1,
                progress: Callable[[str], Progress[Any]] | None = None, reported: Path | None = None,
                rule: AboutRule | None = None, max_seconds: float = MAX_SECONDS) -> IndexedCorpus | LoadResult:
    """The corpus ``folder`` through its index in the folder ``cache``: new and changed files
    read (over ``jobs`` processes, with a ``progress("Indexing articles")`` bar), the index
    updated. When the index cannot be used, a warning says why and the corpus is loaded whole
    (:func:`briefgen.load.load_corpus`). Raises :class:`~briefgen.errors.InputError` as
    ``load_corpus`` does for a corpus folder that cannot be read at all.

    ``reported``: a folder whose own problems the caller reports (the output folder, which holds
    the index by default): when the index's folder cannot be made because that one cannot, the
    message is left to the caller. ``rule``: the coverage chart's (:meth:`IndexedCorpus.activity`);
    whether each article is about each topic by it is kept in the index. ``max_bytes`` and
    ``max_seconds``: the limits of one file (:func:`briefgen.load.parse_file`)."""
    rule = rule or AboutRule()

    def read(todo: Sequence[Job]) -> Generator[Outcome, None, None]:
        return read_all(todo, jobs, progress("Indexing articles") if progress else None)

    found = indexed_files(folder, cache, max_bytes, timeout, read, reported, rule, max_seconds)
    if found is None:
        return load_corpus(folder, jobs=jobs, progress=progress("Loading articles") if progress else None,
                           max_bytes=max_bytes, max_seconds=max_seconds)
    return IndexedCorpus(Path(folder), found.held_paths, found.held, found.problems, found.warnings, max_bytes, jobs,
                         progress, rule.key(), max_seconds, Path(cache), timeout)


def indexed_files(folder: Path, cache: Path, max_bytes: int, timeout: float, read: Reader, reported: Path | None,
                  rule: AboutRule, max_seconds: float = MAX_SECONDS) -> Indexed | None:
    """The corpus ``folder`` listed and its index in the folder ``cache`` brought up to date,
    the files that are new or changed read by ``read`` (here, in processes of this machine, or
    on a Dask cluster's workers: :mod:`briefgen.engine.indexed`) and their entries saved. ``None``
    (with a warning, or an info line when ``reported`` explains it) when the index cannot be
    used: the caller reads the corpus whole. ``reported``, ``rule`` and ``max_seconds``: as :func:`open_corpus`."""
    folder = Path(folder)
    problems: list[ArticleError] = []
    paths = corpus_names(folder, SUFFIXES, problems)
    try:
        with IndexStore.open(cache, folder, timeout, rule.key()) as store:
            return _update(store, folder, paths, max_bytes, read, rule, max_seconds, problems)
    except IndexUnavailable as exc:
        unusable = exc.folder and reported is not None and not Path(reported).is_dir()
        (log.info if unusable else log.warning)("cannot use the corpus index %s: %s; reading the whole corpus",
                                                printable(Path(cache) / FILE_NAME), exc)
        return None


def _update(store: IndexStore, folder: Path, paths: list[str], max_bytes: int, read: Reader,
            rule: AboutRule, max_seconds: float, problems: list[ArticleError]) -> Indexed:
    """The corpus as the index holds it once brought up to date (``problems``: those of listing
    it, to which each file's are added in corpus order): files read again (by ``read``) as
    :func:`~briefgen.corpus_index.scan.jobs_for` says, written in batches of :data:`BATCH` (an
    interrupted build keeps what it did), files gone forgotten; then the index's snapshot
    written (:meth:`IndexStore.keep`) when the index changed or had none."""
    known = store.held
    where = {key: f for f, key in enumerate(known.path)}  #: each file's place in ``known``
    keys = [relative_name(p, folder) for p in paths]
    todo = jobs_for(paths, keys, folder, known, where, max_bytes, rule, max_seconds)
    if todo:
        log.info("corpus index: reading %d of %d files", len(todo), len(paths))
    found: dict[str, Entry | ArticleError] = {}
    changed: list[Entry] = []
    writable = True
    listed = set(keys)
    gone = [key for key in known.path if key not in listed]
    touched = bool(gone)
    jobs_by_key = {job.key: job for job in todo}
    with contextlib.closing(read(todo)) as outcomes:  # an interruption stops the workers
        for outcome in outcomes:
            if outcome.problem is not None:
                found[outcome.key] = outcome.problem
                if outcome.key in where:
                    gone.append(outcome.key)
                    touched = True
            else:
                entry = outcome.entry or refreshed(known.entry(where[outcome.key]), jobs_by_key[outcome.key],
                                                   outcome.seen_ns)
                found[outcome.key] = entry
                changed.append(entry)
                touched = True
            if writable and len(changed) + len(gone) >= BATCH:
                writable = _save(store, changed, gone)
                changed, gone = [], []
    if writable and (changed or gone):
        writable = _save(store, changed, gone)
    fresh = [entry for entry in found.values() if isinstance(entry, Entry)]
    fresh_at = {entry.path: len(known) + k for k, entry in enumerate(fresh)}
    taken: list[int] = []  #: of the files held, each one's place in ``known`` followed by ``fresh``
    held_paths: list[str] = []
    warnings: list[str] = []
    for path, key in zip(paths, keys, strict=True):
        now = found.get(key)
        if isinstance(now, ArticleError):
            problems.append(now)
            continue
        f = fresh_at[key] if now is not None else where.get(key)
        if f is None:
            continue
        taken.append(f)
        held_paths.append(path)
        noted, warned = (now.problems, now.warnings) if now is not None else known.noted(f)
        problems.extend(ArticleError(at, reason, hint) for at, reason, hint in noted)
        warnings.extend(warned)
    held = known.joined(Held.of(fresh)).taken(taken)
    if writable and (touched or not store.whole):
        _save(store, [], [], held)
    return Indexed(paths, held_paths, held, problems, warnings)


def _save(store: IndexStore, changed: list[Entry], gone: list[str], snapshot: Held | None = None) -> bool:
    """Write to the index (``changed`` and ``gone``: :meth:`IndexStore.save`; or the
    ``snapshot`` of all it holds: :meth:`IndexStore.keep`); a failure (another program holds
    it, a full disk) is a warning, and this run goes on with what it read. Whether it could be written."""
    try:
        if snapshot is not None:
            store.keep(snapshot)
        else:
            store.save(changed, gone)
    except sqlite3.Error as exc:
        log.warning("cannot update the corpus index %s (%s): this run goes on without saving what it read",
                    printable(store.path), exc)
        return False
    return True

