"""Configuration in layers: packaged defaults, then the user's file, then command-line flags.

Each setting is declared once, here, as a field of :class:`Options` (the ``[briefing]`` table) or
of one of its tables' dataclasses, with its default, its range and its doc (:func:`setting`).
``defaults.toml`` is written from those declarations (:func:`defaults_toml`, ``make defaults``)
with the topics below them; a test keeps it so. The packaged ``defaults.toml`` holds every key.
A user's file only overrides what it sets and may add topics; an unknown key, a wrong type, a
number outside its range (:data:`RANGES`), a topic without terms or a file that is not UTF-8
TOML is a :class:`ConfigError` naming the file and the key. The file is read like any file briefgen does
not own (:mod:`briefgen.files`): a named pipe or a device is refused, never waited on.
"""

from __future__ import annotations

import logging
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import Field, dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefgen.errors import ConfigError
from briefgen.files import Unreadable, printable, read_regular
from briefgen.models import Topic

FORMATS = ("md", "pdf", "html", "json")
MAX_CONFIG_BYTES = 1_000_000  #: a config file larger than this is refused
MAX_DAYS = 3660  #: the longest date window, in days (about ten years)
MAX_BASENAME_BYTES = 200  #: output.basename at most (a file name is 255 bytes, the suffix follows)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Range:
    """The values a number in the config may take: ``low`` to ``high``, each end included unless
    ``above``/``below`` says the value must be strictly above ``low``/below ``high``."""

    low: float
    high: float
    above: bool = False
    below: bool = False

    def holds(self, value: float) -> bool:
        """Whether ``value`` is a finite number within the range (NaN and infinities never are)."""
        if isinstance(value, float) and not math.isfinite(value):
            return False
        return (value > self.low if self.above else value >= self.low) and (value < self.high if self.below else value <= self.high)

    def __str__(self) -> str:
        """``0 to 1``, ``0 to under 1``, ``over 0 to 3600``."""
        low, high = (str(int(v)) if float(v).is_integer() else f"{v:g}" for v in (self.low, self.high))
        return f"{'over ' if self.above else ''}{low} to {'under ' if self.below else ''}{high}"


def setting(default: Any, doc: str, range: Range | None = None, toml: Any = None) -> Any:
    """The one declaration of a setting: a dataclass field with its ``default``, the ``doc`` that
    ``defaults.toml`` states beside its key and, for a number, the ``range`` it must lie in.
    ``toml`` is the default as the file writes it, where that is not ``default`` itself."""
    metadata = {"doc": doc, "range": range, "toml": default if toml is None else toml}
    return field(default=default, metadata=metadata)


def table(options: Any, doc: str = "") -> Any:
    """A table of settings (``[output]``, ``[ranking]``…) in :class:`Options`: its default, the
    dataclass whose fields are its settings; ``doc`` is said beside the table's name."""
    return field(default=options, metadata={"table_doc": doc, "settings": fields(options)})


