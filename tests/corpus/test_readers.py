"""The input formats: HTML pages, RSS and Atom feeds, JSON lines, static-site Markdown, encodings
and duplicate articles. Every fixture is written here, for these tests."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import numpy as np
import pytest

from briefgen import dedupe
from briefgen.config import Options
from briefgen.dedupe import candidate_pairs, duplicate_groups, jaccard
from briefgen.errors import ArticleError
from briefgen.load import in_window, load_article, load_corpus, normalize_body
from briefgen.output.render import to_json
from briefgen.pipeline import build_briefing
from briefgen.readers import html_to_text
from tests.conftest import SECURITY_TEXT, md_file

DAY = dt.date(2026, 11, 24)

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Rail deal signed | Steppe Ledger</title>
<link rel="canonical" href="https://steppe.example/2026/rail-deal">
<meta property="og:site_name" content="Steppe Ledger">
<meta property="article:published_time" content="2026-11-24T08:30:00+05:00">
<script>window.tracker = "should never be text";</script><style>p { color: red }</style></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<article><h1>Rail deal signed</h1>
<p>Uzbekistan and Pakistan signed a railway agreement in Tashkent on Monday, officials said.</p>
<p>The line will carry freight through the northern corridor and could cut transit times by half.</p>
<p>Traders at the <a href="https://steppe.example/border">border crossing</a> welcomed the news and said exports could double.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Football club wins the cup again</a></li></ul></aside>
<footer><p>Copyright 2026 Steppe Ledger. All rights reserved.</p></footer></body></html>
"""


def test_html_page_gives_main_text_title_date_and_canonical_link(tmp_path: Path) -> None:
    path = tmp_path / "rail.html"
    path.write_text(PAGE, encoding="utf-8")
    article = load_article(path)
    assert article.title == "Rail deal signed"
    assert article.source == "Steppe Ledger"
    assert article.date == DAY
    assert article.url == "https://steppe.example/2026/rail-deal"
    assert article.text == (
        "Uzbekistan and Pakistan signed a railway agreement in Tashkent on Monday, officials said.\n\n"
        "The line will carry freight through the northern corridor and could cut transit times by half.\n\n"
        "Traders at the border crossing welcomed the news and said exports could double."
    )


