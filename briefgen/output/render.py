"""Stage 7, render: a :class:`Briefing` → Markdown, HTML, PDF and JSON, each from the model.

Every output takes the briefing apart the same way (:mod:`briefgen.output.present`: the parts, each
bullet's parts, the one URL guard; :mod:`briefgen.text.dates`: every date) and only decides how to
write each part.

Markdown is written by briefgen, with every piece of article text escaped so that it can only
ever be text. A source is cited by its title, outlet, date and link, never by the file it came
from (a local path is no business of a reader's): the path stays in the JSON record
(:mod:`briefgen.output.record`). The HTML page is the template ``briefing.html``
(:mod:`briefgen.styles`, autoescaped, user templates from ``[output] templates`` first) filled
from the model, set with ``styles/briefing.css`` (responsive, with a dark scheme; print styles
for the PDF), with the coverage chart (:mod:`briefgen.web.chart`) before the sources, each
citation a link to its source and each source's title a link to the article, with a way back
(↩) to the bullets that cite it (:func:`briefgen.output.present.citing`), a legend of the marks
on the bullets, what a link preview shows (the top key point; ``og:url`` only with a
``site_url``), and a navigation bar above the briefing and at its foot to the archive's index and
the previous and next briefings (:func:`briefgen.web.nav.navigation`; the archive rewrites them
as briefings come and go). The
PDF is WeasyPrint's rendering of that HTML, tagged (PDF/UA-1), with a URL fetcher that refuses
every URL: the stylesheet is passed in directly and fonts come from the system, so nothing an
article says can make the renderer read a file or the network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from briefgen import styles
from briefgen.errors import RenderError
from briefgen.models import Briefing
from briefgen.output.present import (
    Bullet,
    anchored,
    citing,
    description,
    escape_markdown,
    heading_ids,
    legend,
    listed,
    parts,
)
from briefgen.output.record import to_json
from briefgen.text.dates import long_date

log = logging.getLogger(__name__)

__all__ = ["escape_markdown", "render_all", "to_html", "to_json", "to_markdown", "to_pdf"]


def _bullet_markdown(b: Bullet) -> str:
    """``- *Trade and Economy —* **Developing (reported 28 Nov):** The sentence. [[1](#src-1)] ·
    also reported by [Khyber Wire](#src-2) · since 25 Nov``."""
    label = f"*{escape_markdown(b.label)} —* " if b.label else ""
    developing = f"**{b.developing_text}** " if b.developing else ""
    text = "[" + ", ".join(f"[{c.number}](#src-{c.number})" for c in b.cites) + "]"
    also = "".join(f"[{escape_markdown(piece)}](#src-{cited.number})" if cited else piece
                   for piece, cited in b.also_pieces("\u00a0"))
    for part in (also, b.when_text):
        if part:
            text += " · " + part
    return f"- {label}{developing}{escape_markdown(b.text)} {text}"


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown."""
    lines = [f"# {escape_markdown(briefing.title)}", "", f"**{long_date(briefing.date)}** · {escape_markdown(briefing.coverage)}", ""]
    for part in parts(briefing):
        lines.extend([f"## {escape_markdown(part.title)}", ""])
        if part.bullets:
            lines.extend(_bullet_markdown(b) for b in part.bullets)
        else:
            lines.append(f"*{escape_markdown(part.empty)}*")
        lines.append("")
    lines.extend(["## Sources", ""])
    for source in listed(briefing):
        out = [f"**{escape_markdown(source.article.title)}**"]
        if source.details:
            out.append(f"— {escape_markdown(source.details)}.")
        if source.url:
            out.append(f"<{source.url}>")
        elif source.article.url:
            out.append(escape_markdown(source.article.url))
        lines.append(f'{source.number}. <a id="src-{source.number}"></a>' + " ".join(out))
    if not briefing.sources:
        lines.append("*No article was cited.*")
    return "\n".join(lines).rstrip() + "\n"


def to_html(briefing: Briefing, nav: str | None = None, templates: str = "", site_url: str = "",
            basename: str = "briefing") -> str:
    """A standalone HTML page (stylesheet inlined) from the template ``briefing.html``, with the
    coverage chart when the briefing has its counts, ``nav`` (default: the navigation bar with
    the index alone) above the briefing and that bar at its foot, and what a link preview shows
    (the top key point). ``templates``: a folder of the user's templates; ``site_url`` (``[output]
    site_url``): where the archive is published, which makes ``og:url`` (the page as
    ``YYYY-MM-DD/<basename>.html`` there) and the feed's link absolute; "" leaves them out or relative."""
    from briefgen.web.nav import navigation
    from briefgen.web.pages import page_meta, page_url

    chart = None
    if briefing.activity is not None and briefing.activity.days and briefing.activity.topics:  # no topic, no chart
        from briefgen.web.chart import caption, drawn

        chart = drawn(briefing.activity, caption(briefing.activity))
    reserved = ["Key points", "Coverage", "Sources", "top"]
    every = parts(briefing)
    ids = heading_ids([*reserved, briefing.title, *(p.title for p in every[1:])])[len(reserved):]
    placed = anchored(list(zip(["key-points", *ids[1:]], every, strict=True)))
    meta = page_meta(f"{briefing.title} — {briefing.date.isoformat()}", f"{briefing.title} — {long_date(briefing.date)}",
                     description(briefing), "article", briefing.title, page_url(site_url, briefing.date, basename),
                     f"{site_url}feed.xml" if site_url else "../feed.xml")
    return styles.render("briefing.html", templates, briefing=briefing, long_date=long_date(briefing.date),
                         title_id=ids[0], parts=placed, legend=legend(every), sources=listed(briefing), citing=citing(placed),
                         chart=chart, meta=meta,
                         nav=styles.safe(nav if nav is not None else navigation(templates=templates)),
                         foot_nav=styles.safe(navigation(templates=templates, foot=True)),
                         css=styles.safe(styles.stylesheet()))


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


def render_all(briefing: Briefing, formats: tuple[str, ...], templates: str = "", site_url: str = "",
               basename: str = "briefing", pdf: Callable[[Briefing, str], bytes] | None = None) -> dict[str, bytes]:
    """Every requested format, as bytes keyed by its extension; the HTML (the PDF's too) is made
    once (``site_url`` and ``basename``: :func:`to_html`'s), the PDF by ``pdf`` (default:
    :func:`to_pdf` here; a render process's: :meth:`briefgen.output.renderer.Renderer.pdf`)."""
    html_text = to_html(briefing, templates=templates, site_url=site_url, basename=basename) if {"html", "pdf"} & set(formats) else ""
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "md":
            out[fmt] = to_markdown(briefing).encode()
        elif fmt == "html":
            out[fmt] = html_text.encode()
        elif fmt == "json":
            out[fmt] = to_json(briefing).encode()
        elif fmt == "pdf":
            out[fmt] = pdf(briefing, html_text) if pdf is not None else to_pdf(briefing, html_text)
    return out
