import numpy as np
import scipy.sparse as sp

from briefgen.rank import (
    biased_lexrank,
    position_prior,
    recency_prior,
    similarity_graph,
    standalone_prior,
)
from briefgen.score import term_matrix


def test_scores_are_a_distribution() -> None:
    graph = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    scores = biased_lexrank(graph, np.ones(3), damping=0.85)
    assert abs(scores.sum() - 1) < 1e-9
    assert scores[1] > scores[0]  # the hub is the most central


def test_bias_pulls_the_scores() -> None:
    graph = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=float))
    scores = biased_lexrank(graph, np.array([0.0, 0.0, 1.0]), damping=0.5)
    assert scores.argmax() == 2


def test_sentences_without_edges_follow_the_bias() -> None:
    scores = biased_lexrank(sp.csr_matrix((3, 3)), np.array([1.0, 2.0, 1.0]), damping=0.5)
    assert np.allclose(scores, [0.25, 0.5, 0.25])


def test_central_sentence_wins_with_a_flat_bias() -> None:
    texts = [
        "Railway talks between the ministers covered freight tariffs.",
        "The ministers discussed railway freight and transit tariffs at length.",
        "Freight tariffs on the railway will fall, the ministers said.",
        "A museum reopened its doors to visitors.",
    ]
    matrix = term_matrix(texts)
    scores = biased_lexrank(similarity_graph(matrix.counts, 0.1), np.ones(4), damping=0.85)
    assert scores.argmin() == 3


def test_position_prior_favours_the_lead() -> None:
    prior = position_prior(np.arange(5), weight=0.5)
    assert prior[0] == 1.0 and all(np.diff(prior) < 0) and prior[-1] > 0.5
    assert np.all(position_prior(np.arange(5), weight=0.0) == 1.0)


def test_sentences_that_point_back_are_penalised() -> None:
    prior = standalone_prior(["He said the cell planned attacks.", "Police said the cell planned attacks.",
                              "Theirs was a plan.", "But talks failed."])
    assert prior.tolist() == [0.5, 1.0, 1.0, 0.5]


def test_recency_prior_favours_the_newest_day() -> None:
    prior = recency_prior(np.array([0, 1, 6]), rate=0.1)
    assert prior[0] == 1.0 and prior[0] > prior[1] > prior[2]
    assert np.all(recency_prior(np.array([0, 3]), rate=0.0) == 1.0)
