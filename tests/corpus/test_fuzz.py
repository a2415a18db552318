"""A fuzz corpus: pathological inputs made by code, at two sizes, through every reader.

Each family of :data:`TEXTS` is text of ``n`` units (nesting, every markup opener and closer
repeated, long lines without spaces, many tiny paragraphs, control characters, odd dates,
huge fields); :data:`WRAPPERS` make a file of it for each reader (Markdown with front matter,
plain text, an HTML page, an RSS feed, JSON lines), and :data:`RAW` adds inputs that only make
sense as bytes of one format (YAML aliases and nesting, deep JSON, mixed encodings, deep HTML).
Fetch reads the same feeds and pages (:func:`briefgen.fetch.feeds.feed_items`,
:func:`briefgen.fetch.pages.extract_article`) and writes what it found as Markdown that the
loader reads back.

Every input gives articles or a problem naming the file (:class:`ArticleError`), never another
exception; and its work is counted (:func:`tests.steps.python_steps`): four times the input runs
fewer than five times the steps of briefgen's own code, within a budget of steps per byte.
Regular expressions work in C, where nothing can be counted: :mod:`tests.corpus.test_pathological`
keeps the inputs that once made them take hours.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.errors import ArticleError
from briefgen.fetch.feeds import feed_items
from briefgen.fetch.pages import extract_article
from briefgen.fetch.write import article_markdown
from briefgen.load import FileResult, parse_file
from tests.steps import hang_stop, python_steps

N = 400  #: units of the smaller input; the larger has 4 times as many
GROWTH = 5.0  #: steps(4n) / steps(n) stays below this: linear (quadratic work would give about 16)
STEPS_PER_BYTE = 60  #: and steps(4n) per byte of the larger input stays below this

OPENERS_AND_CLOSERS = ["**", "__", "*", "_", "~~", "`", "```", "[", "]", "](", "![", "[^", "(", ")", "<", ">", "</",
                       "<a", "<a href='", "<script>", "</p>", "<!--", "-->", "{%", "%}", "{{", "}}", "{:", " {#", "&",
                       "&lt;", "&#", "#", "> ", "- ", "1. ", "\\", "|", "---", "===", ":", '"', "'", "$$"]

TEXTS: dict[str, Callable[[int], str]] = {
    "nested-quotes": lambda n: ">" * n + " a.",
    "nested-lists": lambda n: "".join("  " * k + "- a.\n" for k in range(n)),
    "nested-brackets": lambda n: "[" * n + "a" + "]" * n + "(" * n + ")" * n,
    "nested-emphasis": lambda n: "*_" * n + "a." + "_*" * n,
    "nested-tags": lambda n: "<b><i>" * n + "a." + "</i></b>" * n,
    "long-line": lambda n: "a" * (40 * n),
    "long-line-of-stops": lambda n: "a." * (20 * n),
    "tiny-paragraphs": lambda n: "a.\n\n" * (4 * n),
    "tiny-lines": lambda n: "a\n" * (8 * n),
    "blank-lines": lambda n: "Envoys met.\n" + "\n" * (20 * n) + "They agreed.",
    "control-characters": lambda n: "Envoys met\x01\x02\x1b[31m on\u2028Monday\u200b.\x7f\ufeff\x0c " * n,
    "odd-dates": lambda n: "0001-01-01 9999-12-31 2026-02-30 Tue, 99 Nov 2026 30/02/2026. " * n,
    "one-word-sentences": lambda n: "Yes. " * (8 * n),
    "no-punctuation": lambda n: "word " * (8 * n),
    "bylines": lambda n: "By A. Writer\n\n" * n,
    **{f"repeat{k}": (lambda n, t=t: t * (10 * n)) for k, t in enumerate(OPENERS_AND_CLOSERS)},
    **{f"unclosed{k}": (lambda n, t=t: (t + "a ") * (4 * n)) for k, t in enumerate(OPENERS_AND_CLOSERS)},
}

HEAD = "Envoys met in Tashkent on Monday to talk about the railway. "


def as_md(text: str) -> tuple[str, bytes]:
    return ".md", f"---\ntitle: Fuzz\ndate: 2026-11-24\n---\n\n{HEAD}\n\n{text}\n".encode("utf-8", "surrogatepass")


def as_txt(text: str) -> tuple[str, bytes]:
    return ".txt", f"Fuzz\n\n{HEAD}\n\n{text}\n".encode("utf-8", "surrogatepass")


def as_html(text: str) -> tuple[str, bytes]:
    page = f"<html><head><title>Fuzz</title></head><body><article><p>{HEAD}</p><p>{text}</p></article></body></html>"
    return ".html", page.encode("utf-8", "surrogatepass")


def as_feed(text: str) -> tuple[str, bytes]:
    escaped = html.escape(f"<p>{HEAD}</p><p>{text}</p>", quote=False)
    feed = ('<rss version="2.0"><channel><title>Wire</title><item><title>' + html.escape(text[:2000], quote=False)
            + "</title><link>https://news.example/a</link><pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate>"
            f"<description>{escaped}</description></item></channel></rss>")
    return ".rss", feed.encode("utf-8", "surrogatepass")


def as_jsonl(text: str) -> tuple[str, bytes]:
    line = json.dumps({"title": text[:2000], "date": "2026-11-24", "text": HEAD + text, "source": "Wire"})
    return ".jsonl", (line + "\n" + line + "\n").encode()


WRAPPERS = {"md": as_md, "txt": as_txt, "html": as_html, "feed": as_feed, "jsonl": as_jsonl}

RAW: dict[str, Callable[[int], tuple[str, bytes]]] = {
    "yaml-nesting": lambda n: (".md", ("---\ntitle: " + "[" * (n // 8) + "a" + "]" * (n // 8) + "\n---\n\nText.\n").encode()),
    "yaml-mapping-nesting": lambda n: (".md", ("---\ntitle: " + "{a: " * (n // 8) + "b" + "}" * (n // 8) + "\n---\n\nText.\n").encode()),
    "yaml-aliases": lambda n: (".md", ("---\nx: &x Khyber Wire\ntags: [" + ", ".join(["*x"] * n) + "]\ntitle: *x\n---\n\n"
                                       + HEAD).encode()),
    "yaml-many-keys": lambda n: (".md", ("---\n" + "".join(f"k{i}: v\n" for i in range(n)) + "---\n\n" + HEAD).encode()),
    "yaml-huge-title": lambda n: (".md", ("---\ntitle: " + "a" * (30 * n) + "\n---\n\n" + HEAD).encode()),
    "yaml-title-list": lambda n: (".md", ("---\ntitle: [" + ", ".join(["a"] * n) + "]\n---\n\n" + HEAD).encode()),
    "yaml-odd-dates": lambda n: (".md", (f"---\ndate: {'9' * min(n, 4000)}-01-01\n---\n\n" + HEAD).encode()),
    "front-matter-never-closed": lambda n: (".md", ("---\n" + "title: a\n" * n + HEAD).encode()),
    "json-nesting": lambda n: (".jsonl", ('{"text": "a.", "title": ' + "[" * n + "]" * n + "}\n").encode()),
    "json-huge-title": lambda n: (".jsonl", json.dumps({"text": HEAD, "title": "a" * (30 * n)}).encode()),
    "json-huge-number": lambda n: (".jsonl", ('{"text": "a.", "date": ' + "9" * (10 * n) + "}\n").encode()),
    "json-many-lines": lambda n: (".jsonl", ((json.dumps({"text": "a."}) + "\n") * n).encode()),
    "json-odd-dates": lambda n: (".jsonl", "".join(json.dumps({"text": HEAD, "date": d}) + "\n" for d in
                                                   ["0001-01-01", "9999-12-31", "2026-02-30", "-1", "Tue, 99 Nov 2026",
                                                    str(10 ** 30), "1e308"] * (n // 7 + 1)).encode()),
    "html-deep": lambda n: (".html", ("<html><body>" + "<div>" * n + HEAD + "</div>" * n + "</body></html>").encode()),
    "html-unclosed": lambda n: (".html", ("<html><body><p>" + HEAD + "<div><span><p>" * n).encode()),
    "html-attributes": lambda n: (".html", ("<html><body><p " + 'a="b" ' * (4 * n) + ">" + HEAD + "</p></body></html>").encode()),
    "feed-entries": lambda n: (".rss", ('<rss version="2.0"><channel><title>Wire</title>' + "<item><title>T</title>"
                                        "<link>https://news.example/a</link><description>a.</description></item>" * n
                                        + "</channel></rss>").encode()),
    "feed-deep": lambda n: (".rss", ('<rss version="2.0"><channel><title>Wire</title><item><title>T</title><description>'
                                     + html.escape("<div>" * n + HEAD + "</div>" * n) + "</description></item></channel></rss>").encode()),
    "feed-odd-dates": lambda n: (".rss", ('<rss version="2.0"><channel><title>Wire</title>' + "".join(
        f"<item><title>T</title><link>https://news.example/{k}</link><pubDate>{d}</pubDate><description>a.</description></item>"
        for k, d in enumerate(["Tue, 99 Nov 2026 08:00:00 GMT", "0001-01-01", "31 Feb 9999", "never"] * (n // 4)))
        + "</channel></rss>").encode()),
    "mixed-encodings": lambda n: (".txt", ("Envoys met in Zürich. ".encode() + "Café fermé. ".encode("cp1252")) * n),
    "mixed-encodings-md": lambda n: (".md", b"---\ntitle: Caf\xe9\n---\n\n" + (HEAD.encode() + "naïve ".encode("latin-1")) * n),
    "utf16-then-junk": lambda n: (".txt", "Envoys met. ".encode("utf-16") + b"\xff\xfe\x00" * n),
    "bom-in-the-middle": lambda n: (".md", (HEAD + "\ufeff\u200b" * (4 * n)).encode()),
    "lone-surrogates": lambda n: (".jsonl", ('{"text": "a \\ud800 b.", "title": "\\udc00"}\n' * n).encode()),
}


def inputs() -> dict[str, Callable[[int], tuple[str, bytes]]]:
    """Every input of the corpus by name: each text in each wrapper, and the raw ones."""
    made: dict[str, Callable[[int], tuple[str, bytes]]] = {}
    for text_name, text in TEXTS.items():
        for wrapper_name, wrapper in WRAPPERS.items():
            made[f"{wrapper_name}-{text_name}"] = lambda n, text=text, wrapper=wrapper: wrapper(text(n))
    made.update(RAW)
    return made


INPUTS = inputs()


def read(suffix: str, raw: bytes) -> FileResult | ArticleError:
    """What the loader makes of the file: its articles and problems, or the problem that
    leaves the whole file out. Any other exception fails the test."""
    try:
        return parse_file(raw, Path(f"2026-11-24-fuzz{suffix}"), None, "fuzz", max_seconds=None)
    except ArticleError as problem:
        return problem


def assert_linear(name: str, run: Callable[[int], object], size: Callable[[int], int]) -> None:
    small, large = python_steps(run, N), python_steps(run, 4 * N)
    assert large / small < GROWTH, f"{name}: {small:,} steps, then {large:,} for 4 times the input"
    assert large < STEPS_PER_BYTE * size(4 * N) + 20_000, f"{name}: {large:,} steps for {size(4 * N):,} bytes"


@pytest.mark.parametrize("name", INPUTS)
def test_every_reader_reads_each_pathological_input_in_linear_work(name: str) -> None:
    make = INPUTS[name]
    with hang_stop():
        result = read(*make(N))
        assert isinstance(result, FileResult | ArticleError)
        assert_linear(name, lambda n: read(*make(n)), lambda n: len(make(n)[1]))


#: Fetch reads feeds and pages as the loader does: the raw ones, and each text but the repeated
#: markup (read by the same code in the test above) as a feed and as a page.
FETCHED = {name: make for name, make in INPUTS.items()
           if name.startswith(("feed-", "html-")) and "-repeat" not in name and "-unclosed" not in name}


@pytest.mark.parametrize("name", FETCHED)
def test_fetch_reads_each_pathological_feed_and_page_in_linear_work_and_the_loader_reads_back_what_it_writes(
        name: str) -> None:
    make = FETCHED[name]

    def fetch(n: int) -> list[Path]:
        suffix, raw = make(n)
        try:
            if suffix == ".rss":
                items, _ = feed_items(raw, "https://news.example/feed")
                found = [(item.draft.meta.get("title"), item.url, item.draft.body) for item in items]
            else:
                article = extract_article(raw, "https://news.example/a")
                found = [(article.title, article.url, article.text)]
        except ArticleError:
            return []
        written = [article_markdown(str(title or "Untitled"), dt.date(2026, 11, 24), "Wire", url, text)
                   for title, url, text in found]
        for data in written:  # fetch's own file reads back as an article, or as a problem naming it
            assert isinstance(read(".md", data), FileResult | ArticleError)
        return []

    with hang_stop():
        assert_linear(name, fetch, lambda n: len(make(n)[1]))
