import numpy as np
import pytest

from briefgen.models import Topic
from briefgen.score import compile_topic, relevance, term_matrix

TOPIC = Topic(name="trade", title="Trade", terms=("tariff", "free trade", "railway"), related=("price",), exclude=("cricket",))


def rel(texts: list[str], topic: Topic = TOPIC) -> np.ndarray:
    return relevance(term_matrix(texts), [compile_topic(topic)])[:, 0]


def test_terms_match_on_stems() -> None:
    scores = rel(["New tariffs were announced.", "Nothing relevant here at all."])
    assert scores[0] > 0 and scores[1] == 0


def test_phrase_matches_only_when_its_words_stand_together() -> None:
    scores = rel(["They signed a free trade pact.", "Trade was not free of trouble."])
    assert scores[0] > 0 and scores[1] == 0


def test_related_terms_alone_do_not_make_a_sentence_relevant() -> None:
    scores = rel(["Prices rose in the market.", "Prices rose after the tariff."])
    assert scores[0] == 0 and scores[1] > rel(["Nothing.", "Rose after the tariff."])[1] * 0.99


def test_excluded_term_removes_the_sentence() -> None:
    assert rel(["The cricket board's railway trip was delayed."])[0] == 0


def test_rare_terms_weigh_more_than_common_ones() -> None:
    texts = ["The railway tariff changed."] + ["The tariff was discussed."] * 5 + ["A railway opened."]
    scores = rel(texts)
    only_railway = scores[6]
    only_tariff = scores[1]
    assert only_railway > only_tariff


def test_a_term_matrix_keeps_each_texts_stems_as_its_columns_in_order() -> None:
    matrix = term_matrix(["Cotton tariffs fell, and cotton exports rose.", "", "Tariffs on cotton."])
    assert matrix.tokens is not None
    assert matrix.tokens.tolist() == [matrix.vocabulary[s] for one in matrix.stems for s in one]
    assert matrix.counts[0, matrix.vocabulary["cotton"]] == 2


def test_a_terms_rows_are_found_once_a_matrix_and_are_the_same_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sections' term rule and the relevance model ask for the same terms of a window: each
    is looked for once; a second matrix looks for itself."""
    import briefgen.score as score

    found: list[tuple[str, ...]] = []
    plain = score._term_rows
    monkeypatch.setattr(score, "_term_rows", lambda matrix, term: found.append(term.stems) or plain(matrix, term))
    topic = compile_topic(Topic("trade", "Trade", ("tariffs", "cotton exports")))
    matrix = term_matrix(["Cotton tariffs fell, and cotton exports rose.", "", "Tariffs on cotton."])
    first = [score.term_rows(matrix, term).tolist() for term in topic.terms]
    again = [score.term_rows(matrix, term).tolist() for term in topic.terms]
    assert first == again == [[0, 2], [0]] and len(found) == 2
    assert [score.term_rows(term_matrix(["Cotton exports rose."]), term).tolist() for term in topic.terms] == [[], [0]]
    assert len(found) == 4
