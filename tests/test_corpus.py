"""The bundled corpus and the briefing `make brief` builds from it."""

import datetime as dt
import re
from pathlib import Path

import pytest

from briefgen.config import Options
from briefgen.load import in_window, load_corpus
from briefgen.pipeline import build_briefing
from briefgen.text.split import split_article

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def loaded():
    return load_corpus(CORPUS)


def test_corpus_is_at_least_30_articles_over_7_consecutive_days_from_several_outlets(loaded) -> None:
    assert loaded.problems == [] and loaded.undated == []
    assert len(loaded.articles) >= 30
    dates = sorted({a.date for a in loaded.articles})
    newest = dates[-1]
    assert all(newest - dt.timedelta(days=k) in dates for k in range(7))
    assert len({a.source for a in loaded.articles if a.source}) >= 5


def test_corpus_has_the_noise_the_splitter_must_handle(loaded) -> None:
    headings = [s.text for a in loaded.articles for s in split_article(a) if s.is_heading]
    assert any(h.startswith("By ") for h in headings)  # bylines
    assert any(h.isupper() or h.split(",")[0].isupper() for h in headings)  # standalone datelines
    text = " ".join(a.text for a in loaded.articles)
    for needle in ("U.S.", "St. Petersburg", "Dr.", "—"):
        assert needle in text


def test_bundled_briefing_bullets_are_prose_and_off_topic_articles_are_not_cited(loaded, options: Options) -> None:
    end = max(a.date for a in loaded.articles)
    start = end - dt.timedelta(days=6)
    articles = in_window(loaded.articles, start, end)
    briefing = build_briefing(articles, options, end, start, end)
    items = [*briefing.key_points, *(i for s in briefing.sections for i in s.items)]
    for section in briefing.sections:  # never empty in this week, never over-full (key points count in their section)
        assert 1 <= len(section.items) + sum(k.section == section.topic for k in briefing.key_points) <= options.items_per_section
    off_topic = ("festival", "museum", "beat-ireland", "earthquake", "snow", "kankor")
    cited = {a for i in items for a in i.article_ids}
    assert not [a for a in cited if any(word in a for word in off_topic)]
    by_id = {a.id: a for a in articles}
    headings = {s.text for a in articles for s in split_article(a) if s.is_heading}
    for item in items:
        assert item.text in by_id[item.article_ids[0]].text
        assert item.text[0].isupper() or item.text[0] in "\"“'‘0123456789"
        assert item.text.rstrip("\"”'’)").endswith((".", "?", "!"))
        assert item.text not in headings
        assert not re.match(r"^[A-Z]{3,}[A-Z .]*,", item.text)  # no dateline left in front
