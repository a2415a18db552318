"""Tests for briefgen.text.sbd, the sentence boundary detector (texts written for these tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefgen.text.sbd import evaluate_golden, sentence_spans, split_sentences
from tests.steps import growth, python_steps

GOLDEN = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "eval"
    / "sbd-golden-rules"
    / "golden_rules_en.jsonl"
)


def check_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text``, after asserting the interface's invariants on them."""
    spans = sentence_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        previous_end = end
    assert split_sentences(text) == [text[s:e] for s, e in spans]
    return spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain terminal punctuation
        (
            "Markets opened higher. Did the rally last? It did not!",
            ["Markets opened higher.", "Did the rally last?", "It did not!"],
        ),
        # country abbreviations in the middle of a sentence and at its end
        (
            "The U.S. and U.N. envoys arrived in Geneva on Tuesday. They met the E.U. delegation.",
            [
                "The U.S. and U.N. envoys arrived in Geneva on Tuesday.",
                "They met the E.U. delegation.",
            ],
        ),
        (
            "Exports to the U.K. rose sharply. The U.S. Treasury said nothing.",
            ["Exports to the U.K. rose sharply.", "The U.S. Treasury said nothing."],
        ),
        (
            "Most of the funding came from the U.S. It arrived late.",
            ["Most of the funding came from the U.S.", "It arrived late."],
        ),
        # titles and place names
        (
            "Dr. Okafor flew to St. Petersburg with Gen. Ahmadi and Sen. Marsh. Prof. Lind stayed.",
            [
                "Dr. Okafor flew to St. Petersburg with Gen. Ahmadi and Sen. Marsh.",
                "Prof. Lind stayed.",
            ],
        ),
        (
            "The embassy is on Harbour St. The consulate is closed.",
            ["The embassy is on Harbour St.", "The consulate is closed."],
        ),
        # dates and numbered references
        (
            "The vote is set for Nov. 24 and the count for Jan. 5. Results follow.",
            ["The vote is set for Nov. 24 and the count for Jan. 5.", "Results follow."],
        ),
        (
            "Resolution No. 3 was adopted, see p. 12 of the report. Nobody objected.",
            ["Resolution No. 3 was adopted, see p. 12 of the report.", "Nobody objected."],
        ),
        # never sentence-final
        (
            "Several ports, e.g. Mombasa and Durban, were shut, i.e. Trade stalled for days.",
            ["Several ports, e.g. Mombasa and Durban, were shut, i.e. Trade stalled for days."],
        ),
        (
            "The clinic treats approx. 400 patients a day. Queues are long.",
            ["The clinic treats approx. 400 patients a day.", "Queues are long."],
        ),
        # clock times
        (
            "The ceasefire began at 9 a.m. The shelling stopped an hour later.",
            ["The ceasefire began at 9 a.m.", "The shelling stopped an hour later."],
        ),
        (
            "The polls close at 8 p.m. Thursday in most districts.",
            ["The polls close at 8 p.m. Thursday in most districts."],
        ),
        (
            "By 6 a.m. Ms. Ortega had left the hotel. She reached the border at 4 P.M. Guards waved her through.",
            [
                "By 6 a.m. Ms. Ortega had left the hotel.",
                "She reached the border at 4 P.M.",
                "Guards waved her through.",
            ],
        ),
        # money, percentages, decimals
        (
            "The deal is worth $1.2 billion, or 3.5 per cent of output. Inflation hit 15.7%. It was 2.25 a year ago.",
            [
                "The deal is worth $1.2 billion, or 3.5 per cent of output.",
                "Inflation hit 15.7%.",
                "It was 2.25 a year ago.",
            ],
        ),
        (
            "The fund held $250.00. 14 banks contributed.",
            ["The fund held $250.00.", "14 banks contributed."],
        ),
        # initials
        (
            "The report was written by Maria T. Delgado and Kwame A. Mensah.",
            ["The report was written by Maria T. Delgado and Kwame A. Mensah."],
        ),
        # companies
        (
            "Shares of Norland Holdings Inc. fell. The board met Harlow & Co. on Friday.",
            ["Shares of Norland Holdings Inc. fell.", "The board met Harlow & Co. on Friday."],
        ),
        (
            "The contract went to Harlow & Co. It starts in May.",
            ["The contract went to Harlow & Co.", "It starts in May."],
        ),
        # quotations
        (
            '"Will it work?" she asked. Nobody knew.',
            ['"Will it work?" she asked.', "Nobody knew."],
        ),
        (
            'He said "we agree." Then he left the room.',
            ['He said "we agree."', "Then he left the room."],
        ),
        (
            '"Is the bridge safe?" Minister Duarte asked. Engineers said yes.',
            ['"Is the bridge safe?" Minister Duarte asked.', "Engineers said yes."],
        ),
        (
            'The mayor left. "We will rebuild," she said later.',
            ["The mayor left.", '"We will rebuild," she said later.'],
        ),
        # datelines
        (
            "KABUL, Nov. 24 (Khyber Wire) — The Taliban said talks would resume. A spokesman confirmed it.",
            [
                "KABUL, Nov. 24 (Khyber Wire) — The Taliban said talks would resume.",
                "A spokesman confirmed it.",
            ],
        ),
        # parentheses
        (
            "The minister (She had resigned once before.) returned to office. Aides were relieved.",
            [
                "The minister (She had resigned once before.) returned to office.",
                "Aides were relieved.",
            ],
        ),
        # ellipses
        (
            "The answer was... Nobody could say. He paused … then went on.",
            ["The answer was...", "Nobody could say.", "He paused … then went on."],
        ),
        (
            "The statement said that the army . . . would withdraw. Troops stayed.",
            ["The statement said that the army . . . would withdraw.", "Troops stayed."],
        ),
        # e-mail and web addresses
        (
            "Tips go to desk@newsroom.example.org. Calls are logged at www.example.org/tips. Thanks.",
            [
                "Tips go to desk@newsroom.example.org.",
                "Calls are logged at www.example.org/tips.",
                "Thanks.",
            ],
        ),
        # possessive after an abbreviation
        (
            "The U.N.'s envoy arrived on Monday.",
            ["The U.N.'s envoy arrived on Monday."],
        ),
    ],
)
def test_news_sentences(text: str, expected: list[str]) -> None:
    check_spans(text)
    assert split_sentences(text) == expected


