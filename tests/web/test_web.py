"""The reading side: the coverage chart's counts and SVG, the Atom feed, the index and the
navigation bars, the e-mail's parts and the tagged PDF."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from pypdf import PdfReader

from briefgen import coverage
from briefgen.models import Activity
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
    data = coverage.activity(articles, options.topics, DAY)
    assert data.days[0] == DAY - dt.timedelta(days=13) and data.days[-1] == DAY and len(data.days) == 14
    counts = dict(zip((name for name, _ in data.topics), data.counts, strict=True))
    assert counts["trade"][-1] == 2 and sum(counts["trade"]) == 2
    assert counts["security"][-2] == 1 and sum(counts["security"]) == 1
    assert counts["recognition"][-4] == 1 and sum(counts["recognition"]) == 1


def test_activity_starts_where_the_corpus_starts(options) -> None:
    articles = [make_article(SECURITY_TEXT, id="s", date=DAY - dt.timedelta(days=2))]
    data = coverage.activity(articles, options.topics, DAY)
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
    assert re.findall(r'<time datetime="([\d-]+)"', page) == [d.isoformat() for d in reversed(dates)]
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

    def bar(date: dt.date) -> str:
        text = (out / date.isoformat() / "briefing.html").read_text()
        return text[text.index(NAV_START):text.index(NAV_END)]

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
    for entry in entries:  # 4.1.2: an entry without content has an alternate link and a summary
        assert [link.get("rel") for link in entry.findall(f"{ATOM}link")] == ["alternate"]
        assert entry.find(f"{ATOM}summary").get("type") == "text"

    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries][:2] == [f"{d.isoformat()}/briefing.html" for d in reversed(dates[-2:])]
    assert parsed.entries[0].title == "Daily Briefing — Friday 25 December 2026"
    assert "Tariffs on freight fell by a third, officials said." in parsed.entries[0].summary
    # ids stay the same when the feed is written again
    update_links(out, "briefing")
    assert [e.id for e in feedparser.parse((out / "feed.xml").read_bytes()).entries] == ids


def test_the_feed_leaves_out_what_xml_cannot_hold(tmp_path: Path) -> None:
    out = tmp_path / "out"
    fake_archive(out, 1)
    record_path = out / DAY.isoformat() / "briefing.json"
    record = json.loads(record_path.read_text())
    record["key_points"][0]["text"] = "Bad\x0b byte\x01 and <b>markup</b> & more"
    record_path.write_text(json.dumps(record))
    update_links(out, "briefing")
    summary = ET.fromstring((out / "feed.xml").read_bytes()).find(f"{ATOM}entry/{ATOM}summary")
    assert summary is not None and "• Bad byte and <b>markup</b> & more" in (summary.text or "")


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
    message = email.message_from_bytes((out / "2026-11-24" / "briefing.eml").read_bytes(), policy=email.policy.default)
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
