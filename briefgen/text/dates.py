"""How briefgen writes a date or a span of dates, in every output (one formatter each).

========================  ===============================================================
:func:`day_month`         ``27 Nov``
:func:`in_window`         ``27 Nov``, or ``27 Nov 2025`` in a window that spans years or ends in
                          another year (a story's day, "Developing (reported 27 Nov)", a chart's day)
:func:`day_month_year`    ``27 Nov 2026`` (a source's date)
:func:`short_date`        ``Fri 27 Nov 2026`` (the index's rows); ``Fri 27 Nov`` without the year
:func:`long_date`         ``Friday 27 November 2026`` (a briefing's heading)
:func:`date_range`        ``24–30 Nov 2026``, ``28 Oct – 3 Nov 2026``, ``29 Nov 2026``
========================  ===============================================================
"""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"  #: between a day and its month where a line must never break


def day_month(date: dt.date, space: str = " ") -> str:
    """``27 Nov`` (``space`` between the day and the month)."""
    return f"{date.day}{space}{date:%b}"


def in_window(date: dt.date, start: dt.date, end: dt.date, space: str = " ") -> str:
    """A day of the window ``start``–``end`` as a reader there reads it: ``27 Nov`` when the window
    lies in one year and the day in that year, else with its year (``7 Mar 2016``), so that no
    day of a window that spans years, nor one outside its year, can be taken for another."""
    if start.year == end.year == date.year:
        return day_month(date, space)
    return f"{day_month(date, space)}{space}{date.year}"


def day_month_year(date: dt.date) -> str:
    """``27 Nov 2026``."""
    return f"{date.day} {date:%b %Y}"


def short_date(date: dt.date, year: bool = True) -> str:
    """``Fri 27 Nov 2026`` (``Fri 27 Nov`` without the year)."""
    return f"{date:%a} {date.day} {date:%b}" + (f" {date.year}" if year else "")


def long_date(date: dt.date) -> str:
    """``Friday 27 November 2026``."""
    return f"{date:%A} {date.day} {date:%B %Y}"


def date_range(start: dt.date, end: dt.date) -> str:
    """``24–30 Nov 2026``, ``28 Oct – 3 Nov 2026``, ``29 Dec 2025 – 4 Jan 2026``, ``29 Nov 2026``:
    the dash closed up between two days of one month, spaced between dates that hold spaces."""
    if start == end:
        return day_month_year(end)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{day_month_year(end)}"
    if start.year == end.year:
        return f"{day_month(start)} – {day_month_year(end)}"
    return f"{day_month_year(start)} – {day_month_year(end)}"
