"""The rules every corpus back-end answers by (briefgen.corpora), called directly, and the
choice of back-end made once (briefgen.sources)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefgen.config import Options
from briefgen.corpora import chart_heads, coverage_hint, merged, newest, window_groups
from briefgen.corpus_index import IndexedCorpus
from briefgen.load import LoadResult
from briefgen.sources import LocalSource, open_source
from tests.conftest import make_article

DAY = dt.date(2026, 11, 24)


def test_a_window_keeps_each_groups_members_dated_in_it_the_first_speaking_for_it() -> None:
    dates = {"a": DAY, "b": None, "c": DAY - dt.timedelta(days=5), "d": DAY - dt.timedelta(days=1), "e": DAY}
    groups = [["a", "b"], ["c"], ["c", "d", "e"]]
    assert window_groups(groups, dates.get, DAY - dt.timedelta(days=1), DAY) == [["a"], ["d", "e"]]
    first, copy = make_article("One.", id="x"), make_article("One.", id="y", source="Other Wire")
    assert merged([first, copy]).also_in == (copy,) and merged([first]).id == "x"


def test_the_newest_date_and_the_hint_come_from_the_dates_given() -> None:
    assert newest([None, DAY, DAY - dt.timedelta(days=3)]) == DAY and newest([None]) is None
    assert coverage_hint([DAY, None, DAY - dt.timedelta(days=3)]).startswith("the corpus covers 2026-11-21 to 2026-11-24")
    assert "no article in the corpus has a date" in coverage_hint([None])


def test_the_chart_counts_the_articles_of_its_days_up_to_the_end() -> None:
    dates = [DAY - dt.timedelta(days=20), DAY, None, DAY + dt.timedelta(days=1), DAY - dt.timedelta(days=2)]
    span, heads = chart_heads(dates, DAY)
    assert span[-1] == DAY and len(span) == 14 and heads == [1, 4]
    span, heads = chart_heads([DAY - dt.timedelta(days=2), DAY], DAY)  # from the oldest day on, never before it
    assert span == (DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=1), DAY) and heads == [0, 1]


def test_the_back_end_is_chosen_once(small_corpus: Path, tmp_path: Path, options: Options) -> None:
    whole = open_source(small_corpus, tmp_path / "out", options)
    indexed = open_source(small_corpus, tmp_path / "out", options, cache=tmp_path / "cache")
    assert isinstance(whole, LocalSource) and isinstance(whole.corpus, LoadResult)
    assert isinstance(indexed, LocalSource) and isinstance(indexed.corpus, IndexedCorpus)
    assert whole.corpus.in_window(DAY, DAY) == indexed.corpus.in_window(DAY, DAY)
