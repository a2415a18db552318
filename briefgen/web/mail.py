"""The whole briefing as an e-mail body, from the model: HTML and plain text.

The HTML part is the template ``mail.html`` (:mod:`briefgen.styles`), styled inline (mail
clients drop ``<style>`` blocks and linked stylesheets), one column at most 640 px wide with
16 px text, so it reads on a phone; it holds no image, no script and no remote resource. Every
citation ``[n]`` and every source title links to the article's own URL (only URLs that pass
:func:`briefgen.output.present.safe_url` are linked; any other is shown as text). The plain-text part
says the same, with the URLs written out under Sources. Article text is escaped. Both take the
briefing apart as every output does (:func:`briefgen.output.present.parts`).
"""

from __future__ import annotations

from briefgen import styles
from briefgen.models import Briefing
from briefgen.output.present import Bullet, listed, parts
from briefgen.text.dates import long_date


def _text_bullet(b: Bullet) -> str:
    """``- Trade — Developing (reported 28 Nov): The sentence. [1][4] · also reported by A``."""
    label = f"{b.label} — " if b.label else ""
    developing = f"{b.developing_text} " if b.developing else ""
    cites = "".join(f"[{c.number}]" for c in b.cites)
    also = b.also_text()
    return f"- {label}{developing}{b.text} {cites}{' · ' + also if also else ''}".rstrip()


def text_body(briefing: Briefing, attachment: str) -> str:
    """The plain-text part."""
    lines = [f"{briefing.title} — {long_date(briefing.date)}", briefing.coverage, ""]
    for part in parts(briefing):
        lines += [part.title.upper(), ""]
        lines += [_text_bullet(b) for b in part.bullets] or [f"({part.empty})"]
        lines.append("")
    lines += ["SOURCES", ""]
    for s in listed(briefing):
        lines.append(f"[{s.number}] {s.article.title}" + (f" — {s.details}" if s.details else ""))
        if s.article.url:
            lines.append(f"    {s.article.url}")
    lines += ["", f"The briefing is attached as a PDF ({attachment})."]
    return "\n".join(lines) + "\n"


def html_body(briefing: Briefing, attachment: str, templates: str = "") -> str:
    """The HTML part: the whole briefing, styled inline, links to the articles' URLs
    (``templates``: a folder of the user's templates)."""
    return styles.render("mail.html", templates, briefing=briefing, parts=parts(briefing), sources=listed(briefing),
                         long_date=long_date(briefing.date), attachment=attachment)
