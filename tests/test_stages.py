"""The stage functions of briefgen.stages, called directly: each map step on two parts reduced
gives what it gives on one part holding them all, which is what lets the local run and the
Dask engine share them (only the reduce step differs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from briefgen.about import article_topics, candidate_mask, topic_scores
from briefgen.assemble import TextHolding
from briefgen.config import Options
from briefgen.models import History, Sentence, Topic
from briefgen.pipeline import Here, Window, brief_parts, build_briefing
from briefgen.rank import points_back
from briefgen.score import compile_topic, stem_frequencies, term_matrix, term_rows, vocabulary
from briefgen.stages import (
    POINTING_BACK,
    Settings,
    about_of,
    close_to,
    likeliest,
    likeliest_of,
    pool,
    rows_of,
    score_part,
    sentence_priors,
    split_part,
    standalone_at,
)
from briefgen.text.words import stem, stem_lists, stems
from tests.conftest import OFF_TOPIC_TEXT, RECOGNITION_TEXT, SECURITY_TEXT, TRADE_TEXT, make_article

DAY = dt.date(2026, 11, 24)


@pytest.fixture
def settings(options: Options) -> Settings:
    return Settings.of(options)


@pytest.fixture
def articles():
    texts = [TRADE_TEXT, SECURITY_TEXT, RECOGNITION_TEXT, OFF_TOPIC_TEXT, TRADE_TEXT.replace("Termez", "Hairatan")]
    return [make_article(text, id=f"a{k}", title=f"Headline {k}", source=f"Outlet {k}", path=f"corpus/a{k}.md",
                         date=DAY - dt.timedelta(days=k % 2)) for k, text in enumerate(texts)]


def test_settings_are_built_once_from_the_options(options: Options) -> None:
    settings = Settings.of(options)
    assert settings.topics == options.topics and settings.ranking is options.ranking
    assert (settings.key_points, settings.items_per_section, settings.title) == (options.key_points, options.items_per_section,
                                                                                 options.title)
    assert (settings.stories.lift, settings.stories.time_scale) == (options.stories.lift, options.stories.time_scale)


def test_term_weights_of_two_parts_are_those_of_one() -> None:
    texts = ["Tariffs on cotton fell.", "Cotton exports rose again.", "Border guards seized opium.", "Opium and cotton."]
    whole = term_matrix(texts)
    split = [[stems(t) for t in texts[:2]], [stems(t) for t in texts[2:]]]
    columns, idf = vocabulary([stem_frequencies(part) for part in split])
    assert columns == whole.vocabulary
    np.testing.assert_array_equal(idf, whole.idf)
    counted = stem_frequencies(split[0])
    df = dict(zip(counted.stems, counted.df.tolist(), strict=True))
    assert counted.texts == 2 and df.pop(stems("cotton")[0]) == 2 and set(df.values()) == {1}  # the rest in one text


def test_split_part_keeps_reportable_sentences_and_each_articles_key(articles, settings: Settings) -> None:
    short = make_article("Too short. " + TRADE_TEXT, id="short")
    part = split_part([short, *articles[:1]], settings)
    assert all(settings.ranking.min_words <= len(s.text.split()) <= settings.ranking.max_words for s in part.sentences)
    assert "Too short." not in [s.text for s in part.sentences]
    assert part.owner.tolist() == [0, 0, 0, 1, 1, 1]
    assert part.keys[1].startswith("Headline 0 Uzbekistan and Pakistan agreed")
    assert part.stems == [stems(s.text) for s in part.sentences]


def test_topic_scores_are_the_terms_relevance_and_an_excluded_term_zeroes_it(settings: Settings) -> None:
    matrix = term_matrix(["New tariffs on cotton.", "Tariffs on the football league.", "A festival of fruit."])
    topic = Topic("tariffs", "Tariffs", ("tariff",), exclude=("football",))  # a topic the relevance model does not know
    scores = topic_scores(matrix, [compile_topic(topic)], settings.ranking)
    assert scores[0, 0] > 0 and scores[1, 0] == 0 and scores[2, 0] == 0


def test_topic_scores_of_a_default_topic_are_the_models_probability_over_the_floor(settings: Settings) -> None:
    matrix = term_matrix(["Japan doubled its tariffs on imported steel, the trade ministry said on Monday.",
                          "The striker's tariff-free transfer to the league champions was completed on Monday."])
    trade = next(t for t in settings.topics if t.name == "trade")
    scores = topic_scores(matrix, [compile_topic(trade)], settings.ranking)[:, 0]
    assert settings.ranking.min_relevance <= scores[0] <= 1 and scores[1] == 0
    terms = topic_scores(matrix, [compile_topic(trade)], replace(settings.ranking, relevance_model=False))[:, 0]
    assert terms[0] > 1 and terms[1] > 0  # the terms alone: a weight, and the sport report matched


def test_priors_favour_the_lead_the_recent_and_a_sentence_that_stands_alone(settings: Settings) -> None:
    texts = ["Uzbekistan cut transit tariffs on freight crossing the corridor.",
             "He said exports of cotton and fruit could double within a year.",
             "Uzbekistan cut transit tariffs on freight crossing the corridor."]
    prior, lead = sentence_priors(np.array([0.0, 1.0, 0.0]), np.array([True, False, True]), np.array([0.0, 0.0, 3.0]), texts,
                                  np.array([0, 0, 1]), settings.ranking)
    assert prior[0] > prior[2] > 0  # an older article's lead weighs less
    one_alone = sentence_priors(np.array([1.0]), np.array([True]), np.zeros(1), texts[1:2], np.zeros(1), settings.ranking)[0]
    assert prior[1] == pytest.approx(one_alone[0] * POINTING_BACK)
    assert lead[0] == 1.0 and lead[1] < lead[0]


def test_candidates_are_within_a_share_of_their_best_topic() -> None:
    scores = np.array([[4.0, 1.0], [4.0, 2.5], [0.0, 0.0]])
    assert candidate_mask(scores).tolist() == [[True, False], [True, True], [False, False]]
    share, about = article_topics(scores, np.array([0, 0, 1]), 2)
    assert share.tolist() == [[1.0, 0.5], [0.0, 0.0]] and about.tolist() == [[True, False], [False, False]]


def scored_parts(articles, settings: Settings, cut: int, history: list[str]):
    """The articles scored as one part, and as two (cut after ``cut`` articles), with the window's weights."""
    one = split_part(articles, settings)
    two = [split_part(articles[:cut], settings), split_part(articles[cut:], settings)]
    whole = score_part(one, 0, 0, vocabulary([stem_frequencies(one.stems)]), settings, DAY, history)
    weights = vocabulary([stem_frequencies(p.stems) for p in two])
    first = score_part(two[0], 0, 0, weights, settings, DAY, history)
    second = score_part(two[1], len(two[0].sentences), cut, weights, settings, DAY, history)
    return whole, [first, second]


