"""The ``briefgen`` command line: thin click commands over the library.

Exit codes: 0 success; 1 unexpected error; 2 usage error; 3 configuration error; 4 input error;
5 nothing to report; 6 rendering error.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from briefgen.config import Options, load_options, parse_formats
from briefgen.errors import BriefgenError
from briefgen.summarize import ALGORITHMS, get_summarizer, summarize_file

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("briefgen")


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


def _setup_logging(quiet: bool = False) -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        log.addHandler(_StderrHandler())
    log.setLevel(logging.ERROR if quiet else logging.WARNING)


def config_option(f: F) -> F:
    return click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
                        help="A TOML file laid over the packaged defaults.")(f)


def _run(action: Callable[[], None]) -> None:
    """Run a command's action; turn briefgen's errors into one line and an exit code."""
    try:
        action()
    except BriefgenError as exc:
        click.echo(f"Error: {exc.message}" + (f"\nHint: {exc.hint}" if exc.hint else ""), err=True)
        sys.exit(exc.exit_code)


def _options(config_file: Path | None) -> Options:
    return load_options(config_file)


class _DateOrLatest(click.ParamType):
    name = "YYYY-MM-DD|latest"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date) or value == "latest":
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not a date: write YYYY-MM-DD or 'latest'", param, ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefgen")
def cli() -> None:
    """Offline daily briefings from a folder of news articles.

    \b
    Example:
        briefgen daily --corpus corpus --out out --date latest --days 7
    """


@cli.command()
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True,
              help="Folder of articles (.txt, .md).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("out"), show_default=True,
              help="Folder the briefing is written to, as OUT/YYYY-MM-DD/briefing.FORMAT.")
@click.option("--date", type=_DateOrLatest(), default=None,
              help="Last day of the window (default: today); 'latest' is the newest article's date.")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Length of the window in days (default 1).")
@click.option("--format", "formats", default=None, help="Comma-separated: md,pdf,html,json (default md,pdf).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@config_option
def daily(corpus: Path, out: Path, date: dt.date | str | None, days: int | None, formats: str | None,
          quiet: bool, config_file: Path | None) -> None:
    """Build the briefing of the articles dated within a window of days.

    \b
    Examples:
        briefgen daily                                  # today's articles in ./corpus
        briefgen daily --date 2026-11-29 --days 7 --format md,pdf,json
        briefgen daily --corpus ~/news --out ~/briefings --config desk.toml
    """
    from briefgen.daily import run_daily

    _setup_logging(quiet)

    def action() -> None:
        options = _options(config_file)
        if formats:
            options = options.with_overrides(formats=parse_formats(formats))
        result = run_daily(corpus, out, options, today=dt.date.today(), date=date, days=days)
        if not quiet:
            b = result.briefing
            click.echo(f"{b.title} for {b.date.isoformat()}: {b.coverage}")
            for path in result.paths:
                click.echo(str(path))
            if result.problems:
                click.echo(f"{len(result.problems)} file(s) skipped, see the warnings above", err=True)

    _run(action)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("-n", "count", type=click.IntRange(min=1), default=3, show_default=True, help="Sentences per summary.")
@click.option("--topic", default=None, help="Bias the summary towards this topic.")
@click.option("--algorithm", type=click.Choice(ALGORITHMS), default="default", show_default=True,
              help="briefgen's ranker, the lead baseline, or one of sumy's summarisers.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def summarize(files: tuple[Path, ...], count: int, topic: str | None, algorithm: str, output_format: str,
              config_file: Path | None) -> None:
    """Summarise articles one by one, each in its own sentences.

    \b
    Examples:
        briefgen summarize corpus/2026-11-27-*.md -n 2
        briefgen summarize article.txt --algorithm textrank --format json
    """
    _setup_logging()

    def action() -> None:
        options = _options(config_file)
        chosen = None
        if topic is not None:
            chosen = next((t for t in options.topics if t.name == topic), None)
            if chosen is None:
                from briefgen.errors import ConfigError
                raise ConfigError(f"unknown topic '{topic}'", f"choose from {', '.join(t.name for t in options.topics)}")
        summarizer = get_summarizer(algorithm, options, chosen)
        for path in files:
            sentences = summarize_file(path, count, summarizer)
            if output_format == "json":
                click.echo(json.dumps({"path": str(path), "sentences": sentences}, ensure_ascii=False))
            else:
                if len(files) > 1:
                    click.echo(f"== {path}")
                for sentence in sentences:
                    click.echo(sentence)
                if len(files) > 1:
                    click.echo()

    _run(action)


@cli.command()
@config_option
def topics(config_file: Path | None) -> None:
    """List the topics in force, with their terms.

    \b
    Example:
        briefgen topics --config desk.toml
    """

    def action() -> None:
        for topic in _options(config_file).topics:
            click.echo(f"{topic.name}: {topic.title}")
            click.echo(f"  terms: {', '.join(topic.terms)}")
            if topic.related:
                click.echo(f"  related: {', '.join(topic.related)}")
            if topic.exclude:
                click.echo(f"  exclude: {', '.join(topic.exclude)}")

    _run(action)