def test_html_declared_charset_is_trusted_without_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "Министр заявил, что переговоры о транзитных тарифах возобновятся на следующей неделе в Ташкенте."
    page = f'<html><head><meta charset="windows-1251"><title>Тарифы</title></head><body><article><p>{text}</p></article></body></html>'
    (tmp_path / "2026-11-24-ru.htm").write_bytes(page.encode("cp1251"))
    result = load_corpus(tmp_path)
    assert [a.text for a in result.articles] == [text]
    assert result.warnings == []


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Khyber Wire</title><link>https://khyber.example/</link>
<item><title>Tariffs cut &amp; trade up</title><link>https://khyber.example/tariffs</link>
<pubDate>Tue, 24 Nov 2026 06:00:00 +0000</pubDate>
<description><![CDATA[<p>Pakistan cut tariffs on transit <b>freight</b> on Tuesday.</p><p>Traders welcomed it.<script>alert(1)</script></p>]]></description></item>
<item><title>Checkpoint attacked</title><link>https://khyber.example/checkpoint</link>
<pubDate>Mon, 23 Nov 2026 21:00:00 +0000</pubDate><description>Militants attacked a checkpoint near the border overnight.</description></item>
<item><title>Empty</title><link>https://khyber.example/empty</link><description></description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Caspian Herald</title><id>urn:ch</id><updated>2026-11-24T10:00:00Z</updated>
<entry><title type="html">Envoy &lt;em&gt;named&lt;/em&gt;</title><id>urn:ch:1</id><link href="https://caspian.example/envoy"/>
<published>2026-11-24T09:00:00Z</published><updated>2026-11-24T09:30:00Z</updated>
<summary>Short summary only.</summary>
<content type="html">&lt;p&gt;The ministry named an envoy to Kabul.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Talks resume next week.&lt;/li&gt;&lt;/ul&gt;</content></entry>
</feed>
"""


def test_rss_feed_gives_one_article_per_entry(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "khyber.rss").write_text(RSS, encoding="utf-8")
    result = load_corpus(tmp_path)
    by_id = {a.id: a for a in result.articles}
    assert sorted(by_id) == ["feeds/khyber.rss#1", "feeds/khyber.rss#2"]
    first, second = by_id["feeds/khyber.rss#1"], by_id["feeds/khyber.rss#2"]
    assert (first.title, first.source, first.url, first.date) == (
        "Tariffs cut & trade up", "Khyber Wire", "https://khyber.example/tariffs", DAY)
    assert first.text == "Pakistan cut tariffs on transit freight on Tuesday.\n\nTraders welcomed it."
    assert second.date == dt.date(2026, 11, 23)
    assert [str(p) for p in result.problems] == [
        f"{feeds / 'khyber.rss'} entry 3: no article text (give the entry some text)"]


def test_html_to_text_drops_scripts_styles_and_frames_with_their_content() -> None:
    fragment = ('<p>Tariffs fell.</p><script>steal()</script><style>p { x: url(file:///etc/passwd) }</style>'
                '<iframe src="https://evil.example">frame text</iframe><noscript>no</noscript><p>Trade <b>rose</b>.<br>Again.</p>')
    assert normalize_body(html_to_text(fragment)) == "Tariffs fell.\n\nTrade rose.\n\nAgain."
    assert html_to_text("<p>Control\x01 characters\x1b are dropped.</p>").strip() == "Control characters are dropped."


def test_atom_feed_prefers_content_over_summary(tmp_path: Path) -> None:
    (tmp_path / "caspian.atom").write_text(ATOM, encoding="utf-8")
    [article] = load_corpus(tmp_path).articles
    assert (article.id, article.title, article.source, article.date) == ("caspian.atom#1", "Envoy named", "Caspian Herald", DAY)
    assert article.text == "The ministry named an envoy to Kabul.\n\nTalks resume next week."


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path: Path) -> None:
    # feedparser opens bytes that name a file; the reader hands it a stream, never bytes.
    secret = tmp_path / "outside" / "secret.xml"
    secret.parent.mkdir()
    secret.write_text(RSS.replace("Pakistan cut tariffs", "TOP-SECRET-CONTENT"), encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "pointer.xml").write_bytes(str(secret).encode())
    result = load_corpus(corpus)
    assert result.articles == []
    assert "TOP-SECRET" not in repr(result)


def test_jsonl_loads_each_line_and_reports_bad_lines_by_number(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "Rail deal", "text": "Uzbekistan signed a rail deal.", "date": "2026-11-24",
                    "source": "Steppe Ledger", "url": "https://steppe.example/rail", "extra": [1, 2]}),
        '{"title": "broken", "text": ',
        "",
        json.dumps({"title": "No text"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "When", "text": "Some text.", "date": "soon"}),
        '{"title": "Odd \\ud800 title", "text": "Text with a lone \\udc00 surrogate.", "date": "Tue, 24 Nov 2026 08:00:00 +0000"}',
    ]
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load_corpus(tmp_path)
    assert [(a.id, a.title, a.source, a.url, a.date) for a in result.articles] == [
        ("wire.jsonl#1", "Rail deal", "Steppe Ledger", "https://steppe.example/rail", DAY),
        ("wire.jsonl#7", "Odd title", "", "", DAY),
    ]
    assert result.articles[1].text == "Text with a lone surrogate."
    assert [str(p).split(" (")[0] for p in result.problems] == [
        f"{path} line 2: not valid JSON",
        f"{path} line 4: no \"text\" string",
        f"{path} line 5: not a JSON object",
        f"{path} line 6: date 'soon' is not a date",
    ]


JEKYLL = """---
layout: post
title: "Transit talks resume"
date: 2026-11-24 08:00:00 +0500
categories: [trade, transit]
byline: Staff reporter
image: /assets/img/border.jpg
tags:
  - corridor
source: Steppe Ledger
url: https://steppe.example/talks
---

{% include toc.html %}
<div class="lead" markdown="1">
Officials from both countries met in *Termez* on Monday.
</div>
{: .lead}

![The border crossing](/assets/img/border.jpg){: .full-width}
*The crossing at Hairatan.*
{:.caption}

## Talks resume {#talks}

