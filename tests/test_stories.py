"""Stories: articles grouped into the events they report, and how the grouping is measured."""

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from briefgen import stories
from briefgen.cli import cli
from briefgen.evaluation.stories import (
    bcubed,
    evaluate_stories,
    read_labelled_stories,
    story_windows,
)
from briefgen.score import term_matrix
from briefgen.stories import (
    StorySettings,
    average_link,
    group_articles,
    horizon,
    similarity_graph,
    story_labels,
    window_threshold,
)
from tests.conftest import make_article


def _partition(labels: list[int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, set()).add(index)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize("seed", range(8))
def test_sparse_average_link_is_exactly_scipys_average_linkage(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    similarity = rng.random((n, n)) * (rng.random((n, n)) < 0.15)  # sparse: most pairs share nothing
    similarity = np.triu(similarity, 1)
    similarity = similarity + similarity.T
    threshold = 0.12
    ours = average_link(sp.csr_matrix(similarity), threshold).tolist()
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    theirs = fcluster(linkage(squareform(distance, checks=False), "average"), 1.0 - threshold, "distance").tolist()
    assert _partition(ours) == _partition(theirs)
    assert 1 < len(_partition(ours)) < n  # the case is not trivial


def test_the_graph_in_time_blocks_is_the_full_graph_without_the_pairs_too_far_apart() -> None:
    rng = np.random.default_rng(0)
    words = ["rail", "deal", "attack", "police", "kunduz", "tashkent", "tariff", "vote", "storm", "flood"]
    texts = [" ".join(rng.choice(words, 4)) for _ in range(60)]
    days = rng.random(60) * 9
    full = similarity_graph(texts, days, 1.0).toarray()
    near = np.abs(days[:, None] - days[None, :]) <= 2.5
    assert np.allclose(similarity_graph(texts, days, 1.0, within=2.5).toarray(), np.where(near, full, 0.0))
    assert full.shape == (60, 60) and (full > 0).sum() > (near & (full > 0)).sum() > 0
    assert horizon(0.075, 1.0) == pytest.approx(2.590, abs=1e-3)  # exp(-2.59) = 0.075
    assert horizon(1.0, 1.0) == 0.0 and horizon(0.0, 1.0) == math.inf


def test_sizes_make_a_node_stand_for_a_group() -> None:
    pair = sp.csr_matrix(np.array([[0.0, 0.5], [0.5, 0.0]]))
    assert average_link(pair, 0.2).tolist() == [0, 0]
    assert average_link(pair, 0.2, sizes=np.array([1.0, 3.0])).tolist() == [0, 1]  # 0.5 / 3 < 0.2


def test_with_no_common_stem_the_levels_agree_with_average_link_on_the_whole_graph() -> None:
    # Pruned pairs (under half the bar) only delay merges to the next level: here, none changes.
    rng = np.random.default_rng(1)
    words = [f"w{k}" for k in range(40)]
    texts = [" ".join(rng.choice(words, 5)) for _ in range(100)]
    days = rng.random(100) * 6
    settings = StorySettings()
    threshold = window_threshold(term_matrix(texts).tfidf, settings)
    exact = average_link(similarity_graph(texts, days, settings.time_scale, horizon(threshold, settings.time_scale)), threshold,
                         floor=stories.FLOOR)
    assert story_labels(texts, days, settings).tolist() == exact.tolist()
    assert 1 < len(set(exact.tolist())) < 100


RAIL = ("Uzbekistan, Afghanistan and Pakistan signed a framework agreement on the Trans-Afghan railway in Tashkent on "
        "Monday. The 760-kilometre line would link Termez with Peshawar through Mazar-i-Sharif and Kabul.")
RAIL_AGAIN = ("Officials from Uzbekistan, Afghanistan and Pakistan signed the Trans-Afghan railway framework agreement in "
              "Tashkent. The line from Termez to Peshawar would run through Mazar-i-Sharif and Kabul.")
ATTACK = ("Gunmen attacked a police checkpoint in Kunduz province overnight, killing three officers, the provincial "
          "police spokesman said. Two attackers were killed in the firefight.")
ATTACK_LATER = ("Gunmen attacked a police checkpoint in Kunduz province on Sunday night, killing two officers, the "
                "provincial police spokesman said. One attacker was arrested after the firefight.")


def test_reports_of_one_event_are_one_story_and_a_like_event_a_week_later_is_another() -> None:
    day = dt.date(2026, 11, 23)
    articles = [
        make_article(RAIL, id="rail", title="Trans-Afghan railway agreement signed in Tashkent", date=day),
        make_article(ATTACK, id="attack", title="Three police officers killed in Kunduz checkpoint attack", date=day),
        make_article(RAIL_AGAIN, id="rail2", title="Railway deal signed by Uzbekistan, Afghanistan and Pakistan",
                     source="Other Wire", date=day + dt.timedelta(days=1)),
        make_article(ATTACK_LATER, id="attack2", title="Two police officers killed in Kunduz checkpoint attack",
                     date=day + dt.timedelta(days=8)),
    ]
    assert group_articles(articles) == [[0, 2], [1], [3]]
    assert group_articles([]) == []


def test_a_story_held_together_by_common_stems_is_found_at_a_later_level(monkeypatch: pytest.MonkeyPatch) -> None:
    day = dt.date(2026, 11, 23)
    rail = [make_article(RAIL, id=f"rail{k}", title=f"Railway agreement signed, say {name}", date=day)
            for k, name in enumerate(["quilla", "quilla", "brenton", "brenton"])]
    attack = [make_article(ATTACK, id=f"attack{k}", title=f"Police killed in Kunduz, say {name}", date=day)
              for k, name in enumerate(["hollis", "hollis", "jessamy", "jessamy"])]
    articles = [a for pair in zip(rail, attack, strict=True) for a in pair]
    expected = [[0, 2, 4, 6], [1, 3, 5, 7]]
    assert group_articles(articles) == expected
    # Every stem but the names is common now: the first level pairs the articles that share a
    # name, and the next one the two halves of each story, whose stems two groups now hold.
    monkeypatch.setattr(stories, "COMMON_STEM", 2)
    levels = []
    monkeypatch.setattr(stories, "average_link", lambda *a, **k: levels.append(a[0].shape[0]) or average_link(*a, **k))
    assert group_articles(articles) == expected
    assert levels == [8, 4]


def test_bcubed_counts_each_article_once() -> None:
    perfect = bcubed(["a", "a", "b"], [1, 1, 2])
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    lumped = bcubed(["x", "x", "x"], [1, 1, 2])
    assert lumped.recall == 1.0 and lumped.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)


def test_evaluate_stories_reports_briefgen_beside_both_baselines(tmp_path: Path) -> None:
    rows = [
        {"story_id": 1, "date": "2026-11-23", "title": "Trans-Afghan railway agreement signed in Tashkent", "text": RAIL},
        {"story_id": 1, "date": "2026-11-24", "title": "Railway deal signed by three countries", "text": RAIL_AGAIN},
        {"story_id": 2, "date": "2026-11-24", "title": "Police officers killed in Kunduz attack", "text": ATTACK},
        {"story_id": 3, "date": "2026-12-01T08:30:00Z", "title": "Kunduz checkpoint attacked again", "text": ATTACK_LATER},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    articles = read_labelled_stories(path)
    assert [len(w) for w in story_windows(articles, "week")] == [3, 1] and len(story_windows(articles, "day")) == 3
    scores = evaluate_stories(articles, "week")
    assert list(scores) == ["briefgen", "TF-IDF average link (best threshold)", "every article alone"]
    assert scores["briefgen"].f1 == 1.0
    assert scores["every article alone"].precision == 1.0 and scores["every article alone"].recall < 1.0


@pytest.mark.e2e
def test_eval_stories_prints_the_table_and_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps({"story_id": 1, "date": "2026-11-23", "title": "Rail deal signed", "text": RAIL}) + "\n"
                    + json.dumps({"story_id": 1, "date": "2026-11-24", "title": "Railway deal signed", "text": RAIL_AGAIN}) + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "stories", str(path), "--window", "day"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "2 articles in 2 windows of a day; BCubed, averaged over the windows"
    assert "| every article alone | 1.000 | 1.000 | 1.000 |" in result.stdout  # one article a day: nothing to group
    with path.open("a", encoding="utf-8") as f:
        f.write('{"date": "2026-11-25", "title": "No story"}\n')
    result = CliRunner().invoke(cli, ["eval", "stories", str(path)])
    assert result.exit_code == 4 and "labelled.jsonl line 3 is not a story-labelled article" in result.stderr


def test_the_bar_follows_the_window_background() -> None:
    # A desk's window: every lead names the same region, so unrelated reports are alike.
    events = ["lithium tender mining consortium", "recognition remarks foreign ministry", "earthquake appeal tents",
              "night raid militants killed", "wheat contract grain exporters", "snow closure pass tunnel",
              "rail freight target", "museum hall reopens", "cricket series won", "heroin seized river",
              "consulate approved city", "bus station bombing", "power contract price", "exam results published"]
    general = events
    desk = [f"Kabul Taliban Afghanistan government officials said {event}" for event in events]
    settings = StorySettings()
    desk_bar = window_threshold(term_matrix(desk).tfidf, settings)
    general_bar = window_threshold(term_matrix(general).tfidf, settings)
    assert desk_bar > general_bar
    assert stories.background(term_matrix(desk).tfidf) > stories.background(term_matrix(general).tfidf)
    # Two articles say nothing of their window: the bar is lift times the typical background.
    pair = term_matrix(["rail deal signed", "rail deal signed"]).tfidf
    assert window_threshold(pair, settings) < settings.lift * (stories.PRIOR_BACKGROUND + 1) / 2
    # A window all of one story is held to the ceiling, not to its own pairs.
    same = term_matrix(["Kunduz checkpoint attacked by gunmen"] * 30).tfidf
    assert stories.background(same) == pytest.approx(1.0)
    assert window_threshold(same, settings) == stories.CEILING
    assert story_labels(["Kunduz checkpoint attacked by gunmen"] * 30, np.zeros(30)).tolist() == [0] * 30


CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LABELS = Path(__file__).resolve().parent / "golden" / "corpus-stories.toml"


def test_the_bundled_corpus_week_groups_one_events_reports_and_nothing_else() -> None:
    from briefgen.evaluation.stories import read_labelled_corpus
    from briefgen.load import load_corpus

    articles = [a for a in load_corpus(CORPUS).articles if a.date and a.date >= dt.date(2026, 11, 23)]
    name = {Path(a.path).name.split(".")[0][11:]: k for k, a in enumerate(articles)}
    together = {frozenset(g) for g in group_articles(articles)}

    def story_of(slug: str) -> frozenset[int]:
        return next(g for g in together if name[slug] in g)
    # Reports of one event by two outlets on one day are one story...
    assert story_of("tashkent-rail-deal-signed") == {name["tashkent-rail-deal-signed"], name["trans-afghan-railway-agreement-signed"]}
    assert story_of("torkham-border-clash") == {name["torkham-border-clash"], name["torkham-firing-crossing-shut"]}
    assert story_of("moscow-format-joint-statement") == {name["moscow-format-joint-statement"],
                                                         name["moscow-talks-statement-central-asia"]}
    # ...and unrelated reports of one region on one day are not, though they share its names.
    for first, second in [("nuristan-lithium-tender-chinese-consortium", "uzbekistan-recognition-question"),
                          ("badghis-earthquake-appeal", "nangarhar-raid-isis-k"),
                          ("duma-delegation-kabul-rail-security", "kazakhstan-to-accept-taliban-ambassador")]:
        assert name[second] not in story_of(first)
    # Measured against the hand labels, the grouping beats leaving every article alone.
    labelled = read_labelled_corpus(CORPUS, LABELS)
    scores = evaluate_stories(labelled, "week")
    assert scores["briefgen"].precision == 1.0
    assert scores["briefgen"].f1 > scores["every article alone"].f1


@pytest.mark.e2e
def test_the_bundled_week_reads_as_stories_led_by_those_several_outlets_report(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    result = run_cli("daily", "--corpus", str(CORPUS), "--out", str(tmp_path), "--date", "2026-11-29", "--days", "7",
                     "--format", "md,json", "--quiet")
    assert result.exit_code == 0, result.stderr
    record = json.loads((tmp_path / "2026-11-29" / "briefing.json").read_text(encoding="utf-8"))
    stories_by_id = {s["id"]: s for s in record["stories"]}
    widely = {s["id"] for s in record["stories"] if len(s["articles"]) > 1 and s["topics"]}
    railway = next(s for s in record["stories"] if any("trans-afghan-railway-agreement-signed" in p for p in s["articles"]))
    assert len(railway["articles"]) == 2 and railway["id"] in widely
    # The stories two outlets report lead the key points, each once, each naming its section.
    key_stories = [k["story"] for k in record["key_points"]]
    assert set(key_stories[:len(widely)]) == widely and len(set(key_stories)) == len(key_stories)
    assert all(k["section"] in stories_by_id[k["story"]]["topics"] for k in record["key_points"])
    for section in record["sections"]:  # a story is one bullet in a section (it may feed several sections)
        items = [i["story"] for i in section["items"]] + [k["story"] for k in record["key_points"] if k["section"] == section["topic"]]
        assert len(items) == len(set(items))
    markdown = (tmp_path / "2026-11-29" / "briefing.md").read_text(encoding="utf-8")
    assert "] · also reported by [" in markdown and " · 27\u00a0Nov" in markdown


# A one-region desk's day: two unrelated reports that share the region's names (Taliban,
# government, Kabul), and a second outlet's report of the first one's event.
TENDER = ("Taliban government awards copper tender in Logar to Kazakh miners",
          "The Taliban government in Kabul on Sunday awarded the Logar copper tender to a Kazakh mining group, the "
          "ministry of mines said. The group would invest in roads, a smelter and a power line over five years and "
          "employ about four thousand local workers, the tender papers show.")
RECOGNITION = ("Turkmenistan says recognising Taliban government is on its agenda",
               "Turkmenistan's foreign minister told reporters in Ashgabat on Sunday that formal recognition of the "
               "Taliban government in Kabul was on the agenda for next year. He cited gas exports, border markets and "
               "returning refugees as reasons, but gave no date for a decision by President Berdimuhamedow's cabinet.")
TENDER_AGAIN = ("Taliban government awards Logar copper tender to Kazakh consortium",
                "A Kazakh mining consortium won the tender for the Logar copper deposit, the Taliban government's "
                "ministry of mines said in Kabul on Sunday. The consortium plans to build a smelter and roads over five "
                "years.")


def _keys(*reports: tuple[str, str]) -> list[str]:
    return [f"{title} {lead}" for title, lead in reports]


def test_unrelated_reports_of_one_desk_are_not_one_story_in_a_small_window() -> None:
    # Two articles: the window's bar is the prior's (about 0.08), which these two reach (0.11)
    # by the region's names alone; the absolute floor keeps them apart.
    pair = _keys(TENDER, RECOGNITION)
    vectors = stories.key_vectors(pair)
    similarity = float((vectors @ vectors.T)[0, 1])
    assert window_threshold(vectors, StorySettings()) < similarity < stories.FLOOR
    assert story_labels(pair, np.zeros(2)).tolist() == [0, 1]
    # Three articles: two reports of the tender are one story, the recognition remarks another.
    assert story_labels(_keys(TENDER, RECOGNITION, TENDER_AGAIN), np.zeros(3)).tolist() == [0, 1, 0]
    assert story_labels(_keys(TENDER, TENDER_AGAIN), np.zeros(2)).tolist() == [0, 0]


def test_the_floor_holds_single_pairs_and_falls_for_groups() -> None:
    pair = sp.csr_matrix(np.array([[0.0, 0.1], [0.1, 0.0]]))
    assert average_link(pair, 0.05).tolist() == [0, 0]
    assert average_link(pair, 0.05, floor=0.12).tolist() == [0, 1]
    # Two groups of 4: their average 0.1 reaches 0.12 / sqrt(16) = 0.03.
    assert average_link(pair * 16, 0.05, sizes=np.array([4.0, 4.0]), floor=0.12).tolist() == [0, 0]


def test_the_bundled_corpus_by_day_joins_no_unrelated_reports() -> None:
    from briefgen.evaluation.stories import read_labelled_corpus

    labelled = read_labelled_corpus(CORPUS, LABELS)
    by_day = evaluate_stories(labelled, "day")["briefgen"]
    assert by_day.precision == 1.0 and by_day.f1 >= 0.95
    assert evaluate_stories(labelled, "week")["briefgen"].precision == 1.0


def test_the_bbc_window_is_read_with_its_days_and_wrong_merges_are_counted(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen.evaluation import stories as evaluate

    for name, text in [("business/001", "Rail deal signed\n\n" + RAIL), ("politics/002", "Kunduz attack\n\n" + ATTACK),
                       ("politics/003", "Rail deal signed again\n\n" + RAIL_AGAIN)]:
        (tmp_path / "articles" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "articles" / f"{name}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(evaluate, "BBC_WINDOW", {"2004-12-01": ("business/001", "politics/002"), "2004-12-02": ("politics/003",)})
    monkeypatch.setattr(evaluate, "BBC_SAME_EVENT", (("business/001", "politics/003"),))
    articles = evaluate.read_bbc_window(tmp_path)
    assert [a.title for a in articles] == ["Rail deal signed", "Kunduz attack", "Rail deal signed again"]
    assert [a.day - articles[0].day for a in articles] == [0, 0, 1]
    assert [a.story for a in articles] == ["business/001", "politics/002", "business/001"]
    truth = [a.story for a in articles]
    assert evaluate.grouped_window(articles) == [0, 1, 0]
    assert evaluate.wrong_merges([0, 0, 0], truth) == [(0, 1), (1, 2)]
    assert evaluate.wrong_merges([0, 1, 0], truth) == []


STREAM = Path(__file__).resolve().parents[2] / "shared" / "eval" / "story-clusters" / "uci-news-aggregator-2014-03-10.jsonl"


@pytest.mark.skipif(not STREAM.is_file(), reason=f"the shared evaluation data is not at {STREAM}")
def test_the_grouping_made_in_runs_and_blocks_is_the_same_to_the_bit() -> None:
    """What a Dask cluster's workers do (briefgen.engine.stories): the keys' rows made run by
    run from the runs' reduced vocabulary, each level's blocks weighed apart (each block sent
    through pickle, as to a worker): the same stories as in one process, on 1.5 days of a real
    headline stream whose big stories take several levels."""
    import pickle

    from briefgen.score import stem_frequencies, vocabulary

    stream = read_labelled_stories(STREAM)[:3000]
    texts, days = [a.title for a in stream], np.array([a.day for a in stream])
    runs = [stories.key_stems(texts[k:k + 700]) for k in range(0, len(texts), 700)]
    columns, idf = vocabulary([stem_frequencies(run) for run in runs])
    vectors = sp.vstack([stories.key_rows(run, columns, idf) for run in runs], format="csr")
    blocks: list[int] = []

    def weigh(found, within, time_scale, floor):
        for block in found:
            blocks.append(block.middle)
            yield stories.block_pairs(pickle.loads(pickle.dumps(block)), within, time_scale, floor)

    apart = story_labels([], days, StorySettings(), stories.LevelsHere(vectors, weigh))
    assert apart.tolist() == story_labels(texts, days).tolist()
    assert len(blocks) >= 3 and len(set(apart.tolist())) < len(texts) * 0.8  # several blocks and levels; stories merged


def test_keys_lose_their_day_words_alike_with_and_without_the_quick_look_for_them() -> None:
    """A key's stems are those of its text with each day word made a space (the pattern applied
    to every key), whether the text is scanned or passed over for holding neither "day" nor
    "ght": generated keys of day words in any case, glued to other letters, with apostrophes,
    among words that hold neither."""
    from briefgen.stories import DAY_WORDS, key_stems
    from briefgen.text.words import content_words, stem

    rng = np.random.default_rng(5)
    pieces = ["Monday", "TUESDAYS", "wednesday's", "Sundays", "yesterday", "ToDay", "tonight", "Overnight", "overnights",
              "daylight", "midday", "night", "eight", "Fridayx", "tariffs", "port", "steel", "rose", "—", "'", ",", "Straße"]
    texts = [" ".join(rng.choice(pieces, size=int(rng.integers(0, 9)))) for _ in range(400)] + ["", "tariffs rose"]
    assert key_stems(texts) == [[stem(w) for w in content_words(DAY_WORDS.sub(" ", text))] for text in texts]
    assert key_stems(["Talks resume on Monday", "Talks resume"]) == [["talk", "resum"], ["talk", "resum"]]
