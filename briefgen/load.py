"""Stage 1, load: files in a corpus folder → :class:`~briefgen.models.Article` objects.

Formats (one reader each, in :mod:`briefgen.readers`): ``.txt``, ``.md``/``.markdown`` with
optional YAML front matter, ``.html``/``.htm`` (main text by trafilatura), RSS and Atom feeds
(``.xml``, ``.rss``, ``.atom``: one article per entry) and ``.jsonl`` (one article per line).
A date may also come from the file name (``2026-11-29-some-slug.md``). Every reader's text is
normalised the same way (:func:`normalize_body`): paragraphs found whatever the layout —
blank-line paragraphs, one paragraph per line, hard-wrapped, or flattened onto one line —
by :mod:`briefgen.text.layout`, separated by one blank line, white space folded.

Nothing here writes to the corpus folder. Each unusable file or entry becomes an
:class:`~briefgen.errors.ArticleError` in :attr:`LoadResult.problems` and the others load;
so does a file whose parsing uses more than its budget of processor time (:func:`parse_file`,
``[input] max_seconds``) or whose title, source or link is longer than any real one
(:data:`MAX_FIELD`);
non-fatal findings (a guessed encoding, text without sentence punctuation) are
:attr:`LoadResult.warnings`. Near-duplicate articles from different outlets (the same wire
story) are merged into one article that remembers the others in ``also_in``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import logging
import os
import re
import reprlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.budget import OverBudget, cpu_budget
from briefgen.config import MAX_DAYS
from briefgen.corpora import chart_heads, coverage_hint, merged, newest, window_groups
from briefgen.coverage import counted
from briefgen.dedupe import duplicate_groups
from briefgen.errors import ArticleError, ConfigError, InputError
from briefgen.files import Unreadable, is_utf8_name, printable, read_regular, size_text
from briefgen.models import Activity, Article
from briefgen.parallel import Progress, map_items
from briefgen.readers import READERS, Draft, Reader, Reading, clean_text, decode_bytes, read_txt
from briefgen.text.layout import paragraphs
from briefgen.text.split import Split

if TYPE_CHECKING:
    from briefgen.about import AboutRule

log = logging.getLogger(__name__)

SUFFIXES = tuple(READERS)
MAX_BYTES = 5_000_000  #: the default size limit of one file (``[input] max_bytes``)
MAX_SECONDS = 60.0  #: the default budget of processor time to parse one file (``[input] max_seconds``)
#: The longest title, source or link read (characters, counted before a value is made text): a
#: headline is a line, an outlet a name; a longer one is a broken file, and the article is skipped.
MAX_FIELD = 10_000
LONG_RUN = 1000  #: words without sentence punctuation past which a warning is given

_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d|$)")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?。！？…]")


@dataclass
class LoadResult:
    """What :func:`load_corpus` found: the articles, one problem per file or entry it left out,
    and warnings about what it loaded."""

    articles: list[Article] = field(default_factory=list)
    problems: list[ArticleError] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  #: paths of articles without any date
    warnings: list[str] = field(default_factory=list)  #: non-fatal, one line each, naming the file
    duplicates: int = 0  #: entries merged into a near-identical article (kept in ``also_in`` or dropped)
    #: the sentences of articles split already (:meth:`remember`), by their id and text
    split: dict[tuple[str, str], Split] = field(default_factory=dict, repr=False, compare=False)

    def newest_date(self) -> dt.date | None:
        """The newest date of an article (of a merged group, of any member kept)."""
        return newest_date(self.articles)

    def coverage_hint(self) -> str:
        """A hint naming the days the corpus covers, for a window that holds no article."""
        return coverage_hint(m.date for a in self.articles for m in (a, *a.also_in))

    def in_window(self, start: dt.date, end: dt.date) -> list[Article]:
        """The articles dated from ``start`` to ``end`` (:func:`in_window`)."""
        return in_window(self.articles, start, end)

    def activity(self, rule: AboutRule, end: dt.date) -> Activity:
        """The coverage chart's counts up to ``end`` (:func:`briefgen.corpora.chart_heads`;
        whether each article is about each topic: ``rule``, :class:`briefgen.about.AboutRule`)."""
        span, heads = chart_heads([a.date for a in self.articles], end)
        chosen = [self.articles[k] for k in heads]
        split = [kept if (kept := self.split.get((a.id, a.text))) is not None else Split.of(a) for a in chosen]
        return counted(span, [a.date for a in chosen if a.date is not None], rule.about(chosen, split), rule.topics)

    def remember(self, articles: Sequence[Article], split: Sequence[Split]) -> None:
        """Keep the sentences of ``articles`` (their :meth:`briefgen.text.split.Split.of`,
        ``split``: the window's, split by the briefing's first stage), so that :meth:`activity`
        does not split them again: a run without the index counts its window's articles for the
        chart without splitting them twice."""
        self.split.update(((a.id, a.text), one) for a, one in zip(articles, split, strict=True))


@dataclass
class FileResult:
    """What one file gave: its articles, the entries left out, and warnings."""

    articles: list[Article] = field(default_factory=list)
    problems: list[ArticleError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_corpus(folder: Path, suffixes: Iterable[str] = SUFFIXES, jobs: int = 1,
                progress: Progress[FileResult] | None = None, max_bytes: int = MAX_BYTES,
                max_seconds: float = MAX_SECONDS) -> LoadResult:
    """Load every article file under ``folder`` (recursively, hidden files and folders
    skipped), in path order, over ``jobs`` processes. The folder is only ever read; a file over
    ``max_bytes`` or whose parsing takes over ``max_seconds`` of processor time is a problem.
    Problems and warnings are returned, for the caller to report; a folder without a single
    article file (and nothing unreadable in it) is an :class:`InputError` of its own."""
    folder = Path(folder)
    result = LoadResult()
    paths = corpus_files(folder, suffixes, result.problems)
    jobs_list = [(path, corpus_id(path, folder), max_bytes, folder, max_seconds) for path in paths]
    loaded: list[Article] = []
    for found in map_items(_load_job, jobs_list, jobs, progress):
        loaded.extend(found.articles)
        result.problems.extend(found.problems)
        result.warnings.extend(found.warnings)
    result.articles = merge_duplicates(_unique_ids(loaded))
    result.duplicates = len(loaded) - len(result.articles)
    result.undated = [m.path for a in result.articles for m in (a, *a.also_in) if m.date is None]
    return result


def corpus_files(folder: Path, suffixes: Iterable[str], problems: list[ArticleError]) -> list[Path]:
    """The article files of the corpus ``folder`` (:func:`list_files`), folders that cannot be
    listed added to ``problems``. A folder that is missing, not a folder, not named in UTF-8 or
    without a single article file (and nothing unreadable in it) is an :class:`InputError`."""
    return [Path(name) for name in corpus_names(folder, suffixes, problems)]


def corpus_names(folder: Path, suffixes: Iterable[str], problems: list[ArticleError]) -> list[str]:
    """:func:`corpus_files` as strings (:func:`list_names`), for the corpus index, which looks
    at the name and ``stat`` of every file on every run and reads only a few of them."""
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise InputError(f"corpus folder {printable(folder)} {what}", "pass the folder of articles with --corpus DIR")
    if not is_utf8_name(folder):
        raise InputError(f"the name of the corpus folder {printable(folder)} is not valid UTF-8",
                         "rename the folder, or pass it through a symbolic link with a UTF-8 name")
    suffixes = tuple(s.lower() for s in suffixes)
    unlistable: list[ArticleError] = []
    names = list_names(folder, suffixes, unlistable)
    if not names and not unlistable:
        raise InputError(f"corpus folder {printable(folder)} is empty: it holds no article file",
                         f"put articles ({' '.join(suffixes)}) in it, or pass another folder with --corpus DIR")
    problems.extend(unlistable)
    return names


def list_files(folder: Path, suffixes: tuple[str, ...], problems: list[ArticleError]) -> list[Path]:
    """The files under ``folder`` with one of ``suffixes``, sorted; hidden files and folders are
    skipped, symbolic links to folders are not followed (links to files are listed: the loader
    checks where they lead), and a folder that cannot be listed is a problem."""
    return [Path(name) for name in list_names(folder, suffixes, problems)]


def list_names(folder: Path, suffixes: tuple[str, ...], problems: list[ArticleError]) -> list[str]:
    """The paths of :func:`list_files` as strings (``str(path)``), in the same order: without a
    :class:`~pathlib.Path` made for each of a corpus's thousands of files."""

    def unlistable(error: OSError) -> None:
        problems.append(ArticleError(printable(str(error.filename)), f"cannot list the folder: {error.strerror or error}",
                                     "check that it exists and is readable"))

    found: list[str] = []
    roots = 0
    for root, dirs, files in os.walk(folder, onerror=unlistable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        # a name not starting with "." ends with a suffix exactly when os.path.splitext gives it
        chosen = [f for f in files if not f.startswith(".") and f.lower().endswith(suffixes)]
        if chosen:
            roots += 1
            prefix = os.path.join(root, "")
            found += [prefix + f for f in chosen]
    if os.fspath(folder) == os.curdir:  # spelled as Path spells them: "a.md", not "./a.md"
        found = [name[len(os.curdir + os.sep):] for name in found]
    if roots > 1:  # as their paths sort (by parts); in one folder, as the names sort
        found.sort(key=lambda name: name.split(os.sep))
    else:
        found.sort()
    return found


def relative_name(path: Path | str, folder: Path) -> str:
    """``path``'s place in ``folder`` as a POSIX path (``path.relative_to(folder).as_posix()``,
    by slicing the string when ``path`` is spelled under ``folder``, as listed: a corpus's
    thousands of files are named so on every run)."""
    prefix = str(folder).rstrip("/") + "/"
    name = str(path)
    if os.sep == "/" and prefix != "./" and name.startswith(prefix):
        return name[len(prefix):]
    return Path(path).relative_to(folder).as_posix()


def corpus_id(path: Path, folder: Path) -> str:
    """The id of the article in the corpus file ``path``: its path in ``folder`` without suffix."""
    name = relative_name(path, folder)
    return name[:-len(path.suffix)] if path.suffix else name


def _load_job(job: tuple[Path, str, int, Path, float]) -> FileResult:
    path, article_id, max_bytes, folder, max_seconds = job
    try:
        return load_file(path, article_id, max_bytes, corpus=folder, max_seconds=max_seconds)
    except ArticleError as problem:
        return FileResult(problems=[problem])


def load_article(path: Path, article_id: str | None = None, max_bytes: int = MAX_BYTES,
                 raw: bytes | None = None, origin: str | None = None, max_seconds: float = MAX_SECONDS) -> Article:
    """Read a file of one article; raise :class:`ArticleError` when it cannot be used (or holds
    several articles: a feed or JSON lines file). Warnings are logged.

    With ``raw``, those bytes are the file's content (standard input, say) and nothing is
    read: ``path``'s suffix still chooses the reader, and ``origin`` names the text in
    messages."""
    path = Path(path)
    origin = origin or printable(path)
    if raw is None:
        found = load_file(path, article_id, max_bytes, max_seconds=max_seconds)  # named by the user: a link is followed
    elif len(raw) > max_bytes:
        raise ArticleError(origin, f"is over the {size_text(max_bytes)} limit", "split it, or raise [input] max_bytes")
    else:
        found = parse_file(raw, path, article_id, origin, max_seconds)
    for warning in found.warnings:
        log.warning("%s", warning)
    if len(found.articles) == 1:
        return found.articles[0]
    if found.articles:
        raise ArticleError(origin, f"holds {len(found.articles)} articles, not one",
                           "give a file of one article, or put it in a corpus folder for briefgen daily")
    if found.problems:
        raise found.problems[0]
    raise ArticleError(origin, "no article in the file", "check that it holds article text")


def load_file(path: Path, article_id: str | None = None, max_bytes: int = MAX_BYTES,
              corpus: Path | None = None, max_seconds: float = MAX_SECONDS) -> FileResult:
    """Every article of one file, the entries it had to leave out, and warnings. Raises
    :class:`ArticleError` when the whole file is unusable.

    ``article_id`` (the path in the corpus without suffix) is the id of a file's one article;
    the articles of a feed or JSON lines file are ``<id><suffix>#<entry or line number>``.
    With ``corpus`` (the folder it was found in), a symbolic link leading outside that folder
    is refused. A name that is not valid UTF-8 is refused before the file is read; problems and
    warnings name the file in a printable form (:func:`briefgen.files.printable`). Parsing has
    ``max_seconds`` of processor time (:func:`parse_file`)."""
    path = Path(path)
    return parse_file(read_file(path, max_bytes, corpus), path, article_id, printable(path), max_seconds)


def read_file(path: Path, max_bytes: int = MAX_BYTES, corpus: Path | None = None) -> bytes:
    """The bytes of an article file (:func:`read_bytes`); a name that is not valid UTF-8 is
    refused before the file is read."""
    if not is_utf8_name(path):
        raise ArticleError(printable(path), "the file name is not valid UTF-8", "rename the file: its name must be UTF-8")
    return read_bytes(path, max_bytes, corpus)


def parse_file(raw: bytes, path: Path, article_id: str | None, origin: str,
               max_seconds: float | None = MAX_SECONDS) -> FileResult:
    """The articles in the bytes of a file (:func:`load_file` without the reading): the reader
    is chosen by ``path``'s suffix, and ``origin`` names the file in problems and warnings.

    The parsing may use ``max_seconds`` of processor time (``None``: no limit); past that it is
    stopped and the whole file is an :class:`ArticleError` naming the budget. The budget holds
    in the main thread of a process (one run, or each worker process of ``--jobs N``), not in
    the threads of a Dask worker: :mod:`briefgen.budget`."""
    try:
        with cpu_budget(max_seconds):
            return _parse(raw, path, article_id, origin)
    except OverBudget as over:
        raise ArticleError(origin, f"reading it took over {over.seconds:g} s of processor time, the budget of one file: "
                           "stopped as a possible hang", "check the file, or raise [input] max_seconds",
                           kind="over_budget") from None


def _parse(raw: bytes, path: Path, article_id: str | None, origin: str) -> FileResult:
    if not raw.strip():
        raise ArticleError(origin, "no article text", "the file is empty or holds only front matter")
    reader = READERS.get(path.suffix.lower(), read_txt)
    reading = _read(reader, raw, origin)
    found = FileResult(problems=list(reading.problems), warnings=list(reading.warnings))
    base_id = article_id or path.with_suffix("").name
    for draft in reading.drafts:
        draft_id = f"{base_id}{path.suffix}#{draft.entry}" if reading.several else base_id
        where = f"{origin} {draft.where}" if draft.where else origin
        try:
            article = make_article(draft, path, draft_id, where)
        except ArticleError as problem:
            found.problems.append(problem)
            continue
        found.articles.append(article)
        found.warnings.extend(text_warnings(article.text, where))
    if not found.articles and not found.problems:
        raise ArticleError(origin, "no article text", "the file is empty or holds only front matter")
    return found


def _read(reader: Reader, raw: bytes, origin: str) -> Reading:
    """``reader(raw, origin)``; a parser that fails on content it cannot cope with (third-party
    code on hostile input) costs this file only, with the reason in the problem."""
    try:
        return reader(raw, origin)
    except ArticleError:
        raise
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError) as exc:
        raise ArticleError(origin, f"could not be parsed ({type(exc).__name__}: {str(exc)[:200]})",
                           "check the file; remove it from the corpus if it is not an article", kind="unparsable") from exc


