"""Rendering: golden Markdown, escaping of hostile text, sanitised HTML, PDF and JSON read back."""

import datetime as dt
import io
import json
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader

from briefgen.models import Briefing, Item, Section, Source, Story
from briefgen.output.render import to_html, to_json, to_markdown, to_pdf
from tests.conftest import make_article

GOLDEN = Path(__file__).parents[1] / "golden"
DAY = dt.date(2026, 11, 24)


def sample_briefing(hostile: str = "") -> Briefing:
    a = make_article("x", id="a", title="Transit tariffs cut", source="Steppe Ledger", url="https://steppe.example/t")
    b = make_article("x", id="b", title="Checkpoint *attacked*", source="", url="", path="corpus/2026-11-24-b.txt")
    items = (Item("Tariffs on freight fell by a third, officials said.", ("a",), 1.0, story="s1", section="trade", also=("b",)),)
    sections = (
        Section("trade", "Trade and Economy", (Item("Exports of fruit could double within a year.", ("a",), 0.8, story="s1", more_outlets=2),)),
        Section("security", "Security", (Item(hostile or "Militants attacked a checkpoint at night.", ("b",), 0.7, True,
                                                   dt.date(2026, 11, 23), story="s2"),)),
        Section("recognition", "Recognition and Diplomacy", ()),
    )
    stories = (Story("s1", a.title, a.date, a.date, ("trade",), (a,)), Story("s2", b.title, b.date, b.date, ("security",), (b,)))
    return Briefing("Daily Briefing", DAY, dt.date(2026, 11, 23), DAY, "2 articles from 1 source, 23–24 Nov 2026",
                    items, sections, (Source(1, a), Source(2, b)), stories=stories)


def test_markdown_matches_golden_file() -> None:
    # After an intended change of the Markdown, rewrite the golden file with:
    # .venv/bin/python -c "from tests.output.test_render import *; (GOLDEN / 'briefing.md').write_text(to_markdown(sample_briefing()))"
    expected = (GOLDEN / "briefing.md").read_text(encoding="utf-8")
    assert to_markdown(sample_briefing()) == expected


HOSTILE = ('<script>alert(1)</script> <img src="file:///etc/passwd"> <link rel=stylesheet href="http://evil.example/x.css"> '
           '<iframe src="http://evil.example"></iframe> <div style="background:url(file:///etc/passwd)">x</div> '
           '![x](file:///etc/passwd) [click](javascript:alert(1)) *not bold* _x_ `code` 1. not a list')


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_hostile_article_text_is_inert_in_markdown_and_html() -> None:
    briefing = sample_briefing(HOSTILE)
    page = to_html(briefing)
    body = page[page.index("<main"):page.index("</main>")]  # the article's part of the page (the bars around it are briefgen's)
    parser = TagCollector()
    parser.feed(body)
    assert {tag for tag, _ in parser.tags} <= {"main", "h1", "h2", "p", "strong", "em", "span", "ul", "ol", "li", "a", "code",
                                               "details", "summary", "dl", "div", "dt", "dd"}
    for _, attrs in parser.tags:
        for name, value in attrs:
            assert name in {"class", "id", "href", "rel", "title", "aria-label"}
            assert not (value or "").startswith(("file:", "javascript:", "http://evil"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # shown as the text it is
    assert "*not bold*" in body and "<em>not bold" not in body
    markdown = to_markdown(briefing)
    assert "<script>" not in markdown and "![x](file" not in markdown


def test_citations_link_to_the_sources_list() -> None:
    html = to_html(sample_briefing())
    assert '<a class="cite" href="#src-1"' in html and '<li id="src-1">' in html
    assert '<a class="cite" href="#src-2"' in html and '<li id="src-2">' in html


def test_empty_section_says_so() -> None:
    assert "## Recognition and Diplomacy\n\n*No relevant reporting in this period.*" in to_markdown(sample_briefing())


def test_pdf_text_reads_back(tmp_path: Path) -> None:
    refused: list[str] = []
    pdf = to_pdf(sample_briefing(HOSTILE), refused=refused)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Daily Briefing", "Tuesday 24 November 2026", "KEY POINTS", "TRADE AND ECONOMY", "SECURITY",
                     "Exports of fruit could double within a year.", "Page 1 of", "SOURCES", "Transit tariffs cut",
                     "<script>alert(1)</script>"):
        assert expected in text, expected
    assert refused == []  # nothing in the page even asked for a URL


def test_pdf_never_reads_local_files_or_the_network(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    hostile = f'<img src="file://{secret}"> <object data="file://{secret}"></object> <link rel=stylesheet href="file://{secret}">'
    briefing = sample_briefing(hostile)
    # Even if markup got through to WeasyPrint, the fetcher refuses it: feed raw markup directly.
    page = to_html(briefing).replace("</main>", f'<img src="file://{secret}"><img src="http://127.0.0.1:9/x.png"></main>')
    refused: list[str] = []
    pdf = to_pdf(briefing, page, refused=refused)
    assert any(u.startswith("file://") for u in refused) and any(u.startswith("http://") for u in refused)
    assert b"TOP-SECRET-CONTENT" not in pdf


def test_json_follows_the_documented_schema() -> None:
    data = json.loads(to_json(sample_briefing()))
    assert set(data) == {"title", "date", "window", "coverage", "key_points", "sections", "sources", "stories"}
    assert data["window"] == {"start": "2026-11-23", "end": "2026-11-24"}
    assert data["key_points"][0] == {"text": "Tariffs on freight fell by a third, officials said.", "sources": [1], "also": [2],
                                  "score": 1.0, "developing": False, "reported": None, "story": "s1", "more_outlets": 0,
                                  "section": "trade"}
    assert [s["topic"] for s in data["sections"]] == ["trade", "security", "recognition"]
    assert data["sections"][2]["items"] == []
    assert data["sources"][1] == {"id": 2, "title": "Checkpoint *attacked*", "source": "", "date": "2026-11-24",
                                  "url": "", "path": "corpus/2026-11-24-b.txt"}
    assert data["stories"][1] == {"id": "s2", "title": "Checkpoint *attacked*", "first_seen": "2026-11-24",
                                  "last_seen": "2026-11-24", "topics": ["security"], "articles": ["corpus/2026-11-24-b.txt"]}