@dataclass(frozen=True)
class RankingOptions:
    """How sentences are ranked and chosen (``[ranking]``)."""

    damping: float = setting(0.85, "share of the random walk that follows sentence similarity (1 - bias)",
                             Range(0, 1, below=True))
    similarity_threshold: float = setting(0.0, "TextRank edge weight below which two sentences are not linked",
                                          Range(0, 10))
    position_weight: float = setting(0.5, "how much the lead of an article is favoured (0 = not at all)", Range(0, 1))
    lead_until: float = setting(0.3, "keeping at most this share of the candidate sentences, the ranker takes the "
                                "lead: each article's first sentences that can open a story", Range(0, 1))
    central_from: float = setting(0.35, "keeping at least this share, it takes the most central sentences; in "
                                  "between, a blend (docs/quality.md says why)", Range(0, 1))
    recency: float = setting(0.1, "in a window of several days, news d days old weighs 1/(1 + recency×d)",
                             Range(0, 10))
    redundancy: float = setting(0.5, "cosine above which a candidate repeats a chosen sentence", Range(0, 1))
    duplicate: float = setting(0.7, "cosine above which sentences of different articles are one item (and above "
                               "which a sentence repeats the previous briefing: left out)", Range(0, 1))
    developing: float = setting(0.35, "cosine to a sentence of the previous briefing from which a new one is marked "
                                '"Developing" (an update of a story already reported)', Range(0, 1))
    pool_size: int = setting(1500, "candidates per topic in the ranking graph at most (the most relevant)",
                             Range(1, 100_000))
    relevance_model: bool = setting(True, "score the topics named trade, security and recognition with the model "
                                    "learned from how news editors file events (false: by their terms alone)")
    min_relevance: float = setting(0.6, "with that model, the probability that a sentence is news of the topic it "
                                   "needs to enter its section (docs/quality.md says how it was set)", Range(0, 1))
    min_words: int = setting(8, "shorter sentences are never bullets", Range(1, 1_000))
    max_words: int = setting(70, "longer ones neither (min_words at most max_words)", Range(1, 1_000))


@dataclass(frozen=True)
class OutputOptions:
    """Where and how the briefing is archived (``[output]``)."""

    basename: str = setting("briefing", "files are OUT/YYYY-MM-DD/<basename>.<format>")
    history: bool = setting(True, "leave out what the previous briefing in the archive already reported")
    lock_timeout: float = setting(300.0, "seconds a run waits for another run writing to the same folder",
                                  Range(0, 86_400))
    templates: str = setting("", "a folder of your own Jinja templates (briefing.html, index.html, mail.html, ...), used before briefgen's; relative to this file")
    site_url: str = setting("", "the http(s) address where OUT is published, e.g. \"https://briefs.example.org/desk/\": "
                            "links in the feed, the e-mail and link previews are made absolute from it; empty: relative links")


SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class DeliveryOptions:
    """How the briefing is e-mailed (``[delivery]``)."""

    host: str = setting("localhost", "the SMTP server")
    port: int = setting(587, "its port", Range(1, 65_535))
    security: str = setting("starttls", "starttls, tls (implicit, usually port 465) or none")
    sender: str = setting("", 'e.g. "Briefings <briefings@example.org>"')
    recipients: tuple[str, ...] = setting((), 'e.g. ["desk@example.org", "editor@example.org"]')
    subject: str = setting("{title} — {day}: {top}", "{title}, {date} (2026-11-29), {day} (Sun 29 Nov 2026), {coverage} "
                           "and {top} (the first key point, shortened) are filled in")
    username_env: str = setting("BRIEFGEN_SMTP_USER", "the environment variable that holds the SMTP user name "
                                "(credentials never come from this file)")
    password_env: str = setting("BRIEFGEN_SMTP_PASSWORD", "the environment variable that holds the SMTP password")
    retries: int = setting(3, "further attempts after a failed send", Range(0, 20))
    retry_delay: float = setting(5.0, "seconds before the first retry; doubled each time", Range(0, 3_600))
    timeout: float = setting(30.0, "seconds to wait for the SMTP server", Range(0, 3_600, above=True))
    ca_file: str = setting("", "a PEM file of certificate authorities to trust besides the system's (a mail "
                           "server with a private CA); relative to the config file")


@dataclass(frozen=True)
class InputOptions:
    """How the corpus is read (``[input]``)."""

    max_bytes: int = setting(5_000_000, "a larger file in the corpus is skipped with a warning (bytes)",
                             Range(1, 100_000_000))
    max_seconds: float = setting(60.0, "a file whose reading takes longer is stopped and skipped with a warning "
                                 "(seconds of processor time; not on a Dask cluster)", Range(0, 3_600, above=True))


