"""Hostile input, end to end through ``briefgen daily``: markup, local-file and network URLs in
articles of every input format come out as inert text or not at all; nothing is fetched; output
names never come from articles; nothing is written outside --out; bad [input] config is refused."""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli

pytestmark = pytest.mark.e2e  # every test here goes through the command line


class Trap:
    """A local web server that counts the requests it gets: it must get none."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                trap.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { background: red }")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture
def trap() -> Iterator[Trap]:
    server = Trap()
    yield server
    server.server.shutdown()
    server.server.server_close()


def payload(url: str) -> list[str]:
    """Markup an article could carry, each fragment inside a sentence that will be reported."""
    return [
        "<script>alert(document.cookie)</script>",
        '<img src="file:///etc/passwd">',
        f'<link rel=stylesheet href="{url}/x.css">',
        f'<iframe src="{url}/frame"></iframe>',
        f'<div style="background:url({url}/bg.png)">styled</div>',
        "![x](file:///etc/passwd)",
        f"[click here]({url}/click)",
        f"url({url}/font.woff)",
    ]


TEMPLATES = [
    "Uzbekistan and Pakistan agreed to cut transit tariffs {} on freight crossing the northern corridor.",
    "Militants attacked a border checkpoint {} overnight, leaving four soldiers wounded, police said.",
    "The foreign ministry said {} the new ambassador would present his credentials to the government next week.",
    "Customs officials in Termez said exports of cotton {} could double within a year of the trade deal.",
    "Police seized two tonnes of opium {} from smugglers in a raid on the mountain road near the border.",
    "Diplomats described {} the move as a step towards formal recognition after months of talks.",
    "The railway agreement {} lowers duties on cargo carried through the transit corridor by a third.",
    "Security forces blamed an insurgent group {} for the bombing near the frontier on Sunday.",
]
ANCHORS = [t.split(" {}")[0] for t in TEMPLATES]


def sentences(url: str) -> list[str]:
    return [template.format(fragment) for template, fragment in zip(TEMPLATES, payload(url), strict=True)]


def write_article(folder: Path, fmt: str, url: str) -> None:
    """The hostile sentences in ``fmt``: one file a sentence for md, txt and html (each its own
    story, so that each is reported: a story is one bullet), one feed or JSON Lines file else
    (an entry, a line a sentence, each with a title of its own)."""
    if fmt in ("md", "txt", "html"):
        for n, sentence in enumerate(sentences(url)):
            write_one(folder, fmt, url, [sentence], ("<script>alert(1)</script> " if n == 0 else "") + ANCHORS[n], n)
    else:
        write_one(folder, fmt, url, sentences(url), "<script>alert(1)</script> Tariffs", 0)


def write_one(folder: Path, fmt: str, url: str, body: list[str], title: str, n: int) -> None:
    name = f"2026-11-24-hostile-{n}.{fmt}"
    if fmt == "md":
        text = f'---\ntitle: "{title}"\ndate: 2026-11-24\nsource: "<b>Evil</b> Wire"\nurl: "javascript:alert(1)"\n---\n\n' + "\n\n".join(body)
    elif fmt == "txt":
        text = f"{title}\n\n" + "\n\n".join(body)
    elif fmt == "html":
        paragraphs = "".join(f"<p>{s}</p>" for s in body)
        text = (f'<html><head><title>{html.escape(title)}</title><link rel="stylesheet" href="{url}/page.css"><script src="{url}/app.js"></script>'
                f'<meta property="article:published_time" content="2026-11-24"></head><body><article><h1>{html.escape(title)}</h1>{paragraphs}'
                + ('<p>The ministry said &lt;script&gt;alert(1)&lt;/script&gt; was shown as text in the transit tariff notice.</p>'
                   if n == 0 else '')
                + f'<img src="file:///etc/passwd"><object data="{url}/obj"></object></article></body></html>')
    elif fmt == "rss":
        items = "".join(f"<item><title>Item {n}</title><link>javascript:alert({n})</link><pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate>"
                        f"<description><![CDATA[<p>{s}</p>]]></description></item>" for n, s in enumerate(body))
        text = f'<?xml version="1.0"?><rss version="2.0"><channel><title>&lt;i&gt;Evil&lt;/i&gt; Feed</title>{items}</channel></rss>'
    else:
        text = "\n".join(json.dumps({"title": title if i == 0 else ANCHORS[i], "text": s, "date": "2026-11-24", "source": "<b>Evil</b>",
                                     "url": f"file:///etc/passwd#{i}"}) for i, s in enumerate(body))
    (folder / name).write_text(text, encoding="utf-8")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def daily(corpus: Path, out: Path, *more: str) -> Result:
    return CliRunner().invoke(cli, ["daily", "--corpus", str(corpus), "--out", str(out), "--date", "2026-11-24",
                                    "--format", "md,html,json,pdf", *more])


@pytest.mark.parametrize("fmt", ["md", "txt", "html", "rss", "jsonl"])
def test_hostile_article_is_inert_in_every_output(tmp_path: Path, trap: Trap, fmt: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_article(corpus, fmt, trap.url)
    (corpus / "2026-11-24-url.html").write_text(f"{trap.url}/whole-file", encoding="utf-8")  # a page that is only a URL
    (corpus / "2026-11-24-url.xml").write_text(f"{trap.url}/feed.xml", encoding="utf-8")  # a feed that is only a URL
    out = tmp_path / "out"
    result = daily(corpus, out)
    folder = out / "2026-11-24"
    assert (folder / "briefing.pdf").read_bytes().startswith(b"%PDF-"), result.output
    assert "refused to fetch" not in result.stderr  # nothing in the page even asked for a URL
    assert trap.requests == []

    md = (folder / "briefing.md").read_text()
    # the hostile sentences are reported, one a story (sentences whose payloads make them alike are one story)
    assert sum(anchor in md for anchor in ANCHORS) >= 3
    for tag in re.findall(r"<[^>\s]*", md):
        assert tag in ("<a", "</a", "<http", "<https"), tag  # citation anchors and safe links only
    assert "![" not in md and "](javascript" not in md.lower() and "<javascript" not in md.lower()

    # the articles' part of the page; the navigation bar and the coverage chart around it are
    # briefgen's own markup, holding no article text
    page = (folder / "briefing.html").read_text()
    body = page[page.index("<main"):page.index("</main>")]
    body = re.sub(r'<h2 id="coverage">.*?(?=<h2 id="sources">)', "", body, count=1, flags=re.S)
    assert "<svg" not in body and 'id="sources"' in body
    parser = Tags()
    parser.feed(body)
    assert {t for t, _ in parser.tags} <= {"main", "h1", "h2", "p", "strong", "em", "span", "ul", "ol", "li", "a", "code",
                                           "details", "summary", "dl", "div", "dt", "dd"}  # the legend of the marks
    ids = {value for _, attrs in parser.tags for name, value in attrs if name == "id"}
    for _, attrs in parser.tags:
        for name, value in attrs:
            assert name in {"href", "id", "rel", "class", "title", "aria-label"}, name
            if name == "href":  # a source, an article, or (from Sources) back to a bullet of this page
                assert value and (value.startswith(("#src-", "https://")) or value[1:] in ids), value
    if fmt in ("txt", "jsonl"):  # plain text formats keep the markup as text: shown, escaped
        assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in body
    json.loads((folder / "briefing.json").read_text())


def test_output_names_never_come_from_titles_and_nothing_is_written_outside_out(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, title in enumerate(["../../escaped", "/tmp/absolute-title", "briefing.md", "..", "CON", "a/b\\c"]):
        (corpus / f"2026-11-24-t{n}.md").write_text(
            f"---\ntitle: '{title}'\nsource: '../outlet{n}'\nurl: '../../up'\n---\n\n"
            f"Transit tariffs on freight at border post {n} fell by a third this week, customs officials said.\n")
    before = sorted(p for p in tmp_path.rglob("*"))
    out = tmp_path / "out"
    result = daily(corpus, out)
    assert result.exit_code == 0, result.output
    after = sorted(p for p in tmp_path.rglob("*"))
    new = [p for p in after if p not in before]
    assert new and all(p == out or out in p.parents for p in new)
    assert sorted(p.name for p in (out / "2026-11-24").iterdir()) == [
        "briefing.html", "briefing.json", "briefing.md", "briefing.pdf"]
    assert not Path("/tmp/absolute-title").exists()


@pytest.mark.parametrize(("toml", "message"), [
    ("[input]\nmax_byte = 10\n", "unknown key 'input.max_byte'\nHint: known keys here: max_bytes, max_seconds\n"),
    ("[input]\nmax_bytes = '50MB'\n", "'input.max_bytes' must be a whole number, not '50MB'\nHint: e.g. input.max_bytes = 5000000\n"),
    ("[input]\nmax_bytes = 0\n", "input.max_bytes must be 1 to 100000000, not 0\nHint: e.g. input.max_bytes = 5000000 (the default)\n"),
    ("input = 5\n", "'input' must be a table\nHint: write it as [input]\n"),
])
def test_bad_input_config_is_refused(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(toml)
    result = CliRunner().invoke(cli, ["topics", "--config", str(config)])
    assert result.exit_code == 3
    assert result.stderr == f"Error: {config}: {message}"
