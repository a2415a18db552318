"""Stage 7, render: a :class:`Briefing` → Markdown, HTML, PDF and JSON.

Markdown is written by briefgen, with every piece of article text escaped so that it can only
ever be text. A source is cited by its title, outlet, date and link, never by the file it came
from (a local path is no business of a reader's): the path stays in the JSON record. HTML is
python-markdown's rendering of that Markdown, sanitised by nh3 and set in a page with
``styles/briefing.css`` (responsive, with a dark scheme; print styles for the PDF), with the
coverage chart (:mod:`briefgen.web.chart`) before the sources and a navigation bar to the
archive's index and the previous and next briefings (:func:`navigation`; the archive rewrites it
as briefings come and go). The PDF is WeasyPrint's rendering of that HTML, tagged (PDF/UA-1), with a
URL fetcher that refuses every URL: the stylesheet is passed in directly and fonts come from
the system, so nothing an article says can make the renderer read a file or the network.
"""

from __future__ import annotations

import html
import json
import logging
import re
from importlib import resources
from typing import Any

import markdown
import nh3

from briefgen.errors import RenderError
from briefgen.models import Briefing, Item

log = logging.getLogger(__name__)

#: what a section says whose only stories stand in the key points (a key point is not printed twice)
IN_KEY_POINTS = "Reported in the key points above."
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_LIST_START = re.compile(r"^(\d+)([.)])(\s)")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)
_BREAKS = re.compile(r"\s+")  # every kind of line break (\r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029) and space


def escape_markdown(text: str) -> str:
    """Article text made inert in Markdown: shown as the same characters, never as markup, and
    on one line (a line break of any kind could start a heading, a list or a raw HTML block)."""
    text = _BREAKS.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LIST_START.sub(r"\1\\\2\3", text)


def long_date(date: Any) -> str:
    return f"{date:%A} {date.day} {date:%B %Y}"


def _citations(briefing: Briefing, item: Item) -> str:
    """``[1, 4]``, linked to the sources (the articles that hold the sentence), then the other
    outlets of its story, each linked to its source: ``· also reported by Khyber Wire, Steppe
    Ledger`` (``and 2 more`` beyond those named), and, in a window of several days, the day its
    story was first reported there: ``· 27 Nov``, or ``· since 25 Nov`` for a story reported over
    several days."""
    numbers = sorted(briefing.source_number(a) for a in item.article_ids)
    text = "[" + ", ".join(f"[{n}](#src-{n})" for n in numbers) + "]"
    also = also_reported([f"[{escape_markdown(outlet_name(briefing.sources[n - 1].article))}](#src-{n})"
                          for n in (briefing.source_number(a) for a in item.also)], item.more_outlets, "\u00a0")
    if also:
        text += " · " + also
    story = briefing.story(item.story)
    if briefing.start != briefing.end and story is not None and story.first_seen is not None:
        since = "since\u00a0" if story.last_seen is not None and story.last_seen > story.first_seen else ""
        text += f" · {since}{story.first_seen.day}\u00a0{story.first_seen:%b}"  # never broken across lines
    return text


def outlet_name(article: Any) -> str:
    """What a reader calls the article's outlet: its ``source``, or its title when it has none."""
    return str(article.source or article.title or "another outlet")


def also_reported(names: list[str], more: int, space: str = " ") -> str:
    """``also reported by A, B and 2 more outlets`` (``space`` between the count and its noun);
    empty when there is nobody to name."""
    if more:
        names = [*names, f"{more}{space}more outlet{'s' if more > 1 else ''}"]
    if not names:
        return ""
    return "also reported by " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def _developing(item: Item) -> str:
    """``**Developing (reported 28 Nov):** `` before an update of a story reported before."""
    if not item.developing:
        return ""
    return f"**Developing (reported {item.reported.day} {item.reported:%b}):** " if item.reported else "**Developing:** "