@dataclass(frozen=True)
class CacheOptions:
    """The corpus index (``[cache]``, :mod:`briefgen.corpus_index`)."""

    enabled: bool = setting(True, "false: read the whole corpus every run (as --no-cache)")
    dir: str = setting("", "its folder (--cache DIR); empty: OUT/.briefgen; relative to the config file. One "
                       "index a corpus folder: another corpus rebuilds it")


@dataclass(frozen=True)
class EngineOptions:
    """Where the per-article work runs (``[engine]``, :mod:`briefgen.engine`)."""

    scheduler: str = setting("", 'a Dask scheduler\'s address ("tcp://host:8786", as --scheduler): the '
                             "per-article work runs on its cluster (needs briefgen[dask]; the corpus must be "
                             "readable by every worker at the same path); empty: on this machine")
    connect_timeout: float = setting(10.0, "seconds to reach the scheduler and hear it answer as one (a port that "
                                     "answers otherwise, a dashboard, is an error after this)", Range(0, 600, above=True))
    worker_wait: float = setting(60.0, "seconds a run waits for a worker when the scheduler has none, at the start "
                                 "or after losing its last one; then it stops (exit 3)", Range(0, 86_400))


@dataclass(frozen=True)
class FetchOptions:
    """What ``briefgen fetch`` collects, and how politely and safely (``[fetch]``)."""

    feeds: tuple[str, ...] = setting((), 'RSS and Atom feed URLs, e.g. ["https://news.example/rss.xml"]')
    opml: str = setting("", "an OPML file listing more feeds (its outlines' xmlUrl); relative to the config file")
    pages: tuple[str, ...] = setting((), 'single article URLs, e.g. ["https://news.example/2026/11/story"]')
    full_text: bool = setting(True, "when a feed item carries only a summary, fetch its page and extract the "
                              "article (trafilatura), as robots.txt allows")
    timeout: float = setting(20.0, "seconds to connect, and for a whole response to arrive: a server that sends "
                             "a byte at a time is cut off", Range(0, 600, above=True))
    max_bytes: int = setting(5_000_000, "a larger response, compressed or decompressed, is refused (bytes)",
                             Range(1, 100_000_000))
    user_agent: str = setting("briefgen-fetch/0.1 (news briefing; polite, honours robots.txt)",
                              "how briefgen fetch names itself to servers")
    per_host_delay: float = setting(1.0, "seconds between two requests to one host", Range(0, 3_600))
    concurrency: int = setting(4, "requests at a time at most", Range(1, 64))
    retries: int = setting(2, "further attempts after a 5xx answer, a timeout or a broken connection",
                           Range(0, 10))
    retry_delay: float = setting(2.0, "seconds before the first retry; doubled each time", Range(0, 3_600))
    max_failures: int = setting(5, "a source that failed this many runs in a row is then tried once a day only "
                                "(and reported as failing until it works)", Range(1, 1_000))
    allow_private: bool = setting(False, "fetch from private, loopback, link-local addresses too (checked after "
                                  "DNS and on every redirect; multicast is always refused)")


@dataclass(frozen=True)
class StoryOptions:
    """How articles are grouped into stories (``[stories]``); the fields of
    :class:`briefgen.stories.StorySettings`, kept here so that reading the config imports no
    NumPy (the command line answers ``--help`` without it)."""

    lift: float = setting(2.5, "two groups of articles are one story when their average similarity (cosine of "
                          "title and lead, decayed with the days between them) is at least `lift` times the "
                          "window's background, the mean similarity of two of its articles: a desk's articles "
                          "about one region share its names, headlines alone share few words, and the bar "
                          "follows. Higher splits more", Range(0, 1000, above=True))
    time_scale: float = setting(1.0, "days over which the similarity of two reports falls to 1/e: two like "
                                "reports days apart are two stories", Range(0, MAX_DAYS, above=True))


