"""Stage 1, load: files in a corpus folder → :class:`~briefgen.models.Article` objects.

Supported now: ``.txt`` (first line the title when a blank line follows it) and ``.md`` with
optional YAML front matter (``title``, ``date``, ``source``, ``url``). A date may also come from
the file name (``2026-11-29-some-slug.md``). Each unreadable article becomes an
:class:`~briefgen.errors.ArticleError` in :attr:`LoadResult.problems`; the others load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefgen.errors import ArticleError, InputError
from briefgen.models import Article
from briefgen.parallel import Progress, map_items

SUFFIXES = (".txt", ".md", ".markdown")
MAX_BYTES = 5_000_000

_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"\s+")
# Markdown that must not reach a sentence as markup: images go, links keep their text.
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


@dataclass
class LoadResult:
    """What :func:`load_corpus` found: the articles, and one problem per file it left out."""

    articles: list[Article] = field(default_factory=list)
    problems: list[ArticleError] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  #: paths of articles without any date


def load_corpus(folder: Path, suffixes: Iterable[str] = SUFFIXES, jobs: int = 1,
                progress: Progress[Article | ArticleError] | None = None) -> LoadResult:
    """Load every article file under ``folder`` (recursively), in path order, over ``jobs``
    processes."""
    folder = Path(folder)
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise InputError(f"corpus folder {folder} {what}", "pass the folder of articles with --corpus DIR")
    wanted = tuple(s.lower() for s in suffixes)
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in wanted and not _hidden(p, folder))
    result = LoadResult()
    seen: set[tuple[str, str]] = set()
    jobs_list = [(path, path.relative_to(folder).with_suffix("").as_posix()) for path in paths]
    for article in map_items(_load_or_problem, jobs_list, jobs, progress):
        if isinstance(article, ArticleError):
            result.problems.append(article)
            continue
        key = (article.source, hashlib.sha1(article.text.encode()).hexdigest())
        if key in seen:  # the same story saved twice from one outlet
            continue
        seen.add(key)
        result.articles.append(article)
        if article.date is None:
            result.undated.append(article.path)
    return result


def _load_or_problem(job: tuple[Path, str]) -> Article | ArticleError:
    try:
        return load_article(job[0], article_id=job[1])
    except ArticleError as problem:
        return problem


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def load_article(path: Path, article_id: str | None = None) -> Article:
    """Read one article file; raise :class:`ArticleError` when it cannot be used."""
    path = Path(path)
    raw = _read_bytes(path)
    text = decode(raw, str(path))
    reader = _READERS.get(path.suffix.lower(), _read_txt)
    meta, body = reader(text, str(path))
    body = normalize_body(body)
    if not body:
        raise ArticleError(str(path), "no article text", "the file is empty or holds only front matter")
    title = str(meta.get("title") or "").strip() or _title_from_name(path)
    return Article(
        id=article_id or path.with_suffix("").name,
        title=_SPACES.sub(" ", title),
        source=str(meta.get("source") or "").strip(),
        date=_parse_date(meta.get("date"), str(path)) or _date_from_name(path.name),
        url=str(meta.get("url") or "").strip(),
        path=str(path),
        text=body,
    )


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(str(path), f"file is {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit",
                               "split it or remove it from the corpus")
        return path.read_bytes()
    except OSError as exc:
        raise ArticleError(str(path), f"cannot read the file: {exc.strerror or exc}", "check that it exists and is readable") from exc


def decode(raw: bytes, origin: str) -> str:
    """Bytes → text: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(origin, "binary file, not text", "remove it from the corpus folder")
    for encoding in ("utf-8-sig", "utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp1252", errors="replace")


def _read_md(text: str, origin: str) -> tuple[dict[str, object], str]:
    meta: dict[str, object] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark is not None else ""
            raise ArticleError(origin, f"malformed front matter{where}", "fix the YAML between the --- lines") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ArticleError(origin, "malformed front matter: not a set of key: value lines", "fix the YAML between the --- lines")
        meta = loaded or {}
        text = text[match.end():]
    body = _MD_HEADING.sub(lambda m: "\n\n" + m.group(1) + "\n\n", text)
    body = _MD_IMAGE.sub("", body)
    body = _MD_LINK.sub(r"\1", body)
    body = _MD_EMPHASIS.sub(lambda m: m.group(2) or m.group(3), body)
    body = _HTML_TAG.sub("", body)
    if not meta.get("title"):
        first, _, rest = body.strip().partition("\n\n")
        if first and "\n" not in first and len(first) < 200 and match is None and rest:
            meta["title"], body = first, rest
    return meta, body


def _read_txt(text: str, origin: str) -> tuple[dict[str, object], str]:
    first, sep, rest = text.strip().partition("\n")
    if sep and rest.startswith(("\n", "\r\n")) and len(first) < 200 and rest.strip():
        return {"title": first.strip()}, rest
    return {}, text


_READERS: dict[str, Callable[[str, str], tuple[dict[str, object], str]]] = {
    ".md": _read_md,
    ".markdown": _read_md,
    ".txt": _read_txt,
}


def normalize_body(body: str) -> str:
    """Paragraphs separated by one blank line, white space inside each folded to one space.

    A short line that opens a block and is followed by more lines (a sub-heading or byline
    written without a blank line after it) becomes a paragraph of its own.
    """
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(body.replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        while len(lines) > 1 and _is_label_line(lines[0]):
            paragraphs.append(lines.pop(0))
        if lines:
            paragraphs.append(_SPACES.sub(" ", " ".join(lines)))
    return "\n\n".join(p for p in paragraphs if p)


def _is_label_line(line: str) -> bool:
    return len(line.split()) <= 12 and not line.endswith((".", "!", "?", ":", ";", ",", '"', "”", "'", "’"))


def _parse_date(value: object, origin: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ArticleError(origin, f"date '{text}' is not a date", "write it as YYYY-MM-DD") from None


def _date_from_name(name: str) -> dt.date | None:
    match = _FILENAME_DATE.search(name)
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def _title_from_name(path: Path) -> str:
    stem = _FILENAME_DATE.sub("", path.stem).strip("-_ ")
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or path.name


def in_window(articles: Iterable[Article], start: dt.date, end: dt.date) -> list[Article]:
    """The dated articles from ``start`` to ``end``, both included."""
    return [a for a in articles if a.date is not None and start <= a.date <= end]
