"""The ranker's lead: a short summary takes the article's opening sentences that can open a
story, a long one the central sentences; and the data sets that measure it."""

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.config import load_options
from briefgen.errors import InputError
from briefgen.evaluation.summaries import LEAD_GRID, fit_lead_share, read_summary_dataset
from briefgen.rank import blend, lead_prior, lead_share, opens_story
from briefgen.summarize import briefgen_summarizer

# A made-up report written as an inverted pyramid: the first sentences tell the story, the rest
# add detail that keeps coming back to the same few words (the customs talks, the fees, the port).
REPORT = [
    "Officials from Uzbekistan and Afghanistan agreed on Monday to cut transit fees at the Termez river port by a third.",
    '"This is a good day for every trader on the river," the Uzbek deputy minister told reporters after the signing.',
    "He said the lower fees would apply from January.",
    "The agreement also sets up a joint customs office at Hairatan, on the Afghan bank of the Amu Darya.",
    "Customs officers at the port said the customs talks had dragged on for months over the customs fees.",
    "Traders at the port said the fees at the port had doubled the cost of customs at the port since spring.",
    "A customs broker at the port said the customs office at the port would cut the fees and the customs queue.",
    "Drivers at the port said the queue at the port customs office had grown since the fees went up.",
    "The river port handles most of the fuel and flour that reaches northern Afghanistan.",
    "Talks on a second bridge will resume next year.",
]


def test_a_short_summary_takes_the_lead_that_can_open_a_story() -> None:
    summarize = briefgen_summarizer(load_options().ranking)
    chosen = [REPORT[i] for i in summarize(REPORT, 2)]
    assert chosen == [REPORT[0], REPORT[3]]  # the quotation and "He said…" are passed over


def test_a_long_summary_takes_the_sentences_that_carry_the_most_of_the_text() -> None:
    summarize = briefgen_summarizer(load_options().ranking)
    chosen = summarize(REPORT, 5)
    assert {4, 5, 6, 7} <= set(chosen)  # the customs-and-fees sentences, wherever they stand
    assert 3 not in chosen  # not the lead's second opener (the lead alone would take it)


def test_lead_share_is_all_lead_for_short_summaries_and_none_for_long_ones() -> None:
    assert lead_share(3, 30, 0.25, 0.4) == 1.0
    assert lead_share(12, 30, 0.25, 0.4) == 0.0
    assert lead_share(10, 30, 0.25, 0.4) == pytest.approx((0.4 - 1 / 3) / 0.15)
    assert lead_share(3, 10, 0.3, 0.3) == 1.0 and lead_share(4, 10, 0.3, 0.3) == 0.0
    assert lead_share(3, 0, 0.25, 0.4) == 0.0


def test_lead_prior_counts_openers_within_each_article() -> None:
    texts = ["Officials in Kabul signed the rail accord on Monday morning.", "He said work starts soon enough.",
             "The line will run for seven hundred kilometres to the border.",
             "Police in Herat seized two tonnes of drugs at a checkpoint.", "They arrested three men."]
    prior = lead_prior(texts, np.array([0, 0, 0, 1, 1]), min_words=4)
    assert prior[0] == 1.0 and prior[2] == 0.5 and prior[3] == 1.0  # a new article starts over
    assert prior[1] < prior[2] and prior[4] < prior[2]  # a sentence leaning back ranks below any opener
    assert not opens_story('"We are ready," the minister said on Monday.', 4)
    assert not opens_story("Talks resume.", 4)


def test_blend_moves_from_centrality_to_the_lead() -> None:
    centrality, lead = np.array([0.2, 0.8, 0.4]), np.array([1.0, 0.5, 0.25])
    assert np.array_equal(blend(centrality, lead, 0.0), centrality)
    assert np.argmax(blend(centrality, lead, 1.0)) == 0
    assert np.argmax(blend(centrality, lead, 0.3)) == 1


@pytest.fixture
def pairs(tmp_path: Path) -> Path:
    rows = [{"id": str(n), "article": " ".join(REPORT[n % 3:]), "reference": REPORT[n % 3] + " ."} for n in range(6)]
    folder = tmp_path / "news-pairs"
    folder.mkdir()
    (folder / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def test_a_pairs_file_is_read_as_three_sentence_cases(pairs: Path) -> None:
    cases = read_summary_dataset(pairs)
    assert len(cases) == 6 and {c.count for c in cases} == {3} and cases[0].category == "news-pairs"
    assert cases[1].sentences[0] == REPORT[1]
    assert len(read_summary_dataset(pairs, limit=2)) == 2


def test_a_broken_pairs_line_names_the_line(pairs: Path) -> None:
    with (pairs / "pairs.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"id": "x", "article": "No reference here."}\n')
    with pytest.raises(InputError, match=r"pairs.jsonl line 7 is not an article/reference pair"):
        read_summary_dataset(pairs)


@pytest.mark.e2e
def test_eval_rouge_scores_every_system_on_a_pairs_file(pairs: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "rouge", str(pairs), "--algorithms", "default,lead,luhn"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "6 documents, F1 x 100 (rouge-score, stemming on)"
    assert lines[1] == "| system | ROUGE-1 | ROUGE-2 | ROUGE-L |"  # one category: no column per category
    assert [line.split(" | ")[0] for line in lines[3:]] == ["| default", "| lead", "| luhn"]


def test_fit_lead_share_reports_held_out_scores_per_data_set(pairs: Path) -> None:
    cases = read_summary_dataset(pairs)
    fit = fit_lead_share({"news": cases, "more news": cases[:4]}, load_options(), folds=2, grid=(0.1, 0.3))
    assert (fit.lead_until, fit.central_from) in {(0.1, 0.1), (0.1, 0.3), (0.3, 0.3)}
    assert set(fit.held_out) == {"news", "more news"} and len(fit.chosen) == 2
    assert all(0.0 <= r2 <= r1 <= 100.0 for r1, r2 in fit.held_out.values())
    assert LEAD_GRID[0] == 0.05 and LEAD_GRID[-1] == 0.5