@dataclass(frozen=True)
class Options:
    """Everything a run needs to know, built in one place by :func:`load_options`. The fields
    declared with :func:`setting` are the ``[briefing]`` table; those declared with
    :func:`table` are the other tables, in the order of ``defaults.toml``."""

    title: str = setting("Daily Briefing", "the briefing's heading")
    key_points: int = setting(4, 'bullets in "Key points": the biggest stories (most outlets, then articles, then '
                              "the most recent); a key point also heads its own section", Range(0, 100))
    items_per_section: int = setting(5, "bullets in each topic section at most (a section shows every relevant "
                                     'sentence up to this; one that points back, "He said…", never)', Range(1, 100))
    days: int = setting(1, "length of the date window, ending on --date", Range(1, MAX_DAYS))
    formats: tuple[str, ...] = setting(("md", "pdf", "html"), "any of " + ", ".join(FORMATS))
    topics: tuple[Topic, ...] = setting((), "the sections, in this order", toml=("trade", "security", "recognition"))
    empty_section: str = setting("No relevant reporting in this period.", "what a section without a bullet says")
    output: OutputOptions = table(OutputOptions())
    delivery: DeliveryOptions = table(DeliveryOptions(), "`briefgen send` and `briefgen daily --send`")
    input: InputOptions = table(InputOptions())
    cache: CacheOptions = table(CacheOptions(), "the corpus index: a run reads only the files that are new or changed")
    engine: EngineOptions = table(EngineOptions())
    fetch: FetchOptions = table(FetchOptions(), "`briefgen fetch`: fills the corpus from feeds and pages")
    ranking: RankingOptions = table(RankingOptions())
    stories: StoryOptions = table(StoryOptions(), "articles about the same event, across outlets and days, are one "
                                  "story (briefgen/stories.py): its bullet cites each outlet once")

    def with_overrides(self, **changes: Any) -> Options:
        """A copy with command-line values laid over the file values (``None`` means unset)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def declared() -> dict[str, tuple[str, tuple[Field[Any], ...]]]:
    """Every table of settings, in the order of ``defaults.toml``: its name → what is said beside
    the name, and the fields that declare its settings (:func:`setting`)."""
    tables = {"briefing": ("", tuple(f for f in fields(Options) if "doc" in f.metadata))}
    for f in fields(Options):
        if "table_doc" in f.metadata:
            tables[f.name] = (f.metadata["table_doc"], f.metadata["settings"])
    return tables


def declared_default(dotted: str) -> Any:
    """The default of a setting as ``defaults.toml`` writes it (``"briefing.days"`` → ``1``;
    a list is a tuple)."""
    name, key = dotted.split(".")
    return next(f.metadata["toml"] for f in declared()[name][1] if f.name == key)


#: The range of every number in the config, from the declarations (``defaults.toml`` states
#: each beside its key).
RANGES: dict[str, Range] = {f"{name}.{f.name}": f.metadata["range"] for name, (_, settings) in declared().items()
                            for f in settings if f.metadata["range"] is not None}


#: The opening comment of ``defaults.toml``.
DEFAULTS_HEADER = """\
# briefgen's packaged defaults. A user's file (--config FILE) is laid on top of this one:
# it only overrides the keys it sets, and may add topics of its own. "[a to b]" after a number
# is the range it must lie in (both ends included; "under"/"over" excludes that end); a value
# outside it, NaN or an infinity is refused with the key named.
#
# The settings are declared in briefgen/config.py, each once, with its default, range and doc:
# `make defaults` writes them here (a test fails when this file and the declarations differ).
# The topics, from "# A topic:" on, are written here by hand.
"""
TOPICS_MARK = "# A topic:"  #: where the hand-written topics of ``defaults.toml`` begin
_COMMENT_AT = 26  #: the column a key's comment starts at in ``defaults.toml``
_COMMENT_BESIDE = 48  #: a key and value longer than this have their comment above them
_WIDTH = 100


def defaults_toml(current: str) -> str:
    """``defaults.toml`` as the declarations write it: :data:`DEFAULTS_HEADER`, every table of
    :func:`declared` with each setting's default, range and doc, then the topics of ``current``
    (the file as it is, from :data:`TOPICS_MARK` on) unchanged."""
    import textwrap

    def commented(line: str, comment: str) -> list[str]:
        if len(line) + 2 > _COMMENT_BESIDE:  # a long line: the comment goes above it
            return [f"# {text}" for text in textwrap.wrap(comment, _WIDTH - 2, break_on_hyphens=False)] + [line]
        at = max(_COMMENT_AT, len(line) + 2)
        wrapped = textwrap.wrap(comment, _WIDTH - at - 2, break_on_hyphens=False) or [""]
        return [f"{line:<{at}}# {wrapped[0]}", *(f"{'':<{at}}# {rest}" for rest in wrapped[1:])]

    lines = [DEFAULTS_HEADER]
    for name, (doc, settings) in declared().items():
        lines += commented(f"[{name}]", doc) if doc else [f"[{name}]"]
        for f in settings:
            allowed = f.metadata["range"]
            text = f"[{allowed}] {f.metadata['doc']}" if allowed else f.metadata["doc"]
            lines += commented(f"{f.name} = {_toml_literal(f.metadata['toml'])}", text)
        lines.append("")
    start = current.find("\n" + TOPICS_MARK)
    topics = current[start + 1:] if start >= 0 else ""
    return "\n".join(lines) + "\n" + topics


def _toml_literal(value: Any) -> str:
    """A default as TOML writes it: ``"text"``, ``5000000``, ``0.85``, ``true``, ``["md", "pdf"]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_literal(v) for v in value) + "]"
    return repr(value)


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}", "fix the syntax at that line") from exc
    except ValueError as exc:  # Python refuses to read a whole number of thousands of digits
        raise ConfigError(f"{origin}: a number in it has too many digits to be read", "write numbers of a sane size") from exc
    except RecursionError as exc:  # tomllib reads nested arrays and inline tables by recursion
        raise ConfigError(f"{origin}: not valid TOML: arrays or tables nested too deeply to be read",
                          "a briefgen config needs no nesting deeper than a list of strings") from exc


