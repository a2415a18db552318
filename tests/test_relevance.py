"""The default topics' relevance model (briefgen.relevance), word-level term matching
(briefgen.text.same_word) and the portal briefing evaluation's scoring (briefgen.evaluation.briefing)."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from briefgen import relevance
from briefgen.config import load_options
from briefgen.evaluation.briefing import BriefingScore, brief_days, read_portal, score_day
from briefgen.models import Briefing, Item, Section
from briefgen.relevance import (
    RelevanceModel,
    default_model,
    matrix_tfidf,
    pair_columns,
    predict,
    tfidf,
)
from briefgen.score import matrix_of, stem_frequencies, term_matrix
from briefgen.score import vocabulary as vocabulary_of
from briefgen.text.words import same_word

TOPICS = load_options().topics


def test_the_shipped_model_files_reports_as_a_desk_would() -> None:
    texts = ["Tariffs on steel imports will double next month, the trade ministry said.",
             "A suicide bomber killed twelve soldiers at a checkpoint near the border.",
             "The foreign minister met the ambassador to discuss restoring diplomatic relations.",
             "The striker scored twice as the home side won the cup final.",
             "Observation of a knife is definitely a safety concern, the airport said."]
    assert predict(default_model(), texts, TOPICS) == ["trade", "security", "recognition", "none", "none"]


def test_probabilities_are_a_distribution_and_unknown_topics_keep_their_rule() -> None:
    model = default_model()
    rows = model.probabilities(term_matrix(["Talks on the new railway corridor resumed."]), TOPICS)
    assert rows.shape == (1, len(model.classes)) and np.isclose(rows.sum(), 1.0)
    own = [*TOPICS, TOPICS[0].__class__("weather", "Weather", ("storm",))]
    by_topic = model.topic_probabilities(term_matrix(["A storm hit the coast."]), own)
    assert by_topic[0, -1] == -1.0 and (by_topic[0, :-1] >= 0).all()


def test_probabilities_made_a_few_texts_at_a_time_are_those_of_all_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Tariffs on steel imports will double next month, the trade ministry said.",
             "A suicide bomber killed twelve soldiers at a checkpoint near the border.", "",
             "The foreign minister met the ambassador to discuss restoring diplomatic relations.",
             "The striker scored twice as the home side won the cup final."] * 3
    matrix, model = term_matrix(texts), default_model()
    whole = model.probabilities(matrix, TOPICS)
    monkeypatch.setattr(relevance, "ROWS_AT_ONCE", 2)
    assert np.array_equal(model.probabilities(matrix, TOPICS), whole)
    assert np.array_equal(whole[:5], whole[5:10]) and not np.array_equal(whole[0], whole[1])


def test_the_model_reads_back_what_it_saved_and_holds_no_text() -> None:
    model = default_model()
    buffer = io.BytesIO()
    model.save(buffer)
    again = RelevanceModel.read(buffer.getvalue())
    text = term_matrix(["Sanctions on the central bank were lifted after the summit."])
    assert np.allclose(again.probabilities(text, TOPICS), model.probabilities(text, TOPICS), atol=1e-5)
    assert model.info["years"] == [2011, 2015]  # never fitted on the years it is reported on


@pytest.mark.parametrize(("found", "term", "same"), [
    ("observers", "observer", True), ("observation", "observer", False), ("talks", "talk", True),
    ("recognised", "recognise", True), ("recognition", "recognised", False), ("banned", "ban", True),
    ("countries", "country", True), ("taxes", "tax", True), ("mines", "mining", True), ("trading", "trade", True),
    ("important", "import", False), ("exporters", "export", False), ("dumped", "dumping", True),
])
def test_terms_match_as_words_and_their_inflections(found: str, term: str, same: bool) -> None:
    assert same_word(found, term) is same


def _portal(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = tmp_path / "portal.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"i{n}", "date": d, "category": c, "summary": s, "sources": ["Wire"]})
                              for n, (d, c, s) in enumerate(rows)), encoding="utf-8")
    return path


def test_a_bullet_is_right_when_its_items_category_fits_its_section(tmp_path: Path) -> None:
    items = read_portal(_portal(tmp_path, [("2016-03-01", "Business and economy", "Exports rose."),
                                           ("2016-03-01", "Sports", "The cup was won."),
                                           ("2016-03-01", "Other/story-as-category", "Left out.")]))
    assert [i.id for i in items] == ["i0", "i1"]
    briefing = Briefing("B", dt.date(2016, 3, 1), dt.date(2016, 3, 1), dt.date(2016, 3, 1), "", (),
                        (Section("trade", "Trade", (Item("The cup was won.", ("i1",), 1.0),)),
                         Section("security", "Security", ()), Section("recognition", "Recognition", ())), ())
    score = BriefingScore()
    score_day(briefing, items, score)
    trade = score.sections["trade"]
    assert (trade.bullets, trade.right, trade.days_with_fitting, trade.days_found) == (1, 0, 1, 0)
    assert score.sections["security"].days_with_fitting == 0 and score.wrong == [("trade", "Sports", "The cup was won.")]


def test_briefing_portal_days_finds_the_fitting_reports_and_cites_truly(tmp_path: Path) -> None:
    rows = [("2016-05-02", "Business and economy", "Japan and Australia sign a free trade agreement that cuts tariffs on beef, grain and steel."),
            ("2016-05-02", "Armed conflicts and attacks", "A suicide bomber kills twelve soldiers at an army checkpoint in the north of the country."),
            ("2016-05-02", "Sports", "The home side wins the cup final after a late goal in extra time."),
            ("2016-05-02", "Arts and culture", "The film festival opens with a new drama about a family farm.")]
    items = read_portal(_portal(tmp_path, rows))
    score = brief_days(items, [dt.date(2016, 5, 2)], 1, load_options())
    total = score.total()
    assert not score.faults and total.bullets == total.right == 2
    assert score.sections["trade"].days_found == score.sections["security"].days_found == 1


def test_a_term_matches_its_inflections_not_other_words_of_its_stem() -> None:
    from briefgen.score import compile_topic, relevance

    observer = compile_topic(TOPICS[0].__class__("un", "UN", ("observer",)))
    texts = ["Observation of a knife is definitely a safety concern.", "The observers arrived in Kabul on Monday."]
    assert (relevance(term_matrix(texts), [observer])[:, 0] > 0).tolist() == [False, True]


def test_sections_draw_only_on_news_the_model_finds_on_topic() -> None:
    from dataclasses import replace

    from briefgen.about import topic_scores
    from briefgen.relevance import section_relevance
    from briefgen.score import compile_topic, relevance

    texts = ["The striker scored twice as the home side won the cup final on Saturday.",
             "The two countries agreed to cut tariffs on steel and to open a new rail corridor for transit trade.",
             "Gunmen attacked a police checkpoint near the border, killing four officers."]
    weather = TOPICS[0].__class__("weather", "Weather", ("storm", "cup"))
    topics = [*TOPICS, weather]
    matrix = term_matrix(texts)
    terms = relevance(matrix, [compile_topic(t) for t in topics])
    found = section_relevance(terms, matrix, topics, 0.6)
    names = [t.name for t in topics]
    assert not found[0, :3].any()  # sport is no section's news, whatever its words
    assert found[1, names.index("trade")] >= 0.6 and found[2, names.index("security")] >= 0.6
    assert found[0, 3] == terms[0, 3] > 0  # a topic the model does not know keeps its terms
    ranking = load_options().ranking
    off = topic_scores(matrix, [compile_topic(t) for t in topics], replace(ranking, relevance_model=False))
    assert np.array_equal(off, terms)


def test_a_topic_summary_picks_sentences_on_the_topic_not_the_lead() -> None:
    from briefgen.summarize import briefgen_summarizer

    sentences = ["Uzbek Railways will extend its line from Mazar-i-Sharif to Herat under a $1.2 billion contract.",
                 "Traders at the Hairatan dry port said tariffs on Afghan fruit had already fallen.",
                 "The line is due to open in 2028, the company said.",
                 "Tashkent will upgrade its diplomatic mission in Kabul to a full embassy and accept an ambassador.",
                 "The foreign minister said Uzbekistan was not yet ready to recognise the Taliban government formally."]
    recognition = next(t for t in TOPICS if t.name == "recognition")
    summarize = briefgen_summarizer(load_options().ranking, recognition)
    assert summarize(sentences, 3) == [3, 4]  # the two on the topic, however far from the lead
    sport = ["The striker scored twice as the home side won the cup final on Saturday."]
    assert summarize(sport, 3) == []


def test_a_broken_model_file_is_a_clear_error_that_names_the_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import relevance
    from briefgen.errors import LearnError

    monkeypatch.setattr(relevance, "MODEL_RESOURCE", "no-such-model.npz")
    relevance.default_model.cache_clear()
    try:
        with pytest.raises(LearnError, match="relevance model") as caught:
            relevance.default_model()
        assert "relevance_model = false" in caught.value.hint
    finally:
        relevance.default_model.cache_clear()


def test_the_floor_curve_briefs_the_validation_year_with_a_model_of_the_years_before(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from briefgen.evaluation.briefing import floor_curve
    from briefgen.relevance import default_model

    made_up = {
        "Business and economy": "The ministry said exports of cotton and fruit rose as tariffs on freight fell in {}.",
        "Armed conflicts and attacks": "Militants attacked an army checkpoint and a suicide bomber killed soldiers in {}.",
        "International relations": "The foreign minister met the envoy for talks on restoring diplomatic relations in {}.",
        "Sports": "The home side won the cup final after a late goal in extra time in {}.",
    }
    towns = ["Termez", "Herat", "Kunduz", "Mazar", "Kabul", "Osh", "Khujand", "Balkh"]
    rows = [(f"{year}-0{month}-0{day}", category, text.format(town))
            for year in (2013, 2014) for month, town in enumerate(towns[:4], 1) for day in (1, 2)
            for category, text in made_up.items()]
    rows += [(f"2015-01-{day:02d}", category, text.format(town)) for day, town in ((2, "Osh"), (5, "Khujand"))
             for category, text in made_up.items()]
    shipped = default_model()
    c, curve = floor_curve(_portal(tmp_path, rows), load_options(), floors=(0.3, 0.9), every=3)
    assert default_model() is shipped and c == shipped.info["C"]
    (low, at_low), (high, at_high) = curve
    assert (low, high) == (0.3, 0.9) and at_low.days_with_fitting == 6  # two days, three sections each
    assert at_high.bullets <= at_low.bullets and at_low.right >= 1


def test_the_model_features_found_with_arrays_are_those_looked_up_one_by_one() -> None:
    """:func:`matrix_tfidf` (the stems as the matrix's columns) gives the same matrix, to the
    byte, as :func:`tfidf` (each stem and pair of stems looked up), on generated texts: stems
    the model knows and does not, pairs it knows, the same pair twice in a text, a pair across
    two texts (not a feature), empty texts."""
    rng = np.random.default_rng(7)
    alphabet = [f"s{k}" for k in range(30)]
    features = [*alphabet[:20], *(f"{a} {b}" for a, b in rng.choice(alphabet, size=(120, 2)))]
    vocabulary = {f: k for k, f in enumerate(dict.fromkeys(features))}
    idf = rng.uniform(1.0, 4.0, len(vocabulary))
    texts = [list(rng.choice(alphabet, size=int(rng.integers(0, 12)))) for _ in range(300)] + [[], ["s1", "s2", "s1", "s2"]]
    matrix = matrix_of(texts, *vocabulary_of([stem_frequencies(texts)]))
    assert matrix.tokens is not None
    fast, plain = matrix_tfidf(matrix, vocabulary, idf, pair_columns(vocabulary)), tfidf(texts, vocabulary, idf)
    assert fast.shape == plain.shape and fast.nnz > 0
    assert fast.indptr.tolist() == plain.indptr.tolist() and fast.indices.tolist() == plain.indices.tolist()
    assert fast.data.tobytes() == plain.data.tobytes()
    assert (matrix_tfidf(replace(matrix, tokens=None), vocabulary, idf, pair_columns(vocabulary)) != plain).nnz == 0


def test_a_window_is_scored_alike_by_the_model_with_and_without_the_columns_kept() -> None:
    texts = ["Tariffs on steel imports will double next month, the trade ministry said.",
             "Border guards seized two tonnes of opium near Termez.", "The two governments signed a rail agreement."]
    matrix = term_matrix(texts)
    model = default_model()
    topics = load_options().topics
    np.testing.assert_array_equal(model.probabilities(matrix, topics), model.probabilities(replace(matrix, tokens=None), topics))


def test_the_model_features_are_found_alike_when_the_window_has_more_columns_than_int32_pairs_can_number() -> None:
    """The window's stems are kept as int32 columns; a pair of columns of a window of over 46,341
    stems numbers past int32 (column × size + column): the pairs the model knows are still found,
    the same matrix to the byte as :func:`tfidf`."""
    rng = np.random.default_rng(11)
    filler = [f"w{k}" for k in range(60_000)]  # makes the window's vocabulary wider than int32 pair keys reach
    late = [f"z{k}" for k in range(10)]  # stems whose columns come after the filler's
    features = [*late, *(f"{a} {b}" for a, b in rng.choice(late, size=(40, 2)))]
    vocabulary = {f: k for k, f in enumerate(dict.fromkeys(features))}
    idf = rng.uniform(1.0, 4.0, len(vocabulary))
    texts = [filler, *(list(rng.choice(late, size=int(rng.integers(2, 10)))) for _ in range(50))]
    matrix = matrix_of(texts, *vocabulary_of([stem_frequencies(texts)]))
    assert matrix.tokens is not None and matrix.tokens.dtype == np.int32 and len(matrix.vocabulary) ** 2 > 2**31
    fast, plain = matrix_tfidf(matrix, vocabulary, idf, pair_columns(vocabulary)), tfidf(texts, vocabulary, idf)
    assert fast.indptr.tolist() == plain.indptr.tolist() and fast.indices.tolist() == plain.indices.tolist()
    assert fast.data.tobytes() == plain.data.tobytes() and fast.nnz > 50


def test_the_pairs_of_a_vocabulary_are_its_terms_of_two_stems_each_split_at_the_space() -> None:
    vocabulary = {"tariff": 0, "steel tariff": 1, "port": 2, "steel port": 3, "port steel": 4, "a b c": 5}
    pairs = pair_columns(vocabulary)
    assert [(pairs.stems[a], pairs.stems[b]) for a, b in zip(pairs.first, pairs.second, strict=True)] == [
        ("steel", "tariff"), ("steel", "port"), ("port", "steel"), ("a", "b c")]
    assert pairs.column.tolist() == [1, 3, 4, 5] and len(pairs.stems) == len(set(pairs.stems))
    assert pair_columns({"tariff": 0}).column.tolist() == []