def read_bytes(path: Path, max_bytes: int = MAX_BYTES, corpus: Path | None = None) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, read without blocking (a named pipe
    or device is refused, not waited on), and only ever opened for reading. With ``corpus``,
    the file must lie inside that folder once symbolic links are resolved."""
    try:
        return read_regular(Path(path), max_bytes, corpus)
    except Unreadable as exc:
        hints = _CORPUS_HINTS if corpus is not None else _FILE_HINTS
        raise ArticleError(printable(path), exc.reason, hints.get(exc.kind, hints["io"])) from exc


_CORPUS_HINTS = {
    "io": "check that it exists and is readable",
    "not_regular": "remove it from the corpus folder",
    "too_large": "split it, remove it from the corpus, or raise [input] max_bytes",
    "outside": "copy the file into the corpus folder if it is meant to be briefed",
    "loop": "remove the link, or point it at the article file",
}
_FILE_HINTS = {
    "io": "check that it exists and is readable",
    "loop": "remove the link, or point it at the article file",
    "not_regular": "give a regular file of article text",
    "too_large": "split it, or raise [input] max_bytes",
}


def decode(raw: bytes, origin: str) -> str:
    """Bytes → text: a byte-order mark or UTF-8, else the encoding charset-normalizer guesses."""
    return decode_bytes(raw, origin).text


def make_article(draft: Draft, path: Path, article_id: str, origin: str) -> Article:
    """An :class:`Article` from a reader's draft: text cleaned and normalised, metadata checked."""
    body = normalize_body(clean_text(draft.body))
    if not body:
        raise ArticleError(origin, "no article text", _EMPTY_HINTS.get(path.suffix.lower(), _EMPTY_HINTS[""])
                           if not draft.where else "give the entry some text")
    meta = draft.meta
    for key in ("title", "source", "url"):
        if text_size(meta.get(key), MAX_FIELD) > MAX_FIELD:
            raise ArticleError(origin, f"a {key} of over {MAX_FIELD:,} characters: not a {key}",
                               f"shorten the {key}, or check that the file is not damaged")
    title = _SPACES.sub(" ", clean_text(_as_text(meta.get("title")))).strip() or title_from_name(path)
    return Article(
        id=article_id,
        title=title,
        source=_SPACES.sub(" ", clean_text(_as_text(meta.get("source")))).strip(),
        date=_parse_date(meta.get("date"), origin) or _date_from_name(path.name),
        url=_SPACES.sub("", clean_text(_as_text(meta.get("url")))),
        path=str(path),
        text=body,
    )