def packaged_defaults() -> dict[str, Any]:
    text = (resources.files("briefgen") / "defaults.toml").read_text(encoding="utf-8")
    return _read_toml(text, "briefgen/defaults.toml")


def _merge(base: dict[str, Any], over: dict[str, Any], origin: str, where: str = "") -> dict[str, Any]:
    """``over`` laid on ``base``; keys unknown to ``base`` are refused, except new topics."""
    merged = dict(base)
    for key, value in over.items():
        dotted = f"{where}{key}"
        if where == "topics.":
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: [{dotted}] must be a table", "write it as [topics.NAME]")
            merged[key] = _merge({**_EMPTY_TOPIC, **base.get(key, {})}, value, origin, f"{dotted}.")
            continue
        if key not in base:
            known = ", ".join(sorted(base))
            raise ConfigError(f"{origin}: unknown key '{dotted}'", f"known keys here: {known}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{origin}: '{dotted}' must be a table", f"write it as [{dotted}]")
            merged[key] = _merge(base[key], value, origin, f"{dotted}.")
        else:
            merged[key] = _check_type(base[key], value, origin, dotted)
    return merged


_EMPTY_TOPIC: dict[str, Any] = {"title": "", "terms": [], "related": [], "exclude": [], "model": ""}


def _check_type(default: Any, value: Any, origin: str, dotted: str) -> Any:
    expected = type(default)
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if expected is list and ok and not all(isinstance(v, str) for v in value):
        ok = False
    if not ok:
        want = {str: "a string", int: "a whole number", float: "a number", list: "a list of strings",
                bool: "true or false"}.get(expected, expected.__name__)
        raise ConfigError(f"{origin}: '{dotted}' must be {want}, not {value!r}", f"e.g. {dotted} = {_toml_value(default)}")
    return value


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value[:3]) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _topic(name: str, table: dict[str, Any], origin: str, base_dir: Path | None) -> Topic:
    terms = tuple(t.strip().lower() for t in table.get("terms", []) if t.strip())
    if not terms:
        raise ConfigError(f"{origin}: topic '{name}' has no terms", f'add terms = ["..."] under [topics.{name}]')
    return Topic(
        name=name,
        title=table.get("title") or name.replace("_", " ").title(),
        terms=terms,
        related=tuple(t.strip().lower() for t in table.get("related", []) if t.strip()),
        exclude=tuple(t.strip().lower() for t in table.get("exclude", []) if t.strip()),
        model=_config_path(table.get("model", ""), base_dir),
    )


