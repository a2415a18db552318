"""A budget of processor time for one piece of work: reading one article file.

Every reader takes time linear in its input, and the input is capped in size, yet a parser is
third-party code on hostile input: :func:`cpu_budget` stops the work once it has used more than
its seconds of processor time, with :class:`OverBudget`, so that one file can cost a run its
budget but never the run.

How: an interval timer of the process's processor time (``ITIMER_PROF``, user and system time;
a busy machine does not make a file look slower) whose signal handler raises
:class:`OverBudget`. Python runs a signal handler between two steps of its own code, and its
regular-expression engine checks for signals as it works, so a Python parser or a pattern is
stopped at once; C code that does not check (libxml2 parsing a page, libyaml) is stopped when it
returns to Python.

Where no such timer can be set the work runs without a time budget (the size caps still bound
it): in a thread other than the main thread (signal handlers run in the main thread only; a Dask
worker runs its tasks in threads), on a platform without ``setitimer``, or while something else
(a profiler) uses ``SIGPROF``. A worker process of ``--jobs N`` runs its tasks in its main thread,
so the budget holds there.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


class OverBudget(BaseException):
    """The work used more than its ``seconds`` of processor time. A :class:`BaseException`, as
    ``KeyboardInterrupt`` is: a parser's ``except Exception`` must not swallow it and go on."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"over the budget of {seconds:g} s of processor time")
        self.seconds = seconds


def can_budget() -> bool:
    """Whether :func:`cpu_budget` can stop work here (see the module's docstring)."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None)
            and signal.getitimer(signal.ITIMER_PROF)[0] == 0)


@contextlib.contextmanager
def cpu_budget(seconds: float | None) -> Iterator[bool]:
    """Raise :class:`OverBudget` in the block once it has used ``seconds`` of processor time
    (``None`` or 0: no budget). Yields whether the budget is enforced (:func:`can_budget`).
    The timer is stopped and ``SIGPROF``'s handler restored on the way out."""
    if not seconds or not can_budget():
        yield False
        return
    armed = True

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal armed
        if armed:  # a signal that arrives as the block ends is dropped
            armed = False
            raise OverBudget(seconds)

    previous = signal.signal(signal.SIGPROF, stop)
    try:
        signal.setitimer(signal.ITIMER_PROF, seconds)
        yield True
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL if previous is None else previous)
