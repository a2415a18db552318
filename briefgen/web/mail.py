"""The whole briefing as an e-mail body, from the model: HTML and plain text, and its subject.

The HTML part is the template ``mail.html`` (:mod:`briefgen.styles`), styled inline (mail
clients drop ``<style>`` blocks and linked stylesheets), one column at most 640 px wide with
16 px text, so it reads on a phone; it holds no image, no script and no remote resource. It opens
with a preheader (:func:`preheader`: hidden text an inbox shows beside the subject) and, when the
archive is published (``[output] site_url``), a link to the briefing's web page. Every citation
``[n]`` and every source title links to the article's own URL (only URLs that pass
:func:`briefgen.output.present.safe_url` are linked; any other is shown as text); each bullet
ends, as on the page, with the day its story was first reported (``· 27 Nov``, ``· since 25 Nov``).
The plain-text part says the same, with the URLs written out under Sources. Article text is
escaped. Both take the briefing apart as every output does (:func:`briefgen.output.present.parts`).

:func:`top_story` is the first key point, shortened for the subject line (``{top}`` in
``[delivery] subject``).
"""

from __future__ import annotations

from briefgen import styles
from briefgen.models import Briefing
from briefgen.output.present import Bullet, listed, one_line, parts
from briefgen.text.dates import long_date

SUBJECT_WIDTH = 72  #: characters at most of the top story in the subject
PREHEADER_WIDTH = 140  #: characters at most of the preheader
#: what the foot says when a bullet carries its story's date
DATES_NOTE = ("A date after a point is the day its story was first reported; "
              "“since” marks a story reported over several days.")


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``width`` characters with ``…``
    when it is longer; a closing full stop is dropped (a subject is not a sentence)."""
    text = one_line(text)
    if len(text) <= width:
        return text[:-1] if text.endswith(".") and not text.endswith("..") else text
    cut = text[:width - 1]
    if " " in cut and not text[width - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—–-") + "…"


def top_story(briefing: Briefing, width: int = SUBJECT_WIDTH) -> str:
    """The first key point, shortened (:func:`shorten`); empty when there is none."""
    return shorten(briefing.key_points[0].text, width) if briefing.key_points else ""


def preheader(briefing: Briefing, width: int = PREHEADER_WIDTH) -> str:
    """What an inbox shows beside the subject: the key points after the first (the subject has
    it), else the coverage line; at most ``width`` characters."""
    rest = [one_line(k.text) for k in briefing.key_points[1:]]
    return shorten(" · ".join(rest) if rest else briefing.coverage, width)


def _text_bullet(b: Bullet) -> str:
    """``- Trade — Developing (reported 28 Nov): The sentence. [1][4] · also reported by A · since 25 Nov``."""
    label = f"{b.label} — " if b.label else ""
    developing = f"{b.developing_text} " if b.developing else ""
    cites = "".join(f"[{c.number}]" for c in b.cites)
    tail = "".join(f" · {piece}" for piece in (b.also_text(), b.when_text.replace("\u00a0", " ")) if piece)
    return f"- {label}{developing}{b.text} {cites}{tail}".rstrip()


def _dated(briefing: Briefing) -> bool:
    """Whether any bullet shows its story's date."""
    return any(b.when_text for part in parts(briefing) for b in part.bullets)


def text_body(briefing: Briefing, attachment: str, page_url: str = "") -> str:
    """The plain-text part (``page_url``: the briefing's published web page, if any)."""
    lines = [f"{briefing.title} — {long_date(briefing.date)}", briefing.coverage, ""]
    if page_url:
        lines += [f"View in your browser: {page_url}", ""]
    for part in parts(briefing):
        lines += [part.title.upper(), ""]
        lines += [_text_bullet(b) for b in part.bullets] or [f"({part.empty})"]
        lines.append("")
    lines += ["SOURCES", ""]
    for s in listed(briefing):
        lines.append(f"[{s.number}] {s.article.title}" + (f" — {s.details}" if s.details else ""))
        if s.article.url:
            lines.append(f"    {s.article.url}")
    lines.append("")
    if _dated(briefing):
        lines.append(DATES_NOTE)
    lines.append(f"The briefing is attached as a PDF ({attachment}).")
    return "\n".join(lines) + "\n"


def html_body(briefing: Briefing, attachment: str, templates: str = "", page_url: str = "") -> str:
    """The HTML part: the whole briefing, styled inline, links to the articles' URLs
    (``templates``: a folder of the user's templates; ``page_url``: the briefing's published
    web page, linked as "View in your browser")."""
    return styles.render("mail.html", templates, briefing=briefing, parts=parts(briefing), sources=listed(briefing),
                         long_date=long_date(briefing.date), attachment=attachment, page_url=page_url,
                         preheader=preheader(briefing), dates_note=DATES_NOTE if _dated(briefing) else "")