def _config_path(value: str, base_dir: Path | None) -> str:
    """A file named in the config; a relative path is taken from the config file's folder."""
    if not value.strip():
        return ""
    path = Path(value).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return str(path)


def default_config_path(environ: Mapping[str, str]) -> Path | None:
    """The config file to use when none is given with ``--config``: the file named by
    ``$BRIEFGEN_CONFIG`` when that is set, else ``$XDG_CONFIG_HOME/briefgen/config.toml``
    (``XDG_CONFIG_HOME`` defaulting to ``~/.config``) when it exists, else ``None``; also ``None``,
    with a warning, when that folder cannot be searched (a cron job whose ``$HOME`` is another
    user's), and when there is no home folder at all."""
    named = environ.get("BRIEFGEN_CONFIG", "")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigError(f"$BRIEFGEN_CONFIG names {path}, which is not a file",
                              "point BRIEFGEN_CONFIG at a config file, or unset it")
        return path
    xdg = environ.get("XDG_CONFIG_HOME", "")
    try:
        if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative value is ignored
            root = Path(xdg)
        else:
            root = (Path(environ["HOME"]) if environ.get("HOME") else Path.home()) / ".config"
    except (KeyError, RuntimeError):  # no $HOME, and no home in the password database
        return None
    path = root / "briefgen" / "config.toml"
    try:
        return path if path.exists() else None
    except OSError as exc:  # e.g. a cron job whose $HOME is another user's
        log.warning("cannot look for a config file at %s (%s): using the packaged defaults",
                    printable(path), exc.strerror or exc)
        return None


def read_config_text(config_file: Path) -> str:
    """The text of a config file: a regular file of at most :data:`MAX_CONFIG_BYTES`, in UTF-8."""
    origin = printable(config_file)
    try:
        raw = read_regular(Path(config_file), MAX_CONFIG_BYTES)
    except Unreadable as exc:
        hint = ("give a TOML file (a named pipe or a device is not read)" if exc.kind == "not_regular"
                else "check the path given to --config or $BRIEFGEN_CONFIG")
        raise ConfigError(f"{origin}: cannot read the config file: {exc.reason}", hint) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{origin}: the config file is not UTF-8 text (line {line} holds a byte that is not UTF-8)",
                          "save it as UTF-8") from exc


def _check_ranges(data: dict[str, Any], origin: str) -> None:
    for dotted, allowed in RANGES.items():
        table, key = dotted.split(".")
        value = data[table][key]
        if not allowed.holds(value):
            shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:12]}… ({len(repr(value))} digits)"
            raise ConfigError(f"{origin}: {dotted} must be {allowed}, not {shown}",
                              f"e.g. {dotted} = {_toml_value(declared_default(dotted))} (the default)")
    ranking = data["ranking"]
    if ranking["min_words"] > ranking["max_words"]:
        raise ConfigError(f"{origin}: ranking.min_words ({ranking['min_words']}) is above ranking.max_words ({ranking['max_words']})",
                          "make min_words at most max_words")


