import numpy as np
import pytest
import scipy.sparse as sp

from briefgen.rank import (
    biased_lexrank,
    points_back,
    position_prior,
    recency_prior,
    similarity_graph,
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


def test_only_a_word_that_points_back_counts_not_one_that_begins_like_it() -> None:
    texts = ["He said the cell planned attacks.", "Police said the cell planned attacks.", "Theirs was a plan.", "But talks failed."]
    assert [points_back(t) for t in texts] == [True, False, False, True]


def test_recency_prior_favours_the_newest_day() -> None:
    prior = recency_prior(np.array([0, 1, 6]), rate=0.1)
    assert prior[0] == 1.0 and prior[0] > prior[1] > prior[2]
    assert np.all(recency_prior(np.array([0, 3]), rate=0.0) == 1.0)


@pytest.mark.parametrize("text", [
    "He claimed that the railway would open within five years.",
    "He praised the customs agreement as a turning point.",
    "The statement welcomed the agreement on the railway.",
    "But talks on the transit fees broke down on Friday.",
    "They said the crossing would reopen on Monday.",
    "Its closure has left 3,000 trucks waiting.",
    "The move angered officials in Islamabad.",
    "The deal lowers duties on cargo by a third.",
    "The decision was taken after months of talks.",
    "The two sides agreed to meet again in January.",
    "Both governments named a target of $5 billion a year.",
    "This is the first such visit since 2021.",
    "These figures do not include informal trade.",
    "The 29-year-old was arrested at the border.",
    "The authority would pave the way for new trade pacts.",
    "The explosion went off near minibuses bound for Takhar.",
    "However, the ministry gave no date for the signing.",
    "In a statement, he said the attack was planned abroad.",
    "Following her venture into uniforms last year, the designer has turned to hotels.",
    "It was the first visit by Russian legislators.",
    "There was no immediate claim of responsibility.",
    '"We will not sell raw stone any more," he said.',
    "We will not sell raw stone in trucks any more.",
    'A kitchen laboratory cannot," said a researcher in Kabul.',
    "Where are the traders supposed to go?",
    # a bare event noun, a phrase only an aside describes, an owner that names nothing
    "The signing took place as trucks queued at the border.",
    "The forum drew about 300 companies from both countries.",
    "The draft, seen by reporters, sets up a joint company.",
    "The deferral means the question returns next year.",
    "The drills end on Friday with a live-fire phase.",
    "The museum, which stands near the old palace, reopened on Thursday.",
    "The team's coach praised the young spinners.",
    # a title and a surname without a first name
    "Mr Brown said the tariffs would fall in January.",
    "Mr. Brown, the chancellor, said the budget was balanced.",
    "Dr. Amiri said the bowl had been rebuilt from 46 pieces.",
    "Gen. Rudakov told reporters the drills would end on Friday.",
    # a longer fronted phrase (with a place after a comma) or a clause naming nobody, then a pronoun
    "At KGB headquarters in Moscow, he was questioned for six hours.",
    "At KGB headquarters on Lubyanka Square, Moscow, he was questioned for six hours.",
    "If charged with preparing a terrorist act, they could face life in prison.",
    # a phrase whose object is a pronoun
    "In it, the ministry set out new rules for transit cargo.",
    "Among them were two truck drivers from Jalalabad.",
])
def test_sentences_that_open_by_pointing_back(text: str) -> None:
    assert points_back(text)


@pytest.mark.parametrize("text", [
    "Uzbekistan cut transit tariffs on Afghan fruit by a third.",
    "Police said the cell planned attacks in three cities.",
    "US officials said the talks would resume in Doha.",
    "IT workers in Almaty went on strike on Monday.",
    "So-called dry ports have opened on both sides of the border.",
    "This year's harvest was the largest since 2019.",
    "The Trans-Afghan railway will cost about $4.8 billion.",
    "The Torkham crossing reopened to pedestrians on Thursday.",
    "The move by Kazakhstan drew criticism from Western diplomats.",
    "The attack on the Torkham checkpoint killed two guards.",
    "After his election in 2020, President Ahmadi promised to reopen the border.",
    "The two-day summit opened in Tashkent on Monday.",
    "It is unclear whether the line will be finished by 2030.",
    "There are 2,000 trucks waiting on both sides of the border.",
    '"We will not sell raw stone any more," said Najibullah Safi, a ministry spokesman.',
    '"This railway is a contract written in steel," an Afghan delegate said.',
    'Officials called it a "historic" day for the region.',
    "Theirs was a plan to cut freight costs by half.",
    "The signing of the pact in Tashkent took place on Friday.",
    "The European Union said it would send observers to the talks.",
    "The consortium, Sino-Afghan Mining, won the lithium tender.",
    "The world's largest untapped copper deposit lies south-east of Kabul.",
    "The exchange rate of the afghani held steady in November.",
    "Gordon Brown said the tariffs would fall in January.",
    "Dr. Nasrin Habibi, a horticulture lecturer, judged the fruit.",
    "Lt. Gen. Viktor Rudakov leads the exercise staff at the range.",
    "At the Termez hub on the Uzbek border, traders buy flour and steel.",
    "When President Ahmadi arrived in Kabul on Tuesday, he promised new roads.",
    "When traders feel the cost of a closed crossing for long enough, they move north.",
    "Among the wounded were two truck drivers from Jalalabad.",
])
def test_sentences_that_stand_alone(text: str) -> None:
    assert not points_back(text)
