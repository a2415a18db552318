import datetime as dt
from pathlib import Path

from briefgen.config import Options
from briefgen.load import load_corpus
from briefgen.models import Briefing
from briefgen.pipeline import build_briefing
from tests.conftest import OFF_TOPIC_TEXT, RECOGNITION_TEXT, SECURITY_TEXT, TRADE_TEXT, make_article

DAY = dt.date(2026, 11, 24)


def brief(articles, options: Options) -> Briefing:
    return build_briefing(articles, options, DAY, DAY, DAY)


def all_items(b: Briefing):
    return [*b.key_points, *(i for s in b.sections for i in s.items)]


def test_each_topic_gets_its_own_article_and_the_off_topic_one_is_never_cited(small_corpus: Path, options: Options) -> None:
    articles = load_corpus(small_corpus).articles
    b = brief(articles, options)
    cited = {a for i in all_items(b) for a in i.article_ids}
    festival = next(a.id for a in articles if "festival" in a.id)
    assert festival not in cited
    topic_of = {"trade": "tariffs", "security": "checkpoint", "recognition": "envoy"}
    for section in b.sections:
        assert all(all(topic_of[section.topic] in a for a in i.article_ids) for i in section.items), section


def test_no_sentence_appears_twice(small_corpus: Path, options: Options) -> None:
    texts = [i.text for i in all_items(brief(load_corpus(small_corpus).articles, options))]
    assert len(texts) == len(set(texts))


def test_every_bullet_is_a_verbatim_sentence_of_its_first_article(small_corpus: Path, options: Options) -> None:
    articles = load_corpus(small_corpus).articles
    by_id = {a.id: a for a in articles}
    for item in all_items(brief(articles, options)):
        assert item.text in by_id[item.article_ids[0]].text


def test_near_identical_sentences_from_two_outlets_are_one_item_citing_both(options: Options) -> None:
    wire = "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor."
    copy = "Uzbekistan and Pakistan agreed on Monday to cut the transit tariffs on freight crossing the northern railway corridor."
    a = make_article(wire + " Traders welcomed the customs change at the border.", id="one", source="A")
    b = make_article(copy + " Officials said exports would grow next year.", id="two", source="B")
    items = [i for i in all_items(brief([a, b], options)) if "Uzbekistan" in i.text]
    assert len(items) == 1
    assert set(items[0].article_ids) == {"one", "two"}


def test_a_section_with_nothing_relevant_is_empty(options: Options) -> None:
    b = brief([make_article(TRADE_TEXT, id="t"), make_article(OFF_TOPIC_TEXT, id="o")], options)
    sections = {s.topic: s for s in b.sections}
    assert sections["trade"].items or b.key_points
    assert sections["security"].items == () and sections["recognition"].items == ()
    assert b.empty_message == options.empty_section


def test_key_points_take_the_best_of_each_topic_first(options: Options) -> None:
    articles = [make_article(t, id=n) for n, t in [("t", TRADE_TEXT), ("s", SECURITY_TEXT), ("r", RECOGNITION_TEXT)]]
    b = brief(articles, options)
    assert sorted(i.article_ids[0] for i in b.key_points[:3]) == ["r", "s", "t"]


def test_sources_are_numbered_in_order_of_first_citation(small_corpus: Path, options: Options) -> None:
    b = brief(load_corpus(small_corpus).articles, options)
    order = list(dict.fromkeys(a for i in all_items(b) for a in i.article_ids))
    assert [s.article.id for s in b.sources] == order
    assert [s.number for s in b.sources] == list(range(1, len(order) + 1))


def test_coverage_line_counts_articles_sources_and_dates(small_corpus: Path, options: Options) -> None:
    articles = load_corpus(small_corpus).articles
    b = build_briefing(articles, options, DAY, dt.date(2026, 11, 23), DAY)
    assert b.coverage == "4 articles from 4 sources, 23–24 Nov 2026"