def check_basename(basename: str, origin: str) -> None:
    """Refuse an ``output.basename`` that is not a plain, printable file name."""
    if (not basename or "/" in basename or "\\" in basename or basename.startswith(".") or not basename.isprintable()
            or len(basename.encode("utf-8", "surrogatepass")) > MAX_BASENAME_BYTES):
        raise ConfigError(f"{origin}: output.basename '{printable(basename)}' is not a plain file name "
                          f"(printable characters, no / or \\, not starting with '.', at most {MAX_BASENAME_BYTES} bytes)",
                          'e.g. basename = "briefing"')


def load_options(config_file: Path | None = None) -> Options:
    """Options from the packaged defaults with ``config_file`` (if any) laid on top."""
    data = packaged_defaults()
    origin = "briefgen/defaults.toml"
    if config_file is not None:
        origin = printable(config_file)
        data = _merge(data, _read_toml(read_config_text(Path(config_file)), origin), origin)
    briefing, ranking = data["briefing"], data["ranking"]
    formats = tuple(briefing["formats"])
    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigError(f"{origin}: unknown format '{fmt}' in briefing.formats", f"choose from {', '.join(FORMATS)}")
    if not formats:
        raise ConfigError(f"{origin}: briefing.formats is empty", f"name at least one of {', '.join(FORMATS)}, e.g. formats = [\"md\"]")
    _check_unique(briefing["formats"], "briefing.formats", origin)
    _check_unique(briefing["topics"], "briefing.topics", origin)
    base_dir = Path(config_file).parent if config_file else None  # relative paths start here
    topics = []
    for name in briefing["topics"]:
        if name not in data["topics"]:
            raise ConfigError(f"{origin}: briefing.topics names '{name}', which has no [topics.{name}] table",
                              "define the topic or remove it from the list")
        topics.append(_topic(name, data["topics"][name], origin, base_dir))
    _check_ranges(data, origin)
    output = OutputOptions(**dict(data["output"], templates=_config_path(data["output"]["templates"], base_dir)))
    check_basename(output.basename, origin)
    output = replace(output, site_url=_site_url(output.site_url, origin))
    delivery_table = dict(data["delivery"], recipients=tuple(data["delivery"]["recipients"]),
                          ca_file=_config_path(data["delivery"]["ca_file"], base_dir))
    delivery = DeliveryOptions(**delivery_table)
    if delivery.security not in SECURITY:
        raise ConfigError(f"{origin}: delivery.security must be one of {', '.join(SECURITY)}, not '{delivery.security}'",
                          'e.g. security = "starttls"')
    return Options(
        fetch=_fetch_options(data["fetch"], origin, base_dir),
        output=output,
        delivery=delivery,
        title=briefing["title"],
        key_points=briefing["key_points"],
        items_per_section=briefing["items_per_section"],
        days=briefing["days"],
        formats=formats,
        topics=tuple(topics),
        empty_section=briefing["empty_section"],
        ranking=RankingOptions(**ranking),
        input=InputOptions(**data["input"]),
        cache=CacheOptions(enabled=data["cache"]["enabled"], dir=_config_path(data["cache"]["dir"], base_dir)),
        engine=_engine_options(data["engine"], origin),
        stories=StoryOptions(**data["stories"]),
    )


def _check_unique(names: list[str], dotted: str, origin: str) -> None:
    """Refuse a list that names something twice (a topic twice would be two sections of one name)."""
    twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
    if twice is not None:
        raise ConfigError(f"{origin}: {dotted} names '{printable(twice)}' twice", "name each once")


def _engine_options(table: dict[str, Any], origin: str) -> EngineOptions:
    """``[engine]`` checked: the scheduler empty, or an address a Dask scheduler can have."""
    if table["scheduler"]:
        scheduler_address(table["scheduler"], f"{origin}: engine.scheduler")
    return EngineOptions(**table)


#: the ways a client reaches a Dask scheduler over a network (``[engine] scheduler``, ``--scheduler``)
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss")


