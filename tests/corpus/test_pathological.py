"""Pathological input: files made so that reading them costs time that grows with the square of
their size (markup that a backtracking pattern scans again from every position, a feed title of
escaped tags, a page of tens of thousands of table cells), and YAML alias bombs in front matter.
Each is read in one pass or refused at once, and the rest of the corpus loads.

The inputs are as large as the ones that found the faults: each took from minutes to hours to
read before. Regular expressions work in C, where no step can be counted, so :func:`hang_stop`
only keeps a regression from stalling the suite; where the work is briefgen's own Python, its
growth is counted (:mod:`tests.steps`). Every fixture is made up here."""

from __future__ import annotations

import html
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.load import MAX_FIELD, LoadResult, load_corpus
from briefgen.readers import code_spans, markdown_to_text
from tests.conftest import SECURITY_TEXT, TRADE_TEXT, md_file
from tests.steps import growth, hang_stop, python_steps

GOOD = "2026-11-24-good"
OPENING = "Envoys met in Tashkent on Monday to talk about the railway."


def load_with(tmp_path: Path, name: str, content: str | bytes) -> tuple[LoadResult, Path]:
    """Load a corpus of one good article and the file ``name``, stopping a hang."""
    folder = tmp_path / "corpus"
    md_file(folder, f"{GOOD}.md", TRADE_TEXT, source="Steppe Ledger")
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with hang_stop():
        result = load_corpus(folder)
    assert GOOD in [a.id for a in result.articles]
    return result, path


def text_of(result: LoadResult, path: Path) -> str:
    [article] = [a for a in result.articles if a.path == str(path)]
    return article.text


# Markup that is opened and never closed, repeated until the file is 0.4 to 4.5 MB: a pattern
# that looks for the end from each opening reads the rest of the file each time.
UNCLOSED = {
    "bold": "**a " * 200_000,
    "tags": "<a" * 500_000,
    "liquid": "{%" * 400_000,
    "links": "[" * 200_000 + "](" * 100_000,
    "liquid-output": "{{" * 400_000,
    "strike": "~~a " * 200_000,
    "images": "![" * 300_000,
    "footnotes": "[^" * 300_000,
    "link-titles": "[a]( (" * 100_000,
    "attribute-lists": "{:" * 400_000,
    "heading-attributes": " {#" * 300_000,
    "autolinks": "<http:" * 150_000,
    "script": "<script" * 100_000,
    "backticks": "".join("`" * k + "a" for k in range(1, 3000)),  # runs of every length, none closed
}


@pytest.mark.parametrize("markup", UNCLOSED.values(), ids=UNCLOSED.keys())
def test_markup_that_never_closes_is_read_in_one_pass_as_the_characters_it_is(tmp_path: Path, markup: str) -> None:
    result, path = load_with(tmp_path, "2026-11-24-unclosed.md", f"---\ntitle: Unclosed\n---\n\n{OPENING}\n\n{markup}\n")
    assert result.problems == []
    assert text_of(result, path) == f"{OPENING}\n\n{markup.strip()}"


CLOSED = {
    "bold": ("**bold** " * 200_000, "bold " * 200_000),
    "links": ("[a link](https://example.org/x) " * 100_000, "a link " * 100_000),
    "liquid": ("{% raw %}kept{% endraw %} " * 100_000, "kept " * 100_000),
    "tags": ('<span class="x">kept</span> ' * 100_000, "kept " * 100_000),
    "code": ("`code` ``more`` " * 100_000, "code more " * 100_000),
}


@pytest.mark.parametrize(("markup", "text"), CLOSED.values(), ids=CLOSED.keys())
def test_markup_repeated_a_hundred_thousand_times_is_still_stripped(tmp_path: Path, markup: str, text: str) -> None:
    result, path = load_with(tmp_path, "2026-11-24-closed.md", f"---\ntitle: Closed\n---\n\n{OPENING}\n\n{markup}\n")
    assert text_of(result, path) == f"{OPENING}\n\n{text.strip()}"


def test_code_spans_are_paired_in_work_that_grows_with_the_text() -> None:
    def runs(n: int) -> str:  # backtick runs of fifty lengths, most of them never closed on their line
        return "".join("`" * (k % 50 + 1) + "a" + ("\n" if k % 97 == 0 else "") for k in range(n))

    assert markdown_to_text("a `b` c ``d ` e`` f ```g") == "a b c d ` e f ```g"
    assert code_spans("`one\ntwo`") == "`one\ntwo`"  # a code span ends on its line
    # Four times the runs run about four times as many steps of briefgen's code, not sixteen.
    assert growth(lambda n: python_steps(code_spans, runs(n)), 2000) < 4.5


@pytest.mark.parametrize("repeat", [5_000, 40_000, 990_000], ids=["10kB-title", "200kB-title", "5MB-feed"])  # under the 5 MB limit
def test_a_feed_title_of_escaped_tags_is_read_in_one_pass(tmp_path: Path, repeat: int) -> None:
    feed = ('<rss version="2.0"><channel><title>Wire</title><item><title>' + "&lt;a" * repeat + "</title>"
            f"<description>{SECURITY_TEXT}</description></item></channel></rss>")
    result, path = load_with(tmp_path, "2026-11-24-wire.rss", feed)
    if 2 * repeat <= MAX_FIELD:
        [entry] = [a for a in result.articles if a.path == str(path)]
        assert entry.title == "<a" * repeat  # not a tag: the characters it is
        assert entry.text == SECURITY_TEXT
    else:  # read to the end, then refused as no title
        [problem] = result.problems
        assert str(problem) == (f"{path} entry 1: a title of over 10,000 characters: not a title "
                                "(shorten the title, or check that the file is not damaged)")


