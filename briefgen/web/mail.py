"""The whole briefing as an e-mail body, from its archived record: HTML and plain text.

The HTML part is styled inline (mail clients drop ``<style>`` blocks and linked stylesheets),
one column at most 640 px wide with 16 px text, so it reads on a phone; it holds no image, no
script and no remote resource. Every citation ``[n]`` and every source title links to the
article's own URL (only ``http``/``https`` URLs are linked; any other is shown as text). The
plain-text part says the same, with the URLs written out under Sources. Article text is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from typing import Any

from briefgen.models import Briefing
from briefgen.render import IN_KEY_POINTS, also_reported, long_date

_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.I)
EMPTY = Briefing.empty_message  #: what a section without bullets says (the record does not keep it)

# the inline styles, one place for each kind of element
_SANS = "font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;"
_STYLE = {
    "body": "margin:0;padding:0;background:#eef1f4;",
    "page": "max-width:640px;margin:0 auto;background:#ffffff;color:#1d2733;font-family:Georgia,'DejaVu Serif',serif;"
            "font-size:16px;line-height:1.55;",
    "head": f"background:#12324f;color:#d6e0ea;border-top:6px solid #c8902e;padding:20px 16px 16px 16px;{_SANS}",
    "h1": "margin:0 0 6px 0;font-size:26px;line-height:1.2;color:#ffffff;",
    "line": "margin:0;font-size:15px;color:#d6e0ea;",
    "main": "padding:8px 16px 16px 16px;",
    "h2": f"{_SANS}font-size:15px;letter-spacing:0.06em;text-transform:uppercase;color:#12324f;margin:24px 0 8px 0;"
          "padding-bottom:4px;border-bottom:2px solid #c8902e;",
    "ul": "margin:0;padding:0 0 0 20px;",
    "li": "margin:0 0 10px 0;",
    "box": "background:#f3efe6;padding:4px 12px 8px 12px;",
    "cite": f"{_SANS}font-size:13px;color:#1f5f94;text-decoration:none;",
    "empty": "color:#56606c;font-style:italic;margin:0;",
    "sources": "margin:0;padding:0 0 0 24px;font-size:15px;line-height:1.45;",
    "link": "color:#1f5f94;",
    "foot": f"{_SANS}font-size:14px;color:#56606c;margin:24px 0 0 0;",
}


def _url(source: Mapping[str, Any] | None) -> str | None:
    url = (source or {}).get("url") or ""
    return url if _SAFE_URL.match(url) else None


def _source_line(source: Mapping[str, Any]) -> str:
    """``Outlet, 28 Nov 2026`` (what is known of it)."""
    when = ""
    if source.get("date"):
        try:
            day = dt.date.fromisoformat(source["date"])
            when = f"{day.day} {day:%b %Y}"
        except ValueError:
            when = source["date"]
    return ", ".join(x for x in (source.get("source") or "", when) if x)


def _developing(item: Mapping[str, Any]) -> str:
    """``Developing (reported 28 Nov): `` before an update of a story an earlier briefing reported."""
    if not item.get("developing"):
        return ""
    try:
        day = dt.date.fromisoformat(item.get("reported") or "")
    except ValueError:
        return "Developing: "
    return f"Developing (reported {day.day} {day:%b}): "


def _marks(item: Mapping[str, Any], sources: Mapping[int, Mapping[str, Any]], titles: Mapping[str, str]) -> tuple[str, str]:
    """What stands before a bullet (a key point's section) and after its citations (``· also
    reported by Khyber Wire and 2 more``: the other outlets of its story)."""
    label = f"{titles[item['section']]} — " if item.get("section") in titles else ""
    also = also_reported([sources[n].get("source") or sources[n].get("title") or "another outlet"
                          for n in item.get("also", []) if n in sources], item.get("more_outlets", 0))
    return label, f" · {also}" if also else ""


def _titles(record: Mapping[str, Any]) -> dict[str, str]:
    return {s["topic"]: s.get("title") or s["topic"] for s in record["sections"] if s.get("topic")}


def _sections(record: Mapping[str, Any]) -> list[tuple[str, list[Mapping[str, Any]], str]]:
    """Each part of the briefing: its title, its items and what it says when it has none."""
    led = {k.get("section") for k in record["key_points"]}
    return [("Key points", record["key_points"], EMPTY),
            *((s.get("title") or s.get("topic") or "", s["items"], IN_KEY_POINTS if s.get("topic") in led else EMPTY)
              for s in record["sections"])]


def text_body(record: Mapping[str, Any], date: dt.date, attachment: str) -> str:
    """The plain-text part."""
    sources, titles = {s["id"]: s for s in record["sources"]}, _titles(record)
    lines = [f"{record['title']} — {long_date(date)}", record["coverage"], ""]
    for title, items, empty in _sections(record):
        lines += [title.upper(), ""]
        for item in items:
            label, outlets = _marks(item, sources, titles)
            cites = "".join(f"[{n}]" for n in item["sources"])
            lines.append(f"- {label}{_developing(item)}{item['text']} {cites}{outlets}".rstrip())
        lines += ([] if items else [f"({empty})"]) + [""]
    lines += ["SOURCES", ""]
    for n, source in sorted(sources.items()):
        details = _source_line(source)
        lines.append(f"[{n}] {source.get('title') or ''}" + (f" — {details}" if details else ""))
        if source.get("url"):
            lines.append(f"    {source['url']}")
    lines += ["", f"The briefing is attached as a PDF ({attachment})."]
    return "\n".join(lines) + "\n"


def html_body(record: Mapping[str, Any], date: dt.date, attachment: str) -> str:
    """The HTML part: the whole briefing, styled inline, links to the articles' URLs."""
    esc, st = html.escape, _STYLE
    sources, titles = {s["id"]: s for s in record["sources"]}, _titles(record)

    def cite(number: int) -> str:
        url = _url(sources.get(number))
        return (f'<a href="{esc(url)}" style="{st["cite"]}">[{number}]</a>' if url
                else f'<span style="{st["cite"]}">[{number}]</span>')

    def bullet(item: Mapping[str, Any]) -> str:
        label, outlets = _marks(item, sources, titles)
        developing = _developing(item)
        return (f'<li style="{st["li"]}">' + (f'<em style="color:#56606c;">{esc(label)}</em>' if label else "")
                + (f"<strong>{esc(developing.strip())}</strong> " if developing else "")
                + f'{esc(item["text"])} {" ".join(cite(n) for n in item["sources"])}'
                + (f'<span style="{st["cite"]}color:#56606c;">{esc(outlets)}</span>' if outlets else "") + "</li>")

    parts = [f'<div style="{st["head"]}"><h1 style="{st["h1"]}">{esc(record["title"])}</h1>'
             f'<p style="{st["line"]}"><strong style="color:#ffffff;">{esc(long_date(date))}</strong> · '
             f'{esc(record["coverage"])}</p></div>', f'<div style="{st["main"]}">']
    for i, (title, items, empty) in enumerate(_sections(record)):
        bullets = "".join(bullet(item) for item in items)
        body = f'<ul style="{st["ul"]}">{bullets}</ul>' if items else f'<p style="{st["empty"]}">{esc(empty)}</p>'
        if i == 0:
            body = f'<div style="{st["box"]}">{body}</div>'
        parts.append(f'<h2 style="{st["h2"]}">{esc(title)}</h2>{body}')
    rows = []
    for n, source in sorted(sources.items()):
        url, name = _url(source), esc(source.get("title") or "")
        heading = f'<a href="{esc(url)}" style="{st["link"]}">{name}</a>' if url else f"<strong>{name}</strong>"
        details = _source_line(source)
        rows.append(f'<li value="{n}" style="margin:0 0 6px 0;">{heading}{" — " + esc(details) if details else ""}'
                    + (f" ({esc(source['url'])})" if source.get("url") and not url else "") + "</li>")
    parts.append(f'<h2 style="{st["h2"]}">Sources</h2><ol style="{st["sources"]}">{"".join(rows)}</ol>')
    parts.append(f'<p style="{st["foot"]}">The briefing is attached as a PDF ({esc(attachment)}).</p></div>')
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{esc(record["title"])} — {esc(long_date(date))}</title>\n</head>\n'
            f'<body style="{st["body"]}">\n<div style="{st["page"]}">\n' + "\n".join(parts) + "\n</div>\n</body>\n</html>\n")
