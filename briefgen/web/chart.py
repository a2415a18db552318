"""The coverage chart: how many articles each topic had on each day, drawn as SVG.

The counts are made where the corpus is read (:mod:`briefgen.coverage`) and travel in the
briefing's record (:func:`briefgen.output.record.activity_json`), so that the index can draw the
archive's whole span (:func:`merge`) without the corpus.

:func:`figure` draws them with matplotlib's SVG backend, offline, as an inline ``<svg>`` with a
``<title>`` and an ``aria-label`` that say what the chart shows, in numbers. Its text, axes and
grid are drawn in ``currentColor``, so they follow the page's colour in the light and the dark
scheme and in print; the series have colour-blind-safe colours (Paul Tol's "bright" scheme) that
keep a 3:1 contrast on white and on the dark background, each with its own marker and dash.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import re
from collections.abc import Iterable
from typing import Any

from briefgen.models import Activity
from briefgen.text.dates import date_range, day_month

COLOURS = ("#4477AA", "#EE6677", "#228833", "#AA3377", "#66CCEE", "#CCBB44")
MARKERS = ("o", "s", "^", "D", "v", "P")
DASHES = ("-", "--", "-.", ":", "-", "--")
_INK = "#010203"  # drawn as currentColor: matplotlib needs a colour, the page says which


def merge(newest_first: Iterable[Activity]) -> Activity | None:
    """One span of days from several briefings' counts: each day's counts come from the newest
    briefing that counted it; a day none counted is 0. Topics are the newest briefing's first."""
    parts = list(newest_first)
    if not parts:
        return None
    topics: dict[str, str] = {}
    for part in parts:
        for name, title in part.topics:
            topics.setdefault(name, title)
    by_day: dict[dt.date, dict[str, int]] = {}
    for part in parts:
        for i, day in enumerate(part.days):
            if day not in by_day:
                by_day[day] = {name: part.counts[j][i] for j, (name, _) in enumerate(part.topics)}
    first, last = min(by_day), max(by_day)
    span = tuple(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    counts = tuple(tuple(by_day.get(day, {}).get(name, 0) for day in span) for name in topics)
    return Activity(span, tuple(topics.items()), counts)


def span_text(data: Activity) -> str:
    """``17–30 Nov 2026``, ``28 Nov – 4 Dec 2026`` (or ``28 Nov 2026`` for one day)."""
    return date_range(data.days[0], data.days[-1])


def caption(data: Activity) -> str:
    """``Articles per topic per day, 17–30 Nov 2026``: what the chart shows."""
    return f"Articles per topic per day, {span_text(data)}"


def describe(data: Activity) -> str:
    """The chart in words: the span, and per topic the articles in all and its busiest day."""
    parts = [f"{caption(data)}."]
    for (_, title), counts in zip(data.topics, data.counts, strict=True):
        total = sum(counts)
        if total == 0:
            parts.append(f"{title}: none.")
            continue
        peak = max(range(len(counts)), key=lambda i: (counts[i], i))
        parts.append(f"{title}: {total} article{'s' * (total != 1)}, most on {day_month(data.days[peak])} ({counts[peak]}).")
    return " ".join(parts)


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _presentation(match: re.Match[str]) -> str:
    """``style="fill: red; stroke: blue"`` as SVG presentation attributes (``fill="red" stroke="blue"``):
    matplotlib writes only properties that have one, and an HTML renderer then reads no SVG
    property as page CSS (WeasyPrint would warn about each)."""
    pairs = (part.split(":", 1) for part in match[1].split(";") if ":" in part)
    return "".join(f' {name.strip()}="{html.escape(value.strip(), quote=False).replace(chr(34), "&quot;")}"'
                   for name, value in pairs)


@functools.lru_cache(maxsize=2)
def svg(data: Activity) -> str:
    """The chart as an inline ``<svg>`` element (no XML declaration), with its text alternative.
    Remembered for the last two ``data`` (a run draws its briefing's chart and the index's, which
    are one chart while the archive holds no older briefing)."""
    import matplotlib
    from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "briefgen", "font.family": "DejaVu Sans", "font.size": 10,
                                "text.color": _INK, "axes.labelcolor": _INK, "axes.edgecolor": _INK, "xtick.color": _INK,
                                "ytick.color": _INK, "grid.color": _INK, "grid.alpha": 0.25, "axes.spines.top": False,
                                "axes.spines.right": False, "legend.frameon": False}):
        figure = Figure(figsize=(5.4, 3.2), dpi=72, layout="constrained")
        axes = figure.add_subplot()
        many = len(data.days) > 31
        days = date2num(data.days)
        for j, ((_, title), counts) in enumerate(zip(data.topics, data.counts, strict=True)):
            k = j % len(COLOURS)
            axes.plot(days, counts, label=title, color=COLOURS[k], linestyle=DASHES[k], linewidth=2,
                      marker=None if many else MARKERS[k], markersize=5)
        axes.set_ylabel("articles a day")
        axes.set_ylim(bottom=0, top=max(3, max((max(c, default=0) for c in data.counts), default=0) * 1.15))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        locator = AutoDateLocator(minticks=3, maxticks=7)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(DateFormatter("%-d %b"))
        if len(data.days) == 1:
            axes.set_xlim(days[0] - 1, days[0] + 1)
        axes.grid(axis="y")
        # as many legend columns as fit the figure's width (about 64 characters of 9 pt text)
        widths = [len(title) + 8 for _, title in data.topics]
        columns = next((n for n in (3, 2) if all(sum(widths[i:i + n]) <= 64 for i in range(0, len(widths), n))), 1)
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=min(columns, max(1, len(widths))),
                    handlelength=2.6, fontsize=9, borderaxespad=0)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", transparent=True, metadata={"Date": None, "Creator": "briefgen"})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r"<style[^>]*>.*?</style>\s*", "", text, flags=re.S)  # it would style the whole page
    text = text.replace(_INK, "currentColor")
    text = _STYLE_ATTRIBUTE.sub(_presentation, text)
    label = html.escape(describe(data))
    text = re.sub(r"<svg ", f'<svg class="chart" role="img" aria-label="{label}" ', text, count=1)
    return re.sub(r"(<svg [^>]*>)", rf"\1<title>{label}</title>", text, count=1)


def drawn(data: Activity, caption: str) -> dict[str, Any]:
    """What the template ``chart.html`` shows: the SVG, the caption, and the counts by day, newest first."""
    from briefgen.styles import safe

    return {"svg": safe(svg(data)), "caption": caption, "activity": data, "days": list(reversed(list(enumerate(data.days))))}


def figure(data: Activity, caption: str, templates: str = "") -> str:
    """The chart in a ``<figure>`` (the template ``chart.html``): the SVG, a caption and the numbers
    as a table to unfold."""
    from briefgen.styles import render

    return render("chart.html", templates, chart=drawn(data, caption)).rstrip("\n")
