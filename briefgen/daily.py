"""The daily run: load the corpus (through its index), pick the date window, build the briefing,
archive the files."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen.about import AboutRule
from briefgen.config import Options
from briefgen.corpus_index import CACHE_NAME
from briefgen.errors import ArticleError, ConfigError, NothingToReport
from briefgen.load import newest_date, window
from briefgen.models import Activity, Article, Briefing, History
from briefgen.output.archive import (
    ArchivedBriefing,
    archived,
    check_targets,
    clean_leftovers,
    locked,
    previous,
    reported,
    swap_in,
)
from briefgen.output.render import render_all
from briefgen.output.renderer import rendering
from briefgen.parallel import Progress
from briefgen.pipeline import Window
from briefgen.sources import Source, open_source
from briefgen.stages import Settings
from briefgen.web.chart import merge
from briefgen.web.site import update_links

log = logging.getLogger(__name__)

__all__ = ["DailyResult", "fewer_collections", "newest_date", "resolve_window", "run_daily"]


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
    date's folder is replaced whole in one step (:func:`briefgen.output.archive.swap_in`); when
    ``latest``, the index, the feed and the navigation cannot then be replaced (together:
    :func:`briefgen.web.site.update_links`), the date's previous folder is put back, so a failure
    leaves the archive as it was. Raises :class:`~briefgen.errors.OutputError` when the output
    folder cannot take the files.

    With ``cache`` (a folder), the corpus is read through its index there
    (:mod:`briefgen.corpus_index`): only new and changed files are read, and only the window's
    articles parsed; the briefing is the same as without it. With ``scheduler`` (a Dask
    scheduler's address), the per-article work runs on that cluster (:mod:`briefgen.engine`;
    with ``cache``, this process keeps the index and the workers read only the new and changed
    files, and parse only the window's: :mod:`briefgen.engine.indexed`): the briefing is the
    same again. With ``jobs`` of 2 or more, the PDF and the coverage charts are made by a render
    process that prepares itself while this one makes the briefing
    (:func:`briefgen.output.renderer.rendering`): the files are the same again.
    """
    with fewer_collections():
        if scheduler:
            from briefgen.engine import connected

            with connected(scheduler, options.engine.connect_timeout, options.engine.worker_wait) as cluster:
                return _run(corpus, out, options, today, date, days, jobs, progress, cache, cluster)
        return _run(corpus, out, options, today, date, days, jobs, progress, cache, None)


#: Allocations between two collections of the youngest generation during a run (Python's default: 700).
RUN_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector made to look less often while the block runs, then put
    back as it was. A run makes hundreds of thousands of objects that live until it ends
    (sentences, their words, the window's rows), few of them in cycles; with the default
    thresholds the collector walks them again and again (a sixth of the processor time of a run
    of 2,000 articles). So the youngest generation is collected every
    :data:`RUN_GC_THRESHOLD` allocations, and the objects alive before the block (the modules,
    the options) are set aside from its collections (:func:`gc.freeze`). Cycles are still
    collected."""
    threshold = gc.get_threshold()
    frozen = gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(RUN_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen:
            gc.unfreeze()


def _run(corpus: Path, out: Path, options: Options, today: dt.date, date: dt.date | str | None, days: int | None,
         jobs: int, progress: Callable[[str], Progress[Any]] | None, cache: Path | None, cluster: Any) -> DailyResult:
    """:func:`run_daily`, on the Dask ``cluster`` (:class:`briefgen.engine.Cluster`) when one is given."""
    settings = Settings.of(options)
    # a render process, with --jobs 2 or more, forked before any lock is taken (index.html always draws the chart)
    with rendering(jobs, pdf="pdf" in options.formats, chart=bool(options.topics)) as renderer:
        with _left_as_found(Path(out)):
            source = open_source(corpus, out, options, jobs, progress, cache, cluster)
            articles, start, end = _window_articles(source, corpus, options, today, date, days)
        basename, out = options.output.basename, Path(out)
        with locked(out, options.output.lock_timeout):
            clean_leftovers(out)
            check_targets(out, end)
            existing = archived(out, basename)  # warns once about each record that is not sound
            earlier = previous(existing, end) if options.output.history else None
            history = reported(earlier) if earlier else History()
            briefing = source.briefing(Window(articles, end, start, end, history), settings)
            briefing = replace(briefing, activity=source.corpus.activity(AboutRule(options.topics, options.ranking), end))
            renderer.draw(_charts(briefing.activity, existing, end))
            formats = tuple(dict.fromkeys((*options.formats, "json")))  # the JSON is the archive's record
            rendered = render_all(briefing, formats, options.output.templates, options.output.site_url, basename, renderer.pdf)
            swap = swap_in(out, end, basename, {f"{basename}.{fmt}": data for fmt, data in rendered.items()})
            try:
                update_links(out, basename, options.output.templates, options.output.site_url)
            except BaseException:  # the pages could not follow: the date goes back to what it was too
                swap.undo()
                raise
            swap.finish()
    paths = [p for p in swap.paths if p.suffix[1:] in options.formats]
    log.info("wrote %s (%s)", out / end.isoformat(), briefing.coverage)
    return DailyResult(briefing, paths, articles, source.corpus.problems)


def _charts(activity: Activity | None, existing: list[ArchivedBriefing], end: dt.date) -> list[Activity]:
    """The coverage charts the run will draw: the briefing's, and the index's as it will be once
    the briefing is archived (:func:`briefgen.web.pages.index_html`: the counts of every archived
    briefing, newest first, merged). One the run draws after all (the archive changed) is drawn then."""
    by_date = {b.date: b.briefing.activity for b in existing}
    by_date[end] = activity
    span = merge(a for _, a in sorted(by_date.items(), reverse=True) if a is not None)
    return list(dict.fromkeys(a for a in (activity, span) if a is not None and a.days and a.topics))


def _window_articles(source: Source, corpus: Path, options: Options, today: dt.date, date: dt.date | str | None,
                     days: int | None) -> tuple[list[Article], dt.date, dt.date]:
    """The articles of the window, its first and last day, the corpus's problems warned about;
    :class:`NothingToReport` when the window holds none."""
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
        back = int(date.partition("-")[2] or 0)
        if back > (newest - dt.date.min).days:
            raise ConfigError(f"{date} would be {back} days before {newest.isoformat()}, before the year 1",
                              "pass a smaller N in --date latest-N")
        date = newest - dt.timedelta(days=back)
    assert not isinstance(date, str)
    start, end = resolve_window(date, days, today)
    articles = loaded.in_window(start, end)
    if not articles:
        span = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
        raise NothingToReport(f"no article in {corpus} is dated {span}", loaded.coverage_hint())
    return articles, start, end


@contextlib.contextmanager
def _left_as_found(out: Path) -> Iterator[None]:
    """When the block finds nothing to report, an output folder that did not exist before it is
    not left behind: the corpus index made in it (``OUT/.briefgen``) is removed, then the folder
    and the parents made for it, as far as they are empty. A folder that existed is untouched."""
    new = [folder for folder in (out, *out.parents) if not folder.exists()]
    try:
        yield
    except NothingToReport:
        if new:
            shutil.rmtree(out / CACHE_NAME, ignore_errors=True)
            for folder in new:
                with contextlib.suppress(OSError):
                    folder.rmdir()
        raise
