"""Configuration in layers: packaged defaults, then the user's file, then command-line flags.

The packaged ``defaults.toml`` holds every key. A user's file only overrides what it sets and
may add topics; an unknown key, a wrong type, a number outside its range (:data:`RANGES`, also
stated in ``defaults.toml``), a topic without terms or a file that is not UTF-8 TOML is a
:class:`ConfigError` naming the file and the key. The file is read like any file briefgen does
not own (:mod:`briefgen.files`): a named pipe or a device is refused, never waited on.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from briefgen.errors import ConfigError
from briefgen.files import Unreadable, printable, read_regular
from briefgen.models import Topic

FORMATS = ("md", "pdf", "html", "json")
MAX_CONFIG_BYTES = 1_000_000  #: a config file larger than this is refused
MAX_DAYS = 3660  #: the longest date window, in days (about ten years)
MAX_BASENAME_BYTES = 200  #: output.basename at most (a file name is 255 bytes, the suffix follows)


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


#: The range of every number in the config (``defaults.toml`` states each beside its key).
RANGES: dict[str, Range] = {
    "briefing.key_points": Range(0, 100),
    "briefing.items_per_section": Range(1, 100),
    "briefing.days": Range(1, MAX_DAYS),
    "output.lock_timeout": Range(0, 86_400),
    "delivery.port": Range(1, 65_535),
    "delivery.retries": Range(0, 20),
    "delivery.retry_delay": Range(0, 3_600),
    "delivery.timeout": Range(0, 3_600, above=True),
    "input.max_bytes": Range(1, 100_000_000),
    "fetch.timeout": Range(0, 600, above=True),
    "fetch.max_bytes": Range(1, 100_000_000),
    "fetch.per_host_delay": Range(0, 3_600),
    "fetch.concurrency": Range(1, 64),
    "fetch.retries": Range(0, 10),
    "fetch.retry_delay": Range(0, 3_600),
    "fetch.max_failures": Range(1, 1_000),
    "ranking.damping": Range(0, 1, below=True),
    "ranking.similarity_threshold": Range(0, 10),
    "ranking.position_weight": Range(0, 1),
    "ranking.lead_until": Range(0, 1),
    "ranking.central_from": Range(0, 1),
    "ranking.recency": Range(0, 10),
    "ranking.redundancy": Range(0, 1),
    "ranking.duplicate": Range(0, 1),
    "ranking.developing": Range(0, 1),
    "ranking.pool_size": Range(1, 100_000),
    "ranking.min_words": Range(1, 1_000),
    "ranking.max_words": Range(1, 1_000),
    "stories.lift": Range(0, 1000, above=True),
    "stories.time_scale": Range(0, MAX_DAYS, above=True),
}


@dataclass(frozen=True)
class RankingOptions:
    damping: float = 0.85
    similarity_threshold: float = 0.0
    position_weight: float = 0.5
    lead_until: float = 0.3
    central_from: float = 0.35
    recency: float = 0.1
    redundancy: float = 0.5
    duplicate: float = 0.7
    developing: float = 0.35
    pool_size: int = 1500
    min_words: int = 8
    max_words: int = 70


@dataclass(frozen=True)
class OutputOptions:
    basename: str = "briefing"  #: files are OUT/YYYY-MM-DD/<basename>.<format>
    history: bool = True  #: leave out what the previous briefing in the archive reported
    lock_timeout: float = 300.0  #: seconds a run waits for another run on the same folder
    templates: str = ""  #: a folder of the user's templates, used before the packaged ones (empty: none)


SECURITY = ("starttls", "tls", "none")


@dataclass(frozen=True)
class DeliveryOptions:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"
    sender: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = "{title} — {date}"
    username_env: str = "BRIEFGEN_SMTP_USER"
    password_env: str = "BRIEFGEN_SMTP_PASSWORD"
    retries: int = 3
    retry_delay: float = 5.0
    timeout: float = 30.0
    ca_file: str = ""  #: extra certificate authorities (PEM) to trust for TLS


@dataclass(frozen=True)
class InputOptions:
    """How the corpus is read (``[input]``)."""

    max_bytes: int = 5_000_000  #: a larger file is skipped with a warning


@dataclass(frozen=True)
class CacheOptions:
    """The corpus index (``[cache]``, :mod:`briefgen.corpus_index`)."""

    enabled: bool = True  #: keep an index of the corpus, so that a run reads only new and changed files
    dir: str = ""  #: its folder; empty: OUT/.briefgen


@dataclass(frozen=True)
class EngineOptions:
    """Where the per-article work runs (``[engine]``, :mod:`briefgen.engine`)."""

    scheduler: str = ""  #: a Dask scheduler's address (``tcp://host:8786``); empty: this machine


@dataclass(frozen=True)
class FetchOptions:
    """What ``briefgen fetch`` collects, and how politely and safely (``[fetch]``)."""

    feeds: tuple[str, ...] = ()  #: RSS and Atom feed URLs
    opml: str = ""  #: an OPML file of further feeds (a path made absolute from the config's folder)
    pages: tuple[str, ...] = ()  #: single article URLs
    full_text: bool = True  #: fetch an item's page when its feed only carries a summary
    timeout: float = 20.0  #: seconds to connect, and for a whole response to arrive
    max_bytes: int = 5_000_000  #: a larger response (compressed or not) is refused
    user_agent: str = "briefgen-fetch/0.1 (news briefing; polite, honours robots.txt)"
    per_host_delay: float = 1.0  #: seconds between two requests to one host
    concurrency: int = 4  #: requests at a time at most
    retries: int = 2  #: further attempts after a 5xx answer, a timeout or a broken connection
    retry_delay: float = 2.0  #: seconds before the first retry; doubled each time
    max_failures: int = 5  #: runs in a row a source may fail before it is tried once a day only
    allow_private: bool = False  #: allow private, loopback and link-local addresses


@dataclass(frozen=True)
class StoryOptions:
    """How articles are grouped into stories (``[stories]``); the fields of
    :class:`briefgen.stories.StorySettings`, kept here so that reading the config imports no
    NumPy (the command line answers ``--help`` without it)."""

    lift: float = 2.5  #: how many times the window's background similarity two groups must reach
    time_scale: float = 1.0  #: days over which the similarity of two reports falls to 1/e


@dataclass(frozen=True)
class Options:
    """Everything a run needs to know, built in one place by :func:`load_options`."""

    title: str
    key_points: int
    items_per_section: int
    days: int
    formats: tuple[str, ...]
    topics: tuple[Topic, ...]
    empty_section: str
    ranking: RankingOptions
    output: OutputOptions = OutputOptions()
    delivery: DeliveryOptions = DeliveryOptions()
    input: InputOptions = InputOptions()
    cache: CacheOptions = CacheOptions()
    engine: EngineOptions = EngineOptions()
    fetch: FetchOptions = FetchOptions()
    stories: StoryOptions = StoryOptions()

    def with_overrides(self, **changes: Any) -> Options:
        """A copy with command-line values laid over the file values (``None`` means unset)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}", "fix the syntax at that line") from exc
    except ValueError as exc:  # Python refuses to read a whole number of thousands of digits
        raise ConfigError(f"{origin}: a number in it has too many digits to be read", "write numbers of a sane size") from exc


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
    (``XDG_CONFIG_HOME`` defaulting to ``~/.config``) when it exists, else ``None``."""
    named = environ.get("BRIEFGEN_CONFIG", "")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigError(f"$BRIEFGEN_CONFIG names {path}, which is not a file",
                              "point BRIEFGEN_CONFIG at a config file, or unset it")
        return path
    xdg = environ.get("XDG_CONFIG_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative value is ignored
        root = Path(xdg)
    else:
        root = (Path(environ["HOME"]) if environ.get("HOME") else Path.home()) / ".config"
    path = root / "briefgen" / "config.toml"
    return path if path.exists() else None


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
                              f"e.g. {dotted} = {_toml_value(packaged_defaults()[table][key])} (the default)")
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
        engine=EngineOptions(**data["engine"]),
        stories=StoryOptions(**data["stories"]),
    )


def _fetch_options(table: dict[str, Any], origin: str, base_dir: Path | None) -> FetchOptions:
    """``[fetch]`` checked: every feed and page an http(s) URL with a host, a user agent on one line."""
    from urllib.parse import urlsplit

    for key in ("feeds", "pages"):
        for url in table[key]:
            try:
                parts = urlsplit(url.strip())
                parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
            except ValueError:
                parts = urlsplit("")
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
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
