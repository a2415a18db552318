"""The daily run: load the corpus (through its index), pick the date window, build the briefing,
archive the files."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen.config import Options
from briefgen.errors import ArticleError, NothingToReport
from briefgen.load import newest_date, window
from briefgen.models import Article, Briefing, History
from briefgen.output.archive import (
    archived,
    check_targets,
    clean_leftovers,
    locked,
    previous,
    publish,
    reported,
)
from briefgen.output.render import render_all
from briefgen.parallel import Progress
from briefgen.pipeline import Window
from briefgen.sources import open_source
from briefgen.stages import Settings
from briefgen.web.site import update_links

log = logging.getLogger(__name__)

__all__ = ["DailyResult", "newest_date", "resolve_window", "run_daily"]


@dataclass
class DailyResult:
    briefing: Briefing
    paths: list[Path]  #: the files of the requested formats
    articles: list[Article]
    problems: list[ArticleError] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """Some article files could not be read."""
        return bool(self.problems)


def resolve_window(date: dt.date | None, days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The window's first and last day (:func:`briefgen.load.window`). ``date=None`` means today."""
    return window(date or today, days)


def run_daily(
    corpus: Path,
    out: Path,
    options: Options,
    today: dt.date,
    date: dt.date | str | None = None,
    days: int | None = None,
    jobs: int = 1,
    progress: Callable[[str], Progress[Any]] | None = None,
    cache: Path | None = None,
    scheduler: str | None = None,
) -> DailyResult:
    """Build the briefing of the ``days`` ending on ``date`` (``"latest"``: the newest article's
    date; ``"latest-N"``: N days before it) and archive it as ``out/YYYY-MM-DD/<basename>.<format>``, under the output folder's lock.

    Unless ``options.output.history`` is off, what the previous briefing in the archive reported
    is not repeated (a record that is not sound is skipped with a warning). The briefing carries
    the coverage chart's counts: the corpus's articles per topic over the 14 days up to ``date``
    (:func:`briefgen.coverage.activity`). What a killed run left behind is cleaned up first. Everything is rendered before anything is written, and the
    date's folder is replaced whole in one step (:func:`briefgen.output.archive.publish`), so a failure
    leaves the archive as it was. Raises :class:`~briefgen.errors.OutputError` when the output
    folder cannot take the files.

    With ``cache`` (a folder), the corpus is read through its index there
    (:mod:`briefgen.corpus_index`): only new and changed files are read, and only the window's
    articles parsed; the briefing is the same as without it. With ``scheduler`` (a Dask
    scheduler's address), the per-article work runs on that cluster (:mod:`briefgen.engine`;
    the index is not used): the briefing is the same again.
    """
    if scheduler:
        from briefgen.engine import connected

        with connected(scheduler, options.engine.connect_timeout, options.engine.worker_wait) as cluster:
            return _run(corpus, out, options, today, date, days, jobs, progress, None, cluster)
    return _run(corpus, out, options, today, date, days, jobs, progress, cache, None)


def _run(corpus: Path, out: Path, options: Options, today: dt.date, date: dt.date | str | None, days: int | None,
         jobs: int, progress: Callable[[str], Progress[Any]] | None, cache: Path | None, cluster: Any) -> DailyResult:
    """:func:`run_daily`, on the Dask ``cluster`` (:class:`briefgen.engine.Cluster`) when one is given."""
    settings = Settings.of(options)
    source = open_source(corpus, out, options, jobs, progress, cache, cluster)
    loaded = source.corpus
    for problem in loaded.problems:
        log.warning("skipped %s", problem)
    for warning in loaded.warnings:
        log.warning("%s", warning)
    days = days or options.days
    if isinstance(date, str):  # "latest", or "latest-N": N days before the newest article's date
        newest = loaded.newest_date()
        if newest is None:
            raise NothingToReport(f"no dated article in {corpus}", loaded.coverage_hint())
        date = newest - dt.timedelta(days=int(date.partition("-")[2] or 0))
    assert not isinstance(date, str)
    start, end = resolve_window(date, days, today)
    articles = loaded.in_window(start, end)
    if not articles:
        span = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
        raise NothingToReport(f"no article in {corpus} is dated {span}", loaded.coverage_hint())
    basename, out = options.output.basename, Path(out)
    with locked(out, options.output.lock_timeout):
        clean_leftovers(out)
        check_targets(out, end)
        existing = archived(out, basename)  # warns once about each record that is not sound
        earlier = previous(existing, end) if options.output.history else None
        history = reported(earlier) if earlier else History()
        briefing = source.briefing(Window(articles, end, start, end, history), settings)
        briefing = replace(briefing, activity=loaded.activity(options.topics, end))
        formats = tuple(dict.fromkeys((*options.formats, "json")))  # the JSON is the archive's record
        rendered = render_all(briefing, formats, options.output.templates)
        written = publish(out, end, basename, {f"{basename}.{fmt}": data for fmt, data in rendered.items()})
        update_links(out, basename, options.output.templates)
    paths = [p for p in written if p.suffix[1:] in options.formats]
    log.info("wrote %s (%s)", out / end.isoformat(), briefing.coverage)
    return DailyResult(briefing, paths, articles, loaded.problems)