_EMPTY_HINTS = {
    "": "the file is empty or holds only front matter",
    ".html": "the page holds no article text, only markup",
    ".htm": "the page holds no article text, only markup",
}


def text_size(value: object, limit: int) -> int:
    """How many characters :func:`_as_text` would make of ``value``, counted without making it
    and without recursion, up to a little over ``limit`` (then the counting stops): a list or
    mapping counts its members and their separators, any other value its text (a number's
    digits; a string is not copied)."""
    size = 0
    stack = [value]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, list | tuple | dict):
            members = list(item.items()) if isinstance(item, dict) else item
            size += 2 * len(members)
            stack.extend(members[:limit])
        elif item is not None:
            size += len(reprlib.repr(item))
    return size


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def text_warnings(text: str, origin: str) -> list[str]:
    """Warnings about text briefgen can load but hardly quote: no sentence punctuation at all,
    or a run of more than :data:`LONG_RUN` words without any."""
    if not _SENTENCE_END.search(text):
        return [f"{origin}: no sentence punctuation (. ! ?) at all: no sentence in it can be quoted"]
    longest = max(len(run.split()) for run in _SENTENCE_END.split(text))
    if longest > LONG_RUN:
        return [f"{origin}: a run of {longest:,} words without sentence punctuation: too long to quote as a sentence"]
    return []


