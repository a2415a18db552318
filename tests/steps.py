"""Counting work instead of timing it: the tests check how the work grows with the input, with
counts that do not depend on how busy the machine is (speed itself is measured by `make bench`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