def scheduler_address(text: str, where: str = "--scheduler") -> str:
    """``text`` as a Dask scheduler's address: ``SCHEME://HOST:PORT`` with a scheme of
    :data:`SCHEDULER_SCHEMES` (in any case), or ``HOST:PORT`` (``tcp://`` is added). Raises
    :class:`~briefgen.errors.ConfigError` naming ``where`` the address was given for anything
    else (a dashboard's ``http://`` address, Dask's in-process ``inproc://``, no port)."""
    shown = printable(text[:200]) + ("…" if len(text) > 200 else "")
    hint = "a Dask scheduler's address is tcp://HOST:PORT, e.g. tcp://scheduler.example:8786 (the port `dask scheduler` prints)"
    scheme, found, rest = text.strip().partition("://")
    address = f"{scheme.lower()}://{rest}" if found else f"tcp://{scheme}"
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError:  # a port that is no number, a bracket that is no IPv6 address
        parts, port = urlsplit(""), None
    scheme = address.partition("://")[0]
    if scheme not in SCHEDULER_SCHEMES:
        also = " (the dashboard's address, not the scheduler's)" if scheme in ("http", "https") else ""
        raise ConfigError(f"{where}: '{shown}' is not a Dask scheduler's address: {printable(scheme)}:// is not one of "
                          f"{', '.join(s + '://' for s in SCHEDULER_SCHEMES)}{also}", hint)
    if (not parts.hostname or port is None or port == 0 or parts.username is not None or parts.path
            or parts.query or parts.fragment or any(c.isspace() for c in address)):
        raise ConfigError(f"{where}: '{shown}' is not a Dask scheduler's address (SCHEME://HOST:PORT)", hint)
    return address


def _site_url(url: str, origin: str) -> str:
    """``[output] site_url`` checked: empty, or an http(s) URL with a host, ending in ``/``."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ConfigError(f"{origin}: output.site_url must be an http(s) address, not '{url}'",
                          'e.g. site_url = "https://briefs.example.org/desk/"')
    return url if url.endswith("/") else url + "/"


def is_fetch_url(url: str) -> bool:
    """Whether ``url`` may be fetched: an http or https URL with a host (and a numeric port, if any)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def fetch_only(options: FetchOptions, feeds: Sequence[str], pages: Sequence[str]) -> FetchOptions:
    """``options`` fetching these ``feeds`` and ``pages`` instead of the config's feeds, OPML file
    and pages (``briefgen fetch --feed URL --page URL``, whose URLs the command line has checked
    with :func:`is_fetch_url`); every other setting stays as configured."""
    return replace(options, feeds=tuple(u.strip() for u in feeds), pages=tuple(u.strip() for u in pages), opml="")


def _fetch_options(table: dict[str, Any], origin: str, base_dir: Path | None) -> FetchOptions:
    """``[fetch]`` checked: every feed and page an http(s) URL with a host, a user agent on one line."""
    for key in ("feeds", "pages"):
        for url in table[key]:
            if not is_fetch_url(url):
                raise ConfigError(f"{origin}: fetch.{key} holds '{printable(url)[:200]}', which is not an http or https URL",
                                  f'write each as "https://host/path", e.g. {key} = ["https://news.example/rss.xml"]')
    agent = table["user_agent"]
    if not agent.strip() or not agent.isprintable():
        raise ConfigError(f"{origin}: fetch.user_agent must be one printable line", 'e.g. user_agent = "briefgen-fetch/0.1"')
    return FetchOptions(**dict(table, feeds=tuple(u.strip() for u in table["feeds"]),
                               pages=tuple(u.strip() for u in table["pages"]), opml=_config_path(table["opml"], base_dir)))


def parse_formats(value: str) -> tuple[str, ...]:
    """``"md,pdf"`` → ``("md", "pdf")``, refusing unknown names."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown format '{fmt}'", f"choose from {', '.join(FORMATS)}")
    if not formats:
        raise ConfigError("no output format given", f"choose from {', '.join(FORMATS)}")
    return formats