def _unique_ids(articles: list[Article]) -> list[Article]:
    """The articles, each id made unique (:func:`unique_ids`)."""
    ids = unique_ids([a.id for a in articles], [Path(a.path).suffix for a in articles])
    return [a if a.id == i else replace(a, id=i) for a, i in zip(articles, ids, strict=True)]


def unique_ids(ids: Sequence[str], suffixes: Sequence[str]) -> list[str]:
    """The ids of articles in corpus order, each made unique: ``a.md`` and ``a.html`` both give
    ``a``; the second becomes ``a.html`` (then ``a.html~2``…). ``suffixes`` are their files'."""
    seen: set[str] = set()
    unique = []
    for article_id, suffix in zip(ids, suffixes, strict=True):
        if article_id in seen:
            base, article_id = article_id, f"{article_id}{suffix}"
            n = 2
            while article_id in seen:
                article_id, n = f"{base}{suffix}~{n}", n + 1
        seen.add(article_id)
        unique.append(article_id)
    return unique


def merge_duplicates(articles: list[Article]) -> list[Article]:
    """One article per group of near-duplicates (:mod:`briefgen.dedupe`): the first keeps its
    text and lists the copies from other outlets in ``also_in``; a copy from an outlet already
    in the group (or a byte-identical copy from an unknown outlet) is dropped."""
    merged = []
    sources = [a.source for a in articles]
    for group in duplicate_groups([a.text for a in articles]):
        members = [articles[i] for i in kept_members(group, sources, lambda i: text_digest(articles[i].text))]
        merged.append(replace(members[0], also_in=tuple(members[1:])))
    return merged