def test_a_feed_entry_of_unclosed_comments_is_read_in_one_pass(tmp_path: Path) -> None:
    entry = html.escape(f"<p>{SECURITY_TEXT}</p>" + "<!--" * 200_000)  # 1 MB escaped
    feed = (f'<rss version="2.0"><channel><title>Wire</title><item><title>Raid</title><description>{entry}'
            "</description></item></channel></rss>")
    result, path = load_with(tmp_path, "2026-11-24-wire.rss", feed)
    assert text_of(result, path) == SECURITY_TEXT


def test_a_page_of_twenty_thousand_table_cells_is_read(tmp_path: Path) -> None:
    page = (f"<html><head><title>Results</title></head><body><article><p>{SECURITY_TEXT}</p><table>"
            + "<td>a. " * 20_000 + "</table></article></body></html>")
    result, path = load_with(tmp_path, "2026-11-24-cells.html", page)
    assert result.problems == []
    assert text_of(result, path).startswith(SECURITY_TEXT)


def test_a_page_of_more_elements_than_any_article_is_skipped_at_once(tmp_path: Path) -> None:
    page = "<html><body><article>" + "<p>a. " * 100_000 + "</article></body></html>"
    result, path = load_with(tmp_path, "2026-11-24-many.html", page)
    [problem] = result.problems
    assert str(problem) == (f"{path}: a page of 100,003 HTML elements, over the 50,000 briefgen reads "
                            "(save the article's text alone (.txt or .md), or remove the file)")


def alias_bomb(field: str, levels: int = 9) -> str:
    """Front matter of about 450 bytes whose ``field`` expands to 9**levels strings."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "---\n" + "\n".join(lines) + f"\n{field}: *l{levels - 1}\n---\n\n{SECURITY_TEXT}\n"


@pytest.mark.parametrize("field", ["title", "date", "source", "url"])
def test_a_yaml_alias_bomb_in_front_matter_is_refused_before_it_expands(tmp_path: Path, field: str) -> None:
    tracemalloc.start()
    try:
        result, path = load_with(tmp_path, "2026-11-24-bomb.md", alias_bomb(field))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [problem] = result.problems
    assert str(problem) == (f"{path}: malformed front matter: its aliases (*name) expand it by over 100,000 characters: "
                            "refused as a possible alias bomb (write the values out instead of repeating them with "
                            "&name and *name)")
    assert peak < 50_000_000  # expanded, the title took 3 to 5 GB


def test_an_alias_that_names_itself_is_refused(tmp_path: Path) -> None:
    result, path = load_with(tmp_path, "2026-11-24-loop.md", f"---\ntitle: &t [*t]\n---\n\n{SECURITY_TEXT}\n")
    [problem] = result.problems
    assert problem.reason.startswith("malformed front matter: its aliases (*name) refer to themselves")


def test_front_matter_may_still_repeat_a_value_with_an_alias(tmp_path: Path) -> None:
    front = "---\noutlet: &outlet Khyber Wire\ntitle: Border talks\nsource: *outlet\ndate: 2026-11-24\n---\n\n"
    result, path = load_with(tmp_path, "2026-11-24-alias.md", front + SECURITY_TEXT)
    [article] = [a for a in result.articles if a.path == str(path)]
    assert (article.title, article.source, article.text) == ("Border talks", "Khyber Wire", SECURITY_TEXT)


def test_a_date_that_is_a_long_list_is_not_a_date_and_is_shown_cut_short(tmp_path: Path) -> None:
    front = "---\ntitle: Dates\ndate: [" + ", ".join(["never"] * 10_000) + "]\n---\n\n"  # under MAX_FRONT_MATTER
    result, path = load_with(tmp_path, "2026-11-24-dates.md", front + SECURITY_TEXT)
    [problem] = result.problems
    assert problem.reason == "date '['never', 'never', 'never', 'never', 'never', 'never', ...]' is not a date"


@pytest.mark.e2e
def test_a_daily_run_over_hostile_files_writes_the_briefing_of_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    md_file(folder, "2026-11-24-trade.md", TRADE_TEXT, source="Steppe Ledger")
    md_file(folder, "2026-11-24-security.md", SECURITY_TEXT, source="Khyber Wire")
    (folder / "2026-11-24-bold.md").write_text(f"---\ntitle: Bold\n---\n\n{UNCLOSED['bold']}\n")
    (folder / "2026-11-24-links.md").write_text(f"---\ntitle: Links\n---\n\n{UNCLOSED['links']}\n")
    bomb = folder / "2026-11-24-bomb.md"
    bomb.write_text(alias_bomb("title"))
    (folder / "2026-11-24-wire.rss").write_text(
        '<rss version="2.0"><channel><title>Wire</title><item><title>' + "&lt;a" * 40_000 + "</title>"
        "<pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate><description>Tariffs rose.</description></item></channel></rss>")
    out = tmp_path / "out"
    with hang_stop(300):
        result = CliRunner().invoke(cli, ["daily", "--corpus", str(folder), "--out", str(out), "--date", "2026-11-24",
                                          "--format", "md"])
    assert result.exit_code == 9, result.output  # a file skipped
    briefing = (out / "2026-11-24" / "briefing.md").read_text()
    assert "Uzbekistan and Pakistan agreed to cut transit tariffs" in briefing
    assert f"warning: skipped {bomb}: malformed front matter: its aliases (*name) expand it by over" in result.stderr
    assert f"warning: {folder / '2026-11-24-bold.md'}: no sentence punctuation" in result.stderr