Read the [ministry statement][stmt] and the [full text](https://m.example/t_(2026) "Full text") here.[^1]
[![Map of the corridor](/img/map.png)](https://maps.example/corridor) A new map was published.
<img src="file:///etc/passwd" alt="x"> <script>alert("x")</script> Traders &amp; hauliers welcomed it.
<iframe src="https://evil.example/frame"></iframe>
<!-- an editor's note that is not news -->
> Trade will \\*grow\\*, the minister said.

[stmt]: https://m.example/statement "Statement"
[^1]: The statement was issued in Russian.
"""


def test_static_site_markdown_loses_all_markup_and_keeps_link_text(tmp_path: Path) -> None:
    path = tmp_path / "2026-11-24-talks.md"
    path.write_text(JEKYLL, encoding="utf-8")
    article = load_article(path)
    assert (article.title, article.source, article.date) == ("Transit talks resume", "Steppe Ledger", DAY)
    assert article.text == (
        "Officials from both countries met in Termez on Monday.\n\n"
        "The crossing at Hairatan.\n\n"
        "Talks resume\n\n"
        "Read the ministry statement and the full text here.\n\nA new map was published.\n\nTraders & hauliers welcomed it.\n\n"
        "Trade will *grow*, the minister said.\n\n"
        "The statement was issued in Russian."
    )


ENCODINGS = [
    ("utf-8-sig", False), ("utf-16-le", False), ("utf-16-be", False), ("utf-8", False), ("latin-1", True), ("cp1252", True),
]


@pytest.mark.parametrize(("encoding", "guessed"), ENCODINGS)
def test_encodings_are_detected_and_a_guess_is_a_warning(tmp_path: Path, encoding: str, guessed: bool) -> None:
    text = "Le père a déclaré à Genève que les négociations reprendront très bientôt."
    if encoding == "cp1252":
        text = "Le père a déclaré à Genève : « très bien » — les négociations reprendront."
    raw = text.encode(encoding)
    if encoding.startswith("utf-16"):
        raw = ("\ufeff" + text).encode(encoding)
    path = tmp_path / "2026-11-24-geneve.txt"
    path.write_bytes(raw)
    result = load_corpus(tmp_path)
    assert [a.text for a in result.articles] == [text]
    if guessed:
        [warning] = result.warnings
        assert warning.startswith(f"{path}: not UTF-8, read as ") and "save it as UTF-8" in warning
    else:
        assert result.warnings == []


def test_a_lone_pound_sign_in_english_text_is_read_as_windows_1252(tmp_path: Path) -> None:
    text = ("The rail operator agreed a \u00a312.5m contract for new freight wagons on Monday, officials said. "
            "Deliveries are due to start next spring, once the customs posts on the corridor are ready.")
    (tmp_path / "2026-11-24-wagons.txt").write_bytes(text.encode("latin-1"))
    [article] = load_corpus(tmp_path).articles
    assert article.text == text


def test_jekyll_and_feed_date_forms_are_dates(tmp_path: Path) -> None:
    for n, date in enumerate(["2026-11-24 08:00:00 +0500", "2026-11-24T08:00:00.000+05:00", "Tue, 24 Nov 2026 08:00:00 GMT",
                              "24 November 2026", "'2026-11-24'"]):
        md_file(tmp_path, f"d{n}.md", f"Article {n} about trade.", date=date, source=f"Outlet {n}")
    result = load_corpus(tmp_path)
    assert result.problems == []
    assert [a.date for a in result.articles] == [DAY] * 5


WIRE = (
    "KABUL, Nov. 24 (Wire) — Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor. "
    "The customs agreement lowers duties on cargo carried by the new line by a third, the trade ministry said. "
    "Traders in Termez said exports of cotton and fruit could double within a year if the route stays open. "
    "The deal follows months of talks between the two governments on a trade route through Afghanistan. "
    "Officials said the first trains under the new tariff would run in the spring, once the customs posts are ready."
)


def test_the_same_wire_story_in_three_outlets_is_one_article_citing_all(tmp_path: Path, options: Options) -> None:
    md_file(tmp_path, "a-wire.md", WIRE, source="Khyber Wire", url="https://khyber.example/a")
    md_file(tmp_path, "b-herald.md", WIRE.replace("(Wire)", "(Herald)") + " Copyright Caspian Herald.",
            source="Caspian Herald", url="https://caspian.example/b")
    md_file(tmp_path, "c-ledger.md", "By staff reporter\n\n" + WIRE.replace("on Monday", "on Monday, 23 November"),
            source="Steppe Ledger", url="https://steppe.example/c")
    md_file(tmp_path, "d-same-outlet.md", WIRE + " Updated.", source="Khyber Wire")
    md_file(tmp_path, "e-other.md", SECURITY_TEXT, source="Kabul Evening")
    result = load_corpus(tmp_path)
    assert [(a.id, [c.id for c in a.also_in]) for a in result.articles] == [("a-wire", ["b-herald", "c-ledger"]), ("e-other", [])]
    briefing = build_briefing(in_window(result.articles, DAY, DAY), options, DAY, DAY, DAY)
    data = json.loads(to_json(briefing))
    outlets = {s["id"]: s["source"] for s in data["sources"]}
    wire_items = [i for i in data["key_points"] + [i for s in data["sections"] for i in s["items"]] if i["text"] in WIRE]
    assert wire_items
    copies = {"Khyber Wire": WIRE, "Caspian Herald": WIRE, "Steppe Ledger": WIRE.replace("on Monday", "on Monday, 23 November")}
    for item in wire_items:  # every outlet whose copy holds the sentence, and no other
        assert sorted(outlets[n] for n in item["sources"]) == sorted(o for o, text in copies.items() if item["text"] in text)
    assert data["coverage"].startswith("4 articles from 4 sources")


def test_a_window_keeps_the_copies_dated_in_it(tmp_path: Path) -> None:
    md_file(tmp_path, "a.md", WIRE, date="2026-11-23", source="Khyber Wire")
    md_file(tmp_path, "b.md", WIRE, date="2026-11-24", source="Caspian Herald")
    md_file(tmp_path, "c.md", WIRE, date="2026-11-24", source="Steppe Ledger")
    [merged] = load_corpus(tmp_path).articles
    [today] = in_window([merged], DAY, DAY)
    assert (today.id, [c.id for c in today.also_in]) == ("b", ["c"])
    [both] = in_window([merged], dt.date(2026, 11, 23), DAY)
    assert (both.id, [c.id for c in both.also_in]) == ("a", ["b", "c"])


def test_near_duplicates_among_2000_articles_are_found_with_a_handful_of_comparisons(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(20_000)]
    texts = [" ".join(rng.choices(vocabulary, k=rng.randint(200, 800))) for _ in range(2000)]
    words = texts[10].split()
    texts[1500] = " ".join(words[:100] + ["inserted"] + words[100:]) + " with a new last line"
    texts[1999] = texts[10]
    paired: list[int] = []
    compared: list[int] = []
    monkeypatch.setattr(dedupe, "candidate_pairs", lambda *a: paired.append(len(pairs := candidate_pairs(*a))) or pairs)
    monkeypatch.setattr(dedupe, "jaccard", lambda a, b: compared.append(1) or jaccard(a, b))
    groups = duplicate_groups(texts)
    assert [g for g in groups if len(g) > 1] == [[10, 1500, 1999]]
    # of the 2,000 × 1,999 / 2 pairs, only those that share a band of their signatures are looked at
    assert sum(paired) <= 20 and len(compared) <= 10


def test_near_duplicates_are_found_a_chunk_of_texts_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The signatures made a chunk at a time are those of all the texts at once, no more than a
    chunk is shingled together, and only the texts of a likely pair are shingled again."""
    rng = random.Random(11)
    vocabulary = [f"w{n}" for n in range(5_000)]
    texts = [" ".join(rng.choices(vocabulary, k=rng.randint(1, 300))) for _ in range(250)] + ["", "one two"]
    texts[200] = texts[3] + " and a new last line"
    whole = dedupe.shingles(texts)
    signature, present = dedupe.chunked_signatures(texts, 37)
    assert np.array_equal(signature, dedupe.signatures(whole))
    assert np.array_equal(present, np.flatnonzero(np.diff(whole.bounds) > 0))
    shingled: list[int] = []
    original = dedupe.shingles
    monkeypatch.setattr(dedupe, "TEXTS_AT_ONCE", 40)
    monkeypatch.setattr(dedupe, "shingles", lambda chunk: shingled.append(len(chunk)) or original(chunk))
    groups = duplicate_groups(texts)
    assert [g for g in groups if len(g) > 1] == [[3, 200]]
    assert max(shingled) == 40 and shingled.count(1) == 2  # the chunks, then texts 3 and 200 once each

def test_load_article_refuses_a_file_of_several_articles(tmp_path: Path) -> None:
    path = tmp_path / "khyber.xml"
    path.write_text(RSS, encoding="utf-8")
    with pytest.raises(ArticleError, match="holds 2 articles, not one"):
        load_article(path)