def kept_members(group: Sequence[int], sources: Sequence[str], digest: Callable[[int], bytes]) -> list[int]:
    """The members of a group of near-duplicates (indexes into ``sources``) that are kept: each
    but a copy from an outlet already kept, or, when neither names its outlet, a copy whose text
    has the same ``digest`` (:func:`text_digest`) as a kept one."""
    kept: list[int] = []
    for i in group:
        if not any(sources[i].casefold() == sources[k].casefold() if sources[i] or sources[k] else digest(i) == digest(k)
                   for k in kept):
            kept.append(i)
    return kept


def text_digest(text: str) -> bytes:
    """A digest of an article's text: equal for byte-identical texts."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


def newest_date(articles: Sequence[Article]) -> dt.date | None:
    """The newest date of the articles and of the copies merged into them (``also_in``: a
    window that holds any of them holds the story), ``None`` when none has one."""
    return newest(m.date for a in articles for m in (a, *a.also_in))


def normalize_body(body: str) -> str:
    """Paragraphs separated by one blank line, white space inside each folded to one space.

    What a line break means is decided per document by :mod:`briefgen.text.layout`: blank-line
    paragraphs, one paragraph per line, hard-wrapped text and text flattened onto one line
    with a lone " . " where a line ended all give the same paragraphs, and a sub-heading,
    caption or byline on a line of its own stays a paragraph of its own.
    """
    return "\n\n".join(paragraphs(body))


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%d.%m.%Y")


def _parse_date(value: object, origin: str) -> dt.date | None:
    """A date from metadata: a date, an ISO date (with any time after it), a few written forms,
    or an RFC 2822 date as feeds and mail write them."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    # A list or mapping is no date: shown cut short (reprlib), never converted whole.
    text = (str(value) if isinstance(value, str | int | float) else reprlib.repr(value)).strip()[:100]
    match = _ISO_PREFIX.match(text)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        raise ArticleError(origin, f"date '{text}' is not a date", "write it as YYYY-MM-DD") from None


