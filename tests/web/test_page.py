"""What the briefing page and the index say, read from their HTML as a browser would parse it: the
way from a citation to its source and back, the linked titles, the marks explained, the chart's
day labels, the navigation at the foot, and what a link preview shows."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest

from briefgen.models import Activity, Briefing, Item
from briefgen.output.archive import ArchivedBriefing
from briefgen.output.present import description
from briefgen.output.record import to_json
from briefgen.output.render import to_html
from briefgen.styles import stylesheet
from briefgen.text.dates import in_window
from briefgen.web import chart
from briefgen.web.nav import navigation
from briefgen.web.pages import index_html
from tests.output.test_record import DAY, record_briefing

SITE = "https://briefs.example.org/desk/"


def parse(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def meta(doc: lxml.html.HtmlElement, key: str) -> str | None:
    found = doc.xpath(f'//meta[@name="{key}" or @property="{key}"]/@content')
    return found[0] if found else None


# --- citations and sources -----------------------------------------------------------------------

def test_every_citation_leads_to_its_source_and_back() -> None:
    doc = parse(to_html(record_briefing()))
    ids = set(doc.xpath("//@id"))
    cites = doc.xpath('//li[@class="bullet"]//a[starts-with(@href, "#src-")]')
    assert cites and all(a.get("href")[1:] in ids for a in cites)
    for source in doc.xpath('//ol[@class="sources"]/li'):
        backs = source.xpath('a[@class="back"]')
        assert backs, source.get("id")  # every source here is cited, so each has a way back
        for back in backs:
            [bullet] = doc.xpath(f'//li[@id="{back.get("href")[1:]}"]')  # it resolves, to one bullet
            assert bullet.xpath(f'.//a[@href="#{source.get("id")}"]')  # which links this source
    # source 1 is cited by two bullets: one way back to each, named by its section
    assert [a.text_content() for a in doc.xpath('//li[@id="src-1"]/a[@class="back"]')] == ["↩\u202fKey points", "↩\u202fPorts"]


def test_sources_link_their_titles_and_never_show_a_bare_link() -> None:
    doc = parse(to_html(record_briefing()))
    [title] = doc.xpath('//li[@id="src-1"]/a[@class="title"]')
    assert (title.text_content(), title.get("href")) == ("Tariffs cut", "https://steppe.example/1")
    links = doc.xpath('//ol[@class="sources"]//a')
    assert not [a for a in links if a.text_content().startswith("http")]  # no raw URL as a link's text
    # a URL that may not be linked is shown as text, and its title is not a link
    assert doc.xpath('//li[@id="src-3"]/a[@class="title"]') == []
    assert doc.xpath('//li[@id="src-3"]/code[@class="unlinked"]/text()') == ["javascript:alert(1)"]
    assert not doc.xpath('//a[starts-with(@href, "javascript")]')


def test_citations_are_separate_tap_targets_styled_24_px() -> None:
    doc = parse(to_html(record_briefing()))
    [ports] = doc.xpath('//li[@id="ports-1"]//span[@class="cites"]')
    assert [a.text_content() for a in ports.xpath("a")] == ["[1]", "[4]"]  # one link each, a space between
    assert ports.text_content() == "[1] [4]"
    css = stylesheet()
    rule = css[css.index("a.cite {"):css.index("}", css.index("a.cite {"))]
    assert "min-width: 1.5rem" in rule and "min-height: 1.5rem" in rule  # 24 px at the 16 px root


# --- marks, dates, navigation ------------------------------------------------------------------

def test_the_marks_are_explained_in_a_legend_and_in_their_title() -> None:
    doc = parse(to_html(record_briefing()))
    legend = dict(zip(doc.xpath('//details[@class="legend"]//dt/text()'), doc.xpath('//details[@class="legend"]//dd/text()'),
                      strict=True))
    assert set(legend) == {"[1]", "also reported by", "24\u00a0Nov", "since\u00a023\u00a0Nov", "Developing (reported 23 Nov)"}
    assert "first reported" in legend["since\u00a023\u00a0Nov"] and "earlier briefing" in legend["Developing (reported 23 Nov)"]
    assert doc.xpath('//span[@class="when"]/@title')[0] == "Its story was first reported on 23 Nov and again on later days"
    # a briefing without any of these marks has no legend
    plain = replace(record_briefing(), key_points=(), sections=())
    assert not parse(to_html(plain)).xpath('//details[@class="legend"]')


def test_dates_carry_the_year_where_the_window_spans_years() -> None:
    assert in_window(dt.date(2016, 3, 7), dt.date(2015, 6, 1), dt.date(2019, 6, 1)) == "7 Mar 2016"
    assert in_window(dt.date(2026, 11, 23), dt.date(2026, 11, 17), DAY) == "23 Nov"
    assert in_window(dt.date(2025, 12, 30), dt.date(2026, 1, 2), dt.date(2026, 1, 2)) == "30 Dec 2025"  # before the window's year
    base = record_briefing()
    span = replace(base, start=dt.date(2025, 12, 20), end=dt.date(2026, 1, 2), date=dt.date(2026, 1, 2),
                   stories=tuple(replace(s, first_seen=dt.date(2025, 12, 28), last_seen=dt.date(2026, 1, 2)) for s in base.stories),
                   sections=tuple(replace(s, items=tuple(replace(i, reported=dt.date(2025, 12, 31)) for i in s.items))
                                  for s in base.sections))
    text = parse(to_html(span)).text_content()
    assert "since\u00a028\u00a0Dec\u00a02025" in text and "Developing (reported 31 Dec 2025):" in text
    assert "since\u00a023\u00a0Nov\u00a0" not in parse(to_html(base)).text_content()  # within one year: no year


def test_the_navigation_stands_at_the_foot_too_and_names_another_year() -> None:
    doc = parse(to_html(record_briefing()))
    bars = doc.xpath("//nav")
    assert len(bars) == 2 and bars[1].getparent().index(bars[1]) > bars[1].getparent().index(doc.xpath("//main")[0])
    assert bars[0].get("aria-label") != bars[1].get("aria-label")  # two landmarks, told apart
    assert bars[1].xpath('a[@href="#top"]') and bars[1].xpath('a[@href="../index.html"]')
    bar = navigation((dt.date(2025, 12, 31), "../2025-12-31/briefing.html"), None, this=dt.date(2026, 1, 2))
    assert "← Previous: Wed 31 Dec 2025" in bar
    assert "← Previous: Tue 1 Dec<" in navigation((dt.date(2026, 12, 1), "x"), None, this=dt.date(2026, 12, 2))


# --- the chart -------------------------------------------------------------------------------------

def tick_labels(data: Activity) -> list[str]:
    svg = ET.fromstring(chart.svg(data))
    groups = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if (g.get("id") or "").startswith("xtick_")]
    return ["".join(t.itertext()) for g in groups for t in g.iter("{http://www.w3.org/2000/svg}text")]


def days(last: dt.date, n: int) -> Activity:
    span = tuple(last - dt.timedelta(days=n - 1 - i) for i in range(n))
    return Activity(span, (("trade", "Trade"), ("security", "Security")), (tuple(range(n)), tuple([1] * n)))


@pytest.mark.parametrize("n,expected", [
    (1, ["3 Dec"]),  # the one day, and no day outside it
    (3, ["1 Dec", "2 Dec", "3 Dec"]),  # each day once
    (14, ["21 Nov", "24 Nov", "27 Nov", "30 Nov", "3 Dec"]),  # every third day, ending on the briefing's
])
def test_the_chart_labels_each_day_once_and_only_days_of_its_span(n: int, expected: list[str]) -> None:
    assert tick_labels(days(dt.date(2026, 12, 3), n)) == [label.replace(" ", "\u00a0") for label in expected]


def test_the_chart_labels_carry_the_year_across_new_year_and_the_caption_says_what_is_counted() -> None:
    data = days(dt.date(2026, 1, 3), 7)
    labels = tick_labels(data)
    assert labels[-1] == "3\u00a0Jan\u00a02026" and any(label.endswith("2025") for label in labels)
    assert chart.caption(data) == f"Articles per topic per day, 28 Dec 2025 – 3 Jan 2026; {chart.COUNTED}."
    drawn = chart.figure(data, chart.caption(data))
    assert '<th scope="row"><time datetime="2026-01-03">3\u00a0Jan\u00a02026</time></th>' in drawn  # no ISO date to wrap


def test_the_chart_text_is_12_px_in_a_figure_of_331_px() -> None:
    svg = chart.svg(days(DAY, 14))
    assert re.search(r'viewBox="0 0 331\.2 ', svg)
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)}
    assert sizes and min(sizes) >= 12  # so at least 11.8 px where a phone shows it 326 px wide


def test_the_dark_scheme_lightens_every_series() -> None:
    css = stylesheet()
    dark = css[css.index("/* the coverage chart's series on the dark background"):]
    for light, lighter in zip(chart.COLOURS, chart.DARK_COLOURS, strict=True):
        assert f'svg.chart [stroke="{light.lower()}"] {{ stroke: {lighter.lower()}; }}' in dark
        assert contrast(lighter, "#161b22") >= 4.5  # on the dark paper


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- what a link preview shows ------------------------------------------------------------------

def hostile_briefing() -> Briefing:
    base = record_briefing()
    point = Item('Officials said "<b>tariffs</b>" & duties fell.', base.key_points[0].article_ids, 1.0, story="s1", section="trade")
    return replace(base, key_points=(point,))


def test_the_description_is_the_top_key_point_escaped() -> None:
    page = to_html(hostile_briefing())
    doc = parse(page)
    assert meta(doc, "description") == 'Officials said "<b>tariffs</b>" & duties fell.'
    assert meta(doc, "og:description") == meta(doc, "description")
    assert 'content="Officials said &#34;&lt;b&gt;tariffs&lt;/b&gt;&#34; &amp; duties fell."' in page
    assert (meta(doc, "og:title"), meta(doc, "og:type")) == ("Morning Desk — Tuesday 24 November 2026", "article")
    long = replace(record_briefing(), key_points=(Item("word " * 80, ("#1",), 1.0),))
    cut = description(long)
    assert len(cut) <= 200 and cut.endswith("word…") and set(cut[:-1].split()) == {"word"}  # cut after a word


def test_no_og_url_without_a_site_url_and_absolute_links_with_one() -> None:
    doc = parse(to_html(record_briefing()))
    assert meta(doc, "og:url") is None and not doc.xpath('//link[@rel="canonical"]')
    assert doc.xpath('//link[@type="application/atom+xml"]/@href') == ["../feed.xml"]
    assert doc.xpath('//link[@rel="icon"]/@href')[0].startswith("data:image/svg+xml,")  # nothing to fetch
    doc = parse(to_html(record_briefing(), site_url=SITE, basename="brief"))
    assert meta(doc, "og:url") == f"{SITE}2026-11-24/brief.html"
    assert doc.xpath('//link[@rel="canonical"]/@href') == [f"{SITE}2026-11-24/brief.html"]
    assert doc.xpath('//link[@type="application/atom+xml"]/@href') == [f"{SITE}feed.xml"]


def test_the_index_says_how_many_briefings_and_previews_the_latest(tmp_path: Path) -> None:
    briefing = record_briefing()
    folder = tmp_path / DAY.isoformat()
    folder.mkdir()
    (folder / "briefing.json").write_text(to_json(briefing))
    one = [ArchivedBriefing(DAY, folder, briefing)]
    doc = parse(index_html(one, "briefing"))
    assert doc.xpath("//header/p")[0].text_content().startswith("1 briefing, Tue 24 Nov 2026 · ")
    assert meta(doc, "og:type") == "website" and meta(doc, "og:url") is None
    assert meta(doc, "description") == "1 briefing, Tue 24 Nov 2026. Latest: Tariffs on freight fell by a third."
    doc = parse(index_html(one, "briefing", site_url=SITE))
    assert meta(doc, "og:url") == f"{SITE}index.html" and doc.xpath('//header//a/@href') == [f"{SITE}feed.xml"]
    older = [ArchivedBriefing(DAY - dt.timedelta(days=n), folder, briefing) for n in (0, 1, 2)]
    assert parse(index_html(older, "briefing")).xpath("//header/p")[0].text_content().startswith("3 briefings, 22–24 Nov 2026 · ")
