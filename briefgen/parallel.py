"""Run a function over many items, in worker processes when asked to (``--jobs N``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[Iterable[R], int], Iterator[R]]  #: wraps a stream of results, given its length


def map_items(fn: Callable[[T], R], items: Sequence[T], jobs: int = 1, progress: Progress[R] | None = None) -> list[R]:
    """``[fn(x) for x in items]``, in order, over ``jobs`` processes (1: in this process).

    ``fn`` must be a module-level function when ``jobs > 1``. ``progress`` wraps the stream of
    results (e.g. a progress bar).
    """
    return list(iter_items(fn, items, jobs, progress))


def iter_items(fn: Callable[[T], R], items: Sequence[T], jobs: int = 1, progress: Progress[R] | None = None) -> Iterator[R]:
    """:func:`map_items` as a stream: each result as soon as it and those before it are done,
    so that the caller can use (and drop) them as they come."""
    if jobs <= 1 or len(items) < 2 * jobs:
        results: Iterable[R] = map(fn, items)
        yield from progress(results, len(items)) if progress else results
        return
    chunk = max(1, min(256, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(fn, items, chunksize=chunk)
        yield from progress(results, len(items)) if progress else results
