from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.load import normalize_body
from briefgen.text.sbd import split_sentences
from briefgen.text.split import is_label, line_kind, split_article
from tests.conftest import make_article


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in split_article(make_article(normalize_body(text)))]


def test_sentences_are_verbatim_substrings_at_their_offsets() -> None:
    text = "KABUL, Nov. 24 (Test Wire) — Officials met in Kabul. They agreed on a plan.\n\nA second paragraph follows here."
    article = make_article(text)
    for sentence in split_article(article):
        assert article.text[sentence.start:sentence.start + len(sentence.text)] == sentence.text


def test_inline_dateline_is_cut_from_the_first_sentence() -> None:
    article = make_article("KABUL, Nov. 24 (Test Wire) — Officials from both countries met in Kabul on Monday.")
    assert [(s.kind, s.text) for s in split_article(article)] == [
        ("dateline", "KABUL, Nov. 24 (Test Wire)"),
        ("body", "Officials from both countries met in Kabul on Monday."),
    ]


@pytest.mark.parametrize(("opening", "dateline"), [
    ("KABUL, AFGHANISTAN – ", "KABUL, AFGHANISTAN"),
    ("MOSCOW (Test Wire) - ", "MOSCOW (Test Wire)"),
    ("NASHVILLE, Tenn., March 5 - ", "NASHVILLE, Tenn., March 5"),
    ("(CNN)", "(CNN)"),
    ("(CNN) -- ", "(CNN)"),
    ("London (CNN)", "London (CNN)"),
    ("Peshawar, Pakistan (CNN)", "Peshawar, Pakistan (CNN)"),
])
def test_datelines_in_their_common_shapes_are_cut(opening: str, dateline: str) -> None:
    assert kinds(opening + "Officials signed the rail pact on Friday.") == [
        ("dateline", dateline), ("body", "Officials signed the rail pact on Friday.")]


def test_only_the_first_prose_sentence_loses_a_dateline() -> None:
    text = "Officials signed the rail pact on Friday.\n\nNOTE - Figures are in dollars."
    assert [t for k, t in kinds(text) if k == "body"] == [
        "Officials signed the rail pact on Friday.", "NOTE - Figures are in dollars."]


def test_a_company_name_in_brackets_is_no_dateline() -> None:
    assert kinds("Apple (AAPL) shares rose on Friday.") == [("body", "Apple (AAPL) shares rose on Friday.")]


def test_standalone_dateline_byline_and_subheading_are_set_aside() -> None:
    text = ("TASHKENT, 25 November 2026\n\nBy Farida Noori, Staff Correspondent\n\n"
            "The railway plan moved ahead on Tuesday.\n\nTransit fees under review\n\nFees will fall next year.")
    assert kinds(text) == [
        ("dateline", "TASHKENT, 25 November 2026"),
        ("byline", "By Farida Noori, Staff Correspondent"),
        ("body", "The railway plan moved ahead on Tuesday."),
        ("heading", "Transit fees under review"),
        ("body", "Fees will fall next year."),
    ]


@pytest.mark.parametrize("line", [
    "Scroll down for video", "SCROLL DOWN FOR VIDEOS", "Image: Test Wire", "Photo: the new station in Termez",
    "Picture: Test Agency", "READ MORE: Why the railway matters", "Advertisement", "PUBLISHED:",
    "PUBLISHED: 07:53 EST, 23 June 2026 | UPDATED: 08:10 EST, 23 June 2026", "Share this article",
    "Click here to read the full report.", "Test Wire's Ann Lee contributed to this report.", "|",
])
def test_boilerplate_is_set_aside(line: str) -> None:
    assert line_kind(line) == "boilerplate"
    assert kinds(f"Officials signed the rail pact on Friday.\n\n{line}\n\nTrade rose.")[1] == ("boilerplate", line)


def test_boilerplate_inside_a_paragraph_is_set_aside() -> None:
    assert kinds("Officials signed the rail pact on Friday. Scroll down for video. Trade rose.") == [
        ("body", "Officials signed the rail pact on Friday."), ("boilerplate", "Scroll down for video."),
        ("body", "Trade rose.")]


@pytest.mark.parametrize("line", [
    "Crowds wave flags at the station in Mazar-i-Sharif as the first train arrives from Termez",
    "The minister (left) greets the envoy",
    "Engineers inspect the old bridge (Photo: Test Agency)",
    "Engineers inspect the old bridge near Hairatan on Friday (AP Photo/Ann Lee).",
])
def test_captions_are_set_aside(line: str) -> None:
    assert kinds(f"{line}\n\nTrade rose by a third.") == [("caption", line), ("body", "Trade rose by a third.")]


def test_an_unpunctuated_last_line_flattened_into_a_paragraph_is_set_aside() -> None:
    text = "Trade rose by a third. Crowds wave flags at the station as the first train arrives from Termez"
    assert kinds(text) == [("body", "Trade rose by a third."),
                           ("caption", "Crowds wave flags at the station as the first train arrives from Termez")]


def test_list_items_and_quotations_are_prose() -> None:
    assert line_kind("- Cut fuel duty") == "body"
    assert line_kind('He called it "a fair deal"') == "body"
    assert line_kind("The ministry listed three conditions:") == "body"


def test_positions_count_body_sentences_only() -> None:
    text = "Sub-heading here\n\nFirst sentence of the body. Second sentence of the body."
    body = [s for s in split_article(make_article(text)) if not s.is_heading]
    assert [s.position for s in body] == [0, 1]


def test_every_kind_but_body_is_a_heading() -> None:
    assert [(s.kind, s.is_heading) for s in split_article(make_article("By Ann Lee\n\nTalks resumed."))] == [
        ("byline", True), ("body", False)]


def test_a_short_sentence_with_end_punctuation_is_prose() -> None:
    assert not is_label("Talks resumed.")
    assert is_label("Talks resume in Doha")


@pytest.mark.e2e
def test_rail_pact_reproduction_of_issue_10(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_text("Rail pact signed\nKABUL, AFGHANISTAN – Officials signed the rail pact on Friday.\n"
                    "Financing details\nThe line will cost $4.8bn, the ministry said.\n")
    result = CliRunner().invoke(cli, ["sentences", "--all", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ("# title: Rail pact signed\n# dateline: KABUL, AFGHANISTAN\nOfficials signed the rail pact on Friday.\n"
                             "# heading: Financing details\nThe line will cost $4.8bn, the ministry said.\n")


def test_a_dash_led_list_item_on_the_same_line_opens_a_sentence() -> None:
    assert split_sentences('He said: "It must change." - Farida Noori: Rail Deal is on air at 9pm. '
                           "Trade - and transit - rose. In the U.S. - Canada talks ended.") == [
        'He said: "It must change."', "- Farida Noori: Rail Deal is on air at 9pm.",
        "Trade - and transit - rose.", "In the U.S. - Canada talks ended."]


@pytest.mark.e2e
def test_a_txt_whose_first_line_is_a_sentence_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Quarterly profits at the Termez rail operator jumped 76% to $1.1m in the three months to October.\n\n"
                    "The firm benefited from higher freight volumes.\n")
    result = CliRunner().invoke(cli, ["sentences", str(path)])
    assert result.stdout.splitlines() == [
        "Quarterly profits at the Termez rail operator jumped 76% to $1.1m in the three months to October.",
        "The firm benefited from higher freight volumes."]
