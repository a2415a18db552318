"""The ``briefgen`` command line: thin click commands over the library.

Exit codes: 0 success; 1 unexpected error; 2 usage error; 3 configuration error (including an
optional extra that is not installed); 4 input error; 5 nothing to report; 6 rendering error;
7 delivery failure; 8 lock timeout; 9 partial success (the briefing was written, but some article
files were skipped; or `fetch` fetched, but some sources failed); 10 output error (the output
folder, or the corpus `fetch` writes to, cannot take the files); 11 `fetch` failed: every
source failed; 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).

Only click, the configuration and the errors are imported here: each command imports the stages
it runs (NumPy, SciPy, WeasyPrint, sumy…) when it runs, so ``briefgen --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from briefgen.algorithms import ALGORITHMS, DEFAULT_SYSTEMS
from briefgen.config import (
    FORMATS,
    RANGES,
    Options,
    declared_default,
    default_config_path,
    fetch_only,
    is_fetch_url,
    load_options,
    parse_formats,
)
from briefgen.errors import (
    ArticleError,
    BriefgenError,
    ConfigError,
    InputError,
    NothingToReport,
    OutputError,
)
from briefgen.files import printable

if TYPE_CHECKING:
    from briefgen.models import Article

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("briefgen")


PARTIAL_SUCCESS = 9
DAYS = RANGES["briefing.days"]  #: --days takes what the config's briefing.days may be
FETCH_FAILED = 11  #: `briefgen fetch`: every feed and page failed
INTERRUPTED = 130  #: the shell's status for a process stopped by SIGINT (128 + 2)
TERMINATED = 143  #: the shell's status for a process stopped by SIGTERM (128 + 15)
#: every file suffix the corpus reader takes (``briefgen.load.SUFFIXES``; a test keeps them equal)
CORPUS_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl")
STDIN = "-"
#: optional dependencies: top-level module → (extra, package on PyPI, what needs it)
EXTRAS = {
    "rouge_score": ("eval", "rouge-score", "ROUGE scoring"),
    "sklearn": ("learn", "scikit-learn", "training or applying a topic model"),
}


class _StderrHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


def _setup_logging(quiet: bool = False, log_file: Path | None = None) -> None:
    """Warnings to stderr (errors only with ``quiet``); everything from INFO up, with
    timestamps, to ``log_file``."""
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    stderr = _StderrHandler()
    stderr.setLevel(logging.ERROR if quiet else logging.WARNING)
    log.addHandler(stderr)
    log.setLevel(logging.WARNING)
    if log_file is not None:
        try:
            file_handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot open the log file {printable(log_file)}: {exc.strerror or exc}",
                  f"create its folder {printable(log_file.parent)} and make it writable for this user, "
                  "or choose another --log-file", OutputError.exit_code)
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        file_handler.setLevel(logging.INFO)
        log.addHandler(file_handler)
        log.setLevel(logging.INFO)


class _Path(click.Path):
    """click's path type that also refuses, as a usage error (exit 2), an empty path (an unset
    variable, ``--out "$OUT"``, would otherwise mean the working folder) and a path the system
    cannot even look up (a name too long; a loop of symbolic links is left to the command, which
    names it)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str | os.PathLike) and os.fspath(value) == "":
            self.fail("an empty path (an unset variable?)", param, ctx)
        if isinstance(value, str | os.PathLike) and not (self.allow_dash and os.fspath(value) == STDIN):
            try:
                os.stat(value)
            except OSError as exc:
                if exc.errno == errno.ENAMETOOLONG:
                    self.fail(f"cannot use '{printable(os.fspath(value))[:80]}': {exc.strerror}", param, ctx)
            except ValueError:  # a NUL byte
                self.fail("a path cannot hold a NUL character", param, ctx)
        return super().convert(value, param, ctx)


def log_file_option(f: F) -> F:
    return click.option("--log-file", type=_Path(path_type=Path, dir_okay=False), default=None,
                        help="Append a timestamped log of the run to this file.")(f)


def config_option(f: F) -> F:
    return click.option("--config", "config_file", type=_Path(path_type=Path, dir_okay=False),
                        help="A TOML file laid over the packaged defaults.")(f)


def _fail(message: str, hint: str | None, code: int) -> None:
    """Print ``Error: message`` and ``Hint: hint`` on stderr (and to the log file, if any), control
    characters escaped (a mistyped value may hold any); exit."""
    message, hint = printable(message), printable(hint) if hint else hint  # no control character reaches the terminal
    record = log.makeRecord(log.name, logging.ERROR, __file__, 0, "%s%s", (message, f" (hint: {hint})" if hint else ""), None)
    for handler in log.handlers:
        if isinstance(handler, logging.FileHandler):  # stderr gets the Error: line below, once
            handler.handle(record)
    click.echo(f"Error: {message}" + (f"\nHint: {hint}" if hint else ""), err=True)
    sys.exit(code)


def _run(action: Callable[[], int | None]) -> None:
    """Run a command's action; turn briefgen's errors into one line and an exit code."""
    try:
        code = action()
    except BriefgenError as exc:
        _fail(exc.message, exc.hint, exc.exit_code)
    if code:
        sys.exit(code)


def _options(config_file: Path | None) -> Options:
    """The options in force: ``--config``, else the file found by :func:`default_config_path`."""
    return load_options(config_file if config_file is not None else default_config_path(os.environ))


class UsageError(click.UsageError):
    """A usage error with briefgen's hint (click's own errors get a hint made from the option)."""

    def __init__(self, message: str, hint: str, ctx: click.Context | None = None) -> None:
        super().__init__(message, ctx)
        self.hint = hint


