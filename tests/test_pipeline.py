import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from briefgen.config import Options
from briefgen.evaluation.standalone import pointing_back_share
from briefgen.load import load_corpus
from briefgen.models import Briefing, History
from briefgen.output.render import to_markdown
from briefgen.pipeline import build_briefing, gathered
from briefgen.score import stem_frequencies, vocabulary
from briefgen.text.words import stems
from tests.conftest import OFF_TOPIC_TEXT, RECOGNITION_TEXT, SECURITY_TEXT, TRADE_TEXT, make_article

DAY = dt.date(2026, 11, 24)


def brief(articles, options: Options) -> Briefing:
    return build_briefing(articles, options, DAY, DAY, DAY)


def all_items(b: Briefing):
    return [*b.key_points, *(i for s in b.sections for i in s.items)]


def shown(b: Briefing, topic: str):
    """A section's bullets as a reader meets them: the key points that name it, then its items."""
    return [*(i for i in b.key_points if i.section == topic), *next(s for s in b.sections if s.topic == topic).items]


def test_each_topic_gets_its_own_article_and_the_off_topic_one_is_never_cited(small_corpus: Path, options: Options) -> None:
    articles = load_corpus(small_corpus).articles
    b = brief(articles, options)
    cited = {a for i in all_items(b) for a in i.article_ids}
    festival = next(a.id for a in articles if "festival" in a.id)
    assert festival not in cited
    topic_of = {"trade": "tariffs", "security": "checkpoint", "recognition": "envoy"}
    for section in b.sections:
        assert all(all(topic_of[section.topic] in a for a in i.article_ids) for i in section.items), section


def test_no_sentence_is_printed_twice_and_every_key_point_names_its_section(
        small_corpus: Path, options: Options) -> None:
    b = brief(load_corpus(small_corpus).articles, options)
    texts = [i.text for i in all_items(b)]
    assert len(texts) == len(set(texts))
    assert b.key_points and {i.section for i in b.key_points} <= {s.topic for s in b.sections}
    assert "Reported in the key points above." in to_markdown(b)  # a section whose story is a key point says so


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
    assert items[0].article_ids == ("one",) and items[0].also == ("two",)  # "two" says it in other words


def test_the_same_sentence_in_two_outlets_cites_both(options: Options) -> None:
    wire = "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor."
    a = make_article(wire + " Traders welcomed the customs change at the border.", id="one", source="A")
    b = make_article("“" + wire.replace(" ", "  ") + "” Officials said exports would grow next year.", id="two", source="B")
    items = [i for i in all_items(brief([a, b], options)) if "Uzbekistan" in i.text]
    assert len(items) == 1 and set(items[0].article_ids) == {"one", "two"} and items[0].also == ()


def test_a_section_with_nothing_relevant_is_empty(options: Options) -> None:
    b = brief([make_article(TRADE_TEXT, id="t"), make_article(OFF_TOPIC_TEXT, id="o")], options)
    sections = {s.topic: s for s in b.sections}
    assert [i.section for i in b.key_points] == ["trade"]
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


# Three topics, one sentence a line, each sentence about its topic alone and naming what it is about.
TRADE_LINES = [
    "Uzbekistan cut transit tariffs on Afghan fruit carried through the Termez dry port by a third.",
    "Traders in Mazar-i-Sharif expect cotton shipments along the northern rail corridor to double next year.",
    "Kazakhstan opened a customs post for lorries hauling flour to the Hairatan free trade zone.",
    "Pakistan signed a transit trade pact letting Afghan goods reach Karachi without new duties.",
    "A joint venture will build a pipeline carrying gas from Turkmenistan to markets in the south.",
]
SECURITY_LINES = [
    "Militants attacked a police checkpoint in Kunduz province overnight, wounding four soldiers.",
    "Border guards seized two tonnes of opium from smugglers on the Panj river.",
    "A roadside bomb exploded near a market in Jalalabad, killing three civilians.",
    "Insurgent fighters took a district centre in Badakhshan after heavy clashes with troops.",
]
RECOGNITION_LINES = [
    "Kazakhstan will accept the credentials of an ambassador appointed by the Taliban government.",
    "Russia urged its neighbours at the Moscow summit to follow its formal recognition of Kabul.",
    "An envoy from Qatar reopened the embassy in Kabul after three years of diplomatic absence.",
]
LINES = {"trade": TRADE_LINES, "security": SECURITY_LINES, "recognition": RECOGNITION_LINES}