def test_blank_line_is_always_a_boundary() -> None:
    text = "Flood warning issued\n\nRivers rose overnight\n   \n\nResidents were moved to schools."
    assert split_sentences(text) == [
        "Flood warning issued",
        "Rivers rose overnight",
        "Residents were moved to schools.",
    ]


def test_single_newline_is_not_a_boundary() -> None:
    text = "Rivers rose overnight and\nresidents were moved. Schools\nopened their doors."
    assert split_sentences(text) == [
        "Rivers rose overnight and\nresidents were moved.",
        "Schools\nopened their doors.",
    ]


def test_windows_newlines_and_tabs() -> None:
    text = "\tFirst point made.\r\n\r\nSecond point made. Third\tpoint.\r\n"
    spans = check_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "First point made.",
        "Second point made.",
        "Third\tpoint.",
    ]


def test_spans_are_offsets_into_the_original_text() -> None:
    text = '  Leaders met in Oslo.   They signed a pact.\n\n\n  "Good," said Dr. Berg.  '
    spans = check_spans(text)
    assert spans[0] == (2, 22)
    assert [text[s:e] for s, e in spans] == [
        "Leaders met in Oslo.",
        "They signed a pact.",
        '"Good," said Dr. Berg.',
    ]


def test_numbered_list_lines() -> None:
    text = "The plan has three parts:\n1. Cut fuel duty.\n2. Raise pensions\n3. Freeze rents"
    assert split_sentences(text) == [
        "The plan has three parts:",
        "1. Cut fuel duty.",
        "2. Raise pensions",
        "3. Freeze rents",
    ]


def test_inline_numbered_and_lettered_lists() -> None:
    assert split_sentences("1) Cut taxes 2) Raise pensions") == [
        "1) Cut taxes",
        "2) Raise pensions",
    ]
    assert split_sentences("a. Ports b. Roads c. Rail links") == [
        "a. Ports",
        "b. Roads",
        "c. Rail links",
    ]


def test_bullets() -> None:
    assert split_sentences("• Ports reopened • Roads cleared") == [
        "• Ports reopened",
        "• Roads cleared",
    ]
    text = "Key points\n- Ports reopened\n- Roads cleared"
    assert split_sentences(text) == ["Key points", "- Ports reopened", "- Roads cleared"]


def test_numbers_in_prose_are_not_list_items() -> None:
    text = "Talks opened on Dec. 1. They resumed on Dec. 2. Then they collapsed."
    assert split_sentences(text) == [
        "Talks opened on Dec. 1.",
        "They resumed on Dec. 2.",
        "Then they collapsed.",
    ]


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", " \t\r\n  \n"])
def test_empty_or_whitespace_input(text: str) -> None:
    assert sentence_spans(text) == []
    assert split_sentences(text) == []


def test_long_text_without_punctuation_is_one_sentence() -> None:
    words = ["budget", "talks", "continue", "between", "ministers", "and", "unions"]
    text = " ".join(words[i % len(words)] for i in range(5000))
    assert sentence_spans(text) == [(0, len(text))]


NEWS_PARAGRAPH = (
    "Gen. Ahmadi told reporters in St. Petersburg on Nov. 24 that the U.S. plan would cost "
    '$1.2 billion. "It will not work," he said at 9 a.m. The U.N. disagreed... Officials '
    "from Harlow & Co. said growth was 3.5 per cent.\n\n"
)


def test_a_megabyte_is_split_whole() -> None:
    text = NEWS_PARAGRAPH * (1_000_000 // len(NEWS_PARAGRAPH))
    assert len(sentence_spans(text)) == 4 * (1_000_000 // len(NEWS_PARAGRAPH))


@pytest.mark.parametrize("unit", [NEWS_PARAGRAPH, NEWS_PARAGRAPH.replace("\n\n", " "), "budget talks continue "],
                         ids=["paragraphs", "one-paragraph", "no-punctuation"])
def test_splitting_work_grows_in_step_with_the_text(unit: str) -> None:
    # Four times the text runs about four times as many steps of the splitter, not sixteen.
    assert growth(lambda n: python_steps(sentence_spans, unit * n), 100) < 4.5


def test_evaluate_golden_reports_failures(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    cases = [
        {"text": "Rain fell. Roads flooded.", "expected": ["Rain fell.", "Roads flooded."]},
        {"text": "Rain fell. Roads flooded.", "expected": ["Rain fell. Roads flooded."]},
    ]
    path.write_text("\n".join(json.dumps(case) for case in cases) + "\n", encoding="utf-8")
    correct, total, failures = evaluate_golden(path)
    assert (correct, total) == (1, 2)
    assert failures == [
        {
            "text": "Rain fell. Roads flooded.",
            "expected": ["Rain fell. Roads flooded."],
            "got": ["Rain fell.", "Roads flooded."],
            "comment": "",
        }
    ]


def test_golden_rules() -> None:
    if not GOLDEN.exists():
        pytest.skip(f"golden rules file not found: {GOLDEN}")
    correct, total, failures = evaluate_golden(GOLDEN)
    assert total == 48
    assert correct >= 46, failures
