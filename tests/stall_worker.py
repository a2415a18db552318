"""A Dask worker preload for tests/test_engine.py (``dask worker … --preload tests/stall_worker.py``):
the task function named by ``$BRIEFGEN_STALL`` (``module:function``, e.g.
``briefgen.stages:split_part``) is replaced, on this worker only, by one that writes the
worker process's id to the file ``$BRIEFGEN_STALL_STARTED`` and then never returns — once: when
the file is there already, the function runs as it is (a worker started again after the kill).
The test learns from the file that the run is under way on the cluster, and kills the worker (or
interrupts the driver) at that moment. With ``$BRIEFGEN_STALL_KILLS`` set, the function kills
its worker process instead, every time it runs (a task that takes more memory than a worker has).
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import time
from pathlib import Path
from typing import Any


def dask_setup(worker: Any) -> None:
    module_name, _, name = os.environ["BRIEFGEN_STALL"].partition(":")
    module = importlib.import_module(module_name)
    started = Path(os.environ["BRIEFGEN_STALL_STARTED"])

    original = getattr(module, name)

    @functools.wraps(original)
    def stalled(*args: Any, **kwargs: Any) -> Any:
        if os.environ.get("BRIEFGEN_STALL_KILLS"):
            started.write_text(str(os.getpid()), encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        if started.exists():
            return original(*args, **kwargs)
        started.write_text(str(os.getpid()), encoding="utf-8")
        while True:
            time.sleep(1)

    setattr(module, name, stalled)
