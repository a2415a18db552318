from briefgen.split import is_label, split_article
from tests.conftest import make_article


def test_sentences_are_verbatim_substrings_at_their_offsets() -> None:
    text = "KABUL, Nov. 24 (Test Wire) — Officials met in Kabul. They agreed on a plan.\n\nA second paragraph follows here."
    article = make_article(text)
    for sentence in split_article(article):
        assert article.text[sentence.start:sentence.start + len(sentence.text)] == sentence.text


def test_inline_dateline_is_cut_from_the_first_sentence() -> None:
    article = make_article("KABUL, Nov. 24 (Test Wire) — Officials from both countries met in Kabul on Monday.")
    assert [s.text for s in split_article(article)] == ["Officials from both countries met in Kabul on Monday."]


def test_standalone_dateline_byline_and_subheading_are_headings() -> None:
    text = ("TASHKENT, 25 November 2026\n\nBy Farida Noori, Staff Correspondent\n\n"
            "The railway plan moved ahead on Tuesday.\n\nTransit fees under review\n\nFees will fall next year.")
    sentences = split_article(make_article(text))
    assert [(s.text, s.is_heading) for s in sentences] == [
        ("TASHKENT, 25 November 2026", True),
        ("By Farida Noori, Staff Correspondent", True),
        ("The railway plan moved ahead on Tuesday.", False),
        ("Transit fees under review", True),
        ("Fees will fall next year.", False),
    ]


def test_positions_count_body_sentences_only() -> None:
    text = "Sub-heading here\n\nFirst sentence of the body. Second sentence of the body."
    body = [s for s in split_article(make_article(text)) if not s.is_heading]
    assert [s.position for s in body] == [0, 1]


def test_a_short_sentence_with_end_punctuation_is_prose() -> None:
    assert not is_label("Talks resumed.")
    assert is_label("Talks resume in Doha")
