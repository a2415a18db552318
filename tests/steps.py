"""Counting work instead of timing it: the tests check how the work grows with the input, with
counts that do not depend on how busy the machine is (speed itself is measured by `make bench`).
Where the work is in C (a regular expression) and cannot be counted, :func:`hang_stop` keeps an
input that would take hours from stalling the suite."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import briefgen

PACKAGE = str(Path(briefgen.__file__).parent)


def python_steps(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> int:
    """How many lines of briefgen's own code run during ``fn(*args, **kwargs)`` (each loop
    iteration counts again): a measure of work that grows with the input exactly as the code's
    Python loops do, and never with the machine's load."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def scope(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(scope)
    try:
        fn(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return count


def growth(steps: Callable[[int], int], n: int, factor: int = 4) -> float:
    """``steps(factor·n) / steps(n)``: about ``factor`` for linear work, ``factor²`` for quadratic."""
    return steps(factor * n) / steps(n)


class Hang(Exception):
    """Raised by :func:`hang_stop` in a block that ran far longer than it should."""


@contextlib.contextmanager
def hang_stop(seconds: float = 120.0) -> Iterator[None]:
    """Stop a hang from stalling the suite: raise :class:`Hang` in the block when it is still
    running after ``seconds``, set far above what the work takes, so never a measure of speed
    (the tests that use it give inputs whose quadratic reading would take hours). SIGALRM
    interrupts even a regular expression busy in C code. Main thread, POSIX only."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds:.0f} s: a hang")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
