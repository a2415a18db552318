"""Bullets that stand alone: how many of a briefing's bullets open by pointing back.

A bullet such as "He praised the deal." or "The statement welcomed it." cannot be placed once
it is out of its article. The selection never takes one (:func:`briefgen.rank.points_back`);
these functions measure the share that still comes through, on a briefing, on a corpus folder
briefed like ``make brief`` and on a ``pairs.jsonl`` evaluation file briefed as one corpus.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefgen.config import Options, load_options
from briefgen.daily import newest_date, resolve_window
from briefgen.evaluation.summaries import pair_rows
from briefgen.load import in_window, load_corpus, normalize_body
from briefgen.models import Article, Briefing
from briefgen.pipeline import build_briefing
from briefgen.rank import points_back

PAIRS_DAY = dt.date(2026, 11, 24)  #: the date given to every article of a pairs file


def pointing_back_share(briefing: Briefing) -> tuple[int, int]:
    """``(pointing back, bullets)`` over the key points and the sections, each distinct bullet
    counted once (a key point also stands in its section)."""
    texts = dict.fromkeys(i.text for i in (*briefing.key_points, *(i for s in briefing.sections for i in s.items)))
    return sum(points_back(t) for t in texts), len(texts)


def corpus_pointing_back(corpus: Path, days: int = 7, options: Options | None = None) -> tuple[int, int]:
    """:func:`pointing_back_share` of the briefing of the newest ``days`` of a corpus folder
    (``briefgen daily --date latest --days 7`` without history, as ``make brief``)."""
    articles = load_corpus(corpus).articles
    end = newest_date(articles)
    if end is None:
        return 0, 0
    start, end = resolve_window(end, days, end)
    return pointing_back_share(build_briefing(in_window(articles, start, end), options or load_options(), end, start, end))


def pairs_pointing_back(pairs: Path, options: Options | None = None) -> tuple[int, int]:
    """:func:`pointing_back_share` of the briefing of every article of a ``pairs.jsonl`` file
    (``{"id", "article", ...}`` a line, e.g. ``cnndm-bump``), all dated on one day, as one corpus."""
    articles = [Article(name, "", "", PAIRS_DAY, "", f"{pairs}#{name}", normalize_body(text))
                for name, text, _reference in pair_rows(Path(pairs))]
    briefing = build_briefing(articles, options or load_options(), PAIRS_DAY, PAIRS_DAY, PAIRS_DAY)
    return pointing_back_share(briefing)