def _label(briefing: Briefing, item: Item) -> str:
    """``*Trade and Economy —* `` before a key point: the section it stands in."""
    title = next((s.title for s in briefing.sections if s.topic == item.section), "")
    return f"*{escape_markdown(title)} —* " if title else ""


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown (also the source of the HTML and PDF)."""
    lines = [f"# {escape_markdown(briefing.title)}", "", f"**{long_date(briefing.date)}** · {escape_markdown(briefing.coverage)}", ""]

    def bullets(items: tuple[Item, ...], empty: str = briefing.empty_message) -> None:
        if not items:
            lines.extend([f"*{escape_markdown(empty)}*", ""])
            return
        lines.extend(f"- {_label(briefing, i)}{_developing(i)}{escape_markdown(i.text)} "
                     f"{_citations(briefing, i)}" for i in items)
        lines.append("")

    lines.extend(["## Key points", ""])
    bullets(briefing.key_points)
    for section in briefing.sections:
        lines.extend([f"## {escape_markdown(section.title)}", ""])
        led = any(k.section == section.topic for k in briefing.key_points)
        bullets(section.items, IN_KEY_POINTS if led else briefing.empty_message)
    lines.extend(["## Sources", ""])
    for source in briefing.sources:
        a = source.article
        parts = [f"**{escape_markdown(a.title)}**"]
        details = ", ".join(x for x in (escape_markdown(a.source), f"{a.date.day} {a.date:%b %Y}" if a.date else "") if x)
        if details:
            parts.append(f"— {details}.")
        if a.url and _SAFE_URL.match(a.url):
            parts.append(f"<{a.url}>")
        elif a.url:
            parts.append(escape_markdown(a.url))
        lines.append(f'{source.number}. <a id="src-{source.number}"></a>' + " ".join(parts))
    if not briefing.sources:
        lines.append("*No article was cited.*")
    return "\n".join(lines).rstrip() + "\n"


_ALLOWED_TAGS = {"h1", "h2", "h3", "p", "ul", "ol", "li", "a", "strong", "em", "code", "br"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "id"}, "h1": {"id"}, "h2": {"id"}, "h3": {"id"}}


def markdown_to_html(text: str) -> str:
    """python-markdown's HTML of ``text``, sanitised: no scripts, images, styles or foreign URLs."""
    body = markdown.markdown(text, extensions=["toc"], output_format="html")
    return nh3.clean(body, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https"}, link_rel="noopener noreferrer")


def stylesheet(name: str = "briefing.css") -> str:
    """The text of ``styles/theme.css`` and then ``styles/<name>`` (installed as ``briefgen.styles``)."""
    folder = resources.files("briefgen.styles")
    return "".join((folder / n).read_text(encoding="utf-8") for n in ("theme.css", name))


#: the navigation bar stands between these two comments (which sanitised article text never holds)
NAV_START, NAV_END = "<!-- briefgen:nav -->", "<!-- /briefgen:nav -->"


def _day_link(rel: str, label: str, date: Any, href: str | None) -> str:
    if href is None:
        return f'<span class="{rel} none">{label.format("none")}</span>'
    return f'<a class="{rel}" rel="{rel}" href="{html.escape(href)}">{label.format(f"{date:%a} {date.day} {date:%b}")}</a>'


def navigation(previous: tuple[Any, str] | None = None, following: tuple[Any, str] | None = None,
               index: str = "../index.html") -> str:
    """The navigation bar of a briefing page: the previous briefing, the index, the next one;
    ``previous`` and ``following`` are each a date and the link to that briefing's page."""
    before = _day_link("prev", "← Previous: {}", *(previous or (None, None)))
    after = _day_link("next", "Next: {} →", *(following or (None, None)))
    return (f'{NAV_START}<nav class="archive-nav" aria-label="Briefings">{before}'
            f'<a class="index" href="{html.escape(index)}">All briefings</a>{after}</nav>{NAV_END}')


def to_html(briefing: Briefing, markdown_text: str | None = None, nav: str | None = None) -> str:
    """A standalone HTML page (stylesheet inlined), with the coverage chart when the briefing has
    its counts, and ``nav`` (default: :func:`navigation` with the index alone) above the briefing."""
    body = markdown_to_html(markdown_text if markdown_text is not None else to_markdown(briefing))
    if briefing.activity is not None and briefing.activity.days:
        from briefgen.web.chart import figure, span_text

        chart = (f'<h2 id="coverage">Coverage</h2>\n'
                 f'{figure(briefing.activity, f"Articles per topic per day, {span_text(briefing.activity)}")}\n')
        body = body.replace('<h2 id="sources">', chart + '<h2 id="sources">', 1)
    title = html.escape(f"{briefing.title} — {briefing.date.isoformat()}")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"color-scheme\" content=\"light dark\">\n"
        f"<title>{title}</title>\n<meta name=\"date\" content=\"{briefing.date.isoformat()}\">\n"
        f"<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{html.escape(briefing.title)}\" href=\"../feed.xml\">\n"
        f"<style>\n{stylesheet()}</style>\n</head>\n<body>\n{nav if nav is not None else navigation()}\n"
        f"<main class=\"briefing\">\n{body}\n</main>\n</body>\n</html>\n"
    )


