"""Run a function over many items, in worker processes when asked to (``--jobs N``).

No worker outlives the process that started it, whatever ends that process: each worker asks
the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG`` on Linux) and, everywhere, a
watchdog thread in it ends it once its parent is gone. This matters because a worker is forked
while the run holds its locks (the output folder's, the corpus index's): a forked process shares
the parent's lock, and a worker left blocked on its pipe after ``kill -9`` would hold it forever.
Workers ignore Ctrl-C and SIGTERM; the parent stops them when it is interrupted or fails.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[Iterable[R], int], Iterator[R]]  #: wraps a stream of results, given its length

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  #: from <linux/prctl.h>
_WATCH_EVERY = 0.5  #: seconds between a worker's checks that its parent is alive (where there is no prctl)


def map_items(fn: Callable[[T], R], items: Sequence[T], jobs: int = 1, progress: Progress[R] | None = None) -> list[R]:
    """``[fn(x) for x in items]``, in order, over ``jobs`` processes (1: in this process).

    ``fn`` must be a module-level function when ``jobs > 1``. ``progress`` wraps the stream of
    results (e.g. a progress bar).
    """
    return list(iter_items(fn, items, jobs, progress))


def iter_items(fn: Callable[[T], R], items: Sequence[T], jobs: int = 1, progress: Progress[R] | None = None) -> Generator[R, None, None]:
    """:func:`map_items` as a stream: each result as soon as it and those before it are done,
    so that the caller can use (and drop) them as they come. When the stream ends early (an
    error, Ctrl-C, SIGTERM made an exception by the command line), the workers are stopped at
    once instead of finishing the work queued for them."""
    if jobs <= 1 or len(items) < 2 * jobs:
        results: Iterable[R] = map(fn, items)
        yield from progress(results, len(items)) if progress else results
        return
    chunk = max(1, min(256, len(items) // (jobs * 8)))
    # forked on Linux (Python 3.14 would otherwise start them from a fork server, not from this process)
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=bind_to_parent, initargs=(os.getpid(),))
    try:
        with signals_held():  # the workers start here: see signals_held
            results = pool.map(fn, items, chunksize=chunk)
        yield from progress(results, len(items)) if progress else results
    except BaseException:
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_STOPPING = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while the workers are forked, and deliver them after: an
    exception a handler raises while Python runs its fork hooks is printed and dropped ("Exception
    ignored"), and the run would go on. Each worker starts with them held too, until
    :func:`bind_to_parent` has set its own handlers."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers now (the standard library offers no public way before 3.14).

    The work items whose futures are already cancelled (the interrupted ``map`` cancels what it
    did not reach) are dropped first: the pool's manager thread marks every pending item broken
    when its workers die, and on Python 3.11 a cancelled one raises ``InvalidStateError`` there,
    printed as a traceback under the user's ``Error: interrupted``. Dropping races with the
    manager thread's own bookkeeping (a ``KeyError`` one run in a few dozen), so what that thread
    raises from now on goes to the log (:func:`_quiet_when_stopped`), not to the terminal."""
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        _stopped_managers.add(manager)
        if threading.excepthook is not _quiet_when_stopped:
            threading.excepthook = _quiet_when_stopped
    pending = getattr(pool, "_pending_work_items", None) or {}
    for key, item in list(pending.items()):
        if item.future.cancelled():
            pending.pop(key, None)
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.kill()


_stopped_managers: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_default_excepthook = threading.excepthook


def _quiet_when_stopped(args: threading.ExceptHookArgs) -> None:
    """What a stopped pool's manager thread raises while its workers are killed under it (its
    bookkeeping races with :func:`_stop`'s: a ``KeyError`` for a dropped item, an
    ``InvalidStateError``) is logged for the log file, not printed under the user's error; any
    other thread's exception is printed as Python would."""
    if args.thread is not None and args.thread in _stopped_managers:
        log.debug("the stopped worker pool's manager thread ended with %s: %s", args.exc_type.__name__, args.exc_value)
        return
    _default_excepthook(args)


def bind_to_parent(parent: int) -> None:
    """A worker's initializer: make this process die when ``parent`` does (see the module's
    docstring), and leave Ctrl-C and SIGTERM to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request above was made
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="briefgen-parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    """End this process once ``parent`` is gone (then another process adopts it)."""
    while os.getppid() == parent:
        time.sleep(_WATCH_EVERY)
    os._exit(1)
