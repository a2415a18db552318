import datetime as dt
from pathlib import Path

import pytest

from briefgen.errors import ArticleError, InputError
from briefgen.load import (
    SUFFIXES,
    corpus_names,
    in_window,
    list_files,
    load_article,
    load_corpus,
    normalize_body,
)
from tests.conftest import md_file


def test_markdown_front_matter_gives_title_date_source_url(tmp_path: Path) -> None:
    path = md_file(tmp_path, "story.md", "Trade rose sharply this year. Officials welcomed it.",
                   title="Trade rises", date="2026-11-25", source="Steppe Ledger", url="https://s.example/1")
    article = load_article(path)
    assert article.title == "Trade rises"
    assert article.date == dt.date(2026, 11, 25)
    assert article.source == "Steppe Ledger"
    assert article.url == "https://s.example/1"
    assert article.text == "Trade rose sharply this year. Officials welcomed it."


def test_txt_first_line_is_title_and_date_comes_from_file_name(tmp_path: Path) -> None:
    path = tmp_path / "2026-11-27-wheat-deal.txt"
    path.write_text("Wheat deal signed\n\nThe two governments signed a wheat supply deal.\nIt runs for\nthree years.\n")
    article = load_article(path)
    assert article.title == "Wheat deal signed"
    assert article.date == dt.date(2026, 11, 27)
    assert article.text == "The two governments signed a wheat supply deal.\n\nIt runs for three years."


def test_txt_first_line_that_is_a_sentence_is_body_text(tmp_path: Path) -> None:
    path = tmp_path / "2026-11-27-wheat-deal.txt"
    path.write_text("Wheat exports to Afghanistan jumped 76% to 1.1m tonnes in the three months to October.\n\n"
                    "Traders credited the new rail link.\n")
    article = load_article(path)
    assert article.title == "Wheat deal"  # from the file name
    assert article.text.startswith("Wheat exports to Afghanistan jumped 76%")


@pytest.mark.parametrize(("first_line", "is_title"), [
    ("Wheat deal signed", True),
    ("Can Tashkent pay for the railway?", True),  # a question may be a headline
    ("Rivals of the new rail link...", True),
    ("Wheat deal signed.", False),  # a full stop ends a sentence
    ("Deal signed!", False),
    ("By", False),
    ("Officials from both countries said the wheat deal would run for three years from next spring on", False),
])
def test_txt_title_only_when_the_first_line_looks_like_one(tmp_path: Path, first_line: str, is_title: bool) -> None:
    path = tmp_path / "story.txt"
    path.write_text(f"{first_line}\n\nThe two governments signed a wheat supply deal on Friday.\n")
    assert (load_article(path).title == first_line) is is_title


def test_txt_title_followed_by_one_paragraph_per_line(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Rail pact signed\nOfficials signed the rail pact on Friday.\nFinancing details\n"
                    "The line will cost $4.8bn, the ministry said.\n")
    article = load_article(path)
    assert article.title == "Rail pact signed"
    assert article.text.split("\n\n") == [
        "Officials signed the rail pact on Friday.", "Financing details", "The line will cost $4.8bn, the ministry said."]


def test_markdown_links_keep_their_text_and_images_go(tmp_path: Path) -> None:
    body = "See the [ministry statement](https://m.example/s) for details. ![map](file:///etc/passwd) **Bold** words stay."
    article = load_article(md_file(tmp_path, "links.md", body))
    assert article.text == "See the ministry statement for details. Bold words stay."


def test_subheading_written_without_blank_line_becomes_its_own_paragraph() -> None:
    assert normalize_body("Transit fees under review\nThe fees rose twice this year.") == (
        "Transit fees under review\n\nThe fees rose twice this year."
    )


def test_paragraphs_are_the_same_in_every_layout() -> None:
    expected = "Transit fees under review\n\nThe fees rose twice this year, the ministry said on Friday in Kabul."
    assert normalize_body("Transit fees under review\n\nThe fees rose twice this year, the ministry said on Friday in Kabul.") == expected
    assert normalize_body("Transit fees under review\nThe fees rose twice this year, the ministry said on Friday in Kabul.") == expected
    assert normalize_body("Transit fees under review . The fees rose twice this year, the ministry said on Friday in Kabul.") == expected


def test_malformed_front_matter_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text('---\ntitle: "Unclosed\ndate: 2026-11-24\n---\n\nBody text here.\n')
    with pytest.raises(ArticleError) as info:
        load_article(path)
    assert str(path) in str(info.value)
    assert "malformed front matter" in str(info.value)
    assert "fix the YAML" in str(info.value)


def test_a_date_that_is_not_a_date_is_an_article_error(tmp_path: Path) -> None:
    path = md_file(tmp_path, "when.md", "Some text about trade.", date="next tuesday")
    with pytest.raises(ArticleError, match="'next tuesday' is not a date"):
        load_article(path)


def test_missing_corpus_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_one_bad_file_is_reported_and_the_others_load(tmp_path: Path) -> None:
    md_file(tmp_path, "2026-11-24-good.md", "A good article about tariffs on cotton exports.")
    (tmp_path / "2026-11-24-binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "2026-11-24-empty.md").write_text("")
    result = load_corpus(tmp_path)
    assert [a.title for a in result.articles] == ["Headline"]
    reasons = sorted(p.reason for p in result.problems)
    assert reasons == ["binary file, not text", "no article text"]


def test_undated_articles_are_reported_and_left_out_of_windows(tmp_path: Path) -> None:
    md_file(tmp_path, "nodate.md", "An article nobody dated, about trade.", date=None)
    result = load_corpus(tmp_path)
    assert result.undated == [str(tmp_path / "nodate.md")]
    assert in_window(result.articles, dt.date(2000, 1, 1), dt.date(2100, 1, 1)) == []


def test_the_same_story_saved_twice_by_one_outlet_loads_once(tmp_path: Path) -> None:
    md_file(tmp_path, "a.md", "Exports of fruit rose by a third.")
    md_file(tmp_path, "b.md", "Exports of fruit rose by a third.")
    md_file(tmp_path, "c.md", "Exports of fruit rose by a third.", source="Other Outlet")
    [article] = load_corpus(tmp_path).articles  # the other outlet's copy is remembered, not ranked
    assert (article.id, [a.id for a in article.also_in]) == ("a", ["c"])


def test_windows_latin1_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "2026-11-24-cafe.txt"
    path.write_bytes("Caf\xe9 owners\n\nThe caf\xe9 reopened after the snow.".encode("cp1252"))
    assert load_article(path).text == "The café reopened after the snow."


def test_the_corpus_is_read_in_the_order_of_its_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "a-b" sorts before "a/" as text, after it as a path: a folder's files come before its look-alike sibling's
    names = ["b.txt", "a/x.md", "a-b/y.TXT", "a.md", "a/c/z.html", ".hidden/h.md", "a/.dot.md", "a/notes.doc"]
    for k, name in enumerate(names):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"Title {k}\n\nStory number {k} tells of {name} alone.\n", encoding="utf-8")
    listed = ["a/c/z.html", "a/x.md", "a-b/y.TXT", "a.md", "b.txt"]
    assert list_files(tmp_path, tuple(SUFFIXES), []) == [tmp_path / n for n in listed]
    assert corpus_names(tmp_path, SUFFIXES, []) == [str(tmp_path / n) for n in listed]
    monkeypatch.chdir(tmp_path)
    assert corpus_names(Path("."), SUFFIXES, []) == listed  # as Path spells them, without "./"
    assert [a.id for a in load_corpus(Path(".")).articles] == ["a/c/z", "a/x", "a-b/y", "a", "b"]