def to_pdf(briefing: Briefing, html_text: str | None = None, refused: list[str] | None = None) -> bytes:
    """The PDF of the briefing, as bytes. URLs the page asks for are refused (and listed)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or its friends are missing
        raise RenderError(f"cannot make the PDF: WeasyPrint is not usable here ({exc})",
                          "install Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0) or drop pdf from --format") from exc
    fetcher = _refusing_fetcher(weasyprint, refused if refused is not None else [])
    page = html_text if html_text is not None else to_html(briefing)
    document = weasyprint.HTML(string=page, base_url="about:blank", url_fetcher=fetcher)
    # PDF/UA-1: tagged for screen readers; the title and language come from <title> and <html lang>
    pdf = document.write_pdf(pdf_identifier=f"briefgen-{briefing.date.isoformat()}".encode(), pdf_variant="pdf/ua-1")
    assert isinstance(pdf, bytes)
    return pdf


def _refusing_fetcher(weasyprint: Any, refused: list[str]) -> Any:
    class RefusingFetcher(weasyprint.urls.URLFetcher):
        """Fetches nothing: the briefing's only stylesheet is inline and fonts are local."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            refused.append(url)
            log.warning("refused to fetch %s while rendering the PDF", url[:200])
            raise ValueError(f"briefgen does not fetch URLs while rendering: {url[:200]}")

    return RefusingFetcher()


def _item_json(briefing: Briefing, item: Item) -> dict[str, Any]:
    data = {"text": item.text, "sources": sorted(briefing.source_number(a) for a in item.article_ids),
            "also": [briefing.source_number(a) for a in item.also], "score": item.score,
            "developing": item.developing, "reported": item.reported.isoformat() if item.reported else None,
            "story": item.story, "more_outlets": item.more_outlets}
    if item.section:  # a key point: the topic of the section it also stands in
        data["section"] = item.section
    return data


def to_json(briefing: Briefing) -> str:
    """The briefing as JSON for other tools (schema in the README)."""
    data = {
        "title": briefing.title,
        "date": briefing.date.isoformat(),
        "window": {"start": briefing.start.isoformat(), "end": briefing.end.isoformat()},
        "coverage": briefing.coverage,
        "key_points": [_item_json(briefing, i) for i in briefing.key_points],
        "sections": [
            {"topic": s.topic, "title": s.title, "items": [_item_json(briefing, i) for i in s.items]}
            for s in briefing.sections
        ],
        "sources": [
            {"id": s.number, "title": s.article.title, "source": s.article.source,
             "date": s.article.date.isoformat() if s.article.date else None, "url": s.article.url, "path": s.article.path}
            for s in briefing.sources
        ],
        "stories": [
            {"id": s.id, "title": s.title, "first_seen": s.first_seen.isoformat() if s.first_seen else None,
             "last_seen": s.last_seen.isoformat() if s.last_seen else None, "topics": list(s.topics),
             "articles": [a.path for a in s.articles]}
            for s in briefing.stories
        ],
    }
    if briefing.activity is not None:
        from briefgen.web.chart import to_record

        data["activity"] = to_record(briefing.activity)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_all(briefing: Briefing, formats: tuple[str, ...]) -> dict[str, bytes]:
    """Every requested format, as bytes keyed by its extension. Markdown and HTML are made once."""
    md = to_markdown(briefing)
    html_text = to_html(briefing, md) if {"html", "pdf"} & set(formats) else ""
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "md":
            out[fmt] = md.encode()
        elif fmt == "html":
            out[fmt] = html_text.encode()
        elif fmt == "json":
            out[fmt] = to_json(briefing).encode()
        elif fmt == "pdf":
            out[fmt] = to_pdf(briefing, html_text)
    return out
