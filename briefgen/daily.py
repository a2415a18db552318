"""The daily run: load the corpus, pick the date window, build the briefing, write the files.

Every file is written under a temporary name and renamed into place, so a run that fails at
any point leaves the previous briefing of that date whole.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.config import Options
from briefgen.errors import ArticleError, NothingToReport
from briefgen.load import in_window, load_corpus
from briefgen.models import Article, Briefing
from briefgen.parallel import Progress
from briefgen.pipeline import build_briefing
from briefgen.render import render_all

log = logging.getLogger(__name__)


@dataclass
class DailyResult:
    briefing: Briefing
    paths: list[Path]
    articles: list[Article]
    problems: list[ArticleError] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)


def resolve_window(date: dt.date | None, days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The window's first and last day. ``date=None`` means today."""
    end = date or today
    return end - dt.timedelta(days=days - 1), end


def newest_date(articles: Sequence[Article]) -> dt.date | None:
    dates = [a.date for a in articles if a.date is not None]
    return max(dates) if dates else None


def _coverage_hint(articles: Sequence[Article]) -> str:
    dates = sorted({a.date for a in articles if a.date is not None})
    if not dates:
        return "no article in the corpus has a date: add `date:` front matter or a YYYY-MM-DD file name prefix"
    return f"the corpus covers {dates[0].isoformat()} to {dates[-1].isoformat()}: pass --date in that range or a larger --days"


def run_daily(
    corpus: Path,
    out: Path,
    options: Options,
    today: dt.date,
    date: dt.date | str | None = None,
    days: int | None = None,
    jobs: int = 1,
    progress: Progress[Any] | None = None,
) -> DailyResult:
    """Build and write the briefing of the ``days`` ending on ``date`` (``"latest"``: the newest
    article's date). Files go to ``out/YYYY-MM-DD/briefing.<format>``. ``jobs`` worker processes
    load the files; ``progress`` wraps the stream of loaded files (e.g. a progress bar)."""
    loaded = load_corpus(corpus, jobs=jobs, progress=progress)
    for problem in loaded.problems:
        log.warning("skipped %s", problem)
    days = days or options.days
    if date == "latest":
        date = newest_date(loaded.articles)
        if date is None:
            raise NothingToReport(f"no dated article in {corpus}", _coverage_hint(loaded.articles))
    assert not isinstance(date, str)
    start, end = resolve_window(date, days, today)
    articles = in_window(loaded.articles, start, end)
    if not articles:
        span = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
        raise NothingToReport(f"no article in {corpus} is dated {span}", _coverage_hint(loaded.articles))
    briefing = build_briefing(articles, options, end, start, end, jobs=jobs)
    rendered = render_all(briefing, options.formats)
    folder = Path(out) / end.isoformat()
    paths = [write_atomic(folder / f"briefing.{fmt}", data) for fmt, data in rendered.items()]
    return DailyResult(briefing, paths, articles, loaded.problems, loaded.undated)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
