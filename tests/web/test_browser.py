"""The archive in a real browser: Debian's headless Chromium driven by Playwright, at 390 px with
mobile emulation (a phone) and at 1280 px, light and dark, from file:// URLs.

Needs the system's Chromium (``apt-get install -y chromium``; ``.ci/run`` installs it) and the
``playwright`` package (the test extra); Playwright never downloads a browser of its own here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.e2e  # every test here goes through a browser

CORPUS = Path(__file__).parents[2] / "corpus"
DATES = ("2026-11-27", "2026-11-28", "2026-11-29")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in the test extra: pip install -e '.[test]')")
if CHROMIUM is None:
    pytest.skip("no Chromium here: install it with `apt-get install -y chromium` (.ci/run does)", allow_module_level=True)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three days of the bundled corpus's briefings, as `briefgen daily` archives them."""
    out = tmp_path_factory.mktemp("browser") / "out"
    for date in DATES:
        result = run_cli("daily", "--corpus", str(CORPUS), "--out", str(out), "--date", date, "--days", "7",
                         "--format", "html,md,json")
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system's Chromium, headless, with a fresh temporary profile (Playwright's launch makes one)."""
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield instance
        instance.close()


class Page:
    """A page in a fresh browser context, and every console error and uncaught exception it met."""

    def __init__(self, browser: Any, device: dict[str, Any], dark: bool = False) -> None:
        self.context = browser.new_context(**device, color_scheme="dark" if dark else "light")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def pages(browser: Any) -> Iterator[list[Page]]:
    opened: list[Page] = []
    yield opened
    for page in opened:
        assert page.errors == [], page.errors  # no console error on any page a test opened
        page.close()


def new(pages: list[Page], browser: Any, device: dict[str, Any], dark: bool = False) -> Page:
    pages.append(Page(browser, device, dark))
    return pages[-1]


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", ["index.html", f"{DATES[-1]}/briefing.html", f"{DATES[0]}/briefing.html"])
def test_no_horizontal_scrolling(archive: Path, browser: Any, pages: list[Page], device: dict[str, Any], name: str) -> None:
    page = new(pages, browser, device).open(archive / name)
    width = device["viewport"]["width"]
    assert page.evaluate("window.innerWidth") == width  # laid out at the device's width, not 980 px
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    overflowing = page.evaluate(f"""[...document.querySelectorAll('body *')]
        .filter(e => !e.closest('details, svg') && e.getBoundingClientRect().right > {width} + 0.5)
        .map(e => e.tagName + '.' + e.className)""")
    assert overflowing == []


def font_px(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


def test_text_is_readable_on_a_phone(archive: Path, browser: Any, pages: list[Page]) -> None:
    phone = new(pages, browser, PHONE)
    page = phone.open(archive / DATES[-1] / "briefing.html")
    for selector in ("h2#key-points + ul li", "h2#security + *", "h2#sources + ol li", "nav.archive-nav a"):
        assert font_px(page, selector) >= 15, selector
    assert font_px(page, 'li a[href^="#src-"]') >= 12  # citation markers
    page = phone.open(archive / "index.html")
    for selector in ("section.latest ul.key-points li", "li.day a.date", "ul.counts"):
        assert font_px(page, selector) >= 15, selector


def test_index_briefing_previous_and_back(archive: Path, browser: Any, pages: list[Page]) -> None:
    page = new(pages, browser, PHONE).open(archive / "index.html")
    assert page.eval_on_selector_all("li.day time", "ts => ts.map(t => t.getAttribute('datetime'))") == list(reversed(DATES))
    assert page.eval_on_selector_all("a", "as => as.filter(a => a.href.endsWith('.eml')).length") == 0
    page.click("section.latest h2 a")
    assert page.url.endswith(f"/{DATES[-1]}/briefing.html")
    assert page.get_attribute('meta[name="date"]', "content") == DATES[-1]
    assert page.locator("nav .next.none").count() == 2  # the newest has no next, in the bar above and at the foot
    page.click("nav a.prev")
    assert page.get_attribute('meta[name="date"]', "content") == DATES[-2]
    page.click("nav a.next")
    assert page.get_attribute('meta[name="date"]', "content") == DATES[-1]
    page.click("nav a.prev")
    page.click("nav a.prev")
    assert page.get_attribute('meta[name="date"]', "content") == DATES[0]
    assert page.locator("nav .prev.none").count() == 2  # the oldest has no previous, in either bar
    page.click("nav a.index")
    assert page.url.endswith("/index.html")
    page.click(f'li.day a.date[href^="{DATES[1]}/"]')
    assert page.get_attribute('meta[name="date"]', "content") == DATES[1]


def luminance(css: str) -> float:
    """The relative luminance of an ``rgb(r, g, b)`` colour (WCAG)."""
    channels = [int(c) / 255 for c in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name,paper", [("index.html", "main.archive section"), (f"{DATES[-1]}/briefing.html", "main.briefing")])
def test_dark_mode_changes_the_background_and_keeps_text_readable(archive: Path, browser: Any, pages: list[Page],
                                                                  name: str, paper: str) -> None:
    colours = {}
    for dark in (False, True):
        page = new(pages, browser, DESKTOP, dark=dark).open(archive / name)
        colours[dark] = page.eval_on_selector(paper, "e => [getComputedStyle(document.body).backgroundColor, "
                                                     "getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
    assert colours[False][0] != colours[True][0]
    assert luminance(colours[True][1]) < 0.05 < 0.8 < luminance(colours[False][1])
    for _, paper_colour, text in colours.values():
        assert contrast(paper_colour, text) >= 7


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", ["index.html", f"{DATES[-1]}/briefing.html"])
def test_the_chart_is_visible_and_says_what_it_shows(archive: Path, browser: Any, pages: list[Page],
                                                     device: dict[str, Any], name: str) -> None:
    page = new(pages, browser, device).open(archive / name)
    chart = page.locator("figure.coverage svg.chart")
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 0.8 * min(device["viewport"]["width"], 480) and box["height"] >= 120
    label = chart.get_attribute("aria-label") or ""
    assert label.startswith("Articles per topic per day") and "Security:" in label
    assert page.eval_on_selector("svg.chart", "s => s.querySelector('title').textContent") == label
    assert chart.get_attribute("role") == "img"
    # lines were drawn: one path per topic holds more than one point
    assert page.eval_on_selector_all("svg.chart path", "ps => ps.filter(p => (p.getAttribute('d') || '').split('L').length > 3).length") >= 3


def boxes(page: Any, selector: str) -> list[dict[str, float]]:
    return list(page.eval_on_selector_all(selector, """es => es.map(e => {
        const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; })"""))


@pytest.mark.parametrize("name", [f"{DATES[-1]}/briefing.html", "index.html"])
def test_citations_and_back_links_are_tap_targets_of_24_px_on_a_phone(archive: Path, browser: Any, pages: list[Page],
                                                                       name: str) -> None:
    """WCAG 2.5.8: each target at least 24 × 24 CSS px, and two side by side do not touch."""
    page = new(pages, browser, PHONE).open(archive / name)
    for selector in ("a.cite", "a.back"):
        found = boxes(page, selector)
        if selector == "a.back" and name == "index.html":
            assert found == []  # the index has no Sources
            continue
        assert found, selector
        assert all(b["width"] >= 24 and b["height"] >= 24 for b in found), (selector, found)
    # where two citations stand side by side, there is room between them
    pairs = page.eval_on_selector_all("span.cites", """ss => ss.filter(s => s.querySelectorAll('a').length > 1).map(s => {
        const [a, b] = [...s.querySelectorAll('a')].map(e => e.getBoundingClientRect());
        return b.top >= a.bottom || b.left - a.right; })""")
    assert all(gap is True or gap >= 4 for gap in pairs), pairs


def test_a_citation_leads_to_its_source_and_back(archive: Path, browser: Any, pages: list[Page]) -> None:
    page = new(pages, browser, PHONE).open(archive / DATES[-1] / "briefing.html")
    cite = page.locator("ul.key-points a.cite").first
    target = cite.get_attribute("href")
    cite.click()
    assert page.url.endswith(target)
    source = page.locator(f"li{target}")
    assert source.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    assert source.locator("a.title").first.get_attribute("href").startswith("https://")  # the title links the article
    assert source.locator("a.title").first.text_content() != source.locator("a.title").first.get_attribute("href")
    source.locator("a.back").first.click()
    bullet = page.locator("li.bullet:target")
    assert bullet.count() == 1 and bullet.locator(f'a[href="{target}"]').count() >= 1  # back at the bullet that cites it
    assert bullet.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")


@pytest.mark.parametrize("name", ["index.html", f"{DATES[-1]}/briefing.html"])
def test_the_chart_reads_on_a_phone_and_its_table_fits(archive: Path, browser: Any, pages: list[Page], name: str) -> None:
    page = new(pages, browser, PHONE).open(archive / name)
    heights = page.eval_on_selector_all("svg.chart g[id^='xtick_'] text, svg.chart g[id^='legend'] text",
                                        "ts => ts.map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a)")
    assert heights and min(heights) >= 11, heights  # the text as drawn on the screen, in CSS px
    labels = page.eval_on_selector_all("svg.chart g[id^='xtick_'] text", "ts => ts.map(t => t.textContent)")
    assert len(labels) == len(set(labels)), labels
    page.click("details.chart-data summary")
    width = PHONE["viewport"]["width"]
    cells = page.eval_on_selector_all(".chart-data th, .chart-data td", "cs => cs.map(c => c.getBoundingClientRect().right)")
    assert cells and max(cells) <= width  # every column within the screen
    rows = page.eval_on_selector_all(".chart-data th[scope=row]", "hs => hs.map(h => h.getBoundingClientRect().height)")
    cols = page.eval_on_selector_all(".chart-data td", "ds => ds.map(d => d.getBoundingClientRect().height)")
    assert max(rows) <= min(cols) + 1  # no date wrapped onto a second line


def test_the_series_are_lighter_on_dark(archive: Path, browser: Any, pages: list[Page]) -> None:
    strokes = {}
    for dark in (False, True):
        page = new(pages, browser, PHONE, dark=dark).open(archive / "index.html")
        strokes[dark] = page.eval_on_selector_all("svg.chart path[stroke='#228833']", "ps => ps.map(p => getComputedStyle(p).stroke)")
    assert strokes[False] and set(strokes[False]) == {"rgb(34, 136, 51)"}
    assert set(strokes[True]) == {"rgb(102, 204, 119)"}  # the green, lighter on the dark paper


def test_link_previews_and_icon(archive: Path, browser: Any, pages: list[Page]) -> None:
    page = new(pages, browser, DESKTOP).open(archive / DATES[-1] / "briefing.html")
    first = page.locator("ul.key-points li .text").first.text_content()
    description = page.get_attribute('meta[name="description"]', "content")
    assert description and first.startswith(description.rstrip("…"))
    assert page.get_attribute('meta[property="og:description"]', "content") == description
    assert page.get_attribute('meta[property="og:title"]', "content") == "Daily Briefing — Sunday 29 November 2026"
    assert page.locator('meta[property="og:url"]').count() == 0  # no [output] site_url here
    assert page.get_attribute('link[rel="icon"]', "href").startswith("data:image/svg+xml,")
    assert page.locator("nav.archive-nav.foot a.index").count() == 1
    page = new(pages, browser, PHONE).open(archive / "index.html")
    assert page.locator("header.site p").text_content().startswith("3 briefings, 27–29 Nov 2026")
    assert page.get_attribute('meta[property="og:type"]', "content") == "website"


def test_screenshots_of_phone_and_desktop(archive: Path, browser: Any, pages: list[Page], tmp_path: Path) -> None:
    """The pictures `scripts/screenshots.py` saves in docs/, made here to check they can be."""
    for device, name in ((PHONE, "phone.png"), (DESKTOP, "desktop.png")):
        page = new(pages, browser, device).open(archive / DATES[-1] / "briefing.html")
        page.screenshot(path=str(tmp_path / name), full_page=False)
        assert (tmp_path / name).stat().st_size > 10_000


def test_the_e_mail_reads_on_a_phone(archive: Path, browser: Any, pages: list[Page], tmp_path: Path) -> None:
    """The HTML part of the e-mail, as a phone's mail client shows it: one column, no sideways
    scrolling, 16 px text, every section there."""
    from briefgen.output.archive import find
    from briefgen.web.mail import html_body

    briefing = find(archive, "briefing", None)
    message = tmp_path / "mail.html"
    message.write_text(html_body(briefing.briefing, "briefing.pdf"), encoding="utf-8")
    page = new(pages, browser, PHONE).open(message)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    assert font_px(page, "li") >= 15
    assert page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)") == [
        "Key points", "Trade and Economy", "Security", "Recognition and Diplomacy", "Sources"]
    assert page.eval_on_selector_all("a", "as => as.every(a => a.href.startsWith('https://'))")