def test_one_article_a_topic_each_section_shows_the_key_point_about_it(options: Options) -> None:
    off_topic = [s.rstrip(".") + "." for s in OFF_TOPIC_TEXT.split(". ")]
    articles = [make_article(f"{LINES[t][0]} {o}", id=t, title=LINES[t][0]) for t, o in zip(LINES, off_topic, strict=True)]
    b = brief(articles, options)
    assert sorted(i.text for i in b.key_points) == sorted(lines[0] for lines in LINES.values())
    for section in b.sections:
        assert [i.text for i in shown(b, section.topic)] == [LINES[section.topic][0]]
    assert options.empty_section not in to_markdown(b)


def test_one_article_about_three_topics_gives_one_bullet_on_each_topic_in_each_section(options: Options) -> None:
    lines = [line for group in zip(*(lines[:3] for lines in LINES.values()), strict=True) for line in group]  # a third on each
    b = brief([make_article(" ".join(lines), id="all")], options)
    for topic, own in LINES.items():
        bullets = shown(b, topic)
        assert len(bullets) == 1 and bullets[0].text in own, (topic, bullets)
    assert [set(s.topics) for s in b.stories] == [set(LINES)]


@pytest.mark.parametrize("per_section", [5, 3])
def test_one_article_an_event_gives_each_section_its_events(options: Options, per_section: int) -> None:
    articles = [make_article(line, id=f"{topic}{n}", title=line.split(",")[0], date=DAY - dt.timedelta(days=3 * n))
                for topic, group in LINES.items() for n, line in enumerate(group)]
    b = build_briefing(articles, replace(options, items_per_section=per_section), DAY, DAY - dt.timedelta(days=12), DAY)
    for section in b.sections:
        texts = {i.text for i in shown(b, section.topic)}
        assert len(texts) == min(per_section, len(LINES[section.topic])) and texts <= set(LINES[section.topic])


def test_bullets_never_open_by_pointing_back(options: Options) -> None:
    text = ("He said the customs change would lower duties on cargo carried by rail by a third. "
            "The move was welcomed by traders at the dry port, who expect tariffs on freight to fall further. "
            "But exporters warned that the cut in transit tariffs would come too late for this year's harvest. "
            f"{TRADE_LINES[0]}")
    b = brief([make_article(text, id="t")], options)
    assert [i.text for i in shown(b, "trade")] == [TRADE_LINES[0]]
    assert pointing_back_share(b) == (0, 1)


def test_every_article_of_the_window_is_in_exactly_one_story_and_every_item_names_its_story(
        small_corpus: Path, options: Options) -> None:
    articles = load_corpus(small_corpus).articles
    wire = "Uzbekistan and Pakistan agreed on Monday to cut transit tariffs on freight crossing the northern railway corridor."
    copy = make_article(wire, id="copy", source="Copy Post", path="corpus/copy.md", date=dt.date(2026, 11, 23))
    articles[0] = replace(articles[0], also_in=(copy,))
    b = build_briefing(articles, options, DAY, dt.date(2026, 11, 23), DAY)
    members = [a.id for s in b.stories for a in s.articles]
    assert sorted(members) == sorted([*(a.id for a in articles), "copy"])
    assert [s.id for s in b.stories] == [f"s{n}" for n in range(1, len(b.stories) + 1)]
    by_id = {s.id: s for s in b.stories}
    for section in b.sections:
        for item in section.items:
            assert item.article_ids[0] in by_id[item.story].article_ids
            assert section.topic in by_id[item.story].topics
    tariffs = next(s for s in b.stories if articles[0].id in s.article_ids)
    assert "copy" in tariffs.article_ids and tariffs.title == "Transit tariffs cut"
    assert tariffs.first_seen == tariffs.last_seen == dt.date(2026, 11, 23)
    festival = next(s for s in b.stories if any("festival" in a for a in s.article_ids))
    assert festival.topics == ()