def _usage_hint(exc: click.UsageError) -> str:
    if isinstance(exc, UsageError):
        return exc.hint
    where = exc.ctx.command_path if exc.ctx else "briefgen"
    param = getattr(exc, "param", None)
    help_text = getattr(param, "help", None)
    if param is not None and help_text:
        return f"{', '.join(param.opts)}: {help_text.rstrip('.')}; see '{where} --help'"
    return f"see '{where} --help'"


#: what click (8.2 and later) raises for `briefgen` alone; earlier versions print the help themselves
_NO_ARGS_IS_HELP: tuple[type[Exception], ...] = tuple(
    getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",) if hasattr(click.exceptions, name))


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, ``docker stop``, systemd), raised in the main thread so that a run
    stops as it does on Ctrl-C: its worker processes stopped, its locks released, its files whole."""


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while the command runs (in the main thread only,
    where Python lets a handler be set)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


class BriefgenGroup(click.Group):
    """click's group with briefgen's conventions: every error, click's usage errors included, is
    one ``Error:`` line and a ``Hint:`` line on stderr with a documented exit status; Ctrl-C is
    ``Error: interrupted`` and status 130, SIGTERM ``Error: terminated`` and status 143, both
    after the same clean-up; a missing optional extra names the extra to install."""

    group_class = type  # subgroups (`briefgen eval`) follow the same conventions

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            with _sigterm_as_interrupt():
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            if isinstance(exc, _NO_ARGS_IS_HELP):  # `briefgen` alone prints the help
                exc.show()
                sys.exit(exc.exit_code)
            _fail(" ".join(exc.format_message().split()), _usage_hint(exc), exc.exit_code)
        except click.Abort:
            _fail("interrupted", None, INTERRUPTED)
        except click.ClickException as exc:
            _fail(" ".join(exc.format_message().split()), None, exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Terminated:
            _fail("terminated (SIGTERM)", None, TERMINATED)
        except KeyboardInterrupt:
            if sys.stderr.isatty():
                click.echo(err=True)  # end the line the terminal's ^C is on
            _fail("interrupted", None, INTERRUPTED)
        except ModuleNotFoundError as exc:
            top = (exc.name or "").partition(".")[0]
            if top not in EXTRAS:
                raise
            extra, package, purpose = EXTRAS[top]
            command = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            _fail(f"{command} needs the '{extra}' extra for {purpose} ({package} is not installed)",
                  f"pip install 'briefgen[{extra}]'", ConfigError.exit_code)


class _DateOrLatest(click.ParamType):
    """A date as YYYY-MM-DD, or ``latest`` in any case (returned as ``"latest"``); with
    ``offsets``, also ``latest-N``, N days before it (returned as ``"latest-N"``)."""

    def __init__(self, offsets: bool = False) -> None:
        self.offsets = offsets
        self.name = "YYYY-MM-DD|latest[-N]" if offsets else "YYYY-MM-DD|latest"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip().lower()
        if text == "latest":
            return "latest"
        offset = re.fullmatch(r"latest\s*-\s*(\d{1,4})", text) if self.offsets else None
        if offset:
            return f"latest-{int(offset.group(1))}"
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            also = ", 'latest' or 'latest-N' (N days before the newest article)" if self.offsets else " or 'latest'"
            self.fail(f"'{value}' is not a date: write YYYY-MM-DD{also}", param, ctx)


def _formats_option(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    """``--format md,pdf`` as a tuple; an unknown or missing name is a usage error (exit 2), as
    any other bad option value is (the same name in the config file is a configuration error)."""
    if value is None:
        return None
    try:
        return parse_formats(value)
    except ConfigError as exc:
        raise UsageError(f"--format: {exc.message}", exc.hint or "", ctx) from exc


@click.group(cls=BriefgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="briefgen", prog_name="briefgen")
def cli() -> None:
    """Offline daily briefings from a folder of news articles.

    \b
    Example:
        briefgen daily --corpus corpus --out out --date latest --days 7
    """


@cli.command(short_help="Build and archive the briefing of a window of days.")
@click.option("--corpus", type=_Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True,
              help="Folder of articles, read recursively: " + " ".join(CORPUS_SUFFIXES) + ".")
@click.option("--out", type=_Path(path_type=Path), default=Path("out"), show_default=True,  # not a folder: exit 10
              help="Folder the briefing is written to, as OUT/YYYY-MM-DD/briefing.FORMAT.")
@click.option("--date", type=_DateOrLatest(offsets=True), default=None,
              help="Last day of the window (default: today); LATEST, in any case, is the newest article's date, "
                   "LATEST-N N days before it.")
@click.option("--days", type=click.IntRange(int(DAYS.low), int(DAYS.high)), default=None,
              help=f"Length of the window in days, {DAYS} (default: [briefing] days, {declared_default('briefing.days')}).")
@click.option("--format", "formats", metavar=",".join(FORMATS), default=None, callback=_formats_option,
              help="Comma-separated formats, any of " + ", ".join(FORMATS) + " (default: [briefing] formats, "
                   + ",".join(declared_default("briefing.formats")) + ").")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes that load and split the articles; from 2, a render process also makes the PDF "
                   "and the coverage chart while the briefing is made (1: everything in this one process).")
@click.option("--no-history", is_flag=True, help="Report even what the previous briefing already reported.")
@click.option("--cache", "cache_dir", type=_Path(path_type=Path, file_okay=False), default=None,
              help="Folder of the corpus index, so that a run reads only new and changed files (default: OUT/.briefgen).")
@click.option("--no-cache", is_flag=True, help="Read the whole corpus, without its index.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Run the per-article work on the Dask cluster of this scheduler (tcp://host:8786); needs briefgen[dask].")
@click.option("--send", "send_after", is_flag=True,
              help="Afterwards, e-mail the briefing to the [delivery] recipients: the whole briefing as the message "
                   "(HTML and plain text), the PDF attached.")
@click.option("--dry-run", is_flag=True,
              help="With --send: write the e-mail to OUT/.briefgen/mail/DATE.eml instead of sending it.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@log_file_option
@config_option
def daily(corpus: Path, out: Path, date: dt.date | str | None, days: int | None, formats: tuple[str, ...] | None,
          jobs: int, no_history: bool, cache_dir: Path | None, no_cache: bool, scheduler: str | None, send_after: bool, dry_run: bool,
          quiet: bool, log_file: Path | None, config_file: Path | None) -> None:
    """Build the briefing of the articles dated within a window of days.

    \b
    Examples:
        briefgen daily                                  # today's articles in ./corpus
        briefgen daily --date 2026-11-29 --days 7 --format md,pdf,json
        briefgen daily --corpus ~/news --out ~/briefings --config desk.toml --send --quiet

    \b
    Writes OUT/YYYY-MM-DD/briefing.FORMAT (and briefing.json, the archive's record), points
    OUT/latest at the newest date and rewrites OUT/index.md and OUT/index.html. Exit status:
    0 success, 9 written but some article files skipped, 5 nothing to report, 8 another run
    holds the lock, 10 the output folder cannot take the files, 7 the e-mail failed (see the
    README for all codes).
    """
    if dry_run and not send_after:
        raise UsageError("--dry-run only applies with --send",
                         "add --send to write the e-mail as a .eml file, or leave out --dry-run")
    if no_cache and cache_dir is not None:
        raise UsageError("--cache and --no-cache cannot be used together",
                         "leave out --no-cache to keep the index in --cache DIR, or --cache to read the whole corpus")
    from briefgen.corpus_index import cache_folder
    from briefgen.daily import run_daily

    _setup_logging(quiet, log_file)

    def action() -> int | None:
        options = _options(config_file)
        if formats:
            options = options.with_overrides(formats=formats)
        if no_history:
            options = options.with_overrides(output=replace(options.output, history=False))
        if send_after and "pdf" not in options.formats:
            options = options.with_overrides(formats=(*options.formats, "pdf"))
        if send_after:
            from briefgen.output.deliver import check_delivery

            check_delivery(options.delivery)  # before the run, not after it
        log.info("briefgen daily: corpus %s, out %s, date %s", corpus, out, date or "today")
        cache = None if no_cache or not (options.cache.enabled or cache_dir) else cache_folder(out, str(cache_dir or options.cache.dir))
        try:
            result = run_daily(corpus, out, options, today=dt.date.today(), date=date, days=days, jobs=jobs,
                               progress=None if quiet else _progress_since(time.monotonic()), cache=cache,
                               scheduler=scheduler or options.engine.scheduler or None)
        except BriefgenError as exc:
            if send_after:  # say so: a cron job's reader would look for the e-mail
                exc.hint = f"{exc.hint}; nothing was e-mailed" if exc.hint else "nothing was e-mailed"
            raise
        b = result.briefing
        if not quiet:
            click.echo(f"{b.title} for {b.date.isoformat()}: {b.coverage}")
            for path in result.paths:
                click.echo(str(path))
        if result.problems:
            log.warning("%d file(s) skipped, see the warnings above", len(result.problems))
        if send_after:
            _send(out, b.date, options, dry_run, quiet)
        return PARTIAL_SUCCESS if result.partial else None

    _run(action)


def _send(out: Path, date: dt.date | None, options: Options, dry_run: bool, quiet: bool) -> None:
    from briefgen.output.archive import find, locked
    from briefgen.output.deliver import deliver

    if not out.is_dir():  # a mistyped --out: nothing to send, and nothing is created there
        raise InputError(f"no briefing archive at {printable(out)}: {'not a folder' if os.path.lexists(out) else 'no such folder'}",
                         "pass --out the folder `briefgen daily` writes to")
    # A dry run writes the .eml into OUT/.briefgen/mail: under the lock, as every write to the
    # archive is. A real send only reads (and may retry for minutes).
    with locked(out, options.output.lock_timeout) if dry_run else contextlib.nullcontext():
        briefing = find(out, options.output.basename, date)
        written = deliver(briefing, options.output.basename, options.delivery, dry_run=dry_run,
                          empty_message=options.empty_section, templates=options.output.templates,
                          site_url=options.output.site_url)
    if written is not None:
        log.info("wrote %s", written)
        if not quiet:
            click.echo(str(written))
    elif not quiet:
        click.echo(f"sent {briefing.date.isoformat()} to {', '.join(options.delivery.recipients)}")


def _fetch_urls(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """``--feed`` and ``--page``: each an http or https URL with a host (else a usage error)."""
    for url in value:
        if not is_fetch_url(url):
            raise click.BadParameter(f"'{url}' is not an http or https URL", ctx, param)
    return value


@cli.command(short_help="Fill the corpus from feeds and pages.")
@click.option("--corpus", type=_Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True,
              help="Folder the articles are written to, as CORPUS/YYYY-MM-DD/slug.md (created if missing).")
@click.option("--feed", "feed_urls", multiple=True, metavar="URL", callback=_fetch_urls,
              help="Fetch this RSS or Atom feed instead of those in [fetch] (repeatable; no config needed).")
@click.option("--page", "page_urls", multiple=True, metavar="URL", callback=_fetch_urls,
              help="Fetch this article page instead of those in [fetch] (repeatable; no config needed).")
@click.option("--state", "state_file", type=_Path(path_type=Path, dir_okay=False), default=None,
              help="The SQLite file of what earlier fetches saw (default: CORPUS/.briefgen-fetch.sqlite).")
@click.option("--dry-run", is_flag=True, help="Fetch the feeds, but write nothing: list the files that would be written.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (each failed feed or page is one).")
@log_file_option
@config_option
def fetch(corpus: Path, feed_urls: tuple[str, ...], page_urls: tuple[str, ...], state_file: Path | None, dry_run: bool,
          quiet: bool, log_file: Path | None, config_file: Path | None) -> None:
    """Fetch new articles from the feeds and pages in the config's [fetch] into the corpus, or
    from those given with --feed and --page (then [fetch]'s lists are not used; its other
    settings are).

    Conditional requests, robots.txt, a delay between requests to one host; an article already
    in the corpus (same URL, or same text under another URL) is never written again.

    \b
    Examples:
        briefgen fetch --corpus news --feed https://news.example/rss.xml
        briefgen fetch --corpus news --page https://news.example/2026/11/29/rail-deal --dry-run
        briefgen fetch --corpus ~/news --config desk.toml
        briefgen fetch --corpus ~/news --config desk.toml --dry-run
        briefgen fetch --corpus /srv/news --config desk.toml --quiet; briefgen daily --corpus /srv/news --send

    \b
    Exit status: 0 success, 9 some feeds or pages failed (each named), 11 every one failed,
    3 nothing to fetch in [fetch] or a bad setting, 10 the corpus cannot take the files.
    """
    from briefgen.fetch import run_fetch

    _setup_logging(quiet, log_file)

    def action() -> int | None:
        options = _options(config_file)
        sources = fetch_only(options.fetch, feed_urls, page_urls) if feed_urls or page_urls else options.fetch
        log.info("briefgen fetch: corpus %s", corpus)
        result = run_fetch(corpus, sources, today=dt.date.today(), state_path=state_file, dry_run=dry_run,
                           progress=None if quiet else _progress("Fetching"))
        for written in result.written:
            if dry_run:
                click.echo(f"would write {printable(written.path)}  ({printable(written.url)})")
            elif not quiet:
                click.echo(str(written.path))
        for failure in result.failures:
            log.error("failed %s: %s", printable(failure.url), failure.reason)
        if not quiet:
            click.echo(result.summary())
        if result.all_failed:
            return FETCH_FAILED
        return PARTIAL_SUCCESS if result.partial else None

    _run(action)


SEND_HELP = f"""E-mail an archived briefing to the recipients in [delivery].

    The message is the whole briefing — key points, every section, the sources — as HTML and
    as plain text, with the PDF attached; its subject names the top story ([delivery] subject).
    With [output] site_url set, it links the briefing's web page there.

    The SMTP user name and password come from the environment variables named in [delivery]
    ({declared_default("delivery.username_env")} and {declared_default("delivery.password_env")} by default). A failed send is retried with
    back-off, then exits with status 7; the briefing files stay in place.

    \b
    Examples:
        briefgen send --config desk.toml
        briefgen send --date 2026-11-29 --dry-run --config desk.toml
    """


@cli.command(short_help="E-mail a briefing: the whole briefing, PDF attached.",
             help=SEND_HELP)
@click.option("--out", type=_Path(path_type=Path), default=Path("out"), show_default=True,  # not a folder: exit 4
              help="The archive folder `briefgen daily` writes to.")
@click.option("--date", type=_DateOrLatest(), default=None, help="Which briefing: YYYY-MM-DD, or LATEST (the default: the newest in the archive).")
@click.option("--dry-run", is_flag=True,
              help="Write the e-mail to OUT/.briefgen/mail/DATE.eml instead of sending it (never into the published files).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@log_file_option
@config_option
def send(out: Path, date: dt.date | str | None, dry_run: bool, quiet: bool, log_file: Path | None,
         config_file: Path | None) -> None:
    """E-mail an archived briefing to the recipients in [delivery] (help: :data:`SEND_HELP`)."""
    _setup_logging(quiet, log_file)

    def action() -> None:
        _send(out, None if date in (None, "latest") else date, _options(config_file), dry_run, quiet)  # type: ignore[arg-type]

    _run(action)


@cli.command(short_help="Copy the archive's public files to a web folder.")
@click.argument("dest", type=_Path(path_type=Path, file_okay=False))
@click.option("--out", type=_Path(path_type=Path, file_okay=False), default=Path("out"), show_default=True,
              help="The archive folder `briefgen daily` writes to.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@config_option
def publish(dest: Path, out: Path, quiet: bool, config_file: Path | None) -> None:
    """Copy what readers may see of the archive OUT into DEST, the folder a web server serves.

    Copied: index.html, index.md, feed.xml, latest, and each briefing's web page, PDF,
    Markdown and briefing.json without the local paths of its articles. Never copied: the
    corpus index and the e-mails of `send --dry-run` (OUT/.briefgen/, which name the
    recipients), the lock, any other hidden file. Files already up to date are left alone;
    nothing in DEST is deleted.

    \b
    Examples:
        briefgen publish /var/www/briefings
        briefgen daily --out ~/briefings --quiet && briefgen publish --out ~/briefings /var/www/briefings --quiet
    """
    from briefgen.web.publish import publish as publish_archive

    _setup_logging(quiet)

    def action() -> None:
        written = publish_archive(out, dest, _options(config_file).output.basename)
        if not quiet:
            for path in written:
                click.echo(str(path))
            click.echo(f"{len(written)} file{'s' * (len(written) != 1)} written to {dest} (the others were up to date)")

    _run(action)


@cli.command(short_help="Summarise articles one by one.")
@click.argument("files", nargs=-1, required=True, type=_Path(path_type=Path, allow_dash=True))
@click.option("-n", "count", type=click.IntRange(min=1), default=3, show_default=True, help="Sentences per summary.")
@click.option("--topic", default=None, help="Bias the summary towards this topic.")
@click.option("--algorithm", type=click.Choice(ALGORITHMS), default="default", show_default=True,
              help="briefgen's ranker, the lead baseline, or one of sumy's summarisers.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the sentences, under '== PATH' when there are several articles; json: one object per line.")
@config_option
def summarize(files: tuple[Path, ...], count: int, topic: str | None, algorithm: str, output_format: str,
              config_file: Path | None) -> None:
    """Summarise articles one by one, each in its own sentences.

    FILES are article files, folders (every article in them, in path order, near-duplicate
    copies once, unreadable files skipped with a warning and exit status 9), or '-' for one
    article on standard input.

    \b
    Examples:
        briefgen summarize corpus/2026-11-27-*.md -n 2
        briefgen summarize corpus --algorithm textrank --format json
        curl -s https://example.org/story.html | briefgen summarize -
    """
    from briefgen.load import load_corpus
    from briefgen.summarize import get_summarizer, summarize_article

    _setup_logging()

    def action() -> int | None:
        options = _options(config_file)
        chosen = None
        if topic is not None:
            chosen = next((t for t in options.topics if t.name == topic), None)
            if chosen is None:
                raise ConfigError(f"unknown topic '{topic}'", f"choose from {', '.join(t.name for t in options.topics)}")
        summarizer = get_summarizer(algorithm, options.ranking, chosen)
        articles: list[tuple[str, Article]] = []
        skipped = 0
        for path in files:
            if str(path) != STDIN and path.is_dir():
                loaded = load_corpus(path, max_bytes=options.input.max_bytes, max_seconds=options.input.max_seconds)
                for problem in loaded.problems:
                    log.warning("skipped %s", problem)
                for warning in loaded.warnings:
                    log.warning("%s", warning)
                skipped += len(loaded.problems)
                articles += [(_label(a), a) for a in loaded.articles]
            else:
                articles.append((str(path), _read_article(path, options.input.max_bytes, options.input.max_seconds)))
        for label, article in articles:
            chosen_sentences = summarize_article(article, count, summarizer)
            if output_format == "json":
                click.echo(json.dumps({"path": label, "sentences": chosen_sentences}, ensure_ascii=False))
                continue
            if len(articles) > 1:
                click.echo(f"== {label}")
            for sentence in chosen_sentences:
                click.echo(sentence)
            if len(articles) > 1:
                click.echo()
        if skipped:
            log.warning("%d file(s) skipped, see the warnings above", skipped)
            return PARTIAL_SUCCESS
        return None

    _run(action)


def _label(article: Article) -> str:
    """Where an article of a folder came from: its path, and its entry in a feed or JSON lines file."""
    entry = article.id.rpartition("#")[2] if "#" in article.id else ""
    return f"{article.path}#{entry}" if entry else article.path


def _stdin_suffix(raw: bytes) -> str:
    """Which reader takes standard input, by its first character: front matter, markup or text."""
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return {b"-": ".md", b"<": ".html"}.get(head, ".txt")


def _read_article(path: Path, max_bytes: int | None = None, max_seconds: float | None = None) -> Article:
    """The article of one file named on the command line, or of standard input for '-' (read as
    Markdown when it opens with front matter '---', as HTML when it opens with '<', else as
    plain text). A file that cannot be used is an error whose hint fits a single file."""
    return _read_article_as(path, max_bytes, max_seconds)[0]


def _read_article_as(path: Path, max_bytes: int | None = None, max_seconds: float | None = None) -> tuple[Article, str]:
    """:func:`_read_article`, and the title line a ``.txt`` article's text opened with (empty
    when its first line was not taken as its title)."""
    from briefgen.load import MAX_BYTES, MAX_SECONDS, load_article, title_from_name

    limit, seconds = max_bytes or MAX_BYTES, max_seconds or MAX_SECONDS
    try:
        if str(path) != STDIN:
            article, name = load_article(path, max_bytes=limit, max_seconds=seconds), path
        else:
            with click.open_file(STDIN, "rb") as stdin:
                raw = stdin.read(limit + 1)  # one byte over: load_article says "over the limit"
            name = Path("stdin" + _stdin_suffix(raw))
            article = replace(load_article(name, "stdin", limit, raw=raw, origin="<stdin>", max_seconds=seconds), path=STDIN)
        from_text = name.suffix.lower() == ".txt" and article.title != title_from_name(name)
        return article, article.title if from_text else ""
    except ArticleError as exc:
        where = "<stdin>" if str(path) == STDIN else exc.path
        raise ArticleError(where, exc.reason, SINGLE_FILE_HINTS.get(exc.kind, exc.hint), exc.kind) from exc


#: hints for a file named on the command line, by :attr:`ArticleError.kind`, where the library's
#: hint speaks of the corpus folder
SINGLE_FILE_HINTS = {
    "binary": "give an article as " + " ".join(CORPUS_SUFFIXES) + " text",
    "unparsable": "give an article as " + " ".join(CORPUS_SUFFIXES) + " text",
}


@cli.command(short_help="Print the sentences briefgen finds in an article.")
@click.argument("file", type=_Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--all", "show_all", is_flag=True,
              help="Also print the lines set aside (a .txt's first line taken as its title, sub-headings, datelines, "
                   "bylines, captions, boilerplate), each as '# <kind>: <text>'.")
def sentences(file: Path, show_all: bool) -> None:
    """Print the sentences briefgen finds in an article, one per line.

    FILE is an article file, or '-' for standard input.

    \b
    Examples:
        briefgen sentences corpus/2026-11-27-tashkent-rail-deal-signed.md
        briefgen sentences --all - < article.txt
    """
    from briefgen.text.split import split_article

    _setup_logging()

    def action() -> None:
        article, title_line = _read_article_as(file)
        if show_all and title_line:
            click.echo(f"# title: {title_line}")
        for sentence in split_article(article):
            if sentence.is_heading:
                if show_all:
                    click.echo(f"# {sentence.kind}: {sentence.text}")
            else:
                click.echo(sentence.text)

    _run(action)


def _progress_since(started: float) -> Callable[[str], Callable[[Iterable[Any], int], Iterator[Any]]]:
    """Progress bars for the stages of one run, shown once the run has taken two seconds."""
    return lambda label: _progress(label, started=started)


def _progress(label: str, after: float = 2.0, started: float | None = None) -> Callable[[Iterable[Any], int], Iterator[Any]]:
    """A progress bar on stderr, only on a terminal, and only once the work has taken ``after``
    seconds since ``started`` (default: since the stream began), so short runs print nothing."""

    def wrap(items: Iterable[Any], length: int) -> Iterator[Any]:
        if not sys.stderr.isatty():
            yield from items
            return
        since = time.monotonic() if started is None else started
        bar = None
        try:
            for done, item in enumerate(items, 1):
                if bar is None and time.monotonic() - since > after:
                    bar = click.progressbar(length=length, label=label, file=sys.stderr)
                    bar.update(done - 1)
                if bar is not None:
                    bar.update(1)
                yield item
        finally:
            if bar is not None:
                bar.render_finish()

    return wrap


@cli.group(name="eval", short_help="Measure briefgen on reference data.")
def eval_group() -> None:
    """Measure briefgen against reference data (ROUGE, sentence splitting, topic detection).

    \b
    Example:
        briefgen eval rouge ../shared/eval/bbc-news-summary --limit 100
    """
    _setup_logging()


@eval_group.command(name="rouge", short_help="ROUGE of every system against reference summaries.")
@click.argument("dataset", type=_Path(path_type=Path, file_okay=False))
@click.option("--limit", type=click.IntRange(min=1), default=None, help="First N articles of each category.")
@click.option("--algorithms", default=",".join(DEFAULT_SYSTEMS), show_default=True,
              help="Comma-separated systems: " + ", ".join(ALGORITHMS) + ".")
@click.option("--json", "json_file", type=_Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the table as JSON to this file ('-' for stdout).")
@config_option
def eval_rouge(dataset: Path, limit: int | None, algorithms: str, json_file: Path | None, config_file: Path | None) -> None:
    """ROUGE-1/2/L F1 of each system against reference summaries, on the same documents.

    DATASET has articles/<category>/*.txt (first line the title) and summaries/<category>/*.txt.
    Each system picks as many sentences as the reference has.

    \b
    Example:
        briefgen eval rouge ../shared/eval/bbc-news-summary --limit 100 --algorithms default,lead,textrank
    """
    from briefgen.evaluation.summaries import (
        read_summary_dataset,
        rouge_json,
        rouge_scores,
        rouge_table,
        summarizers,
    )

    def action() -> None:
        systems = [a.strip() for a in algorithms.split(",") if a.strip()]
        for name in systems:
            if name not in ALGORITHMS:
                raise ConfigError(f"unknown algorithm '{name}'", f"choose from {', '.join(ALGORITHMS)}")
        cases = read_summary_dataset(dataset, limit)
        if not cases:
            raise NothingToReport(f"no article with a reference summary in {dataset}",
                                  "give a folder of articles/<category>/NNN.txt and summaries/<category>/NNN.txt")
        bar = _progress("ROUGE", after=0.0)
        results = rouge_scores(cases, summarizers(systems, _options(config_file)), progress=lambda items: bar(items, len(cases)))
        click.echo(f"{len(cases)} documents, F1 x 100 (rouge-score, stemming on)")
        click.echo(rouge_table(results))
        if json_file is not None:
            text = json.dumps(rouge_json(results), indent=2)
            if str(json_file) == "-":
                click.echo(text)
            else:
                from briefgen.files import write_atomic

                write_atomic(json_file, (text + "\n").encode("utf-8"))

    _run(action)


@eval_group.command(name="sbd", short_help="Sentence splitting against golden cases.")
@click.argument("file", type=_Path(path_type=Path, dir_okay=False))
@click.option("--show-failures", is_flag=True, help="Print each case that does not match.")
def eval_sbd(file: Path, show_failures: bool) -> None:
    """Exact-match accuracy of sentence splitting on golden cases (JSON lines: text, expected).

    \b
    Example:
        briefgen eval sbd ../shared/eval/sbd-golden-rules/golden_rules_en.jsonl
    """
    from briefgen.text.sbd import evaluate_golden

    def action() -> None:
        correct, total, failures = evaluate_golden(file)
        click.echo(f"{correct}/{total} cases split exactly as expected ({100 * correct / max(total, 1):.1f}%)")
        if show_failures:
            for failure in failures:
                click.echo(f"- {failure['comment']}\n  expected: {failure['expected']}\n  got:      {failure['got']}")

    _run(action)


@eval_group.command(name="layouts", short_help="The same articles in five layouts: do they give the same sentences?")
@click.argument("dataset", type=_Path(path_type=Path, file_okay=False))
@click.option("--show-failures", is_flag=True, help="Print each article and the layouts that differ.")
def eval_layouts(dataset: Path, show_failures: bool) -> None:
    """How many BBC News Summary articles (business and politics, files 100 to 119) give the
    same body sentences in all five layouts: blank lines, one paragraph a line, wrapped with
    blank lines, Reuters-style (wrapped, first lines indented) and one line; wrapped greedily
    and balanced.

    \b
    Example:
        briefgen eval layouts ../shared/eval/bbc-news-summary --show-failures
    """
    from briefgen.evaluation.layouts import evaluate_layouts, layout_table, read_bbc_articles

    def action() -> None:
        articles = read_bbc_articles(dataset)
        if not articles:
            raise NothingToReport(f"no article articles/<category>/1NN.txt in {dataset}",
                                  "give the BBC News Summary folder (articles/business/100.txt …)")
        results = evaluate_layouts(articles)
        click.echo(f"{len(articles)} articles: identical body sentences to the blank-line layout")
        click.echo(layout_table(results))
        if show_failures:
            for result in results:
                for name, layouts in result.differing.items():
                    if layouts:
                        click.echo(f"- {result.wrapper}: {name}: {', '.join(layouts)}")

    _run(action)


@eval_group.command(name="stories", short_help="Story grouping against story-labelled articles (BCubed).")
@click.argument("file", type=_Path(path_type=Path, dir_okay=False))
@click.option("--window", type=click.Choice(["day", "week"]), default="week", show_default=True,
              help="Group the articles of each calendar day or ISO week.")
def eval_stories(file: Path, window: str) -> None:
    """BCubed precision, recall and F1 of story grouping on story-labelled articles.

    FILE is JSON lines with story_id, date, title and optional text. Beside briefgen: every
    article alone, and TF-IDF average-link clustering at its best threshold on FILE.

    \b
    Example:
        briefgen eval stories ../shared/eval/story-clusters/allsides-2021.jsonl --window week
    """
    from briefgen.evaluation.stories import evaluate_stories, read_labelled_stories, story_windows

    def action() -> None:
        articles = read_labelled_stories(file)
        if not articles:
            raise NothingToReport(f"no article in {file}", 'give JSON lines with "story_id", "date" and "title"')
        click.echo(f"{len(articles)} articles in {len(story_windows(articles, window))} windows of a {window}; "
                   "BCubed, averaged over the windows")
        click.echo("| system | precision | recall | F1 |\n|---|---|---|---|")
        for system, score in evaluate_stories(articles, window).items():
            click.echo(f"| {system} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} |")

    _run(action)


@eval_group.command(name="briefing", short_help="Brief the Current Events Portal's days; score the sections by its categories.")
@click.argument("portal", type=_Path(path_type=Path, dir_okay=False))
@click.option("--from", "first", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="The first day briefed.")
@click.option("--to", "last", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The last day briefed (default: the first).")
@click.option("--days", type=click.IntRange(1, 31), default=1, show_default=True, help="Days in each briefing's window.")
@click.option("--every", type=click.IntRange(1, 366), default=1, show_default=True, help="Brief every N-th day only.")
@click.option("--show-wrong", is_flag=True, help="List the bullets whose item the portal filed elsewhere.")
@config_option
def eval_briefing(portal: Path, first: dt.datetime, last: dt.datetime | None, days: int, every: int, show_wrong: bool,
                  config_file: Path | None) -> None:
    """Per-section precision and recall of briefings of the Wikipedia Current Events Portal.

    Each day's items (PORTAL: JSON lines with id, date, category, summary, sources) are that
    day's articles; a section's bullet is right when the portal filed its item under the
    section's category (trade: Business and economy; security: Armed conflicts and attacks;
    recognition: International relations), and a day with such an item should give the section
    one. Beside the default run, the same with the terms alone ([ranking] relevance_model off).
    Citations that lack their sentence are counted as faults.

    \b
    Example:
        briefgen eval briefing ../shared/eval/wcep-portal/portal-2011-2017.jsonl --from 2016-01-01 --to 2017-12-31 --every 6
    """
    from dataclasses import replace

    from briefgen.evaluation.briefing import brief_days, read_portal, sampled_days, score_table

    def action() -> None:
        options = _options(config_file)
        start, end = first.date(), (last or first).date()
        chosen = sampled_days(start, end, every)
        items = read_portal(portal, start - dt.timedelta(days=days - 1), end)
        if not items:
            raise NothingToReport(f"no portal item in {portal} is dated {start} to {end}",
                                  "give the portal's JSON lines file, and days it covers with --from and --to")
        terms_only = replace(options, ranking=replace(options.ranking, relevance_model=False))
        scores = {"briefgen": brief_days(items, chosen, days, options), "terms alone": brief_days(items, chosen, days, terms_only)}
        click.echo(f"{len(chosen)} days briefed, {start} to {end}, windows of {days} day(s)")
        click.echo(score_table(scores))
        if show_wrong:
            for section, category, text in scores["briefgen"].wrong:
                click.echo(f"- {section} <- {category or '?'}: {text}")

    _run(action)


@eval_group.command(name="topics", short_help="Topic detection on Reuters-21578's test split, or on the portal's items.")
@click.argument("reuters", type=_Path(path_type=Path, file_okay=False), required=False)
@click.option("--portal", type=_Path(path_type=Path, dir_okay=False), default=None,
              help="Instead: the Current Events Portal's 2016-2017 items, one sentence each, filed into the default "
                   "sections by the shipped model, by the terms alone, and by TF-IDF + logistic regression fitted on 2011-2015.")
@click.option("--topic", default="trade", show_default=True, help="A topic in force; also the Reuters label compared.")
@click.option("--learn", "learned", is_flag=True,
              help="Also learn the topic from the TRAIN split (`briefgen learn`'s model) and score that.")
@click.option("--save-model", type=_Path(path_type=Path, dir_okay=False), default=None,
              help="With --learn: keep the learned model in this file.")
@click.option("--sweep", is_flag=True,
              help="Instead: the ten best constants of the document rule on the TRAIN split (how they were chosen).")
@config_option
def eval_topics(reuters: Path | None, portal: Path | None, topic: str, learned: bool, save_model: Path | None,
                sweep: bool, config_file: Path | None) -> None:
    """Precision, recall and F1 of document-level topic detection on Reuters-21578's test split.

    The topic's terms decide by the rule of `briefgen.doctopic`; with --learn, a model is also
    fitted on the TRAIN split's stories and their labels (nothing of it ships with briefgen).

    \b
    Example:
        briefgen eval topics ../shared/eval/reuters21578 --topic trade --learn
    """
    from briefgen.evaluation.topics import (
        TopicEval,
        evaluate_docs,
        evaluate_learned,
        find_topic,
        read_reuters,
        split_docs,
    )

    def row(label: str, result: TopicEval) -> str:
        return (f"{label:<28} precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}"
                f"  (tp {result.tp}, fp {result.fp}, fn {result.fn})")

    def portal_items(path: Path) -> None:
        from briefgen.evaluation.topics import evaluate_portal_items

        for system, scores in evaluate_portal_items(path, _options(config_file)).items():
            click.echo(system)
            for name, result in scores.items():
                click.echo("  " + row(name, result) if name != "macro" else f"  {'macro F1':<28} {result.f1:.3f}")

    def action() -> None:
        if portal is not None:
            portal_items(portal)
            return
        if reuters is None:
            raise click.UsageError("give the Reuters-21578 folder, or --portal FILE")
        if not reuters.is_dir():
            raise InputError(f"no Reuters-21578 folder at {printable(reuters)}",
                             "give the folder that holds reut2-000.sgm … reut2-021.sgm")
        if not any(reuters.glob("reut2-*.sgm")):
            raise NothingToReport(f"no reut2-*.sgm file in {printable(reuters)}",
                                  "give the folder that holds reut2-000.sgm … reut2-021.sgm")
        if sweep:
            from briefgen.evaluation.topics import sweep as sweep_rule

            for k, k_lead, share, result in sweep_rule(reuters, topic, _options(config_file))[:10]:
                click.echo(row(f"min_terms {k}, lead {k_lead}, share {share:.2f}", result))
            return
        chosen = find_topic(_options(config_file), topic)
        docs = read_reuters(reuters)  # read once for both detectors
        if not split_docs(docs, "TEST"):
            raise NothingToReport(f"no story of the TEST split in {printable(reuters)}",
                                  "give the folder that holds reut2-000.sgm … reut2-021.sgm")
        result = evaluate_docs(split_docs(docs, "TEST"), chosen, topic)
        click.echo(f"{result.n_docs} test documents, {result.tp + result.fn} labelled '{topic}'")
        click.echo(row("terms (the topic's rule)", result))
        if learned:
            learned_result, model = evaluate_learned(docs, chosen, topic, save_model)
            click.echo(row("learned from TRAIN", learned_result))
            click.echo(f"  the model: C={model.info['C']}, term-rule weight {model.prior_weight:g}; validation F1 "
                       f"{model.info['validation_f1']:.3f} ({model.info['validation']})")

    _run(action)


@cli.command(short_help="Learn a topic's line from articles you have sorted.")
@click.option("--topic", "topic_name", required=True, help="The topic to learn (one of `briefgen topics`).")
@click.option("--about", "about_dir", required=True, type=_Path(path_type=Path, file_okay=False),
              help="A folder of articles that are about the topic.")
@click.option("--not-about", "other_dir", required=True, type=_Path(path_type=Path, file_okay=False),
              help="A folder of articles that are not.")
@click.option("--output", "-o", type=_Path(path_type=Path, dir_okay=False), required=True,
              help="Where to write the model (.npz); name it in the topic's table as model = \"...\".")
@config_option
def learn(topic_name: str, about_dir: Path, other_dir: Path, output: Path, config_file: Path | None) -> None:
    """Learn which articles are about a topic from articles you have sorted.

    The model reads every article of both folders (any format `daily` reads), oldest first, and
    chooses its settings on the newest fifth of them. Set `model = "FILE"` in the topic's table
    of your config, and the topic's section only draws on articles the model accepts.

    \b
    Example:
        briefgen learn --topic trade --about marked/trade --not-about marked/other -o trade.npz
    """
    from briefgen.files import write_atomic
    from briefgen.learn import article_text, learn_topic
    from briefgen.load import load_corpus

    _setup_logging()

    def action() -> None:
        with contextlib.suppress(OSError, RuntimeError):  # RuntimeError: a loop of links (load_corpus names it)
            if about_dir.resolve() == other_dir.resolve() or os.path.samefile(about_dir, other_dir):
                raise UsageError(f"--about and --not-about are the same folder ({printable(about_dir)})",
                                 "sort the articles into two folders: those about the topic, and the others")
        options = _options(config_file)
        topic = next((t for t in options.topics if t.name == topic_name), None)
        if topic is None:
            raise ConfigError(f"no topic named '{topic_name}'", f"topics in force: {', '.join(t.name for t in options.topics)}")
        examples, copies = [], 0
        for folder, label in ((about_dir, True), (other_dir, False)):
            loaded = load_corpus(folder, max_bytes=options.input.max_bytes, max_seconds=options.input.max_seconds)
            for problem in loaded.problems:
                log.warning("skipped %s", problem)
            examples += [(a.date or dt.date.min, a.id, label, article_text(a)) for a in loaded.articles]
            copies += loaded.duplicates
        examples.sort(key=lambda e: (e[0], e[1]))  # oldest first: the newest are held out
        model = learn_topic([e[3] for e in examples], [e[2] for e in examples], topic)
        buffer = io.BytesIO()
        model.save(buffer)
        write_atomic(output, buffer.getvalue())
        info = model.info
        merged = f"; {copies} near-duplicates counted once" if copies else ""
        click.echo(f"learned '{topic_name}' from {info['examples']} articles ({info['positives']} about it{merged}) -> {output}")
        click.echo(f"validation F1 {info['validation_f1']:.3f} ({info['validation']})")

    _run(action)


@cli.command(short_help="List the topics in force, with their terms.")
@config_option
def topics(config_file: Path | None) -> None:
    """List the topics in force, with their terms.

    \b
    Example:
        briefgen topics --config desk.toml
    """
    _setup_logging()

    def action() -> None:
        for topic in _options(config_file).topics:
            click.echo(f"{topic.name}: {topic.title}")
            click.echo(f"  terms: {', '.join(topic.terms)}")
            if topic.related:
                click.echo(f"  related: {', '.join(topic.related)}")
            if topic.exclude:
                click.echo(f"  exclude: {', '.join(topic.exclude)}")
            if topic.model:
                click.echo(f"  model: {topic.model}")

    _run(action)