def _date_from_name(name: str) -> dt.date | None:
    match = _FILENAME_DATE.search(name)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def title_from_name(path: Path) -> str:
    """A title made of the file name (``2026-11-24-border-talks.md`` → "Border talks"), on one
    line, control characters dropped."""
    stem = _FILENAME_DATE.sub("", path.stem).strip("-_ ")
    title = stem.replace("-", " ").replace("_", " ").strip().capitalize() or path.name
    return _SPACES.sub(" ", clean_text(title)).strip() or "Untitled"


def window(end: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the window of ``days`` ending on ``end``; a length outside
    1 to :data:`~briefgen.config.MAX_DAYS`, or one that would start before year 1, is a
    :class:`ConfigError`."""
    if not 1 <= days <= MAX_DAYS:
        raise ConfigError(f"a window of {days} days is not possible: the window is 1 to {MAX_DAYS} days",
                          f"pass --days (or set briefing.days) between 1 and {MAX_DAYS}")
    try:
        return end - dt.timedelta(days=days - 1), end
    except OverflowError:
        raise ConfigError(f"a window of {days} days ending on {end.isoformat()} would start before the year 1",
                          "pass a later --date or a smaller --days") from None


def in_window(articles: Iterable[Article], start: dt.date, end: dt.date) -> list[Article]:
    """The dated articles from ``start`` to ``end``, both included. Of a merged group (an
    article and its ``also_in`` copies) the members dated in the window are kept: the first of
    them carries the text, the others stay in its ``also_in`` (:func:`briefgen.corpora.window_groups`)."""
    groups = ((replace(article, also_in=()), *article.also_in) for article in articles)
    return [merged(members) for members in window_groups(groups, _date_of, start, end)]


def _date_of(article: Article) -> dt.date | None:
    return article.date