def test_two_outlets_reporting_one_event_over_two_days_are_one_story(options: Options) -> None:
    day1 = make_article("Uzbekistan and Pakistan signed a railway deal in Termez to carry Afghan freight to Karachi. "
                        "The line will run through Mazar-i-Sharif and Kabul.", id="d1", title="Railway deal signed in Termez",
                        source="Steppe Ledger", date=dt.date(2026, 11, 23))
    day2 = make_article("The Termez railway deal signed by Uzbekistan and Pakistan drew praise from Afghan freight traders. "
                        "Traders said the line could halve transit times to Karachi.", id="d2",
                        title="Traders praise Termez railway deal", source="Khyber Wire", date=dt.date(2026, 11, 24))
    other = make_article(SECURITY_TEXT, id="s", title="Checkpoint attacked", source="Khyber Wire")
    b = build_briefing([day1, day2, other], options, DAY, dt.date(2026, 11, 23), DAY)
    [rail] = [s for s in b.stories if "d1" in s.article_ids]
    assert rail.article_ids == ("d1", "d2")
    assert (rail.title, rail.first_seen, rail.last_seen) == ("Railway deal signed in Termez", dt.date(2026, 11, 23), DAY)
    assert any(s.article_ids == ("s",) for s in b.stories)


CHECKPOINT = [
    ("Khyber Wire", "Militants attacked a police checkpoint in Kunduz overnight, wounding four soldiers."),
    ("Steppe Ledger", "Four soldiers were wounded when militants attacked a police checkpoint in Kunduz overnight."),
    ("Caspian Herald", "Militants wounded four soldiers in an overnight attack on a Kunduz police checkpoint."),
]


def test_key_points_are_the_biggest_stories_each_naming_its_section_and_not_repeated_there(options: Options) -> None:
    articles = [make_article(f"{TRADE_LINES[0]} {TRADE_LINES[1]}", id="trade", title="Tariffs cut at Termez", source="A"),
                make_article(RECOGNITION_LINES[0], id="recognition", title="Credentials accepted", source="B")]
    articles += [make_article(text, id=f"c{n}", title="Kunduz checkpoint attacked", source=outlet)
                 for n, (outlet, text) in enumerate(CHECKPOINT)]
    b = brief(articles, replace(options, key_points=2))
    checkpoint = next(s for s in b.stories if "c0" in s.article_ids)
    assert checkpoint.article_ids == ("c0", "c1", "c2")
    first = b.key_points[0]
    assert (first.story, first.section) == (checkpoint.id, "security")
    assert all(i.section for i in b.key_points)
    sections = {s.topic: s for s in b.sections}
    for key in b.key_points:
        assert key.text not in [i.text for i in sections[key.section].items]
    for topic in sections:
        stories = [i.story for i in shown(b, topic)]
        assert len(stories) == len(set(stories))  # no story twice in a section