def test_scores_of_two_parts_are_those_of_one(articles, settings: Settings) -> None:
    whole, parts = scored_parts(articles, settings, 2, [SECURITY_TEXT.split(". ")[0]])
    for name in ("relevance", "prior", "lead", "standalone", "seen", "candidate"):
        np.testing.assert_array_equal(np.concatenate([getattr(p, name) for p in parts]), getattr(whole, name), err_msg=name)
    np.testing.assert_array_equal(np.max([p.best for p in parts], axis=0), whole.best)
    assert whole.seen.max() == pytest.approx(1.0)  # the sentence the previous briefing reported
    both = [about_of(p) for p in parts]
    np.testing.assert_array_equal(np.concatenate([s for s, _ in both]), about_of(whole)[0])
    rows = rows_of(parts[1], np.array([len(parts[0].split.sentences)]))
    assert rows.sentences == [whole.split.sentences[len(parts[0].split.sentences)]]
    assert (rows.tfidf != whole.matrix.tfidf[rows.rows]).nnz == 0


def test_pointing_back_is_asked_of_the_candidates_only_and_is_the_same_there(articles, settings: Settings) -> None:
    texts = ["He said the talks would resume.", "Uzbekistan cut tariffs on cotton.", "But the deal fell through.",
             "The move angered traders."]
    sentences = [Sentence(text, "a", k, 0, 0) for k, text in enumerate(texts)]
    asked = np.array([0, 2, 3])
    standalone = standalone_at(sentences, asked)
    assert standalone.tolist() == [not points_back(s.text) if k in asked else True for k, s in enumerate(sentences)]
    assert standalone.tolist() == [False, True, False, False]
    whole, _ = scored_parts(articles, settings, 2, [])
    rows = np.flatnonzero(whole.candidate.any(axis=1))
    assert 0 < len(rows) < len(whole.split.sentences)  # some sentences are never asked
    every = np.array([not points_back(s.text) for s in whole.split.sentences])
    np.testing.assert_array_equal(whole.standalone[rows], every[rows])
    positions = np.array([s.position for s in whole.split.sentences], dtype=np.float64)
    age = np.array([(DAY - a.date).days for a in articles], dtype=np.float64)[whole.split.owner]
    prior, _ = sentence_priors(positions, every, age, [s.text for s in whole.split.sentences], whole.split.owner,
                               settings.ranking)
    np.testing.assert_array_equal(whole.prior[rows], prior[rows])


