"""The coverage chart: how many articles each topic had on each day, drawn as SVG.

The counts are made where the corpus is read (:mod:`briefgen.coverage`) and travel in the
briefing's record (:func:`briefgen.output.record.activity_json`), so that the index can draw the
archive's whole span (:func:`merge`) without the corpus.

:func:`figure` draws them with matplotlib's SVG backend, offline, as an inline ``<svg>`` with a
``<title>`` and an ``aria-label`` that say what the chart shows, in numbers, under a caption that
says what was counted (:data:`COUNTED`). The figure is 331 px wide with 12 px text, so that its
text stays at least 11 px where a phone shows it (about 326 to 358 px wide) and the page caps
its width on a desktop. The days on the axis are whole days of the span, each labelled once
(:func:`ticks`; with the year when the span crosses one). Its text, axes and grid are drawn in
``currentColor``, so they follow the page's colour in the light and the dark scheme and in print;
the series have colour-blind-safe colours (Paul Tol's "bright" scheme, :data:`COLOURS`; the first
four keep a 3:1 contrast on white), each with its own marker and dash, so none is told by its
colour alone; the page's dark scheme swaps them for the lighter :data:`DARK_COLOURS`, at 4.5:1 or
more on its background (rules in ``styles/theme.css`` that match the SVG's ``stroke`` and ``fill``).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import math
import re
from collections.abc import Iterable
from typing import Any

from briefgen.models import Activity
from briefgen.text.dates import NBSP, date_range, in_window

COLOURS = ("#4477AA", "#EE6677", "#228833", "#AA3377", "#66CCEE", "#CCBB44")
#: the same series on the dark scheme's background (#161b22), each at 4.5:1 or more
DARK_COLOURS = ("#77AADD", "#EE8899", "#66CC77", "#DD77BB", "#88DDFF", "#DDCC66")
#: what a count is, as the caption says it
COUNTED = "an article counts for each topic a quarter of its sentences report, as the sections judge them"
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
    """``Articles per topic per day, 17–30 Nov 2026; an article counts for …``: what the chart
    shows, and what it counts (:data:`COUNTED`)."""
    return f"Articles per topic per day, {span_text(data)}; {COUNTED}."


def describe(data: Activity) -> str:
    """The chart in words: the span, and per topic the articles in all and its busiest day."""
    parts = [f"Articles per topic per day, {span_text(data)}."]
    for (_, title), counts in zip(data.topics, data.counts, strict=True):
        total = sum(counts)
        if total == 0:
            parts.append(f"{title}: none.")
            continue
        peak = max(range(len(counts)), key=lambda i: (counts[i], i))
        parts.append(f"{title}: {total} article{'s' * (total != 1)}, most on {day(data, data.days[peak])} ({counts[peak]}).")
    return " ".join(parts)


def day(data: Activity, date: dt.date, space: str = " ") -> str:
    """A day of the chart's span as its labels write it: ``29 Nov``, with the year when the span crosses one."""
    return in_window(date, data.days[0], data.days[-1], space)


def ticks(data: Activity) -> list[dt.date]:
    """The days labelled on the axis: the last day and every ``step`` days before it, at most 5
    (3 when the labels carry a year), so that no label repeats and none lies outside the span."""
    most = 5 if data.days[0].year == data.days[-1].year else 3
    step = max(1, math.ceil(len(data.days) / most))
    return list(reversed(data.days[::-1][::step]))


def legend_columns(titles: list[str], room: int = 44) -> int:
    """As many legend columns (3, 2 or 1) as fit the figure's width, ``room`` characters of 12 px
    text; matplotlib fills the columns one after the other, and each is as wide as its longest entry."""
    widths = [len(title) + 5 for title in titles]  # the line's sample and the gap after it
    for n in (3, 2):
        rows = math.ceil(len(widths) / n)
        if n <= len(widths) and sum(max(widths[c * rows:(c + 1) * rows], default=0) for c in range(n)) <= room:
            return n
    return 1


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
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "briefgen", "font.family": "DejaVu Sans", "font.size": 12,
                                "text.color": _INK, "axes.labelcolor": _INK, "axes.edgecolor": _INK, "xtick.color": _INK,
                                "ytick.color": _INK, "grid.color": _INK, "grid.alpha": 0.25, "axes.spines.top": False,
                                "axes.spines.right": False, "legend.frameon": False}):
        figure = Figure(figsize=(4.6, 3.3), dpi=72, layout="constrained")
        axes = figure.add_subplot()
        many = len(data.days) > 31
        days = date2num(data.days)
        for j, ((_, title), counts) in enumerate(zip(data.topics, data.counts, strict=True)):
            k = j % len(COLOURS)
            axes.plot(days, counts, label=title, color=COLOURS[k], linestyle=DASHES[k], linewidth=2.5,
                      marker=None if many else MARKERS[k], markersize=6)
        axes.set_ylabel("articles a day")
        axes.set_ylim(bottom=0, top=max(3, max((max(c, default=0) for c in data.counts), default=0) * 1.15))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        shown = ticks(data)
        axes.xaxis.set_major_locator(FixedLocator(date2num(shown)))
        axes.xaxis.set_major_formatter(FixedFormatter([day(data, d, NBSP) for d in shown]))
        # half a day either side of one day, else matplotlib's margins; kept within the years it draws (1 to 9999)
        low, high = (days[0] - 0.5, days[0] + 0.5) if len(data.days) == 1 else (
            days[0] - (days[-1] - days[0]) * 0.05, days[-1] + (days[-1] - days[0]) * 0.05)
        first, last = date2num(dt.date.min), date2num(dt.date.max)
        if len(data.days) == 1 or low < first or high > last:
            axes.set_xlim(max(low, first), min(high, last))
        axes.grid(axis="y")
        if data.topics:  # no topic, no line to name
            axes.legend(loc="lower left", bbox_to_anchor=(0, 1.02), ncols=legend_columns([t for _, t in data.topics]),
                        handlelength=2.4, columnspacing=1.2, fontsize=12, borderaxespad=0)
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


_kept: dict[Activity, str] = {}


def keep(drawn: dict[Activity, str]) -> None:
    """Use these SVGs (drawn by :func:`svg` elsewhere: the render process of
    :mod:`briefgen.output.renderer`) for these counts from now on, instead of those kept before."""
    _kept.clear()
    _kept.update(drawn)


def drawn(data: Activity, caption: str) -> dict[str, Any]:
    """What the template ``chart.html`` shows: the SVG (:func:`svg`'s, or the one given to
    :func:`keep` for these counts), the caption, and the counts by day, newest first, each day as
    the axis writes it (``label``)."""
    from briefgen.styles import safe

    days = [(i, d, day(data, d, NBSP)) for i, d in enumerate(data.days)]
    return {"svg": safe(_kept[data] if data in _kept else svg(data)), "caption": caption, "activity": data, "days": list(reversed(days))}


def figure(data: Activity, caption: str, templates: str = "") -> str:
    """The chart in a ``<figure>`` (the template ``chart.html``): the SVG, a caption and the numbers
    as a table to unfold."""
    from briefgen.styles import render

    return render("chart.html", templates, chart=drawn(data, caption)).rstrip("\n")
