"""Layouts: the same article gives the same sentences whether its paragraphs are separated by
blank lines, by single newlines, hard-wrapped at a fixed width (Reuters style) or flattened onto
one line with a lone " . " where a line had no end punctuation (CNN/DailyMail style)."""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.evaluation.layouts import LAYOUTS as EVAL_LAYOUTS
from briefgen.evaluation.layouts import (
    WRAPPERS,
    LaidOutArticle,
    balanced_wrap,
    evaluate_layouts,
    greedy_wrap,
    read_bbc_articles,
)
from briefgen.evaluation.layouts import layouts as eval_layouts
from briefgen.load import decode, normalize_body, parse_file
from briefgen.text.layout import hard_wrapped, paragraphs
from briefgen.text.sbd import sentence_spans
from briefgen.text.split import dateline_end, split_article
from tests.conftest import make_article

EVAL = Path(__file__).parents[3] / "shared" / "eval"

#: A made-up article with every kind of line: title-less lead with a dateline, a sub-heading,
#: a photo caption without end punctuation, boilerplate, a list and a byline.
PARAGRAPHS = [
    "By Farida Noori",
    "KABUL, AFGHANISTAN – Officials from Uzbekistan and Afghanistan signed the rail pact on Friday after "
    "months of talks over the route, the financing and the customs rules at the border crossings.",
    "The line will run for 573 kilometres from Termez to Peshawar. It is due to open in 2030.",
    "Financing details",
    "The line will cost $4.8bn, the ministry said, with lenders from the Gulf and from Asia expected "
    "to carry most of the cost.",
    "Engineers inspect the old bridge over the Amu Darya near Hairatan on a cold morning last week",
    "Scroll down for video",
    "The ministry listed three conditions:",
    "- Fees will fall by a third for transit freight.",
    "- Customs checks will move to the border.",
    "Traders in Termez said exports of cotton and fruit could double within a year.",
]
BODY = [
    "Officials from Uzbekistan and Afghanistan signed the rail pact on Friday after months of talks "
    "over the route, the financing and the customs rules at the border crossings.",
    "The line will run for 573 kilometres from Termez to Peshawar.",
    "It is due to open in 2030.",
    "The line will cost $4.8bn, the ministry said, with lenders from the Gulf and from Asia expected "
    "to carry most of the cost.",
    "The ministry listed three conditions:",
    "- Fees will fall by a third for transit freight.",
    "- Customs checks will move to the border.",
    "Traders in Termez said exports of cotton and fruit could double within a year.",
]
_ENDS = re.compile(r"[.!?…\"'”’»)\]]\Z")


def blank_lines(paras: list[str]) -> str:
    return "\n\n".join(paras)


def one_per_line(paras: list[str]) -> str:
    return "\n".join(paras)


def hard_wrap(paras: list[str]) -> str:
    """Reuters style: wrapped at 70 columns, each paragraph's first line indented."""
    return "\n".join(textwrap.fill(p, 70, initial_indent="    ", break_long_words=False, break_on_hyphens=False)
                     for p in paras)


def one_line(paras: list[str]) -> str:
    """CNN/DailyMail style: lines joined by spaces, a lone period after a line without end
    punctuation."""
    return " ".join(p if _ENDS.search(p) else f"{p} ." for p in paras)


LAYOUTS: dict[str, Callable[[list[str]], str]] = {
    "blank lines": blank_lines, "one per line": one_per_line, "hard-wrapped": hard_wrap, "one line": one_line,
}