def test_the_pool_of_two_parts_is_that_of_one(articles, settings: Settings) -> None:
    whole, parts = scored_parts(articles, settings, 3, [])
    top = np.max([p.best for p in parts], axis=0)
    topics = len(settings.topics)
    for size in (1, 2, 100):
        one = pool([likeliest_of(whole, whole.best, size, 0.7)[0]], topics, size)
        two = pool([likeliest_of(p, top, size, 0.7)[0] for p in parts], topics, size)
        for (rows_one, bias_one), (rows_two, bias_two) in zip(one, two, strict=True):
            np.testing.assert_array_equal(rows_one, rows_two)
            np.testing.assert_array_equal(bias_one, bias_two)
            assert len(rows_one) <= size


def test_sentences_close_to_the_candidates_are_the_same_taken_a_few_at_a_time(articles, settings: Settings,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    whole, _ = scored_parts(articles, settings, 2, [])
    candidates = whole.matrix.tfidf[::3]
    at_once = close_to(whole, candidates, 0.05)
    assert len(at_once[0]) > len(whole.split.sentences) // 3  # every candidate is close to itself, and some to others
    monkeypatch.setattr("briefgen.stages.CLOSE_ROWS", 2)
    few = close_to(whole, candidates, 0.05)
    for mine, theirs in zip(few[:3], at_once[:3], strict=True):
        np.testing.assert_array_equal(mine, theirs)
        assert mine.dtype == theirs.dtype
    assert few[3] == at_once[3]


def test_likeliest_keeps_the_first_on_a_tie_in_order() -> None:
    assert likeliest(np.array([0.5, 0.9, 0.5, 0.9, 0.1]), 3).tolist() == [0, 1, 3]


def test_a_briefing_mapped_over_parts_here_is_the_briefing_of_one_part(articles, options: Options, settings: Settings) -> None:
    history = History(sentences=(RECOGNITION_TEXT.split(". ")[0] + ".",), date=DAY - dt.timedelta(days=3))
    one = build_briefing(articles, options, DAY, DAY - dt.timedelta(days=1), DAY, history=history)
    window = Window(articles, DAY, DAY - dt.timedelta(days=1), DAY, history)
    parts = brief_parts(Here(), [articles[:1], articles[1:3], articles[3:]], window, settings, TextHolding(articles))
    assert parts == one
    assert [i.text for s in one.sections for i in s.items] or one.key_points  # a briefing with bullets


def test_settings_reach_the_stages(articles, options: Options) -> None:
    fewer = build_briefing(articles, replace(options, items_per_section=1, key_points=0), DAY, DAY - dt.timedelta(days=1), DAY)
    assert fewer.key_points == () and all(len(s.items) <= 1 for s in fewer.sections)


def test_a_corpus_read_whole_counts_the_chart_from_the_windows_split(articles, options: Options, settings: Settings,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import text
    from briefgen.about import AboutRule
    from briefgen.load import LoadResult
    from briefgen.sources import LocalSource

    older = [replace(a, id=f"old{k}", path=f"corpus/old{k}.md", date=DAY - dt.timedelta(days=5)) for k, a in enumerate(articles[:3])]
    corpus = [*older, *articles]
    rule = AboutRule(options.topics, options.ranking)
    alone = LoadResult(articles=list(corpus)).activity(rule, DAY)  # every article split for the chart
    assert sum(map(sum, alone.counts)) >= 3  # articles about the topics are counted

    loaded = LoadResult(articles=list(corpus))
    window = loaded.in_window(DAY - dt.timedelta(days=1), DAY)
    briefing = LocalSource(loaded, remember=loaded.remember).briefing(Window(window, DAY, DAY - dt.timedelta(days=1), DAY),
                                                                       settings)
    assert briefing == build_briefing(window, options, DAY, DAY - dt.timedelta(days=1), DAY)
    split = text.split.split_article
    seen: list[str] = []
    monkeypatch.setattr(text.split, "split_article", lambda article: seen.append(article.id) or split(article))
    assert loaded.activity(rule, DAY) == alone
    assert sorted(seen) == ["old0", "old1", "old2"]  # the window's articles are not split again


def test_split_part_gives_what_it_split_to_remember(articles, settings: Settings) -> None:
    from briefgen.text.split import Split

    given: list[tuple[str, Split]] = []
    known = [None, Split.of(articles[1]), None]
    part = split_part(articles[:3], settings, known=known,
                      remember=lambda some, split: given.extend(zip([a.id for a in some], split, strict=True)))
    assert given == [("a0", Split.of(articles[0])), ("a2", Split.of(articles[2]))]  # not a1, whose split was known
    alone = split_part(articles[:3], settings)
    assert (part.sentences, part.stems, part.words, part.keys) == (alone.sentences, alone.stems, alone.words, alone.keys)


def test_a_daily_run_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from briefgen.daily import RUN_GC_THRESHOLD, fewer_collections

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with fewer_collections():
        assert gc.get_threshold()[0] == RUN_GC_THRESHOLD and gc.isenabled()
        assert gc.get_freeze_count() >= frozen
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen
    with pytest.raises(KeyError), fewer_collections():
        raise KeyError("a failed run")
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_a_scored_part_keeps_its_term_weights_alone(settings: Settings) -> None:
    """What finding terms reads (the stems, words and tokens of the sentences, the counts by
    column) serves the scoring alone: a scored part, kept for the rest of the run, holds its
    matrix's counts and weights without them (less memory), and its part without the stems; a
    term asked of that matrix is an error, not an empty answer."""
    articles = [make_article(TRADE_TEXT)]
    part = split_part(articles, settings)
    scored = score_part(part, 0, 0, vocabulary([stem_frequencies(part.stems)]), settings, dt.date(2026, 11, 29), [])
    matrix = scored.matrix
    assert matrix.tokens is None and matrix.by_term is None and matrix.words is None and matrix.stems == [] and not matrix.found
    assert scored.split.stems == [] and part.stems  # the part given is left as it was
    assert scored.split.sentences == part.sentences and scored.split.keys == part.keys
    assert matrix.counts.shape[0] == len(part.sentences) > 0 and matrix.tfidf.nnz > 0
    held = [t for t in compile_topic(settings.topics[0]).terms if all(s in matrix.vocabulary for s in t.stems)]
    assert held  # a trade term the text holds
    with pytest.raises(ValueError, match="before it is kept with its weights only"):
        term_rows(matrix, held[0])


def test_a_parts_words_are_stemmed_as_one_by_one() -> None:
    """:func:`stem_lists` (each distinct word stemmed once) gives each word's :func:`stem`, in
    order, on generated lists: repeated words, inflections, empty lists."""
    rng = np.random.default_rng(3)
    vocabulary = ["tariffs", "tariff", "trading", "traded", "ports", "port", "seized", "seizure", "rail", "railways", "steel"]
    lists = [list(rng.choice(vocabulary, size=int(rng.integers(0, 15)))) for _ in range(200)] + [[]]
    assert stem_lists(lists) == [[stem(w) for w in one] for one in lists]
    assert stem_lists(iter([["ports"], []])) == [["port"], []]
