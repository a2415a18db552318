"""Fetched articles into the corpus: ``CORPUS/YYYY-MM-DD/slug.md``, Markdown with front matter.

::

    ---
    title: Tashkent and Islamabad sign rail deal
    date: 2026-11-29
    source: Steppe Ledger
    url: https://steppe-ledger.example/2026/11/29/rail-deal
    ---

    First paragraph of the article.

    Second paragraph…

The body is the article's plain text, paragraphs one a line with a blank line between them,
with every character that Markdown would take as markup escaped (``\\*``, ``\\[``, ``&amp;``…),
so that the loader reads back exactly the text that was fetched, never markup made of it.

A file is written to a temporary name and then linked to its final name, which fails rather
than replace a file already there: an article in the corpus is never overwritten, and never
seen half-written. When ``slug.md`` is taken, ``slug-2.md``, ``slug-3.md``… are tried — unless
the file there is this very article (its front matter has the same ``url``): then nothing is
written, so that a fetch that lost its state does not write the corpus's articles again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from briefgen.errors import OutputError
from briefgen.files import printable, sync_folder, write_new  # the file primitives, durable

MAX_SLUG = 80  #: characters of a file name's slug at most
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Characters the loader's Markdown reading would take as markup anywhere in a line…
_INLINE = re.compile(r"([\\`*_{}\[\]<>~])")
# …and at the start of a line: a heading, a list item, a block quote (escaped above), a rule.
_LINE_START = re.compile(r"^([ \t]*)([#+\-])", re.M)
_NUMBERED = re.compile(r"^([ \t]*\d{1,9})([.)])", re.M)


def escape_markdown_text(text: str) -> str:
    """``text`` as Markdown that the loader reads back as exactly ``text``."""
    text = text.replace("&", "&amp;")
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\\2", text)


def article_markdown(title: str, date: dt.date, source: str, url: str, text: str) -> bytes:
    """The file of one article: YAML front matter (``title``, ``date``, ``source``, ``url``)
    and the escaped text, its paragraphs separated by blank lines."""
    meta = {"title": title, "date": date, "source": source, "url": url}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=False)
    body = "\n\n".join(escape_markdown_text(p) for p in text.split("\n\n") if p.strip())
    return f"---\n{front}---\n\n{body}\n".encode()


def slug(title: str, url: str = "") -> str:
    """A file name for an article: its title (else its URL's last path segment) in lower-case
    ASCII letters and digits joined by hyphens, at most :data:`MAX_SLUG` characters."""
    for candidate in (title, unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2]).rsplit(".", 1)[0]):
        ascii_text = unicodedata.normalize("NFKD", candidate).encode("ascii", "ignore").decode("ascii")
        made = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG].rstrip("-")
        if made:
            return made
    return "article"


def _date_folder(corpus: Path, date: dt.date) -> Path:
    folder = corpus / date.isoformat()
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {printable(folder)}: {exc.strerror or exc}",
                          "make the corpus folder writable for this user, then run again") from exc
    if folder.is_symlink() or not folder.is_dir():
        raise OutputError(f"{printable(folder)} is not a folder of the corpus (a file or a symbolic link)",
                          "move it away: briefgen fetch only writes into real folders inside the corpus")
    return folder


def free_path(corpus: Path, date: dt.date, name: str) -> Path:
    """The first of ``CORPUS/DATE/name.md``, ``name-2.md``… that does not exist yet (nothing
    is created: what a dry run shows)."""
    folder = corpus / date.isoformat()
    n = 1
    while True:
        path = folder / (f"{name}.md" if n == 1 else f"{name}-{n}.md")
        if not os.path.lexists(path):
            return path
        n += 1


def holds_url(path: Path, url: str) -> bool:
    """Whether the article file ``path`` is the article of ``url`` (its front matter says so)."""
    from briefgen.errors import ArticleError
    from briefgen.files import Unreadable, read_regular
    from briefgen.readers import front_matter

    try:
        meta, _ = front_matter(read_regular(path, 10_000_000, follow_link=False).decode("utf-8", "replace"), str(path))
    except (Unreadable, ArticleError):
        return False
    return str(meta.get("url") or "") == url


def write_article(corpus: Path, date: dt.date, name: str, data: bytes, url: str) -> tuple[Path, bool]:
    """Write ``data`` as ``CORPUS/DATE/name.md`` (or ``name-2.md``… when taken), durably and
    without ever replacing a file. Returns the path and ``True``; or, when a file of one of
    those names already holds the article of ``url`` (written by a fetch whose state was lost),
    that file and ``False``, writing nothing. Raises :class:`OutputError`."""
    folder = _date_folder(corpus, date)
    tmp = folder / f".{name}.{secrets.token_hex(8)}.tmp"
    try:
        try:
            write_new(tmp, data)
            n = 1
            while True:
                path = folder / (f"{name}.md" if n == 1 else f"{name}-{n}.md")
                try:
                    os.link(tmp, path, follow_symlinks=False)  # fails if the name is taken: nothing is replaced
                    break
                except FileExistsError:
                    if holds_url(path, url):
                        return path, False
                    n += 1
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    except OSError as exc:
        hint = ("free some space on the disk that holds the corpus, then run again" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
                else "make the corpus folder writable for this user (on a file system with hard links), then run again")
        raise OutputError(f"cannot write an article into {printable(folder)}: {exc.strerror or exc}",
                          hint + "; no file was left half-written") from exc
    sync_folder(folder)  # the new name is on disk
    return path, True