def test_a_bullet_cites_the_articles_that_hold_its_sentence_and_names_the_story_s_other_outlets(options: Options) -> None:
    outlets = ["Khyber Wire", "Steppe Ledger", "Caspian Herald", "Kabul Evening", "Oxus Post", "Khyber Wire"]
    articles = [make_article(CHECKPOINT[n % 3][1], id=f"c{n}", title="Kunduz checkpoint attacked", source=outlet,
                             date=dt.date(2026, 11, 22 + n // 3)) for n, outlet in enumerate(outlets)]
    b = build_briefing(articles, options, DAY, dt.date(2026, 11, 21), DAY)
    [story] = b.stories
    [bullet] = all_items(b)
    holders = [a for a in story.articles if bullet.text in a.text]
    assert set(bullet.article_ids) == {a.id for a in holders} and len(holders) == 2  # said in words of its own by two
    also = [a.source for a in story.articles if a.id in bullet.also]
    assert len(also) == len(set(also)) == 3 and not set(also) & {a.source for a in holders}  # each other outlet once
    md = to_markdown(b)
    assert "] · also reported by [" in md and " · since\u00a022\u00a0Nov" in md  # reported on 22 and 23 Nov
    one_day = build_briefing(articles[:3], options, dt.date(2026, 11, 22), dt.date(2026, 11, 22), dt.date(2026, 11, 22))
    assert "since" not in to_markdown(one_day)


def test_a_bullet_cites_four_outlets_at_most_and_counts_the_rest(options: Options) -> None:
    outlets = ["Khyber Wire", "Steppe Ledger", "Caspian Herald", "Kabul Evening", "Oxus Post", "Khyber Wire"]
    articles = [make_article(CHECKPOINT[0][1], id=f"c{n}", title="Kunduz checkpoint attacked", source=outlet)
                for n, outlet in enumerate(outlets)]
    b = brief(articles, options)
    [bullet] = all_items(b)
    cited = [a.source for s in b.sources for a in [s.article] if a.id in bullet.article_ids]
    assert len(cited) == len(set(cited)) == 4 and bullet.more_outlets == 1 and bullet.also == ()
    assert "] · also reported by 1\u00a0more outlet\n" in to_markdown(b)


def test_a_story_the_previous_briefing_reported_is_developing_with_its_date(options: Options) -> None:
    checkpoint = [make_article(text, id=f"c{n}", title="Kunduz checkpoint attacked", source=outlet, path=f"corpus/c{n}.md")
                  for n, (outlet, text) in enumerate(CHECKPOINT)]
    trade = make_article(TRADE_TEXT, id="t", title="Transit tariffs cut", source="Oxus Post", path="corpus/t.md")
    earlier = History(dt.date(2026, 11, 23), ("Officials met to discuss the weather in the capital on Monday.",), ("corpus/c2.md",))
    b = build_briefing([*checkpoint, trade], options, DAY, DAY, DAY, history=earlier)
    items = {i.story: i for i in all_items(b)}
    story_of = {a: s.id for s in b.stories for a in s.article_ids}
    assert (items[story_of["c0"]].developing, items[story_of["c0"]].reported) == (True, dt.date(2026, 11, 23))
    assert (items[story_of["t"]].developing, items[story_of["t"]].reported) == (False, None)
    assert "**Developing (reported 23 Nov):** " in to_markdown(b)
    assert not any(i.developing for i in all_items(brief([*checkpoint, trade], options)))


def test_a_big_story_may_have_a_second_bullet_only_for_a_figure_the_first_lacks(options: Options) -> None:
    figure = "Militants have attacked 17 police posts across the province since the spring offensive began."
    plain = "Militants have attacked police posts across the province since the spring offensive began."
    for extra, bullets in ((figure, 2), (plain, 1)):
        articles = [make_article(f"{text} {extra if n == 1 else ''}".strip(), id=f"c{n}", title="Kunduz checkpoint attacked",
                                 source=outlet) for n, (outlet, text) in enumerate(CHECKPOINT)]
        b = brief(articles, options)
        security = shown(b, "security")
        assert len(security) == bullets and len(b.stories) == 1
        assert (extra in [i.text for i in security]) is (bullets == 2)
        assert len(b.key_points) == 1  # a story is one key point
    alone = brief([make_article(f"{CHECKPOINT[0][1]} {figure}", id="c", title="Kunduz checkpoint attacked")], options)
    assert len(all_items(alone)) == 1  # one article: one bullet, figure or not


def test_the_window_vocabulary_is_the_same_folded_in_a_few_parts_at_a_time() -> None:
    """The driver reduces the parts' stem counts as they come, a few at a time (:func:`gathered`):
    the vocabulary and IDF are those of all the parts at once, each handle let go once read."""
    texts = [TRADE_TEXT, SECURITY_TEXT, RECOGNITION_TEXT, OFF_TOPIC_TEXT] * 5
    parts = [stem_frequencies([stems(t) for t in texts[k:k + 3]]) for k in range(0, len(texts), 3)]
    whole = vocabulary([stem_frequencies([stems(t) for t in texts])])
    calls: list[int] = []
    handles: list[object] = list(parts)

    def gather(some: list[object]) -> list[object]:
        calls.append(len(some))
        return list(some)

    columns, idf = vocabulary(gathered(gather, handles, at_once=2))
    assert columns == whole[0] and np.array_equal(idf, whole[1])
    assert calls == [2, 2, 2, 1] and handles == [None] * len(parts)
