"""One briefing model for every output: the record's round trip (:mod:`briefgen.output.record`), and
each renderer — Markdown, the HTML page, the index, the feed, the e-mail's text and HTML, the
PDF — showing the same parts of one model (:mod:`briefgen.output.present`), with the one URL guard and
the one date formatter (:mod:`briefgen.text.dates`); user templates (``[output] templates``)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.errors import InputError
from briefgen.models import Activity, Article, Briefing, Item, Section, Source, Story
from briefgen.output.archive import ArchivedBriefing
from briefgen.output.present import IN_KEY_POINTS, heading_ids, parts, safe_url
from briefgen.output.record import from_json, record_problem, to_json
from briefgen.output.render import to_html, to_markdown, to_pdf
from briefgen.text.dates import date_range
from briefgen.web import chart
from briefgen.web.feed import feed_xml
from briefgen.web.mail import html_body, text_body
from briefgen.web.pages import index_html, index_markdown
from tests.conftest import md_file, run_cli
from tests.output.test_render import sample_briefing

DAY = dt.date(2026, 11, 24)
NBSP = "\u00a0"


def article(n: int, title: str, source: str, url: str, date: dt.date | None = DAY) -> Article:
    """An article as a record holds it: its id is its path, it has no text."""
    path = f"corpus/{n}.md"
    return Article(id=path, title=title, source=source, date=date, url=url, path=path, text="")


def record_briefing() -> Briefing:
    """A briefing of the shape :func:`from_json` returns, with every kind of part: a key point with
    its section's label, outlets named and counted, a developing bullet, a story over several
    days, a section led by the key points, an empty one, sources without a link or with one
    that may not be linked, a story's article that is not a source, and the chart's counts."""
    a = article(1, "Tariffs cut", "Steppe Ledger", "https://steppe.example/1")
    b = article(2, "Tariffs cut (wire)", "Khyber Wire", "", DAY - dt.timedelta(days=1))
    c = article(3, "Checkpoint attacked", "", "javascript:alert(1)")
    d = article(4, "Dry port", "Caspian Herald", "https://caspian.example/a\\b")
    e = article(5, "", "", "", None)  # of its story, not cited: the record has its path alone
    key = Item("Tariffs on freight fell by a third.", (a.id,), 1.0, story="s1", section="trade", also=(b.id,), more_outlets=2)
    developing = Item("Militants attacked a second checkpoint.", (c.id,), 0.5, True, DAY - dt.timedelta(days=1), story="s2")
    port = Item("A dry port will be built.", (a.id, d.id), 0.25, story="s3")  # citations by number
    sections = (Section("trade", "Trade and Economy", ()), Section("security", "Security", (developing,)),
                Section("recognition", "Recognition", ()), Section("ports", "Ports", (port,)))
    stories = (Story("s1", a.title, DAY - dt.timedelta(days=1), DAY, ("trade",), (a, b)),
               Story("s2", c.title, DAY, DAY, ("security",), (c, e)),
               Story("s3", d.title, DAY, DAY, ("ports",), (d,)))
    activity = Activity((DAY - dt.timedelta(days=1), DAY), (("trade", "Trade and Economy"), ("security", "Security")),
                        ((1, 2), (0, 1)))
    return Briefing("Morning Desk", DAY, DAY - dt.timedelta(days=1), DAY, "5 articles from 4 sources, 23–24 Nov 2026",
                    (key,), sections, tuple(Source(n, x) for n, x in enumerate((a, b, c, d), 1)),
                    stories=stories, activity=activity)


# --- the record --------------------------------------------------------------------------------

def test_the_record_round_trip_is_exact() -> None:
    briefing = record_briefing()
    text = to_json(briefing)
    assert from_json(text) == briefing
    assert to_json(from_json(text)) == text
    assert from_json(json.loads(text)) == briefing  # the parsed record too


def test_a_briefing_read_back_renders_as_the_one_it_was_written_from() -> None:
    briefing = sample_briefing()  # as the pipeline makes it: ids are not paths, articles have text
    again = from_json(to_json(briefing))
    assert again != briefing
    assert to_markdown(again) == to_markdown(briefing)
    assert to_html(again) == to_html(briefing)
    assert text_body(again, "b.pdf") == text_body(briefing, "b.pdf")
    assert html_body(again, "b.pdf") == html_body(briefing, "b.pdf")


def test_a_record_keeps_no_empty_message_the_reader_gives_it() -> None:
    text = to_json(record_briefing())
    assert from_json(text).empty_message == Briefing.empty_message
    said = from_json(text, empty_message="Nothing today.")
    assert [p.empty for p in parts(said)][2:4] == ["Nothing today.", "Nothing today."]


def test_an_old_record_reads_with_its_folder_date_and_defaults() -> None:
    old = {"title": "Daily", "coverage": "1 article", "sections": [{"items": [{"text": "A.", "sources": [1]}]}],
           "key_points": [], "sources": [{"id": 1, "date": "not a date"}]}
    with pytest.raises(InputError, match="no date"):
        from_json(old)
    briefing = from_json(old, DAY)
    assert (briefing.date, briefing.start, briefing.end) == (DAY, DAY, DAY)
    assert briefing.sections[0].items[0] == Item("A.", ("#1",), 0.0)
    assert briefing.sources[0].article.date is None and briefing.stories == () and briefing.activity is None


def test_a_citation_of_a_source_the_record_does_not_list_is_unsound() -> None:
    record = json.loads(to_json(record_briefing()))
    assert record_problem(record) is None
    record["sections"][1]["items"][0]["also"] = [9]
    assert record_problem(record) == "sections[1].items[0].also names source 9, which sources does not list"
    with pytest.raises(InputError, match="not a briefing record: sections"):
        from_json(record)


# --- every renderer from one model ---------------------------------------------------------------

def test_markdown_writes_each_part_of_a_bullet() -> None:
    md = to_markdown(record_briefing())
    assert ("- *Trade and Economy —* Tariffs on freight fell by a third. [[1](#src-1)] · also reported by "
            f"[Khyber Wire](#src-2) and 2{NBSP}more outlets · since{NBSP}23{NBSP}Nov\n") in md
    assert f"- **Developing (reported 23 Nov):** Militants attacked a second checkpoint. [[3](#src-3)] · 24{NBSP}Nov\n" in md
    assert "- A dry port will be built. [[1](#src-1), [4](#src-4)] · 24\u00a0Nov" in md
    assert f"## Trade and Economy\n\n*{IN_KEY_POINTS}*" in md and "## Recognition\n\n*No relevant reporting in this period.*" in md
    assert "<https://steppe.example/1>" in md and "javascript:alert\\(1\\)" in md and "<https://caspian" not in md


def test_the_page_gives_each_part_of_a_bullet_its_class() -> None:
    page = to_html(record_briefing())
    assert ('<li class="bullet" id="key-points-1"><em class="label">Trade and Economy —</em> <span class="text">Tariffs on freight '
            'fell by a third.</span> <span class="cites"><a class="cite" href="#src-1" aria-label="source 1: Tariffs cut">[1]</a>'
            '</span> ·&nbsp;<span class="also">also reported by '
            f'<a href="#src-2">Khyber Wire</a> and 2{NBSP}more outlets</span> ·&nbsp;<span class="when" title="Its story was first '
            f'reported on 23 Nov and again on later days">since{NBSP}23{NBSP}Nov</span></li>') in page
    assert ('<strong class="developing" title="An update of a story the briefing of 23 Nov reported">Developing (reported 23 Nov):'
            '</strong> <span class="text">Militants attacked a second checkpoint.</span>') in page
    assert ('<span class="cites"><a class="cite" href="#src-1" aria-label="source 1: Tariffs cut">[1]</a> '
            '<a class="cite" href="#src-4" aria-label="source 4: Dry port">[4]</a></span>') in page
    assert f'<p class="empty"><em>{IN_KEY_POINTS}</em></p>' in page
    assert '<h2 id="coverage">Coverage</h2>\n<figure class="coverage">' in page  # the chart's block, before the sources
    assert page.index('<h2 id="coverage">') < page.index('<h2 id="sources">')
    assert '<a class="title" href="https://steppe.example/1" rel="noopener noreferrer">' in page
    assert 'href="javascript' not in page and 'href="https://caspian' not in page  # the one URL guard
    assert "javascript:alert(1)" in page and "https://caspian.example/a\\b" in page  # shown as text


def test_the_e_mail_says_the_same_in_text_and_html() -> None:
    briefing = record_briefing()
    text = text_body(briefing, "b.pdf")
    assert ("- Trade and Economy — Tariffs on freight fell by a third. [1] · also reported by Khyber Wire and 2 more outlets"
            " · since 23 Nov\n" in text)
    assert "- Developing (reported 23 Nov): Militants attacked a second checkpoint. [3] · 24 Nov\n" in text
    assert "PORTS\n\n- A dry port will be built. [1][4] · 24 Nov\n" in text
    assert f"TRADE AND ECONOMY\n\n({IN_KEY_POINTS})\n" in text and "RECOGNITION\n\n(No relevant reporting in this period.)\n" in text
    assert "[3] Checkpoint attacked — 24 Nov 2026\n    javascript:alert(1)\n" in text
    page = html_body(briefing, "b.pdf")
    assert '<a href="https://steppe.example/1" style="' in page and ">[1]</a>" in page
    assert "<strong>Developing (reported 23 Nov):</strong> Militants attacked" in page
    assert "also reported by Khyber Wire and 2 more outlets" in page
    assert 'href="javascript' not in page and 'href="https://caspian' not in page
    assert "(javascript:alert(1))" in page
    assert "· 24\u00a0Nov</span>" in page and "· since\u00a023\u00a0Nov</span>" in page  # the story dates, as on the page


def test_index_feed_and_pdf_from_the_model(tmp_path: Path) -> None:
    briefing = record_briefing()
    folder = tmp_path / DAY.isoformat()
    folder.mkdir()
    (folder / "briefing.json").write_text(to_json(briefing))
    (folder / "briefing.html").write_text(to_html(briefing))
    archived = [ArchivedBriefing(DAY, folder, briefing)]
    page = index_html(archived, "briefing")
    assert "<title>Morning Desk: all briefings</title>" in page and "<p>1 briefing, Tue 24 Nov 2026 · " in page
    # the latest briefing as its page shows it: its sections, and citations that lead to its page's Sources
    latest = page[page.index('<section class="latest"'):page.index("</section>")]
    assert '<span class="text">Tariffs on freight fell by a third.</span>' in latest
    assert '<a class="cite" href="2026-11-24/briefing.html#src-1" aria-label="source 1: Tariffs cut">[1]</a>' in latest
    assert [h for h in ("Key points", "Trade and Economy", "Security", "Recognition", "Ports") if f">{h}</h3>" in latest] == [
        "Key points", "Trade and Economy", "Security", "Recognition", "Ports"]
    assert f"<em>{IN_KEY_POINTS}</em>" in latest and "Developing (reported 23 Nov):" in latest
    assert '<span class="topic">Trade and Economy</span> <span class="n">1</span>' in page  # its key point counts there
    assert 'aria-label="Articles per topic per day, 23–24 Nov 2026.' in page
    assert "Trade and Economy 1, Security 1, Recognition 0, Ports 1" in index_markdown(archived, "briefing")
    summary = ET.fromstring(feed_xml(archived, "briefing")).find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    assert summary is not None and summary.text == "5 articles from 4 sources, 23–24 Nov 2026. Key points: Tariffs on freight fell by a third."
    pdf = PdfReader(io.BytesIO(to_pdf(briefing)))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    for part in ("Trade and Economy — Tariffs on freight fell by a third.", "also reported by Khyber Wire",
                 "Developing (reported 23 Nov): Militants attacked a second checkpoint.", IN_KEY_POINTS):
        assert part in text, part


def test_hostile_text_in_every_part_is_only_text() -> None:
    evil = '<script>alert(1)</script>'
    briefing = record_briefing()
    a = replace(briefing.sources[1].article, source=evil, title=evil)
    briefing = replace(briefing, title=evil, coverage=evil,
                       sources=(briefing.sources[0], Source(2, a), *briefing.sources[2:]),
                       sections=(replace(briefing.sections[0], title=evil), *briefing.sections[1:]))
    for html in (to_html(briefing), html_body(briefing, evil)):
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- one URL guard, one date formatter, heading ids --------------------------------------------------

@pytest.mark.parametrize(("url", "linked"), [
    ("https://a.example/x?y=1", True), ("HTTP://A.EXAMPLE", True), ("javascript:alert(1)", False), ("", False),
    ("https://a.example/a b", False), ('https://a.example/"x', False), ("https://a.example/a\\b", False),
    ("https://a.example/<x>", False), ("ftp://a.example/", False), ("https://a.example/`x`", False)])
def test_one_url_guard(url: str, linked: bool) -> None:
    assert (safe_url(url) == url) is linked


def test_one_date_range_formatter_for_the_coverage_line_and_the_chart() -> None:
    assert date_range(DAY, DAY) == "24 Nov 2026"
    assert date_range(dt.date(2026, 11, 17), DAY) == "17–24 Nov 2026"
    assert date_range(dt.date(2026, 10, 28), dt.date(2026, 11, 3)) == "28 Oct – 3 Nov 2026"
    assert date_range(dt.date(2025, 12, 29), dt.date(2026, 1, 4)) == "29 Dec 2025 – 4 Jan 2026"
    days = tuple(dt.date(2026, 11, 28) + dt.timedelta(days=i) for i in range(7))
    assert chart.caption(Activity(days, (("t", "T"),), ((0,) * 7,))).startswith("Articles per topic per day, 28 Nov – 4 Dec 2026; ")


def test_heading_ids_are_unique_slugs() -> None:
    assert heading_ids(["Key points", "Sources", "Trade & Economy", "Sources", "Торговля", ""]) == [
        "key-points", "sources", "trade-economy", "sources_1", "section", "section_1"]


# --- the configured empty message reaches the e-mail; user templates ---------------------------------------

def corpus_of_one_day(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    md_file(corpus, "d1.md", "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the "
            "northern railway corridor. Traders said exports of cotton and dried fruit could double within a year.",
            title="Tariffs cut", date="2026-11-24", source="Steppe Ledger")
    return corpus


@pytest.mark.e2e
def test_the_configured_empty_message_reaches_the_e_mail(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text('[briefing]\nempty_section = "Quiet on this front."\n'
                      '[delivery]\nsender = "b@example.org"\nrecipients = ["desk@example.org"]\n')
    out = tmp_path / "out"
    common = ("--out", str(out), "--config", str(config))
    assert run_cli("daily", "--corpus", str(corpus_of_one_day(tmp_path)), "--date", "2026-11-24", "--format", "md,pdf",
                   *common).exit_code == 0
    assert "*Quiet on this front.*" in (out / "2026-11-24" / "briefing.md").read_text()
    assert run_cli("send", "--dry-run", *common).exit_code == 0
    message = email.message_from_bytes((out / ".briefgen" / "mail" / "2026-11-24.eml").read_bytes(), policy=email.policy.default)
    assert "(Quiet on this front.)" in message.get_body(("plain",)).get_content()
    assert "Quiet on this front." in message.get_body(("html",)).get_content()
    assert "No relevant reporting" not in message.get_body(("html",)).get_content()


@pytest.mark.e2e
def test_user_templates_come_before_the_packaged_ones(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "bullet.html").write_text('{% macro bullet(b) %}<li class="mine">{{ b.text }} ({{ b.cites|length }})</li>{% endmacro %}')
    (mine / "index.html").write_text('{% extends "base.html" %}{% block body %}<p class="mine">{{ rows|length }}</p>{% endblock %}')
    config = tmp_path / "desk.toml"
    config.write_text('[output]\ntemplates = "mine"\n')  # relative to the config file
    out = tmp_path / "out"
    result = run_cli("daily", "--corpus", str(corpus_of_one_day(tmp_path)), "--out", str(out), "--date", "2026-11-24",
                     "--format", "html", "--config", str(config))
    assert result.exit_code == 0, result.output
    page = (out / "2026-11-24" / "briefing.html").read_text()
    assert '<li class="mine">' in page and '<main class="briefing">' in page  # the rest is briefgen's
    assert '<p class="mine">1</p>' in (out / "index.html").read_text()
    assert '<li class="bullet" id="key-points-1">' in to_html(sample_briefing())  # the packaged templates are untouched


# --- no circle between the archive and the web ------------------------------------------------------

def imported(module: str) -> set[str]:
    """The briefgen modules a module's source imports (at any depth of its code)."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return {n for n in names if n.startswith("briefgen")}


