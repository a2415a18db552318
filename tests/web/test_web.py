"""The reading side: the coverage chart's counts and SVG, the Atom feed, the index and the
navigation bars, the e-mail's parts and the tagged PDF."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from pypdf import PdfReader

from briefgen import coverage
from briefgen.about import AboutRule
from briefgen.models import Activity, Briefing
from briefgen.output.record import activity_from_json, record_problem
from briefgen.output.render import to_html, to_json, to_pdf
from briefgen.web import chart
from briefgen.web.feed import LATEST
from briefgen.web.nav import NAV_END, NAV_START
from briefgen.web.site import update_links
from tests.conftest import (
    RECOGNITION_TEXT,
    SECURITY_TEXT,
    TRADE_TEXT,
    make_article,
    md_file,
    run_cli,
)
from tests.output.test_render import HOSTILE, sample_briefing
from tests.test_operations import daily, delivery_config, free_port, two_days  # noqa: F401 - fixture

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = dt.date(2026, 11, 24)


def span(first: dt.date, counts: dict[str, list[int]]) -> Activity:
    days = tuple(first + dt.timedelta(days=i) for i in range(len(next(iter(counts.values())))))
    return Activity(days, tuple((name, name.title()) for name in counts), tuple(tuple(c) for c in counts.values()))


# --- the chart ------------------------------------------------------------------------------

def test_activity_counts_articles_per_topic_per_day(options) -> None:
    long_trade = " ".join([TRADE_TEXT] * 2)
    articles = [make_article(long_trade, id="t1", date=DAY), make_article(long_trade, id="t2", date=DAY),
                make_article(SECURITY_TEXT, id="s1", date=DAY - dt.timedelta(days=1)),
                make_article(RECOGNITION_TEXT, id="r1", date=DAY - dt.timedelta(days=3)),
                make_article(SECURITY_TEXT, id="old", date=DAY - dt.timedelta(days=30)),  # before the 14 days
                make_article(SECURITY_TEXT, id="later", date=DAY + dt.timedelta(days=1)),  # after the briefing
                make_article(SECURITY_TEXT, id="undated", date=None)]
    data = coverage.activity(articles, AboutRule(options.topics, options.ranking), DAY)
    assert data.days[0] == DAY - dt.timedelta(days=13) and data.days[-1] == DAY and len(data.days) == 14
    counts = dict(zip((name for name, _ in data.topics), data.counts, strict=True))
    assert counts["trade"][-1] == 2 and sum(counts["trade"]) == 2
    assert counts["security"][-2] == 1 and sum(counts["security"]) == 1
    assert counts["recognition"][-4] == 1 and sum(counts["recognition"]) == 1


FEW_TRADE_WORDS = (  # trade news in few of the trade terms: the term rule alone did not count it
    "Pakistan's exports to its northern neighbour fell by a fifth in October, the commerce ministry said. "
    "Exporters blamed the long closure of the border crossing for the fall. "
    "The ministry expects exports to recover once trucks move freely again. "
    "Fruit exporters said their losses ran into millions of dollars."
)
SPORT_WITH_A_TRADE_WORD = (
    "The home side won the derby by two goals to one in front of a full stadium on Sunday. "
    "Their striker scored twice in the second half after a quiet opening hour for both teams. "
    "The coach said the club would not trade its young players before the transfer window closes. "
    "Fans sang until long after the final whistle as the team moved to the top of the table."
)


@pytest.mark.e2e
def test_the_chart_counts_the_articles_the_sections_draw_on(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    md_file(corpus, "t1.md", TRADE_TEXT, title="Transit tariffs cut", date=DAY.isoformat())
    md_file(corpus, "s1.md", SECURITY_TEXT, title="Checkpoint attacked", date=DAY.isoformat())
    md_file(corpus, "t2.md", FEW_TRADE_WORDS, title="Exports fall", date=DAY.isoformat())
    md_file(corpus, "x1.md", SPORT_WITH_A_TRADE_WORD, title="Derby won", date=DAY.isoformat())
    md_file(corpus, "r1.md", RECOGNITION_TEXT, title="Envoy accepted", date=(DAY - dt.timedelta(days=1)).isoformat())
    result = run_cli("daily", "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--date", DAY.isoformat(),
                     "--days", "2", "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads((tmp_path / "out" / "latest" / "briefing.json").read_text(encoding="utf-8"))
    titles = {s["id"]: s["title"] for s in record["sources"]}
    items = [(s["topic"], item) for s in record["sections"] for item in s["items"]]
    items += [(item["section"], item) for item in record["key_points"]]
    cited: dict[str, set[str]] = {s["topic"]: set() for s in record["sections"]}
    for topic, item in items:
        cited[topic] |= {titles[c] for c in item["sources"]}
    counted = {t["topic"]: t["articles"] for t in record["activity"]["topics"]}
    assert record["activity"]["days"][-2:] == [(DAY - dt.timedelta(days=1)).isoformat(), DAY.isoformat()]
    for topic, articles in counted.items():  # the articles its section cites, in the key points or below
        assert sum(articles[-2:]) == len(cited[topic]), (topic, articles, cited[topic])
    assert cited == {"trade": {"Transit tariffs cut", "Exports fall"}, "security": {"Checkpoint attacked"},
                     "recognition": {"Envoy accepted"}}  # the derby names trade in passing: in no section, not counted
    assert counted["recognition"][-2:] == [1, 0] and counted["trade"][-2:] == [0, 2]


def test_whether_an_article_is_about_a_topic_does_not_depend_on_the_others_judged_with_it(options) -> None:
    rule = AboutRule(options.topics, options.ranking)
    articles = [make_article(text, id=str(k)) for k, text in
                enumerate([TRADE_TEXT, SECURITY_TEXT, SPORT_WITH_A_TRADE_WORD, RECOGNITION_TEXT, TRADE_TEXT + " " + SECURITY_TEXT])]
    together = rule.about(articles)
    assert together.tolist() == [rule.about([a])[0].tolist() for a in articles]
    assert together[:4].tolist() == [[True, False, False], [False, True, False], [False, False, False], [False, False, True]]


def test_activity_starts_where_the_corpus_starts(options) -> None:
    articles = [make_article(SECURITY_TEXT, id="s", date=DAY - dt.timedelta(days=2))]
    data = coverage.activity(articles, AboutRule(options.topics, options.ranking), DAY)
    assert data.days == (DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1), DAY)


def test_counts_travel_in_the_record_and_come_back() -> None:
    data = span(DAY - dt.timedelta(days=2), {"trade": [1, 0, 2], "security": [0, 3, 1]})
    record = json.loads(to_json(sample_briefing().__class__(**{**sample_briefing().__dict__, "activity": data})))
    assert record_problem(record) is None
    assert activity_from_json(record["activity"]) == data
    record["activity"]["days"][1] = "2026-11-30"  # not consecutive: not drawn
    assert activity_from_json(record["activity"]) is None
    record["activity"] = {"days": "x", "topics": []}
    assert record_problem(record) == "activity.days is a string, not a list"


def test_merge_takes_each_day_from_the_newest_briefing() -> None:
    newer = span(DAY - dt.timedelta(days=1), {"trade": [5, 6]})
    older = span(DAY - dt.timedelta(days=5), {"trade": [1, 1, 1, 1], "security": [2, 2, 2, 2]})
    merged = chart.merge([newer, older])
    assert merged is not None
    assert merged.days[0] == DAY - dt.timedelta(days=5) and merged.days[-1] == DAY
    assert merged.topics == (("trade", "Trade"), ("security", "Security"))
    assert merged.counts == ((1, 1, 1, 1, 5, 6), (2, 2, 2, 2, 0, 0))
    assert chart.merge([]) is None


def test_the_svg_has_its_text_alternative_and_follows_the_page_colour() -> None:
    data = span(DAY - dt.timedelta(days=3), {"trade": [1, 0, 2, 3], "security": [0, 3, 1, 0]})
    svg = chart.svg(data)
    assert svg.startswith("<svg ") and 'role="img"' in svg
    label = "Articles per topic per day, 21–24 Nov 2026. Trade: 6 articles, most on 24 Nov (3). Security: 4 articles, most on 22 Nov (3)."
    assert f'aria-label="{label}"' in svg and f"<title>{label}</title>" in svg
    assert "currentColor" in svg and "#010203" not in svg
    assert "<style" not in svg and "style=" not in svg and "<image" not in svg and "<script" not in svg
    assert not re.search(r'(?:href|src)="(?!#)', svg)  # nothing outside the SVG is referred to
    ET.fromstring(svg)  # well-formed, so it can stand inline in HTML and in the PDF
    chart.svg.cache_clear()
    assert chart.svg(data) == svg  # the same counts draw the same chart (drawn again, not remembered)


def test_a_topic_title_cannot_inject_markup_into_the_chart() -> None:
    data = Activity((DAY,), (("x", '<script>alert(1)</script> & "q"'),), ((1,),))
    svg = chart.figure(data, "caption <b>")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


# --- pages, navigation, feed -------------------------------------------------------------------

def fake_archive(out: Path, days: int, first: dt.date = DAY, page: bool = True) -> list[dt.date]:
    """``days`` briefings of the sample briefing, one a day from ``first``, with an ``.eml`` beside."""
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    base = sample_briefing()
    for date in dates:
        briefing = base.__class__(**{**base.__dict__, "date": date, "end": date,
                                     "activity": span(date - dt.timedelta(days=1), {"trade": [1, 2], "security": [0, 1]})})
        folder = out / date.isoformat()
        folder.mkdir(parents=True)
        (folder / "briefing.json").write_text(to_json(briefing))
        if page:
            (folder / "briefing.html").write_text(to_html(briefing))
        (folder / "briefing.eml").write_text("To: desk@example.org\n\nsecret list\n")
    return dates


def test_index_is_newest_first_and_never_lists_the_eml(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dates = fake_archive(out, 3)
    update_links(out, "briefing")
    page = (out / "index.html").read_text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert re.findall(r'<a class="date" href="[^"]+"><time datetime="([\d-]+)"', page) == [d.isoformat() for d in reversed(dates)]
    assert f'Latest: <a href="{dates[-1].isoformat()}/briefing.html">' in page
    assert '<span class="topic">Trade and Economy</span> <span class="n">2</span>' in page  # bullets per topic, its key point too
    assert 'aria-label="Articles per topic per day, 23–26 Nov 2026.' in page  # the archive's whole span
    for name in ("index.html", "index.md", "feed.xml"):
        assert ".eml" not in (out / name).read_text()
    assert "Daily Briefing" not in page.split('<ol class="days">')[1]  # the title heads the page, not every row


def test_navigation_links_neighbours_and_follows_new_briefings(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dates = fake_archive(out, 2)
    update_links(out, "briefing")

    def bar(date: dt.date, foot: bool = False) -> str:
        text = (out / date.isoformat() / "briefing.html").read_text()
        start = text.index(NAV_START, text.index(NAV_END) if foot else 0)
        return text[start:text.index(NAV_END, start)]

    assert 'class="prev none"' in bar(dates[0]) and f'href="../{dates[1].isoformat()}/briefing.html"' in bar(dates[0])
    assert f'href="../{dates[0].isoformat()}/briefing.html"' in bar(dates[1]) and 'class="next none"' in bar(dates[1])
    assert 'href="../index.html"' in bar(dates[0])
    # a briefing for a day in between: both neighbours now point at it
    middle = dates[0] - dt.timedelta(days=2)
    fake_archive(out, 1, middle)
    old_page = out / "2026-11-01" / "briefing.html"
    fake_archive(out, 1, dt.date(2026, 11, 1), page=False)
    old_page.write_text("<html>a page made before the navigation bar</html>")
    update_links(out, "briefing")
    assert f'href="../{middle.isoformat()}/briefing.html"' in bar(dates[0])
    assert f'href="../{middle.isoformat()}/briefing.html"' in bar(dates[0], foot=True) and 'href="#top"' in bar(dates[0], foot=True)
    assert f'href="../{dates[0].isoformat()}/briefing.html"' in bar(middle)
    assert 'href="../2026-11-01/briefing.html"' in bar(middle)
    assert old_page.read_text() == "<html>a page made before the navigation bar</html>"  # left as it was
    before = {d: (out / d.isoformat() / "briefing.html").stat().st_mtime_ns for d in dates}
    update_links(out, "briefing")  # nothing changed: nothing rewritten
    assert before == {d: (out / d.isoformat() / "briefing.html").stat().st_mtime_ns for d in dates}


def test_the_feed_follows_the_atom_rules(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dates = fake_archive(out, LATEST + 2)
    update_links(out, "briefing")
    raw = (out / "feed.xml").read_bytes()
    root = ET.fromstring(raw)  # well-formed XML
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == LATEST  # the latest 30
    # RFC 4287 4.1.1: exactly one id, title and updated; a self link; an author (here the feed's)
    for element in (root, *entries):
        for tag in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{tag}")) == 1, tag
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    [self_link] = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link.get("href") == "feed.xml"
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i or "") for i in ids)
    assert root.findtext(f"{ATOM}id") not in ids
    stamps = [root.findtext(f"{ATOM}updated"), *(e.findtext(f"{ATOM}updated") for e in entries)]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s or "") for s in stamps)  # RFC 3339
    assert stamps[0] == max(stamps[1:])
    for entry in entries:  # an alternate link, a summary, and the briefing as HTML content
        assert [link.get("rel") for link in entry.findall(f"{ATOM}link")] == ["alternate"]
        assert entry.find(f"{ATOM}summary").get("type") == "text"
        assert entry.find(f"{ATOM}content").get("type") == "html"

    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries][:2] == [f"{d.isoformat()}/briefing.html" for d in reversed(dates[-2:])]
    assert parsed.entries[0].title == "Daily Briefing — Friday 25 December 2026"
    assert parsed.entries[0].summary == ("2 articles from 1 source, 23–24 Nov 2026. "
                                         "Key points: Tariffs on freight fell by a third, officials said.")
    # ids stay the same when the feed is written again
    update_links(out, "briefing")
    assert [e.id for e in feedparser.parse((out / "feed.xml").read_bytes()).entries] == ids


def test_the_feed_carries_the_whole_briefing_as_safe_html_with_links_to_the_articles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_archive(out, 1)
    record_path = out / DAY.isoformat() / "briefing.json"
    record = json.loads(record_path.read_text())
    record["sections"][1]["items"][0]["text"] = HOSTILE
    record_path.write_text(json.dumps(record))
    update_links(out, "briefing")
    raw = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    [content] = parsed.entries[0].content
    assert content.type == "text/html"
    html = ET.fromstring(raw).find(f"{ATOM}entry/{ATOM}content").text or ""  # as the feed holds it, before any sanitising
    for heading in ("Key points", "Trade and Economy", "Security", "Recognition and Diplomacy", "Sources"):
        assert f"<h2>{heading}</h2>" in html
    assert 'Tariffs on freight fell by a third, officials said. <a href="https://steppe.example/t">[1]</a>' in html
    assert '<a href="https://steppe.example/t">Transit tariffs cut</a> — Steppe Ledger' in html
    assert '<a href="2026-11-24/briefing.html">Read on the web</a>' in html  # relative, as the feed's other links
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the article's text, shown as text


def test_the_feed_is_unchanged_by_a_run_that_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_archive(out, 2)
    record_path = out / (DAY + dt.timedelta(days=1)).isoformat() / "briefing.json"
    update_links(out, "briefing")
    first = (out / "feed.xml").read_bytes()
    os.utime(record_path, (2_000_000_000, 2_000_000_000))  # written again, the same record
    update_links(out, "briefing")
    assert (out / "feed.xml").read_bytes() == first
    assert [e.updated for e in feedparser.parse(first).entries] == [
        e.updated for e in feedparser.parse((out / "feed.xml").read_bytes()).entries]
    record = json.loads(record_path.read_text())
    record["key_points"][0]["text"] = "Tariffs on freight fell by half, officials said."
    record_path.write_text(json.dumps(record))
    os.utime(record_path, (2_000_000_000, 2_000_000_000))
    update_links(out, "briefing")
    newer = feedparser.parse((out / "feed.xml").read_bytes())
    assert [e.updated for e in newer.entries] == ["2033-05-18T03:33:20Z", feedparser.parse(first).entries[1].updated]
    assert newer.feed.updated == "2033-05-18T03:33:20Z"


def test_with_a_site_url_the_feed_links_are_absolute(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_archive(out, 1)
    update_links(out, "briefing", site_url="https://briefs.example.org/desk/")
    parsed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not parsed.bozo
    assert {link.rel: link.href for link in parsed.feed.links} == {"self": "https://briefs.example.org/desk/feed.xml",
                                                                   "alternate": "https://briefs.example.org/desk/index.html"}
    assert parsed.entries[0].link == "https://briefs.example.org/desk/2026-11-24/briefing.html"
    assert 'href="https://briefs.example.org/desk/2026-11-24/briefing.html">Read on the web' in parsed.entries[0].content[0].value


def test_the_feed_leaves_out_what_xml_cannot_hold(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_archive(out, 1)
    record_path = out / DAY.isoformat() / "briefing.json"
    record = json.loads(record_path.read_text())
    record["key_points"][0]["text"] = "Bad\x0b byte\x01 and <b>markup</b> & more"
    record_path.write_text(json.dumps(record))
    update_links(out, "briefing")
    entry = ET.fromstring((out / "feed.xml").read_bytes()).find(f"{ATOM}entry")
    assert "Key points: Bad byte and <b>markup</b> & more" in (entry.findtext(f"{ATOM}summary") or "")
    assert "Bad byte and &lt;b&gt;markup&lt;/b&gt; &amp; more" in (entry.findtext(f"{ATOM}content") or "")


@pytest.mark.e2e
def test_daily_writes_the_chart_into_page_record_and_pdf(two_days: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "out"
    result = run_cli("daily", "--corpus", str(two_days), "--out", str(out), "--date", "2026-11-24", "--format", "html,pdf,json")
    assert result.exit_code == 0, result.output
    record = json.loads((out / "2026-11-24" / "briefing.json").read_text())
    assert record["activity"]["days"] == ["2026-11-23", "2026-11-24"]  # from the corpus's first day
    counts = {t["topic"]: t["articles"] for t in record["activity"]["topics"]}
    assert set(counts) == {"trade", "security", "recognition"} and counts["security"][0] >= 1 and counts["trade"][1] >= 1
    page = (out / "2026-11-24" / "briefing.html").read_text()
    assert page.index('<svg class="chart"') < page.index('<h2 id="sources">')
    reader = PdfReader(out / "2026-11-24" / "briefing.pdf")
    assert "articles a day" in "".join(p.extract_text() for p in reader.pages)  # the chart's axis, drawn as text


# --- the PDF -----------------------------------------------------------------------------------

def test_the_pdf_is_tagged_with_title_and_language() -> None:
    reader = PdfReader(io.BytesIO(to_pdf(sample_briefing(HOSTILE))))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == "Daily Briefing — 2026-11-24"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()  # it says it is PDF/UA-1


MM = 72 / 25.4  #: PDF points in a millimetre


def text_runs(page) -> list[tuple[float, str, str]]:  # noqa: ANN001 - a pypdf page
    """The pieces of text on a PDF page: their height above the page's foot, text and font."""
    runs: list[tuple[float, str, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        if text.strip():
            runs.append((tm[5] * cm[3] + cm[5], text, str((font or {}).get("/BaseFont", ""))))

    page.extract_text(visitor_text=visit)
    return runs


@pytest.mark.e2e
@pytest.mark.parametrize(("date", "days"), [("2026-11-29", "7"), ("2026-11-22", "7"), ("2026-11-27", "1")])
def test_no_pdf_page_but_the_last_is_more_than_half_blank(tmp_path: Path, date: str, days: str) -> None:
    corpus = Path(__file__).parents[2] / "corpus"
    result = run_cli("daily", "--corpus", str(corpus), "--out", str(tmp_path), "--date", date, "--days", days,
                     "--format", "pdf", "--no-history", "--no-cache")
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / date / "briefing.pdf")
    record = json.loads((tmp_path / date / "briefing.json").read_text())
    top, foot = 297 * MM - 24 * MM, 22 * MM  # the content area: inside the page's margins (header and footer outside)
    for number, page in enumerate(reader.pages[:-1], 1):
        lowest = min(y for y, _, _ in text_runs(page) if foot < y < top)
        assert (top - lowest) / (top - foot) >= 0.5, f"page {number} of {len(reader.pages)} is more than half blank"
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    assert not [line for line in lines if line.rstrip().endswith(("https:", "http:"))]  # a URL is never cut in its scheme
    first = record["key_points"][0]["text"].split()[0]
    fonts = {font for _, text, font in text_runs(reader.pages[0]) if text.startswith(first)}
    assert fonts and all(re.search(r"DejaVu-?Sans$", font) for font in fonts), fonts  # key points: regular sans, as on the page


# --- the e-mail --------------------------------------------------------------------------------

@pytest.mark.e2e
def test_send_dry_run_has_text_html_and_pdf_with_the_whole_briefing(two_days: Path, tmp_path: Path) -> None:  # noqa: F811
    md_file(two_days, "d2-hostile.md", "Border police said militants attacked a checkpoint near the frontier. "
            "Officials said the attack on the checkpoint left two guards wounded near the frontier road.",
            title="<script>alert(1)</script> raid", date="2026-11-24", source="Bad <b>Wire</b>", url="javascript:alert(1)")
    out = tmp_path / "out"
    assert daily(two_days, out, "2026-11-24", "--format", "pdf,json").exit_code == 0
    result = run_cli("send", "--out", str(out), "--dry-run", "--config", str(delivery_config(tmp_path, free_port())))
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((out / ".briefgen" / "mail" / "2026-11-24.eml").read_bytes(), policy=email.policy.default)
    assert message.get_content_type() == "multipart/mixed"
    [alternative, attachment] = list(message.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "application/pdf"
    plain = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    record = json.loads((out / "2026-11-24" / "briefing.json").read_text())
    items = [*record["key_points"], *(i for s in record["sections"] for i in s["items"])]
    for section in ("KEY POINTS", "TRADE AND ECONOMY", "SECURITY", "RECOGNITION AND DIPLOMACY", "SOURCES"):
        assert section in plain
    for title in ("Key points", "Trade and Economy", "Security", "Recognition and Diplomacy", "Sources"):
        assert f">{title}</h2>" in page
    for item in items:  # every bullet of every section, in both parts
        assert item["text"] in plain
    assert "https://testwire.example/story" in plain
    assert '<a href="https://testwire.example/story" style="' in page  # links go to the articles
    assert "<style" not in page and "<script" not in page and "<img" not in page and "<link" not in page
    assert not re.search(r'\s(?:src|background)=', page)  # nothing remote is loaded
    assert 'href="javascript' not in page and "&lt;script&gt;alert(1)&lt;/script&gt; raid" in page
    assert "Bad &lt;b&gt;Wire&lt;/b&gt;" in page
    assert 'style="max-width:640px' in page and '<meta name="viewport"' in page


def test_the_subject_fills_in_every_field_and_shortens_the_top_story() -> None:
    from briefgen.errors import ConfigError
    from briefgen.output.deliver import subject_line, subject_values

    def subject(template: str, briefing: Briefing) -> str:
        return subject_line(template, subject_values(briefing, briefing.date))

    briefing = sample_briefing()
    assert subject("{title} — {day}: {top}", briefing) == (
        "Daily Briefing — Tue 24 Nov 2026: Tariffs on freight fell by a third, officials said")
    assert subject("{title} for {date} ({coverage})", briefing) == (
        "Daily Briefing for 2026-11-24 (2 articles from 1 source, 23–24 Nov 2026)")
    long = replace(briefing, key_points=(replace(briefing.key_points[0], text="Word " * 40 + "end."),))
    top = subject("{top}", long)
    assert top.endswith("…") and len(top) <= 72 and top.startswith("Word Word") and "  " not in top
    quiet = replace(briefing, key_points=())
    assert subject("{title} — {day}: {top}", quiet) == "Daily Briefing — Tue 24 Nov 2026"
    with pytest.raises(ConfigError, match=r"\{headline\}, which is not one of .*\{top\}"):
        subject("{title} {headline}", briefing)


def test_the_mail_has_a_preheader_and_links_the_web_page_only_when_published() -> None:
    from briefgen.web.mail import html_body, text_body

    briefing = sample_briefing(HOSTILE)
    page = "https://briefs.example.org/desk/2026-11-24/briefing.html"
    html = html_body(briefing, "briefing-2026-11-24.pdf", page_url=page)
    hidden = re.search(r'<div style="display:none[^"]*">([^<]*)</div>', html)
    assert hidden is not None and hidden[1].startswith("2 articles from 1 source, 23–24 Nov 2026")  # one key point: the coverage
    assert f'<a href="{page}"' in html and f"View in your browser: {page}" in text_body(briefing, "x.pdf", page)
    assert "View in your browser" not in html_body(briefing, "x.pdf") + text_body(briefing, "x.pdf")
    assert "<script" not in html and "&lt;script&gt;" in html