def body(text: str) -> list[str]:
    return [s.text for s in split_article(make_article(normalize_body(text))) if s.kind == "body"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_of_a_made_up_article_gives_the_same_sentences(layout: str) -> None:
    assert body(LAYOUTS[layout](PARAGRAPHS)) == BODY


@pytest.mark.parametrize("layout", ["blank lines", "one per line", "hard-wrapped"])
def test_every_layout_with_line_breaks_gives_the_same_paragraphs(layout: str) -> None:
    assert paragraphs(LAYOUTS[layout](PARAGRAPHS)) == PARAGRAPHS


def test_one_line_keeps_every_line_without_end_punctuation_apart() -> None:
    """On one line a break after a sentence is gone (the sentences stay apart all the same);
    a line without end punctuation still stands alone."""
    assert paragraphs(one_line(PARAGRAPHS)) == [
        PARAGRAPHS[0], " ".join(PARAGRAPHS[1:4]), " ".join(PARAGRAPHS[4:6]), PARAGRAPHS[6], PARAGRAPHS[7],
        " ".join(PARAGRAPHS[8:])]


def test_hard_wrapped_text_is_told_from_one_paragraph_per_line() -> None:
    def blocks(text: str) -> list[list[str]]:
        return [[line for line in text.split("\n") if line.strip()]]

    assert hard_wrapped(blocks(hard_wrap(PARAGRAPHS)))[0]
    assert hard_wrapped(blocks(textwrap.fill(" ".join(PARAGRAPHS[1:3]), 60)))[0]
    assert not hard_wrapped(blocks(one_per_line(PARAGRAPHS)))[0]
    assert not hard_wrapped(blocks("Short line\nAnother one\nAnd a third"))[0]  # too narrow for prose


def test_a_ragged_wrap_before_a_lower_case_word_is_not_a_paragraph_end() -> None:
    text = ("    Officials said the agreement would cut transit fees on cotton and\n"
            "fruit by a third from next year, and two more\n"
            "crossings would open.\n"
            "    Traders welcomed the news on Friday and said exports could double\n"
            "within a year if the railway opened on time.")
    assert paragraphs(text) == [
        "Officials said the agreement would cut transit fees on cotton and fruit by a third from next year, "
        "and two more crossings would open.",
        "Traders welcomed the news on Friday and said exports could double within a year if the railway "
        "opened on time.",
    ]


def test_a_word_broken_at_a_hyphen_is_rejoined() -> None:
    text = ("    The new Russian-\nlanguage daily will open in Tashkent next month, its\n"
            "owners said, with a staff of forty reporters and editors.\n"
            "    It will print fifty thousand copies a day in the first year.")
    assert paragraphs(text)[0].startswith("The new Russian-language daily will open")


def test_a_lone_period_is_a_line_break_but_not_in_an_ellipsis_or_after_a_quote() -> None:
    assert paragraphs('He waited . . . and waited. She said "no" . Then she left.') == [
        'He waited . . . and waited. She said "no" . Then she left.']
    assert paragraphs("Markets rose . Officials watched the screens in Tashkent . Trade resumed.") == [
        "Markets rose", "Officials watched the screens in Tashkent", "Trade resumed."]


def test_a_loose_full_stop_at_the_end_of_a_line_is_glued_to_its_word() -> None:
    assert paragraphs("Talks ended on Friday .\nA deal is expected.") == ["Talks ended on Friday.", "A deal is expected."]


def test_a_flattened_daily_mail_header_becomes_lines_set_aside() -> None:
    text = ("By . Test Desk Reporter . PUBLISHED: . 07:53 EST, 23 June 2026 . | . UPDATED: . "
            "07:53 EST, 23 June 2026 . Officials in Kabul said on Friday that the rail pact was signed. "
            "Crowds wave flags at the station in Mazar-i-Sharif as the first train arrives from Termez . "
            "The line will cost $4.8bn.")
    sentences = split_article(make_article(normalize_body(text)))
    assert [(s.kind, s.text) for s in sentences] == [
        ("byline", "By Test Desk Reporter"),
        ("boilerplate", "PUBLISHED:"),
        ("boilerplate", "07:53 EST, 23 June 2026"),
        ("boilerplate", "|"),
        ("boilerplate", "UPDATED:"),
        ("boilerplate", "07:53 EST, 23 June 2026"),
        ("body", "Officials in Kabul said on Friday that the rail pact was signed."),
        ("caption", "Crowds wave flags at the station in Mazar-i-Sharif as the first train arrives from Termez"),
        ("body", "The line will cost $4.8bn."),
    ]


def test_a_line_ending_with_the_goes_on_and_a_list_item_does_not() -> None:
    assert paragraphs("The pact covers the\nrailway and the road.") == ["The pact covers the railway and the road."]
    assert paragraphs("Fees fall for cotton and\n- fruit exports") == ["Fees fall for cotton and", "- fruit exports"]


# --------------------------------------------------------------------------- issue 19: Reuters style

#: A made-up wire story, with a dateline, as (title, paragraphs).
WIRE_TITLE = "Termez carmaker shows its cheapest truck"
WIRE = (
    "KABUL, Nov 24 (Test Wire) - A carmaker from Termez showed its cheapest truck yet on Monday, "
    "a model meant for the mountain roads of northern Afghanistan.",
    "The truck costs less than $20,000, the company said. Its trucks - made famous by the rally "
    "driver Karim Noori - will go on sale in Kabul and Mazar-i-Sharif in the spring. Dealers "
    "expect strong demand from farmers and traders.",
    "Exports to Pakistan are planned for next year, once the new customs rules apply at Torkham.",
)
WIRE_BODY = [
    "A carmaker from Termez showed its cheapest truck yet on Monday, a model meant for the mountain "
    "roads of northern Afghanistan.",
    "The truck costs less than $20,000, the company said.",
    "Its trucks - made famous by the rally driver Karim Noori - will go on sale in Kabul and "
    "Mazar-i-Sharif in the spring.",
    "Dealers expect strong demand from farmers and traders.",
    "Exports to Pakistan are planned for next year, once the new customs rules apply at Torkham.",
]
#: The story as a wire sends it: wrapped by a wrapper that balances its lines, each paragraph's
#: first line indented, no blank lines. A wrapped line opens with "Noori - will go on sale",
#: and the line before it ends although the next word would have fitted on it.
WIRE_REUTERS = (
    f"{WIRE_TITLE}\n"
    "    KABUL, Nov 24 (Test Wire) - A carmaker from Termez showed its\n"
    "cheapest truck yet on Monday, a model meant for the mountain roads\n"
    "of northern Afghanistan.\n"
    "    The truck costs less than $20,000, the company said. Its trucks\n"
    "- made famous by the rally driver Karim\n"
    "Noori - will go on sale in Kabul and Mazar-i-Sharif in the spring.\n"
    "Dealers expect strong demand from farmers and traders.\n"
    "    Exports to Pakistan are planned for next year, once the new\n"
    "customs rules apply at Torkham.\n"
)


def wire_kinds(text: str) -> list[tuple[str, str]]:
    """The kinds and texts of the sentences of ``text`` read as a .txt file."""
    found = parse_file(text.encode("utf-8"), Path("wire.txt"), None, "wire.txt")
    return [(s.kind, s.text) for article in found.articles for s in split_article(article)]


def test_a_reuters_style_wrapped_line_opening_like_a_dateline_keeps_every_sentence() -> None:
    sentences = wire_kinds(WIRE_REUTERS)
    assert [t for k, t in sentences if k == "body"] == WIRE_BODY
    assert [t for k, t in sentences if k == "dateline"] == ["KABUL, Nov 24 (Test Wire)"]


def test_a_dateline_is_set_aside_only_at_the_start_of_the_first_paragraph() -> None:
    text = (f"{WIRE_TITLE}\n\n{WIRE[0]}\n\nMOSCOW (Test Wire) - Traders said exports could double.\n\n"
            "Its trucks\n\nNOORI - will go on sale in the spring.")
    sentences = wire_kinds(text)
    assert [t for k, t in sentences if k == "dateline"] == ["KABUL, Nov 24 (Test Wire)"]
    assert ("body", "MOSCOW (Test Wire) - Traders said exports could double.") in sentences
    assert ("body", "NOORI - will go on sale in the spring.") in sentences
    assert dateline_end("NOORI - will go on sale in the spring.") == 0  # lower case after it: no dateline


@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize("layout", EVAL_LAYOUTS)
def test_the_wire_story_gives_the_same_sentences_in_all_five_layouts(layout: str, wrapper: str) -> None:
    text = eval_layouts(LaidOutArticle("wire", WIRE_TITLE, WIRE), WRAPPERS[wrapper])[layout]
    sentences = wire_kinds(text)
    assert [t for k, t in sentences if k == "body"] == WIRE_BODY
    assert ("dateline", "KABUL, Nov 24 (Test Wire)") in sentences


def test_balanced_wrapping_fills_lines_evenly_and_keeps_the_words() -> None:
    paragraph = " ".join([*WIRE, *WIRE])
    lines = balanced_wrap(paragraph, 50, "    ")
    assert " ".join(line.strip() for line in lines) == paragraph and lines[0].startswith("    ")
    assert all(len(line) <= 50 for line in lines)
    assert min(len(line) for line in lines[:-1]) > min(len(line) for line in greedy_wrap(paragraph, 50, "    ")[:-1])


def test_a_suspended_hyphen_at_a_line_end_keeps_its_space() -> None:
    text = ("    Engineers in Tashkent build the cars with nano-\nand micro-sensors made in Termez,\n"
            "the company said on Monday in a statement to the press.\n"
            "    The new Russian-\nlanguage daily will print fifty thousand copies a day.")
    assert paragraphs(text) == [
        "Engineers in Tashkent build the cars with nano- and micro-sensors made in Termez, the company said "
        "on Monday in a statement to the press.",
        "The new Russian-language daily will print fifty thousand copies a day."]


# --------------------------------------------------------------------------- real articles


def _bbc(per_category: int) -> list[tuple[str, str]]:
    found = []
    for category in sorted(p for p in (EVAL / "bbc-news-summary" / "articles").iterdir() if p.is_dir()):
        for path in sorted(category.glob("*.txt"))[:per_category]:
            text = decode(path.read_bytes(), str(path)).strip()
            found.append((f"bbc {category.name}/{path.name}", text.partition("\n")[2]))  # without the title
    return found


def _reuters(count: int) -> list[tuple[str, str]]:
    """The first bodies of Reuters-21578, as the wire sent them: the dateline put back in front,
    entities decoded, the end-of-text mark and the "Reuter" sign-off dropped."""
    raw = (EVAL / "reuters21578" / "reut2-000.sgm").read_text(encoding="latin-1")
    found = []
    for story in re.finditer(r"<REUTERS.*?</REUTERS>", raw, re.S):
        text = re.search(r"<BODY>(.*?)</BODY>", story.group(), re.S)
        if text is None:
            continue
        dateline = re.search(r"<DATELINE>(.*?)</DATELINE>", story.group(), re.S)
        body_text = html.unescape(re.sub(r"&#\d+;", "", (dateline.group(1) if dateline else "") + text.group(1)))
        found.append((f"reuters {len(found)}", re.sub(r"\n\s*REUTER\s*\Z", "", body_text.rstrip(), flags=re.I)))
        if len(found) == count:
            break
    return found


def _cnndm(count: int) -> list[tuple[str, str]]:
    with (EVAL / "cnndm-bump" / "pairs.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()][:count]
    return [(f"cnndm {row['id']}", row["article"]) for row in rows]


@pytest.fixture(scope="module")
def real_articles() -> list[tuple[str, str]]:
    if not all((EVAL / name).is_dir() for name in ("bbc-news-summary", "reuters21578", "cnndm-bump")):
        pytest.skip(f"the shared evaluation data is not at {EVAL}")
    return _bbc(10) + _reuters(100) + _cnndm(60)


def _junctions_visible(paras: list[str]) -> bool:
    """Whether every paragraph break that ends a sentence is still a sentence break once the
    paragraphs are run together on one line. Where it is not (a paragraph ending in "Co." or
    "U.S." before a name, one opening with a lower-case fragment), nothing on the line shows
    the break, so the one-line layout cannot give the same sentences."""
    for before, after in zip(paras, paras[1:], strict=False):
        if _ENDS.search(before) and len(before) not in {end for _, end in sentence_spans(f"{before} {after}")}:
            return False
    return True


@pytest.mark.parametrize("layout", LAYOUTS)
def test_real_articles_give_the_same_sentences_in_every_layout(layout: str, real_articles: list[tuple[str, str]]) -> None:
    """Each article's paragraphs, as briefgen reads them from the file, are laid out again in
    each layout; the body sentences must not change. Two layouts lose information for a few
    articles, which are left out of those layouts only and counted: one line, where a paragraph
    break hides behind an abbreviation; hard wrapping, where the text itself has a hyphen before
    a space ("cross-border- trade"), which a wrap at that space makes a broken word."""
    failures, left_out = [], 0
    for name, text in real_articles:
        canonical = normalize_body(text)
        paras = canonical.split("\n\n")
        if (layout == "one line" and not _junctions_visible(paras)) or (
                layout == "hard-wrapped" and re.search(r"[^\W\d_]- ", canonical)):
            left_out += 1
            continue
        expected = body(canonical)
        assert body(text) == expected, name  # the file's own layout reads the same
        got = body(LAYOUTS[layout](paras))
        if got != expected:
            failures.append(f"{name}: {sorted(set(got) ^ set(expected))[:4]}")
    assert left_out <= len(real_articles) // 10
    assert not failures, "\n".join(failures)


@pytest.mark.e2e
def test_the_layout_evaluation_reads_articles_and_counts_identical_layouts(tmp_path: Path) -> None:
    """`briefgen eval layouts` on a data set of one made-up article in the BBC's shape (first
    line the title, paragraphs separated by blank lines): every layout gives its sentences."""
    folder = tmp_path / "articles" / "business"
    folder.mkdir(parents=True)
    (folder / "100.txt").write_text(WIRE_TITLE + "\n\n" + "\n\n".join(WIRE) + "\n", encoding="utf-8")
    articles = read_bbc_articles(tmp_path)
    assert articles == [LaidOutArticle("business/100", WIRE_TITLE, WIRE)]
    results = evaluate_layouts(articles)
    assert [(r.wrapper, r.identical, r.total) for r in results] == [("greedy", 1, 1), ("balanced", 1, 1)]
    result = CliRunner().invoke(cli, ["eval", "layouts", str(tmp_path), "--show-failures"])
    assert result.exit_code == 0, result.output
    assert "| greedy | 1/1 | 1/1 | 1/1 | 1/1 | **1/1** |" in result.output