@pytest.mark.parametrize("module", ["briefgen.output.archive", "briefgen.files", "briefgen.output.record", "briefgen.output.present",
                                    "briefgen.text.dates", "briefgen.models"])
def test_the_archive_and_the_model_never_import_the_web_or_the_renderers(module: str) -> None:
    assert not {n for n in imported(module) if n.startswith(("briefgen.web", "briefgen.output.render", "briefgen.output.deliver"))}


def test_the_renderers_import_no_other_renderer_for_its_format() -> None:
    for module in ("briefgen.web.mail", "briefgen.web.feed", "briefgen.web.nav", "briefgen.web.pages", "briefgen.web.site"):
        assert "briefgen.output.render" not in imported(module), module


@pytest.mark.e2e
def test_a_templates_folder_that_is_missing_or_a_template_that_breaks_is_a_clear_error(tmp_path: Path) -> None:
    corpus, config = corpus_of_one_day(tmp_path), tmp_path / "desk.toml"

    def daily(out: str) -> tuple[int, str]:
        result = run_cli("daily", "--corpus", str(corpus), "--out", str(tmp_path / out), "--date", "2026-11-24",
                         "--format", "html", "--config", str(config))
        return result.exit_code, result.stderr

    config.write_text('[output]\ntemplates = "nowhere"\n')
    code, stderr = daily("a")
    assert code == 3 and f"Error: output.templates names {tmp_path / 'nowhere'}, which is not a folder" in stderr
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "bullet.html").write_text("{% macro bullet(b) %}{{ b.text }\n")
    config.write_text('[output]\ntemplates = "mine"\n')
    code, stderr = daily("b")
    assert code == 6 and "Error: cannot render the template briefing.html (" in stderr and "bullet.html, line 1)" in stderr
    assert f"Hint: fix or remove it in {tmp_path / 'mine'} ([output] templates)" in stderr
    assert not (tmp_path / "b" / "2026-11-24").exists()  # nothing was written


# --- golden files: the page's briefing and the e-mail's text, from the one model ------------------------

GOLDEN = Path(__file__).parents[1] / "golden"


def page_main(briefing: Briefing) -> str:
    """The briefing part of its page (``<main>``), without the chart (matplotlib's SVG varies by
    version; the chart has tests of its own): what the templates write of the model."""
    page = to_html(replace(briefing, activity=None))
    return page[page.index("<main"):page.index("</main>") + len("</main>")] + "\n"


GOLDEN_RENDERERS = {"briefing-page.html": page_main,
                    "briefing-mail.txt": lambda b: text_body(b, "briefing-2026-11-24.pdf")}


@pytest.mark.parametrize("name", GOLDEN_RENDERERS)
def test_renderers_match_golden_files(name: str) -> None:
    # After an intended change, rewrite the golden files with:
    # .venv/bin/python -c "from tests.output.test_record import *; write_golden()"
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert GOLDEN_RENDERERS[name](record_briefing()) == expected


def write_golden() -> None:
    for name, render in GOLDEN_RENDERERS.items():
        (GOLDEN / name).write_text(render(record_briefing()), encoding="utf-8")
