"""Scale-out on Dask distributed: ``briefgen daily --scheduler ADDRESS`` (or ``[engine]
scheduler``) sends the per-article work to a Dask cluster.

The workers read and parse the corpus's files and compute each article's near-duplicate
signature (:mod:`~briefgen.engine.tasks`); they split the window's articles into sentences,
weigh and score each sentence against each topic, and send back each run of articles'
likeliest candidates (the stage functions of :mod:`briefgen.stages`, which a run on one
machine calls too). The driver — the ``briefgen`` process — finds the groups of
near-duplicates from the signatures (:mod:`~briefgen.engine.corpus`), reduces the window's
term statistics, merges the runs' candidates, groups the stories, ranks, selects and renders
(:func:`briefgen.pipeline.brief_parts`, as a run on one machine does; the tasks submitted by
:mod:`~briefgen.engine.briefing`). It never holds the articles' text: only metadata, one
signature an article, each window article's title and lead (for the stories), and the text of
the candidates. The briefing is the same, to the byte, as
a run on one machine. The corpus folder must be readable by every worker at the same path (a
shared file system). Needs the ``dask`` extra: ``pip install 'briefgen[dask]'``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from briefgen.errors import ConfigError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0  #: seconds to reach the scheduler


@contextlib.contextmanager
def connected(address: str, timeout: float | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://host:8786``), closed
    at the end; ``timeout``: seconds to reach it (default :data:`CONNECT_TIMEOUT`). Raises :class:`~briefgen.errors.ConfigError` when Dask is not installed or the
    scheduler cannot be reached."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ConfigError("--scheduler needs Dask distributed, which is not installed",
                          "pip install 'briefgen[dask]' (or leave out --scheduler and [engine] scheduler)") from exc
    try:
        client = Client(address, timeout=timeout or CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}",
                          "start it (`dask scheduler`) and its workers (`dask worker ADDRESS`), "
                          "or check --scheduler / [engine] scheduler") from exc
    try:
        log.info("Dask scheduler %s: %d workers", address, len(client.scheduler_info().get("workers", {})))
        yield client
    finally:
        client.close()
