"""The evaluation plumbing on tiny hand-made cases."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.errors import InputError
from briefgen.evaluation.summaries import (
    read_summary_dataset,
    rouge_json,
    rouge_scores,
    rouge_table,
)
from briefgen.summarize import lead_summarizer

ARTICLE = ("Harbour fees rise\n\nThe port raised its harbour fees by a tenth on Monday. Shipping firms said they would pass "
           "the cost on to buyers. Fishermen were exempt from the change.\n")
REFERENCE = "The port raised its harbour fees by a tenth on Monday.Shipping firms said they would pass the cost on to buyers."


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    for category in ("business", "sport"):
        (tmp_path / "articles" / category).mkdir(parents=True)
        (tmp_path / "summaries" / category).mkdir(parents=True)
        (tmp_path / "articles" / category / "001.txt").write_text(ARTICLE)
        (tmp_path / "summaries" / category / "001.txt").write_text(REFERENCE)
    (tmp_path / "articles" / "sport" / "002.txt").write_text(ARTICLE)  # no reference: left out
    return tmp_path


def test_reader_skips_the_title_and_counts_reference_sentences(dataset: Path) -> None:
    cases = read_summary_dataset(dataset)
    assert [(c.category, c.name, c.count) for c in cases] == [("business", "001", 2), ("sport", "001", 2)]
    assert cases[0].sentences[0] == "The port raised its harbour fees by a tenth on Monday."
    assert len(read_summary_dataset(dataset, limit=1)) == 2


def test_a_perfect_summary_scores_100_and_an_empty_one_0(dataset: Path) -> None:
    cases = read_summary_dataset(dataset)
    results = rouge_scores(cases, {"lead": lead_summarizer, "empty": lambda sentences, count: []})
    lead, empty = results
    for measure in ("rouge1", "rouge2", "rougeL"):
        assert lead.mean(measure) == pytest.approx(100.0)
        assert empty.mean(measure) == 0.0
    assert lead.mean("rouge2", "sport") == pytest.approx(100.0)
    data = rouge_json(results)
    assert data["documents"] == 2 and data["systems"]["empty"]["overall"]["rouge1"] == 0.0
    assert rouge_table(results).splitlines()[2].startswith("| lead | 100.0 | 100.0 | 100.0 |")


def test_not_a_dataset_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a summary data set"):
        read_summary_dataset(tmp_path)


@pytest.mark.e2e
def test_eval_rouge_command_prints_a_row_per_system_and_writes_json(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "rouge.json"
    result = CliRunner().invoke(cli, ["eval", "rouge", str(dataset), "--algorithms", "default,lead,textrank", "--json", str(out)])
    assert result.exit_code == 0, result.output
    rows = [line.split("|")[1].strip() for line in result.stdout.splitlines() if line.startswith("| ") and "system" not in line]
    assert rows == ["default", "lead", "textrank"]
    assert set(json.loads(out.read_text())["systems"]) == {"default", "lead", "textrank"}


@pytest.mark.e2e
def test_eval_rouge_unknown_algorithm(dataset: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "rouge", str(dataset), "--algorithms", "default,gpt"])
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: unknown algorithm 'gpt'\nHint: choose from default, lead, lexrank")


@pytest.mark.e2e
def test_eval_sbd_command(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"text": "It rained. We stayed in.", "expected": ["It rained.", "We stayed in."]}) + "\n"
                     + json.dumps({"text": "Dr. Lee left.", "expected": ["Dr.", "Lee left."], "comment": "wrong on purpose"}) + "\n")
    result = CliRunner().invoke(cli, ["eval", "sbd", str(cases), "--show-failures"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "1/2 cases split exactly as expected (50.0%)"
    assert "- wrong on purpose" in result.stdout


@pytest.mark.e2e
def test_sentences_command_prints_one_sentence_per_line(tmp_path: Path) -> None:
    path = tmp_path / "2026-11-24-x.txt"
    path.write_text("Title line\n\nBy Ann Lee\n\nThe U.S. envoy met Dr. Karimi in St. Petersburg. Talks went well.\n")
    result = CliRunner().invoke(cli, ["sentences", str(path)])
    assert result.stdout == "The U.S. envoy met Dr. Karimi in St. Petersburg.\nTalks went well.\n"
    result = CliRunner().invoke(cli, ["sentences", str(path), "--all"])
    assert result.stdout.startswith("# title: Title line\n# byline: By Ann Lee\n")
    result = CliRunner().invoke(cli, ["sentences", "--all", "-"], input=path.read_text())
    assert result.stdout.startswith("# title: Title line\n# byline: By Ann Lee\n")
    untitled = tmp_path / "2026-11-24-no-title.txt"  # its first line is a sentence: nothing was set aside
    untitled.write_text("The envoy met Dr. Karimi on Monday.\n\nTalks went well.\n")
    result = CliRunner().invoke(cli, ["sentences", str(untitled), "--all"])
    assert result.stdout == "The envoy met Dr. Karimi on Monday.\nTalks went well.\n"
